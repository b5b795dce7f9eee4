//! techniques-FROM_TO.csv: one row per technique, the outcome block flattened, then the
//! responders by starting-pain band and the standardized rate, at full precision (empty cell
//! for a missing figure, `true`/`false` for low_sample).

use super::csv_out::{self, Field};
use super::writer::{Access, Output};
use crate::metrics::outcomes::Outcomes;
use crate::metrics::techniques::{Adjusted, TechniqueRow, Techniques};

pub const HEADER: [&str; 32] = [
    "technique",
    "sessions",
    "clients",
    "feedback_responses",
    OUTCOME_HEADER[0],
    OUTCOME_HEADER[1],
    OUTCOME_HEADER[2],
    OUTCOME_HEADER[3],
    OUTCOME_HEADER[4],
    OUTCOME_HEADER[5],
    OUTCOME_HEADER[6],
    OUTCOME_HEADER[7],
    OUTCOME_HEADER[8],
    OUTCOME_HEADER[9],
    OUTCOME_HEADER[10],
    OUTCOME_HEADER[11],
    OUTCOME_HEADER[12],
    OUTCOME_HEADER[13],
    OUTCOME_HEADER[14],
    OUTCOME_HEADER[15],
    OUTCOME_HEADER[16],
    OUTCOME_HEADER[17],
    OUTCOME_HEADER[18],
    BAND_HEADER[0],
    BAND_HEADER[1],
    BAND_HEADER[2],
    BAND_HEADER[3],
    BAND_HEADER[4],
    BAND_HEADER[5],
    BAND_HEADER[6],
    BAND_HEADER[7],
    BAND_HEADER[8],
];

/// The outcome block flattened (SPEC "Outputs"), as the technique and therapist CSVs write it.
pub const OUTCOME_HEADER: [&str; 19] = [
    "soreness_n",
    "soreness_mean",
    "soreness_median",
    "soreness_p90",
    "soreness_over_48h_share",
    "pain_reduction_n",
    "pain_reduction_mean",
    "pain_reduction_ci95_low",
    "pain_reduction_ci95_high",
    "responders_eligible",
    "responders",
    "responder_rate",
    "responder_ci95_low",
    "responder_ci95_high",
    "immediate_change_n",
    "immediate_change_mean",
    "satisfaction_mean",
    "mobility_improved_share",
    "low_sample",
];

/// The responders by starting-pain band and the standardized rate (SPEC "Technique
/// comparison adjusted for starting pain").
pub const BAND_HEADER: [&str; 9] = [
    "mild_eligible",
    "mild_responders",
    "moderate_eligible",
    "moderate_responders",
    "severe_eligible",
    "severe_responders",
    "standardized_rate",
    "standardized_ci95_low",
    "standardized_ci95_high",
];

fn fields(row: &TechniqueRow) -> Vec<Field<'_>> {
    let g = &row.group;
    let mut fields = vec![
        Field::Text(&g.name),
        Field::Count(g.sessions),
        Field::Count(g.clients),
        Field::Count(g.feedback_responses),
    ];
    fields.extend(outcome_fields(&g.outcomes));
    fields.extend(band_fields(&row.adjusted));
    fields
}

/// The fields of [`OUTCOME_HEADER`].
pub fn outcome_fields(o: &Outcomes) -> Vec<Field<'static>> {
    vec![
        Field::Count(o.soreness.n),
        Field::Num(o.soreness.mean),
        Field::Num(o.soreness.median),
        Field::Num(o.soreness.p90),
        Field::Num(o.soreness.over_48h_share),
        Field::Count(o.pain_reduction.n),
        Field::Num(o.pain_reduction.mean),
        Field::Num(o.pain_reduction.ci95_low),
        Field::Num(o.pain_reduction.ci95_high),
        Field::Count(o.responders.eligible),
        Field::Count(o.responders.responders),
        Field::Num(o.responders.rate),
        Field::Num(o.responders.ci95_low),
        Field::Num(o.responders.ci95_high),
        Field::Count(o.immediate_change.n),
        Field::Num(o.immediate_change.mean),
        Field::Num(o.satisfaction_mean),
        Field::Num(o.mobility_improved_share),
        Field::Bool(o.low_sample),
    ]
}

/// The fields of [`BAND_HEADER`].
pub fn band_fields(a: &Adjusted) -> Vec<Field<'static>> {
    let mut fields = Vec::with_capacity(BAND_HEADER.len());
    for b in &a.bands {
        fields.push(Field::Count(b.eligible));
        fields.push(Field::Count(b.responders));
    }
    fields.extend([
        Field::Num(a.standardized_rate),
        Field::Num(a.ci95_low),
        Field::Num(a.ci95_high),
    ]);
    fields
}

/// Aggregate figures, no names: shared like the PDF.
pub fn output(path: impl Into<std::path::PathBuf>, t: &Techniques) -> Output {
    let bytes = csv_out::bytes(&HEADER, |out| {
        t.techniques.iter().try_for_each(|r| out.row(&fields(r)))
    });
    Output::new(path, bytes, Access::Shared)
}
