//! Exports as they come (SPEC "Exports as they come"): for each shape in
//! `tests/data/shapes/` (a booking app's appointment list with a survey's answers, a clinic
//! system's spreadsheet with title rows, a Total row and a patients' survey, a European CSV,
//! a Windows-1252 re-save, a UTF-16 text export), `init` on the files and then `run` with no
//! edit of the config give the figures the same data gives in the contract's own shape
//! (`contract/`), and those figures are the ones worked out by hand below. Then the hostile
//! side: each is one clear line or a rejected row with its reason.

use std::path::{Path, PathBuf};

use serde_json::Value;

use super::common::{
    close, csv_rows, data, json, pdf_text, rejects, run_in, squeeze, stderr, stdout,
};

fn shape(rel: &str) -> PathBuf {
    data(&format!("shapes/{rel}"))
}

/// `init` on a shape's two files in `dir`, then `validate` and `run --month 2026-10` with the
/// config it wrote; returns init's and validate's output.
fn init_and_run(dir: &Path, sessions: &str, feedback: &str) -> (String, String) {
    let s = shape(sessions).display().to_string();
    let f = shape(feedback).display().to_string();
    let o = run_in(dir, &["init", "--sessions", &s, "--feedback", &f]);
    assert_eq!(o.status.code(), Some(0), "{}{}", stdout(&o), stderr(&o));
    let said = stdout(&o);
    let v = run_in(dir, &["validate", "--out", "out"]);
    assert_eq!(v.status.code(), Some(0), "{}", stderr(&v));
    let r = run_in(dir, &["run", "--out", "out", "--month", "2026-10", "-q"]);
    assert_eq!(r.status.code(), Some(0), "{}", stderr(&r));
    (said, stdout(&v))
}

/// The contract-shaped twin of every shape, run once per test that needs it.
fn contract_run(dir: &Path) -> PathBuf {
    // Away from the shape's config, which would be read otherwise.
    let here = dir.join("contract");
    std::fs::create_dir_all(&here).unwrap();
    let out = here.join("out");
    let o = run_in(
        &here,
        &[
            "run",
            "--sessions",
            &shape("contract/sessions.csv").display().to_string(),
            "--feedback",
            &shape("contract/feedback.csv").display().to_string(),
            "--out",
            &out.display().to_string(),
            "--month",
            "2026-10",
            "-q",
        ],
    );
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    out
}

/// A report's figures: the JSON without its account of the files and what only an export
/// with a status column has (compared on their own).
fn figures(mut v: Value) -> Value {
    let o = v.as_object_mut().unwrap();
    o.remove("data_quality");
    o.remove("attendance");
    if let Some(Value::Array(groups)) = o.get_mut("by_therapist") {
        for g in groups {
            g.as_object_mut().unwrap().remove("not_attended");
        }
    }
    v
}

/// The shape's reports carry the contract twin's figures.
fn same_figures(out: &Path, twin: &Path) {
    for report in ["monthly-2026-10.json", "trends-2026-10.json"] {
        assert_eq!(
            figures(json(&out.join(report))),
            figures(json(&twin.join(report))),
            "{report}"
        );
    }
    let techniques = "techniques-2025-11-01_2026-10-31.csv";
    assert_eq!(
        csv_rows(&out.join(techniques)),
        csv_rows(&twin.join(techniques))
    );
    // Client ids differ by shape (e-mails, patient numbers): the rows' figures do not.
    let clients = "clients-2026-10-01_2026-10-31.csv";
    let without_id = |p: &Path| -> Vec<Vec<String>> {
        let mut rows: Vec<Vec<String>> = csv_rows(p)
            .into_iter()
            .skip(1)
            .map(|r| r[1..].to_vec())
            .collect();
        rows.sort();
        rows
    };
    assert_eq!(
        without_id(&out.join(clients)),
        without_id(&twin.join(clients))
    );
}

