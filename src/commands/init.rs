//! `init`: a clinic's first run with its own exports. Reads each file's first rows (a CSV
//! file in any encoding, or a spreadsheet), proposes the config (how each file is written,
//! which header is which column, the not-attended statuses, the technique labels), writes it
//! with a comment per choice, and says in plain words what it chose and why, what it could
//! not, and what to run next.

use std::collections::HashSet;

use crate::cli::InitArgs;
use crate::config::{FileProposal, Proposal};
use crate::error::{echo, Error, Result, EXIT_INPUT};
use crate::ingest::columns::{
    feedback as fcol, session as scol, Col, ColumnSpec, FEEDBACK, SESSIONS,
};
use crate::ingest::detect::{self, Sample};
use crate::ingest::propose::{self, Proposed};
use crate::model::normalise_label;

/// How many rows of each file are read to detect formats and labels.
const SAMPLE_ROWS: usize = 5000;

pub fn run(args: &InitArgs) -> Result<i32> {
    if args.config.exists() && !args.force {
        return Err(Error::ConfigExists {
            path: args.config.clone(),
        });
    }
    let sessions = detect::sample(&args.sessions, SAMPLE_ROWS)?;
    let feedback = detect::sample(&args.feedback, SAMPLE_ROWS)?;
    let absolute = |p: &std::path::Path| std::path::absolute(p).unwrap_or_else(|_| p.to_path_buf());
    let s = propose::sessions(&sessions, &absolute(&args.sessions));
    let ids: HashSet<String> = header_of(&sessions, &s.file, scol::SESSION_ID.index)
        .map(|h| sessions.values(h).into_iter().map(str::to_string).collect())
        .unwrap_or_default();
    let f = propose::feedback(
        &feedback,
        &absolute(&args.feedback),
        &ids,
        sessions.complete,
    );

    let mut labels = std::collections::BTreeMap::<String, usize>::new();
    if let Some(h) = header_of(&sessions, &s.file, scol::TECHNIQUE.index) {
        for raw in sessions.values(h) {
            let label = normalise_label(raw);
            if !label.is_empty() {
                *labels.entry(label).or_default() += 1;
            }
        }
    }
    let mut techniques: Vec<(String, usize)> = labels.into_iter().collect();
    techniques.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));

    let found: Vec<&(String, usize, bool)> = s.statuses.iter().filter(|(_, _, m)| *m).collect();
    // The values found, and the contract's defaults for the months to come.
    let not_attended = (!s.statuses.is_empty()).then(|| {
        let mut values: Vec<String> = found.iter().map(|(l, _, _)| l.clone()).collect();
        for d in crate::config::NOT_ATTENDED {
            if !values.iter().any(|v| v == d) {
                values.push(d.to_string());
            }
        }
        let why = if found.is_empty() {
            "none found in the rows read; the contract's list".to_string()
        } else {
            format!(
                "found {}; then the contract's list",
                found
                    .iter()
                    .map(|(l, n, _)| format!("{l} ({n})"))
                    .collect::<Vec<_>>()
                    .join(", ")
            )
        };
        (values, why)
    });
    let proposal = Proposal {
        sessions: s.file.clone(),
        feedback: f.file.clone(),
        not_attended,
        techniques,
        written_from: format!(
            "on {} from the first rows of {} and {}",
            super::today(),
            args.sessions.display(),
            args.feedback.display()
        ),
    };
    crate::report::writer::write_atomic(&args.config, |w| {
        w.write_all(proposal.to_toml().as_bytes())
    })?;

    let mut text = format!("Wrote {}.\n", args.config.display());
    let mut missing = Vec::new();
    for (file, sample, proposed, specs) in [
        (&args.sessions, &sessions, &s, SESSIONS),
        (&args.feedback, &feedback, &f, FEEDBACK),
    ] {
        text += &describe(file, sample, proposed, specs, &mut missing);
    }
    if s.linked || f.linked {
        text +=
            "\nSurvey answers are linked by client and date: each goes with the client's latest \
                 session on or before it, at most 14 days before ([feedback] link_days).\n";
    }
    text += &format!(
        "Techniques: {} labels found, listed in {} to merge spellings.\n",
        proposal.techniques.len(),
        args.config.display()
    );
    // The next commands find the config by themselves only under its default name.
    let with_config = if args.config == std::path::Path::new(crate::cli::DEFAULT_CONFIG) {
        String::new()
    } else {
        format!(" --config {}", args.config.display())
    };
    if missing.is_empty() {
        text += &format!(
            "\nNext: practice-report validate{with_config}   (it reads the files named in the \
             config), then practice-report run{with_config}\n"
        );
    } else {
        text += &format!(
            "\nNot mapped: {}. Name the header for each in {} (the lines marked REQUIRED), \
             then run: practice-report validate{with_config}\n",
            missing.join(", "),
            args.config.display()
        );
    }
    super::say(&text)?;
    Ok(if missing.is_empty() { 0 } else { EXIT_INPUT })
}

/// The first header proposed for column `c`, as an index into the sample's headers.
fn header_of(sample: &Sample, file: &FileProposal, c: usize) -> Option<usize> {
    let header = file.columns.get(c)?.headers.as_ref()?.first()?;
    sample.headers.iter().position(|h| h == header)
}

