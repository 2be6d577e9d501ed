//! A data value set into a round's open submissions, as DHIS2 imports one: each value's
//! period, data element and org unit looked up by the id schemes, laid over the stored answers
//! as the import strategy allows, counted, and answered with DHIS2's `ImportSummary`. Strict:
//! one conflict and nothing is written (`importCount` then says every value was ignored); a dry
//! run writes nothing and answers the same. The write is one transaction, audited in it.

use super::input::{InSet, InValue};
use super::{Exchange, Schemes, open_exchange};
use crate::audit;
use crate::context::Ctx;
use crate::db::DbConnection;
use crate::error::VERSION_CONFLICT;
use crate::reporting::error::{ReportingError, ReportingResult};
use crate::reporting::store;
use samveis_domain::access::{Action, Resource};
use samveis_domain::reporting::{
    Answers, DataValue, FieldKind, IdScheme, ImportCount, ImportStrategy, apply_values, dhis2_span, elements, field_of,
    parse, to_raw,
};
use serde::Serialize;
use std::collections::{BTreeMap, HashMap};
use utoipa::ToSchema;

/// How to import, from the query.
#[derive(Debug, Clone, Copy, Default)]
pub struct Options {
    pub dry_run: bool,
    pub strategy: ImportStrategy,
    pub schemes: Schemes,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, ToSchema)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum Status {
    Success,
    /// Imported, with something the sender should know (a `completeDate` Samveis does not use).
    Warning,
    /// Refused: nothing written.
    Error,
}

/// DHIS2's import summary, with its field names.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct ImportSummary {
    /// Always `ImportSummary`.
    pub response_type: &'static str,
    pub status: Status,
    pub import_options: ImportOptions,
    /// What happened, in Norwegian.
    pub description: String,
    /// `{imported, updated, ignored, deleted}`: on a refused set, every value ignored.
    #[schema(value_type = Object)]
    pub import_count: ImportCount,
    pub conflicts: Vec<Conflict>,
    /// Samveis does not mark a submission delivered from an import: always "false".
    pub data_set_complete: &'static str,
}

#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct ImportOptions {
    pub dry_run: bool,
    pub import_strategy: &'static str,
    pub id_schemes: IdSchemes,
}

#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct IdSchemes {
    pub data_element_id_scheme: &'static str,
    pub org_unit_id_scheme: &'static str,
}

/// One conflict: what (`orgUnit/dataElement/period` as sent, or the envelope field), why (in
/// Norwegian), DHIS2's error code, and the positions of the values concerned in the set.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct Conflict {
    pub object: String,
    pub value: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error_code: Option<&'static str>,
    pub indexes: Vec<usize>,
}

/// DHIS2's default category option combo: the only one Samveis has.
const DEFAULT_COMBOS: [&str; 2] = ["default", "HllvX50cXC0"];

fn object(org: &str, element: &str, period: &str) -> String {
    format!("{org}/{element}/{period}")
}

/// The round's names, looked up: org units and data elements by the schemes' keys.
struct Lookup<'a> {
    x: &'a Exchange,
    span: Option<(chrono::NaiveDate, chrono::NaiveDate)>,
    orgs: HashMap<&'a str, Vec<usize>>,
    elements: HashMap<String, Vec<String>>,
}

