//! Councils, members, sessions, agenda items and members' score sheets. Every change
//! writes an audit entry in its transaction; re-scoring keeps the earlier sheets in
//! the audit trail.

use crate::audit::{self, Actor};
use crate::entities::{
    attendance, commune_assessment, council, council_member, council_session, dossier,
    item_conflict, member_link, producer, product, score_sheet, session_item,
};
use crate::error::{Result, StoreError};
use chrono::NaiveDate;
use ocop_domain::council::{
    check_agenda, detect_conflict, may_assess, waiting_state, AgendaFacts, AgendaRefusal,
    AssessRefusal, CommuneAssessment, ConflictKind, CouncilLevel, Link, MemberRole, SessionMode,
    SheetStatus,
};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, Condition, ConnectionTrait, EntityTrait, IntoActiveModel,
    QueryFilter, QueryOrder, Set, TransactionSession, TransactionTrait,
};

/// Creates a council for a unit.
pub async fn create_council<C: TransactionTrait>(
    db: &C,
    actor: &Actor,
    name: &str,
    level: &str,
    unit: (String, String, String),
) -> Result<council::Model> {
    let txn = crate::db::begin_write(db).await?;
    let m = council::ActiveModel {
        name: Set(ocop_domain::text::clean(name)),
        level: Set(level.into()),
        unit_code: Set(unit.0),
        unit_period: Set(unit.1),
        unit_path: Set(unit.2),
        created_at: Set(crate::now()),
        ..Default::default()
    }
    .insert(&txn)
    .await?;
    audit::record(
        &txn,
        actor,
        "council",
        m.id,
        "create",
        None,
        Some(serde_json::json!({"name": m.name, "level": m.level, "unit_code": m.unit_code})),
    )
    .await?;
    txn.commit().await?;
    Ok(m)
}

/// Councils whose unit lies under `path` (all when `None`), newest first.
pub async fn list_councils<C: ConnectionTrait>(
    c: &C,
    path: Option<&str>,
) -> Result<Vec<council::Model>> {
    let mut q = council::Entity::find();
    if let Some(p) = path {
        // A province officer sees the province's councils and the central ones? No:
        // the councils whose unit is inside their area, or that contain it.
        q = q.filter(Condition::any().add(council::Column::UnitPath.starts_with(p)));
    }
    Ok(q.order_by_desc(council::Column::Id).all(c).await?)
}

pub async fn get_council<C: ConnectionTrait>(c: &C, id: i64) -> Result<council::Model> {
    council::Entity::find_by_id(id)
        .one(c)
        .await?
        .ok_or(StoreError::NotFound)
}

/// Adds a member; `user_id` links the account that will score.
pub async fn add_member<C: TransactionTrait>(
    db: &C,
    actor: &Actor,
    council_id: i64,
    user_id: Option<i64>,
    full_name: &str,
    position: &str,
    role: MemberRole,
) -> Result<council_member::Model> {
    let txn = crate::db::begin_write(db).await?;
    get_council(&txn, council_id).await?;
    if let Some(u) = user_id {
        let dup = council_member::Entity::find()
            .filter(council_member::Column::CouncilId.eq(council_id))
            .filter(council_member::Column::UserId.eq(u))
            .filter(council_member::Column::Active.eq(true))
            .one(&txn)
            .await?;
        if dup.is_some() {
            return Err(StoreError::Duplicate("user_id"));
        }
    }
    let m = council_member::ActiveModel {
        council_id: Set(council_id),
        user_id: Set(user_id),
        full_name: Set(ocop_domain::text::clean(full_name)),
        position: Set(ocop_domain::text::clean(position)),
        role: Set(role.as_str().into()),
        active: Set(true),
        ..Default::default()
    }
    .insert(&txn)
    .await?;
    audit::record(&txn, actor, "council", council_id, "add_member", None, Some(serde_json::json!({"member": m.id, "full_name": m.full_name, "role": m.role, "user_id": user_id}))).await?;
    txn.commit().await?;
    Ok(m)
}

pub async fn members<C: ConnectionTrait>(
    c: &C,
    council_id: i64,
) -> Result<Vec<council_member::Model>> {
    Ok(council_member::Entity::find()
        .filter(council_member::Column::CouncilId.eq(council_id))
        .filter(council_member::Column::Active.eq(true))
        .order_by_asc(council_member::Column::Id)
        .all(c)
        .await?)
}

pub async fn get_member<C: ConnectionTrait>(c: &C, id: i64) -> Result<council_member::Model> {
    council_member::Entity::find_by_id(id)
        .one(c)
        .await?
        .ok_or(StoreError::NotFound)
}

