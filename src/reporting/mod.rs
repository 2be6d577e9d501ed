//! Reporting (rapportering): rounds that ask org units for a form, submissions that are filled
//! in, sent, reviewed and counted. The rules are in `samveis_domain::reporting`; this module
//! stores them, checks access and writes the audit trail.

pub mod api;
pub mod builder;
mod demo;
pub mod dhis2;
pub mod export;
pub mod file_pages;
pub mod files;
pub mod import;
pub mod import_pages;
pub mod pages;
pub mod reminders;
pub mod scale;
pub mod values;

pub use demo::load as load_demo;
pub mod store;
pub mod template_pages;

use crate::audit::{self, Author, Change};
use crate::db::{DbConnection, StoreError};
use crate::error::{AppError, VERSION_CONFLICT};
use crate::registry::{collaborations, store as registry};
use crate::web::format::capitalized;
use chrono::{NaiveDate, NaiveDateTime};
use diesel::Connection;
use samveis_domain::access::{Action, Actor, OrgUnit, Resource, SubmissionFacts, may};
use samveis_domain::registry::{CountyNumber, Layout, MunicipalityNumber, MunicipalityRow};
use samveis_domain::reporting::{
    self as domain, Answers, CompletenessRow, Delivery, Event, Expected, FieldError, Period, RawAnswers, State,
};
use serde::{Deserialize, Serialize};
use store::{OrgRow, RoundRow, SubmissionRow, TemplateRow};

/// Who a round asks. Stored with the round as JSON.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Audience {
    AllMunicipalities {
        layout: i32,
    },
    County {
        layout: i32,
        county: String,
    },
    /// Each collaboration answers once, through its project leader.
    Collaborations {
        ids: Vec<i64>,
    },
    /// Every member municipality of the collaborations answers for itself (e.g. milestone 5:
    /// each municipality's own service model).
    CollaborationMembers {
        ids: Vec<i64>,
    },
    Municipalities {
        layout: i32,
        numbers: Vec<String>,
    },
}

impl Audience {
    pub fn describe(&self) -> String {
        match self {
            Audience::AllMunicipalities { layout } => format!("Alle kommuner ({layout}-inndelingen)"),
            Audience::County { layout, county } => format!("Kommunene i fylke {county} ({layout}-inndelingen)"),
            Audience::Collaborations { ids } => format!("{} samarbeid", ids.len()),
            Audience::CollaborationMembers { ids } => format!("Medlemskommunene i {} samarbeid", ids.len()),
            Audience::Municipalities { numbers, .. } => format!("{} utvalgte kommuner", numbers.len()),
        }
    }
}

/// Reviewed by the programme office or by the county governor of each org unit.
pub const REVIEWER_PROGRAMME: &str = "programme";
pub const REVIEWER_COUNTY: &str = "county";

pub fn reviewer_label(code: &str) -> &'static str {
    if code == REVIEWER_COUNTY { "Statsforvalteren" } else { "Programkontoret" }
}

fn municipality_orgs(
    conn: &mut DbConnection,
    layout: Layout,
    keep: impl Fn(&samveis_domain::registry::MunicipalityRow) -> bool,
) -> Result<Vec<OrgRow>, StoreError> {
    Ok(registry::municipality_rows(conn, layout)?
        .into_iter()
        .filter(|m| keep(m))
        .map(|m| OrgRow { kind: "municipality".into(), id: m.number.to_string(), name: m.name, layout: layout.year() })
        .collect())
}

