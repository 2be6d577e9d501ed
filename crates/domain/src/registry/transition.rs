//! Code transitions (kodeoverganger): how a municipality number of one layout reads in another.
//! The registry ships each older number (2015, 2020) with the 2024 numbers it became; a number
//! is carried to an older layout back from 2024 only where one older number is the source, so
//! that a merger across a county line never places a collaboration in the wrong county.

use super::Layout;
use std::collections::{BTreeMap, BTreeSet};

/// The code transitions as a lookup both ways.
#[derive(Debug, Clone, Default)]
pub struct CodeMap {
    /// (older layout, number) → the 2024 numbers it became.
    to_current: BTreeMap<(Layout, String), Vec<String>>,
    /// (older layout, 2024 number) → the older numbers that became it.
    from_current: BTreeMap<(Layout, String), Vec<String>>,
}

impl CodeMap {
    /// From the stored transitions: (older layout, older number, 2024 number).
    pub fn new(transitions: impl IntoIterator<Item = (Layout, String, String)>) -> CodeMap {
        let mut map = CodeMap::default();
        for (layout, from, to) in transitions {
            map.to_current.entry((layout, from.clone())).or_default().push(to.clone());
            map.from_current.entry((layout, to)).or_default().push(from);
        }
        map
    }

    /// The current (2024) numbers a municipality of layout `from` became.
    fn in_current(&self, from: Layout, number: &str) -> Vec<String> {
        if from == Layout::CURRENT {
            vec![number.to_string()]
        } else {
            self.to_current.get(&(from, number.to_string())).cloned().unwrap_or_default()
        }
    }

    /// The numbers of layout `to` a municipality of layout `from` lies in; none where it cannot
    /// be told (no transition, or a 2024 number that more than one older municipality became).
    pub fn numbers_in(&self, from: Layout, number: &str, to: Layout) -> Vec<String> {
        if from == to {
            return vec![number.to_string()];
        }
        let current = self.in_current(from, number);
        if to == Layout::CURRENT {
            return current;
        }
        current
            .iter()
            .filter_map(|c| match self.from_current.get(&(to, c.clone())).map(Vec::as_slice) {
                Some([one]) => Some(one.clone()),
                _ => None,
            })
            .collect()
    }

    /// Every number of layout `to` that a municipality of layout `from` may lie in, splits and
    /// mergers included (a 2024 number back to all the older numbers that became it): the
    /// candidates to name, never to choose between. Sorted.
    pub fn candidates(&self, from: Layout, number: &str, to: Layout) -> Vec<String> {
        if from == to {
            return vec![number.to_string()];
        }
        let current = self.in_current(from, number);
        let mut out: Vec<String> = if to == Layout::CURRENT {
            current
        } else {
            current.iter().flat_map(|c| self.from_current.get(&(to, c.clone())).cloned().unwrap_or_default()).collect()
        };
        out.sort();
        out.dedup();
        out
    }

    /// Whether any of `numbers` (of layout `from`) lies among `area` (numbers of layout `to`).
    pub fn any_in(&self, from: Layout, numbers: &[&str], to: Layout, area: &BTreeSet<String>) -> bool {
        numbers.iter().any(|n| self.numbers_in(from, n, to).iter().any(|m| area.contains(m)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn map() -> CodeMap {
        let rows = [
            (Layout::Y2015, "1804", "1804"),
            (Layout::Y2015, "1850", "1806"),
            (Layout::Y2015, "1850", "1875"),
            (Layout::Y2015, "1852", "5512"),
            (Layout::Y2015, "1913", "5512"),
            (Layout::Y2020, "1804", "1804"),
        ];
        CodeMap::new(rows.map(|(l, f, t)| (l, f.to_string(), t.to_string())))
    }

    #[test]
    fn older_numbers_read_as_todays_and_back_only_where_one_is_the_source() {
        let m = map();
        assert_eq!(m.numbers_in(Layout::Y2015, "1804", Layout::Y2024), ["1804"]);
        assert_eq!(m.numbers_in(Layout::Y2015, "1850", Layout::Y2024), ["1806", "1875"], "a split: both parts");
        assert_eq!(m.numbers_in(Layout::Y2015, "1804", Layout::Y2020), ["1804"]);
        assert_eq!(m.numbers_in(Layout::Y2015, "1852", Layout::Y2015), ["1852"], "the same layout: as it is");
        assert!(m.numbers_in(Layout::Y2024, "5512", Layout::Y2015).is_empty(), "two sources: not told");
        assert!(m.numbers_in(Layout::Y2015, "9999", Layout::Y2024).is_empty());
        let nordland: BTreeSet<String> = ["1804", "1806", "1875"].map(String::from).into();
        assert!(m.any_in(Layout::Y2015, &["1852", "1850"], Layout::Y2024, &nordland));
        assert!(!m.any_in(Layout::Y2015, &["1852"], Layout::Y2024, &nordland), "Tjeldsund is in Troms now");
    }

    #[test]
    fn candidates_name_every_side_of_a_split_or_merger() {
        let m = map();
        assert_eq!(m.candidates(Layout::Y2024, "5512", Layout::Y2015), ["1852", "1913"], "a merger back: both");
        assert_eq!(m.candidates(Layout::Y2015, "1850", Layout::Y2024), ["1806", "1875"]);
        assert_eq!(m.candidates(Layout::Y2015, "1804", Layout::Y2020), ["1804"]);
        assert!(m.candidates(Layout::Y2015, "1850", Layout::Y2020).is_empty(), "no 2020 source of 1806 or 1875 here");
        assert_eq!(m.candidates(Layout::Y2020, "1804", Layout::Y2020), ["1804"]);
    }
}
