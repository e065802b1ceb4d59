//! Issue 10 (security): response headers, who may read `/metrics`, bidirectional
//! controls in names, login throttling and lockout, the password rule, and API
//! tokens (name, expiry, last use, list and revoke). See docs/security.md.

use crate::common::*;
use ocop_domain::roles::Role;
use ocop_domain::units::Period;
use serde_json::{json, Value};

// ---------------------------------------------------------------------------
// 1. Response headers
// ---------------------------------------------------------------------------

#[track_caller]
fn assert_security_headers(r: &reqwest::Response, what: &str, hsts: bool) {
    let h = r.headers();
    let get = |n: &str| {
        h.get(n)
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default()
            .to_string()
    };
    let csp = get("content-security-policy");
    for d in [
        "default-src 'self'",
        "frame-ancestors 'none'",
        "base-uri 'self'",
        "form-action 'self'",
        "object-src 'none'",
    ] {
        assert!(csp.contains(d), "{what}: CSP lacks {d:?}: {csp:?}");
    }
    assert!(
        !csp.contains("unsafe-inline") && !csp.contains("unsafe-eval"),
        "{what}: {csp}"
    );
    assert_eq!(get("x-content-type-options"), "nosniff", "{what}");
    assert_eq!(get("referrer-policy"), "same-origin", "{what}");
    assert_eq!(get("x-frame-options"), "DENY", "{what}");
    assert_eq!(
        h.contains_key("strict-transport-security"),
        hsts,
        "{what}: HSTS only behind HTTPS (secure_cookies)"
    );
}

#[tokio::test]
async fn security_headers_on_pages_api_assets_and_verify() {
    let app = TestApp::new().await;
    let c = reqwest::Client::new();
    for path in [
        "/login",
        "/api/v1/me",
        "/api/v1/units?period=post2025",
        "/static/app.js",
        "/verify/OCOP-12-2099-00077",
        "/no-such-page",
    ] {
        let r = c.get(app.url(path)).send().await.unwrap();
        assert_security_headers(&r, path, false);
    }
    let r = c
        .post(app.url("/api/v1/auth/token"))
        .json(&json!({"username": "x", "password": "y"}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 401);
    assert_security_headers(&r, "POST /api/v1/auth/token", false);
}

#[tokio::test]
async fn security_hsts_only_when_served_over_https() {
    let app = TestApp::with_config(ocop_web::WebConfig {
        secure_cookies: true,
        ..Default::default()
    })
    .await;
    let r = reqwest::get(app.url("/login")).await.unwrap();
    assert_security_headers(&r, "/login behind HTTPS", true);
    let hsts = r.headers()["strict-transport-security"].to_str().unwrap();
    assert!(hsts.starts_with("max-age=31536000"), "{hsts}");
    let r = reqwest::get(app.url("/api/v1/me")).await.unwrap();
    assert_security_headers(&r, "API behind HTTPS", true);
}

/// The publicly cached verification page sets no cookie and carries no token; the
/// report form (which needs both) is on its own uncached page.
#[tokio::test]
async fn security_verify_page_is_cacheable_and_sets_no_cookie() {
    let app = TestApp::with_demo().await;
    let number = {
        use sea_orm::EntityTrait;
        ocop_store::entities::certificate::Entity::find()
            .one(&app.db.conn)
            .await
            .unwrap()
            .map(|c| c.number)
    };
    let mut paths = vec!["/verify/OCOP-12-2099-00077".to_string()];
    if let Some(n) = number {
        paths.push(format!("/verify/{n}"));
    }
    for p in &paths {
        let r = reqwest::get(app.url(p)).await.unwrap();
        assert!(r.headers().get("set-cookie").is_none(), "{p} sets a cookie");
        let cc = r.headers()["cache-control"].to_str().unwrap().to_string();
        assert!(cc.starts_with("public"), "{p}: {cc}");
        assert_security_headers(&r, p, false);
        let html = r.text().await.unwrap();
        assert_eq!(extract_csrf(&html), "", "{p} carries no CSRF token");
        assert!(html.contains("/report\""), "{p} links to the report form");
    }
    let r = reqwest::get(app.url("/verify/OCOP-12-2099-00077/report"))
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    assert_eq!(r.headers()["cache-control"], "private, no-store");
    let cookie = r.headers()["set-cookie"].to_str().unwrap().to_string();
    assert!(cookie.starts_with("ocop_csrf="), "{cookie}");
    let html = r.text().await.unwrap();
    assert!(html.contains("id=\"report-form\""));
    assert!(!extract_csrf(&html).is_empty());
}

/// No template needs inline script or style: the CSP forbids them.
#[test]
fn security_templates_have_no_inline_script_or_style() {
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/templates");
    let mut checked = 0;
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        let text = std::fs::read_to_string(&path).unwrap();
        let lower = text.to_lowercase();
        let name = path.display();
        checked += 1;
        assert!(!lower.contains("javascript:"), "{name}: javascript: URL");
        assert!(!lower.contains("<style"), "{name}: <style> element");
        assert!(!lower.contains(" style="), "{name}: style attribute");
        let mut rest = lower.as_str();
        while let Some(i) = rest.find("<script") {
            let tag_end = rest[i..].find('>').unwrap() + i;
            assert!(
                rest[i..tag_end].contains(" src="),
                "{name}: inline <script>"
            );
            rest = &rest[tag_end..];
        }
        // Event handler attributes: ` onclick=`, ` onload=`, …
        let bytes = lower.as_bytes();
        for (i, _) in lower.match_indices(" on") {
            let word: String = lower[i + 3..]
                .chars()
                .take_while(|c| c.is_ascii_alphabetic())
                .collect();
            let after = i + 3 + word.len();
            assert!(
                word.is_empty() || bytes.get(after) != Some(&b'='),
                "{name}: inline handler on{word}="
            );
        }
    }
    assert!(checked > 20, "templates found: {checked}");
}

