//! Ingest: the two CSV exports → validated, typed polars frames, the rows that broke a rule
//! (`rejects`), and an account of every row read.
//!
//! The csv crate reads and validates (it knows where each record starts); polars only receives
//! values that already passed every rule of SPEC "Inputs", "Values" and "Rejected rows".

mod blocks;
pub mod columns;
pub mod detect;
mod feedback;
mod index;
mod labels;
mod sessions;
pub mod values;

pub use sessions::SESSION_ROW;

use std::io::Read;
use std::path::{Path, PathBuf};

use indicatif::ProgressBar;
use polars::prelude::DataFrame;

use crate::config::{ColumnMap, Settings};
use crate::error::{Error, Result};
pub use crate::model::{DataQuality, FileQuality, Input, Reject};
use blocks::Blocks;
use columns::{FEEDBACK, SESSIONS};
use values::DateFormat;

/// How the input files are to be read.
#[derive(Debug, Clone)]
pub struct Options {
    pub delimiter: u8,
    pub date_format: DateFormat,
    pub settings: Settings,
    /// How many bytes of a file are read and checked at a time (tests make it small to put
    /// block boundaries everywhere).
    pub block_bytes: usize,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            delimiter: b',',
            date_format: DateFormat::Iso,
            settings: Settings::default(),
            block_bytes: blocks::DEFAULT_BLOCK_BYTES,
        }
    }
}

/// One CSV input: where it came from (for messages and rejects.csv) and how to read it.
pub struct Source<'a> {
    pub path: PathBuf,
    reader: Box<dyn Read + Send + 'a>,
    /// The size in bytes, for the progress bar and to size the id index.
    len: u64,
}

impl Source<'static> {
    /// Opens a file; a missing or unreadable file is an input error naming it.
    pub fn open(path: &Path) -> Result<Source<'static>> {
        let read_err = |source| Error::Read {
            path: path.to_path_buf(),
            source,
        };
        let file = std::fs::File::open(path).map_err(read_err)?;
        let len = file.metadata().map_err(read_err)?.len();
        Ok(Source {
            path: path.to_path_buf(),
            reader: Box::new(file),
            len,
        })
    }
}

impl<'a> Source<'a> {
    /// An input held in memory (tests), named `path` in messages.
    pub fn from_bytes(path: impl Into<PathBuf>, bytes: &'a [u8]) -> Source<'a> {
        Source {
            path: path.into(),
            reader: Box::new(bytes),
            len: bytes.len() as u64,
        }
    }

    /// The file name as it appears in rejects.csv.
    pub fn file_name(&self) -> String {
        file_name(&self.path)
    }
}

fn file_name(path: &Path) -> String {
    path.file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| path.display().to_string())
}

/// The result of ingesting both exports.
#[derive(Debug, Clone)]
pub struct Ingested {
    /// One row per accepted session, in file order. Columns: `line` (i64), `session_id`,
    /// `client_id`, `client_name` (nullable), `therapist` (str), `date` (Date), `technique`
    /// (str, normalised and aliased), `body_region` (list[str], at least one, no repeats),
    /// `duration_min` (i64), `pain_before`, `pain_after`, `fee` (f64, nullable), `location`
    /// (str, trimmed, null when empty or when the file has no such column), `session_row`
    /// (the row's number among all accepted sessions, IdxSize).
    pub sessions: DataFrame,
    /// One row per counted feedback response (at most one per session), in file order.
    /// Columns: `line` (i64), `session_id` (str), `session_row` (its session's
    /// `session_row`), `submitted` (Date), `soreness_hours`,
    /// `pain_followup` (f64), `mobility`, `satisfaction` (i64), `comment` (str); all but the
    /// first three nullable.
    pub feedback: DataFrame,
    /// False when the sessions file has no fee column (revenue is then unknown, not 0).
    pub has_fee: bool,
    /// True when the sessions file has a location column (a chain's sites).
    pub has_location: bool,
    /// Sessions rejects in line order, then feedback rejects and superseded rows in line order.
    pub rejects: Vec<Reject>,
    pub quality: DataQuality,
}

