//! When a calendar event (hendelse i kalenderen) happens: one or more whole days, such as the
//! gathering 22.–23. november, or from a time to a time in Norwegian local time (Europe/Oslo),
//! such as a webinar 09.00–10.30. Read once from what was typed or stored, then trusted.

use chrono::{NaiveDate, NaiveDateTime, NaiveTime};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct When {
    first: NaiveDate,
    last: NaiveDate,
    times: Option<(NaiveTime, NaiveTime)>,
}

/// Why the days and times given do not make an event.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum WhenError {
    #[error("siste dag er før første dag")]
    LastBeforeFirst { first: NaiveDate, last: NaiveDate },
    #[error("sluttiden mangler når starttiden er gitt")]
    NoEndTime { start: NaiveTime },
    #[error("starttiden mangler når sluttiden er gitt")]
    NoStartTime { end: NaiveTime },
    #[error("sluttiden er før starttiden samme dag")]
    EndsBeforeStart { start: NaiveTime, end: NaiveTime },
}

/// Where an event begins and ends in iCalendar terms (RFC 5545): whole days end the day after
/// the last (DTEND is exclusive); timed events in local time.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Bounds {
    Days { start: NaiveDate, end_exclusive: NaiveDate },
    Local { start: NaiveDateTime, end: NaiveDateTime },
}

impl When {
    /// One whole day: a deadline.
    pub fn day(date: NaiveDate) -> When {
        When { first: date, last: date, times: None }
    }

    /// From the first day (to the last, if given; the first otherwise), whole days, or from a
    /// start time on the first day to an end time on the last.
    pub fn new(
        first: NaiveDate,
        last: Option<NaiveDate>,
        start: Option<NaiveTime>,
        end: Option<NaiveTime>,
    ) -> Result<When, WhenError> {
        let last = last.unwrap_or(first);
        if last < first {
            return Err(WhenError::LastBeforeFirst { first, last });
        }
        let times = match (start, end) {
            (None, None) => None,
            (Some(start), None) => return Err(WhenError::NoEndTime { start }),
            (None, Some(end)) => return Err(WhenError::NoStartTime { end }),
            (Some(start), Some(end)) if first == last && end <= start => {
                return Err(WhenError::EndsBeforeStart { start, end });
            }
            (Some(start), Some(end)) => Some((start, end)),
        };
        Ok(When { first, last, times })
    }

    pub fn first(&self) -> NaiveDate {
        self.first
    }

    pub fn last(&self) -> NaiveDate {
        self.last
    }

    /// Start and end time, for a timed event.
    pub fn times(&self) -> Option<(NaiveTime, NaiveTime)> {
        self.times
    }

    pub fn bounds(&self) -> Bounds {
        match self.times {
            None => Bounds::Days { start: self.first, end_exclusive: self.last.succ_opt().unwrap_or(self.last) },
            Some((start, end)) => Bounds::Local { start: self.first.and_time(start), end: self.last.and_time(end) },
        }
    }
}

/// A time of day as Norwegians write it: "09.00", "9.00", "09:00", "0900" or "9".
pub fn parse_time(text: &str) -> Option<NaiveTime> {
    let text = text.trim();
    let (hours, minutes) = match text.split_once(['.', ':']) {
        Some((h, m)) => (h, m),
        None if text.len() == 4 => text.split_at(2),
        None => (text, "0"),
    };
    let all_digits = |s: &str| !s.is_empty() && s.len() <= 2 && s.bytes().all(|b| b.is_ascii_digit());
    if !all_digits(hours) || !all_digits(minutes) {
        return None;
    }
    NaiveTime::from_hms_opt(hours.parse().ok()?, minutes.parse().ok()?, 0)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(2021, m, day).unwrap()
    }

    fn t(h: u32, m: u32) -> NaiveTime {
        NaiveTime::from_hms_opt(h, m, 0).unwrap()
    }

    #[test]
    fn whole_days_end_the_day_after_the_last() {
        let gathering = When::new(d(11, 22), Some(d(11, 23)), None, None).unwrap();
        assert_eq!(gathering.bounds(), Bounds::Days { start: d(11, 22), end_exclusive: d(11, 24) });
        assert_eq!(When::day(d(9, 10)).bounds(), Bounds::Days { start: d(9, 10), end_exclusive: d(9, 11) });
    }

    #[test]
    fn a_timed_event_runs_from_its_start_to_its_end_time() {
        let webinar = When::new(d(9, 20), None, Some(t(9, 0)), Some(t(10, 30))).unwrap();
        assert_eq!(
            webinar.bounds(),
            Bounds::Local { start: d(9, 20).and_time(t(9, 0)), end: d(9, 20).and_time(t(10, 30)) }
        );
        assert_eq!(webinar.last(), d(9, 20));
    }

    #[test]
    fn days_and_times_that_make_no_event_are_refused_by_name() {
        assert_eq!(
            When::new(d(11, 23), Some(d(11, 22)), None, None),
            Err(WhenError::LastBeforeFirst { first: d(11, 23), last: d(11, 22) })
        );
        assert_eq!(When::new(d(9, 20), None, Some(t(9, 0)), None), Err(WhenError::NoEndTime { start: t(9, 0) }));
        assert_eq!(When::new(d(9, 20), None, None, Some(t(9, 0))), Err(WhenError::NoStartTime { end: t(9, 0) }));
        assert_eq!(
            When::new(d(9, 20), None, Some(t(10, 30)), Some(t(9, 0))),
            Err(WhenError::EndsBeforeStart { start: t(10, 30), end: t(9, 0) })
        );
        assert!(When::new(d(11, 22), Some(d(11, 23)), Some(t(10, 0)), Some(t(9, 0))).is_ok(), "ends the next day");
    }

    #[test]
    fn times_read_as_norwegians_write_them() {
        for text in ["09.00", "9.00", "09:00", "0900", "9", " 9.00 "] {
            assert_eq!(parse_time(text), Some(t(9, 0)), "{text}");
        }
        assert_eq!(parse_time("10.30"), Some(t(10, 30)));
        for text in ["", "25.00", "9.60", "ni", "9.0.0", "-1", "123"] {
            assert_eq!(parse_time(text), None, "{text}");
        }
    }
}
