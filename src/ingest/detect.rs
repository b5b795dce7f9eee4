//! What `init` reads off a clinic's own export: how the file is written (encoding,
//! delimiter, the row of the header, a footer) and what each column's values look like
//! (dates and their format, numbers with a decimal comma, money, `1h 30m` lengths, times,
//! e-mail addresses). Nothing here decides a figure; [`super::propose`] turns it into a
//! config for a person to check.

use std::io::Read;
use std::path::Path;

use super::columns::ColumnSpec;
use super::values::{parse_money, parse_number, parse_time, DateFormat, Forms};
use crate::error::{Error, Result};

/// The delimiters `init` tries, in order of preference on a tie.
pub const DELIMITERS: [u8; 4] = [b',', b';', b'\t', b'|'];

/// How many records from the top may come before the header (title rows).
const HEADER_WITHIN: usize = 30;

/// The start of a file: its header and first rows, as `ingest` will read them.
#[derive(Debug)]
pub struct Sample {
    /// None for a spreadsheet.
    pub delimiter: Option<u8>,
    /// The encoding that reads the file, when it is neither UTF-8 nor marked UTF-16, and the
    /// text that shows it (a value with its accents).
    pub encoding: Option<(&'static encoding_rs::Encoding, String)>,
    /// A UTF-16 byte-order mark: read as such without any key.
    pub utf16: bool,
    /// The 1-based line (or sheet row) of the header, and whether the config must say so
    /// (title rows above it).
    pub header_line: u64,
    pub header_row_needed: bool,
    /// What the rows above the header hold (for the message).
    pub titles: Vec<String>,
    pub headers: Vec<String>,
    pub rows: Vec<Vec<String>>,
    /// The line (sheet row) of a Total row that ends the data, if the sample reached one.
    pub footer: Option<u64>,
    /// The rows are all the file's (it ended before the sample did).
    pub complete: bool,
}

impl Sample {
    /// The sampled values of column `h`, empty ones left out.
    pub fn values(&self, h: usize) -> Vec<&str> {
        self.rows
            .iter()
            .filter_map(|r| r.get(h).map(String::as_str))
            .filter(|v| !v.is_empty())
            .collect()
    }
}

/// Reads a file's first 8 MiB (a spreadsheet whole) and up to `max_rows` rows after its
/// header.
pub fn sample(path: &Path, max_rows: usize) -> Result<Sample> {
    let read_err = |source| Error::Read {
        path: path.to_path_buf(),
        source,
    };
    let mut bytes = Vec::new();
    let mut file = std::fs::File::open(path).map_err(read_err)?;
    (&mut file)
        .take(8 << 20)
        .read_to_end(&mut bytes)
        .map_err(read_err)?;
    if super::source::is_spreadsheet(&bytes) {
        file.read_to_end(&mut bytes).map_err(read_err)?;
        let rows = super::sheet::first_rows(path, bytes, max_rows + HEADER_WITHIN)?;
        return Ok(shape(rows, None, None, false, max_rows, true));
    }
    let mut utf16 = false;
    let mut encoding = None;
    let text: String = if let Some(e) = super::source::utf16_bom(&bytes) {
        utf16 = true;
        e.decode_with_bom_removal(&bytes).0.into_owned()
    } else {
        let body = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(&bytes);
        // A sample cut in the middle of a character is still UTF-8.
        let valid = match std::str::from_utf8(body) {
            Ok(_) => true,
            Err(e) => e.error_len().is_none() && bytes.len() >= 8 << 20,
        };
        if valid {
            String::from_utf8_lossy(body).into_owned()
        } else {
            match super::source::guess_encoding(body) {
                Some(e) => {
                    let decoded = e.decode_without_bom_handling(body).0.into_owned();
                    let shown = accented_word(&decoded);
                    encoding = Some((e, shown));
                    decoded
                }
                None => String::from_utf8_lossy(body).into_owned(),
            }
        }
    };
    let delimiter = detect_delimiter(text.as_bytes());
    let mut reader = super::csv_reader(text.as_bytes(), delimiter);
    let mut rows = Vec::new();
    let mut record = csv::StringRecord::new();
    while rows.len() < max_rows + HEADER_WITHIN {
        match reader.read_record(&mut record) {
            Ok(true) => {}
            _ => break,
        }
        let line = record.position().map_or(0, |p| p.line());
        let fields: Vec<String> = record.iter().map(|f| f.trim().to_string()).collect();
        if fields.iter().all(String::is_empty) {
            continue;
        }
        rows.push((line, fields));
    }
    let whole = bytes.len() < 8 << 20;
    Ok(shape(
        rows,
        Some(delimiter),
        encoding,
        utf16,
        max_rows,
        whole,
    ))
}

/// A word of `text` with a letter beyond ASCII, to show what an encoding reads.
fn accented_word(text: &str) -> String {
    text.split(|c: char| !c.is_alphanumeric())
        .find(|w| !w.is_ascii())
        .unwrap_or_default()
        .to_string()
}

/// Finds the header among the first rows and the data after it (up to a footer).
fn shape(
    rows: Vec<(u64, Vec<String>)>,
    delimiter: Option<u8>,
    encoding: Option<(&'static encoding_rs::Encoding, String)>,
    utf16: bool,
    max_rows: usize,
    whole: bool,
) -> Sample {
    let filled = |r: &[String]| r.iter().filter(|f| !f.is_empty()).count();
    let widest = rows
        .iter()
        .take(HEADER_WITHIN + 20)
        .map(|(_, r)| filled(r))
        .max()
        .unwrap_or(0);
    // The header: the first row with at least half as many names as the widest row, none
    // of them a number or a date (a title row has one cell; a data row has numbers).
    let at = rows
        .iter()
        .take(HEADER_WITHIN)
        .position(|(_, r)| {
            let n = filled(r);
            n >= 2.min(widest)
                && n * 2 >= widest
                && r.iter()
                    .filter(|f| !f.is_empty())
                    .all(|f| parse_number(f).is_err() && !looks_like_date(f))
        })
        .unwrap_or(0);
    let header_line = rows.get(at).map_or(1, |(l, _)| *l);
    let titles = rows[..at]
        .iter()
        .map(|(_, r)| {
            r.iter()
                .filter(|f| !f.is_empty())
                .cloned()
                .collect::<Vec<_>>()
                .join(" ")
        })
        .collect();
    // A CSV header on its first non-blank line, a sheet's on its first non-empty row, is
    // found without the key.
    let header_row_needed = at > 0;
    let mut data = rows.into_iter().skip(at);
    let headers = data.next().map(|(_, r)| r).unwrap_or_default();
    let mut out = Vec::new();
    let mut footer = None;
    let mut cut = false;
    for (line, r) in data {
        let first = r.iter().find(|f| !f.is_empty()).map(|f| f.to_lowercase());
        if matches!(
            first.as_deref().map(|f| f.trim_end_matches(':')),
            Some("total" | "totals" | "grand total" | "summary")
        ) {
            footer = Some(line);
            break;
        }
        if out.len() < max_rows {
            out.push(r);
        } else {
            cut = true;
        }
    }
    Sample {
        delimiter,
        encoding,
        utf16,
        header_line,
        header_row_needed,
        titles,
        headers,
        rows: out,
        footer,
        complete: whole && !cut,
    }
}

/// The delimiter under which the most records, title rows aside, have one width (and more
/// than one field).
pub fn detect_delimiter(text: &[u8]) -> u8 {
    let score = |d: u8| -> (usize, usize) {
        let mut reader = super::csv_reader(text, d);
        let widths: Vec<usize> = reader
            .byte_records()
            .map_while(|r| r.ok())
            .take(230)
            .map(|r| r.len())
            .filter(|&w| w > 1)
            .collect();
        let mut counts = std::collections::BTreeMap::<usize, usize>::new();
        for w in &widths {
            *counts.entry(*w).or_default() += 1;
        }
        counts
            .into_iter()
            .map(|(w, n)| (n, w))
            .max()
            .unwrap_or((0, 0))
    };
    let mut best = (DELIMITERS[0], (0, 0));
    for d in DELIMITERS {
        let s = score(d);
        if s > best.1 {
            best = (d, s);
        }
    }
    best.0
}

/// A header reduced to its letters and digits, lower case: "Booking #" → "booking",
/// "Duration (min)" → "durationmin".
pub fn key(header: &str) -> String {
    header
        .chars()
        .filter(|c| c.is_alphanumeric())
        .flat_map(char::to_lowercase)
        .collect()
}

/// A header's words, lower case: "Where is your pain? " → ["where", "is", "your", "pain"].
pub fn words(header: &str) -> Vec<String> {
    header
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(str::to_lowercase)
        .collect()
}

/// The headers most like a column's name or synonyms, best first (at most three), among
/// those no column took.
pub fn closest(column: &ColumnSpec, headers: &[String], taken: &[bool]) -> Vec<String> {
    let own = key(column.name);
    let names: Vec<&str> = std::iter::once(own.as_str())
        .chain(column.synonyms.iter().copied())
        .collect();
    let mut scored: Vec<(f64, &String)> = headers
        .iter()
        .zip(taken)
        .filter(|(_, &t)| !t)
        .map(|(h, _)| {
            let k = key(h);
            let s = names
                .iter()
                .map(|n| strsim::normalized_levenshtein(n, &k))
                .fold(0.0, f64::max);
            (s, h)
        })
        .collect();
    scored.sort_by(|a, b| b.0.total_cmp(&a.0).then_with(|| a.1.cmp(b.1)));
    scored.into_iter().take(3).map(|(_, h)| h.clone()).collect()
}

/// The date formats `init` tries: `None` is the contract's own (YYYY-MM-DD). chrono reads a
/// month's full name and its abbreviation with either `%B` or `%b`.
pub const DATE_FORMATS: [Option<&str>; 12] = [
    None,
    Some("%d.%m.%Y"),
    Some("%d/%m/%Y"),
    Some("%m/%d/%Y"),
    Some("%d-%m-%Y"),
    Some("%m-%d-%Y"),
    Some("%Y/%m/%d"),
    Some("%B %d, %Y"),
    Some("%b %d, %Y"),
    Some("%d %B %Y"),
    Some("%d %b %Y"),
    Some("%Y.%m.%d"),
];

/// Whether a value reads as a date under one of the formats `init` knows.
pub fn looks_like_date(v: &str) -> bool {
    DATE_FORMATS.iter().any(|f| {
        f.map_or(DateFormat::Iso, |f| DateFormat::Custom(f.to_string()))
            .parse(v)
            .is_ok()
    })
}

/// What the dates look like.
#[derive(Debug, PartialEq)]
pub struct DateGuess {
    /// `None`: the contract's YYYY-MM-DD.
    pub format: Option<String>,
    /// Values the format does not read (of `total`).
    pub unread: usize,
    pub total: usize,
    /// Day-first and month-first both read every value (no day above 12 anywhere): the
    /// day-first reading was taken.
    pub ambiguous: bool,
    /// A value it reads, to show.
    pub example: Option<String>,
}

/// The format that reads the most values (with or without a time or a zone after them);
/// between a day-first and a month-first format that read as many, the day-first one; the
/// full month name (`%B`) when the values spell months out.
pub fn detect_date_format<'a>(values: impl IntoIterator<Item = &'a str>) -> DateGuess {
    let values: Vec<&str> = values.into_iter().filter(|v| !v.is_empty()).collect();
    let reads = |f: Option<&str>| {
        let format = f.map_or(DateFormat::Iso, |f| DateFormat::Custom(f.to_string()));
        values.iter().filter(|v| format.parse(v).is_ok()).count()
    };
    let counts: Vec<usize> = DATE_FORMATS.iter().map(|&f| reads(f)).collect();
    let mut best = (0..DATE_FORMATS.len())
        .max_by(|&a, &b| counts[a].cmp(&counts[b]).then(b.cmp(&a)))
        .unwrap_or(0);
    // `%B` and `%b` read the same values: write the one the export spells.
    let spelled = values.iter().any(|v| {
        v.split(|c: char| !c.is_alphabetic())
            .any(|w| w.len() > 3 && MONTHS.iter().any(|m| m.eq_ignore_ascii_case(w)))
    });
    let position = |f: &str| DATE_FORMATS.iter().position(|&x| x == Some(f));
    for (long, short) in [("%B %d, %Y", "%b %d, %Y"), ("%d %B %Y", "%d %b %Y")] {
        if let (Some(l), Some(s)) = (position(long), position(short)) {
            if best == l || best == s {
                best = if spelled { l } else { s };
            }
        }
    }
    let pair = |f: &str, g: &str| position(f).zip(position(g));
    let ambiguous = [pair("%d/%m/%Y", "%m/%d/%Y"), pair("%d-%m-%Y", "%m-%d-%Y")]
        .into_iter()
        .flatten()
        .any(|(d, m)| best == d && counts[m] == counts[d] && counts[d] > 0);
    let format = DATE_FORMATS[best].map(str::to_string);
    let as_format = format.clone().map_or(DateFormat::Iso, DateFormat::Custom);
    DateGuess {
        example: values
            .iter()
            .find(|v| as_format.parse(v).is_ok())
            .map(|v| v.to_string()),
        format,
        unread: values.len() - counts[best],
        total: values.len(),
        ambiguous,
    }
}

const MONTHS: [&str; 12] = [
    "january",
    "february",
    "march",
    "april",
    "may",
    "june",
    "july",
    "august",
    "september",
    "october",
    "november",
    "december",
];

/// How a column's numbers are written, the simplest form that reads (nearly) all of them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct NumberForm {
    pub decimal_comma: bool,
    pub money: bool,
    /// `1h 30m`, `1:30`.
    pub clock: bool,
}

