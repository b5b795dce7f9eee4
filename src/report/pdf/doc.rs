//! The layout cursor: a document of A4 pages filled top to bottom on a [`Canvas`], with the
//! page furniture, headings, paragraphs, bullets and footnotes, and the finished PDF.

use std::ops::Deref;

pub use super::canvas::Look;
use super::canvas::{Canvas, Page};
use super::fonts::Fonts;
use super::furniture::Furniture;
use super::{BOTTOM, LEFT, RIGHT, SMALL, TOP};

/// A document being laid out.
pub struct Doc<'f> {
    canvas: Canvas<'f>,
    furniture: Furniture,
    /// The latest section heading: a chart or table that runs on repeats it.
    heading: String,
    /// The cursor: where the next block starts, down from the top of the page.
    pub y: f32,
}

impl<'f> Deref for Doc<'f> {
    type Target = Canvas<'f>;
    fn deref(&self) -> &Canvas<'f> {
        &self.canvas
    }
}

impl<'f> Doc<'f> {
    // The drawing calls, forwarded (not through `DerefMut`) so that an argument may read the
    // document: `doc.text(x, doc.y, &doc.fit(…), look)`.

    /// Text with its baseline at `y`, starting at `x`.
    pub fn text(&mut self, x: f32, y: f32, text: &str, look: Look) {
        self.canvas.text(x, y, text, look);
    }

    /// Text ending at `right`.
    pub fn text_right(&mut self, right: f32, y: f32, text: &str, look: Look) {
        self.canvas.text_right(right, y, text, look);
    }

    /// Text centred on `centre`.
    pub fn text_centred(&mut self, centre: f32, y: f32, text: &str, look: Look) {
        self.canvas.text_centred(centre, y, text, look);
    }

    pub fn rect(&mut self, x: f32, y: f32, w: f32, h: f32, fill: super::colour::Rgb) {
        self.canvas.rect(x, y, w, h, fill);
    }

    /// A straight line; `dashed` for reference lines.
    pub fn line(
        &mut self,
        from: (f32, f32),
        to: (f32, f32),
        colour: super::colour::Rgb,
        width: f32,
        dashed: bool,
    ) {
        self.canvas.line(from, to, colour, width, dashed);
    }

    pub fn new(fonts: &'f Fonts, furniture: Furniture) -> Doc<'f> {
        Doc {
            canvas: Canvas::new(fonts),
            furniture,
            heading: String::new(),
            y: TOP,
        }
    }

    pub fn new_page(&mut self) {
        self.canvas.pages.push(Page {
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

    /// A footnote on the current page (once, however often it is asked for).
    pub fn footnote(&mut self, text: &str) {
        let page = self.canvas.pages.last_mut().expect("a page");
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
        self.heading = text.to_string();
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

    /// A new page for a chart that runs on: the latest heading again, "(continued)".
    pub fn continued(&mut self) {
        self.new_page();
        if self.heading.is_empty() {
            return;
        }
        let look = Look::BODY.bold().sized(13.0);
        let text = format!("{} (continued)", self.heading);
        let line = self.fit(&text, look, RIGHT - LEFT);
        self.text(LEFT, self.y + 13.0, &line, look);
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
            canvas:
                Canvas {
                    fonts,
                    mut pages,
                    mut used,
                },
            furniture,
            ..
        } = self;
        let total = pages.len();
        for (i, page) in pages.iter_mut().enumerate() {
            let (ops, faces) = super::furniture::draw(fonts, &furniture, i, total, &page.footnotes);
            page.ops.extend(ops);
            for (face, chars) in faces {
                used.entry(face).or_default().extend(chars);
            }
        }
        let title = format!(
            "{} – {} – {}",
            furniture.practice, furniture.title, furniture.period
        );
        super::save::pdf_bytes(fonts, &title, furniture.timestamp, pages, &used)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn doc(fonts: &Fonts) -> Doc<'_> {
        Doc::new(fonts, Furniture::plain())
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
        let fonts = Fonts::load(None, "", true).unwrap();
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
        let fonts = Fonts::load(None, "", true).unwrap();
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