/// The org units an audience names, or which of its values do not exist.
pub fn resolve_audience(conn: &mut DbConnection, audience: &Audience) -> Result<Vec<OrgRow>, AppError> {
    let layout = |y: i32| Layout::from_year(y).map_err(|e| AppError::BadRequest(format!("{e}.")));
    let orgs = match audience {
        Audience::AllMunicipalities { layout: y } => municipality_orgs(conn, layout(*y)?, |_| true)?,
        Audience::County { layout: y, county } => {
            let county = CountyNumber::parse(county).map_err(|e| AppError::BadRequest(format!("{e}.")))?;
            municipality_orgs(conn, layout(*y)?, |m| m.county_number == county)?
        }
        Audience::Municipalities { layout: y, numbers } => {
            let l = layout(*y)?;
            let known = registry::municipality_numbers(conn, l)?;
            if let Some(bad) = numbers.iter().find(|n| !known.contains(n.trim())) {
                return Err(AppError::BadRequest(format!("Kommunenummer «{bad}» finnes ikke i {l}-inndelingen.")));
            }
            municipality_orgs(conn, l, |m| numbers.iter().any(|n| n.trim() == m.number.as_str()))?
        }
        Audience::Collaborations { ids } => {
            let mut orgs = Vec::new();
            for id in ids {
                let c = collaborations::get(conn, *id)?
                    .ok_or_else(|| AppError::BadRequest(format!("Samarbeid {id} finnes ikke.")))?;
                let name = c.summary.name.clone();
                orgs.push(OrgRow {
                    kind: "collaboration".into(),
                    id: id.to_string(),
                    name,
                    layout: c.summary.layout.year(),
                });
            }
            orgs
        }
        Audience::CollaborationMembers { ids } => {
            let mut orgs: Vec<OrgRow> = Vec::new();
            for id in ids {
                let c = collaborations::get(conn, *id)?
                    .ok_or_else(|| AppError::BadRequest(format!("Samarbeid {id} finnes ikke.")))?;
                let layout = c.summary.layout.year();
                for m in c.members {
                    // A municipality in two chosen collaborations answers once.
                    if !orgs.iter().any(|o| o.id == m.number && o.layout == layout) {
                        orgs.push(OrgRow { kind: "municipality".into(), id: m.number, name: m.name, layout });
                    }
                }
            }
            orgs
        }
    };
    if orgs.is_empty() {
        return Err(AppError::BadRequest("Mottakerlisten er tom: ingen kommuner eller samarbeid passer.".into()));
    }
    Ok(orgs)
}

/// What an admin types to open a round.
pub struct RoundSpec {
    pub name: String,
    pub template_id: i64,
    pub period: String,
    pub deadline: String,
    pub reviewer: String,
    pub audience: Audience,
    pub demo: bool,
}

/// Opens a round: checks it, freezes its template and creates one draft per expected org unit.
pub fn open_round(
    conn: &mut DbConnection,
    actor: Option<&Actor>,
    author: &Author,
    now: NaiveDateTime,
    spec: &RoundSpec,
) -> Result<i64, AppError> {
    if actor.is_some_and(|a| !may(Some(a), Action::ManageRounds, &Resource::Any)) {
        return Err(AppError::Forbidden);
    }
    if spec.name.trim().is_empty() {
        return Err(AppError::BadRequest("Navn på runden mangler.".into()));
    }
    let period = Period::parse(&spec.period).map_err(|e| AppError::BadRequest(capitalized(&e.to_string())))?;
    let deadline = NaiveDate::parse_from_str(spec.deadline.trim(), "%Y-%m-%d").map_err(|_| {
        AppError::BadRequest(format!("Fristen «{}» er ikke en gyldig dato (ÅÅÅÅ-MM-DD).", spec.deadline))
    })?;
    if ![REVIEWER_PROGRAMME, REVIEWER_COUNTY].contains(&spec.reviewer.as_str()) {
        return Err(AppError::BadRequest(format!("Ukjent vurderer «{}».", spec.reviewer)));
    }
    let audience = serde_json::to_string(&spec.audience).map_err(|e| AppError::Internal(e.to_string()))?;
    conn.transaction(|conn| {
        let template = store::template(conn, spec.template_id)?
            .ok_or_else(|| AppError::BadRequest(format!("Skjema {} finnes ikke.", spec.template_id)))?;
        if let Err(errors) = template.template.check() {
            let list: Vec<String> = errors.iter().map(ToString::to_string).collect();
            return Err(AppError::BadRequest(format!("Skjemaet kan ikke brukes ennå: {}.", list.join("; "))));
        }
        let orgs = resolve_audience(conn, &spec.audience)?;
        let new = store::NewRound {
            name: spec.name.trim(),
            template_id: template.id,
            period: &period.code(),
            deadline,
            reviewer: &spec.reviewer,
            audience: &audience,
            demo: spec.demo,
        };
        let id = store::insert_round(conn, &new, now)?;
        if !store::freeze_template(conn, template.id, &template.definition)? {
            return Err(AppError::Conflict(
                "Skjemaet ble endret mens runden ble åpnet. Se over skjemaet og prøv igjen.".into(),
            ));
        }
        store::insert_expected(conn, id, &orgs, now)?;
        let after = serde_json::json!({
            "navn": spec.name.trim(), "skjema": format!("{} v{}", template.code, template.version),
            "periode": period.code(), "frist": deadline, "vurderer": spec.reviewer, "mottakere": orgs.len(),
        });
        let change = Change {
            action: "åpnet",
            record_type: "runde",
            record_id: id.to_string(),
            before: None,
            after: Some(after),
        };
        audit::record(conn, author, now, change)?;
        Ok(id)
    })
}

