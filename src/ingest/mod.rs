//! Ingest: the two exports → validated, typed polars frames, the rows that broke a rule
//! (`rejects`), and an account of every row read.
//!
//! The csv crate reads and validates (it knows where each record starts); polars only receives
//! values that already passed every rule of SPEC "Inputs", "Values" and "Rejected rows".
//! An export in another shape (SPEC "Exports as they come": a spreadsheet, another encoding,
//! title rows, a Total row, composed columns) is read through the same checks: a spreadsheet
//! row or a record whose columns are composed becomes the contract's fields first.

mod blocks;
mod clients;
pub mod columns;
pub mod detect;
mod feedback;
mod index;
mod labels;
pub mod propose;
mod sessions;
mod sheet;
pub mod source;
pub mod values;

pub use clients::Clients;
pub use sessions::{as_text, SESSION_ROW};
pub use source::Source;

use std::borrow::Cow;
use std::path::{Path, PathBuf};

use indicatif::ProgressBar;
use polars::prelude::DataFrame;

use crate::config::{ColumnMap, Settings};
use crate::error::{Error, Result};
pub use crate::model::{DataQuality, FileQuality, Input, Reject};
use blocks::Blocks;
use columns::{feedback as fcol, session as scol, ColumnSpec, Source as From, FEEDBACK, SESSIONS};
use values::Forms;

/// How one input file is read (SPEC "Per-file value forms"); the default is the contract's.
#[derive(Debug, Clone)]
pub struct FileRead {
    pub delimiter: u8,
    /// None: UTF-8 (a UTF-16 byte-order mark is followed all the same).
    pub encoding: Option<&'static encoding_rs::Encoding>,
    /// The 1-based line (or sheet row) of the header; None: the first (a spreadsheet's first
    /// row that is not empty).
    pub header_row: Option<u64>,
    /// A spreadsheet's sheet.
    pub sheet: Option<String>,
    pub forms: Forms,
}

impl Default for FileRead {
    fn default() -> Self {
        FileRead {
            delimiter: b',',
            encoding: None,
            header_row: None,
            sheet: None,
            forms: Forms::default(),
        }
    }
}

/// How the input files are to be read.
#[derive(Debug, Clone)]
pub struct Options {
    pub sessions: FileRead,
    pub feedback: FileRead,
    pub settings: Settings,
    /// How many bytes of a file are read and checked at a time (tests make it small to put
    /// block boundaries everywhere).
    pub block_bytes: usize,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            sessions: FileRead::default(),
            feedback: FileRead::default(),
            settings: Settings::default(),
            block_bytes: blocks::DEFAULT_BLOCK_BYTES,
        }
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
    /// One row per accepted session, in file order. Columns: `line` (i64), `client_id`
    /// (u32: the client's code in [`Ingested::clients`], which holds the id and the name),
    /// `therapist`, `date` (Date), `technique` (normalised and aliased), `body_region` (a list, at least one, no repeats; empty when
    /// regions are not recorded), `duration_min` (i64), `pain_before`, `pain_after`, `fee`
    /// (f64, nullable), `location` (trimmed, null when empty or when the file has no such
    /// column), `status` (str, the normalised status, null likewise), `session_row` (the
    /// row's number among all accepted sessions, IdxSize). No session ids: they are
    /// checked while reading and no figure needs them. The therapists, techniques,
    /// regions and locations are codes into one table of their names
    /// (polars categoricals, `sessions::Codes`): group-bys, joins and sorts on them compare
    /// integers (sorts in the names' order); [`as_text`] reads them as text.
    pub sessions: DataFrame,
    /// Every client of the accepted sessions by code: id and latest name. Shared, not
    /// copied, by the frames of one location.
    pub clients: std::sync::Arc<Clients>,
    /// One row per counted feedback response (at most one per session), in file order.
    /// Columns: `line` (i64), `session_row` (its session's `session_row`), `submitted`
    /// (Date), `soreness_hours`, `pain_followup` (f64), `mobility`, `satisfaction` (i32),
    /// `comment` (str); all but the first three nullable.
    pub feedback: DataFrame,
    /// The bookings that were not treatments (SPEC "Status"): `line` (i64), `date` (Date),
    /// `status` (str, normalised), `therapist`, `location` (str, nullable).
    pub not_attended: DataFrame,
    /// False when the sessions file has no fee column (revenue is then unknown, not 0).
    pub has_fee: bool,
    /// True when the sessions file has a location column (a chain's sites).
    pub has_location: bool,
    /// True when the sessions file has a status column (attendance is then known).
    pub has_status: bool,
    /// False when the config says the export records no body regions.
    pub has_regions: bool,
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
    let s = Source::open(sessions, opts.sessions.encoding)?;
    let f = Source::open(feedback, opts.feedback.encoding)?;
    ingest_sources(s, f, opts, progress)
}

