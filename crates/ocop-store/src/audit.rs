//! The audit trail. Every change to a record appends an entry in the same
//! transaction as the change. Entries are chained: each stores the SHA-256 of the
//! previous entry's hash and its own content, so `ocop audit verify` can detect an
//! edited or deleted row.
//!
//! The chain alone cannot show that its last entries were deleted, nor that someone
//! with write access to the database rewrote every hash. So the chain is anchored by
//! signed **checkpoints** (`audit_checkpoints`): each stores the last entry sealed
//! (id and hash), the number of entries up to it and an HMAC-SHA256 over these, the
//! checkpoint's sequence number and the previous checkpoint's HMAC. The HMAC key
//! ([`AuditKey`]) lives outside the database (a key file or an environment
//! variable), so an attacker who rewrites the database cannot forge a checkpoint.
//! Checkpoints are written every [`CHECKPOINT_EVERY`] entries (when the process has
//! [`install_key`]ed a key), by `serve`'s periodic job and by `ocop audit verify`.

use crate::db::lock_audit_chain;
use crate::entities::audit_checkpoint;
use crate::entities::audit_entry;
use crate::error::Result;
use crate::error::StoreError;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, PaginatorTrait, QueryFilter,
    QueryOrder, QuerySelect, Set,
};
use sha2::{Digest, Sha256};
use std::path::Path;
use std::sync::{Arc, RwLock};

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
    if let Some(key) = installed_key() {
        // Seals the chain every CHECKPOINT_EVERY entries, in the same transaction.
        checkpoint_in(c, &key, CHECKPOINT_EVERY).await?;
    }
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

// ---------------------------------------------------------------------------------
// Anchoring: the key and the signed checkpoints
// ---------------------------------------------------------------------------------

/// A checkpoint is written inside [`record`] once this many entries follow the last.
pub const CHECKPOINT_EVERY: i64 = 100;

/// The default key file (relative to the current directory, like the database).
pub const DEFAULT_KEY_FILE: &str = "ocop-data/audit.key";

/// The HMAC key of the checkpoints. Its bytes are never printed: `Debug` shows only
/// its fingerprint.
#[derive(Clone)]
pub struct AuditKey {
    bytes: Vec<u8>,
}

impl std::fmt::Debug for AuditKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "AuditKey({})", self.id())
    }
}

type HmacSha256 = hmac::Hmac<sha2_hmac::Sha256>;

impl AuditKey {
    /// A new random 256-bit key.
    pub fn generate() -> AuditKey {
        use rand::RngCore;
        let mut b = vec![0u8; 32];
        rand::thread_rng().fill_bytes(&mut b);
        AuditKey { bytes: b }
    }

    /// A key written in hex (at least 128 bits: 32 hex digits). The message never
    /// repeats the text, which may be a secret with a typo.
    pub fn from_hex(s: &str) -> Result<AuditKey> {
        let s = s.trim();
        let bytes = hex::decode(s)
            .map_err(|_| StoreError::Invalid("the audit key is not hexadecimal".into()))?;
        if bytes.len() < 16 {
            return Err(StoreError::Invalid(format!(
                "the audit key is too short ({} bytes; at least 16, 32 recommended)",
                bytes.len()
            )));
        }
        Ok(AuditKey { bytes })
    }

    /// The key in hex, to write a key file.
    pub fn to_hex(&self) -> String {
        hex::encode(&self.bytes)
    }

    /// A public fingerprint of the key (16 hex digits), stored with each checkpoint so
    /// that a checkpoint signed with another key is reported as such.
    pub fn id(&self) -> String {
        let mut h = Sha256::new();
        h.update(b"ocop-audit-key-id\0");
        h.update(&self.bytes);
        hex::encode(h.finalize())[..16].to_string()
    }

    fn mac(&self, message: &str) -> String {
        use hmac::{KeyInit, Mac};
        let mut m = HmacSha256::new_from_slice(&self.bytes).expect("HMAC takes any key length");
        m.update(message.as_bytes());
        hex::encode(m.finalize().into_bytes())
    }

