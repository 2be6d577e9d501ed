//! The grant letter (tilskuddsbrev): an A4 PDF made from the decision, laid out as a letter from
//! the scheme's owner: logo area, date and reference, recipient block, the grant, conditions,
//! target figures, reporting duties, payment terms, the deadline for acceptance, and a signature
//! block. Helvetica is one of the PDF base fonts, so nothing is embedded; text is written in
//! WinAnsi encoding, which holds the Norwegian letters.

use crate::web::format;
use chrono::NaiveDate;
use pdf_writer::{Content, Finish, Name, Pdf, Rect, Ref, Str, TextStr};

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

const PAGE_W: f32 = 595.0;
const PAGE_H: f32 = 842.0;
const MARGIN: f32 = 64.0;
const BODY: f32 = 10.5;

/// One byte per character in WinAnsi; what it cannot hold becomes "?".
fn win_ansi(text: &str) -> Vec<u8> {
    text.chars()
        .map(|c| match c {
            '\u{20}'..='\u{7e}' => c as u8,
            '\u{a0}'..='\u{ff}' => c as u32 as u8,
            '€' => 0x80,
            '…' => 0x85,
            '•' => 0x95,
            '‘' => 0x91,
            '’' => 0x92,
            '“' => 0x93,
            '”' => 0x94,
            '–' => 0x96,
            '—' => 0x97,
            '−' => b'-',
            _ => b'?',
        })
        .collect()
}

/// Rough Helvetica advance widths (per 1 000 units), enough to wrap lines inside the margins.
fn width(text: &str, size: f32) -> f32 {
    let units: u32 = text
        .chars()
        .map(|c| match c {
            'i' | 'j' | 'l' | '.' | ',' | ':' | ';' | '\'' | '|' | '!' => 250,
            'f' | 't' | 'r' | ' ' | '(' | ')' | '-' | '–' => 320,
            'm' | 'w' | 'M' | 'W' | 'æ' | 'Æ' => 830,
            c if c.is_uppercase() => 680,
            c if c.is_ascii_digit() => 556,
            _ => 540,
        })
        .sum();
    units as f32 * size / 1000.0
}

fn wrap(text: &str, size: f32, max: f32) -> Vec<String> {
    let mut lines = Vec::new();
    for paragraph in text.split('\n') {
        let mut line = String::new();
        for word in paragraph.split_whitespace() {
            let candidate = if line.is_empty() { word.to_string() } else { format!("{line} {word}") };
            if width(&candidate, size) > max && !line.is_empty() {
                lines.push(std::mem::replace(&mut line, word.to_string()));
            } else {
                line = candidate;
            }
        }
        lines.push(line);
    }
    lines
}

/// Lays out text top-down over as many pages as needed.
struct Writer {
    pages: Vec<Content>,
    y: f32,
}

impl Writer {
    fn new() -> Writer {
        Writer { pages: vec![Content::new()], y: PAGE_H - MARGIN }
    }

    fn page(&mut self) -> &mut Content {
        let last = self.pages.len() - 1;
        &mut self.pages[last]
    }

    fn room(&mut self, needed: f32) {
        if self.y - needed < MARGIN + 30.0 {
            self.pages.push(Content::new());
            self.y = PAGE_H - MARGIN;
        }
    }

    fn text_at(&mut self, x: f32, y: f32, font: &[u8], size: f32, text: &str) {
        let bytes = win_ansi(text);
        let c = self.page();
        c.begin_text();
        c.set_font(Name(font), size);
        c.next_line(x, y);
        c.show(Str(&bytes));
        c.end_text();
    }

    fn paragraph(&mut self, text: &str, font: &[u8], size: f32, indent: f32) {
        for line in wrap(text, size, PAGE_W - 2.0 * MARGIN - indent) {
            self.room(size * 1.45);
            self.y -= size * 1.45;
            let y = self.y;
            self.text_at(MARGIN + indent, y, font, size, &line);
        }
    }

    fn gap(&mut self, points: f32) {
        self.y -= points;
    }
}

const REGULAR: &[u8] = b"F1";
const BOLD: &[u8] = b"F2";

pub fn render(l: &Letter) -> Vec<u8> {
    let mut w = Writer::new();
    // Logo area and sender.
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
    w.gap(24.0);
    w.room(80.0);
    w.paragraph("Med hilsen", REGULAR, BODY, 0.0);
    w.gap(18.0);
    w.paragraph(&l.sender, BOLD, BODY, 0.0);
    w.paragraph("Saksbehandler for tilskuddsordningen", REGULAR, BODY, 0.0);
    w.gap(12.0);
    w.paragraph("Dokumentet er godkjent elektronisk og har derfor ingen håndskrevne signaturer.", REGULAR, 8.0, 0.0);
    assemble(w.pages, l)
}

fn assemble(pages: Vec<Content>, l: &Letter) -> Vec<u8> {
    let mut pdf = Pdf::new();
    let catalog = Ref::new(1);
    let tree = Ref::new(2);
    let regular = Ref::new(3);
    let bold = Ref::new(4);
    let info = Ref::new(5);
    let count = pages.len();
    let page_ids: Vec<Ref> = (0..count).map(|i| Ref::new(10 + 2 * i as i32)).collect();
    pdf.catalog(catalog).pages(tree);
    pdf.pages(tree).kids(page_ids.iter().copied()).count(count as i32);
    for (i, mut content) in pages.into_iter().enumerate() {
        let content_id = Ref::new(11 + 2 * i as i32);
        let footer = format!("Side {} av {count}", i + 1);
        content.begin_text();
        content.set_font(Name(REGULAR), 8.0);
        content.next_line(PAGE_W - MARGIN - 50.0, MARGIN - 20.0);
        content.show(Str(&win_ansi(&footer)));
        content.end_text();
        let mut page = pdf.page(page_ids[i]);
        page.media_box(Rect::new(0.0, 0.0, PAGE_W, PAGE_H));
        page.parent(tree);
        page.contents(content_id);
        let mut resources = page.resources();
        resources.fonts().pair(Name(REGULAR), regular).pair(Name(BOLD), bold);
        resources.finish();
        page.finish();
        pdf.stream(content_id, &content.finish());
    }
    pdf.type1_font(regular).base_font(Name(b"Helvetica")).encoding_predefined(Name(b"WinAnsiEncoding"));
    pdf.type1_font(bold).base_font(Name(b"Helvetica-Bold")).encoding_predefined(Name(b"WinAnsiEncoding"));
    pdf.document_info(info)
        .title(TextStr(&format!("Tilsagn om tilskudd – {}", l.recipient)))
        .author(TextStr(&l.sender));
    pdf.finish()
}

#[cfg(test)]
mod tests {
    use super::*;

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
