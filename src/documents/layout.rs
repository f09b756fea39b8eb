//! A small page-layout layer over printpdf: a cursor that flows wrapped
//! text down the page, boxes and rules, page breaks with a footer, and a
//! deterministic save (fixed font ids, dates and file id), so the same
//! content always gives the same bytes.

use printpdf::{
    Color, FontId, Line, LinePoint, Mm, Op, PaintMode, PdfDocument, PdfFont, PdfFontHandle,
    PdfPage, PdfSaveOptions, Point, Pt, Rect, Rgb, TextItem, TextMatrix, WindingOrder,
};
use sha2::{Digest, Sha256};

use super::fonts::{self, Weight};

/// Paper sizes, in millimetres.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Paper {
    #[default]
    A4,
    A5,
}

impl Paper {
    pub fn size_mm(self) -> (f32, f32) {
        match self {
            Paper::A4 => (210.0, 297.0),
            Paper::A5 => (148.0, 210.0),
        }
    }

    pub fn parse(s: &str) -> Option<Paper> {
        match s.to_ascii_uppercase().as_str() {
            "A4" => Some(Paper::A4),
            "A5" => Some(Paper::A5),
            _ => None,
        }
    }
}

/// Text colours used on documents.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Ink {
    Black,
    Grey,
    Red,
    Blue,
    White,
    /// The watermark: light enough to read the text through it.
    Watermark,
}

impl Ink {
    fn color(self) -> Color {
        let (r, g, b) = match self {
            Ink::Black => (0.0, 0.0, 0.0),
            Ink::Grey => (0.35, 0.35, 0.35),
            Ink::Red => (0.75, 0.05, 0.05),
            Ink::Blue => (0.05, 0.25, 0.55),
            Ink::White => (1.0, 1.0, 1.0),
            Ink::Watermark => (0.86, 0.86, 0.86),
        };
        Color::Rgb(Rgb {
            r,
            g,
            b,
            icc_profile: None,
        })
    }
}

/// How a run of text looks.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Style {
    pub size: f32,
    pub weight: Weight,
    pub ink: Ink,
}

impl Style {
    pub const fn new(size: f32) -> Style {
        Style {
            size,
            weight: Weight::Regular,
            ink: Ink::Black,
        }
    }
    pub const fn bold(self) -> Style {
        Style {
            weight: Weight::Bold,
            ..self
        }
    }
    pub const fn ink(self, ink: Ink) -> Style {
        Style { ink, ..self }
    }
    /// Line height in millimetres.
    pub fn line_mm(self) -> f32 {
        self.size * 1.3 * MM_PER_PT
    }
}

const MM_PER_PT: f32 = 25.4 / 72.0;
const REGULAR: &str = "PCOOPR";
const BOLD: &str = "PCOOPB";

/// A document being laid out, top to bottom.
pub struct Doc {
    title: String,
    paper: Paper,
    pub margin: f32,
    pages: Vec<Vec<Op>>,
    ops: Vec<Op>,
    /// Distance from the top of the page, in millimetres.
    pub y: f32,
    footer: String,
    watermark: Option<String>,
    /// The words over every page with the watermark (a training device's
    /// specimen warning unless said otherwise).
    banner: Option<String>,
}

impl Doc {
    pub fn new(title: &str, paper: Paper, footer: &str, watermark: Option<&str>) -> Doc {
        let margin = match paper {
            Paper::A4 => 18.0,
            Paper::A5 => 12.0,
        };
        let mut doc = Doc {
            title: title.to_string(),
            paper,
            margin,
            pages: Vec::new(),
            ops: Vec::new(),
            y: margin,
            footer: footer.to_string(),
            watermark: watermark.map(str::to_string),
            banner: None,
        };
        doc.start_page();
        doc
    }

    /// A document marked `mark` across every page with `banner` at the
    /// top of each (a provisional report, not a specimen).
    pub fn marked(title: &str, paper: Paper, footer: &str, mark: &str, banner: &str) -> Doc {
        let mut doc = Doc::new(title, paper, footer, None);
        doc.pages.clear();
        doc.ops.clear();
        doc.watermark = Some(mark.to_string());
        doc.banner = Some(banner.to_string());
        doc.y = doc.margin;
        doc.start_page();
        doc
    }

    pub fn width(&self) -> f32 {
        self.paper.size_mm().0
    }

    fn height(&self) -> f32 {
        self.paper.size_mm().1
    }

