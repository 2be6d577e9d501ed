//! Hostile sizes: a workbook whose one cell sits in the far corner is refused by name and the
//! server keeps answering; numbers beyond a field's maximum (or the general cap) are refused in
//! the form, the API, DHIS2 and the grant forms; refused SurveyMonkey previews are not kept and
//! unconfirmed ones are pruned after a day.

use crate::backends;
use crate::cli::far_corner_workbook;
use crate::helpers::*;
use crate::import::{export, survey_round};
use crate::reporting::submission_id;
use reqwest::{Method, StatusCode};
use serde_json::json;

const TECH: &str = "Teknologistatus 2025";
const LABEL: &str = "Digitalt tilsyn: antall brukere";
const CAP: &str = "1\u{a0}000\u{a0}000\u{a0}000";
const HUGE: [&str; 2] = ["99999999999", "9223372036854775807"];

/// References held by SurveyMonkey imports, straight from the database.
async fn import_references(app: &TestApp) -> i64 {
    app.db
        .run(|conn| {
            use diesel::prelude::*;
            use samveis::db::schema::file_references as f;
            f::table
                .filter(f::owner_kind.eq("import"))
                .count()
                .get_result::<i64>(conn)
                .map_err(samveis::db::StoreError::from)
        })
        .await
        .unwrap()
}

