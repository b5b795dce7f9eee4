//! `run`: the monthly batch. Validation (rejects.csv) and the monthly report for one month;
//! the technique comparison and the client summaries join it as they land.

use chrono::NaiveDate;

use crate::cli::{Config, Verbosity};
use crate::error::Result;

pub fn run(cfg: &Config, month: Option<NaiveDate>) -> Result<i32> {
    let ingested = super::ingest_inputs(cfg)?;
    let period = super::monthly::report_month(&ingested, month)?;
    let written = super::monthly::write(cfg, &ingested, period)?;
    if cfg.verbosity > Verbosity::Quiet {
        let q = &ingested.quality;
        println!(
            "read {} sessions ({} rejected) and {} feedback rows ({} rejected, {} superseded)",
            q.sessions.rows,
            q.sessions.rejected,
            q.feedback.rows,
            q.feedback.rejected,
            q.feedback.superseded
        );
        println!("month: {} to {}", period.from, period.to);
        for path in &written {
            println!("wrote {}", path.display());
        }
        println!("wrote {}", cfg.out_path("rejects.csv").display());
    }
    Ok(super::exit_code(cfg, &ingested))
}
