//! Grant schemes (tilskuddsordninger): created and closed by the programme office, and the
//! overview a scheme page, its export and the API publish (frames with their county tables, and
//! the granted applications with their balances).

use super::error::{GrantError, GrantResult};
use super::store::{self, Application, Decision, Entry, Frame, Requirements, Scheme, SchemeTerms};
use crate::audit::{self, Change};
use crate::context::Ctx;
use crate::db::DbConnection;
use crate::registry::authorities;
use chrono::NaiveDate;
use samveis_domain::access::{Action, Resource};
use samveis_domain::grants::{ApplicationState, Balance, FrameTable, GrantFigures, balance, frame_table, parse_date};
use std::collections::BTreeMap;

/// What the programme office types to create a scheme.
#[derive(Debug, Clone, Default, serde::Deserialize)]
pub struct SchemeForm {
    #[serde(default)]
    pub name: String,
    #[serde(default)]
    pub owner: String,
    #[serde(default)]
    pub budget_chapter: String,
    #[serde(default)]
    pub budget_post: String,
    #[serde(default)]
    pub recipients: String,
    #[serde(default)]
    pub first_year: String,
    #[serde(default)]
    pub last_year: String,
    /// The rules text shown with the scheme (not the payment terms, which have their own field).
    #[serde(default)]
    pub rules: String,
    /// The last day to send an application in (31.12.2027 or 2027-12-31); empty: no deadline.
    #[serde(default)]
    pub application_deadline: String,
    #[serde(default)]
    pub requires_budget: Option<String>,
    #[serde(default)]
    pub requires_plan: Option<String>,
    #[serde(default)]
    pub requires_anchoring: Option<String>,
    /// The owner's key in the authorities table.
    #[serde(default)]
    pub authority: String,
    /// "fylke": Statsforvalteren of the applicant's county decides; "eier": the owner does.
    #[serde(default)]
    pub decides: String,
    #[serde(default)]
    pub legal_basis: String,
    #[serde(default)]
    pub payment_terms: String,
    #[serde(default)]
    pub reporting: String,
    /// An acceptance deadline as ÅÅÅÅ-MM-DD, or
    #[serde(default)]
    pub accept_by: String,
    /// a number of weeks after the decision.
    #[serde(default)]
    pub accept_weeks: String,
    /// "nei": one person may attest and authorise a payment; anything else (or nothing): two.
    #[serde(default)]
    pub four_eyes: String,
}

/// A new scheme, checked: names filled in, a known recipient group, years in order.
#[derive(Debug, Clone)]
pub struct NewSchemeCommand {
    pub name: String,
    pub owner: String,
    pub budget_chapter: String,
    pub budget_post: String,
    /// municipalities | projects | undertakings
    pub recipients: &'static str,
    pub rules: String,
    pub first_year: i32,
    pub last_year: Option<i32>,
    pub application_deadline: Option<NaiveDate>,
    pub requires: Requirements,
    pub terms: SchemeTerms,
    /// Attestation and authorisation of a payment by two people.
    pub four_eyes: bool,
}

pub const RECIPIENTS: [&str; 3] = ["municipalities", "projects", "undertakings"];

fn year(label: &str, text: &str) -> GrantResult<Option<i32>> {
    match text.trim() {
        "" => Ok(None),
        y => y.parse().map(Some).map_err(|_| GrantError::invalid("year", format!("{label} «{y}» er ikke et årstall."))),
    }
}

/// A date typed in a scheme's form (31.12.2027 or 2027-12-31); empty: none. What cannot be read
/// is refused on its field, naming what was typed.
fn optional_date(field: &'static str, what: &str, example: &str, text: &str) -> GrantResult<Option<NaiveDate>> {
    match text.trim() {
        "" => Ok(None),
        d => parse_date(d).map(Some).ok_or_else(|| {
            GrantError::invalid(field, format!("{what} «{d}» er ikke en dato; skriv den som {example}."))
        }),
    }
}

