//! Page furniture: what every page shows around the content (REPORT-STYLE "Page") — the
//! practice name and the report's title and period in a header band, the generation date and
//! "Page X of Y" in the footer, and the page's footnotes above it.

use printpdf::Op;

use super::canvas::{Canvas, Look, Used};
use super::colour;
use super::fonts::Fonts;
use super::{LEFT, MARGIN, PAGE_H, RIGHT, SMALL};

/// What every page shows around the content.
#[derive(Debug, Clone)]
pub struct Furniture {
    pub practice: String,
    pub title: String,
    pub period: String,
    /// The generation date as printed (`2026-11-28`).
    pub generated: String,
    /// Unix seconds for the PDF's own creation dates.
    pub timestamp: i64,
}

#[cfg(test)]
impl Furniture {
    /// Furniture of one-letter names, for the toolkit's own tests.
    pub(crate) fn plain() -> Furniture {
        Furniture {
            practice: "P".into(),
            title: "T".into(),
            period: "p".into(),
            generated: "2026-01-01".into(),
            timestamp: 0,
        }
    }
}

/// The furniture of page `index` (of `total`) with its `footnotes`: the drawing ops and the
/// faces they use.
pub(super) fn draw(
    fonts: &Fonts,
    f: &Furniture,
    index: usize,
    total: usize,
    footnotes: &[String],
) -> (Vec<Op>, Used) {
    let small = Look::BODY.grey().sized(SMALL);
    let mut chrome = Canvas::new(fonts);
    let header_y = MARGIN - 8.0;
    let right = format!("{} · {}", f.title, f.period);
    let right_w = chrome.width(&right, small);
    chrome.text(
        LEFT,
        header_y,
        &chrome.fit(&f.practice, small, RIGHT - LEFT - right_w - 12.0),
        small,
    );
    chrome.text_right(RIGHT, header_y, &right, small);
    chrome.line(
        (LEFT, header_y + 4.0),
        (RIGHT, header_y + 4.0),
        colour::RULE,
        0.5,
        false,
    );
    let footer_y = PAGE_H - MARGIN + 8.0;
    chrome.line(
        (LEFT, footer_y - 10.0),
        (RIGHT, footer_y - 10.0),
        colour::RULE,
        0.5,
        false,
    );
    chrome.text(LEFT, footer_y, &format!("Generated {}", f.generated), small);
    chrome.text_right(
        RIGHT,
        footer_y,
        &format!("Page {} of {}", index + 1, total),
        small,
    );
    let mut note_y = footer_y - 14.0 - (footnotes.len() as f32 - 1.0) * SMALL * 1.35;
    for note in footnotes {
        chrome.text(LEFT, note_y, &chrome.fit(note, small, RIGHT - LEFT), small);
        note_y += SMALL * 1.35;
    }
    let ops = chrome.pages.pop().map(|page| page.ops).unwrap_or_default();
    (ops, chrome.used)
}
