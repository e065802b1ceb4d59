//! Support and funding, training and communication, and news over JSON (issue 12,
//! items 4, 5 and 7). The same store functions as the pages; a record outside the
//! caller's scope is 404 like a missing one. Lists answer `{"items","total"}`; each
//! list also exports to .xlsx with Vietnamese headers (`…/export.xlsx`).
//!
//! Refusals: `validation_failed` (422, with `fields`), `over_disbursement` (422:
//! more than approved without a `reason`), `bad_transition` (409), `forbidden`
//! (403: e.g. a producer approving), `conflict` (409: stale `version`).

use crate::auth::{ApiJson, ApiUser};
use crate::error::ApiError;
use crate::AppState;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use ocop_domain::format::parse_date_vn;
use ocop_domain::registry::{FieldErrors, Invalid, Lang};
use ocop_domain::support::{format_vnd, FundingSource, SupportAction, SupportKind, SupportStatus};
use ocop_store::news as ns;
use ocop_store::support::{self as ss, SupportError};
use ocop_store::support_entities::{budget_line, comm_piece, news_item, support_record};
use ocop_store::training as ts;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, OpenApi, ToSchema};

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/api/v1/supports", get(list_supports).post(create_support))
        .route("/api/v1/supports/export.xlsx", get(export_supports))
        .route("/api/v1/supports/{id}", get(get_support))
        .route("/api/v1/supports/{id}/transition", post(move_support))
        .route("/api/v1/budget-lines", get(list_lines).post(create_line))
        .route("/api/v1/budget-lines/export.xlsx", get(export_lines))
        .route(
            "/api/v1/support-policies",
            get(list_policies).post(create_policy),
        )
        .route(
            "/api/v1/training/courses",
            get(list_courses).post(create_course),
        )
        .route("/api/v1/training/courses/export.xlsx", get(export_courses))
        .route("/api/v1/training/courses/{id}", get(get_course))
        .route(
            "/api/v1/communications",
            get(list_pieces).post(create_piece),
        )
        .route("/api/v1/communications/export.xlsx", get(export_pieces))
        .route("/api/v1/news", get(list_news).post(create_news))
        .route("/api/v1/news/{id}/publish", post(publish_news))
        .route("/api/v1/news/{id}/withdraw", post(withdraw_news))
        .route("/api/v1/public/news", get(public_news))
        .route("/api/v1/public/news/{id}", get(public_news_item))
}

/// This module's part of the OpenAPI document.
#[derive(OpenApi)]
#[openapi(
    paths(
        list_supports,
        create_support,
        export_supports,
        get_support,
        move_support,
        list_lines,
        create_line,
        export_lines,
        list_policies,
        create_policy,
        list_courses,
        create_course,
        export_courses,
        get_course,
        list_pieces,
        create_piece,
        export_pieces,
        list_news,
        create_news,
        publish_news,
        withdraw_news,
        public_news,
        public_news_item,
    ),
    components(schemas(
        SupportOut,
        SupportList,
        SupportIn,
        MoveIn,
        LineOut,
        LineList,
        LineIn,
        PolicyOut,
        PolicyList,
        PolicyIn,
        CourseOut,
        CourseList,
        CourseIn,
        AttendeeOut,
        AttendeeIn,
        PieceOut,
        PieceList,
        PieceIn,
        NewsOut,
        NewsList,
        NewsIn,
        VersionIn,
    ))
)]
pub struct SupportApi;

/// Maps a support-area refusal to its JSON error.
pub fn api_error(e: SupportError) -> ApiError {
    match e {
        SupportError::Invalid(f) => ApiError::validation(&f),
        SupportError::NeedsReason { approved, total, over_by } => ApiError::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            "over_disbursement",
            format!(
                "disbursed would be {} against {} approved ({} over): give a reason to disburse more than approved",
                format_vnd(total), format_vnd(approved), format_vnd(over_by)
            ),
        ),
        SupportError::BadMove { from, action } => ApiError::new(
            StatusCode::CONFLICT,
            "bad_transition",
            format!("cannot {} a support that is {}", action.as_str(), from.as_str()),
        ),
        SupportError::Forbidden => ApiError::forbidden(),
        SupportError::Store(s) => s.into(),
    }
}

fn bad_field(field: &str) -> ApiError {
    let mut f = FieldErrors::default();
    f.add(field, Invalid::BadChoice);
    ApiError::validation(&f)
}

fn date_field(field: &str, v: Option<&str>) -> Result<Option<chrono::NaiveDate>, ApiError> {
    match v.map(str::trim).filter(|s| !s.is_empty()) {
        None => Ok(None),
        Some(s) => parse_date_vn(s).map(Some).ok_or_else(|| bad_field(field)),
    }
}

