//! sessions.csv: one row per treatment session.

use std::borrow::Cow;

use polars::prelude::*;

use super::blocks::{count, Blocks};
use super::clients::{Clients, ClientsBuilder};
use super::columns::{session as s, SESSIONS};
use super::index::{Arena, IdIndex, Near};
use super::labels::Labels;
use super::values::{epoch_days, parse_time, ValueError};
use super::{
    read_blocks, threads, walk_fields, Block, FileQuality, Footer, Input, Options, RangeRead,
    Reject, RowError, Table,
};
use crate::error::{Error, Result};

/// The column that numbers the accepted sessions (their row in the whole sessions frame);
/// feedback rows carry their session's number, so the two are joined on an integer, and the
/// number survives a selection of rows (one location).
pub const SESSION_ROW: &str = "session_row";

/// An accepted session, as the duplicate and feedback checks need it.
#[derive(Debug, Clone, Copy)]
pub(super) struct Accepted {
    /// Epoch days.
    pub date: i32,
    pub line: u64,
}

/// Accepted sessions by id; the row number is the session's row in the sessions frame.
pub(super) struct SessionIndex {
    ids: IdIndex,
    accepted: Vec<Accepted>,
}

impl SessionIndex {
    /// Sized for `bytes` of rows (a session row is usually 80 bytes or more; more grow it).
    fn for_bytes(bytes: u64) -> SessionIndex {
        let rows = usize::try_from(bytes / 80)
            .unwrap_or(usize::MAX / 16)
            .min(1 << 31)
            + 16;
        SessionIndex {
            ids: IdIndex::with_capacity(rows, rows * 10),
            accepted: Vec::with_capacity(rows),
        }
    }

    /// The session's row and what is known of it.
    #[cfg(test)]
    pub fn get(&self, id: &str) -> Option<(u32, Accepted)> {
        self.ids
            .get(id)
            .map(|row| (row, self.accepted[row as usize]))
    }

    /// [`SessionIndex::get`] for an id looked up soon after the one before it (see
    /// `IdIndex::get_near`).
    pub fn get_near(&self, id: &str, near: &mut Near) -> Option<(u32, Accepted)> {
        self.ids
            .get_near(id, near)
            .map(|row| (row, self.accepted[row as usize]))
    }

    /// Adds a session and returns its row, or returns the one already accepted with this id.
    fn insert(&mut self, id: &str, accepted: Accepted) -> Result<u32, Accepted> {
        match self.ids.insert(id) {
            Ok(row) => {
                self.accepted.push(accepted);
                Ok(row)
            }
            Err(row) => Err(self.accepted[row as usize]),
        }
    }

    pub fn len(&self) -> usize {
        self.accepted.len()
    }

    /// How many sessions it has room for.
    fn capacity(&self) -> usize {
        self.accepted.capacity()
    }
}

pub(super) struct SessionsRead {
    pub frame: DataFrame,
    pub not_attended: DataFrame,
    pub rejects: Vec<Reject>,
    pub quality: FileQuality,
    pub has_fee: bool,
    pub has_location: bool,
    pub has_status: bool,
    pub has_regions: bool,
    pub index: SessionIndex,
    pub clients: Clients,
}

/// A client id as it is compared: an e-mail address in lower case (`Ann@X.com` and
/// `ann@x.com` are one client).
#[inline]
pub(super) fn identity(id: &str) -> Cow<'_, str> {
    if id.as_bytes().contains(&b'@') && id.chars().any(char::is_uppercase) {
        Cow::Owned(id.to_lowercase())
    } else {
        Cow::Borrowed(id)
    }
}

/// A booking that was not a treatment.
struct NotAttended {
    line: u64,
    date: i32,
    status: String,
    therapist: Option<String>,
    location: Option<String>,
}

fn not_attended_frame(rows: &[NotAttended]) -> PolarsResult<DataFrame> {
    let line: Vec<i64> = rows.iter().map(|r| r.line as i64).collect();
    let date: Vec<i32> = rows.iter().map(|r| r.date).collect();
    DataFrame::new(
        rows.len(),
        vec![
            Column::new("line".into(), line),
            Int32Chunked::from_vec(s::DATE.name.into(), date)
                .into_date()
                .into_column(),
            Column::new(
                s::STATUS.name.into(),
                rows.iter().map(|r| r.status.as_str()).collect::<Vec<_>>(),
            ),
            Column::new(
                s::THERAPIST.name.into(),
                rows.iter()
                    .map(|r| r.therapist.as_deref())
                    .collect::<Vec<_>>(),
            ),
            Column::new(
                s::LOCATION.name.into(),
                rows.iter()
                    .map(|r| r.location.as_deref())
                    .collect::<Vec<_>>(),
            ),
        ],
    )
}

#[derive(Default)]
struct Row<'r> {
    session_id: &'r str,
    client_id: Cow<'r, str>,
    client_name: Option<&'r str>,
    therapist: &'r str,
    date: i32,
    technique: u32,
    regions: u32,
    duration_min: i64,
    pain_before: Option<f64>,
    pain_after: Option<f64>,
    fee: Option<f64>,
    location: Option<&'r str>,
    status: Option<String>,
    start: Option<&'r str>,
    end: Option<&'r str>,
}

