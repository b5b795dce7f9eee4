//! `techniques`: the technique comparison (CSV and PDF) over a span of days.

use std::path::PathBuf;

use chrono::NaiveDate;

use crate::cli::Config;
use crate::error::{Error, Result};
use crate::ingest::Ingested;
use crate::metrics::{self, Period};
use crate::report;
use crate::report::pdf::{Fonts, Furniture};

pub fn run(cfg: &Config, from: Option<NaiveDate>, to: Option<NaiveDate>) -> Result<i32> {
    let (ingested, location) = super::report_inputs(cfg)?;
    let to = match to {
        Some(d) => d,
        None => super::monthly::report_month(cfg, &ingested, None)?.to,
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
    let written = write(cfg, &ingested, span, &fonts, location.as_deref())?;
    super::warn_missing_glyphs(cfg, &fonts);
    super::print_written(cfg, &written)?;
    Ok(super::exit_code(cfg, &ingested))
}

/// From the first day of the month eleven months before `to`'s, to `to`: the twelve months
/// ending with `to`'s month (to its last day when `to` is one).
pub(crate) fn twelve_months_to(to: NaiveDate) -> Period {
    let mut first = Period::month_of(to);
    for _ in 0..11 {
        first = first.previous_month();
    }
    Period {
        from: first.from,
        to,
    }
}

/// Computes and writes the technique comparison; returns the paths written.
pub(crate) fn write(
    cfg: &Config,
    ingested: &Ingested,
    span: Period,
    fonts: &Fonts,
    location: Option<&str>,
) -> Result<Vec<PathBuf>> {
    let settings = &cfg.ingest.settings;
    let figures = metrics::techniques::techniques(ingested, span, &settings.thresholds)?;
    let stem = format!("techniques-{}_{}", span.from, span.to);
    let csv = cfg.out_path(format!("{stem}.csv"));
    report::techniques_csv::write(&csv, &figures)?;
    let (generated, timestamp) = super::generation_date();
    let furniture = Furniture {
        practice: crate::report::format::field(&settings.practice_name),
        title: super::titled("Technique comparison", location),
        period: format!("{} to {}", span.from, span.to),
        generated,
        timestamp,
    };
    let bytes = report::techniques::pdf(&figures, settings, fonts, furniture);
    let pdf = cfg.out_path(format!("{stem}.pdf"));
    report::write_atomic(&pdf, |w| w.write_all(&bytes))?;
    Ok(vec![pdf, csv])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn twelve_months_end_with_to() {
        let d = |y, m, day| NaiveDate::from_ymd_opt(y, m, day).unwrap();
        let p = twelve_months_to(d(2026, 10, 31));
        assert_eq!((p.from, p.to), (d(2025, 11, 1), d(2026, 10, 31)));
        // A --to in the middle of a month ends there.
        let p = twelve_months_to(d(2026, 3, 15));
        assert_eq!((p.from, p.to), (d(2025, 4, 1), d(2026, 3, 15)));
    }
}