/// One input opened: its header mapped, its rows still to read.
enum Opened<'a> {
    Csv(Table, Blocks<'a>),
    Sheet(Table, Vec<(u64, csv::ByteRecord)>),
}

impl Opened<'_> {
    fn table(&self) -> &Table {
        match self {
            Opened::Csv(t, _) | Opened::Sheet(t, _) => t,
        }
    }
}

/// Opens one input and maps its header (`input` says which file it is).
fn open<'a>(
    source: Source<'a>,
    input: Input,
    opts: &Options,
    progress: &'a ProgressBar,
) -> Result<Opened<'a>> {
    let (file, section) = match input {
        Input::Sessions => (&opts.sessions, "sessions"),
        Input::Feedback => (&opts.feedback, "feedback"),
    };
    match source.body {
        source::Body::Text(reader) => {
            let mut blocks = Blocks::new(source.path, reader, opts.block_bytes, progress)?;
            let table = Table::open(&mut blocks, input, file, opts, section)?;
            Ok(Opened::Csv(table, blocks))
        }
        source::Body::Sheet(bytes) => {
            progress.inc(bytes.len() as u64);
            let read = sheet::read(
                &source.path,
                bytes,
                file.sheet.as_deref(),
                file.header_row,
                &file.forms,
                &format!("input.{section}"),
            )?;
            let table = Table::new(
                source.path,
                read.headers,
                read.header_line,
                input,
                file,
                opts,
                section,
            )?;
            Ok(Opened::Sheet(table, read.rows))
        }
    }
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
    let s_open = open(sessions, Input::Sessions, opts, progress)?;
    let f_open = open(feedback, Input::Feedback, opts, progress)?;
    let s = match s_open {
        Opened::Csv(table, blocks) => sessions::read(&table, blocks, sessions_len, opts)?,
        Opened::Sheet(table, rows) => sessions::read_rows(&table, rows, opts)?,
    };
    let links = if f_open.table().links_by_client() {
        Some(
            feedback::Links::of(&s.frame, opts.settings.feedback.link_days, &s.clients).map_err(
                Error::polars(format!(
                    "{}: linking feedback to sessions",
                    f_open.table().path.display()
                )),
            )?,
        )
    } else {
        None
    };
    let f = match f_open {
        Opened::Csv(table, blocks) => feedback::read(&table, blocks, s.index, links.as_ref())?,
        Opened::Sheet(table, rows) => feedback::read_rows(&table, rows, s.index, links.as_ref())?,
    };
    let mut rejects = s.rejects;
    rejects.extend(f.rejects);
    Ok(Ingested {
        sessions: s.frame,
        clients: std::sync::Arc::new(s.clients),
        feedback: f.frame,
        not_attended: s.not_attended,
        has_fee: s.has_fee,
        has_location: s.has_location,
        has_status: s.has_status,
        has_regions: s.has_regions,
        rejects,
        quality: DataQuality {
            sessions: s.quality,
            feedback: f.quality,
            sessions_status: s.has_status,
        },
    })
}

/// A file's header: how each contract column is read off its records.
struct Table {
    /// Which export this is.
    input: Input,
    path: PathBuf,
    file: String,
    delimiter: u8,
    /// For each contract column: where its values are.
    sources: Vec<From>,
    /// The contract's own shape (each column one field, each field one column): field
    /// position → column, read straight off the record. None: the record is composed.
    by_position: Option<Vec<Option<usize>>>,
    /// For each contract column: whether a row must have it.
    required: Vec<bool>,
    /// For each contract column: whether the file has it.
    present: Vec<bool>,
    extra_columns: Vec<String>,
    absent_columns: Vec<String>,
    /// The header as written (trimmed), to name extra columns.
    headers: Vec<String>,
    width: usize,
    /// How this file writes its values.
    forms: Forms,
    /// The normalised status values that are no treatment (sessions with a status column).
    not_attended: Vec<String>,
}

