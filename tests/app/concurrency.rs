//! Concurrent writers: different municipalities saving their own submissions at the same time
//! all succeed (SQLite takes the write lock at the start of each write transaction, so writers
//! wait for each other instead of failing with "database is locked"), and two saves of the same
//! submission at the same version give one success and one 409, never a 500.

use crate::backends;
use crate::helpers::*;
use crate::reporting::submission_id;
use reqwest::{Method, StatusCode};
use serde_json::json;
use std::sync::Arc;

const TECH: &str = "Teknologistatus 2025";
const WRITERS: usize = 8;
const SAVES: i64 = 25;

/// The first `n` submissions of the technology round that are still drafts.
async fn drafts(app: &TestApp, n: usize) -> Vec<i64> {
    let round = submission_id(app, TECH, "1804").await;
    let round = app.get(&format!("/api/v1/submissions/{round}")).await.json()["round_id"].as_i64().unwrap();
    let listed = app.get(&format!("/api/v1/submissions?round={round}")).await.json();
    let drafts: Vec<i64> = listed
        .as_array()
        .unwrap()
        .iter()
        .filter(|s| s["state"] == "draft")
        .map(|s| s["id"].as_i64().unwrap())
        .take(n)
        .collect();
    assert_eq!(drafts.len(), n, "{listed}");
    drafts
}

backends! {
    async fn different_municipalities_saving_at_once_never_get_500(app) {
        app.login(ADMIN).await;
        let token = app.api_token().await;
        let app = Arc::new(app);
        let mut tasks = Vec::new();
        for id in drafts(&app, WRITERS).await {
            let (app, token) = (app.clone(), token.clone());
            tasks.push(tokio::spawn(async move {
                let path = format!("/api/v1/submissions/{id}");
                let mut version = app.get(&path).await.json()["version"].as_i64().unwrap();
                let mut statuses = Vec::new();
                for n in 0..SAVES {
                    let body = json!({"version": version, "answers": {"digitalt_tilsyn_brukere": n}, "submit": false});
                    let saved = app.send_json(Method::PUT, &path, &body, Some(&token)).await;
                    statuses.push((saved.status, if saved.status == StatusCode::OK { String::new() } else { saved.body.chars().take(200).collect() }));
                    if saved.status == StatusCode::OK {
                        version = saved.json()["version"].as_i64().unwrap();
                    }
                }
                statuses
            }));
        }
        for task in tasks {
            let statuses = task.await.unwrap();
            let failed: Vec<_> = statuses.iter().filter(|(s, _)| *s != StatusCode::OK).collect();
            assert!(failed.is_empty(), "{} of {SAVES} saves failed: {failed:?}", failed.len());
        }
    }

    async fn two_saves_of_one_submission_at_the_same_version_give_one_409(app) {
        app.login(ADMIN).await;
        let token = app.api_token().await;
        let id = drafts(&app, 1).await[0];
        let path = format!("/api/v1/submissions/{id}");
        let app = Arc::new(app);
        for round in 0..10 {
            let version = app.get(&path).await.json()["version"].as_i64().unwrap();
            let save = |n: i64| {
                let (app, token, path) = (app.clone(), token.clone(), path.clone());
                tokio::spawn(async move {
                    let body = json!({"version": version, "answers": {"digitalt_tilsyn_brukere": n}, "submit": false});
                    app.send_json(Method::PUT, &path, &body, Some(&token)).await.status
                })
            };
            let (a, b) = (save(round), save(round + 100));
            let mut statuses = [a.await.unwrap(), b.await.unwrap()];
            statuses.sort();
            assert_eq!(statuses, [StatusCode::OK, StatusCode::CONFLICT], "round {round}");
        }
    }
}
