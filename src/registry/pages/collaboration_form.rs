//! The collaboration form: new, edit and end. The form becomes a command here; the use cases
//! in `registry::collaborations` check access, validate and save.

use crate::auth::{CsrfForm, PageUser, SignedIn, Visitor};
use crate::context::Ctx;
use crate::error::{AppError, AppResult};
use crate::registry::RegistryError;
use crate::registry::collaborations::{self as collabs, CollaborationDetail, EditCollaboration, EndCollaboration};
use crate::registry::views::Choice;
use crate::state::AppState;
use crate::web::{Frame, Nav, format, render, render_with_status};
use askama::Template;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use samveis_domain::access::{Action, Principal, Resource};
use samveis_domain::registry::{CollaborationDraft, CollaborationError, CollaborationField, CollaborationKind, Layout};
use serde::Deserialize;
use std::collections::BTreeMap;

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
    /// The draft as typed; the domain validates it in the use case.
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
            map.entry(field_id(e.field())).or_default().push(format::capitalized(&e.to_string()));
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
    fn refused(mut self, error: RegistryError) -> Response {
        match error {
            RegistryError::Draft(errors) => {
                self.errors = FieldErrors::from_errors(&errors);
                self.frame.title = format!("Feil i skjema: {}", self.heading);
                render_with_status(StatusCode::UNPROCESSABLE_ENTITY, &self)
            }
            RegistryError::Invalid { field, message } => {
                self.errors = FieldErrors(BTreeMap::from([(field, vec![message])]));
                self.frame.title = format!("Feil i skjema: {}", self.heading);
                render_with_status(StatusCode::UNPROCESSABLE_ENTITY, &self)
            }
            RegistryError::Conflict(message) => {
                self.conflict = Some(message);
                render_with_status(StatusCode::CONFLICT, &self)
            }
            other => AppError::from(other).into_response(),
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

fn signed_in(visitor: &Visitor) -> AppResult<SignedIn> {
    visitor.user.clone().ok_or(AppError::Unauthenticated)
}

fn saved(id: i64) -> Response {
    Redirect::to(&format!("/samarbeid/{id}?lagret=1")).into_response()
}

pub async fn create_collaboration(
    State(state): State<AppState>,
    CsrfForm(visitor, form): CsrfForm<CollaborationForm>,
) -> AppResult<Response> {
    let user = signed_in(&visitor)?;
    user.require(Action::ManageCollaboration, &Resource::Any)?;
    let ctx = Ctx::user(&user, state.now());
    let draft = form.draft();
    let d = draft.clone();
    let result = state.db.run(move |conn| Ok::<_, AppError>(collabs::create(conn, &ctx, &d))).await?;
    Ok(match result {
        Ok(id) => saved(id),
        Err(e) => CollaborationFormPage::new(&visitor, None, draft, None).refused(e),
    })
}

pub async fn edit_collaboration(
    State(state): State<AppState>,
    PageUser(visitor, user): PageUser,
    Path(id): Path<i64>,
) -> AppResult<Response> {
    let who = Principal::User(user.actor.clone());
    let detail: CollaborationDetail = state.db.run(move |conn| collabs::load_for_change(conn, &who, id)).await?;
    let draft = CollaborationDraft::from(&detail.to_domain()?);
    Ok(render(&CollaborationFormPage::new(&visitor, Some(id), draft, Some(detail.version))))
}

pub async fn update_collaboration(
    State(state): State<AppState>,
    Path(id): Path<i64>,
    CsrfForm(visitor, form): CsrfForm<CollaborationForm>,
) -> AppResult<Response> {
    let user = signed_in(&visitor)?;
    let version = form.version.ok_or_else(|| AppError::BadRequest("Skjemaet mangler versjon.".into()))?;
    let edit = EditCollaboration { id, version, draft: form.draft() };
    let ctx = Ctx::user(&user, state.now());
    let e = edit.clone();
    let result = state.db.run(move |conn| Ok::<_, AppError>(collabs::update(conn, &ctx, &e))).await?;
    Ok(match result {
        Ok(()) => saved(id),
        Err(e) => CollaborationFormPage::new(&visitor, Some(id), edit.draft, Some(version)).refused(e),
    })
}

#[derive(Debug, Deserialize)]
pub struct EndForm {
    pub valid_to: String,
    pub version: i64,
}

/// Ending has no form page of its own: a refusal answers with its message.
pub async fn end_collaboration(
    State(state): State<AppState>,
    Path(id): Path<i64>,
    CsrfForm(visitor, form): CsrfForm<EndForm>,
) -> AppResult<Response> {
    let user = signed_in(&visitor)?;
    let end = EndCollaboration::new(id, form.version, &form.valid_to)?;
    let ctx = Ctx::user(&user, state.now());
    state.db.run(move |conn| collabs::end(conn, &ctx, &end)).await?;
    Ok(saved(id))
}
