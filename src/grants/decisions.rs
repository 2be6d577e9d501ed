//! Decisions (vedtak): the county grants a sent application (amount, conditions, target figures,
//! aid type and the host's passing on to members) or rejects it; a grant opens the ledger and
//! makes the grant letter. The applicant then accepts the terms.

use super::applications::{Loaded, authorize, parse_kroner, ticked};
use super::de_minimis::de_minimis_check;
use super::error::{GrantError, GrantResult};
use super::letter;
use super::store::{self, Decision, Scheme, SubAllocation};
use crate::audit::{self, Change};
use crate::context::Ctx;
use crate::db::DbConnection;
use crate::web::format::kroner;
use chrono::NaiveDate;
use samveis_domain::access::Action;
use samveis_domain::grants::{AidType, ApplicationState, EntryKind, TargetFigure};
use samveis_domain::registry::Layout;
use std::collections::BTreeMap;

/// What a county officer decides, as typed.
#[derive(Debug, Clone, Default, serde::Deserialize)]
pub struct DecisionForm {
    /// The button pressed: "innvilg" or "avslag".
    #[serde(default)]
    pub outcome: String,
    #[serde(default)]
    pub granted: String,
    #[serde(default)]
    pub conditions: String,
    /// One per line: "50;medisindispensere;stk;2026-12-31" or "50 medisindispensere".
    #[serde(default)]
    pub targets: String,
    #[serde(default)]
    pub aid_type: String,
    /// One per line: "kommunenummer;beløp".
    #[serde(default)]
    pub sub_allocations: String,
    #[serde(default)]
    pub reference: String,
    #[serde(default)]
    pub version: i64,
    /// "ja" when the officer decides de minimis aid beyond the ceiling knowingly.
    #[serde(default)]
    pub confirm_de_minimis: Option<String>,
}

/// The terms of a grant.
#[derive(Debug, Clone)]
pub struct GrantTerms {
    pub granted: i64,
    pub aid_type: AidType,
    pub conditions: String,
    pub targets: Vec<TargetFigure>,
    /// Passed on to members: (municipality number, amount), one per line typed.
    pub passed_on: Vec<(String, i64)>,
    pub reference: String,
    /// De minimis aid beyond the ceiling, decided knowingly.
    pub confirm_de_minimis: bool,
}

#[derive(Debug, Clone)]
pub enum Outcome {
    Grant(GrantTerms),
    Reject,
}

/// A decision on the application at the version the officer saw.
#[derive(Debug, Clone)]
pub struct DecideCommand {
    pub version: i64,
    pub outcome: Outcome,
}

impl TryFrom<&DecisionForm> for DecideCommand {
    type Error = GrantError;

    fn try_from(f: &DecisionForm) -> GrantResult<DecideCommand> {
        let outcome = match f.outcome.as_str() {
            "innvilg" => Outcome::Grant(GrantTerms::try_from(f)?),
            "avslag" => Outcome::Reject,
            _ => return Err(GrantError::invalid("outcome", "Velg om søknaden innvilges eller avslås.")),
        };
        Ok(DecideCommand { version: f.version, outcome })
    }
}

impl TryFrom<&DecisionForm> for GrantTerms {
    type Error = GrantError;

    fn try_from(f: &DecisionForm) -> GrantResult<GrantTerms> {
        let granted = parse_kroner("Innvilget beløp", &f.granted)?
            .filter(|n| *n > 0)
            .ok_or_else(|| GrantError::invalid("granted", "Innvilget beløp mangler."))?;
        let aid_type =
            AidType::from_code(&f.aid_type).ok_or_else(|| GrantError::invalid("aid_type", "Velg støttetype."))?;
        Ok(GrantTerms {
            granted,
            aid_type,
            conditions: f.conditions.trim().into(),
            passed_on: parse_passed_on(&f.sub_allocations)?,
            targets: parse_targets(&f.targets)?,
            reference: f.reference.trim().into(),
            confirm_de_minimis: ticked(&f.confirm_de_minimis),
        })
    }
}

fn parse_passed_on(text: &str) -> GrantResult<Vec<(String, i64)>> {
    let mut out = Vec::new();
    for (i, line) in text.lines().map(str::trim).enumerate().filter(|(_, l)| !l.is_empty()) {
        let (number, amount) = line.split_once(';').ok_or_else(|| {
            GrantError::invalid(
                "sub_allocations",
                format!("Videre fordeling, linje {}: skriv «kommunenummer;beløp».", i + 1),
            )
        })?;
        let amount = parse_kroner(&format!("Videre fordeling, linje {}", i + 1), amount)?.unwrap_or(0);
        out.push((number.trim().to_string(), amount));
    }
    Ok(out)
}

