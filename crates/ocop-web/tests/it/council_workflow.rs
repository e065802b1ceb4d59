//! The lawful council workflow (issue 9, findings 3, 6, 7, 8): the agenda takes only
//! dossiers waiting at the council's level; written opinions are for re-evaluations
//! and diverging ones send the item to a meeting; a meeting needs more than half of
//! its members with the chair (or an authorised vice-chair); absent members' sheets
//! do not count; knock-outs recorded by most members give 0 stars; closing an item
//! and moving its dossier is one transaction; the commune assesses without points.
//! Every refusal is in words and leaves the database as it was.

use crate::common::*;
use ocop_domain::council::{MemberRole, SessionMode};
use ocop_domain::dossier::{Event, Kind};
use ocop_domain::roles::Role;
use ocop_domain::units::Period;
use ocop_store::audit::Actor;
use ocop_store::councils as cs;
use serde_json::json;

/// A dossier of the demo product `name`, of `kind`, taken to `until` ("submitted" or
/// "province_council").
async fn dossier(app: &TestApp, name: &str, kind: Kind, until: &str) -> (i64, i64) {
    let db = &app.db.conn;
    let lib = ocop_domain::rulebook::Library::embedded();
    let product = demo_product(app, name).await;
    let actor = Actor::system("test");
    // Inserted directly: a re-evaluation normally starts from a certificate, which
    // these council tests do not need.
    use sea_orm::{ActiveModelTrait, Set};
    let _ = &actor;
    let d = ocop_store::entities::dossier::ActiveModel {
        product_id: Set(product.id),
        producer_id: Set(product.producer_id),
        kind: Set(ocop_store::dossiers::kind_str(kind).into()),
        target_stars: Set(4),
        rulebook_id: Set("QD26-2026".into()),
        state: Set("draft".into()),
        registration_number: Set(String::new()),
        pauses: Set("[]".into()),
        unit_path: Set(product.unit_path.clone()),
        current_unit_path: Set(product.current_unit_path.clone()),
        created_at: Set(chrono::Utc::now()),
        updated_at: Set(chrono::Utc::now()),
        version: Set(1),
        ..Default::default()
    }
    .insert(db)
    .await
    .unwrap();
    attach_required_docs(app, d.id).await;
    let today = ocop_domain::format::today_vn();
    let mut steps = vec![(Role::Producer, Event::Submit)];
    if until == "province_council" {
        steps.push((Role::CommuneOfficer, Event::ForwardToCouncil));
    }
    for (role, event) in steps {
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
        until
    );
    (d.id, product.id)
}

/// Every criterion's best or worst option of a sheet, as stored choices.
fn stored(code: &str, level: f64) -> serde_json::Value {
    let lib = ocop_domain::rulebook::Library::embedded();
    let sheet = lib.sheet(code).unwrap().unwrap();
    serde_json::Value::Object(
        ocop_store::demo::demo_choices(sheet, level)
            .into_iter()
            .map(|(k, v)| (k, json!(v[0])))
            .collect(),
    )
}

/// A member submits and confirms a sheet (with knock-outs) through the store.
async fn score(app: &TestApp, item: i64, member: i64, level: f64, knockouts: &[&str]) {
    let db = &app.db.conn;
    let actor = Actor::system("test");
    let it = cs::get_item(db, item).await.unwrap();
    let lib = ocop_domain::rulebook::Library::embedded();
    let sheet = lib.sheet(&it.sheet_code).unwrap().unwrap();
    let rb = lib.rulebook(&it.rulebook_id).unwrap();
    let choices = ocop_store::demo::demo_choices(sheet, level);
    let e = ocop_domain::scoring::evaluate(
        sheet,
        rb,
        &[ocop_domain::scoring::MemberSheet {
            member: "m".into(),
            choices,
        }],
        &[],
    )
    .unwrap();
    cs::write_sheet_with_knockouts(
        db,
        &actor,
        item,
        member,
        0,
        Some((
            cs::SheetContent {
                choices: stored(&it.sheet_code, level),
                total: e.members[0].total,
                evidence: json!({}),
            },
            Some(knockouts.iter().map(|k| k.to_string()).collect()),
        )),
        cs::SheetAction::Submit,
    )
    .await
    .unwrap();
    cs::write_sheet(db, &actor, item, member, 1, None, cs::SheetAction::Confirm)
        .await
        .unwrap();
}

