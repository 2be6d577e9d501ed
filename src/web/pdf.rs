//! A small A4 document layer over krilla, used for grant letters and status reports: headings,
//! wrapped paragraphs, list items, aligned table rows, bars and a page footer. The text is set in
//! Noto Sans (shipped in `data/fonts` under the SIL Open Font License), embedded and subset by
//! krilla, so every Norwegian and Sami letter prints and can be copied out again. The document is
//! tagged (headings, paragraphs, lists, tables; grey bands, bars and page numbers as artifacts),
//! in language "nb" with its title, and written as PDF/UA-1 when krilla's validator accepts it.
//!
//! Pages are laid out first as a list of drawing steps, then drawn, so the footer can say
//! "Side n av m".

use krilla::color::luma;
use krilla::configure::{Accessibility, Configuration, ConfigurationBuilder};
use krilla::destination::XyzDestination;
use krilla::geom::{PathBuilder, Point, Rect};
use krilla::metadata::Metadata;
use krilla::num::NormalizedF32;
use krilla::outline::{Outline, OutlineNode};
use krilla::page::PageSettings;
use krilla::paint::{Fill, FillRule};
use krilla::surface::Surface;
use krilla::tagging::{
    Artifact, ArtifactType, ContentTag, Identifier, ListNumbering, Node, SpanTag, TableHeaderScope, Tag, TagGroup,
    TagKind, TagTree,
};
use krilla::text::{Font, TextDirection};
use krilla::{Document, SerializeSettings};
use skrifa::MetadataProvider;
use skrifa::instance::{LocationRef, Size};
use skrifa::raw::TableProvider;
use std::num::NonZeroU16;

pub const PAGE_W: f32 = 595.0;
pub const PAGE_H: f32 = 842.0;
pub const MARGIN: f32 = 64.0;
pub const BODY: f32 = 10.5;

const REGULAR_TTF: &[u8] = include_bytes!("../../data/fonts/NotoSans-Regular.ttf");
const BOLD_TTF: &[u8] = include_bytes!("../../data/fonts/NotoSans-Bold.ttf");

/// The two weights the documents use.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Weight {
    Regular,
    Bold,
}
pub use Weight::{Bold as BOLD, Regular as REGULAR};

impl Weight {
    fn bytes(self) -> &'static [u8] {
        match self {
            Weight::Regular => REGULAR_TTF,
            Weight::Bold => BOLD_TTF,
        }
    }
}

/// A document that could not be written (the shipped font unreadable, a PDF limit exceeded).
#[derive(Debug, thiserror::Error)]
#[error("PDF-dokumentet kunne ikke lages: {0}")]
pub struct PdfError(pub String);

/// The width of a line of text in points, from the font's advance widths.
pub fn width(text: &str, weight: Weight, size: f32) -> f32 {
    let Ok(font) = skrifa::FontRef::new(weight.bytes()) else {
        return text.chars().count() as f32 * size * 0.56;
    };
    let per_em = f32::from(font.head().map(|h| h.units_per_em()).unwrap_or(1000));
    let charmap = font.charmap();
    let metrics = font.glyph_metrics(Size::unscaled(), LocationRef::default());
    let units: f32 =
        text.chars().map(|c| charmap.map(c).and_then(|g| metrics.advance_width(g)).unwrap_or(per_em * 0.56)).sum();
    units * size / per_em
}

/// Splits text into lines no wider than `max` at plain spaces; a newline starts a new line.
pub fn wrap(text: &str, weight: Weight, size: f32, max: f32) -> Vec<String> {
    let mut lines = Vec::new();
    for paragraph in text.split('\n') {
        let mut line = String::new();
        // Only a plain space breaks a line: a no-break space ("2 000 000") holds its word together.
        for word in paragraph.split([' ', '\t']).filter(|w| !w.is_empty()) {
            let candidate = if line.is_empty() { word.to_string() } else { format!("{line} {word}") };
            if width(&candidate, weight, size) > max && !line.is_empty() {
                lines.push(std::mem::replace(&mut line, word.to_string()));
            } else {
                line = candidate;
            }
        }
        lines.push(line);
    }
    lines
}

/// What a group of text is in the tag tree.
#[derive(Debug, Clone, Copy)]
enum Kind {
    Heading(u16),
    Paragraph,
    List,
    ListItem,
    ListBody,
    Table,
    Row,
    Header,
    Cell,
}