pub fn org_unit(org: &OrgRow) -> Option<OrgUnit> {
    org_unit_of(&org.kind, &org.id)
}

/// An org unit as stored (kind "municipality" or "collaboration", and its number or id).
pub fn org_unit_of(kind: &str, id: &str) -> Option<OrgUnit> {
    match kind {
        "municipality" => MunicipalityNumber::parse(id).ok().map(OrgUnit::Municipality),
        "collaboration" => id.parse().ok().map(OrgUnit::Collaboration),
        _ => None,
    }
}

/// The offices whose area an org unit lies in.
pub fn org_offices(conn: &mut DbConnection, org: &OrgRow) -> Result<Vec<String>, StoreError> {
    let layout = Layout::from_year(org.layout).unwrap_or(Layout::CURRENT);
    Ok(match org.kind.as_str() {
        "municipality" => registry::office_of_municipality(conn, layout, &org.id)?.into_iter().collect(),
        _ => match org.id.parse() {
            Ok(id) => collaborations::get(conn, id)?.and_then(|c| c.host_office).into_iter().collect(),
            Err(_) => Vec::new(),
        },
    })
}

/// Whether the actor may act on a submission, from its row, its round and the offices whose
/// area its org unit lies in.
pub fn may_on_row(
    actor: Option<&Actor>,
    action: Action,
    round: &RoundRow,
    s: &SubmissionRow,
    offices: &[String],
) -> bool {
    let Some(org) = org_unit(&s.org) else { return false };
    let state = State::from_code(&s.state).unwrap_or(State::Draft);
    let facts = SubmissionFacts {
        org: &org,
        offices,
        reviewed_by_county: round.reviewer == REVIEWER_COUNTY,
        draft: !state.delivered() && s.submitted_at.is_none(),
    };
    may(actor, action, &Resource::Submission(facts))
}

/// For a list of a round's submissions: on which the actor may take `action`. Reads the offices
/// once per layout instead of once per submission.
pub fn permitted_in_round(
    conn: &mut DbConnection,
    actor: Option<&Actor>,
    action: Action,
    round: &RoundRow,
    submissions: &[SubmissionRow],
) -> Result<Vec<bool>, StoreError> {
    let mut offices_by_layout: std::collections::BTreeMap<i32, std::collections::BTreeMap<String, String>> =
        Default::default();
    let mut out = Vec::with_capacity(submissions.len());
    for s in submissions {
        let offices: Vec<String> = if s.org.kind == "municipality" {
            if let std::collections::btree_map::Entry::Vacant(slot) = offices_by_layout.entry(s.org.layout) {
                let layout = Layout::from_year(s.org.layout).unwrap_or(Layout::CURRENT);
                slot.insert(registry::offices_by_municipality(conn, layout)?);
            }
            offices_by_layout.get(&s.org.layout).and_then(|m| m.get(&s.org.id)).cloned().into_iter().collect()
        } else {
            org_offices(conn, &s.org)?
        };
        out.push(may_on_row(actor, action, round, s, &offices));
    }
    Ok(out)
}

/// A submission with everything a page needs to show it and decide access.
pub struct Loaded {
    pub submission: SubmissionRow,
    pub round: RoundRow,
    pub template: TemplateRow,
    pub offices: Vec<String>,
    pub state: State,
    pub answers: Answers,
    /// The stored files the answers refer to, by SHA-256.
    pub files: std::collections::BTreeMap<String, files::FileInfo>,
    /// Target figures from the org unit's grants: (scheme, year, figure), read against the answers.
    pub targets: Vec<(String, i32, samveis_domain::grants::TargetFigure)>,
}

