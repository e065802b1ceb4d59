//! `ocop`: the OCOP information system in one binary.
//!
//! Subcommands: `serve`, `migrate`, `demo`, `user add`, `import units`,
//! `audit verify`, `backup`, `restore`. Configuration: defaults → TOML file (`--config` or `./ocop.toml`)
//! → `OCOP_*` environment → command-line flags.

mod config;

use anyhow::{anyhow, bail, Context, Result};
use clap::{Args, Parser, Subcommand};
use config::Config;
use ocop_domain::roles::Role;
use ocop_domain::units::Period;
use ocop_store::{connect, demo, migrations, OpenMode};
use std::io::Read;
use std::process::ExitCode;

#[derive(Parser)]
#[command(
    name = "ocop",
    version,
    about = "OCOP information system (Mỗi xã một sản phẩm)"
)]
struct Cli {
    /// TOML configuration file (default: ./ocop.toml when it exists).
    #[arg(long, global = true)]
    config: Option<std::path::PathBuf>,
    /// Log format: human or json.
    #[arg(long, global = true)]
    log_format: Option<String>,
    #[command(subcommand)]
    cmd: Cmd,
}

#[derive(Args, Clone, Default)]
struct DbArg {
    /// Database URL: sqlite://PATH or postgres://USER:PASS@HOST/DB.
    #[arg(long)]
    database: Option<String>,
}

#[derive(Subcommand)]
enum Cmd {
    /// Serve the web application and the API (applies migrations first).
    Serve {
        #[command(flatten)]
        db: DbArg,
        /// Listen address, e.g. 127.0.0.1:8080.
        #[arg(long)]
        listen: Option<String>,
        /// Load the Lai Châu demo programme (once) before serving.
        #[arg(long)]
        demo: bool,
    },
    /// Apply database migrations and exit (creates a new SQLite file).
    Migrate {
        #[command(flatten)]
        db: DbArg,
    },
    /// Load the Lai Châu demo programme (idempotent).
    Demo {
        #[command(flatten)]
        db: DbArg,
    },
    /// Manage accounts.
    User {
        #[command(subcommand)]
        cmd: UserCmd,
    },
    /// Import reference data.
    Import {
        #[command(subcommand)]
        cmd: ImportCmd,
    },
    /// Audit trail tools.
    Audit {
        #[command(subcommand)]
        cmd: AuditCmd,
    },
    /// Rulebooks (decisions) and their criteria sheets.
    Rulebook {
        #[command(subcommand)]
        cmd: RulebookCmd,
    },
    /// Write a consistent copy of the database to a new file while the server runs.
    Backup {
        #[command(flatten)]
        db: DbArg,
        /// The backup file to create (it must not exist).
        #[arg(long)]
        to: std::path::PathBuf,
        /// Also copy the uploaded files of this folder (e.g. ocop-data/files).
        #[arg(long)]
        files: Option<std::path::PathBuf>,
    },
    /// Bring a backup back into a new or empty database.
    Restore {
        #[command(flatten)]
        db: DbArg,
        /// The backup file written by `ocop backup`.
        #[arg(long)]
        from: std::path::PathBuf,
        /// Write the backup's uploaded files into this folder.
        #[arg(long)]
        files: Option<std::path::PathBuf>,
        /// Replace the contents of a database that is not empty.
        #[arg(long)]
        force: bool,
    },
}

#[derive(Subcommand)]
enum RulebookCmd {
    /// Check a rulebook folder (rulebook.toml + sheets): every sheet must add up.
    Check { dir: std::path::PathBuf },
    /// List the rulebooks known (embedded and from OCOP_RULEBOOKS_DIR).
    List,
}

#[derive(Subcommand)]
enum UserCmd {
    /// Create an account; the password is read from standard input.
    Add {
        #[command(flatten)]
        db: DbArg,
        #[arg(long)]
        username: String,
        /// admin, central_officer, province_officer, district_officer, commune_officer,
        /// council_member, inspector, producer, viewer.
        #[arg(long)]
        role: String,
        /// Administrative unit code the account is scoped to (officers).
        #[arg(long)]
        unit: Option<String>,
        /// Period of the unit code: post2025 (default) or pre2025.
        #[arg(long)]
        period: Option<String>,
        /// Producer id (for role producer).
        #[arg(long)]
        entity: Option<i64>,
        #[arg(long)]
        display_name: Option<String>,
        /// Read the password from standard input (required).
        #[arg(long)]
        password_stdin: bool,
    },
}

