//! Reading the first sheet of an XLSX file with bounds, before anything is allocated by the
//! sheet's own say-so. A sheet declares its dimension and places cells by reference (`XFD1048576`,
//! `A99999999999`); reading it into a dense range trusts both and let a 1.8 KB file ask for
//! 512 GB. Here cells are read one at a time, empty cells are skipped, a filled cell outside
//! [`MAX_ROWS`] × [`MAX_COLUMNS`] refuses the file with a message naming the cell, the
//! workbook's parts are checked against [`MAX_UNPACKED_BYTES`] before the reader unpacks them,
//! and a reader that panics on a malformed reference becomes an error, never an ended process.

use calamine::{Data, DataRef, Reader, Xlsx};
use std::io::Cursor;
use std::panic::{AssertUnwindSafe, catch_unwind};

/// The most rows a sheet may have filled (SurveyMonkey exports of the programme have ~360).
pub const MAX_ROWS: u32 = 20_000;
/// The most columns a sheet may have filled (the longest survey has ~250 answer columns).
pub const MAX_COLUMNS: u32 = 2_000;
/// The most filled cells read from one sheet.
pub const MAX_CELLS: usize = 2_000_000;
/// The most bytes the workbook's parts may unpack to, by the sizes the archive declares.
pub const MAX_UNPACKED_BYTES: u64 = 200 * 1024 * 1024;

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SpreadsheetError {
    #[error("kunne ikke lese arbeidsboken: {0}")]
    Unreadable(String),
    #[error("arbeidsboken har ingen ark")]
    NoSheet,
    #[error(
        "cellen «{cell}» ligger utenfor det et regneark kan ha her (høyst {} rader og {} kolonner); fjern innholdet der og prøv igjen",
        crate::web::format::number(i64::from(MAX_ROWS)),
        crate::web::format::number(i64::from(MAX_COLUMNS))
    )]
    OutOfBounds { cell: String },
    #[error("arket har flere enn {} fylte celler", crate::web::format::number(MAX_CELLS as i64))]
    TooManyCells,
    #[error("arbeidsboken pakkes ut til mer enn {} MB", MAX_UNPACKED_BYTES / 1024 / 1024)]
    TooLarge,
}

/// The first sheet as rows of text (dates as `YYYY-MM-DD HH:MM:SS`), up to the last filled cell.
pub fn first_sheet_rows(bytes: &[u8]) -> Result<Vec<Vec<String>>, SpreadsheetError> {
    check_unpacked_size(bytes)?;
    catch_unwind(AssertUnwindSafe(|| read_first_sheet(bytes)))
        .unwrap_or_else(|_| Err(SpreadsheetError::Unreadable("filen har en ugyldig cellereferanse".into())))
}

fn check_unpacked_size(bytes: &[u8]) -> Result<(), SpreadsheetError> {
    let mut zip = zip::ZipArchive::new(Cursor::new(bytes)).map_err(|e| SpreadsheetError::Unreadable(e.to_string()))?;
    let mut total: u64 = 0;
    for i in 0..zip.len() {
        let entry = zip.by_index_raw(i).map_err(|e| SpreadsheetError::Unreadable(e.to_string()))?;
        total = total.saturating_add(entry.size());
        if total > MAX_UNPACKED_BYTES {
            return Err(SpreadsheetError::TooLarge);
        }
    }
    Ok(())
}

fn read_first_sheet(bytes: &[u8]) -> Result<Vec<Vec<String>>, SpreadsheetError> {
    let unreadable = |e: calamine::XlsxError| SpreadsheetError::Unreadable(e.to_string());
    let mut book: Xlsx<_> = calamine::open_workbook_from_rs(Cursor::new(bytes)).map_err(unreadable)?;
    let name = book.sheet_names().first().cloned().ok_or(SpreadsheetError::NoSheet)?;
    let mut cells = book.worksheet_cells_reader(&name).map_err(unreadable)?;
    let mut rows: Vec<Vec<String>> = Vec::new();
    let mut read = 0usize;
    while let Some(cell) = cells.next_cell().map_err(unreadable)? {
        let (row, column) = cell.get_position();
        let text = text_of(cell.get_value());
        if text.is_empty() {
            continue;
        }
        if row >= MAX_ROWS || column >= MAX_COLUMNS {
            return Err(SpreadsheetError::OutOfBounds { cell: reference(row, column) });
        }
        read += 1;
        if read > MAX_CELLS {
            return Err(SpreadsheetError::TooManyCells);
        }
        place(&mut rows, row as usize, column as usize, text);
    }
    Ok(rows)
}

/// Puts a value at (row, column), growing the rows and the row only as far as that cell.
fn place(rows: &mut Vec<Vec<String>>, row: usize, column: usize, text: String) {
    if rows.len() <= row {
        rows.resize_with(row + 1, Vec::new);
    }
    let cells = &mut rows[row];
    if cells.len() <= column {
        cells.resize(column + 1, String::new());
    }
    cells[column] = text;
}