/// A range's session ids, client ids and names (empty: none), a row each: read once, by the
/// append in file order (the duplicate check, the clients' numbers and names), and not kept
/// in the frame; one buffer each, not a polars string column built only to be read back.
#[derive(Default)]
struct Ids {
    sessions: Arena,
    clients: Arena,
    names: Arena,
}

struct Builder {
    line: Vec<i64>,
    ids: Ids,
    therapist: Vec<u32>,
    date: Vec<i32>,
    technique: Vec<u32>,
    body_region: ListPrimitiveChunkedBuilder<UInt32Type>,
    duration_min: Vec<i64>,
    pain_before: PrimitiveChunkedBuilder<Float64Type>,
    pain_after: PrimitiveChunkedBuilder<Float64Type>,
    fee: PrimitiveChunkedBuilder<Float64Type>,
    /// None when the file has no location column: the column is then one null for all rows,
    /// not a null per row.
    location: Option<PrimitiveChunkedBuilder<UInt32Type>>,
    /// Likewise for the status.
    status: Option<StringChunkedBuilder>,
    codes: Codes,
}

/// The columns of few values (therapist, technique, body regions, location) as codes into
/// one table of their names, polars' global categories: four bytes a cell, not a string, in
/// a frame of a chain's year; every chunk's codes are of the one table, so chunks stack, and
/// group-bys and joins compare integers. A chunk looks each distinct value up in that table
/// once (the techniques and regions by the reader's own label numbers, the therapists and
/// locations in a small map of their own), and its rows carry the codes from the start:
/// building a string per cell and casting the column (a lookup in the shared table per
/// row) was 6% of `validate`'s instructions (callgrind, 1 M sessions).
struct Codes {
    dtype: DataType,
    table: CodeTable,
    /// Technique label number → code.
    techniques: Vec<Option<u32>>,
    /// Region label number → code.
    regions: Vec<Option<u32>>,
    /// Therapist or location text → code.
    text: std::collections::HashMap<String, u32, foldhash::fast::FixedState>,
    /// One row's regions.
    listed: Vec<u32>,
}

/// The shared table, and the first value it refused (more than 2^32 names): the chunk then
/// fails with it.
struct CodeTable {
    mapping: Arc<CategoricalMapping>,
    refused: Option<PolarsError>,
}

impl CodeTable {
    fn insert(&mut self, name: &str) -> u32 {
        match self.mapping.insert_cat(name) {
            Ok(code) => code,
            Err(e) => {
                self.refused.get_or_insert(e);
                0
            }
        }
    }
}

/// The code of the label numbered `label`, looked up (`insert`) the first time only.
fn cached(cache: &mut Vec<Option<u32>>, label: u32, insert: impl FnOnce() -> u32) -> u32 {
    let i = label as usize;
    if cache.len() <= i {
        cache.resize(i + 1, None);
    }
    *cache[i].get_or_insert_with(insert)
}

impl Codes {
    fn new() -> Codes {
        let categories = Categories::global();
        let mapping = categories.mapping();
        let dtype = DataType::Categorical(categories, Arc::clone(&mapping));
        Codes {
            dtype,
            table: CodeTable {
                mapping,
                refused: None,
            },
            techniques: Vec::new(),
            regions: Vec::new(),
            text: Default::default(),
            listed: Vec::new(),
        }
    }

    fn technique(&mut self, label: u32, labels: &Labels) -> u32 {
        cached(&mut self.techniques, label, || {
            self.table.insert(labels.name(label))
        })
    }

    /// The codes of a list of regions, in the list's order.
    fn regions(&mut self, list: u32, labels: &Labels) -> &[u32] {
        self.listed.clear();
        for &label in labels.list_labels(list) {
            let code = cached(&mut self.regions, label, || {
                self.table.insert(labels.name(label))
            });
            self.listed.push(code);
        }
        &self.listed
    }

    fn text(&mut self, name: &str) -> u32 {
        if let Some(&code) = self.text.get(name) {
            return code;
        }
        let code = self.table.insert(name);
        self.text.insert(name.to_string(), code);
        code
    }

    /// A column of codes as polars' categorical column of their names.
    fn column(&self, codes: &UInt32Chunked) -> PolarsResult<Column> {
        // SAFETY: every code was handed out by this table (`insert`), and the categories'
        // codes are u32, so the numbers are the categorical's own physical values.
        Ok(unsafe { codes.cast_unchecked(&self.dtype) }?.into_column())
    }
}

