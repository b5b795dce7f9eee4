//! File names from client ids: a safe form (no separators, no `..`, no control or reserved
//! characters, never empty), distinct for distinct ids, the same on every run.

use std::collections::BTreeMap;

const MAX_LEN: usize = 80;

/// Windows device names, which no file may be called on that system.
const RESERVED: &[&str] = &[
    "con", "prn", "aux", "nul", "com1", "com2", "com3", "com4", "com5", "com6", "com7", "com8",
    "com9", "lpt1", "lpt2", "lpt3", "lpt4", "lpt5", "lpt6", "lpt7", "lpt8", "lpt9",
];

/// The safe form of one id (before collisions are resolved).
pub fn safe_stem(id: &str) -> String {
    let mapped: String = id
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.') {
                c
            } else {
                '_'
            }
        })
        .collect();
    let trimmed = mapped.trim_matches(|c| c == '.' || c == ' ');
    let mut s: String = trimmed.chars().take(MAX_LEN).collect();
    if s.is_empty() {
        s = "client".to_string();
    }
    if RESERVED.contains(
        &s.split('.')
            .next()
            .unwrap_or("")
            .to_ascii_lowercase()
            .as_str(),
    ) {
        s.insert(0, '_');
    }
    s
}

/// FNV-1a: a small stable hash, the same on every machine and version.
fn fnv(s: &str) -> u64 {
    s.bytes().fold(0xcbf2_9ce4_8422_2325, |h, b| {
        (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3)
    })
}

/// File stems for `ids`: the safe form, and where two ids would share one (also when they
/// differ only in case, for case-insensitive file systems) each gets a short hash of its id.
pub fn stems(ids: &[String]) -> BTreeMap<String, String> {
    let mut by_stem: BTreeMap<String, Vec<&String>> = BTreeMap::new();
    for id in ids {
        by_stem
            .entry(safe_stem(id).to_lowercase())
            .or_default()
            .push(id);
    }
    let mut out = BTreeMap::new();
    for (_, group) in by_stem {
        let collide = group.len() > 1;
        for id in group {
            let mut stem = safe_stem(id);
            if collide {
                stem = format!("{stem}-{:012x}", fnv(id) & 0xffff_ffff_ffff);
            }
            out.insert(id.clone(), stem);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hostile_ids_become_plain_names() {
        assert_eq!(safe_stem("C000123"), "C000123");
        assert_eq!(safe_stem("../../x"), "_.._x");
        assert_eq!(safe_stem("/tmp/abs"), "_tmp_abs");
        assert_eq!(safe_stem("a/b\\c:d"), "a_b_c_d");
        assert_eq!(safe_stem(".."), "client");
        assert_eq!(safe_stem("..."), "client");
        assert_eq!(safe_stem(""), "client");
        assert_eq!(safe_stem("\u{0}\u{7}"), "__");
        assert_eq!(safe_stem("CON"), "_CON");
        assert_eq!(safe_stem("nul.txt"), "_nul.txt");
        assert_eq!(safe_stem("김민준"), "___");
        assert_eq!(safe_stem(&"x".repeat(300)).len(), MAX_LEN);
        for id in ["../../x", "/tmp/abs", "a/b\\c:d", "..", "\u{0}"] {
            let s = safe_stem(id);
            assert!(
                !s.contains('/') && !s.contains('\\') && s != ".." && !s.is_empty(),
                "{id} → {s}"
            );
        }
    }

    #[test]
    fn colliding_ids_get_distinct_stable_names() {
        let ids: Vec<String> = ["a/b", "a:b", "a_b", "C1", "c1", "C2"]
            .iter()
            .map(|s| s.to_string())
            .collect();
        let stems = stems(&ids);
        let names: std::collections::BTreeSet<String> =
            stems.values().map(|s| s.to_lowercase()).collect();
        assert_eq!(names.len(), ids.len(), "{stems:?}");
        assert_eq!(stems["C2"], "C2");
        assert!(stems["a/b"].starts_with("a_b-"));
        assert_eq!(
            stems,
            super::stems(&ids),
            "the same ids give the same names"
        );
    }
}
