//! The grant letter (tilskuddsbrev): the decision (enkeltvedtak) as an A4 PDF, from the
//! authority that decided (Statsforvalteren of the applicant's county, or the scheme's owner),
//! with its address and organisation number, to the recipient by full name; the legal basis, the
//! grant with its conditions and target figures, reporting, the scheme's payment terms, the
//! deadline for acceptance, the right of appeal (forvaltningsloven §§ 28–29) and a contact role.

use super::applications::{Loaded, load_visible};
use super::error::{GrantError, GrantResult};
use super::store::{Decision, Scheme};
use crate::db::DbConnection;
use crate::files::{self, Owner, Upload};
use crate::registry::authorities::{self, Authority};
use crate::registry::store as registry;
use crate::web::format;
use crate::web::pdf::{BODY, BOLD, MARGIN, PAGE_H, PAGE_W, REGULAR, Writer};
use chrono::{NaiveDate, NaiveDateTime};
use samveis_domain::access::Actor;
use samveis_domain::registry::Layout;

pub const OWNER_LETTER: &str = "letter";

/// What a letter says.
pub struct Letter {
    /// The authority that decided.
    pub sender: Authority,
    /// Where an appeal goes after the sender has looked at it again, when the sender is bound
    /// by forvaltningsloven.
    pub appeal_body: Option<String>,
    pub date: NaiveDate,
    pub reference: String,
    /// "Bodø kommune", "Kommunenettverket i Nordland"
    pub recipient: String,
    pub scheme: String,
    pub year: i32,
    /// "tilskuddsregelverket for … , kap. 761, post 68 i statsbudsjettet"; empty when not known.
    pub legal_basis: String,
    pub granted: i64,
    pub purpose: String,
    pub conditions: String,
    /// "50 stk medisindispensere (frist 31. desember 2027)"
    pub targets: Vec<String>,
    /// "Fauske-Fuosko: 100 000 kr"
    pub passed_on: Vec<String>,
    pub payment_terms: String,
    /// The scheme's reporting duties; empty: the reporting rounds in Samveis.
    pub reporting: String,
    pub accept_by: Option<NaiveDate>,
    pub aid_type: String,
}

/// The authority of a key, or, for a key the table does not have, one named by the scheme's
/// owner text with no address (the letter then prints what it knows).
fn authority_or(key: &str, fallback: &str) -> Authority {
    authorities::authority(key).cloned().unwrap_or_else(|| Authority {
        key: key.to_string(),
        name: fallback.to_string(),
        postal_address: String::new(),
        postcode: String::new(),
        place: String::new(),
        org_number: String::new(),
        superior: String::new(),
        public_body: true,
        checked: false,
    })
}

/// Who decided: as recorded, or (for decisions recorded before that was kept) by the scheme's rule.
fn sender_of(l: &Loaded, d: &Decision) -> Authority {
    let key =
        if d.decided_by.is_empty() { super::decisions::decider(&l.scheme, &l.offices) } else { d.decided_by.clone() };
    authority_or(&key, &l.scheme.owner)
}

/// The appeal goes to the scheme's owner when a county governor decided, else to the decider's
/// superior body.
fn appeal_body(sender: &Authority, scheme: &Scheme) -> Option<String> {
    if !sender.public_body {
        return None;
    }
    let key =
        if sender.key == scheme.terms.authority { sender.superior.as_str() } else { scheme.terms.authority.as_str() };
    authorities::authority(key).map(|a| a.name.clone())
}

/// "tilskuddsregelverket for …, kap. 761, post 68 i statsbudsjettet"
fn legal_basis(s: &Scheme) -> String {
    let rules = s.terms.legal_basis.trim().trim_end_matches('.');
    let budget = match (s.budget_chapter.trim(), s.budget_post.trim()) {
        ("", _) => String::new(),
        (chapter, "") => format!("kap. {chapter} i statsbudsjettet"),
        (chapter, post) => format!("kap. {chapter}, post {post} i statsbudsjettet"),
    };
    match (rules.is_empty(), budget.is_empty()) {
        (true, _) => budget,
        (false, true) => rules.to_string(),
        (false, false) => format!("{rules}, {budget}"),
    }
}

/// The recipient by full name: a municipality as "Bodø kommune" from the registry.
fn recipient(conn: &mut DbConnection, l: &Loaded) -> GrantResult<String> {
    let a = &l.application;
    if a.applicant_kind != "municipality" {
        return Ok(a.applicant_name.clone());
    }
    let layout = Layout::from_year(a.layout).unwrap_or(Layout::CURRENT);
    let name = registry::municipality_rows(conn, layout)?
        .into_iter()
        .find(|m| m.number.to_string() == a.applicant_id)
        .map_or_else(|| a.applicant_name.clone(), |m| m.name);
    let full = name.ends_with(" kommune") || name.ends_with(" herad");
    Ok(if full { name } else { format!("{name} kommune") })
}

