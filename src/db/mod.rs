//! Storage: one Diesel schema on SQLite (embedded, the default) or PostgreSQL. Diesel is
//! synchronous, so queries run on the blocking pool through [`Db::run`]; async stays at the edge.

pub mod schema;
mod start;

use diesel::connection::SimpleConnection;
use diesel::r2d2::{ConnectionManager, CustomizeConnection, Pool};
use diesel_migrations::{EmbeddedMigrations, MigrationHarness, embed_migrations};

#[derive(diesel::MultiConnection)]
pub enum DbConnection {
    Postgres(diesel::PgConnection),
    Sqlite(diesel::SqliteConnection),
}

const SQLITE_MIGRATIONS: EmbeddedMigrations = embed_migrations!("migrations/sqlite");
const POSTGRES_MIGRATIONS: EmbeddedMigrations = embed_migrations!("migrations/postgres");

/// Runs the same Diesel expression against the concrete connection of each backend, for the
/// few statements (batch inserts) the MultiBackend cannot express.
#[macro_export]
macro_rules! per_backend {
    ($conn:expr, |$c:ident| $body:expr) => {
        match $conn {
            $crate::db::DbConnection::Postgres($c) => $body,
            $crate::db::DbConnection::Sqlite($c) => $body,
        }
    };
}

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("databasefeil: {0}")]
    Query(#[from] diesel::result::Error),
    #[error("får ikke kontakt med databasen: {0}")]
    Pool(#[from] diesel::r2d2::PoolError),
    #[error("migrering av databasen feilet: {0}")]
    Migration(String),
    #[error("ugyldig database-URL «{0}»: bruk sqlite://FIL eller postgres://…")]
    Url(String),
    /// The database cannot be opened; the message names the cause and what to do.
    #[error("{0}")]
    Start(String),
    /// The task stopped before it ended: a panic (its message) or a runtime shutting down.
    #[error("databaseoppgaven ble avbrutt: {0}")]
    Interrupted(String),
}

pub type StoreResult<T> = Result<T, StoreError>;

impl StoreError {
    /// What the database said when it refused a write that would repeat a unique value (the
    /// constraint on PostgreSQL, the columns on SQLite); `None` for every other error.
    pub fn unique_violation(&self) -> Option<String> {
        use diesel::result::{DatabaseErrorKind, Error};
        match self {
            StoreError::Query(Error::DatabaseError(DatabaseErrorKind::UniqueViolation, info)) => {
                Some(format!("{} {}", info.message(), info.constraint_name().unwrap_or_default()))
            }
            _ => None,
        }
    }

    /// Whether this is a unique violation of `index` (PostgreSQL names it) on `column`, as
    /// `table.column` (SQLite names the columns).
    pub fn violates(&self, index: &str, column: &str) -> bool {
        self.unique_violation().is_some_and(|m| m.contains(index) || m.contains(column))
    }

    /// A unique violation from a write that raced another (two decisions on one application at
    /// once): the area's conflict. Logged, so a missing check in the code is still seen.
    pub fn raced(&self) -> bool {
        let Some(message) = self.unique_violation() else { return false };
        tracing::warn!(error = %message, "unique violation answered as a conflict");
        true
    }
}

/// Runs `f` as a write transaction. On SQLite the write lock is taken at its start
/// (`BEGIN IMMEDIATE`), so a writer that must wait for another waits under `busy_timeout`; a
/// deferred transaction that reads first and writes later is refused at once with "database is
/// locked" when another writer committed in between, whatever the timeout. PostgreSQL and
/// nested calls (savepoints) use the ordinary transaction.
pub fn write<T, E, F>(conn: &mut DbConnection, f: F) -> Result<T, E>
where
    F: FnOnce(&mut DbConnection) -> Result<T, E>,
    E: From<diesel::result::Error>,
{
    use diesel::Connection;
    use diesel::connection::{AnsiTransactionManager, TransactionManager};
    let DbConnection::Sqlite(c) = conn else { return conn.transaction(f) };
    if AnsiTransactionManager::transaction_manager_status_mut(c).transaction_depth().map_err(E::from)?.is_some() {
        return conn.transaction(f);
    }
    AnsiTransactionManager::begin_transaction_sql(c, "BEGIN IMMEDIATE").map_err(E::from)?;
    let result = f(conn);
    let DbConnection::Sqlite(c) = conn else { return result };
    match result {
        Ok(value) => {
            AnsiTransactionManager::commit_transaction(c).map_err(E::from)?;
            Ok(value)
        }
        Err(e) => {
            AnsiTransactionManager::rollback_transaction(c).map_err(E::from)?;
            Err(e)
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

/// Each connection waits up to 5 s for the write lock, checks foreign keys, and syncs the WAL
/// at every commit (`synchronous = FULL`: with NORMAL a power loss can drop the last
/// acknowledged commits; the cost is in docs/BENCHMARKS.md).
#[derive(Debug)]
struct SqlitePragmas;

impl CustomizeConnection<DbConnection, diesel::r2d2::Error> for SqlitePragmas {
    fn on_acquire(&self, conn: &mut DbConnection) -> Result<(), diesel::r2d2::Error> {
        if let DbConnection::Sqlite(c) = conn {
            c.batch_execute("PRAGMA busy_timeout = 5000; PRAGMA foreign_keys = ON; PRAGMA synchronous = FULL;")
                .map_err(diesel::r2d2::Error::QueryError)?;
        }
        Ok(())
    }
}

/// The key of the PostgreSQL advisory lock a start holds while it migrates: fixed, so every
/// Samveis instance on a database takes the same one ("samveis" in ASCII).
pub const MIGRATION_LOCK: i64 = 0x0073_616d_7665_6973;

/// How many of this version's migrations the database has not run (0: ready).
pub fn unapplied_migrations(conn: &mut DbConnection) -> StoreResult<usize> {
    let pending = match conn {
        DbConnection::Sqlite(c) => c.pending_migrations(SQLITE_MIGRATIONS).map(|m| m.len()),
        DbConnection::Postgres(c) => c.pending_migrations(POSTGRES_MIGRATIONS).map(|m| m.len()),
    };
    pending.map_err(|e| StoreError::Migration(e.to_string()))
}

/// What the pool holds at one moment ([`Db::pool_state`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PoolState {
    pub idle: usize,
    pub in_use: usize,
    pub max: usize,
}

/// A pool of connections to one database.
#[derive(Clone)]
pub struct Db {
    pool: Pool<ConnectionManager<DbConnection>>,
    backend: Backend,
}

impl Db {
    /// Connects to `sqlite://path` (created if missing) or `postgres://…`.
    pub fn connect(url: &str) -> StoreResult<Db> {
        let (backend, conn_url) = if let Some(path) = url.strip_prefix("sqlite://") {
            (Backend::Sqlite, path.to_string())
        } else if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            (Backend::Postgres, url.to_string())
        } else {
            return Err(StoreError::Url(url.to_string()));
        };
        if conn_url.is_empty() {
            return Err(StoreError::Url(url.to_string()));
        }
        match backend {
            Backend::Sqlite => start::check_sqlite(&conn_url),
            Backend::Postgres => start::check_postgres(&conn_url),
        }
        .map_err(StoreError::Start)?;
        let manager = ConnectionManager::<DbConnection>::new(conn_url);
        let pool = Pool::builder()
            .max_size(if backend == Backend::Sqlite { 8 } else { 10 })
            .min_idle(Some(1))
            .connection_timeout(std::time::Duration::from_secs(5))
            .connection_customizer(Box::new(SqlitePragmas))
            .build(manager)?;
        Ok(Db { pool, backend })
    }

    pub fn backend(&self) -> Backend {
        self.backend
    }

    /// The most connections the pool opens: no more database work than this runs at once.
    pub fn max_connections(&self) -> usize {
        self.pool.max_size() as usize
    }

    /// The pool as it is now: connections open and idle, open and in use, and the most it opens.
    pub fn pool_state(&self) -> PoolState {
        let state = self.pool.state();
        let idle = state.idle_connections as usize;
        PoolState { idle, in_use: (state.connections as usize).saturating_sub(idle), max: self.max_connections() }
    }

    /// Applies the embedded migrations that have not run yet.
    pub fn migrate(&self) -> StoreResult<()> {
        self.migrate_then(|_| Ok(()))
    }

    /// Applies the embedded migrations that have not run yet, then runs `then` (reference data)
    /// on the same connection, one start at a time, so that instances starting together on one
    /// database all come up: on PostgreSQL under a session advisory lock
    /// ([`MIGRATION_LOCK`], released also on error), on SQLite in one write transaction (the
    /// second start waits for the write lock, then finds nothing left to do).
    pub fn migrate_then<T>(&self, then: impl FnOnce(&mut DbConnection) -> StoreResult<T>) -> StoreResult<T> {
        let mut conn = self.pool.get()?;
        let conn = &mut *conn;
        let run = |conn: &mut DbConnection| {
            let result = match conn {
                DbConnection::Sqlite(c) => c.run_pending_migrations(SQLITE_MIGRATIONS).map(|_| ()),
                DbConnection::Postgres(c) => c.run_pending_migrations(POSTGRES_MIGRATIONS).map(|_| ()),
            };
            result.map_err(|e| StoreError::Migration(e.to_string()))?;
            then(conn)
        };
        match conn {
            DbConnection::Sqlite(c) => {
                // WAL is a property of the file: set once, it lets readers and a writer work at once.
                c.batch_execute("PRAGMA journal_mode = WAL;")?;
                write(conn, run)
            }
            DbConnection::Postgres(c) => {
                c.batch_execute(&format!("SELECT pg_advisory_lock({MIGRATION_LOCK})"))?;
                let result = run(conn);
                let DbConnection::Postgres(c) = conn else { return result };
                let unlocked = c.batch_execute(&format!("SELECT pg_advisory_unlock({MIGRATION_LOCK})"));
                let value = result?;
                unlocked?;
                Ok(value)
            }
        }
    }

    /// Runs `f` with a pooled connection on the blocking thread pool, inside the caller's log
    /// span (so its lines carry the request id). A panic in `f` comes back as
    /// [`StoreError::Interrupted`] with the panic's message.
    pub async fn run<T, E, F>(&self, f: F) -> Result<T, E>
    where
        T: Send + 'static,
        E: From<StoreError> + Send + 'static,
        F: FnOnce(&mut DbConnection) -> Result<T, E> + Send + 'static,
    {
        let db = self.clone();
        let span = tracing::Span::current();
        match tokio::task::spawn_blocking(move || span.in_scope(|| db.run_blocking(f))).await {
            Ok(result) => result,
            Err(e) if e.is_panic() => Err(E::from(StoreError::Interrupted(panic_message(e.into_panic().as_ref())))),
            Err(e) => Err(E::from(StoreError::Interrupted(e.to_string()))),
        }
    }

    /// The same, for callers that are not async (the CLI).
    pub fn run_blocking<T, E, F>(&self, f: F) -> Result<T, E>
    where
        E: From<StoreError>,
        F: FnOnce(&mut DbConnection) -> Result<T, E>,
    {
        let mut conn = self.pool.get().map_err(StoreError::from)?;
        f(&mut conn)
    }
}

/// The message a panic was raised with (`panic!("…")` gives a `&str` or a `String`).
pub fn panic_message(payload: &(dyn std::any::Any + Send)) -> String {
    if let Some(s) = payload.downcast_ref::<&str>() {
        (*s).to_string()
    } else if let Some(s) = payload.downcast_ref::<String>() {
        s.clone()
    } else {
        "ukjent panikk".to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn a_panicking_task_keeps_its_message() {
        let dir = tempfile::tempdir().unwrap();
        let db = Db::connect(&format!("sqlite://{}", dir.path().join("t.db").display())).unwrap();
        let result: Result<(), StoreError> = db.run(|_| panic!("rad 7 mangler")).await;
        match result {
            Err(StoreError::Interrupted(message)) => assert_eq!(message, "rad 7 mangler"),
            other => panic!("expected Interrupted, got {other:?}"),
        }
        let n = 7;
        let result: Result<(), StoreError> = db.run(move |_| panic!("rad {n} mangler")).await;
        assert!(matches!(result, Err(StoreError::Interrupted(m)) if m == "rad 7 mangler"));
    }
}
