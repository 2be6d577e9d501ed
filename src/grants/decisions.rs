//! Decisions (vedtak): the county grants a sent application (amount, conditions, target figures,
//! aid type and the host's passing on to members) or rejects it; a grant opens the ledger and
//! makes the grant letter. The applicant then accepts the terms.

use super::applications::{Loaded, authorize, parse_kroner, ticked};
use super::de_minimis::de_minimis_check;
use super::error::{FieldProblem, GrantError, GrantResult};
use super::letter;
use super::store::{self, Decision, Scheme, SubAllocation};
use crate::audit::{self, Change};
use crate::context::Ctx;
use crate::db::DbConnection;
use crate::web::format::{self, kroner};
use samveis_domain::access::Action;
use samveis_domain::grants::{AidType, ApplicationState, EntryKind, TargetFigure, UNITS, parse_date};
use samveis_domain::insight::TECHNOLOGIES;
use samveis_domain::registry::Layout;
use samveis_domain::reporting::MAX_COUNT;
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
    /// Why the sum goes beyond what is left of the county's frame.
    #[serde(default)]
    pub justification: String,
    /// Set when the officer asks for one more target-figure row (the form comes back with it).
    #[serde(default)]
    pub rader: Option<String>,
    /// How many target-figure rows the form showed.
    #[serde(default)]
    pub mal_rader: String,
    /// Everything else typed: the target-figure rows, `mal_antall_1`, `mal_teknologi_1`,
    /// `mal_enhet_1`, `mal_frist_1`, `mal_antall_2`...
    #[serde(flatten)]
    pub typed: BTreeMap<String, String>,
}

/// The rows the decision form shows at least, and at most.
const MIN_ROWS: usize = 3;
const MAX_ROWS: usize = 100;

/// One target-figure row as typed.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TargetRow {
    /// The row's number in the form, from 1.
    pub n: usize,
    pub quantity: String,
    /// A technology code from the list.
    pub technology: String,
    pub unit: String,
    pub due: String,
}

impl TargetRow {
    /// The id of one of the row's fields in the form ("antall", "teknologi", "enhet", "frist").
    pub fn id(&self, what: &str) -> String {
        field_id(what, self.n)
    }

    fn is_empty(&self) -> bool {
        [&self.quantity, &self.technology, &self.due].iter().all(|v| v.trim().is_empty())
    }

    /// The row as a target figure; none when it is empty; every problem by row and field.
    fn read(&self, problems: &mut Vec<FieldProblem>) -> Option<TargetFigure> {
        if self.is_empty() {
            return None;
        }
        let n = self.n;
        let before = problems.len();
        let quantity = self.quantity.chars().filter(|c| !c.is_whitespace()).collect::<String>();
        let quantity = match quantity.parse::<i64>() {
            Ok(q) if q > 0 && q <= MAX_COUNT => Some(q),
            _ if quantity.is_empty() => {
                problems.push((field_id("antall", n), format!("Måltall, rad {n}: antallet mangler.")));
                None
            }
            _ => {
                let message = format!(
                    "Måltall, rad {n}: antallet «{}» er ikke et helt tall fra 1 til {}.",
                    self.quantity.trim(),
                    format::number(MAX_COUNT)
                );
                problems.push((field_id("antall", n), message));
                None
            }
        };
        let technology = TECHNOLOGIES.iter().find(|t| t.code == self.technology.trim());
        if technology.is_none() {
            let message = if self.technology.trim().is_empty() {
                format!("Måltall, rad {n}: velg teknologi.")
            } else {
                format!("Måltall, rad {n}: teknologien «{}» er ikke i listen.", self.technology.trim())
            };
            problems.push((field_id("teknologi", n), message));
        }
        let unit = self.unit.trim();
        if !UNITS.contains(&unit) {
            let message = format!("Måltall, rad {n}: velg enhet ({}), ikke «{unit}».", UNITS.join(", "));
            problems.push((field_id("enhet", n), message));
        }
        let due = match self.due.trim() {
            "" => None,
            d => {
                let parsed = parse_date(d);
                if parsed.is_none() {
                    let message = format!(
                        "Måltall, rad {n}: fristen «{d}» er ikke en dato; skriv den som 31.12.2027 eller 2027-12-31."
                    );
                    problems.push((field_id("frist", n), message));
                }
                parsed
            }
        };
        if problems.len() > before {
            return None;
        }
        let (quantity, technology) = (quantity?, technology?);
        Some(TargetFigure { technology: technology.label.into(), quantity, unit: unit.into(), due })
    }
}

