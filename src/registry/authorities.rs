//! Authorities (myndigheter) that own grant schemes or decide grants: the ten Statsforvalteren
//! offices, Helsedirektoratet, its ministry and KS, with postal address and organisation number.
//! The facts live in `data/registry/myndigheter.csv` (see `data/registry/SOURCES.md`); the keys
//! of the offices are those of `statsforvalterembeter.csv`.

use std::sync::LazyLock;

const AUTHORITIES: &str = include_str!("../../data/registry/myndigheter.csv");

/// An authority as a letter names it.
#[derive(Debug, Clone, PartialEq, Eq, serde::Deserialize)]
pub struct Authority {
    #[serde(rename = "nokkel")]
    pub key: String,
    #[serde(rename = "navn")]
    pub name: String,
    #[serde(rename = "postadresse")]
    pub postal_address: String,
    #[serde(rename = "postnummer")]
    pub postcode: String,
    #[serde(rename = "poststed")]
    pub place: String,
    /// Nine digits; empty when not known.
    #[serde(rename = "organisasjonsnummer")]
    pub org_number: String,
    /// Where an appeal against the authority's own decisions goes (a key), when it has one.
    #[serde(rename = "klageinstans")]
    pub superior: String,
    /// A public administrative body, so that forvaltningsloven applies to its decisions.
    #[serde(rename = "forvaltningsorgan", deserialize_with = "yes_no")]
    pub public_body: bool,
    /// Whether the address and number were checked against Enhetsregisteret.
    #[serde(rename = "kontrollert", deserialize_with = "yes_no")]
    pub checked: bool,
}

fn yes_no<'de, D: serde::Deserializer<'de>>(d: D) -> Result<bool, D::Error> {
    let text: String = serde::Deserialize::deserialize(d)?;
    match text.as_str() {
        "ja" => Ok(true),
        "nei" => Ok(false),
        other => Err(serde::de::Error::custom(format!("«{other}» er verken «ja» eller «nei»"))),
    }
}

impl Authority {
    /// "974 762 994", or `None` when not known.
    pub fn org_number_spaced(&self) -> Option<String> {
        let n = &self.org_number;
        (n.len() == 9 && n.chars().all(|c| c.is_ascii_digit()))
            .then(|| format!("{} {} {}", &n[0..3], &n[3..6], &n[6..9]))
    }

    /// "Postboks 1405, 8002 Bodø"
    pub fn address(&self) -> String {
        format!("{}, {} {}", self.postal_address, self.postcode, self.place)
    }
}

fn parse(text: &str) -> Result<Vec<Authority>, String> {
    csv::Reader::from_reader(text.as_bytes())
        .deserialize()
        .enumerate()
        .map(|(i, r)| r.map_err(|e| format!("myndigheter.csv, rad {}: {e}", i + 2)))
        .collect()
}

static ALL: LazyLock<Vec<Authority>> = LazyLock::new(|| {
    parse(AUTHORITIES).unwrap_or_else(|e| {
        tracing::error!(error = %e, "the authorities table does not read");
        Vec::new()
    })
});

/// Every authority, in the order of the table.
pub fn all() -> &'static [Authority] {
    &ALL
}

/// The authority with a key.
pub fn authority(key: &str) -> Option<&'static Authority> {
    ALL.iter().find(|a| a.key == key)
}

/// Whether a nine-digit organisation number has the right check digit (modulus 11).
pub fn org_number_valid(n: &str) -> bool {
    let digits: Vec<u32> = n.chars().filter_map(|c| c.to_digit(10)).collect();
    if digits.len() != 9 || n.len() != 9 {
        return false;
    }
    let sum: u32 = digits.iter().zip([3, 2, 7, 6, 5, 4, 3, 2]).map(|(d, w)| d * w).sum();
    match 11 - sum % 11 {
        11 => digits[8] == 0,
        10 => false,
        check => digits[8] == check,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_table_reads_and_names_every_office() {
        let all = parse(AUTHORITIES).unwrap();
        let offices = include_str!("../../data/registry/statsforvalterembeter.csv");
        for line in offices.lines().skip(1) {
            let key = line.split(',').next().unwrap();
            assert!(all.iter().any(|a| a.key == key), "office {key} in myndigheter.csv");
        }
        assert!(all.iter().all(|a| a.org_number.is_empty() || org_number_valid(&a.org_number)), "check digits");
        assert!(all.iter().all(|a| a.superior.is_empty() || all.iter().any(|b| b.key == a.superior)));
        assert_eq!(authority("nordland").and_then(Authority::org_number_spaced).as_deref(), Some("974 762 994"));
    }

    #[test]
    fn a_wrong_check_digit_is_refused() {
        assert!(org_number_valid("983544622"));
        assert!(!org_number_valid("983544623"));
        assert!(!org_number_valid("98354462"));
    }
}
