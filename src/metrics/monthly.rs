//! The monthly report's figures: period totals, the outcome block overall and by technique
//! and therapist, sessions by region and by day, and the month before for comparison.

use chrono::NaiveDate;
use polars::prelude::*;
use serde::Serialize;

use super::cell::{Cell, Count};
use super::err;
use super::groups::{first_dates, groups, period_totals, visits_in, Group, Totals};
use super::locations::{by_location, LocationGroup};
use super::outcomes::Outcomes;
use super::Accounts;
use super::{count, days_to_date, value_i64, value_str, Period};
use crate::config::Thresholds;
use crate::error::Result;
use crate::ingest::columns::session as scol;
use crate::ingest::Ingested;

/// Sessions of one body region (a session with several regions counts in each).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct RegionCount {
    pub region: String,
    pub sessions: Count,
}

/// Sessions of one day.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct DayCount {
    pub date: NaiveDate,
    pub sessions: Count,
}

/// The bookings of one status value.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct StatusCount {
    /// The normalised status; None for bookings with an empty status.
    pub status: Option<String>,
    pub bookings: Count,
}

/// Who came (SPEC "Status: bookings that were not treatments"), for the month: known only
/// when the sessions file has a status column.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Attendance {
    /// Sessions + not-attended bookings.
    pub booked: Count,
    pub attended: Count,
    pub not_attended: Count,
    /// attended / booked; None when nothing was booked.
    pub attended_rate: Option<f64>,
    /// Every booking of the month by its status, most bookings first, then by status.
    pub by_status: Vec<StatusCount>,
    /// Not-attended bookings by therapist (those without a therapist are left out).
    #[serde(skip)]
    pub by_therapist: Vec<(String, Count)>,
}

/// The month's bookings: its sessions (`visits`) and its not-attended bookings.
fn attendance(ingested: &Ingested, visits: &DataFrame, period: Period) -> Result<Attendance> {
    let missed = ingested
        .not_attended
        .clone()
        .lazy()
        .filter(period.contains_date());
    let statuses = concat(
        [
            visits.clone().lazy().select([scol::STATUS.col()]),
            missed.clone().select([scol::STATUS.col()]),
        ],
        UnionArgs::default(),
    )
    .map_err(err("bookings by status"))?
    .group_by([scol::STATUS.col()])
    .agg([len().alias("bookings")])
    .collect()
    .map_err(err("bookings by status"))?;
    let mut by_status: Vec<StatusCount> = (0..statuses.height())
        .map(|row| StatusCount {
            status: value_str(&statuses, scol::STATUS.name, row),
            bookings: count(&statuses, "bookings", row).into(),
        })
        .collect();
    by_status.sort_by(|a, b| {
        b.bookings
            .cmp(&a.bookings)
            .then_with(|| a.status.is_none().cmp(&b.status.is_none()))
            .then_with(|| a.status.cmp(&b.status))
    });
    let therapists = missed
        .filter(scol::THERAPIST.col().is_not_null())
        .group_by([scol::THERAPIST.col()])
        .agg([len().alias("bookings")])
        .collect()
        .map_err(err("not-attended bookings by therapist"))?;
    let by_therapist = (0..therapists.height())
        .filter_map(|row| {
            Some((
                value_str(&therapists, scol::THERAPIST.name, row)?,
                count(&therapists, "bookings", row).into(),
            ))
        })
        .collect();
    let attended = visits.height() as u64;
    let booked = by_status.iter().map(|s| s.bookings.value()).sum::<u64>();
    Ok(Attendance {
        booked: booked.into(),
        attended: attended.into(),
        not_attended: (booked - attended).into(),
        attended_rate: (booked > 0).then(|| attended as f64 / booked as f64),
        by_status,
        by_therapist,
    })
}

/// The month before, for the headline comparisons.
#[derive(Debug, Clone, PartialEq)]
pub struct Previous {
    pub period: Period,
    pub totals: Totals,
    pub overall: Outcomes,
}

/// This month's figure minus the previous month's (SPEC "Outputs", `changes`); None where
/// either month's figure is missing.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Changes {
    pub sessions: Option<i64>,
    pub clients: Option<i64>,
    pub new_clients: Option<i64>,
    pub minutes: Option<i64>,
    pub revenue: Option<f64>,
    pub feedback_response_rate: Option<f64>,
    pub soreness_median: Option<f64>,
    pub responder_rate: Option<f64>,
}