/// The id of a row's field in the form: `mal_antall_2`.
fn field_id(what: &str, n: usize) -> String {
    format!("mal_{what}_{n}")
}

impl DecisionForm {
    /// How many target-figure rows the form has: as many as it showed, or typed, at least three.
    fn row_count(&self) -> usize {
        let shown = self.mal_rader.trim().parse::<usize>().unwrap_or(0);
        let typed = self
            .typed
            .keys()
            .filter_map(|k| k.strip_prefix("mal_"))
            .filter_map(|k| k.rsplit_once('_'))
            .filter_map(|(_, n)| n.parse::<usize>().ok())
            .max()
            .unwrap_or(0);
        shown.max(typed).clamp(MIN_ROWS, MAX_ROWS)
    }

    /// The target-figure rows as typed, empty ones too.
    pub fn target_rows(&self) -> Vec<TargetRow> {
        let value = |what: &str, n: usize| self.typed.get(&format!("mal_{what}_{n}")).cloned().unwrap_or_default();
        (1..=self.row_count())
            .map(|n| TargetRow {
                n,
                quantity: value("antall", n),
                technology: value("teknologi", n),
                unit: Some(value("enhet", n)).filter(|u| !u.is_empty()).unwrap_or_else(|| UNITS[0].into()),
                due: value("frist", n),
            })
            .collect()
    }

    /// The same form with one more (empty) target-figure row.
    pub fn with_another_row(mut self) -> DecisionForm {
        self.mal_rader = (self.row_count() + 1).min(MAX_ROWS).to_string();
        self.rader = None;
        self
    }
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
    /// Why the sum goes beyond what is left of the county's frame; needed when it does.
    pub justification: String,
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
            _ => return Err(GrantError::invalid("outcome-grant", "Velg om søknaden innvilges eller avslås.")),
        };
        Ok(DecideCommand { version: f.version, outcome })
    }
}

impl TryFrom<&DecisionForm> for GrantTerms {
    type Error = GrantError;

    /// Every field read, and every problem named at once, by field and row.
    fn try_from(f: &DecisionForm) -> GrantResult<GrantTerms> {
        let mut problems = Vec::new();
        let granted = match parse_kroner("Innvilget beløp", &f.granted) {
            Ok(Some(n)) if n > 0 => Some(n),
            Ok(_) => {
                problems.push(("granted".into(), "Innvilget beløp mangler.".to_string()));
                None
            }
            Err(e) => {
                problems.extend(e.problems().into_iter().map(|(_, m)| ("granted".to_string(), m)));
                None
            }
        };
        let aid_type = AidType::from_code(&f.aid_type);
        if aid_type.is_none() {
            problems.push(("aid_type".into(), "Velg støttetype.".into()));
        }
        let targets: Vec<TargetFigure> = f.target_rows().iter().filter_map(|r| r.read(&mut problems)).collect();
        let passed_on = parse_passed_on(&f.sub_allocations).unwrap_or_else(|e| {
            problems.extend(e.problems());
            vec![]
        });
        GrantError::unless_none(problems)?;
        let (Some(granted), Some(aid_type)) = (granted, aid_type) else {
            return Err(GrantError::invalid("granted", "Innvilget beløp mangler."));
        };
        Ok(GrantTerms {
            granted,
            aid_type,
            conditions: f.conditions.trim().into(),
            passed_on,
            targets,
            reference: f.reference.trim().into(),
            confirm_de_minimis: ticked(&f.confirm_de_minimis),
            justification: f.justification.trim().into(),
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
        let amount = parse_kroner(&format!("Videre fordeling, linje {}", i + 1), amount)
            .map_err(|e| {
                GrantError::Fields(e.problems().into_iter().map(|(_, m)| ("sub_allocations".into(), m)).collect())
            })?
            .unwrap_or(0);
        out.push((number.trim().to_string(), amount));
    }
    Ok(out)
}

/// What is left of the county's frame for the application's year: the county's share of the
/// year's frame, and what its other grants in the scheme that year already took.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FrameRoom {
    pub county: String,
    pub year: i32,
    pub frame: i64,
    pub granted_before: i64,
}

impl FrameRoom {
    pub fn left(&self) -> i64 {
        self.frame - self.granted_before
    }

