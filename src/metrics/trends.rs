//! The practice over time (SPEC "The practice over time"): the headline figures of each of
//! twelve months by the monthly report's own definitions, whether each month's new clients
//! came back within 30 / 60 / 90 days, and how many visits it takes before pain eases.
//! Sessions after the window's end are ignored throughout.

use chrono::{Datelike, Duration, NaiveDate};
use polars::prelude::*;

use super::cell::{Cell, Count};
use super::err;
use super::groups::{first_dates, period_totals, visits_in};
use super::outcomes::Responders;
use super::stats::wilson;
use super::Accounts;
use super::{count, date_lit, value_i64, Period};
use crate::config::Thresholds;
use crate::error::Result;
use crate::ingest::columns::session as scol;
use crate::ingest::Ingested;

/// The return windows of the retention table, in days.
pub const RETURN_DAYS: [i64; 3] = [30, 60, 90];
/// The visits of the course table: from the second to the eighth.
pub const COURSE_VISITS: std::ops::RangeInclusive<u32> = 2..=8;

/// One month's headline figures, as the monthly report computes them.
#[derive(Debug, Clone, PartialEq)]
pub struct MonthFigures {
    pub period: Period,
    pub sessions: Count,
    pub clients: Count,
    pub new_clients: Count,
    pub minutes: Cell<i64>,
    pub revenue: Option<f64>,
    pub feedback_response_rate: Option<f64>,
    pub soreness_median: Option<f64>,
    pub pain_reduction_mean: Option<f64>,
    pub responders: Responders,
    pub low_sample: Cell<bool>,
    /// What the month's figures are over (for a shareable copy's rule; not in the JSON):
    /// sessions with feedback, soreness answers, pain reductions.
    pub feedback_responses: Count,
    pub soreness_n: Count,
    pub pain_reduction_n: Count,
}

/// How many of one window's new clients came back within N days.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Returned {
    pub days: i64,
    /// None while the window is still open (the cohort month's last day + N is after `to`).
    pub returned: Option<Count>,
    /// returned / new clients; None with no new clients or an open window.
    pub rate: Option<f64>,
}

/// The clients whose first session falls in one month.
#[derive(Debug, Clone, PartialEq)]
pub struct Cohort {
    pub month: Period,
    pub new_clients: Count,
    /// One per [`RETURN_DAYS`].
    pub returned: Vec<Returned>,
}

/// Of the clients who reached visit k with a pain score, how many came in clearly better
/// than at their first visit.
#[derive(Debug, Clone, PartialEq)]
pub struct CourseStep {
    pub visit: u32,
    pub clients: Count,
    pub improved: Count,
    pub rate: Option<f64>,
    pub ci95_low: Option<f64>,
    pub ci95_high: Option<f64>,
    pub low_sample: Cell<bool>,
}

/// Visits until pain eases, counting those who stopped coming (SPEC): a Kaplan–Meier estimate
/// of the share of clients who have improved by visit k.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct KmStep {
    pub visit: u32,
    /// Clients not improved at an earlier visit whose k-th visit has a pain score.
    pub at_risk: Count,
    /// Of those, improved at visit k.
    pub events: Count,
    /// 1 − Π (1 − events_j / at_risk_j) over j ≤ k; None when no client was ever at risk.
    pub improved: Option<f64>,
    /// Greenwood's interval, clipped to [0, 1].
    pub ci95_low: Option<f64>,
    pub ci95_high: Option<f64>,
}

/// The Kaplan–Meier rows from each visit's at-risk and event counts, in visit order.
pub fn kaplan_meier(counts: &[(u32, u64, u64)]) -> Vec<KmStep> {
    let (mut survival, mut greenwood, mut ever) = (1.0f64, 0.0f64, false);
    counts
        .iter()
        .map(|&(visit, at_risk, events)| {
            if at_risk > 0 {
                ever = true;
                survival *= 1.0 - events as f64 / at_risk as f64;
                if at_risk > events {
                    greenwood += events as f64 / (at_risk as f64 * (at_risk - events) as f64);
                }
            }
            let improved = ever.then_some(1.0 - survival);
            let (ci95_low, ci95_high) = match improved {
                None => (None, None),
                // Everyone improved: no spread left to estimate.
                Some(i) if survival == 0.0 => (Some(i), Some(i)),
                Some(i) => {
                    let half = super::stats::Z95 * survival * greenwood.sqrt();
                    (
                        Some((i - half).clamp(0.0, 1.0)),
                        Some((i + half).clamp(0.0, 1.0)),
                    )
                }
            };
            KmStep {
                visit,
                at_risk: at_risk.into(),
                events: events.into(),
                improved,
                ci95_low,
                ci95_high,
            }
        })
        .collect()
}

