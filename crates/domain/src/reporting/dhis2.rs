//! DHIS2 `dataValueSets` interchange: a submission's answers as data values (data element = the
//! field code, or `code.row.column` for tables and `code.kommentar` for a traffic light's
//! comment; org unit = municipality number or collaboration code; period in DHIS2 syntax), and
//! back, with DHIS2's import strategies and the counts of its import summary.

use super::answers::{Answers, RawAnswers, to_raw};
use super::template::{FieldKind, FormTemplate};

/// Joins the ticked options of a multiple choice in one value, out and in («Nei;Vet ikke»).
/// Not DHIS2's comma (MULTI_TEXT): option texts hold commas, and no option may hold this.
pub const CHOICE_SEPARATOR: char = ';';

/// One value as DHIS2 sends it.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct DataValue {
    pub data_element: String,
    pub period: String,
    pub org_unit: String,
    pub value: String,
    /// DHIS2's soft delete: the value is to be removed.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub deleted: bool,
}

/// DHIS2's `importStrategy`: what an import may do to the values already there.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum ImportStrategy {
    /// New values are added and changed ones replaced (DHIS2's default).
    #[default]
    CreateAndUpdate,
    /// Only values not there yet; the others are ignored.
    Create,
    /// Only values already there; the others are ignored.
    Update,
    /// Every value named is removed.
    Delete,
}

impl ImportStrategy {
    pub fn parse(text: &str) -> Result<ImportStrategy, String> {
        match text.trim().to_ascii_uppercase().as_str() {
            "CREATE_AND_UPDATE" => Ok(Self::CreateAndUpdate),
            "CREATE" => Ok(Self::Create),
            "UPDATE" => Ok(Self::Update),
            "DELETE" => Ok(Self::Delete),
            _ => Err(format!(
                "importStrategy «{text}» finnes ikke: bruk CREATE_AND_UPDATE (standard), CREATE, UPDATE eller DELETE"
            )),
        }
    }

    pub fn code(self) -> &'static str {
        match self {
            Self::CreateAndUpdate => "CREATE_AND_UPDATE",
            Self::Create => "CREATE",
            Self::Update => "UPDATE",
            Self::Delete => "DELETE",
        }
    }
}

/// DHIS2's id schemes as far as Samveis has them: codes (municipality number, collaboration
/// code, field code) and names. Samveis has no DHIS2 UIDs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum IdScheme {
    #[default]
    Code,
    Name,
}

impl IdScheme {
    pub fn parse(param: &str, text: &str) -> Result<IdScheme, String> {
        match text.trim().to_ascii_uppercase().as_str() {
            "CODE" => Ok(Self::Code),
            "NAME" => Ok(Self::Name),
            "UID" | "ID" => Err(format!(
                "{param}={text}: Samveis har ingen DHIS2-UID-er. Bruk {param}=CODE (kommunenummer, samarbeidets kode, feltkoden; standard her) eller NAME"
            )),
            _ => Err(format!("{param}={text} støttes ikke: bruk CODE (standard) eller NAME")),
        }
    }

    pub fn code(self) -> &'static str {
        match self {
            Self::Code => "CODE",
            Self::Name => "NAME",
        }
    }
}

/// The counts of DHIS2's `importCount`.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, serde::Serialize)]
pub struct ImportCount {
    pub imported: usize,
    pub updated: usize,
    pub ignored: usize,
    pub deleted: usize,
}

/// Lays values over one submission's raw answers as `strategy` allows, value by value in the
/// order given, and counts what each did. An empty value, like `deleted`, removes one.
pub fn apply<'a>(
    template: &FormTemplate,
    raw: &mut RawAnswers,
    values: impl IntoIterator<Item = &'a DataValue>,
    strategy: ImportStrategy,
) -> ImportCount {
    let kinds = Kinds(template.field_index());
    let mut count = ImportCount::default();
    for v in values {
        let incoming = kinds.raw_value(v);
        let existing = raw.get(&v.data_element).filter(|parts| parts.iter().any(|p| !p.trim().is_empty()));
        let remove = v.deleted || strategy == ImportStrategy::Delete || incoming.iter().all(String::is_empty);
        match (remove, existing) {
            (true, Some(_)) => {
                count.deleted += 1;
                raw.remove(&v.data_element);
            }
            (true, None) => count.ignored += 1,
            (false, Some(parts)) if strategy == ImportStrategy::Create || kinds.same(v, parts, &incoming) => {
                count.ignored += 1
            }
            (false, None) if strategy == ImportStrategy::Update => count.ignored += 1,
            (false, existing) => {
                if existing.is_some() {
                    count.updated += 1
                } else {
                    count.imported += 1
                }
                raw.insert(v.data_element.clone(), incoming);
            }
        }
    }
    count
}

/// The fields of a form by code, to read values by their field's kind.
struct Kinds<'a>(std::collections::HashMap<&'a str, &'a super::template::Field>);

