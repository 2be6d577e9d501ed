//! Application pages: the list of one's own applications (and, for the county, those to
//! decide), starting a draft, the application page, and saving or sending the draft.

use super::application_page::{Shown, after, application_page, load_page};
use super::{kr, own_units};
use crate::auth::{CsrfForm, PageUser};
use crate::context::Ctx;
use crate::db::DbConnection;
use crate::error::{AppError, AppResult};
use crate::grants::applications::{
    self as service, ApplicationContent, ApplicationForm, SaveApplication, Started, applicant_of, load,
};
use crate::grants::error::FieldProblem;
use crate::grants::store::{self, Application, Scheme};
use crate::grants::{GrantError, GrantResult};
use crate::state::AppState;
use crate::web::{Frame, Nav, format, render};
use askama::Template;
use axum::extract::{Path, Query, State};
use axum::response::{IntoResponse, Redirect, Response};
use samveis_domain::access::{Action, Actor, OrgUnit, Resource, may};
use samveis_domain::grants::ApplicationState;
use samveis_domain::registry::MunicipalityNumber;
use serde::Deserialize;

pub struct ApplicationLine {
    pub id: i64,
    pub scheme: String,
    pub year: i32,
    pub applicant: String,
    pub applied: String,
    pub state: &'static str,
    pub warnings: usize,
}

#[derive(Template)]
#[template(path = "grants/applications.html")]
struct ApplicationsPage {
    frame: Frame,
    mine: Vec<ApplicationLine>,
    to_decide: Vec<ApplicationLine>,
    open_schemes: Vec<(i64, String)>,
    units: Vec<(String, String)>,
}

fn unit_code(u: &OrgUnit) -> String {
    match u {
        OrgUnit::Municipality(n) => format!("kommune:{n}"),
        OrgUnit::Collaboration(id) => format!("samarbeid:{id}"),
    }
}

fn unit_of(code: &str) -> Option<OrgUnit> {
    match code.split_once(':')? {
        ("kommune", n) => MunicipalityNumber::parse(n).ok().map(OrgUnit::Municipality),
        ("samarbeid", id) => id.parse().ok().map(OrgUnit::Collaboration),
        _ => None,
    }
}

fn line(schemes: &[Scheme], a: &Application, warnings: usize) -> ApplicationLine {
    ApplicationLine {
        id: a.id,
        scheme: schemes.iter().find(|s| s.id == a.scheme_id).map(|s| s.name.clone()).unwrap_or_default(),
        year: a.year,
        applicant: a.applicant_name.clone(),
        applied: kr(a.applied),
        state: a.state.label(),
        warnings,
    }
}

/// The sent applications the actor may decide, with their screening warnings.
fn to_decide(conn: &mut DbConnection, actor: &Actor, schemes: &[Scheme]) -> GrantResult<Vec<ApplicationLine>> {
    let mut out = Vec::new();
    if !may(Some(actor), Action::ViewRounds, &Resource::Any) {
        return Ok(out);
    }
    for s in schemes {
        let sent = store::applications_of(conn, s.id)?
            .into_iter()
            .filter(|a| !a.historic && a.state == ApplicationState::Submitted);
        for a in sent {
            let loaded = load(conn, a.id)?;
            if loaded.may(Some(actor), Action::DecideGrant) {
                out.push(line(schemes, &a, loaded.warnings().len()));
            }
        }
    }
    Ok(out)
}

type Lists = (Vec<ApplicationLine>, Vec<ApplicationLine>, Vec<(i64, String)>, Vec<(String, String)>);

fn lists(conn: &mut DbConnection, actor: &Actor, units: &[OrgUnit]) -> GrantResult<Lists> {
    let schemes = store::schemes(conn)?;
    let mut mine = Vec::new();
    let mut unit_names = Vec::new();
    for u in units {
        let who = applicant_of(conn, u)?;
        unit_names.push((unit_code(u), who.name));
        for a in store::applications_of_applicant(conn, who.kind, &who.id)? {
            mine.push(line(&schemes, &a, 0));
        }
    }
    let to_decide = to_decide(conn, actor, &schemes)?;
    let open = schemes
        .iter()
        .filter(|s| !s.closed)
        .map(|s| {
            let deadline = s
                .application_deadline
                .map_or("ingen søknadsfrist".into(), |d| format!("søknadsfrist {}", format::date(d)));
            (s.id, format!("{} ({deadline})", s.name))
        })
        .collect();
    Ok((mine, to_decide, open, unit_names))
}

#[derive(Debug, Default, Deserialize)]
pub struct ListQuery {
    pub slettet: Option<String>,
}

pub async fn applications(
    State(state): State<AppState>,
    PageUser(visitor, user): PageUser,
    Query(q): Query<ListQuery>,
) -> AppResult<Response> {
    let units = own_units(&visitor);
    let actor = user.actor.clone();
    let (mine, to_decide, open_schemes, units) = state.db.run(move |conn| lists(conn, &actor, &units)).await?;
    let page = ApplicationsPage {
        frame: Frame::new(&visitor, "Søknader om tilskudd", Nav::Grants)
            .with_notice(q.slettet.is_some().then_some("Utkastet er slettet.")),
        mine,
        to_decide,
        open_schemes,
        units,
    };
    Ok(render(&page))
}

