//! `TestApp`: a running server on a fresh database, and helpers to act as a user.

#![allow(dead_code)]

use ocop_domain::roles::Role;
use ocop_domain::units::Period;
use ocop_store::{audit::Actor, connect, demo, migrations, users, Db, OpenMode};
use std::net::SocketAddr;

/// Password of every account made by [`TestApp::user`].
pub const PW: &str = "password-123";

pub struct TestApp {
    pub addr: SocketAddr,
    pub base: String,
    pub db: Db,
    /// "sqlite" or "postgres".
    pub backend: &'static str,
    _dir: Option<TempDir>,
}

/// A temporary folder removed on drop.
pub struct TempDir(pub std::path::PathBuf);

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

fn rand_hex() -> String {
    ocop_store::users::random_token(6)
}

/// A fresh, migrated database with the Lai Châu units: SQLite in a temp folder, or a
/// new database on the PostgreSQL server of `TEST_DATABASE_URL`.
pub async fn fresh_db() -> (Db, &'static str, Option<TempDir>) {
    match std::env::var("TEST_DATABASE_URL")
        .ok()
        .filter(|s| !s.is_empty())
    {
        Some(url) => {
            let admin = connect(&url, OpenMode::MustExist)
                .await
                .expect("TEST_DATABASE_URL reachable");
            let name = format!("ocop_t_{}", rand_hex());
            use sea_orm::ConnectionTrait;
            admin
                .conn
                .execute_unprepared(&format!("CREATE DATABASE {name}"))
                .await
                .expect("create test database");
            let mut u = url::Url::parse(&url).expect("url");
            u.set_path(&format!("/{name}"));
            let db = connect(u.as_str(), OpenMode::MustExist)
                .await
                .expect("connect test db");
            migrations::run(&db.conn).await.expect("migrate");
            demo::ensure_units(&db.conn).await.expect("units");
            (db, "postgres", None)
        }
        None => {
            let dir = std::env::temp_dir().join(format!("ocop-test-{}", rand_hex()));
            std::fs::create_dir_all(&dir).unwrap();
            let url = format!("sqlite://{}/t.db", dir.display());
            let db = connect(&url, OpenMode::CreateFile).await.expect("sqlite");
            migrations::run(&db.conn).await.expect("migrate");
            demo::ensure_units(&db.conn).await.expect("units");
            (db, "sqlite", Some(TempDir(dir)))
        }
    }
}

impl TestApp {
    /// A server on an empty registry (units loaded).
    pub async fn new() -> TestApp {
        TestApp::with_config(ocop_web::WebConfig::default()).await
    }

    /// A server with these web settings.
    pub async fn with_config(cfg: ocop_web::WebConfig) -> TestApp {
        let (db, backend, dir) = fresh_db().await;
        let state = ocop_web::AppState::new(db.clone(), cfg);
        let app = ocop_web::router(state);
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        tokio::spawn(async move {
            let _ = ocop_web::axum::serve(
                listener,
                app.into_make_service_with_connect_info::<SocketAddr>(),
            )
            .await;
        });
        TestApp {
            addr,
            base: format!("http://{addr}"),
            db,
            backend,
            _dir: dir,
        }
    }

    /// A server with the Lai Châu demo loaded (accounts: see `ocop_store::demo`).
    pub async fn with_demo() -> TestApp {
        let app = TestApp::new().await;
        demo::load(&app.db.conn).await.expect("demo");
        app
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    /// Creates an account with password [`PW`]. `unit` = (code, period).
    pub async fn user(
        &self,
        username: &str,
        role: Role,
        unit: Option<(&str, Period)>,
        producer_id: Option<i64>,
    ) -> i64 {
        let unit = match unit {
            Some((code, period)) => {
                let u = ocop_store::units::find(&self.db.conn, code, period)
                    .await
                    .unwrap()
                    .expect("unit exists");
                Some((u.code, period, u.path))
            }
            None => None,
        };
        users::create(
            &self.db.conn,
            &Actor::system("test"),
            users::NewUser {
                username: username.into(),
                display_name: format!("Test {username}"),
                password: PW.into(),
                role,
                unit,
                producer_id,
            },
        )
        .await
        .expect("create user")
        .id
    }

    /// An API token for a user.
    pub async fn token(&self, username: &str, password: &str) -> String {
        let r = reqwest::Client::new()
            .post(self.url("/api/v1/auth/token"))
            .json(&serde_json::json!({"username": username, "password": password}))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 200, "token for {username}");
        r.json::<serde_json::Value>().await.unwrap()["token"]
            .as_str()
            .unwrap()
            .to_string()
    }

    /// An API client that sends a bearer token.
    pub async fn api_as(&self, username: &str) -> Api {
        Api {
            token: self.token(username, PW).await,
            base: self.base.clone(),
            client: reqwest::Client::new(),
        }
    }

    /// An API client for a demo account (password `demo-ocop-2026`).
    pub async fn api_demo(&self, username: &str) -> Api {
        Api {
            token: self.token(username, "demo-ocop-2026").await,
            base: self.base.clone(),
            client: reqwest::Client::new(),
        }
    }

