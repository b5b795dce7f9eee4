//! Chains through the built binary, on tests/data/locations (its location column is named
//! "Clinic Location", mapped in its practice-report.toml). March 2026:
//!
//! | location   | sessions          | clients | minutes | revenue | responders / eligible |
//! |------------|-------------------|---------|---------|---------|-----------------------|
//! | Harbour St | L02 (C1), L06 (C2)| 2       | 90      | 130     | 1/1 (L02: 6 → 3)      |
//! | Zürich Süd | L03 (C2), L04 (C3)| 2       | 105     | 140     | 1/2 (L04: 5 → 2)      |
//! | none       | L05 (C4)          | 1       | 30      | 50      | 0/1                   |
//!
//! "  Zürich Süd  " is trimmed into the same site; L01 (C1, Harbour St) is in February.

use std::path::{Path, PathBuf};

use super::common::*;
use serde_json::{json, Value};

fn config() -> String {
    data("locations/practice-report.toml").display().to_string()
}

fn run(dir: &Path, cmd: &str, extra: &[&str]) -> (std::process::Output, PathBuf) {
    let out = dir.join("out");
    let config = config();
    let mut args = vec!["--month", "2026-03", "--config", config.as_str()];
    args.extend_from_slice(extra);
    (
        Run::new(cmd)
            .fixture("locations")
            .out(&out)
            .args(&args)
            .dated()
            .output_in(dir),
        out,
    )
}

#[test]
fn figures_by_location_with_the_no_location_group_last() {
    let dir = tempfile::tempdir().unwrap();
    let (o, out) = run(dir.path(), "monthly", &[]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let j = json(&out.join("monthly-2026-03.json"));
    assert_eq!(j.get("location"), None, "chain-wide: no location key");
    let by = j["by_location"].as_array().unwrap();
    let rows: Vec<Value> = by
        .iter()
        .map(|g| {
            json!([
                g["location"],
                g["sessions"],
                g["clients"],
                g["minutes"],
                g["revenue"],
                g["responders"]["eligible"],
                g["responders"]["responders"]
            ])
        })
        .collect();
    assert_eq!(
        rows,
        vec![
            json!(["Harbour St", 2, 2, 90, 130.0, 1, 1]),
            json!(["Zürich Süd", 2, 2, 105, 140.0, 2, 1]),
            json!([null, 1, 1, 30, 50.0, 1, 0]),
        ]
    );
    assert_eq!(by[1]["responders"]["rate"], 0.5);
    assert_eq!(by[1]["low_sample"], true);

    let text = squeeze(&pdf_text(&out.join("monthly-2026-03.pdf")));
    for want in [
        "Locations",
        "Zürich Süd",
        "No location given",
        "all locations 50%",
    ] {
        assert!(text.contains(want), "{want}: {text}");
    }
}

/// Writes the rows of one location (trimmed, any case) of both fixture files into `dir`.
fn filtered_copy(dir: &Path, location: &str) -> (PathBuf, PathBuf) {
    let sessions = std::fs::read_to_string(data("locations/sessions.csv")).unwrap();
    let mut kept = Vec::new();
    let mut lines = sessions.lines();
    let mut s = format!("{}\n", lines.next().unwrap());
    for line in lines {
        let site = line.rsplit(',').next().unwrap().trim().to_lowercase();
        if site == location {
            kept.push(line.split(',').next().unwrap().to_string());
            s.push_str(line);
            s.push('\n');
        }
    }
    let feedback = std::fs::read_to_string(data("locations/feedback.csv")).unwrap();
    let mut lines = feedback.lines();
    let mut f = format!("{}\n", lines.next().unwrap());
    for line in lines {
        if kept.iter().any(|id| line.starts_with(&format!("{id},"))) {
            f.push_str(line);
            f.push('\n');
        }
    }
    let (sp, fp) = (dir.join("s.csv"), dir.join("f.csv"));
    std::fs::write(&sp, s).unwrap();
    std::fs::write(&fp, f).unwrap();
    (sp, fp)
}

fn without(mut j: Value, keys: &[&str]) -> Value {
    for k in keys {
        j.as_object_mut().unwrap().remove(*k);
    }
    j
}

#[test]
fn one_location_gives_the_figures_of_its_rows_alone() {
    let dir = tempfile::tempdir().unwrap();
    let config = config();
    let out = dir.path().join("one");
    for cmd in ["monthly", "trends"] {
        let args = Run::new(cmd)
            .fixture("locations")
            .out(&out)
            .args(&[
                "--month",
                "2026-03",
                "--config",
                &config,
                "--location",
                "  harbour ST ",
            ])
            .arg_list();
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        let o = run_dated(dir.path(), &args);
        assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    }
    let (s, f) = filtered_copy(dir.path(), "harbour st");
    let alone = dir.path().join("alone");
    for cmd in ["monthly", "trends"] {
        let o = run_dated(
            dir.path(),
            &[
                cmd,
                "--month",
                "2026-03",
                "--config",
                &config,
                "--sessions",
                s.to_str().unwrap(),
                "--feedback",
                f.to_str().unwrap(),
                "--out",
                alone.to_str().unwrap(),
            ],
        );
        assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    }
    for file in ["monthly-2026-03.json", "trends-2026-03.json"] {
        let one = json(&out.join(file));
        assert_eq!(one["location"], "Harbour St", "{file}: the name as written");
        // Validation still covers the whole files.
        assert_eq!(one["data_quality"]["sessions_rows"], 6);
        let skip = ["location", "data_quality"];
        assert_eq!(
            without(one, &skip),
            without(json(&alone.join(file)), &skip),
            "{file}"
        );
    }
    let m = json(&out.join("monthly-2026-03.json"));
    // C2 came to Harbour St first on 10 March: new there; C1 first came in February.
    assert_eq!((&m["sessions"], &m["new_clients"]), (&json!(2), &json!(1)));
    let text = squeeze(&pdf_text(&out.join("monthly-2026-03.pdf")));
    assert!(text.contains("Monthly report · Harbour St"), "{text}");
}

#[test]
fn an_unknown_location_is_an_input_error_naming_the_known_ones() {
    let dir = tempfile::tempdir().unwrap();
    let (o, _) = run(dir.path(), "monthly", &["--location", "Nowhere"]);
    assert_eq!(o.status.code(), Some(2));
    let err = stderr(&o);
    assert_eq!(err.lines().count(), 1, "{err}");
    for want in ["\"Nowhere\"", "\"Harbour St\"", "\"Zürich Süd\""] {
        assert!(err.contains(want), "{want}: {err}");
    }
    // A file without the column has no locations at all.
    let out = dir.path().join("x");
    let o = Run::new("clients")
        .fixture("clients")
        .out(&out)
        .args(&["--location", "A"])
        .output_in(dir.path());
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains("has no location column"),
        "{}",
        stderr(&o)
    );
}

