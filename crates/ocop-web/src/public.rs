//! Public endpoints, no login: certificate verification from a label's QR code (page
//! and JSON), the signing keys (JWKS), the public catalogue, and reports of
//! suspicious labels. Small pages, a per-client rate limit, every lookup counted.

use crate::auth::{cookie, lang_of, set_cookie, CSRF_COOKIE};
use crate::error::ApiError;
use crate::i18n::{t, Lang};
use crate::pages::{render, Layout, NavItem};
use crate::AppState;
use askama::Template;
use axum::extract::{ConnectInfo, Path, Query, Request, State};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::{Json, Router};
use ocop_domain::certificates::{self as dc, Status};
use ocop_store::certificates as sc;
use ocop_store::entities::certificate;
use serde::{Deserialize, Serialize};
use std::collections::HashMap;
use std::net::{IpAddr, SocketAddr};
use std::sync::Mutex;
use utoipa::{IntoParams, ToSchema};

/// A fixed-window counter per client address (per instance).
#[derive(Default)]
pub struct Limiter {
    windows: Mutex<HashMap<IpAddr, (u64, u32)>>,
}

impl Limiter {
    /// Counts a request; false when the client is over `per_minute`.
    pub fn allow(&self, ip: IpAddr, per_minute: u32) -> bool {
        if per_minute == 0 {
            return true;
        }
        let minute = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_secs() / 60)
            .unwrap_or(0);
        let Ok(mut w) = self.windows.lock() else {
            return true;
        };
        if w.len() > 100_000 {
            w.retain(|_, (m, _)| *m == minute);
        }
        let e = w.entry(ip).or_insert((minute, 0));
        if e.0 != minute {
            *e = (minute, 0);
        }
        e.1 += 1;
        e.1 <= per_minute
    }
}

async fn rate_limit(State(st): State<AppState>, req: Request, next: Next) -> Response {
    let ip = req
        .extensions()
        .get::<ConnectInfo<SocketAddr>>()
        .map(|c| c.0.ip())
        .unwrap_or(IpAddr::from([127, 0, 0, 1]));
    if !st.limiter.allow(ip, st.cfg.public_rate_limit) {
        let mut r = ApiError::new(
            StatusCode::TOO_MANY_REQUESTS,
            "rate_limited",
            "too many requests; try again in a minute",
        )
        .into_response();
        r.headers_mut()
            .insert(header::RETRY_AFTER, HeaderValue::from_static("60"));
        return r;
    }
    next.run(req).await
}

pub fn routes(state: AppState) -> Router<AppState> {
    Router::new()
        .route("/verify/{number}", get(verify_page).post(report))
        .route("/verify/{number}/photo", get(photo))
        .route("/verify/{number}/report", get(report_form))
        .route(
            "/api/v1/public/certificates/{number}",
            get(certificate_json),
        )
        .route("/api/v1/public/products", get(catalogue_json))
        .route(
            "/api/v1/public/points-of-sale",
            get(crate::api::trade::public_points),
        )
        .route("/.well-known/ocop-signing-key.json", get(jwks))
        .route("/catalogue", get(catalogue_page))
        .route("/points-of-sale", get(crate::trade_public::page))
        .layer(axum::middleware::from_fn_with_state(state, rate_limit))
}

/// The base URL for QR codes.
pub fn base_url(st: &AppState, headers: &HeaderMap) -> String {
    match &st.cfg.public_url {
        Some(u) => u.trim_end_matches('/').to_string(),
        None => {
            let host = headers
                .get(header::HOST)
                .and_then(|h| h.to_str().ok())
                .unwrap_or("localhost");
            let proto = headers
                .get("x-forwarded-proto")
                .and_then(|h| h.to_str().ok())
                .unwrap_or("http");
            format!("{proto}://{host}")
        }
    }
}

/// The URL a certificate's QR code carries.
pub fn qr_url(base: &str, c: &certificate::Model) -> String {
    format!(
        "{base}/verify/{}?s={}&k={}",
        c.number, c.signature, c.key_id
    )
}

