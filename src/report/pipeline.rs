//! The reports as values: each [`Report`] computes its summary from the ingested frames (through
//! `metrics`, which owns every figure) and renders it into outputs (file name, bytes, access)
//! that it hands to the run's [`Staging`]. The page furniture is built here, once for all.
//! `commands/` chooses which reports a command writes and prints what was written.

use std::path::{Path, PathBuf};

use indicatif::ProgressBar;
use rayon::prelude::*;

use super::pdf::{Fonts, Furniture};
use super::writer::{Access, Output, Staging};
use crate::config::Settings;
use crate::error::{Error, Result};
use crate::ingest::Ingested;
use crate::metrics::clients::Selection;
use crate::metrics::{self, Period};

/// The folder of the client summaries under `--out`: replaced whole by each run that writes
/// it, so summaries of two runs never mix.
pub const CLIENTS_FOLDER: &str = "clients";
/// The folder of the staff reviews under `--out`, replaced whole likewise.
pub const THERAPISTS_FOLDER: &str = "therapists";
/// The folder of a chain's per-location reports under `--out`, replaced whole likewise.
pub const LOCATIONS_FOLDER: &str = "locations";
/// The folder of the shareable copies under `--out` (SPEC "Reports that leave the clinic"),
/// replaced whole likewise: it holds only what one run made shareable, so nothing older
/// (or suppressed by another rule) goes out with it.
pub const SHAREABLE_FOLDER: &str = "shareable";

/// One report of a run.
#[derive(Debug, Clone)]
pub enum Report {
    /// The monthly report (PDF, JSON) for one calendar month.
    Monthly(Period),
    /// The practice over time (PDF, JSON) for the twelve months ending with this month.
    Trends(Period),
    /// The technique comparison (PDF, CSV) over a span of days.
    Techniques(Period),
    /// The clients CSV and one progress summary per client.
    Clients(Period, Selection),
    /// The therapists CSV and one staff review per therapist, over a span of days.
    Therapists(Period),
}

/// What every report of a run shares.
pub struct Context<'a> {
    pub ingested: &'a Ingested,
    pub settings: &'a Settings,
    pub fonts: &'a Fonts,
    /// `--location`'s name as written in the file, if any.
    pub location: Option<&'a str>,
    /// The folder under `--out` the outputs go to (empty: `--out` itself).
    pub dir: PathBuf,
    /// The generation date as printed, and its Unix time for the PDFs' own dates.
    pub generated: (String, i64),
    /// Shows the client summaries' progress (hidden off a terminal or with `-q`).
    pub progress: ProgressBar,
    /// `--shareable`: the aggregate reports are also written under `shareable/` with counts
    /// below this `min_cell` suppressed.
    pub shareable: Option<u64>,
}

/// What a report staged.
#[derive(Debug, Default)]
pub struct Staged {
    /// The files a command announces (not each client summary), under `--out`.
    pub announced: Vec<PathBuf>,
    /// How many client summaries.
    pub summaries: usize,
    /// How many staff reviews.
    pub reviews: usize,
}

impl Report {
    /// Computes the report, renders it and stages its outputs.
    pub fn stage(&self, ctx: &Context<'_>, staging: &Staging) -> Result<Staged> {
        let outputs = match self {
            Report::Monthly(month) => monthly(ctx, *month)?,
            Report::Trends(month) => trends(ctx, *month)?,
            Report::Techniques(span) => techniques(ctx, *span)?,
            Report::Clients(period, selection) => return clients(ctx, *period, selection, staging),
            Report::Therapists(span) => return therapists(ctx, *span, staging),
        };
        staging.put_all(&outputs)?;
        Ok(Staged {
            announced: outputs.into_iter().map(|o| o.path).collect(),
            ..Staged::default()
        })
    }
}

impl Context<'_> {
    /// The furniture of this report's pages.
    fn furniture(&self, title: &str, period: String) -> Furniture {
        Furniture {
            practice: super::format::field(&self.settings.practice_name),
            title: match self.location {
                Some(l) => format!("{title} · {}", super::format::field(l)),
                None => title.to_string(),
            },
            period,
            generated: self.generated.0.clone(),
            timestamp: self.generated.1,
        }
    }

    fn path(&self, name: impl AsRef<Path>) -> PathBuf {
        self.dir.join(name)
    }

    /// Where a report's files go: its folder, or the same folder under `shareable/`.
    fn folder(&self, shared: bool) -> PathBuf {
        if shared {
            Path::new(SHAREABLE_FOLDER).join(&self.dir)
        } else {
            self.dir.clone()
        }
    }
}

