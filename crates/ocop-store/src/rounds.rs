//! Evaluation rounds (đợt) and recognition decisions (quyết định công nhận).

use crate::audit::{self, Actor};
use crate::entities::{certificate, decision, dossier, round, session_item};
use crate::error::{Result, StoreError};
use chrono::NaiveDate;
use ocop_domain::roles::Principal;
use ocop_domain::rulebook::Library;
use ocop_domain::workflow::{Level, Refusal};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, IntoActiveModel, QueryFilter,
    QueryOrder, Set, TransactionSession, TransactionTrait,
};

/// Opens a round of a level for a unit.
pub async fn create_round<C: TransactionTrait>(
    db: &C,
    actor: &Actor,
    name: &str,
    level: &str,
    unit: (String, String),
    proposals_by: NaiveDate,
    closes_on: NaiveDate,
) -> Result<round::Model> {
    if closes_on < proposals_by {
        return Err(StoreError::Invalid("closes_before_proposals".into()));
    }
    let txn = crate::db::begin_write(db).await?;
    let m = round::ActiveModel {
        name: Set(ocop_domain::text::clean(name)),
        level: Set(level.into()),
        unit_code: Set(unit.0),
        unit_path: Set(unit.1),
        proposals_by: Set(proposals_by),
        closes_on: Set(closes_on),
        status: Set("open".into()),
        created_at: Set(crate::now()),
        ..Default::default()
    }
    .insert(&txn)
    .await?;
    audit::record(&txn, actor, "round", m.id, "create", None, Some(serde_json::json!({"name": m.name, "proposals_by": proposals_by.to_string(), "closes_on": closes_on.to_string()}))).await?;
    txn.commit().await?;
    Ok(m)
}

pub async fn list_rounds<C: ConnectionTrait>(
    c: &C,
    path: Option<&str>,
) -> Result<Vec<round::Model>> {
    let mut q = round::Entity::find();
    if let Some(p) = path {
        q = q.filter(round::Column::UnitPath.starts_with(p));
    }
    Ok(q.order_by_desc(round::Column::ClosesOn).all(c).await?)
}

pub async fn get_round<C: ConnectionTrait>(c: &C, id: i64) -> Result<round::Model> {
    round::Entity::find_by_id(id)
        .one(c)
        .await?
        .ok_or(StoreError::NotFound)
}

/// Puts a dossier in a round (proposals close on the round's date).
pub async fn join<C: TransactionTrait>(
    db: &C,
    actor: &Actor,
    dossier_id: i64,
    round_id: i64,
    today: NaiveDate,
) -> Result<()> {
    let txn = crate::db::begin_write(db).await?;
    let r = get_round(&txn, round_id).await?;
    if r.status != "open" || today > r.proposals_by {
        return Err(StoreError::Invalid("round_closed".into()));
    }
    let d = dossier::Entity::find_by_id(dossier_id)
        .one(&txn)
        .await?
        .ok_or(StoreError::NotFound)?;
    let mut am = d.clone().into_active_model();
    am.round_id = Set(Some(round_id));
    // At the council already: the round's closing date bounds the stage.
    if matches!(d.state.as_str(), "district_council" | "province_council") {
        am.deadline_on = Set(Some(
            d.deadline_on.map_or(r.closes_on, |dl| dl.min(r.closes_on)),
        ));
    }
    am.version = Set(d.version + 1);
    am.update(&txn).await?;
    audit::record(
        &txn,
        actor,
        "dossier",
        dossier_id,
        "join_round",
        None,
        Some(serde_json::json!({"round": round_id})),
    )
    .await?;
    txn.commit().await?;
    Ok(())
}

pub async fn dossiers_of<C: ConnectionTrait>(c: &C, round_id: i64) -> Result<Vec<dossier::Model>> {
    Ok(dossier::Entity::find()
        .filter(dossier::Column::RoundId.eq(round_id))
        .order_by_asc(dossier::Column::Id)
        .all(c)
        .await?)
}

/// What a decision says. The issuing body is not typed by anyone: it follows from
/// the level and unit that decide, on the decision's date (QĐ 26/2026 Art. 4.1).
#[derive(Debug, Clone)]
pub struct DecisionInput {
    pub number: String,
    pub signed_on: NaiveDate,
    pub signer: String,
}

/// The body that signs for `level` over the unit at `unit_path` on `on`.
pub async fn body_of<C: ConnectionTrait>(
    c: &C,
    level: Level,
    unit_path: &str,
    on: NaiveDate,
) -> Result<String> {
    let name = crate::units::find_by_path(c, unit_path)
        .await?
        .map(|u| u.name)
        .unwrap_or_default();
    Ok(ocop_domain::workflow::issuing_body(level, &name, on))
}