pub(crate) fn public_layout(st: &AppState, lang: Lang, title: String, csrf: String) -> Layout {
    Layout {
        lang,
        title,
        csrf,
        user_name: None,
        role_label: String::new(),
        nav: vec![
            NavItem {
                href: "/catalogue".into(),
                label: t(lang, "public.catalogue"),
                current: false,
            },
            NavItem {
                href: "/news".into(),
                label: t(lang, "news.title"),
                current: false,
            },
        ],
        // A demo deployment says so on its public pages too.
        demo: st.cfg.demo,
        pinned_today: st.cfg.today.map(ocop_domain::format::date_vn),
        flash: None,
        flash_error: false,
        path: String::new(),
    }
}

#[derive(Deserialize, Default)]
pub struct VerifyQuery {
    s: Option<String>,
    k: Option<String>,
    reported: Option<String>,
}

/// What the signature check of a scanned QR says.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Seal {
    /// The QR's signature matches the registry.
    Genuine,
    /// A signature was given but does not match: a forged or altered label.
    Tampered,
    /// Looked up by number (no signature).
    NotGiven,
}

#[derive(Template)]
#[template(path = "verify.html")]
struct VerifyPage {
    l: Layout,
    number: String,
    found: bool,
    status: String,
    status_code: String,
    seal: String,
    seal_code: String,
    product: String,
    producer: String,
    commune: String,
    stars: String,
    issued_on: String,
    expires_on: String,
    revoked_reason: String,
    issuing_body: String,
    has_photo: bool,
    reported: bool,
    /// In force past expiry while its re-evaluation is decided, at most until (dd/mm/yyyy).
    extended_until: String,
}

async fn seal_of(st: &AppState, c: &certificate::Model, q: &VerifyQuery) -> Seal {
    match (&q.s, &q.k) {
        (Some(s), k) => {
            let kid = k.clone().unwrap_or_else(|| c.key_id.clone());
            let key = sc::public_key(&st.db.conn, &kid).await.ok().flatten();
            // The registry's own facts must carry that signature under that key.
            match key {
                Some(pk) if dc::verify(&pk, &c.payload, s) => Seal::Genuine,
                _ => Seal::Tampered,
            }
        }
        (None, _) => Seal::NotGiven,
    }
}

async fn verify_page(
    State(st): State<AppState>,
    headers: HeaderMap,
    Path(number): Path<String>,
    Query(q): Query<VerifyQuery>,
) -> Result<Response, crate::error::AppError> {
    let lang = lang_of(&headers);
    let number = number.trim().to_uppercase();
    let cert = if dc::is_number(&number) {
        sc::by_number(&st.db.conn, &number).await?
    } else {
        None
    };
    // Shared caches may keep this page: it carries no token and sets no cookie (the
    // report form, which needs them, is on its own uncached page).
    let mut page = VerifyPage {
        l: public_layout(
            &st,
            lang,
            format!("{} {number}", t(lang, "verify.title")),
            String::new(),
        ),
        number: number.chars().take(40).collect(),
        found: cert.is_some(),
        status: String::new(),
        status_code: "unknown".into(),
        seal: String::new(),
        seal_code: String::new(),
        product: String::new(),
        producer: String::new(),
        commune: String::new(),
        stars: String::new(),
        issued_on: String::new(),
        expires_on: String::new(),
        revoked_reason: String::new(),
        issuing_body: String::new(),
        has_photo: false,
        reported: q.reported.is_some(),
        extended_until: String::new(),
    };
    let status = match &cert {
        Some(c) => {
            let _ = sc::count_lookup(&st.db.conn, &st.library, c.id, st.today()).await;
            let ext = extension(&st, c).await;
            let s = dc::status_extended(c.revoked, c.expires_on, st.today(), ext);
            if s == Status::Valid && c.expires_on < st.today() {
                page.extended_until = ext.map(ocop_domain::format::date_vn).unwrap_or_default();
            }
            let seal = seal_of(&st, c, &q).await;
            page.status = s.label(lang).into();
            page.status_code = s.as_str().into();
            page.seal_code = match seal {
                Seal::Genuine => "genuine",
                Seal::Tampered => "tampered",
                Seal::NotGiven => "number",
            }
            .into();
            page.seal = t(lang, &format!("verify.seal_{}", page.seal_code)).into();
            page.product = c.product_name.clone();
            page.producer = c.producer_name.clone();
            page.commune = ocop_store::registry::get_producer(&st.db.conn, c.producer_id)
                .await
                .map(|p| p.commune_name)
                .unwrap_or_default();
            page.stars = "★".repeat(c.stars.clamp(0, 5) as usize);
            page.issued_on = ocop_domain::format::date_vn(c.issued_on);
            page.expires_on = ocop_domain::format::date_vn(c.expires_on);
            page.revoked_reason = c
                .revoked_ground
                .as_deref()
                .map(|g| dc::revocation_label(g, lang))
                .unwrap_or_default();
            page.issuing_body = c.issuing_body.clone();
            page.has_photo = !ocop_store::registry::list_photos(&st.db.conn, c.product_id)
                .await?
                .is_empty();
            StatusCode::OK
        }
        None => StatusCode::NOT_FOUND,
    };
    let mut r = render(&page)?;
    *r.status_mut() = status;
    // Shops check labels on cheap phones over slow links: let caches keep it briefly
    // (one copy per language cookie).
    r.headers_mut().insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static("public, max-age=60"),
    );
    r.headers_mut()
        .insert(header::VARY, HeaderValue::from_static("Cookie"));
    Ok(r)
}

