//! The registry's names across layouts (navneregister): every municipality of every layout with
//! its names, so that a typed name is found in a layout, explained when it is a municipality of
//! another layout (a former one such as «Tjøme», or one made later), and each municipality's
//! lineage 2015 → 2020 → 2024 can be told.

use super::names::{Closeness, NameForms, Typed, words};
use super::{CodeMap, Layout};
use std::collections::BTreeSet;

/// One municipality of one layout as the registry names it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Registered {
    pub layout: Layout,
    pub number: String,
    /// The official name as SSB writes it in this layout («Rosse - Røros» in 2020).
    pub name: String,
    pub name_norwegian: String,
    pub county_name: String,
}

/// A name typed for one layout that is a municipality of another: what it was (or is) there,
/// and the municipalities of the asked layout that cover it (several where it was split, or
/// where a later municipality was several before).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Elsewhere<'a> {
    pub then: &'a Registered,
    pub now: Vec<&'a Registered>,
}

/// One layout's step of a lineage: the municipalities of that layout the municipality lies in or
/// came from, each marked when it was split between several.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Step<'a> {
    pub layout: Layout,
    pub municipalities: Vec<(&'a Registered, bool)>,
}

/// What a typed name found in a layout: none, one, or several (the same name twice).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Found<'a> {
    pub hits: Vec<&'a Registered>,
    pub closeness: Closeness,
}

#[derive(Debug, Clone, Default)]
pub struct NameIndex {
    entries: Vec<(Registered, NameForms)>,
    /// Per entry: the official names of the same municipality in the other layouts.
    others: Vec<Vec<(Layout, String)>>,
    codes: CodeMap,
}

impl NameIndex {
    /// Every municipality of every layout, and the code transitions between them. A
    /// municipality answers also to its names in other layouts where it is the same one there:
    /// one number each way and the same Norwegian name («Rosse» finds Røros in 2024,
    /// «Guovdageaidnu» finds Kautokeino in 2015).
    pub fn new(rows: Vec<Registered>, codes: CodeMap) -> NameIndex {
        let others: Vec<Vec<(Layout, String)>> = rows
            .iter()
            .map(|r| same_elsewhere(&rows, &codes, r).map(|o| (o.layout, o.name.clone())).collect())
            .collect();
        let entries = rows
            .into_iter()
            .zip(&others)
            .map(|(r, other)| {
                let names = std::iter::once((r.name.as_str(), r.name_norwegian.as_str()))
                    .chain(other.iter().map(|(_, name)| (name.as_str(), r.name_norwegian.as_str())));
                let forms = NameForms::new(names, &r.county_name);
                (r, forms)
            })
            .collect();
        NameIndex { entries, others, codes }
    }

    pub fn codes(&self) -> &CodeMap {
        &self.codes
    }

    pub fn get(&self, layout: Layout, number: &str) -> Option<&Registered> {
        self.entries.iter().map(|(r, _)| r).find(|r| r.layout == layout && r.number == number)
    }

    /// The layouts a number is a municipality in, newest first.
    pub fn layouts_of(&self, number: &str) -> Vec<&Registered> {
        let mut out: Vec<&Registered> = self.entries.iter().map(|(r, _)| r).filter(|r| r.number == number).collect();
        out.sort_by_key(|r| std::cmp::Reverse(r.layout));
        out
    }

    /// The official names the municipality has in other layouts, oldest first.
    pub fn other_names(&self, layout: Layout, number: &str) -> &[(Layout, String)] {
        self.entries
            .iter()
            .position(|(r, _)| r.layout == layout && r.number == number)
            .map_or(&[], |i| self.others[i].as_slice())
    }

