//! Ingest through the library: typed frames hold exactly the accepted values, and every row
//! read is accounted for (a property test over random mixes of good and bad rows).

use std::collections::{BTreeMap, HashMap};

use indicatif::ProgressBar;
use polars::prelude::*;
use practice_report::config::Settings;
use practice_report::ingest::{self, Ingested, Options, Source};
use proptest::prelude::*;

fn from_text(sessions: &str, feedback: &str, opts: &Options) -> Ingested {
    ingest::ingest_sources(
        Source::from_bytes("sessions.csv", sessions.as_bytes()),
        Source::from_bytes("feedback.csv", feedback.as_bytes()),
        opts,
        &ProgressBar::hidden(),
    )
    .unwrap()
}

/// A text column; the columns of few values are codes into their names (read as the names).
fn strs(df: &DataFrame, col: &str) -> Vec<Option<String>> {
    df.column(col)
        .unwrap()
        .cast(&DataType::String)
        .unwrap()
        .str()
        .unwrap()
        .iter()
        .map(|s| s.map(str::to_string))
        .collect()
}

/// Each session's client id and the client's name (the latest in the file), through the
/// clients' table: the frame holds the client's code.
fn clients(ing: &Ingested) -> Vec<(String, Option<String>)> {
    let codes = ing.sessions.column("client_id").unwrap();
    assert_eq!(codes.dtype(), &DataType::UInt32);
    codes
        .u32()
        .unwrap()
        .iter()
        .map(|c| {
            let c = c.unwrap();
            (
                ing.clients.id(c).to_string(),
                ing.clients.name(c).map(str::to_string),
            )
        })
        .collect()
}

fn names(ing: &Ingested) -> Vec<Option<String>> {
    clients(ing).into_iter().map(|(_, name)| name).collect()
}

fn f64s(df: &DataFrame, col: &str) -> Vec<Option<f64>> {
    df.column(col).unwrap().f64().unwrap().iter().collect()
}

fn i64s(df: &DataFrame, col: &str) -> Vec<Option<i64>> {
    df.column(col).unwrap().i64().unwrap().iter().collect()
}

fn days(df: &DataFrame, col: &str) -> Vec<Option<i32>> {
    let c = df.column(col).unwrap();
    assert_eq!(c.dtype(), &DataType::Date);
    c.cast(&DataType::Int32)
        .unwrap()
        .i32()
        .unwrap()
        .iter()
        .collect()
}

fn regions(df: &DataFrame) -> Vec<Vec<String>> {
    let column = df.column("body_region").unwrap();
    // Codes into the regions' names.
    assert!(
        matches!(column.dtype(), DataType::List(inner) if matches!(**inner, DataType::Categorical(..)))
    );
    let l = column
        .cast(&DataType::List(Box::new(DataType::String)))
        .unwrap()
        .list()
        .unwrap()
        .clone();
    (0..l.len())
        .map(|i| {
            let s = l.get_as_series(i).unwrap();
            s.str()
                .unwrap()
                .iter()
                .map(|v| v.unwrap().to_string())
                .collect()
        })
        .collect()
}

fn epoch(y: i32, m: u32, d: u32) -> i32 {
    ingest::values::epoch_days(chrono::NaiveDate::from_ymd_opt(y, m, d).unwrap())
}

