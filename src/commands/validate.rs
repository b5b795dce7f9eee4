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
        super::say(&summary(&ingested, &rejects_path, cfg.verbosity))?;
    }
    Ok(super::exit_code(cfg, &ingested))
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

fn file_summary(out: &mut String, q: &FileQuality, reasons: &[(String, u64)], superseded: bool) {
    let _ = write!(
        out,
        "{}: {} rows read, {} accepted, {} rejected",
        q.file, q.rows, q.accepted, q.rejected
    );
    if superseded {
        let _ = write!(out, ", {} superseded", q.superseded);
    }
    out.push('\n');
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
