//! A spreadsheet (`.xlsx`, `.xlsm`, `.xls`, `.ods`) as rows of text, with calamine: the
//! first sheet or the one the config names, each cell as the text the same value has in a
//! CSV of this file's forms (a number cell in its decimal notation, a date cell in its date
//! format with the time after it, a duration cell in minutes), each row with its sheet row
//! number, which is its `line` in rejects.csv.

use std::io::Cursor;
use std::path::Path;

use calamine::{Data, Reader, Sheets};

use super::values::{DateFormat, Forms};
use crate::error::{Error, Result};

/// A sheet's header and rows, as text.
pub(super) struct SheetRows {
    /// The header as written (trimmed), and its sheet row.
    pub headers: Vec<String>,
    pub header_line: u64,
    /// The rows after the header, blank ones left out: (sheet row, fields).
    pub rows: Vec<(u64, csv::ByteRecord)>,
}

fn open(path: &Path, bytes: Vec<u8>) -> Result<Sheets<Cursor<Vec<u8>>>> {
    let cause = |e: calamine::Error| Error::Spreadsheet {
        path: path.to_path_buf(),
        why: match e {
            calamine::Error::Xlsx(calamine::XlsxError::Password)
            | calamine::Error::Xls(calamine::XlsError::Password)
            | calamine::Error::Ods(calamine::OdsError::Password) => {
                "it is password-protected: save a copy without the password".to_string()
            }
            other => other.to_string(),
        },
    };
    // An OLE file is an `.xls`, or an encrypted `.xlsx` (which only the xlsx reader names).
    if bytes.starts_with(b"PK") {
        let is_ods = bytes
            .windows(46)
            .take(200)
            .any(|w| w == b"mimetypeapplication/vnd.oasis.opendocument.spr");
        let cursor = Cursor::new(bytes);
        return if is_ods {
            calamine::open_workbook_from_rs(cursor)
                .map(Sheets::Ods)
                .map_err(|e| cause(calamine::Error::Ods(e)))
        } else {
            calamine::open_workbook_from_rs(cursor)
                .map(Sheets::Xlsx)
                .map_err(|e| cause(calamine::Error::Xlsx(e)))
        };
    }
    match calamine::open_workbook_from_rs(Cursor::new(bytes.clone())) {
        Ok(xls) => Ok(Sheets::Xls(xls)),
        Err(xls_err) => match calamine::open_workbook_from_rs(Cursor::new(bytes)) {
            Ok(xlsx) => Ok(Sheets::Xlsx(xlsx)),
            Err(calamine::XlsxError::Password) => {
                Err(cause(calamine::Error::Xlsx(calamine::XlsxError::Password)))
            }
            Err(_) => Err(cause(calamine::Error::Xls(xls_err))),
        },
    }
}

/// The first rows of a workbook's first sheet as text, blank rows left out, with their sheet
/// row numbers: what `init` looks at.
pub fn first_rows(path: &Path, bytes: Vec<u8>, n: usize) -> Result<Vec<(u64, Vec<String>)>> {
    let read = read_sheet(path, bytes, None, Some(1), &Forms::default(), "input", true)?;
    let mut rows = Vec::with_capacity(n.min(read.rows.len() + 1));
    if !read.headers.iter().all(String::is_empty) {
        rows.push((read.header_line, read.headers));
    }
    for (line, record) in read.rows.into_iter().take(n) {
        rows.push((
            line,
            record
                .iter()
                .map(|f| String::from_utf8_lossy(f).trim().to_string())
                .collect(),
        ));
    }
    Ok(rows)
}

/// Reads the sheet `sheet` (default the first) of the workbook in `bytes`; the header is on
/// sheet row `header_row` (default: the first row that is not empty). `key` names the config
/// table for messages.
pub(super) fn read(
    path: &Path,
    bytes: Vec<u8>,
    sheet: Option<&str>,
    header_row: Option<u64>,
    forms: &Forms,
    key: &str,
) -> Result<SheetRows> {
    read_sheet(path, bytes, sheet, header_row, forms, key, false)
}

