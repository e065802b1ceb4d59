//! Revenue and output per product, period and channel (issue 12, item 3): entry by
//! producers and officers, .xlsx import (checked row by row, all or nothing unless
//! the caller asks for the valid rows only), and year-on-year growth computed with
//! the one yearly-revenue rule ([`ocop_domain::operations::yearly_revenue`]).

use crate::audit::{self, Actor};
use crate::entities::{producer, product, revenue_record};
use crate::error::{Result, StoreError};
use crate::registry::{paginate, scope_cond, Page};
use crate::trade::invalid;
use ocop_domain::operations::{growth_percent, yearly_revenue, RevenueFigure};
use ocop_domain::roles::{Action, Location, Principal, Role, Scope};
use ocop_domain::trade::{RevenueData, RevenueInput, TradeError};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, IntoActiveModel, QueryFilter,
    QueryOrder, Set, TransactionSession, TransactionTrait,
};
use serde_json::json;
use std::collections::BTreeMap;

/// Where a figure came from (stored in `source`).
pub fn source_of(p: &Principal, imported: bool) -> &'static str {
    if imported {
        "import"
    } else if p.role == Role::Producer {
        "producer"
    } else {
        "officer"
    }
}

fn record_json(m: &revenue_record::Model) -> serde_json::Value {
    json!({
        "product_id": m.product_id, "year": m.year, "quarter": m.quarter, "channel": m.channel,
        "revenue_vnd": m.revenue_vnd, "output_milli": m.output_milli, "output_unit": m.output_unit,
        "source": m.source,
    })
}

/// The product a figure is for, checked against the caller: a producer entering a
/// product of another producer is refused in words (not a silent 404), an officer
/// outside the product's scope gets NotFound. `expected_producer`, when given (an
/// import row or an API body naming the producer), must own the product.
async fn product_for<C: ConnectionTrait>(
    c: &C,
    p: &Principal,
    product_id: i64,
    expected_producer: Option<i64>,
) -> Result<(product::Model, producer::Model)> {
    let prod = product::Entity::find_by_id(product_id)
        .one(c)
        .await?
        .ok_or(StoreError::NotFound)?;
    let own = match p.scope {
        Scope::Producer { producer_id } => Some(producer_id),
        _ => None,
    };
    if let Some(e) = expected_producer.or(own) {
        if e != prod.producer_id {
            return Err(invalid(TradeError::ProductOfOtherProducer));
        }
    }
    let loc = Location {
        producer_id: prod.producer_id,
        unit_path: &prod.unit_path,
        current_unit_path: &prod.current_unit_path,
    };
    if !p.may(Action::Edit, &loc) {
        return Err(StoreError::NotFound);
    }
    let owner = producer::Entity::find_by_id(prod.producer_id)
        .one(c)
        .await?
        .ok_or(StoreError::NotFound)?;
    Ok((prod, owner))
}

/// Writes one checked figure inside `c` (insert, or replace the figure of the same
/// product, year, quarter and channel).
async fn put<C: ConnectionTrait>(
    c: &C,
    actor: &Actor,
    source: &str,
    prod: &product::Model,
    d: &RevenueData,
) -> Result<revenue_record::Model> {
    use revenue_record::Column as R;
    let channel = d.channel.map(|k| k.as_str().to_string());
    let mut q = revenue_record::Entity::find()
        .filter(R::ProductId.eq(prod.id))
        .filter(R::Year.eq(d.year));
    q = match d.quarter {
        Some(v) => q.filter(R::Quarter.eq(v)),
        None => q.filter(R::Quarter.is_null()),
    };
    q = match &channel {
        Some(v) => q.filter(R::Channel.eq(v.as_str())),
        None => q.filter(R::Channel.is_null()),
    };
    let now = crate::now();
    let (m, before, action) = match q.one(c).await? {
        Some(old) => {
            let mut am = old.clone().into_active_model();
            am.revenue_vnd = Set(d.revenue_vnd);
            am.output_milli = Set(d.output_milli);
            am.output_unit = Set(d.output_unit.clone());
            am.source = Set(source.into());
            am.entered_by = Set(actor.name.clone());
            am.updated_at = Set(now);
            am.version = Set(old.version + 1);
            (am.update(c).await?, Some(record_json(&old)), "update")
        }
        None => {
            let m = revenue_record::ActiveModel {
                producer_id: Set(prod.producer_id),
                product_id: Set(prod.id),
                year: Set(d.year),
                quarter: Set(d.quarter),
                channel: Set(channel),
                revenue_vnd: Set(d.revenue_vnd),
                output_milli: Set(d.output_milli),
                output_unit: Set(d.output_unit.clone()),
                source: Set(source.into()),
                unit_path: Set(prod.unit_path.clone()),
                current_unit_path: Set(prod.current_unit_path.clone()),
                entered_by: Set(actor.name.clone()),
                created_at: Set(now),
                updated_at: Set(now),
                version: Set(1),
                ..Default::default()
            }
            .insert(c)
            .await
            .map_err(StoreError::unique_as("revenue_period"))?;
            (m, None, "create")
        }
    };
    audit::record(
        c,
        actor,
        "revenue_record",
        m.id,
        action,
        before,
        Some(record_json(&m)),
    )
    .await?;
    Ok(m)
}

