//! `clients`: one progress summary PDF per client and the clients CSV.

use chrono::NaiveDate;

use crate::cli::{Config, Verbosity};
use crate::error::Result;
use crate::metrics::clients::Selection;
use crate::metrics::Period;
use crate::report::pipeline::{Report, CLIENTS_FOLDER};

pub fn run(
    cfg: &Config,
    from: Option<NaiveDate>,
    to: Option<NaiveDate>,
    ids: Vec<String>,
) -> Result<i32> {
    super::check_span(from, to)?;
    let staging = super::begin(cfg)?;
    let (ingested, location) = super::report_inputs(cfg)?;
    let to = match to {
        Some(d) => d,
        None => super::report_month(cfg, &ingested, None)?.to,
    };
    let period = Period {
        from: from.unwrap_or_else(|| Period::month_of(to).from),
        to,
    };
    super::check_span(Some(period.from), Some(period.to))?;
    let selection = if ids.is_empty() {
        Selection::InPeriod
    } else {
        Selection::Ids(ids)
    };
    let staged = super::stage_reports(
        cfg,
        staging,
        &ingested,
        location.as_deref(),
        &[Report::Clients(period, selection)],
    )?;
    if cfg.verbosity > Verbosity::Quiet {
        super::say(&format!(
            "wrote {} client summaries into {}\n",
            staged.iter().map(|s| s.summaries).sum::<usize>(),
            cfg.out_path(CLIENTS_FOLDER).display()
        ))?;
    }
    super::print_written(cfg, &super::announced(&staged))?;
    Ok(super::exit_code(cfg, &ingested))
}