fn target_error(message: String) -> GrantError {
    GrantError::invalid("targets", message)
}

/// Reads target-figure lines: "50;medisindispensere;stk;2026-12-31", or free text with numbers.
pub fn parse_targets(text: &str) -> GrantResult<Vec<TargetFigure>> {
    let mut out = Vec::new();
    for (i, line) in text.lines().map(str::trim).enumerate().filter(|(_, l)| !l.is_empty()) {
        let parts: Vec<&str> = line.split(';').map(str::trim).collect();
        if parts.len() == 1 {
            let found = samveis_domain::grants::parse_target_figures(line);
            if found.is_empty() {
                return Err(target_error(format!(
                    "Måltall, linje {}: «{line}» har ikke noe antall; skriv for eksempel «50;medisindispensere;stk;2026-12-31».",
                    i + 1
                )));
            }
            out.extend(found);
            continue;
        }
        out.push(target_line(i + 1, &parts)?);
    }
    Ok(out)
}

fn target_line(n: usize, parts: &[&str]) -> GrantResult<TargetFigure> {
    let quantity: i64 = parts[0]
        .replace(' ', "")
        .parse()
        .map_err(|_| target_error(format!("Måltall, linje {n}: «{}» er ikke et antall.", parts[0])))?;
    if quantity <= 0 || parts.get(1).is_none_or(|t| t.is_empty()) {
        return Err(target_error(format!("Måltall, linje {n}: skriv et antall over 0 og hva som telles.")));
    }
    let due =
        match parts.get(3).filter(|d| !d.is_empty()) {
            Some(d) => Some(NaiveDate::parse_from_str(d, "%Y-%m-%d").map_err(|_| {
                target_error(format!("Måltall, linje {n}: fristen «{d}» er ikke en dato (ÅÅÅÅ-MM-DD)."))
            })?),
            None => None,
        };
    Ok(TargetFigure {
        quantity,
        technology: parts[1].to_string(),
        unit: parts.get(2).filter(|u| !u.is_empty()).map_or("stk".to_string(), |u| u.to_string()),
        due,
    })
}

/// Whether the application can be decided now. A decision made on a page that is no longer
/// current is a conflict first, whatever changed (another officer deciding at the same time).
fn check_decidable(loaded: &Loaded, version: i64) -> GrantResult<()> {
    if loaded.application.version != version {
        return Err(GrantError::stale());
    }
    if loaded.scheme.closed {
        let message = format!("Ordningen «{}» er avsluttet; det kan ikke fattes nye vedtak.", loaded.scheme.name);
        return Err(GrantError::invalid("scheme", message));
    }
    if loaded.application.state != ApplicationState::Submitted {
        return Err(GrantError::invalid("state", "Bare innsendte søknader som ikke er avgjort, kan få vedtak."));
    }
    Ok(())
}

/// Decides a sent application: granted (with amount, conditions, target figures, aid type and
/// the host's sub-allocations) or rejected. A grant opens the ledger with its amount.
pub fn decide(conn: &mut DbConnection, ctx: &Ctx, id: i64, c: &DecideCommand) -> GrantResult<()> {
    crate::db::write(conn, |conn| {
        let loaded = authorize(conn, ctx, id, Action::DecideGrant)?;
        check_decidable(&loaded, c.version)?;
        let mut a = loaded.application.clone();
        let (action, after) = match &c.outcome {
            Outcome::Grant(terms) => {
                grant(conn, ctx, &loaded, terms)?;
                a.state = ApplicationState::Granted;
                let after = serde_json::json!({"tilstand": a.state, "innvilget": terms.granted, "vilkår": terms.conditions, "måltall": terms.targets, "støttetype": terms.aid_type, "vedtatt_av": decider(&loaded.scheme, &loaded.offices)});
                ("innvilget", after)
            }
            Outcome::Reject => {
                a.state = ApplicationState::Rejected;
                ("avslått", serde_json::json!({"tilstand": a.state}))
            }
        };
        if !store::update_application(conn, &a, c.version, ctx.now)? {
            return Err(GrantError::stale());
        }
        let before = Some(serde_json::json!({"tilstand": loaded.application.state}));
        let change = Change { action, record_type: "søknad", record_id: id.to_string(), before, after: Some(after) };
        audit::record(conn, &ctx.author, ctx.now, change)?;
        Ok(())
    })
}

