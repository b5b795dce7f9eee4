//! The staff reviews (SPEC "Staff reviews"): each therapist's figures over a span of months
//! beside the practice's, their responder rate adjusted for the pain their clients came in
//! with (the technique comparison's own code, keyed by therapist), the new clients they
//! first saw and how many visits those made in 90 days, how often a client came back within
//! 30 days, what they treated, and their sessions month by month.

use polars::prelude::*;

use super::cell::Count;
use super::err;
use super::groups::{first_dates, groups, period_totals, visits_in, Group, Totals};
use super::outcomes::Outcomes;
use super::techniques::{compare, Adjusted, RateCell};
use super::Accounts;
use super::{count, value_f64, value_str, Period};
use crate::config::Thresholds;
use crate::error::Result;
use crate::ingest::columns::session as scol;
use crate::ingest::Ingested;

/// Days after a new client's first session within which their visits are counted (day 90
/// counts).
pub const VISIT_DAYS: i32 = 90;
/// Days after a session within which the client's next one is a rebooking (day 30 counts).
pub const REBOOK_DAYS: i32 = 30;

/// The retention figures of one therapist or of the practice.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct Retention {
    /// Clients whose first session ever is in the period (with this therapist).
    pub new_clients: Count,
    /// Mean sessions (with any therapist) within 90 days of a new client's first, over those
    /// first seen at least 90 days before the period's end; None when none was.
    pub visits_90: Option<f64>,
    /// How many new clients `visits_90` is over.
    pub visits_90_clients: Count,
    /// Share of the sessions (at least 30 days before the end) after which the client came
    /// again within 30 days (another day); None when there is no such session.
    pub rebooked_30: Option<f64>,
    /// How many sessions `rebooked_30` is over.
    pub rebooked_30_sessions: Count,
}

/// One therapist's review.
#[derive(Debug, Clone, PartialEq)]
pub struct TherapistRow {
    pub group: Group,
    pub adjusted: Adjusted,
    /// Not-attended bookings with this therapist in the period; None without a status column.
    pub not_attended: Option<Count>,
    pub retention: Retention,
    /// Sessions by technique and by body region, most first (then by name).
    pub techniques: Vec<(String, Count)>,
    pub regions: Vec<(String, Count)>,
    /// Sessions in each month of [`Therapists::months`].
    pub by_month: Vec<Count>,
}

/// Everything the staff reviews show.
#[derive(Debug, Clone, PartialEq)]
pub struct Therapists {
    pub period: Period,
    /// The practice: every therapist together.
    pub totals: Totals,
    pub overall: Outcomes,
    pub practice_bands: [RateCell; 3],
    /// Each band's share of the practice's eligible sessions (the standard mix).
    pub band_weights: Option<[f64; 3]>,
    pub not_attended: Option<Count>,
    pub retention: Retention,
    /// The calendar months the period touches, oldest first, and the practice's sessions in
    /// each.
    pub months: Vec<Period>,
    pub by_month: Vec<Count>,
    /// Sorted by sessions, then name.
    pub therapists: Vec<TherapistRow>,
    pub has_regions: bool,
    pub data_quality: Accounts,
    /// A shareable copy's `min_cell` (counts below it are hidden); None in a full report.
    pub suppressed_below: Option<u64>,
}

/// The calendar months `period` touches, oldest first.
fn months_of(period: Period) -> Vec<Period> {
    let mut months = vec![Period::month_of(period.from)];
    while let Some(next) = months
        .last()
        .and_then(|m| m.to.succ_opt())
        .filter(|d| *d <= period.to)
    {
        months.push(Period::month_of(next));
    }
    months
}

