//! Completeness (innleveringsgrad): of the org units expected to answer a round, how many
//! delivered, on time or late, and how many have not, overall and by group (county, size class,
//! collaboration). Shares are in hundredths of a percent, rounded half up: 237 of 279 = 84,95 %.

use chrono::{NaiveDate, NaiveDateTime};
use serde::Serialize;
use std::collections::BTreeMap;

/// How an expected submission stands, given the round's deadline and today.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Delivery {
    OnTime,
    Late,
    /// Not delivered, deadline not passed.
    Pending,
    /// Not delivered, deadline passed.
    Overdue,
}

impl Delivery {
    /// `delivered_at` is when it was (last) sent in, if it counts as delivered now. The deadline
    /// day itself is on time.
    pub fn of(delivered_at: Option<NaiveDateTime>, deadline: NaiveDate, today: NaiveDate) -> Delivery {
        match delivered_at {
            Some(at) if at.date() <= deadline => Delivery::OnTime,
            Some(_) => Delivery::Late,
            None if today > deadline => Delivery::Overdue,
            None => Delivery::Pending,
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Delivery::OnTime => "Levert i tide",
            Delivery::Late => "Levert for sent",
            Delivery::Pending => "Ikke levert",
            Delivery::Overdue => "Ikke levert, fristen er ute",
        }
    }
}

/// One expected submission with the groups its org unit belongs to.
#[derive(Debug, Clone)]
pub struct Expected {
    pub delivery: Delivery,
    /// E.g. ["Nordland", "Liten"]: one label per breakdown the caller asked for.
    pub groups: Vec<String>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Completeness {
    pub expected: u32,
    pub delivered: u32,
    pub on_time: u32,
    pub late: u32,
    pub not_delivered: u32,
}

fn share(part: u32, whole: u32) -> Option<u32> {
    (whole > 0).then(|| ((u64::from(part) * 20_000 + u64::from(whole)) / (2 * u64::from(whole))) as u32)
}

impl Completeness {
    fn add(&mut self, d: Delivery) {
        self.expected += 1;
        match d {
            Delivery::OnTime => {
                self.delivered += 1;
                self.on_time += 1;
            }
            Delivery::Late => {
                self.delivered += 1;
                self.late += 1;
            }
            Delivery::Pending | Delivery::Overdue => self.not_delivered += 1,
        }
    }

    pub fn of<'a>(deliveries: impl IntoIterator<Item = &'a Delivery>) -> Completeness {
        let mut c = Completeness::default();
        for d in deliveries {
            c.add(*d);
        }
        c
    }

    /// Delivered share of expected, in hundredths of a percent.
    pub fn delivered_share(&self) -> Option<u32> {
        share(self.delivered, self.expected)
    }

    pub fn on_time_share(&self) -> Option<u32> {
        share(self.on_time, self.expected)
    }

    pub fn late_share(&self) -> Option<u32> {
        share(self.late, self.expected)
    }

