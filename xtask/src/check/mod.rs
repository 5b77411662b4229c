//! `cargo xtask check`: the one gate. Runs every rule in order, reports each on its own line
//! (pass; fail with the place in the spec; or skip with the reason the rule does not apply
//! here, counted apart in the summary), and passes only when no rule fails:
//!
//! 1. `spec-parses`, `openapi-3.0-schema`: the spec is valid OpenAPI 3.0, by the official
//!    JSON Schema (vendored in `xtask/oas/`);
//! 2. the fragment's own rules (`rules.rs`) and `generatable` (`preflight.rs`);
//! 3. `generated-up-to-date`: the generated module, the generated mocks and the operations
//!    reference are what the spec generates;
//! 4. `types-match-spec`: the JSON Schema schemars derives from each generated type says what
//!    the spec says (`types_match.rs`, on the tests crate's `type-schemas`); skipped unless
//!    `--out` is the SDK's own module and is what the spec generates;
//! 5. `example-valid`, `example-roundtrip`: every example (`example`, and each entry of
//!    `examples`) validates against its schema, and the SDK's generated types decode it and
//!    encode it back unchanged (run by the tests crate's `spec-examples` binary: the xtask
//!    cannot link the SDK it generates). A spec without examples fails: nothing was checked.
//!
//! A binary's run counts only when it exits 0 and reports at least one item (`tests_crate.rs`).

pub mod rules;
pub mod tests_crate;
pub mod types_match;

use std::path::Path;
use std::sync::OnceLock;

use serde_json::{Value, json};

use crate::check::tests_crate::Binary;
use crate::generate::{self, preflight};
use crate::spec::{one_line, shorten};
use crate::{files, spec};
use spec_model::place;
use types_match::RustType;

/// The official OpenAPI 3.0 JSON Schema, 2021-09-28 (Apache-2.0, see xtask/oas/README.md).
const OAS_30_SCHEMA: &str = include_str!("../../oas/openapi-3.0.schema.json");

/// Why `types-match-spec` cannot hold the SDK's types against a spec the SDK is not built from.
const NOT_COMPARED: &str = "the compiled types are not the spec's";

/// How many lines of diff the report shows before cutting it short.
const DIFF_LINES: usize = 40;

/// One reported line.
struct Line {
    rule: String,
    status: Status,
    place: String,
    message: String,
}

/// What a line says of its rule.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Status {
    /// The rule holds where it looked.
    Pass,
    /// The rule is broken at the place named.
    Fail,
    /// The rule does not apply here; the message says why. Never counted as passed.
    Skip,
}

impl Status {
    fn word(self) -> &'static str {
        match self {
            Status::Pass => "pass",
            Status::Fail => "fail",
            Status::Skip => "skip",
        }
    }
}

/// What `check` needs to know about its inputs.
pub struct Inputs<'a> {
    /// The spec file, and how to show it.
    pub spec: (&'a Path, &'a str),
    /// The generated module, and how to show it.
    pub out: (&'a Path, &'a str),
    /// The generated mocks, and how to show them.
    pub mock_out: (&'a Path, &'a str),
    /// The generated operations reference, and how to show it.
    pub reference_out: (&'a Path, &'a str),
    /// The `generate` command that fixes drift for these paths.
    pub fix: String,
}

/// Runs every rule; returns the report and whether all passed.
pub fn run(inputs: &Inputs, as_json: bool) -> (String, bool) {
    let mut lines = Vec::new();
    let mut diff = None;
    rules_in_order(inputs, &mut lines, &mut diff);
    let ok = lines.iter().all(|l| l.status != Status::Fail);
    let report = if as_json {
        json_report(inputs, &lines, diff.as_deref(), ok)
    } else {
        text_report(inputs, &lines, diff.as_deref(), ok)
    };
    (report, ok)
}

fn pass(lines: &mut Vec<Line>, rule: &str, place: impl Into<String>) {
    lines.push(Line {
        rule: rule.into(),
        status: Status::Pass,
        place: place.into(),
        message: String::new(),
    });
}