impl Kind {
    fn tag(self, title: Option<&str>) -> TagKind {
        match self {
            Kind::Heading(level) => {
                Tag::Hn(NonZeroU16::new(level).unwrap_or(NonZeroU16::MIN), title.map(str::to_string)).into()
            }
            Kind::Paragraph => Tag::P.into(),
            Kind::List => Tag::L(ListNumbering::Disc).into(),
            Kind::ListItem => Tag::LI.into(),
            Kind::ListBody => Tag::LBody.into(),
            Kind::Table => Tag::Table.into(),
            Kind::Row => Tag::TR.into(),
            Kind::Header => Tag::TH(TableHeaderScope::Column).into(),
            Kind::Cell => Tag::TD.into(),
        }
    }
}

/// A group in the tag tree, with the groups and pieces of text under it, in reading order.
struct Group {
    kind: Kind,
    /// A heading's text, for the tag and the outline.
    title: Option<String>,
    children: Vec<Child>,
}

/// A heading as the document outline (bookmarks) lists it.
struct Mark {
    level: u16,
    title: String,
    page: usize,
    /// The top of the heading, from the top of the page.
    top: f32,
}

#[derive(Clone, Copy)]
enum Child {
    Group(usize),
    Text(usize),
}

/// One drawing step on a page; y is the baseline, from the bottom of the page.
enum Step {
    Text { x: f32, y: f32, weight: Weight, size: f32, text: String, id: Option<usize> },
    Rect { x: f32, y: f32, w: f32, h: f32, gray: u8 },
}

/// Lays out a document top-down over as many pages as needed.
pub struct Writer {
    pages: Vec<Vec<Step>>,
    groups: Vec<Group>,
    /// Top-level groups in reading order.
    roots: Vec<usize>,
    texts: usize,
    marks: Vec<Mark>,
    list: Option<usize>,
    table: Option<usize>,
    pub y: f32,
}

impl Default for Writer {
    fn default() -> Self {
        Writer::new()
    }
}

impl Writer {
    pub fn new() -> Writer {
        Writer {
            pages: vec![Vec::new()],
            groups: Vec::new(),
            roots: Vec::new(),
            texts: 0,
            marks: Vec::new(),
            list: None,
            table: None,
            y: PAGE_H - MARGIN,
        }
    }

    fn steps(&mut self) -> &mut Vec<Step> {
        if self.pages.is_empty() {
            self.pages.push(Vec::new());
        }
        let last = self.pages.len() - 1;
        &mut self.pages[last]
    }

    /// A new group under `parent` (or at the top), returning its index.
    fn group(&mut self, kind: Kind, parent: Option<usize>) -> usize {
        let id = self.groups.len();
        self.groups.push(Group { kind, title: None, children: Vec::new() });
        match parent {
            Some(p) => self.groups[p].children.push(Child::Group(id)),
            None => self.roots.push(id),
        }
        id
    }

    /// A new top-level block: ends an open list or table.
    fn block(&mut self, kind: Kind) -> usize {
        self.list = None;
        self.table = None;
        self.group(kind, None)
    }

    /// Starts a new page when fewer than `needed` points are left above the footer.
    pub fn room(&mut self, needed: f32) {
        if self.y - needed < MARGIN + 30.0 {
            self.new_page();
        }
    }

    pub fn new_page(&mut self) {
        self.pages.push(Vec::new());
        self.y = PAGE_H - MARGIN;
    }

    /// Text at a place, belonging to a group (or an artifact when `group` is `None`).
    fn put(&mut self, at: (f32, f32), weight: Weight, size: f32, text: &str, group: Option<usize>) {
        let id = group.map(|g| {
            let id = self.texts;
            self.texts += 1;
            self.groups[g].children.push(Child::Text(id));
            id
        });
        let (x, y) = at;
        self.steps().push(Step::Text { x, y, weight, size, text: text.to_string(), id });
    }

    /// A grey rectangle (a design element, not content); `gray` 0 is black, 255 white.
    pub fn rect(&mut self, x: f32, y: f32, w: f32, h: f32, gray: u8) {
        self.steps().push(Step::Rect { x, y, w, h, gray });
    }

    /// A short text at a place, as its own paragraph (a letterhead line, a cover title).
    pub fn text_at(&mut self, x: f32, y: f32, weight: Weight, size: f32, text: &str) {
        let g = self.block(Kind::Paragraph);
        self.put((x, y), weight, size, text, Some(g));
    }

