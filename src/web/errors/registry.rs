//! registry errors at the edge: status and Norwegian message (see the module above).

use crate::error::AppError;
use crate::registry::RegistryError;

impl From<RegistryError> for AppError {
    fn from(e: RegistryError) -> Self {
        match e {
            e @ (RegistryError::Invalid { .. } | RegistryError::Draft(_)) => AppError::BadRequest(e.to_string()),
            RegistryError::Conflict(message) => AppError::Conflict(message),
            RegistryError::Forbidden => AppError::Forbidden,
            RegistryError::NotFound(message) => AppError::NotFound(message),
            RegistryError::Store(e) => AppError::Store(e),
        }
    }
}
