//! The application's shared state: configuration, the database pool and the view cache. A leaf:
//! it depends on configuration, storage and the cache only, so every area can take it.

use crate::db::Db;
use crate::mail::MailSettings;
use axum::extract::FromRef;
use chrono::{NaiveDateTime, Utc};
use std::sync::Arc;

#[derive(Debug, Clone)]
pub struct Config {
    /// Set the Secure flag on cookies. Browsers accept Secure cookies from http://127.0.0.1 and
    /// localhost, so this stays on except for clients that do not (some test tools).
    pub secure_cookies: bool,
    /// The server runs with the demo set: pages say "Demodata" where figures are synthetic.
    pub demo: bool,
    /// Where e-mail goes; none: messages stay queued in the outbox and its page says so.
    pub mail: Option<MailSettings>,
}

#[derive(Clone)]
pub struct AppState {
    pub db: Db,
    pub config: Arc<Config>,
    /// Insight views computed since the data last changed.
    pub views: Arc<crate::generation::ViewCache>,
}

impl AppState {
    /// The clock, read only here at the edge; the domain gets times passed in.
    pub fn now(&self) -> NaiveDateTime {
        Utc::now().naive_utc()
    }

    pub fn today(&self) -> chrono::NaiveDate {
        self.now().date()
    }
}

impl FromRef<AppState> for Db {
    fn from_ref(state: &AppState) -> Db {
        state.db.clone()
    }
}