#[derive(Template)]
#[template(path = "verify_report.html")]
struct ReportPage {
    l: Layout,
    number: String,
}

/// The "report a suspicious label" form: personal (a CSRF token bound to a cookie),
/// so never cached, unlike the verification page.
async fn report_form(
    State(st): State<AppState>,
    headers: HeaderMap,
    Path(number): Path<String>,
) -> Result<Response, crate::error::AppError> {
    let lang = lang_of(&headers);
    let number: String = number.trim().to_uppercase().chars().take(40).collect();
    let token = cookie(&headers, CSRF_COOKIE)
        .filter(|t| t.len() >= 32)
        .map(String::from)
        .unwrap_or_else(|| ocop_store::users::random_token(24));
    let page = ReportPage {
        l: public_layout(
            &st,
            lang,
            format!("{} {number}", t(lang, "verify.report_title")),
            token.clone(),
        ),
        number,
    };
    let mut r = render(&page)?;
    if let Ok(v) = HeaderValue::from_str(&set_cookie(
        CSRF_COOKIE,
        &token,
        Some(2 * 3600),
        st.cfg.secure_cookies,
    )) {
        r.headers_mut().append(header::SET_COOKIE, v);
    }
    r.headers_mut().insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static("private, no-store"),
    );
    Ok(r)
}

/// The first photo of a certified product (public).
async fn photo(
    State(st): State<AppState>,
    Path(number): Path<String>,
) -> Result<Response, crate::error::AppError> {
    let c = sc::by_number(&st.db.conn, &number)
        .await?
        .ok_or(crate::error::AppError::NotFound)?;
    let photos = ocop_store::registry::list_photos(&st.db.conn, c.product_id).await?;
    let first = photos.first().ok_or(crate::error::AppError::NotFound)?;
    let p = ocop_store::registry::get_photo(&st.db.conn, first.id).await?;
    Ok((
        [
            (header::CONTENT_TYPE, p.content_type.clone()),
            (header::CACHE_CONTROL, "public, max-age=3600".into()),
            (
                header::HeaderName::from_static("x-content-type-options"),
                "nosniff".into(),
            ),
        ],
        p.data,
    )
        .into_response())
}

/// "Report a suspicious label": lands in the officers' queue.
async fn report(
    State(st): State<AppState>,
    headers: HeaderMap,
    Path(number): Path<String>,
    body: axum::body::Bytes,
) -> Result<Response, crate::error::AppError> {
    let fields: Vec<(String, String)> =
        serde_urlencoded::from_bytes(&body).map_err(|_| crate::error::AppError::BadRequest)?;
    let get = |k: &str| {
        fields
            .iter()
            .find(|(n, _)| n == k)
            .map(|(_, v)| v.as_str())
            .unwrap_or("")
    };
    // A public form: the token is bound to a cookie, and cross-site posts are refused.
    let expected = cookie(&headers, CSRF_COOKIE).unwrap_or("");
    if !crate::auth::same_origin(&headers)
        || expected.is_empty()
        || !crate::auth::tokens_equal(get("csrf_token"), expected)
    {
        return Err(crate::error::AppError::Csrf);
    }
    if get("message").trim().is_empty() && get("place").trim().is_empty() {
        return Err(crate::error::AppError::BadRequest);
    }
    sc::report(
        &st.db.conn,
        &number,
        get("place"),
        get("message"),
        get("contact"),
    )
    .await?;
    tracing::info!(number = %number, "suspicious label reported");
    Ok(axum::response::Redirect::to(&format!(
        "/verify/{}?reported=1",
        crate::pages::urlencode(&number)
    ))
    .into_response())
}

