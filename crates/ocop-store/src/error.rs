//! Store errors. Database text never reaches a user: the web layer maps these
//! variants to messages and logs the cause.

use sea_orm::{DbErr, SqlErr};

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// The record does not exist (or is outside the caller's scope: the web layer
    /// decides which to say).
    #[error("not found")]
    NotFound,
    /// Someone else changed the record since it was read (version mismatch).
    #[error("the record was changed by someone else")]
    Conflict,
    /// A unique value is taken; the payload names the field.
    #[error("duplicate value for {0}")]
    Duplicate(&'static str),
    /// Input refused by a store-level rule, with a message for the operator.
    #[error("{0}")]
    Invalid(String),
    /// Refused by a rule of the workflow (who, when, which level), in the domain's words.
    #[error("{}", .0.message(ocop_domain::registry::Lang::En))]
    Workflow(ocop_domain::workflow::Refusal),
    #[error("database error: {0}")]
    Db(#[from] DbErr),
}

impl StoreError {
    /// Turns a unique-constraint violation into [`StoreError::Duplicate`].
    pub fn unique_as(field: &'static str) -> impl Fn(DbErr) -> StoreError {
        move |e| match e.sql_err() {
            Some(SqlErr::UniqueConstraintViolation(_)) => StoreError::Duplicate(field),
            _ => StoreError::Db(e),
        }
    }
}

pub type Result<T, E = StoreError> = std::result::Result<T, E>;
