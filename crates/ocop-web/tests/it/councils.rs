//! A council at work, through the pages: set-up, independent scoring, a conflicted
//! member, quorum, the spread rule, closing, the result and the minutes.

use crate::common::*;
use ocop_domain::roles::Role;
use ocop_domain::units::Period;

fn location(r: &reqwest::Response) -> String {
    r.headers()
        .get("location")
        .unwrap()
        .to_str()
        .unwrap()
        .to_string()
}

fn id_after(loc: &str, prefix: &str) -> i64 {
    loc.strip_prefix(prefix)
        .unwrap()
        .split(['/', '?'])
        .next()
        .unwrap()
        .parse()
        .unwrap()
}

/// Demo product "Chè Shan tuyết cổ thụ Sà Dề Phìn" (QD26-11) and its producer.
async fn tea(app: &TestApp) -> (i64, i64) {
    let p = ocop_store::registry::list_products(
        &app.db.conn,
        &ocop_domain::roles::Scope::All,
        &ocop_store::registry::ProductFilter {
            q: Some("Sà Dề Phìn".into()),
            page: 1,
            per_page: 1,
            ..Default::default()
        },
    )
    .await
    .unwrap()
    .items
    .remove(0);
    (p.id, p.producer_id)
}

/// Every criterion's best (or worst) option of a sheet, as form fields.
fn choices(code: &str, best: bool) -> Vec<(String, String)> {
    let lib = ocop_domain::rulebook::Library::embedded();
    let sheet = lib.sheet(code).unwrap().unwrap();
    let mut out = Vec::new();
    let mut alt = std::collections::HashSet::new();
    for (_, _, c) in sheet.criteria() {
        let name = match &c.alternative {
            Some(a) => {
                if !alt.insert(a.section.clone()) {
                    continue;
                }
                format!("alt:{}:{}", sheet.code, a.section)
            }
            None => c.id.clone(),
        };
        let v = match c.kind {
            ocop_domain::criteria::CriterionKind::YesNo => {
                (if best { "yes" } else { "no" }).to_string()
            }
            ocop_domain::criteria::CriterionKind::Options => {
                let o = if best {
                    c.options.iter().max_by_key(|o| o.points)
                } else {
                    c.options.iter().min_by_key(|o| o.points)
                };
                o.unwrap().id.clone()
            }
        };
        out.push((name, v));
    }
    out
}

async fn post(
    web: &Web,
    page: &str,
    action: &str,
    fields: Vec<(String, String)>,
) -> reqwest::Response {
    let f: Vec<(&str, &str)> = fields
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect();
    web.post_form(page, action, &f).await
}

fn kv(pairs: &[(&str, &str)]) -> Vec<(String, String)> {
    pairs
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect()
}

/// The demo's jasmine tea (QD26-11) with a first-evaluation dossier forwarded by the
/// commune to the province council: (product, producer, dossier).
async fn jasmine_at_the_province(app: &TestApp) -> (i64, i64, i64) {
    use ocop_domain::dossier::{Event, Kind};
    let db = &app.db.conn;
    let lib = ocop_domain::rulebook::Library::embedded();
    let p = demo_product(app, "Trà xanh hương nhài").await;
    let actor = ocop_store::audit::Actor::system("test");
    let d = ocop_store::dossiers::create(
        db,
        &lib,
        &actor,
        p.id,
        Kind::FirstEvaluation,
        4,
        "QD26-2026",
        ocop_domain::format::today_vn(),
    )
    .await
    .unwrap();
    attach_required_docs(app, d.id).await;
    let today = ocop_domain::format::today_vn();
    for (role, event) in [
        (Role::Producer, Event::Submit),
        (Role::CommuneOfficer, Event::ForwardToCouncil),
    ] {
        let v = ocop_store::dossiers::get(db, d.id).await.unwrap().version;
        ocop_store::dossiers::transition(db, &lib, &actor, role, d.id, v, &event, today)
            .await
            .unwrap();
        if event == Event::ForwardToCouncil {
            crate::common::through_province_check(db, d.id, today).await;
        }
    }
    (p.id, p.producer_id, d.id)
}

