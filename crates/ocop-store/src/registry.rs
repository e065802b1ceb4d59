//! Producers and products: create, read, update with optimistic locking, list with
//! filters, scope and Vietnamese sorting. Each write records its audit entry in the
//! same transaction.

use crate::audit::{self, Actor};
use crate::entities::{producer, product, product_photo, product_sequence};
use crate::error::{Result, StoreError};
use ocop_domain::registry::{ProducerData, ProductData};
use ocop_domain::roles::Scope;
use ocop_domain::text::{fold, vi_sort_key};
use sea_orm::sea_query::{Expr, OnConflict, Query};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, Condition, ConnectionTrait, EntityTrait, IntoActiveModel,
    PaginatorTrait, QueryFilter, QueryOrder, QuerySelect, QueryTrait, Select, Set,
    TransactionSession, TransactionTrait,
};

/// Sort orders offered by list pages.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Sort {
    #[default]
    NameAsc,
    NameDesc,
    NewestFirst,
    OldestFirst,
}

impl Sort {
    pub fn parse(s: &str) -> Sort {
        match s {
            "-name" => Sort::NameDesc,
            "-created" => Sort::NewestFirst,
            "created" => Sort::OldestFirst,
            _ => Sort::NameAsc,
        }
    }
    pub fn as_str(self) -> &'static str {
        match self {
            Sort::NameAsc => "name",
            Sort::NameDesc => "-name",
            Sort::NewestFirst => "-created",
            Sort::OldestFirst => "created",
        }
    }
}

/// One page of a list.
#[derive(Debug, Clone)]
pub struct Page<T> {
    pub items: Vec<T>,
    pub total: u64,
    pub page: u64,
    pub per_page: u64,
}

impl<T> Page<T> {
    pub fn pages(&self) -> u64 {
        self.total.div_ceil(self.per_page).max(1)
    }
}

/// Filters of the producer list.
#[derive(Debug, Clone, Default)]
pub struct ProducerFilter {
    pub q: Option<String>,
    pub unit_path: Option<String>,
    pub legal_form: Option<String>,
    pub status: Option<String>,
    pub sort: Sort,
    pub page: u64,
    pub per_page: u64,
}

/// Filters of the product list.
#[derive(Debug, Clone, Default)]
pub struct ProductFilter {
    pub q: Option<String>,
    pub unit_path: Option<String>,
    pub producer_id: Option<i64>,
    pub legal_form: Option<String>,
    pub set_code: Option<String>,
    pub stars: Option<i64>,
    pub status: Option<String>,
    pub sort: Sort,
    pub page: u64,
    pub per_page: u64,
}

fn like_contains<C: ColumnTrait>(col: C, s: &str) -> Condition {
    use sea_orm::sea_query::{ExprTrait, LikeExpr};
    let esc = s
        .replace('\\', "\\\\")
        .replace('%', "\\%")
        .replace('_', "\\_");
    Condition::all().add(Expr::col(col).like(LikeExpr::new(format!("%{esc}%")).escape('\\')))
}

pub(crate) fn scope_cond<C: ColumnTrait>(
    scope: &Scope,
    unit: C,
    current: C,
    producer_col: C,
) -> Condition {
    use sea_orm::sea_query::ExprTrait;
    match scope {
        Scope::All => Condition::all(),
        Scope::Unit { path } => Condition::any()
            .add(unit.starts_with(path))
            .add(current.starts_with(path)),
        Scope::Producer { producer_id } => Condition::all().add(producer_col.eq(*producer_id)),
        Scope::Nothing => Condition::all().add(Expr::val(1).eq(Expr::val(0))),
    }
}

pub(crate) fn unit_cond<C: ColumnTrait>(path: &Option<String>, unit: C, current: C) -> Condition {
    match path {
        Some(p) => Condition::any()
            .add(unit.starts_with(p))
            .add(current.starts_with(p)),
        None => Condition::all(),
    }
}

pub(crate) fn page_bounds(page: u64, per_page: u64) -> (u64, u64) {
    let per = per_page.clamp(1, 200);
    // A million pages is far beyond any list; the cap keeps the offset a small number.
    (page.clamp(1, 1_000_000), per)
}

