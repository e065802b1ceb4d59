//! Trade promotion API (issue 12): sales channels, points of sale (and the public
//! nearest-first list), fairs, organisation milestones and producers' coordinates.
//! Every handler calls the store use case the pages call; a record outside the
//! caller's scope answers 404 like a missing one.

use crate::auth::{ApiJson, ApiUser};
use crate::error::ApiError;
use crate::AppState;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use axum::routing::{get, post, put};
use axum::{Json, Router};
use chrono::NaiveDate;
use ocop_domain::registry::Lang;
use ocop_domain::trade::{ChannelInput, FairInput, MilestoneInput, PointOfSaleInput, TradeError};
use ocop_store::trade as st;
use ocop_store::StoreError;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

pub fn routes() -> Router<AppState> {
    Router::new()
        .route(
            "/api/v1/sales-channels",
            get(list_channels).post(create_channel),
        )
        .route("/api/v1/sales-channels/export", get(export_channels))
        .route("/api/v1/sales-channels/modern-active", get(modern_active))
        .route(
            "/api/v1/sales-channels/{id}",
            get(get_channel).put(update_channel),
        )
        .route("/api/v1/sales-channels/{id}/end", post(end_channel))
        .route("/api/v1/producers/{id}/position", put(set_position))
        .route(
            "/api/v1/points-of-sale",
            get(list_points).post(create_point),
        )
        .route("/api/v1/points-of-sale/export", get(export_points))
        .route(
            "/api/v1/points-of-sale/{id}",
            get(get_point).put(update_point),
        )
        .route("/api/v1/fairs", get(list_fairs).post(create_fair))
        .route("/api/v1/fairs/export", get(export_fairs))
        .route("/api/v1/fairs/{id}", get(get_fair))
        .route(
            "/api/v1/organisation-milestones",
            get(list_milestones).post(create_milestone),
        )
        .route(
            "/api/v1/organisation-milestones/export",
            get(export_milestones),
        )
}

/// Store errors of trade use cases in the API's words (Vietnamese under `message_vi`).
pub fn trade_error(e: StoreError) -> ApiError {
    match e {
        StoreError::Invalid(code) => {
            let (c, en, vi): (&'static str, String, String) = match TradeError::from_code(&code) {
                Some(t) => (
                    t.code(),
                    t.message(Lang::En).into(),
                    t.message(Lang::Vi).into(),
                ),
                None if code == "unknown_unit" => (
                    "unknown_unit",
                    "no administrative unit has this code".into(),
                    "Không có đơn vị hành chính mã này.".into(),
                ),
                None if code == "unit_out_of_scope" => (
                    "unit_out_of_scope",
                    "the unit is outside your area".into(),
                    "Đơn vị ngoài phạm vi quản lý của bạn.".into(),
                ),
                None => ("invalid", code.clone(), code),
            };
            let mut err = ApiError::new(StatusCode::UNPROCESSABLE_ENTITY, c, en);
            err.fields = Some(serde_json::json!({ "message_vi": vi }));
            err
        }
        StoreError::Duplicate(f) => ApiError::new(
            StatusCode::CONFLICT,
            "duplicate",
            format!("{f} is already recorded"),
        ),
        other => other.into(),
    }
}

pub(crate) fn parse_date(s: &str, name: &str) -> Result<NaiveDate, ApiError> {
    ocop_domain::format::parse_date_vn(s).ok_or_else(|| {
        ApiError::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            "bad_date",
            format!("{name} must be a date (YYYY-MM-DD)"),
        )
    })
}

fn opt_date(s: &Option<String>, name: &str) -> Result<Option<NaiveDate>, ApiError> {
    match s.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
        None => Ok(None),
        Some(v) => parse_date(v, name).map(Some),
    }
}

/// Paging of the lists here.
#[derive(Deserialize, IntoParams, Default)]
#[serde(default)]
pub struct PageQuery {
    pub page: Option<u64>,
    pub per_page: Option<u64>,
}

