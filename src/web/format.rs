//! Norwegian formatting of numbers and dates, as users read them: `1 447 130 kr`,
//! `14. mai 2020`, times in Norwegian local time.

use chrono::{Datelike, Duration, NaiveDate, NaiveDateTime, Weekday};

const MONTHS: [&str; 12] = [
    "januar",
    "februar",
    "mars",
    "april",
    "mai",
    "juni",
    "juli",
    "august",
    "september",
    "oktober",
    "november",
    "desember",
];

/// Groups of three digits separated by a space: 5550203 -> "5 550 203"; -1200 -> "−1 200".
pub fn number(n: i64) -> String {
    let digits = n.unsigned_abs().to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3 + 1);
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            out.push(' ');
        }
        out.push(c);
    }
    if n < 0 { format!("−{out}") } else { out }
}

/// Hundredths with grouped digits and a decimal comma, decimals only where there are any:
/// 123456 -> "1 234,56"; 150 -> "1,5"; 700 -> "7".
pub fn hundredths(n: i64) -> String {
    let whole = number(n / 100);
    let whole = if n < 0 && n > -100 { format!("−{whole}") } else { whole };
    match (n % 100).unsigned_abs() {
        0 => whole,
        f if f % 10 == 0 => format!("{whole},{}", f / 10),
        f => format!("{whole},{f:02}"),
    }
}

pub fn kroner(n: i64) -> String {
    format!("{} kr", number(n))
}

pub fn optional_number(n: Option<i64>) -> String {
    n.map(number).unwrap_or_else(|| "–".to_string())
}

/// "14. mai 2020".
/// A file size the Norwegian way: `840 byte`, `12 kB`, `3,4 MB`.
pub fn file_size(bytes: i64) -> String {
    match bytes {
        ..1_000 => format!("{bytes} byte"),
        1_000..1_000_000 => format!("{} kB", number((bytes + 500) / 1_000)),
        _ => {
            let tenths = (bytes + 50_000) / 100_000;
            format!("{},{} MB", number(tenths / 10), tenths % 10)
        }
    }
}

pub fn date(d: NaiveDate) -> String {
    format!("{}. {} {}", d.day(), MONTHS[d.month0() as usize], d.year())
}

pub fn optional_date(d: Option<NaiveDate>) -> String {
    d.map(date).unwrap_or_default()
}

fn last_sunday(year: i32, month: u32) -> Option<NaiveDate> {
    let first_next = if month == 12 {
        NaiveDate::from_ymd_opt(year + 1, 1, 1)
    } else {
        NaiveDate::from_ymd_opt(year, month + 1, 1)
    }?;
    let last = first_next.pred_opt()?;
    let back = last.weekday().num_days_from_sunday();
    last.checked_sub_signed(Duration::days(i64::from(back)))
}

/// Norwegian local time for a UTC timestamp (CET, CEST from the last Sunday of March to the
/// last Sunday of October, switching at 01:00 UTC, as in the EU since 1996).
pub fn oslo_time(utc: NaiveDateTime) -> NaiveDateTime {
    let year = utc.year();
    let switch = |month| last_sunday(year, month).and_then(|d| d.and_hms_opt(1, 0, 0));
    let summer = matches!((switch(3), switch(10)), (Some(start), Some(end)) if utc >= start && utc < end);
    utc + Duration::hours(if summer { 2 } else { 1 })
}

/// "14. mai 2020 kl. 13.05", Norwegian local time.
pub fn datetime(utc: NaiveDateTime) -> String {
    let local = oslo_time(utc);
    format!("{} kl. {}", date(local.date()), local.format("%H.%M"))
}

/// The weekday name, for calendars later; kept here so all wording lives together.
pub fn weekday(d: NaiveDate) -> &'static str {
    match d.weekday() {
        Weekday::Mon => "mandag",
        Weekday::Tue => "tirsdag",
        Weekday::Wed => "onsdag",
        Weekday::Thu => "torsdag",
        Weekday::Fri => "fredag",
        Weekday::Sat => "lørdag",
        Weekday::Sun => "søndag",
    }
}

/// A message from a lower layer as a sentence: capital first letter, full stop.
pub fn capitalized(text: &str) -> String {
    let mut c = text.chars();
    c.next().map(|f| f.to_uppercase().chain(c).collect::<String>() + ".").unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hundredths_group_digits_and_show_only_needed_decimals() {
        assert_eq!(hundredths(123_456), "1 234,56");
        assert_eq!(hundredths(150), "1,5");
        assert_eq!(hundredths(700), "7");
        assert_eq!(hundredths(-50), "−0,5");
        assert_eq!(hundredths(-123_400), "−1 234");
    }

    #[test]
    fn file_sizes_read_the_norwegian_way() {
        assert_eq!(file_size(840), "840 byte");
        assert_eq!(file_size(12_345), "12 kB");
        assert_eq!(file_size(3_400_000), "3,4 MB");
        assert_eq!(file_size(10 * 1024 * 1024), "10,5 MB");
    }

    #[test]
    fn numbers_group_by_three_with_spaces() {
        assert_eq!(kroner(1_447_130), "1 447 130 kr");
        assert_eq!(number(5_550_203), "5 550 203");
        assert_eq!(number(999), "999");
        assert_eq!(number(1000), "1 000");
        assert_eq!(number(0), "0");
        assert_eq!(number(-1200), "−1 200");
    }

    #[test]
    fn dates_read_the_norwegian_way() {
        assert_eq!(date(NaiveDate::from_ymd_opt(2020, 5, 14).unwrap()), "14. mai 2020");
        assert_eq!(weekday(NaiveDate::from_ymd_opt(2026, 11, 25).unwrap()), "onsdag");
    }

    #[test]
    fn local_time_follows_summer_time() {
        let winter = NaiveDate::from_ymd_opt(2026, 1, 10).unwrap().and_hms_opt(12, 0, 0).unwrap();
        let summer = NaiveDate::from_ymd_opt(2026, 7, 10).unwrap().and_hms_opt(12, 0, 0).unwrap();
        assert_eq!(datetime(winter), "10. januar 2026 kl. 13.00");
        assert_eq!(datetime(summer), "10. juli 2026 kl. 14.00");
    }
}
