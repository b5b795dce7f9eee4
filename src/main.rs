use clap::Parser;

// glibc's allocator keeps what the ingest's many short-lived buffers freed in per-thread
// arenas; mimalloc hands it back and reuses it (10 M sessions: see README, benchmarks).
#[global_allocator]
static ALLOC: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() {
    let cli = practice_report::cli::Cli::parse();
    match practice_report::run(cli) {
        Ok(code) => std::process::exit(code),
        Err(e) => {
            practice_report::commands::warn(&format!("practice-report: error: {}", e.chain()));
            std::process::exit(e.exit_code());
        }
    }
}
