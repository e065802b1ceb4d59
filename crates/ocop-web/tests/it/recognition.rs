//! From a producer's dossier to a certificate: the commune forwards it, it joins a
//! round, the council scores and closes (which moves the dossier on), and a
//! recognition decision issues the certificate.

use crate::common::*;
use ocop_domain::council::MemberRole;
use ocop_domain::roles::Role;
use ocop_domain::units::Period;
use ocop_store::audit::Actor;
use ocop_store::councils as cs;

async fn step(db: &ocop_store::DatabaseConnection, web: &Web, id: i64, event: &str) -> u16 {
    let page = format!("/dossiers/{id}");
    let v = ocop_store::dossiers::get(db, id)
        .await
        .unwrap()
        .version
        .to_string();
    web.post_form(
        &page,
        &format!("{page}/transition"),
        &[("event", event), ("reason", ""), ("version", &v)],
    )
    .await
    .status()
    .as_u16()
}

#[tokio::test]
async fn a_dossier_becomes_a_certificate_under_a_decision() {
    let app = TestApp::with_demo().await;
    let db = &app.db.conn;
    let product = ocop_store::registry::list_products(
        db,
        &ocop_domain::roles::Scope::All,
        &ocop_store::registry::ProductFilter {
            q: Some("Trà xanh hương nhài".into()),
            page: 1,
            per_page: 1,
            ..Default::default()
        },
    )
    .await
    .unwrap()
    .items
    .remove(0);
    let producer = app.web_as("chuthe", "demo-ocop-2026").await;
    let commune = app.web_as("xa.binhlu", "demo-ocop-2026").await;
    let officer = app.web_as("tinh", "demo-ocop-2026").await;
    let ppage = format!("/products/{}", product.id);
    let r = producer
        .post_form(
            &ppage,
            &format!("{ppage}/dossiers"),
            &[("kind", "first_evaluation"), ("target_stars", "4")],
        )
        .await;
    let id: i64 = r.headers()["location"]
        .to_str()
        .unwrap()
        .strip_prefix("/dossiers/")
        .unwrap()
        .parse()
        .unwrap();
    attach_required_docs(&app, id).await;
    assert_eq!(step(db, &producer, id, "submit").await, 303);
    assert_eq!(step(db, &commune, id, "forward").await, 303);
    through_province_check(db, id, ocop_domain::format::today_vn()).await;
    // The province opens a round and the dossier joins it.
    let today = ocop_domain::format::today_vn();
    let later = |d: i64| ocop_domain::format::date_vn(today + chrono::Duration::days(d));
    let r = officer
        .post_form(
            "/rounds",
            "/rounds",
            &[
                ("name", "Đợt 2 năm 2026"),
                ("proposals_by", &later(10)),
                ("closes_on", &later(30)),
            ],
        )
        .await;
    assert_eq!(r.status(), 303);
    let round: i64 = r.headers()["location"]
        .to_str()
        .unwrap()
        .strip_prefix("/rounds/")
        .unwrap()
        .parse()
        .unwrap();
    let dpage = format!("/dossiers/{id}");
    assert_eq!(
        officer
            .post_form(
                &dpage,
                &format!("{dpage}/round"),
                &[("round_id", &round.to_string())]
            )
            .await
            .status(),
        303
    );
    let (_, html) = officer.get_text(&format!("/rounds/{round}")).await;
    assert!(
        html.contains("Trà xanh hương nhài"),
        "the round lists its dossiers"
    );
    // A council scores the product (set-up through the store; scoring flows are tested elsewhere).
    let (_, members, session) = council_with_session(
        &app,
        "province",
        ("12", Period::Post2025),
        &[("chair.r", MemberRole::Chair)],
        today,
    )
    .await;
    let chair = members[0];
    let actor = Actor::system("test");
    let spage = format!("/sessions/{session}");
    assert_eq!(
        officer
            .post_form(
                &spage,
                &format!("{spage}/items"),
                &[("product_id", &product.id.to_string())]
            )
            .await
            .status(),
        303
    );
    let item = cs::items(db, session).await.unwrap().remove(0);
    assert_eq!(
        item.dossier_id,
        Some(id),
        "the agenda item is the dossier's"
    );
    // The chair scores well enough for 3 stars at least: best options everywhere.
    let lib = ocop_domain::rulebook::Library::embedded();
    let sheet = lib.sheet(&item.sheet_code).unwrap().unwrap();
    let best: serde_json::Map<String, serde_json::Value> = sheet
        .criteria()
        .filter(|(_, _, c)| c.alternative.is_none())
        .map(|(_, _, c)| {
            let v = match c.kind {
                ocop_domain::criteria::CriterionKind::YesNo => "yes".to_string(),
                _ => c
                    .options
                    .iter()
                    .max_by_key(|o| o.points)
                    .unwrap()
                    .id
                    .clone(),
            };
            (c.id.clone(), serde_json::Value::String(v))
        })
        .collect();
    cs::set_commune_choices(db, &actor, item.id, serde_json::Value::Object(best.clone()))
        .await
        .unwrap();
    cs::write_sheet(
        db,
        &actor,
        item.id,
        chair,
        0,
        Some(cs::SheetContent {
            choices: serde_json::Value::Object(best),
            total: 100,
            evidence: serde_json::json!({}),
        }),
        cs::SheetAction::Submit,
    )
    .await
    .unwrap();
    cs::write_sheet(
        db,
        &actor,
        item.id,
        chair,
        1,
        None,
        cs::SheetAction::Confirm,
    )
    .await
    .unwrap();
    let ipage = format!("/items/{}", item.id);
    let v = cs::get_item(db, item.id).await.unwrap().version.to_string();
    assert_eq!(
        officer
            .post_form(&ipage, &format!("{ipage}/close"), &[("version", &v)])
            .await
            .status(),
        303
    );
    let d = ocop_store::dossiers::get(db, id).await.unwrap();
    assert_eq!(
        d.state, "province_approval",
        "≥ 90 points: the chairman approves the result for the ministry (Art. 7.3.e)"
    );
    // A decision dated in the future, or without a number, is refused in words.
    for (number, on) in [("1234/QĐ-UBND", later(3)), ("", later(0))] {
        let r = officer
            .post_form(
                &spage,
                &format!("{spage}/decision"),
                &[("number", number), ("signed_on", &on), ("signer", "x")],
            )
            .await;
        assert_eq!(r.status(), 422);
        let html = r.text().await.unwrap();
        assert!(html.contains("id=\"session-error\""), "{html}");
        assert!(html.contains("không sau hôm nay"));
    }
    // No provincial certificate for a ≥ 90 product (Art. 4.1, 7.3.e): the session's
    // decision has nothing to recognise, and nothing is written.
    let before = ocop_store::certificates::current_of(db, product.id)
        .await
        .unwrap();
    assert!(before.is_none());
    // A second decision for the same session has nothing left to recognise.
    let r = officer
        .post_form(
            &spage,
            &format!("{spage}/decision"),
            &[
                ("number", "1235/QĐ-UBND"),
                ("signed_on", &later(0)),
                ("signer", "x"),
            ],
        )
        .await;
    assert_eq!(r.status(), 409);
    assert!(r
        .text()
        .await
        .unwrap()
        .contains("chưa được cấp giấy chứng nhận"));
}

