//! Metrics: pure functions from the ingested frames to typed summaries (SPEC "Metrics").
//! Every aggregation is a polars lazy query; nothing here formats a figure for people.

pub mod cell;
pub mod clients;
pub mod groups;
pub mod locations;
pub mod monthly;
pub mod outcomes;
pub mod stats;
pub mod suppress;
pub mod techniques;
pub mod therapists;
pub mod trends;

use chrono::{Datelike, Duration, Months, NaiveDate};
use polars::prelude::*;
use serde::Serialize;

use crate::error::{Error, Result};
use crate::ingest::columns::{feedback as fcol, session as scol};
use crate::ingest::values::epoch_days;
use crate::ingest::{Ingested, SESSION_ROW};
use crate::model::{DataQuality, FileQuality};
use cell::Count;

/// How the body-region lists are exploded: one row per region; every session has at least
/// one, so neither empty lists nor nulls occur.
pub(crate) const EXPLODE_REGIONS: ExplodeOptions = ExplodeOptions {
    empty_as_null: false,
    keep_nulls: false,
};

/// One input file's account of its rows, as a report shows it (`model::FileQuality` with
/// its counts as cells a shareable copy may hide).
#[derive(Debug, Clone, PartialEq, Default)]
pub struct FileAccount {
    pub file: String,
    pub rows: Count,
    pub accepted: Count,
    pub rejected: Count,
    pub superseded: Count,
    pub not_attended: Count,
    pub footer_rows: Count,
    pub extra_columns: Vec<String>,
    pub absent_columns: Vec<String>,
}

/// Both files' accounts (`model::DataQuality`).
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Accounts {
    pub sessions: FileAccount,
    pub feedback: FileAccount,
    pub sessions_status: bool,
}

impl Accounts {
    pub fn of(q: &DataQuality) -> Accounts {
        let file = |f: &FileQuality| FileAccount {
            file: f.file.clone(),
            rows: f.rows.into(),
            accepted: f.accepted.into(),
            rejected: f.rejected.into(),
            superseded: f.superseded.into(),
            not_attended: f.not_attended.into(),
            footer_rows: f.footer_rows.into(),
            extra_columns: f.extra_columns.clone(),
            absent_columns: f.absent_columns.clone(),
        };
        Accounts {
            sessions: file(&q.sessions),
            feedback: file(&q.feedback),
            sessions_status: q.sessions_status,
        }
    }
}

/// A span of days, both ends included.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Period {
    pub from: NaiveDate,
    pub to: NaiveDate,
}

impl Period {
    /// The calendar month holding `day`.
    ///
    /// Input dates lie in the years 1900 to 2200, far from chrono's limits; at those limits
    /// the month is cut short rather than a panic.
    pub fn month_of(day: NaiveDate) -> Period {
        let from = day - Duration::days(i64::from(day.day0()));
        let to = from
            .checked_add_months(Months::new(1))
            .and_then(|next| next.pred_opt())
            .unwrap_or(NaiveDate::MAX);
        Period { from, to }
    }

    /// The calendar month before this period's first month.
    pub fn previous_month(&self) -> Period {
        Period::month_of(self.from.pred_opt().unwrap_or(self.from))
    }

    /// The last complete calendar month before `today`: what a run on the first of the
    /// month reports on.
    pub fn last_complete_month(today: NaiveDate) -> Period {
        Period::month_of(today).previous_month()
    }

    /// The twelve calendar months ending with `month`'s first month, oldest first.
    pub fn twelve_months(month: Period) -> Vec<Period> {
        let mut months = vec![Period::month_of(month.from)];
        while months.len() < 12 {
            let before = months[0].previous_month();
            months.insert(0, before);
        }
        months
    }

    /// From the first day of the month eleven months before `to`'s, to `to`: the twelve
    /// months ending with `to`'s month (to its last day when `to` is one).
    pub fn twelve_months_to(to: NaiveDate) -> Period {
        Period {
            from: Period::twelve_months(Period::month_of(to))[0].from,
            to,
        }
    }

    /// Every day of the period, in order.
    pub fn days(&self) -> impl Iterator<Item = NaiveDate> {
        let from = self.from;
        (0..=(self.to - self.from).num_days()).map(move |i| from + Duration::days(i))
    }

    /// A polars predicate: the `date` column falls in the period.
    pub(crate) fn contains_date(&self) -> Expr {
        self.contains_date_of(scol::DATE.name)
    }

    /// A polars predicate: the date column `name` falls in the period.
    pub(crate) fn contains_date_of(&self, name: &str) -> Expr {
        col(name)
            .gt_eq(date_lit(self.from))
            .and(col(name).lt_eq(date_lit(self.to)))
    }
}

