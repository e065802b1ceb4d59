//! Who is asking: web sessions (cookie), API tokens (Bearer), the interface
//! language, and CSRF protection of every form.
//!
//! CSRF: a logged-in form carries the session's token; the login form carries a
//! token bound to a short-lived `ocop_csrf` cookie. Cross-site requests are also
//! refused by their `Origin` / `Sec-Fetch-Site` headers.

use crate::error::{ApiError, AppError};
use crate::i18n::Lang;
use crate::AppState;
use axum::body::Bytes;
use axum::extract::{FromRequest, FromRequestParts, Request};
use axum::http::request::Parts;
use axum::http::{HeaderMap, Method};
use ocop_domain::roles::Principal;
use ocop_store::entities::{session, user};
use ocop_store::users;

pub const SESSION_COOKIE: &str = "ocop_session";
pub const CSRF_COOKIE: &str = "ocop_csrf";
pub const LANG_COOKIE: &str = "ocop_lang";
pub const FLASH_COOKIE: &str = "ocop_flash";

/// Reads a cookie by name.
pub fn cookie<'a>(headers: &'a HeaderMap, name: &str) -> Option<&'a str> {
    headers
        .get_all(axum::http::header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|kv| kv.trim().split_once('='))
        .find(|(k, _)| *k == name)
        .map(|(_, v)| v)
}

/// The interface language: the `ocop_lang` cookie, else Vietnamese.
pub fn lang_of(headers: &HeaderMap) -> Lang {
    match cookie(headers, LANG_COOKIE) {
        Some("en") => Lang::En,
        _ => Lang::Vi,
    }
}

/// A `Set-Cookie` value.
pub fn set_cookie(name: &str, value: &str, max_age_secs: Option<i64>, secure: bool) -> String {
    let mut c = format!("{name}={value}; Path=/; HttpOnly; SameSite=Lax");
    if let Some(a) = max_age_secs {
        c.push_str(&format!("; Max-Age={a}"));
    }
    if secure {
        c.push_str("; Secure");
    }
    c
}

/// The request context of a page: language, the logged-in user (if any), the flash
/// message and what CSRF token the page's forms must carry.
#[derive(Clone)]
pub struct Ctx {
    pub lang: Lang,
    pub session: Option<session::Model>,
    pub user: Option<user::Model>,
    pub principal: Option<Principal>,
    /// A session cookie was sent but is no longer valid.
    pub expired: bool,
    pub anon_csrf: Option<String>,
    pub flash: Option<String>,
    /// Path and query of the request, to come back after login.
    pub path: String,
    pub state: AppState,
}

impl Ctx {
    /// The logged-in principal, or a redirect to the login page.
    pub fn require(&self) -> Result<(&Principal, &user::Model), AppError> {
        match (&self.principal, &self.user) {
            (Some(p), Some(u)) => Ok((p, u)),
            _ => Err(AppError::LoginRequired {
                next: self.path.clone(),
                expired: self.expired,
            }),
        }
    }

    /// The CSRF token the page's forms must carry.
    pub fn csrf_token(&self) -> String {
        match (&self.session, &self.anon_csrf) {
            (Some(s), _) => s.csrf_token.clone(),
            (None, Some(t)) => t.clone(),
            (None, None) => String::new(),
        }
    }

    pub fn actor(&self) -> ocop_store::audit::Actor {
        match &self.user {
            Some(u) => ocop_store::audit::Actor {
                id: Some(u.id),
                name: u.username.clone(),
            },
            None => ocop_store::audit::Actor::system("anonymous"),
        }
    }
}