/// The letter's content, from the decision, the scheme and the registry.
fn letter_of(conn: &mut DbConnection, l: &Loaded, d: &Decision) -> GrantResult<Letter> {
    let sender = sender_of(l, d);
    Ok(Letter {
        appeal_body: appeal_body(&sender, &l.scheme),
        sender,
        date: d.decided_on,
        reference: d.reference.clone(),
        recipient: recipient(conn, l)?,
        scheme: l.scheme.name.clone(),
        year: l.application.year,
        legal_basis: legal_basis(&l.scheme),
        granted: d.granted,
        purpose: l.application.purpose.trim().trim_end_matches('.').to_string(),
        conditions: d.conditions.clone(),
        targets: d.target_figures.iter().map(target_line).collect(),
        passed_on: d.sub_allocations.iter().map(|s| format!("{}: {}", s.name, format::kroner(s.amount))).collect(),
        payment_terms: l.scheme.terms.payment_terms.clone(),
        reporting: l.scheme.terms.reporting.clone(),
        accept_by: l.scheme.terms.accept_by(d.decided_on),
        aid_type: d.aid_type.label().to_string(),
    })
}

/// "50 stk medisindispensere (frist 31. desember 2027)"
fn target_line(t: &samveis_domain::grants::TargetFigure) -> String {
    let due = t.due.map(|due| format!(" (frist {})", format::date(due))).unwrap_or_default();
    format!("{} {} {}{due}", format::number(t.quantity), t.unit, t.technology)
}

/// Makes the letter of a decision and stores it with the application.
pub(super) fn store_letter(
    conn: &mut DbConnection,
    l: &Loaded,
    d: &Decision,
    now: NaiveDateTime,
) -> GrantResult<Vec<u8>> {
    let id = l.application.id;
    let upload = Upload { file_name: format!("tilskuddsbrev-{id}.pdf"), bytes: render(&letter_of(conn, l, d)?)? };
    let owner = Owner { kind: OWNER_LETTER, id, field: "" };
    files::store_file(conn, &owner, &upload, "application/pdf", now)?;
    Ok(upload.bytes)
}

/// The grant letter of an application the actor may see: the stored one, or made and stored
/// now (historic decisions get theirs on first download).
pub fn grant_letter(
    conn: &mut DbConnection,
    actor: Option<&Actor>,
    id: i64,
    now: NaiveDateTime,
) -> GrantResult<Vec<u8>> {
    let loaded = load_visible(conn, actor, id)?;
    let decision = loaded.decision.clone().ok_or_else(|| {
        GrantError::NotFound("Søknaden har ikke fått tilsagn, og har derfor ikke noe tilskuddsbrev.".into())
    })?;
    if let Some(info) = files::infos(conn, OWNER_LETTER, id)?.into_values().last() {
        if let Some(bytes) = files::bytes(conn, &info.sha256)? {
            return Ok(bytes);
        }
    }
    store_letter(conn, &loaded, &decision, now)
}

pub fn render(l: &Letter) -> GrantResult<Vec<u8>> {
    let mut w = Writer::new();
    heading(&mut w, l);
    grant(&mut w, l);
    terms(&mut w, l);
    appeal(&mut w, l);
    closing(&mut w, l);
    Ok(w.finish(&format!("Vedtak om tilskudd – {}", l.recipient), &l.sender.name)?)
}

/// The sender with address and organisation number, date and reference, and the recipient.
fn heading(w: &mut Writer, l: &Letter) {
    let top = PAGE_H - MARGIN;
    w.rect(MARGIN, top - 46.0, 4.0, 46.0, 90);
    w.text_at(MARGIN + 12.0, top - 16.0, BOLD, 12.0, &l.sender.name);
    let mut y = top - 30.0;
    if !l.sender.postal_address.is_empty() {
        w.text_at(MARGIN + 12.0, y, REGULAR, 9.0, &l.sender.address());
        y -= 12.0;
    }
    if let Some(number) = l.sender.org_number_spaced() {
        w.text_at(MARGIN + 12.0, y, REGULAR, 9.0, &format!("Org.nr. {number}"));
    }
    let right = PAGE_W - MARGIN - 170.0;
    w.text_at(right, top - 16.0, REGULAR, 9.0, &format!("Dato: {}", format::date(l.date)));
    let reference = if l.reference.is_empty() { "–".to_string() } else { l.reference.clone() };
    let last = w.paragraph_at((right, top - 30.0), REGULAR, 9.0, 170.0, &format!("Vår referanse: {reference}"));
    w.y = (top - 90.0).min(last - 30.0);
    w.paragraph(&l.recipient, BOLD, BODY, 0.0);
}

