//! "Mine rapporter": the submissions of the org units the signed-in user answers for.

use super::period_label;
use crate::auth::PageUser;
use crate::error::{AppError, AppResult};
use crate::reporting::store::{self, RoundRow, SubmissionRow};
use crate::state::AppState;
use crate::web::{Frame, Nav, format, render};
use askama::Template;
use axum::extract::State;
use axum::response::Response;
use samveis_domain::access::{Action, Actor, OrgUnit, Resource, Role, Scope};
use samveis_domain::reporting::Delivery;
use std::collections::BTreeMap;

pub struct SubmissionLine {
    pub id: i64,
    pub round: String,
    pub org: String,
    pub period: String,
    pub deadline: String,
    pub state: &'static str,
    pub status: &'static str,
    pub demo: bool,
}

pub fn line(s: &SubmissionRow, round: &RoundRow, today: chrono::NaiveDate) -> SubmissionLine {
    let at = if s.state.delivered() { s.submitted_at } else { None };
    SubmissionLine {
        id: s.id,
        round: round.name.clone(),
        org: s.org.name.clone(),
        period: period_label(&round.period),
        deadline: format::date(round.deadline),
        state: s.state.label(),
        status: Delivery::of(at, round.deadline, today).label(),
        demo: round.demo,
    }
}

#[derive(Template)]
#[template(path = "reporting/mine.html")]
struct MinePage {
    frame: Frame,
    lines: Vec<SubmissionLine>,
    may_view_rounds: bool,
    may_manage_rounds: bool,
}

/// The org units an actor answers for.
pub fn own_units(actor: &Actor) -> Vec<OrgUnit> {
    actor
        .assignments
        .iter()
        .filter_map(|a| match (&a.role, &a.scope) {
            (Role::MunicipalEditor, Scope::Municipality(n)) => Some(OrgUnit::Municipality(n.clone())),
            (Role::ProjectLeader, Scope::Collaboration(id)) => Some(OrgUnit::Collaboration(*id)),
            _ => None,
        })
        .collect()
}

/// The org units an actor answers for, as stored (kind, id): for callers outside reporting
/// that still hold the pair.
pub fn own_orgs(actor: &Actor) -> Vec<(String, String)> {
    own_units(actor)
        .iter()
        .map(|u| {
            let (kind, id) = u.stored();
            (kind.to_string(), id)
        })
        .collect()
}

pub async fn mine(State(state): State<AppState>, PageUser(visitor, user): PageUser) -> AppResult<Response> {
    let orgs = own_units(&user.actor);
    let today = state.today();
    let lines = state
        .db
        .run(move |conn| {
            let rounds: BTreeMap<i64, RoundRow> = store::rounds(conn)?.into_iter().map(|r| (r.id, r)).collect();
            let subs = store::submissions_of_orgs(conn, &orgs)?;
            Ok::<_, AppError>(subs.iter().filter_map(|s| rounds.get(&s.round_id).map(|r| line(s, r, today))).collect())
        })
        .await?;
    let page = MinePage {
        frame: Frame::new(&visitor, "Mine rapporter", Nav::Reporting),
        lines,
        may_view_rounds: visitor.may(Action::ViewRounds, &Resource::Any),
        may_manage_rounds: visitor.may(Action::ManageRounds, &Resource::Any),
    };
    Ok(render(&page))
}