/// Registers a link between a member and a producer (belongs, adviser, relative).
pub async fn add_link<C: TransactionTrait>(
    db: &C,
    actor: &Actor,
    member_id: i64,
    producer_id: i64,
    kind: ConflictKind,
) -> Result<()> {
    let txn = crate::db::begin_write(db).await?;
    let m = get_member(&txn, member_id).await?;
    producer::Entity::find_by_id(producer_id)
        .one(&txn)
        .await?
        .ok_or(StoreError::NotFound)?;
    member_link::ActiveModel {
        member_id: Set(member_id),
        producer_id: Set(producer_id),
        kind: Set(kind.as_str().into()),
        ..Default::default()
    }
    .insert(&txn)
    .await?;
    audit::record(&txn, actor, "council", m.council_id, "add_link", None, Some(serde_json::json!({"member": member_id, "producer": producer_id, "kind": kind.as_str()}))).await?;
    txn.commit().await?;
    Ok(())
}

pub async fn links<C: ConnectionTrait>(c: &C, member_id: i64) -> Result<Vec<Link>> {
    Ok(member_link::Entity::find()
        .filter(member_link::Column::MemberId.eq(member_id))
        .all(c)
        .await?
        .into_iter()
        .filter_map(|l| {
            Some(Link {
                producer_id: l.producer_id,
                kind: l.kind.parse().ok()?,
            })
        })
        .collect())
}

/// Opens a session of a council; every active member is recorded as present.
pub async fn create_session<C: TransactionTrait>(
    db: &C,
    actor: &Actor,
    council_id: i64,
    title: &str,
    held_on: NaiveDate,
    mode: SessionMode,
) -> Result<council_session::Model> {
    create_session_in_round(db, actor, council_id, title, held_on, mode, None).await
}

/// Opens a session, tied to an evaluation round of the council's level and area when
/// `round_id` is given (its agenda then takes that round's dossiers only).
pub async fn create_session_in_round<C: TransactionTrait>(
    db: &C,
    actor: &Actor,
    council_id: i64,
    title: &str,
    held_on: NaiveDate,
    mode: SessionMode,
    round_id: Option<i64>,
) -> Result<council_session::Model> {
    let txn = crate::db::begin_write(db).await?;
    let c = get_council(&txn, council_id).await?;
    // A session of a level that does not exist on its date (QĐ 26/2026 Art. 4.1;
    // no district after 01/07/2025).
    if let Some(level) = ocop_domain::workflow::Level::parse(&c.level) {
        ocop_domain::workflow::level_on_embedded(level, held_on).map_err(StoreError::Workflow)?;
    }
    if let Some(r) = round_id {
        let r = crate::rounds::get_round(&txn, r).await?;
        if r.level != c.level
            || !(ocop_domain::units::path_within(&r.unit_path, &c.unit_path)
                || ocop_domain::units::path_within(&c.unit_path, &r.unit_path))
        {
            return Err(StoreError::Invalid("round_mismatch".into()));
        }
    }
    let s = council_session::ActiveModel {
        round_id: Set(round_id),
        presiding_member_id: Set(None),
        council_id: Set(council_id),
        title: Set(ocop_domain::text::clean(title)),
        held_on: Set(held_on),
        mode: Set(mode.as_str().into()),
        status: Set("open".into()),
        created_at: Set(crate::now()),
        ..Default::default()
    }
    .insert(&txn)
    .await?;
    for m in members(&txn, council_id).await? {
        attendance::ActiveModel {
            session_id: Set(s.id),
            member_id: Set(m.id),
            present: Set(true),
            ..Default::default()
        }
        .insert(&txn)
        .await?;
    }
    audit::record(&txn, actor, "session", s.id, "create", None, Some(serde_json::json!({"council": council_id, "title": s.title, "held_on": held_on.to_string(), "mode": s.mode, "round": round_id}))).await?;
    txn.commit().await?;
    Ok(s)
}

pub async fn sessions<C: ConnectionTrait>(
    c: &C,
    council_id: i64,
) -> Result<Vec<council_session::Model>> {
    Ok(council_session::Entity::find()
        .filter(council_session::Column::CouncilId.eq(council_id))
        .order_by_desc(council_session::Column::HeldOn)
        .all(c)
        .await?)
}

pub async fn get_session<C: ConnectionTrait>(c: &C, id: i64) -> Result<council_session::Model> {
    council_session::Entity::find_by_id(id)
        .one(c)
        .await?
        .ok_or(StoreError::NotFound)
}

/// Attendance of a session: member id → present.
pub async fn attendance<C: ConnectionTrait>(
    c: &C,
    session_id: i64,
) -> Result<Vec<attendance::Model>> {
    Ok(attendance::Entity::find()
        .filter(attendance::Column::SessionId.eq(session_id))
        .all(c)
        .await?)
}

