//! Connecting to SQLite or PostgreSQL. The only module that knows which backend is
//! in use, apart from the few helpers below that other modules call for
//! backend-specific SQL.

use crate::error::{Result, StoreError};
use sea_orm::sqlx::sqlite::{SqliteJournalMode, SqliteSynchronous};
use sea_orm::{ConnectOptions, ConnectionTrait, Database, DatabaseBackend, DatabaseConnection};
use std::path::{Path, PathBuf};
use std::time::Duration;

/// The default database of `ocop serve`.
pub const DEFAULT_DATABASE_URL: &str = "sqlite://ocop-data/ocop.db";

/// A parsed database URL.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DbTarget {
    Sqlite { path: PathBuf },
    Postgres { url: String },
}

/// How to treat a SQLite file that does not exist yet.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OpenMode {
    /// `migrate`: create the file; its folder must exist.
    CreateFile,
    /// `serve`: create only the default database (and its folder); refuse any other
    /// missing path so that a typo never starts an empty system.
    CreateDefaultOnly,
    /// Never create.
    MustExist,
}

impl DbTarget {
    /// Parses `sqlite://path`, `sqlite:path`, `postgres://…` or `postgresql://…`.
    pub fn parse(url: &str) -> Result<DbTarget> {
        let url = url.trim();
        if let Some(rest) = url
            .strip_prefix("sqlite://")
            .or_else(|| url.strip_prefix("sqlite:"))
        {
            let path = rest.split('?').next().unwrap_or_default();
            if path.is_empty() || path == ":memory:" {
                return Err(StoreError::Invalid(
                    "a SQLite URL needs a file path, e.g. sqlite://ocop-data/ocop.db".into(),
                ));
            }
            return Ok(DbTarget::Sqlite {
                path: PathBuf::from(path),
            });
        }
        if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            return Ok(DbTarget::Postgres {
                url: url.to_string(),
            });
        }
        Err(StoreError::Invalid(format!(
            "unsupported database URL '{}': use sqlite://PATH or postgres://USER@HOST/DB",
            redact(url)
        )))
    }
}

/// The URL with any password replaced by `***`, for logs and messages.
pub fn redact(url: &str) -> String {
    match url::Url::parse(url) {
        Ok(mut u) if u.password().is_some() => {
            let _ = u.set_password(Some("***"));
            u.to_string()
        }
        _ => url.to_string(),
    }
}

/// An open database.
#[derive(Clone, Debug)]
pub struct Db {
    pub conn: DatabaseConnection,
    pub backend: DatabaseBackend,
    /// The URL with its password hidden.
    pub display_url: String,
}

fn is_default_path(path: &Path) -> bool {
    path == Path::new("ocop-data/ocop.db")
}

/// Opens (and for SQLite possibly creates) the database. Errors are one line, fit
/// for a terminal.
pub async fn connect(url: &str, mode: OpenMode) -> Result<Db> {
    let target = DbTarget::parse(url)?;
    let display_url = redact(url);
    let conn = match &target {
        DbTarget::Sqlite { path } => {
            if !path.exists() {
                match mode {
                    OpenMode::MustExist => {
                        return Err(StoreError::Invalid(format!(
                            "database file {} does not exist",
                            path.display()
                        )))
                    }
                    OpenMode::CreateDefaultOnly if !is_default_path(path) => {
                        return Err(StoreError::Invalid(format!(
                            "database file {} does not exist; create it with `ocop migrate --database {}` (serve creates only the default {})",
                            path.display(),
                            display_url,
                            DEFAULT_DATABASE_URL
                        )))
                    }
                    OpenMode::CreateDefaultOnly => {
                        if let Some(dir) = path.parent() {
                            std::fs::create_dir_all(dir).map_err(|e| {
                                StoreError::Invalid(format!(
                                    "cannot create folder {}: {e}",
                                    dir.display()
                                ))
                            })?;
                        }
                    }
                    OpenMode::CreateFile => {
                        let dir = path
                            .parent()
                            .filter(|d| !d.as_os_str().is_empty())
                            .unwrap_or(Path::new("."));
                        if !dir.is_dir() {
                            return Err(StoreError::Invalid(format!(
                                "folder {} does not exist; create it first",
                                dir.display()
                            )));
                        }
                    }
                }
            }
            let mut opts = ConnectOptions::new(format!("sqlite://{}?mode=rwc", path.display()));
            opts.max_connections(8)
                .min_connections(1)
                .acquire_timeout(Duration::from_secs(10))
                .sqlx_logging(false)
                .map_sqlx_sqlite_opts(|o| {
                    o.journal_mode(SqliteJournalMode::Wal)
                        .synchronous(SqliteSynchronous::Normal)
                        .busy_timeout(Duration::from_secs(10))
                        .foreign_keys(true)
                });
            Database::connect(opts).await.map_err(|e| {
                StoreError::Invalid(format!("cannot open database {display_url}: {e}"))
            })?
        }
        DbTarget::Postgres { url } => {
            let mut opts = ConnectOptions::new(url.clone());
            opts.max_connections(16)
                .min_connections(1)
                .connect_timeout(Duration::from_secs(5))
                .acquire_timeout(Duration::from_secs(10))
                .sqlx_logging(false);
            Database::connect(opts).await.map_err(|e| {
                StoreError::Invalid(format!(
                    "cannot connect to database {display_url}: {}",
                    one_line(&e.to_string())
                ))
            })?
        }
    };
    // Fail now, with a clear message, rather than on the first request.
    conn.execute_unprepared("SELECT 1").await.map_err(|e| {
        StoreError::Invalid(format!(
            "cannot use database {display_url}: {}",
            one_line(&e.to_string())
        ))
    })?;
    let backend = conn.get_database_backend();
    Ok(Db {
        conn,
        backend,
        display_url,
    })
}

