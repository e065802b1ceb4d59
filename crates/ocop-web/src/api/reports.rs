//! Periodic reports (issue 13): `GET|POST /api/v1/reports`, `GET /api/v1/reports/{id}`,
//! `POST /api/v1/reports/{id}/{annotate|submit|accept|return}`,
//! `GET /api/v1/reports/completeness`.

use crate::auth::{ApiJson, ApiUser};
use crate::error::ApiError;
use crate::AppState;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::routing::{get, post};
use axum::{Json, Router};
use ocop_domain::reports::{ReportAction, ReportError, ReportKind};
use ocop_store::reports::{ReportFail, Snapshot, Standing};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/api/v1/reports", get(list).post(create))
        .route("/api/v1/reports/completeness", get(completeness))
        .route("/api/v1/reports/{id}", get(show))
        .route("/api/v1/reports/{id}/{action}", post(act))
}

/// A report refusal as an API error: 403 not allowed, 409 already submitted or
/// wrong state, 422 bad period or missing reason.
pub fn fail(e: ReportFail) -> ApiError {
    match e {
        ReportFail::Store(s) => s.into(),
        ReportFail::Rule(r) => {
            let (status, code) = match r {
                ReportError::NotAllowed => (StatusCode::FORBIDDEN, "forbidden"),
                ReportError::AlreadySubmitted => (StatusCode::CONFLICT, "already_submitted"),
                ReportError::WrongState(_) => (StatusCode::CONFLICT, "wrong_state"),
                ReportError::ReasonRequired => {
                    (StatusCode::UNPROCESSABLE_ENTITY, "reason_required")
                }
                ReportError::PeriodReversed | ReportError::PeriodShape(..) => {
                    (StatusCode::UNPROCESSABLE_ENTITY, "invalid_period")
                }
            };
            let mut a = ApiError::new(status, code, r.to_string());
            a.fields = Some(serde_json::json!({"message_vi": r.message_vi()}));
            a
        }
    }
}

#[derive(Serialize, ToSchema)]
pub struct ReportOut {
    pub id: i64,
    pub unit: String,
    pub unit_name: String,
    pub period: String,
    /// quarterly, six_monthly, annual or ad_hoc.
    pub kind: String,
    pub from: String,
    pub to: String,
    /// draft, submitted, accepted or returned.
    pub state: String,
    pub note: String,
    pub return_reason: Option<String>,
    pub submitted_by: Option<String>,
    pub submitted_at: Option<String>,
    pub decided_by: Option<String>,
    /// The figures: live while a draft, frozen once submitted.
    #[schema(value_type = Object)]
    pub figures: Option<Snapshot>,
}

#[derive(Serialize, ToSchema)]
pub struct ReportList {
    pub items: Vec<ReportOut>,
    pub total: u64,
}

fn out(r: ocop_store::entities::report::Model, figures: Option<Snapshot>) -> ReportOut {
    ReportOut {
        id: r.id,
        unit: r.unit_code,
        unit_name: r.unit_name,
        period: r.unit_period,
        kind: r.kind,
        from: r.period_from.to_string(),
        to: r.period_to.to_string(),
        state: r.state,
        note: r.note,
        return_reason: r.return_reason,
        submitted_by: r.submitted_by,
        submitted_at: r.submitted_at.map(|t| t.to_rfc3339()),
        decided_by: r.decided_by,
        figures,
    }
}

#[derive(Deserialize, ToSchema)]
pub struct ReportIn {
    /// quarterly, six_monthly, annual or ad_hoc.
    pub kind: String,
    /// First and last day (YYYY-MM-DD).
    pub from: String,
    pub to: String,
    #[serde(default)]
    pub note: String,
}

fn day(s: &str, name: &str) -> Result<chrono::NaiveDate, ApiError> {
    ocop_domain::format::parse_date_vn(s.trim()).ok_or_else(|| {
        ApiError::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            "validation_failed",
            format!("{name} must be a date (YYYY-MM-DD)"),
        )
    })
}

/// Opens a draft report of the caller's own unit for a period.
#[utoipa::path(post, path = "/api/v1/reports", request_body = ReportIn, responses((status = 201, body = ReportOut), (status = 403, body = super::ErrorBody), (status = 422, body = super::ErrorBody)))]
pub async fn create(
    State(st): State<AppState>,
    u: ApiUser,
    ApiJson(b): ApiJson<ReportIn>,
) -> Result<(StatusCode, Json<ReportOut>), ApiError> {
    let kind: ReportKind = b.kind.parse().map_err(|_| {
        ApiError::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            "validation_failed",
            "kind must be quarterly, six_monthly, annual or ad_hoc",
        )
    })?;
    let (from, to) = (day(&b.from, "from")?, day(&b.to, "to")?);
    let unit = super::indicators::own_unit(&st, &u.principal)
        .await
        .ok_or_else(ApiError::forbidden)?;
    let r = ocop_store::reports::create(
        &st.db.conn,
        &u.actor(),
        &u.principal,
        ocop_store::reports::NewReport {
            unit_code: unit.code,
            unit_period: unit
                .period
                .parse()
                .unwrap_or(ocop_domain::units::Period::Post2025),
            unit_name: unit.name,
            unit_path: unit.path,
            kind,
            from,
            to,
            note: b.note,
        },
    )
    .await
    .map_err(fail)?;
    let figs = ocop_store::reports::figures(&st.db.conn, &r).await?;
    Ok((StatusCode::CREATED, Json(out(r, Some(figs)))))
}

