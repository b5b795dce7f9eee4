//! Report: typed summaries → bytes (PDF, JSON, CSV). Nothing here computes a figure. The
//! bytes reach the disk through [`writer`] alone: a run's outputs all at once or not at all.

pub mod cells;
pub mod clients;
pub mod clients_csv;
pub mod csv_out;
pub mod files;
pub mod format;
pub mod json;
pub mod labels;
pub mod monthly;
pub mod notice;
pub mod pdf;
pub mod pipeline;
pub mod rejects;
pub mod techniques;
pub mod techniques_csv;
pub mod therapists;
pub mod therapists_csv;
pub mod tiles;
pub mod trends;
pub mod writer;
