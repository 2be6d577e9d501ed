//! Grant pages: the schemes (public: published figures), a scheme with its county table and
//! grants, the distribution form for the programme office, and applications with decision,
//! acceptance and ledger.

use super::store::{self, Application, Scheme};
use super::{AID_TYPES, ApplicationForm, DecisionForm, GrantLine, Loaded, SchemeOverview, Split};
use crate::auth::{CsrfForm, PageUser, Visitor};
use crate::error::{AppError, AppResult};
use crate::state::AppState;
use crate::web::{Frame, Nav, format, render, render_with_status};
use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use samveis_domain::access::{Action, OrgUnit, Resource};
use samveis_domain::grants::{EntryKind, Weights};
use samveis_domain::registry::Layout;
use serde::Deserialize;

fn kr(n: Option<i64>) -> String {
    n.map(format::kroner).unwrap_or_else(|| "–".into())
}

pub fn recipients_label(code: &str) -> &'static str {
    match code {
        "projects" => "Prosjekter",
        "undertakings" => "Foretak",
        _ => "Kommuner",
    }
}

pub fn state_label(code: &str) -> &'static str {
    match code {
        "draft" => "Utkast",
        "submitted" => "Sendt inn",
        "granted" => "Innvilget",
        "rejected" => "Avslått",
        _ => "Ukjent",
    }
}

// ---------- Schemes ----------

pub struct SchemeLine {
    pub id: i64,
    pub name: String,
    pub owner: String,
    pub post: String,
    pub years: String,
    pub open: bool,
}

fn years(s: &Scheme) -> String {
    match s.last_year {
        Some(y) if y == s.first_year => y.to_string(),
        Some(y) => format!("{}–{y}", s.first_year),
        None => format!("fra {}", s.first_year),
    }
}

fn post(s: &Scheme) -> String {
    if s.budget_chapter.is_empty() {
        "–".into()
    } else {
        format!("kap. {}, post {}", s.budget_chapter, s.budget_post)
    }
}

#[derive(Template)]
#[template(path = "grants/schemes.html")]
struct SchemesPage {
    frame: Frame,
    schemes: Vec<SchemeLine>,
    may_apply: bool,
    may_manage: bool,
    form: super::SchemeForm,
    error: Option<String>,
}

pub async fn schemes(State(state): State<AppState>, visitor: Visitor) -> AppResult<Response> {
    schemes_page(
        &state,
        &visitor,
        super::SchemeForm { recipients: "municipalities".into(), ..Default::default() },
        None,
    )
    .await
}

async fn schemes_page(
    state: &AppState,
    visitor: &Visitor,
    form: super::SchemeForm,
    error: Option<String>,
) -> AppResult<Response> {
    let list = state.db.run(|conn| Ok::<_, AppError>(store::schemes(conn)?)).await?;
    let schemes = list
        .iter()
        .map(|s| SchemeLine {
            id: s.id,
            name: s.name.clone(),
            owner: s.owner.clone(),
            post: post(s),
            years: years(s),
            open: !s.closed,
        })
        .collect();
    let status = if error.is_some() { StatusCode::UNPROCESSABLE_ENTITY } else { StatusCode::OK };
    let page = SchemesPage {
        frame: Frame::new(visitor, "Tilskudd", Nav::Grants),
        schemes,
        may_apply: !own_units(visitor).is_empty(),
        may_manage: visitor.may(Action::ManageGrants, &Resource::Any),
        form,
        error,
    };
    Ok(render_with_status(status, &page))
}

pub async fn create_scheme(
    State(state): State<AppState>,
    CsrfForm(visitor, form): CsrfForm<super::SchemeForm>,
) -> AppResult<Response> {
    let user = visitor.user.clone().ok_or(AppError::Unauthenticated)?;
    let (now, actor, author, f) = (state.now(), user.actor.clone(), user.author(), form.clone());
    match state.db.run(move |conn| Ok::<_, AppError>(super::create_scheme(conn, &actor, &author, now, &f))).await? {
        Ok(id) => Ok(Redirect::to(&format!("/tilskudd/{id}/fordeling")).into_response()),
        Err(AppError::BadRequest(m)) => schemes_page(&state, &visitor, form, Some(m)).await,
        Err(e) => Err(e),
    }
}

pub async fn close_scheme(
    State(state): State<AppState>,
    Path(id): Path<i64>,
    CsrfForm(visitor, _): CsrfForm<crate::auth::EmptyForm>,
) -> AppResult<Response> {
    let user = visitor.user.clone().ok_or(AppError::Unauthenticated)?;
    let (now, actor, author) = (state.now(), user.actor.clone(), user.author());
    state.db.run(move |conn| super::close_scheme(conn, &actor, &author, now, id)).await?;
    Ok(Redirect::to(&format!("/tilskudd/{id}")).into_response())
}

/// The org units the visitor applies for.
fn own_units(visitor: &Visitor) -> Vec<OrgUnit> {
    visitor
        .user
        .iter()
        .flat_map(|u| crate::reporting::pages::own_orgs(&u.actor))
        .filter_map(|(kind, id)| crate::reporting::org_unit_of(&kind, &id))
        .collect()
}