/// What a refused command must not change: agenda items, sheets, dossiers' versions
/// and the audit chain.
async fn snapshot(app: &TestApp) -> (usize, Vec<(i64, String, i32, Option<String>)>, usize) {
    use ocop_store::entities::{audit_entry, dossier, session_item};
    use sea_orm::EntityTrait;
    let db = &app.db.conn;
    let items: Vec<_> = session_item::Entity::find()
        .all(db)
        .await
        .unwrap()
        .into_iter()
        .map(|i| (i.id, i.status, i.version, i.result))
        .collect();
    let dossiers: usize = dossier::Entity::find()
        .all(db)
        .await
        .unwrap()
        .iter()
        .map(|d| d.version as usize)
        .sum();
    let audit = audit_entry::Entity::find().all(db).await.unwrap().len();
    (dossiers, items, audit)
}

async fn version(app: &TestApp, item: i64) -> String {
    cs::get_item(&app.db.conn, item)
        .await
        .unwrap()
        .version
        .to_string()
}

#[tokio::test]
async fn the_agenda_takes_only_dossiers_waiting_at_the_councils_level() {
    let app = TestApp::with_demo().await;
    let db = &app.db.conn;
    let today = ocop_domain::format::today_vn();
    let (_, _, session) = council_with_session(
        &app,
        "province",
        ("12", Period::Post2025),
        &[("chair.a", MemberRole::Chair)],
        today,
    )
    .await;
    let officer = app.web_as("tinh", "demo-ocop-2026").await;
    let spage = format!("/sessions/{session}");
    let add = |product: i64| {
        let (officer, spage) = (&officer, spage.clone());
        async move {
            officer
                .post_form(
                    &spage,
                    &format!("{spage}/items"),
                    &[("product_id", &product.to_string())],
                )
                .await
        }
    };
    // A dossier still at the commune is not the council's yet.
    let (did, product) = dossier(
        &app,
        "Trà xanh hương nhài",
        Kind::FirstEvaluation,
        "submitted",
    )
    .await;
    let before = snapshot(&app).await;
    let r = add(product).await;
    assert_eq!(r.status(), 422);
    let html = r.text().await.unwrap();
    assert!(html.contains("id=\"session-error\""), "{html}");
    assert!(
        html.contains("Điều 7 khoản 2, khoản 3"),
        "the rule is named"
    );
    assert_eq!(snapshot(&app).await, before, "nothing written");
    // A product without any dossier neither.
    let cam = demo_product(&app, "Khăn piêu Thái").await;
    assert_eq!(add(cam.id).await.status(), 422);
    // The demo's tea is on the demo session's open agenda: one open item per product.
    let tea = demo_product(&app, "Sà Dề Phìn").await;
    let r = add(tea.id).await;
    assert_eq!(r.status(), 409);
    assert!(r.text().await.unwrap().contains("chưa kết luận"));
    assert_eq!(snapshot(&app).await, before, "nothing written");
    // Forwarded by the commune: accepted, linked to its dossier, the choice listed.
    let lib = ocop_domain::rulebook::Library::embedded();
    let actor = Actor::system("test");
    let v = ocop_store::dossiers::get(db, did).await.unwrap().version;
    ocop_store::dossiers::transition(
        db,
        &lib,
        &actor,
        Role::CommuneOfficer,
        did,
        v,
        &Event::ForwardToCouncil,
        today,
    )
    .await
    .unwrap();
    crate::common::through_province_check(db, did, today).await;
    let (_, html) = officer.get_text(&spage).await;
    assert!(
        html.contains(&format!("<option value=\"{product}\">")),
        "the waiting dossier's product is offered"
    );
    assert!(!html.contains(&format!("<option value=\"{}\">", tea.id)));
    assert_eq!(add(product).await.status(), 303);
    let item = cs::items(db, session).await.unwrap().remove(0);
    assert_eq!(item.dossier_id, Some(did));
    // Twice: refused in words, on this session or another.
    let r = add(product).await;
    assert_eq!(r.status(), 409);
    // The database keeps one open item per product even past the page's check.
    let (_, _, other) = council_with_session(
        &app,
        "province",
        ("12", Period::Post2025),
        &[("chair.b", MemberRole::Chair)],
        today,
    )
    .await;
    let e = cs::add_item(
        db,
        &actor,
        other,
        product,
        &item.sheet_code,
        "QD26-2026",
        json!({}),
    )
    .await
    .unwrap_err();
    assert!(matches!(e, ocop_store::StoreError::Duplicate(_)), "{e:?}");
    // In English too.
    let (_, html) = officer.get_text(&spage).await;
    assert!(html.contains("quá nửa"), "the quorum rule is shown");
}

