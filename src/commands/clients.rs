//! `clients`: one progress summary PDF per client (rendered in parallel) and the clients CSV.

use std::path::PathBuf;

use chrono::NaiveDate;
use rayon::prelude::*;

use crate::cli::{Config, Verbosity};
use crate::error::{Error, Result, EXIT_FAILURE};
use crate::ingest::Ingested;
use crate::metrics::clients::{self, Selection};
use crate::metrics::Period;
use crate::report;
use crate::report::pdf::{Fonts, Furniture};

/// What a batch of summaries did.
pub(crate) struct Written {
    pub csv: PathBuf,
    pub written: usize,
    /// (client id, what went wrong) for each summary that could not be written.
    pub failed: Vec<(String, String)>,
}

impl Written {
    /// Prints the failures on stderr (even with `-q`: they are errors); true when there were some.
    pub fn report_failures(&self) -> bool {
        if self.failed.is_empty() {
            return false;
        }
        super::warn(&format!(
            "practice-report: error: {} of {} client summaries failed:",
            self.failed.len(),
            self.failed.len() + self.written
        ));
        for (id, why) in &self.failed {
            super::warn(&format!(
                "  {}: {}",
                crate::error::echo(id),
                crate::error::clip(why, crate::error::ECHO_CHARS * 3)
            ));
        }
        true
    }
}

pub fn run(
    cfg: &Config,
    from: Option<NaiveDate>,
    to: Option<NaiveDate>,
    ids: Vec<String>,
) -> Result<i32> {
    let (ingested, location) = super::report_inputs(cfg)?;
    let to = match to {
        Some(d) => d,
        None => super::monthly::report_month(cfg, &ingested, None)?.to,
    };
    let period = Period {
        from: from.unwrap_or_else(|| Period::month_of(to).from),
        to,
    };
    if period.from > period.to {
        return Err(Error::Usage(format!(
            "--from {} is after --to {}",
            period.from, period.to
        )));
    }
    let selection = if ids.is_empty() {
        Selection::InPeriod
    } else {
        Selection::Ids(ids)
    };
    let fonts = super::load_fonts(cfg, &ingested)?;
    let done = write(
        cfg,
        &ingested,
        period,
        &selection,
        &fonts,
        location.as_deref(),
    )?;
    super::warn_missing_glyphs(cfg, &fonts);
    if cfg.verbosity > Verbosity::Quiet {
        super::say(&format!(
            "wrote {} client summaries into {}\n",
            done.written,
            cfg.out_path("clients").display()
        ))?;
    }
    super::print_written(cfg, std::slice::from_ref(&done.csv))?;
    if done.report_failures() {
        return Ok(EXIT_FAILURE);
    }
    Ok(super::exit_code(cfg, &ingested))
}

/// Computes the summaries, writes the CSV and one PDF per client (owner-only files).
pub(crate) fn write(
    cfg: &Config,
    ingested: &Ingested,
    period: Period,
    selection: &Selection,
    fonts: &Fonts,
    location: Option<&str>,
) -> Result<Written> {
    let settings = &cfg.ingest.settings;
    let summaries = match clients::clients(ingested, period, selection, &settings.thresholds)? {
        Ok(s) => s,
        Err(unknown) => {
            return Err(Error::Usage(format!(
                "no session up to {} for client id {}",
                period.to,
                crate::error::echo_list(unknown.iter().map(String::as_str), |u| format!("{u:?}"))
            )))
        }
    };
    let csv = cfg.out_path(format!("clients-{}_{}.csv", period.from, period.to));
    report::clients_csv::write(&csv, &summaries)?;

    let dir = cfg.out_path("clients");
    let ids: Vec<String> = summaries.iter().map(|c| c.client_id.clone()).collect();
    let stems = report::files::stems(&ids);
    let (generated, timestamp) = super::generation_date();
    let bar = super::progress_bar(
        cfg.verbosity,
        "{msg} [{bar:30}] {pos}/{len} clients ({eta})",
    );
    bar.set_length(summaries.len() as u64);
    bar.set_message("Client summaries");
    let outcomes: Vec<(String, std::result::Result<(), String>)> = summaries
        .par_iter()
        .map(|c| {
            let path = dir.join(format!("{}.pdf", stems[&c.client_id]));
            let furniture = Furniture {
                practice: crate::report::format::field(&settings.practice_name),
                title: super::titled("Client progress summary", location),
                period: format!("to {}", period.to),
                generated: generated.clone(),
                timestamp,
            };
            // One client's failure, even a panic in the layout, must not stop the others.
            let rendered = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
                report::clients::pdf(c, settings, fonts, furniture)
            }))
            .map_err(|_| "the layout failed".to_string());
            let result = rendered
                .and_then(|bytes| report::write_private(&path, &bytes).map_err(|e| e.chain()));
            bar.inc(1);
            (c.client_id.clone(), result)
        })
        .collect();
    bar.finish_and_clear();
    let failed: Vec<(String, String)> = outcomes
        .into_iter()
        .filter_map(|(id, r)| r.err().map(|e| (id, e)))
        .collect();
    Ok(Written {
        csv,
        written: summaries.len() - failed.len(),
        failed,
    })
}
