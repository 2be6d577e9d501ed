//! The grant letter (tilskuddsbrev): an A4 PDF made from the decision, laid out as a letter from
//! the scheme's owner: logo area, date and reference, recipient block, the grant, conditions,
//! target figures, reporting duties, payment terms, the deadline for acceptance, and a signature
//! block. Helvetica is one of the PDF base fonts, so nothing is embedded; text is written in
//! WinAnsi encoding, which holds the Norwegian letters.

use super::applications::{Loaded, load_visible};
use super::error::{GrantError, GrantResult};
use super::store::Decision;
use crate::db::DbConnection;
use crate::files::{self, Owner, Upload};
use crate::registry::store as registry;
use crate::web::format;
use crate::web::pdf::{BODY, BOLD, MARGIN, PAGE_H, PAGE_W, REGULAR, Writer};
use chrono::{NaiveDate, NaiveDateTime};
use samveis_domain::access::Actor;
use samveis_domain::registry::Layout;

pub const OWNER_LETTER: &str = "letter";

/// What a letter says.
pub struct Letter {
    pub sender: String,
    pub date: NaiveDate,
    pub reference: String,
    pub recipient: String,
    pub recipient_county: String,
    pub scheme: String,
    pub year: i32,
    pub granted: i64,
    pub purpose: String,
    pub conditions: String,
    /// "50 medisindispensere (frist 31. desember 2027)"
    pub targets: Vec<String>,
    /// "Fauske: 100 000 kr"
    pub passed_on: Vec<String>,
    pub payment_terms: String,
    pub accept_by: NaiveDate,
    pub aid_type: String,
}

