//! Pages for form templates: the list, one template with its preview, and for the programme
//! office the builder (start a template, add, change, reorder and remove sections, fields and
//! rules, make a new version of a frozen one).

use super::ReportingError;
use super::builder::{self, NewTemplate};
use super::pages::{FileLinks, SectionView, field_views};
use super::store::{self, TemplateRow};
use crate::auth::{CsrfForm, PageUser, Visitor};
use crate::context::Ctx;
use crate::error::{AppError, AppResult};
use crate::state::AppState;
use crate::web::{Frame, Nav, render, render_with_status};
use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use samveis_domain::access::{Action, Resource};
use samveis_domain::reporting::{
    Answers, CrossRule, Field, FieldKind, KIND_CODES, TemplateEdit, kind_code, kind_from_code, to_raw,
};
use serde::Deserialize;
use std::collections::BTreeMap;

#[derive(Template)]
#[template(path = "reporting/templates.html")]
struct TemplatesPage {
    frame: Frame,
    templates: Vec<(i64, String, i32, usize, bool)>,
    may_manage: bool,
    form: NewTemplateForm,
    error: Option<String>,
}

#[derive(Debug, Default, Deserialize)]
pub struct NewTemplateForm {
    #[serde(default)]
    pub code: String,
    #[serde(default)]
    pub name: String,
}

async fn templates_page(
    state: &AppState,
    visitor: &Visitor,
    form: NewTemplateForm,
    error: Option<String>,
) -> AppResult<Response> {
    let templates = state
        .db
        .run(|conn| {
            Ok::<_, AppError>(
                store::templates(conn)?
                    .into_iter()
                    .map(|t| (t.id, t.name.clone(), t.version, t.template.fields().count(), t.frozen))
                    .collect(),
            )
        })
        .await?;
    let status = if error.is_some() { StatusCode::UNPROCESSABLE_ENTITY } else { StatusCode::OK };
    let page = TemplatesPage {
        frame: Frame::new(visitor, "Skjemaer", Nav::Reporting),
        templates,
        may_manage: visitor.may(Action::ManageRounds, &Resource::Any),
        form,
        error,
    };
    Ok(render_with_status(status, &page))
}

pub async fn templates(State(state): State<AppState>, PageUser(visitor, user): PageUser) -> AppResult<Response> {
    user.require(Action::ViewRounds, &Resource::Any)?;
    templates_page(&state, &visitor, NewTemplateForm::default(), None).await
}

pub async fn create(
    State(state): State<AppState>,
    CsrfForm(visitor, form): CsrfForm<NewTemplateForm>,
) -> AppResult<Response> {
    let user = visitor.user.clone().ok_or(AppError::Unauthenticated)?;
    let ctx = Ctx::user(&user, state.now());
    let new = NewTemplate { code: form.code.clone(), name: form.name.clone() };
    let result = state.db.run(move |conn| Ok::<_, AppError>(builder::create(conn, &ctx, &new))).await?;
    match result {
        Ok(id) => Ok(Redirect::to(&format!("/rapportering/maler/{id}")).into_response()),
        Err(e @ ReportingError::Invalid(_)) => templates_page(&state, &visitor, form, Some(e.to_string())).await,
        Err(e) => Err(e.into()),
    }
}

/// A field as the builder lists it.
pub struct BuilderField {
    pub code: String,
    pub label: String,
    pub kind: &'static str,
    pub required: bool,
}

pub struct BuilderSection {
    pub index: usize,
    pub title: String,
    pub fields: Vec<BuilderField>,
}

/// The add/change field form, as typed.
#[derive(Debug, Default, Clone, Deserialize)]
pub struct BuilderForm {
    #[serde(default)]
    pub handling: String,
    #[serde(default, rename = "_rev")]
    pub rev: String,
    /// The field being changed (its code before the change).
    #[serde(default)]
    pub felt: String,
    #[serde(default)]
    pub seksjon: String,
    #[serde(default)]
    pub kode: String,
    #[serde(default)]
    pub ledetekst: String,
    #[serde(default)]
    pub hjelp: String,
    #[serde(default)]
    pub felttype: String,
    #[serde(default)]
    pub obligatorisk: String,
    #[serde(default)]
    pub min: String,
    #[serde(default)]
    pub maks: String,
    #[serde(default)]
    pub alternativer: String,
    #[serde(default)]
    pub rader: String,
    #[serde(default)]
    pub kolonner: String,
    #[serde(default)]
    pub tittel: String,
    #[serde(default)]
    pub navn: String,
    #[serde(default)]
    pub beskrivelse: String,
    #[serde(default)]
    pub venstre: String,
    #[serde(default)]
    pub hoyre: String,
    #[serde(default)]
    pub regel: String,
}

