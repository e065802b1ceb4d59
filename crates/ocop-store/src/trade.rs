//! Trade promotion (issue 12): sales channels, points of sale, fairs and
//! organisation milestones. Each use case checks the caller's scope with the
//! domain's [`Principal`] inside its transaction (a record outside the scope is
//! `NotFound`, like a missing one), validates with `ocop_domain::trade`, writes,
//! and records its audit entry in the same transaction.

use crate::audit::{self, Actor};
use crate::entities::{
    fair, fair_participant, organisation_milestone, point_of_sale, point_of_sale_product, producer,
    producer_position, product, sales_channel,
};
use crate::error::{Result, StoreError};
use crate::registry::{paginate, scope_cond, Page};
use chrono::NaiveDate;
use ocop_domain::operations::{channel_active_on, ChannelKind};
use ocop_domain::roles::{Action, Location, Principal, Scope};
use ocop_domain::trade::{ChannelInput, FairInput, MilestoneInput, PointOfSaleInput, TradeError};
use ocop_domain::units::Period;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, IntoActiveModel, QueryFilter,
    QueryOrder, Set, TransactionSession, TransactionTrait,
};
use serde_json::json;

/// A refusal by a trade rule; the web layer turns the code back into words.
pub fn invalid(e: TradeError) -> StoreError {
    StoreError::Invalid(e.code().to_string())
}

/// The producer, if the principal may perform `action` on it; otherwise NotFound.
pub(crate) async fn producer_for<C: ConnectionTrait>(
    c: &C,
    p: &Principal,
    id: i64,
    action: Action,
) -> Result<producer::Model> {
    let m = producer::Entity::find_by_id(id)
        .one(c)
        .await?
        .ok_or(StoreError::NotFound)?;
    let loc = Location {
        producer_id: m.id,
        unit_path: &m.unit_path,
        current_unit_path: &m.current_unit_path,
    };
    if !p.may(action, &loc) {
        return Err(StoreError::NotFound);
    }
    Ok(m)
}

fn is_officer(p: &Principal) -> bool {
    p.is_admin() || p.role.is_officer()
}

// ---------------------------------------------------------------------------
// Sales channels
// ---------------------------------------------------------------------------

fn channel_json(m: &sales_channel::Model) -> serde_json::Value {
    json!({
        "producer_id": m.producer_id, "product_id": m.product_id, "kind": m.kind,
        "partner": m.partner, "contract_ref": m.contract_ref,
        "started_on": m.started_on.to_string(), "ended_on": m.ended_on.map(|d| d.to_string()),
        "note": m.note,
    })
}

async fn check_product<C: ConnectionTrait>(
    c: &C,
    producer_id: i64,
    product_id: Option<i64>,
) -> Result<()> {
    if let Some(pid) = product_id {
        let prod = product::Entity::find_by_id(pid)
            .one(c)
            .await?
            .ok_or_else(|| invalid(TradeError::UnknownProduct))?;
        if prod.producer_id != producer_id {
            return Err(invalid(TradeError::ProductOfOtherProducer));
        }
    }
    Ok(())
}

/// Records a sales channel of a producer (optionally of one of its products).
pub async fn create_channel<C: TransactionTrait>(
    db: &C,
    p: &Principal,
    actor: &Actor,
    producer_id: i64,
    product_id: Option<i64>,
    input: &ChannelInput,
) -> Result<sales_channel::Model> {
    let txn = crate::db::begin_write(db).await?;
    let owner = producer_for(&txn, p, producer_id, Action::Create).await?;
    check_product(&txn, producer_id, product_id).await?;
    let d = input.validate().map_err(invalid)?;
    let m = sales_channel::ActiveModel {
        producer_id: Set(producer_id),
        product_id: Set(product_id),
        kind: Set(d.kind.as_str().into()),
        partner: Set(d.partner),
        contract_ref: Set(d.contract_ref),
        started_on: Set(d.started_on),
        ended_on: Set(d.ended_on),
        note: Set(d.note),
        unit_path: Set(owner.unit_path.clone()),
        current_unit_path: Set(owner.current_unit_path.clone()),
        created_by: Set(actor.name.clone()),
        created_at: Set(crate::now()),
        version: Set(1),
        ..Default::default()
    }
    .insert(&txn)
    .await?;
    audit::record(
        &txn,
        actor,
        "sales_channel",
        m.id,
        "create",
        None,
        Some(channel_json(&m)),
    )
    .await?;
    txn.commit().await?;
    Ok(m)
}