impl FromRequestParts<AppState> for Ctx {
    type Rejection = AppError;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        let headers = &parts.headers;
        let lang = lang_of(headers);
        let mut ctx = Ctx {
            lang,
            session: None,
            user: None,
            principal: None,
            expired: false,
            anon_csrf: cookie(headers, CSRF_COOKIE).map(String::from),
            flash: cookie(headers, FLASH_COOKIE).map(String::from),
            path: parts
                .uri
                .path_and_query()
                .map(|p| p.as_str().to_string())
                .unwrap_or_else(|| "/".into()),
            state: state.clone(),
        };
        if let Some(token) = cookie(headers, SESSION_COOKIE).filter(|t| !t.is_empty()) {
            match users::session_user(&state.db.conn, token).await? {
                Some((s, u)) => {
                    ctx.principal = Some(users::principal(&u));
                    ctx.session = Some(s);
                    ctx.user = Some(u);
                }
                None => ctx.expired = true,
            }
        }
        Ok(ctx)
    }
}

/// Parsed `application/x-www-form-urlencoded` fields. Lenient by design: a missing
/// or repeated field never fails the request; validation reports it per field.
#[derive(Debug, Clone, Default)]
pub struct Fields(pub Vec<(String, String)>);

impl Fields {
    pub fn get(&self, name: &str) -> &str {
        self.0
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
            .unwrap_or("")
    }
    /// An HTML checkbox: present (any value) means checked.
    pub fn checked(&self, name: &str) -> bool {
        self.0.iter().any(|(k, v)| k == name && !v.is_empty())
    }
}

/// A multipart form (an upload) read whole, its CSRF token and origin checked.
pub struct Upload {
    /// Text fields, NFC-normalised.
    pub fields: std::collections::HashMap<String, String>,
    /// The file field: its name as sent and its bytes.
    pub file: Option<(String, Vec<u8>)>,
    /// The body hit the size limit: the file is not there.
    pub too_large: bool,
}

impl Upload {
    /// Reads every field, keeping `file_field` as the file. A body cut off by the size
    /// limit may have lost its token: then only the origin is checked, and the caller
    /// answers "too large" after its own access check.
    pub async fn read(
        ctx: &Ctx,
        headers: &HeaderMap,
        multipart: Result<axum::extract::Multipart, axum::extract::multipart::MultipartRejection>,
        file_field: &str,
    ) -> Result<Upload, AppError> {
        use axum::http::StatusCode;
        let mut multipart = multipart.map_err(|_| AppError::BadRequest)?;
        let mut u = Upload {
            fields: Default::default(),
            file: None,
            too_large: false,
        };
        loop {
            let field = match multipart.next_field().await {
                Ok(Some(field)) => field,
                Ok(None) => break,
                Err(e) if e.status() == StatusCode::PAYLOAD_TOO_LARGE => {
                    u.too_large = true;
                    break;
                }
                Err(_) => return Err(AppError::BadRequest),
            };
            let name = field.name().unwrap_or_default().to_string();
            let filename = field.file_name().unwrap_or_default().to_string();
            match field.bytes().await {
                Ok(b) if name == file_field => u.file = Some((filename, b.to_vec())),
                Ok(b) => {
                    u.fields
                        .insert(name, ocop_domain::text::nfc(&String::from_utf8_lossy(&b)));
                }
                Err(e) if e.status() == StatusCode::PAYLOAD_TOO_LARGE => {
                    u.too_large = true;
                    break;
                }
                Err(_) => return Err(AppError::BadRequest),
            }
        }
        let token = u.fields.get("csrf_token").map(String::as_str).unwrap_or("");
        if !same_origin(headers) || (!u.too_large && !tokens_equal(token, &ctx.csrf_token())) {
            return Err(AppError::Csrf);
        }
        Ok(u)
    }
}

/// A form POST whose CSRF token and origin were checked.
pub struct Posted {
    pub ctx: Ctx,
    pub fields: Fields,
}

