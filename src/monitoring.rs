//! Monitoring (overvåking): whether the process answers (`/healthz`), whether it is ready to
//! serve (`/readyz`: the database answers and every migration is applied), and the Prometheus
//! metrics (`/metrics`): requests by method, route template and status, their durations, the
//! database pool, the outbox and the build. The recorder is process-wide and installed once;
//! the gauges are computed when `/metrics` is scraped.

use crate::error::AppError;
use crate::state::AppState;
use axum::extract::{ConnectInfo, MatchedPath, Request, State};
use axum::http::{HeaderMap, Method, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use metrics_exporter_prometheus::{Matcher, PrometheusBuilder, PrometheusHandle};
use std::net::SocketAddr;
use std::sync::OnceLock;
use std::time::{Duration, Instant};

const REQUESTS: &str = "samveis_http_requests_total";
const DURATION: &str = "samveis_http_request_duration_seconds";
const POOL: &str = "samveis_db_pool_connections";
const POOL_MAX: &str = "samveis_db_pool_max";
const OUTBOX: &str = "samveis_outbox_messages";
const BUILD: &str = "samveis_build_info";

/// The `route` label of a request that matched no route: the raw path would give a series per
/// path anyone cares to type.
pub const UNKNOWN_ROUTE: &str = "ukjent";

/// Upper bounds of the duration histogram's buckets, in seconds.
const BUCKETS: &[f64] = &[0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0];

/// How often samples recorded between scrapes are folded into the histograms.
pub const UPKEEP: Duration = Duration::from_secs(5);

static RECORDER: OnceLock<Option<PrometheusHandle>> = OnceLock::new();

/// The process's Prometheus recorder, installed on first use (tests start many servers in one
/// process). `None` when another recorder was installed first: then nothing is recorded here.
pub fn recorder() -> Option<&'static PrometheusHandle> {
    RECORDER
        .get_or_init(|| {
            let installed = PrometheusBuilder::new()
                .set_buckets_for_metric(Matcher::Full(DURATION.into()), BUCKETS)
                .and_then(PrometheusBuilder::install_recorder);
            match installed {
                Ok(handle) => {
                    describe();
                    Some(handle)
                }
                Err(e) => {
                    tracing::warn!(error = %e, "metrikkene kan ikke registreres");
                    None
                }
            }
        })
        .as_ref()
}

fn describe() {
    metrics::describe_counter!(REQUESTS, "HTTP requests answered, by method, route template and status");
    metrics::describe_histogram!(DURATION, "Time to the response's headers, by method and route template");
    metrics::describe_gauge!(POOL, "Database connections open in the pool, idle or in use");
    metrics::describe_gauge!(POOL_MAX, "The most connections the database pool opens");
    metrics::describe_gauge!(OUTBOX, "E-mail in the outbox not sent: waiting, or failed for good");
    metrics::describe_gauge!(BUILD, "The running version (always 1)");
}

/// A method as a label: the standard ones by name, anything else `other` (a client may send any
/// token as a method).
fn method_label(method: &Method) -> &'static str {
    match *method {
        Method::GET => "GET",
        Method::POST => "POST",
        Method::PUT => "PUT",
        Method::DELETE => "DELETE",
        Method::PATCH => "PATCH",
        Method::HEAD => "HEAD",
        Method::OPTIONS => "OPTIONS",
        _ => "other",
    }
}

/// Counts each request and records its duration under the route template it matched
/// (`/kommuner/{nummer}`), or [`UNKNOWN_ROUTE`].
pub async fn record(request: Request, next: Next) -> Response {
    let start = Instant::now();
    let method = method_label(request.method());
    let route = request.extensions().get::<MatchedPath>().map_or(UNKNOWN_ROUTE, MatchedPath::as_str).to_string();
    let response = next.run(request).await;
    let status = response.status().as_u16().to_string();
    metrics::counter!(REQUESTS, "method" => method, "route" => route.clone(), "status" => status).increment(1);
    metrics::histogram!(DURATION, "method" => method, "route" => route).record(start.elapsed().as_secs_f64());
    response
}

/// 200 «ok» while the process answers; touches nothing else (liveness).
pub async fn healthz() -> &'static str {
    "ok"
}

