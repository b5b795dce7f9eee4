//! Locations of a chain (SPEC "Locations (chains)"): the sites in the sessions file, the
//! figures by site, and one site's rows alone for `--location`.

use polars::prelude::*;

use super::cell::Count;
use super::err;
use super::groups::{groups, Group};
use super::value_str;
use crate::config::Thresholds;
use crate::error::Result;
use crate::ingest::columns::session as scol;
use crate::ingest::Ingested;

/// One site's figures; `location` None is the sessions without a location.
#[derive(Debug, Clone, PartialEq)]
pub struct LocationGroup {
    pub location: Option<String>,
    pub group: Group,
    /// Its clients in the period whose first session ever is in the period.
    pub new_clients: Count,
}

/// The locations of the accepted sessions, as written (trimmed), with their sessions; most
/// sessions first, then by name.
pub fn locations(ingested: &Ingested) -> Result<Vec<(String, u64)>> {
    let df = ingested
        .sessions
        .clone()
        .lazy()
        .filter(scol::LOCATION.col().is_not_null())
        .group_by([scol::LOCATION.col()])
        .agg([len().alias("sessions")])
        .collect()
        .map_err(err("the locations"))?;
    let mut out: Vec<(String, u64)> = (0..df.height())
        .filter_map(|r| {
            Some((
                value_str(&df, scol::LOCATION.name, r)?,
                super::count(&df, "sessions", r),
            ))
        })
        .collect();
    out.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
    Ok(out)
}

/// Figures by location of one period's visits (the no-location group last), or None when
/// the sessions file has no location column.
pub fn by_location(
    ingested: &Ingested,
    visits: &DataFrame,
    period: super::Period,
    t: &Thresholds,
) -> Result<Option<Vec<LocationGroup>>> {
    if !ingested.has_location {
        return Ok(None);
    }
    // Sessions without a location form one group: a name no site can have (names are
    // trimmed, so never empty) stands for it in the grouping.
    let keyed = visits
        .clone()
        .lazy()
        .with_column(scol::LOCATION.col().fill_null(lit("")))
        .collect()
        .map_err(err("sessions by location"))?;
    let new = keyed
        .clone()
        .lazy()
        .group_by([scol::LOCATION.col()])
        .agg([scol::CLIENT_ID
            .col()
            .filter(col("first_date").gt_eq(super::date_lit(period.from)))
            .n_unique()
            .alias("new")])
        .collect()
        .map_err(err("new clients by location"))?;
    let new_at = |name: &str| {
        (0..new.height())
            .find(|&r| value_str(&new, scol::LOCATION.name, r).as_deref() == Some(name))
            .map_or(0, |r| super::count(&new, "new", r))
    };
    let mut out: Vec<LocationGroup> = groups(&keyed, scol::LOCATION.name, ingested.has_fee, t)?
        .into_iter()
        .map(|g| LocationGroup {
            location: (!g.name.is_empty()).then(|| g.name.clone()),
            new_clients: new_at(&g.name).into(),
            group: g,
        })
        .collect();
    // Sorted like every group, the no-location group last.
    out.sort_by_key(|g| g.location.is_none());
    Ok(Some(out))
}

/// The accepted sessions of one location (matched trimmed and case-insensitively), and the
/// location's name as written (its most frequent spelling); None when no location of `known`
/// (as [`locations`] lists them, computed once by the caller) matches.
pub fn select(
    ingested: &Ingested,
    known: &[(String, u64)],
    name: &str,
) -> Result<Option<(Ingested, String)>> {
    let wanted = name.trim().to_lowercase();
    let matching: Vec<&(String, u64)> = known
        .iter()
        .filter(|(l, _)| !wanted.is_empty() && l.to_lowercase() == wanted)
        .collect();
    let Some((written, _)) = matching.first() else {
        return Ok(None);
    };
    let keep = matching
        .iter()
        .map(|(l, _)| scol::LOCATION.col().eq(lit(l.as_str())))
        .reduce(|a, b| a.or(b))
        .unwrap_or(lit(false));
    let sessions = ingested
        .sessions
        .clone()
        .lazy()
        .filter(keep.clone())
        .collect()
        .map_err(err("one location's sessions"))?;
    // The bookings that were not treatments follow their location too.
    let not_attended = ingested
        .not_attended
        .clone()
        .lazy()
        .filter(keep)
        .collect()
        .map_err(err("one location's bookings"))?;
    Ok(Some((
        Ingested {
            sessions,
            not_attended,
            ..ingested.clone()
        },
        written.clone(),
    )))
}