#[tokio::test]
async fn a_session_of_a_round_and_a_written_session_refuse_in_words() {
    let app = TestApp::with_demo().await;
    let db = &app.db.conn;
    let today = ocop_domain::format::today_vn();
    let actor = Actor::system("test");
    let (council, members, _) = council_with_session(
        &app,
        "province",
        ("12", Period::Post2025),
        &[
            ("chair.w", MemberRole::Chair),
            ("member.w", MemberRole::Member),
        ],
        today,
    )
    .await;
    let (first, first_product) = dossier(
        &app,
        "Trà xanh hương nhài",
        Kind::FirstEvaluation,
        "province_council",
    )
    .await;
    let written = cs::create_session(
        db,
        &actor,
        council,
        "Lấy ý kiến",
        today,
        SessionMode::Written,
    )
    .await
    .unwrap();
    let before = snapshot(&app).await;
    let e = cs::put_on_agenda(
        db,
        &ocop_domain::rulebook::Library::embedded(),
        &actor,
        written.id,
        first_product,
    )
    .await
    .unwrap_err();
    let cs::WorkflowError::Agenda(refusal) = e else {
        panic!("{e:?}")
    };
    assert_eq!(refusal.code(), "written_not_reevaluation");
    let officer = app.web_as("tinh", "demo-ocop-2026").await;
    let spage = format!("/sessions/{}", written.id);
    let r = officer
        .post_form(
            &spage,
            &format!("{spage}/items"),
            &[("product_id", &first_product.to_string())],
        )
        .await;
    assert_eq!(r.status(), 422);
    assert!(r.text().await.unwrap().contains("Điều 7 khoản 6 điểm d"));
    assert_eq!(snapshot(&app).await, before, "nothing written");
    // A session tied to a round takes that round's dossiers.
    let province = ocop_store::units::find(db, "12", Period::Post2025)
        .await
        .unwrap()
        .unwrap();
    let round = ocop_store::rounds::create_round(
        db,
        &actor,
        "Đợt thử",
        "province",
        (province.code, province.path),
        today + chrono::Duration::days(10),
        today + chrono::Duration::days(30),
    )
    .await
    .unwrap();
    let of_round = cs::create_session_in_round(
        db,
        &actor,
        council,
        "Phiên của đợt",
        today,
        SessionMode::Meeting,
        Some(round.id),
    )
    .await
    .unwrap();
    let before = snapshot(&app).await;
    let spage = format!("/sessions/{}", of_round.id);
    let r = officer
        .post_form(
            &spage,
            &format!("{spage}/items"),
            &[("product_id", &first_product.to_string())],
        )
        .await;
    assert_eq!(r.status(), 422);
    assert!(r.text().await.unwrap().contains("Điều 5"));
    assert_eq!(snapshot(&app).await, before, "nothing written");
    // The council page ties a new session to a round; a round of another level is
    // refused in words.
    let cpage = format!("/councils/{council}");
    let today_vn = ocop_domain::format::date_vn(today);
    let r = officer
        .post_form(
            &cpage,
            &format!("{cpage}/sessions"),
            &[
                ("title", "Phiên đợt thử"),
                ("held_on", &today_vn),
                ("mode", "meeting"),
                ("round_id", &round.id.to_string()),
            ],
        )
        .await;
    assert_eq!(r.status(), 303);
    let newest = cs::sessions(db, council).await.unwrap();
    assert!(newest
        .iter()
        .any(|s| s.round_id == Some(round.id) && s.title == "Phiên đợt thử"));
    let district = ocop_store::rounds::list_rounds(db, None)
        .await
        .unwrap()
        .into_iter()
        .find(|r| r.level == "district")
        .unwrap();
    let r = officer
        .post_form(
            &cpage,
            &format!("{cpage}/sessions"),
            &[
                ("title", "Phiên sai đợt"),
                ("held_on", &today_vn),
                ("mode", "meeting"),
                ("round_id", &district.id.to_string()),
            ],
        )
        .await;
    assert_eq!(r.status(), 422);
    assert!(r.text().await.unwrap().contains("cùng cấp"));
    assert!(!cs::sessions(db, council)
        .await
        .unwrap()
        .iter()
        .any(|s| s.title == "Phiên sai đợt"));
    let _ = (first, members);
}