impl Ingested {
    /// Rejects of one file's rows counted by cause, most frequent first (ties by cause).
    pub fn reject_reasons(&self, input: Input) -> Vec<(String, u64)> {
        let mut counts = std::collections::BTreeMap::<&str, u64>::new();
        for r in self
            .rejects
            .iter()
            .filter(|r| r.input == input && !r.superseded)
        {
            *counts.entry(&r.kind).or_default() += 1;
        }
        let mut out: Vec<(String, u64)> = counts
            .into_iter()
            .map(|(k, n)| (k.to_string(), n))
            .collect();
        out.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
        out
    }
}

/// Reads and validates both files from disk.
pub fn ingest(
    sessions: &Path,
    feedback: &Path,
    opts: &Options,
    progress: &ProgressBar,
) -> Result<Ingested> {
    // Open both first: a missing feedback file should not wait behind a long sessions read.
    let s = Source::open(sessions)?;
    let f = Source::open(feedback)?;
    ingest_sources(s, f, opts, progress)
}

/// Reads and validates both exports from any readers (tests use in-memory text).
///
/// Both headers are checked before any row is read; then the sessions file, block by block;
/// then the feedback file, each response checked against its session as it is read.
pub fn ingest_sources(
    sessions: Source<'_>,
    feedback: Source<'_>,
    opts: &Options,
    progress: &ProgressBar,
) -> Result<Ingested> {
    progress.set_length(sessions.len + feedback.len);
    let sessions_len = sessions.len;
    let mut s_blocks = Blocks::new(sessions.path, sessions.reader, opts.block_bytes, progress)?;
    let s_table = Table::open(
        &mut s_blocks,
        SESSIONS,
        &opts.settings.columns.sessions,
        "columns.sessions",
        opts,
    )?;
    let mut f_blocks = Blocks::new(feedback.path, feedback.reader, opts.block_bytes, progress)?;
    let f_table = Table::open(
        &mut f_blocks,
        FEEDBACK,
        &opts.settings.columns.feedback,
        "columns.feedback",
        opts,
    )?;
    let s = sessions::read(&s_table, s_blocks, sessions_len, opts)?;
    let f = feedback::read(&f_table, f_blocks, &s.index, opts)?;
    let mut rejects = s.rejects;
    rejects.extend(f.rejects);
    Ok(Ingested {
        sessions: s.frame,
        feedback: f.frame,
        has_fee: s.has_fee,
        has_location: s.has_location,
        rejects,
        quality: DataQuality {
            sessions: s.quality,
            feedback: f.quality,
        },
    })
}

/// A CSV file's header: its column mapping.
struct Table {
    path: PathBuf,
    file: String,
    delimiter: u8,
    /// For each field position in the file: the index of the contract column it holds.
    by_position: Vec<Option<usize>>,
    /// For each contract column: whether the file has it.
    present: Vec<bool>,
    extra_columns: Vec<String>,
    absent_columns: Vec<String>,
    /// The header as written (trimmed), to name extra columns.
    headers: Vec<String>,
    width: usize,
}

fn csv_reader(data: &[u8], delimiter: u8) -> csv::Reader<&[u8]> {
    csv::ReaderBuilder::new()
        .delimiter(delimiter)
        .has_headers(false)
        .flexible(true)
        .buffer_capacity(1 << 16)
        .from_reader(data)
}

