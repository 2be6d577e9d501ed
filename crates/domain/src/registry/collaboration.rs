//! Collaboration (samarbeid): an inter-municipal project, a regional council (RKK) or a network,
//! with a host municipality (vertskommune) that receives and passes on funds, and members
//! (deltakerkommuner). A collaboration keeps the layout it was made in.

use super::{Layout, LayoutError, MunicipalityNumber, NumberError};
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use std::collections::BTreeSet;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CollaborationKind {
    Project,
    RegionalCouncil,
    Network,
}

impl CollaborationKind {
    pub const ALL: [CollaborationKind; 3] = [Self::Project, Self::RegionalCouncil, Self::Network];

    pub fn code(self) -> &'static str {
        match self {
            Self::Project => "project",
            Self::RegionalCouncil => "regional_council",
            Self::Network => "network",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Self::Project => "Interkommunalt prosjekt",
            Self::RegionalCouncil => "Regionråd / kompetansekontor",
            Self::Network => "Nettverk",
        }
    }

    pub fn from_code(code: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|k| k.code() == code)
    }
}

/// A collaboration that has passed every rule: safe to store.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Collaboration {
    pub name: String,
    pub kind: CollaborationKind,
    pub layout: Layout,
    pub host: MunicipalityNumber,
    /// Members in the order given, the host among them.
    pub members: Vec<MunicipalityNumber>,
    pub valid_from: NaiveDate,
    pub valid_to: Option<NaiveDate>,
    pub note: String,
}

