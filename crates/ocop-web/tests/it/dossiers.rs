//! Dossiers through the pages: a producer opens and submits, the commune asks for a
//! supplement (the clock stops), the producer answers, the commune forwards to the
//! province council; wrong roles and stale forms change nothing.

use crate::common::*;

/// Posts one workflow step with the dossier's current version.
async fn step(
    db: &ocop_store::DatabaseConnection,
    web: &Web,
    dpage: &str,
    id: i64,
    event: &str,
    reason: &str,
) -> reqwest::Response {
    let v = ocop_store::dossiers::get(db, id)
        .await
        .unwrap()
        .version
        .to_string();
    web.post_form(
        dpage,
        &format!("{dpage}/transition"),
        &[("event", event), ("reason", reason), ("version", &v)],
    )
    .await
}

fn location(r: &reqwest::Response) -> String {
    r.headers()["location"].to_str().unwrap().to_string()
}

#[tokio::test]
async fn a_dossier_from_the_producer_to_the_province_council() {
    let app = TestApp::with_demo().await;
    let db = &app.db.conn;
    // The demo's tea cooperative (chuthe) in Bình Lư (xa.binhlu).
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
    let ppage = format!("/products/{}", product.id);
    let r = producer
        .post_form(
            &ppage,
            &format!("{ppage}/dossiers"),
            &[("kind", "first_evaluation"), ("target_stars", "4")],
        )
        .await;
    assert_eq!(r.status(), 303);
    let dpage = location(&r);
    let id: i64 = dpage.strip_prefix("/dossiers/").unwrap().parse().unwrap();
    // The commune cannot forward a draft.
    let commune = app.web_as("xa.binhlu", "demo-ocop-2026").await;
    assert_eq!(
        step(db, &commune, &dpage, id, "forward", "").await.status(),
        409
    );
    // Without the required documents the submission names what is missing.
    let r = step(db, &producer, &dpage, id, "submit", "").await;
    assert_eq!(r.status(), 422);
    let html = r.text().await.unwrap();
    assert!(
        html.contains("Hồ sơ còn thiếu") && html.contains("Phiếu đăng ký (Mẫu 01)"),
        "the list of what is missing"
    );
    assert_eq!(
        ocop_store::dossiers::get(db, id).await.unwrap().state,
        "draft"
    );
    attach_required_docs(&app, id).await;
    assert_eq!(
        step(db, &producer, &dpage, id, "submit", "").await.status(),
        303
    );
    let d = ocop_store::dossiers::get(db, id).await.unwrap();
    assert_eq!(d.state, "submitted");
    assert!(
        d.registration_number.ends_with(&format!(
            "/PĐK-12-03390-{}",
            chrono::Datelike::year(&ocop_domain::format::today_vn())
        )),
        "{}",
        d.registration_number
    );
    let first_deadline = d.deadline_on.unwrap();
    assert!(first_deadline > d.filed_on.unwrap());
    // The producer may not check its own dossier; the commune needs a reason.
    assert_eq!(
        step(db, &producer, &dpage, id, "forward", "")
            .await
            .status(),
        409
    );
    assert_eq!(
        step(db, &commune, &dpage, id, "request_supplement", "")
            .await
            .status(),
        422
    );
    assert_eq!(
        step(
            db,
            &commune,
            &dpage,
            id,
            "request_supplement",
            "Thiếu giấy chứng nhận ATTP"
        )
        .await
        .status(),
        303
    );
    let d = ocop_store::dossiers::get(db, id).await.unwrap();
    assert_eq!(d.state, "supplement_requested");
    assert!(d.paused_since.is_some(), "the clock stops");
    assert_eq!(
        step(db, &producer, &dpage, id, "supplemented", "")
            .await
            .status(),
        303
    );
    let d = ocop_store::dossiers::get(db, id).await.unwrap();
    assert!(d.paused_since.is_none());
    assert!(d.deadline_on.unwrap() >= first_deadline);
    assert_eq!(
        step(db, &commune, &dpage, id, "forward", "").await.status(),
        303
    );
    let d = ocop_store::dossiers::get(db, id).await.unwrap();
    assert_eq!(
        d.state, "province_check",
        "QĐ 26/2026 Art. 7.3.a: the province's standing agency receives and checks it"
    );
    // The commune cannot accept it for the council; the province asks for a
    // supplement with a reason, the producer answers, the province accepts it.
    assert_eq!(
        step(db, &commune, &dpage, id, "accept", "").await.status(),
        409
    );
    let province = app.web_as("tinh", "demo-ocop-2026").await;
    let (_, html) = province.get_text(&dpage).await;
    assert!(
        html.contains("id=\"do-accept\""),
        "the province may accept it"
    );
    assert_eq!(
        step(db, &province, &dpage, id, "request_supplement", "")
            .await
            .status(),
        422
    );
    assert_eq!(
        step(
            db,
            &province,
            &dpage,
            id,
            "request_supplement",
            "Bổ sung bản thuyết minh quy trình sản xuất"
        )
        .await
        .status(),
        303
    );
    assert_eq!(
        ocop_store::dossiers::get(db, id).await.unwrap().state,
        "province_supplement"
    );
    assert_eq!(
        step(db, &producer, &dpage, id, "supplemented", "")
            .await
            .status(),
        303
    );
    assert_eq!(
        step(db, &province, &dpage, id, "accept", "").await.status(),
        303
    );
    let d = ocop_store::dossiers::get(db, id).await.unwrap();
    assert_eq!(d.state, "province_council", "accepted for the council");
    // The page shows every step with its reason; a stale form is refused.
    let (s, html) = commune.get_text(&dpage).await;
    assert_eq!(s, 200);
    assert!(html.contains("Thiếu giấy chứng nhận ATTP"));
    assert!(html.contains("Hội đồng cấp tỉnh"));
    let r = commune
        .post_form(
            &dpage,
            &format!("{dpage}/transition"),
            &[("event", "return"), ("reason", "x"), ("version", "1")],
        )
        .await;
    assert_eq!(r.status(), 409);
    assert_eq!(ocop_store::dossiers::events(db, id).await.unwrap().len(), 7);
    // Another producer sees nothing of it.
    let other = app.web_as("xem", "demo-ocop-2026").await;
    let (s, _) = other.get_text(&dpage).await;
    assert_eq!(s, 200, "a viewer of the province may look");
    assert!(
        !other.get_text(&dpage).await.1.contains("id=\"do-"),
        "but has no actions"
    );
}

