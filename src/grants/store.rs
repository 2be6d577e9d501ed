//! Grant storage: schemes, frames with their county allocations, applications, decisions and
//! the ledger. Plain reads and writes; the rules are in `samveis_domain::grants`.

use crate::db::schema::{
    county_allocations, grant_applications, grant_decisions, grant_frames, grant_schemes, historic_grant_keys,
    ledger_entries,
};
use crate::db::{DbConnection, StoreResult};
use chrono::{NaiveDate, NaiveDateTime};
use diesel::prelude::*;
use samveis_domain::grants::{AidType, Allocation, ApplicationState, EntryKind, LedgerEntry, TargetFigure};
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Scheme {
    pub id: i64,
    pub name: String,
    /// Programme office, KS or a county governor.
    pub owner: String,
    pub budget_chapter: String,
    pub budget_post: String,
    /// municipalities | projects | undertakings
    pub recipients: String,
    pub rules: String,
    pub first_year: i32,
    pub last_year: Option<i32>,
    pub closed: bool,
    pub version: i64,
    pub terms: SchemeTerms,
    /// The last day an application can be sent in; none: no deadline.
    #[schema(value_type = Option<String>)]
    pub application_deadline: Option<NaiveDate>,
    /// What a sent application must hold.
    pub requires: Requirements,
    /// Attestation and authorisation of a payment by two different people (Reglement for
    /// økonomistyring i staten); on for every state scheme unless the programme office turns it off.
    pub four_eyes: bool,
}

/// What a scheme requires of a sent application beyond the amount and the purpose.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct Requirements {
    pub budget: bool,
    pub plan: bool,
    /// The anchoring document (the political or administrative decision) attached.
    pub anchoring: bool,
}

/// What a scheme's grant letters say beyond the grant: who decides, on what legal basis, how the
/// grant is paid and by when it must be accepted.
#[derive(Debug, Clone, Default, PartialEq, Serialize, utoipa::ToSchema)]
pub struct SchemeTerms {
    /// The owner: a key of `data/registry/myndigheter.csv` ("helsedirektoratet", "ks").
    pub authority: String,
    /// Statsforvalteren of the applicant's county decides the grants (else the owner does).
    pub county_decides: bool,
    /// The rules and budget chapter/post the grants are given under; empty when not known.
    pub legal_basis: String,
    /// How the grant is paid out; empty when the scheme does not say.
    pub payment_terms: String,
    /// What the recipient reports, and when; empty: the reporting rounds in Samveis.
    pub reporting: String,
    /// The acceptance deadline: a date, or a number of weeks after the decision.
    pub accept_by: Option<NaiveDate>,
    pub accept_weeks: Option<i32>,
}

impl SchemeTerms {
    /// The acceptance deadline of a grant decided on `decided_on`: the scheme's date, or its
    /// number of weeks after the decision; none when the scheme gives neither.
    pub fn accept_by(&self, decided_on: NaiveDate) -> Option<NaiveDate> {
        self.accept_by.or_else(|| self.accept_weeks.map(|w| decided_on + chrono::Duration::weeks(i64::from(w))))
    }
}

type SchemeTuple = (i64, String, String, String, String, String, String, i32, Option<i32>, bool, i64);
type TermsTuple = (String, bool, String, String, String, Option<NaiveDate>, Option<i32>);
type RequiresTuple = (Option<NaiveDate>, bool, bool, bool, bool);

fn scheme_of((t, terms, rest): (SchemeTuple, TermsTuple, RequiresTuple)) -> Scheme {
    let (id, name, owner, budget_chapter, budget_post, recipients, rules, first_year, last_year, closed, version) = t;
    let (authority, county_decides, legal_basis, payment_terms, reporting, accept_by, accept_weeks) = terms;
    let terms =
        SchemeTerms { authority, county_decides, legal_basis, payment_terms, reporting, accept_by, accept_weeks };
    let (application_deadline, budget, plan, anchoring, four_eyes) = rest;
    let requires = Requirements { budget, plan, anchoring };
    Scheme {
        id,
        name,
        owner,
        budget_chapter,
        budget_post,
        recipients,
        rules,
        first_year,
        last_year,
        closed,
        version,
        terms,
        application_deadline,
        requires,
        four_eyes,
    }
}