#[test]
fn accepted_rows_become_typed_columns() {
    let ing = ingest::ingest(
        &super::common::data("rules/sessions.csv"),
        &super::common::data("rules/feedback.csv"),
        &Options::default(),
        &ProgressBar::hidden(),
    )
    .unwrap();
    let s = &ing.sessions;
    // S1, S15 and S18 (the frame keeps no session ids: their lines say which rows they are).
    assert!(s.column("session_id").is_err());
    assert_eq!(i64s(s, "line"), vec![Some(2), Some(19), Some(22)]);
    assert_eq!(
        names(&ing),
        vec![
            Some("Ann Lee".into()),
            Some("Dee, \"DJ\" O'Neil".into()),
            None
        ]
    );
    assert_eq!(
        days(s, "date"),
        vec![
            Some(epoch(2026, 3, 2)),
            Some(epoch(2026, 3, 10)),
            Some(epoch(2026, 3, 12))
        ]
    );
    assert_eq!(
        strs(s, "technique"),
        vec![
            Some("dry_needling".into()),
            Some("ischemic_compression".into()),
            Some("passive_stretching".into())
        ]
    );
    assert_eq!(
        regions(s),
        vec![vec!["neck"], vec!["neck", "upper_back"], vec!["hips"]]
    );
    assert_eq!(i64s(s, "duration_min"), vec![Some(60), Some(45), Some(30)]);
    assert_eq!(f64s(s, "pain_before"), vec![Some(7.0), None, Some(5.0)]);
    assert_eq!(f64s(s, "pain_after"), vec![Some(5.0), None, None]);
    assert_eq!(f64s(s, "fee"), vec![Some(85.0), None, Some(0.0)]);
    assert!(ing.has_fee);

    let f = &ing.feedback;
    // Answers to S1, S15 and S18: the sessions' rows.
    assert_eq!(
        f.column("session_row")
            .unwrap()
            .idx()
            .unwrap()
            .iter()
            .collect::<Vec<_>>(),
        vec![Some(0), Some(1), Some(2)]
    );
    assert_eq!(i64s(f, "line"), vec![Some(5), Some(11), Some(15)]);
    assert_eq!(
        days(f, "submitted"),
        vec![
            Some(epoch(2026, 3, 4)),
            Some(epoch(2026, 3, 11)),
            Some(epoch(2026, 3, 12))
        ]
    );
    assert_eq!(
        f64s(f, "soreness_hours"),
        vec![Some(12.0), Some(5.0), Some(0.0)]
    );
    assert_eq!(f64s(f, "pain_followup"), vec![Some(3.0), None, Some(2.0)]);
    let answers = |c: &str| {
        f.column(c)
            .unwrap()
            .i32()
            .unwrap()
            .iter()
            .collect::<Vec<_>>()
    };
    assert_eq!(answers("mobility"), vec![Some(4), None, Some(3)]);
    assert_eq!(answers("satisfaction"), vec![Some(5), None, Some(4)]);
    assert_eq!(
        strs(f, "comment"),
        vec![
            Some("line one\nline two".into()),
            None,
            Some("=cmd()".into())
        ]
    );

    let q = &ing.quality;
    assert_eq!(
        (q.sessions.rows, q.sessions.accepted, q.sessions.rejected),
        (19, 3, 16)
    );
    assert_eq!(
        (
            q.feedback.rows,
            q.feedback.accepted,
            q.feedback.rejected,
            q.feedback.superseded
        ),
        (14, 3, 9, 2)
    );
}

#[test]
fn header_and_label_aliases_from_the_config() {
    let settings = Settings::load(&super::common::data("aliases/practice-report.toml")).unwrap();
    let ing = ingest::ingest(
        &super::common::data("aliases/sessions.csv"),
        &super::common::data("aliases/feedback.csv"),
        &Options {
            settings,
            ..Options::default()
        },
        &ProgressBar::hidden(),
    )
    .unwrap();
    assert!(ing.rejects.is_empty(), "{:?}", ing.rejects);
    let s = &ing.sessions;
    // A1 and A2.
    assert_eq!(i64s(s, "line"), vec![Some(2), Some(3)]);
    assert_eq!(
        strs(s, "technique"),
        vec![Some("ischemic_compression".into()); 2]
    );
    assert_eq!(
        regions(s),
        vec![vec!["upper_back", "shoulder"], vec!["shoulder"]]
    );
    // No fee column: revenue is unknown, not zero.
    assert!(!ing.has_fee);
    assert_eq!(f64s(s, "fee"), vec![None, None]);
    assert_eq!(ing.quality.sessions.extra_columns, vec!["Room".to_string()]);
    assert_eq!(
        ing.quality.sessions.absent_columns,
        vec![
            "client_name",
            "pain_before",
            "pain_after",
            "fee",
            "location"
        ]
    );
    assert_eq!(f64s(&ing.feedback, "soreness_hours"), vec![Some(10.0)]);
}

#[test]
fn header_only_files_give_empty_typed_frames() {
    let ing = from_text(
        "session_id,client_id,therapist,date,technique,body_region,duration_min\n",
        "session_id,submitted\n\n\n",
        &Options::default(),
    );
    assert_eq!(ing.sessions.height(), 0);
    assert_eq!(ing.feedback.height(), 0);
    assert_eq!(
        ing.sessions.column("date").unwrap().dtype(),
        &DataType::Date
    );
    assert_eq!(ing.quality.feedback.rows, 0);
}

// ---- property test -------------------------------------------------------------------

