//! Reported values (rapporterte verdier): a delivered submission's answers as one row per data
//! element, the shape indicators aggregate. Numbers in hundredths (so hours and percent add up
//! exactly with whole numbers); choices and traffic lights as text; free text, dates and files
//! are not figures and are left out.

use super::answers::{Answer, Answers};
use super::template::FormTemplate;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReportedValue {
    /// The field code, or `code.row.column` for a table cell (the DHIS2 data element).
    pub element: String,
    pub number: Option<i64>,
    /// A choice or a traffic light; empty for numbers.
    pub text: String,
}

fn number(element: String, hundredths: i64) -> ReportedValue {
    ReportedValue { element, number: Some(hundredths), text: String::new() }
}

fn text(element: &str, text: &str) -> ReportedValue {
    ReportedValue { element: element.to_string(), number: None, text: text.to_string() }
}

pub fn reported_values(template: &FormTemplate, answers: &Answers) -> Vec<ReportedValue> {
    let mut out = Vec::new();
    for field in template.fields() {
        let code = &field.code;
        match answers.get(code) {
            Some(Answer::Whole(n)) => out.push(number(code.clone(), n.saturating_mul(100))),
            Some(Answer::Hundredths(n)) => out.push(number(code.clone(), *n)),
            Some(Answer::Choice(c)) if !c.is_empty() => out.push(text(code, c)),
            Some(Answer::Choices(list)) => out.extend(list.iter().map(|c| text(code, c))),
            Some(Answer::Light { light, .. }) => out.push(text(code, light.code())),
            Some(Answer::Table(rows)) => {
                for (r, row) in rows.iter().enumerate() {
                    for (c, v) in row.values.iter().enumerate() {
                        if let Some(v) = v {
                            out.push(number(format!("{code}.{r}.{c}"), v.saturating_mul(100)));
                        }
                    }
                }
            }
            _ => {}
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::reporting::answers::{RawAnswers, parse};
    use crate::reporting::template::tests::alarm_template;

    #[test]
    fn numbers_in_hundredths_choices_as_text_free_text_left_out() {
        let t = alarm_template();
        let mut raw = RawAnswers::new();
        raw.insert("trygghetsalarmer".into(), vec!["120".into()]);
        raw.insert("status".into(), vec!["I rute".into()]);
        raw.insert("tjenestemodell".into(), vec!["green".into()]);
        raw.insert("tjenestemodell.kommentar".into(), vec!["På plass".into()]);
        raw.insert("brukere.1.0".into(), vec!["7".into()]);
        let answers = parse(&t, &raw).unwrap();
        let values = reported_values(&t, &answers);
        let find = |e: &str| values.iter().find(|v| v.element == e).cloned();
        assert_eq!(find("trygghetsalarmer").and_then(|v| v.number), Some(12_000));
        assert_eq!(find("status").map(|v| v.text), Some("I rute".into()));
        assert_eq!(find("tjenestemodell").map(|v| v.text), Some("green".into()));
        assert_eq!(find("brukere.1.0").and_then(|v| v.number), Some(700));
        assert!(find("tjenestemodell.kommentar").is_none());
    }
}