macro_rules! scheme_columns {
    () => {
        (
            (
                grant_schemes::id,
                grant_schemes::name,
                grant_schemes::owner,
                grant_schemes::budget_chapter,
                grant_schemes::budget_post,
                grant_schemes::recipients,
                grant_schemes::rules,
                grant_schemes::first_year,
                grant_schemes::last_year,
                grant_schemes::closed,
                grant_schemes::version,
            ),
            (
                grant_schemes::authority,
                grant_schemes::county_decides,
                grant_schemes::legal_basis,
                grant_schemes::payment_terms,
                grant_schemes::reporting,
                grant_schemes::accept_by,
                grant_schemes::accept_weeks,
            ),
            (
                grant_schemes::application_deadline,
                grant_schemes::requires_budget,
                grant_schemes::requires_plan,
                grant_schemes::requires_anchoring,
                grant_schemes::four_eyes,
            ),
        )
    };
}

pub struct NewScheme<'a> {
    pub name: &'a str,
    pub owner: &'a str,
    pub budget_chapter: &'a str,
    pub budget_post: &'a str,
    pub recipients: &'a str,
    pub rules: &'a str,
    pub first_year: i32,
    pub last_year: Option<i32>,
    pub terms: &'a SchemeTerms,
    pub application_deadline: Option<NaiveDate>,
    pub requires: Requirements,
    pub four_eyes: bool,
}

pub fn insert_scheme(conn: &mut DbConnection, s: &NewScheme, now: NaiveDateTime) -> StoreResult<i64> {
    Ok(diesel::insert_into(grant_schemes::table)
        .values((
            grant_schemes::name.eq(s.name),
            grant_schemes::owner.eq(s.owner),
            grant_schemes::budget_chapter.eq(s.budget_chapter),
            grant_schemes::budget_post.eq(s.budget_post),
            grant_schemes::recipients.eq(s.recipients),
            grant_schemes::rules.eq(s.rules),
            grant_schemes::first_year.eq(s.first_year),
            grant_schemes::last_year.eq(s.last_year),
            grant_schemes::closed.eq(false),
            grant_schemes::version.eq(1),
            grant_schemes::created_at.eq(now),
            grant_schemes::authority.eq(&s.terms.authority),
            grant_schemes::county_decides.eq(s.terms.county_decides),
            grant_schemes::legal_basis.eq(&s.terms.legal_basis),
            grant_schemes::payment_terms.eq(&s.terms.payment_terms),
            grant_schemes::reporting.eq(&s.terms.reporting),
            grant_schemes::accept_by.eq(s.terms.accept_by),
            grant_schemes::accept_weeks.eq(s.terms.accept_weeks),
            grant_schemes::application_deadline.eq(s.application_deadline),
            grant_schemes::requires_budget.eq(s.requires.budget),
            grant_schemes::requires_plan.eq(s.requires.plan),
            grant_schemes::requires_anchoring.eq(s.requires.anchoring),
            grant_schemes::four_eyes.eq(s.four_eyes),
        ))
        .returning(grant_schemes::id)
        .get_result(conn)?)
}

/// A closed scheme takes no applications and no new decisions.
pub fn close_scheme(conn: &mut DbConnection, id: i64) -> StoreResult<()> {
    diesel::update(grant_schemes::table.find(id)).set(grant_schemes::closed.eq(true)).execute(conn)?;
    Ok(())
}

pub fn schemes(conn: &mut DbConnection) -> StoreResult<Vec<Scheme>> {
    let rows: Vec<(SchemeTuple, TermsTuple, RequiresTuple)> =
        grant_schemes::table.select(scheme_columns!()).order(grant_schemes::first_year.desc()).load(conn)?;
    Ok(rows.into_iter().map(scheme_of).collect())
}