/// A dossier the province council forwarded to the central council (≥ 90).
async fn dossier_at_central(app: &TestApp) -> i64 {
    let db = &app.db.conn;
    let lib = ocop_domain::rulebook::Library::embedded();
    let product = demo_product(app, "Trà xanh hương nhài").await;
    let actor = Actor::system("test");
    let d = ocop_store::dossiers::create(
        db,
        &lib,
        &actor,
        product.id,
        ocop_domain::dossier::Kind::FirstEvaluation,
        5,
        "QD26-2026",
        ocop_domain::format::today_vn(),
    )
    .await
    .unwrap();
    attach_required_docs(app, d.id).await;
    let today = ocop_domain::format::today_vn();
    use ocop_domain::dossier::Event;
    for (role, event) in [
        (Role::Producer, Event::Submit),
        (Role::CommuneOfficer, Event::ForwardToCouncil),
        (
            Role::ProvinceOfficer,
            Event::CouncilResult {
                score: 95.0,
                stars: 5,
            },
        ),
        (
            Role::ProvinceOfficer,
            Event::ApproveResult {
                reference: "QĐ 77/QĐ-UBND phê duyệt kết quả".into(),
            },
        ),
    ] {
        let v = ocop_store::dossiers::get(db, d.id).await.unwrap().version;
        ocop_store::dossiers::transition(db, &lib, &actor, role, d.id, v, &event, today)
            .await
            .unwrap();
        if event == Event::ForwardToCouncil {
            crate::common::through_province_check(db, d.id, today).await;
        }
    }
    assert_eq!(
        ocop_store::dossiers::get(db, d.id).await.unwrap().state,
        "central_council"
    );
    d.id
}