/// `(key, count)` of each entry of a JSON list: `by_status` or `by_therapist`.
fn pairs(list: &Value, key: &str, count: &str) -> Vec<(Value, i64)> {
    list.as_array()
        .unwrap()
        .iter()
        .map(|e| (e[key].clone(), e[count].as_i64().unwrap()))
        .collect()
}

#[test]
fn the_contract_twin_gives_the_figures_worked_out_by_hand() {
    let dir = tempfile::tempdir().unwrap();
    let m = json(&contract_run(dir.path()).join("monthly-2026-10.json"));
    // October: sessions 1002-1008 (seven), clients Ann, Bo, Cara, Dan, Eve; Ann came first in
    // September, so four are new; Ann and Bo came twice.
    assert_eq!(m["sessions"], 7);
    assert_eq!(
        (m["clients"].clone(), m["new_clients"].clone()),
        (5.into(), 4.into())
    );
    assert_eq!(
        (
            m["returning_clients"].clone(),
            m["clients_multi_session"].clone()
        ),
        (1.into(), 2.into())
    );
    // 60 + 45 + 90 + 60 + 45 + 60 + 60 minutes; 85 + 65 + 120 + 85 + 65 + 1234.50 + 85.
    assert_eq!(m["minutes"], 420);
    close(&m["revenue"], 1739.5);
    // Six of the seven answered (1005 did not).
    assert_eq!(m["feedback_responses"], 6);
    close(&m["feedback_response_rate"], 6.0 / 7.0);
    // Soreness 12.5, 48, 72, 24, 6, 10: sorted 6, 10, 12.5, 24, 48, 72.
    let o = &m["overall"];
    assert_eq!(o["soreness"]["n"], 6);
    close(&o["soreness"]["mean"], 172.5 / 6.0);
    close(&o["soreness"]["median"], (12.5 + 24.0) / 2.0);
    close(&o["soreness"]["p90"], 48.0 + 0.5 * 24.0);
    close(&o["soreness"]["over_48h_share"], 1.0 / 6.0);
    // Pain before − follow-up: 6−3, 8−6, 5−2, 7−3, 6−4, 5−2.
    close(&o["pain_reduction"]["mean"], 17.0 / 6.0);
    // Responders (a fall of 30% or more): all but Bo's 8 → 6 (25%).
    assert_eq!(o["responders"]["eligible"], 6);
    assert_eq!(o["responders"]["responders"], 5);
    // No status column: attendance is null, no booking was not attended, and no footer.
    assert_eq!(m["attendance"], Value::Null);
    assert_eq!(m["by_therapist"][0]["not_attended"], Value::Null);
    assert!(m["by_technique"][0].get("not_attended").is_none());
    assert_eq!(m["data_quality"]["sessions_not_attended"], 0);
    assert_eq!(m["data_quality"]["sessions_footer_rows"], 0);
}