#[test]
fn each_location_gets_its_own_folder_of_reports() {
    let dir = tempfile::tempdir().unwrap();
    let (o, out) = run(dir.path(), "run", &["--each-location"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    // Chain-wide as always, client summaries once.
    assert!(out.join("monthly-2026-03.json").exists());
    assert!(out.join("clients/C2.pdf").exists());
    for (folder, name, sessions) in [
        ("Harbour_St", "Harbour St", 2),
        ("Z_rich_S_d", "Zürich Süd", 2),
    ] {
        let site = out.join("locations").join(folder);
        for file in [
            "monthly-2026-03.pdf",
            "trends-2026-03.pdf",
            "trends-2026-03.json",
            "techniques-2025-04-01_2026-03-31.pdf",
            "techniques-2025-04-01_2026-03-31.csv",
        ] {
            assert!(site.join(file).exists(), "{}", site.join(file).display());
        }
        let j = json(&site.join("monthly-2026-03.json"));
        assert_eq!(
            (&j["location"], &j["sessions"]),
            (&json!(name), &json!(sessions))
        );
        assert!(!site.join("clients").exists());
        assert!(
            stdout(&o).contains(&format!("wrote the reports of {name} into")),
            "{}",
            stdout(&o)
        );
    }
}

#[test]
fn a_sample_chain_has_a_location_column_and_the_same_bytes_for_the_same_seed() {
    let dir = tempfile::tempdir().unwrap();
    let write = |name: &str, extra: &[&str]| {
        let out = dir.path().join(name);
        let mut args = vec!["sample", "--sessions", "300", "--seed", "2", "-q", "--out"];
        args.push(out.to_str().unwrap());
        args.extend_from_slice(extra);
        let o = run_in(dir.path(), &args);
        assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
        std::fs::read(out.join("sessions.csv")).unwrap()
    };
    let a = write("a", &["--locations", "3"]);
    assert_eq!(a, write("b", &["--locations", "3"]));
    let plain = write("c", &[]);
    assert!(
        plain.starts_with(b"session_id,")
            && !String::from_utf8_lossy(&plain)
                .lines()
                .next()
                .unwrap()
                .contains("location")
    );

    let mut r = csv::Reader::from_reader(a.as_slice());
    assert_eq!(r.headers().unwrap().iter().next_back(), Some("location"));
    let mut sites = std::collections::BTreeMap::<String, u64>::new();
    for rec in r.records() {
        *sites.entry(rec.unwrap()[11].to_string()).or_default() += 1;
    }
    let named: Vec<&String> = sites.keys().filter(|k| !k.is_empty()).collect();
    assert_eq!(named, vec!["Harbour Street", "Old Town", "Zürich Süd"]);
    // A few rows have no location; most have one.
    let empty = sites.get("").copied().unwrap_or(0);
    assert!(empty > 0 && empty < 30, "{sites:?}");

    // Every row passes validation.
    let chain = dir.path().join("a");
    let o = run_in(
        dir.path(),
        &[
            "validate",
            "--sessions",
            chain.join("sessions.csv").to_str().unwrap(),
            "--feedback",
            chain.join("feedback.csv").to_str().unwrap(),
            "--out",
            dir.path().join("v").to_str().unwrap(),
        ],
    );
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert!(
        stdout(&o).contains("300 rows read, 300 accepted, 0 rejected"),
        "{}",
        stdout(&o)
    );
}
