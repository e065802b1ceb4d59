//! Indicators and plans (issue 13): `GET /api/v1/indicators` (contract),
//! `GET|POST /api/v1/plans`, `GET /api/v1/plans/{id}`.

use crate::auth::{ApiJson, ApiUser};
use crate::error::ApiError;
use crate::AppState;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::routing::get;
use axum::{Json, Router};
use chrono::{Datelike, NaiveDate};
use ocop_domain::indicators::{self as di, Comparator};
use ocop_domain::roles::{Principal, Scope};
use ocop_domain::units::Period;
use ocop_store::entities::admin_unit;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/api/v1/indicators", get(indicators))
        .route("/api/v1/plans", get(list_plans).post(create_plan))
        .route("/api/v1/plans/{id}", get(get_plan))
}

/// Why a unit cannot be used for indicators.
pub enum UnitRefusal {
    Unknown,
    OutOfScope,
}

/// Finds a unit by code in the period asked, else the period in force on `on`,
/// else the other period; and checks that the caller may see its indicators (its
/// path, or the path of the new unit it maps to, lies under the caller's unit).
pub async fn unit_for(
    st: &AppState,
    p: &Principal,
    code: &str,
    period: Option<Period>,
    on: NaiveDate,
) -> Result<admin_unit::Model, UnitRefusal> {
    let c = &st.db.conn;
    let order = match period {
        Some(p) => vec![p],
        None => {
            let first = Period::at(on);
            vec![
                first,
                if first == Period::Pre2025 {
                    Period::Post2025
                } else {
                    Period::Pre2025
                },
            ]
        }
    };
    let mut found = None;
    for per in order {
        if let Ok(Some(u)) = ocop_store::units::find(c, code.trim(), per).await {
            found = Some((u, per));
            break;
        }
    }
    let Some((u, per)) = found else {
        return Err(UnitRefusal::Unknown);
    };
    let allowed = match &p.scope {
        Scope::All => true,
        Scope::Unit { path } => {
            let current = ocop_store::units::resolve(c, &u.code, per)
                .await
                .ok()
                .flatten()
                .map(|r| r.current_path)
                .unwrap_or_default();
            ocop_domain::units::path_within(&u.path, path)
                || (!current.is_empty() && ocop_domain::units::path_within(&current, path))
        }
        _ => false,
    };
    if allowed {
        Ok(u)
    } else {
        Err(UnitRefusal::OutOfScope)
    }
}

/// The caller's own unit code, if any.
pub async fn own_unit(st: &AppState, p: &Principal) -> Option<admin_unit::Model> {
    match &p.scope {
        Scope::Unit { path } => ocop_store::units::find_by_path(&st.db.conn, path)
            .await
            .ok()
            .flatten(),
        _ => None,
    }
}

#[derive(Deserialize, IntoParams, Default)]
#[serde(default)]
pub struct IndicatorQuery {
    /// Administrative unit code (`12` for Lai Châu); default: the caller's unit.
    pub unit: Option<String>,
    /// The year measured; default: the year of `date`, or this year.
    pub year: Option<String>,
    /// Measure on this day (YYYY-MM-DD) when it falls in the year; default: the
    /// year's last day, or today for the current year.
    pub date: Option<String>,
    /// `pre2025` or `post2025` when a code exists in both periods; default: the
    /// period in force on the measuring day.
    pub period: Option<String>,
}

/// One indicator (contract fields first).
#[derive(Serialize, ToSchema)]
pub struct IndicatorOut {
    pub id: String,
    /// Vietnamese name.
    pub name: String,
    /// The plan's target number (the lower end of a range); null without a plan.
    pub target: Option<f64>,
    /// The computed value; null when there is nothing to measure (a share of none).
    pub actual: Option<f64>,
    /// `count` or `percent`.
    pub measure: String,
    pub name_en: String,
    pub group: String,
    pub target_max: Option<f64>,
    /// The target as written: "> 60", "≥ 70 %", "5–10 %".
    pub target_text: Option<String>,
    /// `gt`, `ge` or `range`.
    pub comparator: Option<String>,
    pub met: Option<bool>,
    /// Percent of the target reached (capped at 100).
    pub progress: Option<f64>,
    /// The value projected to the year's end.
    pub projection: Option<f64>,
}

