//! Importing a SurveyMonkey export in the browser: preview, skip rows on purpose, import.

use crate::backends;
use crate::helpers::*;
use reqwest::StatusCode;

const QUESTION: &str = "Har din kommune vurdert å ta i bruk følgende løsninger i forbindelse med pandemien?";

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
    let now = chrono::Utc::now().naive_utc();
    app.db
        .run(move |conn| {
            use samveis::reporting::{self, Audience, RoundSpec, store};
            let spec = RoundSpec {
                name: "Pandemi Nordland".into(),
                template_id: store::template_by_code(conn, "pandemilosninger_2020")?.unwrap().id,
                period: "2026".into(),
                deadline: "2026-12-31".into(),
                reviewer: reporting::REVIEWER_PROGRAMME.into(),
                audience: Audience::County { layout: 2024, county: "18".into() },
                demo: false,
            };
            reporting::open_round(conn, &samveis::context::Ctx::system("test", now), &spec)
        })
        .await
        .unwrap()
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
        assert!(text.contains("Rad 5: «Bodo» er ikke en kommune i runden") && text.contains("Ingenting er importert"), "{text}");
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
}