pub struct CountyView {
    pub number: String,
    pub name: String,
    pub key: String,
    pub applied: String,
    pub granted: String,
    pub difference: String,
}

pub struct FrameView {
    pub year: i32,
    pub amount: String,
    pub basis: String,
    pub lines: Vec<CountyView>,
    pub key_sum: String,
    pub applied_sum: String,
    pub granted_sum: String,
    pub warnings: Vec<String>,
}

pub struct GrantView {
    pub application_id: i64,
    pub year: i32,
    pub recipient: String,
    pub county: String,
    pub state: &'static str,
    pub applied: String,
    pub granted: String,
    pub targets: String,
    pub passed_on: String,
    pub paid: String,
    pub payable: String,
    pub demo_paid: bool,
}

#[derive(Template)]
#[template(path = "grants/scheme.html")]
struct SchemePage {
    frame: Frame,
    scheme: Scheme,
    post: String,
    years: String,
    recipients: &'static str,
    frames: Vec<FrameView>,
    grants: Vec<GrantView>,
    totals: (String, String, String),
    demo: bool,
    may_manage: bool,
    may_apply: bool,
}

fn frame_view(f: &store::Frame, t: &samveis_domain::grants::FrameTable) -> FrameView {
    let basis = match (&f.weights, f.population_year) {
        (Some(w), year) => {
            let weights = Weights::parse(w).map(|w| w.to_string()).unwrap_or_else(|_| w.clone());
            format!(
                "Fordelt med nøkkel: {weights}{}, {}-inndelingen.",
                year.map(|y| format!(", befolkning {y}")).unwrap_or_default(),
                f.layout
            )
        }
        (None, _) => format!("Fordelt manuelt (eller som oppgitt i kilden), {}-inndelingen.", f.layout),
    };
    FrameView {
        year: f.year,
        amount: format::kroner(f.amount),
        basis,
        lines: t
            .lines
            .iter()
            .map(|l| CountyView {
                number: l.county_number.clone(),
                name: l.county_name.clone(),
                key: kr(l.key),
                applied: kr(l.applied),
                granted: format::kroner(l.granted),
                difference: kr(l.difference),
            })
            .collect(),
        key_sum: format::kroner(t.key_sum),
        applied_sum: kr(t.applied_sum),
        granted_sum: format::kroner(t.granted_sum),
        warnings: t.warnings.clone(),
    }
}

fn grant_view(g: &GrantLine, counties: &std::collections::BTreeMap<(i32, String), String>) -> GrantView {
    let d = g.decision.as_ref();
    GrantView {
        application_id: g.application.id,
        year: g.application.year,
        recipient: g.application.applicant_name.clone(),
        county: counties
            .get(&(g.application.layout, g.application.county_number.clone()))
            .cloned()
            .unwrap_or_else(|| g.application.county_number.clone()),
        state: state_label(&g.application.state),
        applied: kr(g.application.applied),
        granted: kr(d.map(|d| d.granted)),
        targets: d
            .map(|d| {
                d.target_figures
                    .iter()
                    .map(|t| format!("{} {}", format::number(t.quantity), t.technology))
                    .collect::<Vec<_>>()
                    .join(", ")
            })
            .unwrap_or_default(),
        passed_on: d
            .filter(|d| !d.sub_allocations.is_empty())
            .map(|d| {
                d.sub_allocations
                    .iter()
                    .map(|s| format!("{} {}", s.name, format::kroner(s.amount)))
                    .collect::<Vec<_>>()
                    .join(", ")
            })
            .unwrap_or_default(),
        paid: format::kroner(g.balance.net_paid()),
        payable: format::kroner(g.balance.payable()),
        demo_paid: false,
    }
}

pub async fn scheme(State(state): State<AppState>, visitor: Visitor, Path(id): Path<i64>) -> AppResult<Response> {
    let (overview, counties, demo_paid) = state
        .db
        .run(move |conn| {
            let overview = super::overview(conn, id)?;
            let mut counties = std::collections::BTreeMap::new();
            for layout in Layout::ALL {
                for (n, name) in crate::registry::store::county_names(conn, layout)? {
                    counties.insert((layout.year(), n), name);
                }
            }
            let demo: std::collections::BTreeSet<i64> =
                store::entries_of_scheme(conn, id)?.into_iter().filter(|e| e.demo).map(|e| e.decision_id).collect();
            Ok::<_, AppError>((overview, counties, demo))
        })
        .await?;
    let SchemeOverview { scheme, frames, grants } = overview;
    let granted: i64 = grants.iter().map(|g| g.balance.granted - g.balance.withdrawn).sum();
    let paid: i64 = grants.iter().map(|g| g.balance.net_paid()).sum();
    let payable: i64 = grants.iter().map(|g| g.balance.payable()).sum();
    let views: Vec<GrantView> = grants
        .iter()
        .map(|g| GrantView {
            demo_paid: g.decision.as_ref().is_some_and(|d| demo_paid.contains(&d.id)),
            ..grant_view(g, &counties)
        })
        .collect();
    let page = SchemePage {
        frame: Frame::new(&visitor, scheme.name.clone(), Nav::Grants),
        post: post(&scheme),
        years: years(&scheme),
        recipients: recipients_label(&scheme.recipients),
        frames: frames.iter().map(|(f, t)| frame_view(f, t)).collect(),
        demo: views.iter().any(|g| g.demo_paid) || scheme.name.contains("demodata"),
        grants: views,
        totals: (format::kroner(granted), format::kroner(paid), format::kroner(payable)),
        may_manage: visitor.may(Action::ManageGrants, &Resource::Any),
        may_apply: !scheme.closed && !own_units(&visitor).is_empty(),
        scheme,
    };
    Ok(render(&page))
}

