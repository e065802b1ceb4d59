//! Registry API: producers and products, scoped to the caller.

use crate::auth::{ApiJson, ApiUser};
use crate::error::ApiError;
use crate::pages::registry::{validate_producer, validate_product};
use crate::AppState;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::routing::get;
use axum::{Json, Router};
use ocop_domain::registry::{FieldErrors, Invalid, ProducerInput, ProductInput};
use ocop_domain::roles::{Action, Location, Principal};
use ocop_domain::units::Period;
use ocop_store::entities::{producer, product};
use ocop_store::registry::{self as reg, ProducerFilter, ProductFilter, Sort};
use ocop_store::DatabaseConnection;
use ocop_store::{audit, StoreError};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

pub fn routes() -> Router<AppState> {
    Router::new()
        .route(
            "/api/v1/producers",
            get(list_producers).post(create_producer),
        )
        .route(
            "/api/v1/producers/{id}",
            get(get_producer).put(update_producer),
        )
        .route("/api/v1/producers/{id}/history", get(producer_history))
        .route("/api/v1/products", get(list_products).post(create_product))
        .route(
            "/api/v1/products/{id}",
            get(get_product).put(update_product),
        )
        .route("/api/v1/products/{id}/history", get(product_history))
}

/// A string or a number in JSON (counts and years may come either way).
#[derive(Deserialize, Serialize, Clone, Debug, Default)]
#[serde(untagged)]
pub enum Loose {
    Num(i64),
    Str(String),
    #[default]
    Missing,
}

impl Loose {
    fn text(&self) -> String {
        match self {
            Loose::Num(n) => n.to_string(),
            Loose::Str(s) => s.clone(),
            Loose::Missing => String::new(),
        }
    }
}

#[derive(Serialize, ToSchema)]
pub struct ProducerOut {
    pub id: i64,
    pub name: String,
    pub legal_form: String,
    pub tax_code: Option<String>,
    pub commune_code: String,
    pub commune_period: String,
    pub commune_name: String,
    pub province_code: String,
    pub address_detail: Option<String>,
    pub phone: Option<String>,
    pub email: Option<String>,
    pub representative_name: String,
    pub representative_female: bool,
    pub representative_ethnic_minority: bool,
    pub representative_ethnicity: Option<String>,
    pub representative_disability: bool,
    pub members_count: Option<i64>,
    pub workers_count: Option<i64>,
    pub year_founded: Option<i64>,
    pub status: String,
    /// Send back on update; a stale version gives 409.
    pub version: i32,
    pub created_at: String,
    pub updated_at: String,
}

impl From<producer::Model> for ProducerOut {
    fn from(m: producer::Model) -> Self {
        ProducerOut {
            id: m.id,
            name: m.name,
            legal_form: m.legal_form,
            tax_code: m.tax_code,
            commune_code: m.commune_code,
            commune_period: m.commune_period,
            commune_name: m.commune_name,
            province_code: m.province_code,
            address_detail: m.address_detail,
            phone: m.phone,
            email: m.email,
            representative_name: m.representative_name,
            representative_female: m.representative_female,
            representative_ethnic_minority: m.representative_ethnic_minority,
            representative_ethnicity: m.representative_ethnicity,
            representative_disability: m.representative_disability,
            members_count: m.members_count,
            workers_count: m.workers_count,
            year_founded: m.year_founded,
            status: m.status,
            version: m.version,
            created_at: m.created_at.to_rfc3339(),
            updated_at: m.updated_at.to_rfc3339(),
        }
    }
}

/// A producer to create or update. `commune_period` defaults to `post2025`.
#[derive(Deserialize, ToSchema, Default)]
#[serde(default)]
pub struct ProducerIn {
    pub name: String,
    /// One of: cooperative, cooperative_group, single_member_llc, multi_member_llc,
    /// joint_stock, private_enterprise, household_business, production_household,
    /// farm, association, operating_centre.
    pub legal_form: String,
    pub tax_code: Option<String>,
    pub commune_code: String,
    pub commune_period: Option<String>,
    pub address_detail: Option<String>,
    pub phone: Option<String>,
    pub email: Option<String>,
    pub representative_name: String,
    pub representative_female: bool,
    pub representative_ethnic_minority: bool,
    pub representative_ethnicity: Option<String>,
    pub representative_disability: bool,
    #[schema(value_type = Option<i64>)]
    pub members_count: Loose,
    #[schema(value_type = Option<i64>)]
    pub workers_count: Loose,
    #[schema(value_type = Option<i64>)]
    pub year_founded: Loose,
    /// active (default), suspended or dissolved.
    pub status: Option<String>,
    /// Required on update.
    pub version: Option<i32>,
}