#[test]
fn a_booking_app_export_and_a_survey_read_with_no_edit() {
    let dir = tempfile::tempdir().unwrap();
    let (said, validated) = init_and_run(
        dir.path(),
        "booking_app/appointments.csv",
        "booking_app/survey.csv",
    );
    for line in [
        "client_id       <- \"Email\"",
        "client_name     <- \"First Name\" + \"Last Name\"",
        "therapist       <- \"Calendar\"",
        "date            <- \"Start Time\"",
        "start           <- \"Start Time\"",
        "end             <- \"End Time\"",
        "technique       <- \"Type\"",
        "body_region     <- \"Where is your pain?\"",
        "pain_before     <- \"Pain level before your session (0-10)\"",
        "fee             <- \"Appointment Price\"",
        "status          <- \"Label\"",
        "statuses: (empty) 8, cancelled 1 (not attended), cancelled_by_customer 1 (not attended), no_show 1 (not attended)",
        "Dates: %B %d, %Y",
        "Dates: %Y/%m/%d",
        "submitted       <- \"Timestamp\"",
        "soreness_hours  <- \"How many hours did the soreness last after your session?\"",
        "client_id       <- \"Email Address\"",
        "Survey answers are linked by client and date",
    ] {
        assert!(said.contains(line), "{line}\n{said}");
    }
    // The yes/no `Paid?` and the booking's own date are left alone.
    assert!(
        said.contains("not used: \"Phone\", \"Paid?\", \"Amount Paid Online\""),
        "{said}"
    );
    let config = std::fs::read_to_string(dir.path().join("practice-report.toml")).unwrap();
    for line in [
        "money = true",
        "list_separator = \",\"",
        "client_name = [\"First Name\", \"Last Name\"]",
        "not_attended = [\"cancelled\", \"cancelled_by_customer\", \"no_show\",",
    ] {
        assert!(config.contains(line), "{line}\n{config}");
    }
    assert!(
        validated
            .contains("appointments.csv: 11 rows read, 8 accepted, 0 rejected, 3 not attended"),
        "{validated}"
    );
    let out = dir.path().join("out");
    // Dan's answer comes 39 days after his last session; Bo's e-mail is written in capitals.
    assert_eq!(
        rejects(&out.join("rejects.csv")),
        vec![[
            "survey.csv".to_string(),
            "9".to_string(),
            "client_id".to_string(),
            "dan@example.com".to_string(),
            "no session of this client in the 14 days before".to_string(),
        ]]
    );
    same_figures(&out, &contract_run(dir.path()));
    let m = json(&out.join("monthly-2026-10.json"));
    // Ten bookings in October: seven sessions, a no-show and two cancellations.
    let a = &m["attendance"];
    assert_eq!(
        (
            a["booked"].clone(),
            a["attended"].clone(),
            a["not_attended"].clone()
        ),
        (10.into(), 7.into(), 3.into())
    );
    close(&a["attended_rate"], 0.7);
    assert_eq!(
        pairs(&a["by_status"], "status", "bookings"),
        vec![
            (Value::Null, 7),
            ("cancelled".into(), 1),
            ("cancelled_by_customer".into(), 1),
            ("no_show".into(), 1),
        ]
    );
    assert_eq!(
        pairs(&m["by_therapist"], "therapist", "not_attended"),
        vec![
            ("Maria Lopez".into(), 1),
            ("Jin Park".into(), 1),
            ("Tomás Ortega".into(), 1)
        ]
    );
    assert_eq!(m["data_quality"]["sessions_not_attended"], 3);
    let text = squeeze(&pdf_text(&out.join("monthly-2026-10.pdf")));
    assert!(text.contains("Attendance"), "{text}");
    assert!(
        text.contains("10 bookings this month: 7 attended (70%), 3 not attended"),
        "{text}"
    );
    assert!(text.contains("Cancelled by customer"), "{text}");
    assert!(text.contains("Not attended"), "{text}");
    // The staff review shows the no-shows; Maria's three followed-up sessions all responded:
    // an interval of a point, too few to call a difference.
    let review = squeeze(&pdf_text(&out.join("therapists/Maria_Lopez.pdf")));
    assert!(review.contains("Bookings not attended"), "{review}");
    assert!(
        review.contains(
            "rests on only 3 sessions with both pain scores: too few to tell from chance"
        ),
        "{review}"
    );
    let staff = csv_rows(&out.join("therapists-2025-11-01_2026-10-31.csv"));
    let col = staff[0].iter().position(|h| h == "not_attended").unwrap();
    let missed: Vec<(&str, &str)> = staff[1..]
        .iter()
        .map(|r| (r[0].as_str(), r[col].as_str()))
        .collect();
    assert_eq!(
        missed,
        [
            ("Maria Lopez", "1"),
            ("Jin Park", "1"),
            ("Tomás Ortega", "1")
        ]
    );
}

