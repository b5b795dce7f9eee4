//! The technique comparison as a PDF: which techniques work best, with honest statistics —
//! intervals, the clinically important change, small samples flagged, baseline pain beside
//! the results, and a plain caution that techniques were not assigned at random.

use crate::config::Settings;
use crate::metrics::techniques::{Difference, TechniqueRow, Techniques};

use super::cells;
use super::format;
use super::labels::Names;
use super::pdf::chart::{self, Axis, Bar, MixRow, Reference};
use super::pdf::table::{self, Cell, Column};
use super::pdf::{colour, Doc, Fonts, Furniture, Look};

/// How many regions the matrix shows at most (the most treated); the rest are named below it.
const MATRIX_REGIONS: usize = 6;

/// The PDF's bytes.
pub fn pdf(t: &Techniques, settings: &Settings, fonts: &Fonts, furniture: Furniture) -> Vec<u8> {
    let names = Names::new(settings);
    let th = &settings.thresholds;
    let low = th.low_sample;
    let pct = (th.responder * 100.0).round();
    let hours = th.soreness_hours;
    let dagger_note = cells::low_sample_note(low);
    let mut doc = Doc::new(fonts, furniture);
    doc.title(
        "Technique comparison",
        &format!(
            "{} to {} · {} sessions",
            t.period.from,
            t.period.to,
            format::count(t.sessions)
        ),
    );
    super::notice::draw(&mut doc, t.suppressed_below);
    doc.paragraph(
        "Techniques were not assigned at random: therapists chose them for the clients in front of them. \
         Clients who differ in how much pain they came with, where, and for how long, can explain differences \
         in results as much as the techniques can. Read the differences below as leads to discuss, not as proof.",
        Look::BODY.italic(),
    );
    doc.y += 4.0;

    let colour_of = |i: usize| colour::PALETTE[i % colour::PALETTE.len()];

    doc.heading("Summary", 60.0);
    let fell = format!("Pain fell ≥ {pct}% (95% CI)");
    let rows: Vec<Vec<Cell>> = t
        .techniques
        .iter()
        .map(|row| {
            let g = &row.group;
            let o = &g.outcomes;
            vec![
                Cell::new(names.technique(&g.name)),
                Cell::new(format::count(g.sessions)),
                Cell::new(format::count(g.clients)),
                Cell::new(format::one_decimal(row.baseline_pain)),
                Cell::new(format::hours(o.soreness.median)),
                cells::pain_reduction(o),
                cells::responder_rate(o),
                Cell::new(format::one_decimal(o.satisfaction_mean)),
            ]
        })
        .collect();
    if rows.is_empty() {
        chart::empty(&mut doc, "No sessions in this period", 40.0);
    } else {
        table::draw(
            &mut doc,
            &[
                Column::wrapping("Technique", 2.4),
                Column::number("Sessions", 1.0),
                Column::number("Clients", 1.0),
                Column::number("Pain before (0–10)", 1.1),
                Column::number("Soreness median", 1.1),
                Column::number("Pain reduction (95% CI)", 1.9),
                Column::number(&fell, 1.9),
                Column::number("Satisfaction (1–5)", 1.1),
            ],
            &rows,
            Some(&dagger_note),
        );
    }

    doc.heading(&format!("Sessions whose pain fell by {pct}% or more"), 80.0);
    let bars: Vec<Bar> = t
        .techniques
        .iter()
        .enumerate()
        .filter_map(|(i, row)| {
            cells::responder_bar(
                names.technique(&row.group.name),
                &row.group.outcomes,
                colour_of(i),
            )
        })
        .collect();
    let practice = t.overall.responders.rate.map(|rate| Reference {
        value: rate,
        label: format!("practice {}", format::percent(Some(rate))),
    });
    if bars.iter().any(|b| b.faint) {
        doc.footnote(&dagger_note);
    }
    chart::hbars(
        &mut doc,
        &bars,
        &Axis::shares("share of sessions with a follow-up pain score (whiskers: 95% interval)"),
        practice.as_ref(),
        "No session with pain before and at follow-up in this period",
    );

    doc.heading("Soreness after treatment", 80.0);
    let bars: Vec<Bar> = t
        .techniques
        .iter()
        .enumerate()
        .filter_map(|(i, row)| {
            let s = &row.group.outcomes.soreness;
            let median = s.median?;
            Some(Bar {
                label: names.technique(&row.group.name),
                value: median,
                colour: colour_of(i),
                value_label: format!(
                    "{} · p90 {}",
                    format::hours(Some(median)),
                    format::hours(s.p90)
                ),
                interval: s.p90.map(|p| (median, p)),
                faint: false,
            })
        })
        .collect();
    chart::hbars(
        &mut doc,
        &bars,
        &Axis {
            title: "hours: bar to the median, line on to the p90".into(),
            unit: String::new(),
            scale: 1.0,
            min_max: hours,
        },
        Some(&Reference {
            value: hours,
            label: format!("{} h", format::thousands(hours.round() as i64)),
        }),
        "No feedback with soreness in this period",
    );

    doc.heading("Mean pain reduction", 80.0);
    let bars: Vec<Bar> = t
        .techniques
        .iter()
        .enumerate()
        .filter_map(|(i, row)| {
            let p = &row.group.outcomes.pain_reduction;
            let mean = p.mean?;
            Some(Bar {
                label: names.technique(&row.group.name),
                value: mean,
                colour: colour_of(i),
                value_label: format!(
                    "{}{}",
                    format::one_decimal(Some(mean)),
                    if row.group.outcomes.low_sample.value() {
                        " †"
                    } else {
                        ""
                    }
                ),
                interval: p.ci95_low.zip(p.ci95_high),
                faint: row.group.outcomes.low_sample.value(),
            })
        })
        .collect();
    chart::hbars(
        &mut doc,
        &bars,
        &Axis {
            title: "points on the 0–10 pain scale, before minus follow-up (whiskers: 95% interval)"
                .into(),
            unit: String::new(),
            scale: 1.0,
            min_max: 1.0,
        },
        None,
        "No session with pain before and at follow-up in this period",
    );

    matrix(&mut doc, t, &names, low, pct);
    adjusted(&mut doc, t, &names, low, pct);
    against_the_others(&mut doc, t, &names, pct);
    how_to_read(&mut doc, settings);
    doc.finish()
}

