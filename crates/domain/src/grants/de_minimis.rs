//! De minimis aid (bagatellmessig støtte): what one recipient has been given in the rolling
//! three-year window before a decision, counted from decision dates, against the ceiling
//! (EUR 300 000 under Regulation (EU) 2023/2831), converted to kroner at the rate kept in the
//! settings.

use chrono::{Months, NaiveDate};
use serde::Serialize;

/// The ceiling and the rate used, as settings hold them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Ceiling {
    pub euro: i64,
    /// Kroner per euro, in øre (11,50 kr = 1150).
    pub nok_per_eur_ore: i64,
}

impl Ceiling {
    pub const REGULATION_2023_2831: i64 = 300_000;

    pub fn in_kroner(&self) -> i64 {
        self.euro * self.nok_per_eur_ore / 100
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct DeMinimis {
    /// Decided de minimis aid in the window, before this decision.
    pub decided: i64,
    /// Other aid the recipient has declared.
    pub declared: i64,
    pub this_decision: i64,
    pub ceiling: i64,
    /// The window's first day.
    pub from: NaiveDate,
}

impl DeMinimis {
    pub fn total(&self) -> i64 {
        self.decided + self.declared + self.this_decision
    }

    pub fn exceeds(&self) -> bool {
        self.total() > self.ceiling
    }
}

/// `earlier`: (decision date, amount) of the recipient's de minimis grants.
pub fn de_minimis(
    earlier: &[(NaiveDate, i64)],
    declared: i64,
    on: NaiveDate,
    amount: i64,
    ceiling: Ceiling,
) -> DeMinimis {
    let from = on.checked_sub_months(Months::new(36)).unwrap_or(on);
    let decided = earlier.iter().filter(|(d, _)| *d > from && *d <= on).map(|(_, a)| a).sum();
    DeMinimis { decided, declared, this_decision: amount, ceiling: ceiling.in_kroner(), from }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    #[test]
    fn the_window_is_three_years_back_from_the_decision() {
        let ceiling = Ceiling { euro: 300_000, nok_per_eur_ore: 1150 };
        assert_eq!(ceiling.in_kroner(), 3_450_000);
        let earlier = [(d(2023, 3, 1), 2_000_000), (d(2025, 6, 1), 1_000_000), (d(2027, 1, 1), 5)];
        let check = de_minimis(&earlier, 300_000, d(2026, 2, 28), 200_000, ceiling);
        assert_eq!((check.decided, check.total()), (3_000_000, 3_500_000));
        assert!(check.exceeds());
        let later = de_minimis(&earlier, 300_000, d(2026, 3, 1), 200_000, ceiling);
        assert_eq!(later.decided, 1_000_000, "a grant exactly three years old has left the window");
        assert!(!later.exceeds());
    }
}