    /// Why `granted` needs a justification, if it does.
    pub fn exceeded_by(&self, granted: i64) -> Option<String> {
        let (county, year) = (&self.county, self.year);
        if granted > self.frame {
            return Some(format!(
                "Innvilget beløp {} er mer enn fylkesrammen til {county} for {year} ({}). Skriv en begrunnelse for å innvilge likevel.",
                format::kroner(granted),
                format::kroner(self.frame)
            ));
        }
        (granted > self.left()).then(|| {
            format!(
                "Innvilget beløp {} er mer enn det som er igjen av fylkesrammen til {county} for {year}: ramme {}, innvilget før {}, igjen {}. Skriv en begrunnelse for å innvilge likevel.",
                format::kroner(granted),
                format::kroner(self.frame),
                format::kroner(self.granted_before),
                format::kroner(self.left())
            )
        })
    }
}

/// The county's frame for the application's year and what is left of it; none when the scheme
/// has no frame for the county that year (in the application's layout).
pub fn frame_room(conn: &mut DbConnection, l: &Loaded) -> GrantResult<Option<FrameRoom>> {
    let a = &l.application;
    let Some(frame) =
        store::frames_of(conn, a.scheme_id)?.into_iter().find(|f| f.year == a.year && f.layout == a.layout)
    else {
        return Ok(None);
    };
    let Some(share) = store::allocations_of(conn, frame.id)?.into_iter().find(|c| c.county_number == a.county_number)
    else {
        return Ok(None);
    };
    let Some(amount) = share.amount else { return Ok(None) };
    let others: Vec<i64> = store::applications_of(conn, a.scheme_id)?
        .into_iter()
        .filter(|o| o.id != a.id && o.year == a.year && o.county_number == a.county_number)
        .filter(|o| o.state == ApplicationState::Granted)
        .map(|o| o.id)
        .collect();
    let granted_before = store::decisions_of_scheme(conn, a.scheme_id)?
        .iter()
        .filter(|d| others.contains(&d.application_id))
        .map(|d| d.granted)
        .sum();
    Ok(Some(FrameRoom { county: share.county_name, year: a.year, frame: amount, granted_before }))
}

/// A grant beyond what is left of the county's frame is decided only with a justification.
fn check_frame(conn: &mut DbConnection, l: &Loaded, terms: &GrantTerms) -> GrantResult<()> {
    let Some(room) = frame_room(conn, l)? else { return Ok(()) };
    match room.exceeded_by(terms.granted) {
        Some(message) if terms.justification.is_empty() => Err(GrantError::invalid("justification", message)),
        _ => Ok(()),
    }
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
                let after = serde_json::json!({"tilstand": a.state, "innvilget": terms.granted, "vilkår": terms.conditions, "måltall": terms.targets, "støttetype": terms.aid_type, "begrunnelse_utover_rammen": terms.justification, "vedtatt_av": decider(&loaded.scheme, &loaded.offices)});
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
        let message = format!(
            "Videre fordeling ({}) er mer enn innvilget beløp ({}).",
            crate::web::format::kroner(passed_on),
            crate::web::format::kroner(terms.granted)
        );
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

/// A refusal of input noted with the others (none then); any other error ends the decision.
fn noted<T>(result: GrantResult<T>, problems: &mut Vec<FieldProblem>) -> GrantResult<Option<T>> {
    match result {
        Ok(v) => Ok(Some(v)),
        Err(e @ (GrantError::Invalid { .. } | GrantError::Fields(_))) => {
            problems.extend(e.problems());
            Ok(None)
        }
        Err(e) => Err(e),
    }
}

/// Records a grant: the decision, the granted entry that opens the ledger, and the letter.
fn grant(conn: &mut DbConnection, ctx: &Ctx, l: &Loaded, terms: &GrantTerms) -> GrantResult<()> {
    let id = l.application.id;
    // Every refusal at once: the sub-allocations, the frame and the de minimis ceiling.
    let mut problems = Vec::new();
    let subs = noted(sub_allocations(conn, l, terms), &mut problems)?.unwrap_or_default();
    noted(check_frame(conn, l, terms), &mut problems)?;
    noted(check_de_minimis(conn, ctx, l, terms), &mut problems)?;
    GrantError::unless_none(problems)?;
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
        target_text: String::new(),
        frame_justification: terms.justification.clone(),
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
