//! Helpers shared by the integration tests: run the built binary, read its outputs.
#![allow(dead_code)]

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

/// A reporting command on the fixture set `set` (its sessions.csv and feedback.csv), writing
/// into `out`, then `extra`.
pub fn report_args(cmd: &str, set: &str, out: &Path, extra: &[&str]) -> Vec<String> {
    let path = |f: &str| data(&format!("{set}/{f}")).display().to_string();
    let mut args = vec![
        cmd.to_string(),
        "--sessions".to_string(),
        path("sessions.csv"),
        "--feedback".to_string(),
        path("feedback.csv"),
        "--out".to_string(),
        out.display().to_string(),
    ];
    args.extend(extra.iter().map(|a| a.to_string()));
    args
}

/// Runs [`report_args`] in `cwd`, with SOURCE_DATE_EPOCH set when `dated`.
pub fn run_report(
    cwd: &Path,
    dated: bool,
    cmd: &str,
    set: &str,
    out: &Path,
    extra: &[&str],
) -> Output {
    let args = report_args(cmd, set, out, extra);
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    if dated {
        run_dated(cwd, &args)
    } else {
        run_in(cwd, &args)
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
