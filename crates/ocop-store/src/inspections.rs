//! Post-certification monitoring (QĐ 26/2026 Art. 9): plans, inspections and what
//! the inspector records, violations and their follow-up, recalls, the proposal to
//! revoke (which opens the certificate's revocation case), and the leads of the
//! public check. One transaction per use case, its audit entry inside it. The rules
//! (who, which foci, pass/fail) are in `ocop_domain::inspections`.

use crate::audit::{self, Actor};
use crate::entities::{certificate, label_report, producer, product, user};
use crate::error::{Result, StoreError};
use crate::inspection_entities::*;
use chrono::NaiveDate;
use ocop_domain::inspections as di;
use ocop_domain::roles::{Principal, Role, Scope};
use ocop_domain::units::Period;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, Condition, ConnectionTrait, EntityTrait, IntoActiveModel,
    PaginatorTrait, QueryFilter, QueryOrder, QuerySelect, Set, TransactionSession,
    TransactionTrait,
};

fn clip(s: &str, n: usize) -> String {
    ocop_domain::text::truncate_chars(&ocop_domain::text::clean(s), n).to_string()
}

fn clip_multi(s: &str, n: usize) -> String {
    ocop_domain::text::truncate_chars(&ocop_domain::text::clean_multiline(s), n).to_string()
}

fn invalid(code: &str) -> StoreError {
    StoreError::Invalid(code.to_string())
}

/// A plan grouping inspections (yearly periodic, or ad-hoc).
pub async fn create_plan<C: TransactionTrait>(
    db: &C,
    actor: &Actor,
    by: &Principal,
    title: &str,
    year: i32,
    kind: &str,
) -> Result<inspection_plan::Model> {
    let path = match &by.scope {
        Scope::All => "VN/".to_string(),
        Scope::Unit { path } => path.clone(),
        _ => return Err(StoreError::NotFound),
    };
    if !di::may_plan(by, &path, &path) {
        return Err(StoreError::NotFound);
    }
    let title = clip(title, 255);
    if title.is_empty() {
        return Err(invalid("title"));
    }
    if !(2020..=2100).contains(&year) {
        return Err(invalid("year"));
    }
    if !di::is_code(di::KINDS, kind) {
        return Err(invalid("kind"));
    }
    let txn = crate::db::begin_write(db).await?;
    let m = inspection_plan::ActiveModel {
        title: Set(title),
        year: Set(year),
        kind: Set(kind.into()),
        unit_path: Set(path),
        created_by: Set(actor.name.clone()),
        created_at: Set(crate::now()),
        ..Default::default()
    }
    .insert(&txn)
    .await?;
    audit::record(
        &txn,
        actor,
        "inspection_plan",
        m.id,
        "create",
        None,
        Some(serde_json::json!({"title": m.title, "year": year, "kind": kind})),
    )
    .await?;
    txn.commit().await?;
    Ok(m)
}

/// Plans whose area overlaps the principal's scope, newest first.
pub async fn plans<C: ConnectionTrait>(
    c: &C,
    by: &Principal,
) -> Result<Vec<inspection_plan::Model>> {
    let all = inspection_plan::Entity::find()
        .order_by_desc(inspection_plan::Column::Year)
        .order_by_desc(inspection_plan::Column::Id)
        .all(c)
        .await?;
    Ok(all
        .into_iter()
        .filter(|p| match &by.scope {
            Scope::All => true,
            Scope::Unit { path } => {
                p.unit_path.starts_with(path.as_str()) || path.starts_with(&p.unit_path)
            }
            _ => false,
        })
        .collect())
}

/// What an inspection is planned on.
#[derive(Debug, Clone)]
pub enum Subject {
    /// A certified product (its latest certificate is the one inspected).
    Product(i64),
    /// A unit's evaluation work: commune (either period) or district (before 07/2025).
    Unit { code: String, period: Period },
}

/// A planned inspection.
#[derive(Debug, Clone)]
pub struct NewInspection {
    pub plan_id: Option<i64>,
    pub kind: String,
    pub subject: Subject,
    /// Comma-separated focus codes.
    pub focus: String,
    pub planned_on: NaiveDate,
    pub inspector_id: i64,
    /// Where the inspection came from (a lead), if anywhere.
    pub lead: Option<String>,
}

/// Plans an inspection: a planner in scope (Art. 9.4), an inspector account that
/// may inspect and sees the subject, known foci for the subject.
pub async fn plan<C: TransactionTrait>(
    db: &C,
    actor: &Actor,
    by: &Principal,
    n: &NewInspection,
    today: NaiveDate,
) -> Result<inspection::Model> {
    let txn = crate::db::begin_write(db).await?;
    let m = plan_in(&txn, actor, by, n, today).await?;
    txn.commit().await?;
    Ok(m)
}

