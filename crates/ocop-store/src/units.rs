//! Administrative units in the database: loading, lookup by code and period,
//! children, and the old → new mapping.

use crate::entities::{admin_unit, unit_mapping};
use crate::error::Result;
use ocop_domain::registry::ResolvedUnit;
use ocop_domain::text::{fold, vi_sort_key};
use ocop_domain::units::{Period, Unit, UnitLevel, UnitMapping, UnitSet};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, PaginatorTrait, QueryFilter,
    QueryOrder, Set, TransactionSession, TransactionTrait,
};
use std::collections::HashSet;

/// Counts of what a load added.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct LoadReport {
    pub units_added: usize,
    pub mappings_added: usize,
}

/// Loads units and mappings, skipping those already present (idempotent).
pub async fn load<C: TransactionTrait>(db: &C, set: &UnitSet) -> Result<LoadReport> {
    let txn = crate::db::begin_write(db).await?;
    let existing: HashSet<(String, String)> = admin_unit::Entity::find()
        .all(&txn)
        .await?
        .into_iter()
        .map(|u| (u.code, u.period))
        .collect();
    let mut report = LoadReport::default();
    let mut batch = Vec::new();
    for u in &set.units {
        if existing.contains(&(u.code.clone(), u.period.as_str().to_string())) {
            continue;
        }
        batch.push(admin_unit::ActiveModel {
            code: Set(u.code.clone()),
            period: Set(u.period.as_str().to_string()),
            name: Set(u.name.clone()),
            name_fold: Set(fold(&format!("{} {}", u.name, u.aliases.join(" ")))),
            name_sort: Set(vi_sort_key(&u.name)),
            level: Set(u.level.as_str().to_string()),
            parent_code: Set(u.parent_code.clone()),
            province_code: Set(u.province_code.clone()),
            path: Set(u.path.clone()),
            aliases: Set(u.aliases.join("|")),
            ..Default::default()
        });
        report.units_added += 1;
    }
    for chunk in batch.chunks(500) {
        admin_unit::Entity::insert_many(chunk.to_vec())
            .exec(&txn)
            .await?;
    }
    let existing_maps: HashSet<String> = unit_mapping::Entity::find()
        .all(&txn)
        .await?
        .into_iter()
        .map(|m| m.old_code)
        .collect();
    for m in &set.mappings {
        if existing_maps.contains(&m.old_code) {
            continue;
        }
        unit_mapping::ActiveModel {
            old_code: Set(m.old_code.clone()),
            new_code: Set(m.new_code.clone()),
            note: Set(m.note.clone()),
            ..Default::default()
        }
        .insert(&txn)
        .await?;
        report.mappings_added += 1;
    }
    txn.commit().await?;
    Ok(report)
}

/// Converts a stored row back to the domain type.
pub fn to_domain(m: &admin_unit::Model) -> Option<Unit> {
    Some(Unit {
        code: m.code.clone(),
        period: m.period.parse().ok()?,
        name: m.name.clone(),
        level: m.level.parse().ok()?,
        parent_code: m.parent_code.clone(),
        province_code: m.province_code.clone(),
        path: m.path.clone(),
        aliases: m
            .aliases
            .split('|')
            .filter(|s| !s.is_empty())
            .map(String::from)
            .collect(),
    })
}

pub async fn find<C: ConnectionTrait>(
    c: &C,
    code: &str,
    period: Period,
) -> Result<Option<admin_unit::Model>> {
    Ok(admin_unit::Entity::find()
        .filter(admin_unit::Column::Code.eq(code))
        .filter(admin_unit::Column::Period.eq(period.as_str()))
        .one(c)
        .await?)
}

pub async fn children<C: ConnectionTrait>(
    c: &C,
    parent: &str,
    period: Period,
) -> Result<Vec<admin_unit::Model>> {
    Ok(admin_unit::Entity::find()
        .filter(admin_unit::Column::ParentCode.eq(parent))
        .filter(admin_unit::Column::Period.eq(period.as_str()))
        .order_by_asc(admin_unit::Column::NameSort)
        .all(c)
        .await?)
}

