//! Issue 9's table test: every path of the QĐ 26/2026 workflow walked through the
//! store's use cases (the functions the pages and the API call), on the database of
//! the run (SQLite, or PostgreSQL with TEST_DATABASE_URL), asserting the
//! certificates that exist at the end — and that every refused step wrote nothing.

use crate::common::*;
use chrono::NaiveDate;
use ocop_domain::dossier::{Event, Kind};
use ocop_domain::roles::{Principal, Role};
use ocop_store::audit::Actor;
use ocop_store::entities::product;
use ocop_store::rounds::DecisionInput;
use ocop_store::StoreError;

fn lib() -> ocop_domain::rulebook::Library {
    ocop_domain::rulebook::Library::embedded()
}

fn province() -> Principal {
    Principal::new(
        9001,
        "tinh.test".into(),
        Role::ProvinceOfficer,
        Some("VN/12/".into()),
        None,
    )
}

fn ministry() -> Principal {
    Principal::new(9002, "bo.test".into(), Role::CentralOfficer, None, None)
}

/// Demo products of QĐ 26 sets with no certificate and no open dossier.
async fn free_products(app: &TestApp, n: usize) -> Vec<product::Model> {
    let db = &app.db.conn;
    let all = ocop_store::registry::list_products(
        db,
        &ocop_domain::roles::Scope::All,
        &ocop_store::registry::ProductFilter {
            page: 1,
            per_page: 500,
            ..Default::default()
        },
    )
    .await
    .unwrap()
    .items;
    let mut out = Vec::new();
    for p in all {
        if p.set_code.ends_with("-26") {
            continue;
        }
        let certs = ocop_store::certificates::list(
            db,
            &ocop_domain::roles::Scope::All,
            &ocop_store::certificates::CertFilter {
                product_id: Some(p.id),
                page: 1,
                per_page: 5,
                ..Default::default()
            },
            today(),
        )
        .await
        .unwrap()
        .1;
        let open = ocop_store::dossiers::open_for_product(db, p.id)
            .await
            .unwrap();
        if certs == 0 && open.is_none() {
            out.push(p);
        }
        if out.len() == n {
            break;
        }
    }
    assert_eq!(out.len(), n, "the demo has {n} free QĐ 26 products");
    out
}

fn today() -> NaiveDate {
    ocop_domain::format::today_vn()
}

/// Applies steps to a dossier, each as its role, on `on`.
async fn steps(app: &TestApp, id: i64, steps: Vec<(Role, Event)>, on: NaiveDate) {
    let db = &app.db.conn;
    for (role, event) in steps {
        let v = ocop_store::dossiers::get(db, id).await.unwrap().version;
        ocop_store::dossiers::transition(
            db,
            &lib(),
            &Actor::system("test"),
            role,
            id,
            v,
            &event,
            on,
        )
        .await
        .unwrap_or_else(|e| panic!("dossier {id}: {event:?} as {role:?}: {e:?}"));
        if event == Event::ForwardToCouncil {
            crate::common::through_province_check(db, id, on).await;
        }
    }
}

/// A submitted, forwarded dossier of `kind` at the province council.
async fn at_province(app: &TestApp, p: &product::Model, kind: Kind, target: i32) -> i64 {
    let db = &app.db.conn;
    let d = ocop_store::dossiers::open(
        db,
        &lib(),
        &Actor::system("test"),
        p.id,
        kind,
        target,
        "QD26-2026",
        today(),
    )
    .await
    .unwrap();
    attach_required_docs(app, d.id).await;
    steps(
        app,
        d.id,
        vec![
            (Role::Producer, Event::Submit),
            (Role::CommuneOfficer, Event::ForwardToCouncil),
        ],
        today(),
    )
    .await;
    d.id
}

fn council(score: f64, stars: u8) -> (Role, Event) {
    (Role::ProvinceOfficer, Event::CouncilResult { score, stars })
}

