//! `techniques`: the technique comparison (CSV and PDF) over a span of days.

use chrono::NaiveDate;

use crate::cli::Config;
use crate::error::Result;
use crate::report::pipeline::Report;

pub fn run(cfg: &Config, from: Option<NaiveDate>, to: Option<NaiveDate>) -> Result<i32> {
    let (staged, ingested) = super::span_report(cfg, from, to, Report::Techniques)?;
    super::print_written(cfg, &super::announced(&staged))?;
    Ok(super::exit_code(cfg, &ingested))
}
