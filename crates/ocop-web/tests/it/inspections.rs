//! Post-certification monitoring through the API (QĐ 26/2026 Art. 9): planning,
//! the inspector's records, lab results, violations, recalls, the proposal to
//! revoke opening the certificate's case, the producer's view and answer, unit
//! inspections, leads from the public check, and scope (404 outside it).

use crate::common::*;
use ocop_domain::roles::Role;
use ocop_store::entities::certificate;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder};
use serde_json::{json, Value};

/// A valid demo certificate outside Bình Lư (the demo commune officer's commune),
/// without an open revocation case.
pub async fn inspectable(app: &TestApp) -> certificate::Model {
    let today = ocop_domain::format::today_vn();
    for c in certificate::Entity::find()
        .filter(certificate::Column::Revoked.eq(false))
        .filter(certificate::Column::ExpiresOn.gt(today))
        .filter(certificate::Column::SupersededBy.is_null())
        .order_by_asc(certificate::Column::Id)
        .all(&app.db.conn)
        .await
        .unwrap()
    {
        let open = ocop_store::certificates::open_case_of(&app.db.conn, c.id)
            .await
            .unwrap();
        if open.is_none()
            && !c.current_unit_path.contains("/03390/")
            && !c.unit_path.contains("/03390/")
        {
            return c;
        }
    }
    panic!("the demo has a valid certificate outside Bình Lư without a revocation case");
}

pub async fn user_id(app: &TestApp, username: &str) -> i64 {
    ocop_store::users::find_by_username(&app.db.conn, username)
        .await
        .unwrap()
        .expect("user")
        .id
}

async fn a_number(app: &TestApp, status: &str) -> String {
    let api = app.api_demo("tinh").await;
    let (s, list) = api
        .get(&format!("/api/v1/certificates?status={status}&per_page=1"))
        .await;
    assert_eq!(s, 200);
    list["items"][0]["number"]
        .as_str()
        .expect("a demo certificate")
        .to_string()
}