fn fail(lines: &mut Vec<Line>, rule: &str, place: impl Into<String>, message: impl Into<String>) {
    lines.push(Line {
        rule: rule.into(),
        status: Status::Fail,
        place: place.into(),
        message: message.into(),
    });
}

fn skip(lines: &mut Vec<Line>, rule: &str, why: impl Into<String>) {
    lines.push(Line {
        rule: rule.into(),
        status: Status::Skip,
        place: String::new(),
        message: why.into(),
    });
}

fn rules_in_order(inputs: &Inputs, lines: &mut Vec<Line>, diff: &mut Option<String>) {
    let (spec_path, shown) = inputs.spec;
    let raw = match spec::read(spec_path, shown) {
        Ok(raw) => raw,
        // The message starts with the file (and line and column): it is the place.
        Err(message) => return fail(lines, "spec-parses", "", message),
    };

    let schema_errors = oas_schema_errors(&raw.value);
    if schema_errors.is_empty() {
        pass(lines, "openapi-3.0-schema", shown);
    }
    for (at, message) in schema_errors {
        fail(lines, "openapi-3.0-schema", place(&at), message);
    }

    for outcome in rules::check(&raw.value) {
        if outcome.checked == 0 {
            skip(
                lines,
                outcome.rule,
                format!("nothing to check: {}", outcome.scope),
            );
        } else if outcome.violations.is_empty() {
            pass(lines, outcome.rule, outcome.scope);
        }
        for (at, message) in outcome.violations {
            fail(lines, outcome.rule, at, message);
        }
    }

    let parsed = match spec::parse(raw) {
        Ok(parsed) => parsed,
        Err(message) => return fail(lines, "spec-parses", "", message),
    };
    lines.insert(
        0,
        Line {
            rule: "spec-parses".into(),
            status: Status::Pass,
            place: shown.into(),
            message: String::new(),
        },
    );
    let problems = preflight::problems(&parsed.raw.value);
    let generated = if problems.is_empty() {
        generate::generate(&parsed).map_err(|message| fail(lines, "generatable", "", message))
    } else {
        for (at, message) in problems {
            fail(lines, "generatable", at, message);
        }
        Err(())
    };
    // `type-schemas` compiles the SDK's own module: its types are held against the spec when
    // that is the module checked and it is the spec's. Otherwise the rule says why it is
    // skipped: a module elsewhere (`--out`) is not compiled by anything here, and a stale one
    // is not the spec's (`generated-up-to-date` or `generatable` has said what to do).
    let compiled = crate::workspace_root().join("sdk/src/generated.rs");
    let out_is_compiled = std::fs::canonicalize(inputs.out.0)
        .is_ok_and(|out| std::fs::canonicalize(&compiled).is_ok_and(|sdk| sdk == out));
    let mut why_skipped = if out_is_compiled {
        format!("the spec does not generate (generatable); {NOT_COMPARED}")
    } else {
        format!(
            "--out {} is not the SDK's module (sdk/src/generated.rs); nothing here compiles it",
            inputs.out.1
        )
    };
    let mut sdk_up_to_date = false;
    let mut names = None;
    if let Ok(generated) = generated {
        names = Some(generated.names.clone());
        pass(lines, "generatable", shown);
        for ((path, out_shown), code) in [
            (inputs.out, &generated.code),
            (inputs.mock_out, &generated.mock),
            (inputs.reference_out, &generated.reference),
        ] {
            match files::drift(path, out_shown, code, DIFF_LINES) {
                None => {
                    sdk_up_to_date |= path == inputs.out.0 && out_is_compiled;
                    pass(lines, "generated-up-to-date", out_shown)
                }
                Some(text) => {
                    if path == inputs.out.0 && out_is_compiled {
                        why_skipped = format!(
                            "{out_shown} is out of date with {shown} (generated-up-to-date); \
                             {NOT_COMPARED}"
                        );
                    }
                    fail(
                        lines,
                        "generated-up-to-date",
                        out_shown,
                        format!("out of date with {shown}; run `{}`", inputs.fix),
                    );
                    diff.get_or_insert_with(String::new).push_str(&text);
                }
            }
        }
    }

    let type_schemas = Binary {
        name: "type-schemas",
        argument: None,
        item: "type's schemas",
        nothing: "`type-schemas` reported no type, so nothing was held against the spec; run \
                  `cargo run -p prolific-sdk-tests --bin type-schemas` to see why",
    };
    match sdk_up_to_date
        .then_some(names)
        .flatten()
        .map(|names| (type_schemas.run(RustType::from_line), names))
    {
        None => skip(lines, "types-match-spec", why_skipped),
        Some((Err(message), _)) => fail(lines, "types-match-spec", shown, message),
        Some((Ok(types), names)) => {
            let mismatches = types_match::mismatches(&parsed.raw.value, &types, &names);
            if mismatches.is_empty() {
                let n = types.len();
                pass(
                    lines,
                    "types-match-spec",
                    format!("{n} type{}", if n == 1 { "" } else { "s" }),
                );
            }
            for (at, message) in mismatches {
                fail(lines, "types-match-spec", at, message);
            }
        }
    }

    let rules = ["example-valid", "example-roundtrip"];
    match example_findings(spec_path, shown) {
        Err(message) => {
            for rule in rules {
                fail(lines, rule, shown, message.clone());
            }
        }
        Ok(findings) => {
            for rule in rules {
                let mine: Vec<&Finding> = findings.iter().filter(|f| f.rule == rule).collect();
                let broken: Vec<_> = mine.iter().filter(|f| f.problem.is_some()).collect();
                if mine.is_empty() && rule == "example-roundtrip" {
                    // There are examples (else the binary's run has failed), but none of a
                    // named schema: there is no generated type to send them through.
                    skip(
                        lines,
                        rule,
                        "no example illustrates a named schema (`$ref` to components.schemas), \
                         so no generated type reads one",
                    );
                } else if mine.is_empty() {
                    // Each example is validated: findings without one are not this checkout's.
                    let rebuild =
                        "rebuild it: `cargo build -p prolific-sdk-tests --bin spec-examples`";
                    let message = format!("`spec-examples` validated no example; {rebuild}");
                    fail(lines, rule, shown, message);
                } else if broken.is_empty() {
                    let n = mine.len();
                    pass(
                        lines,
                        rule,
                        format!("{n} example{}", if n == 1 { "" } else { "s" }),
                    );
                }
                for finding in broken {
                    let problem = finding.problem.clone().unwrap_or_default();
                    fail(lines, rule, place(&finding.place), problem);
                }
            }
        }
    }
}

