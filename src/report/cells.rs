//! Table cells for figures of the outcome block that several reports show the same way: the
//! figure, its 95% interval in grey, and the low-sample mark.

use super::format;
use super::pdf::table::Cell;
use crate::metrics::outcomes::Outcomes;

/// The mean pain reduction with its t-interval.
pub fn pain_reduction(o: &Outcomes) -> Cell {
    let p = &o.pain_reduction;
    Cell::new(format::one_decimal(p.mean))
        .with_note(format::interval(
            p.ci95_low,
            p.ci95_high,
            format::one_decimal,
        ))
        .low_sample(o.low_sample)
}

/// The responder rate with its Wilson interval.
pub fn responder_rate(o: &Outcomes) -> Cell {
    let r = &o.responders;
    Cell::new(format::percent(r.rate))
        .with_note(format::interval(r.ci95_low, r.ci95_high, format::percent))
        .low_sample(o.low_sample)
}

/// The footnote every page with a † carries.
pub fn low_sample_note(threshold: u32) -> String {
    format!("† fewer than {threshold} sessions with the needed answers: read with care")
}