#[derive(Debug, Clone)]
struct GoodSession {
    client_name: Option<String>,
    day: u32,
    technique: (usize, u8),
    regions: Vec<usize>,
    duration: u32,
    pain_before: Option<u8>,
    fee_cents: Option<u32>,
}

#[derive(Debug, Clone)]
enum SessionRow {
    Good(GoodSession),
    /// A good row broken in one way (0..7).
    Bad(GoodSession, u8),
}

const TECHS: &[&str] = &["dry_needling", "ischemic_compression", "passive_stretching"];
const REGS: &[&str] = &["neck", "upper_back", "glutes"];

fn spell(label: &str, style: u8) -> String {
    match style % 3 {
        0 => label.to_string(),
        1 => label.replace('_', " ").to_uppercase(),
        _ => format!("  {}  ", label.replace('_', " - ")),
    }
}

fn good_session() -> impl Strategy<Value = GoodSession> {
    (
        proptest::option::of(prop_oneof![
            Just("Ann".to_string()),
            Just("O'Brien, \"Pat\"".to_string()),
            Just("김민준".to_string()),
            Just("Line\nbreak".to_string()),
        ]),
        0u32..300,
        (0..TECHS.len(), any::<u8>()),
        proptest::collection::vec(0..REGS.len(), 1..4),
        1u32..=480,
        proptest::option::of(0u8..=20),
        proptest::option::of(0u32..50_000),
    )
        .prop_map(
            |(client_name, day, technique, regions, duration, pain_before, fee_cents)| {
                GoodSession {
                    client_name,
                    day,
                    technique,
                    regions,
                    duration,
                    pain_before,
                    fee_cents,
                }
            },
        )
}

fn session_row() -> impl Strategy<Value = SessionRow> {
    prop_oneof![
        3 => good_session().prop_map(SessionRow::Good),
        1 => (good_session(), 0u8..7).prop_map(|(g, k)| SessionRow::Bad(g, k)),
    ]
}

fn date_of(day: i32) -> chrono::NaiveDate {
    chrono::NaiveDate::from_ymd_opt(2025, 1, 1).unwrap() + chrono::Duration::days(day.into())
}

fn csv_field(s: &str) -> String {
    if s.contains([',', '"', '\n', '\r']) || s != s.trim() {
        format!("\"{}\"", s.replace('"', "\"\""))
    } else {
        s.to_string()
    }
}

