//! Charts as vector drawings: horizontal bars (with optional interval whiskers and a dashed
//! reference line) and vertical columns, light grid lines at "nice" ticks, axis titles, and
//! values written on the bars. A chart without data says so in its frame.

use super::{colour, Doc, Look, BOTTOM, LEFT, RIGHT, SMALL, TOP};
use crate::metrics::cell::Count;

/// The step between ticks: 1, 2, 2.5 or 5 × 10ⁿ, so that about `target` steps cover `max`.
pub fn nice_step(max: f64, target: usize) -> f64 {
    if max <= 0.0 || !max.is_finite() {
        return 1.0;
    }
    let rough = max / target.max(1) as f64;
    let magnitude = 10f64.powf(rough.log10().floor());
    [1.0, 2.0, 2.5, 5.0, 10.0]
        .into_iter()
        .map(|m| m * magnitude)
        .find(|&s| s >= rough)
        .unwrap_or(10.0 * magnitude)
}

/// Tick values from 0 to the first tick at or above `max`.
pub fn ticks(max: f64, target: usize) -> Vec<f64> {
    let step = nice_step(max, target);
    let n = (max / step).ceil().max(1.0) as usize;
    (0..=n).map(|i| i as f64 * step).collect()
}

fn tick_label(v: f64, unit: &str) -> String {
    let s = if v.fract().abs() < 1e-9 {
        crate::report::format::thousands(v as i64)
    } else {
        format!("{v:.1}")
    };
    format!("{s}{unit}")
}

/// One horizontal bar.
#[derive(Debug, Clone)]
pub struct Bar {
    pub label: String,
    pub value: f64,
    pub colour: colour::Rgb,
    /// Written at the bar's end (or after the whisker).
    pub value_label: String,
    /// A 95% interval drawn as a whisker.
    pub interval: Option<(f64, f64)>,
    /// Drawn paler, for low samples.
    pub faint: bool,
}

impl Bar {
    /// A bar of a count, labelled with it; a hidden count (a shareable copy's small cell)
    /// draws no bar, only its `<11`.
    pub fn count(label: String, n: impl Into<Count>, colour: colour::Rgb) -> Bar {
        let n = n.into();
        Bar {
            label,
            value: n.value() as f64,
            colour,
            value_label: crate::report::format::count(n),
            interval: None,
            faint: n.is_hidden(),
        }
    }
}

/// A dashed vertical line across the bars, labelled at its top.
#[derive(Debug, Clone)]
pub struct Reference {
    pub value: f64,
    pub label: String,
}

/// What a bar chart's axis shows.
#[derive(Debug, Clone)]
pub struct Axis {
    pub title: String,
    /// Appended to tick labels ("%", " h").
    pub unit: String,
    /// Tick values are multiplied by this for their labels (100 for shares as %).
    pub scale: f64,
    /// The axis reaches at least this far (1.0 for shares).
    pub min_max: f64,
}

impl Axis {
    /// A share axis from 0 to 100%.
    pub fn shares(title: &str) -> Axis {
        Axis {
            title: title.to_string(),
            unit: "%".into(),
            scale: 100.0,
            min_max: 1.0,
        }
    }

    /// A plain count axis.
    pub fn counts(title: &str) -> Axis {
        Axis {
            title: title.to_string(),
            unit: String::new(),
            scale: 1.0,
            min_max: 1.0,
        }
    }
}

const BAR_H: f32 = 11.0;
const BAR_GAP: f32 = 5.0;

