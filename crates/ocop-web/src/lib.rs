//! The web layer: server-rendered pages, the JSON API and operational endpoints.
//!
//! Handlers extract and authorise, call the store and domain, then render. Business
//! rules are not decided here (see `ocop-domain`).

pub use axum;

pub mod api;
pub mod auth;
pub mod error;
pub mod i18n;
pub mod metrics;
pub mod news_public;
pub mod pages;
pub mod public;
pub mod statics;
pub mod trade_public;
pub mod trade_tables;

use axum::extract::DefaultBodyLimit;
use axum::http::{HeaderName, HeaderValue, Request};
use axum::Router;
use ocop_store::Db;
use std::sync::Arc;
use tower_http::compression::CompressionLayer;
use tower_http::request_id::{
    MakeRequestId, PropagateRequestIdLayer, RequestId, SetRequestIdLayer,
};
use tower_http::trace::TraceLayer;

/// Largest request body accepted (forms and JSON). Larger bodies get a clear 413.
pub const MAX_BODY_BYTES: usize = 2 * 1024 * 1024;

/// Settings the web layer needs.
#[derive(Debug, Clone, Default)]
pub struct WebConfig {
    /// Show the "demo data" banner.
    pub demo: bool,
    /// Mark cookies `Secure` (behind HTTPS).
    pub secure_cookies: bool,
    /// Public base URL printed in QR codes (`https://ocop.laichau.gov.vn`); when
    /// absent, taken from the request's Host header.
    pub public_url: Option<String>,
    /// Requests per minute per client address on public endpoints; 0 = no limit.
    pub public_rate_limit: u32,
    /// Folder of uploaded documents (`OCOP_FILES_DIR`); a temporary folder when unset.
    pub files_dir: Option<std::path::PathBuf>,
    /// The date the system works on, for training copies and tests that replay a
    /// period (`OCOP_TODAY`); `None` = today in Vietnam. Shown in the banner when set.
    pub today: Option<chrono::NaiveDate>,
    /// Serve `/metrics` to anyone (`OCOP_METRICS_PUBLIC`). Off by default: then only
    /// requests from the machine itself (loopback, not forwarded by a proxy) or with
    /// an administrator's API token get it.
    pub metrics_public: bool,
}

/// Shared state of every handler.
#[derive(Clone)]
pub struct AppState {
    pub db: Db,
    pub cfg: Arc<WebConfig>,
    pub metrics: Arc<metrics::Metrics>,
    /// Rulebooks and criteria sheets.
    pub library: Arc<ocop_domain::rulebook::Library>,
    /// Per-client counters of the public endpoints' rate limit.
    pub limiter: Arc<public::Limiter>,
    /// Where uploaded documents are kept.
    pub files: Arc<dyn ocop_store::documents::FileStore>,
    /// Failed logins per client address.
    pub login_throttle: Arc<auth::LoginThrottle>,
}

impl AppState {
    /// The date deadlines, statuses and the rulebook in force are judged on: today
    /// in Vietnam, unless the configuration pins a date.
    pub fn today(&self) -> chrono::NaiveDate {
        self.cfg.today.unwrap_or_else(ocop_domain::format::today_vn)
    }

    /// State with the embedded rulebooks.
    pub fn new(db: Db, cfg: WebConfig) -> AppState {
        AppState::with_library(db, cfg, ocop_domain::rulebook::Library::embedded())
    }

    pub fn with_library(
        db: Db,
        cfg: WebConfig,
        library: ocop_domain::rulebook::Library,
    ) -> AppState {
        let root = cfg
            .files_dir
            .clone()
            .unwrap_or_else(|| std::env::temp_dir().join("ocop-files"));
        AppState {
            files: Arc::new(ocop_store::documents::LocalStore { root }),
            db,
            cfg: Arc::new(cfg),
            metrics: Arc::new(metrics::Metrics::default()),
            library: Arc::new(library),
            limiter: Arc::new(public::Limiter::default()),
            login_throttle: Arc::new(auth::LoginThrottle::default()),
        }
    }
}

static REQUEST_ID: HeaderName = HeaderName::from_static("x-request-id");

#[derive(Clone, Default)]
struct RandomRequestId;

impl MakeRequestId for RandomRequestId {
    fn make_request_id<B>(&mut self, _: &Request<B>) -> Option<RequestId> {
        let id = ocop_store::users::random_token(8);
        HeaderValue::from_str(&id).ok().map(RequestId::new)
    }
}

/// The Content-Security-Policy of every response: only our own scripts, styles and
/// images (no inline code anywhere), never framed, forms only to ourselves.
pub const CSP: &str = "default-src 'self'; frame-ancestors 'none'; base-uri 'self'; \
                       form-action 'self'; object-src 'none'";

/// Adds the security headers to every response (pages, API, assets, errors).
/// `Strict-Transport-Security` only when the site is served over HTTPS
/// (`secure_cookies`), so a plain-HTTP test or intranet install is never pinned.
async fn security_headers(
    axum::extract::State(st): axum::extract::State<AppState>,
    req: axum::extract::Request,
    next: axum::middleware::Next,
) -> axum::response::Response {
    use axum::http::header;
    let mut r = next.run(req).await;
    let h = r.headers_mut();
    h.insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static(CSP),
    );
    h.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    h.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    h.insert(
        header::REFERRER_POLICY,
        HeaderValue::from_static("same-origin"),
    );
    if st.cfg.secure_cookies {
        h.insert(
            header::STRICT_TRANSPORT_SECURITY,
            HeaderValue::from_static("max-age=31536000; includeSubDomains"),
        );
    }
    r
}

/// The whole application router with its middleware.
pub fn router(state: AppState) -> Router {
    let trace = TraceLayer::new_for_http().make_span_with(|req: &Request<_>| {
        let id = req
            .headers()
            .get("x-request-id")
            .and_then(|v| v.to_str().ok())
            .unwrap_or("-");
        tracing::info_span!("request", request_id = %id, method = %req.method(), path = %req.uri().path())
    });
    Router::new()
        .merge(pages::routes())
        .merge(public::routes(state.clone()))
        .merge(news_public::routes())
        .merge(api::routes())
        .merge(statics::routes())
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            metrics::track,
        ))
        .layer(DefaultBodyLimit::max(MAX_BODY_BYTES))
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            security_headers,
        ))
        .layer(CompressionLayer::new())
        .layer(PropagateRequestIdLayer::new(REQUEST_ID.clone()))
        .layer(trace)
        .layer(SetRequestIdLayer::new(REQUEST_ID.clone(), RandomRequestId))
        .with_state(state)
}