/// A channel the principal may see.
pub async fn get_channel<C: ConnectionTrait>(
    c: &C,
    p: &Principal,
    id: i64,
) -> Result<sales_channel::Model> {
    let m = sales_channel::Entity::find_by_id(id)
        .one(c)
        .await?
        .ok_or(StoreError::NotFound)?;
    producer_for(c, p, m.producer_id, Action::View).await?;
    Ok(m)
}

/// Changes a channel (including its end date) if it is still at `version`.
pub async fn update_channel<C: TransactionTrait>(
    db: &C,
    p: &Principal,
    actor: &Actor,
    id: i64,
    version: i32,
    product_id: Option<i64>,
    input: &ChannelInput,
) -> Result<sales_channel::Model> {
    let txn = crate::db::begin_write(db).await?;
    let before = sales_channel::Entity::find_by_id(id)
        .one(&txn)
        .await?
        .ok_or(StoreError::NotFound)?;
    producer_for(&txn, p, before.producer_id, Action::Edit).await?;
    check_product(&txn, before.producer_id, product_id).await?;
    let d = input.validate().map_err(invalid)?;
    let mut am = before.clone().into_active_model();
    am.product_id = Set(product_id);
    am.kind = Set(d.kind.as_str().into());
    am.partner = Set(d.partner);
    am.contract_ref = Set(d.contract_ref);
    am.started_on = Set(d.started_on);
    am.ended_on = Set(d.ended_on);
    am.note = Set(d.note);
    am.version = Set(version + 1);
    let res = sales_channel::Entity::update_many()
        .set(am)
        .filter(sales_channel::Column::Id.eq(id))
        .filter(sales_channel::Column::Version.eq(version))
        .exec(&txn)
        .await?;
    if res.rows_affected == 0 {
        return Err(StoreError::Conflict);
    }
    let after = sales_channel::Entity::find_by_id(id)
        .one(&txn)
        .await?
        .ok_or(StoreError::NotFound)?;
    audit::record(
        &txn,
        actor,
        "sales_channel",
        id,
        "update",
        Some(channel_json(&before)),
        Some(channel_json(&after)),
    )
    .await?;
    txn.commit().await?;
    Ok(after)
}

/// Ends a channel on `ended_on` (its last day of activity).
pub async fn end_channel<C: TransactionTrait + ConnectionTrait>(
    db: &C,
    p: &Principal,
    actor: &Actor,
    id: i64,
    version: i32,
    ended_on: NaiveDate,
) -> Result<sales_channel::Model> {
    let m = get_channel(db, p, id).await?;
    let input = ChannelInput {
        kind: m.kind.clone(),
        partner: m.partner.clone(),
        contract_ref: m.contract_ref.clone(),
        started_on: m.started_on,
        ended_on: Some(ended_on),
        note: m.note.clone(),
    };
    update_channel(db, p, actor, id, version, m.product_id, &input).await
}

/// Filters of the channel list.
#[derive(Debug, Clone, Default)]
pub struct ChannelFilter {
    pub producer_id: Option<i64>,
    pub product_id: Option<i64>,
    pub kind: Option<String>,
    pub page: u64,
    pub per_page: u64,
}

pub async fn list_channels<C: ConnectionTrait>(
    c: &C,
    scope: &Scope,
    f: &ChannelFilter,
) -> Result<Page<sales_channel::Model>> {
    use sales_channel::Column as S;
    let mut q = sales_channel::Entity::find().filter(scope_cond(
        scope,
        S::UnitPath,
        S::CurrentUnitPath,
        S::ProducerId,
    ));
    if let Some(id) = f.producer_id {
        q = q.filter(S::ProducerId.eq(id));
    }
    if let Some(id) = f.product_id {
        q = q.filter(S::ProductId.eq(id));
    }
    if let Some(k) = &f.kind {
        q = q.filter(S::Kind.eq(k.as_str()));
    }
    let q = q.order_by_desc(S::StartedOn).order_by_desc(S::Id);
    paginate(c, q, f.page, f.per_page).await
}