pub(crate) async fn paginate<E, C>(
    c: &C,
    q: Select<E>,
    page: u64,
    per_page: u64,
) -> Result<Page<E::Model>>
where
    E: EntityTrait,
    E::Model: Sync,
    C: ConnectionTrait,
{
    let (page, per) = page_bounds(page, per_page);
    let total = q.clone().count(c).await?;
    let items = q.offset((page - 1) * per).limit(per).all(c).await?;
    Ok(Page {
        items,
        total,
        page,
        per_page: per,
    })
}

fn producer_json(m: &producer::Model) -> serde_json::Value {
    let mut v = serde_json::to_value(m).unwrap_or_default();
    if let Some(o) = v.as_object_mut() {
        for k in [
            "name_fold",
            "name_sort",
            "unit_path",
            "current_unit_path",
            "created_at",
            "updated_at",
        ] {
            o.remove(k);
        }
    }
    v
}

fn product_json(m: &product::Model) -> serde_json::Value {
    let mut v = serde_json::to_value(m).unwrap_or_default();
    if let Some(o) = v.as_object_mut() {
        for k in [
            "name_fold",
            "name_sort",
            "unit_path",
            "current_unit_path",
            "created_at",
            "updated_at",
        ] {
            o.remove(k);
        }
    }
    v
}

fn apply_producer(am: &mut producer::ActiveModel, d: &ProducerData) {
    am.name = Set(d.name.clone());
    am.name_fold = Set(fold(&d.name));
    am.name_sort = Set(vi_sort_key(&d.name));
    am.legal_form = Set(d.legal_form.as_str().to_string());
    am.tax_code = Set(d.tax_code.clone());
    am.commune_code = Set(d.unit.code.clone());
    am.commune_period = Set(d.unit.period.as_str().to_string());
    am.commune_name = Set(d.unit.name.clone());
    am.province_code = Set(d.unit.province_code.clone());
    am.unit_path = Set(d.unit.path.clone());
    am.current_unit_path = Set(d.unit.current_path.clone());
    am.address_detail = Set(d.address_detail.clone());
    am.phone = Set(d.phone.clone());
    am.email = Set(d.email.clone());
    am.representative_name = Set(d.representative_name.clone());
    am.representative_female = Set(d.representative_female);
    am.representative_ethnic_minority = Set(d.representative_ethnic_minority);
    am.representative_ethnicity = Set(d.representative_ethnicity.clone());
    am.representative_disability = Set(d.representative_disability);
    am.members_count = Set(d.members_count);
    am.workers_count = Set(d.workers_count);
    am.year_founded = Set(d.year_founded);
    am.status = Set(d.status.as_str().to_string());
}

/// Creates a producer; `Duplicate("tax_code")` when the number is taken.
pub async fn create_producer<C: TransactionTrait>(
    db: &C,
    actor: &Actor,
    d: &ProducerData,
) -> Result<producer::Model> {
    let txn = crate::db::begin_write(db).await?;
    let now = crate::now();
    let mut am = producer::ActiveModel {
        created_at: Set(now),
        updated_at: Set(now),
        version: Set(1),
        ..Default::default()
    };
    apply_producer(&mut am, d);
    let m = am
        .insert(&txn)
        .await
        .map_err(StoreError::unique_as("tax_code"))?;
    audit::record(
        &txn,
        actor,
        "producer",
        m.id,
        "create",
        None,
        Some(producer_json(&m)),
    )
    .await?;
    txn.commit().await?;
    Ok(m)
}