    /// The municipalities of `layout` a typed name is: letter for letter first, and only where
    /// none is, with æ, ø and å read as ae, o and a.
    pub fn find(&self, layout: Layout, text: &str) -> Found<'_> {
        let typed = Typed::new(text);
        let found: Vec<(&Registered, Closeness)> = self
            .entries
            .iter()
            .filter(|(r, _)| r.layout == layout)
            .filter_map(|(r, forms)| forms.matches_typed(&typed).map(|c| (r, c)))
            .collect();
        let closeness = found.iter().map(|(_, c)| *c).min().unwrap_or(Closeness::Exact);
        let hits = found.into_iter().filter(|(_, c)| *c == closeness).map(|(r, _)| r).collect();
        Found { hits, closeness }
    }

    /// A typed name that is no municipality of `layout` but one of another layout, with what
    /// covers it in `layout`; the newest layout first, one entry per municipality.
    pub fn elsewhere(&self, layout: Layout, text: &str) -> Vec<Elsewhere<'_>> {
        let typed = Typed::new(text);
        for closeness in [Closeness::Exact, Closeness::Loose] {
            let found =
                self.other_layouts(layout, |forms| forms.matches_typed(&typed) == Some(closeness), &BTreeSet::new());
            if !found.is_empty() {
                return found;
            }
        }
        vec![]
    }

    /// For the list's search on `layout`: municipalities of other layouts the query finds whose
    /// place in `layout` is not already among `shown` under the same name (a former
    /// municipality such as «Tjøme» or «Tysfjord» on the 2024 layout).
    pub fn search_elsewhere(&self, layout: Layout, query: &str, shown: &BTreeSet<String>) -> Vec<Elsewhere<'_>> {
        let typed = Typed::new(query);
        self.other_layouts(layout, |forms| forms.found_by_typed(&typed), shown)
    }

    fn other_layouts(
        &self,
        layout: Layout,
        found: impl Fn(&NameForms) -> bool,
        shown: &BTreeSet<String>,
    ) -> Vec<Elsewhere<'_>> {
        let mut out: Vec<Elsewhere<'_>> = Vec::new();
        let mut candidates: Vec<&Registered> =
            self.entries.iter().filter(|(r, forms)| r.layout != layout && found(forms)).map(|(r, _)| r).collect();
        candidates.sort_by_key(|r| (std::cmp::Reverse(r.layout), r.number.clone()));
        for then in candidates {
            let now: Vec<&Registered> = self
                .codes
                .candidates(then.layout, &then.number, layout)
                .iter()
                .filter_map(|n| self.get(layout, n))
                .collect();
            let same_name = |r: &&Registered| words(&r.name_norwegian, false) == words(&then.name_norwegian, false);
            if now.iter().any(|r| shown.contains(&r.number) && same_name(r)) || now.len() == 1 && same_name(&now[0]) {
                continue;
            }
            let told = out.iter().any(|e| same_name(&e.then) && e.now == now);
            if !told {
                out.push(Elsewhere { then, now });
            }
        }
        out
    }

    /// The municipality's lineage: for each layout, oldest first, the municipalities it lies in
    /// or came from (itself in its own layout), each marked when split between several.
    pub fn lineage(&self, layout: Layout, number: &str) -> Vec<Step<'_>> {
        Layout::ALL
            .into_iter()
            .map(|to| {
                let municipalities = self
                    .codes
                    .candidates(layout, number, to)
                    .iter()
                    .filter_map(|n| self.get(to, n))
                    .map(|r| {
                        (r, to != Layout::CURRENT && self.codes.candidates(to, &r.number, Layout::CURRENT).len() > 1)
                    })
                    .collect();
                Step { layout: to, municipalities }
            })
            .collect()
    }
}