fn central(score: f64, stars: u8) -> (Role, Event) {
    (
        Role::CentralOfficer,
        Event::CentralResult {
            score,
            stars,
            reference: "Công văn 1/BNNMT".into(),
            marks_unmet_from: None,
            knockout: false,
        },
    )
}

fn approve() -> (Role, Event) {
    (
        Role::ProvinceOfficer,
        Event::ApproveResult {
            reference: "QĐ 5/QĐ-UBND phê duyệt kết quả".into(),
        },
    )
}

async fn decide(
    app: &TestApp,
    by: &Principal,
    id: i64,
    number: &str,
) -> Result<ocop_store::entities::certificate::Model, StoreError> {
    ocop_store::rounds::decide_dossier(
        &app.db.conn,
        &lib(),
        &Actor::system("test"),
        Some(by),
        id,
        &DecisionInput {
            number: number.into(),
            signed_on: today(),
            signer: "Chủ tịch".into(),
        },
        today(),
    )
    .await
    .map(|(_, c)| c)
}

async fn state(app: &TestApp, id: i64) -> String {
    ocop_store::dossiers::get(&app.db.conn, id)
        .await
        .unwrap()
        .state
}

/// Certificates of a product: (number, stars, kind, current).
async fn certs_of(app: &TestApp, product_id: i64) -> Vec<(String, i32, String, bool)> {
    let (items, _) = ocop_store::certificates::list(
        &app.db.conn,
        &ocop_domain::roles::Scope::All,
        &ocop_store::certificates::CertFilter {
            product_id: Some(product_id),
            page: 1,
            per_page: 50,
            ..Default::default()
        },
        today(),
    )
    .await
    .unwrap();
    let mut v: Vec<_> = items
        .into_iter()
        .map(|c| {
            (
                c.number,
                c.stars,
                c.kind,
                !c.revoked && c.superseded_by.is_none(),
            )
        })
        .collect();
    v.sort();
    v
}

async fn count_all_certs(app: &TestApp) -> u64 {
    ocop_store::certificates::list(
        &app.db.conn,
        &ocop_domain::roles::Scope::All,
        &ocop_store::certificates::CertFilter {
            page: 1,
            per_page: 1,
            ..Default::default()
        },
        today(),
    )
    .await
    .unwrap()
    .1
}