fn matrix(doc: &mut Doc<'_>, t: &Techniques, names: &Names, low: u32, pct: f64) {
    doc.heading(
        &format!("Pain fell ≥ {pct}% by technique and body region"),
        80.0,
    );
    if !t.has_regions {
        doc.paragraph(
            "Body regions not recorded: the export has no column for them.",
            Look::BODY,
        );
        return;
    }
    if t.regions.is_empty() {
        chart::empty(doc, "No sessions in this period", 40.0);
        return;
    }
    let shown = t.regions.len().min(MATRIX_REGIONS);
    let mut columns = vec![Column::wrapping("Technique", 2.0)];
    columns.extend(
        t.regions[..shown]
            .iter()
            .map(|r| Column::number(&names.region(r), 1.3)),
    );
    let rows: Vec<Vec<Cell>> = t
        .techniques
        .iter()
        .zip(&t.matrix)
        .map(|(row, cells)| {
            let mut r = vec![Cell::new(names.technique(&row.group.name))];
            r.extend(cells[..shown].iter().map(cells::band));
            r
        })
        .collect();
    table::draw(doc, &columns, &rows, None);
    let mut note = format!(
        "Each cell: the share of sessions whose pain fell by {pct}% or more, and n, the sessions with the \
         needed answers; a session that treated several regions counts in each. Grey cells have fewer than \
         {low} such sessions."
    );
    if t.regions.len() > shown {
        let rest: Vec<String> = t.regions[shown..].iter().map(|r| names.region(r)).collect();
        note.push_str(&format!(
            " Not shown (fewer sessions): {}.",
            rest.join(", ")
        ));
    }
    doc.paragraph(&note, Look::BODY.grey().sized(8.5));
}

/// The bands as the report names them, with their colours (the same in every chart).
pub(super) const BAND_NAMES: [(&str, colour::Rgb); 3] = [
    ("mild (below 4)", colour::PALETTE[4]),
    ("moderate (4 to 6.9)", colour::PALETTE[1]),
    ("severe (7 and above)", colour::PALETTE[3]),
];

