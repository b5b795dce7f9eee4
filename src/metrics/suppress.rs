//! Small-cell suppression for reports that leave the clinic (SPEC "Reports that leave the
//! clinic"): which counts of a list of groups are hidden. A count from 1 to `min_cell − 1` is
//! hidden; when exactly one member of a list is, the next smallest shown count goes too, so
//! that no hidden count follows from the total. Zeros are shown.
//!
//! Work in progress (issue 21): the rules, not yet applied to the summaries.

/// For each count of one list of groups: whether it is hidden.
pub fn hidden(counts: &[u64], min_cell: u64) -> Vec<bool> {
    let small = |n: u64| n >= 1 && n < min_cell;
    let mut out: Vec<bool> = counts.iter().map(|&n| small(n)).collect();
    if out.iter().filter(|&&h| h).count() == 1 {
        // The next smallest shown count (zeros stay: nothing follows from them).
        if let Some(i) = (0..counts.len())
            .filter(|&i| !out[i] && counts[i] > 0)
            .min_by_key(|&i| (counts[i], i))
        {
            out[i] = true;
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_small_group_takes_the_next_smallest_with_it() {
        // A technique of 7 sessions beside 40, 25 and 12: 7 and then 12 go.
        assert_eq!(hidden(&[40, 7, 25, 12], 11), [false, true, false, true]);
        // Two small ones already hide each other; zeros are shown.
        assert_eq!(hidden(&[3, 0, 5, 30], 11), [true, false, true, false]);
        // 10 is hidden, 11 is not small, but beside a lone 10 it goes to protect it.
        assert_eq!(hidden(&[11, 10, 50], 11), [true, true, false]);
        assert_eq!(hidden(&[11, 50], 11), [false, false]);
        // Nothing small: nothing hidden; a lone small one with nothing else: it alone.
        assert_eq!(hidden(&[11, 20], 11), [false, false]);
        assert_eq!(hidden(&[4], 11), [true]);
        assert_eq!(hidden(&[4, 0], 11), [true, false]);
    }
}