#[tokio::test]
async fn diverging_written_opinions_send_the_item_to_a_meeting_with_its_quorum() {
    let app = TestApp::with_demo().await;
    let db = &app.db.conn;
    let today = ocop_domain::format::today_vn();
    let actor = Actor::system("test");
    let (council, members, _) = council_with_session(
        &app,
        "province",
        ("12", Period::Post2025),
        &[
            ("chair.r", MemberRole::Chair),
            ("member.r", MemberRole::Member),
            ("member.r2", MemberRole::Member),
        ],
        today,
    )
    .await;
    let (did, product) = dossier(
        &app,
        "Trà xanh hương nhài",
        Kind::ReEvaluation,
        "province_council",
    )
    .await;
    let written = cs::create_session(
        db,
        &actor,
        council,
        "Lấy ý kiến",
        today,
        SessionMode::Written,
    )
    .await
    .unwrap();
    let item = cs::put_on_agenda(
        db,
        &ocop_domain::rulebook::Library::embedded(),
        &actor,
        written.id,
        product,
    )
    .await
    .unwrap()
    .id;
    // Opinions far apart: 1.0 and 0.55 and 0.55.
    score(&app, item, members[0], 1.0, &[]).await;
    score(&app, item, members[1], 0.55, &[]).await;
    score(&app, item, members[2], 0.55, &[]).await;
    let officer = app.web_as("tinh", "demo-ocop-2026").await;
    let ipage = format!("/items/{item}");
    let v = version(&app, item).await;
    // Keeping the result is not an option in writing.
    let r = officer
        .post_form(
            &ipage,
            &format!("{ipage}/close"),
            &[("version", v.as_str()), ("override", "yes")],
        )
        .await;
    assert_eq!(r.status(), 409);
    let html = r.text().await.unwrap();
    assert!(html.contains("Điều 7 khoản 6 điểm d"), "{html}");
    let it = cs::get_item(db, item).await.unwrap();
    assert_eq!(
        (it.status.as_str(), it.mode.as_deref()),
        ("flagged", Some("meeting"))
    );
    assert_eq!(
        ocop_store::dossiers::get(db, did).await.unwrap().state,
        "province_council"
    );
    // Now a meeting: without the chair there is no quorum, in words.
    let present: Vec<(&str, String)> = members[1..]
        .iter()
        .map(|m| ("present", m.to_string()))
        .collect();
    let f: Vec<(&str, &str)> = present.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let spage = format!("/sessions/{}", written.id);
    assert_eq!(
        officer
            .post_form(&spage, &format!("{spage}/attendance"), &f)
            .await
            .status(),
        303
    );
    let before = snapshot(&app).await;
    let v = version(&app, item).await;
    let r = officer
        .post_form(
            &ipage,
            &format!("{ipage}/close"),
            &[("version", v.as_str()), ("override", "yes")],
        )
        .await;
    assert_eq!(r.status(), 409);
    let html = r.text().await.unwrap();
    assert!(
        html.contains("quá nửa") && html.contains("Phó Chủ tịch"),
        "{html}"
    );
    assert_eq!(snapshot(&app).await, before, "nothing written");
    // The chair back: the meeting keeps the result after discussing; the dossier
    // moves in the same command.
    let all: Vec<(&str, String)> = members.iter().map(|m| ("present", m.to_string())).collect();
    let f: Vec<(&str, &str)> = all.iter().map(|(k, v)| (*k, v.as_str())).collect();
    officer
        .post_form(&spage, &format!("{spage}/attendance"), &f)
        .await;
    let r = officer
        .post_form(
            &ipage,
            &format!("{ipage}/close"),
            &[
                ("version", v.as_str()),
                ("override", "yes"),
                ("note", "Đã họp"),
            ],
        )
        .await;
    assert_eq!(r.status(), 303, "{}", r.text().await.unwrap_or_default());
    let it = cs::get_item(db, item).await.unwrap();
    assert_eq!(it.status, "closed");
    assert_ne!(
        ocop_store::dossiers::get(db, did).await.unwrap().state,
        "province_council",
        "the dossier moved with the close"
    );
}