fn xlsx(
    name: &str,
    sheet: &str,
    title: &str,
    headers: Vec<&str>,
    rows: Vec<Vec<String>>,
) -> Result<Response, ApiError> {
    let t = ocop_docs::Table {
        sheet,
        title,
        headers,
        rows,
    };
    let bytes = ocop_docs::xlsx(&t).map_err(|_| {
        ApiError::new(
            StatusCode::INTERNAL_SERVER_ERROR,
            "internal",
            "cannot build the spreadsheet",
        )
    })?;
    Ok((
        [
            (
                axum::http::header::CONTENT_TYPE,
                "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet".to_string(),
            ),
            (
                axum::http::header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"{name}\""),
            ),
        ],
        bytes,
    )
        .into_response())
}

// ------------------------------------------------------------------ supports

#[derive(Serialize, ToSchema)]
pub struct SupportOut {
    pub id: i64,
    pub producer_id: i64,
    pub product_id: Option<i64>,
    /// packaging, trademark, quality, equipment, technology, raw_material, training, trade_fair, business_plan, other.
    pub kind: String,
    pub policy_code: Option<String>,
    /// central, provincial, local, credit, own, integrated.
    pub source: String,
    pub budget_line_id: Option<i64>,
    pub title: String,
    pub note: Option<String>,
    /// Đồng.
    pub planned_vnd: i64,
    pub approved_vnd: Option<i64>,
    pub disbursed_vnd: i64,
    /// Why more than approved was disbursed (dated lines).
    pub over_reason: Option<String>,
    pub proposed_on: String,
    pub approved_on: Option<String>,
    pub completed_on: Option<String>,
    /// proposed, approved, disbursing, completed, refused, cancelled.
    pub status: String,
    pub version: i32,
}

impl From<support_record::Model> for SupportOut {
    fn from(m: support_record::Model) -> Self {
        SupportOut {
            id: m.id,
            producer_id: m.producer_id,
            product_id: m.product_id,
            kind: m.kind,
            policy_code: m.policy_code,
            source: m.source,
            budget_line_id: m.budget_line_id,
            title: m.title,
            note: m.note,
            planned_vnd: m.planned_vnd,
            approved_vnd: m.approved_vnd,
            disbursed_vnd: m.disbursed_vnd,
            over_reason: m.over_reason,
            proposed_on: m.proposed_on.to_string(),
            approved_on: m.approved_on.map(|d| d.to_string()),
            completed_on: m.completed_on.map(|d| d.to_string()),
            status: m.status,
            version: m.version,
        }
    }
}

#[derive(Serialize, ToSchema)]
pub struct SupportList {
    pub items: Vec<SupportOut>,
    pub total: u64,
}

#[derive(Deserialize, IntoParams, Default)]
#[serde(default)]
pub struct SupportQuery {
    pub producer_id: Option<i64>,
    pub status: Option<String>,
    pub source: Option<String>,
    pub kind: Option<String>,
    /// Year of the proposal date.
    pub year: Option<i32>,
    pub budget_line_id: Option<i64>,
    pub page: Option<u64>,
    pub per_page: Option<u64>,
}

impl SupportQuery {
    fn filter(&self, max: Option<u64>) -> ss::SupportFilter {
        ss::SupportFilter {
            producer_id: self.producer_id,
            status: self.status.clone(),
            source: self.source.clone(),
            kind: self.kind.clone(),
            year: self.year,
            budget_line_id: self.budget_line_id,
            page: if max.is_some() {
                1
            } else {
                self.page.unwrap_or(1)
            },
            per_page: max.unwrap_or(self.per_page.unwrap_or(50)),
        }
    }
}

#[derive(Deserialize, ToSchema)]
pub struct SupportIn {
    pub producer_id: i64,
    pub product_id: Option<i64>,
    pub kind: String,
    pub policy_code: Option<String>,
    pub source: String,
    pub budget_line_id: Option<i64>,
    pub title: String,
    pub note: Option<String>,
    /// Đồng, never negative.
    pub planned_vnd: i64,
    /// YYYY-MM-DD or dd/mm/yyyy; default today.
    pub proposed_on: Option<String>,
}

#[derive(Deserialize, ToSchema)]
pub struct MoveIn {
    /// approve, disburse, complete, refuse, cancel.
    pub action: String,
    /// The version read.
    pub version: i32,
    /// approve: the approved amount; disburse: the amount paid now (đồng).
    pub amount_vnd: Option<i64>,
    /// The date of the step; default today.
    pub on: Option<String>,
    /// Required to disburse more than approved.
    pub reason: Option<String>,
}