#[derive(Serialize, ToSchema)]
pub struct IndicatorsOut {
    pub unit: String,
    pub year: i32,
    pub unit_name: String,
    pub period: String,
    /// The day measured (YYYY-MM-DD).
    pub date: String,
    pub indicators: Vec<IndicatorOut>,
}

/// Parses a year (2000–2100).
pub fn parse_year(s: &str) -> Option<i32> {
    s.trim()
        .parse::<i32>()
        .ok()
        .filter(|y| (2000..=2100).contains(y))
}

fn parse_date(s: &Option<String>, name: &str) -> Result<Option<NaiveDate>, ApiError> {
    match s.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
        None => Ok(None),
        Some(v) => ocop_domain::format::parse_date_vn(v)
            .map(Some)
            .ok_or_else(|| ApiError::bad_request(format!("{name} must be a date (YYYY-MM-DD)"))),
    }
}

fn parse_period(s: &Option<String>) -> Result<Option<Period>, ApiError> {
    match s.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
        None => Ok(None),
        Some(v) => v
            .parse()
            .map(Some)
            .map_err(|_| ApiError::bad_request("period must be pre2025 or post2025")),
    }
}

/// The plan's and programme's indicators of a unit for a year, with the unit's
/// targets. An officer asking for a unit outside their area gets 403.
#[utoipa::path(get, path = "/api/v1/indicators", params(IndicatorQuery), responses((status = 200, body = IndicatorsOut), (status = 400, body = super::ErrorBody), (status = 403, body = super::ErrorBody), (status = 404, body = super::ErrorBody)))]
pub async fn indicators(
    State(st): State<AppState>,
    u: ApiUser,
    Query(q): Query<IndicatorQuery>,
) -> Result<Json<IndicatorsOut>, ApiError> {
    let date = parse_date(&q.date, "date")?;
    let today = st.today();
    let year = match q.year.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
        Some(y) => parse_year(y)
            .ok_or_else(|| ApiError::bad_request("year must be a number between 2000 and 2100"))?,
        None => date.unwrap_or(today).year(),
    };
    let at = di::measured_on(year, Some(date.unwrap_or(today)));
    let period = parse_period(&q.period)?;
    let unit = match q.unit.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
        Some(code) => match unit_for(&st, &u.principal, code, period, at).await {
            Ok(unit) => unit,
            Err(UnitRefusal::Unknown) => {
                return Err(ApiError::new(
                    StatusCode::NOT_FOUND,
                    "not_found",
                    format!("no administrative unit {code}"),
                ))
            }
            Err(UnitRefusal::OutOfScope) => return Err(ApiError::forbidden()),
        },
        None => own_unit(&st, &u.principal).await.ok_or_else(|| {
            ApiError::bad_request("unit is required (an administrative unit code)")
        })?,
    };
    let rows = ocop_store::indicators::rows(&st.db.conn, &unit.path, year, at).await?;
    Ok(Json(IndicatorsOut {
        unit: unit.code,
        year,
        unit_name: unit.name,
        period: unit.period,
        date: at.to_string(),
        indicators: rows.into_iter().map(row_out).collect(),
    }))
}

fn row_out(r: ocop_store::indicators::Row) -> IndicatorOut {
    IndicatorOut {
        id: r.id.into(),
        name: r.name_vi.into(),
        target: r.target,
        actual: r.actual,
        measure: r.measure.into(),
        name_en: r.name_en.into(),
        group: r.group.into(),
        target_max: r.target_max,
        target_text: r.target_text,
        comparator: r.comparator.map(String::from),
        met: r.met,
        progress: r.progress,
        projection: r.projection,
    }
}

