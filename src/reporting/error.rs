//! Why a reporting use case did not happen. The web layer maps it once to a status and a
//! Norwegian message (`crate::web::errors`); pages re-render a form on `Invalid`.

use crate::db::StoreError;
use samveis_domain::reporting::FieldError;

#[derive(Debug, thiserror::Error)]
pub enum ReportingError {
    /// What was typed is not valid: one or more fields, each with its message (a report form
    /// names every field at once; other forms have one).
    #[error("{}", messages(.0))]
    Invalid(Vec<FieldError>),
    /// The request is well-formed but cannot be done to the record as it stands (a transition
    /// the state does not allow, a field the form does not have).
    #[error("{0}")]
    Refused(String),
    /// Someone else changed the record first.
    #[error("{0}")]
    Conflict(String),
    #[error("Du har ikke tilgang til dette.")]
    Forbidden,
    #[error("{0}")]
    NotFound(String),
    #[error(transparent)]
    Store(StoreError),
    /// Stored data this system did not write (JSON that does not parse, a missing template).
    #[error("{0}")]
    Internal(String),
}

pub type ReportingResult<T> = Result<T, ReportingError>;

fn messages(errors: &[FieldError]) -> String {
    errors.iter().map(|e| e.message.as_str()).collect::<Vec<_>>().join(" ")
}

impl ReportingError {
    /// One field's error.
    pub fn invalid(field: &str, message: impl Into<String>) -> ReportingError {
        ReportingError::Invalid(vec![FieldError { field: field.to_string(), message: message.into() }])
    }

    pub fn internal(e: impl std::fmt::Display) -> ReportingError {
        ReportingError::Internal(e.to_string())
    }
}

crate::area_error!(ReportingError);
