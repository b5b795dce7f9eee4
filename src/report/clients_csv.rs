//! clients-FROM_TO.csv: one row per chosen client over that client's history (SPEC
//! "clients CSV"), full precision, empty cells for missing figures.

use super::csv_out::{self, Field};
use super::writer::{Access, Output};
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
        Field::Count(c.sessions.into()),
        Field::Count(c.sessions_in_period.into()),
        Field::Date(c.first_date),
        Field::Date(c.last_date),
        Field::Num(c.first_pain_before),
        Field::Num(c.last_pain_before),
        Field::Num(c.pain_change),
        Field::Num(c.mean_soreness_hours),
        Field::Count(c.responders.into()),
        Field::Count(c.responder_eligible.into()),
    ]
}

/// Owner-only: it names clients.
pub fn output(path: impl Into<std::path::PathBuf>, clients: &[ClientSummary]) -> Output {
    let bytes = csv_out::bytes(&HEADER, |out| {
        clients.iter().try_for_each(|c| out.row(&fields(c)))
    });
    Output::new(path, bytes, Access::Private)
}