    /// A browser-like client (cookies, no redirects followed) logged in as `username`.
    pub async fn web_as(&self, username: &str, password: &str) -> Web {
        let w = Web::new(&self.base);
        let r = w.login(username, password).await;
        assert_eq!(r.status(), 303, "login as {username}");
        w
    }
}

/// JSON API client.
pub struct Api {
    pub token: String,
    pub base: String,
    pub client: reqwest::Client,
}

impl Api {
    pub async fn get(&self, path: &str) -> (u16, serde_json::Value) {
        let r = self
            .client
            .get(format!("{}{path}", self.base))
            .bearer_auth(&self.token)
            .send()
            .await
            .unwrap();
        let s = r.status().as_u16();
        (s, r.json().await.unwrap_or(serde_json::Value::Null))
    }
    pub async fn post(&self, path: &str, body: serde_json::Value) -> (u16, serde_json::Value) {
        let r = self
            .client
            .post(format!("{}{path}", self.base))
            .bearer_auth(&self.token)
            .json(&body)
            .send()
            .await
            .unwrap();
        let s = r.status().as_u16();
        (s, r.json().await.unwrap_or(serde_json::Value::Null))
    }
    pub async fn put(&self, path: &str, body: serde_json::Value) -> (u16, serde_json::Value) {
        let r = self
            .client
            .put(format!("{}{path}", self.base))
            .bearer_auth(&self.token)
            .json(&body)
            .send()
            .await
            .unwrap();
        let s = r.status().as_u16();
        (s, r.json().await.unwrap_or(serde_json::Value::Null))
    }
}

/// A cookie-keeping HTTP client that acts like a browser without JavaScript.
pub struct Web {
    pub base: String,
    pub client: reqwest::Client,
}

impl Web {
    pub fn new(base: &str) -> Web {
        Web {
            base: base.to_string(),
            client: reqwest::Client::builder()
                .cookie_store(true)
                .redirect(reqwest::redirect::Policy::none())
                .build()
                .unwrap(),
        }
    }

    pub async fn get(&self, path: &str) -> reqwest::Response {
        self.client
            .get(format!("{}{path}", self.base))
            .send()
            .await
            .unwrap()
    }

    pub async fn get_text(&self, path: &str) -> (u16, String) {
        let r = self.get(path).await;
        let s = r.status().as_u16();
        (s, r.text().await.unwrap())
    }

    /// The CSRF token of the page at `path` (from its `<meta name="csrf-token">`).
    pub async fn csrf(&self, path: &str) -> String {
        let (_, html) = self.get_text(path).await;
        extract_csrf(&html)
    }

    /// Posts a form (with the CSRF token of `form_page` added).
    pub async fn post_form(
        &self,
        form_page: &str,
        action: &str,
        fields: &[(&str, &str)],
    ) -> reqwest::Response {
        let token = self.csrf(form_page).await;
        let mut all: Vec<(&str, &str)> = fields.to_vec();
        all.push(("csrf_token", &token));
        self.client
            .post(format!("{}{action}", self.base))
            .form(&all)
            .send()
            .await
            .unwrap()
    }

    pub async fn login(&self, username: &str, password: &str) -> reqwest::Response {
        self.post_form(
            "/login",
            "/login",
            &[
                ("username", username),
                ("password", password),
                ("next", "/"),
            ],
        )
        .await
    }
}

pub fn extract_csrf(html: &str) -> String {
    let marker = "name=\"csrf-token\" content=\"";
    let i = html.find(marker).expect("csrf meta") + marker.len();
    html[i..i + html[i..].find('"').unwrap()].to_string()
}

/// Gives a dossier every document the QĐ 26/2026 checklist requires (small PDFs).
pub async fn attach_required_docs(app: &TestApp, dossier_id: i64) {
    attach_docs(
        app,
        dossier_id,
        &[
            "registration_form",
            "self_assessment_report",
            "business_registration",
            "label_packaging",
            "product_samples",
        ],
    )
    .await
}

/// Gives a dossier a small PDF of each of these document types.
pub async fn attach_docs(app: &TestApp, dossier_id: i64, types: &[&str]) {
    let db = &app.db.conn;
    let d = ocop_store::dossiers::get(db, dossier_id).await.unwrap();
    let files = ocop_store::documents::LocalStore {
        root: std::env::temp_dir().join("ocop-files"),
    };
    let actor = Actor::system("test");
    for &t in types {
        let bytes = format!("%PDF-1.4 {t} {dossier_id}");
        let doc = ocop_store::documents::add(
            db,
            &files,
            &actor,
            ocop_store::documents::NewDocument {
                producer_id: d.producer_id,
                doc_type: t,
                title: t,
                filename: "x.pdf",
                content_type: "application/pdf",
                valid_until: None,
                bytes: bytes.as_bytes(),
            },
        )
        .await
        .unwrap();
        ocop_store::documents::attach(db, &actor, dossier_id, doc.id)
            .await
            .unwrap();
    }
}