/// A target as sent: `value` a number or a numeric string.
#[derive(Deserialize, ToSchema)]
pub struct TargetIn {
    pub indicator: String,
    /// `gt` (>), `ge` (≥) or `range`.
    pub comparator: String,
    #[schema(value_type = Object)]
    pub value: serde_json::Value,
    /// The upper end of a range.
    #[schema(value_type = Option<Object>)]
    #[serde(default)]
    pub max: Option<serde_json::Value>,
}

#[derive(Deserialize, ToSchema)]
pub struct PlanIn {
    /// Unit code; default the caller's unit.
    #[serde(default)]
    pub unit: Option<String>,
    /// `pre2025` or `post2025` (for a code that exists in both).
    #[serde(default)]
    pub period: Option<String>,
    pub year: i32,
    #[serde(default)]
    pub title: String,
    pub targets: Vec<TargetIn>,
}

#[derive(Serialize, ToSchema)]
pub struct TargetOut {
    pub indicator: String,
    pub comparator: String,
    pub value: f64,
    pub max: Option<f64>,
    pub text: String,
}

#[derive(Serialize, ToSchema)]
pub struct PlanOut {
    pub id: i64,
    pub unit: String,
    pub period: String,
    pub year: i32,
    pub title: String,
    pub created_by: String,
    pub targets: Vec<TargetOut>,
}

#[derive(Serialize, ToSchema)]
pub struct PlanList {
    pub items: Vec<PlanOut>,
    pub total: u64,
}

fn as_text(v: &serde_json::Value) -> String {
    match v {
        serde_json::Value::Number(n) => n.to_string(),
        serde_json::Value::String(s) => s.clone(),
        _ => String::new(),
    }
}

/// Checks targets with the domain's rule; the first refusal in English (and
/// Vietnamese under `fields.message_vi`).
pub fn check_targets(
    items: &[(String, String, String, Option<String>)],
) -> Result<Vec<(String, di::Target)>, di::TargetError> {
    items
        .iter()
        .map(|(id, cmp, v, m)| {
            let c =
                Comparator::parse(cmp).ok_or_else(|| di::TargetError::NotANumber(id.clone()))?;
            di::parse_target(id, c, v, m.as_deref()).map(|t| (id.clone(), t))
        })
        .collect()
}

pub async fn plan_out(
    st: &AppState,
    p: ocop_store::entities::plan::Model,
) -> Result<PlanOut, ApiError> {
    let ts = ocop_store::indicators::plan_targets(&st.db.conn, p.id).await?;
    Ok(PlanOut {
        targets: ts
            .into_iter()
            .map(|t| {
                let measure = di::find(&t.indicator)
                    .map(|d| d.measure)
                    .unwrap_or(di::Measure::Count);
                let text = di::Target {
                    comparator: Comparator::parse(&t.comparator).unwrap_or(Comparator::Ge),
                    value: t.value,
                    max: t.value_max,
                }
                .text(measure);
                TargetOut {
                    indicator: t.indicator,
                    comparator: t.comparator,
                    value: t.value,
                    max: t.value_max,
                    text,
                }
            })
            .collect(),
        id: p.id,
        unit: p.unit_code,
        period: p.unit_period,
        year: p.year,
        title: p.title,
        created_by: p.created_by,
    })
}

