//! Dossier documents: checked by content and size, kept in the producer's library and
//! reused, with expired ones flagged.

use crate::common::*;

async fn dossier_for_tea(app: &TestApp) -> (i64, Web) {
    let product = demo_product(app, "Trà xanh hương nhài").await;
    let web = app.web_as("chuthe", "demo-ocop-2026").await;
    let (_, id) = open_dossier(&web, product.id, "first_evaluation", "3").await;
    (id, web)
}

async fn upload(
    web: &Web,
    id: i64,
    doc_type: &str,
    valid_until: &str,
    name: &str,
    bytes: Vec<u8>,
) -> reqwest::Response {
    let page = format!("/dossiers/{id}");
    let token = web.csrf(&page).await;
    let form = reqwest::multipart::Form::new()
        .text("csrf_token", token)
        .text("doc_type", doc_type.to_string())
        .text("title", format!("Tài liệu {name}"))
        .text("valid_until", valid_until.to_string())
        .part(
            "file",
            reqwest::multipart::Part::bytes(bytes).file_name(name.to_string()),
        );
    web.client
        .post(format!("{}{page}/documents", web.base))
        .multipart(form)
        .send()
        .await
        .unwrap()
}

#[tokio::test]
async fn uploads_are_checked_by_content_and_size_and_reused() {
    let app = TestApp::with_demo().await;
    let db = &app.db.conn;
    let (id, web) = dossier_for_tea(&app).await;
    // An executable renamed .pdf is refused and nothing is stored.
    let producer_id = ocop_store::dossiers::get(db, id).await.unwrap().producer_id;
    let before = ocop_store::documents::library(db, producer_id)
        .await
        .unwrap()
        .len();
    let r = upload(
        &web,
        id,
        "registration_form",
        "",
        "phieu.pdf",
        b"MZ\x90\x00\x03 not a pdf".to_vec(),
    )
    .await;
    assert_eq!(r.status(), 422);
    assert!(r.text().await.unwrap().contains("kiểm tra theo nội dung"));
    assert_eq!(
        ocop_store::documents::library(db, producer_id)
            .await
            .unwrap()
            .len(),
        before
    );
    // Too big: refused before it is stored.
    let r = upload(
        &web,
        id,
        "lab_test",
        "",
        "big.pdf",
        vec![b'%'; 21 * 1024 * 1024],
    )
    .await;
    assert_eq!(r.status(), 413);
    // A real PDF with a validity date that has passed: stored, attached, flagged.
    let r = upload(
        &web,
        id,
        "food_safety",
        "01/01/2025",
        "attp.pdf",
        b"%PDF-1.4 ATTP".to_vec(),
    )
    .await;
    assert_eq!(r.status(), 303);
    let (_, html) = web.get_text(&format!("/dossiers/{id}")).await;
    assert!(html.contains("Tài liệu attp.pdf"));
    assert!(
        html.contains("Đã hết hiệu lực"),
        "an expired document is flagged"
    );
    let docs = ocop_store::documents::of_dossier(db, id).await.unwrap();
    assert_eq!(docs.len(), 1);
    // It downloads back byte for byte, for those who may see the producer only.
    let r = web.get(&format!("/documents/{}", docs[0].id)).await;
    assert_eq!(r.status(), 200);
    assert_eq!(&r.bytes().await.unwrap()[..], b"%PDF-1.4 ATTP");
    let stranger = app.web_as("huyen", "demo-ocop-2026").await;
    assert_eq!(
        stranger
            .get(&format!("/documents/{}", docs[0].id))
            .await
            .status(),
        404,
        "a forbidden record reads as a missing one"
    );
    // A second dossier reuses it from the library instead of a new upload.
    let (id2, web) = dossier_for_tea(&app).await;
    let page2 = format!("/dossiers/{id2}");
    let r = web
        .post_form(
            &page2,
            &format!("{page2}/attach"),
            &[("document_id", &docs[0].id.to_string())],
        )
        .await;
    assert_eq!(r.status(), 303);
    assert_eq!(
        ocop_store::documents::of_dossier(db, id2).await.unwrap()[0].id,
        docs[0].id
    );
}
