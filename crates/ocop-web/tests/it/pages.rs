//! Server-rendered pages: login and sessions, CSRF, forms (errors, kept values,
//! conflicts), escaping, scope, history, language, admin and unit pages, page weight
//! and operational headers. Each test runs its own server on a fresh database
//! (SQLite, or PostgreSQL with `TEST_DATABASE_URL`).

use crate::common::*;
use ocop_domain::roles::Role;
use ocop_domain::units::Period;
use ocop_store::demo::DEMO_PASSWORD;
use ocop_store::entities::{producer, product, session, user};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, EntityTrait, IntoActiveModel, PaginatorTrait, QueryFilter, Set,
};

// ---------------------------------------------------------------------------
// Helpers
// ---------------------------------------------------------------------------

const MSG_BAD_LOGIN: &str = "Tên đăng nhập hoặc mật khẩu không đúng";
const MSG_DISABLED: &str = "Tài khoản đã bị khóa bởi quản trị viên";
const MSG_LOCKED: &str = "tạm khóa";
const MSG_EXPIRED: &str = "Phiên đăng nhập đã hết hạn";
const MSG_CSRF: &str = "Biểu mẫu đã hết hạn hoặc không hợp lệ";
const MSG_FORBIDDEN: &str = "Bạn không có quyền xem hoặc thay đổi nội dung này";
const MSG_CONFLICT: &str = "Bản ghi vừa được người khác sửa";
const MSG_TOO_LARGE: &str = "quá lớn";

/// The `Location` header of a response ("" when absent).
fn location(r: &reqwest::Response) -> String {
    r.headers()
        .get("location")
        .map(|v| v.to_str().expect("ascii location").to_string())
        .unwrap_or_default()
}

/// Status and body of a response.
async fn text(r: reqwest::Response) -> (u16, String) {
    let s = r.status().as_u16();
    (s, r.text().await.unwrap())
}

/// The value of `ocop_session` set by a response, if any.
fn session_cookie(r: &reqwest::Response) -> Option<String> {
    r.headers()
        .get_all("set-cookie")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find_map(|c| {
            c.strip_prefix("ocop_session=")
                .map(|rest| rest.split(';').next().unwrap_or("").to_string())
        })
}

/// The text of the first element that follows `marker` up to the next `<`.
fn text_after(html: &str, marker: &str) -> Option<String> {
    let i = html.find(marker)? + marker.len();
    let rest = &html[i..];
    let start = rest.find('>')? + 1;
    let end = rest[start..].find('<')? + start;
    Some(rest[start..end].to_string())
}

/// The value of the hidden `version` input of a form page.
fn form_version(html: &str) -> String {
    let marker = "name=\"version\" value=\"";
    let i = html.find(marker).expect("version input") + marker.len();
    html[i..i + html[i..].find('"').unwrap()].to_string()
}

/// The id at the end of a redirect such as `/producers/17`.
fn id_from_location(loc: &str, prefix: &str) -> i64 {
    loc.strip_prefix(prefix)
        .unwrap_or_else(|| panic!("location {loc:?} does not start with {prefix:?}"))
        .parse()
        .unwrap_or_else(|_| panic!("no id in {loc:?}"))
}

/// A complete, valid producer form; override fields with [`set_field`].
fn producer_fields<'a>(name: &'a str, tax: &'a str, commune: &'a str) -> Vec<(&'a str, &'a str)> {
    vec![
        ("name", name),
        ("legal_form", "cooperative"),
        ("tax_code", tax),
        ("commune", commune),
        ("address_detail", "Bản Nà Bỏ"),
        ("phone", "0912345678"),
        ("email", ""),
        ("representative_name", "Lò Văn Thử"),
        ("representative_ethnicity", "Thái"),
        ("members_count", "5"),
        ("workers_count", "10"),
        ("year_founded", "2018"),
        ("status", "active"),
    ]
}

fn set_field<'a>(fields: &mut Vec<(&'a str, &'a str)>, name: &'a str, value: &'a str) {
    match fields.iter_mut().find(|(k, _)| *k == name) {
        Some(f) => f.1 = value,
        None => fields.push((name, value)),
    }
}

/// Creates a producer through the form; returns its id.
async fn create_producer(web: &Web, name: &str, tax: &str, commune: &str) -> i64 {
    let r = web
        .post_form(
            "/producers/new",
            "/producers/new",
            &producer_fields(name, tax, commune),
        )
        .await;
    let loc = location(&r);
    let (s, body) = text(r).await;
    assert_eq!(
        s,
        303,
        "create producer {name}: {}",
        &body[..body.len().min(3000)]
    );
    id_from_location(&loc, "/producers/")
}

/// Creates a product through the form; returns its id.
async fn create_product(
    web: &Web,
    producer_id: i64,
    name: &str,
    set: &str,
    status: &str,
    description: &str,
) -> i64 {
    let pid = producer_id.to_string();
    let r = web
        .post_form(
            "/products/new",
            "/products/new",
            &[
                ("name", name),
                ("producer_id", &pid),
                ("set_code", set),
                ("status", status),
                ("stars", ""),
                ("description", description),
                ("raw_material_origin", "Nguyên liệu địa phương"),
            ],
        )
        .await;
    let loc = location(&r);
    let (s, body) = text(r).await;
    assert_eq!(
        s,
        303,
        "create product {name}: {}",
        &body[..body.len().min(3000)]
    );
    id_from_location(&loc, "/products/")
}

async fn producer_id_by_name(app: &TestApp, name: &str) -> i64 {
    producer::Entity::find()
        .filter(producer::Column::Name.eq(name))
        .one(&app.db.conn)
        .await
        .unwrap()
        .unwrap_or_else(|| panic!("producer {name}"))
        .id
}

async fn product_id_by_name(app: &TestApp, name: &str) -> i64 {
    product::Entity::find()
        .filter(product::Column::Name.eq(name))
        .one(&app.db.conn)
        .await
        .unwrap()
        .unwrap_or_else(|| panic!("product {name}"))
        .id
}

async fn user_id(app: &TestApp, username: &str) -> i64 {
    ocop_store::users::find_by_username(&app.db.conn, username)
        .await
        .unwrap()
        .expect("user")
        .id
}

async fn producer_count(app: &TestApp) -> u64 {
    producer::Entity::find().count(&app.db.conn).await.unwrap()
}

/// A fresh registry with a province officer `tinh` (Lai Châu, code 12) logged in.
async fn app_with_province_officer() -> (TestApp, Web) {
    let app = TestApp::new().await;
    app.user(
        "tinh",
        Role::ProvinceOfficer,
        Some(("12", Period::Post2025)),
        None,
    )
    .await;
    let web = app.web_as("tinh", PW).await;
    (app, web)
}

/// Does the page show `raw` HTML-escaped? Accepts named (`&lt;`) and numeric (`&#60;`)
/// entities, as escapers differ only in that.
fn shows_escaped(html: &str, raw: &str) -> bool {
    let named = raw
        .replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
        .replace('\'', "&#39;");
    let numeric = raw
        .replace('&', "&#38;")
        .replace('<', "&#60;")
        .replace('>', "&#62;")
        .replace('"', "&#34;")
        .replace('\'', "&#39;");
    html.contains(&named) || html.contains(&numeric)
}

/// Rows of a data table, counted by the `data-label` of their first cell.
fn rows(html: &str, first_label: &str) -> usize {
    html.matches(&format!("<tr><td data-label=\"{first_label}\">"))
        .count()
}

// ---------------------------------------------------------------------------
// Login, logout, lockout
// ---------------------------------------------------------------------------

#[tokio::test]
async fn anonymous_dashboard_redirects_to_login_with_next() {
    let app = TestApp::new().await;
    let web = Web::new(&app.base);
    let r = web.get("/").await;
    assert_eq!(r.status(), 303);
    assert_eq!(location(&r), "/login?next=%2F");
    // A deeper page keeps its path and query for after the login.
    let r = web.get("/products?status=certified").await;
    assert_eq!(r.status(), 303);
    assert_eq!(location(&r), "/login?next=%2Fproducts%3Fstatus%3Dcertified");
    let (s, html) = web.get_text("/login?next=%2Fproducts").await;
    assert_eq!(s, 200);
    assert!(
        html.contains("Vui lòng đăng nhập để tiếp tục"),
        "login-required notice"
    );
    assert!(
        html.contains("name=\"next\" value=\"/products\""),
        "next kept in the form"
    );
}

