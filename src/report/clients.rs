//! A client's progress summary: what the therapist hands the client or files with the
//! record. Pain at the first visit against the latest, visit by visit; soreness after each
//! visit; what was treated; every visit in a table. Shows this client only.

use chrono::Datelike;

use crate::config::Settings;
use crate::metrics::clients::ClientSummary;

use super::format::{self, MISSING};
use super::labels::Names;
use super::pdf::chart::{self, Line, Reference};
use super::pdf::table::{self, Cell, Column};
use super::pdf::{colour, Doc, Fonts, Furniture, Look};

/// How the first and the latest pain compare, in words.
pub fn headline(c: &ClientSummary, responder_share: f64) -> String {
    let pct = (responder_share * 100.0).round();
    match (c.first_pain_before, c.last_pain_before, c.pain_change) {
        _ if c.sessions < 2 => "One visit so far: progress shows from the second visit on.".to_string(),
        (Some(first), Some(last), Some(change)) => {
            let direction = if change < 0.0 {
                format!("down {} points", format::one_decimal(Some(-change)))
            } else if change > 0.0 {
                format!("up {} points", format::one_decimal(Some(change)))
            } else {
                "unchanged".to_string()
            };
            let verdict = match (c.pain_relative_fall, c.important_change) {
                (Some(r), Some(true)) => format!("a fall of {}: the {pct}% clinically important change was reached", format::percent(Some(r))),
                (Some(r), _) if r > 0.0 => format!("a fall of {}: short of the {pct}% clinically important change", format::percent(Some(r))),
                (Some(_), _) => format!("the {pct}% clinically important change was not reached"),
                (None, _) => "no pain at the first visit to measure a fall from".to_string(),
            };
            format!(
                "Pain before treatment: {} at the first visit → {} at the latest, {direction}; {verdict}.",
                format::one_decimal(Some(first)),
                format::one_decimal(Some(last))
            )
        }
        (first, last, _) => format!(
            "Pain before treatment: {} at the first visit → {} at the latest (a missing score means no change can be measured).",
            format::one_decimal(first),
            format::one_decimal(last)
        ),
    }
}