pub fn scheme(conn: &mut DbConnection, id: i64) -> StoreResult<Option<Scheme>> {
    let row: Option<(SchemeTuple, TermsTuple, RequiresTuple)> =
        grant_schemes::table.find(id).select(scheme_columns!()).first(conn).optional()?;
    Ok(row.map(scheme_of))
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Frame {
    pub id: i64,
    pub scheme_id: i64,
    pub year: i32,
    pub amount: i64,
    pub layout: i32,
    pub population_year: Option<i32>,
    /// The key, as `population=50,municipalities=50,equal=0`; none for a distribution by hand.
    pub weights: Option<String>,
}

type FrameTuple = (i64, i64, i32, i64, i32, Option<i32>, Option<String>);

pub fn frames_of(conn: &mut DbConnection, scheme_id: i64) -> StoreResult<Vec<Frame>> {
    let rows: Vec<FrameTuple> = grant_frames::table
        .filter(grant_frames::scheme_id.eq(scheme_id))
        .select((
            grant_frames::id,
            grant_frames::scheme_id,
            grant_frames::year,
            grant_frames::amount,
            grant_frames::layout,
            grant_frames::population_year,
            grant_frames::weights,
        ))
        .order(grant_frames::year.desc())
        .load(conn)?;
    Ok(rows
        .into_iter()
        .map(|(id, scheme_id, year, amount, layout, population_year, weights)| Frame {
            id,
            scheme_id,
            year,
            amount,
            layout,
            population_year,
            weights,
        })
        .collect())
}

/// Saves a year's frame and its allocations, replacing what was saved for that year.
pub fn put_frame(
    conn: &mut DbConnection,
    f: &Frame,
    allocations: &[Allocation],
    now: NaiveDateTime,
) -> StoreResult<i64> {
    let old: Option<i64> = grant_frames::table
        .filter(grant_frames::scheme_id.eq(f.scheme_id))
        .filter(grant_frames::year.eq(f.year))
        .select(grant_frames::id)
        .first(conn)
        .optional()?;
    if let Some(old) = old {
        diesel::delete(county_allocations::table.filter(county_allocations::frame_id.eq(old))).execute(conn)?;
        diesel::delete(grant_frames::table.find(old)).execute(conn)?;
    }
    let id: i64 = diesel::insert_into(grant_frames::table)
        .values((
            grant_frames::scheme_id.eq(f.scheme_id),
            grant_frames::year.eq(f.year),
            grant_frames::amount.eq(f.amount),
            grant_frames::layout.eq(f.layout),
            grant_frames::population_year.eq(f.population_year),
            grant_frames::weights.eq(&f.weights),
            grant_frames::created_at.eq(now),
        ))
        .returning(grant_frames::id)
        .get_result(conn)?;
    for a in allocations {
        diesel::insert_into(county_allocations::table)
            .values((
                county_allocations::frame_id.eq(id),
                county_allocations::county_number.eq(&a.county_number),
                county_allocations::county_name.eq(&a.county_name),
                county_allocations::amount.eq(a.amount),
            ))
            .execute(conn)?;
    }
    Ok(id)
}

pub fn allocations_of(conn: &mut DbConnection, frame_id: i64) -> StoreResult<Vec<Allocation>> {
    let rows: Vec<(String, String, Option<i64>)> = county_allocations::table
        .filter(county_allocations::frame_id.eq(frame_id))
        .select((county_allocations::county_number, county_allocations::county_name, county_allocations::amount))
        .order(county_allocations::county_number.asc())
        .load(conn)?;
    Ok(rows
        .into_iter()
        .map(|(county_number, county_name, amount)| Allocation { county_number, county_name, amount })
        .collect())
}

#[derive(Debug, Clone, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Application {
    pub id: i64,
    pub scheme_id: i64,
    pub year: i32,
    /// municipality | collaboration | county
    pub applicant_kind: String,
    pub applicant_id: String,
    pub applicant_name: String,
    pub layout: i32,
    pub county_number: String,
    pub applied: Option<i64>,
    pub own_financing: Option<i64>,
    /// Other de minimis aid the applicant declares for the last three years (kr).
    pub declared_other_aid: Option<i64>,
    pub purpose: String,
    pub technologies: String,
    pub target_group: String,
    pub political_anchoring: bool,
    pub administrative_anchoring: bool,
    pub budget: String,
    pub plan: String,
    #[schema(value_type = String, example = "submitted")]
    pub state: ApplicationState,
    /// Loaded from the source documents, not applied for in Samveis.
    pub historic: bool,
    #[schema(value_type = Option<String>)]
    pub submitted_at: Option<NaiveDateTime>,
    pub version: i64,
}