async fn plan_in<C: ConnectionTrait>(
    txn: &C,
    actor: &Actor,
    by: &Principal,
    n: &NewInspection,
    today: NaiveDate,
) -> Result<inspection::Model> {
    if !di::is_code(di::KINDS, &n.kind) {
        return Err(invalid("kind"));
    }
    if n.planned_on < today - chrono::Duration::days(366)
        || n.planned_on > today + chrono::Duration::days(3 * 366)
    {
        return Err(invalid("planned_on"));
    }
    let (subject, producer_id, product_id, certificate_id, unit_code, name, unit_path, current) =
        match &n.subject {
            Subject::Product(id) => {
                let p = product::Entity::find_by_id(*id)
                    .one(txn)
                    .await?
                    .ok_or(StoreError::NotFound)?;
                let cert = certificate::Entity::find()
                    .filter(certificate::Column::ProductId.eq(p.id))
                    .order_by_desc(certificate::Column::IssuedOn)
                    .order_by_desc(certificate::Column::Id)
                    .one(txn)
                    .await?;
                let Some(cert) = cert else {
                    // Monitoring is of recognised products (Art. 9.1).
                    if by.can_see(&ocop_domain::roles::Location {
                        producer_id: p.producer_id,
                        unit_path: &p.unit_path,
                        current_unit_path: &p.current_unit_path,
                    }) {
                        return Err(invalid("not_certified"));
                    }
                    return Err(StoreError::NotFound);
                };
                (
                    "product",
                    Some(p.producer_id),
                    Some(p.id),
                    Some(cert.id),
                    None,
                    p.name.clone(),
                    p.unit_path.clone(),
                    p.current_unit_path.clone(),
                )
            }
            Subject::Unit { code, period } => {
                let u = crate::units::resolve(txn, code, *period)
                    .await?
                    .ok_or(StoreError::NotFound)?;
                let unit = crate::units::find(txn, code, *period)
                    .await?
                    .ok_or(StoreError::NotFound)?;
                let district = unit.level == "district";
                if !(u.is_commune_level || district && *period == Period::Pre2025) {
                    return Err(invalid("unit_level"));
                }
                (
                    "unit",
                    None,
                    None,
                    None,
                    Some(u.code.clone()),
                    u.name.clone(),
                    u.path.clone(),
                    u.current_path.clone(),
                )
            }
        };
    if !di::may_plan(by, &unit_path, &current) {
        return Err(StoreError::NotFound);
    }
    let foci = di::parse_foci(&n.focus, subject).map_err(|e| invalid(&e))?;
    let inspector = user::Entity::find_by_id(n.inspector_id)
        .one(txn)
        .await?
        .ok_or_else(|| invalid("inspector"))?;
    let role: Role = inspector.role.parse().map_err(|_| invalid("inspector"))?;
    let ip = crate::users::principal(&inspector);
    if inspector.disabled
        || !di::may_inspect(role)
        || !matches!(ip.scope, Scope::All | Scope::Unit { .. })
        || !ip.may_place_in(&unit_path, &current)
    {
        return Err(invalid("inspector"));
    }
    if let Some(pid) = n.plan_id {
        inspection_plan::Entity::find_by_id(pid)
            .one(txn)
            .await?
            .ok_or_else(|| invalid("plan"))?;
    }
    let now = crate::now();
    let m = inspection::ActiveModel {
        plan_id: Set(n.plan_id),
        kind: Set(n.kind.clone()),
        subject: Set(subject.into()),
        producer_id: Set(producer_id),
        product_id: Set(product_id),
        certificate_id: Set(certificate_id),
        subject_unit_code: Set(unit_code),
        subject_name: Set(name),
        focus: Set(foci.join(",")),
        planned_on: Set(n.planned_on),
        inspector_id: Set(inspector.id),
        inspector_name: Set(inspector.display_name.clone()),
        state: Set("planned".into()),
        findings: Set(String::new()),
        lead: Set(n.lead.as_deref().map(|s| clip(s, 255))),
        unit_path: Set(unit_path),
        current_unit_path: Set(current),
        created_by: Set(actor.name.clone()),
        created_at: Set(now),
        updated_at: Set(now),
        version: Set(1),
        ..Default::default()
    }
    .insert(txn)
    .await?;
    audit::record(txn, actor, "inspection", m.id, "plan", None, Some(serde_json::json!({"subject": m.subject, "name": m.subject_name, "focus": m.focus, "planned_on": m.planned_on.to_string(), "inspector": inspector.username, "lead": m.lead}))).await?;
    Ok(m)
}

/// An inspection the principal may see; anything else is `NotFound`.
pub async fn get<C: ConnectionTrait>(c: &C, by: &Principal, id: i64) -> Result<inspection::Model> {
    let m = inspection::Entity::find_by_id(id)
        .one(c)
        .await?
        .ok_or(StoreError::NotFound)?;
    if !visible(by, &m) {
        return Err(StoreError::NotFound);
    }
    Ok(m)
}

fn visible(by: &Principal, m: &inspection::Model) -> bool {
    di::may_see(
        by,
        m.producer_id,
        &m.unit_path,
        &m.current_unit_path,
        &m.state,
    ) || (by.user_id == m.inspector_id && by.role != Role::Producer)
}

/// Filters of the inspection list.
#[derive(Debug, Clone, Default)]
pub struct Filter {
    pub state: Option<String>,
    /// Only those assigned to this user.
    pub inspector_id: Option<i64>,
    pub plan_id: Option<i64>,
    pub page: u64,
    pub per_page: u64,
}

