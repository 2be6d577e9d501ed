//! DHIS2 dataValueSets: the delivered answers of a round go out as data values, and values come
//! in with a dry run and a summary, all or nothing.

use crate::backends;
use crate::helpers::*;
use crate::reporting::submission_id;
use reqwest::StatusCode;

const TECH: &str = "Teknologistatus 2025";

backends! {
    async fn dhis2_data_value_sets_go_out_and_come_in(app) {
        app.login(ADMIN).await;
        let round = app.db.run(|conn| {
            let r = samveis::reporting::store::rounds(conn)?.into_iter().find(|r| r.name == TECH).unwrap();
            Ok::<_, samveis::db::StoreError>(r.id)
        }).await.unwrap();
        let out = app.get(&format!("/api/v1/dhis2/dataValueSets?round={round}")).await.json();
        let values = out["dataValues"].as_array().unwrap();
        assert!(values.len() > 300, "delivered answers of many municipalities");
        assert!(values.iter().all(|v| v["period"] == "2025" && v["orgUnit"].as_str().unwrap().len() == 4));
        assert!(!values.iter().any(|v| v["orgUnit"] == "1804"), "Bodø's draft is not exported");
        let csv = app.get(&format!("/api/v1/dhis2/dataValueSets?round={round}&format=csv")).await.body;
        assert!(csv.starts_with("dataelement,period,orgunit,categoryoptioncombo,attributeoptioncombo,value,storedby,lastupdated,comment,followup\n"));

        let token = app.api_token().await;
        let set = |values: serde_json::Value| serde_json::json!({"dataValues": values});
        let good = serde_json::json!([
            {"dataElement": "digitalt_tilsyn_bruk", "period": "2025", "orgUnit": "1804", "value": "I drift"},
            {"dataElement": "digitalt_tilsyn_brukere", "period": "2025", "orgUnit": "1804", "value": "42"},
        ]);
        let path = format!("/api/v1/dhis2/dataValueSets?round={round}");
        let dry = app.send_json(reqwest::Method::POST, &format!("{path}&dryRun=true"), &set(good.clone()), Some(&token)).await.json();
        assert_eq!((dry["imported"].as_u64(), dry["written"].as_bool()), (Some(2), Some(false)));
        let bad = serde_json::json!([
            {"dataElement": "digitalt_tilsyn_brukere", "period": "2024", "orgUnit": "1804", "value": "1"},
            {"dataElement": "finnes_ikke", "period": "2025", "orgUnit": "1804", "value": "1"},
            {"dataElement": "digitalt_tilsyn_brukere", "period": "2025", "orgUnit": "9999", "value": "1"},
            {"dataElement": "digitalt_tilsyn_brukere", "period": "2025", "orgUnit": "1804", "value": "mange"},
            {"dataElement": "digitalt_tilsyn_bruk", "period": "2025", "orgUnit": "1804", "value": "I drift"},
        ]);
        let unreadable = app.send_json(reqwest::Method::POST, &path, &serde_json::json!({"dataValues": 5}), Some(&token)).await;
        assert_eq!(unreadable.status, StatusCode::BAD_REQUEST);
        assert!(unreadable.body.contains("Datasettet kunne ikke leses"), "{}", unreadable.body);
        let refused = app.send_json(reqwest::Method::POST, &path, &set(bad), Some(&token)).await.json();
        assert_eq!(refused["written"], false);
        let reasons = refused["conflicts"].to_string();
        for needle in ["perioden «2024»", "«finnes_ikke» finnes ikke", "«9999» er ikke med i runden", "«mange»"] {
            assert!(reasons.contains(needle), "{needle} in {reasons}");
        }
        let done = app.send_json(reqwest::Method::POST, &path, &set(good.clone()), Some(&token)).await.json();
        assert_eq!((done["imported"].as_u64(), done["written"].as_bool()), (Some(2), Some(true)), "{done}");
        let again = app.send_json(reqwest::Method::POST, &path, &set(good), Some(&token)).await.json();
        assert_eq!(again["ignored"].as_u64(), Some(2));
        let id = submission_id(&app, TECH, "1804").await;
        let sub = app.get(&format!("/api/v1/submissions/{id}")).await.json();
        assert_eq!(sub["answers"]["digitalt_tilsyn_brukere"]["value"], 42, "{sub}");
        let audit = app.get(&format!("/admin/logg?type=innlevering&id={id}")).await;
        let fields = audit.select("dl.changes dt, dl.changes dd");
        assert!(audit.text().contains("importert fra DHIS2") && fields.windows(2).any(|w| w[0] == "Digitalt tilsyn brukere" && w[1] == "42"), "{fields:?}");

        // The batched write of an import takes only open submissions at the version read.
        let version = sub["version"].as_i64().unwrap();
        let written = app.db.run(move |conn| {
            let now = chrono::NaiveDate::from_ymd_opt(2026, 1, 1).unwrap().and_hms_opt(0, 0, 0).unwrap();
            let row = |version| samveis::reporting::store::OpenAnswers { id, version, answers: "{}".into() };
            let stale = samveis::reporting::store::update_open_answers(conn, &[row(version - 1)], now)?;
            let current = samveis::reporting::store::update_open_answers(conn, &[row(version)], now)?;
            Ok::<_, samveis::db::StoreError>((stale, current))
        }).await.unwrap();
        assert_eq!(written, (0, 1));
        // A delivered submission at its current version is not written either.
        let delivered = app.db.run(|conn| {
            let r = samveis::reporting::store::rounds(conn)?.into_iter().find(|r| r.name == TECH).unwrap();
            let s = samveis::reporting::store::submissions_of_round(conn, r.id)?.into_iter().find(|s| s.state.delivered()).unwrap();
            let now = chrono::NaiveDate::from_ymd_opt(2026, 1, 1).unwrap().and_hms_opt(0, 0, 0).unwrap();
            let row = samveis::reporting::store::OpenAnswers { id: s.id, version: s.version, answers: "{}".into() };
            samveis::reporting::store::update_open_answers(conn, &[row], now)
        }).await.unwrap();
        assert_eq!(delivered, 0);

        let bodo = app.other_browser();
        bodo.login(BODO).await;
        let token = bodo.api_token().await;
        let denied = bodo.send_json(reqwest::Method::POST, &path, &set(serde_json::json!([])), Some(&token)).await;
        assert_eq!(denied.status, StatusCode::FORBIDDEN);
    }
}