impl Table {
    /// Reads the header from the first block (growing it until the header is whole) and
    /// leaves the block at the first record after it.
    fn open(
        blocks: &mut Blocks<'_>,
        specs: &[columns::ColumnSpec],
        aliases: &ColumnMap,
        section: &str,
        opts: &Options,
    ) -> Result<Table> {
        let path = blocks.path().to_path_buf();
        let (names, header_line, body_start) = loop {
            let data = blocks.data();
            let mut reader = csv_reader(data, opts.delimiter);
            let mut header = csv::ByteRecord::new();
            let has_header = reader
                .read_byte_record(&mut header)
                .map_err(|e| Error::Csv {
                    path: path.clone(),
                    line: 1,
                    source: e,
                })?;
            let end = reader.position().byte() as usize;
            if has_header && end >= data.len() && !blocks.last() {
                blocks.advance(0)?;
                continue;
            }
            let names: Vec<String> = if has_header {
                header
                    .iter()
                    .map(|f| String::from_utf8_lossy(f).trim().to_string())
                    .collect()
            } else {
                Vec::new()
            };
            break (names, header.position().map_or(1, |p| p.line()), end);
        };
        let named: Vec<Option<String>> = specs
            .iter()
            .map(|c| aliases.alias(c.name).map(str::to_string))
            .collect();
        let mapping = columns::resolve(&names, specs, &named).map_err(|e| match e {
            columns::HeaderError::Missing(column) => Error::MissingColumn {
                path: path.clone(),
                column,
                found: if names.is_empty() {
                    "(none: the file is empty)".to_string()
                } else {
                    crate::error::echo_list(
                        names.iter().map(String::as_str),
                        crate::error::backticks,
                    )
                },
            },
            columns::HeaderError::Duplicate(column) => Error::DuplicateColumn {
                path: path.clone(),
                line: header_line,
                column,
            },
            columns::HeaderError::AliasAbsent { column, header } => Error::AliasAbsent {
                path: path.clone(),
                key: format!("{section}.{column}"),
                header: crate::error::echo(&header),
                found: crate::error::echo_list(
                    names.iter().map(String::as_str),
                    crate::error::backticks,
                ),
            },
            columns::HeaderError::AliasTwice {
                header,
                first,
                second,
            } => Error::AliasTwice {
                path: path.clone(),
                header: crate::error::echo(&header),
                first: format!("{section}.{first}"),
                second: format!("{section}.{second}"),
            },
        })?;
        blocks.skip(body_start);
        Ok(Table {
            file: file_name(&path),
            path,
            delimiter: opts.delimiter,
            width: names.len(),
            headers: names,
            by_position: mapping.by_position,
            present: mapping.present,
            extra_columns: mapping.extra,
            absent_columns: mapping.absent,
        })
    }

    /// The records of `block` from byte `start` (which must be where a record may start).
    /// The records of `block` that start at `start` (which must be where a record may start)
    /// or after it, and before `stop`.
    fn records<'b>(&self, block: &Block<'b>, start: usize, stop: usize) -> Records<'b> {
        let data = block.data;
        Records {
            data,
            start,
            stop,
            last: block.last,
            line_base: block.line + data[..start].iter().filter(|&&b| b == b'\n').count() as u64,
            reader: csv_reader(&data[start..], self.delimiter),
            left: None,
        }
    }

    fn quality(&self) -> FileQuality {
        FileQuality {
            file: self.file.clone(),
            extra_columns: self.extra_columns.clone(),
            absent_columns: self.absent_columns.clone(),
            ..FileQuality::default()
        }
    }

    fn csv_error(&self, e: csv::Error, line_base: u64) -> Error {
        Error::Csv {
            path: self.path.clone(),
            line: e.position().map_or(0, |p| line_base + p.line() - 1),
            source: e,
        }
    }
}

/// One block of a file as the readers of its ranges see it.
#[derive(Clone, Copy)]
struct Block<'b> {
    data: &'b [u8],
    /// The physical line of `data[0]`.
    line: u64,
    /// True when the file ends with this block.
    last: bool,
}

impl<'b> Block<'b> {
    fn of(blocks: &'b Blocks<'_>) -> Block<'b> {
        Block {
            data: blocks.data(),
            line: blocks.line(),
            last: blocks.last(),
        }
    }
}

/// A csv reader over a block from some record boundary on.
struct Records<'a> {
    data: &'a [u8],
    start: usize,
    stop: usize,
    last: bool,
    /// The physical line of byte `start`.
    line_base: u64,
    reader: csv::Reader<&'a [u8]>,
    /// Where the first record left unread starts: one at or after `stop`, or one that ran
    /// up to the block's end and is left for the next block.
    left: Option<usize>,
}

