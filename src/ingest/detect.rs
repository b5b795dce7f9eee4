//! What `init` reads off a clinic's own export: the delimiter, which header holds which
//! contract column (by name or by the synonyms exports really use), and the date format.
//! Nothing here decides a figure; it proposes a config for a person to check.

use std::io::Read;
use std::path::Path;

use super::columns::ColumnSpec;
use super::values::DateFormat;
use crate::error::{Error, Result};

/// The delimiters `init` tries, in order of preference on a tie.
pub const DELIMITERS: [u8; 4] = [b',', b';', b'\t', b'|'];

/// The start of a file: its header and first rows, split with the detected delimiter.
#[derive(Debug)]
pub struct Sample {
    pub delimiter: u8,
    pub headers: Vec<String>,
    pub rows: Vec<Vec<String>>,
}

/// Reads the header and up to `max_rows` rows (at most 8 MiB) and finds the delimiter.
pub fn sample(path: &Path, max_rows: usize) -> Result<Sample> {
    let read_err = |source| Error::Read {
        path: path.to_path_buf(),
        source,
    };
    let mut bytes = Vec::new();
    std::fs::File::open(path)
        .map_err(read_err)?
        .take(8 << 20)
        .read_to_end(&mut bytes)
        .map_err(read_err)?;
    let text = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(&bytes);
    let delimiter = detect_delimiter(text);
    // Read as ingest reads: no header row of the csv crate's, any field count.
    let mut reader = super::csv_reader(text, delimiter);
    let mut records = reader.byte_records().map_while(|r| r.ok());
    let as_text = |r: csv::ByteRecord| -> Vec<String> {
        r.iter()
            .map(|f| String::from_utf8_lossy(f).trim().to_string())
            .collect()
    };
    let headers = records.next().map(as_text).unwrap_or_default();
    let rows = records
        .filter(|r| !(r.len() == 1 && r[0].iter().all(u8::is_ascii_whitespace)))
        .take(max_rows)
        .map(as_text)
        .collect();
    Ok(Sample {
        delimiter,
        headers,
        rows,
    })
}