#[tokio::test]
async fn knock_outs_absent_members_and_one_transaction() {
    let app = TestApp::with_demo().await;
    let db = &app.db.conn;
    let today = ocop_domain::format::today_vn();
    let actor = Actor::system("test");
    let lib = ocop_domain::rulebook::Library::embedded();
    let (_, members, session) = council_with_session(
        &app,
        "province",
        ("12", Period::Post2025),
        &[
            ("chair.k", MemberRole::Chair),
            ("member.k", MemberRole::Member),
            ("member.k2", MemberRole::Member),
            ("member.k3", MemberRole::Member),
        ],
        today,
    )
    .await;
    let (did, product) = dossier(
        &app,
        "Trà xanh hương nhài",
        Kind::FirstEvaluation,
        "province_council",
    )
    .await;
    let item = cs::put_on_agenda(db, &lib, &actor, session, product)
        .await
        .unwrap()
        .id;
    // Three present members record the forged dossier; the fourth, absent, scores low.
    for m in &members[..3] {
        score(&app, item, *m, 1.0, &["forged_dossier"]).await;
    }
    score(&app, item, members[3], 0.0, &[]).await;
    cs::set_attendance(db, &actor, session, &members[..3], None)
        .await
        .unwrap();
    let officer = app.web_as("tinh", "demo-ocop-2026").await;
    let ipage = format!("/items/{item}");
    let (_, html) = officer.get_text(&ipage).await;
    assert!(html.contains("id=\"knockouts-applied\""), "{html}");
    assert!(
        !html.contains("id=\"spread-flag\""),
        "the absent member's sheet does not count"
    );
    // The dossier was withdrawn meanwhile: the close is refused and nothing is written.
    let v = ocop_store::dossiers::get(db, did).await.unwrap().version;
    ocop_store::dossiers::transition(
        db,
        &lib,
        &actor,
        Role::Producer,
        did,
        v,
        &Event::Withdraw,
        today,
    )
    .await
    .unwrap();
    let before = snapshot(&app).await;
    let iv = version(&app, item).await;
    let r = officer
        .post_form(
            &ipage,
            &format!("{ipage}/close"),
            &[("version", iv.as_str())],
        )
        .await;
    assert_eq!(r.status(), 409);
    assert!(r.text().await.unwrap().contains("không có gì được ghi"));
    assert_eq!(snapshot(&app).await, before, "item and dossier unchanged");
    assert_eq!(cs::get_item(db, item).await.unwrap().status, "open");
}

#[tokio::test]
async fn a_knock_out_recorded_by_most_members_gives_zero_stars_named() {
    let app = TestApp::with_demo().await;
    let db = &app.db.conn;
    let today = ocop_domain::format::today_vn();
    let actor = Actor::system("test");
    let lib = ocop_domain::rulebook::Library::embedded();
    let (_, members, session) = council_with_session(
        &app,
        "province",
        ("12", Period::Post2025),
        &[
            ("chair.z", MemberRole::Chair),
            ("member.z", MemberRole::Member),
            ("member.z2", MemberRole::Member),
        ],
        today,
    )
    .await;
    let (did, product) = dossier(
        &app,
        "Trà xanh hương nhài",
        Kind::FirstEvaluation,
        "province_council",
    )
    .await;
    let item = cs::put_on_agenda(db, &lib, &actor, session, product)
        .await
        .unwrap()
        .id;
    score(&app, item, members[0], 0.8, &["forged_dossier"]).await;
    score(&app, item, members[1], 0.8, &["forged_dossier"]).await;
    score(&app, item, members[2], 0.8, &[]).await;
    // A member's knock-out form: an unknown id is refused in words.
    let web = app.web_as("member.z", PW).await;
    let ipage = format!("/items/{item}");
    let (_, html) = web.get_text(&ipage).await;
    assert!(
        html.contains("id=\"ko-forged_dossier\""),
        "the member sees the knock-outs"
    );
    let officer = app.web_as("tinh", "demo-ocop-2026").await;
    let v = version(&app, item).await;
    // Stars differ (0 with the knock-out, more without): discussed first, then kept.
    let r = officer
        .post_form(
            &ipage,
            &format!("{ipage}/close"),
            &[("version", v.as_str())],
        )
        .await;
    assert_eq!(r.status(), 409);
    let v = version(&app, item).await;
    let r = officer
        .post_form(
            &ipage,
            &format!("{ipage}/close"),
            &[("version", v.as_str()), ("override", "yes")],
        )
        .await;
    assert_eq!(r.status(), 303);
    let it = cs::get_item(db, item).await.unwrap();
    assert_eq!(it.stars, Some(0));
    assert!(
        it.result.unwrap().contains("Giả mạo hồ sơ"),
        "the knock-out is named"
    );
    assert_eq!(
        ocop_store::dossiers::get(db, did).await.unwrap().state,
        "not_recognised"
    );
    let (_, html) = officer.get_text(&format!("{ipage}/result")).await;
    assert!(html.contains("id=\"result-knockouts\"") && html.contains("Giả mạo hồ sơ"));
}

