//! Backup and restore (issue 10) in one portable format for both databases.
//!
//! A backup is a text file of JSON lines:
//!
//! ```text
//! {"format":"ocop-backup","version":1,"created_at":…,"backend":"sqlite","migrations":[…],"files":false}
//! {"table":"producers","columns":[["id","int"],["name","text"],…]}
//! [1,"HTX Chè Tam Đường",…]            one array per row, in primary-key order
//! {"end_table":"producers","rows":20}
//! …                                    every table, parents before children
//! {"file":"ab/ab12…","data":"<base64>"}  with --files: the uploaded documents
//! {"end":true,"tables":34,"rows":1234,"files":0,"sha256":"…"}
//! ```
//!
//! The rows are read inside one transaction (a read snapshot on SQLite's WAL, a
//! `REPEATABLE READ, READ ONLY` transaction on PostgreSQL), so the copy is consistent
//! while the server keeps serving. Values are written by logical type (integers,
//! booleans, text, base64 bytes, RFC 3339 timestamps, ISO dates), so a SQLite backup
//! restores into PostgreSQL and back. The last line carries the SHA-256 of every
//! line before it: a truncated or edited file is refused, and a restore writes
//! everything in one transaction, so nothing is half-restored.
//!
//! The tables, their columns and their foreign keys are read from the database
//! itself, so tables added by later migrations are included without a change here.
//! `seaql_migrations` is not copied: the target is migrated by the restoring binary,
//! which must know every migration the backup was made with.

use crate::db::Db;
use crate::error::{Result, StoreError};
use base64::Engine as _;
use sea_orm::{
    AccessMode, ConnectionTrait, DatabaseBackend, IsolationLevel, QueryResult, Statement,
    TransactionTrait, Value,
};
use serde_json::{json, Value as Json};
use sha2::{Digest, Sha256};
use std::collections::{BTreeMap, BTreeSet};
use std::io::{BufRead, Write};
use std::path::{Path, PathBuf};

/// The format's name and version, in the first line.
pub const FORMAT: &str = "ocop-backup";
pub const VERSION: i64 = 1;

/// Reference data that `ocop migrate` loads into a new database; a database holding
/// only these still counts as empty, and restore replaces them.
const REFERENCE_TABLES: &[&str] = &["admin_units", "unit_mappings", "support_policies"];

/// Rows read per query when backing up.
const BATCH: u64 = 1000;

/// A column's logical type: how its values are read, written to the file and bound.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    I16,
    I32,
    I64,
    F32,
    F64,
    Bool,
    Text,
    Blob,
    Timestamp,
    NaiveTimestamp,
    Date,
    Json,
}

impl Kind {
    fn name(self) -> &'static str {
        match self {
            Kind::I16 | Kind::I32 | Kind::I64 => "int",
            Kind::F32 | Kind::F64 => "float",
            Kind::Bool => "bool",
            Kind::Text => "text",
            Kind::Blob => "bytes",
            Kind::Timestamp => "timestamptz",
            Kind::NaiveTimestamp => "timestamp",
            Kind::Date => "date",
            Kind::Json => "json",
        }
    }

    /// From SQLite's declared type (sea-orm writes e.g. `timestamp_with_timezone_text`).
    fn from_sqlite(decl: &str) -> Kind {
        let t = decl.to_ascii_lowercase();
        if t.contains("timestamp_with_timezone") || t.contains("timestamptz") {
            Kind::Timestamp
        } else if t.contains("timestamp") || t.contains("datetime") {
            Kind::NaiveTimestamp
        } else if t.contains("date") {
            Kind::Date
        } else if t.contains("bool") {
            Kind::Bool
        } else if t.contains("int") {
            Kind::I64
        } else if t.contains("real")
            || t.contains("double")
            || t.contains("float")
            || t.contains("decimal")
            || t.contains("numeric")
        {
            Kind::F64
        } else if t.contains("blob") || t.contains("binary") {
            Kind::Blob
        } else if t.contains("json") {
            // sea-orm stores JSON as text on SQLite.
            Kind::Text
        } else {
            Kind::Text
        }
    }

    /// From PostgreSQL's `information_schema.columns.data_type`.
    fn from_postgres(data_type: &str) -> Result<Kind> {
        Ok(match data_type {
            "smallint" => Kind::I16,
            "integer" => Kind::I32,
            "bigint" => Kind::I64,
            "real" => Kind::F32,
            "double precision" => Kind::F64,
            "boolean" => Kind::Bool,
            "text" | "character varying" | "character" => Kind::Text,
            "bytea" => Kind::Blob,
            "timestamp with time zone" => Kind::Timestamp,
            "timestamp without time zone" => Kind::NaiveTimestamp,
            "date" => Kind::Date,
            "json" | "jsonb" => Kind::Json,
            other => {
                return Err(StoreError::Invalid(format!(
                    "backup does not know the column type {other}"
                )))
            }
        })
    }
}