impl Changes {
    pub(super) fn between(now: (&Totals, &Outcomes), before: (&Totals, &Outcomes)) -> Changes {
        let ((t, o), (p, po)) = (now, before);
        let diff = |a: Option<f64>, b: Option<f64>| a.zip(b).map(|(a, b)| a - b);
        let count = |a: Count, b: Count| a.shown().zip(b.shown()).map(|(a, b)| a as i64 - b as i64);
        Changes {
            sessions: count(t.sessions, p.sessions),
            clients: count(t.clients, p.clients),
            new_clients: count(t.new_clients, p.new_clients),
            minutes: t.minutes.shown().zip(p.minutes.shown()).map(|(a, b)| a - b),
            revenue: diff(t.revenue, p.revenue),
            feedback_response_rate: diff(t.feedback_response_rate, p.feedback_response_rate),
            soreness_median: diff(o.soreness.median, po.soreness.median),
            responder_rate: diff(o.responders.rate, po.responders.rate),
        }
    }
}

/// A figure of a comparison: a count or a share / mean.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
#[serde(untagged)]
pub enum Value {
    Count(u64),
    Real(f64),
}

/// This month against the previous, for one figure (SPEC "What changed this month"): the
/// difference, for counts also the ratio, each with its 95% interval, and whether the
/// interval excludes no change.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Comparison {
    pub figure: &'static str,
    pub current: Option<Value>,
    pub previous: Option<Value>,
    pub difference: Option<f64>,
    /// Counts only.
    pub ratio: Option<f64>,
    pub ratio_ci95_low: Option<f64>,
    pub ratio_ci95_high: Option<f64>,
    /// Proportions and means.
    pub ci95_low: Option<f64>,
    pub ci95_high: Option<f64>,
    /// Hidden (null) in a shareable copy where either month's figure is hidden.
    pub significant: Cell<bool>,
}

impl Comparison {
    /// A figure with nothing to compare: no values, no test.
    pub fn untested(figure: &'static str) -> Comparison {
        Comparison {
            figure,
            current: None,
            previous: None,
            difference: None,
            ratio: None,
            ratio_ci95_low: None,
            ratio_ci95_high: None,
            ci95_low: None,
            ci95_high: None,
            significant: false.into(),
        }
    }
}

/// The names of the five comparisons, in the SPEC's order.
pub const COMPARED: [&str; 5] = [
    "sessions",
    "new_clients",
    "feedback_response_rate",
    "responder_rate",
    "pain_reduction_mean",
];

/// The five comparisons of this month (`now`) against the previous (`before`).
pub fn comparisons(now: (&Totals, &Outcomes), before: (&Totals, &Outcomes)) -> Vec<Comparison> {
    use super::stats::{count_ratio, newcombe, welch};
    let ((t, o), (p, po)) = (now, before);
    let counts = |figure, a: u64, b: u64| {
        let r = count_ratio(a, b);
        Comparison {
            current: Some(Value::Count(a)),
            previous: Some(Value::Count(b)),
            difference: Some(a as f64 - b as f64),
            ratio: r.map(|r| r.0),
            ratio_ci95_low: r.map(|r| r.1),
            ratio_ci95_high: r.map(|r| r.2),
            significant: r.is_some_and(|(_, lo, hi)| lo > 1.0 || hi < 1.0).into(),
            ..Comparison::untested(figure)
        }
    };
    let shares = |figure, (x1, n1): (u64, u64), (x0, n0): (u64, u64)| {
        let share = |x: u64, n: u64| (n > 0).then(|| Value::Real(x as f64 / n as f64));
        let d = newcombe(x1, n1, x0, n0);
        Comparison {
            current: share(x1, n1),
            previous: share(x0, n0),
            difference: d.map(|d| d.0),
            ci95_low: d.map(|d| d.1),
            ci95_high: d.map(|d| d.2),
            significant: d.is_some_and(|(_, lo, hi)| lo > 0.0 || hi < 0.0).into(),
            ..Comparison::untested(figure)
        }
    };
    let (r, pr) = (&o.pain_reduction, &po.pain_reduction);
    let means = {
        let d = match (r.mean, r.sd, pr.mean, pr.sd) {
            (Some(m1), Some(s1), Some(m0), Some(s0)) => {
                welch(r.n.value(), m1, s1, pr.n.value(), m0, s0)
            }
            _ => None,
        };
        Comparison {
            current: r.mean.map(Value::Real),
            previous: pr.mean.map(Value::Real),
            difference: d.map(|d| d.0),
            ci95_low: d.map(|d| d.1),
            ci95_high: d.map(|d| d.2),
            significant: d.is_some_and(|(_, lo, hi)| lo > 0.0 || hi < 0.0).into(),
            ..Comparison::untested(COMPARED[4])
        }
    };
    vec![
        counts(COMPARED[0], t.sessions.value(), p.sessions.value()),
        counts(COMPARED[1], t.new_clients.value(), p.new_clients.value()),
        shares(
            COMPARED[2],
            (t.feedback_responses.value(), t.sessions.value()),
            (p.feedback_responses.value(), p.sessions.value()),
        ),
        shares(
            COMPARED[3],
            (
                o.responders.responders.value(),
                o.responders.eligible.value(),
            ),
            (
                po.responders.responders.value(),
                po.responders.eligible.value(),
            ),
        ),
        means,
    ]
}

