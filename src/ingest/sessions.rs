//! sessions.csv: one row per treatment session.

use std::collections::HashMap;

use indicatif::ProgressBar;
use polars::prelude::*;

use super::columns::SESSIONS;
use super::labels::Labels;
use super::values::{epoch_days, parse_integer_in, parse_number_in};
use super::{
    walk_fields, FileQuality, Input, Options, Reject, RowError, Source, Table, PROGRESS_EVERY,
};
use crate::error::{Error, Result};

/// Accepted sessions by id: (date as epoch days, line), for duplicate and feedback checks.
pub(super) type SessionIndex = HashMap<Box<str>, (i32, u64)>;

pub(super) struct SessionsRead {
    pub frame: DataFrame,
    pub rejects: Vec<Reject>,
    pub quality: FileQuality,
    pub has_fee: bool,
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
            ],
        )
    }
}

pub(super) fn read(
    source: &Source<'_>,
    opts: &Options,
    progress: &ProgressBar,
) -> Result<SessionsRead> {
    let config = &opts.settings.columns.sessions;
    let aliases: Vec<Option<String>> = SESSIONS
        .iter()
        .map(|c| config.alias(c.name).map(str::to_string))
        .collect();
    let mut table = Table::open(source, SESSIONS, &aliases, opts)?;
    let mut quality = table.quality();
    let has_fee = table.present[10];
    let mut techniques = Labels::new(&opts.settings.techniques.aliases);
    let mut regions = Labels::new(&opts.settings.regions.aliases);
    let mut index = SessionIndex::new();
    let mut rejects = Vec::new();
    let mut builder = Builder::new();
    let mut record = csv::ByteRecord::new();

    while let Some(line) = table.next_record(&mut record)? {
        quality.rows += 1;
        if quality.rows.is_multiple_of(PROGRESS_EVERY) {
            progress.set_position(record.position().map_or(0, |p| p.byte()));
        }
        let mut row = Row::default();
        let parsed = walk_fields(&table, SESSIONS, &record, |c, text| {
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
                _ => unreachable!("sessions has {} columns", SESSIONS.len()),
            }
            Ok(())
        })
        .and_then(|()| match index.get(row.session_id) {
            Some(&(_, first)) => Err(RowError::field(
                "session_id",
                row.session_id,
                format!("duplicate session_id: first accepted at line {first}"),
                "duplicate",
            )),
            None => Ok(()),
        });
        match parsed {
            Ok(()) => {
                index.insert(row.session_id.into(), (row.date, line));
                builder.push(line, &row, &techniques, &regions);
                quality.accepted += 1;
            }
            Err(e) => {
                rejects.push(e.into_reject(Input::Sessions, &table.file, line));
                quality.rejected += 1;
            }
        }
    }
    progress.set_position(table.reader.position().byte());
    let frame = builder.finish().map_err(Error::polars(format!(
        "{}: building the sessions frame",
        table.path.display()
    )))?;
    Ok(SessionsRead {
        frame,
        rejects,
        quality,
        has_fee,
        index,
    })
}