/// Columns and their kinds, in order.
type Columns = Vec<(String, Kind)>;

#[derive(Debug, Clone)]
struct Table {
    name: String,
    columns: Columns,
    pk: Vec<String>,
    /// Tables this one refers to by foreign key.
    refs: BTreeSet<String>,
}

fn q(ident: &str) -> String {
    format!("\"{}\"", ident.replace('"', "\"\""))
}

fn invalid(msg: impl Into<String>) -> StoreError {
    StoreError::Invalid(msg.into())
}

fn db_err(what: &str, e: impl std::fmt::Display) -> StoreError {
    StoreError::Invalid(format!(
        "{what}: {}",
        e.to_string()
            .split_whitespace()
            .collect::<Vec<_>>()
            .join(" ")
    ))
}

async fn rows<C: ConnectionTrait>(
    c: &C,
    sql: &str,
    values: Vec<Value>,
) -> Result<Vec<QueryResult>> {
    let b = c.get_database_backend();
    Ok(
        c.query_all_raw(Statement::from_sql_and_values(b, sql, values))
            .await?,
    )
}

fn get_s(r: &QueryResult, col: &str) -> Result<String> {
    Ok(r.try_get::<String>("", col)?)
}

/// The application's tables, parents before children (ties by name).
async fn schema<C: ConnectionTrait>(c: &C) -> Result<Vec<Table>> {
    let mut tables = Vec::new();
    match c.get_database_backend() {
        DatabaseBackend::Sqlite => {
            let names = rows(
                c,
                "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name <> 'seaql_migrations' AND name NOT LIKE 'search\\_%' ESCAPE '\\' ORDER BY name",
                vec![],
            )
            .await?;
            for n in names {
                let name = get_s(&n, "name")?;
                let mut columns = Vec::new();
                let mut pk: Vec<(i64, String)> = Vec::new();
                for r in rows(c, &format!("PRAGMA table_info({})", q(&name)), vec![]).await? {
                    let col = get_s(&r, "name")?;
                    let decl = r.try_get::<Option<String>>("", "type")?.unwrap_or_default();
                    let k: i64 = r.try_get("", "pk")?;
                    if k > 0 {
                        pk.push((k, col.clone()));
                    }
                    columns.push((col, Kind::from_sqlite(&decl)));
                }
                pk.sort();
                let mut refs = BTreeSet::new();
                for r in rows(c, &format!("PRAGMA foreign_key_list({})", q(&name)), vec![]).await? {
                    refs.insert(get_s(&r, "table")?);
                }
                tables.push(Table {
                    name,
                    columns,
                    pk: pk.into_iter().map(|(_, c)| c).collect(),
                    refs,
                });
            }
        }
        DatabaseBackend::Postgres => {
            let names = rows(
                c,
                "SELECT table_name::text AS name FROM information_schema.tables WHERE table_schema = current_schema() AND table_type = 'BASE TABLE' AND table_name <> 'seaql_migrations' AND table_name NOT LIKE 'search\\_%' ESCAPE '\\' ORDER BY 1",
                vec![],
            )
            .await?;
            for n in names {
                let name = get_s(&n, "name")?;
                let mut columns = Vec::new();
                for r in rows(
                    c,
                    "SELECT column_name::text AS name, data_type::text AS data_type FROM information_schema.columns WHERE table_schema = current_schema() AND table_name = $1 ORDER BY ordinal_position",
                    vec![name.clone().into()],
                )
                .await?
                {
                    let dt = get_s(&r, "data_type")?;
                    let kind = Kind::from_postgres(&dt)
                        .map_err(|e| invalid(format!("table {name}: {e}")))?;
                    columns.push((get_s(&r, "name")?, kind));
                }
                let mut pk = Vec::new();
                for r in rows(
                    c,
                    "SELECT kcu.column_name::text AS name FROM information_schema.table_constraints tc JOIN information_schema.key_column_usage kcu ON tc.constraint_name = kcu.constraint_name AND tc.table_schema = kcu.table_schema AND tc.table_name = kcu.table_name WHERE tc.constraint_type = 'PRIMARY KEY' AND tc.table_schema = current_schema() AND tc.table_name = $1 ORDER BY kcu.ordinal_position",
                    vec![name.clone().into()],
                )
                .await?
                {
                    pk.push(get_s(&r, "name")?);
                }
                let mut refs = BTreeSet::new();
                for r in rows(
                    c,
                    "SELECT DISTINCT ccu.table_name::text AS name FROM information_schema.table_constraints tc JOIN information_schema.constraint_column_usage ccu ON tc.constraint_name = ccu.constraint_name AND tc.table_schema = ccu.table_schema WHERE tc.constraint_type = 'FOREIGN KEY' AND tc.table_schema = current_schema() AND tc.table_name = $1",
                    vec![name.clone().into()],
                )
                .await?
                {
                    refs.insert(get_s(&r, "name")?);
                }
                tables.push(Table {
                    name,
                    columns,
                    pk,
                    refs,
                });
            }
        }
        other => return Err(invalid(format!("backup does not support {other:?}"))),
    }
    // Topological order: a table comes after every table it refers to.
    let mut ordered: Vec<Table> = Vec::new();
    let mut done: BTreeSet<String> = BTreeSet::new();
    let mut left = tables;
    while !left.is_empty() {
        let (ready, rest): (Vec<Table>, Vec<Table>) = left
            .into_iter()
            .partition(|t| t.refs.iter().all(|r| r == &t.name || done.contains(r)));
        if ready.is_empty() {
            // A cycle (none today): keep the remaining tables by name.
            ordered.extend(rest);
            break;
        }
        for t in ready {
            done.insert(t.name.clone());
            ordered.push(t);
        }
        left = rest;
    }
    Ok(ordered)
}

