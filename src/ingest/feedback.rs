//! feedback.csv: one row per client feedback response; at most one counts per session.
//!
//! Two phases: [`parse`] checks every field rule and needs nothing from the sessions file,
//! so it runs beside the sessions read; [`resolve`] then checks each row against its session
//! and picks the response that counts.

use chrono::NaiveDate;
use indicatif::ProgressBar;
use polars::prelude::*;

use super::columns::FEEDBACK;
use super::index::Arena;
use super::sessions::{Accepted, SessionIndex};
use super::values::{epoch_days, parse_integer_in, parse_number_in};
use super::{
    walk_fields, FileQuality, Input, Options, Reject, RowError, Source, Table, PROGRESS_EVERY,
};
use crate::error::{Error, Result};

pub(super) struct FeedbackRead {
    pub frame: DataFrame,
    pub rejects: Vec<Reject>,
    pub quality: FileQuality,
}

/// A row whose fields passed every rule.
struct Parsed {
    line: u64,
    /// Index into the arena of session ids.
    session_id: u32,
    /// Index into the arena of `submitted` texts, as written (for a reject's value).
    submitted_text: u32,
    submitted: i32,
    soreness_hours: Option<f64>,
    pain_followup: Option<f64>,
    mobility: Option<i64>,
    satisfaction: Option<i64>,
    comment: Option<Box<str>>,
}

/// What [`parse`] hands to [`resolve`].
pub(super) struct ParsedFile {
    path: std::path::PathBuf,
    file: String,
    quality: FileQuality,
    rejects: Vec<Reject>,
    rows: Vec<Parsed>,
    texts: Arena,
}

#[derive(Default)]
struct Row<'r> {
    session_id: &'r str,
    submitted: i32,
    submitted_text: &'r str,
    soreness_hours: Option<f64>,
    pain_followup: Option<f64>,
    mobility: Option<i64>,
    satisfaction: Option<i64>,
    comment: Option<&'r str>,
}

fn date_text(days: i32) -> String {
    NaiveDate::from_num_days_from_ce_opt(days + 719_163)
        .map(|d| d.to_string())
        .unwrap_or_default()
}

/// Phase one: every field rule.
pub(super) fn parse(
    source: &Source<'_>,
    opts: &Options,
    progress: &ProgressBar,
) -> Result<ParsedFile> {
    let table = Table::open(source, FEEDBACK, &opts.settings.columns.feedback, opts)?;
    let mut records = table.records(table.body_start);
    let mut quality = table.quality();
    let mut rejects = Vec::new();
    let estimate = source.bytes.len() / 30 + 16;
    let mut rows: Vec<Parsed> = Vec::with_capacity(estimate);
    let mut texts = Arena::with_capacity(estimate * 2, estimate * 24);
    let mut record = csv::ByteRecord::new();
    let mut reported = 0u64;

    while let Some(at) = records.next(&table, &mut record)? {
        let line = at.line;
        quality.rows += 1;
        if quality.rows.is_multiple_of(PROGRESS_EVERY) {
            progress.inc(at.byte as u64 - reported);
            reported = at.byte as u64;
        }
        let mut row = Row::default();
        let parsed = walk_fields(&table, FEEDBACK, &record, |c, text| {
            let name = FEEDBACK[c].name;
            let bad = |e| RowError::value(name, text, &e);
            match c {
                0 => row.session_id = text,
                1 => {
                    row.submitted = epoch_days(opts.date_format.parse(text).map_err(bad)?);
                    row.submitted_text = text;
                }
                2 => {
                    row.soreness_hours = Some(parse_number_in(text, 0.0, Some(720.0)).map_err(bad)?)
                }
                3 => row.pain_followup = Some(parse_number_in(text, 0.0, Some(10.0)).map_err(bad)?),
                4 => row.mobility = Some(parse_integer_in(text, 1, 5).map_err(bad)?),
                5 => row.satisfaction = Some(parse_integer_in(text, 1, 5).map_err(bad)?),
                6 => row.comment = Some(text),
                _ => unreachable!("feedback has {} columns", FEEDBACK.len()),
            }
            Ok(())
        });
        match parsed {
            Ok(()) => rows.push(Parsed {
                line,
                session_id: texts.push(row.session_id),
                submitted_text: texts.push(row.submitted_text),
                submitted: row.submitted,
                soreness_hours: row.soreness_hours,
                pain_followup: row.pain_followup,
                mobility: row.mobility,
                satisfaction: row.satisfaction,
                comment: row.comment.map(Into::into),
            }),
            Err(e) => {
                rejects.push(e.into_reject(Input::Feedback, &table.file, line));
                quality.rejected += 1;
            }
        }
    }
    progress.inc(records.offset() as u64 - reported);
    Ok(ParsedFile {
        path: table.path.clone(),
        file: table.file.clone(),
        quality,
        rejects,
        rows,
        texts,
    })
}

