//! Revenue API (issue 12, item 3): figures per product, period and channel; growth
//! by product, producer, unit, product set and channel; .xlsx export and import
//! (a preview, then all or nothing, or explicitly the valid rows only).

use super::trade::{trade_error, xlsx};
use crate::auth::{ApiJson, ApiUser};
use crate::error::ApiError;
use crate::AppState;
use axum::body::Bytes;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use axum::routing::{get, post};
use axum::{Json, Router};
use ocop_domain::trade::RevenueInput;
use ocop_store::revenue::{self as rv, GroupBy};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/api/v1/revenue", get(list).post(create))
        .route("/api/v1/revenue/growth", get(growth))
        .route("/api/v1/revenue/export", get(export))
        .route("/api/v1/revenue/import", post(import))
        .route("/api/v1/revenue/{id}", get(show))
}

#[derive(Serialize, ToSchema)]
pub struct RevenueOut {
    pub id: i64,
    pub producer_id: i64,
    pub product_id: i64,
    pub product: String,
    pub product_code: String,
    pub year: i32,
    /// 1–4, or null for the whole year.
    pub quarter: Option<i32>,
    /// A channel kind code, or null for all channels.
    pub channel: Option<String>,
    pub revenue_vnd: i64,
    /// Output in `output_unit`.
    pub output: Option<f64>,
    pub output_unit: Option<String>,
    /// producer, officer or import.
    pub source: String,
    pub version: i32,
}

impl From<rv::RevenueRow> for RevenueOut {
    fn from(r: rv::RevenueRow) -> Self {
        let m = r.record;
        RevenueOut {
            id: m.id,
            producer_id: m.producer_id,
            product_id: m.product_id,
            product: r.product,
            product_code: r.product_code,
            year: m.year,
            quarter: m.quarter,
            channel: m.channel,
            revenue_vnd: m.revenue_vnd,
            output: m.output_milli.map(|o| o as f64 / 1000.0),
            output_unit: m.output_unit,
            source: m.source,
            version: m.version,
        }
    }
}

#[derive(Serialize, ToSchema)]
pub struct RevenueList {
    pub items: Vec<RevenueOut>,
    pub total: u64,
}

#[derive(Deserialize, IntoParams, Default)]
#[serde(default)]
pub struct RevenueQuery {
    pub year: Option<i32>,
    pub product_id: Option<i64>,
    pub producer_id: Option<i64>,
    pub page: Option<u64>,
    pub per_page: Option<u64>,
}

/// A figure to enter. Entering the same product, year, quarter and channel again
/// corrects the figure.
#[derive(Deserialize, ToSchema, Default)]
#[serde(default)]
pub struct RevenueIn {
    pub product_id: i64,
    /// When given, must own the product (a clear refusal otherwise).
    pub producer_id: Option<i64>,
    pub year: i32,
    pub quarter: Option<i32>,
    pub channel: Option<String>,
    pub revenue_vnd: i64,
    pub output: Option<f64>,
    pub output_unit: Option<String>,
}

fn filter(q: &RevenueQuery, max: Option<u64>) -> rv::RevenueFilter {
    rv::RevenueFilter {
        year: q.year,
        product_id: q.product_id,
        producer_id: q.producer_id,
        page: if max.is_some() {
            1
        } else {
            q.page.unwrap_or(1)
        },
        per_page: max.unwrap_or(q.per_page.unwrap_or(50)),
    }
}

/// Revenue figures in scope (a producer: its own).
#[utoipa::path(get, path = "/api/v1/revenue", params(RevenueQuery), responses((status = 200, body = RevenueList)))]
pub async fn list(
    State(s): State<AppState>,
    u: ApiUser,
    Query(q): Query<RevenueQuery>,
) -> Result<Json<RevenueList>, ApiError> {
    let pg = rv::list_revenue(&s.db.conn, &u.principal.scope, &filter(&q, None)).await?;
    Ok(Json(RevenueList {
        total: pg.total,
        items: pg.items.into_iter().map(Into::into).collect(),
    }))
}