impl<'a> Records<'a> {
    /// Reads the next record that is not a blank line and returns the physical line it
    /// starts on; `None` at `stop` or at the end of the block.
    fn next(&mut self, table: &Table, record: &mut csv::ByteRecord) -> Result<Option<u64>> {
        if self.left.is_some() {
            return Ok(None);
        }
        loop {
            let more = self
                .reader
                .read_byte_record(record)
                .map_err(|e| table.csv_error(e, self.line_base))?;
            if !more {
                return Ok(None);
            }
            let Some(pos) = record.position() else {
                continue;
            };
            let byte = self.start + pos.byte() as usize;
            // A record read up to the block's last byte may go on in the next block (it may
            // even be a blank line that is not one): read it again there, from its start.
            if !self.last && self.start + self.reader.position().byte() as usize >= self.data.len()
            {
                self.left = Some(byte);
                return Ok(None);
            }
            // A line of only spaces is blank too, unless it holds delimiters.
            if record.len() == 1 && record[0].iter().all(u8::is_ascii_whitespace) {
                continue;
            }
            // The csv crate positions a record at the first blank line before it (it skips
            // them inside the read): step over those to the line where it starts.
            let skipped = self.data[byte..]
                .iter()
                .take_while(|&&b| b == b'\n' || b == b'\r')
                .filter(|&&b| b == b'\n')
                .count();
            if byte >= self.stop {
                self.left = Some(byte);
                return Ok(None);
            }
            return Ok(Some(self.line_base + pos.line() - 1 + skipped as u64));
        }
    }

    /// Where the first record not yet read starts, as an offset into the block.
    fn end(&self) -> usize {
        self.left
            .unwrap_or(self.start + self.reader.position().byte() as usize)
    }
}

/// Why a row failed: (column or "", value, reason, kind).
struct RowError {
    column: String,
    value: String,
    reason: String,
    kind: String,
}

impl RowError {
    fn value(column: &str, value: &str, err: &values::ValueError) -> RowError {
        RowError {
            column: column.to_string(),
            value: value.to_string(),
            reason: err.reason(),
            kind: format!("{column}: {}", err.kind()),
        }
    }

    fn field(column: &str, value: &str, reason: impl Into<String>, kind: &str) -> RowError {
        RowError {
            column: column.to_string(),
            value: value.to_string(),
            reason: reason.into(),
            kind: format!("{column}: {kind}"),
        }
    }

    fn row(reason: impl Into<String>, kind: &str) -> RowError {
        RowError {
            column: String::new(),
            value: String::new(),
            reason: reason.into(),
            kind: kind.to_string(),
        }
    }

    fn into_reject(self, input: Input, file: &str, line: u64) -> Reject {
        Reject {
            input,
            file: file.to_string(),
            line,
            column: self.column,
            value: self.value,
            reason: self.reason,
            kind: self.kind,
            superseded: false,
        }
    }
}

/// Walks a record's fields in file order: checks the field count and UTF-8, trims each
/// value and hands the contract's columns to `field` (index into the specs, trimmed text).
/// The first failure stops the walk, so `column` is the first failing column from the left.
fn walk_fields<'r>(
    table: &Table,
    specs: &[columns::ColumnSpec],
    record: &'r csv::ByteRecord,
    mut field: impl FnMut(usize, &'r str) -> Result<(), RowError>,
) -> Result<(), RowError> {
    if record.len() != table.width {
        return Err(RowError::row(
            format!(
                "wrong number of fields: expected {}, found {}",
                table.width,
                record.len()
            ),
            "wrong number of fields",
        ));
    }
    // One UTF-8 check for the whole record; a field is then valid when its bounds fall on
    // character boundaries (a character split across two fields is caught there).
    let whole = std::str::from_utf8(record.as_slice()).ok();
    for (pos, raw) in record.iter().enumerate() {
        let column = table.by_position[pos];
        let checked = match (whole, record.range(pos)) {
            (Some(w), Some(r)) => w.get(r).ok_or(()),
            _ => std::str::from_utf8(raw).map_err(|_| ()),
        };
        let Ok(text) = checked else {
            let name = column.map_or(table.headers[pos].as_str(), |c| specs[c].name);
            return Err(RowError::field(
                name,
                &String::from_utf8_lossy(raw),
                "invalid UTF-8",
                "invalid UTF-8",
            ));
        };
        if let Some(c) = column {
            let text = values::trim(text);
            if text.is_empty() {
                if specs[c].required {
                    return Err(RowError::field(
                        specs[c].name,
                        "",
                        "required field is empty",
                        "empty",
                    ));
                }
                continue;
            }
            field(c, text)?;
        }
    }
    Ok(())
}

