//! Evidence per criterion: a producer's self-assessment cites documents per
//! criterion, a council member sees them beside the criterion and cites on their own
//! sheet; a criterion earning points without a document is flagged.

use crate::common::*;
use ocop_domain::evidence;

/// A document of the producer's library, stored through the store directly.
async fn library_doc(app: &TestApp, producer_id: i64, doc_type: &str, title: &str) -> i64 {
    let files = ocop_store::documents::LocalStore {
        root: std::env::temp_dir().join("ocop-files"),
    };
    ocop_store::documents::add(
        &app.db.conn,
        &files,
        &ocop_store::audit::Actor::system("test"),
        ocop_store::documents::NewDocument {
            producer_id,
            doc_type,
            title,
            filename: "giay.pdf",
            content_type: "application/pdf",
            valid_until: None,
            bytes: format!("%PDF-1.4\n% {title}\n").as_bytes(),
        },
    )
    .await
    .unwrap()
    .id
}

/// Two criteria of QĐ 26's sheet 11 that the producer (not the commune) scores.
fn producer_criteria() -> (String, String) {
    let lib = ocop_domain::rulebook::Library::embedded();
    let rb = lib.rulebook("QD26-2026").unwrap();
    let sheet = lib.sheet("QD26-11").unwrap().unwrap();
    let mut ids = sheet
        .criteria()
        .filter(|(_, _, c)| !rb.is_commune_criterion(c))
        .filter(|(_, _, c)| c.alternative.is_none() && !c.options.is_empty())
        .map(|(_, _, c)| c.id.clone());
    (ids.next().unwrap(), ids.next().unwrap())
}

fn best_option(criterion: &str) -> String {
    let lib = ocop_domain::rulebook::Library::embedded();
    let sheet = lib.sheet("QD26-11").unwrap().unwrap();
    let (_, _, c) = sheet.criterion(criterion).unwrap();
    c.options
        .iter()
        .max_by_key(|o| o.points)
        .unwrap()
        .id
        .clone()
}

#[tokio::test]
async fn a_producer_cites_documents_per_criterion_and_uncited_points_are_flagged() {
    let app = TestApp::with_demo().await;
    let db = &app.db.conn;
    let product = demo_product(&app, "Trà xanh hương nhài").await;
    let own = library_doc(
        &app,
        product.producer_id,
        "business_registration",
        "Giấy ĐKKD HTX",
    )
    .await;
    let other_producer = demo_product(&app, "Bánh đa dong Bình Lư").await.producer_id;
    assert_ne!(other_producer, product.producer_id);
    let foreign = library_doc(&app, other_producer, "trademark", "Văn bằng của người khác").await;
    let web = app.web_as("chuthe", "demo-ocop-2026").await;
    let path = format!("/products/{}/self-assessment", product.id);
    let (s, html) = web.get_text(&path).await;
    assert_eq!(s, 200);
    assert!(
        html.contains(&format!("value=\"{own}\"")),
        "the library's documents can be ticked"
    );
    let version = extract_value(&html, "version");
    let (a, b) = producer_criteria();
    let (oa, ob) = (best_option(&a), best_option(&b));
    let ev_a = format!("ev:{a}");
    let own_s = own.to_string();
    let foreign_s = foreign.to_string();
    // `a` cites its own document (and, forged, another producer's); `b` cites nothing.
    let r = web
        .post_form(
            &path,
            &path,
            &[
                (a.as_str(), oa.as_str()),
                (b.as_str(), ob.as_str()),
                (ev_a.as_str(), own_s.as_str()),
                (ev_a.as_str(), foreign_s.as_str()),
                ("version", version.as_str()),
            ],
        )
        .await;
    assert_eq!(r.status(), 303, "saved");
    let saved = ocop_store::scoring::get_self_assessment(db, product.id, "QD26-11")
        .await
        .unwrap()
        .unwrap();
    let cites = evidence::parse(&saved.evidence);
    assert_eq!(
        cites.get(&a),
        Some(&vec![own]),
        "another producer's document is dropped"
    );
    assert!(!cites.contains_key(&b));
    let (_, html) = web.get_text(&path).await;
    assert!(
        html.contains(&format!("name=\"ev:{a}\" value=\"{own}\" checked")),
        "the citation is ticked again"
    );
    assert!(
        html.contains("⚠ 1 tiêu chí có điểm nhưng chưa dẫn minh chứng"),
        "b is flagged"
    );
    assert_eq!(
        html.matches("Có điểm nhưng chưa dẫn minh chứng").count(),
        1,
        "only b carries the flag"
    );
    // The running total (htmx) counts the flag as the producer ticks.
    let token = extract_csrf(&html);
    let ev_b = format!("ev:{b}");
    let frag = web
        .client
        .post(app.url(&format!("{path}/preview")))
        .header("x-csrf-token", &token)
        .form(&[
            (a.as_str(), oa.as_str()),
            (b.as_str(), ob.as_str()),
            (ev_a.as_str(), own_s.as_str()),
            (ev_b.as_str(), own_s.as_str()),
        ])
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(frag.contains("Tổng điểm"), "{frag}");
    assert!(
        !frag.contains("chưa dẫn minh chứng"),
        "both are cited now: {frag}"
    );
}