/// Enters or corrects a revenue figure.
#[utoipa::path(post, path = "/api/v1/revenue", request_body = RevenueIn,
    responses((status = 201, body = RevenueOut), (status = 404, body = super::ErrorBody), (status = 422, body = super::ErrorBody)))]
pub async fn create(
    State(s): State<AppState>,
    u: ApiUser,
    ApiJson(b): ApiJson<RevenueIn>,
) -> Result<(StatusCode, Json<RevenueOut>), ApiError> {
    let output_milli = match b.output {
        Some(x) if !x.is_finite() || x.abs() > 9.0e12 => {
            return Err(ApiError::new(
                StatusCode::UNPROCESSABLE_ENTITY,
                "bad_output",
                "output must be a number",
            ))
        }
        Some(x) => Some((x * 1000.0).round() as i64),
        None => None,
    };
    let input = RevenueInput {
        year: b.year,
        quarter: b.quarter,
        channel: b.channel.clone(),
        revenue_vnd: b.revenue_vnd,
        output_milli,
        output_unit: b.output_unit.clone(),
    };
    let m = rv::save_revenue(
        &s.db.conn,
        &u.principal,
        &u.actor(),
        b.product_id,
        b.producer_id,
        &input,
    )
    .await
    .map_err(trade_error)?;
    one(&s, &u, m.id).await.map(|j| (StatusCode::CREATED, j))
}

async fn one(s: &AppState, u: &ApiUser, id: i64) -> Result<Json<RevenueOut>, ApiError> {
    let m = rv::get_revenue(&s.db.conn, &u.principal, id).await?;
    let pg = rv::list_revenue(
        &s.db.conn,
        &u.principal.scope,
        &rv::RevenueFilter {
            product_id: Some(m.product_id),
            year: Some(m.year),
            page: 1,
            per_page: 200,
            ..Default::default()
        },
    )
    .await?;
    pg.items
        .into_iter()
        .find(|r| r.record.id == id)
        .map(|r| Json(r.into()))
        .ok_or_else(ApiError::not_found)
}

/// One revenue figure.
#[utoipa::path(get, path = "/api/v1/revenue/{id}", params(("id" = i64, Path)),
    responses((status = 200, body = RevenueOut), (status = 404, body = super::ErrorBody)))]
pub async fn show(
    State(s): State<AppState>,
    u: ApiUser,
    Path(id): Path<i64>,
) -> Result<Json<RevenueOut>, ApiError> {
    one(&s, &u, id).await
}

#[derive(Deserialize, IntoParams, Default)]
#[serde(default)]
pub struct GrowthQuery {
    /// The year compared with the one before; this year when left out.
    pub year: Option<i32>,
    /// product (default), producer, unit, set or channel.
    pub by: Option<String>,
}

#[derive(Serialize, ToSchema)]
pub struct GrowthOut {
    pub key: String,
    pub label: String,
    pub previous_vnd: i64,
    pub current_vnd: i64,
    /// Null when the previous year has no revenue.
    pub growth_percent: Option<f64>,
}

#[derive(Serialize, ToSchema)]
pub struct GrowthList {
    pub year: i32,
    pub by: String,
    pub items: Vec<GrowthOut>,
    pub total: u64,
}

pub(crate) fn growth_params(s: &AppState, q: &GrowthQuery) -> Result<(i32, GroupBy), ApiError> {
    use chrono::Datelike;
    let year = q.year.unwrap_or_else(|| s.today().year());
    ocop_domain::trade::check_year(year, s.today())
        .map_err(|e| trade_error(ocop_store::trade::invalid(e)))?;
    let by = match q.by.as_deref().filter(|b| !b.is_empty()) {
        None => GroupBy::Product,
        Some(b) => GroupBy::parse(b).ok_or_else(|| {
            ApiError::bad_request("by must be product, producer, unit, set or channel")
        })?,
    };
    Ok((year, by))
}