#[tokio::test]
async fn the_central_result_is_recorded_and_the_ministry_decides_five_stars() {
    let app = TestApp::with_demo().await;
    let db = &app.db.conn;
    let id = dossier_at_central(&app).await;
    let page = format!("/dossiers/{id}");
    let officer = app.web_as("tinh", "demo-ocop-2026").await;
    let (_, html) = officer.get_text(&page).await;
    assert!(
        html.contains("id=\"central-form\""),
        "the province records it"
    );
    let v = ocop_store::dossiers::get(db, id)
        .await
        .unwrap()
        .version
        .to_string();
    let post = |score: &'static str, reference: &'static str| {
        let (officer, page, v) = (&officer, page.clone(), v.clone());
        async move {
            officer
                .post_form(
                    &page,
                    &format!("{page}/central-result"),
                    &[
                        ("score", score),
                        ("stars", "5"),
                        ("reference", reference),
                        ("version", &v),
                    ],
                )
                .await
        }
    };
    // Bad input in words; nothing moves.
    let r = post("chín mươi", "CV 55/BNNMT").await;
    assert_eq!(r.status(), 422);
    assert!(r.text().await.unwrap().contains("Điểm phải là số"));
    let r = post("101", "CV 55/BNNMT").await;
    assert_eq!(r.status(), 422);
    let r = post("92,5", "  ").await;
    assert_eq!(r.status(), 422, "the letter's reference is required");
    assert_eq!(
        ocop_store::dossiers::get(db, id).await.unwrap().state,
        "central_council"
    );
    // A commune officer may not record it.
    let commune = app.web_as("xa.binhlu", "demo-ocop-2026").await;
    let r = commune
        .post_form(
            &page,
            &format!("{page}/central-result"),
            &[
                ("score", "92"),
                ("stars", "5"),
                ("reference", "x"),
                ("version", &v),
            ],
        )
        .await;
    assert_eq!(r.status(), 409, "wrong role, in words on the page");
    let r = post("92,5", "CV 55/BNNMT ngày 20/11/2026").await;
    assert_eq!(r.status(), 303);
    let d = ocop_store::dossiers::get(db, id).await.unwrap();
    assert_eq!(d.state, "recognised");
    let events = ocop_store::dossiers::events(db, id).await.unwrap();
    assert!(
        events.last().unwrap().reason.contains("CV 55/BNNMT"),
        "the letter is on the record"
    );
    // The decision: 5★, signed by the ministry — the province sees no form and may not sign.
    let (_, html) = officer.get_text(&page).await;
    assert!(!html.contains("id=\"dossier-decision-form\""), "{html}");
    let (_, html) = app
        .web_as("trunguong", "demo-ocop-2026")
        .await
        .get_text(&page)
        .await;
    assert!(html.contains("id=\"dossier-decision-form\""), "{html}");
    assert!(html.contains("Bộ Nông nghiệp và Môi trường"));
    let today = ocop_domain::format::date_vn(ocop_domain::format::today_vn());
    let decision = [
        ("number", "77/QĐ-BNNMT"),
        ("signed_on", today.as_str()),
        ("signer", "Thứ trưởng"),
        ("issuing_body", "Bộ Nông nghiệp và Môi trường"),
    ];
    let r = officer
        .post_form(&page, &format!("{page}/decision"), &decision)
        .await;
    assert_eq!(r.status(), 403, "5★ is the ministry's");
    let central = app.web_as("trunguong", "demo-ocop-2026").await;
    let r = central
        .post_form(
            &page,
            &format!("{page}/decision"),
            &[("number", ""), ("signed_on", today.as_str())],
        )
        .await;
    assert_eq!(r.status(), 422, "the number is required");
    let r = central
        .post_form(&page, &format!("{page}/decision"), &decision)
        .await;
    assert_eq!(r.status(), 303);
    let certs = ocop_store::certificates::latest_for_products(db, &[d.product_id])
        .await
        .unwrap();
    let c = certs.values().next().expect("a certificate");
    assert_eq!(c.stars, 5);
    assert_eq!(c.issuing_body, "Bộ Nông nghiệp và Môi trường");
    assert!(c.decision_ref.starts_with("77/QĐ-BNNMT"));
    // Once certified, no second decision.
    let (_, html) = central.get_text(&page).await;
    assert!(!html.contains("id=\"dossier-decision-form\""));
    let r = central
        .post_form(&page, &format!("{page}/decision"), &decision)
        .await;
    assert_eq!(r.status(), 409);
}

