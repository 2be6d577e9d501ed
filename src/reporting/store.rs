//! Reporting storage: templates (definitions as JSON), rounds and submissions.

use crate::db::schema::{form_templates, rounds, submissions};
use crate::db::{DbConnection, StoreError, StoreResult};
use crate::per_backend;
use chrono::{NaiveDate, NaiveDateTime};
use diesel::prelude::*;
use samveis_domain::access::OrgUnit;
use samveis_domain::reporting::{FormTemplate, Reviewer, State};

const BUILT_IN: [(&str, &str); 8] = [
    ("statusrapport.json", include_str!("../../data/templates/statusrapport.json")),
    ("teknologistatus.json", include_str!("../../data/templates/teknologistatus.json")),
    ("milepael-m1-gevinster.json", include_str!("../../data/templates/milepael-m1-gevinster.json")),
    ("milepael-m2.json", include_str!("../../data/templates/milepael-m2.json")),
    ("milepael-m3.json", include_str!("../../data/templates/milepael-m3.json")),
    ("milepael-m4.json", include_str!("../../data/templates/milepael-m4.json")),
    ("milepael-m5-tjenestemodell.json", include_str!("../../data/templates/milepael-m5-tjenestemodell.json")),
    ("pandemilosninger-2020.json", include_str!("../../data/templates/pandemilosninger-2020.json")),
];

fn parse_template(file: &str, json: &str) -> StoreResult<FormTemplate> {
    let t: FormTemplate = serde_json::from_str(json).map_err(|e| StoreError::Migration(format!("{file}: {e}")))?;
    t.check().map_err(|errors| {
        let list: Vec<String> = errors.iter().map(ToString::to_string).collect();
        StoreError::Migration(format!("{file}: {}", list.join("; ")))
    })?;
    Ok(t)
}

/// Loads the shipped templates as version 1 where they are missing. Idempotent.
pub fn ensure_builtin_templates(conn: &mut DbConnection, now: NaiveDateTime) -> StoreResult<()> {
    for (file, json) in BUILT_IN {
        let t = parse_template(file, json)?;
        let exists: i64 = form_templates::table
            .filter(form_templates::code.eq(&t.code))
            .filter(form_templates::version.eq(1))
            .count()
            .get_result(conn)?;
        if exists == 0 {
            diesel::insert_into(form_templates::table)
                .values((
                    form_templates::code.eq(&t.code),
                    form_templates::version.eq(1),
                    form_templates::name.eq(&t.name),
                    form_templates::definition.eq(json),
                    form_templates::frozen.eq(false),
                    form_templates::created_at.eq(now),
                ))
                .execute(conn)?;
        }
    }
    Ok(())
}

/// Saves a template as the next version of its code; returns its id.
pub fn insert_template(conn: &mut DbConnection, t: &FormTemplate, now: NaiveDateTime) -> StoreResult<i64> {
    let latest: Option<i32> = form_templates::table
        .filter(form_templates::code.eq(&t.code))
        .select(diesel::dsl::max(form_templates::version))
        .first(conn)?;
    let json = serde_json::to_string(t).map_err(|e| StoreError::Migration(e.to_string()))?;
    Ok(diesel::insert_into(form_templates::table)
        .values((
            form_templates::code.eq(&t.code),
            form_templates::version.eq(latest.unwrap_or(0) + 1),
            form_templates::name.eq(&t.name),
            form_templates::definition.eq(json),
            form_templates::frozen.eq(false),
            form_templates::created_at.eq(now),
        ))
        .returning(form_templates::id)
        .get_result(conn)?)
}

#[derive(Debug, Clone)]
pub struct TemplateRow {
    pub id: i64,
    pub code: String,
    pub version: i32,
    pub name: String,
    pub frozen: bool,
    pub template: FormTemplate,
    /// The stored definition as written; edits are made against it (see `revision`).
    pub definition: String,
}

impl TemplateRow {
    /// Identifies this exact definition: an edit posted against another one is refused.
    pub fn revision(&self) -> String {
        use sha2::{Digest, Sha256};
        hex::encode(&Sha256::digest(self.definition.as_bytes())[..8])
    }
}

type TemplateTuple = (i64, String, i32, String, String, bool);