/// 200 «klar» when the database answers and every migration of this version is applied, else
/// 503 with the reason (readiness).
pub async fn readyz(State(state): State<AppState>) -> Response {
    match state.db.run(crate::db::unapplied_migrations).await {
        Ok(0) => (StatusCode::OK, "klar").into_response(),
        Ok(n) => (StatusCode::SERVICE_UNAVAILABLE, format!("ikke klar: {n} migreringer er ikke kjørt")).into_response(),
        Err(e) => {
            tracing::warn!(error = %e, "readyz: databasen svarer ikke");
            (StatusCode::SERVICE_UNAVAILABLE, "ikke klar: databasen svarer ikke").into_response()
        }
    }
}

/// Whether a request came straight from this machine: a loopback peer and no header a reverse
/// proxy adds (nginx in front sets `X-Forwarded-For`, so what comes through it is not local).
fn from_this_machine(headers: &HeaderMap, peer: Option<SocketAddr>) -> bool {
    let proxied = ["x-forwarded-for", "forwarded", "x-real-ip"].iter().any(|h| headers.contains_key(*h));
    !proxied && peer.is_some_and(|p| p.ip().to_canonical().is_loopback())
}

/// The metrics in Prometheus' text format, for a scrape from this machine only; anyone else
/// gets the ordinary 404.
pub async fn metrics(State(state): State<AppState>, request: Request) -> Response {
    let peer = request.extensions().get::<ConnectInfo<SocketAddr>>().map(|c| c.0);
    if !from_this_machine(request.headers(), peer) {
        return AppError::NotFound("Fant ikke siden.".into()).into_response();
    }
    let Some(handle) = recorder() else {
        return (StatusCode::SERVICE_UNAVAILABLE, "metrikkene er ikke tilgjengelige").into_response();
    };
    // The pool as it is before this scrape takes a connection of its own.
    let pool = state.db.pool_state();
    metrics::gauge!(POOL, "state" => "idle").set(pool.idle as f64);
    metrics::gauge!(POOL, "state" => "in_use").set(pool.in_use as f64);
    metrics::gauge!(POOL_MAX).set(pool.max as f64);
    match state.db.run(|conn| crate::mail::outbox::counts(conn, None)).await {
        Ok(counts) => {
            metrics::gauge!(OUTBOX, "state" => "waiting").set(counts.waiting as f64);
            metrics::gauge!(OUTBOX, "state" => "failed").set(counts.failed as f64);
        }
        Err(e) => tracing::warn!(error = %e, "metrics: utboksen kan ikke telles"),
    }
    metrics::gauge!(BUILD, "version" => env!("CARGO_PKG_VERSION")).set(1.0);
    ([(header::CONTENT_TYPE, "text/plain; version=0.0.4; charset=utf-8")], handle.render()).into_response()
}

/// Folds recorded samples into the histograms every [`UPKEEP`], so a server nobody scrapes does
/// not keep every sample.
pub fn spawn_upkeep() {
    if let Some(handle) = recorder() {
        tokio::spawn(async move {
            let mut tick = tokio::time::interval(UPKEEP);
            loop {
                tick.tick().await;
                handle.run_upkeep();
            }
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn peer(addr: &str) -> Option<SocketAddr> {
        Some(addr.parse().unwrap())
    }

    #[test]
    fn only_a_direct_request_from_loopback_is_local() {
        let none = HeaderMap::new();
        assert!(from_this_machine(&none, peer("127.0.0.1:5000")));
        assert!(from_this_machine(&none, peer("[::1]:5000")));
        assert!(from_this_machine(&none, peer("[::ffff:127.0.0.1]:5000")));
        assert!(!from_this_machine(&none, peer("10.0.0.7:5000")));
        assert!(!from_this_machine(&none, None));
        let mut proxied = HeaderMap::new();
        proxied.insert("x-forwarded-for", "203.0.113.9".parse().unwrap());
        assert!(!from_this_machine(&proxied, peer("127.0.0.1:5000")));
    }

    #[test]
    fn an_unknown_method_is_one_label() {
        assert_eq!(method_label(&Method::GET), "GET");
        assert_eq!(method_label(&Method::from_bytes(b"TULL").unwrap()), "other");
    }
}
