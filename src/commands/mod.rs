//! One file per subcommand: each wires ingest → metrics → report for its job.

pub mod clients;
pub mod init;
pub mod monthly;
pub mod run;
pub mod sample;
pub mod shell;
pub mod techniques;
pub mod therapists;
pub mod trends;
pub mod validate;

use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

use crate::cli::MonthChoice;
use crate::cli::{Config, Verbosity};
use crate::error::{Error, Result, EXIT_STRICT};
use crate::ingest::columns::{feedback as fcol, session as scol};
use crate::ingest::{self, Ingested};
use crate::metrics::Period;
use crate::report;
use crate::report::pdf::Fonts;
use crate::report::pipeline::{Context, Report, Staged};
use crate::report::writer::Staging;

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

/// Takes `--out` for this run (see [`Staging`]): the first step of every command that
/// writes there, before the inputs are read.
pub(crate) fn begin(cfg: &Config) -> Result<Staging> {
    Staging::begin(&cfg.out, &[&cfg.sessions, &cfg.feedback])
}

/// Stages rejects.csv (every run writes it) and moves the run's outputs into place.
pub(crate) fn finish(staging: Staging, ingested: &Ingested) -> Result<()> {
    staging.put(&report::rejects::output(&ingested.rejects))?;
    staging.commit()?;
    Ok(())
}

/// With `--shareable`: where the staff reviews' shareable copies went.
pub(crate) fn say_shared_reviews(cfg: &Config, staged: &[Staged]) -> Result<()> {
    let Some(min_cell) = cfg.shareable else {
        return Ok(());
    };
    let folder = std::path::Path::new(crate::report::pipeline::SHAREABLE_FOLDER)
        .join(crate::report::pipeline::THERAPISTS_FOLDER);
    say(&format!(
        "wrote the same {} staff reviews with counts below {min_cell} hidden into {}\n",
        staged.iter().map(|s| s.reviews).sum::<usize>(),
        cfg.out_path(folder).display()
    ))
}

/// What the reports staged that a command announces, in order.
pub(crate) fn announced(staged: &[Staged]) -> Vec<PathBuf> {
    staged.iter().flat_map(|s| s.announced.clone()).collect()
}

/// What the reports of this run share, for the outputs under `dir`.
pub(crate) fn context<'a>(
    cfg: &'a Config,
    ingested: &'a Ingested,
    fonts: &'a Fonts,
    location: Option<&'a str>,
    dir: PathBuf,
) -> Context<'a> {
    Context {
        ingested,
        settings: &cfg.ingest.settings,
        fonts,
        location,
        dir,
        generated: generation_date(),
        progress: progress_bar(
            cfg.verbosity,
            "{msg} [{bar:30}] {pos}/{len} clients ({eta})",
        ),
        shareable: cfg.shareable,
    }
}

/// Computes, renders and stages `reports`, then rejects.csv, and moves them all into place:
/// the body of every single-report command.
pub(crate) fn stage_reports(
    cfg: &Config,
    staging: Staging,
    ingested: &Ingested,
    location: Option<&str>,
    reports: &[Report],
) -> Result<Vec<Staged>> {
    let fonts = load_fonts(cfg, ingested)?;
    let ctx = context(cfg, ingested, &fonts, location, PathBuf::new());
    let staged = reports
        .iter()
        .map(|r| r.stage(&ctx, &staging))
        .collect::<Result<Vec<_>>>()?;
    finish(staging, ingested)?;
    warn_missing_glyphs(cfg, &fonts);
    Ok(staged)
}

/// A command that writes one report for one month (monthly, trends).
pub(crate) fn one_month(
    cfg: &Config,
    month: Option<MonthChoice>,
    report: fn(Period) -> Report,
) -> Result<i32> {
    let staging = begin(cfg)?;
    let (ingested, location) = report_inputs(cfg)?;
    let period = report_month(cfg, &ingested, month)?;
    let staged = stage_reports(
        cfg,
        staging,
        &ingested,
        location.as_deref(),
        &[report(period)],
    )?;
    print_written(cfg, &announced(&staged))?;
    Ok(exit_code(cfg, &ingested))
}

/// The month asked for (by default the latest month that has sessions). A month named
/// (or `previous`) that has no session at all still gets its report, with a warning that
/// names the latest month that has sessions: a typo such as 2031-01 should not pass unseen.
pub(crate) fn report_month(
    cfg: &Config,
    ingested: &Ingested,
    month: Option<MonthChoice>,
) -> Result<Period> {
    let period = match month.unwrap_or(MonthChoice::Latest) {
        MonthChoice::Latest => {
            return crate::metrics::latest_date(ingested)?
                .map(Period::month_of)
                .ok_or(Error::NoSessions)
        }
        MonthChoice::Previous => Period::last_complete_month(today()),
        MonthChoice::Month(first) => Period::month_of(first),
    };
    if crate::metrics::sessions_in(ingested, period)? == 0 && cfg.verbosity > Verbosity::Quiet {
        let hint = match crate::metrics::latest_date(ingested)? {
            Some(d) => format!("the latest month with sessions is {}", d.format("%Y-%m")),
            None => "no session was accepted at all".to_string(),
        };
        warn(&format!(
            "practice-report: warning: no session in {}; {hint}",
            period.from.format("%Y-%m")
        ));
    }
    Ok(period)
}