#[derive(Subcommand)]
enum ImportCmd {
    /// Load administrative units from a CSV (code,name,level,parent_code[,lat,lon]),
    /// e.g. data/admin-units/vietnam-post2025.csv. Idempotent.
    Units {
        file: std::path::PathBuf,
        #[command(flatten)]
        db: DbArg,
        /// pre2025 or post2025; guessed from the file name when omitted.
        #[arg(long)]
        period: Option<String>,
    },
}

#[derive(Subcommand)]
enum AuditCmd {
    /// Exit 0 when the audit chain and its signed checkpoints are intact, 1 naming
    /// the first broken entry or checkpoint, 2 when it could not be checked.
    Verify {
        #[command(flatten)]
        db: DbArg,
        /// A file kept off the database server where each successful run notes the
        /// newest checkpoint; the next run fails if that checkpoint is gone or changed
        /// (a rollback of the newest checkpoints with the entries they sealed).
        #[arg(long)]
        witness: Option<std::path::PathBuf>,
    },
}

fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(c) => c,
        Err(e) => {
            use clap::error::ErrorKind;
            if matches!(e.kind(), ErrorKind::DisplayHelp | ErrorKind::DisplayVersion) {
                let _ = e.print();
                return ExitCode::SUCCESS;
            }
            if e.kind() == ErrorKind::DisplayHelpOnMissingArgumentOrSubcommand {
                // An incomplete command is an error: show the help, exit non-zero.
                let _ = e.print();
                return ExitCode::from(2);
            }
            // One line on stderr, as the contract asks: clap's message up to its usage.
            let msg = e.to_string();
            let line = msg
                .lines()
                .map(str::trim)
                .take_while(|l| {
                    !l.starts_with("Usage:")
                        && !l.starts_with("tip:")
                        && !l.starts_with("For more information")
                })
                .filter(|l| !l.is_empty())
                .collect::<Vec<_>>()
                .join(" ");
            let line = if line.is_empty() {
                "invalid arguments".to_string()
            } else {
                line
            };
            eprintln!("{}", line.trim_start_matches("error: "));
            return ExitCode::from(2);
        }
    };
    let rt = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("cannot start runtime: {e}");
            return ExitCode::FAILURE;
        }
    };
    match rt.block_on(run(cli)) {
        Ok(code) => code,
        Err(e) => {
            let chain: Vec<String> = e.chain().map(|c| c.to_string()).collect();
            eprintln!("error: {}", chain.join(": "));
            ExitCode::FAILURE
        }
    }
}

async fn open(url: &str, mode: OpenMode) -> Result<ocop_store::Db> {
    let db = connect(url, mode).await.map_err(|e| anyhow!("{e}"))?;
    migrations::run(&db.conn)
        .await
        .map_err(|e| anyhow!("cannot migrate database {}: {e}", db.display_url))?;
    Ok(db)
}

