//! Applications (søknader): an org unit's draft, written and sent by its municipal editor or
//! project leader, loaded with its decision and ledger and the facts the access policy needs.

use super::documents;
use super::error::{FieldProblem, GrantError, GrantResult};
use super::schemes::not_found as scheme_not_found;
use super::store::{self, Application, Decision, Entry, Scheme};
use crate::audit::{self, Change};
use crate::context::Ctx;
use crate::db::schema::office_counties;
use crate::db::{DbConnection, StoreError};
use crate::files::{self, Removal};
use crate::registry::{collaborations, store as registry};
use crate::web::format;
use chrono::NaiveDate;
use diesel::prelude::*;
use samveis_domain::access::{Action, Actor, ApplicationFacts, OrgUnit, Resource, may};
use samveis_domain::grants::{ApplicationState, ApplicationText, Balance, Warning, balance, screen};
use samveis_domain::registry::Layout;
use std::collections::BTreeMap;

/// The applying org unit as the access policy knows it (none for a county network).
pub fn applicant_unit(a: &Application) -> Option<OrgUnit> {
    OrgUnit::from_stored(&a.applicant_kind, &a.applicant_id)
}

/// The offices whose area an application's county lies in.
pub fn application_offices(conn: &mut DbConnection, a: &Application) -> Result<Vec<String>, StoreError> {
    Ok(office_counties::table
        .filter(office_counties::layout.eq(a.layout))
        .filter(office_counties::county_number.eq(&a.county_number))
        .select(office_counties::office_code)
        .load(conn)?)
}

/// Every office by the (layout, county) whose area it covers: the offices of many applications
/// in one read.
pub fn offices_by_county(conn: &mut DbConnection) -> Result<BTreeMap<(i32, String), Vec<String>>, StoreError> {
    let rows: Vec<(i32, String, String)> = office_counties::table
        .select((office_counties::layout, office_counties::county_number, office_counties::office_code))
        .load(conn)?;
    let mut out: BTreeMap<(i32, String), Vec<String>> = BTreeMap::new();
    for (layout, county, office) in rows {
        out.entry((layout, county)).or_default().push(office);
    }
    Ok(out)
}

/// Whether the actor may act on an application, from its row and the offices whose area its
/// county lies in (see [`application_offices`]).
pub fn may_on_row(actor: Option<&Actor>, action: Action, a: &Application, offices: &[String]) -> bool {
    let unit = applicant_unit(a);
    let facts = ApplicationFacts { applicant: unit.as_ref(), offices, draft: a.state == ApplicationState::Draft };
    may(actor, action, &Resource::Application(facts))
}

/// An application with its decision and ledger, and what the policy needs.
pub struct Loaded {
    pub application: Application,
    pub decision: Option<Decision>,
    pub entries: Vec<Entry>,
    pub offices: Vec<String>,
    pub scheme: Scheme,
}

impl Loaded {
    /// Whether a user (or an anonymous visitor) may act on it: for reads and what a page offers.
    pub fn may(&self, actor: Option<&Actor>, action: Action) -> bool {
        may_on_row(actor, action, &self.application, &self.offices)
    }

    /// Refuses unless the principal of a write may act on it.
    pub fn require(&self, ctx: &Ctx, action: Action) -> GrantResult<()> {
        let unit = applicant_unit(&self.application);
        Ok(ctx.require(action, &Resource::Application(self.facts(unit.as_ref())))?)
    }

    fn facts<'a>(&'a self, unit: Option<&'a OrgUnit>) -> ApplicationFacts<'a> {
        ApplicationFacts {
            applicant: unit,
            offices: &self.offices,
            draft: self.application.state == ApplicationState::Draft,
        }
    }

    pub fn balance(&self) -> Balance {
        let ledger: Vec<_> = self.entries.iter().map(Entry::to_domain).collect();
        balance(&ledger)
    }

    pub fn warnings(&self) -> Vec<Warning> {
        screen(&text_of(&self.application))
    }
}

