//! The layout cursor: a document of A4 pages filled top to bottom, text measured with the
//! fonts' own advance widths, wrapping and shortening, rules and boxes, headings, paragraphs,
//! bullets and footnotes. Positions are in points, `y` measured down from the top of the page
//! (the PDF's own origin is bottom-left; [`Doc`] converts).

use std::collections::BTreeSet;

use printpdf::{
    Line, LineDashPattern, LinePoint, Op, PaintMode, PdfFontHandle, Point, Pt, Rect, TextItem,
    WindingOrder,
};

use super::colour::{self, pdf_colour};
use super::fonts::{FaceRef, Fonts, Style};
use super::furniture::Furniture;
use super::{BODY, BOTTOM, LEFT, PAGE_H, RIGHT, SMALL, TOP};

/// How a piece of text looks.
#[derive(Debug, Clone, Copy)]
pub struct Look {
    pub size: f32,
    pub style: Style,
    pub colour: colour::Rgb,
}

impl Look {
    pub const BODY: Look = Look {
        size: BODY,
        style: Style::Regular,
        colour: colour::TEXT,
    };

    pub fn bold(self) -> Look {
        Look {
            style: Style::Bold,
            ..self
        }
    }
    pub fn italic(self) -> Look {
        Look {
            style: Style::Italic,
            ..self
        }
    }
    pub fn grey(self) -> Look {
        Look {
            colour: colour::GREY,
            ..self
        }
    }
    pub fn sized(self, size: f32) -> Look {
        Look { size, ..self }
    }
    pub fn coloured(self, colour: colour::Rgb) -> Look {
        Look { colour, ..self }
    }
}

pub(super) struct Page {
    pub(super) ops: Vec<Op>,
    pub(super) footnotes: Vec<String>,
}

/// A document being laid out.
pub struct Doc<'f> {
    pub(super) fonts: &'f Fonts,
    pub(super) furniture: Furniture,
    pub(super) pages: Vec<Page>,
    /// The faces this document sets text in: only those are embedded.
    pub(super) used: BTreeSet<FaceRef>,
    /// The cursor: where the next block starts, down from the top of the page.
    pub y: f32,
}

