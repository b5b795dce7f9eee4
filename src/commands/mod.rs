//! One file per subcommand: each wires ingest → metrics → report for its job.

pub mod clients;
pub mod init;
pub mod monthly;
pub mod run;
pub mod sample;
pub mod shell;
pub mod techniques;
pub mod trends;
pub mod validate;

use std::io::Write as _;
use std::sync::atomic::{AtomicBool, Ordering};

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

use crate::cli::{Config, Verbosity};
use crate::error::{Error, Result, EXIT_STRICT};
use crate::ingest::{self, Ingested};
use crate::report;

/// Set once standard output's reader has gone away.
static STDOUT_CLOSED: AtomicBool = AtomicBool::new(false);

/// Prints `text` on standard output. A reader that went away (`practice-report validate |
/// head -1`) ends the printing quietly, as ripgrep does: the files are written all the same
/// and the exit code stays. Any other failure to print is an error.
pub(crate) fn say(text: &str) -> Result<()> {
    if STDOUT_CLOSED.load(Ordering::Relaxed) {
        return Ok(());
    }
    let mut out = std::io::stdout().lock();
    match out.write_all(text.as_bytes()).and_then(|()| out.flush()) {
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => {
            STDOUT_CLOSED.store(true, Ordering::Relaxed);
            Ok(())
        }
        Err(source) => Err(Error::Write {
            path: "standard output".into(),
            source,
        }),
        Ok(()) => Ok(()),
    }
}

/// Prints a warning or an error line on standard error; a closed stderr is no reason to stop.
pub fn warn(line: &str) {
    let _ = writeln!(std::io::stderr().lock(), "{line}");
}

/// A progress bar on stderr: hidden when stderr is not a terminal (indicatif's own check),
/// and always with `-q`.
pub(crate) fn progress_bar(verbosity: Verbosity, template: &str) -> ProgressBar {
    if verbosity == Verbosity::Quiet {
        return ProgressBar::hidden();
    }
    let bar = ProgressBar::with_draw_target(None, ProgressDrawTarget::stderr());
    if let Ok(style) = ProgressStyle::with_template(template) {
        bar.set_style(style);
    }
    bar
}

/// The template for reading the two input files.
pub(crate) const READ_TEMPLATE: &str = "{msg} [{bar:30}] {bytes}/{total_bytes} ({eta})";

/// Reads and checks both inputs (with a progress bar) and writes rejects.csv: the first step
/// of every reporting command.
pub(crate) fn ingest_inputs(cfg: &Config) -> Result<Ingested> {
    let bar = progress_bar(cfg.verbosity, READ_TEMPLATE);
    bar.set_message("Reading");
    let ingested = ingest::ingest(&cfg.sessions, &cfg.feedback, &cfg.ingest, &bar)?;
    bar.finish_and_clear();
    report::rejects::write(&cfg.out_path("rejects.csv"), &ingested.rejects)?;
    Ok(ingested)
}

/// The inputs as the reports see them: both files read and checked (rejects.csv written for
/// the whole files), then, with `--location`, only that location's sessions. Returns the
/// location's name as written in the file.
pub(crate) fn report_inputs(cfg: &Config) -> Result<(Ingested, Option<String>)> {
    let ingested = ingest_inputs(cfg)?;
    match &cfg.location {
        None => Ok((ingested, None)),
        Some(name) => {
            let known = crate::metrics::locations::locations(&ingested)?;
            let (one, written) = one_location(cfg, &ingested, &known, name)?;
            Ok((one, Some(written)))
        }
    }
}

/// One location's sessions, among the `known` ones; an unknown location is an input error
/// listing those that exist.
pub(crate) fn one_location(
    cfg: &Config,
    ingested: &Ingested,
    known: &[(String, u64)],
    name: &str,
) -> Result<(Ingested, String)> {
    let file = cfg.sessions.display();
    if !ingested.has_location {
        return Err(Error::Usage(format!(
            "--location {:?}: {file} has no location column",
            crate::error::echo(name)
        )));
    }
    crate::metrics::locations::select(ingested, known, name)?.ok_or_else(|| {
        Error::Usage(format!(
            "--location {:?}: no accepted session of {file} is at that location; locations: {}",
            crate::error::echo(name),
            if known.is_empty() {
                "none".to_string()
            } else {
                crate::error::echo_list(known.iter().map(|(l, _)| l.as_str()), |l| format!("{l:?}"))
            }
        ))
    })
}

