//! The province's steps around its council over JSON (QĐ 26/2026 Art. 7.3.c, g): the
//! report on a file to the council's chair, and the written notice of the result.
//! The same store functions as the dossier page.

use crate::auth::{ApiJson, ApiUser};
use crate::error::ApiError;
use crate::pages::dossiers::loc;
use crate::AppState;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::routing::post;
use axum::{Json, Router};
use ocop_domain::format::parse_date_vn;
use ocop_domain::roles::Action;
use ocop_domain::workflow::AdvisoryReport;
use ocop_store::province_steps as ps;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/api/v1/dossiers/{id}/advisory-report", post(save_report))
        .route("/api/v1/dossiers/{id}/result-notice", post(send_notice))
}

#[derive(Deserialize, ToSchema)]
pub struct AdvisoryIn {
    /// The report's number and sign.
    pub reference: String,
    /// Sent to the council's chair on (YYYY-MM-DD or dd/mm/yyyy).
    pub sent_to_chair_on: String,
    /// Field survey at the producer's site, if one was made.
    #[serde(default)]
    pub field_survey_on: Option<String>,
    #[serde(default)]
    pub lab_tests: String,
    pub findings: String,
    pub recommendation: String,
    /// 0 for the first report, else the version read.
    #[serde(default)]
    pub version: i32,
}

#[derive(Serialize, ToSchema)]
pub struct AdvisoryOut {
    pub dossier_id: i64,
    pub reference: String,
    pub sent_to_chair_on: String,
    pub field_survey_on: Option<String>,
    pub lab_tests: String,
    pub findings: String,
    pub recommendation: String,
    pub version: i32,
}

#[derive(Deserialize, ToSchema)]
pub struct NoticeIn {
    pub reference: String,
    /// YYYY-MM-DD or dd/mm/yyyy, not in the future.
    pub signed_on: String,
}

#[derive(Serialize, ToSchema)]
pub struct NoticeOut {
    pub dossier_id: i64,
    pub reference: String,
    pub signed_on: String,
    /// recognised or not_recognised.
    pub result: String,
}

fn bad_date(field: &str) -> ApiError {
    ApiError::new(
        StatusCode::UNPROCESSABLE_ENTITY,
        "validation_failed",
        format!("{field} must be a date (YYYY-MM-DD or dd/mm/yyyy)"),
    )
    .with_id(field)
}

/// Who may act on the dossier at all: out of scope reads as unknown.
async fn in_scope(st: &AppState, u: &ApiUser, id: i64) -> Result<bool, ApiError> {
    let d = ocop_store::dossiers::get(&st.db.conn, id).await?;
    if !u.principal.may(Action::View, &loc(&d)) {
        return Err(ApiError::not_found());
    }
    Ok(u.principal.can_see(&loc(&d)))
}

/// Records or rewrites the report on a dossier's file to the provincial council's
/// chair (QĐ 26/2026 Art. 7.3.c; re-evaluation 7.6.c). Province officers, while the
/// province checks the file or it waits for its council; the council records no
/// result without it.
#[utoipa::path(post, path = "/api/v1/dossiers/{id}/advisory-report", params(("id" = i64, Path, description = "dossier id")), request_body = AdvisoryIn, responses((status = 200, body = AdvisoryOut), (status = 401, body = super::ErrorBody), (status = 403, body = super::ErrorBody), (status = 404, body = super::ErrorBody), (status = 409, body = super::ErrorBody), (status = 422, body = super::ErrorBody)))]
pub async fn save_report(
    State(st): State<AppState>,
    u: ApiUser,
    Path(id): Path<i64>,
    ApiJson(body): ApiJson<AdvisoryIn>,
) -> Result<Json<AdvisoryOut>, ApiError> {
    let scope = in_scope(&st, &u, id).await?;
    let sent = parse_date_vn(&body.sent_to_chair_on).ok_or_else(|| bad_date("sent_to_chair_on"))?;
    let survey = match body.field_survey_on.as_deref().map(str::trim) {
        None | Some("") => None,
        Some(s) => Some(parse_date_vn(s).ok_or_else(|| bad_date("field_survey_on"))?),
    };
    let report = AdvisoryReport {
        reference: body.reference,
        sent_to_chair_on: Some(sent),
        field_survey_on: survey,
        lab_tests: body.lab_tests,
        findings: body.findings,
        recommendation: body.recommendation,
    };
    if let Some((field, why)) = report.problems().first() {
        return Err(ApiError::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            "validation_failed",
            format!("{field}: {why}"),
        )
        .with_id(*field));
    }
    let m = ps::record_advisory_report(
        &st.db.conn,
        &u.actor(),
        u.principal.role,
        scope,
        id,
        body.version,
        &report,
        st.today(),
    )
    .await?;
    Ok(Json(AdvisoryOut {
        dossier_id: m.dossier_id,
        reference: m.reference,
        sent_to_chair_on: m.sent_to_chair_on.to_string(),
        field_survey_on: m.field_survey_on.map(|d| d.to_string()),
        lab_tests: m.lab_tests,
        findings: m.findings,
        recommendation: m.recommendation,
        version: m.version,
    }))
}

/// Sends the written notice of a dossier's result to the commune and the producer
/// (QĐ 26/2026 Art. 7.3.g): province officers, once the result is decided
/// (recognised with its certificate, or not recognised), once.
#[utoipa::path(post, path = "/api/v1/dossiers/{id}/result-notice", params(("id" = i64, Path, description = "dossier id")), request_body = NoticeIn, responses((status = 201, body = NoticeOut), (status = 401, body = super::ErrorBody), (status = 403, body = super::ErrorBody), (status = 404, body = super::ErrorBody), (status = 409, body = super::ErrorBody), (status = 422, body = super::ErrorBody)))]
pub async fn send_notice(
    State(st): State<AppState>,
    u: ApiUser,
    Path(id): Path<i64>,
    ApiJson(body): ApiJson<NoticeIn>,
) -> Result<(StatusCode, Json<NoticeOut>), ApiError> {
    let scope = in_scope(&st, &u, id).await?;
    let signed_on = parse_date_vn(&body.signed_on).ok_or_else(|| bad_date("signed_on"))?;
    let m = ps::notify_result(
        &st.db.conn,
        &u.actor(),
        u.principal.role,
        scope,
        id,
        &body.reference,
        signed_on,
        st.today(),
    )
    .await?;
    Ok((
        StatusCode::CREATED,
        Json(NoticeOut {
            dossier_id: m.dossier_id,
            reference: m.reference,
            signed_on: m.signed_on.to_string(),
            result: m.result,
        }),
    ))
}
