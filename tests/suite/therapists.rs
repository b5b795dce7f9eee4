//! Staff reviews (SPEC "Staff reviews"): the therapists CSV against a hand computation on
//! `tests/data/therapists/`, one PDF per therapist read back, and `run` writing them.
//!
//! The fixture, 2026-01-01 to 2026-06-30: Ana sees mostly mild cases (3 of 4 mild sessions
//! respond, her one severe one does not), Ben mostly severe ones (1 of 4 severe, his one mild
//! one responds): by the crude rate Ana is ahead (60% against 40%), adjusted for starting pain
//! Ben is (the practice's eligible sessions: 8 mild, 5 severe, none moderate). Eve and Cy/Dee
//! have no severe session: no standardized rate. `Cy/Dee` and `Cy\Dee` have the same safe
//! file name.

use std::path::Path;

use super::common::{close, csv_rows, data, pdf_text, run_in, squeeze, stderr, stdout};

fn reviews(dir: &Path) -> std::path::PathBuf {
    let out = dir.join("out");
    let o = run_in(
        dir,
        &[
            "therapists",
            "--sessions",
            &data("therapists/sessions.csv").display().to_string(),
            "--feedback",
            &data("therapists/feedback.csv").display().to_string(),
            "--from",
            "2026-01-01",
            "--to",
            "2026-06-30",
            "--out",
            &out.display().to_string(),
        ],
    );
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert!(
        stdout(&o).contains("wrote 5 staff reviews into"),
        "{}",
        stdout(&o)
    );
    out
}

#[test]
fn the_therapists_csv_is_the_hand_computation() {
    let dir = tempfile::tempdir().unwrap();
    let rows = csv_rows(&reviews(dir.path()).join("therapists-2026-01-01_2026-06-30.csv"));
    let header = &rows[0];
    assert_eq!(
        header[..7],
        [
            "therapist",
            "sessions",
            "clients",
            "minutes",
            "revenue",
            "not_attended",
            "feedback_responses"
        ]
    );
    assert_eq!(header[7], "soreness_n");
    assert_eq!(
        header[header.len() - 12..],
        [
            "mild_eligible",
            "mild_responders",
            "moderate_eligible",
            "moderate_responders",
            "severe_eligible",
            "severe_responders",
            "standardized_rate",
            "standardized_ci95_low",
            "standardized_ci95_high",
            "new_clients",
            "visits_90",
            "rebooked_30"
        ]
    );
    let col = |name: &str| header.iter().position(|h| h == name).unwrap();
    let row = |therapist: &str| rows.iter().find(|r| r[0] == therapist).unwrap().clone();
    // Sorted by sessions, then name.
    let order: Vec<&str> = rows[1..].iter().map(|r| r[0].as_str()).collect();
    assert_eq!(order, ["Ana", "Ben", "Eve", "Cy/Dee", "Cy\\Dee"]);

    let (ana, ben) = (row("Ana"), row("Ben"));
    // Ana: 4 × 60 + 60 + 30 minutes; fees 5 × 80 + 40; no status column: not_attended empty.
    assert_eq!(
        (ana[col("sessions")].as_str(), ana[col("minutes")].as_str()),
        ("6", "330")
    );
    assert_eq!(
        (
            ana[col("revenue")].as_str(),
            ana[col("not_attended")].as_str()
        ),
        ("440", "")
    );
    close(&ana[col("responder_rate")], 0.6);
    close(&ben[col("responder_rate")], 0.4);
    // The weights: 8/13 mild, 5/13 severe. Ana: 8/13 · 3/4 + 5/13 · 0; Ben: 8/13 · 1 + 5/13 · 1/4.
    let (wm, ws) = (8.0 / 13.0, 5.0 / 13.0);
    close(&ana[col("standardized_rate")], wm * 0.75);
    close(&ben[col("standardized_rate")], wm + ws * 0.25);
    let half = |v: f64| 1.959963984540054 * v.sqrt();
    let ana_half = half(wm * wm * 0.75 * 0.25 / 4.0);
    close(&ana[col("standardized_ci95_low")], wm * 0.75 - ana_half);
    close(&ana[col("standardized_ci95_high")], wm * 0.75 + ana_half);
    let ben_half = half(ws * ws * 0.25 * 0.75 / 4.0);
    close(
        &ben[col("standardized_ci95_low")],
        wm + ws * 0.25 - ben_half,
    );
    assert_eq!(
        (
            ana[col("mild_eligible")].as_str(),
            ana[col("mild_responders")].as_str(),
            ana[col("severe_eligible")].as_str()
        ),
        ("4", "3", "1")
    );
    // Eve has no severe session, a band the practice has: no standardized rate.
    let eve = row("Eve");
    assert_eq!(eve[col("standardized_rate")], "");
    assert_eq!(eve[col("standardized_ci95_low")], "");
    // Ana's new clients: Xenia (days 0, 30, 90 count, day 91 does not: 3 visits) and Yorick
    // (two sessions on one day: 2): 2.5. Ben's: Viktor (3; Zara came first after April 1),
    // Wanda came first in December.
    assert_eq!(ana[col("new_clients")], "2");
    close(&ana[col("visits_90")], 2.5);
    assert_eq!(ben[col("new_clients")], "2");
    close(&ben[col("visits_90")], 3.0);
    assert_eq!(eve[col("visits_90")], "");
    // Rebooked within 30 days, of the sessions by May 31: Ana 2 of 6 (Xenia back on day 30,
    // and the next day; Yorick's same-day second session is no rebooking), Ben 2 of 5.
    close(&ana[col("rebooked_30")], 2.0 / 6.0);
    close(&ben[col("rebooked_30")], 0.4);
    // One session only: Cy/Dee's figures are there, flagged as a low sample.
    let cy = row("Cy/Dee");
    assert_eq!(
        (cy[col("sessions")].as_str(), cy[col("low_sample")].as_str()),
        ("1", "true")
    );
    close(&cy[col("rebooked_30")], 0.0);
}

