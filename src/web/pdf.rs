//! A small A4 document writer over pdf-writer: wrapped paragraphs, aligned table rows, bars and a
//! page footer, in Helvetica (a PDF base font, so nothing is embedded) with WinAnsi encoding, which
//! holds the Norwegian letters. Used for grant letters and status reports.

use pdf_writer::{Content, Finish, Name, Pdf, Rect, Ref, Str, TextStr};

pub const PAGE_W: f32 = 595.0;
pub const PAGE_H: f32 = 842.0;
pub const MARGIN: f32 = 64.0;
pub const BODY: f32 = 10.5;

/// One byte per character in WinAnsi; what it cannot hold becomes "?".
pub fn win_ansi(text: &str) -> Vec<u8> {
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
pub fn width(text: &str, size: f32) -> f32 {
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

pub fn wrap(text: &str, size: f32, max: f32) -> Vec<String> {
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
pub struct Writer {
    pages: Vec<Content>,
    pub y: f32,
}

impl Writer {
    pub fn new() -> Writer {
        Writer { pages: vec![Content::new()], y: PAGE_H - MARGIN }
    }

    pub fn page(&mut self) -> &mut Content {
        let last = self.pages.len() - 1;
        &mut self.pages[last]
    }

    pub fn room(&mut self, needed: f32) {
        if self.y - needed < MARGIN + 30.0 {
            self.pages.push(Content::new());
            self.y = PAGE_H - MARGIN;
        }
    }

    pub fn text_at(&mut self, x: f32, y: f32, font: &[u8], size: f32, text: &str) {
        let bytes = win_ansi(text);
        let c = self.page();
        c.begin_text();
        c.set_font(Name(font), size);
        c.next_line(x, y);
        c.show(Str(&bytes));
        c.end_text();
    }

    pub fn paragraph(&mut self, text: &str, font: &[u8], size: f32, indent: f32) {
        for line in wrap(text, size, PAGE_W - 2.0 * MARGIN - indent) {
            self.room(size * 1.45);
            self.y -= size * 1.45;
            let y = self.y;
            self.text_at(MARGIN + indent, y, font, size, &line);
        }
    }

    pub fn gap(&mut self, points: f32) {
        self.y -= points;
    }
}

pub const REGULAR: &[u8] = b"F1";
pub const BOLD: &[u8] = b"F2";

impl Default for Writer {
    fn default() -> Self {
        Writer::new()
    }
}

impl Writer {
    /// One table row: each cell's text at its x position (right-aligned when `right`).
    pub fn row(&mut self, cells: &[(f32, bool, &str)], font: &[u8], size: f32) {
        self.room(size * 1.6);
        self.y -= size * 1.6;
        let y = self.y;
        for (x, right, text) in cells {
            let x = if *right { x - width(text, size) } else { *x };
            self.text_at(x, y, font, size, text);
        }
    }

    /// A horizontal bar of `fraction` of `max_width`, after a label, with a figure after it.
    pub fn bar(&mut self, label: &str, fraction: f32, figure: &str) {
        self.room(18.0);
        self.y -= 18.0;
        let y = self.y;
        self.text_at(MARGIN, y, REGULAR, 9.0, label);
        let (x, w) = (MARGIN + 190.0, 230.0);
        {
            let c = self.page();
            c.set_fill_gray(0.85);
            c.rect(x, y - 2.0, w, 11.0);
            c.fill_nonzero();
            c.set_fill_gray(0.25);
            c.rect(x, y - 2.0, w * fraction.clamp(0.0, 1.0), 11.0);
            c.fill_nonzero();
            c.set_fill_gray(0.0);
        }
        self.text_at(x + w + 8.0, y, REGULAR, 9.0, figure);
    }

    /// Starts a new page.
    pub fn new_page(&mut self) {
        self.pages.push(Content::new());
        self.y = PAGE_H - MARGIN;
    }

    /// The finished PDF, each page with "Side n av m".
    pub fn finish(self, title: &str, author: &str) -> Vec<u8> {
        let mut pdf = Pdf::new();
        let catalog = Ref::new(1);
        let tree = Ref::new(2);
        let regular = Ref::new(3);
        let bold = Ref::new(4);
        let info = Ref::new(5);
        let pages = self.pages;
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
        pdf.document_info(info).title(TextStr(title)).author(TextStr(author));
        pdf.finish()
    }
}
