//! Ingest: the two CSV exports → validated, typed polars frames, the rows that broke a rule
//! (`rejects`), and an account of every row read.
//!
//! The csv crate reads and validates (it knows where each record starts); polars only receives
//! values that already passed every rule of SPEC "Inputs", "Values" and "Rejected rows".

pub mod columns;
mod feedback;
mod index;
mod labels;
mod sessions;
pub mod values;

use std::borrow::Cow;
use std::path::{Path, PathBuf};

use indicatif::ProgressBar;
use polars::prelude::DataFrame;

use crate::config::{ColumnAliases, Settings};
use crate::error::{Error, Result};
pub use crate::model::{DataQuality, FileQuality, Input, Reject};
use values::DateFormat;

/// How the input files are to be read.
#[derive(Debug, Clone)]
pub struct Options {
    pub delimiter: u8,
    pub date_format: DateFormat,
    pub settings: Settings,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            delimiter: b',',
            date_format: DateFormat::Iso,
            settings: Settings::default(),
        }
    }
}

/// One CSV input: where it came from (for messages and rejects.csv) and its bytes.
///
/// The whole file is held in memory: the csv crate reports a record that follows blank
/// lines at the first blank line, and only the bytes themselves tell where it really starts.
pub struct Source<'a> {
    pub path: PathBuf,
    pub bytes: Cow<'a, [u8]>,
}

impl Source<'static> {
    /// Reads a file; a missing or unreadable file is an input error naming it.
    pub fn open(path: &Path) -> Result<Source<'static>> {
        let bytes = std::fs::read(path).map_err(|source| Error::Read {
            path: path.to_path_buf(),
            source,
        })?;
        Ok(Source {
            path: path.to_path_buf(),
            bytes: Cow::Owned(bytes),
        })
    }
}