impl ProducerIn {
    fn input(&self) -> ProducerInput {
        let s = |o: &Option<String>| o.clone().unwrap_or_default();
        ProducerInput {
            name: ocop_domain::text::nfc(&self.name),
            legal_form: self.legal_form.clone(),
            tax_code: s(&self.tax_code),
            commune_code: self.commune_code.clone(),
            commune_period: s(&self.commune_period),
            address_detail: ocop_domain::text::nfc(&s(&self.address_detail)),
            phone: s(&self.phone),
            email: s(&self.email),
            representative_name: ocop_domain::text::nfc(&self.representative_name),
            representative_female: self.representative_female,
            representative_ethnic_minority: self.representative_ethnic_minority,
            representative_ethnicity: ocop_domain::text::nfc(&s(&self.representative_ethnicity)),
            representative_disability: self.representative_disability,
            members_count: self.members_count.text(),
            workers_count: self.workers_count.text(),
            year_founded: self.year_founded.text(),
            status: s(&self.status),
        }
    }
}

#[derive(Serialize, ToSchema)]
pub struct ProducerList {
    pub items: Vec<ProducerOut>,
    pub total: u64,
    pub page: u64,
    pub per_page: u64,
}

#[derive(Deserialize, IntoParams, Default)]
#[serde(default)]
pub struct ListQuery {
    pub page: Option<u64>,
    pub per_page: Option<u64>,
    /// Search in names (with or without diacritics), tax numbers and product codes.
    pub q: Option<String>,
    /// Unit code (a current commune, an old district or commune, a province) or path.
    pub unit: Option<String>,
    pub legal_form: Option<String>,
    pub status: Option<String>,
    /// Products only: product set code (e.g. QD26-01).
    pub set: Option<String>,
    /// Products only: 3, 4 or 5.
    pub stars: Option<i64>,
    /// Products only.
    pub producer_id: Option<i64>,
    /// name, -name, created, -created.
    pub sort: Option<String>,
}

/// Resolves a `unit` filter: a path as is, or a code (current period first).
async fn unit_path(
    db: &DatabaseConnection,
    unit: Option<&str>,
) -> Result<Option<String>, ApiError> {
    let Some(u) = unit.map(str::trim).filter(|s| !s.is_empty()) else {
        return Ok(None);
    };
    if u.contains('/') {
        return Ok(Some(if u.ends_with('/') {
            u.to_string()
        } else {
            format!("{u}/")
        }));
    }
    for p in [Period::Post2025, Period::Pre2025] {
        if let Some(m) = ocop_store::units::find(db, u, p).await? {
            return Ok(Some(m.path));
        }
    }
    Err(ApiError::new(
        StatusCode::UNPROCESSABLE_ENTITY,
        "unknown_unit",
        format!("no administrative unit has code {u}"),
    ))
}

fn loc(m: &producer::Model) -> Location<'_> {
    Location {
        producer_id: m.id,
        unit_path: &m.unit_path,
        current_unit_path: &m.current_unit_path,
    }
}

fn ploc(m: &product::Model) -> Location<'_> {
    Location {
        producer_id: m.producer_id,
        unit_path: &m.unit_path,
        current_unit_path: &m.current_unit_path,
    }
}

/// Producers visible to the caller.
#[utoipa::path(get, path = "/api/v1/producers", params(ListQuery), responses((status = 200, body = ProducerList)))]
pub async fn list_producers(
    State(st): State<AppState>,
    u: ApiUser,
    Query(q): Query<ListQuery>,
) -> Result<Json<ProducerList>, ApiError> {
    let f = ProducerFilter {
        q: q.q.clone(),
        unit_path: unit_path(&st.db.conn, q.unit.as_deref()).await?,
        legal_form: q.legal_form.clone().filter(|s| !s.is_empty()),
        status: q.status.clone().filter(|s| !s.is_empty()),
        sort: Sort::parse(q.sort.as_deref().unwrap_or("")),
        page: q.page.unwrap_or(1),
        per_page: q.per_page.unwrap_or(50),
    };
    let page = reg::list_producers(&st.db.conn, &u.principal.scope, &f).await?;
    Ok(Json(ProducerList {
        total: page.total,
        page: page.page,
        per_page: page.per_page,
        items: page.items.into_iter().map(Into::into).collect(),
    }))
}