/// Computes the staff reviews over `period`.
pub fn therapists(ingested: &Ingested, period: Period, t: &Thresholds) -> Result<Therapists> {
    let first = first_dates(ingested)?;
    let visits = visits_in(ingested, period, &first)?;
    let (totals, overall) = period_totals(&visits, period, ingested.has_fee, t)?;
    let groups = groups(&visits, scol::THERAPIST.name, ingested.has_fee, t)?;
    let compared = compare(&visits, scol::THERAPIST.name, groups, t)?;

    let missed = if ingested.has_status {
        Some(
            ingested
                .not_attended
                .clone()
                .lazy()
                .filter(period.contains_date())
                .group_by([scol::THERAPIST.col()])
                .agg([len().alias("n")])
                .collect()
                .map_err(err("not-attended bookings by therapist"))?,
        )
    } else {
        None
    };
    let missed_of = |name: Option<&str>| {
        missed.as_ref().map(|df| {
            (0..df.height())
                .filter(|&row| {
                    name.is_none_or(|n| {
                        value_str(df, scol::THERAPIST.name, row).as_deref() == Some(n)
                    })
                })
                .map(|row| count(df, "n", row))
                .sum::<u64>()
                .into()
        })
    };
    let retention = retention(ingested, period)?;
    let months = months_of(period);
    let monthly = by_month(&visits, &months)?;
    let used = |key: &str, explode: bool| used(&visits, key, explode);
    let techniques = used(scol::TECHNIQUE.name, false)?;
    let regions = used(scol::BODY_REGION.name, true)?;
    let of = |all: &[(String, String, u64)], name: &str| -> Vec<(String, Count)> {
        all.iter()
            .filter(|(t, _, _)| t == name)
            .map(|(_, k, n)| (k.clone(), (*n).into()))
            .collect()
    };

    let therapists = compared
        .rows
        .into_iter()
        .map(|(group, adjusted)| {
            let name = group.name.clone();
            TherapistRow {
                not_attended: missed_of(Some(&name)),
                retention: retention
                    .iter()
                    .find(|(n, _)| n.as_deref() == Some(name.as_str()))
                    .map(|(_, r)| *r)
                    .unwrap_or_default(),
                techniques: of(&techniques, &name),
                regions: of(&regions, &name),
                by_month: monthly
                    .iter()
                    .map(|counts| {
                        counts
                            .iter()
                            .find(|(n, _)| *n == name)
                            .map_or(0, |(_, c)| *c)
                            .into()
                    })
                    .collect(),
                group,
                adjusted,
            }
        })
        .collect();
    Ok(Therapists {
        period,
        by_month: monthly
            .iter()
            .map(|c| c.iter().map(|(_, n)| n).sum::<u64>().into())
            .collect(),
        months,
        totals,
        overall,
        practice_bands: compared.practice_bands,
        band_weights: compared.weights,
        not_attended: missed_of(None),
        retention: retention
            .iter()
            .find(|(n, _)| n.is_none())
            .map(|(_, r)| *r)
            .unwrap_or_default(),
        therapists,
        has_regions: ingested.has_regions,
        data_quality: Accounts::of(&ingested.quality),
        suppressed_below: None,
    })
}

/// Sessions of each month by therapist.
fn by_month(visits: &DataFrame, months: &[Period]) -> Result<Vec<Vec<(String, u64)>>> {
    months
        .iter()
        .map(|m| {
            let df = visits
                .clone()
                .lazy()
                .filter(m.contains_date())
                .group_by([scol::THERAPIST.col()])
                .agg([len().alias("n")])
                .collect()
                .map_err(err("sessions by month"))?;
            Ok((0..df.height())
                .map(|row| {
                    (
                        value_str(&df, scol::THERAPIST.name, row).unwrap_or_default(),
                        count(&df, "n", row),
                    )
                })
                .collect())
        })
        .collect()
}

/// Sessions by therapist and `key` (a technique, or each region of a session), most first.
fn used(visits: &DataFrame, key: &str, explode: bool) -> Result<Vec<(String, String, u64)>> {
    let mut lf = visits
        .clone()
        .lazy()
        .select([scol::THERAPIST.col(), col(key).alias("key")]);
    if explode {
        lf = lf.explode(cols(["key"]), super::EXPLODE_REGIONS);
    }
    let df = lf
        .filter(col("key").is_not_null())
        .group_by([scol::THERAPIST.col(), col("key")])
        .agg([len().alias("n")])
        .collect()
        .map_err(err("what each therapist treated"))?;
    let mut out: Vec<(String, String, u64)> = (0..df.height())
        .map(|row| {
            (
                value_str(&df, scol::THERAPIST.name, row).unwrap_or_default(),
                value_str(&df, "key", row).unwrap_or_default(),
                count(&df, "n", row),
            )
        })
        .collect();
    out.sort_by(|a, b| b.2.cmp(&a.2).then_with(|| a.1.cmp(&b.1)));
    Ok(out)
}

