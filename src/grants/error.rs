//! What a grant service refuses, typed: a field the user must correct, a stale version, no
//! access, a missing record, or the store failing. Mapped once to HTTP in `web::errors::grants`.

use crate::db::StoreError;

#[derive(Debug, thiserror::Error)]
pub enum GrantError {
    /// Input to correct; a form shows it again with what was typed.
    #[error("{message}")]
    Invalid { field: &'static str, message: String },
    /// Someone else saved first.
    #[error("{0}")]
    Conflict(String),
    #[error("Du har ikke tilgang til dette.")]
    Forbidden,
    #[error("{0}")]
    NotFound(String),
    #[error(transparent)]
    Store(StoreError),
    /// The grant letter could not be written.
    #[error(transparent)]
    Document(#[from] crate::web::pdf::PdfError),
}

impl GrantError {
    pub fn invalid(field: &'static str, message: impl Into<String>) -> GrantError {
        GrantError::Invalid { field, message: message.into() }
    }

    /// The version the user saw is no longer the stored one.
    pub fn stale() -> GrantError {
        GrantError::Conflict(crate::error::VERSION_CONFLICT.into())
    }
}

pub type GrantResult<T> = Result<T, GrantError>;

crate::area_error!(GrantError);