/// The unit whose committee decides at `level` for a record at these paths: its old
/// district (from the pre-2025 path `VN/12/105/03386/`), its province, or the
/// country.
pub fn authority_path(level: Level, unit_path: &str, current_path: &str) -> String {
    let segments: Vec<&str> = unit_path.trim_end_matches('/').split('/').collect();
    match (level, segments.as_slice()) {
        (Level::Central, _) => "VN/".into(),
        (Level::District, [vn, prov, district, _]) => format!("{vn}/{prov}/{district}/"),
        _ => format!("VN/{}/", current_path.split('/').nth(1).unwrap_or_default()),
    }
}

/// Checks that a decision of `level` may be signed on `on` by `by` for a record at
/// these paths: the level exists that day (no district after 07/2025), the date is
/// not in the future, and `by` is that level's officer in its area (`None`: the
/// system recording history).
fn check_decision(
    lib: &Library,
    by: Option<&Principal>,
    level: Level,
    on: NaiveDate,
    today: NaiveDate,
    paths: (&str, &str),
    stars: u8,
) -> Result<()> {
    if on > today {
        return Err(StoreError::Workflow(Refusal::DateInFuture { on }));
    }
    ocop_domain::workflow::level_on(lib, level, on).map_err(StoreError::Workflow)?;
    if let Some(p) = by {
        if !ocop_domain::workflow::is_authority(p, level, paths.0, paths.1) {
            return Err(StoreError::Workflow(Refusal::WrongAuthority {
                needed: level,
                stars,
            }));
        }
    }
    Ok(())
}

/// Records a recognition decision for what a session's council recognised and
/// issues the certificates under it, in one transaction. Each closed item's dossier
/// must be recognised *at this council's level* (a ≥ 90 product at the province is
/// not: it waits for the chairman's approval and the ministry); a dossier already
/// certified is skipped, so a repeated click issues nothing twice. Items without a
/// dossier (older sessions) are recognised only with stars the level recognises.
pub async fn decide_session<C: TransactionTrait>(
    db: &C,
    lib: &Library,
    actor: &Actor,
    by: Option<&Principal>,
    session_id: i64,
    d: &DecisionInput,
    today: NaiveDate,
) -> Result<(decision::Model, Vec<certificate::Model>)> {
    let txn = crate::db::begin_write(db).await?;
    let session = crate::councils::get_session(&txn, session_id).await?;
    let council = crate::councils::get_council(&txn, session.council_id).await?;
    let level = Level::parse(&council.level).unwrap_or(Level::Province);
    if d.signed_on < session.held_on {
        return Err(StoreError::Invalid("signed_before_session".into()));
    }
    check_decision(
        lib,
        by,
        level,
        d.signed_on,
        today,
        (&council.unit_path, &council.unit_path),
        0,
    )?;
    let rb =
        ocop_domain::workflow::level_on(lib, level, d.signed_on).map_err(StoreError::Workflow)?;
    let recognisable = ocop_domain::workflow::recognises(rb, level);
    let body = body_of(&txn, level, &council.unit_path, d.signed_on).await?;
    let m = insert_decision(&txn, d, &body, level, Some(session_id)).await?;
    let mut certs = Vec::new();
    let items = session_item::Entity::find()
        .filter(session_item::Column::SessionId.eq(session_id))
        .filter(session_item::Column::Status.eq("closed"))
        .all(&txn)
        .await?;
    for it in items {
        let (stars, dossier_id) = match it.dossier_id {
            Some(did) => {
                let dossier = crate::dossiers::get(&txn, did).await?;
                let here = dossier.recognised_level.as_deref() == Some(level.as_str());
                match (dossier.state.as_str(), dossier.recognised_stars, here) {
                    ("recognised", Some(st), true) => (st as u8, Some(did)),
                    _ => continue,
                }
            }
            None => (it.stars.unwrap_or(0).clamp(0, 5) as u8, None),
        };
        if !recognisable.contains(&stars) {
            continue;
        }
        if let Some(did) = dossier_id {
            if crate::certificates::of_dossier(&txn, did).await?.is_some() {
                continue;
            }
        } else if crate::certificates::current_of(&txn, it.product_id)
            .await?
            .is_some_and(|c| c.issued_on >= session.held_on)
        {
            continue;
        }
        certs.push(
            issue_under(
                &txn,
                actor,
                &m,
                d,
                &body,
                rb,
                it.product_id,
                stars,
                dossier_id,
            )
            .await?,
        );
    }
    if certs.is_empty() {
        return Err(StoreError::Invalid("nothing_to_recognise".into()));
    }
    audit::record(&txn, actor, "decision", m.id, "create", None, Some(serde_json::json!({"number": m.number, "session": session_id, "body": body, "certificates": certs.iter().map(|c| c.number.clone()).collect::<Vec<_>>()}))).await?;
    txn.commit().await?;
    Ok((m, certs))
}

async fn insert_decision<C: ConnectionTrait>(
    txn: &C,
    d: &DecisionInput,
    body: &str,
    level: Level,
    session_id: Option<i64>,
) -> Result<decision::Model> {
    let number = ocop_domain::text::clean(&d.number);
    if number.is_empty() {
        return Err(StoreError::Invalid("number".into()));
    }
    Ok(decision::ActiveModel {
        number: Set(number),
        signed_on: Set(d.signed_on),
        signer: Set(ocop_domain::text::clean(&d.signer)),
        issuing_body: Set(body.to_string()),
        level: Set(level.as_str().into()),
        session_id: Set(session_id),
        created_at: Set(crate::now()),
        ..Default::default()
    }
    .insert(txn)
    .await?)
}

