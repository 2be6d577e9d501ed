//! Why a registry write did not happen: the registry's own error, mapped once to HTTP and a
//! Norwegian message in `web/errors/registry.rs`.

use crate::db::StoreError;
use samveis_domain::registry::CollaborationError;

#[derive(Debug, thiserror::Error)]
pub enum RegistryError {
    /// One field is wrong (a form re-renders with it).
    #[error("{message}")]
    Invalid { field: &'static str, message: String },
    /// A collaboration draft broke rules; each error names its field and value.
    #[error("{}", joined(.0))]
    Draft(Vec<CollaborationError>),
    #[error("{0}")]
    Conflict(String),
    #[error("Du har ikke tilgang til dette.")]
    Forbidden,
    #[error("{0}")]
    NotFound(String),
    #[error("Noe gikk galt hos oss. Prøv igjen om litt.")]
    Store(StoreError),
}

/// The draft's errors as sentences, in one line.
pub fn joined(errors: &[CollaborationError]) -> String {
    errors.iter().map(|e| crate::web::format::capitalized(&e.to_string())).collect::<Vec<_>>().join(" ")
}

crate::area_error!(RegistryError);