impl BuilderForm {
    /// The form prefilled from an existing field, for changing it.
    fn of_field(section: usize, f: &Field) -> BuilderForm {
        let (options, rows, columns) = match &f.kind {
            FieldKind::SingleChoice { options } | FieldKind::MultipleChoice { options } => {
                (options.join("\n"), String::new(), String::new())
            }
            FieldKind::Table { rows, columns } => (String::new(), rows.join("\n"), columns.join("\n")),
            _ => Default::default(),
        };
        BuilderForm {
            felt: f.code.clone(),
            seksjon: section.to_string(),
            kode: f.code.clone(),
            ledetekst: f.label.clone(),
            hjelp: f.help.clone(),
            felttype: kind_code(&f.kind).into(),
            obligatorisk: if f.required { "ja".into() } else { String::new() },
            min: f.min.map(|n| n.to_string()).unwrap_or_default(),
            maks: f.max.map(|n| n.to_string()).unwrap_or_default(),
            alternativer: options,
            rader: rows,
            kolonner: columns,
            ..Default::default()
        }
    }

    fn bound(text: &str, name: &str) -> Result<Option<i64>, ReportingError> {
        let t = text.trim().replace([' ', '\u{a0}'], "");
        if t.is_empty() {
            return Ok(None);
        }
        t.parse()
            .map(Some)
            .map_err(|_| ReportingError::invalid(name, format!("{name} «{}» er ikke et heltall.", text.trim())))
    }

    fn field(&self) -> Result<Field, ReportingError> {
        let lines = |t: &str| t.lines().map(str::trim).filter(|l| !l.is_empty()).map(str::to_string).collect();
        let kind = kind_from_code(&self.felttype, lines(&self.alternativer), lines(&self.rader), lines(&self.kolonner))
            .ok_or_else(|| ReportingError::invalid("felttype", format!("Ukjent felttype «{}».", self.felttype)))?;
        Ok(Field {
            code: self.kode.trim().to_string(),
            label: self.ledetekst.trim().to_string(),
            help: self.hjelp.trim().to_string(),
            required: self.obligatorisk == "ja",
            min: Self::bound(&self.min, "Minimum")?,
            max: Self::bound(&self.maks, "Maksimum")?,
            kind,
        })
    }

    fn index(text: &str) -> Result<usize, ReportingError> {
        text.trim().parse().map_err(|_| ReportingError::invalid("", format!("Ukjent nummer «{text}».")))
    }

    /// The edit this form asks for.
    fn edit(&self) -> Result<TemplateEdit, ReportingError> {
        let code = || self.felt.trim().to_string();
        Ok(match self.handling.as_str() {
            "beskriv" => TemplateEdit::Describe { name: self.navn.clone(), description: self.beskrivelse.clone() },
            "ny_seksjon" => TemplateEdit::AddSection { title: self.tittel.clone(), help: self.hjelp.clone() },
            "seksjon_opp" | "seksjon_ned" => {
                TemplateEdit::MoveSection { index: Self::index(&self.seksjon)?, up: self.handling == "seksjon_opp" }
            }
            "fjern_seksjon" => TemplateEdit::RemoveSection { index: Self::index(&self.seksjon)? },
            "nytt_felt" => TemplateEdit::AddField { section: Self::index(&self.seksjon)?, field: self.field()? },
            "lagre_felt" => TemplateEdit::ReplaceField { code: code(), field: self.field()? },
            "felt_opp" | "felt_ned" => TemplateEdit::MoveField { code: code(), up: self.handling == "felt_opp" },
            "fjern_felt" => TemplateEdit::RemoveField { code: code() },
            "ny_regel" => TemplateEdit::AddRule { left: self.venstre.clone(), right: self.hoyre.clone() },
            "fjern_regel" => TemplateEdit::RemoveRule { index: Self::index(&self.regel)? },
            other => return Err(ReportingError::invalid("handling", format!("Ukjent handling «{other}»."))),
        })
    }

    fn is_field_form(&self) -> bool {
        matches!(self.handling.as_str(), "nytt_felt" | "lagre_felt")
    }
}

#[derive(Template)]
#[template(path = "reporting/template.html")]
struct TemplatePage {
    frame: Frame,
    id: i64,
    name: String,
    version: i32,
    description: String,
    frozen: bool,
    may_edit: bool,
    may_manage: bool,
    revision: String,
    builder: Vec<BuilderSection>,
    rules: Vec<(usize, String)>,
    numeric: Vec<(String, String)>,
    kinds: Vec<(&'static str, &'static str)>,
    field_form: BuilderForm,
    errors: Vec<String>,
    sections: Vec<SectionView>,
}

fn kinds() -> Vec<(&'static str, &'static str)> {
    KIND_CODES.iter().filter_map(|c| kind_from_code(c, vec![], vec![], vec![]).map(|k| (*c, k.label()))).collect()
}