async fn run(cli: Cli) -> Result<ExitCode> {
    let cfg = Config::load(cli.config.as_deref())?;
    let log_format = cli
        .log_format
        .clone()
        .unwrap_or_else(|| cfg.log_format.clone());
    init_logs(&log_format)?;
    match cli.cmd {
        Cmd::Serve { db, listen, demo } => {
            let url = db.database.unwrap_or(cfg.database_url.clone());
            let listen = listen.unwrap_or(cfg.listen.clone());
            serve(&url, &listen, demo || cfg.demo, &cfg).await?;
        }
        Cmd::Migrate { db } => {
            let url = db.database.unwrap_or(cfg.database_url.clone());
            let db = open(&url, OpenMode::CreateFile).await?;
            demo::ensure_units(&db.conn)
                .await
                .map_err(|e| anyhow!("{e}"))?;
            install_audit_key(&cfg)?;
            println!("database {} is up to date", db.display_url);
        }
        Cmd::Demo { db } => {
            let url = db.database.unwrap_or(cfg.database_url.clone());
            let db = open(&url, OpenMode::CreateDefaultOnly).await?;
            let key = install_audit_key(&cfg)?;
            load_demo(&db, &cfg).await?;
            if let Some(key) = key {
                ocop_store::audit::checkpoint(&db.conn, &key)
                    .await
                    .map_err(|e| anyhow!("cannot seal the audit chain: {e}"))?;
            }
        }
        Cmd::User {
            cmd:
                UserCmd::Add {
                    db,
                    username,
                    role,
                    unit,
                    period,
                    entity,
                    display_name,
                    password_stdin,
                },
        } => {
            let url = db.database.unwrap_or(cfg.database_url.clone());
            let role: Role = role.parse().map_err(|e| anyhow!("{e}"))?;
            if !password_stdin {
                bail!("give the password on standard input with --password-stdin");
            }
            let mut pw = String::new();
            std::io::stdin()
                .read_to_string(&mut pw)
                .context("cannot read the password from standard input")?;
            let pw = pw.trim_end_matches(['\n', '\r']).to_string();
            let db = open(&url, OpenMode::MustExist).await?;
            // People choose this password: the rule of the pages applies.
            if let Err(w) =
                ocop_domain::passwords::check(&pw, &username, display_name.as_deref().unwrap_or(""))
            {
                bail!(
                    "the password is too weak: {}",
                    w.message(ocop_domain::registry::Lang::En)
                );
            }
            demo::ensure_units(&db.conn)
                .await
                .map_err(|e| anyhow!("{e}"))?;
            let period: Period = match period.as_deref() {
                Some(p) => p.parse().map_err(|e| anyhow!("{e}"))?,
                None => Period::Post2025,
            };
            let unit = match unit {
                Some(code) => {
                    let u = ocop_store::units::find(&db.conn, &code, period)
                        .await
                        .map_err(|e| anyhow!("{e}"))?
                        .ok_or_else(|| {
                            anyhow!("no administrative unit {code} in period {period}")
                        })?;
                    Some((u.code, period, u.path))
                }
                None => None,
            };
            if let Some(id) = entity {
                ocop_store::registry::get_producer(&db.conn, id)
                    .await
                    .map_err(|_| anyhow!("no producer with id {id}"))?;
            }
            let u = ocop_store::users::create(
                &db.conn,
                &ocop_store::audit::Actor::system("cli"),
                ocop_store::users::NewUser {
                    username: username.clone(),
                    display_name: display_name.unwrap_or_default(),
                    password: pw,
                    role,
                    unit,
                    producer_id: entity,
                },
            )
            .await
            .map_err(|e| match e {
                ocop_store::StoreError::Duplicate(_) => anyhow!("user {username} already exists"),
                other => anyhow!("{other}"),
            })?;
            println!("created user {} ({})", u.username, u.role);
        }
        Cmd::Import {
            cmd: ImportCmd::Units { file, db, period },
        } => {
            let url = db.database.unwrap_or(cfg.database_url.clone());
            let name = file
                .file_name()
                .and_then(|n| n.to_str())
                .unwrap_or_default()
                .to_string();
            let period: Period = match period.as_deref() {
                Some(p) => p.parse().map_err(|e| anyhow!("{e}"))?,
                None if name.contains("pre2025") => Period::Pre2025,
                None if name.contains("post2025") => Period::Post2025,
                None => bail!("cannot tell the period from the file name {name}; add --period pre2025|post2025"),
            };
            let text = std::fs::read_to_string(&file)
                .with_context(|| format!("cannot read {}", file.display()))?;
            let units = ocop_domain::units::parse_units_csv(&text, period)
                .map_err(|e| anyhow!("{}: {e}", file.display()))?;
            let db = open(&url, OpenMode::MustExist).await?;
            let set = ocop_domain::units::UnitSet {
                units,
                mappings: vec![],
            };
            let r = ocop_store::units::load(&db.conn, &set)
                .await
                .map_err(|e| anyhow!("{e}"))?;
            println!(
                "imported {} units ({} already present)",
                r.units_added,
                set.units.len() - r.units_added
            );
        }
        Cmd::Rulebook {
            cmd: RulebookCmd::Check { dir },
        } => {
            let mut lib = ocop_domain::rulebook::Library::embedded();
            let rb = lib.add_dir(&dir).map_err(|e| anyhow!("{e}"))?.clone();
            let n = lib.sheets_of(&rb).count();
            println!(
                "rulebook {} is valid: {n} sheets, each adds up to {}",
                rb.id,
                rb.parts.iter().map(|(_, p)| p).sum::<i32>()
            );
        }
        Cmd::Rulebook {
            cmd: RulebookCmd::List,
        } => {
            let lib = library(&cfg)?;
            let today = ocop_domain::format::today_vn();
            for rb in &lib.rulebooks {
                let ok = lib.sheets_of(rb).filter(|s| s.is_ok()).count();
                let all = lib.sheets_of(rb).count();
                let mark = if rb.in_force_on(today) {
                    " (in force today)"
                } else {
                    ""
                };
                let to = rb.in_force_to.map(|d| d.to_string()).unwrap_or_default();
                println!(
                    "{:<18} {} – {to:<10}  {ok}/{all} sheets{mark}",
                    rb.id, rb.in_force_from
                );
            }
        }
        Cmd::Audit {
            cmd: AuditCmd::Verify { db, witness },
        } => {
            // Exit 1 means only "the chain is broken"; any other failure exits 2.
            let url = db.database.unwrap_or(cfg.database_url.clone());
            return Ok(audit_verify(&url, &cfg, witness.as_deref()).await);
        }
        Cmd::Backup { db, to, files } => {
            let url = db.database.unwrap_or(cfg.database_url.clone());
            // No migrations: a backup never changes the database it copies.
            let db = connect(&url, OpenMode::MustExist)
                .await
                .map_err(|e| anyhow!("{e}"))?;
            let r = ocop_store::backup::backup(&db, &to, files.as_deref())
                .await
                .map_err(|e| anyhow!("{e}"))?;
            println!(
                "backed up {} rows of {} tables{} from {} to {}",
                r.rows,
                r.tables,
                if files.is_some() {
                    format!(" and {} uploaded files", r.files)
                } else {
                    String::new()
                },
                db.display_url,
                to.display()
            );
        }
        Cmd::Restore {
            db,
            from,
            files,
            force,
        } => {
            let url = db.database.unwrap_or(cfg.database_url.clone());
            if !from.is_file() {
                bail!("backup file {} does not exist", from.display());
            }
            // A SQLite file that restore creates is removed again if restore fails.
            let new_file = match ocop_store::DbTarget::parse(&url) {
                Ok(ocop_store::DbTarget::Sqlite { path }) if !path.exists() => Some(path),
                _ => None,
            };
            let result = async {
                let db = open(&url, OpenMode::CreateFile).await?;
                let r = ocop_store::backup::restore(&db, &from, files.as_deref(), force)
                    .await
                    .map_err(|e| anyhow!("{e}"));
                db.conn.close().await.ok();
                r.map(|r| (r, db.display_url))
            }
            .await;
            let (r, display_url) = match result {
                Ok(x) => x,
                Err(e) => {
                    if let Some(p) = new_file {
                        for suffix in ["", "-wal", "-shm"] {
                            let mut f = p.clone().into_os_string();
                            f.push(suffix);
                            let _ = std::fs::remove_file(f);
                        }
                    }
                    return Err(e);
                }
            };
            println!(
                "restored {} rows of {} tables{} from {} into {}",
                r.rows,
                r.tables,
                if files.is_some() {
                    format!(" and {} uploaded files", r.files)
                } else {
                    String::new()
                },
                from.display(),
                display_url
            );
            if r.files_skipped > 0 {
                println!(
                    "note: the backup also holds {} uploaded files, not restored: give --files DIR",
                    r.files_skipped
                );
            }
        }
    }
    Ok(ExitCode::SUCCESS)
}

