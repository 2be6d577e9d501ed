//! Registry pages: municipalities, counties and collaborations, and the forms county officers
//! use to keep collaborations.

use super::collaborations::{self as collabs, CollaborationDetail, CollaborationSummary, SaveError};
use super::store::{self, CountyRow, Transition};
use super::views::{Choice, MunicipalityView, layout_choices, layout_param};
use crate::audit::{self, AuditEvent, AuditFilter};
use crate::auth::{CsrfForm, PageUser, Visitor};
use crate::error::{AppError, AppResult};
use crate::state::AppState;
use crate::web::{Frame, Nav, format, render, render_with_status, url_encode};
use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use samveis_domain::access::{Action, Resource};
use samveis_domain::registry::{
    CollaborationDraft, CollaborationError, CollaborationField, CollaborationKind, CountyNumber, Layout,
    MunicipalityFilter, MunicipalityNumber, MunicipalitySort, SizeClass, SortDirection,
};
use serde::Deserialize;
use std::collections::BTreeMap;

fn bad_layout(e: impl std::fmt::Display) -> AppError {
    AppError::BadRequest(format!("Ugyldig valg: {e}."))
}

// ---------- Municipalities ----------

#[derive(Debug, Default, Deserialize)]
pub struct MunicipalityQuery {
    pub inndeling: Option<String>,
    pub fylke: Option<String>,
    pub storrelse: Option<String>,
    pub q: Option<String>,
    pub sorter: Option<String>,
    pub retning: Option<String>,
}

/// A sortable column header: its link and `aria-sort` state.
pub struct SortHeader {
    pub label: &'static str,
    pub href: String,
    pub aria_sort: &'static str,
    pub numeric: bool,
}

#[derive(Template)]
#[template(path = "registry/municipalities.html")]
struct MunicipalitiesPage {
    frame: Frame,
    layout: Layout,
    layouts: Vec<Choice>,
    counties: Vec<Choice>,
    sizes: Vec<Choice>,
    query: String,
    headers: Vec<SortHeader>,
    rows: Vec<MunicipalityView>,
    count: usize,
    population_total: String,
    population_year: String,
}

fn parse_filter(q: &MunicipalityQuery) -> AppResult<MunicipalityFilter> {
    let county = match q.fylke.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
        Some(text) => Some(CountyNumber::parse(text).map_err(bad_layout)?),
        None => None,
    };
    let size_class = match q.storrelse.as_deref().filter(|s| !s.is_empty()) {
        Some(code) => Some(
            SizeClass::from_code(code)
                .ok_or_else(|| bad_layout(format!("ukjent størrelsesklasse «{code}» (liten, mellomstor, stor)")))?,
        ),
        None => None,
    };
    let sort = q.sorter.as_deref().and_then(MunicipalitySort::from_code).unwrap_or_default();
    let direction =
        if q.retning.as_deref() == Some("synkende") { SortDirection::Descending } else { SortDirection::Ascending };
    Ok(MunicipalityFilter { county, size_class, query: q.q.clone(), sort, direction })
}

fn sort_headers(q: &MunicipalityQuery, layout: Layout, filter: &MunicipalityFilter) -> Vec<SortHeader> {
    let columns = [
        ("Nummer", MunicipalitySort::Number, false),
        ("Navn", MunicipalitySort::Name, false),
        ("Fylke", MunicipalitySort::County, false),
        ("Innbyggere", MunicipalitySort::Population, true),
    ];
    columns
        .into_iter()
        .map(|(label, sort, numeric)| {
            let active = filter.sort == sort;
            let descending = active && filter.direction == SortDirection::Descending;
            let next = if active && !descending { "synkende" } else { "stigende" };
            let params = [
                ("inndeling", Some(layout.to_string())),
                ("fylke", q.fylke.clone()),
                ("storrelse", q.storrelse.clone()),
                ("q", q.q.clone()),
                ("sorter", Some(sort.code().to_string())),
                ("retning", Some(next.to_string())),
            ];
            let href = format!("/kommuner?{}", query_string(&params));
            let aria_sort = match (active, descending) {
                (false, _) => "none",
                (true, false) => "ascending",
                (true, true) => "descending",
            };
            SortHeader { label, href, aria_sort, numeric }
        })
        .collect()
}

pub fn query_string(params: &[(&str, Option<String>)]) -> String {
    params
        .iter()
        .filter_map(|(k, v)| v.as_deref().filter(|v| !v.is_empty()).map(|v| format!("{k}={}", url_encode(v))))
        .collect::<Vec<_>>()
        .join("&")
}