/// Support records in the caller's scope (a producer: its own), newest first.
#[utoipa::path(get, path = "/api/v1/supports", params(SupportQuery), responses((status = 200, body = SupportList)))]
pub async fn list_supports(
    State(st): State<AppState>,
    u: ApiUser,
    Query(q): Query<SupportQuery>,
) -> Result<Json<SupportList>, ApiError> {
    let page = ss::list(&st.db.conn, &u.principal.scope, &q.filter(None)).await?;
    Ok(Json(SupportList {
        total: page.total,
        items: page.items.into_iter().map(SupportOut::from).collect(),
    }))
}

/// Proposes a support (officers for a producer in scope, a producer for itself).
#[utoipa::path(post, path = "/api/v1/supports", request_body = SupportIn, responses((status = 201, body = SupportOut), (status = 404, body = super::ErrorBody), (status = 422, body = super::ErrorBody)))]
pub async fn create_support(
    State(st): State<AppState>,
    u: ApiUser,
    ApiJson(b): ApiJson<SupportIn>,
) -> Result<(StatusCode, Json<SupportOut>), ApiError> {
    let proposed_on = date_field("proposed_on", b.proposed_on.as_deref())?
        .unwrap_or_else(ocop_domain::format::today_vn);
    let i = ss::SupportInput {
        producer_id: b.producer_id,
        product_id: b.product_id,
        kind: b.kind,
        policy_code: b.policy_code,
        source: b.source,
        budget_line_id: b.budget_line_id,
        title: b.title,
        note: b.note,
        planned_vnd: b.planned_vnd,
        proposed_on,
    };
    let m = ss::propose(&st.db.conn, &u.actor(), &u.principal, &i)
        .await
        .map_err(api_error)?;
    Ok((StatusCode::CREATED, Json(m.into())))
}

/// One support record.
#[utoipa::path(get, path = "/api/v1/supports/{id}", responses((status = 200, body = SupportOut), (status = 404, body = super::ErrorBody)))]
pub async fn get_support(
    State(st): State<AppState>,
    u: ApiUser,
    Path(id): Path<i64>,
) -> Result<Json<SupportOut>, ApiError> {
    Ok(Json(ss::get(&st.db.conn, &u.principal, id).await?.into()))
}

/// Approves, disburses, completes, refuses or cancels a support (officers in scope).
#[utoipa::path(post, path = "/api/v1/supports/{id}/transition", request_body = MoveIn, responses((status = 200, body = SupportOut), (status = 403, body = super::ErrorBody), (status = 404, body = super::ErrorBody), (status = 409, body = super::ErrorBody), (status = 422, body = super::ErrorBody)))]
pub async fn move_support(
    State(st): State<AppState>,
    u: ApiUser,
    Path(id): Path<i64>,
    ApiJson(b): ApiJson<MoveIn>,
) -> Result<Json<SupportOut>, ApiError> {
    let action: SupportAction = b.action.parse().map_err(|_| bad_field("action"))?;
    let on = date_field("on", b.on.as_deref())?.unwrap_or_else(ocop_domain::format::today_vn);
    let mv = ss::Move {
        action,
        version: b.version,
        amount_vnd: b.amount_vnd,
        on,
        reason: b.reason,
    };
    let m = ss::transition(&st.db.conn, &u.actor(), &u.principal, id, &mv)
        .await
        .map_err(api_error)?;
    Ok(Json(m.into()))
}