/// A frame that says there is nothing to draw.
pub fn empty(doc: &mut Doc<'_>, message: &str, height: f32) {
    doc.ensure(height);
    let top = doc.y;
    doc.line((LEFT, top), (RIGHT, top), colour::RULE, 0.5, false);
    doc.line(
        (LEFT, top + height),
        (RIGHT, top + height),
        colour::RULE,
        0.5,
        false,
    );
    doc.line((LEFT, top), (LEFT, top + height), colour::RULE, 0.5, false);
    doc.line(
        (RIGHT, top),
        (RIGHT, top + height),
        colour::RULE,
        0.5,
        false,
    );
    let look = Look::BODY.grey().italic();
    doc.text_centred(
        (LEFT + RIGHT) / 2.0,
        top + height / 2.0 + 3.0,
        message,
        look,
    );
    doc.y += height + 6.0;
}

/// Horizontal bars, one per item in the order given.
/// The height [`hbars`] takes for `n` bars: a heading keeps this much room below it, so it
/// never ends a page without its chart.
pub fn hbars_height(n: usize, reference: bool) -> f32 {
    let top_pad = if reference { 12.0 } else { 2.0 };
    top_pad + n.max(1) as f32 * (BAR_H + BAR_GAP) + 30.0
}

pub fn hbars(
    doc: &mut Doc<'_>,
    bars: &[Bar],
    axis: &Axis,
    reference: Option<&Reference>,
    empty_message: &str,
) {
    if bars.is_empty() {
        empty(doc, empty_message, 50.0);
        return;
    }
    let small = Look::BODY.sized(SMALL);
    let label_look = Look::BODY.sized(8.5);
    let label_w = bars
        .iter()
        .map(|b| doc.width(&b.label, label_look))
        .fold(0.0f32, f32::max)
        .min((RIGHT - LEFT) * 0.3);
    let value_w = bars
        .iter()
        .map(|b| doc.width(&b.value_label, small))
        .fold(0.0f32, f32::max)
        + 8.0;
    let x0 = LEFT + label_w + 8.0;
    let x1 = RIGHT - value_w;
    let top_pad = if reference.is_some() { 12.0 } else { 2.0 };
    let height = hbars_height(bars.len(), reference.is_some());
    // A chart that fits on a page is kept whole; a longer one fills this page and runs on,
    // each part with its axis (the same scale throughout) under the heading "(continued)".
    if height <= BOTTOM - TOP {
        doc.ensure(height);
    } else if doc.y + hbars_height(MIN_PART, reference.is_some()) > doc.bottom() {
        doc.continued();
    }

    let max = bars
        .iter()
        .map(|b| b.interval.map_or(b.value, |(_, hi)| hi.max(b.value)))
        .chain(reference.map(|r| r.value))
        .fold(axis.min_max, f64::max);
    // Values can be negative (a pain reduction below zero): the axis then starts below 0.
    let min = bars
        .iter()
        .map(|b| b.interval.map_or(b.value, |(lo, _)| lo.min(b.value)))
        .fold(0.0, f64::min);
    let step = nice_step(max - min, 5);
    let first_tick = (min / step).floor() * step;
    let last_tick = (max / step).ceil().max(1.0) * step;
    let ticks: Vec<f64> = (0..=((last_tick - first_tick) / step).round() as usize)
        .map(|i| first_tick + i as f64 * step)
        .collect();
    let x_of = |v: f64| x0 + (x1 - x0) * ((v - first_tick) / (last_tick - first_tick)) as f32;

    let mut rest = bars;
    while !rest.is_empty() {
        let room = doc.bottom() - doc.y - (hbars_height(0, reference.is_some()) - BAR_H - BAR_GAP);
        let fit = ((room / (BAR_H + BAR_GAP)).floor().max(1.0) as usize).min(rest.len());
        let (part, after) = rest.split_at(fit);
        let top = doc.y + top_pad;
        let plot_bottom = top + part.len() as f32 * (BAR_H + BAR_GAP);

        for &t in &ticks {
            let x = x_of(t);
            let zero = t.abs() < 1e-12;
            let grid = if zero { colour::GREY } else { colour::RULE };
            doc.line((x, top - 2.0), (x, plot_bottom), grid, 0.5, false);
            doc.text_centred(
                x,
                plot_bottom + 9.0,
                &tick_label(t * axis.scale, &axis.unit),
                small.grey(),
            );
        }
        doc.text_centred(
            (x0 + x1) / 2.0,
            plot_bottom + 20.0,
            &axis.title,
            small.grey(),
        );

        for (i, b) in part.iter().enumerate() {
            let y = top + i as f32 * (BAR_H + BAR_GAP);
            let label = doc.fit(&b.label, label_look, label_w);
            doc.text_right(x0 - 6.0, y + BAR_H - 2.5, &label, label_look);
            let fill = if b.faint { faint(b.colour) } else { b.colour };
            let (a, z) = (x_of(b.value.min(0.0)), x_of(b.value.max(0.0)));
            if z > a {
                doc.rect(a, y, z - a, BAR_H, fill);
            }
            let mut end = x_of(b.value);
            if let Some((lo, hi)) = b.interval {
                let (a, z) = (x_of(lo), x_of(hi));
                let mid = y + BAR_H / 2.0;
                doc.line((a, mid), (z, mid), colour::TEXT, 0.7, false);
                doc.line((a, mid - 3.0), (a, mid + 3.0), colour::TEXT, 0.7, false);
                doc.line((z, mid - 3.0), (z, mid + 3.0), colour::TEXT, 0.7, false);
                end = end.max(z);
            }
            let look = if b.faint {
                small.italic().grey()
            } else {
                small
            };
            doc.text(end + 4.0, y + BAR_H - 2.5, &b.value_label, look);
        }
        if let Some(r) = reference {
            let x = x_of(r.value);
            doc.line((x, top - 4.0), (x, plot_bottom), colour::GREY, 0.8, true);
            doc.text_centred(x, top - 6.0, &r.label, small.grey());
        }
        doc.y = plot_bottom + 28.0;
        rest = after;
        if !rest.is_empty() {
            doc.continued();
        }
    }
}