// ---------- Distribution ----------

#[derive(Debug, Default, Clone, Deserialize)]
pub struct DistributionForm {
    #[serde(default)]
    pub year: String,
    #[serde(default)]
    pub amount: String,
    #[serde(default)]
    pub layout: String,
    #[serde(default)]
    pub population_year: String,
    #[serde(default)]
    pub weights: String,
    /// "key" or "hand"
    #[serde(default)]
    pub mode: String,
    /// By hand: "county number;amount" per line.
    #[serde(default)]
    pub by_hand: String,
    /// "prov" tries the key without saving.
    #[serde(default)]
    pub handling: String,
}

pub struct PreviewLine {
    pub number: String,
    pub name: String,
    pub population: String,
    pub municipalities: String,
    pub amount: String,
}

#[derive(Template)]
#[template(path = "grants/distribution.html")]
struct DistributionPage {
    frame: Frame,
    scheme: Scheme,
    form: DistributionForm,
    preview: Vec<PreviewLine>,
    preview_sum: String,
    error: Option<String>,
}

struct Parsed {
    year: i32,
    amount: i64,
    layout: Layout,
    split: Split,
}

fn parse_form(f: &DistributionForm) -> Result<Parsed, AppError> {
    let bad = |m: String| AppError::BadRequest(m);
    let year: i32 = f.year.trim().parse().map_err(|_| bad(format!("År «{}» er ikke et årstall.", f.year.trim())))?;
    let amount = super::parse_kroner("Ramme", &f.amount)?.ok_or_else(|| bad("Rammen mangler.".into()))?;
    let layout = f
        .layout
        .trim()
        .parse::<i32>()
        .ok()
        .and_then(|y| Layout::from_year(y).ok())
        .ok_or_else(|| bad(format!("Inndeling «{}» finnes ikke; velg 2015, 2020 eller 2024.", f.layout.trim())))?;
    let split = if f.mode == "hand" {
        let mut rows = Vec::new();
        for (i, line) in f.by_hand.lines().map(str::trim).enumerate().filter(|(_, l)| !l.is_empty()) {
            let (county, value) =
                line.split_once(';').ok_or_else(|| bad(format!("Linje {}: skriv «fylkesnummer;beløp».", i + 1)))?;
            rows.push((county.trim().to_string(), super::parse_kroner(&format!("Linje {}", i + 1), value)?));
        }
        Split::ByHand(rows)
    } else {
        let weights = Weights::parse(&f.weights).map_err(|e| bad(crate::web::format::capitalized(&e.to_string())))?;
        let population_year = match f.population_year.trim() {
            "" => None,
            y => Some(y.parse().map_err(|_| bad(format!("Befolkningsår «{y}» er ikke et årstall.")))?),
        };
        Split::Key { weights, population_year }
    };
    Ok(Parsed { year, amount, layout, split })
}

async fn distribution_page(
    state: &AppState,
    visitor: &Visitor,
    id: i64,
    form: DistributionForm,
    error: Option<String>,
    try_key: bool,
) -> AppResult<Response> {
    let f2 = form.clone();
    let (scheme, preview, error) = state
        .db
        .run(move |conn| {
            let scheme =
                store::scheme(conn, id)?.ok_or_else(|| AppError::NotFound(format!("Fant ikke ordning {id}.")))?;
            let mut preview = Vec::new();
            let mut error = error;
            if try_key && error.is_none() {
                match parse_form(&f2) {
                    Ok(Parsed { amount, layout, split: Split::Key { weights, population_year }, .. }) => {
                        match super::distribution(conn, amount, layout, population_year, weights) {
                            Ok(rows) => preview = rows,
                            Err(AppError::BadRequest(m)) => error = Some(m),
                            Err(e) => return Err(e),
                        }
                    }
                    Ok(_) => {}
                    Err(AppError::BadRequest(m)) => error = Some(m),
                    Err(e) => return Err(e),
                }
            }
            Ok::<_, AppError>((scheme, preview, error))
        })
        .await?;
    let sum: i64 = preview.iter().map(|(_, a)| a).sum();
    let status = if error.is_some() { StatusCode::UNPROCESSABLE_ENTITY } else { StatusCode::OK };
    let page = DistributionPage {
        frame: Frame::new(visitor, format!("Ramme og fordeling: {}", scheme.name), Nav::Grants),
        scheme,
        form,
        preview: preview
            .into_iter()
            .map(|(b, a)| PreviewLine {
                number: b.number,
                name: b.name,
                population: format::number(b.population),
                municipalities: b.municipalities.to_string(),
                amount: format::kroner(a),
            })
            .collect(),
        preview_sum: format::kroner(sum),
        error,
    };
    Ok(render_with_status(status, &page))
}

