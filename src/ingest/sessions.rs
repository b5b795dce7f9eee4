//! sessions.csv: one row per treatment session.

use indicatif::ProgressBar;
use polars::prelude::*;

use super::columns::SESSIONS;
use super::index::IdIndex;
use super::labels::Labels;
use super::values::{epoch_days, parse_integer_in, parse_number_in};
use super::{
    walk_fields, FileQuality, Input, Options, Reject, RowError, Source, Table, PROGRESS_EVERY,
};
use crate::error::{Error, Result};

/// An accepted session, as the duplicate and feedback checks need it.
#[derive(Debug, Clone, Copy)]
pub(super) struct Accepted {
    /// Epoch days.
    pub date: i32,
    pub line: u64,
}

/// Accepted sessions by id; the row number is the session's row in the sessions frame.
///
/// One id index per range of the file that was read on its own, part k's rows numbered
/// after part k−1's: joining them into one would cost more than the read of a range.
pub(super) struct SessionIndex {
    parts: Vec<IdIndex>,
    accepted: Vec<Accepted>,
}

impl SessionIndex {
    /// Sized for `bytes` of rows (a session row is usually 80 bytes or more; more grow it).
    fn for_bytes(bytes: usize) -> SessionIndex {
        let rows = bytes / 80 + 16;
        SessionIndex {
            parts: vec![IdIndex::with_capacity(rows, rows * 10)],
            accepted: Vec::with_capacity(rows),
        }
    }

    /// The session's row and what is known of it.
    pub fn get(&self, id: &str) -> Option<(u32, Accepted)> {
        let mut offset = 0;
        for part in &self.parts {
            if let Some(r) = part.get(id) {
                let row = offset + r;
                return Some((row, self.accepted[row as usize]));
            }
            offset += part.len() as u32;
        }
        None
    }

    /// Adds a session to the last part, or returns the one there that has this id.
    fn insert(&mut self, id: &str, accepted: Accepted) -> Result<(), Accepted> {
        let offset = self.accepted.len() - self.parts.last().map_or(0, IdIndex::len);
        let last = self.parts.last_mut().expect("an index has a part");
        match last.insert(id) {
            Ok(_) => {
                self.accepted.push(accepted);
                Ok(())
            }
            Err(row) => Err(self.accepted[offset + row as usize]),
        }
    }

    pub fn len(&self) -> usize {
        self.accepted.len()
    }

    /// The rows of a one-part index: id and facts, in row order.
    fn rows(&self) -> impl Iterator<Item = (&str, Accepted)> {
        let part = &self.parts[0];
        (0..part.len() as u32).map(move |r| (part.id(r), self.accepted[r as usize]))
    }

    /// Puts `later`'s parts after this index's.
    fn append(&mut self, later: SessionIndex) {
        self.parts.extend(later.parts);
        self.accepted.extend(later.accepted);
    }
}

pub(super) struct SessionsRead {
    pub frame: DataFrame,
    pub rejects: Vec<Reject>,
    pub quality: FileQuality,
    pub has_fee: bool,
    pub has_location: bool,
    pub index: SessionIndex,
}

#[derive(Default)]
struct Row<'r> {
    session_id: &'r str,
    client_id: &'r str,
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
}

struct Builder {
    line: Vec<i64>,
    session_id: StringChunkedBuilder,
    client_id: StringChunkedBuilder,
    client_name: StringChunkedBuilder,
    therapist: StringChunkedBuilder,
    date: Vec<i32>,
    technique: StringChunkedBuilder,
    body_region: ListStringChunkedBuilder,
    duration_min: Vec<i64>,
    pain_before: Vec<Option<f64>>,
    pain_after: Vec<Option<f64>>,
    fee: Vec<Option<f64>>,
    location: StringChunkedBuilder,
}

impl Builder {
    fn new() -> Builder {
        let cap = 1024;
        Builder {
            line: Vec::new(),
            session_id: StringChunkedBuilder::new("session_id".into(), cap),
            client_id: StringChunkedBuilder::new("client_id".into(), cap),
            client_name: StringChunkedBuilder::new("client_name".into(), cap),
            therapist: StringChunkedBuilder::new("therapist".into(), cap),
            date: Vec::new(),
            technique: StringChunkedBuilder::new("technique".into(), cap),
            body_region: ListStringChunkedBuilder::new("body_region".into(), cap, cap),
            duration_min: Vec::new(),
            pain_before: Vec::new(),
            pain_after: Vec::new(),
            fee: Vec::new(),
            location: StringChunkedBuilder::new("location".into(), cap),
        }
    }

