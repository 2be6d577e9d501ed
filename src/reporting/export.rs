//! Export of a round's answers (eksport): one row per org unit, one column per field, with
//! Norwegian headers, as CSV (semicolons, UTF-8 with BOM so Excel reads æøå) and XLSX.
//! Only submissions the caller may see are included; drafts never are.

use super::{permitted_in_round, store};
use crate::db::DbConnection;
use crate::error::AppError;
use rust_xlsxwriter::{Format, Workbook};
use samveis_domain::access::{Action, Actor};
use samveis_domain::reporting::{Answer, Answers, FieldKind, FormTemplate, State, format_hundredths};

/// A cell: numbers stay numbers so spreadsheets can sum them.
#[derive(Debug, Clone, PartialEq)]
pub enum Cell {
    Text(String),
    Number(i64),
    Decimal(i64),
}

pub struct Table {
    pub title: String,
    pub headers: Vec<String>,
    pub rows: Vec<Vec<Cell>>,
}

fn headers(template: &FormTemplate) -> Vec<String> {
    let mut h = vec!["Nummer".to_string(), "Navn".into(), "Tilstand".into(), "Sendt inn".into()];
    for f in template.fields() {
        match &f.kind {
            FieldKind::Table { rows, columns } => {
                for r in rows {
                    for c in columns {
                        h.push(format!("{} – {r} – {c}", f.label));
                    }
                }
            }
            FieldKind::TrafficLight => {
                h.push(f.label.clone());
                h.push(format!("{} – kommentar", f.label));
            }
            _ => h.push(f.label.clone()),
        }
    }
    h
}

fn cells(template: &FormTemplate, answers: &samveis_domain::reporting::Answers) -> Vec<Cell> {
    let mut out = Vec::new();
    for f in template.fields() {
        let answer = answers.get(&f.code);
        match (&f.kind, answer) {
            (FieldKind::Table { rows, columns }, Some(Answer::Table(values))) => {
                for r in 0..rows.len() {
                    for c in 0..columns.len() {
                        let v = values.get(r).and_then(|row| row.values.get(c)).copied().flatten();
                        out.push(v.map_or(Cell::Text(String::new()), Cell::Number));
                    }
                }
            }
            (FieldKind::Table { rows, columns }, _) => {
                out.extend(std::iter::repeat_n(Cell::Text(String::new()), rows.len() * columns.len()))
            }
            (FieldKind::TrafficLight, Some(Answer::Light { light, comment })) => {
                out.push(Cell::Text(light.label().into()));
                out.push(Cell::Text(comment.clone()));
            }
            (FieldKind::TrafficLight, _) => out.extend([Cell::Text(String::new()), Cell::Text(String::new())]),
            (_, None) => out.push(Cell::Text(String::new())),
            (_, Some(a)) => out.push(match a {
                Answer::Whole(n) => Cell::Number(*n),
                Answer::Hundredths(n) => Cell::Decimal(*n),
                Answer::Date(d) => Cell::Text(d.format("%d.%m.%Y").to_string()),
                Answer::Text(t) | Answer::Choice(t) | Answer::File(t) => Cell::Text(t.clone()),
                Answer::Choices(list) => Cell::Text(list.join("; ")),
                Answer::Light { light, .. } => Cell::Text(light.label().into()),
                Answer::Table(_) => Cell::Text(String::new()),
            }),
        }
    }
    out
}

