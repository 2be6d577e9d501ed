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