/// Inspections the principal may see, by planned date (latest first).
pub async fn list<C: ConnectionTrait>(
    c: &C,
    by: &Principal,
    f: &Filter,
) -> Result<(Vec<inspection::Model>, u64)> {
    use inspection::Column as I;
    let mut q = inspection::Entity::find();
    q = match &by.scope {
        _ if matches!(by.role, Role::Viewer | Role::CouncilMember) => {
            q.filter(I::InspectorId.eq(by.user_id))
        }
        Scope::All => q,
        Scope::Unit { path } => q.filter(
            Condition::any()
                .add(I::UnitPath.starts_with(path))
                .add(I::CurrentUnitPath.starts_with(path))
                .add(I::InspectorId.eq(by.user_id)),
        ),
        Scope::Producer { producer_id } => q
            .filter(I::ProducerId.eq(*producer_id))
            .filter(I::State.is_in(["in_progress", "done"])),
        Scope::Nothing => q.filter(I::Id.eq(-1)),
    };
    if let Some(s) = &f.state {
        q = q.filter(I::State.eq(s.as_str()));
    }
    if let Some(i) = f.inspector_id {
        q = q.filter(I::InspectorId.eq(i));
    }
    if let Some(p) = f.plan_id {
        q = q.filter(I::PlanId.eq(p));
    }
    let total = q.clone().count(c).await?;
    let per = f.per_page.clamp(1, 200);
    let page = f.page.clamp(1, 1_000_000);
    let items = q
        .order_by_desc(I::PlannedOn)
        .order_by_desc(I::Id)
        .offset((page - 1) * per)
        .limit(per)
        .all(c)
        .await?;
    Ok((items, total))
}

/// An inspection with everything recorded on it.
#[derive(Debug, Clone)]
pub struct Detail {
    pub inspection: inspection::Model,
    pub checks: Vec<inspection_check::Model>,
    pub samples: Vec<inspection_sample::Model>,
    pub violations: Vec<inspection_violation::Model>,
    pub recalls: Vec<inspection_recall::Model>,
    pub photos: Vec<inspection_photo::Model>,
    pub certificate: Option<certificate::Model>,
}

pub async fn detail<C: ConnectionTrait>(c: &C, by: &Principal, id: i64) -> Result<Detail> {
    let m = get(c, by, id).await?;
    let checks = inspection_check::Entity::find()
        .filter(inspection_check::Column::InspectionId.eq(id))
        .order_by_asc(inspection_check::Column::Id)
        .all(c)
        .await?;
    let samples = inspection_sample::Entity::find()
        .filter(inspection_sample::Column::InspectionId.eq(id))
        .order_by_asc(inspection_sample::Column::Id)
        .all(c)
        .await?;
    let violations = inspection_violation::Entity::find()
        .filter(inspection_violation::Column::InspectionId.eq(id))
        .order_by_asc(inspection_violation::Column::Id)
        .all(c)
        .await?;
    let recalls = inspection_recall::Entity::find()
        .filter(inspection_recall::Column::InspectionId.eq(id))
        .order_by_asc(inspection_recall::Column::Id)
        .all(c)
        .await?;
    let photos = inspection_photo::Entity::find()
        .filter(inspection_photo::Column::InspectionId.eq(id))
        .order_by_asc(inspection_photo::Column::Id)
        .all(c)
        .await?;
    let certificate = match m.certificate_id {
        Some(cid) => certificate::Entity::find_by_id(cid).one(c).await?,
        None => None,
    };
    Ok(Detail {
        inspection: m,
        checks,
        samples,
        violations,
        recalls,
        photos,
        certificate,
    })
}

/// Loads the inspection for the assigned inspector to record on it, and moves it
/// from planned to in progress on the first record.
async fn for_recording<C: ConnectionTrait>(
    txn: &C,
    by: &Principal,
    id: i64,
) -> Result<inspection::Model> {
    let m = get(txn, by, id).await?;
    if !di::may_record(by, m.inspector_id, &m.state) {
        return Err(if m.state == "done" || m.state == "cancelled" {
            StoreError::Conflict
        } else {
            invalid("not_inspector")
        });
    }
    let mut am = m.clone().into_active_model();
    if m.state == "planned" {
        am.state = Set("in_progress".into());
    }
    am.version = Set(m.version + 1);
    am.updated_at = Set(crate::now());
    Ok(am.update(txn).await?)
}

/// Saves one field of the inspector's form as it changes: `findings`, or a
/// checklist line `check:<item>` (ok / not_ok / na) or its note `note:<item>`.
/// Each save stands alone, so a form filled on a weak connection loses at most
/// the field being typed.
pub async fn save_field<C: TransactionTrait>(
    db: &C,
    actor: &Actor,
    by: &Principal,
    id: i64,
    field: &str,
    value: &str,
) -> Result<inspection::Model> {
    save_fields(db, actor, by, id, &[(field.to_string(), value.to_string())]).await
}

/// Saves several fields of the inspector's form at once (the form sent without
/// script), all or none.
pub async fn save_fields<C: TransactionTrait>(
    db: &C,
    actor: &Actor,
    by: &Principal,
    id: i64,
    fields: &[(String, String)],
) -> Result<inspection::Model> {
    if fields.is_empty() {
        return Err(invalid("field"));
    }
    let txn = crate::db::begin_write(db).await?;
    let mut m = for_recording(&txn, by, id).await?;
    let foci: Vec<String> = m.focus.split(',').map(String::from).collect();
    for (field, value) in fields {
        if field == "findings" {
            let mut am = m.into_active_model();
            am.findings = Set(clip_multi(value, 20_000));
            m = am.update(&txn).await?;
        } else {
            let (kind, item) = field.split_once(':').ok_or_else(|| invalid("field"))?;
            let (f, _) = di::item(item).ok_or_else(|| invalid("field"))?;
            if !foci.iter().any(|x| x == f.code) {
                return Err(invalid("field"));
            }
            let existing = inspection_check::Entity::find()
                .filter(inspection_check::Column::InspectionId.eq(id))
                .filter(inspection_check::Column::Item.eq(item))
                .one(&txn)
                .await?;
            let mut am = match existing {
                Some(e) => e.into_active_model(),
                None => inspection_check::ActiveModel {
                    inspection_id: Set(id),
                    item: Set(item.into()),
                    result: Set(String::new()),
                    note: Set(String::new()),
                    ..Default::default()
                },
            };
            match kind {
                "check" if di::is_code(di::CHECK_RESULTS, value) || value.is_empty() => {
                    am.result = Set(value.clone())
                }
                "note" => am.note = Set(clip_multi(value, 2000)),
                _ => return Err(invalid("value")),
            }
            am.save(&txn).await?;
        }
    }
    let shown: Vec<serde_json::Value> = fields
        .iter()
        .map(|(f, v)| serde_json::json!({"field": f, "value": ocop_domain::text::truncate_chars(v, 200)}))
        .collect();
    audit::record(
        &txn,
        actor,
        "inspection",
        id,
        "record",
        None,
        Some(serde_json::json!(shown)),
    )
    .await?;
    txn.commit().await?;
    Ok(m)
}

