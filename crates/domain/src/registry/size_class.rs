//! Size class (størrelsesklasse): small, medium or large municipality by population.
//! The thresholds are settings (stored), defaulting to SSB's: < 5 000, 5 000-19 999, >= 20 000.

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SizeClass {
    Small,
    Medium,
    Large,
}

impl SizeClass {
    pub const ALL: [SizeClass; 3] = [SizeClass::Small, SizeClass::Medium, SizeClass::Large];

    /// The code used in URLs and exports.
    pub fn code(self) -> &'static str {
        match self {
            SizeClass::Small => "liten",
            SizeClass::Medium => "mellomstor",
            SizeClass::Large => "stor",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            SizeClass::Small => "Liten",
            SizeClass::Medium => "Mellomstor",
            SizeClass::Large => "Stor",
        }
    }

    pub fn from_code(code: &str) -> Option<SizeClass> {
        SizeClass::ALL.into_iter().find(|c| c.code() == code)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct SizeThresholds {
    /// Populations from this number are medium.
    pub medium_from: i64,
    /// Populations from this number are large.
    pub large_from: i64,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error(
    "grensene for størrelsesklasse må være positive og stigende (mellomstor fra {medium_from}, stor fra {large_from})"
)]
pub struct SizeThresholdsError {
    pub medium_from: i64,
    pub large_from: i64,
}

impl SizeThresholds {
    pub const SSB: SizeThresholds = SizeThresholds { medium_from: 5_000, large_from: 20_000 };

    pub fn new(medium_from: i64, large_from: i64) -> Result<Self, SizeThresholdsError> {
        if medium_from > 0 && large_from > medium_from {
            Ok(Self { medium_from, large_from })
        } else {
            Err(SizeThresholdsError { medium_from, large_from })
        }
    }

    pub fn classify(&self, population: i64) -> SizeClass {
        if population >= self.large_from {
            SizeClass::Large
        } else if population >= self.medium_from {
            SizeClass::Medium
        } else {
            SizeClass::Small
        }
    }
}

impl Default for SizeThresholds {
    fn default() -> Self {
        Self::SSB
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ssb_thresholds_split_at_5000_and_20000() {
        let t = SizeThresholds::SSB;
        assert_eq!(t.classify(4_999), SizeClass::Small);
        assert_eq!(t.classify(5_000), SizeClass::Medium);
        assert_eq!(t.classify(19_999), SizeClass::Medium);
        assert_eq!(t.classify(20_000), SizeClass::Large);
    }

    #[test]
    fn thresholds_must_rise() {
        assert!(SizeThresholds::new(20_000, 5_000).is_err());
        assert!(SizeThresholds::new(0, 5_000).is_err());
        assert_eq!(SizeClass::from_code("mellomstor"), Some(SizeClass::Medium));
    }
}
