//! Why a backup or restore did not happen.

use crate::db::StoreError;

#[derive(Debug, thiserror::Error)]
pub enum OperationsError {
    #[error("«{0}» finnes allerede: velg et nytt filnavn, en sikkerhetskopi skriver aldri over en annen fil")]
    Exists(String),
    #[error("«{0}» er ikke en sikkerhetskopi fra Samveis (verken en SQLite-fil eller en pg_dump-fil)")]
    NotABackup(String),
    #[error("sikkerhetskopien er fra {from}, men databasen er {to}: gjenopprett til en {from}-database")]
    WrongBackend { from: &'static str, to: &'static str },
    #[error("databasen er ikke tom ({0}): gjenopprett bare til en ny, tom database")]
    NotEmpty(String),
    #[error("{tool} feilet: {said}")]
    Tool { tool: String, said: String },
    #[error("{0}")]
    Store(#[from] StoreError),
    #[error("{0}")]
    Io(String),
}

impl OperationsError {
    pub fn io(what: &str, path: &std::path::Path, e: &std::io::Error) -> OperationsError {
        OperationsError::Io(format!("kan ikke {what} «{}»: {e}", path.display()))
    }
}
