//! feedback.csv: one row per client feedback response; at most one counts per session.

use std::collections::HashMap;

use chrono::NaiveDate;
use indicatif::ProgressBar;
use polars::prelude::*;

use super::columns::FEEDBACK;
use super::sessions::SessionIndex;
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

/// A row that passed every rule; it still has to win against the session's other rows.
struct Candidate {
    line: u64,
    session_id: Box<str>,
    submitted: i32,
    soreness_hours: Option<f64>,
    pain_followup: Option<f64>,
    mobility: Option<i64>,
    satisfaction: Option<i64>,
    comment: Option<Box<str>>,
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

pub(super) fn read(
    source: &Source<'_>,
    sessions: &SessionIndex,
    opts: &Options,
    progress: &ProgressBar,
    progress_base: u64,
) -> Result<FeedbackRead> {
    let config = &opts.settings.columns.feedback;
    let aliases: Vec<Option<String>> = FEEDBACK
        .iter()
        .map(|c| config.alias(c.name).map(str::to_string))
        .collect();
    let mut table = Table::open(source, FEEDBACK, &aliases, opts)?;
    let mut quality = table.quality();
    let mut rejects = Vec::new();
    let mut candidates: Vec<Candidate> = Vec::new();
    let mut record = csv::ByteRecord::new();

    while let Some(line) = table.next_record(&mut record)? {
        quality.rows += 1;
        if quality.rows.is_multiple_of(PROGRESS_EVERY) {
            progress.set_position(progress_base + record.position().map_or(0, |p| p.byte()));
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
        })
        .and_then(|()| match sessions.get(row.session_id) {
            None => Err(RowError::field(
                "session_id",
                row.session_id,
                "unknown session_id: no accepted session has it",
                "unknown session",
            )),
            Some(&(date, _)) if row.submitted < date => Err(RowError::field(
                "submitted",
                row.submitted_text,
                format!("submitted before the session's date ({})", date_text(date)),
                "before the session",
            )),
            Some(_) => Ok(()),
        });
        match parsed {
            Ok(()) => candidates.push(Candidate {
                line,
                session_id: row.session_id.into(),
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
    progress.set_position(progress_base + table.reader.position().byte());

    // The latest `submitted` wins; on a tie the later line, i.e. the later candidate.
    let mut winner: HashMap<&str, usize> = HashMap::with_capacity(candidates.len());
    for (i, c) in candidates.iter().enumerate() {
        winner
            .entry(&c.session_id)
            .and_modify(|w| {
                if c.submitted >= candidates[*w].submitted {
                    *w = i;
                }
            })
            .or_insert(i);
    }
    let mut keep = vec![false; candidates.len()];
    for c in candidates.iter() {
        let w = winner[&*c.session_id];
        keep[w] = true;
    }
    for (i, c) in candidates.iter().enumerate() {
        if !keep[i] {
            let by = candidates[winner[&*c.session_id]].line;
            rejects.push(Reject {
                input: Input::Feedback,
                file: table.file.clone(),
                line: c.line,
                column: String::new(),
                value: String::new(),
                reason: format!("superseded by line {by}"),
                kind: "superseded".to_string(),
                superseded: true,
            });
            quality.superseded += 1;
        }
    }
    rejects.sort_by_key(|r| r.line);
    drop(winner);
    let kept: Vec<Candidate> = candidates
        .into_iter()
        .zip(keep)
        .filter_map(|(c, k)| k.then_some(c))
        .collect();
    quality.accepted = kept.len() as u64;
    let frame = build(&kept).map_err(Error::polars(format!(
        "{}: building the feedback frame",
        table.path.display()
    )))?;
    Ok(FeedbackRead {
        frame,
        rejects,
        quality,
    })
}

fn build(rows: &[Candidate]) -> PolarsResult<DataFrame> {
    let mut session_id = StringChunkedBuilder::new("session_id".into(), rows.len());
    let mut comment = StringChunkedBuilder::new("comment".into(), rows.len());
    for r in rows {
        session_id.append_value(&*r.session_id);
        comment.append_option(r.comment.as_deref());
    }
    let col = |name: &str, v: Vec<Option<f64>>| Column::new(name.into(), v);
    let int = |name: &str, v: Vec<Option<i64>>| Column::new(name.into(), v);
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
            col(
                "soreness_hours",
                rows.iter().map(|r| r.soreness_hours).collect(),
            ),
            col(
                "pain_followup",
                rows.iter().map(|r| r.pain_followup).collect(),
            ),
            int("mobility", rows.iter().map(|r| r.mobility).collect()),
            int(
                "satisfaction",
                rows.iter().map(|r| r.satisfaction).collect(),
            ),
            comment.finish().into_column(),
        ],
    )
}
