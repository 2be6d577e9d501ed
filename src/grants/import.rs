//! Historic grants: records of grants decided before Samveis (from the source documents or a
//! spreadsheet), loaded as applications with their decisions and the granted entry. A file is
//! imported whole or not at all; every problem names its row.

use super::applications::parse_kroner;
use super::error::{GrantError, GrantResult};
use super::store::{self, Application, Decision, HistoricKey, NewEntry, SubAllocation};
use crate::audit::{self, Change};
use crate::context::Ctx;
use crate::db::DbConnection;
use crate::registry::store as registry;
use chrono::NaiveDate;
use samveis_domain::access::{Action, Resource};
use samveis_domain::grants::{AidType, ApplicationState, EntryKind, parse_target_figures};
use samveis_domain::registry::Layout;
use samveis_domain::reporting::ImportProblem;

/// Who applied, as stored.
pub(super) struct Applicant<'a> {
    pub kind: &'a str,
    pub id: &'a str,
    pub name: &'a str,
}

/// A historic application: sent and granted outside Samveis.
pub(super) fn historic(
    scheme_id: i64,
    year: i32,
    applicant: Applicant,
    layout: Layout,
    county: &str,
    applied: Option<i64>,
    purpose: &str,
) -> Application {
    Application {
        id: 0,
        scheme_id,
        year,
        applicant_kind: applicant.kind.into(),
        applicant_id: applicant.id.into(),
        applicant_name: applicant.name.into(),
        layout: layout.year(),
        county_number: county.into(),
        applied,
        own_financing: None,
        declared_other_aid: None,
        purpose: purpose.into(),
        technologies: String::new(),
        target_group: String::new(),
        political_anchoring: true,
        administrative_anchoring: true,
        budget: String::new(),
        plan: String::new(),
        state: ApplicationState::Granted,
        historic: true,
        submitted_at: None,
        version: 1,
    }
}

/// A grant decided outside Samveis, to be recorded.
pub(super) struct HistoricGrant<'a> {
    pub application: &'a Application,
    pub granted: i64,
    /// The conditions as the source gives them.
    pub conditions: &'a str,
    /// The target figures as the source gives them: kept verbatim, and read into rows.
    pub target_text: &'a str,
    pub subs: Vec<SubAllocation>,
    pub decided_on: NaiveDate,
    pub reference: &'a str,
    /// Demo data only: a payment the source does not give, marked as demo.
    pub synthetic_payment: Option<(i64, NaiveDate)>,
}

/// The decision of a historic grant; the authority that made it follows the scheme's rule.
fn historic_decision(conn: &mut DbConnection, g: &HistoricGrant, application_id: i64) -> GrantResult<Decision> {
    let scheme = store::scheme(conn, g.application.scheme_id)?
        .ok_or_else(|| super::schemes::not_found(g.application.scheme_id))?;
    let offices = super::applications::application_offices(conn, g.application)?;
    Ok(Decision {
        id: 0,
        application_id,
        granted: g.granted,
        conditions: g.conditions.into(),
        target_figures: parse_target_figures(g.target_text),
        sub_allocations: g.subs.clone(),
        aid_type: AidType::NotStateAid,
        decided_on: g.decided_on,
        reference: g.reference.into(),
        accepted_at: Some(g.decided_on.and_hms_opt(12, 0, 0).unwrap_or_default()),
        decided_by: super::decisions::decider(&scheme, &offices),
        target_text: g.target_text.into(),
        frame_justification: String::new(),
    })
}

/// Records a historic grant: the application, its decision (with the target figures' source
/// text kept verbatim beside the rows read from it), the granted entry and, for demo data, a
/// synthetic payment. Audited.
pub(super) fn record_grant(conn: &mut DbConnection, ctx: &Ctx, g: HistoricGrant) -> GrantResult<i64> {
    let now = ctx.now;
    let id = store::insert_application(conn, g.application, now)?;
    let decision = historic_decision(conn, &g, id)?;
    let decision_id = store::insert_decision(conn, &decision, now)?;
    let entry = NewEntry {
        decision_id,
        kind: EntryKind::Granted,
        amount: g.granted,
        entry_date: g.decided_on,
        note: "Vedtak",
        reverses: None,
        demo: false,
    };
    store::insert_entry(conn, &entry, now)?;
    if let Some((amount, on)) = g.synthetic_payment {
        let paid = NewEntry {
            decision_id,
            kind: EntryKind::Paid,
            amount,
            entry_date: on,
            note: "Demodata: syntetisk utbetaling",
            reverses: None,
            demo: true,
        };
        store::insert_entry(conn, &paid, now)?;
    }
    let after = serde_json::json!({"mottaker": g.application.applicant_name, "innvilget": g.granted, "vilkår": g.conditions, "måltall_i_kilden": g.target_text, "vedtaksdato": g.decided_on, "vedtatt_av": decision.decided_by});
    let change = Change {
        action: "importert",
        record_type: "søknad",
        record_id: id.to_string(),
        before: None,
        after: Some(after),
    };
    audit::record(conn, &ctx.author, now, change)?;
    Ok(id)
}

