//! Why a database cannot be opened, said in Norwegian with what to do, before the pool starts
//! (the pool alone only says "timed out waiting for connection" after five seconds, whatever
//! the cause).

use diesel::Connection;
use diesel::connection::SimpleConnection;
use diesel::pg::PgConnection;
use diesel::sqlite::SqliteConnection;
use std::path::Path;

/// One connection to a SQLite file: the folder must exist, the file must be a database.
pub fn check_sqlite(path: &str) -> Result<(), String> {
    let file = Path::new(path);
    let folder = file.parent().filter(|p| !p.as_os_str().is_empty()).unwrap_or(Path::new("."));
    if !folder.is_dir() {
        return Err(format!(
            "mappen «{}» finnes ikke: opprett den (mkdir -p {}) eller velg en annen fil med --database sqlite://FIL",
            folder.display(),
            folder.display()
        ));
    }
    if file.is_dir() {
        return Err(format!(
            "«{path}» er en mappe, ikke en databasefil: skriv sqlite://{path}/samveis.db eller en annen fil"
        ));
    }
    let mut conn = SqliteConnection::establish(path).map_err(|e| {
        format!("kan ikke åpne SQLite-filen «{path}» ({e}): sjekk at brukeren har skrivetilgang til filen og mappen")
    })?;
    // Another instance may be migrating the same file right now: wait for it as the pool does,
    // and a file that is only busy is still a database.
    conn.batch_execute("PRAGMA busy_timeout = 5000; SELECT count(*) FROM sqlite_master;").or_else(|e| {
        let said = e.to_string();
        if said.contains("locked") || said.contains("busy") {
            Ok(())
        } else if said.contains("not a database") {
            Err(format!("«{path}» er ikke en SQLite-database: velg en annen fil, eller flytt denne bort"))
        } else {
            Err(format!("kan ikke lese SQLite-filen «{path}»: {said}"))
        }
    })
}

/// One connection to PostgreSQL, with the cause named: no server, no such database or role,
/// a refused password.
pub fn check_postgres(url: &str) -> Result<(), String> {
    let Err(e) = PgConnection::establish(url) else { return Ok(()) };
    let said = e.to_string();
    let place = url::Url::parse(url).ok();
    let host = place.as_ref().and_then(|u| u.host_str().map(str::to_string)).unwrap_or_else(|| "localhost".into());
    let port = place.as_ref().and_then(url::Url::port).unwrap_or(5432);
    let user =
        place.as_ref().map(|u| u.username().to_string()).filter(|u| !u.is_empty()).unwrap_or_else(|| "postgres".into());
    let database = place.as_ref().map(|u| u.path().trim_start_matches('/').to_string()).unwrap_or_default();
    let message = if said.contains("does not exist") && said.contains("database") {
        format!(
            "databasen «{database}» finnes ikke på {host}:{port}: opprett den med createdb -h {host} -p {port} -U {user} {database}"
        )
    } else if said.contains("does not exist") && said.contains("role") {
        format!(
            "brukeren «{user}» finnes ikke på PostgreSQL-serveren {host}:{port}: opprett den (createuser) eller bruk en annen i URL-en"
        )
    } else if said.contains("password authentication failed") || said.contains("no password supplied") {
        format!(
            "PostgreSQL avviste innloggingen for brukeren «{user}» på {host}:{port}: sjekk passordet i database-URL-en"
        )
    } else if said.contains("Connection refused") || said.contains("could not connect") || said.contains("timeout") {
        format!("PostgreSQL svarer ikke på {host}:{port}: er serveren startet, og lytter den på den adressen?")
    } else if said.contains("translate host name") || said.contains("failed to lookup address") {
        format!("finner ikke maskinen «{host}»: sjekk vertsnavnet i database-URL-en")
    } else {
        format!("kan ikke koble til PostgreSQL på {host}:{port}: {}", said.trim())
    };
    Err(message)
}