/// The migrations applied to the database, by name.
async fn migrations_of<C: ConnectionTrait>(c: &C) -> Result<Vec<String>> {
    let mut v = Vec::new();
    for r in rows(
        c,
        "SELECT version FROM seaql_migrations ORDER BY version",
        vec![],
    )
    .await?
    {
        v.push(get_s(&r, "version")?);
    }
    Ok(v)
}

/// One value of a row as JSON.
fn read_value(r: &QueryResult, i: usize, kind: Kind) -> Result<Json> {
    fn j<T: Into<Json>>(v: Option<T>) -> Json {
        v.map(Into::into).unwrap_or(Json::Null)
    }
    Ok(match kind {
        Kind::I16 => j(r.try_get_by_index::<Option<i16>>(i)?),
        Kind::I32 => j(r.try_get_by_index::<Option<i32>>(i)?),
        Kind::I64 => j(r.try_get_by_index::<Option<i64>>(i)?),
        Kind::F32 => j(r.try_get_by_index::<Option<f32>>(i)?.map(f64::from)),
        Kind::F64 => j(r.try_get_by_index::<Option<f64>>(i)?),
        Kind::Bool => j(r.try_get_by_index::<Option<bool>>(i)?),
        Kind::Text => j(r.try_get_by_index::<Option<String>>(i)?),
        Kind::Blob => j(r
            .try_get_by_index::<Option<Vec<u8>>>(i)?
            .map(|b| base64::engine::general_purpose::STANDARD.encode(b))),
        Kind::Timestamp => j(r
            .try_get_by_index::<Option<chrono::DateTime<chrono::Utc>>>(i)?
            .map(|t| t.to_rfc3339_opts(chrono::SecondsFormat::AutoSi, true))),
        Kind::NaiveTimestamp => j(r
            .try_get_by_index::<Option<chrono::NaiveDateTime>>(i)?
            .map(|t| t.format("%Y-%m-%dT%H:%M:%S%.f").to_string())),
        Kind::Date => j(r
            .try_get_by_index::<Option<chrono::NaiveDate>>(i)?
            .map(|d| d.format("%Y-%m-%d").to_string())),
        Kind::Json => r.try_get_by_index::<Option<Json>>(i)?.unwrap_or(Json::Null),
    })
}