/// The PDF's bytes.
pub fn pdf(c: &ClientSummary, settings: &Settings, fonts: &Fonts, furniture: Furniture) -> Vec<u8> {
    let names = Names::new(settings);
    let th = &settings.thresholds;
    let mut doc = Doc::new(fonts, furniture);
    let id = format::field(&c.client_id);
    let title = c
        .client_name
        .as_deref()
        .map_or_else(|| format!("Client {id}"), format::field);
    let therapists: Vec<String> = c
        .therapists()
        .into_iter()
        .map(|(t, _)| format::field(&t))
        .collect();
    doc.title(
        &title,
        &format!(
            "Client {} · first visit {} · latest {} · {} {}",
            id,
            c.first_date,
            c.last_date,
            format::count(c.sessions),
            if c.sessions == 1 { "visit" } else { "visits" }
        ),
    );
    doc.paragraph(
        &format!("Seen by: {}.", therapists.join(", ")),
        Look::BODY.grey(),
    );
    doc.y += 4.0;
    doc.paragraph(&headline(c, th.responder), Look::BODY.bold().sized(11.0));

    // Two-digit years only while they cannot be mistaken: visits in two centuries get four.
    let date_form = match (c.visits.first(), c.visits.last()) {
        (Some(a), Some(b)) if a.date.year() / 100 != b.date.year() / 100 => "%-d %b %Y",
        _ => "%-d %b %y",
    };
    let dates: Vec<String> = c
        .visits
        .iter()
        .map(|v| v.date.format(date_form).to_string())
        .collect();
    doc.heading("Pain, visit by visit (0–10)", 150.0);
    chart::lines(
        &mut doc,
        &dates,
        &[
            Line {
                name: "before".into(),
                colour: colour::PALETTE[3],
                values: c.visits.iter().map(|v| v.pain_before).collect(),
            },
            Line {
                name: "right after".into(),
                colour: colour::PALETTE[1],
                values: c.visits.iter().map(|v| v.pain_after).collect(),
            },
            Line {
                name: "at follow-up".into(),
                colour: colour::PALETTE[0],
                values: c.visits.iter().map(|v| v.pain_followup).collect(),
            },
        ],
        10.0,
        "visit date (pain 0–10)",
        "No pain scores were recorded for these visits",
    );

    doc.heading("Soreness after each visit", 140.0);
    let soreness: Vec<(String, Option<f64>)> = c
        .visits
        .iter()
        .zip(&dates)
        .map(|(v, d)| (d.clone(), v.soreness_hours))
        .collect();
    let hours = th.soreness_hours;
    chart::columns(
        &mut doc,
        &chart::Columns {
            values: &soreness,
            axis_title: "visit date (hours of soreness reported)",
            label_every: (c.visits.len() / 8).max(1),
            colour: colour::PALETTE[2],
            reference: Some(&Reference {
                value: hours,
                label: format!("{} h", format::thousands(hours.round() as i64)),
            }),
            empty_message: "No soreness answers were given for these visits",
            missing: Some((MISSING, "no soreness answer for that visit")),
        },
    );

    doc.heading("What was treated", 40.0);
    let list = |items: Vec<(String, u64)>, name: &dyn Fn(&str) -> String| {
        items
            .iter()
            .map(|(k, n)| format!("{} ({})", name(k), n))
            .collect::<Vec<_>>()
            .join(" · ")
    };
    doc.paragraph(
        &format!(
            "Techniques: {}",
            list(c.techniques(), &|k| names.technique(k))
        ),
        Look::BODY,
    );
    // A session always has a region when the export records them.
    let regions_recorded = !c.regions().is_empty();
    doc.paragraph(
        &if regions_recorded {
            format!("Body regions: {}", list(c.regions(), &|k| names.region(k)))
        } else {
            "Body regions not recorded.".to_string()
        },
        Look::BODY,
    );

    doc.heading("Visits", 60.0);
    let mut rows: Vec<Vec<Cell>> = c
        .visits
        .iter()
        .map(|v| {
            vec![
                Cell::new(v.date.to_string()),
                Cell::new(format::field(&v.therapist)),
                Cell::new(names.technique(&v.technique)),
                Cell::new(
                    v.regions
                        .iter()
                        .map(|r| names.region(r))
                        .collect::<Vec<_>>()
                        .join(", "),
                ),
                Cell::new(format::one_decimal(v.pain_before)),
                Cell::new(format::one_decimal(v.pain_after)),
                Cell::new(format::one_decimal(v.pain_followup)),
                Cell::new(format::hours(v.soreness_hours)),
                Cell::new(
                    v.satisfaction
                        .map_or(MISSING.to_string(), |s| s.to_string()),
                ),
                Cell::new(v.comment.as_deref().map(format::field).unwrap_or_default()),
            ]
        })
        .collect();
    let mut columns = vec![
        Column::text("Date", 1.3),
        Column::wrapping("Therapist", 1.3),
        Column::wrapping("Technique", 1.4),
        Column::wrapping("Regions", 1.3),
        Column::number("Pain before", 0.8),
        Column::number("Pain after", 0.8),
        Column::number("Follow-up", 0.8),
        Column::number("Soreness", 0.9),
        Column::number("Satisfaction", 0.8),
        Column::wrapping("Comment", 2.4),
    ];
    if !regions_recorded {
        columns.remove(3);
        for r in &mut rows {
            r.remove(3);
        }
    }
    // No comment at any visit: the column's room goes to the words of the others.
    if rows
        .iter()
        .all(|r| r.last().is_none_or(|c| c.text.is_empty()))
    {
        columns.pop();
        for r in &mut rows {
            r.pop();
        }
    }
    table::draw(&mut doc, &columns, &rows, None);

    doc.heading("How to read this summary", 60.0);
    let pct = (th.responder * 100.0).round();
    for line in [
        "Pain is the client's own rating from 0 (none) to 10 (worst imaginable): before the session, right after it, and when they answered the follow-up.".to_string(),
        format!("A fall of {pct}% or more from the first visit's pain is a change people clearly notice (the clinically important change)."),
        format!("Soreness is how long post-treatment soreness lasted, as the client reported it; the dashed line marks {} hours.", format::thousands(hours.round() as i64)),
        format!("A dash ({MISSING}) is a figure that was not recorded."),
    ] {
        doc.bullet(&line, Look::BODY);
    }
    doc.finish()
}