/// Loads (creating it when missing) the audit key and lets every audit entry of this
/// process write the periodic checkpoints. Without a key, says so once.
fn install_audit_key(cfg: &Config) -> Result<Option<ocop_store::audit::AuditKey>> {
    let key = cfg.audit_key(true)?;
    match &key {
        Some(k) => ocop_store::audit::install_key(k.clone()),
        None => tracing::warn!(
            "no audit key: the audit chain is not anchored by signed checkpoints (create the folder of {} or set OCOP_AUDIT_KEY_FILE)",
            ocop_store::audit::DEFAULT_KEY_FILE
        ),
    }
    Ok(key)
}

/// `ocop audit verify`: 0 intact, 1 broken (entry or checkpoint), 2 anything else,
/// including signed checkpoints that cannot be checked for want of the key.
async fn audit_verify(url: &str, cfg: &Config, witness: Option<&std::path::Path>) -> ExitCode {
    use ocop_store::audit::Verdict;
    // The witness of the last run: (checkpoint number, its signature).
    let seen = match witness.filter(|w| w.exists()).map(read_witness) {
        None => None,
        Some(Ok(w)) => Some(w),
        Some(Err(e)) => {
            eprintln!("error: {e}");
            return ExitCode::from(2);
        }
    };
    let result = async {
        let key = cfg.audit_key(false)?;
        let db = open(url, OpenMode::MustExist).await?;
        let verdict = ocop_store::audit::verify_anchored(&db.conn, key.as_ref())
            .await
            .map_err(|e| anyhow!("{e}"))?;
        anyhow::Ok((db, key, verdict))
    }
    .await;
    let (db, key, verdict) = match result {
        Ok(x) => x,
        Err(e) => {
            let chain: Vec<String> = e.chain().map(|c| c.to_string()).collect();
            eprintln!("error: {}", chain.join(": "));
            return ExitCode::from(2);
        }
    };
    match verdict {
        Verdict::Intact {
            entries,
            checkpoints,
            last,
        } => {
            if let Some((seq, mac)) = &seen {
                match ocop_store::audit::checkpoint_by_seq(&db.conn, *seq).await {
                    Ok(Some(cp)) if &cp.mac == mac => {}
                    Ok(_) => {
                        eprintln!("audit chain broken at checkpoint {seq}: it was verified on an earlier run and is now missing or changed (the newest checkpoints were rolled back)");
                        return ExitCode::from(1);
                    }
                    Err(e) => {
                        eprintln!("error: {e}");
                        return ExitCode::from(2);
                    }
                }
            }
            let mut line = format!("audit chain intact: {entries} entries");
            if let Some((seq, id)) = last {
                line.push_str(&format!(
                    ", {checkpoints} signed checkpoints (the last, {seq}, seals entry {id})"
                ));
            }
            match key {
                Some(key) => {
                    // Seals what was just verified (a read-only copy only warns).
                    match ocop_store::audit::checkpoint(&db.conn, &key).await {
                        Ok(Some(cp)) => line.push_str(&format!(
                            "; sealed now by checkpoint {} at entry {}",
                            cp.seq, cp.last_id
                        )),
                        Ok(None) => {}
                        Err(e) => eprintln!("warning: cannot write a checkpoint: {e}"),
                    }
                }
                None => eprintln!(
                    "warning: no audit key, so the chain is not anchored: a deleted tail or a recomputed chain would not be seen (set OCOP_AUDIT_KEY_FILE)"
                ),
            }
            if let Some(w) = witness {
                match ocop_store::audit::last_checkpoint(&db.conn).await {
                    Ok(Some(cp)) => {
                        if let Err(e) = write_witness(w, cp.seq, &cp.mac) {
                            eprintln!("error: {e}");
                            return ExitCode::from(2);
                        }
                    }
                    Ok(None) => {}
                    Err(e) => {
                        eprintln!("error: {e}");
                        return ExitCode::from(2);
                    }
                }
            }
            println!("{line}");
            ExitCode::SUCCESS
        }
        Verdict::Unchecked {
            entries,
            checkpoints,
        } => {
            eprintln!(
                "error: the chain of {entries} entries is consistent but its {checkpoints} signed checkpoints could not be checked: no audit key (set OCOP_AUDIT_KEY_FILE or OCOP_AUDIT_KEY; default {})",
                ocop_store::audit::DEFAULT_KEY_FILE
            );
            ExitCode::from(2)
        }
        Verdict::BrokenEntry(id) => {
            eprintln!("audit chain broken at entry {id}");
            ExitCode::from(1)
        }
        Verdict::BrokenCheckpoint { seq, reason } => {
            eprintln!("audit chain broken at checkpoint {seq}: {reason}");
            ExitCode::from(1)
        }
    }
}

