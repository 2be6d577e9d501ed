//! Reporting period (rapporteringsperiode): a year, half-year, tertial, quarter, month or a date
//! range. Codes follow DHIS2's period syntax where it has one (2021, 2021S1, 2021Q3, 202105);
//! tertials are written 2021T2 and ranges 2021-03-01_2021-04-30.

use crate::words::MONTHS;
use chrono::{Datelike, NaiveDate};
use serde::{Deserialize, Serialize};
use std::fmt;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub enum Period {
    Year(i32),
    HalfYear(i32, u8),
    Tertial(i32, u8),
    Quarter(i32, u8),
    Month(i32, u8),
    Range(NaiveDate, NaiveDate),
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error(
    "«{0}» er ikke en gyldig periode (for eksempel 2021, 2021S2, 2021T3, 2021Q4, 202105 eller 2021-03-01_2021-04-30)"
)]
pub struct PeriodError(pub String);

fn date(y: i32, m: u32, d: u32) -> Option<NaiveDate> {
    NaiveDate::from_ymd_opt(y, m, d)
}

fn month_end(y: i32, m: u32) -> Option<NaiveDate> {
    let next = if m == 12 { date(y + 1, 1, 1) } else { date(y, m + 1, 1) }?;
    next.pred_opt()
}

impl Period {
    pub fn parse(text: &str) -> Result<Period, PeriodError> {
        let t = text.trim();
        let bad = || PeriodError(t.to_string());
        let year = |s: &str| s.parse::<i32>().ok().filter(|y| (1900..=2200).contains(y)).ok_or_else(bad);
        let part = |s: &str, max: u8| s.parse::<u8>().ok().filter(|n| (1..=max).contains(n)).ok_or_else(bad);
        // Every period code is ASCII; checking first keeps the byte slicing below safe.
        if !t.is_ascii() {
            return Err(bad());
        }
        // A date range as stored (`A_B`) or as people write it (`A..B`).
        if let Some((from, to)) = t.split_once("..").or_else(|| t.split_once('_')) {
            let parse = |s: &str| NaiveDate::parse_from_str(s, "%Y-%m-%d").map_err(|_| bad());
            let (from, to) = (parse(from)?, parse(to)?);
            return if from <= to { Ok(Period::Range(from, to)) } else { Err(bad()) };
        }
        if t.len() == 4 {
            return Ok(Period::Year(year(t)?));
        }
        if t.len() == 6 && t.bytes().all(|b| b.is_ascii_digit()) {
            return Ok(Period::Month(year(&t[..4])?, part(&t[4..], 12)?));
        }
        if t.len() == 6 {
            let (y, rest) = t.split_at(4);
            let (kind, n) = rest.split_at(1);
            return match kind {
                "S" => Ok(Period::HalfYear(year(y)?, part(n, 2)?)),
                "T" => Ok(Period::Tertial(year(y)?, part(n, 3)?)),
                "Q" => Ok(Period::Quarter(year(y)?, part(n, 4)?)),
                _ => Err(bad()),
            };
        }
        Err(bad())
    }

    pub fn code(&self) -> String {
        match *self {
            Period::Year(y) => y.to_string(),
            Period::HalfYear(y, n) => format!("{y}S{n}"),
            Period::Tertial(y, n) => format!("{y}T{n}"),
            Period::Quarter(y, n) => format!("{y}Q{n}"),
            Period::Month(y, m) => format!("{y}{m:02}"),
            Period::Range(a, b) => format!("{a}_{b}"),
        }
    }

    /// First and last day.
    pub fn dates(&self) -> (NaiveDate, NaiveDate) {
        let span = |y: i32, first: u32, months: u32| {
            let last = first + months - 1;
            (date(y, first, 1), month_end(y, last))
        };
        let (a, b) = match *self {
            Period::Year(y) => span(y, 1, 12),
            Period::HalfYear(y, n) => span(y, 1 + 6 * (u32::from(n) - 1), 6),
            Period::Tertial(y, n) => span(y, 1 + 4 * (u32::from(n) - 1), 4),
            Period::Quarter(y, n) => span(y, 1 + 3 * (u32::from(n) - 1), 3),
            Period::Month(y, m) => span(y, u32::from(m), 1),
            Period::Range(a, b) => (Some(a), Some(b)),
        };
        // Parsing guarantees valid parts; the fallback is never reached.
        (a.unwrap_or(NaiveDate::MIN), b.unwrap_or(NaiveDate::MAX))
    }