/// Enters (or corrects) one revenue figure of a product.
pub async fn save_revenue<C: TransactionTrait>(
    db: &C,
    p: &Principal,
    actor: &Actor,
    product_id: i64,
    expected_producer: Option<i64>,
    input: &RevenueInput,
) -> Result<revenue_record::Model> {
    let txn = crate::db::begin_write(db).await?;
    let (prod, owner) = product_for(&txn, p, product_id, expected_producer).await?;
    let d = input
        .validate(ocop_domain::format::today_vn(), owner.year_founded)
        .map_err(invalid)?;
    let m = put(&txn, actor, source_of(p, false), &prod, &d).await?;
    txn.commit().await?;
    Ok(m)
}

/// A figure the principal may see.
pub async fn get_revenue<C: ConnectionTrait>(
    c: &C,
    p: &Principal,
    id: i64,
) -> Result<revenue_record::Model> {
    let m = revenue_record::Entity::find_by_id(id)
        .one(c)
        .await?
        .ok_or(StoreError::NotFound)?;
    let loc = Location {
        producer_id: m.producer_id,
        unit_path: &m.unit_path,
        current_unit_path: &m.current_unit_path,
    };
    if !p.can_see(&loc) {
        return Err(StoreError::NotFound);
    }
    Ok(m)
}

/// Filters of the revenue list.
#[derive(Debug, Clone, Default)]
pub struct RevenueFilter {
    pub year: Option<i32>,
    pub product_id: Option<i64>,
    pub producer_id: Option<i64>,
    pub page: u64,
    pub per_page: u64,
}

/// A figure with the names a list shows.
#[derive(Debug, Clone)]
pub struct RevenueRow {
    pub record: revenue_record::Model,
    pub product: String,
    pub product_code: String,
    pub producer: String,
}

pub async fn list_revenue<C: ConnectionTrait>(
    c: &C,
    scope: &Scope,
    f: &RevenueFilter,
) -> Result<Page<RevenueRow>> {
    use revenue_record::Column as R;
    let mut q = revenue_record::Entity::find().filter(scope_cond(
        scope,
        R::UnitPath,
        R::CurrentUnitPath,
        R::ProducerId,
    ));
    if let Some(y) = f.year {
        q = q.filter(R::Year.eq(y));
    }
    if let Some(id) = f.product_id {
        q = q.filter(R::ProductId.eq(id));
    }
    if let Some(id) = f.producer_id {
        q = q.filter(R::ProducerId.eq(id));
    }
    let q = q
        .order_by_desc(R::Year)
        .order_by_asc(R::ProductId)
        .order_by_asc(R::Quarter)
        .order_by_asc(R::Channel)
        .order_by_asc(R::Id);
    let pg = paginate(c, q, f.page, f.per_page).await?;
    let names = names_of(c, pg.items.iter().map(|r| r.product_id).collect()).await?;
    let items = pg
        .items
        .into_iter()
        .map(|record| {
            let (product, product_code, producer) =
                names.get(&record.product_id).cloned().unwrap_or_default();
            RevenueRow {
                record,
                product,
                product_code,
                producer,
            }
        })
        .collect();
    Ok(Page {
        items,
        total: pg.total,
        page: pg.page,
        per_page: pg.per_page,
    })
}

/// product id → (product name, product code, producer name)
async fn names_of<C: ConnectionTrait>(
    c: &C,
    mut ids: Vec<i64>,
) -> Result<BTreeMap<i64, (String, String, String)>> {
    ids.sort_unstable();
    ids.dedup();
    let prods = product::Entity::find()
        .filter(product::Column::Id.is_in(ids))
        .all(c)
        .await?;
    let mut owners: Vec<i64> = prods.iter().map(|p| p.producer_id).collect();
    owners.sort_unstable();
    owners.dedup();
    let owners: BTreeMap<i64, String> = producer::Entity::find()
        .filter(producer::Column::Id.is_in(owners))
        .all(c)
        .await?
        .into_iter()
        .map(|p| (p.id, p.name))
        .collect();
    Ok(prods
        .into_iter()
        .map(|p| {
            let owner = owners.get(&p.producer_id).cloned().unwrap_or_default();
            (p.id, (p.name, p.product_code, owner))
        })
        .collect())
}

/// How growth is grouped.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum GroupBy {
    Product,
    Producer,
    Unit,
    Set,
    Channel,
}

