//! insight errors at the edge: status and Norwegian message (see the module above).

use crate::error::AppError;
use crate::insight::InsightError;

impl From<InsightError> for AppError {
    fn from(e: InsightError) -> Self {
        match e {
            InsightError::Invalid { message, .. } => AppError::BadRequest(message),
            InsightError::Conflict(message) => AppError::Conflict(message),
            InsightError::Forbidden => AppError::Forbidden,
            InsightError::NotFound(message) => AppError::NotFound(message),
            InsightError::Store(e) => AppError::Store(e),
        }
    }
}
