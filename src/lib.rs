//! practice-report: monthly, trends, technique and client-progress reports for massage and
//! trigger-point therapy practices, from their CSV exports, offline.
//!
//! Data flows one way: [`ingest`] (CSV → validated frames + rejects) → metrics → [`report`]
//! (files). [`commands`] wires the stages together per subcommand; [`cli`] turns arguments
//! into a checked [`cli::Config`].

// Public: what the binary, the integration tests and the benchmarks use. Everything else is
// the crate's own, so the compiler sees what is unused.
pub mod cli;
pub(crate) mod commands;
pub mod config;
pub mod error;
pub mod ingest;
pub(crate) mod metrics;
pub(crate) mod model;
pub(crate) mod report;
pub mod sample;

pub use commands::warn;
pub use error::{Error, Result};

/// Runs one command; returns the process exit code (0, or 3 with `--strict` and rejects).
pub fn run(cli: cli::Cli) -> Result<i32> {
    match cli.command {
        cli::Command::Run(args) => commands::run::run(
            &args.input.into_config()?.sharing(args.shareable),
            args.month,
            args.each_location,
        ),
        cli::Command::Monthly(args) => commands::monthly::run(
            &args.input.into_config()?.sharing(args.shareable),
            args.month,
        ),
        cli::Command::Trends(args) => commands::trends::run(
            &args.input.into_config()?.sharing(args.shareable),
            args.month,
        ),
        cli::Command::Techniques(args) => commands::techniques::run(
            &args.input.into_config()?.sharing(args.shareable),
            args.from,
            args.to,
        ),
        cli::Command::Therapists(args) => commands::therapists::run(
            &args.input.into_config()?.sharing(args.shareable),
            args.from,
            args.to,
        ),
        cli::Command::Clients(args) => {
            commands::clients::run(&args.input.into_config()?, args.from, args.to, args.clients)
        }
        cli::Command::Validate(args) => commands::validate::run(&args.into_config()?),
        cli::Command::Sample(args) => commands::sample::run(&args),
        cli::Command::Completions { shell } => commands::shell::completions(shell),
        cli::Command::Man => commands::shell::man(),
        cli::Command::Init(args) => commands::init::run(&args),
    }
}