#[tokio::test]
async fn wrong_password_and_unknown_user_get_the_same_answer() {
    let app = TestApp::new().await;
    app.user(
        "alice",
        Role::ProvinceOfficer,
        Some(("12", Period::Post2025)),
        None,
    )
    .await;

    let web = Web::new(&app.base);
    let (s, wrong_pw) = text(web.login("alice", "not-the-password").await).await;
    assert_eq!(s, 401);
    assert!(wrong_pw.contains("<html lang=\"vi\">"));
    assert!(wrong_pw.contains(MSG_BAD_LOGIN), "bad-credentials message");
    assert!(
        wrong_pw.contains("id=\"username\" name=\"username\" value=\"alice\""),
        "typed username kept in its input"
    );
    assert!(
        !wrong_pw.contains("not-the-password"),
        "the password is never echoed"
    );

    // A typed username is escaped when shown again.
    let (s, html) = text(
        Web::new(&app.base)
            .login("\"><script>alert(1)</script>", "x-password")
            .await,
    )
    .await;
    assert_eq!(s, 401);
    assert!(!html.contains("<script>alert(1)"));
    assert!(shows_escaped(&html, "\"><script>alert(1)</script>"));

    let web2 = Web::new(&app.base);
    let (s, unknown) = text(web2.login("nobody-here", "not-the-password").await).await;
    assert_eq!(s, 401);
    assert!(unknown.contains(MSG_BAD_LOGIN));
    assert!(unknown.contains("value=\"nobody-here\""));
    // Exactly the same message: no way to tell which usernames exist.
    assert_eq!(
        text_after(&wrong_pw, "id=\"login-error\""),
        text_after(&unknown, "id=\"login-error\"")
    );
    assert!(text_after(&unknown, "id=\"login-error\"").is_some());
}

#[tokio::test]
async fn disabled_account_gets_the_disabled_message() {
    let app = TestApp::new().await;
    let id = app
        .user("bob", Role::Viewer, Some(("12", Period::Post2025)), None)
        .await;
    let u = user::Entity::find_by_id(id)
        .one(&app.db.conn)
        .await
        .unwrap()
        .unwrap();
    let mut am = u.into_active_model();
    am.disabled = Set(true);
    am.update(&app.db.conn).await.unwrap();

    let web = Web::new(&app.base);
    let (s, html) = text(web.login("bob", PW).await).await;
    assert_eq!(s, 401);
    assert!(html.contains(MSG_DISABLED), "disabled message");
    assert!(!html.contains(MSG_LOCKED));
    assert_eq!(web.get("/").await.status(), 303, "no session was created");
}

#[tokio::test]
async fn five_failures_lock_the_account_even_for_the_right_password() {
    let app = TestApp::new().await;
    app.user("carol", Role::Viewer, Some(("12", Period::Post2025)), None)
        .await;
    let web = Web::new(&app.base);
    for i in 1..=4 {
        let (s, html) = text(web.login("carol", "wrong-password").await).await;
        assert_eq!(s, 401, "attempt {i}");
        assert!(
            html.contains(MSG_BAD_LOGIN),
            "attempt {i} is a plain failure"
        );
        assert!(!html.contains(MSG_LOCKED), "attempt {i} does not lock yet");
    }
    let (s, html) = text(web.login("carol", "wrong-password").await).await;
    assert_eq!(s, 401);
    // The lock answers like a wrong password: it must not reveal existing names.
    assert!(
        html.contains(MSG_BAD_LOGIN),
        "fifth failure locks the account"
    );
    let (s, html) = text(web.login("carol", PW).await).await;
    assert_eq!(s, 401, "right password refused while locked");
    assert!(html.contains(MSG_BAD_LOGIN));
    assert!(!html.contains(MSG_LOCKED));
    assert!(!html.contains(MSG_DISABLED));
    assert_eq!(web.get("/").await.status(), 303);
    let u = ocop_store::users::find_by_username(&app.db.conn, "carol")
        .await
        .unwrap()
        .unwrap();
    assert!(
        u.locked_until.is_some_and(|t| t > chrono::Utc::now()),
        "locked_until in the future"
    );
}

#[tokio::test]
async fn good_login_shows_the_dashboard_and_logout_ends_the_session() {
    let app = TestApp::new().await;
    app.user(
        "dave",
        Role::ProvinceOfficer,
        Some(("12", Period::Post2025)),
        None,
    )
    .await;
    let web = Web::new(&app.base);
    let r = web.login("dave", PW).await;
    assert_eq!(r.status(), 303);
    assert_eq!(location(&r), "/");
    let token = session_cookie(&r).expect("session cookie set");
    assert!(token.len() >= 32);
    let set = r
        .headers()
        .get_all("set-cookie")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find(|c| c.starts_with("ocop_session="))
        .unwrap()
        .to_string();
    assert!(
        set.contains("HttpOnly") && set.contains("SameSite=Lax"),
        "session cookie flags: {set}"
    );

    let (s, html) = web.get_text("/").await;
    assert_eq!(s, 200);
    assert!(html.contains("Test dave"), "display name on the dashboard");
    assert!(html.contains("Đăng nhập thành công"), "welcome flash");
    assert!(html.contains("Tỉnh Lai Châu"), "scope shown");

    // Logout without the CSRF token is refused and the session stays.
    let r = web
        .client
        .post(app.url("/logout"))
        .form(&[("x", "y")])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 403);
    assert_eq!(web.get("/").await.status(), 200);

    let r = web.post_form("/", "/logout", &[]).await;
    assert_eq!(r.status(), 303);
    assert_eq!(location(&r), "/login");
    let r = web.get("/").await;
    assert_eq!(r.status(), 303);
    assert!(location(&r).starts_with("/login?next=%2F"));

    // The old cookie value is dead on the server, not only forgotten by the client.
    let raw = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    let r = raw
        .get(app.url("/producers"))
        .header("cookie", format!("ocop_session={token}"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 303);
    assert!(
        location(&r).starts_with("/login?"),
        "replayed session refused: {}",
        location(&r)
    );
    let n = session::Entity::find().count(&app.db.conn).await.unwrap();
    assert_eq!(n, 0, "session row deleted");
}

#[tokio::test]
async fn login_next_goes_back_to_the_page_and_never_off_site() {
    let app = TestApp::new().await;
    app.user(
        "erin",
        Role::ProvinceOfficer,
        Some(("12", Period::Post2025)),
        None,
    )
    .await;
    let web = Web::new(&app.base);
    let r = web
        .post_form(
            "/login",
            "/login",
            &[
                ("username", "erin"),
                ("password", PW),
                ("next", "/products?status=idea"),
            ],
        )
        .await;
    assert_eq!(r.status(), 303);
    assert_eq!(location(&r), "/products?status=idea");

    for evil in [
        "//evil.example/",
        "https://evil.example/",
        "/\\evil.example",
    ] {
        let web = Web::new(&app.base);
        let r = web
            .post_form(
                "/login",
                "/login",
                &[("username", "erin"), ("password", PW), ("next", evil)],
            )
            .await;
        assert_eq!(r.status(), 303, "next={evil}");
        assert_eq!(
            location(&r),
            "/",
            "next={evil:?} must not redirect off-site"
        );
    }
}