#[derive(Debug, Deserialize)]
pub struct StartForm {
    #[serde(default)]
    pub scheme: i64,
    #[serde(default)]
    pub unit: String,
}

/// Starts a draft, or takes the applicant to the one it already has for the scheme and year.
pub async fn start(State(state): State<AppState>, CsrfForm(visitor, form): CsrfForm<StartForm>) -> AppResult<Response> {
    let user = visitor.user.clone().ok_or(AppError::Unauthenticated)?;
    let unit = unit_of(&form.unit).ok_or_else(|| AppError::BadRequest("Velg hvem det søkes for.".into()))?;
    let ctx = Ctx::user(&user, state.now());
    let started = state.db.run(move |conn| service::start_application(conn, &ctx, form.scheme, &unit)).await?;
    Ok(match started {
        Started::New(id) => Redirect::to(&format!("/tilskudd/soknader/{id}")),
        Started::Existing(id) => Redirect::to(&format!("/tilskudd/soknader/{id}?lagret=finnes")),
    }
    .into_response())
}

#[derive(Debug, Deserialize)]
pub struct DeleteForm {
    #[serde(default)]
    pub version: i64,
    /// "ja" when the owner confirmed that the draft is to go.
    #[serde(default)]
    pub bekreft: Option<String>,
}

/// Deletes a draft once its owner has confirmed it; back to the list with a notice.
pub async fn delete(
    State(state): State<AppState>,
    Path(id): Path<i64>,
    CsrfForm(visitor, f): CsrfForm<DeleteForm>,
) -> AppResult<Response> {
    let user = visitor.user.clone().ok_or(AppError::Unauthenticated)?;
    let ctx = Ctx::user(&user, state.now());
    let confirmed = f.bekreft.as_deref() == Some("ja");
    let result = state
        .db
        .run(move |conn| {
            if !confirmed {
                service::authorize(conn, &ctx, id, Action::EditApplication)?;
                let message = "Kryss av for å bekrefte at utkastet skal slettes.";
                return Err(GrantError::invalid("bekreft", message));
            }
            service::delete_draft(conn, &ctx, id, f.version)
        })
        .await;
    match result {
        Ok(()) => Ok(Redirect::to("/tilskudd/soknader?slettet=1").into_response()),
        Err(e) => {
            let heading = "Utkastet ble ikke slettet:";
            after(&state, &visitor, id, Err::<(), _>(e), "", |problems| Shown {
                problems,
                heading,
                ..Default::default()
            })
            .await
        }
    }
}

#[derive(Debug, Default, Deserialize)]
pub struct NoticeQuery {
    pub lagret: Option<String>,
}

fn notice(flag: Option<&str>) -> Option<&'static str> {
    Some(match flag? {
        "sendt" => "Søknaden er sendt inn.",
        "vedtak" => "Vedtaket er lagret.",
        "akseptert" => "Tilskuddet er akseptert.",
        "bokfort" => "Posten er ført.",
        "anmodning" => "Anmodningen om utbetaling er sendt.",
        "behandlet" => "Anmodningen er behandlet.",
        "dokument" => "Dokumentet er lagret.",
        "finnes" => "Du har allerede et utkast til denne ordningen for dette året. Her er det; fortsett på det.",
        _ => "Utkastet er lagret.",
    })
}

pub async fn application(
    State(state): State<AppState>,
    PageUser(visitor, user): PageUser,
    Path(id): Path<i64>,
    Query(q): Query<NoticeQuery>,
) -> AppResult<Response> {
    let (loaded, extra) = load_page(&state, Some(user.actor.clone()), id).await?;
    let shown = Shown { notice: notice(q.lagret.as_deref()), ..Default::default() };
    Ok(render(&application_page(&visitor, &loaded, &extra, shown)))
}

#[derive(Debug, Clone, Deserialize)]
pub struct SaveForm {
    #[serde(flatten)]
    pub form: ApplicationForm,
    #[serde(default)]
    pub version: i64,
    /// "send" sends the draft in; anything else saves it.
    #[serde(default)]
    pub handling: String,
}

impl SaveForm {
    /// The command, with the amounts that did not read (the service adds what sending lacks).
    pub(super) fn read(&self) -> (SaveApplication, Vec<FieldProblem>) {
        let (content, problems) = ApplicationContent::read(&self.form);
        (SaveApplication { version: self.version, content, send: self.handling == "send" }, problems)
    }
}

pub async fn save(
    State(state): State<AppState>,
    Path(id): Path<i64>,
    CsrfForm(visitor, f): CsrfForm<SaveForm>,
) -> AppResult<Response> {
    let user = visitor.user.clone().ok_or(AppError::Unauthenticated)?;
    let send = f.handling == "send";
    let ctx = Ctx::user(&user, state.now());
    let (c, problems) = f.read();
    let result = state.db.run(move |conn| service::save_application_with(conn, &ctx, id, &c, problems)).await;
    let flag = if send { "sendt" } else { "1" };
    let heading =
        if send { "Søknaden ble ikke sendt. Rett opp dette:" } else { "Utkastet ble ikke lagret. Rett opp dette:" };
    after(&state, &visitor, id, result, flag, |problems| Shown {
        form: Some(f.form),
        problems,
        heading,
        ..Default::default()
    })
    .await
}
