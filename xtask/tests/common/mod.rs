//! Running the xtask binary as a user does, in the tests of `cargo xtask`.

#![allow(dead_code)] // each test binary uses its own part

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// The workspace root (xtask/ sits in it).
pub fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("xtask has a parent folder")
        .to_path_buf()
}

/// The folder of the tests crate's `spec-examples` and `type-schemas`, which `check` runs.
/// `cargo test --workspace` builds them beside this test; they are given by path because a
/// nested `cargo run` would wait for the lock the running `cargo test` holds.
fn tests_binaries() -> PathBuf {
    let test_binary = std::env::current_exe().expect("the test knows where it runs from");
    let profile = test_binary
        .parent()
        .and_then(Path::parent)
        .expect("tests run from target/<profile>/deps");
    for name in ["spec-examples", "type-schemas"] {
        let binary = profile.join(name);
        assert!(
            binary.exists(),
            "{} is missing: run `cargo test --workspace`, which builds it",
            binary.display()
        );
    }
    profile.to_path_buf()
}

/// One of the tests crate's binaries, built by `cargo test --workspace`.
pub fn tests_binary(name: &str) -> PathBuf {
    tests_binaries().join(name)
}

/// Runs `xtask ARGS` in `cwd`.
pub fn xtask(args: &[&str], cwd: &Path) -> Output {
    xtask_running(args, cwd, &tests_binaries())
}

/// Runs `xtask ARGS` in `cwd`, with `binaries` as the folder of the tests crate's binaries.
pub fn xtask_running(args: &[&str], cwd: &Path, binaries: &Path) -> Output {
    Command::new(env!("CARGO_BIN_EXE_xtask"))
        .args(args)
        .current_dir(cwd)
        .env("PROLIFIC_TESTS_BIN", binaries)
        .output()
        .expect("the xtask binary runs")
}

/// A folder of the binaries `check` runs, where `name` is a stand-in: a shell script whose
/// body is `script`. The other binary is the real one.
#[cfg(unix)]
pub fn binaries_with_stand_in(name: &str, script: &str) -> tempfile::TempDir {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().expect("a temp folder");
    for real in ["spec-examples", "type-schemas"] {
        std::os::unix::fs::symlink(tests_binary(real), dir.path().join(real))
            .expect("a link to the real binary");
    }
    let stand_in = dir.path().join(name);
    std::fs::remove_file(&stand_in).expect("the stand-in replaces the link");
    std::fs::write(&stand_in, format!("#!/bin/sh\n{script}\n")).expect("the stand-in writes");
    std::fs::set_permissions(&stand_in, std::fs::Permissions::from_mode(0o755))
        .expect("the stand-in is executable");
    dir
}

/// Standard output as text.
pub fn stdout(output: &Output) -> String {
    String::from_utf8_lossy(&output.stdout).into_owned()
}

/// Standard error as text.
pub fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

/// A scratch folder holding a copy of the real spec as `openapi.yaml`.
pub fn scratch_with_spec() -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("a temp folder");
    std::fs::copy(
        root().join("spec/openapi.yaml"),
        dir.path().join("openapi.yaml"),
    )
    .expect("the spec copies");
    dir
}

/// The paths every command in a scratch folder names: the spec and the three generated files.
pub const SCRATCH: [&str; 8] = [
    "--spec",
    "openapi.yaml",
    "--out",
    "generated.rs",
    "--mock-out",
    "mock.rs",
    "--reference-out",
    "reference.md",
];

/// The `generate` command `check` names as the fix in a scratch folder.
pub const SCRATCH_FIX: &str = "cargo xtask generate --spec openapi.yaml --out generated.rs \
                               --mock-out mock.rs --reference-out reference.md";

/// `generate` with the scratch paths ([`SCRATCH`]) in `dir`.
pub fn generate_in(dir: &Path) -> Output {
    xtask(&[&["generate"][..], &SCRATCH].concat(), dir)
}

/// `check` with the scratch paths ([`SCRATCH`]) in `dir`.
pub fn check_in(dir: &Path) -> Output {
    xtask(&[&["check"][..], &SCRATCH].concat(), dir)
}

/// The `fail` lines of a check report.
pub fn failures(output: &Output) -> Vec<String> {
    stdout(output)
        .lines()
        .filter(|l| l.starts_with("fail  "))
        .map(str::to_string)
        .collect()
}

/// What `generate` prints for the real spec in a scratch folder, with the state (`updated` or
/// `up to date`) of the SDK's file, of the mocks and of the operations reference: the
/// operations counted in the spec (each a method under a path), the types as the SDK lists
/// them ([`generated_types`]).
pub fn generate_report(sdk: &str, mock: &str, reference: &str) -> String {
    let types = generated_types();
    let operations = real_spec_operations();
    format!(
        "generated.rs: {operations} operations, {types} types, {sdk}\n\
         mock.rs: mocks of {operations} operations, {mock}\n\
         reference.md: reference of {operations} operations, {reference}\n"
    )
}

/// How many types the SDK defines, as the tests crate's `type-schemas` lists them: one per
/// named schema, and one per inline schema typify names (an inline enum such as
/// `BaseStudyProlificIdOption`, a parameter's enum such as `GetStudiesState`).
pub fn generated_types() -> usize {
    let out = std::process::Command::new(tests_binary("type-schemas"))
        .output()
        .expect("type-schemas runs");
    assert!(out.status.success(), "type-schemas failed");
    String::from_utf8_lossy(&out.stdout).lines().count()
}

/// How many operations the real spec has: each a method under a path.
pub fn real_spec_operations() -> usize {
    let methods = [
        "get", "put", "post", "delete", "options", "head", "patch", "trace",
    ];
    real_spec()["paths"]
        .as_object()
        .expect("paths")
        .values()
        .map(|item| methods.iter().filter(|m| item.get(**m).is_some()).count())
        .sum()
}

pub fn real_spec() -> serde_json::Value {
    let text = std::fs::read_to_string(root().join("spec/openapi.yaml")).expect("the spec reads");
    serde_yaml_ng::from_str(&text).expect("the spec parses")
}
