//! techniques-FROM_TO.csv: one row per technique, the outcome block flattened, at full
//! precision (empty cell for a missing figure, `true`/`false` for low_sample).

use std::io::Write;
use std::path::Path;

use crate::error::Result;
use crate::metrics::techniques::Techniques;

pub const HEADER: [&str; 23] = [
    "technique",
    "sessions",
    "clients",
    "feedback_responses",
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

/// Shortest text that reads back as the same f64; empty for a missing figure.
fn num(v: Option<f64>) -> String {
    v.map_or_else(String::new, |v| format!("{v}"))
}

pub fn write_rows(w: &mut dyn Write, t: &Techniques) -> std::io::Result<()> {
    let mut out = csv::Writer::from_writer(w);
    out.write_record(HEADER)?;
    for row in &t.techniques {
        let g = &row.group;
        let o = &g.outcomes;
        out.write_record([
            g.name.clone(),
            g.sessions.to_string(),
            g.clients.to_string(),
            g.feedback_responses.to_string(),
            o.soreness.n.to_string(),
            num(o.soreness.mean),
            num(o.soreness.median),
            num(o.soreness.p90),
            num(o.soreness.over_48h_share),
            o.pain_reduction.n.to_string(),
            num(o.pain_reduction.mean),
            num(o.pain_reduction.ci95_low),
            num(o.pain_reduction.ci95_high),
            o.responders.eligible.to_string(),
            o.responders.responders.to_string(),
            num(o.responders.rate),
            num(o.responders.ci95_low),
            num(o.responders.ci95_high),
            o.immediate_change.n.to_string(),
            num(o.immediate_change.mean),
            num(o.satisfaction_mean),
            num(o.mobility_improved_share),
            o.low_sample.to_string(),
        ])?;
    }
    out.flush()
}

pub fn write(path: &Path, t: &Techniques) -> Result<()> {
    super::write_atomic(path, |w| write_rows(w, t))
}
