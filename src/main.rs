use clap::Parser;

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