    /// "2. halvår 2021", "3. tertial 2021", "mai 2021", "1. mars – 30. april 2021".
    pub fn label(&self) -> String {
        match *self {
            Period::Year(y) => y.to_string(),
            Period::HalfYear(y, n) => format!("{n}. halvår {y}"),
            Period::Tertial(y, n) => format!("{n}. tertial {y}"),
            Period::Quarter(y, n) => format!("{n}. kvartal {y}"),
            Period::Month(y, m) => format!("{} {y}", MONTHS[usize::from(m) - 1]),
            Period::Range(a, b) => {
                let d = |x: NaiveDate| format!("{}. {}", x.day(), MONTHS[x.month0() as usize]);
                if a.year() == b.year() {
                    format!("{} – {} {}", d(a), d(b), b.year())
                } else {
                    format!("{} {} – {} {}", d(a), a.year(), d(b), b.year())
                }
            }
        }
    }
}

/// A round's period that DHIS2 has no period for: a tertial, or a date range that is not a
/// day, an ISO week (Monday to Sunday), a month, two months, a quarter, a half-year or a year.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error(
    "{} ({}) er ingen DHIS2-periode: DHIS2 har dager, uker fra mandag til søndag, måneder, to måneder, kvartaler, halvår og år, men ikke tertialer eller andre tidsrom",
    .0.label(),
    .0.code()
)]
pub struct NotDhis2(pub Period);

impl Period {
    /// The period in DHIS2's syntax: `2026`, `2026S1`, `2026Q3`, `202605`, `202605B` (May and June),
    /// `2026W12`, `20200317`. A range is written as the DHIS2 period that spans exactly its days.
    pub fn dhis2_code(&self) -> Result<String, NotDhis2> {
        match *self {
            Period::Tertial(..) => Err(NotDhis2(*self)),
            Period::Range(a, b) => dhis2_of_span(a, b).ok_or(NotDhis2(*self)),
            _ => Ok(self.code()),
        }
    }
}

/// The most specific DHIS2 period whose days are exactly `a..=b`.
fn dhis2_of_span(a: NaiveDate, b: NaiveDate) -> Option<String> {
    if a == b {
        return Some(a.format("%Y%m%d").to_string());
    }
    let week = a.iso_week();
    if a.weekday() == chrono::Weekday::Mon && (b - a).num_days() == 6 {
        return Some(format!("{}W{}", week.year(), week.week()));
    }
    let spans_months = |months: u32| {
        a.day() == 1 && (a.month() - 1) % months == 0 && month_end(a.year(), a.month() + months - 1) == Some(b)
    };
    let (y, m) = (a.year(), a.month());
    if spans_months(1) {
        Some(Period::Month(y, m as u8).code())
    } else if spans_months(2) {
        Some(format!("{y}{m:02}B"))
    } else if spans_months(3) {
        Some(Period::Quarter(y, (1 + (m - 1) / 3) as u8).code())
    } else if spans_months(6) {
        Some(Period::HalfYear(y, (1 + (m - 1) / 6) as u8).code())
    } else if spans_months(12) {
        Some(Period::Year(y).code())
    } else {
        None
    }
}

/// The first and last day of a DHIS2 period code (yearly, six-monthly, quarterly, bi-monthly,
/// monthly, ISO weekly as `2026W5` or `2026W05`, daily); None for anything else.
pub fn dhis2_span(code: &str) -> Option<(NaiveDate, NaiveDate)> {
    let t = code.trim();
    if !t.is_ascii() || t.len() < 4 {
        return None;
    }
    let digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
    let (y, rest) = t.split_at(4);
    let year: i32 = y.parse().ok().filter(|_| digits(y))?;
    let n = |s: &str| if digits(s) { s.parse::<u32>().ok() } else { None };
    let months = |first: u32, count: u32| Some((date(year, first, 1)?, month_end(year, first + count - 1)?));
    match rest.as_bytes() {
        [] => months(1, 12),
        [b'S', ..] => n(&rest[1..]).filter(|h| (1..=2).contains(h)).and_then(|h| months(1 + 6 * (h - 1), 6)),
        [b'Q', ..] => n(&rest[1..]).filter(|q| (1..=4).contains(q)).and_then(|q| months(1 + 3 * (q - 1), 3)),
        [b'W', ..] => {
            let week = n(&rest[1..]).filter(|_| rest.len() <= 3)?;
            let monday = NaiveDate::from_isoywd_opt(year, week, chrono::Weekday::Mon)?;
            Some((monday, monday + chrono::Days::new(6)))
        }
        [_, _, b'B'] => n(&rest[..2]).filter(|m| m % 2 == 1 && *m <= 11).and_then(|m| months(m, 2)),
        [_, _] => n(rest).filter(|m| (1..=12).contains(m)).and_then(|m| months(m, 1)),
        [_, _, _, _] => {
            let day = date(year, n(&rest[..2])?, n(&rest[2..])?)?;
            Some((day, day))
        }
        _ => None,
    }
}

