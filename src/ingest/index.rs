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
#[derive(Debug)]
pub(super) struct IdIndex {
    /// Per id, 4-byte aligned: its length (u32, little-endian), then its bytes.
    text: Vec<u8>,
    /// Number → where the id starts, in units of 4 bytes (16 GB of ids in all: more than
    /// any export that fits in memory).
    starts: Vec<u32>,
    /// (start, number) of each id, once the ids came out of order.
    table: HashTable<(u32, u32)>,
    hasher: foldhash::fast::FixedState,
    /// Every id so far came after the one added before it (in [`IdIndex::before`]'s order)
    /// and the table is empty: an id is then found by halving and added without a probe. A
    /// session export is often in id order (the bundled sample is), and the table's probes,
    /// each a cache miss, were a fifth of reading a chain's year; an id in order is one
    /// comparison with the id just added. The first id out of order (or repeats more than
    /// one in 64: a client's visits) fills the table, which is used from then on.
    in_order: bool,
    /// Ids added again while in order.
    repeats: usize,
    /// A table built for lookups of ids in order that come in no order of their own (a
    /// survey exported in another order than its sessions): halving each of millions of
    /// lookups costs more than one table.
    lookups: std::sync::OnceLock<HashTable<(u32, u32)>>,
}

/// Where a reader's lookups are: the last number found, and how often the numbers after it
/// held the next id (see [`IdIndex::get_near`]).
#[derive(Debug, Default, Clone, Copy)]
pub(super) struct Near {
    at: u32,
    lookups: u32,
    far: u32,
}

impl Default for IdIndex {
    fn default() -> IdIndex {
        IdIndex::with_capacity(0, 0)
    }
}

