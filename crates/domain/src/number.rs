//! Whole numbers shown the Norwegian way in messages: groups of three digits joined by no-break
//! spaces (so a number never wraps), a real minus sign.

/// 1000000000 -> "1 000 000 000" (no-break spaces); -1200 -> "−1 200".
pub fn grouped(n: i64) -> String {
    let digits = n.unsigned_abs().to_string();
    let mut out = String::with_capacity(digits.len() * 2);
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            out.push('\u{a0}');
        }
        out.push(c);
    }
    if n < 0 { format!("−{out}") } else { out }
}

#[cfg(test)]
mod tests {
    #[test]
    fn groups_of_three_with_no_break_spaces() {
        assert_eq!(super::grouped(1_000_000_000), "1\u{a0}000\u{a0}000\u{a0}000");
        assert_eq!(super::grouped(-1200), "−1\u{a0}200");
        assert_eq!(super::grouped(i64::MIN), "−9\u{a0}223\u{a0}372\u{a0}036\u{a0}854\u{a0}775\u{a0}808");
        assert_eq!(super::grouped(999), "999");
    }
}
