//! `samveis restore`: a backup into a new, empty database. The restored database has no live
//! sessions (everyone signs in again), its migrations are brought up to this version, and the
//! restore is in the audit log.

use super::{BackupKind, OperationsError, partial, run_tool};
use crate::audit::{self, Change};
use crate::context::Ctx;
use crate::db::schema::sessions;
use crate::db::{Backend, Db};
use chrono::NaiveDateTime;
use diesel::prelude::*;
use std::io::Read;
use std::path::Path;

/// What the restore did.
#[derive(Debug)]
pub struct Restored {
    /// Sessions in the backup that no longer sign anyone in.
    pub sessions_ended: usize,
}

fn kind_of(from: &Path) -> Result<BackupKind, OperationsError> {
    let mut head = [0u8; 16];
    let mut file = std::fs::File::open(from).map_err(|e| OperationsError::io("lese", from, &e))?;
    let n = file.read(&mut head).map_err(|e| OperationsError::io("lese", from, &e))?;
    BackupKind::of(&head[..n]).ok_or_else(|| OperationsError::NotABackup(from.display().to_string()))
}

fn name(backend: Backend) -> &'static str {
    match backend {
        Backend::Sqlite => "SQLite",
        Backend::Postgres => "PostgreSQL",
    }
}

/// Puts the backup `from` into the empty database at `url`. The caller then opens it (which
/// runs this version's migrations) and calls [`end_sessions`].
pub fn restore(url: &str, from: &Path) -> Result<(), OperationsError> {
    let kind = kind_of(from)?;
    let target = if url.starts_with("sqlite://") { Backend::Sqlite } else { Backend::Postgres };
    let from_backend = if kind == BackupKind::Sqlite { Backend::Sqlite } else { Backend::Postgres };
    if from_backend != target {
        return Err(OperationsError::WrongBackend { from: name(from_backend), to: name(target) });
    }
    match target {
        Backend::Sqlite => restore_sqlite(url, from),
        Backend::Postgres => restore_postgres(url, from),
    }
}

/// Ends every session the backup carried and records the restore in the audit log.
pub fn end_sessions(db: &Db, from: &Path, now: NaiveDateTime) -> Result<Restored, OperationsError> {
    let source = from.display().to_string();
    let ended = db.run_blocking(move |conn| {
        crate::db::write(conn, |conn| {
            let ended = diesel::delete(sessions::table).execute(conn)?;
            let after = serde_json::json!({ "fra": source, "innlogginger avsluttet": ended });
            let change = Change {
                action: "gjenopprettet",
                record_type: "database",
                record_id: "database".into(),
                before: None,
                after: Some(after),
            };
            audit::record(conn, &Ctx::system("gjenoppretting", now).author, now, change)?;
            Ok::<_, crate::db::StoreError>(ended)
        })
    })?;
    Ok(Restored { sessions_ended: ended })
}

fn restore_sqlite(url: &str, from: &Path) -> Result<(), OperationsError> {
    let path = Path::new(url.trim_start_matches("sqlite://"));
    let empty = std::fs::metadata(path).map(|m| m.len() == 0).unwrap_or(true);
    if !empty {
        return Err(OperationsError::NotEmpty(format!("«{}» finnes og har innhold", path.display())));
    }
    let part = partial(path);
    std::fs::copy(from, &part).map_err(|e| OperationsError::io("kopiere sikkerhetskopien til", &part, &e))?;
    std::fs::rename(&part, path).map_err(|e| OperationsError::io("flytte databasen til", path, &e))
}

fn restore_postgres(url: &str, from: &Path) -> Result<(), OperationsError> {
    #[derive(QueryableByName)]
    struct Count {
        #[diesel(sql_type = diesel::sql_types::BigInt)]
        n: i64,
    }
    let db = Db::connect(url)?;
    let tables = db.run_blocking(|conn| {
        diesel::sql_query("SELECT COUNT(*) AS n FROM information_schema.tables WHERE table_schema = 'public'")
            .get_result::<Count>(conn)
            .map_err(crate::db::StoreError::from)
    })?;
    if tables.n > 0 {
        return Err(OperationsError::NotEmpty(format!("{} tabeller", tables.n)));
    }
    drop(db);
    let file = from.display().to_string();
    run_tool("pg_restore", &["--no-owner", "--no-privileges", "--exit-on-error", &format!("--dbname={url}"), &file])
}
