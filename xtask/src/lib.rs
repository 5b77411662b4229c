//! The workspace's tooling as a library: `src/main.rs` is its command line, and the
//! benchmarks (`benches/`) call the generator in process. One module per job.

pub mod check;
pub mod ci;
pub mod codegen;
pub mod diff;
pub mod drift;
pub mod files;
pub mod model;
pub mod preflight;
pub mod rules;
pub mod spec;
pub mod wrap_send;