impl Loaded {
    pub fn may(&self, actor: Option<&Actor>, action: Action) -> bool {
        may_on_row(actor, action, &self.round, &self.submission, &self.offices)
    }

    pub fn delivery(&self, today: NaiveDate) -> Delivery {
        let at = if self.state.delivered() { self.submission.submitted_at } else { None };
        Delivery::of(at, self.round.deadline, today)
    }
}

pub fn load(conn: &mut DbConnection, id: i64) -> Result<Loaded, AppError> {
    let not_found = || AppError::NotFound(format!("Fant ikke innlevering {id}."));
    let submission = store::submission(conn, id)?.ok_or_else(not_found)?;
    let round = store::round(conn, submission.round_id)?.ok_or_else(not_found)?;
    let template = store::template(conn, round.template_id)?.ok_or_else(not_found)?;
    let offices = org_offices(conn, &submission.org)?;
    let state = State::from_code(&submission.state)
        .ok_or_else(|| AppError::Internal(format!("ukjent tilstand {}", submission.state)))?;
    let answers: Answers = serde_json::from_str(&submission.answers).map_err(|e| AppError::Internal(e.to_string()))?;
    let has_files = answers.values().any(|a| matches!(a, domain::Answer::File(_)));
    let files = if has_files { files::infos(conn, files::OWNER_SUBMISSION, id)? } else { Default::default() };
    let targets = crate::grants::targets_for(conn, &submission.org.kind, &submission.org.id)?;
    Ok(Loaded { submission, round, template, offices, state, answers, files, targets })
}

/// Loads a submission the actor may see; others get 403 (and 404 where it does not exist).
pub fn load_visible(conn: &mut DbConnection, actor: Option<&Actor>, id: i64) -> Result<Loaded, AppError> {
    let loaded = load(conn, id)?;
    if loaded.may(actor, Action::ViewSubmission) { Ok(loaded) } else { Err(AppError::Forbidden) }
}

/// Why saving a submission did not happen.
#[derive(Debug)]
pub enum SaveError {
    Invalid(Vec<FieldError>),
    Refused(AppError),
}

impl<E: Into<AppError>> From<E> for SaveError {
    fn from(e: E) -> Self {
        SaveError::Refused(e.into())
    }
}

fn transition_error(e: domain::TransitionError) -> AppError {
    AppError::BadRequest(capitalized(&e.to_string()))
}

/// The org unit saves (`submit` false) or sends in (`submit` true) its answers.
#[allow(clippy::too_many_arguments)] // one use case: who, when, which record and version, what
pub fn save(
    conn: &mut DbConnection,
    actor: &Actor,
    author: &Author,
    now: NaiveDateTime,
    id: i64,
    expected_version: i64,
    raw: &RawAnswers,
    submit: bool,
) -> Result<(), SaveError> {
    conn.transaction(|conn| {
        let loaded = load(conn, id)?;
        if !loaded.may(Some(actor), Action::EditSubmission) {
            return Err(AppError::Forbidden.into());
        }
        let event = if submit { Event::Submit } else { Event::Save };
        let next = loaded.state.after(&event).map_err(transition_error)?;
        let mut answers = domain::parse(&loaded.template.template, raw).map_err(SaveError::Invalid)?;
        keep_files(&loaded, &mut answers);
        if submit {
            let missing = domain::missing_required(&loaded.template.template, &answers);
            if !missing.is_empty() {
                return Err(SaveError::Invalid(missing));
            }
        }
        let json = serde_json::to_string(&answers).map_err(|e| AppError::Internal(e.to_string()))?;
        let update = store::SubmissionUpdate {
            state: next.code(),
            answers: &json,
            submitted_at: if submit { Some(now) } else { loaded.submission.submitted_at },
            reviewer_comment: &loaded.submission.reviewer_comment,
        };
        if loaded.submission.version != expected_version
            || !store::update_submission(conn, id, expected_version, &update, now)?
        {
            return Err(AppError::Conflict(VERSION_CONFLICT.into()).into());
        }
        let change = Change {
            action: if submit { "sendt inn" } else { "lagret" },
            record_type: "innlevering",
            record_id: id.to_string(),
            before: serde_json::to_value(&loaded.answers).ok(),
            after: serde_json::to_value(&answers).ok(),
        };
        audit::record(conn, author, now, change)?;
        Ok(())
    })
}

