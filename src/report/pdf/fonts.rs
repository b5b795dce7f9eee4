//! Fonts for the PDFs: DejaVu Sans (embedded in the binary) first, then `--font` and fonts
//! found on the system for the characters DejaVu lacks (Hangul, CJK …). printpdf does no
//! fallback, so every string is split into runs by which font has each character.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::sync::Mutex;

use printpdf::ParsedFont;

/// Regular, bold or oblique: the three DejaVu faces the reports use.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Style {
    Regular,
    Bold,
    Italic,
}

/// One font file: its metrics (ttf-parser) and its printpdf form, parsed once.
pub struct Face {
    pub name: String,
    /// The font file and the face's index in it (a collection holds several).
    bytes: &'static [u8],
    index: u32,
    face: ttf_parser::Face<'static>,
    units_per_em: f32,
    /// Advance per point of size for ASCII, None without a glyph: most text is ASCII, and
    /// every string is measured several times.
    ascii: [Option<f32>; 128],
    pub parsed: ParsedFont,
}

impl Face {
    /// `bytes` live as long as the process: fonts are loaded once and shared by every PDF.
    fn load(name: String, bytes: &'static [u8], index: u32) -> Option<Face> {
        let face = ttf_parser::Face::parse(bytes, index).ok()?;
        let parsed = ParsedFont::from_bytes(bytes, index as usize, &mut Vec::new())?;
        let units_per_em = f32::from(face.units_per_em());
        let ascii = std::array::from_fn(|i| {
            let g = face.glyph_index(char::from(i as u8))?;
            Some(
                face.glyph_hor_advance(g)
                    .map_or(0.0, |a| f32::from(a) / units_per_em),
            )
        });
        Some(Face {
            name,
            bytes,
            index,
            units_per_em,
            face,
            ascii,
            parsed,
        })
    }

    /// This face cut down to the glyphs of `chars` (and .notdef), renumbered in glyph order:
    /// printpdf's own subsetting (allsorts, the PDF profile, a Unicode cmap), done here.
    /// None when allsorts cannot subset it.
    pub fn subset(&self, chars: &BTreeSet<char>) -> Option<Vec<u8>> {
        use allsorts::binary::read::ReadScope;
        use allsorts::font_data::FontData;
        use allsorts::subset::{CmapTarget, SubsetProfile};
        let glyphs: BTreeSet<u16> = chars
            .iter()
            .filter_map(|&c| self.face.glyph_index(c).map(|g| g.0))
            .filter(|&g| g != 0)
            .collect();
        let ids: Vec<u16> = std::iter::once(0).chain(glyphs).collect();
        let file = ReadScope::new(self.bytes).read::<FontData<'_>>().ok()?;
        let provider = file.table_provider(self.index as usize).ok()?;
        allsorts::subset::subset(&provider, &ids, &SubsetProfile::Pdf, CmapTarget::Unicode).ok()
    }

    /// The face's PostScript name (`DejaVuSans-Bold`), as a PDF names an embedded font.
    pub fn postscript_name(&self) -> Option<String> {
        self.face
            .names()
            .into_iter()
            .filter(|n| n.name_id == ttf_parser::name_id::POST_SCRIPT_NAME)
            .find_map(|n| n.to_string())
    }

    pub fn has(&self, c: char) -> bool {
        if c.is_ascii() {
            return self.ascii[c as usize].is_some();
        }
        self.face.glyph_index(c).is_some()
    }

    /// Advance width of `c` at `size` points (0 for a character without a glyph).
    pub fn advance(&self, c: char, size: f32) -> f32 {
        if c.is_ascii() {
            return self.ascii[c as usize].unwrap_or(0.0) * size;
        }
        self.face
            .glyph_index(c)
            .and_then(|g| self.face.glyph_hor_advance(g))
            .map_or(0.0, |a| f32::from(a) * size / self.units_per_em)
    }
}

/// The fonts of a run of reports: three base faces and any fallbacks, in order of preference.
pub struct Fonts {
    /// DejaVu cut down to the characters a run's reports set (see [`subset_of`]): printpdf
    /// subsets every font it embeds, once per PDF, and reading DejaVu's 6,000 glyphs for each
    /// client summary was a third of the time it took.
    regular: Face,
    bold: Face,
    italic: Face,
    /// The whole DejaVu faces, for a character the cut-down ones lack.
    full: [Face; 3],
    /// `--font` first, then system fonts, for characters DejaVu lacks.
    fallbacks: Vec<Face>,
    /// Characters no font has, reported once per run.
    missing: Mutex<BTreeSet<char>>,
}

