//! Placing a value on the layout a view shows (2015, 2020 or 2024): a municipality number of
//! another layout goes through the code transitions (older → 2024, with a weight where a
//! municipality was split; 2024 → older only where one older municipality is the source).

use super::indicator::{Level, OrgKind};
use std::collections::BTreeMap;

/// The layout a view shows and how the numbers of the others map onto it.
#[derive(Debug, Clone, Default)]
pub struct Geography {
    layout: i32,
    /// Number → (name, county number), in the chosen layout.
    municipalities: BTreeMap<String, (String, String)>,
    counties: BTreeMap<String, String>,
    /// (older layout, number) → its 2024 numbers with the weight in percent.
    to_current: BTreeMap<(i32, String), Vec<(String, i32)>>,
    /// 2024 number → the chosen layout's numbers that became it.
    from_current: BTreeMap<String, Vec<String>>,
    /// Id → (name, county number of the host).
    collaborations: BTreeMap<String, (String, String)>,
}

/// Where a value lands: municipality numbers of the chosen layout, each with a weight in percent.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Placement {
    pub parts: Vec<(String, i32)>,
    /// Placed through a code transition (recorded under another layout).
    pub mapped: bool,
}

/// A code transition as the registry ships it.
pub struct Transition {
    pub from_layout: i32,
    pub from_number: String,
    pub to_number: String,
    pub weight_percent: i32,
}

impl Geography {
    pub fn new(
        layout: i32,
        municipalities: BTreeMap<String, (String, String)>,
        counties: BTreeMap<String, String>,
        transitions: impl IntoIterator<Item = Transition>,
        collaborations: BTreeMap<String, (String, String)>,
    ) -> Geography {
        let mut to_current: BTreeMap<(i32, String), Vec<(String, i32)>> = BTreeMap::new();
        let mut from_current: BTreeMap<String, Vec<String>> = BTreeMap::new();
        for t in transitions {
            if t.from_layout == layout {
                from_current.entry(t.to_number.clone()).or_default().push(t.from_number.clone());
            }
            to_current.entry((t.from_layout, t.from_number)).or_default().push((t.to_number, t.weight_percent));
        }
        Geography { layout, municipalities, counties, to_current, from_current, collaborations }
    }

    /// The collaborations a view lists: id → (name, county number of the host).
    pub fn with_collaborations(mut self, collaborations: BTreeMap<String, (String, String)>) -> Geography {
        self.collaborations = collaborations;
        self
    }

    pub fn layout(&self) -> i32 {
        self.layout
    }

    /// The 2024 numbers a municipality became.
    fn current(&self, number: &str, layout: i32) -> Vec<(String, i32)> {
        if layout == 2024 {
            return vec![(number.to_string(), 100)];
        }
        self.to_current.get(&(layout, number.to_string())).cloned().unwrap_or_default()
    }

    /// The chosen layout's number a 2024 number came from, where there is exactly one.
    fn back(&self, current: &str) -> Option<String> {
        if self.layout == 2024 {
            return Some(current.to_string());
        }
        match self.from_current.get(current).map(Vec::as_slice) {
            Some([one]) => Some(one.clone()),
            _ => None,
        }
    }

    pub fn place(&self, kind: OrgKind, id: &str, layout: i32) -> Placement {
        if kind == OrgKind::County {
            // County numbers are never reused for another county across the three layouts, so
            // the same number is the same county; a number the layout lacks cannot be placed.
            let parts = if self.counties.contains_key(id) { vec![(id.to_string(), 100)] } else { vec![] };
            return Placement { parts, mapped: layout != self.layout };
        }
        if kind == OrgKind::Collaboration {
            let parts = if self.collaborations.contains_key(id) { vec![(id.to_string(), 100)] } else { vec![] };
            return Placement { parts, mapped: false };
        }
        let parts: Vec<(String, i32)> = if layout == self.layout {
            vec![(id.to_string(), 100)]
        } else {
            let mut merged: BTreeMap<String, i32> = BTreeMap::new();
            for (current, weight) in self.current(id, layout) {
                match self.back(&current) {
                    Some(n) => *merged.entry(n).or_default() += weight,
                    // One part cannot be placed: rather nothing than a wrong figure.
                    None => return Placement { parts: vec![], mapped: true },
                }
            }
            merged.into_iter().collect()
        };
        let parts = parts.into_iter().filter(|(n, _)| self.municipalities.contains_key(n)).collect();
        Placement { parts, mapped: layout != self.layout }
    }

    /// The counties of the chosen layout a municipality's value may belong to, placed or not: for
    /// one that cannot be placed, every county of the municipalities it became part of.
    pub fn counties_of(&self, number: &str, layout: i32) -> std::collections::BTreeSet<String> {
        let numbers: Vec<String> = if layout == self.layout {
            vec![number.to_string()]
        } else {
            self.current(number, layout)
                .into_iter()
                .flat_map(|(current, _)| match self.layout {
                    2024 => vec![current],
                    _ => self.from_current.get(&current).cloned().unwrap_or_default(),
                })
                .collect()
        };
        numbers.iter().filter_map(|n| self.county_of(n)).map(str::to_string).collect()
    }

