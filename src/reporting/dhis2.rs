//! DHIS2 `dataValueSets` in and out for a round: export the delivered answers the caller may see
//! (JSON, or CSV in DHIS2's column order), and import values into the round's open submissions
//! with a dry run and a summary (imported, updated, ignored, conflicts with reasons). An import
//! with conflicts writes nothing.

use super::error::{ReportingError, ReportingResult};
use super::{permitted_in_round, store};
use crate::audit;
use crate::auth::{ApiWriter, Visitor};
use crate::context::Ctx;
use crate::db::DbConnection;
use crate::error::{AppError, VERSION_CONFLICT};
use crate::state::AppState;
use crate::web::ApiError;
use axum::Json;
use axum::extract::{Query, State};
use axum::response::{IntoResponse, Response};
use samveis_domain::access::{Action, Actor, Resource};
use samveis_domain::reporting::{Answers, DataValue, data_values, field_of, parse, raw_from_values, to_raw};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use utoipa::{IntoParams, ToSchema};

/// The largest data value set accepted in one request: a month of a 234-field report from every
/// municipality is about 9 MB as JSON.
pub const MAX_SET_BYTES: usize = 64 * 1024 * 1024;

#[derive(Debug, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct DataValueSet {
    #[schema(value_type = Vec<Object>)]
    pub data_values: Vec<DataValue>,
}

fn load_round(conn: &mut DbConnection, round: i64) -> ReportingResult<store::RoundRow> {
    store::round(conn, round)?.ok_or_else(|| ReportingError::NotFound(format!("Runde {round} finnes ikke.")))
}

fn load_template(conn: &mut DbConnection, round: &store::RoundRow) -> ReportingResult<store::TemplateRow> {
    store::template(conn, round.template_id)?.ok_or_else(|| ReportingError::Internal("skjemaet mangler".into()))
}

/// Hands the delivered answers of a round that `actor` may see to `emit`, value by value, one
/// submission at a time: a month of a large form is tens of thousands of values, never all held.
pub fn export(
    conn: &mut DbConnection,
    actor: &Actor,
    round_id: i64,
    mut emit: impl FnMut(&DataValue) -> ReportingResult<()>,
) -> ReportingResult<()> {
    let round = load_round(conn, round_id)?;
    let template = load_template(conn, &round)?;
    let submissions = store::submissions_of_round(conn, round_id)?;
    let visible = permitted_in_round(conn, Some(actor), Action::ViewSubmission, &round, &submissions)?;
    for (s, shown) in submissions.iter().zip(visible) {
        if !shown || !s.state.delivered() {
            continue;
        }
        let answers: Answers = serde_json::from_str(&s.answers).map_err(ReportingError::internal)?;
        for v in data_values(&template.template, &answers, &round.period, &s.org.id) {
            emit(&v)?;
        }
    }
    Ok(())
}

/// The set as DHIS2's JSON, written as the values come.
fn export_json(conn: &mut DbConnection, actor: &Actor, round_id: i64) -> ReportingResult<Vec<u8>> {
    let mut out = br#"{"dataValues":["#.to_vec();
    let mut first = true;
    export(conn, actor, round_id, |v| {
        if !std::mem::take(&mut first) {
            out.push(b',');
        }
        serde_json::to_writer(&mut out, v).map_err(ReportingError::internal)
    })?;
    out.extend_from_slice(b"]}");
    Ok(out)
}

/// The set as DHIS2's CSV, in its column order.
fn export_csv(conn: &mut DbConnection, actor: &Actor, round_id: i64) -> ReportingResult<Vec<u8>> {
    let io = |e: csv::Error| ReportingError::internal(e);
    let mut w = csv::Writer::from_writer(Vec::new());
    w.write_record([
        "dataelement",
        "period",
        "orgunit",
        "categoryoptioncombo",
        "attributeoptioncombo",
        "value",
        "storedby",
        "lastupdated",
        "comment",
        "followup",
    ])
    .map_err(io)?;
    export(conn, actor, round_id, |v| {
        w.write_record([v.data_element.as_str(), &v.period, &v.org_unit, "", "", &v.value, "samveis", "", "", "false"])
            .map_err(io)
    })?;
    w.into_inner().map_err(ReportingError::internal)
}

