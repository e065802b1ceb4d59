//! The JSON API of dossiers, follow-ups and revocation cases: the same rules as the
//! pages, errors as JSON (run on SQLite and on PostgreSQL by `.ci/run`).

use crate::common::*;
use serde_json::{json, Value};

fn version(v: &Value) -> i64 {
    v["version"].as_i64().expect("a version")
}

#[tokio::test]
async fn a_dossier_walks_from_draft_to_supplement_over_the_api() {
    let app = TestApp::with_demo().await;
    let product = demo_product(&app, "Trà xanh hương nhài").await;
    let producer = app.api_demo("chuthe").await;
    let create = format!("/api/v1/products/{}/dossiers", product.id);
    // Bad input first: nothing is created.
    let (s, e) = producer
        .post(
            &create,
            json!({"kind": "first_evaluation", "target_stars": 7}),
        )
        .await;
    assert_eq!(s, 422, "{e}");
    assert_eq!(e["error"]["code"], "validation_failed");
    let (s, e) = producer.post(&create, json!({"kind": "someday"})).await;
    assert_eq!(s, 422, "{e}");
    let (s, d) = producer
        .post(
            &create,
            json!({"kind": "first_evaluation", "target_stars": 4}),
        )
        .await;
    assert_eq!(s, 201, "{d}");
    assert_eq!(d["state"], "draft");
    assert_eq!(d["target_stars"], 4);
    assert_eq!(d["rulebook_id"], "QD26-2026");
    let id = d["id"].as_i64().unwrap();
    // One open dossier per product.
    let (s, e) = producer.post(&create, json!({})).await;
    assert_eq!(s, 409, "{e}");
    assert_eq!(e["error"]["code"], "open_dossier_exists");
    let tr = format!("/api/v1/dossiers/{id}/transitions");
    // Submitting without the checklist's documents names what is missing.
    let (s, e) = producer
        .post(&tr, json!({"event": "submit", "version": version(&d)}))
        .await;
    assert_eq!(s, 422, "{e}");
    assert_eq!(e["error"]["code"], "missing_documents");
    let missing = e["error"]["fields"]["missing"].as_array().unwrap();
    assert!(
        missing.iter().any(|m| m == "business_registration"),
        "{missing:?}"
    );
    attach_required_docs(&app, id).await;
    let (s, d) = producer
        .post(&tr, json!({"event": "submit", "version": version(&d)}))
        .await;
    assert_eq!(s, 200, "{d}");
    assert_eq!(d["state"], "submitted");
    assert!(
        d["registration_number"]
            .as_str()
            .unwrap()
            .contains("/PĐK-12-"),
        "{d}"
    );
    assert!(d["deadline_on"].is_string(), "the commune's clock runs");
    // A stale version loses; the wrong role is told so.
    let (s, e) = producer
        .post(&tr, json!({"event": "withdraw", "version": 1}))
        .await;
    assert_eq!(s, 409, "{e}");
    assert_eq!(e["error"]["code"], "version_conflict");
    let (s, e) = producer
        .post(&tr, json!({"event": "forward", "version": version(&d)}))
        .await;
    assert_eq!(s, 403, "{e}");
    assert_eq!(e["error"]["code"], "wrong_role");
    let (s, e) = producer
        .post(&tr, json!({"event": "fly", "version": version(&d)}))
        .await;
    assert_eq!(s, 422, "{e}");
    // The commune asks for a supplement: a reason is required, then the clock stops.
    let commune = app.api_demo("xa.binhlu").await;
    let (s, e) = commune
        .post(
            &tr,
            json!({"event": "request_supplement", "version": version(&d)}),
        )
        .await;
    assert_eq!(s, 422, "{e}");
    assert_eq!(e["error"]["code"], "reason_required");
    let (s, d2) = commune
        .post(
            &tr,
            json!({"event": "request_supplement", "reason": "Bổ sung phiếu kiểm nghiệm", "version": version(&d)}),
        )
        .await;
    assert_eq!(s, 200, "{d2}");
    assert_eq!(d2["state"], "supplement_requested");
    assert!(d2["paused_since"].is_string(), "{d2}");
    // From the supplement state, forwarding is the wrong step.
    let (s, e) = commune
        .post(&tr, json!({"event": "forward", "version": version(&d2)}))
        .await;
    assert_eq!(s, 409, "{e}");
    assert_eq!(e["error"]["code"], "wrong_state");
    // Lists and the detail.
    let (s, l) = commune
        .get("/api/v1/dossiers?state=supplement_requested")
        .await;
    assert_eq!(s, 200);
    assert!(
        l["items"].as_array().unwrap().iter().any(|x| x["id"] == id),
        "{l}"
    );
    let (s, e) = commune.get("/api/v1/dossiers?state=flying").await;
    assert_eq!(s, 400, "{e}");
    let (s, full) = producer.get(&format!("/api/v1/dossiers/{id}")).await;
    assert_eq!(s, 200, "{full}");
    assert_eq!(full["state"], "supplement_requested");
    assert_eq!(full["events"].as_array().unwrap().len(), 2, "{full}");
    assert_eq!(
        full["events"][1]["reason"], "Bổ sung phiếu kiểm nghiệm",
        "{full}"
    );
    assert_eq!(full["documents"].as_array().unwrap().len(), 5);
    assert_eq!(full["missing_documents"], json!([]));
    // Another producer neither sees nor acts on it.
    let other = demo_product(&app, "Bánh đa dong Bình Lư").await.producer_id;
    app.user(
        "other.producer",
        ocop_domain::roles::Role::Producer,
        None,
        Some(other),
    )
    .await;
    let stranger = app.api_as("other.producer").await;
    let (s, _) = stranger.get(&format!("/api/v1/dossiers/{id}")).await;
    assert_eq!(s, 404);
    let (s, _) = stranger
        .post(&tr, json!({"event": "withdraw", "version": version(&d2)}))
        .await;
    assert_eq!(s, 404);
    let (_, l) = stranger.get("/api/v1/dossiers").await;
    assert!(
        !l["items"].as_array().unwrap().iter().any(|x| x["id"] == id),
        "{l}"
    );
    let (s, e) = stranger.post(&create, json!({})).await;
    assert_eq!(s, 404, "{e}");
}