    fn check(&self, message: &str, mac_hex: &str) -> bool {
        use hmac::{KeyInit, Mac};
        let Ok(tag) = hex::decode(mac_hex) else {
            return false;
        };
        let mut m = HmacSha256::new_from_slice(&self.bytes).expect("HMAC takes any key length");
        m.update(message.as_bytes());
        m.verify_slice(&tag).is_ok()
    }

    /// Reads a key file (hex). On Unix the file must not be readable by group or
    /// others, as for an SSH private key.
    pub fn read_file(path: &Path) -> Result<AuditKey> {
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let meta = std::fs::metadata(path).map_err(|e| {
                StoreError::Invalid(format!(
                    "cannot read audit key file {}: {e}",
                    path.display()
                ))
            })?;
            let mode = meta.permissions().mode() & 0o777;
            if mode & 0o077 != 0 {
                return Err(StoreError::Invalid(format!(
                    "audit key file {} is readable by others (mode {mode:o}); run chmod 600 {}",
                    path.display(),
                    path.display()
                )));
            }
        }
        let text = std::fs::read_to_string(path).map_err(|e| {
            StoreError::Invalid(format!(
                "cannot read audit key file {}: {e}",
                path.display()
            ))
        })?;
        AuditKey::from_hex(&text)
            .map_err(|e| StoreError::Invalid(format!("audit key file {}: {e}", path.display())))
    }

    /// Reads the key file, or creates it (mode 0600, a new random key) when it does
    /// not exist. Its folder must exist. Returns the key and whether it was created.
    pub fn read_or_create_file(path: &Path) -> Result<(AuditKey, bool)> {
        if path.exists() {
            return Ok((AuditKey::read_file(path)?, false));
        }
        let key = AuditKey::generate();
        let mut opts = std::fs::OpenOptions::new();
        opts.write(true).create_new(true);
        #[cfg(unix)]
        {
            use std::os::unix::fs::OpenOptionsExt;
            opts.mode(0o600);
        }
        match opts.open(path) {
            Ok(mut f) => {
                use std::io::Write;
                f.write_all(format!("{}\n", key.to_hex()).as_bytes())
                    .and_then(|_| f.sync_all())
                    .map_err(|e| {
                        let _ = std::fs::remove_file(path);
                        StoreError::Invalid(format!(
                            "cannot write audit key file {}: {e}",
                            path.display()
                        ))
                    })?;
                Ok((key, true))
            }
            // Another instance created it at the same moment.
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {
                Ok((AuditKey::read_file(path)?, false))
            }
            Err(e) => Err(StoreError::Invalid(format!(
                "cannot create audit key file {}: {e}",
                path.display()
            ))),
        }
    }
}

static INSTALLED: RwLock<Option<Arc<AuditKey>>> = RwLock::new(None);

/// Makes [`record`] write a checkpoint every [`CHECKPOINT_EVERY`] entries with this
/// key (the binary calls it once at start).
pub fn install_key(key: AuditKey) {
    if let Ok(mut k) = INSTALLED.write() {
        *k = Some(Arc::new(key));
    }
}

fn installed_key() -> Option<Arc<AuditKey>> {
    INSTALLED.read().ok().and_then(|k| k.clone())
}

/// The signed message of a checkpoint.
fn checkpoint_message(cp: &audit_checkpoint::Model) -> String {
    format!(
        "ocop-audit-checkpoint-v1\n{}\n{}\n{}\n{}\n{}\n{}\n{}",
        cp.seq,
        cp.at.to_rfc3339_opts(chrono::SecondsFormat::Micros, true),
        cp.last_id,
        cp.last_hash,
        cp.entry_count,
        cp.key_id,
        cp.prev_mac
    )
}

/// The newest checkpoint.
pub async fn last_checkpoint<C: ConnectionTrait>(c: &C) -> Result<Option<audit_checkpoint::Model>> {
    Ok(audit_checkpoint::Entity::find()
        .order_by_desc(audit_checkpoint::Column::Seq)
        .limit(1)
        .one(c)
        .await?)
}