/// The fewest bars a part of a long chart starts with on a page: fewer go to the next page.
const MIN_PART: usize = 3;

/// A paler version of a palette colour (for low samples).
fn faint(c: colour::Rgb) -> colour::Rgb {
    let mix = |v: u8| ((u16::from(v) + 2 * 255) / 3) as u8;
    (mix(c.0), mix(c.1), mix(c.2))
}

/// A column chart: values in the order given (days, visits).
pub struct Columns<'a> {
    /// A label and a value per column; None is a value not known (drawn as `missing`'s mark,
    /// never as 0).
    pub values: &'a [(String, Option<f64>)],
    pub axis_title: &'a str,
    /// Label at most every this many columns.
    pub label_every: usize,
    pub colour: colour::Rgb,
    pub reference: Option<&'a Reference>,
    /// Shown in an empty frame when no value is known.
    pub empty_message: &'a str,
    /// For unknown values: the mark drawn in the column's place and what it means (said under
    /// the chart when any value is unknown).
    pub missing: Option<(&'a str, &'a str)>,
}

/// Draws a column chart. A known 0 is a hairline column labelled 0, an unknown value the
/// mark of [`Columns::missing`]: the two never look alike.
pub fn columns(doc: &mut Doc<'_>, chart: &Columns<'_>) {
    let values = chart.values;
    if values.iter().all(|v| v.1.is_none()) {
        empty(doc, chart.empty_message, 60.0);
        return;
    }
    let small = Look::BODY.sized(SMALL);
    let tiny = Look::BODY.sized(6.5);
    let plot_h = 110.0;
    doc.ensure(plot_h + 40.0);
    let top = doc.y + 6.0;
    let bottom = top + plot_h;
    let max = values
        .iter()
        .filter_map(|v| v.1)
        .chain(chart.reference.map(|r| r.value))
        .fold(0.0, f64::max);
    let ticks = ticks(max, 4);
    let top_tick = *ticks.last().unwrap_or(&1.0);
    let tick_w = ticks
        .iter()
        .map(|&t| doc.width(&tick_label(t, ""), small))
        .fold(0.0f32, f32::max);
    let x0 = LEFT + tick_w + 6.0;
    let slot = (RIGHT - x0) / values.len() as f32;
    let labels: Vec<String> = values.iter().map(|v| v.0.clone()).collect();
    let every = label_step(doc, &labels, slot, chart.label_every);
    let y_of = |v: f64| bottom - plot_h * (v / top_tick) as f32;
    for &t in &ticks {
        let y = y_of(t);
        doc.line((x0, y), (RIGHT, y), colour::RULE, 0.5, false);
        doc.text_right(x0 - 4.0, y + 2.5, &tick_label(t, ""), small.grey());
    }
    let mut any_missing = false;
    for (i, (label, v)) in values.iter().enumerate() {
        let x = x0 + i as f32 * slot;
        match *v {
            Some(v) => {
                // A zero still shows: a hairline on the axis, labelled.
                let h = (bottom - y_of(v)).max(1.0);
                doc.rect(x + slot * 0.15, bottom - h, slot * 0.7, h, chart.colour);
                doc.text_centred(
                    x + slot / 2.0,
                    bottom - h - 2.0,
                    &tick_label(v, ""),
                    tiny.grey(),
                );
            }
            None => {
                if let Some((mark, _)) = chart.missing {
                    any_missing = true;
                    doc.text_centred(x + slot / 2.0, bottom - 3.0, mark, small.grey());
                }
            }
        }
        if i % every == 0 {
            doc.text_centred(x + slot / 2.0, bottom + 9.0, label, small.grey());
        }
    }
    if let Some(r) = chart.reference {
        let y = y_of(r.value);
        doc.line((x0, y), (RIGHT, y), colour::GREY, 0.8, true);
        doc.text_right(RIGHT, y - 3.0, &r.label, small.grey());
    }
    let title = match chart.missing {
        Some((mark, meaning)) if any_missing => {
            format!("{} · {mark} {meaning}", chart.axis_title)
        }
        _ => chart.axis_title.to_string(),
    };
    let title = doc.fit(&title, small, RIGHT - x0);
    doc.text_centred((x0 + RIGHT) / 2.0, bottom + 21.0, &title, small.grey());
    doc.y = bottom + 30.0;
}