const WITNESS_HEADER: &str = "ocop-audit-witness v1";

/// Reads a witness file: `ocop-audit-witness v1 SEQ MAC`.
fn read_witness(path: &std::path::Path) -> Result<(i64, String)> {
    let text = std::fs::read_to_string(path)
        .with_context(|| format!("cannot read witness file {}", path.display()))?;
    let rest = text
        .trim()
        .strip_prefix(WITNESS_HEADER)
        .ok_or_else(|| anyhow!("{} is not an audit witness file", path.display()))?;
    let mut parts = rest.split_whitespace();
    match (parts.next().and_then(|s| s.parse().ok()), parts.next()) {
        (Some(seq), Some(mac)) => Ok((seq, mac.to_string())),
        _ => bail!("{} is not an audit witness file", path.display()),
    }
}

/// Notes the newest checkpoint in the witness file (written whole, then renamed).
fn write_witness(path: &std::path::Path, seq: i64, mac: &str) -> Result<()> {
    let tmp = path.with_extension("tmp");
    std::fs::write(&tmp, format!("{WITNESS_HEADER} {seq} {mac}\n"))
        .and_then(|_| std::fs::rename(&tmp, path))
        .with_context(|| format!("cannot write witness file {}", path.display()))
}

fn init_logs(format: &str) -> Result<()> {
    use tracing_subscriber::EnvFilter;
    let filter = EnvFilter::try_from_env("OCOP_LOG")
        .unwrap_or_else(|_| EnvFilter::new("info,sqlx=warn,sea_orm=warn"));
    let b = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr);
    match format {
        "json" => b.json().try_init().map_err(|e| anyhow!("{e}"))?,
        "human" | "" => b.try_init().map_err(|e| anyhow!("{e}"))?,
        other => bail!("unknown log format {other} (human or json)"),
    }
    Ok(())
}

