//! `trends`: the practice over time (JSON and PDF) for the twelve months ending with one month.

use crate::cli::{Config, MonthChoice};
use crate::error::Result;
use crate::report::pipeline::Report;

pub fn run(cfg: &Config, month: Option<MonthChoice>) -> Result<i32> {
    super::one_month(cfg, month, Report::Trends)
}