pub fn text_of(a: &Application) -> ApplicationText {
    ApplicationText {
        own_financing: a.own_financing.unwrap_or(0),
        politically_anchored: a.political_anchoring,
        administratively_anchored: a.administrative_anchoring,
        purpose: a.purpose.clone(),
        budget: a.budget.clone(),
        plan: a.plan.clone(),
    }
}

pub fn load(conn: &mut DbConnection, id: i64) -> GrantResult<Loaded> {
    let not_found = || GrantError::NotFound(format!("Fant ikke søknad {id}."));
    let application = store::application(conn, id)?.ok_or_else(not_found)?;
    let scheme = store::scheme(conn, application.scheme_id)?.ok_or_else(not_found)?;
    let decision = store::decision_of_application(conn, id)?;
    let entries = match &decision {
        Some(d) => store::entries_of(conn, d.id)?,
        None => vec![],
    };
    let offices = application_offices(conn, &application)?;
    Ok(Loaded { application, decision, entries, offices, scheme })
}

/// The application, if the actor may see it (a read: an anonymous visitor may not).
pub fn load_visible(conn: &mut DbConnection, actor: Option<&Actor>, id: i64) -> GrantResult<Loaded> {
    let loaded = load(conn, id)?;
    if loaded.may(actor, Action::ViewApplication) { Ok(loaded) } else { Err(GrantError::Forbidden) }
}

/// The application, if the principal may do `action` on it.
pub fn authorize(conn: &mut DbConnection, ctx: &Ctx, id: i64, action: Action) -> GrantResult<Loaded> {
    let loaded = load(conn, id)?;
    loaded.require(ctx, action)?;
    Ok(loaded)
}

/// Who applies for an org unit, as stored: kind, id, name, layout and county.
pub struct Applying {
    pub kind: &'static str,
    pub id: String,
    pub name: String,
    pub layout: i32,
    pub county: String,
}

/// Who an actor applies for: their municipalities (layout 2024) and collaborations.
pub fn applicant_of(conn: &mut DbConnection, unit: &OrgUnit) -> GrantResult<Applying> {
    let (kind, id) = unit.stored();
    match unit {
        OrgUnit::Municipality(n) => {
            let row = registry::municipality_rows(conn, Layout::CURRENT)?
                .into_iter()
                .find(|m| m.number == *n)
                .ok_or_else(|| GrantError::invalid("unit", format!("Kommune {n} finnes ikke i 2024-inndelingen.")))?;
            let county = row.county_number.to_string();
            Ok(Applying { kind, id, name: row.name, layout: Layout::CURRENT.year(), county })
        }
        OrgUnit::Collaboration(c_id) => {
            let c = collaborations::get(conn, *c_id)?
                .ok_or_else(|| GrantError::invalid("unit", format!("Samarbeid {c_id} finnes ikke.")))?;
            let host = registry::municipality_rows(conn, c.summary.layout)?
                .into_iter()
                .find(|m| m.number.as_str() == c.summary.host_number)
                .ok_or_else(|| GrantError::invalid("unit", "Vertskommunen finnes ikke i registeret."))?;
            let county = host.county_number.to_string();
            Ok(Applying { kind, id, name: c.summary.name, layout: c.summary.layout.year(), county })
        }
    }
}

/// What an applicant types; amounts as typed (Norwegian number formats accepted).
#[derive(Debug, Clone, Default, serde::Deserialize, serde::Serialize)]
pub struct ApplicationForm {
    #[serde(default)]
    pub applied: String,
    #[serde(default)]
    pub own_financing: String,
    /// Other de minimis aid received in the last three years (kr), for undertakings.
    #[serde(default)]
    pub declared_other_aid: String,
    #[serde(default)]
    pub purpose: String,
    #[serde(default)]
    pub technologies: String,
    #[serde(default)]
    pub target_group: String,
    #[serde(default)]
    pub political_anchoring: Option<String>,
    #[serde(default)]
    pub administrative_anchoring: Option<String>,
    #[serde(default)]
    pub budget: String,
    #[serde(default)]
    pub plan: String,
}

