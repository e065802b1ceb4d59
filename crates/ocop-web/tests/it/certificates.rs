//! Certificates: public verification (page, JSON, JWKS), an independent check of the
//! signature, statuses, tampering, lookups, key rotation, issuing from a council
//! result, revocation, reports of suspicious labels and the rate limit.

use crate::common::*;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use ed25519_dalek::{Signature, Verifier, VerifyingKey};
use serde_json::Value;

async fn json(url: &str) -> (u16, Value) {
    let r = reqwest::get(url).await.unwrap();
    let s = r.status().as_u16();
    (s, r.json().await.unwrap_or(Value::Null))
}

async fn first_number(app: &TestApp, status: &str) -> String {
    let api = app.api_demo("tinh").await;
    let (s, list) = api
        .get(&format!("/api/v1/certificates?status={status}&per_page=5"))
        .await;
    assert_eq!(s, 200, "{list}");
    assert!(
        list["total"].as_u64().unwrap() >= 1,
        "the demo has a {status} certificate: {list}"
    );
    list["items"][0]["number"].as_str().unwrap().to_string()
}

/// Verifies a certificate's signature with an Ed25519 library and the published keys,
/// as a third party would.
fn independent_check(cert: &Value, jwks: &Value) -> bool {
    let key = jwks["keys"]
        .as_array()
        .unwrap()
        .iter()
        .find(|k| k["kid"] == cert["key_id"])
        .expect("key published");
    assert_eq!(key["kty"], "OKP");
    assert_eq!(key["crv"], "Ed25519");
    let pk: [u8; 32] = URL_SAFE_NO_PAD
        .decode(key["x"].as_str().unwrap())
        .unwrap()
        .try_into()
        .unwrap();
    let sig: [u8; 64] = URL_SAFE_NO_PAD
        .decode(cert["signature"].as_str().unwrap())
        .unwrap()
        .try_into()
        .unwrap();
    VerifyingKey::from_bytes(&pk)
        .unwrap()
        .verify(
            cert["payload"].as_str().unwrap().as_bytes(),
            &Signature::from_bytes(&sig),
        )
        .is_ok()
}

