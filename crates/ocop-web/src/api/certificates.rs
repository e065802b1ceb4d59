//! `GET /api/v1/certificates`: certificates visible to the caller.

use crate::auth::ApiUser;
use crate::error::ApiError;
use crate::AppState;
use axum::extract::{Query, State};
use axum::routing::get;
use axum::{Json, Router};
use ocop_domain::certificates as dc;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

pub fn routes() -> Router<AppState> {
    Router::new().route("/api/v1/certificates", get(list))
}

#[derive(Deserialize, IntoParams, Default)]
#[serde(default)]
pub struct CertQuery {
    /// valid, expiring, expired or revoked.
    pub status: Option<String>,
    /// new, re_recognition or upgrade.
    pub kind: Option<String>,
    /// YYYY-MM-DD (or DD/MM/YYYY).
    pub issued_from: Option<String>,
    pub issued_to: Option<String>,
    pub page: Option<u64>,
    pub per_page: Option<u64>,
}

#[derive(Serialize, ToSchema)]
pub struct CertOut {
    pub number: String,
    pub product_id: i64,
    pub product: String,
    pub producer_id: i64,
    pub stars: i32,
    pub kind: String,
    pub issued_on: String,
    pub expires_on: String,
    pub status: String,
    pub lookups: i64,
}

#[derive(Serialize, ToSchema)]
pub struct CertList {
    pub items: Vec<CertOut>,
    pub total: u64,
}

fn date(s: &Option<String>, name: &str) -> Result<Option<chrono::NaiveDate>, ApiError> {
    match s.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
        None => Ok(None),
        Some(v) => ocop_domain::format::parse_date_vn(v)
            .map(Some)
            .ok_or_else(|| ApiError::bad_request(format!("{name} must be a date (YYYY-MM-DD)"))),
    }
}

/// Certificates in the caller's area, newest first.
#[utoipa::path(get, path = "/api/v1/certificates", params(CertQuery), responses((status = 200, body = CertList), (status = 400, body = super::ErrorBody)))]
pub async fn list(
    State(st): State<AppState>,
    u: ApiUser,
    Query(q): Query<CertQuery>,
) -> Result<Json<CertList>, ApiError> {
    if let Some(s) = q.status.as_deref().filter(|s| !s.is_empty()) {
        if !["valid", "expiring", "expired", "revoked"].contains(&s) {
            return Err(ApiError::bad_request(
                "status must be valid, expiring, expired or revoked",
            ));
        }
    }
    if let Some(k) = q.kind.as_deref().filter(|s| !s.is_empty()) {
        if dc::Kind::parse(k).is_none() {
            return Err(ApiError::bad_request(
                "kind must be new, re_recognition or upgrade",
            ));
        }
    }
    let today = ocop_domain::format::today_vn();
    let f = ocop_store::certificates::CertFilter {
        status: q.status.clone().filter(|s| !s.is_empty()),
        kind: q.kind.clone().filter(|s| !s.is_empty()),
        issued_from: date(&q.issued_from, "issued_from")?,
        issued_to: date(&q.issued_to, "issued_to")?,
        product_id: None,
        page: q.page.unwrap_or(1),
        per_page: q.per_page.unwrap_or(50),
    };
    let (items, total) =
        ocop_store::certificates::list(&st.db.conn, &u.principal.scope, &f, today).await?;
    Ok(Json(CertList {
        total,
        items: items
            .into_iter()
            .map(|c| CertOut {
                status: dc::status(c.revoked, c.expires_on, today).as_str().into(),
                number: c.number,
                product_id: c.product_id,
                product: c.product_name,
                producer_id: c.producer_id,
                stars: c.stars,
                kind: c.kind,
                issued_on: c.issued_on.to_string(),
                expires_on: c.expires_on.to_string(),
                lookups: c.lookups,
            })
            .collect(),
    }))
}
