//! Persistence for OCOP: one code path on embedded SQLite and PostgreSQL.
//!
//! Backend-specific behaviour (connection options, locks) is confined to [`db`].
//! Every change to a registry record writes its audit entry in the same transaction
//! (see [`audit`]).

pub mod audit;
pub mod backup;
pub mod certificates;
pub mod councils;
pub mod db;
pub mod demo;
pub mod demo_plan;
mod demo_trade;
pub mod documents;
pub mod dossiers;
pub mod entities;
pub mod error;
pub mod indicators;
pub mod migrations;
pub mod notify;
pub mod province_steps;
pub mod registry;
pub mod reports;
pub mod revenue;
pub mod rounds;
pub mod scoring;
pub mod trade;
pub mod units;
pub mod users;

pub mod demo_inspections;
pub mod demo_support;
pub mod inspection_entities;
pub mod inspection_migration;
pub mod inspections;
pub mod news;
pub mod search;
pub mod support;
pub mod support_entities;
pub mod support_migration;
pub mod training;

pub use db::{connect, Db, DbTarget, OpenMode};
pub use error::StoreError;
pub use sea_orm::DatabaseConnection;

/// Current UTC time truncated to microseconds: PostgreSQL keeps microseconds and
/// SQLite nanoseconds, so values must round-trip the same on both.
pub fn now() -> chrono::DateTime<chrono::Utc> {
    use chrono::{SubsecRound, Utc};
    Utc::now().trunc_subsecs(6)
}
