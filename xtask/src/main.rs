//! `cargo xtask`: the workspace's own tooling. This file is the command line only; each job
//! lives in its own module.
//!
//! - `cargo xtask generate`: spec -> `sdk/src/generated.rs` (the SDK),
//!   `sdk-mock/src/generated.rs` (its typed mocks) and `sdk/OPERATIONS.md` (the operations
//!   reference), each written atomically.
//! - `cargo xtask check`: the one gate: the spec is valid OpenAPI 3.0 and follows the
//!   fragment's rules, the generated file is what the spec generates, and the generated types
//!   accept every example. One line per rule; see `check.rs`.
//! - `cargo xtask ci`: everything `.ci/run` runs, locally.
//! - `cargo xtask diff`: what the spec's changes since a git revision do to SDK users.
//! - `cargo xtask drift UPSTREAM`: where the fragment differs from Prolific's own document.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::{Args, Parser, Subcommand, ValueEnum};
use xtask::{check, ci, diff, drift, files, generate, spec, workspace_root};

/// The spec and the generated files, relative to the workspace root.
const DEFAULT_SPEC: &str = "spec/openapi.yaml";
const DEFAULT_OUT: &str = "sdk/src/generated.rs";
const DEFAULT_MOCK_OUT: &str = "sdk-mock/src/generated.rs";
/// Beside the crate it documents, so that it ships in the package users download.
const DEFAULT_REFERENCE_OUT: &str = "sdk/OPERATIONS.md";

#[derive(Parser)]
#[command(name = "cargo xtask", about = "Tooling for the Prolific SDK workspace")]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Generate the SDK's module, its mocks and the operations reference from the spec (writes
    /// only what changed).
    Generate(Paths),
    /// Check the spec, the generated module and the examples; one line per rule.
    Check {
        #[command(flatten)]
        paths: Paths,
        /// How to print the report.
        #[arg(long, value_enum, default_value_t = Format::Text)]
        format: Format,
    },
    /// Run everything CI runs: fmt, clippy, check, the external validators, the tests.
    Ci,
    /// Report what the spec's changes since a git revision do to SDK users, and the semver bump.
    Diff {
        /// The git revision to compare with (a commit, branch or tag).
        #[arg(long, default_value = "HEAD")]
        base: String,
        /// The spec [default: spec/openapi.yaml in the workspace].
        #[arg(long)]
        spec: Option<PathBuf>,
        /// How to print the report.
        #[arg(long, value_enum, default_value_t = DiffFormat::Text)]
        format: DiffFormat,
    },
    /// Compare the fragment with Prolific's published OpenAPI document: its operations, then
    /// field by field.
    Drift {
        /// Prolific's OpenAPI document (YAML or JSON): a file, or its address
        /// (https://docs.prolific.com/openapi.yaml), fetched within 60 s and 32 MiB.
        upstream: String,
        /// The fragment [default: spec/openapi.yaml in the workspace].
        #[arg(long)]
        spec: Option<PathBuf>,
        /// Differences kept on purpose, each with a reason [default: spec/drift-allow.yaml].
        #[arg(long)]
        allow: Option<PathBuf>,
        /// How to print the report.
        #[arg(long, value_enum, default_value_t = DriftFormat::Text)]
        format: DriftFormat,
    },
}

/// How `drift` prints its report.
#[derive(Clone, Copy, PartialEq, Eq, ValueEnum)]
enum DriftFormat {
    /// Lines for a terminal.
    Text,
    /// A Markdown section: the body of the issue the scheduled workflow opens.
    Markdown,
}

/// How `diff` prints its report.
#[derive(Clone, Copy, PartialEq, Eq, ValueEnum)]
enum DiffFormat {
    /// Lines for a terminal.
    Text,
    /// One JSON document.
    Json,
    /// A Markdown section, for a changelog or a review comment.
    Markdown,
}

/// How `check` prints its report.
#[derive(Clone, Copy, PartialEq, Eq, ValueEnum)]
enum Format {
    /// One line per rule, for people.
    Text,
    /// One JSON document, for machines.
    Json,
}

#[derive(Args)]
struct Paths {
    /// The OpenAPI 3.0 spec, YAML or JSON [default: spec/openapi.yaml in the workspace].
    #[arg(long)]
    spec: Option<PathBuf>,
    /// The generated Rust module [default: sdk/src/generated.rs in the workspace].
    #[arg(long)]
    out: Option<PathBuf>,
    /// The generated mocks [default: sdk-mock/src/generated.rs in the workspace].
    #[arg(long)]
    mock_out: Option<PathBuf>,
    /// The generated operations reference [default: sdk/OPERATIONS.md in the workspace].
    #[arg(long)]
    reference_out: Option<PathBuf>,
}

/// A path to use, and how to show it: relative to the workspace for the defaults, as given
/// otherwise (so that the generated header does not depend on where the checkout lives).
struct Target {
    path: PathBuf,
    shown: String,
}

impl Paths {
    fn spec(&self) -> Target {
        target(self.spec.as_deref(), DEFAULT_SPEC)
    }

    fn out(&self) -> Target {
        target(self.out.as_deref(), DEFAULT_OUT)
    }

    fn mock_out(&self) -> Target {
        target(self.mock_out.as_deref(), DEFAULT_MOCK_OUT)
    }

    fn reference_out(&self) -> Target {
        target(self.reference_out.as_deref(), DEFAULT_REFERENCE_OUT)
    }