#[tokio::test]
async fn a_council_scores_a_product_from_start_to_minutes() {
    let app = TestApp::with_demo().await;
    let (product, producer, dossier) = jasmine_at_the_province(&app).await;
    // The demo's tea waits on the demo session's agenda: not on a second one.
    let (tea_product, _) = tea(&app).await;
    let chair = app
        .user(
            "chu.tich",
            Role::CouncilMember,
            Some(("12", Period::Post2025)),
            None,
        )
        .await;
    let m2 = app
        .user(
            "thanh.vien2",
            Role::CouncilMember,
            Some(("12", Period::Post2025)),
            None,
        )
        .await;
    let m3 = app
        .user(
            "thanh.vien3",
            Role::CouncilMember,
            Some(("12", Period::Post2025)),
            None,
        )
        .await;
    let officer = app.web_as("tinh", "demo-ocop-2026").await;

    // Set-up by the province officer.
    let r = post(
        &officer,
        "/councils",
        "/councils",
        kv(&[
            ("name", "Hội đồng OCOP tỉnh Lai Châu 2026"),
            ("level", "province"),
            ("unit_code", "12"),
            ("unit_period", "post2025"),
        ]),
    )
    .await;
    assert_eq!(r.status(), 303);
    let council = id_after(&location(&r), "/councils/");
    let cpage = format!("/councils/{council}");
    for (uid, role) in [(chair, "chair"), (m2, "member"), (m3, "member")] {
        let r = post(
            &officer,
            &cpage,
            &format!("{cpage}/members"),
            kv(&[
                ("user_id", &uid.to_string()),
                ("role", role),
                ("position", "Sở NN&MT"),
            ]),
        )
        .await;
        assert_eq!(r.status(), 303, "add member {uid}");
    }
    let members = ocop_store::councils::members(&app.db.conn, council)
        .await
        .unwrap();
    assert_eq!(members.len(), 3);
    let m3_member = members.iter().find(|m| m.user_id == Some(m3)).unwrap().id;
    // Member 3 advised the producer: a conflict of interest.
    let r = post(
        &officer,
        &cpage,
        &format!("{cpage}/links"),
        kv(&[
            ("member_id", &m3_member.to_string()),
            ("producer_id", &producer.to_string()),
            ("kind", "adviser"),
        ]),
    )
    .await;
    assert_eq!(r.status(), 303);
    let today = ocop_domain::format::date_vn(ocop_domain::format::today_vn());
    let r = post(
        &officer,
        &cpage,
        &format!("{cpage}/sessions"),
        kv(&[
            ("title", "Phiên họp đợt 2 năm 2026"),
            ("held_on", &today),
            ("mode", "meeting"),
        ]),
    )
    .await;
    assert_eq!(r.status(), 303);
    let session = id_after(&location(&r), "/sessions/");
    let spage = format!("/sessions/{session}");
    let r = post(
        &officer,
        &spage,
        &format!("{spage}/items"),
        kv(&[("product_id", &tea_product.to_string())]),
    )
    .await;
    assert_eq!(r.status(), 409, "one open agenda item per product");
    let r = post(
        &officer,
        &spage,
        &format!("{spage}/items"),
        kv(&[("product_id", &product.to_string())]),
    )
    .await;
    assert_eq!(r.status(), 303);
    let item = ocop_store::councils::items(&app.db.conn, session)
        .await
        .unwrap()[0]
        .clone();
    assert_eq!(item.dossier_id, Some(dossier));
    let item = item.id;
    let ipage = format!("/items/{item}");
    // Under QĐ 26/2026 the commune gives no points (Art. 7.2): members score all.
    let lib = ocop_domain::rulebook::Library::embedded();
    let rb = lib.rulebook("QD26-2026").unwrap();
    let sheet = lib.sheet("QD26-11").unwrap().unwrap();
    assert!(rb.commune_ids(sheet).is_empty());
    let commune_fields: Vec<(String, String)> =
        choices("QD26-11", true).into_iter().take(4).collect();
    let r = post(
        &officer,
        &ipage,
        &format!("{ipage}/commune"),
        commune_fields,
    )
    .await;
    assert_eq!(r.status(), 422);
    assert!(r.text().await.unwrap().contains("Điều 7 khoản 2"));

    // The chair scores high, submits, reads back and confirms.
    let chair_web = app.web_as("chu.tich", PW).await;
    let (s, html) = chair_web.get_text(&ipage).await;
    assert_eq!(s, 200);
    assert!(
        !html.contains("id=\"others\""),
        "nobody's scores before one's own"
    );
    let mut f = choices("QD26-11", true);
    f.push(("version".into(), "0".into()));
    f.push(("action".into(), "submit".into()));
    let r = post(&chair_web, &ipage, &format!("{ipage}/sheet"), f).await;
    assert_eq!(r.status(), 303);
    let (_, html) = chair_web.get_text(&ipage).await;
    assert!(
        html.contains("id=\"read-back\""),
        "the sheet is read back before it is locked"
    );
    assert!(
        html.contains("<strong>100/100</strong>"),
        "{}",
        &html[html.find("read-back").unwrap()..][..300]
    );
    let r = post(
        &chair_web,
        &ipage,
        &format!("{ipage}/sheet"),
        kv(&[("version", "1"), ("action", "confirm")]),
    )
    .await;
    assert_eq!(r.status(), 303);
    // Locked: a new submission is refused.
    let mut f = choices("QD26-11", false);
    f.push(("version".into(), "2".into()));
    f.push(("action".into(), "submit".into()));
    let r = post(&chair_web, &ipage, &format!("{ipage}/sheet"), f).await;
    assert_eq!(r.status(), 409);

    // Member 2 scores low and confirms; then sees the chair's total.
    let m2_web = app.web_as("thanh.vien2", PW).await;
    let mut f = choices("QD26-11", false);
    f.push(("version".into(), "0".into()));
    f.push(("action".into(), "submit".into()));
    assert_eq!(
        post(&m2_web, &ipage, &format!("{ipage}/sheet"), f)
            .await
            .status(),
        303
    );
    assert_eq!(
        post(
            &m2_web,
            &ipage,
            &format!("{ipage}/sheet"),
            kv(&[("version", "1"), ("action", "confirm")])
        )
        .await
        .status(),
        303
    );
    let (_, html) = m2_web.get_text(&ipage).await;
    assert!(html.contains("id=\"others\""));
    assert!(html.contains("<strong>100</strong>"), "the chair's total");

    // Member 3 is conflicted: told so, and cannot score.
    let m3_web = app.web_as("thanh.vien3", PW).await;
    let (_, html) = m3_web.get_text(&ipage).await;
    assert!(html.contains("id=\"conflicted\""));
    let mut f = choices("QD26-11", true);
    f.push(("version".into(), "0".into()));
    f.push(("action".into(), "submit".into()));
    assert_eq!(
        post(&m3_web, &ipage, &format!("{ipage}/sheet"), f)
            .await
            .status(),
        403
    );

    // Without the chair there is no quorum.
    let present = members
        .iter()
        .filter(|m| m.user_id != Some(chair))
        .map(|m| m.id.to_string())
        .collect::<Vec<_>>();
    let att: Vec<(String, String)> = present
        .iter()
        .map(|p| ("present".to_string(), p.clone()))
        .collect();
    assert_eq!(
        post(&officer, &spage, &format!("{spage}/attendance"), att)
            .await
            .status(),
        303
    );
    let (_, html) = officer.get_text(&ipage).await;
    assert!(
        html.contains("id=\"close-block\""),
        "no quorum without the chair"
    );
    let all: Vec<(String, String)> = members
        .iter()
        .map(|m| ("present".to_string(), m.id.to_string()))
        .collect();
    assert_eq!(
        post(&officer, &spage, &format!("{spage}/attendance"), all)
            .await
            .status(),
        303
    );

    // The totals are far apart: closing flags the product for discussion.
    let (_, html) = officer.get_text(&ipage).await;
    assert!(html.contains("id=\"spread-flag\""));
    let version = ocop_store::councils::get_item(&app.db.conn, item)
        .await
        .unwrap()
        .version
        .to_string();
    let r = post(
        &officer,
        &ipage,
        &format!("{ipage}/close"),
        kv(&[("version", &version), ("note", "")]),
    )
    .await;
    assert_eq!(r.status(), 409);
    assert_eq!(
        ocop_store::councils::get_item(&app.db.conn, item)
            .await
            .unwrap()
            .status,
        "flagged"
    );
    // After discussion the chair keeps the result.
    let version = ocop_store::councils::get_item(&app.db.conn, item)
        .await
        .unwrap()
        .version
        .to_string();
    let r = post(
        &officer,
        &ipage,
        &format!("{ipage}/close"),
        kv(&[
            ("version", &version),
            ("note", "Đã thảo luận"),
            ("override", "yes"),
        ]),
    )
    .await;
    assert_eq!(
        r.status(),
        303,
        "{}",
        r.text()
            .await
            .unwrap_or_default()
            .chars()
            .take(400)
            .collect::<String>()
    );
    let closed = ocop_store::councils::get_item(&app.db.conn, item)
        .await
        .unwrap();
    assert_eq!(closed.status, "closed");
    // Member 2 scored every criterion at its lowest: no commune points are added.
    let low: i64 = sheet
        .criteria()
        .map(|(_, _, c)| c.options.iter().map(|o| o.points as i64).min().unwrap_or(0))
        .sum::<i64>();
    assert_eq!(
        closed.average,
        Some((100 + low) as f64 / 2.0),
        "conflicted member left out of the average"
    );
    // Closing moved the dossier on, in the same command.
    let d = ocop_store::dossiers::get(&app.db.conn, dossier)
        .await
        .unwrap();
    assert_ne!(d.state, "province_council");

    // The result and the minutes.
    let (s, html) = officer.get_text(&format!("{ipage}/result")).await;
    assert_eq!(s, 200);
    assert!(html.contains("id=\"breakdown\""));
    assert!(html.contains("Test chu.tich") && html.contains("Test thanh.vien2"));
    let (s, html) = officer.get_text(&format!("{spage}/minutes")).await;
    assert_eq!(s, 200);
    assert!(html.contains("BIÊN BẢN"));
    assert!(html.contains("Trà xanh hương nhài"));
    assert!(
        html.contains("Test thanh.vien3"),
        "the conflicted member is listed"
    );
    assert!(html.contains("Tư vấn cho chủ thể"), "with the conflict");
    // The minutes as a PDF that a reader opens, with the Vietnamese text extractable.
    let r = officer.get(&format!("{spage}/minutes.pdf")).await;
    assert_eq!(r.status(), 200);
    assert_eq!(r.headers().get("content-type").unwrap(), "application/pdf");
    let pdf = r.bytes().await.unwrap();
    assert!(pdf.starts_with(b"%PDF-"));
    let path = std::env::temp_dir().join(format!("ocop-minutes-{}.pdf", std::process::id()));
    std::fs::write(&path, &pdf).unwrap();
    if let Ok(o) = std::process::Command::new("pdftotext")
        .arg(&path)
        .arg("-")
        .output()
    {
        let text = String::from_utf8_lossy(&o.stdout);
        assert!(text.contains("BIÊN BẢN"), "{text}");
        assert!(text.contains("Trà xanh hương nhài"), "{text}");
        assert!(text.contains("Test thanh.vien2"), "{text}");
    }
    let _ = std::fs::remove_file(&path);
}

