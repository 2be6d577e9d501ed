//! Building a form template step by step (the template builder): each edit is applied to a copy
//! and the result checked, so a template is never stored half-changed. Only a template that no
//! round uses may be edited; the caller makes a new version of a frozen one.

use super::template::{CrossRule, Field, FieldKind, FormTemplate, Section, TemplateError};

/// One change a national admin makes in the builder.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TemplateEdit {
    Describe {
        name: String,
        description: String,
    },
    AddSection {
        title: String,
        help: String,
    },
    MoveSection {
        index: usize,
        up: bool,
    },
    /// Removes a section with its fields.
    RemoveSection {
        index: usize,
    },
    AddField {
        section: usize,
        field: Field,
    },
    /// Replaces the field with code `code` (its code may change too).
    ReplaceField {
        code: String,
        field: Field,
    },
    /// Moves a field one step; at the edge of its section it moves into the next section.
    MoveField {
        code: String,
        up: bool,
    },
    RemoveField {
        code: String,
    },
    AddRule {
        left: String,
        right: String,
    },
    RemoveRule {
        index: usize,
    },
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum EditError {
    #[error("seksjon {0} finnes ikke")]
    NoSection(usize),
    #[error("feltet «{0}» finnes ikke")]
    NoField(String),
    #[error("regel {0} finnes ikke")]
    NoRule(usize),
    #[error("seksjonen mangler tittel")]
    SectionTitleMissing,
    #[error("{0}")]
    Template(TemplateError),
}

fn locate(t: &FormTemplate, code: &str) -> Result<(usize, usize), EditError> {
    t.sections
        .iter()
        .enumerate()
        .find_map(|(s, sec)| sec.fields.iter().position(|f| f.code == code).map(|i| (s, i)))
        .ok_or_else(|| EditError::NoField(code.to_string()))
}

fn move_field(t: &mut FormTemplate, code: &str, up: bool) -> Result<(), EditError> {
    let (s, i) = locate(t, code)?;
    let len = t.sections[s].fields.len();
    match (up, i) {
        (true, 0) if s > 0 => {
            let f = t.sections[s].fields.remove(0);
            t.sections[s - 1].fields.push(f);
        }
        (true, 0) => {}
        (true, _) => t.sections[s].fields.swap(i, i - 1),
        (false, _) if i + 1 < len => t.sections[s].fields.swap(i, i + 1),
        (false, _) if s + 1 < t.sections.len() => {
            let f = t.sections[s].fields.remove(i);
            t.sections[s + 1].fields.insert(0, f);
        }
        (false, _) => {}
    }
    Ok(())
}

fn apply_one(t: &mut FormTemplate, edit: TemplateEdit) -> Result<(), EditError> {
    let section_exists =
        |t: &FormTemplate, i: usize| if i < t.sections.len() { Ok(()) } else { Err(EditError::NoSection(i + 1)) };
    match edit {
        TemplateEdit::Describe { name, description } => {
            t.name = name.trim().to_string();
            t.description = description.trim().to_string();
        }
        TemplateEdit::AddSection { title, help } => {
            if title.trim().is_empty() {
                return Err(EditError::SectionTitleMissing);
            }
            t.sections.push(Section { title: title.trim().into(), help: help.trim().into(), fields: vec![] });
        }
        TemplateEdit::MoveSection { index, up } => {
            section_exists(t, index)?;
            let other = if up { index.checked_sub(1) } else { Some(index + 1).filter(|o| *o < t.sections.len()) };
            if let Some(o) = other {
                t.sections.swap(index, o);
            }
        }
        TemplateEdit::RemoveSection { index } => {
            section_exists(t, index)?;
            let removed = t.sections.remove(index);
            t.rules.retain(|CrossRule::AtMost { left, right }| {
                !removed.fields.iter().any(|f| &f.code == left || &f.code == right)
            });
        }
        TemplateEdit::AddField { section, field } => {
            section_exists(t, section)?;
            t.sections[section].fields.push(field);
        }
        TemplateEdit::ReplaceField { code, field } => {
            let (s, i) = locate(t, &code)?;
            for CrossRule::AtMost { left, right } in &mut t.rules {
                for side in [left, right] {
                    if *side == code {
                        side.clone_from(&field.code);
                    }
                }
            }
            t.sections[s].fields[i] = field;
        }
        TemplateEdit::MoveField { code, up } => move_field(t, &code, up)?,
        TemplateEdit::RemoveField { code } => {
            let (s, i) = locate(t, &code)?;
            t.sections[s].fields.remove(i);
            t.rules.retain(|CrossRule::AtMost { left, right }| *left != code && *right != code);
        }
        TemplateEdit::AddRule { left, right } => t.rules.push(CrossRule::AtMost { left, right }),
        TemplateEdit::RemoveRule { index } => {
            if index >= t.rules.len() {
                return Err(EditError::NoRule(index + 1));
            }
            t.rules.remove(index);
        }
    }
    Ok(())
}

/// Applies an edit and returns the changed template, or every reason it would be unsound. A
/// template being built may still lack fields; a round needs [`FormTemplate::check`] to pass.
pub fn apply_edit(template: &FormTemplate, edit: TemplateEdit) -> Result<FormTemplate, Vec<EditError>> {
    let mut t = template.clone();
    apply_one(&mut t, edit).map_err(|e| vec![e])?;
    match t.check() {
        Ok(()) => Ok(t),
        Err(errors) => {
            let real: Vec<EditError> =
                errors.into_iter().filter(|e| *e != TemplateError::NoFields).map(EditError::Template).collect();
            if real.is_empty() { Ok(t) } else { Err(real) }
        }
    }
}

