//! The application: shared state, the router with every route and its access rule, and the
//! server loop.

use crate::db::Db;
use crate::mail::MailSettings;
use crate::routes;
use axum::Router;
use axum::extract::FromRef;
use chrono::{NaiveDateTime, Utc};
use std::net::SocketAddr;
use std::sync::Arc;
use tokio::net::TcpListener;
use tower_http::set_header::SetResponseHeaderLayer;

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
    pub views: Arc<crate::insight::cache::ViewCache>,
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

pub fn router(state: AppState) -> Router {
    let mut app = routes::router().layer(axum::middleware::from_fn_with_state(state.clone(), crate::auth::csrf_cookie));
    for (name, value) in crate::web::security_headers() {
        app = app.layer(SetResponseHeaderLayer::if_not_present(name, value));
    }
    app.layer(tower_http::compression::CompressionLayer::new()).with_state(state)
}

/// Binds `addr` and serves until the process is stopped. Returns the bound address first
/// through `on_ready` (port 0 picks a free port, as the tests do). With SMTP set up, the
/// background sender delivers the outbox meanwhile.
pub async fn serve(state: AppState, addr: &str, on_ready: impl FnOnce(SocketAddr)) -> anyhow::Result<()> {
    let listener = TcpListener::bind(addr).await.map_err(|e| anyhow::anyhow!("kan ikke lytte på {addr}: {e}"))?;
    on_ready(listener.local_addr()?);
    if let Some(mail) = state.config.mail.clone() {
        crate::mail::worker::spawn(state.db.clone(), mail, crate::mail::worker::INTERVAL);
    }
    axum::serve(listener, router(state)).with_graceful_shutdown(shutdown_signal()).await?;
    Ok(())
}

/// Starts a server on a free loopback port in the background; for tests and benchmarks.
pub async fn spawn(state: AppState) -> anyhow::Result<SocketAddr> {
    let listener = TcpListener::bind("127.0.0.1:0").await?;
    let addr = listener.local_addr()?;
    tokio::spawn(async move {
        if let Err(e) = axum::serve(listener, router(state)).await {
            tracing::error!(error = %e, "server stopped");
        }
    });
    Ok(addr)
}

async fn shutdown_signal() {
    let _ = tokio::signal::ctrl_c().await;
}