/// Every how many slots a label fits without touching its neighbours (at least `least`).
fn label_step(doc: &Doc<'_>, labels: &[String], slot: f32, least: usize) -> usize {
    let widest = labels
        .iter()
        .map(|l| doc.width(l, Look::BODY.sized(SMALL)))
        .fold(0.0f32, f32::max);
    let needed = ((widest + 6.0) / slot.max(0.1)).ceil() as usize;
    needed.max(least).max(1)
}

/// One line of a line chart: a value (or a gap) per x position.
#[derive(Debug, Clone)]
pub struct Line {
    pub name: String,
    pub colour: colour::Rgb,
    pub values: Vec<Option<f64>>,
}

/// The plot area of a chart over evenly spaced x positions: where a value and a position go.
struct Frame {
    x0: f32,
    slot: f32,
    bottom: f32,
    plot_h: f32,
    /// The axis top, in the scaled unit.
    top_tick: f64,
    scale: f64,
}

impl Frame {
    fn x(&self, i: usize) -> f32 {
        self.x0 + self.slot * (i as f32 + 0.5)
    }
    fn y(&self, v: f64) -> f32 {
        self.bottom - self.plot_h * (v * self.scale / self.top_tick) as f32
    }
}

/// A legend right-aligned on the line at `y`: a colour swatch before each name.
fn draw_legend(doc: &mut Doc<'_>, y: f32, items: &[(&str, colour::Rgb)]) {
    let small = Look::BODY.sized(SMALL);
    let mut x = RIGHT;
    for (name, c) in items.iter().rev() {
        x -= doc.width(name, small);
        doc.text(x, y, name, small);
        x -= 12.0;
        doc.rect(x, y - 6.0, 8.0, 6.0, *c);
        x -= 10.0;
    }
}

