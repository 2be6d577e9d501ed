//! Importing a SurveyMonkey export (CSV or XLSX) into a survey round: the file is read into rows,
//! the domain plans the import, and only a plan without open problems is written, in one
//! transaction, each submission audited.

use super::store::{self, SubmissionUpdate};
use crate::audit::{self, Author, Change};
use crate::db::DbConnection;
use crate::error::{AppError, VERSION_CONFLICT};
use chrono::NaiveDateTime;
use diesel::Connection;
use samveis_domain::reporting::{ImportExpected, ImportProblem, State, parse, plan_import};
use std::collections::BTreeSet;
use std::path::Path;

/// Reads a sheet file: CSV (comma or semicolon, with or without BOM) or the first sheet of an XLSX.
pub fn read_rows(path: &Path) -> Result<Vec<Vec<String>>, AppError> {
    let name = path.display().to_string();
    if !name.to_ascii_lowercase().ends_with(".csv") && !name.to_ascii_lowercase().ends_with(".xlsx") {
        return Err(AppError::BadRequest(format!("{name}: bruk en CSV- eller XLSX-fil fra SurveyMonkey.")));
    }
    let bytes =
        std::fs::read(path).map_err(|e| AppError::BadRequest(format!("Kunne ikke lese {}: {e}", path.display())))?;
    rows_of(&path.display().to_string(), &bytes)
}

/// Reads a sheet from its bytes; the name's extension decides the format.
pub fn rows_of(name: &str, bytes: &[u8]) -> Result<Vec<Vec<String>>, AppError> {
    let extension = name.rsplit_once('.').map(|(_, e)| e.to_ascii_lowercase()).unwrap_or_default();
    match extension.as_str() {
        "csv" => csv_rows(bytes).map_err(|e| AppError::BadRequest(format!("{name}: {e}"))),
        "xlsx" => xlsx_rows(bytes).map_err(|e| AppError::BadRequest(format!("{name}: {e}"))),
        _ => Err(AppError::BadRequest(format!("{name}: bruk en CSV- eller XLSX-fil fra SurveyMonkey."))),
    }
}

fn csv_rows(bytes: &[u8]) -> Result<Vec<Vec<String>>, String> {
    let text = std::str::from_utf8(bytes).map_err(|_| "filen er ikke UTF-8; eksporter på nytt som CSV (UTF-8)")?;
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let first = text.lines().next().unwrap_or_default();
    let delimiter = if first.matches(';').count() > first.matches(',').count() { b';' } else { b',' };
    let mut reader =
        csv::ReaderBuilder::new().has_headers(false).flexible(true).delimiter(delimiter).from_reader(text.as_bytes());
    reader
        .records()
        .enumerate()
        .map(|(i, r)| r.map(|r| r.iter().map(str::to_string).collect()).map_err(|e| format!("rad {}: {e}", i + 1)))
        .collect()
}

fn xlsx_rows(bytes: &[u8]) -> Result<Vec<Vec<String>>, String> {
    use calamine::{Data, Reader};
    let mut book: calamine::Xlsx<_> = calamine::open_workbook_from_rs(std::io::Cursor::new(bytes))
        .map_err(|e: calamine::XlsxError| format!("kunne ikke lese arbeidsboken: {e}"))?;
    let sheet = book.worksheet_range_at(0).ok_or("arbeidsboken har ingen ark")?.map_err(|e| e.to_string())?;
    Ok(sheet
        .rows()
        .map(|row| {
            row.iter()
                .map(|cell| match cell {
                    Data::DateTime(d) => {
                        d.as_datetime().map(|t| t.format("%Y-%m-%d %H:%M:%S").to_string()).unwrap_or_default()
                    }
                    other => other.to_string(),
                })
                .collect()
        })
        .collect())
}

/// SurveyMonkey writes "03/20/2020 10:15:23 AM"; XLSX gives ISO; Norwegian sheets "20.03.2020 10:15".
fn ended_at(text: &str) -> Option<NaiveDateTime> {
    ["%m/%d/%Y %I:%M:%S %p", "%m/%d/%Y %H:%M:%S", "%Y-%m-%d %H:%M:%S", "%d.%m.%Y %H:%M:%S", "%d.%m.%Y %H:%M"]
        .iter()
        .find_map(|f| NaiveDateTime::parse_from_str(text.trim(), f).ok())
}

