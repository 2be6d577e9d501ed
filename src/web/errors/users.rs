//! users errors at the edge: status and Norwegian message (see the module above).

use crate::error::AppError;
use crate::users::UserError;

impl From<UserError> for AppError {
    fn from(e: UserError) -> Self {
        match e {
            UserError::Invalid { message, .. } => AppError::BadRequest(message),
            UserError::Conflict(message) => AppError::Conflict(message),
            UserError::Forbidden => AppError::Forbidden,
            UserError::NotFound(message) => AppError::NotFound(message),
            UserError::Store(e) => AppError::Store(e),
            UserError::Internal(message) => AppError::Internal(message),
        }
    }
}
