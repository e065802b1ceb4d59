//! The integration-test binary of the web layer: API, pages and browser tests.
//!
//! Every test starts its own server on a free port with a fresh database: SQLite by
//! default, PostgreSQL when `TEST_DATABASE_URL` is set (`.ci/run` runs the suite both
//! ways).

mod common;

mod council_workflow;
mod councils;
mod dates;
mod documents;
mod dossier_api;
mod dossiers;
mod evidence;
mod indicators;
mod inspections;
mod notify;

mod api;
mod browser;
mod browser_walk;
mod certificates;
mod lawful;
mod pages;
mod province_steps;
mod recognition;
mod scoring;
mod security;
mod support;
mod trade;
