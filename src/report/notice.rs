//! The note on the first page of a shareable copy (SPEC "Reports that leave the clinic"):
//! what its "<11" and dashes mean, and why a large-looking group can show "<11".

use super::pdf::{colour, Doc, Look};

/// The note's text for `below` (`[privacy] min_cell`).
pub fn text(below: u64) -> String {
    let top = below - 1;
    format!(
        "Shareable copy. Counts from 1 to {top} are hidden, and so is one more where it would let them be \
         worked out: a group shows \u{201c}<{below}\u{201d} when it is small, or when it is the next smallest \
         beside a single small one (the total would give that one away). A figure computed over fewer than \
         {below} sessions, or one from which a hidden count would follow, shows \u{201c}\u{2013}\u{201d}. \
         Zeros are shown."
    )
}

/// Draws the note under the title of a shareable copy; nothing for a full report.
pub fn draw(doc: &mut Doc<'_>, suppressed_below: Option<u64>) {
    let Some(below) = suppressed_below else {
        return;
    };
    let look = Look::BODY.sized(9.0).coloured(colour::TEXT);
    doc.paragraph(&text(below), look.italic());
    doc.y += 6.0;
}