/// A JSON value of the file as a value to bind for a column of `kind`.
fn to_value(v: &Json, kind: Kind) -> std::result::Result<Value, String> {
    let bad = || format!("{v} is not a valid {} value", kind.name());
    let int = || v.as_i64().ok_or_else(bad);
    if v.is_null() {
        return Ok(match kind {
            Kind::I16 => Option::<i16>::None.into(),
            Kind::I32 => Option::<i32>::None.into(),
            Kind::I64 => Option::<i64>::None.into(),
            Kind::F32 => Option::<f32>::None.into(),
            Kind::F64 => Option::<f64>::None.into(),
            Kind::Bool => Option::<bool>::None.into(),
            Kind::Text => Option::<String>::None.into(),
            Kind::Blob => Option::<Vec<u8>>::None.into(),
            Kind::Timestamp => Option::<chrono::DateTime<chrono::Utc>>::None.into(),
            Kind::NaiveTimestamp => Option::<chrono::NaiveDateTime>::None.into(),
            Kind::Date => Option::<chrono::NaiveDate>::None.into(),
            Kind::Json => Option::<Json>::None.into(),
        });
    }
    let s = || v.as_str().ok_or_else(bad);
    Ok(match kind {
        Kind::I16 => Some(i16::try_from(int()?).map_err(|_| bad())?).into(),
        Kind::I32 => Some(i32::try_from(int()?).map_err(|_| bad())?).into(),
        Kind::I64 => Some(int()?).into(),
        Kind::F32 => Some(v.as_f64().ok_or_else(bad)? as f32).into(),
        Kind::F64 => Some(v.as_f64().ok_or_else(bad)?).into(),
        Kind::Bool => Some(v.as_bool().ok_or_else(bad)?).into(),
        Kind::Text => Some(s()?.to_string()).into(),
        Kind::Blob => Some(
            base64::engine::general_purpose::STANDARD
                .decode(s()?)
                .map_err(|_| bad())?,
        )
        .into(),
        Kind::Timestamp => Some(
            chrono::DateTime::parse_from_rfc3339(s()?)
                .map_err(|_| bad())?
                .with_timezone(&chrono::Utc),
        )
        .into(),
        Kind::NaiveTimestamp => Some(
            chrono::NaiveDateTime::parse_from_str(s()?, "%Y-%m-%dT%H:%M:%S%.f")
                .map_err(|_| bad())?,
        )
        .into(),
        Kind::Date => {
            Some(chrono::NaiveDate::parse_from_str(s()?, "%Y-%m-%d").map_err(|_| bad())?).into()
        }
        Kind::Json => Some(v.clone()).into(),
    })
}

/// Every row of `table`, in primary-key order, as JSON values: what a backup
/// writes. Also used by tests to compare two databases row for row.
pub async fn table_rows<C: ConnectionTrait>(c: &C, table: &str) -> Result<Vec<Vec<Json>>> {
    let t = schema(c)
        .await?
        .into_iter()
        .find(|t| t.name == table)
        .ok_or_else(|| invalid(format!("no table {table}")))?;
    let mut out = Vec::new();
    read_table(c, &t, |row| {
        out.push(row);
        Ok(())
    })
    .await?;
    Ok(out)
}

/// The application's tables, parents first (what a backup holds).
pub async fn table_names<C: ConnectionTrait>(c: &C) -> Result<Vec<String>> {
    Ok(schema(c).await?.into_iter().map(|t| t.name).collect())
}

async fn read_table<C: ConnectionTrait>(
    c: &C,
    t: &Table,
    mut each: impl FnMut(Vec<Json>) -> Result<()>,
) -> Result<u64> {
    let cols = t
        .columns
        .iter()
        .map(|(n, _)| q(n))
        .collect::<Vec<_>>()
        .join(", ");
    let order = if t.pk.is_empty() {
        t.columns.iter().map(|(n, _)| q(n)).collect::<Vec<_>>()
    } else {
        t.pk.iter().map(|n| q(n)).collect()
    }
    .join(", ");
    let mut offset = 0u64;
    loop {
        let batch = rows(
            c,
            &format!(
                "SELECT {cols} FROM {} ORDER BY {order} LIMIT {BATCH} OFFSET {offset}",
                q(&t.name)
            ),
            vec![],
        )
        .await?;
        let n = batch.len() as u64;
        for r in batch {
            let mut row = Vec::with_capacity(t.columns.len());
            for (i, (_, kind)) in t.columns.iter().enumerate() {
                row.push(read_value(&r, i, *kind)?);
            }
            each(row)?;
        }
        offset += n;
        if n < BATCH {
            return Ok(offset);
        }
    }
}

