//! A round's survey results (per option, overall or by county or size class) and the export
//! of its answers as CSV or XLSX.

use super::share;
use crate::auth::PageUser;
use crate::error::AppResult;
use crate::reporting::completeness::breakdown;
use crate::reporting::{ReportingError, store, survey_results};
use crate::state::AppState;
use crate::web::{Frame, Nav, render};
use askama::Template;
use axum::extract::{Path, Query, State};
use axum::response::Response;
use samveis_domain::access::{Action, Resource};
use serde::Deserialize;

pub struct ResultLine {
    pub question: String,
    pub option: String,
    pub group: String,
    pub count: u32,
    pub answered: u32,
    pub share: String,
}

#[derive(Template)]
#[template(path = "reporting/results.html")]
struct ResultsPage {
    frame: Frame,
    round_id: i64,
    round: String,
    demo: bool,
    /// A demo round whose national figures follow published results.
    published: bool,
    by: &'static str,
    lines: Vec<ResultLine>,
}

#[derive(Debug, Default, Deserialize)]
pub struct ResultsQuery {
    pub etter: Option<String>,
}

pub async fn results(
    State(state): State<AppState>,
    PageUser(visitor, user): PageUser,
    Path(id): Path<i64>,
    Query(q): Query<ResultsQuery>,
) -> AppResult<Response> {
    user.require(Action::ViewRounds, &Resource::Any)?;
    let by = breakdown(q.etter.as_deref())?;
    let (round, results, published) = state
        .db
        .run(move |conn| {
            let round =
                store::round(conn, id)?.ok_or_else(|| ReportingError::NotFound(format!("Fant ikke runde {id}.")))?;
            let results = survey_results(conn, &round, by)?;
            let published = round.demo
                && store::template(conn, round.template_id)?
                    .is_some_and(|t| t.code == crate::reporting::demo::FOLLOWS_PUBLISHED);
            Ok::<_, ReportingError>((round, results, published))
        })
        .await?;
    let page = ResultsPage {
        frame: Frame::new(&visitor, format!("Resultater: {}", round.name), Nav::Reporting),
        round_id: round.id,
        round: round.name.clone(),
        demo: round.demo,
        published,
        by: by.map_or("alle", |b| b.code()),
        lines: results
            .into_iter()
            .map(|r| ResultLine {
                share: share(r.share),
                question: r.question,
                option: r.option,
                group: r.group,
                count: r.count,
                answered: r.answered,
            })
            .collect(),
    };
    Ok(render(&page))
}

/// `/rapportering/runder/{id}/eksport.csv` or `.xlsx`: the answers the user may see.
pub async fn export(
    State(state): State<AppState>,
    PageUser(_, user): PageUser,
    Path((id, file)): Path<(i64, String)>,
) -> AppResult<Response> {
    user.require(Action::ViewRounds, &Resource::Any)?;
    let actor = user.actor.clone();
    let table = state.db.run(move |conn| crate::reporting::export::round_table(conn, &actor, id)).await?;
    crate::exports::download(&table, &file, "eksport", &format!("runde-{id}"))
}
