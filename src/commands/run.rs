//! `run`: the monthly batch. Validation (rejects.csv), the monthly report for one month and
//! the technique comparison over the 12 months ending with it; the client summaries join it
//! when they land.

use chrono::NaiveDate;

use crate::cli::{Config, Verbosity};
use crate::error::Result;

pub fn run(cfg: &Config, month: Option<NaiveDate>) -> Result<i32> {
    let ingested = super::ingest_inputs(cfg)?;
    let period = super::monthly::report_month(&ingested, month)?;
    let fonts = super::load_fonts(cfg, &ingested)?;
    let mut written = super::monthly::write(cfg, &ingested, period, &fonts)?;
    let span = super::techniques::twelve_months_to(period.to);
    written.extend(super::techniques::write(cfg, &ingested, span, &fonts)?);
    super::warn_missing_glyphs(cfg, &fonts);
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
        println!(
            "month: {} to {}; techniques: {} to {}",
            period.from, period.to, span.from, span.to
        );
        for path in &written {
            println!("wrote {}", path.display());
        }
        println!("wrote {}", cfg.out_path("rejects.csv").display());
    }
    Ok(super::exit_code(cfg, &ingested))
}