fn template_page(
    visitor: &Visitor,
    t: &TemplateRow,
    field_form: BuilderForm,
    errors: Vec<String>,
    notice: Option<&str>,
) -> TemplatePage {
    let may_manage = visitor.may(Action::ManageRounds, &Resource::Any);
    let label = |code: &str| t.template.field(code).map_or(code.to_string(), |f| f.label.clone());
    TemplatePage {
        frame: Frame::new(visitor, t.name.clone(), Nav::Reporting).with_notice(notice),
        id: t.id,
        name: t.name.clone(),
        version: t.version,
        description: t.template.description.clone(),
        frozen: t.frozen,
        may_edit: may_manage && !t.frozen,
        may_manage,
        revision: t.revision(),
        builder: t
            .template
            .sections
            .iter()
            .enumerate()
            .map(|(index, s)| BuilderSection {
                index,
                title: s.title.clone(),
                fields: s
                    .fields
                    .iter()
                    .map(|f| BuilderField {
                        code: f.code.clone(),
                        label: f.label.clone(),
                        kind: f.kind.label(),
                        required: f.required,
                    })
                    .collect(),
            })
            .collect(),
        rules: t
            .template
            .rules
            .iter()
            .enumerate()
            .map(|(i, CrossRule::AtMost { left, right })| {
                (i, format!("«{}» kan ikke være større enn «{}»", label(left), label(right)))
            })
            .collect(),
        numeric: t
            .template
            .fields()
            .filter(|f| f.kind.is_numeric())
            .map(|f| (f.code.clone(), f.label.clone()))
            .collect(),
        kinds: kinds(),
        field_form,
        errors,
        sections: field_views(
            &t.template,
            &to_raw(&t.template, &Answers::new()),
            &[],
            &FileLinks { submission: 0, files: &BTreeMap::new() },
        ),
    }
}

#[derive(Debug, Default, Deserialize)]
pub struct TemplateQuery {
    /// The field to change, prefilled in the field form.
    pub felt: Option<String>,
    pub endret: Option<String>,
}

async fn load(state: &AppState, id: i64) -> AppResult<TemplateRow> {
    state
        .db
        .run(move |conn| {
            store::template(conn, id)?.ok_or_else(|| AppError::NotFound(format!("Fant ikke skjema {id}.")))
        })
        .await
}

pub async fn template(
    State(state): State<AppState>,
    PageUser(visitor, user): PageUser,
    Path(id): Path<i64>,
    Query(q): Query<TemplateQuery>,
) -> AppResult<Response> {
    user.require(Action::ViewRounds, &Resource::Any)?;
    let t = load(&state, id).await?;
    let form = match q.felt.as_deref() {
        Some(code) => {
            let section = t.template.sections.iter().position(|s| s.fields.iter().any(|f| f.code == code));
            match (section, t.template.field(code)) {
                (Some(s), Some(f)) => BuilderForm::of_field(s, f),
                _ => return Err(AppError::NotFound(format!("Skjemaet har ikke feltet «{code}»."))),
            }
        }
        None => BuilderForm { felttype: "integer".into(), ..Default::default() },
    };
    let notice = q.endret.as_ref().map(|_| "Endringen er lagret.");
    Ok(render(&template_page(&visitor, &t, form, vec![], notice)))
}

pub async fn edit(
    State(state): State<AppState>,
    Path(id): Path<i64>,
    CsrfForm(visitor, form): CsrfForm<BuilderForm>,
) -> AppResult<Response> {
    let user = visitor.user.clone().ok_or(AppError::Unauthenticated)?;
    user.require(Action::ManageRounds, &Resource::Any)?;
    let result = match form.edit() {
        Ok(change) => {
            let (ctx, rev) = (Ctx::user(&user, state.now()), form.rev.clone());
            state.db.run(move |conn| Ok::<_, AppError>(builder::edit(conn, &ctx, id, &rev, change))).await?
        }
        Err(e) => Err(e),
    };
    let (errors, status) = match result {
        Ok(()) => return Ok(Redirect::to(&format!("/rapportering/maler/{id}?endret=1")).into_response()),
        Err(ReportingError::Invalid(errors)) => {
            (errors.into_iter().map(|e| e.message).collect(), StatusCode::UNPROCESSABLE_ENTITY)
        }
        Err(ReportingError::Refused(m)) => (vec![m], StatusCode::UNPROCESSABLE_ENTITY),
        Err(ReportingError::Conflict(m)) => (vec![m], StatusCode::CONFLICT),
        Err(e) => return Err(e.into()),
    };
    let t = load(&state, id).await?;
    let kept =
        if form.is_field_form() { form } else { BuilderForm { felttype: "integer".into(), ..Default::default() } };
    Ok(render_with_status(status, &template_page(&visitor, &t, kept, errors, None)))
}

pub async fn new_version(
    State(state): State<AppState>,
    Path(id): Path<i64>,
    CsrfForm(visitor, _): CsrfForm<crate::auth::EmptyForm>,
) -> AppResult<Response> {
    let user = visitor.user.clone().ok_or(AppError::Unauthenticated)?;
    let ctx = Ctx::user(&user, state.now());
    let new_id = state.db.run(move |conn| builder::new_version(conn, &ctx, id)).await?;
    Ok(Redirect::to(&format!("/rapportering/maler/{new_id}")).into_response())
}