#[tokio::test]
async fn inspections_plan_record_conclude_and_propose_revocation_within_scope() {
    let app = TestApp::with_demo().await;
    let cert = inspectable(&app).await;
    let tinh = app.api_demo("tinh").await;
    let kiemtra = app.api_demo("kiemtra").await;
    let other_officer = app.api_demo("xa.binhlu").await;
    let inspector_id = user_id(&app, "kiemtra").await;
    app.user("own.producer", Role::Producer, None, Some(cert.producer_id))
        .await;
    let own = app.api_as("own.producer").await;
    let other_producer_id: i64 = ocop_store::entities::producer::Entity::find()
        .filter(ocop_store::entities::producer::Column::Id.ne(cert.producer_id))
        .one(&app.db.conn)
        .await
        .unwrap()
        .unwrap()
        .id;
    app.user(
        "other.producer",
        Role::Producer,
        None,
        Some(other_producer_id),
    )
    .await;
    let stranger = app.api_as("other.producer").await;
    let today = ocop_domain::format::today_vn();

    let (s, lists) = tinh.get("/api/v1/inspection-checklists").await;
    assert_eq!(s, 200);
    let labelling = lists
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["code"] == "labelling")
        .unwrap();
    assert!(labelling["items"]
        .as_array()
        .unwrap()
        .iter()
        .any(|i| i["code"] == "lb_mark" && i["vi"].as_str().unwrap().contains("biểu trưng OCOP")));

    let (s, plan) = tinh
        .post(
            "/api/v1/inspection-plans",
            json!({"title": "Kiểm tra định kỳ 2026", "year": 2026, "kind": "periodic"}),
        )
        .await;
    assert_eq!(s, 201, "{plan}");
    let (s, _) = kiemtra
        .post(
            "/api/v1/inspection-plans",
            json!({"title": "x", "year": 2026, "kind": "periodic"}),
        )
        .await;
    assert_eq!(s, 404, "an inspector does not plan");

    // Bad plans save nothing.
    let (_, before) = tinh.get("/api/v1/inspections").await;
    let own_before = own.get("/api/v1/inspections").await.1["total"]
        .as_u64()
        .unwrap();
    let bad = [
        json!({"plan_id": plan["id"], "kind": "periodic", "product_id": cert.product_id, "focus": ["evaluation_work"], "planned_on": today.to_string(), "inspector_id": inspector_id}),
        json!({"plan_id": plan["id"], "kind": "periodic", "product_id": cert.product_id, "focus": ["labelling"], "planned_on": today.to_string(), "inspector_id": user_id(&app, "own.producer").await}),
        json!({"plan_id": plan["id"], "kind": "sometimes", "product_id": cert.product_id, "focus": ["labelling"], "planned_on": today.to_string(), "inspector_id": inspector_id}),
        json!({"plan_id": plan["id"], "kind": "periodic", "product_id": cert.product_id, "focus": ["labelling"], "planned_on": "31/02/2026", "inspector_id": inspector_id}),
    ];
    for b in bad {
        let (s, e) = tinh.post("/api/v1/inspections", b.clone()).await;
        assert_eq!(s, 422, "{b} → {e}");
        assert_eq!(e["error"]["code"], "validation_failed");
    }
    let (_, after_bad) = tinh.get("/api/v1/inspections").await;
    assert_eq!(
        after_bad["total"], before["total"],
        "nothing saved by bad input"
    );

    let (s, i) = tinh
        .post("/api/v1/inspections", json!({"plan_id": plan["id"], "kind": "periodic", "product_id": cert.product_id, "focus": ["output_quality", "labelling"], "planned_on": today.to_string(), "inspector_id": inspector_id}))
        .await;
    assert_eq!(s, 201, "{i}");
    assert_eq!(i["state"], "planned");
    let id = i["id"].as_i64().unwrap();
    let path = format!("/api/v1/inspections/{id}");

    // Scope: another unit's officer and other producers get 404; the product's own
    // producer does not see an inspection before it starts.
    assert_eq!(other_officer.get(&path).await.0, 404);
    assert_eq!(
        other_officer
            .put(
                &format!("{path}/fields"),
                json!({"field": "findings", "value": "x"})
            )
            .await
            .0,
        404
    );
    assert_eq!(own.get(&path).await.0, 404);
    assert_eq!(own.get("/api/v1/inspections").await.1["total"], own_before);
    assert_eq!(stranger.get(&path).await.0, 404);

    // Only the assigned inspector records.
    let (s, e) = tinh
        .put(
            &format!("{path}/fields"),
            json!({"field": "findings", "value": "x"}),
        )
        .await;
    assert_eq!(s, 422, "{e}");
    let (s, m) = kiemtra.put(&format!("{path}/fields"), json!({"field": "findings", "value": "Nhãn dán logo OCOP 4 sao, giấy chứng nhận 3 sao."})).await;
    assert_eq!(s, 200, "{m}");
    assert_eq!(m["state"], "in_progress");
    assert_eq!(
        kiemtra
            .put(
                &format!("{path}/fields"),
                json!({"field": "check:lb_mark", "value": "not_ok"})
            )
            .await
            .0,
        200
    );
    assert_eq!(
        kiemtra
            .put(
                &format!("{path}/fields"),
                json!({"field": "note:lb_mark", "value": "Sai hạng sao"})
            )
            .await
            .0,
        200
    );
    assert_eq!(
        kiemtra
            .put(
                &format!("{path}/fields"),
                json!({"field": "check:ev_council", "value": "ok"})
            )
            .await
            .0,
        422,
        "not on this checklist"
    );
    assert_eq!(
        kiemtra
            .put(
                &format!("{path}/fields"),
                json!({"field": "check:lb_mark", "value": "maybe"})
            )
            .await
            .0,
        422
    );

    // A lab result without unit is refused and nothing is saved; pass/fail is computed.
    let (s, e) = kiemtra.post(&format!("{path}/samples"), json!({"parameter": "Chì (Pb)", "value": "0,15", "unit": " ", "limit_kind": "max", "limit": "0,1"})).await;
    assert_eq!(s, 422, "{e}");
    assert!(e["error"]["fields"]["unit"]["message_vi"]
        .as_str()
        .unwrap()
        .contains("đơn vị"));
    let (s, smp) = kiemtra.post(&format!("{path}/samples"), json!({"sample_code": "M1", "parameter": "Chì (Pb)", "value": "0,15", "unit": "mg/kg", "limit_kind": "max", "limit": "0,1", "lab": "Trung tâm Kiểm nghiệm"})).await;
    assert_eq!(s, 201, "{smp}");
    assert_eq!(smp["passed"], false);
    let (_, smp2) = kiemtra.post(&format!("{path}/samples"), json!({"parameter": "Độ ẩm", "value": "4.5", "unit": "%", "limit_kind": "max", "limit": "5"})).await;
    assert_eq!(smp2["passed"], true);

    // Violations: a deadline in the past is refused; then one with a deadline.
    let yesterday = today - chrono::Duration::days(1);
    let (s, _) = kiemtra.post(&format!("{path}/violations"), json!({"focus": "labelling", "description": "Dùng sai hạng sao", "corrective_action": "Thu hồi nhãn", "deadline_on": yesterday.to_string()})).await;
    assert_eq!(s, 422);
    let deadline = today + chrono::Duration::days(30);
    let (s, v) = kiemtra.post(&format!("{path}/violations"), json!({"focus": "labelling", "description": "Dùng biểu trưng 4 sao cho sản phẩm 3 sao", "corrective_action": "In lại nhãn đúng hạng sao", "deadline_on": deadline.to_string()})).await;
    assert_eq!(s, 201, "{v}");
    assert_eq!(v["overdue"], false);
    assert_eq!(v["status"], "open");

    // Recall: a negative quantity is refused.
    assert_eq!(kiemtra.post(&format!("{path}/recalls"), json!({"batch": "L01", "quantity": -5, "quantity_unit": "hộp", "reason": "Nhãn sai"})).await.0, 422);
    let (s, r) = kiemtra.post(&format!("{path}/recalls"), json!({"batch": "L01/2026", "quantity": 120, "quantity_unit": "hộp", "reason": "Nhãn sai hạng sao"})).await;
    assert_eq!(s, 201, "{r}");
    let (s, r2) = kiemtra
        .post(
            &format!("/api/v1/inspection-recalls/{}/status", r["id"]),
            json!({"status": "completed"}),
        )
        .await;
    assert_eq!((s, r2["status"].as_str()), (200, Some("completed")));
    assert_eq!(
        kiemtra
            .post(
                &format!("/api/v1/inspection-recalls/{}/status", r["id"]),
                json!({"status": "ordered"})
            )
            .await
            .0,
        409
    );

    // The conclusion must agree with the violations recorded.
    let (s, e) = kiemtra
        .post(
            &format!("{path}/conclude"),
            json!({"outcome": "compliant", "conclusion": "Đạt"}),
        )
        .await;
    assert_eq!(s, 422, "{e}");
    let (s, done) = kiemtra.post(&format!("{path}/conclude"), json!({"outcome": "violations", "conclusion": "Vi phạm ghi nhãn, sử dụng nhãn hiệu OCOP"})).await;
    assert_eq!(s, 200, "{done}");
    assert_eq!(done["state"], "done");
    assert_eq!(
        kiemtra
            .put(
                &format!("{path}/fields"),
                json!({"field": "findings", "value": "late"})
            )
            .await
            .0,
        409
    );

    // The proposal to revoke opens the certificate's revocation case.
    assert_eq!(
        other_officer
            .post(
                &format!("{path}/revocation"),
                json!({"ground": "mark_misuse"})
            )
            .await
            .0,
        404
    );
    let (s, prop) = kiemtra
        .post(
            &format!("{path}/revocation"),
            json!({"ground": "mark_misuse"}),
        )
        .await;
    assert_eq!(s, 201, "{prop}");
    assert_eq!(prop["certificate_number"], cert.number.as_str());
    assert_eq!(
        prop["deadline_on"],
        (today + chrono::Duration::days(15)).to_string()
    );
    let (_, cases) = tinh.get("/api/v1/revocation-cases").await;
    assert!(
        cases["items"]
            .as_array()
            .unwrap()
            .iter()
            .any(|c| c["id"] == prop["case_id"]
                && c["status"] == "open"
                && c["certificate_number"] == cert.number.as_str()),
        "{cases}"
    );
    assert_eq!(
        kiemtra
            .post(
                &format!("{path}/revocation"),
                json!({"ground": "mark_misuse"})
            )
            .await
            .0,
        422,
        "one case"
    );

    let (s, d) = kiemtra.get(&path).await;
    assert_eq!(s, 200);
    assert_eq!(d["inspection"]["revocation_case_id"], prop["case_id"]);
    assert_eq!(
        d["samples"].as_array().unwrap().len(),
        2,
        "the refused result was not saved"
    );
    let mark = d["checks"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["item"] == "lb_mark")
        .unwrap();
    assert_eq!(
        (mark["result"].as_str(), mark["note"].as_str()),
        (Some("not_ok"), Some("Sai hạng sao"))
    );

    // The producer sees its concluded inspection and answers; others still 404.
    let (s, pd) = own.get(&path).await;
    assert_eq!(s, 200, "{pd}");
    assert_eq!(
        own.get("/api/v1/inspections").await.1["total"],
        own_before + 1
    );
    let (s, a) = own
        .post(
            &format!("{path}/answer"),
            json!({"answer": "Đã in lại nhãn 3 sao, thu hồi lô L01."}),
        )
        .await;
    assert_eq!(s, 200, "{a}");
    assert_eq!(stranger.get(&path).await.0, 404);
    assert_eq!(
        stranger
            .post(&format!("{path}/answer"), json!({"answer": "x"}))
            .await
            .0,
        404
    );

    // Follow-up of the violation.
    let vid = v["id"].as_i64().unwrap();
    assert_eq!(
        other_officer
            .post(
                &format!("/api/v1/inspection-violations/{vid}/follow-up"),
                json!({"status": "fixed"})
            )
            .await
            .0,
        404
    );
    let (s, f) = kiemtra
        .post(
            &format!("/api/v1/inspection-violations/{vid}/follow-up"),
            json!({"status": "fixed", "note": "Đã kiểm tra lại"}),
        )
        .await;
    assert_eq!((s, f["status"].as_str()), (200, Some("fixed")));

    let (_, doc) = reqwest::get(app.url("/api/openapi.json"))
        .await
        .unwrap()
        .json::<Value>()
        .await
        .map(|v| (0, v))
        .unwrap();
    for p in [
        "/api/v1/inspections",
        "/api/v1/inspections/{id}/revocation",
        "/api/v1/inspection-leads",
        "/api/v1/inspection-leads/plan",
    ] {
        assert!(doc["paths"][p].is_object(), "{p} documented");
    }
}

