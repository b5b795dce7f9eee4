//! `techniques` through the built binary: every CSV column hand-worked on a small fixture,
//! the PDF read back.

use std::collections::HashMap;

use super::common::*;

fn run_techniques(dir: &std::path::Path) -> std::path::PathBuf {
    let out = dir.join("out");
    let config = data("techniques/practice-report.toml");
    let extra = [
        "--from",
        "2026-01-01",
        "--to",
        "2026-03-31",
        "--config",
        config.to_str().unwrap(),
    ];
    let o = Run::new("techniques")
        .fixture("techniques")
        .out(&out)
        .args(&extra)
        .dated()
        .output_in(dir);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    out
}

/// technique → column → cell.
type Rows = HashMap<String, HashMap<String, String>>;

/// The CSV: its header, the techniques in order, and the cells.
fn read_csv(path: &std::path::Path) -> (Vec<String>, Vec<String>, Rows) {
    let mut r = csv::Reader::from_path(path).unwrap();
    let header: Vec<String> = r.headers().unwrap().iter().map(str::to_string).collect();
    let mut order = Vec::new();
    let mut rows = HashMap::new();
    for rec in r.records() {
        let rec = rec.unwrap();
        let row: HashMap<String, String> = header
            .iter()
            .cloned()
            .zip(rec.iter().map(str::to_string))
            .collect();
        order.push(rec[0].to_string());
        rows.insert(rec[0].to_string(), row);
    }
    (header, order, rows)
}

fn check(rows: &Rows, technique: &str, want: &[(&str, &str)]) {
    let row = &rows[technique];
    for (column, value) in want {
        let got = &row[*column];
        match (got.parse::<f64>(), value.parse::<f64>()) {
            (Ok(g), Ok(w)) => assert!(
                (g - w).abs() < 1e-9,
                "{technique}.{column}: {got} != {value}"
            ),
            _ => assert_eq!(got, value, "{technique}.{column}"),
        }
    }
}

