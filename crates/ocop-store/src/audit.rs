//! The audit trail. Every change to a record appends an entry in the same
//! transaction as the change. Entries are chained: each stores the SHA-256 of the
//! previous entry's hash and its own content, so `ocop audit verify` can detect an
//! edited or deleted row.

use crate::db::lock_audit_chain;
use crate::entities::audit_entry;
use crate::error::Result;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder,
    QuerySelect, Set,
};
use sha2::{Digest, Sha256};

/// Who made a change.
#[derive(Debug, Clone)]
pub struct Actor {
    pub id: Option<i64>,
    pub name: String,
}

impl Actor {
    /// Changes made by the system itself (demo loader, CLI).
    pub fn system(what: &str) -> Actor {
        Actor {
            id: None,
            name: format!("system:{what}"),
        }
    }
}

fn entry_hash(prev: &str, e: &audit_entry::Model) -> String {
    let mut h = Sha256::new();
    for part in [
        prev,
        &e.at.to_rfc3339_opts(chrono::SecondsFormat::Micros, true),
        &e.actor_id.map(|x| x.to_string()).unwrap_or_default(),
        &e.actor,
        &e.entity,
        &e.entity_id.to_string(),
        &e.action,
        e.before.as_deref().unwrap_or(""),
        e.after.as_deref().unwrap_or(""),
    ] {
        h.update(part.as_bytes());
        h.update([0u8]);
    }
    hex::encode(h.finalize())
}

/// Appends an entry. Call inside the transaction that makes the change.
pub async fn record<C: ConnectionTrait>(
    c: &C,
    actor: &Actor,
    entity: &str,
    entity_id: i64,
    action: &str,
    before: Option<serde_json::Value>,
    after: Option<serde_json::Value>,
) -> Result<()> {
    lock_audit_chain(c).await?;
    let prev = audit_entry::Entity::find()
        .order_by_desc(audit_entry::Column::Id)
        .limit(1)
        .one(c)
        .await?
        .map(|e| e.hash)
        .unwrap_or_default();
    let mut e = audit_entry::Model {
        id: 0,
        at: crate::now(),
        actor_id: actor.id,
        actor: actor.name.clone(),
        entity: entity.to_string(),
        entity_id,
        action: action.to_string(),
        before: before.map(|v| v.to_string()),
        after: after.map(|v| v.to_string()),
        prev_hash: prev.clone(),
        hash: String::new(),
    };
    e.hash = entry_hash(&prev, &e);
    audit_entry::ActiveModel {
        at: Set(e.at),
        actor_id: Set(e.actor_id),
        actor: Set(e.actor),
        entity: Set(e.entity),
        entity_id: Set(e.entity_id),
        action: Set(e.action),
        before: Set(e.before),
        after: Set(e.after),
        prev_hash: Set(e.prev_hash),
        hash: Set(e.hash),
        ..Default::default()
    }
    .insert(c)
    .await?;
    Ok(())
}

/// A record's history, newest first.
pub async fn history<C: ConnectionTrait>(
    c: &C,
    entity: &str,
    entity_id: i64,
) -> Result<Vec<audit_entry::Model>> {
    Ok(audit_entry::Entity::find()
        .filter(audit_entry::Column::Entity.eq(entity))
        .filter(audit_entry::Column::EntityId.eq(entity_id))
        .order_by_desc(audit_entry::Column::Id)
        .limit(200)
        .all(c)
        .await?)
}

/// Checks the whole chain; returns the id of the first broken entry.
pub async fn verify<C: ConnectionTrait>(c: &C) -> Result<Option<i64>> {
    let mut prev = String::new();
    let mut after_id = 0i64;
    loop {
        let batch = audit_entry::Entity::find()
            .filter(audit_entry::Column::Id.gt(after_id))
            .order_by_asc(audit_entry::Column::Id)
            .limit(1000)
            .all(c)
            .await?;
        if batch.is_empty() {
            return Ok(None);
        }
        for e in batch {
            if e.prev_hash != prev || entry_hash(&prev, &e) != e.hash {
                return Ok(Some(e.id));
            }
            prev = e.hash.clone();
            after_id = e.id;
        }
    }
}