/// The report's outputs from its full figures and, with `--shareable`, from their suppressed
/// form (`suppress`) under `shareable/`: the same renderers for both.
fn both<F>(
    ctx: &Context<'_>,
    figures: F,
    suppress: fn(&F, u64) -> F,
    render: impl Fn(&F, &Path) -> Vec<Output>,
) -> Vec<Output> {
    let mut out = render(&figures, &ctx.folder(false));
    if let Some(min_cell) = ctx.shareable {
        out.extend(render(&suppress(&figures, min_cell), &ctx.folder(true)));
    }
    out
}

fn monthly(ctx: &Context<'_>, period: Period) -> Result<Vec<Output>> {
    let thresholds = &ctx.settings.thresholds;
    let mut figures = metrics::monthly::monthly(ctx.ingested, period, thresholds)?;
    figures.location = ctx.location.map(str::to_string);
    let stem = format!("monthly-{}", period.from.format("%Y-%m"));
    Ok(both(ctx, figures, metrics::suppress::monthly, |m, dir| {
        let json = super::json::monthly_json(m, thresholds);
        let furniture = ctx.furniture("Monthly report", period.from.format("%B %Y").to_string());
        let pdf = super::monthly::pdf(m, ctx.settings, ctx.fonts, furniture);
        vec![
            Output::new(dir.join(format!("{stem}.pdf")), pdf, Access::Shared),
            Output::new(dir.join(format!("{stem}.json")), json, Access::Shared),
        ]
    }))
}

fn trends(ctx: &Context<'_>, month: Period) -> Result<Vec<Output>> {
    let thresholds = &ctx.settings.thresholds;
    let mut figures = metrics::trends::trends(ctx.ingested, month, thresholds)?;
    figures.location = ctx.location.map(str::to_string);
    let stem = format!("trends-{}", month.from.format("%Y-%m"));
    Ok(both(ctx, figures, metrics::suppress::trends, |tr, dir| {
        let json = super::json::trends_json(tr, thresholds);
        let furniture = ctx.furniture(
            "The practice over time",
            format!(
                "{} to {}",
                tr.period.from.format("%B %Y"),
                tr.period.to.format("%B %Y")
            ),
        );
        let pdf = super::trends::pdf(tr, ctx.settings, ctx.fonts, furniture);
        vec![
            Output::new(dir.join(format!("{stem}.pdf")), pdf, Access::Shared),
            Output::new(dir.join(format!("{stem}.json")), json, Access::Shared),
        ]
    }))
}

fn techniques(ctx: &Context<'_>, span: Period) -> Result<Vec<Output>> {
    let figures = metrics::techniques::techniques(ctx.ingested, span, &ctx.settings.thresholds)?;
    let stem = format!("techniques-{}_{}", span.from, span.to);
    Ok(both(
        ctx,
        figures,
        metrics::suppress::techniques,
        |t, dir| {
            let csv = super::techniques_csv::output(dir.join(format!("{stem}.csv")), t);
            let furniture = ctx.furniture(
                "Technique comparison",
                format!("{} to {}", span.from, span.to),
            );
            let pdf = super::techniques::pdf(t, ctx.settings, ctx.fonts, furniture);
            vec![
                Output::new(dir.join(format!("{stem}.pdf")), pdf, Access::Shared),
                csv,
            ]
        },
    ))
}

/// One PDF of a set laid out: a layout that fails (even a panic) is one clear error naming
/// `what`, not a crash, and the set is not written.
fn laid_out(draw: impl FnOnce() -> Vec<u8>, what: impl FnOnce() -> String) -> Result<Vec<u8>> {
    std::panic::catch_unwind(std::panic::AssertUnwindSafe(draw))
        .map_err(|_| Error::Layout { what: what() })
}

