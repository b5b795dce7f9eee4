//! `trends`: the practice over time (JSON and PDF) for the twelve months ending with one month.

use std::path::PathBuf;

use crate::cli::{Config, MonthChoice};
use crate::error::Result;
use crate::ingest::Ingested;
use crate::metrics::{self, Period};
use crate::report;
use crate::report::pdf::{Fonts, Furniture};

pub fn run(cfg: &Config, month: Option<MonthChoice>) -> Result<i32> {
    let (ingested, location) = super::report_inputs(cfg)?;
    let period = super::monthly::report_month(cfg, &ingested, month)?;
    let fonts = super::load_fonts(cfg, &ingested)?;
    let written = write(cfg, &ingested, period, &fonts, location.as_deref())?;
    super::warn_missing_glyphs(cfg, &fonts);
    super::print_written(cfg, &written)?;
    Ok(super::exit_code(cfg, &ingested))
}

/// Computes and writes the trends report for the twelve months ending with `month`; returns
/// the paths written.
pub(crate) fn write(
    cfg: &Config,
    ingested: &Ingested,
    month: Period,
    fonts: &Fonts,
    location: Option<&str>,
) -> Result<Vec<PathBuf>> {
    let settings = &cfg.ingest.settings;
    let thresholds = &settings.thresholds;
    let mut figures = metrics::trends::trends(ingested, month, thresholds)?;
    figures.location = location.map(str::to_string);
    let stem = format!("trends-{}", month.from.format("%Y-%m"));
    let json = cfg.out_path(format!("{stem}.json"));
    report::json::write_trends(&json, &figures, thresholds)?;
    let (generated, timestamp) = super::generation_date();
    let furniture = Furniture {
        practice: report::format::field(&settings.practice_name),
        title: super::titled("The practice over time", location),
        period: format!(
            "{} to {}",
            figures.period.from.format("%B %Y"),
            figures.period.to.format("%B %Y")
        ),
        generated,
        timestamp,
    };
    let bytes = report::trends::pdf(&figures, settings, fonts, furniture);
    let pdf = cfg.out_path(format!("{stem}.pdf"));
    report::write_atomic(&pdf, |w| w.write_all(&bytes))?;
    Ok(vec![pdf, json])
}
