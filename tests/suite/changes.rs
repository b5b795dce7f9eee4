//! What changed this month and visits until pain eases counting those who stopped coming
//! (SPEC "What changed this month", "Visits until pain eases"): `comparisons[]` and
//! `course_km[]` against hand computations on `tests/data/changes/` and
//! `tests/data/course_km/`, and the PDFs' sentences read back.

use std::path::Path;

use serde_json::Value;

use super::common::{close, data, json, pdf_text, run_in, squeeze, stderr};

fn report(dir: &Path, command: &str, set: &str, month: &str) -> std::path::PathBuf {
    let out = dir.join(format!("{command}-{month}"));
    let o = run_in(
        dir,
        &[
            command,
            "--sessions",
            &data(&format!("{set}/sessions.csv")).display().to_string(),
            "--feedback",
            &data(&format!("{set}/feedback.csv")).display().to_string(),
            "--month",
            month,
            "--out",
            &out.display().to_string(),
            "-q",
        ],
    );
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    out
}

fn comparison<'a>(m: &'a Value, figure: &str) -> &'a Value {
    m["comparisons"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["figure"] == figure)
        .unwrap()
}

#[test]
fn april_against_march_changed_by_more_than_chance() {
    let dir = tempfile::tempdir().unwrap();
    let out = report(dir.path(), "monthly", "changes", "2026-04");
    let m = json(&out.join("monthly-2026-04.json"));
    let figures: Vec<&str> = m["comparisons"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["figure"].as_str().unwrap())
        .collect();
    assert_eq!(
        figures,
        [
            "sessions",
            "new_clients",
            "feedback_response_rate",
            "responder_rate",
            "pain_reduction_mean"
        ]
    );
    let z = 1.959963984540054f64;
    // 48 sessions against 30: the ratio 1.6, exp(ln 1.6 ± z·√(1/48 + 1/30)).
    let s = comparison(&m, "sessions");
    assert_eq!(
        (s["current"].clone(), s["previous"].clone()),
        (48.into(), 30.into())
    );
    close(&s["difference"], 18.0);
    close(&s["ratio"], 1.6);
    let half = z * (1.0f64 / 48.0 + 1.0 / 30.0).sqrt();
    close(&s["ratio_ci95_low"], (1.6f64.ln() - half).exp());
    close(&s["ratio_ci95_high"], (1.6f64.ln() + half).exp());
    assert_eq!(s["significant"], true);
    // Every client is new: the same pair.
    assert_eq!(comparison(&m, "new_clients")["significant"], true);
    // Feedback: 40 of 48 against 10 of 30; Newcombe from the two Wilson intervals.
    let wilson = |x: f64, n: f64| {
        let p = x / n;
        let d = 1.0 + z * z / n;
        let c = (p + z * z / (2.0 * n)) / d;
        let h = z * (p * (1.0 - p) / n + z * z / (4.0 * n * n)).sqrt() / d;
        ((c - h).max(0.0), (c + h).min(1.0))
    };
    let (p1, p0) = (40.0 / 48.0, 10.0 / 30.0);
    let ((l1, u1), (l0, u0)) = (wilson(40.0, 48.0), wilson(10.0, 30.0));
    let f = comparison(&m, "feedback_response_rate");
    close(&f["difference"], p1 - p0);
    close(
        &f["ci95_low"],
        p1 - p0 - ((p1 - l1).powi(2) + (u0 - p0).powi(2)).sqrt(),
    );
    close(
        &f["ci95_high"],
        p1 - p0 + ((u1 - p1).powi(2) + (p0 - l0).powi(2)).sqrt(),
    );
    assert_eq!(f["ratio"], Value::Null);
    // Every April answer improved (6 → 2), no March one did (6 → 6).
    let r = comparison(&m, "responder_rate");
    close(&r["difference"], 1.0);
    assert_eq!(r["significant"], true);
    // Pain reduction 4 (sd 0, n 40) against 0 (sd 0, n 10): the interval is the difference.
    let p = comparison(&m, "pain_reduction_mean");
    close(&p["difference"], 4.0);
    close(&p["ci95_low"], 4.0);
    close(&p["ci95_high"], 4.0);
    assert_eq!(p["significant"], true);

    let text = squeeze(&pdf_text(&out.join("monthly-2026-04.pdf")));
    for sentence in [
        "What changed",
        "Sessions rose from 30 to 48 (+60%; 95% interval +1% to +152%).",
        "New clients rose from 30 to 48 (+60%; 95% interval +1% to +152%).",
        "Feedback response rate: 83%, up from 33% in March 2026 (+50 points; 95% interval +28 to +66).",
        "Sessions whose pain fell by 30% or more: 100%, up from 0% in March 2026 (+100 points; 95% interval +71 to +100).",
        "Mean pain reduction: 4.0 points, up from 0.0 in March 2026 (+4.0; 95% interval +4.0 to +4.0).",
    ] {
        assert!(text.contains(sentence), "{sentence}\n{text}");
    }
    // The first section comes before the tiles.
    assert!(text.find("What changed").unwrap() < text.find("Minutes of treatment").unwrap());
}