/// Everything the trends report shows.
#[derive(Debug, Clone, PartialEq)]
pub struct Trends {
    pub period: Period,
    /// Oldest first.
    pub months: Vec<MonthFigures>,
    /// Sessions of the whole window.
    pub sessions: Count,
    /// One cohort per month of `months`, in the same order.
    pub retention: Vec<Cohort>,
    pub course: Vec<CourseStep>,
    /// The same question counting those who stopped coming: visits 2 to 8.
    pub course_km: Vec<KmStep>,
    /// The first visit at which at least half of the clients with a score arrived improved,
    /// on enough clients not to be flagged; None when no visit does.
    pub majority_improved_at: Option<u32>,
    /// The one location the figures are for (`--location`), as written in the file.
    pub location: Option<String>,
    pub data_quality: Accounts,
    /// A shareable copy's `min_cell` (counts below it are hidden); None in a full report.
    pub suppressed_below: Option<u64>,
}

/// The twelve calendar months ending with `month`'s.
pub fn window(month: Period) -> Vec<Period> {
    Period::twelve_months(month)
}

/// Computes the trends report for the twelve months ending with `month`.
pub fn trends(ingested: &Ingested, month: Period, t: &Thresholds) -> Result<Trends> {
    let months = window(month);
    let period = Period {
        from: months[0].from,
        to: months[11].to,
    };
    let up_to = scol::DATE.col().lt_eq(date_lit(period.to));
    // The window's visits are joined and filtered once; each month reads its slice.
    let first = first_dates(ingested)?;
    let in_window = visits_in(ingested, period, &first)?;
    let mut figures = Vec::with_capacity(12);
    for m in &months {
        let slice = in_window
            .clone()
            .lazy()
            .filter(m.contains_date())
            .collect()
            .map_err(err("a month's visits"))?;
        let (totals, o) = period_totals(&slice, *m, ingested.has_fee, t)?;
        figures.push(MonthFigures {
            period: *m,
            sessions: totals.sessions,
            clients: totals.clients,
            new_clients: totals.new_clients,
            minutes: totals.minutes,
            revenue: totals.revenue,
            feedback_response_rate: totals.feedback_response_rate,
            soreness_median: o.soreness.median,
            pain_reduction_mean: o.pain_reduction.mean,
            responders: o.responders,
            low_sample: o.low_sample,
            feedback_responses: totals.feedback_responses,
            soreness_n: o.soreness.n,
            pain_reduction_n: o.pain_reduction.n,
        });
    }
    let sessions = ingested.sessions.clone().lazy().filter(up_to);
    let retention = retention(sessions.clone(), &months, period)?;
    let (course, course_km) = course(sessions, t)?;
    let majority_improved_at = course
        .iter()
        .find(|s| s.low_sample == Cell::Shown(false) && s.rate.is_some_and(|r| r >= 0.5))
        .map(|s| s.visit);
    Ok(Trends {
        period,
        sessions: figures
            .iter()
            .map(|m| m.sessions.value())
            .sum::<u64>()
            .into(),
        months: figures,
        retention,
        course,
        course_km,
        majority_improved_at,
        location: None,
        data_quality: Accounts::of(&ingested.quality),
        suppressed_below: None,
    })
}

/// `YYYY·12 + month − 1`: a month as one number, to group by.
fn month_key(year: i32, month: u32) -> i64 {
    i64::from(year) * 12 + i64::from(month) - 1
}

fn month_key_expr(date: Expr) -> Expr {
    date.clone().dt().year().cast(DataType::Int64) * lit(12i64)
        + date.dt().month().cast(DataType::Int64)
        - lit(1i64)
}