/// A lab result as entered.
#[derive(Debug, Clone, Default)]
pub struct NewSample {
    pub sample_code: String,
    pub parameter: String,
    pub value: String,
    pub unit: String,
    pub limit_kind: String,
    pub limit: String,
    pub lab: String,
}

/// Records a sample's lab result; pass/fail is computed by the domain. A result
/// without unit is refused (`lab:unit`) and nothing is saved.
pub async fn add_sample<C: TransactionTrait>(
    db: &C,
    actor: &Actor,
    by: &Principal,
    id: i64,
    s: &NewSample,
) -> Result<inspection_sample::Model> {
    let passed = di::lab_pass(&s.parameter, &s.value, &s.unit, &s.limit_kind, &s.limit)
        .map_err(|e| invalid(&format!("lab:{}", e.field())))?;
    let txn = crate::db::begin_write(db).await?;
    for_recording(&txn, by, id).await?;
    let m = inspection_sample::ActiveModel {
        inspection_id: Set(id),
        sample_code: Set(clip(&s.sample_code, 60)),
        parameter: Set(clip(&s.parameter, 200)),
        value: Set(clip(&s.value, 30)),
        unit: Set(clip(&s.unit, 40)),
        limit_kind: Set(s.limit_kind.clone()),
        limit_value: Set(clip(&s.limit, 30)),
        passed: Set(passed),
        lab: Set(clip(&s.lab, 200)),
        created_at: Set(crate::now()),
        ..Default::default()
    }
    .insert(&txn)
    .await?;
    audit::record(&txn, actor, "inspection", id, "lab_result", None, Some(serde_json::json!({"sample": m.id, "parameter": m.parameter, "value": m.value, "unit": m.unit, "limit": format!("{} {}", m.limit_kind, m.limit_value), "passed": passed}))).await?;
    txn.commit().await?;
    Ok(m)
}

/// Records a violation with the corrective action required and its deadline (not
/// before today).
#[allow(clippy::too_many_arguments)]
pub async fn add_violation<C: TransactionTrait>(
    db: &C,
    actor: &Actor,
    by: &Principal,
    id: i64,
    focus: &str,
    description: &str,
    corrective_action: &str,
    deadline_on: NaiveDate,
    today: NaiveDate,
) -> Result<inspection_violation::Model> {
    let description = clip_multi(description, 4000);
    let action = clip_multi(corrective_action, 4000);
    if description.is_empty() {
        return Err(invalid("description"));
    }
    if action.is_empty() {
        return Err(invalid("corrective_action"));
    }
    if deadline_on < today {
        return Err(invalid("deadline_past"));
    }
    let txn = crate::db::begin_write(db).await?;
    let m = for_recording(&txn, by, id).await?;
    if !m.focus.split(',').any(|f| f == focus) {
        return Err(invalid("focus"));
    }
    let v = inspection_violation::ActiveModel {
        inspection_id: Set(id),
        producer_id: Set(m.producer_id),
        focus: Set(focus.into()),
        description: Set(description.clone()),
        corrective_action: Set(action.clone()),
        deadline_on: Set(deadline_on),
        status: Set("open".into()),
        unit_path: Set(m.unit_path.clone()),
        current_unit_path: Set(m.current_unit_path.clone()),
        created_at: Set(crate::now()),
        ..Default::default()
    }
    .insert(&txn)
    .await?;
    if let Some(pid) = m.producer_id {
        crate::notify::to_parties(
            &txn,
            pid,
            &format!(
                "Kiểm tra sau công nhận: yêu cầu khắc phục – {}",
                m.subject_name
            ),
            &format!(
                "{description} — Biện pháp: {action}; hạn {}",
                ocop_domain::format::date_vn(deadline_on)
            ),
            &format!("/inspections/{id}"),
        )
        .await?;
    }
    audit::record(&txn, actor, "inspection", id, "violation", None, Some(serde_json::json!({"violation": v.id, "focus": focus, "description": description, "action": action, "deadline": deadline_on.to_string()}))).await?;
    txn.commit().await?;
    Ok(v)
}