/// Reads whole kroner as people write them: "1 447 130", "1447130 kr", "1.447.130".
pub fn parse_kroner(label: &str, text: &str) -> GrantResult<Option<i64>> {
    samveis_domain::grants::parse_kroner(text).map_err(|e| GrantError::invalid("amount", format!("{label}: {e}.")))
}

/// A ticked checkbox.
pub(super) fn ticked(value: &Option<String>) -> bool {
    value.as_deref() == Some("ja")
}

impl ApplicationForm {
    pub fn of(a: &Application) -> ApplicationForm {
        let kr = |n: Option<i64>| n.map(|n| n.to_string()).unwrap_or_default();
        ApplicationForm {
            applied: kr(a.applied),
            own_financing: kr(a.own_financing),
            declared_other_aid: kr(a.declared_other_aid),
            purpose: a.purpose.clone(),
            technologies: a.technologies.clone(),
            target_group: a.target_group.clone(),
            political_anchoring: a.political_anchoring.then(|| "ja".into()),
            administrative_anchoring: a.administrative_anchoring.then(|| "ja".into()),
            budget: a.budget.clone(),
            plan: a.plan.clone(),
        }
    }
}

/// What an applicant writes, read: amounts in kroner, the anchoring as yes or no.
#[derive(Debug, Clone, Default)]
pub struct ApplicationContent {
    pub applied: Option<i64>,
    pub own_financing: Option<i64>,
    pub declared_other_aid: Option<i64>,
    pub purpose: String,
    pub technologies: String,
    pub target_group: String,
    pub political_anchoring: bool,
    pub administrative_anchoring: bool,
    pub budget: String,
    pub plan: String,
}

impl TryFrom<&ApplicationForm> for ApplicationContent {
    type Error = GrantError;

    fn try_from(f: &ApplicationForm) -> GrantResult<ApplicationContent> {
        let (content, problems) = ApplicationContent::read(f);
        GrantError::unless_none(problems)?;
        Ok(content)
    }
}

/// An amount field read, or its problem noted (the amount then counts as not given).
fn amount(problems: &mut Vec<FieldProblem>, field: &'static str, label: &str, text: &str) -> Option<i64> {
    match samveis_domain::grants::parse_kroner(text) {
        Ok(n) => n,
        Err(e) => {
            problems.push((field.into(), format!("{label}: {e}.")));
            None
        }
    }
}

impl ApplicationContent {
    /// What was typed, read: the content, and every amount that did not read, by field.
    pub fn read(f: &ApplicationForm) -> (ApplicationContent, Vec<FieldProblem>) {
        let mut problems = Vec::new();
        let content = ApplicationContent {
            applied: amount(&mut problems, "applied", "Søkt beløp", &f.applied),
            own_financing: amount(&mut problems, "own_financing", "Egenfinansiering", &f.own_financing),
            declared_other_aid: amount(
                &mut problems,
                "declared_other_aid",
                "Annen bagatellmessig støtte",
                &f.declared_other_aid,
            ),
            purpose: f.purpose.trim().into(),
            technologies: f.technologies.trim().into(),
            target_group: f.target_group.trim().into(),
            political_anchoring: ticked(&f.political_anchoring),
            administrative_anchoring: ticked(&f.administrative_anchoring),
            budget: f.budget.trim().into(),
            plan: f.plan.trim().into(),
        };
        (content, problems)
    }
}

impl ApplicationContent {
    fn apply_to(&self, a: &mut Application) {
        let c = self.clone();
        (a.applied, a.own_financing, a.declared_other_aid) = (c.applied, c.own_financing, c.declared_other_aid);
        (a.purpose, a.technologies, a.target_group) = (c.purpose, c.technologies, c.target_group);
        (a.political_anchoring, a.administrative_anchoring) = (c.political_anchoring, c.administrative_anchoring);
        (a.budget, a.plan) = (c.budget, c.plan);
    }