#[tokio::test]
async fn every_path_of_qd26_ends_with_the_lawful_certificates() {
    let app = TestApp::with_demo().await;
    let db = &app.db.conn;
    let ps = free_products(&app, 6).await;
    let (prov, min) = (province(), ministry());

    // 1. First evaluation, 3★ and 4★ at the province: the province's decisions.
    let three = at_province(&app, &ps[0], Kind::FirstEvaluation, 3).await;
    steps(&app, three, vec![council(62.0, 3)], today()).await;
    let four = at_province(&app, &ps[1], Kind::FirstEvaluation, 4).await;
    steps(&app, four, vec![council(78.5, 4)], today()).await;
    let before = count_all_certs(&app).await;
    let r = decide(&app, &min, four, "1/QĐ-BNNMT").await;
    assert!(
        matches!(
            r,
            Err(StoreError::Workflow(
                ocop_domain::workflow::Refusal::WrongAuthority { .. }
            ))
        ),
        "the ministry does not sign a 4★: {r:?}"
    );
    assert_eq!(count_all_certs(&app).await, before, "nothing written");
    let c3 = decide(&app, &prov, three, "10/QĐ-UBND").await.unwrap();
    let c4 = decide(&app, &prov, four, "11/QĐ-UBND").await.unwrap();
    assert_eq!((c3.stars, c3.kind.as_str()), (3, "new"));
    assert_eq!(c4.issuing_body, "UBND tỉnh Lai Châu");
    // Idempotent: a second decision for the same dossier issues nothing.
    assert!(matches!(
        decide(&app, &prov, four, "12/QĐ-UBND").await,
        Err(StoreError::Invalid(_))
    ));
    assert_eq!(certs_of(&app, ps[1].id).await.len(), 1);

    // 2. ≥ 90 at the province → the chairman's approval → the ministry: 5★.
    let five = at_province(&app, &ps[2], Kind::FirstEvaluation, 5).await;
    steps(&app, five, vec![council(93.0, 5)], today()).await;
    assert_eq!(state(&app, five).await, "province_approval");
    assert!(
        matches!(
            decide(&app, &prov, five, "13/QĐ-UBND").await,
            Err(StoreError::Invalid(_))
        ),
        "no provincial certificate for a ≥ 90 product"
    );
    steps(&app, five, vec![approve(), central(94.5, 5)], today()).await;
    assert_eq!(state(&app, five).await, "recognised");
    assert!(matches!(
        decide(&app, &prov, five, "14/QĐ-UBND").await,
        Err(StoreError::Workflow(_))
    ));
    let c5 = decide(&app, &min, five, "77/QĐ-BNNMT").await.unwrap();
    assert_eq!(c5.stars, 5);
    assert_eq!(c5.issuing_body, "Bộ Nông nghiệp và Môi trường");

    // 3. ≥ 90, under 90 at the ministry: the province recognises 4★ on it…
    let back = at_province(&app, &ps[3], Kind::FirstEvaluation, 5).await;
    steps(
        &app,
        back,
        vec![council(91.0, 5), approve(), central(86.0, 4)],
        today(),
    )
    .await;
    assert_eq!(state(&app, back).await, "central_returned");
    assert!(
        decide(&app, &prov, back, "15/QĐ-UBND").await.is_err(),
        "not before the choice"
    );
    steps(
        &app,
        back,
        vec![(
            Role::ProvinceOfficer,
            Event::RecogniseCentralResult { stars: 5 },
        )],
        today(),
    )
    .await;
    let c_back = decide(&app, &prov, back, "16/QĐ-UBND").await.unwrap();
    assert_eq!(c_back.stars, 4, "the central stars, never the request's");
    // … or evaluates again itself.
    let again = at_province(&app, &ps[4], Kind::FirstEvaluation, 5).await;
    steps(
        &app,
        again,
        vec![
            council(90.0, 5),
            approve(),
            central(75.0, 4),
            (
                Role::ProvinceOfficer,
                Event::EvaluateAgain {
                    reason: String::new(),
                },
            ),
        ],
        today(),
    )
    .await;
    assert_eq!(state(&app, again).await, "province_council");
    assert!(certs_of(&app, ps[4].id).await.is_empty());

    // 4. Upgrade of the 3★: the new certificate supersedes the old one.
    let up = at_province(&app, &ps[0], Kind::Upgrade, 4).await;
    steps(&app, up, vec![council(76.0, 4)], today()).await;
    let c_up = decide(&app, &prov, up, "17/QĐ-UBND").await.unwrap();
    assert_eq!(c_up.kind, "upgrade");
    let held = certs_of(&app, ps[0].id).await;
    assert_eq!(held.len(), 2);
    assert_eq!(
        held.iter().filter(|c| c.3).map(|c| c.1).collect::<Vec<_>>(),
        vec![4],
        "one current certificate, the upgrade's"
    );
    // A first evaluation of a certified product is refused, nothing written.
    let r = ocop_store::dossiers::open(
        db,
        &lib(),
        &Actor::system("test"),
        ps[0].id,
        Kind::FirstEvaluation,
        4,
        "QD26-2026",
        today(),
    )
    .await;
    assert!(matches!(
        r,
        Err(StoreError::Workflow(
            ocop_domain::workflow::Refusal::CertifiedProduct { .. }
        ))
    ));
    assert!(ocop_store::dossiers::open_for_product(db, ps[0].id)
        .await
        .unwrap()
        .is_none());

    // 5. Re-evaluation in its window: a certificate expiring in 150 days.
    let p = &ps[5];
    let old = ocop_store::certificates::issue(
        db,
        &Actor::system("test"),
        &ocop_store::certificates::Issue {
            product_id: p.id,
            stars: 3,
            issued_on: today() - chrono::Duration::days(3 * 365 - 150),
            months: 36,
            issuing_body: "UBND tỉnh Lai Châu".into(),
            decision_ref: "2/QĐ-UBND".into(),
            dossier_id: None,
        },
    )
    .await
    .unwrap();
    let re = at_province(&app, p, Kind::ReEvaluation, 3).await;
    let d = ocop_store::dossiers::get(db, re).await.unwrap();
    assert_eq!(
        d.previous_certificate_id,
        Some(old.id),
        "it names the certificate it renews"
    );
    steps(&app, re, vec![council(64.0, 3)], today()).await;
    let c_re = decide(&app, &prov, re, "18/QĐ-UBND").await.unwrap();
    assert_eq!(c_re.kind, "re_recognition");
    let held = certs_of(&app, p.id).await;
    assert_eq!(held.iter().filter(|c| c.3).count(), 1);

    // 6. Revocation at both levels, through a case, by the competent authority.
    let case4 = ocop_store::certificates::open_case(
        db,
        &Actor::system("test"),
        Some(&prov),
        &c4.number,
        "mark_misuse",
        "KL 1/KL-QLTT",
        today(),
        today(),
    )
    .await
    .unwrap();
    let revoke = |by: Principal, id: i64| {
        let db = db.clone();
        async move {
            ocop_store::certificates::close_case(
                &db,
                &Actor::system("test"),
                Some(&by),
                id,
                ocop_store::certificates::CaseOutcome::Revoke {
                    decision_ref: "QĐ thu hồi",
                    on: today(),
                },
                today(),
            )
            .await
        }
    };
    assert!(matches!(
        revoke(ministry(), case4.id).await,
        Err(StoreError::Workflow(_))
    ));
    revoke(province(), case4.id).await.unwrap();
    let case5 = ocop_store::certificates::open_case(
        db,
        &Actor::system("test"),
        Some(&prov),
        &c5.number,
        "stopped",
        "Xác nhận 3/UBND-xã",
        today(),
        today(),
    )
    .await
    .expect("the province may propose revoking a 5★");
    assert!(matches!(
        revoke(province(), case5.id).await,
        Err(StoreError::Workflow(_))
    ));
    revoke(ministry(), case5.id).await.unwrap();

    // What exists at the end: one current certificate per certified product.
    let end = [
        (ps[0].id, 2, Some(4)),
        (ps[1].id, 1, None),
        (ps[2].id, 1, None),
        (ps[3].id, 1, Some(4)),
        (ps[4].id, 0, None),
        (ps[5].id, 2, Some(3)),
    ];
    for (pid, n, current) in end {
        let held = certs_of(&app, pid).await;
        assert_eq!(held.len(), n, "product {pid}: {held:?}");
        let cur: Vec<i32> = held.iter().filter(|c| c.3).map(|c| c.1).collect();
        assert_eq!(
            cur,
            current.into_iter().collect::<Vec<_>>(),
            "product {pid}"
        );
    }
}