/// What a backup or a restore did.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Report {
    pub tables: usize,
    pub rows: u64,
    pub files: u64,
    /// Uploaded files in the backup that were not restored (no folder given).
    pub files_skipped: u64,
}

/// A line writer that hashes what it writes.
struct Out {
    w: std::io::BufWriter<std::fs::File>,
    h: Sha256,
}

impl Out {
    fn line(&mut self, v: &Json) -> Result<()> {
        let mut s = serde_json::to_string(v).map_err(|e| invalid(e.to_string()))?;
        s.push('\n');
        self.h.update(s.as_bytes());
        self.w
            .write_all(s.as_bytes())
            .map_err(|e| invalid(format!("cannot write the backup: {e}")))
    }
}

/// The regular files under `dir`, relative, sorted (`.part` files left out).
fn list_files(dir: &Path) -> Result<Vec<PathBuf>> {
    fn walk(root: &Path, dir: &Path, out: &mut Vec<PathBuf>) -> std::io::Result<()> {
        for e in std::fs::read_dir(dir)? {
            let e = e?;
            let p = e.path();
            let ft = e.file_type()?;
            if ft.is_dir() {
                walk(root, &p, out)?;
            } else if ft.is_file() && p.extension().map(|x| x != "part").unwrap_or(true) {
                if let Ok(rel) = p.strip_prefix(root) {
                    out.push(rel.to_path_buf());
                }
            }
        }
        Ok(())
    }
    let mut out = Vec::new();
    if !dir.is_dir() {
        return Err(invalid(format!(
            "files folder {} does not exist",
            dir.display()
        )));
    }
    walk(dir, dir, &mut out)
        .map_err(|e| invalid(format!("cannot read files folder {}: {e}", dir.display())))?;
    out.sort();
    Ok(out)
}

