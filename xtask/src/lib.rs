//! The workspace's tooling as a library: `src/main.rs` is its command line, and the
//! benchmarks (`benches/`) call the generator in process. A folder per pipeline, each reading
//! specs through the crate `spec_model` (and `spec.rs`, which loads them):
//! - `generate/`: spec to the SDK's module, the mocks and the operations reference;
//! - `check/`: the gate, every rule with one line each;
//! - `diff/`: what changed for SDK users between two specs;
//! - `drift/`: the fragment against Prolific's published document.

pub mod check;
pub mod ci;
pub mod diff;
pub mod drift;
pub mod files;
pub mod generate;
pub mod normalize;
pub mod spec;

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