fn template_row((id, code, version, name, definition, frozen): TemplateTuple) -> StoreResult<TemplateRow> {
    let template = serde_json::from_str(&definition).map_err(|e| StoreError::Migration(format!("skjema {id}: {e}")))?;
    Ok(TemplateRow { id, code, version, name, frozen, template, definition })
}

fn template_columns() -> (
    form_templates::id,
    form_templates::code,
    form_templates::version,
    form_templates::name,
    form_templates::definition,
    form_templates::frozen,
) {
    (
        form_templates::id,
        form_templates::code,
        form_templates::version,
        form_templates::name,
        form_templates::definition,
        form_templates::frozen,
    )
}

pub fn templates(conn: &mut DbConnection) -> StoreResult<Vec<TemplateRow>> {
    let rows: Vec<TemplateTuple> = form_templates::table
        .select(template_columns())
        .order((form_templates::name.asc(), form_templates::version.desc()))
        .load(conn)?;
    rows.into_iter().map(template_row).collect()
}

pub fn template(conn: &mut DbConnection, id: i64) -> StoreResult<Option<TemplateRow>> {
    let row: Option<TemplateTuple> =
        form_templates::table.find(id).select(template_columns()).first(conn).optional()?;
    row.map(template_row).transpose()
}

/// The ids of every version of a form.
pub fn template_ids_of(conn: &mut DbConnection, code: &str) -> StoreResult<Vec<i64>> {
    Ok(form_templates::table.filter(form_templates::code.eq(code)).select(form_templates::id).load(conn)?)
}

pub fn template_by_code(conn: &mut DbConnection, code: &str) -> StoreResult<Option<TemplateRow>> {
    let row: Option<TemplateTuple> = form_templates::table
        .filter(form_templates::code.eq(code))
        .order(form_templates::version.desc())
        .select(template_columns())
        .first(conn)
        .optional()?;
    row.map(template_row).transpose()
}

/// Replaces a template's definition if it is still `old` and not frozen; false when it was not.
pub fn update_template(conn: &mut DbConnection, id: i64, old: &str, new: &FormTemplate) -> StoreResult<bool> {
    let json = serde_json::to_string(new).map_err(|e| StoreError::Migration(e.to_string()))?;
    let n = diesel::update(
        form_templates::table
            .find(id)
            .filter(form_templates::definition.eq(old))
            .filter(form_templates::frozen.eq(false)),
    )
    .set((form_templates::definition.eq(json), form_templates::name.eq(&new.name)))
    .execute(conn)?;
    Ok(n == 1)
}

/// A template used by a round is frozen: editing it makes a new version. Freezes it only if
/// its definition is still `checked` (the one the round was checked against); false if not.
pub fn freeze_template(conn: &mut DbConnection, id: i64, checked: &str) -> StoreResult<bool> {
    let n = diesel::update(form_templates::table.find(id).filter(form_templates::definition.eq(checked)))
        .set(form_templates::frozen.eq(true))
        .execute(conn)?;
    Ok(n == 1)
}

#[derive(Debug, Clone)]
pub struct RoundRow {
    pub id: i64,
    pub name: String,
    pub template_id: i64,
    pub period: String,
    pub deadline: NaiveDate,
    pub reviewer: Reviewer,
    pub audience: String,
    pub demo: bool,
    /// How many times the round has been changed (its deadline moved): the calendar's SEQUENCE.
    pub revision: i64,
    /// When it was opened or last changed (UTC): the calendar's LAST-MODIFIED.
    pub updated_at: NaiveDateTime,
}

type RoundTuple = (i64, String, i64, String, NaiveDate, String, String, bool, i64, NaiveDateTime);

fn round_columns() -> (
    rounds::id,
    rounds::name,
    rounds::template_id,
    rounds::period,
    rounds::deadline,
    rounds::reviewer,
    rounds::audience,
    rounds::demo,
    rounds::revision,
    rounds::updated_at,
) {
    (
        rounds::id,
        rounds::name,
        rounds::template_id,
        rounds::period,
        rounds::deadline,
        rounds::reviewer,
        rounds::audience,
        rounds::demo,
        rounds::revision,
        rounds::updated_at,
    )
}