/// The support list as an Excel file (same filters, up to 5,000 rows).
#[utoipa::path(get, path = "/api/v1/supports/export.xlsx", params(SupportQuery), responses((status = 200, description = "An .xlsx file", content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")))]
pub async fn export_supports(
    State(st): State<AppState>,
    u: ApiUser,
    Query(q): Query<SupportQuery>,
) -> Result<Response, ApiError> {
    let db = &st.db.conn;
    let mut rows = Vec::new();
    let mut f = q.filter(Some(200));
    loop {
        let page = ss::list(db, &u.principal.scope, &f).await?;
        let n = page.items.len();
        for m in page.items {
            let producer = ocop_store::registry::get_producer(db, m.producer_id)
                .await
                .map(|p| p.name)
                .unwrap_or_default();
            rows.push(vec![
                m.id.to_string(),
                producer,
                m.title,
                m.kind
                    .parse::<SupportKind>()
                    .map(|k| k.label(Lang::Vi).to_string())
                    .unwrap_or(m.kind),
                m.policy_code.unwrap_or_default(),
                m.source
                    .parse::<FundingSource>()
                    .map(|k| k.label(Lang::Vi).to_string())
                    .unwrap_or(m.source),
                m.planned_vnd.to_string(),
                m.approved_vnd.map(|v| v.to_string()).unwrap_or_default(),
                m.disbursed_vnd.to_string(),
                m.status
                    .parse::<SupportStatus>()
                    .map(|k| k.label(Lang::Vi).to_string())
                    .unwrap_or(m.status),
                ocop_domain::format::date_vn(m.proposed_on),
                m.over_reason.unwrap_or_default(),
            ]);
        }
        if n < 200 || rows.len() >= 5000 {
            break;
        }
        f.page += 1;
    }
    xlsx(
        "ho-tro.xlsx",
        "Hỗ trợ",
        "Danh sách hỗ trợ chủ thể OCOP",
        vec![
            "Số",
            "Chủ thể",
            "Nội dung hỗ trợ",
            "Loại hỗ trợ",
            "Căn cứ chính sách",
            "Nguồn vốn",
            "Kế hoạch (đồng)",
            "Phê duyệt (đồng)",
            "Đã giải ngân (đồng)",
            "Trạng thái",
            "Ngày đề xuất",
            "Lý do giải ngân vượt",
        ],
        rows,
    )
}

// ------------------------------------------------------------------ budget lines and policies

#[derive(Serialize, ToSchema)]
pub struct LineOut {
    pub id: i64,
    pub year: i32,
    pub source: String,
    pub policy_code: Option<String>,
    pub name: String,
    pub allocated_vnd: i64,
    /// Sum approved on the support records charged to the line.
    pub approved_vnd: i64,
    /// Sum disbursed on them.
    pub disbursed_vnd: i64,
    pub remaining_vnd: i64,
    /// More approved or disbursed than allocated.
    pub over_committed: bool,
}

impl From<ss::LineView> for LineOut {
    fn from(v: ss::LineView) -> Self {
        LineOut {
            id: v.line.id,
            year: v.line.year,
            source: v.line.source,
            policy_code: v.line.policy_code,
            name: v.line.name,
            allocated_vnd: v.balance.allocated_vnd,
            approved_vnd: v.balance.approved_vnd,
            disbursed_vnd: v.balance.disbursed_vnd,
            remaining_vnd: v.balance.remaining_vnd(),
            over_committed: v.balance.over_committed(),
        }
    }
}

#[derive(Serialize, ToSchema)]
pub struct LineList {
    pub items: Vec<LineOut>,
    pub total: usize,
}

#[derive(Deserialize, IntoParams, Default)]
#[serde(default)]
pub struct YearQuery {
    pub year: Option<i32>,
}

#[derive(Deserialize, ToSchema)]
pub struct LineIn {
    pub year: i32,
    pub source: String,
    pub policy_code: Option<String>,
    pub name: String,
    pub allocated_vnd: i64,
    /// Unit code; default the caller's unit.
    pub unit: Option<String>,
}

/// Budget lines with allocated against approved and disbursed.
#[utoipa::path(get, path = "/api/v1/budget-lines", params(YearQuery), responses((status = 200, body = LineList)))]
pub async fn list_lines(
    State(st): State<AppState>,
    u: ApiUser,
    Query(q): Query<YearQuery>,
) -> Result<Json<LineList>, ApiError> {
    let items: Vec<LineOut> = ss::lines(&st.db.conn, &u.principal, q.year)
        .await?
        .into_iter()
        .map(LineOut::from)
        .collect();
    Ok(Json(LineList {
        total: items.len(),
        items,
    }))
}

/// Creates a budget line (officers).
#[utoipa::path(post, path = "/api/v1/budget-lines", request_body = LineIn, responses((status = 201, body = LineOut), (status = 403, body = super::ErrorBody), (status = 422, body = super::ErrorBody)))]
pub async fn create_line(
    State(st): State<AppState>,
    u: ApiUser,
    ApiJson(b): ApiJson<LineIn>,
) -> Result<(StatusCode, Json<LineOut>), ApiError> {
    let i = ss::LineInput {
        year: b.year,
        source: b.source,
        policy_code: b.policy_code,
        name: b.name,
        allocated_vnd: b.allocated_vnd,
        unit_code: b.unit,
    };
    let m: budget_line::Model = ss::create_line(&st.db.conn, &u.actor(), &u.principal, &i)
        .await
        .map_err(api_error)?;
    let v = ss::get_line(&st.db.conn, &u.principal, m.id).await?;
    Ok((StatusCode::CREATED, Json(v.into())))
}

