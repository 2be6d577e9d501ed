//! Importing a SurveyMonkey export in the browser: preview, skip rows on purpose, import.

use crate::backends;
use crate::helpers::*;
use reqwest::StatusCode;

const QUESTION: &str = "Har din kommune vurdert å ta i bruk følgende løsninger i forbindelse med pandemien?";

/// A SurveyMonkey CSV export: the two header rows, then one respondent per municipality given.
fn export_of(municipalities: &[&str]) -> Vec<u8> {
    let mut w = csv::Writer::from_writer(Vec::new());
    w.write_record(["Respondent ID", "Kommune", QUESTION]).unwrap();
    w.write_record(["", "Response", "Digitalt tilsyn"]).unwrap();
    for (i, m) in municipalities.iter().enumerate() {
        w.write_record([&(i + 1).to_string(), *m, "Digitalt tilsyn"]).unwrap();
    }
    w.into_inner().unwrap()
}

pub fn export() -> Vec<u8> {
    let rows = [
        vec!["Respondent ID", "End Date", "Kommune", QUESTION, ""],
        vec!["", "", "Response", "Digitalt tilsyn", "Løsning for sosial kontakt"],
        vec!["1", "03/20/2020 10:15:23 AM", "Bodø", "Digitalt tilsyn", ""],
        vec!["2", "03/20/2020 11:15:23 AM", "1841", "", "Løsning for sosial kontakt"],
        vec!["3", "03/20/2020 12:15:23 PM", "Bodo", "Digitalt tilsyn", ""],
        vec!["4", "03/20/2020 01:15:23 PM", "Vefsn kommune", "Digitalt tilsyn", "Løsning for sosial kontakt"],
    ];
    let mut w = csv::Writer::from_writer(Vec::new());
    for r in rows {
        w.write_record(r).unwrap();
    }
    w.into_inner().unwrap()
}

pub async fn survey_round(app: &TestApp) -> i64 {
    round_for(app, "Pandemi Nordland", samveis::reporting::Audience::County { layout: 2024, county: "18".into() }).await
}

async fn round_for(app: &TestApp, name: &str, audience: samveis::reporting::Audience) -> i64 {
    let now = chrono::Utc::now().naive_utc();
    let name = name.to_string();
    app.db
        .run(move |conn| {
            use samveis::reporting::{self, RoundSpec, store};
            let spec = RoundSpec {
                name,
                template_id: store::template_by_code(conn, "pandemilosninger_2020")?.unwrap().id,
                period: "2026".into(),
                deadline: "2026-12-31".into(),
                reviewer: reporting::REVIEWER_PROGRAMME.into(),
                audience,
                demo: false,
            };
            reporting::open_round(conn, &samveis::context::Ctx::system("test", now), &spec)
        })
        .await
        .unwrap()
}

/// Where each «Rad N:» of the problems stands in the page, to check they come in numeric order.
fn rows_in_order(text: &str, rows: &[usize]) -> bool {
    let at: Vec<usize> = rows.iter().map(|r| text.find(&format!("Rad {r}: «")).unwrap_or(usize::MAX)).collect();
    at.windows(2).all(|w| w[0] < w[1] && w[1] != usize::MAX)
}

