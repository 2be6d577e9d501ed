//! DHIS2 `dataValueSets` interchange: a submission's answers as data values (data element = the
//! field code, or `code.row.column` for tables and `code.kommentar` for a traffic light's
//! comment; org unit = municipality number; period in DHIS2 syntax), and back.

use super::answers::{Answers, RawAnswers, to_raw};
use super::template::{FieldKind, FormTemplate};

/// One value as DHIS2 sends it.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct DataValue {
    pub data_element: String,
    pub period: String,
    pub org_unit: String,
    pub value: String,
}

/// The base field of a data element ("brukere.1.0" → "brukere").
pub fn field_of(element: &str) -> &str {
    element.split('.').next().unwrap_or(element)
}

/// A submission's answers as data values.
pub fn data_values(template: &FormTemplate, answers: &Answers, period: &str, org_unit: &str) -> Vec<DataValue> {
    let fields = template.field_index();
    to_raw(template, answers)
        .into_iter()
        .filter(|(_, values)| values.iter().any(|v| !v.is_empty()))
        .map(|(element, values)| {
            let decimal =
                fields.get(field_of(&element)).is_some_and(|f| matches!(f.kind, FieldKind::Hours | FieldKind::Percent));
            let mut value = values.join(";");
            if decimal {
                value = value.replace(',', ".");
            }
            DataValue { data_element: element, period: period.to_string(), org_unit: org_unit.to_string(), value }
        })
        .collect()
}

/// Data values back into the raw form input the form's parser reads (choices split on ";").
pub fn raw_from_values<'a>(template: &FormTemplate, values: impl IntoIterator<Item = &'a DataValue>) -> RawAnswers {
    let fields = template.field_index();
    let mut raw = RawAnswers::new();
    for v in values {
        let multiple =
            fields.get(field_of(&v.data_element)).is_some_and(|f| matches!(f.kind, FieldKind::MultipleChoice { .. }));
        let parts: Vec<String> =
            if multiple { v.value.split(';').map(|s| s.trim().to_string()).collect() } else { vec![v.value.clone()] };
        raw.insert(v.data_element.clone(), parts);
    }
    raw
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::reporting::answers::parse;
    use crate::reporting::template::tests::alarm_template;

    #[test]
    fn answers_go_out_as_data_values_and_come_back_the_same() {
        let t = alarm_template();
        let mut raw = RawAnswers::new();
        raw.insert("trygghetsalarmer".into(), vec!["120".into()]);
        raw.insert("herav_mobile".into(), vec!["40".into()]);
        raw.insert("status".into(), vec!["I rute".into()]);
        raw.insert("tjenestemodell".into(), vec!["green".into()]);
        raw.insert("tjenestemodell.kommentar".into(), vec!["På plass".into()]);
        raw.insert("brukere.1.0".into(), vec!["7".into()]);
        let answers = parse(&t, &raw).unwrap();
        let values = data_values(&t, &answers, "2025", "1804");
        let element = |e: &str| values.iter().find(|v| v.data_element == e).map(|v| v.value.clone());
        assert_eq!(element("trygghetsalarmer").as_deref(), Some("120"));
        assert_eq!(element("brukere.1.0").as_deref(), Some("7"));
        assert_eq!(element("tjenestemodell").as_deref(), Some("green"));
        assert!(values.iter().all(|v| v.period == "2025" && v.org_unit == "1804"));
        let back = parse(&t, &raw_from_values(&t, &values)).unwrap();
        assert_eq!(back, answers);
    }
}
