//! The workspace's tooling as a library: `src/main.rs` is its command line, and the
//! benchmarks (`benches/`) call the generator in process. One module per job.

pub mod check;
pub mod ci;
pub mod codegen;
pub mod diff;
pub mod drift;
pub mod files;
pub mod model;
pub mod operation_table;
pub mod preflight;
pub mod rewrite;
pub mod rules;
pub mod spec;

/// The workspace root: `xtask/` sits directly in it.
pub fn workspace_root() -> std::path::PathBuf {
    let manifest = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    manifest
        .parent()
        .map(std::path::Path::to_path_buf)
        .unwrap_or_default()
}