#[derive(Debug, serde::Deserialize)]
struct Row {
    scheme_id: String,
    year: String,
    recipient: String,
    granted_nok: String,
    #[serde(default)]
    target_figures_text: String,
    #[serde(default)]
    applied_nok: String,
    #[serde(default)]
    decided_on: String,
    #[serde(default)]
    reference: String,
}

struct Checked {
    /// The row in the file (the header is row 1).
    row: usize,
    application: Application,
    granted: i64,
    target_text: String,
    decided_on: NaiveDate,
    reference: String,
}

fn check_row(conn: &mut DbConnection, row: &Row) -> GrantResult<Result<Checked, String>> {
    let Ok(scheme_id) = row.scheme_id.trim().parse::<i64>() else {
        return Ok(Err(format!("ordningen «{}» er ikke et nummer", row.scheme_id.trim())));
    };
    let Some(scheme) = store::scheme(conn, scheme_id)? else {
        return Ok(Err(format!("ordning {scheme_id} finnes ikke")));
    };
    let Ok(year) = row.year.trim().parse::<i32>() else {
        return Ok(Err(format!("året «{}» er ikke et årstall", row.year.trim())));
    };
    let Some(frame) = store::frames_of(conn, scheme_id)?.into_iter().find(|f| f.year == year) else {
        return Ok(Err(format!("«{}» har ingen ramme for {year}; sett rammen først", scheme.name)));
    };
    let layout = Layout::from_year(frame.layout).unwrap_or(Layout::CURRENT);
    let wanted = row.recipient.trim();
    let hits: Vec<_> = registry::municipality_rows(conn, layout)?
        .into_iter()
        .filter(|m| {
            m.number.as_str() == wanted
                || m.name.eq_ignore_ascii_case(wanted)
                || m.name_norwegian.eq_ignore_ascii_case(wanted)
        })
        .collect();
    let m = match hits.as_slice() {
        [one] => one.clone(),
        [] => return Ok(Err(format!("mottakeren «{wanted}» er ingen kommune i {layout}-inndelingen"))),
        _ => return Ok(Err(format!("«{wanted}» er navnet på flere kommuner; skriv kommunenummeret"))),
    };
    let granted = match parse_kroner("innvilget", &row.granted_nok) {
        Ok(Some(n)) if n > 0 => n,
        Ok(_) => return Ok(Err("innvilget beløp mangler".into())),
        Err(e) => return Ok(Err(e.to_string())),
    };
    let applied = match parse_kroner("søkt", &row.applied_nok) {
        Ok(n) => n,
        Err(e) => return Ok(Err(e.to_string())),
    };
    let decided_on = match row.decided_on.trim() {
        "" => NaiveDate::from_ymd_opt(year, 1, 1).unwrap_or_default(),
        d => match NaiveDate::parse_from_str(d, "%Y-%m-%d") {
            Ok(d) => d,
            Err(_) => return Ok(Err(format!("vedtaksdatoen «{d}» er ikke en dato (ÅÅÅÅ-MM-DD)"))),
        },
    };
    let (number, county) = (m.number.to_string(), m.county_number.to_string());
    let applicant = Applicant { kind: "municipality", id: &number, name: &m.name };
    Ok(Ok(Checked {
        row: 0,
        application: historic(scheme_id, year, applicant, layout, &county, applied, "Historisk tilsagn (importert)"),
        granted,
        target_text: row.target_figures_text.trim().to_string(),
        decided_on,
        reference: row.reference.trim().to_string(),
    }))
}

