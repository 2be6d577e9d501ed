//! Why an insight request or an indicator change did not happen: the insight area's own error,
//! mapped once to HTTP and a Norwegian message in `web/errors/insight.rs`.

use crate::context::Forbidden;
use crate::db::StoreError;

#[derive(Debug, thiserror::Error)]
pub enum InsightError {
    /// A value that does not read (a level, a period, a definition field); a form re-renders with
    /// it on the field.
    #[error("{message}")]
    Invalid { field: &'static str, message: String },
    #[error("{0}")]
    Conflict(String),
    #[error("Du har ikke tilgang til dette.")]
    Forbidden,
    #[error("{0}")]
    NotFound(String),
    #[error("Noe gikk galt hos oss. Prøv igjen om litt.")]
    Store(StoreError),
}

impl From<Forbidden> for InsightError {
    fn from(_: Forbidden) -> Self {
        InsightError::Forbidden
    }
}

impl From<diesel::result::Error> for InsightError {
    fn from(e: diesel::result::Error) -> Self {
        StoreError::Query(e).into()
    }
}

/// A unique violation from a write that raced another is the area's conflict (409, the form
/// re-rendered); every other store failure stays one.
impl From<StoreError> for InsightError {
    fn from(e: StoreError) -> Self {
        if e.raced() { InsightError::Conflict(crate::error::VERSION_CONFLICT.into()) } else { InsightError::Store(e) }
    }
}