/// Records who is present (members not listed are absent) and which vice-chair, if
/// any, the chair authorised to preside (it must be a vice-chair of the council).
pub async fn set_attendance<C: TransactionTrait>(
    db: &C,
    actor: &Actor,
    session_id: i64,
    present: &[i64],
    presiding: Option<i64>,
) -> Result<()> {
    let txn = crate::db::begin_write(db).await?;
    let s = get_session(&txn, session_id).await?;
    let all = members(&txn, s.council_id).await?;
    if let Some(p) = presiding {
        if !all
            .iter()
            .any(|m| m.id == p && m.role == MemberRole::ViceChair.as_str())
        {
            return Err(StoreError::Invalid("presiding_not_vice_chair".into()));
        }
    }
    if s.presiding_member_id != presiding {
        let mut am = s.clone().into_active_model();
        am.presiding_member_id = Set(presiding);
        am.update(&txn).await?;
    }
    for m in all {
        let is = present.contains(&m.id);
        match attendance::Entity::find()
            .filter(attendance::Column::SessionId.eq(session_id))
            .filter(attendance::Column::MemberId.eq(m.id))
            .one(&txn)
            .await?
        {
            Some(a) => {
                let mut am = a.into_active_model();
                am.present = Set(is);
                am.update(&txn).await?;
            }
            None => {
                attendance::ActiveModel {
                    session_id: Set(session_id),
                    member_id: Set(m.id),
                    present: Set(is),
                    ..Default::default()
                }
                .insert(&txn)
                .await?;
            }
        }
    }
    audit::record(
        &txn,
        actor,
        "session",
        session_id,
        "attendance",
        None,
        Some(serde_json::json!({"present": present, "presiding": presiding})),
    )
    .await?;
    txn.commit().await?;
    Ok(())
}

/// Puts a product on the agenda and records the conflicts its producer's registered
/// links give.
pub async fn add_item<C: TransactionTrait>(
    db: &C,
    actor: &Actor,
    session_id: i64,
    product_id: i64,
    sheet_code: &str,
    rulebook_id: &str,
    commune_choices: serde_json::Value,
) -> Result<session_item::Model> {
    let txn = crate::db::begin_write(db).await?;
    let s = get_session(&txn, session_id).await?;
    let p = product::Entity::find_by_id(product_id)
        .one(&txn)
        .await?
        .ok_or(StoreError::NotFound)?;
    // The product's dossier waiting for a council, if any.
    let dossier = crate::entities::dossier::Entity::find()
        .filter(crate::entities::dossier::Column::ProductId.eq(product_id))
        .filter(crate::entities::dossier::Column::State.is_in([
            "district_council",
            "province_council",
            "central_council",
        ]))
        .order_by_desc(crate::entities::dossier::Column::Id)
        .one(&txn)
        .await?;
    let item = session_item::ActiveModel {
        dossier_id: Set(dossier.map(|d| d.id)),
        session_id: Set(session_id),
        product_id: Set(product_id),
        sheet_code: Set(sheet_code.into()),
        rulebook_id: Set(rulebook_id.into()),
        commune_choices: Set(commune_choices.to_string()),
        status: Set("open".into()),
        scoring_round: Set(1),
        result: Set(None),
        stars: Set(None),
        average: Set(None),
        note: Set(String::new()),
        closed_at: Set(None),
        version: Set(1),
        ..Default::default()
    }
    .insert(&txn)
    .await
    .map_err(StoreError::unique_as("product_id"))?;
    for m in members(&txn, s.council_id).await? {
        if let Some(kind) = detect_conflict(&links(&txn, m.id).await?, p.producer_id) {
            item_conflict::ActiveModel {
                item_id: Set(item.id),
                member_id: Set(m.id),
                kind: Set(kind.as_str().into()),
                reason: Set(String::new()),
                ..Default::default()
            }
            .insert(&txn)
            .await?;
        }
    }
    audit::record(&txn, actor, "session", session_id, "add_item", None, Some(serde_json::json!({"item": item.id, "product": product_id, "sheet": sheet_code, "rulebook": rulebook_id}))).await?;
    txn.commit().await?;
    Ok(item)
}

pub async fn items<C: ConnectionTrait>(c: &C, session_id: i64) -> Result<Vec<session_item::Model>> {
    Ok(session_item::Entity::find()
        .filter(session_item::Column::SessionId.eq(session_id))
        .order_by_asc(session_item::Column::Id)
        .all(c)
        .await?)
}

/// An agenda item still open, at the version the caller read: a stale version is
/// a conflict, a closed item is refused (`item_closed`).
async fn open_item_at<C: ConnectionTrait>(
    c: &C,
    item_id: i64,
    expected_version: i32,
) -> Result<session_item::Model> {
    let item = get_item(c, item_id).await?;
    if item.version != expected_version {
        return Err(StoreError::Conflict);
    }
    if item.status == "closed" {
        return Err(StoreError::Invalid("item_closed".into()));
    }
    Ok(item)
}

pub async fn get_item<C: ConnectionTrait>(c: &C, id: i64) -> Result<session_item::Model> {
    session_item::Entity::find_by_id(id)
        .one(c)
        .await?
        .ok_or(StoreError::NotFound)
}

pub async fn conflicts<C: ConnectionTrait>(
    c: &C,
    item_id: i64,
) -> Result<Vec<item_conflict::Model>> {
    Ok(item_conflict::Entity::find()
        .filter(item_conflict::Column::ItemId.eq(item_id))
        .all(c)
        .await?)
}

