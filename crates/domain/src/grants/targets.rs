//! Target figures (måltall) of a grant decision: structured rows (quantity, what, unit, due),
//! entered as rows in the decision form, or read from the free text of historic decisions
//! ("50 medisindispensere, 25 helsesjekk, 25 GPS og test av fallsensor"). What a text says that
//! is not read into a row is handed back as typed ([`TargetText::unread`]), never dropped.

use crate::words::MONTHS;
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

/// The units offered in the decision form, the most used first.
pub const UNITS: [&str; 7] = ["stk", "brukere", "pasienter", "personer", "boliger", "kommuner", "enheter"];

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

/// A free text read for target figures: the rows it gives, and the parts of it that are not a
/// row, as typed (shown beside the rows with the text itself).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TargetText {
    pub figures: Vec<TargetFigure>,
    pub unread: Vec<String>,
}

impl TargetText {
    /// Whether every part of the text was read into a row.
    pub fn complete(&self) -> bool {
        self.unread.is_empty()
    }
}

/// A date as Norwegians write it: "31.12.2027", "1.2.2027", "31. desember 2027", or ISO
/// "2027-12-31".
pub fn parse_date(text: &str) -> Option<NaiveDate> {
    let text = text.trim();
    if let Ok(d) = NaiveDate::parse_from_str(text, "%Y-%m-%d") {
        return Some(d);
    }
    let parts: Vec<&str> = text.split('.').map(str::trim).collect();
    if let [d, m, y] = parts.as_slice() {
        if y.len() == 4 {
            return NaiveDate::from_ymd_opt(y.parse().ok()?, m.parse().ok()?, d.parse().ok()?);
        }
    }
    let words: Vec<&str> = text.split_whitespace().collect();
    let [day, month, year] = words.as_slice() else { return None };
    let day: u32 = day.strip_suffix('.')?.parse().ok()?;
    let month = MONTHS.iter().position(|m| m.eq_ignore_ascii_case(month))?;
    NaiveDate::from_ymd_opt(year.parse().ok()?, u32::try_from(month).ok()? + 1, day)
}

/// A deadline after "innen": a date, a year ("2027") or "utgangen av 2027" (the last day).
fn parse_deadline(words: &[&str]) -> Option<NaiveDate> {
    let words: Vec<&str> = match words {
        ["utgangen", "av", rest @ ..] | ["slutten", "av", rest @ ..] => rest.to_vec(),
        rest => rest.to_vec(),
    };
    match words.as_slice() {
        [year] if year.len() == 4 && year.bytes().all(|b| b.is_ascii_digit()) => {
            NaiveDate::from_ymd_opt(year.parse().ok()?, 12, 31)
        }
        _ => parse_date(&words.join(" ")),
    }
}

/// The sentences and items of a text: split at commas, semicolons and a full stop that ends a
/// sentence (not the one after a day, "31. desember").
fn items(text: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let mut start = 0;
    let chars: Vec<(usize, char)> = text.char_indices().collect();
    for (i, &(at, c)) in chars.iter().enumerate() {
        let next_blank = chars.get(i + 1).is_none_or(|(_, n)| n.is_whitespace());
        let digits = chars[..i].iter().rev().take_while(|(_, d)| d.is_ascii_digit()).count();
        let day = (1..=2).contains(&digits) && (i == digits || chars[i - digits - 1].1.is_whitespace());
        if c == ',' || c == ';' || (c == '.' && next_blank && !day) {
            out.push(text[start..at].trim());
            start = at + c.len_utf8();
        }
    }
    out.push(text[start..].trim());
    out.into_iter().filter(|p| !p.is_empty()).collect()
}

/// A row read from a part, and the words of the part after "herav" or "samt", unread.
type ReadPart = (TargetFigure, Option<String>);

/// A row from a part that starts with a number: "75 brukere for digitalt tilsyn", "25 GPS",
/// "50 pasienter med digital hjemmeoppfølging innen utgangen av 2027". Words after "herav" or
/// "samt" are handed back unread.
fn read_part(part: &str) -> Option<ReadPart> {
    let words: Vec<&str> = part.split_whitespace().collect();
    let first = words.first()?;
    if !first.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    // "1 000 alarmer": groups of three digits after the first belong to the number.
    let groups = 1 + words[1..].iter().take_while(|w| w.len() == 3 && w.bytes().all(|b| b.is_ascii_digit())).count();
    let quantity = words[..groups].concat().parse::<i64>().ok().filter(|q| *q > 0)?;
    let mut rest = &words[groups..];
    let stop = rest.iter().position(|w| ["herav", "samt"].contains(&w.to_lowercase().as_str()));
    let unread = stop.map(|at| rest[at..].join(" "));
    rest = &rest[..stop.unwrap_or(rest.len())];
    let mut due = None;
    if let Some(at) = rest.iter().position(|w| w.eq_ignore_ascii_case("innen")) {
        due = Some(parse_deadline(&rest[at + 1..])?);
        rest = &rest[..at];
    }
    let (unit, what) = match rest.split_first() {
        Some((unit, what)) if is_unit(unit) => {
            let what = match what.split_first() {
                Some((w, tail)) if ["for", "med", "av", "til"].contains(&w.to_lowercase().as_str()) => tail,
                _ => what,
            };
            let what = if what.is_empty() { (*unit).to_string() } else { what.join(" ") };
            (unit.to_lowercase(), what)
        }
        // "100 med utvidet trygghet": what is counted is not said.
        Some((w, _)) if ["med", "for", "i", "av", "til"].contains(&w.to_lowercase().as_str()) => return None,
        Some(_) => ("stk".to_string(), rest.join(" ")),
        None => return None,
    };
    Some((TargetFigure { technology: what, quantity, unit, due }, unread))
}

