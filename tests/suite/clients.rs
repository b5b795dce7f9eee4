//! `clients` through the built binary: the CSV hand-worked, names in three scripts read back
//! from their PDFs, hostile ids kept inside --out, --client selection.

use std::path::{Path, PathBuf};

use super::common::*;

fn run_clients(dir: &Path, set: &str, extra: &[&str]) -> (std::process::Output, PathBuf) {
    let out = dir.join("out");
    (
        Run::new("clients")
            .fixture(set)
            .out(&out)
            .args(extra)
            .dated()
            .output_in(dir),
        out,
    )
}

#[test]
fn the_csv_matches_the_hand_worked_figures() {
    let dir = tempfile::tempdir().unwrap();
    let (o, out) = run_clients(
        dir.path(),
        "clients",
        &["--from", "2026-03-01", "--to", "2026-03-31"],
    );
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let text = std::fs::read_to_string(out.join("clients-2026-03-01_2026-03-31.csv")).unwrap();
    assert_eq!(
        text,
        "client_id,client_name,sessions,sessions_in_period,first_date,last_date,first_pain_before,\
last_pain_before,pain_change,mean_soreness_hours,responders,responder_eligible\n\
C3,Олег Петров,3,3,2026-03-02,2026-03-25,7,,,36,2,2\n\
C1,김민준,2,1,2026-01-20,2026-03-02,8,6,-2,36,1,1\n\
C2,Ann Lee,2,1,2026-02-10,2026-03-05,5,4,-1,1,0,2\n\
C4,José Álvarez,1,1,2026-03-31,2026-03-31,,,,,0,0\n"
    );
    // C3's latest visit has no pain score; C1's first visit is before the period (January);
    // C4 came once. S08 (C1, April) is after the period and is left out.
    let pdfs: Vec<String> = std::fs::read_dir(out.join("clients"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    let mut pdfs = pdfs;
    pdfs.sort();
    assert_eq!(pdfs, vec!["C1.pdf", "C2.pdf", "C3.pdf", "C4.pdf"]);
}

#[test]
fn names_in_three_scripts_read_back_exactly() {
    let dir = tempfile::tempdir().unwrap();
    let (o, out) = run_clients(dir.path(), "clients", &["--to", "2026-03-31"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let text = |id: &str| pdf_text(&out.join("clients").join(format!("{id}.pdf")));
    let cyrillic = text("C3");
    assert!(cyrillic.contains("Олег Петров"), "{cyrillic}");
    assert!(
        cyrillic.contains("Pain before treatment: 7.0 at the first visit"),
        "{cyrillic}"
    );
    assert!(
        !cyrillic.contains("José"),
        "another client's name is in C3's summary"
    );
    let accented = text("C4");
    assert!(accented.contains("José Álvarez"), "{accented}");
    assert!(accented.contains("One visit so far"), "{accented}");
    assert!(
        accented.contains("No pain scores were recorded"),
        "{accented}"
    );
    let hangul = text("C1");
    let err = stderr(&o);
    if err.contains("no font found") {
        // Without a Hangul font the run still writes every PDF and names what it could not set.
        assert!(err.contains("김민준"), "{err}");
    } else {
        assert!(hangul.contains("김민준"), "{hangul}");
    }
    // 8 at the first visit, 6 at the latest: a fall of 25%, short of 30%.
    let flat = squeeze(&hangul);
    assert!(
        flat.contains("a fall of 25%: short of the 30% clinically important change"),
        "{flat}"
    );
}

#[test]
fn summaries_are_owner_only() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().unwrap();
    let (o, out) = run_clients(dir.path(), "clients", &["--to", "2026-03-31"]);
    assert_eq!(o.status.code(), Some(0));
    let mode = std::fs::metadata(out.join("clients/C1.pdf"))
        .unwrap()
        .permissions()
        .mode();
    assert_eq!(mode & 0o777, 0o600);
}

#[test]
fn hostile_ids_stay_inside_out() {
    let dir = tempfile::tempdir().unwrap();
    let (o, out) = run_clients(dir.path(), "hostile", &[]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let csv = std::fs::read_to_string(out.join("clients-2026-05-01_2026-05-31.csv")).unwrap();
    assert_eq!(csv.lines().count(), 1 + 8, "{csv}");
    let files: Vec<PathBuf> = std::fs::read_dir(out.join("clients"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    assert_eq!(files.len(), 8, "{files:?}");
    for f in &files {
        assert_eq!(f.parent().unwrap(), out.join("clients"));
        let name = f.file_name().unwrap().to_string_lossy();
        assert!(name.ends_with(".pdf") && !name.starts_with('.'), "{name}");
    }
    // Nothing escaped: no x under the temp dir's parents, no /tmp/abs.pdf.
    assert!(!dir.path().join("x.pdf").exists());
    assert!(!Path::new("/tmp/abs.pdf").exists());
    let everything: Vec<_> = walk(dir.path());
    assert!(everything.iter().all(|p| p.starts_with(dir.path())));
    assert_eq!(
        everything
            .iter()
            .filter(|p| p.extension().is_some_and(|e| e == "pdf"))
            .count(),
        8
    );
}

fn walk(p: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    for e in std::fs::read_dir(p).unwrap() {
        let path = e.unwrap().path();
        if path.is_dir() {
            out.extend(walk(&path));
        } else {
            out.push(path);
        }
    }
    out
}

#[test]
fn client_picks_exactly_the_named_and_refuses_unknown_ids() {
    let dir = tempfile::tempdir().unwrap();
    let (o, out) = run_clients(
        dir.path(),
        "clients",
        &["--to", "2026-03-31", "--client", "C2", "--client", "C4"],
    );
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let mut names: Vec<String> = std::fs::read_dir(out.join("clients"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    assert_eq!(names, vec!["C2.pdf", "C4.pdf"]);
    let csv = std::fs::read_to_string(out.join("clients-2026-03-01_2026-03-31.csv")).unwrap();
    assert_eq!(
        csv.lines().skip(1).map(|l| &l[..2]).collect::<Vec<_>>(),
        vec!["C2", "C4"]
    );

    let (o, _) = run_clients(
        dir.path(),
        "clients",
        &["--client", "C2", "--client", "NOPE"],
    );
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("\"NOPE\""), "{}", stderr(&o));
}

#[test]
fn the_summaries_folder_is_replaced_whole() {
    let dir = tempfile::tempdir().unwrap();
    // What an earlier run (or anyone) left in clients/: a directory where C2's PDF goes, and a
    // summary of a client this run does not write. Neither survives: the folder holds this
    // run's summaries only, so two runs never mix.
    std::fs::create_dir_all(dir.path().join("out/clients/C2.pdf/blocker")).unwrap();
    std::fs::write(dir.path().join("out/clients/C999.pdf"), b"old").unwrap();
    let (o, out) = run_clients(dir.path(), "clients", &["--to", "2026-03-31"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let mut names: Vec<String> = std::fs::read_dir(out.join("clients"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    assert_eq!(names, vec!["C1.pdf", "C2.pdf", "C3.pdf", "C4.pdf"]);
    assert!(out.join("clients/C2.pdf").is_file());
    // Nothing of the staging is left behind.
    let leftovers: Vec<_> = walk(&out)
        .into_iter()
        .filter(|p| p.to_string_lossy().contains(".practice-report"))
        .collect();
    assert!(leftovers.is_empty(), "{leftovers:?}");
}

#[test]
fn one_visit_is_one_visit_and_centuries_keep_their_digits() {
    let dir = tempfile::tempdir().unwrap();
    let sessions = dir.path().join("sessions.csv");
    let feedback = dir.path().join("feedback.csv");
    std::fs::write(
        &sessions,
        "session_id,client_id,therapist,date,technique,body_region,duration_min,pain_before\n\
         S1,ONCE,Ann,2026-03-10,Cupping,Neck,30,5\n\
         S2,LONG,Ann,1999-12-20,Cupping,Neck,30,7\n\
         S3,LONG,Ann,2026-03-12,Cupping,Neck,30,4\n",
    )
    .unwrap();
    std::fs::write(&feedback, "session_id,submitted\n").unwrap();
    let out = dir.path().join("out");
    let o = Run::new("clients")
        .files(&sessions, &feedback)
        .out(&out)
        .dated()
        .output_in(dir.path());
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let once = squeeze(&pdf_text(&out.join("clients/ONCE.pdf")));
    assert!(once.contains("latest 2026-03-10 · 1 visit"), "{once}");
    assert!(!once.contains("1 visits"), "{once}");
    let long = squeeze(&pdf_text(&out.join("clients/LONG.pdf")));
    assert!(
        long.contains("20 Dec 1999") && long.contains("12 Mar 2026"),
        "{long}"
    );
    assert!(!long.contains("Dec 99"), "{long}");
}