/// What the applicant writes: amounts, texts and the anchoring.
type ApplicationBody = (Option<i64>, Option<i64>, Option<i64>, String, String, String, bool, bool, String, String);

/// An application as read: the state is checked against the codes the domain knows.
#[derive(Queryable)]
struct ApplicationRow {
    head: (i64, i64, i32, String, String, String, i32, String),
    body: ApplicationBody,
    #[diesel(deserialize_as = String)]
    state: ApplicationState,
    historic: bool,
    submitted_at: Option<NaiveDateTime>,
    version: i64,
}

impl From<ApplicationRow> for Application {
    fn from(row: ApplicationRow) -> Application {
        let (id, scheme_id, year, applicant_kind, applicant_id, applicant_name, layout, county_number) = row.head;
        let (
            applied,
            own_financing,
            declared_other_aid,
            purpose,
            technologies,
            target_group,
            political_anchoring,
            administrative_anchoring,
            budget,
            plan,
        ) = row.body;
        Application {
            id,
            scheme_id,
            year,
            applicant_kind,
            applicant_id,
            applicant_name,
            layout,
            county_number,
            applied,
            own_financing,
            declared_other_aid,
            purpose,
            technologies,
            target_group,
            political_anchoring,
            administrative_anchoring,
            budget,
            plan,
            state: row.state,
            historic: row.historic,
            submitted_at: row.submitted_at,
            version: row.version,
        }
    }
}

macro_rules! application_columns {
    () => {
        (
            (
                grant_applications::id,
                grant_applications::scheme_id,
                grant_applications::year,
                grant_applications::applicant_kind,
                grant_applications::applicant_id,
                grant_applications::applicant_name,
                grant_applications::layout,
                grant_applications::county_number,
            ),
            (
                grant_applications::applied,
                grant_applications::own_financing,
                grant_applications::declared_other_aid,
                grant_applications::purpose,
                grant_applications::technologies,
                grant_applications::target_group,
                grant_applications::political_anchoring,
                grant_applications::administrative_anchoring,
                grant_applications::budget,
                grant_applications::plan,
            ),
            grant_applications::state,
            grant_applications::historic,
            grant_applications::submitted_at,
            grant_applications::version,
        )
    };
}

/// The columns an applicant writes, and the state; the same for a new and a changed application.
macro_rules! application_content {
    ($a:expr) => {
        (
            (
                grant_applications::applied.eq($a.applied),
                grant_applications::own_financing.eq($a.own_financing),
                grant_applications::declared_other_aid.eq($a.declared_other_aid),
                grant_applications::purpose.eq(&$a.purpose),
                grant_applications::technologies.eq(&$a.technologies),
                grant_applications::target_group.eq(&$a.target_group),
                grant_applications::political_anchoring.eq($a.political_anchoring),
                grant_applications::administrative_anchoring.eq($a.administrative_anchoring),
            ),
            (
                grant_applications::budget.eq(&$a.budget),
                grant_applications::plan.eq(&$a.plan),
                grant_applications::state.eq($a.state.code()),
                grant_applications::submitted_at.eq($a.submitted_at),
            ),
        )
    };
}