#[derive(Debug, Default, Serialize, ToSchema)]
pub struct ImportSummary {
    pub imported: usize,
    pub updated: usize,
    pub ignored: usize,
    pub conflicts: Vec<Conflict>,
    /// Whether anything was written (false on a dry run or when there are conflicts).
    pub written: bool,
}

#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct Conflict {
    pub object: String,
    pub value: String,
}

fn conflict(v: &DataValue, reason: String) -> Conflict {
    Conflict { object: format!("{}/{}/{}", v.org_unit, v.data_element, v.period), value: reason }
}

/// The values that name the round's period, a field of its form and an org unit in it, by org
/// unit; the others are conflicts. Values are moved, not copied: a month of a large form is
/// tens of thousands of them.
fn by_org_unit(
    values: Vec<DataValue>,
    round: &store::RoundRow,
    template: &samveis_domain::reporting::FormTemplate,
    in_round: &BTreeMap<&str, &store::SubmissionRow>,
    summary: &mut ImportSummary,
) -> BTreeMap<String, Vec<DataValue>> {
    let fields = template.field_index();
    let mut by_org: BTreeMap<String, Vec<DataValue>> = BTreeMap::new();
    for v in values {
        if v.period != round.period {
            let reason = format!("perioden «{}» er ikke rundens ({})", v.period, round.period);
            summary.conflicts.push(conflict(&v, reason));
        } else if !fields.contains_key(field_of(&v.data_element)) {
            let reason = format!("dataelementet «{}» finnes ikke i skjemaet", v.data_element);
            summary.conflicts.push(conflict(&v, reason));
        } else if !in_round.contains_key(v.org_unit.as_str()) {
            let reason = format!("organisasjonsenheten «{}» er ikke med i runden", v.org_unit);
            summary.conflicts.push(conflict(&v, reason));
        } else {
            by_org.entry(v.org_unit.clone()).or_default().push(v);
        }
    }
    by_org
}

/// One open submission's answers with the values laid over them, as the JSON to store; counts
/// what was new, changed or the same. None (and conflicts) if it is delivered or does not parse.
fn merged_answers(
    s: &store::SubmissionRow,
    values: Vec<DataValue>,
    template: &samveis_domain::reporting::FormTemplate,
    period: &str,
    summary: &mut ImportSummary,
) -> ReportingResult<Option<String>> {
    let state = s.state;
    if !state.editable() {
        let reason =
            format!("{} har levert ({}); åpne innleveringen igjen først", s.org.name, state.label().to_lowercase());
        summary.conflicts.extend(values.iter().map(|v| conflict(v, reason.clone())));
        return Ok(None);
    }
    let old: Answers = serde_json::from_str(&s.answers).map_err(ReportingError::internal)?;
    let mut raw = to_raw(template, &old);
    let incoming = raw_from_values(template, &values);
    drop(values);
    for (element, value) in &incoming {
        match raw.get(element) {
            Some(existing) if existing == value => summary.ignored += 1,
            Some(_) => summary.updated += 1,
            None => summary.imported += 1,
        }
    }
    raw.extend(incoming);
    match parse(template, &raw) {
        Ok(answers) => Ok(Some(serde_json::to_string(&answers).map_err(ReportingError::internal)?)),
        Err(errors) => {
            let object = |field: &str| format!("{}/{field}/{period}", s.org.id);
            summary
                .conflicts
                .extend(errors.into_iter().map(|e| Conflict { object: object(&e.field), value: e.message }));
            Ok(None)
        }
    }
}

