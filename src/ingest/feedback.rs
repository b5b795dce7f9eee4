//! feedback.csv: one row per client feedback response; at most one counts per session.
//!
//! Read after the sessions, a block at a time: each row's own rules and its session are
//! checked as it is read; when the whole file is read, the response that counts is picked
//! for each session.

use chrono::NaiveDate;
use polars::prelude::*;
use rayon::prelude::*;

use super::blocks::Blocks;
use super::clients::Clients;
use super::columns::{feedback as f, FEEDBACK};
use super::index::{Arena, Near};
use super::sessions::SessionIndex;
use super::values::epoch_days;
use super::{
    read_blocks, threads, walk_fields, Block, FileQuality, Footer, Input, RangeRead, Reject,
    RowError, Table,
};
use crate::error::{Error, Result};

pub(super) struct FeedbackRead {
    pub frame: DataFrame,
    pub rejects: Vec<Reject>,
    pub quality: FileQuality,
}

/// No comment (an index into the arena of comments otherwise).
const NO_COMMENT: u32 = u32::MAX;

/// A row that passed every rule and whose session is accepted and not after it: one of the
/// responses that may count for its session. Kept small: a chain's year has millions.
struct Candidate {
    line: u64,
    /// The session's row in the sessions frame.
    session: u32,
    submitted: i32,
    /// NaN: no answer (a value that passed is never NaN).
    soreness_hours: f64,
    pain_followup: f64,
    /// 0: no answer (answers are 1 to 5).
    mobility: u8,
    satisfaction: u8,
    comment: u32,
}

/// Each client's accepted sessions by date, for answers linked by client and date (SPEC
/// "Feedback linked by client and date").
pub(super) struct Links<'c> {
    clients: &'c Clients,
    /// By client code: (date, line, session row), sorted by date, then line.
    by_client: Vec<Vec<(i32, u64, u32)>>,
    days: i32,
}

impl<'c> Links<'c> {
    pub fn of(sessions: &DataFrame, days: u32, clients: &'c Clients) -> PolarsResult<Links<'c>> {
        use super::columns::session as s;
        let codes = sessions.column(s::CLIENT_ID.name)?.u32()?;
        let dates = sessions.column(s::DATE.name)?.date()?.physical().clone();
        let lines = sessions.column("line")?.i64()?.clone();
        let rows = sessions.column(super::SESSION_ROW)?.idx()?.clone();
        let mut by_client: Vec<Vec<(i32, u64, u32)>> = vec![Vec::new(); clients.len()];
        for (((code, date), line), row) in codes
            .iter()
            .zip(dates.iter())
            .zip(lines.iter())
            .zip(rows.iter())
        {
            if let (Some(code), Some(date), Some(line), Some(row)) = (code, date, line, row) {
                if let Some(v) = by_client.get_mut(code as usize) {
                    v.push((date, line as u64, row));
                }
            }
        }
        for v in &mut by_client {
            v.sort_unstable();
        }
        Ok(Links {
            clients,
            by_client,
            days: days as i32,
        })
    }

    /// The client's latest session on or before `submitted` and at most `days` before it
    /// (two on that date: the later line). A client with no accepted session has none.
    fn find(&self, client: &str, submitted: i32) -> Option<u32> {
        let sessions = self.by_client.get(self.clients.code(client)? as usize)?;
        let after = sessions.partition_point(|&(d, _, _)| d <= submitted);
        let &(date, _, row) = sessions[..after].last()?;
        (submitted - date <= self.days).then_some(row)
    }
}

#[derive(Default)]
struct Row<'r> {
    session_id: &'r str,
    client_id: std::borrow::Cow<'r, str>,
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

/// One byte range of a block, read and checked on its own.
struct Chunk {
    candidates: Vec<Candidate>,
    comments: Arena,
    rejects: Vec<Reject>,
    /// Rows before the footer.
    rows: u64,
    footer: Footer,
    end: usize,
    scratch: Vec<String>,
    /// Where the last answer's session was: the next is usually a row or two on.
    near: Near,
}

impl RangeRead for Chunk {
    fn end(&self) -> usize {
        self.end
    }
}

impl Chunk {
    fn new() -> Chunk {
        Chunk {
            candidates: Vec::new(),
            comments: Arena::default(),
            rejects: Vec::new(),
            rows: 0,
            footer: Footer::default(),
            end: 0,
            scratch: Vec::new(),
            near: Near::default(),
        }
    }