fn is_unit(word: &str) -> bool {
    let word = word.to_lowercase();
    PEOPLE.iter().any(|(one, many)| word == *one || word == *many) || UNITS.contains(&word.as_str())
}

/// Reads a free text into target-figure rows ("N thing" items separated by commas and "og"),
/// and hands back every part that is not a row, as typed: an item none of whose "og" parts is
/// a row comes back whole.
pub fn read_target_text(text: &str) -> TargetText {
    let mut out = TargetText::default();
    for item in items(text) {
        let read: Vec<(&str, Option<ReadPart>)> =
            item.split(" og ").map(str::trim).filter(|p| !p.is_empty()).map(|p| (p, read_part(p))).collect();
        if read.iter().all(|(_, r)| r.is_none()) {
            out.unread.push(item.to_string());
            continue;
        }
        for (part, r) in read {
            match r {
                Some((figure, unread)) => {
                    out.figures.push(figure);
                    out.unread.extend(unread);
                }
                None => out.unread.push(part.to_string()),
            }
        }
    }
    out
}

/// The rows a free text gives (see [`read_target_text`]).
pub fn parse_target_figures(text: &str) -> Vec<TargetFigure> {
    read_target_text(text).figures
}

#[cfg(test)]
mod tests {
    use super::*;

    fn short(text: &str) -> Vec<(i64, String)> {
        parse_target_figures(text).into_iter().map(|t| (t.quantity, t.technology)).collect()
    }

    fn row(quantity: i64, unit: &str, technology: &str) -> TargetFigure {
        TargetFigure { technology: technology.into(), quantity, unit: unit.into(), due: None }
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
            vec![(100, "trygghetspakker".into()), (10, "GPS".into()), (130, "i sykehjem".into())]
        );
        assert!(short("Implementering i drift av SPIDER skal være påstartet i 2015").is_empty());
        let read = read_target_text("50 medisindispensere, 25 helsesjekk, 25 GPS og test av fallsensor");
        assert_eq!(read.unread, vec!["test av fallsensor".to_string()]);
        assert_eq!(read_target_text("25 stk GPS").figures, vec![row(25, "stk", "GPS")]);
        assert_eq!(short("1 000 trygghetsalarmer Med sensorer"), vec![(1000, "trygghetsalarmer Med sensorer".into())]);
    }

    #[test]
    fn a_unit_of_people_and_what_it_is_for_are_kept_apart() {
        let read =
            read_target_text("75 brukere for digitalt tilsyn, løsninger i 12 boliger for psykisk utviklingshemmede");
        assert_eq!(read.figures, vec![row(75, "brukere", "digitalt tilsyn")]);
        assert_eq!(read.unread, vec!["løsninger i 12 boliger for psykisk utviklingshemmede".to_string()]);
        let read = read_target_text("50 pasienter med digital hjemmeoppfølging innen utgangen av 2027");
        assert_eq!(
            read.figures,
            vec![TargetFigure {
                due: NaiveDate::from_ymd_opt(2027, 12, 31),
                ..row(50, "pasienter", "digital hjemmeoppfølging")
            }]
        );
        assert!(read.complete());
        let read = read_target_text("20 GPS innen 30.06.2027. 10 boliger innen 31. desember 2027");
        assert_eq!(
            read.figures.iter().map(|f| f.due).collect::<Vec<_>>(),
            vec![NaiveDate::from_ymd_opt(2027, 6, 30), NaiveDate::from_ymd_opt(2027, 12, 31)]
        );
        assert_eq!(read.figures[1].unit, "boliger");
    }

    #[test]
    fn nothing_of_a_text_is_dropped() {
        let read = read_target_text(
            "300 trygghetsalarmer, herav minst halvparten mobile og 100 med utvidet trygghet med én eller flere sensorer",
        );
        assert_eq!(read.figures, vec![row(300, "stk", "trygghetsalarmer")]);
        assert_eq!(
            read.unread,
            vec!["herav minst halvparten mobile og 100 med utvidet trygghet med én eller flere sensorer".to_string()]
        );
        let read = read_target_text("150 trygghetspakker. Utvide målgruppen til utviklingshemmede og funksjonshemmede");
        assert_eq!(read.figures, vec![row(150, "stk", "trygghetspakker")]);
        assert_eq!(read.unread, vec!["Utvide målgruppen til utviklingshemmede og funksjonshemmede".to_string()]);
        let read = read_target_text("40 GPS herav 10 til barn");
        assert_eq!((read.figures.len(), read.unread), (1, vec!["herav 10 til barn".to_string()]));
        let read = read_target_text("30 GPS innen medio 2016");
        assert_eq!((read.figures.len(), read.unread), (0, vec!["30 GPS innen medio 2016".to_string()]));
    }

    #[test]
    fn dates_are_read_the_norwegian_way_and_iso() {
        let d = NaiveDate::from_ymd_opt(2027, 12, 31);
        for text in ["31.12.2027", "2027-12-31", " 31. desember 2027 ", "31. Desember 2027"] {
            assert_eq!(parse_date(text), d, "{text}");
        }
        assert_eq!(parse_date("1.2.2027"), NaiveDate::from_ymd_opt(2027, 2, 1));
        for text in ["31.13.2027", "2027", "31/12/2027", "31.12.27", "", "i morgen"] {
            assert_eq!(parse_date(text), None, "{text}");
        }
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