/// The embedded rulebooks plus those of `rulebooks_dir` (one subfolder each).
fn library(cfg: &Config) -> Result<ocop_domain::rulebook::Library> {
    let mut lib = ocop_domain::rulebook::Library::embedded();
    if let Some(dir) = &cfg.rulebooks_dir {
        let mut dirs: Vec<_> = std::fs::read_dir(dir)
            .with_context(|| format!("cannot read rulebooks folder {dir}"))?
            .filter_map(|e| e.ok().map(|e| e.path()))
            .filter(|p| p.join("rulebook.toml").exists())
            .collect();
        dirs.sort();
        for d in dirs {
            let id = lib
                .add_dir(&d)
                .map_err(|e| anyhow!("rulebook in {}: {e}", d.display()))?
                .id
                .clone();
            tracing::info!(rulebook = %id, folder = %d.display(), "rulebook loaded");
        }
    }
    Ok(lib)
}

async fn load_demo(db: &ocop_store::Db, cfg: &Config) -> Result<()> {
    let accounts = match demo::load_with_files(
        &db.conn,
        &ocop_store::documents::LocalStore {
            root: std::path::PathBuf::from(&cfg.files_dir),
        },
    )
    .await
    .map_err(|e| anyhow!("cannot load demo data: {e}"))?
    {
        Some(a) => {
            println!(
                "Loaded the Lai Châu demo programme into {}.",
                db.display_url
            );
            a
        }
        None => {
            println!(
                "The Lai Châu demo programme is already loaded in {}.",
                db.display_url
            );
            demo::account_list()
        }
    };
    println!();
    println!(
        "  *** DEMO DATA — NOT OFFICIAL RECORDS. Do not use these accounts in production. ***"
    );
    println!(
        "  Demo accounts (password for all: {}):",
        demo::DEMO_PASSWORD
    );
    for a in accounts {
        println!("    {:<10} {:<17} {}", a.username, a.role.as_str(), a.scope);
    }
    println!();
    Ok(())
}

