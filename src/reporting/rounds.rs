//! Opening a round (rapporteringsrunde): a name, a frozen template, a period, a deadline, who
//! reviews, and one draft per org unit it asks.

use super::audience::{Audience, resolve_audience};
use super::error::{ReportingError, ReportingResult};
use super::store::{self, OrgRow, TemplateRow};
use crate::audit::{self, Change};
use crate::context::Ctx;
use crate::db::{DbConnection, StoreError};
use crate::web::format::capitalized;
use chrono::{NaiveDate, NaiveDateTime};
use samveis_domain::access::{Action, Resource};
use samveis_domain::reporting::{Period, Reviewer};

/// Reviewed by the programme office or by the county governor of each org unit: the codes a
/// [`RoundSpec`] names them by.
pub const REVIEWER_PROGRAMME: &str = "programme";
pub const REVIEWER_COUNTY: &str = "county";

/// What an admin types to open a round. A blank name becomes the template's name and the period
/// ("Teknologistatus 2026").
pub struct RoundSpec {
    pub name: String,
    pub template_id: i64,
    pub period: String,
    pub deadline: String,
    pub reviewer: String,
    pub audience: Audience,
    pub demo: bool,
}

/// A deadline as typed: "2021-12-10" (the date field), "10.12.2021" or "10. desember 2021".
fn parse_deadline(text: &str) -> ReportingResult<NaiveDate> {
    samveis_domain::grants::parse_date(text).ok_or_else(|| {
        ReportingError::invalid("deadline", format!("Fristen «{}» er ikke en gyldig dato (ÅÅÅÅ-MM-DD).", text.trim()))
    })
}

/// Moves a round's deadline (the calendar's event changes with it: SEQUENCE and LAST-MODIFIED);
/// audited with the deadline before and after.
pub fn change_deadline(conn: &mut DbConnection, ctx: &Ctx, round_id: i64, text: &str) -> ReportingResult<NaiveDate> {
    ctx.require(Action::ManageRounds, &Resource::Any)?;
    let deadline = parse_deadline(text)?;
    crate::db::write(conn, |conn| {
        let round = store::round(conn, round_id)?
            .ok_or_else(|| ReportingError::NotFound(format!("Fant ikke runde {round_id}.")))?;
        if round.deadline == deadline {
            return Ok(deadline);
        }
        store::set_deadline(conn, round_id, deadline, ctx.now)?;
        let change = Change {
            action: "endret frist",
            record_type: "runde",
            record_id: round_id.to_string(),
            before: Some(serde_json::json!({ "frist": round.deadline })),
            after: Some(serde_json::json!({ "frist": deadline })),
        };
        audit::record(conn, &ctx.author, ctx.now, change)?;
        Ok(deadline)
    })
}

/// A spec's values, checked.
struct Checked {
    period: Period,
    deadline: NaiveDate,
    reviewer: Reviewer,
    audience: String,
}

fn check(spec: &RoundSpec) -> ReportingResult<Checked> {
    let period =
        Period::parse(&spec.period).map_err(|e| ReportingError::invalid("period", capitalized(&e.to_string())))?;
    let deadline = parse_deadline(&spec.deadline)?;
    let reviewer = Reviewer::from_code(&spec.reviewer)
        .ok_or_else(|| ReportingError::invalid("reviewer", format!("Ukjent vurderer «{}».", spec.reviewer)))?;
    let audience = serde_json::to_string(&spec.audience).map_err(ReportingError::internal)?;
    Ok(Checked { period, deadline, reviewer, audience })
}

/// A round as it would open: shown for confirmation before anything is written, then opened.
pub struct PreparedRound {
    pub name: String,
    pub template: TemplateRow,
    pub period: Period,
    pub deadline: NaiveDate,
    pub reviewer: Reviewer,
    /// Who it asks, described ("Alle kommuner (2020-inndelingen)").
    pub audience_label: String,
    audience: String,
    pub recipients: Vec<OrgRow>,
}

/// Checks a spec against the database (template usable, audience not empty) without writing.
pub fn prepare_round(conn: &mut DbConnection, ctx: &Ctx, spec: &RoundSpec) -> ReportingResult<PreparedRound> {
    ctx.require(Action::ManageRounds, &Resource::Any)?;
    let Checked { period, deadline, reviewer, audience } = check(spec)?;
    let template = store::template(conn, spec.template_id)?
        .ok_or_else(|| ReportingError::invalid("template_id", format!("Skjema {} finnes ikke.", spec.template_id)))?;
    if let Err(errors) = template.template.check() {
        let list: Vec<String> = errors.iter().map(ToString::to_string).collect();
        let message = format!("Skjemaet kan ikke brukes ennå: {}.", list.join("; "));
        return Err(ReportingError::invalid("template_id", message));
    }
    let recipients = resolve_audience(conn, &spec.audience)?;
    let name = match spec.name.trim() {
        "" => default_name(&template.name, &period),
        given => given.to_string(),
    };
    let audience_label = spec.audience.describe();
    Ok(PreparedRound { name, template, period, deadline, reviewer, audience_label, audience, recipients })
}

/// A round named by its template and period: "Teknologistatus per kommune 2026"; a template
/// already named for its year ("Løsninger vurdert under pandemien (17. mars 2020)") keeps its name.
fn default_name(template: &str, period: &Period) -> String {
    let year = period.dates().0.format("%Y").to_string();
    if template.contains(&year) { template.to_string() } else { format!("{template} {}", period.label()) }
}

/// Opens a round: checks it, freezes its template and creates one draft per expected org unit.
pub fn open_round(conn: &mut DbConnection, ctx: &Ctx, spec: &RoundSpec) -> ReportingResult<i64> {
    crate::db::write(conn, |conn| {
        let round = prepare_round(conn, ctx, spec)?;
        let new = store::NewRound {
            name: &round.name,
            template_id: round.template.id,
            period: &round.period.code(),
            deadline: round.deadline,
            reviewer: round.reviewer,
            audience: &round.audience,
            demo: spec.demo,
        };
        let id = store::insert_round(conn, &new, ctx.now)?;
        if !store::freeze_template(conn, round.template.id, &round.template.definition)? {
            return Err(ReportingError::Conflict(
                "Skjemaet ble endret mens runden ble åpnet. Se over skjemaet og prøv igjen.".into(),
            ));
        }
        store::insert_expected(conn, id, &round.recipients, ctx.now)?;
        let after = serde_json::json!({
            "navn": round.name, "skjema": format!("{} v{}", round.template.code, round.template.version),
            "periode": round.period.code(), "frist": round.deadline, "vurderer": round.reviewer.code(),
            "mottakere": round.recipients.len(),
        });
        let change = Change {
            action: "åpnet",
            record_type: "runde",
            record_id: id.to_string(),
            before: None,
            after: Some(after),
        };
        audit::record(conn, &ctx.author, ctx.now, change)?;
        Ok(id)
    })
}

/// Loads the built-in templates at start (idempotent).
pub fn ensure_templates(conn: &mut DbConnection, now: NaiveDateTime) -> Result<(), StoreError> {
    store::ensure_builtin_templates(conn, now)
}