// ---------------------------------------------------------------------------
// 2. /metrics
// ---------------------------------------------------------------------------

async fn metrics(app: &TestApp, forwarded: bool, token: Option<&str>) -> u16 {
    let mut rq = reqwest::Client::new().get(app.url("/metrics"));
    if forwarded {
        rq = rq.header("x-forwarded-for", "203.0.113.7");
    }
    if let Some(t) = token {
        rq = rq.bearer_auth(t);
    }
    let r = rq.send().await.unwrap();
    let s = r.status().as_u16();
    let body = r.text().await.unwrap();
    if s == 200 {
        assert!(body.contains("ocop_http_requests_total"), "{body}");
    } else {
        assert!(!body.contains("ocop_http_requests_total"), "{body}");
    }
    s
}

#[tokio::test]
async fn security_metrics_only_for_this_machine_or_an_admin_token() {
    let app = TestApp::new().await;
    app.user("root", Role::Admin, None, None).await;
    app.user("xem", Role::Viewer, None, None).await;
    let admin = app.token("root", PW).await;
    let viewer = app.token("xem", PW).await;
    assert_eq!(metrics(&app, false, None).await, 200, "loopback, direct");
    assert_eq!(
        metrics(&app, true, None).await,
        401,
        "through a proxy, no token"
    );
    assert_eq!(metrics(&app, true, Some("ocop_bogus")).await, 401);
    assert_eq!(
        metrics(&app, true, Some(&viewer)).await,
        403,
        "not an admin"
    );
    assert_eq!(metrics(&app, true, Some(&admin)).await, 200, "admin token");
}

#[tokio::test]
async fn security_metrics_public_when_configured() {
    let app = TestApp::with_config(ocop_web::WebConfig {
        metrics_public: true,
        ..Default::default()
    })
    .await;
    assert_eq!(metrics(&app, true, None).await, 200);
}

// ---------------------------------------------------------------------------
// 3. Bidirectional controls
// ---------------------------------------------------------------------------