#[tokio::test]
async fn strangers_cannot_see_or_run_a_council() {
    let app = TestApp::with_demo().await;
    let officer = app.web_as("tinh", "demo-ocop-2026").await;
    let before = ocop_store::councils::list_councils(&app.db.conn, None)
        .await
        .unwrap()
        .len();
    let r = post(
        &officer,
        "/councils",
        "/councils",
        kv(&[
            ("name", "HĐ"),
            ("level", "province"),
            ("unit_code", "12"),
            ("unit_period", "post2025"),
        ]),
    )
    .await;
    let council = id_after(&location(&r), "/councils/");
    // A producer account sees no council.
    let p = app.web_as("chuthe", "demo-ocop-2026").await;
    let (s, _) = p.get_text(&format!("/councils/{council}")).await;
    assert_eq!(s, 404, "a forbidden record reads as a missing one");
    // A commune officer may look but not add members.
    let x = app.web_as("xa.binhlu", "demo-ocop-2026").await;
    let r = post(
        &x,
        "/councils",
        &format!("/councils/{council}/members"),
        kv(&[("full_name", "X"), ("role", "member")]),
    )
    .await;
    assert_eq!(r.status(), 403);
    // Bad input on the set-up form: the error is shown, nothing is created.
    let r = post(
        &officer,
        "/councils",
        "/councils",
        kv(&[
            ("name", ""),
            ("level", "galaxy"),
            ("unit_code", "99999"),
            ("unit_period", "post2025"),
        ]),
    )
    .await;
    assert_eq!(r.status(), 422);
    let html = r.text().await.unwrap();
    assert!(html.contains("id=\"e-name\"") && html.contains("id=\"e-unit_code\""));
    assert_eq!(
        ocop_store::councils::list_councils(&app.db.conn, None)
            .await
            .unwrap()
            .len(),
        before + 1
    );
}

