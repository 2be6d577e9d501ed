//! Reporting pages: "Mine rapporter", rounds with completeness, the submission form with its
//! review, opening a round, and the templates.

use super::store::{self, RoundRow, SubmissionRow};
use super::{Audience, Breakdown, Loaded, RoundSpec, SaveError};
use crate::auth::{CsrfBody, CsrfForm, PageUser};
use crate::error::{AppError, AppResult};
use crate::state::AppState;
use crate::web::{Frame, Nav, format, render, render_with_status};
use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use samveis_domain::access::{Action, Resource, Role, Scope};
use samveis_domain::reporting::{
    CompletenessRow, Event, FieldError, FieldKind, FormTemplate, Period, RawAnswers, State as SubmissionState,
    TrafficLight, format_hundredths, to_raw,
};
use serde::Deserialize;
use std::collections::BTreeMap;

fn share(value: Option<u32>) -> String {
    value.map(|v| format!("{} %", format_hundredths(i64::from(v)))).unwrap_or_else(|| "–".into())
}

pub(crate) fn period_label(code: &str) -> String {
    Period::parse(code).map(|p| p.label()).unwrap_or_else(|_| code.to_string())
}

// ---------- Mine rapporter ----------

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

pub(crate) fn line(s: &SubmissionRow, round: &RoundRow, today: chrono::NaiveDate) -> SubmissionLine {
    let state = SubmissionState::from_code(&s.state).unwrap_or(SubmissionState::Draft);
    let at = if state.delivered() { s.submitted_at } else { None };
    SubmissionLine {
        id: s.id,
        round: round.name.clone(),
        org: s.org.name.clone(),
        period: period_label(&round.period),
        deadline: format::date(round.deadline),
        state: state.label(),
        status: samveis_domain::reporting::Delivery::of(at, round.deadline, today).label(),
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

/// The org units an actor answers for, as (kind, id).
pub(crate) fn own_orgs(actor: &samveis_domain::access::Actor) -> Vec<(String, String)> {
    actor
        .assignments
        .iter()
        .filter_map(|a| match (&a.role, &a.scope) {
            (Role::MunicipalEditor, Scope::Municipality(n)) => Some(("municipality".into(), n.to_string())),
            (Role::ProjectLeader, Scope::Collaboration(id)) => Some(("collaboration".into(), id.to_string())),
            _ => None,
        })
        .collect()
}

pub async fn mine(State(state): State<AppState>, PageUser(visitor, user): PageUser) -> AppResult<Response> {
    let orgs = own_orgs(&user.actor);
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

// ---------- Rounds ----------

pub struct RoundLine {
    pub id: i64,
    pub name: String,
    pub period: String,
    pub deadline: String,
    pub reviewer: &'static str,
    pub expected: u32,
    pub delivered: u32,
    pub share: String,
    pub demo: bool,
}

#[derive(Template)]
#[template(path = "reporting/rounds.html")]
struct RoundsPage {
    frame: Frame,
    rounds: Vec<RoundLine>,
    may_manage: bool,
}

/// Round lines with completeness, shared by the page and the CLI.
pub fn round_lines(
    conn: &mut crate::db::DbConnection,
    today: chrono::NaiveDate,
    rounds: Vec<store::RoundRow>,
) -> Result<Vec<RoundLine>, AppError> {
    let mut out = Vec::new();
    for r in rounds {
        let rows = super::completeness(conn, &r, today, Breakdown::County)?;
        let total = rows.last().map(|t| t.counts.clone()).unwrap_or_default();
        out.push(RoundLine {
            id: r.id,
            name: r.name.clone(),
            period: period_label(&r.period),
            deadline: format::date(r.deadline),
            reviewer: super::reviewer_label(&r.reviewer),
            expected: total.expected,
            delivered: total.delivered,
            share: share(total.delivered_share()),
            demo: r.demo,
        });
    }
    Ok(out)
}

pub async fn rounds(State(state): State<AppState>, PageUser(visitor, user): PageUser) -> AppResult<Response> {
    user.require(Action::ViewRounds, &Resource::Any)?;
    let today = state.today();
    let rounds = state
        .db
        .run(move |conn| {
            let all = store::rounds(conn)?;
            round_lines(conn, today, all)
        })
        .await?;
    let page = RoundsPage {
        frame: Frame::new(&visitor, "Rapporteringsrunder", Nav::Reporting),
        rounds,
        may_manage: visitor.may(Action::ManageRounds, &Resource::Any),
    };
    Ok(render(&page))
}

pub struct CompletenessLine {
    pub group: String,
    pub expected: u32,
    pub delivered: u32,
    pub on_time: u32,
    pub late: u32,
    pub not_delivered: u32,
    pub delivered_share: String,
    pub on_time_share: String,
}

impl From<&CompletenessRow> for CompletenessLine {
    fn from(r: &CompletenessRow) -> Self {
        let c = &r.counts;
        CompletenessLine {
            group: r.group.clone(),
            expected: c.expected,
            delivered: c.delivered,
            on_time: c.on_time,
            late: c.late,
            not_delivered: c.not_delivered,
            delivered_share: share(c.delivered_share()),
            on_time_share: share(c.on_time_share()),
        }
    }
}

#[derive(Template)]
#[template(path = "reporting/round.html")]
struct RoundPage {
    frame: Frame,
    round: RoundLine,
    template_name: String,
    audience: String,
    /// fylke | storrelse | samarbeid
    by: &'static str,
    completeness: Vec<CompletenessLine>,
    lines: Vec<SubmissionLine>,
    hidden: usize,
    may_remind: bool,
    may_manage: bool,
    /// Where this round's reminders stand, and whether e-mail is sent at all.
    reminders: String,
    mail_configured: bool,
}

#[derive(Debug, Default, Deserialize)]
pub struct RoundQuery {
    pub etter: Option<String>,
    pub paminnet: Option<usize>,
    pub uten: Option<usize>,
    pub importert: Option<usize>,
}

pub async fn round(
    State(state): State<AppState>,
    PageUser(visitor, user): PageUser,
    Path(id): Path<i64>,
    Query(q): Query<RoundQuery>,
) -> AppResult<Response> {
    user.require(Action::ViewRounds, &Resource::Any)?;
    let by = breakdown(q.etter.as_deref())?.unwrap_or(Breakdown::County);
    let by_label = match by {
        Breakdown::County => "fylke",
        Breakdown::SizeClass => "storrelse",
        Breakdown::Collaboration => "samarbeid",
    };
    let today = state.today();
    let actor = user.actor.clone();
    let page = state
        .db
        .run(move |conn| {
            let round = store::round(conn, id)?.ok_or_else(|| AppError::NotFound(format!("Fant ikke runde {id}.")))?;
            let template = store::template(conn, round.template_id)?;
            let completeness = super::completeness(conn, &round, today, by)?;
            let mut lines = Vec::new();
            let mut hidden = 0;
            let submissions = store::submissions_of_round(conn, id)?;
            let visible = super::permitted_in_round(conn, Some(&actor), Action::ViewSubmission, &round, &submissions)?;
            for (s, shown) in submissions.iter().zip(visible) {
                if shown {
                    lines.push(line(s, &round, today));
                } else {
                    hidden += 1;
                }
            }
            let audience = serde_json::from_str::<Audience>(&round.audience).map(|a| a.describe()).unwrap_or_default();
            let total = completeness.last().map(|t| t.counts.clone()).unwrap_or_default();
            let round_line = RoundLine {
                id: round.id,
                name: round.name.clone(),
                period: period_label(&round.period),
                deadline: format::date(round.deadline),
                reviewer: super::reviewer_label(&round.reviewer),
                expected: total.expected,
                delivered: total.delivered,
                share: share(total.delivered_share()),
                demo: round.demo,
            };
            let reminders = super::reminders::delivery(conn, id)?;
            Ok::<_, AppError>(RoundPage {
                may_remind: false,
                may_manage: false,
                reminders,
                mail_configured: false,
                frame: Frame::anonymous(""),
                round: round_line,
                template_name: template.map(|t| format!("{} (versjon {})", t.name, t.version)).unwrap_or_default(),
                audience,
                by: by_label,
                completeness: completeness.iter().map(CompletenessLine::from).collect(),
                lines,
                hidden,
            })
        })
        .await?;
    let title = page.round.name.clone();
    let notice = q
        .paminnet
        .map(|n| {
            let without = q.uten.unwrap_or(0);
            let tail =
                if without > 0 { format!(" {without} uten registrert mottaker fikk ingen.") } else { String::new() };
            format!("{n} påminnelser er lagt i utboksen.{tail}")
        })
        .or_else(|| q.importert.map(|n| format!("{n} svar er importert fra SurveyMonkey og står som sendt inn.")));
    let frame = Frame::new(&visitor, title, Nav::Reporting).with_notice(notice.as_deref());
    let may_remind = visitor.may(Action::SendReminders, &Resource::Any);
    let may_manage = visitor.may(Action::ManageRounds, &Resource::Any);
    let mail_configured = state.config.mail.is_some();
    Ok(render(&RoundPage { may_remind, may_manage, mail_configured, frame, ..page }))
}

// ---------- Opening a round ----------

#[derive(Debug, Default, Deserialize)]
pub struct RoundForm {
    #[serde(default)]
    pub name: String,
    #[serde(default)]
    pub template_id: String,
    #[serde(default)]
    pub period: String,
    #[serde(default)]
    pub deadline: String,
    #[serde(default)]
    pub reviewer: String,
    #[serde(default)]
    pub audience: String,
    #[serde(default)]
    pub county: String,
    #[serde(default)]
    pub numbers: String,
    /// Chosen collaboration ids (check boxes, so several values under one name).
    #[serde(skip)]
    pub collaborations: Vec<String>,
}

impl RoundForm {
    /// Reads the posted pairs; `samarbeid` repeats, one per chosen collaboration.
    fn from_pairs(pairs: Vec<(String, String)>) -> RoundForm {
        let mut form = RoundForm::default();
        for (k, v) in pairs {
            match k.as_str() {
                "name" => form.name = v,
                "template_id" => form.template_id = v,
                "period" => form.period = v,
                "deadline" => form.deadline = v,
                "reviewer" => form.reviewer = v,
                "audience" => form.audience = v,
                "county" => form.county = v,
                "numbers" => form.numbers = v,
                "samarbeid" => form.collaborations.push(v),
                _ => {}
            }
        }
        form
    }
}

#[derive(Template)]
#[template(path = "reporting/round_new.html")]
struct NewRoundPage {
    frame: Frame,
    form: RoundForm,
    templates: Vec<(i64, String)>,
    counties: Vec<(String, String)>,
    /// Active collaborations: id, label, chosen.
    collaborations: Vec<(String, String, bool)>,
    error: Option<String>,
}

async fn new_round_page(
    state: &AppState,
    visitor: &crate::auth::Visitor,
    form: RoundForm,
    error: Option<String>,
) -> AppResult<Response> {
    let today = state.today();
    let (templates, counties, all) = state
        .db
        .run(move |conn| {
            let templates = store::templates(conn)?
                .into_iter()
                .map(|t| (t.id, format!("{} (versjon {})", t.name, t.version)))
                .collect();
            let counties = crate::registry::store::county_names(conn, samveis_domain::registry::Layout::CURRENT)?;
            let all: Vec<_> =
                crate::registry::collaborations::list(conn)?.into_iter().filter(|c| c.is_active_on(today)).collect();
            Ok::<_, AppError>((templates, counties, all))
        })
        .await?;
    let collaborations = all
        .into_iter()
        .map(|c| {
            let id = c.id.to_string();
            let label = format!("{} ({}-inndelingen, {} kommuner)", c.name, c.layout.year(), c.member_count);
            let chosen = form.collaborations.contains(&id);
            (id, label, chosen)
        })
        .collect();
    let status = if error.is_some() { StatusCode::UNPROCESSABLE_ENTITY } else { StatusCode::OK };
    let page = NewRoundPage {
        frame: Frame::new(visitor, "Ny rapporteringsrunde", Nav::Reporting),
        form,
        templates,
        counties,
        collaborations,
        error,
    };
    Ok(render_with_status(status, &page))
}

pub async fn new_round(State(state): State<AppState>, PageUser(visitor, user): PageUser) -> AppResult<Response> {
    user.require(Action::ManageRounds, &Resource::Any)?;
    let form = RoundForm { reviewer: super::REVIEWER_COUNTY.into(), audience: "alle".into(), ..Default::default() };
    new_round_page(&state, &visitor, form, None).await
}

fn audience_of(form: &RoundForm) -> Result<Audience, AppError> {
    let layout = samveis_domain::registry::Layout::CURRENT.year();
    match form.audience.as_str() {
        "alle" => Ok(Audience::AllMunicipalities { layout }),
        "fylke" => Ok(Audience::County { layout, county: form.county.clone() }),
        "utvalgte" => Ok(Audience::Municipalities {
            layout,
            numbers: samveis_domain::registry::member_tokens(&form.numbers).map(str::to_string).collect(),
        }),
        "samarbeid" | "medlemmer" => {
            let ids = form
                .collaborations
                .iter()
                .map(|id| id.parse().map_err(|_| AppError::BadRequest(format!("Ukjent samarbeid «{id}»."))))
                .collect::<Result<Vec<i64>, _>>()?;
            if ids.is_empty() {
                return Err(AppError::BadRequest("Velg minst ett samarbeid.".into()));
            }
            Ok(if form.audience == "samarbeid" {
                Audience::Collaborations { ids }
            } else {
                Audience::CollaborationMembers { ids }
            })
        }
        other => Err(AppError::BadRequest(format!("Ukjent mottakergruppe «{other}»."))),
    }
}

pub async fn create_round(State(state): State<AppState>, CsrfBody(visitor, body): CsrfBody) -> AppResult<Response> {
    let user = visitor.user.clone().ok_or(AppError::Unauthenticated)?;
    user.require(Action::ManageRounds, &Resource::Any)?;
    let pairs: Vec<(String, String)> = serde_urlencoded::from_bytes(&body)
        .map_err(|e| AppError::BadRequest(format!("Skjemaet kunne ikke leses: {e}")))?;
    let form = RoundForm::from_pairs(pairs);
    let spec = match (audience_of(&form), form.template_id.trim().parse::<i64>()) {
        (Ok(audience), Ok(template_id)) => RoundSpec {
            name: form.name.clone(),
            template_id,
            period: form.period.clone(),
            deadline: form.deadline.clone(),
            reviewer: form.reviewer.clone(),
            audience,
            demo: false,
        },
        (Err(AppError::BadRequest(m)), _) => return new_round_page(&state, &visitor, form, Some(m)).await,
        (Err(e), _) => return Err(e),
        (_, Err(_)) => return new_round_page(&state, &visitor, form, Some("Velg et skjema.".into())).await,
    };
    let now = state.now();
    let (actor, author) = (user.actor.clone(), user.author());
    let result =
        state.db.run(move |conn| Ok::<_, AppError>(super::open_round(conn, Some(&actor), &author, now, &spec))).await?;
    match result {
        Ok(id) => Ok(Redirect::to(&format!("/rapportering/runder/{id}")).into_response()),
        Err(AppError::BadRequest(m)) => new_round_page(&state, &visitor, form, Some(m)).await,
        Err(e) => Err(e),
    }
}

// ---------- The form ----------

pub struct OptionView {
    pub value: String,
    pub label: String,
    pub checked: bool,
}

pub struct CellView {
    pub name: String,
    pub label: String,
    pub value: String,
}

pub struct TableRowView {
    pub label: String,
    pub cells: Vec<CellView>,
}

/// One field as the form shows it: its input kind, what is typed, and its error.
pub struct FieldView {
    pub code: String,
    pub label: String,
    pub help: String,
    pub required: bool,
    /// number | money | decimal | date | text | textarea | select | checkboxes | light | file | table
    pub input: &'static str,
    pub value: String,
    pub comment: String,
    pub options: Vec<OptionView>,
    pub columns: Vec<String>,
    pub rows: Vec<TableRowView>,
    pub error: Option<String>,
    pub shown: String,
    /// For a file field with a stored file: where to download it.
    pub link: Option<String>,
}

pub struct SectionView {
    pub title: String,
    pub help: String,
    pub fields: Vec<FieldView>,
}

fn first(raw: &RawAnswers, name: &str) -> String {
    raw.get(name).and_then(|v| v.first()).cloned().unwrap_or_default()
}

/// A stored file as a form shows it: the download address and "name (size)".
pub(super) struct FileLinks<'a> {
    pub submission: i64,
    pub files: &'a BTreeMap<String, super::files::FileInfo>,
}

pub(super) fn field_views(
    template: &FormTemplate,
    raw: &RawAnswers,
    errors: &[FieldError],
    files: &FileLinks,
) -> Vec<SectionView> {
    let error_of = |name: &str| {
        let list: Vec<&str> = errors
            .iter()
            .filter(|e| e.field == name || e.field.starts_with(&format!("{name}.")))
            .map(|e| e.message.as_str())
            .collect();
        (!list.is_empty()).then(|| list.join(" "))
    };
    template
        .sections
        .iter()
        .map(|s| SectionView {
            title: s.title.clone(),
            help: s.help.clone(),
            fields: s
                .fields
                .iter()
                .map(|f| {
                    let value = first(raw, &f.code);
                    let chosen: Vec<String> = raw.get(&f.code).cloned().unwrap_or_default();
                    let (input, options, columns, rows) = match &f.kind {
                        FieldKind::Integer => ("number", vec![], vec![], vec![]),
                        FieldKind::Money => ("money", vec![], vec![], vec![]),
                        FieldKind::Hours | FieldKind::Percent => ("decimal", vec![], vec![], vec![]),
                        FieldKind::Date => ("date", vec![], vec![], vec![]),
                        FieldKind::ShortText => ("text", vec![], vec![], vec![]),
                        FieldKind::LongText => ("textarea", vec![], vec![], vec![]),
                        FieldKind::File => ("file", vec![], vec![], vec![]),
                        FieldKind::SingleChoice { options } | FieldKind::MultipleChoice { options } => {
                            let input =
                                if matches!(f.kind, FieldKind::SingleChoice { .. }) { "select" } else { "checkboxes" };
                            let opts = options
                                .iter()
                                .map(|o| OptionView { value: o.clone(), label: o.clone(), checked: chosen.contains(o) })
                                .collect();
                            (input, opts, vec![], vec![])
                        }
                        FieldKind::TrafficLight => {
                            let opts = TrafficLight::ALL
                                .into_iter()
                                .map(|t| OptionView {
                                    value: t.code().into(),
                                    label: t.label().into(),
                                    checked: value == t.code(),
                                })
                                .collect();
                            ("light", opts, vec![], vec![])
                        }
                        FieldKind::Table { rows, columns } => {
                            let rows = rows
                                .iter()
                                .enumerate()
                                .map(|(r, row)| TableRowView {
                                    label: row.clone(),
                                    cells: columns
                                        .iter()
                                        .enumerate()
                                        .map(|(c, col)| {
                                            let name = format!("{}.{r}.{c}", f.code);
                                            CellView { value: first(raw, &name), label: format!("{row}, {col}"), name }
                                        })
                                        .collect(),
                                })
                                .collect();
                            ("table", vec![], columns.clone(), rows)
                        }
                    };
                    let file = (input == "file").then(|| files.files.get(&value)).flatten();
                    let shown = match input {
                        "file" => {
                            file.map(|i| format!("{} ({})", i.file_name, format::file_size(i.size))).unwrap_or_default()
                        }
                        "checkboxes" => chosen.join(", "),
                        "light" => TrafficLight::from_code(&value).map(|t| t.label().to_string()).unwrap_or_default(),
                        "money" => value.parse().map(format::kroner).unwrap_or_else(|_| value.clone()),
                        "number" => value.parse().map(format::number).unwrap_or_else(|_| value.clone()),
                        _ => value.clone(),
                    };
                    FieldView {
                        code: f.code.clone(),
                        label: f.label.clone(),
                        help: f.help.clone(),
                        required: f.required,
                        input,
                        comment: first(raw, &format!("{}.kommentar", f.code)),
                        value,
                        options,
                        columns,
                        rows,
                        error: error_of(&f.code),
                        shown,
                        link: file
                            .map(|i| format!("/rapportering/innleveringer/{}/filer/{}", files.submission, i.sha256)),
                    }
                })
                .collect(),
        })
        .collect()
}

#[derive(Template)]
#[template(path = "reporting/submission.html")]
struct SubmissionPage {
    frame: Frame,
    id: i64,
    round_id: i64,
    round: String,
    org: String,
    period: String,
    deadline: String,
    state: &'static str,
    status: &'static str,
    reviewer_comment: String,
    returned: bool,
    version: i64,
    editable: bool,
    may_review: bool,
    may_accept: bool,
    may_reopen: bool,
    may_view_round: bool,
    sections: Vec<SectionView>,
    /// Codes of the file fields; each gets its own upload form beside the main one.
    file_fields: Vec<String>,
    /// Target figures from the org unit's grants, to report against.
    targets: Vec<String>,
    errors: Vec<FieldError>,
    error: Option<String>,
    demo: bool,
}

struct Shown<'a> {
    raw: Option<RawAnswers>,
    errors: Vec<FieldError>,
    error: Option<String>,
    notice: Option<&'a str>,
}

fn submission_page(
    visitor: &crate::auth::Visitor,
    loaded: &Loaded,
    today: chrono::NaiveDate,
    shown: Shown,
) -> SubmissionPage {
    let actor = visitor.actor();
    let editable = loaded.state.editable() && loaded.may(actor, Action::EditSubmission);
    let may_review = loaded.may(actor, Action::ReviewSubmission);
    let raw = shown.raw.unwrap_or_else(|| to_raw(&loaded.template.template, &loaded.answers));
    let title = format!("{}: {}", loaded.round.name, loaded.submission.org.name);
    SubmissionPage {
        frame: Frame::new(visitor, title, Nav::Reporting).with_notice(shown.notice),
        id: loaded.submission.id,
        round_id: loaded.round.id,
        round: loaded.round.name.clone(),
        org: loaded.submission.org.name.clone(),
        period: period_label(&loaded.round.period),
        deadline: format::date(loaded.round.deadline),
        state: loaded.state.label(),
        status: loaded.delivery(today).label(),
        reviewer_comment: loaded.submission.reviewer_comment.clone(),
        returned: loaded.state == SubmissionState::Returned,
        version: loaded.submission.version,
        editable,
        may_review: may_review && loaded.state == SubmissionState::Submitted,
        may_accept: may_review && loaded.state == SubmissionState::Submitted,
        may_reopen: may_review && loaded.state == SubmissionState::Accepted,
        may_view_round: visitor.may(Action::ViewRounds, &Resource::Any),
        sections: field_views(
            &loaded.template.template,
            &raw,
            &shown.errors,
            &FileLinks { submission: loaded.submission.id, files: &loaded.files },
        ),
        file_fields: loaded
            .template
            .template
            .fields()
            .filter(|f| f.kind == FieldKind::File)
            .map(|f| f.code.clone())
            .collect(),
        targets: loaded
            .targets
            .iter()
            .map(|(scheme, year, t)| {
                let due = t.due.map(|d| format!(", frist {}", format::date(d))).unwrap_or_default();
                format!("{} {} {} ({scheme} {year}{due})", format::number(t.quantity), t.unit, t.technology)
            })
            .collect(),
        errors: shown.errors,
        error: shown.error,
        demo: loaded.round.demo,
    }
}

#[derive(Debug, Default, Deserialize)]
pub struct SavedQuery {
    pub lagret: Option<String>,
}

pub async fn submission(
    State(state): State<AppState>,
    PageUser(visitor, user): PageUser,
    Path(id): Path<i64>,
    Query(q): Query<SavedQuery>,
) -> AppResult<Response> {
    let actor = user.actor.clone();
    let loaded = state.db.run(move |conn| super::load_visible(conn, Some(&actor), id)).await?;
    let notice = match q.lagret.as_deref() {
        Some("sendt") => Some("Besvarelsen er sendt inn."),
        Some("vurdert") => Some("Vurderingen er lagret."),
        Some("fil") => Some("Filen er lagret."),
        Some("uten-fil") => Some("Filen er fjernet."),
        Some(_) => Some("Utkastet er lagret."),
        None => None,
    };
    let shown = Shown { raw: None, errors: vec![], error: None, notice };
    Ok(render(&submission_page(&visitor, &loaded, state.today(), shown)))
}

/// Reads a posted form into raw answers (several values per name for check boxes).
fn raw_answers(body: &[u8]) -> (RawAnswers, BTreeMap<String, String>) {
    let mut raw = RawAnswers::new();
    let mut control = BTreeMap::new();
    for (k, v) in serde_urlencoded::from_bytes::<Vec<(String, String)>>(body).unwrap_or_default() {
        if k.starts_with('_') {
            control.insert(k, v);
        } else {
            raw.entry(k).or_default().push(v);
        }
    }
    (raw, control)
}

pub async fn save(
    State(state): State<AppState>,
    Path(id): Path<i64>,
    CsrfBody(visitor, body): CsrfBody,
) -> AppResult<Response> {
    let user = visitor.user.clone().ok_or(AppError::Unauthenticated)?;
    let (raw, control) = raw_answers(&body);
    let version: i64 = control
        .get("_version")
        .and_then(|v| v.parse().ok())
        .ok_or_else(|| AppError::BadRequest("Skjemaet mangler versjon.".into()))?;
    let submit = control.get("_handling").map(String::as_str) == Some("send");
    let now = state.now();
    let (actor, author, r) = (user.actor.clone(), user.author(), raw.clone());
    let result = state
        .db
        .run(move |conn| Ok::<_, AppError>(super::save(conn, &actor, &author, now, id, version, &r, submit)))
        .await?;
    match result {
        Ok(()) => {
            let flag = if submit { "sendt" } else { "1" };
            Ok(Redirect::to(&format!("/rapportering/innleveringer/{id}?lagret={flag}")).into_response())
        }
        Err(e) => refused_page(&state, &visitor, id, Some(raw), e).await,
    }
}

/// The submission page again after a refused save, keeping what was typed (`raw`), with the
/// errors named; refusals that are not about the form go on as errors.
pub(super) async fn refused_page(
    state: &AppState,
    visitor: &crate::auth::Visitor,
    id: i64,
    raw: Option<RawAnswers>,
    error: SaveError,
) -> AppResult<Response> {
    let (errors, message, status) = match error {
        SaveError::Invalid(errors) => (errors, None, StatusCode::UNPROCESSABLE_ENTITY),
        SaveError::Refused(AppError::Conflict(m)) => (vec![], Some(m), StatusCode::CONFLICT),
        SaveError::Refused(AppError::BadRequest(m)) => (vec![], Some(m), StatusCode::BAD_REQUEST),
        SaveError::Refused(e) => return Err(e),
    };
    let actor = visitor.actor().cloned();
    let loaded = state.db.run(move |conn| super::load_visible(conn, actor.as_ref(), id)).await?;
    let shown = Shown { raw, errors, error: message, notice: None };
    Ok(render_with_status(status, &submission_page(visitor, &loaded, state.today(), shown)))
}

#[derive(Debug, Deserialize)]
pub struct ReviewForm {
    pub handling: String,
    #[serde(default)]
    pub kommentar: String,
    pub version: i64,
}

pub async fn review(
    State(state): State<AppState>,
    Path(id): Path<i64>,
    CsrfForm(visitor, form): CsrfForm<ReviewForm>,
) -> AppResult<Response> {
    let user = visitor.user.clone().ok_or(AppError::Unauthenticated)?;
    let event = match form.handling.as_str() {
        "godkjenn" => Event::Accept,
        "returner" => Event::Return { comment: form.kommentar.clone() },
        "gjenapne" => Event::Reopen { reason: form.kommentar.clone() },
        other => return Err(AppError::BadRequest(format!("Ukjent handling «{other}»."))),
    };
    let now = state.now();
    let (actor, author) = (user.actor.clone(), user.author());
    let result = state
        .db
        .run(move |conn| Ok::<_, AppError>(super::review(conn, &actor, &author, now, id, form.version, &event)))
        .await?;
    match result {
        Ok(()) => Ok(Redirect::to(&format!("/rapportering/innleveringer/{id}?lagret=vurdert")).into_response()),
        Err(AppError::BadRequest(m) | AppError::Conflict(m)) => {
            let actor = user.actor.clone();
            let loaded = state.db.run(move |conn| super::load_visible(conn, Some(&actor), id)).await?;
            let shown = Shown { raw: None, errors: vec![], error: Some(m), notice: None };
            Ok(render_with_status(StatusCode::BAD_REQUEST, &submission_page(&visitor, &loaded, state.today(), shown)))
        }
        Err(e) => Err(e),
    }
}

// ---------- Templates ----------

// ---------- Survey results ----------

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
    by: &'static str,
    lines: Vec<ResultLine>,
}