/// The share of values a reading must take for a column to be of its type.
const MOST: f64 = 0.9;

fn most(values: &[&str], reads: impl Fn(&str) -> bool) -> bool {
    !values.is_empty()
        && values.iter().filter(|v| reads(v)).count() as f64 >= MOST * values.len() as f64
}

/// The plainest number form that reads the values: plain numbers, then a decimal comma, then
/// amounts of money (`$1,234.50`, `1.234,50 €`), then (`durations`) clock lengths. None: not
/// numbers (a yes/no column, names).
pub fn number_form(values: &[&str], durations: bool) -> Option<NumberForm> {
    let forms = [
        (false, false, false),
        (true, false, false),
        (false, true, false),
        (true, true, false),
        (false, false, true),
        (true, false, true),
    ];
    forms
        .into_iter()
        .filter(|&(_, _, clock)| durations || !clock)
        .map(|(decimal_comma, money, clock)| NumberForm {
            decimal_comma,
            money,
            clock,
        })
        .find(|f| {
            let forms = Forms {
                decimal_comma: f.decimal_comma,
                money: f.money,
                clock: f.clock,
                ..Forms::default()
            };
            most(values, |v| {
                if f.money {
                    parse_money(v, f.decimal_comma).is_ok()
                } else if f.clock {
                    forms.duration(v).is_ok()
                } else {
                    forms.number(v).is_ok()
                }
            })
        })
}