/// Budget lines as an Excel file.
#[utoipa::path(get, path = "/api/v1/budget-lines/export.xlsx", params(YearQuery), responses((status = 200, description = "An .xlsx file", content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")))]
pub async fn export_lines(
    State(st): State<AppState>,
    u: ApiUser,
    Query(q): Query<YearQuery>,
) -> Result<Response, ApiError> {
    let rows = ss::lines(&st.db.conn, &u.principal, q.year)
        .await?
        .into_iter()
        .map(|v| {
            vec![
                v.line.year.to_string(),
                v.line
                    .source
                    .parse::<FundingSource>()
                    .map(|k| k.label(Lang::Vi).to_string())
                    .unwrap_or(v.line.source.clone()),
                v.line.policy_code.clone().unwrap_or_default(),
                v.line.name.clone(),
                v.balance.allocated_vnd.to_string(),
                v.balance.approved_vnd.to_string(),
                v.balance.disbursed_vnd.to_string(),
                v.balance.remaining_vnd().to_string(),
                if v.balance.over_committed() {
                    "Vượt dự toán".into()
                } else {
                    String::new()
                },
            ]
        })
        .collect();
    xlsx(
        "nguon-von-ho-tro.xlsx",
        "Nguồn vốn",
        "Dự toán và giải ngân kinh phí hỗ trợ OCOP",
        vec![
            "Năm",
            "Nguồn vốn",
            "Căn cứ chính sách",
            "Dòng dự toán",
            "Dự toán giao (đồng)",
            "Đã phê duyệt (đồng)",
            "Đã giải ngân (đồng)",
            "Còn lại (đồng)",
            "Cảnh báo",
        ],
        rows,
    )
}

#[derive(Serialize, ToSchema)]
pub struct PolicyOut {
    pub id: i64,
    pub code: String,
    pub name: String,
    pub active: bool,
}

#[derive(Serialize, ToSchema)]
pub struct PolicyList {
    pub items: Vec<PolicyOut>,
    pub total: usize,
}

#[derive(Deserialize, ToSchema)]
pub struct PolicyIn {
    pub code: String,
    pub name: String,
}

/// Policies under which support is given.
#[utoipa::path(get, path = "/api/v1/support-policies", responses((status = 200, body = PolicyList)))]
pub async fn list_policies(
    State(st): State<AppState>,
    _u: ApiUser,
) -> Result<Json<PolicyList>, ApiError> {
    let items: Vec<PolicyOut> = ss::policies(&st.db.conn)
        .await?
        .into_iter()
        .map(|p| PolicyOut {
            id: p.id,
            code: p.code,
            name: p.name,
            active: p.active,
        })
        .collect();
    Ok(Json(PolicyList {
        total: items.len(),
        items,
    }))
}

/// Adds a policy (admin).
#[utoipa::path(post, path = "/api/v1/support-policies", request_body = PolicyIn, responses((status = 201, body = PolicyOut), (status = 403, body = super::ErrorBody), (status = 409, body = super::ErrorBody)))]
pub async fn create_policy(
    State(st): State<AppState>,
    u: ApiUser,
    ApiJson(b): ApiJson<PolicyIn>,
) -> Result<(StatusCode, Json<PolicyOut>), ApiError> {
    let p = ss::add_policy(&st.db.conn, &u.actor(), &u.principal, &b.code, &b.name)
        .await
        .map_err(api_error)?;
    Ok((
        StatusCode::CREATED,
        Json(PolicyOut {
            id: p.id,
            code: p.code,
            name: p.name,
            active: p.active,
        }),
    ))
}

// ------------------------------------------------------------------ training

#[derive(Serialize, ToSchema)]
pub struct AttendeeOut {
    pub name: String,
    /// official or producer.
    pub role: String,
    pub unit_code: Option<String>,
    pub unit_name: Option<String>,
    pub producer_id: Option<i64>,
}

#[derive(Serialize, ToSchema)]
pub struct CourseOut {
    pub id: i64,
    pub topic: String,
    pub starts_on: String,
    pub ends_on: String,
    pub place: String,
    pub trainer: String,
    pub attendees: Vec<AttendeeOut>,
    pub officials: usize,
    pub producers: usize,
}