/// The text of a PDF through pdftotext, or None when poppler-utils is missing
/// (CI installs it).
fn pdf_text(bytes: &[u8]) -> Option<String> {
    use std::sync::atomic::{AtomicU32, Ordering};
    static N: AtomicU32 = AtomicU32::new(0);
    let path = std::env::temp_dir().join(format!(
        "ocop-form-{}-{}.pdf",
        std::process::id(),
        N.fetch_add(1, Ordering::Relaxed)
    ));
    std::fs::write(&path, bytes).unwrap();
    let out = std::process::Command::new("pdftotext")
        .arg(&path)
        .arg("-")
        .output();
    let _ = std::fs::remove_file(&path);
    let out = out.ok()?;
    out.status
        .success()
        .then(|| String::from_utf8_lossy(&out.stdout).into_owned())
}

#[tokio::test]
async fn the_three_forms_are_filled_from_the_registry_and_the_dossier() {
    let app = TestApp::with_demo().await;
    let db = &app.db.conn;
    let product = demo_product(&app, "Trà xanh hương nhài").await;
    let producer = app.web_as("chuthe", "demo-ocop-2026").await;
    let (dpage, id) = open_dossier(&producer, product.id, "first_evaluation", "4").await;
    // A draft's form says the number comes at submission.
    let r = producer.get(&format!("{dpage}/forms/mau-01.pdf")).await;
    assert_eq!(r.status(), 200);
    assert_eq!(r.headers()["content-type"], "application/pdf");
    let draft = r.bytes().await.unwrap();
    assert!(draft.starts_with(b"%PDF"));
    attach_required_docs(&app, id).await;
    assert_eq!(
        step(db, &producer, &dpage, id, "submit", "").await.status(),
        303
    );
    let d = ocop_store::dossiers::get(db, id).await.unwrap();
    let owner = ocop_store::registry::get_producer(db, d.producer_id)
        .await
        .unwrap();
    let (_, html) = producer.get_text(&dpage).await;
    for f in ["mau-01", "mau-02", "mau-03"] {
        assert!(
            html.contains(&format!("{dpage}/forms/{f}.pdf")),
            "{f} linked"
        );
    }
    let mut texts = vec![];
    for f in ["mau-01", "mau-02", "mau-03"] {
        let r = producer.get(&format!("{dpage}/forms/{f}.pdf")).await;
        assert_eq!(r.status(), 200, "{f}");
        let b = r.bytes().await.unwrap();
        assert!(b.starts_with(b"%PDF"), "{f}");
        // Kept for human review next to the browser screenshots.
        let _ = std::fs::write(crate::browser::shots_dir().join(format!("{f}.pdf")), &b);
        texts.push(pdf_text(&b));
    }
    if let Some(t) = &pdf_text(&draft) {
        assert!(t.contains("cấp khi nộp"), "{t}");
    }
    if let [Some(m1), Some(m2), Some(m3)] = &texts[..] {
        let norm = |s: &str| s.split_whitespace().collect::<Vec<_>>().join(" ");
        let (m1, m2, m3) = (norm(m1), norm(m2), norm(m3));
        assert!(m1.contains("Mẫu số 01"), "{m1}");
        assert!(
            m1.contains("Tham gia đánh giá, phân hạng sản phẩm OCOP của tỉnh Lai Châu năm"),
            "{m1}"
        );
        assert!(m1.contains(&d.registration_number), "{m1}");
        assert!(m1.contains(&owner.name), "{m1}");
        assert!(m1.contains("Trà xanh hương nhài"), "{m1}");
        assert!(m1.contains("Lần đầu ☒"), "{m1}");
        assert!(m1.contains("Sản phẩm mẫu (số lượng): 05 mẫu"), "{m1}");
        assert!(m2.contains("BÁO CÁO TỰ ĐÁNH GIÁ VỀ SẢN PHẨM"), "{m2}");
        assert!(m2.contains("Phần III. ĐÁNH GIÁ KẾT QUẢ THỰC HIỆN"), "{m2}");
        assert!(m2.contains("Tài liệu minh chứng"), "{m2}");
        // The demo self-assessment cites its library: titles stand beside criteria.
        assert!(m2.contains("Giấy chứng nhận đăng ký HTX"), "{m2}");
        // The demo producer has self-assessed this product: its total is reported.
        let sa = ocop_store::scoring::get_self_assessment(db, product.id, &product.set_code)
            .await
            .unwrap()
            .expect("the demo self-assessment");
        assert!(
            m2.contains(&format!("Tổng điểm tự đánh giá: {}/100", sa.total)),
            "{m2}"
        );
        assert!(m3.contains("Hồ sơ đầy đủ thành phần"), "{m3}");
        assert!(
            m3.contains("II. ĐÁNH GIÁ MỘT SỐ NỘI DUNG CỦA HỒ SƠ SẢN PHẨM"),
            "{m3}"
        );
        assert!(
            m3.contains("đề nghị Ủy ban nhân dân tỉnh Lai Châu đánh giá"),
            "{m3}"
        );
    } else {
        eprintln!("pdftotext not available: the forms' text was not read back");
    }
    // An unknown form is not found.
    assert_eq!(
        producer
            .get(&format!("{dpage}/forms/mau-09.pdf"))
            .await
            .status(),
        404
    );
}

