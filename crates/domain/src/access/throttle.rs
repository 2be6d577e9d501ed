//! Login throttling (innloggingsbrems): growing waits after failed logins, counted per account
//! and address together, per address across accounts (one password sprayed over many), and per
//! account from everywhere (many addresses at one account). Someone guessing from elsewhere
//! slows the owner's own address only through the last, which starts late and waits at most a
//! minute, so nobody can lock the owner out by failing on purpose.

use std::time::Duration;

/// What is counted, and how hard it brakes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Counter {
    /// One account from one address: the usual guesser.
    AccountAtAddress,
    /// One address, whatever account: spraying one password over many.
    Address,
    /// One account, whatever address: a guesser with many addresses.
    Account,
}

impl Counter {
    /// Failures in a row that cost nothing, the wait after the next, and the longest wait.
    fn rule(self) -> (i64, u64, u64) {
        match self {
            Counter::AccountAtAddress => (5, 15, 15 * 60),
            Counter::Address => (20, 15, 15 * 60),
            Counter::Account => (50, 5, 60),
        }
    }

    pub fn code(self) -> &'static str {
        match self {
            Counter::AccountAtAddress => "konto-adresse",
            Counter::Address => "adresse",
            Counter::Account => "konto",
        }
    }
}

/// Failures are forgotten once none has happened for this long.
pub const FORGET_AFTER: Duration = Duration::from_secs(15 * 60);

/// The wait before the next attempt after `failures` failures in a row: none for the free ones,
/// then doubling from the first wait, up to the longest.
pub fn wait_after(counter: Counter, failures: i64) -> Duration {
    let (free, first, longest) = counter.rule();
    if failures < free {
        return Duration::ZERO;
    }
    let doublings = u32::try_from(failures - free).unwrap_or(u32::MAX).min(20);
    Duration::from_secs(first.saturating_mul(1u64 << doublings).min(longest))
}

/// A wait as people say it: "30 sekunder", "1 minutt", "15 minutter".
pub fn wait_text(wait: Duration) -> String {
    let secs = wait.as_secs().max(1);
    if secs < 60 {
        format!("{secs} {}", if secs == 1 { "sekund" } else { "sekunder" })
    } else {
        let minutes = secs.div_ceil(60);
        format!("{minutes} {}", if minutes == 1 { "minutt" } else { "minutter" })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn waits_start_after_the_free_failures_and_double_up_to_the_longest() {
        let c = Counter::AccountAtAddress;
        assert_eq!(wait_after(c, 4), Duration::ZERO);
        assert_eq!(wait_after(c, 5), Duration::from_secs(15));
        assert_eq!(wait_after(c, 6), Duration::from_secs(30));
        assert_eq!(wait_after(c, 12), Duration::from_secs(15 * 60));
        assert_eq!(wait_after(c, i64::MAX), Duration::from_secs(15 * 60));
    }

    #[test]
    fn the_account_from_everywhere_brakes_late_and_briefly() {
        assert_eq!(wait_after(Counter::Account, 49), Duration::ZERO);
        assert_eq!(wait_after(Counter::Account, 1_000), Duration::from_secs(60));
        assert_eq!(wait_after(Counter::Address, 19), Duration::ZERO);
    }

    #[test]
    fn waits_read_as_norwegian() {
        assert_eq!(wait_text(Duration::from_secs(1)), "1 sekund");
        assert_eq!(wait_text(Duration::from_secs(30)), "30 sekunder");
        assert_eq!(wait_text(Duration::from_secs(60)), "1 minutt");
        assert_eq!(wait_text(Duration::from_secs(61)), "2 minutter");
    }
}