    /// Checks one record against its own rules and its session.
    fn take(
        &mut self,
        table: &Table,
        line: u64,
        record: &csv::ByteRecord,
        sessions: &SessionIndex,
        links: Option<&Links>,
    ) {
        if !self.footer.passes(record) {
            return;
        }
        self.rows += 1;
        let forms = &table.forms;
        let mut row = Row::default();
        let parsed = walk_fields(
            table,
            FEEDBACK,
            record,
            line,
            &mut self.scratch,
            |c, text| {
                let name = FEEDBACK[c].name;
                let bad = |e| RowError::value(name, text, &e);
                match c {
                    c if c == f::SESSION_ID.index => row.session_id = text,
                    c if c == f::SUBMITTED.index => {
                        row.submitted = epoch_days(forms.date.parse(text).map_err(bad)?);
                        row.submitted_text = text;
                    }
                    c if c == f::SORENESS_HOURS.index => {
                        row.soreness_hours =
                            Some(forms.number_in(text, 0.0, Some(720.0)).map_err(bad)?)
                    }
                    c if c == f::PAIN_FOLLOWUP.index => {
                        row.pain_followup =
                            Some(forms.number_in(text, 0.0, Some(10.0)).map_err(bad)?)
                    }
                    c if c == f::MOBILITY.index => {
                        row.mobility = Some(forms.integer_in(text, 1, 5).map_err(bad)?)
                    }
                    c if c == f::SATISFACTION.index => {
                        row.satisfaction = Some(forms.integer_in(text, 1, 5).map_err(bad)?)
                    }
                    c if c == f::COMMENT.index => row.comment = Some(text),
                    c if c == f::CLIENT_ID.index => row.client_id = super::sessions::identity(text),
                    _ => unreachable!("feedback has {} columns", FEEDBACK.len()),
                }
                Ok(())
            },
        )
        .and_then(|()| match links {
            Some(links) => links.find(&row.client_id, row.submitted).ok_or_else(|| {
                RowError::field(
                    f::CLIENT_ID.name,
                    &row.client_id,
                    format!(
                        "no session of this client in the {} days before",
                        links.days
                    ),
                    "no session in the days before",
                )
            }),
            None => match sessions.get_near(row.session_id, &mut self.near) {
                None => Err(RowError::field(
                    f::SESSION_ID.name,
                    row.session_id,
                    "unknown session_id: no accepted session has it",
                    "unknown session",
                )),
                Some((_, s)) if row.submitted < s.date => Err(RowError::field(
                    f::SUBMITTED.name,
                    row.submitted_text,
                    format!(
                        "submitted before the session's date ({})",
                        date_text(s.date)
                    ),
                    "before the session",
                )),
                Some((session, _)) => Ok(session),
            },
        });
        match parsed {
            Ok(session) => self.candidates.push(Candidate {
                line,
                session,
                submitted: row.submitted,
                soreness_hours: row.soreness_hours.unwrap_or(f64::NAN),
                pain_followup: row.pain_followup.unwrap_or(f64::NAN),
                mobility: row.mobility.map_or(0, |v| v as u8),
                satisfaction: row.satisfaction.map_or(0, |v| v as u8),
                comment: row.comment.map_or(NO_COMMENT, |c| self.comments.push(c)),
            }),
            Err(e) => self
                .rejects
                .push(e.into_reject(Input::Feedback, &table.file, line)),
        }
    }
}

fn read_chunk(
    table: &Table,
    block: &Block<'_>,
    start: usize,
    stop: usize,
    sessions: &SessionIndex,
    links: Option<&Links>,
) -> Result<Chunk> {
    let mut records = table.records(block, start, stop);
    let mut chunk = Chunk::new();
    let mut record = csv::ByteRecord::new();
    while let Some(line) = records.next(table, &mut record)? {
        chunk.take(table, line, &record, sessions, links);
    }
    chunk.end = records.end();
    Ok(chunk)
}

/// Reads and checks a sheet's feedback rows.
pub(super) fn read_rows(
    table: &Table,
    rows: Vec<(u64, csv::ByteRecord)>,
    sessions: SessionIndex,
    links: Option<&Links>,
) -> Result<FeedbackRead> {
    let mut chunk = Chunk::new();
    for (line, record) in &rows {
        chunk.take(table, *line, record, &sessions, links);
    }
    let n = sessions.len();
    drop(sessions);
    pick(table, vec![chunk], n)
}

/// Reads and checks the feedback file after its header against the accepted sessions; then,
/// per session, the latest `submitted` wins (a tie: the later line) and the others are
/// superseded.
pub(super) fn read(
    table: &Table,
    blocks: Blocks<'_>,
    sessions: SessionIndex,
    links: Option<&Links>,
) -> Result<FeedbackRead> {
    // The chunks are kept as read (not copied into one list, which would double as it grows).
    let mut chunks: Vec<Chunk> = Vec::new();
    read_blocks(
        blocks,
        threads(),
        |block, start, stop| read_chunk(table, block, start, stop, &sessions, links),
        |read| {
            chunks.extend(read);
            Ok(())
        },
    )?;
    // The index is done with: the responses are picked and built without it (at 10 M
    // sessions its ids and table are a few hundred MB at the run's peak).
    let n = sessions.len();
    drop(sessions);
    pick(table, chunks, n)
}

/// Counts the rows (none after the footer), then picks for each session the response that
/// counts: the latest `submitted` wins (a tie: the later line), the others are superseded.
/// `sessions`: how many sessions were accepted.
fn pick(table: &Table, mut chunks: Vec<Chunk>, sessions: usize) -> Result<FeedbackRead> {
    let mut quality = table.quality();
    let mut rejects = Vec::new();
    if let Some(k) = chunks.iter().position(|c| c.footer.seen) {
        for c in chunks.drain(k + 1..) {
            quality.footer_rows += c.rows + c.footer.rows;
        }
        quality.footer_rows += chunks[k].footer.rows;
    }
    for chunk in &mut chunks {
        quality.rows += chunk.rows;
        rejects.append(&mut chunk.rejects);
    }
    quality.rejected = rejects.len() as u64;

    // A candidate by (chunk, index), packed in one word.
    let at = |k: usize, i: usize| ((k as u64) << 32) | i as u64;
    let get = |w: u64| &chunks[(w >> 32) as usize].candidates[(w & 0xFFFF_FFFF) as usize];
    const NONE: u64 = u64::MAX;
    let mut winner = vec![NONE; sessions];
    for (k, chunk) in chunks.iter().enumerate() {
        for (i, cand) in chunk.candidates.iter().enumerate() {
            let w = &mut winner[cand.session as usize];
            if *w == NONE || cand.submitted >= get(*w).submitted {
                *w = at(k, i);
            }
        }
    }
    // At most one a session: no doubling as it fills.
    let candidates: usize = chunks.iter().map(|c| c.candidates.len()).sum();
    let mut kept: Vec<(&Candidate, &Arena)> = Vec::with_capacity(candidates.min(sessions));
    for (k, chunk) in chunks.iter().enumerate() {
        for (i, cand) in chunk.candidates.iter().enumerate() {
            let w = winner[cand.session as usize];
            if w == at(k, i) {
                kept.push((cand, &chunk.comments));
            } else {
                rejects.push(Reject {
                    input: Input::Feedback,
                    file: table.file.clone(),
                    line: cand.line,
                    column: String::new(),
                    value: String::new(),
                    reason: format!("superseded by line {}", get(w).line),
                    kind: "superseded".to_string(),
                    superseded: true,
                });
                quality.superseded += 1;
            }
        }
    }
    drop(winner);
    rejects.sort_by_key(|r| r.line);
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

/// The frame of the kept rows, built from them directly (one copy of the winners' values),
/// a column per thread: each is a pass over millions of winners at a chain's scale (0.7 s
/// one after another at 10 M sessions, serial after the reading).
fn build(kept: &[(&Candidate, &Arena)]) -> PolarsResult<DataFrame> {
    let comment = || {
        let mut comment = StringChunkedBuilder::new(f::COMMENT.name.into(), kept.len());
        for &(r, comments) in kept {
            comment.append_option((r.comment != NO_COMMENT).then(|| comments.get(r.comment)));
        }
        comment.finish().into_column()
    };
    let float = |name: &'static str, f: fn(&Candidate) -> f64| {
        move || {
            let values: Float64Chunked = kept
                .iter()
                .map(|(r, _)| Some(f(r)).filter(|v| !v.is_nan()))
                .collect();
            values.with_name(name.into()).into_column()
        }
    };
    // Answers of 1 to 5: four bytes each, not eight (a byte would need polars' dtype-u8).
    let int = |name: &'static str, f: fn(&Candidate) -> u8| {
        move || {
            let values: Int32Chunked = kept
                .iter()
                .map(|(r, _)| Some(i32::from(f(r))).filter(|&v| v != 0))
                .collect();
            values.with_name(name.into()).into_column()
        }
    };
    let line = || {
        Column::new(
            "line".into(),
            kept.iter().map(|(r, _)| r.line as i64).collect::<Vec<_>>(),
        )
    };
    let session = || {
        IdxCa::from_vec(
            super::sessions::SESSION_ROW.into(),
            kept.iter().map(|(r, _)| r.session as IdxSize).collect(),
        )
        .into_column()
    };
    let submitted = || {
        Int32Chunked::from_vec(
            f::SUBMITTED.name.into(),
            kept.iter().map(|(r, _)| r.submitted).collect(),
        )
        .into_date()
        .into_column()
    };
    let soreness = float(f::SORENESS_HOURS.name, |r| r.soreness_hours);
    let followup = float(f::PAIN_FOLLOWUP.name, |r| r.pain_followup);
    let mobility = int(f::MOBILITY.name, |r| r.mobility);
    let satisfaction = int(f::SATISFACTION.name, |r| r.satisfaction);
    let makers: [&(dyn Fn() -> Column + Sync); 8] = [
        &line,
        &session,
        &submitted,
        &soreness,
        &followup,
        &mobility,
        &satisfaction,
        &comment,
    ];
    let columns: Vec<Column> = makers.par_iter().map(|make| make()).collect();
    DataFrame::new(kept.len(), columns)
}