#[test]
fn a_clinic_spreadsheet_with_title_rows_a_total_row_and_a_patients_survey() {
    let dir = tempfile::tempdir().unwrap();
    let (said, validated) = init_and_run(
        dir.path(),
        "clinic_sheet/appointments.xlsx",
        "clinic_sheet/survey.csv",
    );
    for line in [
        "a spreadsheet, its first sheet: 11 columns",
        "header on line 4: title rows above it: \"Harbour Street Clinic\"",
        "a total row on line 17 ends the data",
        "session_id      (none: no session id column",
        "client_id       <- \"Patient #\"",
        "client_name     <- \"Patient\"",
        "duration_min    <- \"Length\"",
        "status          <- \"State\"",
        "statuses: arrived 8, cancelled 2 (not attended), did_not_arrive 1 (not attended)",
        "lengths as a clock",
        "submitted       <- \"Date\"",
        "Dates: %d/%m/%Y",
    ] {
        assert!(said.contains(line), "{line}\n{said}");
    }
    assert!(
        validated
            .contains("appointments.xlsx: 11 rows read, 8 accepted, 0 rejected, 3 not attended"),
        "{validated}"
    );
    assert!(
        validated.contains("a total row ends the data"),
        "{validated}"
    );
    let out = dir.path().join("out");
    assert!(rejects(&out.join("rejects.csv")).is_empty());
    same_figures(&out, &contract_run(dir.path()));
    let m = json(&out.join("monthly-2026-10.json"));
    assert_eq!(m["data_quality"]["sessions_footer_rows"], 1);
    assert_eq!(
        pairs(&m["attendance"]["by_status"], "status", "bookings"),
        vec![
            ("arrived".into(), 7),
            ("cancelled".into(), 2),
            ("did_not_arrive".into(), 1)
        ]
    );
    // Sessions without ids are named by their sheet row: the client summaries still come.
    assert!(out.join("clients/101.pdf").is_file());
}

#[test]
fn a_european_export_with_decimal_commas_and_euro_amounts() {
    let dir = tempfile::tempdir().unwrap();
    let (said, _) = init_and_run(dir.path(), "european/sessions.csv", "european/feedback.csv");
    assert!(said.contains("split by \";\""), "{said}");
    assert!(
        said.contains("decimal comma: numbers like \"85,00 €\""),
        "{said}"
    );
    assert!(said.contains("Dates: %d.%m.%Y"), "{said}");
    let config = std::fs::read_to_string(dir.path().join("practice-report.toml")).unwrap();
    assert!(config.contains("decimal = \",\""), "{config}");
    let out = dir.path().join("out");
    assert!(rejects(&out.join("rejects.csv")).is_empty());
    same_figures(&out, &contract_run(dir.path()));
}

#[test]
fn a_windows_1252_resave_reads_whole_and_validate_names_the_encoding() {
    let dir = tempfile::tempdir().unwrap();
    // Without the key: the rows with accents are invalid UTF-8, and validate says which
    // encoding reads them.
    let o = run_in(
        dir.path(),
        &[
            "validate",
            "--sessions",
            &shape("windows_1252/sessions.csv").display().to_string(),
            "--feedback",
            &shape("windows_1252/feedback.csv").display().to_string(),
            "--out",
            "plain",
        ],
    );
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let said = stdout(&o);
    assert!(
        said.contains("sessions.csv: 4 of 8 rows are not valid UTF-8; the file reads cleanly as windows-1252: add encoding = \"windows-1252\" under [input.sessions]"),
        "{said}"
    );
    let (said, _) = init_and_run(
        dir.path(),
        "windows_1252/sessions.csv",
        "windows_1252/feedback.csv",
    );
    assert!(
        said.contains("encoding windows-1252: not UTF-8; read as windows-1252 it says \"Tomás\""),
        "{said}"
    );
    let out = dir.path().join("out");
    assert!(rejects(&out.join("rejects.csv")).is_empty());
    same_figures(&out, &contract_run(dir.path()));
    let m = json(&out.join("monthly-2026-10.json"));
    assert!(m["by_therapist"]
        .as_array()
        .unwrap()
        .iter()
        .any(|g| g["therapist"] == "Tomás Ortega"));
}