pub async fn distribution_form(
    State(state): State<AppState>,
    PageUser(visitor, user): PageUser,
    Path(id): Path<i64>,
    Query(form): Query<DistributionForm>,
) -> AppResult<Response> {
    user.require(Action::ManageGrants, &Resource::Any)?;
    let tried = !form.amount.is_empty();
    let form = if tried {
        form
    } else {
        DistributionForm {
            layout: "2024".into(),
            population_year: "2026".into(),
            weights: "population=50,municipalities=50,equal=0".into(),
            mode: "key".into(),
            ..form
        }
    };
    distribution_page(&state, &visitor, id, form, None, tried).await
}

pub async fn save_distribution(
    State(state): State<AppState>,
    Path(id): Path<i64>,
    CsrfForm(visitor, form): CsrfForm<DistributionForm>,
) -> AppResult<Response> {
    let user = visitor.user.clone().ok_or(AppError::Unauthenticated)?;
    user.require(Action::ManageGrants, &Resource::Any)?;
    if form.handling == "prov" {
        return distribution_page(&state, &visitor, id, form, None, true).await;
    }
    let parsed = match parse_form(&form) {
        Ok(p) => p,
        Err(AppError::BadRequest(m)) => return distribution_page(&state, &visitor, id, form, Some(m), false).await,
        Err(e) => return Err(e),
    };
    let (now, actor, author) = (state.now(), user.actor.clone(), user.author());
    let result = state
        .db
        .run(move |conn| {
            Ok::<_, AppError>(super::save_frame(
                conn,
                Some(&actor),
                &author,
                now,
                id,
                parsed.year,
                parsed.amount,
                parsed.layout,
                parsed.split,
            ))
        })
        .await?;
    match result {
        Ok(_) => Ok(Redirect::to(&format!("/tilskudd/{id}")).into_response()),
        Err(AppError::BadRequest(m)) => distribution_page(&state, &visitor, id, form, Some(m), false).await,
        Err(e) => Err(e),
    }
}

// ---------- Applications ----------

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
        ("kommune", n) => samveis_domain::registry::MunicipalityNumber::parse(n).ok().map(OrgUnit::Municipality),
        ("samarbeid", id) => id.parse().ok().map(OrgUnit::Collaboration),
        _ => None,
    }
}

