//! DHIS2 dataValueSets: the delivered answers of a round go out as data values in DHIS2's own
//! forms (JSON, CSV; DHIS2 periods; collaborations by code), and values come in the same forms
//! with a dry run, an import strategy, id schemes and DHIS2's ImportSummary, all or nothing.

use crate::backends;
use crate::helpers::*;
use crate::reporting::submission_id;
use reqwest::StatusCode;
use serde_json::{Value, json};

const TECH: &str = "Teknologistatus 2025";
const M4: &str = "Milepæl 4: Kartlegging og tildeling";
const SURVEY: &str = "Spørreundersøkelse 17. mars 2020: løsninger under pandemien";
const SET: &str = "/api/v1/dhis2/dataValueSets";

async fn round_id(app: &TestApp, name: &str) -> i64 {
    let name = name.to_string();
    app.db
        .run(move |conn| {
            let r = samveis::reporting::store::rounds(conn)?.into_iter().find(|r| r.name == name).unwrap();
            Ok::<_, samveis::db::StoreError>(r.id)
        })
        .await
        .unwrap()
}

/// Posts a JSON set and returns the import summary (HTTP 200, as DHIS2 up to 2.35 answers).
async fn import(app: &TestApp, query: &str, set: &Value, token: &str) -> Value {
    let page = app.send_json(reqwest::Method::POST, &format!("{SET}?{query}"), set, Some(token)).await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.body);
    page.json()
}

fn counts(summary: &Value) -> [u64; 4] {
    let c = &summary["importCount"];
    ["imported", "updated", "ignored", "deleted"].map(|k| c[k].as_u64().unwrap_or(u64::MAX))
}

fn codes(summary: &Value) -> Vec<String> {
    let list = summary["conflicts"].as_array().unwrap();
    list.iter().map(|c| c["errorCode"].as_str().unwrap_or("").to_string()).collect()
}

fn good() -> Value {
    json!({"dataValues": [
        {"dataElement": "digitalt_tilsyn_bruk", "period": "2025", "orgUnit": "1804", "value": "I drift"},
        {"dataElement": "digitalt_tilsyn_brukere", "period": "2025", "orgUnit": "1804", "value": "42"},
    ]})
}