/// The letter's content, from the decision and the registry.
fn letter_of(conn: &mut DbConnection, l: &Loaded, d: &Decision) -> GrantResult<Letter> {
    let layout = Layout::from_year(l.application.layout).unwrap_or(Layout::CURRENT);
    let county = registry::county_names(conn, layout)?
        .into_iter()
        .find(|(n, _)| *n == l.application.county_number)
        .map_or_else(|| l.application.county_number.clone(), |(_, name)| name);
    let payment_terms = if l.scheme.rules.is_empty() {
        "Tilskuddet utbetales etter anmodning om utbetaling med faktura, kostnader så langt mot godkjent budsjett og kort status.".to_string()
    } else {
        l.scheme.rules.clone()
    };
    let purpose =
        if l.application.purpose.is_empty() { "formålet i søknaden".into() } else { l.application.purpose.clone() };
    Ok(Letter {
        sender: l.scheme.owner.clone(),
        date: d.decided_on,
        reference: d.reference.clone(),
        recipient: l.application.applicant_name.clone(),
        recipient_county: county,
        scheme: l.scheme.name.clone(),
        year: l.application.year,
        granted: d.granted,
        purpose,
        conditions: d.conditions.clone(),
        targets: d.target_figures.iter().map(target_line).collect(),
        passed_on: d.sub_allocations.iter().map(|s| format!("{}: {}", s.name, format::kroner(s.amount))).collect(),
        payment_terms,
        accept_by: d.decided_on + chrono::Duration::days(21),
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
    let upload = Upload { file_name: format!("tilskuddsbrev-{id}.pdf"), bytes: render(&letter_of(conn, l, d)?) };
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

pub fn render(l: &Letter) -> Vec<u8> {
    let mut w = Writer::new();
    heading(&mut w, l);
    grant(&mut w, l);
    terms(&mut w, l);
    closing(&mut w, l);
    w.finish(&format!("Tilsagn om tilskudd – {}", l.recipient), &l.sender)
}

/// Logo area, sender, date and reference, and the recipient block.
fn heading(w: &mut Writer, l: &Letter) {
    {
        let c = w.page();
        c.set_fill_gray(0.92);
        c.rect(MARGIN, PAGE_H - MARGIN - 46.0, 150.0, 46.0);
        c.fill_nonzero();
        c.set_fill_gray(0.0);
    }
    w.text_at(MARGIN + 12.0, PAGE_H - MARGIN - 22.0, BOLD, 14.0, "Samveis");
    w.text_at(MARGIN + 12.0, PAGE_H - MARGIN - 37.0, REGULAR, 8.0, "Nasjonalt velferdsteknologiprogram");
    w.text_at(PAGE_W - MARGIN - 200.0, PAGE_H - MARGIN - 14.0, BOLD, 10.0, &l.sender);
    w.text_at(
        PAGE_W - MARGIN - 200.0,
        PAGE_H - MARGIN - 30.0,
        REGULAR,
        9.0,
        &format!("Dato: {}", format::date(l.date)),
    );
    let reference = if l.reference.is_empty() { "–".to_string() } else { l.reference.clone() };
    w.text_at(PAGE_W - MARGIN - 200.0, PAGE_H - MARGIN - 43.0, REGULAR, 9.0, &format!("Vår referanse: {reference}"));
    w.y = PAGE_H - MARGIN - 90.0;
    // Recipient block.
    w.paragraph(&l.recipient, BOLD, BODY, 0.0);
    w.paragraph(&format!("v/ prosjektleder, {}", l.recipient_county), REGULAR, BODY, 0.0);
}

/// The grant itself, its conditions, target figures and what is passed on.
fn grant(w: &mut Writer, l: &Letter) {
    w.gap(28.0);
    w.paragraph(&format!("Tilsagn om tilskudd: {} ({})", l.scheme, l.year), BOLD, 13.0, 0.0);
    w.gap(8.0);
    w.paragraph(
        &format!(
            "Vi viser til søknaden deres og innvilger et tilskudd på {} til {}. Støttetype: {}.",
            format::kroner(l.granted),
            l.purpose.trim_end_matches('.').to_lowercase(),
            l.aid_type.to_lowercase()
        ),
        REGULAR,
        BODY,
        0.0,
    );
    let sections: [(&str, Vec<String>); 2] =
        [("Måltall", l.targets.clone()), ("Fordeling videre til kommunene", l.passed_on.clone())];
    if !l.conditions.is_empty() {
        w.gap(10.0);
        w.paragraph("Vilkår", BOLD, BODY, 0.0);
        w.paragraph(&l.conditions, REGULAR, BODY, 0.0);
    }
    for (title, items) in sections {
        if items.is_empty() {
            continue;
        }
        w.gap(10.0);
        w.paragraph(title, BOLD, BODY, 0.0);
        for item in items {
            w.paragraph(&format!("• {item}"), REGULAR, BODY, 10.0);
        }
    }
}

/// Reporting, payment and acceptance.
fn terms(w: &mut Writer, l: &Letter) {
    w.gap(10.0);
    w.paragraph("Rapportering", BOLD, BODY, 0.0);
    w.paragraph(
        "Tilskuddet følges opp i rapporteringsrundene i Samveis: statusrapporter, milepæler og gevinstrapportering. Måltallene over rapporteres per periode, med oppnådd antall mot mål.",
        REGULAR,
        BODY,
        0.0,
    );
    w.gap(10.0);
    w.paragraph("Utbetaling", BOLD, BODY, 0.0);
    w.paragraph(&l.payment_terms, REGULAR, BODY, 0.0);
    w.gap(10.0);
    w.paragraph("Aksept", BOLD, BODY, 0.0);
    w.paragraph(
        &format!(
            "Tilsagnet og vilkårene må aksepteres i Samveis (eller ved at signert brev lastes opp) innen {}. Ubrukte midler skal meldes og kan kreves tilbakebetalt.",
            format::date(l.accept_by)
        ),
        REGULAR,
        BODY,
        0.0,
    );
}

fn closing(w: &mut Writer, l: &Letter) {
    w.gap(24.0);
    w.room(80.0);
    w.paragraph("Med hilsen", REGULAR, BODY, 0.0);
    w.gap(18.0);
    w.paragraph(&l.sender, BOLD, BODY, 0.0);
    w.paragraph("Saksbehandler for tilskuddsordningen", REGULAR, BODY, 0.0);
    w.gap(12.0);
    w.paragraph("Dokumentet er godkjent elektronisk og har derfor ingen håndskrevne signaturer.", REGULAR, 8.0, 0.0);
}

#[cfg(test)]
mod tests {
    use crate::web::pdf::*;

    #[test]
    fn norwegian_letters_fit_win_ansi() {
        assert_eq!(win_ansi("Bodø – «Æ»"), vec![b'B', b'o', b'd', 0xF8, b' ', 0x96, b' ', 0xAB, 0xC6, 0xBB]);
    }

    #[test]
    fn long_text_wraps_inside_the_margins() {
        let text = "ord ".repeat(200);
        let lines = wrap(&text, BODY, PAGE_W - 2.0 * MARGIN);
        assert!(lines.len() > 3 && lines.iter().all(|l| width(l, BODY) <= PAGE_W - 2.0 * MARGIN));
    }
}