/// Which face to set a run in: a base face, the whole DejaVu face of a style, or fallback
/// number n.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum FaceRef {
    Base(Style),
    Full(Style),
    Fallback(usize),
}

/// The characters every run's base faces keep besides those of its data: printable ASCII,
/// Latin-1, and the punctuation, arrows and signs the reports' own text uses.
fn common_chars() -> impl Iterator<Item = char> {
    let ranges = [
        ('\u{20}', '\u{7e}'),
        ('\u{a0}', '\u{ff}'),
        ('\u{2010}', '\u{2027}'),
        ('\u{2030}', '\u{203a}'),
        ('\u{2190}', '\u{2193}'),
        ('\u{2212}', '\u{2212}'),
        ('\u{2264}', '\u{2265}'),
        ('\u{25a0}', '\u{25cf}'),
    ];
    ranges.into_iter().flat_map(|(a, b)| a..=b)
}

/// `full` cut down to the glyphs of `chars` (once per run); None if the cut-down font does
/// not load, and the whole face is then used.
fn subset_of(full: &Face, chars: &BTreeSet<char>) -> Option<Face> {
    let subset = full.subset(chars)?;
    let face = Face::load(full.name.clone(), Box::leak(subset.into_boxed_slice()), 0)?;
    // Widths must be the whole face's: they are measured before anything is embedded.
    chars
        .iter()
        .all(|&c| {
            !full.has(c) || (face.has(c) && face.advance(c, 1000.0) == full.advance(c, 1000.0))
        })
        .then_some(face)
}

/// Why the fonts could not be loaded.
#[derive(Debug, thiserror::Error)]
pub enum FontError {
    #[error("the embedded {name} font does not parse")]
    Embedded { name: String },
    #[error("{}: cannot read the font", path.display())]
    Unreadable {
        path: std::path::PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("{}: not a font that can be read", path.display())]
    NotAFont { path: std::path::PathBuf },
}

/// The bytes of a font file given with `--font`.
fn read_font(path: &Path) -> Result<Vec<u8>, FontError> {
    std::fs::read(path).map_err(|source| FontError::Unreadable {
        path: path.to_path_buf(),
        source,
    })
}

/// Checks that `path` is a font this tool can set text in, before any export is read.
pub fn check_font(path: &Path) -> Result<(), FontError> {
    let bytes = read_font(path)?;
    ttf_parser::Face::parse(&bytes, 0)
        .map(|_| ())
        .map_err(|_| FontError::NotAFont {
            path: path.to_path_buf(),
        })
}