#[tokio::test]
async fn anyone_can_check_a_label_and_verify_its_signature_offline() {
    let app = TestApp::with_demo().await;
    let n = first_number(&app, "valid").await;
    let (s, c) = json(&app.url(&format!("/api/v1/public/certificates/{n}"))).await;
    assert_eq!(s, 200);
    assert_eq!(c["status"], "valid");
    assert!(c["payload"]
        .as_str()
        .unwrap()
        .starts_with(&format!("ocop-cert-v1|{n}|")));
    let (s, jwks) = json(&app.url("/.well-known/ocop-signing-key.json")).await;
    assert_eq!(s, 200);
    assert!(independent_check(&c, &jwks));
    // The QR's URL opens the public page: valid and genuine.
    let qr = c["qr_url"].as_str().unwrap();
    assert!(qr.contains(&format!("/verify/{n}?s=")));
    let html = reqwest::get(qr).await.unwrap().text().await.unwrap();
    assert!(html.contains("data-status=\"valid\""));
    assert!(html.contains("data-seal=\"genuine\""));
    assert!(html.contains("Còn hiệu lực"));
    // A label whose QR was altered is shown as such.
    let forged = qr.replace("?s=", "?s=A");
    let html = reqwest::get(&forged).await.unwrap().text().await.unwrap();
    assert!(
        html.contains("data-seal=\"tampered\""),
        "tampered signature"
    );
    // Lookups are counted.
    let api = app.api_demo("tinh").await;
    let (_, list) = api.get("/api/v1/certificates?per_page=200").await;
    let lookups = list["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|x| x["number"] == n.as_str())
        .unwrap()["lookups"]
        .as_i64()
        .unwrap();
    assert!(lookups >= 3, "{lookups}");
}

#[tokio::test]
async fn every_status_shows_in_words_and_unknown_numbers_are_404() {
    let app = TestApp::with_demo().await;
    for (status, words) in [
        ("expiring", "Sắp hết hạn"),
        ("expired", "Đã hết hạn"),
        ("revoked", "Đã bị thu hồi"),
    ] {
        let n = first_number(&app, status).await;
        let (_, c) = json(&app.url(&format!("/api/v1/public/certificates/{n}"))).await;
        assert_eq!(c["status"], status);
        let r = reqwest::get(app.url(&format!("/verify/{n}")))
            .await
            .unwrap();
        assert_eq!(r.status(), 200);
        let html = r.text().await.unwrap();
        assert!(html.contains(words), "{status}");
        assert!(
            html.contains("data-seal=\"number\""),
            "looked up by number, no signature"
        );
        if status == "revoked" {
            assert!(c["revoked_reason"].as_str().is_some());
            assert!(html.contains("Lý do thu hồi"));
        }
    }
    for bad in [
        "OCOP-12-2099-99999",
        "%3Cscript%3Ealert(1)%3C%2Fscript%3E",
        "x",
    ] {
        let r = reqwest::get(app.url(&format!("/verify/{bad}")))
            .await
            .unwrap();
        assert_eq!(r.status(), 404, "{bad}");
        let html = r.text().await.unwrap();
        assert!(html.contains("Không có giấy chứng nhận OCOP nào mang số này"));
        assert!(!html.contains("<script>alert"), "nothing reflected raw");
        let (s, e) = json(&app.url(&format!("/api/v1/public/certificates/{bad}"))).await;
        assert_eq!(s, 404);
        assert_eq!(e["error"]["code"], "not_found");
    }
}

#[tokio::test]
async fn the_catalogue_finds_certified_products_with_or_without_diacritics() {
    let app = TestApp::with_demo().await;
    let (s, a) = json(&app.url("/api/v1/public/products?q=che%20shan")).await;
    assert_eq!(s, 200);
    let (_, b) = json(&app.url("/api/v1/public/products?q=Ch%C3%A8%20Shan")).await;
    assert_eq!(a["total"], b["total"]);
    assert!(a["total"].as_u64().unwrap() >= 1);
    let item = &a["items"][0];
    assert!(item["certificate_number"]
        .as_str()
        .unwrap()
        .starts_with("OCOP-12-"));
    assert!(!item["commune"].as_str().unwrap().is_empty());
    let (_, four) = json(&app.url("/api/v1/public/products?stars=4")).await;
    assert!(four["items"]
        .as_array()
        .unwrap()
        .iter()
        .all(|i| i["stars"] == 4));
    let (_, none) = json(&app.url("/api/v1/public/products?unit=99999")).await;
    assert_eq!(none["total"], 0);
    let (_, commune) = json(&app.url("/api/v1/public/products?unit=03390")).await;
    assert!(commune["items"]
        .as_array()
        .unwrap()
        .iter()
        .all(|i| i["commune"] == "Xã Bình Lư"));
    // Revoked and expired products are not in the catalogue.
    let (_, all) = json(&app.url("/api/v1/public/products?per_page=200")).await;
    assert!(!all.to_string().contains("Thịt lợn đen sấy"));
    let html = reqwest::get(app.url("/catalogue?q=mat%20ong"))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(html.contains("Mật ong"));
}

#[tokio::test]
async fn a_council_result_becomes_a_certificate_only_by_decision_and_is_revoked_by_the_province() {
    let app = TestApp::with_demo().await;
    let db = &app.db.conn;
    let council = ocop_store::councils::list_councils(db, None).await.unwrap()[0].id;
    let session = ocop_store::councils::sessions(db, council).await.unwrap()[0].id;
    let item = ocop_store::councils::items(db, session)
        .await
        .unwrap()
        .into_iter()
        .find(|i| i.status == "closed")
        .unwrap();
    let officer = app.web_as("tinh", "demo-ocop-2026").await;
    let ipage = format!("/items/{}", item.id);
    // No certificate straight from an item: only a decision issues one.
    let r = officer
        .post_form(
            &ipage,
            &format!("{ipage}/certificate"),
            &[("decision_ref", "1234/QĐ-UBND")],
        )
        .await;
    assert!(matches!(r.status().as_u16(), 404 | 405), "{}", r.status());
    let certs = ocop_store::certificates::list(
        db,
        &ocop_domain::roles::Scope::All,
        &ocop_store::certificates::CertFilter {
            product_id: Some(item.product_id),
            page: 1,
            per_page: 50,
            ..Default::default()
        },
        ocop_domain::format::today_vn(),
    )
    .await
    .unwrap()
    .0;
    assert_eq!(certs.len(), 1, "the session's decision issued exactly one");
    let cert = &certs[0];
    assert!(cert.decision_ref.contains("1520/QĐ-UBND"));
    assert_eq!(cert.issuing_body, "UBND tỉnh Lai Châu");
    let number = cert.number.clone();
    let product = ocop_store::registry::get_product(db, item.product_id)
        .await
        .unwrap();
    assert_eq!(product.status, "certified");
    // The certificate PDF carries the QR code's URL.
    let r = officer.get(&format!("/certificates/{number}.pdf")).await;
    assert_eq!(r.status(), 200);
    let pdf = r.bytes().await.unwrap();
    let path = std::env::temp_dir().join(format!("ocop-cert-{}.pdf", std::process::id()));
    std::fs::write(&path, &pdf).unwrap();
    if let Ok(o) = std::process::Command::new("pdftotext")
        .arg(&path)
        .arg("-")
        .output()
    {
        let t = String::from_utf8_lossy(&o.stdout);
        assert!(t.contains("GIẤY CHỨNG NHẬN") && t.contains(&number), "{t}");
        assert!(t.contains(&format!("/verify/{number}?s=")), "{t}");
    }
    let _ = std::fs::remove_file(&path);
    // No direct revocation: it goes through a conclusion and a case.
    let page = format!("/certificates/{number}");
    let r = officer
        .post_form(
            &page,
            &format!("{page}/revoke"),
            &[("ground", "mark_misuse"), ("decision_ref", "99/QĐ-UBND")],
        )
        .await;
    assert!(matches!(r.status().as_u16(), 404 | 405));
    let today = ocop_domain::format::date_vn(ocop_domain::format::today_vn());
    let r = officer
        .post_form(
            &page,
            &format!("{page}/cases"),
            &[
                ("ground", "mark_misuse"),
                ("conclusion_ref", "KL 5/KL-QLTT"),
                ("concluded_on", today.as_str()),
            ],
        )
        .await;
    assert_eq!(r.status(), 303);
    let case = ocop_store::certificates::open_case_of(db, cert.id)
        .await
        .unwrap()
        .unwrap();
    // The ministry may not decide a 3★/4★ revocation (Art. 8.2); nothing changes.
    app.user(
        "bo.trunguong",
        ocop_domain::roles::Role::CentralOfficer,
        None,
        None,
    )
    .await;
    let central = app.web_as("bo.trunguong", PW).await;
    let close = format!("/revocation-cases/{}/close", case.id);
    let r = central
        .post_form(
            &page,
            &close,
            &[
                ("action", "revoke"),
                ("decision_ref", "9/QĐ-BNNMT"),
                ("revoked_on", today.as_str()),
            ],
        )
        .await;
    assert_eq!(r.status(), 403);
    assert!(r.text().await.unwrap().contains("Điều 4.1, 8.2"));
    let (_, c) = json(&app.url(&format!("/api/v1/public/certificates/{number}"))).await;
    assert_ne!(c["status"], "revoked");
    // The province decides.
    let r = officer
        .post_form(
            &page,
            &close,
            &[
                ("action", "revoke"),
                ("decision_ref", "99/QĐ-UBND"),
                ("revoked_on", today.as_str()),
            ],
        )
        .await;
    assert_eq!(r.status(), 303);
    let (_, c) = json(&app.url(&format!("/api/v1/public/certificates/{number}"))).await;
    assert_eq!(c["status"], "revoked");
    assert!(c["revoked_reason"].as_str().unwrap().contains("OCOP mark"));
}

#[tokio::test]
async fn rotating_the_key_keeps_old_labels_verifiable() {
    let app = TestApp::with_demo().await;
    let n = first_number(&app, "valid").await;
    let old = ocop_store::certificates::by_number(&app.db.conn, &n)
        .await
        .unwrap()
        .unwrap();
    let new_kid = ocop_store::certificates::rotate_key(&app.db.conn)
        .await
        .unwrap();
    assert_ne!(new_kid, old.key_id);
    let (_, jwks) = json(&app.url("/.well-known/ocop-signing-key.json")).await;
    assert_eq!(jwks["keys"].as_array().unwrap().len(), 2);
    let (_, c) = json(&app.url(&format!("/api/v1/public/certificates/{n}"))).await;
    assert!(
        independent_check(&c, &jwks),
        "an old certificate still verifies"
    );
    let html = reqwest::get(c["qr_url"].as_str().unwrap())
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(html.contains("data-seal=\"genuine\""));
}

#[tokio::test]
async fn the_public_reports_suspicious_labels_to_the_officers() {
    let app = TestApp::with_demo().await;
    let web = Web::new(&app.base);
    let page = "/verify/OCOP-12-2099-00077";
    // The page sets the form's cookie token; without it the report is refused.
    let r = web
        .client
        .post(app.url(page))
        .form(&[("place", "Chợ Tam Đường"), ("message", "Nhãn OCOP lạ")])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 403);
    // The form is on its own uncached page (the verification page is cached publicly).
    let r = web
        .post_form(
            &format!("{page}/report"),
            page,
            &[
                ("place", "Chợ Tam Đường, quầy 5"),
                ("message", "Nhãn OCOP 4 sao nhưng không tra cứu được"),
                ("contact", ""),
            ],
        )
        .await;
    assert_eq!(r.status(), 303);
    let officer = app.web_as("tinh", "demo-ocop-2026").await;
    let (s, html) = officer.get_text("/label-reports").await;
    assert_eq!(s, 200);
    assert!(html.contains("Chợ Tam Đường, quầy 5"));
    let producer = app.web_as("chuthe", "demo-ocop-2026").await;
    let (s, _) = producer.get_text("/label-reports").await;
    assert_eq!(s, 403);
}

