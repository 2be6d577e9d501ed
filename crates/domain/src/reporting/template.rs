//! Form template (skjemamal): sections and fields defined as data, versioned. A template that a
//! round uses is frozen; an edit makes a new version.

use serde::{Deserialize, Serialize};
use std::collections::BTreeSet;

/// Traffic light (trafikklys) for service-model tasks and status.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TrafficLight {
    Green,
    Yellow,
    Red,
}

impl TrafficLight {
    pub const ALL: [TrafficLight; 3] = [TrafficLight::Green, TrafficLight::Yellow, TrafficLight::Red];

    pub fn code(self) -> &'static str {
        match self {
            TrafficLight::Green => "green",
            TrafficLight::Yellow => "yellow",
            TrafficLight::Red => "red",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            TrafficLight::Green => "Grønn",
            TrafficLight::Yellow => "Gul",
            TrafficLight::Red => "Rød",
        }
    }

    pub fn from_code(code: &str) -> Option<TrafficLight> {
        TrafficLight::ALL.into_iter().find(|t| t.code() == code)
    }
}

/// What kind of answer a field takes.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum FieldKind {
    Integer,
    /// Whole kroner.
    Money,
    Hours,
    Percent,
    Date,
    ShortText,
    LongText,
    SingleChoice {
        options: Vec<String>,
    },
    MultipleChoice {
        options: Vec<String>,
    },
    /// Green / yellow / red with a comment.
    TrafficLight,
    /// A file deliverable; the answer is the stored file's SHA-256.
    File,
    /// One row per technology (`rows`), with whole-number columns (`columns`), e.g. included users
    /// and of whom new this period.
    Table {
        rows: Vec<String>,
        columns: Vec<String>,
    },
}