#[tokio::test]
async fn a_transitional_dossier_runs_against_article_12_and_shows_overdue() {
    let app = TestApp::with_demo().await;
    let db = &app.db.conn;
    let p = &free_products(&app, 1).await[0];
    let d = |y, m, dd| NaiveDate::from_ymd_opt(y, m, dd).unwrap();
    let dossier = ocop_store::dossiers::create(
        db,
        &lib(),
        &Actor::system("test"),
        p.id,
        Kind::FirstEvaluation,
        5,
        "QD148-1489-2025",
        d(2026, 5, 10),
    )
    .await
    .unwrap();
    attach_required_docs(&app, dossier.id).await;
    steps(
        &app,
        dossier.id,
        vec![
            (Role::Producer, Event::Submit),
            (Role::CommuneOfficer, Event::ForwardToCouncil),
        ],
        d(2026, 5, 10),
    )
    .await;
    steps(
        &app,
        dossier.id,
        vec![council(92.0, 5), approve()],
        d(2026, 6, 20),
    )
    .await;
    let m = ocop_store::dossiers::get(db, dossier.id).await.unwrap();
    assert_eq!(m.rulebook_id, "QD148-1489-2025");
    assert_eq!(m.state, "central_council");
    assert_eq!(
        m.deadline_on,
        Some(d(2026, 7, 21)),
        "Art. 12.2: 60 days from 22/05/2026"
    );
    assert!(ocop_store::dossiers::overdue(&m, d(2026, 12, 2)));
}