/// Updates a producer if it is still at `expected_version`; moves its products'
/// location with it.
pub async fn update_producer<C: TransactionTrait>(
    db: &C,
    actor: &Actor,
    id: i64,
    expected_version: i32,
    d: &ProducerData,
) -> Result<producer::Model> {
    let txn = crate::db::begin_write(db).await?;
    let before = producer::Entity::find_by_id(id)
        .one(&txn)
        .await?
        .ok_or(StoreError::NotFound)?;
    let mut am = before.clone().into_active_model();
    apply_producer(&mut am, d);
    am.updated_at = Set(crate::now());
    am.version = Set(expected_version + 1);
    // The version check is part of the UPDATE itself, so two writers cannot both win.
    let res = producer::Entity::update_many()
        .set(am)
        .filter(producer::Column::Id.eq(id))
        .filter(producer::Column::Version.eq(expected_version))
        .exec(&txn)
        .await
        .map_err(StoreError::unique_as("tax_code"))?;
    if res.rows_affected == 0 {
        return Err(StoreError::Conflict);
    }
    let after = producer::Entity::find_by_id(id)
        .one(&txn)
        .await?
        .ok_or(StoreError::NotFound)?;
    if before.unit_path != after.unit_path || before.current_unit_path != after.current_unit_path {
        product::Entity::update_many()
            .col_expr(
                product::Column::UnitPath,
                Expr::value(after.unit_path.clone()),
            )
            .col_expr(
                product::Column::CurrentUnitPath,
                Expr::value(after.current_unit_path.clone()),
            )
            .filter(product::Column::ProducerId.eq(id))
            .exec(&txn)
            .await?;
        // Its dossiers, certificates and revocation cases move with it, so scoped
        // lists still find them after the 07/2025 reform.
        use crate::entities::{certificate, dossier, revocation_case};
        dossier::Entity::update_many()
            .col_expr(
                dossier::Column::UnitPath,
                Expr::value(after.unit_path.clone()),
            )
            .col_expr(
                dossier::Column::CurrentUnitPath,
                Expr::value(after.current_unit_path.clone()),
            )
            .filter(dossier::Column::ProducerId.eq(id))
            .exec(&txn)
            .await?;
        certificate::Entity::update_many()
            .col_expr(
                certificate::Column::UnitPath,
                Expr::value(after.unit_path.clone()),
            )
            .col_expr(
                certificate::Column::CurrentUnitPath,
                Expr::value(after.current_unit_path.clone()),
            )
            .filter(certificate::Column::ProducerId.eq(id))
            .exec(&txn)
            .await?;
        let certs: Vec<i64> = certificate::Entity::find()
            .filter(certificate::Column::ProducerId.eq(id))
            .all(&txn)
            .await?
            .into_iter()
            .map(|c| c.id)
            .collect();
        revocation_case::Entity::update_many()
            .col_expr(
                revocation_case::Column::UnitPath,
                Expr::value(after.unit_path.clone()),
            )
            .col_expr(
                revocation_case::Column::CurrentUnitPath,
                Expr::value(after.current_unit_path.clone()),
            )
            .filter(revocation_case::Column::CertificateId.is_in(certs))
            .exec(&txn)
            .await?;
    }
    audit::record(
        &txn,
        actor,
        "producer",
        id,
        "update",
        Some(producer_json(&before)),
        Some(producer_json(&after)),
    )
    .await?;
    crate::search::reindex_producer(&txn, id).await?;
    txn.commit().await?;
    Ok(after)
}

pub async fn get_producer<C: ConnectionTrait>(c: &C, id: i64) -> Result<producer::Model> {
    producer::Entity::find_by_id(id)
        .one(c)
        .await?
        .ok_or(StoreError::NotFound)
}

pub async fn list_producers<C: ConnectionTrait>(
    c: &C,
    scope: &Scope,
    f: &ProducerFilter,
) -> Result<Page<producer::Model>> {
    use producer::Column as P;
    let mut q = producer::Entity::find()
        .filter(scope_cond(scope, P::UnitPath, P::CurrentUnitPath, P::Id))
        .filter(unit_cond(&f.unit_path, P::UnitPath, P::CurrentUnitPath));
    if let Some(s) = f.q.as_deref().map(fold).filter(|s| !s.is_empty()) {
        q = q.filter(
            Condition::any()
                .add(like_contains(P::NameFold, &s))
                .add(like_contains(P::TaxCode, &s.to_uppercase())),
        );
    }
    if let Some(v) = &f.legal_form {
        q = q.filter(P::LegalForm.eq(v.as_str()));
    }
    if let Some(v) = &f.status {
        q = q.filter(P::Status.eq(v.as_str()));
    }
    q = match f.sort {
        Sort::NameAsc => q.order_by_asc(P::NameSort).order_by_asc(P::Id),
        Sort::NameDesc => q.order_by_desc(P::NameSort).order_by_desc(P::Id),
        Sort::NewestFirst => q.order_by_desc(P::Id),
        Sort::OldestFirst => q.order_by_asc(P::Id),
    };
    paginate(c, q, f.page, f.per_page).await
}