backends! {
    async fn a_workbook_with_a_far_corner_cell_is_refused_and_the_server_lives_on(app) {
        let round = survey_round(&app).await;
        app.login(ADMIN).await;
        let (stored, references) = (app.count("stored_files").await, app.count("file_references").await);
        let path = format!("/rapportering/runder/{round}/import");
        let file = far_corner_workbook();
        assert!(file.len() < 8192, "{}", file.len());
        let refused = app.post_file(&path, &[], "hjorne.xlsx", &file).await;
        assert_eq!(refused.status, StatusCode::BAD_REQUEST, "{}", refused.text());
        assert!(refused.text().contains("«XFD1048576»"), "{}", refused.text());
        assert_eq!((app.count("stored_files").await, app.count("file_references").await), (stored, references));
        assert_eq!(app.get(&path).await.status, StatusCode::OK, "the server still answers");
    }

    async fn numbers_beyond_the_cap_are_refused_in_the_form_and_the_api(app) {
        app.login(ADMIN).await;
        let token = app.api_token().await;
        let id = submission_id(&app, TECH, "1804").await;
        let api = format!("/api/v1/submissions/{id}");
        let before = app.get(&api).await.json();
        let version = before["version"].as_i64().unwrap();
        for huge in HUGE {
            let n: i64 = huge.parse().unwrap();
            let body = json!({"version": version, "answers": {"digitalt_tilsyn_brukere": n}, "submit": false});
            let saved = app.send_json(Method::PUT, &api, &body, Some(&token)).await;
            assert_eq!(saved.status, StatusCode::UNPROCESSABLE_ENTITY, "{huge}: {}", saved.body);
            assert!(saved.body.contains(LABEL) && saved.body.contains(&format!("høyeste tillatte verdi {CAP}")), "{}", saved.body);

            let form = [("_version", version.to_string()), ("_handling", "lagre".into()), ("digitalt_tilsyn_brukere", huge.to_string())];
            let form: Vec<(&str, &str)> = form.iter().map(|(k, v)| (*k, v.as_str())).collect();
            let page = app.post_form(&format!("/rapportering/innleveringer/{id}"), &form).await;
            assert_eq!(page.status, StatusCode::UNPROCESSABLE_ENTITY, "{huge}");
            assert!(page.text().contains(&format!("{LABEL}: «{huge}» er større enn høyeste tillatte verdi 1 000 000 000")), "{}", page.text());
        }
        assert_eq!(app.get(&api).await.json()["version"], version, "nothing saved");
        let fine = json!({"version": version, "answers": {"digitalt_tilsyn_brukere": 1_000_000_000}, "submit": false});
        assert_eq!(app.send_json(Method::PUT, &api, &fine, Some(&token)).await.status, StatusCode::OK, "the cap itself is allowed");
    }

    async fn a_dhis2_value_beyond_the_cap_is_a_conflict(app) {
        app.login(ADMIN).await;
        let token = app.api_token().await;
        let round = app.db.run(|conn| {
            let r = samveis::reporting::store::rounds(conn)?.into_iter().find(|r| r.name == TECH).unwrap();
            Ok::<_, samveis::db::StoreError>(r.id)
        }).await.unwrap();
        let values = json!({"dataValues": [
            {"dataElement": "digitalt_tilsyn_bruk", "period": "2025", "orgUnit": "1804", "value": "I drift"},
            {"dataElement": "digitalt_tilsyn_brukere", "period": "2025", "orgUnit": "1804", "value": "9223372036854775807"},
        ]});
        let path = format!("/api/v1/dhis2/dataValueSets?round={round}");
        let refused = app.send_json(Method::POST, &path, &values, Some(&token)).await.json();
        assert_eq!(refused["status"], "ERROR", "{refused}");
        let conflicts = refused["conflicts"].as_array().unwrap();
        assert_eq!(conflicts.len(), 1, "{refused}");
        assert_eq!(conflicts[0]["object"], "1804/digitalt_tilsyn_brukere/2025", "{refused}");
        let reason = conflicts[0]["value"].as_str().unwrap();
        assert!(reason.contains(LABEL) && reason.contains(&format!("høyeste tillatte verdi {CAP}")), "{reason}");
    }

    async fn a_grant_amount_beyond_the_cap_is_refused(app) {
        let scheme = app.db.run(|conn| {
            let all = samveis::grants::store::schemes(conn)?;
            Ok::<_, samveis::db::StoreError>(all.into_iter().find(|s| s.name.contains("eksempelordning")).unwrap().id)
        }).await.unwrap();
        app.login(BODO).await;
        let started = app.post_form("/tilskudd/soknader/ny", &[("scheme", &scheme.to_string()), ("unit", "kommune:1804")]).await;
        let path = started.location.unwrap();
        for huge in ["100 000 000 001", "9223372036854775807"] {
            let bad = app.post_form(&path, &[("version", "1"), ("handling", "lagre"), ("applied", huge), ("purpose", "Sensorer")]).await;
            assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY, "{huge}: {}", bad.text());
            assert!(bad.text().contains(&format!("Søkt beløp: «{huge}» er større enn høyeste tillatte beløp 100 000 000 000 kr")), "{}", bad.text());
        }
        let fine = app.post_form(&path, &[("version", "1"), ("handling", "lagre"), ("applied", "100 000 000 000"), ("purpose", "Sensorer")]).await;
        assert_eq!(fine.status, StatusCode::SEE_OTHER, "{}", fine.text());
    }

    async fn a_refused_preview_is_not_kept_and_an_old_one_is_pruned(app) {
        let round = survey_round(&app).await;
        let start = chrono::NaiveDate::from_ymd_opt(2026, 3, 2).unwrap().and_hms_opt(9, 0, 0).unwrap();
        let app = app.fix_clock(start).await;
        app.login(ADMIN).await;
        let path = format!("/rapportering/runder/{round}/import");
        let stored = app.count("stored_files").await;
        let refused = app.post_file(&path, &[], "tom.csv", b"Respondent ID,Kommune\n").await;
        assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", refused.text());
        assert!(refused.text().contains("overskriftsradene"), "{}", refused.text());
        assert_eq!((import_references(&app).await, app.count("stored_files").await), (0, stored), "a refused preview is not kept");

        let first = app.post_file(&path, &[], "eksport.csv", &export()).await;
        assert!(first.text().contains("Hopp over rad 5"), "rows that can be skipped keep the preview: {}", first.text());
        assert_eq!((import_references(&app).await, app.count("stored_files").await), (1, stored + 1));
        // Sessions last 12 hours: log in again after each move of the clock.
        app.clock.set(start + chrono::Duration::hours(23));
        app.login(ADMIN).await;
        app.post_file(&path, &[], "samme.csv", &export()).await;
        assert_eq!((import_references(&app).await, app.count("stored_files").await), (2, stored + 1), "the same bytes, a second preview");
        app.clock.set(start + chrono::Duration::hours(25));
        app.login(ADMIN).await;
        let other: Vec<u8> = [export(), b"5,03/20/2020 02:15:23 PM,Bodo,,\n".to_vec()].concat();
        let third = app.post_file(&path, &[], "eksport3.csv", &other).await;
        assert_eq!(third.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!((import_references(&app).await, app.count("stored_files").await), (2, stored + 2), "the day-old preview is gone; bytes another preview uses stay");

        // A confirmed import keeps its source file, however old; the other preview goes.
        let file = third.attr("input[type=hidden][name=fil]", "value").unwrap();
        let done = app.post_form(&format!("{path}/bekreft"), &[("fil", &file), ("hopp", "5"), ("hopp", "7")]).await;
        assert_eq!(done.status, StatusCode::SEE_OTHER, "{}", done.text());
        app.clock.set(start + chrono::Duration::days(5));
        app.login(ADMIN).await;
        app.post_file(&path, &[], "tom.csv", b"Respondent ID,Kommune\n").await;
        assert_eq!((import_references(&app).await, app.count("stored_files").await), (1, stored + 1), "only the confirmed source is left");
        let old = first.attr("input[type=hidden][name=fil]", "value").unwrap();
        let gone = app.post_form(&format!("{path}/bekreft"), &[("fil", &old), ("hopp", "5")]).await;
        assert_eq!(gone.status, StatusCode::BAD_REQUEST, "{}", gone.text());
    }
}