/// Whether the values are times of day, alone or after a date of one of the known formats.
pub fn are_times(values: &[&str], date: &DateFormat) -> bool {
    most(values, |v| match date.split(v) {
        Some((_, rest)) if !rest.is_empty() => parse_time(rest).is_ok(),
        Some(_) => false,
        None => parse_time(v).is_ok(),
    })
}

/// Whether the values are dates under `format`.
pub fn are_dates(values: &[&str], format: &DateFormat) -> bool {
    most(values, |v| format.parse(v).is_ok())
}

/// Whether the values are e-mail addresses.
pub fn are_emails(values: &[&str]) -> bool {
    most(values, |v| {
        v.split_once('@')
            .is_some_and(|(a, b)| !a.is_empty() && b.contains('.') && !v.contains(' '))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn delimiters_by_consistent_width() {
        assert_eq!(detect_delimiter(b"a;b;c\n1;2,5;3\n4;5;6\n"), b';');
        assert_eq!(detect_delimiter(b"a,b,c\n1,2,3\n"), b',');
        assert_eq!(detect_delimiter(b"a\tb\n1\t2\n"), b'\t');
        assert_eq!(detect_delimiter(b"a|b|c\n\"x|y\"|2|3\n"), b'|');
        // A quoted comma does not count as a field break.
        assert_eq!(detect_delimiter(b"a;b\n\"1,5\";2\n\"1,5\";2\n"), b';');
        // Title rows above the header do not decide it.
        assert_eq!(
            detect_delimiter(b"Clinic report\nOctober, all staff\na;b;c\n1;2;3\n4;5;6\n"),
            b';'
        );
    }

    #[test]
    fn the_header_comes_after_the_title_rows() {
        let rows = vec![
            (
                1,
                vec![
                    "Harbour Street Clinic".to_string(),
                    String::new(),
                    String::new(),
                ],
            ),
            (
                2,
                vec![
                    "Appointments 01/10/2026".to_string(),
                    String::new(),
                    String::new(),
                ],
            ),
            (
                4,
                vec!["Date".to_string(), "Patient".to_string(), "Fee".to_string()],
            ),
            (
                5,
                vec![
                    "2026-10-01".to_string(),
                    "Ann".to_string(),
                    "85".to_string(),
                ],
            ),
            (
                6,
                vec!["Total".to_string(), String::new(), "85".to_string()],
            ),
            (
                7,
                vec!["printed by x".to_string(), String::new(), String::new()],
            ),
        ];
        let s = shape(rows, Some(b','), None, false, 100, true);
        assert_eq!((s.header_line, s.header_row_needed), (4, true));
        assert_eq!(s.headers, vec!["Date", "Patient", "Fee"]);
        assert_eq!(s.rows.len(), 1);
        assert_eq!(s.footer, Some(6));
        assert_eq!(s.titles.len(), 2);
    }

    #[test]
    fn date_formats() {
        let g = detect_date_format(["31.10.2026", "01.11.2026 14:30"]);
        assert_eq!(g.format.as_deref(), Some("%d.%m.%Y"));
        assert_eq!((g.unread, g.ambiguous), (0, false));
        let g = detect_date_format(["2026-10-31", "2026-11-01T09:00"]);
        assert_eq!(g.format, None);
        let g = detect_date_format(["10/31/2026", "11/01/2026"]);
        assert_eq!(g.format.as_deref(), Some("%m/%d/%Y"));
        assert!(!g.ambiguous);
        let g = detect_date_format(["01/02/2026", "03/04/2026"]);
        assert_eq!(g.format.as_deref(), Some("%d/%m/%Y"));
        assert!(g.ambiguous);
        let g = detect_date_format(["31/10/2026", "someday", ""]);
        assert_eq!(
            (g.format.as_deref(), g.unread, g.total),
            (Some("%d/%m/%Y"), 1, 2)
        );
        let g = detect_date_format(["September 2, 2025 9:00am", "October 31, 2026 1:23 PM"]);
        assert_eq!((g.format.as_deref(), g.unread), (Some("%B %d, %Y"), 0));
        let g = detect_date_format(["Oct 31, 2026", "Sep 2, 2025"]);
        assert_eq!(g.format.as_deref(), Some("%b %d, %Y"));
        let g = detect_date_format(["31 October 2026", "2 Sep 2025 14:05:33"]);
        assert_eq!(g.format.as_deref(), Some("%d %B %Y"));
        let g = detect_date_format(["2025/09/05 7:10:03 PM GMT+1", "2026/10/31"]);
        assert_eq!(g.format.as_deref(), Some("%Y/%m/%d"));
    }

    #[test]
    fn number_forms() {
        let plain = NumberForm {
            decimal_comma: false,
            money: false,
            clock: false,
        };
        assert_eq!(number_form(&["6", "6.5"], false), Some(plain));
        assert_eq!(
            number_form(&["6,5", "7"], false),
            Some(NumberForm {
                decimal_comma: true,
                ..plain
            })
        );
        assert_eq!(
            number_form(&["$164.00", "$1,234.50"], false),
            Some(NumberForm {
                money: true,
                ..plain
            })
        );
        assert_eq!(
            number_form(&["85,00 €", "1.234,50 €"], false),
            Some(NumberForm {
                decimal_comma: true,
                money: true,
                clock: false
            })
        );
        assert_eq!(number_form(&["yes", "no", "yes"], false), None);
        assert_eq!(
            number_form(&["1h 30m", "45m", "1h"], true),
            Some(NumberForm {
                clock: true,
                ..plain
            })
        );
        assert!(are_times(&["10:00am", "2:45pm"], &DateFormat::Iso));
        assert!(are_times(
            &["October 5, 2026 10:00am"],
            &DateFormat::Custom("%B %d, %Y".into())
        ));
        assert!(!are_times(
            &["October 5, 2026"],
            &DateFormat::Custom("%B %d, %Y".into())
        ));
        assert!(are_emails(&["ann@example.com", "BO@Example.com"]));
        assert!(!are_emails(&["Ann Lee"]));
    }
}