/// Draws the legend, the grid with its tick labels (`unit` after each, values times `scale`)
/// and the x labels, for a 0..`y_max` axis; leaves `below` points under the x labels.
fn frame(
    doc: &mut Doc<'_>,
    x_labels: &[String],
    legend: &[(&str, colour::Rgb)],
    y_max: f64,
    (unit, scale): (&str, f64),
    below: f32,
) -> Frame {
    let small = Look::BODY.sized(SMALL);
    let plot_h = 120.0;
    doc.ensure(plot_h + 50.0 + below);
    let legend_y = doc.y + 8.0;
    draw_legend(doc, legend_y, legend);
    let top = legend_y + 10.0;
    let bottom = top + plot_h;
    let ticks = ticks(y_max * scale, 5);
    let top_tick = *ticks.last().unwrap_or(&1.0);
    let tick_w = ticks
        .iter()
        .map(|&t| doc.width(&tick_label(t, unit), small))
        .fold(0.0f32, f32::max);
    let x0 = LEFT + tick_w.max(18.0) + 6.0;
    let n = x_labels.len().max(1);
    let f = Frame {
        x0,
        slot: (RIGHT - x0) / n as f32,
        bottom,
        plot_h,
        top_tick,
        scale,
    };
    for &t in &ticks {
        let y = f.y(t / scale);
        doc.line((x0, y), (RIGHT, y), colour::RULE, 0.5, false);
        doc.text_right(x0 - 4.0, y + 2.5, &tick_label(t, unit), small.grey());
    }
    let every = label_step(doc, x_labels, f.slot, 1);
    for (i, label) in x_labels.iter().enumerate() {
        if i % every == 0 {
            doc.text_centred(f.x(i), bottom + 9.0, label, small.grey());
        }
    }
    f
}

/// A line through the known values, a dot at each; a gap where a value is not known.
fn polyline(doc: &mut Doc<'_>, f: &Frame, values: &[Option<f64>], colour: colour::Rgb) {
    let mut previous: Option<(f32, f32)> = None;
    for (i, v) in values.iter().enumerate() {
        match v {
            Some(v) => {
                let p = (f.x(i), f.y(*v));
                if let Some(q) = previous {
                    doc.line(q, p, colour, 1.2, false);
                }
                doc.rect(p.0 - 2.0, p.1 - 2.0, 4.0, 4.0, colour);
                previous = Some(p);
            }
            None => previous = None,
        }
    }
}

/// Lines over evenly spaced x positions (visits), on a fixed 0..`y_max` axis, with a legend.
pub fn lines(
    doc: &mut Doc<'_>,
    x_labels: &[String],
    series: &[Line],
    y_max: f64,
    axis_title: &str,
    empty_message: &str,
) {
    if series.iter().all(|s| s.values.iter().all(Option::is_none)) {
        empty(doc, empty_message, 50.0);
        return;
    }
    let legend: Vec<(&str, colour::Rgb)> =
        series.iter().map(|s| (s.name.as_str(), s.colour)).collect();
    let f = frame(doc, x_labels, &legend, y_max, ("", 1.0), 0.0);
    for s in series {
        polyline(doc, &f, &s.values, s.colour);
    }
    let small = Look::BODY.sized(SMALL);
    doc.text_centred(
        (f.x0 + RIGHT) / 2.0,
        f.bottom + 21.0,
        axis_title,
        small.grey(),
    );
    doc.y = f.bottom + 30.0;
}

/// One point of a share over time: the share, its 95% interval, the n under it, and whether
/// it rests on too few answers (drawn paler).
#[derive(Debug, Clone)]
pub struct SharePoint {
    pub value: Option<f64>,
    pub interval: Option<(f64, f64)>,
    pub n_label: String,
    pub faint: bool,
}