#[tokio::test]
async fn the_commune_assesses_without_points_and_the_council_reads_it() {
    let app = TestApp::with_demo().await;
    let db = &app.db.conn;
    let (did, product) = dossier(
        &app,
        "Trà xanh hương nhài",
        Kind::FirstEvaluation,
        "submitted",
    )
    .await;
    let page = format!("/dossiers/{did}/assessment");
    let commune = app.web_as("xa.binhlu", "demo-ocop-2026").await;
    let (s, html) = commune.get_text(&page).await;
    assert_eq!(s, 200);
    assert!(html.contains("id=\"assessment-form\""), "{html}");
    assert!(html.contains("Điều 7 khoản 2"));
    // Empty contents: refused, nothing stored.
    let r = commune
        .post_form(
            &page,
            &page,
            &[("version", "0"), ("origin_materials", "Chè địa phương")],
        )
        .await;
    assert_eq!(r.status(), 422);
    assert!(r.text().await.unwrap().contains("id=\"e-local_labour\""));
    assert!(cs::assessment(db, did).await.unwrap().is_none());
    let fields = [
        ("version", "0"),
        (
            "origin_materials",
            "Chè shan tuyết của xã, nguyên liệu tại chỗ",
        ),
        ("local_labour", "15 lao động người địa phương"),
        ("idea_origin", "Sản phẩm truyền thống của HTX"),
        ("local_identity", "Kỹ thuật sao chè thủ công của người Dao"),
        ("proposal", "Đề nghị UBND tỉnh đánh giá, phân hạng 4 sao"),
    ];
    // The producer and a council member may read, not write.
    let producer = app.web_as("chuthe", "demo-ocop-2026").await;
    let r = producer.post_form(&page, &page, &fields).await;
    assert_eq!(r.status(), 403);
    assert!(cs::assessment(db, did).await.unwrap().is_none());
    let r = commune.post_form(&page, &page, &fields).await;
    assert_eq!(r.status(), 303);
    let a = cs::assessment(db, did).await.unwrap().unwrap();
    assert_eq!(a.local_labour, "15 lao động người địa phương");
    // Printed in Mẫu 03 section II.
    let r = commune
        .get(&format!("/dossiers/{did}/forms/mau-03.pdf"))
        .await;
    assert_eq!(r.status(), 200);
    let pdf = r.bytes().await.unwrap();
    assert!(pdf.starts_with(b"%PDF"));
    let path = std::env::temp_dir().join(format!("ocop-mau03-{}-{did}.pdf", std::process::id()));
    std::fs::write(&path, &pdf).unwrap();
    if let Ok(o) = std::process::Command::new("pdftotext")
        .arg(&path)
        .arg("-")
        .output()
    {
        let text = String::from_utf8_lossy(&o.stdout);
        if o.status.success() {
            assert!(text.contains("15 lao động người địa phương"), "{text}");
        }
    }
    let _ = std::fs::remove_file(&path);
    // Forwarded: the assessment can no longer change.
    let lib = ocop_domain::rulebook::Library::embedded();
    let actor = Actor::system("test");
    let today = ocop_domain::format::today_vn();
    let v = ocop_store::dossiers::get(db, did).await.unwrap().version;
    ocop_store::dossiers::transition(
        db,
        &lib,
        &actor,
        Role::CommuneOfficer,
        did,
        v,
        &Event::ForwardToCouncil,
        today,
    )
    .await
    .unwrap();
    crate::common::through_province_check(db, did, today).await;
    let mut changed = fields.to_vec();
    changed[0] = ("version", "1");
    changed[2] = ("local_labour", "khác");
    let r = commune.post_form(&page, &page, &changed).await;
    assert_eq!(r.status(), 409);
    assert_eq!(
        cs::assessment(db, did).await.unwrap().unwrap().local_labour,
        "15 lao động người địa phương"
    );
    // The council reads it beside the sheet; the commune gives no points (QĐ 26).
    let (_, members, session) = council_with_session(
        &app,
        "province",
        ("12", Period::Post2025),
        &[("chair.c", MemberRole::Chair)],
        today,
    )
    .await;
    let item = cs::put_on_agenda(db, &lib, &actor, session, product)
        .await
        .unwrap();
    let chair = app.web_as("chair.c", PW).await;
    let ipage = format!("/items/{}", item.id);
    let (_, html) = chair.get_text(&ipage).await;
    assert!(html.contains("id=\"commune-assessment\"") && html.contains("15 lao động"));
    let officer = app.web_as("tinh", "demo-ocop-2026").await;
    let r = officer
        .post_form(&ipage, &format!("{ipage}/commune"), &[("x", "y")])
        .await;
    assert_eq!(r.status(), 422, "no commune points under QĐ 26");
    let _ = members;
}

