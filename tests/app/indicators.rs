//! Indicators: definitions as data, computed live from delivered reports and the ledger, the
//! same figures on the page, in the exports and in the open API.

use crate::backends;
use crate::helpers::*;
use crate::reporting::{full_answer, post_fields, submission_id};
use reqwest::StatusCode;

const USERS: &str = "/api/v1/indikatorer/digitalt_tilsyn_brukere?periode=2025";

fn row_value(json: &serde_json::Value, key: &str) -> Option<f64> {
    json["rows"].as_array().unwrap().iter().find(|r| r["key"] == key).and_then(|r| r["value"].as_f64())
}

backends! {
    async fn a_sent_report_counts_at_once_and_a_returned_one_stops_counting(app) {
        let public = app.other_browser();
        let listed = public.get("/api/v1/indikatorer").await.json();
        assert!(listed.as_array().unwrap().iter().any(|i| i["code"] == "digitalt_tilsyn_i_drift"), "{listed}");
        // One row per municipality is each one's own answer: for those who follow the reporting.
        assert_eq!(public.get(&format!("{USERS}&niva=kommune")).await.status, StatusCode::UNAUTHORIZED);
        let viewer = app.other_browser();
        viewer.login(VIEWER).await;
        let nordland_before = row_value(&public.get(&format!("{USERS}&niva=fylke")).await.json(), "18").unwrap_or(0.0);

        // A draft with figures in it does not count.
        app.login(BODO).await;
        let id = submission_id(&app, "Teknologistatus 2025", "1804").await;
        let mut draft = full_answer("1");
        draft[1].1 = "lagre".into();
        let saved = post_fields(&app, &format!("/rapportering/innleveringer/{id}"), &draft).await;
        assert_eq!(saved.status, StatusCode::SEE_OTHER, "{}", saved.text());
        let before = viewer.get(&format!("{USERS}&niva=kommune")).await.json();
        assert_eq!(row_value(&before, "1804"), None, "Bodø's draft does not count");
        assert_eq!(row_value(&public.get(&format!("{USERS}&niva=fylke")).await.json(), "18").unwrap_or(0.0), nordland_before);
        let sent = post_fields(&app, &format!("/rapportering/innleveringer/{id}"), &full_answer("2")).await;
        assert_eq!(sent.status, StatusCode::SEE_OTHER, "{}", sent.text());
        let after = viewer.get(&format!("{USERS}&niva=kommune")).await.json();
        assert_eq!(row_value(&after, "1804"), Some(12.0));
        assert_eq!(after["total"]["value"].as_f64(), before["total"]["value"].as_f64().map(|v| v + 12.0));
        let nordland = row_value(&public.get(&format!("{USERS}&niva=fylke")).await.json(), "18");
        assert_eq!(nordland, Some(nordland_before + 12.0));

        let officer = app.other_browser();
        officer.login(NORDLAND).await;
        let path = format!("/rapportering/innleveringer/{id}/vurdering");
        let returned = officer.post_form(&path, &[("handling", "returner"), ("kommentar", "Mangler leverandør"), ("version", "3")]).await;
        assert_eq!(returned.status, StatusCode::SEE_OTHER, "{}", returned.text());
        assert_eq!(row_value(&viewer.get(&format!("{USERS}&niva=kommune")).await.json(), "1804"), None);

        let page = public.get("/innsikt/indikatorer/digitalt_tilsyn_i_drift?niva=fylke&periode=2025").await;
        assert_eq!(page.status, StatusCode::OK);
        let text = page.text();
        assert!(text.contains("Andelen enheter med verdien «I drift»") && text.contains("Nordland"), "{text}");
        assert!(page.body.contains("<svg class=\"chart\"") && page.body.contains("<title id=\"indikator-title\">"));
        assert_eq!(page.select("tbody tr").len(), 15, "every 2024 county, also those without values");
    }

    async fn older_layouts_are_reached_through_code_transitions_and_say_so(app) {
        let json = app.get("/api/v1/indikatorer/digitalt_tilsyn_brukere?niva=fylke&periode=2025&inndeling=2015").await.json();
        assert_eq!(json["layout"], 2015);
        assert!(json["mapped"].as_u64().unwrap() > 200, "{}", json["mapped"]);
        assert!(json["unplaced"].as_u64().unwrap() > 0, "municipalities merged in 2020 cannot be split back");
        assert_eq!(json["rows"].as_array().unwrap().len(), 19, "the 19 counties of 2015");
        let page = app.get("/innsikt/indikatorer/digitalt_tilsyn_brukere?niva=fylke&periode=2025&inndeling=2015").await.text();
        assert!(page.contains("er ført over til 2015-inndelingen med kodeovergangene") && page.contains("kunne ikke plasseres"), "{page}");
        assert!(!app.get("/innsikt/indikatorer/digitalt_tilsyn_brukere").await.body.contains("value=\"kommune\""), "only the levels one may see are offered");
        let bad = app.get("/api/v1/indikatorer/digitalt_tilsyn_brukere?periode=2025X").await;
        assert_eq!(bad.status, StatusCode::BAD_REQUEST);
        assert!(bad.text().contains("2025X"), "{}", bad.text());
        assert_eq!(app.get("/api/v1/indikatorer/finnes_ikke").await.status, StatusCode::NOT_FOUND);
        let granted = app.get("/api/v1/indikatorer/tilskudd_granted?niva=fylke&periode=2023").await.json();
        assert!(granted["total"]["value"].as_f64().unwrap() > 0.0, "county networks' grants count at county level: {granted}");
    }

    async fn exports_carry_the_same_figures(app) {
        let q = "niva=fylke&periode=2025";
        let api = app.get(&format!("/api/v1/indikatorer/digitalt_tilsyn_brukere?{q}")).await.json();
        let nordland = row_value(&api, "18").unwrap();
        let csv = app.get_bytes(&format!("/innsikt/indikatorer/digitalt_tilsyn_brukere/indikator.csv?{q}")).await;
        assert!(csv.starts_with(b"\xEF\xBB\xBF"), "a BOM so Excel reads æøå");
        let csv = String::from_utf8(csv).unwrap();
        let line = csv.lines().find(|l| l.starts_with("18;Nordland;")).unwrap_or_else(|| panic!("{csv}"));
        assert!(line.starts_with(&format!("18;Nordland;{}", nordland as i64)), "{line}");
        assert_eq!(csv.lines().count(), 1 + 15 + 1, "header, counties, the nation");
        let xlsx = app.get_bytes(&format!("/innsikt/indikatorer/digitalt_tilsyn_brukere/indikator.xlsx?{q}")).await;
        use calamine::Reader;
        let mut book: calamine::Xlsx<_> = calamine::open_workbook_from_rs(std::io::Cursor::new(xlsx)).unwrap();
        let sheet = book.worksheet_range_at(0).unwrap().unwrap();
        let nordland_row = sheet.rows().find(|r| r[0] == "18").unwrap();
        use calamine::DataType;
        assert_eq!(nordland_row[2].get_float(), Some(nordland));
    }

    async fn the_programme_office_adds_an_indicator_without_a_release(app) {
        app.login(ADMIN).await;
        let form = app.get("/innsikt/indikatorer/ny").await;
        assert_eq!(form.status, StatusCode::OK);
        let mut fields = vec![
            ("code", "gps_i_utproving"), ("name", "GPS i utprøving"), ("description", "Kommuner som prøver ut GPS."),
            ("source", "field"), ("form", "teknologistatus"), ("element", "lokalisering_bruk"), ("entry_kind", ""),
            ("aggregation", "share"), ("over_time", "latest"), ("matches", ""), ("unit", "count"),
        ];
        let mut typo = fields.clone();
        typo[5] = ("element", "lokaliserng_bruk");
        typo[9] = ("matches", "Utprøving");
        let unknown = app.post_form("/innsikt/indikatorer/ny", &typo).await;
        assert_eq!(unknown.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(unknown.text().contains("har ikke feltet «lokaliserng_bruk»"), "{}", unknown.text());
        let refused = app.post_form("/innsikt/indikatorer/ny", &fields).await;
        assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(refused.text().contains("Andel trenger en verdi å telle"), "{}", refused.text());
        assert_eq!(refused.attr("#name", "value").as_deref(), Some("GPS i utprøving"), "what was typed stays");
        fields[9] = ("matches", "Utprøving");
        let saved = app.post_form("/innsikt/indikatorer/ny", &fields).await;
        assert_eq!(saved.status, StatusCode::SEE_OTHER, "{}", saved.text());
        let json = app.get("/api/v1/indikatorer/gps_i_utproving?niva=land&periode=2025").await.json();
        let total = &json["total"];
        assert!(total["denominator"].as_i64().unwrap() > 0 && total["value_text"].as_str().unwrap().ends_with('%'), "{json}");
        let again = app.post_form("/innsikt/indikatorer/ny", &fields).await;
        assert_eq!(again.status, StatusCode::CONFLICT, "the code is taken");
        // A change with a stale version is refused; the audit trail has both.
        let edit = app.get("/innsikt/indikatorer/gps_i_utproving/rediger").await;
        let version = edit.attr("input[name=version]", "value").unwrap();
        let mut changed = fields.clone();
        changed[1] = ("name", "GPS under utprøving");
        changed.push(("version", &version));
        assert_eq!(app.post_form("/innsikt/indikatorer/gps_i_utproving/rediger", &changed).await.status, StatusCode::SEE_OTHER);
        let renamed = app.get("/api/v1/indikatorer/gps_i_utproving?niva=land&periode=2025").await.json();
        assert_eq!(renamed["indicator"]["name"], "GPS under utprøving", "a changed definition shows at once");
        assert_eq!(app.post_form("/innsikt/indikatorer/gps_i_utproving/rediger", &changed).await.status, StatusCode::CONFLICT);
        let log = app.get("/admin/logg?type=indikator").await.text();
        assert!(log.contains("gps_i_utproving") && log.contains("GPS under utprøving"), "{log}");

        let municipality = app.other_browser();
        municipality.login(BODO).await;
        assert_eq!(municipality.get("/innsikt/indikatorer/ny").await.status, StatusCode::FORBIDDEN);
        assert_eq!(municipality.post_form("/innsikt/indikatorer/ny", &fields).await.status, StatusCode::FORBIDDEN);
        let county = app.other_browser();
        county.login(NORDLAND).await;
        assert_eq!(county.get("/innsikt/indikatorer/gps_i_utproving/rediger").await.status, StatusCode::FORBIDDEN);
    }
}