fn csv_reader(data: &[u8], delimiter: u8) -> csv::Reader<&[u8]> {
    csv::ReaderBuilder::new()
        .delimiter(delimiter)
        .has_headers(false)
        .flexible(true)
        .buffer_capacity(1 << 16)
        .from_reader(data)
}

/// What the config names for each of `specs` in `map`.
fn named(specs: &[ColumnSpec], map: &ColumnMap) -> Vec<columns::Named> {
    specs
        .iter()
        .map(|c| {
            map.alias(c.name)
                .map(|h| h.headers().into_iter().map(str::to_string).collect())
        })
        .collect()
}

/// Where a range of records stands against its file's footer (SPEC "Files": a `Total` row
/// ends the data).
#[derive(Debug, Default, Clone, Copy)]
struct Footer {
    /// The footer is in this range.
    seen: bool,
    /// The footer and the records after it, in this range.
    rows: u64,
}

impl Footer {
    /// Whether `record` is a row of data: not the footer nor any record after it (which are
    /// counted here).
    #[inline]
    fn passes(&mut self, record: &csv::ByteRecord) -> bool {
        if self.seen || is_footer(record) {
            self.seen = true;
            self.rows += 1;
            return false;
        }
        true
    }
}

/// A footer row: its first non-empty field is `Total`, `Totals`, `Grand total` or `Summary`
/// (any case, a `:` after it). Read off the bytes: every record of every file is asked.
fn is_footer(record: &csv::ByteRecord) -> bool {
    // The usual first field, an id, is over at its first byte or its length.
    let first = match record.get(0) {
        Some(f) if !f.is_empty() && !f[0].is_ascii_whitespace() => {
            let starts = f.len() >= 5
                && matches!(
                    (f[0] | 0x20, f[1] | 0x20),
                    (b't', b'o') | (b'g', b'r') | (b's', b'u')
                );
            if !starts || f.len() > 13 {
                return false;
            }
            f
        }
        _ => match record
            .iter()
            .map(|f| f.trim_ascii())
            .find(|f| !f.is_empty())
        {
            Some(f) => f,
            None => return false,
        },
    };
    let first = first.trim_ascii();
    let word = first.strip_suffix(b":").unwrap_or(first).trim_ascii_end();
    [&b"total"[..], b"totals", b"grand total", b"summary"]
        .iter()
        .any(|w| word.eq_ignore_ascii_case(w))
}

