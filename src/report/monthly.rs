//! The monthly report as a PDF a clinic owner prints: headline tiles with the change against
//! the month before, sessions by technique and by day, outcomes by technique, therapists,
//! attendance (with a status column), body regions, data quality, and how to read it all. No
//! client is named anywhere.

use crate::config::Settings;
use crate::metrics::cell::Count;
use crate::metrics::groups::Group;
use crate::metrics::locations::LocationGroup;
use crate::metrics::monthly::{Attendance, Comparison, Monthly, Value, COMPARED};
use crate::metrics::outcomes::Outcomes;
use crate::model::display_label;

use super::cells;
use super::format::{self, change, Trend, Unit, MISSING};
use super::labels::Names;
use super::pdf::chart::{self, Axis, Bar, Reference};
use super::pdf::table::{self, Cell, Column};
use super::pdf::{colour, Doc, Fonts, Furniture, Look};

/// The PDF's bytes.
pub fn pdf(m: &Monthly, settings: &Settings, fonts: &Fonts, furniture: Furniture) -> Vec<u8> {
    let names = Names::new(settings);
    let low = settings.thresholds.low_sample;
    let dagger_note = cells::low_sample_note(low);
    let mut doc = Doc::new(fonts, furniture);
    let month = m.period.from.format("%B %Y").to_string();
    let before = m.previous.period.from.format("%B %Y").to_string();
    doc.title(
        "Monthly report",
        &format!(
            "{month} ({} to {}), compared with {before}",
            m.period.from, m.period.to
        ),
    );
    super::notice::draw(&mut doc, m.suppressed_below);

    what_changed(&mut doc, m, &before, settings.thresholds.responder);

    // The tiles are narrow: "vs Sep 2026" (the subtitle names the month in full).
    let before_short = m.previous.period.from.format("%b %Y").to_string();
    tiles(&mut doc, m, &before_short, settings.thresholds.responder);

    // A technique keeps its colour in every chart: its place in the by-technique list.
    let colour_of = |name: &str| {
        let i = m
            .by_technique
            .iter()
            .position(|g| g.name == name)
            .unwrap_or(0);
        colour::PALETTE[i % colour::PALETTE.len()]
    };

    let bars: Vec<Bar> = m
        .by_technique
        .iter()
        .map(|g| Bar::count(names.technique(&g.name), g.sessions, colour_of(&g.name)))
        .collect();
    doc.heading(
        "Sessions by technique",
        chart::hbars_height(bars.len(), false).min(400.0),
    );
    chart::hbars(
        &mut doc,
        &bars,
        &Axis::counts("sessions"),
        None,
        "No sessions in this month",
    );

    doc.heading("Sessions per day", 140.0);
    let days: Vec<(String, Option<f64>)> = m
        .by_day
        .iter()
        .map(|d| {
            (
                d.date.format("%-d").to_string(),
                d.sessions.shown().map(|n| n as f64),
            )
        })
        .collect();
    // A shareable copy's hidden days: their mark and what it means.
    let hidden = cells::hidden_mark(m.suppressed_below);
    if m.by_day.iter().all(|d| d.sessions == 0) {
        chart::empty(&mut doc, "No sessions in this month", 60.0);
    } else if m
        .by_day
        .iter()
        .all(|d| d.sessions.is_hidden() || d.sessions == 0)
    {
        chart::empty(
            &mut doc,
            "Every day of this month had too few sessions to show",
            60.0,
        );
    } else {
        chart::columns(
            &mut doc,
            &chart::Columns {
                values: &days,
                axis_title: &format!("day of {month} (sessions)"),
                label_every: 2,
                colour: colour::PALETTE[0],
                reference: None,
                empty_message: "No sessions in this month",
                missing: hidden.as_ref().map(|(m, s)| (m.as_str(), s.as_str())),
            },
        );
    }

    doc.heading("Outcomes by technique", 60.0);
    let columns = [
        Column::wrapping("Technique", 2.4),
        Column::number("Sessions", 1.0),
        Column::number("Soreness median", 1.15),
        Column::number("Soreness p90", 1.15),
        Column::number("Sore > 48 h", 1.0),
        Column::number("Pain reduction (95% CI)", 2.0),
        Column::number("Pain fell ≥ 30% (95% CI)", 2.0),
        Column::number("Satisfaction (1–5)", 1.2),
    ];
    let mut columns = columns.to_vec();
    columns[4].title = format!("Sore > {} h", trim_num(settings.thresholds.soreness_hours));
    let fell = format!(
        "Pain fell ≥ {}% (95% CI)",
        (settings.thresholds.responder * 100.0).round()
    );
    columns[6].title = fell.clone();
    let mut rows: Vec<Vec<Cell>> = m
        .by_technique
        .iter()
        .map(|g| outcome_row(&names.technique(&g.name), g, &g.outcomes))
        .collect();
    rows.push(outcome_row_total(m.totals.sessions, &m.overall));
    table::draw(&mut doc, &columns, &rows, Some(&dagger_note));

    doc.heading("Therapists", 60.0);
    let with_missed = m.attendance.is_some();
    let therapist_rows: Vec<Vec<Cell>> = m
        .by_therapist
        .iter()
        .map(|g| {
            let o = &g.outcomes;
            let mut row = vec![
                Cell::new(format::field(&g.name)),
                Cell::new(format::count(g.sessions)),
            ];
            if with_missed {
                row.push(Cell::new(format::count(g.not_attended.unwrap_or_default())));
            }
            row.extend([
                Cell::new(format::count(g.clients)),
                Cell::new(format::thousands(g.minutes)),
                Cell::new(format::money(g.revenue)),
                cells::responder_rate(o),
            ]);
            row
        })
        .collect();
    if therapist_rows.is_empty() {
        chart::empty(&mut doc, "No sessions in this month", 40.0);
    } else {
        let mut columns = vec![
            Column::text("Therapist", 2.6),
            Column::number("Sessions", 1.0),
        ];
        if with_missed {
            columns.push(Column::number("Not attended", 1.1));
        }
        columns.extend([
            Column::number("Clients", 1.0),
            Column::number("Minutes", 1.1),
            Column::number("Revenue", 1.3),
            Column::number(&fell, 2.2),
        ]);
        table::draw(&mut doc, &columns, &therapist_rows, Some(&dagger_note));
    }

    if let Some(a) = &m.attendance {
        attendance_section(&mut doc, a);
    }

    if let Some(locations) = &m.by_location {
        locations_section(&mut doc, m, locations, &fell, &dagger_note);
    }

    if m.has_regions {
        let region_bars: Vec<Bar> = m
            .by_region
            .iter()
            .map(|r| Bar::count(names.region(&r.region), r.sessions, colour::PALETTE[4]))
            .collect();
        doc.heading(
            "Body regions treated",
            chart::hbars_height(region_bars.len(), false).min(400.0),
        );
        chart::hbars(
            &mut doc,
            &region_bars,
            &Axis::counts("sessions (a session that treated several regions counts in each)"),
            None,
            "No sessions in this month",
        );
    } else {
        doc.heading("Body regions treated", 40.0);
        doc.paragraph(
            "Body regions not recorded: the export has no column for them.",
            Look::BODY,
        );
    }

    data_quality(&mut doc, m);
    how_to_read(&mut doc, settings);
    doc.finish()
}