#[tokio::test]
async fn a_council_member_sees_the_producers_evidence_and_cites_on_the_own_sheet() {
    let app = TestApp::with_demo().await;
    let db = &app.db.conn;
    // The demo's product waiting in the council's session.
    let product = demo_product(&app, "Sà Dề Phìn").await;
    let sessions = ocop_store::councils::list_councils(db, None).await.unwrap();
    let mut item = None;
    for c in sessions {
        for s in ocop_store::councils::sessions(db, c.id).await.unwrap() {
            for i in ocop_store::councils::items(db, s.id).await.unwrap() {
                if i.product_id == product.id {
                    item = Some(i);
                }
            }
        }
    }
    let item = item.expect("the demo's waiting item");
    let doc = library_doc(
        &app,
        product.producer_id,
        "food_safety",
        "Giấy chứng nhận ATTP",
    )
    .await;
    let (a, b) = producer_criteria();
    // The producer's self-assessment cites the document for `a`.
    let e = ocop_store::scoring::get_self_assessment(db, product.id, "QD26-11")
        .await
        .unwrap();
    ocop_store::scoring::save_self_assessment(
        db,
        &ocop_store::audit::Actor::system("test"),
        e.map(|e| e.version).unwrap_or(0),
        ocop_store::scoring::SelfAssessmentData {
            product_id: product.id,
            sheet_code: "QD26-11".into(),
            rulebook_id: "QD26-2026".into(),
            choices: serde_json::json!({ a.clone(): best_option(&a) }),
            total: 0,
            stars: 0,
            evidence: serde_json::json!({ a.clone(): [doc] }),
        },
    )
    .await
    .unwrap();
    let web = app.web_as("hoidong2", "demo-ocop-2026").await;
    let page = format!("/items/{}", item.id);
    let (s, html) = web.get_text(&page).await;
    assert_eq!(s, 200);
    assert!(
        html.contains("Chủ thể dẫn chứng"),
        "the producer's citation beside a"
    );
    assert!(
        html.contains(&format!("href=\"/documents/{doc}\"")),
        "one click to the document"
    );
    assert!(
        html.contains(&format!("name=\"ev:{a}\" value=\"{doc}\" checked")),
        "the member starts from the producer's citations"
    );
    // The member scores a and b, keeps the citation on a only: b is flagged.
    let version = extract_value(&html, "version");
    let (oa, ob) = (best_option(&a), best_option(&b));
    let ev_a = format!("ev:{a}");
    let doc_s = doc.to_string();
    let r = web
        .post_form(
            &page,
            &format!("{page}/sheet"),
            &[
                (a.as_str(), oa.as_str()),
                (b.as_str(), ob.as_str()),
                (ev_a.as_str(), doc_s.as_str()),
                ("action", "save"),
                ("version", version.as_str()),
            ],
        )
        .await;
    assert_eq!(r.status(), 303, "draft saved");
    let members = ocop_store::councils::members(db, item_council(&app, item.session_id).await)
        .await
        .unwrap();
    let user = ocop_store::users::find_by_username(db, "hoidong2")
        .await
        .unwrap()
        .unwrap();
    let me = members.iter().find(|m| m.user_id == Some(user.id)).unwrap();
    let sheet = ocop_store::councils::get_sheet(db, item.id, me.id)
        .await
        .unwrap()
        .expect("the member's sheet");
    assert_eq!(evidence::parse(&sheet.evidence).get(&a), Some(&vec![doc]));
    let (_, html) = web.get_text(&page).await;
    assert!(
        html.contains("Có điểm nhưng chưa dẫn minh chứng"),
        "b earns points uncited"
    );
    // Another member who has not started sees the producer's citation, not hoidong2's
    // choices.
    let chair = app.web_as("hoidong", "demo-ocop-2026").await;
    let (_, html) = chair.get_text(&page).await;
    assert!(html.contains(&format!("name=\"ev:{a}\" value=\"{doc}\" checked")));
}

async fn item_council(app: &TestApp, session_id: i64) -> i64 {
    ocop_store::councils::get_session(&app.db.conn, session_id)
        .await
        .unwrap()
        .council_id
}

/// The value of a hidden input.
fn extract_value(html: &str, name: &str) -> String {
    let needle = format!("name=\"{name}\" value=\"");
    let start = html
        .find(&needle)
        .unwrap_or_else(|| panic!("no {name} field"))
        + needle.len();
    html[start..].split('"').next().unwrap().to_string()
}