fn session_line(id: &str, g: &GoodSession, broken: Option<u8>) -> String {
    let mut fields = vec![
        id.to_string(),
        "C1".to_string(),
        g.client_name.clone().unwrap_or_default(),
        "Maria".to_string(),
        date_of(g.day as i32).to_string(),
        spell(TECHS[g.technique.0], g.technique.1),
        g.regions
            .iter()
            .map(|&r| spell(REGS[r], g.technique.1))
            .collect::<Vec<_>>()
            .join(";"),
        g.duration.to_string(),
        g.pain_before
            .map(|p| format!("{}", f64::from(p) / 2.0))
            .unwrap_or_default(),
        String::new(),
        g.fee_cents
            .map(|c| format!("{}.{:02}", c / 100, c % 100))
            .unwrap_or_default(),
    ];
    match broken {
        None => {}
        Some(0) => fields[7] = "0".into(),
        Some(1) => fields[7] = format!("{}.5", g.duration),
        Some(2) => fields[4] = "2025-13-01".into(),
        Some(3) => fields[8] = "10.5".into(),
        Some(4) => fields[10] = "1e2".into(),
        Some(5) => fields[3] = "  ".into(),
        _ => {
            fields.pop();
        }
    }
    fields
        .iter()
        .map(|f| csv_field(f))
        .collect::<Vec<_>>()
        .join(",")
        + "\n"
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 48, .. ProptestConfig::default() })]

    #[test]
    fn every_row_is_accounted_for_and_accepted_values_round_trip(
        rows in proptest::collection::vec(session_row(), 0..40),
        plan in proptest::collection::vec((0usize..60, -2i32..4, 0u16..800), 0..60),
        blank_every in 2usize..9,
    ) {
        let mut sessions = String::from("session_id,client_id,client_name,therapist,date,technique,body_region,duration_min,pain_before,pain_after,fee\n");
        let mut good: Vec<(String, GoodSession)> = Vec::new();
        let mut good_lines: Vec<i64> = Vec::new();
        let mut bad_lines: Vec<u64> = Vec::new();
        for (i, r) in rows.iter().enumerate() {
            let line = 1 + sessions.matches('\n').count() as u64;
            let id = format!("S{i}");
            match r {
                SessionRow::Good(g) => {
                    sessions += &session_line(&id, g, None);
                    good.push((id, g.clone()));
                    good_lines.push(line as i64);
                }
                SessionRow::Bad(g, k) => {
                    // A repeat of an accepted id is one of the ways to be bad.
                    let id = if *k == 6 && !good.is_empty() { good[0].0.clone() } else { id };
                    let broken = if *k == 6 && id != format!("S{i}") { None } else { Some(*k) };
                    sessions += &session_line(&id, g, broken);
                    bad_lines.push(line);
                }
            }
            if i % blank_every == 0 {
                sessions += "\n";
            }
        }

        let mut feedback = String::from("session_id,submitted,soreness_hours\n");
        // Expected winners: session id → (submitted day, line order, soreness).
        let mut winners: HashMap<String, (i32, usize, Option<f64>)> = HashMap::new();
        let mut expect_rejected = 0u64;
        let mut expect_valid = 0u64;
        for (order, &(s, after, sore)) in plan.iter().enumerate() {
            let (id, day) = match rows.get(s) {
                Some(SessionRow::Good(g)) => (format!("S{s}"), g.day as i32),
                _ => (format!("S{s}"), -1),
            };
            let known = good.iter().any(|(gid, _)| *gid == id);
            let submitted_day = day.max(0) + after;
            let soreness = (sore <= 720).then_some(f64::from(sore));
            feedback += &format!(
                "{id},{} 10:00,{}\n",
                date_of(submitted_day),
                if sore > 760 { String::new() } else { sore.to_string() }
            );
            let soreness = if sore > 760 { None } else { soreness };
            let valid = known && after >= 0 && submitted_day >= 0 && (sore <= 720 || sore > 760);
            if valid {
                expect_valid += 1;
                let e = winners.entry(id).or_insert((submitted_day, order, soreness));
                if submitted_day >= e.0 {
                    *e = (submitted_day, order, soreness);
                }
            } else {
                expect_rejected += 1;
            }
        }

        let ing = from_text(&sessions, &feedback, &Options::default());
        let q = &ing.quality;
        prop_assert_eq!(q.sessions.rows, rows.len() as u64);
        prop_assert_eq!(q.sessions.rows, q.sessions.accepted + q.sessions.rejected);
        prop_assert_eq!(q.sessions.accepted, good.len() as u64);
        prop_assert_eq!(q.feedback.rows, plan.len() as u64);
        prop_assert_eq!(q.feedback.rows, q.feedback.accepted + q.feedback.rejected + q.feedback.superseded);
        prop_assert_eq!(q.feedback.rejected, expect_rejected);
        prop_assert_eq!(q.feedback.accepted, winners.len() as u64);
        prop_assert_eq!(q.feedback.superseded, expect_valid - winners.len() as u64);
        prop_assert_eq!(ing.rejects.len() as u64, q.sessions.rejected + q.feedback.rejected + q.feedback.superseded);

        // Rejects name the physical line where each bad record starts, blank lines and
        // quoted line breaks before it included.
        let got_lines: Vec<u64> = ing.rejects.iter().filter(|r| r.file == "sessions.csv").map(|r| r.line).collect();
        prop_assert_eq!(got_lines, bad_lines);

        let s = &ing.sessions;
        let lines = i64s(s, "line");
        let names = names(&ing);
        let dates = days(s, "date");
        let techs = strs(s, "technique");
        let regs = regions(s);
        let durations = i64s(s, "duration_min");
        let pains = f64s(s, "pain_before");
        let fees = f64s(s, "fee");
        // One client (C1): its name is the latest given, by date, then line.
        let latest = good
            .iter()
            .enumerate()
            .filter(|(_, (_, g))| g.client_name.is_some())
            .max_by_key(|(j, (_, g))| (g.day, *j))
            .and_then(|(_, (_, g))| g.client_name.clone());
        for (i, (id, g)) in good.iter().enumerate() {
            prop_assert_eq!(lines[i], Some(good_lines[i]), "{}", id);
            prop_assert_eq!(names[i].clone(), latest.clone());
            prop_assert_eq!(dates[i], Some(ingest::values::epoch_days(date_of(g.day as i32))));
            prop_assert_eq!(techs[i].as_deref(), Some(TECHS[g.technique.0]));
            let mut want: Vec<String> = Vec::new();
            for &r in &g.regions {
                if !want.iter().any(|w| w == REGS[r]) {
                    want.push(REGS[r].to_string());
                }
            }
            prop_assert_eq!(&regs[i], &want);
            prop_assert_eq!(durations[i], Some(i64::from(g.duration)));
            prop_assert_eq!(pains[i], g.pain_before.map(|p| f64::from(p) / 2.0));
            prop_assert_eq!(fees[i], g.fee_cents.map(|c| f64::from(c) / 100.0));
        }

        let f = &ing.feedback;
        // An answer's session row is the session's place among the accepted (`good`).
        let got: BTreeMap<String, Option<f64>> = f
            .column("session_row")
            .unwrap()
            .idx()
            .unwrap()
            .iter()
            .zip(f64s(f, "soreness_hours"))
            .map(|(row, s)| (good[row.unwrap() as usize].0.clone(), s))
            .collect();
        let want: BTreeMap<String, Option<f64>> = winners.into_iter().map(|(k, v)| (k, v.2)).collect();
        prop_assert_eq!(got, want);
    }
}