/// The answers of a round as a table, limited to what `actor` may see and to delivered or
/// returned submissions (drafts are the org unit's own).
pub fn round_table(conn: &mut DbConnection, actor: &Actor, round_id: i64) -> Result<Table, AppError> {
    let round =
        store::round(conn, round_id)?.ok_or_else(|| AppError::NotFound(format!("Fant ikke runde {round_id}.")))?;
    let template = store::template(conn, round.template_id)?
        .ok_or_else(|| AppError::NotFound(format!("Fant ikke skjemaet til runde {round_id}.")))?;
    let mut rows = Vec::new();
    let submissions = store::submissions_of_round(conn, round_id)?;
    let visible = permitted_in_round(conn, Some(actor), Action::ViewSubmission, &round, &submissions)?;
    for (s, shown) in submissions.iter().zip(visible) {
        let state = State::from_code(&s.state).unwrap_or(State::Draft);
        if state == State::Draft || !shown {
            continue;
        }
        let answers: Answers = serde_json::from_str(&s.answers).map_err(|e| AppError::Internal(e.to_string()))?;
        let mut row = vec![
            Cell::Text(s.org.id.clone()),
            Cell::Text(s.org.name.clone()),
            Cell::Text(state.label().into()),
            Cell::Text(s.submitted_at.map(|t| t.format("%d.%m.%Y").to_string()).unwrap_or_default()),
        ];
        row.extend(cells(&template.template, &answers));
        rows.push(row);
    }
    Ok(Table { title: round.name, headers: headers(&template.template), rows })
}

fn text(cell: &Cell) -> String {
    match cell {
        Cell::Text(t) => t.clone(),
        Cell::Number(n) => n.to_string(),
        Cell::Decimal(n) => format_hundredths(*n).replace('−', "-"),
    }
}

/// Semicolon-separated, UTF-8 with BOM: Excel in Norway opens it with æøå and decimal commas.
pub fn to_csv(table: &Table) -> Result<Vec<u8>, AppError> {
    let mut out = "\u{feff}".as_bytes().to_vec();
    {
        let mut w = csv::WriterBuilder::new().delimiter(b';').from_writer(&mut out);
        w.write_record(&table.headers).map_err(|e| AppError::Internal(e.to_string()))?;
        for row in &table.rows {
            w.write_record(row.iter().map(text)).map_err(|e| AppError::Internal(e.to_string()))?;
        }
        w.flush().map_err(|e| AppError::Internal(e.to_string()))?;
    }
    Ok(out)
}

pub fn to_xlsx(table: &Table) -> Result<Vec<u8>, AppError> {
    let err = |e: rust_xlsxwriter::XlsxError| AppError::Internal(e.to_string());
    let mut book = Workbook::new();
    let sheet = book.add_worksheet();
    // Sheet names are at most 31 characters and may not hold some symbols.
    let name: String = table.title.chars().filter(|c| !"[]:*?/\\".contains(*c)).take(31).collect();
    sheet.set_name(if name.is_empty() { "Svar" } else { &name }).map_err(err)?;
    let bold = Format::new().set_bold();
    for (c, h) in table.headers.iter().enumerate() {
        sheet.write_string_with_format(0, c as u16, h, &bold).map_err(err)?;
    }
    for (r, row) in table.rows.iter().enumerate() {
        let r = (r + 1) as u32;
        for (c, cell) in row.iter().enumerate() {
            let c = c as u16;
            match cell {
                Cell::Text(t) if t.is_empty() => {}
                Cell::Text(t) => {
                    sheet.write_string(r, c, t).map_err(err)?;
                }
                Cell::Number(n) => {
                    sheet.write_number(r, c, *n as f64).map_err(err)?;
                }
                Cell::Decimal(n) => {
                    sheet.write_number(r, c, *n as f64 / 100.0).map_err(err)?;
                }
            }
        }
    }
    sheet.set_freeze_panes(1, 2).map_err(err)?;
    sheet.autofit();
    book.save_to_buffer().map_err(err)
}

/// A table as a download, by the file name asked for: `{stem}.xlsx` or `{stem}.csv` (anything
/// else is not found). `save_as` names the file the browser saves, without extension.
pub fn download(table: &Table, file: &str, stem: &str, save_as: &str) -> Result<axum::response::Response, AppError> {
    let (bytes, kind, ext) = if file == format!("{stem}.xlsx") {
        (to_xlsx(table)?, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "xlsx")
    } else if file == format!("{stem}.csv") {
        (to_csv(table)?, "text/csv; charset=utf-8", "csv")
    } else {
        return Err(AppError::NotFound("Fant ikke filen.".into()));
    };
    Ok(crate::web::attachment(kind, &format!("{save_as}.{ext}"), bytes))
}