#[derive(Debug, Default, Deserialize)]
pub struct ResultsQuery {
    pub etter: Option<String>,
}

/// Parses "fylke"/"county" and "storrelse"/"size" (pages use Norwegian, the CLI English).
pub fn breakdown(text: Option<&str>) -> Result<Option<Breakdown>, AppError> {
    match text.map(str::trim) {
        None | Some("") | Some("alle") => Ok(None),
        Some("fylke" | "county") => Ok(Some(Breakdown::County)),
        Some("storrelse" | "size") => Ok(Some(Breakdown::SizeClass)),
        Some("samarbeid" | "collaboration") => Ok(Some(Breakdown::Collaboration)),
        Some(other) => {
            Err(AppError::BadRequest(format!("Ukjent inndeling av resultatene «{other}»: bruk fylke eller størrelse.")))
        }
    }
}

pub async fn results(
    State(state): State<AppState>,
    PageUser(visitor, user): PageUser,
    Path(id): Path<i64>,
    Query(q): Query<ResultsQuery>,
) -> AppResult<Response> {
    user.require(Action::ViewRounds, &Resource::Any)?;
    let by = breakdown(q.etter.as_deref())?;
    let (round, results) = state
        .db
        .run(move |conn| {
            let round = store::round(conn, id)?.ok_or_else(|| AppError::NotFound(format!("Fant ikke runde {id}.")))?;
            let results = super::survey_results(conn, &round, by)?;
            Ok::<_, AppError>((round, results))
        })
        .await?;
    let page = ResultsPage {
        frame: Frame::new(&visitor, format!("Resultater: {}", round.name), Nav::Reporting),
        round_id: round.id,
        round: round.name.clone(),
        demo: round.demo,
        by: match by {
            None => "alle",
            Some(Breakdown::County) => "fylke",
            Some(Breakdown::SizeClass) => "storrelse",
            Some(Breakdown::Collaboration) => "samarbeid",
        },
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

// ---------- Export ----------

/// `/rapportering/runder/{id}/eksport.csv` or `.xlsx`: the answers the user may see.
pub async fn export(
    State(state): State<AppState>,
    PageUser(_, user): PageUser,
    Path((id, file)): Path<(i64, String)>,
) -> AppResult<Response> {
    user.require(Action::ViewRounds, &Resource::Any)?;
    let actor = user.actor.clone();
    let table = state.db.run(move |conn| super::export::round_table(conn, &actor, id)).await?;
    crate::exports::download(&table, &file, "eksport", &format!("runde-{id}"))
}

// ---------- Reminders ----------

/// Sends the queued reminders right away, so the round page shows how it went. They are queued
/// already: should sending fail here, the background sender tries again.
async fn send_at_once(state: &AppState) {
    let Some(settings) = state.config.mail.as_ref() else { return };
    if let Err(e) = crate::mail::deliver_pending(&state.db, settings, chrono::Duration::zero()).await {
        tracing::error!(error = %e, "påminnelsene ble lagt i utboksen, men ikke sendt");
    }
}

pub async fn remind(
    State(state): State<AppState>,
    Path(id): Path<i64>,
    CsrfForm(visitor, _): CsrfForm<crate::auth::EmptyForm>,
) -> AppResult<Response> {
    let user = visitor.user.clone().ok_or(AppError::Unauthenticated)?;
    user.require(Action::SendReminders, &Resource::Any)?;
    let now = state.now();
    let (actor, author) = (user.actor.clone(), user.author());
    let done = state.db.run(move |conn| super::reminders::remind(conn, &actor, &author, now, id)).await?;
    send_at_once(&state).await;
    let target = format!("/rapportering/runder/{id}?paminnet={}&uten={}", done.messages, done.without_recipient);
    Ok(Redirect::to(&target).into_response())
}
