//! Importing a SurveyMonkey export into a survey round. The export has two header rows: the
//! first names the question (only above the first column of a question), the second names the
//! option of a multiple-choice column ("Response" for one-answer columns). Each later row is one
//! respondent. Rows are matched to the round's org units by number or name; what cannot be
//! matched or read is listed by row, and the caller imports nothing until each is resolved or
//! explicitly skipped.

use super::answers::{RawAnswers, parse};
use super::template::{FieldKind, FormTemplate};
use std::collections::BTreeSet;

/// An org unit the round expects, as the importer may match it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Expected {
    pub id: String,
    pub name: String,
}

/// A respondent row ready to import (row numbers count from 1, as in a spreadsheet).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImportRow {
    pub row: usize,
    pub org_id: String,
    pub raw: RawAnswers,
    /// The respondent's "End Date" as written in the export, if any.
    pub ended: String,
}

/// Something that stops the import, named by row (0 for the header).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImportProblem {
    pub row: usize,
    pub message: String,
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ImportPlan {
    pub rows: Vec<ImportRow>,
    pub problems: Vec<ImportProblem>,
    /// Columns the importer did not use (e.g. "Other (please specify)"), for the report.
    pub ignored_columns: Vec<String>,
}

fn norm(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ").to_lowercase()
}

/// Drops a trailing " kommune" / " kommune (…)" so "Bodø kommune" matches "Bodø".
fn municipality_name(text: &str) -> String {
    let n = norm(text);
    n.strip_suffix(" kommune").map(str::to_string).unwrap_or(n)
}

/// What one column holds.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Column {
    Org,
    Ended,
    /// The whole answer to a field (one-answer question).
    Field(String),
    /// One option of a multiple-choice field.
    Option {
        field: String,
        option: String,
    },
    Ignored,
}

fn is_org_header(text: &str) -> bool {
    let n = norm(text);
    n.contains("kommune") || n == "custom data 1" || n == "custom data"
}

/// Reads the two header rows into a meaning per column.
fn columns(template: &FormTemplate, first: &[String], second: &[String], plan: &mut ImportPlan) -> Vec<Column> {
    let width = first.len().max(second.len());
    let mut out = Vec::with_capacity(width);
    let mut question = String::new();
    let mut org_found = false;
    for i in 0..width {
        let head = first.get(i).map(|s| s.trim()).unwrap_or_default();
        if !head.is_empty() {
            question = head.to_string();
        }
        let sub = second.get(i).map(|s| s.trim()).unwrap_or_default();
        let field = template.fields().find(|f| norm(&f.label) == norm(&question) || f.code == question);
        let column = match field {
            Some(f) => match &f.kind {
                FieldKind::MultipleChoice { options } => match options.iter().find(|o| norm(o) == norm(sub)) {
                    Some(o) => Column::Option { field: f.code.clone(), option: o.clone() },
                    None => Column::Ignored,
                },
                _ => Column::Field(f.code.clone()),
            },
            None if norm(&question) == "end date" => Column::Ended,
            None if !org_found && is_org_header(&question) => {
                org_found = true;
                Column::Org
            }
            None => Column::Ignored,
        };
        if column == Column::Ignored {
            let name =
                if sub.is_empty() || norm(sub) == "response" { question.clone() } else { format!("{question}: {sub}") };
            if !name.is_empty() {
                plan.ignored_columns.push(name);
            }
        }
        out.push(column);
    }
    if !org_found {
        plan.problems.push(ImportProblem {
            row: 1,
            message: "fant ingen kolonne som sier hvilken kommune som svarer (en overskrift med «kommune», eller Custom Data 1)".into(),
        });
    }
    let found: BTreeSet<&str> = out
        .iter()
        .filter_map(|c| match c {
            Column::Field(f) | Column::Option { field: f, .. } => Some(f.as_str()),
            _ => None,
        })
        .collect();
    if found.is_empty() {
        plan.problems.push(ImportProblem {
            row: 1,
            message: "ingen spørsmål i filen har samme tekst som et felt i rundens skjema".into(),
        });
    }
    out
}