impl Table {
    /// Reads the header from the first block (growing it until the header is whole) and
    /// leaves the block at the first record after it; lines above `header_row` are passed.
    fn open(
        blocks: &mut Blocks<'_>,
        input: Input,
        file: &FileRead,
        opts: &Options,
        section: &str,
    ) -> Result<Table> {
        let path = blocks.path().to_path_buf();
        if let Some(n) = file.header_row.filter(|&n| n > 1) {
            // Title rows are lines, not records: a title may hold a lone quote.
            loop {
                let data = blocks.data();
                let breaks: Vec<usize> = data
                    .iter()
                    .enumerate()
                    .filter(|(_, &b)| b == b'\n')
                    .map(|(i, _)| i)
                    .take((n - 1) as usize)
                    .collect();
                if breaks.len() as u64 == n - 1 {
                    blocks.skip(breaks[breaks.len() - 1] + 1);
                    break;
                }
                if blocks.last() {
                    let lines =
                        breaks.len() as u64 + u64::from(data.last().is_some_and(|&b| b != b'\n'));
                    return Err(Error::HeaderRowPastEnd {
                        path,
                        key: format!("input.{section}.header_row"),
                        header_row: n,
                        lines: blocks.line() - 1 + lines,
                    });
                }
                blocks.advance(0)?;
            }
        }
        let (names, header_line, body_start) = loop {
            let data = blocks.data();
            let mut reader = csv_reader(data, file.delimiter);
            let mut header = csv::ByteRecord::new();
            let has_header = reader
                .read_byte_record(&mut header)
                .map_err(|e| Error::Csv {
                    path: path.clone(),
                    line: blocks.line(),
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
            let line = blocks.line() - 1 + header.position().map_or(1, |p| p.line());
            break (names, line, end);
        };
        let table = Table::new(path, names, header_line, input, file, opts, section)?;
        blocks.skip(body_start);
        Ok(table)
    }

    /// Maps a header (read off a CSV file or a sheet) onto the contract.
    fn new(
        path: PathBuf,
        names: Vec<String>,
        header_line: u64,
        input: Input,
        file: &FileRead,
        opts: &Options,
        section: &str,
    ) -> Result<Table> {
        let (specs, map) = match input {
            Input::Sessions => (SESSIONS, &opts.settings.columns.sessions),
            Input::Feedback => (FEEDBACK, &opts.settings.columns.feedback),
        };
        let found =
            || crate::error::echo_list(names.iter().map(String::as_str), crate::error::backticks);
        let mut mapping =
            columns::resolve(&names, specs, &named(specs, map)).map_err(|e| match e {
                columns::HeaderError::Duplicate(column) => Error::DuplicateColumn {
                    path: path.clone(),
                    line: header_line,
                    column,
                },
                columns::HeaderError::AliasAbsent { column, header } => Error::AliasAbsent {
                    path: path.clone(),
                    key: format!("columns.{section}.{column}"),
                    header: crate::error::echo(&header),
                    found: found(),
                },
            })?;
        let mut required: Vec<bool> = specs.iter().map(|c| c.required).collect();
        let has = |m: &columns::Mapping, c: columns::Col| {
            matches!(m.sources[c.index], From::Field(_) | From::Joined(_))
        };
        match input {
            Input::Sessions => {
                // Ids made of line numbers; regions not recorded (SPEC "Composed columns").
                for c in [scol::SESSION_ID, scol::BODY_REGION] {
                    if mapping.sources[c.index] == From::Unmapped {
                        required[c.index] = false;
                    }
                }
                if has(&mapping, scol::DURATION_MIN) {
                    // The length is given: start and end are not read.
                    for c in [scol::START, scol::END] {
                        let positions = mapping.sources[c.index].positions().to_vec();
                        mapping.sources[c.index] = From::Absent;
                        for p in positions {
                            if !mapping.sources.iter().any(|s| s.positions().contains(&p)) {
                                mapping.extra.push(names[p].clone());
                            }
                        }
                    }
                } else if has(&mapping, scol::START) && has(&mapping, scol::END) {
                    required[scol::DURATION_MIN.index] = false;
                    required[scol::START.index] = true;
                    required[scol::END.index] = true;
                }
            }
            Input::Feedback => {
                if !has(&mapping, fcol::SESSION_ID) && has(&mapping, fcol::CLIENT_ID) {
                    // A survey: linked by client and date.
                    required[fcol::SESSION_ID.index] = false;
                    required[fcol::CLIENT_ID.index] = true;
                    mapping.sources[fcol::SESSION_ID.index] = From::Absent;
                }
            }
        }
        if let Some(column) = columns::missing_required(&mapping, specs, &required) {
            return Err(Error::MissingColumn {
                path: path.clone(),
                column,
                found: if names.is_empty() {
                    "(none: the file is empty)".to_string()
                } else {
                    found()
                },
            });
        }
        let not_attended = opts
            .settings
            .status
            .not_attended
            .iter()
            .map(|v| crate::model::normalise_label(v))
            .collect();
        Ok(Table {
            input,
            file: file_name(&path),
            path,
            delimiter: file.delimiter,
            width: names.len(),
            by_position: mapping.by_position(names.len()),
            present: mapping.present(),
            sources: mapping.sources,
            required,
            headers: names,
            extra_columns: mapping.extra,
            absent_columns: mapping.absent,
            forms: file.forms.clone(),
            not_attended,
        })
    }

    /// True for a feedback file whose rows are linked to sessions by client and date.
    fn links_by_client(&self) -> bool {
        self.input == Input::Feedback
            && self.sources[fcol::SESSION_ID.index] == From::Absent
            && self.present[fcol::CLIENT_ID.index]
    }

    /// True for column `c` of a sessions file without ids: its ids are made of line numbers.
    fn line_id(&self, c: usize) -> bool {
        self.input == Input::Sessions
            && c == scol::SESSION_ID.index
            && self.sources[c] == From::Unmapped
    }

    /// Column `c` of a record, trimmed (joined parts with one space); None when the file has
    /// no such column or a part is not UTF-8.
    fn text<'r>(&self, record: &'r csv::ByteRecord, c: usize) -> Option<Cow<'r, str>> {
        let field = |p: usize| {
            record
                .get(p)
                .and_then(|f| std::str::from_utf8(f).ok())
                .map(values::trim)
        };
        match &self.sources[c] {
            From::Field(p) => field(*p).map(Cow::Borrowed),
            From::Joined(ps) => {
                let mut out = String::new();
                for &p in ps {
                    let part = field(p)?;
                    if !part.is_empty() {
                        if !out.is_empty() {
                            out.push(' ');
                        }
                        out += part;
                    }
                }
                Some(Cow::Owned(out))
            }
            From::Absent | From::Unmapped => None,
        }
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
            line_base: block.line + blocks::count(&data[..start], b'\n') as u64,
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

/// Walks a record's fields: checks the field count and UTF-8, trims each value and hands the
/// contract's columns to `field` (index into the specs, trimmed text). The first failure
/// stops the walk: in the contract's own shape `column` is the first failing column from the
/// left; in a composed record (columns joined, one field feeding two) the fields are checked
/// for UTF-8 from the left and then the columns in the contract's order. `scratch` holds the
/// texts made for the row (joined parts, ids made of the line number).
fn walk_fields<'r>(
    table: &Table,
    specs: &[columns::ColumnSpec],
    record: &'r csv::ByteRecord,
    line: u64,
    scratch: &'r mut Vec<String>,
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
    let checked = |pos: usize| -> Option<&'r str> {
        match (whole, record.range(pos)) {
            (Some(w), Some(r)) => w.get(r),
            _ => std::str::from_utf8(&record[pos]).ok(),
        }
    };
    let invalid = |pos: usize, column: Option<usize>| {
        let name = column.map_or(table.headers[pos].as_str(), |c| specs[c].name);
        RowError::field(
            name,
            &String::from_utf8_lossy(&record[pos]),
            "invalid UTF-8",
            "invalid UTF-8",
        )
    };
    let empty = |c: usize| RowError::field(specs[c].name, "", "required field is empty", "empty");
    if let Some(by_position) = &table.by_position {
        for (pos, &column) in by_position.iter().enumerate() {
            let Some(text) = checked(pos) else {
                return Err(invalid(pos, column));
            };
            if let Some(c) = column {
                let text = values::trim(text);
                if text.is_empty() {
                    if table.required[c] {
                        return Err(empty(c));
                    }
                    continue;
                }
                field(c, text)?;
            }
        }
        return Ok(());
    }
    let mut fields: Vec<&'r str> = Vec::with_capacity(record.len());
    for pos in 0..record.len() {
        match checked(pos) {
            Some(text) => fields.push(values::trim(text)),
            None => {
                let column = table
                    .sources
                    .iter()
                    .position(|s| s.positions().contains(&pos));
                return Err(invalid(pos, column));
            }
        }
    }
    scratch.clear();
    for (c, source) in table.sources.iter().enumerate() {
        match source {
            From::Joined(ps) => {
                let parts: Vec<&str> = ps
                    .iter()
                    .map(|&p| fields[p])
                    .filter(|t| !t.is_empty())
                    .collect();
                scratch.push(parts.join(" "));
            }
            From::Unmapped if table.line_id(c) => scratch.push(format!("L{line}")),
            _ => {}
        }
    }
    let scratch: &'r Vec<String> = scratch;
    let mut made = scratch.iter();
    for (c, source) in table.sources.iter().enumerate() {
        let text: &'r str = match source {
            From::Absent => continue,
            From::Field(p) => fields[*p],
            From::Joined(_) => made.next().map_or("", String::as_str),
            From::Unmapped if table.line_id(c) => made.next().map_or("", String::as_str),
            From::Unmapped => continue,
        };
        if text.is_empty() {
            if table.required[c] {
                return Err(empty(c));
            }
            continue;
        }
        field(c, text)?;
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
        quotes += blocks::count(&data[pos..target], b'"');
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_total_row_is_a_footer_whatever_its_case() {
        let rec = |fields: &[&str]| csv::ByteRecord::from(fields.to_vec());
        for footer in [
            rec(&["Total", "", "85"]),
            rec(&["", " TOTALS: ", "85"]),
            rec(&["Grand total"]),
            rec(&["summary", "x"]),
        ] {
            assert!(is_footer(&footer), "{footer:?}");
        }
        for row in [
            rec(&["S1", "Total"]),
            rec(&["Totally", "x"]),
            rec(&["", ""]),
            rec(&["Sub-total"]),
        ] {
            assert!(!is_footer(&row), "{row:?}");
        }
    }
}