#[tokio::test]
async fn inspections_of_units_evaluation_work_have_their_own_checklist() {
    let app = TestApp::with_demo().await;
    let tinh = app.api_demo("tinh").await;
    let inspector_id = user_id(&app, "kiemtra").await;
    let today = ocop_domain::format::today_vn().to_string();
    let (s, i) = tinh.post("/api/v1/inspections", json!({"kind": "periodic", "unit_code": "03390", "focus": ["evaluation_work"], "planned_on": today, "inspector_id": inspector_id})).await;
    assert_eq!(s, 201, "{i}");
    assert_eq!(i["subject"], "unit");
    let (s, e) = tinh.post("/api/v1/inspections", json!({"kind": "periodic", "unit_code": "03390", "focus": ["labelling"], "planned_on": today, "inspector_id": inspector_id})).await;
    assert_eq!(s, 422, "{e}");
    // A district, before the reform.
    let (s, d) = tinh.post("/api/v1/inspections", json!({"kind": "adhoc", "unit_code": "110", "unit_period": "pre2025", "focus": ["evaluation_work"], "planned_on": today, "inspector_id": inspector_id})).await;
    assert_eq!(s, 201, "{d}");
    // The province itself is not a subject.
    let (s, _) = tinh.post("/api/v1/inspections", json!({"kind": "adhoc", "unit_code": "12", "focus": ["evaluation_work"], "planned_on": today, "inspector_id": inspector_id})).await;
    assert_eq!(s, 422);
    let (s, det) = tinh.get(&format!("/api/v1/inspections/{}", i["id"])).await;
    assert_eq!(s, 200);
    let codes: Vec<&str> = det["checks"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["item"].as_str().unwrap())
        .collect();
    assert_eq!(
        codes,
        vec!["ev_council", "ev_dossier", "ev_scoring", "ev_records"]
    );
    // The commune's own officer sees the inspection of its work; a recall makes no sense.
    let xa = app.api_demo("xa.binhlu").await;
    assert_eq!(
        xa.get(&format!("/api/v1/inspections/{}", i["id"])).await.0,
        200
    );
    let kiemtra = app.api_demo("kiemtra").await;
    let (s, _) = kiemtra
        .post(
            &format!("/api/v1/inspections/{}/recalls", i["id"]),
            json!({"batch": "L1", "quantity": 1, "quantity_unit": "hộp", "reason": "x"}),
        )
        .await;
    assert_eq!(s, 422);
}