/// [`read`]; `every_column`: the rows as wide as the sheet, not cut at the header's last
/// name.
fn read_sheet(
    path: &Path,
    bytes: Vec<u8>,
    sheet: Option<&str>,
    header_row: Option<u64>,
    forms: &Forms,
    key: &str,
    every_column: bool,
) -> Result<SheetRows> {
    let mut book = open(path, bytes)?;
    let names = book.sheet_names();
    let range = match sheet {
        Some(name) => {
            let Some(found) = names.iter().find(|n| n.trim() == name.trim()) else {
                return Err(Error::NoSuchSheet {
                    path: path.to_path_buf(),
                    sheet: crate::error::echo(name),
                    key: format!("{key}.sheet"),
                    found: crate::error::echo_list(
                        names.iter().map(String::as_str),
                        crate::error::backticks,
                    ),
                });
            };
            book.worksheet_range(&found.clone())
        }
        None => match book.worksheet_range_at(0) {
            Some(r) => r,
            None => {
                return Err(Error::Spreadsheet {
                    path: path.to_path_buf(),
                    why: "the workbook has no sheet".to_string(),
                })
            }
        },
    }
    .map_err(|e| Error::Spreadsheet {
        path: path.to_path_buf(),
        why: e.to_string(),
    })?;
    let (first_row, first_col) = range.start().unwrap_or((0, 0));
    let sheet_rows = u64::from(first_row) + range.height() as u64;
    // Without making each cell's text: a million rows are asked.
    let blank = |row: &[Data]| {
        row.iter().all(|c| match c {
            Data::Empty => true,
            Data::String(s) | Data::DateTimeIso(s) | Data::DurationIso(s) => s.trim().is_empty(),
            _ => false,
        })
    };
    let mut rows = range
        .rows()
        .enumerate()
        .map(|(i, r)| (u64::from(first_row) + i as u64 + 1, r));
    let header: Option<(u64, &[Data])> = match header_row {
        Some(n) if n > sheet_rows => {
            return Err(Error::HeaderRowPastEnd {
                path: path.to_path_buf(),
                key: format!("{key}.header_row"),
                header_row: n,
                lines: sheet_rows,
            })
        }
        // Rows above the used range are empty: the header is then an empty row.
        Some(n) if n <= u64::from(first_row) => None,
        Some(n) => rows.by_ref().find(|(line, _)| *line == n),
        None => rows.by_ref().find(|(_, r)| !blank(r)),
    };
    // Columns left of the used range are empty: the header's first cells are then empty.
    let lead = first_col as usize;
    let mut headers: Vec<String> = std::iter::repeat_n(String::new(), lead)
        .chain(
            header
                .map(|(_, r)| {
                    r.iter()
                        .map(|c| text(c, forms).trim().to_string())
                        .collect::<Vec<String>>()
                })
                .unwrap_or_default(),
        )
        .collect();
    while headers.last().is_some_and(String::is_empty) {
        headers.pop();
    }
    let width = if every_column {
        lead + range.width()
    } else {
        headers.len()
    };
    let header_line = header.map_or(header_row.unwrap_or(1), |(line, _)| line);
    let mut out = Vec::with_capacity(range.height());
    let mut made = String::new();
    for (line, row) in rows {
        if blank(row) {
            continue;
        }
        let mut record = csv::ByteRecord::with_capacity(16 * width, width);
        for k in 0..width {
            match k.checked_sub(lead).and_then(|k| row.get(k)) {
                None | Some(Data::Empty) => record.push_field(b""),
                // Text cells as they are: no copy of their own.
                Some(Data::String(s)) => record.push_field(s.as_bytes()),
                Some(cell) => {
                    made.clear();
                    made.push_str(&text(cell, forms));
                    record.push_field(made.as_bytes());
                }
            }
        }
        out.push((line, record));
    }
    Ok(SheetRows {
        headers,
        header_line,
        rows: out,
    })
}