/// Browsers drop tab and newline characters from URLs (WHATWG URL parsing), so a
/// `Location: /\t/evil.example` is followed as `//evil.example`: an open redirect.
#[tokio::test]
async fn redirect_targets_with_control_characters_are_refused() {
    let app = TestApp::new().await;
    let web = Web::new(&app.base);
    let mut problems = Vec::new();
    for next in [
        "/%09/evil.example",
        "/%0A/evil.example",
        "/%0D%0A/evil.example",
    ] {
        let r = web.get(&format!("/lang/en?next={next}")).await;
        let s = r.status().as_u16();
        let loc = r
            .headers()
            .get("location")
            .map(|v| v.as_bytes().to_vec())
            .unwrap_or_default();
        let browser_view: Vec<u8> = loc
            .iter()
            .copied()
            .filter(|b| !matches!(b, b'\t' | b'\n' | b'\r'))
            .collect();
        if s != 303 {
            problems.push(format!(
                "next={next}: status {s} (expected a 303 to a local page)"
            ));
        } else if browser_view.starts_with(b"//") {
            problems.push(format!(
                "next={next}: Location {:?} is followed by browsers as an off-site URL",
                String::from_utf8_lossy(&loc)
            ));
        }
    }
    // The same through the login form (a phishing link to /login?next=/%09/evil.example).
    app.user("hal", Role::Viewer, Some(("12", Period::Post2025)), None)
        .await;
    let w = Web::new(&app.base);
    let r = w
        .post_form(
            "/login?next=/%09/evil.example",
            "/login",
            &[
                ("username", "hal"),
                ("password", PW),
                ("next", "/\t/evil.example"),
            ],
        )
        .await;
    let loc = r
        .headers()
        .get("location")
        .map(|v| v.as_bytes().to_vec())
        .unwrap_or_default();
    let browser_view: Vec<u8> = loc
        .iter()
        .copied()
        .filter(|b| !matches!(b, b'\t' | b'\n' | b'\r'))
        .collect();
    if browser_view.starts_with(b"//") {
        problems.push(format!(
            "login next: Location {:?} is followed by browsers as an off-site URL",
            String::from_utf8_lossy(&loc)
        ));
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

// ---------------------------------------------------------------------------
// CSRF
// ---------------------------------------------------------------------------

#[tokio::test]
async fn producer_post_without_csrf_token_is_refused() {
    let (app, web) = app_with_province_officer().await;
    let fields = producer_fields("HTX Không Token", "6200900001", "post2025:03388");
    let r = web
        .client
        .post(app.url("/producers/new"))
        .form(&fields)
        .send()
        .await
        .unwrap();
    let (s, html) = text(r).await;
    assert_eq!(s, 403);
    assert!(html.contains(MSG_CSRF), "CSRF message page");
    assert!(html.contains("<html lang=\"vi\">"));
    assert_eq!(producer_count(&app).await, 0, "nothing created");
}

#[tokio::test]
async fn csrf_token_of_another_session_is_refused() {
    let (app, web) = app_with_province_officer().await;
    app.user(
        "tinh2",
        Role::ProvinceOfficer,
        Some(("12", Period::Post2025)),
        None,
    )
    .await;
    let other = app.web_as("tinh2", PW).await;
    let other_token = other.csrf("/producers/new").await;
    let own_token = web.csrf("/producers/new").await;
    assert_ne!(other_token, own_token, "each session has its own token");

    let mut fields = producer_fields("HTX Token Lạ", "6200900002", "post2025:03388");
    fields.push(("csrf_token", &other_token));
    let (s, html) = text(
        web.client
            .post(app.url("/producers/new"))
            .form(&fields)
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(s, 403);
    assert!(html.contains(MSG_CSRF));
    assert_eq!(producer_count(&app).await, 0);
}

#[tokio::test]
async fn cross_origin_post_with_a_valid_token_is_refused() {
    let (app, web) = app_with_province_officer().await;
    let token = web.csrf("/producers/new").await;
    let mut fields = producer_fields("HTX Origin Lạ", "6200900003", "post2025:03388");
    fields.push(("csrf_token", &token));

    let r = web
        .client
        .post(app.url("/producers/new"))
        .header("origin", "http://evil.example")
        .form(&fields)
        .send()
        .await
        .unwrap();
    let (s, html) = text(r).await;
    assert_eq!(s, 403);
    assert!(html.contains(MSG_CSRF));

    let r = web
        .client
        .post(app.url("/producers/new"))
        .header("sec-fetch-site", "cross-site")
        .form(&fields)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 403, "Sec-Fetch-Site: cross-site refused");

    let r = web
        .client
        .post(app.url("/producers/new"))
        .header("origin", "null")
        .form(&fields)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 403, "Origin: null refused");
    assert_eq!(producer_count(&app).await, 0);

    // The same request from our own origin goes through.
    let r = web
        .client
        .post(app.url("/producers/new"))
        .header("origin", app.base.as_str())
        .form(&fields)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 303);
    assert_eq!(producer_count(&app).await, 1);
}

#[tokio::test]
async fn login_form_needs_its_own_csrf_token() {
    let app = TestApp::new().await;
    app.user("ivan", Role::Viewer, Some(("12", Period::Post2025)), None)
        .await;
    // No token, no cookie (a cross-site login form).
    let web = Web::new(&app.base);
    let r = web
        .client
        .post(app.url("/login"))
        .form(&[("username", "ivan"), ("password", PW), ("next", "/")])
        .send()
        .await
        .unwrap();
    let (s, html) = text(r).await;
    assert_eq!(s, 403);
    assert!(html.contains(MSG_CSRF));
    // A token shown to another browser does not match this browser's cookie.
    let other = Web::new(&app.base);
    let foreign = other.csrf("/login").await;
    let _ = web.csrf("/login").await;
    let r = web
        .client
        .post(app.url("/login"))
        .form(&[
            ("username", "ivan"),
            ("password", PW),
            ("next", "/"),
            ("csrf_token", &foreign),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 403);
    assert!(
        session_cookie(&r).is_none(),
        "no session on a refused login"
    );
    assert_eq!(
        session::Entity::find().count(&app.db.conn).await.unwrap(),
        0
    );
}

// ---------------------------------------------------------------------------
// Expired sessions
// ---------------------------------------------------------------------------

#[tokio::test]
async fn expired_session_redirects_to_login_with_notice() {
    let (app, web) = app_with_province_officer().await;
    assert_eq!(web.get("/producers").await.status(), 200);
    let uid = user_id(&app, "tinh").await;
    let past = chrono::Utc::now() - chrono::Duration::hours(1);
    for s in session::Entity::find()
        .filter(session::Column::UserId.eq(uid))
        .all(&app.db.conn)
        .await
        .unwrap()
    {
        let mut am = s.into_active_model();
        am.expires_at = Set(past);
        am.update(&app.db.conn).await.unwrap();
    }
    let r = web.get("/producers").await;
    assert_eq!(r.status(), 303);
    let loc = location(&r);
    assert_eq!(loc, "/login?next=%2Fproducers&expired=1");
    let (s, html) = web.get_text(&loc).await;
    assert_eq!(s, 200);
    assert!(
        html.contains(MSG_EXPIRED),
        "expired notice on the login page"
    );
    assert!(html.contains("name=\"next\" value=\"/producers\""));
    // The expired row was removed.
    assert_eq!(
        session::Entity::find()
            .filter(session::Column::UserId.eq(uid))
            .count(&app.db.conn)
            .await
            .unwrap(),
        0
    );
}

#[tokio::test]
async fn deleted_session_redirects_to_login_and_forms_ask_to_log_in_again() {
    let (app, web) = app_with_province_officer().await;
    let token = web.csrf("/producers/new").await;
    session::Entity::delete_many()
        .exec(&app.db.conn)
        .await
        .unwrap();

    let r = web.get("/producers").await;
    assert_eq!(r.status(), 303);
    assert!(location(&r).ends_with("expired=1"), "{}", location(&r));
    let (_, html) = web.get_text(&location(&r)).await;
    assert!(html.contains(MSG_EXPIRED));

    // A form submitted after the session ended: back to the login page, not a CSRF error.
    let mut fields = producer_fields("HTX Phiên Cũ", "6200900004", "post2025:03388");
    fields.push(("csrf_token", &token));
    let r = web
        .client
        .post(app.url("/producers/new"))
        .form(&fields)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 303);
    assert!(location(&r).starts_with("/login?") && location(&r).contains("expired=1"));
    assert_eq!(producer_count(&app).await, 0);
}

// ---------------------------------------------------------------------------
// Producer form
// ---------------------------------------------------------------------------

#[tokio::test]
async fn producer_form_offers_communes_as_period_and_code() {
    let (_app, web) = app_with_province_officer().await;
    let (s, html) = web.get_text("/producers/new").await;
    assert_eq!(s, 200);
    assert!(
        html.contains("<option value=\"post2025:03388\">"),
        "current ward 03388"
    );
    assert!(
        html.contains("<option value=\"post2025:03390\">"),
        "current commune 03390"
    );
    assert!(
        html.contains("<option value=\"pre2025:03391\">"),
        "old commune 03391"
    );
    assert!(
        !html.contains("value=\"post2025:03391\""),
        "03391 does not exist after the reform"
    );
}