/// One comparison in a plain sentence with its interval (SPEC "What changed this month").
pub fn change_sentence(c: &Comparison, before: &str, responder: f64) -> Option<String> {
    let pct = (responder * 100.0).round();
    let real = |v: Option<Value>| match v? {
        Value::Real(x) => Some(x),
        Value::Count(n) => Some(n as f64),
    };
    let (now, then) = (real(c.current)?, real(c.previous)?);
    let d = c.difference?;
    let direction = |up: &str, down: &str| if d > 0.0 { up } else { down }.to_string();
    Some(match c.figure {
        "sessions" | "new_clients" => {
            let (ratio, lo, hi) = (c.ratio?, c.ratio_ci95_low?, c.ratio_ci95_high?);
            let share = |r: f64| format!("{}%", format::signed((r - 1.0) * 100.0, 0));
            format!(
                "{} {} from {} to {} ({}; 95% interval {} to {}).",
                if c.figure == "sessions" {
                    "Sessions"
                } else {
                    "New clients"
                },
                direction("rose", "fell"),
                format::thousands(then as i64),
                format::thousands(now as i64),
                share(ratio),
                share(lo),
                share(hi)
            )
        }
        "pain_reduction_mean" => format!(
            "Mean pain reduction: {} points, {} from {} in {before} ({}; 95% interval {} to {}).",
            format::one_decimal(Some(now)),
            direction("up", "down"),
            format::one_decimal(Some(then)),
            format::signed(d, 1),
            format::signed(c.ci95_low?, 1),
            format::signed(c.ci95_high?, 1)
        ),
        figure => format!(
            "{}: {}, {} from {} in {before} ({} points; 95% interval {} to {}).",
            if figure == "responder_rate" {
                format!("Sessions whose pain fell by {pct}% or more")
            } else {
                "Feedback response rate".to_string()
            },
            format::percent(Some(now)),
            direction("up", "down"),
            format::percent(Some(then)),
            format::signed(d * 100.0, 0),
            format::signed(c.ci95_low? * 100.0, 0),
            format::signed(c.ci95_high? * 100.0, 0)
        ),
    })
}