fn round_row(
    (id, name, template_id, period, deadline, reviewer, audience, demo, revision, updated_at): RoundTuple,
) -> StoreResult<RoundRow> {
    let reviewer = Reviewer::from_code(&reviewer).ok_or_else(|| corrupt(format!("ukjent vurderer «{reviewer}»")))?;
    Ok(RoundRow { id, name, template_id, period, deadline, reviewer, audience, demo, revision, updated_at })
}

pub fn rounds(conn: &mut DbConnection) -> StoreResult<Vec<RoundRow>> {
    let rows: Vec<RoundTuple> =
        rounds::table.select(round_columns()).order((rounds::deadline.desc(), rounds::id.desc())).load(conn)?;
    rows.into_iter().map(round_row).collect()
}

pub fn round(conn: &mut DbConnection, id: i64) -> StoreResult<Option<RoundRow>> {
    let row: Option<RoundTuple> = rounds::table.find(id).select(round_columns()).first(conn).optional()?;
    row.map(round_row).transpose()
}

pub struct NewRound<'a> {
    pub name: &'a str,
    pub template_id: i64,
    pub period: &'a str,
    pub deadline: NaiveDate,
    pub reviewer: Reviewer,
    pub audience: &'a str,
    pub demo: bool,
}

pub fn insert_round(conn: &mut DbConnection, r: &NewRound, now: NaiveDateTime) -> StoreResult<i64> {
    crate::generation::changed(conn)?;
    Ok(diesel::insert_into(rounds::table)
        .values((
            rounds::name.eq(r.name),
            rounds::template_id.eq(r.template_id),
            rounds::period.eq(r.period),
            rounds::deadline.eq(r.deadline),
            rounds::reviewer.eq(r.reviewer.code()),
            rounds::audience.eq(r.audience),
            rounds::demo.eq(r.demo),
            rounds::created_at.eq(now),
            rounds::updated_at.eq(now),
        ))
        .returning(rounds::id)
        .get_result(conn)?)
}

/// Moves a round's deadline, counting the change; false when the round is not there.
pub fn set_deadline(conn: &mut DbConnection, id: i64, deadline: NaiveDate, now: NaiveDateTime) -> StoreResult<bool> {
    crate::generation::changed(conn)?;
    let n = diesel::update(rounds::table.find(id))
        .set((rounds::deadline.eq(deadline), rounds::revision.eq(rounds::revision + 1), rounds::updated_at.eq(now)))
        .execute(conn)?;
    Ok(n == 1)
}

/// An org unit expected to answer, with its name and layout as the round froze them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OrgRow {
    pub unit: OrgUnit,
    /// The unit's number or id as stored ("1804", "12"): shown, and the DHIS2 org unit code.
    pub id: String,
    pub name: String,
    pub layout: i32,
}

impl OrgRow {
    pub fn new(unit: OrgUnit, name: String, layout: i32) -> OrgRow {
        let id = unit.stored().1;
        OrgRow { unit, id, name, layout }
    }

    pub fn is_municipality(&self) -> bool {
        matches!(self.unit, OrgUnit::Municipality(_))
    }
}

/// A value this system did not write: loading it is an error, never a silent default.
fn corrupt(what: String) -> StoreError {
    StoreError::Query(diesel::result::Error::DeserializationError(what.into()))
}

/// A submission state as stored.
pub fn state_of(code: &str) -> StoreResult<State> {
    State::from_code(code).ok_or_else(|| corrupt(format!("ukjent tilstand «{code}»")))
}

/// An org unit as stored.
pub fn org_unit_of(kind: &str, id: &str) -> StoreResult<OrgUnit> {
    OrgUnit::from_stored(kind, id).ok_or_else(|| corrupt(format!("ukjent organisasjonsenhet «{kind}» «{id}»")))
}

/// Creates the expected submissions of a round, as empty drafts, in one statement per chunk.
pub fn insert_expected(conn: &mut DbConnection, round_id: i64, orgs: &[OrgRow], now: NaiveDateTime) -> StoreResult<()> {
    for chunk in orgs.chunks(500) {
        let rows: Vec<_> = chunk
            .iter()
            .map(|o| {
                let (kind, id) = o.unit.stored();
                (
                    submissions::round_id.eq(round_id),
                    submissions::org_kind.eq(kind),
                    submissions::org_id.eq(id),
                    submissions::org_name.eq(&o.name),
                    submissions::layout.eq(o.layout),
                    submissions::state.eq(State::Draft.code()),
                    submissions::answers.eq("{}"),
                    submissions::version.eq(1_i64),
                    submissions::reviewer_comment.eq(""),
                    submissions::updated_at.eq(now),
                )
            })
            .collect();
        per_backend!(conn, |c| diesel::insert_into(submissions::table).values(&rows).execute(c))?;
    }
    Ok(())
}