/// Valid demo certificates (numbers), soonest expiry last.
async fn valid_certificates(api: &Api) -> Vec<Value> {
    let (s, l) = api.get("/api/v1/certificates?status=valid").await;
    assert_eq!(s, 200);
    l["items"].as_array().unwrap().clone()
}

#[tokio::test]
async fn follow_ups_and_revocation_cases_over_the_api() {
    let app = TestApp::with_demo().await;
    let officer = app.api_demo("tinh").await;
    let certs = valid_certificates(&officer).await;
    let c = certs
        .iter()
        .find(|c| c["stars"].as_i64().unwrap() < 5)
        .expect("a valid demo certificate under 5 stars");
    let number = c["number"].as_str().unwrap();
    // An upgrade from a valid certificate opens a linked draft.
    let (s, d) = officer
        .post(
            &format!("/api/v1/certificates/{number}/follow-ups"),
            json!({"kind": "upgrade", "target_stars": c["stars"].as_i64().unwrap() + 1}),
        )
        .await;
    assert_eq!(s, 201, "{d}");
    assert_eq!(d["kind"], "upgrade");
    assert!(d["previous_certificate_id"].is_i64(), "{d}");
    // Not twice, and not to the same stars.
    let (s, e) = officer
        .post(
            &format!("/api/v1/certificates/{number}/follow-ups"),
            json!({"kind": "upgrade"}),
        )
        .await;
    assert_eq!(s, 409, "{e}");
    assert_eq!(e["error"]["code"], "open_dossier_exists");
    let (s, e) = officer
        .post(
            "/api/v1/certificates/OCOP-12-2099-99999/follow-ups",
            json!({"kind": "upgrade"}),
        )
        .await;
    assert_eq!(s, 404, "{e}");
    // A revocation case: bad input in words, then the case with its deadline.
    let cases = format!("/api/v1/certificates/{number}/revocation-cases");
    let today = ocop_domain::format::today_vn();
    let day = |d: i64| (today + chrono::Duration::days(d)).to_string();
    for (body, id) in [
        (
            json!({"ground": "nonsense", "conclusion_ref": "KL 1", "concluded_on": day(-1)}),
            "ground",
        ),
        (
            json!({"ground": "law_violation", "conclusion_ref": " ", "concluded_on": day(-1)}),
            "conclusion_ref",
        ),
        (
            json!({"ground": "law_violation", "conclusion_ref": "KL 1", "concluded_on": day(2)}),
            "concluded_in_future",
        ),
        (
            json!({"ground": "law_violation", "conclusion_ref": "KL 1", "concluded_on": "31/02/2026"}),
            "concluded_on",
        ),
    ] {
        let (s, e) = officer.post(&cases, body).await;
        assert_eq!(s, 422, "{e}");
        if id == "ground" {
            assert_eq!(e["error"]["code"], "unknown_ground", "{e}");
        } else {
            assert_eq!(e["error"]["id"], id, "{e}");
        }
    }
    let (s, case) = officer
        .post(
            &cases,
            json!({"ground": "law_violation", "conclusion_ref": "KL 12/KL-TTr", "concluded_on": day(-20)}),
        )
        .await;
    assert_eq!(s, 201, "{case}");
    assert_eq!(case["deadline_on"], day(-5), "conclusion + 15 days");
    assert_eq!(case["overdue"], true);
    let (s, e) = officer
        .post(
            &cases,
            json!({"ground": "law_violation", "conclusion_ref": "KL 13", "concluded_on": day(-1)}),
        )
        .await;
    assert_eq!(s, 409, "{e}");
    let (s, l) = officer.get("/api/v1/revocation-cases").await;
    assert_eq!(s, 200);
    assert!(
        l["items"]
            .as_array()
            .unwrap()
            .iter()
            .any(|x| x["id"] == case["id"] && x["status"] == "open"),
        "{l}"
    );
    // Producers neither list nor open cases.
    let producer = app.api_demo("chuthe").await;
    let (s, _) = producer.get("/api/v1/revocation-cases").await;
    assert_eq!(s, 403);
    // Closing: the decision needs its reference; then the certificate is revoked,
    // late (past the 15 days).
    let close = format!("/api/v1/revocation-cases/{}/close", case["id"]);
    let (s, e) = officer
        .post(
            &close,
            json!({"action": "revoke", "decision_ref": "", "revoked_on": day(0)}),
        )
        .await;
    assert_eq!(s, 422, "{e}");
    let (s, e) = officer.post(&close, json!({"action": "shrug"})).await;
    assert_eq!(s, 422, "{e}");
    let viewer = app.api_demo("xem").await;
    let (s, _) = viewer
        .post(
            &close,
            json!({"action": "revoke", "decision_ref": "QĐ 99/QĐ-UBND", "revoked_on": day(0)}),
        )
        .await;
    assert_eq!(s, 403);
    let (s, done) = officer
        .post(
            &close,
            json!({"action": "revoke", "decision_ref": "QĐ 99/QĐ-UBND", "revoked_on": day(0)}),
        )
        .await;
    assert_eq!(s, 200, "{done}");
    assert_eq!(done["status"], "revoked");
    assert_eq!(done["late"], true);
    let (_, pubc) = officer
        .get(&format!("/api/v1/public/certificates/{number}"))
        .await;
    assert_eq!(pubc["status"], "revoked", "{pubc}");
    let (s, e) = officer
        .post(&close, json!({"action": "dismiss", "reason": "again"}))
        .await;
    assert_eq!(s, 409, "a closed case stays closed: {e}");
}