#[tokio::test]
async fn security_bidi_override_is_stripped_from_product_names() {
    let app = TestApp::new().await;
    app.user(
        "prov1",
        Role::ProvinceOfficer,
        Some(("12", Period::Post2025)),
        None,
    )
    .await;
    let api = app.api_as("prov1").await;
    let (s, p) = api
        .post(
            "/api/v1/producers",
            json!({
                "name": "HTX\u{202E}gnat Chè",
                "legal_form": "cooperative",
                "tax_code": "6200000001",
                "commune_code": "03388",
                "commune_period": "post2025",
                "address_detail": "Tổ dân phố 3",
                "phone": "+84 912 345 678",
                "email": "htx@example.vn",
                "representative_name": "Lò Thị Mai",
                "representative_female": true,
                "representative_ethnic_minority": true,
                "representative_ethnicity": "Thái",
                "representative_disability": false,
                "members_count": 12,
                "workers_count": "35",
                "year_founded": 2016,
                "status": "active"
            }),
        )
        .await;
    assert_eq!(s, 201, "{p}");
    assert_eq!(p["name"], "HTXgnat Chè");
    let (s, v) = api
        .post(
            "/api/v1/products",
            json!({"name": "Chè\u{202E}\u{2066} Shan tuyết\u{200F}", "producer_id": p["id"],
                   "set_code": "QD26-11"}),
        )
        .await;
    assert_eq!(s, 201, "{v}");
    let stored = ocop_store::registry::get_product(&app.db.conn, v["id"].as_i64().unwrap())
        .await
        .unwrap();
    assert_eq!(stored.name, "Chè Shan tuyết");
    assert!(!stored.name.contains('\u{202E}'));
}

// ---------------------------------------------------------------------------
// 4. Login: lockout, throttling, one message
// ---------------------------------------------------------------------------

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

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn security_parallel_wrong_logins_all_count_and_lock() {
    let app = TestApp::new().await;
    let id = app.user("prov1", Role::Viewer, None, None).await;
    let mut tasks = Vec::new();
    for i in 0..10 {
        let url = app.url(if i % 2 == 0 {
            "/api/v1/auth/token"
        } else {
            "/login"
        });
        let web = Web::new(&app.base);
        tasks.push(tokio::spawn(async move {
            if url.ends_with("/login") {
                web.login("prov1", "wrong-password").await.status().as_u16()
            } else {
                reqwest::Client::new()
                    .post(url)
                    .json(&json!({"username": "prov1", "password": "wrong-password"}))
                    .send()
                    .await
                    .unwrap()
                    .status()
                    .as_u16()
            }
        }));
    }
    for t in tasks {
        assert_eq!(t.await.unwrap(), 401);
    }
    let u = ocop_store::users::get(&app.db.conn, id).await.unwrap();
    assert_eq!(u.failed_logins, 10, "every parallel failure counted");
    assert!(u.locked_until.is_some_and(|t| t > chrono::Utc::now()));
    let (s, v) = post_token(&app, "prov1", PW).await;
    assert_eq!(s, 401, "locked: the right password is refused: {v}");
    assert!(v.get("token").is_none());
}

#[tokio::test]
async fn security_locked_and_unknown_users_get_the_same_answer() {
    let app = TestApp::new().await;
    app.user("carol", Role::Viewer, None, None).await;
    for _ in 0..5 {
        post_token(&app, "carol", "wrong-password").await;
    }
    let (s1, locked_right) = post_token(&app, "carol", PW).await;
    let (s2, locked_wrong) = post_token(&app, "carol", "wrong-password").await;
    let (s3, unknown) = post_token(&app, "nobody-here", "wrong-password").await;
    assert_eq!((s1, s2, s3), (401, 401, 401));
    assert_eq!(locked_right, unknown, "API: locked = unknown user");
    assert_eq!(locked_wrong, unknown);
    assert_eq!(unknown["error"]["code"], "invalid_credentials");

    // Pages: the same message, in both languages.
    for lang in ["vi", "en"] {
        let msg = |html: &str| {
            let marker = "id=\"login-error\">";
            let i = html.find(marker).expect("login error") + marker.len();
            html[i..i + html[i..].find('<').unwrap()].to_string()
        };
        let web = Web::new(&app.base);
        web.get(&format!("/lang/{lang}?next=/login")).await;
        let locked = web.login("carol", PW).await.text().await.unwrap();
        let web2 = Web::new(&app.base);
        web2.get(&format!("/lang/{lang}?next=/login")).await;
        let unknown = web2.login("nobody-here", PW).await.text().await.unwrap();
        assert_eq!(msg(&locked), msg(&unknown), "{lang}");
        assert!(!msg(&locked).is_empty());
    }
}