pub async fn municipalities(
    State(state): State<AppState>,
    visitor: Visitor,
    Query(q): Query<MunicipalityQuery>,
) -> AppResult<Response> {
    let layout = layout_param(q.inndeling.as_deref()).map_err(bad_layout)?;
    let filter = parse_filter(&q)?;
    let (all, counties) = state
        .db
        .run(move |conn| {
            Ok::<_, AppError>((store::municipality_rows(conn, layout)?, store::county_names(conn, layout)?))
        })
        .await?;
    let rows = filter.apply(all);
    let current_county = filter.county.as_ref().map(ToString::to_string).unwrap_or_default();
    let current_size = filter.size_class.map(|s| s.code()).unwrap_or_default();
    let total: Option<i64> = rows.iter().map(|r| r.population).sum();
    let page = MunicipalitiesPage {
        frame: Frame::new(&visitor, "Kommuner", Nav::Municipalities),
        layout,
        layouts: layout_choices(layout),
        counties: counties.iter().map(|(number, name)| Choice::new(number, name, &current_county)).collect(),
        sizes: SizeClass::ALL.into_iter().map(|s| Choice::new(s.code(), s.label(), current_size)).collect(),
        query: q.q.clone().unwrap_or_default(),
        headers: sort_headers(&q, layout, &filter),
        count: rows.len(),
        population_total: format::optional_number(total),
        population_year: rows.iter().filter_map(|r| r.population_year).max().map(|y| y.to_string()).unwrap_or_default(),
        rows: rows.iter().map(MunicipalityView::from).collect(),
    };
    Ok(render(&page))
}

#[derive(Debug, Default, Deserialize)]
pub struct LayoutQuery {
    pub inndeling: Option<String>,
}

#[derive(Template)]
#[template(path = "registry/municipality.html")]
struct MunicipalityPage {
    frame: Frame,
    layout: Layout,
    m: MunicipalityView,
    population_year: String,
    other_layouts: Vec<Layout>,
    population: Vec<(i32, String)>,
    collaborations: Vec<CollaborationRow>,
    transitions: Vec<Transition>,
    later: bool,
}

pub async fn municipality(
    State(state): State<AppState>,
    visitor: Visitor,
    Path(number): Path<String>,
    Query(q): Query<LayoutQuery>,
) -> AppResult<Response> {
    let number = MunicipalityNumber::parse(&number).map_err(|e| AppError::NotFound(format!("{e}.")))?;
    let asked = q.inndeling.as_deref().filter(|s| !s.is_empty()).map(Layout::parse).transpose().map_err(bad_layout)?;
    let today = state.today();
    let data = state
        .db
        .run(move |conn| {
            let layouts = store::layouts_with(conn, &number)?;
            // Without a choice, show the newest layout the number exists in.
            let Some(layout) = asked.or_else(|| layouts.last().copied()) else { return Ok(None) };
            let Some(row) = store::municipality_row(conn, layout, &number)? else { return Ok(None) };
            let population = store::population_by_year(conn, layout, &number)?;
            let collaborations = collabs::of_municipality(conn, layout, &number)?;
            let transitions = store::transitions(conn, layout, &number)?;
            Ok::<_, AppError>(Some((layout, layouts, row, population, collaborations, transitions)))
        })
        .await?;
    let Some((layout, layouts, row, population, collaborations, transitions)) = data else {
        return Err(AppError::NotFound("Fant ikke kommunen i denne inndelingen.".into()));
    };
    let page = MunicipalityPage {
        frame: Frame::new(&visitor, format!("{} kommune", row.name), Nav::Municipalities),
        layout,
        population_year: row.population_year.map(|y| y.to_string()).unwrap_or_default(),
        m: MunicipalityView::from(&row),
        other_layouts: layouts.into_iter().filter(|l| *l != layout).collect(),
        population: population.into_iter().map(|(y, p)| (y, format::number(p))).collect(),
        collaborations: collaborations.iter().map(|c| CollaborationRow::new(c, today)).collect(),
        later: layout != Layout::CURRENT,
        transitions,
    };
    Ok(render(&page))
}

// ---------- Counties ----------

pub struct CountyView {
    pub number: String,
    pub name: String,
    pub office: String,
    pub municipality_count: usize,
    pub population: String,
}