#[tokio::test]
async fn two_decisions_at_once_issue_one_certificate() {
    let app = TestApp::with_demo().await;
    let both = free_products(&app, 2).await;
    let p = &both[0];
    let id = at_province(&app, p, Kind::FirstEvaluation, 4).await;
    steps(&app, id, vec![council(80.0, 4)], today()).await;
    let prov = province();
    let (a, b) = tokio::join!(
        decide(&app, &prov, id, "20/QĐ-UBND"),
        decide(&app, &prov, id, "21/QĐ-UBND")
    );
    assert_eq!(
        [a.is_ok(), b.is_ok()].iter().filter(|x| **x).count(),
        1,
        "{a:?} {b:?}"
    );
    let held = certs_of(&app, p.id).await;
    assert_eq!(held.len(), 1);
    // Numbers: the decision's year, one sequence per province, no gap left by the
    // refused twin (its transaction rolled back).
    let first = held[0].0.clone();
    let year = today().format("%Y").to_string();
    assert!(first.starts_with(&format!("OCOP-12-{year}-")), "{first}");
    let id2 = at_province(&app, &both[1], Kind::FirstEvaluation, 4).await;
    steps(&app, id2, vec![council(81.0, 4)], today()).await;
    let second = decide(&app, &province(), id2, "22/QĐ-UBND").await.unwrap();
    let seq = |n: &str| n.rsplit('-').next().unwrap().parse::<u32>().unwrap();
    assert_eq!(
        seq(&second.number),
        seq(&first) + 1,
        "{first} then {}",
        second.number
    );
}

#[tokio::test]
async fn no_district_decision_after_the_reform() {
    let lib = lib();
    let r = ocop_domain::workflow::level_on(
        &lib,
        ocop_domain::workflow::Level::District,
        NaiveDate::from_ymd_opt(2026, 12, 1).unwrap(),
    );
    assert!(matches!(
        r,
        Err(ocop_domain::workflow::Refusal::DistrictsAbolished { .. })
    ));
}

#[tokio::test]
async fn no_district_session_after_the_reform_and_nothing_is_written() {
    let app = TestApp::with_demo().await;
    let db = &app.db.conn;
    let actor = Actor::system("test");
    let district = ocop_store::units::find(db, "110", ocop_domain::units::Period::Pre2025)
        .await
        .unwrap()
        .unwrap();
    let c = ocop_store::councils::create_council(
        db,
        &actor,
        "Hội đồng huyện Than Uyên (thử)",
        "district",
        (district.code, "pre2025".into(), district.path),
    )
    .await
    .unwrap();
    let d = |y, m, dd| NaiveDate::from_ymd_opt(y, m, dd).unwrap();
    let r = ocop_store::councils::create_session(
        db,
        &actor,
        c.id,
        "Phiên tháng 12",
        d(2026, 12, 1),
        ocop_domain::council::SessionMode::Meeting,
    )
    .await;
    assert!(
        matches!(
            r,
            Err(StoreError::Workflow(
                ocop_domain::workflow::Refusal::DistrictsAbolished { .. }
            ))
        ),
        "{r:?}"
    );
    assert!(ocop_store::councils::sessions(db, c.id)
        .await
        .unwrap()
        .is_empty());
    // Before the reform the same council sits.
    ocop_store::councils::create_session(
        db,
        &actor,
        c.id,
        "Phiên tháng 6/2025",
        d(2025, 6, 20),
        ocop_domain::council::SessionMode::Meeting,
    )
    .await
    .unwrap();
}