/// A member declares a conflict on an item (and may then not score it).
pub async fn declare_conflict<C: TransactionTrait>(
    db: &C,
    actor: &Actor,
    item_id: i64,
    member_id: i64,
    reason: &str,
) -> Result<()> {
    let txn = crate::db::begin_write(db).await?;
    get_item(&txn, item_id).await?;
    item_conflict::ActiveModel {
        item_id: Set(item_id),
        member_id: Set(member_id),
        kind: Set(ConflictKind::Declared.as_str().into()),
        reason: Set(ocop_domain::text::clean(reason)),
        ..Default::default()
    }
    .insert(&txn)
    .await
    .map_err(StoreError::unique_as("conflict"))?;
    // A draft the member had started no longer counts.
    score_sheet::Entity::delete_many()
        .filter(score_sheet::Column::ItemId.eq(item_id))
        .filter(score_sheet::Column::MemberId.eq(member_id))
        .exec(&txn)
        .await?;
    audit::record(
        &txn,
        actor,
        "session_item",
        item_id,
        "declare_conflict",
        None,
        Some(serde_json::json!({"member": member_id, "reason": reason})),
    )
    .await?;
    txn.commit().await?;
    Ok(())
}

pub async fn sheets<C: ConnectionTrait>(c: &C, item_id: i64) -> Result<Vec<score_sheet::Model>> {
    Ok(score_sheet::Entity::find()
        .filter(score_sheet::Column::ItemId.eq(item_id))
        .all(c)
        .await?)
}

pub async fn get_sheet<C: ConnectionTrait>(
    c: &C,
    item_id: i64,
    member_id: i64,
) -> Result<Option<score_sheet::Model>> {
    Ok(score_sheet::Entity::find()
        .filter(score_sheet::Column::ItemId.eq(item_id))
        .filter(score_sheet::Column::MemberId.eq(member_id))
        .one(c)
        .await?)
}

fn sheet_json(s: &score_sheet::Model) -> serde_json::Value {
    serde_json::json!({"member": s.member_id, "choices": serde_json::from_str::<serde_json::Value>(&s.choices).unwrap_or_default(), "total": s.total, "status": s.status, "evidence": serde_json::from_str::<serde_json::Value>(&s.evidence).unwrap_or_default(), "knockouts": knockouts_of(s)})
}

/// The knock-out ids a member recorded on a sheet.
pub fn knockouts_of(s: &score_sheet::Model) -> Vec<String> {
    serde_json::from_str(&s.knockouts).unwrap_or_default()
}

/// What a member writes on a sheet: the answers, their total and the documents
/// cited per criterion.
#[derive(Debug, Clone, PartialEq)]
pub struct SheetContent {
    pub choices: serde_json::Value,
    pub total: i32,
    pub evidence: serde_json::Value,
}

/// What a member does with their sheet.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SheetAction {
    SaveDraft,
    Submit,
    Confirm,
}

/// Saves, submits or confirms a member's sheet. A confirmed (locked) sheet cannot
/// change; `expected_version` is the version read (0 for a new sheet).
pub async fn write_sheet<C: TransactionTrait>(
    db: &C,
    actor: &Actor,
    item_id: i64,
    member_id: i64,
    expected_version: i32,
    content: Option<SheetContent>,
    action: SheetAction,
) -> Result<score_sheet::Model> {
    write_sheet_with_knockouts(
        db,
        actor,
        item_id,
        member_id,
        expected_version,
        content.map(|c| (c, None)),
        action,
    )
    .await
}

