//! The clients of the accepted sessions: a dense integer code per client id, in the ids'
//! order, and each client's latest name, held once per client. The sessions frame carries
//! the code, not the id and the name: a chain's year repeats each client's id and name on
//! every visit (0.4 GB of strings at 10 M sessions), and every group-by, join and sort on
//! clients then compares integers.

use rayon::prelude::*;

use super::index::{Arena, IdIndex};

/// No name recorded (an index into the names otherwise).
const NO_NAME: u32 = u32::MAX;

/// The latest name seen of one client, by the (date, line) of the session that gave it.
#[derive(Debug, Clone, Copy)]
struct Latest {
    date: i32,
    line: u64,
    name: u32,
}

/// Gathers the clients as the accepted sessions are appended in file order.
#[derive(Debug, Default)]
pub(super) struct ClientsBuilder {
    /// Client id → its number in order of first appearance.
    index: IdIndex,
    latest: Vec<Latest>,
    names: Arena,
}

impl ClientsBuilder {
    /// Room for about `rows` sessions (a client has one or more).
    pub fn with_capacity(rows: usize) -> ClientsBuilder {
        let clients = rows / 4 + 16;
        ClientsBuilder {
            index: IdIndex::with_capacity(clients, clients * 8),
            latest: Vec::with_capacity(clients),
            names: Arena::with_capacity(clients, clients * 14),
        }
    }

    /// One accepted session of client `id`: returns the client's number (in order of first
    /// appearance, until [`ClientsBuilder::finish`] puts them in the ids' order).
    #[cfg(test)]
    pub fn add(&mut self, id: &str, name: Option<&str>, date: i32, line: u64) -> u32 {
        let number = self.number(id);
        self.named(number, name, date, line);
        number
    }

    /// The number of client `id` (a new one for an id not seen before); its name is
    /// [`ClientsBuilder::named`]'s, in a second pass over a range's rows: each row's lookups
    /// are then independent of the row before, and the processor overlaps their cache misses
    /// (a chain's year has millions of clients).
    pub fn number(&mut self, id: &str) -> u32 {
        match self.index.insert(id) {
            Ok(n) => {
                self.latest.push(Latest {
                    date: i32::MIN,
                    line: 0,
                    name: NO_NAME,
                });
                n
            }
            Err(n) => n,
        }
    }

    /// Client `number` had a session on `date` at `line`, under `name`.
    pub fn named(&mut self, number: u32, name: Option<&str>, date: i32, line: u64) {
        if let Some(name) = name.filter(|n| !n.is_empty()) {
            let latest = &mut self.latest[number as usize];
            if (date, line) > (latest.date, latest.line) {
                // A client's name is nearly always the one seen before: kept once.
                if latest.name == NO_NAME || self.names.get(latest.name) != name {
                    latest.name = self.names.push(name);
                }
                latest.date = date;
                latest.line = line;
            }
        }
    }

    /// The clients in the ids' order ([`Clients::code_of_number`] turns the numbers
    /// [`ClientsBuilder::number`] gave into codes).
    pub fn finish(self) -> Clients {
        let mut order: Vec<u32> = (0..self.latest.len() as u32).collect();
        // Bytes in order are text in order (UTF-8 keeps it). On every core: a chain's year
        // has millions of clients, each comparison two reads from the ids' buffer.
        order.par_sort_unstable_by(|&a, &b| self.index.id_bytes(a).cmp(self.index.id_bytes(b)));
        let mut code = vec![0u32; order.len()];
        for (c, &n) in order.iter().enumerate() {
            code[n as usize] = c as u32;
        }
        Clients {
            index: self.index,
            latest: self.latest,
            names: self.names,
            order,
            code,
        }
    }
}

/// Every client of the accepted sessions, by code (codes are 0, 1, 2 … in the order of the
/// ids' text, so a sort by code is a sort by id).
#[derive(Debug, Default)]
pub struct Clients {
    index: IdIndex,
    latest: Vec<Latest>,
    names: Arena,
    /// Code → number of first appearance.
    order: Vec<u32>,
    /// Number of first appearance → code.
    code: Vec<u32>,
}

impl Clients {
    /// How many clients there are (codes run from 0 to one below this).
    pub fn len(&self) -> usize {
        self.order.len()
    }

    pub fn is_empty(&self) -> bool {
        self.order.is_empty()
    }

    /// The code of client `id` (as compared: see `sessions::identity`), if it has an
    /// accepted session.
    pub fn code(&self, id: &str) -> Option<u32> {
        self.index.get(id).map(|n| self.code_of_number(n))
    }

    /// The code of the client [`ClientsBuilder::number`] gave number `n`.
    pub(super) fn code_of_number(&self, n: u32) -> u32 {
        self.code[n as usize]
    }

    /// The id of the client with `code`; empty for a code that is no client's.
    pub fn id(&self, code: u32) -> &str {
        match self.order.get(code as usize) {
            Some(&n) => self.index.id(n),
            None => "",
        }
    }

    /// The latest non-empty name anywhere in the file (by date, then line), if any.
    pub fn name(&self, code: u32) -> Option<&str> {
        let n = *self.order.get(code as usize)?;
        let name = self.latest[n as usize].name;
        (name != NO_NAME).then(|| self.names.get(name))
    }

    /// Every client's name (for the fonts that must set them).
    pub fn names(&self) -> impl Iterator<Item = &str> {
        (0..self.len() as u32).filter_map(|c| self.name(c))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_follow_the_ids_order_and_names_are_the_latest_by_date_then_line() {
        let mut b = ClientsBuilder::with_capacity(0);
        // First appearance: C9, C10, A1.
        assert_eq!(b.add("C9", Some("Old"), 20, 2), 0);
        assert_eq!(b.add("C10", None, 5, 3), 1);
        assert_eq!(b.add("A1", Some("Ann"), 7, 4), 2);
        // An earlier date on a later line does not replace the name.
        assert_eq!(b.add("C9", Some("Earlier"), 10, 5), 0);
        // The same date on a later line does.
        assert_eq!(b.add("C9", Some("New"), 20, 6), 0);
        // An empty name is no name.
        assert_eq!(b.add("A1", Some(""), 30, 7), 2);
        let clients = b.finish();
        // Text order: A1 < C10 < C9.
        assert_eq!(
            (0..3)
                .map(|n| clients.code_of_number(n))
                .collect::<Vec<_>>(),
            [2, 1, 0]
        );
        assert_eq!(clients.len(), 3);
        assert_eq!(
            (0..3).map(|c| clients.id(c)).collect::<Vec<_>>(),
            ["A1", "C10", "C9"]
        );
        assert_eq!(
            (0..3).map(|c| clients.name(c)).collect::<Vec<_>>(),
            [Some("Ann"), None, Some("New")]
        );
        assert_eq!(clients.code("C9"), Some(2));
        assert_eq!(clients.code("C10"), Some(1));
        assert_eq!(clients.code("c9"), None);
        assert_eq!(clients.code("B"), None);
        assert_eq!(clients.id(3), "");
        assert_eq!(clients.name(3), None);
        assert_eq!(clients.names().collect::<Vec<_>>(), ["Ann", "New"]);
    }

    #[test]
    fn no_sessions_no_clients() {
        let clients = ClientsBuilder::default().finish();
        assert!(clients.is_empty());
        assert_eq!(clients.code(""), None);
    }
}