/// The same municipality as `r` in each other layout: one number each way and the same
/// Norwegian name.
fn same_elsewhere<'a>(
    rows: &'a [Registered],
    codes: &'a CodeMap,
    r: &'a Registered,
) -> impl Iterator<Item = &'a Registered> {
    let name = words(&r.name_norwegian, false);
    Layout::ALL.into_iter().filter(move |l| *l != r.layout).filter_map(move |l| {
        let [there] = codes.candidates(r.layout, &r.number, l).try_into().ok()?;
        let back = codes.candidates(l, &there, r.layout);
        let other = rows.iter().find(|o| o.layout == l && o.number == there)?;
        (back == [r.number.clone()] && words(&other.name_norwegian, false) == name).then_some(other)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn registered(layout: Layout, number: &str, name: &str, norwegian: &str, county: &str) -> Registered {
        Registered {
            layout,
            number: number.into(),
            name: name.into(),
            name_norwegian: norwegian.into(),
            county_name: county.into(),
        }
    }

    pub(crate) fn index() -> NameIndex {
        use Layout::{Y2015, Y2020, Y2024};
        let rows = vec![
            registered(Y2015, "0722", "Nøtterøy", "Nøtterøy", "Vestfold"),
            registered(Y2015, "0723", "Tjøme", "Tjøme", "Vestfold"),
            registered(Y2015, "1850", "Tysfjord", "Tysfjord", "Nordland"),
            registered(Y2015, "1805", "Narvik", "Narvik", "Nordland"),
            registered(Y2015, "1849", "Hamarøy", "Hamarøy", "Nordland"),
            registered(Y2015, "1515", "Herøy", "Herøy", "Møre og Romsdal"),
            registered(Y2015, "1818", "Herøy", "Herøy", "Nordland"),
            registered(Y2015, "2011", "Kautokeino", "Kautokeino", "Finnmark"),
            registered(Y2015, "1640", "Røros", "Røros", "Sør-Trøndelag"),
            registered(Y2020, "3811", "Færder", "Færder", "Vestfold og Telemark"),
            registered(Y2020, "1806", "Narvik", "Narvik", "Nordland"),
            registered(Y2020, "1875", "Hábmer - Hamarøy", "Hamarøy", "Nordland"),
            registered(Y2020, "5430", "Guovdageaidnu - Kautokeino", "Kautokeino", "Troms og Finnmark"),
            registered(Y2020, "5025", "Rosse - Røros", "Røros", "Trøndelag"),
            registered(Y2024, "3911", "Færder", "Færder", "Vestfold"),
            registered(Y2024, "1806", "Narvik", "Narvik", "Nordland"),
            registered(Y2024, "1875", "Hamarøy", "Hamarøy", "Nordland"),
            registered(Y2024, "5612", "Guovdageaidnu-Kautokeino", "Kautokeino", "Finnmark"),
            registered(Y2024, "5025", "Røros", "Røros", "Trøndelag"),
            registered(Y2024, "1515", "Herøy", "Herøy", "Møre og Romsdal"),
            registered(Y2024, "1818", "Herøy", "Herøy", "Nordland"),
        ];
        let transitions = [
            (Y2015, "0722", "3911"),
            (Y2015, "0723", "3911"),
            (Y2015, "1850", "1806"),
            (Y2015, "1850", "1875"),
            (Y2015, "1805", "1806"),
            (Y2015, "1849", "1875"),
            (Y2015, "1515", "1515"),
            (Y2015, "1818", "1818"),
            (Y2015, "2011", "5612"),
            (Y2015, "1640", "5025"),
            (Y2020, "3811", "3911"),
            (Y2020, "1806", "1806"),
            (Y2020, "1875", "1875"),
            (Y2020, "5430", "5612"),
            (Y2020, "5025", "5025"),
        ];
        NameIndex::new(rows, CodeMap::new(transitions.map(|(l, f, t)| (l, f.to_string(), t.to_string()))))
    }

    fn numbers(found: &Found) -> Vec<String> {
        found.hits.iter().map(|r| r.number.clone()).collect()
    }

    #[test]
    fn a_name_of_the_same_municipality_in_another_layout_finds_it() {
        let i = index();
        assert_eq!(numbers(&i.find(Layout::Y2024, "Rosse")), ["5025"]);
        assert_eq!(numbers(&i.find(Layout::Y2015, "Guovdageaidnu")), ["2011"]);
        assert_eq!(numbers(&i.find(Layout::Y2024, "Hábmer kommune")), ["1875"], "2020's form");
        assert_eq!(
            i.other_names(Layout::Y2024, "5025"),
            [(Layout::Y2015, "Røros".into()), (Layout::Y2020, "Rosse - Røros".into())]
        );
        assert!(numbers(&i.find(Layout::Y2024, "Tysfjord")).is_empty(), "a split is not the same municipality");
    }

    #[test]
    fn a_shared_name_finds_both_and_the_county_tells_them_apart() {
        let i = index();
        assert_eq!(numbers(&i.find(Layout::Y2024, "Herøy")), ["1515", "1818"]);
        assert_eq!(numbers(&i.find(Layout::Y2024, "Herøy (Nordland)")), ["1818"]);
        assert_eq!(numbers(&i.find(Layout::Y2024, "heroy")), ["1515", "1818"]);
        assert_eq!(i.find(Layout::Y2024, "Narvik").closeness, Closeness::Exact);
    }

    #[test]
    fn a_former_municipality_is_told_with_what_it_became() {
        let i = index();
        let tjome = i.elsewhere(Layout::Y2024, "Tjøme");
        assert_eq!(tjome.len(), 1);
        assert_eq!((tjome[0].then.number.as_str(), tjome[0].now[0].number.as_str()), ("0723", "3911"));
        let tysfjord = i.elsewhere(Layout::Y2024, "tysfjord kommune");
        let now: Vec<&str> = tysfjord[0].now.iter().map(|r| r.number.as_str()).collect();
        assert_eq!(now, ["1806", "1875"]);
        let faerder = i.elsewhere(Layout::Y2015, "Færder");
        assert_eq!(faerder.len(), 1, "2020's and 2024's Færder are one: {faerder:?}");
        assert_eq!(faerder[0].then.layout, Layout::Y2024);
        assert_eq!(faerder[0].now.len(), 2);
        let shown = BTreeSet::from(["1806".to_string()]);
        assert!(i.search_elsewhere(Layout::Y2024, "Narvik", &shown).is_empty(), "the same Narvik");
        assert_eq!(i.search_elsewhere(Layout::Y2024, "Nøtt", &BTreeSet::new()).len(), 1);
    }

    #[test]
    fn the_lineage_runs_2015_2020_2024() {
        let i = index();
        let steps = i.lineage(Layout::Y2015, "0723");
        let names: Vec<Vec<&str>> =
            steps.iter().map(|s| s.municipalities.iter().map(|(r, _)| r.number.as_str()).collect()).collect();
        assert_eq!(names, [vec!["0723"], vec!["3811"], vec!["3911"]]);
        let narvik = i.lineage(Layout::Y2024, "1806");
        let split: Vec<(&str, bool)> = narvik[0].municipalities.iter().map(|(r, s)| (r.number.as_str(), *s)).collect();
        assert_eq!(split, [("1805", false), ("1850", true)], "Tysfjord was split");
    }
}