impl From<ts::CourseView> for CourseOut {
    fn from(v: ts::CourseView) -> Self {
        CourseOut {
            id: v.course.id,
            topic: v.course.topic,
            starts_on: v.course.starts_on.to_string(),
            ends_on: v.course.ends_on.to_string(),
            place: v.course.place,
            trainer: v.course.trainer,
            attendees: v
                .attendees
                .into_iter()
                .map(|a| AttendeeOut {
                    name: a.name,
                    role: a.role,
                    unit_code: a.unit_code,
                    unit_name: a.unit_name,
                    producer_id: a.producer_id,
                })
                .collect(),
            officials: v.officials,
            producers: v.producers,
        }
    }
}

#[derive(Serialize, ToSchema)]
pub struct CourseList {
    pub items: Vec<CourseOut>,
    pub total: u64,
}

#[derive(Deserialize, ToSchema)]
pub struct AttendeeIn {
    pub name: String,
    /// official or producer.
    pub role: String,
    pub unit_code: Option<String>,
    pub producer_id: Option<i64>,
}

#[derive(Deserialize, ToSchema)]
pub struct CourseIn {
    pub topic: String,
    pub starts_on: String,
    pub ends_on: Option<String>,
    pub place: String,
    pub trainer: String,
    pub unit: Option<String>,
    #[serde(default)]
    pub attendees: Vec<AttendeeIn>,
}

#[derive(Deserialize, IntoParams, Default)]
#[serde(default)]
pub struct PageQuery {
    pub page: Option<u64>,
    pub per_page: Option<u64>,
}

/// Training courses in scope, with attendees and counts by role.
#[utoipa::path(get, path = "/api/v1/training/courses", params(PageQuery), responses((status = 200, body = CourseList)))]
pub async fn list_courses(
    State(st): State<AppState>,
    u: ApiUser,
    Query(q): Query<PageQuery>,
) -> Result<Json<CourseList>, ApiError> {
    let page = ts::courses(
        &st.db.conn,
        &u.principal.scope,
        q.page.unwrap_or(1),
        q.per_page.unwrap_or(50),
    )
    .await?;
    Ok(Json(CourseList {
        total: page.total,
        items: page.items.into_iter().map(CourseOut::from).collect(),
    }))
}

/// Records a course with its attendees (officers).
#[utoipa::path(post, path = "/api/v1/training/courses", request_body = CourseIn, responses((status = 201, body = CourseOut), (status = 403, body = super::ErrorBody), (status = 422, body = super::ErrorBody)))]
pub async fn create_course(
    State(st): State<AppState>,
    u: ApiUser,
    ApiJson(b): ApiJson<CourseIn>,
) -> Result<(StatusCode, Json<CourseOut>), ApiError> {
    let i = ts::CourseInput {
        topic: b.topic,
        starts_on: date_field("starts_on", Some(&b.starts_on))?,
        ends_on: date_field("ends_on", b.ends_on.as_deref())?,
        place: b.place,
        trainer: b.trainer,
        unit_code: b.unit,
        attendees: b
            .attendees
            .into_iter()
            .map(|a| ts::AttendeeInput {
                name: a.name,
                role: a.role,
                unit_code: a.unit_code,
                producer_id: a.producer_id,
            })
            .collect(),
    };
    let v = ts::create_course(&st.db.conn, &u.actor(), &u.principal, &i)
        .await
        .map_err(api_error)?;
    Ok((StatusCode::CREATED, Json(v.into())))
}

/// One course.
#[utoipa::path(get, path = "/api/v1/training/courses/{id}", responses((status = 200, body = CourseOut), (status = 404, body = super::ErrorBody)))]
pub async fn get_course(
    State(st): State<AppState>,
    u: ApiUser,
    Path(id): Path<i64>,
) -> Result<Json<CourseOut>, ApiError> {
    Ok(Json(
        ts::get_course(&st.db.conn, &u.principal, id).await?.into(),
    ))
}

/// Courses as an Excel file.
#[utoipa::path(get, path = "/api/v1/training/courses/export.xlsx", responses((status = 200, description = "An .xlsx file", content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")))]
pub async fn export_courses(State(st): State<AppState>, u: ApiUser) -> Result<Response, ApiError> {
    let page = ts::courses(&st.db.conn, &u.principal.scope, 1, 200).await?;
    let rows = page
        .items
        .into_iter()
        .map(|v| {
            vec![
                v.course.topic,
                ocop_domain::format::date_vn(v.course.starts_on),
                ocop_domain::format::date_vn(v.course.ends_on),
                v.course.place,
                v.course.trainer,
                v.officials.to_string(),
                v.producers.to_string(),
                (v.officials + v.producers).to_string(),
            ]
        })
        .collect();
    xlsx(
        "dao-tao.xlsx",
        "Đào tạo",
        "Các lớp đào tạo, tập huấn OCOP",
        vec![
            "Chủ đề",
            "Từ ngày",
            "Đến ngày",
            "Địa điểm",
            "Giảng viên",
            "Cán bộ (người)",
            "Chủ thể (người)",
            "Tổng số (người)",
        ],
        rows,
    )
}

