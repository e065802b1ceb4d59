//! Facts for the indicators (issue 13) and the plans that set their targets.
//!
//! The rules are in `ocop_domain::indicators`; this module only fetches the records
//! of a unit — those whose `unit_path` or `current_unit_path` lies under the unit's
//! path, so both administrative periods count — and stores plans.

use crate::audit::{self, Actor};
use crate::entities::*;
use crate::error::{Result, StoreError};
use ocop_domain::indicators::{self as di, Comparator, Definition, Facts, Target};
use sea_orm::*;
use std::collections::HashMap;

fn under<C: ColumnTrait>(unit: C, current: C, path: &str) -> Condition {
    Condition::any()
        .add(unit.starts_with(path))
        .add(current.starts_with(path))
}

/// Every fact the indicators of the unit at `path` need.
pub async fn facts<C: ConnectionTrait>(c: &C, path: &str) -> Result<Facts> {
    use certificate::Column as K;
    let certificates = certificate::Entity::find()
        .filter(under(K::UnitPath, K::CurrentUnitPath, path))
        .all(c)
        .await?
        .into_iter()
        .map(|x| di::CertFact {
            product_id: x.product_id,
            producer_id: x.producer_id,
            kind: x.kind,
            stars: x.stars,
            issued_on: x.issued_on,
            expires_on: x.expires_on,
            revoked: x.revoked,
            revoked_on: x.revoked_on,
            superseded_on: x.superseded_on,
        })
        .collect();
    let legal_forms = producer::Entity::find()
        .filter(under(
            producer::Column::UnitPath,
            producer::Column::CurrentUnitPath,
            path,
        ))
        .all(c)
        .await?
        .into_iter()
        .map(|p| (p.id, p.legal_form))
        .collect();
    let channels = sales_channel::Entity::find()
        .filter(under(
            sales_channel::Column::UnitPath,
            sales_channel::Column::CurrentUnitPath,
            path,
        ))
        .all(c)
        .await?
        .into_iter()
        .map(|s| di::ChannelFact {
            producer_id: s.producer_id,
            kind: s.kind,
            started_on: s.started_on,
            ended_on: s.ended_on,
        })
        .collect();
    let revenue = revenue_record::Entity::find()
        .filter(under(
            revenue_record::Column::UnitPath,
            revenue_record::Column::CurrentUnitPath,
            path,
        ))
        .all(c)
        .await?
        .into_iter()
        .map(|r| di::RevenueFact {
            product_id: r.product_id,
            year: r.year,
            quarter: r.quarter,
            channel: r.channel,
            revenue_vnd: r.revenue_vnd,
        })
        .collect();
    let milestones = organisation_milestone::Entity::find()
        .filter(under(
            organisation_milestone::Column::UnitPath,
            organisation_milestone::Column::CurrentUnitPath,
            path,
        ))
        .all(c)
        .await?
        .into_iter()
        .map(|m| (m.producer_id, m.year))
        .collect();
    let dossiers = dossier::Entity::find()
        .filter(under(
            dossier::Column::UnitPath,
            dossier::Column::CurrentUnitPath,
            path,
        ))
        .all(c)
        .await?
        .into_iter()
        .map(|d| di::DossierFact {
            state: d.state,
            filed: d.filed_on.is_some(),
            deadline_on: d.deadline_on,
            paused: d.paused_since.is_some(),
        })
        .collect();
    Ok(Facts {
        certificates,
        legal_forms,
        channels,
        revenue,
        milestones,
        dossiers,
    })
}

/// One indicator of a unit for a year, with its target when the unit's plan has one.
#[derive(Debug, Clone, serde::Serialize)]
pub struct Row {
    pub id: &'static str,
    pub name_vi: &'static str,
    pub name_en: &'static str,
    pub measure: &'static str,
    pub group: &'static str,
    pub actual: Option<f64>,
    /// The target's (lower) number, its upper end for a range, and as written.
    pub target: Option<f64>,
    pub target_max: Option<f64>,
    pub target_text: Option<String>,
    pub comparator: Option<&'static str>,
    pub met: Option<bool>,
    pub progress: Option<f64>,
    pub projection: Option<f64>,
}

impl Row {
    pub fn definition(&self) -> &'static Definition {
        di::find(self.id).expect("rows are made from definitions")
    }
}

/// The indicators of the unit at `path` for `year`, measured on `at`, with the
/// targets of the unit's plan for that year.
pub async fn rows<C: ConnectionTrait>(
    c: &C,
    path: &str,
    year: i32,
    at: chrono::NaiveDate,
) -> Result<Vec<Row>> {
    let facts = facts(c, path).await?;
    let targets = targets_of(c, path, year).await?;
    Ok(rows_from(&facts, &targets, year, at))
}

/// Rows from facts already fetched (the dashboard reuses one fetch for many years).
pub fn rows_from(
    facts: &Facts,
    targets: &HashMap<String, Target>,
    year: i32,
    at: chrono::NaiveDate,
) -> Vec<Row> {
    di::DEFINITIONS
        .iter()
        .map(|d| {
            let actual = di::compute(d.id, facts, year, at).map(|v| (v * 10.0).round() / 10.0);
            let t = targets.get(d.id);
            Row {
                id: d.id,
                name_vi: d.name_vi,
                name_en: d.name_en,
                measure: d.measure.as_str(),
                group: match d.group {
                    di::Group::Plan => "plan",
                    di::Group::National => "national",
                    di::Group::Process => "process",
                },
                actual,
                target: t.map(|t| t.value),
                target_max: t.and_then(|t| t.max),
                target_text: t.map(|t| t.text(d.measure)),
                comparator: t.map(|t| t.comparator.as_str()),
                met: t.zip(actual).map(|(t, a)| t.met(a)),
                progress: t
                    .zip(actual)
                    .map(|(t, a)| (t.progress(a, d.measure) * 10.0).round() / 10.0),
                projection: actual.map(|a| di::projection(a, d.measure, di::is_flow(d.id), at)),
            }
        })
        .collect()
}