#[tokio::test]
async fn the_demo_has_a_history_of_rounds_dossiers_and_decisions() {
    let app = TestApp::with_demo().await;
    let db = &app.db.conn;
    let all = ocop_store::dossiers::list(db, &ocop_domain::roles::Scope::All, None)
        .await
        .unwrap();
    let states: std::collections::HashSet<&str> = all.iter().map(|d| d.state.as_str()).collect();
    // Every state a dossier can be in today (no district councils since 1 July 2025).
    for s in [
        "draft",
        "submitted",
        "supplement_requested",
        "returned",
        "province_council",
        "central_council",
        "recognised",
        "not_recognised",
        "withdrawn",
    ] {
        assert!(states.contains(s), "a demo dossier is {s}: {states:?}");
    }
    // Both rulebooks, and the June 2025 district dossier finished by the province.
    let rulebooks: std::collections::HashSet<&str> =
        all.iter().map(|d| d.rulebook_id.as_str()).collect();
    assert!(rulebooks.contains("QD148-2023") && rulebooks.contains("QD26-2026"));
    let mut moved = false;
    for d in &all {
        let ev = ocop_store::dossiers::events(db, d.id).await.unwrap();
        moved |= ev
            .iter()
            .any(|e| e.from_state == "district_council" && e.to_state == "province_check");
    }
    assert!(
        moved,
        "a district dossier went to the province after 1 July 2025"
    );
    // The one the province received waits for its check, without the council's
    // clock; accepted, it must be decided by its round's end.
    let at_check = all
        .iter()
        .find(|d| d.state == "province_check" && d.round_id.is_some())
        .expect("a dossier of a round at the province's check");
    assert_eq!(at_check.deadline_on, None);
    through_province_check(db, at_check.id, ocop_domain::format::today_vn()).await;
    let at_council = ocop_store::dossiers::get(db, at_check.id).await.unwrap();
    assert_eq!(at_council.state, "province_council");
    let round = ocop_store::rounds::get_round(db, at_council.round_id.unwrap())
        .await
        .unwrap();
    assert_eq!(at_council.deadline_on, Some(round.closes_on));
    // Rounds from 2023 to 2026, the past ones closed.
    let rounds = ocop_store::rounds::list_rounds(db, None).await.unwrap();
    let years: std::collections::HashSet<i32> = rounds
        .iter()
        .map(|r| chrono::Datelike::year(&r.closes_on))
        .collect();
    for y in [2023, 2024, 2025, 2026] {
        assert!(years.contains(&y), "a round closing in {y}");
    }
    assert!(rounds.iter().any(|r| r.status == "closed"));
    assert!(rounds.iter().any(|r| r.status == "open"));
    // The officer sees the round's dossiers and the decision of the demo session.
    let officer = app.web_as("tinh", "demo-ocop-2026").await;
    let (s, html) = officer.get_text("/rounds").await;
    assert_eq!(s, 200);
    assert!(html.contains("Đợt 2 năm 2023"), "{html}");
    assert!(
        html.contains("Đã kết thúc") && html.contains("Đang mở"),
        "statuses in words"
    );
    assert!(
        html.contains("<a href=\"/dossiers\" aria-current=\"page\">"),
        "rounds belong to the dossiers' section of the menu"
    );
    // The next round QĐ 26/2026 schedules is offered, the form pre-filled with it.
    let lib = ocop_domain::rulebook::Library::embedded();
    let next = lib.rulebook("QD26-2026").unwrap().scheduled_rounds(
        "province",
        ocop_domain::format::today_vn(),
        1,
    )[0];
    let name = format!("Đợt {} năm {}", next.number, next.year);
    assert!(html.contains("id=\"round-schedule\""), "{html}");
    assert!(
        html.contains(&format!(
            "id=\"f-name\" name=\"name\" placeholder=\"Đợt 1 năm 2027\" value=\"{name}\""
        )),
        "{html}"
    );
    assert!(html.contains(&ocop_domain::format::date_vn(next.closes_on)));
    let (_, html) = officer.get_text("/dossiers?state=central_council").await;
    assert!(html.contains("Dầu mắc ca nguyên chất"), "{html}");
}