impl GroupBy {
    pub fn parse(s: &str) -> Option<GroupBy> {
        Some(match s {
            "product" => GroupBy::Product,
            "producer" => GroupBy::Producer,
            "unit" => GroupBy::Unit,
            "set" => GroupBy::Set,
            "channel" => GroupBy::Channel,
            _ => return None,
        })
    }
    pub fn as_str(self) -> &'static str {
        match self {
            GroupBy::Product => "product",
            GroupBy::Producer => "producer",
            GroupBy::Unit => "unit",
            GroupBy::Set => "set",
            GroupBy::Channel => "channel",
        }
    }
}

/// One line of the growth table.
#[derive(Debug, Clone, PartialEq)]
pub struct GrowthRow {
    pub key: String,
    pub label: String,
    pub previous_vnd: i64,
    pub current_vnd: i64,
    pub growth_percent: Option<f64>,
}

/// Revenue of `year` against `year - 1`, grouped, within scope. Each product's
/// yearly figure comes from [`yearly_revenue`]; by channel, from that product's
/// figures of the channel alone (figures without a channel are not split).
pub async fn growth<C: ConnectionTrait>(
    c: &C,
    scope: &Scope,
    year: i32,
    by: GroupBy,
) -> Result<Vec<GrowthRow>> {
    use revenue_record::Column as R;
    let recs = revenue_record::Entity::find()
        .filter(scope_cond(
            scope,
            R::UnitPath,
            R::CurrentUnitPath,
            R::ProducerId,
        ))
        .filter(R::Year.is_in([year - 1, year]))
        .all(c)
        .await?;
    let mut by_product: BTreeMap<i64, Vec<&revenue_record::Model>> = BTreeMap::new();
    for r in &recs {
        by_product.entry(r.product_id).or_default().push(r);
    }
    let prods: BTreeMap<i64, product::Model> = product::Entity::find()
        .filter(product::Column::Id.is_in(by_product.keys().copied().collect::<Vec<_>>()))
        .all(c)
        .await?
        .into_iter()
        .map(|p| (p.id, p))
        .collect();
    let mut owners: BTreeMap<i64, String> = BTreeMap::new();
    if by == GroupBy::Producer {
        owners = producer::Entity::find()
            .filter(
                producer::Column::Id
                    .is_in(prods.values().map(|p| p.producer_id).collect::<Vec<_>>()),
            )
            .all(c)
            .await?
            .into_iter()
            .map(|p| (p.id, p.name))
            .collect();
    }
    let mut units: BTreeMap<String, String> = BTreeMap::new();
    // (key) → (label, previous, current)
    let mut acc: BTreeMap<String, (String, i64, i64)> = BTreeMap::new();
    for (pid, rows) in &by_product {
        let Some(prod) = prods.get(pid) else { continue };
        let figures: Vec<RevenueFigure<'_>> = rows
            .iter()
            .map(|r| RevenueFigure {
                year: r.year,
                quarter: r.quarter,
                channel: r.channel.as_deref(),
                revenue_vnd: r.revenue_vnd,
            })
            .collect();
        let mut add = |key: String, label: String, figs: &[RevenueFigure<'_>]| {
            let prev = yearly_revenue(figs, year - 1).unwrap_or(0);
            let cur = yearly_revenue(figs, year).unwrap_or(0);
            let e = acc.entry(key).or_insert((label, 0, 0));
            e.1 += prev;
            e.2 += cur;
        };
        match by {
            GroupBy::Product => add(prod.id.to_string(), prod.name.clone(), &figures),
            GroupBy::Producer => add(
                prod.producer_id.to_string(),
                owners.get(&prod.producer_id).cloned().unwrap_or_default(),
                &figures,
            ),
            GroupBy::Set => add(prod.set_code.clone(), prod.set_code.clone(), &figures),
            GroupBy::Unit => {
                let path = prod.current_unit_path.clone();
                if !units.contains_key(&path) {
                    let name = crate::units::find_by_path(c, &path)
                        .await?
                        .map(|u| u.name)
                        .unwrap_or_else(|| path.clone());
                    units.insert(path.clone(), name);
                }
                let label = units.get(&path).cloned().unwrap_or_default();
                add(path, label, &figures);
            }
            GroupBy::Channel => {
                let mut kinds: Vec<&str> = figures.iter().filter_map(|f| f.channel).collect();
                kinds.sort_unstable();
                kinds.dedup();
                for k in kinds {
                    let of_kind: Vec<RevenueFigure<'_>> = figures
                        .iter()
                        .filter(|f| f.channel == Some(k))
                        .copied()
                        .collect();
                    let label = k
                        .parse::<ocop_domain::operations::ChannelKind>()
                        .map(|c| c.label(ocop_domain::registry::Lang::Vi).to_string())
                        .unwrap_or_else(|_| k.to_string());
                    add(k.to_string(), label, &of_kind);
                }
            }
        }
    }
    let mut out: Vec<GrowthRow> = acc
        .into_iter()
        .map(|(key, (label, prev, cur))| GrowthRow {
            key,
            label,
            previous_vnd: prev,
            current_vnd: cur,
            growth_percent: growth_percent(prev, cur),
        })
        .collect();
    out.sort_by(|a, b| {
        ocop_domain::text::vi_sort_key(&a.label).cmp(&ocop_domain::text::vi_sort_key(&b.label))
    });
    Ok(out)
}

