//! What the registry pages and the API show of a row: formatted for people, shared by both.

use crate::web::format;
use samveis_domain::registry::{Layout, LayoutError, MunicipalityRow};
use serde::Serialize;

/// Parses the `inndeling`/`layout` parameter; absent means the current layout.
pub fn layout_param(value: Option<&str>) -> Result<Layout, LayoutError> {
    match value.map(str::trim) {
        None | Some("") => Ok(Layout::CURRENT),
        Some(text) => Layout::parse(text),
    }
}

#[derive(Debug, Clone, Serialize)]
pub struct MunicipalityView {
    pub number: String,
    pub name: String,
    /// The Norwegian name, shown only where it differs from the official one.
    pub name_norwegian: Option<String>,
    pub county_number: String,
    pub county_name: String,
    pub population: String,
    pub size_class: String,
}

impl From<&MunicipalityRow> for MunicipalityView {
    fn from(r: &MunicipalityRow) -> Self {
        MunicipalityView {
            number: r.number.to_string(),
            name: r.name.clone(),
            name_norwegian: (r.name_norwegian != r.name).then(|| r.name_norwegian.clone()),
            county_number: r.county_number.to_string(),
            county_name: r.county_name.clone(),
            population: format::optional_number(r.population),
            size_class: r.size_class.map_or("Ukjent", |s| s.label()).to_string(),
        }
    }
}

/// An option in a select.
#[derive(Debug, Clone)]
pub struct Choice {
    pub value: String,
    pub label: String,
    pub selected: bool,
}

impl Choice {
    pub fn new(value: impl Into<String>, label: impl Into<String>, current: &str) -> Choice {
        let value = value.into();
        let selected = value == current;
        Choice { value, label: label.into(), selected }
    }
}

pub fn layout_choices(current: Layout) -> Vec<Choice> {
    Layout::ALL
        .into_iter()
        .rev()
        .map(|l| Choice::new(l.to_string(), format!("{l}-inndelingen"), &current.to_string()))
        .collect()
}
