//! Session ids held in one buffer and found by hash: a million accepted sessions would
//! otherwise be a million small allocations to make, probe and free.

use std::hash::BuildHasher;

use hashbrown::hash_table::Entry;
use hashbrown::HashTable;

/// Strings appended to one buffer, each addressed by its number.
#[derive(Debug, Default)]
pub(super) struct Arena {
    text: String,
    ends: Vec<usize>,
}

impl Arena {
    pub fn with_capacity(items: usize, bytes: usize) -> Arena {
        Arena {
            text: String::with_capacity(bytes),
            ends: Vec::with_capacity(items),
        }
    }

    pub fn push(&mut self, s: &str) -> u32 {
        self.text.push_str(s);
        self.ends.push(self.text.len());
        (self.ends.len() - 1) as u32
    }

    pub fn get(&self, i: u32) -> &str {
        let i = i as usize;
        let start = if i == 0 { 0 } else { self.ends[i - 1] };
        &self.text[start..self.ends[i]]
    }
}

/// Accepted session ids → their row number (rows are numbered in acceptance order).
#[derive(Debug, Default)]
pub(super) struct IdIndex {
    ids: Arena,
    table: HashTable<u32>,
    hasher: foldhash::fast::FixedState,
}

impl IdIndex {
    /// Room for about `rows` ids of `bytes` in all, so the table does not rehash as it fills.
    pub fn with_capacity(rows: usize, bytes: usize) -> IdIndex {
        IdIndex {
            ids: Arena::with_capacity(rows, bytes),
            table: HashTable::with_capacity(rows),
            hasher: foldhash::fast::FixedState::default(),
        }
    }

    pub fn get(&self, id: &str) -> Option<u32> {
        let hash = self.hasher.hash_one(id);
        self.table
            .find(hash, |&row| self.ids.get(row) == id)
            .copied()
    }

    /// Adds `id` with the next row number, or returns the row that already has it
    /// (one probe for both: every session row asks this once).
    pub fn insert(&mut self, id: &str) -> Result<u32, u32> {
        let hash = self.hasher.hash_one(id);
        let IdIndex { ids, table, hasher } = self;
        match table.entry(
            hash,
            |&r| ids.get(r) == id,
            |&r| hasher.hash_one(ids.get(r)),
        ) {
            Entry::Occupied(e) => Err(*e.get()),
            Entry::Vacant(v) => {
                let row = ids.push(id);
                v.insert(row);
                Ok(row)
            }
        }
    }

    /// The id of a row.
    pub fn id(&self, row: u32) -> &str {
        self.ids.get(row)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_what_it_holds_and_nothing_else() {
        let mut ix = IdIndex::with_capacity(1, 1);
        for i in 0..1000 {
            assert_eq!(ix.insert(&format!("S{i}")), Ok(i));
        }
        assert_eq!(ix.insert("S7"), Err(7));
        // Ids alike in their first bytes.
        let long = "0123456789abcdef";
        assert_eq!(ix.insert(long), Ok(1000));
        assert_eq!(ix.insert("0123456789abcdeF"), Ok(1001));
        assert_eq!(ix.insert("0123456789a"), Ok(1002));
        assert_eq!(ix.get(long), Some(1000));
        assert_eq!(ix.get("0123456789abcdeF"), Some(1001));
        assert_eq!(ix.get("0123456789a"), Some(1002));
        assert_eq!(ix.get("0123456789ab"), None);
        let huge = "x".repeat(300);
        assert_eq!(ix.insert(&huge), Ok(1003));
        assert_eq!(ix.get(&"x".repeat(301)), None);
        assert_eq!(ix.get(&huge), Some(1003));
        assert_eq!(ix.id(1003), huge);
        assert_eq!(ix.get("S0"), Some(0));
        assert_eq!(ix.get("S999"), Some(999));
        assert_eq!(ix.get("S1000"), None);
        assert_eq!(ix.get(""), None);
        let mut a = Arena::default();
        assert_eq!((a.push(""), a.push("ab"), a.push("")), (0, 1, 2));
        assert_eq!((a.get(0), a.get(1), a.get(2)), ("", "ab", ""));
    }
}
