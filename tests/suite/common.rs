//! Helpers shared by the integration tests: run the built binary, read its outputs.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

pub fn data(rel: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/data")
        .join(rel)
}

/// Runs `practice-report` with `args` in `cwd` (so no stray practice-report.toml is read).
pub fn run_in(cwd: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_practice-report"))
        .args(args)
        .current_dir(cwd)
        .env_remove("SOURCE_DATE_EPOCH")
        .output()
        .expect("the binary runs")
}

/// One run of the built binary, built up step by step:
/// `Run::new("monthly").fixture("monthly").out(&out).month("2026-03").dated().output_in(dir)`.
/// The arguments come in the order given: the command, the fixture's two files, `--out`,
/// then the rest.
pub struct Run {
    args: Vec<String>,
    dated: bool,
}

impl Run {
    pub fn new(command: &str) -> Run {
        Run {
            args: vec![command.to_string()],
            dated: false,
        }
    }

    /// The fixture set `set`: its sessions.csv and feedback.csv.
    pub fn fixture(mut self, set: &str) -> Run {
        for (flag, file) in [
            ("--sessions", "sessions.csv"),
            ("--feedback", "feedback.csv"),
        ] {
            self.args.push(flag.to_string());
            self.args
                .push(data(&format!("{set}/{file}")).display().to_string());
        }
        self
    }

    /// Exports of the test's own: `--sessions` and `--feedback`.
    pub fn files(self, sessions: &Path, feedback: &Path) -> Run {
        let (s, f) = (
            sessions.display().to_string(),
            feedback.display().to_string(),
        );
        self.args(&["--sessions", &s, "--feedback", &f])
    }

    pub fn out(self, out: impl AsRef<Path>) -> Run {
        let out = out.as_ref().display().to_string();
        self.args(&["--out", &out])
    }

    pub fn month(self, month: &str) -> Run {
        self.args(&["--month", month])
    }

    pub fn args<S: AsRef<str>>(mut self, extra: &[S]) -> Run {
        self.args
            .extend(extra.iter().map(|a| a.as_ref().to_string()));
        self
    }

    /// With SOURCE_DATE_EPOCH set to [`EPOCH`] (else it is removed).
    pub fn dated(mut self) -> Run {
        self.dated = true;
        self
    }

    pub fn arg_list(&self) -> Vec<String> {
        self.args.clone()
    }

    /// Runs it in `cwd` (so no stray practice-report.toml is read).
    pub fn output_in(&self, cwd: &Path) -> Output {
        let args: Vec<&str> = self.args.iter().map(String::as_str).collect();
        if self.dated {
            run_dated(cwd, &args)
        } else {
            run_in(cwd, &args)
        }
    }
}

/// 2026-01-01T00:00:00Z, for reports whose generation date a test checks.
pub const EPOCH: &str = "1767225600";

/// Like [`run_in`], with SOURCE_DATE_EPOCH set.
pub fn run_dated(cwd: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_practice-report"))
        .args(args)
        .current_dir(cwd)
        .env("SOURCE_DATE_EPOCH", EPOCH)
        .output()
        .expect("the binary runs")
}

/// The text of every page of a PDF, as lopdf extracts it, pages joined by form feeds.
pub fn pdf_text(path: &Path) -> String {
    let doc = lopdf::Document::load(path).expect("a PDF lopdf can read");
    let pages: Vec<u32> = doc.get_pages().keys().copied().collect();
    pages
        .iter()
        .map(|&p| doc.extract_text(&[p]).unwrap_or_default())
        .collect::<Vec<_>>()
        .join("\u{c}")
}