    /// The `generate` command that fixes drift for these paths.
    fn generate_command(&self) -> String {
        let mut command = String::from("cargo xtask generate");
        for (flag, value) in [
            ("--spec", &self.spec),
            ("--out", &self.out),
            ("--mock-out", &self.mock_out),
            ("--reference-out", &self.reference_out),
        ] {
            if let Some(value) = value {
                command.push_str(&format!(" {flag} {}", value.display()));
            }
        }
        command
    }
}

fn target(given: Option<&Path>, default: &str) -> Target {
    match given {
        Some(path) => Target {
            path: path.to_path_buf(),
            shown: path.display().to_string(),
        },
        None => Target {
            path: workspace_root().join(default),
            shown: default.to_string(),
        },
    }
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = match &cli.command {
        Command::Generate(paths) => write_generated(paths),
        Command::Check { paths, format } => Ok(check(paths, *format)),
        Command::Ci => Ok(ci::run(&workspace_root())),
        Command::Diff { base, spec, format } => diff(base, spec.as_deref(), *format),
        Command::Drift {
            upstream,
            spec,
            allow,
            format,
        } => drift(upstream, spec.as_deref(), allow.as_deref(), *format),
    };
    match result {
        Ok(code) => code,
        Err(message) => {
            eprintln!("error: {message}");
            ExitCode::FAILURE
        }
    }
}

fn write_generated(paths: &Paths) -> Result<ExitCode, String> {
    let (spec_target, out, mock_out) = (paths.spec(), paths.out(), paths.mock_out());
    let reference_out = paths.reference_out();
    let spec = spec::load(&spec_target.path, &spec_target.shown)?;
    let generated = generate::generate(&spec)?;
    // Nothing is changed silently: each kind of change normalization made, with its count.
    for line in &spec.normalized {
        println!("{}: normalized: {line}", spec.shown);
    }
    let written = files::write_if_changed(&out.path, &out.shown, &generated.code)?;
    let mock_written = files::write_if_changed(&mock_out.path, &mock_out.shown, &generated.mock)?;
    let reference_written = files::write_if_changed(
        &reference_out.path,
        &reference_out.shown,
        &generated.reference,
    )?;
    let summary = (written == files::Written::Updated)
        .then(|| diff::at_revision(&spec_target.path, &spec.shown, "HEAD").ok())
        .flatten()
        .and_then(|old| diff::compare(&old, &spec).ok())
        .map(|changes| diff::render(&changes, &spec.shown, "HEAD", diff::Style::Text));
    let state = |written| match written {
        files::Written::Updated => "updated",
        files::Written::UpToDate => "up to date",
    };
    println!(
        "{}: {}, {}, {}",
        out.shown,
        count(generated.operations, "operation"),
        count(generated.types, "type"),
        state(written)
    );
    println!(
        "{}: mocks of {}, {}",
        mock_out.shown,
        count(generated.operations, "operation"),
        state(mock_written)
    );
    println!(
        "{}: reference of {}, {}",
        reference_out.shown,
        count(generated.operations, "operation"),
        state(reference_written)
    );
    // What the new code changes for users, against the committed spec (when in a checkout).
    if let Some(summary) = summary {
        print!("{summary}");
    }
    Ok(ExitCode::SUCCESS)
}

fn diff(base: &str, spec: Option<&Path>, format: DiffFormat) -> Result<ExitCode, String> {
    let spec_target = target(spec, DEFAULT_SPEC);
    let current = spec::load(&spec_target.path, &spec_target.shown)?;
    let old = diff::at_revision(&spec_target.path, &spec_target.shown, base)?;
    let changes = diff::compare(&old, &current)?;
    let style = match format {
        DiffFormat::Text => diff::Style::Text,
        DiffFormat::Json => diff::Style::Json,
        DiffFormat::Markdown => diff::Style::Markdown,
    };
    print!(
        "{}",
        diff::render(&changes, &spec_target.shown, base, style)
    );
    Ok(ExitCode::SUCCESS)
}

fn drift(
    upstream: &str,
    spec: Option<&Path>,
    allow: Option<&Path>,
    format: DriftFormat,
) -> Result<ExitCode, String> {
    let fragment = target(spec, DEFAULT_SPEC);
    let fragment_doc = spec::read(&fragment.path, &fragment.shown)?;
    let upstream_doc = drift::read_upstream(upstream, drift::fetch::Limits::default())?;
    let allow = target(allow, "spec/drift-allow.yaml");
    let allowed = match std::fs::read_to_string(&allow.path) {
        Ok(text) => drift::allow_list(&text, &allow.shown)?,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Vec::new(),
        Err(e) => return Err(format!("{}: cannot read the allow-list: {e}", allow.shown)),
    };
    let comparison = drift::compare(&fragment_doc.value, &upstream_doc);
    let style = match format {
        DriftFormat::Text => drift::Style::Text,
        DriftFormat::Markdown => drift::Style::Markdown,
    };
    let (report, clean) = drift::report(&comparison, &allowed, &fragment.shown, upstream, style);
    print!("{report}");
    Ok(if clean {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    })
}

/// "1 operation", "7 types".
fn count(n: usize, noun: &str) -> String {
    format!("{n} {noun}{}", if n == 1 { "" } else { "s" })
}

fn check(paths: &Paths, format: Format) -> ExitCode {
    let (spec, out, mock_out) = (paths.spec(), paths.out(), paths.mock_out());
    let reference_out = paths.reference_out();
    let inputs = check::Inputs {
        spec: (&spec.path, &spec.shown),
        out: (&out.path, &out.shown),
        mock_out: (&mock_out.path, &mock_out.shown),
        reference_out: (&reference_out.path, &reference_out.shown),
        fix: paths.generate_command(),
    };
    let (report, ok) = check::run(&inputs, format == Format::Json);
    print!("{report}");
    if ok {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    }
}