/// What an import did, or would do.
#[derive(Debug, Default)]
pub struct ImportReport {
    pub respondents: usize,
    pub imported: usize,
    pub skipped: Vec<usize>,
    pub problems: Vec<ImportProblem>,
    pub ignored_columns: Vec<String>,
    pub written: bool,
}

/// Imports `rows` into survey round `round_id`. Rows in `skip` are left out on purpose; any
/// other problem stops the whole import. With `dry_run` nothing is written.
pub fn import_survey(
    conn: &mut DbConnection,
    author: &Author,
    now: NaiveDateTime,
    round_id: i64,
    rows: &[Vec<String>],
    skip: &BTreeSet<usize>,
    dry_run: bool,
) -> Result<ImportReport, AppError> {
    conn.transaction(|conn| {
        let round = store::round(conn, round_id)?
            .ok_or_else(|| AppError::NotFound(format!("Runde {round_id} finnes ikke (se samveis rounds list).")))?;
        let template = store::template(conn, round.template_id)?
            .ok_or_else(|| AppError::Internal(format!("skjemaet til runde {round_id} mangler")))?;
        let submissions = store::submissions_of_round(conn, round_id)?;
        let expected: Vec<ImportExpected> =
            submissions.iter().map(|s| ImportExpected { id: s.org.id.clone(), name: s.org.name.clone() }).collect();
        let plan = plan_import(&template.template, rows, &expected);
        let mut report = ImportReport {
            respondents: plan.rows.len() + plan.problems.iter().map(|p| p.row).collect::<BTreeSet<_>>().len(),
            ignored_columns: plan.ignored_columns,
            ..Default::default()
        };
        report.problems = plan.problems.into_iter().filter(|p| p.row <= 2 || !skip.contains(&p.row)).collect();
        let mut chosen = Vec::new();
        for row in plan.rows {
            if skip.contains(&row.row) {
                continue;
            }
            let Some(s) = submissions.iter().find(|s| s.org.id == row.org_id) else { continue };
            let state = State::from_code(&s.state).unwrap_or(State::Draft);
            if state.delivered() || state == State::Accepted {
                let message = format!("{} har allerede levert i runden ({})", s.org.name, state.label().to_lowercase());
                report.problems.push(ImportProblem { row: row.row, message });
                continue;
            }
            chosen.push((row, s));
        }
        report.skipped = skip.iter().copied().collect();
        report.problems.sort_by_key(|p| p.row);
        if !report.problems.is_empty() || dry_run {
            report.imported = if report.problems.is_empty() { chosen.len() } else { 0 };
            return Ok(report);
        }
        for (row, s) in &chosen {
            let answers = parse(&template.template, &row.raw).map_err(|e| AppError::Internal(format!("{e:?}")))?;
            let json = serde_json::to_string(&answers).map_err(|e| AppError::Internal(e.to_string()))?;
            let at = ended_at(&row.ended).unwrap_or(now);
            let update =
                SubmissionUpdate { state: State::Submitted.code(), answers: &json, submitted_at: Some(at), reviewer_comment: "" };
            if !store::update_submission(conn, s.id, s.version, &update, now)? {
                return Err(AppError::Conflict(VERSION_CONFLICT.into()));
            }
            let change = Change {
                action: "importert fra SurveyMonkey",
                record_type: "innlevering",
                record_id: s.id.to_string(),
                before: Some(serde_json::json!({"tilstand": s.state, "svar": serde_json::from_str::<serde_json::Value>(&s.answers).ok()})),
                after: Some(serde_json::json!({"tilstand": State::Submitted.code(), "svar": answers, "rad": row.row})),
            };
            audit::record(conn, author, now, change)?;
        }
        report.imported = chosen.len();
        report.written = true;
        Ok(report)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn csv_with_bom_and_semicolons_reads() {
        let rows = csv_rows("\u{feff}a;b\n;Response\n1;\"x;y\"\n".as_bytes()).unwrap();
        assert_eq!(rows, vec![vec!["a", "b"], vec!["", "Response"], vec!["1", "x;y"]]);
    }

    #[test]
    fn surveymonkey_end_dates_read() {
        assert_eq!(ended_at("03/20/2020 01:15:23 PM").map(|t| t.to_string()).as_deref(), Some("2020-03-20 13:15:23"));
        assert!(ended_at("20.03.2020 13:15").is_some());
        assert!(ended_at("i går").is_none());
    }
}
