//! The JSON API under `/api/v1`: authentication, registry (producers, products),
//! scopes, administrative units, criteria sets and error shapes.
//!
//! Each test starts its own server on a fresh database (SQLite, or PostgreSQL when
//! `TEST_DATABASE_URL` is set) and creates only what it needs.

use crate::common::*;
use ocop_domain::roles::Role;
use ocop_domain::units::Period;
use serde_json::{json, Value};

// ---------------------------------------------------------------------------
// Helpers
// ---------------------------------------------------------------------------

/// A raw request: (status, content-type, body text).
async fn raw(
    app: &TestApp,
    method: reqwest::Method,
    path: &str,
    token: Option<&str>,
    body: Option<(&str, Vec<u8>)>,
) -> (u16, String, String) {
    let mut rb = reqwest::Client::new().request(method, app.url(path));
    if let Some(t) = token {
        rb = rb.header("Authorization", t);
    }
    if let Some((ct, bytes)) = body {
        rb = rb.header("Content-Type", ct).body(bytes);
    }
    let r = rb.send().await.expect("request sent");
    let status = r.status().as_u16();
    let ct = r
        .headers()
        .get("content-type")
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .to_string();
    (status, ct, r.text().await.unwrap_or_default())
}

/// Asserts the API error shape `{"error": {"code", "message"}}` and returns the code.
#[track_caller]
pub(crate) fn error_code(v: &Value) -> String {
    let e = &v["error"];
    assert!(e.is_object(), "expected an error object, got {v}");
    let code = e["code"]
        .as_str()
        .unwrap_or_else(|| panic!("error.code is a string: {v}"));
    let msg = e["message"]
        .as_str()
        .unwrap_or_else(|| panic!("error.message is a string: {v}"));
    assert!(
        !code.is_empty() && !msg.is_empty(),
        "error code and message are filled: {v}"
    );
    code.to_string()
}

/// Parses a raw body that must be a JSON error; returns its code.
#[track_caller]
fn raw_error_code(status: u16, ct: &str, body: &str) -> String {
    assert!(
        ct.starts_with("application/json"),
        "status {status}: expected a JSON error, got content-type {ct:?} and body {body:?}"
    );
    let v: Value = serde_json::from_str(body)
        .unwrap_or_else(|e| panic!("status {status}: body is not JSON ({e}): {body:?}"));
    error_code(&v)
}

/// A producer with every field filled, in the given commune.
pub(crate) fn producer(name: &str, tax: &str, commune: &str, period: &str) -> Value {
    json!({
        "name": name,
        "legal_form": "cooperative",
        "tax_code": tax,
        "commune_code": commune,
        "commune_period": period,
        "address_detail": "Tổ dân phố 3",
        "phone": "+84 912 345 678",
        "email": "HTX@Example.vn",
        "representative_name": "Lò Thị Mai",
        "representative_female": true,
        "representative_ethnic_minority": true,
        "representative_ethnicity": "Thái",
        "representative_disability": false,
        "members_count": 12,
        "workers_count": "35",
        "year_founded": 2016,
        "status": "active"
    })
}

/// A province officer of Lai Châu (post-2025), named `prov1`, with an API client.
pub(crate) async fn province_officer(app: &TestApp) -> Api {
    app.user(
        "prov1",
        Role::ProvinceOfficer,
        Some(("12", Period::Post2025)),
        None,
    )
    .await;
    app.api_as("prov1").await
}

/// Creates a producer and returns its id.
pub(crate) async fn create_producer(api: &Api, body: Value) -> i64 {
    let (s, v) = api.post("/api/v1/producers", body.clone()).await;
    assert_eq!(s, 201, "create producer {body}: {v}");
    v["id"].as_i64().expect("id")
}

/// Creates a product and returns its JSON.
pub(crate) async fn create_product(api: &Api, producer_id: i64, name: &str, extra: Value) -> Value {
    let mut body = json!({"name": name, "producer_id": producer_id, "set_code": "QD26-11"});
    if let (Some(b), Some(e)) = (body.as_object_mut(), extra.as_object()) {
        for (k, v) in e {
            b.insert(k.clone(), v.clone());
        }
    }
    let (s, v) = api.post("/api/v1/products", body.clone()).await;
    assert_eq!(s, 201, "create product {body}: {v}");
    v
}

async fn total(api: &Api, path: &str) -> u64 {
    let (s, v) = api.get(path).await;
    assert_eq!(s, 200, "GET {path}: {v}");
    v["total"]
        .as_u64()
        .unwrap_or_else(|| panic!("total in {v}"))
}

fn names(v: &Value) -> Vec<String> {
    v["items"]
        .as_array()
        .expect("items")
        .iter()
        .map(|i| i["name"].as_str().unwrap().to_string())
        .collect()
}

/// `12-03388-007-2026` → (province, commune, seq, year), checking the shape
/// `^\d{2}-\d{5}-\d{3}-\d{4}$`.
fn split_code(code: &str) -> (String, String, u32, i32) {
    let parts: Vec<&str> = code.split('-').collect();
    assert_eq!(parts.len(), 4, "product code {code}");
    for (p, n) in parts.iter().zip([2usize, 5, 3, 4]) {
        assert!(
            p.len() == n && p.bytes().all(|b| b.is_ascii_digit()),
            "product code {code}: part {p:?} must be {n} digits"
        );
    }
    (
        parts[0].into(),
        parts[1].into(),
        parts[2].parse().unwrap(),
        parts[3].parse().unwrap(),
    )
}

// ---------------------------------------------------------------------------
// Operational endpoints and the OpenAPI document
// ---------------------------------------------------------------------------

#[tokio::test]
async fn healthz_answers_ok() {
    let app = TestApp::new().await;
    let (s, _, body) = raw(&app, reqwest::Method::GET, "/healthz", None, None).await;
    assert_eq!(s, 200);
    assert_eq!(body, "ok");
}