/// A share (0–1) over evenly spaced positions (months, visits) on a 0–100% axis: a line with
/// a dot per point, the 95% interval as whiskers, and the n in small grey under each label.
pub fn share_line(
    doc: &mut Doc<'_>,
    x_labels: &[String],
    points: &[SharePoint],
    colour: colour::Rgb,
    axis_title: &str,
    empty_message: &str,
) {
    if points.iter().all(|p| p.value.is_none()) {
        empty(doc, empty_message, 50.0);
        return;
    }
    let f = frame(doc, x_labels, &[], 1.0, ("%", 100.0), 10.0);
    let values: Vec<Option<f64>> = points.iter().map(|p| p.value).collect();
    polyline(doc, &f, &values, colour);
    let tiny = Look::BODY.sized(6.5).grey();
    for (i, p) in points.iter().enumerate() {
        let shade = if p.faint { faint(colour) } else { colour };
        if let Some((lo, hi)) = p.interval {
            let x = f.x(i);
            doc.line((x, f.y(lo)), (x, f.y(hi)), shade, 0.8, false);
            for y in [f.y(lo), f.y(hi)] {
                doc.line((x - 3.0, y), (x + 3.0, y), shade, 0.8, false);
            }
        }
        if p.faint {
            if let Some(v) = p.value {
                doc.rect(f.x(i) - 2.0, f.y(v) - 2.0, 4.0, 4.0, faint(colour));
            }
        }
        doc.text_centred(f.x(i), f.bottom + 18.0, &p.n_label, tiny);
    }
    let small = Look::BODY.sized(SMALL);
    doc.text_centred(
        (f.x0 + RIGHT) / 2.0,
        f.bottom + 30.0,
        axis_title,
        small.grey(),
    );
    doc.y = f.bottom + 39.0;
}

/// One row of a mix chart: its label and the shares of its parts (empty: nothing to split;
/// None: hidden in a shareable copy).
#[derive(Debug, Clone)]
pub struct MixRow {
    pub label: String,
    pub shares: Option<Vec<f64>>,
    pub bold: bool,
}