/// The clients CSV and one PDF per client (owner-only files). The summaries are made a
/// batch of clients at a time on one thread and laid out in parallel as they come, each
/// staged as soon as it is laid out; the CSV, which lists them all, comes last.
fn clients(
    ctx: &Context<'_>,
    period: Period,
    selection: &Selection,
    staging: &Staging,
) -> Result<Staged> {
    let chosen = match metrics::clients::choose(ctx.ingested, period, selection)? {
        Ok(chosen) => chosen,
        Err(unknown) => {
            return Err(Error::UnknownClients {
                to: period.to,
                ids: crate::error::echo_list(unknown.iter().map(String::as_str), |u| {
                    format!("{u:?}")
                }),
            })
        }
    };
    staging.plan(chosen.len() + 1);
    let dir = ctx.path(CLIENTS_FOLDER);
    let stems = super::files::stems(&chosen.ids(ctx.ingested));
    let bar = &ctx.progress;
    bar.set_length(chosen.len() as u64);
    bar.set_message("Client summaries");
    let done = std::sync::Mutex::new(Vec::with_capacity(chosen.len()));
    let lay_out = |c: metrics::clients::ClientSummary| {
        let furniture = ctx.furniture("Client progress summary", format!("to {}", period.to));
        let bytes = laid_out(
            || super::clients::pdf(&c, ctx.settings, ctx.fonts, furniture),
            || {
                format!(
                    "the progress summary of client {}",
                    crate::error::echo(&c.client_id)
                )
            },
        )?;
        let path = dir.join(format!("{}.pdf", stems[&c.client_id]));
        staging.put(&Output::new(path, bytes, Access::Private))?;
        bar.inc(1);
        done.lock().unwrap_or_else(|e| e.into_inner()).push(c);
        Ok::<(), Error>(())
    };
    // At most 1,024 summaries wait to be laid out: they are made faster than laid out, and
    // each holds its client's visits.
    let (send, made) = std::sync::mpsc::sync_channel(1024);
    let (making, laying_out) = std::thread::scope(|scope| {
        let making = scope.spawn(|| {
            // A send fails only when the layout stopped at an error (reported below).
            metrics::clients::summaries(
                ctx.ingested,
                period,
                &chosen,
                &ctx.settings.thresholds,
                move |c| send.send(c).is_ok(),
            )
        });
        let laying_out = made.into_iter().par_bridge().try_for_each(lay_out);
        let making = making
            .join()
            .unwrap_or_else(|panic| std::panic::resume_unwind(panic));
        (making, laying_out)
    });
    making?;
    laying_out?;
    bar.finish_and_clear();
    let mut summaries = done.into_inner().unwrap_or_else(|e| e.into_inner());
    metrics::clients::sort(&mut summaries);
    let csv = ctx.path(format!("clients-{}_{}.csv", period.from, period.to));
    staging.put(&super::clients_csv::output(&csv, &summaries))?;
    Ok(Staged {
        announced: vec![csv],
        summaries: summaries.len(),
        reviews: 0,
    })
}

/// The therapists CSV and one staff review per therapist (aggregate figures, no client), and
/// with `--shareable` their suppressed copies.
fn therapists(ctx: &Context<'_>, span: Period, staging: &Staging) -> Result<Staged> {
    let figures = metrics::therapists::therapists(ctx.ingested, span, &ctx.settings.thresholds)?;
    let mut staged = reviews(ctx, &figures, &ctx.folder(false), staging)?;
    if let Some(min_cell) = ctx.shareable {
        let shared = metrics::suppress::therapists(&figures, min_cell);
        staged
            .announced
            .extend(reviews(ctx, &shared, &ctx.folder(true), staging)?.announced);
    }
    Ok(staged)
}

fn reviews(
    ctx: &Context<'_>,
    figures: &metrics::therapists::Therapists,
    folder: &Path,
    staging: &Staging,
) -> Result<Staged> {
    let span = figures.period;
    staging.plan(figures.therapists.len() + 1);
    let csv = folder.join(format!("therapists-{}_{}.csv", span.from, span.to));
    staging.put(&super::therapists_csv::output(&csv, figures))?;
    let dir = folder.join(THERAPISTS_FOLDER);
    let names: Vec<String> = figures
        .therapists
        .iter()
        .map(|t| t.group.name.clone())
        .collect();
    let stems = super::files::stems(&names);
    figures.therapists.par_iter().try_for_each(|row| {
        let furniture = ctx.furniture("Staff review", format!("{} to {}", span.from, span.to));
        let bytes = laid_out(
            || super::therapists::pdf(figures, row, ctx.settings, ctx.fonts, furniture),
            || {
                format!(
                    "the staff review of {}",
                    crate::error::echo(&row.group.name)
                )
            },
        )?;
        let path = dir.join(format!("{}.pdf", stems[&row.group.name]));
        staging.put(&Output::new(path, bytes, Access::Shared))
    })?;
    Ok(Staged {
        announced: vec![csv],
        summaries: 0,
        reviews: names.len(),
    })
}
