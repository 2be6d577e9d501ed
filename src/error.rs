//! One error type at the edge: every failure a handler can meet, mapped once to an HTTP status
//! and a clear Norwegian message. Internal details are logged, never shown.

use crate::db::StoreError;
use axum::http::StatusCode;

#[derive(Debug, thiserror::Error)]
pub enum AppError {
    #[error("{0}")]
    NotFound(String),
    #[error("Du må logge inn for å se denne siden.")]
    Unauthenticated,
    #[error("Du har ikke tilgang til dette.")]
    Forbidden,
    #[error("Skjemaet er utløpt eller kom fra et annet nettsted. Last siden på nytt og prøv igjen.")]
    Csrf,
    #[error("{0}")]
    BadRequest(String),
    #[error("{0}")]
    Conflict(String),
    #[error("{0}")]
    TooLarge(String),
    #[error("For mange mislykkede innlogginger. Vent noen minutter og prøv igjen.")]
    TooManyAttempts,
    #[error("Noe gikk galt hos oss. Prøv igjen om litt.")]
    Store(StoreError),
    #[error("Noe gikk galt hos oss. Prøv igjen om litt.")]
    Internal(String),
}

impl AppError {
    pub fn status(&self) -> StatusCode {
        match self {
            AppError::NotFound(_) => StatusCode::NOT_FOUND,
            AppError::Unauthenticated => StatusCode::UNAUTHORIZED,
            AppError::Forbidden | AppError::Csrf => StatusCode::FORBIDDEN,
            AppError::BadRequest(_) => StatusCode::BAD_REQUEST,
            AppError::Conflict(_) => StatusCode::CONFLICT,
            AppError::TooLarge(_) => StatusCode::PAYLOAD_TOO_LARGE,
            AppError::TooManyAttempts => StatusCode::TOO_MANY_REQUESTS,
            AppError::Store(_) | AppError::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    /// A short machine-readable code for the JSON API.
    pub fn code(&self) -> &'static str {
        match self {
            AppError::NotFound(_) => "not_found",
            AppError::Unauthenticated => "unauthenticated",
            AppError::Forbidden => "forbidden",
            AppError::Csrf => "csrf",
            AppError::BadRequest(_) => "bad_request",
            AppError::Conflict(_) => "conflict",
            AppError::TooLarge(_) => "too_large",
            AppError::TooManyAttempts => "too_many_attempts",
            AppError::Store(_) | AppError::Internal(_) => "internal",
        }
    }

    pub fn log_if_internal(&self) {
        if let AppError::Store(e) = self {
            tracing::error!(error = %e, "database error");
        } else if let AppError::Internal(e) = self {
            tracing::error!(error = %e, "internal error");
        }
    }
}

impl From<diesel::result::Error> for AppError {
    fn from(e: diesel::result::Error) -> Self {
        StoreError::Query(e).into()
    }
}

/// A unique violation from a write that raced another is a conflict (409), as in the areas.
impl From<StoreError> for AppError {
    fn from(e: StoreError) -> Self {
        if e.raced() { AppError::Conflict(VERSION_CONFLICT.into()) } else { AppError::Store(e) }
    }
}

impl From<crate::mail::DeliveryError> for AppError {
    fn from(e: crate::mail::DeliveryError) -> Self {
        match e {
            crate::mail::DeliveryError::Store(e) => AppError::Store(e),
            e @ crate::mail::DeliveryError::Transport(_) => AppError::Internal(e.to_string()),
        }
    }
}

pub type AppResult<T> = Result<T, AppError>;

/// The conflict message users see when someone else saved first.
pub const VERSION_CONFLICT: &str = "Noen andre har lagret endringer i mellomtiden. Last siden på nytt for å se den nyeste versjonen, og gjør endringene dine igjen.";

impl From<crate::context::Forbidden> for AppError {
    fn from(_: crate::context::Forbidden) -> Self {
        AppError::Forbidden
    }
}

/// The conversions every area's error shares: refused access is its `Forbidden`, a unique
/// violation from a write that raced another is its `Conflict` (409, the form re-rendered),
/// every other store failure its `Store`. The area enum has those three variants.
#[macro_export]
macro_rules! area_error {
    ($error:ident) => {
        impl From<$crate::context::Forbidden> for $error {
            fn from(_: $crate::context::Forbidden) -> Self {
                $error::Forbidden
            }
        }

        impl From<diesel::result::Error> for $error {
            fn from(e: diesel::result::Error) -> Self {
                $crate::db::StoreError::Query(e).into()
            }
        }

        impl From<$crate::db::StoreError> for $error {
            fn from(e: $crate::db::StoreError) -> Self {
                if e.raced() { $error::Conflict($crate::error::VERSION_CONFLICT.into()) } else { $error::Store(e) }
            }
        }
    };
}

/// A document that could not be written is our failure (500), logged with its cause.
impl From<crate::web::pdf::PdfError> for AppError {
    fn from(e: crate::web::pdf::PdfError) -> Self {
        AppError::Internal(e.to_string())
    }
}
