//! grants errors at the edge: status and Norwegian message (see the module above).

use crate::error::AppError;
use crate::grants::GrantError;

impl From<GrantError> for AppError {
    fn from(e: GrantError) -> Self {
        match e {
            GrantError::Invalid { message, .. } => AppError::BadRequest(message),
            e @ GrantError::Fields(_) => AppError::BadRequest(e.to_string()),
            GrantError::Conflict(message) => AppError::Conflict(message),
            GrantError::Forbidden => AppError::Forbidden,
            GrantError::NotFound(message) => AppError::NotFound(message),
            GrantError::Store(e) => AppError::Store(e),
            GrantError::Document(e) => e.into(),
        }
    }
}
