//! Answers (svar): what an org unit typed into a form, parsed field by field against the
//! template. Numbers are read the Norwegian way ("1 447 130", "46,67"); nothing is a float.

use super::template::{CrossRule, Field, FieldKind, FormTemplate, TrafficLight};
use crate::number::grouped;
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use std::borrow::Cow;
use std::collections::{BTreeMap, HashMap};

/// Form input as posted: each input name with its values (several for multiple choice).
/// Names: `code`; `code.kommentar` for a traffic light's comment; `code.ROW.COL` for table cells.
pub type RawAnswers = BTreeMap<String, Vec<String>>;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TableRow {
    pub row: String,
    pub values: Vec<Option<i64>>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", content = "value", rename_all = "snake_case")]
pub enum Answer {
    /// Integer and money (whole kroner).
    Whole(i64),
    /// Hours and percent, in hundredths (7,5 timer = 750).
    Hundredths(i64),
    Date(NaiveDate),
    Text(String),
    Choice(String),
    Choices(Vec<String>),
    Light {
        light: TrafficLight,
        comment: String,
    },
    /// SHA-256 of a stored file.
    File(String),
    Table(Vec<TableRow>),
}

impl Answer {
    /// The value as a whole number where that makes sense (for rules and sums).
    pub fn as_number(&self) -> Option<i64> {
        match self {
            Answer::Whole(n) | Answer::Hundredths(n) => Some(*n),
            _ => None,
        }
    }
}

pub type Answers = BTreeMap<String, Answer>;

/// A problem with one field, named by its input name, with a Norwegian message that names the value.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FieldError {
    pub field: String,
    pub message: String,
}

fn error(field: &str, message: String) -> FieldError {
    FieldError { field: field.to_string(), message }
}

/// Reads "1 447 130", "1 447 130 kr", "-12" as a whole number.
fn parse_whole(text: &str) -> Option<i64> {
    let cleaned: String = text
        .trim()
        .trim_end_matches("kr")
        .chars()
        .filter(|c| !c.is_whitespace() && *c != '\u{a0}' && *c != '\u{202f}')
        .map(|c| if c == '−' { '-' } else { c })
        .collect();
    cleaned.parse().ok()
}

/// Reads "46,67", "46.67", "7,5", "12 %" as hundredths.
fn parse_hundredths(text: &str) -> Option<i64> {
    let cleaned: String = text
        .trim()
        .trim_end_matches('%')
        .chars()
        .filter(|c| !c.is_whitespace() && *c != '\u{a0}')
        .map(|c| match c {
            ',' => '.',
            '−' => '-',
            c => c,
        })
        .collect();
    let (negative, digits) = match cleaned.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, cleaned.as_str()),
    };
    let (whole, frac) = digits.split_once('.').unwrap_or((digits, ""));
    if whole.is_empty() && frac.is_empty() || frac.len() > 2 || !frac.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let whole: i64 = if whole.is_empty() { 0 } else { whole.parse().ok()? };
    let frac: i64 = format!("{frac:0<2}").parse().ok()?;
    let value = whole.checked_mul(100)?.checked_add(frac)?;
    Some(if negative { -value } else { value })
}

/// Shows hundredths the Norwegian way: 4667 -> "46,67", 750 -> "7,5".
pub fn format_hundredths(value: i64) -> String {
    let sign = if value < 0 { "−" } else { "" };
    let v = value.unsigned_abs();
    let (whole, frac) = (v / 100, v % 100);
    match frac {
        0 => format!("{sign}{whole}"),
        f if f % 10 == 0 => format!("{sign}{whole},{}", f / 10),
        f => format!("{sign}{whole},{f:02}"),
    }
}

fn first<'a>(raw: &'a RawAnswers, name: &str) -> Option<&'a str> {
    raw.get(name).and_then(|v| v.first()).map(|s| s.trim()).filter(|s| !s.is_empty())
}

/// The general cap of a count (integer, table cell), and of hours and percent in whole units:
/// a field without a maximum of its own takes it, and no field's own maximum goes beyond it.
/// A billion is far above any count in the programme (Norway has 5.6 million people) and keeps
/// sums of every municipality within `i64`.
pub const MAX_COUNT: i64 = 1_000_000_000;
/// The general cap of a money field, in whole kroner: one hundred billion, the grants cap too.
pub const MAX_MONEY: i64 = 100_000_000_000;