fn dup_tax() -> ApiError {
    let mut e = FieldErrors::default();
    e.add("tax_code", Invalid::DuplicateTaxCode);
    let mut err = ApiError::validation(&e);
    err.status = StatusCode::CONFLICT;
    err.code = "duplicate";
    err
}

/// Creates a producer in the caller's area.
#[utoipa::path(post, path = "/api/v1/producers", request_body = ProducerIn,
    responses((status = 201, body = ProducerOut), (status = 422, body = super::ErrorBody), (status = 409, body = super::ErrorBody), (status = 403, body = super::ErrorBody)))]
pub async fn create_producer(
    State(st): State<AppState>,
    u: ApiUser,
    ApiJson(body): ApiJson<ProducerIn>,
) -> Result<(StatusCode, Json<ProducerOut>), ApiError> {
    if !u.principal.can_create_producer() {
        return Err(ApiError::forbidden());
    }
    let data = validate_producer(&st.db.conn, &u.principal, &body.input())
        .await?
        .map_err(|e| ApiError::validation(&e))?;
    match reg::create_producer(&st.db.conn, &u.actor(), &data).await {
        Ok(m) => Ok((StatusCode::CREATED, Json(m.into()))),
        Err(StoreError::Duplicate(_)) => Err(dup_tax()),
        Err(e) => Err(e.into()),
    }
}

/// An update sent without the version it was based on.
fn version_required() -> ApiError {
    ApiError::new(
        StatusCode::UNPROCESSABLE_ENTITY,
        "version_required",
        "send the version you read",
    )
}

async fn load_producer(
    db: &DatabaseConnection,
    p: &Principal,
    id: i64,
    action: Action,
) -> Result<producer::Model, ApiError> {
    let m = reg::get_producer(db, id).await?;
    if !p.may(action, &loc(&m)) {
        return Err(ApiError::forbidden());
    }
    Ok(m)
}

/// One producer.
#[utoipa::path(get, path = "/api/v1/producers/{id}", params(("id" = i64, Path)),
    responses((status = 200, body = ProducerOut), (status = 403, body = super::ErrorBody), (status = 404, body = super::ErrorBody)))]
pub async fn get_producer(
    State(st): State<AppState>,
    u: ApiUser,
    Path(id): Path<i64>,
) -> Result<Json<ProducerOut>, ApiError> {
    Ok(Json(
        load_producer(&st.db.conn, &u.principal, id, Action::View)
            .await?
            .into(),
    ))
}

/// Updates a producer; `version` must be the one read.
#[utoipa::path(put, path = "/api/v1/producers/{id}", params(("id" = i64, Path)), request_body = ProducerIn,
    responses((status = 200, body = ProducerOut), (status = 409, body = super::ErrorBody), (status = 422, body = super::ErrorBody)))]
pub async fn update_producer(
    State(st): State<AppState>,
    u: ApiUser,
    Path(id): Path<i64>,
    ApiJson(body): ApiJson<ProducerIn>,
) -> Result<Json<ProducerOut>, ApiError> {
    let db = &st.db.conn;
    let m = load_producer(db, &u.principal, id, Action::Edit).await?;
    let version = body.version.ok_or_else(version_required)?;
    let mut input = body.input();
    if u.principal.role == ocop_domain::roles::Role::Producer {
        // A producer cannot move its own record to another commune.
        input.commune_code = m.commune_code.clone();
        input.commune_period = m.commune_period.clone();
    }
    let placer = if u.principal.role == ocop_domain::roles::Role::Producer {
        Principal::new(
            u.principal.user_id,
            u.principal.username.clone(),
            ocop_domain::roles::Role::Admin,
            None,
            None,
        )
    } else {
        u.principal.clone()
    };
    let data = validate_producer(db, &placer, &input)
        .await?
        .map_err(|e| ApiError::validation(&e))?;
    match reg::update_producer(db, &u.actor(), id, version, &data).await {
        Ok(m) => Ok(Json(m.into())),
        Err(StoreError::Duplicate(_)) => Err(dup_tax()),
        Err(e) => Err(e.into()),
    }
}