    /// Usable width between the margins.
    pub fn text_width(&self) -> f32 {
        self.width() - 2.0 * self.margin
    }

    fn bottom(&self) -> f32 {
        self.height() - self.margin - 8.0
    }

    fn start_page(&mut self) {
        self.ops = Vec::new();
        self.y = self.margin;
        if let Some(mark) = self.watermark.clone() {
            // Drawn first, under the content, in a light grey: no
            // transparency needed, and every page carries it.
            // Across the middle of the page, clear of the header, 60 % of the
            // diagonal long.
            let (pw, ph) = self.paper.size_mm();
            let diagonal = (pw * pw + ph * ph).sqrt();
            let size = 0.6 * diagonal / (fonts::text_width(&mark, Weight::Bold, 1.0) * MM_PER_PT);
            let style = Style::new(size).bold().ink(Ink::Watermark);
            let w = 0.6 * diagonal;
            let angle: f32 = 40.0;
            let (sin, cos) = angle.to_radians().sin_cos();
            // Centre the text's middle (baseline raised by a third of the
            // size) on the page's centre.
            let lift = size * MM_PER_PT / 3.0;
            let x = pw / 2.0 - cos * w / 2.0 + sin * lift;
            let y = ph / 2.0 - sin * w / 2.0 - cos * lift;
            self.ops.push(Op::StartTextSection);
            self.ops.push(set_font(style));
            self.ops.push(Op::SetFillColor {
                col: style.ink.color(),
            });
            self.ops.push(Op::SetTextMatrix {
                matrix: TextMatrix::TranslateRotate(Mm(x).into(), Mm(y).into(), angle),
            });
            self.ops.push(Op::ShowText {
                items: vec![TextItem::Text(mark.clone())],
            });
            self.ops.push(Op::EndTextSection);
            // The same words, horizontal, at the top: readable by anyone
            // (and by text extraction, which skips rotated text).
            let banner = Style::new(8.0).bold().ink(Ink::Red);
            let top = self.margin / 2.0;
            self.put_at(
                self.margin,
                top,
                &self.banner.clone().unwrap_or_else(|| {
                    format!("{mark} — document de formation, sans valeur de prescription")
                }),
                banner,
            );
        }
    }

    /// Starts a new page when less than `mm` remains.
    pub fn ensure(&mut self, mm: f32) {
        if self.y + mm > self.bottom() {
            self.new_page();
        }
    }

    pub fn new_page(&mut self) {
        let done = std::mem::take(&mut self.ops);
        self.pages.push(done);
        self.start_page();
    }

    pub fn space(&mut self, mm: f32) {
        self.y += mm;
    }

    /// One line of text at `x` (mm from the left), baseline placed for the
    /// current cursor; does not move the cursor.
    pub fn put(&mut self, x: f32, text: &str, style: Style) {
        let baseline = self.y + style.size * MM_PER_PT;
        self.put_at(x, baseline, text, style);
    }

    /// Text with its baseline at `baseline` mm from the top.
    pub fn put_at(&mut self, x: f32, baseline: f32, text: &str, style: Style) {
        if text.is_empty() {
            return;
        }
        // Input is checked for printable characters where it is typed;
        // anything else (an old ledger, an imported report) prints a visible
        // « ? » rather than a blank.
        let text = fonts::printable(text);
        let text = text.as_ref();
        let h = self.height();
        self.ops.push(Op::StartTextSection);
        self.ops.push(set_font(style));
        self.ops.push(Op::SetFillColor {
            col: style.ink.color(),
        });
        self.ops.push(Op::SetTextCursor {
            pos: Point::new(Mm(x), Mm(h - baseline)),
        });
        self.ops.push(Op::ShowText {
            items: vec![TextItem::Text(text.to_string())],
        });
        self.ops.push(Op::EndTextSection);
    }

    /// Right-aligned at `right` mm from the left.
    pub fn put_right(&mut self, right: f32, text: &str, style: Style) {
        let w = fonts::text_width(text, style.weight, style.size) * MM_PER_PT;
        self.put(right - w, text, style);
    }

    /// A wrapped paragraph across the full width; moves the cursor down.
    pub fn paragraph(&mut self, text: &str, style: Style) {
        let (x, w) = (self.margin, self.text_width());
        self.paragraph_in(x, w, text, style);
    }

    /// A wrapped paragraph in a column; moves the cursor below it.
    pub fn paragraph_in(&mut self, x: f32, width: f32, text: &str, style: Style) {
        for line in wrap(text, width, style) {
            self.ensure(style.line_mm());
            self.put(x, &line, style);
            self.y += style.line_mm();
        }
    }