/// New clients of each month and how many came back within 30 / 60 / 90 days. `sessions`
/// holds the sessions up to the window's end.
fn retention(sessions: LazyFrame, months: &[Period], period: Period) -> Result<Vec<Cohort>> {
    let first = sessions
        .clone()
        .group_by([scol::CLIENT_ID.col()])
        .agg([scol::DATE.col().min().alias("first")]);
    // The first session after the first date: a second session that day is no return.
    let next = sessions
        .select([scol::CLIENT_ID.col(), scol::DATE.col()])
        .join(
            first.clone(),
            [scol::CLIENT_ID.col()],
            [scol::CLIENT_ID.col()],
            JoinArgs::new(JoinType::Inner),
        )
        .filter(scol::DATE.col().gt(col("first")))
        .group_by([scol::CLIENT_ID.col()])
        .agg([scol::DATE.col().min().alias("next")]);
    let gap = (col("next").cast(DataType::Int32) - col("first").cast(DataType::Int32))
        .cast(DataType::Int64);
    let mut aggs = vec![len().alias("new_clients")];
    for days in RETURN_DAYS {
        aggs.push(
            gap.clone()
                .lt_eq(lit(days))
                .cast(DataType::Int64)
                .sum()
                .alias(format!("returned_{days}")),
        );
    }
    let df = first
        .filter(period.contains_date_of("first"))
        .left_join(next, scol::CLIENT_ID.col(), scol::CLIENT_ID.col())
        .group_by([month_key_expr(col("first")).alias("cohort")])
        .agg(aggs)
        .collect()
        .map_err(err("new-client retention"))?;
    let row_of = |key: i64| (0..df.height()).find(|&r| value_i64(&df, "cohort", r) == Some(key));
    Ok(months
        .iter()
        .map(|m| {
            let row = row_of(month_key(m.from.year(), m.from.month()));
            let new_clients = row.map_or(0, |r| count(&df, "new_clients", r));
            let returned = RETURN_DAYS
                .iter()
                .map(|&days| {
                    let open = m.to + Duration::days(days) > period.to;
                    let returned = (!open)
                        .then(|| row.map_or(0, |r| count(&df, &format!("returned_{days}"), r)));
                    Returned {
                        days,
                        returned: returned.map(Cell::Shown),
                        rate: returned
                            .filter(|_| new_clients > 0)
                            .map(|n| n as f64 / new_clients as f64),
                    }
                })
                .collect();
            Cohort {
                month: *m,
                new_clients: new_clients.into(),
                returned,
            }
        })
        .collect())
}

