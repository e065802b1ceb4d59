//! `GET /api/v1/certificates`: certificates visible to the caller; revocation cases
//! (a conclusion, the 15 days the competent level has, the decision).

use crate::auth::{ApiJson, ApiUser};
use crate::error::ApiError;
use crate::AppState;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::routing::{get, post};
use axum::{Json, Router};
use ocop_domain::certificates as dc;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/api/v1/certificates", get(list))
        .route("/api/v1/revocation-cases", get(cases))
        .route(
            "/api/v1/certificates/{number}/revocation-cases",
            post(open_case),
        )
        .route("/api/v1/revocation-cases/{id}/close", post(close_case))
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
    let today = st.today();
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

#[derive(Serialize, ToSchema)]
pub struct CaseOut {
    pub id: i64,
    pub certificate_number: String,
    pub stars: i32,
    /// A ground of QĐ 26/2026 Art. 8 (false_dossier, no_longer_meets, law_violation,
    /// mark_misuse, producer_stopped, authority_conclusion, not_reevaluated).
    pub ground: String,
    pub conclusion_ref: String,
    pub concluded_on: String,
    /// The conclusion + 15 days.
    pub deadline_on: String,
    /// open, revoked or dismissed.
    pub status: String,
    /// Still open past the deadline.
    pub overdue: bool,
    pub closed_on: Option<String>,
    /// The revocation decision, or why the case was dismissed.
    pub outcome: Option<String>,
    /// Decided after the deadline.
    pub late: bool,
}

impl CaseOut {
    fn new(
        m: ocop_store::entities::revocation_case::Model,
        c: &ocop_store::entities::certificate::Model,
        today: chrono::NaiveDate,
    ) -> CaseOut {
        CaseOut {
            overdue: m.status == "open" && today > m.deadline_on,
            late: m.closed_on.is_some_and(|d| d > m.deadline_on),
            id: m.id,
            certificate_number: c.number.clone(),
            stars: c.stars,
            ground: m.ground,
            conclusion_ref: m.conclusion_ref,
            concluded_on: m.concluded_on.to_string(),
            deadline_on: m.deadline_on.to_string(),
            status: m.status,
            closed_on: m.closed_on.map(|d| d.to_string()),
            outcome: m.outcome,
        }
    }
}

#[derive(Serialize, ToSchema)]
pub struct CaseList {
    pub items: Vec<CaseOut>,
    pub total: u64,
}

fn officer(u: &ApiUser) -> Result<(), ApiError> {
    if u.principal.role.is_officer() || u.principal.is_admin() {
        Ok(())
    } else {
        Err(ApiError::forbidden())
    }
}

/// The refusals of the revocation flow, in the API's words.
fn case_refusal(e: ocop_store::StoreError) -> ApiError {
    match e {
        ocop_store::StoreError::Workflow(r) => ApiError::refused(&r),
        ocop_store::StoreError::Invalid(code) => {
            let msg = match code.as_str() {
                "ground" => "ground must be one of the grounds of QĐ 26/2026 Art. 8",
                "conclusion_ref" => "conclusion_ref is required",
                "concluded_in_future" => "concluded_on cannot be in the future",
                "decided_before_conclusion" => "the decision cannot come before the conclusion",
                "decided_in_future" => "revoked_on cannot be in the future",
                "decision_ref" => "decision_ref is required",
                "reason" => "a reason is required to dismiss a case",
                "case_open" => "the certificate already has an open revocation case",
                _ => "refused",
            };
            let status = if code == "case_open" {
                StatusCode::CONFLICT
            } else {
                StatusCode::UNPROCESSABLE_ENTITY
            };
            ApiError::new(status, "validation_failed", msg).with_id(code)
        }
        ocop_store::StoreError::Conflict => ApiError::new(
            StatusCode::CONFLICT,
            "conflict",
            "the certificate is revoked already or the case is closed",
        ),
        e => e.into(),
    }
}

fn api_date(s: &str, name: &str) -> Result<chrono::NaiveDate, ApiError> {
    ocop_domain::format::parse_date_vn(s).ok_or_else(|| {
        ApiError::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            "validation_failed",
            format!("{name} must be a date (YYYY-MM-DD)"),
        )
        .with_id(name)
    })
}

/// Revocation cases in the caller's area: open ones first, by deadline.
#[utoipa::path(get, path = "/api/v1/revocation-cases", responses((status = 200, body = CaseList), (status = 403, body = super::ErrorBody)))]
pub async fn cases(State(st): State<AppState>, u: ApiUser) -> Result<Json<CaseList>, ApiError> {
    officer(&u)?;
    let today = st.today();
    let items: Vec<CaseOut> = ocop_store::certificates::cases(&st.db.conn, &u.principal.scope)
        .await?
        .into_iter()
        .map(|(m, c)| CaseOut::new(m, &c, today))
        .collect();
    Ok(Json(CaseList {
        total: items.len() as u64,
        items,
    }))
}