pub fn insert_application(conn: &mut DbConnection, a: &Application, now: NaiveDateTime) -> StoreResult<i64> {
    Ok(diesel::insert_into(grant_applications::table)
        .values((
            (
                grant_applications::scheme_id.eq(a.scheme_id),
                grant_applications::year.eq(a.year),
                grant_applications::applicant_kind.eq(&a.applicant_kind),
                grant_applications::applicant_id.eq(&a.applicant_id),
                grant_applications::applicant_name.eq(&a.applicant_name),
                grant_applications::layout.eq(a.layout),
                grant_applications::county_number.eq(&a.county_number),
                grant_applications::historic.eq(a.historic),
            ),
            application_content!(a),
            (
                grant_applications::version.eq(1),
                grant_applications::created_at.eq(now),
                grant_applications::updated_at.eq(now),
            ),
        ))
        .returning(grant_applications::id)
        .get_result(conn)?)
}

/// Writes an application's content and state if it is still at `expected` version.
pub fn update_application(
    conn: &mut DbConnection,
    a: &Application,
    expected: i64,
    now: NaiveDateTime,
) -> StoreResult<bool> {
    let n = diesel::update(grant_applications::table.find(a.id).filter(grant_applications::version.eq(expected)))
        .set((
            application_content!(a),
            (grant_applications::version.eq(expected + 1), grant_applications::updated_at.eq(now)),
        ))
        .execute(conn)?;
    Ok(n == 1)
}

pub fn applications_of(conn: &mut DbConnection, scheme_id: i64) -> StoreResult<Vec<Application>> {
    let rows: Vec<ApplicationRow> = grant_applications::table
        .filter(grant_applications::scheme_id.eq(scheme_id))
        .select(application_columns!())
        .order((
            grant_applications::year.desc(),
            grant_applications::county_number.asc(),
            grant_applications::applicant_name.asc(),
        ))
        .load(conn)?;
    Ok(rows.into_iter().map(Application::from).collect())
}

pub fn applications_of_applicant(conn: &mut DbConnection, kind: &str, id: &str) -> StoreResult<Vec<Application>> {
    let rows: Vec<ApplicationRow> = grant_applications::table
        .filter(grant_applications::applicant_kind.eq(kind))
        .filter(grant_applications::applicant_id.eq(id))
        .select(application_columns!())
        .order(grant_applications::id.desc())
        .load(conn)?;
    Ok(rows.into_iter().map(Application::from).collect())
}

/// The work on applications, never historic ones: those sent in and not decided yet, and those
/// with the given ids (the grants whose payment requests wait).
pub fn applications_at_work(conn: &mut DbConnection, ids: &[i64]) -> StoreResult<Vec<Application>> {
    let rows: Vec<ApplicationRow> = grant_applications::table
        .filter(grant_applications::historic.eq(false))
        .filter(grant_applications::state.eq(ApplicationState::Submitted.code()).or(grant_applications::id.eq_any(ids)))
        .select(application_columns!())
        .order(grant_applications::id.asc())
        .load(conn)?;
    Ok(rows.into_iter().map(Application::from).collect())
}

pub fn application(conn: &mut DbConnection, id: i64) -> StoreResult<Option<Application>> {
    let row: Option<ApplicationRow> =
        grant_applications::table.find(id).select(application_columns!()).first(conn).optional()?;
    Ok(row.map(Application::from))
}

/// The draft an org unit already has for a scheme and year, if any.
pub fn draft_of(conn: &mut DbConnection, a: &Application) -> StoreResult<Option<i64>> {
    Ok(grant_applications::table
        .filter(grant_applications::scheme_id.eq(a.scheme_id))
        .filter(grant_applications::year.eq(a.year))
        .filter(grant_applications::applicant_kind.eq(&a.applicant_kind))
        .filter(grant_applications::applicant_id.eq(&a.applicant_id))
        .filter(grant_applications::state.eq(ApplicationState::Draft.code()))
        .select(grant_applications::id)
        .order(grant_applications::id.asc())
        .first(conn)
        .optional()?)
}