#[tokio::test]
async fn producer_form_errors_are_shown_by_field_and_values_kept() {
    let (app, web) = app_with_province_officer().await;
    let mut fields = producer_fields("", "12345", "post2025:03388");
    set_field(&mut fields, "phone", "abc-xyz");
    set_field(&mut fields, "address_detail", "Bản Thử Nghiệm số 42");
    set_field(&mut fields, "email", "lo.van@example.vn");
    let (s, html) = text(
        web.post_form("/producers/new", "/producers/new", &fields)
            .await,
    )
    .await;
    assert_eq!(s, 422);
    assert!(
        html.contains("Vui lòng sửa các lỗi được đánh dấu bên dưới"),
        "form summary"
    );
    for f in ["name", "tax_code", "phone"] {
        assert!(
            html.contains(&format!("class=\"field-error\" id=\"e-{f}\"")),
            "error next to {f}"
        );
        assert!(
            html.contains(&format!("aria-describedby=\"e-{f}\"")),
            "{f} input points at its error"
        );
    }
    assert!(!html.contains("id=\"e-commune\""), "commune is fine");
    assert!(!html.contains("id=\"e-address_detail\""));
    assert!(html.contains("Trường này là bắt buộc"), "required message");
    assert!(
        html.contains("Mã số thuế / số đăng ký không hợp lệ"),
        "tax message"
    );
    assert!(html.contains("Số điện thoại không hợp lệ"), "phone message");
    // Typed values come back.
    assert!(html.contains("name=\"address_detail\" type=\"text\" value=\"Bản Thử Nghiệm số 42\""));
    assert!(html.contains("name=\"tax_code\" type=\"text\" value=\"12345\""));
    assert!(html.contains("name=\"phone\" type=\"tel\" value=\"abc-xyz\""));
    assert!(html.contains("value=\"lo.van@example.vn\""));
    assert!(html.contains("value=\"Lò Văn Thử\""));
    assert!(
        html.contains("<option value=\"post2025:03388\" selected>"),
        "commune still selected"
    );
    assert!(
        html.contains("<option value=\"cooperative\" selected>"),
        "legal form still selected"
    );
    assert_eq!(producer_count(&app).await, 0);
}

#[tokio::test]
async fn producer_create_duplicate_tax_and_wrong_period_commune() {
    let (app, web) = app_with_province_officer().await;
    let id = create_producer(&web, "HTX Chè Thử Nghiệm", "6200999991", "post2025:03388").await;
    let (s, html) = web.get_text(&format!("/producers/{id}")).await;
    assert_eq!(s, 200);
    assert!(html.contains("HTX Chè Thử Nghiệm"));
    assert!(html.contains("Đã tạo mới"), "created flash");
    assert!(html.contains("Phường Đoàn Kết"));

    // The same number, typed with spaces: still the same tax code.
    let fields = producer_fields("HTX Trùng Mã", "6200 999 991", "post2025:03390");
    let (s, html) = text(
        web.post_form("/producers/new", "/producers/new", &fields)
            .await,
    )
    .await;
    assert_eq!(s, 422);
    assert!(html.contains("class=\"field-error\" id=\"e-tax_code\""));
    assert!(html.contains("Mã số thuế này đã được dùng cho một chủ thể khác"));
    assert!(html.contains("value=\"HTX Trùng Mã\""), "name kept");
    assert_eq!(producer_count(&app).await, 1);

    // 03391 is an old (pre-2025) commune: tampering the period is caught on the commune field.
    let fields = producer_fields("HTX Sai Giai Đoạn", "6200999992", "post2025:03391");
    let (s, html) = text(
        web.post_form("/producers/new", "/producers/new", &fields)
            .await,
    )
    .await;
    assert_eq!(s, 422);
    assert!(
        html.contains("class=\"field-error\" id=\"e-commune\""),
        "error on the commune select"
    );
    assert!(html.contains(
        "id=\"f-commune\" name=\"commune\" aria-required=\"true\" aria-invalid=\"true\""
    ));
    assert_eq!(producer_count(&app).await, 1);

    // With its right period the same code is accepted.
    let id = create_producer(&web, "HTX Đúng Giai Đoạn", "6200999992", "pre2025:03391").await;
    let m = producer::Entity::find_by_id(id)
        .one(&app.db.conn)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(
        (m.commune_code.as_str(), m.commune_period.as_str()),
        ("03391", "pre2025")
    );
}

#[tokio::test]
async fn commune_officer_cannot_place_a_producer_outside_the_commune() {
    let app = TestApp::new().await;
    app.user(
        "xa.test",
        Role::CommuneOfficer,
        Some(("03390", Period::Post2025)),
        None,
    )
    .await;
    let web = app.web_as("xa.test", PW).await;
    let (_, form) = web.get_text("/producers/new").await;
    assert!(form.contains("value=\"post2025:03390\""));
    assert!(
        !form.contains("value=\"post2025:03388\""),
        "other communes are not offered"
    );
    // Tampered select value: another commune of the province.
    let fields = producer_fields("HTX Ngoài Xã", "6200999993", "post2025:03388");
    let (s, html) = text(
        web.post_form("/producers/new", "/producers/new", &fields)
            .await,
    )
    .await;
    assert_eq!(s, 422);
    assert!(html.contains("class=\"field-error\" id=\"e-commune\""));
    assert!(html.contains("Đơn vị này nằm ngoài phạm vi quản lý của bạn"));
    assert_eq!(producer_count(&app).await, 0);
    create_producer(&web, "HTX Trong Xã", "6200999994", "post2025:03390").await;
}

#[tokio::test]
async fn not_found_and_bad_ids_are_pages_not_crashes() {
    let (_app, web) = app_with_province_officer().await;
    let (s, html) = web.get_text("/producers/987654").await;
    assert_eq!(s, 404);
    assert!(html.contains("Không tìm thấy trang hoặc bản ghi"));
    let (s, _) = web.get_text("/products/987654/edit").await;
    assert_eq!(s, 404);
    let (s, _) = web.get_text("/producers/abc").await;
    assert!((400..500).contains(&s), "non-numeric id: {s}");
}

/// `render_error_pages` turns a bare 404 into the 404 page; an unknown address must
/// get that page too, in the user's language, not an empty body.
#[tokio::test]
async fn unknown_address_gets_the_404_page() {
    let (_app, web) = app_with_province_officer().await;
    let r = web.get("/khong-co-trang-nay").await;
    assert_eq!(r.status(), 404);
    let ct = r
        .headers()
        .get("content-type")
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .to_string();
    let body = r.text().await.unwrap();
    assert!(
        ct.starts_with("text/html"),
        "content-type {ct:?}, body {body:?}"
    );
    assert!(body.contains("Không tìm thấy trang hoặc bản ghi"));
}

// ---------------------------------------------------------------------------
// Escaping
// ---------------------------------------------------------------------------

#[tokio::test]
async fn user_text_is_escaped_on_every_page() {
    let (_app, web) = app_with_province_officer().await;
    let evil_name = "<script>alert(\"x\")</script>";
    let evil_desc = "<img src=x onerror=alert(1)>";
    let pid = create_producer(&web, evil_name, "6200888881", "post2025:03388").await;
    let prod = create_product(
        &web,
        pid,
        "Sản phẩm <b>đậm</b>",
        "QD26-11",
        "idea",
        evil_desc,
    )
    .await;

    for path in [
        format!("/producers/{pid}"),
        format!("/producers/{pid}/edit"),
        "/producers".to_string(),
        format!("/products/{prod}"),
        format!("/products/{prod}/edit"),
        "/products".to_string(),
        "/products/new".to_string(),
        "/".to_string(),
    ] {
        let (s, html) = web.get_text(&path).await;
        assert_eq!(s, 200, "{path}");
        assert!(!html.contains("<script>alert"), "{path}: raw script tag");
        assert!(!html.contains("<img src=x"), "{path}: raw img tag");
        assert!(
            !html.contains("<b>đậm</b>"),
            "{path}: raw markup in product name"
        );
    }
    let (_, html) = web.get_text(&format!("/producers/{pid}")).await;
    assert!(shows_escaped(&html, evil_name), "escaped name shown");
    let (_, html) = web.get_text("/producers").await;
    assert!(shows_escaped(&html, evil_name), "escaped name in the list");
    let (_, html) = web.get_text(&format!("/products/{prod}")).await;
    assert!(shows_escaped(&html, evil_desc), "escaped description");
    assert!(
        shows_escaped(&html, evil_name),
        "escaped producer name on the product page"
    );
    let (_, html) = web.get_text("/products").await;
    assert!(shows_escaped(&html, "Sản phẩm <b>đậm</b>"));
    assert!(shows_escaped(&html, evil_name));

    // Reflected search text is escaped too.
    let (s, html) = web
        .get_text("/products?q=%22%3E%3Cscript%3Ealert(2)%3C%2Fscript%3E")
        .await;
    assert_eq!(s, 200);
    assert!(!html.contains("<script>alert(2)"));
    assert!(
        shows_escaped(&html, "\"><script>alert(2)</script>"),
        "search text shown escaped in its box"
    );
}

// ---------------------------------------------------------------------------
// Large bodies
// ---------------------------------------------------------------------------