impl From<&CountyRow> for CountyView {
    fn from(c: &CountyRow) -> Self {
        CountyView {
            number: c.number.clone(),
            name: c.name.clone(),
            office: c.office_name.clone().unwrap_or_default(),
            municipality_count: c.municipality_count,
            population: format::optional_number(c.population),
        }
    }
}

#[derive(Template)]
#[template(path = "registry/counties.html")]
struct CountiesPage {
    frame: Frame,
    layout: Layout,
    layouts: Vec<Choice>,
    rows: Vec<CountyView>,
    municipality_total: usize,
    population_total: String,
    population_year: String,
}

pub async fn counties(
    State(state): State<AppState>,
    visitor: Visitor,
    Query(q): Query<LayoutQuery>,
) -> AppResult<Response> {
    let layout = layout_param(q.inndeling.as_deref()).map_err(bad_layout)?;
    let rows = state.db.run(move |conn| Ok::<_, AppError>(store::county_rows(conn, layout)?)).await?;
    let page = CountiesPage {
        frame: Frame::new(&visitor, "Fylker", Nav::Counties),
        layout,
        layouts: layout_choices(layout),
        municipality_total: rows.iter().map(|c| c.municipality_count).sum(),
        population_total: format::optional_number(rows.iter().map(|c| c.population).sum()),
        population_year: rows.iter().filter_map(|c| c.population_year).max().map(|y| y.to_string()).unwrap_or_default(),
        rows: rows.iter().map(CountyView::from).collect(),
    };
    Ok(render(&page))
}

#[derive(Template)]
#[template(path = "registry/county.html")]
struct CountyPage {
    frame: Frame,
    layout: Layout,
    layouts: Vec<Choice>,
    county: CountyView,
    population_year: String,
    municipalities: Vec<MunicipalityView>,
    collaborations: Vec<CollaborationRow>,
}

pub async fn county(
    State(state): State<AppState>,
    visitor: Visitor,
    Path(number): Path<String>,
    Query(q): Query<LayoutQuery>,
) -> AppResult<Response> {
    let layout = layout_param(q.inndeling.as_deref()).map_err(bad_layout)?;
    let number = CountyNumber::parse(&number).map_err(|e| AppError::NotFound(format!("{e}.")))?;
    let key = number.to_string();
    let data = state
        .db
        .run(move |conn| {
            let county = store::county_rows(conn, layout)?.into_iter().find(|c| c.number == key);
            let members: Vec<_> = store::municipality_rows(conn, layout)?
                .into_iter()
                .filter(|m| m.county_number.as_str() == key)
                .collect();
            let hosted: Vec<_> = collabs::list(conn)?
                .into_iter()
                .filter(|c| c.layout == layout && members.iter().any(|m| m.number.as_str() == c.host_number))
                .collect();
            Ok::<_, AppError>(county.map(|c| (c, members, hosted)))
        })
        .await?;
    let Some((county, members, hosted)) = data else {
        return Err(AppError::NotFound(format!("Fylke {number} finnes ikke i {layout}-inndelingen.")));
    };
    let filter = MunicipalityFilter::default();
    let today = state.today();
    let page = CountyPage {
        frame: Frame::new(&visitor, county.name.clone(), Nav::Counties),
        layout,
        layouts: layout_choices(layout),
        population_year: county.population_year.map(|y| y.to_string()).unwrap_or_default(),
        county: CountyView::from(&county),
        municipalities: filter.apply(members).iter().map(MunicipalityView::from).collect(),
        collaborations: hosted.iter().map(|c| CollaborationRow::new(c, today)).collect(),
    };
    Ok(render(&page))
}

// ---------- Collaborations ----------

pub struct CollaborationRow {
    pub id: i64,
    pub name: String,
    pub kind: &'static str,
    pub host_number: String,
    pub host_name: String,
    pub member_count: usize,
    pub layout: Layout,
    pub valid_from: String,
    pub valid_to: String,
    pub active: bool,
}

impl CollaborationRow {
    fn new(c: &CollaborationSummary, today: chrono::NaiveDate) -> Self {
        CollaborationRow {
            id: c.id,
            name: c.name.clone(),
            kind: c.kind.label(),
            host_number: c.host_number.clone(),
            host_name: c.host_name.clone(),
            member_count: c.member_count,
            layout: c.layout,
            valid_from: format::date(c.valid_from),
            valid_to: format::optional_date(c.valid_to),
            active: c.is_active_on(today),
        }
    }
}

#[derive(Debug, Default, Deserialize)]
pub struct CollaborationQuery {
    #[serde(rename = "type")]
    pub kind: Option<String>,
    pub status: Option<String>,
    pub q: Option<String>,
    pub lagret: Option<String>,
}