/// Follows a violation up: `fixed` or `not_fixed`, on a day, with a note.
#[allow(clippy::too_many_arguments)]
pub async fn follow_up<C: TransactionTrait>(
    db: &C,
    actor: &Actor,
    by: &Principal,
    violation_id: i64,
    status: &str,
    note: &str,
    on: NaiveDate,
    today: NaiveDate,
) -> Result<inspection_violation::Model> {
    if !matches!(status, "fixed" | "not_fixed") {
        return Err(invalid("status"));
    }
    if on > today {
        return Err(invalid("date_future"));
    }
    let txn = crate::db::begin_write(db).await?;
    let v = inspection_violation::Entity::find_by_id(violation_id)
        .one(&txn)
        .await?
        .ok_or(StoreError::NotFound)?;
    let m = get(&txn, by, v.inspection_id).await?;
    if !di::may_follow_up(by, m.inspector_id, &m.unit_path, &m.current_unit_path) {
        return Err(invalid("not_inspector"));
    }
    if v.status != "open" {
        return Err(StoreError::Conflict);
    }
    let mut am = v.into_active_model();
    am.status = Set(status.into());
    am.followed_up_on = Set(Some(on));
    am.follow_up_note = Set(Some(clip_multi(note, 2000)));
    let v = am.update(&txn).await?;
    audit::record(
        &txn,
        actor,
        "inspection",
        m.id,
        "follow_up",
        None,
        Some(serde_json::json!({"violation": v.id, "status": status, "on": on.to_string()})),
    )
    .await?;
    txn.commit().await?;
    Ok(v)
}

/// Orders a recall of a batch (quantity > 0, a unit of quantity, a reason).
#[allow(clippy::too_many_arguments)]
pub async fn add_recall<C: TransactionTrait>(
    db: &C,
    actor: &Actor,
    by: &Principal,
    id: i64,
    batch: &str,
    quantity: i64,
    quantity_unit: &str,
    reason: &str,
) -> Result<inspection_recall::Model> {
    let (batch, qunit, reason) = (
        clip(batch, 100),
        clip(quantity_unit, 40),
        clip_multi(reason, 2000),
    );
    if batch.is_empty() {
        return Err(invalid("batch"));
    }
    if quantity <= 0 {
        return Err(invalid("quantity"));
    }
    if qunit.is_empty() {
        return Err(invalid("quantity_unit"));
    }
    if reason.is_empty() {
        return Err(invalid("reason"));
    }
    let txn = crate::db::begin_write(db).await?;
    let m = for_recording(&txn, by, id).await?;
    if m.subject != "product" {
        return Err(invalid("not_a_product"));
    }
    let r = inspection_recall::ActiveModel {
        inspection_id: Set(id),
        batch: Set(batch),
        quantity: Set(quantity),
        quantity_unit: Set(qunit),
        reason: Set(reason),
        status: Set("ordered".into()),
        created_at: Set(crate::now()),
        ..Default::default()
    }
    .insert(&txn)
    .await?;
    audit::record(&txn, actor, "inspection", id, "recall", None, Some(serde_json::json!({"recall": r.id, "batch": r.batch, "quantity": quantity, "unit": r.quantity_unit}))).await?;
    txn.commit().await?;
    Ok(r)
}

/// Moves a recall forward (ordered → in_progress → completed).
pub async fn recall_status<C: TransactionTrait>(
    db: &C,
    actor: &Actor,
    by: &Principal,
    recall_id: i64,
    status: &str,
) -> Result<inspection_recall::Model> {
    let txn = crate::db::begin_write(db).await?;
    let r = inspection_recall::Entity::find_by_id(recall_id)
        .one(&txn)
        .await?
        .ok_or(StoreError::NotFound)?;
    let m = get(&txn, by, r.inspection_id).await?;
    if !di::may_follow_up(by, m.inspector_id, &m.unit_path, &m.current_unit_path) {
        return Err(invalid("not_inspector"));
    }
    let order = |s: &str| di::RECALL_STATES.iter().position(|x| x.0 == s);
    match (order(&r.status), order(status)) {
        (Some(a), Some(b)) if b > a => {}
        (_, None) => return Err(invalid("status")),
        _ => return Err(StoreError::Conflict),
    }
    let mut am = r.into_active_model();
    am.status = Set(status.into());
    let r = am.update(&txn).await?;
    audit::record(
        &txn,
        actor,
        "inspection",
        m.id,
        "recall_status",
        None,
        Some(serde_json::json!({"recall": r.id, "status": status})),
    )
    .await?;
    txn.commit().await?;
    Ok(r)
}

/// Concludes the inspection: `compliant` (no violation recorded) or `violations`
/// (at least one), with the conclusion's text, on a day not in the future.
#[allow(clippy::too_many_arguments)]
pub async fn conclude<C: TransactionTrait>(
    db: &C,
    actor: &Actor,
    by: &Principal,
    id: i64,
    outcome: &str,
    conclusion: &str,
    on: NaiveDate,
    today: NaiveDate,
) -> Result<inspection::Model> {
    if !di::is_code(di::OUTCOMES, outcome) {
        return Err(invalid("outcome"));
    }
    let conclusion = clip_multi(conclusion, 8000);
    if conclusion.is_empty() {
        return Err(invalid("conclusion"));
    }
    if on > today {
        return Err(invalid("date_future"));
    }
    let txn = crate::db::begin_write(db).await?;
    let m = for_recording(&txn, by, id).await?;
    if on < m.planned_on - chrono::Duration::days(60) {
        return Err(invalid("date_before_plan"));
    }
    let n = inspection_violation::Entity::find()
        .filter(inspection_violation::Column::InspectionId.eq(id))
        .count(&txn)
        .await?;
    if (outcome == "violations") != (n > 0) {
        return Err(invalid(if n > 0 {
            "has_violations"
        } else {
            "no_violations"
        }));
    }
    let mut am = m.into_active_model();
    am.state = Set("done".into());
    am.outcome = Set(Some(outcome.into()));
    am.conclusion = Set(Some(conclusion.clone()));
    am.done_on = Set(Some(on));
    let m = am.update(&txn).await?;
    if let Some(pid) = m.producer_id {
        crate::notify::to_parties(
            &txn,
            pid,
            &format!("Kết luận kiểm tra sau công nhận: {}", m.subject_name),
            &format!(
                "{} — {}",
                di::label(di::OUTCOMES, outcome, ocop_domain::registry::Lang::Vi),
                conclusion
            ),
            &format!("/inspections/{id}"),
        )
        .await?;
    }
    audit::record(
        &txn,
        actor,
        "inspection",
        id,
        "conclude",
        None,
        Some(
            serde_json::json!({"outcome": outcome, "conclusion": conclusion, "on": on.to_string()}),
        ),
    )
    .await?;
    txn.commit().await?;
    Ok(m)
}

