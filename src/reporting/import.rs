//! Importing a SurveyMonkey export (CSV or XLSX) into a survey round: the file is read into rows,
//! the domain plans the import, and only a plan without open problems is written, in one
//! transaction, each submission audited.

use super::error::{ReportingError, ReportingResult};
use super::store::{self, SubmissionRow, SubmissionUpdate};
use crate::audit::{self, Change};
use crate::context::Ctx;
use crate::db::DbConnection;
use crate::error::VERSION_CONFLICT;
use crate::files;
use crate::reporting::files::OWNER_IMPORT;
use samveis_domain::access::{Action, Resource};
use samveis_domain::registry::Layout;
use samveis_domain::reporting::{
    Answers, Event, FormTemplate, Held, ImportEffect, ImportExpected, ImportProblem, ImportRow, RoundRegistry, State,
    import_effect, missing_as_problems, parse, plan_import_in,
};
use std::collections::BTreeSet;
use std::path::Path;

/// Reads a sheet file: CSV (comma or semicolon, with or without BOM) or the first sheet of an XLSX.
pub fn read_rows(path: &Path) -> ReportingResult<Vec<Vec<String>>> {
    let name = path.display().to_string();
    if !name.to_ascii_lowercase().ends_with(".csv") && !name.to_ascii_lowercase().ends_with(".xlsx") {
        return Err(ReportingError::Refused(format!("{name}: bruk en CSV- eller XLSX-fil fra SurveyMonkey.")));
    }
    let bytes =
        std::fs::read(path).map_err(|e| ReportingError::Refused(format!("Kunne ikke lese {}: {e}", path.display())))?;
    rows_of(&path.display().to_string(), &bytes)
}

/// Reads a sheet from its bytes; the name's extension decides the format.
pub fn rows_of(name: &str, bytes: &[u8]) -> ReportingResult<Vec<Vec<String>>> {
    let extension = name.rsplit_once('.').map(|(_, e)| e.to_ascii_lowercase()).unwrap_or_default();
    match extension.as_str() {
        "csv" => csv_rows(bytes).map_err(|e| ReportingError::Refused(format!("{name}: {e}"))),
        "xlsx" => xlsx_rows(bytes).map_err(|e| ReportingError::Refused(format!("{name}: {e}"))),
        _ => Err(ReportingError::Refused(format!("{name}: bruk en CSV- eller XLSX-fil fra SurveyMonkey."))),
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

/// The first sheet, read within the bounds of [`crate::files::spreadsheet`]: a cell far outside
/// them refuses the file by name instead of allocating the range up to it.
fn xlsx_rows(bytes: &[u8]) -> Result<Vec<Vec<String>>, String> {
    crate::files::spreadsheet::first_sheet_rows(bytes).map_err(|e| e.to_string())
}

/// How long the file of a preview nobody confirmed is kept.
pub const PREVIEW_LIFETIME: chrono::TimeDelta = chrono::TimeDelta::days(1);
/// The field of an import's file reference while its preview waits for confirmation.
pub const FIELD_PREVIEW: &str = "";
/// The field of an import's file reference once the import is written: the source, kept.
pub const FIELD_IMPORTED: &str = "importert";

/// Removes the files of previews not confirmed within [`PREVIEW_LIFETIME`] of `now` (their
/// references and the bytes no other reference uses). Called at each upload and confirmation
/// and when the server starts; returns how many references went.
pub fn prune_previews(conn: &mut DbConnection, now: chrono::NaiveDateTime) -> ReportingResult<usize> {
    let which = files::Removal {
        kind: OWNER_IMPORT,
        owner: None,
        field: FIELD_PREVIEW,
        before: now.checked_sub_signed(PREVIEW_LIFETIME),
    };
    crate::db::write(conn, |conn| Ok(files::remove_references(conn, &which)?))
}

/// Whether a preview can lead nowhere, so its file is not kept: a problem in the headers, which
/// no skipping resolves, or no respondent row left once every row with a problem is skipped.
pub fn refused(report: &ImportReport) -> bool {
    let rows_with_problems: BTreeSet<usize> = report.problems.iter().map(|p| p.row).collect();
    let in_headers = rows_with_problems.iter().any(|row| *row <= 2);
    !report.problems.is_empty() && (in_headers || report.respondents <= rows_with_problems.len())
}

/// What an import did, or would do.
#[derive(Debug, Default)]
pub struct ImportReport {
    pub respondents: usize,
    pub imported: usize,
    pub skipped: Vec<usize>,
    pub problems: Vec<ImportProblem>,
    pub ignored_columns: Vec<String>,
    /// Rows read other than letter for letter (an older number carried over, «Bodo» as Bodø).
    pub notes: Vec<ImportProblem>,
    /// What the import does to the answers the round already holds.
    pub effect: ImportEffect,
    pub written: bool,
}

/// An import of a SurveyMonkey sheet into survey round `round_id`. Rows in `skip` are left out
/// on purpose; any other problem stops the whole import. With `dry_run` nothing is written.
/// `source` names the file in the audit trail.
pub struct SurveyImport<'a> {
    pub round_id: i64,
    pub source: &'a str,
    pub rows: &'a [Vec<String>],
    pub skip: &'a BTreeSet<usize>,
    pub dry_run: bool,
}

/// A submission to send in with its merged answers.
struct Chosen<'a> {
    row: ImportRow,
    submission: &'a SubmissionRow,
    next: State,
    answers: Answers,
}