impl FieldKind {
    pub fn label(&self) -> &'static str {
        match self {
            FieldKind::Integer => "Heltall",
            FieldKind::Money => "Beløp (kr)",
            FieldKind::Hours => "Timer",
            FieldKind::Percent => "Prosent",
            FieldKind::Date => "Dato",
            FieldKind::ShortText => "Kort tekst",
            FieldKind::LongText => "Lang tekst",
            FieldKind::SingleChoice { .. } => "Ett valg",
            FieldKind::MultipleChoice { .. } => "Flere valg",
            FieldKind::TrafficLight => "Trafikklys",
            FieldKind::File => "Fil",
            FieldKind::Table { .. } => "Tabell per teknologi",
        }
    }

    /// Whether min/max apply (numbers only).
    pub fn is_numeric(&self) -> bool {
        matches!(self, FieldKind::Integer | FieldKind::Money | FieldKind::Hours | FieldKind::Percent)
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Field {
    /// Stable identifier within the template, used in exports and the API ("trygghetsalarm_brukere").
    pub code: String,
    pub label: String,
    #[serde(default)]
    pub help: String,
    #[serde(default)]
    pub required: bool,
    #[serde(default)]
    pub min: Option<i64>,
    #[serde(default)]
    pub max: Option<i64>,
    pub kind: FieldKind,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Section {
    pub title: String,
    #[serde(default)]
    pub help: String,
    pub fields: Vec<Field>,
}

/// A rule across fields, checked after each field on its own is valid.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "rule", rename_all = "snake_case")]
pub enum CrossRule {
    /// `left` <= `right`, e.g. "of which mobile" <= "safety alarms". The error is shown on `left`.
    AtMost { left: String, right: String },
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FormTemplate {
    /// Stable code of the template family ("statusrapport"); versions share it.
    pub code: String,
    pub name: String,
    #[serde(default)]
    pub description: String,
    pub sections: Vec<Section>,
    #[serde(default)]
    pub rules: Vec<CrossRule>,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TemplateError {
    #[error("skjemaet mangler navn")]
    NameMissing,
    #[error("skjemaet har ingen felt")]
    NoFields,
    #[error("feltkoden «{0}» er ugyldig: bruk små bokstaver, tall og _")]
    CodeInvalid(String),
    #[error("feltkoden «{0}» står flere ganger")]
    DuplicateCode(String),
    #[error("feltet «{0}» mangler ledetekst")]
    LabelMissing(String),
    #[error("feltet «{0}» må ha minst ett svaralternativ")]
    NoOptions(String),
    #[error("feltet «{0}»: minimum er større enn maksimum")]
    MinAboveMax(String),
    #[error("feltet «{0}»: min/maks gjelder bare tall")]
    BoundsOnText(String),
    #[error("regelen viser til feltet «{0}», som ikke finnes eller ikke er et tall")]
    RuleField(String),
    #[error("feltet «{0}»: svaralternativet «{1}» kan ikke inneholde «;», som skiller flere valg i én verdi (DHIS2)")]
    OptionSeparator(String, String),
}

fn valid_code(code: &str) -> bool {
    !code.is_empty()
        && code.len() <= 64
        && code.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_')
        && code.as_bytes()[0].is_ascii_lowercase()
}

impl FormTemplate {
    pub fn fields(&self) -> impl Iterator<Item = &Field> {
        self.sections.iter().flat_map(|s| s.fields.iter())
    }

    pub fn field(&self, code: &str) -> Option<&Field> {
        self.fields().find(|f| f.code == code)
    }

    /// The fields by code, for looking up many values (a form may have hundreds of fields).
    pub fn field_index(&self) -> std::collections::HashMap<&str, &Field> {
        self.fields().map(|f| (f.code.as_str(), f)).collect()
    }

    /// Checks that the template itself is sound before it is saved or used.
    pub fn check(&self) -> Result<(), Vec<TemplateError>> {
        let mut errors = Vec::new();
        if self.name.trim().is_empty() {
            errors.push(TemplateError::NameMissing);
        }
        if self.fields().next().is_none() {
            errors.push(TemplateError::NoFields);
        }
        let mut seen = BTreeSet::new();
        for f in self.fields() {
            if !valid_code(&f.code) {
                errors.push(TemplateError::CodeInvalid(f.code.clone()));
            } else if !seen.insert(f.code.as_str()) {
                errors.push(TemplateError::DuplicateCode(f.code.clone()));
            }
            if f.label.trim().is_empty() {
                errors.push(TemplateError::LabelMissing(f.code.clone()));
            }
            let no_options = match &f.kind {
                FieldKind::SingleChoice { options } | FieldKind::MultipleChoice { options } => options.is_empty(),
                FieldKind::Table { rows, columns } => rows.is_empty() || columns.is_empty(),
                _ => false,
            };
            if no_options {
                errors.push(TemplateError::NoOptions(f.code.clone()));
            }
            if let FieldKind::MultipleChoice { options } = &f.kind {
                let separator = super::dhis2::CHOICE_SEPARATOR;
                for o in options.iter().filter(|o| o.contains(separator)) {
                    errors.push(TemplateError::OptionSeparator(f.code.clone(), o.clone()));
                }
            }
            if (f.min.is_some() || f.max.is_some())
                && !f.kind.is_numeric()
                && !matches!(f.kind, FieldKind::Table { .. })
            {
                errors.push(TemplateError::BoundsOnText(f.code.clone()));
            }
            if let (Some(min), Some(max)) = (f.min, f.max) {
                if min > max {
                    errors.push(TemplateError::MinAboveMax(f.code.clone()));
                }
            }
        }
        for rule in &self.rules {
            let CrossRule::AtMost { left, right } = rule;
            for code in [left, right] {
                if !self.field(code).is_some_and(|f| f.kind.is_numeric()) {
                    errors.push(TemplateError::RuleField(code.clone()));
                }
            }
        }
        if errors.is_empty() { Ok(()) } else { Err(errors) }
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    pub fn field(code: &str, kind: FieldKind) -> Field {
        Field {
            code: code.into(),
            label: format!("Felt {code}"),
            help: String::new(),
            required: false,
            min: None,
            max: None,
            kind,
        }
    }

    pub fn alarm_template() -> FormTemplate {
        let mut alarms = field("trygghetsalarmer", FieldKind::Integer);
        alarms.required = true;
        alarms.min = Some(0);
        let mut mobile = field("herav_mobile", FieldKind::Integer);
        mobile.min = Some(0);
        FormTemplate {
            code: "teknologistatus".into(),
            name: "Teknologistatus".into(),
            description: String::new(),
            sections: vec![Section {
                title: "Trygghetsalarmer".into(),
                help: String::new(),
                fields: vec![
                    alarms,
                    mobile,
                    field("status", FieldKind::SingleChoice { options: vec!["I rute".into(), "Noe forsinket".into()] }),
                    field("tjenestemodell", FieldKind::TrafficLight),
                    field("frist", FieldKind::Date),
                    field("investering", FieldKind::Money),
                    field(
                        "brukere",
                        FieldKind::Table {
                            rows: vec!["GPS".into(), "Digitalt tilsyn".into()],
                            columns: vec!["inkluderte".into(), "nye".into()],
                        },
                    ),
                ],
            }],
            rules: vec![CrossRule::AtMost { left: "herav_mobile".into(), right: "trygghetsalarmer".into() }],
        }
    }

    #[test]
    fn a_sound_template_passes() {
        assert_eq!(alarm_template().check(), Ok(()));
    }

    #[test]
    fn template_faults_are_named() {
        let mut t = alarm_template();
        t.sections[0].fields.push(field("trygghetsalarmer", FieldKind::ShortText));
        t.sections[0].fields.push(field("Ugyldig kode", FieldKind::ShortText));
        t.sections[0].fields.push(field("valg", FieldKind::SingleChoice { options: vec![] }));
        let mut text = field("tekst", FieldKind::ShortText);
        text.max = Some(3);
        t.sections[0].fields.push(text);
        t.rules.push(CrossRule::AtMost { left: "status".into(), right: "finnes_ikke".into() });
        let errors: Vec<String> = t.check().unwrap_err().iter().map(ToString::to_string).collect();
        for needle in [
            "«trygghetsalarmer» står flere ganger",
            "«Ugyldig kode»",
            "«valg» må ha minst ett",
            "«tekst»: min/maks",
            "«status»",
            "«finnes_ikke»",
        ] {
            assert!(errors.iter().any(|e| e.contains(needle)), "{needle} in {errors:?}");
        }
    }

    #[test]
    fn a_multiple_choice_option_may_not_hold_the_separator() {
        // «;» joins several choices in one DHIS2 value (reporting::dhis2::CHOICE_SEPARATOR), so an
        // option holding it would come back as two.
        let mut t = alarm_template();
        let options = vec!["Trygghetsalarm; mobil".into(), "Annet".into()];
        t.sections[0].fields.push(field("losninger", FieldKind::MultipleChoice { options }));
        let errors: Vec<String> = t.check().unwrap_err().iter().map(ToString::to_string).collect();
        assert!(errors.iter().any(|e| e.contains("«losninger»") && e.contains("«;»")), "{errors:?}");
    }

    #[test]
    fn templates_round_trip_as_json() {
        let t = alarm_template();
        let json = serde_json::to_string(&t).unwrap();
        assert!(json.contains("\"type\":\"table\""));
        let back: FormTemplate = serde_json::from_str(&json).unwrap();
        assert_eq!(back, t);
    }
}