impl Fonts {
    /// DejaVu Sans, then `extra` (the `--font` option), then system fonts that cover what
    /// DejaVu lacks. System fonts are looked for only when `needed` has such characters.
    /// System fonts are looked for only when `system` (without them a run's PDFs are the
    /// same bytes on every machine).
    pub fn load(extra: Option<&Path>, needed: &str, system: bool) -> Result<Fonts, FontError> {
        let base = |name: &str, bytes: &'static [u8]| {
            Face::load(name.to_string(), bytes, 0).ok_or_else(|| FontError::Embedded {
                name: name.to_string(),
            })
        };
        let full = [
            base("DejaVu Sans", dejavu::sans::regular())?,
            base("DejaVu Sans Bold", dejavu::sans::bold())?,
            base("DejaVu Sans Oblique", dejavu::sans::oblique())?,
        ];
        let chars: BTreeSet<char> = common_chars()
            .chain(needed.chars().filter(|c| !c.is_control()))
            .collect();
        let cut = |i: usize, name: &str, bytes: &'static [u8]| match subset_of(&full[i], &chars) {
            Some(face) => Ok(face),
            None => base(name, bytes),
        };
        let regular = cut(0, "DejaVu Sans", dejavu::sans::regular())?;
        let bold = cut(1, "DejaVu Sans Bold", dejavu::sans::bold())?;
        let italic = cut(2, "DejaVu Sans Oblique", dejavu::sans::oblique())?;
        let mut fallbacks = Vec::new();
        if let Some(path) = extra {
            let bytes = read_font(path)?;
            let face = Face::load(
                path.display().to_string(),
                Box::leak(bytes.into_boxed_slice()),
                0,
            )
            .ok_or_else(|| FontError::NotAFont {
                path: path.to_path_buf(),
            })?;
            fallbacks.push(face);
        }
        let mut fonts = Fonts {
            regular,
            bold,
            italic,
            full,
            fallbacks,
            missing: Mutex::new(BTreeSet::new()),
        };
        let lacking: BTreeSet<char> = needed
            .chars()
            .filter(|&c| !c.is_control() && fonts.pick(c, Style::Regular).is_none())
            .collect();
        if system && !lacking.is_empty() {
            fonts.fallbacks.extend(system_fallbacks(&lacking));
        }
        Ok(fonts)
    }

    pub fn face(&self, f: FaceRef) -> &Face {
        match f {
            FaceRef::Base(Style::Regular) => &self.regular,
            FaceRef::Base(Style::Bold) => &self.bold,
            FaceRef::Base(Style::Italic) => &self.italic,
            FaceRef::Full(s) => &self.full[s as usize],
            FaceRef::Fallback(i) => &self.fallbacks[i],
        }
    }

    /// Every face a document may use, with the reference ops use for it.
    pub fn all(&self) -> Vec<(FaceRef, &Face)> {
        let mut v = vec![
            (FaceRef::Base(Style::Regular), &self.regular),
            (FaceRef::Base(Style::Bold), &self.bold),
            (FaceRef::Base(Style::Italic), &self.italic),
        ];
        v.extend(
            [Style::Regular, Style::Bold, Style::Italic]
                .into_iter()
                .map(|s| (FaceRef::Full(s), &self.full[s as usize])),
        );
        v.extend(
            self.fallbacks
                .iter()
                .enumerate()
                .map(|(i, f)| (FaceRef::Fallback(i), f)),
        );
        v
    }

    fn pick(&self, c: char, style: Style) -> Option<FaceRef> {
        let base = FaceRef::Base(style);
        if self.face(base).has(c) {
            return Some(base);
        }
        // The cut-down face and the whole one are one DejaVu face to the reader.
        if self.full[style as usize].has(c) {
            return Some(FaceRef::Full(style));
        }
        // `--font` is first among the fallbacks: it wins over DejaVu's other faces too.
        if let Some(i) = self.fallbacks.iter().position(|f| f.has(c)) {
            return Some(FaceRef::Fallback(i));
        }
        [Style::Regular, Style::Bold, Style::Italic]
            .into_iter()
            .flat_map(|s| [FaceRef::Base(s), FaceRef::Full(s)])
            .find(|&f| self.face(f).has(c))
    }

    /// Splits `text` into runs of one face each. A character no font has stays in the base
    /// face (where it shows as a box) and is remembered for [`Fonts::missing`].
    pub fn runs<'t>(&self, text: &'t str, style: Style) -> Vec<(FaceRef, &'t str)> {
        let mut runs: Vec<(FaceRef, &'t str)> = Vec::new();
        let mut start = 0;
        let mut current: Option<FaceRef> = None;
        for (i, c) in text.char_indices() {
            let f = if c.is_whitespace() {
                current.unwrap_or(FaceRef::Base(style))
            } else {
                self.pick(c, style).unwrap_or_else(|| {
                    self.missing.lock().expect("not poisoned").insert(c);
                    FaceRef::Base(style)
                })
            };
            match current {
                Some(cur) if cur != f => {
                    runs.push((cur, &text[start..i]));
                    start = i;
                    current = Some(f);
                }
                None => current = Some(f),
                _ => {}
            }
        }
        if let Some(cur) = current {
            runs.push((cur, &text[start..]));
        }
        runs
    }

    /// The advance of each character of `text` at `size` points, as [`Fonts::runs`] sets it.
    /// A prefix of `text` is set the same way on its own (a run's face depends only on what
    /// comes before), so sums of these are the widths of prefixes and of lines cut from it.
    pub fn advances(&self, text: &str, size: f32, style: Style) -> Vec<f32> {
        let mut out = Vec::with_capacity(text.len());
        for (f, s) in self.runs(text, style) {
            let face = self.face(f);
            out.extend(s.chars().map(|c| face.advance(c, size)));
        }
        out
    }

    /// Width of `text` at `size` points.
    pub fn width(&self, text: &str, size: f32, style: Style) -> f32 {
        self.runs(text, style)
            .iter()
            .map(|(f, s)| {
                let face = self.face(*f);
                s.chars().map(|c| face.advance(c, size)).sum::<f32>()
            })
            .sum()
    }

    /// Characters that no font could show, so far.
    pub fn missing(&self) -> Vec<char> {
        self.missing
            .lock()
            .expect("not poisoned")
            .iter()
            .copied()
            .collect()
    }
}