/// Is the request from our own pages (no cross-site `Origin` / `Sec-Fetch-Site`)?
pub fn same_origin(headers: &HeaderMap) -> bool {
    if let Some(site) = headers.get("sec-fetch-site").and_then(|v| v.to_str().ok()) {
        if site == "cross-site" {
            return false;
        }
    }
    match (
        headers.get("origin").and_then(|v| v.to_str().ok()),
        headers.get("host").and_then(|v| v.to_str().ok()),
    ) {
        (Some("null"), _) => false,
        (Some(origin), Some(host)) => origin
            .split_once("://")
            .map(|(_, h)| h.trim_end_matches('/') == host)
            .unwrap_or(false),
        _ => true,
    }
}

/// Constant-time comparison of two tokens.
pub fn tokens_equal(a: &str, b: &str) -> bool {
    a.len() == b.len()
        && a.bytes()
            .zip(b.bytes())
            .fold(0u8, |acc, (x, y)| acc | (x ^ y))
            == 0
}

impl FromRequest<AppState> for Posted {
    type Rejection = AppError;

    async fn from_request(req: Request, state: &AppState) -> Result<Self, Self::Rejection> {
        let (mut parts, body) = req.into_parts();
        let ctx = Ctx::from_request_parts(&mut parts, state).await?;
        if parts.method != Method::POST {
            return Err(AppError::BadRequest);
        }
        let header_token = parts
            .headers
            .get("x-csrf-token")
            .and_then(|v| v.to_str().ok())
            .map(String::from);
        let origin_ok = same_origin(&parts.headers);
        let req = Request::from_parts(parts, body);
        let bytes = Bytes::from_request(req, state).await.map_err(|e| {
            if e.status() == axum::http::StatusCode::PAYLOAD_TOO_LARGE {
                AppError::TooLarge
            } else {
                AppError::BadRequest
            }
        })?;
        let fields: Vec<(String, String)> =
            serde_urlencoded::from_bytes(&bytes).map_err(|_| AppError::BadRequest)?;
        let fields = Fields(
            fields
                .into_iter()
                .map(|(k, v)| (k, ocop_domain::text::nfc(&v)))
                .collect(),
        );
        let sent = header_token.unwrap_or_else(|| fields.get("csrf_token").to_string());
        let expected = ctx.csrf_token();
        if !origin_ok || expected.is_empty() || !tokens_equal(&sent, &expected) {
            // An expired session on a form: ask to log in again rather than "invalid form".
            if ctx.expired {
                return Err(AppError::LoginRequired {
                    next: "/".into(),
                    expired: true,
                });
            }
            return Err(AppError::Csrf);
        }
        Ok(Posted { ctx, fields })
    }
}

/// Failed logins allowed per client address in [`LOGIN_WINDOW_SECS`].
pub const LOGIN_FAILURES_PER_ADDRESS: u32 = 20;
/// The window of the per-address login throttle.
pub const LOGIN_WINDOW_SECS: u64 = 15 * 60;

/// The per-client-address brake on password guessing (per instance, in memory), on
/// top of the per-account lock kept in the database. An attempt is counted when it
/// starts and given back when it succeeds, so parallel attempts cannot slip past.
#[derive(Default)]
pub struct LoginThrottle {
    windows: std::sync::Mutex<std::collections::HashMap<std::net::IpAddr, (u64, u32)>>,
}

impl LoginThrottle {
    fn now_secs() -> u64 {
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_secs())
            .unwrap_or(0)
    }

    /// Reserves an attempt for `ip`; false when the address has used up its failures.
    pub fn begin(&self, ip: std::net::IpAddr) -> bool {
        let now = Self::now_secs();
        let Ok(mut w) = self.windows.lock() else {
            return true;
        };
        if w.len() > 100_000 {
            w.retain(|_, (start, _)| now - *start < LOGIN_WINDOW_SECS);
        }
        let e = w.entry(ip).or_insert((now, 0));
        if now.saturating_sub(e.0) >= LOGIN_WINDOW_SECS {
            *e = (now, 0);
        }
        if e.1 >= LOGIN_FAILURES_PER_ADDRESS {
            return false;
        }
        e.1 += 1;
        true
    }

    /// Gives the attempt back: the login succeeded.
    pub fn succeeded(&self, ip: std::net::IpAddr) {
        if let Ok(mut w) = self.windows.lock() {
            if let Some(e) = w.get_mut(&ip) {
                e.1 = e.1.saturating_sub(1);
            }
        }
    }
}

