//! What a grant service refuses, typed: a field the user must correct, a stale version, no
//! access, a missing record, or the store failing. Mapped once to HTTP in `web::errors::grants`.

use crate::db::StoreError;

#[derive(Debug, thiserror::Error)]
pub enum GrantError {
    /// Input to correct; a form shows it again with what was typed.
    #[error("{message}")]
    Invalid { field: &'static str, message: String },
    /// Several fields to correct, each with its message, in the order of the form; a form shows
    /// them all at once, on their fields and in the error summary.
    #[error("{}", joined(.0))]
    Fields(Vec<FieldProblem>),
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

/// A field of a form (its id on the page) and what is wrong with it.
pub type FieldProblem = (String, String);

fn joined(problems: &[FieldProblem]) -> String {
    problems.iter().map(|(_, m)| m.as_str()).collect::<Vec<_>>().join(" ")
}

impl GrantError {
    /// The fields it names, with their messages (none for a refusal that is not about input).
    pub fn problems(&self) -> Vec<FieldProblem> {
        match self {
            GrantError::Invalid { field, message } => vec![((*field).to_string(), message.clone())],
            GrantError::Fields(problems) => problems.clone(),
            _ => vec![],
        }
    }

    /// Refuses with the problems found, if there are any.
    pub fn unless_none(problems: Vec<FieldProblem>) -> GrantResult<()> {
        if problems.is_empty() { Ok(()) } else { Err(GrantError::Fields(problems)) }
    }
}

crate::area_error!(GrantError);