/// The members a host passes its grant on to, named from the registry.
fn sub_allocations(conn: &mut DbConnection, l: &Loaded, terms: &GrantTerms) -> GrantResult<Vec<SubAllocation>> {
    let layout = Layout::from_year(l.application.layout).unwrap_or(Layout::CURRENT);
    let names: BTreeMap<String, String> = crate::registry::store::municipality_rows(conn, layout)?
        .into_iter()
        .map(|m| (m.number.to_string(), m.name))
        .collect();
    let mut subs = Vec::new();
    for (i, (number, amount)) in terms.passed_on.iter().enumerate() {
        let name = names.get(number).ok_or_else(|| {
            GrantError::invalid(
                "sub_allocations",
                format!("Videre fordeling, linje {}: kommune «{number}» finnes ikke.", i + 1),
            )
        })?;
        subs.push(SubAllocation { municipality: number.clone(), name: name.clone(), amount: *amount });
    }
    let passed_on: i64 = subs.iter().map(|s| s.amount).sum();
    if passed_on > terms.granted {
        let message = format!("Videre fordeling ({passed_on} kr) er mer enn innvilget beløp ({} kr).", terms.granted);
        return Err(GrantError::invalid("sub_allocations", message));
    }
    Ok(subs)
}

/// De minimis aid beyond the ceiling is decided only when confirmed.
fn check_de_minimis(conn: &mut DbConnection, ctx: &Ctx, l: &Loaded, terms: &GrantTerms) -> GrantResult<()> {
    if terms.aid_type != AidType::DeMinimis {
        return Ok(());
    }
    let check = de_minimis_check(conn, l, terms.granted, ctx.now.date())?;
    if check.exceeds() && !terms.confirm_de_minimis {
        return Err(GrantError::invalid(
            "confirm_de_minimis",
            format!(
                "Bagatellmessig støtte: {} vil få {} de siste tre årene (vedtatt {} + erklært {} + dette vedtaket {}), over taket på {}. Kryss av for å bekrefte vedtaket likevel.",
                l.application.applicant_name,
                kroner(check.total()),
                kroner(check.decided),
                kroner(check.declared),
                kroner(check.this_decision),
                kroner(check.ceiling)
            ),
        ));
    }
    Ok(())
}

/// Records a grant: the decision, the granted entry that opens the ledger, and the letter.
fn grant(conn: &mut DbConnection, ctx: &Ctx, l: &Loaded, terms: &GrantTerms) -> GrantResult<()> {
    let id = l.application.id;
    let subs = sub_allocations(conn, l, terms)?;
    check_de_minimis(conn, ctx, l, terms)?;
    let decision = Decision {
        id: 0,
        application_id: id,
        granted: terms.granted,
        conditions: terms.conditions.clone(),
        target_figures: terms.targets.clone(),
        sub_allocations: subs,
        aid_type: terms.aid_type,
        decided_on: ctx.now.date(),
        reference: terms.reference.clone(),
        accepted_at: None,
        decided_by: decider(&l.scheme, &l.offices),
    };
    let decision_id = store::insert_decision(conn, &decision, ctx.now)?;
    let entry = store::NewEntry {
        decision_id,
        kind: EntryKind::Granted,
        amount: terms.granted,
        entry_date: ctx.now.date(),
        note: "Vedtak",
        reverses: None,
        demo: false,
    };
    store::insert_entry(conn, &entry, ctx.now)?;
    letter::store_letter(conn, l, &Decision { id: decision_id, ..decision }, ctx.now)?;
    Ok(())
}

/// Who decides a scheme's grants: Statsforvalteren of the applicant's county when the scheme is
/// administered by the county governors, else the scheme's owner. A key of the authorities table.
pub(super) fn decider(scheme: &Scheme, offices: &[String]) -> String {
    match offices.first() {
        Some(office) if scheme.terms.county_decides => office.clone(),
        _ => scheme.terms.authority.clone(),
    }
}

/// The applicant accepts the grant letter's terms.
pub fn accept(conn: &mut DbConnection, ctx: &Ctx, id: i64) -> GrantResult<()> {
    crate::db::write(conn, |conn| {
        let loaded = authorize(conn, ctx, id, Action::AcceptGrant)?;
        let decision = loaded
            .decision
            .ok_or_else(|| GrantError::invalid("decision", "Søknaden har ikke fått vedtak om tilskudd."))?;
        if !store::mark_accepted(conn, decision.id, ctx.now)? {
            return Err(GrantError::invalid("decision", "Tilskuddet er allerede akseptert."));
        }
        let change = Change {
            action: "akseptert",
            record_type: "søknad",
            record_id: id.to_string(),
            before: None,
            after: Some(serde_json::json!({"akseptert": ctx.now})),
        };
        audit::record(conn, &ctx.author, ctx.now, change)?;
        Ok(())
    })
}