    fn push(&mut self, line: u64, row: &Row<'_>, techniques: &Labels, regions: &Labels) {
        self.line.push(line as i64);
        self.session_id.append_value(row.session_id);
        self.client_id.append_value(row.client_id);
        self.client_name.append_option(row.client_name);
        self.therapist.append_value(row.therapist);
        self.date.push(row.date);
        self.technique.append_value(techniques.name(row.technique));
        self.body_region
            .append_values_iter(regions.list_names(row.regions));
        self.duration_min.push(row.duration_min);
        self.pain_before.push(row.pain_before);
        self.pain_after.push(row.pain_after);
        self.fee.push(row.fee);
        self.location.append_option(row.location);
    }

    fn finish(mut self) -> PolarsResult<DataFrame> {
        let height = self.line.len();
        DataFrame::new(
            height,
            vec![
                Column::new("line".into(), self.line),
                self.session_id.finish().into_column(),
                self.client_id.finish().into_column(),
                self.client_name.finish().into_column(),
                self.therapist.finish().into_column(),
                Int32Chunked::from_vec("date".into(), self.date)
                    .into_date()
                    .into_column(),
                self.technique.finish().into_column(),
                self.body_region.finish().into_column(),
                Column::new("duration_min".into(), self.duration_min),
                Column::new("pain_before".into(), self.pain_before),
                Column::new("pain_after".into(), self.pain_after),
                Column::new("fee".into(), self.fee),
                self.location.finish().into_column(),
            ],
        )
    }
}

/// One byte range of the file, read and checked on its own.
struct Chunk {
    frame: DataFrame,
    rejects: Vec<Reject>,
    index: SessionIndex,
    rows: u64,
    /// Where the first record after this chunk starts (the file's length at its end).
    end: usize,
}