#[derive(Deserialize, ToSchema)]
pub struct CaseIn {
    pub ground: String,
    /// The inspection report or authority's letter that calls for revocation.
    pub conclusion_ref: String,
    /// YYYY-MM-DD; the competent level has 15 days from it.
    pub concluded_on: String,
}

async fn cert_in_scope(
    st: &AppState,
    u: &ApiUser,
    number: &str,
) -> Result<ocop_store::entities::certificate::Model, ApiError> {
    let c = ocop_store::certificates::by_number(&st.db.conn, number)
        .await?
        .ok_or_else(ApiError::not_found)?;
    let l = ocop_domain::roles::Location {
        producer_id: c.producer_id,
        unit_path: &c.unit_path,
        current_unit_path: &c.current_unit_path,
    };
    if !u.principal.can_see(&l) {
        return Err(ApiError::not_found());
    }
    Ok(c)
}

/// An officer records a conclusion that calls for revoking a certificate.
#[utoipa::path(post, path = "/api/v1/certificates/{number}/revocation-cases", request_body = CaseIn, responses((status = 201, body = CaseOut), (status = 403, body = super::ErrorBody), (status = 409, body = super::ErrorBody), (status = 422, body = super::ErrorBody)))]
pub async fn open_case(
    State(st): State<AppState>,
    u: ApiUser,
    Path(number): Path<String>,
    ApiJson(body): ApiJson<CaseIn>,
) -> Result<(StatusCode, Json<CaseOut>), ApiError> {
    let c = cert_in_scope(&st, &u, &number).await?;
    if !ocop_domain::workflow::may_propose_revocation(
        &u.principal,
        &c.unit_path,
        &c.current_unit_path,
    ) {
        return Err(ApiError::forbidden());
    }
    let concluded = api_date(&body.concluded_on, "concluded_on")?;
    let today = st.today();
    let m = ocop_store::certificates::open_case(
        &st.db.conn,
        &u.actor(),
        Some(&u.principal),
        &c.number,
        &body.ground,
        &body.conclusion_ref,
        concluded,
        today,
    )
    .await
    .map_err(case_refusal)?;
    Ok((StatusCode::CREATED, Json(CaseOut::new(m, &c, today))))
}

#[derive(Deserialize, ToSchema)]
pub struct CloseIn {
    /// revoke or dismiss.
    pub action: String,
    /// revoke: the revocation decision and its date (YYYY-MM-DD).
    #[serde(default)]
    pub decision_ref: String,
    #[serde(default)]
    pub revoked_on: String,
    /// dismiss: why.
    #[serde(default)]
    pub reason: String,
}

/// The competent level (province 3★/4★, ministry 5★) revokes on the case's ground,
/// or dismisses the case.
#[utoipa::path(post, path = "/api/v1/revocation-cases/{id}/close", request_body = CloseIn, responses((status = 200, body = CaseOut), (status = 403, body = super::ErrorBody), (status = 409, body = super::ErrorBody), (status = 422, body = super::ErrorBody)))]
pub async fn close_case(
    State(st): State<AppState>,
    u: ApiUser,
    Path(id): Path<i64>,
    ApiJson(body): ApiJson<CloseIn>,
) -> Result<Json<CaseOut>, ApiError> {
    let db = &st.db.conn;
    let (_, c) = ocop_store::certificates::get_case(db, id).await?;
    cert_in_scope(&st, &u, &c.number).await?;
    let today = st.today();
    let outcome = match body.action.as_str() {
        "revoke" => ocop_store::certificates::CaseOutcome::Revoke {
            decision_ref: &body.decision_ref,
            on: api_date(&body.revoked_on, "revoked_on")?,
        },
        "dismiss" => ocop_store::certificates::CaseOutcome::Dismiss {
            reason: &body.reason,
        },
        _ => {
            return Err(ApiError::new(
                StatusCode::UNPROCESSABLE_ENTITY,
                "validation_failed",
                "action must be revoke or dismiss",
            ))
        }
    };
    let (m, _) = ocop_store::certificates::close_case(
        db,
        &u.actor(),
        Some(&u.principal),
        id,
        outcome,
        today,
    )
    .await
    .map_err(case_refusal)?;
    Ok(Json(CaseOut::new(m, &c, today)))
}