/// Who decides, the legal basis, the payment terms and the acceptance deadline, as typed.
fn terms(f: &SchemeForm) -> GrantResult<SchemeTerms> {
    let authority = authorities::authority(f.authority.trim())
        .ok_or_else(|| GrantError::invalid("authority", format!("Ukjent myndighet «{}».", f.authority.trim())))?;
    let county_decides = match f.decides.as_str() {
        "fylke" => true,
        "eier" => false,
        other => return Err(GrantError::invalid("decides", format!("Velg hvem som fatter vedtak (ikke «{other}»)."))),
    };
    let accept_by = optional_date("accept_by", "Frist for aksept", "15.5.2023 eller 2023-05-15", &f.accept_by)?;
    let accept_weeks = match f.accept_weeks.trim() {
        "" => None,
        w => Some(w.parse::<i32>().ok().filter(|n| (1..=52).contains(n)).ok_or_else(|| {
            GrantError::invalid("accept_weeks", format!("Uker til aksept «{w}» må være et helt tall fra 1 til 52."))
        })?),
    };
    if accept_by.is_some() && accept_weeks.is_some() {
        return Err(GrantError::invalid(
            "accept_weeks",
            "Oppgi enten en dato eller et antall uker for aksept, ikke begge.",
        ));
    }
    Ok(SchemeTerms {
        authority: authority.key.clone(),
        county_decides,
        legal_basis: f.legal_basis.trim().into(),
        payment_terms: f.payment_terms.trim().into(),
        reporting: f.reporting.trim().into(),
        accept_by,
        accept_weeks,
    })
}

impl TryFrom<&SchemeForm> for NewSchemeCommand {
    type Error = GrantError;

    fn try_from(f: &SchemeForm) -> GrantResult<NewSchemeCommand> {
        if f.name.trim().is_empty() || f.owner.trim().is_empty() {
            return Err(GrantError::invalid("name", "Navn og forvalter må fylles ut."));
        }
        let recipients = RECIPIENTS
            .into_iter()
            .find(|r| *r == f.recipients)
            .ok_or_else(|| GrantError::invalid("recipients", format!("Ukjent mottakergruppe «{}».", f.recipients)))?;
        let first =
            year("Første år", &f.first_year)?.ok_or_else(|| GrantError::invalid("first_year", "Første år mangler."))?;
        let last = year("Siste år", &f.last_year)?;
        if last.is_some_and(|l| l < first) {
            return Err(GrantError::invalid("last_year", "Siste år kan ikke være før første år."));
        }
        let deadline = optional_date(
            "application_deadline",
            "Søknadsfristen",
            "1.3.2027 eller 2027-03-01",
            &f.application_deadline,
        )?;
        let on = |v: &Option<String>| v.as_deref() == Some("ja");
        let requires = Requirements {
            budget: on(&f.requires_budget),
            plan: on(&f.requires_plan),
            anchoring: on(&f.requires_anchoring),
        };
        Ok(NewSchemeCommand {
            name: f.name.trim().into(),
            owner: f.owner.trim().into(),
            budget_chapter: f.budget_chapter.trim().into(),
            budget_post: f.budget_post.trim().into(),
            recipients,
            rules: f.rules.trim().into(),
            first_year: first,
            last_year: last,
            application_deadline: deadline,
            requires,
            terms: terms(f)?,
            four_eyes: f.four_eyes.trim() != "nei",
        })
    }
}

pub(super) fn not_found(id: i64) -> GrantError {
    GrantError::NotFound(format!("Fant ikke ordning {id}."))
}

pub fn create_scheme(conn: &mut DbConnection, ctx: &Ctx, c: &NewSchemeCommand) -> GrantResult<i64> {
    ctx.require(Action::ManageGrants, &Resource::Any)?;
    crate::db::write(conn, |conn| {
        let new = store::NewScheme {
            name: &c.name,
            owner: &c.owner,
            budget_chapter: &c.budget_chapter,
            budget_post: &c.budget_post,
            recipients: c.recipients,
            rules: &c.rules,
            first_year: c.first_year,
            last_year: c.last_year,
            application_deadline: c.application_deadline,
            requires: c.requires,
            terms: &c.terms,
            four_eyes: c.four_eyes,
        };
        let id = store::insert_scheme(conn, &new, ctx.now)?;
        let t = &c.terms;
        let after = serde_json::json!({"navn": new.name, "forvalter": new.owner, "kapittel": new.budget_chapter, "post": new.budget_post, "mottakere": new.recipients, "år": [c.first_year, c.last_year], "søknadsfrist": c.application_deadline, "krav": c.requires,
            "myndighet": t.authority, "fylket_vedtar": t.county_decides, "hjemmel": t.legal_basis, "utbetalingsvilkår": t.payment_terms, "rapportering": t.reporting, "aksept_innen": t.accept_by, "aksept_uker": t.accept_weeks, "to_personer": c.four_eyes});
        let change = Change {
            action: "opprettet",
            record_type: "tilskuddsordning",
            record_id: id.to_string(),
            before: None,
            after: Some(after),
        };
        audit::record(conn, &ctx.author, ctx.now, change)?;
        Ok(id)
    })
}