/// The kinds a builder offers, by the code the form posts.
pub const KIND_CODES: [&str; 12] = [
    "integer",
    "money",
    "hours",
    "percent",
    "date",
    "short_text",
    "long_text",
    "single_choice",
    "multiple_choice",
    "traffic_light",
    "file",
    "table",
];

/// Builds a field kind from the builder's form: `options` for choices, `rows` and `columns` for a
/// table (one per line there). Returns None for an unknown code.
pub fn kind_from_code(code: &str, options: Vec<String>, rows: Vec<String>, columns: Vec<String>) -> Option<FieldKind> {
    Some(match code {
        "integer" => FieldKind::Integer,
        "money" => FieldKind::Money,
        "hours" => FieldKind::Hours,
        "percent" => FieldKind::Percent,
        "date" => FieldKind::Date,
        "short_text" => FieldKind::ShortText,
        "long_text" => FieldKind::LongText,
        "single_choice" => FieldKind::SingleChoice { options },
        "multiple_choice" => FieldKind::MultipleChoice { options },
        "traffic_light" => FieldKind::TrafficLight,
        "file" => FieldKind::File,
        "table" => FieldKind::Table { rows, columns },
        _ => return None,
    })
}

/// The code the builder's form uses for a kind.
pub fn kind_code(kind: &FieldKind) -> &'static str {
    match kind {
        FieldKind::Integer => "integer",
        FieldKind::Money => "money",
        FieldKind::Hours => "hours",
        FieldKind::Percent => "percent",
        FieldKind::Date => "date",
        FieldKind::ShortText => "short_text",
        FieldKind::LongText => "long_text",
        FieldKind::SingleChoice { .. } => "single_choice",
        FieldKind::MultipleChoice { .. } => "multiple_choice",
        FieldKind::TrafficLight => "traffic_light",
        FieldKind::File => "file",
        FieldKind::Table { .. } => "table",
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::reporting::template::tests::{alarm_template, field};

    fn codes(t: &FormTemplate) -> Vec<Vec<&str>> {
        t.sections.iter().map(|s| s.fields.iter().map(|f| f.code.as_str()).collect()).collect()
    }

    #[test]
    fn a_template_is_built_from_nothing() {
        let empty = FormTemplate {
            code: "ny".into(),
            name: "Nytt skjema".into(),
            description: String::new(),
            sections: vec![],
            rules: vec![],
        };
        let t = apply_edit(&empty, TemplateEdit::AddSection { title: "Status".into(), help: String::new() }).unwrap();
        let t = apply_edit(&t, TemplateEdit::AddField { section: 0, field: field("a", FieldKind::Integer) }).unwrap();
        let t = apply_edit(&t, TemplateEdit::AddField { section: 0, field: field("b", FieldKind::Integer) }).unwrap();
        let t = apply_edit(&t, TemplateEdit::AddRule { left: "b".into(), right: "a".into() }).unwrap();
        assert_eq!(t.check(), Ok(()));
        let duplicate = apply_edit(&t, TemplateEdit::AddField { section: 0, field: field("a", FieldKind::Date) });
        assert_eq!(duplicate, Err(vec![EditError::Template(TemplateError::DuplicateCode("a".into()))]));
        assert_eq!(
            apply_edit(&t, TemplateEdit::AddField { section: 3, field: field("c", FieldKind::Date) }),
            Err(vec![EditError::NoSection(4)])
        );
    }

    #[test]
    fn fields_move_within_and_across_sections() {
        let mut t = alarm_template();
        t.sections.push(Section {
            title: "Til slutt".into(),
            help: String::new(),
            fields: vec![field("siste", FieldKind::LongText)],
        });
        let t = apply_edit(&t, TemplateEdit::MoveField { code: "herav_mobile".into(), up: true }).unwrap();
        assert_eq!(codes(&t)[0][..2], ["herav_mobile", "trygghetsalarmer"]);
        let t = apply_edit(&t, TemplateEdit::MoveField { code: "brukere".into(), up: false }).unwrap();
        assert_eq!(codes(&t)[1], ["brukere", "siste"]);
        let t = apply_edit(&t, TemplateEdit::MoveSection { index: 1, up: true }).unwrap();
        assert_eq!(t.sections[0].title, "Til slutt");
    }

    #[test]
    fn renaming_or_removing_a_field_keeps_rules_sound() {
        let t = alarm_template();
        let mut renamed = t.field("trygghetsalarmer").unwrap().clone();
        renamed.code = "alarmer".into();
        let t2 =
            apply_edit(&t, TemplateEdit::ReplaceField { code: "trygghetsalarmer".into(), field: renamed }).unwrap();
        assert_eq!(t2.rules, vec![CrossRule::AtMost { left: "herav_mobile".into(), right: "alarmer".into() }]);
        let t3 = apply_edit(&t2, TemplateEdit::RemoveField { code: "alarmer".into() }).unwrap();
        assert!(t3.rules.is_empty());
        let bad = apply_edit(&t3, TemplateEdit::AddRule { left: "status".into(), right: "herav_mobile".into() });
        assert_eq!(bad, Err(vec![EditError::Template(TemplateError::RuleField("status".into()))]));
    }

    #[test]
    fn kind_codes_round_trip() {
        for code in KIND_CODES {
            let kind = kind_from_code(code, vec!["a".into()], vec!["r".into()], vec!["c".into()]).unwrap();
            assert_eq!(kind_code(&kind), code);
        }
        assert!(kind_from_code("farge", vec![], vec![], vec![]).is_none());
    }
}