/// Text with every run of white space as one space: line breaks as extracted vary.
pub fn squeeze(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// The number of pages of a PDF.
pub fn pdf_pages(path: &Path) -> usize {
    lopdf::Document::load(path)
        .expect("a PDF")
        .get_pages()
        .len()
}

pub fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

pub fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

/// rejects.csv as rows of its five fields, header excluded.
pub fn rejects(path: &Path) -> Vec<[String; 5]> {
    let mut r = csv::Reader::from_path(path).expect("rejects.csv exists");
    assert_eq!(
        r.headers().unwrap().iter().collect::<Vec<_>>(),
        vec!["file", "line", "column", "value", "reason"]
    );
    r.records()
        .map(|rec| {
            let rec = rec.unwrap();
            std::array::from_fn(|i| rec[i].to_string())
        })
        .collect()
}

/// A JSON file, parsed.
pub fn json(path: &Path) -> serde_json::Value {
    let text = std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// A figure in the JSON or a CSV cell, within 1e-12 of `want`.
pub fn close(got: impl Figure, want: f64) {
    let got = got.figure();
    assert!((got - want).abs() < 1e-12, "{got} != {want}");
}

/// What [`close`] compares: a JSON number or a CSV cell.
pub trait Figure {
    fn figure(&self) -> f64;
}

impl Figure for &serde_json::Value {
    fn figure(&self) -> f64 {
        self.as_f64()
            .unwrap_or_else(|| panic!("{self} is not a number"))
    }
}

impl Figure for &str {
    fn figure(&self) -> f64 {
        self.parse()
            .unwrap_or_else(|_| panic!("{self:?} is not a number"))
    }
}

impl Figure for &String {
    fn figure(&self) -> f64 {
        self.as_str().figure()
    }
}

/// A CSV's rows (header included) as the csv crate reads them back.
pub fn csv_rows(path: &Path) -> Vec<Vec<String>> {
    csv::ReaderBuilder::new()
        .has_headers(false)
        .from_path(path)
        .unwrap_or_else(|e| panic!("{}: {e}", path.display()))
        .records()
        .map(|r| r.unwrap().iter().map(str::to_string).collect())
        .collect()
}

/// One word of a PDF page as `pdftotext -bbox` places it (points, y down from the top).
#[derive(Debug, Clone)]
pub struct WordBox {
    pub page: usize,
    pub x0: f64,
    pub y0: f64,
    pub x1: f64,
    pub y1: f64,
    pub text: String,
}

/// Every word of a PDF with its box, and each page's width and height (poppler's
/// `pdftotext -bbox`).
pub fn word_boxes(pdf: &Path) -> (Vec<(f64, f64)>, Vec<WordBox>) {
    let o = Command::new("pdftotext")
        .arg("-bbox")
        .arg(pdf)
        .arg("-")
        .output()
        .expect("pdftotext (poppler-utils) is installed");
    assert!(o.status.success(), "pdftotext {}", pdf.display());
    let xml = String::from_utf8_lossy(&o.stdout);
    let attr = |tag: &str, name: &str| -> f64 {
        let at = tag.find(&format!("{name}=\"")).expect("the attribute") + name.len() + 2;
        tag[at..at + tag[at..].find('"').unwrap()].parse().unwrap()
    };
    let (mut pages, mut words) = (Vec::new(), Vec::new());
    for chunk in xml.split("<page ").skip(1) {
        let tag = &chunk[..chunk.find('>').unwrap()];
        pages.push((attr(tag, "width"), attr(tag, "height")));
        for w in chunk.split("<word ").skip(1) {
            let end = w.find('>').unwrap();
            let tag = &w[..end];
            let text = &w[end + 1..w.find("</word>").unwrap()];
            words.push(WordBox {
                page: pages.len(),
                x0: attr(tag, "xMin"),
                y0: attr(tag, "yMin"),
                x1: attr(tag, "xMax"),
                y1: attr(tag, "yMax"),
                text: text
                    .replace("&amp;", "&")
                    .replace("&lt;", "<")
                    .replace("&gt;", ">"),
            });
        }
    }
    (pages, words)
}

/// The words of a PDF drawn into its footer or off the page (the check of
/// shared/tools/page_overflow.py): the footer is the line that starts with "Generated"; any
/// other word reaching within 2 pt of its top, or leaving the page, is an overflow.
pub fn overflowing_words(pdf: &Path) -> Vec<String> {
    let (pages, words) = word_boxes(pdf);
    let mut bad = Vec::new();
    for (n, &(w, h)) in pages.iter().enumerate() {
        let on_page: Vec<&WordBox> = words.iter().filter(|b| b.page == n + 1).collect();
        let footer = on_page
            .iter()
            .filter(|b| b.text == "Generated")
            .map(|b| b.y0)
            .fold(f64::INFINITY, f64::min);
        let top = if footer.is_finite() { footer } else { h };
        for b in on_page {
            let in_footer = footer.is_finite() && (b.y0 - top).abs() < 2.0;
            if b.x0 < 0.0
                || b.y0 < 0.0
                || b.x1 > w + 0.5
                || b.y1 > h + 0.5
                || (!in_footer && b.y1 > top - 2.0)
            {
                bad.push(format!(
                    "page {}: {:?} at y {:.0}-{:.0}",
                    n + 1,
                    b.text,
                    b.y0,
                    b.y1
                ));
            }
        }
    }
    bad
}