impl Builder {
    /// Room for `cap` rows from the start: growing by doubling would leave up to half of
    /// every buffer unused in the frame.
    fn new(cap: usize, with_location: bool, with_status: bool) -> Builder {
        Builder {
            line: Vec::with_capacity(cap),
            ids: Ids {
                sessions: Arena::with_capacity(cap, cap * 10),
                clients: Arena::with_capacity(cap, cap * 8),
                names: Arena::with_capacity(cap, cap * 16),
            },
            therapist: Vec::with_capacity(cap),
            date: Vec::with_capacity(cap),
            technique: Vec::with_capacity(cap),
            body_region: ListPrimitiveChunkedBuilder::new(
                s::BODY_REGION.name.into(),
                cap,
                cap * 2,
                DataType::UInt32,
            ),
            duration_min: Vec::with_capacity(cap),
            pain_before: PrimitiveChunkedBuilder::new(s::PAIN_BEFORE.name.into(), cap),
            pain_after: PrimitiveChunkedBuilder::new(s::PAIN_AFTER.name.into(), cap),
            fee: PrimitiveChunkedBuilder::new(s::FEE.name.into(), cap),
            location: with_location
                .then(|| PrimitiveChunkedBuilder::new(s::LOCATION.name.into(), cap)),
            status: with_status.then(|| StringChunkedBuilder::new(s::STATUS.name.into(), cap)),
            codes: Codes::new(),
        }
    }

    fn push(&mut self, line: u64, row: &Row<'_>, techniques: &Labels, regions: &Labels) {
        self.line.push(line as i64);
        self.ids.sessions.push(row.session_id);
        self.ids.clients.push(&row.client_id);
        self.ids.names.push(row.client_name.unwrap_or_default());
        let therapist = self.codes.text(row.therapist);
        self.therapist.push(therapist);
        self.date.push(row.date);
        let technique = self.codes.technique(row.technique, techniques);
        self.technique.push(technique);
        self.body_region
            .append_slice(self.codes.regions(row.regions, regions));
        self.duration_min.push(row.duration_min);
        self.pain_before.append_option(row.pain_before);
        self.pain_after.append_option(row.pain_after);
        self.fee.append_option(row.fee);
        if let Some(location) = &mut self.location {
            location.append_option(row.location.map(|l| self.codes.text(l)));
        }
        if let Some(status) = &mut self.status {
            status.append_option(row.status.as_deref());
        }
    }

    /// The range's frame, and its ids beside it.
    fn finish(mut self) -> PolarsResult<(DataFrame, Ids)> {
        if let Some(e) = self.codes.table.refused.take() {
            return Err(e);
        }
        let ids = std::mem::take(&mut self.ids);
        let height = self.line.len();
        let codes = &self.codes;
        let coded = |name: &PlSmallStr, v: Vec<u32>| {
            codes.column(&UInt32Chunked::from_vec(name.clone(), v))
        };
        // SAFETY: as in `Codes::column`, for the lists' values.
        let regions = unsafe {
            self.body_region
                .finish()
                .cast_unchecked(&DataType::List(Box::new(codes.dtype.clone())))
        }?
        .into_column();
        DataFrame::new(
            height,
            vec![
                Column::new("line".into(), self.line),
                coded(&s::THERAPIST.name.into(), self.therapist)?,
                Int32Chunked::from_vec(s::DATE.name.into(), self.date)
                    .into_date()
                    .into_column(),
                coded(&s::TECHNIQUE.name.into(), self.technique)?,
                regions,
                Column::new(s::DURATION_MIN.name.into(), self.duration_min),
                self.pain_before.finish().into_column(),
                self.pain_after.finish().into_column(),
                self.fee.finish().into_column(),
                match self.location {
                    Some(location) => codes.column(&location.finish())?,
                    None => Column::full_null(s::LOCATION.name.into(), height, &codes.dtype),
                },
                match self.status {
                    Some(status) => status.finish().into_column(),
                    None => Column::full_null(s::STATUS.name.into(), height, &DataType::String),
                },
            ],
        )
        .map(|frame| (frame, ids))
    }
}

/// A column of codes ([`Codes`]; a list of them too) as the text of its
/// names; any other column as it is.
pub fn as_text(c: &Column) -> PolarsResult<Column> {
    match c.dtype() {
        DataType::Categorical(..) => c.cast(&DataType::String),
        DataType::List(inner) if matches!(**inner, DataType::Categorical(..)) => {
            c.cast(&DataType::List(Box::new(DataType::String)))
        }
        _ => Ok(c.clone()),
    }
}

/// One byte range of a block (or a sheet's rows), read and checked on its own (all but the
/// duplicate check, which needs every earlier row and is made when the ranges are appended
/// in order).
struct Chunk {
    frame: DataFrame,
    /// Per row of `frame`.
    ids: Ids,
    /// Per row of `frame`.
    accepted: Vec<Accepted>,
    rejects: Vec<Reject>,
    not_attended: Vec<NotAttended>,
    /// Rows before the footer.
    rows: u64,
    footer: Footer,
    /// Where the first record after this range starts, an offset into the block.
    end: usize,
}

impl RangeRead for Chunk {
    fn end(&self) -> usize {
        self.end
    }
}

/// Checks records one at a time into a chunk.
struct RowReader<'t> {
    table: &'t Table,
    techniques: Labels,
    regions: Labels,
    builder: Builder,
    accepted: Vec<Accepted>,
    rejects: Vec<Reject>,
    not_attended: Vec<NotAttended>,
    rows: u64,
    footer: Footer,
    scratch: Vec<String>,
}

/// A time of day for `start`/`end`: alone, or after a date in the file's date format.
fn clock_time(text: &str, table: &Table) -> Result<(Option<i32>, u32), ValueError> {
    match table.forms.date.split(text) {
        Some((d, rest)) if !rest.is_empty() => Ok((Some(epoch_days(d)), parse_time(rest)?)),
        Some((d, _)) => Ok((Some(epoch_days(d)), 0)),
        None => Ok((None, parse_time(text)?)),
    }
}

