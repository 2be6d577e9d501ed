//! Amounts as people type them: whole kroner, "1 447 130", "1447130 kr", "1.447.130",
//! "500 000,-". Separators must group exactly three digits, so "1.5" is refused rather than read as
//! 15; amounts are capped far above any grant so sums cannot overflow.

/// The largest amount accepted anywhere in grants (application, decision, further distribution,
/// payment request, ledger entry, frame): one hundred billion kroner, the same cap as a money
/// field of a report form ([`crate::reporting::MAX_MONEY`]). The whole programme's yearly frame
/// is a small fraction of it, and a million such amounts still sum within `i64`.
pub const MAX_KRONER: i64 = 100_000_000_000;

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum KronerError {
    #[error("«{0}» er ikke et beløp i hele kroner")]
    NotWhole(String),
    #[error("«{0}» er negativt")]
    Negative(String),
    #[error("«{0}» er større enn høyeste tillatte beløp {max} kr", max = crate::number::grouped(MAX_KRONER))]
    TooLarge(String),
}

/// None for an empty field.
pub fn parse_kroner(text: &str) -> Result<Option<i64>, KronerError> {
    let shown = text.trim().to_string();
    let t = shown.trim_end_matches(",-").trim_end_matches("kr").trim_end_matches("NOK").trim();
    if t.is_empty() {
        return Ok(None);
    }
    let (negative, digits) = match t.strip_prefix(['-', '−']) {
        Some(rest) => (true, rest.trim()),
        None => (false, t),
    };
    let groups: Vec<&str> = digits.split([' ', '\u{a0}', '.']).filter(|g| !g.is_empty()).collect();
    let separated = groups.len() > 1;
    let well_formed = !groups.is_empty()
        && groups.iter().all(|g| g.bytes().all(|b| b.is_ascii_digit()))
        && (!separated || (groups[0].len() <= 3 && groups[1..].iter().all(|g| g.len() == 3)));
    if !well_formed {
        return Err(KronerError::NotWhole(shown));
    }
    let joined: String = groups.concat();
    let n: i64 = joined.parse().map_err(|_| KronerError::TooLarge(shown.clone()))?;
    if n > MAX_KRONER {
        return Err(KronerError::TooLarge(shown));
    }
    if negative && n > 0 {
        return Err(KronerError::Negative(shown));
    }
    Ok(Some(n))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn norwegian_ways_of_writing_kroner() {
        for (text, n) in [
            ("1 447 130", 1_447_130),
            ("1447130 kr", 1_447_130),
            ("1.447.130", 1_447_130),
            ("500 000,-", 500_000),
            ("0", 0),
        ] {
            assert_eq!(parse_kroner(text), Ok(Some(n)), "{text}");
        }
        assert_eq!(parse_kroner("  "), Ok(None));
    }

    #[test]
    fn what_is_not_whole_kroner_is_refused() {
        assert!(matches!(parse_kroner("1.5"), Err(KronerError::NotWhole(_))));
        assert!(matches!(parse_kroner("12,50"), Err(KronerError::NotWhole(_))));
        assert!(matches!(parse_kroner("12 tusen"), Err(KronerError::NotWhole(_))));
        assert!(matches!(parse_kroner("-5"), Err(KronerError::Negative(_))));
        assert!(matches!(parse_kroner("9999999999999999999"), Err(KronerError::TooLarge(_))));
        assert!(matches!(parse_kroner("2 000 000 000 000"), Err(KronerError::TooLarge(_))));
    }
}
