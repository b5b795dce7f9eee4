//! A small layout toolkit over printpdf's ops: A4 pages with the report furniture (header,
//! footer, page numbers), text measured with the fonts' own advance widths, wrapping and
//! shortening, rules and boxes, footnotes. Tables and charts build on it.
//!
//! Positions are in points, `y` measured down from the top of the page (the PDF's own origin
//! is bottom-left; [`Doc`] converts).

pub mod chart;
pub mod fonts;
pub mod table;

use printpdf::{
    Color, FontId, Line, LineDashPattern, LinePoint, Mm, Op, PaintMode, PdfDocument, PdfFontHandle,
    PdfPage, PdfSaveOptions, Point, Pt, Rect, Rgb, TextItem, WindingOrder,
};

pub use fonts::{Fonts, Style};

/// A4 in points.
pub const PAGE_W: f32 = 595.276;
pub const PAGE_H: f32 = 841.89;
/// 18 mm.
pub const MARGIN: f32 = 51.024;
pub const LEFT: f32 = MARGIN;
pub const RIGHT: f32 = PAGE_W - MARGIN;
/// Where content starts and must end (header and footer bands outside).
pub const TOP: f32 = MARGIN + 14.0;
pub const BOTTOM: f32 = PAGE_H - MARGIN - 16.0;

pub const BODY: f32 = 9.5;
pub const LINE: f32 = BODY * 1.35;
pub const SMALL: f32 = 8.0;

/// Okabe–Ito and the greys of REPORT-STYLE "Colour".
pub mod colour {
    pub type Rgb = (u8, u8, u8);
    pub const TEXT: Rgb = (0x22, 0x22, 0x22);
    pub const GREY: Rgb = (0x77, 0x77, 0x77);
    pub const RULE: Rgb = (0xDD, 0xDD, 0xDD);
    pub const BAND: Rgb = (0xF2, 0xF2, 0xF2);
    pub const GREEN_TEXT: Rgb = (0x00, 0x7A, 0x5E);
    pub const RED_TEXT: Rgb = (0xB0, 0x40, 0x00);
    pub const PALETTE: [Rgb; 7] = [
        (0x00, 0x72, 0xB2),
        (0xE6, 0x9F, 0x00),
        (0x00, 0x9E, 0x73),
        (0xD5, 0x5E, 0x00),
        (0x56, 0xB4, 0xE9),
        (0xCC, 0x79, 0xA7),
        (0xF0, 0xE4, 0x42),
    ];
}

fn rgb(c: colour::Rgb) -> Color {
    Color::Rgb(Rgb {
        r: f32::from(c.0) / 255.0,
        g: f32::from(c.1) / 255.0,
        b: f32::from(c.2) / 255.0,
        icc_profile: None,
    })
}

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

struct Page {
    ops: Vec<Op>,
    footnotes: Vec<String>,
}

/// A document being laid out.
pub struct Doc<'f> {
    fonts: &'f Fonts,
    furniture: Furniture,
    pages: Vec<Page>,
    /// The faces this document sets text in: only those are embedded.
    used: std::collections::BTreeSet<fonts::FaceRef>,
    /// The cursor: where the next block starts, down from the top of the page.
    pub y: f32,
}