#[tokio::test]
async fn public_endpoints_are_rate_limited_per_client() {
    let app = TestApp::with_config(ocop_web::WebConfig {
        public_rate_limit: 3,
        ..Default::default()
    })
    .await;
    let mut codes = Vec::new();
    for _ in 0..5 {
        codes.push(
            reqwest::get(app.url("/api/v1/public/products"))
                .await
                .unwrap()
                .status()
                .as_u16(),
        );
    }
    assert_eq!(codes, vec![200, 200, 200, 429, 429]);
    // Pages behind a login are not limited.
    assert_eq!(reqwest::get(app.url("/login")).await.unwrap().status(), 200);
}

/// The id in a `/dossiers/{id}` redirect.
fn dossier_id(r: &reqwest::Response) -> i64 {
    r.headers()["location"]
        .to_str()
        .unwrap()
        .strip_prefix("/dossiers/")
        .unwrap()
        .parse()
        .unwrap()
}

#[tokio::test]
async fn an_expiring_certificate_starts_a_re_evaluation_that_reuses_its_documents() {
    use sea_orm::{ActiveModelTrait, IntoActiveModel, Set};
    let app = TestApp::with_demo().await;
    let db = &app.db.conn;
    let officer = app.web_as("tinh", "demo-ocop-2026").await;
    // An expiring certificate whose product has no open dossier.
    let api = app.api_demo("tinh").await;
    let (_, list) = api
        .get("/api/v1/certificates?status=expiring&per_page=50")
        .await;
    let mut chosen = None;
    for c in list["items"].as_array().unwrap() {
        let n = c["number"].as_str().unwrap();
        let (s, html) = officer.get_text(&format!("/certificates/{n}")).await;
        assert_eq!(s, 200);
        if html.contains("id=\"start-reeval\"") {
            chosen = Some(n.to_string());
            break;
        }
    }
    let number = chosen.expect("the demo has an expiring certificate open to re-evaluation");
    let cert = ocop_store::certificates::by_number(db, &number)
        .await
        .unwrap()
        .unwrap();
    // The dossier that earned it, recognised, with its documents.
    // (Inserted directly: the workflow refuses a first evaluation of a certified product.)
    let earlier = ocop_store::entities::dossier::ActiveModel {
        product_id: Set(cert.product_id),
        producer_id: Set(cert.producer_id),
        kind: Set("first_evaluation".into()),
        target_stars: Set(cert.stars),
        rulebook_id: Set("QD26-2026".into()),
        state: Set("draft".into()),
        registration_number: Set(String::new()),
        pauses: Set("[]".into()),
        unit_path: Set(cert.unit_path.clone()),
        current_unit_path: Set(cert.current_unit_path.clone()),
        created_at: Set(chrono::Utc::now()),
        updated_at: Set(chrono::Utc::now()),
        version: Set(1),
        ..Default::default()
    }
    .insert(db)
    .await
    .unwrap();
    attach_required_docs(&app, earlier.id).await;
    let mut am = earlier.clone().into_active_model();
    am.state = Set("recognised".into());
    am.update(db).await.unwrap();

    let page = format!("/certificates/{number}");
    let action = format!("{page}/follow-up");
    let r = officer
        .post_form(&page, &action, &[("kind", "re_evaluation")])
        .await;
    assert_eq!(r.status(), 303);
    let id = dossier_id(&r);
    let d = ocop_store::dossiers::get(db, id).await.unwrap();
    assert_eq!(d.kind, "re_evaluation");
    assert_eq!(d.state, "draft");
    assert_eq!(
        d.target_stars, cert.stars,
        "a re-evaluation keeps the stars"
    );
    assert_eq!(d.previous_certificate_id, Some(cert.id));
    let docs = ocop_store::documents::of_dossier(db, id).await.unwrap();
    assert_eq!(docs.len(), 5, "the earlier dossier's documents carry over");
    let (s, html) = officer.get_text(&format!("/dossiers/{id}")).await;
    assert_eq!(s, 200);
    assert!(html.contains("id=\"previous-cert\""), "{html}");
    assert!(html.contains(&number));
    let late = ocop_domain::format::today_vn() > cert.expires_on - chrono::Duration::days(120);
    assert_eq!(
        html.contains("id=\"late-badge\""),
        late,
        "late iff after the window"
    );

    // A second attempt while that dossier is open is refused, in words.
    let r = officer
        .post_form(&page, &action, &[("kind", "re_evaluation")])
        .await;
    assert_eq!(r.status(), 409);
    let html = r.text().await.unwrap();
    assert!(html.contains("hồ sơ chưa kết thúc"), "{html}");
    assert!(html.contains(&format!("href=\"/dossiers/{id}\"")));
}

