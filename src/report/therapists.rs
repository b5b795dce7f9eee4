//! A staff review as a PDF, one per therapist (SPEC "Staff reviews"): their own figures
//! beside the practice's over the period — headline tiles, the share whose pain fell by 30%
//! or more, crude and adjusted for the pain their clients came in with, the starting-pain mix
//! of their clients, what they treated, how often new clients came back, and their sessions
//! month by month. No client is named anywhere.

use crate::config::Settings;
use crate::metrics::therapists::{Retention, TherapistRow, Therapists};

use super::cells;
use super::format::{self, MISSING};
use super::labels::Names;
use super::pdf::chart::{self, Axis, Bar, Columns, MixRow, Reference};
use super::pdf::table::{self, Cell, Column};
use super::pdf::{colour, Doc, Fonts, Furniture, Look};
use super::techniques::BAND_NAMES;
use super::tiles::{self, Tile};

/// The PDF's bytes for one therapist.
pub fn pdf(
    all: &Therapists,
    row: &TherapistRow,
    settings: &Settings,
    fonts: &Fonts,
    furniture: Furniture,
) -> Vec<u8> {
    let names = Names::new(settings);
    let th = &settings.thresholds;
    let low = th.low_sample;
    let pct = (th.responder * 100.0).round();
    let dagger_note = cells::low_sample_note(low);
    let g = &row.group;
    let name = format::field(&g.name);
    let mut doc = Doc::new(fonts, furniture);
    doc.title(
        &format!("Staff review: {name}"),
        &format!(
            "{} to {} · {} of the practice's {} sessions",
            all.period.from,
            all.period.to,
            format::count(g.sessions),
            format::count(all.totals.sessions)
        ),
    );
    super::notice::draw(&mut doc, all.suppressed_below);

    let practice = |v: String| (format!("practice {v}"), colour::GREY);
    let mut tiles_shown = vec![
        tile(
            "Sessions",
            format::count(g.sessions),
            String::new(),
            practice(format::count(all.totals.sessions)),
        ),
        tile(
            "Clients",
            format::count(g.clients),
            format!("{} new", format::count(row.retention.new_clients)),
            practice(format!(
                "{} · {} new",
                format::count(all.totals.clients),
                format::count(all.retention.new_clients)
            )),
        ),
        tile(
            "Minutes of treatment",
            format::thousands(g.minutes),
            String::new(),
            practice(format::thousands(all.totals.minutes)),
        ),
        tile(
            "Revenue",
            format::money(g.revenue),
            "fees recorded".to_string(),
            practice(format::money(all.totals.revenue)),
        ),
    ];
    if let (Some(n), Some(p)) = (row.not_attended, all.not_attended) {
        let booked = g.sessions.shown().zip(n.shown());
        tiles_shown.push(tile(
            "Bookings not attended",
            format::count(n),
            format!(
                "{} of {} booked",
                format::percent(
                    booked
                        .filter(|(s, n)| s + n > 0)
                        .map(|(s, n)| n as f64 / (s + n) as f64)
                ),
                booked.map_or(MISSING.to_string(), |(s, n)| format::count(s + n))
            ),
            practice(format::count(p)),
        ));
    }
    let r = &g.outcomes.responders;
    // A low sample is flagged where the figure is.
    let dagger = if g.outcomes.low_sample.value() {
        "†"
    } else {
        ""
    };
    tiles_shown.push(tile(
        &format!("Sessions where pain fell by {pct}% or more"),
        format!("{}{dagger}", format::percent(r.rate)),
        format!(
            "{} of {} followed up",
            format::count(r.responders),
            format::count(r.eligible)
        ),
        practice(format::percent(all.overall.responders.rate)),
    ));
    tiles_shown.push(tile(
        "Adjusted for starting pain",
        format::percent(row.adjusted.standardized_rate),
        if row.adjusted.standardized_rate.is_some() {
            "on the practice's mix".to_string()
        } else if row.adjusted.withheld() {
            "hidden: a band is small".to_string()
        } else {
            "not on the practice's mix".to_string()
        },
        practice(format::percent(all.overall.responders.rate)),
    ));
    tiles_shown.push(tile(
        "Median soreness after treatment",
        format::hours(g.outcomes.soreness.median),
        format!("{} answers", format::count(g.outcomes.soreness.n)),
        practice(format::hours(all.overall.soreness.median)),
    ));
    tiles::draw(&mut doc, &tiles_shown);

    responders(&mut doc, all, row, pct, &dagger_note);
    mix(&mut doc, all, row);
    retention(&mut doc, all, row);
    treated(&mut doc, all, row, &names);
    months(&mut doc, all, row);
    how_to_read(&mut doc, settings);
    doc.finish()
}

fn tile(title: &str, value: String, detail: String, (footer, tone): (String, colour::Rgb)) -> Tile {
    Tile {
        title: title.to_string(),
        value,
        detail,
        footer,
        tone,
    }
}

