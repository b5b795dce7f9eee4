//! The practice over time as a PDF a clinic owner reads in two minutes: the twelve months at a
//! glance (sessions and new clients, the share of sessions whose pain fell, soreness), the
//! months in a table, whether new clients come back, and after how many visits pain eases.
//! No client is named anywhere.

use crate::config::Settings;
use crate::metrics::cell::Cell::Shown;
use crate::metrics::trends::{CourseStep, KmStep, Trends};

use super::cells;
use super::format::{self, MISSING};
use super::pdf::chart::{self, Line, SharePoint};
use super::pdf::table::{self, Cell, Column};
use super::pdf::{colour, Doc, Fonts, Furniture, Look};

/// A share's interval as "59–71%", without its brackets.
fn bare_interval(lo: Option<f64>, hi: Option<f64>) -> Option<String> {
    format::interval(lo, hi, format::percent)
        .map(|i| i.trim_start_matches('(').trim_end_matches(')').to_string())
}

/// The course of treatment in one plain sentence from the Kaplan–Meier estimate: the first
/// visit by which half of the clients who started had improved, else the last visit with an
/// estimate. None when no client was ever at risk.
pub fn km_sentence(steps: &[KmStep], responder: f64) -> Option<String> {
    let pct = (responder * 100.0).round();
    let step = steps
        .iter()
        .find(|s| s.improved.is_some_and(|i| i >= 0.5))
        .or_else(|| steps.iter().rev().find(|s| s.improved.is_some()))?;
    let interval = bare_interval(step.ci95_low, step.ci95_high)
        .map(|i| format!(", 95% interval {i}"))
        .unwrap_or_default();
    Some(format!(
        "By the {} visit, an estimated {} of the clients who started had come in with at least {pct}% less pain \
         than at their first ({} at risk then{interval}), counting those who stopped coming as not improved so far.",
        format::ordinal(u64::from(step.visit)),
        format::percent(step.improved),
        format::count(step.at_risk),
    ))
}

/// The course of treatment in one plain sentence, for the visit it reads.
pub fn course_sentence(step: &CourseStep, responder: f64) -> String {
    let pct = (responder * 100.0).round();
    let share = format::percent(step.rate);
    let interval = bare_interval(step.ci95_low, step.ci95_high)
        .map(|i| format!(" (95% CI {i})"))
        .unwrap_or_default();
    format!(
        "Of clients who came back for a {} visit, {share} arrived with at least {pct}% less pain \
         than at their first{interval}{}.",
        format::ordinal(u64::from(step.visit)),
        if step.low_sample.value() {
            format!(
                " — only {} {}, so read it with care",
                format::count(step.clients),
                if step.clients == 1 {
                    "client"
                } else {
                    "clients"
                }
            )
        } else {
            String::new()
        }
    )
}

/// The PDF's bytes.
pub fn pdf(tr: &Trends, settings: &Settings, fonts: &Fonts, furniture: Furniture) -> Vec<u8> {
    let th = &settings.thresholds;
    let pct = (th.responder * 100.0).round();
    let dagger_note = cells::low_sample_note(th.low_sample);
    let mut doc = Doc::new(fonts, furniture);
    doc.title(
        "The practice over time",
        &format!(
            "{} to {} · {} sessions",
            tr.period.from.format("%B %Y"),
            tr.period.to.format("%B %Y"),
            format::count(tr.sessions)
        ),
    );
    super::notice::draw(&mut doc, tr.suppressed_below);
    // The two questions first: after how many visits it helps, and whether clients come back.
    course(&mut doc, tr, th.responder, pct);
    retention(&mut doc, tr);

    let labels: Vec<String> = tr
        .months
        .iter()
        .map(|m| m.period.from.format("%b %y").to_string())
        .collect();
    doc.heading("Sessions and new clients, month by month", 180.0);
    let most = tr
        .months
        .iter()
        .map(|m| m.sessions.value())
        .max()
        .unwrap_or(0);
    chart::lines(
        &mut doc,
        &labels,
        &[
            Line {
                name: "sessions".into(),
                colour: colour::PALETTE[0],
                values: tr
                    .months
                    .iter()
                    .map(|m| m.sessions.shown().map(|n| n as f64))
                    .collect(),
            },
            Line {
                name: "new clients".into(),
                colour: colour::PALETTE[1],
                values: tr
                    .months
                    .iter()
                    .map(|m| m.new_clients.shown().map(|n| n as f64))
                    .collect(),
            },
        ],
        (most as f64).max(1.0),
        "month (sessions, new clients)",
        "No sessions in these twelve months",
    );

    doc.heading(
        &format!("Sessions whose pain fell by {pct}% or more, month by month"),
        190.0,
    );
    let points: Vec<SharePoint> = tr
        .months
        .iter()
        .map(|m| SharePoint {
            value: m.responders.rate,
            interval: m.responders.ci95_low.zip(m.responders.ci95_high),
            n_label: format!("n={}", format::count(m.responders.eligible)),
            faint: m.low_sample.value(),
        })
        .collect();
    chart::share_line(
        &mut doc,
        &labels,
        &points,
        colour::PALETTE[2],
        "month (whiskers: 95% interval; n: sessions with pain before and at follow-up; pale: fewer than the low-sample threshold)",
        "No session with pain before and at follow-up in these months",
    );

    doc.heading("Median soreness after treatment, month by month", 180.0);
    let longest = tr
        .months
        .iter()
        .filter_map(|m| m.soreness_median)
        .fold(th.soreness_hours.min(24.0), f64::max);
    chart::lines(
        &mut doc,
        &labels,
        &[Line {
            name: "median soreness".into(),
            colour: colour::PALETTE[3],
            values: tr.months.iter().map(|m| m.soreness_median).collect(),
        }],
        longest,
        "month (hours of soreness reported)",
        "No feedback with soreness in these months",
    );

    months_table(&mut doc, tr, &dagger_note, pct);
    how_to_read(&mut doc, settings);
    doc.finish()
}