/// `--from` after `--to`, found before any file is read.
pub(crate) fn check_span(
    from: Option<chrono::NaiveDate>,
    to: Option<chrono::NaiveDate>,
) -> Result<()> {
    match (from, to) {
        (Some(from), Some(to)) if from > to => Err(Error::FromAfterTo { from, to }),
        _ => Ok(()),
    }
}

/// A command that writes one report over a span of months (techniques, therapists): reads,
/// picks the span, stages and commits the report.
pub(crate) fn span_report(
    cfg: &Config,
    from: Option<chrono::NaiveDate>,
    to: Option<chrono::NaiveDate>,
    report: fn(crate::metrics::Period) -> Report,
) -> Result<(Vec<Staged>, Ingested)> {
    check_span(from, to)?;
    let staging = begin(cfg)?;
    let (ingested, location) = report_inputs(cfg)?;
    let span = span(cfg, &ingested, from, to)?;
    let staged = stage_reports(
        cfg,
        staging,
        &ingested,
        location.as_deref(),
        &[report(span)],
    )?;
    Ok((staged, ingested))
}

/// The span of a report over months (techniques, therapists): `--from` / `--to`, by default
/// the twelve months ending with the report month.
fn span(
    cfg: &Config,
    ingested: &Ingested,
    from: Option<chrono::NaiveDate>,
    to: Option<chrono::NaiveDate>,
) -> Result<crate::metrics::Period> {
    let to = match to {
        Some(d) => d,
        None => report_month(cfg, ingested, None)?.to,
    };
    let span = match from {
        Some(from) => crate::metrics::Period { from, to },
        None => crate::metrics::Period::twelve_months_to(to),
    };
    check_span(Some(span.from), Some(span.to))?;
    Ok(span)
}

/// Reads and checks both inputs (with a progress bar): the first step of every reporting
/// command.
pub(crate) fn ingest_inputs(cfg: &Config) -> Result<Ingested> {
    let bar = progress_bar(cfg.verbosity, READ_TEMPLATE);
    bar.set_message("Reading");
    let ingested = ingest::ingest(&cfg.sessions, &cfg.feedback, &cfg.ingest, &bar)?;
    bar.finish_and_clear();
    Ok(ingested)
}

/// The inputs as the reports see them: both files read and checked (rejects.csv covers
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
    if !ingested.has_location {
        return Err(Error::NoLocationColumn {
            flag: format!("--location {:?}", crate::error::echo(name)),
            file: cfg.sessions.clone(),
        });
    }
    crate::metrics::locations::select(ingested, known, name)?.ok_or_else(|| {
        Error::UnknownLocation {
            name: crate::error::echo(name),
            file: cfg.sessions.clone(),
            known: if known.is_empty() {
                "none".to_string()
            } else {
                crate::error::echo_list(known.iter().map(|(l, _)| l.as_str()), |l| format!("{l:?}"))
            },
        }
    })
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
pub(crate) fn load_fonts(cfg: &Config, ingested: &Ingested) -> Result<Fonts> {
    use polars::prelude::*;
    // Each character once, in the order first seen: a chain's 1.7 M client names are 25 M
    // characters and its comments more (the fonts then put each into an ordered set).
    let mut needed = String::new();
    let mut seen = vec![0u64; (char::MAX as usize >> 6) + 1];
    let mut add = |text: &str| {
        for c in text.chars() {
            let (word, bit) = (c as usize >> 6, 1u64 << (c as u32 & 63));
            if seen[word] & bit == 0 {
                seen[word] |= bit;
                needed.push(c);
            }
        }
    };
    add(&cfg.ingest.settings.practice_name);
    // Client names and comments too: the summaries show them (any script), the aggregate
    // reports never do.
    ingested.clients.names().for_each(&mut add);
    if let Ok(c) = ingested
        .feedback
        .column(fcol::COMMENT.name)
        .and_then(|c| c.str().cloned())
    {
        c.iter().flatten().for_each(&mut add);
    }
    for expr in [
        scol::THERAPIST.col(),
        scol::TECHNIQUE.col(),
        scol::BODY_REGION
            .col()
            .explode(crate::metrics::EXPLODE_REGIONS),
    ] {
        let values = ingested
            .sessions
            .clone()
            .lazy()
            .select([expr.unique().cast(DataType::String).alias("v")])
            .collect()
            .map_err(crate::error::Error::polars("collecting the names to set"))?;
        if let Ok(c) = values.column("v").and_then(|c| c.str().cloned()) {
            c.iter().flatten().for_each(&mut add);
        }
    }
    for labels in [
        &cfg.ingest.settings.techniques.names,
        &cfg.ingest.settings.regions.names,
    ] {
        labels.values().for_each(|l| add(l));
    }
    Ok(Fonts::load(cfg.font.as_deref(), &needed, cfg.system_fonts)?)
}

/// Warns once about characters that no font could show.
pub(crate) fn warn_missing_glyphs(cfg: &Config, fonts: &Fonts) {
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

/// Says on stdout what was written where (not with `-q`): `written` under `--out`, then
/// rejects.csv, which every run writes.
pub(crate) fn print_written(cfg: &Config, written: &[PathBuf]) -> Result<()> {
    if cfg.verbosity > Verbosity::Quiet {
        let mut text = String::new();
        for path in written
            .iter()
            .map(PathBuf::as_path)
            .chain([Path::new(report::rejects::FILE)])
        {
            text.push_str(&format!("wrote {}\n", cfg.out_path(path).display()));
        }
        say(&text)?;
    }
    Ok(())
}
