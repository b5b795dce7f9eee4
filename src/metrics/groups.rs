//! What the monthly, trends, techniques and locations figures share: a period's visits with
//! each client's first date, the period totals and overall outcome block, and the figures per
//! group (technique, therapist, location).

use polars::prelude::*;
use serde::Serialize;

use super::cell::{Cell, Count};
use super::err;
use super::outcomes::{self, Outcomes};
use super::{count, value_f64, value_i64, value_str, visits, Period};
use crate::config::Thresholds;
use crate::error::Result;
use crate::ingest::columns::session as scol;
use crate::ingest::Ingested;
/// Totals of one period.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Totals {
    pub sessions: Count,
    pub clients: Count,
    /// Clients whose first accepted session in the whole file falls in the period.
    pub new_clients: Count,
    pub returning_clients: Count,
    /// Clients with two or more sessions in the period.
    pub clients_multi_session: Count,
    pub minutes: Cell<i64>,
    /// Sum of the fees given; None only when the file has no fee column.
    pub revenue: Option<f64>,
    /// Sessions in the period with counted feedback.
    pub feedback_responses: Count,
    pub feedback_response_rate: Option<f64>,
}

/// One technique's or therapist's figures.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Group {
    /// The technique label or the therapist's name.
    pub name: String,
    pub sessions: Count,
    pub clients: Count,
    pub minutes: Cell<i64>,
    pub revenue: Option<f64>,
    pub feedback_responses: Count,
    pub outcomes: Outcomes,
    /// A therapist's not-attended bookings of the period (monthly, with a status column).
    pub not_attended: Option<Count>,
}

/// The aggregations shared by the totals and the groups.
fn volume() -> Vec<Expr> {
    vec![
        len().alias("sessions"),
        scol::CLIENT_ID.col().n_unique().alias("clients"),
        scol::DURATION_MIN.col().sum().alias("minutes"),
        scol::FEE.col().sum().alias("revenue"),
        col("has_feedback").count().alias("feedback_responses"),
    ]
}

/// The visits (sessions with their counted feedback) of one period, each with its client's
/// `first_date` (from [`first_dates`]), looked up by the client's code in the visits' own
/// chunks (a join would copy every column of the period).
pub fn visits_in(ingested: &Ingested, period: Period, first: &DataFrame) -> Result<DataFrame> {
    let lazy = visits(ingested, period.contains_date(), false)?;
    let by_code = || -> PolarsResult<DataFrame> {
        let mut visits = lazy
            // Nothing downstream reads these.
            .drop(cols([crate::ingest::SESSION_ROW, "line"]))
            .collect()?;
        let mut first_of = vec![i32::MIN; ingested.clients.len()];
        let clients = first.column(scol::CLIENT_ID.name)?.u32()?;
        let dates = first.column("first_date")?.date()?.physical();
        for (code, date) in clients.iter().zip(dates.iter()) {
            if let (Some(slot), Some(date)) =
                (code.and_then(|c| first_of.get_mut(c as usize)), date)
            {
                *slot = date;
            }
        }
        let mut column: Option<Int32Chunked> = None;
        for codes in visits.column(scol::CLIENT_ID.name)?.u32()?.downcast_iter() {
            let part: Int32Chunked = codes
                .iter()
                .map(|c| {
                    c.and_then(|c| first_of.get(*c as usize).copied())
                        .filter(|&d| d != i32::MIN)
                })
                .collect();
            match &mut column {
                Some(all) => all.append(&part)?,
                None => column = Some(part),
            }
        }
        let column = column
            .unwrap_or_default()
            .with_name("first_date".into())
            .into_date();
        visits.with_column(column.into_column())?;
        Ok(visits)
    };
    by_code().map_err(err("the period's visits"))
}

/// The visits of one period with only the sessions' `columns` and the feedback's outcome
/// columns (what [`groups`] and the outcome blocks read): a report over a chain's year that
/// needs no client dates, therapists or locations holds none of them.
pub fn visits_of(ingested: &Ingested, period: Period, columns: &[&str]) -> Result<DataFrame> {
    let keep: Vec<Expr> = columns
        .iter()
        .chain(&super::ANSWERS)
        .chain(&["has_feedback"])
        .map(|c| col(*c))
        .collect();
    visits(ingested, period.contains_date(), false)?
        .select(keep)
        .collect()
        .map_err(err("the period's visits"))
}