#[tokio::test]
async fn the_dashboard_lists_what_waits_for_action() {
    let app = TestApp::with_demo().await;
    let officer = app.web_as("tinh", "demo-ocop-2026").await;
    let (s, html) = officer.get_text("/").await;
    assert_eq!(s, 200);
    assert!(html.contains("id=\"todo\""), "{html}");
    for (href, words) in [
        ("/dossiers?overdue=1", "hồ sơ quá hạn xử lý"),
        (
            "/dossiers?state=central_council",
            "chờ kết quả Hội đồng Trung ương",
        ),
        ("/revocation-cases", "đề nghị thu hồi chờ quyết định"),
        (
            "/certificates?status=expiring",
            "giấy chứng nhận sắp hết hạn",
        ),
    ] {
        assert!(
            html.contains(&format!("href=\"{href}\"")) && html.contains(words),
            "{href} {words}"
        );
    }
    // The links lead to the matching lists.
    let (_, list) = officer.get_text("/dossiers?overdue=1").await;
    assert!(
        list.contains("Khăn piêu Thái"),
        "the demo's overdue dossier"
    );
    // A producer sees only its own: nothing of the province's cases.
    let producer = app.web_as("chuthe", "demo-ocop-2026").await;
    let (_, html) = producer.get_text("/").await;
    assert!(!html.contains("/revocation-cases"));
    assert!(!html.contains("Khăn piêu"));
}