    /// What a sent application must hold, by the scheme's requirements: every field missing,
    /// in the order of the form. An amount that did not read is already a problem.
    fn missing(&self, scheme: &Scheme, has_anchoring: bool, problems: &[FieldProblem]) -> Vec<FieldProblem> {
        let mut out = Vec::new();
        let noted = |field: &str| problems.iter().any(|(f, _)| f == field);
        if self.applied.is_none_or(|n| n == 0) && !noted("applied") {
            out.push(("applied".into(), "Søkt beløp mangler.".into()));
        }
        if self.purpose.is_empty() {
            out.push(("purpose".into(), "Formålet mangler.".into()));
        }
        let named = &scheme.name;
        if scheme.requires.budget && self.budget.is_empty() {
            out.push(("budget".into(), format!("Budsjettet mangler; «{named}» krever et budsjett.")));
        }
        if scheme.requires.plan && self.plan.is_empty() {
            out.push((
                "plan".into(),
                format!("Planen mangler; «{named}» krever en plan for aktiviteter og fremdrift."),
            ));
        }
        if scheme.requires.anchoring && !has_anchoring {
            let message = format!(
                "Forankringsdokumentet mangler; «{named}» krever at vedtaket legges ved. Last det opp over knappen «Send søknaden»."
            );
            out.push(("doc-anchoring".into(), message));
        }
        out
    }
}

/// A sent application after the scheme's deadline is refused, naming the deadline.
fn check_deadline(scheme: &Scheme, today: NaiveDate) -> Option<FieldProblem> {
    let deadline = scheme.application_deadline.filter(|d| today > *d)?;
    Some((
        "frist".into(),
        format!(
            "Søknadsfristen for «{}» var {}; søknaden kan ikke sendes inn etter fristen. Utkastet kan fortsatt lagres.",
            scheme.name,
            format::date(deadline)
        ),
    ))
}

/// Save a draft, or send it in, at the version the applicant saw.
#[derive(Debug, Clone)]
pub struct SaveApplication {
    pub version: i64,
    pub content: ApplicationContent,
    pub send: bool,
}

/// A new draft for an org unit, in this year within the scheme's years.
fn draft(scheme: &Scheme, who: Applying, now: chrono::NaiveDateTime) -> Application {
    let this_year: i32 = now.date().format("%Y").to_string().parse().unwrap_or(scheme.first_year);
    let year = this_year.max(scheme.first_year).min(scheme.last_year.unwrap_or(i32::MAX));
    Application {
        id: 0,
        scheme_id: scheme.id,
        year,
        applicant_kind: who.kind.into(),
        applicant_id: who.id,
        applicant_name: who.name,
        layout: who.layout,
        county_number: who.county,
        applied: None,
        own_financing: None,
        declared_other_aid: None,
        purpose: String::new(),
        technologies: String::new(),
        target_group: String::new(),
        political_anchoring: false,
        administrative_anchoring: false,
        budget: String::new(),
        plan: String::new(),
        state: ApplicationState::Draft,
        historic: false,
        submitted_at: None,
        version: 1,
    }
}

/// A draft started, or the one the org unit already had for the scheme and year.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Started {
    New(i64),
    Existing(i64),
}

impl Started {
    pub fn id(self) -> i64 {
        match self {
            Started::New(id) | Started::Existing(id) => id,
        }
    }
}

/// Starts a draft application for the principal's org unit; one it already has for the scheme
/// and year is given back instead of a second.
pub fn start_application(conn: &mut DbConnection, ctx: &Ctx, scheme_id: i64, unit: &OrgUnit) -> GrantResult<Started> {
    // Who may apply for the unit is settled before anything about the scheme is told.
    let facts = ApplicationFacts { applicant: Some(unit), offices: &[], draft: true };
    ctx.require(Action::EditApplication, &Resource::Application(facts))?;
    crate::db::write(conn, |conn| {
        let scheme = store::scheme(conn, scheme_id)?.ok_or_else(|| scheme_not_found(scheme_id))?;
        if scheme.closed {
            let message = format!("Ordningen «{}» er avsluttet og tar ikke imot søknader.", scheme.name);
            return Err(GrantError::invalid("scheme", message));
        }
        let draft = draft(&scheme, applicant_of(conn, unit)?, ctx.now);
        store::lock_scheme(conn, scheme_id)?;
        if let Some(existing) = store::draft_of(conn, &draft)? {
            return Ok(Started::Existing(existing));
        }
        let id = store::insert_application(conn, &draft, ctx.now)?;
        let change = Change {
            action: "opprettet",
            record_type: "søknad",
            record_id: id.to_string(),
            before: None,
            after: serde_json::to_value(&draft).ok(),
        };
        audit::record(conn, &ctx.author, ctx.now, change)?;
        Ok(Started::New(id))
    })
}

