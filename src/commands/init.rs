//! `init`: a clinic's first run with its own exports. Reads each file's header and first
//! rows, proposes the config (delimiter, date format, header mapping, technique labels),
//! writes it, and says in plain words what it mapped, what it could not, and what to run next.

use crate::cli::InitArgs;
use crate::config::Proposal;
use crate::error::{echo, Error, Result, EXIT_INPUT};
use crate::ingest::columns::{feedback as fcol, session as scol};
use crate::ingest::columns::{ColumnSpec, FEEDBACK, SESSIONS};
use crate::ingest::detect::{self, Sample};
use crate::model::normalise_label;

/// How many rows of each file are read to detect formats and labels.
const SAMPLE_ROWS: usize = 5000;

/// The sampled values of contract column `c` (none when no header holds it).
fn column<'s>(sample: &'s Sample, map: &[Option<usize>], c: usize) -> Vec<&'s str> {
    map[c].map_or_else(Vec::new, |h| {
        sample
            .rows
            .iter()
            .filter_map(|r| r.get(h).map(String::as_str))
            .collect()
    })
}

/// The index of a contract column.
fn position(specs: &[ColumnSpec], name: &str) -> usize {
    specs
        .iter()
        .position(|c| c.name == name)
        .expect("a contract column")
}

pub fn run(args: &InitArgs) -> Result<i32> {
    if args.config.exists() && !args.force {
        return Err(Error::ConfigExists {
            path: args.config.clone(),
        });
    }
    let sessions = detect::sample(&args.sessions, SAMPLE_ROWS)?;
    let feedback = detect::sample(&args.feedback, SAMPLE_ROWS)?;
    let s_map = detect::map_headers(&sessions.headers, SESSIONS);
    let f_map = detect::map_headers(&feedback.headers, FEEDBACK);

    let mut dates = column(&sessions, &s_map, position(SESSIONS, scol::DATE.name));
    dates.extend(column(
        &feedback,
        &f_map,
        position(FEEDBACK, fcol::SUBMITTED.name),
    ));
    let guess = detect::detect_date_format(dates);

    let mut labels = std::collections::BTreeMap::<String, usize>::new();
    for raw in column(&sessions, &s_map, position(SESSIONS, scol::TECHNIQUE.name)) {
        let label = normalise_label(raw);
        if !label.is_empty() {
            *labels.entry(label).or_default() += 1;
        }
    }
    let mut techniques: Vec<(String, usize)> = labels.into_iter().collect();
    techniques.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));

    let delimiter_text = |d: u8| match d {
        b'\t' => "tab".to_string(),
        d => (d as char).to_string(),
    };
    if sessions.delimiter != feedback.delimiter {
        super::warn(&format!(
            "practice-report: warning: the files look split by different delimiters ({:?} and \
             {:?}); both are read with the first: export both the same way",
            delimiter_text(sessions.delimiter),
            delimiter_text(feedback.delimiter)
        ));
    }
    let absolute = |p: &std::path::Path| std::path::absolute(p).unwrap_or_else(|_| p.to_path_buf());
    let mapped = |sample: &Sample, map: &[Option<usize>], specs: &[ColumnSpec]| {
        specs
            .iter()
            .zip(map)
            .map(|(c, h)| (c.name, h.map(|h| sample.headers[h].clone()), c.required))
            .collect::<Vec<_>>()
    };
    let proposal = Proposal {
        sessions: absolute(&args.sessions),
        feedback: absolute(&args.feedback),
        delimiter: delimiter_text(sessions.delimiter),
        date_format: guess.format.clone(),
        session_columns: mapped(&sessions, &s_map, SESSIONS),
        feedback_columns: mapped(&feedback, &f_map, FEEDBACK),
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
    for (file, sample, map, specs) in [
        (&args.sessions, &sessions, &s_map, SESSIONS),
        (&args.feedback, &feedback, &f_map, FEEDBACK),
    ] {
        text += &format!(
            "\n{}: {} columns split by {:?}, {} rows read\n",
            file.display(),
            sample.headers.len(),
            delimiter_text(sample.delimiter),
            sample.rows.len()
        );
        let taken: Vec<bool> = (0..sample.headers.len())
            .map(|h| map.contains(&Some(h)))
            .collect();
        for (spec, h) in specs.iter().zip(map.iter()) {
            match h {
                Some(h) => {
                    text += &format!("  {:<15} <- {:?}\n", spec.name, echo(&sample.headers[*h]))
                }
                None if spec.required => {
                    let near = detect::closest(spec, &sample.headers, &taken);
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
                None => text += &format!("  {:<15} not found (optional)\n", spec.name),
            }
        }
        let unused: Vec<&str> = sample
            .headers
            .iter()
            .zip(&taken)
            .filter(|(_, &t)| !t)
            .map(|(h, _)| h.as_str())
            .collect();
        if !unused.is_empty() {
            text += &format!(
                "  not used: {}\n",
                crate::error::echo_list(unused.into_iter(), |s| format!("{s:?}"))
            );
        }
    }
    text += &match (&guess.format, guess.total) {
        (_, 0) => "\nDates: none found to look at; YYYY-MM-DD assumed.\n".to_string(),
        (None, _) => "\nDates: YYYY-MM-DD (the default).\n".to_string(),
        (Some(f), _) => format!("\nDates: {f} (as chrono writes it).\n"),
    };
    if guess.ambiguous {
        text += "  Every date read could be day-first or month-first (no day above 12): \
                  day-first was taken. If your export writes month first, change date_format.\n";
    }
    if guess.unread > 0 {
        text += &format!(
            "  {} of {} dates read do not match it; validate will name them.\n",
            guess.unread, guess.total
        );
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