/// Producers (within scope) with at least one *modern* channel active on `day`,
/// by the domain's rules ([`channel_active_on`], [`ChannelKind::is_modern`]).
/// SQL narrows to channels started by then; the rule decides.
pub async fn producers_in_modern_channel_on<C: ConnectionTrait>(
    c: &C,
    scope: &Scope,
    day: NaiveDate,
) -> Result<Vec<i64>> {
    use sales_channel::Column as S;
    let rows = sales_channel::Entity::find()
        .filter(scope_cond(
            scope,
            S::UnitPath,
            S::CurrentUnitPath,
            S::ProducerId,
        ))
        .filter(S::StartedOn.lte(day))
        .all(c)
        .await?;
    let mut ids: Vec<i64> = rows
        .iter()
        .filter(|r| r.kind.parse::<ChannelKind>().is_ok_and(|k| k.is_modern()))
        .filter(|r| channel_active_on(r.started_on, r.ended_on, day))
        .map(|r| r.producer_id)
        .collect();
    ids.sort_unstable();
    ids.dedup();
    Ok(ids)
}

// ---------------------------------------------------------------------------
// Producers' coordinates
// ---------------------------------------------------------------------------

/// Sets (or clears) a producer's coordinates.
pub async fn set_producer_position<C: TransactionTrait>(
    db: &C,
    p: &Principal,
    actor: &Actor,
    producer_id: i64,
    lat: Option<f64>,
    lon: Option<f64>,
) -> Result<Option<(f64, f64)>> {
    let coords = ocop_domain::trade::check_coordinates(lat, lon).map_err(invalid)?;
    let txn = crate::db::begin_write(db).await?;
    producer_for(&txn, p, producer_id, Action::Edit).await?;
    let before = producer_position::Entity::find_by_id(producer_id)
        .one(&txn)
        .await?
        .ok_or(StoreError::NotFound)?;
    producer_position::Entity::update_many()
        .col_expr(
            producer_position::Column::Latitude,
            sea_orm::sea_query::Expr::value(coords.map(|c| c.0)),
        )
        .col_expr(
            producer_position::Column::Longitude,
            sea_orm::sea_query::Expr::value(coords.map(|c| c.1)),
        )
        .filter(producer_position::Column::Id.eq(producer_id))
        .exec(&txn)
        .await?;
    audit::record(
        &txn,
        actor,
        "producer",
        producer_id,
        "position",
        Some(json!({"latitude": before.latitude, "longitude": before.longitude})),
        Some(json!({"latitude": coords.map(|c| c.0), "longitude": coords.map(|c| c.1)})),
    )
    .await?;
    txn.commit().await?;
    Ok(coords)
}

pub async fn producer_position<C: ConnectionTrait>(c: &C, id: i64) -> Result<Option<(f64, f64)>> {
    Ok(producer_position::Entity::find_by_id(id)
        .one(c)
        .await?
        .and_then(|m| m.latitude.zip(m.longitude)))
}

// ---------------------------------------------------------------------------
// Points of sale
// ---------------------------------------------------------------------------

/// A point of sale with the products on sale there.
#[derive(Debug, Clone)]
pub struct PointOfSale {
    pub point: point_of_sale::Model,
    /// (product id, product name)
    pub products: Vec<(i64, String)>,
}

async fn resolve_unit<C: ConnectionTrait>(
    c: &C,
    code: &str,
) -> Result<ocop_domain::registry::ResolvedUnit> {
    for period in [Period::Post2025, Period::Pre2025] {
        if let Some(u) = crate::units::resolve(c, code.trim(), period).await? {
            return Ok(u);
        }
    }
    Err(StoreError::Invalid("unknown_unit".into()))
}

fn point_json(m: &point_of_sale::Model, products: &[i64]) -> serde_json::Value {
    json!({
        "name": m.name, "address": m.address, "operator": m.operator, "showroom": m.showroom,
        "opened_on": m.opened_on.map(|d| d.to_string()), "latitude": m.latitude,
        "longitude": m.longitude, "unit_code": m.unit_code, "products": products,
    })
}