/// Wraps a polars failure while computing `what` ("the period totals").
pub(crate) fn err(what: &str) -> impl FnOnce(PolarsError) -> Error + '_ {
    move |e| Error::polars(format!("computing {what}"))(e)
}

pub(crate) fn date_lit(d: NaiveDate) -> Expr {
    lit(epoch_days(d)).cast(DataType::Date)
}

/// The latest session date in the data, if any session was accepted.
pub fn latest_date(ingested: &Ingested) -> Result<Option<NaiveDate>> {
    let df = ingested
        .sessions
        .clone()
        .lazy()
        .select([scol::DATE.col().max().cast(DataType::Int32)])
        .collect()
        .map_err(Error::polars("finding the latest session date"))?;
    Ok(value_i64(&df, scol::DATE.name, 0).and_then(days_to_date))
}

/// How many accepted sessions fall in `period`.
pub fn sessions_in(ingested: &Ingested, period: Period) -> Result<u64> {
    let df = ingested
        .sessions
        .clone()
        .lazy()
        .filter(period.contains_date())
        .select([len().alias("n")])
        .collect()
        .map_err(Error::polars("counting the period's sessions"))?;
    Ok(value_i64(&df, "n", 0).unwrap_or(0).max(0) as u64)
}

pub(crate) fn days_to_date(days: i64) -> Option<NaiveDate> {
    NaiveDate::from_ymd_opt(1970, 1, 1)?.checked_add_signed(Duration::days(days))
}

/// The answers' columns [`visits`] puts beside each session (with `has_feedback`, and the
/// comment when asked for).
pub(crate) const ANSWERS: [&str; 4] = [
    fcol::SORENESS_HOURS.name,
    fcol::PAIN_FOLLOWUP.name,
    fcol::MOBILITY.name,
    fcol::SATISFACTION.name,
];

/// The sessions that `rows` keeps, with their counted feedback: one row per session;
/// feedback columns are null where there is no response, and `has_feedback` is true where
/// there is one. The comments come along only `with_comments` (the client summaries).
///
/// The sessions are selected first (a period of a file in date order is then a slice of
/// the frame, not a copy), and their answers gathered beside them by their session's number
/// in the same chunks: a join would copy every column of a chain's year, and columns chunked
/// unlike the sessions' would be copied into one chunk by the first filter or group-by.
pub fn visits(ingested: &Ingested, rows: Expr, with_comments: bool) -> Result<LazyFrame> {
    let feedback = &ingested.feedback;
    let gathered = || -> PolarsResult<DataFrame> {
        let sessions = ingested.sessions.clone().lazy().filter(rows).collect()?;
        let numbers = sessions.column(SESSION_ROW)?.idx()?;
        // Session number → its answer's row in the feedback frame.
        let size = ingested
            .sessions
            .column(SESSION_ROW)?
            .idx()?
            .max()
            .map_or(0, |m| m as usize + 1);
        let mut answer = vec![IdxSize::MAX; size];
        for (row, n) in feedback.column(SESSION_ROW)?.idx()?.iter().enumerate() {
            if let Some(slot) = n.and_then(|n| answer.get_mut(n as usize)) {
                *slot = row as IdxSize;
            }
        }
        let mut columns = ANSWERS.to_vec();
        if with_comments {
            columns.push(fcol::COMMENT.name);
        }
        let answers = feedback.select(columns)?;
        let mut beside: Option<DataFrame> = None;
        let mut offset = 0i64;
        for len in numbers.chunk_lengths() {
            let at: IdxCa = numbers
                .slice(offset, len)
                .iter()
                .map(|n| {
                    n.and_then(|n| answer.get(n as usize).copied())
                        .filter(|&a| a != IdxSize::MAX)
                })
                .collect();
            let has_feedback: BooleanChunked = at.iter().map(|a| a.map(|_| true)).collect();
            let mut part = answers.take(&at)?;
            part.with_column(has_feedback.with_name("has_feedback".into()).into_column())?;
            match &mut beside {
                Some(all) => {
                    all.vstack_mut(&part)?;
                }
                None => beside = Some(part),
            }
            offset += len as i64;
        }
        match beside {
            Some(beside) => sessions.hstack(beside.columns()),
            // No session: the columns, empty.
            None => {
                let mut empty = answers.clear();
                empty.with_column(
                    BooleanChunked::full_null("has_feedback".into(), 0).into_column(),
                )?;
                sessions.hstack(empty.columns())
            }
        }
    };
    gathered()
        .map(DataFrame::lazy)
        .map_err(err("the sessions' answers"))
}

