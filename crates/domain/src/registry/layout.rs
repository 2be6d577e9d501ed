//! Layout (inndeling): the county and municipality map valid in a period. Every record that
//! points at a municipality keeps the layout it was made in.

use serde::{Deserialize, Serialize};
use std::fmt;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(try_from = "i32", into = "i32")]
pub enum Layout {
    /// 2015-2016 (before the municipal reform took effect): 428 municipalities, 19 counties.
    Y2015,
    /// 2020-2023: 356 municipalities, 11 counties.
    Y2020,
    /// From 2024: 357 municipalities, 15 counties.
    Y2024,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("ukjent inndeling «{0}»: velg 2015, 2020 eller 2024")]
pub struct LayoutError(pub String);

impl Layout {
    pub const ALL: [Layout; 3] = [Layout::Y2015, Layout::Y2020, Layout::Y2024];
    pub const CURRENT: Layout = Layout::Y2024;

    pub fn year(self) -> i32 {
        match self {
            Layout::Y2015 => 2015,
            Layout::Y2020 => 2020,
            Layout::Y2024 => 2024,
        }
    }

    pub fn from_year(year: i32) -> Result<Layout, LayoutError> {
        match year {
            2015 => Ok(Layout::Y2015),
            2020 => Ok(Layout::Y2020),
            2024 => Ok(Layout::Y2024),
            other => Err(LayoutError(other.to_string())),
        }
    }

    pub fn parse(text: &str) -> Result<Layout, LayoutError> {
        text.trim().parse::<i32>().map_err(|_| LayoutError(text.to_string())).and_then(Layout::from_year)
    }
}

impl TryFrom<i32> for Layout {
    type Error = LayoutError;
    fn try_from(year: i32) -> Result<Self, Self::Error> {
        Layout::from_year(year)
    }
}

impl From<Layout> for i32 {
    fn from(layout: Layout) -> i32 {
        layout.year()
    }
}

impl fmt::Display for Layout {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.year())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_the_three_layouts_and_names_a_bad_one() {
        assert_eq!(Layout::parse("2020"), Ok(Layout::Y2020));
        assert_eq!(Layout::parse(" 2024 "), Ok(Layout::Y2024));
        let err = Layout::parse("2019").unwrap_err();
        assert!(err.to_string().contains("2019"));
    }
}
