//! Checking a form (kontroll av skjema) in one pass: everything wrong with what was typed is
//! found at once, so a form sent in lists every missing and every bad field the first time,
//! never some only on the next try.

use super::answers::{Answer, Answers, FieldError, RawAnswers, missing_required, read};
use super::template::{FieldKind, FormTemplate};

/// What the answers are checked for: a draft may be incomplete, answers sent in may not.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Purpose {
    Draft,
    Send,
}

/// A deliverable (leveranse) ticked in a multiple-choice field and the file field that holds
/// it: the file field is labelled after the option, «Egenerklæringsskjema (fil)».
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Deliverable<'a> {
    pub choice: &'a str,
    pub option: &'a str,
    pub file: &'a str,
    pub file_label: &'a str,
}

/// The deliverables of a template: each option of a multiple-choice field that has a file field
/// labelled «<option> (fil)» in the same section.
pub fn deliverables(template: &FormTemplate) -> Vec<Deliverable<'_>> {
    let mut out = Vec::new();
    for section in &template.sections {
        for choice in &section.fields {
            let FieldKind::MultipleChoice { options } = &choice.kind else { continue };
            for option in options {
                let label = format!("{option} (fil)");
                let file = section.fields.iter().find(|f| f.kind == FieldKind::File && f.label == label);
                if let Some(file) = file {
                    out.push(Deliverable { choice: &choice.code, option, file: &file.code, file_label: &file.label });
                }
            }
        }
    }
    out
}

/// Each deliverable ticked as finished whose file is not there, named on the file field.
pub fn deliverables_without_file(template: &FormTemplate, answers: &Answers) -> Vec<FieldError> {
    deliverables(template)
        .into_iter()
        .filter(|d| matches!(answers.get(d.choice), Some(Answer::Choices(list)) if list.iter().any(|o| o == d.option)))
        .filter(|d| !matches!(answers.get(d.file), Some(Answer::File(_))))
        .map(|d| FieldError {
            field: d.file.to_string(),
            message: format!("{} er krysset av som ferdig, men filen mangler: last opp {}", d.option, d.file_label),
        })
        .collect()
}

/// What stands in the way of sending the answers in: each required field left empty and each
/// deliverable ticked as finished without its file.
pub fn incomplete(template: &FormTemplate, answers: &Answers) -> Vec<FieldError> {
    let mut errors = missing_required(template, answers);
    errors.extend(deliverables_without_file(template, answers));
    errors
}

/// Reads and checks a form in one pass. `files` are the file answers as they will stand (the
/// stored ones with this post's uploads and removals): a file field takes its answer from there,
/// never from what was typed; `found` are problems already found with the post (a file refused).
/// For [`Purpose::Send`] the answers must also be complete; a field already in error is named
/// once, for that, not again as missing. The errors come in the form's order.
pub fn check(
    template: &FormTemplate,
    raw: &RawAnswers,
    files: &Answers,
    purpose: Purpose,
    found: Vec<FieldError>,
) -> Result<Answers, Vec<FieldError>> {
    let (mut answers, read_errors) = read(template, raw);
    let mut errors = found;
    errors.extend(read_errors);
    for f in template.fields().filter(|f| f.kind == FieldKind::File) {
        match files.get(&f.code) {
            Some(file) => answers.insert(f.code.clone(), file.clone()),
            None => answers.remove(&f.code),
        };
    }
    if purpose == Purpose::Send {
        let named = |e: &FieldError| errors.iter().any(|o| in_field(&o.field, &e.field));
        let more: Vec<FieldError> = incomplete(template, &answers).into_iter().filter(|e| !named(e)).collect();
        errors.extend(more);
    }
    if errors.is_empty() { Ok(answers) } else { Err(in_form_order(template, errors)) }
}

/// Whether the input `name` belongs to field `code` (itself, a table cell, a comment).
fn in_field(name: &str, code: &str) -> bool {
    name == code || name.strip_prefix(code).is_some_and(|rest| rest.starts_with('.'))
}