#[tokio::test]
async fn ten_megabyte_form_gets_a_413_page() {
    let (app, web) = app_with_province_officer().await;
    let big = "A".repeat(10 * 1024 * 1024);
    let fields = producer_fields(&big, "6200777771", "post2025:03388");
    let r = web
        .post_form("/producers/new", "/producers/new", &fields)
        .await;
    let (s, html) = text(r).await;
    assert_eq!(s, 413);
    assert!(html.contains(MSG_TOO_LARGE), "Vietnamese too-large message");
    assert!(html.contains("<html lang=\"vi\">"), "an HTML page");
    assert_eq!(producer_count(&app).await, 0);
    // The server is fine afterwards.
    assert_eq!(web.get("/producers").await.status(), 200);
}

// ---------------------------------------------------------------------------
// Products: form, list, filters, paging
// ---------------------------------------------------------------------------

#[tokio::test]
async fn product_create_shows_its_code_and_unknown_set_is_a_field_error() {
    let (app, web) = app_with_province_officer().await;
    let pid = create_producer(&web, "HTX Mắc Ca Thử", "6200666661", "post2025:03388").await;

    let (s, form) = web
        .get_text(&format!("/products/new?producer_id={pid}"))
        .await;
    assert_eq!(s, 200);
    assert!(
        form.contains(&format!("<option value=\"{pid}\" selected>")),
        "producer preselected"
    );

    let p = pid.to_string();
    let (s, html) = text(
        web.post_form(
            "/products/new",
            "/products/new",
            &[
                ("name", "Hạt mắc ca thử"),
                ("producer_id", &p),
                ("set_code", "QD26-99"),
                ("status", "idea"),
                ("description", "Mô tả giữ lại"),
            ],
        )
        .await,
    )
    .await;
    assert_eq!(s, 422);
    assert!(html.contains("class=\"field-error\" id=\"e-set_code\""));
    assert!(html.contains("Bộ sản phẩm không tồn tại"));
    assert!(html.contains("value=\"Hạt mắc ca thử\""), "name kept");
    assert!(
        html.contains(">Mô tả giữ lại</textarea>"),
        "description kept"
    );
    assert_eq!(
        product::Entity::find().count(&app.db.conn).await.unwrap(),
        0
    );

    let id = create_product(
        &web,
        pid,
        "Hạt mắc ca thử",
        "QD26-07",
        "idea",
        "Hạt mắc ca sấy",
    )
    .await;
    let (s, html) = web.get_text(&format!("/products/{id}")).await;
    assert_eq!(s, 200);
    let code = text_after(&html, "<dt>Mã sản phẩm</dt><dd><strong").expect("code shown");
    assert!(code.starts_with("12-03388-001-"), "product code {code}");
    assert!(html.contains("HTX Mắc Ca Thử"), "producer name");
    assert!(html.contains(&format!("href=\"/producers/{pid}\"")));

    let (_, list) = web.get_text("/products").await;
    assert!(list.contains("Hạt mắc ca thử"));
    assert!(list.contains(&code));
    let (_, page) = web.get_text(&format!("/producers/{pid}")).await;
    assert!(
        page.contains(&code),
        "product listed on its producer's page"
    );
}

#[tokio::test]
async fn product_list_filters() {
    let (_app, web) = app_with_province_officer().await;
    let pid = create_producer(&web, "HTX Lọc Thử", "6200555551", "post2025:03388").await;
    create_product(
        &web,
        pid,
        "Chè Shan tuyết Sà Dề Phìn",
        "QD26-11",
        "in_development",
        "",
    )
    .await;
    create_product(&web, pid, "Mật ong rừng Mường Tè", "QD26-04", "idea", "").await;

    let (s, html) = web.get_text("/products?q=che+shan").await;
    assert_eq!(s, 200);
    assert!(
        html.contains("Chè Shan tuyết Sà Dề Phìn"),
        "found without diacritics"
    );
    assert!(!html.contains("Mật ong rừng Mường Tè"));
    assert!(
        html.contains("id=\"q\" name=\"q\" type=\"search\" value=\"che shan\""),
        "search kept"
    );

    let (_, html) = web.get_text("/products?q=MUONG+TE").await;
    assert!(html.contains("Mật ong rừng Mường Tè"));
    assert!(!html.contains("Chè Shan tuyết Sà Dề Phìn"));

    let (_, html) = web.get_text("/products?status=idea").await;
    assert!(html.contains("Mật ong rừng Mường Tè"));
    assert!(!html.contains("Chè Shan tuyết Sà Dề Phìn"));
    assert!(html.contains("<option value=\"idea\" selected>"));

    let (_, html) = web.get_text("/products?set=QD26-11").await;
    assert!(html.contains("Chè Shan tuyết Sà Dề Phìn"));
    assert!(!html.contains("Mật ong rừng Mường Tè"));

    let (_, html) = web.get_text("/products?set=QD26-11&status=idea").await;
    assert!(
        html.contains("Không có bản ghi nào phù hợp"),
        "combined filters narrow down"
    );

    let (_, html) = web.get_text("/products").await;
    assert_eq!(rows(&html, "Tên sản phẩm"), 2);
}

#[tokio::test]
async fn product_list_pages_with_demo_data() {
    let app = TestApp::with_demo().await;
    let total = product::Entity::find().count(&app.db.conn).await.unwrap();
    assert!(
        total > 25,
        "demo has more than one page of products ({total})"
    );
    let pages = total.div_ceil(25);
    let web = app.web_as("tinh", DEMO_PASSWORD).await;

    let (s, p1) = web.get_text("/products").await;
    assert_eq!(s, 200);
    assert_eq!(rows(&p1, "Tên sản phẩm"), 25);
    assert!(p1.contains(&format!("Trang 1 / {pages} · Tổng số: {total}")));
    assert!(p1.contains("href=\"/products?page=2\" rel=\"next\""));

    let (s, p2) = web.get_text("/products?page=2").await;
    assert_eq!(s, 200);
    assert!(p2.contains(&format!("Trang 2 / {pages}")));
    let expected = if pages == 2 {
        (total - 25) as usize
    } else {
        25
    };
    assert_eq!(rows(&p2, "Tên sản phẩm"), expected);
    assert!(p2.contains("href=\"/products?page=1\" rel=\"prev\""));
    // Pager links keep the filters.
    let (_, f) = web.get_text("/products?status=certified&sort=-name").await;
    let certified = product::Entity::find()
        .filter(product::Column::Status.eq("certified"))
        .count(&app.db.conn)
        .await
        .unwrap();
    assert!(f.contains(&format!("Tổng số: {certified}")));
    if certified > 25 {
        assert!(f.contains("page=2"));
        assert!(f.contains("status=certified"));
    }
}