pub async fn applications(State(state): State<AppState>, PageUser(visitor, user): PageUser) -> AppResult<Response> {
    let units = own_units(&visitor);
    let actor = user.actor.clone();
    let units2 = units.clone();
    let (mine, to_decide, open_schemes, unit_names) = state
        .db
        .run(move |conn| {
            let schemes = store::schemes(conn)?;
            let name_of = |id: i64| schemes.iter().find(|s| s.id == id).map(|s| s.name.clone()).unwrap_or_default();
            let line = |a: &Application, warnings: usize| ApplicationLine {
                id: a.id,
                scheme: name_of(a.scheme_id),
                year: a.year,
                applicant: a.applicant_name.clone(),
                applied: kr(a.applied),
                state: state_label(&a.state),
                warnings,
            };
            let mut mine = Vec::new();
            let mut unit_names = Vec::new();
            for u in &units2 {
                let (kind, id, name, _, _) = super::applicant_of(conn, u)?;
                unit_names.push((unit_code(u), name));
                for a in store::applications_of_applicant(conn, &kind, &id)? {
                    mine.push(line(&a, 0));
                }
            }
            let mut to_decide = Vec::new();
            if samveis_domain::access::may(Some(&actor), Action::ViewRounds, &Resource::Any) {
                for s in &schemes {
                    for a in store::applications_of(conn, s.id)?
                        .into_iter()
                        .filter(|a| !a.historic && a.state == "submitted")
                    {
                        let loaded = super::load(conn, a.id)?;
                        if loaded.may(Some(&actor), Action::DecideGrant) {
                            to_decide.push(line(&a, loaded.warnings().len()));
                        }
                    }
                }
            }
            let open = schemes.iter().filter(|s| !s.closed).map(|s| (s.id, s.name.clone())).collect();
            Ok::<_, AppError>((mine, to_decide, open, unit_names))
        })
        .await?;
    let page = ApplicationsPage {
        frame: Frame::new(&visitor, "Søknader om tilskudd", Nav::Grants),
        mine,
        to_decide,
        open_schemes,
        units: unit_names,
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

pub async fn start(State(state): State<AppState>, CsrfForm(visitor, form): CsrfForm<StartForm>) -> AppResult<Response> {
    let user = visitor.user.clone().ok_or(AppError::Unauthenticated)?;
    let unit = unit_of(&form.unit).ok_or_else(|| AppError::BadRequest("Velg hvem det søkes for.".into()))?;
    let (now, actor, author) = (state.now(), user.actor.clone(), user.author());
    let id = state.db.run(move |conn| super::start_application(conn, &actor, &author, now, form.scheme, &unit)).await?;
    Ok(Redirect::to(&format!("/tilskudd/soknader/{id}")).into_response())
}

pub struct EntryView {
    pub id: i64,
    pub kind: &'static str,
    pub amount: String,
    pub date: String,
    pub note: String,
    pub demo: bool,
    pub reversible: bool,
}

#[derive(Template)]
#[template(path = "grants/application.html")]
struct ApplicationPage {
    frame: Frame,
    a: Application,
    scheme: String,
    scheme_id: i64,
    state: &'static str,
    applied: String,
    own_financing: String,
    form: ApplicationForm,
    editable: bool,
    warnings: Vec<&'static str>,
    may_decide: bool,
    may_accept: bool,
    may_record: bool,
    decision: Option<store::Decision>,
    decision_granted: String,
    decision_aid: &'static str,
    decision_date: String,
    accepted: String,
    entries: Vec<EntryView>,
    balance: (String, String, String, String),
    kinds: Vec<(&'static str, &'static str)>,
    aid_types: Vec<(&'static str, &'static str)>,
    decision_form: DecisionForm,
    requests: Vec<RequestView>,
    /// Attached documents: (link, purpose, name and size).
    documents: Vec<(String, &'static str, String)>,
    /// The decision's target figures and sub-allocations, formatted.
    target_rows: Vec<(String, String, String, String)>,
    sub_rows: Vec<(String, String)>,
    may_request: bool,
    request_form: super::payments::RequestForm,
    de_minimis: Option<String>,
    error: Option<String>,
}

pub struct RequestView {
    pub id: i64,
    pub kind: &'static str,
    pub amount: String,
    pub invoice: String,
    pub costs: String,
    pub status_text: String,
    pub report: Option<i64>,
    pub state: &'static str,
    pub state_code: String,
    pub comment: String,
    pub version: i64,
}

struct Shown {
    form: Option<ApplicationForm>,
    decision_form: Option<DecisionForm>,
    error: Option<String>,
    notice: Option<&'static str>,
}

impl Shown {
    fn error(message: String) -> Shown {
        Shown { form: None, decision_form: None, error: Some(message), notice: None }
    }
}

/// What the page needs beyond the loaded application.
struct Extra {
    requests: Vec<super::payments::PaymentRequest>,
    documents: Vec<crate::files::FileInfo>,
    de_minimis: Option<samveis_domain::grants::DeMinimis>,
}

async fn load_page(
    state: &AppState,
    actor: Option<samveis_domain::access::Actor>,
    id: i64,
) -> AppResult<(Loaded, Extra)> {
    let today = state.today();
    state
        .db
        .run(move |conn| {
            let l = super::load_visible(conn, actor.as_ref(), id)?;
            let requests = super::payments::of_application(conn, id)?;
            let documents = super::documents::list(conn, id)?;
            let decides = l.may(actor.as_ref(), Action::DecideGrant);
            let amount = l.decision.as_ref().map(|d| d.granted).or(l.application.applied).unwrap_or(0);
            let de_minimis = if decides { Some(super::de_minimis_check(conn, &l, amount, today)?) } else { None };
            Ok::<_, AppError>((l, Extra { requests, documents, de_minimis }))
        })
        .await
}

fn application_page(visitor: &Visitor, l: &Loaded, extra: &Extra, shown: Shown) -> ApplicationPage {
    let actor = visitor.actor();
    let d = l.decision.as_ref();
    let b = l.balance();
    let reversed: std::collections::BTreeSet<i64> = l.entries.iter().filter_map(|e| e.reverses).collect();
    ApplicationPage {
        frame: Frame::new(visitor, format!("Søknad: {}", l.application.applicant_name), Nav::Grants)
            .with_notice(shown.notice),
        scheme: l.scheme.name.clone(),
        scheme_id: l.scheme.id,
        state: state_label(&l.application.state),
        applied: kr(l.application.applied),
        own_financing: kr(l.application.own_financing),
        form: shown.form.unwrap_or_else(|| ApplicationForm::of(&l.application)),
        editable: l.may(actor, Action::EditApplication),
        warnings: if l.may(actor, Action::DecideGrant) {
            l.warnings().iter().map(|w| w.message()).collect()
        } else {
            vec![]
        },
        may_decide: l.may(actor, Action::DecideGrant) && l.application.state == "submitted" && !l.scheme.closed,
        may_accept: l.may(actor, Action::AcceptGrant) && d.is_some_and(|d| d.accepted_at.is_none()),
        may_record: l.may(actor, Action::DecideGrant) && d.is_some(),
        decision_granted: kr(d.map(|d| d.granted)),
        decision_aid: d.and_then(|d| AID_TYPES.iter().find(|(c, _)| *c == d.aid_type)).map_or("", |(_, l)| l),
        decision_date: d.map(|d| format::date(d.decided_on)).unwrap_or_default(),
        accepted: d.and_then(|d| d.accepted_at).map(format::datetime).unwrap_or_default(),
        entries: l
            .entries
            .iter()
            .map(|e| EntryView {
                id: e.id,
                kind: EntryKind::from_code(&e.kind).map_or("Ukjent", EntryKind::label),
                amount: format::kroner(e.amount),
                date: format::date(e.entry_date),
                note: e.note.clone(),
                demo: e.demo,
                reversible: e.kind != "granted" && e.reverses.is_none() && !reversed.contains(&e.id),
            })
            .collect(),
        balance: (
            format::kroner(b.granted - b.withdrawn),
            format::kroner(b.net_paid()),
            format::kroner(b.payable()),
            format::kroner(b.carried_over),
        ),
        kinds: [EntryKind::Paid, EntryKind::CarriedOver, EntryKind::Repaid, EntryKind::Withdrawn]
            .into_iter()
            .map(|k| (k.code(), k.label()))
            .collect(),
        aid_types: AID_TYPES.to_vec(),
        decision_form: shown.decision_form.unwrap_or_else(|| DecisionForm {
            granted: l.application.applied.map(|n| n.to_string()).unwrap_or_default(),
            aid_type: "not_state_aid".into(),
            version: l.application.version,
            ..Default::default()
        }),
        requests: extra
            .requests
            .iter()
            .map(|r| RequestView {
                id: r.id,
                kind: if r.final_payment { "Sluttutbetaling" } else { "Delutbetaling" },
                amount: format::kroner(r.amount),
                invoice: format!("{} ({})", r.invoice_number, format::date(r.invoice_date)),
                costs: format::kroner(r.costs_to_date),
                status_text: r.status_text.clone(),
                report: r.report_submission_id,
                state: super::payments::state_label(&r.state),
                state_code: r.state.clone(),
                comment: r.reviewer_comment.clone(),
                version: r.version,
            })
            .collect(),
        documents: extra
            .documents
            .iter()
            .map(|f| {
                let link = format!("/tilskudd/soknader/{}/dokument/{}", l.application.id, f.sha256);
                (link, super::documents::label(&f.field), format!("{} ({})", f.file_name, format::file_size(f.size)))
            })
            .collect(),
        target_rows: d
            .map(|d| {
                d.target_figures
                    .iter()
                    .map(|t| (format::number(t.quantity), t.technology.clone(), t.unit.clone(), t.due.map(format::date).unwrap_or_default()))
                    .collect()
            })
            .unwrap_or_default(),
        sub_rows: d.map(|d| d.sub_allocations.iter().map(|s| (s.name.clone(), format::kroner(s.amount))).collect()).unwrap_or_default(),
        may_request: l.may(actor, Action::AcceptGrant) && d.is_some_and(|d| d.accepted_at.is_some()),
        request_form: super::payments::RequestForm::default(),
        de_minimis: extra.de_minimis.as_ref().map(|m| {
            format!(
                "Bagatellmessig støtte de siste tre årene (fra {}): vedtatt {}, erklært {}, denne saken {}; i alt {} mot taket {}{}.",
                format::date(m.from),
                format::kroner(m.decided),
                format::kroner(m.declared),
                format::kroner(m.this_decision),
                format::kroner(m.total()),
                format::kroner(m.ceiling),
                if m.exceeds() { " – over taket" } else { "" }
            )
        }),
        decision: l.decision.clone(),
        a: l.application.clone(),
        error: shown.error,
    }
}

#[derive(Debug, Default, Deserialize)]
pub struct NoticeQuery {
    pub lagret: Option<String>,
}

pub async fn application(
    State(state): State<AppState>,
    PageUser(visitor, user): PageUser,
    Path(id): Path<i64>,
    Query(q): Query<NoticeQuery>,
) -> AppResult<Response> {
    let (loaded, extra) = load_page(&state, Some(user.actor.clone()), id).await?;
    let notice = match q.lagret.as_deref() {
        Some("sendt") => Some("Søknaden er sendt inn."),
        Some("vedtak") => Some("Vedtaket er lagret."),
        Some("akseptert") => Some("Tilskuddet er akseptert."),
        Some("bokfort") => Some("Posten er ført."),
        Some("anmodning") => Some("Anmodningen om utbetaling er sendt."),
        Some("behandlet") => Some("Anmodningen er behandlet."),
        Some("dokument") => Some("Dokumentet er lagret."),
        Some(_) => Some("Utkastet er lagret."),
        None => None,
    };
    Ok(render(&application_page(
        &visitor,
        &loaded,
        &extra,
        Shown { form: None, decision_form: None, error: None, notice },
    )))
}

/// After an action on an application: back to it with a notice, or the page again with the
/// refusal named (and what was typed, through `shown`).
async fn after(
    state: &AppState,
    visitor: &Visitor,
    id: i64,
    result: Result<(), AppError>,
    flag: &str,
    shown: impl FnOnce(String) -> Shown,
) -> AppResult<Response> {
    match result {
        Ok(()) => Ok(Redirect::to(&format!("/tilskudd/soknader/{id}?lagret={flag}")).into_response()),
        Err(AppError::BadRequest(m)) => refused(state, visitor, id, shown(m), StatusCode::UNPROCESSABLE_ENTITY).await,
        Err(AppError::Conflict(m)) => refused(state, visitor, id, shown(m), StatusCode::CONFLICT).await,
        Err(e) => Err(e),
    }
}

async fn refused(
    state: &AppState,
    visitor: &Visitor,
    id: i64,
    shown: Shown,
    status: StatusCode,
) -> AppResult<Response> {
    let (loaded, extra) = load_page(state, visitor.actor().cloned(), id).await?;
    Ok(render_with_status(status, &application_page(visitor, &loaded, &extra, shown)))
}

#[derive(Debug, Deserialize)]
pub struct SaveForm {
    #[serde(flatten)]
    pub form: ApplicationForm,
    #[serde(default)]
    pub version: i64,
    #[serde(default)]
    pub handling: String,
}

pub async fn save(
    State(state): State<AppState>,
    Path(id): Path<i64>,
    CsrfForm(visitor, f): CsrfForm<SaveForm>,
) -> AppResult<Response> {
    let user = visitor.user.clone().ok_or(AppError::Unauthenticated)?;
    let send = f.handling == "send";
    let (now, actor, author, form) = (state.now(), user.actor.clone(), user.author(), f.form.clone());
    let result = state
        .db
        .run(move |conn| {
            Ok::<_, AppError>(super::save_application(conn, &actor, &author, now, id, f.version, &form, send))
        })
        .await?;
    let flag = if send { "sendt" } else { "1" };
    after(&state, &visitor, id, result, flag, |m| Shown {
        form: Some(f.form),
        decision_form: None,
        error: Some(m),
        notice: None,
    })
    .await
}

pub async fn decide(
    State(state): State<AppState>,
    Path(id): Path<i64>,
    CsrfForm(visitor, form): CsrfForm<DecisionForm>,
) -> AppResult<Response> {
    let user = visitor.user.clone().ok_or(AppError::Unauthenticated)?;
    let (now, actor, author, f) = (state.now(), user.actor.clone(), user.author(), form.clone());
    let result =
        state.db.run(move |conn| Ok::<_, AppError>(super::decide(conn, Some(&actor), &author, now, id, &f))).await?;
    after(&state, &visitor, id, result, "vedtak", |m| Shown {
        form: None,
        decision_form: Some(form),
        error: Some(m),
        notice: None,
    })
    .await
}

pub async fn accept(
    State(state): State<AppState>,
    Path(id): Path<i64>,
    CsrfForm(visitor, _): CsrfForm<crate::auth::EmptyForm>,
) -> AppResult<Response> {
    let user = visitor.user.clone().ok_or(AppError::Unauthenticated)?;
    let (now, actor, author) = (state.now(), user.actor.clone(), user.author());
    let result = state.db.run(move |conn| Ok::<_, AppError>(super::accept(conn, &actor, &author, now, id))).await?;
    after(&state, &visitor, id, result, "akseptert", Shown::error).await
}

#[derive(Debug, Deserialize)]
pub struct EntryForm {
    #[serde(default)]
    pub kind: String,
    #[serde(default)]
    pub amount: String,
    #[serde(default)]
    pub date: String,
    #[serde(default)]
    pub note: String,
    /// Set to reverse that entry instead.
    #[serde(default)]
    pub reverse: Option<i64>,
}

pub async fn record(
    State(state): State<AppState>,
    Path(id): Path<i64>,
    CsrfForm(visitor, f): CsrfForm<EntryForm>,
) -> AppResult<Response> {
    let user = visitor.user.clone().ok_or(AppError::Unauthenticated)?;
    let (now, actor, author) = (state.now(), user.actor.clone(), user.author());
    let result = state
        .db
        .run(move |conn| {
            if let Some(entry) = f.reverse {
                return Ok::<_, AppError>(super::reverse(conn, &actor, &author, now, id, entry));
            }
            let parsed = (|| {
                let kind = EntryKind::from_code(&f.kind)
                    .filter(|k| *k != EntryKind::Granted)
                    .ok_or_else(|| AppError::BadRequest("Velg hva som skal føres.".into()))?;
                let amount = super::parse_kroner("Beløp", &f.amount)?
                    .ok_or_else(|| AppError::BadRequest("Beløpet mangler.".into()))?;
                let date = chrono::NaiveDate::parse_from_str(f.date.trim(), "%Y-%m-%d").map_err(|_| {
                    AppError::BadRequest(format!("Datoen «{}» er ikke gyldig (ÅÅÅÅ-MM-DD).", f.date.trim()))
                })?;
                Ok::<_, AppError>((kind, amount, date))
            })();
            Ok(parsed.and_then(|(kind, amount, date)| {
                super::record(conn, Some(&actor), &author, now, id, kind, amount, date, &f.note, false).map(|_| ())
            }))
        })
        .await?;
    after(&state, &visitor, id, result, "bokfort", Shown::error).await
}

pub async fn export(State(state): State<AppState>, Path((id, file)): Path<(i64, String)>) -> AppResult<Response> {
    let table = state.db.run(move |conn| super::overview(conn, id).map(|o| super::export::grants_table(&o))).await?;
    crate::exports::download(&table, &file, "tilsagn", &format!("tilsagn-{id}"))
}

pub async fn letter(
    State(state): State<AppState>,
    PageUser(_, user): PageUser,
    Path(id): Path<i64>,
) -> AppResult<Response> {
    let (actor, now) = (user.actor.clone(), state.now());
    let pdf = state.db.run(move |conn| super::grant_letter(conn, Some(&actor), id, now)).await?;
    Ok(crate::exports::attachment("application/pdf", &format!("tilskuddsbrev-{id}.pdf"), pdf))
}

pub async fn request_payment(
    State(state): State<AppState>,
    Path(id): Path<i64>,
    CsrfForm(visitor, form): CsrfForm<super::payments::RequestForm>,
) -> AppResult<Response> {
    let user = visitor.user.clone().ok_or(AppError::Unauthenticated)?;
    let (now, actor, author, f) = (state.now(), user.actor.clone(), user.author(), form.clone());
    let result =
        state.db.run(move |conn| Ok::<_, AppError>(super::payments::send(conn, &actor, &author, now, id, &f))).await?;
    match result {
        Ok(_) => Ok(Redirect::to(&format!("/tilskudd/soknader/{id}?lagret=anmodning")).into_response()),
        Err(AppError::BadRequest(m)) => {
            let (loaded, extra) = load_page(&state, visitor.actor().cloned(), id).await?;
            let mut page = application_page(&visitor, &loaded, &extra, Shown::error(m));
            page.request_form = form;
            Ok(render_with_status(StatusCode::UNPROCESSABLE_ENTITY, &page))
        }
        Err(e) => Err(e),
    }
}

#[derive(Debug, Deserialize)]
pub struct HandleForm {
    #[serde(default)]
    pub handling: String,
    #[serde(default)]
    pub kommentar: String,
    #[serde(default)]
    pub version: i64,
}

pub async fn handle_payment(
    State(state): State<AppState>,
    Path((id, request)): Path<(i64, i64)>,
    CsrfForm(visitor, f): CsrfForm<HandleForm>,
) -> AppResult<Response> {
    let user = visitor.user.clone().ok_or(AppError::Unauthenticated)?;
    let (now, actor, author) = (state.now(), user.actor.clone(), user.author());
    let result = state
        .db
        .run(move |conn| {
            Ok::<_, AppError>(super::payments::handle(
                conn,
                &actor,
                &author,
                now,
                id,
                request,
                f.version,
                &f.handling,
                &f.kommentar,
            ))
        })
        .await?;
    after(&state, &visitor, id, result, "behandlet", Shown::error).await
}

async fn upload_document(
    state: &AppState,
    visitor: &Visitor,
    id: i64,
    multipart: axum::extract::Multipart,
    purpose: &'static str,
) -> AppResult<Response> {
    let user = visitor.user.clone().ok_or(AppError::Unauthenticated)?;
    let (control, upload) = crate::files::read_form(multipart).await?;
    visitor.check_csrf(control.get("_csrf").map(String::as_str))?;
    let upload = upload.unwrap_or(crate::files::Upload { file_name: String::new(), bytes: vec![] });
    let (now, actor, author) = (state.now(), user.actor.clone(), user.author());
    let result = state
        .db
        .run(move |conn| Ok::<_, AppError>(super::documents::attach(conn, &actor, &author, now, id, purpose, &upload)))
        .await?;
    let flag = if purpose == super::documents::SIGNED_LETTER { "akseptert" } else { "dokument" };
    after(state, visitor, id, result, flag, Shown::error).await
}

pub async fn anchoring_document(
    State(state): State<AppState>,
    Path(id): Path<i64>,
    visitor: Visitor,
    multipart: axum::extract::Multipart,
) -> AppResult<Response> {
    upload_document(&state, &visitor, id, multipart, super::documents::ANCHORING).await
}

pub async fn signed_letter(
    State(state): State<AppState>,
    Path(id): Path<i64>,
    visitor: Visitor,
    multipart: axum::extract::Multipart,
) -> AppResult<Response> {
    upload_document(&state, &visitor, id, multipart, super::documents::SIGNED_LETTER).await
}

pub async fn document(
    State(state): State<AppState>,
    PageUser(_, user): PageUser,
    Path((id, sha256)): Path<(i64, String)>,
) -> AppResult<Response> {
    let actor = user.actor.clone();
    let (info, bytes) = state.db.run(move |conn| super::documents::download(conn, Some(&actor), id, &sha256)).await?;
    Ok(crate::exports::attachment(&info.content_type, &info.file_name, bytes))
}