impl IdIndex {
    /// Room for about `rows` ids of `bytes` in all, so the table does not rehash as it fills.
    pub fn with_capacity(rows: usize, bytes: usize) -> IdIndex {
        IdIndex {
            text: Vec::with_capacity(bytes + rows * 8),
            starts: Vec::with_capacity(rows),
            table: HashTable::new(),
            hasher: foldhash::fast::FixedState::default(),
            in_order: true,
            repeats: 0,
            lookups: std::sync::OnceLock::new(),
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

    /// The order ids are kept in while they come in order: shorter first, then by bytes, so
    /// that numbers written without leading zeros (`9`, `10`) are in order too.
    fn before(a: &[u8], b: &[u8]) -> bool {
        (a.len(), a) < (b.len(), b)
    }

    /// The number of `id` while the ids are in order, by halving.
    fn search(&self, id: &[u8]) -> Option<u32> {
        let n = self
            .starts
            .partition_point(|&s| Self::before(Self::at(&self.text, s), id));
        let found = self.starts.get(n).map(|&s| Self::at(&self.text, s));
        (found == Some(id)).then_some(n as u32)
    }

    /// The ids came out of order: every id so far goes into the table, sized for the ids
    /// the buffer has room for.
    fn fill_table(&mut self) {
        self.table = self.table_of_all(self.starts.capacity());
        self.in_order = false;
    }

    /// A table of every id so far, with room for `room` in all.
    fn table_of_all(&self, room: usize) -> HashTable<(u32, u32)> {
        let (text, hasher) = (&self.text, &self.hasher);
        let rehash = |&(s, _): &(u32, u32)| hasher.hash_one(Self::at(text, s));
        let mut table = HashTable::with_capacity(room.max(self.starts.len()));
        for (n, &start) in self.starts.iter().enumerate() {
            let hash = hasher.hash_one(Self::at(text, start));
            table.insert_unique(hash, (start, n as u32), rehash);
        }
        table
    }

    /// Adds `id`'s bytes with the next number: returns where they start and the number.
    fn append(text: &mut Vec<u8>, starts: &mut Vec<u32>, id: &str) -> (u32, u32) {
        let start = (text.len() / 4) as u32;
        text.extend_from_slice(&(id.len() as u32).to_le_bytes());
        text.extend_from_slice(id.as_bytes());
        text.resize(text.len().next_multiple_of(4), 0);
        let n = starts.len() as u32;
        starts.push(start);
        (start, n)
    }

    pub fn get(&self, id: &str) -> Option<u32> {
        if self.in_order {
            return match self.lookups.get() {
                Some(table) => self.find(table, id),
                None => self.search(id.as_bytes()),
            };
        }
        self.find(&self.table, id)
    }

    fn find(&self, table: &HashTable<(u32, u32)>, id: &str) -> Option<u32> {
        let hash = self.hasher.hash_one(id.as_bytes());
        table
            .find(hash, |&(start, _)| {
                Self::at(&self.text, start) == id.as_bytes()
            })
            .map(|&(_, n)| n)
    }

    /// [`IdIndex::get`] for an id looked up soon after the one found last (answers to a
    /// survey come roughly in the order of their sessions): the few numbers from it on are
    /// read first, where they lie in memory beside the last one. Where that fails for more
    /// than one lookup in 16 (after a thousand), ids in order get a table for the lookups.
    pub fn get_near(&self, id: &str, near: &mut Near) -> Option<u32> {
        const AHEAD: u32 = 8;
        near.lookups += 1;
        let end = near.at.saturating_add(AHEAD).min(self.starts.len() as u32);
        let found = match (near.at..end).find(|&n| self.id_bytes(n) == id.as_bytes()) {
            Some(n) => Some(n),
            None => {
                near.far += 1;
                if self.in_order && near.far > 1024 && near.far > near.lookups / 16 {
                    // `get` uses it from then on.
                    self.lookups.get_or_init(|| self.table_of_all(0));
                }
                self.get(id)
            }
        };
        if let Some(n) = found {
            near.at = n;
        }
        found
    }

    /// Adds `id` with the next number, or returns the number that already has it
    /// (one probe for both: every session row asks this once).
    pub fn insert(&mut self, id: &str) -> Result<u32, u32> {
        if self.in_order {
            let last = self.starts.last().map(|&s| Self::at(&self.text, s));
            if last.is_none_or(|last| Self::before(last, id.as_bytes())) {
                return Ok(Self::append(&mut self.text, &mut self.starts, id).1);
            }
            // A repeat is not added, so the order holds; but each costs a halving, so where
            // repeats are common (a client's every visit) the table is cheaper.
            if self.repeats < self.starts.len() / 64 {
                if let Some(n) = self.search(id.as_bytes()) {
                    self.repeats += 1;
                    return Err(n);
                }
            }
            self.fill_table();
        }
        let hash = self.hasher.hash_one(id.as_bytes());
        let IdIndex {
            text,
            starts,
            table,
            hasher,
            ..
        } = self;
        match table.entry(
            hash,
            |&(start, _)| Self::at(text, start) == id.as_bytes(),
            |&(start, _)| hasher.hash_one(Self::at(text, start)),
        ) {
            Entry::Occupied(e) => Err(e.get().1),
            Entry::Vacant(v) => {
                let (start, n) = Self::append(text, starts, id);
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
        assert!(!ix.in_order, "S10 came after S9 in bytes, not in length");
        let mut a = Arena::default();
        assert_eq!((a.push(""), a.push("ab"), a.push("")), (0, 1, 2));
        assert_eq!((a.get(0), a.get(1), a.get(2)), ("", "ab", ""));
    }

    #[test]
    fn ids_in_order_are_found_without_the_table_until_one_is_not() {
        let mut ix = IdIndex::with_capacity(4, 4);
        // Without leading zeros, shorter first: 9 before 10.
        for (n, id) in ["8", "9", "10", "11", "100"].iter().enumerate() {
            assert_eq!(ix.insert(id), Ok(n as u32));
        }
        assert!(ix.in_order && ix.table.is_empty());
        assert_eq!(
            (ix.get("10"), ix.get("100"), ix.get("8")),
            (Some(2), Some(4), Some(0))
        );
        assert_eq!((ix.get("12"), ix.get("1"), ix.get("")), (None, None, None));
        // Repeats are found by halving and keep the order while they are rare (one in 64).
        for i in 0..200 {
            assert_eq!(ix.insert(&format!("{}", 1000 + i)), Ok(5 + i));
        }
        assert_eq!(ix.insert("9"), Err(1));
        assert!(ix.in_order);
        let mut near = Near {
            at: 3,
            ..Near::default()
        };
        assert_eq!(ix.get_near("1001", &mut near), Some(6));
        assert_eq!((near.at, near.far), (6, 0), "found among the next few");
        assert_eq!(ix.get_near("1002", &mut near), Some(7));
        assert_eq!(ix.get_near("8", &mut near), Some(0));
        assert_eq!((near.at, near.far), (0, 1));
        assert_eq!(ix.get_near("7", &mut near), None);
        assert_eq!(near.at, 0);
        // One out of order: every id goes into the table, and each is still found.
        assert_eq!(ix.insert("50"), Ok(205));
        assert!(!ix.in_order && ix.table.len() == 206);
        assert_eq!(ix.insert("10"), Err(2));
        assert_eq!(ix.insert("1199"), Err(204));
        assert_eq!(
            (ix.get("50"), ix.get("8"), ix.get("51")),
            (Some(205), Some(0), None)
        );
        assert_eq!(ix.get_near("1000", &mut near), Some(5));
        assert_eq!(ix.insert("7"), Ok(206));
        assert_eq!(ix.id(206), "7");
    }

    #[test]
    fn lookups_in_no_order_get_a_table_of_their_own() {
        let mut ix = IdIndex::default();
        for i in 0..5000u32 {
            assert_eq!(ix.insert(&format!("S{i:05}")), Ok(i));
        }
        let mut near = Near::default();
        // Backwards, each id the one before the last: never among the next eight.
        for k in 0..5000u32 {
            let n = (k * 4999) % 5000;
            assert_eq!(ix.get_near(&format!("S{n:05}"), &mut near), Some(n));
        }
        assert!(ix.in_order && ix.lookups.get().is_some());
        assert_eq!(ix.get("S04999"), Some(4999));
        assert_eq!(ix.get_near("S05000", &mut near), None);
        // In order, the next few: no table.
        let mut ix2 = IdIndex::default();
        for i in 0..5000u32 {
            assert_eq!(ix2.insert(&format!("S{i:05}")), Ok(i));
        }
        let mut near = Near::default();
        for n in 0..5000u32 {
            assert_eq!(ix2.get_near(&format!("S{n:05}"), &mut near), Some(n));
        }
        assert!(ix2.lookups.get().is_none());
        assert_eq!(near.far, 0);
    }

    #[test]
    fn repeats_that_are_common_leave_the_order_for_the_table() {
        let mut ix = IdIndex::default();
        for i in 0..64 {
            assert_eq!(ix.insert(&format!("C{i:03}")), Ok(i));
        }
        assert_eq!(ix.insert("C005"), Err(5));
        assert!(ix.in_order);
        assert_eq!(ix.insert("C006"), Err(6));
        assert!(!ix.in_order, "a second repeat in 64 ids");
        assert_eq!((ix.get("C063"), ix.get("C064")), (Some(63), None));
    }
}
