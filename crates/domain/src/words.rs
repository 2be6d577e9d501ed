//! Norwegian words the domain and its adapters share.

/// The months in bokmål, January first: for dates written out ("14. mai 2020"), periods
/// ("mai 2021") and dates read from what people type ("31. desember 2027").
pub const MONTHS: [&str; 12] = [
    "januar",
    "februar",
    "mars",
    "april",
    "mai",
    "juni",
    "juli",
    "august",
    "september",
    "oktober",
    "november",
    "desember",
];

/// A list in words: "2020", "2020 og 2022", "2020, 2022 og 2024".
pub fn listed<T: AsRef<str>>(items: &[T]) -> String {
    match items {
        [] => String::new(),
        [one] => one.as_ref().to_string(),
        [rest @ .., last] => {
            let rest: Vec<&str> = rest.iter().map(AsRef::as_ref).collect();
            format!("{} og {}", rest.join(", "), last.as_ref())
        }
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn lists_read_as_words() {
        assert_eq!(super::listed::<&str>(&[]), "");
        assert_eq!(super::listed(&["2020"]), "2020");
        assert_eq!(super::listed(&["2020", "2022"]), "2020 og 2022");
        assert_eq!(super::listed(&["2020", "2022", "2024"]), "2020, 2022 og 2024");
    }
}
