//! `validate`: reads both exports, writes only rejects.csv, prints the account per file.

use std::fmt::Write as _;
use std::path::Path;

use crate::cli::{Config, Verbosity};
use crate::error::Result;
use crate::ingest::{FileQuality, Ingested, Input};

/// How many reject causes the summary lists per file.
const TOP_REASONS: usize = 10;

pub fn run(cfg: &Config) -> Result<i32> {
    let staging = super::begin(cfg)?;
    let ingested = super::ingest_inputs(cfg)?;
    super::finish(staging, &ingested)?;
    let rejects_path = cfg.out_path(crate::report::rejects::FILE);
    if cfg.verbosity >= Verbosity::Verbose {
        super::say(&match &cfg.config_path {
            Some(p) => format!("config: {}\n", p.display()),
            None => "config: none (contract defaults)\n".to_string(),
        })?;
    }
    if cfg.verbosity > Verbosity::Quiet {
        let mut text = summary(&ingested, &rejects_path, cfg.verbosity);
        for (path, file, q, section) in [
            (
                &cfg.sessions,
                &cfg.ingest.sessions,
                &ingested.quality.sessions,
                "sessions",
            ),
            (
                &cfg.feedback,
                &cfg.ingest.feedback,
                &ingested.quality.feedback,
                "feedback",
            ),
        ] {
            if file.encoding.is_none() {
                text += &encoding_hint(path, q, &ingested, section);
            }
        }
        super::say(&text)?;
    }
    Ok(super::exit_code(cfg, &ingested))
}

/// When more than 1% of a file's rows are not valid UTF-8 (a spreadsheet re-saved as CSV on
/// Windows), the line that names the encoding that reads the file cleanly, if one does.
fn encoding_hint(path: &Path, q: &FileQuality, ingested: &Ingested, section: &str) -> String {
    let invalid = ingested
        .rejects
        .iter()
        .filter(|r| r.file == q.file && r.kind.ends_with("invalid UTF-8"))
        .count() as u64;
    if q.rows == 0 || invalid * 100 <= q.rows {
        return String::new();
    }
    let mut sample = Vec::new();
    let read = std::fs::File::open(path).and_then(|f| {
        std::io::Read::read_to_end(&mut std::io::Read::take(f, 8 << 20), &mut sample)
    });
    match read
        .ok()
        .and_then(|_| crate::ingest::source::guess_encoding(&sample))
    {
        Some(e) => format!(
            "{}: {invalid} of {} rows are not valid UTF-8; the file reads cleanly as {}: add \
             encoding = \"{}\" under [input.{section}] in the config\n",
            q.file,
            q.rows,
            e.name(),
            e.name().to_lowercase()
        ),
        None => format!(
            "{}: {invalid} of {} rows are not valid UTF-8, and no one encoding reads the file \
             cleanly: export it again as UTF-8\n",
            q.file, q.rows
        ),
    }
}

/// The account of both files, as printed by `validate`.
pub fn summary(ingested: &Ingested, rejects_path: &Path, verbosity: Verbosity) -> String {
    let mut out = String::new();
    // Only feedback rows can be superseded.
    for (q, input) in [
        (&ingested.quality.sessions, Input::Sessions),
        (&ingested.quality.feedback, Input::Feedback),
    ] {
        file_summary(
            &mut out,
            q,
            &ingested.reject_reasons(input),
            input == Input::Feedback,
            input == Input::Sessions && ingested.has_status,
        );
        if verbosity >= Verbosity::Verbose && !q.absent_columns.is_empty() {
            let _ = writeln!(
                out,
                "  optional columns not in the file: {}",
                q.absent_columns.join(", ")
            );
        }
    }
    let _ = writeln!(
        out,
        "rejects.csv: {} ({} rows)",
        rejects_path.display(),
        ingested.rejects.len()
    );
    out
}

fn file_summary(
    out: &mut String,
    q: &FileQuality,
    reasons: &[(String, u64)],
    superseded: bool,
    not_attended: bool,
) {
    let _ = write!(
        out,
        "{}: {} rows read, {} accepted, {} rejected",
        q.file, q.rows, q.accepted, q.rejected
    );
    if not_attended {
        let _ = write!(out, ", {} not attended", q.not_attended);
    }
    if superseded {
        let _ = write!(out, ", {} superseded", q.superseded);
    }
    out.push('\n');
    if q.footer_rows > 0 {
        let _ = writeln!(
            out,
            "  a total row ends the data: it and the {} rows after it are not read",
            q.footer_rows - 1
        );
    }
    for (reason, n) in reasons.iter().take(TOP_REASONS) {
        let _ = writeln!(out, "  {n:>8}  {reason}");
    }
    if reasons.len() > TOP_REASONS {
        let rest: u64 = reasons[TOP_REASONS..].iter().map(|r| r.1).sum();
        let _ = writeln!(out, "  {rest:>8}  (other causes)");
    }
    if !q.extra_columns.is_empty() {
        let _ = writeln!(
            out,
            "  extra columns ignored: {}",
            q.extra_columns.join(", ")
        );
    }
}