/// Saves (or sends) an application draft; version-checked and audited.
pub fn save_application(conn: &mut DbConnection, ctx: &Ctx, id: i64, c: &SaveApplication) -> GrantResult<()> {
    save_application_with(conn, ctx, id, c, vec![])
}

/// Saves (or sends) a draft whose form already had `problems` (amounts that did not read):
/// refused with those and, when sending, every field the scheme requires that is missing, all
/// at once. Version-checked and audited.
pub fn save_application_with(
    conn: &mut DbConnection,
    ctx: &Ctx,
    id: i64,
    c: &SaveApplication,
    mut problems: Vec<FieldProblem>,
) -> GrantResult<()> {
    crate::db::write(conn, |conn| {
        let loaded = authorize(conn, ctx, id, Action::EditApplication)?;
        if loaded.application.state != ApplicationState::Draft {
            return Err(GrantError::invalid("state", "Søknaden er sendt inn og kan ikke endres."));
        }
        if c.send {
            let has_anchoring = has_anchoring_document(conn, id)?;
            problems.extend(c.content.missing(&loaded.scheme, has_anchoring, &problems));
            problems.extend(check_deadline(&loaded.scheme, ctx.now.date()));
        }
        GrantError::unless_none(problems)?;
        let mut a = loaded.application.clone();
        c.content.apply_to(&mut a);
        if c.send {
            a.state = ApplicationState::Submitted;
            a.submitted_at = Some(ctx.now);
        }
        if a.version != c.version || !store::update_application(conn, &a, c.version, ctx.now)? {
            return Err(GrantError::stale());
        }
        let change = Change {
            action: if c.send { "sendt inn" } else { "lagret" },
            record_type: "søknad",
            record_id: id.to_string(),
            before: serde_json::to_value(&loaded.application).ok(),
            after: serde_json::to_value(&a).ok(),
        };
        audit::record(conn, &ctx.author, ctx.now, change)?;
        Ok(())
    })
}

/// Whether the anchoring document is attached.
pub fn has_anchoring_document(conn: &mut DbConnection, id: i64) -> GrantResult<bool> {
    Ok(documents::list(conn, id)?.iter().any(|f| f.field == documents::ANCHORING))
}

/// Deletes a draft at the version its owner saw, with its attached documents; audited with
/// what it held. A sent application is never deleted.
pub fn delete_draft(conn: &mut DbConnection, ctx: &Ctx, id: i64, version: i64) -> GrantResult<()> {
    crate::db::write(conn, |conn| {
        let loaded = authorize(conn, ctx, id, Action::EditApplication)?;
        if loaded.application.state != ApplicationState::Draft {
            return Err(GrantError::invalid("state", "Bare utkast kan slettes; søknaden er sendt inn."));
        }
        if loaded.application.version != version {
            return Err(GrantError::stale());
        }
        let which = Removal { kind: documents::OWNER, owner: Some(id), field: documents::ANCHORING, before: None };
        files::remove_references(conn, &which)?;
        if !store::delete_draft(conn, id, version)? {
            return Err(GrantError::stale());
        }
        let change = Change {
            action: "slettet utkast",
            record_type: "søknad",
            record_id: id.to_string(),
            before: serde_json::to_value(&loaded.application).ok(),
            after: None,
        };
        audit::record(conn, &ctx.author, ctx.now, change)?;
        Ok(())
    })
}