    /// A paragraph at a place, wrapped to `max` points wide (a letterhead column); returns the
    /// baseline of its last line.
    pub fn paragraph_at(&mut self, at: (f32, f32), weight: Weight, size: f32, max: f32, text: &str) -> f32 {
        let g = self.block(Kind::Paragraph);
        let (x, mut y) = at;
        for (i, line) in wrap(text, weight, size, max).iter().enumerate() {
            if i > 0 {
                y -= size * 1.3;
            }
            self.put((x, y), weight, size, line, Some(g));
        }
        y
    }

    /// A heading group, with its title and its place in the outline.
    fn heading_group(&mut self, level: u16, text: &str, top: f32) -> usize {
        let g = self.block(Kind::Heading(level));
        self.groups[g].title = Some(text.to_string());
        let page = self.pages.len().saturating_sub(1);
        self.marks.push(Mark { level, title: text.to_string(), page, top: PAGE_H - top });
        g
    }

    /// A one-line heading at a place (a cover title).
    pub fn heading_at(&mut self, level: u16, x: f32, y: f32, size: f32, text: &str) {
        let g = self.heading_group(level, text, y + size);
        self.put((x, y), BOLD, size, text, Some(g));
    }

    /// A heading of a level (1 the title), bold, wrapped; kept on the page of what follows.
    pub fn heading(&mut self, level: u16, text: &str, size: f32) {
        self.room(size * 1.45 * 3.0);
        let top = self.y;
        let g = self.heading_group(level, text, top);
        self.lines(text, BOLD, size, 0.0, g);
    }

    /// A paragraph, wrapped inside the margins.
    pub fn paragraph(&mut self, text: &str, weight: Weight, size: f32, indent: f32) {
        let g = self.block(Kind::Paragraph);
        self.lines(text, weight, size, indent, g);
    }

    /// An item of a bulleted list; consecutive items form one list.
    pub fn item(&mut self, text: &str, size: f32) {
        let list = match self.list {
            Some(l) => l,
            None => {
                let l = self.block(Kind::List);
                self.list = Some(l);
                l
            }
        };
        let item = self.group(Kind::ListItem, Some(list));
        let body = self.group(Kind::ListBody, Some(item));
        self.lines(&format!("• {text}"), REGULAR, size, 10.0, body);
    }

    fn lines(&mut self, text: &str, weight: Weight, size: f32, indent: f32, group: usize) {
        for line in wrap(text, weight, size, PAGE_W - 2.0 * MARGIN - indent) {
            self.room(size * 1.45);
            self.y -= size * 1.45;
            let y = self.y;
            if !line.is_empty() {
                self.put((MARGIN + indent, y), weight, size, &line, Some(group));
            }
        }
    }

    pub fn gap(&mut self, points: f32) {
        self.y -= points;
    }

    /// Starts a table; the rows that follow belong to it, the first with `header` its header.
    pub fn table(&mut self) -> usize {
        let t = self.block(Kind::Table);
        self.table = Some(t);
        t
    }

    /// One table row: each cell's text at its x position (right-aligned when `right`).
    pub fn row(&mut self, cells: &[(f32, bool, &str)], header: bool, size: f32) {
        let table = match self.table {
            Some(t) => t,
            None => self.table(),
        };
        self.room(size * 1.6);
        self.y -= size * 1.6;
        let y = self.y;
        let row = self.group(Kind::Row, Some(table));
        let weight = if header { BOLD } else { REGULAR };
        for (x, right, text) in cells {
            let cell = self.group(if header { Kind::Header } else { Kind::Cell }, Some(row));
            if text.is_empty() {
                continue;
            }
            let x = if *right { x - width(text, weight, size) } else { *x };
            self.put((x, y), weight, size, text, Some(cell));
        }
    }

    /// A horizontal bar of `fraction` of its width, after a label, with a figure after it: one
    /// paragraph "label figure", the bar itself drawn as a design element.
    pub fn bar(&mut self, label: &str, fraction: f32, figure: &str) {
        self.room(18.0);
        self.y -= 18.0;
        let y = self.y;
        let g = self.block(Kind::Paragraph);
        self.put((MARGIN, y), REGULAR, 9.0, label, Some(g));
        let (x, w) = (MARGIN + 190.0, 230.0);
        self.rect(x, y - 2.0, w, 11.0, 217);
        self.rect(x, y - 2.0, w * fraction.clamp(0.0, 1.0), 11.0, 64);
        self.put((x + w + 8.0, y), REGULAR, 9.0, figure, Some(g));
    }

