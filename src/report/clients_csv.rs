//! clients-FROM_TO.csv: one row per chosen client over that client's history (SPEC
//! "clients CSV"), full precision, empty cells for missing figures.

use std::io::Write;
use std::path::Path;

use super::csv_out::{self, Access, Field};
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

fn fields(c: &ClientSummary) -> [Field<'_>; 12] {
    [
        Field::Text(&c.client_id),
        Field::Text(c.client_name.as_deref().unwrap_or_default()),
        Field::Count(c.sessions),
        Field::Count(c.sessions_in_period),
        Field::Date(c.first_date),
        Field::Date(c.last_date),
        Field::Num(c.first_pain_before),
        Field::Num(c.last_pain_before),
        Field::Num(c.pain_change),
        Field::Num(c.mean_soreness_hours),
        Field::Count(c.responders),
        Field::Count(c.responder_eligible),
    ]
}

pub fn write_rows(w: &mut dyn Write, clients: &[ClientSummary]) -> std::io::Result<()> {
    csv_out::write_to(w, &HEADER, |out| {
        clients.iter().try_for_each(|c| out.row(&fields(c)))
    })
}

/// Written owner-only: it names clients.
pub fn write(path: &Path, clients: &[ClientSummary]) -> Result<()> {
    csv_out::write(path, Access::Private, &HEADER, |out| {
        clients.iter().try_for_each(|c| out.row(&fields(c)))
    })
}
