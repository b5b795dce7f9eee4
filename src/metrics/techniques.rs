//! The technique comparison: every technique's outcome block over a span of months, its
//! baseline pain, its responder rate against all the other techniques (Newcombe's interval),
//! and responder rates by technique × body region.

use polars::prelude::*;

use super::cell::{Cell, Count};
use super::err;
use super::groups::{groups, visits_of, Group, GROUP_COLUMNS};
use super::outcomes::{self, Outcomes};
use super::stats::newcombe;
use super::Accounts;
use super::{count, value_f64, value_i64, value_str, Period};
use crate::config::Thresholds;
use crate::error::Result;
use crate::ingest::columns::session as scol;
use crate::ingest::Ingested;

/// A technique's responder rate minus that of all other techniques, with its 95% interval.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Difference {
    pub difference: f64,
    pub ci95_low: f64,
    pub ci95_high: f64,
}

impl Difference {
    pub fn new(difference: f64, ci95_low: f64, ci95_high: f64) -> Difference {
        Difference {
            difference,
            ci95_low,
            ci95_high,
        }
    }

    /// The interval includes 0: the data cannot tell the technique from the others.
    pub fn includes_no_difference(&self) -> bool {
        self.ci95_low <= 0.0 && self.ci95_high >= 0.0
    }
}

/// The starting-pain bands of SPEC "Technique comparison adjusted for starting pain", by
/// pain_before: mild below 4, moderate 4 to below 7, severe 7 and above.
pub const BANDS: [&str; 3] = ["mild", "moderate", "severe"];

/// A technique's responders by band and its rate standardized to the practice's mix of bands.
#[derive(Debug, Clone, PartialEq)]
pub struct Adjusted {
    /// In [`BANDS`] order.
    pub bands: [RateCell; 3],
    /// Σ_b w_b · rate_b; None when the technique has no eligible session in a band the
    /// practice has, or the period has no eligible session at all.
    pub standardized_rate: Option<f64>,
    pub ci95_low: Option<f64>,
    pub ci95_high: Option<f64>,
    /// 1-based places among the techniques that have both rates, best first (ties by name):
    /// by the crude responder rate and by the standardized one.
    pub crude_rank: Option<usize>,
    pub standardized_rank: Option<usize>,
    /// Each band's share of this technique's eligible sessions (its starting-pain mix);
    /// empty without an eligible session; None in a shareable copy where a band's count is
    /// hidden (the shares would give it away).
    pub mix: Option<Vec<f64>>,
}

impl Adjusted {
    /// A band has sessions but no rate: its rate was hidden in a shareable copy (in a full
    /// summary a band without a rate has no eligible session).
    pub fn withheld(&self) -> bool {
        self.bands
            .iter()
            .any(|b| b.rate.is_none() && b.eligible != 0)
    }
}

/// One technique's row.
#[derive(Debug, Clone, PartialEq)]
pub struct TechniqueRow {
    pub group: Group,
    /// Mean pain_before of its sessions: how much pain its clients came in with.
    pub baseline_pain: Option<f64>,
    /// Against all other techniques together; None when either side has no eligible session.
    pub vs_others: Option<Difference>,
    pub adjusted: Adjusted,
}

/// Responders among the eligible sessions of one cell: a technique × region of the matrix,
/// or a starting-pain band of a technique or of the practice.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct RateCell {
    pub eligible: Count,
    pub responders: Count,
    /// responders / eligible; None without an eligible session.
    pub rate: Option<f64>,
    /// Fewer eligible sessions than the low-sample threshold.
    pub low_sample: Cell<bool>,
}

impl RateCell {
    fn new(eligible: u64, responders: u64, t: &Thresholds) -> RateCell {
        RateCell {
            eligible: eligible.into(),
            responders: responders.into(),
            rate: (eligible > 0).then(|| responders as f64 / eligible as f64),
            low_sample: (eligible < u64::from(t.low_sample)).into(),
        }
    }
}