/// What `init` says of one file: its shape, each column with the values that made it, the
/// statuses, the forms.
fn describe(
    file: &std::path::Path,
    sample: &Sample,
    proposed: &Proposed,
    specs: &[ColumnSpec],
    missing: &mut Vec<String>,
) -> String {
    let p = &proposed.file;
    let mut text = match &sample.delimiter {
        Some(d) => format!(
            "\n{}: {} columns split by {:?}, {} rows read\n",
            file.display(),
            sample.headers.len(),
            match d {
                b'\t' => "tab".to_string(),
                d => (*d as char).to_string(),
            },
            sample.rows.len()
        ),
        None => format!(
            "\n{}: a spreadsheet, its first sheet: {} columns, {} rows read\n",
            file.display(),
            sample.headers.len(),
            sample.rows.len()
        ),
    };
    if let Some((e, why)) = &p.encoding {
        text += &format!("  encoding {e}: {why}\n");
    } else if sample.utf16 {
        text += "  UTF-16 (its byte-order mark says so): read as such\n";
    }
    if let Some((n, why)) = &p.header_row {
        text += &format!("  header on line {n}: {why}\n");
    }
    if let Some(line) = sample.footer {
        text += &format!("  a total row on line {line} ends the data: it is not read\n");
    }
    for (spec, c) in specs.iter().zip(&p.columns) {
        match &c.headers {
            Some(hs) if hs.is_empty() => {
                text += &format!("  {:<15} (none: {})\n", spec.name, c.why)
            }
            Some(hs) => {
                let named = hs
                    .iter()
                    .map(|h| format!("{:?}", echo(h)))
                    .collect::<Vec<_>>()
                    .join(" + ");
                text += &format!("  {:<15} <- {named}   ({})\n", spec.name, c.why);
            }
            None if spec.required && !skipped(spec, proposed) => {
                let near = detect::closest(spec, &sample.headers, &proposed.taken);
                let near = if near.is_empty() {
                    "no header left to choose from".to_string()
                } else {
                    format!(
                        "closest headers: {}",
                        crate::error::echo_list(near.iter().map(String::as_str), |s| {
                            format!("{s:?}")
                        })
                    )
                };
                text += &format!("  {:<15} NOT FOUND (required); {near}\n", spec.name);
                missing.push(format!("{} in {}", spec.name, file.display()));
            }
            None if spec.contract && !skipped(spec, proposed) => {
                text += &format!("  {:<15} not found (optional)\n", spec.name)
            }
            None => {}
        }
    }
    if !proposed.statuses.is_empty() {
        let list = proposed
            .statuses
            .iter()
            .map(|(l, n, missed)| {
                let l = if l.is_empty() { "(empty)" } else { l.as_str() };
                format!("{l} {n}{}", if *missed { " (not attended)" } else { "" })
            })
            .collect::<Vec<_>>()
            .join(", ");
        text += &format!("  statuses: {list}\n");
    }
    let unused: Vec<&str> = sample
        .headers
        .iter()
        .zip(&proposed.taken)
        .filter(|(_, &t)| !t)
        .map(|(h, _)| h.as_str())
        .collect();
    if !unused.is_empty() {
        text += &format!(
            "  not used: {}\n",
            crate::error::echo_list(unused.into_iter(), |s| format!("{s:?}"))
        );
    }
    for (what, why) in [
        ("decimal comma", &p.decimal_comma),
        ("amounts of money", &p.money),
        ("lengths as a clock (1h 30m)", &p.clock),
    ] {
        if let Some(why) = why {
            text += &format!("  {what}: {why}\n");
        }
    }
    if let Some((sep, why)) = &p.list_separator {
        text += &format!("  body regions separated by {sep:?}: {why}\n");
    }
    text += &match (&proposed.date, &p.date_format) {
        (None, _) => "  Dates: none found to look at; YYYY-MM-DD assumed.\n".to_string(),
        (Some(g), _) if g.total == 0 => {
            "  Dates: none found to look at; YYYY-MM-DD assumed.\n".to_string()
        }
        (Some(_), None) => "  Dates: YYYY-MM-DD or date cells (the default).\n".to_string(),
        (Some(g), Some((f, _))) => format!(
            "  Dates: {f} (as chrono writes it), e.g. {:?}.\n",
            g.example.as_deref().unwrap_or_default()
        ),
    };
    if let Some(g) = &proposed.date {
        if g.ambiguous {
            text += "  Every date read could be day-first or month-first (no day above 12): \
                     day-first was taken. If your export writes month first, change date_format.\n";
        }
        if g.unread > 0 {
            text += &format!(
                "  {} of {} dates read do not match it; validate will name them.\n",
                g.unread, g.total
            );
        }
    }
    text
}

/// A required column another one stands in for: the feedback's session id in a survey
/// linked by client, the length when start and end give it.
fn skipped(spec: &ColumnSpec, proposed: &Proposed) -> bool {
    let has = |c: Col| {
        proposed
            .file
            .columns
            .iter()
            .any(|p| p.name == c.name && p.headers.as_ref().is_some_and(|h| !h.is_empty()))
    };
    (spec.name == fcol::SESSION_ID.name && proposed.linked)
        || (spec.name == scol::DURATION_MIN.name && has(scol::START) && has(scol::END))
}