/// Issues a product's certificate under a decision.
#[allow(clippy::too_many_arguments)]
async fn issue_under<C: TransactionTrait + ConnectionTrait>(
    txn: &C,
    actor: &Actor,
    m: &decision::Model,
    d: &DecisionInput,
    body: &str,
    rb: &ocop_domain::rulebook::Rulebook,
    product_id: i64,
    stars: u8,
    dossier_id: Option<i64>,
) -> Result<certificate::Model> {
    let c = crate::certificates::issue(
        txn,
        actor,
        &crate::certificates::Issue {
            product_id,
            stars,
            issued_on: d.signed_on,
            months: rb.certificate_months,
            issuing_body: body.to_string(),
            decision_ref: format!(
                "{} ngày {}",
                m.number,
                ocop_domain::format::date_vn(d.signed_on)
            ),
            dossier_id,
        },
    )
    .await?;
    let mut am = c.into_active_model();
    am.decision_id = Set(Some(m.id));
    Ok(am.update(txn).await?)
}

/// What a recognised dossier still awaits: its stars and the deciding level, when it
/// has no certificate yet — recognised on the central council's result (5★ by the
/// ministry; 3★/4★ by the province's choice, Art. 7.4.g), or by a council whose
/// session decision has not issued it.
pub async fn pending_recognition<C: ConnectionTrait>(
    c: &C,
    d: &dossier::Model,
) -> Result<Option<(u8, Level)>> {
    if d.state != "recognised" {
        return Ok(None);
    }
    if crate::certificates::of_dossier(c, d.id).await?.is_some() {
        return Ok(None);
    }
    Ok(
        match (
            d.recognised_stars,
            d.recognised_level.as_deref().and_then(Level::parse),
        ) {
            (Some(st), Some(level)) => Some((st as u8, level)),
            _ => None,
        },
    )
}

/// Records the decision recognising one dossier and issues its certificate: the
/// ministry's for 5★, the province's for 3★/4★ (Art. 7.3.e, 7.4.e, 7.4.g), a
/// district's for 3★ before 07/2025. Refused unless the dossier is recognised and has
/// no certificate yet, when the level does not exist on the date, or when `by` is not
/// that level's authority.
#[allow(clippy::too_many_arguments)]
pub async fn decide_dossier<C: TransactionTrait>(
    db: &C,
    lib: &Library,
    actor: &Actor,
    by: Option<&Principal>,
    dossier_id: i64,
    d: &DecisionInput,
    today: NaiveDate,
) -> Result<(decision::Model, certificate::Model)> {
    let txn = crate::db::begin_write(db).await?;
    let dossier = crate::dossiers::get(&txn, dossier_id).await?;
    let (stars, level) = pending_recognition(&txn, &dossier)
        .await?
        .ok_or_else(|| StoreError::Invalid("not_recognised".into()))?;
    check_decision(
        lib,
        by,
        level,
        d.signed_on,
        today,
        (&dossier.unit_path, &dossier.current_unit_path),
        stars,
    )?;
    let rb =
        ocop_domain::workflow::level_on(lib, level, d.signed_on).map_err(StoreError::Workflow)?;
    let path = authority_path(level, &dossier.unit_path, &dossier.current_unit_path);
    let body = body_of(&txn, level, &path, d.signed_on).await?;
    let m = insert_decision(&txn, d, &body, level, None).await?;
    let c = issue_under(
        &txn,
        actor,
        &m,
        d,
        &body,
        rb,
        dossier.product_id,
        stars,
        Some(dossier.id),
    )
    .await?;
    audit::record(&txn, actor, "decision", m.id, "create", None, Some(serde_json::json!({"number": m.number, "dossier": dossier_id, "body": body, "certificates": [c.number.clone()]}))).await?;
    txn.commit().await?;
    Ok((m, c))
}

pub async fn get_decision<C: ConnectionTrait>(c: &C, id: i64) -> Result<decision::Model> {
    decision::Entity::find_by_id(id)
        .one(c)
        .await?
        .ok_or(StoreError::NotFound)
}

pub async fn certificates_of<C: ConnectionTrait>(
    c: &C,
    decision_id: i64,
) -> Result<Vec<certificate::Model>> {
    Ok(certificate::Entity::find()
        .filter(certificate::Column::DecisionId.eq(decision_id))
        .order_by_asc(certificate::Column::Id)
        .all(c)
        .await?)
}

pub async fn decisions_of_session<C: ConnectionTrait>(
    c: &C,
    session_id: i64,
) -> Result<Vec<decision::Model>> {
    Ok(decision::Entity::find()
        .filter(decision::Column::SessionId.eq(session_id))
        .order_by_asc(decision::Column::Id)
        .all(c)
        .await?)
}
