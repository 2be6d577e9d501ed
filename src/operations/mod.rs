//! Running Samveis: a consistent backup while serving, and a restore into an empty database.

mod backup;
mod error;
mod restore;

pub use backup::{Backup, backup};
pub use error::OperationsError;
pub use restore::{Restored, end_sessions, restore};

use std::path::{Path, PathBuf};

/// What a backup file holds, read from its first bytes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BackupKind {
    /// A SQLite database file (`VACUUM INTO`).
    Sqlite,
    /// A `pg_dump --format=custom` archive.
    Postgres,
}

impl BackupKind {
    pub fn of(head: &[u8]) -> Option<BackupKind> {
        if head.starts_with(b"SQLite format 3\0") {
            Some(BackupKind::Sqlite)
        } else if head.starts_with(b"PGDMP") {
            Some(BackupKind::Postgres)
        } else {
            None
        }
    }
}

/// The file a write goes to before it is renamed into place, so a stopped run leaves no
/// half-written file under the final name.
fn partial(path: &Path) -> PathBuf {
    let mut name = path.as_os_str().to_owned();
    name.push(".delvis");
    PathBuf::from(name)
}

/// Runs a PostgreSQL client tool, with what it said when it failed.
fn run_tool(tool: &str, args: &[&str]) -> Result<(), OperationsError> {
    let out = std::process::Command::new(tool).args(args).output().map_err(|e| OperationsError::Tool {
        tool: tool.to_string(),
        said: format!("{e} (installer PostgreSQL-klientene, i Debian: apt-get install postgresql-client)"),
    })?;
    if out.status.success() {
        Ok(())
    } else {
        let said = String::from_utf8_lossy(&out.stderr).trim().to_string();
        Err(OperationsError::Tool { tool: tool.to_string(), said })
    }
}