#[tokio::test]
async fn outsiders_and_early_closings_change_nothing() {
    let app = TestApp::with_demo().await;
    // The demo session has a product waiting for its members.
    let session = ocop_store::councils::list_councils(&app.db.conn, None)
        .await
        .unwrap()[0]
        .id;
    let session = ocop_store::councils::sessions(&app.db.conn, session)
        .await
        .unwrap()[0]
        .id;
    let open = ocop_store::councils::items(&app.db.conn, session)
        .await
        .unwrap()
        .into_iter()
        .find(|i| i.status == "open")
        .unwrap();
    let ipage = format!("/items/{}", open.id);
    // A council member of another council (not of this one) cannot file a sheet here.
    app.user(
        "outsider",
        Role::CouncilMember,
        Some(("12", Period::Post2025)),
        None,
    )
    .await;
    let web = app.web_as("outsider", PW).await;
    let mut f = choices(&open.sheet_code, true);
    f.push(("version".into(), "0".into()));
    f.push(("action".into(), "submit".into()));
    assert_eq!(
        post(&web, &ipage, &format!("{ipage}/sheet"), f)
            .await
            .status(),
        403
    );
    assert!(ocop_store::councils::sheets(&app.db.conn, open.id)
        .await
        .unwrap()
        .is_empty());
    // Closing before anybody scored is refused and leaves the item open.
    let officer = app.web_as("tinh", "demo-ocop-2026").await;
    let r = post(
        &officer,
        &ipage,
        &format!("{ipage}/close"),
        kv(&[("version", &open.version.to_string())]),
    )
    .await;
    assert_eq!(r.status(), 409);
    assert_eq!(
        ocop_store::councils::get_item(&app.db.conn, open.id)
            .await
            .unwrap()
            .status,
        "open"
    );
    // A viewer may not close either.
    let viewer = app.web_as("xem", "demo-ocop-2026").await;
    let r = post(
        &viewer,
        &ipage,
        &format!("{ipage}/close"),
        kv(&[("version", &open.version.to_string())]),
    )
    .await;
    assert_eq!(r.status(), 403);
    // The demo's closed product has its result and breakdown.
    let closed = ocop_store::councils::items(&app.db.conn, session)
        .await
        .unwrap()
        .into_iter()
        .find(|i| i.status == "closed")
        .unwrap();
    let (s, html) = officer
        .get_text(&format!("/items/{}/result", closed.id))
        .await;
    assert_eq!(s, 200);
    assert!(html.contains("Bánh đa dong Bình Lư"));
    assert!(
        closed.stars.unwrap() >= 3,
        "the demo's closed product is recognised"
    );
}
