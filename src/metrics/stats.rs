//! Interval estimates: Student-t for a mean, Wilson score for a proportion.

use statrs::distribution::{ContinuousCDF, StudentsT};

/// z for a two-sided 95% interval, as SPEC "Metrics" fixes it.
pub const Z95: f64 = 1.959963984540054;

/// A number that can be written: NaN and infinities become missing.
pub fn finite(v: Option<f64>) -> Option<f64> {
    v.filter(|x| x.is_finite())
}

/// 95% interval of a mean: mean ± t(0.975, n − 1) · s / √n; None when n < 2.
pub fn t_interval(n: u64, mean: Option<f64>, sd: Option<f64>) -> (Option<f64>, Option<f64>) {
    let (Some(mean), Some(sd)) = (finite(mean), finite(sd)) else {
        return (None, None);
    };
    if n < 2 {
        return (None, None);
    }
    let Ok(t) = StudentsT::new(0.0, 1.0, (n - 1) as f64) else {
        return (None, None);
    };
    let half = t.inverse_cdf(0.975) * sd / (n as f64).sqrt();
    (finite(Some(mean - half)), finite(Some(mean + half)))
}

/// 95% Wilson score interval of `x` successes in `n`; None when n = 0.
pub fn wilson(x: u64, n: u64) -> (Option<f64>, Option<f64>) {
    if n == 0 {
        return (None, None);
    }
    let (x, n) = (x as f64, n as f64);
    let p = x / n;
    let z2 = Z95 * Z95;
    let denom = 1.0 + z2 / n;
    let centre = (p + z2 / (2.0 * n)) / denom;
    let half = Z95 * (p * (1.0 - p) / n + z2 / (4.0 * n * n)).sqrt() / denom;
    (
        Some((centre - half).max(0.0)),
        Some((centre + half).min(1.0)),
    )
}

/// 95% interval of the difference of two proportions x1/n1 − x2/n2 by Newcombe's hybrid
/// score method (Newcombe 1998, method 10), from the two Wilson intervals. None when either
/// group is empty.
pub fn newcombe(x1: u64, n1: u64, x2: u64, n2: u64) -> Option<(f64, f64, f64)> {
    let (Some(l1), Some(u1)) = wilson(x1, n1) else {
        return None;
    };
    let (Some(l2), Some(u2)) = wilson(x2, n2) else {
        return None;
    };
    let p1 = x1 as f64 / n1 as f64;
    let p2 = x2 as f64 / n2 as f64;
    let d = p1 - p2;
    let lower = d - ((p1 - l1).powi(2) + (u2 - p2).powi(2)).sqrt();
    let upper = d + ((u1 - p1).powi(2) + (p2 - l2).powi(2)).sqrt();
    Some((d, lower, upper))
}

/// The ratio a/b of two counts with the interval exp(ln(a/b) ± z·√(1/a + 1/b)); None when
/// either is 0.
pub fn count_ratio(a: u64, b: u64) -> Option<(f64, f64, f64)> {
    if a == 0 || b == 0 {
        return None;
    }
    let ratio = a as f64 / b as f64;
    let half = Z95 * (1.0 / a as f64 + 1.0 / b as f64).sqrt();
    Some((ratio, (ratio.ln() - half).exp(), (ratio.ln() + half).exp()))
}