/// Cancels a planned or started inspection (the planner).
pub async fn cancel<C: TransactionTrait>(
    db: &C,
    actor: &Actor,
    by: &Principal,
    id: i64,
) -> Result<inspection::Model> {
    let txn = crate::db::begin_write(db).await?;
    let m = get(&txn, by, id).await?;
    if !di::may_plan(by, &m.unit_path, &m.current_unit_path) {
        return Err(invalid("not_planner"));
    }
    if !matches!(m.state.as_str(), "planned" | "in_progress") {
        return Err(StoreError::Conflict);
    }
    let mut am = m.clone().into_active_model();
    am.state = Set("cancelled".into());
    am.version = Set(m.version + 1);
    am.updated_at = Set(crate::now());
    let m = am.update(&txn).await?;
    audit::record(&txn, actor, "inspection", id, "cancel", None, None).await?;
    txn.commit().await?;
    Ok(m)
}

/// The inspection's proposal to revoke: opens the certificate's revocation case
/// (`certificates::open_case_in`, Art. 8.3–8.4: the competent level then has 15
/// days) and links it, in one transaction. By the assigned inspector or a planner,
/// on an inspection in progress or concluded, once.
pub async fn propose_revocation<C: TransactionTrait>(
    db: &C,
    actor: &Actor,
    by: &Principal,
    id: i64,
    ground: &str,
    today: NaiveDate,
) -> Result<(inspection::Model, crate::entities::revocation_case::Model)> {
    let txn = crate::db::begin_write(db).await?;
    let m = get(&txn, by, id).await?;
    if !di::may_follow_up(by, m.inspector_id, &m.unit_path, &m.current_unit_path) {
        return Err(invalid("not_inspector"));
    }
    if !matches!(m.state.as_str(), "in_progress" | "done") {
        return Err(invalid("not_started"));
    }
    if m.revocation_case_id.is_some() {
        return Err(invalid("case_open"));
    }
    let cert_id = m.certificate_id.ok_or_else(|| invalid("not_a_product"))?;
    let cert = crate::certificates::get(&txn, cert_id).await?;
    let concluded = m.done_on.unwrap_or(today);
    let case = crate::certificates::open_case_in(
        &txn,
        actor,
        Some(by),
        &cert.number,
        ground,
        &format!("Biên bản kiểm tra sau công nhận số KT-{id}"),
        concluded,
        today,
    )
    .await?;
    let mut am = m.clone().into_active_model();
    am.revocation_case_id = Set(Some(case.id));
    am.version = Set(m.version + 1);
    am.updated_at = Set(crate::now());
    let m = am.update(&txn).await?;
    audit::record(
        &txn,
        actor,
        "inspection",
        id,
        "propose_revocation",
        None,
        Some(serde_json::json!({"case": case.id, "certificate": cert.number, "ground": ground})),
    )
    .await?;
    txn.commit().await?;
    Ok((m, case))
}

/// The producer answers the findings of its own inspection.
pub async fn answer<C: TransactionTrait>(
    db: &C,
    actor: &Actor,
    by: &Principal,
    id: i64,
    text: &str,
) -> Result<inspection::Model> {
    let text = clip_multi(text, 8000);
    if text.is_empty() {
        return Err(invalid("answer"));
    }
    let txn = crate::db::begin_write(db).await?;
    let m = get(&txn, by, id).await?;
    if by.role != Role::Producer {
        return Err(invalid("not_producer"));
    }
    let mut am = m.clone().into_active_model();
    am.producer_answer = Set(Some(text.clone()));
    am.version = Set(m.version + 1);
    am.updated_at = Set(crate::now());
    let m = am.update(&txn).await?;
    audit::record(
        &txn,
        actor,
        "inspection",
        id,
        "producer_answer",
        None,
        Some(serde_json::json!({"answer": text})),
    )
    .await?;
    txn.commit().await?;
    Ok(m)
}

