//! Roles (roller) and their scopes: national admin (programkontoret), county officer
//! (Statsforvalteren, one office), municipal editor (one municipality), project leader (one
//! collaboration) and viewer (anything).

use crate::registry::{MunicipalityNumber, NumberError};
use serde::{Deserialize, Serialize};
use std::fmt;

/// The short code of a county governor office (statsforvalterembete), e.g. "nordland".
pub type OfficeCode = String;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Role {
    NationalAdmin,
    CountyOfficer,
    MunicipalEditor,
    ProjectLeader,
    Viewer,
}

impl Role {
    pub const ALL: [Role; 5] =
        [Role::NationalAdmin, Role::CountyOfficer, Role::MunicipalEditor, Role::ProjectLeader, Role::Viewer];

    pub fn code(self) -> &'static str {
        match self {
            Role::NationalAdmin => "national-admin",
            Role::CountyOfficer => "county-officer",
            Role::MunicipalEditor => "municipal-editor",
            Role::ProjectLeader => "project-leader",
            Role::Viewer => "viewer",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Role::NationalAdmin => "Nasjonal administrator",
            Role::CountyOfficer => "Fylkesansvarlig (Statsforvalteren)",
            Role::MunicipalEditor => "Kommunal redaktør",
            Role::ProjectLeader => "Prosjektleder",
            Role::Viewer => "Leser",
        }
    }

    pub fn from_code(code: &str) -> Option<Role> {
        Role::ALL.into_iter().find(|r| r.code() == code.trim())
    }
}

/// The org unit a role assignment is limited to.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(tag = "kind", content = "value", rename_all = "snake_case")]
pub enum Scope {
    National,
    Office(OfficeCode),
    Municipality(MunicipalityNumber),
    Collaboration(i64),
}

impl Scope {
    /// Stored and typed form: "nasjonal", "embete:nordland", "kommune:1804", "samarbeid:12".
    pub fn code(&self) -> String {
        match self {
            Scope::National => "nasjonal".into(),
            Scope::Office(code) => format!("embete:{code}"),
            Scope::Municipality(n) => format!("kommune:{n}"),
            Scope::Collaboration(id) => format!("samarbeid:{id}"),
        }
    }

    /// Parses a scope for a role. The prefix may be left out where the role says what it is
    /// ("1804" for a municipal editor, "12" for a project leader, "nordland" for a county officer).
    pub fn parse_for(role: Role, text: &str) -> Result<Scope, AssignmentError> {
        let text = text.trim();
        let bad = || AssignmentError::ScopeInvalid(text.to_string());
        let (prefix, value) = match text.split_once(':') {
            Some((p, v)) => (Some(p.trim()), v.trim()),
            None => (None, text),
        };
        let prefix = prefix.or(match role {
            Role::NationalAdmin => Some("nasjonal"),
            Role::CountyOfficer => Some("embete"),
            Role::MunicipalEditor => Some("kommune"),
            Role::ProjectLeader => Some("samarbeid"),
            Role::Viewer if value.is_empty() || value == "nasjonal" => Some("nasjonal"),
            Role::Viewer if value.len() == 4 && value.bytes().all(|b| b.is_ascii_digit()) => Some("kommune"),
            Role::Viewer => Some("embete"),
        });
        let scope = match prefix {
            Some("nasjonal") if value.is_empty() || value == "nasjonal" => Scope::National,
            Some("embete") if is_office_code(value) => Scope::Office(value.to_string()),
            Some("kommune") => Scope::Municipality(MunicipalityNumber::parse(value).map_err(AssignmentError::Number)?),
            Some("samarbeid") => Scope::Collaboration(value.parse().map_err(|_| bad())?),
            _ => return Err(bad()),
        };
        Assignment::new(role, scope.clone())?;
        Ok(scope)
    }
}

fn is_office_code(text: &str) -> bool {
    !text.is_empty() && text.bytes().all(|b| b.is_ascii_lowercase() || b == b'-')
}

impl fmt::Display for Scope {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.code())
    }
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum AssignmentError {
    #[error("ukjent rolle «{0}»: bruk national-admin, county-officer, municipal-editor, project-leader eller viewer")]
    RoleUnknown(String),
    #[error("ugyldig omfang «{0}»: bruk for eksempel embete:nordland, kommune:1804 eller samarbeid:12")]
    ScopeInvalid(String),
    #[error("{0}")]
    Number(NumberError),
    #[error("rollen {role} kan ikke ha omfanget {scope}")]
    Mismatch { role: &'static str, scope: String },
}

/// A role limited to a scope: one line of what a user may do.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct Assignment {
    pub role: Role,
    pub scope: Scope,
}

impl Assignment {
    /// An assignment as stored (role code, scope code), or why it does not read: an unknown
    /// stored role or scope is an error, never left out.
    pub fn from_stored(role: &str, scope: &str) -> Result<Assignment, AssignmentError> {
        let role = Role::from_code(role).ok_or_else(|| AssignmentError::RoleUnknown(role.to_string()))?;
        Assignment::new(role, Scope::parse_for(role, scope)?)
    }

    /// Each role has one kind of scope; a viewer may be scoped to anything.
    pub fn new(role: Role, scope: Scope) -> Result<Assignment, AssignmentError> {
        let fits = matches!(
            (role, &scope),
            (Role::NationalAdmin, Scope::National)
                | (Role::CountyOfficer, Scope::Office(_))
                | (Role::MunicipalEditor, Scope::Municipality(_))
                | (Role::ProjectLeader, Scope::Collaboration(_))
                | (Role::Viewer, _)
        );
        if fits {
            Ok(Assignment { role, scope })
        } else {
            Err(AssignmentError::Mismatch { role: role.code(), scope: scope.code() })
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scopes_parse_with_or_without_prefix() {
        assert_eq!(Scope::parse_for(Role::CountyOfficer, "nordland").unwrap(), Scope::Office("nordland".into()));
        assert_eq!(Scope::parse_for(Role::MunicipalEditor, "kommune:1804").unwrap().code(), "kommune:1804");
        assert_eq!(Scope::parse_for(Role::ProjectLeader, "12").unwrap(), Scope::Collaboration(12));
        assert_eq!(Scope::parse_for(Role::Viewer, "").unwrap(), Scope::National);
        assert_eq!(Scope::parse_for(Role::Viewer, "1804").unwrap().code(), "kommune:1804");
        assert_eq!(Scope::parse_for(Role::NationalAdmin, "").unwrap(), Scope::National);
    }

    #[test]
    fn a_role_refuses_a_scope_of_the_wrong_kind() {
        let err = Scope::parse_for(Role::CountyOfficer, "kommune:1804").unwrap_err();
        assert!(err.to_string().contains("kommune:1804"), "{err}");
        assert!(Scope::parse_for(Role::MunicipalEditor, "18").is_err());
        assert!(Scope::parse_for(Role::ProjectLeader, "abc").is_err());
        assert!(Role::from_code("county-officer").is_some());
        assert!(Role::from_code("king").is_none());
    }
}