/// The first demo product whose name matches `q`.
pub async fn demo_product(app: &TestApp, q: &str) -> ocop_store::entities::product::Model {
    ocop_store::registry::list_products(
        &app.db.conn,
        &ocop_domain::roles::Scope::All,
        &ocop_store::registry::ProductFilter {
            q: Some(q.into()),
            page: 1,
            per_page: 1,
            ..Default::default()
        },
    )
    .await
    .unwrap()
    .items
    .into_iter()
    .next()
    .unwrap_or_else(|| panic!("the demo has a product matching {q:?}"))
}

/// Opens a dossier for a product through its page; returns the dossier's page and id.
pub async fn open_dossier(web: &Web, product_id: i64, kind: &str, stars: &str) -> (String, i64) {
    let ppage = format!("/products/{product_id}");
    let r = web
        .post_form(
            &ppage,
            &format!("{ppage}/dossiers"),
            &[("kind", kind), ("target_stars", stars)],
        )
        .await;
    assert_eq!(r.status(), 303, "a dossier opens");
    let dpage = r.headers()["location"].to_str().unwrap().to_string();
    let id = dpage.strip_prefix("/dossiers/").unwrap().parse().unwrap();
    (dpage, id)
}

/// A council of `level` over a unit, its members with accounts (password [`PW`],
/// named "Ông/Bà {username}") and a meeting session held on `held_on`. Set up through
/// the store: the forms for it have their own tests. Returns the council, the members
/// (in order) and the session.
pub async fn council_with_session(
    app: &TestApp,
    level: &str,
    unit: (&str, Period),
    members: &[(&str, ocop_domain::council::MemberRole)],
    held_on: chrono::NaiveDate,
) -> (i64, Vec<i64>, i64) {
    use ocop_store::councils as cs;
    let db = &app.db.conn;
    let actor = Actor::system("test");
    let u = ocop_store::units::find(db, unit.0, unit.1)
        .await
        .unwrap()
        .expect("unit exists");
    let council = cs::create_council(
        db,
        &actor,
        &format!("Hội đồng thử {level}"),
        level,
        (u.code.clone(), unit.1.as_str().into(), u.path.clone()),
    )
    .await
    .unwrap();
    let mut ids = Vec::new();
    for (username, role) in members {
        let uid = app
            .user(username, Role::CouncilMember, Some(unit), None)
            .await;
        let m = cs::add_member(
            db,
            &actor,
            council.id,
            Some(uid),
            &format!("Ông/Bà {username}"),
            "",
            *role,
        )
        .await
        .unwrap();
        ids.push(m.id);
    }
    let session = cs::create_session(
        db,
        &actor,
        council.id,
        "Phiên thử",
        held_on,
        ocop_domain::council::SessionMode::Meeting,
    )
    .await
    .unwrap();
    (council.id, ids, session.id)
}

/// The province's standing agency takes a forwarded file on `on` (QĐ 26/2026 Art.
/// 7.3.a, c): accepts it for the council and records the advisory team's report to
/// the chair, dated `on`. Panics unless the dossier is in `province_check`.
pub async fn province_accepts(db: &sea_orm::DatabaseConnection, id: i64, on: chrono::NaiveDate) {
    let lib = ocop_domain::rulebook::Library::embedded();
    let actor = Actor::system("test");
    let d = ocop_store::dossiers::get(db, id).await.unwrap();
    assert_eq!(
        d.state, "province_check",
        "dossier {id} waits for the province's check"
    );
    ocop_store::dossiers::transition(
        db,
        &lib,
        &actor,
        Role::ProvinceOfficer,
        id,
        d.version,
        &ocop_domain::dossier::Event::Accept,
        on,
    )
    .await
    .unwrap_or_else(|e| panic!("accept dossier {id}: {e:?}"));
    let version = ocop_store::province_steps::advisory_report(db, id)
        .await
        .unwrap()
        .map(|r| r.version)
        .unwrap_or(0);
    ocop_store::province_steps::record_advisory_report(
        db,
        &actor,
        Role::ProvinceOfficer,
        true,
        id,
        version,
        &ocop_domain::workflow::AdvisoryReport {
            reference: format!("{id}/BC-TTV"),
            sent_to_chair_on: Some(on),
            field_survey_on: None,
            lab_tests: String::new(),
            findings: "Hồ sơ đầy đủ, đúng thành phần".into(),
            recommendation: "Đề nghị Hội đồng đánh giá".into(),
        },
        on.max(ocop_domain::format::today_vn()),
    )
    .await
    .unwrap_or_else(|e| panic!("advisory report of dossier {id}: {e:?}"));
}

/// After a step: a file that reached the province is accepted and reported on, so
/// that step lists written for "forward → council" keep their meaning.
pub async fn through_province_check(
    db: &sea_orm::DatabaseConnection,
    id: i64,
    on: chrono::NaiveDate,
) {
    if ocop_store::dossiers::get(db, id).await.unwrap().state == "province_check" {
        province_accepts(db, id, on).await;
    }
}
