//! Table cells for figures of the outcome block that several reports show the same way: the
//! figure, its 95% interval in grey, and the low-sample mark.

use super::format::{self, MISSING};
use super::pdf::chart::Bar;
use super::pdf::colour::Rgb;
use super::pdf::table::Cell;
use crate::metrics::cell::Count;
use crate::metrics::outcomes::{Outcomes, Responders};
use crate::metrics::techniques::{Adjusted, RateCell};

/// The mean pain reduction with its t-interval.
pub fn pain_reduction(o: &Outcomes) -> Cell {
    let p = &o.pain_reduction;
    let cell = Cell::new(format::one_decimal(p.mean)).with_note(format::interval(
        p.ci95_low,
        p.ci95_high,
        format::one_decimal,
    ));
    low_sample(cell, o.low_sample.value())
}

/// The responder rate with its Wilson interval.
pub fn responder_rate(o: &Outcomes) -> Cell {
    responders(&o.responders, o.low_sample.value())
}

/// A responder block's rate with its Wilson interval, marked when `low`.
pub fn responders(r: &Responders, low: bool) -> Cell {
    let cell = Cell::new(format::percent(r.rate)).with_note(format::interval(
        r.ci95_low,
        r.ci95_high,
        format::percent,
    ));
    low_sample(cell, low)
}

/// A figure resting on too few answers: a dagger after it, grey italic, and the table's
/// footnote on its page. A missing figure stays a plain dash.
pub fn low_sample(mut cell: Cell, low: bool) -> Cell {
    if !low || cell.text == MISSING {
        return cell;
    }
    cell.text.push('†');
    cell.flagged()
}

/// The footnote every page with a † carries.
pub fn low_sample_note(threshold: u32) -> String {
    format!("† fewer than {threshold} sessions with the needed answers: read with care")
}

/// A bar of the responder rate ("54% of 97", with † when the sample is low, paler), with its
/// Wilson interval as the whisker; None without a rate.
pub fn responder_bar(label: String, o: &Outcomes, colour: Rgb) -> Option<Bar> {
    let r = &o.responders;
    let rate = r.rate?;
    Some(Bar {
        label,
        value: rate,
        colour,
        value_label: format!(
            "{} of {}{}",
            format::percent(Some(rate)),
            format::count(r.eligible),
            if o.low_sample.value() { " †" } else { "" }
        ),
        interval: r.ci95_low.zip(r.ci95_high),
        faint: o.low_sample.value(),
    })
}

/// A band's or a matrix cell's rate with how many sessions it rests on ("63% (n=51)"), grey
/// when the sample is low; a dash without a session. In a shareable copy a hidden count shows
/// as "<11" and a hidden rate as a dash beside its n.
pub fn band(b: &RateCell) -> Cell {
    let text = match (b.rate, b.eligible) {
        (Some(rate), n) => format!("{} (n={})", format::percent(Some(rate)), n.value()),
        (None, n @ Count::Hidden { .. }) => format::count(n),
        (None, Count::Shown(n)) if n > 0 => format!("{MISSING} (n={n})"),
        (None, _) => MISSING.to_string(),
    };
    Cell::new(text).shaded(b.low_sample.value())
}

/// A group's responder rate as two bars, crude (grey, paler for a low sample) and adjusted
/// for starting pain (`adjusted_word`: "standardized", "adjusted"), each with its interval.
pub fn crude_and_adjusted(name: &str, o: &Outcomes, a: &Adjusted, adjusted_word: &str) -> Vec<Bar> {
    let r = &o.responders;
    let mut bars = Vec::new();
    if let Some(rate) = r.rate {
        bars.push(Bar {
            label: format!("{name} · crude"),
            value: rate,
            colour: super::pdf::colour::GREY,
            value_label: format::percent(Some(rate)),
            interval: r.ci95_low.zip(r.ci95_high),
            faint: o.low_sample.value(),
        });
    }
    if let Some(rate) = a.standardized_rate {
        bars.push(Bar {
            label: format!("{name} · {adjusted_word}"),
            value: rate,
            colour: super::pdf::colour::PALETTE[0],
            value_label: format::percent(Some(rate)),
            interval: a.ci95_low.zip(a.ci95_high),
            faint: false,
        });
    }
    bars
}

/// The practice's row of a "who came in with how much pain" chart: its band weights; without
/// them, nothing to split in a full report (no eligible session) and hidden in a shareable
/// copy (a band's count is small).
pub fn practice_mix(weights: Option<[f64; 3]>, suppressed_below: Option<u64>) -> Option<Vec<f64>> {
    match (weights, suppressed_below) {
        (Some(w), _) => Some(w.to_vec()),
        (None, None) => Some(Vec::new()),
        (None, Some(_)) => None,
    }
}

/// A shareable copy's mark for a column chart's hidden count (`<11`) and what it means.
pub fn hidden_mark(suppressed_below: Option<u64>) -> Option<(String, String)> {
    suppressed_below.map(|below| {
        (
            format::count(Count::Hidden { below }),
            format!("from 1 to {} sessions, hidden", below - 1),
        )
    })
}