#[derive(Serialize, ToSchema)]
pub struct PieceOut {
    pub id: i64,
    /// clip, article, panel, event.
    pub kind: String,
    pub title: String,
    pub published_on: String,
    pub outlet: String,
    pub link: Option<String>,
}

impl From<comm_piece::Model> for PieceOut {
    fn from(m: comm_piece::Model) -> Self {
        PieceOut {
            id: m.id,
            kind: m.kind,
            title: m.title,
            published_on: m.published_on.to_string(),
            outlet: m.outlet,
            link: m.link,
        }
    }
}

#[derive(Serialize, ToSchema)]
pub struct PieceList {
    pub items: Vec<PieceOut>,
    pub total: u64,
}

#[derive(Deserialize, ToSchema)]
pub struct PieceIn {
    pub kind: String,
    pub title: String,
    pub published_on: String,
    pub outlet: String,
    pub link: Option<String>,
    pub unit: Option<String>,
}

/// Communication pieces in scope.
#[utoipa::path(get, path = "/api/v1/communications", params(PageQuery), responses((status = 200, body = PieceList)))]
pub async fn list_pieces(
    State(st): State<AppState>,
    u: ApiUser,
    Query(q): Query<PageQuery>,
) -> Result<Json<PieceList>, ApiError> {
    let page = ts::pieces(
        &st.db.conn,
        &u.principal.scope,
        q.page.unwrap_or(1),
        q.per_page.unwrap_or(50),
    )
    .await?;
    Ok(Json(PieceList {
        total: page.total,
        items: page.items.into_iter().map(PieceOut::from).collect(),
    }))
}

/// Records a communication piece (officers).
#[utoipa::path(post, path = "/api/v1/communications", request_body = PieceIn, responses((status = 201, body = PieceOut), (status = 403, body = super::ErrorBody), (status = 422, body = super::ErrorBody)))]
pub async fn create_piece(
    State(st): State<AppState>,
    u: ApiUser,
    ApiJson(b): ApiJson<PieceIn>,
) -> Result<(StatusCode, Json<PieceOut>), ApiError> {
    let i = ts::PieceInput {
        kind: b.kind,
        title: b.title,
        published_on: date_field("published_on", Some(&b.published_on))?,
        outlet: b.outlet,
        link: b.link,
        unit_code: b.unit,
    };
    let m = ts::create_piece(&st.db.conn, &u.actor(), &u.principal, &i)
        .await
        .map_err(api_error)?;
    Ok((StatusCode::CREATED, Json(m.into())))
}

/// Communication pieces as an Excel file.
#[utoipa::path(get, path = "/api/v1/communications/export.xlsx", responses((status = 200, description = "An .xlsx file", content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")))]
pub async fn export_pieces(State(st): State<AppState>, u: ApiUser) -> Result<Response, ApiError> {
    let page = ts::pieces(&st.db.conn, &u.principal.scope, 1, 200).await?;
    let rows = page
        .items
        .into_iter()
        .map(|m| {
            vec![
                m.kind
                    .parse::<ocop_domain::training::PieceKind>()
                    .map(|k| k.label(Lang::Vi).to_string())
                    .unwrap_or(m.kind),
                m.title,
                ocop_domain::format::date_vn(m.published_on),
                m.outlet,
                m.link.unwrap_or_default(),
            ]
        })
        .collect();
    xlsx(
        "truyen-thong.xlsx",
        "Truyền thông",
        "Các sản phẩm truyền thông về Chương trình OCOP",
        vec![
            "Hình thức",
            "Tiêu đề",
            "Ngày đăng/phát",
            "Kênh, cơ quan",
            "Đường dẫn",
        ],
        rows,
    )
}

// ------------------------------------------------------------------ news

#[derive(Serialize, ToSchema)]
pub struct NewsOut {
    pub id: i64,
    pub title: String,
    pub summary: String,
    pub body: String,
    /// round_opened, fair, results, general.
    pub category: String,
    /// draft, published, withdrawn.
    pub status: String,
    pub published_at: Option<String>,
    pub version: i32,
}

impl From<news_item::Model> for NewsOut {
    fn from(m: news_item::Model) -> Self {
        NewsOut {
            id: m.id,
            title: m.title,
            summary: m.summary,
            body: m.body,
            category: m.category,
            status: m.status,
            published_at: m.published_at.map(|t| t.to_rfc3339()),
            version: m.version,
        }
    }
}