#[tokio::test]
async fn a_commune_officer_does_not_open_the_province_s_councils_rounds_or_decisions() {
    let app = TestApp::with_demo().await;
    let db = &app.db.conn;
    let council = ocop_store::councils::list_councils(db, None).await.unwrap()[0].clone();
    assert_eq!(council.level, "province");
    let round = ocop_store::rounds::list_rounds(db, Some("VN/12/"))
        .await
        .unwrap()[0]
        .clone();
    let commune = app.web_as("xa.binhlu", "demo-ocop-2026").await;
    let province = app.web_as("tinh", "demo-ocop-2026").await;
    for url in [
        format!("/councils/{}", council.id),
        format!("/rounds/{}", round.id),
    ] {
        let (s, _) = province.get_text(&url).await;
        assert_eq!(s, 200, "{url}");
        let (s, _) = commune.get_text(&url).await;
        assert!(matches!(s, 403 | 404), "{url}: {s}");
    }
    let (_, list) = commune.get_text("/rounds").await;
    assert!(!list.contains(&format!("href=\"/rounds/{}\"", round.id)));
}

#[tokio::test]
async fn the_decision_api_runs_the_same_rules_as_the_pages() {
    let app = TestApp::with_demo().await;
    let p = &free_products(&app, 1).await[0];
    let id = at_province(&app, p, Kind::FirstEvaluation, 4).await;
    steps(&app, id, vec![council(79.0, 4)], today()).await;
    let url = format!("/api/v1/dossiers/{id}/decision");
    let on = today().to_string();
    let body = serde_json::json!({"number": "31/QĐ-UBND", "signed_on": on, "signer": "Chủ tịch"});
    let central = app.api_demo("trunguong").await;
    let (s, e) = central.post(&url, body.clone()).await;
    assert_eq!(s, 403, "{e}");
    assert_eq!(e["error"]["code"], "wrong_authority", "{e}");
    let tinh = app.api_demo("tinh").await;
    let (s, e) = tinh
        .post(&url, serde_json::json!({"number": " ", "signed_on": on}))
        .await;
    assert_eq!(s, 422, "{e}");
    let future = (today() + chrono::Duration::days(3)).to_string();
    let (s, e) = tinh
        .post(
            &url,
            serde_json::json!({"number": "32/QĐ-UBND", "signed_on": future}),
        )
        .await;
    assert_eq!(
        (s, e["error"]["code"].as_str()),
        (422, Some("date_in_future")),
        "{e}"
    );
    assert!(
        certs_of(&app, p.id).await.is_empty(),
        "refusals wrote nothing"
    );
    let (s, d) = tinh.post(&url, body.clone()).await;
    assert_eq!(s, 201, "{d}");
    assert_eq!(d["issuing_body"], "UBND tỉnh Lai Châu");
    assert_eq!(d["certificates"].as_array().unwrap().len(), 1);
    let (s, e) = tinh.post(&url, body).await;
    assert_eq!(s, 409, "a second decision issues nothing: {e}");
    assert_eq!(certs_of(&app, p.id).await.len(), 1);
}

#[tokio::test]
async fn the_province_s_work_list_shows_results_awaiting_approval() {
    let app = TestApp::with_demo().await;
    let p = &free_products(&app, 1).await[0];
    let id = at_province(&app, p, Kind::FirstEvaluation, 5).await;
    steps(&app, id, vec![council(95.0, 5)], today()).await;
    let tinh = app.web_as("tinh", "demo-ocop-2026").await;
    let (s, html) = tinh.get_text("/").await;
    assert_eq!(s, 200);
    assert!(
        html.contains("/dossiers?state=province_approval")
            && html.contains("chờ Chủ tịch UBND tỉnh phê duyệt"),
        "{html}"
    );
    let (s, list) = tinh.get_text("/dossiers?state=province_approval").await;
    assert_eq!(s, 200);
    assert!(list.contains(&p.name), "{list}");
    assert!(
        list.contains("value=\"central_returned\"") && list.contains("value=\"province_check\""),
        "every state is a filter"
    );
    // The demo's tea bags, forwarded by the commune, wait for the province's check.
    assert!(
        html.contains("/dossiers?state=province_check") && html.contains("chờ tỉnh kiểm tra"),
        "{html}"
    );
}