async fn set_point_products<C: ConnectionTrait>(
    c: &C,
    p: &Principal,
    point_id: i64,
    products: &[i64],
) -> Result<Vec<i64>> {
    point_of_sale_product::Entity::delete_many()
        .filter(point_of_sale_product::Column::PointId.eq(point_id))
        .exec(c)
        .await?;
    let mut ids = products.to_vec();
    ids.sort_unstable();
    ids.dedup();
    for pid in &ids {
        let prod = product::Entity::find_by_id(*pid)
            .one(c)
            .await?
            .ok_or_else(|| invalid(TradeError::UnknownProduct))?;
        // A point of sale may sell products from anywhere, but the officer must be
        // able to see them (so ids cannot be probed).
        let loc = Location {
            producer_id: prod.producer_id,
            unit_path: &prod.unit_path,
            current_unit_path: &prod.current_unit_path,
        };
        if !p.can_see(&loc) {
            return Err(invalid(TradeError::UnknownProduct));
        }
        point_of_sale_product::ActiveModel {
            point_id: Set(point_id),
            product_id: Set(*pid),
            ..Default::default()
        }
        .insert(c)
        .await?;
    }
    Ok(ids)
}

/// Creates a point of sale or showroom in a unit within the officer's scope.
pub async fn create_point<C: TransactionTrait>(
    db: &C,
    p: &Principal,
    actor: &Actor,
    unit_code: &str,
    input: &PointOfSaleInput,
    products: &[i64],
) -> Result<PointOfSale> {
    if !is_officer(p) {
        return Err(StoreError::NotFound);
    }
    let d = input.validate().map_err(invalid)?;
    let txn = crate::db::begin_write(db).await?;
    let unit = resolve_unit(&txn, unit_code).await?;
    if !p.may_place_in(&unit.path, &unit.current_path) {
        return Err(StoreError::Invalid("unit_out_of_scope".into()));
    }
    let m = point_of_sale::ActiveModel {
        name_sort: Set(ocop_domain::text::vi_sort_key(&d.name)),
        name: Set(d.name),
        address: Set(d.address),
        operator: Set(d.operator),
        showroom: Set(d.showroom),
        opened_on: Set(d.opened_on),
        latitude: Set(d.coords.map(|c| c.0)),
        longitude: Set(d.coords.map(|c| c.1)),
        unit_code: Set(unit.code.clone()),
        unit_name: Set(unit.name.clone()),
        unit_path: Set(unit.path.clone()),
        current_unit_path: Set(unit.current_path.clone()),
        created_by: Set(actor.name.clone()),
        created_at: Set(crate::now()),
        version: Set(1),
        ..Default::default()
    }
    .insert(&txn)
    .await?;
    let ids = set_point_products(&txn, p, m.id, products).await?;
    audit::record(
        &txn,
        actor,
        "point_of_sale",
        m.id,
        "create",
        None,
        Some(point_json(&m, &ids)),
    )
    .await?;
    let out = with_products(&txn, m).await?;
    txn.commit().await?;
    Ok(out)
}

/// Changes a point of sale if it is still at `version`.
#[allow(clippy::too_many_arguments)]
pub async fn update_point<C: TransactionTrait>(
    db: &C,
    p: &Principal,
    actor: &Actor,
    id: i64,
    version: i32,
    unit_code: &str,
    input: &PointOfSaleInput,
    products: &[i64],
) -> Result<PointOfSale> {
    let d = input.validate().map_err(invalid)?;
    let txn = crate::db::begin_write(db).await?;
    let before = get_point_model(&txn, p, id).await?;
    if !is_officer(p) {
        return Err(StoreError::NotFound);
    }
    let unit = resolve_unit(&txn, unit_code).await?;
    if !p.may_place_in(&unit.path, &unit.current_path) {
        return Err(StoreError::Invalid("unit_out_of_scope".into()));
    }
    let mut am = before.clone().into_active_model();
    am.name_sort = Set(ocop_domain::text::vi_sort_key(&d.name));
    am.name = Set(d.name);
    am.address = Set(d.address);
    am.operator = Set(d.operator);
    am.showroom = Set(d.showroom);
    am.opened_on = Set(d.opened_on);
    am.latitude = Set(d.coords.map(|c| c.0));
    am.longitude = Set(d.coords.map(|c| c.1));
    am.unit_code = Set(unit.code.clone());
    am.unit_name = Set(unit.name.clone());
    am.unit_path = Set(unit.path.clone());
    am.current_unit_path = Set(unit.current_path.clone());
    am.version = Set(version + 1);
    let res = point_of_sale::Entity::update_many()
        .set(am)
        .filter(point_of_sale::Column::Id.eq(id))
        .filter(point_of_sale::Column::Version.eq(version))
        .exec(&txn)
        .await?;
    if res.rows_affected == 0 {
        return Err(StoreError::Conflict);
    }
    let old = with_products(&txn, before).await?;
    let ids = set_point_products(&txn, p, id, products).await?;
    let after = get_point_model(&txn, p, id).await?;
    let old_ids: Vec<i64> = old.products.iter().map(|x| x.0).collect();
    audit::record(
        &txn,
        actor,
        "point_of_sale",
        id,
        "update",
        Some(point_json(&old.point, &old_ids)),
        Some(point_json(&after, &ids)),
    )
    .await?;
    let out = with_products(&txn, after).await?;
    txn.commit().await?;
    Ok(out)
}