backends! {
    async fn dhis2_data_value_sets_go_out_as_dhis2_writes_them(app) {
        app.login(ADMIN).await;
        let round = round_id(&app, TECH).await;
        let out = app.get(&format!("{SET}?round={round}")).await.json();
        assert_eq!((out["dataSet"].as_str(), out["period"].as_str()), (Some(round.to_string().as_str()), Some("2025")));
        let values = out["dataValues"].as_array().unwrap();
        assert!(values.len() > 300, "delivered answers of many municipalities");
        assert!(values.iter().all(|v| v["period"] == "2025" && v["orgUnit"].as_str().unwrap().len() == 4));
        assert!(!values.iter().any(|v| v["orgUnit"] == "1804"), "Bodø's draft is not exported");
        let csv = app.get(&format!("{SET}?round={round}&format=csv")).await;
        assert!(csv.body.starts_with("dataelement,period,orgunit,categoryoptioncombo,attributeoptioncombo,value,storedby,lastupdated,comment,followup,deleted\n"), "{}", &csv.body[..200]);
        // DHIS2 clients ask for `dataValueSets.json` and `dataValueSets.csv`.
        assert_eq!(app.get(&format!("{SET}.json?round={round}")).await.json(), out);
        assert_eq!(app.get(&format!("{SET}.csv?round={round}")).await.body, csv.body);
        // DHIS2's own request for a data set names it by `dataSet`; names go out with idScheme=NAME.
        let named = app.get(&format!("{SET}?dataSet={round}&orgUnitIdScheme=NAME")).await.json();
        assert!(named["dataValues"].as_array().unwrap().iter().any(|v| v["orgUnit"] == "Kárášjohka-Karasjok"), "Sami names go out whole");
        let uid = app.get(&format!("{SET}?round={round}&idScheme=UID")).await;
        assert_eq!(uid.status, StatusCode::BAD_REQUEST);
        assert!(uid.body.contains("UID"), "{}", uid.body);
    }

    async fn dhis2_import_summary_is_dhis2s_and_its_counts_are_honest(app) {
        app.login(ADMIN).await;
        let round = round_id(&app, TECH).await;
        let token = app.api_token().await;
        let bad = json!({"dataValues": [
            {"dataElement": "digitalt_tilsyn_brukere", "period": "2024", "orgUnit": "1804", "value": "1"},
            {"dataElement": "digitalt_tilsyn_brukere", "period": "2025T1", "orgUnit": "1804", "value": "1"},
            {"dataElement": "finnes_ikke", "period": "2025", "orgUnit": "1804", "value": "1"},
            {"dataElement": "digitalt_tilsyn_brukere", "period": "2025", "orgUnit": "9999", "value": "1"},
            {"dataElement": "digitalt_tilsyn_brukere", "period": "2025", "orgUnit": "1804", "value": "mange"},
            {"dataElement": "trygghetsalarm_fast_bruk", "period": "2025", "orgUnit": "1804", "value": "Kanskje"},
            {"dataElement": "digitalt_tilsyn_bruk", "period": "2025", "orgUnit": "1804", "value": "I drift"},
        ]});
        let refused = import(&app, &format!("round={round}"), &bad, &token).await;
        assert_eq!(refused["status"], "ERROR", "{refused}");
        assert_eq!(counts(&refused), [0, 0, 7, 0], "a refused set imports nothing: {refused}");
        assert_eq!(codes(&refused), ["E7643", "E7611", "E7610", "E7612", "E7619", "E7621"], "{refused}");
        let reasons = refused["conflicts"].to_string();
        for needle in ["perioden «2024»", "«finnes_ikke» finnes ikke", "«9999» er ikke med i runden", "«mange»", "«Kanskje»"] {
            assert!(reasons.contains(needle), "{needle} in {reasons}");
        }
        assert!(refused["description"].as_str().unwrap().contains("ingenting er lagret"), "{refused}");

        let dry = import(&app, &format!("round={round}&dryRun=true"), &good(), &token).await;
        assert_eq!((dry["status"].as_str(), counts(&dry)), (Some("SUCCESS"), [2, 0, 0, 0]), "{dry}");
        assert!(dry["description"].as_str().unwrap().contains("Prøvekjøring"), "{dry}");
        let done = import(&app, &format!("round={round}"), &good(), &token).await;
        assert_eq!((done["status"].as_str(), counts(&done)), (Some("SUCCESS"), [2, 0, 0, 0]), "{done}");
        let again = import(&app, &format!("round={round}"), &good(), &token).await;
        assert_eq!(counts(&again), [0, 0, 2, 0], "the same values again change nothing: {again}");
        let unreadable = app.send_json(reqwest::Method::POST, &format!("{SET}?round={round}"), &json!({"dataValues": 5}), Some(&token)).await;
        assert_eq!(unreadable.status, StatusCode::BAD_REQUEST);
        assert!(unreadable.body.contains("Datasettet kunne ikke leses"), "{}", unreadable.body);
    }

    async fn dhis2_import_is_audited_and_takes_only_open_submissions_at_their_version(app) {
        app.login(ADMIN).await;
        let round = round_id(&app, TECH).await;
        let token = app.api_token().await;
        import(&app, &format!("round={round}"), &good(), &token).await;
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
            let s = samveis::reporting::store::submissions_of_round(conn, round)?.into_iter().find(|s| s.state.delivered()).unwrap();
            let row = samveis::reporting::store::OpenAnswers { id: s.id, version: s.version, answers: "{}".into() };
            let delivered = samveis::reporting::store::update_open_answers(conn, &[row], now)?;
            Ok::<_, samveis::db::StoreError>((stale, current, delivered))
        }).await.unwrap();
        assert_eq!(written, (0, 1, 0));

        let bodo = app.other_browser();
        bodo.login(BODO).await;
        let token = bodo.api_token().await;
        let denied = bodo.send_json(reqwest::Method::POST, &format!("{SET}?round={round}"), &json!({"dataValues": []}), Some(&token)).await;
        assert_eq!(denied.status, StatusCode::FORBIDDEN);
    }

    async fn dhis2_periods_are_dhis2_periods_or_the_round_is_refused_by_name(app) {
        app.login(ADMIN).await;
        let survey = round_id(&app, SURVEY).await;
        let refused = app.get(&format!("{SET}?round={survey}")).await;
        assert_eq!(refused.status, StatusCode::BAD_REQUEST, "{}", refused.body);
        for needle in [SURVEY, "17. mars – 24. mars 2020", "mandag til søndag"] {
            assert!(refused.body.contains(needle), "{needle} in {}", refused.body);
        }
        let token = app.api_token().await;
        let into = app.send_json(reqwest::Method::POST, &format!("{SET}?round={survey}&dryRun=true"), &json!({"dataValues": []}), Some(&token)).await;
        assert_eq!(into.status, StatusCode::BAD_REQUEST, "{}", into.body);
        let half = round_id(&app, "Statusrapport høst 2021").await;
        let out = app.get(&format!("{SET}?round={half}")).await.json();
        assert_eq!(out["period"], "2021S1");
    }

    async fn dhis2_collaborations_go_out_by_code_and_a_delivered_set_comes_back_as_conflicts(app) {
        app.login(ADMIN).await;
        let round = round_id(&app, M4).await;
        let out = app.get(&format!("{SET}?round={round}")).await.json();
        let values = out["dataValues"].as_array().unwrap();
        assert!(!values.is_empty());
        let org_units: std::collections::BTreeSet<&str> = values.iter().map(|v| v["orgUnit"].as_str().unwrap()).collect();
        let collaborations = app.get("/api/v1/collaborations").await.json();
        let known: Vec<&str> = collaborations.as_array().unwrap().iter().map(|c| c["code"].as_str().unwrap()).collect();
        assert!(org_units.iter().all(|o| known.contains(o) && o.bytes().any(|b| b.is_ascii_uppercase())), "{org_units:?} by code, not id");
        assert!(known.contains(&"RKK_SALTEN"), "{known:?}");
        // Several choices go out joined by «;», and come back the same.
        assert!(values.iter().any(|v| v["value"].as_str().unwrap().contains(';')), "a multiple choice with several ticked");

        let token = app.api_token().await;
        let back = import(&app, &format!("round={round}&dryRun=true"), &out, &token).await;
        assert_eq!(back["status"], "ERROR");
        assert_eq!(counts(&back), [0, 0, values.len() as u64, 0]);
        assert!(codes(&back).iter().all(|c| c == "E7642"), "only the delivered submissions are in the way: {back}");
    }

    async fn dhis2_csv_and_the_envelope_come_in_as_dhis2_sends_them(app) {
        app.login(ADMIN).await;
        let round = round_id(&app, TECH).await;
        let token = app.api_token().await;
        // DHIS2's CSV, without its header, in its column order, with the default combo.
        let csv = "digitalt_tilsyn_brukere,2025,1804,HllvX50cXC0,,17\ndigitalt_tilsyn_bruk,2025,1804,,,I drift\n";
        for content_type in ["text/csv", "application/csv"] {
            let dry = app.send_text(&format!("{SET}?round={round}&dryRun=true"), content_type, csv, &token).await;
            assert_eq!(counts(&dry.json()), [2, 0, 0, 0], "{content_type}: {}", dry.body);
        }
        let header = format!("dataelement,period,orgunit,categoryoptioncombo,attributeoptioncombo,value,storedby,lastupdated,comment,followup,deleted\n{csv}");
        let done = app.send_text(&format!("{SET}?round={round}"), "text/csv", &header, &token).await.json();
        assert_eq!((done["status"].as_str(), counts(&done)), (Some("SUCCESS"), [2, 0, 0, 0]), "{done}");
        // The envelope: dataSet names the round (no ?round=), period and orgUnit are the set's;
        // completeDate is not used, and the summary says so.
        let set = json!({"dataSet": round.to_string(), "period": "2025", "orgUnit": "1804", "completeDate": "2025-11-30",
            "dataValues": [{"dataElement": "digitalt_tilsyn_brukere", "value": 18}]});
        let warned = import(&app, "", &set, &token).await;
        assert_eq!((warned["status"].as_str(), counts(&warned)), (Some("WARNING"), [0, 1, 0, 0]), "{warned}");
        assert_eq!(warned["conflicts"][0]["object"], "completeDate", "{warned}");
        // DHIS2's query names the data set too (dhis2.py sends `?dataSet=`).
        assert_eq!(counts(&import(&app, &format!("dataSet={round}&dryRun=true"), &good(), &token).await), [0, 1, 1, 0]);
        let other = json!({"dataSet": "Gevinstrapport 2021", "dataValues": [{"dataElement": "digitalt_tilsyn_brukere", "period": "2025", "orgUnit": "1804", "value": 1}]});
        let refused = import(&app, &format!("round={round}"), &other, &token).await;
        assert_eq!(codes(&refused), ["E7600"], "{refused}");
        let combo = json!({"dataValues": [{"dataElement": "digitalt_tilsyn_brukere", "period": "2025", "orgUnit": "1804", "categoryOptionCombo": "Prlt0C1RF0s", "value": 1, "comment": "Sjekket"}]});
        assert_eq!(codes(&import(&app, &format!("round={round}"), &combo, &token).await), ["E7613"]);
        let xml = app.send_text(&format!("{SET}?round={round}"), "application/xml", "<dataValueSet/>", &token).await;
        assert_eq!(xml.status, StatusCode::BAD_REQUEST);
        let id = submission_id(&app, TECH, "1804").await;
        assert_eq!(app.get(&format!("/api/v1/submissions/{id}")).await.json()["answers"]["digitalt_tilsyn_brukere"]["value"], 18);
    }

    async fn dhis2_names_and_strategies_do_what_dhis2_says_and_no_more(app) {
        app.login(ADMIN).await;
        let round = round_id(&app, TECH).await;
        let token = app.api_token().await;
        let by_name = json!({"orgUnitIdScheme": "NAME", "dataValues": [
            {"dataElement": "digitalt_tilsyn_brukere", "period": "2025", "orgUnit": "Bodø", "value": "5"},
            {"dataElement": "digitalt_tilsyn_brukere", "period": "2025", "orgUnit": "Herøy", "value": "5"},
        ]});
        let refused = import(&app, &format!("round={round}&dryRun=true"), &by_name, &token).await;
        assert_eq!(codes(&refused), ["E7612"], "{refused}");
        assert!(refused["conflicts"][0]["value"].as_str().unwrap().contains("1515, 1818"), "{refused}");
        let element = elements_named(&app, round).await;
        let named = json!({"dataValues": [{"dataElement": element, "period": "2025", "orgUnit": "Bodø", "value": "5"}]});
        let dry = import(&app, &format!("round={round}&idScheme=NAME&dryRun=true"), &named, &token).await;
        assert_eq!((counts(&dry), dry["importOptions"]["idSchemes"]["orgUnitIdScheme"].as_str()), ([1, 0, 0, 0], Some("NAME")), "{dry}");
        let uid = app.send_json(reqwest::Method::POST, &format!("{SET}?round={round}&orgUnitIdScheme=UID"), &good(), Some(&token)).await;
        assert_eq!(uid.status, StatusCode::BAD_REQUEST);
        assert!(uid.body.contains("ingen DHIS2-UID"), "{}", uid.body);

        let path = |strategy: &str| format!("round={round}&importStrategy={strategy}");
        assert_eq!(counts(&import(&app, &path("UPDATE"), &good(), &token).await), [0, 0, 2, 0], "UPDATE adds nothing new");
        assert_eq!(counts(&import(&app, &path("CREATE"), &good(), &token).await), [2, 0, 0, 0]);
        let changed = json!({"dataValues": [{"dataElement": "digitalt_tilsyn_brukere", "period": "2025", "orgUnit": "1804", "value": "43"}]});
        assert_eq!(counts(&import(&app, &path("CREATE"), &changed, &token).await), [0, 0, 1, 0], "CREATE changes nothing there");
        assert_eq!(counts(&import(&app, &path("UPDATE"), &changed, &token).await), [0, 1, 0, 0]);
        assert_eq!(counts(&import(&app, &path("DELETE"), &changed, &token).await), [0, 0, 0, 1]);
        let id = submission_id(&app, TECH, "1804").await;
        let answers = app.get(&format!("/api/v1/submissions/{id}")).await.json()["answers"].clone();
        assert!(answers.get("digitalt_tilsyn_brukere").is_none() && answers.get("digitalt_tilsyn_bruk").is_some(), "{answers}");
        let unknown = app.send_json(reqwest::Method::POST, &format!("{SET}?{}", path("NEW_AND_UPDATES")), &good(), Some(&token)).await;
        assert_eq!(unknown.status, StatusCode::BAD_REQUEST);
        assert!(unknown.body.contains("CREATE_AND_UPDATE"), "{}", unknown.body);
    }
}

/// The name of the data element `digitalt_tilsyn_brukere` as the export gives it.
async fn elements_named(app: &TestApp, round: i64) -> String {
    let form = app
        .db
        .run(move |conn| {
            let r = samveis::reporting::store::round(conn, round)?.unwrap();
            Ok::<_, samveis::db::StoreError>(
                samveis::reporting::store::template(conn, r.template_id)?.unwrap().template,
            )
        })
        .await
        .unwrap();
    form.field("digitalt_tilsyn_brukere").unwrap().label.clone()
}