    /// The groups of a level a placed value counts in, with weights.
    pub fn keys(&self, kind: OrgKind, id: &str, parts: &[(String, i32)], level: Level) -> Vec<(String, i32)> {
        match (level, kind) {
            (Level::Nation, _) => vec![(String::new(), 100)],
            (Level::Municipality, OrgKind::Municipality) => parts.to_vec(),
            (Level::County, OrgKind::Municipality) => {
                let mut by_county: BTreeMap<String, i32> = BTreeMap::new();
                for (n, w) in parts {
                    if let Some((_, county)) = self.municipalities.get(n) {
                        *by_county.entry(county.clone()).or_default() += w;
                    }
                }
                by_county.into_iter().collect()
            }
            (Level::County, OrgKind::Collaboration) => {
                self.collaborations.get(id).map(|(_, county)| vec![(county.clone(), 100)]).unwrap_or_default()
            }
            (Level::Collaboration, OrgKind::Collaboration) => vec![(id.to_string(), 100)],
            (Level::County, OrgKind::County) => parts.to_vec(),
            (Level::Municipality, OrgKind::Collaboration | OrgKind::County)
            | (Level::Collaboration, OrgKind::Municipality | OrgKind::County) => vec![],
        }
    }

    /// Every org unit of a level: key and name, in number order.
    pub fn units(&self, level: Level) -> Vec<(String, String)> {
        match level {
            Level::Nation => vec![(String::new(), "Hele landet".into())],
            Level::County => self.counties.iter().map(|(k, v)| (k.clone(), v.clone())).collect(),
            Level::Municipality => self.municipalities.iter().map(|(k, (name, _))| (k.clone(), name.clone())).collect(),
            Level::Collaboration => {
                self.collaborations.iter().map(|(k, (name, _))| (k.clone(), name.clone())).collect()
            }
        }
    }

    /// The county a municipality of the chosen layout lies in.
    pub fn county_of(&self, number: &str) -> Option<&str> {
        self.municipalities.get(number).map(|(_, c)| c.as_str())
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    fn transition(from_layout: i32, from: &str, to: &str, weight: i32) -> Transition {
        Transition { from_layout, from_number: from.into(), to_number: to.into(), weight_percent: weight }
    }

    /// Bodø, Kongsvinger and Oslo on the 2024 layout, with a few 2015 transitions.
    pub(crate) fn geography() -> Geography {
        let m = |name: &str, county: &str| (name.to_string(), county.to_string());
        let municipalities = BTreeMap::from([
            ("0301".into(), m("Oslo", "03")),
            ("1804".into(), m("Bodø", "18")),
            ("3401".into(), m("Kongsvinger", "34")),
        ]);
        let counties = BTreeMap::from([
            ("03".into(), "Oslo".into()),
            ("18".into(), "Nordland".into()),
            ("34".into(), "Innlandet".into()),
        ]);
        let transitions = [transition(2015, "0402", "3401", 100), transition(2015, "1804", "1804", 100)];
        Geography::new(2024, municipalities, counties, transitions, BTreeMap::new())
    }

    #[test]
    fn a_split_municipality_goes_to_its_parts_by_weight_and_back_only_where_unambiguous() {
        let ms = BTreeMap::from([
            ("1508".into(), ("Ålesund".into(), "15".into())),
            ("1580".into(), ("Haram".into(), "15".into())),
        ]);
        let older = [transition(2020, "1507", "1508", 50), transition(2020, "1507", "1580", 50)];
        let g = Geography::new(2024, ms, BTreeMap::new(), older, BTreeMap::new());
        let p = g.place(OrgKind::Municipality, "1507", 2020);
        assert_eq!(p.parts, vec![("1508".into(), 50), ("1580".into(), 50)]);
        assert!(p.mapped);

        let ms2020 = BTreeMap::from([("1507".into(), ("Ålesund".into(), "15".into()))]);
        let both = [transition(2020, "1507", "1508", 50), transition(2020, "1507", "1580", 50)];
        let g2020 = Geography::new(2020, ms2020, BTreeMap::new(), both, BTreeMap::new());
        assert_eq!(g2020.place(OrgKind::Municipality, "1580", 2024).parts, vec![("1507".into(), 100)]);
    }

    #[test]
    fn a_value_that_cannot_be_placed_still_names_the_counties_it_could_belong_to() {
        let ms2015 = BTreeMap::from([
            ("0402".into(), ("Kongsvinger".into(), "04".into())),
            ("0501".into(), ("Lillehammer".into(), "05".into())),
        ]);
        let merged = [transition(2015, "0402", "3499", 100), transition(2015, "0501", "3499", 100)];
        let g = Geography::new(2015, ms2015, BTreeMap::new(), merged, BTreeMap::new());
        assert!(g.place(OrgKind::Municipality, "3499", 2024).parts.is_empty());
        let counties: Vec<String> = g.counties_of("3499", 2024).into_iter().collect();
        assert_eq!(counties, vec!["04".to_string(), "05".to_string()]);
        assert_eq!(g.counties_of("0402", 2015).into_iter().collect::<Vec<_>>(), vec!["04".to_string()]);
    }

    #[test]
    fn a_county_keeps_its_number_across_layouts_or_is_not_placed() {
        let g = geography();
        assert_eq!(g.place(OrgKind::County, "18", 2020).parts, vec![("18".into(), 100)]);
        assert!(g.place(OrgKind::County, "30", 2020).parts.is_empty(), "Viken is not a 2024 county");
        assert!(g.keys(OrgKind::County, "18", &[("18".into(), 100)], Level::Municipality).is_empty());
    }
}