#[test]
fn a_character_split_across_two_fields_is_invalid_utf8() {
    // "é" is C3 A9: each half alone is invalid, though the record's bytes read as one text.
    let sessions =
        b"session_id,client_id,client_name,therapist,date,technique,body_region,duration_min\n\
S1,C1,Ann\xC3,\xA9Maria,2026-03-02,Dry needling,Neck,60\n\
S2,C1,Ann\xC3\xA9,Maria,2026-03-02,Dry needling,Neck,60\n";
    let ing = ingest::ingest_sources(
        Source::from_bytes("sessions.csv", sessions),
        Source::from_bytes("feedback.csv", b"session_id,submitted\n"),
        &Options::default(),
        &ProgressBar::hidden(),
    )
    .unwrap();
    assert_eq!(ing.rejects.len(), 1);
    assert_eq!(
        (ing.rejects[0].line, ing.rejects[0].column.as_str()),
        (2, "client_name")
    );
    assert_eq!(ing.rejects[0].reason, "invalid UTF-8");
    assert_eq!(names(&ing), vec![Some("Anné".to_string())]);
}

/// The rejects and the account of a reading, to compare two readings of the same text.
fn account(ing: &Ingested) -> (Vec<(u64, String, String)>, String) {
    (
        ing.rejects
            .iter()
            .map(|r| (r.line, r.value.clone(), r.reason.clone()))
            .collect(),
        format!("{:?}", ing.quality),
    )
}

