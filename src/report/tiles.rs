//! Headline tiles (REPORT-STYLE "Headline tiles"): four to a row, each a title, a big
//! figure, a line of detail and a coloured line of comparison.

use super::pdf::{colour, Doc, Look, LEFT, RIGHT, SMALL};

/// One tile, its texts ready.
pub struct Tile {
    pub title: String,
    pub value: String,
    /// Empty: no detail line.
    pub detail: String,
    /// The comparison ("▲ 6 vs Sep 2026", "practice 83%") and its colour.
    pub footer: String,
    pub tone: colour::Rgb,
}

/// Draws the tiles, four to a row, each row kept whole on a page.
pub fn draw(doc: &mut Doc<'_>, tiles: &[Tile]) {
    let per_row = 4;
    let gap = 8.0;
    let w = (RIGHT - LEFT - gap * (per_row as f32 - 1.0)) / per_row as f32;
    let h = 66.0;
    let label = Look::BODY.grey().sized(SMALL);
    let value = Look::BODY.bold().sized(17.0);
    let sub = Look::BODY.grey().sized(7.5);
    for chunk in tiles.chunks(per_row) {
        doc.ensure(h + gap);
        let top = doc.y;
        for (i, tile) in chunk.iter().enumerate() {
            let x = LEFT + i as f32 * (w + gap);
            doc.rect(x, top, w, h, colour::BAND);
            let lines = doc.wrap(&tile.title, label, w - 12.0);
            for (k, l) in lines.iter().take(2).enumerate() {
                doc.text(x + 6.0, top + 11.0 + k as f32 * 9.5, l, label);
            }
            doc.text(
                x + 6.0,
                top + 40.0,
                &doc.fit(&tile.value, value, w - 12.0),
                value,
            );
            if !tile.detail.is_empty() {
                doc.text(
                    x + 6.0,
                    top + 50.0,
                    &doc.fit(&tile.detail, sub, w - 12.0),
                    sub,
                );
            }
            let look = sub.coloured(tile.tone);
            doc.text(
                x + 6.0,
                top + 60.0,
                &doc.fit(&tile.footer, look, w - 12.0),
                look,
            );
        }
        doc.y = top + h + gap;
    }
}