/// Public facts of a certificate, for apps.
#[derive(Serialize, ToSchema)]
pub struct PublicCertificate {
    pub number: String,
    /// valid, expiring, expired or revoked.
    pub status: String,
    pub product: String,
    pub producer: String,
    pub stars: i32,
    pub issued_on: String,
    pub expires_on: String,
    pub revoked_reason: Option<String>,
    pub issuing_body: String,
    /// The exact string that was signed (see docs/certificates.md).
    pub payload: String,
    /// Ed25519 signature over the payload's UTF-8 bytes, base64url.
    pub signature: String,
    pub key_id: String,
    pub qr_url: String,
    /// Past `expires_on` but still in force while its re-evaluation is decided
    /// (QĐ 26/2026 Art. 12(3)), at most until this date.
    pub extended_until: Option<String>,
}

/// The Art. 12(3) extension of an expired certificate, looked up only when it matters.
async fn extension(st: &AppState, c: &certificate::Model) -> Option<chrono::NaiveDate> {
    if c.revoked || c.expires_on >= st.today() {
        return None;
    }
    sc::extended_until(&st.db.conn, &st.library, c)
        .await
        .ok()
        .flatten()
}

/// A certificate's public facts and signature.
#[utoipa::path(get, path = "/api/v1/public/certificates/{number}", params(("number" = String, Path)), security(),
    responses((status = 200, body = PublicCertificate), (status = 404, body = crate::api::ErrorBody)))]
pub async fn certificate_json(
    State(st): State<AppState>,
    headers: HeaderMap,
    Path(number): Path<String>,
) -> Result<Json<PublicCertificate>, ApiError> {
    let number = number.trim().to_uppercase();
    if !dc::is_number(&number) {
        return Err(ApiError::not_found().with_id(number.chars().take(40).collect::<String>()));
    }
    let c = sc::by_number(&st.db.conn, &number)
        .await?
        .ok_or_else(|| ApiError::not_found().with_id(number.clone()))?;
    let _ = sc::count_lookup(&st.db.conn, &st.library, c.id, st.today()).await;
    let ext = extension(&st, &c).await;
    let s: Status = dc::status_extended(c.revoked, c.expires_on, st.today(), ext);
    let base = base_url(&st, &headers);
    Ok(Json(PublicCertificate {
        qr_url: qr_url(&base, &c),
        extended_until: ext
            .filter(|_| s == Status::Valid && c.expires_on < st.today())
            .map(|d| d.to_string()),
        status: s.as_str().into(),
        revoked_reason: c
            .revoked_ground
            .as_deref()
            .map(|g| dc::revocation_label(g, Lang::En)),
        number: c.number,
        product: c.product_name,
        producer: c.producer_name,
        stars: c.stars,
        issued_on: c.issued_on.to_string(),
        expires_on: c.expires_on.to_string(),
        issuing_body: c.issuing_body,
        payload: c.payload,
        signature: c.signature,
        key_id: c.key_id,
    }))
}

/// The public keys that sign certificates (old keys kept after rotation).
pub async fn jwks(State(st): State<AppState>) -> Result<Response, ApiError> {
    // Make sure a key exists, so the set is never empty.
    let _ = sc::active_key(&st.db.conn).await?;
    let keys: Vec<serde_json::Value> = sc::public_keys(&st.db.conn)
        .await?
        .into_iter()
        .map(|(kid, x)| serde_json::json!({"kid": kid, "kty": "OKP", "crv": "Ed25519", "x": x, "alg": "EdDSA", "use": "sig"}))
        .collect();
    Ok((
        [(header::CACHE_CONTROL, "public, max-age=3600")],
        Json(serde_json::json!({ "keys": keys })),
    )
        .into_response())
}

