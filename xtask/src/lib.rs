//! The workspace's tooling as a library: `src/main.rs` is its command line, and the
//! benchmarks (`benches/`) call the generator in process. One module per job.

pub mod builders;
pub mod check;
pub mod ci;
pub mod codegen;
pub mod diff;
pub mod drift;
pub mod files;
pub mod names;
pub mod normalize;
pub mod operation_table;
pub mod preflight;
pub mod presigned;
pub mod reference;
pub mod resources;
pub mod rewrite;
pub mod rules;
pub mod spec;
pub mod surface;
pub mod tests_crate;
pub mod types_match;

/// The workspace root: `xtask/` sits directly in it.
///
/// `cargo run` (behind the `cargo xtask` alias) names the manifest of the checkout it runs in
/// through `CARGO_MANIFEST_DIR`; the path compiled into the binary is only a fallback, because
/// with one target directory shared by two checkouts, cargo may run a binary built in the other.
pub fn workspace_root() -> std::path::PathBuf {
    let manifest = std::env::var_os("CARGO_MANIFEST_DIR")
        .map(std::path::PathBuf::from)
        .unwrap_or_else(|| std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR")));
    manifest
        .parent()
        .map(std::path::Path::to_path_buf)
        .unwrap_or_default()
}