/// What a user typed, before any rule is checked. Members are numbers separated by commas,
/// semicolons, spaces or new lines.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct CollaborationDraft {
    pub name: String,
    pub kind: String,
    pub layout: String,
    pub host: String,
    pub members: String,
    pub valid_from: String,
    pub valid_to: String,
    pub note: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum CollaborationField {
    Name,
    Kind,
    Layout,
    Host,
    Members,
    ValidFrom,
    ValidTo,
    Note,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CollaborationError {
    #[error("navnet mangler")]
    NameMissing,
    #[error("navnet er for langt ({0} tegn; høyst 200)")]
    NameTooLong(usize),
    #[error("ukjent type samarbeid «{0}»")]
    KindUnknown(String),
    #[error("{0}")]
    Layout(#[from] LayoutError),
    #[error("vertskommune: {0}")]
    HostInvalid(NumberError),
    #[error("vertskommune {number} finnes ikke i inndelingen {layout}")]
    HostUnknown { number: MunicipalityNumber, layout: Layout },
    #[error("vertskommune {0} må også være deltakerkommune")]
    HostNotMember(MunicipalityNumber),
    #[error("deltakerkommuner mangler")]
    NoMembers,
    #[error("deltakerkommune: {0}")]
    MemberInvalid(NumberError),
    #[error("deltakerkommune {number} finnes ikke i inndelingen {layout}")]
    MemberUnknown { number: MunicipalityNumber, layout: Layout },
    #[error("deltakerkommune {0} står flere ganger")]
    DuplicateMember(MunicipalityNumber),
    #[error("«{value}» er ikke en gyldig dato (skriv ÅÅÅÅ-MM-DD)")]
    DateInvalid { field: CollaborationField, value: String },
    #[error("sluttdato {to} er før startdato {from}")]
    EndBeforeStart { from: NaiveDate, to: NaiveDate },
    #[error("merknaden er for lang ({0} tegn; høyst 2000)")]
    NoteTooLong(usize),
}

impl CollaborationError {
    /// The form field the error belongs to, so a page can show it there.
    pub fn field(&self) -> CollaborationField {
        use CollaborationError as E;
        match self {
            E::NameMissing | E::NameTooLong(_) => CollaborationField::Name,
            E::KindUnknown(_) => CollaborationField::Kind,
            E::Layout(_) => CollaborationField::Layout,
            E::HostInvalid(_) | E::HostUnknown { .. } | E::HostNotMember(_) => CollaborationField::Host,
            E::NoMembers | E::MemberInvalid(_) | E::MemberUnknown { .. } | E::DuplicateMember(_) => {
                CollaborationField::Members
            }
            E::DateInvalid { field, .. } => *field,
            E::EndBeforeStart { .. } => CollaborationField::ValidTo,
            E::NoteTooLong(_) => CollaborationField::Note,
        }
    }
}

fn parse_date(field: CollaborationField, text: &str) -> Result<NaiveDate, CollaborationError> {
    NaiveDate::parse_from_str(text.trim(), "%Y-%m-%d")
        .map_err(|_| CollaborationError::DateInvalid { field, value: text.trim().to_string() })
}

/// Splits a member list as typed ("1804, 1841;1845\n1848") into tokens.
pub fn member_tokens(text: &str) -> impl Iterator<Item = &str> {
    text.split(|c: char| c == ',' || c == ';' || c.is_whitespace()).filter(|t| !t.is_empty())
}

impl CollaborationDraft {
    /// Checks every rule and returns all problems at once, so a form can show each on its field.
    /// `exists(layout, number)` says whether a municipality number exists in a layout.
    pub fn validate(
        &self,
        exists: impl Fn(Layout, &MunicipalityNumber) -> bool,
    ) -> Result<Collaboration, Vec<CollaborationError>> {
        let mut errors = Vec::new();
        let name = self.name.trim().to_string();
        if name.is_empty() {
            errors.push(CollaborationError::NameMissing);
        } else if name.chars().count() > 200 {
            errors.push(CollaborationError::NameTooLong(name.chars().count()));
        }
        let note = self.note.trim().to_string();
        if note.chars().count() > 2000 {
            errors.push(CollaborationError::NoteTooLong(note.chars().count()));
        }
        let kind = CollaborationKind::from_code(self.kind.trim());
        if kind.is_none() {
            errors.push(CollaborationError::KindUnknown(self.kind.trim().to_string()));
        }
        let layout = Layout::parse(&self.layout).map_err(|e| errors.push(e.into())).ok();
        let members = self.validated_members(layout, &exists, &mut errors);
        let host = self.validated_host(layout, &exists, &members, &mut errors);
        let valid_from = parse_date(CollaborationField::ValidFrom, &self.valid_from).map_err(|e| errors.push(e)).ok();
        let valid_to = match self.valid_to.trim() {
            "" => None,
            text => parse_date(CollaborationField::ValidTo, text).map_err(|e| errors.push(e)).ok(),
        };
        if let (Some(from), Some(to)) = (valid_from, valid_to) {
            if to < from {
                errors.push(CollaborationError::EndBeforeStart { from, to });
            }
        }
        match (kind, layout, host, valid_from) {
            (Some(kind), Some(layout), Some(host), Some(valid_from)) if errors.is_empty() => {
                Ok(Collaboration { name, kind, layout, host, members, valid_from, valid_to, note })
            }
            _ => Err(errors),
        }
    }

    fn validated_members(
        &self,
        layout: Option<Layout>,
        exists: &impl Fn(Layout, &MunicipalityNumber) -> bool,
        errors: &mut Vec<CollaborationError>,
    ) -> Vec<MunicipalityNumber> {
        let mut seen = BTreeSet::new();
        let mut members = Vec::new();
        for token in member_tokens(&self.members) {
            let number = match MunicipalityNumber::parse(token) {
                Ok(number) => number,
                Err(e) => {
                    errors.push(CollaborationError::MemberInvalid(e));
                    continue;
                }
            };
            if !seen.insert(number.clone()) {
                errors.push(CollaborationError::DuplicateMember(number));
                continue;
            }
            if let Some(layout) = layout.filter(|l| !exists(*l, &number)) {
                errors.push(CollaborationError::MemberUnknown { number: number.clone(), layout });
            }
            members.push(number);
        }
        if seen.is_empty() && !errors.iter().any(|e| e.field() == CollaborationField::Members) {
            errors.push(CollaborationError::NoMembers);
        }
        members
    }

    fn validated_host(
        &self,
        layout: Option<Layout>,
        exists: &impl Fn(Layout, &MunicipalityNumber) -> bool,
        members: &[MunicipalityNumber],
        errors: &mut Vec<CollaborationError>,
    ) -> Option<MunicipalityNumber> {
        let host = match MunicipalityNumber::parse(&self.host) {
            Ok(host) => host,
            Err(e) => {
                errors.push(CollaborationError::HostInvalid(e));
                return None;
            }
        };
        if let Some(layout) = layout.filter(|l| !exists(*l, &host)) {
            errors.push(CollaborationError::HostUnknown { number: host.clone(), layout });
        } else if !members.is_empty() && !members.contains(&host) {
            errors.push(CollaborationError::HostNotMember(host.clone()));
        }
        Some(host)
    }
}

impl From<&Collaboration> for CollaborationDraft {
    fn from(c: &Collaboration) -> Self {
        CollaborationDraft {
            name: c.name.clone(),
            kind: c.kind.code().to_string(),
            layout: c.layout.to_string(),
            host: c.host.to_string(),
            members: c.members.iter().map(|m| m.as_str()).collect::<Vec<_>>().join(", "),
            valid_from: c.valid_from.to_string(),
            valid_to: c.valid_to.map(|d| d.to_string()).unwrap_or_default(),
            note: c.note.clone(),
        }
    }
}

/// A collaboration's code (kode): given once from its name when it is registered and kept
/// through renames, so other systems (DHIS2's org unit code) can hold on to it. Upper-case
/// ASCII letters, digits and `_`, at most 50 characters (DHIS2's limit), always with a letter,
/// so it never reads as a municipality number: «RKK Salten» is `RKK_SALTEN`, «Kárášjohka
/// helse» `KARASJOHKA_HELSE`. `taken` says whether a code is in use; a number is added then.
pub fn collaboration_code(name: &str, taken: impl Fn(&str) -> bool) -> String {
    let mut slug = String::new();
    for c in name.chars().flat_map(char::to_uppercase) {
        let ascii = match c {
            'Æ' => "AE",
            'Ø' | 'Ö' | 'Ó' | 'Ò' => "O",
            'Å' => "AA",
            'Á' | 'À' | 'Ä' | 'Â' => "A",
            'Č' => "C",
            'Đ' => "D",
            'É' | 'È' | 'Ê' => "E",
            'Ŋ' => "N",
            'Š' => "S",
            'Ŧ' => "T",
            'Ž' => "Z",
            'Ü' => "U",
            'Ï' | 'Í' => "I",
            c if c.is_ascii_alphanumeric() => {
                slug.push(c);
                continue;
            }
            _ => "_",
        };
        slug.push_str(ascii);
    }
    let mut code: String = slug.split('_').filter(|p| !p.is_empty()).collect::<Vec<_>>().join("_");
    if !code.bytes().any(|b| b.is_ascii_uppercase()) {
        code = format!("SAMARBEID_{code}").trim_end_matches('_').to_string();
    }
    code.truncate(50);
    let code = code.trim_end_matches('_').to_string();
    let mut n = 1;
    let mut candidate = code.clone();
    while taken(&candidate) {
        n += 1;
        let suffix = format!("_{n}");
        let mut base = code.clone();
        base.truncate(50 - suffix.len());
        candidate = format!("{}{suffix}", base.trim_end_matches('_'));
    }
    candidate
}

#[cfg(test)]
mod tests {
    use super::*;

    fn exists(layout: Layout, n: &MunicipalityNumber) -> bool {
        layout == Layout::Y2024 && ["1804", "1841", "1845", "1848"].contains(&n.as_str())
    }

    fn draft() -> CollaborationDraft {
        CollaborationDraft {
            name: "Salten velferdsteknologi".into(),
            kind: "project".into(),
            layout: "2024".into(),
            host: "1841".into(),
            members: "1804, 1841;1845\n1848".into(),
            valid_from: "2024-01-01".into(),
            valid_to: "".into(),
            note: "".into(),
        }
    }

    #[test]
    fn a_good_draft_becomes_a_collaboration() {
        let c = draft().validate(exists).unwrap();
        assert_eq!(c.members.len(), 4);
        assert_eq!(c.host.as_str(), "1841");
        assert_eq!(CollaborationDraft::from(&c).members, "1804, 1841, 1845, 1848");
    }

    #[test]
    fn every_problem_is_named_with_its_value() {
        let bad = CollaborationDraft {
            host: "1111".into(),
            members: "1804 1804 9999 12x4".into(),
            valid_to: "2023-12-31".into(),
            ..draft()
        };
        let errors = bad.validate(exists).unwrap_err();
        let text: Vec<String> = errors.iter().map(ToString::to_string).collect();
        assert!(text.iter().any(|t| t.contains("1804") && t.contains("flere ganger")), "{text:?}");
        assert!(text.iter().any(|t| t.contains("9999") && t.contains("finnes ikke")), "{text:?}");
        assert!(text.iter().any(|t| t.contains("12x4")), "{text:?}");
        assert!(text.iter().any(|t| t.contains("1111") && t.contains("vertskommune")), "{text:?}");
        assert!(text.iter().any(|t| t.contains("2023-12-31")), "{text:?}");
    }

    #[test]
    fn host_must_be_a_member() {
        let errors = CollaborationDraft { members: "1804, 1845".into(), ..draft() }.validate(exists).unwrap_err();
        assert_eq!(errors, vec![CollaborationError::HostNotMember(MunicipalityNumber::parse("1841").unwrap())]);
        assert_eq!(errors[0].field(), CollaborationField::Host);
    }

    #[test]
    fn empty_draft_reports_each_field() {
        let errors = CollaborationDraft::default().validate(exists).unwrap_err();
        let fields: BTreeSet<_> = errors.iter().map(|e| format!("{:?}", e.field())).collect();
        for field in ["Name", "Kind", "Layout", "Host", "Members", "ValidFrom"] {
            assert!(fields.contains(field), "{field} missing in {fields:?}");
        }
    }

    #[test]
    fn a_collaboration_code_is_its_name_in_dhis2_letters_and_unique() {
        let free = |_: &str| false;
        assert_eq!(collaboration_code("RKK Salten", free), "RKK_SALTEN");
        assert_eq!(
            collaboration_code("Kárášjohka-Karasjok og Porsáŋgu (helse)", free),
            "KARASJOHKA_KARASJOK_OG_PORSANGU_HELSE"
        );
        assert_eq!(
            collaboration_code("Ytre Helgeland – Sør-Varanger, Ærø, Åfjord", free),
            "YTRE_HELGELAND_SOR_VARANGER_AEROE_AAFJORD".replace("AEROE", "AERO")
        );
        assert_eq!(collaboration_code("1804", free), "SAMARBEID_1804");
        assert_eq!(collaboration_code("«»", free), "SAMARBEID");
        let taken = |c: &str| c == "RKK_SALTEN" || c == "RKK_SALTEN_2";
        assert_eq!(collaboration_code("RKK  Salten", taken), "RKK_SALTEN_3");
        let name = "Velferdsteknologi ".repeat(10);
        let first = collaboration_code(&name, free);
        let second = collaboration_code(&name, |c: &str| c == first);
        assert_eq!((first.len(), second.len()), (50, 50));
        assert!(second.ends_with("_2") && first.starts_with(&second[..48]), "{first} {second}");
    }
}