/// The difference of two means (`m1 − m0`) with Welch's interval: t(0.975, the
/// Welch–Satterthwaite df) · √(s1²/n1 + s0²/n0). None when either n < 2; when both standard
/// deviations are 0 the interval is the difference itself.
pub fn welch(n1: u64, m1: f64, s1: f64, n0: u64, m0: f64, s0: f64) -> Option<(f64, f64, f64)> {
    if n1 < 2 || n0 < 2 || !(m1.is_finite() && m0.is_finite() && s1.is_finite() && s0.is_finite()) {
        return None;
    }
    let d = m1 - m0;
    let (v1, v0) = (s1 * s1 / n1 as f64, s0 * s0 / n0 as f64);
    let se2 = v1 + v0;
    if se2 == 0.0 {
        return Some((d, d, d));
    }
    let df = se2 * se2 / (v1 * v1 / (n1 - 1) as f64 + v0 * v0 / (n0 - 1) as f64);
    let t = StudentsT::new(0.0, 1.0, df).ok()?.inverse_cdf(0.975);
    let half = t * se2.sqrt();
    Some((d, d - half, d + half))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn close_to(a: Option<f64>, b: f64, tolerance: f64) {
        let a = a.expect("a value");
        assert!((a - b).abs() < tolerance, "{a} != {b}");
    }

    fn close(a: Option<f64>, b: f64) {
        close_to(a, b, 1e-12);
    }

    #[test]
    fn t_interval_at_two_and_more() {
        // n = 2, values 1 and 3: mean 2, s = √2, half-width t(0.975, 1)·√2/√2 = 12.7062047...
        let (lo, hi) = t_interval(2, Some(2.0), Some(2f64.sqrt()));
        close_to(lo, 2.0 - 12.706204736174707, 1e-7);
        close_to(hi, 2.0 + 12.706204736174707, 1e-7);
        // n = 10, mean 1.5, s = 1: t(0.975, 9) = 2.262157162740991.
        let (lo, hi) = t_interval(10, Some(1.5), Some(1.0));
        close_to(lo, 1.5 - 2.262157162740991 / 10f64.sqrt(), 1e-8);
        close_to(hi, 1.5 + 2.262157162740991 / 10f64.sqrt(), 1e-8);
        assert_eq!(t_interval(1, Some(2.0), None), (None, None));
        assert_eq!(t_interval(0, None, None), (None, None));
        assert_eq!(t_interval(3, Some(2.0), Some(f64::NAN)), (None, None));
    }

    #[test]
    fn newcombe_matches_the_published_examples() {
        // Newcombe (1998), Statistics in Medicine 17:873, table II, method 10 (checked
        // independently with the same formula in Python):
        // 56/70 − 48/80: 0.0524 to 0.3339; 9/10 − 3/10: 0.1705 to 0.8090.
        let (d, lo, hi) = newcombe(56, 70, 48, 80).unwrap();
        assert!((d - 0.2).abs() < 1e-12);
        assert!((lo - 0.0524).abs() < 5e-5, "{lo}");
        assert!((hi - 0.3339).abs() < 5e-5, "{hi}");
        let (_, lo, hi) = newcombe(9, 10, 3, 10).unwrap();
        assert!((lo - 0.1705).abs() < 5e-5, "{lo}");
        assert!((hi - 0.8090).abs() < 5e-5, "{hi}");
        // 6/7 − 2/7: 0.0582 to 0.8062; 5/56 − 0/29: −0.0381 to 0.1926 (the same table).
        let (_, lo, hi) = newcombe(6, 7, 2, 7).unwrap();
        assert!((lo - 0.0582).abs() < 5e-5, "{lo}");
        assert!((hi - 0.8062).abs() < 5e-5, "{hi}");
        let (_, lo, hi) = newcombe(5, 56, 0, 29).unwrap();
        assert!((lo + 0.0381).abs() < 5e-5, "{lo}");
        assert!((hi - 0.1926).abs() < 5e-5, "{hi}");
        assert_eq!(newcombe(1, 0, 1, 2), None);
    }

    #[test]
    fn count_ratios_and_welch_by_hand() {
        // 48 against 30: ln 1.6 ± 1.96 · √(1/48 + 1/30) = 0.4700 ± 0.4562: the interval
        // starts at 1.0139, just above 1.
        let (r, lo, hi) = count_ratio(48, 30).unwrap();
        assert_eq!(r, 1.6);
        let half = Z95 * (1.0f64 / 48.0 + 1.0 / 30.0).sqrt();
        assert!((lo - (1.6f64.ln() - half).exp()).abs() < 1e-12);
        assert!((lo - 1.0139).abs() < 1e-4, "{lo}");
        assert!(hi > r);
        // 47 against 30: it starts at 0.9910, just below.
        let (_, lo, _) = count_ratio(47, 30).unwrap();
        assert!((lo - 0.9910).abs() < 1e-4, "{lo}");
        assert_eq!(count_ratio(0, 5), None);
        // Equal variances of zero: the interval is the difference.
        assert_eq!(welch(3, 2.0, 0.0, 4, 1.5, 0.0), Some((0.5, 0.5, 0.5)));
        assert_eq!(welch(1, 2.0, 0.0, 4, 1.5, 0.0), None);
        // n1 = n0 = 10, s = 1 and 2: df = (0.1 + 0.4)² / (0.01/9 + 0.16/9) = 13.235…
        let (d, lo, hi) = welch(10, 3.0, 1.0, 10, 2.0, 2.0).unwrap();
        let df: f64 = 0.25 / (0.17 / 9.0);
        let t = StudentsT::new(0.0, 1.0, df).unwrap().inverse_cdf(0.975);
        assert_eq!(d, 1.0);
        assert!((hi - (1.0 + t * 0.5f64.sqrt())).abs() < 1e-12);
        assert!((lo - (1.0 - t * 0.5f64.sqrt())).abs() < 1e-12);
        assert!((t - 2.157).abs() < 2e-3, "{t}");
    }

    #[test]
    fn wilson_at_the_edges() {
        // 0 of 10: lower 0, upper z²/(n + z²).
        let (lo, hi) = wilson(0, 10);
        close(lo, 0.0);
        close(hi, 0.2775327998628892);
        // 10 of 10: the mirror image.
        let (lo, hi) = wilson(10, 10);
        close(lo, 0.7224672001371107);
        close(hi, 1.0);
        // 5 of 10: centred on 0.5.
        let (lo, hi) = wilson(5, 10);
        close(lo, 0.236593090512564);
        close(hi, 0.7634069094874361);
        assert_eq!(wilson(0, 0), (None, None));
    }
}