/// [`write_sheet`] with the knock-outs (điểm liệt) the member records: ids of the
/// rulebook's `knockouts`; `None` keeps those already on the sheet.
pub async fn write_sheet_with_knockouts<C: TransactionTrait>(
    db: &C,
    actor: &Actor,
    item_id: i64,
    member_id: i64,
    expected_version: i32,
    content: Option<(SheetContent, Option<Vec<String>>)>,
    action: SheetAction,
) -> Result<score_sheet::Model> {
    let (content, knockouts) = match content {
        Some((c, k)) => (Some(c), k),
        None => (None, None),
    };
    let knockouts_json = knockouts.map(|k| serde_json::json!(k).to_string());
    let txn = crate::db::begin_write(db).await?;
    let item = get_item(&txn, item_id).await?;
    if item.status == "closed" {
        return Err(StoreError::Invalid("item_closed".into()));
    }
    let existing = get_sheet(&txn, item_id, member_id).await?;
    let current_version = existing.as_ref().map(|s| s.version).unwrap_or(0);
    if current_version != expected_version {
        return Err(StoreError::Conflict);
    }
    if existing
        .as_ref()
        .is_some_and(|s| s.status == SheetStatus::Locked.as_str())
    {
        return Err(StoreError::Invalid("sheet_locked".into()));
    }
    let status = match action {
        SheetAction::SaveDraft => SheetStatus::Draft,
        SheetAction::Submit => SheetStatus::Submitted,
        SheetAction::Confirm => {
            if existing.as_ref().map(|s| s.status.as_str()) != Some(SheetStatus::Submitted.as_str())
            {
                return Err(StoreError::Invalid("not_submitted".into()));
            }
            SheetStatus::Locked
        }
    };
    let before = existing.as_ref().map(sheet_json);
    let now = crate::now();
    let m = match existing {
        Some(e) => {
            let mut am = e.into_active_model();
            if let Some(c) = content {
                am.choices = Set(c.choices.to_string());
                am.total = Set(c.total);
                am.evidence = Set(c.evidence.to_string());
            }
            if let Some(k) = &knockouts_json {
                am.knockouts = Set(k.clone());
            }
            am.status = Set(status.as_str().into());
            if status != SheetStatus::Draft {
                am.submitted_at = Set(Some(now));
            }
            am.version = Set(expected_version + 1);
            am.update(&txn).await?
        }
        None => {
            let c = content.unwrap_or(SheetContent {
                choices: serde_json::json!({}),
                total: 0,
                evidence: serde_json::json!({}),
            });
            score_sheet::ActiveModel {
                item_id: Set(item_id),
                member_id: Set(member_id),
                choices: Set(c.choices.to_string()),
                total: Set(c.total),
                evidence: Set(c.evidence.to_string()),
                knockouts: Set(knockouts_json.clone().unwrap_or_else(|| "[]".into())),
                status: Set(status.as_str().into()),
                submitted_at: Set((status != SheetStatus::Draft).then_some(now)),
                version: Set(1),
                ..Default::default()
            }
            .insert(&txn)
            .await?
        }
    };
    let action_name = match action {
        SheetAction::SaveDraft => "save_sheet",
        SheetAction::Submit => "submit_sheet",
        SheetAction::Confirm => "confirm_sheet",
    };
    audit::record(
        &txn,
        actor,
        "session_item",
        item_id,
        action_name,
        before,
        Some(sheet_json(&m)),
    )
    .await?;
    txn.commit().await?;
    Ok(m)
}

/// Sends every sheet of an item back to draft for a new round of scoring (after a
/// discussion). The sheets as they were stay in the audit trail.
pub async fn rescore<C: TransactionTrait>(
    db: &C,
    actor: &Actor,
    item_id: i64,
    reason: &str,
) -> Result<()> {
    let txn = crate::db::begin_write(db).await?;
    let item = get_item(&txn, item_id).await?;
    if item.status == "closed" {
        return Err(StoreError::Invalid("item_closed".into()));
    }
    let old: Vec<serde_json::Value> = sheets(&txn, item_id)
        .await?
        .iter()
        .map(sheet_json)
        .collect();
    score_sheet::Entity::update_many()
        .col_expr(
            score_sheet::Column::Status,
            sea_orm::sea_query::Expr::value(SheetStatus::Draft.as_str()),
        )
        .filter(score_sheet::Column::ItemId.eq(item_id))
        .exec(&txn)
        .await?;
    let round = item.scoring_round + 1;
    let mut am = item.into_active_model();
    am.scoring_round = Set(round);
    am.status = Set("open".into());
    am.version = Set(am.version.clone().unwrap() + 1);
    am.update(&txn).await?;
    audit::record(
        &txn,
        actor,
        "session_item",
        item_id,
        "rescore",
        Some(serde_json::json!({"sheets": old})),
        Some(serde_json::json!({"round": round, "reason": reason})),
    )
    .await?;
    txn.commit().await?;
    Ok(())
}

/// Marks an item as flagged for discussion (members' totals too far apart).
pub async fn flag<C: TransactionTrait>(
    db: &C,
    actor: &Actor,
    item_id: i64,
    note: &str,
) -> Result<()> {
    let txn = crate::db::begin_write(db).await?;
    let item = get_item(&txn, item_id).await?;
    let mut am = item.into_active_model();
    am.status = Set("flagged".into());
    am.note = Set(note.into());
    am.update(&txn).await?;
    audit::record(
        &txn,
        actor,
        "session_item",
        item_id,
        "flag",
        None,
        Some(serde_json::json!({"note": note})),
    )
    .await?;
    txn.commit().await?;
    Ok(())
}

/// Closes an item with the council's result, without moving a dossier (the demo's
/// history loader); pages and the API use [`close_and_move`].
#[allow(clippy::too_many_arguments)]
pub async fn close_item<C: TransactionTrait>(
    db: &C,
    actor: &Actor,
    item_id: i64,
    expected_version: i32,
    result: serde_json::Value,
    stars: i32,
    average: f64,
    note: &str,
) -> Result<session_item::Model> {
    let txn = crate::db::begin_write(db).await?;
    let item = open_item_at(&txn, item_id, expected_version).await?;
    let mut am = item.into_active_model();
    am.status = Set("closed".into());
    am.result = Set(Some(result.to_string()));
    am.stars = Set(Some(stars));
    am.average = Set(Some(average));
    am.note = Set(note.into());
    am.closed_at = Set(Some(crate::now()));
    am.version = Set(expected_version + 1);
    let m = am.update(&txn).await?;
    audit::record(
        &txn,
        actor,
        "session_item",
        item_id,
        "close",
        None,
        Some(serde_json::json!({"stars": stars, "average": average, "note": note})),
    )
    .await?;
    txn.commit().await?;
    Ok(m)
}