/// The bounds that apply to a field, in its own units (whole hours and percent): its own min and
/// max, within ± the general cap of its kind.
pub fn bounds(field: &Field) -> (i64, i64) {
    let cap = if field.kind == FieldKind::Money { MAX_MONEY } else { MAX_COUNT };
    (field.min.map_or(-cap, |m| m.max(-cap)), field.max.map_or(cap, |m| m.min(cap)))
}

/// Checks `value` (typed as `shown`) against the field's bounds; `label` names it in the message
/// (a table cell by its row and column).
fn check_bounds(field: &Field, name: &str, label: &str, value: i64, shown: &str, errors: &mut Vec<FieldError>) {
    let scale =
        |b: i64| if matches!(field.kind, FieldKind::Hours | FieldKind::Percent) { b.saturating_mul(100) } else { b };
    let (min, max) = bounds(field);
    if value < scale(min) {
        errors.push(error(name, format!("{label}: «{shown}» er mindre enn minste tillatte verdi {}", grouped(min))));
    }
    if value > scale(max) {
        errors.push(error(name, format!("{label}: «{shown}» er større enn høyeste tillatte verdi {}", grouped(max))));
    }
}

fn parse_field(field: &Field, raw: &RawAnswers, errors: &mut Vec<FieldError>) -> Option<Answer> {
    let code = field.code.as_str();
    match &field.kind {
        FieldKind::Integer | FieldKind::Money => parse_number(field, first(raw, code)?, errors),
        FieldKind::Hours | FieldKind::Percent => parse_decimal(field, first(raw, code)?, errors),
        FieldKind::Date => parse_date(field, first(raw, code)?, errors),
        FieldKind::ShortText | FieldKind::LongText => {
            let text = first(raw, code)?;
            let limit = if field.kind == FieldKind::ShortText { 300 } else { 10_000 };
            if text.chars().count() > limit {
                errors.push(error(code, format!("{}: teksten er for lang (høyst {limit} tegn)", field.label)));
            }
            Some(Answer::Text(text.to_string()))
        }
        FieldKind::SingleChoice { options } => {
            let text = first(raw, code)?;
            if options.iter().any(|o| o == text) {
                Some(Answer::Choice(text.to_string()))
            } else {
                errors.push(error(code, format!("{}: «{text}» er ikke et av svaralternativene", field.label)));
                None
            }
        }
        FieldKind::MultipleChoice { options } => parse_choices(field, options, raw, errors),
        FieldKind::TrafficLight => parse_light(field, raw, errors),
        FieldKind::File => {
            let text = first(raw, code)?;
            if text.len() == 64 && text.bytes().all(|b| b.is_ascii_hexdigit()) {
                Some(Answer::File(text.to_ascii_lowercase()))
            } else {
                errors.push(error(code, format!("{}: ukjent fil", field.label)));
                None
            }
        }
        FieldKind::Table { rows, columns } => parse_table(field, rows, columns, raw, errors),
    }
}

fn parse_number(field: &Field, text: &str, errors: &mut Vec<FieldError>) -> Option<Answer> {
    let Some(n) = parse_whole(text) else {
        errors.push(error(&field.code, format!("{}: «{text}» er ikke et helt tall", field.label)));
        return None;
    };
    check_bounds(field, &field.code, &field.label, n, text, errors);
    Some(Answer::Whole(n))
}

fn parse_decimal(field: &Field, text: &str, errors: &mut Vec<FieldError>) -> Option<Answer> {
    let Some(n) = parse_hundredths(text) else {
        errors.push(error(&field.code, format!("{}: «{text}» er ikke et tall (høyst to desimaler)", field.label)));
        return None;
    };
    check_bounds(field, &field.code, &field.label, n, text, errors);
    Some(Answer::Hundredths(n))
}

fn parse_date(field: &Field, text: &str, errors: &mut Vec<FieldError>) -> Option<Answer> {
    match NaiveDate::parse_from_str(text, "%Y-%m-%d").or_else(|_| NaiveDate::parse_from_str(text, "%d.%m.%Y")) {
        Ok(d) => Some(Answer::Date(d)),
        Err(_) => {
            errors.push(error(&field.code, format!("{}: «{text}» er ikke en gyldig dato (DD.MM.ÅÅÅÅ)", field.label)));
            None
        }
    }
}