/// System fonts that cover `lacking`, the widest coverage first. The system's fonts are
/// found by fontdb (the folders of Linux, macOS and Windows, and fontconfig's), listed once
/// per run and read through memory maps; ties go to regular faces, then to path order, so the
/// choice does not depend on the order the system lists its folders in.
fn system_fallbacks(lacking: &BTreeSet<char>) -> Vec<Face> {
    let mut db = fontdb::Database::new();
    db.load_system_fonts();
    let path_of = |f: &fontdb::FaceInfo| match &f.source {
        fontdb::Source::File(p) | fontdb::Source::SharedFile(p, _) => p.clone(),
        fontdb::Source::Binary(_) => PathBuf::new(),
    };
    // Regular faces first: a bold or light face is a poor stand-in for body text.
    // (not regular, path, index in the file, fontdb's id)
    type SystemFace = (bool, PathBuf, u32, fontdb::ID);
    let mut faces: Vec<SystemFace> = db
        .faces()
        .map(|f| {
            let plain = f.weight == fontdb::Weight::NORMAL && f.style == fontdb::Style::Normal;
            (!plain, path_of(f), f.index, f.id)
        })
        .collect();
    faces.sort();
    let mut left: BTreeSet<char> = lacking.clone();
    let mut chosen = Vec::new();
    while !left.is_empty() {
        let mut best: Option<(usize, &SystemFace)> = None;
        for f in &faces {
            let covered = db
                .with_face_data(f.3, |data, index| {
                    let face = ttf_parser::Face::parse(data, index).ok()?;
                    Some(
                        left.iter()
                            .filter(|&&c| face.glyph_index(c).is_some())
                            .count(),
                    )
                })
                .flatten()
                .unwrap_or(0);
            if covered > best.map_or(0, |b| b.0) {
                best = Some((covered, f));
            }
        }
        let Some((_, (_, path, index, id))) = best else {
            break;
        };
        // Kept for the life of the process, like the embedded fonts.
        let loaded = db
            .with_face_data(*id, |data, _| {
                Face::load(
                    path.display().to_string(),
                    Box::leak(data.to_vec().into_boxed_slice()),
                    *index,
                )
            })
            .flatten();
        let Some(face) = loaded else { break };
        left.retain(|&c| !face.has(c));
        chosen.push(face);
    }
    chosen
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dejavu_sets_latin_and_cyrillic_in_one_run() {
        let text = "Łukasz Dvořák, Анна";
        // Characters of the run's data are in the cut-down face: one run.
        let fonts = Fonts::load(None, text, true).unwrap();
        let runs = fonts.runs(text, Style::Regular);
        assert_eq!(runs, vec![(FaceRef::Base(Style::Regular), text)]);
        assert!(fonts.missing().is_empty());
        // Characters it was not cut for are set in the whole DejaVu face, with the same
        // widths; ASCII and the reports' own signs always are in the cut-down face.
        let fonts = Fonts::load(None, "", true).unwrap();
        let runs = fonts.runs(text, Style::Regular);
        assert_eq!(
            runs,
            vec![
                (FaceRef::Full(Style::Regular), "Ł"),
                (FaceRef::Base(Style::Regular), "ukasz Dvo"),
                (FaceRef::Full(Style::Regular), "ř"),
                (FaceRef::Base(Style::Regular), "ák, "),
                (FaceRef::Full(Style::Regular), "Анна"),
            ]
        );
        assert_eq!(fonts.runs("≥ 30% – ▲ †", Style::Bold).len(), 1);
        assert!(fonts.missing().is_empty());
        let whole = Fonts::load(None, text, true).unwrap();
        assert_eq!(
            fonts.width(text, 9.0, Style::Regular),
            whole.width(text, 9.0, Style::Regular)
        );
        // Widths come from the font: "ii" is narrower than "WW".
        assert!(fonts.width("ii", 10.0, Style::Regular) < fonts.width("WW", 10.0, Style::Regular));
        assert!(fonts.width("Ann", 10.0, Style::Bold) > fonts.width("Ann", 10.0, Style::Regular));
    }

    #[test]
    fn hangul_falls_back_to_a_system_font_or_is_reported() {
        let text = "Ann 김민준";
        let fonts = Fonts::load(None, text, true).unwrap();
        let runs = fonts.runs(text, Style::Regular);
        let mut db = fontdb::Database::new();
        db.load_system_fonts();
        let system_has_hangul = db.faces().any(|f| {
            db.with_face_data(f.id, |data, index| {
                ttf_parser::Face::parse(data, index)
                    .is_ok_and(|face| face.glyph_index('김').is_some())
            })
            .unwrap_or(false)
        });
        if system_has_hangul {
            assert_eq!(runs[0], (FaceRef::Base(Style::Regular), "Ann "));
            assert_eq!(runs[1], (FaceRef::Fallback(0), "김민준"));
            assert!(fonts.missing().is_empty());
        } else {
            // No font has it: the run stays in the base face and the characters are named.
            assert_eq!(runs, vec![(FaceRef::Base(Style::Regular), text)]);
            assert_eq!(fonts.missing(), vec!['김', '민', '준']);
        }
    }
}
