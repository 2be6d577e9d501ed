//! Where a view's figures come from. Each unit (a municipality, a project) counts with its latest
//! delivered report across the rounds of a form, so a newly opened round blanks nothing: a unit
//! that has not delivered there yet keeps its report from an earlier round. The view says which
//! rounds the figures come from, how many units each, and as of which date.

use chrono::NaiveDate;
use serde::Serialize;
use std::collections::BTreeMap;

/// How rounds are ordered, newest last: by deadline, and among equal deadlines the one opened
/// last (its id).
pub type RoundOrder = (NaiveDate, i64);

/// A round that supplied figures: its name, how many units' figures come from it, and whether
/// it holds demo data.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct SourceRound {
    pub name: String,
    pub units: usize,
    pub demo: bool,
}

/// The rounds a view's figures come from (newest first) and the latest delivery counted.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct Provenance {
    pub rounds: Vec<SourceRound>,
    pub as_of: Option<NaiveDate>,
}

/// One unit's figures as counted: the round they come from and when they were delivered.
pub struct Counted<'a> {
    pub order: RoundOrder,
    pub round: &'a str,
    pub demo: bool,
    pub delivered: NaiveDate,
}

impl Provenance {
    /// The rounds of the counted units, each with how many, newest round first.
    pub fn of<'a>(units: impl IntoIterator<Item = Counted<'a>>) -> Provenance {
        let mut rounds: BTreeMap<std::cmp::Reverse<RoundOrder>, SourceRound> = BTreeMap::new();
        let mut as_of = None;
        for u in units {
            as_of = as_of.max(Some(u.delivered));
            rounds
                .entry(std::cmp::Reverse(u.order))
                .or_insert_with(|| SourceRound { name: u.round.to_string(), units: 0, demo: u.demo })
                .units += 1;
        }
        Provenance { rounds: rounds.into_values().collect(), as_of }
    }

    /// The newest round that supplied figures.
    pub fn newest(&self) -> Option<&str> {
        self.rounds.first().map(|r| r.name.as_str())
    }

    /// Some figures are demo data.
    pub fn demo(&self) -> bool {
        self.rounds.iter().any(|r| r.demo)
    }

    /// "Status per 20. desember 2025, fra runden «Teknologistatus 2025»"; from several rounds
    /// "…, fra runden «A» for 1 kommune og fra runden «B» for 40 kommuner". `date` is the
    /// `as_of` date written out; `unit` the singular and plural of what is counted. None when
    /// nothing was delivered.
    pub fn sentence(&self, date: &str, unit: (&str, &str)) -> Option<String> {
        let parts: Vec<String> = match self.rounds.as_slice() {
            [] => return None,
            [only] => vec![format!("fra runden «{}»", only.name)],
            many => many
                .iter()
                .map(|r| {
                    let noun = if r.units == 1 { unit.0 } else { unit.1 };
                    format!("fra runden «{}» for {} {noun}", r.name, crate::number::grouped(r.units as i64))
                })
                .collect(),
        };
        let joined = match parts.split_last() {
            Some((last, [])) => last.clone(),
            Some((last, rest)) => format!("{} og {last}", rest.join(", ")),
            None => String::new(),
        };
        Some(format!("Status per {date}, {joined}"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 3, d).unwrap()
    }

    fn counted(order: i64, round: &str, delivered: u32) -> Counted<'_> {
        Counted { order: (day(1), order), round, demo: false, delivered: day(delivered) }
    }

    #[test]
    fn one_round_is_named_and_several_say_how_many_each() {
        assert_eq!(Provenance::default().sentence("x", ("kommune", "kommuner")), None);
        let one = Provenance::of([counted(1, "A", 2), counted(1, "A", 5)]);
        assert_eq!(one.as_of, Some(day(5)));
        assert_eq!(
            one.sentence("5. mars 2026", ("kommune", "kommuner")).unwrap(),
            "Status per 5. mars 2026, fra runden «A»"
        );
        let three = Provenance::of([counted(1, "A", 2), counted(3, "C", 3), counted(2, "B", 4), counted(1, "A", 1)]);
        assert_eq!(three.newest(), Some("C"));
        assert_eq!(
            three.sentence("4. mars 2026", ("kommune", "kommuner")).unwrap(),
            "Status per 4. mars 2026, fra runden «C» for 1 kommune, fra runden «B» for 1 kommune og fra runden «A» for 2 kommuner"
        );
    }
}
