//! Tables: a bold header on a grey band, thin rules between rows, numbers right-aligned,
//! text shortened with "…" or wrapped within its column; a table that runs over the page
//! repeats its header, and a row never splits.

use super::{colour, Doc, Look, BODY, LEFT, RIGHT};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Align {
    Left,
    Right,
}

/// A column: its title, share of the table's width, alignment, and whether long text wraps
/// (else it is shortened).
#[derive(Debug, Clone)]
pub struct Column {
    pub title: String,
    pub weight: f32,
    pub align: Align,
    pub wrap: bool,
}

impl Column {
    pub fn text(title: &str, weight: f32) -> Column {
        Column {
            title: title.to_string(),
            weight,
            align: Align::Left,
            wrap: false,
        }
    }
    pub fn number(title: &str, weight: f32) -> Column {
        Column {
            align: Align::Right,
            ..Column::text(title, weight)
        }
    }
    pub fn wrapping(title: &str, weight: f32) -> Column {
        Column {
            wrap: true,
            ..Column::text(title, weight)
        }
    }
}

/// A cell: its main text, an optional grey note after it (an interval), and how it looks.
#[derive(Debug, Clone)]
pub struct Cell {
    pub text: String,
    pub note: Option<String>,
    pub look: Look,
    /// Flagged: the table's footnote goes on every page that shows this cell.
    pub flagged: bool,
    /// On a grey ground (a matrix cell with too few answers).
    pub shaded: bool,
}

impl Cell {
    pub fn new(text: impl Into<String>) -> Cell {
        Cell {
            text: text.into(),
            note: None,
            look: Look::BODY,
            flagged: false,
            shaded: false,
        }
    }
    pub fn with_note(mut self, note: Option<String>) -> Cell {
        self.note = note.map(|n| format!(" {n}"));
        self
    }
    /// A figure to read with care: grey italic, and the table's footnote on its page.
    pub fn flagged(mut self) -> Cell {
        self.look = self.look.italic().grey();
        self.flagged = true;
        self
    }
    /// Greyed, not hidden: text in grey on a grey ground.
    pub fn shaded(mut self, shaded: bool) -> Cell {
        if shaded {
            self.shaded = true;
            self.look = self.look.grey();
        }
        self
    }

    pub fn bold(mut self) -> Cell {
        self.look = self.look.bold();
        self
    }
}

const PAD: f32 = 4.0;

/// A title split in two lines as evenly as possible: the wider line's width, and the lines.
/// None for a single word.
fn even_split(doc: &Doc<'_>, title: &str, look: Look) -> Option<(f32, String, String)> {
    let words: Vec<&str> = title.split_whitespace().collect();
    (1..words.len())
        .map(|k| {
            let (a, b) = (words[..k].join(" "), words[k..].join(" "));
            (doc.width(&a, look).max(doc.width(&b, look)), a, b)
        })
        .min_by(|x, y| x.0.total_cmp(&y.0))
}

/// A column title in one line when it fits, else in two lines as even as possible ("Pain fell
/// ≥ 30%" over "(95% CI)", not "(95%" over "CI)"), else wrapped.
fn balanced(doc: &Doc<'_>, title: &str, look: Look, max: f32) -> Vec<String> {
    if doc.width(title, look) <= max {
        return vec![title.to_string()];
    }
    match even_split(doc, title, look) {
        Some((w, a, b)) if w <= max => vec![a, b],
        _ => doc.wrap(title, look, max),
    }
}

/// Column widths: each column's natural width (its widest cell, its longest header word),
/// the space left over shared by weight; when the natural widths overflow, the text columns
/// give way (they shorten or wrap) and the numbers keep theirs.
fn widths(doc: &Doc<'_>, columns: &[Column], rows: &[Vec<Cell>]) -> Vec<f32> {
    // Titles measured at the usual header size; when then a wrapped column would have to
    // break a word inside, at the smallest size [`draw`] sets titles in (it picks the
    // largest size at which no title word breaks), which gives the text columns more room.
    let (usual, words_fit) = widths_at(doc, columns, rows, 7.5);
    if words_fit {
        return usual;
    }
    match widths_at(doc, columns, rows, HEADER_SIZES[HEADER_SIZES.len() - 1]) {
        (small, true) => small,
        _ => usual,
    }
}

/// The sizes a table's titles may be set in, largest first.
const HEADER_SIZES: [f32; 5] = [8.5, 8.0, 7.5, 7.0, 6.5];

