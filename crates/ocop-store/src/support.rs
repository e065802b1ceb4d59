//! Support and funding: policies, budget lines and support records (issue 12, item
//! 4). Each write is one transaction with its audit entry; who may do what is
//! decided in `ocop_domain::support`.

use crate::audit::{self, Actor};
use crate::error::{Result, StoreError};
use crate::registry::Page;
use crate::support_entities::{budget_line, policy_basis, support_record};
use chrono::NaiveDate;
use ocop_domain::registry::{FieldErrors, Invalid};
use ocop_domain::roles::{Location, Principal, Scope};
use ocop_domain::support::{
    self as rules, Disbursement, FundingSource, LineBalance, SupportAction, SupportKind,
    SupportStatus,
};
use ocop_domain::text::clean;
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, Condition, ConnectionTrait, EntityTrait, IntoActiveModel,
    PaginatorTrait, QueryFilter, QueryOrder, QuerySelect, Set, TransactionSession,
    TransactionTrait,
};

/// Why a support use case refused.
#[derive(Debug, thiserror::Error)]
pub enum SupportError {
    /// Bad fields; nothing was saved.
    #[error("invalid fields")]
    Invalid(FieldErrors),
    /// The disbursement would exceed the approved amount and no reason was given.
    #[error("disbursed {total} would exceed the approved {approved} by {over_by}: give a reason")]
    NeedsReason {
        approved: i64,
        total: i64,
        over_by: i64,
    },
    /// The action is not allowed from the record's state.
    #[error("cannot {action} a support that is {from}")]
    BadMove {
        from: SupportStatus,
        action: SupportAction,
    },
    /// The caller's role may not do this (producers only propose).
    #[error("not allowed for this role")]
    Forbidden,
    #[error(transparent)]
    Store(#[from] StoreError),
}

impl From<sea_orm::DbErr> for SupportError {
    fn from(e: sea_orm::DbErr) -> Self {
        SupportError::Store(e.into())
    }
}

fn one(field: &str, e: Invalid) -> SupportError {
    let mut f = FieldErrors::default();
    f.add(field, e);
    SupportError::Invalid(f)
}

fn scope_cond(
    scope: &Scope,
    unit: support_record::Column,
    current: support_record::Column,
) -> Condition {
    use sea_orm::sea_query::ExprTrait;
    match scope {
        Scope::All => Condition::all(),
        Scope::Unit { path } => Condition::any()
            .add(unit.starts_with(path))
            .add(current.starts_with(path)),
        Scope::Producer { producer_id } => {
            Condition::all().add(support_record::Column::ProducerId.eq(*producer_id))
        }
        Scope::Nothing => Condition::all().add(Expr::val(1).eq(Expr::val(0))),
    }
}

fn sees(by: &Principal, r: &support_record::Model) -> bool {
    by.can_see(&Location {
        producer_id: r.producer_id,
        unit_path: &r.unit_path,
        current_unit_path: &r.current_unit_path,
    })
}

fn json(m: &support_record::Model) -> serde_json::Value {
    serde_json::json!({
        "producer_id": m.producer_id, "product_id": m.product_id, "kind": m.kind,
        "policy_code": m.policy_code, "source": m.source, "budget_line_id": m.budget_line_id,
        "title": m.title, "planned_vnd": m.planned_vnd, "approved_vnd": m.approved_vnd,
        "disbursed_vnd": m.disbursed_vnd, "over_reason": m.over_reason, "status": m.status,
    })
}

// ---------------------------------------------------------------- policies

/// Policies, the active ones first.
pub async fn policies<C: ConnectionTrait>(c: &C) -> Result<Vec<policy_basis::Model>> {
    Ok(policy_basis::Entity::find()
        .order_by_desc(policy_basis::Column::Active)
        .order_by_asc(policy_basis::Column::Code)
        .all(c)
        .await?)
}

/// Adds a policy (admins maintain the list). `Duplicate("code")` when taken.
pub async fn add_policy<C: TransactionTrait>(
    db: &C,
    actor: &Actor,
    by: &Principal,
    code: &str,
    name: &str,
) -> Result<policy_basis::Model, SupportError> {
    if !by.is_admin() {
        return Err(SupportError::Forbidden);
    }
    let mut errs = FieldErrors::default();
    let code = clean(code).to_lowercase();
    let name = clean(name);
    if code.is_empty() {
        errs.add("code", Invalid::Required);
    } else if code.chars().count() > 40 {
        errs.add("code", Invalid::TooLong { max: 40 });
    }
    if name.is_empty() {
        errs.add("name", Invalid::Required);
    } else if name.chars().count() > 300 {
        errs.add("name", Invalid::TooLong { max: 300 });
    }
    if !errs.is_empty() {
        return Err(SupportError::Invalid(errs));
    }
    let txn = crate::db::begin_write(db).await?;
    let m = policy_basis::ActiveModel {
        code: Set(code),
        name: Set(name),
        active: Set(true),
        ..Default::default()
    }
    .insert(&txn)
    .await
    .map_err(StoreError::unique_as("code"))?;
    audit::record(
        &txn,
        actor,
        "support_policy",
        m.id,
        "create",
        None,
        Some(serde_json::json!({"code": m.code, "name": m.name})),
    )
    .await?;
    txn.commit().await.map_err(StoreError::from)?;
    Ok(m)
}

async fn check_policy<C: ConnectionTrait>(
    c: &C,
    errs: &mut FieldErrors,
    code: Option<&str>,
) -> Result<Option<String>> {
    let Some(code) = code.map(str::trim).filter(|s| !s.is_empty()) else {
        return Ok(None);
    };
    let found = policy_basis::Entity::find()
        .filter(policy_basis::Column::Code.eq(code))
        .one(c)
        .await?;
    if found.is_none() {
        errs.add("policy_code", Invalid::BadChoice);
    }
    Ok(Some(code.to_string()))
}

// ---------------------------------------------------------------- budget lines

/// A new budget line.
#[derive(Debug, Clone, Default)]
pub struct LineInput {
    pub year: i32,
    pub source: String,
    pub policy_code: Option<String>,
    pub name: String,
    pub allocated_vnd: i64,
    /// Unit code holding the line; default: the officer's own unit.
    pub unit_code: Option<String>,
}

async fn unit_path_for<C: ConnectionTrait>(
    c: &C,
    by: &Principal,
    errs: &mut FieldErrors,
    code: Option<&str>,
) -> Result<String> {
    if let Some(code) = code.map(str::trim).filter(|s| !s.is_empty()) {
        let mut found = None;
        for p in [
            ocop_domain::units::Period::Post2025,
            ocop_domain::units::Period::Pre2025,
        ] {
            if let Some(u) = crate::units::find(c, code, p).await? {
                found = Some(u.path);
                break;
            }
        }
        return Ok(match found {
            Some(p) if by.may_place_in(&p, &p) => p,
            Some(p) => {
                errs.add("unit", Invalid::OutOfScope);
                p
            }
            None => {
                errs.add("unit", Invalid::UnknownCommune);
                String::new()
            }
        });
    }
    Ok(match &by.scope {
        Scope::Unit { path } => path.clone(),
        _ => "VN/".into(),
    })
}

/// Creates a budget line (officers and admins).
pub async fn create_line<C: TransactionTrait + ConnectionTrait>(
    db: &C,
    actor: &Actor,
    by: &Principal,
    i: &LineInput,
) -> Result<budget_line::Model, SupportError> {
    if !rules::decides_support(by) {
        return Err(SupportError::Forbidden);
    }
    let mut errs = FieldErrors::default();
    if !(2000..=2100).contains(&i.year) {
        errs.add(
            "year",
            Invalid::BadNumber {
                min: 2000,
                max: 2100,
            },
        );
    }
    if i.source.parse::<FundingSource>().is_err() {
        errs.add("source", Invalid::BadChoice);
    }
    let name = clean(&i.name);
    if name.is_empty() {
        errs.add("name", Invalid::Required);
    } else if name.chars().count() > 300 {
        errs.add("name", Invalid::TooLong { max: 300 });
    }
    rules::check_vnd(&mut errs, "allocated_vnd", i.allocated_vnd);
    let policy = check_policy(db, &mut errs, i.policy_code.as_deref()).await?;
    let path = unit_path_for(db, by, &mut errs, i.unit_code.as_deref()).await?;
    if !errs.is_empty() {
        return Err(SupportError::Invalid(errs));
    }
    let txn = crate::db::begin_write(db).await?;
    let m = budget_line::ActiveModel {
        year: Set(i.year),
        source: Set(i.source.trim().to_string()),
        policy_code: Set(policy),
        name: Set(name),
        allocated_vnd: Set(i.allocated_vnd),
        unit_path: Set(path.clone()),
        current_unit_path: Set(path),
        created_by: Set(actor.name.clone()),
        created_at: Set(crate::now()),
        version: Set(1),
        ..Default::default()
    }
    .insert(&txn)
    .await
    .map_err(StoreError::unique_as("name"))?;
    audit::record(&txn, actor, "budget_line", m.id, "create", None, Some(serde_json::json!({"year": m.year, "source": m.source, "name": m.name, "allocated_vnd": m.allocated_vnd}))).await?;
    txn.commit().await.map_err(StoreError::from)?;
    Ok(m)
}

/// A budget line with what is charged to it.
#[derive(Debug, Clone)]
pub struct LineView {
    pub line: budget_line::Model,
    pub balance: LineBalance,
}

/// Budget lines the principal sees (its unit's, those above it, and national
/// ones), optionally of one year, with approved and disbursed sums of the support
/// records charged to each (refused and cancelled records do not count).
pub async fn lines<C: ConnectionTrait>(
    c: &C,
    by: &Principal,
    year: Option<i32>,
) -> Result<Vec<LineView>> {
    let mut q = budget_line::Entity::find();
    if let Some(y) = year {
        q = q.filter(budget_line::Column::Year.eq(y));
    }
    let all = q
        .order_by_desc(budget_line::Column::Year)
        .order_by_asc(budget_line::Column::Source)
        .order_by_asc(budget_line::Column::Id)
        .all(c)
        .await?;
    let mut out = Vec::new();
    for line in all {
        let visible = match &by.scope {
            Scope::All => true,
            // A line of the province is seen by its communes' officers too (they
            // charge supports to it), a commune's line by the province.
            Scope::Unit { path } => {
                line.unit_path.starts_with(path.as_str())
                    || path.starts_with(line.unit_path.as_str())
            }
            _ => false,
        };
        if !visible {
            continue;
        }
        let balance = balance(c, &line).await?;
        out.push(LineView { line, balance });
    }
    Ok(out)
}

async fn balance<C: ConnectionTrait>(c: &C, line: &budget_line::Model) -> Result<LineBalance> {
    use support_record::Column as S;
    let rows: Vec<(Option<i64>, i64)> = support_record::Entity::find()
        .select_only()
        .column(S::ApprovedVnd)
        .column(S::DisbursedVnd)
        .filter(S::BudgetLineId.eq(line.id))
        .filter(S::Status.is_not_in(["refused", "cancelled", "proposed"]))
        .into_tuple()
        .all(c)
        .await?;
    Ok(LineBalance {
        allocated_vnd: line.allocated_vnd,
        approved_vnd: rows.iter().map(|r| r.0.unwrap_or(0)).sum(),
        disbursed_vnd: rows.iter().map(|r| r.1).sum(),
    })
}

/// One budget line, if visible.
pub async fn get_line<C: ConnectionTrait>(c: &C, by: &Principal, id: i64) -> Result<LineView> {
    lines(c, by, None)
        .await?
        .into_iter()
        .find(|l| l.line.id == id)
        .ok_or(StoreError::NotFound)
}

// ---------------------------------------------------------------- support records

/// A support proposed or recorded.
#[derive(Debug, Clone, Default)]
pub struct SupportInput {
    pub producer_id: i64,
    pub product_id: Option<i64>,
    pub kind: String,
    pub policy_code: Option<String>,
    pub source: String,
    pub budget_line_id: Option<i64>,
    pub title: String,
    pub note: Option<String>,
    pub planned_vnd: i64,
    pub proposed_on: NaiveDate,
}

/// Proposes a support: an officer for a producer in scope, a producer for itself.
/// Validation errors name the fields; a producer out of scope is `NotFound`.
pub async fn propose<C: TransactionTrait + ConnectionTrait>(
    db: &C,
    actor: &Actor,
    by: &Principal,
    i: &SupportInput,
) -> Result<support_record::Model, SupportError> {
    let owner = crate::registry::get_producer(db, i.producer_id).await?;
    let loc = Location {
        producer_id: owner.id,
        unit_path: &owner.unit_path,
        current_unit_path: &owner.current_unit_path,
    };
    if !by.can_see(&loc) {
        return Err(StoreError::NotFound.into());
    }
    if !rules::may_propose(by, owner.id) {
        return Err(SupportError::Forbidden);
    }
    let mut errs = FieldErrors::default();
    if i.kind.parse::<SupportKind>().is_err() {
        errs.add("kind", Invalid::BadChoice);
    }
    if i.source.parse::<FundingSource>().is_err() {
        errs.add("source", Invalid::BadChoice);
    }
    let title = clean(&i.title);
    if title.is_empty() {
        errs.add("title", Invalid::Required);
    } else if title.chars().count() > 300 {
        errs.add("title", Invalid::TooLong { max: 300 });
    }
    let note = i
        .note
        .as_deref()
        .map(ocop_domain::text::clean_multiline)
        .filter(|s| !s.is_empty());
    if note.as_ref().is_some_and(|n| n.chars().count() > 4000) {
        errs.add("note", Invalid::TooLong { max: 4000 });
    }
    rules::check_vnd(&mut errs, "planned_vnd", i.planned_vnd);
    let policy = check_policy(db, &mut errs, i.policy_code.as_deref()).await?;
    if let Some(pid) = i.product_id {
        match crate::registry::get_product(db, pid).await {
            Ok(p) if p.producer_id == owner.id => {}
            Ok(_) | Err(StoreError::NotFound) => errs.add("product_id", Invalid::BadChoice),
            Err(e) => return Err(e.into()),
        }
    }
    if let Some(lid) = i.budget_line_id {
        match get_line(db, by, lid).await {
            Ok(_) => {}
            Err(StoreError::NotFound) => errs.add("budget_line_id", Invalid::BadChoice),
            Err(e) => return Err(e.into()),
        }
    }
    if !errs.is_empty() {
        return Err(SupportError::Invalid(errs));
    }
    let txn = crate::db::begin_write(db).await?;
    let now = crate::now();
    let m = support_record::ActiveModel {
        producer_id: Set(owner.id),
        product_id: Set(i.product_id),
        kind: Set(i.kind.trim().to_string()),
        policy_code: Set(policy),
        source: Set(i.source.trim().to_string()),
        budget_line_id: Set(i.budget_line_id),
        title: Set(title),
        note: Set(note),
        planned_vnd: Set(i.planned_vnd),
        approved_vnd: Set(None),
        disbursed_vnd: Set(0),
        over_reason: Set(None),
        proposed_on: Set(i.proposed_on),
        approved_on: Set(None),
        completed_on: Set(None),
        status: Set(SupportStatus::Proposed.as_str().into()),
        unit_path: Set(owner.unit_path.clone()),
        current_unit_path: Set(owner.current_unit_path.clone()),
        created_by: Set(actor.name.clone()),
        created_at: Set(now),
        updated_at: Set(now),
        version: Set(1),
        ..Default::default()
    }
    .insert(&txn)
    .await?;
    audit::record(
        &txn,
        actor,
        "support",
        m.id,
        "propose",
        None,
        Some(json(&m)),
    )
    .await?;
    txn.commit().await?;
    Ok(m)
}

/// A support record the principal may see; otherwise `NotFound`.
pub async fn get<C: ConnectionTrait>(
    c: &C,
    by: &Principal,
    id: i64,
) -> Result<support_record::Model> {
    let r = support_record::Entity::find_by_id(id)
        .one(c)
        .await?
        .ok_or(StoreError::NotFound)?;
    if !sees(by, &r) {
        return Err(StoreError::NotFound);
    }
    Ok(r)
}

/// Filters of the support list.
#[derive(Debug, Clone, Default)]
pub struct SupportFilter {
    pub producer_id: Option<i64>,
    pub status: Option<String>,
    pub source: Option<String>,
    pub kind: Option<String>,
    pub year: Option<i32>,
    pub budget_line_id: Option<i64>,
    pub page: u64,
    pub per_page: u64,
}

/// Support records in the principal's scope, newest first.
pub async fn list<C: ConnectionTrait>(
    c: &C,
    scope: &Scope,
    f: &SupportFilter,
) -> Result<Page<support_record::Model>> {
    use support_record::Column as S;
    let mut q =
        support_record::Entity::find().filter(scope_cond(scope, S::UnitPath, S::CurrentUnitPath));
    if let Some(v) = f.producer_id {
        q = q.filter(S::ProducerId.eq(v));
    }
    if let Some(v) = f.status.as_deref().filter(|s| !s.is_empty()) {
        q = q.filter(S::Status.eq(v));
    }
    if let Some(v) = f.source.as_deref().filter(|s| !s.is_empty()) {
        q = q.filter(S::Source.eq(v));
    }
    if let Some(v) = f.kind.as_deref().filter(|s| !s.is_empty()) {
        q = q.filter(S::Kind.eq(v));
    }
    if let Some(v) = f.budget_line_id {
        q = q.filter(S::BudgetLineId.eq(v));
    }
    if let Some(y) = f.year {
        if let (Some(a), Some(b)) = (
            NaiveDate::from_ymd_opt(y, 1, 1),
            NaiveDate::from_ymd_opt(y, 12, 31),
        ) {
            q = q.filter(S::ProposedOn.between(a, b));
        }
    }
    let q = q.order_by_desc(S::ProposedOn).order_by_desc(S::Id);
    let (page, per) = crate::registry::page_bounds(f.page, f.per_page);
    let total = q.clone().count(c).await?;
    let items = q.offset((page - 1) * per).limit(per).all(c).await?;
    Ok(Page {
        items,
        total,
        page,
        per_page: per,
    })
}

/// A move of a support record.
#[derive(Debug, Clone)]
pub struct Move {
    pub action: SupportAction,
    /// The version read; a change in between is `Conflict`.
    pub version: i32,
    /// Approve: the approved amount. Disburse: the amount paid out now.
    pub amount_vnd: Option<i64>,
    pub on: NaiveDate,
    /// Disburse above the approved amount: why.
    pub reason: Option<String>,
}

/// Moves a support record (approve, disburse, complete, refuse, cancel): officers
/// whose scope holds the record. Disbursing above the approved amount needs a
/// reason, which is kept.
pub async fn transition<C: TransactionTrait + ConnectionTrait>(
    db: &C,
    actor: &Actor,
    by: &Principal,
    id: i64,
    mv: &Move,
) -> Result<support_record::Model, SupportError> {
    let txn = crate::db::begin_write(db).await?;
    let before = get(&txn, by, id).await?;
    if !rules::decides_support(by) {
        return Err(SupportError::Forbidden);
    }
    if before.version != mv.version {
        return Err(StoreError::Conflict.into());
    }
    let from: SupportStatus = before
        .status
        .parse()
        .map_err(|_| StoreError::Invalid("unknown status".into()))?;
    let to = rules::next_status(from, mv.action).ok_or(SupportError::BadMove {
        from,
        action: mv.action,
    })?;
    let mut am = before.clone().into_active_model();
    match mv.action {
        SupportAction::Approve => {
            let a = mv
                .amount_vnd
                .ok_or_else(|| one("amount_vnd", Invalid::Required))?;
            let mut e = FieldErrors::default();
            rules::check_vnd(&mut e, "amount_vnd", a);
            if !e.is_empty() {
                return Err(SupportError::Invalid(e));
            }
            am.approved_vnd = Set(Some(a));
            am.approved_on = Set(Some(mv.on));
        }
        SupportAction::Disburse => {
            let a = mv
                .amount_vnd
                .ok_or_else(|| one("amount_vnd", Invalid::Required))?;
            let approved = before.approved_vnd.unwrap_or(0);
            let reason = mv.reason.as_deref().map(clean).filter(|s| !s.is_empty());
            if reason.as_ref().is_some_and(|r| r.chars().count() > 1000) {
                return Err(one("reason", Invalid::TooLong { max: 1000 }));
            }
            match rules::disburse(approved, before.disbursed_vnd, a, reason.as_deref())
                .map_err(|e| one("amount_vnd", e))?
            {
                Disbursement::Within { total } => am.disbursed_vnd = Set(total),
                Disbursement::OverWithReason { total, .. } => {
                    am.disbursed_vnd = Set(total);
                    let r = reason.unwrap_or_default();
                    let kept = match &before.over_reason {
                        Some(old) => format!("{old}\n{}: {r}", mv.on),
                        None => format!("{}: {r}", mv.on),
                    };
                    am.over_reason = Set(Some(kept));
                }
                Disbursement::NeedsReason { total, over_by } => {
                    return Err(SupportError::NeedsReason {
                        approved,
                        total,
                        over_by,
                    })
                }
            }
        }
        SupportAction::Complete => am.completed_on = Set(Some(mv.on)),
        SupportAction::Refuse | SupportAction::Cancel => {}
    }
    am.status = Set(to.as_str().into());
    am.updated_at = Set(crate::now());
    am.version = Set(before.version + 1);
    let res = support_record::Entity::update_many()
        .set(am)
        .filter(support_record::Column::Id.eq(id))
        .filter(support_record::Column::Version.eq(before.version))
        .exec(&txn)
        .await?;
    if res.rows_affected != 1 {
        return Err(StoreError::Conflict.into());
    }
    let after = support_record::Entity::find_by_id(id)
        .one(&txn)
        .await?
        .ok_or(StoreError::NotFound)?;
    audit::record(
        &txn,
        actor,
        "support",
        id,
        mv.action.as_str(),
        Some(json(&before)),
        Some(json(&after)),
    )
    .await?;
    txn.commit().await?;
    Ok(after)
}

/// Approved and disbursed sums over the principal's scope for a year (the
/// dashboard's "support disbursed vs approved").
pub async fn totals<C: ConnectionTrait>(c: &C, scope: &Scope, year: i32) -> Result<(i64, i64)> {
    let page = list(
        c,
        scope,
        &SupportFilter {
            year: Some(year),
            page: 1,
            per_page: 200,
            ..Default::default()
        },
    )
    .await?;
    let mut approved = 0;
    let mut disbursed = 0;
    let pages = page.pages();
    let mut add = |items: &[support_record::Model]| {
        for r in items
            .iter()
            .filter(|r| !matches!(r.status.as_str(), "refused" | "cancelled"))
        {
            approved += r.approved_vnd.unwrap_or(0);
            disbursed += r.disbursed_vnd;
        }
    };
    add(&page.items);
    for p in 2..=pages {
        let more = list(
            c,
            scope,
            &SupportFilter {
                year: Some(year),
                page: p,
                per_page: 200,
                ..Default::default()
            },
        )
        .await?;
        add(&more.items);
    }
    Ok((approved, disbursed))
}
