//! The application: the router with its layers, and the server loop. The shared state is in
//! [`crate::state`].

use crate::routes;
pub use crate::state::{AppState, Config};
use axum::Router;
use std::net::SocketAddr;
use tokio::net::TcpListener;
use tower_http::set_header::SetResponseHeaderLayer;

pub fn router(state: AppState) -> Router {
    let mut app = routes::router()
        .layer(axum::middleware::from_fn(crate::web::input::norwegian_rejections))
        .layer(axum::middleware::from_fn(crate::web::input::refuse_control_characters))
        .layer(axum::middleware::from_fn_with_state(state.clone(), crate::auth::csrf_cookie));
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
    axum::serve(listener, router(state).into_make_service_with_connect_info::<SocketAddr>())
        .with_graceful_shutdown(shutdown_signal())
        .await?;
    Ok(())
}

/// Starts a server on a free loopback port in the background; for tests and benchmarks.
pub async fn spawn(state: AppState) -> anyhow::Result<SocketAddr> {
    let listener = TcpListener::bind("127.0.0.1:0").await?;
    let addr = listener.local_addr()?;
    tokio::spawn(async move {
        if let Err(e) = axum::serve(listener, router(state).into_make_service_with_connect_info::<SocketAddr>()).await {
            tracing::error!(error = %e, "server stopped");
        }
    });
    Ok(addr)
}

async fn shutdown_signal() {
    let _ = tokio::signal::ctrl_c().await;
}