/// Everything the technique comparison shows.
#[derive(Debug, Clone, PartialEq)]
pub struct Techniques {
    pub period: Period,
    pub sessions: Count,
    /// All techniques together.
    pub overall: Outcomes,
    /// Sorted by sessions, then name.
    pub techniques: Vec<TechniqueRow>,
    /// The matrix's columns, by sessions treated, then name.
    pub regions: Vec<String>,
    /// `matrix[t][r]`: technique `techniques[t]` in region `regions[r]`.
    pub matrix: Vec<Vec<RateCell>>,
    /// Every technique together, by band ([`BANDS`] order).
    pub practice_bands: [RateCell; 3],
    /// Each band's share of all eligible sessions of the period: the standard mix. None when
    /// the period has no eligible session.
    pub band_weights: Option<[f64; 3]>,
    /// False when the export records no body regions (the matrix is then left out).
    pub has_regions: bool,
    pub data_quality: Accounts,
    /// A shareable copy's `min_cell` (counts below it are hidden); None in a full report.
    pub suppressed_below: Option<u64>,
}

/// Computes the technique comparison over `period`.
pub fn techniques(ingested: &Ingested, period: Period, t: &Thresholds) -> Result<Techniques> {
    let mut columns = GROUP_COLUMNS.to_vec();
    columns.extend([scol::TECHNIQUE.name, scol::BODY_REGION.name]);
    let visits = visits_of(ingested, period, &columns)?;
    let overall = visits
        .clone()
        .lazy()
        .select(outcomes::aggregations(t))
        .collect()
        .map_err(err("the period's outcomes"))?;
    let overall = outcomes::read(&overall, 0, t);
    let groups = groups(&visits, scol::TECHNIQUE.name, ingested.has_fee, t)?;

    let baseline = visits
        .clone()
        .lazy()
        .group_by([scol::TECHNIQUE.col()])
        .agg([scol::PAIN_BEFORE.col().mean().alias("baseline")])
        .collect()
        .map_err(err("baseline pain"))?;
    let baseline_of = |name: &str| {
        (0..baseline.height())
            .find(|&row| value_str(&baseline, scol::TECHNIQUE.name, row).as_deref() == Some(name))
            .and_then(|row| value_f64(&baseline, "baseline", row))
    };
    let compared = compare(&visits, scol::TECHNIQUE.name, groups, t)?;
    let (practice_bands, weights) = (compared.practice_bands, compared.weights);
    let (all_x, all_n) = (
        overall.responders.responders.value(),
        overall.responders.eligible.value(),
    );
    let techniques: Vec<TechniqueRow> = compared
        .rows
        .into_iter()
        .map(|(g, adjusted)| {
            let (x, n) = (
                g.outcomes.responders.responders.value(),
                g.outcomes.responders.eligible.value(),
            );
            let vs_others =
                newcombe(x, n, all_x - x, all_n - n).map(|(d, lo, hi)| Difference::new(d, lo, hi));
            TechniqueRow {
                baseline_pain: baseline_of(&g.name),
                vs_others,
                adjusted,
                group: g,
            }
        })
        .collect();
    let (regions, matrix) = matrix(&visits, &techniques, t)?;
    Ok(Techniques {
        period,
        sessions: (visits.height() as u64).into(),
        overall,
        techniques,
        regions,
        matrix,
        practice_bands,
        band_weights: weights,
        has_regions: ingested.has_regions,
        data_quality: Accounts::of(&ingested.quality),
        suppressed_below: None,
    })
}

/// Groups (techniques, therapists) with their rates by starting-pain band and standardized
/// to the practice's mix: one implementation for the technique comparison and the staff
/// reviews.
pub struct Compared {
    /// Each group's figures and its adjusted rate, in the groups' order.
    pub rows: Vec<(Group, Adjusted)>,
    /// Every group together, by band ([`BANDS`] order).
    pub practice_bands: [RateCell; 3],
    /// Each band's share of all eligible sessions: the standard mix. None without one.
    pub weights: Option<[f64; 3]>,
}

/// Adjusts the `groups` of `visits` by `key` (as [`groups`] computed them) for starting pain.
pub fn compare(
    visits: &DataFrame,
    key: &str,
    groups: Vec<Group>,
    t: &Thresholds,
) -> Result<Compared> {
    let by_band = bands(visits, key, t)?;
    let band_counts = |group: Option<&str>| {
        let mut counts = [(0u64, 0u64); 3];
        for row in 0..by_band.height() {
            let name = value_str(&by_band, key, row);
            if group.is_some_and(|g| name.as_deref() != Some(g)) {
                continue;
            }
            let band = value_i64(&by_band, "band", row).and_then(|b| usize::try_from(b).ok());
            if let Some(b) = band.filter(|&b| b < BANDS.len()) {
                counts[b].0 += count(&by_band, "eligible", row);
                counts[b].1 += count(&by_band, "responders", row);
            }
        }
        counts.map(|(n, x)| RateCell::new(n, x, t))
    };
    let practice_bands = band_counts(None);
    let all_eligible: u64 = practice_bands.iter().map(|b| b.eligible.value()).sum();
    let weights = (all_eligible > 0)
        .then(|| practice_bands.map(|b| b.eligible.value() as f64 / all_eligible as f64));
    let mut rows: Vec<(Group, Adjusted)> = groups
        .into_iter()
        .map(|g| {
            let a = adjusted(band_counts(Some(&g.name)), weights);
            (g, a)
        })
        .collect();
    rank(&mut rows);
    Ok(Compared {
        rows,
        practice_bands,
        weights,
    })
}