/// The decision: the grant, its legal basis, conditions, target figures and what is passed on.
fn grant(w: &mut Writer, l: &Letter) {
    w.gap(24.0);
    w.heading(1, &format!("Vedtak om tilskudd: {} ({})", l.scheme, l.year), 13.0);
    w.gap(6.0);
    let purpose = if l.purpose.is_empty() { "formålet i søknaden".to_string() } else { format!("«{}»", l.purpose) };
    w.paragraph(
        &format!(
            "{} innvilger {} et tilskudd på {} til {purpose}. Støttetype: {}.",
            l.sender.name,
            l.recipient,
            format::kroner(l.granted),
            l.aid_type
        ),
        REGULAR,
        BODY,
        0.0,
    );
    section(w, "Hjemmel");
    let basis = if l.legal_basis.is_empty() {
        format!(
            "Hjemmelen for ordningen er ikke registrert i Samveis. Kontakt {} for grunnlaget for vedtaket.",
            l.sender.name
        )
    } else {
        format!("Tilskuddet gis etter {}.", l.legal_basis)
    };
    w.paragraph(&basis, REGULAR, BODY, 0.0);
    if !l.conditions.is_empty() {
        section(w, "Vilkår");
        w.paragraph(&l.conditions, REGULAR, BODY, 0.0);
    }
    for (title, items) in [("Måltall", &l.targets), ("Fordeling videre til kommunene", &l.passed_on)] {
        if items.is_empty() {
            continue;
        }
        section(w, title);
        for item in items {
            w.item(item, BODY);
        }
    }
}

fn section(w: &mut Writer, title: &str) {
    w.gap(10.0);
    w.heading(2, title, BODY);
}

/// Reporting, payment and acceptance.
fn terms(w: &mut Writer, l: &Letter) {
    section(w, "Rapportering");
    let reporting = if l.reporting.is_empty() {
        "Tilskuddet følges opp i rapporteringsrundene i Samveis: statusrapporter, milepæler og gevinstrapportering."
    } else {
        l.reporting.as_str()
    };
    let targets = if l.targets.is_empty() {
        ""
    } else {
        " Måltallene over rapporteres per periode, med oppnådd antall mot mål."
    };
    w.paragraph(&format!("{reporting}{targets}"), REGULAR, BODY, 0.0);
    section(w, "Utbetaling");
    let payment = if l.payment_terms.is_empty() {
        format!(
            "Ordningen har ikke registrert utbetalingsvilkår i Samveis. Kontakt {} før dere ber om utbetaling.",
            l.sender.name
        )
    } else {
        l.payment_terms.clone()
    };
    w.paragraph(&payment, REGULAR, BODY, 0.0);
    section(w, "Aksept");
    let deadline = match l.accept_by {
        Some(date) => format!(
            "Tilsagnet og vilkårene må aksepteres i Samveis (eller ved at signert brev lastes opp) innen {}.",
            format::date(date)
        ),
        None => "Tilsagnet og vilkårene aksepteres i Samveis (eller ved at signert brev lastes opp). Ordningen har ingen frist for aksept registrert.".to_string(),
    };
    w.paragraph(&format!("{deadline} Ubrukte midler skal meldes og kan kreves tilbakebetalt."), REGULAR, BODY, 0.0);
}

/// The right of appeal: forvaltningsloven §§ 28–29 and 32 for a public body; for KS, which is
/// not one, what applies instead.
fn appeal(w: &mut Writer, l: &Letter) {
    section(w, "Klagerett");
    let sender = &l.sender.name;
    let text = if l.sender.public_body {
        let onward = match &l.appeal_body {
            Some(body) => format!("Blir vedtaket ikke endret, sender {sender} klagen til {body} som klageinstans."),
            None => "Blir vedtaket ikke endret, sendes klagen til klageinstansen.".to_string(),
        };
        format!(
            "Dere kan klage på vedtaket, jf. forvaltningsloven §§ 28 og 29. Klagefristen er tre uker fra den dagen dette brevet kom fram. Klagen sendes til {sender}, som vurderer saken på nytt. {onward} Klagen skal være skriftlig, vise til vedtaket, si hvilken endring dere ønsker og bør begrunnes (forvaltningsloven § 32). Dere har rett til å se dokumentene i saken, jf. forvaltningsloven §§ 18 og 19."
        )
    } else {
        format!(
            "{sender} er ikke et forvaltningsorgan, og forvaltningslovens regler om klage gjelder ikke for dette tilskuddet. Spørsmål om tildelingen rettes til {sender}."
        )
    };
    w.paragraph(&text, REGULAR, BODY, 0.0);
}

fn contact_role(l: &Letter) -> String {
    format!("Saksbehandler, {}", l.sender.name)
}

fn closing(w: &mut Writer, l: &Letter) {
    section(w, "Kontakt");
    let address = if l.sender.postal_address.is_empty() { String::new() } else { format!(", {}", l.sender.address()) };
    let reference = if l.reference.is_empty() { String::new() } else { format!(" {}", l.reference) };
    w.paragraph(
        &format!(
            "Spørsmål om vedtaket rettes til saksbehandler hos {}{address}. Oppgi vår referanse{reference} når dere tar kontakt.",
            l.sender.name
        ),
        REGULAR,
        BODY,
        0.0,
    );
    w.gap(18.0);
    w.room(70.0);
    w.paragraph("Med hilsen", REGULAR, BODY, 0.0);
    w.gap(14.0);
    w.paragraph(&l.sender.name, BOLD, BODY, 0.0);
    w.paragraph(&contact_role(l), REGULAR, BODY, 0.0);
    w.gap(12.0);
    w.paragraph("Dokumentet er godkjent elektronisk og har derfor ingen håndskrevne signaturer.", REGULAR, 8.0, 0.0);
}
