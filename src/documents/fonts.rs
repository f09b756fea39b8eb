//! The embedded font (Noto Sans, SIL OFL 1.1, `fonts/`): full French
//! coverage, and the metrics the layout needs to wrap and align text.
//! printpdf subsets it on save, so a document carries only its glyphs.

use std::sync::LazyLock;

use skrifa::instance::{LocationRef, Size};
use skrifa::raw::TableProvider;
use skrifa::{FontRef, MetadataProvider};

pub const REGULAR_TTF: &[u8] = include_bytes!("../../fonts/NotoSans-Regular.ttf");
pub const BOLD_TTF: &[u8] = include_bytes!("../../fonts/NotoSans-Bold.ttf");

/// Regular or bold.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Weight {
    Regular,
    Bold,
}

/// Advance widths per character, in thousandths of an em (read once).
struct Metrics {
    regular: Widths,
    bold: Widths,
}

struct Widths {
    /// Latin-1 and Latin Extended-A, looked up directly.
    table: Vec<Option<u16>>,
    font: &'static [u8],
}

const TABLE_LEN: usize = 0x0250;

impl Widths {
    fn new(font: &'static [u8]) -> Widths {
        let mut w = Widths {
            table: Vec::new(),
            font,
        };
        w.table = (0..TABLE_LEN as u32).map(|c| w.measure(c)).collect();
        w
    }

    fn measure(&self, c: u32) -> Option<u16> {
        let font = FontRef::new(self.font).ok()?;
        let gid = font.charmap().map(c)?;
        let upem = f32::from(font.head().ok()?.units_per_em());
        let adv = font
            .glyph_metrics(Size::unscaled(), LocationRef::default())
            .advance_width(gid)?;
        Some((adv * 1000.0 / upem).round() as u16)
    }

    fn get(&self, c: char) -> Option<u16> {
        let i = c as usize;
        if i < TABLE_LEN {
            self.table[i]
        } else {
            self.measure(c as u32)
        }
    }
}

static METRICS: LazyLock<Metrics> = LazyLock::new(|| Metrics {
    regular: Widths::new(REGULAR_TTF),
    bold: Widths::new(BOLD_TTF),
});

fn widths(weight: Weight) -> &'static Widths {
    match weight {
        Weight::Regular => &METRICS.regular,
        Weight::Bold => &METRICS.bold,
    }
}

/// Width of `text` at `size_pt`, in points.
pub fn text_width(text: &str, weight: Weight, size_pt: f32) -> f32 {
    text_units(text, weight) as f32 * size_pt / 1000.0
}

/// Width of `text` in font units (1/1000 of the size); widths add up
/// character by character (no kerning), which lets layout measure a line
/// as it grows instead of measuring it again.
pub fn text_units(text: &str, weight: Weight) -> u64 {
    text.chars().map(|c| char_units(c, weight)).sum()
}

/// Width of one character in font units.
pub fn char_units(c: char, weight: Weight) -> u64 {
    u64::from(widths(weight).get(c).unwrap_or(600))
}

/// `text` with every character the font cannot draw replaced by « ? ».
pub fn printable(text: &str) -> std::borrow::Cow<'_, str> {
    let drawable = |c: char| {
        c.is_control()
            || (widths(Weight::Regular).get(c).is_some() && widths(Weight::Bold).get(c).is_some())
    };
    if text.chars().all(drawable) {
        return std::borrow::Cow::Borrowed(text);
    }
    std::borrow::Cow::Owned(
        text.chars()
            .map(|c| {
                if drawable(c) && !c.is_control() {
                    c
                } else {
                    '?'
                }
            })
            .collect(),
    )
}

/// Characters of `text` the font cannot draw (they would print as blanks).
pub fn missing_glyphs(text: &str) -> Vec<char> {
    let mut missing: Vec<char> = text
        .chars()
        .filter(|c| {
            !c.is_control()
                && (widths(Weight::Regular).get(*c).is_none()
                    || widths(Weight::Bold).get(*c).is_none())
        })
        .collect();
    missing.sort_unstable();
    missing.dedup();
    missing
}