#[tokio::test]
async fn openapi_document_is_v3_and_lists_every_api_route() {
    let app = TestApp::new().await;
    let (s, ct, body) = raw(&app, reqwest::Method::GET, "/api/openapi.json", None, None).await;
    assert_eq!(s, 200);
    assert!(ct.starts_with("application/json"), "{ct}");
    let doc: Value = serde_json::from_str(&body).unwrap();
    assert!(
        doc["openapi"].as_str().unwrap_or("").starts_with("3."),
        "openapi version: {}",
        doc["openapi"]
    );
    let paths = doc["paths"].as_object().expect("paths");
    // Every route of the /api/v1 router, with its methods.
    let expected: &[(&str, &[&str])] = &[
        ("/api/v1/auth/token", &["post"]),
        ("/api/v1/me", &["get"]),
        ("/api/v1/me/tokens", &["get"]),
        ("/api/v1/me/tokens/{id}", &["delete"]),
        ("/api/v1/units", &["get"]),
        ("/api/v1/units/mapping", &["get"]),
        ("/api/v1/inspection-checklists", &["get"]),
        ("/api/v1/inspection-plans", &["get", "post"]),
        ("/api/v1/inspections", &["get", "post"]),
        ("/api/v1/inspections/{id}", &["get"]),
        ("/api/v1/inspections/{id}/fields", &["put"]),
        ("/api/v1/inspections/{id}/samples", &["post"]),
        ("/api/v1/inspections/{id}/violations", &["post"]),
        ("/api/v1/inspections/{id}/recalls", &["post"]),
        ("/api/v1/inspections/{id}/conclude", &["post"]),
        ("/api/v1/inspections/{id}/cancel", &["post"]),
        ("/api/v1/inspections/{id}/revocation", &["post"]),
        ("/api/v1/inspections/{id}/answer", &["post"]),
        ("/api/v1/inspection-violations/{id}/follow-up", &["post"]),
        ("/api/v1/inspection-recalls/{id}/status", &["post"]),
        ("/api/v1/inspection-leads", &["get"]),
        ("/api/v1/inspection-leads/plan", &["post"]),
        ("/api/v1/units/{period}/{code}", &["get"]),
        ("/api/v1/producers", &["get", "post"]),
        ("/api/v1/producers/{id}", &["get", "put"]),
        ("/api/v1/producers/{id}/history", &["get"]),
        ("/api/v1/products", &["get", "post"]),
        ("/api/v1/products/{id}", &["get", "put"]),
        ("/api/v1/products/{id}/history", &["get"]),
        ("/api/v1/criteria/sets", &["get"]),
        ("/api/v1/criteria/sets/{code}", &["get"]),
        ("/api/v1/rulebooks", &["get"]),
        ("/api/v1/scoring/evaluate", &["post"]),
        ("/api/v1/certificates", &["get"]),
        ("/api/v1/certificates/{number}/follow-ups", &["post"]),
        ("/api/v1/certificates/{number}/revocation-cases", &["post"]),
        ("/api/v1/revocation-cases", &["get"]),
        ("/api/v1/revocation-cases/{id}/close", &["post"]),
        ("/api/v1/dossiers", &["get"]),
        ("/api/v1/dossiers/{id}", &["get"]),
        ("/api/v1/dossiers/{id}/transitions", &["post"]),
        ("/api/v1/dossiers/{id}/decision", &["post"]),
        ("/api/v1/dossiers/{id}/advisory-report", &["post"]),
        ("/api/v1/dossiers/{id}/result-notice", &["post"]),
        ("/api/v1/sessions/{id}/decision", &["post"]),
        ("/api/v1/products/{id}/dossiers", &["post"]),
        ("/api/v1/sessions/{id}/items", &["get", "post"]),
        ("/api/v1/public/certificates/{number}", &["get"]),
        ("/api/v1/public/products", &["get"]),
        // Trade promotion and revenue (issue 12).
        ("/api/v1/sales-channels", &["get", "post"]),
        ("/api/v1/sales-channels/export", &["get"]),
        ("/api/v1/sales-channels/modern-active", &["get"]),
        ("/api/v1/sales-channels/{id}", &["get", "put"]),
        ("/api/v1/sales-channels/{id}/end", &["post"]),
        ("/api/v1/producers/{id}/position", &["put"]),
        ("/api/v1/points-of-sale", &["get", "post"]),
        ("/api/v1/points-of-sale/export", &["get"]),
        ("/api/v1/points-of-sale/{id}", &["get", "put"]),
        ("/api/v1/public/points-of-sale", &["get"]),
        ("/api/v1/fairs", &["get", "post"]),
        ("/api/v1/fairs/export", &["get"]),
        ("/api/v1/fairs/{id}", &["get"]),
        ("/api/v1/organisation-milestones", &["get", "post"]),
        ("/api/v1/organisation-milestones/export", &["get"]),
        ("/api/v1/revenue", &["get", "post"]),
        ("/api/v1/revenue/growth", &["get"]),
        ("/api/v1/revenue/export", &["get"]),
        ("/api/v1/revenue/import", &["post"]),
        ("/api/v1/revenue/{id}", &["get"]),
        ("/api/v1/supports", &["get", "post"]),
        ("/api/v1/supports/export.xlsx", &["get"]),
        ("/api/v1/supports/{id}", &["get"]),
        ("/api/v1/supports/{id}/transition", &["post"]),
        ("/api/v1/budget-lines", &["get", "post"]),
        ("/api/v1/budget-lines/export.xlsx", &["get"]),
        ("/api/v1/support-policies", &["get", "post"]),
        ("/api/v1/training/courses", &["get", "post"]),
        ("/api/v1/training/courses/export.xlsx", &["get"]),
        ("/api/v1/training/courses/{id}", &["get"]),
        ("/api/v1/communications", &["get", "post"]),
        ("/api/v1/communications/export.xlsx", &["get"]),
        ("/api/v1/news", &["get", "post"]),
        ("/api/v1/news/{id}/publish", &["post"]),
        ("/api/v1/news/{id}/withdraw", &["post"]),
        ("/api/v1/public/news", &["get"]),
        ("/api/v1/public/news/{id}", &["get"]),
        ("/api/v1/indicators", &["get"]),
        ("/api/v1/plans", &["get", "post"]),
        ("/api/v1/plans/{id}", &["get"]),
        ("/api/v1/reports", &["get", "post"]),
        ("/api/v1/reports/completeness", &["get"]),
        ("/api/v1/reports/{id}", &["get"]),
        ("/api/v1/reports/{id}/{action}", &["post"]),
    ];
    for (p, methods) in expected {
        let item = paths.get(*p).unwrap_or_else(|| {
            panic!(
                "{p} missing from the OpenAPI paths {:?}",
                paths.keys().collect::<Vec<_>>()
            )
        });
        for m in *methods {
            assert!(item.get(*m).is_some(), "{p} lacks method {m}");
        }
    }
    let documented: std::collections::BTreeSet<&str> = paths.keys().map(String::as_str).collect();
    let routed: std::collections::BTreeSet<&str> = expected.iter().map(|(p, _)| *p).collect();
    assert_eq!(
        documented, routed,
        "documented paths and routed paths differ"
    );
    // Bearer authentication is declared, and the error schema is there.
    assert!(
        doc["components"]["securitySchemes"]["bearer"].is_object(),
        "bearer scheme"
    );
    assert!(
        doc["components"]["schemas"]["ErrorBody"].is_object(),
        "ErrorBody schema"
    );
}

// ---------------------------------------------------------------------------
// Authentication
// ---------------------------------------------------------------------------