// ---------------------------------------------------------------------------
// Import
// ---------------------------------------------------------------------------

/// One row of an import, as read from the sheet.
#[derive(Debug, Clone, Default)]
pub struct ImportRow {
    /// The row number in the sheet (header = 1).
    pub number: usize,
    pub product_code: String,
    pub input: RevenueInput,
    /// Errors of the sheet reader (formulas, text in number columns…).
    pub errors: Vec<String>,
}

/// A row after checking: its product and its errors (Vietnamese), if any.
#[derive(Debug, Clone)]
pub struct CheckedRow {
    pub number: usize,
    pub product_code: String,
    pub product: Option<String>,
    pub input: RevenueInput,
    pub errors: Vec<String>,
}

/// The outcome of an import.
#[derive(Debug, Clone)]
pub struct ImportOutcome {
    pub rows: Vec<CheckedRow>,
    /// Figures written (0 when the file had errors and only valid rows were not asked for).
    pub saved: usize,
}

fn msg(e: &StoreError) -> String {
    match e {
        StoreError::NotFound => "Không tìm thấy sản phẩm (hoặc ngoài phạm vi quản lý).".into(),
        StoreError::Invalid(code) => TradeError::from_code(code)
            .map(|t| t.message(ocop_domain::registry::Lang::Vi).to_string())
            .unwrap_or_else(|| "Dữ liệu không hợp lệ.".into()),
        _ => "Không ghi được dòng này.".into(),
    }
}

/// Checks every row and, when `commit` is set, writes in one transaction: every
/// row when all are valid; only the valid rows when `valid_only`; nothing otherwise.
/// Without `commit` it is the preview, and writes nothing.
pub async fn import<C: TransactionTrait>(
    db: &C,
    p: &Principal,
    actor: &Actor,
    rows: &[ImportRow],
    commit: bool,
    valid_only: bool,
) -> Result<ImportOutcome> {
    let txn = crate::db::begin_write(db).await?;
    let today = ocop_domain::format::today_vn();
    let mut checked = Vec::with_capacity(rows.len());
    let mut ok: Vec<(product::Model, RevenueData)> = Vec::new();
    let mut seen: BTreeMap<(i64, i32, i32, String), usize> = BTreeMap::new();
    for r in rows {
        let mut errors = r.errors.clone();
        let mut name = None;
        if errors.is_empty() {
            let prod = product::Entity::find()
                .filter(product::Column::ProductCode.eq(r.product_code.trim()))
                .one(&txn)
                .await?;
            match prod {
                None => errors.push(format!("Không có sản phẩm mã «{}».", r.product_code)),
                Some(prod) => match product_for(&txn, p, prod.id, None).await {
                    Err(e) => errors.push(msg(&e)),
                    Ok((prod, owner)) => {
                        name = Some(prod.name.clone());
                        match r.input.validate(today, owner.year_founded) {
                            Err(e) => {
                                errors.push(e.message(ocop_domain::registry::Lang::Vi).into())
                            }
                            Ok(d) => {
                                let key = (
                                    prod.id,
                                    d.year,
                                    d.quarter.unwrap_or(0),
                                    d.channel
                                        .map(|c| c.as_str().to_string())
                                        .unwrap_or_default(),
                                );
                                if let Some(first) = seen.insert(key, r.number) {
                                    errors.push(format!(
                                        "Trùng với dòng {first} (cùng sản phẩm, năm, quý và kênh)."
                                    ));
                                } else {
                                    ok.push((prod, d));
                                }
                            }
                        }
                    }
                },
            }
        }
        checked.push(CheckedRow {
            number: r.number,
            product_code: r.product_code.clone(),
            product: name,
            input: r.input.clone(),
            errors,
        });
    }
    let has_errors = checked.iter().any(|r| !r.errors.is_empty());
    let mut saved = 0;
    if commit && (!has_errors || valid_only) {
        for (prod, d) in &ok {
            put(&txn, actor, source_of(p, true), prod, d).await?;
            saved += 1;
        }
        txn.commit().await?;
    } else {
        txn.rollback().await?;
    }
    Ok(ImportOutcome {
        rows: checked,
        saved,
    })
}