/// Page 1 opens with what changed by more than chance would explain.
fn what_changed(doc: &mut Doc<'_>, m: &Monthly, before: &str, responder: f64) {
    doc.heading("What changed", 50.0);
    let sentences: Vec<String> = m
        .comparisons
        .iter()
        .filter(|c| c.significant.value())
        .filter_map(|c| change_sentence(c, before, responder))
        .collect();
    if sentences.is_empty() {
        doc.paragraph(
            &format!("Nothing changed by more than chance would explain, against {before}."),
            Look::BODY,
        );
    }
    for s in &sentences {
        doc.bullet(s, Look::BODY);
    }
    doc.y += 4.0;
}

/// Who came: bookings, sessions and the bookings that were not treatments, by status.
fn attendance_section(doc: &mut Doc<'_>, a: &Attendance) {
    doc.heading("Attendance", 80.0);
    doc.paragraph(
        &format!(
            "{} bookings this month: {} attended ({}), {} not attended (no-shows, \
             cancellations and the like; they count nowhere as sessions).",
            format::count(a.booked),
            format::count(a.attended),
            format::percent(a.attended_rate),
            format::count(a.not_attended),
        ),
        Look::BODY,
    );
    let rows: Vec<Vec<Cell>> = a
        .by_status
        .iter()
        .map(|s| {
            vec![
                Cell::new(s.status.as_deref().map_or_else(
                    || "(no status)".to_string(),
                    |l| format::field(&display_label(l)),
                )),
                Cell::new(format::count(s.bookings)),
                Cell::new(format::percent(
                    s.bookings
                        .shown()
                        .zip(a.booked.shown())
                        .filter(|&(_, booked)| booked > 0)
                        .map(|(n, booked)| n as f64 / booked as f64),
                )),
            ]
        })
        .collect();
    if rows.is_empty() {
        chart::empty(doc, "No bookings in this month", 40.0);
        return;
    }
    table::draw(
        doc,
        &[
            Column::wrapping("Status", 3.0),
            Column::number("Bookings", 1.0),
            Column::number("Share of bookings", 1.4),
        ],
        &rows,
        None,
    );
}

/// The sites of a chain side by side: a table and the responder rate per site against the
/// chain-wide rate.
fn locations_section(
    doc: &mut Doc<'_>,
    m: &Monthly,
    locations: &[LocationGroup],
    fell: &str,
    dagger_note: &str,
) {
    doc.heading("Locations", 60.0);
    let name = |l: &LocationGroup| {
        l.location
            .as_deref()
            .map_or_else(|| "No location given".to_string(), format::field)
    };
    let rows: Vec<Vec<Cell>> = locations
        .iter()
        .map(|l| {
            let g = &l.group;
            vec![
                Cell::new(name(l)),
                Cell::new(format::count(g.sessions)),
                Cell::new(format::count(g.clients)),
                Cell::new(format::count(l.new_clients)),
                Cell::new(format::thousands(g.minutes)),
                Cell::new(format::money(g.revenue)),
                cells::responder_rate(&g.outcomes),
                Cell::new(format::hours(g.outcomes.soreness.median)),
            ]
        })
        .collect();
    if rows.is_empty() {
        chart::empty(doc, "No sessions in this month", 40.0);
        return;
    }
    table::draw(
        doc,
        &[
            Column::wrapping("Location", 2.2),
            Column::number("Sessions", 1.0),
            Column::number("Clients", 1.0),
            Column::number("New clients", 1.0),
            Column::number("Minutes", 1.1),
            Column::number("Revenue", 1.2),
            Column::number(fell, 2.0),
            Column::number("Soreness median", 1.1),
        ],
        &rows,
        Some(dagger_note),
    );
    let bars: Vec<Bar> = locations
        .iter()
        .filter_map(|l| cells::responder_bar(name(l), &l.group.outcomes, colour::PALETTE[0]))
        .collect();
    doc.heading(
        &format!("{fell} by location"),
        chart::hbars_height(bars.len(), true).min(400.0),
    );
    if bars.iter().any(|b| b.faint) {
        doc.footnote(dagger_note);
    }
    let chain = m.overall.responders.rate.map(|rate| Reference {
        value: rate,
        label: format!("all locations {}", format::percent(Some(rate))),
    });
    chart::hbars(
        doc,
        &bars,
        &Axis::shares("share of sessions with a follow-up pain score (whiskers: 95% interval)"),
        chain.as_ref(),
        "No session with pain before and at follow-up in this month",
    );
}