/// A page number is user input: a huge one must give a page (empty or clamped) or a
/// 400, not a crash of the request.
#[tokio::test]
async fn huge_page_number_is_not_a_server_error() {
    let (_app, web) = app_with_province_officer().await;
    let mut problems = Vec::new();
    for q in [
        "page=1000000000000",
        "page=400000000000000000",
        "page=18446744073709551615",
    ] {
        for list in ["/products", "/producers"] {
            match web.client.get(app_url(&web, &format!("{list}?{q}"))).send().await {
                Ok(r) if r.status().as_u16() < 500 => {}
                Ok(r) => problems.push(format!("{list}?{q}: {}", r.status())),
                Err(e) => problems.push(format!("{list}?{q}: no response (the handler panicked and the connection was dropped): {e}")),
            }
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
    // The server still answers.
    assert_eq!(web.get("/products").await.status(), 200);
}

fn app_url(web: &Web, path: &str) -> String {
    format!("{}{path}", web.base)
}

// ---------------------------------------------------------------------------
// Concurrent edits
// ---------------------------------------------------------------------------

#[tokio::test]
async fn concurrent_producer_edit_gives_409_and_keeps_the_first_save() {
    let (app, first) = app_with_province_officer().await;
    app.user(
        "tinh2",
        Role::ProvinceOfficer,
        Some(("12", Period::Post2025)),
        None,
    )
    .await;
    let second = app.web_as("tinh2", PW).await;
    let id = create_producer(&first, "HTX Sửa Song Song", "6200444441", "post2025:03388").await;
    let edit = format!("/producers/{id}/edit");

    let (_, f1) = first.get_text(&edit).await;
    let (_, f2) = second.get_text(&edit).await;
    let (v1, v2) = (form_version(&f1), form_version(&f2));
    assert_eq!(v1, "1");
    assert_eq!(v2, "1");
    assert!(
        f1.contains("<option value=\"post2025:03388\" selected>"),
        "edit form preselects the commune"
    );

    let mut a = producer_fields("HTX Sửa Song Song", "6200444441", "post2025:03388");
    set_field(&mut a, "phone", "0987000111");
    set_field(&mut a, "version", &v1);
    let r = first.post_form(&edit, &edit, &a).await;
    assert_eq!(r.status(), 303);
    assert_eq!(location(&r), format!("/producers/{id}"));

    let mut b = producer_fields("HTX Tên Của Người Thứ Hai", "6200444441", "post2025:03388");
    set_field(&mut b, "version", &v2);
    let (s, html) = text(second.post_form(&edit, &edit, &b).await).await;
    assert_eq!(s, 409);
    assert!(html.contains(MSG_CONFLICT), "conflict message");
    assert!(
        html.contains("value=\"HTX Tên Của Người Thứ Hai\""),
        "the second user's typing is not lost"
    );

    let m = producer::Entity::find_by_id(id)
        .one(&app.db.conn)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(m.name, "HTX Sửa Song Song", "first save not overwritten");
    assert_eq!(m.phone.as_deref(), Some("0987000111"));
    assert_eq!(m.version, 2);
}

#[tokio::test]
async fn concurrent_product_edit_gives_409() {
    let (app, web) = app_with_province_officer().await;
    let other = app.web_as("tinh", PW).await; // same officer, second browser
    let pid = create_producer(
        &web,
        "HTX Sản Phẩm Song Song",
        "6200444442",
        "post2025:03388",
    )
    .await;
    let id = create_product(&web, pid, "Trà xanh song song", "QD26-11", "idea", "").await;
    let edit = format!("/products/{id}/edit");
    let (_, f1) = web.get_text(&edit).await;
    let (_, f2) = other.get_text(&edit).await;
    let p = pid.to_string();
    let v1 = form_version(&f1);
    let v2 = form_version(&f2);
    let r = web
        .post_form(
            &edit,
            &edit,
            &[
                ("name", "Trà xanh bản một"),
                ("producer_id", &p),
                ("set_code", "QD26-11"),
                ("status", "in_development"),
                ("version", &v1),
            ],
        )
        .await;
    assert_eq!(r.status(), 303);
    let (s, html) = text(
        other
            .post_form(
                &edit,
                &edit,
                &[
                    ("name", "Trà xanh bản hai"),
                    ("producer_id", &p),
                    ("set_code", "QD26-11"),
                    ("status", "idea"),
                    ("version", &v2),
                ],
            )
            .await,
    )
    .await;
    assert_eq!(s, 409);
    assert!(html.contains(MSG_CONFLICT));
    let m = product::Entity::find_by_id(id)
        .one(&app.db.conn)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(m.name, "Trà xanh bản một");
    assert_eq!(m.status, "in_development");
}

// ---------------------------------------------------------------------------
// Scope
// ---------------------------------------------------------------------------

#[tokio::test]
async fn commune_officer_sees_only_the_commune() {
    let app = TestApp::with_demo().await;
    let outside = "Công ty TNHH MTV Trường Giang Lai Châu (demo)";
    let inside = "HTX Nông nghiệp dịch vụ Bình Lư (demo)";
    let out_id = producer_id_by_name(&app, outside).await;
    let in_id = producer_id_by_name(&app, inside).await;
    let out_product = product_id_by_name(&app, "Hạt mắc ca khô").await;
    let m = producer::Entity::find_by_id(out_id)
        .one(&app.db.conn)
        .await
        .unwrap()
        .unwrap();
    assert_ne!(m.commune_code, "03390");

    let web = app.web_as("xa.binhlu", DEMO_PASSWORD).await;
    for path in [
        format!("/producers/{out_id}"),
        format!("/producers/{out_id}/edit"),
        format!("/products/{out_product}"),
        format!("/products/{out_product}/edit"),
    ] {
        let (s, html) = web.get_text(&path).await;
        assert_eq!(s, 403, "{path}");
        assert!(html.contains(MSG_FORBIDDEN), "{path}: forbidden page");
        assert!(
            !html.contains("Trường Giang"),
            "{path}: the 403 page reveals the producer"
        );
        assert!(
            !html.contains("mắc ca"),
            "{path}: the 403 page reveals the product"
        );
    }
    // A forged edit is refused too, and changes nothing.
    let mut f = producer_fields("Đổi tên trái phép", "6200100145", "post2025:03388");
    set_field(&mut f, "version", "1");
    let r = web
        .post_form("/producers/new", &format!("/producers/{out_id}/edit"), &f)
        .await;
    assert_eq!(r.status(), 403);
    let m = producer::Entity::find_by_id(out_id)
        .one(&app.db.conn)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(m.name, outside);

    let (s, html) = web.get_text(&format!("/producers/{in_id}")).await;
    assert_eq!(s, 200);
    assert!(html.contains(inside));
    let (_, list) = web.get_text("/producers").await;
    assert!(list.contains(inside));
    assert!(
        !list.contains("Trường Giang"),
        "list limited to the commune"
    );
    let (_, list) = web.get_text("/products").await;
    assert!(list.contains("Miến dong Bình Lư"));
    assert!(!list.contains("Hạt mắc ca khô"));

    // The product form offers only the commune's producers; a forged producer id is a field error.
    let (_, form) = web.get_text("/products/new").await;
    assert!(form.contains(&format!("<option value=\"{in_id}\">")));
    assert!(!form.contains(&format!("<option value=\"{out_id}\">")));
    let before = product::Entity::find().count(&app.db.conn).await.unwrap();
    let forged = out_id.to_string();
    let (s, html) = text(
        web.post_form(
            "/products/new",
            "/products/new",
            &[
                ("name", "Sản phẩm giả mạo"),
                ("producer_id", &forged),
                ("set_code", "QD26-07"),
                ("status", "idea"),
            ],
        )
        .await,
    )
    .await;
    assert_eq!(s, 422);
    assert!(html.contains("class=\"field-error\" id=\"e-producer_id\""));
    assert!(
        !html.contains("Trường Giang"),
        "the form does not reveal the forged producer"
    );
    assert_eq!(
        product::Entity::find().count(&app.db.conn).await.unwrap(),
        before
    );
}

#[tokio::test]
async fn producer_account_sees_only_its_own_records() {
    let app = TestApp::with_demo().await;
    let own = producer_id_by_name(&app, "HTX Chè Tam Đường (demo)").await;
    let other = producer_id_by_name(&app, "HTX Bình An (demo)").await;
    let own_product = product_id_by_name(&app, "Trà Ô long Tam Đường").await;
    let other_product = product_id_by_name(&app, "Mật ong Mường Tè").await;
    let web = app.web_as("chuthe", DEMO_PASSWORD).await;

    let r = web.get("/producers").await;
    assert_eq!(r.status(), 303);
    assert_eq!(location(&r), format!("/producers/{own}"));
    let (s, html) = web.get_text(&format!("/producers/{own}")).await;
    assert_eq!(s, 200);
    assert!(html.contains("HTX Chè Tam Đường (demo)"));

    for path in [
        format!("/producers/{other}"),
        format!("/products/{other_product}"),
        format!("/products/{other_product}/edit"),
    ] {
        let (s, html) = web.get_text(&path).await;
        assert_eq!(s, 403, "{path}");
        assert!(
            !html.contains("Bình An") && !html.contains("Mường Tè"),
            "{path} leaks the record"
        );
    }
    let (s, _) = web.get_text(&format!("/products/{own_product}")).await;
    assert_eq!(s, 200);

    let (_, list) = web.get_text("/products").await;
    let own_count = product::Entity::find()
        .filter(product::Column::ProducerId.eq(own))
        .count(&app.db.conn)
        .await
        .unwrap();
    assert_eq!(rows(&list, "Tên sản phẩm"), own_count as usize);
    assert!(!list.contains("Mật ong Mường Tè"));
    // A producer's new product always belongs to itself: a forged producer id is
    // refused on its field (nothing created); it may not claim a certification.
    let forged = other.to_string();
    let before = product::Entity::find().count(&app.db.conn).await.unwrap();
    let r = web
        .post_form(
            "/products/new",
            "/products/new",
            &[
                ("name", "Trà mới của chủ thể"),
                ("producer_id", &forged),
                ("set_code", "QD26-11"),
                ("status", "idea"),
            ],
        )
        .await;
    assert_eq!(r.status(), 422);
    assert_eq!(
        product::Entity::find().count(&app.db.conn).await.unwrap(),
        before
    );
    let r = web
        .post_form(
            "/products/new",
            "/products/new",
            &[
                ("name", "Trà mới của chủ thể"),
                ("producer_id", ""),
                ("set_code", "QD26-11"),
                ("status", "idea"),
            ],
        )
        .await;
    assert_eq!(r.status(), 303);
    let created = product::Entity::find_by_id(id_from_location(&location(&r), "/products/"))
        .one(&app.db.conn)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(created.producer_id, own, "the producer's own record");
    let (s, html) = text(
        web.post_form(
            "/products/new",
            "/products/new",
            &[
                ("name", "Trà tự công nhận"),
                ("producer_id", &own.to_string()),
                ("set_code", "QD26-11"),
                ("status", "certified"),
                ("stars", "5"),
            ],
        )
        .await,
    )
    .await;
    assert_eq!(s, 422);
    assert!(html.contains("class=\"field-error\" id=\"e-status\""));
    assert!(product::Entity::find()
        .filter(product::Column::Name.eq("Trà tự công nhận"))
        .one(&app.db.conn)
        .await
        .unwrap()
        .is_none());

    let (_, dash) = web.get_text("/").await;
    assert!(
        !dash.contains("href=\"/units\""),
        "no units menu for producers"
    );
    assert_eq!(web.get_text("/admin/users").await.0, 403);
}

// ---------------------------------------------------------------------------
// History
// ---------------------------------------------------------------------------

#[tokio::test]
async fn producer_history_lists_create_and_update_with_the_change() {
    let (_app, web) = app_with_province_officer().await;
    let id = create_producer(&web, "HTX Lịch Sử", "6200333331", "post2025:03388").await;
    let edit = format!("/producers/{id}/edit");
    let (_, form) = web.get_text(&edit).await;
    let mut f = producer_fields("HTX Lịch Sử", "6200333331", "post2025:03388");
    set_field(&mut f, "phone", "0987654321");
    let version = form_version(&form);
    set_field(&mut f, "version", &version);
    let r = web.post_form(&edit, &edit, &f).await;
    assert_eq!(r.status(), 303);

    let (_, html) = web.get_text(&format!("/producers/{id}")).await;
    assert!(html.contains("Đã lưu"), "saved flash");
    assert!(html.contains("Lịch sử thay đổi"));
    let section = &html[html.find("id=\"h-history\"").expect("history section")..];
    assert_eq!(
        section.matches("<span class=\"when\">").count(),
        2,
        "create + update"
    );
    assert!(section.contains("<span class=\"what\">Tạo mới</span>"));
    assert!(section.contains("<span class=\"what\">Cập nhật</span>"));
    assert!(section.contains("<span class=\"who\">tinh</span>"));
    assert!(
        section.contains("<tr><td>Điện thoại</td><td class=\"before\">0912345678</td><td class=\"after\">0987654321</td></tr>"),
        "changed field with before and after"
    );
    // The update entry lists only what changed.
    let upd = &section[section
        .find("<span class=\"what\">Cập nhật</span>")
        .unwrap()..];
    let upd = &upd[..upd.find("</li>").unwrap()];
    assert_eq!(
        upd.matches("<tr><td>").count(),
        1,
        "only the phone changed: {upd}"
    );
}

// ---------------------------------------------------------------------------
// Language
// ---------------------------------------------------------------------------

#[tokio::test]
async fn language_switch_sets_a_cookie_and_english_pages_follow() {
    let app = TestApp::new().await;
    app.user("fay", Role::Viewer, Some(("12", Period::Post2025)), None)
        .await;
    let web = Web::new(&app.base);
    let (s, vi) = web.get_text("/login").await;
    assert_eq!(s, 200);
    assert!(vi.contains("<html lang=\"vi\">"), "Vietnamese by default");
    assert!(vi.contains("Đăng nhập"));

    let r = web.get("/lang/en?next=/login").await;
    assert_eq!(r.status(), 303);
    assert_eq!(location(&r), "/login");
    let cookie = r
        .headers()
        .get_all("set-cookie")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find(|c| c.starts_with("ocop_lang="))
        .map(String::from);
    assert!(
        cookie
            .as_deref()
            .is_some_and(|c| c.starts_with("ocop_lang=en;") && c.contains("Path=/")),
        "{cookie:?}"
    );

    let (_, en) = web.get_text("/login").await;
    assert!(en.contains("<html lang=\"en\">"));
    assert!(en.contains("Log in"));
    assert!(
        !en.contains("Đăng nhập"),
        "no Vietnamese left on the English login page"
    );

    let (s, bad) = text(web.login("fay", "wrong-password").await).await;
    assert_eq!(s, 401);
    assert!(bad.contains("Wrong username or password."));

    // Off-site targets are not followed.
    let r = web.get("/lang/vi?next=//evil.example").await;
    assert_eq!(location(&r), "/");
    let (_, back) = web.get_text("/login").await;
    assert!(back.contains("<html lang=\"vi\">"));
}

// ---------------------------------------------------------------------------
// Administration of accounts
// ---------------------------------------------------------------------------

#[tokio::test]
async fn admin_pages_are_for_admins_only() {
    let (app, web) = app_with_province_officer().await;
    let (s, html) = web.get_text("/admin/users").await;
    assert_eq!(s, 403);
    assert!(html.contains(MSG_FORBIDDEN));
    assert_eq!(web.get_text("/admin/users/new").await.0, 403);
    let r = web
        .post_form(
            "/",
            "/admin/users/new",
            &[
                ("username", "hacker"),
                ("role", "admin"),
                ("password", "hacker-password-1"),
                ("unit_code", ""),
                ("unit_period", "post2025"),
            ],
        )
        .await;
    assert_eq!(r.status(), 403);
    assert!(ocop_store::users::find_by_username(&app.db.conn, "hacker")
        .await
        .unwrap()
        .is_none());
    let (_, dash) = web.get_text("/").await;
    assert!(!dash.contains("href=\"/admin/users\""), "no admin menu");
}

#[tokio::test]
async fn admin_creates_disables_and_rescopes_users() {
    let app = TestApp::new().await;
    app.user("root", Role::Admin, None, None).await;
    app.user("victim", Role::Viewer, Some(("12", Period::Post2025)), None)
        .await;
    let admin = app.web_as("root", PW).await;
    let victim_web = app.web_as("victim", PW).await;

    // Create.
    let (s, list) = admin.get_text("/admin/users").await;
    assert_eq!(s, 200);
    assert!(list.contains(">victim</a>"));
    let r = admin
        .post_form(
            "/admin/users/new",
            "/admin/users/new",
            &[
                ("username", "moi.canbo"),
                ("display_name", "Cán bộ Mới Thử"),
                ("role", "commune_officer"),
                ("unit_code", "03388"),
                ("unit_period", "post2025"),
                ("producer_id", ""),
                ("password", "mat-khau-moi-2026"),
            ],
        )
        .await;
    assert_eq!(r.status(), 303);
    assert_eq!(location(&r), "/admin/users");
    let (_, list) = admin.get_text("/admin/users").await;
    assert!(list.contains(">moi.canbo</a>"));
    assert!(list.contains("Cán bộ Mới Thử"));
    assert!(list.contains("<td data-label=\"Phạm vi\">03388</td>"));
    let officer = app.web_as("moi.canbo", "mat-khau-moi-2026").await;

    // Unknown unit code: a field error, values kept, password not echoed.
    let (s, html) = text(
        admin
            .post_form(
                "/admin/users/new",
                "/admin/users/new",
                &[
                    ("username", "sai.donvi"),
                    ("display_name", "Sai Đơn Vị"),
                    ("role", "commune_officer"),
                    ("unit_code", "99999"),
                    ("unit_period", "post2025"),
                    ("password", "mat-khau-bi-mat"),
                ],
            )
            .await,
    )
    .await;
    assert_eq!(s, 422);
    assert!(html.contains("class=\"field-error\" id=\"e-unit_code\""));
    assert!(html.contains("Không có đơn vị với mã này trong giai đoạn đã chọn"));
    assert!(html.contains("value=\"sai.donvi\""));
    assert!(!html.contains("mat-khau-bi-mat"), "password never echoed");
    assert!(
        ocop_store::users::find_by_username(&app.db.conn, "sai.donvi")
            .await
            .unwrap()
            .is_none()
    );

    // Disable another user: live session ends, next login shows the disabled message.
    let vid = user_id(&app, "victim").await;
    let page = format!("/admin/users/{vid}");
    let (_, form) = admin.get_text(&page).await;
    let v = form_version(&form);
    let r = admin
        .post_form(
            &page,
            &page,
            &[
                ("display_name", "Test victim"),
                ("role", "viewer"),
                ("unit_code", "12"),
                ("unit_period", "post2025"),
                ("producer_id", ""),
                ("new_password", ""),
                ("disabled", "on"),
                ("version", &v),
            ],
        )
        .await;
    assert_eq!(r.status(), 303);
    let (_, list) = admin.get_text("/admin/users").await;
    let row = &list[list.find(">victim</a>").unwrap()..];
    let row = &row[..row.find("</tr>").unwrap()];
    assert!(
        row.contains("Đã vô hiệu hóa"),
        "list shows the account disabled: {row}"
    );
    assert_eq!(
        victim_web.get("/").await.status(),
        303,
        "the disabled user's session ended"
    );
    let (s, html) = text(Web::new(&app.base).login("victim", PW).await).await;
    assert_eq!(s, 401);
    assert!(html.contains(MSG_DISABLED));

    // Re-scope: from ward 03388 to commune 03390; the list and the access follow.
    let in_390 =
        create_producer(&admin, "HTX Xã Bình Lư Thử", "6200222221", "post2025:03390").await;
    assert_eq!(
        officer.get_text(&format!("/producers/{in_390}")).await.0,
        403
    );
    let oid = user_id(&app, "moi.canbo").await;
    let page = format!("/admin/users/{oid}");
    let (_, form) = admin.get_text(&page).await;
    assert!(form.contains("name=\"unit_code\" type=\"text\" value=\"03388\""));
    let v = form_version(&form);
    let r = admin
        .post_form(
            &page,
            &page,
            &[
                ("display_name", "Cán bộ Mới Thử"),
                ("role", "commune_officer"),
                ("unit_code", "03390"),
                ("unit_period", "post2025"),
                ("producer_id", ""),
                ("new_password", ""),
                ("version", &v),
            ],
        )
        .await;
    assert_eq!(r.status(), 303);
    let (_, list) = admin.get_text("/admin/users").await;
    let row = &list[list.find(">moi.canbo</a>").unwrap()..];
    let row = &row[..row.find("</tr>").unwrap()];
    assert!(
        row.contains("<td data-label=\"Phạm vi\">03390</td>"),
        "new unit in the list: {row}"
    );
    assert_eq!(
        officer.get_text(&format!("/producers/{in_390}")).await.0,
        200,
        "new scope applies at once"
    );

    // Re-scope to an unknown code: field error, nothing changed.
    let (_, form) = admin.get_text(&page).await;
    let v = form_version(&form);
    let (s, html) = text(
        admin
            .post_form(
                &page,
                &page,
                &[
                    ("display_name", "Cán bộ Mới Thử"),
                    ("role", "commune_officer"),
                    ("unit_code", "00000"),
                    ("unit_period", "post2025"),
                    ("version", &v),
                ],
            )
            .await,
    )
    .await;
    assert_eq!(s, 422);
    assert!(html.contains("class=\"field-error\" id=\"e-unit_code\""));
    let u = ocop_store::users::find_by_username(&app.db.conn, "moi.canbo")
        .await
        .unwrap()
        .unwrap();
    assert_eq!(u.unit_code.as_deref(), Some("03390"));
}

// ---------------------------------------------------------------------------
// Account: password change
// ---------------------------------------------------------------------------

/// `ocop_store::users::change_password` is documented to end the user's other
/// sessions; a stolen session must not survive the owner changing the password.
#[tokio::test]
async fn password_change_ends_the_other_sessions() {
    let app = TestApp::new().await;
    app.user("gina", Role::Viewer, Some(("12", Period::Post2025)), None)
        .await;
    let mine = app.web_as("gina", PW).await;
    let stolen = app.web_as("gina", PW).await;
    let (s, html) = text(
        mine.post_form(
            "/account",
            "/account",
            &[
                ("old_password", PW),
                ("new_password", "a-new-password-9"),
                ("new_password2", "a-new-password-9"),
            ],
        )
        .await,
    )
    .await;
    assert_eq!(s, 303, "{}", &html[..html.len().min(2000)]);
    let (s, html) = mine.get_text("/account").await;
    assert_eq!(s, 200, "the session that changed the password continues");
    assert!(html.contains("Đã đổi mật khẩu"));
    let r = stolen.get("/").await;
    assert_eq!(
        r.status(),
        303,
        "another session of the user survived the password change"
    );
}

// ---------------------------------------------------------------------------
// Units
// ---------------------------------------------------------------------------

#[tokio::test]
async fn units_pages_show_the_province_and_the_reform_mapping() {
    let (_app, web) = app_with_province_officer().await;
    let (s, html) = web.get_text("/units").await;
    assert_eq!(s, 200);
    assert!(html.contains("Tỉnh Lai Châu"));
    assert_eq!(
        rows(&html, "Mã"),
        38,
        "38 current communes and wards of Lai Châu"
    );
    assert!(html.contains("Phường Đoàn Kết"));
    assert!(html.contains("Xã Bình Lư"));

    let (s, html) = web.get_text("/units/pre2025/03391").await;
    assert_eq!(s, 200);
    let succ = &html[html.find("id=\"successor\"").expect("successor shown")..];
    let succ = &succ[..succ.find("</dd>").unwrap()];
    assert!(
        succ.contains("Phường Đoàn Kết") && succ.contains("03388"),
        "{succ}"
    );
    assert!(html.contains("Xã Lản Nhì Thàng"), "alias shown");
    assert!(html.contains("đến 30/06/2025"));

    let (_, html) = web.get_text("/units/post2025/03388").await;
    let preds = &html[html.find("id=\"predecessors\"").expect("predecessors")..];
    assert!(preds.contains("/units/pre2025/03391"));

    assert_eq!(web.get_text("/units/post2025/99999").await.0, 404);
    assert_eq!(web.get_text("/units/1999/03388").await.0, 404);
}

// ---------------------------------------------------------------------------
// Page weight, headers, metrics
// ---------------------------------------------------------------------------

#[tokio::test]
async fn pages_and_assets_weigh_under_100_kb_compressed() {
    let app = TestApp::with_demo().await;
    let web = app.web_as("tinh", DEMO_PASSWORD).await;
    let anon = Web::new(&app.base);
    let mut total = 0usize;
    let mut report = Vec::new();
    for (client, path) in [
        (&web, "/"),
        (&web, "/producers"),
        (&web, "/products"),
        (&anon, "/login"),
        (&anon, "/static/app.css"),
        (&anon, "/static/app.js"),
        (&anon, "/static/htmx.min.js"),
    ] {
        let r = client
            .client
            .get(app.url(path))
            .header("accept-encoding", "gzip")
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 200, "{path}");
        let enc = r
            .headers()
            .get("content-encoding")
            .and_then(|v| v.to_str().ok())
            .unwrap_or("")
            .to_string();
        assert_eq!(enc, "gzip", "{path} is sent compressed");
        let body = r.bytes().await.unwrap();
        assert!(body.starts_with(&[0x1f, 0x8b]), "{path}: gzip bytes");
        total += body.len();
        report.push(format!("{path}={}", body.len()));
    }
    eprintln!("page weight: total {total} bytes: {}", report.join(", "));
    assert!(
        total < 100 * 1024,
        "total {total} bytes: {}",
        report.join(", ")
    );
    // Without Accept-Encoding the page is plain.
    let r = web.get("/products").await;
    assert!(r.headers().get("content-encoding").is_none());
}

#[tokio::test]
async fn responses_carry_request_ids_and_metrics_count_requests() {
    let (app, web) = app_with_province_officer().await;
    let a = web.get("/producers").await;
    let b = web.get("/producers").await;
    let id_a = a
        .headers()
        .get("x-request-id")
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .to_string();
    let id_b = b
        .headers()
        .get("x-request-id")
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .to_string();
    assert!(!id_a.is_empty() && !id_b.is_empty());
    assert_ne!(id_a, id_b, "one id per request");
    let r = web
        .client
        .get(app.url("/login"))
        .header("x-request-id", "trace-abc-123")
        .send()
        .await
        .unwrap();
    assert_eq!(
        r.headers().get("x-request-id").unwrap(),
        "trace-abc-123",
        "incoming id propagated"
    );
    let r = web.get("/static/app.css").await;
    assert!(
        r.headers().get("x-request-id").is_some(),
        "static files too"
    );
    assert_eq!(
        r.headers().get("cache-control").unwrap(),
        "public, max-age=86400"
    );
    assert_eq!(
        a.headers().get("cache-control").unwrap(),
        "no-store",
        "pages are not cached"
    );

    let (s, m) = Web::new(&app.base).get_text("/metrics").await;
    assert_eq!(s, 200);
    assert!(m.contains("ocop_http_requests_total"));
    assert!(
        m.contains("route=\"/producers\",status=\"2xx\"} 2"),
        "page requests counted by route:\n{m}"
    );
}