    /// A bullet item: a dash and a wrapped, indented paragraph.
    pub fn bullet(&mut self, text: &str, style: Style) {
        let indent = 5.0;
        self.ensure(style.line_mm());
        self.put(self.margin + 1.0, "–", style);
        let (x, w) = (self.margin + indent, self.text_width() - indent);
        self.paragraph_in(x, w, text, style);
    }

    /// A horizontal rule across the text width.
    pub fn rule(&mut self, ink: Ink) {
        let (x0, x1, y) = (self.margin, self.width() - self.margin, self.y);
        self.line(x0, y, x1, y, 0.6, ink);
    }

    pub fn line(&mut self, x0: f32, y0: f32, x1: f32, y1: f32, thickness: f32, ink: Ink) {
        let h = self.height();
        self.ops.push(Op::SetOutlineColor { col: ink.color() });
        self.ops.push(Op::SetOutlineThickness { pt: Pt(thickness) });
        self.ops.push(Op::DrawLine {
            line: Line {
                points: vec![
                    LinePoint {
                        p: Point::new(Mm(x0), Mm(h - y0)),
                        bezier: false,
                    },
                    LinePoint {
                        p: Point::new(Mm(x1), Mm(h - y1)),
                        bezier: false,
                    },
                ],
                is_closed: false,
            },
        });
    }

    /// A rectangle, `top` mm from the top; filled or outlined.
    pub fn rect(&mut self, x: f32, top: f32, w: f32, h: f32, ink: Ink, fill: bool) {
        let page_h = self.height();
        if fill {
            self.ops.push(Op::SetFillColor { col: ink.color() });
        } else {
            self.ops.push(Op::SetOutlineColor { col: ink.color() });
            self.ops.push(Op::SetOutlineThickness { pt: Pt(0.8) });
        }
        self.ops.push(Op::DrawRectangle {
            rectangle: Rect {
                x: Mm(x).into(),
                y: Mm(page_h - top - h).into(),
                width: Mm(w).into(),
                height: Mm(h).into(),
                mode: Some(if fill {
                    PaintMode::Fill
                } else {
                    PaintMode::Stroke
                }),
                winding_order: Some(WindingOrder::NonZero),
            },
        });
    }

    /// Finishes the document: footers with page numbers, then bytes that
    /// depend only on the content (the file id is a hash of it).
    pub fn finish(mut self) -> Vec<u8> {
        let last = std::mem::take(&mut self.ops);
        self.pages.push(last);
        let count = self.pages.len();
        let (w, h) = self.paper.size_mm();
        let footer_style = Style::new(7.5).ink(Ink::Grey);
        let margin = self.margin;
        let footer = self.footer.clone();
        let pages: Vec<PdfPage> = std::mem::take(&mut self.pages)
            .into_iter()
            .enumerate()
            .map(|(i, ops)| {
                self.ops = ops;
                let baseline = h - margin / 2.0;
                self.put_at(margin, baseline, &footer, footer_style);
                let n = format!("page {} / {}", i + 1, count);
                let nw = fonts::text_width(&n, Weight::Regular, footer_style.size) * MM_PER_PT;
                self.put_at(w - margin - nw, baseline, &n, footer_style);
                PdfPage::new(Mm(w), Mm(h), std::mem::take(&mut self.ops))
            })
            .collect();

        let mut pdf = PdfDocument::new(&self.title);
        for (id, ttf) in [(REGULAR, fonts::REGULAR_TTF), (BOLD, fonts::BOLD_TTF)] {
            let parsed = printpdf::ParsedFont::from_bytes(ttf, 0, &mut Vec::new())
                .expect("the embedded font parses");
            pdf.resources
                .fonts
                .map
                .insert(FontId(id.into()), PdfFont::new(parsed));
        }
        pdf.pages = pages;
        let opts = PdfSaveOptions {
            optimize: true,
            subset_fonts: true,
            ..PdfSaveOptions::default()
        };
        let mut lo = pdf.to_lopdf_document(&opts, &mut Vec::new());
        make_deterministic(&mut lo);
        lo.compress();
        let mut bytes = Vec::new();
        lo.save_to(&mut bytes)
            .expect("writing a PDF to memory cannot fail");
        bytes
    }
}

