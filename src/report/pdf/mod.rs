//! A small layout toolkit over printpdf's ops, knowing nothing of any report: A4 pages with
//! their furniture, text measured with the fonts' own advance widths, tables and charts.
//!
//! - [`canvas`]: the drawing layer — pages, text measured and set, wrapping and shortening,
//!   rules and boxes;
//! - [`doc`]: the layout cursor on a canvas — headings, paragraphs, footnotes, the finished
//!   PDF;
//! - [`furniture`]: the header, footer, page numbers and footnotes of every page;
//! - [`colour`]: the palette;
//! - [`fonts`]: the embedded base font and the fallbacks, per run of characters;
//! - [`table`], [`chart`]: built on the cursor;
//! - `save`: the finished pages as deterministic PDF bytes.
//!
//! Each layer calls only downward: doc → furniture → canvas → fonts; doc → save → canvas.

pub mod canvas;
pub mod chart;
pub mod colour;
pub mod doc;
pub mod fonts;
pub mod furniture;
mod save;
pub mod table;

pub use doc::{Doc, Look};
pub use fonts::{check_font, FontError, Fonts};
pub use furniture::Furniture;

/// A4 in points.
pub const PAGE_W: f32 = 595.276;
pub const PAGE_H: f32 = 841.89;
/// 18 mm.
pub const MARGIN: f32 = 51.024;
pub const LEFT: f32 = MARGIN;
pub const RIGHT: f32 = PAGE_W - MARGIN;
/// Where content starts and must end (header and footer bands outside).
pub const TOP: f32 = MARGIN + 14.0;
pub const BOTTOM: f32 = PAGE_H - MARGIN - 16.0;

pub const BODY: f32 = 9.5;
pub const SMALL: f32 = 8.0;