#[test]
fn a_utf16_text_export_is_read_by_its_byte_order_mark() {
    let dir = tempfile::tempdir().unwrap();
    let (said, _) = init_and_run(dir.path(), "utf16/sessions.txt", "utf16/feedback.txt");
    assert!(
        said.contains("UTF-16 (its byte-order mark says so)"),
        "{said}"
    );
    assert!(said.contains("split by \"tab\""), "{said}");
    let config = std::fs::read_to_string(dir.path().join("practice-report.toml")).unwrap();
    assert!(!config.contains("encoding ="), "no key needed: {config}");
    let out = dir.path().join("out");
    assert!(rejects(&out.join("rejects.csv")).is_empty());
    same_figures(&out, &contract_run(dir.path()));
}

/// `validate` with a config of the test's own.
fn validate_with(dir: &Path, config: &str) -> std::process::Output {
    std::fs::write(dir.join("practice-report.toml"), config).unwrap();
    run_in(dir, &["validate", "--out", "out"])
}

#[test]
fn unreadable_workbooks_missing_sheets_and_header_rows_are_one_line() {
    let dir = tempfile::tempdir().unwrap();
    let survey = shape("clinic_sheet/survey.csv").display().to_string();
    for (sessions, extra, want) in [
        ("hostile/damaged.xlsx", "", "damaged.xlsx: cannot be read as a spreadsheet"),
        (
            "hostile/protected.xlsx",
            "",
            "protected.xlsx: cannot be read as a spreadsheet: it is password-protected",
        ),
        (
            "clinic_sheet/appointments.xlsx",
            "sheet = \"Bookings\"\n",
            "appointments.xlsx: no sheet named `Bookings` (config key `input.sessions.sheet`); the sheets are `Appointments`, `Notes`",
        ),
        (
            "clinic_sheet/appointments.xlsx",
            "header_row = 40\n",
            "appointments.xlsx: config key `input.sessions.header_row` = 40 but the file has only 17 lines (or rows)",
        ),
        (
            "hostile/sessions_titles.csv",
            "header_row = 99\n",
            "sessions_titles.csv: config key `input.sessions.header_row` = 99 but the file has only 3 lines (or rows)",
        ),
    ] {
        let config = format!(
            "[input.sessions]\npath = {:?}\n{extra}[input.feedback]\npath = {survey:?}\n",
            shape(sessions).display().to_string()
        );
        let o = validate_with(dir.path(), &config);
        assert_eq!(o.status.code(), Some(2), "{sessions} {extra}: {}", stderr(&o));
        let err = stderr(&o);
        assert!(err.contains(want), "{want}\n{err}");
        assert_eq!(err.lines().count(), 1, "{err}");
        assert!(!err.contains("panicked"));
    }
    // The title row passed: the header is on line 2.
    let config = format!(
        "[input.sessions]\npath = {:?}\nheader_row = 2\n[input.feedback]\npath = {:?}\n",
        shape("hostile/sessions_titles.csv").display().to_string(),
        data("monthly/feedback.csv").display().to_string()
    );
    let o = validate_with(dir.path(), &config);
    assert!(
        stdout(&o).contains("sessions_titles.csv: 1 rows read, 1 accepted, 0 rejected"),
        "{}",
        stdout(&o)
    );
}