/// Producers a user may pick from (for the product form), sorted by name.
pub async fn producer_choices<C: ConnectionTrait>(
    c: &C,
    scope: &Scope,
) -> Result<Vec<(i64, String)>> {
    use producer::Column as P;
    Ok(producer::Entity::find()
        .filter(scope_cond(scope, P::UnitPath, P::CurrentUnitPath, P::Id))
        .order_by_asc(P::NameSort)
        .limit(2000)
        .all(c)
        .await?
        .into_iter()
        .map(|p| (p.id, p.name))
        .collect())
}

fn last_segment(path: &str) -> &str {
    path.trim_end_matches('/').rsplit('/').next().unwrap_or("")
}

pub(crate) async fn next_product_seq<C: ConnectionTrait>(c: &C, key: &str) -> Result<i64> {
    use product_sequence::Column as Q;
    use sea_orm::sea_query::ExprTrait;
    let stmt = Query::insert()
        .into_table(product_sequence::Entity)
        .columns([Q::ScopeKey, Q::LastSeq])
        .values_panic([key.into(), 1i64.into()])
        .on_conflict(
            OnConflict::column(Q::ScopeKey)
                .value(
                    Q::LastSeq,
                    Expr::col((product_sequence::Entity, Q::LastSeq)).add(1),
                )
                .to_owned(),
        )
        .returning_col(Q::LastSeq)
        .to_owned();
    let row = c
        .query_one(&stmt)
        .await?
        .ok_or_else(|| StoreError::Invalid("sequence did not return a value".into()))?;
    Ok(row.try_get::<i64>("", "last_seq")?)
}

/// Creates a product and gives it its QĐ 26/2026 code.
pub async fn create_product<C: TransactionTrait>(
    db: &C,
    actor: &Actor,
    d: &ProductData,
    year: i32,
) -> Result<product::Model> {
    let txn = crate::db::begin_write(db).await?;
    let owner = get_producer(&txn, d.producer_id).await?;
    let commune = last_segment(&owner.current_unit_path).to_string();
    let key = format!("{}-{}-{}", owner.province_code, commune, year);
    let seq = next_product_seq(&txn, &key).await?;
    let now = crate::now();
    let m = product::ActiveModel {
        producer_id: Set(d.producer_id),
        name: Set(d.name.clone()),
        name_fold: Set(fold(&d.name)),
        name_sort: Set(vi_sort_key(&d.name)),
        set_code: Set(d.set_code.clone()),
        product_code: Set(ocop_domain::registry::product_code(
            &owner.province_code,
            &commune,
            seq,
            year,
        )),
        description: Set(d.description.clone()),
        raw_material_origin: Set(d.raw_material_origin.clone()),
        status: Set(d.status.as_str().to_string()),
        stars: Set(d.stars),
        unit_path: Set(owner.unit_path.clone()),
        current_unit_path: Set(owner.current_unit_path.clone()),
        created_at: Set(now),
        updated_at: Set(now),
        version: Set(1),
        ..Default::default()
    }
    .insert(&txn)
    .await
    .map_err(StoreError::unique_as("product_code"))?;
    audit::record(
        &txn,
        actor,
        "product",
        m.id,
        "create",
        None,
        Some(product_json(&m)),
    )
    .await?;
    crate::search::reindex_product(&txn, m.id).await?;
    txn.commit().await?;
    Ok(m)
}