#[derive(Template)]
#[template(path = "registry/collaborations.html")]
struct CollaborationsPage {
    frame: Frame,
    kinds: Vec<Choice>,
    statuses: Vec<Choice>,
    query: String,
    rows: Vec<CollaborationRow>,
    may_create: bool,
}

pub async fn collaborations(
    State(state): State<AppState>,
    visitor: Visitor,
    Query(q): Query<CollaborationQuery>,
) -> AppResult<Response> {
    let all = state.db.run(|conn| Ok::<_, AppError>(collabs::list(conn)?)).await?;
    let today = state.today();
    let kind = q.kind.as_deref().and_then(CollaborationKind::from_code);
    let status = q.status.clone().unwrap_or_default();
    let text = q.q.clone().unwrap_or_default();
    let rows = all
        .iter()
        .filter(|c| kind.is_none_or(|k| c.kind == k))
        .filter(|c| match status.as_str() {
            "aktive" => c.is_active_on(today),
            "avsluttede" => !c.is_active_on(today),
            _ => true,
        })
        .filter(|c| {
            samveis_domain::registry::name_matches(&text, &c.name, &c.host_name)
                || c.host_number.starts_with(text.trim())
        })
        .map(|c| CollaborationRow::new(c, today))
        .collect();
    let kind_code = kind.map(|k| k.code()).unwrap_or_default();
    let page = CollaborationsPage {
        frame: Frame::new(&visitor, "Samarbeid", Nav::Collaborations),
        kinds: CollaborationKind::ALL.into_iter().map(|k| Choice::new(k.code(), k.label(), kind_code)).collect(),
        statuses: [("aktive", "Aktive"), ("avsluttede", "Avsluttede")]
            .into_iter()
            .map(|(v, l)| Choice::new(v, l, &status))
            .collect(),
        query: text,
        rows,
        may_create: visitor.may(Action::ManageCollaboration, &Resource::Any),
    };
    Ok(render(&page))
}

pub struct AuditView {
    pub at: String,
    pub actor: String,
    pub action: String,
    pub before: String,
    pub after: String,
}

impl From<&AuditEvent> for AuditView {
    fn from(e: &AuditEvent) -> Self {
        let pretty = |v: &Option<String>| {
            v.as_deref()
                .and_then(|s| serde_json::from_str::<serde_json::Value>(s).ok())
                .and_then(|v| serde_json::to_string_pretty(&v).ok())
                .unwrap_or_default()
        };
        AuditView {
            at: format::datetime(e.occurred_at),
            actor: e.actor.clone(),
            action: e.action.clone(),
            before: pretty(&e.before),
            after: pretty(&e.after),
        }
    }
}

#[derive(Template)]
#[template(path = "registry/collaboration.html")]
struct CollaborationPage {
    frame: Frame,
    c: CollaborationRow,
    office: String,
    note: String,
    members: Vec<super::collaborations::Member>,
    version: i64,
    may_manage: bool,
    today: String,
    history: Vec<AuditView>,
}

pub async fn collaboration(
    State(state): State<AppState>,
    visitor: Visitor,
    Path(id): Path<i64>,
    Query(q): Query<CollaborationQuery>,
) -> AppResult<Response> {
    let found = state
        .db
        .run(move |conn| {
            let Some(detail) = collabs::get(conn, id)? else { return Ok(None) };
            let office = match &detail.host_office {
                Some(code) => store::offices(conn)?.into_iter().find(|o| &o.code == code).map(|o| o.name),
                None => None,
            };
            let filter = AuditFilter {
                record_type: Some("samarbeid".into()),
                record_id: Some(id.to_string()),
                ..Default::default()
            };
            let history = audit::list(conn, &filter, 50)?;
            Ok::<_, AppError>(Some((detail, office, history)))
        })
        .await?;
    let Some((detail, office, history)) = found else {
        return Err(AppError::NotFound(format!("Fant ikke samarbeid {id}.")));
    };
    let offices: Vec<String> = detail.host_office.iter().cloned().collect();
    let may_manage = visitor.may(Action::ManageCollaboration, &Resource::InArea(&offices));
    let page = CollaborationPage {
        frame: Frame::new(&visitor, detail.summary.name.clone(), Nav::Collaborations)
            .with_notice(q.lagret.as_deref().map(|_| "Endringene er lagret.")),
        c: CollaborationRow::new(&detail.summary, state.today()),
        office: office.unwrap_or_default(),
        note: detail.note.clone(),
        members: detail.members.clone(),
        version: detail.version,
        may_manage,
        today: state.today().to_string(),
        history: if visitor.may(Action::ViewAuditLog, &Resource::InArea(&offices)) {
            history.iter().map(AuditView::from).collect()
        } else {
            Vec::new()
        },
    };
    Ok(render(&page))
}