#[derive(Deserialize, IntoParams, Default)]
#[serde(default)]
pub struct PageQuery {
    pub page: Option<u64>,
    pub per_page: Option<u64>,
}

/// Reports of the caller's unit, of the units below, and those sent to it.
#[utoipa::path(get, path = "/api/v1/reports", params(PageQuery), responses((status = 200, body = ReportList)))]
pub async fn list(
    State(st): State<AppState>,
    u: ApiUser,
    Query(q): Query<PageQuery>,
) -> Result<Json<ReportList>, ApiError> {
    let (items, total) = ocop_store::reports::list(
        &st.db.conn,
        &u.principal,
        q.page.unwrap_or(1),
        q.per_page.unwrap_or(50),
    )
    .await?;
    Ok(Json(ReportList {
        items: items.into_iter().map(|r| out(r, None)).collect(),
        total,
    }))
}

/// One report with its figures (404 outside the caller's area).
#[utoipa::path(get, path = "/api/v1/reports/{id}", responses((status = 200, body = ReportOut), (status = 404, body = super::ErrorBody)))]
pub async fn show(
    State(st): State<AppState>,
    u: ApiUser,
    Path(id): Path<i64>,
) -> Result<Json<ReportOut>, ApiError> {
    let r = ocop_store::reports::get(&st.db.conn, &u.principal, id).await?;
    let figs = ocop_store::reports::figures(&st.db.conn, &r).await?;
    Ok(Json(out(r, Some(figs))))
}

#[derive(Deserialize, ToSchema, Default)]
pub struct ActIn {
    /// The note (annotate, submit) or the reason (return, required).
    #[serde(default)]
    pub text: String,
}

/// `annotate`, `submit` (freezes the figures), `accept` or `return` (reason required).
#[utoipa::path(post, path = "/api/v1/reports/{id}/{action}", request_body = ActIn, responses((status = 200, body = ReportOut), (status = 403, body = super::ErrorBody), (status = 404, body = super::ErrorBody), (status = 409, body = super::ErrorBody), (status = 422, body = super::ErrorBody)))]
pub async fn act(
    State(st): State<AppState>,
    u: ApiUser,
    Path((id, action)): Path<(i64, String)>,
    ApiJson(b): ApiJson<ActIn>,
) -> Result<Json<ReportOut>, ApiError> {
    let a = match action.as_str() {
        "annotate" => ReportAction::Annotate,
        "submit" => ReportAction::Submit,
        "accept" => ReportAction::Accept,
        "return" => ReportAction::Return,
        _ => return Err(ApiError::not_found()),
    };
    let r = ocop_store::reports::act(&st.db.conn, &u.actor(), &u.principal, id, a, &b.text)
        .await
        .map_err(fail)?;
    let figs = ocop_store::reports::figures(&st.db.conn, &r).await?;
    Ok(Json(out(r, Some(figs))))
}

#[derive(Deserialize, IntoParams)]
pub struct CompletenessQuery {
    pub kind: String,
    pub from: String,
    pub to: String,
}

#[derive(Serialize, ToSchema)]
pub struct CompletenessOut {
    pub unit: String,
    #[schema(value_type = Vec<Object>)]
    pub items: Vec<Standing>,
    /// Units below that have submitted, of all units below.
    pub submitted: usize,
    pub total: usize,
}

/// Who below the caller's unit has (not) reported for a period, and on time.
#[utoipa::path(get, path = "/api/v1/reports/completeness", params(CompletenessQuery), responses((status = 200, body = CompletenessOut), (status = 403, body = super::ErrorBody)))]
pub async fn completeness(
    State(st): State<AppState>,
    u: ApiUser,
    Query(q): Query<CompletenessQuery>,
) -> Result<Json<CompletenessOut>, ApiError> {
    let kind: ReportKind = q.kind.parse().map_err(|_| {
        ApiError::bad_request("kind must be quarterly, six_monthly, annual or ad_hoc")
    })?;
    let (from, to) = (day(&q.from, "from")?, day(&q.to, "to")?);
    ocop_domain::reports::check_period(kind, from, to).map_err(|e| fail(e.into()))?;
    let unit = super::indicators::own_unit(&st, &u.principal)
        .await
        .ok_or_else(ApiError::forbidden)?;
    let items = ocop_store::reports::completeness(&st.db.conn, &unit, kind, from, to).await?;
    let submitted = items.iter().filter(|s| s.on_time.is_some()).count();
    Ok(Json(CompletenessOut {
        unit: unit.code,
        total: items.len(),
        submitted,
        items,
    }))
}