/// The targets of the plan of the unit at `path` for `year` (empty without a plan).
pub async fn targets_of<C: ConnectionTrait>(
    c: &C,
    path: &str,
    year: i32,
) -> Result<HashMap<String, Target>> {
    let Some(p) = plan_of(c, path, year).await? else {
        return Ok(HashMap::new());
    };
    Ok(plan_target::Entity::find()
        .filter(plan_target::Column::PlanId.eq(p.id))
        .all(c)
        .await?
        .into_iter()
        .filter_map(|t| {
            Some((
                t.indicator,
                Target {
                    comparator: Comparator::parse(&t.comparator)?,
                    value: t.value,
                    max: t.value_max,
                },
            ))
        })
        .collect())
}

pub async fn plan_of<C: ConnectionTrait>(
    c: &C,
    path: &str,
    year: i32,
) -> Result<Option<plan::Model>> {
    Ok(plan::Entity::find()
        .filter(plan::Column::UnitPath.eq(path))
        .filter(plan::Column::Year.eq(year))
        .one(c)
        .await?)
}

/// Plans of units under `path` (the caller's scope), newest year first.
pub async fn plans_under<C: ConnectionTrait>(c: &C, path: &str) -> Result<Vec<plan::Model>> {
    Ok(plan::Entity::find()
        .filter(plan::Column::UnitPath.starts_with(path))
        .order_by_desc(plan::Column::Year)
        .order_by_asc(plan::Column::UnitPath)
        .all(c)
        .await?)
}

pub async fn plan_targets<C: ConnectionTrait>(
    c: &C,
    plan_id: i64,
) -> Result<Vec<plan_target::Model>> {
    Ok(plan_target::Entity::find()
        .filter(plan_target::Column::PlanId.eq(plan_id))
        .order_by_asc(plan_target::Column::Id)
        .all(c)
        .await?)
}

/// A plan to store: the unit, year and targets already checked by the domain
/// (`ocop_domain::indicators::parse_target`).
pub struct NewPlan {
    pub unit_code: String,
    pub unit_period: ocop_domain::units::Period,
    pub unit_level: String,
    pub unit_path: String,
    pub year: i32,
    pub title: String,
    pub targets: Vec<(String, Target)>,
}

/// Stores a plan with its targets and the audit entry, in one transaction. A unit of
/// the wrong period for the year is refused (`Invalid`); a second plan for the same
/// unit and year is `Duplicate("plan")`.
pub async fn create_plan<C: TransactionTrait>(
    db: &C,
    actor: &Actor,
    p: NewPlan,
) -> Result<plan::Model> {
    if !(2000..=2100).contains(&p.year) {
        return Err(StoreError::Invalid(
            "the year must be between 2000 and 2100".into(),
        ));
    }
    if !di::plan_unit_fits(p.unit_period, &p.unit_level, p.year) {
        return Err(StoreError::Invalid(format!(
            "unit {} ({}) does not exist in {}: plans before the reform are made for the old units, from 2025 on for the new ones",
            p.unit_code,
            p.unit_period.as_str(),
            p.year
        )));
    }
    let txn = db.begin().await?;
    if plan_of(&txn, &p.unit_path, p.year).await?.is_some() {
        return Err(StoreError::Duplicate("plan"));
    }
    let saved = plan::ActiveModel {
        unit_code: Set(p.unit_code.clone()),
        unit_period: Set(p.unit_period.as_str().into()),
        unit_path: Set(p.unit_path.clone()),
        year: Set(p.year),
        title: Set(ocop_domain::text::clean(&p.title)),
        created_by: Set(actor.name.clone()),
        created_at: Set(crate::now()),
        version: Set(1),
        ..Default::default()
    }
    .insert(&txn)
    .await
    .map_err(StoreError::unique_as("plan"))?;
    let mut seen = std::collections::HashSet::new();
    for (id, t) in &p.targets {
        if !seen.insert(id.clone()) {
            return Err(StoreError::Invalid(format!("two targets for {id}")));
        }
        plan_target::ActiveModel {
            plan_id: Set(saved.id),
            indicator: Set(id.clone()),
            comparator: Set(t.comparator.as_str().into()),
            value: Set(t.value),
            value_max: Set(t.max),
            ..Default::default()
        }
        .insert(&txn)
        .await?;
    }
    let after = serde_json::json!({
        "unit": p.unit_code, "period": p.unit_period.as_str(), "year": p.year,
        "targets": p.targets.iter().map(|(i, t)| serde_json::json!({"indicator": i, "comparator": t.comparator.as_str(), "value": t.value, "max": t.max})).collect::<Vec<_>>(),
    });
    audit::record(&txn, actor, "plan", saved.id, "create", None, Some(after)).await?;
    txn.commit().await?;
    Ok(saved)
}

pub async fn get_plan<C: ConnectionTrait>(c: &C, id: i64) -> Result<plan::Model> {
    plan::Entity::find_by_id(id)
        .one(c)
        .await?
        .ok_or(StoreError::NotFound)
}

/// Product id → product set code, for the "stars by product set" view.
pub async fn product_sets<C: ConnectionTrait>(
    c: &C,
    ids: Vec<i64>,
) -> Result<HashMap<i64, String>> {
    if ids.is_empty() {
        return Ok(HashMap::new());
    }
    Ok(product::Entity::find()
        .filter(product::Column::Id.is_in(ids))
        .all(c)
        .await?
        .into_iter()
        .map(|p| (p.id, p.set_code))
        .collect())
}
