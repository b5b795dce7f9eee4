//! `sample`: writes a synthetic, seeded sessions.csv and feedback.csv.

use indicatif::ProgressStyle;

use crate::cli::{SampleArgs, Verbosity};
use crate::error::{Error, Result};
use crate::report::writer::AtomicFile;
use crate::sample;

pub fn run(args: &SampleArgs) -> Result<i32> {
    if args.sessions == 0 {
        return Err(Error::EmptySample);
    }
    let verbosity = if args.quiet {
        Verbosity::Quiet
    } else {
        Verbosity::Normal
    };
    let bar = super::progress_bar(verbosity, "");
    bar.set_length(args.sessions);
    if let Ok(style) = ProgressStyle::with_template("{msg} [{bar:30}] {pos}/{len} sessions ({eta})")
    {
        bar.set_style(style);
    }
    bar.set_message("Writing");
    let sessions_path = args.out.join("sessions.csv");
    let feedback_path = args.out.join("feedback.csv");
    let mut sessions = AtomicFile::create(&sessions_path)?;
    let mut feedback = AtomicFile::create(&feedback_path)?;
    let stats = sample::generate_chain(
        args.sessions,
        args.seed,
        args.locations,
        sessions.writer(),
        feedback.writer(),
        &|n| bar.set_position(n),
    )
    // The two files stream together; which one failed is not known, so name the first.
    .map_err(|e| sessions.error(e))?;
    sessions.commit()?;
    feedback.commit()?;
    bar.finish_and_clear();
    if !args.quiet {
        super::say(&format!(
            "wrote {} sessions ({} clients, {} therapists) to {} and {} feedback rows to {}\n",
            stats.sessions,
            stats.clients,
            stats.therapists,
            sessions_path.display(),
            stats.feedback,
            feedback_path.display()
        ))?;
    }
    Ok(0)
}