/// The band of a session's pain_before (for eligible sessions, where it is above 0), as its
/// place in [`BANDS`]: a small integer per session, not a string.
fn band() -> Expr {
    when(scol::PAIN_BEFORE.col().lt(lit(4.0)))
        .then(lit(0i32))
        .when(scol::PAIN_BEFORE.col().lt(lit(7.0)))
        .then(lit(1i32))
        .otherwise(lit(2i32))
}

/// Eligible sessions and responders by group (`key`) and band.
fn bands(visits: &DataFrame, key: &str, t: &Thresholds) -> Result<DataFrame> {
    visits
        .clone()
        .lazy()
        .filter(outcomes::eligible())
        .group_by([col(key), band().alias("band")])
        .agg([
            len().alias("eligible"),
            outcomes::responder(t)
                .cast(DataType::Int64)
                .sum()
                .alias("responders"),
        ])
        .collect()
        .map_err(err("responders by starting pain"))
}

/// The standardized rate of one technique's bands and its 95% interval (SPEC).
fn adjusted(bands: [RateCell; 3], weights: Option<[f64; 3]>) -> Adjusted {
    let mut out = Adjusted {
        bands,
        standardized_rate: None,
        ci95_low: None,
        ci95_high: None,
        crude_rank: None,
        standardized_rank: None,
        mix: {
            let n: u64 = bands.iter().map(|b| b.eligible.value()).sum();
            Some(if n == 0 {
                Vec::new()
            } else {
                bands
                    .iter()
                    .map(|b| b.eligible.value() as f64 / n as f64)
                    .collect()
            })
        },
    };
    let Some(w) = weights else { return out };
    let (mut rate, mut variance) = (0.0, 0.0);
    for (b, cell) in bands.iter().enumerate() {
        if w[b] == 0.0 {
            continue;
        }
        let Some(r) = cell.rate else { return out };
        rate += w[b] * r;
        variance += w[b] * w[b] * r * (1.0 - r) / cell.eligible.value() as f64;
    }
    let half = super::stats::Z95 * variance.sqrt();
    out.standardized_rate = Some(rate);
    out.ci95_low = Some((rate - half).clamp(0.0, 1.0));
    out.ci95_high = Some((rate + half).clamp(0.0, 1.0));
    out
}

/// Places by the crude and by the standardized rate, among groups that have both.
fn rank(rows: &mut [(Group, Adjusted)]) {
    let both: Vec<usize> = (0..rows.len())
        .filter(|&i| {
            rows[i].0.outcomes.responders.rate.is_some() && rows[i].1.standardized_rate.is_some()
        })
        .collect();
    for crude in [true, false] {
        let rate = |i: usize| {
            if crude {
                rows[i].0.outcomes.responders.rate
            } else {
                rows[i].1.standardized_rate
            }
            .unwrap_or(0.0)
        };
        let mut order = both.clone();
        order.sort_by(|&a, &b| {
            rate(b)
                .total_cmp(&rate(a))
                .then_with(|| rows[a].0.name.cmp(&rows[b].0.name))
        });
        for (place, i) in order.into_iter().enumerate() {
            let a = &mut rows[i].1;
            if crude {
                a.crude_rank = Some(place + 1);
            } else {
                a.standardized_rank = Some(place + 1);
            }
        }
    }
}