impl TryFrom<String> for Period {
    type Error = PeriodError;
    fn try_from(s: String) -> Result<Self, Self::Error> {
        Period::parse(&s)
    }
}

impl From<Period> for String {
    fn from(p: Period) -> String {
        p.code()
    }
}

impl fmt::Display for Period {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.label())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn periods_parse_label_and_span() {
        let cases = [
            ("2021", "2021", (1, 1), (12, 31)),
            ("2021S2", "2. halvår 2021", (7, 1), (12, 31)),
            ("2021T3", "3. tertial 2021", (9, 1), (12, 31)),
            ("2021Q1", "1. kvartal 2021", (1, 1), (3, 31)),
            ("202002", "februar 2020", (2, 1), (2, 29)),
        ];
        for (code, label, (m1, d1), (m2, d2)) in cases {
            let p = Period::parse(code).unwrap();
            assert_eq!(p.code(), code);
            assert_eq!(p.label(), label);
            let (a, b) = p.dates();
            assert_eq!((a.month(), a.day(), b.month(), b.day()), (m1, d1, m2, d2), "{code}");
        }
        let r = Period::parse("2021-09-01_2021-12-10").unwrap();
        assert_eq!(r.label(), "1. september – 10. desember 2021");
        let written = Period::parse("2020-03-17..2020-03-24").unwrap();
        assert_eq!(written.code(), "2020-03-17_2020-03-24");
        assert_eq!(written.label(), "17. mars – 24. mars 2020");
    }

    #[test]
    fn periods_are_written_as_dhis2_writes_them_and_read_back() {
        let range = |a: &str, b: &str| Period::parse(&format!("{a}_{b}")).unwrap();
        let cases = [
            (Period::parse("2026").unwrap(), "2026"),
            (Period::parse("2026S1").unwrap(), "2026S1"),
            (Period::parse("2026Q3").unwrap(), "2026Q3"),
            (Period::parse("202605").unwrap(), "202605"),
            (range("2020-03-16", "2020-03-22"), "2020W12"),
            (range("2020-03-17", "2020-03-17"), "20200317"),
            (range("2026-05-01", "2026-06-30"), "202605B"),
            (range("2026-04-01", "2026-06-30"), "2026Q2"),
            (range("2026-07-01", "2026-12-31"), "2026S2"),
            (range("2026-01-01", "2026-12-31"), "2026"),
            (range("2020-12-28", "2021-01-03"), "2020W53"),
        ];
        for (period, code) in cases {
            assert_eq!(period.dhis2_code().as_deref(), Ok(code), "{period:?}");
            assert_eq!(dhis2_span(code), Some(period.dates()), "{code}");
        }
        assert_eq!(dhis2_span("2020W05"), dhis2_span("2020W5"));
    }

    #[test]
    fn periods_dhis2_has_not_are_refused_by_their_dates() {
        for code in ["2020-03-17_2020-03-24", "2020-03-17_2020-03-23", "2021T2", "2026-02-01_2026-03-31"] {
            let p = Period::parse(code).unwrap();
            let err = p.dhis2_code().unwrap_err().to_string();
            assert!(err.contains(code) && err.contains(&p.label()), "{err}");
        }
        for bad in ["2021T2", "2020W54", "202013", "202002B", "20200230", "2020-03-17", "ååå", "2020S3", ""] {
            assert_eq!(dhis2_span(bad), None, "{bad}");
        }
    }

    #[test]
    fn bad_periods_are_named() {
        for bad in [
            "21",
            "2021S3",
            "2021T0",
            "202113",
            "2021X1",
            "2021-12-10_2021-09-01",
            "2021-12-10..2021-09-01",
            "2020-03-17..",
            "ååå",
        ] {
            let err = Period::parse(bad).unwrap_err();
            assert!(err.to_string().contains(bad), "{err}");
        }
    }
}
