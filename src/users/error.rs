//! Why a change to a user did not happen: the users area's own error, mapped once to HTTP and a
//! Norwegian message in `web/errors/users.rs`.

use crate::db::StoreError;

#[derive(Debug, thiserror::Error)]
pub enum UserError {
    /// What was asked breaks a rule (a bad e-mail, a weak password, the last admin); the form
    /// re-renders with the message.
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
    /// Hashing the password failed.
    #[error("Noe gikk galt hos oss. Prøv igjen om litt.")]
    Internal(String),
}

impl UserError {
    pub fn invalid(field: &'static str, message: impl Into<String>) -> UserError {
        UserError::Invalid { field, message: message.into() }
    }
}

crate::area_error!(UserError);