/// [`widths`] with the titles measured at `header_size`; also whether every wrapped
/// column is at least as wide as its widest word.
fn widths_at(
    doc: &Doc<'_>,
    columns: &[Column],
    rows: &[Vec<Cell>],
    header_size: f32,
) -> (Vec<f32>, bool) {
    let available = RIGHT - LEFT;
    let header_look = Look::BODY.bold().sized(header_size);
    let longest_word = |text: &str, look: Look| {
        text.split_whitespace()
            .map(|w| doc.width(w, look))
            .fold(0.0f32, f32::max)
    };
    let header_min: Vec<f32> = columns
        .iter()
        .map(|c| longest_word(&c.title, header_look) + 2.0 * PAD + 1.0)
        .collect();
    // A title may take two lines, never more: "Sore > 48 h" is "Sore >" over "48 h".
    let header_natural: Vec<f32> = columns
        .iter()
        .zip(&header_min)
        .map(|(c, &min)| {
            even_split(doc, &c.title, header_look)
                .map_or(min, |(w, _, _)| min.max(w + 2.0 * PAD + 1.0))
        })
        .collect();
    // The widest word of each column's cells: wrapped text breaks between words, not inside.
    let word_floor: Vec<f32> = columns
        .iter()
        .enumerate()
        .map(|(i, _)| {
            let widest = rows
                .iter()
                .filter_map(|r| r.get(i))
                .map(|cell| longest_word(&cell.text, cell.look))
                .fold(0.0f32, f32::max);
            header_min[i].max(widest + 2.0 * PAD + 1.0)
        })
        .collect();
    let natural: Vec<f32> = columns
        .iter()
        .enumerate()
        .map(|(i, c)| {
            let header = header_natural[i] - 2.0 * PAD - 1.0;
            let cells = rows
                .iter()
                .filter_map(|r| r.get(i))
                .map(|cell| {
                    doc.width(&cell.text, cell.look)
                        + cell
                            .note
                            .as_ref()
                            .map_or(0.0, |n| doc.width(n, cell.look.grey()))
                })
                .fold(0.0f32, f32::max);
            let cells = if c.wrap {
                cells.min(available * 0.5)
            } else {
                cells
            };
            header.max(cells) + 2.0 * PAD + 1.0
        })
        .collect();
    let sum: f32 = natural.iter().sum();
    if sum <= available {
        let weights: f32 = columns.iter().map(|c| c.weight).sum();
        let widths = natural
            .iter()
            .zip(columns)
            .map(|(n, c)| n + (available - sum) * c.weight / weights)
            .collect();
        return (widths, true);
    }
    // Wrapping columns give way first (they grow taller); failing those, every text column.
    let any_wrap = columns.iter().any(|c| c.wrap);
    let is_text = |c: &Column| {
        if any_wrap {
            c.wrap
        } else {
            c.align == Align::Left
        }
    };
    let fixed: f32 = natural
        .iter()
        .zip(columns)
        .filter(|(_, c)| !is_text(c))
        .map(|(n, _)| n)
        .sum();
    let text: f32 = natural
        .iter()
        .zip(columns)
        .filter(|(_, c)| is_text(c))
        .map(|(n, _)| n)
        .sum();
    let room = available - fixed;
    // Shrink in proportion, but never below a column's widest word (wrapped text breaks
    // between words). When those do not all fit, the column with the most weight (prose,
    // such as comments) gives way first, down to its longest header word; then the next.
    let floor_sum = |floor: &[f32]| -> f32 {
        columns
            .iter()
            .zip(floor)
            .filter(|(c, _)| is_text(c))
            .map(|(_, h)| h)
            .sum()
    };
    let mut give_way: Vec<usize> = (0..columns.len())
        .filter(|&i| is_text(&columns[i]))
        .collect();
    give_way.sort_by(|&a, &b| {
        columns[b]
            .weight
            .total_cmp(&columns[a].weight)
            .then(word_floor[b].total_cmp(&word_floor[a]))
    });
    let words_fit = floor_sum(&word_floor) <= room;
    let mut floor = word_floor;
    for i in give_way {
        if floor_sum(&floor) <= room {
            break;
        }
        floor[i] = header_min[i];
    }
    let header_min = floor;
    let widths = if text > 0.0 && room > 40.0 {
        let floors = floor_sum(&header_min);
        // What the text columns can give, each down to its floor (a column whose natural
        // width is under its floor, a word wider than half the page, gives nothing).
        let flexible: f32 = natural
            .iter()
            .zip(columns)
            .zip(&header_min)
            .filter(|((_, c), _)| is_text(c))
            .map(|((n, _), h)| (n - h).max(0.0))
            .sum::<f32>()
            .max(1.0);
        let spare = (room - floors).max(0.0);
        // Floors that still do not fit (a word wider than the page): the text columns share
        // the room in proportion and their words break, rather than run off the page.
        let squeeze = if floors > room { room / floors } else { 1.0 };
        natural
            .iter()
            .zip(columns)
            .zip(&header_min)
            .map(|((n, c), h)| {
                if is_text(c) {
                    h * squeeze + (n - h).max(0.0) * spare / flexible
                } else {
                    *n
                }
            })
            .collect()
    } else {
        natural.iter().map(|n| n * available / sum).collect()
    };
    (widths, words_fit && text > 0.0 && room > 40.0)
}