/// Merges each planned row into what its submission holds, as if the municipality had pressed
/// «Send inn»: the same transition and required fields. What cannot be sent in is a problem.
fn choose<'a>(
    template: &FormTemplate,
    submissions: &'a [SubmissionRow],
    rows: Vec<ImportRow>,
    report: &mut ImportReport,
) -> ReportingResult<Vec<Chosen<'a>>> {
    let mut chosen = Vec::new();
    for row in rows {
        let Some(s) = submissions.iter().find(|s| s.org.id == row.org_id) else { continue };
        let next = match s.state.after(&Event::Submit) {
            Ok(next) => next,
            Err(_) => {
                let message =
                    format!("{} har allerede levert i runden ({})", s.org.name, s.state.label().to_lowercase());
                report.problems.push(ImportProblem { row: row.row, message });
                continue;
            }
        };
        let mut answers: Answers = serde_json::from_str(&s.answers).map_err(ReportingError::internal)?;
        let imported = parse(template, &row.raw).map_err(|e| ReportingError::Internal(format!("{e:?}")))?;
        answers.extend(imported);
        let missing = missing_as_problems(template, &answers, row.row, &s.org.name);
        if !missing.is_empty() {
            report.problems.extend(missing);
            continue;
        }
        chosen.push(Chosen { row, submission: s, next, answers });
    }
    Ok(chosen)
}

/// Sends in each chosen submission, audited with the row and file it came from.
fn write(conn: &mut DbConnection, ctx: &Ctx, source: &str, chosen: &[Chosen]) -> ReportingResult<()> {
    for Chosen { row, submission: s, next, answers } in chosen {
        let json = serde_json::to_string(answers).map_err(ReportingError::internal)?;
        let update = SubmissionUpdate {
            state: *next,
            answers: &json,
            submitted_at: Some(row.ended.unwrap_or(ctx.now)),
            reviewer_comment: &s.reviewer_comment,
            override_reason: None,
        };
        if !store::update_submission(conn, s.id, s.version, &update, ctx.now)? {
            return Err(ReportingError::Conflict(VERSION_CONFLICT.into()));
        }
        let before: Option<serde_json::Value> = serde_json::from_str(&s.answers).ok();
        let change = Change {
            action: "importert fra SurveyMonkey",
            record_type: "innlevering",
            record_id: s.id.to_string(),
            before: Some(serde_json::json!({"tilstand": s.state.code(), "svar": before})),
            after: Some(serde_json::json!({"tilstand": next.code(), "svar": answers, "rad": row.row, "fil": source})),
        };
        audit::record(conn, &ctx.author, ctx.now, change)?;
    }
    Ok(())
}

/// The layout of a round whose recipients are all municipalities (so the registry can explain a
/// name or number that is none of them); none for a round of collaborations.
fn municipal_layout(submissions: &[SubmissionRow]) -> Option<Layout> {
    let first = submissions.first()?;
    let same = submissions.iter().all(|s| s.org.is_municipality() && s.org.layout == first.org.layout);
    same.then(|| Layout::from_year(first.org.layout).ok()).flatten()
}

/// The round's submissions as the import's effect counts them.
fn held(submissions: &[SubmissionRow]) -> Vec<Held> {
    submissions
        .iter()
        .map(|s| Held {
            org_id: s.org.id.clone(),
            name: format!("{} ({})", s.org.name, s.org.id),
            state: s.state,
            answered: serde_json::from_str::<Answers>(&s.answers).is_ok_and(|a| !a.is_empty()),
        })
        .collect()
}

/// Imports the sheet of `job` into its survey round, or reports what stops it.
pub fn import_survey(conn: &mut DbConnection, ctx: &Ctx, job: &SurveyImport) -> ReportingResult<ImportReport> {
    ctx.require(Action::ManageRounds, &Resource::Any)?;
    let round_id = job.round_id;
    crate::db::write(conn, |conn| {
        let round = store::round(conn, round_id)?.ok_or_else(|| {
            ReportingError::NotFound(format!("Runde {round_id} finnes ikke (se samveis rounds list)."))
        })?;
        let template = store::template(conn, round.template_id)?
            .ok_or_else(|| ReportingError::Internal(format!("skjemaet til runde {round_id} mangler")))?;
        let submissions = store::submissions_of_round(conn, round_id)?;
        let expected: Vec<ImportExpected> =
            submissions.iter().map(|s| ImportExpected { id: s.org.id.clone(), name: s.org.name.clone() }).collect();
        let index = crate::registry::store::name_index(conn)?;
        let registry = municipal_layout(&submissions).map(|layout| RoundRegistry { layout, index: &index });
        let plan = plan_import_in(&template.template, job.rows, (&expected, registry), job.skip);
        let mut report = ImportReport {
            respondents: plan.respondents,
            ignored_columns: plan.ignored_columns,
            skipped: job.skip.iter().copied().collect(),
            problems: plan.problems,
            notes: plan.notes,
            ..Default::default()
        };
        let chosen = choose(&template.template, &submissions, plan.rows, &mut report)?;
        let imported: Vec<&str> = chosen.iter().map(|c| c.row.org_id.as_str()).collect();
        report.effect = import_effect(&held(&submissions), &imported);
        report.problems.sort_by_key(|p| p.row);
        report.notes.sort_by_key(|p| p.row);
        if !report.problems.is_empty() || job.dry_run {
            report.imported = if report.problems.is_empty() { chosen.len() } else { 0 };
            return Ok(report);
        }
        write(conn, ctx, job.source, &chosen)?;
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
    fn xlsx_that_is_not_a_workbook_is_named() {
        assert!(rows_of("svar.xlsx", b"PK\x03\x04 not really").unwrap_err().to_string().contains("svar.xlsx"));
    }
}