/// A whole column as f64 values (None for null or NaN): for walking many rows, where
/// [`value_f64`] would convert the column once per cell.
pub(crate) fn column_f64(df: &DataFrame, name: &str) -> Vec<Option<f64>> {
    df.column(name)
        .ok()
        .and_then(|c| c.cast(&DataType::Float64).ok())
        .and_then(|c| c.f64().ok().map(|a| a.iter().map(stats::finite).collect()))
        .unwrap_or_else(|| vec![None; df.height()])
}

/// A whole column as i64 values.
pub(crate) fn column_i64(df: &DataFrame, name: &str) -> Vec<Option<i64>> {
    df.column(name)
        .ok()
        .and_then(|c| c.cast(&DataType::Int64).ok())
        .and_then(|c| c.i64().ok().map(|a| a.iter().collect()))
        .unwrap_or_else(|| vec![None; df.height()])
}

/// A whole string column (a column of codes read as its names).
pub(crate) fn column_str(df: &DataFrame, name: &str) -> Vec<Option<String>> {
    df.column(name)
        .ok()
        .and_then(|c| crate::ingest::as_text(c).ok())
        .and_then(|c| {
            c.str()
                .ok()
                .map(|a| a.iter().map(|v| v.map(str::to_string)).collect())
        })
        .unwrap_or_else(|| vec![None; df.height()])
}

/// A column's value at `row` as f64; None for null, NaN or a missing column. One cell is
/// read, whatever the column's numeric type: a cast of the whole column per cell made
/// walking a frame quadratic.
pub(crate) fn value_f64(df: &DataFrame, name: &str, row: usize) -> Option<f64> {
    let v = df.column(name).ok()?.get(row).ok()?;
    stats::finite(v.extract::<f64>())
}

/// A column's value at `row` as i64 (one cell read, as [`value_f64`]).
pub(crate) fn value_i64(df: &DataFrame, name: &str, row: usize) -> Option<i64> {
    df.column(name).ok()?.get(row).ok()?.extract::<i64>()
}

/// A count at `row` (0 for null).
pub(crate) fn count(df: &DataFrame, name: &str, row: usize) -> u64 {
    value_i64(df, name, row).map_or(0, |v| v.max(0) as u64)
}

/// A string column's value at `row`.
pub(crate) fn value_str(df: &DataFrame, name: &str, row: usize) -> Option<String> {
    let c = df.column(name).ok()?;
    match c.str() {
        Ok(s) => s.get(row).map(str::to_string),
        // A column of codes (ingest::sessions::Codes): its name.
        Err(_) => c.get(row).ok()?.get_str().map(str::to_string),
    }
}

/// The ingest of a sessions file's text with an empty survey, for the metrics' tests.
#[cfg(test)]
pub(crate) fn sessions_only(sessions: &str) -> Ingested {
    crate::ingest::ingest_sources(
        crate::ingest::Source::from_bytes("sessions.csv", sessions.as_bytes()),
        crate::ingest::Source::from_bytes("feedback.csv", b"session_id,submitted\n"),
        &crate::ingest::Options::default(),
        &indicatif::ProgressBar::hidden(),
    )
    .unwrap()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    #[test]
    fn months() {
        let p = Period::month_of(d(2024, 2, 17));
        assert_eq!((p.from, p.to), (d(2024, 2, 1), d(2024, 2, 29)));
        assert_eq!(p.days().count(), 29);
        let p = Period::twelve_months_to(d(2026, 10, 31));
        assert_eq!((p.from, p.to), (d(2025, 11, 1), d(2026, 10, 31)));
        // A --to in the middle of a month ends there.
        let p = Period::twelve_months_to(d(2026, 3, 15));
        assert_eq!((p.from, p.to), (d(2025, 4, 1), d(2026, 3, 15)));
        let last = |t| Period::last_complete_month(t).from;
        assert_eq!(last(d(2026, 11, 29)), d(2026, 10, 1));
        assert_eq!(last(d(2026, 11, 1)), d(2026, 10, 1));
        assert_eq!(last(d(2027, 1, 1)), d(2026, 12, 1));
        assert_eq!(last(d(2026, 3, 31)), d(2026, 2, 1));
        let prev = Period::month_of(d(2026, 1, 5)).previous_month();
        assert_eq!((prev.from, prev.to), (d(2025, 12, 1), d(2025, 12, 31)));
        // chrono's own limits: no panic.
        let last = Period::month_of(NaiveDate::MAX);
        assert_eq!(last.to, NaiveDate::MAX);
        let first = Period::month_of(NaiveDate::MIN).previous_month();
        assert!(first.from <= first.to);
    }
}