/// The collaboration form as posted: the draft, plus the version it was based on.
#[derive(Debug, Default, Deserialize)]
pub struct CollaborationForm {
    #[serde(default)]
    pub name: String,
    #[serde(default)]
    pub kind: String,
    #[serde(default)]
    pub layout: String,
    #[serde(default)]
    pub host: String,
    #[serde(default)]
    pub members: String,
    #[serde(default)]
    pub valid_from: String,
    #[serde(default)]
    pub valid_to: String,
    #[serde(default)]
    pub note: String,
    #[serde(default)]
    pub version: Option<i64>,
}

impl CollaborationForm {
    fn draft(self) -> CollaborationDraft {
        CollaborationDraft {
            name: self.name,
            kind: self.kind,
            layout: self.layout,
            host: self.host,
            members: self.members,
            valid_from: self.valid_from,
            valid_to: self.valid_to,
            note: self.note,
        }
    }
}

pub struct FieldErrors(BTreeMap<&'static str, Vec<String>>);

impl FieldErrors {
    fn from_errors(errors: &[CollaborationError]) -> FieldErrors {
        let mut map: BTreeMap<&'static str, Vec<String>> = BTreeMap::new();
        for e in errors {
            map.entry(field_id(e.field())).or_default().push(capitalize(&e.to_string()));
        }
        FieldErrors(map)
    }

    pub fn get(&self, field: &str) -> Option<String> {
        self.0.get(field).map(|v| v.join(" "))
    }

    pub fn any(&self) -> bool {
        !self.0.is_empty()
    }

    /// (field id, message) in form order, for the error summary.
    pub fn summary(&self) -> Vec<(&'static str, String)> {
        FIELD_ORDER.iter().filter_map(|f| self.get(f).map(|m| (*f, m))).collect()
    }
}

const FIELD_ORDER: [&str; 8] = ["name", "kind", "layout", "host", "members", "valid_from", "valid_to", "note"];

fn field_id(f: CollaborationField) -> &'static str {
    match f {
        CollaborationField::Name => "name",
        CollaborationField::Kind => "kind",
        CollaborationField::Layout => "layout",
        CollaborationField::Host => "host",
        CollaborationField::Members => "members",
        CollaborationField::ValidFrom => "valid_from",
        CollaborationField::ValidTo => "valid_to",
        CollaborationField::Note => "note",
    }
}

fn capitalize(text: &str) -> String {
    let mut chars = text.chars();
    chars.next().map(|c| c.to_uppercase().chain(chars).collect::<String>() + ".").unwrap_or_default()
}

#[derive(Template)]
#[template(path = "registry/collaboration_form.html")]
struct CollaborationFormPage {
    frame: Frame,
    heading: String,
    action: String,
    draft: CollaborationDraft,
    kinds: Vec<Choice>,
    layouts: Vec<Choice>,
    errors: FieldErrors,
    conflict: Option<String>,
    version: Option<i64>,
    cancel: String,
}

impl CollaborationFormPage {
    fn new(visitor: &Visitor, id: Option<i64>, draft: CollaborationDraft, version: Option<i64>) -> Self {
        let heading = if id.is_some() { "Rediger samarbeid" } else { "Nytt samarbeid" };
        let kinds = CollaborationKind::ALL.into_iter().map(|k| Choice::new(k.code(), k.label(), &draft.kind)).collect();
        let layouts =
            Layout::ALL.into_iter().rev().map(|l| Choice::new(l.to_string(), l.to_string(), &draft.layout)).collect();
        CollaborationFormPage {
            frame: Frame::new(visitor, heading, Nav::Collaborations),
            heading: heading.into(),
            action: id.map_or("/samarbeid/ny".into(), |id| format!("/samarbeid/{id}/rediger")),
            cancel: id.map_or("/samarbeid".into(), |id| format!("/samarbeid/{id}")),
            draft,
            kinds,
            layouts,
            errors: FieldErrors(BTreeMap::new()),
            conflict: None,
            version,
        }
    }

