//! Target figures (måltall) of a grant decision: structured rows (quantity, what, due), read
//! from the free text of historic decisions where it names numbers ("50 medisindispensere, 25
//! helsesjekk, 25 GPS og test av fallsensor").

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TargetFigure {
    /// What is counted: a technology or a user group ("GPS", "trygghetspakker").
    pub technology: String,
    pub quantity: i64,
    /// "stk", "brukere", "boliger"...
    pub unit: String,
    pub due: Option<NaiveDate>,
}

/// Units that count people, singular and plural, with the plural a sum is shown in. Only a
/// target in one of them can be read against the users reported for a technology.
const PEOPLE: [(&str, &str); 4] =
    [("bruker", "brukere"), ("brukar", "brukarar"), ("person", "personer"), ("pasient", "pasienter")];

impl TargetFigure {
    /// The unit as targets are summed by: trimmed, lower case, a unit of people in the plural
    /// ("Bruker" and "brukere" are one unit; "stk" and "brukere" are two).
    pub fn unit_key(&self) -> String {
        let unit = self.unit.trim().to_lowercase();
        PEOPLE.iter().find(|(one, many)| unit == *one || unit == *many).map_or(unit, |(_, many)| (*many).to_string())
    }

    /// Whether the target counts people (brukere, personer, pasienter), so that it compares with
    /// reported users; "stk", "kommuner", "enheter" and the like do not.
    pub fn counts_people(&self) -> bool {
        let unit = self.unit_key();
        PEOPLE.iter().any(|(_, many)| unit == *many)
    }
}

/// Reads "N thing" items separated by commas and "og"; text without a leading number is left to
/// the free-text conditions. Words like "herav" (of which) keep a figure out, since it is part of
/// the one before.
pub fn parse_target_figures(text: &str) -> Vec<TargetFigure> {
    let mut out = Vec::new();
    for item in text.split([',', '.', ';']).flat_map(|p| p.split(" og ")).map(str::trim) {
        let words: Vec<&str> = item.split_whitespace().collect();
        let Some(first) = words.first() else { continue };
        if !first.bytes().all(|b| b.is_ascii_digit()) {
            continue;
        }
        // "1 000 alarmer": groups of three digits after the first belong to the number.
        let groups =
            1 + words[1..].iter().take_while(|w| w.len() == 3 && w.bytes().all(|b| b.is_ascii_digit())).count();
        let Ok(quantity) = words[..groups].concat().parse::<i64>() else { continue };
        let rest: Vec<&str> = words[groups..]
            .iter()
            .copied()
            .take_while(|w| !["herav", "samt", "med", "i", "for"].contains(&w.to_lowercase().as_str()))
            .collect();
        if rest.is_empty() || quantity <= 0 {
            continue;
        }
        let technology = rest.join(" ");
        let unit = if technology.starts_with("brukere") { "brukere" } else { "stk" };
        out.push(TargetFigure { technology, quantity, unit: unit.into(), due: None });
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn short(text: &str) -> Vec<(i64, String)> {
        parse_target_figures(text).into_iter().map(|t| (t.quantity, t.technology)).collect()
    }

    #[test]
    fn the_2015_texts_read_as_rows() {
        assert_eq!(
            short("50 medisindispensere, 25 helsesjekk, 25 GPS og test av fallsensor"),
            vec![(50, "medisindispensere".into()), (25, "helsesjekk".into()), (25, "GPS".into())]
        );
        assert_eq!(
            short(
                "300 trygghetsalarmer, herav minst halvparten mobile og 100 med utvidet trygghet med én eller flere sensorer"
            ),
            vec![(300, "trygghetsalarmer".into())]
        );
        assert_eq!(
            short("100 trygghetspakker, 10 GPS og 130 brukere i sykehjem"),
            vec![(100, "trygghetspakker".into()), (10, "GPS".into()), (130, "brukere".into())]
        );
        assert!(short("Implementering i drift av SPIDER skal være påstartet i 2015").is_empty());
        assert_eq!(short("1 000 trygghetsalarmer Med sensorer"), vec![(1000, "trygghetsalarmer".into())]);
    }

    #[test]
    fn only_units_of_people_compare_with_users() {
        let with = |unit: &str| TargetFigure { technology: "GPS".into(), quantity: 1, unit: unit.into(), due: None };
        assert_eq!(with(" Bruker ").unit_key(), "brukere");
        assert_eq!(with("Stk").unit_key(), "stk");
        for unit in ["brukere", "bruker", "Personer", "pasient", "brukarar"] {
            assert!(with(unit).counts_people(), "{unit}");
        }
        for unit in ["stk", "kommuner", "enheter", "boliger", ""] {
            assert!(!with(unit).counts_people(), "{unit}");
        }
    }
}