#[test]
fn one_review_per_therapist_read_back_and_no_client_named() {
    let dir = tempfile::tempdir().unwrap();
    let out = reviews(dir.path());
    let mut files: Vec<String> = std::fs::read_dir(out.join("therapists"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    files.sort();
    assert_eq!(files.len(), 5, "{files:?}");
    assert!(files.contains(&"Ana.pdf".to_string()));
    // Cy/Dee and Cy\Dee: one safe name, two files.
    let cy: Vec<&String> = files.iter().filter(|f| f.starts_with("Cy_Dee-")).collect();
    assert_eq!(cy.len(), 2, "{files:?}");
    let clients = [
        "Xenia", "Yorick", "Zara", "Wanda", "Viktor", "Ursula", "Tobias", "Rosa",
    ];
    for f in &files {
        let text = squeeze(&pdf_text(&out.join("therapists").join(f)));
        for c in clients {
            assert!(!text.contains(c), "{f} names {c}");
        }
        for heading in [
            "Staff review:",
            "Pain fell by 30% or more",
            "How much pain their clients came in with",
            "Do their clients come back?",
            "Sessions month by month",
            "How to read this report",
        ] {
            assert!(text.contains(heading), "{f}: {heading}\n{text}");
        }
    }
    let csv = std::fs::read_to_string(out.join("therapists-2026-01-01_2026-06-30.csv")).unwrap();
    for c in clients {
        assert!(!csv.contains(c));
    }
    let ana = squeeze(&pdf_text(&out.join("therapists/Ana.pdf")));
    // 6/13 = 46%, 95% interval 20% to 72%; the practice: 8 of 13 = 62%.
    assert!(
        ana.contains(
            "Ana's share (46%, 95% interval 20% to 72%) is within chance of the practice's 62%"
        ),
        "{ana}"
    );
    let eve = squeeze(&pdf_text(&out.join("therapists/Eve.pdf")));
    assert!(
        eve.contains("cannot be put on the practice's mix of cases (shown as –)"),
        "{eve}"
    );
}

#[test]
fn run_writes_the_staff_reviews_for_its_twelve_months() {
    let dir = tempfile::tempdir().unwrap();
    let o = run_in(
        dir.path(),
        &[
            "run",
            "--sessions",
            &data("therapists/sessions.csv").display().to_string(),
            "--feedback",
            &data("therapists/feedback.csv").display().to_string(),
            "--out",
            "out",
        ],
    );
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let said = stdout(&o);
    assert!(
        said.contains("wrote 5 staff reviews (2025-07-01 to 2026-06-30) into"),
        "{said}"
    );
    assert!(dir
        .path()
        .join("out/therapists-2025-07-01_2026-06-30.csv")
        .is_file());
    assert!(dir.path().join("out/therapists/Ben.pdf").is_file());
}

/// The staff reviews' figures on `sample_data/`, computed here a second way: straight off
/// the CSV files with the csv crate and plain loops (no polars), as the SPEC defines them.
#[test]
fn the_sample_practice_matches_an_independent_computation() {
    use std::collections::{BTreeMap, BTreeSet, HashMap};
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    let o = run_in(
        dir.path(),
        &[
            "therapists",
            "--sessions",
            &data("../../sample_data/sessions.csv").display().to_string(),
            "--feedback",
            &data("../../sample_data/feedback.csv").display().to_string(),
            "--from",
            "2025-11-01",
            "--to",
            "2026-10-31",
            "--out",
            &out.display().to_string(),
        ],
    );
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    // Every row is used but the superseded answers (the latest answer of a session counts).
    let rejects = super::common::rejects(&out.join("rejects.csv"));
    assert!(rejects
        .iter()
        .all(|r| r[4].starts_with("superseded by line")));
    let day = |s: &str| {
        chrono::NaiveDate::parse_from_str(&s[..10], "%Y-%m-%d")
            .unwrap()
            .signed_duration_since(chrono::NaiveDate::from_ymd_opt(1970, 1, 1).unwrap())
            .num_days()
    };
    let (from, to) = (day("2025-11-01"), day("2026-10-31"));
    struct S {
        client: String,
        therapist: String,
        day: i64,
        minutes: i64,
        before: Option<f64>,
    }
    let mut sessions: Vec<(String, S)> = Vec::new();
    let mut r = csv::Reader::from_path(data("../../sample_data/sessions.csv")).unwrap();
    for rec in r.records() {
        let rec = rec.unwrap();
        sessions.push((
            rec[0].to_string(),
            S {
                client: rec[1].to_string(),
                therapist: rec[3].to_string(),
                day: day(&rec[4]),
                minutes: rec[7].parse().unwrap(),
                before: rec[8].parse().ok(),
            },
        ));
    }
    // The latest answer per session (a tie: the later line).
    let mut followup: HashMap<String, (i64, Option<f64>)> = HashMap::new();
    let mut r = csv::Reader::from_path(data("../../sample_data/feedback.csv")).unwrap();
    for rec in r.records() {
        let rec = rec.unwrap();
        let when = day(&rec[1]);
        let fu = rec[3].parse().ok();
        match followup.get(&rec[0]) {
            Some((w, _)) if *w > when => {}
            _ => {
                followup.insert(rec[0].to_string(), (when, fu));
            }
        }
    }
    let band = |b: f64| {
        if b < 4.0 {
            0
        } else if b < 7.0 {
            1
        } else {
            2
        }
    };
    #[derive(Default)]
    struct T {
        sessions: u64,
        clients: BTreeSet<String>,
        minutes: i64,
        bands: [(u64, u64); 3],
        new: u64,
        visits: Vec<f64>,
        rebooks: Vec<f64>,
    }
    let mut by: BTreeMap<String, T> = BTreeMap::new();
    let mut practice = [(0u64, 0u64); 3];
    // Each client's days (all sessions), and first session by date then line.
    let mut days: HashMap<&str, Vec<i64>> = HashMap::new();
    let mut first: HashMap<&str, (i64, usize)> = HashMap::new();
    for (line, (_, s)) in sessions.iter().enumerate() {
        days.entry(&s.client).or_default().push(s.day);
        let f = first.entry(&s.client).or_insert((s.day, line));
        if (s.day, line) < *f {
            *f = (s.day, line);
        }
    }
    for v in days.values_mut() {
        v.sort();
        v.dedup();
    }
    for (id, s) in sessions
        .iter()
        .filter(|(_, s)| s.day >= from && s.day <= to)
    {
        let t = by.entry(s.therapist.clone()).or_default();
        t.sessions += 1;
        t.clients.insert(s.client.clone());
        t.minutes += s.minutes;
        if let (Some(b), Some((_, Some(fu)))) = (s.before, followup.get(id)) {
            if b > 0.0 {
                let k = band(b);
                let resp = u64::from((b - fu) / b >= 0.30);
                t.bands[k].0 += 1;
                t.bands[k].1 += resp;
                practice[k].0 += 1;
                practice[k].1 += resp;
            }
        }
        if s.day <= to - 30 {
            let next = days[s.client.as_str()].iter().find(|&&d| d > s.day);
            t.rebooks
                .push(f64::from(u8::from(next.is_some_and(|&d| d - s.day <= 30))));
        }
    }
    for (client, &(d, line)) in &first {
        if d < from || d > to {
            continue;
        }
        let t = by.get_mut(&sessions[line].1.therapist).unwrap();
        t.new += 1;
        if d <= to - 90 {
            let n_sessions = sessions
                .iter()
                .filter(|(_, s)| s.client == *client && s.day >= d && s.day <= d + 90)
                .count();
            t.visits.push(n_sessions as f64);
        }
    }
    let all: u64 = practice.iter().map(|b| b.0).sum();
    let w: Vec<f64> = practice.iter().map(|b| b.0 as f64 / all as f64).collect();
    let mean = |v: &[f64]| (!v.is_empty()).then(|| v.iter().sum::<f64>() / v.len() as f64);

    let rows = csv_rows(&out.join("therapists-2025-11-01_2026-10-31.csv"));
    let col = |name: &str| rows[0].iter().position(|h| h == name).unwrap();
    assert_eq!(rows.len() - 1, by.len());
    let num = |v: &str| (!v.is_empty()).then(|| v.parse::<f64>().unwrap());
    let same = |got: Option<f64>, want: Option<f64>, what: &str| match (got, want) {
        (Some(g), Some(w)) => assert!((g - w).abs() < 1e-9, "{what}: {g} != {w}"),
        (g, w) => assert_eq!(g, w, "{what}"),
    };
    for row in &rows[1..] {
        let t = &by[&row[0]];
        let name = &row[0];
        assert_eq!(row[col("sessions")], t.sessions.to_string(), "{name}");
        assert_eq!(row[col("clients")], t.clients.len().to_string(), "{name}");
        assert_eq!(row[col("minutes")], t.minutes.to_string(), "{name}");
        for (k, b) in ["mild", "moderate", "severe"].iter().enumerate() {
            assert_eq!(
                row[col(&format!("{b}_eligible"))],
                t.bands[k].0.to_string(),
                "{name}"
            );
            assert_eq!(
                row[col(&format!("{b}_responders"))],
                t.bands[k].1.to_string(),
                "{name}"
            );
        }
        let rates: Vec<Option<f64>> = t
            .bands
            .iter()
            .map(|&(n, x)| (n > 0).then(|| x as f64 / n as f64))
            .collect();
        let standardized = (0..3).try_fold(0.0, |acc, k| {
            if w[k] == 0.0 {
                Some(acc)
            } else {
                rates[k].map(|r| acc + w[k] * r)
            }
        });
        same(
            num(&row[col("standardized_rate")]),
            standardized,
            &format!("{name} standardized"),
        );
        assert_eq!(row[col("new_clients")], t.new.to_string(), "{name}");
        same(
            num(&row[col("visits_90")]),
            mean(&t.visits),
            &format!("{name} visits_90"),
        );
        same(
            num(&row[col("rebooked_30")]),
            mean(&t.rebooks),
            &format!("{name} rebooked_30"),
        );
    }
}
