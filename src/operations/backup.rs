//! `samveis backup`: a consistent copy while the server runs. SQLite writes it with
//! `VACUUM INTO` (one read transaction: everything committed when it starts, WAL included, and
//! nothing half-done); PostgreSQL with `pg_dump --format=custom` (one snapshot).

use super::{OperationsError, partial, run_tool};
use crate::db::{Backend, Db};
use diesel::RunQueryDsl;
use std::path::Path;

/// What was written.
#[derive(Debug)]
pub struct Backup {
    pub backend: Backend,
    pub bytes: u64,
}

/// Writes a backup of the database at `url` to `to`, which must not exist.
pub fn backup(url: &str, to: &Path) -> Result<Backup, OperationsError> {
    if to.exists() {
        return Err(OperationsError::Exists(to.display().to_string()));
    }
    let db = Db::connect(url)?;
    let part = partial(to);
    let _ = std::fs::remove_file(&part);
    match db.backend() {
        Backend::Sqlite => {
            let target = part.to_string_lossy().to_string();
            db.run_blocking(move |conn| {
                diesel::sql_query("VACUUM INTO ?")
                    .bind::<diesel::sql_types::Text, _>(target)
                    .execute(conn)
                    .map_err(crate::db::StoreError::from)
            })?;
        }
        Backend::Postgres => {
            let file = format!("--file={}", part.display());
            run_tool(
                "pg_dump",
                &["--format=custom", "--no-owner", "--no-privileges", &file, &format!("--dbname={url}")],
            )?;
        }
    }
    std::fs::rename(&part, to).map_err(|e| OperationsError::io("flytte sikkerhetskopien til", to, &e))?;
    let bytes = std::fs::metadata(to).map(|m| m.len()).unwrap_or(0);
    Ok(Backup { backend: db.backend(), bytes })
}