#[tokio::test]
async fn the_agenda_over_the_api_refuses_with_json_codes() {
    let app = TestApp::with_demo().await;
    let today = ocop_domain::format::today_vn();
    let (_, _, session) = council_with_session(
        &app,
        "province",
        ("12", Period::Post2025),
        &[("chair.api", MemberRole::Chair)],
        today,
    )
    .await;
    let (did, product) = dossier(
        &app,
        "Trà xanh hương nhài",
        Kind::FirstEvaluation,
        "submitted",
    )
    .await;
    let api = app.api_demo("tinh").await;
    let path = format!("/api/v1/sessions/{session}/items");
    let before = snapshot(&app).await;
    let (s, e) = api.post(&path, json!({"product_id": product})).await;
    assert_eq!(
        (s, e["error"]["code"].as_str()),
        (422, Some("no_dossier_waiting")),
        "{e}"
    );
    assert!(e["error"]["message"].as_str().unwrap().contains("Art. 7.2"));
    let tea = demo_product(&app, "Sà Dề Phìn").await;
    let (s, e) = api.post(&path, json!({"product_id": tea.id})).await;
    assert_eq!(
        (s, e["error"]["code"].as_str()),
        (409, Some("already_on_agenda"))
    );
    assert_eq!(snapshot(&app).await, before, "nothing written");
    // A viewer may not set the agenda.
    let viewer = app.api_demo("xem").await;
    let (s, _) = viewer.post(&path, json!({"product_id": product})).await;
    assert_eq!(s, 403);
    let lib = ocop_domain::rulebook::Library::embedded();
    let actor = Actor::system("test");
    let db = &app.db.conn;
    let v = ocop_store::dossiers::get(db, did).await.unwrap().version;
    ocop_store::dossiers::transition(
        db,
        &lib,
        &actor,
        Role::CommuneOfficer,
        did,
        v,
        &Event::ForwardToCouncil,
        today,
    )
    .await
    .unwrap();
    crate::common::through_province_check(db, did, today).await;
    let (s, item) = api.post(&path, json!({"product_id": product})).await;
    assert_eq!(s, 201, "{item}");
    assert_eq!(item["dossier_id"], json!(did));
    let (s, list) = api.get(&path).await;
    assert_eq!((s, list["total"].as_u64()), (200, Some(1)));
    let (_, doc) = api.get("/api/openapi.json").await;
    assert!(doc["paths"]["/api/v1/sessions/{id}/items"]["post"].is_object());
}
