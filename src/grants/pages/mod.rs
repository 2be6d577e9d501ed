//! Grant pages: the schemes (public: published figures), a scheme with its county table and
//! grants, the distribution form for the programme office, and applications with decision,
//! acceptance, payments and ledger. One use case per file; the handlers are re-exported here
//! for the router.

mod application_page;
mod applications;
mod decisions;
mod distribution;
mod documents;
mod field_errors;
mod ledger;
mod payments;
mod schemes;

pub use applications::{application, applications, delete, save, start};
pub use decisions::{accept, decide, letter};
pub use distribution::{distribution_form, save_distribution};
pub use documents::{anchoring_document, document, signed_letter};
pub use ledger::record;
pub use payments::{handle_payment, request_payment};
pub use schemes::{close_scheme, create_scheme, export, scheme, schemes};

use crate::auth::Visitor;
use crate::grants::store::{Requirements, Scheme};
use crate::web::format;
use samveis_domain::access::{OrgUnit, Role, Scope};

fn kr(n: Option<i64>) -> String {
    n.map(format::kroner).unwrap_or_else(|| "–".into())
}

/// The scheme's application deadline in words: «1. mars 2027», or that it has none.
fn deadline_text(s: &Scheme) -> String {
    s.application_deadline.map_or_else(|| "Ordningen har ingen søknadsfrist.".into(), format::date)
}

/// What a sent application must hold, as a sentence; with whether the anchoring document is
/// attached, for a draft (`None` on the scheme page).
fn requirements_text(r: &Requirements, has_anchoring: Option<bool>) -> String {
    let mut parts = vec!["søkt beløp", "formål"];
    if r.budget {
        parts.push("budsjett");
    }
    if r.plan {
        parts.push("plan");
    }
    let list = match parts.split_last() {
        Some((last, first)) => format!("{} og {last}", first.join(", ")),
        None => String::new(),
    };
    let anchoring = match (r.anchoring, has_anchoring) {
        (false, _) => "",
        (true, None) => ", og forankringsvedtaket må være lagt ved",
        (true, Some(true)) => ", og forankringsvedtaket må være lagt ved (det er lagt ved)",
        (true, Some(false)) => ", og forankringsvedtaket må være lagt ved (det mangler ennå)",
    };
    format!("Søknaden må ha {list}{anchoring}.")
}

pub fn recipients_label(code: &str) -> &'static str {
    match code {
        "projects" => "Prosjekter",
        "undertakings" => "Foretak",
        _ => "Kommuner",
    }
}

/// The org units the visitor applies for: the municipalities they edit for and the
/// collaborations they lead.
fn own_units(visitor: &Visitor) -> Vec<OrgUnit> {
    visitor
        .actor()
        .into_iter()
        .flat_map(|a| a.assignments.iter())
        .filter_map(|a| match (&a.role, &a.scope) {
            (Role::MunicipalEditor, Scope::Municipality(n)) => Some(OrgUnit::Municipality(n.clone())),
            (Role::ProjectLeader, Scope::Collaboration(id)) => Some(OrgUnit::Collaboration(*id)),
            _ => None,
        })
        .collect()
}