#[tokio::test]
async fn under_ninety_at_the_centre_the_province_recognises_four_stars_over_the_api() {
    let app = TestApp::with_demo().await;
    let id = dossier_at_central(&app).await;
    let api = app.api_demo("tinh").await;
    let (_, d) = api.get(&format!("/api/v1/dossiers/{id}")).await;
    let tr = format!("/api/v1/dossiers/{id}/transitions");
    let (s, e) = api
        .post(&tr, serde_json::json!({"event": "central_result", "reason": "CV 9", "version": d["version"]}))
        .await;
    assert_eq!(s, 422, "score and stars are needed: {e}");
    let (s, d2) = api
        .post(
            &tr,
            serde_json::json!({"event": "central_result", "reason": "CV 9/BNNMT", "score": 86.0, "stars": 4, "version": d["version"]}),
        )
        .await;
    assert_eq!(s, 200, "{d2}");
    assert_eq!(
        d2["state"], "central_returned",
        "under 90 the province chooses (Art. 7.4.g), never automatically"
    );
    // 95 points with 4 stars and no unmet mark do not add up: refused.
    let (s, e) = api
        .post(
            &tr,
            serde_json::json!({"event": "recognise_central", "version": d2["version"]}),
        )
        .await;
    assert_eq!(s, 200, "{e}");
    assert_eq!(e["state"], "recognised");
    // The province signs the 4★ decision on the dossier's page.
    let officer = app.web_as("tinh", "demo-ocop-2026").await;
    let page = format!("/dossiers/{id}");
    let (_, html) = officer.get_text(&page).await;
    assert!(html.contains("(4 ★)"), "{html}");
    let today = ocop_domain::format::date_vn(ocop_domain::format::today_vn());
    let r = officer
        .post_form(
            &page,
            &format!("{page}/decision"),
            &[("number", "12/QĐ-UBND"), ("signed_on", today.as_str())],
        )
        .await;
    assert_eq!(r.status(), 303);
}
