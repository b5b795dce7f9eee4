//! One file per subcommand: each wires ingest → metrics → report for its job.

pub mod sample;
pub mod validate;

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

use crate::cli::Verbosity;

/// A progress bar on stderr: hidden when stderr is not a terminal (indicatif's own check),
/// and always with `-q`.
pub(crate) fn progress_bar(verbosity: Verbosity, template: &str) -> ProgressBar {
    if verbosity == Verbosity::Quiet {
        return ProgressBar::hidden();
    }
    let bar = ProgressBar::with_draw_target(None, ProgressDrawTarget::stderr());
    if let Ok(style) = ProgressStyle::with_template(template) {
        bar.set_style(style);
    }
    bar
}

/// The template for reading the two input files.
pub(crate) const READ_TEMPLATE: &str = "{msg} [{bar:30}] {bytes}/{total_bytes} ({eta})";