    /// The finished PDF, each page with "Side n av m": PDF/UA-1 when the validator accepts it
    /// (it refuses, for example, a character the font has no glyph for), else tagged PDF.
    pub fn finish(self, title: &str, author: &str) -> Result<Vec<u8>, PdfError> {
        let ua = ConfigurationBuilder::new().with_accessibility_validator(Accessibility::UA1).finish().ok();
        if let Some(configuration) = ua {
            if let Ok(pdf) = self.render(title, author, configuration) {
                return Ok(pdf);
            }
        }
        self.render(title, author, Configuration::default())
    }

    fn render(&self, title: &str, author: &str, configuration: Configuration) -> Result<Vec<u8>, PdfError> {
        let settings = SerializeSettings { configuration, enable_tagging: true, ..SerializeSettings::default() };
        let mut document = Document::new_with(settings);
        let fonts = [font(REGULAR)?, font(BOLD)?];
        let mut ids: Vec<Option<Identifier>> = (0..self.texts).map(|_| None).collect();
        let count = self.pages.len();
        let size = PageSettings::from_wh(PAGE_W, PAGE_H).ok_or_else(|| PdfError("sidestørrelse".into()))?;
        for (i, steps) in self.pages.iter().enumerate() {
            let mut page = document.start_page_with(size.clone());
            let mut surface = page.surface();
            for step in steps {
                draw(&mut surface, step, &fonts, &mut ids);
            }
            let footer = Step::Text {
                x: PAGE_W - MARGIN - 50.0,
                y: MARGIN - 20.0,
                weight: REGULAR,
                size: 8.0,
                text: format!("Side {} av {count}", i + 1),
                id: None,
            };
            draw(&mut surface, &footer, &fonts, &mut ids);
            surface.finish();
            page.finish();
        }
        document.set_tag_tree(self.tag_tree(&mut ids));
        document.set_outline(self.outline());
        let metadata = Metadata::new()
            .title(title.to_string())
            .authors(vec![author.to_string()])
            .language("nb".to_string())
            .creator("Samveis".to_string());
        document.set_metadata(metadata);
        document.finish().map_err(|e| PdfError(format!("{e:?}")))
    }

    /// The headings as bookmarks: level 1 at the top, deeper levels under the heading before.
    fn outline(&self) -> Outline {
        let mut outline = Outline::new();
        let mut open: Option<OutlineNode> = None;
        for m in &self.marks {
            let node = OutlineNode::new(m.title.clone(), XyzDestination::new(m.page, Point::from_xy(MARGIN, m.top)));
            match open.as_mut() {
                Some(parent) if m.level > 1 => parent.push_child(node),
                _ => {
                    if let Some(done) = open.replace(node) {
                        outline.push_child(done);
                    }
                }
            }
        }
        if let Some(done) = open {
            outline.push_child(done);
        }
        outline
    }

    fn tag_tree(&self, ids: &mut [Option<Identifier>]) -> TagTree {
        let mut tree = TagTree::new();
        for root in &self.roots {
            if let Some(node) = self.node(*root, ids) {
                tree.push(node);
            }
        }
        tree
    }

    /// A group and what is under it; a group with nothing under it is left out.
    fn node(&self, g: usize, ids: &mut [Option<Identifier>]) -> Option<Node> {
        let group = &self.groups[g];
        let mut tag = TagGroup::new(group.kind.tag(group.title.as_deref()));
        let mut any = false;
        for child in &group.children {
            let node = match child {
                Child::Group(c) => self.node(*c, ids),
                Child::Text(t) => ids.get_mut(*t).and_then(Option::take).map(Node::from),
            };
            if let Some(node) = node {
                tag.push(node);
                any = true;
            }
        }
        any.then(|| tag.into())
    }
}

fn font(weight: Weight) -> Result<Font, PdfError> {
    Font::new(weight.bytes().to_vec().into(), 0).ok_or_else(|| PdfError("skriften kunne ikke leses".into()))
}