/// Splits the records between `start` and the end of `data` into about `n` ranges, cutting
/// after a line break where the quotes before it are balanced. For a well-formed file that is
/// a record boundary; [`read`] checks each cut against the reading itself all the same.
fn cut_points(data: &[u8], start: usize, n: usize) -> Vec<usize> {
    let mut cuts = vec![start];
    let len = data.len() - start;
    let mut pos = start;
    let mut quotes = 0usize;
    for k in 1..n {
        let target = start + len * k / n;
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

/// Reads the records from `start` until the first one that starts at or after `stop`.
fn read_chunk(
    table: &Table<'_>,
    start: usize,
    stop: usize,
    opts: &Options,
    progress: &ProgressBar,
) -> Result<Chunk> {
    let mut records = table.records(start);
    let mut techniques = Labels::new(&opts.settings.techniques.aliases);
    let mut regions = Labels::new(&opts.settings.regions.aliases);
    let mut index = SessionIndex::for_bytes(stop.min(table.data.len()) - start);
    let mut rejects = Vec::new();
    let mut builder = Builder::new();
    let mut record = csv::ByteRecord::new();
    let mut rows = 0u64;
    // Progress goes up by increments: other ranges and the feedback file are read meanwhile.
    let mut reported = start;
    let mut end = table.data.len();

    while let Some(at) = records.next(table, &mut record)? {
        if at.byte >= stop {
            end = at.byte;
            break;
        }
        let line = at.line;
        rows += 1;
        if rows.is_multiple_of(PROGRESS_EVERY) {
            progress.inc((at.byte - reported) as u64);
            reported = at.byte;
        }
        let mut row = Row::default();
        let parsed = walk_fields(table, SESSIONS, &record, |c, text| {
            let name = SESSIONS[c].name;
            let bad = |e| RowError::value(name, text, &e);
            match c {
                0 => row.session_id = text,
                1 => row.client_id = text,
                2 => row.client_name = Some(text),
                3 => row.therapist = text,
                4 => row.date = epoch_days(opts.date_format.parse(text).map_err(bad)?),
                5 => {
                    row.technique = techniques.label(text).ok_or_else(|| {
                        RowError::field(
                            name,
                            text,
                            "no technique left after normalisation",
                            "empty",
                        )
                    })?
                }
                6 => {
                    row.regions = regions.list(text).ok_or_else(|| {
                        RowError::field(name, text, "no body region in the list", "empty")
                    })?
                }
                7 => row.duration_min = parse_integer_in(text, 1, 480).map_err(bad)?,
                8 => row.pain_before = Some(parse_number_in(text, 0.0, Some(10.0)).map_err(bad)?),
                9 => row.pain_after = Some(parse_number_in(text, 0.0, Some(10.0)).map_err(bad)?),
                10 => row.fee = Some(parse_number_in(text, 0.0, None).map_err(bad)?),
                11 => row.location = Some(text),
                _ => unreachable!("sessions has {} columns", SESSIONS.len()),
            }
            Ok(())
        })
        .and_then(|()| {
            // Last: a row counts as a repeat only of a row that was accepted.
            let accepted = Accepted {
                date: row.date,
                line,
            };
            index
                .insert(row.session_id, accepted)
                .map_err(|first| duplicate(row.session_id, first.line))
        });
        match parsed {
            Ok(()) => builder.push(line, &row, &techniques, &regions),
            Err(e) => rejects.push(e.into_reject(Input::Sessions, &table.file, line)),
        }
    }
    progress.inc((end.min(records.offset()).max(reported) - reported) as u64);
    let frame = builder.finish().map_err(Error::polars(format!(
        "{}: building the sessions frame",
        table.path.display()
    )))?;
    Ok(Chunk {
        frame,
        rejects,
        index,
        rows,
        end,
    })
}

fn duplicate(id: &str, first_line: u64) -> RowError {
    RowError::field(
        "session_id",
        id,
        format!("duplicate session_id: first accepted at line {first_line}"),
        "duplicate",
    )
}

/// Appends a later chunk: its rows whose id an earlier chunk accepted become duplicates, and
/// its own duplicates name the first accepted line of the whole file.
fn merge(into: &mut Chunk, next: Chunk, file: &str) -> PolarsResult<()> {
    let mut rejects = next.rejects;
    let keep: Vec<bool> = next
        .index
        .rows()
        .map(|(id, _)| into.index.get(id).is_none())
        .collect();
    let (frame, index) = if keep.iter().all(|&k| k) {
        (next.frame, next.index)
    } else {
        let mut index = SessionIndex::for_bytes(0);
        for ((id, accepted), &k) in next.index.rows().zip(&keep) {
            match into.index.get(id) {
                Some((_, first)) if !k => {
                    rejects.push(duplicate(id, first.line).into_reject(
                        Input::Sessions,
                        file,
                        accepted.line,
                    ));
                }
                _ => {
                    let _ = index.insert(id, accepted);
                }
            }
        }
        let mask = BooleanChunked::from_slice("keep".into(), &keep);
        (next.frame.filter(&mask)?, index)
    };
    into.index.append(index);
    for r in rejects
        .iter_mut()
        .filter(|r| r.kind == "session_id: duplicate")
    {
        if let Some((_, first)) = into.index.get(&r.value) {
            r.reason = duplicate(&r.value, first.line).reason;
        }
    }
    rejects.sort_by_key(|r| r.line);
    into.frame.vstack_mut(&frame)?;
    into.rejects.extend(rejects);
    into.rows += next.rows;
    into.end = next.end;
    Ok(())
}

/// Reads and checks the sessions file, in as many ranges as there are cores.
pub(super) fn read(
    source: &Source<'_>,
    opts: &Options,
    progress: &ProgressBar,
) -> Result<SessionsRead> {
    let threads = std::thread::available_parallelism()
        .map_or(1, |n| n.get())
        .min(8);
    read_in(source, opts, progress, threads)
}

/// Reads and checks the sessions file in about `ranges` ranges at once.
fn read_in(
    source: &Source<'_>,
    opts: &Options,
    progress: &ProgressBar,
    ranges: usize,
) -> Result<SessionsRead> {
    let table = Table::open(source, SESSIONS, &opts.settings.columns.sessions, opts)?;
    let cuts = cut_points(table.data, table.body_start, ranges);
    let chunks: Vec<Result<Chunk>> = std::thread::scope(|scope| {
        let handles: Vec<_> = cuts
            .windows(2)
            .map(|w| scope.spawn(|| read_chunk(&table, w[0], w[1], opts, progress)))
            .collect();
        handles
            .into_iter()
            .map(|h| {
                h.join()
                    .unwrap_or_else(|panic| std::panic::resume_unwind(panic))
            })
            .collect()
    });
    let mut chunks = chunks.into_iter();
    let mut all = chunks.next().expect("at least one range")?;
    let polars_err = || {
        Error::polars(format!(
            "{}: building the sessions frame",
            table.path.display()
        ))
    };
    for (next, &start) in chunks.zip(&cuts[1..]) {
        if all.end != start {
            // The cut fell inside a record (unbalanced quotes): read on from where the
            // reading really stopped, in one piece.
            let rest = read_chunk(&table, all.end, usize::MAX, opts, progress)?;
            merge(&mut all, rest, &table.file).map_err(polars_err())?;
            break;
        }
        merge(&mut all, next?, &table.file).map_err(polars_err())?;
    }
    let mut quality = table.quality();
    quality.rows = all.rows;
    quality.rejected = all.rejects.len() as u64;
    quality.accepted = all.rows - quality.rejected;
    Ok(SessionsRead {
        frame: all.frame,
        rejects: all.rejects,
        quality,
        has_fee: table.present[10],
        has_location: table.present[11],
        index: all.index,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    const HEADER: &str = "session_id,client_id,client_name,therapist,date,technique,body_region,duration_min,pain_before,pain_after,fee\n";

    fn row(id: &str, name: &str) -> String {
        format!("{id},C1,{name},Maria,2026-03-02,Dry needling,Neck,60,7,5,85\n")
    }

    fn read_text(text: &str, ranges: usize) -> SessionsRead {
        let source = Source::from_bytes("sessions.csv", text.as_bytes());
        read_in(&source, &Options::default(), &ProgressBar::hidden(), ranges).unwrap()
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

    #[test]
    fn cuts_fall_after_line_breaks_with_balanced_quotes() {
        let text = format!(
            "{HEADER}{}{}{}{}",
            row("S1", "A"),
            row("S2", "\"B,\nC\""),
            row("S3", "D"),
            row("S4", "E")
        );
        let data = text.as_bytes();
        for n in 1..6 {
            let cuts = cut_points(data, HEADER.len(), n);
            assert_eq!(cuts.first(), Some(&HEADER.len()));
            assert_eq!(cuts.last(), Some(&data.len()));
            for &c in &cuts[1..cuts.len() - 1] {
                assert_eq!(data[c - 1], b'\n');
                assert_eq!(data[..c].iter().filter(|&&b| b == b'"').count() % 2, 0);
            }
        }
    }

    #[test]
    fn ranges_give_what_one_reading_gives() {
        let mut text = HEADER.to_string();
        for i in 0..40 {
            text += &row(
                &format!("S{i}"),
                if i % 7 == 0 { "\"Lee,\nAnn\"" } else { "Ann" },
            );
            if i % 5 == 0 {
                text += "\n";
            }
        }
        let one = read_text(&text, 1);
        for ranges in 2..5 {
            let many = read_text(&text, ranges);
            assert_eq!(lines(&many), lines(&one));
            assert!(many.frame.equals_missing(&one.frame));
            assert_eq!(many.index.len(), 40);
            assert_eq!(many.index.get("S39").map(|(row, _)| row), Some(39));
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
        let r = read_text(&text, 2);
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

    #[test]
    fn a_cut_inside_a_quoted_field_falls_back_to_one_reading() {
        // A stray quote in an unquoted field makes the quote count odd, so the cut lands on
        // the line break inside the quoted name further down.
        let mut text = HEADER.to_string();
        text += &row("S0", "Ann \"AJ Lee");
        for i in 1..20 {
            text += &row(&format!("S{i}"), "Ann");
        }
        text += &row("S20", "\"Lee,\nAnn\"");
        for i in 21..24 {
            text += &row(&format!("S{i}"), "Ann");
        }
        let data = text.as_bytes();
        let cuts = cut_points(data, HEADER.len(), 2);
        let inside = text.find("Lee,\nAnn").unwrap() + 5;
        assert_eq!(
            cuts,
            vec![HEADER.len(), inside, data.len()],
            "the cut is inside the record"
        );
        let r = read_text(&text, 2);
        assert!(r.rejects.is_empty(), "{:?}", r.rejects);
        assert_eq!(lines(&r), (2..=22).chain(24..=26).collect::<Vec<i64>>());
        let names = r
            .frame
            .column("client_name")
            .unwrap()
            .str()
            .unwrap()
            .clone();
        assert_eq!(names.get(0), Some("Ann \"AJ Lee"));
        assert_eq!(names.get(20), Some("Lee,\nAnn"));
    }
}