/// Adds a photo (the caller checked type and size with
/// `ocop_domain::inspections::photo_ok`) to the producer's document store and links it.
#[allow(clippy::too_many_arguments)]
pub async fn add_photo<C: TransactionTrait>(
    db: &C,
    files: &dyn crate::documents::FileStore,
    actor: &Actor,
    by: &Principal,
    id: i64,
    filename: &str,
    content_type: &str,
    bytes: &[u8],
) -> Result<inspection_photo::Model> {
    if !di::photo_ok(content_type, bytes.len()) {
        return Err(invalid("photo"));
    }
    let txn = crate::db::begin_write(db).await?;
    let m = for_recording(&txn, by, id).await?;
    let pid = m.producer_id.ok_or_else(|| invalid("not_a_product"))?;
    let doc = crate::documents::add(
        &txn,
        files,
        actor,
        crate::documents::NewDocument {
            producer_id: pid,
            doc_type: "inspection_photo",
            title: &format!("Ảnh kiểm tra KT-{id}"),
            filename,
            content_type,
            valid_until: None,
            bytes,
        },
    )
    .await?;
    let ph = inspection_photo::ActiveModel {
        inspection_id: Set(id),
        document_id: Set(doc.id),
        ..Default::default()
    }
    .insert(&txn)
    .await?;
    audit::record(
        &txn,
        actor,
        "inspection",
        id,
        "photo",
        None,
        Some(serde_json::json!({"document": doc.id, "size": bytes.len()})),
    )
    .await?;
    txn.commit().await?;
    Ok(ph)
}

/// Open violations in scope, earliest deadline first (for follow-up and the plan
/// indicators: "open violations").
pub async fn open_violations<C: ConnectionTrait>(
    c: &C,
    scope: &Scope,
) -> Result<Vec<inspection_violation::Model>> {
    use inspection_violation::Column as V;
    let mut q = inspection_violation::Entity::find().filter(V::Status.eq("open"));
    q = match scope {
        Scope::All => q,
        Scope::Unit { path } => q.filter(
            Condition::any()
                .add(V::UnitPath.starts_with(path))
                .add(V::CurrentUnitPath.starts_with(path)),
        ),
        Scope::Producer { producer_id } => q.filter(V::ProducerId.eq(*producer_id)),
        Scope::Nothing => return Ok(vec![]),
    };
    Ok(q.order_by_asc(V::DeadlineOn).all(c).await?)
}

/// Keeps a public lookup of an expired or revoked certificate (called by
/// `certificates::count_lookup`).
pub async fn record_lookup<C: ConnectionTrait>(
    c: &C,
    cert: &certificate::Model,
    status: &str,
    today: NaiveDate,
) -> Result<()> {
    certificate_lookup::ActiveModel {
        certificate_id: Set(cert.id),
        status: Set(status.into()),
        looked_on: Set(today),
        unit_path: Set(cert.unit_path.clone()),
        current_unit_path: Set(cert.current_unit_path.clone()),
        ..Default::default()
    }
    .insert(c)
    .await?;
    Ok(())
}

/// A lead for the plan: lookups of one expired/revoked certificate, or reports of
/// suspicious labels, in one place and ISO week.
#[derive(Debug, Clone, PartialEq)]
pub struct Lead {
    /// "lookup" or "report".
    pub source: &'static str,
    /// The commune of the certificate's producer, or the place a report names.
    pub place: String,
    pub week: String,
    pub number: String,
    pub product_id: Option<i64>,
    pub product: String,
    /// expired / revoked (lookups), or the report's status.
    pub status: String,
    pub count: u64,
    /// An inspection planned from this lead, if any.
    pub inspection_id: Option<i64>,
    /// The lead's key, stored on an inspection planned from it.
    pub key: String,
}