/// Validates the document against the official OpenAPI 3.0 schema: (pointer, message) each.
fn oas_schema_errors(document: &Value) -> Vec<(String, String)> {
    static VALIDATOR: OnceLock<Result<jsonschema::Validator, String>> = OnceLock::new();
    let validator = VALIDATOR.get_or_init(|| {
        let schema: Value = serde_json::from_str(OAS_30_SCHEMA).map_err(|e| e.to_string())?;
        jsonschema::validator_for(&schema).map_err(|e| e.to_string())
    });
    let validator = match validator {
        Ok(validator) => validator,
        Err(e) => {
            return vec![(
                String::new(),
                format!("the vendored OpenAPI 3.0 schema does not load ({e}); restore xtask/oas/"),
            )];
        }
    };
    validator
        .iter_errors(document)
        .map(|e| {
            let message = one_line(&e.to_string());
            (
                e.instance_path().as_str().to_string(),
                shorten(&message, 160),
            )
        })
        .collect()
}

/// One check of one example, as `spec-examples` prints it.
struct Finding {
    /// `example-valid` or `example-roundtrip`.
    rule: String,
    /// The JSON pointer of the example (or of the schema it illustrates).
    place: String,
    /// What is wrong, or `None` when it holds.
    problem: Option<String>,
}

