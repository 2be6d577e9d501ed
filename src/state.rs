//! The application's shared state: configuration, the database pool, the view cache and the
//! clock. A leaf: it depends on configuration, storage and the cache only, so every area can take it.

use crate::db::Db;
use crate::mail::MailSettings;
use axum::extract::FromRef;
use chrono::{NaiveDateTime, Utc};
use std::sync::{Arc, Mutex, PoisonError};

#[derive(Debug, Clone)]
pub struct Config {
    /// Set the Secure flag on cookies. Browsers accept Secure cookies from http://127.0.0.1 and
    /// localhost, so this stays on except for clients that do not (some test tools).
    pub secure_cookies: bool,
    /// The server runs with the demo set: pages say "Demodata" where figures are synthetic.
    pub demo: bool,
    /// Where e-mail goes; none: messages stay queued in the outbox and its page says so.
    pub mail: Option<MailSettings>,
    /// The address users reach Samveis at (`https://samveis.example.no`), for links in calendar
    /// feeds and e-mails: never taken from a request's Host header, which the caller chooses.
    pub public_url: String,
    /// The programme office's functional mailbox, for feedback on accessibility and questions
    /// about personal data (the statement pages name it); none: the pages say it is not set.
    pub contact: Option<String>,
}

/// The public base URL from `--public-url`: https unless another scheme is given, no trailing
/// slash; without one, the address the server listens on (for a local demo).
pub fn public_url(given: Option<&str>, listen: &str) -> Result<String, String> {
    let Some(given) = given.map(str::trim).filter(|g| !g.is_empty()) else {
        return Ok(format!("http://{listen}"));
    };
    let url = if given.contains("://") { given.to_string() } else { format!("https://{given}") };
    let rest = url.strip_prefix("https://").or_else(|| url.strip_prefix("http://"));
    let valid = rest.is_some_and(|r| {
        let host = r.split('/').next().unwrap_or_default();
        !host.is_empty() && host.chars().all(|c| c.is_ascii_alphanumeric() || "-.:[]".contains(c))
    });
    if !valid {
        return Err(format!(
            "«{given}» er ingen gyldig offentlig adresse: bruk for eksempel https://samveis.example.no"
        ));
    }
    Ok(url.trim_end_matches('/').to_string())
}

#[derive(Clone)]
pub struct AppState {
    pub db: Db,
    pub config: Arc<Config>,
    /// Insight views computed since the data last changed.
    pub views: Arc<crate::generation::ViewCache>,
    /// Where "now" comes from: the system, or a time the tests set.
    pub clock: Clock,
}

impl AppState {
    /// The state of a server on `db`, on the system clock.
    pub fn new(db: Db, config: Config) -> AppState {
        AppState { db, config: Arc::new(config), views: Default::default(), clock: Clock::System }
    }

    /// The clock, read only here at the edge; the domain gets times passed in.
    pub fn now(&self) -> NaiveDateTime {
        self.clock.now()
    }

    pub fn today(&self) -> chrono::NaiveDate {
        self.now().date()
    }
}

/// The time the application goes by.
#[derive(Debug, Clone, Default)]
pub enum Clock {
    /// The system's clock, in UTC.
    #[default]
    System,
    /// A time set by hand, shared by every copy of the clock: it stands still until set again.
    Fixed(Arc<Mutex<NaiveDateTime>>),
}

impl Clock {
    pub fn fixed(at: NaiveDateTime) -> Clock {
        Clock::Fixed(Arc::new(Mutex::new(at)))
    }

    pub fn now(&self) -> NaiveDateTime {
        match self {
            Clock::System => Utc::now().naive_utc(),
            Clock::Fixed(at) => *at.lock().unwrap_or_else(PoisonError::into_inner),
        }
    }

    /// Sets a fixed clock to `at`; the system clock cannot be set and is left as it is.
    pub fn set(&self, at: NaiveDateTime) {
        if let Clock::Fixed(fixed) = self {
            *fixed.lock().unwrap_or_else(PoisonError::into_inner) = at;
        }
    }
}

impl FromRef<AppState> for Db {
    fn from_ref(state: &AppState) -> Db {
        state.db.clone()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_fixed_clock_stands_still_until_set_and_its_copies_follow() {
        let start = chrono::NaiveDate::from_ymd_opt(2026, 3, 1).unwrap().and_hms_opt(9, 0, 0).unwrap();
        let clock = Clock::fixed(start);
        let copy = clock.clone();
        assert_eq!(copy.now(), start);
        clock.set(start + chrono::Duration::days(2));
        assert_eq!(copy.now(), start + chrono::Duration::days(2));
        let system = Clock::System;
        system.set(start);
        assert!(system.now() > start);
    }

    #[test]
    fn the_public_url_is_https_by_default_and_never_guessed_from_a_request() {
        assert_eq!(public_url(Some("samveis.example.no"), "x").unwrap(), "https://samveis.example.no");
        assert_eq!(public_url(Some("https://samveis.example.no/"), "x").unwrap(), "https://samveis.example.no");
        assert_eq!(public_url(None, "127.0.0.1:8080").unwrap(), "http://127.0.0.1:8080");
        assert!(public_url(Some("ftp://x"), "x").is_err());
        assert!(public_url(Some("https://evil.example/\\x"), "x").is_ok());
        assert!(public_url(Some("https://evil example"), "x").is_err());
    }
}
