//! The report form as a page shows it: each section's fields with their input kind, what is
//! typed, the error on it and, read-only, the value as shown (a stored file as a link).

use crate::reporting::files::FileInfo;
use crate::web::format;
use samveis_domain::reporting::{Field, FieldError, FieldKind, FormTemplate, RawAnswers, TrafficLight};
use std::collections::BTreeMap;

pub struct OptionView {
    pub value: String,
    pub label: String,
    pub checked: bool,
}

pub struct CellView {
    pub name: String,
    pub label: String,
    pub value: String,
    /// The cell's own value is in error.
    pub invalid: bool,
}

pub struct TableRowView {
    pub label: String,
    pub cells: Vec<CellView>,
}

/// One field as the form shows it: its input kind, what is typed, and its error.
pub struct FieldView {
    pub code: String,
    pub label: String,
    pub help: String,
    pub required: bool,
    /// number | money | decimal | date | text | textarea | select | checkboxes | light | file | table
    pub input: &'static str,
    pub value: String,
    pub comment: String,
    pub options: Vec<OptionView>,
    pub columns: Vec<String>,
    pub rows: Vec<TableRowView>,
    pub error: Option<String>,
    pub shown: String,
    /// For a file field with a stored file: where to download it.
    pub link: Option<String>,
}

pub struct SectionView {
    pub title: String,
    pub help: String,
    pub fields: Vec<FieldView>,
}

fn first(raw: &RawAnswers, name: &str) -> String {
    raw.get(name).and_then(|v| v.first()).cloned().unwrap_or_default()
}

/// A stored file as a form shows it: the download address and "name (size)".
pub struct FileLinks<'a> {
    pub submission: i64,
    pub files: &'a BTreeMap<String, FileInfo>,
}

/// How a field is typed in: the input kind, its options, and a table's columns and rows.
struct Input {
    kind: &'static str,
    options: Vec<OptionView>,
    columns: Vec<String>,
    rows: Vec<TableRowView>,
}

impl Input {
    fn plain(kind: &'static str) -> Input {
        Input { kind, options: vec![], columns: vec![], rows: vec![] }
    }
}

fn table_rows(
    f: &Field,
    raw: &RawAnswers,
    errors: &[FieldError],
    rows: &[String],
    columns: &[String],
) -> Vec<TableRowView> {
    rows.iter()
        .enumerate()
        .map(|(r, row)| TableRowView {
            label: row.clone(),
            cells: columns
                .iter()
                .enumerate()
                .map(|(c, col)| {
                    let name = format!("{}.{r}.{c}", f.code);
                    let invalid = errors.iter().any(|e| e.field == name);
                    CellView { value: first(raw, &name), label: format!("{row}, {col}"), name, invalid }
                })
                .collect(),
        })
        .collect()
}

fn input_of(f: &Field, raw: &RawAnswers, errors: &[FieldError], value: &str, chosen: &[String]) -> Input {
    match &f.kind {
        FieldKind::Integer => Input::plain("number"),
        FieldKind::Money => Input::plain("money"),
        FieldKind::Hours | FieldKind::Percent => Input::plain("decimal"),
        FieldKind::Date => Input::plain("date"),
        FieldKind::ShortText => Input::plain("text"),
        FieldKind::LongText => Input::plain("textarea"),
        FieldKind::File => Input::plain("file"),
        FieldKind::SingleChoice { options } | FieldKind::MultipleChoice { options } => {
            let kind = if matches!(f.kind, FieldKind::SingleChoice { .. }) { "select" } else { "checkboxes" };
            let options = options
                .iter()
                .map(|o| OptionView { value: o.clone(), label: o.clone(), checked: chosen.contains(o) })
                .collect();
            Input { options, ..Input::plain(kind) }
        }
        FieldKind::TrafficLight => {
            let options = TrafficLight::ALL
                .into_iter()
                .map(|t| OptionView { value: t.code().into(), label: t.label().into(), checked: value == t.code() })
                .collect();
            Input { options, ..Input::plain("light") }
        }
        FieldKind::Table { rows, columns } => {
            Input { columns: columns.clone(), rows: table_rows(f, raw, errors, rows, columns), ..Input::plain("table") }
        }
    }
}