fn trim_num(v: f64) -> String {
    if v.fract() == 0.0 {
        format!("{}", v as i64)
    } else {
        format!("{v}")
    }
}

fn outcome_row(name: &str, g: &Group, o: &Outcomes) -> Vec<Cell> {
    let mut row = vec![Cell::new(name), Cell::new(format::count(g.sessions))];
    row.extend(outcome_cells(o));
    row
}

fn outcome_row_total(sessions: Count, o: &Outcomes) -> Vec<Cell> {
    let mut row = vec![
        Cell::new("All techniques").bold(),
        Cell::new(format::count(sessions)).bold(),
    ];
    row.extend(outcome_cells(o));
    row
}

fn outcome_cells(o: &Outcomes) -> Vec<Cell> {
    vec![
        Cell::new(format::hours(o.soreness.median)),
        Cell::new(format::hours(o.soreness.p90)),
        Cell::new(format::percent(o.soreness.over_48h_share)),
        cells::pain_reduction(o),
        cells::responder_rate(o),
        Cell::new(format::one_decimal(o.satisfaction_mean)),
    ]
}

/// A headline tile: title, figure, detail line, change against the month before.
type Tile<'a> = (&'a str, String, String, Option<(String, Trend)>);

/// The seven headline figures, each with its change against the month before.
fn tiles(doc: &mut Doc<'_>, m: &Monthly, before: &str, responder: f64) {
    let fell = format!(
        "Sessions where pain fell by {}% or more",
        (responder * 100.0).round()
    );
    let t = &m.totals;
    let c = &m.changes;
    let count = |v: Option<i64>| v.map(|v| v as f64);
    let tiles: Vec<Tile> = vec![
        (
            "Sessions",
            format::count(t.sessions),
            String::new(),
            change(count(c.sessions), Unit::Count, true),
        ),
        (
            "Clients",
            format::count(t.clients),
            format!(
                "{} new · {} returning",
                format::count(t.new_clients),
                format::count(t.returning_clients)
            ),
            change(count(c.clients), Unit::Count, true),
        ),
        (
            "Minutes of treatment",
            format::thousands(t.minutes),
            String::new(),
            change(count(c.minutes), Unit::Count, true),
        ),
        (
            "Revenue",
            format::money(t.revenue),
            "fees recorded".to_string(),
            change(c.revenue, Unit::Money, true),
        ),
        (
            "Feedback response rate",
            format::percent(t.feedback_response_rate),
            format!(
                "{} of {} sessions",
                format::count(t.feedback_responses),
                format::count(t.sessions)
            ),
            change(c.feedback_response_rate, Unit::Points, true),
        ),
        (
            "Median soreness after treatment",
            format::hours(m.overall.soreness.median),
            format!("{} answers", format::count(m.overall.soreness.n)),
            change(c.soreness_median, Unit::Hours, false),
        ),
        (
            fell.as_str(),
            format::percent(m.overall.responders.rate),
            // What the share counts: sessions with a pain score before and at follow-up.
            format!(
                "{} of {} followed up",
                format::count(m.overall.responders.responders),
                format::count(m.overall.responders.eligible)
            ),
            change(c.responder_rate, Unit::Points, true),
        ),
    ];
    // A change a comparison finds within chance is grey, whatever its direction.
    let tested = |figure: &str| m.comparisons.iter().find(|c| c.figure == figure);
    let within_chance: Vec<bool> = [
        Some(COMPARED[0]),
        None,
        None,
        None,
        Some(COMPARED[2]),
        None,
        Some(COMPARED[3]),
    ]
    .iter()
    .map(|f| {
        f.and_then(tested)
            .is_some_and(|c| c.significant == crate::metrics::cell::Cell::Shown(false))
    })
    .collect();
    let any_grey = within_chance.iter().any(|&g| g);
    let tiles: Vec<super::tiles::Tile> = tiles
        .into_iter()
        .zip(within_chance)
        .map(|((title, value, detail, delta), grey)| {
            let delta = delta.map(|(d, trend)| (d, if grey { Trend::Same } else { trend }));
            let (footer, tone) = match delta {
                Some((d, Trend::Better)) => (format!("{d} vs {before}"), colour::GREEN_TEXT),
                Some((d, Trend::Worse)) => (format!("{d} vs {before}"), colour::RED_TEXT),
                Some((d, Trend::Same)) => (format!("{d} vs {before}"), colour::GREY),
                None => (format!("{MISSING} vs {before}"), colour::GREY),
            };
            super::tiles::Tile {
                title: title.to_string(),
                value,
                detail,
                footer,
                tone,
            }
        })
        .collect();
    super::tiles::draw(doc, &tiles);
    if any_grey {
        doc.footnote(
            "A grey change on a tile is within chance: its 95% interval includes no change (see \"What changed\").",
        );
    }
}