/// The member records of a user across councils.
pub async fn memberships<C: ConnectionTrait>(
    c: &C,
    user_id: i64,
) -> Result<Vec<council_member::Model>> {
    Ok(council_member::Entity::find()
        .filter(council_member::Column::UserId.eq(user_id))
        .filter(council_member::Column::Active.eq(true))
        .all(c)
        .await?)
}

/// Records the commune's scores on its criteria for an item.
pub async fn set_commune_choices<C: TransactionTrait>(
    db: &C,
    actor: &Actor,
    item_id: i64,
    choices: serde_json::Value,
) -> Result<()> {
    let txn = crate::db::begin_write(db).await?;
    let item = get_item(&txn, item_id).await?;
    let before = serde_json::from_str::<serde_json::Value>(&item.commune_choices).ok();
    let v = item.version;
    let mut am = item.into_active_model();
    am.commune_choices = Set(choices.to_string());
    am.version = Set(v + 1);
    am.update(&txn).await?;
    audit::record(
        &txn,
        actor,
        "session_item",
        item_id,
        "commune_scores",
        before,
        Some(choices),
    )
    .await?;
    txn.commit().await?;
    Ok(())
}

// ----- the lawful workflow (issue 9): agenda, closing in one transaction, the
// commune's assessment -----

/// Why a council command was refused or failed.
#[derive(Debug)]
pub enum WorkflowError {
    /// The agenda rules refuse the product (finding 6, 7).
    Agenda(AgendaRefusal),
    /// The commune's assessment may not be written now or by this user.
    Assess(AssessRefusal),
    /// The dossier's state machine refused the council's result.
    Dossier(crate::dossiers::TransitionError),
    Store(StoreError),
}

impl From<StoreError> for WorkflowError {
    fn from(e: StoreError) -> Self {
        WorkflowError::Store(e)
    }
}

impl From<sea_orm::DbErr> for WorkflowError {
    fn from(e: sea_orm::DbErr) -> Self {
        WorkflowError::Store(StoreError::Db(e))
    }
}

/// States of a dossier that is still being processed (not final, not a draft).
const OPEN_STATES: [&str; 5] = [
    "submitted",
    "supplement_requested",
    "district_council",
    "province_council",
    "central_council",
];

/// The product's newest dossier still in process.
async fn open_dossier<C: ConnectionTrait>(
    c: &C,
    product_id: i64,
) -> Result<Option<dossier::Model>> {
    Ok(dossier::Entity::find()
        .filter(dossier::Column::ProductId.eq(product_id))
        .filter(dossier::Column::State.is_in(OPEN_STATES))
        .order_by_desc(dossier::Column::Id)
        .one(c)
        .await?)
}

/// Is the product on an open agenda item of any session?
pub async fn open_item_of_product<C: ConnectionTrait>(
    c: &C,
    product_id: i64,
) -> Result<Option<session_item::Model>> {
    Ok(session_item::Entity::find()
        .filter(session_item::Column::ProductId.eq(product_id))
        .filter(session_item::Column::Status.ne("closed"))
        .one(c)
        .await?)
}