/// The minutes from `start` to `end` (SPEC "Composed columns"): an end not after its start
/// is refused, and so is a length outside 1 ..= 480.
fn length(start: &str, end: &str, table: &Table) -> Result<i64, RowError> {
    let (sd, st) =
        clock_time(start, table).map_err(|e| RowError::value(s::START.name, start, &e))?;
    let (ed, et) = clock_time(end, table).map_err(|e| RowError::value(s::END.name, end, &e))?;
    let days = match (sd, ed) {
        (Some(a), Some(b)) => i64::from(b - a),
        _ => 0,
    };
    let seconds = days * 86_400 + i64::from(et) - i64::from(st);
    if seconds <= 0 {
        return Err(RowError::field(
            s::END.name,
            end,
            format!("not after the start ({start})"),
            "not after the start",
        ));
    }
    let minutes = (seconds as f64 / 60.0).round() as i64;
    if !(1..=480).contains(&minutes) {
        return Err(RowError::field(
            s::END.name,
            end,
            format!("the session would last {minutes} minutes: must be from 1 to 480"),
            "out of range",
        ));
    }
    Ok(minutes)
}

impl<'t> RowReader<'t> {
    fn new(table: &'t Table, opts: &Options, cap: usize) -> RowReader<'t> {
        RowReader {
            table,
            techniques: Labels::new(&opts.settings.techniques.resolved_aliases()),
            regions: Labels::new(&opts.settings.regions.resolved_aliases()),
            builder: Builder::new(
                cap,
                table.present[s::LOCATION.index],
                table.present[s::STATUS.index],
            ),
            accepted: Vec::new(),
            rejects: Vec::new(),
            not_attended: Vec::new(),
            rows: 0,
            footer: Footer::default(),
            scratch: Vec::new(),
        }
    }

    /// A booking whose status says it was no treatment: only its date is checked.
    fn not_attended(&mut self, line: u64, record: &csv::ByteRecord) -> bool {
        let table = self.table;
        if !table.present[s::STATUS.index] || record.len() != table.width {
            return false;
        }
        let Some(status) = table.text(record, s::STATUS.index) else {
            return false;
        };
        let status = crate::model::normalise_label(&status);
        if !table.not_attended.contains(&status) {
            return false;
        }
        let date = table.text(record, s::DATE.index).unwrap_or_default();
        let checked = if date.is_empty() {
            Err(RowError::field(
                s::DATE.name,
                "",
                "required field is empty",
                "empty",
            ))
        } else {
            table
                .forms
                .date
                .parse(&date)
                .map_err(|e| RowError::value(s::DATE.name, &date, &e))
        };
        match checked {
            Ok(d) => {
                let some = |c: usize| {
                    table
                        .text(record, c)
                        .filter(|t| !t.is_empty())
                        .map(Cow::into_owned)
                };
                self.not_attended.push(NotAttended {
                    line,
                    date: epoch_days(d),
                    status,
                    therapist: some(s::THERAPIST.index),
                    location: some(s::LOCATION.index),
                });
            }
            Err(e) => self
                .rejects
                .push(e.into_reject(Input::Sessions, &table.file, line)),
        }
        true
    }

    fn take(&mut self, line: u64, record: &csv::ByteRecord) {
        if !self.footer.passes(record) {
            return;
        }
        self.rows += 1;
        if self.not_attended(line, record) {
            return;
        }
        let table = self.table;
        let forms = &table.forms;
        let (techniques, regions) = (&mut self.techniques, &mut self.regions);
        let mut row = Row::default();
        if table.sources[s::BODY_REGION.index] == super::From::Unmapped {
            row.regions = regions.none();
        }
        let parsed = walk_fields(
            table,
            SESSIONS,
            record,
            line,
            &mut self.scratch,
            |c, text| {
                let name = SESSIONS[c].name;
                let bad = |e| RowError::value(name, text, &e);
                match c {
                    c if c == s::SESSION_ID.index => row.session_id = text,
                    c if c == s::CLIENT_ID.index => row.client_id = super::sessions::identity(text),
                    c if c == s::CLIENT_NAME.index => row.client_name = Some(text),
                    c if c == s::THERAPIST.index => row.therapist = text,
                    c if c == s::DATE.index => {
                        row.date = epoch_days(forms.date.parse(text).map_err(bad)?)
                    }
                    c if c == s::TECHNIQUE.index => {
                        row.technique = techniques.label(text).ok_or_else(|| {
                            RowError::field(
                                name,
                                text,
                                "no technique left after normalisation",
                                "empty",
                            )
                        })?
                    }
                    c if c == s::BODY_REGION.index => {
                        row.regions = regions.list(text, forms.list_separator).ok_or_else(|| {
                            RowError::field(name, text, "no body region in the list", "empty")
                        })?
                    }
                    c if c == s::DURATION_MIN.index => {
                        row.duration_min = forms.duration(text).map_err(bad)?
                    }
                    c if c == s::PAIN_BEFORE.index => {
                        row.pain_before = Some(forms.number_in(text, 0.0, Some(10.0)).map_err(bad)?)
                    }
                    c if c == s::PAIN_AFTER.index => {
                        row.pain_after = Some(forms.number_in(text, 0.0, Some(10.0)).map_err(bad)?)
                    }
                    c if c == s::FEE.index => row.fee = Some(forms.fee(text).map_err(bad)?),
                    c if c == s::LOCATION.index => row.location = Some(text),
                    c if c == s::STATUS.index => {
                        row.status = Some(crate::model::normalise_label(text))
                    }
                    c if c == s::START.index => row.start = Some(text),
                    c if c == s::END.index => row.end = Some(text),
                    _ => unreachable!("sessions has {} columns", SESSIONS.len()),
                }
                Ok(())
            },
        )
        .and_then(|()| {
            if let (Some(start), Some(end)) = (row.start, row.end) {
                row.duration_min = length(start, end, table)?;
            }
            Ok(())
        });
        match parsed {
            Ok(()) => {
                self.builder.push(line, &row, techniques, regions);
                self.accepted.push(Accepted {
                    date: row.date,
                    line,
                });
            }
            Err(e) => self
                .rejects
                .push(e.into_reject(Input::Sessions, &table.file, line)),
        }
    }

    fn finish(self, end: usize) -> Result<Chunk> {
        let (frame, ids) = self.builder.finish().map_err(Error::polars(format!(
            "{}: building the sessions frame",
            self.table.path.display()
        )))?;
        Ok(Chunk {
            frame,
            ids,
            accepted: self.accepted,
            rejects: self.rejects,
            not_attended: self.not_attended,
            rows: self.rows,
            footer: self.footer,
            end,
        })
    }
}

/// Reads the records of `block` from `start` until the first one that starts at or after
/// `stop` (or that runs up to the block's end, when more of the file follows).
fn read_chunk(
    table: &Table,
    block: &Block<'_>,
    start: usize,
    stop: usize,
    opts: &Options,
) -> Result<Chunk> {
    let mut records = table.records(block, start, stop);
    // At most one record per line: a line count is a close upper bound on the rows.
    let lines = count(&block.data[start..stop.min(block.data.len())], b'\n');
    let mut reader = RowReader::new(table, opts, lines + 1);
    let mut record = csv::ByteRecord::new();
    while let Some(line) = records.next(table, &mut record)? {
        reader.take(line, &record);
    }
    reader.finish(records.end())
}

fn duplicate(id: &str, first_line: u64) -> RowError {
    RowError::field(
        s::SESSION_ID.name,
        id,
        format!("duplicate session_id: first accepted at line {first_line}"),
        "duplicate",
    )
}

/// The sessions accepted so far, in file order.
struct Accepting {
    frame: Option<DataFrame>,
    index: SessionIndex,
    clients: ClientsBuilder,
    rejects: Vec<Reject>,
    not_attended: Vec<NotAttended>,
    rows: u64,
    /// Once the footer is read, what follows is no row.
    footer: Footer,
}

impl Accepting {
    /// Appends the next range: a row whose id was accepted before is a duplicate (a row
    /// counts as a repeat only of a row that was accepted, so this check comes last).
    fn append(&mut self, chunk: Chunk, file: &str) -> PolarsResult<()> {
        if self.footer.seen {
            self.footer.rows += chunk.rows + chunk.footer.rows;
            return Ok(());
        }
        let Chunk {
            frame,
            ids,
            accepted,
            rejects,
            rows,
            not_attended,
            footer,
            ..
        } = chunk;
        self.footer = footer;
        self.rows += rows;
        self.rejects.extend(rejects);
        self.not_attended.extend(not_attended);
        let mut keep = Vec::with_capacity(accepted.len());
        let mut rows: Vec<IdxSize> = Vec::with_capacity(accepted.len());
        for (i, &a) in accepted.iter().enumerate() {
            let id = ids.sessions.get(i as u32);
            match self.index.insert(id, a) {
                Ok(row) => {
                    keep.push(true);
                    rows.push(row as IdxSize);
                }
                Err(first) => {
                    self.rejects.push(duplicate(id, first.line).into_reject(
                        Input::Sessions,
                        file,
                        a.line,
                    ));
                    keep.push(false);
                }
            }
        }
        let mut frame = if keep.iter().all(|&k| k) {
            frame
        } else {
            frame.filter(&BooleanChunked::from_slice("keep".into(), &keep))?
        };
        frame.with_column(IdxCa::from_vec(SESSION_ROW.into(), rows).into_column())?;
        self.accepted_columns(&mut frame, &ids, &keep, &accepted)?;
        match &mut self.frame {
            Some(all) => {
                all.vstack_mut(&frame)?;
            }
            None => self.frame = Some(frame),
        }
        Ok(())
    }

