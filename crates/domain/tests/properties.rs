//! Property tests over the parsers that read what users and files send: the form-answer parser
//! and the survey import planner. Whatever the input, they return (never panic), and every error
//! names a field of the form or a row of the file. Run longer with `PROPTEST_CASES=100000`.

// A shipped template that does not load is a failed test with its message.
#![allow(clippy::expect_used)]

use proptest::prelude::*;
use samveis_domain::reporting::{FormTemplate, ImportExpected as Expected, RawAnswers, parse, plan_import};
use std::collections::BTreeSet;

const TEMPLATES: [&str; 8] = [
    include_str!("../../../data/templates/statusrapport.json"),
    include_str!("../../../data/templates/teknologistatus.json"),
    include_str!("../../../data/templates/milepael-m1-gevinster.json"),
    include_str!("../../../data/templates/milepael-m2.json"),
    include_str!("../../../data/templates/milepael-m3.json"),
    include_str!("../../../data/templates/milepael-m4.json"),
    include_str!("../../../data/templates/milepael-m5-tjenestemodell.json"),
    include_str!("../../../data/templates/pandemilosninger-2020.json"),
];

fn templates() -> Vec<FormTemplate> {
    TEMPLATES.iter().map(|t| serde_json::from_str(t).expect("a shipped template")).collect()
}

/// Text people and tools type: numbers of every size, Norwegian dates, decimal commas, Sami
/// letters, formulas, control characters and plain noise.
fn typed() -> impl Strategy<Value = String> {
    prop_oneof![
        any::<i64>().prop_map(|n| n.to_string()),
        "[0-9 ]{0,30}",
        "-?[0-9]{1,25}[,.][0-9]{0,5}",
        "[0-3]?[0-9]\\.[01]?[0-9]\\.[0-9]{2,5}",
        "[0-9]{4}-[0-9]{2}-[0-9]{2}",
        Just("Kárášjohka – Guovdageaidnu".to_string()),
        Just("=HYPERLINK(\"http://evil.example\")".to_string()),
        "\\PC{0,40}",
        any::<String>(),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 64, failure_persistence: None, ..ProptestConfig::default() })]

    #[test]
    fn the_answer_parser_never_panics_and_names_its_fields(which in 0usize..8, values in proptest::collection::vec(typed(), 1..400)) {
        let template = &templates()[which];
        let mut raw = RawAnswers::new();
        let names: Vec<String> = template.fields().map(|f| f.code.clone()).collect();
        for (i, value) in values.into_iter().enumerate() {
            let name = names[i % names.len()].clone();
            let key = if i % 7 == 0 { format!("{name}.{}.{}", i % 3, i % 4) } else { name };
            raw.entry(key).or_default().push(value);
        }
        if let Err(errors) = parse(template, &raw) {
            for e in errors {
                prop_assert!(names.iter().any(|n| e.field.starts_with(n.as_str())), "{} names no field", e.field);
                prop_assert!(!e.message.is_empty());
            }
        }
    }

    #[test]
    fn the_survey_planner_never_panics_and_names_rows(rows in proptest::collection::vec(proptest::collection::vec(typed(), 0..12), 0..40)) {
        let template = &templates()[7];
        let expected = vec![
            Expected { id: "1804".into(), name: "Bodø".into() },
            Expected { id: "5610".into(), name: "Kárášjohka-Karasjok".into() },
        ];
        let plan = plan_import(template, &rows, &expected, &BTreeSet::new());
        for p in &plan.problems {
            // Row 1 and 2 are the header rows, named even when the file lacks them.
            prop_assert!(p.row <= rows.len().max(2), "{p:?} outside the file of {} rows", rows.len());
            prop_assert!(!p.message.is_empty());
        }
    }
}
