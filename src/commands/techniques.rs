//! `techniques`: the technique comparison (CSV and PDF) over a span of days.

use std::path::PathBuf;

use chrono::{Duration, NaiveDate};

use crate::cli::{Config, Verbosity};
use crate::error::{Error, Result};
use crate::ingest::Ingested;
use crate::metrics::{self, Period};
use crate::report;
use crate::report::pdf::{Fonts, Furniture};

pub fn run(cfg: &Config, from: Option<NaiveDate>, to: Option<NaiveDate>) -> Result<i32> {
    let ingested = super::ingest_inputs(cfg)?;
    let to = match to {
        Some(d) => d,
        None => super::monthly::report_month(&ingested, None)?.to,
    };
    let span = match from {
        Some(from) => Period { from, to },
        None => twelve_months_to(to),
    };
    if span.from > span.to {
        return Err(Error::Usage(format!(
            "--from {} is after --to {}",
            span.from, span.to
        )));
    }
    let fonts = super::load_fonts(cfg, &ingested)?;
    let written = write(cfg, &ingested, span, &fonts)?;
    super::warn_missing_glyphs(cfg, &fonts);
    if cfg.verbosity > Verbosity::Quiet {
        for path in &written {
            println!("wrote {}", path.display());
        }
        println!("wrote {}", cfg.out_path("rejects.csv").display());
    }
    Ok(super::exit_code(cfg, &ingested))
}

/// The 12 calendar months ending with the month of `to` (to its last day).
pub(crate) fn twelve_months_to(to: NaiveDate) -> Period {
    let last = Period::month_of(to);
    let mut first = last;
    for _ in 0..11 {
        first = first.previous_month();
    }
    Period {
        from: first.from,
        to: last.to.max(to - Duration::days(0)),
    }
}

/// Computes and writes the technique comparison; returns the paths written.
pub(crate) fn write(
    cfg: &Config,
    ingested: &Ingested,
    span: Period,
    fonts: &Fonts,
) -> Result<Vec<PathBuf>> {
    let settings = &cfg.ingest.settings;
    let figures = metrics::techniques::techniques(ingested, span, &settings.thresholds)?;
    let stem = format!("techniques-{}_{}", span.from, span.to);
    let csv = cfg.out_path(format!("{stem}.csv"));
    report::techniques_csv::write(&csv, &figures)?;
    let (generated, timestamp) = super::generation_date();
    let furniture = Furniture {
        practice: settings.practice_name.clone(),
        title: "Technique comparison".to_string(),
        period: format!("{} to {}", span.from, span.to),
        generated,
        timestamp,
    };
    let bytes = report::techniques::pdf(&figures, settings, fonts, furniture);
    let pdf = cfg.out_path(format!("{stem}.pdf"));
    report::write_atomic(&pdf, |w| w.write_all(&bytes))?;
    Ok(vec![pdf, csv])
}
