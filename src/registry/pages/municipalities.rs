//! The municipality list (filter, search, sort) and one municipality in a layout.

use super::{CollaborationRow, bad_layout};
use crate::auth::Visitor;
use crate::error::{AppError, AppResult};
use crate::registry::collaborations as collabs;
use crate::registry::store;
use crate::registry::views::{
    Choice, ElsewhereView, LineageStep, MunicipalityView, layout_choices, layout_param, lineage,
};
use crate::state::AppState;
use crate::web::{Frame, Nav, format, render, url_encode};
use askama::Template;
use axum::extract::{Path, Query, State};
use axum::response::Response;
use samveis_domain::registry::{
    CountyNumber, Layout, MunicipalityFilter, MunicipalityNumber, MunicipalitySort, SizeClass, SortDirection,
};
use serde::Deserialize;

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
    /// Municipalities of other layouts the search found (a former one: «Tjøme» on 2024).
    elsewhere: Vec<ElsewhereView>,
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
    let (all, counties, index) = state
        .db
        .run(move |conn| {
            let rows = store::municipality_rows(conn, layout)?;
            Ok::<_, AppError>((rows, store::county_names(conn, layout)?, store::name_index(conn)?))
        })
        .await?;
    let rows = filter.apply(all);
    let shown = rows.iter().map(|r| r.number.to_string()).collect();
    let query = q.q.as_deref().map(str::trim).filter(|q| q.chars().any(char::is_alphabetic));
    let elsewhere = query
        .map(|q| index.search_elsewhere(layout, q, &shown))
        .unwrap_or_default()
        .iter()
        .map(|e| ElsewhereView::new(layout, e.then, &index.lineage(e.then.layout, &e.then.number)))
        .collect();
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
        elsewhere,
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
    /// 2015 → 2020 → 2024: the municipalities of each layout this one lies in or came from.
    lineage: Vec<LineageStep>,
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
            let lineage = lineage(&store::name_index(conn)?.lineage(layout, number.as_str()));
            Ok::<_, AppError>(Some((layout, layouts, row, population, collaborations, lineage)))
        })
        .await?;
    let Some((layout, layouts, row, population, collaborations, lineage)) = data else {
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
        lineage,
    };
    Ok(render(&page))
}