/// Takes the write lock on a scheme's row, so that two drafts started at once are checked one
/// after the other (PostgreSQL locks the row; SQLite the database).
pub fn lock_scheme(conn: &mut DbConnection, scheme_id: i64) -> StoreResult<()> {
    diesel::update(grant_schemes::table.find(scheme_id)).set(grant_schemes::id.eq(scheme_id)).execute(conn)?;
    Ok(())
}

/// Deletes a draft at the version its owner saw; false when it is no longer that draft.
pub fn delete_draft(conn: &mut DbConnection, id: i64, expected: i64) -> StoreResult<bool> {
    let n = diesel::delete(
        grant_applications::table
            .find(id)
            .filter(grant_applications::version.eq(expected))
            .filter(grant_applications::state.eq(ApplicationState::Draft.code())),
    )
    .execute(conn)?;
    Ok(n == 1)
}

/// A host's passing on of its grant to a member.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct SubAllocation {
    pub municipality: String,
    pub name: String,
    pub amount: i64,
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Decision {
    pub id: i64,
    pub application_id: i64,
    pub granted: i64,
    pub conditions: String,
    #[schema(value_type = Vec<Object>)]
    pub target_figures: Vec<TargetFigure>,
    pub sub_allocations: Vec<SubAllocation>,
    #[schema(value_type = String, example = "not_state_aid")]
    pub aid_type: AidType,
    pub decided_on: NaiveDate,
    pub reference: String,
    #[schema(value_type = Option<String>)]
    pub accepted_at: Option<NaiveDateTime>,
    /// The authority that made the decision: a key of `data/registry/myndigheter.csv`; empty
    /// for decisions recorded before it was kept (the letter then applies the scheme's rule).
    pub decided_by: String,
    /// The text the target figures were read from, verbatim (historic grants); empty when they
    /// were entered as rows.
    pub target_text: String,
    /// Why the county granted beyond what was left of its frame; empty when it did not.
    pub frame_justification: String,
}

/// A decision as read; the aid type is checked against the codes the domain knows.
#[derive(Queryable)]
struct DecisionRow {
    id: i64,
    application_id: i64,
    granted: i64,
    conditions: String,
    targets: String,
    subs: String,
    #[diesel(deserialize_as = String)]
    aid_type: AidType,
    decided_on: NaiveDate,
    reference: String,
    accepted_at: Option<NaiveDateTime>,
    decided_by: String,
    target_text: String,
    frame_justification: String,
}

/// A stored JSON column that does not read is an error, like an unknown code.
pub(super) fn json<T: serde::de::DeserializeOwned>(text: &str) -> Result<T, diesel::result::Error> {
    serde_json::from_str(text).map_err(|e| diesel::result::Error::DeserializationError(Box::new(e)))
}

impl TryFrom<DecisionRow> for Decision {
    type Error = diesel::result::Error;

    fn try_from(r: DecisionRow) -> Result<Decision, diesel::result::Error> {
        Ok(Decision {
            id: r.id,
            application_id: r.application_id,
            granted: r.granted,
            conditions: r.conditions,
            target_figures: json(&r.targets)?,
            sub_allocations: json(&r.subs)?,
            aid_type: r.aid_type,
            decided_on: r.decided_on,
            reference: r.reference,
            accepted_at: r.accepted_at,
            decided_by: r.decided_by,
            target_text: r.target_text,
            frame_justification: r.frame_justification,
        })
    }
}

macro_rules! decision_columns {
    () => {
        (
            grant_decisions::id,
            grant_decisions::application_id,
            grant_decisions::granted,
            grant_decisions::conditions,
            grant_decisions::target_figures,
            grant_decisions::sub_allocations,
            grant_decisions::aid_type,
            grant_decisions::decided_on,
            grant_decisions::reference,
            grant_decisions::accepted_at,
            grant_decisions::decided_by,
            grant_decisions::target_text,
            grant_decisions::frame_justification,
        )
    };
}