/// The sessions' columns that [`groups`] and the outcome blocks read.
pub const GROUP_COLUMNS: [&str; 5] = [
    scol::CLIENT_ID.name,
    scol::DURATION_MIN.name,
    scol::FEE.name,
    scol::PAIN_BEFORE.name,
    scol::PAIN_AFTER.name,
];

/// Each client's first accepted session date in the whole file (`client_id`, `first_date`).
pub fn first_dates(ingested: &Ingested) -> Result<DataFrame> {
    ingested
        .sessions
        .clone()
        .lazy()
        .group_by([scol::CLIENT_ID.col()])
        .agg([scol::DATE.col().min().alias("first_date")])
        .collect()
        .map_err(err("each client's first session"))
}

/// Totals and the overall outcome block of one period's visits (as [`visits_in`] gives them,
/// with `first_date`).
pub fn period_totals(
    visits: &DataFrame,
    period: Period,
    has_fee: bool,
    t: &Thresholds,
) -> Result<(Totals, Outcomes)> {
    let mut aggs = volume();
    aggs.extend(outcomes::aggregations(t));
    let df = visits
        .clone()
        .lazy()
        .select(aggs)
        .collect()
        .map_err(err("the period totals"))?;
    let clients = visits
        .clone()
        .lazy()
        .group_by([scol::CLIENT_ID.col()])
        .agg([len().alias("n"), col("first_date").first()])
        .select([
            col("first_date")
                .gt_eq(super::date_lit(period.from))
                .cast(DataType::Int64)
                .sum()
                .alias("new"),
            col("n")
                .gt_eq(lit(2))
                .cast(DataType::Int64)
                .sum()
                .alias("multi"),
        ])
        .collect()
        .map_err(err("new and returning clients"))?;

    let sessions = count(&df, "sessions", 0);
    let client_count = count(&df, "clients", 0);
    let new_clients = count(&clients, "new", 0);
    let feedback_responses = count(&df, "feedback_responses", 0);
    let totals = Totals {
        sessions: sessions.into(),
        clients: client_count.into(),
        new_clients: new_clients.into(),
        returning_clients: (client_count - new_clients.min(client_count)).into(),
        clients_multi_session: count(&clients, "multi", 0).into(),
        minutes: value_i64(&df, "minutes", 0).unwrap_or(0).into(),
        revenue: revenue(has_fee, &df, 0),
        feedback_responses: feedback_responses.into(),
        feedback_response_rate: (sessions > 0).then(|| feedback_responses as f64 / sessions as f64),
    };
    Ok((totals, outcomes::read(&df, 0, t)))
}

fn revenue(has_fee: bool, df: &DataFrame, row: usize) -> Option<f64> {
    has_fee.then(|| value_f64(df, "revenue", row).unwrap_or(0.0))
}

/// Figures per value of `key` (technique or therapist), sorted by sessions, then name.
pub fn groups(visits: &DataFrame, key: &str, has_fee: bool, t: &Thresholds) -> Result<Vec<Group>> {
    let mut aggs = volume();
    aggs.extend(outcomes::aggregations(t));
    let df = visits
        .clone()
        .lazy()
        .group_by([col(key)])
        .agg(aggs)
        .collect()
        .map_err(err(key))?;
    let mut out: Vec<Group> = (0..df.height())
        .map(|row| Group {
            name: value_str(&df, key, row).unwrap_or_default(),
            sessions: count(&df, "sessions", row).into(),
            clients: count(&df, "clients", row).into(),
            minutes: value_i64(&df, "minutes", row).unwrap_or(0).into(),
            revenue: revenue(has_fee, &df, row),
            feedback_responses: count(&df, "feedback_responses", row).into(),
            outcomes: outcomes::read(&df, row, t),
            not_attended: None,
        })
        .collect();
    out.sort_by(|a, b| {
        b.sessions
            .cmp(&a.sessions)
            .then_with(|| a.name.cmp(&b.name))
    });
    Ok(out)
}