#[derive(Debug, Clone)]
pub struct SubmissionRow {
    pub id: i64,
    pub round_id: i64,
    pub org: OrgRow,
    pub state: State,
    pub answers: String,
    pub version: i64,
    pub submitted_at: Option<NaiveDateTime>,
    pub reviewer_comment: String,
    pub updated_at: NaiveDateTime,
    /// Why the reviewer accepted it with empty required fields (only while accepted so).
    pub override_reason: Option<String>,
}

type SubmissionTuple = (
    i64,
    i64,
    String,
    String,
    String,
    i32,
    String,
    String,
    i64,
    Option<NaiveDateTime>,
    String,
    NaiveDateTime,
    Option<String>,
);

fn submission_row(t: SubmissionTuple) -> StoreResult<SubmissionRow> {
    let (
        id,
        round_id,
        kind,
        org_id,
        name,
        layout,
        state,
        answers,
        version,
        submitted_at,
        reviewer_comment,
        updated_at,
        override_reason,
    ) = t;
    Ok(SubmissionRow {
        id,
        round_id,
        org: OrgRow { unit: org_unit_of(&kind, &org_id)?, id: org_id, name, layout },
        state: state_of(&state)?,
        answers,
        version,
        submitted_at,
        reviewer_comment,
        updated_at,
        override_reason,
    })
}

pub fn submissions_of_round(conn: &mut DbConnection, round_id: i64) -> StoreResult<Vec<SubmissionRow>> {
    let rows: Vec<SubmissionTuple> = submissions::table
        .filter(submissions::round_id.eq(round_id))
        .select(submissions::all_columns)
        .order(submissions::org_name.asc())
        .load(conn)?;
    rows.into_iter().map(submission_row).collect()
}

pub fn submission(conn: &mut DbConnection, id: i64) -> StoreResult<Option<SubmissionRow>> {
    let row: Option<SubmissionTuple> =
        submissions::table.find(id).select(submissions::all_columns).first(conn).optional()?;
    row.map(submission_row).transpose()
}

/// The submissions of the given org units, newest round first.
pub fn submissions_of_orgs(conn: &mut DbConnection, orgs: &[OrgUnit]) -> StoreResult<Vec<SubmissionRow>> {
    let mut out = Vec::new();
    for org in orgs {
        let (kind, id) = org.stored();
        let rows: Vec<SubmissionTuple> = submissions::table
            .filter(submissions::org_kind.eq(kind))
            .filter(submissions::org_id.eq(id))
            .select(submissions::all_columns)
            .load(conn)?;
        for row in rows {
            out.push(submission_row(row)?);
        }
    }
    out.sort_by_key(|s| std::cmp::Reverse(s.round_id));
    Ok(out)
}

pub struct SubmissionUpdate<'a> {
    pub state: State,
    pub answers: &'a str,
    pub submitted_at: Option<NaiveDateTime>,
    pub reviewer_comment: &'a str,
    /// Set by an acceptance despite empty required fields; every other write clears it.
    pub override_reason: Option<&'a str>,
}

/// Writes the new state if the stored version is still `expected`, and the reported values with
/// it; false otherwise. A change to or from a delivered state raises the insight counter first,
/// so every transaction takes that lock before any submission's (never the other way round).
pub fn update_submission(
    conn: &mut DbConnection,
    id: i64,
    expected: i64,
    u: &SubmissionUpdate,
    now: NaiveDateTime,
) -> StoreResult<bool> {
    let before: Option<String> = submissions::table.find(id).select(submissions::state).first(conn).optional()?;
    let before = before.as_deref().map(state_of).transpose()?;
    if before.is_some_and(State::delivered) || u.state.delivered() {
        crate::generation::changed(conn)?;
    }
    let n = diesel::update(submissions::table.filter(submissions::id.eq(id)).filter(submissions::version.eq(expected)))
        .set((
            submissions::state.eq(u.state.code()),
            submissions::answers.eq(u.answers),
            submissions::submitted_at.eq(u.submitted_at),
            submissions::reviewer_comment.eq(u.reviewer_comment),
            submissions::override_reason.eq(u.override_reason),
            submissions::version.eq(expected + 1),
            submissions::updated_at.eq(now),
        ))
        .execute(conn)?;
    if n == 1 {
        super::values::refresh(conn, id)?;
    }
    Ok(n == 1)
}

