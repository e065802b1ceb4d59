//! The province's steps around its council (QĐ 26/2026 Art. 7.3.a, c, g), over the
//! API and the pages, on both databases: the standing agency's check, the report on
//! the file without which the council records nothing, and the written notice of the
//! result — each refusal with nothing written.

use crate::common::*;
use ocop_domain::dossier::Event;
use ocop_domain::roles::{Principal, Role};
use ocop_domain::units::Period;
use ocop_store::audit::Actor;
use serde_json::json;

fn today() -> chrono::NaiveDate {
    ocop_domain::format::today_vn()
}

/// The demo's jasmine tea, submitted and forwarded: waiting for the province's check.
async fn forwarded(app: &TestApp) -> i64 {
    let db = &app.db.conn;
    let lib = ocop_domain::rulebook::Library::embedded();
    let product = demo_product(app, "Trà xanh hương nhài").await;
    let d = ocop_store::dossiers::open(
        db,
        &lib,
        &Actor::system("test"),
        product.id,
        ocop_domain::dossier::Kind::FirstEvaluation,
        4,
        "QD26-2026",
        today(),
    )
    .await
    .unwrap();
    attach_required_docs(app, d.id).await;
    for (role, event) in [
        (Role::Producer, Event::Submit),
        (Role::CommuneOfficer, Event::ForwardToCouncil),
    ] {
        let v = ocop_store::dossiers::get(db, d.id).await.unwrap().version;
        ocop_store::dossiers::transition(
            db,
            &lib,
            &Actor::system("test"),
            role,
            d.id,
            v,
            &event,
            today(),
        )
        .await
        .unwrap();
    }
    d.id
}

async fn state(app: &TestApp, id: i64) -> String {
    ocop_store::dossiers::get(&app.db.conn, id)
        .await
        .unwrap()
        .state
}

fn report(sent: &str) -> serde_json::Value {
    json!({
        "reference": "21/BC-TTV",
        "sent_to_chair_on": sent,
        "field_survey_on": null,
        "lab_tests": "Kiểm nghiệm bổ sung chỉ tiêu vi sinh",
        "findings": "Hồ sơ đầy đủ; khảo sát vùng nguyên liệu đạt",
        "recommendation": "Đề nghị Hội đồng cấp tỉnh đánh giá"
    })
}

#[tokio::test]
async fn the_council_records_no_result_without_the_report_and_the_notice_follows_the_decision() {
    let app = TestApp::with_demo().await;
    let db = &app.db.conn;
    let lib = ocop_domain::rulebook::Library::embedded();
    let id = forwarded(&app).await;
    assert_eq!(state(&app, id).await, "province_check");
    let path = format!("/api/v1/dossiers/{id}/advisory-report");
    let province = app.api_demo("tinh").await;
    let commune = app.api_demo("xa.binhlu").await;
    // Only the standing agency records it; an officer of another commune does not
    // even see the dossier.
    let (s, e) = commune.post(&path, report(&today().to_string())).await;
    assert_eq!(
        (s, e["error"]["code"].as_str()),
        (403, Some("standing_agency_only")),
        "{e}"
    );
    let d = ocop_store::dossiers::get(db, id).await.unwrap();
    let mine = ocop_store::units::find_by_path(db, &d.current_unit_path)
        .await
        .unwrap()
        .unwrap();
    let province_unit = ocop_store::units::find(db, "12", Period::Post2025)
        .await
        .unwrap()
        .unwrap();
    let other = ocop_store::units::communes_under(db, &province_unit.path, Period::Post2025)
        .await
        .unwrap()
        .into_iter()
        .find(|u| u.code != mine.code)
        .unwrap();
    app.user(
        "xa.khac",
        Role::CommuneOfficer,
        Some((&other.code, Period::Post2025)),
        None,
    )
    .await;
    let stranger = app.api_as("xa.khac").await;
    let (s, _) = stranger.post(&path, report(&today().to_string())).await;
    assert_eq!(s, 404, "out of scope reads as unknown");
    // Bad input: a date in the future, a survey after the report, a missing field.
    let tomorrow = (today() + chrono::Duration::days(1)).to_string();
    let (s, e) = province.post(&path, report(&tomorrow)).await;
    assert_eq!(
        (s, e["error"]["code"].as_str()),
        (422, Some("advisory_report_date")),
        "{e}"
    );
    let mut late_survey = report(&today().to_string());
    late_survey["field_survey_on"] = json!(tomorrow);
    let (s, e) = province.post(&path, late_survey).await;
    assert_eq!(
        (s, e["error"]["id"].as_str()),
        (422, Some("field_survey_on")),
        "{e}"
    );
    let mut blank = report(&today().to_string());
    blank["findings"] = json!("  ");
    let (s, _) = province.post(&path, blank).await;
    assert_eq!(s, 422);
    assert!(ocop_store::province_steps::advisory_report(db, id)
        .await
        .unwrap()
        .is_none());
    // Accepted for the council without a report: the council may not record its result.
    let v = ocop_store::dossiers::get(db, id).await.unwrap().version;
    let (s, e) = province
        .post(
            &format!("/api/v1/dossiers/{id}/transitions"),
            json!({"event": "accept", "version": v}),
        )
        .await;
    assert_eq!(
        (s, e["state"].as_str()),
        (200, Some("province_council")),
        "{e}"
    );
    let result = Event::CouncilResult {
        score: 80.0,
        stars: 4,
    };
    let v = ocop_store::dossiers::get(db, id).await.unwrap().version;
    let refused = ocop_store::dossiers::transition(
        db,
        &lib,
        &Actor::system("test"),
        Role::ProvinceOfficer,
        id,
        v,
        &result,
        today(),
    )
    .await;
    assert!(
        matches!(
            refused,
            Err(ocop_store::dossiers::TransitionError::Store(
                ocop_store::StoreError::Workflow(
                    ocop_domain::workflow::Refusal::AdvisoryReportMissing
                )
            ))
        ),
        "{refused:?}"
    );
    assert_eq!(state(&app, id).await, "province_council", "nothing written");
    // With the report sent to the chair, it may.
    let (s, r) = province.post(&path, report(&today().to_string())).await;
    assert_eq!((s, r["version"].as_i64()), (200, Some(1)), "{r}");
    let (_, doc) = province.get("/api/openapi.json").await;
    assert!(doc["paths"]["/api/v1/dossiers/{id}/advisory-report"]["post"].is_object());
    assert!(doc["paths"]["/api/v1/dossiers/{id}/result-notice"]["post"].is_object());
    let v = ocop_store::dossiers::get(db, id).await.unwrap().version;
    ocop_store::dossiers::transition(
        db,
        &lib,
        &Actor::system("test"),
        Role::ProvinceOfficer,
        id,
        v,
        &result,
        today(),
    )
    .await
    .unwrap();
    assert_eq!(state(&app, id).await, "recognised");
    // The report is frozen once the council has met.
    let mut again = report(&today().to_string());
    again["version"] = json!(1);
    let (s, e) = province.post(&path, again).await;
    assert_eq!(
        (s, e["error"]["code"].as_str()),
        (409, Some("advisory_report_wrong_state")),
        "{e}"
    );
    // The notice waits for the decision and its certificate.
    let notice = format!("/api/v1/dossiers/{id}/result-notice");
    let body = json!({"reference": "55/TB-SNNMT", "signed_on": today().to_string()});
    let (s, e) = province.post(&notice, body.clone()).await;
    assert_eq!(
        (s, e["error"]["code"].as_str()),
        (409, Some("notice_not_due")),
        "{e}"
    );
    let tinh = Principal::new(
        9001,
        "tinh.test".into(),
        Role::ProvinceOfficer,
        Some(province_unit.path.clone()),
        None,
    );
    ocop_store::rounds::decide_dossier(
        db,
        &lib,
        &Actor::system("test"),
        Some(&tinh),
        id,
        &ocop_store::rounds::DecisionInput {
            number: "99/QĐ-UBND".into(),
            signed_on: today(),
            signer: "Chủ tịch".into(),
        },
        today(),
    )
    .await
    .unwrap();
    let (s, e) = commune.post(&notice, body.clone()).await;
    assert_eq!(s, 403, "{e}");
    let (s, n) = province.post(&notice, body.clone()).await;
    assert_eq!((s, n["result"].as_str()), (201, Some("recognised")), "{n}");
    let (s, e) = province.post(&notice, body).await;
    assert_eq!(
        (s, e["error"]["code"].as_str()),
        (409, Some("notice_already_sent")),
        "{e}"
    );
    // The producer's account was told.
    let (users, _) = ocop_store::notify::parties(db, d.producer_id)
        .await
        .unwrap();
    let mut titles = vec![];
    for u in users {
        for n in ocop_store::notify::inbox(db, u.id).await.unwrap() {
            titles.push(n.title);
        }
    }
    assert!(
        titles.iter().any(|t| t.contains("Thông báo kết quả")),
        "{titles:?}"
    );
}

