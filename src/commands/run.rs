//! `run`: the monthly batch. Validation (rejects.csv), the monthly report for one month, the
//! trends report and the technique comparison over the 12 months ending with it, and the
//! progress summary of every client seen that month; with `--each-location`, also each
//! location's monthly, trends and techniques reports in a folder of its own.

use std::path::PathBuf;

use crate::cli::{Config, MonthChoice, Verbosity};
use crate::error::Result;
use crate::ingest::Ingested;
use crate::metrics::clients::Selection;
use crate::metrics::Period;
use crate::report::pdf::Fonts;

pub fn run(cfg: &Config, month: Option<MonthChoice>, each_location: bool) -> Result<i32> {
    let (ingested, location) = super::report_inputs(cfg)?;
    let period = super::monthly::report_month(cfg, &ingested, month)?;
    let fonts = super::load_fonts(cfg, &ingested)?;
    let loc = location.as_deref();
    let mut written = super::monthly::write(cfg, &ingested, period, &fonts, loc)?;
    written.extend(super::trends::write(cfg, &ingested, period, &fonts, loc)?);
    let span = super::techniques::twelve_months_to(period.to);
    written.extend(super::techniques::write(cfg, &ingested, span, &fonts, loc)?);
    let clients = super::clients::write(cfg, &ingested, period, &Selection::InPeriod, &fonts, loc)?;
    written.push(clients.csv.clone());
    let sites = if each_location {
        each(cfg, &ingested, period, &fonts)?
    } else {
        Vec::new()
    };
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
        for (name, dir) in &sites {
            super::say(&format!(
                "wrote the reports of {name} into {}\n",
                dir.display()
            ))?;
        }
    }
    super::print_written(cfg, &written)?;
    if clients.report_failures() {
        return Ok(crate::error::EXIT_FAILURE);
    }
    Ok(super::exit_code(cfg, &ingested))
}

/// Each location's monthly, trends and techniques reports into `--out/locations/<safe
/// name>/` (the client summaries only once, chain-wide), with one progress bar across them.
/// Returns each location and its folder.
fn each(
    cfg: &Config,
    ingested: &Ingested,
    period: Period,
    fonts: &Fonts,
) -> Result<Vec<(String, PathBuf)>> {
    if !ingested.has_location {
        return Err(crate::error::Error::Usage(format!(
            "--each-location: {} has no location column",
            cfg.sessions.display()
        )));
    }
    // Listed once: each site's selection matches against this list.
    let known = crate::metrics::locations::locations(ingested)?;
    let names: Vec<String> = known.iter().map(|(l, _)| l.clone()).collect();
    let folders = crate::report::files::stems(&names);
    let bar = super::progress_bar(cfg.verbosity, "{msg} [{bar:30}] {pos}/{len} locations");
    bar.set_length(names.len() as u64);
    let span = super::techniques::twelve_months_to(period.to);
    let mut done = Vec::new();
    for name in &names {
        bar.set_message(crate::report::format::field(name));
        let (one, written) = super::one_location(cfg, ingested, &known, name)?;
        let dir = cfg.out_path("locations").join(&folders[name]);
        let site = Config {
            out: dir.clone(),
            location: Some(written.clone()),
            ..cfg.clone()
        };
        let loc = Some(written.as_str());
        super::monthly::write(&site, &one, period, fonts, loc)?;
        super::trends::write(&site, &one, period, fonts, loc)?;
        super::techniques::write(&site, &one, span, fonts, loc)?;
        done.push((written, dir));
        bar.inc(1);
    }
    bar.finish_and_clear();
    Ok(done)
}