pub async fn update_product<C: TransactionTrait>(
    db: &C,
    actor: &Actor,
    id: i64,
    expected_version: i32,
    d: &ProductData,
) -> Result<product::Model> {
    let txn = crate::db::begin_write(db).await?;
    let before = product::Entity::find_by_id(id)
        .one(&txn)
        .await?
        .ok_or(StoreError::NotFound)?;
    let owner = get_producer(&txn, d.producer_id).await?;
    // A certified product keeps what was certified (QĐ 26/2026 Art. 6.1, 7.5, 7.6).
    if let Some(cert) = crate::certificates::current_of(&txn, id).await? {
        ocop_domain::workflow::frozen_changes(
            Some(&crate::certificates::held(&cert, None)),
            ocop_domain::format::today_vn(),
            ocop_domain::workflow::IdentityChange {
                name: ocop_domain::text::nfc(&d.name) != before.name,
                set_code: d.set_code != before.set_code,
                producer: d.producer_id != before.producer_id,
                ranking: d.stars != before.stars || d.status.as_str() != before.status,
            },
        )
        .map_err(StoreError::Workflow)?;
    }
    let mut am = before.clone().into_active_model();
    am.producer_id = Set(d.producer_id);
    am.name = Set(d.name.clone());
    am.name_fold = Set(fold(&d.name));
    am.name_sort = Set(vi_sort_key(&d.name));
    am.set_code = Set(d.set_code.clone());
    am.description = Set(d.description.clone());
    am.raw_material_origin = Set(d.raw_material_origin.clone());
    am.status = Set(d.status.as_str().to_string());
    am.stars = Set(d.stars);
    am.unit_path = Set(owner.unit_path.clone());
    am.current_unit_path = Set(owner.current_unit_path.clone());
    am.updated_at = Set(crate::now());
    am.version = Set(expected_version + 1);
    let res = product::Entity::update_many()
        .set(am)
        .filter(product::Column::Id.eq(id))
        .filter(product::Column::Version.eq(expected_version))
        .exec(&txn)
        .await?;
    if res.rows_affected == 0 {
        return Err(StoreError::Conflict);
    }
    let after = product::Entity::find_by_id(id)
        .one(&txn)
        .await?
        .ok_or(StoreError::NotFound)?;
    audit::record(
        &txn,
        actor,
        "product",
        id,
        "update",
        Some(product_json(&before)),
        Some(product_json(&after)),
    )
    .await?;
    crate::search::reindex_product(&txn, id).await?;
    txn.commit().await?;
    Ok(after)
}

pub async fn get_product<C: ConnectionTrait>(c: &C, id: i64) -> Result<product::Model> {
    product::Entity::find_by_id(id)
        .one(c)
        .await?
        .ok_or(StoreError::NotFound)
}

pub async fn list_products<C: ConnectionTrait>(
    c: &C,
    scope: &Scope,
    f: &ProductFilter,
) -> Result<Page<product::Model>> {
    use product::Column as Pr;
    let mut q = product::Entity::find()
        .filter(scope_cond(
            scope,
            Pr::UnitPath,
            Pr::CurrentUnitPath,
            Pr::ProducerId,
        ))
        .filter(unit_cond(&f.unit_path, Pr::UnitPath, Pr::CurrentUnitPath));
    if let Some(s) = f.q.as_deref().map(fold).filter(|s| !s.is_empty()) {
        q = q.filter(
            Condition::any()
                .add(like_contains(Pr::NameFold, &s))
                .add(like_contains(Pr::ProductCode, &s)),
        );
    }
    if let Some(v) = f.producer_id {
        q = q.filter(Pr::ProducerId.eq(v));
    }
    if let Some(v) = &f.set_code {
        q = q.filter(Pr::SetCode.eq(v.as_str()));
    }
    if let Some(v) = f.stars {
        q = q.filter(Pr::Stars.eq(v));
    }
    if let Some(v) = &f.status {
        q = q.filter(Pr::Status.eq(v.as_str()));
    }
    if let Some(v) = &f.legal_form {
        let sub = producer::Entity::find()
            .select_only()
            .column(producer::Column::Id)
            .filter(producer::Column::LegalForm.eq(v.as_str()))
            .into_query();
        q = q.filter(Pr::ProducerId.in_subquery(sub));
    }
    q = match f.sort {
        Sort::NameAsc => q.order_by_asc(Pr::NameSort).order_by_asc(Pr::Id),
        Sort::NameDesc => q.order_by_desc(Pr::NameSort).order_by_desc(Pr::Id),
        Sort::NewestFirst => q.order_by_desc(Pr::Id),
        Sort::OldestFirst => q.order_by_asc(Pr::Id),
    };
    paginate(c, q, f.page, f.per_page).await
}