#[derive(Serialize, ToSchema)]
pub struct HistoryOut {
    pub at: String,
    pub actor: String,
    pub action: String,
    #[schema(value_type = Option<Object>)]
    pub before: Option<serde_json::Value>,
    #[schema(value_type = Option<Object>)]
    pub after: Option<serde_json::Value>,
}

async fn history(
    db: &DatabaseConnection,
    entity: &str,
    id: i64,
) -> Result<Vec<HistoryOut>, ApiError> {
    Ok(audit::history(db, entity, id)
        .await?
        .into_iter()
        .map(|e| HistoryOut {
            at: e.at.to_rfc3339(),
            actor: e.actor,
            action: e.action,
            before: e.before.and_then(|s| serde_json::from_str(&s).ok()),
            after: e.after.and_then(|s| serde_json::from_str(&s).ok()),
        })
        .collect())
}

/// A producer's change history, newest first.
#[utoipa::path(get, path = "/api/v1/producers/{id}/history", params(("id" = i64, Path)), responses((status = 200, body = [HistoryOut])))]
pub async fn producer_history(
    State(st): State<AppState>,
    u: ApiUser,
    Path(id): Path<i64>,
) -> Result<Json<Vec<HistoryOut>>, ApiError> {
    load_producer(&st.db.conn, &u.principal, id, Action::View).await?;
    Ok(Json(history(&st.db.conn, "producer", id).await?))
}

#[derive(Serialize, ToSchema)]
pub struct ProductOut {
    pub id: i64,
    pub producer_id: i64,
    pub name: String,
    pub set_code: String,
    /// QĐ 26/2026 product code: province-commune-sequence-year.
    pub product_code: String,
    pub description: Option<String>,
    pub raw_material_origin: Option<String>,
    pub status: String,
    pub stars: Option<i64>,
    pub version: i32,
    pub created_at: String,
    pub updated_at: String,
}

impl From<product::Model> for ProductOut {
    fn from(m: product::Model) -> Self {
        ProductOut {
            id: m.id,
            producer_id: m.producer_id,
            name: m.name,
            set_code: m.set_code,
            product_code: m.product_code,
            description: m.description,
            raw_material_origin: m.raw_material_origin,
            status: m.status,
            stars: m.stars,
            version: m.version,
            created_at: m.created_at.to_rfc3339(),
            updated_at: m.updated_at.to_rfc3339(),
        }
    }
}

#[derive(Deserialize, ToSchema, Default)]
#[serde(default)]
pub struct ProductIn {
    pub name: String,
    #[schema(value_type = i64)]
    pub producer_id: Loose,
    /// A product set code, e.g. `QD26-13`.
    pub set_code: String,
    pub description: Option<String>,
    pub raw_material_origin: Option<String>,
    /// idea (default), in_development, submitted, certified, expired, revoked, withdrawn.
    pub status: Option<String>,
    #[schema(value_type = Option<i64>)]
    pub stars: Loose,
    /// Required on update.
    pub version: Option<i32>,
}

impl ProductIn {
    fn input(&self) -> ProductInput {
        let s = |o: &Option<String>| ocop_domain::text::nfc(&o.clone().unwrap_or_default());
        ProductInput {
            name: ocop_domain::text::nfc(&self.name),
            producer_id: self.producer_id.text(),
            set_code: self.set_code.clone(),
            description: s(&self.description),
            raw_material_origin: s(&self.raw_material_origin),
            status: s(&self.status),
            stars: self.stars.text(),
        }
    }
}

#[derive(Serialize, ToSchema)]
pub struct ProductList {
    pub items: Vec<ProductOut>,
    pub total: u64,
    pub page: u64,
    pub per_page: u64,
}