/// Writes a consistent copy of the database (and, with `files`, of the uploaded
/// files under that folder) to `to`, which must not exist. The file is written as
/// `to.part` (owner-only: it holds the certificates' signing keys) and renamed when
/// complete.
pub async fn backup(db: &Db, to: &Path, files: Option<&Path>) -> Result<Report> {
    if to.exists() {
        return Err(invalid(format!(
            "{} already exists; choose a new file name",
            to.display()
        )));
    }
    let dir = to
        .parent()
        .filter(|d| !d.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    if !dir.is_dir() {
        return Err(invalid(format!("folder {} does not exist", dir.display())));
    }
    let file_list = match files {
        Some(d) => Some(list_files(d)?),
        None => None,
    };
    let part = to.with_file_name(format!(
        "{}.part",
        to.file_name().and_then(|n| n.to_str()).unwrap_or("backup")
    ));
    let mut opts = std::fs::OpenOptions::new();
    opts.write(true).create(true).truncate(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        opts.mode(0o600);
    }
    let f = opts
        .open(&part)
        .map_err(|e| invalid(format!("cannot create {}: {e}", part.display())))?;
    let mut out = Out {
        w: std::io::BufWriter::new(f),
        h: Sha256::new(),
    };
    let result = write_backup(db, &mut out, files, file_list).await;
    let result = result.and_then(|r| {
        let f = out
            .w
            .into_inner()
            .map_err(|e| invalid(format!("cannot write the backup: {e}")))?;
        f.sync_all()
            .map_err(|e| invalid(format!("cannot write the backup: {e}")))?;
        std::fs::rename(&part, to)
            .map_err(|e| invalid(format!("cannot rename {}: {e}", part.display())))?;
        Ok(r)
    });
    if result.is_err() {
        let _ = std::fs::remove_file(&part);
    }
    result
}

async fn write_backup(
    db: &Db,
    out: &mut Out,
    files: Option<&Path>,
    file_list: Option<Vec<PathBuf>>,
) -> Result<Report> {
    let txn = match db.backend {
        DatabaseBackend::Postgres => {
            db.conn
                .begin_with_config(
                    Some(IsolationLevel::RepeatableRead),
                    Some(AccessMode::ReadOnly),
                )
                .await?
        }
        // SQLite in WAL mode: a read transaction sees one snapshot from its first read.
        _ => db.conn.begin().await?,
    };
    let migrations = migrations_of(&txn).await?;
    let tables = schema(&txn).await?;
    let backend = match db.backend {
        DatabaseBackend::Postgres => "postgres",
        _ => "sqlite",
    };
    out.line(&json!({
        "format": FORMAT,
        "version": VERSION,
        "created_at": crate::now().to_rfc3339_opts(chrono::SecondsFormat::Micros, true),
        "backend": backend,
        "migrations": migrations,
        "files": file_list.is_some(),
    }))?;
    let mut report = Report::default();
    for t in &tables {
        out.line(&json!({
            "table": t.name,
            "columns": t.columns.iter().map(|(n, k)| json!([n, k.name()])).collect::<Vec<_>>(),
        }))?;
        let n = read_table(&txn, t, |row| out.line(&Json::Array(row))).await?;
        out.line(&json!({"end_table": t.name, "rows": n}))?;
        report.tables += 1;
        report.rows += n;
    }
    txn.rollback().await?;
    if let (Some(root), Some(list)) = (files, file_list) {
        for rel in list {
            let bytes = std::fs::read(root.join(&rel))
                .map_err(|e| invalid(format!("cannot read {}: {e}", root.join(&rel).display())))?;
            out.line(&json!({
                "file": rel.to_string_lossy().replace('\\', "/"),
                "data": base64::engine::general_purpose::STANDARD.encode(bytes),
            }))?;
            report.files += 1;
        }
    }
    let sha = hex::encode(out.h.clone().finalize());
    out.line(&json!({
        "end": true,
        "tables": report.tables,
        "rows": report.rows,
        "files": report.files,
        "sha256": sha,
    }))?;
    Ok(report)
}

/// Rows of the tables that make a database non-empty, if any: (table, rows).
async fn first_non_empty<C: ConnectionTrait>(
    c: &C,
    tables: &[Table],
) -> Result<Option<(String, i64)>> {
    for t in tables {
        if REFERENCE_TABLES.contains(&t.name.as_str()) {
            continue;
        }
        let r = rows(
            c,
            &format!("SELECT COUNT(*) AS n FROM {}", q(&t.name)),
            vec![],
        )
        .await?;
        let n: i64 = r
            .first()
            .map(|r| r.try_get("", "n"))
            .transpose()?
            .unwrap_or(0);
        if n > 0 {
            return Ok(Some((t.name.clone(), n)));
        }
    }
    Ok(None)
}

/// A file path of the backup, checked to stay inside the files folder.
fn safe_rel(rel: &str) -> Option<PathBuf> {
    let p = Path::new(rel);
    if rel.is_empty()
        || p.is_absolute()
        || p.components()
            .any(|c| !matches!(c, std::path::Component::Normal(_)))
    {
        return None;
    }
    Some(p.to_path_buf())
}

/// Brings a backup back into `db`, which must be migrated and empty (reference
/// units aside) unless `force`, which first deletes every row. Everything is
/// written in one transaction: on any error nothing changes. With `files`, the
/// backup's uploaded files are written under that folder.
pub async fn restore(db: &Db, from: &Path, files: Option<&Path>, force: bool) -> Result<Report> {
    let f = std::fs::File::open(from)
        .map_err(|e| invalid(format!("cannot read backup {}: {e}", from.display())))?;
    let mut lines = std::io::BufReader::new(f).lines();
    let mut h = Sha256::new();
    let what = from.display().to_string();
    // Each line comes with the hash of every line before it (for the trailer).
    let mut next_line = |h: &mut Sha256| -> Result<Option<(String, String)>> {
        match lines.next() {
            None => Ok(None),
            Some(Err(e)) => Err(invalid(format!("cannot read backup {what}: {e}"))),
            Some(Ok(l)) => {
                let before = if l.starts_with('{') {
                    hex::encode(h.clone().finalize())
                } else {
                    String::new()
                };
                h.update(l.as_bytes());
                h.update(b"\n");
                Ok(Some((l, before)))
            }
        }
    };
    let not_backup = || invalid(format!("{} is not an ocop backup", from.display()));
    let (head_line, _) = next_line(&mut h)?.ok_or_else(not_backup)?;
    let head: Json = serde_json::from_str(&head_line).map_err(|_| not_backup())?;
    if head["format"] != FORMAT {
        return Err(not_backup());
    }
    if head["version"].as_i64() != Some(VERSION) {
        return Err(invalid(format!(
            "{} is a backup of format version {}; this ocop reads version {VERSION}",
            from.display(),
            head["version"]
        )));
    }
    if let Some(d) = files {
        std::fs::create_dir_all(d)
            .map_err(|e| invalid(format!("cannot create files folder {}: {e}", d.display())))?;
    }

    let txn = crate::db::begin_write(&db.conn).await?;
    if db.backend == DatabaseBackend::Sqlite {
        // Checked at commit: rows may refer to rows of their own table further on.
        txn.execute_unprepared("PRAGMA defer_foreign_keys = ON")
            .await?;
    }
    let known = migrations_of(&txn).await?;
    for m in head["migrations"].as_array().into_iter().flatten() {
        let m = m.as_str().unwrap_or_default();
        if !known.iter().any(|k| k == m) {
            return Err(invalid(format!(
                "the backup was made by a newer ocop (migration {m} is unknown here); restore it with that version"
            )));
        }
    }
    let tables = schema(&txn).await?;
    let by_name: BTreeMap<&str, &Table> = tables.iter().map(|t| (t.name.as_str(), t)).collect();
    if let Some((t, n)) = first_non_empty(&txn, &tables).await? {
        if !force {
            return Err(invalid(format!(
                "database {} is not empty (table {t} has {n} rows); restore only into a new database, or give --force to replace its contents",
                db.display_url
            )));
        }
    }
    for t in tables.iter().rev() {
        txn.execute_unprepared(&format!("DELETE FROM {}", q(&t.name)))
            .await
            .map_err(|e| db_err(&format!("cannot empty table {}", t.name), e))?;
    }

    let mut report = Report::default();
    let mut current: Option<(String, Columns, u64)> = None;
    let mut pending: Vec<Vec<Value>> = Vec::new();
    let mut ended = false;
    while let Some((line, hash_before)) = next_line(&mut h)? {
        if ended {
            return Err(invalid(format!(
                "{} has data after its end",
                from.display()
            )));
        }
        if line.starts_with('[') {
            let Some((table, cols, n)) = current.as_mut() else {
                return Err(invalid(format!(
                    "{}: a row outside any table",
                    from.display()
                )));
            };
            let row: Vec<Json> = serde_json::from_str(&line).map_err(|_| {
                invalid(format!(
                    "{}: a damaged row in table {table}",
                    from.display()
                ))
            })?;
            if row.len() != cols.len() {
                return Err(invalid(format!(
                    "{}: a row of table {table} has {} values, expected {}",
                    from.display(),
                    row.len(),
                    cols.len()
                )));
            }
            let mut vals = Vec::with_capacity(row.len());
            for (v, (col, kind)) in row.iter().zip(cols.iter()) {
                vals.push(to_value(v, *kind).map_err(|e| {
                    invalid(format!(
                        "{}: table {table}, column {col}: {e}",
                        from.display()
                    ))
                })?);
            }
            pending.push(vals);
            *n += 1;
            if pending.len() * cols.len() >= 900 {
                insert(&txn, table, cols, &mut pending).await?;
            }
            continue;
        }
        let v: Json = serde_json::from_str(&line)
            .map_err(|_| invalid(format!("{}: a damaged line", from.display())))?;
        if let Some(name) = v["table"].as_str() {
            let t = by_name.get(name).ok_or_else(|| {
                invalid(format!(
                    "the backup has a table {name} that this database does not have"
                ))
            })?;
            let mut cols = Vec::new();
            for c in v["columns"].as_array().into_iter().flatten() {
                let cname = c[0].as_str().unwrap_or_default();
                let kind = t
                    .columns
                    .iter()
                    .find(|(n, _)| n == cname)
                    .map(|(_, k)| *k)
                    .ok_or_else(|| {
                        invalid(format!(
                            "the backup has a column {name}.{cname} that this database does not have"
                        ))
                    })?;
                cols.push((cname.to_string(), kind));
            }
            current = Some((name.to_string(), cols, 0));
        } else if let Some(name) = v["end_table"].as_str() {
            let Some((table, cols, n)) = current.take() else {
                return Err(invalid(format!(
                    "{}: a table end without a start",
                    from.display()
                )));
            };
            if table != name || v["rows"].as_u64() != Some(n) {
                return Err(invalid(format!(
                    "{}: table {table} is incomplete",
                    from.display()
                )));
            }
            insert(&txn, &table, &cols, &mut pending).await?;
            report.tables += 1;
            report.rows += n;
        } else if let Some(rel) = v["file"].as_str() {
            let rel_path = safe_rel(rel)
                .ok_or_else(|| invalid(format!("{}: a bad file name {rel:?}", from.display())))?;
            match files {
                Some(root) => {
                    let bytes = base64::engine::general_purpose::STANDARD
                        .decode(v["data"].as_str().unwrap_or_default())
                        .map_err(|_| invalid(format!("{}: damaged file {rel}", from.display())))?;
                    write_file(&root.join(rel_path), &bytes)?;
                    report.files += 1;
                }
                None => report.files_skipped += 1,
            }
        } else if v["end"] == true {
            // The trailer's hash covers every line before it.
            ended = true;
            if v["sha256"].as_str() != Some(hash_before.as_str()) {
                return Err(invalid(format!(
                    "{} is damaged (its checksum does not match)",
                    from.display()
                )));
            }
        } else {
            return Err(invalid(format!("{}: an unknown line", from.display())));
        }
    }
    if !ended || current.is_some() {
        return Err(invalid(format!(
            "{} is incomplete (no end line): the backup was cut short",
            from.display()
        )));
    }
    if db.backend == DatabaseBackend::Postgres {
        reset_sequences(&txn, &tables).await?;
    }
    // The text-search index is derived (and not in the backup): rebuild it.
    crate::search::rebuild(&txn)
        .await
        .map_err(|e| db_err("cannot rebuild the search index", e))?;
    txn.commit()
        .await
        .map_err(|e| db_err("cannot restore (the rows do not fit together)", e))?;
    Ok(report)
}

async fn insert<C: ConnectionTrait>(
    c: &C,
    table: &str,
    cols: &[(String, Kind)],
    pending: &mut Vec<Vec<Value>>,
) -> Result<()> {
    if pending.is_empty() {
        return Ok(());
    }
    let backend = c.get_database_backend();
    let names = cols
        .iter()
        .map(|(n, _)| q(n))
        .collect::<Vec<_>>()
        .join(", ");
    let mut sql = format!("INSERT INTO {} ({names}) VALUES ", q(table));
    let mut values = Vec::with_capacity(pending.len() * cols.len());
    let mut i = 0;
    for (r, row) in pending.drain(..).enumerate() {
        if r > 0 {
            sql.push_str(", ");
        }
        sql.push('(');
        for (j, v) in row.into_iter().enumerate() {
            if j > 0 {
                sql.push_str(", ");
            }
            i += 1;
            match backend {
                DatabaseBackend::Postgres => sql.push_str(&format!("${i}")),
                _ => sql.push('?'),
            }
            values.push(v);
        }
        sql.push(')');
    }
    c.execute_raw(Statement::from_sql_and_values(backend, sql, values))
        .await
        .map_err(|e| db_err(&format!("cannot restore table {table}"), e))?;
    Ok(())
}

/// On PostgreSQL, moves each table's id sequence past the restored ids.
async fn reset_sequences<C: ConnectionTrait>(c: &C, tables: &[Table]) -> Result<()> {
    for t in tables {
        for (col, kind) in &t.columns {
            if !matches!(kind, Kind::I16 | Kind::I32 | Kind::I64) {
                continue;
            }
            let r = rows(
                c,
                "SELECT pg_get_serial_sequence($1, $2) AS seq",
                vec![q(&t.name).into(), col.clone().into()],
            )
            .await?;
            let seq: Option<String> = match r.first() {
                Some(r) => r.try_get("", "seq")?,
                None => None,
            };
            if let Some(seq) = seq {
                rows(
                    c,
                    &format!(
                        "SELECT setval($1::regclass, COALESCE((SELECT MAX({}) FROM {}), 0) + 1, false)",
                        q(col),
                        q(&t.name)
                    ),
                    vec![seq.into()],
                )
                .await?;
            }
        }
    }
    Ok(())
}

fn write_file(path: &Path, bytes: &[u8]) -> Result<()> {
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir)
            .map_err(|e| invalid(format!("cannot create folder {}: {e}", dir.display())))?;
    }
    let tmp = path.with_extension("part");
    std::fs::write(&tmp, bytes)
        .and_then(|_| std::fs::rename(&tmp, path))
        .map_err(|e| invalid(format!("cannot write {}: {e}", path.display())))
}