#[tokio::test]
async fn the_dossier_page_takes_the_report_and_the_notice_in_words() {
    let app = TestApp::with_demo().await;
    let db = &app.db.conn;
    let id = forwarded(&app).await;
    let page = format!("/dossiers/{id}");
    let province = app.web_as("tinh", "demo-ocop-2026").await;
    let (s, html) = province.get_text(&page).await;
    assert_eq!(s, 200);
    assert!(
        html.contains("id=\"advisory-form\""),
        "the standing agency writes the report here"
    );
    // The commune officer sees neither form.
    let commune = app.web_as("xa.binhlu", "demo-ocop-2026").await;
    let (_, chtml) = commune.get_text(&page).await;
    assert!(!chtml.contains("id=\"advisory-form\""));
    // Incomplete: told in Vietnamese, nothing saved.
    let fields = |findings: &'static str, sent: String| {
        vec![
            ("version", "0".to_string()),
            ("reference", "22/BC-TTV".to_string()),
            ("sent_to_chair_on", sent),
            ("field_survey_on", String::new()),
            ("lab_tests", String::new()),
            ("findings", findings.to_string()),
            ("recommendation", "Đề nghị đánh giá".to_string()),
        ]
    };
    let bad = fields("", ocop_domain::format::date_vn(today()));
    let form: Vec<(&str, &str)> = bad.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let r = province
        .post_form(&page, &format!("{page}/advisory-report"), &form)
        .await;
    assert_eq!(r.status(), 422);
    assert!(r
        .text()
        .await
        .unwrap()
        .contains("Kết quả đánh giá hồ sơ: chưa nhập"));
    assert!(ocop_store::province_steps::advisory_report(db, id)
        .await
        .unwrap()
        .is_none());
    let good = fields(
        "Hồ sơ đầy đủ, sản phẩm đúng mô tả",
        ocop_domain::format::date_vn(today()),
    );
    let form: Vec<(&str, &str)> = good.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let r = province
        .post_form(&page, &format!("{page}/advisory-report"), &form)
        .await;
    assert_eq!(r.status(), 303);
    let (_, html) = province.get_text(&page).await;
    assert!(html.contains("id=\"advisory-report\"") && html.contains("22/BC-TTV"));
    assert_eq!(
        ocop_store::province_steps::advisory_report(db, id)
            .await
            .unwrap()
            .unwrap()
            .findings,
        "Hồ sơ đầy đủ, sản phẩm đúng mô tả"
    );
}