fn parse_choices(field: &Field, options: &[String], raw: &RawAnswers, errors: &mut Vec<FieldError>) -> Option<Answer> {
    let chosen: Vec<String> =
        raw.get(&field.code).into_iter().flatten().map(|s| s.trim().to_string()).filter(|s| !s.is_empty()).collect();
    if chosen.is_empty() {
        return None;
    }
    if let Some(bad) = chosen.iter().find(|c| !options.contains(c)) {
        errors.push(error(&field.code, format!("{}: «{bad}» er ikke et av svaralternativene", field.label)));
        return None;
    }
    // Keep the template's order, whatever order the browser sent.
    Some(Answer::Choices(options.iter().filter(|o| chosen.contains(o)).cloned().collect()))
}

fn parse_light(field: &Field, raw: &RawAnswers, errors: &mut Vec<FieldError>) -> Option<Answer> {
    let (code, label) = (field.code.as_str(), &field.label);
    let comment = first(raw, &format!("{code}.kommentar")).unwrap_or_default().to_string();
    let Some(text) = first(raw, code) else {
        if !comment.is_empty() {
            errors.push(error(code, format!("{label}: velg grønn, gul eller rød for kommentaren")));
        }
        return None;
    };
    match TrafficLight::from_code(text) {
        Some(light) => Some(Answer::Light { light, comment }),
        None => {
            errors.push(error(code, format!("{label}: «{text}» er ikke grønn, gul eller rød")));
            None
        }
    }
}

fn parse_table(
    field: &Field,
    rows: &[String],
    columns: &[String],
    raw: &RawAnswers,
    errors: &mut Vec<FieldError>,
) -> Option<Answer> {
    let mut out = Vec::new();
    let mut any = false;
    for (r, row) in rows.iter().enumerate() {
        let mut values = Vec::new();
        for (c, column) in columns.iter().enumerate() {
            let name = format!("{}.{r}.{c}", field.code);
            let value = match first(raw, &name) {
                None => None,
                Some(text) => match parse_whole(text) {
                    Some(n) => {
                        any = true;
                        check_bounds(field, &name, &format!("{}, {row}, {column}", field.label), n, text, errors);
                        Some(n)
                    }
                    None => {
                        errors.push(error(
                            &name,
                            format!("{}, {row}, {column}: «{text}» er ikke et helt tall", field.label),
                        ));
                        None
                    }
                },
            };
            values.push(value);
        }
        out.push(TableRow { row: row.clone(), values });
    }
    any.then_some(Answer::Table(out))
}

/// Parses everything the user typed. Fields left empty are absent; a draft may be incomplete.
/// Returns every problem at once, each on its field.
pub fn parse(template: &FormTemplate, raw: &RawAnswers) -> Result<Answers, Vec<FieldError>> {
    let (answers, errors) = read(template, raw);
    if errors.is_empty() { Ok(answers) } else { Err(errors) }
}

/// The fields of a template, each labelled so that its messages tell it from the others: a
/// label the form uses more than once («Status» under each task) is prefixed by its section.
fn distinct_fields(template: &FormTemplate) -> Vec<Cow<'_, Field>> {
    let mut count: HashMap<&str, usize> = HashMap::new();
    for f in template.fields() {
        *count.entry(f.label.as_str()).or_default() += 1;
    }
    let mut out = Vec::new();
    for section in &template.sections {
        for f in &section.fields {
            if count.get(f.label.as_str()).is_some_and(|n| *n > 1) {
                out.push(Cow::Owned(Field { label: format!("{}: {}", section.title, f.label), ..f.clone() }));
            } else {
                out.push(Cow::Borrowed(f));
            }
        }
    }
    out
}

/// The label that names field `code` in messages (see [`distinct_fields`]); the code itself
/// for a field the form does not have.
pub fn label_of(template: &FormTemplate, code: &str) -> String {
    distinct_fields(template).into_iter().find(|f| f.code == code).map_or_else(|| code.to_string(), |f| f.label.clone())
}

/// What could be read, and every problem with the rest: each value that cannot be read or is
/// out of bounds, each cross rule broken. A field in error is absent from the answers.
pub(crate) fn read(template: &FormTemplate, raw: &RawAnswers) -> (Answers, Vec<FieldError>) {
    let mut errors = Vec::new();
    let mut answers = Answers::new();
    for field in distinct_fields(template) {
        if let Some(answer) = parse_field(&field, raw, &mut errors) {
            answers.insert(field.code.clone(), answer);
        }
    }
    for rule in &template.rules {
        let CrossRule::AtMost { left, right } = rule;
        let value = |code: &str| answers.get(code).and_then(Answer::as_number);
        if let (Some(l), Some(r)) = (value(left), value(right)) {
            if l > r {
                let label = |code: &str| template.field(code).map_or(code.to_string(), |f| f.label.clone());
                errors.push(error(
                    left,
                    format!("{} ({l}) kan ikke være større enn {} ({r})", label(left), label(right)),
                ));
            }
        }
    }
    (answers, errors)
}