pub(crate) fn xlsx(name: &str, table: &ocop_docs::Table<'_>) -> Result<Response, ApiError> {
    let bytes = ocop_docs::xlsx(table).map_err(|e| {
        tracing::error!(error = %e, "xlsx export");
        ApiError::new(
            StatusCode::SERVICE_UNAVAILABLE,
            "unavailable",
            "export failed",
        )
    })?;
    Ok(axum::response::IntoResponse::into_response((
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
    )))
}

const EXPORT_MAX: u64 = 5000;

// ---------------------------------------------------------------------------
// Sales channels
// ---------------------------------------------------------------------------

#[derive(Serialize, ToSchema)]
pub struct ChannelOut {
    pub id: i64,
    pub producer_id: i64,
    pub product_id: Option<i64>,
    /// supermarket, convenience, ecommerce, own_online, export, point_of_sale, traditional.
    pub kind: String,
    pub kind_label: String,
    /// A modern channel in the sense of the plan's target 3.
    pub modern: bool,
    pub partner: String,
    pub contract_ref: Option<String>,
    pub started_on: String,
    pub ended_on: Option<String>,
    pub note: Option<String>,
    pub version: i32,
}

impl From<ocop_store::entities::sales_channel::Model> for ChannelOut {
    fn from(m: ocop_store::entities::sales_channel::Model) -> Self {
        let kind = m.kind.parse::<ocop_domain::operations::ChannelKind>().ok();
        ChannelOut {
            id: m.id,
            producer_id: m.producer_id,
            product_id: m.product_id,
            kind_label: kind
                .map(|k| k.label(Lang::Vi).to_string())
                .unwrap_or_default(),
            modern: kind.is_some_and(|k| k.is_modern()),
            kind: m.kind,
            partner: m.partner,
            contract_ref: m.contract_ref,
            started_on: m.started_on.to_string(),
            ended_on: m.ended_on.map(|d| d.to_string()),
            note: m.note,
            version: m.version,
        }
    }
}

#[derive(Serialize, ToSchema)]
pub struct ChannelList {
    pub items: Vec<ChannelOut>,
    pub total: u64,
}

/// A sales channel to record or change. A producer account may leave out
/// `producer_id` (its own).
#[derive(Deserialize, ToSchema, Default)]
#[serde(default)]
pub struct ChannelIn {
    pub producer_id: Option<i64>,
    pub product_id: Option<i64>,
    pub kind: String,
    pub partner: String,
    pub contract_ref: Option<String>,
    /// YYYY-MM-DD
    pub started_on: String,
    pub ended_on: Option<String>,
    pub note: Option<String>,
    /// Required on update.
    pub version: Option<i32>,
}

impl ChannelIn {
    fn input(&self) -> Result<ChannelInput, ApiError> {
        Ok(ChannelInput {
            kind: self.kind.clone(),
            partner: self.partner.clone(),
            contract_ref: self.contract_ref.clone(),
            started_on: parse_date(self.started_on.trim(), "started_on")?,
            ended_on: opt_date(&self.ended_on, "ended_on")?,
            note: self.note.clone(),
        })
    }
}

#[derive(Deserialize, IntoParams, Default)]
#[serde(default)]
pub struct ChannelQuery {
    pub producer_id: Option<i64>,
    pub product_id: Option<i64>,
    pub kind: Option<String>,
    pub page: Option<u64>,
    pub per_page: Option<u64>,
}

fn own_producer(u: &ApiUser, given: Option<i64>) -> Result<i64, ApiError> {
    match (given, &u.principal.scope) {
        (Some(id), _) => Ok(id),
        (None, ocop_domain::roles::Scope::Producer { producer_id }) => Ok(*producer_id),
        (None, _) => Err(ApiError::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            "producer_required",
            "producer_id is required",
        )),
    }
}

