//! DHIS2 `dataValueSets` in and out for a round: export the delivered answers the caller may see
//! (JSON, or CSV in DHIS2's column order), and import values into the round's open submissions
//! with a dry run and a summary (imported, updated, ignored, conflicts with reasons). An import
//! with conflicts writes nothing.

use super::{permitted_in_round, store};
use crate::app::AppState;
use crate::audit::{self, Author};
use crate::auth::{ApiWriter, Visitor};
use crate::db::DbConnection;
use crate::error::{AppError, VERSION_CONFLICT};
use crate::web::ApiError;
use axum::Json;
use axum::extract::{Query, State};
use axum::response::{IntoResponse, Response};
use chrono::NaiveDateTime;
use diesel::Connection;
use samveis_domain::access::{Action, Actor, Resource};
use samveis_domain::reporting::{
    Answers, DataValue, State as SubmissionState, data_values, field_of, parse, raw_from_values, to_raw,
};
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

fn load_round(conn: &mut DbConnection, round: i64) -> Result<store::RoundRow, AppError> {
    store::round(conn, round)?.ok_or_else(|| AppError::NotFound(format!("Runde {round} finnes ikke.")))
}

/// The delivered answers of a round that `actor` may see, as data values.
pub fn export(conn: &mut DbConnection, actor: &Actor, round_id: i64) -> Result<Vec<DataValue>, AppError> {
    let round = load_round(conn, round_id)?;
    let template =
        store::template(conn, round.template_id)?.ok_or_else(|| AppError::Internal("skjemaet mangler".into()))?;
    let submissions = store::submissions_of_round(conn, round_id)?;
    let visible = permitted_in_round(conn, Some(actor), Action::ViewSubmission, &round, &submissions)?;
    let mut out = Vec::new();
    for (s, shown) in submissions.iter().zip(visible) {
        let state = SubmissionState::from_code(&s.state).unwrap_or(SubmissionState::Draft);
        if !shown || !state.delivered() {
            continue;
        }
        let answers: Answers = serde_json::from_str(&s.answers).map_err(|e| AppError::Internal(e.to_string()))?;
        out.extend(data_values(&template.template, &answers, &round.period, &s.org.id));
    }
    Ok(out)
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

/// Imports values into the round's submissions that are still open (draft or returned).
pub fn import(
    conn: &mut DbConnection,
    author: &Author,
    now: NaiveDateTime,
    round_id: i64,
    values: &[DataValue],
    dry_run: bool,
) -> Result<ImportSummary, AppError> {
    conn.transaction(|conn| {
        let round = load_round(conn, round_id)?;
        let template =
            store::template(conn, round.template_id)?.ok_or_else(|| AppError::Internal("skjemaet mangler".into()))?;
        let submissions = store::submissions_of_round(conn, round_id)?;
        let by_number: BTreeMap<&str, &store::SubmissionRow> =
            submissions.iter().map(|s| (s.org.id.as_str(), s)).collect();
        let fields = template.template.field_index();
        let mut summary = ImportSummary::default();
        let mut by_org: BTreeMap<String, Vec<&DataValue>> = BTreeMap::new();
        for v in values {
            let conflict = |reason: String| Conflict {
                object: format!("{}/{}/{}", v.org_unit, v.data_element, v.period),
                value: reason,
            };
            if v.period != round.period {
                summary.conflicts.push(conflict(format!("perioden «{}» er ikke rundens ({})", v.period, round.period)));
            } else if !fields.contains_key(field_of(&v.data_element)) {
                summary.conflicts.push(conflict(format!("dataelementet «{}» finnes ikke i skjemaet", v.data_element)));
            } else if !by_number.contains_key(v.org_unit.as_str()) {
                summary.conflicts.push(conflict(format!("organisasjonsenheten «{}» er ikke med i runden", v.org_unit)));
            } else {
                by_org.entry(v.org_unit.clone()).or_default().push(v);
            }
        }
        let mut writes = Vec::new();
        for (org, vals) in by_org {
            let Some(s) = by_number.get(org.as_str()).copied() else { continue };
            let state = SubmissionState::from_code(&s.state).unwrap_or(SubmissionState::Draft);
            if !state.editable() {
                for v in &vals {
                    summary.conflicts.push(Conflict {
                        object: format!("{}/{}/{}", v.org_unit, v.data_element, v.period),
                        value: format!(
                            "{} har levert ({}); åpne innleveringen igjen først",
                            s.org.name,
                            state.label().to_lowercase()
                        ),
                    });
                }
                continue;
            }
            let old: Answers = serde_json::from_str(&s.answers).map_err(|e| AppError::Internal(e.to_string()))?;
            let mut raw = to_raw(&template.template, &old);
            let incoming = raw_from_values(&template.template, vals.iter().copied());
            for (element, value) in &incoming {
                match raw.get(element) {
                    Some(existing) if existing == value => summary.ignored += 1,
                    Some(_) => summary.updated += 1,
                    None => summary.imported += 1,
                }
            }
            raw.extend(incoming);
            match parse(&template.template, &raw) {
                Ok(answers) => writes.push((s, answers)),
                Err(errors) => {
                    for e in errors {
                        summary
                            .conflicts
                            .push(Conflict { object: format!("{org}/{}/{}", e.field, round.period), value: e.message });
                    }
                }
            }
        }
        if dry_run || !summary.conflicts.is_empty() {
            return Ok(summary);
        }
        let mut rows = Vec::new();
        let mut changes = Vec::new();
        for (s, answers) in writes {
            let json = serde_json::to_string(&answers).map_err(|e| AppError::Internal(e.to_string()))?;
            // The audit keeps the stored text before and the written text after.
            changes.push(audit::JsonChange {
                action: "importert fra DHIS2",
                record_type: "innlevering",
                record_id: s.id.to_string(),
                before: Some(s.answers.clone()),
                after: Some(json.clone()),
            });
            rows.push(store::OpenAnswers { id: s.id, version: s.version, answers: json });
        }
        // Each was read open in this transaction; one written short means another hand got there.
        if store::update_open_answers(conn, &rows, now)? != rows.len() {
            return Err(AppError::Conflict(VERSION_CONFLICT.into()));
        }
        audit::record_all(conn, author, now, changes)?;
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
    let values = state.db.run(move |conn| export(conn, &user.actor, q.round)).await?;
    if q.format.as_deref() == Some("csv") {
        let mut w = csv::Writer::from_writer(Vec::new());
        let io = |e: csv::Error| AppError::Internal(e.to_string());
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
        for v in &values {
            w.write_record([
                v.data_element.as_str(),
                &v.period,
                &v.org_unit,
                "",
                "",
                &v.value,
                "samveis",
                "",
                "",
                "false",
            ])
            .map_err(io)?;
        }
        let bytes = w.into_inner().map_err(|e| AppError::Internal(e.to_string()))?;
        return Ok(([(axum::http::header::CONTENT_TYPE, "text/csv; charset=utf-8")], bytes).into_response());
    }
    Ok(Json(DataValueSet { data_values: values }).into_response())
}

#[utoipa::path(post, path = "/api/v1/dhis2/dataValueSets", params(SetParams), request_body = DataValueSet,
    responses((status = 200, body = ImportSummary), (status = 403, description = "Bare programkontoret")), tag = "reporting")]
pub async fn post_set(
    State(state): State<AppState>,
    ApiWriter(user): ApiWriter,
    Query(q): Query<SetParams>,
    Json(set): Json<DataValueSet>,
) -> Result<Json<ImportSummary>, ApiError> {
    if !samveis_domain::access::may(Some(&user.actor), Action::ManageRounds, &Resource::Any) {
        return Err(AppError::Forbidden.into());
    }
    let (now, author) = (state.now(), user.author());
    let summary = state
        .db
        .run(move |conn| import(conn, &author, now, q.round, &set.data_values, q.dry_run.unwrap_or(false)))
        .await?;
    Ok(Json(summary))
}