/// Imports a CSV of historic grants. Ok(number imported, or importable with `dry_run`), or the
/// problems by row, with nothing written. A grant already imported (same scheme, year,
/// recipient and reference), or twice in the file, is a problem on its row, so a file run twice
/// is refused whole the second time.
pub fn historic_file(
    conn: &mut DbConnection,
    ctx: &Ctx,
    text: &str,
    dry_run: bool,
) -> GrantResult<Result<usize, Vec<ImportProblem>>> {
    ctx.require(Action::ManageGrants, &Resource::Any)?;
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    crate::db::write(conn, |conn| {
        let (checked, mut problems) = check_all(conn, text)?;
        problems.extend(check_once(conn, &checked)?);
        problems.sort_by_key(|p| p.row);
        if !problems.is_empty() || dry_run {
            return Ok(if problems.is_empty() { Ok(checked.len()) } else { Err(problems) });
        }
        for c in &checked {
            let grant = HistoricGrant {
                application: &c.application,
                granted: c.granted,
                conditions: "",
                target_text: &c.target_text,
                subs: vec![],
                decided_on: c.decided_on,
                reference: &c.reference,
                synthetic_payment: None,
            };
            let application = record_grant(conn, ctx, grant)?;
            store::insert_historic_key(conn, &key_of(c), application, ctx.now).map_err(|e| {
                if e.violates("historic_grant_keys_pkey", "historic_grant_keys.") {
                    GrantError::Conflict(format!(
                        "Rad {}: {} ble importert av en annen kjøring samtidig. Ingenting er importert fra denne filen.",
                        c.row,
                        crate::web::format::capitalized(&described(c))
                    ))
                } else {
                    e.into()
                }
            })?;
        }
        Ok(Ok(checked.len()))
    })
}

fn key_of(c: &Checked) -> HistoricKey {
    HistoricKey {
        scheme_id: c.application.scheme_id,
        year: c.application.year,
        applicant_kind: c.application.applicant_kind.clone(),
        applicant_id: c.application.applicant_id.clone(),
        reference: c.reference.clone(),
    }
}

/// The grant a row gives, in words: «tilsagnet til Bodø (1804) for 2027 med referanse «KS 1»».
fn described(c: &Checked) -> String {
    let a = &c.application;
    let reference = if c.reference.is_empty() {
        "uten referanse".to_string()
    } else {
        format!("med referanse «{}»", c.reference)
    };
    format!("tilsagnet til {} ({}) for {} {reference}", a.applicant_name, a.applicant_id, a.year)
}

/// The rows whose grant is already imported, or given twice in the file.
fn check_once(conn: &mut DbConnection, checked: &[Checked]) -> GrantResult<Vec<ImportProblem>> {
    let mut first_row = std::collections::HashMap::new();
    let mut problems = Vec::new();
    for c in checked {
        let key = key_of(c);
        if let Some(first) = first_row.get(&key) {
            let message = format!(
                "{} står også på rad {first}; gi radene hver sin referanse hvis det er to tilsagn",
                described(c)
            );
            problems.push(ImportProblem { row: c.row, message });
            continue;
        }
        if let Some(application) = store::imported_as(conn, &key)? {
            let message = format!("{} er allerede importert (søknad {application}); fjern raden", described(c));
            problems.push(ImportProblem { row: c.row, message });
        }
        first_row.insert(key, c.row);
    }
    Ok(problems)
}

/// Every row checked: those that can be recorded, and the problems by row.
fn check_all(conn: &mut DbConnection, text: &str) -> GrantResult<(Vec<Checked>, Vec<ImportProblem>)> {
    let first = text.lines().next().unwrap_or_default();
    let delimiter = if first.matches(';').count() > first.matches(',').count() { b';' } else { b',' };
    let mut reader = csv::ReaderBuilder::new().delimiter(delimiter).from_reader(text.as_bytes());
    let mut problems = Vec::new();
    let mut checked = Vec::new();
    for (i, record) in reader.deserialize::<Row>().enumerate() {
        let row = i + 2;
        match record {
            Ok(r) => match check_row(conn, &r)? {
                Ok(c) => checked.push(Checked { row, ..c }),
                Err(message) => problems.push(ImportProblem { row, message }),
            },
            Err(e) => problems.push(ImportProblem { row, message: format!("kan ikke leses: {e}") }),
        }
    }
    if checked.is_empty() && problems.is_empty() {
        problems.push(ImportProblem {
            row: 1,
            message: "filen har ingen rader (kolonner: scheme_id,year,recipient,granted_nok,target_figures_text)"
                .into(),
        });
    }
    Ok((checked, problems))
}