/// The client's address: the TCP peer, or — when the peer is this machine or a
/// private-network proxy — the last address it put in `X-Forwarded-For`.
#[derive(Debug, Clone, Copy)]
pub struct ClientIp(pub std::net::IpAddr);

impl ClientIp {
    pub fn of(parts: &Parts) -> ClientIp {
        use std::net::IpAddr;
        let peer = parts
            .extensions
            .get::<axum::extract::ConnectInfo<std::net::SocketAddr>>()
            .map(|c| c.0.ip())
            .unwrap_or(IpAddr::from([127, 0, 0, 1]));
        let proxy = match peer {
            IpAddr::V4(v4) => v4.is_loopback() || v4.is_private(),
            IpAddr::V6(v6) => v6.is_loopback(),
        };
        if proxy {
            let forwarded = parts
                .headers
                .get_all("x-forwarded-for")
                .iter()
                .filter_map(|v| v.to_str().ok())
                .flat_map(|v| v.split(','))
                // The entry the nearest proxy added; earlier ones are the client's word.
                .next_back()
                .and_then(|a| a.trim().parse::<IpAddr>().ok());
            if let Some(ip) = forwarded {
                return ClientIp(ip);
            }
        }
        ClientIp(peer)
    }
}

impl<S: Send + Sync> FromRequestParts<S> for ClientIp {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        Ok(ClientIp::of(parts))
    }
}

/// An API caller authenticated by `Authorization: Bearer <token>`.
pub struct ApiUser {
    pub principal: Principal,
    pub user: user::Model,
    /// The id of the token used.
    pub token_id: i64,
}

impl ApiUser {
    pub fn actor(&self) -> ocop_store::audit::Actor {
        ocop_store::audit::Actor {
            id: Some(self.user.id),
            name: self.user.username.clone(),
        }
    }
}

impl FromRequestParts<AppState> for ApiUser {
    type Rejection = ApiError;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        let token = parts
            .headers
            .get(axum::http::header::AUTHORIZATION)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| {
                v.strip_prefix("Bearer ")
                    .or_else(|| v.strip_prefix("bearer "))
            })
            .map(str::trim)
            .ok_or_else(ApiError::unauthorized)?;
        let (t, user) = users::token_and_user(&state.db.conn, token)
            .await?
            .ok_or_else(ApiError::unauthorized)?;
        Ok(ApiUser {
            principal: users::principal(&user),
            user,
            token_id: t.id,
        })
    }
}

/// A JSON body; malformed JSON or a wrong shape gives a JSON 400/422, too large a 413.
pub struct ApiJson<T>(pub T);

impl<T: serde::de::DeserializeOwned> FromRequest<AppState> for ApiJson<T> {
    type Rejection = ApiError;

    async fn from_request(req: Request, state: &AppState) -> Result<Self, Self::Rejection> {
        let bytes = Bytes::from_request(req, state).await.map_err(|e| {
            if e.status() == axum::http::StatusCode::PAYLOAD_TOO_LARGE {
                ApiError::new(
                    axum::http::StatusCode::PAYLOAD_TOO_LARGE,
                    "payload_too_large",
                    format!("the request body exceeds {} bytes", crate::MAX_BODY_BYTES),
                )
            } else {
                ApiError::bad_request("cannot read the request body")
            }
        })?;
        serde_json::from_slice(&bytes).map(ApiJson).map_err(|e| {
            let code = if e.is_syntax() || e.is_eof() {
                "malformed_json"
            } else {
                "invalid_body"
            };
            ApiError::new(
                axum::http::StatusCode::BAD_REQUEST,
                code,
                format!("invalid JSON body: {e}"),
            )
        })
    }
}