impl<'f> Doc<'f> {
    pub fn new(fonts: &'f Fonts, furniture: Furniture) -> Doc<'f> {
        let mut d = Doc {
            fonts,
            furniture,
            pages: Vec::new(),
            used: BTreeSet::new(),
            y: TOP,
        };
        d.new_page();
        d
    }

    pub fn fonts(&self) -> &Fonts {
        self.fonts
    }

    pub fn new_page(&mut self) {
        self.pages.push(Page {
            ops: Vec::new(),
            footnotes: Vec::new(),
        });
        self.y = TOP;
    }

    /// Starts a new page unless `height` more points fit on this one.
    pub fn ensure(&mut self, height: f32) {
        if self.y + height > self.bottom() {
            self.new_page();
        }
    }

    /// The lowest point content may reach on this page (footnotes take room above the footer).
    pub fn bottom(&self) -> f32 {
        let notes = self.pages.last().map_or(0, |p| p.footnotes.len()) as f32;
        BOTTOM - notes * (SMALL * 1.35)
    }

    fn ops(&mut self) -> &mut Vec<Op> {
        &mut self.pages.last_mut().expect("a page").ops
    }

    pub fn width(&self, text: &str, look: Look) -> f32 {
        self.fonts.width(text, look.size, look.style)
    }

    /// `text` shortened with "…" to fit `max` points (white space before the "…" dropped);
    /// empty when not even "…" fits. Linear in the text: each character is measured once.
    pub fn fit(&self, text: &str, look: Look, max: f32) -> String {
        let advances = self.fonts.advances(text, look.size, look.style);
        if advances.iter().sum::<f32>() <= max {
            return text.to_string();
        }
        let room = max - self.width("…", look);
        // The longest proper prefix whose trimmed width leaves room for the "…".
        let mut best: Option<usize> = (room >= 0.0).then_some(0);
        let (mut width, mut trimmed) = (0.0f32, 0.0f32);
        let mut end_trimmed = 0;
        for ((i, c), a) in text.char_indices().zip(&advances) {
            // `best` holds the prefix ending before character `i`.
            width += a;
            if !c.is_whitespace() {
                trimmed = width;
                end_trimmed = i + c.len_utf8();
            }
            if i + c.len_utf8() == text.len() || trimmed > room {
                break;
            }
            best = Some(end_trimmed);
        }
        match best {
            Some(end) => format!("{}…", &text[..end]),
            None => String::new(),
        }
    }

    /// `text` broken into lines of at most `max` points, at spaces where it can be (a word
    /// longer than a line is broken where it must). Line breaks in the text are kept. Linear
    /// in the text: each paragraph is measured once, and lines are cut from it.
    pub fn wrap(&self, text: &str, look: Look, max: f32) -> Vec<String> {
        let mut lines = Vec::new();
        for paragraph in text.split('\n') {
            let words: Vec<&str> = paragraph.split_whitespace().collect();
            let joined = words.join(" ");
            let advances = self.fonts.advances(&joined, look.size, look.style);
            // Byte offset of each character, and of the end.
            let mut at: Vec<usize> = joined.char_indices().map(|(i, _)| i).collect();
            at.push(joined.len());
            let slice = |from: usize, to: usize| joined[at[from]..at[to]].to_string();
            // The current line: characters [start, end) of `joined`, and its width.
            let mut line: Option<(usize, usize, f32)> = None;
            let mut start = 0;
            for word in &words {
                let end = start + word.chars().count();
                let word_w: f32 = advances[start..end].iter().sum();
                let candidate = match line {
                    // One space joins them: the character just before this word.
                    Some((from, _, w)) => (from, w + advances[start - 1] + word_w),
                    None => (start, word_w),
                };
                if candidate.1 <= max {
                    line = Some((candidate.0, end, candidate.1));
                    start = end + 1;
                    continue;
                }
                if let Some((from, to, _)) = line.take() {
                    lines.push(slice(from, to));
                }
                // A word wider than the line: cut it after a hyphen where there is one on
                // the line, else by characters.
                let chars: Vec<char> = joined[at[start]..at[end]].chars().collect();
                let (mut piece, mut w) = (start, 0.0f32);
                let mut after_hyphen: Option<usize> = None;
                for (i, &a) in advances.iter().enumerate().take(end).skip(start) {
                    w += a;
                    if w > max && i > piece {
                        let cut = after_hyphen.filter(|&h| h > piece && h <= i).unwrap_or(i);
                        lines.push(slice(piece, cut));
                        piece = cut;
                        w = advances[cut..=i].iter().sum();
                        after_hyphen = None;
                    }
                    if chars[i - start] == '-' {
                        after_hyphen = Some(i + 1);
                    }
                }
                line = Some((piece, end, w));
                start = end + 1;
            }
            lines.push(line.map_or_else(String::new, |(from, to, _)| slice(from, to)));
        }
        lines
    }

    /// Text with its baseline at `y`, starting at `x`.
    pub fn text(&mut self, x: f32, y: f32, text: &str, look: Look) {
        let mut x = x;
        let fonts = self.fonts;
        for (face, run) in fonts.runs(text, look.style) {
            self.used.insert(face);
            let id = super::save::font_id(face);
            let ops = self.ops();
            ops.push(Op::StartTextSection);
            ops.push(Op::SetFillColor {
                col: pdf_colour(look.colour),
            });
            ops.push(Op::SetFont {
                font: PdfFontHandle::External(id),
                size: Pt(look.size),
            });
            ops.push(Op::SetTextCursor {
                pos: Point {
                    x: Pt(x),
                    y: Pt(PAGE_H - y),
                },
            });
            ops.push(Op::ShowText {
                items: vec![TextItem::Text(run.to_string())],
            });
            ops.push(Op::EndTextSection);
            let f = fonts.face(face);
            x += run.chars().map(|c| f.advance(c, look.size)).sum::<f32>();
        }
    }

    /// Text ending at `right`.
    pub fn text_right(&mut self, right: f32, y: f32, text: &str, look: Look) {
        let w = self.width(text, look);
        self.text(right - w, y, text, look);
    }

    /// Text centred on `centre`.
    pub fn text_centred(&mut self, centre: f32, y: f32, text: &str, look: Look) {
        let w = self.width(text, look);
        self.text(centre - w / 2.0, y, text, look);
    }

    pub fn rect(&mut self, x: f32, y: f32, w: f32, h: f32, fill: colour::Rgb) {
        let ops = self.ops();
        ops.push(Op::SetFillColor {
            col: pdf_colour(fill),
        });
        ops.push(Op::DrawRectangle {
            rectangle: Rect {
                x: Pt(x),
                y: Pt(PAGE_H - y - h),
                width: Pt(w),
                height: Pt(h),
                mode: Some(PaintMode::Fill),
                winding_order: Some(WindingOrder::NonZero),
            },
        });
    }

    /// A straight line; `dashed` for reference lines.
    pub fn line(
        &mut self,
        from: (f32, f32),
        to: (f32, f32),
        colour: colour::Rgb,
        width: f32,
        dashed: bool,
    ) {
        let ops = self.ops();
        ops.push(Op::SetOutlineColor {
            col: pdf_colour(colour),
        });
        ops.push(Op::SetOutlineThickness { pt: Pt(width) });
        ops.push(Op::SetLineDashPattern {
            dash: if dashed {
                LineDashPattern::new(0.0, &[3.0, 2.0])
            } else {
                LineDashPattern::new(0.0, &[])
            },
        });
        let point = |(x, y): (f32, f32)| LinePoint {
            p: Point {
                x: Pt(x),
                y: Pt(PAGE_H - y),
            },
            bezier: false,
        };
        ops.push(Op::DrawLine {
            line: Line {
                points: vec![point(from), point(to)],
                is_closed: false,
            },
        });
    }

    /// A footnote on the current page (once, however often it is asked for).
    pub fn footnote(&mut self, text: &str) {
        let page = self.pages.last_mut().expect("a page");
        if !page.footnotes.iter().any(|f| f == text) {
            page.footnotes.push(text.to_string());
        }
    }

    /// The report title (20 pt), first page only.
    pub fn title(&mut self, text: &str, subtitle: &str) {
        let look = Look::BODY.bold().sized(20.0);
        self.text(
            LEFT,
            self.y + 20.0,
            &self.fit(text, look, RIGHT - LEFT),
            look,
        );
        self.y += 28.0;
        if !subtitle.is_empty() {
            let look = Look::BODY.grey().sized(11.0);
            self.text(
                LEFT,
                self.y + 11.0,
                &self.fit(subtitle, look, RIGHT - LEFT),
                look,
            );
            self.y += 20.0;
        }
    }

    /// A section heading: 13 pt bold, 6 mm above; kept with `keep` points of what follows.
    pub fn heading(&mut self, text: &str, keep: f32) {
        let look = Look::BODY.bold().sized(13.0);
        if self.y > TOP {
            self.y += 17.0;
        }
        self.ensure(13.0 * 1.35 + keep);
        self.text(
            LEFT,
            self.y + 13.0,
            &self.fit(text, look, RIGHT - LEFT),
            look,
        );
        self.y += 13.0 * 1.35 + 4.0;
    }

    /// Wrapped body text across the content width.
    pub fn paragraph(&mut self, text: &str, look: Look) {
        let line_h = look.size * 1.35;
        for line in self.wrap(text, look, RIGHT - LEFT) {
            self.ensure(line_h);
            self.text(LEFT, self.y + look.size, &line, look);
            self.y += line_h;
        }
    }

    /// A bulleted item, wrapped under its own first line and kept on one page.
    pub fn bullet(&mut self, text: &str, look: Look) {
        let line_h = look.size * 1.35;
        let lines = self.wrap(text, look, RIGHT - LEFT - 10.0);
        self.ensure(lines.len() as f32 * line_h + 2.0);
        self.text(LEFT, self.y + look.size, "•", look);
        for l in lines {
            self.text(LEFT + 10.0, self.y + look.size, &l, look);
            self.y += line_h;
        }
        self.y += 2.0;
    }

    /// Lays out the furniture on every page and returns the PDF's bytes.
    pub fn finish(self) -> Vec<u8> {
        let Doc {
            fonts,
            furniture,
            mut pages,
            mut used,
            ..
        } = self;
        let total = pages.len();
        for (i, page) in pages.iter_mut().enumerate() {
            let (ops, faces) = super::furniture::draw(fonts, &furniture, i, total, &page.footnotes);
            page.ops.extend(ops);
            used.extend(faces);
        }
        super::save::pdf_bytes(fonts, &furniture, pages, &used)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn doc(fonts: &Fonts) -> Doc<'_> {
        Doc::new(
            fonts,
            Furniture {
                practice: "P".into(),
                title: "T".into(),
                period: "p".into(),
                generated: "2026-01-01".into(),
                timestamp: 0,
            },
        )
    }

    /// The measuring-every-candidate versions these replace, as the reference.
    fn fit_slowly(d: &Doc<'_>, text: &str, look: Look, max: f32) -> String {
        if d.width(text, look) <= max {
            return text.to_string();
        }
        let mut s = text.to_string();
        while !s.is_empty() {
            s.pop();
            let candidate = format!("{}…", s.trim_end());
            if d.width(&candidate, look) <= max {
                return candidate;
            }
        }
        String::new()
    }

    fn wrap_slowly(d: &Doc<'_>, text: &str, look: Look, max: f32) -> Vec<String> {
        let mut lines = Vec::new();
        for paragraph in text.split('\n') {
            let mut line = String::new();
            for word in paragraph.split_whitespace() {
                let candidate = if line.is_empty() {
                    word.to_string()
                } else {
                    format!("{line} {word}")
                };
                if d.width(&candidate, look) <= max {
                    line = candidate;
                    continue;
                }
                if !line.is_empty() {
                    lines.push(std::mem::take(&mut line));
                }
                let mut piece = String::new();
                for c in word.chars() {
                    piece.push(c);
                    if d.width(&piece, look) > max && piece.chars().count() > 1 {
                        piece.pop();
                        let cut = piece.rfind('-').map_or(piece.len(), |h| h + 1);
                        let rest = piece.split_off(cut);
                        lines.push(std::mem::take(&mut piece));
                        piece = rest;
                        piece.push(c);
                    }
                }
                line = piece;
            }
            lines.push(line);
        }
        lines
    }

    const TEXTS: &[&str] = &[
        "",
        "   ",
        "Ann Lee",
        "Ischemic compression of the upper trapezius, twice",
        "Supercalifragilisticexpialidocious-and-then-some words",
        "Олег Петров · José Álvarez",
        "a  b\tc\n\nsecond paragraph   here",
        "WWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWW",
        "x ",
        "trigger-point-therapy-of-the-upper-trapezius twice-weekly",
        "a-b-c-d-e-f-g-h-i-j-k-l-m-n-o-p-q-r-s-t-u-v-w-x-y-z--",
    ];

    #[test]
    fn fitting_and_wrapping_match_measuring_every_candidate() {
        let fonts = Fonts::load(None, "").unwrap();
        let d = doc(&fonts);
        for look in [Look::BODY, Look::BODY.bold().sized(7.0)] {
            for text in TEXTS {
                for max in [0.0, 4.0, 12.0, 30.0, 80.0, 200.0, 1000.0] {
                    assert_eq!(
                        d.fit(text, look, max),
                        fit_slowly(&d, text, look, max),
                        "fit {text:?} in {max}"
                    );
                    assert_eq!(
                        d.wrap(text, look, max),
                        wrap_slowly(&d, text, look, max),
                        "wrap {text:?} in {max}"
                    );
                }
            }
        }
    }

    #[test]
    fn fitting_and_wrapping_take_time_linear_in_the_text() {
        // A 5 MiB word: measuring every candidate would take hours; this is one pass.
        let fonts = Fonts::load(None, "").unwrap();
        let d = doc(&fonts);
        let huge = "é".repeat(5 * 1024 * 1024 / 2);
        let fitted = d.fit(&huge, Look::BODY, 100.0);
        assert!(
            fitted.ends_with('…') && fitted.chars().count() < 40,
            "{fitted}"
        );
        let lines = d.wrap(&huge[..200_000], Look::BODY, 100.0);
        assert!(lines.len() > 1_000);
        assert!(lines.iter().all(|l| d.width(l, Look::BODY) <= 100.0));
    }
}