#[tokio::test]
async fn token_with_the_right_password_works_for_me() {
    let app = TestApp::new().await;
    app.user(
        "prov1",
        Role::ProvinceOfficer,
        Some(("12", Period::Post2025)),
        None,
    )
    .await;
    let r = reqwest::Client::new()
        .post(app.url("/api/v1/auth/token"))
        .json(&json!({"username": "prov1", "password": PW}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    let v: Value = r.json().await.unwrap();
    let token = v["token"].as_str().expect("token");
    assert!(token.len() >= 32, "token looks random: {token}");
    assert!(v["expires_at"].as_str().is_some(), "{v}");
    let api = Api {
        token: token.to_string(),
        base: app.base.clone(),
        client: reqwest::Client::new(),
    };
    let (s, me) = api.get("/api/v1/me").await;
    assert_eq!(s, 200, "{me}");
    assert_eq!(me["username"], "prov1");
    assert_eq!(me["role"], "province_officer");
    assert_eq!(me["unit_code"], "12");
    assert_eq!(me["unit_period"], "post2025");
}

async fn post_token(app: &TestApp, username: &str, password: &str) -> (u16, Value) {
    let r = reqwest::Client::new()
        .post(app.url("/api/v1/auth/token"))
        .json(&json!({"username": username, "password": password}))
        .send()
        .await
        .unwrap();
    let s = r.status().as_u16();
    (s, r.json().await.unwrap_or(Value::Null))
}

#[tokio::test]
async fn token_wrong_password_and_unknown_user_get_the_same_401() {
    let app = TestApp::new().await;
    app.user("prov1", Role::Viewer, None, None).await;
    let (s1, v1) = post_token(&app, "prov1", "wrong-password").await;
    assert_eq!(s1, 401, "{v1}");
    assert_eq!(error_code(&v1), "invalid_credentials");
    let (s2, v2) = post_token(&app, "nobody-here", PW).await;
    assert_eq!(s2, 401, "{v2}");
    assert_eq!(error_code(&v2), "invalid_credentials");
    assert_eq!(
        v1, v2,
        "unknown user and wrong password must be indistinguishable"
    );
    assert!(v1.get("token").is_none());
}

#[tokio::test]
async fn token_for_a_disabled_user_is_refused_and_old_tokens_stop_working() {
    let app = TestApp::new().await;
    let id = app.user("gone", Role::Viewer, None, None).await;
    let api = app.api_as("gone").await;
    assert_eq!(api.get("/api/v1/me").await.0, 200);
    let u = ocop_store::users::get(&app.db.conn, id).await.unwrap();
    ocop_store::users::update(
        &app.db.conn,
        &ocop_store::audit::Actor::system("test"),
        id,
        u.version,
        ocop_store::users::UserUpdate {
            display_name: u.display_name.clone(),
            role: Role::Viewer,
            unit: None,
            producer_id: None,
            disabled: true,
            new_password: None,
        },
    )
    .await
    .unwrap();
    let (s, v) = post_token(&app, "gone", PW).await;
    assert_eq!(s, 401, "{v}");
    assert_eq!(error_code(&v), "account_disabled");
    let (s, v) = api.get("/api/v1/me").await;
    assert_eq!(
        s, 401,
        "a token issued before disabling must stop working: {v}"
    );
    assert_eq!(error_code(&v), "unauthorized");
}

#[tokio::test]
async fn five_wrong_passwords_lock_the_account() {
    let app = TestApp::new().await;
    app.user("prov1", Role::Viewer, None, None).await;
    for i in 1..=4 {
        let (s, v) = post_token(&app, "prov1", "wrong-password").await;
        assert_eq!(s, 401, "attempt {i}: {v}");
        assert_eq!(error_code(&v), "invalid_credentials", "attempt {i}");
    }
    let (s, v) = post_token(&app, "prov1", "wrong-password").await;
    assert_eq!(s, 401, "{v}");
    // The lock answers like a wrong password: it must not reveal existing names.
    assert_eq!(
        error_code(&v),
        "invalid_credentials",
        "the fifth failure locks"
    );
    let (s, v) = post_token(&app, "prov1", PW).await;
    assert_eq!(
        s, 401,
        "even the right password is refused while locked: {v}"
    );
    assert_eq!(error_code(&v), "invalid_credentials");
    assert!(v.get("token").is_none());
}

/// Failed attempts sent in parallel must all count: the lock is a brute-force brake.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn parallel_wrong_passwords_still_lock_the_account() {
    let app = TestApp::new().await;
    app.user("prov1", Role::Viewer, None, None).await;
    let mut tasks = Vec::new();
    for _ in 0..10 {
        let url = app.url("/api/v1/auth/token");
        tasks.push(tokio::spawn(async move {
            reqwest::Client::new()
                .post(url)
                .json(&json!({"username": "prov1", "password": "wrong-password"}))
                .send()
                .await
                .unwrap()
                .status()
                .as_u16()
        }));
    }
    for t in tasks {
        assert_eq!(t.await.unwrap(), 401);
    }
    // Ten failures happened: the account must be locked now.
    let (s, v) = post_token(&app, "prov1", PW).await;
    assert_eq!(
        s, 401,
        "after 10 failed attempts the right password must be refused, got {v}"
    );
    assert_eq!(error_code(&v), "invalid_credentials");
}

#[tokio::test]
async fn malformed_json_bodies_are_400_json_errors() {
    let app = TestApp::new().await;
    app.user(
        "prov1",
        Role::ProvinceOfficer,
        Some(("12", Period::Post2025)),
        None,
    )
    .await;
    let post = reqwest::Method::POST;
    let (s, ct, body) = raw(
        &app,
        post.clone(),
        "/api/v1/auth/token",
        None,
        Some(("application/json", b"{\"username\": \"p1\", ".to_vec())),
    )
    .await;
    assert_eq!(s, 400, "{body}");
    assert_eq!(raw_error_code(s, &ct, &body), "malformed_json");
    let (s, ct, body) = raw(
        &app,
        post.clone(),
        "/api/v1/auth/token",
        None,
        Some(("application/json", b"".to_vec())),
    )
    .await;
    assert_eq!(s, 400, "{body}");
    raw_error_code(s, &ct, &body);
    let (s, ct, body) = raw(
        &app,
        post.clone(),
        "/api/v1/auth/token",
        None,
        Some((
            "application/json",
            br#"{"username": 5, "password": []}"#.to_vec(),
        )),
    )
    .await;
    assert_eq!(s, 400, "{body}");
    assert_eq!(raw_error_code(s, &ct, &body), "invalid_body");
    // Same on an authenticated write.
    let token = format!("Bearer {}", app.token("prov1", PW).await);
    let (s, ct, body) = raw(
        &app,
        post,
        "/api/v1/producers",
        Some(&token),
        Some(("application/json", b"{not json}".to_vec())),
    )
    .await;
    assert_eq!(s, 400, "{body}");
    assert_eq!(raw_error_code(s, &ct, &body), "malformed_json");
}

#[tokio::test]
async fn missing_or_invalid_bearer_is_401_json() {
    let app = TestApp::new().await;
    app.user(
        "prov1",
        Role::ProvinceOfficer,
        Some(("12", Period::Post2025)),
        None,
    )
    .await;
    let get = reqwest::Method::GET;
    for auth in [
        None,
        Some("Bearer not-a-token"),
        Some("Bearer "),
        Some("Basic cDE6cGFzc3dvcmQtMTIz"),
        Some("ocop_abc"),
    ] {
        let (s, ct, body) = raw(&app, get.clone(), "/api/v1/producers", auth, None).await;
        assert_eq!(s, 401, "auth {auth:?}: {body}");
        assert_eq!(
            raw_error_code(s, &ct, &body),
            "unauthorized",
            "auth {auth:?}"
        );
    }
    // A write without a token creates nothing.
    let (s, ct, body) = raw(
        &app,
        reqwest::Method::POST,
        "/api/v1/producers",
        None,
        Some((
            "application/json",
            serde_json::to_vec(&producer("HTX Không Vé", "6200000001", "03388", "post2025"))
                .unwrap(),
        )),
    )
    .await;
    assert_eq!(s, 401);
    raw_error_code(s, &ct, &body);
    let api = app.api_as("prov1").await;
    assert_eq!(total(&api, "/api/v1/producers").await, 0);
}

// ---------------------------------------------------------------------------
// Producers
// ---------------------------------------------------------------------------

#[tokio::test]
async fn producer_create_get_and_paginated_list() {
    let app = TestApp::new().await;
    let api = province_officer(&app).await;
    let (s, v) = api
        .post(
            "/api/v1/producers",
            producer("  HTX  Chè Tam Đường ", "6200 123 456", "03388", "post2025"),
        )
        .await;
    assert_eq!(s, 201, "{v}");
    let id = v["id"].as_i64().unwrap();
    assert_eq!(v["name"], "HTX Chè Tam Đường", "name is cleaned");
    assert_eq!(v["legal_form"], "cooperative");
    assert_eq!(v["tax_code"], "6200123456", "tax code is normalised");
    assert_eq!(v["commune_code"], "03388");
    assert_eq!(v["commune_period"], "post2025");
    assert_eq!(v["commune_name"], "Phường Đoàn Kết");
    assert_eq!(v["province_code"], "12");
    assert_eq!(v["address_detail"], "Tổ dân phố 3");
    assert_eq!(v["phone"], "0912345678", "phone is normalised");
    assert_eq!(v["email"], "htx@example.vn", "email is lower-cased");
    assert_eq!(v["representative_name"], "Lò Thị Mai");
    assert_eq!(v["representative_female"], true);
    assert_eq!(v["representative_ethnic_minority"], true);
    assert_eq!(v["representative_ethnicity"], "Thái");
    assert_eq!(v["representative_disability"], false);
    assert_eq!(v["members_count"], 12);
    assert_eq!(v["workers_count"], 35, "a numeric string is accepted");
    assert_eq!(v["year_founded"], 2016);
    assert_eq!(v["status"], "active");
    assert_eq!(v["version"], 1);
    assert!(v["created_at"].as_str().is_some() && v["updated_at"].as_str().is_some());

    let (s, got) = api.get(&format!("/api/v1/producers/{id}")).await;
    assert_eq!(s, 200, "{got}");
    assert_eq!(got, v, "GET answers what POST answered");

    create_producer(&api, producer("HTX Hai", "6200000002", "03388", "post2025")).await;
    create_producer(&api, producer("HTX Ba", "6200000003", "03390", "post2025")).await;
    let (s, l) = api.get("/api/v1/producers?page=1&per_page=2").await;
    assert_eq!(s, 200, "{l}");
    assert_eq!(l["total"], 3);
    assert_eq!(l["items"].as_array().unwrap().len(), 2);
    let (_, l2) = api.get("/api/v1/producers?page=2&per_page=2").await;
    assert_eq!(l2["total"], 3);
    assert_eq!(l2["items"].as_array().unwrap().len(), 1);
    let mut all: Vec<String> = names(&l);
    all.extend(names(&l2));
    all.sort();
    assert_eq!(
        all,
        vec!["HTX Ba", "HTX Chè Tam Đường", "HTX Hai"],
        "pages cover every producer once"
    );

    // A producer that does not exist.
    let (s, v) = api.get("/api/v1/producers/987654").await;
    assert_eq!(s, 404, "{v}");
    assert_eq!(error_code(&v), "not_found");
}

#[tokio::test]
async fn producer_list_filters() {
    let app = TestApp::new().await;
    let api = province_officer(&app).await;
    create_producer(
        &api,
        producer("Hợp tác xã Chè Đông", "6200000001", "03388", "post2025"),
    )
    .await;
    let mut household = producer("Hộ kinh doanh Mật ong", "12A8000123", "03390", "post2025");
    household["legal_form"] = json!("household_business");
    create_producer(&api, household).await;
    let mut suspended = producer("HTX Dừng", "6200000003", "03390", "post2025");
    suspended["status"] = json!("suspended");
    create_producer(&api, suspended).await;

    let (_, v) = api.get("/api/v1/producers?q=che%20dong").await;
    assert_eq!(
        names(&v),
        vec!["Hợp tác xã Chè Đông"],
        "q without diacritics: {v}"
    );
    assert_eq!(v["total"], 1);
    let (_, v) = api
        .get("/api/v1/producers?q=Ch%C3%A8%20%C4%90%C3%B4ng")
        .await;
    assert_eq!(
        names(&v),
        vec!["Hợp tác xã Chè Đông"],
        "q with diacritics: {v}"
    );
    let (_, v) = api.get("/api/v1/producers?q=6200000001").await;
    assert_eq!(
        names(&v),
        vec!["Hợp tác xã Chè Đông"],
        "q matches a tax code: {v}"
    );
    let (_, v) = api.get("/api/v1/producers?q=khong%20co").await;
    assert_eq!(v["total"], 0);

    let (_, v) = api
        .get("/api/v1/producers?legal_form=household_business")
        .await;
    assert_eq!(names(&v), vec!["Hộ kinh doanh Mật ong"]);
    let (_, v) = api.get("/api/v1/producers?legal_form=cooperative").await;
    assert_eq!(v["total"], 2);

    let (_, v) = api.get("/api/v1/producers?unit=03388").await;
    assert_eq!(names(&v), vec!["Hợp tác xã Chè Đông"], "unit=03388: {v}");
    let (_, v) = api.get("/api/v1/producers?unit=03390").await;
    assert_eq!(v["total"], 2, "unit=03390: {v}");
    let (_, v) = api.get("/api/v1/producers?status=suspended").await;
    assert_eq!(names(&v), vec!["HTX Dừng"]);
    let (s, v) = api.get("/api/v1/producers?unit=99999").await;
    assert_eq!(s, 422, "{v}");
    assert_eq!(error_code(&v), "unknown_unit");
}

/// `%` and `_` typed in a search box are characters, not SQL wildcards.
#[tokio::test]
async fn producer_search_treats_percent_and_underscore_literally() {
    let app = TestApp::new().await;
    let api = province_officer(&app).await;
    create_producer(
        &api,
        producer("HTX Chè Đông", "6200000001", "03388", "post2025"),
    )
    .await;
    create_producer(
        &api,
        producer("HTX Mật ong", "6200000002", "03388", "post2025"),
    )
    .await;
    for q in ["%25", "_", "%25%25", "H_X"] {
        let (s, v) = api.get(&format!("/api/v1/producers?q={q}")).await;
        assert_eq!(s, 200, "{v}");
        assert_eq!(
            v["total"],
            0,
            "q={q} matches no name, yet got {:?}",
            names(&v)
        );
    }
}

#[tokio::test]
async fn producer_sort_by_name_follows_the_vietnamese_alphabet() {
    let app = TestApp::new().await;
    let api = province_officer(&app).await;
    // Created out of order; in plain code-point order "Đ" would come after "E".
    create_producer(&api, producer("Em Xinh", "6200000001", "03388", "post2025")).await;
    create_producer(
        &api,
        producer("Đồng Tâm", "6200000002", "03388", "post2025"),
    )
    .await;
    create_producer(
        &api,
        producer("Dũng Tiến", "6200000003", "03388", "post2025"),
    )
    .await;
    let (s, v) = api.get("/api/v1/producers?sort=name").await;
    assert_eq!(s, 200);
    assert_eq!(
        names(&v),
        vec!["Dũng Tiến", "Đồng Tâm", "Em Xinh"],
        "D < Đ < E"
    );
    let (_, v) = api.get("/api/v1/producers?sort=-name").await;
    assert_eq!(names(&v), vec!["Em Xinh", "Đồng Tâm", "Dũng Tiến"]);
    let (_, v) = api.get("/api/v1/producers?sort=created").await;
    assert_eq!(names(&v), vec!["Em Xinh", "Đồng Tâm", "Dũng Tiến"]);
    let (_, v) = api.get("/api/v1/producers?sort=-created").await;
    assert_eq!(names(&v), vec!["Dũng Tiến", "Đồng Tâm", "Em Xinh"]);
}

#[tokio::test]
async fn producer_update_checks_the_version() {
    let app = TestApp::new().await;
    let api = province_officer(&app).await;
    let id = create_producer(&api, producer("HTX Cũ", "6200000001", "03388", "post2025")).await;
    let path = format!("/api/v1/producers/{id}");

    let mut body = producer("HTX Mới", "6200000001", "03388", "post2025");
    body["version"] = json!(1);
    let (s, v) = api.put(&path, body.clone()).await;
    assert_eq!(s, 200, "{v}");
    assert_eq!(v["version"], 2);
    assert_eq!(v["name"], "HTX Mới");

    // The same (now stale) version again.
    let mut stale = producer("HTX Ghi Đè", "6200000009", "03390", "post2025");
    stale["version"] = json!(1);
    let (s, v) = api.put(&path, stale).await;
    assert_eq!(s, 409, "{v}");
    assert_eq!(error_code(&v), "version_conflict");
    let (_, now) = api.get(&path).await;
    assert_eq!(now["version"], 2, "nothing changed: {now}");
    assert_eq!(now["name"], "HTX Mới");
    assert_eq!(now["tax_code"], "6200000001");
    assert_eq!(now["commune_code"], "03388");

    // No version at all.
    let (s, v) = api
        .put(
            &path,
            producer("HTX Không Phiên Bản", "6200000001", "03388", "post2025"),
        )
        .await;
    assert_eq!(s, 422, "{v}");
    assert_eq!(error_code(&v), "version_required");
    let (_, now) = api.get(&path).await;
    assert_eq!(now["version"], 2);
    assert_eq!(now["name"], "HTX Mới");

    // A version from the future is a conflict too.
    let mut future = producer("HTX Tương Lai", "6200000001", "03388", "post2025");
    future["version"] = json!(7);
    let (s, v) = api.put(&path, future).await;
    assert_eq!(s, 409, "{v}");
    assert_eq!(api.get(&path).await.1["name"], "HTX Mới");
}

#[tokio::test]
async fn producer_missing_required_fields_are_422_and_nothing_is_saved() {
    let app = TestApp::new().await;
    let api = province_officer(&app).await;
    let mut body = producer("x", "6200000001", "03388", "post2025");
    let o = body.as_object_mut().unwrap();
    o.remove("name");
    o.insert("representative_name".into(), json!("   "));
    let (s, v) = api.post("/api/v1/producers", body).await;
    assert_eq!(s, 422, "{v}");
    assert_eq!(error_code(&v), "validation_failed");
    let fields = v["error"]["fields"].as_object().expect("fields");
    assert_eq!(fields["name"]["code"], "required", "{v}");
    assert_eq!(fields["representative_name"]["code"], "required", "{v}");
    assert!(fields["name"]["message"].as_str().is_some());
    assert_eq!(total(&api, "/api/v1/producers").await, 0);

    // An empty object reports every required field at once.
    let (s, v) = api.post("/api/v1/producers", json!({})).await;
    assert_eq!(s, 422, "{v}");
    for f in ["name", "legal_form", "commune_code", "representative_name"] {
        assert!(v["error"]["fields"].get(f).is_some(), "{f} missing in {v}");
    }
    assert_eq!(total(&api, "/api/v1/producers").await, 0);
}

#[tokio::test]
async fn producer_malformed_tax_code_is_422() {
    let app = TestApp::new().await;
    let api = province_officer(&app).await;
    for bad in ["123", "62001234567", "<script>", "62-00123456"] {
        let (s, v) = api
            .post(
                "/api/v1/producers",
                producer("HTX Thuế Sai", bad, "03388", "post2025"),
            )
            .await;
        assert_eq!(s, 422, "{bad}: {v}");
        assert_eq!(
            v["error"]["fields"]["tax_code"]["code"], "bad_tax_code",
            "{bad}: {v}"
        );
    }
    assert_eq!(total(&api, "/api/v1/producers").await, 0);
}

#[tokio::test]
async fn producer_duplicate_tax_code_is_409() {
    let app = TestApp::new().await;
    let api = province_officer(&app).await;
    create_producer(&api, producer("HTX Một", "6200123456", "03388", "post2025")).await;
    // Same number, written differently.
    let (s, v) = api
        .post(
            "/api/v1/producers",
            producer("HTX Hai", "6200 123.456", "03390", "post2025"),
        )
        .await;
    assert_eq!(s, 409, "{v}");
    assert_eq!(error_code(&v), "duplicate");
    assert!(v["error"]["fields"]["tax_code"].is_object(), "{v}");
    assert_eq!(total(&api, "/api/v1/producers").await, 1);

    // Taking another producer's number on update is refused too.
    let id = create_producer(&api, producer("HTX Ba", "6200000003", "03390", "post2025")).await;
    let mut body = producer("HTX Ba", "6200123456", "03390", "post2025");
    body["version"] = json!(1);
    let (s, v) = api.put(&format!("/api/v1/producers/{id}"), body).await;
    assert_eq!(s, 409, "{v}");
    assert_eq!(error_code(&v), "duplicate");
    let (_, now) = api.get(&format!("/api/v1/producers/{id}")).await;
    assert_eq!(now["tax_code"], "6200000003");
    assert_eq!(now["version"], 1);
}

#[tokio::test]
async fn producer_commune_of_the_wrong_period_or_level_is_422() {
    let app = TestApp::new().await;
    let api = province_officer(&app).await;
    // 03391 (Xã Lả Nhì Thàng) exists only before the reform.
    let (s, v) = api
        .post(
            "/api/v1/producers",
            producer("HTX Sai Giai Đoạn", "6200000001", "03391", "post2025"),
        )
        .await;
    assert_eq!(s, 422, "{v}");
    assert_eq!(
        v["error"]["fields"]["commune_code"]["code"], "unknown_commune",
        "{v}"
    );
    // 105 is a district (Thành phố Lai Châu), not a commune.
    let (s, v) = api
        .post(
            "/api/v1/producers",
            producer("HTX Cấp Huyện", "6200000002", "105", "pre2025"),
        )
        .await;
    assert_eq!(s, 422, "{v}");
    assert_eq!(
        v["error"]["fields"]["commune_code"]["code"], "not_a_commune",
        "{v}"
    );
    // The province itself is not a commune either.
    let (s, v) = api
        .post(
            "/api/v1/producers",
            producer("HTX Cấp Tỉnh", "6200000003", "12", "post2025"),
        )
        .await;
    assert_eq!(s, 422, "{v}");
    assert_eq!(
        v["error"]["fields"]["commune_code"]["code"], "not_a_commune",
        "{v}"
    );
    // An unknown period.
    let (s, v) = api
        .post(
            "/api/v1/producers",
            producer("HTX Giai Đoạn Lạ", "6200000004", "03388", "1999"),
        )
        .await;
    assert_eq!(s, 422, "{v}");
    assert!(v["error"]["fields"]["commune_period"].is_object(), "{v}");
    assert_eq!(total(&api, "/api/v1/producers").await, 0);
    // The same code in its own period is fine.
    let (s, v) = api
        .post(
            "/api/v1/producers",
            producer("HTX Lả Nhì Thàng", "6200000005", "03391", "pre2025"),
        )
        .await;
    assert_eq!(s, 201, "{v}");
    assert_eq!(v["commune_name"], "Xã Lả Nhì Thàng");
    assert_eq!(total(&api, "/api/v1/producers").await, 1);
}

#[tokio::test]
async fn producer_oversized_body_is_413_json_and_long_name_is_422() {
    let app = TestApp::new().await;
    let api = province_officer(&app).await;
    let mut body = producer("x", "6200000001", "03388", "post2025");
    body["name"] = json!("a".repeat(10 * 1024 * 1024));
    let bytes = serde_json::to_vec(&body).unwrap();
    let token = format!("Bearer {}", api.token);
    let (s, ct, text) = raw(
        &app,
        reqwest::Method::POST,
        "/api/v1/producers",
        Some(&token),
        Some(("application/json", bytes)),
    )
    .await;
    assert_eq!(s, 413, "{}", &text[..text.len().min(300)]);
    assert_eq!(raw_error_code(s, &ct, &text), "payload_too_large");

    // Under the body limit but over the field limit: refused, not truncated.
    let mut body = producer("x", "6200000001", "03388", "post2025");
    body["name"] = json!("Đ".repeat(256));
    let (s, v) = api.post("/api/v1/producers", body).await;
    assert_eq!(s, 422, "{v}");
    assert!(v["error"]["fields"]["name"].is_object(), "{v}");
    assert_eq!(total(&api, "/api/v1/producers").await, 0);
    // Exactly at the limit (255 characters, multi-byte) is fine.
    let mut body = producer("x", "6200000001", "03388", "post2025");
    body["name"] = json!("Đ".repeat(255));
    let (s, v) = api.post("/api/v1/producers", body).await;
    assert_eq!(s, 201, "{v}");
    assert_eq!(v["name"].as_str().unwrap().chars().count(), 255);
}

#[tokio::test]
async fn producer_html_in_text_fields_is_stored_verbatim() {
    let app = TestApp::new().await;
    let api = province_officer(&app).await;
    let mut body = producer(
        "<script>alert(1)</script>",
        "6200000001",
        "03388",
        "post2025",
    );
    body["address_detail"] = json!("<img src=x onerror=\"alert('a&b')\">");
    body["representative_name"] = json!("Lò <b>Mai</b> & \"Cô\" 'Tư'");
    let (s, v) = api.post("/api/v1/producers", body).await;
    assert_eq!(s, 201, "{v}");
    let id = v["id"].as_i64().unwrap();
    let (_, v) = api.get(&format!("/api/v1/producers/{id}")).await;
    assert_eq!(v["name"], "<script>alert(1)</script>");
    assert_eq!(v["address_detail"], "<img src=x onerror=\"alert('a&b')\">");
    assert_eq!(v["representative_name"], "Lò <b>Mai</b> & \"Cô\" 'Tư'");
    let (_, l) = api.get("/api/v1/producers?q=script").await;
    assert_eq!(names(&l), vec!["<script>alert(1)</script>"]);
}

#[tokio::test]
async fn producer_history_lists_create_and_update_newest_first() {
    let app = TestApp::new().await;
    let api = province_officer(&app).await;
    let id = create_producer(
        &api,
        producer("HTX Trước", "6200000001", "03388", "post2025"),
    )
    .await;
    let mut body = producer("HTX Sau", "6200000001", "03388", "post2025");
    body["version"] = json!(1);
    assert_eq!(
        api.put(&format!("/api/v1/producers/{id}"), body).await.0,
        200
    );
    let (s, h) = api.get(&format!("/api/v1/producers/{id}/history")).await;
    assert_eq!(s, 200, "{h}");
    let h = h.as_array().expect("array");
    assert_eq!(h.len(), 2, "{h:?}");
    assert_eq!(h[0]["action"], "update");
    assert_eq!(h[0]["actor"], "prov1");
    assert_eq!(h[0]["before"]["name"], "HTX Trước");
    assert_eq!(h[0]["after"]["name"], "HTX Sau");
    assert_eq!(h[0]["before"]["version"], 1);
    assert_eq!(h[0]["after"]["version"], 2);
    assert_eq!(h[1]["action"], "create");
    assert!(h[1]["before"].is_null(), "{}", h[1]);
    assert_eq!(h[1]["after"]["name"], "HTX Trước");
    assert!(h[0]["at"].as_str().unwrap() >= h[1]["at"].as_str().unwrap());
    let (s, v) = api.get("/api/v1/producers/987654/history").await;
    assert_eq!(s, 404, "{v}");
}

// ---------------------------------------------------------------------------
// Products
// ---------------------------------------------------------------------------

#[tokio::test]
async fn product_codes_follow_qd26_and_count_per_commune() {
    let app = TestApp::new().await;
    let api = province_officer(&app).await;
    let a = create_producer(&api, producer("HTX Một", "6200000001", "03388", "post2025")).await;
    let b = create_producer(&api, producer("HTX Hai", "6200000002", "03388", "post2025")).await;
    let year = chrono::Datelike::year(&ocop_domain::format::today_vn());

    let p1 = create_product(&api, a, "Chè Shan tuyết", json!({})).await;
    assert_eq!(p1["producer_id"], a);
    assert_eq!(p1["set_code"], "QD26-11");
    assert_eq!(p1["status"], "idea", "default status");
    assert!(p1["stars"].is_null());
    assert_eq!(p1["version"], 1);
    let (prov, commune, seq1, y) = split_code(p1["product_code"].as_str().unwrap());
    assert_eq!((prov.as_str(), commune.as_str(), y), ("12", "03388", year));
    // A second product in the same commune, of another producer, takes the next number.
    let p2 = create_product(&api, b, "Trà xanh", json!({})).await;
    let (_, commune2, seq2, _) = split_code(p2["product_code"].as_str().unwrap());
    assert_eq!(commune2, "03388");
    assert_eq!(
        seq2,
        seq1 + 1,
        "{} then {}",
        p1["product_code"],
        p2["product_code"]
    );
    // Another commune has its own sequence.
    let c = create_producer(&api, producer("HTX Ba", "6200000003", "03390", "post2025")).await;
    let p3 = create_product(&api, c, "Miến dong", json!({"set_code": "QD26-06"})).await;
    let (_, commune3, seq3, _) = split_code(p3["product_code"].as_str().unwrap());
    assert_eq!((commune3.as_str(), seq3), ("03390", 1));

    let id = p1["id"].as_i64().unwrap();
    let (s, got) = api.get(&format!("/api/v1/products/{id}")).await;
    assert_eq!(s, 200);
    assert_eq!(got, p1);
    // A product found by its code.
    let (_, l) = api
        .get(&format!(
            "/api/v1/products?q={}",
            p2["product_code"].as_str().unwrap()
        ))
        .await;
    assert_eq!(names(&l), vec!["Trà xanh"]);
}

#[tokio::test]
async fn product_validation_rules() {
    let app = TestApp::new().await;
    let api = province_officer(&app).await;
    let a = create_producer(&api, producer("HTX Một", "6200000001", "03388", "post2025")).await;

    let (s, v) = api
        .post(
            "/api/v1/products",
            json!({"name": "Chè", "producer_id": a, "set_code": "QD26-99"}),
        )
        .await;
    assert_eq!(s, 422, "{v}");
    assert_eq!(
        v["error"]["fields"]["set_code"]["code"], "unknown_set",
        "{v}"
    );

    let (s, v) = api.post("/api/v1/products", json!({"name": "Chè", "producer_id": a, "set_code": "QD26-11", "status": "idea", "stars": 4})).await;
    assert_eq!(s, 422, "{v}");
    assert_eq!(
        v["error"]["fields"]["stars"]["code"], "stars_not_allowed",
        "{v}"
    );

    let (s, v) = api.post("/api/v1/products", json!({"name": "Chè", "producer_id": a, "set_code": "QD26-11", "status": "certified", "stars": 6})).await;
    assert_eq!(s, 422, "{v}");
    assert_eq!(v["error"]["fields"]["stars"]["code"], "bad_stars", "{v}");

    let (s, v) = api
        .post(
            "/api/v1/products",
            json!({"name": "", "producer_id": 987654, "set_code": ""}),
        )
        .await;
    assert_eq!(s, 422, "{v}");
    for f in ["name", "producer_id", "set_code"] {
        assert!(v["error"]["fields"].get(f).is_some(), "{f} in {v}");
    }
    assert_eq!(
        v["error"]["fields"]["producer_id"]["code"],
        "unknown_producer"
    );
    assert_eq!(total(&api, "/api/v1/products").await, 0, "nothing saved");

    let p = create_product(&api, a, "Chè", json!({"status": "certified", "stars": "4"})).await;
    assert_eq!(p["status"], "certified");
    assert_eq!(p["stars"], 4);
    assert_eq!(total(&api, "/api/v1/products").await, 1);
}

#[tokio::test]
async fn product_list_filters_and_update() {
    let app = TestApp::new().await;
    let api = province_officer(&app).await;
    let a = create_producer(&api, producer("HTX Một", "6200000001", "03388", "post2025")).await;
    create_product(
        &api,
        a,
        "Chè bốn sao",
        json!({"status": "certified", "stars": 4}),
    )
    .await;
    create_product(
        &api,
        a,
        "Chè ba sao",
        json!({"status": "certified", "stars": 3}),
    )
    .await;
    create_product(&api, a, "Miến ý tưởng", json!({"set_code": "QD26-06"})).await;

    let (_, v) = api.get("/api/v1/products?set=QD26-06").await;
    assert_eq!(names(&v), vec!["Miến ý tưởng"]);
    let (_, v) = api.get("/api/v1/products?set=QD26-11").await;
    assert_eq!(v["total"], 2);
    let (_, v) = api.get("/api/v1/products?stars=4").await;
    assert_eq!(names(&v), vec!["Chè bốn sao"]);
    let (_, v) = api.get("/api/v1/products?status=certified").await;
    assert_eq!(v["total"], 2);
    let (_, v) = api.get("/api/v1/products?status=idea").await;
    assert_eq!(names(&v), vec!["Miến ý tưởng"]);
    let (_, v) = api
        .get(&format!(
            "/api/v1/products?producer_id={a}&status=certified&stars=3"
        ))
        .await;
    assert_eq!(names(&v), vec!["Chè ba sao"]);
    let (_, v) = api.get("/api/v1/products?q=mien%20y%20tuong").await;
    assert_eq!(names(&v), vec!["Miến ý tưởng"]);

    // Update with version, then a stale version.
    let id = v["items"][0]["id"].as_i64().unwrap();
    let code = v["items"][0]["product_code"].clone();
    let path = format!("/api/v1/products/{id}");
    let (s, u) = api.put(&path, json!({"name": "Miến dong", "producer_id": a, "set_code": "QD26-06", "status": "in_development", "version": 1})).await;
    assert_eq!(s, 200, "{u}");
    assert_eq!(u["version"], 2);
    assert_eq!(
        u["product_code"], code,
        "the code does not change on update"
    );
    let (s, u) = api
        .put(
            &path,
            json!({"name": "Ghi đè", "producer_id": a, "set_code": "QD26-06", "version": 1}),
        )
        .await;
    assert_eq!(s, 409, "{u}");
    assert_eq!(error_code(&u), "version_conflict");
    let (s, u) = api
        .put(
            &path,
            json!({"name": "Ghi đè", "producer_id": a, "set_code": "QD26-06"}),
        )
        .await;
    assert_eq!(s, 422, "{u}");
    assert_eq!(api.get(&path).await.1["name"], "Miến dong");
    let (_, h) = api.get(&format!("{path}/history")).await;
    assert_eq!(h.as_array().map(Vec::len), Some(2), "{h}");
    assert_eq!(h[0]["action"], "update");
}

// ---------------------------------------------------------------------------
// Scopes
// ---------------------------------------------------------------------------

#[tokio::test]
async fn commune_officer_sees_only_its_commune() {
    let app = TestApp::new().await;
    let prov = province_officer(&app).await;
    let in_388 = create_producer(
        &prov,
        producer("HTX Đoàn Kết", "6200000001", "03388", "post2025"),
    )
    .await;
    let in_390 = create_producer(
        &prov,
        producer("HTX Bình Lư", "6200000002", "03390", "post2025"),
    )
    .await;
    let prod_388 = create_product(&prov, in_388, "Chè Đoàn Kết", json!({})).await["id"]
        .as_i64()
        .unwrap();
    create_product(&prov, in_390, "Miến Bình Lư", json!({})).await;

    app.user(
        "xa390",
        Role::CommuneOfficer,
        Some(("03390", Period::Post2025)),
        None,
    )
    .await;
    let xa = app.api_as("xa390").await;
    let (s, v) = xa.get(&format!("/api/v1/producers/{in_388}")).await;
    assert_eq!(s, 403, "{v}");
    assert_eq!(error_code(&v), "forbidden");
    let (s, v) = xa.get(&format!("/api/v1/producers/{in_388}/history")).await;
    assert_eq!(s, 403, "{v}");
    let (s, v) = xa.get(&format!("/api/v1/products/{prod_388}")).await;
    assert_eq!(s, 403, "{v}");
    assert_eq!(xa.get(&format!("/api/v1/producers/{in_390}")).await.0, 200);
    let (_, l) = xa.get("/api/v1/producers").await;
    assert_eq!(names(&l), vec!["HTX Bình Lư"]);
    assert_eq!(l["total"], 1);
    let (_, l) = xa.get("/api/v1/producers?unit=03388").await;
    assert_eq!(l["total"], 0, "a unit filter does not widen the scope");
    let (_, l) = xa.get("/api/v1/products").await;
    assert_eq!(names(&l), vec!["Miến Bình Lư"]);

    // Writes outside the commune are refused and change nothing.
    let mut body = producer("HTX Đoàn Kết Sửa", "6200000001", "03388", "post2025");
    body["version"] = json!(1);
    let (s, v) = xa.put(&format!("/api/v1/producers/{in_388}"), body).await;
    assert_eq!(s, 403, "{v}");
    let (s, v) = xa
        .post(
            "/api/v1/producers",
            producer("HTX Lấn Sân", "6200000003", "03388", "post2025"),
        )
        .await;
    assert_eq!(s, 422, "{v}");
    assert_eq!(
        v["error"]["fields"]["commune_code"]["code"], "out_of_scope",
        "{v}"
    );
    let (s, v) = xa
        .post(
            "/api/v1/products",
            json!({"name": "Lấn sân", "producer_id": in_388, "set_code": "QD26-11"}),
        )
        .await;
    assert_eq!(s, 422, "{v}");
    assert_eq!(
        v["error"]["fields"]["producer_id"]["code"], "unknown_producer",
        "{v}"
    );
    // Moving an own producer out of the commune is refused too.
    let mut body = producer("HTX Bình Lư", "6200000002", "03388", "post2025");
    body["version"] = json!(1);
    let (s, v) = xa.put(&format!("/api/v1/producers/{in_390}"), body).await;
    assert_eq!(s, 422, "{v}");

    // The province officer sees both, unchanged.
    assert_eq!(total(&prov, "/api/v1/producers").await, 2);
    assert_eq!(total(&prov, "/api/v1/products").await, 2);
    let (_, p) = prov.get(&format!("/api/v1/producers/{in_388}")).await;
    assert_eq!(
        (p["name"].as_str(), p["version"].as_i64()),
        (Some("HTX Đoàn Kết"), Some(1))
    );
    let (_, p) = prov.get(&format!("/api/v1/producers/{in_390}")).await;
    assert_eq!(
        (p["commune_code"].as_str(), p["version"].as_i64()),
        (Some("03390"), Some(1))
    );
}

#[tokio::test]
async fn producer_account_sees_and_writes_only_its_own_records() {
    let app = TestApp::new().await;
    let prov = province_officer(&app).await;
    let own = create_producer(
        &prov,
        producer("HTX Của Tôi", "6200000001", "03388", "post2025"),
    )
    .await;
    let other = create_producer(
        &prov,
        producer("HTX Người Khác", "6200000002", "03388", "post2025"),
    )
    .await;
    create_product(&prov, own, "Chè của tôi", json!({})).await;
    let other_product = create_product(&prov, other, "Chè người khác", json!({})).await["id"]
        .as_i64()
        .unwrap();

    app.user("chuthe", Role::Producer, None, Some(own)).await;
    let me = app.api_as("chuthe").await;
    let (_, l) = me.get("/api/v1/producers").await;
    assert_eq!(l["total"], 1);
    assert_eq!(names(&l), vec!["HTX Của Tôi"]);
    let (_, l) = me.get("/api/v1/products").await;
    assert_eq!(l["total"], 1);
    assert_eq!(names(&l), vec!["Chè của tôi"]);
    assert_eq!(me.get(&format!("/api/v1/producers/{own}")).await.0, 200);
    let (s, v) = me.get(&format!("/api/v1/producers/{other}")).await;
    assert_eq!(s, 403, "{v}");
    assert_eq!(error_code(&v), "forbidden");
    let (s, v) = me.get(&format!("/api/v1/products/{other_product}")).await;
    assert_eq!(s, 403, "{v}");
    let (_, l) = me
        .get(&format!("/api/v1/products?producer_id={other}"))
        .await;
    assert_eq!(l["total"], 0);

    // A product for another producer is refused on its producer_id field; without a
    // producer_id it goes under the caller's own producer.
    let (s, v) = me
        .post(
            "/api/v1/products",
            json!({"name": "Chè mới", "producer_id": other, "set_code": "QD26-11"}),
        )
        .await;
    assert_eq!(s, 422, "{v}");
    assert!(v["error"]["fields"]["producer_id"].is_object(), "{v}");
    let (s, v) = me
        .post(
            "/api/v1/products",
            json!({"name": "Chè mới", "set_code": "QD26-11"}),
        )
        .await;
    assert_eq!(s, 201, "{v}");
    assert_eq!(
        v["producer_id"], own,
        "a product is never created for another producer: {v}"
    );
    assert_eq!(total(&me, "/api/v1/products").await, 2);
    assert_eq!(
        total(&prov, &format!("/api/v1/products?producer_id={other}")).await,
        1,
        "nothing created for the other producer"
    );
    // A producer may not certify its own product.
    let (s, v) = me.post("/api/v1/products", json!({"name": "Chè năm sao", "producer_id": own, "set_code": "QD26-11", "status": "certified", "stars": 5})).await;
    assert_eq!(s, 422, "{v}");
    assert_eq!(
        v["error"]["fields"]["status"]["code"], "status_not_allowed",
        "{v}"
    );

    // No producer creation, no writes to the other producer.
    let (s, v) = me
        .post(
            "/api/v1/producers",
            producer("HTX Mới", "6200000003", "03388", "post2025"),
        )
        .await;
    assert_eq!(s, 403, "{v}");
    assert_eq!(error_code(&v), "forbidden");
    let mut body = producer("HTX Bị Sửa", "6200000002", "03388", "post2025");
    body["version"] = json!(1);
    let (s, _) = me.put(&format!("/api/v1/producers/{other}"), body).await;
    assert_eq!(s, 403);
    let (s, _) = me
        .put(
            &format!("/api/v1/products/{other_product}"),
            json!({"name": "Bị sửa", "producer_id": other, "set_code": "QD26-11", "version": 1}),
        )
        .await;
    assert_eq!(s, 403);
    assert_eq!(total(&prov, "/api/v1/producers").await, 2);
    let (_, p) = prov.get(&format!("/api/v1/producers/{other}")).await;
    assert_eq!(p["name"], "HTX Người Khác");
    let (_, p) = prov.get(&format!("/api/v1/products/{other_product}")).await;
    assert_eq!(p["name"], "Chè người khác");
}

#[tokio::test]
async fn pre2025_records_are_visible_to_the_successor_commune() {
    let app = TestApp::new().await;
    let prov = province_officer(&app).await;
    // 03386: the old Quyết Thắng ward, merged into 03388 Đoàn Kết on 1 July 2025.
    let (s, v) = prov
        .post(
            "/api/v1/producers",
            producer("HTX Quyết Thắng", "6200000001", "03386", "pre2025"),
        )
        .await;
    assert_eq!(s, 201, "{v}");
    let id = v["id"].as_i64().unwrap();
    assert_eq!(v["commune_period"], "pre2025");
    assert_eq!(v["commune_name"], "Phường Quyết Thắng");
    // Its products are numbered in the current commune.
    let p = create_product(&prov, id, "Chè Quyết Thắng", json!({})).await;
    let (_, commune, _, _) = split_code(p["product_code"].as_str().unwrap());
    assert_eq!(commune, "03388");

    app.user(
        "xa388",
        Role::CommuneOfficer,
        Some(("03388", Period::Post2025)),
        None,
    )
    .await;
    let xa = app.api_as("xa388").await;
    let (s, v) = xa.get(&format!("/api/v1/producers/{id}")).await;
    assert_eq!(s, 200, "{v}");
    let (_, l) = xa.get("/api/v1/producers").await;
    assert_eq!(names(&l), vec!["HTX Quyết Thắng"]);
    assert_eq!(total(&xa, "/api/v1/products").await, 1);
    assert_eq!(total(&xa, "/api/v1/producers?unit=03388").await, 1);
    assert_eq!(
        total(&prov, "/api/v1/producers?unit=105").await,
        1,
        "the old district finds it too"
    );

    app.user(
        "xa390",
        Role::CommuneOfficer,
        Some(("03390", Period::Post2025)),
        None,
    )
    .await;
    let other = app.api_as("xa390").await;
    assert_eq!(other.get(&format!("/api/v1/producers/{id}")).await.0, 403);
    assert_eq!(total(&other, "/api/v1/producers").await, 0);
}

// ---------------------------------------------------------------------------
// Administrative units
// ---------------------------------------------------------------------------

#[tokio::test]
async fn units_list_by_period_or_date() {
    let app = TestApp::new().await;
    let api = province_officer(&app).await;
    let (s, v) = api.get("/api/v1/units?parent=12&period=post2025").await;
    assert_eq!(s, 200, "{v}");
    let units = v.as_array().expect("array");
    assert_eq!(units.len(), 38);
    assert!(units
        .iter()
        .all(|u| u["period"] == "post2025" && u["parent_code"] == "12"));
    assert!(units
        .iter()
        .any(|u| u["code"] == "03388" && u["name"] == "Phường Đoàn Kết"));
    assert!(
        units.iter().all(|u| u["valid_from"] == "2025-07-01"),
        "{}",
        units[0]
    );

    let (s, v) = api.get("/api/v1/units?date=2025-06-30&parent=12").await;
    assert_eq!(s, 200, "{v}");
    let units = v.as_array().unwrap();
    assert_eq!(units.len(), 8, "{v}");
    assert!(
        units
            .iter()
            .all(|u| u["level"] == "district" && u["period"] == "pre2025"),
        "{v}"
    );
    assert!(units.iter().any(|u| u["code"] == "105"));
    let (_, v) = api.get("/api/v1/units?date=01/07/2025&parent=12").await;
    assert_eq!(
        v.as_array().map(Vec::len),
        Some(38),
        "the reform's first day"
    );
    let (_, v) = api.get("/api/v1/units?parent=12").await;
    assert_eq!(v.as_array().map(Vec::len), Some(38), "post2025 by default");
    let (_, v) = api.get("/api/v1/units?q=doan%20ket&period=post2025").await;
    assert!(
        v.as_array().unwrap().iter().any(|u| u["code"] == "03388"),
        "{v}"
    );
}

#[tokio::test]
async fn units_show_with_successor_and_predecessors_and_mapping() {
    let app = TestApp::new().await;
    let api = province_officer(&app).await;
    let (s, v) = api.get("/api/v1/units/pre2025/03391").await;
    assert_eq!(s, 200, "{v}");
    assert_eq!(v["code"], "03391");
    assert_eq!(v["period"], "pre2025");
    assert_eq!(v["name"], "Xã Lả Nhì Thàng");
    assert_eq!(v["aliases"], json!(["Xã Lản Nhì Thàng"]));
    assert_eq!(v["successor"]["code"], "03388");
    assert_eq!(v["successor"]["period"], "post2025");
    assert_eq!(v["valid_to"], "2025-06-30");

    let (s, v) = api.get("/api/v1/units/post2025/03388").await;
    assert_eq!(s, 200, "{v}");
    assert!(v["successor"].is_null());
    let mut preds: Vec<&str> = v["predecessors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|u| u["code"].as_str().unwrap())
        .collect();
    preds.sort();
    assert_eq!(preds, vec!["03386", "03388", "03389", "03391", "03403"]);
    assert!(v["predecessors"]
        .as_array()
        .unwrap()
        .iter()
        .all(|u| u["period"] == "pre2025"));

    let (s, v) = api.get("/api/v1/units/mapping").await;
    assert_eq!(s, 200);
    let rows = v.as_array().unwrap();
    assert_eq!(rows.len(), 106);
    assert!(
        rows.iter()
            .any(|m| m["old_code"] == "03391" && m["new_code"] == "03388"),
        "mapping row 03391 → 03388"
    );
}

#[tokio::test]
async fn units_bad_input_is_a_json_error() {
    let app = TestApp::new().await;
    let api = province_officer(&app).await;
    let (s, v) = api.get("/api/v1/units/medieval/03388").await;
    assert_eq!(s, 400, "{v}");
    assert_eq!(error_code(&v), "bad_request");
    let (s, v) = api.get("/api/v1/units?period=medieval&parent=12").await;
    assert_eq!(s, 400, "{v}");
    error_code(&v);
    let (s, v) = api.get("/api/v1/units?date=yesterday&parent=12").await;
    assert_eq!(s, 400, "{v}");
    error_code(&v);
    let (s, v) = api.get("/api/v1/units/post2025/99999").await;
    assert_eq!(s, 404, "{v}");
    assert_eq!(error_code(&v), "not_found");
    let (s, ct, body) = raw(
        &app,
        reqwest::Method::GET,
        "/api/v1/units/mapping",
        None,
        None,
    )
    .await;
    assert_eq!(s, 401);
    raw_error_code(s, &ct, &body);
}

// ---------------------------------------------------------------------------
// Criteria sets
// ---------------------------------------------------------------------------

#[tokio::test]
async fn criteria_sets_per_rulebook() {
    let app = TestApp::new().await;
    let api = province_officer(&app).await;
    let (s, v) = api.get("/api/v1/criteria/sets").await;
    assert_eq!(s, 200, "{v}");
    let codes: Vec<&str> = v
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["code"].as_str().unwrap())
        .collect();
    let expected: Vec<String> = (1..=26).map(|i| format!("QD26-{i:02}")).collect();
    assert_eq!(codes, expected);
    assert_eq!(v[0]["name"], "Rau, củ, quả, hạt tươi");
    assert!(v
        .as_array()
        .unwrap()
        .iter()
        .all(|s| s["sector"].as_str().is_some_and(|x| !x.is_empty())));
    let (_, v2) = api.get("/api/v1/criteria/sets?rulebook=QD26-2026").await;
    assert_eq!(v2, v);

    let (s, v) = api.get("/api/v1/criteria/sets?rulebook=QD148-2023").await;
    assert_eq!(s, 200, "{v}");
    let codes: Vec<&str> = v
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["code"].as_str().unwrap())
        .collect();
    assert_eq!(codes.len(), 26);
    assert!(codes.iter().all(|c| c.starts_with("QD148-")), "{codes:?}");

    let (s, v) = api.get("/api/v1/criteria/sets?rulebook=QD999").await;
    assert_eq!(s, 422, "{v}");
    assert_eq!(error_code(&v), "unknown_rulebook");
}