/// Draws a table at the cursor across the content width. `footnote` goes on every page the
/// table reaches when any cell is flagged.
pub fn draw(doc: &mut Doc<'_>, columns: &[Column], rows: &[Vec<Cell>], footnote: Option<&str>) {
    let widths = widths(doc, columns, rows);
    let line_h = BODY * 1.35;
    // The largest header size at which no title has to break inside a word.
    let header_size = HEADER_SIZES
        .into_iter()
        .find(|&size| {
            columns.iter().zip(&widths).all(|(c, w)| {
                c.title
                    .split_whitespace()
                    .all(|word| doc.width(word, Look::BODY.bold().sized(size)) <= w - 2.0 * PAD)
            })
        })
        .unwrap_or(6.5);
    let has_flag = rows.iter().flatten().any(|c| c.flagged);
    let header = |doc: &mut Doc<'_>| {
        if let (true, Some(note)) = (has_flag, footnote) {
            doc.footnote(note);
        }
        let look = Look::BODY.bold().sized(header_size);
        let lines: Vec<Vec<String>> = columns
            .iter()
            .zip(&widths)
            .map(|(c, w)| balanced(doc, &c.title, look, w - 2.0 * PAD))
            .collect();
        let n = lines.iter().map(Vec::len).max().unwrap_or(1) as f32;
        let h = n * header_size * 1.3 + 2.0 * PAD;
        let top = doc.y;
        doc.rect(LEFT, top, RIGHT - LEFT, h, colour::BAND);
        let mut x = LEFT;
        for ((c, w), ls) in columns.iter().zip(&widths).zip(&lines) {
            for (i, l) in ls.iter().enumerate() {
                let y = top + PAD + header_size + i as f32 * header_size * 1.3;
                match c.align {
                    Align::Left => doc.text(x + PAD, y, l, look),
                    Align::Right => doc.text_right(x + w - PAD, y, l, look),
                }
            }
            x += w;
        }
        doc.y += h;
        h
    };
    let row_lines = |doc: &Doc<'_>, row: &[Cell]| -> Vec<Vec<String>> {
        row.iter()
            .zip(columns)
            .zip(&widths)
            .map(|((cell, c), w)| {
                let room = w
                    - 2.0 * PAD
                    - cell
                        .note
                        .as_ref()
                        .map_or(0.0, |n| doc.width(n, cell.look.grey()));
                if c.wrap {
                    doc.wrap(&cell.text, cell.look, room)
                } else {
                    vec![doc.fit(&cell.text, cell.look, room)]
                }
            })
            .collect()
    };
    // The header and at least the first row stay together.
    let first_h = rows.first().map_or(0.0, |r| {
        row_lines(doc, r).iter().map(Vec::len).max().unwrap_or(1) as f32 * line_h + 2.0 * PAD
    });
    doc.ensure(3.0 * 8.5 * 1.3 + first_h);
    header(doc);
    for row in rows {
        let lines = row_lines(doc, row);
        let h = lines.iter().map(Vec::len).max().unwrap_or(1) as f32 * line_h + 2.0 * PAD - 2.0;
        if doc.y + h > doc.bottom() {
            doc.new_page();
            header(doc);
        }
        let top = doc.y;
        let mut x = LEFT;
        for (((cell, c), w), ls) in row.iter().zip(columns).zip(&widths).zip(&lines) {
            if cell.shaded {
                doc.rect(x + 1.0, top + 1.0, w - 2.0, h - 2.0, colour::BAND);
            }
            for (i, l) in ls.iter().enumerate() {
                let y = top + PAD + BODY + i as f32 * line_h - 1.0;
                match c.align {
                    Align::Left => {
                        doc.text(x + PAD, y, l, cell.look);
                        if let (Some(n), 0) = (&cell.note, i) {
                            let after = x + PAD + doc.width(l, cell.look);
                            doc.text(after, y, n, cell.look.grey());
                        }
                    }
                    Align::Right => {
                        let note_w = cell
                            .note
                            .as_ref()
                            .map_or(0.0, |n| doc.width(n, cell.look.grey()));
                        doc.text_right(x + w - PAD - note_w, y, l, cell.look);
                        if let (Some(n), 0) = (&cell.note, i) {
                            doc.text_right(x + w - PAD, y, n, cell.look.grey());
                        }
                    }
                }
            }
            x += w;
        }
        doc.y += h;
        doc.line((LEFT, doc.y), (RIGHT, doc.y), colour::RULE, 0.5, false);
    }
    doc.y += 4.0;
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::pdf::{Fonts, Furniture};

    fn with_doc(check: impl FnOnce(&Doc<'_>)) {
        let fonts = Fonts::load(None, "", true).unwrap();
        let doc = Doc::new(&fonts, Furniture::plain());
        check(&doc);
    }

    fn close(a: f32, b: f32) -> bool {
        (a - b).abs() < 0.01
    }

    /// A column's width when nothing constrains it: its widest cell or its title (in one or
    /// two lines), with the padding on both sides and the rule.
    fn natural(doc: &Doc<'_>, cells: &[&str], title_w: f32) -> f32 {
        let widest = cells
            .iter()
            .map(|t| doc.width(t, Look::BODY))
            .fold(0.0f32, f32::max);
        widest.max(title_w) + 2.0 * PAD + 1.0
    }

    #[test]
    fn a_narrow_table_shares_the_room_left_by_weight() {
        with_doc(|doc| {
            let columns = [Column::text("A", 1.0), Column::number("B", 3.0)];
            let rows = vec![vec![Cell::new("Neck"), Cell::new("12")]];
            let (w, fit) = widths_at(doc, &columns, &rows, 7.5);
            let title = |t| doc.width(t, Look::BODY.bold().sized(7.5));
            let n0 = natural(doc, &["Neck"], title("A"));
            let n1 = natural(doc, &["12"], title("B"));
            let spare = RIGHT - LEFT - n0 - n1;
            assert!(fit);
            assert!(close(w[0], n0 + spare / 4.0), "{w:?}");
            assert!(close(w[1], n1 + spare * 3.0 / 4.0), "{w:?}");
            assert!(close(w.iter().sum::<f32>(), RIGHT - LEFT));
        });
    }

    #[test]
    fn a_wrapped_column_takes_at_most_half_the_width_before_the_rest_is_shared() {
        with_doc(|doc| {
            let prose = "a comment that runs on well past the width of any page ".repeat(6);
            let columns = [
                Column::number("Sessions", 1.0),
                Column::wrapping("Comment", 3.0),
                Column::number("Fee", 1.0),
            ];
            let rows = vec![vec![
                Cell::new("1,234"),
                Cell::new(prose.trim()),
                Cell::new("12,480"),
            ]];
            let (w, fit) = widths_at(doc, &columns, &rows, 7.5);
            let title = |t| doc.width(t, Look::BODY.bold().sized(7.5));
            let available = RIGHT - LEFT;
            let n = [
                natural(doc, &["1,234"], title("Sessions")),
                available * 0.5 + 2.0 * PAD + 1.0,
                natural(doc, &["12,480"], title("Fee")),
            ];
            let spare = available - n.iter().sum::<f32>();
            assert!(fit);
            for (i, weight) in [1.0, 3.0, 1.0].into_iter().enumerate() {
                assert!(close(w[i], n[i] + spare * weight / 5.0), "{i}: {w:?}");
            }
        });
    }

    #[test]
    fn when_words_cannot_all_fit_the_heaviest_column_gives_way_first() {
        with_doc(|doc| {
            // Two wrapped columns each with a word wider than half the page.
            let long = "x".repeat(60);
            let columns = [
                Column::wrapping("Technique", 1.0),
                Column::wrapping("Comment", 3.0),
            ];
            let rows = vec![vec![Cell::new(long.clone()), Cell::new(long.clone())]];
            let (w, fit) = widths_at(doc, &columns, &rows, 7.5);
            assert!(!fit, "{w:?}");
            let word = doc.width(&long, Look::BODY) + 2.0 * PAD + 1.0;
            // The light column keeps its widest word whole; the heavy one is cut back.
            assert!(w[0] >= word - 0.01, "{w:?}");
            assert!(w[1] < word, "{w:?}");
            assert!(close(w.iter().sum::<f32>(), RIGHT - LEFT), "{w:?}");
        });
    }
}