#[test]
fn every_csv_column_matches_the_hand_worked_figures() {
    let dir = tempfile::tempdir().unwrap();
    let out = run_techniques(dir.path());
    let (header, order, rows) = read_csv(&out.join("techniques-2026-01-01_2026-03-31.csv"));
    assert_eq!(
        header.join(","),
        "technique,sessions,clients,feedback_responses,soreness_n,soreness_mean,soreness_median,soreness_p90,\
         soreness_over_48h_share,pain_reduction_n,pain_reduction_mean,pain_reduction_ci95_low,pain_reduction_ci95_high,\
         responders_eligible,responders,responder_rate,responder_ci95_low,responder_ci95_high,immediate_change_n,\
         immediate_change_mean,satisfaction_mean,mobility_improved_share,low_sample,mild_eligible,\
         mild_responders,moderate_eligible,moderate_responders,severe_eligible,severe_responders,\
         standardized_rate,standardized_ci95_low,standardized_ci95_high"
    );
    // By sessions, then name (ischemic before passive at 2 each; myofascial before spray at 1).
    assert_eq!(
        order,
        vec![
            "dry_needling",
            "ischemic_compression",
            "passive_stretching",
            "myofascial_release",
            "spray_and_stretch"
        ]
    );
    // S01 (January, no feedback), S03 and S06: both responders, soreness 36 and 60 h.
    check(
        &rows,
        "dry_needling",
        &[
            ("sessions", "3"),
            ("clients", "2"),
            ("feedback_responses", "2"),
            ("soreness_n", "2"),
            ("soreness_mean", "48"),
            ("soreness_median", "48"),
            ("soreness_p90", "57.6"),
            ("soreness_over_48h_share", "0.5"),
            ("pain_reduction_n", "2"),
            ("pain_reduction_mean", "3"),
            ("pain_reduction_ci95_low", "3"),
            ("pain_reduction_ci95_high", "3"),
            ("responders_eligible", "2"),
            ("responders", "2"),
            ("responder_rate", "1"),
            ("responder_ci95_low", "0.34238022750665303"),
            ("responder_ci95_high", "1"),
            ("immediate_change_n", "2"),
            ("immediate_change_mean", "2"),
            ("satisfaction_mean", "5"),
            ("mobility_improved_share", "1"),
            ("low_sample", "false"),
        ],
    );
    // S02 (February) and S05: reductions 1 and 0, neither a responder.
    check(
        &rows,
        "passive_stretching",
        &[
            ("sessions", "2"),
            ("clients", "1"),
            ("feedback_responses", "2"),
            ("soreness_n", "2"),
            ("soreness_mean", "1"),
            ("soreness_median", "1"),
            ("soreness_p90", "1.8"),
            ("soreness_over_48h_share", "0"),
            ("pain_reduction_n", "2"),
            ("pain_reduction_mean", "0.5"),
            ("pain_reduction_ci95_low", "-5.853102368087353"),
            ("pain_reduction_ci95_high", "6.853102368087353"),
            ("responders_eligible", "2"),
            ("responders", "0"),
            ("responder_rate", "0"),
            ("responder_ci95_low", "0"),
            ("responder_ci95_high", "0.6576197724933469"),
            ("immediate_change_n", "2"),
            ("immediate_change_mean", "0"),
            ("satisfaction_mean", "3.5"),
            ("mobility_improved_share", "0"),
            ("low_sample", "false"),
        ],
    );
    // One reduction: a mean without an interval; one eligible session: below the threshold of 2.
    check(
        &rows,
        "ischemic_compression",
        &[
            ("sessions", "2"),
            ("clients", "2"),
            ("feedback_responses", "1"),
            ("soreness_n", "1"),
            ("soreness_median", "12"),
            ("soreness_p90", "12"),
            ("pain_reduction_n", "1"),
            ("pain_reduction_mean", "3"),
            ("pain_reduction_ci95_low", ""),
            ("pain_reduction_ci95_high", ""),
            ("responders_eligible", "1"),
            ("responders", "1"),
            ("responder_ci95_low", "0.20654931437723745"),
            ("immediate_change_n", "1"),
            ("immediate_change_mean", "2"),
            ("low_sample", "true"),
        ],
    );
    // One session, with feedback.
    check(
        &rows,
        "myofascial_release",
        &[
            ("sessions", "1"),
            ("clients", "1"),
            ("feedback_responses", "1"),
            ("soreness_mean", "6"),
            ("pain_reduction_mean", "3"),
            ("responders", "1"),
            ("responder_rate", "1"),
            ("satisfaction_mean", "5"),
            ("mobility_improved_share", "1"),
            ("low_sample", "true"),
        ],
    );
    // One session and no feedback at all: empty cells, never 0 or NaN.
    check(
        &rows,
        "spray_and_stretch",
        &[
            ("sessions", "1"),
            ("clients", "1"),
            ("feedback_responses", "0"),
            ("soreness_n", "0"),
            ("soreness_mean", ""),
            ("soreness_median", ""),
            ("soreness_p90", ""),
            ("soreness_over_48h_share", ""),
            ("pain_reduction_n", "0"),
            ("pain_reduction_mean", ""),
            ("pain_reduction_ci95_low", ""),
            ("responders_eligible", "0"),
            ("responders", "0"),
            ("responder_rate", ""),
            ("responder_ci95_low", ""),
            ("immediate_change_n", "1"),
            ("immediate_change_mean", "1"),
            ("satisfaction_mean", ""),
            ("mobility_improved_share", ""),
            ("low_sample", "true"),
        ],
    );
}

#[test]
fn the_pdf_names_every_technique_and_shows_the_matrix() {
    let dir = tempfile::tempdir().unwrap();
    let out = run_techniques(dir.path());
    let pdf = out.join("techniques-2026-01-01_2026-03-31.pdf");
    let text = pdf_text(&pdf);
    let flat = squeeze(&text);
    for want in [
        "Technique comparison",
        "Fixture Clinic",
        "2026-01-01 to 2026-03-31",
        "Dry needling",
        "Ischemic compression",
        "Passive stretching",
        "Myofascial release",
        "Spray and stretch",
        // The matrix: its region columns and a cell (dry needling × neck: 2 of 2).
        "by technique and body region",
        "Lower back",
        "100% (n=2)",
        // Against the others, in words: dry needling 2/2 against 2/4.
        "Dry needling: 50 points more responders than the other techniques, 95% CI −24 to 85",
        "were not assigned at random",
        "How to read this report",
    ] {
        assert!(flat.contains(want), "{want:?} not in the PDF text:\n{flat}");
    }
    for name in ["김민준", "Mia Roth", "Kai Berg", "José"] {
        assert!(!text.contains(name), "{name} is in the techniques PDF");
    }
}

#[test]
fn run_writes_the_techniques_report_for_the_twelve_months() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    let o = Run::new("run")
        .fixture("techniques")
        .out(&out)
        .month("2026-03")
        .output_in(dir.path());
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert!(out.join("techniques-2025-04-01_2026-03-31.csv").exists());
    assert!(out.join("techniques-2025-04-01_2026-03-31.pdf").exists());
    let backwards = ["--from", "2026-04-01", "--to", "2026-03-01"];
    let o = Run::new("techniques")
        .fixture("techniques")
        .out(&out)
        .args(&backwards)
        .output_in(dir.path());
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("after --to"), "{}", stderr(&o));
}