/// The errors sorted by where their field stands in the form (a stable sort: a field's own
/// errors keep their order).
pub fn in_form_order(template: &FormTemplate, mut errors: Vec<FieldError>) -> Vec<FieldError> {
    let position = |name: &str| template.fields().position(|f| in_field(name, &f.code)).unwrap_or(usize::MAX);
    errors.sort_by_key(|e| position(&e.field));
    errors
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::reporting::template::tests::{alarm_template, field};
    use crate::reporting::template::{Field, Section};

    fn raw(pairs: &[(&str, &str)]) -> RawAnswers {
        let mut raw = RawAnswers::new();
        for (k, v) in pairs {
            raw.entry(k.to_string()).or_default().push(v.to_string());
        }
        raw
    }

    fn required(mut f: Field) -> Field {
        f.required = true;
        f
    }

    /// A milestone form: two deliverables with their files, a date, and required service tasks.
    fn milestone() -> FormTemplate {
        let options = vec!["Egenerklæringsskjema".to_string(), "Flytskjema".to_string()];
        let mut file = field("fil_egen", FieldKind::File);
        file.label = "Egenerklæringsskjema (fil)".into();
        let mut flow = field("fil_flyt", FieldKind::File);
        flow.label = "Flytskjema (fil)".into();
        FormTemplate {
            code: "m".into(),
            name: "M".into(),
            description: String::new(),
            sections: vec![
                Section {
                    title: "Leveranser".into(),
                    help: String::new(),
                    fields: vec![required(field("leveranser", FieldKind::MultipleChoice { options })), file, flow],
                },
                Section {
                    title: "Oppgaver".into(),
                    help: String::new(),
                    fields: vec![
                        required(field("ansvar", FieldKind::ShortText)),
                        required(field("status", FieldKind::TrafficLight)),
                        required(field("antall", FieldKind::Integer)),
                        required(field("dato", FieldKind::Date)),
                    ],
                },
            ],
            rules: vec![],
        }
    }

    #[test]
    fn one_send_names_every_missing_and_every_bad_field_in_form_order() {
        let t = milestone();
        // A comment without its light and a bad number: both named, and every other required
        // field as missing, all in the one answer.
        let input = raw(&[("status.kommentar", "Venter på rutine"), ("antall", "mange")]);
        let errors = check(&t, &input, &Answers::new(), Purpose::Send, vec![]).unwrap_err();
        let fields: Vec<&str> = errors.iter().map(|e| e.field.as_str()).collect();
        assert_eq!(fields, ["leveranser", "ansvar", "status", "antall", "dato"], "{errors:?}");
        assert!(errors[2].message.contains("velg grønn, gul eller rød"), "{errors:?}");
        assert!(errors[3].message.contains("«mange»"), "named once, for the bad value: {errors:?}");
        let draft = check(&t, &raw(&[("antall", "mange")]), &Answers::new(), Purpose::Draft, vec![]).unwrap_err();
        assert_eq!(draft.len(), 1, "a draft may be incomplete: {draft:?}");
    }

    #[test]
    fn a_deliverable_ticked_as_finished_needs_its_file() {
        let t = milestone();
        let d = deliverables(&t);
        assert_eq!(d.len(), 2);
        assert_eq!((d[0].choice, d[0].option, d[0].file), ("leveranser", "Egenerklæringsskjema", "fil_egen"));
        let input = raw(&[
            ("leveranser", "Egenerklæringsskjema"),
            ("leveranser", "Flytskjema"),
            ("ansvar", "Leder"),
            ("status", "green"),
            ("antall", "3"),
            ("dato", "14.05.2020"),
        ]);
        let mut files = Answers::new();
        files.insert("fil_flyt".into(), Answer::File("a".repeat(64)));
        let errors = check(&t, &input, &files, Purpose::Send, vec![]).unwrap_err();
        assert_eq!(errors.len(), 1, "{errors:?}");
        assert_eq!(errors[0].field, "fil_egen");
        assert_eq!(
            errors[0].message,
            "Egenerklæringsskjema er krysset av som ferdig, men filen mangler: last opp Egenerklæringsskjema (fil)"
        );
        files.insert("fil_egen".into(), Answer::File("b".repeat(64)));
        let answers = check(&t, &input, &files, Purpose::Send, vec![]).unwrap();
        assert_eq!(answers["fil_egen"], Answer::File("b".repeat(64)));
    }

    #[test]
    fn a_typed_file_key_is_never_an_answer() {
        let t = milestone();
        let input = raw(&[("fil_egen", &"c".repeat(64))]);
        let answers = check(&t, &input, &Answers::new(), Purpose::Draft, vec![]).unwrap();
        assert!(!answers.contains_key("fil_egen"), "{answers:?}");
    }

    #[test]
    fn cross_rules_and_cells_are_ordered_with_their_fields() {
        let t = alarm_template();
        let input = raw(&[("brukere.1.0", "x"), ("herav_mobile", "11"), ("trygghetsalarmer", "10")]);
        let errors = check(&t, &input, &Answers::new(), Purpose::Send, vec![]).unwrap_err();
        let fields: Vec<&str> = errors.iter().map(|e| e.field.as_str()).collect();
        assert_eq!(fields, ["herav_mobile", "brukere.1.0"], "{errors:?}");
    }
}
