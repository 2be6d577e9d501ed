//! Indicators (indikatorer): a definition, kept as data, says which values to aggregate and how;
//! `compute` turns the reported values (or ledger entries) of a period into one figure per org
//! unit at a level (nation, county, municipality, collaboration). Pages, exports and the API all
//! call this one function.

use super::placement::{Geography, Placement};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// Where the values come from.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Source {
    /// A data element of a form: the field code, or `code.row.column` for a table cell.
    Field { form: String, element: String },
    /// Ledger entries of one kind (granted, paid, ...), by the date they were booked.
    Ledger { entry_kind: String },
}

/// How values of several org units become one figure.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Aggregation {
    Sum,
    /// Org units whose value matches (or that have a value, when nothing is to match).
    Count,
    /// Matching org units as a share of those that answered.
    Share,
    Average,
}

/// How several periods' values of one org unit count: all added up (flows: avoided kroner) or
/// only the latest (stocks and states: users today, "I drift").
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum OverTime {
    Sum,
    Latest,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Unit {
    Count,
    Kroner,
    Hours,
    Percent,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Level {
    Nation,
    County,
    Municipality,
    Collaboration,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Definition {
    pub code: String,
    pub name: String,
    pub description: String,
    pub source: Source,
    pub aggregation: Aggregation,
    pub over_time: OverTime,
    /// For count and share: the value an org unit must have ("I drift").
    pub matches: Option<String>,
    /// The unit of the values; a share is always shown in percent.
    pub unit: Unit,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DefinitionError {
    #[error("koden «{0}» kan bare ha små bokstaver a–z, tall og _ (2–40 tegn), og kan ikke være «ny» eller «rediger»")]
    Code(String),
    #[error("navnet kan ikke være tomt")]
    Name,
    #[error("andel trenger en verdi å telle (for eksempel «I drift»)")]
    ShareWithoutMatch,
    #[error("fra regnskapet kan bare summen over perioden brukes")]
    LedgerNotSum,
    #[error("dataelementet kan ikke være tomt")]
    Element,
}

impl Definition {
    pub fn check(&self) -> Result<(), DefinitionError> {
        // "ny" and "rediger" are pages of their own in the indicator addresses.
        let code_ok = (2..=40).contains(&self.code.len())
            && self.code.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_')
            && !["ny", "rediger"].contains(&self.code.as_str());
        if !code_ok {
            return Err(DefinitionError::Code(self.code.clone()));
        }
        if self.name.trim().is_empty() {
            return Err(DefinitionError::Name);
        }
        if self.aggregation == Aggregation::Share && self.matches.as_deref().is_none_or(str::is_empty) {
            return Err(DefinitionError::ShareWithoutMatch);
        }
        match &self.source {
            Source::Ledger { .. } if self.aggregation != Aggregation::Sum || self.over_time != OverTime::Sum => {
                Err(DefinitionError::LedgerNotSum)
            }
            Source::Field { form, element } if form.trim().is_empty() || element.trim().is_empty() => {
                Err(DefinitionError::Element)
            }
            _ => Ok(()),
        }
    }

    /// The unit a figure of this indicator is shown in.
    pub fn shown_in(&self) -> Unit {
        if self.aggregation == Aggregation::Share { Unit::Percent } else { self.unit }
    }
}

/// One reported value (or ledger entry), as the store hands it in.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Fact {
    pub org_kind: OrgKind,
    pub org_id: String,
    /// The county layout the org unit's number belongs to.
    pub layout: i32,
    /// Orders an org unit's values in time: the period's last day, then the record id.
    pub when: (chrono::NaiveDate, i64),
    /// Numbers in hundredths (12 users = 1200), so hours and percent add up exactly.
    pub number: Option<i64>,
    pub text: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum OrgKind {
    Municipality,
    Collaboration,
    /// A county as recipient (county networks in the grant ledger).
    County,
}

/// One org unit's figure. `value` is in hundredths of the unit shown (a share in hundredths of a
/// percent); None when nothing was reported.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Figure {
    pub key: String,
    pub name: String,
    pub value: Option<i64>,
    /// What the figure is made of: the sum and the count it divides by (1 for sums and counts).
    pub numerator: i64,
    pub denominator: i64,
    /// Org units with at least one value in the period.
    pub reporting: u32,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Computed {
    pub rows: Vec<Figure>,
    pub total: Figure,
    /// Values recorded under another layout and placed on the chosen one through code transitions.
    pub mapped: u32,
    /// Values that could not be placed on the chosen layout (the unit was split in a way the
    /// transitions cannot reverse, or the number is unknown).
    pub unplaced: u32,
    /// Values from collaborations, which have no place at municipality level.
    pub not_at_level: u32,
}

/// Accumulates one group's values.
#[derive(Default)]
struct Group {
    sum: i64,
    values: i64,
    matching: BTreeMap<String, ()>,
    reporting: BTreeMap<String, ()>,
}

impl Group {
    fn add(&mut self, unit: &str, number: Option<i64>, matched: bool) {
        if let Some(n) = number {
            self.sum = self.sum.saturating_add(n);
            self.values += 1;
        }
        self.reporting.insert(unit.to_string(), ());
        if matched {
            self.matching.insert(unit.to_string(), ());
        }
    }

    fn figure(&self, aggregation: Aggregation, key: String, name: String) -> Figure {
        let reporting = u32::try_from(self.reporting.len()).unwrap_or(u32::MAX);
        let matching = i64::try_from(self.matching.len()).unwrap_or(i64::MAX);
        let answered = i64::from(reporting);
        let (numerator, denominator, value) = match aggregation {
            Aggregation::Sum => (self.sum, 1, Some(self.sum)),
            Aggregation::Count => (matching, 1, Some(matching.saturating_mul(100))),
            Aggregation::Share => (matching, answered, divide(matching.saturating_mul(10_000), answered)),
            Aggregation::Average => (self.sum, self.values, divide(self.sum, self.values)),
        };
        let value = if reporting == 0 { None } else { value };
        Figure { key, name, value, numerator, denominator, reporting }
    }
}

/// Rounded half away from zero; None when dividing by zero.
fn divide(a: i64, b: i64) -> Option<i64> {
    if b == 0 {
        return None;
    }
    let q = (i128::from(a) * 2 + i128::from(b).signum() * i128::from(a).signum() * i128::from(b).abs())
        / (2 * i128::from(b));
    i64::try_from(q).ok()
}

/// Keeps each org unit's latest report only (every value of it: a multiple choice has several);
/// all values when summing over time.
fn select(facts: &[Fact], over_time: OverTime) -> Vec<&Fact> {
    if over_time == OverTime::Sum {
        return facts.iter().collect();
    }
    let mut latest: BTreeMap<(OrgKind, &str, i32), (chrono::NaiveDate, i64)> = BTreeMap::new();
    for f in facts {
        let slot = latest.entry((f.org_kind, f.org_id.as_str(), f.layout)).or_insert(f.when);
        *slot = (*slot).max(f.when);
    }
    facts.iter().filter(|f| latest.get(&(f.org_kind, f.org_id.as_str(), f.layout)) == Some(&f.when)).collect()
}

fn matched(definition: &Definition, fact: &Fact) -> bool {
    match definition.matches.as_deref().filter(|m| !m.is_empty()) {
        Some(m) => {
            fact.text.as_deref() == Some(m) || fact.number.is_some_and(|n| m.parse::<i64>().ok() == Some(n / 100))
        }
        None => fact.number.is_none_or(|n| n != 0),
    }
}

/// The figures of an indicator at a level, every org unit of the level listed (those without
/// values too), and the total over all of them.
pub fn compute(definition: &Definition, facts: &[Fact], geography: &Geography, level: Level) -> Computed {
    let mut groups: BTreeMap<String, Group> = BTreeMap::new();
    let mut total = Group::default();
    let (mut mapped, mut unplaced, mut not_at_level) = (0, 0, 0);
    for fact in select(facts, definition.over_time) {
        let Placement { parts, mapped: was_mapped } = geography.place(fact.org_kind, &fact.org_id, fact.layout);
        if parts.is_empty() {
            unplaced += 1;
            continue;
        }
        mapped += u32::from(was_mapped);
        let unit = format!("{:?}:{}", fact.org_kind, fact.org_id);
        let hit = matched(definition, fact);
        total.add(&unit, fact.number, hit);
        let keys = geography.keys(fact.org_kind, &fact.org_id, &parts, level);
        if keys.is_empty() && level != Level::Nation {
            not_at_level += 1;
        }
        for (key, weight) in keys {
            // A split municipality's amounts are shared by weight; an average or a state is not.
            let part = |n: i64| i64::try_from(i128::from(n) * i128::from(weight) / 100).unwrap_or(n);
            let value = if definition.aggregation == Aggregation::Sum { fact.number.map(part) } else { fact.number };
            groups.entry(key).or_default().add(&unit, value, hit);
        }
    }
    let rows = geography
        .units(level)
        .into_iter()
        .map(|(key, name)| groups.remove(&key).unwrap_or_default().figure(definition.aggregation, key, name))
        .collect();
    let total = total.figure(definition.aggregation, String::new(), "Hele landet".into());
    Computed { rows, total, mapped, unplaced, not_at_level }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::insight::placement::tests::geography;
    use chrono::NaiveDate;

    fn fact(id: &str, layout: i32, month: u32, number: Option<i64>, text: Option<&str>) -> Fact {
        Fact {
            org_kind: OrgKind::Municipality,
            org_id: id.into(),
            layout,
            when: (NaiveDate::from_ymd_opt(2025, month, 28).unwrap_or_default(), i64::from(month)),
            number,
            text: text.map(str::to_string),
        }
    }

    fn definition(aggregation: Aggregation, over_time: OverTime, matches: Option<&str>) -> Definition {
        Definition {
            code: "test".into(),
            name: "Test".into(),
            description: String::new(),
            source: Source::Field { form: "f".into(), element: "e".into() },
            aggregation,
            over_time,
            matches: matches.map(str::to_string),
            unit: Unit::Count,
        }
    }

    #[test]
    fn sums_flows_over_time_and_by_county() {
        let facts = [
            fact("1804", 2024, 1, Some(500), None),
            fact("1804", 2024, 2, Some(700), None),
            fact("3401", 2024, 1, Some(100), None),
        ];
        let c = compute(&definition(Aggregation::Sum, OverTime::Sum, None), &facts, &geography(), Level::County);
        assert_eq!(c.total.value, Some(1300));
        let nordland = c.rows.iter().find(|r| r.key == "18").map(|r| r.value);
        assert_eq!(nordland, Some(Some(1200)));
        let without = c.rows.iter().find(|r| r.key == "03").map(|r| (r.value, r.reporting));
        assert_eq!(without, Some((None, 0)), "a county without values is listed, empty");
    }

    #[test]
    fn share_counts_each_unit_once_by_its_latest_answer() {
        let facts = [
            fact("1804", 2024, 1, None, Some("Utprøving")),
            fact("1804", 2024, 6, None, Some("I drift")),
            fact("3401", 2024, 6, None, Some("Utprøving")),
            fact("0301", 2024, 1, None, Some("I drift")),
            fact("0301", 2024, 6, None, Some("Ikke startet")),
        ];
        let c = compute(
            &definition(Aggregation::Share, OverTime::Latest, Some("I drift")),
            &facts,
            &geography(),
            Level::Nation,
        );
        assert_eq!((c.total.numerator, c.total.denominator), (1, 3));
        assert_eq!(c.total.value, Some(3333), "33,33 %");
    }

    #[test]
    fn every_choice_of_the_latest_report_counts() {
        let facts = [
            fact("1804", 2024, 1, None, Some("GPS")),
            fact("1804", 2024, 6, None, Some("Dørlås")),
            fact("1804", 2024, 6, None, Some("GPS")),
        ];
        let c = compute(
            &definition(Aggregation::Count, OverTime::Latest, Some("GPS")),
            &facts,
            &geography(),
            Level::Nation,
        );
        assert_eq!(c.total.value, Some(100));
        let c = compute(
            &definition(Aggregation::Count, OverTime::Latest, Some("Dørlås")),
            &facts,
            &geography(),
            Level::Nation,
        );
        assert_eq!(c.total.value, Some(100), "both choices of June count, whichever row came first");
        let huge = [fact("1804", 2024, 1, Some(i64::MAX), None), fact("3401", 2024, 1, Some(i64::MAX), None)];
        let c = compute(&definition(Aggregation::Sum, OverTime::Sum, None), &huge, &geography(), Level::County);
        assert_eq!(c.total.value, Some(i64::MAX), "saturates rather than overflowing");
    }

    #[test]
    fn older_numbers_are_placed_on_the_chosen_layout_and_counted_as_mapped() {
        // 1804 Bodø is 1804 in 2015 too; 0402 Kongsvinger (2015) is 3401 in 2024.
        let facts = [fact("0402", 2015, 1, Some(100), None), fact("9999", 2015, 1, Some(5), None)];
        let c = compute(&definition(Aggregation::Sum, OverTime::Sum, None), &facts, &geography(), Level::Municipality);
        let kongsvinger = c.rows.iter().find(|r| r.key == "3401").and_then(|r| r.value);
        assert_eq!(kongsvinger, Some(100));
        assert_eq!((c.mapped, c.unplaced), (1, 1));
    }

    #[test]
    fn average_divides_by_the_values_and_rounds_half_away_from_zero() {
        let facts = [
            fact("1804", 2024, 1, Some(100), None),
            fact("3401", 2024, 1, Some(200), None),
            fact("0301", 2024, 1, Some(200), None),
        ];
        let c = compute(&definition(Aggregation::Average, OverTime::Latest, None), &facts, &geography(), Level::Nation);
        assert_eq!(c.total.value, Some(167));
        assert_eq!(divide(-5, 2), Some(-3));
    }

    #[test]
    fn a_definition_is_checked_before_it_is_kept() {
        let mut d = definition(Aggregation::Share, OverTime::Latest, None);
        assert_eq!(d.check(), Err(DefinitionError::ShareWithoutMatch));
        d.matches = Some("I drift".into());
        assert_eq!(d.check(), Ok(()));
        d.code = "Bad code".into();
        assert!(matches!(d.check(), Err(DefinitionError::Code(_))));
        d.code = "ny".into();
        assert!(matches!(d.check(), Err(DefinitionError::Code(_))), "the address of the new-indicator form");
    }
}