/// Sales channels in the caller's scope, latest first.
#[utoipa::path(get, path = "/api/v1/sales-channels", params(ChannelQuery), responses((status = 200, body = ChannelList)))]
pub async fn list_channels(
    State(s): State<AppState>,
    u: ApiUser,
    Query(q): Query<ChannelQuery>,
) -> Result<Json<ChannelList>, ApiError> {
    let f = st::ChannelFilter {
        producer_id: q.producer_id,
        product_id: q.product_id,
        kind: q.kind.filter(|k| !k.is_empty()),
        page: q.page.unwrap_or(1),
        per_page: q.per_page.unwrap_or(50),
    };
    let pg = st::list_channels(&s.db.conn, &u.principal.scope, &f).await?;
    Ok(Json(ChannelList {
        total: pg.total,
        items: pg.items.into_iter().map(Into::into).collect(),
    }))
}

/// Records a sales channel (a producer: its own; an officer: within scope).
#[utoipa::path(post, path = "/api/v1/sales-channels", request_body = ChannelIn,
    responses((status = 201, body = ChannelOut), (status = 404, body = super::ErrorBody), (status = 422, body = super::ErrorBody)))]
pub async fn create_channel(
    State(s): State<AppState>,
    u: ApiUser,
    ApiJson(b): ApiJson<ChannelIn>,
) -> Result<(StatusCode, Json<ChannelOut>), ApiError> {
    let producer_id = own_producer(&u, b.producer_id)?;
    let m = st::create_channel(
        &s.db.conn,
        &u.principal,
        &u.actor(),
        producer_id,
        b.product_id,
        &b.input()?,
    )
    .await
    .map_err(trade_error)?;
    Ok((StatusCode::CREATED, Json(m.into())))
}

/// One sales channel.
#[utoipa::path(get, path = "/api/v1/sales-channels/{id}", params(("id" = i64, Path)),
    responses((status = 200, body = ChannelOut), (status = 404, body = super::ErrorBody)))]
pub async fn get_channel(
    State(s): State<AppState>,
    u: ApiUser,
    Path(id): Path<i64>,
) -> Result<Json<ChannelOut>, ApiError> {
    Ok(Json(
        st::get_channel(&s.db.conn, &u.principal, id).await?.into(),
    ))
}

fn version_of(v: Option<i32>) -> Result<i32, ApiError> {
    v.ok_or_else(|| {
        ApiError::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            "version_required",
            "send the version you read",
        )
    })
}

/// Changes a sales channel; `version` must be the one read.
#[utoipa::path(put, path = "/api/v1/sales-channels/{id}", params(("id" = i64, Path)), request_body = ChannelIn,
    responses((status = 200, body = ChannelOut), (status = 404, body = super::ErrorBody), (status = 409, body = super::ErrorBody), (status = 422, body = super::ErrorBody)))]
pub async fn update_channel(
    State(s): State<AppState>,
    u: ApiUser,
    Path(id): Path<i64>,
    ApiJson(b): ApiJson<ChannelIn>,
) -> Result<Json<ChannelOut>, ApiError> {
    let version = version_of(b.version)?;
    let m = st::update_channel(
        &s.db.conn,
        &u.principal,
        &u.actor(),
        id,
        version,
        b.product_id,
        &b.input()?,
    )
    .await
    .map_err(trade_error)?;
    Ok(Json(m.into()))
}

#[derive(Deserialize, ToSchema, Default)]
#[serde(default)]
pub struct EndIn {
    /// The last day of activity, YYYY-MM-DD.
    pub ended_on: String,
    pub version: Option<i32>,
}

/// Ends a sales channel.
#[utoipa::path(post, path = "/api/v1/sales-channels/{id}/end", params(("id" = i64, Path)), request_body = EndIn,
    responses((status = 200, body = ChannelOut), (status = 404, body = super::ErrorBody), (status = 422, body = super::ErrorBody)))]