/// New answers for open submissions (draft or returned), each at the version it was read at.
pub struct OpenAnswers {
    pub id: i64,
    pub version: i64,
    pub answers: String,
}

/// Rewrites the answers of open submissions in few statements (an import of a whole round). The
/// state stays open, so there are no reported values to refresh and no view to invalidate; a
/// submission whose version moved or that was sent meanwhile is not written. Returns how many were.
pub fn update_open_answers(conn: &mut DbConnection, rows: &[OpenAnswers], now: NaiveDateTime) -> StoreResult<usize> {
    let open = [State::Draft.code(), State::Returned.code()];
    let mut written = 0;
    match conn {
        // One statement per 250 submissions instead of one per submission: on a server every
        // statement is a round trip (and 250 answers are a few megabytes to send at once).
        DbConnection::Postgres(pg) => {
            use diesel::sql_types::{Array, BigInt, Text, Timestamp};
            for chunk in rows.chunks(250) {
                written += diesel::sql_query(
                    "UPDATE submissions AS s SET answers = v.answers, version = s.version + 1, updated_at = $4 \
                     FROM unnest($1::bigint[], $2::bigint[], $3::text[]) AS v(id, version, answers) \
                     WHERE s.id = v.id AND s.version = v.version AND s.state = ANY($5)",
                )
                .bind::<Array<BigInt>, _>(chunk.iter().map(|r| r.id).collect::<Vec<_>>())
                .bind::<Array<BigInt>, _>(chunk.iter().map(|r| r.version).collect::<Vec<_>>())
                .bind::<Array<Text>, _>(chunk.iter().map(|r| r.answers.as_str()).collect::<Vec<_>>())
                .bind::<Timestamp, _>(now)
                .bind::<Array<Text>, _>(open.to_vec())
                .execute(pg)?;
            }
        }
        DbConnection::Sqlite(lite) => {
            for r in rows {
                written += diesel::update(
                    submissions::table
                        .filter(submissions::id.eq(r.id))
                        .filter(submissions::version.eq(r.version))
                        .filter(submissions::state.eq_any(open)),
                )
                .set((
                    submissions::answers.eq(&r.answers),
                    submissions::version.eq(r.version + 1),
                    submissions::updated_at.eq(now),
                ))
                .execute(lite)?;
            }
        }
    }
    Ok(written)
}

/// A submission as a list of work reads it, without its answers (`answers` is left empty).
type LeanTuple =
    (i64, i64, String, String, String, i32, String, i64, Option<NaiveDateTime>, String, NaiveDateTime, Option<String>);

macro_rules! lean_columns {
    () => {
        (
            submissions::id,
            submissions::round_id,
            submissions::org_kind,
            submissions::org_id,
            submissions::org_name,
            submissions::layout,
            submissions::state,
            submissions::version,
            submissions::submitted_at,
            submissions::reviewer_comment,
            submissions::updated_at,
            submissions::override_reason,
        )
    };
}

fn lean_row(
    ((id, round_id, kind, org_id, name, layout, state, version, submitted_at, comment, updated_at, reason), round): (
        LeanTuple,
        RoundTuple,
    ),
) -> StoreResult<(SubmissionRow, RoundRow)> {
    let row = (
        id,
        round_id,
        kind,
        org_id,
        name,
        layout,
        state,
        String::new(),
        version,
        submitted_at,
        comment,
        updated_at,
        reason,
    );
    Ok((submission_row(row)?, round_row(round)?))
}