/// Responders by technique × region (a session with several regions counts in each).
fn matrix(
    visits: &DataFrame,
    techniques: &[TechniqueRow],
    t: &Thresholds,
) -> Result<(Vec<String>, Vec<Vec<RateCell>>)> {
    let df = visits
        .clone()
        .lazy()
        .select([
            scol::TECHNIQUE.col(),
            scol::BODY_REGION.col().alias("region"),
            // Flags, summed as counts: a bit a row of the exploded regions, not eight bytes.
            outcomes::eligible().alias("eligible"),
            outcomes::responder(t).alias("responder"),
        ])
        .explode(cols(["region"]), super::EXPLODE_REGIONS)
        .group_by([scol::TECHNIQUE.col(), col("region")])
        .agg([
            len().alias("sessions"),
            col("eligible").sum().alias("eligible"),
            col("responder").sum().alias("responders"),
        ])
        .collect()
        .map_err(err("the technique by region matrix"))?;
    let cells: Vec<(String, String, u64, RateCell)> = (0..df.height())
        .map(|row| {
            (
                value_str(&df, scol::TECHNIQUE.name, row).unwrap_or_default(),
                value_str(&df, "region", row).unwrap_or_default(),
                count(&df, "sessions", row),
                RateCell::new(
                    count(&df, "eligible", row),
                    count(&df, "responders", row),
                    t,
                ),
            )
        })
        .collect();
    let mut region_sessions: std::collections::BTreeMap<&str, u64> =
        std::collections::BTreeMap::new();
    for (_, region, n, _) in &cells {
        *region_sessions.entry(region).or_default() += n;
    }
    let mut regions: Vec<(&str, u64)> = region_sessions.into_iter().collect();
    regions.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(b.0)));
    let regions: Vec<String> = regions.into_iter().map(|(r, _)| r.to_string()).collect();
    let matrix = techniques
        .iter()
        .map(|tech| {
            regions
                .iter()
                .map(|region| {
                    cells
                        .iter()
                        .find(|(t, r, _, _)| *t == tech.group.name && r == region)
                        .map_or_else(|| RateCell::new(0, 0, t), |c| c.3)
                })
                .collect()
        })
        .collect();
    Ok((regions, matrix))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn matrix_cells_carry_their_rate_and_low_sample_flag() {
        let t = Thresholds::default();
        assert_eq!(
            RateCell::new(10, 4, &t),
            RateCell {
                eligible: 10.into(),
                responders: 4.into(),
                rate: Some(0.4),
                low_sample: false.into(),
            }
        );
        let few = RateCell::new(9, 9, &t);
        assert_eq!((few.rate, few.low_sample.value()), (Some(1.0), true));
        let none = RateCell::new(0, 0, &t);
        assert_eq!((none.rate, none.low_sample.value()), (None, true));
    }

    #[test]
    fn standardized_rates_skip_bands_the_practice_lacks() {
        let t = Thresholds::default();
        let cell = |n, x| RateCell::new(n, x, &t);
        // No eligible session in the period: no weights, no rate.
        let none = adjusted([cell(0, 0), cell(0, 0), cell(0, 0)], None);
        assert_eq!(none.standardized_rate, None);
        // Moderate weighs 0: a technique without moderate sessions still gets a rate.
        let a = adjusted(
            [cell(4, 2), cell(0, 0), cell(4, 4)],
            Some([0.25, 0.0, 0.75]),
        );
        assert_eq!(a.standardized_rate, Some(0.25 * 0.5 + 0.75));
        let half = crate::metrics::stats::Z95 * (0.0625f64 * 0.25 / 4.0).sqrt();
        assert_eq!(a.ci95_low, Some(0.875 - half));
        assert_eq!(a.ci95_high, Some(0.875 + half));
        // 0.75 ± 1.96 · √(0.25 · 0.25 / 2) reaches past 1: clipped.
        let c = adjusted([cell(2, 1), cell(0, 0), cell(4, 4)], Some([0.5, 0.0, 0.5]));
        assert_eq!(c.standardized_rate, Some(0.75));
        assert_eq!(c.ci95_high, Some(1.0));
        // A band with weight but no session of the technique: null.
        let b = adjusted(
            [cell(4, 2), cell(0, 0), cell(4, 4)],
            Some([0.25, 0.25, 0.5]),
        );
        assert_eq!((b.standardized_rate, b.ci95_low), (None, None));
    }

    #[test]
    fn an_interval_includes_no_difference_only_when_it_spans_zero() {
        assert!(Difference::new(0.05, -0.02, 0.12).includes_no_difference());
        assert!(Difference::new(0.05, 0.0, 0.12).includes_no_difference());
        // 0.4 points above zero: shown as "0 to 12", but it does exclude no difference.
        assert!(!Difference::new(0.05, 0.004, 0.12).includes_no_difference());
        assert!(!Difference::new(-0.2, -0.3, -0.1).includes_no_difference());
    }
}