pub async fn end_channel(
    State(s): State<AppState>,
    u: ApiUser,
    Path(id): Path<i64>,
    ApiJson(b): ApiJson<EndIn>,
) -> Result<Json<ChannelOut>, ApiError> {
    let version = version_of(b.version)?;
    let day = parse_date(b.ended_on.trim(), "ended_on")?;
    let m = st::end_channel(&s.db.conn, &u.principal, &u.actor(), id, version, day)
        .await
        .map_err(trade_error)?;
    Ok(Json(m.into()))
}

#[derive(Deserialize, IntoParams, Default)]
#[serde(default)]
pub struct OnQuery {
    /// YYYY-MM-DD; today when left out.
    pub on: Option<String>,
}

#[derive(Serialize, ToSchema)]
pub struct ModernActive {
    pub on: String,
    pub producer_ids: Vec<i64>,
    pub count: usize,
}

/// Producers in scope with a modern channel (supermarket, convenience, e-commerce,
/// own online shop) active on a date.
#[utoipa::path(get, path = "/api/v1/sales-channels/modern-active", params(OnQuery), responses((status = 200, body = ModernActive)))]
pub async fn modern_active(
    State(s): State<AppState>,
    u: ApiUser,
    Query(q): Query<OnQuery>,
) -> Result<Json<ModernActive>, ApiError> {
    let on = opt_date(&q.on, "on")?.unwrap_or_else(|| s.today());
    let ids = st::producers_in_modern_channel_on(&s.db.conn, &u.principal.scope, on).await?;
    Ok(Json(ModernActive {
        on: on.to_string(),
        count: ids.len(),
        producer_ids: ids,
    }))
}

/// The sales channels in scope as an Excel file (Vietnamese headers).
#[utoipa::path(get, path = "/api/v1/sales-channels/export", responses((status = 200, content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")))]
pub async fn export_channels(State(s): State<AppState>, u: ApiUser) -> Result<Response, ApiError> {
    let rows =
        crate::trade_tables::channel_rows(&s.db.conn, &u.principal.scope, EXPORT_MAX).await?;
    xlsx(
        "kenh-ban-hang.xlsx",
        &crate::trade_tables::channels_table(rows),
    )
}

// ---------------------------------------------------------------------------
// Producers' coordinates
// ---------------------------------------------------------------------------

#[derive(Deserialize, Serialize, ToSchema, Default)]
#[serde(default)]
pub struct PositionIn {
    pub latitude: Option<f64>,
    pub longitude: Option<f64>,
}

/// Sets (both) or clears (neither) a producer's coordinates.
#[utoipa::path(put, path = "/api/v1/producers/{id}/position", params(("id" = i64, Path)), request_body = PositionIn,
    responses((status = 200, body = PositionIn), (status = 404, body = super::ErrorBody), (status = 422, body = super::ErrorBody)))]
pub async fn set_position(
    State(s): State<AppState>,
    u: ApiUser,
    Path(id): Path<i64>,
    ApiJson(b): ApiJson<PositionIn>,
) -> Result<Json<PositionIn>, ApiError> {
    let c = st::set_producer_position(
        &s.db.conn,
        &u.principal,
        &u.actor(),
        id,
        b.latitude,
        b.longitude,
    )
    .await
    .map_err(trade_error)?;
    Ok(Json(PositionIn {
        latitude: c.map(|c| c.0),
        longitude: c.map(|c| c.1),
    }))
}

// ---------------------------------------------------------------------------
// Points of sale
// ---------------------------------------------------------------------------

#[derive(Serialize, ToSchema)]
pub struct ProductRef {
    pub id: i64,
    pub name: String,
}

#[derive(Serialize, ToSchema)]
pub struct PointOut {
    pub id: i64,
    pub name: String,
    pub address: String,
    pub operator: String,
    /// A showroom rather than a shop.
    pub showroom: bool,
    pub opened_on: Option<String>,
    pub latitude: Option<f64>,
    pub longitude: Option<f64>,
    pub unit_code: String,
    pub unit_name: String,
    pub products: Vec<ProductRef>,
    pub version: i32,
    /// Kilometres from the position asked for (public list only).
    pub distance_km: Option<f64>,
}