/// Puts a product's waiting dossier on a session's agenda, under the rules of
/// [`ocop_domain::council::check_agenda`], checked inside the transaction; records
/// the conflicts its producer's registered links give. The sheet is the product's,
/// under the dossier's rulebook when it uses that sheet, else the rulebook of the
/// session's date, else the latest that does.
pub async fn put_on_agenda<C: TransactionTrait>(
    db: &C,
    lib: &ocop_domain::rulebook::Library,
    actor: &Actor,
    session_id: i64,
    product_id: i64,
) -> std::result::Result<session_item::Model, WorkflowError> {
    let txn = crate::db::begin_write(db).await?;
    let s = get_session(&txn, session_id).await?;
    let c = get_council(&txn, s.council_id).await?;
    let p = product::Entity::find_by_id(product_id)
        .one(&txn)
        .await?
        .ok_or(StoreError::NotFound)?;
    let level: CouncilLevel = c
        .level
        .parse()
        .map_err(|_| StoreError::Invalid("council level".into()))?;
    let mode: SessionMode = s.mode.parse().unwrap_or(SessionMode::Meeting);
    let d = open_dossier(&txn, product_id).await?;
    let rb_date = lib.in_force(s.held_on);
    let in_area = |unit: &str, current: &str| {
        ocop_domain::units::path_within(unit, &c.unit_path)
            || ocop_domain::units::path_within(current, &c.unit_path)
    };
    let facts = AgendaFacts {
        level,
        mode,
        dossier: d.as_ref().map(|d| {
            (
                crate::dossiers::parse_state(&d.state)
                    .unwrap_or(ocop_domain::dossier::State::Draft),
                crate::dossiers::parse_kind(&d.kind)
                    .unwrap_or(ocop_domain::dossier::Kind::FirstEvaluation),
                d.round_id,
            )
        }),
        in_area: in_area(&p.unit_path, &p.current_unit_path)
            && d.as_ref()
                .is_none_or(|d| in_area(&d.unit_path, &d.current_unit_path)),
        session_round: s.round_id,
        written_allowed: rb_date.is_some_and(|r| r.written_opinions_for_reevaluation),
        open_elsewhere: open_item_of_product(&txn, product_id).await?.is_some(),
    };
    check_agenda(&facts).map_err(WorkflowError::Agenda)?;
    let d = d.ok_or(WorkflowError::Agenda(AgendaRefusal::NoDossierWaiting {
        state: None,
    }))?;
    let using = lib.rulebooks_of_sheet(&p.set_code);
    let rb = using
        .iter()
        .find(|r| r.id == d.rulebook_id)
        .or_else(|| {
            using
                .iter()
                .find(|r| Some(r.id.as_str()) == rb_date.map(|x| x.id.as_str()))
        })
        .or(using.first())
        .ok_or_else(|| StoreError::Invalid("no_sheet".into()))?;
    debug_assert_eq!(waiting_state(level).as_str(), d.state);
    let item = session_item::ActiveModel {
        dossier_id: Set(Some(d.id)),
        session_id: Set(session_id),
        product_id: Set(product_id),
        sheet_code: Set(p.set_code.clone()),
        rulebook_id: Set(rb.id.clone()),
        commune_choices: Set("{}".into()),
        status: Set("open".into()),
        scoring_round: Set(1),
        result: Set(None),
        stars: Set(None),
        average: Set(None),
        note: Set(String::new()),
        closed_at: Set(None),
        version: Set(1),
        mode: Set(None),
        ..Default::default()
    }
    .insert(&txn)
    .await
    .map_err(|e| match StoreError::unique_as("product_id")(e) {
        // Two officers at once: the database keeps one open item per product.
        StoreError::Duplicate(_) => WorkflowError::Agenda(AgendaRefusal::AlreadyOnAgenda),
        e => WorkflowError::Store(e),
    })?;
    for m in members(&txn, s.council_id).await? {
        if let Some(kind) = detect_conflict(&links(&txn, m.id).await?, p.producer_id) {
            item_conflict::ActiveModel {
                item_id: Set(item.id),
                member_id: Set(m.id),
                kind: Set(kind.as_str().into()),
                reason: Set(String::new()),
                ..Default::default()
            }
            .insert(&txn)
            .await?;
        }
    }
    audit::record(&txn, actor, "session", session_id, "add_item", None, Some(serde_json::json!({"item": item.id, "product": product_id, "dossier": d.id, "sheet": p.set_code, "rulebook": rb.id}))).await?;
    txn.commit().await?;
    Ok(item)
}

/// Written opinions diverged: the item turns into a meeting (QĐ 26/2026 Art. 7.6.d),
/// flagged with the reason; its sheets stay as they are.
pub async fn to_meeting<C: TransactionTrait>(
    db: &C,
    actor: &Actor,
    item_id: i64,
    expected_version: i32,
    note: &str,
) -> Result<session_item::Model> {
    let txn = crate::db::begin_write(db).await?;
    let item = open_item_at(&txn, item_id, expected_version).await?;
    let mut am = item.into_active_model();
    am.mode = Set(Some(SessionMode::Meeting.as_str().into()));
    am.status = Set("flagged".into());
    am.note = Set(note.into());
    am.version = Set(expected_version + 1);
    let m = am.update(&txn).await?;
    audit::record(
        &txn,
        actor,
        "session_item",
        item_id,
        "to_meeting",
        None,
        Some(serde_json::json!({"note": note})),
    )
    .await?;
    txn.commit().await?;
    Ok(m)
}

/// What closing an agenda item writes.
#[derive(Debug, Clone)]
pub struct Closing {
    pub result: serde_json::Value,
    pub stars: i32,
    pub average: f64,
    pub note: String,
    /// The event the council's result is for the item's dossier, with the role it is
    /// applied as, and the session's date (the rulebook in force on it decides).
    pub dossier_event: Option<(ocop_domain::roles::Role, ocop_domain::dossier::Event)>,
    pub held_on: NaiveDate,
}