/// Imports values into the round's submissions that are still open (draft or returned): all or
/// nothing, audited with the stored text before and the written text after.
pub fn import(
    conn: &mut DbConnection,
    ctx: &Ctx,
    round_id: i64,
    values: Vec<DataValue>,
    dry_run: bool,
) -> ReportingResult<ImportSummary> {
    ctx.require(Action::ManageRounds, &Resource::Any)?;
    crate::db::write(conn, |conn| {
        let round = load_round(conn, round_id)?;
        let template = load_template(conn, &round)?;
        let submissions = store::submissions_of_round(conn, round_id)?;
        let in_round: BTreeMap<&str, &store::SubmissionRow> =
            submissions.iter().map(|s| (s.org.id.as_str(), s)).collect();
        let mut summary = ImportSummary::default();
        let by_org = by_org_unit(values, &round, &template.template, &in_round, &mut summary);
        let mut rows = Vec::new();
        let mut before = Vec::new();
        for (org, vals) in by_org {
            let Some(s) = in_round.get(org.as_str()).copied() else { continue };
            if let Some(answers) = merged_answers(s, vals, &template.template, &round.period, &mut summary)? {
                rows.push(store::OpenAnswers { id: s.id, version: s.version, answers });
                before.push(s.answers.as_str());
            }
        }
        if dry_run || !summary.conflicts.is_empty() {
            return Ok(summary);
        }
        // Each was read open in this transaction; one written short means another hand got there.
        if store::update_open_answers(conn, &rows, ctx.now)? != rows.len() {
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
        summary.written = true;
        Ok(summary)
    })
}

#[derive(Debug, Deserialize, IntoParams)]
pub struct SetParams {
    pub round: i64,
    /// json (default) or csv.
    pub format: Option<String>,
    /// Import only: check and report, write nothing.
    #[serde(rename = "dryRun")]
    pub dry_run: Option<bool>,
}

#[utoipa::path(get, path = "/api/v1/dhis2/dataValueSets", params(SetParams),
    responses((status = 200, body = DataValueSet), (status = 401, description = "Ikke innlogget")), tag = "reporting")]
pub async fn get_set(
    State(state): State<AppState>,
    visitor: Visitor,
    Query(q): Query<SetParams>,
) -> Result<Response, ApiError> {
    // Each caller gets the delivered answers it may see (a municipality its own).
    let user = visitor.user.clone().ok_or(AppError::Unauthenticated)?;
    let csv = q.format.as_deref() == Some("csv");
    let body = state
        .db
        .run(
            move |conn| {
                if csv { export_csv(conn, &user.actor, q.round) } else { export_json(conn, &user.actor, q.round) }
            },
        )
        .await?;
    let content_type = if csv { "text/csv; charset=utf-8" } else { "application/json" };
    Ok(([(axum::http::header::CONTENT_TYPE, content_type)], body).into_response())
}

#[utoipa::path(post, path = "/api/v1/dhis2/dataValueSets", params(SetParams), request_body = DataValueSet,
    responses((status = 200, body = ImportSummary), (status = 403, description = "Bare programkontoret")), tag = "reporting")]
pub async fn post_set(
    State(state): State<AppState>,
    ApiWriter(user): ApiWriter,
    Query(q): Query<SetParams>,
    request: axum::extract::Request,
) -> Result<Json<ImportSummary>, ApiError> {
    let ctx = Ctx::user(&user, state.now());
    ctx.require(Action::ManageRounds, &Resource::Any).map_err(AppError::from)?;
    // The body (up to tens of megabytes) is read only once the caller may import.
    let Json(set) = <Json<DataValueSet> as axum::extract::FromRequest<AppState>>::from_request(request, &state)
        .await
        .map_err(|e| match e.status() {
        axum::http::StatusCode::PAYLOAD_TOO_LARGE => AppError::TooLarge(format!(
            "Datasettet er større enn {} MB: del det opp, for eksempel per måned eller per fylke.",
            MAX_SET_BYTES / (1024 * 1024)
        )),
        _ => AppError::BadRequest(format!("Datasettet kunne ikke leses: {}", e.body_text())),
    })?;
    let summary =
        state.db.run(move |conn| import(conn, &ctx, q.round, set.data_values, q.dry_run.unwrap_or(false))).await?;
    Ok(Json(summary))
}