impl PointOut {
    pub fn new(p: st::PointOfSale, km: Option<f64>) -> PointOut {
        let m = p.point;
        PointOut {
            id: m.id,
            name: m.name,
            address: m.address,
            operator: m.operator,
            showroom: m.showroom,
            opened_on: m.opened_on.map(|d| d.to_string()),
            latitude: m.latitude,
            longitude: m.longitude,
            unit_code: m.unit_code,
            unit_name: m.unit_name,
            products: p
                .products
                .into_iter()
                .map(|(id, name)| ProductRef { id, name })
                .collect(),
            version: m.version,
            distance_km: km.map(|k| (k * 10.0).round() / 10.0),
        }
    }
}

#[derive(Serialize, ToSchema)]
pub struct PointList {
    pub items: Vec<PointOut>,
    pub total: u64,
}

#[derive(Deserialize, ToSchema, Default)]
#[serde(default)]
pub struct PointIn {
    pub name: String,
    pub address: String,
    /// The administrative unit (commune or ward code) it lies in.
    pub unit_code: String,
    pub operator: String,
    pub showroom: bool,
    pub opened_on: Option<String>,
    pub latitude: Option<f64>,
    pub longitude: Option<f64>,
    /// Ids of the products on sale.
    pub product_ids: Vec<i64>,
    pub version: Option<i32>,
}

impl PointIn {
    fn input(&self) -> Result<PointOfSaleInput, ApiError> {
        Ok(PointOfSaleInput {
            name: self.name.clone(),
            address: self.address.clone(),
            operator: self.operator.clone(),
            opened_on: opt_date(&self.opened_on, "opened_on")?,
            lat: self.latitude,
            lon: self.longitude,
            showroom: self.showroom,
        })
    }
}

/// Points of sale and showrooms in scope (all of them for producers: they are public).
#[utoipa::path(get, path = "/api/v1/points-of-sale", params(PageQuery), responses((status = 200, body = PointList)))]
pub async fn list_points(
    State(s): State<AppState>,
    u: ApiUser,
    Query(q): Query<PageQuery>,
) -> Result<Json<PointList>, ApiError> {
    let pg = st::list_points(
        &s.db.conn,
        &u.principal.scope,
        q.page.unwrap_or(1),
        q.per_page.unwrap_or(50),
    )
    .await?;
    Ok(Json(PointList {
        total: pg.total,
        items: pg
            .items
            .into_iter()
            .map(|p| PointOut::new(p, None))
            .collect(),
    }))
}

/// Creates a point of sale (officers, in a unit within their scope).
#[utoipa::path(post, path = "/api/v1/points-of-sale", request_body = PointIn,
    responses((status = 201, body = PointOut), (status = 404, body = super::ErrorBody), (status = 422, body = super::ErrorBody)))]
pub async fn create_point(
    State(s): State<AppState>,
    u: ApiUser,
    ApiJson(b): ApiJson<PointIn>,
) -> Result<(StatusCode, Json<PointOut>), ApiError> {
    if !(u.principal.is_admin() || u.principal.role.is_officer()) {
        return Err(ApiError::forbidden());
    }
    let p = st::create_point(
        &s.db.conn,
        &u.principal,
        &u.actor(),
        &b.unit_code,
        &b.input()?,
        &b.product_ids,
    )
    .await
    .map_err(trade_error)?;
    Ok((StatusCode::CREATED, Json(PointOut::new(p, None))))
}

/// One point of sale.
#[utoipa::path(get, path = "/api/v1/points-of-sale/{id}", params(("id" = i64, Path)),
    responses((status = 200, body = PointOut), (status = 404, body = super::ErrorBody)))]
pub async fn get_point(
    State(s): State<AppState>,
    u: ApiUser,
    Path(id): Path<i64>,
) -> Result<Json<PointOut>, ApiError> {
    Ok(Json(PointOut::new(
        st::get_point(&s.db.conn, &u.principal, id).await?,
        None,
    )))
}