#[test]
fn after_an_empty_month_nothing_can_be_said_to_have_changed() {
    let dir = tempfile::tempdir().unwrap();
    let out = report(dir.path(), "monthly", "changes", "2026-06");
    let m = json(&out.join("monthly-2026-06.json"));
    // May had no session: no ratio, no shares to compare; June has one answer: no Welch.
    let s = comparison(&m, "sessions");
    assert_eq!(
        (s["previous"].clone(), s["ratio"].clone()),
        (0.into(), Value::Null)
    );
    assert_eq!(s["significant"], false);
    for figure in [
        "feedback_response_rate",
        "responder_rate",
        "pain_reduction_mean",
    ] {
        let c = comparison(&m, figure);
        assert_eq!(c["difference"], Value::Null, "{figure}");
        assert_eq!(c["ci95_low"], Value::Null, "{figure}");
        assert_eq!(c["significant"], false, "{figure}");
    }
    assert_eq!(
        comparison(&m, "feedback_response_rate")["previous"],
        Value::Null
    );
    let text = squeeze(&pdf_text(&out.join("monthly-2026-06.pdf")));
    assert!(
        text.contains("Nothing changed by more than chance would explain, against May 2026."),
        "{text}"
    );
    // The tiles' changes that were tested are grey, and the page says why.
    assert!(
        text.contains("A grey change on a tile is within chance"),
        "{text}"
    );
}

#[test]
fn kaplan_meier_counts_those_who_stopped_coming() {
    let dir = tempfile::tempdir().unwrap();
    let out = report(dir.path(), "trends", "course_km", "2026-03");
    let t = json(&out.join("trends-2026-03.json"));
    let km = t["course_km"].as_array().unwrap();
    let rows: Vec<(i64, i64, i64)> = km
        .iter()
        .map(|r| {
            (
                r["visit"].as_i64().unwrap(),
                r["at_risk"].as_i64().unwrap(),
                r["events"].as_i64().unwrap(),
            )
        })
        .collect();
    // A (8, 8, 7) stops after visit 3 unimproved; B (6, 4) improves at visit 2; C (5, 5, 5,
    // no score, 3) is not at risk at visit 4 and improves at 5; D (10, 9, 9, 8, 8) never does.
    assert_eq!(
        rows,
        [
            (2, 4, 1),
            (3, 3, 0),
            (4, 1, 0),
            (5, 2, 1),
            (6, 0, 0),
            (7, 0, 0),
            (8, 0, 0)
        ]
    );
    let z = 1.959963984540054f64;
    close(&km[0]["improved"], 0.25);
    let half = z * 0.75 * (1.0f64 / 12.0).sqrt();
    close(&km[0]["ci95_low"], (0.25 - half).max(0.0));
    close(&km[0]["ci95_high"], 0.25 + half);
    close(&km[2]["improved"], 0.25);
    // S = 3/4 · 1/2 at visit 5, and it stays there with nobody at risk after.
    let s = 0.375f64;
    let half = z * s * (1.0f64 / 12.0 + 1.0 / 2.0).sqrt();
    for row in &km[3..7] {
        close(&row["improved"], 1.0 - s);
        close(&row["ci95_high"], (1.0 - s + half).min(1.0));
        close(&row["ci95_low"], (1.0 - s - half).max(0.0));
    }
    // The visit-by-visit share beside it drops A at visit 4 and C at 4 for its missing score.
    let course = t["course"].as_array().unwrap();
    let clients: Vec<i64> = course
        .iter()
        .map(|r| r["clients"].as_i64().unwrap())
        .collect();
    assert_eq!(clients, [4, 3, 1, 2, 0, 0, 0]);
    let text = squeeze(&pdf_text(&out.join("trends-2026-03.pdf")));
    for words in [
        "of all clients who started, counting those who stopped coming as still unimproved so far",
        "of the clients who came to that visit",
        "4 at risk",
        "counting those who stopped coming as not improved so far",
    ] {
        assert!(text.contains(words), "{words}\n{text}");
    }
}