/// New clients, visits in 90 days and rebookings within 30, by therapist (`Some(name)`) and
/// for the practice (`None`).
fn retention(ingested: &Ingested, period: Period) -> Result<Vec<(Option<String>, Retention)>> {
    let day = |c: Expr| c.cast(DataType::Int32);
    let from = super::date_lit(period.from);
    let to = crate::ingest::values::epoch_days(period.to);
    let sessions = ingested.sessions.clone().lazy().select([
        scol::CLIENT_ID.col(),
        scol::THERAPIST.col(),
        day(scol::DATE.col()).alias("day"),
        scol::DATE.col(),
        col("line"),
    ]);
    // Each client's first session: the earliest by date, then file line.
    let firsts = sessions
        .clone()
        .sort(["day", "line"], SortMultipleOptions::default())
        .group_by([scol::CLIENT_ID.col()])
        .agg([
            col("day").first().alias("first_day"),
            scol::THERAPIST.col().first().alias("first_therapist"),
            scol::DATE.col().first().alias("first_date"),
        ])
        .filter(
            col("first_date")
                .gt_eq(from.clone())
                .and(col("first_date").lt_eq(super::date_lit(period.to))),
        );
    let collect = |lf: LazyFrame, what: &str| lf.collect().map_err(err(what));
    // Each frame below is computed once; the figures per therapist and for the practice are
    // read off it (a lazy frame used twice would be computed twice).
    let firsts = collect(firsts, "each client's first session")?;
    // Their visits within 90 days, for those first seen at least 90 days before `to`.
    let visits_90 = firsts
        .clone()
        .lazy()
        .filter(col("first_day").lt_eq(lit(to - VISIT_DAYS)))
        .join(
            sessions.clone().select([scol::CLIENT_ID.col(), col("day")]),
            [scol::CLIENT_ID.col()],
            [scol::CLIENT_ID.col()],
            JoinArgs::new(JoinType::Inner),
        )
        .filter(
            col("day")
                .gt_eq(col("first_day"))
                .and(col("day").lt_eq(col("first_day") + lit(VISIT_DAYS))),
        )
        .group_by([scol::CLIENT_ID.col(), col("first_therapist")])
        .agg([len().cast(DataType::Float64).alias("visits")]);
    let visits_90 = collect(visits_90, "visits in 90 days")?;
    // Each session's client's next day with a session (another day).
    let next_day = col("day")
        .shift(lit(-1))
        .over([scol::CLIENT_ID.col()])
        .map_err(err("each client's next visit"))?
        .alias("next_day");
    let days = sessions
        .clone()
        .select([scol::CLIENT_ID.col(), col("day")])
        .unique(None, UniqueKeepStrategy::First)
        .sort(
            [scol::CLIENT_ID.name, "day"],
            SortMultipleOptions::default(),
        )
        .with_column(next_day);
    let rebooked = sessions
        .filter(
            col("day")
                .gt_eq(day(from))
                .and(col("day").lt_eq(lit(to - REBOOK_DAYS))),
        )
        .join(
            days,
            [scol::CLIENT_ID.col(), col("day")],
            [scol::CLIENT_ID.col(), col("day")],
            JoinArgs::new(JoinType::Left),
        )
        .select([
            scol::THERAPIST.col(),
            col("next_day")
                .is_not_null()
                .and(col("next_day").lt_eq(col("day") + lit(REBOOK_DAYS)))
                .cast(DataType::Float64)
                .alias("rebooked"),
        ]);
    let rebooked = collect(rebooked, "rebookings within 30 days")?;
    let new = collect(
        firsts
            .clone()
            .lazy()
            .group_by([col("first_therapist")])
            .agg([len().alias("n")]),
        "each therapist's new clients",
    )?;
    let v90 = collect(
        visits_90
            .clone()
            .lazy()
            .group_by([col("first_therapist")])
            .agg([col("visits").mean().alias("mean"), len().alias("n")]),
        "visits in 90 days",
    )?;
    let v90_all = collect(
        visits_90
            .lazy()
            .select([col("visits").mean().alias("mean"), len().alias("n")]),
        "visits in 90 days",
    )?;
    let r30 = collect(
        rebooked
            .clone()
            .lazy()
            .group_by([scol::THERAPIST.col()])
            .agg([col("rebooked").mean().alias("mean"), len().alias("n")]),
        "rebookings within 30 days",
    )?;
    let r30_all = collect(
        rebooked
            .lazy()
            .select([col("rebooked").mean().alias("mean"), len().alias("n")]),
        "rebookings within 30 days",
    )?;

    let find = |df: &DataFrame, key: &str, name: &str| {
        (0..df.height()).find(|&row| value_str(df, key, row).as_deref() == Some(name))
    };
    let mut names: Vec<String> = (0..new.height())
        .filter_map(|row| value_str(&new, "first_therapist", row))
        .chain((0..r30.height()).filter_map(|row| value_str(&r30, scol::THERAPIST.name, row)))
        .collect();
    names.sort();
    names.dedup();
    let mut out: Vec<(Option<String>, Retention)> = names
        .into_iter()
        .map(|name| {
            let n90 = find(&v90, "first_therapist", &name);
            let n30 = find(&r30, scol::THERAPIST.name, &name);
            let r = Retention {
                new_clients: find(&new, "first_therapist", &name)
                    .map_or(0, |row| count(&new, "n", row))
                    .into(),
                visits_90: n90.and_then(|row| value_f64(&v90, "mean", row)),
                visits_90_clients: n90.map_or(0, |row| count(&v90, "n", row)).into(),
                rebooked_30: n30.and_then(|row| value_f64(&r30, "mean", row)),
                rebooked_30_sessions: n30.map_or(0, |row| count(&r30, "n", row)).into(),
            };
            (Some(name), r)
        })
        .collect();
    out.push((
        None,
        Retention {
            new_clients: (firsts.height() as u64).into(),
            visits_90: value_f64(&v90_all, "mean", 0),
            visits_90_clients: count(&v90_all, "n", 0).into(),
            rebooked_30: value_f64(&r30_all, "mean", 0),
            rebooked_30_sessions: count(&r30_all, "n", 0).into(),
        },
    ));
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::NaiveDate;

    #[test]
    fn visits_in_90_days_and_rebookings_within_30() {
        // Ann (Tom's new client): day 0, day 30, day 90, day 91; Bo (Tom's): two sessions on
        // one day and nothing after; Cy came first before the period (with Sue), then to Tom.
        let sessions = "session_id,client_id,therapist,date,technique,body_region,duration_min\n\
            A1,Ann,Tom,2026-01-05,Massage,Neck,60\n\
            A2,Ann,Sue,2026-02-04,Massage,Neck,60\n\
            A3,Ann,Tom,2026-04-05,Massage,Neck,60\n\
            A4,Ann,Tom,2026-04-06,Massage,Neck,60\n\
            B1,Bo,Tom,2026-03-01,Massage,Neck,60\n\
            B2,Bo,Tom,2026-03-01,Massage,Neck,30\n\
            C0,Cy,Sue,2025-12-01,Massage,Neck,60\n\
            C1,Cy,Tom,2026-05-31,Massage,Neck,60\n\
            C2,Cy,Tom,2026-06-30,Massage,Neck,60\n";
        let ingested = crate::metrics::sessions_only(sessions);
        let d = |m, day| NaiveDate::from_ymd_opt(2026, m, day).unwrap();
        let period = Period {
            from: d(1, 1),
            to: d(6, 30),
        };
        let r = retention(&ingested, period).unwrap();
        let of = |name: Option<&str>| r.iter().find(|(n, _)| n.as_deref() == name).unwrap().1;
        let tom = of(Some("Tom"));
        // Ann and Bo first came to Tom in the period; Cy came first before it.
        assert_eq!(tom.new_clients, 2);
        // Ann: days 0, 30 and 90 count, day 91 does not (3); Bo: both sessions of his first
        // day (2). Both were first seen by 2026-04-01, 90 days before the end.
        assert_eq!(
            (tom.visits_90, tom.visits_90_clients.value()),
            (Some(2.5), 2)
        );
        // Tom's sessions by 2026-05-31 (30 days before the end): A1 (Ann back on day 30, with
        // Sue: a rebooking), A3 (back the next day: one), A4, B1 and B2 (only a same-day
        // session: none), C1 (back on day 30: one). C2 is too late to tell.
        assert_eq!(tom.rebooked_30_sessions, 6);
        assert_eq!(tom.rebooked_30, Some(3.0 / 6.0));
        let sue = of(Some("Sue"));
        // A2 (back on day 60: no).
        assert_eq!((sue.new_clients.value(), sue.rebooked_30), (0, Some(0.0)));
        assert_eq!(sue.visits_90, None);
        let all = of(None);
        assert_eq!((all.new_clients.value(), all.visits_90), (2, Some(2.5)));
        assert_eq!(all.rebooked_30, Some(3.0 / 7.0));
    }

    #[test]
    fn the_months_a_span_touches() {
        let d = |m, day| NaiveDate::from_ymd_opt(2026, m, day).unwrap();
        let months = months_of(Period {
            from: d(1, 15),
            to: d(3, 2),
        });
        assert_eq!(
            months.iter().map(|m| m.from).collect::<Vec<_>>(),
            vec![d(1, 1), d(2, 1), d(3, 1)]
        );
        assert_eq!(
            months_of(Period {
                from: d(5, 1),
                to: d(5, 31)
            })
            .len(),
            1
        );
    }
}