/// Draws a step; text of a group is marked as a span and its identifier kept for the tag tree.
fn draw(surface: &mut Surface, step: &Step, fonts: &[Font; 2], ids: &mut [Option<Identifier>]) {
    match step {
        Step::Text { x, y, weight, size, text, id } => {
            match id {
                Some(id) => {
                    let identifier = surface.start_tagged(ContentTag::Span(SpanTag::empty()));
                    if let Some(slot) = ids.get_mut(*id) {
                        *slot = Some(identifier);
                    }
                }
                None => {
                    let _artifact =
                        surface.start_tagged(ContentTag::Artifact(Artifact::new(ArtifactType::Footer, None)));
                }
            }
            surface.set_fill(Some(Fill::default()));
            let font = fonts[*weight as usize].clone();
            surface.draw_text(Point::from_xy(*x, PAGE_H - y), font, *size, text, false, TextDirection::Auto);
            surface.end_tagged();
        }
        Step::Rect { x, y, w, h, gray } => {
            let mut path = PathBuilder::new();
            let Some(rect) = Rect::from_xywh(*x, PAGE_H - y - h, *w, *h) else { return };
            path.push_rect(rect);
            let Some(path) = path.finish() else { return };
            let _artifact = surface.start_tagged(ContentTag::Artifact(Artifact::new(ArtifactType::Layout, None)));
            surface.set_fill(Some(Fill {
                paint: luma::Color::new(*gray).into(),
                opacity: NormalizedF32::ONE,
                rule: FillRule::NonZero,
            }));
            surface.draw_path(&path);
            surface.end_tagged();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn long_text_wraps_inside_the_margins() {
        let text = "Kárášjohka-Karasjok Unjárga-Nesseby ".repeat(40);
        let max = PAGE_W - 2.0 * MARGIN;
        let lines = wrap(&text, REGULAR, BODY, max);
        assert!(lines.len() > 3 && lines.iter().all(|l| width(l, REGULAR, BODY) <= max));
    }

    #[test]
    fn a_no_break_space_is_kept_and_not_broken() {
        let amount = "2\u{a0}000\u{a0}000 kr";
        let text = format!("{}{amount}", "ord ".repeat(60));
        let lines = wrap(&text, REGULAR, BODY, 200.0);
        assert!(lines.len() > 2 && lines.join(" ").contains(amount), "{lines:?}");
    }

    #[test]
    fn the_font_has_every_sami_letter() {
        let font = skrifa::FontRef::new(REGULAR_TTF).unwrap();
        for c in "ÆØÅæøåÁáČčĐđŊŋŠšŦŧŽžÄäÖöÏï".chars() {
            assert!(font.charmap().map(c).is_some(), "{c} in Noto Sans");
        }
    }

    #[test]
    fn a_document_is_tagged_and_validates_as_pdf_ua() {
        let mut w = Writer::new();
        w.heading(1, "Tilsagn om tilskudd", 13.0);
        w.paragraph("Kárášjohka-Karasjok kommune", REGULAR, BODY, 0.0);
        w.item("Deatnu-Tana", BODY);
        w.row(&[(MARGIN, false, "Kommune"), (MARGIN + 200.0, true, "Beløp")], true, 9.0);
        w.row(&[(MARGIN, false, "Guovdageaidnu-Kautokeino"), (MARGIN + 200.0, true, "")], false, 9.0);
        w.bar("Digitalt tilsyn", 0.5, "3 / 1");
        let ua = ConfigurationBuilder::new().with_accessibility_validator(Accessibility::UA1).finish().unwrap();
        let pdf = w.render("Tittel", "Samveis", ua).expect("valid PDF/UA-1");
        let claims_ua = |pdf: &[u8]| pdf.windows(12).any(|w| w == b"pdfuaid:part");
        assert!(pdf.starts_with(b"%PDF") && claims_ua(&pdf));
        let plain = w.render("Tittel", "Samveis", Configuration::default()).unwrap();
        assert!(!claims_ua(&plain), "only a validated document claims PDF/UA");
    }

    #[test]
    fn text_the_font_cannot_show_still_gives_a_tagged_document() {
        let mut w = Writer::new();
        w.heading(1, "Søknad", 13.0);
        w.paragraph("Formål: 数字 😀", REGULAR, BODY, 0.0);
        let pdf = w.finish("Tittel", "Samveis").expect("a document all the same");
        assert!(pdf.starts_with(b"%PDF") && !pdf.windows(12).any(|w| w == b"pdfuaid:part"));
    }
}