/// A cell as the text a CSV export of this file would hold.
fn text(cell: &Data, forms: &Forms) -> String {
    match cell {
        Data::Empty => String::new(),
        Data::String(s) => s.clone(),
        Data::Int(i) => i.to_string(),
        Data::Float(f) => number(*f, forms),
        Data::Bool(b) => if *b { "TRUE" } else { "FALSE" }.to_string(),
        Data::Error(e) => e.to_string(),
        Data::DateTime(dt) if dt.is_duration() => {
            number((dt.as_f64() * 1440.0 * 1e6).round() / 1e6, forms)
        }
        Data::DateTime(dt) => {
            let (y, mo, d, h, mi, s, ms) = dt.to_ymd_hms_milli();
            // A serial day holds its time as a fraction: 10:00 may come back as 09:59:59.999.
            match chrono::NaiveDate::from_ymd_opt(i32::from(y), u32::from(mo), u32::from(d))
                .and_then(|date| date.and_hms_opt(u32::from(h), u32::from(mi), u32::from(s)))
                .map(|t| t + chrono::Duration::seconds(i64::from(ms >= 500)))
            {
                Some(t) => date_time(t, &forms.date),
                None => number(dt.as_f64(), forms),
            }
        }
        Data::DateTimeIso(s) => chrono::NaiveDateTime::parse_from_str(s, "%Y-%m-%dT%H:%M:%S%.f")
            .ok()
            .or_else(|| {
                chrono::NaiveDate::parse_from_str(s, "%Y-%m-%d")
                    .ok()
                    .and_then(|d| d.and_hms_opt(0, 0, 0))
            })
            .map_or_else(|| s.clone(), |t| date_time(t, &forms.date)),
        Data::DurationIso(s) => iso_minutes(s).map_or_else(|| s.clone(), |m| number(m, forms)),
    }
}

fn number(f: f64, forms: &Forms) -> String {
    let s = f.to_string();
    if forms.decimal_comma {
        s.replace('.', ",")
    } else {
        s
    }
}

/// A date cell in the file's date format, its time after a space (read by `start`/`end`,
/// ignored by `date`).
fn date_time(t: chrono::NaiveDateTime, format: &DateFormat) -> String {
    let date = match format {
        DateFormat::Iso => t.format("%Y-%m-%d").to_string(),
        DateFormat::Custom(f) => t.format(f).to_string(),
    };
    format!("{date} {}", t.format("%H:%M:%S"))
}

/// An ISO 8601 duration (`PT1H30M`, ods) in minutes.
fn iso_minutes(s: &str) -> Option<f64> {
    let t = s.strip_prefix("PT")?;
    let (mut minutes, mut num) = (0.0, String::new());
    for c in t.chars() {
        match c {
            '0'..='9' | '.' => num.push(c),
            'H' | 'M' | 'S' => {
                let v: f64 = num.parse().ok()?;
                minutes += match c {
                    'H' => v * 60.0,
                    'M' => v,
                    _ => v / 60.0,
                };
                num.clear();
            }
            _ => return None,
        }
    }
    num.is_empty().then_some(minutes)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cells_read_as_their_csv_text() {
        let forms = Forms::default();
        assert_eq!(text(&Data::Float(85.0), &forms), "85");
        assert_eq!(text(&Data::Float(6.5), &forms), "6.5");
        let comma = Forms {
            decimal_comma: true,
            ..Forms::default()
        };
        assert_eq!(text(&Data::Float(6.5), &comma), "6,5");
        // 2025-10-13 12:00:00 in Excel's 1900 system.
        let dt =
            calamine::ExcelDateTime::new(45943.5, calamine::ExcelDateTimeType::DateTime, false);
        assert_eq!(text(&Data::DateTime(dt), &forms), "2025-10-13 12:00:00");
        let dotted = Forms {
            date: DateFormat::Custom("%d.%m.%Y".into()),
            ..Forms::default()
        };
        assert_eq!(text(&Data::DateTime(dt), &dotted), "13.10.2025 12:00:00");
        let length =
            calamine::ExcelDateTime::new(1.5 / 24.0, calamine::ExcelDateTimeType::TimeDelta, false);
        assert_eq!(text(&Data::DateTime(length), &forms), "90");
        assert_eq!(text(&Data::DurationIso("PT1H30M".into()), &forms), "90");
        assert_eq!(
            text(&Data::DateTimeIso("2026-10-31T09:30:00".into()), &forms),
            "2026-10-31 09:30:00"
        );
    }
}