/// Everything the monthly report shows.
#[derive(Debug, Clone, PartialEq)]
pub struct Monthly {
    pub period: Period,
    pub totals: Totals,
    pub previous: Previous,
    pub changes: Changes,
    /// What changed by more than chance: the five comparisons in the SPEC's order.
    pub comparisons: Vec<Comparison>,
    pub overall: Outcomes,
    pub by_technique: Vec<Group>,
    pub by_therapist: Vec<Group>,
    pub by_region: Vec<RegionCount>,
    pub by_day: Vec<DayCount>,
    /// By site of a chain; None when the sessions file has no location column.
    pub by_location: Option<Vec<LocationGroup>>,
    /// The one location the figures are for (`--location`), as written in the file.
    pub location: Option<String>,
    /// None when the sessions file has no status column.
    pub attendance: Option<Attendance>,
    /// False when the export records no body regions.
    pub has_regions: bool,
    pub data_quality: Accounts,
    /// A shareable copy's `min_cell` (counts below it are hidden); None in a full report.
    pub suppressed_below: Option<u64>,
}

/// Computes every figure of the monthly report for `period`.
pub fn monthly(ingested: &Ingested, period: Period, t: &Thresholds) -> Result<Monthly> {
    let previous_period = period.previous_month();
    let first = first_dates(ingested)?;
    let has_fee = ingested.has_fee;
    // Each period's visits are joined and filtered once; every figure reads that frame.
    let now = visits_in(ingested, period, &first)?;
    let before = visits_in(ingested, previous_period, &first)?;
    let (totals, overall) = period_totals(&now, period, has_fee, t)?;
    let (prev_totals, prev_overall) = period_totals(&before, previous_period, has_fee, t)?;
    let changes = Changes::between((&totals, &overall), (&prev_totals, &prev_overall));
    let comparisons = comparisons((&totals, &overall), (&prev_totals, &prev_overall));
    let attendance = if ingested.has_status {
        Some(attendance(ingested, &now, period)?)
    } else {
        None
    };
    let mut by_therapist = groups(&now, scol::THERAPIST.name, has_fee, t)?;
    if let Some(a) = &attendance {
        for g in &mut by_therapist {
            let missed = a.by_therapist.iter().find(|(name, _)| *name == g.name);
            g.not_attended = Some(missed.map_or(0.into(), |(_, n)| *n));
        }
    }
    Ok(Monthly {
        period,
        changes,
        comparisons,
        totals,
        previous: Previous {
            period: previous_period,
            totals: prev_totals,
            overall: prev_overall,
        },
        overall,
        by_technique: groups(&now, scol::TECHNIQUE.name, has_fee, t)?,
        by_therapist,
        by_region: by_region(&now)?,
        by_day: by_day(&now, period)?,
        by_location: by_location(ingested, &now, period, t)?,
        location: None,
        attendance,
        has_regions: ingested.has_regions,
        data_quality: Accounts::of(&ingested.quality),
        suppressed_below: None,
    })
}

fn by_region(visits: &DataFrame) -> Result<Vec<RegionCount>> {
    let df = visits
        .clone()
        .lazy()
        .select([scol::BODY_REGION
            .col()
            .explode(super::EXPLODE_REGIONS)
            .alias("region")])
        .group_by([col("region")])
        .agg([len().alias("sessions")])
        .collect()
        .map_err(err("sessions by region"))?;
    let mut out: Vec<RegionCount> = (0..df.height())
        .map(|row| RegionCount {
            region: value_str(&df, "region", row).unwrap_or_default(),
            sessions: count(&df, "sessions", row).into(),
        })
        .collect();
    out.sort_by(|a, b| {
        b.sessions
            .cmp(&a.sessions)
            .then_with(|| a.region.cmp(&b.region))
    });
    Ok(out)
}