backends! {
    async fn the_programme_office_previews_skips_and_imports(app) {
        let round = survey_round(&app).await;
        app.login(ADMIN).await;
        let path = format!("/rapportering/runder/{round}/import");
        assert!(app.get(&format!("/rapportering/runder/{round}")).await.body.contains(&path), "the round page links to the import");
        assert_eq!(app.get(&path).await.status, StatusCode::OK);

        let wrong = app.post_file(&path, &[], "svar.pdf", b"%PDF-1.4").await;
        assert_eq!(wrong.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(wrong.text().contains("«svar.pdf» er ikke en CSV- eller XLSX-fil"), "{}", wrong.text());

        let preview = app.post_file(&path, &[], "eksport.csv", &export()).await;
        assert_eq!(preview.status, StatusCode::UNPROCESSABLE_ENTITY);
        let text = preview.text();
        assert!(text.contains("Rad 5: «Bodo» er lest som Bodø (1804)"), "read without ø, where unambiguous: {text}");
        assert!(text.contains("Rad 5: Bodø har svart før, i rad 3") && text.contains("Ingenting er importert"), "{text}");
        assert!(app.get(&format!("/rapportering/runder/{round}")).await.text().contains("Levert 0 av 41"));

        let file = preview.attr("input[type=hidden][name=fil]", "value").unwrap();
        let refused = app.post_form(&format!("{path}/bekreft"), &[("fil", &file)]).await;
        assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY, "an unresolved row still stops it");
        let done = app.post_form(&format!("{path}/bekreft"), &[("fil", &file), ("hopp", "5")]).await;
        assert_eq!(done.status, StatusCode::SEE_OTHER, "{}", done.text());
        let round_page = app.get(done.location.as_deref().unwrap()).await.text();
        assert!(round_page.contains("3 svar er importert fra SurveyMonkey") && round_page.contains("Levert 3 av 41"), "{round_page}");
        let results = app.get(&format!("/rapportering/runder/{round}/resultater")).await.text();
        assert!(results.contains("Digitalt tilsyn Alle 2 3 66,67 %"), "{results}");

        let bodo = app.other_browser();
        bodo.login(BODO).await;
        assert_eq!(bodo.get(&path).await.status, StatusCode::FORBIDDEN);
        assert_eq!(bodo.post_form(&format!("{path}/bekreft"), &[("fil", &file)]).await.status, StatusCode::FORBIDDEN);
    }

    async fn names_and_older_numbers_are_read_and_each_refusal_says_why(app) {
        let chosen = ["1804", "1806", "1818", "1875", "3911", "5025", "5612"].map(String::from).to_vec();
        let audience = samveis::reporting::Audience::Municipalities { layout: 2024, numbers: chosen };
        let round = round_for(&app, "Pandemi utvalgte", audience).await;
        app.login(ADMIN).await;
        let path = format!("/rapportering/runder/{round}/import");
        let file = export_of(&[
            "5430", "Rosse", "Herøy (Nordland)", "Hábmer kommune", "1850", "Herøy", "Oslo", "Tjøme", "Tysfjord", "Bodo",
        ]);
        let preview = app.post_file(&path, &[], "eksport.csv", &file).await;
        assert_eq!(preview.status, StatusCode::UNPROCESSABLE_ENTITY);
        let text = preview.text();
        for expected in [
            "Rad 3: 5430 (2020) → 5612 (2024): Guovdageaidnu - Kautokeino er Guovdageaidnu-Kautokeino i 2024-inndelingen",
            "Rad 7: «1850» er ikke en kommune i runden: 1850 er Tysfjord i 2015-inndelingen, som ble delt: i 2024-inndelingen ligger den i Narvik (1806, Nordland) og Hamarøy (1875, Nordland); skriv kommunenummeret i 2024-inndelingen",
            "Rad 8: «Herøy» er navnet på flere kommuner i 2024-inndelingen: Herøy (1515, Møre og Romsdal) eller Herøy (1818, Nordland) (bare 1818 er med i runden)",
            "Rad 9: «Oslo» er ikke en kommune i runden: Oslo-Oslove (0301, Oslo) er ikke blant mottakerne av runden",
            "Rad 10: «Tjøme» er ikke en kommune i runden: Tjøme (0723) var en kommune i 2015-inndelingen og ligger i Færder (3911) i 2024-inndelingen; mente du Færder (3911)?",
            "Rad 11: «Tysfjord» er ikke en kommune i runden: Tysfjord (1850) var en kommune i 2015-inndelingen og ligger i flere kommuner i 2024-inndelingen",
            "Rad 12: «Bodo» er lest som Bodø (1804)",
        ] {
            assert!(text.contains(expected), "{expected}\n{text}");
        }
        assert!(rows_in_order(&text, &[7, 8, 9, 10, 11]), "rows in numeric order: {text}");
        let file_id = preview.attr("input[type=hidden][name=fil]", "value").unwrap();
        let mut form = vec![("fil", file_id.as_str())];
        form.extend(["7", "8", "9", "10", "11"].map(|r| ("hopp", r)));
        let done = app.post_form(&format!("{path}/bekreft"), &form).await;
        assert_eq!(done.status, StatusCode::SEE_OTHER, "{}", done.text());
        let round_page = app.get(done.location.as_deref().unwrap()).await.text();
        assert!(round_page.contains("5 svar er importert fra SurveyMonkey"), "{round_page}");
    }

    async fn an_import_into_a_round_with_answers_says_what_it_replaces_and_keeps(app) {
        let round = survey_round(&app).await;
        app.login(ADMIN).await;
        let path = format!("/rapportering/runder/{round}/import");
        let first = app.post_file(&path, &[], "eksport.csv", &export()).await;
        let file = first.attr("input[type=hidden][name=fil]", "value").unwrap();
        assert!(first.text().contains("Ingen av rundens 41 innleveringer har svar fra før: importen legger inn 3 nye svar"), "{}", first.text());
        let done = app.post_form(&format!("{path}/bekreft"), &[("fil", &file), ("hopp", "5")]).await;
        assert_eq!(done.status, StatusCode::SEE_OTHER, "{}", done.text());

        let narvik = crate::reporting::submission_id(&app, "Pandemi Nordland", "1806").await;
        let token = app.api_token().await;
        let api = format!("/api/v1/submissions/{narvik}");
        let version = app.get(&api).await.json()["version"].as_i64().unwrap();
        let draft = serde_json::json!({"version": version, "answers": {"losninger": ["Digitalt tilsyn"]}, "submit": false});
        let saved = app.send_json(reqwest::Method::PUT, &api, &draft, Some(&token)).await;
        assert_eq!(saved.status, StatusCode::OK, "{}", saved.body);

        let second = app.post_file(&path, &[], "eksport-2.csv", &export_of(&["Narvik", "Meløy", "Bodø"])).await;
        let text = second.text();
        for expected in [
            "Runden har svar fra før: 4 av 41 innleveringer har svar, 3 av dem levert (sendt inn eller godkjent). Levert svar endres aldri av en import.",
            "Importen erstatter svarene på spørsmålene i filen for 1 som har utkast eller er sendt tilbake: Narvik (1806). Svar de har på andre spørsmål, beholdes, og innleveringene sendes inn.",
            "3 med svar endres ikke av importen og beholdes som de er: Bodø (1804), Fauske-Fuosko (1841), Vefsn (1824).",
            "1 uten svar fra før får svarene fra filen.",
            "Rad 5: Bodø har allerede levert i runden (sendt inn)",
        ] {
            assert!(text.contains(expected), "{expected}\n{text}");
        }
        assert_eq!(app.get(&api).await.json()["version"], version + 1, "nothing written by the preview");
    }
}