#[tokio::test]
async fn revoked_expired_and_top_certificates_refuse_follow_ups_in_words() {
    let app = TestApp::with_demo().await;
    let officer = app.web_as("tinh", "demo-ocop-2026").await;
    let mut checked = 0;
    for (status, words) in [("revoked", "đã bị thu hồi"), ("expired", "đã hết hạn")] {
        let n = first_number(&app, status).await;
        let page = format!("/certificates/{n}");
        let (s, html) = officer.get_text(&page).await;
        assert_eq!(s, 200);
        // An open dossier, or (expired in 2026) a re-evaluation still allowed under
        // QĐ 26/2026 Art. 12.3: nothing to refuse here.
        if html.contains("id=\"fu-open\"")
            || (status == "expired" && html.contains("id=\"start-reeval\""))
        {
            continue;
        }
        assert!(!html.contains("id=\"start-reeval\""), "{status}");
        assert!(!html.contains("id=\"start-upgrade\""), "{status}");
        assert!(html.contains(words), "{status}: {html}");
        for (kind, stars) in [("re_evaluation", ""), ("upgrade", "5")] {
            let r = officer
                .post_form(
                    &page,
                    &format!("{page}/follow-up"),
                    &[("kind", kind), ("target_stars", stars)],
                )
                .await;
            assert_eq!(r.status(), 409, "{status} {kind}");
            let html = r.text().await.unwrap();
            assert!(html.contains("id=\"fu-error\""), "{status} {kind}");
            assert!(html.contains(words), "{status} {kind}");
        }
        checked += 1;
    }
    assert!(checked >= 1, "the revoked refusal was tried");
    // A valid certificate: an upgrade must aim higher than it holds.
    let n = first_number(&app, "valid").await;
    let cert = ocop_store::certificates::by_number(&app.db.conn, &n)
        .await
        .unwrap()
        .unwrap();
    let page = format!("/certificates/{n}");
    let same = cert.stars.to_string();
    let r = officer
        .post_form(
            &page,
            &format!("{page}/follow-up"),
            &[("kind", "upgrade"), ("target_stars", &same)],
        )
        .await;
    assert_eq!(r.status(), 409);
    assert!(r.text().await.unwrap().contains("id=\"fu-error\""));
    // A nonsense kind is a bad request.
    let r = officer
        .post_form(&page, &format!("{page}/follow-up"), &[("kind", "x")])
        .await;
    assert_eq!(r.status(), 400);
}