pub fn insert_decision(conn: &mut DbConnection, d: &Decision, now: NaiveDateTime) -> StoreResult<i64> {
    crate::generation::changed(conn)?;
    let targets = serde_json::to_string(&d.target_figures).unwrap_or_else(|_| "[]".into());
    let subs = serde_json::to_string(&d.sub_allocations).unwrap_or_else(|_| "[]".into());
    Ok(diesel::insert_into(grant_decisions::table)
        .values((
            grant_decisions::application_id.eq(d.application_id),
            grant_decisions::granted.eq(d.granted),
            grant_decisions::conditions.eq(&d.conditions),
            grant_decisions::target_figures.eq(targets),
            grant_decisions::sub_allocations.eq(subs),
            grant_decisions::aid_type.eq(d.aid_type.code()),
            grant_decisions::decided_on.eq(d.decided_on),
            grant_decisions::reference.eq(&d.reference),
            grant_decisions::accepted_at.eq(d.accepted_at),
            grant_decisions::created_at.eq(now),
            grant_decisions::decided_by.eq(&d.decided_by),
            grant_decisions::target_text.eq(&d.target_text),
            grant_decisions::frame_justification.eq(&d.frame_justification),
        ))
        .returning(grant_decisions::id)
        .get_result(conn)?)
}

pub fn decision_of_application(conn: &mut DbConnection, application_id: i64) -> StoreResult<Option<Decision>> {
    let row: Option<DecisionRow> = grant_decisions::table
        .filter(grant_decisions::application_id.eq(application_id))
        .select(decision_columns!())
        .first(conn)
        .optional()?;
    Ok(row.map(Decision::try_from).transpose()?)
}

/// When a decision was recorded (UTC).
pub fn decision_made_at(conn: &mut DbConnection, decision_id: i64) -> StoreResult<NaiveDateTime> {
    Ok(grant_decisions::table.find(decision_id).select(grant_decisions::created_at).first(conn)?)
}

/// The decisions of a scheme's applications, by application id.
pub fn decisions_of_scheme(conn: &mut DbConnection, scheme_id: i64) -> StoreResult<Vec<Decision>> {
    let rows: Vec<DecisionRow> = grant_decisions::table
        .inner_join(grant_applications::table)
        .filter(grant_applications::scheme_id.eq(scheme_id))
        .select(decision_columns!())
        .load(conn)?;
    Ok(rows.into_iter().map(Decision::try_from).collect::<Result<_, _>>()?)
}

/// Takes the write lock on a grant's decision row before its balance is read, so two payments
/// at once are checked one after the other (PostgreSQL locks the row; SQLite the database).
pub fn lock_grant(conn: &mut DbConnection, application_id: i64) -> StoreResult<()> {
    diesel::update(grant_decisions::table.filter(grant_decisions::application_id.eq(application_id)))
        .set(grant_decisions::application_id.eq(application_id))
        .execute(conn)?;
    Ok(())
}

pub fn mark_accepted(conn: &mut DbConnection, decision_id: i64, at: NaiveDateTime) -> StoreResult<bool> {
    let n = diesel::update(grant_decisions::table.find(decision_id).filter(grant_decisions::accepted_at.is_null()))
        .set(grant_decisions::accepted_at.eq(Some(at)))
        .execute(conn)?;
    Ok(n == 1)
}

/// A ledger entry as read; the kind is checked against the codes the domain knows.
#[derive(Debug, Clone, Serialize, Queryable, utoipa::ToSchema)]
pub struct Entry {
    pub id: i64,
    pub decision_id: i64,
    #[diesel(deserialize_as = String)]
    #[schema(value_type = String, example = "paid")]
    pub kind: EntryKind,
    pub amount: i64,
    pub entry_date: NaiveDate,
    pub note: String,
    pub reverses: Option<i64>,
    pub demo: bool,
}

impl Entry {
    pub fn to_domain(&self) -> LedgerEntry {
        LedgerEntry { kind: self.kind, amount: self.amount }
    }
}