/// Changes a point of sale (including the products on sale); `version` must be the one read.
#[utoipa::path(put, path = "/api/v1/points-of-sale/{id}", params(("id" = i64, Path)), request_body = PointIn,
    responses((status = 200, body = PointOut), (status = 404, body = super::ErrorBody), (status = 409, body = super::ErrorBody), (status = 422, body = super::ErrorBody)))]
pub async fn update_point(
    State(s): State<AppState>,
    u: ApiUser,
    Path(id): Path<i64>,
    ApiJson(b): ApiJson<PointIn>,
) -> Result<Json<PointOut>, ApiError> {
    let version = version_of(b.version)?;
    let p = st::update_point(
        &s.db.conn,
        &u.principal,
        &u.actor(),
        id,
        version,
        &b.unit_code,
        &b.input()?,
        &b.product_ids,
    )
    .await
    .map_err(trade_error)?;
    Ok(Json(PointOut::new(p, None)))
}

/// The points of sale in scope as an Excel file.
#[utoipa::path(get, path = "/api/v1/points-of-sale/export", responses((status = 200, content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")))]
pub async fn export_points(State(s): State<AppState>, u: ApiUser) -> Result<Response, ApiError> {
    let pg = st::list_points(&s.db.conn, &u.principal.scope, 1, 200).await?;
    xlsx(
        "diem-ban-ocop.xlsx",
        &crate::trade_tables::points_table(&pg.items),
    )
}

#[derive(Deserialize, IntoParams, Default)]
#[serde(default)]
pub struct NearQuery {
    /// Latitude of the position to measure from.
    pub lat: Option<f64>,
    /// Longitude of the position to measure from.
    pub lon: Option<f64>,
}

/// Checks a public `?lat=&lon=` pair by the domain's coordinate rule.
pub fn position_of(q: &NearQuery) -> Result<Option<(f64, f64)>, TradeError> {
    ocop_domain::trade::check_coordinates(q.lat, q.lon)
}

/// Every OCOP point of sale, nearest first from `lat`/`lon` when given (no login).
#[utoipa::path(get, path = "/api/v1/public/points-of-sale", params(NearQuery), security(),
    responses((status = 200, body = PointList), (status = 422, body = super::ErrorBody)))]
pub async fn public_points(
    State(s): State<AppState>,
    Query(q): Query<NearQuery>,
) -> Result<Json<PointList>, ApiError> {
    let from = position_of(&q).map_err(|e| trade_error(st::invalid(e)))?;
    let all = st::public_points(&s.db.conn, from).await?;
    Ok(Json(PointList {
        total: all.len() as u64,
        items: all
            .into_iter()
            .map(|(p, km)| PointOut::new(p, km))
            .collect(),
    }))
}

// ---------------------------------------------------------------------------
// Fairs
// ---------------------------------------------------------------------------

#[derive(Serialize, Deserialize, ToSchema, Default)]
#[serde(default)]
pub struct ParticipantIo {
    pub producer_id: i64,
    pub product_id: Option<i64>,
    /// Names (answers only).
    pub producer: Option<String>,
    pub product: Option<String>,
}

#[derive(Serialize, ToSchema)]
pub struct FairOut {
    pub id: i64,
    pub name: String,
    pub place: String,
    pub starts_on: String,
    pub ends_on: String,
    pub in_province: bool,
    pub sales_vnd: i64,
    pub contracts_signed: i64,
    pub participants: Vec<ParticipantIo>,
}

impl From<st::Fair> for FairOut {
    fn from(f: st::Fair) -> Self {
        let m = f.fair;
        FairOut {
            id: m.id,
            name: m.name,
            place: m.place,
            starts_on: m.starts_on.to_string(),
            ends_on: m.ends_on.to_string(),
            in_province: m.in_province,
            sales_vnd: m.sales_vnd,
            contracts_signed: m.contracts_signed,
            participants: f
                .participants
                .into_iter()
                .map(|p| ParticipantIo {
                    producer_id: p.producer_id,
                    product_id: p.product_id,
                    producer: Some(p.producer),
                    product: p.product,
                })
                .collect(),
        }
    }
}

