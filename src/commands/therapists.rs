//! `therapists`: the staff reviews (one PDF per therapist and the therapists CSV) over a span
//! of days, by default the 12 months ending with the report month.

use chrono::NaiveDate;

use crate::cli::{Config, Verbosity};
use crate::error::Result;
use crate::report::pipeline::{Report, THERAPISTS_FOLDER};

pub fn run(cfg: &Config, from: Option<NaiveDate>, to: Option<NaiveDate>) -> Result<i32> {
    let (staged, ingested) = super::span_report(cfg, from, to, Report::Therapists)?;
    if cfg.verbosity > Verbosity::Quiet {
        super::say(&format!(
            "wrote {} staff reviews into {}\n",
            staged.iter().map(|s| s.reviews).sum::<usize>(),
            cfg.out_path(THERAPISTS_FOLDER).display()
        ))?;
        super::say_shared_reviews(cfg, &staged)?;
    }
    super::print_written(cfg, &super::announced(&staged))?;
    Ok(super::exit_code(cfg, &ingested))
}
