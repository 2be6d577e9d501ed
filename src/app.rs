//! The application: the router with its layers, and the server loop. The shared state is in
//! [`crate::state`].

use crate::routes;
pub use crate::state::{AppState, Config};
use crate::web;
use axum::Router;
use std::net::SocketAddr;
use std::time::Duration;
use tokio::net::TcpListener;
use tower_http::catch_panic::CatchPanicLayer;
use tower_http::set_header::SetResponseHeaderLayer;
use tower_http::trace::TraceLayer;

/// The routes with their layers. From the outside in: the metrics, the request id, the trace span, response
/// compression, security headers, a caught panic's error page, the CSRF cookie, the count of
/// open tasks for the menu.
pub fn router(state: AppState) -> Router {
    crate::monitoring::recorder();
    let app = routes::router()
        .layer(axum::middleware::from_fn(web::input::norwegian_rejections))
        .layer(axum::middleware::from_fn(web::input::refuse_control_characters))
        .layer(axum::middleware::from_fn_with_state(state.clone(), crate::work::menu_count))
        .layer(axum::middleware::from_fn_with_state(state.clone(), crate::auth::csrf_cookie))
        .layer(CatchPanicLayer::custom(web::panic_page));
    observed(secured(app)).with_state(state)
}

fn secured<S: Clone + Send + Sync + 'static>(mut app: Router<S>) -> Router<S> {
    for (name, value) in web::security_headers() {
        app = app.layer(SetResponseHeaderLayer::if_not_present(name, value));
    }
    app.layer(tower_http::compression::CompressionLayer::new())
}

/// Every request gets an id and a log span that carries it, and is counted and timed under its
/// route template.
fn observed<S: Clone + Send + Sync + 'static>(app: Router<S>) -> Router<S> {
    let trace = TraceLayer::new_for_http()
        .make_span_with(|request: &axum::extract::Request| web::request_id::span(request))
        .on_request(())
        .on_response(|response: &axum::response::Response, latency: Duration, _: &tracing::Span| {
            tracing::debug!(status = response.status().as_u16(), ms = latency.as_millis(), "answered");
        });
    app.layer(trace)
        .layer(axum::middleware::from_fn(web::request_id::scope))
        .layer(axum::middleware::from_fn(crate::monitoring::record))
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
    crate::monitoring::spawn_upkeep();
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

/// Ctrl-C, or SIGTERM as systemd sends it: requests in flight finish, then the server stops.
async fn shutdown_signal() {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{SignalKind, signal};
        if let Ok(mut term) = signal(SignalKind::terminate()) {
            tokio::select! {
                _ = tokio::signal::ctrl_c() => {}
                _ = term.recv() => {}
            }
            return;
        }
    }
    let _ = tokio::signal::ctrl_c().await;
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::body::Body;
    use axum::http::{Request, StatusCode};
    use axum::routing::get;
    use tower::ServiceExt;

    async fn panicking() -> &'static str {
        panic!("testpanikk")
    }

    async fn refused() -> web::ApiError {
        crate::error::AppError::Forbidden.into()
    }

    fn app() -> Router {
        let routes = Router::new().route("/boom", get(panicking)).route("/api", get(refused));
        observed(routes.layer(CatchPanicLayer::custom(web::panic_page)))
    }

    async fn body(response: axum::response::Response) -> String {
        let bytes = axum::body::to_bytes(response.into_body(), 1 << 20).await.unwrap();
        String::from_utf8(bytes.to_vec()).unwrap()
    }

    #[tokio::test]
    async fn a_panicking_handler_answers_500_with_the_error_page_and_the_request_id() {
        let request = Request::get("/boom").header("x-request-id", "feil-42").body(Body::empty()).unwrap();
        let response = app().oneshot(request).await.unwrap();
        assert_eq!(response.status(), StatusCode::INTERNAL_SERVER_ERROR);
        assert_eq!(response.headers()["x-request-id"], "feil-42");
        let page = body(response).await;
        assert!(page.contains("Noe gikk galt") && page.contains("Feilkode: <code>feil-42</code>"), "{page}");
        assert!(!page.contains("testpanikk"), "the panic message is logged, not shown: {page}");
    }

    #[tokio::test]
    async fn a_request_without_an_id_gets_one() {
        let response = app().oneshot(Request::get("/boom").body(Body::empty()).unwrap()).await.unwrap();
        let id = response.headers()["x-request-id"].to_str().unwrap().to_string();
        assert_eq!(id.len(), 16, "{id}");
        assert!(body(response).await.contains(&format!("Feilkode: <code>{id}</code>")));
    }

    #[tokio::test]
    async fn a_json_error_names_the_request_id() {
        let request = Request::get("/api").header("x-request-id", "api-7").body(Body::empty()).unwrap();
        let response = app().oneshot(request).await.unwrap();
        assert_eq!(response.status(), StatusCode::FORBIDDEN);
        let json: serde_json::Value = serde_json::from_str(&body(response).await).unwrap();
        assert_eq!(json["request_id"], "api-7");
        assert_eq!(json["error"], "forbidden");
    }
}