#[test]
fn bad_bookings_are_rejected_with_their_reason_and_not_attended_ones_counted() {
    let dir = tempfile::tempdir().unwrap();
    let config = format!(
        r#"[input.sessions]
path = {:?}
date_format = "%B %d, %Y"
money = true
[input.feedback]
path = {:?}
date_format = "%Y/%m/%d"
[columns.sessions]
session_id = "Appointment ID"
client_id = "Email"
client_name = ["First Name", "Last Name"]
therapist = "Calendar"
date = "Start Time"
start = "Start Time"
end = "End Time"
technique = "Type"
body_region = ""
fee = "Appointment Price"
status = "Label"
[columns.feedback]
client_id = "Email Address"
submitted = "Timestamp"
satisfaction = "How satisfied are you with your session? (1-5)"
"#,
        shape("hostile/bookings.csv").display().to_string(),
        shape("hostile/survey.csv").display().to_string()
    );
    let o = validate_with(dir.path(), &config);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let said = stdout(&o);
    assert!(
        said.contains("bookings.csv: 5 rows read, 1 accepted, 3 rejected, 1 not attended"),
        "{said}"
    );
    assert!(
        said.contains("survey.csv: 3 rows read, 1 accepted, 2 rejected"),
        "{said}"
    );
    let got = rejects(&dir.path().join("out/rejects.csv"));
    let row = |f: &str, l: &str, c: &str, v: &str, r: &str| [f, l, c, v, r].map(str::to_string);
    assert_eq!(
        got,
        vec![
            row(
                "bookings.csv",
                "3",
                "end",
                "October 6, 2026 1:45pm",
                "not after the start (October 6, 2026 2:00pm)"
            ),
            // A no-show: only its date is checked.
            row(
                "bookings.csv",
                "4",
                "date",
                "someday",
                "not a date in the format `%B %d, %Y`"
            ),
            row(
                "bookings.csv",
                "5",
                "fee",
                "($80.00)",
                "out of range: must be at least 0"
            ),
            // Ann's first answer is linked though her e-mail is in capitals; her second
            // comes 20 days after her session; Eve's only booking was a no-show.
            row(
                "survey.csv",
                "3",
                "client_id",
                "ann@example.com",
                "no session of this client in the 14 days before"
            ),
            row(
                "survey.csv",
                "4",
                "client_id",
                "eve@example.com",
                "no session of this client in the 14 days before"
            ),
        ]
    );
    // Regions not recorded: the reports say so and leave the region parts out.
    let r = run_in(
        dir.path(),
        &["run", "--out", "out", "--month", "2026-10", "-q"],
    );
    assert_eq!(r.status.code(), Some(0), "{}", stderr(&r));
    let out = dir.path().join("out");
    let m = json(&out.join("monthly-2026-10.json"));
    assert_eq!(m["by_region"], Value::Array(vec![]));
    assert_eq!(m["sessions"], 1);
    // The session and Eve's no-show (the no-show without a date is rejected, no booking).
    assert_eq!(m["attendance"]["booked"], 2);
    let text = squeeze(&pdf_text(&out.join("monthly-2026-10.pdf")));
    assert!(text.contains("Body regions not recorded"), "{text}");
    let text = squeeze(&pdf_text(&out.join("techniques-2025-11-01_2026-10-31.pdf")));
    assert!(text.contains("Body regions not recorded"), "{text}");
    let client = std::fs::read_dir(out.join("clients"))
        .unwrap()
        .next()
        .unwrap()
        .unwrap()
        .path();
    let text = squeeze(&pdf_text(&client));
    assert!(text.contains("Body regions not recorded"), "{text}");
}

#[test]
fn old_xls_and_opendocument_sheets_read_like_the_csv() {
    let dir = tempfile::tempdir().unwrap();
    let twin = contract_run(dir.path());
    for (book, name) in [
        ("workbooks/sessions.xls", "xls"),
        ("workbooks/sessions.ods", "ods"),
    ] {
        let out = dir.path().join(name);
        // Known by their content: the name says nothing.
        let renamed = dir.path().join(format!("sessions-{name}.dat"));
        std::fs::copy(shape(book), &renamed).unwrap();
        let o = run_in(
            dir.path(),
            &[
                "run",
                "--sessions",
                &renamed.display().to_string(),
                "--feedback",
                &shape("contract/feedback.csv").display().to_string(),
                "--out",
                &out.display().to_string(),
                "--month",
                "2026-10",
                "-q",
            ],
        );
        assert_eq!(o.status.code(), Some(0), "{name}: {}", stderr(&o));
        assert!(rejects(&out.join("rejects.csv")).is_empty(), "{name}");
        same_figures(&out, &twin);
    }
}