#[derive(Deserialize, IntoParams, Default)]
#[serde(default)]
pub struct CatalogueQuery {
    /// Name, with or without diacritics.
    pub q: Option<String>,
    pub stars: Option<i64>,
    /// Product set code.
    pub set: Option<String>,
    /// Unit code (commune, old district, province).
    pub unit: Option<String>,
    pub page: Option<u64>,
    pub per_page: Option<u64>,
}

#[derive(Serialize, ToSchema)]
pub struct CatalogueItem {
    pub id: i64,
    pub name: String,
    pub producer: String,
    pub stars: i64,
    pub certificate_number: String,
    pub commune: String,
    pub set: String,
    pub expires_on: String,
}

#[derive(Serialize, ToSchema)]
pub struct Catalogue {
    pub items: Vec<CatalogueItem>,
    pub total: u64,
}

async fn catalogue(st: &AppState, q: &CatalogueQuery) -> Result<Catalogue, ocop_store::StoreError> {
    let db = &st.db.conn;
    let unit_path = match q.unit.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
        Some(u) => {
            let mut found = None;
            for p in [
                ocop_domain::units::Period::Post2025,
                ocop_domain::units::Period::Pre2025,
            ] {
                if let Some(m) = ocop_store::units::find(db, u, p).await? {
                    found = Some(m.path);
                    break;
                }
            }
            Some(found.unwrap_or_else(|| "no-such-unit/".into()))
        }
        None => None,
    };
    // Ranked text search (ocop_store::search): exact word, folded word, prefix.
    let f = ocop_store::search::CatalogueFilter {
        q: q.q.clone(),
        unit_path,
        set_code: q.set.clone().filter(|s| !s.is_empty()),
        stars: q.stars,
        page: q.page.unwrap_or(1),
        per_page: q.per_page.unwrap_or(50),
    };
    let page = ocop_store::search::catalogue(db, &f).await?;
    let ids: Vec<i64> = page.items.iter().map(|p| p.id).collect();
    let certs = sc::latest_for_products(db, &ids).await?;
    let producer_ids: Vec<i64> = page.items.iter().map(|p| p.producer_id).collect();
    let producers: HashMap<i64, ocop_store::entities::producer::Model> = {
        let mut m = HashMap::new();
        for id in producer_ids {
            if let std::collections::hash_map::Entry::Vacant(e) = m.entry(id) {
                e.insert(ocop_store::registry::get_producer(db, id).await?);
            }
        }
        m
    };
    Ok(Catalogue {
        total: page.total,
        items: page
            .items
            .into_iter()
            .map(|p| {
                let c = certs.get(&p.id);
                let owner = producers.get(&p.producer_id);
                CatalogueItem {
                    id: p.id,
                    producer: owner.map(|o| o.name.clone()).unwrap_or_default(),
                    commune: owner.map(|o| o.commune_name.clone()).unwrap_or_default(),
                    stars: p.stars.unwrap_or(0),
                    certificate_number: c.map(|c| c.number.clone()).unwrap_or_default(),
                    expires_on: c.map(|c| c.expires_on.to_string()).unwrap_or_default(),
                    set: p.set_code,
                    name: p.name,
                }
            })
            .collect(),
    })
}

/// Certified products, searchable with or without diacritics.
#[utoipa::path(get, path = "/api/v1/public/products", params(CatalogueQuery), security(), responses((status = 200, body = Catalogue)))]
pub async fn catalogue_json(
    State(st): State<AppState>,
    Query(q): Query<CatalogueQuery>,
) -> Result<Json<Catalogue>, ApiError> {
    Ok(Json(catalogue(&st, &q).await?))
}

#[derive(Template)]
#[template(path = "catalogue.html")]
struct CataloguePage {
    l: Layout,
    q: String,
    items: Vec<CatalogueItem>,
    total: u64,
}

async fn catalogue_page(
    State(st): State<AppState>,
    headers: HeaderMap,
    Query(q): Query<CatalogueQuery>,
) -> Result<Response, crate::error::AppError> {
    let lang = lang_of(&headers);
    let text = q.q.clone().unwrap_or_default();
    let c = catalogue(
        &st,
        &CatalogueQuery {
            per_page: Some(100),
            ..q
        },
    )
    .await?;
    let page = CataloguePage {
        l: public_layout(&st, lang, t(lang, "public.catalogue").into(), String::new()),
        q: text,
        items: c.items,
        total: c.total,
    };
    render(&page)
}
