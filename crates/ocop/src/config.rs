//! Configuration: defaults → TOML file → `OCOP_*` environment (flags override last).

use anyhow::{anyhow, Result};
use figment::providers::{Env, Format, Serialized, Toml};
use figment::Figment;
use serde::{Deserialize, Serialize};
use std::path::Path;

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Config {
    /// `OCOP_DATABASE_URL`.
    pub database_url: String,
    /// `OCOP_LISTEN`.
    pub listen: String,
    /// `OCOP_LOG_FORMAT`: human or json.
    pub log_format: String,
    /// `OCOP_SECURE_COOKIES`: set behind HTTPS.
    pub secure_cookies: bool,
    /// `OCOP_DEMO`: load the demo at `serve`.
    pub demo: bool,
    /// `OCOP_PUBLIC_RATE_LIMIT`: requests per minute per client on public endpoints (0 = off).
    pub public_rate_limit: u32,
    /// `OCOP_RULEBOOKS_DIR`: a folder whose subfolders each hold a rulebook to load
    /// besides the embedded ones (docs/criteria.md).
    pub rulebooks_dir: Option<String>,
    /// `OCOP_PUBLIC_URL`: the public address printed in certificates' QR codes.
    pub public_url: Option<String>,
    /// `OCOP_SMTP_URL`: the SMTP relay for e-mail (`smtp://host:port`); none = inbox only.
    pub smtp_url: Option<String>,
    /// `OCOP_MAIL_FROM`: the sender address of e-mails.
    pub mail_from: String,
    /// `OCOP_FILES_DIR`: where uploaded documents are kept.
    pub files_dir: String,
    /// `OCOP_TODAY` (YYYY-MM-DD): pins the system's date, for a training copy that
    /// replays a period; never in production. Pages show a banner while it is set.
    pub today: Option<String>,
    /// `OCOP_AUDIT_KEY_FILE`: the HMAC key of the audit checkpoints, kept outside the
    /// database (default `ocop-data/audit.key`, created 0600 when missing and its
    /// folder exists). `OCOP_AUDIT_KEY` (hex) takes precedence; it is read from the
    /// environment only, never from the TOML file, and never printed.
    pub audit_key_file: Option<String>,
    /// `OCOP_METRICS_PUBLIC`: serve `/metrics` to anyone; by default only to this
    /// machine (loopback, not through a proxy) and to administrators' API tokens.
    pub metrics_public: bool,
}

impl Default for Config {
    fn default() -> Self {
        Config {
            database_url: ocop_store::db::DEFAULT_DATABASE_URL.into(),
            listen: "127.0.0.1:8080".into(),
            log_format: "human".into(),
            secure_cookies: false,
            demo: false,
            public_rate_limit: 120,
            rulebooks_dir: None,
            public_url: None,
            smtp_url: None,
            mail_from: "ocop@localhost".into(),
            files_dir: "ocop-data/files".into(),
            today: None,
            audit_key_file: None,
            metrics_public: false,
        }
    }
}

/// The settings read from `OCOP_*` variables.
const SETTINGS: &[&str] = &[
    "DATABASE_URL",
    "LISTEN",
    "LOG_FORMAT",
    "SECURE_COOKIES",
    "DEMO",
    "PUBLIC_RATE_LIMIT",
    "RULEBOOKS_DIR",
    "PUBLIC_URL",
    "SMTP_URL",
    "MAIL_FROM",
    "FILES_DIR",
    "TODAY",
    "AUDIT_KEY_FILE",
    "METRICS_PUBLIC",
];
/// Other `OCOP_*` variables that are not settings (log filter, test switches).
/// `AUDIT_KEY` is a secret: read directly, kept out of [`Config`] (never serialised).
const OTHERS: &[&str] = &["LOG", "SKIP_BROWSER", "CHROMEDRIVER", "AUDIT_KEY"];

impl Config {
    pub fn load(file: Option<&Path>) -> Result<Config> {
        let mut fig = Figment::from(Serialized::defaults(Config::default()));
        match file {
            Some(f) => {
                if !f.exists() {
                    return Err(anyhow!("configuration file {} does not exist", f.display()));
                }
                fig = fig.merge(Toml::file(f));
            }
            None if Path::new("ocop.toml").exists() => fig = fig.merge(Toml::file("ocop.toml")),
            None => {}
        }
        for (k, _) in std::env::vars() {
            if let Some(name) = k.strip_prefix("OCOP_") {
                if !SETTINGS.contains(&name) && !OTHERS.contains(&name) {
                    eprintln!("warning: unknown environment variable {k} ignored");
                }
            }
        }
        fig = fig.merge(Env::prefixed("OCOP_").only(SETTINGS));
        let cfg: Config = fig.extract().map_err(|e| {
            anyhow!(
                "invalid configuration: {}",
                e.to_string().replace('\n', " ")
            )
        })?;
        cfg.pinned_today()?;
        Ok(cfg)
    }

    /// The audit checkpoints' key: `OCOP_AUDIT_KEY` (hex), else the key file. With
    /// `create`, a missing key file is created (0600) when its folder exists; a
    /// missing default folder means no key (`None`), a missing folder of a configured
    /// path is an error. Messages never contain the key.
    pub fn audit_key(&self, create: bool) -> Result<Option<ocop_store::audit::AuditKey>> {
        use ocop_store::audit::AuditKey;
        if let Some(hex) = std::env::var("OCOP_AUDIT_KEY")
            .ok()
            .filter(|s| !s.trim().is_empty())
        {
            return AuditKey::from_hex(&hex)
                .map(Some)
                .map_err(|e| anyhow!("invalid OCOP_AUDIT_KEY: {e}"));
        }
        let path = Path::new(
            self.audit_key_file
                .as_deref()
                .unwrap_or(ocop_store::audit::DEFAULT_KEY_FILE),
        );
        if path.exists() {
            return Ok(Some(AuditKey::read_file(path).map_err(|e| anyhow!("{e}"))?));
        }
        if !create {
            return Ok(None);
        }
        let dir = path
            .parent()
            .filter(|d| !d.as_os_str().is_empty())
            .unwrap_or(Path::new("."));
        if !dir.is_dir() {
            if self.audit_key_file.is_some() {
                return Err(anyhow!(
                    "the folder {} of the audit key file does not exist",
                    dir.display()
                ));
            }
            return Ok(None);
        }
        let (key, created) = AuditKey::read_or_create_file(path).map_err(|e| anyhow!("{e}"))?;
        if created {
            tracing::info!(file = %path.display(), key_id = %key.id(), "audit key file created; back it up apart from the database");
        }
        Ok(Some(key))
    }

    /// The pinned date (`today`), checked.
    pub fn pinned_today(&self) -> Result<Option<chrono::NaiveDate>> {
        match self
            .today
            .as_deref()
            .map(str::trim)
            .filter(|s| !s.is_empty())
        {
            None => Ok(None),
            Some(s) => chrono::NaiveDate::parse_from_str(s, "%Y-%m-%d")
                .map(Some)
                .map_err(|_| {
                    anyhow!("invalid configuration: today must be a date YYYY-MM-DD, not {s:?}")
                }),
        }
    }
}
