//! `run`: the monthly batch. Validation (rejects.csv), the monthly report for one month, the
//! trends report and the technique comparison over the 12 months ending with it, and the
//! progress summary of every client seen that month, the staff reviews over the 12 months;
//! with `--each-location`, also each
//! location's monthly, trends and techniques reports in a folder of its own.

use std::path::{Path, PathBuf};

use crate::cli::{Config, MonthChoice, Verbosity};
use crate::error::{Error, Result};
use crate::metrics::clients::Selection;
use crate::metrics::Period;
use crate::report::pipeline::{Report, CLIENTS_FOLDER, LOCATIONS_FOLDER, THERAPISTS_FOLDER};

pub fn run(cfg: &Config, month: Option<MonthChoice>, each_location: bool) -> Result<i32> {
    let staging = super::begin(cfg)?;
    let (ingested, location) = super::report_inputs(cfg)?;
    if each_location && !ingested.has_location {
        return Err(Error::NoLocationColumn {
            flag: "--each-location".to_string(),
            file: cfg.sessions.clone(),
        });
    }
    let period = super::report_month(cfg, &ingested, month)?;
    let span = Period::twelve_months_to(period.to);
    let aggregate = [
        Report::Monthly(period),
        Report::Trends(period),
        Report::Techniques(span),
    ];
    let fonts = super::load_fonts(cfg, &ingested)?;
    let ctx = super::context(cfg, &ingested, &fonts, location.as_deref(), PathBuf::new());
    let mut staged = Vec::new();
    for report in aggregate.iter().chain([
        &Report::Clients(period, Selection::InPeriod),
        &Report::Therapists(span),
    ]) {
        staged.push(report.stage(&ctx, &staging)?);
    }
    let mut sites = Vec::new();
    if each_location {
        // Listed once: each site's selection matches against this list.
        let known = crate::metrics::locations::locations(&ingested)?;
        let names: Vec<String> = known.iter().map(|(l, _)| l.clone()).collect();
        let folders = crate::report::files::stems(&names);
        let bar = super::progress_bar(cfg.verbosity, "{msg} [{bar:30}] {pos}/{len} locations");
        bar.set_length(names.len() as u64);
        for name in &names {
            bar.set_message(crate::report::format::field(name));
            let (one, written) = super::one_location(cfg, &ingested, &known, name)?;
            let dir = Path::new(LOCATIONS_FOLDER).join(&folders[name]);
            let site = super::context(cfg, &one, &fonts, Some(&written), dir.clone());
            for report in &aggregate {
                report.stage(&site, &staging)?;
            }
            sites.push((written, dir));
            bar.inc(1);
        }
        bar.finish_and_clear();
    }
    super::finish(staging, &ingested)?;
    super::warn_missing_glyphs(cfg, &fonts);
    if cfg.verbosity > Verbosity::Quiet {
        let q = &ingested.quality;
        super::say(&format!(
            "read {} sessions ({} rejected) and {} feedback rows ({} rejected, {} superseded)\n\
             month: {} to {}; techniques: {} to {}\n\
             wrote {} client summaries into {}\n\
             wrote {} staff reviews ({} to {}) into {}\n",
            q.sessions.rows,
            q.sessions.rejected,
            q.feedback.rows,
            q.feedback.rejected,
            q.feedback.superseded,
            period.from,
            period.to,
            span.from,
            span.to,
            staged.iter().map(|s| s.summaries).sum::<usize>(),
            cfg.out_path(CLIENTS_FOLDER).display(),
            staged.iter().map(|s| s.reviews).sum::<usize>(),
            span.from,
            span.to,
            cfg.out_path(THERAPISTS_FOLDER).display()
        ))?;
        super::say_shared_reviews(cfg, &staged)?;
        for (name, dir) in &sites {
            super::say(&format!(
                "wrote the reports of {name} into {}\n",
                cfg.out_path(dir).display()
            ))?;
        }
    }
    super::print_written(cfg, &super::announced(&staged))?;
    Ok(super::exit_code(cfg, &ingested))
}