/// Files change only through an upload (`files::attach`): a form or API write keeps the stored
/// ones, so nobody can point a field at a file they have not uploaded and then read it.
fn keep_files(loaded: &Loaded, answers: &mut Answers) {
    for f in loaded.template.template.fields().filter(|f| f.kind == domain::FieldKind::File) {
        match loaded.answers.get(&f.code) {
            Some(stored) => answers.insert(f.code.clone(), stored.clone()),
            None => answers.remove(&f.code),
        };
    }
}

/// The reviewer accepts, returns or reopens a submission.
#[allow(clippy::too_many_arguments)] // one use case: who, when, which record and version, what
pub fn review(
    conn: &mut DbConnection,
    actor: &Actor,
    author: &Author,
    now: NaiveDateTime,
    id: i64,
    expected_version: i64,
    event: &Event,
) -> Result<(), AppError> {
    conn.transaction(|conn| {
        let loaded = load(conn, id)?;
        if !loaded.may(Some(actor), Action::ReviewSubmission) {
            return Err(AppError::Forbidden);
        }
        let next = loaded.state.after(event).map_err(transition_error)?;
        let (action, comment) = match event {
            Event::Accept => ("godkjent", loaded.submission.reviewer_comment.clone()),
            Event::Return { comment } => ("sendt tilbake", comment.trim().to_string()),
            Event::Reopen { reason } => ("åpnet igjen", reason.trim().to_string()),
            Event::Save | Event::Submit => return Err(AppError::BadRequest("Ukjent vurdering.".into())),
        };
        let update = store::SubmissionUpdate {
            state: next.code(),
            answers: &loaded.submission.answers,
            submitted_at: loaded.submission.submitted_at,
            reviewer_comment: &comment,
        };
        if loaded.submission.version != expected_version
            || !store::update_submission(conn, id, expected_version, &update, now)?
        {
            return Err(AppError::Conflict(VERSION_CONFLICT.into()));
        }
        let state = |s: State, c: &str| serde_json::json!({"tilstand": s.code(), "kommentar": c});
        let change = Change {
            action,
            record_type: "innlevering",
            record_id: id.to_string(),
            before: Some(state(loaded.state, &loaded.submission.reviewer_comment)),
            after: Some(state(next, &comment)),
        };
        audit::record(conn, author, now, change)?;
        Ok(())
    })
}

/// How to break completeness down.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Breakdown {
    County,
    SizeClass,
    /// By the collaborations an org unit belongs to on the deadline (a municipality may be in
    /// several; a collaboration answering for itself is its own group).
    Collaboration,
}

/// The names of the collaborations each municipality belongs to on `day`, by (layout, number).
fn memberships(
    conn: &mut DbConnection,
    day: NaiveDate,
) -> Result<std::collections::BTreeMap<(i32, String), Vec<String>>, StoreError> {
    let mut out: std::collections::BTreeMap<(i32, String), Vec<String>> = Default::default();
    let active: Vec<_> = collaborations::list(conn)?.into_iter().filter(|c| c.is_active_on(day)).collect();
    for c in &active {
        let Some(detail) = collaborations::get(conn, c.id)? else { continue };
        // Two collaborations may share a name (in different layouts): keep them apart.
        let twins = active.iter().filter(|o| o.name == c.name).count() > 1;
        let label = if twins { format!("{} ({})", c.name, c.layout.year()) } else { c.name.clone() };
        for m in detail.members {
            out.entry((c.layout.year(), m.number)).or_default().push(label.clone());
        }
    }
    Ok(out)
}