/// Phase two: the session must be accepted and not after the response; then, per session,
/// the latest `submitted` wins (a tie: the later line) and the others are superseded.
pub(super) fn resolve(parsed: ParsedFile, sessions: &SessionIndex) -> Result<FeedbackRead> {
    let ParsedFile {
        path,
        file,
        mut quality,
        mut rejects,
        rows,
        texts,
    } = parsed;
    // The lookups are random reads over a large index: share them out over the cores.
    let threads = std::thread::available_parallelism()
        .map_or(1, |n| n.get())
        .min(8);
    let per = rows.len().div_ceil(threads).max(1);
    let found: Vec<Option<(u32, Accepted)>> = std::thread::scope(|scope| {
        let handles: Vec<_> = rows
            .chunks(per)
            .map(|part| {
                scope.spawn(|| {
                    part.iter()
                        .map(|r| sessions.get(texts.get(r.session_id)))
                        .collect::<Vec<_>>()
                })
            })
            .collect();
        handles
            .into_iter()
            .flat_map(|h| {
                h.join()
                    .unwrap_or_else(|panic| std::panic::resume_unwind(panic))
            })
            .collect()
    });
    // (row in `rows`, session row) of the rows that passed every rule.
    let mut candidates: Vec<(usize, u32)> = Vec::with_capacity(rows.len());
    for (i, (r, session)) in rows.iter().zip(found).enumerate() {
        let err = match session {
            None => RowError::field(
                "session_id",
                texts.get(r.session_id),
                "unknown session_id: no accepted session has it",
                "unknown session",
            ),
            Some((_, s)) if r.submitted < s.date => RowError::field(
                "submitted",
                texts.get(r.submitted_text),
                format!(
                    "submitted before the session's date ({})",
                    date_text(s.date)
                ),
                "before the session",
            ),
            Some((row, _)) => {
                candidates.push((i, row));
                continue;
            }
        };
        rejects.push(err.into_reject(Input::Feedback, &file, r.line));
        quality.rejected += 1;
    }

    const NONE: usize = usize::MAX;
    let mut winner = vec![NONE; sessions.len()];
    for (c, &(i, session)) in candidates.iter().enumerate() {
        let w = &mut winner[session as usize];
        if *w == NONE || rows[i].submitted >= rows[candidates[*w].0].submitted {
            *w = c;
        }
    }
    let mut kept = Vec::with_capacity(candidates.len());
    for (c, &(i, session)) in candidates.iter().enumerate() {
        let w = winner[session as usize];
        if w == c {
            kept.push((i, session));
        } else {
            rejects.push(Reject {
                input: Input::Feedback,
                file: file.clone(),
                line: rows[i].line,
                column: String::new(),
                value: String::new(),
                reason: format!("superseded by line {}", rows[candidates[w].0].line),
                kind: "superseded".to_string(),
                superseded: true,
            });
            quality.superseded += 1;
        }
    }
    rejects.sort_by_key(|r| r.line);
    quality.accepted = kept.len() as u64;
    let frame = build(&rows, &kept, &texts).map_err(Error::polars(format!(
        "{}: building the feedback frame",
        path.display()
    )))?;
    Ok(FeedbackRead {
        frame,
        rejects,
        quality,
    })
}

/// The frame of the kept rows.
fn build(rows: &[Parsed], kept: &[(usize, u32)], texts: &Arena) -> PolarsResult<DataFrame> {
    let rows: Vec<&Parsed> = kept.iter().map(|&(i, _)| &rows[i]).collect();
    let mut session_id = StringChunkedBuilder::new("session_id".into(), rows.len());
    let mut comment = StringChunkedBuilder::new("comment".into(), rows.len());
    for r in &rows {
        session_id.append_value(texts.get(r.session_id));
        comment.append_option(r.comment.as_deref());
    }
    let float = |name: &str, f: fn(&Parsed) -> Option<f64>| {
        Column::new(name.into(), rows.iter().map(|r| f(r)).collect::<Vec<_>>())
    };
    let int = |name: &str, f: fn(&Parsed) -> Option<i64>| {
        Column::new(name.into(), rows.iter().map(|r| f(r)).collect::<Vec<_>>())
    };
    DataFrame::new(
        rows.len(),
        vec![
            Column::new(
                "line".into(),
                rows.iter().map(|r| r.line as i64).collect::<Vec<_>>(),
            ),
            session_id.finish().into_column(),
            Int32Chunked::from_vec(
                "submitted".into(),
                rows.iter().map(|r| r.submitted).collect(),
            )
            .into_date()
            .into_column(),
            float("soreness_hours", |r| r.soreness_hours),
            float("pain_followup", |r| r.pain_followup),
            int("mobility", |r| r.mobility),
            int("satisfaction", |r| r.satisfaction),
            comment.finish().into_column(),
        ],
    )
}
