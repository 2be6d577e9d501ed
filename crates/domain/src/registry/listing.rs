//! The municipality list (kommunelisten): filter by county, size class and name, and sort.
//! Pure, so the page, the API and the tests share one definition of "matches".

use super::{CountyNumber, MunicipalityNumber, NameForms, SizeClass};
use serde::Serialize;

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct MunicipalityRow {
    pub number: MunicipalityNumber,
    /// Official name, which may carry a Sami parallel name ("Guovdageaidnu-Kautokeino").
    pub name: String,
    /// The Norwegian name ("Kautokeino").
    pub name_norwegian: String,
    pub county_number: CountyNumber,
    pub county_name: String,
    /// Latest known population, and its year; none for layouts without a source (2015).
    pub population: Option<i64>,
    pub population_year: Option<i32>,
    pub size_class: Option<SizeClass>,
    /// The official names the same municipality has in other layouts («Rosse - Røros» for
    /// Røros in 2020), which the search also finds.
    pub other_names: Vec<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum MunicipalitySort {
    #[default]
    Name,
    Number,
    County,
    Population,
}

impl MunicipalitySort {
    pub fn code(self) -> &'static str {
        match self {
            MunicipalitySort::Name => "navn",
            MunicipalitySort::Number => "nummer",
            MunicipalitySort::County => "fylke",
            MunicipalitySort::Population => "innbyggere",
        }
    }

    pub fn from_code(code: &str) -> Option<Self> {
        [Self::Name, Self::Number, Self::County, Self::Population].into_iter().find(|s| s.code() == code)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum SortDirection {
    #[default]
    Ascending,
    Descending,
}

#[derive(Debug, Clone, Default)]
pub struct MunicipalityFilter {
    pub county: Option<CountyNumber>,
    pub size_class: Option<SizeClass>,
    /// Free text: matches the official or Norwegian name (case-insensitive, also æøå and Sami
    /// letters), or the start of the municipality number.
    pub query: Option<String>,
    pub sort: MunicipalitySort,
    pub direction: SortDirection,
}

/// Whether `query` is found in either name: a part of one, or its forms in any order, ignoring
/// case, diacritics and «kommune» (see [`NameForms::found_by`]).
pub fn name_matches(query: &str, name: &str, name_norwegian: &str) -> bool {
    query.trim().is_empty() || NameForms::new([(name, name_norwegian)], "").found_by(query)
}

impl MunicipalityRow {
    /// Every name the row answers to, with its county.
    pub fn name_forms(&self) -> NameForms {
        let names = std::iter::once((self.name.as_str(), self.name_norwegian.as_str()))
            .chain(self.other_names.iter().map(|n| (n.as_str(), self.name_norwegian.as_str())));
        NameForms::new(names, &self.county_name)
    }
}

impl MunicipalityFilter {
    pub fn matches(&self, row: &MunicipalityRow) -> bool {
        if self.county.as_ref().is_some_and(|c| *c != row.county_number) {
            return false;
        }
        if self.size_class.is_some() && self.size_class != row.size_class {
            return false;
        }
        match self.query.as_deref().map(str::trim) {
            None | Some("") => true,
            Some(q) => row.number.as_str().starts_with(q) || row.name_forms().found_by(q),
        }
    }

    /// Filters and sorts; ties fall back to the Norwegian name so the order is stable.
    pub fn apply(&self, rows: Vec<MunicipalityRow>) -> Vec<MunicipalityRow> {
        // The name key is computed once per row, not once per comparison.
        let mut keyed: Vec<(Vec<u32>, MunicipalityRow)> = rows
            .into_iter()
            .filter(|r| self.matches(r))
            .map(|r| (norwegian_collation_key(&r.name_norwegian), r))
            .collect();
        keyed.sort_by(|(ka, a), (kb, b)| {
            let primary = match self.sort {
                MunicipalitySort::Name => ka.cmp(kb),
                MunicipalitySort::Number => a.number.cmp(&b.number),
                MunicipalitySort::County => a.county_name.cmp(&b.county_name),
                MunicipalitySort::Population => a.population.cmp(&b.population),
            };
            let primary = match self.direction {
                SortDirection::Ascending => primary,
                SortDirection::Descending => primary.reverse(),
            };
            primary.then_with(|| ka.cmp(kb))
        });
        keyed.into_iter().map(|(_, r)| r).collect()
    }
}

/// Sort key that puts æ, ø, å after z (as Norwegian readers expect), a Sami letter right after
/// its base letter (á after a, č after c, đ after d, ŋ after n, š after s, ŧ after t, ž after z,
/// as in the Sami alphabets), and ignores case.
pub fn norwegian_collation_key(text: &str) -> Vec<u32> {
    let z = 'z' as u32;
    text.chars()
        .flat_map(char::to_lowercase)
        .map(|c| {
            let (base, rank) = match c {
                'æ' | 'ä' => (z + 1, 0),
                'ø' | 'ö' => (z + 2, 0),
                'å' => (z + 3, 0),
                'á' => ('a' as u32, 1),
                'č' => ('c' as u32, 1),
                'đ' => ('d' as u32, 1),
                'ŋ' => ('n' as u32, 1),
                'š' => ('s' as u32, 1),
                'ŧ' => ('t' as u32, 1),
                'ž' => ('z' as u32, 1),
                other => (other as u32, 0),
            };
            base * 2 + rank
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(number: &str, name: &str, norwegian: &str, county: &str, population: i64) -> MunicipalityRow {
        MunicipalityRow {
            number: MunicipalityNumber::parse(number).unwrap(),
            name: name.into(),
            name_norwegian: norwegian.into(),
            county_number: CountyNumber::parse(county).unwrap(),
            county_name: format!("Fylke {county}"),
            population: Some(population),
            population_year: Some(2026),
            size_class: Some(crate::registry::SizeThresholds::SSB.classify(population)),
            other_names: vec![],
        }
    }

    fn sample() -> Vec<MunicipalityRow> {
        vec![
            row("5628", "Deatnu-Tana", "Tana", "56", 2_800),
            row("1804", "Bodø", "Bodø", "18", 53_000),
            row("5618", "Guovdageaidnu-Kautokeino", "Kautokeino", "56", 2_900),
            row("0301", "Oslo-Oslove", "Oslo", "03", 728_714),
            row("4640", "Sogndal", "Sogndal", "46", 12_000),
            row("1811", "Bindal", "Bindal", "18", 1_400),
        ]
    }

    #[test]
    fn sami_and_norwegian_names_both_match() {
        let f = MunicipalityFilter { query: Some("guovda".into()), ..Default::default() };
        assert_eq!(f.apply(sample()).len(), 1);
        let f = MunicipalityFilter { query: Some("KAUTOKEINO".into()), ..Default::default() };
        assert_eq!(f.apply(sample())[0].number.as_str(), "5618");
        let f = MunicipalityFilter { query: Some("bodø".into()), ..Default::default() };
        assert_eq!(f.apply(sample())[0].number.as_str(), "1804");
        for query in ["Oslove-Oslo", "oslove kommune", "bodo", "Kautokeino - Guovdageaidnu", "deatnu tana"] {
            let f = MunicipalityFilter { query: Some(query.into()), ..Default::default() };
            assert_eq!(f.apply(sample()).len(), 1, "{query}");
        }
        let mut roros = row("5025", "Røros", "Røros", "50", 5_500);
        roros.other_names = vec!["Rosse - Røros".into()];
        let f = MunicipalityFilter { query: Some("rosse".into()), ..Default::default() };
        assert_eq!(f.apply(vec![roros]).len(), 1, "a name of another layout");
    }

    #[test]
    fn filters_by_county_and_size_class_and_number_prefix() {
        let f = MunicipalityFilter {
            county: Some(CountyNumber::parse("18").unwrap()),
            size_class: Some(SizeClass::Small),
            ..Default::default()
        };
        let names: Vec<_> = f.apply(sample()).into_iter().map(|r| r.name).collect();
        assert_eq!(names, ["Bindal"]);
        let f = MunicipalityFilter { query: Some("56".into()), ..Default::default() };
        assert_eq!(f.apply(sample()).len(), 2);
    }

    #[test]
    fn sorts_norwegian_letters_last_and_by_population() {
        let names: Vec<_> =
            MunicipalityFilter::default().apply(sample()).into_iter().map(|r| r.name_norwegian).collect();
        assert_eq!(names, ["Bindal", "Bodø", "Kautokeino", "Oslo", "Sogndal", "Tana"]);
        let f = MunicipalityFilter {
            sort: MunicipalitySort::Population,
            direction: SortDirection::Descending,
            ..Default::default()
        };
        assert_eq!(f.apply(sample())[0].name_norwegian, "Oslo");
        assert!(norwegian_collation_key("Øksnes") > norwegian_collation_key("Zzz"));
        let key = norwegian_collation_key;
        assert!(key("Kárášjohka") > key("Karasjok") && key("Kárášjohka") < key("Kb"), "á right after a");
        assert!(key("Čáhcesuolu") > key("Cz") && key("Čáhcesuolu") < key("D"), "č between c and d");
    }
}