async fn get_point_model<C: ConnectionTrait>(
    c: &C,
    p: &Principal,
    id: i64,
) -> Result<point_of_sale::Model> {
    let m = point_of_sale::Entity::find_by_id(id)
        .one(c)
        .await?
        .ok_or(StoreError::NotFound)?;
    let visible = match &p.scope {
        Scope::All => true,
        Scope::Unit { path } => {
            m.unit_path.starts_with(path.as_str()) || m.current_unit_path.starts_with(path.as_str())
        }
        // Points of sale are public; producers may read them.
        Scope::Producer { .. } => true,
        Scope::Nothing => false,
    };
    if !visible {
        return Err(StoreError::NotFound);
    }
    Ok(m)
}

async fn with_products<C: ConnectionTrait>(c: &C, m: point_of_sale::Model) -> Result<PointOfSale> {
    let links = point_of_sale_product::Entity::find()
        .filter(point_of_sale_product::Column::PointId.eq(m.id))
        .all(c)
        .await?;
    let ids: Vec<i64> = links.iter().map(|l| l.product_id).collect();
    let mut products: Vec<(i64, String, String)> = product::Entity::find()
        .filter(product::Column::Id.is_in(ids))
        .all(c)
        .await?
        .into_iter()
        .map(|p| (p.id, p.name, p.name_sort))
        .collect();
    products.sort_by(|a, b| a.2.cmp(&b.2));
    Ok(PointOfSale {
        point: m,
        products: products.into_iter().map(|(i, n, _)| (i, n)).collect(),
    })
}

pub async fn get_point<C: ConnectionTrait>(c: &C, p: &Principal, id: i64) -> Result<PointOfSale> {
    let m = get_point_model(c, p, id).await?;
    with_products(c, m).await
}

/// Points of sale in scope (producers see all: they are public), by name.
pub async fn list_points<C: ConnectionTrait>(
    c: &C,
    scope: &Scope,
    page: u64,
    per_page: u64,
) -> Result<Page<PointOfSale>> {
    use point_of_sale::Column as PS;
    let scope = match scope {
        Scope::Producer { .. } => &Scope::All,
        s => s,
    };
    let q = point_of_sale::Entity::find()
        .filter(scope_cond(scope, PS::UnitPath, PS::CurrentUnitPath, PS::Id))
        .order_by_asc(PS::NameSort)
        .order_by_asc(PS::Id);
    let pg = paginate(c, q, page, per_page).await?;
    let mut items = Vec::with_capacity(pg.items.len());
    for m in pg.items {
        items.push(with_products(c, m).await?);
    }
    Ok(Page {
        items,
        total: pg.total,
        page: pg.page,
        per_page: pg.per_page,
    })
}

/// Every point of sale for the public map, nearest first when a position is given
/// (distance in km by the domain's haversine rule).
pub async fn public_points<C: ConnectionTrait>(
    c: &C,
    from: Option<(f64, f64)>,
) -> Result<Vec<(PointOfSale, Option<f64>)>> {
    let all = list_points(c, &Scope::All, 1, 200).await?.items;
    Ok(match from {
        None => all.into_iter().map(|p| (p, None)).collect(),
        Some((lat, lon)) => {
            let coords: Vec<_> = all
                .iter()
                .map(|p| p.point.latitude.zip(p.point.longitude))
                .collect();
            let order = ocop_domain::trade::nearest(&coords, lat, lon);
            let mut slots: Vec<Option<PointOfSale>> = all.into_iter().map(Some).collect();
            order
                .into_iter()
                .filter_map(|(i, km)| slots[i].take().map(|p| (p, km)))
                .collect()
        }
    })
}

// ---------------------------------------------------------------------------
// Fairs and exhibitions
// ---------------------------------------------------------------------------

/// A fair with its participants: (producer id, producer name, product id, product name).
#[derive(Debug, Clone)]
pub struct Fair {
    pub fair: fair::Model,
    pub participants: Vec<Participant>,
}

