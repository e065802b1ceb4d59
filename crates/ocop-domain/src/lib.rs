//! OCOP business rules, in plain Rust.
//!
//! No web framework and no database types appear here: the web and store crates call
//! into this one, and most of the project's tests live here. See `docs/architecture.md`.

#[macro_use]
mod macros;

pub mod calendar;
pub mod certificates;
pub mod council;
pub mod criteria;
pub mod documents;
pub mod dossier;
pub mod evidence;
pub mod format;
pub mod indicators;
pub mod inspections;
pub mod news;
pub mod operations;
pub mod passwords;
pub mod registry;
pub mod reports;
pub mod roles;
pub mod rulebook;
pub mod scoring;
pub mod search;
pub mod sets;
pub mod support;
pub mod text;
pub mod trade;
pub mod training;
pub mod units;
pub mod workflow;
