//! `monthly`: the monthly report (JSON and PDF) for one calendar month.

use std::path::PathBuf;

use chrono::{Datelike, NaiveDate};

use crate::cli::{Config, MonthChoice, Verbosity};
use crate::error::{Error, Result};
use crate::ingest::Ingested;
use crate::metrics::{self, Period};
use crate::report;
use crate::report::pdf::{Fonts, Furniture};

pub fn run(cfg: &Config, month: Option<MonthChoice>) -> Result<i32> {
    let (ingested, location) = super::report_inputs(cfg)?;
    let period = report_month(cfg, &ingested, month)?;
    let fonts = super::load_fonts(cfg, &ingested)?;
    let written = write(cfg, &ingested, period, &fonts, location.as_deref())?;
    super::warn_missing_glyphs(cfg, &fonts);
    super::print_written(cfg, &written)?;
    Ok(super::exit_code(cfg, &ingested))
}

/// The month asked for (by default the latest month that has sessions). A month named
/// (or `previous`) that has no session at all still gets its report, with a warning that
/// names the latest month that has sessions: a typo such as 2031-01 should not pass unseen.
pub(crate) fn report_month(
    cfg: &Config,
    ingested: &Ingested,
    month: Option<MonthChoice>,
) -> Result<Period> {
    let first = match month.unwrap_or(MonthChoice::Latest) {
        MonthChoice::Latest => {
            return metrics::latest_date(ingested)?
                .map(Period::month_of)
                .ok_or_else(|| Error::NoData("no accepted session to report on".to_string()))
        }
        MonthChoice::Previous => previous_month(super::today()),
        MonthChoice::Month(first) => first,
    };
    let period = Period::month_of(first);
    if metrics::sessions_in(ingested, period)? == 0 && cfg.verbosity > Verbosity::Quiet {
        let hint = match metrics::latest_date(ingested)? {
            Some(d) => format!("the latest month with sessions is {}", d.format("%Y-%m")),
            None => "no session was accepted at all".to_string(),
        };
        super::warn(&format!(
            "practice-report: warning: no session in {}; {hint}",
            period.from.format("%Y-%m")
        ));
    }
    Ok(period)
}

/// The first day of the last complete calendar month before `today`.
pub(crate) fn previous_month(today: NaiveDate) -> NaiveDate {
    let this = today.with_day(1).unwrap_or(today);
    this.checked_sub_months(chrono::Months::new(1))
        .unwrap_or(this)
}

/// Computes and writes the monthly report; returns the paths written.
pub(crate) fn write(
    cfg: &Config,
    ingested: &Ingested,
    period: Period,
    fonts: &Fonts,
    location: Option<&str>,
) -> Result<Vec<PathBuf>> {
    let thresholds = &cfg.ingest.settings.thresholds;
    let mut figures = metrics::monthly::monthly(ingested, period, thresholds)?;
    figures.location = location.map(str::to_string);
    let stem = format!("monthly-{}", period.from.format("%Y-%m"));
    let json = cfg.out_path(format!("{stem}.json"));
    report::json::write_monthly(&json, &figures, thresholds)?;

    let settings = &cfg.ingest.settings;
    let (generated, timestamp) = super::generation_date();
    let furniture = Furniture {
        practice: crate::report::format::field(&settings.practice_name),
        title: super::titled("Monthly report", location),
        period: period.from.format("%B %Y").to_string(),
        generated,
        timestamp,
    };
    let bytes = report::monthly::pdf(&figures, settings, fonts, furniture);
    let pdf = cfg.out_path(format!("{stem}.pdf"));
    report::write_atomic(&pdf, |w| w.write_all(&bytes))?;
    Ok(vec![pdf, json])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_previous_month_is_the_last_complete_one() {
        let d = |y, m, d| NaiveDate::from_ymd_opt(y, m, d).unwrap();
        assert_eq!(previous_month(d(2026, 11, 29)), d(2026, 10, 1));
        assert_eq!(previous_month(d(2026, 11, 1)), d(2026, 10, 1));
        assert_eq!(previous_month(d(2027, 1, 1)), d(2026, 12, 1));
        assert_eq!(previous_month(d(2026, 3, 31)), d(2026, 2, 1));
    }
}