    /// The client column of accepted rows: each client's number (its code once
    /// [`Accepting::finish`] orders them), the names going to the clients' table. The frame
    /// keeps no session id, client id or name (the session ids stay in the index, which the
    /// feedback is checked against; no report reads them off the frame, where they were a
    /// string a session). `ids`, `keep` and `accepted`: per row of the range, the rows
    /// `keep` marks are the frame's.
    fn accepted_columns(
        &mut self,
        frame: &mut DataFrame,
        ids: &Ids,
        keep: &[bool],
        accepted: &[Accepted],
    ) -> PolarsResult<()> {
        let kept = || (0..keep.len()).filter(|&i| keep[i]);
        let numbers: Vec<u32> = kept()
            .map(|i| self.clients.number(ids.clients.get(i as u32)))
            .collect();
        for (&n, i) in numbers.iter().zip(kept()) {
            let name = Some(ids.names.get(i as u32));
            self.clients
                .named(n, name, accepted[i].date, accepted[i].line);
        }
        // Where the ids' column stood, after the line: the frame's columns stay in one order.
        frame.insert_column(
            1,
            UInt32Chunked::from_vec(s::CLIENT_ID.name.into(), numbers).into_column(),
        )?;
        Ok(())
    }

    fn append_all(&mut self, chunks: Vec<Chunk>, file: &str) -> PolarsResult<()> {
        chunks.into_iter().try_for_each(|c| self.append(c, file))
    }
}

/// Reads and checks the sessions file after its header, a block at a time; each block in as
/// many ranges as there are cores, the previous block's duplicate check meanwhile.
pub(super) fn read(
    table: &Table,
    blocks: Blocks<'_>,
    file_len: u64,
    opts: &Options,
) -> Result<SessionsRead> {
    read_in(table, blocks, file_len, opts, threads())
}

/// [`read`], each block in about `ranges` ranges.
fn read_in(
    table: &Table,
    blocks: Blocks<'_>,
    file_len: u64,
    opts: &Options,
    ranges: usize,
) -> Result<SessionsRead> {
    let polars_err = || {
        Error::polars(format!(
            "{}: building the sessions frame",
            table.path.display()
        ))
    };
    let mut all = Accepting::new(SessionIndex::for_bytes(file_len));
    read_blocks(
        blocks,
        ranges,
        |block, start, stop| read_chunk(table, block, start, stop, opts),
        |chunks| all.append_all(chunks, &table.file).map_err(polars_err()),
    )?;
    all.finish(table)
}

/// Reads and checks a sheet's rows (one range: a workbook is read whole).
pub(super) fn read_rows(
    table: &Table,
    rows: Vec<(u64, csv::ByteRecord)>,
    opts: &Options,
) -> Result<SessionsRead> {
    let mut reader = RowReader::new(table, opts, rows.len());
    for (line, record) in &rows {
        reader.take(*line, record);
    }
    let mut all = Accepting::new(SessionIndex::for_bytes(rows.len() as u64 * 80));
    drop(rows);
    all.append(reader.finish(0)?, &table.file)
        .map_err(Error::polars(format!(
            "{}: building the sessions frame",
            table.path.display()
        )))?;
    all.finish(table)
}

impl Accepting {
    fn new(index: SessionIndex) -> Accepting {
        Accepting {
            frame: None,
            clients: ClientsBuilder::with_capacity(index.capacity()),
            index,
            rejects: Vec::new(),
            not_attended: Vec::new(),
            rows: 0,
            footer: Footer::default(),
        }
    }