/// Splits the records of `data` into about `n` ranges, cutting after a line break where the
/// quotes before it are balanced. For a well-formed file that is a record boundary; the
/// readers check each cut against the reading itself all the same.
fn cut_points(data: &[u8], n: usize) -> Vec<usize> {
    let mut cuts = vec![0];
    let mut pos = 0;
    let mut quotes = 0usize;
    for k in 1..n {
        let target = data.len() * k / n;
        if target <= pos {
            continue;
        }
        quotes += data[pos..target].iter().filter(|&&b| b == b'"').count();
        pos = target;
        while pos < data.len() && !(data[pos - 1] == b'\n' && quotes.is_multiple_of(2)) {
            quotes += usize::from(data[pos] == b'"');
            pos += 1;
        }
        if pos >= data.len() {
            break;
        }
        cuts.push(pos);
    }
    cuts.push(data.len());
    cuts
}

/// What a range's reader hands back: its rows, and where the next unread record starts.
trait RangeRead {
    fn end(&self) -> usize;
}

/// Reads a block in about `ranges` ranges at once with `read(start, stop)` (which reads the
/// records that start before `stop`), in range order. A cut that fell inside a record (a
/// stray quote fooled the count) is seen because the reading before it ended elsewhere: the
/// block is then read on from there in one piece.
fn read_ranges<R: RangeRead + Send>(
    data: &[u8],
    ranges: usize,
    read: impl Fn(usize, usize) -> Result<R> + Sync,
) -> Result<Vec<R>> {
    let cuts = cut_points(data, ranges);
    let read = &read;
    let parts: Vec<Result<R>> = std::thread::scope(|scope| {
        let handles: Vec<_> = cuts
            .windows(2)
            .skip(1)
            .map(|w| scope.spawn(move || read(w[0], w[1])))
            .collect();
        let first = read(cuts[0], cuts[1]);
        std::iter::once(first)
            .chain(handles.into_iter().map(|h| {
                h.join()
                    .unwrap_or_else(|panic| std::panic::resume_unwind(panic))
            }))
            .collect()
    });
    let mut out: Vec<R> = Vec::with_capacity(parts.len());
    for (part, &start) in parts.into_iter().zip(&cuts) {
        match out.last() {
            Some(prev) if prev.end() != start => {
                let end = prev.end();
                out.push(read(end, usize::MAX)?);
                break;
            }
            _ => out.push(part?),
        }
    }
    Ok(out)
}

/// Reads a file's blocks after its header: each block in about `ranges` ranges at once
/// (`read(block, start, stop)`, see [`read_ranges`]), and hands each block's ranges, in file
/// order, to `take`, which runs beside the reading of the next block.
fn read_blocks<R: RangeRead + Send>(
    mut blocks: Blocks<'_>,
    ranges: usize,
    read: impl Fn(&Block<'_>, usize, usize) -> Result<R> + Sync,
    mut take: impl FnMut(Vec<R>) -> Result<()> + Send,
) -> Result<()> {
    let mut pending: Vec<R> = Vec::new();
    loop {
        let block = Block::of(&blocks);
        let (read, taken) = std::thread::scope(|scope| {
            let (take, earlier) = (&mut take, std::mem::take(&mut pending));
            let taking = scope.spawn(move || take(earlier));
            let read = read_ranges(block.data, ranges, |start, stop| read(&block, start, stop));
            let taken = taking
                .join()
                .unwrap_or_else(|panic| std::panic::resume_unwind(panic));
            (read, taken)
        });
        taken?;
        pending = read?;
        if block.last {
            break;
        }
        // The last range ends where the first record left for the next block starts.
        let consumed = pending.last().map_or(0, RangeRead::end);
        blocks.advance(consumed)?;
    }
    blocks.finish();
    take(pending)
}

/// How many ranges of a block are read at once.
fn threads() -> usize {
    std::thread::available_parallelism()
        .map_or(1, |n| n.get())
        .min(8)
}