#[derive(Debug, Clone)]
pub struct Participant {
    pub producer_id: i64,
    pub producer: String,
    pub product_id: Option<i64>,
    pub product: Option<String>,
}

fn fair_json(m: &fair::Model, parts: &[(i64, Option<i64>)]) -> serde_json::Value {
    json!({
        "name": m.name, "place": m.place, "starts_on": m.starts_on.to_string(),
        "ends_on": m.ends_on.to_string(), "in_province": m.in_province,
        "sales_vnd": m.sales_vnd, "contracts_signed": m.contracts_signed,
        "participants": parts,
    })
}

/// Creates a fair organised (or attended) by a unit in the officer's scope, with
/// its participating producers (each visible to the officer) and products (each of
/// its producer).
pub async fn create_fair<C: TransactionTrait>(
    db: &C,
    p: &Principal,
    actor: &Actor,
    unit_code: &str,
    input: &FairInput,
    participants: &[(i64, Option<i64>)],
) -> Result<Fair> {
    if !is_officer(p) {
        return Err(StoreError::NotFound);
    }
    let d = input.validate().map_err(invalid)?;
    let txn = crate::db::begin_write(db).await?;
    let unit = resolve_unit(&txn, unit_code).await?;
    if !p.may_place_in(&unit.path, &unit.current_path) {
        return Err(StoreError::Invalid("unit_out_of_scope".into()));
    }
    let m = fair::ActiveModel {
        name: Set(d.name),
        place: Set(d.place),
        starts_on: Set(d.starts_on),
        ends_on: Set(d.ends_on),
        in_province: Set(d.in_province),
        sales_vnd: Set(d.sales_vnd),
        contracts_signed: Set(d.contracts_signed),
        unit_path: Set(unit.path.clone()),
        current_unit_path: Set(unit.current_path.clone()),
        created_by: Set(actor.name.clone()),
        created_at: Set(crate::now()),
        version: Set(1),
        ..Default::default()
    }
    .insert(&txn)
    .await?;
    for (producer_id, product_id) in participants {
        producer_for(&txn, p, *producer_id, Action::View)
            .await
            .map_err(|_| invalid(TradeError::UnknownProducer))?;
        check_product(&txn, *producer_id, *product_id).await?;
        fair_participant::ActiveModel {
            fair_id: Set(m.id),
            producer_id: Set(*producer_id),
            product_id: Set(*product_id),
            ..Default::default()
        }
        .insert(&txn)
        .await?;
    }
    audit::record(
        &txn,
        actor,
        "fair",
        m.id,
        "create",
        None,
        Some(fair_json(&m, participants)),
    )
    .await?;
    let out = fair_with_participants(&txn, m).await?;
    txn.commit().await?;
    Ok(out)
}

async fn fair_with_participants<C: ConnectionTrait>(c: &C, m: fair::Model) -> Result<Fair> {
    let rows = fair_participant::Entity::find()
        .filter(fair_participant::Column::FairId.eq(m.id))
        .order_by_asc(fair_participant::Column::Id)
        .all(c)
        .await?;
    let mut participants = Vec::with_capacity(rows.len());
    for r in rows {
        let producer = producer::Entity::find_by_id(r.producer_id)
            .one(c)
            .await?
            .map(|p| p.name)
            .unwrap_or_default();
        let product = match r.product_id {
            Some(id) => product::Entity::find_by_id(id)
                .one(c)
                .await?
                .map(|p| p.name),
            None => None,
        };
        participants.push(Participant {
            producer_id: r.producer_id,
            producer,
            product_id: r.product_id,
            product,
        });
    }
    Ok(Fair {
        fair: m,
        participants,
    })
}

pub async fn get_fair<C: ConnectionTrait>(c: &C, p: &Principal, id: i64) -> Result<Fair> {
    let m = fair::Entity::find_by_id(id)
        .one(c)
        .await?
        .ok_or(StoreError::NotFound)?;
    let visible = match &p.scope {
        Scope::All => true,
        Scope::Unit { path } => {
            m.unit_path.starts_with(path.as_str()) || m.current_unit_path.starts_with(path.as_str())
        }
        Scope::Producer { producer_id } => fair_participant::Entity::find()
            .filter(fair_participant::Column::FairId.eq(id))
            .filter(fair_participant::Column::ProducerId.eq(*producer_id))
            .one(c)
            .await?
            .is_some(),
        Scope::Nothing => false,
    };
    if !visible {
        return Err(StoreError::NotFound);
    }
    fair_with_participants(c, m).await
}

