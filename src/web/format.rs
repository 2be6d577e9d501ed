//! Norwegian formatting of numbers and dates, as users read them: `1 447 130 kr`,
//! `14. mai 2020`, times in Norwegian local time.

use chrono::{Datelike, Duration, NaiveDate, NaiveDateTime, NaiveTime, Weekday};
use samveis_domain::words::MONTHS;

/// Groups of three digits joined by no-break spaces, so a number never breaks over two lines:
/// 5550203 -> "5 550 203"; -1200 -> "−1 200".
pub fn number(n: i64) -> String {
    samveis_domain::number::grouped(n)
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

/// A count with its noun in the right number: "1 kommune", "3 kommuner" (a no-break space
/// between, so the two stay on one line).
pub fn count(n: impl Into<i64>, one: &str, many: &str) -> String {
    let n = n.into();
    format!("{}\u{a0}{}", number(n), if n == 1 { one } else { many })
}

/// "2 000 000 kr", with no-break spaces throughout.
pub fn kroner(n: i64) -> String {
    format!("{}\u{a0}kr", number(n))
}

/// A share in tenths of a percent: 36136 -> "3 613,6 %", with no-break spaces.
pub fn percent_tenths(tenths: i64) -> String {
    let sign = if tenths < 0 { "−" } else { "" };
    let t = tenths.unsigned_abs();
    format!("{sign}{},{}\u{a0}%", number((t / 10) as i64), t % 10)
}

pub fn optional_number(n: Option<i64>) -> String {
    n.map(number).unwrap_or_else(|| "–".to_string())
}

/// "14. mai 2020".
/// A file size the Norwegian way: `840 byte`, `12 kB`, `3,4 MB`.
pub fn file_size(bytes: i64) -> String {
    match bytes {
        ..1_000 => format!("{bytes}\u{a0}byte"),
        1_000..1_000_000 => format!("{}\u{a0}kB", number((bytes + 500) / 1_000)),
        _ => {
            let tenths = (bytes + 50_000) / 100_000;
            format!("{},{}\u{a0}MB", number(tenths / 10), tenths % 10)
        }
    }
}

pub fn date(d: NaiveDate) -> String {
    format!("{}. {} {}", d.day(), MONTHS[d.month0() as usize], d.year())
}

pub fn optional_date(d: Option<NaiveDate>) -> String {
    d.map(date).unwrap_or_default()
}

/// Days from the first to the last, the shared month and year once: "7. september 2021",
/// "22.–23. november 2021", "30. november–1. desember 2021", "30. desember 2021–2. januar 2022".
pub fn days(first: NaiveDate, last: NaiveDate) -> String {
    let month = |d: NaiveDate| MONTHS[d.month0() as usize];
    if last <= first {
        date(first)
    } else if (first.year(), first.month()) == (last.year(), last.month()) {
        format!("{}.–{}", first.day(), date(last))
    } else if first.year() == last.year() {
        format!("{}. {}–{}", first.day(), month(first), date(last))
    } else {
        format!("{}–{}", date(first), date(last))
    }
}

/// "09.00–10.30".
pub fn times(start: NaiveTime, end: NaiveTime) -> String {
    format!("{}–{}", start.format("%H.%M"), end.format("%H.%M"))
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

    /// What the reader sees, with the no-break spaces made visible as `_`.
    fn seen(s: String) -> String {
        s.replace('\u{a0}', "_")
    }

    #[test]
    fn hundredths_group_digits_and_show_only_needed_decimals() {
        assert_eq!(seen(hundredths(123_456)), "1_234,56");
        assert_eq!(hundredths(150), "1,5");
        assert_eq!(hundredths(700), "7");
        assert_eq!(hundredths(-50), "−0,5");
        assert_eq!(seen(hundredths(-123_400)), "−1_234");
        assert_eq!(seen(percent_tenths(36_136)), "3_613,6_%");
    }

    #[test]
    fn file_sizes_read_the_norwegian_way() {
        assert_eq!(seen(file_size(840)), "840_byte");
        assert_eq!(seen(file_size(12_345)), "12_kB");
        assert_eq!(seen(file_size(3_400_000)), "3,4_MB");
        assert_eq!(seen(file_size(10 * 1024 * 1024)), "10,5_MB");
    }

    #[test]
    fn numbers_group_by_three_with_no_break_spaces() {
        assert_eq!(seen(kroner(1_447_130)), "1_447_130_kr");
        assert_eq!(seen(number(5_550_203)), "5_550_203");
        assert_eq!(number(999), "999");
        assert_eq!(seen(number(1000)), "1_000");
        assert_eq!(number(0), "0");
        assert_eq!(seen(number(-1200)), "−1_200");
    }

    #[test]
    fn a_count_takes_the_noun_in_the_right_number() {
        assert_eq!(seen(count(1, "kommune", "kommuner")), "1_kommune");
        assert_eq!(seen(count(0, "kommune", "kommuner")), "0_kommuner");
        assert_eq!(seen(count(1200, "melding", "meldinger")), "1_200_meldinger");
    }

    #[test]
    fn dates_read_the_norwegian_way() {
        assert_eq!(date(NaiveDate::from_ymd_opt(2020, 5, 14).unwrap()), "14. mai 2020");
        assert_eq!(weekday(NaiveDate::from_ymd_opt(2026, 11, 25).unwrap()), "onsdag");
    }

    #[test]
    fn a_span_of_days_names_its_month_and_year_once() {
        let d = |y, m, day| NaiveDate::from_ymd_opt(y, m, day).unwrap();
        assert_eq!(days(d(2021, 9, 7), d(2021, 9, 7)), "7. september 2021");
        assert_eq!(days(d(2021, 11, 22), d(2021, 11, 23)), "22.–23. november 2021");
        assert_eq!(days(d(2021, 11, 30), d(2021, 12, 1)), "30. november–1. desember 2021");
        assert_eq!(days(d(2021, 12, 30), d(2022, 1, 2)), "30. desember 2021–2. januar 2022");
        let t = |h, m| NaiveTime::from_hms_opt(h, m, 0).unwrap();
        assert_eq!(times(t(9, 0), t(10, 30)), "09.00–10.30");
    }

    #[test]
    fn local_time_follows_summer_time() {
        let winter = NaiveDate::from_ymd_opt(2026, 1, 10).unwrap().and_hms_opt(12, 0, 0).unwrap();
        let summer = NaiveDate::from_ymd_opt(2026, 7, 10).unwrap().and_hms_opt(12, 0, 0).unwrap();
        assert_eq!(datetime(winter), "10. januar 2026 kl. 13.00");
        assert_eq!(datetime(summer), "10. juli 2026 kl. 14.00");
    }
}