#[derive(Serialize, ToSchema)]
pub struct FairList {
    pub items: Vec<FairOut>,
    pub total: u64,
}

#[derive(Deserialize, ToSchema, Default)]
#[serde(default)]
pub struct FairIn {
    pub name: String,
    pub place: String,
    /// The organising or sending unit (code).
    pub unit_code: String,
    pub starts_on: String,
    pub ends_on: String,
    pub in_province: bool,
    pub sales_vnd: i64,
    pub contracts_signed: i64,
    pub participants: Vec<ParticipantIo>,
}

/// Fairs in scope (a producer: those it took part in), latest first.
#[utoipa::path(get, path = "/api/v1/fairs", params(PageQuery), responses((status = 200, body = FairList)))]
pub async fn list_fairs(
    State(s): State<AppState>,
    u: ApiUser,
    Query(q): Query<PageQuery>,
) -> Result<Json<FairList>, ApiError> {
    let pg = st::list_fairs(
        &s.db.conn,
        &u.principal.scope,
        q.page.unwrap_or(1),
        q.per_page.unwrap_or(50),
    )
    .await?;
    Ok(Json(FairList {
        total: pg.total,
        items: pg.items.into_iter().map(Into::into).collect(),
    }))
}

/// Records a fair or exhibition with its participants (officers).
#[utoipa::path(post, path = "/api/v1/fairs", request_body = FairIn,
    responses((status = 201, body = FairOut), (status = 403, body = super::ErrorBody), (status = 422, body = super::ErrorBody)))]
pub async fn create_fair(
    State(s): State<AppState>,
    u: ApiUser,
    ApiJson(b): ApiJson<FairIn>,
) -> Result<(StatusCode, Json<FairOut>), ApiError> {
    if !(u.principal.is_admin() || u.principal.role.is_officer()) {
        return Err(ApiError::forbidden());
    }
    let input = FairInput {
        name: b.name.clone(),
        place: b.place.clone(),
        starts_on: parse_date(b.starts_on.trim(), "starts_on")?,
        ends_on: parse_date(b.ends_on.trim(), "ends_on")?,
        in_province: b.in_province,
        sales_vnd: b.sales_vnd,
        contracts_signed: b.contracts_signed,
    };
    let parts: Vec<(i64, Option<i64>)> = b
        .participants
        .iter()
        .map(|p| (p.producer_id, p.product_id))
        .collect();
    let f = st::create_fair(
        &s.db.conn,
        &u.principal,
        &u.actor(),
        &b.unit_code,
        &input,
        &parts,
    )
    .await
    .map_err(trade_error)?;
    Ok((StatusCode::CREATED, Json(f.into())))
}

/// One fair.
#[utoipa::path(get, path = "/api/v1/fairs/{id}", params(("id" = i64, Path)),
    responses((status = 200, body = FairOut), (status = 404, body = super::ErrorBody)))]
pub async fn get_fair(
    State(s): State<AppState>,
    u: ApiUser,
    Path(id): Path<i64>,
) -> Result<Json<FairOut>, ApiError> {
    Ok(Json(
        st::get_fair(&s.db.conn, &u.principal, id).await?.into(),
    ))
}

/// The fairs in scope as an Excel file.
#[utoipa::path(get, path = "/api/v1/fairs/export", responses((status = 200, content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")))]
pub async fn export_fairs(State(s): State<AppState>, u: ApiUser) -> Result<Response, ApiError> {
    let pg = st::list_fairs(&s.db.conn, &u.principal.scope, 1, 200).await?;
    xlsx("hoi-cho.xlsx", &crate::trade_tables::fairs_table(&pg.items))
}

// ---------------------------------------------------------------------------
// Organisation milestones
// ---------------------------------------------------------------------------