impl<'a> Lookup<'a> {
    fn new(x: &'a Exchange, schemes: Schemes) -> Lookup<'a> {
        let mut orgs: HashMap<&str, Vec<usize>> = HashMap::new();
        for (i, (s, code)) in x.submissions.iter().zip(&x.codes).enumerate() {
            let key = if schemes.org_unit == IdScheme::Name { s.org.name.as_str() } else { code.as_str() };
            orgs.entry(key).or_default().push(i);
        }
        let mut by_key: HashMap<String, Vec<String>> = HashMap::new();
        for (element, name) in elements(&x.template.template) {
            let key = if schemes.element == IdScheme::Name { name } else { element.clone() };
            by_key.entry(key).or_default().push(element);
        }
        Lookup { x, span: dhis2_span(&x.period), orgs, elements: by_key }
    }

    fn period(&self, period: Option<&str>) -> Result<String, (&'static str, String)> {
        let Some(p) = period.map(str::trim).filter(|p| !p.is_empty()) else {
            return Err(("E7611", "verdien mangler periode".into()));
        };
        match dhis2_span(p) {
            None => Err(("E7611", format!("perioden «{p}» er ingen DHIS2-periode"))),
            Some(span) if Some(span) != self.span => {
                Err(("E7643", format!("perioden «{p}» er ikke rundens ({})", self.x.period)))
            }
            Some(_) => Ok(self.x.period.clone()),
        }
    }

    fn element(&self, key: &str) -> Result<String, (&'static str, String)> {
        let form = &self.x.template.name;
        match self.elements.get(key.trim()).map(Vec::as_slice) {
            Some([one]) => Ok(one.clone()),
            Some(many) if !many.is_empty() => Err((
                "E7610",
                format!(
                    "dataelementet «{key}» er ikke entydig i skjemaet «{form}» ({}); bruk dataElementIdScheme=CODE",
                    many.join(", ")
                ),
            )),
            _ => Err(("E7610", format!("dataelementet «{key}» finnes ikke i skjemaet «{form}»"))),
        }
    }

    fn org_unit(&self, key: Option<&str>) -> Result<usize, (&'static str, String)> {
        let Some(key) = key.map(str::trim).filter(|k| !k.is_empty()) else {
            return Err(("E7612", "verdien mangler organisasjonsenhet".into()));
        };
        match self.orgs.get(key).map(Vec::as_slice) {
            Some([one]) => Ok(*one),
            Some(many) if !many.is_empty() => {
                let codes: Vec<&str> = many.iter().map(|i| self.x.codes[*i].as_str()).collect();
                Err((
                    "E7612",
                    format!(
                        "organisasjonsenheten «{key}» er ikke entydig i runden ({}); bruk orgUnitIdScheme=CODE",
                        codes.join(", ")
                    ),
                ))
            }
            _ => Err(("E7612", format!("organisasjonsenheten «{key}» er ikke med i runden «{}»", self.x.round.name))),
        }
    }

    /// One value, its names looked up and checked: the submission it goes to and the value by
    /// code, or why not.
    fn resolve<'v>(&self, v: &'v InValue, set: &'v InSet) -> Result<(usize, DataValue), (&'static str, String)> {
        let period = self.period(v.period.as_deref().or(set.period.as_deref()))?;
        let element = self.element(&v.data_element)?;
        let org = self.org_unit(v.org_unit.as_deref().or(set.org_unit.as_deref()))?;
        let combo = |c: Option<&'v str>| c.map(str::trim).filter(|c| !c.is_empty() && !DEFAULT_COMBOS.contains(c));
        if let Some(c) = combo(v.category_option_combo.as_deref()) {
            return Err(("E7613", format!("kategorikombinasjonen «{c}» finnes ikke i Samveis (bare «default»)")));
        }
        if let Some(c) = combo(v.attribute_option_combo.as_deref()).or(combo(set.attribute_option_combo.as_deref())) {
            return Err(("E7615", format!("attributtkombinasjonen «{c}» finnes ikke i Samveis (bare «default»)")));
        }
        if let Some(c) = v.comment.as_deref().map(str::trim).filter(|c| !c.is_empty()) {
            return Err((
                "E7620",
                format!("kommentaren «{c}» kan ikke lagres: Samveis har ikke kommentarer til enkeltverdier"),
            ));
        }
        let org_unit = self.x.codes[org].clone();
        let value = v.value.clone().unwrap_or_default();
        Ok((org, DataValue { data_element: element, period, org_unit, value, deleted: v.deleted }))
    }
}

/// What an import found: the values by submission, the conflicts, the counts.
#[derive(Default)]
struct Plan {
    conflicts: Vec<Conflict>,
    warnings: Vec<Conflict>,
    count: ImportCount,
    total: usize,
}

