//! `monthly`: the monthly report (JSON and PDF) for one calendar month.

use std::path::PathBuf;

use chrono::NaiveDate;

use crate::cli::Config;
use crate::error::{Error, Result};
use crate::ingest::Ingested;
use crate::metrics::{self, Period};
use crate::report;
use crate::report::pdf::{Fonts, Furniture};

pub fn run(cfg: &Config, month: Option<NaiveDate>) -> Result<i32> {
    let (ingested, location) = super::report_inputs(cfg)?;
    let period = report_month(&ingested, month)?;
    let fonts = super::load_fonts(cfg, &ingested)?;
    let written = write(cfg, &ingested, period, &fonts, location.as_deref())?;
    super::warn_missing_glyphs(cfg, &fonts);
    super::print_written(cfg, &written)?;
    Ok(super::exit_code(cfg, &ingested))
}

/// The month asked for, or the latest month that has sessions.
pub(crate) fn report_month(ingested: &Ingested, month: Option<NaiveDate>) -> Result<Period> {
    match month {
        Some(first) => Ok(Period::month_of(first)),
        None => metrics::latest_date(ingested)?
            .map(Period::month_of)
            .ok_or_else(|| Error::NoData("no accepted session to report on".to_string())),
    }
}

/// Computes and writes the monthly report; returns the paths written.
pub(crate) fn write(
    cfg: &Config,
    ingested: &Ingested,
    period: Period,
    fonts: &Fonts,
    location: Option<&str>,
) -> Result<Vec<PathBuf>> {
    let thresholds = &cfg.ingest.settings.thresholds;
    let mut figures = metrics::monthly::monthly(ingested, period, thresholds)?;
    figures.location = location.map(str::to_string);
    let stem = format!("monthly-{}", period.from.format("%Y-%m"));
    let json = cfg.out_path(format!("{stem}.json"));
    report::json::write_monthly(&json, &figures, thresholds)?;

    let settings = &cfg.ingest.settings;
    let (generated, timestamp) = super::generation_date();
    let furniture = Furniture {
        practice: crate::report::format::field(&settings.practice_name),
        title: super::titled("Monthly report", location),
        period: period.from.format("%B %Y").to_string(),
        generated,
        timestamp,
    };
    let bytes = report::monthly::pdf(&figures, settings, fonts, furniture);
    let pdf = cfg.out_path(format!("{stem}.pdf"));
    report::write_atomic(&pdf, |w| w.write_all(&bytes))?;
    Ok(vec![pdf, json])
}