/// Valid certificates of at most 4 stars (the province may revoke them).
async fn valid_numbers(app: &TestApp) -> Vec<String> {
    let api = app.api_demo("tinh").await;
    let (_, list) = api
        .get("/api/v1/certificates?status=valid&per_page=50")
        .await;
    list["items"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|c| c["stars"].as_i64().unwrap() <= 4)
        .map(|c| c["number"].as_str().unwrap().to_string())
        .collect()
}

#[tokio::test]
async fn a_conclusion_opens_a_revocation_case_tracked_against_15_days() {
    let app = TestApp::with_demo().await;
    let db = &app.db.conn;
    let officer = app.web_as("tinh", "demo-ocop-2026").await;
    let numbers = valid_numbers(&app).await;
    assert!(numbers.len() >= 2, "two valid demo certificates");
    let (n, n2) = (&numbers[0], &numbers[1]);
    let page = format!("/certificates/{n}");
    let today = ocop_domain::format::today_vn();
    let day = |d: i64| ocop_domain::format::date_vn(today + chrono::Duration::days(d));
    let open = |ground: &'static str, r: &'static str, on: String| {
        let (officer, page) = (&officer, page.clone());
        async move {
            officer
                .post_form(
                    &page,
                    &format!("{page}/cases"),
                    &[
                        ("ground", ground),
                        ("conclusion_ref", r),
                        ("concluded_on", &on),
                    ],
                )
                .await
        }
    };
    // Bad input is refused in words and saves nothing.
    for (ground, r, on, words) in [
        (
            "law_violation",
            "KL 12/KL-TTr",
            day(3),
            "không thể ở tương lai",
        ),
        ("law_violation", "  ", day(-1), "Nhập số và cơ quan"),
        ("nonsense", "KL 12/KL-TTr", day(-1), "Điều 8.1"),
        (
            "law_violation",
            "KL 12/KL-TTr",
            "31/02/2026".into(),
            "Ngày không hợp lệ",
        ),
    ] {
        let r = open(ground, r, on).await;
        assert_eq!(r.status(), 422, "{words}");
        let html = r.text().await.unwrap();
        assert!(
            html.contains("id=\"case-error\"") && html.contains(words),
            "{words}"
        );
    }
    let cert = ocop_store::certificates::by_number(db, n)
        .await
        .unwrap()
        .unwrap();
    assert!(ocop_store::certificates::open_case_of(db, cert.id)
        .await
        .unwrap()
        .is_none());
    // A conclusion 20 days old: the case is overdue from the start.
    let r = open("law_violation", "KL 12/KL-TTr", day(-20)).await;
    assert_eq!(r.status(), 303);
    let (_, html) = officer.get_text(&page).await;
    assert!(html.contains("id=\"revocation-case\""), "{html}");
    assert!(html.contains(&day(-5)), "deadline = conclusion + 15 days");
    assert!(html.contains("Quá hạn"));
    assert!(
        !html.contains("id=\"open-case-form\""),
        "one open case at a time"
    );
    let r = open("law_violation", "KL 13", day(-1)).await;
    assert_eq!(r.status(), 422);
    assert!(r
        .text()
        .await
        .unwrap()
        .contains("đã có một đề nghị thu hồi"));
    let (_, list) = officer.get_text("/revocation-cases").await;
    assert!(
        list.contains(n.as_str()) && list.contains("id=\"cases-overdue\""),
        "{list}"
    );
    // The producer may not open cases.
    let producer = app.web_as("chuthe", "demo-ocop-2026").await;
    let case = ocop_store::certificates::open_case_of(db, cert.id)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(case.deadline_on, today - chrono::Duration::days(5));
    let close = format!("/revocation-cases/{}/close", case.id);
    let r = producer
        .post_form("/", &close, &[("action", "dismiss"), ("reason", "x")])
        .await;
    assert!(matches!(r.status().as_u16(), 403 | 404), "{}", r.status());
    // Deciding before the conclusion or without a number is refused.
    for (decision, on, words) in [
        ("", day(0), "Nhập số quyết định"),
        ("99/QĐ-UBND", day(-30), "trước ngày kết luận"),
    ] {
        let r = officer
            .post_form(
                &page,
                &close,
                &[
                    ("action", "revoke"),
                    ("decision_ref", decision),
                    ("revoked_on", &on),
                ],
            )
            .await;
        assert_eq!(r.status(), 422, "{words}");
        assert!(r.text().await.unwrap().contains(words), "{words}");
    }
    assert!(
        !ocop_store::certificates::by_number(db, n)
            .await
            .unwrap()
            .unwrap()
            .revoked
    );
    // Revoking today: on the case's ground, late, and the public sees it.
    let r = officer
        .post_form(
            &page,
            &close,
            &[
                ("action", "revoke"),
                ("decision_ref", "99/QĐ-UBND"),
                ("revoked_on", &day(0)),
            ],
        )
        .await;
    assert_eq!(r.status(), 303);
    let c = ocop_store::certificates::by_number(db, n)
        .await
        .unwrap()
        .unwrap();
    assert!(c.revoked);
    assert_eq!(c.revoked_ground.as_deref(), Some("law_violation"));
    assert!(c.revoked_note.unwrap().contains("KL 12/KL-TTr"));
    let (_, list) = officer.get_text("/revocation-cases").await;
    assert!(list.contains("Quyết định muộn"), "{list}");
    assert!(
        !list.contains("id=\"cases-overdue\""),
        "nothing open any more"
    );
    let (_, v) = json(&app.url(&format!("/api/v1/public/certificates/{n}"))).await;
    assert_eq!(v["status"], "revoked");
    // A case may also end without revocation, with a reason.
    let page2 = format!("/certificates/{n2}");
    let r = officer
        .post_form(
            &page2,
            &format!("{page2}/cases"),
            &[
                ("ground", "mark_misuse"),
                ("conclusion_ref", "CV 5/QLTT"),
                ("concluded_on", &day(0)),
            ],
        )
        .await;
    assert_eq!(r.status(), 303);
    let c2 = ocop_store::certificates::by_number(db, n2)
        .await
        .unwrap()
        .unwrap();
    let case2 = ocop_store::certificates::open_case_of(db, c2.id)
        .await
        .unwrap()
        .unwrap();
    let r = officer
        .post_form(
            &page2,
            &format!("/revocation-cases/{}/close", case2.id),
            &[("action", "dismiss"), ("reason", "Đã khắc phục nhãn")],
        )
        .await;
    assert_eq!(r.status(), 303);
    let c2 = ocop_store::certificates::by_number(db, n2)
        .await
        .unwrap()
        .unwrap();
    assert!(!c2.revoked);
    assert!(ocop_store::certificates::open_case_of(db, c2.id)
        .await
        .unwrap()
        .is_none());
    let (_, list) = officer.get_text("/revocation-cases").await;
    assert!(list.contains("Đã khắc phục nhãn"));
}

