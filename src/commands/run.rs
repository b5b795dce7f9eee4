//! `run`: the monthly batch. Validation (rejects.csv), the monthly report for one month, the
//! trends report and the technique comparison over the 12 months ending with it, and the
//! progress summary of every client seen that month.

use chrono::NaiveDate;

use crate::cli::{Config, Verbosity};
use crate::error::Result;
use crate::metrics::clients::Selection;

pub fn run(cfg: &Config, month: Option<NaiveDate>) -> Result<i32> {
    let ingested = super::ingest_inputs(cfg)?;
    let period = super::monthly::report_month(&ingested, month)?;
    let fonts = super::load_fonts(cfg, &ingested)?;
    let mut written = super::monthly::write(cfg, &ingested, period, &fonts)?;
    written.extend(super::trends::write(cfg, &ingested, period, &fonts)?);
    let span = super::techniques::twelve_months_to(period.to);
    written.extend(super::techniques::write(cfg, &ingested, span, &fonts)?);
    let clients = super::clients::write(cfg, &ingested, period, &Selection::InPeriod, &fonts)?;
    written.push(clients.csv.clone());
    super::warn_missing_glyphs(cfg, &fonts);
    if cfg.verbosity > Verbosity::Quiet {
        let q = &ingested.quality;
        super::say(&format!(
            "read {} sessions ({} rejected) and {} feedback rows ({} rejected, {} superseded)\n\
             month: {} to {}; techniques: {} to {}\n\
             wrote {} client summaries into {}\n",
            q.sessions.rows,
            q.sessions.rejected,
            q.feedback.rows,
            q.feedback.rejected,
            q.feedback.superseded,
            period.from,
            period.to,
            span.from,
            span.to,
            clients.written,
            cfg.out_path("clients").display()
        ))?;
    }
    super::print_written(cfg, &written)?;
    if clients.report_failures() {
        return Ok(crate::error::EXIT_FAILURE);
    }
    Ok(super::exit_code(cfg, &ingested))
}