#[test]
fn a_file_read_in_many_blocks_reads_exactly_as_in_one() {
    // Quoted names and comments with line breaks (also "\r\n" inside quotes), blank lines,
    // "\r\n" line ends, a duplicate, a bad row and superseded responses: block ends fall
    // inside each of them for one block size or another.
    let mut sessions = String::from(
        "session_id,client_id,client_name,therapist,date,technique,body_region,duration_min,pain_before,pain_after,fee\n",
    );
    let mut feedback = String::from(
        "session_id,submitted,soreness_hours,pain_followup,mobility,satisfaction,comment\n",
    );
    // Each client's latest name (by date, then line), as written unquoted.
    let mut latest: BTreeMap<String, ((u32, u32), String)> = BTreeMap::new();
    for i in 0..120 {
        let name = match i % 4 {
            0 => "\"Lee,\nAnn\"".to_string(),
            1 => format!("\"O'Neil \"\"Jo\"\"\r\n{i}\""),
            _ => format!("Client {i}"),
        };
        let unquoted = name.trim_matches('"').replace("\"\"", "\"");
        let slot = latest
            .entry(format!("C{}", i % 17))
            .or_insert(((0, 0), String::new()));
        if (1 + i % 28, i) > slot.0 {
            *slot = ((1 + i % 28, i), unquoted);
        }
        let end = if i % 3 == 0 { "\r\n" } else { "\n" };
        sessions += &format!(
            "S{i},C{},{name},Maria,2026-03-{:02},Dry needling,Neck;Upper back,60,{},3,85{end}",
            i % 17,
            1 + i % 28,
            i % 11,
        );
        if i % 10 == 0 {
            sessions += "\n\n";
        }
        let comment = if i % 5 == 0 {
            format!("\"better,\nthen worse\n\n{i}\"")
        } else {
            String::new()
        };
        feedback += &format!("S{i},2026-03-28,{},4,3,5,{comment}\n", i % 30);
        if i % 7 == 0 {
            feedback += &format!("S{i},2026-03-29 08:00,2,2,,4,\"again\nlater\"\n");
        }
    }
    sessions += "S5,C1,Ann,Maria,2026-03-02,Dry needling,Neck,60,7,5,85\n"; // duplicate
    sessions += "S999,C1,Ann,Maria,2026-03-02,Dry needling,Neck,0,7,5,85\n"; // bad duration
    let whole = from_text(&sessions, &feedback, &Options::default());
    assert_eq!(whole.quality.sessions.rows, 122);
    assert_eq!(whole.quality.sessions.accepted, 120);
    assert_eq!(whole.quality.feedback.superseded, 18);
    let got: BTreeMap<String, ((u32, u32), String)> = clients(&whole)
        .into_iter()
        .map(|(id, name)| {
            let when = latest[&id].0;
            (id, (when, name.unwrap()))
        })
        .collect();
    assert_eq!(got, latest);
    assert!(latest.values().any(|(_, n)| n == "Lee,\nAnn"));
    assert!(latest
        .values()
        .any(|(_, n)| n.starts_with("O'Neil \"Jo\"\r\n")));

    // The first block ends inside the first quoted line break of each file, then every
    // block size from a few bytes (each record grows its block) to more than the file.
    let inside = |text: &str, quoted: &str| text.find(quoted).unwrap() + 4;
    let mut sizes = vec![
        inside(&sessions, "Lee,\nAnn"),
        inside(&feedback, "better,\nthen"),
    ];
    sizes.extend((3..sessions.len() + 100).step_by(97));
    for block_bytes in sizes {
        let opts = Options {
            block_bytes,
            ..Options::default()
        };
        let got = from_text(&sessions, &feedback, &opts);
        let same = got.sessions.equals_missing(&whole.sessions)
            && clients(&got) == clients(&whole)
            && got.feedback.equals_missing(&whole.feedback)
            && account(&got) == account(&whole);
        assert!(same, "block of {block_bytes} bytes: {:?}", account(&got).1);
    }
}

#[test]
fn a_client_id_only_in_the_survey_has_no_code_and_its_answer_is_rejected() {
    // A survey: no session id, linked by client and date.
    let ing = from_text(
        "session_id,client_id,client_name,therapist,date,technique,body_region,duration_min\n\
         S1,C2,Bo,Maria,2026-03-02,Dry needling,Neck,60\n\
         S2,C1,Ann,Maria,2026-03-03,Dry needling,Neck,60\n\
         S3,C2,,Maria,2026-03-04,Dry needling,Neck,60\n",
        "client_id,submitted,soreness_hours\n\
         C1,2026-03-04,5\n\
         C9,2026-03-04,6\n\
         C2,2026-03-05,7\n",
        &Options::default(),
    );
    // Codes in the ids' order; a session without a name keeps the client's latest one.
    assert_eq!(ing.clients.len(), 2);
    assert_eq!(
        clients(&ing),
        vec![
            ("C2".to_string(), Some("Bo".to_string())),
            ("C1".to_string(), Some("Ann".to_string())),
            ("C2".to_string(), Some("Bo".to_string())),
        ]
    );
    assert_eq!(
        (ing.clients.code("C1"), ing.clients.code("C2")),
        (Some(0), Some(1))
    );
    assert_eq!(ing.clients.code("C9"), None);
    let rejects: Vec<(u64, &str, &str)> = ing
        .rejects
        .iter()
        .map(|r| (r.line, r.column.as_str(), r.value.as_str()))
        .collect();
    assert_eq!(rejects, vec![(3, "client_id", "C9")]);
    // C1's answer is S2's (row 1), C2's the latest of its two sessions, S3 (row 2).
    let rows: Vec<Option<u32>> = ing
        .feedback
        .column("session_row")
        .unwrap()
        .idx()
        .unwrap()
        .iter()
        .collect();
    assert_eq!(rows, vec![Some(1), Some(2)]);
    assert_eq!(
        f64s(&ing.feedback, "soreness_hours"),
        vec![Some(5.0), Some(7.0)]
    );
}