impl Kinds<'_> {
    fn kind(&self, element: &str) -> Option<&FieldKind> {
        self.0.get(field_of(element)).map(|f| &f.kind)
    }

    /// One value as the form's raw input: a multiple choice split on [`CHOICE_SEPARATOR`].
    fn raw_value(&self, v: &DataValue) -> Vec<String> {
        if matches!(self.kind(&v.data_element), Some(FieldKind::MultipleChoice { .. })) {
            v.value.split(CHOICE_SEPARATOR).map(|s| s.trim().to_string()).filter(|s| !s.is_empty()).collect()
        } else {
            vec![v.value.trim().to_string()]
        }
    }

    /// The same value, trimmed, a decimal comma read as a point.
    fn same(&self, v: &DataValue, old: &[String], new: &[String]) -> bool {
        let decimal = matches!(self.kind(&v.data_element), Some(FieldKind::Hours | FieldKind::Percent));
        let norm = |p: &String| if decimal { p.trim().replace(',', ".") } else { p.trim().to_string() };
        old.iter().map(norm).eq(new.iter().map(norm))
    }
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
            let mut value = values.join(&CHOICE_SEPARATOR.to_string());
            if decimal {
                value = value.replace(',', ".");
            }
            DataValue {
                data_element: element,
                period: period.to_string(),
                org_unit: org_unit.to_string(),
                value,
                deleted: false,
            }
        })
        .collect()
}

/// Data values back into the raw form input the form's parser reads.
pub fn raw_from_values<'a>(template: &FormTemplate, values: impl IntoIterator<Item = &'a DataValue>) -> RawAnswers {
    let kinds = Kinds(template.field_index());
    values.into_iter().map(|v| (v.data_element.clone(), kinds.raw_value(v))).collect()
}

/// Every data element of a form with its name, in form order: a field by its label, a table
/// cell as «Label (row, column)», a traffic light's comment as «Label (kommentar)».
pub fn elements(template: &FormTemplate) -> Vec<(String, String)> {
    let mut out = Vec::new();
    for f in template.fields() {
        out.push((f.code.clone(), f.label.clone()));
        match &f.kind {
            FieldKind::Table { rows, columns } => {
                out.pop();
                for (r, row) in rows.iter().enumerate() {
                    for (c, column) in columns.iter().enumerate() {
                        out.push((format!("{}.{r}.{c}", f.code), format!("{} ({row}, {column})", f.label)));
                    }
                }
            }
            FieldKind::TrafficLight => out.push((format!("{}.kommentar", f.code), format!("{} (kommentar)", f.label))),
            _ => {}
        }
    }
    out
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

    fn value(element: &str, value: &str) -> DataValue {
        DataValue {
            data_element: element.into(),
            period: "2025".into(),
            org_unit: "1804".into(),
            value: value.into(),
            deleted: false,
        }
    }

    #[test]
    fn each_strategy_counts_what_it_did_value_by_value() {
        let t = alarm_template();
        let start = || RawAnswers::from([("trygghetsalarmer".into(), vec!["120".into()])]);
        let set = [value("trygghetsalarmer", "121"), value("herav_mobile", "4"), value("status", "")];
        let count = |strategy| {
            let mut raw = start();
            let c = apply(&t, &mut raw, &set, strategy);
            ([c.imported, c.updated, c.ignored, c.deleted], raw)
        };
        let (c, raw) = count(ImportStrategy::CreateAndUpdate);
        assert_eq!((c, raw["trygghetsalarmer"][0].as_str()), ([1, 1, 1, 0], "121"));
        assert_eq!(count(ImportStrategy::Create).0, [1, 0, 2, 0]);
        assert_eq!(count(ImportStrategy::Update).0, [0, 1, 2, 0]);
        let (c, raw) = count(ImportStrategy::Delete);
        assert_eq!((c, raw.contains_key("trygghetsalarmer")), ([0, 0, 2, 1], false));
        // The same value again, an empty one over a stored one, and DHIS2's `deleted`.
        let mut raw = start();
        let mut gone = value("herav_mobile", "4");
        gone.deleted = true;
        let c = apply(
            &t,
            &mut raw,
            &[value("trygghetsalarmer", " 120 "), value("trygghetsalarmer", ""), gone],
            ImportStrategy::default(),
        );
        assert_eq!([c.imported, c.updated, c.ignored, c.deleted], [0, 0, 2, 1]);
        assert!(raw.is_empty());
    }

    #[test]
    fn every_element_has_a_name() {
        let names = elements(&alarm_template());
        let name = |e: &str| names.iter().find(|(el, _)| el == e).map(|(_, n)| n.as_str());
        assert_eq!(name("trygghetsalarmer"), Some("Felt trygghetsalarmer"));
        assert_eq!(name("brukere.1.0"), Some("Felt brukere (Digitalt tilsyn, inkluderte)"));
        assert_eq!(name("tjenestemodell.kommentar"), Some("Felt tjenestemodell (kommentar)"));
        assert_eq!(name("brukere"), None, "a table is its cells");
    }

    #[test]
    fn schemes_and_strategies_are_dhis2s_words() {
        assert_eq!(ImportStrategy::parse("create_and_update"), Ok(ImportStrategy::CreateAndUpdate));
        assert!(ImportStrategy::parse("NEW_AND_UPDATES").unwrap_err().contains("CREATE_AND_UPDATE"));
        assert_eq!(IdScheme::parse("idScheme", "name"), Ok(IdScheme::Name));
        assert!(IdScheme::parse("orgUnitIdScheme", "UID").unwrap_err().contains("ingen DHIS2-UID"));
    }
}