impl<'f> Doc<'f> {
    pub fn new(fonts: &'f Fonts, furniture: Furniture) -> Doc<'f> {
        let mut d = Doc {
            fonts,
            furniture,
            pages: Vec::new(),
            used: std::collections::BTreeSet::new(),
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

    /// `text` shortened with "…" to fit `max` points.
    pub fn fit(&self, text: &str, look: Look, max: f32) -> String {
        if self.width(text, look) <= max {
            return text.to_string();
        }
        let mut s: String = text.to_string();
        while !s.is_empty() {
            s.pop();
            let candidate = format!("{}…", s.trim_end());
            if self.width(&candidate, look) <= max {
                return candidate;
            }
        }
        String::new()
    }

    /// `text` broken into lines of at most `max` points, at spaces where it can be (a word
    /// longer than a line is broken where it must). Line breaks in the text are kept.
    pub fn wrap(&self, text: &str, look: Look, max: f32) -> Vec<String> {
        let mut lines = Vec::new();
        for paragraph in text.split('\n') {
            let mut line = String::new();
            for word in paragraph.split_whitespace() {
                let candidate = if line.is_empty() {
                    word.to_string()
                } else {
                    format!("{line} {word}")
                };
                if self.width(&candidate, look) <= max {
                    line = candidate;
                    continue;
                }
                if !line.is_empty() {
                    lines.push(std::mem::take(&mut line));
                }
                // A word wider than the line: cut it by characters.
                let mut piece = String::new();
                for c in word.chars() {
                    piece.push(c);
                    if self.width(&piece, look) > max && piece.chars().count() > 1 {
                        piece.pop();
                        lines.push(std::mem::take(&mut piece));
                        piece.push(c);
                    }
                }
                line = piece;
            }
            lines.push(line);
        }
        lines
    }

    /// Text with its baseline at `y`, starting at `x`.
    pub fn text(&mut self, x: f32, y: f32, text: &str, look: Look) {
        let mut x = x;
        let fonts = self.fonts;
        for (face, run) in fonts.runs(text, look.style) {
            self.used.insert(face);
            let id = font_id(face);
            let ops = self.ops();
            ops.push(Op::StartTextSection);
            ops.push(Op::SetFillColor {
                col: rgb(look.colour),
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
        ops.push(Op::SetFillColor { col: rgb(fill) });
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
        ops.push(Op::SetOutlineColor { col: rgb(colour) });
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
            furniture: f,
            mut pages,
            mut used,
            ..
        } = self;
        let total = pages.len();
        let small = Look::BODY.grey().sized(SMALL);
        let mut finished = Vec::with_capacity(total);
        for (i, page) in pages.iter_mut().enumerate() {
            let mut chrome = Doc {
                fonts,
                furniture: f.clone(),
                pages: vec![Page {
                    ops: Vec::new(),
                    footnotes: Vec::new(),
                }],
                used: std::collections::BTreeSet::new(),
                y: TOP,
            };
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
                &format!("Page {} of {}", i + 1, total),
                small,
            );
            let mut note_y = footer_y - 14.0 - (page.footnotes.len() as f32 - 1.0) * SMALL * 1.35;
            for note in &page.footnotes {
                chrome.text(LEFT, note_y, &chrome.fit(note, small, RIGHT - LEFT), small);
                note_y += SMALL * 1.35;
            }
            let mut ops = std::mem::take(&mut page.ops);
            ops.extend(chrome.pages.pop().expect("a page").ops);
            used.extend(chrome.used);
            finished.push(PdfPage::new(Mm(210.0), Mm(297.0), ops));
        }

        let mut doc = PdfDocument::new(&format!("{} – {} – {}", f.practice, f.title, f.period));
        for (face_ref, face) in fonts.all().into_iter().filter(|(r, _)| used.contains(r)) {
            doc.resources.fonts.map.insert(
                font_id(face_ref),
                printpdf::PdfFont::new(face.parsed.clone()),
            );
        }
        if let Ok(when) = printpdf::OffsetDateTime::from_unix_timestamp(f.timestamp) {
            let info = &mut doc.metadata.info;
            info.creation_date = when;
            info.modification_date = when;
            info.metadata_date = when;
        }
        doc.metadata.info.producer = "practice-report".to_string();
        doc.metadata.info.creator = "practice-report".to_string();
        let mut warnings = Vec::new();
        let doc = doc.with_pages(finished);
        // printpdf's own save compresses at zlib's best level, a third of a summary's time;
        // the fastest level makes files about a fifth larger and the batch a quarter faster.
        let options = PdfSaveOptions {
            subset_fonts: true,
            optimize: false,
            ..Default::default()
        };
        let mut lo = printpdf::to_lopdf_doc(doc, &options, &mut warnings);
        compress(&mut lo);
        let mut bytes = Vec::new();
        if lo.save_to(&mut bytes).is_err() {
            // Writing into memory does not fail; if it ever did, printpdf's own save still works.
            bytes = doc.save(
                &PdfSaveOptions {
                    subset_fonts: true,
                    ..Default::default()
                },
                &mut warnings,
            );
        }
        fixed_ids(bytes)
    }
}

/// Deflates every stream that is not compressed yet, at zlib's fastest level.
fn compress(doc: &mut lopdf::Document) {
    use std::io::Write;
    for object in doc.objects.values_mut() {
        if let lopdf::Object::Stream(stream) = object {
            if stream.dict.get(b"Filter").is_ok() || stream.content.len() < 64 {
                continue;
            }
            let mut encoder =
                flate2::write::ZlibEncoder::new(Vec::new(), flate2::Compression::fast());
            if encoder.write_all(&stream.content).is_err() {
                continue;
            }
            if let Ok(packed) = encoder.finish() {
                if packed.len() + 19 < stream.content.len() {
                    stream.dict.set("Filter", "FlateDecode");
                    stream.set_content(packed);
                }
            }
        }
    }
}

/// The resource name of a face, the same in every document.
fn font_id(face: fonts::FaceRef) -> FontId {
    FontId(match face {
        fonts::FaceRef::Base(Style::Regular) => "F1".to_string(),
        fonts::FaceRef::Base(Style::Bold) => "F2".to_string(),
        fonts::FaceRef::Base(Style::Italic) => "F3".to_string(),
        fonts::FaceRef::Fallback(i) => format!("F{}", i + 4),
    })
}

/// printpdf writes a trailer /ID from a process-wide counter, so the same report differs
/// with what else the process wrote before. Replace both strings with a hash of the content.
fn fixed_ids(mut bytes: Vec<u8>) -> Vec<u8> {
    let Some(at) = find_last(&bytes, b"/ID") else {
        return bytes;
    };
    let hash = {
        use std::hash::{BuildHasher, Hasher};
        let mut h = foldhash::quality::FixedState::with_seed(0x5052).build_hasher();
        h.write(&bytes[..at]);
        h.finish()
    };
    let digits = format!(
        "{hash:016x}{:016x}",
        hash.rotate_left(29) ^ 0x9e37_79b9_7f4a_7c15
    );
    // Each ID is a 32-character literal string: overwrite in place so offsets stay valid.
    let mut i = at;
    for _ in 0..2 {
        let Some(open) = bytes[i..].iter().position(|&b| b == b'(').map(|p| p + i) else {
            break;
        };
        let Some(close) = bytes[open..]
            .iter()
            .position(|&b| b == b')')
            .map(|p| p + open)
        else {
            break;
        };
        if close - open - 1 == digits.len() {
            bytes[open + 1..close].copy_from_slice(digits.as_bytes());
        }
        i = close + 1;
    }
    bytes
}

fn find_last(hay: &[u8], needle: &[u8]) -> Option<usize> {
    hay.windows(needle.len()).rposition(|w| w == needle)
}