/// What the adjusted figure says, in plain words: whether its interval excludes the
/// practice's rate.
pub fn adjusted_sentence(
    name: &str,
    row: &TherapistRow,
    practice: Option<f64>,
    pct: f64,
) -> String {
    let a = &row.adjusted;
    let eligible: u64 = a.bands.iter().map(|b| b.eligible.value()).sum();
    match (a.standardized_rate, a.ci95_low, a.ci95_high, practice) {
        // An interval of a handful of sessions (all responders, or none) can be a point:
        // too few to tell a difference from chance, whatever it excludes.
        (Some(rate), Some(lo), Some(hi), Some(p))
            if row.group.outcomes.low_sample.value() && (lo > p || hi < p) =>
        {
            format!(
                "Adjusted for the pain their clients came in with, {name}'s share ({}) is {} the practice's {}, \
                 but it rests on only {} sessions with both pain scores: too few to tell from chance.",
                format::percent(Some(rate)),
                if lo > p { "above" } else { "below" },
                format::percent(Some(p)),
                format::count(eligible)
            )
        }
        (Some(rate), Some(lo), Some(hi), Some(p)) if lo > p || hi < p => format!(
            "Adjusted for the pain their clients came in with, {name}'s share of sessions whose pain fell by {pct}% \
             or more ({}, 95% interval {} to {}) is {} the practice's {}: more than chance would give.",
            format::percent(Some(rate)),
            format::percent(Some(lo)),
            format::percent(Some(hi)),
            if lo > p { "above" } else { "below" },
            format::percent(Some(p))
        ),
        (Some(rate), Some(lo), Some(hi), Some(p)) => format!(
            "Adjusted for the pain their clients came in with, {name}'s share ({}, 95% interval {} to {}) is within \
             chance of the practice's {}: the data cannot tell them apart.",
            format::percent(Some(rate)),
            format::percent(Some(lo)),
            format::percent(Some(hi)),
            format::percent(Some(p))
        ),
        _ if a.withheld() => format!(
            "Adjusted for the pain their clients came in with, {name}'s share is hidden in this copy: a band of \
             starting pain holds too few sessions to show."
        ),
        _ if a.bands.iter().all(|b| b.eligible == 0) => format!(
            "No session of {name}'s had pain scores before and at follow-up: no adjusted figure."
        ),
        _ => format!(
            "{name} has no session with both pain scores in a band of starting pain the practice has, so the share \
             cannot be put on the practice's mix of cases (shown as {MISSING})."
        ),
    }
}

fn responders(
    doc: &mut Doc<'_>,
    all: &Therapists,
    row: &TherapistRow,
    pct: f64,
    dagger_note: &str,
) {
    let g = &row.group;
    let name = format::field(&g.name);
    let heading = format!("Pain fell by {pct}% or more");
    let bars = cells::crude_and_adjusted(&name, &g.outcomes, &row.adjusted, "adjusted");
    doc.heading(
        &heading,
        chart::hbars_height(bars.len().max(1), true) + 40.0,
    );
    if g.outcomes.low_sample.value() {
        doc.footnote(dagger_note);
    }
    let line = all.overall.responders.rate.map(|rate| Reference {
        value: rate,
        label: format!("practice {}", format::percent(Some(rate))),
    });
    chart::hbars(
        doc,
        &bars,
        &Axis::shares("share of sessions with both pain scores (whiskers: 95% interval)"),
        line.as_ref(),
        "No session with pain before and at follow-up in this period",
    );
    doc.paragraph(
        &adjusted_sentence(&name, row, all.overall.responders.rate, pct),
        Look::BODY,
    );
    // The bands behind the adjusted figure.
    let mut own = vec![Cell::new(name.clone())];
    own.extend(row.adjusted.bands.iter().map(cells::band));
    let mut practice = vec![Cell::new("The practice").bold()];
    practice.extend(all.practice_bands.iter().map(|b| cells::band(b).bold()));
    let mut columns = vec![Column::wrapping("", 2.0)];
    columns.extend(
        BAND_NAMES
            .iter()
            .map(|(n, _)| Column::number(&format!("Pain {n}"), 1.5)),
    );
    table::draw(doc, &columns, &[own, practice], None);
}

fn mix(doc: &mut Doc<'_>, all: &Therapists, row: &TherapistRow) {
    doc.heading("How much pain their clients came in with", 90.0);
    chart::mix(
        doc,
        &[
            MixRow {
                label: format::field(&row.group.name),
                shares: row.adjusted.mix.clone(),
                bold: false,
            },
            MixRow {
                label: "The practice".into(),
                shares: cells::practice_mix(all.band_weights, all.suppressed_below),
                bold: true,
            },
        ],
        &BAND_NAMES,
        "no session with both scores",
        "No session with pain before and at follow-up in this period",
    );
}