#[tokio::test]
async fn the_checklist_depends_on_the_product_set_samples_not_for_tourism() {
    let app = TestApp::with_demo().await;
    let officer = app.api_demo("tinh").await;
    let mut missing = Vec::new();
    for name in ["Du lịch cộng đồng bản Sì Thâu Chải", "Trà xanh hương nhài"] {
        let p = demo_product(&app, name).await;
        let url = format!("/api/v1/products/{}/dossiers", p.id);
        let (mut s, mut d) = officer.post(&url, json!({})).await;
        if d["error"]["code"] == "certified_product" {
            // A certified product opens an upgrade from its certificate instead.
            (s, d) = officer
                .post(&url, json!({"kind": "upgrade", "target_stars": 5}))
                .await;
        }
        assert_eq!(s, 201, "{d}");
        let (_, full) = officer.get(&format!("/api/v1/dossiers/{}", d["id"])).await;
        missing.push(full["missing_documents"].clone());
    }
    let has = |v: &Value, t: &str| v.as_array().unwrap().iter().any(|x| x == t);
    assert!(has(&missing[0], "registration_form"), "{:?}", missing[0]);
    assert!(!has(&missing[0], "product_samples"), "tourism: no samples");
    assert!(has(&missing[1], "product_samples"), "{:?}", missing[1]);
}