/// Writes a checkpoint when at least `min_new` entries (at least one) follow the
/// last checkpoint. Call with the audit chain locked (inside [`record`], or from
/// [`checkpoint`]).
async fn checkpoint_in<C: ConnectionTrait>(
    c: &C,
    key: &AuditKey,
    min_new: i64,
) -> Result<Option<audit_checkpoint::Model>> {
    let prev = last_checkpoint(c).await?;
    let after = prev.as_ref().map(|p| p.last_id).unwrap_or(0);
    let new = audit_entry::Entity::find()
        .filter(audit_entry::Column::Id.gt(after))
        .count(c)
        .await? as i64;
    if new < min_new.max(1) {
        return Ok(None);
    }
    let Some(last) = audit_entry::Entity::find()
        .order_by_desc(audit_entry::Column::Id)
        .limit(1)
        .one(c)
        .await?
    else {
        return Ok(None);
    };
    let mut cp = audit_checkpoint::Model {
        seq: prev.as_ref().map(|p| p.seq + 1).unwrap_or(1),
        at: crate::now(),
        last_id: last.id,
        last_hash: last.hash,
        entry_count: prev.as_ref().map(|p| p.entry_count).unwrap_or(0) + new,
        key_id: key.id(),
        prev_mac: prev.map(|p| p.mac).unwrap_or_default(),
        mac: String::new(),
    };
    cp.mac = key.mac(&checkpoint_message(&cp));
    audit_checkpoint::ActiveModel {
        seq: Set(cp.seq),
        at: Set(cp.at),
        last_id: Set(cp.last_id),
        last_hash: Set(cp.last_hash.clone()),
        entry_count: Set(cp.entry_count),
        key_id: Set(cp.key_id.clone()),
        prev_mac: Set(cp.prev_mac.clone()),
        mac: Set(cp.mac.clone()),
    }
    .insert(c)
    .await?;
    Ok(Some(cp))
}

/// Seals the chain as it is now (when an entry follows the last checkpoint).
/// Returns the new checkpoint, if one was written.
pub async fn checkpoint(
    db: &sea_orm::DatabaseConnection,
    key: &AuditKey,
) -> Result<Option<audit_checkpoint::Model>> {
    let txn = crate::db::begin_write(db).await?;
    lock_audit_chain(&txn).await?;
    let cp = checkpoint_in(&txn, key, 1).await?;
    txn.commit().await?;
    Ok(cp)
}

/// A checkpoint by its number.
pub async fn checkpoint_by_seq<C: ConnectionTrait>(
    c: &C,
    seq: i64,
) -> Result<Option<audit_checkpoint::Model>> {
    Ok(audit_checkpoint::Entity::find_by_id(seq).one(c).await?)
}

/// The outcome of [`verify_anchored`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Verdict {
    /// The chain is intact and every checkpoint is genuine and still reached.
    Intact {
        entries: i64,
        checkpoints: i64,
        /// The newest checkpoint: (seq, last entry id).
        last: Option<(i64, i64)>,
    },
    /// The chain and the checkpoints agree, but without the key the checkpoints'
    /// signatures could not be checked.
    Unchecked { entries: i64, checkpoints: i64 },
    /// The first entry whose hash or link is wrong.
    BrokenEntry(i64),
    /// The first checkpoint that is forged, missing or no longer reached.
    BrokenCheckpoint { seq: i64, reason: String },
}

