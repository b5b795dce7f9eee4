use clap::Parser;

// glibc's allocator keeps what the ingest's many short-lived buffers freed in per-thread
// arenas; mimalloc hands it back and reuses it (10 M sessions: see README, benchmarks).
#[global_allocator]
static ALLOC: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// No transparent huge pages for this process: on the development machine the kernel
/// zeroed a fresh 2 MiB page for every buffer polars and the allocator took back and forth
/// (`clear_page_erms`, 40% of `clients` on 1 M sessions before the first summary: 5.6 s with
/// them, 3.8 s without; no change for `monthly` on 10 M).
#[cfg(target_os = "linux")]
fn no_transparent_huge_pages() {
    // SAFETY: prctl(PR_SET_THP_DISABLE) takes plain integers and only sets this process's
    // (and its children's) huge page policy; a kernel without it returns an error, ignored.
    unsafe {
        libc::prctl(libc::PR_SET_THP_DISABLE, 1, 0, 0, 0);
    }
}

fn main() {
    #[cfg(target_os = "linux")]
    no_transparent_huge_pages();
    let cli = practice_report::cli::Cli::parse();
    match practice_report::run(cli) {
        Ok(code) => std::process::exit(code),
        Err(e) => {
            practice_report::warn(&format!("practice-report: error: {}", e.chain()));
            std::process::exit(e.exit_code());
        }
    }
}
