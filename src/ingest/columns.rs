//! The contract's columns per file and the header matching: normalised names, config aliases,
//! extra and absent columns.

use super::values::normalise_header;

/// One column of the contract.
#[derive(Debug, Clone, Copy)]
pub struct ColumnSpec {
    pub name: &'static str,
    pub required: bool,
}

const fn col(name: &'static str, required: bool) -> ColumnSpec {
    ColumnSpec { name, required }
}

/// sessions.csv, in the contract's order; the index of each is its column number in code.
pub const SESSIONS: &[ColumnSpec] = &[
    col("session_id", true),
    col("client_id", true),
    col("client_name", false),
    col("therapist", true),
    col("date", true),
    col("technique", true),
    col("body_region", true),
    col("duration_min", true),
    col("pain_before", false),
    col("pain_after", false),
    col("fee", false),
    col("location", false),
];

/// feedback.csv, in the contract's order.
pub const FEEDBACK: &[ColumnSpec] = &[
    col("session_id", true),
    col("submitted", true),
    col("soreness_hours", false),
    col("pain_followup", false),
    col("mobility", false),
    col("satisfaction", false),
    col("comment", false),
];

/// How a file's header maps onto the contract.
#[derive(Debug, PartialEq)]
pub struct Mapping {
    /// For each field position: the contract column it holds, if any.
    pub by_position: Vec<Option<usize>>,
    /// For each contract column: whether the file has it.
    pub present: Vec<bool>,
    /// Headers the contract does not use, as written.
    pub extra: Vec<String>,
    /// Optional contract columns the file lacks.
    pub absent: Vec<String>,
}

#[derive(Debug, PartialEq)]
pub enum HeaderError {
    Missing(String),
    Duplicate(String),
    /// The config names, for `column`, a header the file does not have.
    AliasAbsent {
        column: String,
        header: String,
    },
    /// The config names one header for two columns.
    AliasTwice {
        header: String,
        first: String,
        second: String,
    },
}

/// Matches a header against the contract, compared after normalisation: first every column
/// the config names a header for (that header must exist, and serve one column only: what the
/// config says is meant), then the others by their own names among the headers left.
/// `aliases[c]` is the config's header for `specs[c]`, if any.
pub fn resolve(
    headers: &[String],
    specs: &[ColumnSpec],
    aliases: &[Option<String>],
) -> Result<Mapping, HeaderError> {
    let normalised: Vec<String> = headers.iter().map(|h| normalise_header(h)).collect();
    let find = |wanted: &str| -> Result<Option<usize>, HeaderError> {
        let mut hits = normalised
            .iter()
            .enumerate()
            .filter(|(_, h)| h.as_str() == wanted);
        let first = hits.next().map(|(i, _)| i);
        if first.is_some() && hits.next().is_some() {
            return Err(HeaderError::Duplicate(wanted.to_string()));
        }
        Ok(first)
    };
    let mut by_position: Vec<Option<usize>> = vec![None; headers.len()];
    let mut present = vec![false; specs.len()];
    for (c, spec) in specs.iter().enumerate() {
        let Some(alias) = aliases.get(c).and_then(Option::as_deref) else {
            continue;
        };
        let Some(p) = find(&normalise_header(alias))? else {
            return Err(HeaderError::AliasAbsent {
                column: spec.name.to_string(),
                header: alias.to_string(),
            });
        };
        if let Some(other) = by_position[p] {
            return Err(HeaderError::AliasTwice {
                header: alias.to_string(),
                first: specs[other].name.to_string(),
                second: spec.name.to_string(),
            });
        }
        by_position[p] = Some(c);
        present[c] = true;
    }
    let mut absent = Vec::new();
    for (c, spec) in specs.iter().enumerate() {
        if present[c] {
            continue;
        }
        match find(spec.name)? {
            Some(p) if by_position[p].is_none() => {
                by_position[p] = Some(c);
                present[c] = true;
            }
            _ if spec.required => return Err(HeaderError::Missing(spec.name.to_string())),
            _ => absent.push(spec.name.to_string()),
        }
    }
    // In the contract's order, as before.
    absent.sort_by_key(|name| specs.iter().position(|s| s.name == name));
    let extra = headers
        .iter()
        .zip(&by_position)
        .filter(|(_, c)| c.is_none())
        .map(|(h, _)| h.clone())
        .collect();
    Ok(Mapping {
        by_position,
        present,
        extra,
        absent,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn h(names: &[&str]) -> Vec<String> {
        names.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn normalised_names_match_in_any_order() {
        let m = resolve(
            &h(&["Submitted", "Session ID", "Room", "soreness-hours"]),
            FEEDBACK,
            &[],
        )
        .unwrap();
        assert_eq!(m.by_position, vec![Some(1), Some(0), None, Some(2)]);
        assert_eq!(m.extra, vec!["Room".to_string()]);
        assert_eq!(
            m.absent,
            vec!["pain_followup", "mobility", "satisfaction", "comment"]
        );
    }

    #[test]
    fn alias_wins_over_the_plain_name() {
        let m = resolve(
            &h(&["Appointment #", "submitted"]),
            FEEDBACK,
            &[Some("appointment #".into())],
        )
        .unwrap();
        assert_eq!(m.by_position, vec![Some(0), Some(1)]);
        assert!(m.extra.is_empty());
    }

    #[test]
    fn missing_and_duplicate_columns() {
        assert_eq!(
            resolve(&h(&["session_id"]), FEEDBACK, &[]),
            Err(HeaderError::Missing("submitted".into()))
        );
        assert_eq!(
            resolve(&h(&["session_id", "Submitted", "submitted"]), FEEDBACK, &[]),
            Err(HeaderError::Duplicate("submitted".into()))
        );
    }
}