fn set_font(style: Style) -> Op {
    let id = match style.weight {
        Weight::Regular => REGULAR,
        Weight::Bold => BOLD,
    };
    Op::SetFont {
        font: PdfFontHandle::External(FontId(id.into())),
        size: Pt(style.size),
    }
}

/// Removes what printpdf fills from the clock or a random source: the
/// info dictionary's dates and the trailer's file id (replaced by a hash of
/// the page contents).
fn make_deterministic(doc: &mut lopdf::Document) {
    use lopdf::{Object, StringFormat};
    if let Ok(info_ref) = doc.trailer.get(b"Info").and_then(Object::as_reference)
        && let Ok(Object::Dictionary(info)) = doc.get_object_mut(info_ref)
    {
        for key in [&b"CreationDate"[..], b"ModDate"] {
            info.remove(key);
        }
    }
    let mut h = Sha256::new();
    for (_, page_id) in doc.get_pages() {
        h.update(doc.get_page_content(page_id));
    }
    let id = hex::encode(&h.finalize()[..16]).into_bytes();
    doc.trailer.set(
        "ID",
        Object::Array(vec![
            Object::String(id.clone(), StringFormat::Hexadecimal),
            Object::String(id, StringFormat::Hexadecimal),
        ]),
    );
}

/// Splits `text` into lines no wider than `width_mm` (breaking at spaces;
/// a word longer than a line is cut). Explicit newlines are kept.
///
/// Linear in the length of the text: each character is measured once, as
/// the line grows (widths simply add up).
pub fn wrap(text: &str, width_mm: f32, style: Style) -> Vec<String> {
    let max_pt = width_mm / MM_PER_PT;
    // The same comparison as `fonts::text_width(line) <= max_pt`, so that a
    // document reprinted by this code breaks its lines exactly as before.
    let fits = |units: u64| units as f32 * style.size / 1000.0 <= max_pt;
    let space = fonts::char_units(' ', style.weight);
    let mut lines = Vec::new();
    for para in text.split('\n') {
        let mut line = String::new();
        let mut line_units = 0u64;
        for word in para.split(' ').filter(|w| !w.is_empty()) {
            let word_units = fonts::text_units(word, style.weight);
            let joined = if line.is_empty() {
                word_units
            } else {
                line_units + space + word_units
            };
            if fits(joined) {
                if !line.is_empty() {
                    line.push(' ');
                }
                line.push_str(word);
                line_units = joined;
                continue;
            }
            if !line.is_empty() {
                lines.push(std::mem::take(&mut line));
            }
            line_units = 0;
            if fits(word_units) {
                line.push_str(word);
                line_units = word_units;
                continue;
            }
            // A word longer than a line: cut it, character by character.
            for c in word.chars() {
                let w = fonts::char_units(c, style.weight);
                if !fits(line_units + w) && !line.is_empty() {
                    lines.push(std::mem::take(&mut line));
                    line_units = 0;
                }
                line.push(c);
                line_units += w;
            }
        }
        lines.push(line);
    }
    lines
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn les_lignes_tiennent_dans_la_largeur() {
        let style = Style::new(10.0);
        let text = "Prendre un comprimé toutes les six heures sans dépasser trois grammes par jour, pendant cinq jours.";
        let lines = wrap(text, 40.0, style);
        assert!(lines.len() > 2, "{lines:?}");
        for l in &lines {
            assert!(
                fonts::text_width(l, Weight::Regular, 10.0) * MM_PER_PT <= 40.0,
                "{l}"
            );
        }
        assert_eq!(lines.join(" "), text);
    }

    /// A hostile 100 000-character name is laid out, quickly, into lines
    /// that each fit.
    #[test]
    fn un_texte_immense_se_coupe_en_lignes_qui_tiennent() {
        let style = Style::new(10.0);
        let text = "M".repeat(100_000) + " " + &"mot ".repeat(20_000);
        let lines = wrap(&text, 40.0, style);
        assert!(lines.len() > 1_000);
        for l in &lines {
            assert!(
                fonts::text_width(l, Weight::Regular, 10.0) * MM_PER_PT <= 40.0 + 1e-3,
                "{l}"
            );
        }
    }

    #[test]
    fn un_mot_trop_long_est_coupe_sans_perte() {
        let lines = wrap(
            "anticonstitutionnellementanticonstitutionnellement",
            20.0,
            Style::new(10.0),
        );
        assert!(lines.len() > 1);
        assert_eq!(
            lines.concat(),
            "anticonstitutionnellementanticonstitutionnellement"
        );
    }
}
