//! Monitoring: liveness, readiness, the Prometheus metrics and who may read them, and two
//! instances migrating one empty database at once.

use crate::backends;
use crate::helpers::*;
use reqwest::StatusCode;

/// The value of the first series of `metric` whose line holds every one of `labels`
/// (`route="/kommuner/{nummer}"`); `None` when there is none.
fn value(text: &str, metric: &str, labels: &[&str]) -> Option<f64> {
    text.lines()
        .filter(|l| l.starts_with(&format!("{metric}{{")) || l.starts_with(&format!("{metric} ")))
        .find(|l| labels.iter().all(|label| l.contains(label)))
        .and_then(|l| l.rsplit(' ').next())
        .and_then(|v| v.parse().ok())
}

const ROUTE: &str = r#"route="/kommuner/{nummer}""#;

backends! {
    async fn healthz_answers_without_the_database_and_readyz_with_it(app) {
        let live = app.get("/healthz").await;
        assert_eq!((live.status, live.body.as_str()), (StatusCode::OK, "ok"));
        let ready = app.get("/readyz").await;
        assert_eq!((ready.status, ready.body.as_str()), (StatusCode::OK, "klar"));
        // A server on a database nobody migrated is alive but not ready, and says why.
        let bare = TestApp::spawn_on(app.backend, empty_database(app.backend).await, false).await;
        assert_eq!(bare.get("/healthz").await.status, StatusCode::OK);
        let not_ready = bare.get("/readyz").await;
        assert_eq!(not_ready.status, StatusCode::SERVICE_UNAVAILABLE);
        assert!(not_ready.body.starts_with("ikke klar:") && not_ready.body.contains("migreringer"), "{}", not_ready.body);
    }

    async fn metrics_count_requests_by_route_template(app) {
        let before = app.get("/metrics").await;
        assert_eq!(before.status, StatusCode::OK, "{}", before.body);
        let labels = [r#"method="GET""#, ROUTE, r#"status="200""#];
        let counted = value(&before.body, "samveis_http_requests_total", &labels).unwrap_or(0.0);
        for n in ["1804", "1806"] {
            assert_eq!(app.get(&format!("/kommuner/{n}")).await.status, StatusCode::OK);
        }
        assert_eq!(app.get("/finnes/ikke/42").await.status, StatusCode::NOT_FOUND);
        let after = app.get("/metrics").await.body;
        let now = value(&after, "samveis_http_requests_total", &labels).expect("the route's counter");
        assert!(now >= counted + 2.0, "{counted} -> {now}");
        assert!(!after.contains("/kommuner/1804") && !after.contains("/finnes/ikke"), "raw paths are no labels");
        assert!(value(&after, "samveis_http_requests_total", &[r#"route="ukjent""#, r#"status="404""#]).is_some());
        let duration = [r#"method="GET""#, ROUTE, r#"le="+Inf""#];
        assert!(value(&after, "samveis_http_request_duration_seconds_bucket", &duration).unwrap() >= 2.0, "{after}");
        assert!(value(&after, "samveis_http_request_duration_seconds_count", &[ROUTE]).is_some());
    }

    async fn metrics_show_the_pool_the_outbox_and_the_build(app) {
        let text = app.get("/metrics").await.body;
        let max = value(&text, "samveis_db_pool_max", &[]).expect("pool max");
        assert_eq!(max as usize, app.db.max_connections());
        let idle = value(&text, "samveis_db_pool_connections", &[r#"state="idle""#]).expect("idle");
        let in_use = value(&text, "samveis_db_pool_connections", &[r#"state="in_use""#]).expect("in use");
        assert!(idle + in_use <= max, "{text}");
        for state in ["waiting", "failed"] {
            assert!(value(&text, "samveis_outbox_messages", &[&format!(r#"state="{state}""#)]).is_some(), "{text}");
        }
        let version = format!(r#"version="{}""#, env!("CARGO_PKG_VERSION"));
        assert_eq!(value(&text, "samveis_build_info", &[&version]), Some(1.0));
    }

    async fn metrics_are_for_this_machine_only(app) {
        for header in ["x-forwarded-for", "x-real-ip", "forwarded"] {
            let response = app.client.get(app.url("/metrics")).header(header, "203.0.113.9").send().await.unwrap();
            assert_eq!(response.status(), StatusCode::NOT_FOUND, "{header}");
            let body = response.text().await.unwrap();
            assert!(body.contains("Fant ikke siden") && !body.contains("samveis_"), "{body}");
        }
    }

    async fn two_instances_migrating_one_empty_database_both_come_up(app) {
        let url = empty_database(app.backend).await;
        let start = || {
            std::process::Command::new(env!("CARGO_BIN_EXE_samveis"))
                .args(["migrate", "--database", &url])
                .env_remove("SAMVEIS_DATABASE_URL")
                .stdout(std::process::Stdio::piped())
                .stderr(std::process::Stdio::piped())
                .spawn()
                .unwrap()
        };
        let (first, second) = (start(), start());
        let outputs = tokio::task::spawn_blocking(move || [first.wait_with_output().unwrap(), second.wait_with_output().unwrap()])
            .await
            .unwrap();
        for out in outputs {
            assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
        }
        let served = TestApp::spawn_on(app.backend, url, false).await;
        assert_eq!(served.get("/readyz").await.status, StatusCode::OK);
        assert_eq!(served.count("municipalities").await, app.count("municipalities").await);
    }
}