/// How many visits until pain eases: each client's visits in date order (same date: file
/// order); visit 1's pain_before is the baseline and the client takes part only when it is
/// above 0. `sessions` holds the sessions up to the window's end. Also the Kaplan–Meier
/// counts: a client is at risk at visit k when not improved at an earlier visit and its k-th
/// visit has a score.
fn course(sessions: LazyFrame, t: &Thresholds) -> Result<(Vec<CourseStep>, Vec<KmStep>)> {
    let last = *COURSE_VISITS.end();
    // Each client's pain before visit 1 … 8, in visit order (rows are sorted first, and a
    // group keeps its rows' order); a visit that did not happen, or had no score, is null.
    let pains: Vec<Expr> = (1..=last)
        .map(|k| {
            scol::PAIN_BEFORE
                .col()
                .get(lit(i64::from(k) - 1), true)
                .alias(format!("v{k}"))
        })
        .collect();
    let mut sums = Vec::new();
    let improved_at = |k: u32| {
        ((col("v1") - col(format!("v{k}"))) / col("v1"))
            .gt_eq(lit(t.responder))
            .fill_null(lit(false))
    };
    for k in COURSE_VISITS {
        let earlier = (2..k)
            .map(improved_at)
            .reduce(|a, b| a.or(b))
            .unwrap_or(lit(false));
        let at_risk = col(format!("v{k}")).is_not_null().and(earlier.not());
        sums.push(
            at_risk
                .clone()
                .cast(DataType::Int64)
                .sum()
                .alias(format!("at_risk_{k}")),
        );
        sums.push(
            at_risk
                .and(improved_at(k))
                .cast(DataType::Int64)
                .sum()
                .alias(format!("events_{k}")),
        );
        let (base, now) = (col("v1"), col(format!("v{k}")));
        sums.push(
            now.clone()
                .is_not_null()
                .cast(DataType::Int64)
                .sum()
                .alias(format!("clients_{k}")),
        );
        sums.push(
            ((base.clone() - now) / base)
                .gt_eq(lit(t.responder))
                .cast(DataType::Int64)
                .sum()
                .alias(format!("improved_{k}")),
        );
    }
    let df = sessions
        .select([
            scol::CLIENT_ID.col(),
            scol::DATE.col(),
            col("line"),
            scol::PAIN_BEFORE.col(),
        ])
        .sort_by_exprs(
            [scol::CLIENT_ID.col(), scol::DATE.col(), col("line")],
            SortMultipleOptions::default(),
        )
        .group_by([scol::CLIENT_ID.col()])
        .agg(pains)
        .filter(col("v1").gt(lit(0.0)))
        .select(sums)
        .collect()
        .map_err(err("the course of treatment"))?;
    let km: Vec<(u32, u64, u64)> = COURSE_VISITS
        .map(|k| {
            (
                k,
                count(&df, &format!("at_risk_{k}"), 0),
                count(&df, &format!("events_{k}"), 0),
            )
        })
        .collect();
    let steps = COURSE_VISITS
        .map(|visit| {
            let clients = count(&df, &format!("clients_{visit}"), 0);
            let improved = count(&df, &format!("improved_{visit}"), 0);
            let (ci95_low, ci95_high) = wilson(improved, clients);
            CourseStep {
                visit,
                clients: clients.into(),
                improved: improved.into(),
                rate: (clients > 0).then(|| improved as f64 / clients as f64),
                ci95_low,
                ci95_high,
                low_sample: (clients < u64::from(t.low_sample)).into(),
            }
        })
        .collect();
    Ok((steps, kaplan_meier(&km)))
}

/// The month as the JSON and the tables name it: `2026-03`.
pub fn month_label(d: NaiveDate) -> String {
    format!("{:04}-{:02}", d.year(), d.month())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    #[test]
    fn kaplan_meier_by_hand() {
        // Visit 2: 4 at risk, 1 improves: S = 3/4. Visit 3: 2 at risk (one stopped coming),
        // 1 improves: S = 3/8. Visit 4: nobody at risk: unchanged.
        let rows = kaplan_meier(&[(2, 4, 1), (3, 2, 1), (4, 0, 0), (5, 1, 1)]);
        assert_eq!(rows[0].improved, Some(0.25));
        let g: f64 = 1.0 / (4.0 * 3.0);
        let half = crate::metrics::stats::Z95 * 0.75 * g.sqrt();
        assert_eq!(rows[0].ci95_low, Some((0.25 - half).max(0.0)));
        assert_eq!(rows[0].ci95_high, Some(0.25 + half));
        assert_eq!(rows[1].improved, Some(1.0 - 0.375));
        let g: f64 = g + 1.0 / (2.0 * 1.0);
        let half = crate::metrics::stats::Z95 * 0.375 * g.sqrt();
        assert_eq!(rows[1].ci95_high, Some((0.625 + half).min(1.0)));
        assert_eq!(rows[2].improved, Some(0.625));
        // The last one at risk improves: S = 0, and the interval is the figure itself.
        assert_eq!(
            (rows[3].improved, rows[3].ci95_low, rows[3].ci95_high),
            (Some(1.0), Some(1.0), Some(1.0))
        );
        // Nobody ever at risk: null.
        let none = kaplan_meier(&[(2, 0, 0)]);
        assert_eq!((none[0].improved, none[0].ci95_low), (None, None));
    }

    #[test]
    fn twelve_months_end_with_the_month() {
        let w = window(Period::month_of(d(2026, 3, 1)));
        assert_eq!(w.len(), 12);
        assert_eq!((w[0].from, w[11].to), (d(2025, 4, 1), d(2026, 3, 31)));
        assert_eq!(w[10].from, d(2026, 2, 1));
        assert_eq!(month_label(w[0].from), "2025-04");
        assert_eq!(month_key(2026, 1) - month_key(2025, 12), 1);
    }
}