fn months_table(doc: &mut Doc<'_>, tr: &Trends, dagger_note: &str, pct: f64) {
    doc.heading("The twelve months in figures", 80.0);
    let rows: Vec<Vec<Cell>> = tr
        .months
        .iter()
        .map(|m| {
            vec![
                Cell::new(m.period.from.format("%b %Y").to_string()),
                Cell::new(format::count(m.sessions)),
                Cell::new(format::count(m.clients)),
                Cell::new(format::count(m.new_clients)),
                Cell::new(format::thousands(m.minutes)),
                Cell::new(format::money(m.revenue)),
                Cell::new(format::percent(m.feedback_response_rate)),
                Cell::new(format::hours(m.soreness_median)),
                Cell::new(format::one_decimal(m.pain_reduction_mean)),
                cells::responders(&m.responders, m.low_sample.value()),
            ]
        })
        .collect();
    table::draw(
        doc,
        &[
            Column::text("Month", 1.2),
            Column::number("Sessions", 1.0),
            Column::number("Clients", 1.0),
            Column::number("New clients", 1.0),
            Column::number("Minutes", 1.1),
            Column::number("Revenue", 1.2),
            Column::number("Feedback", 1.0),
            Column::number("Soreness median", 1.1),
            Column::number("Pain reduction", 1.0),
            Column::number(&format!("Pain fell ≥ {pct}% (95% CI)"), 1.9),
        ],
        &rows,
        Some(dagger_note),
    );
}

fn retention(doc: &mut Doc<'_>, tr: &Trends) {
    doc.heading("Do new clients come back?", 190.0);
    doc.paragraph(
        "Clients whose first visit ever was in the month, and how many of them came back within \
         30, 60 and 90 days of it. Where that many days have not passed yet, the figure is not yet known.",
        Look::BODY.grey().sized(8.5),
    );
    let labels: Vec<String> = tr
        .retention
        .iter()
        .map(|c| c.month.from.format("%b %y").to_string())
        .collect();
    let points: Vec<SharePoint> = tr
        .retention
        .iter()
        .map(|c| {
            let r = c.returned.first();
            SharePoint {
                value: r.and_then(|r| r.rate),
                interval: None,
                n_label: match r.and_then(|r| r.returned) {
                    Some(_) => format!("n={}", format::count(c.new_clients)),
                    None => "not yet".to_string(),
                },
                faint: false,
            }
        })
        .collect();
    chart::share_line(
        doc,
        &labels,
        &points,
        colour::PALETTE[4],
        "new clients back within 30 days, by month of the first visit (n: new clients)",
        "No new client whose 30 days have passed yet",
    );
    let rows: Vec<Vec<Cell>> = tr
        .retention
        .iter()
        .map(|c| {
            let mut row = vec![
                Cell::new(c.month.from.format("%b %Y").to_string()),
                Cell::new(format::count(c.new_clients)),
            ];
            row.extend(c.returned.iter().map(|r| match r.returned {
                None => Cell::new("not yet known").shaded(true),
                Some(n) if c.new_clients == 0 => Cell::new(format::count(n)),
                Some(n) => Cell::new(format!(
                    "{} ({})",
                    format::count(n),
                    format::percent(r.rate)
                )),
            }));
            row
        })
        .collect();
    let mut columns = vec![
        Column::text("First visit in", 1.3),
        Column::number("New clients", 1.0),
    ];
    if let Some(c) = tr.retention.first() {
        for r in &c.returned {
            columns.push(Column::number(&format!("Back within {} days", r.days), 1.4));
        }
    }
    doc.y += 4.0;
    table::draw(doc, &columns, &rows, None);
}