fn retention_cells(r: &Retention) -> [Cell; 3] {
    [
        Cell::new(format::count(r.new_clients)),
        Cell::new(format::one_decimal(r.visits_90)).with_note(
            (r.visits_90_clients != 0)
                .then(|| format!("{} clients", format::count(r.visits_90_clients))),
        ),
        Cell::new(format::percent(r.rebooked_30)).with_note(
            (r.rebooked_30_sessions != 0)
                .then(|| format!("of {} sessions", format::count(r.rebooked_30_sessions))),
        ),
    ]
}

fn retention(doc: &mut Doc<'_>, all: &Therapists, row: &TherapistRow) {
    doc.heading("Do their clients come back?", 80.0);
    let mut own = vec![Cell::new(format::field(&row.group.name))];
    own.extend(retention_cells(&row.retention));
    let mut practice = vec![Cell::new("The practice").bold()];
    practice.extend(retention_cells(&all.retention).map(Cell::bold));
    table::draw(
        doc,
        &[
            Column::wrapping("", 2.0),
            Column::number("New clients", 1.2),
            Column::number("Visits in their first 90 days", 1.8),
            Column::number("Came back within 30 days", 1.8),
        ],
        &[own, practice],
        None,
    );
}

fn treated(doc: &mut Doc<'_>, all: &Therapists, row: &TherapistRow, names: &Names) {
    let bars: Vec<Bar> = row
        .techniques
        .iter()
        .map(|(t, n)| Bar::count(names.technique(t), *n, colour::PALETTE[0]))
        .collect();
    doc.heading(
        "Techniques used",
        chart::hbars_height(bars.len(), false).min(400.0),
    );
    chart::hbars(
        doc,
        &bars,
        &Axis::counts("sessions"),
        None,
        "No sessions in this period",
    );
    if !all.has_regions {
        doc.heading("Body regions treated", 40.0);
        doc.paragraph(
            "Body regions not recorded: the export has no column for them.",
            Look::BODY,
        );
        return;
    }
    let bars: Vec<Bar> = row
        .regions
        .iter()
        .map(|(r, n)| Bar::count(names.region(r), *n, colour::PALETTE[4]))
        .collect();
    doc.heading(
        "Body regions treated",
        chart::hbars_height(bars.len(), false).min(400.0),
    );
    chart::hbars(
        doc,
        &bars,
        &Axis::counts("sessions (a session that treated several regions counts in each)"),
        None,
        "No sessions in this period",
    );
}

fn months(doc: &mut Doc<'_>, all: &Therapists, row: &TherapistRow) {
    doc.heading("Sessions month by month", 150.0);
    let values: Vec<(String, Option<f64>)> = all
        .months
        .iter()
        .zip(&row.by_month)
        .map(|(m, n)| {
            (
                m.from.format("%b %Y").to_string(),
                n.shown().map(|n| n as f64),
            )
        })
        .collect();
    let hidden = cells::hidden_mark(all.suppressed_below);
    if row.by_month.iter().all(|n| n.is_hidden() || *n == 0) && row.group.sessions.is_hidden() {
        chart::empty(doc, "Too few sessions to show month by month", 60.0);
        return;
    }
    chart::columns(
        doc,
        &Columns {
            values: &values,
            axis_title: "sessions",
            label_every: if values.len() > 12 { 2 } else { 1 },
            colour: colour::PALETTE[0],
            reference: None,
            empty_message: "No sessions in this period",
            missing: hidden.as_ref().map(|(m, s)| (m.as_str(), s.as_str())),
        },
    );
}

fn how_to_read(doc: &mut Doc<'_>, settings: &Settings) {
    let t = &settings.thresholds;
    let pct = (t.responder * 100.0).round();
    doc.heading("How to read this report", 80.0);
    for item in [
        format!("Pain fell ≥ {pct}%: the share of sessions whose pain at follow-up was at least {pct}% below the pain before, a change clients notice; only sessions with both scores count."),
        "Adjusted for starting pain: the therapist's shares within the mild, moderate and severe bands of pain before treatment, weighted by the practice's own mix of those bands, so every therapist is compared on the same mix of cases. A therapist who sees more severe cases is not penalised for it.".to_string(),
        "95% intervals (whiskers): the range the true figure most likely lies in; wide ranges mean few answers. When the adjusted interval includes the practice's dashed line, the difference is within chance.".to_string(),
        "New clients: clients whose first session at the practice was with this therapist in the period. Visits in their first 90 days: the mean number of sessions, with any therapist, from the first (included) to day 90, over the new clients first seen at least 90 days before the period's end.".to_string(),
        "Came back within 30 days: of the sessions at least 30 days before the period's end, the share after which the same client had another session, with any therapist, on a later day within 30 days.".to_string(),
        format!("A figure marked †, and a grey band cell, rests on fewer than {} sessions with the needed answers: read it with care.", t.low_sample),
        "Clients were not assigned at random: read differences as leads to discuss in the review, not as proof.".to_string(),
    ] {
        doc.bullet(&item, Look::BODY);
    }
}