/// Closes an agenda item with the council's result and moves its dossier on, in ONE
/// transaction: if the dossier's state machine refuses, nothing is written.
pub async fn close_and_move<C: TransactionTrait>(
    db: &C,
    lib: &ocop_domain::rulebook::Library,
    actor: &Actor,
    item_id: i64,
    expected_version: i32,
    c: &Closing,
) -> std::result::Result<(session_item::Model, Option<dossier::Model>), WorkflowError> {
    let txn = crate::db::begin_write(db).await?;
    let item = open_item_at(&txn, item_id, expected_version).await?;
    let dossier_id = item.dossier_id;
    let mut am = item.into_active_model();
    am.status = Set("closed".into());
    am.result = Set(Some(c.result.to_string()));
    am.stars = Set(Some(c.stars));
    am.average = Set(Some(c.average));
    am.note = Set(c.note.clone());
    am.closed_at = Set(Some(crate::now()));
    am.version = Set(expected_version + 1);
    let m = am.update(&txn).await?;
    audit::record(
        &txn,
        actor,
        "session_item",
        item_id,
        "close",
        None,
        Some(serde_json::json!({"stars": c.stars, "average": c.average, "note": c.note, "dossier": dossier_id})),
    )
    .await?;
    let moved = match (dossier_id, &c.dossier_event) {
        (Some(did), Some((role, event))) => {
            let d = crate::dossiers::get(&txn, did).await?;
            // A nested transaction (a savepoint) inside this one: its failure rolls
            // the whole command back.
            let after = crate::dossiers::transition(
                &txn, lib, actor, *role, did, d.version, event, c.held_on,
            )
            .await
            .map_err(WorkflowError::Dossier)?;
            Some(after)
        }
        _ => None,
    };
    txn.commit().await?;
    Ok((m, moved))
}

/// The commune's assessment of a dossier, if written.
pub async fn assessment<C: ConnectionTrait>(
    c: &C,
    dossier_id: i64,
) -> Result<Option<commune_assessment::Model>> {
    Ok(commune_assessment::Entity::find()
        .filter(commune_assessment::Column::DossierId.eq(dossier_id))
        .one(c)
        .await?)
}

pub fn assessment_of(m: &commune_assessment::Model) -> CommuneAssessment {
    CommuneAssessment {
        origin_materials: m.origin_materials.clone(),
        local_labour: m.local_labour.clone(),
        idea_origin: m.idea_origin.clone(),
        local_identity: m.local_identity.clone(),
        proposal: m.proposal.clone(),
    }
}

/// Writes (or rewrites) the commune's assessment of a dossier. The rule of
/// [`ocop_domain::council::may_assess`] is checked on the dossier as it is inside
/// the transaction; `in_scope` says the user's area holds the dossier;
/// `expected_version` is 0 for a first assessment. Empty or too long fields are
/// refused (`StoreError::Invalid("assessment_invalid")`).
pub async fn save_assessment<C: TransactionTrait>(
    db: &C,
    actor: &Actor,
    role: ocop_domain::roles::Role,
    in_scope: bool,
    dossier_id: i64,
    expected_version: i32,
    a: &CommuneAssessment,
) -> std::result::Result<commune_assessment::Model, WorkflowError> {
    let txn = crate::db::begin_write(db).await?;
    let d = crate::dossiers::get(&txn, dossier_id).await?;
    let state =
        crate::dossiers::parse_state(&d.state).unwrap_or(ocop_domain::dossier::State::Draft);
    may_assess(role, in_scope, state).map_err(WorkflowError::Assess)?;
    let clean = CommuneAssessment {
        origin_materials: ocop_domain::text::clean(&a.origin_materials),
        local_labour: ocop_domain::text::clean(&a.local_labour),
        idea_origin: ocop_domain::text::clean(&a.idea_origin),
        local_identity: ocop_domain::text::clean(&a.local_identity),
        proposal: ocop_domain::text::clean(&a.proposal),
    };
    if !clean.problems().is_empty() {
        return Err(StoreError::Invalid("assessment_invalid".into()).into());
    }
    let existing = assessment(&txn, dossier_id).await?;
    if existing.as_ref().map(|e| e.version).unwrap_or(0) != expected_version {
        return Err(StoreError::Conflict.into());
    }
    let before = existing
        .as_ref()
        .map(|e| serde_json::json!(assessment_of(e)));
    let m = match existing {
        Some(e) => {
            let mut am = e.into_active_model();
            am.origin_materials = Set(clean.origin_materials.clone());
            am.local_labour = Set(clean.local_labour.clone());
            am.idea_origin = Set(clean.idea_origin.clone());
            am.local_identity = Set(clean.local_identity.clone());
            am.proposal = Set(clean.proposal.clone());
            am.written_by = Set(actor.name.clone());
            am.updated_at = Set(crate::now());
            am.version = Set(expected_version + 1);
            am.update(&txn).await?
        }
        None => commune_assessment::ActiveModel {
            dossier_id: Set(dossier_id),
            origin_materials: Set(clean.origin_materials.clone()),
            local_labour: Set(clean.local_labour.clone()),
            idea_origin: Set(clean.idea_origin.clone()),
            local_identity: Set(clean.local_identity.clone()),
            proposal: Set(clean.proposal.clone()),
            written_by: Set(actor.name.clone()),
            updated_at: Set(crate::now()),
            version: Set(1),
            ..Default::default()
        }
        .insert(&txn)
        .await
        .map_err(StoreError::unique_as("dossier_id"))?,
    };
    audit::record(
        &txn,
        actor,
        "dossier",
        dossier_id,
        "commune_assessment",
        before,
        Some(serde_json::json!(clean)),
    )
    .await?;
    txn.commit().await?;
    Ok(m)
}