/// A mix per row (REPORT-STYLE "Charts"): one thin stacked bar per row, the parts in the same
/// colours and order everywhere, each share printed in a segment of 10% or more; a legend
/// of `parts` above. A row without shares says `nothing` in grey.
pub fn mix(
    doc: &mut Doc<'_>,
    rows: &[MixRow],
    parts: &[(&str, colour::Rgb)],
    nothing: &str,
    empty_message: &str,
) {
    if rows
        .iter()
        .all(|r| r.shares.as_ref().is_some_and(Vec::is_empty))
    {
        empty(doc, empty_message, 40.0);
        return;
    }
    let small = Look::BODY.sized(SMALL);
    let label_w = rows
        .iter()
        .map(|r| doc.width(&r.label, if r.bold { small.bold() } else { small }))
        .fold(0.0f32, f32::max)
        .min((RIGHT - LEFT) * 0.35);
    let x0 = LEFT + label_w + 8.0;
    doc.ensure(20.0 + 2.0 * (BAR_H + BAR_GAP));
    let legend_y = doc.y + 8.0;
    draw_legend(doc, legend_y, parts);
    doc.y = legend_y + 8.0;
    for r in rows {
        if doc.y + BAR_H + BAR_GAP > doc.bottom() {
            // Runs on: the heading again and the legend above the rest.
            doc.continued();
            let legend_y = doc.y + 8.0;
            draw_legend(doc, legend_y, parts);
            doc.y = legend_y + 8.0;
        }
        let top = doc.y;
        let look = if r.bold { small.bold() } else { small };
        doc.text(
            LEFT,
            top + BAR_H - 2.5,
            &doc.fit(&r.label, look, label_w),
            look,
        );
        let shares = r.shares.as_deref().unwrap_or_default();
        match &r.shares {
            Some(s) if s.is_empty() => {
                doc.text(x0, top + BAR_H - 2.5, nothing, small.grey().italic())
            }
            None => doc.text(
                x0,
                top + BAR_H - 2.5,
                "hidden: a band holds too few sessions to show",
                small.grey().italic(),
            ),
            Some(_) => {}
        }
        let mut x = x0;
        for (share, (_, c)) in shares.iter().zip(parts) {
            let w = (RIGHT - x0) * *share as f32;
            if w > 0.0 {
                doc.rect(x, top, w, BAR_H, *c);
                let text = crate::report::format::percent(Some(*share));
                if *share >= 0.1 && doc.width(&text, small) < w - 2.0 {
                    doc.text_centred(
                        x + w / 2.0,
                        top + BAR_H - 2.5,
                        &text,
                        small.coloured(colour::TEXT),
                    );
                }
            }
            x += w;
        }
        doc.y = top + BAR_H + BAR_GAP;
    }
    doc.y += 6.0;
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nice_ticks() {
        assert_eq!(nice_step(10.0, 5), 2.0);
        assert_eq!(nice_step(12.0, 5), 2.5);
        assert_eq!(nice_step(1.0, 5), 0.2);
        assert_eq!(nice_step(23.0, 4), 10.0);
        assert_eq!(nice_step(470.0, 5), 100.0);
        assert_eq!(ticks(12.0, 5), vec![0.0, 2.5, 5.0, 7.5, 10.0, 12.5]);
        assert_eq!(ticks(0.0, 5), vec![0.0, 1.0]);
    }

    fn furniture() -> super::super::Furniture {
        super::super::Furniture::plain()
    }

    /// The texts and the filled rectangles a chart drew.
    fn drawn(values: &[(String, Option<f64>)]) -> (Vec<String>, usize) {
        use printpdf::{Op, TextItem};
        let fonts = super::super::Fonts::load(None, "", true).unwrap();
        let mut doc = Doc::new(&fonts, furniture());
        columns(
            &mut doc,
            &Columns {
                values,
                axis_title: "hours",
                label_every: 1,
                colour: colour::PALETTE[0],
                reference: None,
                empty_message: "nothing",
                missing: Some(("–", "no answer")),
            },
        );
        let ops = &doc.pages[0].ops;
        let texts = ops
            .iter()
            .filter_map(|op| match op {
                Op::ShowText { items } => Some(
                    items
                        .iter()
                        .map(|i| match i {
                            TextItem::Text(t) => t.clone(),
                            _ => String::new(),
                        })
                        .collect::<String>(),
                ),
                _ => None,
            })
            .collect();
        let rects = ops
            .iter()
            .filter(|op| matches!(op, Op::DrawRectangle { .. }))
            .count();
        (texts, rects)
    }

    #[test]
    fn a_missing_value_is_marked_and_a_zero_is_drawn() {
        let values = [
            ("a".to_string(), Some(0.0)),
            ("b".to_string(), None),
            ("c".to_string(), Some(5.0)),
        ];
        let (texts, rects) = drawn(&values);
        // Two columns: the zero as a hairline, the 5; none for the missing value.
        assert_eq!(rects, 2, "{texts:?}");
        assert!(texts.iter().any(|t| t == "–"), "{texts:?}");
        assert!(
            texts.iter().any(|t| t == "hours · – no answer"),
            "{texts:?}"
        );
        // Without a missing value, nothing is said about one.
        let (texts, rects) = drawn(&values[..1]);
        assert_eq!(rects, 1);
        assert!(texts.iter().any(|t| t == "hours"), "{texts:?}");
        assert!(!texts.iter().any(|t| t == "–"), "{texts:?}");
        // Nothing known at all: the empty frame, not a row of zeros.
        let (texts, _) = drawn(&values[1..2]);
        assert!(texts.iter().any(|t| t == "nothing"), "{texts:?}");
    }
}
