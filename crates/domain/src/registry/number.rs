//! Official numbers: kommunenummer (4 digits) and fylkesnummer (2 digits), kept as text so
//! leading zeros survive ("0301").

use serde::{Deserialize, Serialize};
use std::fmt;

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum NumberError {
    #[error("«{0}» er ikke et gyldig kommunenummer (fire sifre, for eksempel 0301)")]
    Municipality(String),
    #[error("«{0}» er ikke et gyldig fylkesnummer (to sifre, for eksempel 18)")]
    County(String),
}

fn all_digits(text: &str, len: usize) -> bool {
    text.len() == len && text.bytes().all(|b| b.is_ascii_digit())
}

/// Kommunenummer.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct MunicipalityNumber(String);

impl MunicipalityNumber {
    pub fn parse(text: &str) -> Result<Self, NumberError> {
        let text = text.trim();
        if all_digits(text, 4) { Ok(Self(text.to_string())) } else { Err(NumberError::Municipality(text.to_string())) }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The first two digits: the county the number was issued in.
    pub fn county_prefix(&self) -> &str {
        &self.0[..2]
    }
}

/// Fylkesnummer.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct CountyNumber(String);

impl CountyNumber {
    /// Accepts "18" and "8" (as "08"), since counties are often written without the zero.
    pub fn parse(text: &str) -> Result<Self, NumberError> {
        let text = text.trim();
        if all_digits(text, 2) {
            Ok(Self(text.to_string()))
        } else if all_digits(text, 1) {
            Ok(Self(format!("0{text}")))
        } else {
            Err(NumberError::County(text.to_string()))
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

macro_rules! text_newtype_conversions {
    ($t:ty) => {
        impl TryFrom<String> for $t {
            type Error = NumberError;
            fn try_from(value: String) -> Result<Self, Self::Error> {
                <$t>::parse(&value)
            }
        }
        impl From<$t> for String {
            fn from(value: $t) -> String {
                value.0
            }
        }
        impl fmt::Display for $t {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(&self.0)
            }
        }
    };
}
text_newtype_conversions!(MunicipalityNumber);
text_newtype_conversions!(CountyNumber);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn municipality_numbers_are_four_digits() {
        assert_eq!(MunicipalityNumber::parse("0301").unwrap().as_str(), "0301");
        assert_eq!(MunicipalityNumber::parse("1804").unwrap().county_prefix(), "18");
        for bad in ["301", "03011", "03a1", ""] {
            let err = MunicipalityNumber::parse(bad).unwrap_err();
            assert!(err.to_string().contains(bad), "{err}");
        }
    }

    #[test]
    fn county_numbers_accept_a_missing_zero() {
        assert_eq!(CountyNumber::parse("3").unwrap().as_str(), "03");
        assert_eq!(CountyNumber::parse("18").unwrap().as_str(), "18");
        assert!(CountyNumber::parse("180").is_err());
    }
}