    fn finish(self, table: &Table) -> Result<SessionsRead> {
        let polars_err = || {
            Error::polars(format!(
                "{}: building the sessions frame",
                table.path.display()
            ))
        };
        let mut all = self;
        // Left in its chunks (one per range read): one chunk per column would copy the whole
        // frame once more, and the figures were no faster for it (10 M sessions).
        let mut frame = match all.frame.take() {
            Some(frame) => frame,
            None => {
                let (mut empty, ids) = Builder::new(
                    0,
                    table.present[s::LOCATION.index],
                    table.present[s::STATUS.index],
                )
                .finish()
                .map_err(polars_err())?;
                empty
                    .with_column(IdxCa::from_vec(SESSION_ROW.into(), Vec::new()).into_column())
                    .map_err(polars_err())?;
                all.accepted_columns(&mut empty, &ids, &[], &[])
                    .map_err(polars_err())?;
                empty
            }
        };
        let clients = std::mem::take(&mut all.clients).finish();
        let codes = frame
            .column(s::CLIENT_ID.name)
            .and_then(|c| Ok(c.u32()?.apply_values(|n| clients.code_of_number(n))))
            .map_err(polars_err())?;
        frame
            .with_column(codes.into_column())
            .map_err(polars_err())?;
        all.rejects.sort_by_key(|r| r.line);
        let mut quality = table.quality();
        quality.rows = all.rows;
        quality.rejected = all.rejects.len() as u64;
        quality.not_attended = all.not_attended.len() as u64;
        quality.footer_rows = all.footer.rows;
        quality.accepted = all.rows - quality.rejected - quality.not_attended;
        Ok(SessionsRead {
            frame,
            not_attended: not_attended_frame(&all.not_attended).map_err(polars_err())?,
            rejects: all.rejects,
            quality,
            has_fee: table.present[s::FEE.index],
            has_location: table.present[s::LOCATION.index],
            has_status: table.present[s::STATUS.index],
            has_regions: table.sources[s::BODY_REGION.index] != super::From::Unmapped,
            index: all.index,
            clients,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::super::cut_points;
    use super::*;
    use indicatif::ProgressBar;

    const HEADER: &str = "session_id,client_id,client_name,therapist,date,technique,body_region,duration_min,pain_before,pain_after,fee\n";

    fn row(id: &str, name: &str) -> String {
        format!("{id},C{id},{name},Maria,2026-03-02,Dry needling,Neck,60,7,5,85\n")
    }

    /// Reads `text` in blocks of `block` bytes, each in about `ranges` ranges.
    fn read_blocks(text: &str, ranges: usize, block: usize) -> SessionsRead {
        read_with(text, ranges, block, &Options::default())
    }

    /// [`read_blocks`] with these options.
    fn read_with(text: &str, ranges: usize, block: usize, opts: &Options) -> SessionsRead {
        let pb = ProgressBar::hidden();
        let mut blocks =
            Blocks::new("sessions.csv".into(), Box::new(text.as_bytes()), block, &pb).unwrap();
        let table = Table::open(
            &mut blocks,
            Input::Sessions,
            &opts.sessions,
            opts,
            "sessions",
        )
        .unwrap();
        let read = read_in(&table, blocks, text.len() as u64, opts, ranges).unwrap();
        assert_eq!(
            pb.position(),
            text.len() as u64,
            "every byte counted as read"
        );
        read
    }

    fn read_text(text: &str, ranges: usize) -> SessionsRead {
        read_blocks(text, ranges, 1 << 20)
    }

    fn lines(r: &SessionsRead) -> Vec<i64> {
        r.frame
            .column("line")
            .unwrap()
            .i64()
            .unwrap()
            .iter()
            .map(Option::unwrap)
            .collect()
    }

    fn same(a: &SessionsRead, b: &SessionsRead) {
        assert_eq!(lines(a), lines(b));
        assert!(a.frame.equals_missing(&b.frame));
        let rejects = |r: &SessionsRead| -> Vec<(u64, String, String)> {
            r.rejects
                .iter()
                .map(|j| (j.line, j.value.clone(), j.reason.clone()))
                .collect()
        };
        assert_eq!(rejects(a), rejects(b));
        assert_eq!(
            (a.quality.rows, a.quality.accepted),
            (b.quality.rows, b.quality.accepted)
        );
    }

    #[test]
    fn the_columns_of_few_values_are_codes_that_read_back_as_their_names() {
        // Read in blocks of 60 bytes (a chunk a row or two): every chunk's codes stack, and
        // each reads back as the name it was written with; a missing location stays null.
        let text =
            "session_id,client_id,therapist,date,technique,body_region,duration_min,location\n\
                    S1,C1,Maria,2026-03-02,Dry needling,Neck;Hips,60,Old Town\n\
                    S2,C2,Jonas,2026-03-03,Cupping,Hips,45,\n\
                    S3,C1,Maria,2026-03-04,Cupping,Neck,45,Zürich Süd\n";
        let read = read_blocks(text, 2, 60);
        let text_of = |name: &str| -> Vec<Option<String>> {
            let c = read.frame.column(name).unwrap();
            assert!(matches!(c.dtype(), DataType::Categorical(..)), "{name}");
            as_text(c)
                .unwrap()
                .str()
                .unwrap()
                .iter()
                .map(|v| v.map(str::to_string))
                .collect()
        };
        let some = |v: &[&str]| v.iter().map(|s| Some(s.to_string())).collect::<Vec<_>>();
        assert_eq!(
            text_of(s::THERAPIST.name),
            some(&["Maria", "Jonas", "Maria"])
        );
        assert_eq!(
            text_of(s::TECHNIQUE.name),
            some(&["dry_needling", "cupping", "cupping"])
        );
        assert_eq!(
            text_of(s::LOCATION.name),
            vec![Some("Old Town".into()), None, Some("Zürich Süd".into())]
        );
        let regions = as_text(read.frame.column(s::BODY_REGION.name).unwrap()).unwrap();
        let list = regions.list().unwrap();
        let regions: Vec<Vec<String>> = (0..list.len())
            .map(|i| {
                list.get_as_series(i)
                    .unwrap()
                    .str()
                    .unwrap()
                    .iter()
                    .map(|v| v.unwrap().to_string())
                    .collect()
            })
            .collect();
        assert_eq!(regions, [vec!["neck", "hips"], vec!["hips"], vec!["neck"]]);
        // Two codes of one name are one group.
        let groups = read
            .frame
            .clone()
            .lazy()
            .group_by([s::TECHNIQUE.col()])
            .agg([len().alias("n")])
            .collect()
            .unwrap();
        assert_eq!(groups.height(), 2);
    }

    #[test]
    fn start_and_end_not_read_beside_a_length_and_a_shared_date_header() {
        // `Start Time` is the date and would be the start; with a length given, start and
        // end are not read: `End Time` is an extra column, `Start Time` (the date) is not.
        let opts = Options {
            settings: crate::config::Settings::parse(
                "[columns.sessions]\ndate = \"Start Time\"\nstart = \"Start Time\"\nend = \"End Time\"\n",
            )
            .unwrap(),
            ..Options::default()
        };
        let text = "session_id,client_id,therapist,Start Time,End Time,technique,body_region,duration_min\n\
                    S1,C1,Maria,2026-03-02 10:00,2026-03-02 11:00,Massage,Neck,60\n";
        let read = read_with(text, 1, 1 << 20, &opts);
        assert_eq!(read.quality.extra_columns, vec!["End Time".to_string()]);
        assert_eq!(read.quality.accepted, 1);
    }

    #[test]
    fn cuts_fall_after_line_breaks_with_balanced_quotes() {
        let text = format!(
            "{}{}{}{}",
            row("S1", "A"),
            row("S2", "\"B,\nC\""),
            row("S3", "D"),
            row("S4", "E")
        );
        let data = text.as_bytes();
        for n in 1..6 {
            let cuts = cut_points(data, n);
            assert_eq!(cuts.first(), Some(&0));
            assert_eq!(cuts.last(), Some(&data.len()));
            for &c in &cuts[1..cuts.len() - 1] {
                assert_eq!(data[c - 1], b'\n');
                assert_eq!(data[..c].iter().filter(|&&b| b == b'"').count() % 2, 0);
            }
        }
    }

    #[test]
    fn ranges_and_blocks_give_what_one_reading_gives() {
        let mut text = HEADER.to_string();
        for i in 0..40 {
            text += &row(
                &format!("S{i}"),
                if i % 7 == 0 { "\"Lee,\nAnn\"" } else { "Ann" },
            );
            if i % 5 == 0 {
                text += "\n";
            }
            if i % 9 == 0 {
                text += "  \r\n";
            }
        }
        text += &row("S1", "again");
        text += "S41,C1,A,Maria,2026-03-02,Dry needling,Neck,0,7,5,85";
        let one = read_text(&text, 1);
        assert_eq!(one.index.len(), 40);
        assert_eq!(one.rejects.len(), 2);
        // Every block size from one byte (each record grows its block) to the whole text:
        // block ends fall inside quoted line breaks, in "\r\n", in blank lines and headers.
        for block in (1..text.len() + 2).step_by(3) {
            for ranges in 1..4 {
                let many = read_blocks(&text, ranges, block);
                same(&many, &one);
                assert_eq!(many.index.len(), 40);
                assert_eq!(many.index.get("S39").map(|(row, _)| row), Some(39));
            }
        }
    }

    #[test]
    fn a_repeat_across_ranges_is_a_duplicate_of_the_first_accepted_line() {
        let mut text = HEADER.to_string();
        text += &row("S1", "A"); // line 2
        text += "S2,C1,A,Maria,2026-03-02,Dry needling,Neck,0,7,5,85\n"; // line 3: rejected
        for i in 0..30 {
            text += &row(&format!("X{i}"), "A"); // lines 4..=33
        }
        text += &row("S1", "B"); // line 34: repeat of line 2
        text += &row("S2", "B"); // line 35: accepted, line 3 was not
        text += &row("S1", "C"); // line 36
        text += &row("S2", "C"); // line 37: repeat of line 35
        for (ranges, block) in [(2, 1 << 20), (2, 200), (1, 150), (3, 700)] {
            let r = read_blocks(&text, ranges, block);
            assert_eq!(lines(&r).len(), 32);
            assert_eq!(*lines(&r).last().unwrap(), 35);
            let reasons: Vec<(u64, &str)> = r
                .rejects
                .iter()
                .map(|j| (j.line, j.reason.as_str()))
                .collect();
            assert_eq!(
                reasons,
                vec![
                    (3, "out of range: must be from 1 to 480"),
                    (34, "duplicate session_id: first accepted at line 2"),
                    (36, "duplicate session_id: first accepted at line 2"),
                    (37, "duplicate session_id: first accepted at line 35"),
                ]
            );
            assert_eq!(
                r.index.get("S2").map(|(row, a)| (row, a.line)),
                Some((31, 35))
            );
            assert_eq!(r.quality.rows, 36);
            assert_eq!(r.quality.accepted, 32);
        }
    }

    #[test]
    fn a_cut_inside_a_quoted_field_falls_back_to_one_reading() {
        // A stray quote in an unquoted field makes the quote count odd, so the cut lands on
        // the line break inside the quoted name further down.
        let mut body = row("S0", "Ann \"AJ Lee");
        for i in 1..20 {
            body += &row(&format!("S{i}"), "Ann");
        }
        body += &row("S20", "\"Lee,\nAnn\"");
        for i in 21..24 {
            body += &row(&format!("S{i}"), "Ann");
        }
        let cuts = cut_points(body.as_bytes(), 2);
        let inside = body.find("Lee,\nAnn").unwrap() + 5;
        assert_eq!(
            cuts,
            vec![0, inside, body.len()],
            "the cut is inside the record"
        );
        let r = read_text(&format!("{HEADER}{body}"), 2);
        assert!(r.rejects.is_empty(), "{:?}", r.rejects);
        assert_eq!(lines(&r), (2..=22).chain(24..=26).collect::<Vec<i64>>());
        let name = |id: &str| r.clients.name(r.clients.code(id).unwrap());
        assert_eq!(name("CS0"), Some("Ann \"AJ Lee"));
        assert_eq!(name("CS20"), Some("Lee,\nAnn"));
    }
}