#[test]
fn when_everyone_improves_at_once_the_interval_is_the_estimate() {
    let dir = tempfile::tempdir().unwrap();
    let out = report(dir.path(), "trends", "course_all", "2026-03");
    let km = json(&out.join("trends-2026-03.json"))["course_km"].clone();
    // Both clients improve at visit 2 (8 → 4, 5 → 2): S = 0, nobody left at risk after.
    let first = &km[0];
    assert_eq!(
        (first["at_risk"].clone(), first["events"].clone()),
        (2.into(), 2.into())
    );
    for row in km.as_array().unwrap() {
        close(&row["improved"], 1.0);
        close(&row["ci95_low"], 1.0);
        close(&row["ci95_high"], 1.0);
    }
}

/// `comparisons[]` and `course_km[]` on `sample_data/`, computed a second way straight off the
/// CSV files with plain loops, from the SPEC's formulas.
#[test]
fn the_sample_practice_matches_an_independent_computation() {
    use std::collections::HashMap;
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    let sample = |f: &str| {
        data(&format!("../../sample_data/{f}"))
            .display()
            .to_string()
    };
    let o = run_in(
        dir.path(),
        &[
            "run",
            "--sessions",
            &sample("sessions.csv"),
            "--feedback",
            &sample("feedback.csv"),
            "--month",
            "2026-10",
            "--out",
            &out.display().to_string(),
            "-q",
        ],
    );
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let z = 1.959963984540054f64;
    // Sessions: (id, client, date, pain_before), in file order.
    let mut sessions = Vec::new();
    let mut r = csv::Reader::from_path(sample("sessions.csv")).unwrap();
    for rec in r.records() {
        let rec = rec.unwrap();
        sessions.push((
            rec[0].to_string(),
            rec[1].to_string(),
            rec[4][..10].to_string(),
            rec[8].parse::<f64>().ok(),
        ));
    }
    // The latest answer per session (dates only; a tie: the later line).
    let mut answer: HashMap<String, (String, Option<f64>)> = HashMap::new();
    let mut r = csv::Reader::from_path(sample("feedback.csv")).unwrap();
    for rec in r.records() {
        let rec = rec.unwrap();
        let when = rec[1][..10].to_string();
        if answer.get(&rec[0]).is_none_or(|(w, _)| *w <= when) {
            answer.insert(rec[0].to_string(), (when, rec[3].parse().ok()));
        }
    }
    let mut first: HashMap<&str, &str> = HashMap::new();
    for (_, c, d, _) in &sessions {
        let f = first.entry(c).or_insert(d);
        if d.as_str() < *f {
            *f = d;
        }
    }
    struct Month {
        sessions: u64,
        new: u64,
        answered: u64,
        eligible: u64,
        responders: u64,
        reductions: Vec<f64>,
    }
    let month = |m: &str| {
        let mut x = Month {
            sessions: 0,
            new: 0,
            answered: 0,
            eligible: 0,
            responders: 0,
            reductions: vec![],
        };
        let mut seen = std::collections::HashSet::new();
        for (id, c, d, before) in sessions.iter().filter(|s| s.2.starts_with(m)) {
            x.sessions += 1;
            if first[c.as_str()].starts_with(m) && seen.insert(c) {
                x.new += 1;
            }
            if let Some((_, fu)) = answer.get(id) {
                x.answered += 1;
                if let (Some(b), Some(f)) = (before, fu) {
                    x.reductions.push(b - f);
                    if *b > 0.0 {
                        x.eligible += 1;
                        x.responders += u64::from((b - f) / b >= 0.30);
                    }
                }
            }
            let _ = d;
        }
        x
    };
    let (now, then) = (month("2026-10"), month("2026-09"));
    let m = json(&out.join("monthly-2026-10.json"));
    let c = |f: &str| comparison(&m, f).clone();
    let ratio = |a: u64, b: u64| {
        let r = a as f64 / b as f64;
        let h = z * (1.0 / a as f64 + 1.0 / b as f64).sqrt();
        (r, (r.ln() - h).exp(), (r.ln() + h).exp())
    };
    for (f, a, b) in [
        ("sessions", now.sessions, then.sessions),
        ("new_clients", now.new, then.new),
    ] {
        let (r, lo, hi) = ratio(a, b);
        close(&c(f)["ratio"], r);
        close(&c(f)["ratio_ci95_low"], lo);
        close(&c(f)["ratio_ci95_high"], hi);
        assert_eq!(c(f)["significant"], lo > 1.0 || hi < 1.0);
    }
    let wilson = |x: f64, n: f64| {
        let p = x / n;
        let d = 1.0 + z * z / n;
        let ce = (p + z * z / (2.0 * n)) / d;
        let h = z * (p * (1.0 - p) / n + z * z / (4.0 * n * n)).sqrt() / d;
        ((ce - h).max(0.0), (ce + h).min(1.0))
    };
    for (f, (x1, n1), (x0, n0)) in [
        (
            "feedback_response_rate",
            (now.answered, now.sessions),
            (then.answered, then.sessions),
        ),
        (
            "responder_rate",
            (now.responders, now.eligible),
            (then.responders, then.eligible),
        ),
    ] {
        let (p1, p0) = (x1 as f64 / n1 as f64, x0 as f64 / n0 as f64);
        let ((l1, u1), (l0, u0)) = (wilson(x1 as f64, n1 as f64), wilson(x0 as f64, n0 as f64));
        close(&c(f)["difference"], p1 - p0);
        close(
            &c(f)["ci95_low"],
            p1 - p0 - ((p1 - l1).powi(2) + (u0 - p0).powi(2)).sqrt(),
        );
        close(
            &c(f)["ci95_high"],
            p1 - p0 + ((u1 - p1).powi(2) + (p0 - l0).powi(2)).sqrt(),
        );
    }
    let stats = |v: &[f64]| {
        let n = v.len() as f64;
        let mean = v.iter().sum::<f64>() / n;
        let var = v.iter().map(|x| (x - mean).powi(2)).sum::<f64>() / (n - 1.0);
        (n, mean, var)
    };
    let ((n1, m1, v1), (n0, m0, v0)) = (stats(&now.reductions), stats(&then.reductions));
    let (a, b) = (v1 / n1, v0 / n0);
    let df = (a + b).powi(2) / (a * a / (n1 - 1.0) + b * b / (n0 - 1.0));
    use statrs::distribution::ContinuousCDF;
    let t = statrs::distribution::StudentsT::new(0.0, 1.0, df)
        .unwrap()
        .inverse_cdf(0.975);
    let p = c("pain_reduction_mean");
    let tolerance = |got: &Value, want: f64| {
        let g = got.as_f64().unwrap();
        assert!((g - want).abs() < 1e-9, "{g} != {want}");
    };
    tolerance(&p["difference"], m1 - m0);
    tolerance(&p["ci95_low"], m1 - m0 - t * (a + b).sqrt());
    tolerance(&p["ci95_high"], m1 - m0 + t * (a + b).sqrt());

    // Kaplan–Meier: each client's visits (date order, then file order) up to the window's end.
    // Per client: (date, file line, pain_before).
    type Visits<'a> = Vec<(&'a str, usize, Option<f64>)>;
    let mut visits: HashMap<&str, Visits<'_>> = HashMap::new();
    for (line, (_, c, d, before)) in sessions.iter().enumerate() {
        if d.as_str() <= "2026-10-31" {
            visits.entry(c).or_default().push((d, line, *before));
        }
    }
    let (mut survival, mut greenwood) = (1.0f64, 0.0f64);
    let tr = json(&out.join("trends-2026-10.json"));
    for (i, k) in (2..=8usize).enumerate() {
        let (mut at_risk, mut events) = (0u64, 0u64);
        for v in visits.values_mut() {
            v.sort_by_key(|x| (x.0, x.1));
            let Some(base) = v[0].2.filter(|b| *b > 0.0) else {
                continue;
            };
            let improved = |j: usize| {
                v.get(j - 1)
                    .and_then(|x| x.2)
                    .is_some_and(|p| (base - p) / base >= 0.30)
            };
            if (2..k).any(improved) || v.get(k - 1).and_then(|x| x.2).is_none() {
                continue;
            }
            at_risk += 1;
            events += u64::from(improved(k));
        }
        if at_risk > 0 {
            survival *= 1.0 - events as f64 / at_risk as f64;
            if at_risk > events {
                greenwood += events as f64 / (at_risk as f64 * (at_risk - events) as f64);
            }
        }
        let row = &tr["course_km"][i];
        assert_eq!(
            (row["at_risk"].as_u64(), row["events"].as_u64()),
            (Some(at_risk), Some(events)),
            "visit {k}"
        );
        tolerance(&row["improved"], 1.0 - survival);
        if survival > 0.0 {
            let half = z * survival * greenwood.sqrt();
            tolerance(&row["ci95_low"], (1.0 - survival - half).clamp(0.0, 1.0));
        }
    }
}
