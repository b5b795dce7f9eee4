//! A property test over hostile input, through the library: random bytes, random field
//! counts, stray and doubled quotes, byte order marks and every line ending, fed to the
//! `validate` and `monthly` commands. Never a panic, and every row is accounted for:
//! read = accepted + rejected + superseded, in the account, in the frames and in rejects.csv.

use clap::Parser;
use indicatif::ProgressBar;
use proptest::prelude::*;

use practice_report::cli::Cli;
use practice_report::ingest::values::DateFormat;
use practice_report::ingest::{self, Options, Source};

/// Values that break a rule somewhere, or nearly do.
const HOSTILE: &[&str] = &[
    "2026-13-01",
    "+262142-12-01",
    "1899-12-31",
    ";;",
    "0",
    "481",
    "45.5",
    "11",
    "-1",
    "1e3",
    "NaN",
    "",
    " ",
    "=1+1",
    "@SUM(A1)",
    "S1",
];

/// Plausible values of each column, by position (sessions.csv, then feedback.csv): mostly
/// good ones, and dates at and past the edges of what can be reported on.
const PLAUSIBLE_SESSIONS: [&[&str]; 12] = [
    &["S1", "S2", "S3", "S4", "S5", "S6"],
    &["C1", "C2", "C3"],
    &["Ann Lee", "김민준", "", "José Álvarez"],
    &["Tom", "Maria Lopez"],
    &[
        "2026-03-05",
        "2026-02-28",
        "2026-03-31T09:00",
        "2026-03-05",
        "1900-01-01",
        "2200-12-31",
        "+262142-12-01",
    ],
    &["Dry needling", "ISCHEMIC  compression"],
    &["Neck;Back", "Neck"],
    &["30", "45.0"],
    &["", "0", "5", "10", "7.5"],
    &["", "2", "4"],
    &["", "40", "0"],
    &["", "Harbour St", "  Zürich Süd ", "harbour st"],
];
const PLAUSIBLE_FEEDBACK: [&[&str]; 7] = [
    &["S1", "S2", "S3", "S4", "S5", "S6"],
    &["2026-03-06", "2026-04-01", "2026-03-05"],
    &["", "0", "12", "48.5"],
    &["", "2", "5"],
    &["", "1", "5"],
    &["", "4"],
    &["", "ok", "=1+1", "a \"quoted\" word"],
];

/// One field's bytes: mostly a plausible value of its column, else anything at all.
fn field(good: &'static [&'static str]) -> impl Strategy<Value = Vec<u8>> {
    prop_oneof![
        40 => proptest::sample::select(good).prop_map(|s| s.as_bytes().to_vec()),
        1 => proptest::sample::select(HOSTILE).prop_map(|s| s.as_bytes().to_vec()),
        1 => proptest::collection::vec(any::<u8>(), 0..6),
        1 => proptest::sample::select(&["\"", "\"\"", "a\"b", "\"a,b\"", "\"x\ny\"", "\r", "\u{feff}"][..])
            .prop_map(|s| s.as_bytes().to_vec()),
    ]
}