/// The delimiter under which the most of the first records have as many fields as the
/// header (and the header more than one).
pub fn detect_delimiter(text: &[u8]) -> u8 {
    let score = |d: u8| -> (usize, usize) {
        let mut reader = super::csv_reader(text, d);
        let mut records = reader.byte_records().map_while(|r| r.ok()).take(200);
        let width = records.next().map_or(0, |h| h.len());
        if width < 2 {
            return (0, width);
        }
        (records.filter(|r| r.len() == width).count() + 1, width)
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
fn key(header: &str) -> String {
    header
        .chars()
        .filter(|c| c.is_alphanumeric())
        .flat_map(char::to_lowercase)
        .collect()
}

/// For each contract column, the header that holds it (an index into `headers`): its own
/// name first, then its synonyms in order. A header is given to one column only.
pub fn map_headers(headers: &[String], specs: &[ColumnSpec]) -> Vec<Option<usize>> {
    let keys: Vec<String> = headers.iter().map(|h| key(h)).collect();
    let mut taken = vec![false; headers.len()];
    let mut found = vec![None; specs.len()];
    // Exact names first for every column, so that a synonym of one column ("date" for
    // `submitted`) never takes the header another column is named by.
    for (c, spec) in specs.iter().enumerate() {
        let own = key(spec.name);
        if let Some(h) = (0..headers.len()).find(|&h| !taken[h] && keys[h] == own) {
            taken[h] = true;
            found[c] = Some(h);
        }
    }
    for (c, spec) in specs.iter().enumerate() {
        if found[c].is_some() {
            continue;
        }
        for syn in spec.synonyms {
            if let Some(h) = (0..headers.len()).find(|&h| !taken[h] && keys[h] == *syn) {
                taken[h] = true;
                found[c] = Some(h);
                break;
            }
        }
    }
    found
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

/// The date formats `init` tries: `None` is the contract's own (YYYY-MM-DD).
pub const DATE_FORMATS: [Option<&str>; 7] = [
    None,
    Some("%d.%m.%Y"),
    Some("%d/%m/%Y"),
    Some("%m/%d/%Y"),
    Some("%d-%m-%Y"),
    Some("%m-%d-%Y"),
    Some("%Y/%m/%d"),
];

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
}

/// The format that reads the most values (with or without a time after them); between a
/// day-first and a month-first format that read as many, the day-first one.
pub fn detect_date_format<'a>(values: impl IntoIterator<Item = &'a str>) -> DateGuess {
    let values: Vec<&str> = values.into_iter().filter(|v| !v.is_empty()).collect();
    let reads = |f: Option<&str>| {
        let format = f.map_or(DateFormat::Iso, |f| DateFormat::Custom(f.to_string()));
        values.iter().filter(|v| format.parse(v).is_ok()).count()
    };
    let counts: Vec<usize> = DATE_FORMATS.iter().map(|&f| reads(f)).collect();
    let best = (0..DATE_FORMATS.len())
        .max_by(|&a, &b| counts[a].cmp(&counts[b]).then(b.cmp(&a)))
        .unwrap_or(0);
    let day_month = |f: Option<&str>, g: Option<&str>| {
        DATE_FORMATS
            .iter()
            .position(|&x| x == f)
            .zip(DATE_FORMATS.iter().position(|&x| x == g))
    };
    let ambiguous = [
        day_month(Some("%d/%m/%Y"), Some("%m/%d/%Y")),
        day_month(Some("%d-%m-%Y"), Some("%m-%d-%Y")),
    ]
    .into_iter()
    .flatten()
    .any(|(d, m)| best == d && counts[m] == counts[d] && counts[d] > 0);
    DateGuess {
        format: DATE_FORMATS[best].map(str::to_string),
        unread: values.len() - counts[best],
        total: values.len(),
        ambiguous,
    }
}

#[cfg(test)]
mod tests {
    use super::super::columns::{FEEDBACK, SESSIONS};
    use super::*;

    fn strings(v: &[&str]) -> Vec<String> {
        v.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn delimiters_by_consistent_width() {
        assert_eq!(detect_delimiter(b"a;b;c\n1;2,5;3\n4;5;6\n"), b';');
        assert_eq!(detect_delimiter(b"a,b,c\n1,2,3\n"), b',');
        assert_eq!(detect_delimiter(b"a\tb\n1\t2\n"), b'\t');
        assert_eq!(detect_delimiter(b"a|b|c\n\"x|y\"|2|3\n"), b'|');
        // A quoted comma does not count as a field break.
        assert_eq!(detect_delimiter(b"a;b\n\"1,5\";2\n\"1,5\";2\n"), b';');
    }

    #[test]
    fn headers_by_name_then_synonym() {
        let h = strings(&[
            "Booking #",
            "Patient ID",
            "Practitioner",
            "Date",
            "Service",
            "Area treated",
            "Duration (min)",
            "VAS pre",
            "Pain after",
            "Price",
            "Branch",
            "Notes",
        ]);
        let m = map_headers(&h, SESSIONS);
        let got: Vec<Option<&str>> = m[..12].iter().map(|i| i.map(|i| h[i].as_str())).collect();
        assert_eq!(
            got,
            vec![
                Some("Booking #"),
                Some("Patient ID"),
                None,
                Some("Practitioner"),
                Some("Date"),
                Some("Service"),
                Some("Area treated"),
                Some("Duration (min)"),
                Some("VAS pre"),
                Some("Pain after"),
                Some("Price"),
                Some("Branch"),
            ]
        );
        // The feedback file's "Date" is `submitted` only when no header is named so.
        let f = strings(&["Appointment ID", "Date", "Submitted", "Comments"]);
        let m = map_headers(&f, FEEDBACK);
        assert_eq!((m[0], m[1], m[6]), (Some(0), Some(2), Some(3)));
        let f = strings(&["Appointment ID", "Date"]);
        assert_eq!(map_headers(&f, FEEDBACK)[1], Some(1));
    }

    #[test]
    fn closest_headers_for_a_missing_column() {
        let h = strings(&["Bookng", "Client", "Therapy", "Staff name"]);
        let taken = [false, true, false, false];
        let c = closest(&SESSIONS[0], &h, &taken);
        assert_eq!(c[0], "Bookng");
        assert!(!c.contains(&"Client".to_string()));
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
    }
}
