//! therapists-FROM_TO.csv: one row per therapist with a session in the period (SPEC "Staff
//! reviews"): volume, not-attended bookings, the outcome block flattened as in the techniques
//! CSV, the starting-pain bands and standardized rate, then new clients, visits in 90 days
//! and rebookings within 30 days. No client is named.

use super::csv_out::{self, Field};
use super::techniques_csv::{band_fields, outcome_fields, BAND_HEADER, OUTCOME_HEADER};
use super::writer::{Access, Output};
use crate::metrics::cell::Count;
use crate::metrics::therapists::{TherapistRow, Therapists};

/// The columns, in the SPEC's order.
pub fn header() -> Vec<&'static str> {
    let mut h = vec![
        "therapist",
        "sessions",
        "clients",
        "minutes",
        "revenue",
        "not_attended",
        "feedback_responses",
    ];
    h.extend(OUTCOME_HEADER);
    h.extend(BAND_HEADER);
    h.extend(["new_clients", "visits_90", "rebooked_30"]);
    h
}

fn fields(row: &TherapistRow) -> Vec<Field<'_>> {
    let g = &row.group;
    let mut fields = vec![
        Field::Text(&g.name),
        Field::Count(g.sessions),
        Field::Count(g.clients),
        Field::Count(g.minutes.map(|m| m.max(0) as u64)),
        Field::Num(g.revenue),
        Field::Num(row.not_attended.and_then(Count::shown).map(|n| n as f64)),
        Field::Count(g.feedback_responses),
    ];
    fields.extend(outcome_fields(&g.outcomes));
    fields.extend(band_fields(&row.adjusted));
    let r = &row.retention;
    fields.extend([
        Field::Count(r.new_clients),
        Field::Num(r.visits_90),
        Field::Num(r.rebooked_30),
    ]);
    fields
}

/// Aggregate figures of staff, no client names: shared like the PDFs.
pub fn output(path: impl Into<std::path::PathBuf>, t: &Therapists) -> Output {
    let bytes = csv_out::bytes(&header(), |out| {
        t.therapists.iter().try_for_each(|r| out.row(&fields(r)))
    });
    Output::new(path, bytes, Access::Shared)
}