/// The submissions in `states` with their rounds, without the answers: of the given org units
/// (one query each), or of every org unit whose round the given reviewers review.
pub fn submissions_at_work(
    conn: &mut DbConnection,
    states: &[State],
    who: &AtWork,
) -> StoreResult<Vec<(SubmissionRow, RoundRow)>> {
    let codes: Vec<&str> = states.iter().map(|s| s.code()).collect();
    let base = || {
        submissions::table
            .inner_join(rounds::table)
            .filter(submissions::state.eq_any(codes.clone()))
            .select((lean_columns!(), round_columns()))
            .into_boxed()
    };
    let rows: Vec<(LeanTuple, RoundTuple)> = match who {
        AtWork::Orgs(orgs) => {
            let mut rows = Vec::new();
            for org in *orgs {
                let (kind, id) = org.stored();
                rows.extend(base().filter(submissions::org_kind.eq(kind)).filter(submissions::org_id.eq(id)).load::<(
                    LeanTuple,
                    RoundTuple,
                )>(
                    conn
                )?);
            }
            rows
        }
        AtWork::ReviewedBy { reviewers, municipalities } => {
            let codes: Vec<&str> = reviewers.iter().map(|r| r.code()).collect();
            let query = base().filter(rounds::reviewer.eq_any(codes));
            match municipalities {
                Some(numbers) => query
                    .filter(submissions::org_kind.ne("municipality").or(submissions::org_id.eq_any(*numbers)))
                    .load(conn)?,
                None => query.load(conn)?,
            }
        }
    };
    rows.into_iter().map(lean_row).collect()
}

/// Whose submissions [`submissions_at_work`] reads.
pub enum AtWork<'a> {
    Orgs(&'a [OrgUnit]),
    /// In the rounds these reviewers review; of these municipalities only, where given (and of
    /// every collaboration).
    ReviewedBy {
        reviewers: &'a [Reviewer],
        municipalities: Option<&'a [String]>,
    },
}

#[cfg(test)]
mod tests {
    use super::*;
    use samveis_domain::reporting::{FieldKind, RawAnswers, deliverables, label_of, parse};

    fn shipped() -> Vec<FormTemplate> {
        BUILT_IN.iter().map(|(file, json)| parse_template(file, json).unwrap()).collect()
    }

    /// Every number input of a form, with the label its error must name and a value just past
    /// the general cap of its kind (99 999 999 999 for counts, hours and percent).
    fn number_inputs(t: &FormTemplate) -> Vec<(String, String, &'static str)> {
        let mut out = Vec::new();
        for f in t.fields() {
            match &f.kind {
                FieldKind::Money => out.push((f.code.clone(), label_of(t, &f.code), "100 000 000 001")),
                k if k.is_numeric() => out.push((f.code.clone(), label_of(t, &f.code), "99 999 999 999")),
                FieldKind::Table { rows, columns } => {
                    for (r, row) in rows.iter().enumerate() {
                        for (c, column) in columns.iter().enumerate() {
                            let name = format!("{}.{r}.{c}", f.code);
                            out.push((name, format!("{}, {row}, {column}", label_of(t, &f.code)), "99 999 999 999"));
                        }
                    }
                }
                _ => {}
            }
        }
        out
    }

    #[test]
    fn every_number_of_every_shipped_form_has_an_upper_bound_named_in_the_message() {
        let mut checked = 0;
        for t in shipped() {
            for (name, label, huge) in number_inputs(&t) {
                let raw: RawAnswers = [(name.clone(), vec![huge.to_string()])].into();
                let errors = parse(&t, &raw).err().unwrap_or_else(|| panic!("{}: {name} accepted", t.code));
                let mine: Vec<_> = errors.iter().filter(|e| e.field == name).collect();
                assert_eq!(mine.len(), 1, "{}: {name}: {errors:?}", t.code);
                let expected = format!("{label}: «{huge}» er større enn høyeste tillatte verdi");
                assert!(mine[0].message.starts_with(&expected), "{}: {:?}", t.code, mine[0]);
                checked += 1;
            }
        }
        assert!(checked >= 74, "the technology status and the M1 benefits forms: {checked}");
    }

    #[test]
    fn every_deliverable_of_the_milestone_forms_has_its_file_field() {
        for t in shipped().iter().filter(|t| ["milepael_m2", "milepael_m3", "milepael_m4"].contains(&t.code.as_str())) {
            let options = t.fields().find_map(|f| match &f.kind {
                FieldKind::MultipleChoice { options } => Some(options.len()),
                _ => None,
            });
            assert_eq!(Some(deliverables(t).len()), options, "{}", t.code);
        }
    }
}