/// Closes a scheme: no new applications or decisions; payments on its grants go on.
pub fn close_scheme(conn: &mut DbConnection, ctx: &Ctx, id: i64) -> GrantResult<()> {
    ctx.require(Action::ManageGrants, &Resource::Any)?;
    crate::db::write(conn, |conn| {
        let scheme = store::scheme(conn, id)?.ok_or_else(|| not_found(id))?;
        if scheme.closed {
            return Err(GrantError::invalid("scheme", "Ordningen er allerede avsluttet."));
        }
        store::close_scheme(conn, id)?;
        let change = Change {
            action: "avsluttet",
            record_type: "tilskuddsordning",
            record_id: id.to_string(),
            before: Some(serde_json::json!({"avsluttet": false})),
            after: Some(serde_json::json!({"avsluttet": true})),
        };
        audit::record(conn, &ctx.author, ctx.now, change)?;
        Ok(())
    })
}

/// A grant as the scheme page lists it.
#[derive(Debug, Clone)]
pub struct GrantLine {
    pub application: Application,
    pub decision: Option<Decision>,
    pub balance: Balance,
}

/// Everything the scheme page shows, computed from the records.
pub struct SchemeOverview {
    pub scheme: Scheme,
    pub frames: Vec<(Frame, FrameTable)>,
    pub grants: Vec<GrantLine>,
}

pub fn overview(conn: &mut DbConnection, scheme_id: i64) -> GrantResult<SchemeOverview> {
    let scheme = store::scheme(conn, scheme_id)?.ok_or_else(|| not_found(scheme_id))?;
    let grants = granted_lines(conn, scheme_id)?;
    let mut frames = Vec::new();
    for f in store::frames_of(conn, scheme_id)? {
        let allocations = store::allocations_of(conn, f.id)?;
        let figures: Vec<GrantFigures> =
            grants.iter().filter(|g| g.application.year == f.year).map(figures_of).collect();
        let table = frame_table(f.amount, &allocations, &figures, scheme.closed);
        frames.push((f, table));
    }
    Ok(SchemeOverview { scheme, frames, grants })
}

/// Published figures: granted applications only. What is still being decided, or was rejected,
/// stays with the applicant and the county.
fn granted_lines(conn: &mut DbConnection, scheme_id: i64) -> GrantResult<Vec<GrantLine>> {
    let applications = store::applications_of(conn, scheme_id)?;
    let mut decisions: BTreeMap<i64, Decision> =
        store::decisions_of_scheme(conn, scheme_id)?.into_iter().map(|d| (d.application_id, d)).collect();
    let mut entries: BTreeMap<i64, Vec<Entry>> = BTreeMap::new();
    for e in store::entries_of_scheme(conn, scheme_id)? {
        entries.entry(e.decision_id).or_default().push(e);
    }
    Ok(applications
        .into_iter()
        .filter(|a| a.state == ApplicationState::Granted)
        .map(|a| {
            let decision = decisions.remove(&a.id);
            let ledger: Vec<_> = decision
                .as_ref()
                .and_then(|d| entries.get(&d.id))
                .map(|es| es.iter().map(Entry::to_domain).collect())
                .unwrap_or_default();
            GrantLine { application: a, decision, balance: balance(&ledger) }
        })
        .collect())
}

fn figures_of(g: &GrantLine) -> GrantFigures {
    GrantFigures {
        recipient: g.application.applicant_name.clone(),
        county_number: g.application.county_number.clone(),
        applied: g.application.applied,
        granted: g.decision.as_ref().map(|d| d.granted),
        sub_allocated: g
            .decision
            .as_ref()
            .filter(|d| !d.sub_allocations.is_empty())
            .map(|d| d.sub_allocations.iter().map(|s| s.amount).sum()),
    }
}