    pub fn not_delivered_share(&self) -> Option<u32> {
        share(self.not_delivered, self.expected)
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CompletenessRow {
    pub group: String,
    #[serde(flatten)]
    pub counts: Completeness,
}

/// Completeness by the group at `dimension` of each expected submission, groups sorted by name,
/// and the total last.
pub fn group_completeness(expected: &[Expected], dimension: usize) -> Vec<CompletenessRow> {
    let unknown = ["Ukjent".to_string()];
    let items: Vec<(Delivery, &[String])> = expected
        .iter()
        .map(|e| (e.delivery, e.groups.get(dimension).map_or(&unknown[..], std::slice::from_ref)))
        .collect();
    completeness_by_membership(&items, "Ukjent")
}

/// Completeness where an org unit may belong to several groups (a municipality in two
/// collaborations): it counts in each of its groups, once in the total, and in `none` when it
/// belongs to no group.
pub fn completeness_by_membership(items: &[(Delivery, &[String])], none: &str) -> Vec<CompletenessRow> {
    let mut groups: BTreeMap<&str, Completeness> = BTreeMap::new();
    let mut total = Completeness::default();
    for (delivery, member_of) in items {
        if member_of.is_empty() {
            groups.entry(none).or_default().add(*delivery);
        }
        for g in *member_of {
            groups.entry(g.as_str()).or_default().add(*delivery);
        }
        total.add(*delivery);
    }
    let mut rows: Vec<CompletenessRow> =
        groups.into_iter().map(|(g, counts)| CompletenessRow { group: g.to_string(), counts }).collect();
    rows.push(CompletenessRow { group: "Totalt".into(), counts: total });
    rows
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_member_of_two_groups_counts_in_each_and_once_in_the_total() {
        let at = NaiveDate::from_ymd_opt(2021, 9, 1).and_then(|d| d.and_hms_opt(12, 0, 0));
        let deadline = NaiveDate::from_ymd_opt(2021, 9, 10).unwrap_or_default();
        let on_time = Delivery::of(at, deadline, deadline);
        let both = ["RKK Salten".to_string(), "Digi Nordland".to_string()];
        let items = [(on_time, &both[..]), (Delivery::Overdue, &both[..1]), (Delivery::Overdue, &[][..])];
        let rows = completeness_by_membership(&items, "Ikke i noe samarbeid");
        let row = |g: &str| rows.iter().find(|r| r.group == g).map(|r| (r.counts.expected, r.counts.delivered));
        assert_eq!(row("RKK Salten"), Some((2, 1)));
        assert_eq!(row("Digi Nordland"), Some((1, 1)));
        assert_eq!(row("Ikke i noe samarbeid"), Some((1, 0)));
        assert_eq!(row("Totalt"), Some((3, 1)));
    }

    fn day(m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(2021, m, d).unwrap()
    }

    #[test]
    fn delivery_follows_the_deadline_day() {
        let deadline = day(9, 10);
        let at = |m, d, h| Some(day(m, d).and_hms_opt(h, 0, 0).unwrap());
        assert_eq!(Delivery::of(at(9, 10, 23), deadline, day(9, 20)), Delivery::OnTime);
        assert_eq!(Delivery::of(at(9, 11, 0), deadline, day(9, 20)), Delivery::Late);
        assert_eq!(Delivery::of(None, deadline, day(9, 10)), Delivery::Pending);
        assert_eq!(Delivery::of(None, deadline, day(9, 11)), Delivery::Overdue);
    }

    #[test]
    fn shares_round_half_up_as_the_programme_reports_them() {
        let mut deliveries = vec![Delivery::OnTime; 237];
        deliveries.extend(vec![Delivery::Overdue; 42]);
        let c = Completeness::of(&deliveries);
        assert_eq!((c.expected, c.delivered, c.not_delivered), (279, 237, 42));
        assert_eq!(c.delivered_share(), Some(8495)); // 84,946… %
        assert_eq!(Completeness::default().delivered_share(), None);
    }

    #[test]
    fn grouped_by_county_with_a_total() {
        let e = |d, county: &str, size: &str| Expected { delivery: d, groups: vec![county.into(), size.into()] };
        let expected = vec![
            e(Delivery::OnTime, "Nordland", "Liten"),
            e(Delivery::Late, "Nordland", "Stor"),
            e(Delivery::Overdue, "Agder", "Liten"),
        ];
        let rows = group_completeness(&expected, 0);
        assert_eq!(rows.iter().map(|r| r.group.as_str()).collect::<Vec<_>>(), ["Agder", "Nordland", "Totalt"]);
        assert_eq!(rows[1].counts, Completeness { expected: 2, delivered: 2, on_time: 1, late: 1, not_delivered: 0 });
        let by_size = group_completeness(&expected, 1);
        assert_eq!(by_size[0].group, "Liten");
        assert_eq!(by_size[0].counts.delivered_share(), Some(5000));
    }
}