/// Commune-level units under a path in one period, sorted by Vietnamese name.
pub async fn communes_under<C: ConnectionTrait>(
    c: &C,
    path: &str,
    period: Period,
) -> Result<Vec<admin_unit::Model>> {
    let levels: Vec<&str> = [
        UnitLevel::Commune,
        UnitLevel::Ward,
        UnitLevel::Town,
        UnitLevel::SpecialZone,
    ]
    .iter()
    .map(|l| l.as_str())
    .collect();
    Ok(admin_unit::Entity::find()
        .filter(admin_unit::Column::Path.starts_with(path))
        .filter(admin_unit::Column::Period.eq(period.as_str()))
        .filter(admin_unit::Column::Level.is_in(levels))
        .order_by_asc(admin_unit::Column::NameSort)
        .all(c)
        .await?)
}

pub async fn count<C: ConnectionTrait>(c: &C) -> Result<u64> {
    Ok(admin_unit::Entity::find().count(c).await?)
}

pub async fn mapping_of<C: ConnectionTrait>(
    c: &C,
    old_code: &str,
) -> Result<Option<unit_mapping::Model>> {
    Ok(unit_mapping::Entity::find()
        .filter(unit_mapping::Column::OldCode.eq(old_code))
        .one(c)
        .await?)
}

/// The old units merged into a new one.
pub async fn predecessors<C: ConnectionTrait>(
    c: &C,
    new_code: &str,
) -> Result<Vec<admin_unit::Model>> {
    let olds: Vec<String> = unit_mapping::Entity::find()
        .filter(unit_mapping::Column::NewCode.eq(new_code))
        .all(c)
        .await?
        .into_iter()
        .map(|m| m.old_code)
        .collect();
    Ok(admin_unit::Entity::find()
        .filter(admin_unit::Column::Code.is_in(olds))
        .filter(admin_unit::Column::Period.eq(Period::Pre2025.as_str()))
        .order_by_asc(admin_unit::Column::NameSort)
        .all(c)
        .await?)
}

/// All mappings, for the API.
pub async fn mappings<C: ConnectionTrait>(c: &C) -> Result<Vec<UnitMapping>> {
    Ok(unit_mapping::Entity::find()
        .order_by_asc(unit_mapping::Column::OldCode)
        .all(c)
        .await?
        .into_iter()
        .map(|m| UnitMapping {
            old_code: m.old_code,
            new_code: m.new_code,
            note: m.note,
        })
        .collect())
}

/// Resolves a unit for a registry record: its path in its period and the path of
/// the post-reform unit it maps to.
pub async fn resolve<C: ConnectionTrait>(
    c: &C,
    code: &str,
    period: Period,
) -> Result<Option<ResolvedUnit>> {
    let Some(u) = find(c, code, period).await? else {
        return Ok(None);
    };
    let level: UnitLevel = u.level.parse().unwrap_or(UnitLevel::Commune);
    let current_path = match period {
        Period::Post2025 => u.path.clone(),
        Period::Pre2025 => match mapping_of(c, code).await? {
            Some(m) => find(c, &m.new_code, Period::Post2025)
                .await?
                .map(|n| n.path)
                .unwrap_or_else(|| u.path.clone()),
            None => u.path.clone(),
        },
    };
    Ok(Some(ResolvedUnit {
        code: u.code.clone(),
        period,
        name: u.name.clone(),
        is_commune_level: level.is_commune_level(),
        province_code: u.province_code.clone().unwrap_or_default(),
        path: u.path.clone(),
        current_path,
    }))
}

/// Finds a unit by its path (used to show a user's scope).
pub async fn find_by_path<C: ConnectionTrait>(
    c: &C,
    path: &str,
) -> Result<Option<admin_unit::Model>> {
    Ok(admin_unit::Entity::find()
        .filter(admin_unit::Column::Path.eq(path))
        .order_by_desc(admin_unit::Column::Period)
        .one(c)
        .await?)
}

/// Units of a period under a parent, or searched by name (with or without
/// diacritics); at most `limit` rows.
pub async fn search<C: ConnectionTrait>(
    c: &C,
    period: Period,
    parent: Option<&str>,
    q: Option<&str>,
    limit: u64,
) -> Result<Vec<admin_unit::Model>> {
    use sea_orm::QuerySelect;
    let mut s = admin_unit::Entity::find().filter(admin_unit::Column::Period.eq(period.as_str()));
    if let Some(p) = parent {
        s = s.filter(admin_unit::Column::ParentCode.eq(p));
    }
    if let Some(q) = q.map(fold).filter(|q| !q.is_empty()) {
        s = s.filter(admin_unit::Column::NameFold.contains(&q));
    }
    Ok(s.order_by_asc(admin_unit::Column::Path)
        .limit(limit)
        .all(c)
        .await?)
}
