//! Property tests over the readers of files people send, run against the real store: the
//! historic-grants CSV (checked row by row against the registry, dry run) and the SurveyMonkey
//! sheet reader. Whatever the text, they return without a panic, and every problem names a row of
//! the file; a DHIS2 data value set of any shape is answered, never with a 500. Run longer with
//! `PROPTEST_CASES=10000`.

use crate::backends;
use crate::helpers::*;
use proptest::prelude::*;
use proptest::strategy::ValueTree;
use proptest::test_runner::{Config, TestRunner};
use samveis::context::Ctx;

const HEADER: &str = "scheme_id,year,recipient,granted_nok,target_figures_text,applied_nok,decided_on,reference";

fn cell() -> impl Strategy<Value = String> {
    prop_oneof![
        Just(String::new()),
        Just("1".to_string()),
        Just("2015".to_string()),
        Just("Kárášjohka-Karasjok".to_string()),
        Just("1804".to_string()),
        Just("\"Bodø, kommune\"".to_string()),
        any::<i64>().prop_map(|n| n.to_string()),
        "[0-9]{1,3}( [0-9]{3}){0,4}",
        "[0-3][0-9]\\.[01][0-9]\\.20[0-9]{2}",
        "\\PC{0,20}",
    ]
}

/// A CSV text: sometimes with the real header, rows of any length, either separator.
fn csv_text() -> impl Strategy<Value = String> {
    (any::<bool>(), any::<bool>(), proptest::collection::vec(proptest::collection::vec(cell(), 0..10), 0..12)).prop_map(
        |(header, semicolon, rows)| {
            let sep = if semicolon { ";" } else { "," };
            let mut lines: Vec<String> = Vec::new();
            if header {
                lines.push(HEADER.replace(',', sep));
            }
            lines.extend(rows.iter().map(|r| r.join(sep)));
            lines.join("\n")
        },
    )
}

fn config() -> Config {
    Config { cases: 48, failure_persistence: None, ..Config::default() }
}

backends! {
    async fn the_historic_grants_reader_never_panics_and_names_rows(app) {
        let db = app.db.clone();
        tokio::task::spawn_blocking(move || {
            let mut runner = TestRunner::new(config());
            runner.run(&csv_text(), |text| {
                let lines = text.lines().count().max(1);
                let now = chrono::NaiveDate::from_ymd_opt(2026, 12, 3).unwrap().and_hms_opt(8, 0, 0).unwrap();
                let ctx = Ctx::system("egenskapstest", now);
                let result = db.run_blocking(|conn| samveis::grants::import::historic_file(conn, &ctx, &text, true));
                let Ok(outcome) = result else { return Err(TestCaseError::fail(format!("store error for {text:?}"))) };
                if let Err(problems) = outcome {
                    for p in problems {
                        prop_assert!(p.row >= 1 && p.row <= lines + 1, "row {} of {lines}: {}", p.row, p.message);
                        prop_assert!(!p.message.is_empty());
                    }
                }
                Ok(())
            }).unwrap();
        }).await.unwrap();
    }

    async fn the_survey_sheet_reader_never_panics_and_names_rows(_app) {
        let mut runner = TestRunner::new(config());
        runner.run(&(csv_text(), proptest::collection::vec(any::<u8>(), 0..64)), |(text, noise)| {
            let _ = samveis::reporting::import::rows_of("svar.xlsx", &noise);
            let mut bytes = text.into_bytes();
            bytes.extend_from_slice(&noise);
            match samveis::reporting::import::rows_of("svar.csv", &bytes) {
                Ok(rows) => prop_assert!(rows.len() <= bytes.len() + 1),
                Err(e) => {
                    let message = e.to_string();
                    prop_assert!(message.contains("svar.csv"), "{message}");
                }
            }
            Ok(())
        }).unwrap();
    }

    async fn a_dhis2_set_of_any_shape_is_answered_never_with_500(app) {
        app.login(ADMIN).await;
        let token = app.api_token().await;
        let rounds = app.get("/api/v1/rounds").await.json();
        let round = rounds.as_array().unwrap().iter().find(|r| r["name"] == "Teknologistatus 2025").unwrap()["id"].clone();
        let value = (cell(), cell(), cell(), cell(), any::<bool>()).prop_map(|(element, value, org, period, nested)| {
            let v = serde_json::json!({"dataElement": element, "value": value, "orgUnit": org, "period": period});
            if nested { serde_json::json!({"dataValues": [v.clone(), v]}) } else { v }
        });
        let mut runner = TestRunner::new(config());
        for _ in 0..config().cases {
            let body = value.new_tree(&mut runner).unwrap().current();
            let path = format!("/api/v1/dhis2/dataValueSets?round={round}&dryRun=true");
            let answer = app.send_json(reqwest::Method::POST, &path, &body, Some(&token)).await;
            assert!(answer.status.as_u16() < 500, "{} for {body}: {}", answer.status, answer.body);
        }
    }
}
