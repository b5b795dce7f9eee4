//! clients-FROM_TO.csv: one row per chosen client over that client's history (SPEC
//! "clients CSV"), full precision, empty cells for missing figures.

use std::io::Write;
use std::path::Path;

use crate::error::Result;
use crate::metrics::clients::ClientSummary;

pub const HEADER: [&str; 12] = [
    "client_id",
    "client_name",
    "sessions",
    "sessions_in_period",
    "first_date",
    "last_date",
    "first_pain_before",
    "last_pain_before",
    "pain_change",
    "mean_soreness_hours",
    "responders",
    "responder_eligible",
];

fn num(v: Option<f64>) -> String {
    v.map_or_else(String::new, |v| format!("{v}"))
}

pub fn write_rows(w: &mut dyn Write, clients: &[ClientSummary]) -> std::io::Result<()> {
    let mut out = csv::Writer::from_writer(w);
    out.write_record(HEADER)?;
    for c in clients {
        out.write_record([
            c.client_id.clone(),
            c.client_name.clone().unwrap_or_default(),
            c.sessions.to_string(),
            c.sessions_in_period.to_string(),
            c.first_date.to_string(),
            c.last_date.to_string(),
            num(c.first_pain_before),
            num(c.last_pain_before),
            num(c.pain_change),
            num(c.mean_soreness_hours),
            c.responders.to_string(),
            c.responder_eligible.to_string(),
        ])?;
    }
    out.flush()
}

/// Written owner-only: it names clients.
pub fn write(path: &Path, clients: &[ClientSummary]) -> Result<()> {
    let mut buf = Vec::new();
    write_rows(&mut buf, clients).map_err(|e| crate::error::Error::Write {
        path: path.to_path_buf(),
        source: e,
    })?;
    super::write_private(path, &buf)
}