fn text_of(value: &DataRef) -> String {
    match Data::from(value.clone()) {
        Data::DateTime(d) => d.as_datetime().map(|t| t.format("%Y-%m-%d %H:%M:%S").to_string()).unwrap_or_default(),
        Data::Empty => String::new(),
        other => other.to_string(),
    }
}

/// A cell's A1 reference, for messages (row and column from 0).
fn reference(row: u32, column: u32) -> String {
    let mut letters = Vec::new();
    let mut n = column + 1;
    while n > 0 {
        let rem = (n - 1) % 26;
        letters.push(char::from(b'A' + rem as u8));
        n = (n - 1) / 26;
    }
    letters.iter().rev().collect::<String>() + &(u64::from(row) + 1).to_string()
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write;

    /// A minimal workbook whose one sheet holds `cells` (reference, inline text).
    pub(crate) fn workbook(dimension: &str, cells: &[(&str, &str)]) -> Vec<u8> {
        let mut zip = zip::ZipWriter::new(Cursor::new(Vec::new()));
        let options = zip::write::SimpleFileOptions::default();
        let mut put = |name: &str, body: String| {
            zip.start_file(name, options).unwrap();
            zip.write_all(body.as_bytes()).unwrap();
        };
        put("[Content_Types].xml", r#"<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/></Types>"#.into());
        put("_rels/.rels", r#"<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>"#.into());
        put("xl/workbook.xml", r#"<?xml version="1.0"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet name="Ark1" sheetId="1" r:id="rId1"/></sheets></workbook>"#.into());
        put("xl/_rels/workbook.xml.rels", r#"<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/></Relationships>"#.into());
        let body: String = cells
            .iter()
            .map(|(r, t)| format!(r#"<row><c r="{r}" t="inlineStr"><is><t>{t}</t></is></c></row>"#))
            .collect();
        put(
            "xl/worksheets/sheet1.xml",
            format!(
                r#"<?xml version="1.0"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><dimension ref="{dimension}"/><sheetData>{body}</sheetData></worksheet>"#
            ),
        );
        zip.finish().unwrap().into_inner()
    }

    #[test]
    fn a_small_sheet_reads_as_rows() {
        let rows = first_sheet_rows(&workbook("A1:B2", &[("A1", "Kommune"), ("B2", "Kárášjohka")])).unwrap();
        assert_eq!(rows, vec![vec!["Kommune".to_string()], vec![String::new(), "Kárášjohka".into()]]);
    }

    #[test]
    fn a_cell_at_the_far_corner_is_refused_by_name_without_allocating() {
        let file = workbook("A1:XFD1048576", &[("A1", "x"), ("XFD1048576", "y")]);
        assert!(file.len() < 4096);
        let e = first_sheet_rows(&file).unwrap_err();
        assert_eq!(e, SpreadsheetError::OutOfBounds { cell: "XFD1048576".into() });
        assert!(e.to_string().contains("XFD1048576"), "{e}");
    }

    #[test]
    fn a_declared_dimension_alone_allocates_nothing() {
        let rows = first_sheet_rows(&workbook("A1:XFD1048576", &[("A1", "x")])).unwrap();
        assert_eq!(rows, vec![vec!["x".to_string()]]);
    }

    #[test]
    fn a_reference_beyond_any_row_number_is_an_error_not_a_crash() {
        let e = first_sheet_rows(&workbook("A1", &[("A99999999999", "x")])).unwrap_err();
        assert!(matches!(e, SpreadsheetError::Unreadable(_) | SpreadsheetError::OutOfBounds { .. }), "{e:?}");
    }

    #[test]
    fn not_a_workbook_is_unreadable() {
        assert!(matches!(first_sheet_rows(b"not a zip"), Err(SpreadsheetError::Unreadable(_))));
    }

    #[test]
    fn references_are_named_as_excel_names_them() {
        assert_eq!(reference(0, 0), "A1");
        assert_eq!(reference(1_048_575, 16_383), "XFD1048576");
        assert_eq!(reference(9, 26), "AA10");
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig { cases: 96, failure_persistence: None, ..Default::default() })]

        /// Any bytes, and a real workbook with bytes changed anywhere, read or fail: never a
        /// panic, never more rows or columns than the bounds.
        #[test]
        fn no_file_ends_the_reader(noise in proptest::collection::vec(proptest::prelude::any::<u8>(), 0..2048),
                                   flips in proptest::collection::vec((0usize..4096, proptest::prelude::any::<u8>()), 0..12)) {
            let _ = first_sheet_rows(&noise);
            let mut file = workbook("A1:C3", &[("A1", "Kommune"), ("B2", "Bodø"), ("C3", "1804")]);
            for (at, byte) in flips {
                let n = file.len();
                file[at % n] = byte;
            }
            if let Ok(rows) = first_sheet_rows(&file) {
                proptest::prop_assert!(rows.len() <= MAX_ROWS as usize);
                proptest::prop_assert!(rows.iter().all(|r| r.len() <= MAX_COLUMNS as usize));
            }
        }
    }
}
