//! Backup while serving and restore into an empty database: every acknowledged write and its
//! audit event come back, every stored file has the bytes its hash names, no session survives.

use crate::backends;
use crate::helpers::*;
use diesel::RunQueryDsl;
use reqwest::{Method, StatusCode};
use serde_json::json;
use sha2::{Digest, Sha256};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

fn samveis(args: &[&str]) -> (bool, String) {
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_samveis")).args(args).output().unwrap();
    (out.status.success(), format!("{}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr)))
}

/// Creates collaborations through the API until told to stop; returns the names acknowledged (201).
async fn write_until(app: TestApp, stop: Arc<AtomicBool>, acknowledged: Arc<std::sync::Mutex<Vec<String>>>) {
    app.login(ADMIN).await;
    let token = app.api_token().await;
    let mut i = 0;
    while !stop.load(Ordering::SeqCst) {
        i += 1;
        let name = format!("Lastsamarbeid {i}");
        let body = json!({"name": name, "kind": "project", "layout": 2024, "host": "1804", "members": ["1804", "1841"], "valid_from": "2025-01-01"});
        let created = app.send_json(Method::POST, "/api/v1/collaborations", &body, Some(&token)).await;
        assert_eq!(created.status, StatusCode::CREATED, "{}", created.body);
        acknowledged.lock().unwrap().push(name);
    }
}

#[derive(diesel::QueryableByName)]
struct Named {
    #[diesel(sql_type = diesel::sql_types::Text)]
    name: String,
}

#[derive(diesel::QueryableByName)]
struct StoredFile {
    #[diesel(sql_type = diesel::sql_types::Text)]
    sha256: String,
    #[diesel(sql_type = diesel::sql_types::Binary)]
    content: Vec<u8>,
}

async fn names(db: &samveis::db::Db, sql: &str) -> Vec<String> {
    let sql = sql.to_string();
    let rows = db.run(move |conn| diesel::sql_query(sql).load::<Named>(conn).map_err(samveis::db::StoreError::from));
    rows.await.unwrap().into_iter().map(|r| r.name).collect()
}

async fn files(db: &samveis::db::Db) -> Vec<StoredFile> {
    let sql = "SELECT sha256, content FROM stored_files";
    db.run(move |conn| diesel::sql_query(sql).load::<StoredFile>(conn).map_err(samveis::db::StoreError::from))
        .await
        .unwrap()
}

/// Bodø uploads a deliverable in a milestone 3 round, so the backup carries a stored file.
async fn upload_a_file(app: &TestApp) {
    let bodo = crate::files::nordland_round(app, "milepael_m3").await["1804"];
    let municipality = app.other_browser();
    municipality.login(BODO).await;
    let path = format!("/rapportering/innleveringer/{bodo}");
    let page = municipality.get(&path).await;
    let version = page.attr("form[action$='/filer'] input[name=_version]", "value").unwrap();
    let pdf: &[u8] = b"%PDF-1.7\n% Samveis: ROS for Bod\xc3\xb8, Fauske-Fuosko\n%%EOF\n";
    let fields = [("_version", version.as_str()), ("_handling", "last_opp:fil_dpia")];
    let upload =
        municipality.post_multipart(&format!("{path}/filer"), &fields, &[("_fil.fil_dpia", "ROS Bodø.pdf", pdf)]).await;
    assert_eq!(upload.status, StatusCode::SEE_OTHER, "{}", upload.text());
}

backends! {
    async fn a_backup_under_write_load_restores_every_acknowledged_write(app) {
        upload_a_file(&app).await;
        app.login(ADMIN).await;
        assert_eq!(app.get("/rapportering").await.status, StatusCode::OK);
        let (stop, acknowledged) = (Arc::new(AtomicBool::new(false)), Arc::new(std::sync::Mutex::new(Vec::new())));
        let writer = tokio::spawn(write_until(app.other_browser(), stop.clone(), acknowledged.clone()));
        while acknowledged.lock().unwrap().len() < 10 {
            tokio::time::sleep(std::time::Duration::from_millis(20)).await;
        }
        let before: Vec<String> = acknowledged.lock().unwrap().clone();
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("samveis.bak");
        let to = file.display().to_string();
        let url = app.db_url.clone();
        let (ok, said) = tokio::task::spawn_blocking(move || samveis(&["backup", "--to", &to, "--database", &url])).await.unwrap();
        assert!(ok, "{said}");
        stop.store(true, Ordering::SeqCst);
        writer.await.unwrap();
        assert!(acknowledged.lock().unwrap().len() > before.len(), "writes went on during the backup");

        let restored_url = empty_database(app.backend).await;
        let (from, url) = (file.display().to_string(), restored_url.clone());
        let (ok, said) = tokio::task::spawn_blocking(move || samveis(&["restore", "--from", &from, "--database", &url])).await.unwrap();
        assert!(ok, "{said}");
        let restored = samveis::db::Db::connect(&restored_url).unwrap();
        let restored_names = names(&restored, "SELECT name FROM collaborations").await;
        for name in &before {
            assert!(restored_names.contains(name), "{name} was acknowledged before the backup began");
        }
        // Each collaboration came with its audit event, in the same transaction: none without the other.
        let audited = names(&restored, "SELECT record_id AS name FROM audit_events WHERE record_type = 'samarbeid' AND action = 'opprettet'").await;
        for id in names(&restored, "SELECT CAST(id AS TEXT) AS name FROM collaborations WHERE name LIKE 'Lastsamarbeid %'").await {
            assert!(audited.contains(&id), "collaboration {id} has its audit event");
        }
        let (restored_files, original) = (files(&restored).await, files(&app.db).await);
        assert!(!original.is_empty(), "the demo has stored files to check");
        assert_eq!(restored_files.len(), original.len());
        for f in restored_files {
            assert_eq!(hex::encode(Sha256::digest(&f.content)), f.sha256, "file {} has the bytes its hash names", f.sha256);
        }
        assert_eq!(names(&restored, "SELECT token_hash AS name FROM sessions").await.len(), 0, "no session survives a restore");
        // The same browser, with the session cookie it had before the backup, on the restored database.
        let again = TestApp::spawn_on(app.backend, restored_url, false).await;
        let same_browser = TestApp { client: app.client.clone(), ..again };
        assert_eq!(same_browser.get("/rapportering").await.status, StatusCode::SEE_OTHER, "the old session signs no one in");
        assert_eq!(app.get("/rapportering").await.status, StatusCode::OK, "while it still does on the original");
    }
}
