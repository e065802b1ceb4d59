//! Administrative units: `GET /api/v1/units`, `/api/v1/units/{period}/{code}`,
//! `/api/v1/units/mapping`.

use crate::auth::ApiUser;
use crate::error::ApiError;
use crate::AppState;
use axum::extract::{Path, Query, State};
use axum::routing::get;
use axum::{Json, Router};
use ocop_domain::units::Period;
use ocop_store::entities::admin_unit;
use ocop_store::units;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/api/v1/units", get(list))
        .route("/api/v1/units/mapping", get(mapping))
        .route("/api/v1/units/{period}/{code}", get(show))
}

#[derive(Serialize, ToSchema)]
pub struct UnitOut {
    pub code: String,
    /// `pre2025` (until 30/06/2025) or `post2025` (from 01/07/2025).
    pub period: String,
    pub name: String,
    pub level: String,
    pub parent_code: Option<String>,
    pub province_code: Option<String>,
    pub aliases: Vec<String>,
    pub valid_from: Option<String>,
    pub valid_to: Option<String>,
}

fn out(u: admin_unit::Model) -> UnitOut {
    let p: Period = u.period.parse().unwrap_or(Period::Post2025);
    UnitOut {
        aliases: u
            .aliases
            .split('|')
            .filter(|s| !s.is_empty())
            .map(String::from)
            .collect(),
        code: u.code,
        period: u.period,
        name: u.name,
        level: u.level,
        parent_code: u.parent_code,
        province_code: u.province_code,
        valid_from: p.valid_from().map(|d| d.to_string()),
        valid_to: p.valid_to().map(|d| d.to_string()),
    }
}

#[derive(Deserialize, IntoParams)]
pub struct UnitQuery {
    /// `pre2025` or `post2025`; or give `date` (YYYY-MM-DD) for the units in force then.
    pub period: Option<String>,
    pub date: Option<String>,
    /// Parent unit code (e.g. `12` for Lai Châu).
    pub parent: Option<String>,
    /// Name search, with or without diacritics.
    pub q: Option<String>,
}

fn period_of(period: Option<&str>, date: Option<&str>) -> Result<Period, ApiError> {
    if let Some(d) = date {
        let d = ocop_domain::format::parse_date_vn(d)
            .ok_or_else(|| ApiError::bad_request("date must be YYYY-MM-DD or DD/MM/YYYY"))?;
        return Ok(Period::at(d));
    }
    match period {
        None | Some("") => Ok(Period::Post2025),
        Some(p) => p
            .parse()
            .map_err(|_| ApiError::bad_request("period must be pre2025 or post2025")),
    }
}

/// Units of a period (or in force on a date) under a parent, or found by name.
#[utoipa::path(get, path = "/api/v1/units", params(UnitQuery), responses((status = 200, body = [UnitOut])))]
pub async fn list(
    State(st): State<AppState>,
    _u: ApiUser,
    Query(q): Query<UnitQuery>,
) -> Result<Json<Vec<UnitOut>>, ApiError> {
    let period = period_of(q.period.as_deref(), q.date.as_deref())?;
    let rows = match (&q.parent, &q.q) {
        (Some(parent), None) => units::children(&st.db.conn, parent, period).await?,
        _ => {
            units::search(
                &st.db.conn,
                period,
                q.parent.as_deref(),
                q.q.as_deref(),
                500,
            )
            .await?
        }
    };
    Ok(Json(rows.into_iter().map(out).collect()))
}

#[derive(Serialize, ToSchema)]
pub struct UnitDetail {
    #[serde(flatten)]
    pub unit: UnitOut,
    /// For a pre-2025 commune: the unit it merged into.
    pub successor: Option<UnitOut>,
    /// For a post-2025 unit: the old units merged into it.
    pub predecessors: Vec<UnitOut>,
}

/// One unit, identified by period and code, with the old → new mapping.
#[utoipa::path(get, path = "/api/v1/units/{period}/{code}", params(("period" = String, Path), ("code" = String, Path)),
    responses((status = 200, body = UnitDetail), (status = 404, body = super::ErrorBody)))]
pub async fn show(
    State(st): State<AppState>,
    _u: ApiUser,
    Path((period, code)): Path<(String, String)>,
) -> Result<Json<UnitDetail>, ApiError> {
    let period: Period = period
        .parse()
        .map_err(|_| ApiError::bad_request("period must be pre2025 or post2025"))?;
    let db = &st.db.conn;
    let u = units::find(db, &code, period)
        .await?
        .ok_or_else(ApiError::not_found)?;
    let (successor, predecessors) = match period {
        Period::Pre2025 => {
            let s = match units::mapping_of(db, &code).await? {
                Some(m) => units::find(db, &m.new_code, Period::Post2025)
                    .await?
                    .map(out),
                None => None,
            };
            (s, vec![])
        }
        Period::Post2025 => (
            None,
            units::predecessors(db, &code)
                .await?
                .into_iter()
                .map(out)
                .collect(),
        ),
    };
    Ok(Json(UnitDetail {
        unit: out(u),
        successor,
        predecessors,
    }))
}

#[derive(Serialize, ToSchema)]
pub struct MappingOut {
    pub old_code: String,
    pub new_code: String,
    pub note: String,
}

/// The official old → new commune conversion table.
#[utoipa::path(get, path = "/api/v1/units/mapping", responses((status = 200, body = [MappingOut])))]
pub async fn mapping(
    State(st): State<AppState>,
    _u: ApiUser,
) -> Result<Json<Vec<MappingOut>>, ApiError> {
    Ok(Json(
        units::mappings(&st.db.conn)
            .await?
            .into_iter()
            .map(|m| MappingOut {
                old_code: m.old_code,
                new_code: m.new_code,
                note: m.note,
            })
            .collect(),
    ))
}