/// A row: a field per column (one more or fewer now and then), some quoted.
fn row(columns: &'static [&'static [&'static str]]) -> impl Strategy<Value = Vec<(Vec<u8>, bool)>> {
    (prop_oneof![12 => Just(0i32), 1 => Just(-1), 1 => Just(1)]).prop_flat_map(move |d| {
        let n = (columns.len() as i32 + d).max(0) as usize;
        (0..n)
            .map(|i| {
                (
                    field(columns[i.min(columns.len() - 1)]),
                    proptest::bool::weighted(0.2),
                )
            })
            .collect::<Vec<_>>()
    })
}

const SESSIONS: &str = "session_id,client_id,client_name,therapist,date,technique,body_region,\
duration_min,pain_before,pain_after,fee,location";
const FEEDBACK: &str =
    "session_id,submitted,soreness_hours,pain_followup,mobility,satisfaction,comment";

/// A whole file: an optional BOM, the header (or a mangled one), rows, blank lines, a line
/// ending per line, and now and then a few bytes overwritten anywhere.
fn file(
    header: &'static str,
    columns: &'static [&'static [&'static str]],
) -> impl Strategy<Value = Vec<u8>> {
    (
        any::<bool>(),
        proptest::bool::weighted(0.1),
        proptest::collection::vec(
            (
                row(columns),
                proptest::sample::select(&["\n", "\r\n", "\r", "\n\n"][..]),
            ),
            0..14,
        ),
        proptest::collection::vec((any::<proptest::sample::Index>(), any::<u8>()), 0..3),
    )
        .prop_map(move |(bom, mangle, rows, flips)| {
            let mut out = Vec::new();
            if bom {
                out.extend_from_slice(b"\xEF\xBB\xBF");
            }
            out.extend_from_slice(
                if mangle {
                    header.replace('_', " ").to_uppercase()
                } else {
                    header.to_string()
                }
                .as_bytes(),
            );
            out.extend_from_slice(b"\r\n");
            for (fields, ending) in rows {
                for (i, (value, quoted)) in fields.iter().enumerate() {
                    if i > 0 {
                        out.push(b',');
                    }
                    if *quoted {
                        out.push(b'"');
                        for &b in value {
                            if b == b'"' {
                                out.push(b'"');
                            }
                            out.push(b);
                        }
                        out.push(b'"');
                    } else {
                        out.extend_from_slice(value);
                    }
                }
                out.extend_from_slice(ending.as_bytes());
            }
            // Past the header, so that most cases still have columns to check.
            let body = header.len() + 2;
            if out.len() > body {
                for (at, byte) in flips {
                    let i = body + at.index(out.len() - body);
                    out[i] = byte;
                }
            }
            out
        })
}

/// Records the csv crate finds after the header, blank lines left out: the count of rows
/// read, reached without the tool's own reader.
fn records_after_header(bytes: &[u8]) -> u64 {
    let data = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_reader(data);
    let mut n = 0u64;
    let mut record = csv::ByteRecord::new();
    let mut header = true;
    while reader.read_byte_record(&mut record).unwrap() {
        if record.len() == 1 && record[0].iter().all(u8::is_ascii_whitespace) {
            continue;
        }
        if std::mem::take(&mut header) {
            continue;
        }
        n += 1;
    }
    n
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 64, .. ProptestConfig::default() })]

    #[test]
    fn hostile_files_never_panic_and_every_row_is_accounted_for(
        sessions in file(SESSIONS, &PLAUSIBLE_SESSIONS),
        feedback in file(FEEDBACK, &PLAUSIBLE_FEEDBACK),
        strftime in any::<bool>(),
    ) {
        // chrono's strftime reads years of any size (`+262142`): the dates no report can cover.
        let (date_format, date_args) = if strftime {
            (DateFormat::Custom("%Y-%m-%d".into()), vec!["--date-format", "%Y-%m-%d"])
        } else {
            (DateFormat::Iso, vec![])
        };
        let mut opts = Options::default();
        opts.sessions.forms.date = date_format.clone();
        opts.feedback.forms.date = date_format;
        // Through the library's ingest: the account adds up, and matches the frames.
        let ingested = ingest::ingest_sources(
            Source::from_bytes("sessions.csv", &sessions),
            Source::from_bytes("feedback.csv", &feedback),
            &opts,
            &ProgressBar::hidden(),
        );
        let q = match &ingested {
            Ok(i) => i.quality.clone(),
            // A file-level error (a mangled header): one line, no panic.
            Err(e) => {
                prop_assert!(!e.chain().contains('\n'));
                return Ok(());
            }
        };
        let i = ingested.unwrap();
        prop_assert_eq!(q.sessions.rows, records_after_header(&sessions));
        prop_assert_eq!(q.feedback.rows, records_after_header(&feedback));
        prop_assert_eq!(q.sessions.rows, q.sessions.accepted + q.sessions.rejected);
        prop_assert_eq!(q.sessions.superseded, 0);
        prop_assert_eq!(
            q.feedback.rows,
            q.feedback.accepted + q.feedback.rejected + q.feedback.superseded
        );
        prop_assert_eq!(i.sessions.height() as u64, q.sessions.accepted);
        prop_assert_eq!(i.feedback.height() as u64, q.feedback.accepted);
        prop_assert_eq!(
            i.rejects.len() as u64,
            q.sessions.rejected + q.feedback.rejected + q.feedback.superseded
        );

        // Through the commands, as the binary runs them: validate, then monthly.
        let dir = tempfile::tempdir().unwrap();
        let (s, f, out) = (dir.path().join("s.csv"), dir.path().join("f.csv"), dir.path().join("out"));
        std::fs::write(&s, &sessions).unwrap();
        std::fs::write(&f, &feedback).unwrap();
        // One folder per command: the test binary forks children (other tests run the built
        // binary), and a child forked while a command held its folder's lock holds it too
        // until it execs; a second command into the same folder could then find it busy.
        for command in ["validate", "monthly"] {
            let out = out.join(command);
            let mut args = vec![
                "practice-report", command, "-q",
                "--sessions", s.to_str().unwrap(),
                "--feedback", f.to_str().unwrap(),
                "--out", out.to_str().unwrap(),
            ];
            args.extend(&date_args);
            let cli = Cli::parse_from(args);
            match practice_report::run(cli) {
                Ok(code) => prop_assert_eq!(code, 0),
                // Only when no session was accepted is there nothing to report on (and a
                // failed first run into a folder leaves no folder).
                Err(e) => {
                    prop_assert_eq!(command, "monthly");
                    prop_assert_eq!(q.sessions.accepted, 0, "{}", e.chain());
                    prop_assert!(!out.exists());
                    continue;
                }
            }
            let rejects = csv::Reader::from_path(out.join("rejects.csv")).unwrap().records().count();
            prop_assert_eq!(rejects, i.rejects.len());
        }
        if q.sessions.accepted > 0 {
            let json = std::fs::read_dir(out.join("monthly"))
                .unwrap()
                .map(|e| e.unwrap().path())
                .find(|p| p.extension().is_some_and(|x| x == "json"))
                .expect("the monthly JSON");
            let j: serde_json::Value =
                serde_json::from_str(&std::fs::read_to_string(json).unwrap()).unwrap();
            let d = &j["data_quality"];
            prop_assert_eq!(d["sessions_rows"].as_u64(), Some(q.sessions.rows));
            prop_assert_eq!(
                d["feedback_rows"].as_u64(),
                Some(q.feedback.accepted + q.feedback.rejected + q.feedback.superseded)
            );
        }
    }
}