/// Producer names by id, for showing lists of products.
pub async fn producer_names<C: ConnectionTrait>(
    c: &C,
    ids: &[i64],
) -> Result<std::collections::HashMap<i64, String>> {
    Ok(producer::Entity::find()
        .filter(producer::Column::Id.is_in(ids.to_vec()))
        .all(c)
        .await?
        .into_iter()
        .map(|p| (p.id, p.name))
        .collect())
}

pub async fn count_producers<C: ConnectionTrait>(c: &C, scope: &Scope) -> Result<u64> {
    use producer::Column as P;
    Ok(producer::Entity::find()
        .filter(scope_cond(scope, P::UnitPath, P::CurrentUnitPath, P::Id))
        .count(c)
        .await?)
}

/// Products in scope counted by status.
pub async fn count_products_by_status<C: ConnectionTrait>(
    c: &C,
    scope: &Scope,
) -> Result<Vec<(String, i64)>> {
    use product::Column as Pr;
    let rows: Vec<(String, i64)> = product::Entity::find()
        .select_only()
        .column(Pr::Status)
        .column_as(Pr::Id.count(), "n")
        .filter(scope_cond(
            scope,
            Pr::UnitPath,
            Pr::CurrentUnitPath,
            Pr::ProducerId,
        ))
        .group_by(Pr::Status)
        .into_tuple()
        .all(c)
        .await?;
    Ok(rows)
}

/// Most photos a product may have.
pub const MAX_PHOTOS: u64 = 8;

/// A photo without its bytes, for listing.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PhotoInfo {
    pub id: i64,
    pub content_type: String,
    pub size: i64,
}

/// Adds a photo to a product (the caller has checked type and size).
pub async fn add_photo<C: TransactionTrait>(
    db: &C,
    actor: &Actor,
    product_id: i64,
    content_type: &str,
    data: Vec<u8>,
) -> Result<i64> {
    let txn = crate::db::begin_write(db).await?;
    get_product(&txn, product_id).await?;
    let count = product_photo::Entity::find()
        .filter(product_photo::Column::ProductId.eq(product_id))
        .count(&txn)
        .await?;
    if count >= MAX_PHOTOS {
        return Err(StoreError::Invalid("too_many_photos".into()));
    }
    let size = data.len() as i64;
    let m = product_photo::ActiveModel {
        product_id: Set(product_id),
        content_type: Set(content_type.to_string()),
        size: Set(size),
        data: Set(data),
        created_at: Set(crate::now()),
        ..Default::default()
    }
    .insert(&txn)
    .await?;
    audit::record(
        &txn,
        actor,
        "product",
        product_id,
        "add_photo",
        None,
        Some(serde_json::json!({"photo": m.id, "content_type": content_type, "size": size})),
    )
    .await?;
    txn.commit().await?;
    Ok(m.id)
}

/// The photos of a product, oldest first, without their bytes.
pub async fn list_photos<C: ConnectionTrait>(c: &C, product_id: i64) -> Result<Vec<PhotoInfo>> {
    use product_photo::Column as F;
    let rows: Vec<(i64, String, i64)> = product_photo::Entity::find()
        .select_only()
        .column(F::Id)
        .column(F::ContentType)
        .column(F::Size)
        .filter(F::ProductId.eq(product_id))
        .order_by_asc(F::Id)
        .into_tuple()
        .all(c)
        .await?;
    Ok(rows
        .into_iter()
        .map(|(id, content_type, size)| PhotoInfo {
            id,
            content_type,
            size,
        })
        .collect())
}

pub async fn get_photo<C: ConnectionTrait>(c: &C, id: i64) -> Result<product_photo::Model> {
    product_photo::Entity::find_by_id(id)
        .one(c)
        .await?
        .ok_or(StoreError::NotFound)
}

/// Removes a photo, with an audit entry on its product.
pub async fn delete_photo<C: TransactionTrait>(db: &C, actor: &Actor, id: i64) -> Result<()> {
    let txn = crate::db::begin_write(db).await?;
    let m = get_photo(&txn, id).await?;
    product_photo::Entity::delete_by_id(id).exec(&txn).await?;
    audit::record(
        &txn,
        actor,
        "product",
        m.product_id,
        "delete_photo",
        Some(serde_json::json!({"photo": id, "content_type": m.content_type, "size": m.size})),
        None,
    )
    .await?;
    txn.commit().await?;
    Ok(())
}