/// "Deep stroking: 3rd by its crude rate (50%), 2nd after adjusting for starting pain (71%)."
pub fn ranking_sentence(name: &str, row: &TechniqueRow) -> Option<String> {
    let a = &row.adjusted;
    let (crude, adjusted) = (a.crude_rank?, a.standardized_rank?);
    if crude == adjusted {
        return None;
    }
    Some(format!(
        "{name}: {} by its crude rate ({}), {} after adjusting for starting pain ({}).",
        format::ordinal(crude as u64),
        format::percent(row.group.outcomes.responders.rate),
        format::ordinal(adjusted as u64),
        format::percent(a.standardized_rate)
    ))
}

fn adjusted(doc: &mut Doc<'_>, t: &Techniques, names: &Names, low: u32, pct: f64) {
    doc.heading("Adjusted for starting pain", 120.0);
    doc.paragraph(
        &format!(
            "Clients in more pain respond differently. Each session with both scores falls in a band of its pain \
             before treatment; below, each technique's share of sessions whose pain fell by {pct}% or more within \
             each band, and its rate standardized to the practice's own mix of bands, so that every technique is \
             compared on the same mix of cases."
        ),
        Look::BODY.grey().sized(8.5),
    );
    doc.y += 2.0;
    let band_cell = cells::band;
    let mut rows: Vec<Vec<Cell>> = t
        .techniques
        .iter()
        .map(|row| {
            let a = &row.adjusted;
            let mut r = vec![Cell::new(names.technique(&row.group.name))];
            r.extend(a.bands.iter().map(band_cell));
            r.push(cells::responder_rate(&row.group.outcomes));
            r.push(
                Cell::new(format::percent(a.standardized_rate)).with_note(format::interval(
                    a.ci95_low,
                    a.ci95_high,
                    format::percent,
                )),
            );
            r
        })
        .collect();
    let mut practice = vec![Cell::new("All techniques").bold()];
    practice.extend(t.practice_bands.iter().map(|b| band_cell(b).bold()));
    practice.push(cells::responder_rate(&t.overall).bold());
    practice.push(Cell::new(""));
    rows.push(practice);
    let mut columns = vec![Column::wrapping("Technique", 2.0)];
    columns.extend(
        BAND_NAMES
            .iter()
            .map(|(name, _)| Column::number(&format!("Pain {name}"), 1.3)),
    );
    columns.push(Column::number("Crude (95% CI)", 1.5));
    columns.push(Column::number("Standardized (95% CI)", 1.6));
    table::draw(doc, &columns, &rows, Some(&cells::low_sample_note(low)));
    doc.paragraph(
        &format!(
            "Grey band cells have fewer than {low} sessions with both scores. A dash in Standardized: the technique \
             has no such session in a band the practice has, so it cannot be put on the practice's mix{}.",
            if t.suppressed_below.is_some() {
                "; or, in this copy, one of its bands is hidden"
            } else {
                ""
            }
        ),
        Look::BODY.grey().sized(8.5),
    );

    doc.heading("Who got the severe cases", 90.0);
    let mut mix_rows: Vec<MixRow> = t
        .techniques
        .iter()
        .map(|row| MixRow {
            label: names.technique(&row.group.name),
            shares: row.adjusted.mix.clone(),
            bold: false,
        })
        .collect();
    mix_rows.push(MixRow {
        label: "The practice".into(),
        shares: cells::practice_mix(t.band_weights, t.suppressed_below),
        bold: true,
    });
    chart::mix(
        doc,
        &mix_rows,
        &BAND_NAMES,
        "no session with both scores",
        "No session with pain before and at follow-up in this period",
    );

    let bars: Vec<Bar> = t
        .techniques
        .iter()
        .flat_map(|row| {
            cells::crude_and_adjusted(
                &names.technique(&row.group.name),
                &row.group.outcomes,
                &row.adjusted,
                "standardized",
            )
        })
        .collect();
    // The heading stays with the whole chart.
    doc.heading(
        "Crude and standardized, side by side",
        (bars.len() as f32 * 16.0 + 40.0).min(400.0),
    );
    chart::hbars(
        doc,
        &bars,
        &Axis::shares(&format!(
            "share of sessions whose pain fell by {pct}% or more (whiskers: 95% interval)"
        )),
        None,
        "No session with pain before and at follow-up in this period",
    );
    let sentences: Vec<String> = t
        .techniques
        .iter()
        .filter_map(|row| ranking_sentence(&names.technique(&row.group.name), row))
        .collect();
    if sentences.is_empty() {
        doc.paragraph(
            "The ranking of the techniques is the same before and after adjusting for starting pain.",
            Look::BODY,
        );
    }
    for s in sentences {
        doc.bullet(&s, Look::BODY);
    }
}

