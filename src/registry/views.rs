//! What the registry pages and the API show of a row: formatted for people, shared by both.

use crate::web::format;
use samveis_domain::registry::{Layout, LayoutError, MunicipalityRow, Registered, Step, parallel_forms};
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
    /// The parallel forms of the official name («Gáivuotna», «Kåfjord», «Kaivuono»); empty
    /// where the name has one form.
    pub forms: Vec<String>,
    /// The names the same municipality has in other layouts, where they are neither its
    /// official nor its Norwegian name here.
    pub other_names: Vec<String>,
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
            forms: Some(parallel_forms(&r.name, &r.name_norwegian)).filter(|f| f.len() > 1).unwrap_or_default(),
            other_names: r.other_names.iter().filter(|n| **n != r.name && **n != r.name_norwegian).fold(
                Vec::new(),
                |mut names, n| {
                    if !names.contains(n) {
                        names.push(n.clone());
                    }
                    names
                },
            ),
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

/// One municipality in a lineage step: linked to its page in its layout.
#[derive(Debug, Clone, Serialize)]
pub struct LineageEntry {
    pub number: String,
    pub name: String,
    pub href: String,
    /// Split between several municipalities of the next layout.
    pub split: bool,
}

/// One layout of a lineage: the municipalities of that layout (as of 1 January of its year).
#[derive(Debug, Clone, Serialize)]
pub struct LineageStep {
    pub layout: Layout,
    pub municipalities: Vec<LineageEntry>,
}

impl LineageStep {
    /// «2020 (1. januar 2020): Færder (3811)»; a split one says so.
    pub fn text(&self) -> String {
        let names: Vec<String> = self
            .municipalities
            .iter()
            .map(|m| format!("{} ({}{})", m.name, m.number, if m.split { ", delt" } else { "" }))
            .collect();
        let names = if names.is_empty() { "ingen kjent overgang".to_string() } else { names.join(", ") };
        format!("{} (1. januar {}): {names}", self.layout, self.layout.year())
    }
}

/// The lineage 2015 → 2020 → 2024 as shown.
pub fn lineage(steps: &[Step]) -> Vec<LineageStep> {
    steps
        .iter()
        .map(|s| LineageStep {
            layout: s.layout,
            municipalities: s
                .municipalities
                .iter()
                .map(|(r, split)| LineageEntry {
                    number: r.number.clone(),
                    name: r.name.clone(),
                    href: format!("/kommuner/{}?inndeling={}", r.number, r.layout),
                    split: *split,
                })
                .collect(),
        })
        .collect()
}

/// A municipality of another layout that a search found: what it was (or is) and its lineage.
#[derive(Debug, Clone, Serialize)]
pub struct ElsewhereView {
    pub name: String,
    pub number: String,
    pub href: String,
    /// «var en kommune i 2015-inndelingen», «er en kommune i 2024-inndelingen».
    pub was: String,
    pub lineage: Vec<LineageStep>,
}

impl ElsewhereView {
    pub fn new(asked: Layout, then: &Registered, steps: &[Step]) -> ElsewhereView {
        let verb = if then.layout < asked { "var" } else { "er" };
        ElsewhereView {
            name: then.name.clone(),
            number: then.number.clone(),
            href: format!("/kommuner/{}?inndeling={}", then.number, then.layout),
            was: format!("{verb} en kommune i {}-inndelingen", then.layout),
            lineage: lineage(steps),
        }
    }

    /// «2015 (1. januar 2015): Tjøme (0723) → 2020 (1. januar 2020): Færder (3811) → …».
    pub fn lineage_text(&self) -> String {
        self.lineage.iter().map(LineageStep::text).collect::<Vec<_>>().join(" → ")
    }
}