fn find_org<'a>(expected: &'a [Expected], value: &str) -> Option<&'a Expected> {
    let v = value.trim();
    if v.is_empty() {
        return None;
    }
    let padded = if v.len() == 3 && v.bytes().all(|b| b.is_ascii_digit()) { format!("0{v}") } else { v.to_string() };
    expected.iter().find(|e| e.id == padded).or_else(|| {
        let name = municipality_name(v);
        // "Fauske - Fuossko": the Norwegian and the Sami name each match.
        expected.iter().find(|e| {
            municipality_name(&e.name) == name || e.name.split(" - ").any(|part| municipality_name(part) == name)
        })
    })
}

/// Plans the import of `rows` (the whole sheet, header rows first) into a round that expects
/// `expected`, whose form is `template`.
pub fn plan_import(template: &FormTemplate, rows: &[Vec<String>], expected: &[Expected]) -> ImportPlan {
    let mut plan = ImportPlan::default();
    if rows.len() < 2 {
        plan.problems.push(ImportProblem { row: 0, message: "filen mangler de to overskriftsradene".into() });
        return plan;
    }
    let columns = columns(template, &rows[0], &rows[1], &mut plan);
    if !plan.problems.is_empty() {
        return plan;
    }
    let mut seen: Vec<(String, usize)> = Vec::new();
    for (i, cells) in rows.iter().enumerate().skip(2) {
        let row = i + 1;
        if cells.iter().all(|c| c.trim().is_empty()) {
            continue;
        }
        let mut raw = RawAnswers::new();
        let (mut org, mut ended) = (String::new(), String::new());
        for (column, cell) in columns.iter().zip(cells) {
            let cell = cell.trim();
            match column {
                Column::Org => org = cell.to_string(),
                Column::Ended => ended = cell.to_string(),
                Column::Field(f) if !cell.is_empty() => raw.entry(f.clone()).or_default().push(cell.to_string()),
                Column::Option { field, option } if !cell.is_empty() => {
                    raw.entry(field.clone()).or_default().push(option.clone())
                }
                _ => {}
            }
        }
        let Some(unit) = find_org(expected, &org) else {
            let message = if org.is_empty() {
                "kommunen er ikke oppgitt".to_string()
            } else {
                format!("«{org}» er ikke en kommune i runden")
            };
            plan.problems.push(ImportProblem { row, message });
            continue;
        };
        if let Some((_, first)) = seen.iter().find(|(id, _)| *id == unit.id) {
            plan.problems.push(ImportProblem { row, message: format!("{} har svart før, i rad {first}", unit.name) });
            continue;
        }
        seen.push((unit.id.clone(), row));
        // Choice answers are matched without regard to case; the form wants the exact option.
        for f in template.fields() {
            if let (FieldKind::SingleChoice { options }, Some(values)) = (&f.kind, raw.get_mut(&f.code)) {
                for v in values.iter_mut() {
                    if let Some(o) = options.iter().find(|o| norm(o) == norm(v)) {
                        *v = o.clone();
                    }
                }
            }
        }
        if let Err(errors) = parse(template, &raw) {
            for e in errors {
                plan.problems.push(ImportProblem { row, message: format!("{}: {}", unit.name, e.message) });
            }
            continue;
        }
        plan.rows.push(ImportRow { row, org_id: unit.id.clone(), raw, ended });
    }
    plan
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::reporting::template::{Field, Section};

    fn survey() -> FormTemplate {
        let field = |code: &str, label: &str, kind| Field {
            code: code.into(),
            label: label.into(),
            help: String::new(),
            required: false,
            min: None,
            max: None,
            kind,
        };
        FormTemplate {
            code: "s".into(),
            name: "S".into(),
            description: String::new(),
            sections: vec![Section {
                title: "S".into(),
                help: String::new(),
                fields: vec![
                    field(
                        "losninger",
                        "Har din kommune vurdert følgende løsninger?",
                        FieldKind::MultipleChoice {
                            options: vec!["Digitalt tilsyn".into(), "Videokonsultasjon".into()],
                        },
                    ),
                    field(
                        "status",
                        "Status",
                        FieldKind::SingleChoice { options: vec!["I drift".into(), "Utprøving".into()] },
                    ),
                ],
            }],
            rules: vec![],
        }
    }

    fn sheet(rows: &[&[&str]]) -> Vec<Vec<String>> {
        rows.iter().map(|r| r.iter().map(|c| c.to_string()).collect()).collect()
    }

    fn expected() -> Vec<Expected> {
        vec![
            Expected { id: "1804".into(), name: "Bodø".into() },
            Expected { id: "1841".into(), name: "Fauske - Fuossko".into() },
            Expected { id: "0301".into(), name: "Oslo".into() },
        ]
    }

    const HEAD: &[&str] = &[
        "Respondent ID",
        "End Date",
        "Hvilken kommune svarer du for?",
        "Har din kommune vurdert følgende løsninger?",
        "",
        "",
        "Status",
    ];
    const SUB: &[&str] =
        &["", "", "Response", "Digitalt tilsyn", "Videokonsultasjon", "Annet (vennligst spesifiser)", "Response"];

    #[test]
    fn rows_match_by_name_or_number_and_options_by_column() {
        let rows = sheet(&[
            HEAD,
            SUB,
            &["1", "03/20/2020 10:00:00 AM", "Bodø kommune", "Digitalt tilsyn", "", "Robot", "i drift"],
            &["2", "", "Fuossko", "", "Videokonsultasjon", "", ""],
            &["3", "", "301", "Digitalt tilsyn", "Videokonsultasjon", "", "Utprøving"],
        ]);
        let plan = plan_import(&survey(), &rows, &expected());
        assert_eq!(plan.problems, vec![]);
        assert_eq!(plan.rows.len(), 3);
        assert_eq!(plan.rows[0].org_id, "1804");
        assert_eq!(plan.rows[0].raw["losninger"], vec!["Digitalt tilsyn"]);
        assert_eq!(plan.rows[0].raw["status"], vec!["I drift"]);
        assert_eq!(plan.rows[0].ended, "03/20/2020 10:00:00 AM");
        assert_eq!(plan.rows[2].org_id, "0301");
        assert!(plan.ignored_columns.iter().any(|c| c.contains("Annet")));
    }

    #[test]
    fn unmatched_duplicate_and_invalid_rows_are_named() {
        let rows = sheet(&[
            HEAD,
            SUB,
            &["1", "", "Bodo", "Digitalt tilsyn", "", "", ""],
            &["2", "", "", "Digitalt tilsyn", "", "", ""],
            &["3", "", "Oslo", "", "", "", "Kanskje"],
            &["4", "", "1804", "", "", "", ""],
            &["5", "", "Bodø", "", "", "", ""],
        ]);
        let plan = plan_import(&survey(), &rows, &expected());
        let messages: Vec<String> = plan.problems.iter().map(|p| format!("rad {}: {}", p.row, p.message)).collect();
        assert_eq!(plan.rows.len(), 1, "{messages:?}");
        assert!(messages.contains(&"rad 3: «Bodo» er ikke en kommune i runden".to_string()), "{messages:?}");
        assert!(messages.contains(&"rad 4: kommunen er ikke oppgitt".to_string()));
        assert!(messages.iter().any(|m| m.starts_with("rad 5: Oslo: ") && m.contains("«Kanskje»")), "{messages:?}");
        assert!(messages.contains(&"rad 7: Bodø har svart før, i rad 6".to_string()));
    }

    #[test]
    fn a_file_without_a_municipality_column_is_refused_whole() {
        let rows = sheet(&[&["Respondent ID", "Status"], &["", "Response"], &["1", "I drift"]]);
        let plan = plan_import(&survey(), &rows, &expected());
        assert!(plan.rows.is_empty());
        assert!(plan.problems[0].message.contains("kolonne"));
    }
}