#[tokio::test]
async fn inspections_leads_from_lookups_and_reports_become_planned_inspections() {
    let app = TestApp::with_demo().await;
    let expired = a_number(&app, "expired").await;
    let revoked = a_number(&app, "revoked").await;
    let valid = inspectable(&app).await.number;
    let tinh = app.api_demo("tinh").await;
    let week = ocop_domain::inspections::iso_week(ocop_domain::format::today_vn());
    let key = format!("lookup:{expired}:{week}");
    let (_, base) = tinh.get("/api/v1/inspection-leads").await;
    let base = base["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|l| l["key"] == key.as_str())
        .map(|l| l["count"].as_u64().unwrap())
        .unwrap_or(0);
    for n in [&expired, &expired, &revoked, &valid] {
        let r = reqwest::get(app.url(&format!("/api/v1/public/certificates/{n}")))
            .await
            .unwrap();
        assert_eq!(r.status(), 200);
    }
    let page = reqwest::get(app.url(&format!("/verify/{expired}")))
        .await
        .unwrap();
    assert_eq!(page.status(), 200);
    ocop_store::certificates::report(
        &app.db.conn,
        &valid,
        "Chợ Tam Đường",
        "Nhãn OCOP trên sản phẩm không rõ nguồn gốc",
        "",
    )
    .await
    .unwrap();

    let (s, leads) = tinh.get("/api/v1/inspection-leads").await;
    assert_eq!(s, 200, "{leads}");
    let items = leads["items"].as_array().unwrap();
    let exp = items
        .iter()
        .find(|l| l["key"] == key.as_str())
        .expect("expired lead");
    assert_eq!(
        exp["count"].as_u64().unwrap(),
        base + 3,
        "two API lookups and one page view: {exp}"
    );
    assert_eq!(exp["status"], "expired");
    assert_eq!(exp["week"], week.as_str());
    assert!(!exp["place"].as_str().unwrap().is_empty());
    assert!(items
        .iter()
        .any(|l| l["number"] == revoked.as_str() && l["status"] == "revoked"));
    assert!(
        !items
            .iter()
            .any(|l| l["number"] == valid.as_str() && l["source"] == "lookup"),
        "a valid certificate is no lead"
    );
    let rep = items
        .iter()
        .find(|l| l["source"] == "report")
        .expect("report lead");
    assert_eq!(rep["place"], "Chợ Tam Đường");

    // One step: the lead becomes a planned ad-hoc inspection on labelling.
    let inspector_id = user_id(&app, "kiemtra").await;
    let planned_on = (ocop_domain::format::today_vn() + chrono::Duration::days(7)).to_string();
    let (s, i) = tinh
        .post(
            "/api/v1/inspection-leads/plan",
            json!({"key": exp["key"], "inspector_id": inspector_id, "planned_on": planned_on}),
        )
        .await;
    assert_eq!(s, 201, "{i}");
    assert_eq!(
        (i["kind"].as_str(), i["state"].as_str()),
        (Some("adhoc"), Some("planned"))
    );
    assert_eq!(i["focus"], json!(["labelling"]));
    let (_, again) = tinh.get("/api/v1/inspection-leads").await;
    let exp2 = again["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|l| l["key"] == exp["key"])
        .unwrap()
        .clone();
    assert_eq!(exp2["inspection_id"], i["id"]);
    assert_eq!(
        tinh.post(
            "/api/v1/inspection-leads/plan",
            json!({"key": exp["key"], "inspector_id": inspector_id, "planned_on": planned_on})
        )
        .await
        .0,
        422
    );
    // The inspector sees it among their own.
    let kiemtra = app.api_demo("kiemtra").await;
    let (_, mine) = kiemtra.get("/api/v1/inspections?mine=true").await;
    assert!(mine["items"]
        .as_array()
        .unwrap()
        .iter()
        .any(|x| x["id"] == i["id"]));
    // Producers and viewers get no leads.
    assert_eq!(
        app.api_demo("chuthe")
            .await
            .get("/api/v1/inspection-leads")
            .await
            .0,
        403
    );
}

async fn findings_in_db(app: &TestApp, id: i64) -> String {
    ocop_store::inspection_entities::inspection::Entity::find_by_id(id)
        .one(&app.db.conn)
        .await
        .unwrap()
        .unwrap()
        .findings
}

/// Waits until the stored findings satisfy `ok`.
async fn wait_findings(app: &TestApp, id: i64, ok: impl Fn(&str) -> bool) -> String {
    let until = std::time::Instant::now() + std::time::Duration::from_secs(20);
    loop {
        let f = findings_in_db(app, id).await;
        if ok(&f) || std::time::Instant::now() > until {
            return f;
        }
        tokio::time::sleep(std::time::Duration::from_millis(200)).await;
    }
}

#[tokio::test]
async fn inspections_browser_lead_to_plan_field_form_offline_draft_and_revocation_at_360px() {
    if crate::browser::skipped("inspections_browser") {
        return;
    }
    let app = TestApp::with_demo().await;
    let number = inspectable(&app).await.number;
    // Make the certificate a lead: revoked and looked up, as a shop's customer would.
    let cert = ocop_store::certificates::by_number(&app.db.conn, &number)
        .await
        .unwrap()
        .unwrap();
    let kiemtra_id = user_id(&app, "kiemtra").await;
    let expired = a_number(&app, "expired").await;
    assert_eq!(
        reqwest::get(app.url(&format!("/verify/{expired}")))
            .await
            .unwrap()
            .status(),
        200
    );
    let key = format!(
        "lookup:{expired}:{}",
        ocop_domain::inspections::iso_week(ocop_domain::format::today_vn())
    );
    let expired_cert = ocop_store::certificates::by_number(&app.db.conn, &expired)
        .await
        .unwrap()
        .unwrap();
    let _ = cert;

    let b = crate::browser::Browser::start(&app).await;
    b.phone(360, 780).await;
    b.login("tinh", ocop_store::demo::DEMO_PASSWORD).await;
    b.goto("/inspections/leads").await;
    b.wait_text("#lead-table", &expired).await;
    b.shot("inspection-leads-360.png").await;
    let (sw, iw) = b.widths().await;
    assert!(sw <= iw, "leads fit 360 px: {}", b.overflowing().await);
    // The officer plans an inspection from the lead in one step.
    b.js(&format!(
        "var f = Array.from(document.querySelectorAll('form.lead-plan')).find(function (f) {{ return f.key.value === {k}; }});\
         f.inspector_id.value = '{kiemtra_id}'; f.querySelector('button').click(); return 1;",
        k = json!(key)
    ))
    .await;
    let path = b
        .wait_path("the planned inspection", |p| {
            p.starts_with("/inspections/") && !p.contains("leads")
        })
        .await;
    let id: i64 = path
        .trim_start_matches("/inspections/")
        .split('?')
        .next()
        .unwrap()
        .parse()
        .unwrap();
    b.wait_text("#inspection-state", "Đã lập kế hoạch").await;
    b.click("#logout").await;

    // The inspector, on a phone.
    b.login("kiemtra", ocop_store::demo::DEMO_PASSWORD).await;
    b.goto(&format!("/inspections/{id}")).await;
    b.find("#findings").await;
    b.choose("#check-lb_mark", "not_ok").await;
    b.fill("#findings", "Quầy hàng bán nhãn OCOP đã hết hiệu lực")
        .await;
    let saved = wait_findings(&app, id, |f| f.contains("hết hiệu lực")).await;
    assert_eq!(
        saved, "Quầy hàng bán nhãn OCOP đã hết hiệu lực",
        "saved as typed"
    );
    b.wait_text("#save-status", "Đã lưu").await;

    // The connection drops: requests to the server fail. What is typed stays.
    b.cdp("Network.enable", json!({})).await;
    b.cdp("Network.setBlockedURLs", json!({"urls": ["*/fields*"]}))
        .await;
    let typed = "Quầy hàng bán nhãn OCOP đã hết hiệu lực; 12 hộp chè, lô L07";
    b.fill("#findings", typed).await;
    b.wait_text("#save-status", "Mất kết nối").await;
    assert_eq!(
        findings_in_db(&app, id).await,
        saved,
        "the server did not get it"
    );
    b.c.refresh().await.unwrap();
    b.find("#findings").await;
    b.wait_text("#save-status", "khôi phục").await;
    assert_eq!(
        b.value("#findings").await,
        typed,
        "restored from the draft after a reload"
    );
    // The connection is back: the draft reaches the server.
    b.cdp("Network.setBlockedURLs", json!({"urls": []})).await;
    b.c.refresh().await.unwrap();
    b.find("#findings").await;
    assert_eq!(wait_findings(&app, id, |f| f == typed).await, typed);
    assert_eq!(b.value("#findings").await, typed);

    // A lab result that fails.
    b.js(
        "document.querySelectorAll('details').forEach(function (d) { d.open = true; }); return 1;",
    )
    .await;
    b.fill("#s-param", "Chì (Pb)").await;
    b.fill("#s-value", "0,3").await;
    b.fill("#s-unit", "mg/kg").await;
    b.fill("#s-limit", "0,2").await;
    b.click_in_view("#sample-submit").await;
    b.wait_text("#sample-table", "Không đạt").await;
    // A violation with a deadline.
    b.js(
        "document.querySelectorAll('details').forEach(function (d) { d.open = true; }); return 1;",
    )
    .await;
    let deadline = ocop_domain::format::today_vn() + chrono::Duration::days(20);
    b.fill(
        "#v-desc",
        "Bán sản phẩm mang nhãn OCOP của giấy chứng nhận đã hết hiệu lực",
    )
    .await;
    b.fill(
        "#v-action",
        "Thu hồi nhãn cũ, dán nhãn không có biểu trưng OCOP",
    )
    .await;
    b.js(&format!(
        "document.getElementById('v-deadline').value = '{deadline}'; return 1;"
    ))
    .await;
    b.click_in_view("#violation-submit").await;
    b.wait_text("#violation-list", &ocop_domain::format::date_vn(deadline))
        .await;
    b.shot("inspection-form-360.png").await;
    let (sw, iw) = b.widths().await;
    assert!(
        sw <= iw,
        "the inspector's form fits 360 px: {}",
        b.overflowing().await
    );

    // Proposing revocation of an expired certificate is refused in words (nothing to
    // revoke is not the case here: the certificate is expired but not revoked, so the
    // case opens).
    b.js("window.confirm = function () { return true; }; return 1;")
        .await;
    b.choose("#ground", "mark_misuse").await;
    b.click_in_view("#revocation-submit").await;
    b.wait_text("#revocation-case", "Hồ sơ thu hồi").await;
    let case = ocop_store::certificates::open_case_of(&app.db.conn, expired_cert.id)
        .await
        .unwrap()
        .expect("an open revocation case");
    assert!(case.conclusion_ref.contains(&format!("KT-{id}")));
    b.goto(&format!("/certificates/{expired}")).await;
    b.wait_text("main", &format!("KT-{id}")).await;
    b.shot("inspection-certificate-case-360.png").await;
    b.quit().await;
}