#[tokio::test]
async fn art_12_3_keeps_a_label_the_transition_kept_from_its_window_in_force_past_expiry() {
    use ocop_domain::dossier::{Event, Kind};
    // A certificate expiring 31/07/2026: its QĐ 26 window (180–120 days before
    // expiry) closed on 02/04/2026, before QĐ 26 came into force on 22/05/2026.
    let d = |y, m, dd| chrono::NaiveDate::from_ymd_opt(y, m, dd).unwrap();
    let expires = d(2026, 7, 31);
    let today = expires + chrono::Duration::days(30);
    let app = TestApp::with_config(ocop_web::WebConfig {
        today: Some(today),
        ..Default::default()
    })
    .await;
    ocop_store::demo::load(&app.db.conn).await.unwrap();
    let db = &app.db.conn;
    let actor = ocop_store::audit::Actor::system("test");
    let product = demo_product(&app, "Cam Tân Uyên").await;
    let cert = ocop_store::certificates::issue(
        db,
        &actor,
        &ocop_store::certificates::Issue {
            product_id: product.id,
            stars: 3,
            issued_on: d(2023, 7, 31),
            months: 36,
            issuing_body: "UBND tỉnh Lai Châu".into(),
            decision_ref: "1/QĐ-UBND".into(),
            dossier_id: None,
        },
    )
    .await
    .unwrap();
    assert_eq!(cert.expires_on, expires);
    let number = cert.number.clone();
    let (_, v) = json(&app.url(&format!("/api/v1/public/certificates/{number}"))).await;
    assert_eq!(v["status"], "expired", "no re-evaluation filed: expired");
    // The demo's draft for the product is withdrawn; the re-evaluation is filed on 01/07/2026.
    if let Some(open) = ocop_store::dossiers::open_for_product(db, product.id)
        .await
        .unwrap()
    {
        use sea_orm::{ActiveModelTrait, IntoActiveModel, Set};
        let mut am = open.into_active_model();
        am.state = Set("withdrawn".into());
        am.update(db).await.unwrap();
    }
    let filed = d(2026, 7, 1);
    let lib = ocop_domain::rulebook::Library::embedded();
    let dossier = ocop_store::dossiers::start_follow_up(
        db,
        &lib,
        &actor,
        cert.id,
        Kind::ReEvaluation,
        cert.stars,
        "QD26-2026",
        filed,
    )
    .await
    .unwrap();
    attach_required_docs(&app, dossier.id).await;
    ocop_store::dossiers::transition(
        db,
        &lib,
        &actor,
        ocop_domain::roles::Role::Producer,
        dossier.id,
        dossier.version,
        &Event::Submit,
        filed,
    )
    .await
    .unwrap();
    let limit = expires + chrono::Duration::days(180);
    let (_, v) = json(&app.url(&format!("/api/v1/public/certificates/{number}"))).await;
    assert_eq!(v["status"], "valid", "{v}");
    assert_eq!(v["extended_until"], limit.to_string());
    let (s, html) = {
        let r = reqwest::get(app.url(&format!("/verify/{number}")))
            .await
            .unwrap();
        (r.status(), r.text().await.unwrap())
    };
    assert_eq!(s, 200);
    assert!(html.contains("data-status=\"valid\""), "{html}");
    assert!(
        html.contains("id=\"verify-extended\"")
            && html.contains(&ocop_domain::format::date_vn(limit)),
        "{html}"
    );
    assert!(html.contains("Điều 12 khoản 3"));
}