#[derive(Serialize, ToSchema)]
pub struct NewsList {
    pub items: Vec<NewsOut>,
    pub total: u64,
}

#[derive(Deserialize, ToSchema)]
pub struct NewsIn {
    pub title: String,
    #[serde(default)]
    pub summary: String,
    pub body: String,
    pub category: String,
}

#[derive(Deserialize, ToSchema)]
pub struct VersionIn {
    /// The version read.
    pub version: i32,
}

/// News items of the caller's unit, every state (officers).
#[utoipa::path(get, path = "/api/v1/news", params(PageQuery), responses((status = 200, body = NewsList)))]
pub async fn list_news(
    State(st): State<AppState>,
    u: ApiUser,
    Query(q): Query<PageQuery>,
) -> Result<Json<NewsList>, ApiError> {
    if !ocop_domain::news::may_write(&u.principal) {
        return Err(ApiError::forbidden());
    }
    let page = ns::list(
        &st.db.conn,
        &u.principal.scope,
        q.page.unwrap_or(1),
        q.per_page.unwrap_or(50),
    )
    .await?;
    Ok(Json(NewsList {
        total: page.total,
        items: page.items.into_iter().map(NewsOut::from).collect(),
    }))
}

/// Writes a draft (officers).
#[utoipa::path(post, path = "/api/v1/news", request_body = NewsIn, responses((status = 201, body = NewsOut), (status = 403, body = super::ErrorBody), (status = 422, body = super::ErrorBody)))]
pub async fn create_news(
    State(st): State<AppState>,
    u: ApiUser,
    ApiJson(b): ApiJson<NewsIn>,
) -> Result<(StatusCode, Json<NewsOut>), ApiError> {
    let i = ns::NewsInput {
        title: b.title,
        summary: b.summary,
        body: b.body,
        category: b.category,
    };
    let m = ns::create(&st.db.conn, &u.actor(), &u.principal, &i)
        .await
        .map_err(api_error)?;
    Ok((StatusCode::CREATED, Json(m.into())))
}

/// Publishes a draft or withdrawn item on the public site.
#[utoipa::path(post, path = "/api/v1/news/{id}/publish", request_body = VersionIn, responses((status = 200, body = NewsOut), (status = 404, body = super::ErrorBody), (status = 409, body = super::ErrorBody)))]
pub async fn publish_news(
    State(st): State<AppState>,
    u: ApiUser,
    Path(id): Path<i64>,
    ApiJson(b): ApiJson<VersionIn>,
) -> Result<Json<NewsOut>, ApiError> {
    let m = ns::set_published(&st.db.conn, &u.actor(), &u.principal, id, b.version, true)
        .await
        .map_err(api_error)?;
    Ok(Json(m.into()))
}

/// Withdraws a published item from the public site.
#[utoipa::path(post, path = "/api/v1/news/{id}/withdraw", request_body = VersionIn, responses((status = 200, body = NewsOut), (status = 404, body = super::ErrorBody), (status = 409, body = super::ErrorBody)))]
pub async fn withdraw_news(
    State(st): State<AppState>,
    u: ApiUser,
    Path(id): Path<i64>,
    ApiJson(b): ApiJson<VersionIn>,
) -> Result<Json<NewsOut>, ApiError> {
    let m = ns::set_published(&st.db.conn, &u.actor(), &u.principal, id, b.version, false)
        .await
        .map_err(api_error)?;
    Ok(Json(m.into()))
}

/// Published news, newest first; no login.
#[utoipa::path(get, path = "/api/v1/public/news", params(PageQuery), security(), responses((status = 200, body = NewsList)))]
pub async fn public_news(
    State(st): State<AppState>,
    Query(q): Query<PageQuery>,
) -> Result<Json<NewsList>, ApiError> {
    let page = ns::published(&st.db.conn, q.page.unwrap_or(1), q.per_page.unwrap_or(20)).await?;
    Ok(Json(NewsList {
        total: page.total,
        items: page.items.into_iter().map(NewsOut::from).collect(),
    }))
}

/// One published news item; drafts and withdrawn items are 404.
#[utoipa::path(get, path = "/api/v1/public/news/{id}", security(), responses((status = 200, body = NewsOut), (status = 404, body = super::ErrorBody)))]
pub async fn public_news_item(
    State(st): State<AppState>,
    Path(id): Path<i64>,
) -> Result<Json<NewsOut>, ApiError> {
    Ok(Json(ns::public_item(&st.db.conn, id).await?.into()))
}