/// Enters a unit's plan for a year, once: the unit's own officer (the province
/// officer for the province). A target that is not a number, or a unit that did not
/// exist in that year (a district after the reform), is refused with 422.
#[utoipa::path(post, path = "/api/v1/plans", request_body = PlanIn, responses((status = 201, body = PlanOut), (status = 403, body = super::ErrorBody), (status = 409, body = super::ErrorBody), (status = 422, body = super::ErrorBody)))]
pub async fn create_plan(
    State(st): State<AppState>,
    u: ApiUser,
    ApiJson(b): ApiJson<PlanIn>,
) -> Result<(StatusCode, Json<PlanOut>), ApiError> {
    let period = parse_period(&b.period)?;
    let mid_year = NaiveDate::from_ymd_opt(b.year.clamp(2000, 2100), 6, 30).unwrap_or_default();
    let unit = match b.unit.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
        Some(code) => match unit_for(&st, &u.principal, code, period, mid_year).await {
            Ok(x) => x,
            Err(UnitRefusal::Unknown) => {
                return Err(ApiError::new(
                    StatusCode::UNPROCESSABLE_ENTITY,
                    "invalid",
                    format!("no administrative unit {code}"),
                ))
            }
            Err(UnitRefusal::OutOfScope) => return Err(ApiError::forbidden()),
        },
        None => own_unit(&st, &u.principal)
            .await
            .ok_or_else(|| ApiError::bad_request("unit is required"))?,
    };
    if !ocop_domain::reports::officer_of(&u.principal, &unit.path) {
        return Err(ApiError::forbidden());
    }
    let items: Vec<_> = b
        .targets
        .iter()
        .map(|t| {
            (
                t.indicator.clone(),
                t.comparator.clone(),
                as_text(&t.value),
                t.max.as_ref().map(as_text),
            )
        })
        .collect();
    let targets = check_targets(&items).map_err(|e| {
        let mut a = ApiError::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            "validation_failed",
            e.to_string(),
        );
        a.fields = Some(serde_json::json!({"message_vi": e.message_vi()}));
        a
    })?;
    let saved = ocop_store::indicators::create_plan(
        &st.db.conn,
        &u.actor(),
        ocop_store::indicators::NewPlan {
            unit_period: unit.period.parse().unwrap_or(Period::Post2025),
            unit_code: unit.code.clone(),
            unit_level: unit.level.clone(),
            unit_path: unit.path.clone(),
            year: b.year,
            title: b.title.clone(),
            targets,
        },
    )
    .await?;
    Ok((StatusCode::CREATED, Json(plan_out(&st, saved).await?)))
}

#[derive(Deserialize, IntoParams, Default)]
#[serde(default)]
pub struct PageQuery {
    pub page: Option<u64>,
    pub per_page: Option<u64>,
}

fn scope_path(p: &Principal) -> Option<String> {
    match &p.scope {
        Scope::All => Some("VN/".into()),
        Scope::Unit { path } => Some(path.clone()),
        _ => None,
    }
}

/// Plans of the caller's unit and the units below it.
#[utoipa::path(get, path = "/api/v1/plans", params(PageQuery), responses((status = 200, body = PlanList)))]
pub async fn list_plans(
    State(st): State<AppState>,
    u: ApiUser,
    Query(q): Query<PageQuery>,
) -> Result<Json<PlanList>, ApiError> {
    let Some(path) = scope_path(&u.principal) else {
        return Ok(Json(PlanList {
            items: vec![],
            total: 0,
        }));
    };
    let all = ocop_store::indicators::plans_under(&st.db.conn, &path).await?;
    let total = all.len() as u64;
    let per = q.per_page.unwrap_or(50).clamp(1, 500);
    let page = q.page.unwrap_or(1).max(1);
    let mut items = vec![];
    for p in all
        .into_iter()
        .skip(((page - 1) * per) as usize)
        .take(per as usize)
    {
        items.push(plan_out(&st, p).await?);
    }
    Ok(Json(PlanList { items, total }))
}

/// One plan with its targets (404 outside the caller's area).
#[utoipa::path(get, path = "/api/v1/plans/{id}", responses((status = 200, body = PlanOut), (status = 404, body = super::ErrorBody)))]
pub async fn get_plan(
    State(st): State<AppState>,
    u: ApiUser,
    Path(id): Path<i64>,
) -> Result<Json<PlanOut>, ApiError> {
    let p = ocop_store::indicators::get_plan(&st.db.conn, id).await?;
    match scope_path(&u.principal) {
        Some(s) if p.unit_path.starts_with(&s) => Ok(Json(plan_out(&st, p).await?)),
        _ => Err(ApiError::not_found()),
    }
}