    /// Re-renders what the user typed with the reason it was refused.
    fn refused(mut self, error: SaveError) -> Response {
        match error {
            SaveError::Invalid(errors) => {
                self.errors = FieldErrors::from_errors(&errors);
                self.frame.title = format!("Feil i skjema: {}", self.heading);
                render_with_status(StatusCode::UNPROCESSABLE_ENTITY, &self)
            }
            SaveError::Refused(AppError::Conflict(message)) => {
                self.conflict = Some(message);
                render_with_status(StatusCode::CONFLICT, &self)
            }
            SaveError::Refused(other) => other.into_response(),
        }
    }
}

pub async fn new_collaboration(PageUser(visitor, user): PageUser) -> AppResult<Response> {
    user.require(Action::ManageCollaboration, &Resource::Any)?;
    let draft = CollaborationDraft {
        kind: CollaborationKind::Project.code().into(),
        layout: Layout::CURRENT.to_string(),
        ..Default::default()
    };
    Ok(render(&CollaborationFormPage::new(&visitor, None, draft, None)))
}

fn signed_in(visitor: &Visitor) -> AppResult<crate::auth::SignedIn> {
    visitor.user.clone().ok_or(AppError::Unauthenticated)
}

pub async fn create_collaboration(
    State(state): State<AppState>,
    CsrfForm(visitor, form): CsrfForm<CollaborationForm>,
) -> AppResult<Response> {
    let user = signed_in(&visitor)?;
    user.require(Action::ManageCollaboration, &Resource::Any)?;
    let draft = form.draft();
    let now = state.now();
    let (actor, author, d) = (user.actor.clone(), user.author(), draft.clone());
    let result = state.db.run(move |conn| Ok::<_, AppError>(collabs::create(conn, &actor, &author, now, &d))).await?;
    Ok(match result {
        Ok(id) => Redirect::to(&format!("/samarbeid/{id}?lagret=1")).into_response(),
        Err(e) => CollaborationFormPage::new(&visitor, None, draft, None).refused(e),
    })
}

pub async fn edit_collaboration(
    State(state): State<AppState>,
    PageUser(visitor, user): PageUser,
    Path(id): Path<i64>,
) -> AppResult<Response> {
    let actor = user.actor.clone();
    let detail: CollaborationDetail = state.db.run(move |conn| collabs::load_for_change(conn, &actor, id)).await?;
    let draft = detail.to_domain().as_ref().map(CollaborationDraft::from).unwrap_or_default();
    Ok(render(&CollaborationFormPage::new(&visitor, Some(id), draft, Some(detail.version))))
}

pub async fn update_collaboration(
    State(state): State<AppState>,
    Path(id): Path<i64>,
    CsrfForm(visitor, form): CsrfForm<CollaborationForm>,
) -> AppResult<Response> {
    let user = signed_in(&visitor)?;
    let version = form.version.ok_or_else(|| AppError::BadRequest("Skjemaet mangler versjon.".into()))?;
    let draft = form.draft();
    let now = state.now();
    let (actor, author, d) = (user.actor.clone(), user.author(), draft.clone());
    let result = state
        .db
        .run(move |conn| Ok::<_, AppError>(collabs::update(conn, &actor, &author, now, id, version, &d)))
        .await?;
    Ok(match result {
        Ok(()) => Redirect::to(&format!("/samarbeid/{id}?lagret=1")).into_response(),
        Err(e) => CollaborationFormPage::new(&visitor, Some(id), draft, Some(version)).refused(e),
    })
}

#[derive(Debug, Deserialize)]
pub struct EndForm {
    pub valid_to: String,
    pub version: i64,
}

pub async fn end_collaboration(
    State(state): State<AppState>,
    Path(id): Path<i64>,
    CsrfForm(visitor, form): CsrfForm<EndForm>,
) -> AppResult<Response> {
    let user = signed_in(&visitor)?;
    let now = state.now();
    let (actor, author) = (user.actor.clone(), user.author());
    let result = state
        .db
        .run(move |conn| Ok::<_, AppError>(collabs::end(conn, &actor, &author, now, id, form.version, &form.valid_to)))
        .await?;
    match result {
        Ok(()) => Ok(Redirect::to(&format!("/samarbeid/{id}?lagret=1")).into_response()),
        Err(SaveError::Invalid(errors)) => {
            let message = errors.iter().map(|e| capitalize(&e.to_string())).collect::<Vec<_>>().join(" ");
            Err(AppError::BadRequest(message))
        }
        Err(SaveError::Refused(e)) => Err(e),
    }
}