fn course(doc: &mut Doc<'_>, tr: &Trends, responder: f64, pct: f64) {
    doc.heading("How many visits until pain eases", 200.0);
    let labels: Vec<String> = tr
        .course
        .iter()
        .map(|s| format!("visit {}", s.visit))
        .collect();
    match km_sentence(&tr.course_km, responder) {
        Some(sentence) => doc.paragraph(&sentence, Look::BODY.bold()),
        None => doc.paragraph(
            "Too few clients have come back with pain scores to say.",
            Look::BODY,
        ),
    }
    doc.y += 3.0;
    // Of all clients who started: the estimate that does not drop those who stopped coming.
    let km: Vec<SharePoint> = tr
        .course_km
        .iter()
        .map(|s| SharePoint {
            value: s.improved,
            interval: s.ci95_low.zip(s.ci95_high),
            n_label: format!("{} at risk", format::count(s.at_risk)),
            faint: false,
        })
        .collect();
    doc.paragraph(
        "Improved by each visit, of all clients who started, counting those who stopped coming as still unimproved so far:",
        Look::BODY.sized(8.5),
    );
    chart::share_line(
        doc,
        &labels,
        &km,
        colour::PALETTE[0],
        &format!(
            "estimated share improved by {pct}% or more by then (whiskers: 95% interval; under each visit: clients at risk)"
        ),
        "No client has come back with a pain score yet",
    );
    let points: Vec<SharePoint> = tr
        .course
        .iter()
        .map(|s| SharePoint {
            value: s.rate,
            interval: s.ci95_low.zip(s.ci95_high),
            n_label: format!("n={}", format::count(s.clients)),
            faint: s.low_sample.value(),
        })
        .collect();
    doc.paragraph(
        "Improved at each visit, of the clients who came to that visit:",
        Look::BODY.sized(8.5),
    );
    chart::share_line(
        doc,
        &labels,
        &points,
        colour::GREY,
        &format!(
            "share of clients who arrived with pain at least {pct}% below their first visit's (whiskers: 95% interval; n: clients)"
        ),
        "No client has come back with a pain score yet",
    );
    let reads = tr
        .majority_improved_at
        .and_then(|k| tr.course.iter().find(|s| s.visit == k))
        .or_else(|| {
            tr.course
                .iter()
                .find(|s| s.visit == 3 && s.low_sample == Shown(false))
        })
        // Else the visit most clients reached with a score (the earliest of a tie).
        .or_else(|| {
            tr.course
                .iter()
                .filter(|s| s.clients.value() > 0)
                .min_by_key(|s| (std::cmp::Reverse(s.clients), s.visit))
        });
    if let Some(step) = reads {
        doc.paragraph(&course_sentence(step, responder), Look::BODY);
    }
    doc.y += 3.0;
    doc.paragraph(
        "Clients who stop coming leave the later visits of the second chart: those who stay may be those it helps, \
         so its later shares can look better than the course of treatment is for everyone. The first chart keeps them: \
         a client who stopped counts as not improved so far. \
         Only clients with pain at their first visit count, each at the visits where they gave a score.",
        Look::BODY.italic().grey(),
    );
}

fn how_to_read(doc: &mut Doc<'_>, settings: &Settings) {
    let t = &settings.thresholds;
    let pct = (t.responder * 100.0).round();
    doc.heading("How to read this report", 80.0);
    for item in [
        "Each month is counted as in the monthly report: sessions by their own date, new clients by their first visit ever.".to_string(),
        format!("Pain fell ≥ {pct}%: the share of sessions whose pain at follow-up was at least {pct}% below the pain before; whiskers and the grey range show its 95% interval."),
        "Median soreness: the middle answer of how long post-treatment soreness lasted.".to_string(),
        "Back within 30 / 60 / 90 days: of the month's new clients, those with another session within that many days of their first (a second session the same day does not count); \"not yet known\" until that many days have passed.".to_string(),
        format!("How many visits until pain eases, first chart: of all clients who started, the estimated share who had arrived with at least {pct}% less pain than at their first visit by visit 2, 3 … (a Kaplan–Meier estimate), a client who stopped coming counting as not improved so far; under each visit, how many clients were still at risk of improving then."),
        "Second chart: of only the clients who came to that visit with a pain score, the share who arrived improved; it flatters the practice, because the clients who stop coming are often those it helped least.".to_string(),
        format!("A figure marked † or drawn pale rests on fewer than {} answers and may change a lot: read it with care.", t.low_sample),
        format!("A dash ({MISSING}) is a figure that cannot be computed for that month."),
    ] {
        doc.bullet(&item, Look::BODY);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_course_in_one_sentence() {
        let step = CourseStep {
            visit: 3,
            clients: 120.into(),
            improved: 70.into(),
            rate: Some(0.5833),
            ci95_low: Some(0.51),
            ci95_high: Some(0.65),
            low_sample: false.into(),
        };
        assert_eq!(
            course_sentence(&step, 0.3),
            "Of clients who came back for a 3rd visit, 58% arrived with at least 30% less pain \
             than at their first (95% CI 51–65%)."
        );
    }
}
