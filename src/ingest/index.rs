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

/// Ids → their number (ids are numbered in the order they were added).
///
/// Each id is kept in one buffer as its length and its bytes, and the table holds where it
/// starts beside its number: a probe reads the id it compares at that place, one memory
/// access where a list of ends would be two more (the probes of a chain's year are cache
/// misses, and they were a fifth of reading its exports in perf).
#[derive(Debug, Default)]
pub(super) struct IdIndex {
    /// Per id, 4-byte aligned: its length (u32, little-endian), then its bytes.
    text: Vec<u8>,
    /// Number → where the id starts, in units of 4 bytes (16 GB of ids in all: more than
    /// any export that fits in memory).
    starts: Vec<u32>,
    /// (start, number) of each id.
    table: HashTable<(u32, u32)>,
    hasher: foldhash::fast::FixedState,
}

impl IdIndex {
    /// Room for about `rows` ids of `bytes` in all, so the table does not rehash as it fills.
    pub fn with_capacity(rows: usize, bytes: usize) -> IdIndex {
        IdIndex {
            text: Vec::with_capacity(bytes + rows * 8),
            starts: Vec::with_capacity(rows),
            table: HashTable::with_capacity(rows),
            hasher: foldhash::fast::FixedState::default(),
        }
    }

    /// The bytes of the id that starts at `start`.
    fn at(text: &[u8], start: u32) -> &[u8] {
        let s = start as usize * 4;
        let len = text
            .get(s..s + 4)
            .map_or(0, |b| u32::from_le_bytes([b[0], b[1], b[2], b[3]]) as usize);
        text.get(s + 4..s + 4 + len).unwrap_or_default()
    }

    pub fn get(&self, id: &str) -> Option<u32> {
        let hash = self.hasher.hash_one(id.as_bytes());
        self.table
            .find(hash, |&(start, _)| {
                Self::at(&self.text, start) == id.as_bytes()
            })
            .map(|&(_, n)| n)
    }

    /// Adds `id` with the next number, or returns the number that already has it
    /// (one probe for both: every session row asks this once).
    pub fn insert(&mut self, id: &str) -> Result<u32, u32> {
        let hash = self.hasher.hash_one(id.as_bytes());
        let IdIndex {
            text,
            starts,
            table,
            hasher,
        } = self;
        match table.entry(
            hash,
            |&(start, _)| Self::at(text, start) == id.as_bytes(),
            |&(start, _)| hasher.hash_one(Self::at(text, start)),
        ) {
            Entry::Occupied(e) => Err(e.get().1),
            Entry::Vacant(v) => {
                let start = (text.len() / 4) as u32;
                text.extend_from_slice(&(id.len() as u32).to_le_bytes());
                text.extend_from_slice(id.as_bytes());
                text.resize(text.len().next_multiple_of(4), 0);
                let n = starts.len() as u32;
                starts.push(start);
                v.insert((start, n));
                Ok(n)
            }
        }
    }

    /// The id with number `n` (empty for a number no id has).
    pub fn id(&self, n: u32) -> &str {
        std::str::from_utf8(self.id_bytes(n)).unwrap_or_default()
    }

    /// The bytes of the id with number `n`, for comparing ids without reading them as text.
    pub fn id_bytes(&self, n: u32) -> &[u8] {
        match self.starts.get(n as usize) {
            Some(&s) => Self::at(&self.text, s),
            None => &[],
        }
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