// ---------------------------------------------------------------------------
// Routing errors
// ---------------------------------------------------------------------------

#[tokio::test]
async fn unknown_api_path_is_404_json() {
    let app = TestApp::new().await;
    let api = province_officer(&app).await;
    let (s, v) = api.get("/api/v1/whatever").await;
    assert_eq!(s, 404, "{v}");
    assert_eq!(error_code(&v), "not_found");
    let (s, ct, body) = raw(
        &app,
        reqwest::Method::GET,
        "/api/v1/whatever/deeper?x=1",
        None,
        None,
    )
    .await;
    assert_eq!(s, 404);
    assert_eq!(raw_error_code(s, &ct, &body), "not_found");
    let (s, v) = api.get("/api/v1/products/987654").await;
    assert_eq!(s, 404, "{v}");
    assert_eq!(error_code(&v), "not_found");
}

/// Malformed path and query parameters get the API's JSON error, like every other
/// API error, not a plain-text rejection.
#[tokio::test]
async fn malformed_path_and_query_parameters_are_json_errors() {
    let app = TestApp::new().await;
    let api = province_officer(&app).await;
    let token = format!("Bearer {}", api.token);
    for path in [
        "/api/v1/producers/abc",
        "/api/v1/products/abc/history",
        "/api/v1/producers?page=abc",
        "/api/v1/products?stars=five",
        "/api/v1/producers?per_page=-1",
    ] {
        let (s, ct, body) = raw(&app, reqwest::Method::GET, path, Some(&token), None).await;
        assert!((400..500).contains(&s), "{path}: {s} {body}");
        raw_error_code(s, &ct, &body);
    }
}