/// Year-on-year revenue growth in scope, grouped.
#[utoipa::path(get, path = "/api/v1/revenue/growth", params(GrowthQuery), responses((status = 200, body = GrowthList), (status = 400, body = super::ErrorBody)))]
pub async fn growth(
    State(s): State<AppState>,
    u: ApiUser,
    Query(q): Query<GrowthQuery>,
) -> Result<Json<GrowthList>, ApiError> {
    let (year, by) = growth_params(&s, &q)?;
    let rows = rv::growth(&s.db.conn, &u.principal.scope, year, by).await?;
    Ok(Json(GrowthList {
        year,
        by: by.as_str().into(),
        total: rows.len() as u64,
        items: rows
            .into_iter()
            .map(|r| GrowthOut {
                key: r.key,
                label: r.label,
                previous_vnd: r.previous_vnd,
                current_vnd: r.current_vnd,
                growth_percent: r.growth_percent.map(|g| (g * 10.0).round() / 10.0),
            })
            .collect(),
    }))
}

/// Revenue figures in scope as an Excel file (the import's columns).
#[utoipa::path(get, path = "/api/v1/revenue/export", params(RevenueQuery), responses((status = 200, content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")))]
pub async fn export(
    State(s): State<AppState>,
    u: ApiUser,
    Query(q): Query<RevenueQuery>,
) -> Result<Response, ApiError> {
    let pg = rv::list_revenue(&s.db.conn, &u.principal.scope, &filter(&q, Some(5000))).await?;
    xlsx(
        "doanh-thu.xlsx",
        &crate::trade_tables::revenue_table(&pg.items),
    )
}

#[derive(Deserialize, IntoParams, Default)]
#[serde(default)]
pub struct ImportQuery {
    /// false (default): a preview, nothing saved.
    pub commit: bool,
    /// With commit: save the valid rows even when others have errors.
    pub valid_only: bool,
}

#[derive(Serialize, ToSchema)]
pub struct ImportRowOut {
    /// Row number in the sheet (the header is row 1).
    pub row: usize,
    pub product_code: String,
    pub product: Option<String>,
    pub year: i32,
    pub quarter: Option<i32>,
    pub channel: Option<String>,
    pub revenue_vnd: i64,
    /// In Vietnamese; empty when the row is valid.
    pub errors: Vec<String>,
}

#[derive(Serialize, ToSchema)]
pub struct ImportOut {
    pub rows: Vec<ImportRowOut>,
    pub valid: usize,
    pub invalid: usize,
    /// Figures saved (0 for a preview, or a file with errors without valid_only).
    pub saved: usize,
}

/// Imports revenue from an .xlsx sent as the request body. Without `commit`, a
/// preview; with it, everything or nothing — or the valid rows with `valid_only`.
#[utoipa::path(post, path = "/api/v1/revenue/import", params(ImportQuery),
    request_body(content = Vec<u8>, content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
    responses((status = 200, body = ImportOut), (status = 422, body = super::ErrorBody)))]
pub async fn import(
    State(s): State<AppState>,
    u: ApiUser,
    Query(q): Query<ImportQuery>,
    body: Bytes,
) -> Result<Json<ImportOut>, ApiError> {
    let rows = crate::trade_tables::revenue_rows(&body).map_err(|e| {
        let mut err = ApiError::new(StatusCode::UNPROCESSABLE_ENTITY, "bad_file", e.to_string());
        err.fields = Some(serde_json::json!({"message_vi": e.to_string()}));
        err
    })?;
    let out = rv::import(
        &s.db.conn,
        &u.principal,
        &u.actor(),
        &rows,
        q.commit,
        q.valid_only,
    )
    .await?;
    Ok(Json(import_out(out)))
}

pub(crate) fn import_out(out: rv::ImportOutcome) -> ImportOut {
    let invalid = out.rows.iter().filter(|r| !r.errors.is_empty()).count();
    ImportOut {
        valid: out.rows.len() - invalid,
        invalid,
        saved: out.saved,
        rows: out
            .rows
            .into_iter()
            .map(|r| ImportRowOut {
                row: r.number,
                product_code: r.product_code,
                product: r.product,
                year: r.input.year,
                quarter: r.input.quarter,
                channel: r.input.channel,
                revenue_vnd: r.input.revenue_vnd,
                errors: r.errors,
            })
            .collect(),
    }
}