#[tokio::test]
async fn security_failures_from_one_address_are_throttled() {
    let app = TestApp::new().await;
    app.user("dave", Role::Viewer, None, None).await;
    // Twenty failures over many (unknown) names from this address…
    for i in 0..ocop_web::auth::LOGIN_FAILURES_PER_ADDRESS {
        let (s, _) = post_token(&app, &format!("guess{i}"), "wrong-password").await;
        assert_eq!(s, 401, "attempt {i}");
    }
    // …then even a right password from it waits.
    let (s, v) = post_token(&app, "dave", PW).await;
    assert_eq!(s, 429, "{v}");
    assert_eq!(v["error"]["code"], "rate_limited");
    let web = Web::new(&app.base);
    let r = web.login("dave", PW).await;
    assert_eq!(r.status(), 429);
    assert!(r.text().await.unwrap().contains("15 phút"));
    // Another client address (as told by a proxy on this machine) is not affected,
    // and the account itself is not locked.
    let r = reqwest::Client::new()
        .post(app.url("/api/v1/auth/token"))
        .header("x-forwarded-for", "198.51.100.23")
        .json(&json!({"username": "dave", "password": PW}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
}

// ---------------------------------------------------------------------------
// 5. Passwords
// ---------------------------------------------------------------------------

#[tokio::test]
async fn security_weak_passwords_refused_on_account_and_admin_pages() {
    let app = TestApp::new().await;
    app.user("root", Role::Admin, None, None).await;
    let victim = app.user("victim", Role::Viewer, None, None).await;
    let web = app.web_as("victim", PW).await;
    for (pw, msg) in [
        ("12345678", "ít nhất 10 ký tự"),
        ("password12", "quá dễ đoán"),
        ("1234567890", "quá dễ đoán"),
        ("victim2026!", "tên đăng nhập"),
    ] {
        let r = web
            .post_form(
                "/account",
                "/account",
                &[
                    ("old_password", PW),
                    ("new_password", pw),
                    ("new_password2", pw),
                ],
            )
            .await;
        assert_eq!(r.status(), 422, "{pw}");
        let html = r.text().await.unwrap();
        assert!(html.contains(msg), "{pw}: expected {msg:?}");
        assert!(html.contains("id=\"e-new_password\""), "{pw}: on the field");
    }
    // Unchanged: the old password still works.
    app.web_as("victim", PW).await;

    let admin = app.web_as("root", PW).await;
    let r = admin
        .post_form(
            "/admin/users/new",
            "/admin/users/new",
            &[
                ("username", "moi.canbo"),
                ("display_name", "Cán bộ Mới"),
                ("role", "viewer"),
                ("unit_code", ""),
                ("unit_period", "post2025"),
                ("producer_id", ""),
                ("password", "password"),
            ],
        )
        .await;
    assert_eq!(r.status(), 422);
    assert!(r.text().await.unwrap().contains("id=\"e-password\""));
    assert!(
        ocop_store::users::find_by_username(&app.db.conn, "moi.canbo")
            .await
            .unwrap()
            .is_none(),
        "nothing half-saved"
    );
    let u = ocop_store::users::get(&app.db.conn, victim).await.unwrap();
    let r = admin
        .post_form(
            &format!("/admin/users/{victim}"),
            &format!("/admin/users/{victim}"),
            &[
                ("display_name", "Test victim"),
                ("role", "viewer"),
                ("unit_code", ""),
                ("unit_period", "post2025"),
                ("producer_id", ""),
                ("new_password", "qwertyuiop"),
                ("version", &u.version.to_string()),
            ],
        )
        .await;
    assert_eq!(r.status(), 422);
    assert!(r.text().await.unwrap().contains("id=\"e-new_password\""));
    assert_eq!(
        ocop_store::users::get(&app.db.conn, victim)
            .await
            .unwrap()
            .version,
        u.version
    );
}

/// An administrator's reset or disabling ends the user's sessions and tokens at once.
#[tokio::test]
async fn security_admin_reset_and_disable_end_sessions_and_tokens() {
    let app = TestApp::new().await;
    app.user("root", Role::Admin, None, None).await;
    let victim = app.user("victim", Role::Viewer, None, None).await;
    let admin = app.web_as("root", PW).await;
    for disable in [false, true] {
        let web = app.web_as("victim", PW).await;
        let api = app.api_as("victim").await;
        assert_eq!(api.get("/api/v1/me").await.0, 200);
        let u = ocop_store::users::get(&app.db.conn, victim).await.unwrap();
        let version = u.version.to_string();
        let mut fields = vec![
            ("display_name", "Test victim"),
            ("role", "viewer"),
            ("unit_code", ""),
            ("unit_period", "post2025"),
            ("producer_id", ""),
            ("version", version.as_str()),
        ];
        if disable {
            fields.push(("disabled", "on"));
        } else {
            fields.push(("new_password", "chè-shan-tuyết-mây-trắng-47"));
        }
        let page = format!("/admin/users/{victim}");
        let r = admin.post_form(&page, &page, &fields).await;
        assert_eq!(r.status(), 303, "disable={disable}");
        assert_eq!(web.get("/account").await.status(), 303, "session ended");
        assert_eq!(api.get("/api/v1/me").await.0, 401, "token revoked");
        if !disable {
            // Back to the fixture password for the next round (store path).
            let u = ocop_store::users::get(&app.db.conn, victim).await.unwrap();
            ocop_store::users::update(
                &app.db.conn,
                &ocop_store::audit::Actor::system("test"),
                victim,
                u.version,
                ocop_store::users::UserUpdate {
                    display_name: u.display_name.clone(),
                    role: Role::Viewer,
                    unit: None,
                    producer_id: None,
                    disabled: false,
                    new_password: Some(PW.into()),
                },
            )
            .await
            .unwrap();
        }
    }
}

// ---------------------------------------------------------------------------
// 6. API tokens
// ---------------------------------------------------------------------------

#[tokio::test]
async fn security_tokens_named_expiring_listed_and_revoked_through_the_api() {
    let app = TestApp::new().await;
    app.user("alice", Role::Viewer, None, None).await;
    app.user("bob", Role::Viewer, None, None).await;
    // The contract: {"username","password"} → 200 {"token"}; 90 days by default.
    let (s, plain) = post_token(&app, "alice", PW).await;
    assert_eq!(s, 200, "{plain}");
    let t1 = plain["token"].as_str().unwrap().to_string();
    let exp = chrono::DateTime::parse_from_rfc3339(plain["expires_at"].as_str().unwrap()).unwrap();
    let days = (exp.with_timezone(&chrono::Utc) - chrono::Utc::now()).num_days();
    assert!((89..=90).contains(&days), "{days}");

    let r = reqwest::Client::new()
        .post(app.url("/api/v1/auth/token"))
        .json(&json!({"username": "alice", "password": PW, "name": "Báo cáo tỉnh", "expires_in_days": 7}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    let named: Value = r.json().await.unwrap();
    assert_eq!(named["name"], "Báo cáo tỉnh");
    let exp = chrono::DateTime::parse_from_rfc3339(named["expires_at"].as_str().unwrap()).unwrap();
    let days = (exp.with_timezone(&chrono::Utc) - chrono::Utc::now()).num_days();
    assert!((6..=7).contains(&days), "{days}");

    for bad in [json!(0), json!(366), json!(-5)] {
        let r = reqwest::Client::new()
            .post(app.url("/api/v1/auth/token"))
            .json(&json!({"username": "alice", "password": PW, "expires_in_days": bad}))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 422, "{bad}");
        let v: Value = r.json().await.unwrap();
        assert_eq!(v["error"]["code"], "validation_failed");
        assert!(v["error"]["fields"]["expires_in_days"].is_object(), "{v}");
    }

    let api = Api {
        token: t1.clone(),
        base: app.base.clone(),
        client: reqwest::Client::new(),
    };
    let (s, list) = api.get("/api/v1/me/tokens").await;
    assert_eq!(s, 200, "{list}");
    assert_eq!(list["total"], 2);
    let items = list["items"].as_array().unwrap();
    assert_eq!(items[0]["name"], "Báo cáo tỉnh", "newest first");
    assert_eq!(items[0]["current"], false);
    assert_eq!(items[1]["current"], true);
    assert!(items[1]["last_used_at"].is_string(), "use is recorded");
    assert!(items[0]["last_used_at"].is_null());
    assert!(!list.to_string().contains(&t1), "the value is never listed");

    // Bob cannot see or revoke Alice's tokens.
    let bob = app.api_as("bob").await;
    let (_, bl) = bob.get("/api/v1/me/tokens").await;
    assert_eq!(bl["total"], 1);
    let named_id = named["id"].as_i64().unwrap();
    let r = bob
        .client
        .delete(app.url(&format!("/api/v1/me/tokens/{named_id}")))
        .bearer_auth(&bob.token)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 404);
    let named_api = Api {
        token: named["token"].as_str().unwrap().into(),
        base: app.base.clone(),
        client: reqwest::Client::new(),
    };
    assert_eq!(named_api.get("/api/v1/me").await.0, 200);

    // Alice revokes it: it stops working at once.
    let r = api
        .client
        .delete(app.url(&format!("/api/v1/me/tokens/{named_id}")))
        .bearer_auth(&t1)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 204);
    assert_eq!(named_api.get("/api/v1/me").await.0, 401);
    let (_, list) = api.get("/api/v1/me/tokens").await;
    assert_eq!(list["total"], 1);
    let r = api
        .client
        .delete(app.url("/api/v1/me/tokens/abc"))
        .bearer_auth(&t1)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 400);
}

