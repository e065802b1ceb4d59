//! Periodic reports (issue 13): one transaction per step, with its audit entry.
//! The rules (periods, states, who) are in `ocop_domain::reports`.

use crate::audit::{self, Actor};
use crate::entities::*;
use crate::error::{Result, StoreError};
use chrono::{Datelike, NaiveDate};
use ocop_domain::reports::{self as dr, ReportAction, ReportError, ReportKind, ReportState};
use ocop_domain::roles::{Principal, Scope};
use sea_orm::*;

/// A refusal by the report rules, or a store failure.
#[derive(Debug, thiserror::Error)]
pub enum ReportFail {
    #[error(transparent)]
    Rule(#[from] ReportError),
    #[error(transparent)]
    Store(#[from] StoreError),
}

impl From<DbErr> for ReportFail {
    fn from(e: DbErr) -> Self {
        ReportFail::Store(StoreError::Db(e))
    }
}

/// The figures of a report as they stand (a draft) or as submitted (frozen).
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
pub struct Snapshot {
    pub unit: String,
    pub unit_name: String,
    pub year: i32,
    pub measured_on: NaiveDate,
    pub indicators: Vec<SnapshotRow>,
}

#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
pub struct SnapshotRow {
    pub id: String,
    pub name_vi: String,
    pub name_en: String,
    pub measure: String,
    pub target_text: Option<String>,
    pub actual: Option<f64>,
    pub met: Option<bool>,
}

/// The report's figures: the frozen snapshot once submitted, else computed now
/// from the indicators measured on the period's last day.
pub async fn figures<C: ConnectionTrait>(c: &C, r: &report::Model) -> Result<Snapshot> {
    if !r.snapshot.is_empty() {
        if let Ok(s) = serde_json::from_str(&r.snapshot) {
            return Ok(s);
        }
    }
    let year = r.period_to.year();
    let rows = crate::indicators::rows(c, &r.unit_path, year, r.period_to).await?;
    Ok(Snapshot {
        unit: r.unit_code.clone(),
        unit_name: r.unit_name.clone(),
        year,
        measured_on: r.period_to,
        indicators: rows
            .into_iter()
            .map(|x| SnapshotRow {
                id: x.id.into(),
                name_vi: x.name_vi.into(),
                name_en: x.name_en.into(),
                measure: x.measure.into(),
                target_text: x.target_text,
                actual: x.actual,
                met: x.met,
            })
            .collect(),
    })
}

/// What a new report is for.
pub struct NewReport {
    pub unit_code: String,
    pub unit_period: ocop_domain::units::Period,
    pub unit_name: String,
    pub unit_path: String,
    pub kind: ReportKind,
    pub from: NaiveDate,
    pub to: NaiveDate,
    pub note: String,
}

/// Opens a draft report for the principal's own unit.
pub async fn create<C: TransactionTrait>(
    db: &C,
    actor: &Actor,
    p: &Principal,
    n: NewReport,
) -> Result<report::Model, ReportFail> {
    dr::check_period(n.kind, n.from, n.to)?;
    if !dr::may_create(p, &n.unit_path) {
        return Err(ReportError::NotAllowed.into());
    }
    let txn = db.begin().await?;
    let saved = report::ActiveModel {
        unit_code: Set(n.unit_code.clone()),
        unit_period: Set(n.unit_period.as_str().into()),
        unit_name: Set(n.unit_name.clone()),
        unit_path: Set(n.unit_path.clone()),
        receiver_path: Set(dr::receiver_path(&n.unit_path)),
        kind: Set(n.kind.as_str().into()),
        period_from: Set(n.from),
        period_to: Set(n.to),
        state: Set(ReportState::Draft.as_str().into()),
        note: Set(ocop_domain::text::clean_multiline(&n.note)),
        snapshot: Set(String::new()),
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
        "report",
        saved.id,
        "create",
        None,
        Some(serde_json::json!({"unit": n.unit_code, "kind": n.kind.as_str(), "from": n.from, "to": n.to})),
    )
    .await?;
    txn.commit().await?;
    Ok(saved)
}

/// Can `p` see the report: its unit or its receiver lies under the caller's scope.
pub fn visible(p: &Principal, r: &report::Model) -> bool {
    match &p.scope {
        Scope::All => true,
        Scope::Unit { path } => {
            r.unit_path.starts_with(path.as_str()) || r.receiver_path.starts_with(path.as_str())
        }
        _ => false,
    }
}

/// A report the caller may see (NotFound otherwise, like a missing one).
pub async fn get<C: ConnectionTrait>(c: &C, p: &Principal, id: i64) -> Result<report::Model> {
    match report::Entity::find_by_id(id).one(c).await? {
        Some(r) if visible(p, &r) => Ok(r),
        _ => Err(StoreError::NotFound),
    }
}

/// Reports visible to the caller, latest period first.
pub async fn list<C: ConnectionTrait>(
    c: &C,
    p: &Principal,
    page: u64,
    per_page: u64,
) -> Result<(Vec<report::Model>, u64)> {
    let mut q = report::Entity::find();
    q = match &p.scope {
        Scope::All => q,
        Scope::Unit { path } => q.filter(
            Condition::any()
                .add(report::Column::UnitPath.starts_with(path))
                .add(report::Column::ReceiverPath.starts_with(path)),
        ),
        _ => q.filter(report::Column::Id.eq(-1)),
    };
    let total = q.clone().count(c).await?;
    let per = per_page.clamp(1, 500);
    let items = q
        .order_by_desc(report::Column::PeriodTo)
        .order_by_desc(report::Column::Id)
        .offset((Ord::max(page, 1) - 1) * per)
        .limit(per)
        .all(c)
        .await?;
    Ok((items, total))
}

/// Annotates, submits (freezing the figures), accepts or returns a report, in one
/// transaction with its audit entry. `text` is the note (annotate, submit) or the
/// reason (return).
pub async fn act<C: TransactionTrait>(
    db: &C,
    actor: &Actor,
    p: &Principal,
    id: i64,
    action: ReportAction,
    text: &str,
) -> Result<report::Model, ReportFail> {
    let txn = db.begin().await?;
    let r = get(&txn, p, id).await?;
    let state: ReportState = r
        .state
        .parse()
        .map_err(|_| StoreError::Invalid("unknown report state".into()))?;
    let to = dr::transition(p, state, action, &r.unit_path, &r.receiver_path, text)?;
    let mut am: report::ActiveModel = r.clone().into();
    let now = crate::now();
    let clean = ocop_domain::text::clean_multiline(text);
    match action {
        ReportAction::Annotate => am.note = Set(clean),
        ReportAction::Submit => {
            if !clean.trim().is_empty() {
                am.note = Set(clean);
            }
            // Recompute with the report's own row (snapshot cleared on return).
            let mut fresh = r.clone();
            fresh.snapshot = String::new();
            let snap = figures(&txn, &fresh).await?;
            am.snapshot =
                Set(serde_json::to_string(&snap).map_err(|e| StoreError::Invalid(e.to_string()))?);
            am.submitted_by = Set(Some(actor.name.clone()));
            am.submitted_at = Set(Some(now));
            am.return_reason = Set(None);
        }
        ReportAction::Accept => {
            am.decided_by = Set(Some(actor.name.clone()));
            am.decided_at = Set(Some(now));
        }
        ReportAction::Return => {
            am.decided_by = Set(Some(actor.name.clone()));
            am.decided_at = Set(Some(now));
            am.return_reason = Set(Some(clean));
            // A returned report is corrected and submitted again with fresh figures.
            am.snapshot = Set(String::new());
        }
    }
    am.state = Set(to.as_str().into());
    am.version = Set(r.version + 1);
    let res = report::Entity::update_many()
        .set(am)
        .filter(report::Column::Id.eq(id))
        .filter(report::Column::Version.eq(r.version))
        .exec(&txn)
        .await?;
    if res.rows_affected != 1 {
        return Err(StoreError::Conflict.into());
    }
    let action_name = match action {
        ReportAction::Annotate => "annotate",
        ReportAction::Submit => "submit",
        ReportAction::Accept => "accept",
        ReportAction::Return => "return",
    };
    audit::record(
        &txn,
        actor,
        "report",
        id,
        action_name,
        Some(serde_json::json!({"state": r.state})),
        Some(serde_json::json!({"state": to.as_str(), "text": text})),
    )
    .await?;
    let after = report::Entity::find_by_id(id)
        .one(&txn)
        .await?
        .ok_or(StoreError::NotFound)?;
    txn.commit().await?;
    Ok(after)
}

/// One unit's standing for a period: its latest report of the kind, if any.
#[derive(Debug, Clone, serde::Serialize)]
pub struct Standing {
    pub unit_code: String,
    pub unit_name: String,
    pub unit_path: String,
    pub report_id: Option<i64>,
    pub state: Option<String>,
    /// Submitted within ten days of the period's end (None: not submitted).
    pub on_time: Option<bool>,
}

/// Completeness and timeliness: for each unit directly below `receiver` (its
/// children in the period in force at the period's end), the report of `kind` for
/// `from..to`.
pub async fn completeness<C: ConnectionTrait>(
    c: &C,
    receiver: &admin_unit::Model,
    kind: ReportKind,
    from: NaiveDate,
    to: NaiveDate,
) -> Result<Vec<Standing>> {
    let period = ocop_domain::units::Period::at(to);
    let units = crate::units::children(c, &receiver.code, period).await?;
    let reports = report::Entity::find()
        .filter(report::Column::ReceiverPath.eq(receiver.path.clone()))
        .filter(report::Column::Kind.eq(kind.as_str()))
        .filter(report::Column::PeriodFrom.eq(from))
        .filter(report::Column::PeriodTo.eq(to))
        .order_by_asc(report::Column::Id)
        .all(c)
        .await?;
    Ok(units
        .into_iter()
        .map(|u| {
            let r = reports.iter().rfind(|r| r.unit_path == u.path);
            Standing {
                unit_code: u.code.clone(),
                unit_name: u.name.clone(),
                unit_path: u.path.clone(),
                report_id: r.map(|r| r.id),
                state: r.map(|r| r.state.clone()),
                on_time: r
                    .and_then(|r| r.submitted_at)
                    .map(|s| dr::on_time(to, s.date_naive())),
            }
        })
        .collect())
}

/// One line of the product list for the national OCOP information system.
#[derive(Debug, Clone, serde::Serialize)]
pub struct NationalRow {
    pub product: String,
    pub product_code: String,
    pub set_code: String,
    pub producer: String,
    pub legal_form: String,
    pub tax_code: String,
    pub commune: String,
    pub district: String,
    pub province: String,
    pub stars: i32,
    pub certificate_number: String,
    pub decision: String,
    pub issued_on: NaiveDate,
    pub expires_on: NaiveDate,
    /// valid, expiring, expired or revoked (`ocop_domain::certificates::status`).
    pub status: String,
}

/// Every product under `path` that holds or held a certificate, with its latest
/// certificate (not superseded), for the national export.
pub async fn national_rows<C: ConnectionTrait>(
    c: &C,
    path: &str,
    today: NaiveDate,
) -> Result<Vec<NationalRow>> {
    use std::collections::HashMap;
    let certs = certificate::Entity::find()
        .filter(
            Condition::any()
                .add(certificate::Column::UnitPath.starts_with(path))
                .add(certificate::Column::CurrentUnitPath.starts_with(path)),
        )
        .filter(certificate::Column::SupersededBy.is_null())
        .order_by_asc(certificate::Column::IssuedOn)
        .all(c)
        .await?;
    let mut latest: HashMap<i64, certificate::Model> = HashMap::new();
    for x in certs {
        latest.insert(x.product_id, x);
    }
    let products: HashMap<i64, product::Model> = product::Entity::find()
        .filter(product::Column::Id.is_in(latest.keys().copied().collect::<Vec<_>>()))
        .all(c)
        .await?
        .into_iter()
        .map(|p| (p.id, p))
        .collect();
    let producers: HashMap<i64, producer::Model> = producer::Entity::find()
        .filter(
            producer::Column::Id.is_in(latest.values().map(|x| x.producer_id).collect::<Vec<_>>()),
        )
        .all(c)
        .await?
        .into_iter()
        .map(|p| (p.id, p))
        .collect();
    let units: HashMap<(String, String), admin_unit::Model> = admin_unit::Entity::find()
        .all(c)
        .await?
        .into_iter()
        .map(|u| ((u.code.clone(), u.period.clone()), u))
        .collect();
    let mut out: Vec<NationalRow> = latest
        .into_values()
        .filter_map(|x| {
            let p = products.get(&x.product_id)?;
            let o = producers.get(&x.producer_id)?;
            let commune = units.get(&(o.commune_code.clone(), o.commune_period.clone()));
            let district = commune
                .filter(|u| u.period == "pre2025")
                .and_then(|u| units.get(&(u.parent_code.clone()?, u.period.clone())))
                .map(|d| d.name.clone())
                .unwrap_or_default();
            let province = units
                .get(&(o.province_code.clone(), o.commune_period.clone()))
                .map(|u| u.name.clone())
                .unwrap_or_default();
            Some(NationalRow {
                product: p.name.clone(),
                product_code: p.product_code.clone(),
                set_code: p.set_code.clone(),
                producer: o.name.clone(),
                legal_form: o
                    .legal_form
                    .parse::<ocop_domain::registry::LegalForm>()
                    .map(|f| f.label(ocop_domain::registry::Lang::Vi).to_string())
                    .unwrap_or_else(|_| o.legal_form.clone()),
                tax_code: o.tax_code.clone().unwrap_or_default(),
                commune: o.commune_name.clone(),
                district,
                province,
                stars: x.stars,
                certificate_number: x.number.clone(),
                decision: x.decision_ref.clone(),
                issued_on: x.issued_on,
                expires_on: x.expires_on,
                status: ocop_domain::certificates::status(x.revoked, x.expires_on, today)
                    .as_str()
                    .into(),
            })
        })
        .collect();
    out.sort_by(|a, b| a.product_code.cmp(&b.product_code));
    Ok(out)
}
