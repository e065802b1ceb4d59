//! Evaluation rounds (đợt) and recognition decisions (quyết định công nhận).

use crate::audit::{self, Actor};
use crate::entities::{certificate, decision, dossier, round, session_item};
use crate::error::{Result, StoreError};
use chrono::NaiveDate;
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

/// What a decision says.
#[derive(Debug, Clone)]
pub struct DecisionInput {
    pub number: String,
    pub signed_on: NaiveDate,
    pub signer: String,
    pub issuing_body: String,
    pub level: String,
    pub months: u32,
}

/// Records a recognition decision for the products a session closed with 3 stars or
/// more (or fewer stars when the level recognises less: `max_stars`) and issues their
/// certificates under it. Products already certified by this session are skipped.
pub async fn decide_session<C: TransactionTrait>(
    db: &C,
    actor: &Actor,
    session_id: i64,
    d: &DecisionInput,
    max_stars: u8,
) -> Result<(decision::Model, Vec<certificate::Model>)> {
    let txn = crate::db::begin_write(db).await?;
    let m = insert_decision(&txn, d, Some(session_id)).await?;
    let mut certs = Vec::new();
    let items = session_item::Entity::find()
        .filter(session_item::Column::SessionId.eq(session_id))
        .filter(session_item::Column::Status.eq("closed"))
        .all(&txn)
        .await?;
    for it in items {
        let stars = it.stars.unwrap_or(0).min(max_stars as i32);
        if stars < 3 {
            continue;
        }
        let already = certificate::Entity::find()
            .filter(certificate::Column::ProductId.eq(it.product_id))
            .filter(certificate::Column::IssuedOn.eq(d.signed_on))
            .filter(certificate::Column::Revoked.eq(false))
            .one(&txn)
            .await?;
        if already.is_some() {
            continue;
        }
        certs.push(issue_under(&txn, actor, &m, d, it.product_id, stars as u8).await?);
    }
    if certs.is_empty() {
        return Err(StoreError::Invalid("nothing_to_recognise".into()));
    }
    audit::record(&txn, actor, "decision", m.id, "create", None, Some(serde_json::json!({"number": m.number, "session": session_id, "certificates": certs.iter().map(|c| c.number.clone()).collect::<Vec<_>>()}))).await?;
    txn.commit().await?;
    Ok((m, certs))
}

async fn insert_decision<C: ConnectionTrait>(
    txn: &C,
    d: &DecisionInput,
    session_id: Option<i64>,
) -> Result<decision::Model> {
    Ok(decision::ActiveModel {
        number: Set(ocop_domain::text::clean(&d.number)),
        signed_on: Set(d.signed_on),
        signer: Set(ocop_domain::text::clean(&d.signer)),
        issuing_body: Set(ocop_domain::text::clean(&d.issuing_body)),
        level: Set(d.level.clone()),
        session_id: Set(session_id),
        created_at: Set(crate::now()),
        ..Default::default()
    }
    .insert(txn)
    .await?)
}

/// Issues a product's certificate under a decision.
async fn issue_under<C: TransactionTrait + ConnectionTrait>(
    txn: &C,
    actor: &Actor,
    m: &decision::Model,
    d: &DecisionInput,
    product_id: i64,
    stars: u8,
) -> Result<certificate::Model> {
    let c = crate::certificates::issue(
        txn,
        actor,
        &crate::certificates::Issue {
            product_id,
            stars,
            issued_on: d.signed_on,
            months: d.months,
            issuing_body: d.issuing_body.clone(),
            decision_ref: format!(
                "{} ngày {}",
                m.number,
                ocop_domain::format::date_vn(d.signed_on)
            ),
        },
    )
    .await?;
    let mut am = c.into_active_model();
    am.decision_id = Set(Some(m.id));
    Ok(am.update(txn).await?)
}

/// The stars a dossier was recognised with on the central council's result (which
/// comes back by letter, outside any session of ours); `None` otherwise.
pub async fn central_recognition<C: ConnectionTrait>(
    c: &C,
    lib: &ocop_domain::rulebook::Library,
    d: &dossier::Model,
) -> Result<Option<u8>> {
    use ocop_domain::dossier::{central_outcome, Event};
    if d.state != "recognised" {
        return Ok(None);
    }
    let Some(last) = crate::dossiers::events(c, d.id)
        .await?
        .into_iter()
        .next_back()
    else {
        return Ok(None);
    };
    let Ok(Event::CentralResult { score, stars, .. }) = serde_json::from_str(&last.event) else {
        return Ok(None);
    };
    let Some(rb) = lib.rulebook(&d.rulebook_id).or(lib.rulebooks.last()) else {
        return Ok(None);
    };
    Ok(central_outcome(score, stars, rb).recognised_stars)
}

/// Has the dossier's product a certificate of at least `stars` issued since the
/// dossier was filed (its recognition is already on a label)?
pub async fn certified_since<C: ConnectionTrait>(
    c: &C,
    d: &dossier::Model,
    stars: u8,
) -> Result<bool> {
    let since = d
        .filed_on
        .unwrap_or_else(|| ocop_domain::format::to_vn(d.created_at).date_naive());
    product_certified_since(c, d.product_id, since, stars).await
}

/// The product's certificate of at least `stars` issued on or after `since`, not
/// revoked, if any.
pub async fn product_certified_since<C: ConnectionTrait>(
    c: &C,
    product_id: i64,
    since: NaiveDate,
    stars: u8,
) -> Result<bool> {
    Ok(product_certificate_since(c, product_id, since, stars)
        .await?
        .is_some())
}

pub async fn product_certificate_since<C: ConnectionTrait>(
    c: &C,
    product_id: i64,
    since: NaiveDate,
    stars: u8,
) -> Result<Option<certificate::Model>> {
    Ok(certificate::Entity::find()
        .filter(certificate::Column::ProductId.eq(product_id))
        .filter(certificate::Column::IssuedOn.gte(since))
        .filter(certificate::Column::Revoked.eq(false))
        .filter(certificate::Column::Stars.gte(stars as i32))
        .one(c)
        .await?)
}

/// Records the decision recognising a dossier on the central council's result and
/// issues its certificate. Refused unless the dossier was recognised that way and
/// has no such certificate yet.
pub async fn decide_dossier<C: TransactionTrait>(
    db: &C,
    lib: &ocop_domain::rulebook::Library,
    actor: &Actor,
    dossier_id: i64,
    d: &DecisionInput,
) -> Result<(decision::Model, certificate::Model)> {
    let txn = crate::db::begin_write(db).await?;
    let dossier = crate::dossiers::get(&txn, dossier_id).await?;
    let stars = central_recognition(&txn, lib, &dossier)
        .await?
        .ok_or_else(|| StoreError::Invalid("not_recognised_centrally".into()))?;
    if certified_since(&txn, &dossier, stars).await? {
        return Err(StoreError::Invalid("already_certified".into()));
    }
    let m = insert_decision(&txn, d, None).await?;
    let c = issue_under(&txn, actor, &m, d, dossier.product_id, stars).await?;
    audit::record(&txn, actor, "decision", m.id, "create", None, Some(serde_json::json!({"number": m.number, "dossier": dossier_id, "certificates": [c.number.clone()]}))).await?;
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