/// Products visible to the caller.
#[utoipa::path(get, path = "/api/v1/products", params(ListQuery), responses((status = 200, body = ProductList)))]
pub async fn list_products(
    State(st): State<AppState>,
    u: ApiUser,
    Query(q): Query<ListQuery>,
) -> Result<Json<ProductList>, ApiError> {
    let f = ProductFilter {
        q: q.q.clone(),
        unit_path: unit_path(&st.db.conn, q.unit.as_deref()).await?,
        producer_id: q.producer_id,
        legal_form: q.legal_form.clone().filter(|s| !s.is_empty()),
        set_code: q.set.clone().filter(|s| !s.is_empty()),
        stars: q.stars,
        status: q.status.clone().filter(|s| !s.is_empty()),
        sort: Sort::parse(q.sort.as_deref().unwrap_or("")),
        page: q.page.unwrap_or(1),
        per_page: q.per_page.unwrap_or(50),
    };
    let page = reg::list_products(&st.db.conn, &u.principal.scope, &f).await?;
    Ok(Json(ProductList {
        total: page.total,
        page: page.page,
        per_page: page.per_page,
        items: page.items.into_iter().map(Into::into).collect(),
    }))
}

/// Creates a product; its code is assigned.
#[utoipa::path(post, path = "/api/v1/products", request_body = ProductIn,
    responses((status = 201, body = ProductOut), (status = 422, body = super::ErrorBody), (status = 403, body = super::ErrorBody)))]
pub async fn create_product(
    State(st): State<AppState>,
    u: ApiUser,
    ApiJson(body): ApiJson<ProductIn>,
) -> Result<(StatusCode, Json<ProductOut>), ApiError> {
    if !u.principal.can_write_registry() {
        return Err(ApiError::forbidden());
    }
    let data = validate_product(&st.db.conn, &u.principal, body.input(), None)
        .await?
        .map_err(|e| ApiError::validation(&e))?;
    let year = chrono::Datelike::year(&st.today());
    let m = reg::create_product(&st.db.conn, &u.actor(), &data, year).await?;
    Ok((StatusCode::CREATED, Json(m.into())))
}

async fn load_product(
    db: &DatabaseConnection,
    p: &Principal,
    id: i64,
    action: Action,
) -> Result<product::Model, ApiError> {
    let m = reg::get_product(db, id).await?;
    if !p.may(action, &ploc(&m)) {
        return Err(ApiError::forbidden());
    }
    Ok(m)
}

/// One product.
#[utoipa::path(get, path = "/api/v1/products/{id}", params(("id" = i64, Path)),
    responses((status = 200, body = ProductOut), (status = 403, body = super::ErrorBody), (status = 404, body = super::ErrorBody)))]
pub async fn get_product(
    State(st): State<AppState>,
    u: ApiUser,
    Path(id): Path<i64>,
) -> Result<Json<ProductOut>, ApiError> {
    Ok(Json(
        load_product(&st.db.conn, &u.principal, id, Action::View)
            .await?
            .into(),
    ))
}

/// Updates a product; `version` must be the one read.
#[utoipa::path(put, path = "/api/v1/products/{id}", params(("id" = i64, Path)), request_body = ProductIn,
    responses((status = 200, body = ProductOut), (status = 409, body = super::ErrorBody), (status = 422, body = super::ErrorBody)))]
pub async fn update_product(
    State(st): State<AppState>,
    u: ApiUser,
    Path(id): Path<i64>,
    ApiJson(body): ApiJson<ProductIn>,
) -> Result<Json<ProductOut>, ApiError> {
    let db = &st.db.conn;
    let m = load_product(db, &u.principal, id, Action::Edit).await?;
    let version = body.version.ok_or_else(version_required)?;
    let data = validate_product(db, &u.principal, body.input(), Some(&m))
        .await?
        .map_err(|e| ApiError::validation(&e))?;
    Ok(Json(
        reg::update_product(db, &u.actor(), id, version, &data)
            .await?
            .into(),
    ))
}

/// A product's change history, newest first.
#[utoipa::path(get, path = "/api/v1/products/{id}/history", params(("id" = i64, Path)), responses((status = 200, body = [HistoryOut])))]
pub async fn product_history(
    State(st): State<AppState>,
    u: ApiUser,
    Path(id): Path<i64>,
) -> Result<Json<Vec<HistoryOut>>, ApiError> {
    load_product(&st.db.conn, &u.principal, id, Action::View).await?;
    Ok(Json(history(&st.db.conn, "product", id).await?))
}
