//! The evidence library: documents uploaded once per producer and reused by its
//! dossiers. Bytes go to a [`FileStore`] (a local folder by default), addressed by
//! their SHA-256 so that the same file is stored once.

use crate::audit::{self, Actor};
use crate::entities::{document, dossier_document};
use crate::error::{Result, StoreError};
use chrono::NaiveDate;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, Set,
};
use sha2::{Digest, Sha256};
use std::path::PathBuf;

/// Where document bytes live. One interface so that an object store can replace
/// the local folder for several instances.
pub trait FileStore: Send + Sync {
    fn put(&self, key: &str, bytes: &[u8]) -> std::io::Result<()>;
    fn get(&self, key: &str) -> std::io::Result<Vec<u8>>;
}

/// Files in a local folder, two levels of sub-folders by key prefix.
#[derive(Debug, Clone)]
pub struct LocalStore {
    pub root: PathBuf,
}

impl LocalStore {
    fn path(&self, key: &str) -> PathBuf {
        let k: String = key.chars().filter(|c| c.is_ascii_hexdigit()).collect();
        self.root.join(k.get(..2).unwrap_or("00")).join(&k)
    }
}

impl FileStore for LocalStore {
    fn put(&self, key: &str, bytes: &[u8]) -> std::io::Result<()> {
        let p = self.path(key);
        if p.exists() {
            return Ok(());
        }
        if let Some(dir) = p.parent() {
            std::fs::create_dir_all(dir)?;
        }
        let tmp = p.with_extension("part");
        std::fs::write(&tmp, bytes)?;
        std::fs::rename(tmp, p)
    }
    fn get(&self, key: &str) -> std::io::Result<Vec<u8>> {
        std::fs::read(self.path(key))
    }
}

/// A document to add to a producer's library.
pub struct NewDocument<'a> {
    pub producer_id: i64,
    pub doc_type: &'a str,
    pub title: &'a str,
    pub filename: &'a str,
    pub content_type: &'a str,
    pub valid_until: Option<NaiveDate>,
    pub bytes: &'a [u8],
}

/// Stores the bytes, then records the document (the caller checked type and size).
pub async fn add<C: ConnectionTrait>(
    c: &C,
    files: &dyn FileStore,
    actor: &Actor,
    d: NewDocument<'_>,
) -> Result<document::Model> {
    let sha = hex::encode(Sha256::digest(d.bytes));
    files
        .put(&sha, d.bytes)
        .map_err(|e| StoreError::Invalid(format!("cannot store the file: {e}")))?;
    let clip = |s: &str, n: usize| {
        ocop_domain::text::truncate_chars(&ocop_domain::text::clean(s), n).to_string()
    };
    let m = document::ActiveModel {
        producer_id: Set(d.producer_id),
        doc_type: Set(d.doc_type.into()),
        title: Set(clip(d.title, 255)),
        filename: Set(clip(d.filename, 255)),
        content_type: Set(d.content_type.into()),
        size: Set(d.bytes.len() as i64),
        sha256: Set(sha),
        valid_until: Set(d.valid_until),
        uploaded_by: Set(actor.name.clone()),
        created_at: Set(crate::now()),
        ..Default::default()
    }
    .insert(c)
    .await?;
    audit::record(c, actor, "producer", d.producer_id, "add_document", None, Some(serde_json::json!({"document": m.id, "type": m.doc_type, "title": m.title, "size": m.size}))).await?;
    Ok(m)
}

pub async fn library<C: ConnectionTrait>(c: &C, producer_id: i64) -> Result<Vec<document::Model>> {
    Ok(document::Entity::find()
        .filter(document::Column::ProducerId.eq(producer_id))
        .order_by_desc(document::Column::Id)
        .all(c)
        .await?)
}

pub async fn get<C: ConnectionTrait>(c: &C, id: i64) -> Result<document::Model> {
    document::Entity::find_by_id(id)
        .one(c)
        .await?
        .ok_or(StoreError::NotFound)
}

/// Lets a dossier rely on a library document of the same producer.
pub async fn attach<C: ConnectionTrait>(
    c: &C,
    actor: &Actor,
    dossier_id: i64,
    document_id: i64,
) -> Result<()> {
    let d = crate::dossiers::get(c, dossier_id).await?;
    let doc = get(c, document_id).await?;
    if doc.producer_id != d.producer_id {
        return Err(StoreError::Invalid("document_of_another_producer".into()));
    }
    let r = dossier_document::ActiveModel {
        dossier_id: Set(dossier_id),
        document_id: Set(document_id),
        ..Default::default()
    }
    .insert(c)
    .await;
    match r {
        Ok(_) => {}
        Err(e)
            if matches!(
                e.sql_err(),
                Some(sea_orm::SqlErr::UniqueConstraintViolation(_))
            ) =>
        {
            return Ok(())
        }
        Err(e) => return Err(e.into()),
    }
    audit::record(
        c,
        actor,
        "dossier",
        dossier_id,
        "attach_document",
        None,
        Some(serde_json::json!({"document": document_id, "type": doc.doc_type})),
    )
    .await?;
    Ok(())
}

/// The documents a dossier relies on.
pub async fn of_dossier<C: ConnectionTrait>(
    c: &C,
    dossier_id: i64,
) -> Result<Vec<document::Model>> {
    let ids: Vec<i64> = dossier_document::Entity::find()
        .filter(dossier_document::Column::DossierId.eq(dossier_id))
        .all(c)
        .await?
        .into_iter()
        .map(|l| l.document_id)
        .collect();
    Ok(document::Entity::find()
        .filter(document::Column::Id.is_in(ids))
        .order_by_asc(document::Column::Id)
        .all(c)
        .await?)
}