/// Completeness of a round by county or size class (through the host for collaborations).
pub fn completeness(
    conn: &mut DbConnection,
    round: &RoundRow,
    today: NaiveDate,
    by: Breakdown,
) -> Result<Vec<CompletenessRow>, StoreError> {
    let submissions = store::submissions_of_round(conn, round.id)?;
    if by == Breakdown::Collaboration {
        let members = memberships(conn, round.deadline)?;
        let items: Vec<(Delivery, Vec<String>)> = submissions
            .iter()
            .map(|s| {
                let state = State::from_code(&s.state).unwrap_or(State::Draft);
                let at = if state.delivered() { s.submitted_at } else { None };
                let groups = match s.org.kind.as_str() {
                    "municipality" => members.get(&(s.org.layout, s.org.id.clone())).cloned().unwrap_or_default(),
                    _ => vec![s.org.name.clone()],
                };
                (Delivery::of(at, round.deadline, today), groups)
            })
            .collect();
        let borrowed: Vec<(Delivery, &[String])> = items.iter().map(|(d, g)| (*d, g.as_slice())).collect();
        return Ok(domain::completeness_by_membership(&borrowed, "Ikke i noe samarbeid"));
    }
    // One lookup table per layout, not one registry read per submission.
    let mut rows: std::collections::BTreeMap<i32, std::collections::BTreeMap<String, MunicipalityRow>> =
        Default::default();
    let mut expected = Vec::new();
    for s in &submissions {
        let state = State::from_code(&s.state).unwrap_or(State::Draft);
        let at = if state.delivered() { s.submitted_at } else { None };
        if let std::collections::btree_map::Entry::Vacant(slot) = rows.entry(s.org.layout) {
            let layout = Layout::from_year(s.org.layout).unwrap_or(Layout::CURRENT);
            slot.insert(
                registry::municipality_rows(conn, layout)?.into_iter().map(|r| (r.number.to_string(), r)).collect(),
            );
        }
        let number = match s.org.kind.as_str() {
            "municipality" => Some(s.org.id.clone()),
            _ => match s.org.id.parse() {
                Ok(id) => collaborations::get(conn, id)?.map(|c| c.summary.host_number),
                Err(_) => None,
            },
        };
        let row = number.and_then(|n| rows.get(&s.org.layout).and_then(|m| m.get(&n)));
        let group = match (by, row) {
            (Breakdown::County, Some(r)) => r.county_name.clone(),
            (Breakdown::SizeClass, Some(r)) => r.size_class.map_or("Ukjent", |c| c.label()).to_string(),
            (Breakdown::Collaboration, _) | (_, None) => "Ukjent".to_string(),
        };
        expected.push(Expected { delivery: Delivery::of(at, round.deadline, today), groups: vec![group] });
    }
    Ok(domain::group_completeness(&expected, 0))
}

/// Loads the built-in templates at start (idempotent).
pub fn ensure_templates(conn: &mut DbConnection, now: NaiveDateTime) -> Result<(), StoreError> {
    store::ensure_builtin_templates(conn, now)
}

/// Survey results of a round: per choice question and option, the count and the share of those
/// who answered, overall or by county or size class. Only delivered answers count.
pub fn survey_results(
    conn: &mut DbConnection,
    round: &RoundRow,
    by: Option<Breakdown>,
) -> Result<Vec<domain::OptionResult>, AppError> {
    let template = store::template(conn, round.template_id)?
        .ok_or_else(|| AppError::NotFound(format!("Fant ikke skjemaet til runde {}.", round.id)))?;
    let mut rows: std::collections::BTreeMap<i32, std::collections::BTreeMap<String, MunicipalityRow>> =
        Default::default();
    let mut responses = Vec::new();
    for s in store::submissions_of_round(conn, round.id)? {
        if !State::from_code(&s.state).is_some_and(State::delivered) {
            continue;
        }
        let answers: Answers = serde_json::from_str(&s.answers).map_err(|e| AppError::Internal(e.to_string()))?;
        if let std::collections::btree_map::Entry::Vacant(slot) = rows.entry(s.org.layout) {
            let layout = Layout::from_year(s.org.layout).unwrap_or(Layout::CURRENT);
            slot.insert(
                registry::municipality_rows(conn, layout)?.into_iter().map(|r| (r.number.to_string(), r)).collect(),
            );
        }
        let row = rows.get(&s.org.layout).and_then(|m| m.get(&s.org.id));
        let county = row.map_or("Ukjent".to_string(), |r| r.county_name.clone());
        let size = row.and_then(|r| r.size_class).map_or("Ukjent", |c| c.label()).to_string();
        responses.push(domain::SurveyResponse { groups: vec![county, size], answers });
    }
    let dimension = match by {
        None => None,
        Some(Breakdown::County) => Some(0),
        Some(Breakdown::SizeClass) => Some(1),
        Some(Breakdown::Collaboration) => {
            return Err(AppError::BadRequest("Resultatene kan fordeles etter fylke eller størrelse.".into()));
        }
    };
    Ok(domain::option_results(&template.template, &responses, dimension))
}
