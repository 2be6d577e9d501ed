//! Why an insight request or an indicator change did not happen: the insight area's own error,
//! mapped once to HTTP and a Norwegian message in `web/errors/insight.rs`.

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

crate::area_error!(InsightError);
