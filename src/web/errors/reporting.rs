//! reporting errors at the edge: status and Norwegian message (see the module above).

use crate::error::AppError;
use crate::reporting::ReportingError;

impl From<ReportingError> for AppError {
    fn from(e: ReportingError) -> Self {
        match e {
            ReportingError::Invalid(_) | ReportingError::Refused(_) => AppError::BadRequest(e.to_string()),
            ReportingError::Conflict(m) => AppError::Conflict(m),
            ReportingError::Forbidden => AppError::Forbidden,
            ReportingError::NotFound(m) => AppError::NotFound(m),
            ReportingError::Store(e) => AppError::Store(e),
            ReportingError::Internal(m) => AppError::Internal(m),
        }
    }
}

/// Through the JSON API a form's field errors come back one by one, under one message (the API
/// writes reports; its other refusals are single messages).
impl From<ReportingError> for crate::web::ApiError {
    fn from(e: ReportingError) -> Self {
        match e {
            ReportingError::Invalid(errors) => crate::web::ApiError(
                AppError::BadRequest("Besvarelsen ble ikke lagret.".into()),
                errors.into_iter().map(|e| crate::web::FieldMessage { field: e.field, message: e.message }).collect(),
            ),
            other => AppError::from(other).into(),
        }
    }
}