/// Fairs in scope (a producer: those it took part in), newest first.
pub async fn list_fairs<C: ConnectionTrait>(
    c: &C,
    scope: &Scope,
    page: u64,
    per_page: u64,
) -> Result<Page<Fair>> {
    use fair::Column as F;
    let mut q = fair::Entity::find();
    q = match scope {
        Scope::Producer { producer_id } => {
            let ids: Vec<i64> = fair_participant::Entity::find()
                .filter(fair_participant::Column::ProducerId.eq(*producer_id))
                .all(c)
                .await?
                .into_iter()
                .map(|r| r.fair_id)
                .collect();
            q.filter(F::Id.is_in(ids))
        }
        s => q.filter(scope_cond(s, F::UnitPath, F::CurrentUnitPath, F::Id)),
    };
    let q = q.order_by_desc(F::StartsOn).order_by_desc(F::Id);
    let pg = paginate(c, q, page, per_page).await?;
    let mut items = Vec::with_capacity(pg.items.len());
    for m in pg.items {
        items.push(fair_with_participants(c, m).await?);
    }
    Ok(Page {
        items,
        total: pg.total,
        page: pg.page,
        per_page: pg.per_page,
    })
}

// ---------------------------------------------------------------------------
// Economic organisations
// ---------------------------------------------------------------------------

/// Marks a producer newly established or consolidated in a year (officers only).
/// The same producer, year and kind twice is `Duplicate("milestone")`.
pub async fn record_milestone<C: TransactionTrait>(
    db: &C,
    p: &Principal,
    actor: &Actor,
    producer_id: i64,
    input: &MilestoneInput,
) -> Result<organisation_milestone::Model> {
    let txn = crate::db::begin_write(db).await?;
    let owner = producer_for(&txn, p, producer_id, Action::Edit).await?;
    if !is_officer(p) {
        return Err(StoreError::NotFound);
    }
    let d = input
        .validate(ocop_domain::format::today_vn())
        .map_err(invalid)?;
    let m = organisation_milestone::ActiveModel {
        producer_id: Set(producer_id),
        year: Set(d.year),
        kind: Set(d.kind.as_str().into()),
        legal_form: Set(d.legal_form.as_str().into()),
        occurred_on: Set(d.occurred_on),
        note: Set(d.note),
        unit_path: Set(owner.unit_path.clone()),
        current_unit_path: Set(owner.current_unit_path.clone()),
        recorded_by: Set(actor.name.clone()),
        created_at: Set(crate::now()),
        ..Default::default()
    }
    .insert(&txn)
    .await
    .map_err(StoreError::unique_as("milestone"))?;
    audit::record(
        &txn,
        actor,
        "organisation_milestone",
        m.id,
        "create",
        None,
        Some(
            json!({"producer_id": producer_id, "year": m.year, "kind": m.kind,
            "legal_form": m.legal_form, "occurred_on": m.occurred_on.to_string(), "note": m.note}),
        ),
    )
    .await?;
    txn.commit().await?;
    Ok(m)
}

/// Milestones in scope for a year (all years when None), with the producer's name.
pub async fn list_milestones<C: ConnectionTrait>(
    c: &C,
    scope: &Scope,
    year: Option<i32>,
    page: u64,
    per_page: u64,
) -> Result<Page<(organisation_milestone::Model, String)>> {
    use organisation_milestone::Column as O;
    let mut q = organisation_milestone::Entity::find().filter(scope_cond(
        scope,
        O::UnitPath,
        O::CurrentUnitPath,
        O::ProducerId,
    ));
    if let Some(y) = year {
        q = q.filter(O::Year.eq(y));
    }
    let q = q
        .order_by_desc(O::Year)
        .order_by_asc(O::OccurredOn)
        .order_by_asc(O::Id);
    let pg = paginate(c, q, page, per_page).await?;
    let mut items = Vec::with_capacity(pg.items.len());
    for m in pg.items {
        let name = producer::Entity::find_by_id(m.producer_id)
            .one(c)
            .await?
            .map(|p| p.name)
            .unwrap_or_default();
        items.push((m, name));
    }
    Ok(Page {
        items,
        total: pg.total,
        page: pg.page,
        per_page: pg.per_page,
    })
}