#[tokio::test]
async fn a_re_evaluation_after_the_window_is_refused_outside_the_transition() {
    use ocop_domain::dossier::Kind;
    let app = TestApp::with_demo().await;
    let db = &app.db.conn;
    let lib = ocop_domain::rulebook::Library::embedded();
    let actor = ocop_store::audit::Actor::system("test");
    let product = demo_product(&app, "Cam Tân Uyên").await;
    let d = |y, m, dd| chrono::NaiveDate::from_ymd_opt(y, m, dd).unwrap();
    let cert = ocop_store::certificates::issue(
        db,
        &actor,
        &ocop_store::certificates::Issue {
            product_id: product.id,
            stars: 3,
            issued_on: d(2024, 6, 30),
            months: 36,
            issuing_body: "UBND tỉnh Lai Châu".into(),
            decision_ref: "2/QĐ-UBND".into(),
            dossier_id: None,
        },
    )
    .await
    .unwrap();
    if let Some(open) = ocop_store::dossiers::open_for_product(db, product.id)
        .await
        .unwrap()
    {
        use sea_orm::{ActiveModelTrait, IntoActiveModel, Set};
        let mut am = open.into_active_model();
        am.state = Set("withdrawn".into());
        am.update(db).await.unwrap();
    }
    // Expires 30/06/2027; filing 60 days before is past QĐ 26 Art. 7.6.a's 120 days.
    let r = ocop_store::dossiers::start_follow_up(
        db,
        &lib,
        &actor,
        cert.id,
        Kind::ReEvaluation,
        3,
        "QD26-2026",
        d(2027, 5, 1),
    )
    .await;
    assert!(
        matches!(&r, Err(ocop_store::StoreError::Invalid(c)) if c == "window_closed"),
        "{r:?}"
    );
    assert!(ocop_store::dossiers::open_for_product(db, product.id)
        .await
        .unwrap()
        .is_none());
}