impl Plan {
    fn conflict(&mut self, object: String, (code, value): (&'static str, String), indexes: Vec<usize>) {
        self.conflicts.push(Conflict { object, value, error_code: Some(code), indexes });
    }

    /// The envelope: its `dataSet` must be the round; its `completeDate` is not used.
    fn check_envelope(&mut self, x: &Exchange, set: &InSet) {
        if let Some(d) = set.data_set.as_deref().map(str::trim).filter(|d| !d.is_empty()) {
            if d != x.round.id.to_string() && d != x.round.name {
                let why = format!("datasettet «{d}» er ikke runden «{}» (id {})", x.round.name, x.round.id);
                self.conflict("dataSet".into(), ("E7600", why), (0..set.data_values.len()).collect());
            }
        }
        if let Some(date) = set.complete_date.as_deref().filter(|d| !d.trim().is_empty()) {
            let why = format!(
                "completeDate «{date}» er ikke brukt: i Samveis sender kommunen eller prosjektet selv inn rapporten, og verdiene legges i utkastet"
            );
            self.warnings.push(Conflict {
                object: "completeDate".into(),
                value: why,
                error_code: None,
                indexes: vec![],
            });
        }
    }

    /// Every value looked up, by submission (index), with its position in the set.
    fn resolve(&mut self, look: &Lookup, set: &InSet) -> BTreeMap<usize, Vec<(usize, DataValue)>> {
        let mut by_submission: BTreeMap<usize, Vec<(usize, DataValue)>> = BTreeMap::new();
        for (i, v) in set.data_values.iter().enumerate() {
            match look.resolve(v, set) {
                Ok((s, value)) => by_submission.entry(s).or_default().push((i, value)),
                Err(why) => {
                    let org = v.org_unit.as_deref().or(set.org_unit.as_deref()).unwrap_or("");
                    let period = v.period.as_deref().or(set.period.as_deref()).unwrap_or("");
                    self.conflict(object(org, &v.data_element, period), why, vec![i]);
                }
            }
        }
        by_submission
    }

    /// One submission's values laid over its answers: the answers to store if anything changed.
    fn merge(
        &mut self,
        x: &Exchange,
        s: &store::SubmissionRow,
        values: &[(usize, DataValue)],
        strategy: ImportStrategy,
    ) -> ReportingResult<Option<String>> {
        if !s.state.editable() {
            let why = format!(
                "{} har levert ({}); åpne innleveringen igjen først",
                s.org.name,
                s.state.label().to_lowercase()
            );
            for (i, v) in values {
                self.conflict(object(&v.org_unit, &v.data_element, &v.period), ("E7642", why.clone()), vec![*i]);
            }
            return Ok(None);
        }
        let template = &x.template.template;
        let old: Answers = serde_json::from_str(&s.answers).map_err(ReportingError::internal)?;
        let mut raw = to_raw(template, &old);
        let count = apply_values(template, &mut raw, values.iter().map(|(_, v)| v), strategy);
        self.add(count);
        match parse(template, &raw) {
            Ok(answers) if answers == old => Ok(None),
            Ok(answers) => Ok(Some(serde_json::to_string(&answers).map_err(ReportingError::internal)?)),
            Err(errors) => {
                let org = values.first().map_or("", |(_, v)| v.org_unit.as_str());
                for e in errors {
                    let of_field =
                        |v: &DataValue| v.data_element == e.field || field_of(&v.data_element) == field_of(&e.field);
                    let indexes: Vec<usize> = values.iter().filter(|(_, v)| of_field(v)).map(|(i, _)| *i).collect();
                    let choice = template.field(field_of(&e.field)).is_some_and(|f| {
                        matches!(f.kind, FieldKind::SingleChoice { .. } | FieldKind::MultipleChoice { .. })
                    });
                    let code = if choice { "E7621" } else { "E7619" };
                    self.conflict(object(org, &e.field, &x.period), (code, e.message), indexes);
                }
                Ok(None)
            }
        }
    }

    fn add(&mut self, c: ImportCount) {
        self.count.imported += c.imported;
        self.count.updated += c.updated;
        self.count.ignored += c.ignored;
        self.count.deleted += c.deleted;
    }

    fn summary(mut self, options: Options, schemes: Schemes, written: usize) -> ImportSummary {
        let refused = !self.conflicts.is_empty();
        let c = self.count;
        let (status, description) = if refused {
            self.count = ImportCount { ignored: self.total, ..ImportCount::default() };
            let n = self.conflicts.len();
            let what = if n == 1 { "1 konflikt".to_string() } else { format!("{n} konflikter") };
            (Status::Error, format!("{what}: ingenting er lagret. Rett verdiene og send hele datasettet på nytt."))
        } else {
            let counts = format!(
                "{} nye, {} endrede, {} slettede og {} ignorerte verdier",
                c.imported, c.updated, c.deleted, c.ignored
            );
            let text = if options.dry_run {
                format!("Prøvekjøring (dryRun=true): ingenting er lagret. Importen ville gitt {counts}.")
            } else {
                let where_ =
                    if written == 1 { "1 innlevering".to_string() } else { format!("{written} innleveringer") };
                format!("Lagret i {where_}: {counts}.")
            };
            (if self.warnings.is_empty() { Status::Success } else { Status::Warning }, text)
        };
        self.conflicts.sort_by_key(|c| c.indexes.first().copied().unwrap_or(0));
        self.conflicts.extend(self.warnings);
        ImportSummary {
            response_type: "ImportSummary",
            status,
            import_options: ImportOptions {
                dry_run: options.dry_run,
                import_strategy: options.strategy.code(),
                id_schemes: IdSchemes {
                    data_element_id_scheme: schemes.element.code(),
                    org_unit_id_scheme: schemes.org_unit.code(),
                },
            },
            description,
            import_count: self.count,
            conflicts: self.conflicts,
            data_set_complete: "false",
        }
    }
}

/// Imports a set into the round's submissions that are still open (draft or returned): all or
/// nothing, audited with the stored text before and the written text after.
pub fn import(
    conn: &mut DbConnection,
    ctx: &Ctx,
    round_id: i64,
    set: InSet,
    options: Options,
) -> ReportingResult<ImportSummary> {
    ctx.require(Action::ManageRounds, &Resource::Any)?;
    // The payload's id schemes come before the query's (DHIS2's rule).
    let schemes = set.schemes.read(options.schemes).map_err(ReportingError::Refused)?;
    crate::db::write(conn, |conn| {
        let x = open_exchange(conn, round_id)?;
        let look = Lookup::new(&x, schemes);
        let mut plan = Plan { total: set.data_values.len(), ..Plan::default() };
        plan.check_envelope(&x, &set);
        let by_submission = plan.resolve(&look, &set);
        drop(set);
        let (mut rows, mut before) = (Vec::new(), Vec::new());
        for (i, values) in by_submission {
            let s = &x.submissions[i];
            if let Some(answers) = plan.merge(&x, s, &values, options.strategy)? {
                rows.push(store::OpenAnswers { id: s.id, version: s.version, answers });
                before.push(s.answers.as_str());
            }
        }
        if options.dry_run || !plan.conflicts.is_empty() {
            return Ok(plan.summary(options, schemes, 0));
        }
        write(conn, ctx, &rows, &before)?;
        Ok(plan.summary(options, schemes, rows.len()))
    })
}

/// The changed submissions written in few statements, audited in the same transaction.
fn write(conn: &mut DbConnection, ctx: &Ctx, rows: &[store::OpenAnswers], before: &[&str]) -> ReportingResult<()> {
    // Each was read open in this transaction; one written short means another hand got there.
    if store::update_open_answers(conn, rows, ctx.now)? != rows.len() {
        return Err(ReportingError::Conflict(VERSION_CONFLICT.into()));
    }
    let changes = rows.iter().zip(before).map(|(r, before)| audit::JsonChange {
        action: "importert fra DHIS2",
        record_type: "innlevering",
        record_id: r.id.to_string(),
        before: Some(before),
        after: Some(&r.answers),
    });
    audit::record_all(conn, &ctx.author, ctx.now, changes.collect())?;
    Ok(())
}