/// The value as a read-only page shows it.
fn shown(input: &str, value: &str, chosen: &[String], file: Option<&FileInfo>) -> String {
    match input {
        "file" => file.map(|i| format!("{} ({})", i.file_name, format::file_size(i.size))).unwrap_or_default(),
        "checkboxes" => chosen.join(", "),
        "light" => TrafficLight::from_code(value).map(|t| t.label().to_string()).unwrap_or_default(),
        "money" => value.parse().map(format::kroner).unwrap_or_else(|_| value.to_string()),
        "number" => value.parse().map(format::number).unwrap_or_else(|_| value.to_string()),
        "date" => {
            chrono::NaiveDate::parse_from_str(value, "%Y-%m-%d").map(format::date).unwrap_or_else(|_| value.to_string())
        }
        _ => value.to_string(),
    }
}

/// The errors on a field (or its cells and comment), joined.
fn error_of(errors: &[FieldError], name: &str) -> Option<String> {
    let list: Vec<&str> = errors
        .iter()
        .filter(|e| e.field == name || e.field.starts_with(&format!("{name}.")))
        .map(|e| e.message.as_str())
        .collect();
    (!list.is_empty()).then(|| list.join(" "))
}

fn field_view(f: &Field, raw: &RawAnswers, errors: &[FieldError], files: &FileLinks) -> FieldView {
    let value = first(raw, &f.code);
    let chosen: Vec<String> = raw.get(&f.code).cloned().unwrap_or_default();
    let input = input_of(f, raw, errors, &value, &chosen);
    let file = (input.kind == "file").then(|| files.files.get(&value)).flatten();
    FieldView {
        code: f.code.clone(),
        label: f.label.clone(),
        help: f.help.clone(),
        required: f.required,
        input: input.kind,
        comment: first(raw, &format!("{}.kommentar", f.code)),
        shown: shown(input.kind, &value, &chosen, file),
        value,
        options: input.options,
        columns: input.columns,
        rows: input.rows,
        error: error_of(errors, &f.code),
        link: file.map(|i| format!("/rapportering/innleveringer/{}/filer/{}", files.submission, i.sha256)),
    }
}

pub fn field_views(
    template: &FormTemplate,
    raw: &RawAnswers,
    errors: &[FieldError],
    files: &FileLinks,
) -> Vec<SectionView> {
    template
        .sections
        .iter()
        .map(|s| SectionView {
            title: s.title.clone(),
            help: s.help.clone(),
            fields: s.fields.iter().map(|f| field_view(f, raw, errors, files)).collect(),
        })
        .collect()
}

/// One line of the error summary: the message, linking to the input to correct.
pub struct SummaryLink {
    pub anchor: String,
    pub message: String,
}

/// The id of the input an error on input `name` links to: the field's own input, a group's
/// first option, a table's cell, a file field's file input.
fn anchor(template: &FormTemplate, name: &str) -> String {
    let code = name.split('.').next().unwrap_or_default();
    let Some(field) = template.field(code) else { return code.to_string() };
    match (&field.kind, name.strip_prefix(code).unwrap_or_default()) {
        (_, ".kommentar") => format!("{code}-kommentar"),
        (FieldKind::Table { .. }, "") => format!("{code}.0.0"),
        (FieldKind::Table { .. }, _) => name.to_string(),
        (FieldKind::File, _) => format!("{code}-fil"),
        (FieldKind::MultipleChoice { .. } | FieldKind::TrafficLight, _) => format!("{code}-1"),
        _ => code.to_string(),
    }
}

/// The error summary of a refused form, in the form's order.
pub fn summary(template: &FormTemplate, errors: &[FieldError]) -> Vec<SummaryLink> {
    errors.iter().map(|e| SummaryLink { anchor: anchor(template, &e.field), message: e.message.clone() }).collect()
}

#[cfg(test)]
mod tests {
    #[test]
    fn a_date_reads_the_norwegian_way() {
        assert_eq!(super::shown("date", "2021-09-15", &[], None), "15. september 2021");
        assert_eq!(super::shown("date", "15.09.2021x", &[], None), "15.09.2021x", "what cannot be read is kept");
    }
}