fn data_quality(doc: &mut Doc<'_>, m: &Monthly) {
    doc.heading("Data quality", 80.0);
    let q = &m.data_quality;
    let rows = vec![
        vec![
            Cell::new(format::field(&q.sessions.file)),
            Cell::new(format::count(q.sessions.rows)),
            Cell::new(format::count(q.sessions.accepted)),
            Cell::new(format::count(q.sessions.rejected)),
            Cell::new(MISSING),
        ],
        vec![
            Cell::new(format::field(&q.feedback.file)),
            Cell::new(format::count(q.feedback.rows)),
            Cell::new(format::count(q.feedback.accepted)),
            Cell::new(format::count(q.feedback.rejected)),
            Cell::new(format::count(q.feedback.superseded)),
        ],
    ];
    table::draw(
        doc,
        &[
            Column::text("File", 2.5),
            Column::number("Rows read", 1.0),
            Column::number("Used", 1.0),
            Column::number("Rejected", 1.0),
            Column::number("Superseded", 1.0),
        ],
        &rows,
        None,
    );
    let mut text = String::from(
        "Rows that broke a rule are listed, with their line and the reason, in rejects.csv next to this report. \
         When a session was answered more than once, the latest answer counts and the others are superseded.",
    );
    if q.sessions_status {
        text.push_str(&format!(
            " Of the bookings read, {} were not attended (no-shows and cancellations): they are \
             neither used nor rejected.",
            format::count(q.sessions.not_attended)
        ));
    }
    for f in [&q.sessions, &q.feedback] {
        match f.footer_rows {
            Count::Shown(0) => {}
            Count::Shown(n) => text.push_str(&format!(
                " {} ends with a total row: it and the {} rows after it are not data.",
                format::field(&f.file),
                format::count(n - 1)
            )),
            Count::Hidden { .. } => text.push_str(&format!(
                " {} ends with a total row: it and the rows after it are not data.",
                format::field(&f.file),
            )),
        }
    }
    for (file, extra) in [
        (&q.sessions.file, &q.sessions.extra_columns),
        (&q.feedback.file, &q.feedback.extra_columns),
    ] {
        if !extra.is_empty() {
            let names: Vec<String> = extra.iter().map(|e| format::field(e)).collect();
            text.push_str(&format!(
                " Columns of {} not used: {}.",
                format::field(file),
                format::field(&names.join(", "))
            ));
        }
    }
    doc.paragraph(&text, Look::BODY);
}

fn how_to_read(doc: &mut Doc<'_>, settings: &Settings) {
    let t = &settings.thresholds;
    let hours = trim_num(t.soreness_hours);
    let pct = (t.responder * 100.0).round();
    doc.heading("How to read this report", 80.0);
    let items = [
        "Sessions: treatments given in the month; clients: the different people treated, new if their first visit ever was this month.".to_string(),
        "Changes (▲ ▼) compare with the month before; green is better for the clinic, red worse.".to_string(),
        "Feedback response rate: the share of sessions whose client answered the feedback form.".to_string(),
        format!("Soreness after treatment: how long clients said post-treatment soreness lasted; the median is the middle answer, p90 the answer nine in ten stayed under, and \"sore > {hours} h\" the share that lasted longer than {hours} hours."),
        "Pain reduction: pain before the session minus pain at follow-up, on the 0–10 scale; the range in grey is the 95% confidence interval of the mean.".to_string(),
        format!("Pain fell ≥ {pct}%: the share of sessions whose pain at follow-up was at least {pct}% below the pain before (a change clients notice); in grey its 95% interval."),
        format!("A figure marked † rests on fewer than {} sessions with the needed answers and may change a lot with a few more: read it with care.", t.low_sample),
        "Body regions: a session that treated several regions counts once for each.".to_string(),
    ];
    for item in items {
        doc.bullet(&item, Look::BODY);
    }
}
