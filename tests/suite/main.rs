//! The integration tests: one crate (built and linked once), a module per area. Most run the
//! built binary on the fixtures in `tests/data/` and read its outputs back; `ingest` and
//! `hostile_input` go through the library.

mod common;

mod adjusted;
mod changes;
mod clients;
mod digest;
mod hardening;
mod hostile_input;
mod ingest;
mod init;
mod locations;
mod monthly;
mod pages;
mod shapes;
mod shareable;
mod techniques;
mod therapists;
mod trends;
mod validate;
mod writing;
