//! Reporting: filling in, sending, reviewing and counting submissions, and opening rounds.

use crate::backends;
use crate::helpers::*;
use reqwest::StatusCode;

const TECH: &str = "Teknologistatus 2025";

/// The id of an org unit's submission in a round, straight from the store.
pub async fn submission_id(app: &TestApp, round: &str, org_id: &str) -> i64 {
    let (round, org) = (round.to_string(), org_id.to_string());
    app.db
        .run(move |conn| {
            let r = samveis::reporting::store::rounds(conn)?.into_iter().find(|r| r.name == round).unwrap();
            let s = samveis::reporting::store::submissions_of_round(conn, r.id)?;
            Ok::<_, samveis::db::StoreError>(s.into_iter().find(|s| s.org.id == org).unwrap().id)
        })
        .await
        .unwrap()
}

/// A complete technology status answer: every technology "I drift" with a few users.
pub fn full_answer(version: &str) -> Vec<(String, String)> {
    let mut fields = vec![("_version".to_string(), version.to_string()), ("_handling".into(), "send".into())];
    for t in [
        "trygghetsalarm_fast",
        "trygghetsalarm_mobil",
        "digitalt_tilsyn",
        "medisineringsstotte",
        "lokalisering",
        "dorlas",
        "hjemmeoppfolging",
        "videokonsultasjon",
        "annet",
    ] {
        fields.push((format!("{t}_bruk"), "I drift".into()));
        fields.push((format!("{t}_brukere"), "12".into()));
    }
    fields.push(("trygghetsalarm_fast_investering".into(), "1 447 130".into()));
    fields
}

pub async fn post_fields(app: &TestApp, path: &str, fields: &[(String, String)]) -> Page {
    let refs: Vec<(&str, &str)> = fields.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
    app.post_form(path, &refs).await
}