#[derive(Serialize, ToSchema)]
pub struct MilestoneOut {
    pub id: i64,
    pub producer_id: i64,
    pub producer: String,
    pub year: i32,
    /// established or consolidated.
    pub kind: String,
    pub legal_form: String,
    pub occurred_on: String,
    pub note: Option<String>,
}

impl MilestoneOut {
    fn new(m: ocop_store::entities::organisation_milestone::Model, producer: String) -> Self {
        MilestoneOut {
            id: m.id,
            producer_id: m.producer_id,
            producer,
            year: m.year,
            kind: m.kind,
            legal_form: m.legal_form,
            occurred_on: m.occurred_on.to_string(),
            note: m.note,
        }
    }
}

#[derive(Serialize, ToSchema)]
pub struct MilestoneList {
    pub items: Vec<MilestoneOut>,
    pub total: u64,
}

#[derive(Deserialize, ToSchema, Default)]
#[serde(default)]
pub struct MilestoneIn {
    pub producer_id: i64,
    pub year: i32,
    /// established or consolidated.
    pub kind: String,
    /// The legal form after the change (cooperative, cooperative_group, …).
    pub legal_form: String,
    pub occurred_on: String,
    pub note: Option<String>,
}

#[derive(Deserialize, IntoParams, Default)]
#[serde(default)]
pub struct YearQuery {
    pub year: Option<i32>,
    pub page: Option<u64>,
    pub per_page: Option<u64>,
}

/// Producers newly established or consolidated, per year (plan target 2).
#[utoipa::path(get, path = "/api/v1/organisation-milestones", params(YearQuery), responses((status = 200, body = MilestoneList)))]
pub async fn list_milestones(
    State(s): State<AppState>,
    u: ApiUser,
    Query(q): Query<YearQuery>,
) -> Result<Json<MilestoneList>, ApiError> {
    let pg = st::list_milestones(
        &s.db.conn,
        &u.principal.scope,
        q.year,
        q.page.unwrap_or(1),
        q.per_page.unwrap_or(50),
    )
    .await?;
    Ok(Json(MilestoneList {
        total: pg.total,
        items: pg
            .items
            .into_iter()
            .map(|(m, n)| MilestoneOut::new(m, n))
            .collect(),
    }))
}

/// Marks a producer newly established or consolidated in a year (officers).
#[utoipa::path(post, path = "/api/v1/organisation-milestones", request_body = MilestoneIn,
    responses((status = 201, body = MilestoneOut), (status = 404, body = super::ErrorBody), (status = 409, body = super::ErrorBody), (status = 422, body = super::ErrorBody)))]
pub async fn create_milestone(
    State(s): State<AppState>,
    u: ApiUser,
    ApiJson(b): ApiJson<MilestoneIn>,
) -> Result<(StatusCode, Json<MilestoneOut>), ApiError> {
    let input = MilestoneInput {
        year: b.year,
        kind: b.kind.clone(),
        legal_form: b.legal_form.clone(),
        occurred_on: parse_date(b.occurred_on.trim(), "occurred_on")?,
        note: b.note.clone(),
    };
    let m = st::record_milestone(&s.db.conn, &u.principal, &u.actor(), b.producer_id, &input)
        .await
        .map_err(trade_error)?;
    let name = ocop_store::registry::get_producer(&s.db.conn, m.producer_id)
        .await?
        .name;
    Ok((StatusCode::CREATED, Json(MilestoneOut::new(m, name))))
}

/// The milestones of a year (or all) as an Excel file.
#[utoipa::path(get, path = "/api/v1/organisation-milestones/export", params(YearQuery), responses((status = 200, content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")))]
pub async fn export_milestones(
    State(s): State<AppState>,
    u: ApiUser,
    Query(q): Query<YearQuery>,
) -> Result<Response, ApiError> {
    let pg = st::list_milestones(&s.db.conn, &u.principal.scope, q.year, 1, 200).await?;
    xlsx(
        "to-chuc-kinh-te.xlsx",
        &crate::trade_tables::milestones_table(&pg.items),
    )
}