fn by_day(visits: &DataFrame, period: Period) -> Result<Vec<DayCount>> {
    let df = visits
        .clone()
        .lazy()
        .group_by([scol::DATE.col().cast(DataType::Int32).alias("day")])
        .agg([len().alias("sessions")])
        .collect()
        .map_err(err("sessions by day"))?;
    let counted: std::collections::HashMap<NaiveDate, u64> = (0..df.height())
        .filter_map(|row| {
            Some((
                days_to_date(value_i64(&df, "day", row)?)?,
                count(&df, "sessions", row),
            ))
        })
        .collect();
    Ok(period
        .days()
        .map(|date| DayCount {
            date,
            sessions: counted.get(&date).copied().unwrap_or(0).into(),
        })
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::metrics::outcomes::{ImmediateChange, PainReduction, Responders, Soreness};

    fn totals(sessions: u64, revenue: Option<f64>, rate: Option<f64>) -> Totals {
        Totals {
            sessions: sessions.into(),
            clients: (sessions / 2).into(),
            new_clients: 1.into(),
            returning_clients: (sessions / 2 - 1).into(),
            clients_multi_session: 0.into(),
            minutes: (sessions as i64 * 45).into(),
            revenue,
            feedback_responses: 0.into(),
            feedback_response_rate: rate,
        }
    }

    fn outcomes(median: Option<f64>, rate: Option<f64>) -> Outcomes {
        Outcomes {
            soreness: Soreness {
                n: 0.into(),
                mean: None,
                median,
                p90: None,
                over_48h_share: None,
            },
            pain_reduction: PainReduction {
                n: 0.into(),
                mean: None,
                sd: None,
                ci95_low: None,
                ci95_high: None,
            },
            responders: Responders {
                eligible: 0.into(),
                responders: 0.into(),
                rate,
                ci95_low: None,
                ci95_high: None,
            },
            immediate_change: ImmediateChange {
                n: 0.into(),
                mean: None,
            },
            satisfaction_mean: None,
            mobility_improved_share: None,
            low_sample: true.into(),
        }
    }

    #[test]
    fn comparisons_by_hand() {
        let mut now = (totals(48, None, Some(0.5)), outcomes(None, None));
        let mut before = (totals(30, None, None), outcomes(None, None));
        now.0.new_clients = 48.into();
        before.0.new_clients = 30.into();
        // Pain reduction: one answer now (no Welch interval), then equal variances of zero.
        now.1.pain_reduction = PainReduction {
            n: 1.into(),
            mean: Some(3.0),
            sd: None,
            ci95_low: None,
            ci95_high: None,
        };
        before.1.pain_reduction = PainReduction {
            n: 4.into(),
            mean: Some(1.0),
            sd: Some(0.0),
            ci95_low: None,
            ci95_high: None,
        };
        let c = comparisons((&now.0, &now.1), (&before.0, &before.1));
        assert_eq!(c.iter().map(|c| c.figure).collect::<Vec<_>>(), COMPARED);
        // 48 against 30: the ratio interval starts at 1.0139.
        assert!(c[0].significant.value() && c[1].significant.value());
        assert_eq!(c[0].difference, Some(18.0));
        assert!((c[0].ratio_ci95_low.unwrap() - 1.0139).abs() < 1e-4);
        // No feedback either month: the shares are null, so is their difference.
        assert_eq!(
            (c[2].current, c[2].difference, c[2].significant.value()),
            (Some(Value::Real(0.0)), Some(0.0), false)
        );
        assert_eq!((c[3].current, c[3].difference), (None, None));
        assert_eq!((c[4].difference, c[4].significant.value()), (None, false));
        now.1.pain_reduction.n = 3.into();
        now.1.pain_reduction.sd = Some(0.0);
        let c = comparisons((&now.0, &now.1), (&before.0, &before.1));
        assert_eq!(
            (c[4].difference, c[4].ci95_low, c[4].ci95_high),
            (Some(2.0), Some(2.0), Some(2.0))
        );
        assert!(c[4].significant.value());
    }

    #[test]
    fn changes_are_now_minus_before_and_null_when_either_is() {
        let now = (
            totals(10, Some(500.0), Some(0.5)),
            outcomes(Some(12.0), None),
        );
        let before = (
            totals(14, None, Some(0.75)),
            outcomes(Some(18.5), Some(0.4)),
        );
        let c = Changes::between((&now.0, &now.1), (&before.0, &before.1));
        assert_eq!(
            c,
            Changes {
                sessions: Some(-4),
                clients: Some(-2),
                new_clients: Some(0),
                minutes: Some(-180),
                revenue: None,
                feedback_response_rate: Some(-0.25),
                soreness_median: Some(-6.5),
                responder_rate: None,
            }
        );
    }
}