pub struct NewEntry<'a> {
    pub decision_id: i64,
    pub kind: EntryKind,
    pub amount: i64,
    pub entry_date: NaiveDate,
    pub note: &'a str,
    pub reverses: Option<i64>,
    pub demo: bool,
}

pub fn insert_entry(conn: &mut DbConnection, e: &NewEntry, now: NaiveDateTime) -> StoreResult<i64> {
    crate::generation::changed(conn)?;
    Ok(diesel::insert_into(ledger_entries::table)
        .values((
            ledger_entries::decision_id.eq(e.decision_id),
            ledger_entries::kind.eq(e.kind.code()),
            ledger_entries::amount.eq(e.amount),
            ledger_entries::entry_date.eq(e.entry_date),
            ledger_entries::note.eq(e.note),
            ledger_entries::reverses.eq(e.reverses),
            ledger_entries::demo.eq(e.demo),
            ledger_entries::created_at.eq(now),
        ))
        .returning(ledger_entries::id)
        .get_result(conn)?)
}

macro_rules! entry_columns {
    () => {
        (
            ledger_entries::id,
            ledger_entries::decision_id,
            ledger_entries::kind,
            ledger_entries::amount,
            ledger_entries::entry_date,
            ledger_entries::note,
            ledger_entries::reverses,
            ledger_entries::demo,
        )
    };
}

pub fn entries_of(conn: &mut DbConnection, decision_id: i64) -> StoreResult<Vec<Entry>> {
    let rows: Vec<Entry> = ledger_entries::table
        .filter(ledger_entries::decision_id.eq(decision_id))
        .select(entry_columns!())
        .order(ledger_entries::id.asc())
        .load(conn)?;
    Ok(rows)
}

pub fn entries_of_scheme(conn: &mut DbConnection, scheme_id: i64) -> StoreResult<Vec<Entry>> {
    let rows: Vec<Entry> = ledger_entries::table
        .inner_join(grant_decisions::table.inner_join(grant_applications::table))
        .filter(grant_applications::scheme_id.eq(scheme_id))
        .select(entry_columns!())
        .order(ledger_entries::id.asc())
        .load(conn)?;
    Ok(rows)
}

/// What makes a historic grant the same grant: scheme, year, recipient and reference.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct HistoricKey {
    pub scheme_id: i64,
    pub year: i32,
    pub applicant_kind: String,
    pub applicant_id: String,
    pub reference: String,
}

/// The application a historic grant was imported as, if it was.
pub fn imported_as(conn: &mut DbConnection, k: &HistoricKey) -> StoreResult<Option<i64>> {
    Ok(historic_grant_keys::table
        .filter(historic_grant_keys::scheme_id.eq(k.scheme_id))
        .filter(historic_grant_keys::year.eq(k.year))
        .filter(historic_grant_keys::applicant_kind.eq(&k.applicant_kind))
        .filter(historic_grant_keys::applicant_id.eq(&k.applicant_id))
        .filter(historic_grant_keys::reference.eq(&k.reference))
        .select(historic_grant_keys::application_id)
        .first(conn)
        .optional()?)
}

/// Notes a historic grant as imported; the primary key refuses it a second time.
pub fn insert_historic_key(
    conn: &mut DbConnection,
    k: &HistoricKey,
    application_id: i64,
    now: NaiveDateTime,
) -> StoreResult<()> {
    diesel::insert_into(historic_grant_keys::table)
        .values((
            historic_grant_keys::scheme_id.eq(k.scheme_id),
            historic_grant_keys::year.eq(k.year),
            historic_grant_keys::applicant_kind.eq(&k.applicant_kind),
            historic_grant_keys::applicant_id.eq(&k.applicant_id),
            historic_grant_keys::reference.eq(&k.reference),
            historic_grant_keys::application_id.eq(application_id),
            historic_grant_keys::imported_at.eq(now),
        ))
        .execute(conn)?;
    Ok(())
}
