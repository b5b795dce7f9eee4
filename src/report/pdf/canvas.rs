//! The drawing layer: pages of ops, text measured with the fonts' own advance widths, text,
//! rules and boxes at given positions, and which faces were used. Knows nothing of a page's
//! furniture or of a cursor; [`super::doc`] and [`super::furniture`] draw through it.
//! Positions are in points, `y` measured down from the top of the page (the PDF's own origin
//! is bottom-left; the canvas converts).

use std::collections::{BTreeMap, BTreeSet};

use printpdf::{
    FontId, Line, LineDashPattern, LinePoint, Op, PaintMode, PdfFontHandle, Point, Pt, Rect,
    TextItem, WindingOrder,
};

use super::colour::{self, pdf_colour};
use super::fonts::{FaceRef, Fonts, Style};
use super::{BODY, PAGE_H};

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

/// The characters set in each face.
pub(super) type Used = BTreeMap<FaceRef, BTreeSet<char>>;

/// Pages being drawn on.
pub struct Canvas<'f> {
    pub(super) fonts: &'f Fonts,
    pub(super) pages: Vec<Page>,
    /// The faces these pages set text in, and the characters of each: only those faces are
    /// embedded, cut down to those characters.
    pub(super) used: Used,
}

/// The resource name of a face, the same in every document. printpdf takes a subset font's
/// tag from its first six characters, and the PDF standard wants six capital letters there
/// (`PRAAAB+DejaVuSans-Bold`), so the name is `PR` and the face's number in four letters.
pub(super) fn font_id(face: FaceRef) -> FontId {
    let number = match face {
        FaceRef::Base(Style::Regular) => 0,
        FaceRef::Base(Style::Bold) => 1,
        FaceRef::Base(Style::Italic) => 2,
        FaceRef::Full(s) => 3 + s as usize,
        FaceRef::Fallback(i) => 6 + i,
    };
    let mut tag = *b"PRAAAA";
    let mut n = number;
    for letter in tag[2..].iter_mut().rev() {
        *letter = b'A' + (n % 26) as u8;
        n /= 26;
    }
    FontId(String::from_utf8_lossy(&tag).into_owned())
}

impl<'f> Canvas<'f> {
    /// One empty page.
    pub fn new(fonts: &'f Fonts) -> Canvas<'f> {
        Canvas {
            fonts,
            pages: vec![Page {
                ops: Vec::new(),
                footnotes: Vec::new(),
            }],
            used: Used::new(),
        }
    }

    pub(super) fn ops(&mut self) -> &mut Vec<Op> {
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
            self.used.entry(face).or_default().extend(run.chars());
            let id = font_id(face);
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
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_face_has_its_own_six_capital_letter_tag() {
        let faces = [
            FaceRef::Base(Style::Regular),
            FaceRef::Base(Style::Bold),
            FaceRef::Base(Style::Italic),
            FaceRef::Full(Style::Regular),
            FaceRef::Full(Style::Italic),
            FaceRef::Fallback(0),
            FaceRef::Fallback(30),
        ];
        let ids: Vec<String> = faces.iter().map(|&f| font_id(f).0).collect();
        assert_eq!(ids[0], "PRAAAA");
        assert_eq!(ids[1], "PRAAAB");
        assert_eq!(ids[6], "PRAABK");
        for id in &ids {
            assert!(
                id.len() == 6 && id.bytes().all(|b| b.is_ascii_uppercase()),
                "{id}"
            );
        }
        let distinct: BTreeSet<&String> = ids.iter().collect();
        assert_eq!(distinct.len(), ids.len());
    }
}