impl Finding {
    /// Reads one line of `spec-examples`: `{"rule", "place", "problem"}`.
    fn from_line(line: &Value) -> Option<Finding> {
        let rule = line.get("rule")?.as_str()?;
        if !["example-valid", "example-roundtrip"].contains(&rule) {
            return None;
        }
        let problem = match line.get("problem")? {
            Value::Null => None,
            problem => Some(problem.as_str()?.to_string()),
        };
        Some(Finding {
            rule: rule.to_string(),
            place: line.get("place")?.as_str()?.to_string(),
            problem,
        })
    }
}

/// Runs the tests crate's `spec-examples` on the spec: every finding, or why there is none.
fn example_findings(spec_path: &Path, shown: &str) -> Result<Vec<Finding>, String> {
    let spec_path = std::path::absolute(spec_path).map_err(|e| e.to_string())?;
    Binary {
        name: "spec-examples",
        argument: Some((&spec_path, shown)),
        item: "finding",
        nothing: "the spec has no example to check; add the documented `example` to each \
                  request and response body (or `examples`, each with a `value`)",
    }
    .run(Finding::from_line)
}

fn text_report(inputs: &Inputs, lines: &[Line], diff: Option<&str>, ok: bool) -> String {
    let mut report = String::new();
    for line in lines {
        let rest = match (line.status, line.place.as_str()) {
            (Status::Pass, place) => place.to_string(),
            (_, "") => line.message.clone(),
            (_, place) => format!("{place}: {}", line.message),
        };
        let status = line.status.word();
        report.push_str(&format!("{status}  {:<22}{rest}\n", line.rule));
    }
    if let Some(diff) = diff {
        report.push_str(diff);
    }
    // Skipped rules are counted apart: they neither passed nor failed.
    let (failed, skipped) = (failed_rules(lines), skipped_rules(lines));
    let ran = distinct_rules(lines) - skipped.len();
    let spec = inputs.spec.1;
    report.push_str(&if ok {
        format!("cargo xtask check: {spec} passes all {ran} rules")
    } else {
        format!(
            "cargo xtask check: {spec} fails {} of {ran} rules ({})",
            failed.len(),
            failed.join(", ")
        )
    });
    if !skipped.is_empty() {
        report.push_str(&format!(
            "; {} skipped ({})",
            skipped.len(),
            skipped.join(", ")
        ));
    }
    report.push('\n');
    report
}

fn json_report(inputs: &Inputs, lines: &[Line], diff: Option<&str>, ok: bool) -> String {
    let results: Vec<Value> = lines
        .iter()
        .map(|l| {
            json!({
                "rule": l.rule,
                "status": l.status.word(),
                "place": l.place,
                "message": match l.status {
                    Status::Pass => Value::Null,
                    Status::Fail | Status::Skip => Value::String(l.message.clone()),
                },
            })
        })
        .collect();
    let report = json!({
        "spec": inputs.spec.1,
        "ok": ok,
        "failed_rules": failed_rules(lines),
        "skipped_rules": skipped_rules(lines),
        "results": results,
        "diff": diff,
    });
    format!(
        "{}\n",
        serde_json::to_string_pretty(&report).expect("a report encodes")
    )
}

/// The rules with a failed line, in report order.
fn failed_rules(lines: &[Line]) -> Vec<String> {
    let mut failed: Vec<String> = Vec::new();
    for line in lines.iter().filter(|l| l.status == Status::Fail) {
        if !failed.contains(&line.rule) {
            failed.push(line.rule.clone());
        }
    }
    failed
}

/// The rules whose every line is a skip, in report order.
fn skipped_rules(lines: &[Line]) -> Vec<String> {
    let mut skipped: Vec<String> = Vec::new();
    for line in lines.iter().filter(|l| l.status == Status::Skip) {
        let only_skips = lines
            .iter()
            .filter(|other| other.rule == line.rule)
            .all(|other| other.status == Status::Skip);
        if only_skips && !skipped.contains(&line.rule) {
            skipped.push(line.rule.clone());
        }
    }
    skipped
}

fn distinct_rules(lines: &[Line]) -> usize {
    let mut rules: Vec<&str> = lines.iter().map(|l| l.rule.as_str()).collect();
    rules.sort();
    rules.dedup();
    rules.len()
}