backends! {
    async fn a_municipality_fills_in_saves_and_sends_its_report(app) {
        app.login(BODO).await;
        let mine = app.get("/rapportering").await.text();
        assert!(mine.contains(TECH) && mine.contains("Utkast"), "{mine}");
        let id = submission_id(&app, TECH, "1804").await;
        let path = format!("/rapportering/innleveringer/{id}");
        let form = app.get(&path).await;
        assert_eq!(form.status, StatusCode::OK);
        let version = form.attr("input[name=_version]", "value").unwrap();
        // Bad values: named, nothing saved, what was typed stays.
        let bad = vec![("_version".to_string(), version.clone()), ("_handling".into(), "lagre".into()),
            ("trygghetsalarm_fast_brukere".into(), "mange".into()), ("dorlas_investering".into(), "-5".into())];
        let page = post_fields(&app, &path, &bad).await;
        assert_eq!(page.status, StatusCode::UNPROCESSABLE_ENTITY);
        let text = page.text();
        assert!(text.contains("«mange» er ikke et helt tall") && text.contains("«-5» er mindre enn minste tillatte verdi 0"), "{text}");
        assert_eq!(page.attr("#trygghetsalarm_fast_brukere", "value").as_deref(), Some("mange"));
        // A draft may be incomplete; sending it may not.
        let draft = vec![("_version".to_string(), version.clone()), ("_handling".into(), "lagre".into()), ("digitalt_tilsyn_brukere".into(), "40".into())];
        assert_eq!(post_fields(&app, &path, &draft).await.status, StatusCode::SEE_OTHER);
        let incomplete = vec![("_version".to_string(), (version.parse::<i64>().unwrap() + 1).to_string()), ("_handling".into(), "send".into())];
        let refused = post_fields(&app, &path, &incomplete).await;
        assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(refused.text().contains("Digitalt tilsyn: i bruk må fylles ut"));
        let sent = post_fields(&app, &path, &full_answer("2")).await;
        assert_eq!(sent.status, StatusCode::SEE_OTHER, "{}", sent.text());
        let shown = app.get(sent.location.as_deref().unwrap()).await.text();
        assert!(shown.contains("Besvarelsen er sendt inn") && shown.contains("Sendt inn") && shown.contains("1 447 130 kr"), "{shown}");
        let again = post_fields(&app, &path, &full_answer("3")).await;
        assert_eq!(again.status, StatusCode::BAD_REQUEST, "sent in is locked");
        app.login(ADMIN).await;
        let log = app.get(&format!("/admin/logg?type=innlevering&id={id}")).await.text();
        assert!(log.contains("sendt inn") && log.contains("lagret"), "{log}");
    }

    async fn another_municipality_never_sees_a_draft(app) {
        app.login(BODO).await;
        let fauske = submission_id(&app, TECH, "1841").await;
        assert_eq!(app.get(&format!("/rapportering/innleveringer/{fauske}")).await.status, StatusCode::FORBIDDEN);
        let post = post_fields(&app, &format!("/rapportering/innleveringer/{fauske}"), &full_answer("1")).await;
        assert_eq!(post.status, StatusCode::FORBIDDEN);
        let bodo = submission_id(&app, TECH, "1804").await;
        let officer = app.other_browser();
        officer.login(NORDLAND).await;
        assert_eq!(officer.get(&format!("/rapportering/innleveringer/{bodo}")).await.status, StatusCode::FORBIDDEN, "a draft is the municipality's own");
    }

    async fn the_county_returns_and_accepts_and_only_its_county(app) {
        app.login(BODO).await;
        let id = submission_id(&app, TECH, "1804").await;
        let path = format!("/rapportering/innleveringer/{id}");
        assert_eq!(post_fields(&app, &path, &full_answer("1")).await.status, StatusCode::SEE_OTHER);
        let agder = app.other_browser();
        agder.login(AGDER).await;
        assert_eq!(agder.get(&path).await.status, StatusCode::FORBIDDEN);
        let outside = agder.post_form(&format!("{path}/vurdering"), &[("handling", "godkjenn"), ("version", "2")]).await;
        assert_eq!(outside.status, StatusCode::FORBIDDEN);
        let officer = app.other_browser();
        officer.login(NORDLAND).await;
        let no_comment = officer.post_form(&format!("{path}/vurdering"), &[("handling", "returner"), ("kommentar", ""), ("version", "2")]).await;
        assert_eq!(no_comment.status, StatusCode::BAD_REQUEST);
        let returned = officer.post_form(&format!("{path}/vurdering"), &[("handling", "returner"), ("kommentar", "Mangler leverandør for GPS"), ("version", "2")]).await;
        assert_eq!(returned.status, StatusCode::SEE_OTHER);
        let seen = app.get(&path).await.text();
        assert!(seen.contains("Sendt tilbake: Mangler leverandør for GPS"), "{seen}");
        let mut fixed = full_answer("3");
        fixed.push(("lokalisering_leverandor".into(), "GPS-leverandør AS".into()));
        assert_eq!(post_fields(&app, &path, &fixed).await.status, StatusCode::SEE_OTHER);
        let accepted = officer.post_form(&format!("{path}/vurdering"), &[("handling", "godkjenn"), ("version", "4")]).await;
        assert_eq!(accepted.status, StatusCode::SEE_OTHER);
        assert!(app.get(&path).await.text().contains("Godkjent"));
        let reopened = officer.post_form(&format!("{path}/vurdering"), &[("handling", "gjenapne"), ("kommentar", "Feil antall"), ("version", "5")]).await;
        assert_eq!(reopened.status, StatusCode::SEE_OTHER);
    }

    async fn a_stale_save_is_refused(app) {
        app.login(BODO).await;
        let id = submission_id(&app, TECH, "1804").await;
        let path = format!("/rapportering/innleveringer/{id}");
        let first = vec![("_version".to_string(), "1".to_string()), ("_handling".into(), "lagre".into()), ("digitalt_tilsyn_brukere".into(), "40".into())];
        assert_eq!(post_fields(&app, &path, &first).await.status, StatusCode::SEE_OTHER);
        let stale = vec![("_version".to_string(), "1".to_string()), ("_handling".into(), "lagre".into()), ("digitalt_tilsyn_brukere".into(), "41".into())];
        let refused = post_fields(&app, &path, &stale).await;
        assert_eq!(refused.status, StatusCode::CONFLICT);
        assert!(refused.text().contains("Noen andre har lagret"));
        assert_eq!(refused.attr("#digitalt_tilsyn_brukere", "value").as_deref(), Some("41"), "keeps what was typed");
        assert!(app.get(&path).await.body.contains("value=\"40\""));
    }

    async fn the_admin_opens_a_round_for_a_county_and_sees_its_completeness(app) {
        app.login(ADMIN).await;
        let template = app.get("/rapportering/runder/ny").await.attr("#template_id option", "value").unwrap();
        let bad = app.post_form("/rapportering/runder/ny", &[("name", "Status Nordland"), ("template_id", &template), ("period", "2026S3"),
            ("deadline", "2026-12-15"), ("reviewer", "county"), ("audience", "fylke"), ("county", "18")]).await;
        assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(bad.text().contains("«2026S3» er ikke en gyldig periode"));
        assert_eq!(bad.attr("#name", "value").as_deref(), Some("Status Nordland"));
        let ok = app.post_form("/rapportering/runder/ny", &[("name", "Status Nordland"), ("template_id", &template), ("period", "2026S2"),
            ("deadline", "2026-12-15"), ("reviewer", "county"), ("audience", "fylke"), ("county", "18")]).await;
        assert_eq!(ok.status, StatusCode::SEE_OTHER, "{}", ok.text());
        let round = app.get(ok.location.as_deref().unwrap()).await;
        let text = round.text();
        assert!(text.contains("Levert 0 av 41"), "{text}");
        assert!(text.contains("2. halvår 2026"));
        let mine = app.other_browser();
        mine.login(BODO).await;
        assert!(mine.get("/rapportering").await.text().contains("Status Nordland"));
        let tech = app.get("/rapportering/runder").await.text();
        assert!(tech.contains(TECH) && tech.contains("Demodata"));
        // Every member municipality of chosen collaborations, each once.
        let salten = app.collaboration_id("RKK Salten").await.to_string();
        let none = app.post_form("/rapportering/runder/ny", &[("name", "M5 Salten"), ("template_id", &template), ("period", "2026"),
            ("deadline", "2026-12-10"), ("reviewer", "programme"), ("audience", "medlemmer")]).await;
        assert!(none.text().contains("Velg minst ett samarbeid."));
        assert_eq!(none.attr("#name", "value").as_deref(), Some("M5 Salten"));
        let members = app.post_form("/rapportering/runder/ny", &[("name", "M5 Salten"), ("template_id", &template), ("period", "2026"),
            ("deadline", "2026-12-10"), ("reviewer", "programme"), ("audience", "medlemmer"), ("samarbeid", &salten)]).await;
        assert_eq!(members.status, StatusCode::SEE_OTHER, "{}", members.text());
        let count = app.get(&format!("/api/v1/collaborations/{salten}")).await.json()["members"].as_array().unwrap().len();
        let round = app.get(members.location.as_deref().unwrap()).await.text();
        assert!(round.contains(&format!("Levert 0 av {count}")) && round.contains("Fauske") && round.contains("Meløy"), "{round}");
        assert!(!mine.get("/rapportering").await.text().contains("M5 Salten"), "Bodø is not a member of Salten");
        let by_collaboration = app.get(&format!("{}?etter=samarbeid", members.location.as_deref().unwrap())).await;
        let rows = by_collaboration.select("tbody tr");
        assert!(rows.iter().any(|r| r.contains("RKK Salten") && r.contains(&count.to_string())), "{rows:?}");
        assert!(rows.iter().any(|r| r.starts_with(&format!("Totalt {count} 0"))), "{rows:?}");
        let api = app.get(&format!("/api/v1/rounds/{}/completeness?by=samarbeid", members.location.as_deref().unwrap().rsplit('/').next().unwrap())).await;
        assert_eq!(api.status, StatusCode::OK, "{}", api.body);
        let forbidden = mine.post_form("/rapportering/runder/ny", &[("name", "x")]).await;
        assert_eq!(forbidden.status, StatusCode::FORBIDDEN);
    }

    async fn the_2020_survey_shows_the_published_shares(app) {
        app.login(VIEWER).await;
        let rounds = app.get("/rapportering/runder").await;
        let link = rounds.body.split("href=\"/rapportering/runder/").skip(1)
            .find(|part| part.contains("Spørreundersøkelse 17. mars 2020")).unwrap().split('"').next().unwrap().to_string();
        let results = app.get(&format!("/rapportering/runder/{link}/resultater")).await;
        assert_eq!(results.status, StatusCode::OK);
        let rows: Vec<String> = results.select("tbody tr").into_iter().map(|r| r.split_whitespace().collect::<Vec<_>>().join(" ")).collect();
        assert!(rows.iter().any(|r| r.starts_with("Har din kommune") && r.contains("Elektronisk medisineringsstøtte Alle 56 120 46,67 %")), "{rows:?}");
        assert!(rows.iter().any(|r| r.contains("E-læring for opplæring av helsepersonell Alle 77 120 64,17 %")), "{rows:?}");
        let by_size = app.get(&format!("/rapportering/runder/{link}/resultater?etter=storrelse")).await;
        assert!(by_size.text().contains("Mellomstor"));
        let bad = app.get(&format!("/rapportering/runder/{link}/resultater?etter=farge")).await;
        assert_eq!(bad.status, StatusCode::BAD_REQUEST);
        assert!(bad.text().contains("farge"));
    }

    async fn only_the_2020_survey_claims_the_published_figures(app) {
        app.login(VIEWER).await;
        let rounds = app.get("/rapportering/runder").await;
        let link = |name: &str| {
            rounds.body.split("href=\"/rapportering/runder/").skip(1)
                .find(|part| part.contains(name)).unwrap().split('"').next().unwrap().to_string()
        };
        let claim = "tallene for hele landet følger de publiserte resultatene";
        let survey = app.get(&format!("/rapportering/runder/{}/resultater", link("Spørreundersøkelse 17. mars 2020"))).await.text();
        assert!(survey.contains(claim), "{survey}");
        let status = app.get(&format!("/rapportering/runder/{}/resultater", link("Statusrapport høst 2021"))).await;
        assert_eq!(status.status, StatusCode::OK);
        let text = status.text();
        assert!(!text.contains(claim) && text.contains("svarene i denne runden er syntetiske"), "{text}");
    }

    async fn the_api_reads_and_writes_submissions_with_the_same_rules(app) {
        app.login(BODO).await;
        let token = app.api_token().await;
        let id = submission_id(&app, TECH, "1804").await;
        let mine = app.get(&format!("/api/v1/submissions/{id}")).await;
        assert_eq!(mine.status, StatusCode::OK);
        assert_eq!(mine.json()["state"], "draft");
        let bad = serde_json::json!({"version": 1, "answers": {"digitalt_tilsyn_brukere": "mange"}});
        let refused = app.send_json(reqwest::Method::PUT, &format!("/api/v1/submissions/{id}"), &bad, Some(&token)).await;
        assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(refused.json()["fields"][0]["field"], "digitalt_tilsyn_brukere");
        let good = serde_json::json!({"version": 1, "answers": {"digitalt_tilsyn_brukere": 40, "digitalt_tilsyn_bruk": "I drift"}});
        let saved = app.send_json(reqwest::Method::PUT, &format!("/api/v1/submissions/{id}"), &good, Some(&token)).await;
        assert_eq!(saved.status, StatusCode::OK, "{}", saved.body);
        assert_eq!(saved.json()["answers"]["digitalt_tilsyn_brukere"]["value"], 40);
        let fauske = submission_id(&app, TECH, "1841").await;
        let other = app.send_json(reqwest::Method::PUT, &format!("/api/v1/submissions/{fauske}"), &good, Some(&token)).await;
        assert_eq!(other.status, StatusCode::FORBIDDEN);
        let round = app.get(&format!("/api/v1/submissions/{id}")).await.json()["round_id"].as_i64().unwrap();
        let listed = app.get(&format!("/api/v1/submissions?round={round}")).await.json();
        assert_eq!(listed.as_array().unwrap().len(), 1, "a municipality sees only its own submission");
        let officer = app.other_browser();
        officer.login(NORDLAND).await;
        let completeness = officer.get(&format!("/api/v1/rounds/{round}/completeness?by=county")).await.json();
        let total = completeness.as_array().unwrap().last().unwrap().clone();
        assert_eq!(total["group"], "Totalt");
        assert_eq!(total["expected"], 357);
        let rounds = officer.get("/api/v1/rounds").await.json();
        assert!(rounds.as_array().unwrap().iter().any(|r| r["name"] == TECH && r["expected"] == 357));
    }

    async fn a_round_exports_as_csv_and_xlsx_with_norwegian_headers(app) {
        app.login(BODO).await;
        let id = submission_id(&app, TECH, "1804").await;
        let sent = post_fields(&app, &format!("/rapportering/innleveringer/{id}"), &full_answer("1")).await;
        assert_eq!(sent.status, StatusCode::SEE_OTHER);
        let round = app.get(&format!("/api/v1/submissions/{id}")).await.json()["round_id"].as_i64().unwrap();
        let officer = app.other_browser();
        officer.login(NORDLAND).await;
        let csv = officer.client.get(officer.url(&format!("/rapportering/runder/{round}/eksport.csv"))).send().await.unwrap();
        assert_eq!(csv.status(), StatusCode::OK);
        assert!(csv.headers()["content-disposition"].to_str().unwrap().contains(".csv"));
        let body = csv.text().await.unwrap();
        assert!(body.starts_with("\u{feff}Nummer;Navn;Tilstand;Sendt inn;Trygghetsalarm (fast): i bruk"), "{}", &body[..200]);
        let bodo = body.lines().find(|l| l.starts_with("1804;")).unwrap_or_else(|| panic!("Bodø in {body}"));
        assert!(bodo.contains(";Sendt inn;") && bodo.contains(";1447130;"), "{bodo}");
        assert!(body.lines().all(|l| !l.starts_with("4204;")), "Agder is outside Nordland's area");
        let xlsx = officer.client.get(officer.url(&format!("/rapportering/runder/{round}/eksport.xlsx"))).send().await.unwrap();
        assert_eq!(xlsx.status(), StatusCode::OK);
        let bytes = xlsx.bytes().await.unwrap().to_vec();
        use calamine::Reader;
        let mut book: calamine::Xlsx<_> = calamine::open_workbook_from_rs(std::io::Cursor::new(bytes)).unwrap();
        let sheet = book.worksheet_range_at(0).unwrap().unwrap();
        assert_eq!(sheet.get_value((0, 0)).unwrap().to_string(), "Nummer");
        let row = (0..sheet.height()).find(|r| sheet.get_value((*r as u32, 0)).map(|v| v.to_string()) == Some("1804".into())).unwrap();
        let header: Vec<String> = (0..sheet.width()).map(|c| sheet.get_value((0, c as u32)).unwrap().to_string()).collect();
        let col = header.iter().position(|h| h == "Trygghetsalarm (fast): investering i år (kr)").unwrap();
        assert_eq!(sheet.get_value((row as u32, col as u32)), Some(&calamine::Data::Float(1_447_130.0)));
        let bodo_browser = app.get(&format!("/rapportering/runder/{round}/eksport.csv")).await;
        assert_eq!(bodo_browser.status, StatusCode::FORBIDDEN, "municipal editors do not export rounds");
    }

    async fn a_county_reminds_only_its_own_municipalities(app) {
        app.login(NORDLAND).await;
        let id = submission_id(&app, TECH, "1804").await;
        let round = app.db.run(move |conn| samveis::reporting::store::submission(conn, id)).await.unwrap().unwrap().round_id;
        let sent = app.post_form(&format!("/rapportering/runder/{round}/paminnelse"), &[]).await;
        assert_eq!(sent.status, StatusCode::SEE_OTHER);
        let page = app.get(sent.location.as_deref().unwrap()).await.text();
        assert!(page.contains("1 påminnelse er lagt i utboksen"), "only Bodø has a user among Nordland's undelivered: {page}");
        assert!(page.contains("uten registrert mottaker"));
        assert_eq!(app.count("outbox").await, 1);
        let viewer = app.other_browser();
        viewer.login(VIEWER).await;
        assert_eq!(viewer.post_form(&format!("/rapportering/runder/{round}/paminnelse"), &[]).await.status, StatusCode::FORBIDDEN);
        app.login(ADMIN).await;
        let log = app.get(&format!("/admin/logg?type=runde&id={round}")).await.text();
        assert!(log.contains("påminnelse") && log.contains("Meldinger 1"), "{log}");
    }

    async fn an_unknown_stored_state_is_an_error_and_never_read_as_a_draft(app) {
        let id = submission_id(&app, TECH, "1804").await;
        app.db.run(move |conn| {
            use diesel::RunQueryDsl;
            diesel::sql_query(format!("UPDATE submissions SET state = 'lost' WHERE id = {id}")).execute(conn)?;
            Ok::<_, samveis::db::StoreError>(())
        }).await.unwrap();
        app.login(BODO).await;
        assert_eq!(app.get(&format!("/rapportering/innleveringer/{id}")).await.status, StatusCode::INTERNAL_SERVER_ERROR);
        assert_eq!(app.get("/rapportering").await.status, StatusCode::INTERNAL_SERVER_ERROR);
    }
}