/// "Dry needling: 12 points more responders than the other techniques, 95% CI 4 to 20."
pub fn difference_sentence(name: &str, d: &Difference, low_sample: bool) -> String {
    let points = |v: f64| (v * 100.0).round() as i64;
    let (diff, lo, hi) = (
        points(d.difference),
        points(d.ci95_low),
        points(d.ci95_high),
    );
    let signed = |v: i64| {
        if v < 0 {
            format!("−{}", -v)
        } else {
            v.to_string()
        }
    };
    let head = match diff {
        0 => format!("{name}: about as many responders as the other techniques"),
        d if d > 0 => format!("{name}: {d} points more responders than the other techniques"),
        d => format!(
            "{name}: {} points fewer responders than the other techniques",
            -d
        ),
    };
    let mut s = format!("{head}, 95% CI {} to {}", signed(lo), signed(hi));
    if d.includes_no_difference() {
        s.push_str(" (the interval includes no difference)");
    }
    if low_sample {
        s.push_str(" †");
    }
    s.push('.');
    s
}

fn against_the_others(doc: &mut Doc<'_>, t: &Techniques, names: &Names, pct: f64) {
    doc.heading("Each technique against all the others", 60.0);
    doc.paragraph(
        &format!(
            "The difference in the share of sessions whose pain fell by {pct}% or more, in percentage points, \
             with its 95% interval (Newcombe's method)."
        ),
        Look::BODY.grey().sized(8.5),
    );
    doc.y += 2.0;
    let mut any = false;
    for row in &t.techniques {
        let Some(d) = &row.vs_others else { continue };
        any = true;
        let s = difference_sentence(
            &names.technique(&row.group.name),
            d,
            row.group.outcomes.low_sample.value(),
        );
        let look = if row.group.outcomes.low_sample.value() {
            Look::BODY.grey().italic()
        } else {
            Look::BODY
        };
        doc.bullet(&s, look);
    }
    if !any {
        doc.paragraph(
            "Too few sessions with pain scores before and at follow-up to compare.",
            Look::BODY.grey(),
        );
    }
}

fn how_to_read(doc: &mut Doc<'_>, settings: &Settings) {
    let t = &settings.thresholds;
    let pct = (t.responder * 100.0).round();
    doc.heading("How to read this report", 80.0);
    for item in [
        "Pain before: the mean pain clients reported before their sessions (0–10); techniques used for people in more pain can look better or worse for that alone.".to_string(),
        format!("Pain fell ≥ {pct}%: the share of sessions whose pain at follow-up was at least {pct}% below the pain before, a change clients notice; only sessions with both scores count."),
        "95% intervals (in grey, or whiskers on the charts): the range the true figure most likely lies in; wide ranges mean few answers.".to_string(),
        "The dashed line on the responder chart is the practice-wide share; on the soreness chart, the threshold beyond which soreness counts as long.".to_string(),
        "Soreness: the bar reaches the median answer, the thin line on to the p90 (nine in ten answers were below it).".to_string(),
        format!("A figure marked †, and a grey matrix cell, rests on fewer than {} sessions with the needed answers: read it with care.", t.low_sample),
        "Against all the others: a technique's responder share minus that of every other technique together; an interval that includes 0 means the data cannot tell them apart.".to_string(),
        "Standardized: a technique's responder shares within the mild, moderate and severe bands of pain before treatment, weighted by the practice's own mix of those bands, so every technique is compared on the same mix of cases; a ranking that changes after it was driven by who got which technique.".to_string(),
    ] {
        doc.bullet(&item, Look::BODY);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn differences_in_words() {
        let d = Difference::new(0.12, 0.04, 0.20);
        assert_eq!(
            difference_sentence("Dry needling", &d, false),
            "Dry needling: 12 points more responders than the other techniques, 95% CI 4 to 20."
        );
        let d = Difference::new(-0.081, -0.2, 0.05);
        assert_eq!(
            difference_sentence("Passive stretching", &d, true),
            "Passive stretching: 8 points fewer responders than the other techniques, 95% CI −20 to 5 \
             (the interval includes no difference) †."
        );
    }
}
