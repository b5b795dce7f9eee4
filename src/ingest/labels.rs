//! Label normalisation with the config's aliases, cached: an export repeats a handful of
//! technique and region spellings over millions of rows.

use std::collections::BTreeMap;

/// foldhash: these caches are probed twice per row.
type HashMap<K, V> = std::collections::HashMap<K, V, foldhash::fast::FixedState>;

use crate::model::normalise_label;

/// Turns raw labels into canonical ones, remembering each spelling it has seen.
pub struct Labels {
    aliases: HashMap<String, String>,
    cache: HashMap<String, u32>,
    names: Vec<String>,
    ids: HashMap<String, u32>,
    /// Raw `;`-separated region lists → index into `lists`.
    list_cache: HashMap<String, u32>,
    lists: Vec<Vec<u32>>,
}

impl Labels {
    /// `aliases` as in the config: both sides are normalised before use.
    pub fn new(aliases: &BTreeMap<String, String>) -> Labels {
        Labels {
            aliases: aliases
                .iter()
                .map(|(k, v)| (normalise_label(k), normalise_label(v)))
                .collect(),
            cache: HashMap::default(),
            names: Vec::new(),
            ids: HashMap::default(),
            list_cache: HashMap::default(),
            lists: Vec::new(),
        }
    }

    /// The canonical label's id; None when nothing is left after normalisation.
    pub fn label(&mut self, raw: &str) -> Option<u32> {
        if let Some(&id) = self.cache.get(raw) {
            return Some(id);
        }
        let norm = normalise_label(raw);
        if norm.is_empty() {
            return None;
        }
        let canonical = self.aliases.get(&norm).cloned().unwrap_or(norm);
        let next = self.names.len() as u32;
        let id = *self.ids.entry(canonical.clone()).or_insert(next);
        if id == next {
            self.names.push(canonical);
        }
        self.cache.insert(raw.to_string(), id);
        Some(id)
    }

    /// A list separated by `sep` (`;` in the contract): empty parts and repeats dropped,
    /// first-seen order kept. Returns the list's index, or None when no label is left.
    pub fn list(&mut self, raw: &str, sep: char) -> Option<u32> {
        if let Some(&i) = self.list_cache.get(raw) {
            return Some(i);
        }
        let mut ids: Vec<u32> = Vec::new();
        for part in raw.split(sep) {
            if let Some(id) = self.label(part) {
                if !ids.contains(&id) {
                    ids.push(id);
                }
            }
        }
        if ids.is_empty() {
            return None;
        }
        let i = self.lists.len() as u32;
        self.lists.push(ids);
        self.list_cache.insert(raw.to_string(), i);
        Some(i)
    }

    /// The empty list (regions not recorded).
    pub fn none(&mut self) -> u32 {
        if let Some(&i) = self.list_cache.get("") {
            return i;
        }
        let i = self.lists.len() as u32;
        self.lists.push(Vec::new());
        self.list_cache.insert(String::new(), i);
        i
    }

    pub fn name(&self, id: u32) -> &str {
        &self.names[id as usize]
    }

    /// The labels of a list, by their ids.
    pub fn list_labels(&self, list: u32) -> &[u32] {
        &self.lists[list as usize]
    }

    #[cfg(test)]
    pub fn list_names(&self, list: u32) -> impl Iterator<Item = &str> {
        self.lists[list as usize].iter().map(|&id| self.name(id))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn aliases_apply_after_normalisation() {
        let mut aliases = BTreeMap::new();
        aliases.insert(
            "Trigger Point Pressure".to_string(),
            "Ischemic compression".to_string(),
        );
        let mut l = Labels::new(&aliases);
        let a = l.label("trigger-point  pressure").unwrap();
        let b = l.label("ISCHEMIC_COMPRESSION").unwrap();
        assert_eq!(a, b);
        assert_eq!(l.name(a), "ischemic_compression");
        assert_eq!(l.label("  "), None);
    }

    #[test]
    fn lists_drop_empty_parts_and_repeats() {
        let mut l = Labels::new(&BTreeMap::new());
        let i = l.list("Neck; ;neck;Upper back;", ';').unwrap();
        assert_eq!(
            l.list_names(i).collect::<Vec<_>>(),
            vec!["neck", "upper_back"]
        );
        assert_eq!(l.list(" ; ;", ';'), None);
        let i = l.list("Neck, Upper back", ',').unwrap();
        assert_eq!(
            l.list_names(i).collect::<Vec<_>>(),
            vec!["neck", "upper_back"]
        );
        let none = l.none();
        assert_eq!(l.list_names(none).count(), 0);
    }
}
