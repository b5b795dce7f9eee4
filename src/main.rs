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

/// mimalloc (v3) hands memory freed back to the system only a second later by default; the
/// reports free and take hundreds of MB within a second, so the peak held both. The
/// technique comparison on 10 M sessions: 2.56 / 2.59 GB at 1 s, 2.47 / 2.47 GB at 10 ms,
/// 2.48 GB at 100 ms; at 10 ms the month's client summaries took 1.5–3 s longer (memory
/// taken back at once is faulted in again), at 100 ms within the noise (26.5 / 25.8 s).
fn purge_freed_memory_soon() {
    // mimalloc.h's `mi_option_purge_delay` (the bindings do not name it), in milliseconds.
    const PURGE_DELAY: libmimalloc_sys::mi_option_t = 15;
    // SAFETY: mi_option_set takes an option's number and a value, and only changes that
    // setting of the allocator; it is called before any thread but this one exists.
    unsafe {
        libmimalloc_sys::mi_option_set(PURGE_DELAY, 100);
    }
}

fn main() {
    purge_freed_memory_soon();
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