impl<'a> Source<'a> {
    /// An input held in memory (tests), named `path` in messages.
    pub fn from_bytes(path: impl Into<PathBuf>, bytes: &'a [u8]) -> Source<'a> {
        Source {
            path: path.into(),
            bytes: Cow::Borrowed(bytes),
        }
    }

    /// The file name as it appears in rejects.csv.
    pub fn file_name(&self) -> String {
        self.path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_else(|| self.path.display().to_string())
    }
}

/// The result of ingesting both exports.
#[derive(Debug, Clone)]
pub struct Ingested {
    /// One row per accepted session, in file order. Columns: `line` (i64), `session_id`,
    /// `client_id`, `client_name` (nullable), `therapist` (str), `date` (Date), `technique`
    /// (str, normalised and aliased), `body_region` (list[str], at least one, no repeats),
    /// `duration_min` (i64), `pain_before`, `pain_after`, `fee` (f64, nullable), `location`
    /// (str, trimmed, null when empty or when the file has no such column).
    pub sessions: DataFrame,
    /// One row per counted feedback response (at most one per session), in file order.
    /// Columns: `line` (i64), `session_id` (str), `submitted` (Date), `soreness_hours`,
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
    // Read both first, side by side: a missing feedback file should not wait behind a long
    // sessions read.
    let (s, f) = std::thread::scope(|scope| {
        let f = scope.spawn(|| Source::open(feedback));
        let s = Source::open(sessions);
        (
            s,
            f.join()
                .unwrap_or_else(|panic| std::panic::resume_unwind(panic)),
        )
    });
    let (s, f) = (s?, f?);
    progress.set_length((s.bytes.len() + f.bytes.len()) as u64);
    ingest_sources(s, f, opts, progress)
}

/// Reads and validates both exports from any readers (tests use in-memory text).
pub fn ingest_sources(
    sessions: Source<'_>,
    feedback: Source<'_>,
    opts: &Options,
    progress: &ProgressBar,
) -> Result<Ingested> {
    // The feedback file's own rules need nothing from the sessions file: check them on a
    // second core while the sessions are read.
    let (s, parsed) = std::thread::scope(|scope| {
        let parsing = scope.spawn(|| feedback::parse(&feedback, opts, progress));
        let s = sessions::read(&sessions, opts, progress);
        let parsed = parsing
            .join()
            .unwrap_or_else(|panic| std::panic::resume_unwind(panic));
        (s, parsed)
    });
    let s = s?;
    let f = feedback::resolve(parsed?, &s.index)?;
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

/// A CSV file's bytes and its header's column mapping.
struct Table<'a> {
    path: PathBuf,
    file: String,
    /// The file's bytes after any byte order mark; csv positions are offsets into it.
    data: &'a [u8],
    delimiter: u8,
    /// Where the first record after the header may start.
    body_start: usize,
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

impl<'a> Table<'a> {
    fn open(
        source: &'a Source<'_>,
        specs: &[columns::ColumnSpec],
        aliases: &dyn ColumnAliases,
        opts: &Options,
    ) -> Result<Table<'a>> {
        let file = source.file_name();
        let path = source.path.clone();
        // A UTF-8 byte order mark would otherwise be glued to the first header.
        let data = source
            .bytes
            .strip_prefix(b"\xEF\xBB\xBF")
            .unwrap_or(&source.bytes);
        let mut reader = csv_reader(data, opts.delimiter);
        let mut header = csv::ByteRecord::new();
        let has_header = reader
            .read_byte_record(&mut header)
            .map_err(|e| Error::Csv {
                path: path.clone(),
                line: 1,
                source: e,
            })?;
        let names: Vec<String> = if has_header {
            header
                .iter()
                .map(|f| String::from_utf8_lossy(f).trim().to_string())
                .collect()
        } else {
            Vec::new()
        };
        let header_line = header.position().map_or(1, |p| p.line());
        let aliases: Vec<Option<String>> = specs
            .iter()
            .map(|c| aliases.alias(c.name).map(str::to_string))
            .collect();
        let mapping = columns::resolve(&names, specs, &aliases).map_err(|e| match e {
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
        })?;
        Ok(Table {
            path,
            file,
            data,
            delimiter: opts.delimiter,
            body_start: reader.position().byte() as usize,
            width: names.len(),
            headers: names,
            by_position: mapping.by_position,
            present: mapping.present,
            extra_columns: mapping.extra,
            absent_columns: mapping.absent,
        })
    }

    /// The records from byte `start` (which must be where a record may start) onwards.
    fn records(&self, start: usize) -> Records<'a> {
        let data = self.data;
        Records {
            data,
            start,
            line_base: 1 + data[..start].iter().filter(|&&b| b == b'\n').count() as u64,
            reader: csv_reader(&data[start..], self.delimiter),
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

/// Where a record is: its physical start line, and the byte where the csv reader put it
/// (blank lines before it included), an offset into the whole file.
#[derive(Debug, Clone, Copy)]
struct At {
    line: u64,
    byte: usize,
}

/// A csv reader over a table's bytes from some record boundary on.
struct Records<'a> {
    data: &'a [u8],
    start: usize,
    /// The physical line of byte `start`.
    line_base: u64,
    reader: csv::Reader<&'a [u8]>,
}

impl<'a> Records<'a> {
    /// Reads the next record that is not a blank line; `None` at the end of the file.
    fn next(&mut self, table: &Table<'_>, record: &mut csv::ByteRecord) -> Result<Option<At>> {
        loop {
            let more = self
                .reader
                .read_byte_record(record)
                .map_err(|e| table.csv_error(e, self.line_base))?;
            if !more {
                return Ok(None);
            }
            // A line of only spaces is blank too, unless it holds delimiters.
            if record.len() == 1 && record[0].iter().all(u8::is_ascii_whitespace) {
                continue;
            }
            let Some(pos) = record.position() else {
                continue;
            };
            let byte = self.start + pos.byte() as usize;
            // The csv crate positions a record at the first blank line before it (it skips
            // them inside the read): step over those to the line where it starts.
            let skipped = self.data[byte..]
                .iter()
                .take_while(|&&b| b == b'\n' || b == b'\r')
                .filter(|&&b| b == b'\n')
                .count();
            return Ok(Some(At {
                line: self.line_base + pos.line() - 1 + skipped as u64,
                byte,
            }));
        }
    }

    /// How far the reader has read, as an offset into the whole file.
    fn offset(&self) -> usize {
        self.start + self.reader.position().byte() as usize
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
    table: &Table<'_>,
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

/// Records progress every so many rows, so the bar costs nothing measurable.
const PROGRESS_EVERY: u64 = 16_384;