/// Checks the whole chain, then every checkpoint: its signature (with `key`), its
/// place in the sequence, and that the chain still reaches its entry with the same
/// hash and the same number of entries. A deleted tail or a recomputed chain fails
/// here, since the checkpoints cannot be re-signed without the key.
pub async fn verify_anchored<C: ConnectionTrait>(c: &C, key: Option<&AuditKey>) -> Result<Verdict> {
    let checkpoints = audit_checkpoint::Entity::find()
        .order_by_asc(audit_checkpoint::Column::Seq)
        .all(c)
        .await?;
    // Entry id → (hash, number of entries up to it), for the ids checkpoints name.
    let wanted: std::collections::HashSet<i64> = checkpoints.iter().map(|c| c.last_id).collect();
    let mut seen: std::collections::HashMap<i64, (String, i64)> = Default::default();
    let mut prev = String::new();
    let mut after_id = 0i64;
    let mut count = 0i64;
    loop {
        let batch = audit_entry::Entity::find()
            .filter(audit_entry::Column::Id.gt(after_id))
            .order_by_asc(audit_entry::Column::Id)
            .limit(1000)
            .all(c)
            .await?;
        if batch.is_empty() {
            break;
        }
        for e in batch {
            if e.prev_hash != prev || entry_hash(&prev, &e) != e.hash {
                return Ok(Verdict::BrokenEntry(e.id));
            }
            count += 1;
            if wanted.contains(&e.id) {
                seen.insert(e.id, (e.hash.clone(), count));
            }
            prev = e.hash;
            after_id = e.id;
        }
    }
    let mut prev_mac = String::new();
    for (i, cp) in checkpoints.iter().enumerate() {
        let broken = |reason: String| {
            Ok(Verdict::BrokenCheckpoint {
                seq: cp.seq,
                reason,
            })
        };
        let expected_seq = i as i64 + 1;
        if cp.seq != expected_seq {
            return Ok(Verdict::BrokenCheckpoint {
                seq: expected_seq,
                reason: format!("checkpoint {expected_seq} is missing"),
            });
        }
        if let Some(key) = key {
            if cp.key_id != key.id() {
                return broken(format!(
                    "signed with another key (key id {}; the configured key is {})",
                    cp.key_id,
                    key.id()
                ));
            }
            if !key.check(&checkpoint_message(cp), &cp.mac) {
                return broken("its signature is wrong (the checkpoint was altered)".into());
            }
        }
        if cp.prev_mac != prev_mac {
            return broken("it does not follow the previous checkpoint".into());
        }
        match seen.get(&cp.last_id) {
            None => {
                return broken(format!(
                    "entry {} that it seals is missing (the chain ends at entry {after_id})",
                    cp.last_id
                ))
            }
            Some((hash, _)) if *hash != cp.last_hash => {
                return broken(format!(
                    "entry {} no longer has the hash it sealed (the chain was rewritten)",
                    cp.last_id
                ))
            }
            Some((_, n)) if *n != cp.entry_count => {
                return broken(format!(
                    "it sealed {} entries up to entry {}, the chain now has {n}",
                    cp.entry_count, cp.last_id
                ))
            }
            Some(_) => {}
        }
        prev_mac = cp.mac.clone();
    }
    let n = checkpoints.len() as i64;
    if key.is_none() && n > 0 {
        return Ok(Verdict::Unchecked {
            entries: count,
            checkpoints: n,
        });
    }
    Ok(Verdict::Intact {
        entries: count,
        checkpoints: n,
        last: checkpoints.last().map(|c| (c.seq, c.last_id)),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hmac_matches_rfc_4231_case_2() {
        let k = AuditKey {
            bytes: b"Jefe".to_vec(),
        };
        assert_eq!(
            k.mac("what do ya want for nothing?"),
            "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"
        );
        assert!(k.check(
            "what do ya want for nothing?",
            "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"
        ));
        assert!(!k.check("what do ya want for nothing!", &k.mac("x")));
    }

    #[test]
    fn keys_parse_hide_and_are_created_owner_only() {
        assert!(AuditKey::from_hex("zz").is_err());
        assert!(AuditKey::from_hex("00ff").is_err(), "too short");
        let k = AuditKey::generate();
        let again = AuditKey::from_hex(&k.to_hex()).unwrap();
        assert_eq!(k.id(), again.id());
        assert!(!format!("{k:?}").contains(&k.to_hex()));
        let dir = std::env::temp_dir().join(format!("ocop-audit-key-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join("audit.key");
        let _ = std::fs::remove_file(&path);
        let (k1, created) = AuditKey::read_or_create_file(&path).unwrap();
        assert!(created);
        let (k2, created) = AuditKey::read_or_create_file(&path).unwrap();
        assert!(!created);
        assert_eq!(k1.id(), k2.id());
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(&path).unwrap().permissions().mode() & 0o777;
            assert_eq!(mode, 0o600);
            std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o644)).unwrap();
            let err = AuditKey::read_file(&path).unwrap_err().to_string();
            assert!(err.contains("chmod 600"), "{err}");
        }
        let _ = std::fs::remove_dir_all(&dir);
    }
}