async fn serve(url: &str, listen: &str, with_demo: bool, cfg: &Config) -> Result<()> {
    let db = open(url, OpenMode::CreateDefaultOnly).await?;
    tracing::info!(database = %db.display_url, "database ready");
    demo::ensure_units(&db.conn)
        .await
        .map_err(|e| anyhow!("{e}"))?;
    let audit_key = install_audit_key(cfg)?;
    if with_demo {
        load_demo(&db, cfg).await?;
    }
    // Seals the audit chain every 10 minutes (and at start) when entries were added.
    if let Some(key) = audit_key {
        let cp_db = db.conn.clone();
        tokio::spawn(async move {
            loop {
                match ocop_store::audit::checkpoint(&cp_db, &key).await {
                    Ok(Some(cp)) => {
                        tracing::debug!(seq = cp.seq, last_id = cp.last_id, "audit checkpoint")
                    }
                    Ok(None) => {}
                    Err(e) => tracing::warn!(error = %e, "audit checkpoint failed"),
                }
                tokio::time::sleep(std::time::Duration::from_secs(600)).await;
            }
        });
    }
    let demo_banner = demo::is_loaded(&db.conn).await.unwrap_or(false);
    let state = ocop_web::AppState::with_library(
        db.clone(),
        ocop_web::WebConfig {
            demo: demo_banner,
            secure_cookies: cfg.secure_cookies,
            public_url: cfg.public_url.clone(),
            public_rate_limit: cfg.public_rate_limit,
            files_dir: Some(std::path::PathBuf::from(&cfg.files_dir)),
            today: cfg.pinned_today()?,
            metrics_public: cfg.metrics_public,
        },
        library(cfg)?,
    );
    let app = ocop_web::router(state);
    let listener = tokio::net::TcpListener::bind(listen)
        .await
        .with_context(|| format!("cannot listen on {listen}"))?;
    let addr = listener.local_addr()?;
    println!(
        "ocop is serving on http://{addr} (database {})",
        db.display_url
    );
    tracing::info!(%addr, "listening");
    // The daily lifecycle job of certificates: each day claimed by one instance.
    let job_db = db.conn.clone();
    let pinned = cfg.pinned_today()?;
    tokio::spawn(async move {
        loop {
            let today = pinned.unwrap_or_else(ocop_domain::format::today_vn);
            match ocop_store::notify::claim(&job_db, &format!("lifecycle:{today}")).await {
                Ok(true) => match ocop_store::notify::lifecycle(&job_db, today).await {
                    Ok(r) => tracing::info!(
                        window_open = r.window_open,
                        window_closing = r.window_closing,
                        expired = r.expired,
                        "lifecycle job done"
                    ),
                    Err(e) => tracing::warn!(error = %e, "lifecycle job failed"),
                },
                Ok(false) => {}
                Err(e) => tracing::warn!(error = %e, "lifecycle job not claimed"),
            }
            tokio::time::sleep(std::time::Duration::from_secs(3600)).await;
        }
    });
    // E-mail delivery through the relay, when one is configured.
    if let Some(smtp) = cfg
        .smtp_url
        .as_deref()
        .and_then(|u| ocop_store::notify::Smtp::parse(u, &cfg.mail_from))
    {
        let mail_db = db.conn.clone();
        tokio::spawn(async move {
            loop {
                if let Err(e) = ocop_store::notify::deliver_due(&mail_db, &smtp).await {
                    tracing::warn!(error = %e, "mail delivery failed");
                }
                tokio::time::sleep(std::time::Duration::from_secs(30)).await;
            }
        });
    }
    // Expired sessions are removed hourly; safe with several instances.
    let purge_db = db.conn.clone();
    tokio::spawn(async move {
        loop {
            tokio::time::sleep(std::time::Duration::from_secs(3600)).await;
            if let Err(e) = ocop_store::users::purge_sessions(&purge_db).await {
                tracing::warn!(error = %e, "session purge failed");
            }
        }
    });
    ocop_web::axum::serve(
        listener,
        app.into_make_service_with_connect_info::<std::net::SocketAddr>(),
    )
    .with_graceful_shutdown(shutdown_signal())
    .await
    .context("server error")?;
    tracing::info!("shut down cleanly");
    Ok(())
}

/// Resolves on SIGTERM or Ctrl-C; in-flight requests then finish.
async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let term = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! {
        _ = ctrl_c => {},
        _ = term => {},
    }
    tracing::info!("shutdown signal received; finishing requests in flight");
}