fn one_line(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Starts a write transaction. On SQLite it takes the write lock at once
/// (`BEGIN IMMEDIATE`): a transaction that reads before writing would otherwise fail
/// with "database is locked" when another writer commits in between, which
/// `busy_timeout` cannot help. On PostgreSQL it is a plain `BEGIN`.
pub async fn begin_write<C: sea_orm::TransactionTrait>(
    db: &C,
) -> std::result::Result<C::Transaction, sea_orm::DbErr> {
    db.begin_with_options(sea_orm::TransactionOptions {
        sqlite_transaction_mode: Some(sea_orm::SqliteTransactionMode::Immediate),
        ..Default::default()
    })
    .await
}

/// Serialises audit-chain appends on PostgreSQL (SQLite has a single writer anyway).
pub async fn lock_audit_chain<C: ConnectionTrait>(c: &C) -> Result<()> {
    if c.get_database_backend() == DatabaseBackend::Postgres {
        c.execute_unprepared("SELECT pg_advisory_xact_lock(4242001)")
            .await?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_urls() {
        assert_eq!(
            DbTarget::parse("sqlite://ocop-data/ocop.db").unwrap(),
            DbTarget::Sqlite {
                path: "ocop-data/ocop.db".into()
            }
        );
        assert_eq!(
            DbTarget::parse("sqlite:/tmp/x.db?mode=rwc").unwrap(),
            DbTarget::Sqlite {
                path: "/tmp/x.db".into()
            }
        );
        assert!(DbTarget::parse("mysql://x").is_err());
        assert!(DbTarget::parse("sqlite://").is_err());
    }

    #[test]
    fn hides_passwords() {
        assert_eq!(
            redact("postgres://ocop:s3cret@db.example:5432/ocop"),
            "postgres://ocop:***@db.example:5432/ocop"
        );
        assert_eq!(redact("postgres://ocop@db/ocop"), "postgres://ocop@db/ocop");
        assert_eq!(redact("sqlite://x.db"), "sqlite://x.db");
    }

    #[tokio::test]
    async fn serve_refuses_a_missing_non_default_path_and_migrate_needs_its_folder() {
        let dir = std::env::temp_dir().join(format!("ocop-db-test-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let missing = format!("sqlite://{}/typo.db", dir.display());
        let err = connect(&missing, OpenMode::CreateDefaultOnly)
            .await
            .unwrap_err();
        assert!(err.to_string().contains("does not exist"), "{err}");
        assert!(!dir.join("typo.db").exists());
        let no_folder = format!("sqlite://{}/nope/x.db", dir.display());
        let err = connect(&no_folder, OpenMode::CreateFile).await.unwrap_err();
        assert!(err.to_string().contains("folder"), "{err}");
        let db = connect(&missing, OpenMode::CreateFile).await.unwrap();
        assert_eq!(db.backend, DatabaseBackend::Sqlite);
        assert!(dir.join("typo.db").exists());
        let _ = std::fs::remove_dir_all(&dir);
    }
}