/// A report's title on its pages, naming the location when there is one.
pub(crate) fn titled(title: &str, location: Option<&str>) -> String {
    match location {
        Some(l) => format!("{title} · {}", crate::report::format::field(l)),
        None => title.to_string(),
    }
}

/// 3 with `--strict` when any row was rejected, else 0.
pub(crate) fn exit_code(cfg: &Config, ingested: &Ingested) -> i32 {
    let rejected = ingested.quality.sessions.rejected + ingested.quality.feedback.rejected;
    if cfg.strict && rejected > 0 {
        EXIT_STRICT
    } else {
        0
    }
}

/// `SOURCE_DATE_EPOCH` as a time, when set and valid.
fn source_date_epoch() -> Option<chrono::DateTime<chrono::Utc>> {
    std::env::var("SOURCE_DATE_EPOCH")
        .ok()
        .and_then(|s| s.trim().parse::<i64>().ok())
        .and_then(|secs| chrono::DateTime::from_timestamp(secs, 0))
}

/// Today: the day of `SOURCE_DATE_EPOCH` when set, else the local calendar day (a clinic's
/// "last month" is its own).
pub(crate) fn today() -> chrono::NaiveDate {
    source_date_epoch()
        .map(|t| t.date_naive())
        .unwrap_or_else(|| chrono::Local::now().date_naive())
}

/// The generation date printed on every page and stamped in the PDFs: `SOURCE_DATE_EPOCH`
/// when set (reproducible builds), else today. Returns the date text and its Unix time.
pub(crate) fn generation_date() -> (String, i64) {
    let from_env = source_date_epoch();
    // Without it, the day alone: a report rerun the same day is byte-identical.
    let when = from_env.unwrap_or_else(|| {
        let today = chrono::Utc::now().date_naive();
        today
            .and_hms_opt(0, 0, 0)
            .expect("midnight exists")
            .and_utc()
    });
    (when.format("%Y-%m-%d").to_string(), when.timestamp())
}

/// Loads the fonts for the aggregate reports: every therapist, technique and region name
/// and the practice name must be set. A bad `--font` is an input error.
pub(crate) fn load_fonts(cfg: &Config, ingested: &Ingested) -> Result<crate::report::pdf::Fonts> {
    use polars::prelude::*;
    let mut needed = cfg.ingest.settings.practice_name.clone();
    // Client names and comments too: the summaries show them (any script), the aggregate
    // reports never do.
    for (frame, column) in [
        (&ingested.sessions, "client_name"),
        (&ingested.feedback, "comment"),
    ] {
        if let Ok(values) = frame
            .clone()
            .lazy()
            .select([col(column).unique().alias("v")])
            .collect()
        {
            if let Ok(c) = values.column("v").and_then(|c| c.str().cloned()) {
                needed.extend(c.iter().flatten());
            }
        }
    }
    for expr in [
        col("therapist"),
        col("technique"),
        col("body_region").explode(crate::metrics::EXPLODE_REGIONS),
    ] {
        let values = ingested
            .sessions
            .clone()
            .lazy()
            .select([expr.unique().alias("v")])
            .collect()
            .map_err(crate::error::Error::polars("collecting the names to set"))?;
        if let Ok(c) = values.column("v").and_then(|c| c.str().cloned()) {
            needed.extend(c.iter().flatten());
        }
    }
    for labels in [
        &cfg.ingest.settings.techniques.names,
        &cfg.ingest.settings.regions.names,
    ] {
        needed.extend(labels.values().map(String::as_str));
    }
    crate::report::pdf::Fonts::load(cfg.font.as_deref(), &needed)
        .map_err(crate::error::Error::Usage)
}

/// Warns once about characters that no font could show.
pub(crate) fn warn_missing_glyphs(cfg: &Config, fonts: &crate::report::pdf::Fonts) {
    let missing = fonts.missing();
    if !missing.is_empty() && cfg.verbosity > Verbosity::Quiet {
        let list: String = missing.iter().collect();
        warn(&format!(
            "practice-report: warning: no font found for these characters, shown as boxes: {} \
             (install a font that has them, e.g. fonts-nanum for Hangul, or pass --font)",
            crate::error::echo(&list)
        ));
    }
}

/// Says on stdout what was written where (not with `-q`); rejects.csv always is.
pub(crate) fn print_written(cfg: &Config, written: &[std::path::PathBuf]) -> Result<()> {
    if cfg.verbosity > Verbosity::Quiet {
        let mut text = String::new();
        for path in written.iter().chain([&cfg.out_path("rejects.csv")]) {
            text.push_str(&format!("wrote {}\n", path.display()));
        }
        say(&text)?;
    }
    Ok(())
}
