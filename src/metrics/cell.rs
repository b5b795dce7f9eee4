//! A figure of a summary that a shareable copy may hide (SPEC "Reports that leave the
//! clinic"). Full reports only ever hold shown cells, and a shown cell serialises as its
//! value, so the full reports' bytes do not depend on this type; a hidden one is `null`.

use serde::{Serialize, Serializer};

/// A value, or the fact that it was hidden because it was a count below `below` (or could
/// be worked out from one).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Cell<T> {
    Shown(T),
    Hidden { below: u64 },
}

/// A count of sessions, clients, responses, bookings …
pub type Count = Cell<u64>;

impl<T> Cell<T> {
    /// The same cell with its value, if shown, mapped.
    pub fn map<U>(self, f: impl FnOnce(T) -> U) -> Cell<U> {
        match self {
            Cell::Shown(v) => Cell::Shown(f(v)),
            Cell::Hidden { below } => Cell::Hidden { below },
        }
    }
}

impl<T: Copy + Default> Cell<T> {
    /// The value, None when hidden.
    pub fn shown(self) -> Option<T> {
        match self {
            Cell::Shown(v) => Some(v),
            Cell::Hidden { .. } => None,
        }
    }

    /// The value; a hidden cell reads as zero. Only a shareable copy holds hidden cells and
    /// no figure is computed from one: this is for the metrics, which build full summaries,
    /// and for drawing (a hidden bar is not drawn).
    pub fn value(self) -> T {
        self.shown().unwrap_or_default()
    }

    pub fn is_hidden(self) -> bool {
        matches!(self, Cell::Hidden { .. })
    }
}

impl<T: Default> Default for Cell<T> {
    fn default() -> Self {
        Cell::Shown(T::default())
    }
}

impl<T> From<T> for Cell<T> {
    fn from(v: T) -> Self {
        Cell::Shown(v)
    }
}

impl PartialEq<u64> for Count {
    fn eq(&self, other: &u64) -> bool {
        *self == Cell::Shown(*other)
    }
}

impl<T: Serialize> Serialize for Cell<T> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self {
            Cell::Shown(v) => v.serialize(s),
            Cell::Hidden { .. } => s.serialize_none(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_shown_cell_serialises_as_its_value_and_a_hidden_one_as_null() {
        let cells: Vec<Count> = vec![Cell::Shown(7), Cell::Hidden { below: 11 }, 0.into()];
        assert_eq!(serde_json::to_string(&cells).unwrap(), "[7,null,0]");
        assert_eq!(Cell::Hidden::<u64> { below: 11 }.value(), 0);
        assert_eq!(Count::from(4).shown(), Some(4));
    }
}