/// Leads since a day, in scope: lookups of expired/revoked certificates and reports
/// of suspicious labels (those naming a certificate in scope; the others only for a
/// province-wide or national scope), grouped by place and ISO week, most first.
pub async fn leads<C: ConnectionTrait>(
    c: &C,
    scope: &Scope,
    since: NaiveDate,
) -> Result<Vec<Lead>> {
    use certificate_lookup::Column as L;
    let mut q = certificate_lookup::Entity::find().filter(L::LookedOn.gte(since));
    q = match scope {
        Scope::All => q,
        Scope::Unit { path } => q.filter(
            Condition::any()
                .add(L::UnitPath.starts_with(path))
                .add(L::CurrentUnitPath.starts_with(path)),
        ),
        _ => return Ok(vec![]),
    };
    let rows = q.all(c).await?;
    let mut cert_ids: Vec<i64> = rows.iter().map(|r| r.certificate_id).collect();
    let reports = label_report::Entity::find()
        .filter(
            label_report::Column::CreatedAt
                .gte(since.and_hms_opt(0, 0, 0).unwrap_or_default().and_utc()),
        )
        .all(c)
        .await?;
    let report_certs = certificate::Entity::find()
        .filter(
            certificate::Column::Number
                .is_in(reports.iter().map(|r| r.number.clone()).collect::<Vec<_>>()),
        )
        .all(c)
        .await?;
    cert_ids.extend(report_certs.iter().map(|x| x.id));
    cert_ids.sort_unstable();
    cert_ids.dedup();
    let certs = certificate::Entity::find()
        .filter(certificate::Column::Id.is_in(cert_ids))
        .all(c)
        .await?;
    let producers = producer::Entity::find()
        .filter(producer::Column::Id.is_in(certs.iter().map(|x| x.producer_id).collect::<Vec<_>>()))
        .all(c)
        .await?;
    let commune = |cert: &certificate::Model| {
        producers
            .iter()
            .find(|p| p.id == cert.producer_id)
            .map(|p| p.commune_name.clone())
            .unwrap_or_default()
    };
    let planned = inspection::Entity::find()
        .filter(inspection::Column::Lead.is_not_null())
        .filter(inspection::Column::State.ne("cancelled"))
        .all(c)
        .await?;
    let planned_for = |key: &str| {
        planned
            .iter()
            .find(|i| i.lead.as_deref() == Some(key))
            .map(|i| i.id)
    };
    let mut out: Vec<Lead> = Vec::new();
    for r in &rows {
        let Some(cert) = certs.iter().find(|x| x.id == r.certificate_id) else {
            continue;
        };
        let week = di::iso_week(r.looked_on);
        let key = format!("lookup:{}:{week}", cert.number);
        match out.iter_mut().find(|l| l.key == key) {
            Some(l) => l.count += 1,
            None => out.push(Lead {
                source: "lookup",
                place: commune(cert),
                week,
                number: cert.number.clone(),
                product_id: Some(cert.product_id),
                product: cert.product_name.clone(),
                status: r.status.clone(),
                count: 1,
                inspection_id: planned_for(&key),
                key,
            }),
        }
    }
    let wide = match scope {
        Scope::All => true,
        Scope::Unit { path } => path.matches('/').count() <= 2,
        _ => false,
    };
    for r in &reports {
        let cert = report_certs.iter().find(|x| x.number == r.number);
        let in_scope = match (cert, scope) {
            (Some(_), Scope::All) => true,
            (Some(x), Scope::Unit { path }) => {
                x.unit_path.starts_with(path.as_str())
                    || x.current_unit_path.starts_with(path.as_str())
            }
            (None, _) => wide,
            _ => false,
        };
        if !in_scope {
            continue;
        }
        let day = r
            .created_at
            .with_timezone(&chrono::FixedOffset::east_opt(7 * 3600).expect("UTC+7"))
            .date_naive();
        let week = di::iso_week(day);
        let place = if r.place.trim().is_empty() {
            cert.map(commune).unwrap_or_default()
        } else {
            r.place.clone()
        };
        let key = format!(
            "report:{}:{}:{week}",
            r.number,
            ocop_domain::text::fold(&place)
        );
        match out.iter_mut().find(|l| l.key == key) {
            Some(l) => l.count += 1,
            None => out.push(Lead {
                source: "report",
                place,
                week,
                number: r.number.clone(),
                product_id: cert.map(|x| x.product_id),
                product: cert.map(|x| x.product_name.clone()).unwrap_or_default(),
                status: r.status.clone(),
                count: 1,
                inspection_id: planned_for(&key),
                key,
            }),
        }
    }
    out.sort_by(|a, b| {
        b.week
            .cmp(&a.week)
            .then(b.count.cmp(&a.count))
            .then(a.place.cmp(&b.place))
            .then(a.number.cmp(&b.number))
    });
    Ok(out)
}

/// Turns a lead into a planned ad-hoc inspection of the certificate's product,
/// focused on labelling and the use of the OCOP mark (Art. 9.3.b), in one step.
pub async fn plan_from_lead<C: TransactionTrait>(
    db: &C,
    actor: &Actor,
    by: &Principal,
    key: &str,
    inspector_id: i64,
    planned_on: NaiveDate,
    today: NaiveDate,
) -> Result<inspection::Model> {
    let mut parts = key.split(':');
    let (Some(source), Some(number)) = (parts.next(), parts.next()) else {
        return Err(invalid("lead"));
    };
    if !matches!(source, "lookup" | "report") {
        return Err(invalid("lead"));
    }
    let txn = crate::db::begin_write(db).await?;
    let cert = crate::certificates::by_number(&txn, number)
        .await?
        .ok_or(StoreError::NotFound)?;
    if let Some(i) = inspection::Entity::find()
        .filter(inspection::Column::Lead.eq(key))
        .filter(inspection::Column::State.ne("cancelled"))
        .one(&txn)
        .await?
    {
        if visible(by, &i) {
            return Err(invalid("lead_planned"));
        }
    }
    let n = NewInspection {
        plan_id: None,
        kind: "adhoc".into(),
        subject: Subject::Product(cert.product_id),
        focus: "labelling".into(),
        planned_on,
        inspector_id,
        lead: Some(key.into()),
    };
    let m = plan_in(&txn, actor, by, &n, today).await?;
    txn.commit().await?;
    Ok(m)
}

/// Counts for the plan's indicators (issue 13): inspections planned (all but
/// cancelled) and done in a year, and open violations, in scope.
pub async fn counts<C: ConnectionTrait>(
    c: &C,
    scope: &Scope,
    year: i32,
    today: NaiveDate,
) -> Result<(u64, u64, u64, u64)> {
    let from = NaiveDate::from_ymd_opt(year, 1, 1).ok_or_else(|| invalid("year"))?;
    let to = NaiveDate::from_ymd_opt(year, 12, 31).ok_or_else(|| invalid("year"))?;
    use inspection::Column as I;
    let base = match scope {
        Scope::All => inspection::Entity::find(),
        Scope::Unit { path } => inspection::Entity::find().filter(
            Condition::any()
                .add(I::UnitPath.starts_with(path))
                .add(I::CurrentUnitPath.starts_with(path)),
        ),
        _ => return Ok((0, 0, 0, 0)),
    }
    .filter(I::PlannedOn.between(from, to));
    let planned = base
        .clone()
        .filter(I::State.ne("cancelled"))
        .count(c)
        .await?;
    let done = base.filter(I::State.eq("done")).count(c).await?;
    let open = open_violations(c, scope).await?;
    let overdue = open
        .iter()
        .filter(|v| di::overdue(&v.status, v.deadline_on, today))
        .count() as u64;
    Ok((planned, done, open.len() as u64, overdue))
}
