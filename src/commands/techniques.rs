//! `techniques`: the technique comparison (CSV and PDF) over a span of days.

use chrono::NaiveDate;

use crate::cli::Config;
use crate::error::Result;
use crate::metrics::Period;
use crate::report::pipeline::Report;

pub fn run(cfg: &Config, from: Option<NaiveDate>, to: Option<NaiveDate>) -> Result<i32> {
    super::check_span(from, to)?;
    let staging = super::begin(cfg)?;
    let (ingested, location) = super::report_inputs(cfg)?;
    let to = match to {
        Some(d) => d,
        None => super::report_month(cfg, &ingested, None)?.to,
    };
    let span = match from {
        Some(from) => Period { from, to },
        None => Period::twelve_months_to(to),
    };
    super::check_span(Some(span.from), Some(span.to))?;
    let staged = super::stage_reports(
        cfg,
        staging,
        &ingested,
        location.as_deref(),
        &[Report::Techniques(span)],
    )?;
    super::print_written(cfg, &super::announced(&staged))?;
    Ok(super::exit_code(cfg, &ingested))
}
