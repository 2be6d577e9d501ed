//! Who reviews a round's submissions (vurderer): the programme office, or the county governor
//! (statsforvalteren) of each org unit.

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Reviewer {
    Programme,
    County,
}

impl Reviewer {
    pub const ALL: [Reviewer; 2] = [Reviewer::Programme, Reviewer::County];

    /// As stored and posted.
    pub fn code(self) -> &'static str {
        match self {
            Reviewer::Programme => "programme",
            Reviewer::County => "county",
        }
    }

    pub fn from_code(code: &str) -> Option<Reviewer> {
        Reviewer::ALL.into_iter().find(|r| r.code() == code)
    }

    pub fn label(self) -> &'static str {
        match self {
            Reviewer::Programme => "Programkontoret",
            Reviewer::County => "Statsforvalteren",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_reviewer_reads_back_from_its_code() {
        for r in Reviewer::ALL {
            assert_eq!(Reviewer::from_code(r.code()), Some(r));
        }
        assert_eq!(Reviewer::from_code("fylke"), None);
    }
}