#[tokio::test]
async fn security_expired_tokens_stop_working() {
    let app = TestApp::new().await;
    let id = app.user("alice", Role::Viewer, None, None).await;
    let (token, m) = ocop_store::users::create_named_token(&app.db.conn, id, "old", 1)
        .await
        .unwrap();
    let api = Api {
        token,
        base: app.base.clone(),
        client: reqwest::Client::new(),
    };
    assert_eq!(api.get("/api/v1/me").await.0, 200);
    use sea_orm::{ActiveModelTrait, IntoActiveModel, Set};
    let mut am = m.into_active_model();
    am.expires_at = Set(ocop_store::now() - chrono::Duration::seconds(1));
    am.update(&app.db.conn).await.unwrap();
    assert_eq!(api.get("/api/v1/me").await.0, 401);
    assert!(ocop_store::users::list_tokens(&app.db.conn, id)
        .await
        .unwrap()
        .is_empty());
}

#[tokio::test]
async fn security_tokens_made_listed_and_revoked_on_the_account_page() {
    let app = TestApp::new().await;
    app.user("alice", Role::Viewer, None, None).await;
    let web = app.web_as("alice", PW).await;
    let (s, html) = web.get_text("/account").await;
    assert_eq!(s, 200);
    assert!(html.contains("id=\"no-tokens\""));
    let r = web
        .post_form(
            "/account",
            "/account/tokens",
            &[("token_name", "Máy chủ báo cáo"), ("token_days", "400")],
        )
        .await;
    assert_eq!(r.status(), 422);
    assert!(r.text().await.unwrap().contains("từ 1 đến 365"));
    let r = web
        .post_form(
            "/account",
            "/account/tokens",
            &[("token_name", "Máy chủ báo cáo"), ("token_days", "30")],
        )
        .await;
    assert_eq!(r.status(), 200);
    assert_eq!(r.headers()["cache-control"], "no-store");
    let html = r.text().await.unwrap();
    let marker = "id=\"new-token-value\">";
    let i = html.find(marker).expect("the new token is shown") + marker.len();
    let token = html[i..i + html[i..].find('<').unwrap()].to_string();
    assert!(token.starts_with("ocop_"), "{token}");
    let api = Api {
        token: token.clone(),
        base: app.base.clone(),
        client: reqwest::Client::new(),
    };
    assert_eq!(api.get("/api/v1/me").await.0, 200);
    let (_, html) = web.get_text("/account").await;
    assert!(html.contains("Máy chủ báo cáo"));
    assert!(!html.contains(&token), "shown once only");
    let (_, v) = api.get("/api/v1/me/tokens").await;
    assert_eq!(v["items"][0]["name"], "Máy chủ báo cáo");
    let id = v["items"][0]["id"].as_i64().unwrap();
    let r = web
        .post_form("/account", &format!("/account/tokens/{id}/revoke"), &[])
        .await;
    assert_eq!(r.status(), 303);
    assert_eq!(api.get("/api/v1/me").await.0, 401);
    let (_, html) = web.get_text("/account").await;
    assert!(!html.contains("Máy chủ báo cáo"));
}