/// Before a submission is sent: every required field must have an answer.
pub fn missing_required(template: &FormTemplate, answers: &Answers) -> Vec<FieldError> {
    distinct_fields(template)
        .into_iter()
        .filter(|f| f.required && !answers.contains_key(&f.code))
        .map(|f| error(&f.code, format!("{} må fylles ut", f.label)))
        .collect()
}

/// The raw form values that show `answers` again (for a form that re-opens a saved draft).
pub fn to_raw(template: &FormTemplate, answers: &Answers) -> RawAnswers {
    let mut raw = RawAnswers::new();
    for field in template.fields() {
        let code = &field.code;
        match answers.get(code) {
            None => {}
            Some(Answer::Whole(n)) => {
                raw.insert(code.clone(), vec![n.to_string()]);
            }
            Some(Answer::Hundredths(n)) => {
                raw.insert(code.clone(), vec![format_hundredths(*n)]);
            }
            Some(Answer::Date(d)) => {
                raw.insert(code.clone(), vec![d.to_string()]);
            }
            Some(Answer::Text(t) | Answer::Choice(t) | Answer::File(t)) => {
                raw.insert(code.clone(), vec![t.clone()]);
            }
            Some(Answer::Choices(list)) => {
                raw.insert(code.clone(), list.clone());
            }
            Some(Answer::Light { light, comment }) => {
                raw.insert(code.clone(), vec![light.code().to_string()]);
                raw.insert(format!("{code}.kommentar"), vec![comment.clone()]);
            }
            Some(Answer::Table(rows)) => {
                for (r, row) in rows.iter().enumerate() {
                    for (c, v) in row.values.iter().enumerate() {
                        if let Some(v) = v {
                            raw.insert(format!("{code}.{r}.{c}"), vec![v.to_string()]);
                        }
                    }
                }
            }
        }
    }
    raw
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::reporting::template::tests::alarm_template;

    #[test]
    fn every_number_has_a_maximum_named_in_the_message() {
        let mut field = alarm_template().fields().find(|f| f.kind == FieldKind::Integer).unwrap().clone();
        (field.min, field.max) = (None, None);
        assert_eq!(bounds(&field), (-MAX_COUNT, MAX_COUNT), "no bounds of its own: the general cap");
        field.max = Some(i64::MAX);
        assert_eq!(bounds(&field).1, MAX_COUNT, "no own max beyond the cap");
        field.max = Some(500);
        assert_eq!(bounds(&field).1, 500);
        field.kind = FieldKind::Money;
        field.max = None;
        assert_eq!(bounds(&field), (-MAX_MONEY, MAX_MONEY));
        field.kind = FieldKind::Integer;
        for (text, ok) in [
            ("1000000000", true),
            ("1000000001", false),
            ("9223372036854775807", false),
            ("-9223372036854775808", false),
        ] {
            let mut errors = Vec::new();
            parse_number(&field, text, &mut errors);
            assert_eq!(errors.is_empty(), ok, "{text}: {errors:?}");
            if !ok {
                assert!(
                    errors[0].message.contains(&field.label) && errors[0].message.contains("000\u{a0}000\u{a0}000"),
                    "{errors:?}"
                );
            }
        }
        field.kind = FieldKind::Percent;
        let mut errors = Vec::new();
        parse_decimal(&field, "1000000000,01", &mut errors);
        assert!(errors[0].message.contains("høyeste tillatte verdi 1\u{a0}000\u{a0}000\u{a0}000"), "{errors:?}");
    }

    fn raw(pairs: &[(&str, &str)]) -> RawAnswers {
        let mut raw = RawAnswers::new();
        for (k, v) in pairs {
            raw.entry(k.to_string()).or_default().push(v.to_string());
        }
        raw
    }

    #[test]
    fn numbers_are_read_the_norwegian_way() {
        assert_eq!(parse_whole("1 447 130 kr"), Some(1_447_130));
        assert_eq!(parse_whole("1\u{a0}447"), Some(1447));
        assert_eq!(parse_whole("12,5"), None);
        assert_eq!(parse_hundredths("46,67"), Some(4667));
        assert_eq!(parse_hundredths("7.5"), Some(750));
        assert_eq!(parse_hundredths("12 %"), Some(1200));
        assert_eq!(parse_hundredths("1,234"), None);
        assert_eq!(format_hundredths(4667), "46,67");
        assert_eq!(format_hundredths(750), "7,5");
        assert_eq!(format_hundredths(1200), "12");
    }

    #[test]
    fn a_good_answer_parses_into_typed_values_and_back() {
        let t = alarm_template();
        let input = raw(&[
            ("trygghetsalarmer", "300"),
            ("herav_mobile", "150"),
            ("status", "I rute"),
            ("tjenestemodell", "yellow"),
            ("tjenestemodell.kommentar", "Mangler rutine for nattevakt"),
            ("frist", "14.05.2020"),
            ("investering", "1 447 130"),
            ("brukere.0.0", "25"),
            ("brukere.1.1", "3"),
        ]);
        let answers = parse(&t, &input).unwrap();
        assert_eq!(answers["investering"], Answer::Whole(1_447_130));
        assert_eq!(answers["frist"], Answer::Date(NaiveDate::from_ymd_opt(2020, 5, 14).unwrap()));
        assert!(matches!(&answers["tjenestemodell"], Answer::Light { light: TrafficLight::Yellow, .. }));
        let Answer::Table(rows) = &answers["brukere"] else { panic!() };
        assert_eq!(rows[0].values, vec![Some(25), None]);
        assert_eq!(rows[1].values, vec![None, Some(3)]);
        assert_eq!(parse(&t, &to_raw(&t, &answers)).unwrap(), answers);
        assert!(missing_required(&t, &answers).is_empty());
    }

    #[test]
    fn every_bad_value_is_named_on_its_field() {
        let t = alarm_template();
        let input = raw(&[
            ("trygghetsalarmer", "-1"),
            ("herav_mobile", "mange"),
            ("status", "Ukjent"),
            ("tjenestemodell", "blå"),
            ("frist", "31.02.2020"),
            ("brukere.1.0", "x"),
        ]);
        let errors = parse(&t, &input).unwrap_err();
        let by_field: BTreeMap<&str, &str> = errors.iter().map(|e| (e.field.as_str(), e.message.as_str())).collect();
        assert!(by_field["trygghetsalarmer"].contains("«-1» er mindre enn minste tillatte verdi 0"));
        assert!(by_field["herav_mobile"].contains("«mange»"));
        assert!(by_field["status"].contains("«Ukjent»"));
        assert!(by_field["tjenestemodell"].contains("«blå»"));
        assert!(by_field["frist"].contains("«31.02.2020»"));
        assert!(by_field["brukere.1.0"].contains("Digitalt tilsyn, inkluderte: «x»"));
    }

    #[test]
    fn a_label_the_form_uses_twice_is_named_with_its_section() {
        let mut t = alarm_template();
        let mut second = t.sections[0].clone();
        second.title = "Digitalt tilsyn".into();
        for f in &mut second.fields {
            f.code = format!("{}_dt", f.code);
        }
        second.fields.truncate(1);
        t.sections.push(second);
        assert_eq!(label_of(&t, "trygghetsalarmer_dt"), "Digitalt tilsyn: Felt trygghetsalarmer");
        assert_eq!(label_of(&t, "herav_mobile"), "Felt herav_mobile", "a label used once stays as it is");
        let missing = missing_required(&t, &Answers::new());
        let messages: Vec<&str> = missing.iter().map(|e| e.message.as_str()).collect();
        assert_eq!(
            messages,
            [
                "Trygghetsalarmer: Felt trygghetsalarmer må fylles ut",
                "Digitalt tilsyn: Felt trygghetsalarmer må fylles ut"
            ]
        );
    }

    #[test]
    fn cross_field_rules_and_required_fields() {
        let t = alarm_template();
        let errors = parse(&t, &raw(&[("trygghetsalarmer", "10"), ("herav_mobile", "11")])).unwrap_err();
        assert_eq!(errors.len(), 1);
        assert_eq!(errors[0].field, "herav_mobile");
        assert!(errors[0].message.contains("(11) kan ikke være større enn"));
        let empty = parse(&t, &RawAnswers::new()).unwrap();
        let missing = missing_required(&t, &empty);
        assert_eq!(missing.len(), 1);
        assert_eq!(missing[0].field, "trygghetsalarmer");
    }
}
