//! Each rule of `cargo xtask check`, broken on its own: a copy of the real spec with one edit,
//! and the exact `fail` lines the check must print for it.

mod common;

use common::{
    SCRATCH, SCRATCH_FIX, check_in, failures, generate_in, root, scratch_with_spec, stdout,
    tests_binary, xtask,
};
#[cfg(unix)]
use common::{binaries_with_stand_in, xtask_running};
use xtask::check::types_match::{RustType, mismatches};

const OPERATION: &str = "paths.\"/api/v1/participant-groups/\".post";

/// The spec with `from` replaced by `to` (which must occur exactly once).
fn edited(from: &str, to: &str) -> tempfile::TempDir {
    let dir = scratch_with_spec();
    let spec = dir.path().join("openapi.yaml");
    let text = std::fs::read_to_string(&spec).unwrap();
    assert_eq!(text.matches(from).count(), 1, "`{from}` must occur once");
    std::fs::write(&spec, text.replacen(from, to, 1)).unwrap();
    dir
}

/// Generates from the edited spec (so that only the edit can fail), checks, and returns the
/// `fail` lines.
fn failed_lines(from: &str, to: &str) -> Vec<String> {
    let dir = edited(from, to);
    assert!(generate_in(dir.path()).status.success());
    let out = check_in(dir.path());
    assert_eq!(out.status.code(), Some(1), "{}", stdout(&out));
    failures(&out)
}

/// The `fail` lines the fragment's own rules (`xtask::check::rules`, which read the spec alone) give
/// for the real spec with `from` replaced by `to`, found in process: no generation, no
/// subprocess. The command prints them through the same report (`the_real_spec_passes_every_rule`
/// and `json_format_reports_each_rule_for_machines` run it end to end).
fn violated(from: &str, to: &str) -> Vec<String> {
    let dir = edited(from, to);
    let raw = xtask::spec::read(&dir.path().join("openapi.yaml"), "openapi.yaml").unwrap();
    xtask::check::rules::check(&raw.value)
        .into_iter()
        .flat_map(|outcome| {
            outcome
                .violations
                .into_iter()
                .map(move |(place, message)| line(outcome.rule, &format!("{place}: {message}")))
        })
        .collect()
}

fn line(rule: &str, rest: &str) -> String {
    format!("fail  {rule:<22}{rest}")
}

#[test]
fn the_real_spec_passes_every_rule() {
    let dir = scratch_with_spec();
    assert!(generate_in(dir.path()).status.success());
    let out = check_in(dir.path());
    assert!(out.status.success(), "{}", stdout(&out));
    assert_eq!(failures(&out), Vec::<String>::new());
    let passed = stdout(&out)
        .lines()
        .filter(|l| l.starts_with("pass  "))
        .count();
    // Every rule once, and `generated-up-to-date` twice more: the SDK's file, the mocks and
    // the operations reference. `types-match-spec` runs on the SDK's own module only (cli.rs
    // checks it there): here it says so, and the summary counts it apart.
    assert_eq!(passed, 17);
    let report = stdout(&out);
    assert!(
        report.contains(&format!("skip  {:<22}{NOT_THE_SDK}\n", "types-match-spec")),
        "{report}"
    );
    assert!(
        report.ends_with(
            "cargo xtask check: openapi.yaml passes all 15 rules; 1 skipped (types-match-spec)\n"
        ),
        "{report}"
    );
}

/// Why `types-match-spec` does not run on a module outside the SDK.
const NOT_THE_SDK: &str = "--out generated.rs is not the SDK's module (sdk/src/generated.rs); \
                           nothing here compiles it";

#[test]
fn types_match_spec_says_skip_while_the_sdk_module_is_out_of_date() {
    // The SDK's own files, checked against an edited copy of the spec: read, never written.
    let dir = scratch_with_spec();
    let spec = dir.path().join("openapi.yaml");
    let text = std::fs::read_to_string(&spec).unwrap();
    std::fs::write(&spec, format!("# a new comment\n{text}")).unwrap();
    let paths = [
        root().join("sdk/src/generated.rs"),
        root().join("sdk-mock/src/generated.rs"),
        root().join("sdk/OPERATIONS.md"),
    ];
    let [sdk, mock, reference] = paths.each_ref().map(|path| path.to_str().unwrap());
    let out = xtask(
        &[
            "check",
            "--spec",
            "openapi.yaml",
            "--out",
            sdk,
            "--mock-out",
            mock,
            "--reference-out",
            reference,
        ],
        dir.path(),
    );
    assert_eq!(out.status.code(), Some(1), "{}", stdout(&out));
    let report = stdout(&out);
    assert!(
        report.contains(&format!(
            "skip  {:<22}{sdk} is out of date with openapi.yaml (generated-up-to-date); the \
             compiled types are not the spec's\n",
            "types-match-spec"
        )),
        "{report}"
    );
    assert!(
        report.ends_with(
            "cargo xtask check: openapi.yaml fails 1 of 15 rules (generated-up-to-date); 1 \
             skipped (types-match-spec)\n"
        ),
        "{report}"
    );
}

#[test]
fn spec_parses() {
    let dir = scratch_with_spec();
    let spec = dir.path().join("openapi.yaml");
    let text = std::fs::read_to_string(&spec).unwrap();
    std::fs::write(&spec, format!("{text}\n  bad: [unclosed\n")).unwrap();
    let out = check_in(dir.path());
    let lines = failures(&out);
    assert_eq!(lines.len(), 1, "{lines:?}");
    assert!(
        lines[0].starts_with("fail  spec-parses           openapi.yaml:"),
        "{lines:?}"
    );
    assert!(lines[0].contains(": invalid YAML: "), "{lines:?}");
}

#[test]
fn openapi_3_0_schema() {
    // openapiv3 and progenitor ignore an unknown top-level field; the official schema does not.
    assert_eq!(
        failed_lines("servers:\n", "colour: blue\nservers:\n"),
        [line(
            "openapi-3.0-schema",
            "(document): Additional properties are not allowed ('colour' was unexpected)"
        )]
    );
}

#[test]
fn a_missing_operation_id_is_named_once() {
    // progenitor names the SDK method after it: `generatable` owns the rule, and no other rule
    // repeats it.
    let dir = edited("      operationId: create-participant-group\n", "");
    let out = check_in(dir.path());
    assert_eq!(
        failures(&out),
        [line(
            "generatable",
            &format!(
                "{OPERATION}: the operation has no operationId; add one (it names the SDK method)"
            )
        )]
    );
}

#[test]
fn operation_summary() {
    assert_eq!(
        violated(
            "      summary: Create a new participant group within a workspace\n",
            ""
        ),
        [line(
            "operation-summary",
            &format!("{OPERATION}: no summary; add one (it heads the method's documentation)")
        )]
    );
}

#[test]
fn operation_tag() {
    assert_eq!(
        violated(
            "      tags:\n        - Participant Groups\n      summary: Create",
            "      summary: Create"
        ),
        [line(
            "operation-tag",
            &format!("{OPERATION}: no tag; add the tag of its section in Prolific's docs")
        )]
    );
}

#[test]
fn operation_security() {
    assert_eq!(
        violated(
            "not both.\n      security:\n        - token: []\n",
            "not both.\n"
        ),
        [line(
            "operation-security",
            &format!("{OPERATION}: no security requirement; add `security: [{{token: []}}]`")
        )]
    );
}

#[test]
fn operation_4xx() {
    assert_eq!(
        violated(
            "verbatim.\n              example: *documented-group\n        4XX:",
            "verbatim.\n              example: *documented-group\n        5XX:"
        ),
        [line(
            "operation-4xx",
            &format!("{OPERATION}: no 4XX response; add `4XX` with the ErrorResponse body")
        )]
    );
}

#[test]
fn property_description() {
    assert_eq!(
        violated(
            "        name:\n          type: string\n          description: The name of the participant group\n        workspace_id:",
            "        name:\n          type: string\n        workspace_id:"
        ),
        [line(
            "property-description",
            "components.schemas.CreateParticipantGroupRequest.properties.name: no description; \
             add the field's description from Prolific's docs"
        )]
    );
}

#[test]
fn body_example() {
    let from = "            # The documented example request, verbatim.\n            example:\n              name: Group 1\n";
    let failed = violated(
        from,
        "            x-example:\n              name: Group 1\n",
    );
    assert_eq!(
        failed,
        [line(
            "body-example",
            &format!(
                "{OPERATION}.requestBody.content.\"application/json\": no example; add the \
                 documented one as `example`"
            )
        )]
    );
}

#[test]
fn generatable() {
    let dir = edited(
        "verbatim.\n              example: *documented-group\n        4XX:",
        "verbatim.\n              example: *documented-group\n        default:\n          \
         description: Anything else\n        4XX:",
    );
    let out = check_in(dir.path());
    assert_eq!(
        failures(&out),
        [line(
            "generatable",
            &format!(
                "{OPERATION}.responses.default: a `default` response beside a 2XX response is \
                 not supported by progenitor; use `4XX` and `5XX` instead"
            )
        )]
    );
    assert!(
        !stdout(&out).contains("generated-up-to-date"),
        "nothing to compare"
    );
}

#[test]
fn generated_up_to_date() {
    let dir = scratch_with_spec();
    assert!(generate_in(dir.path()).status.success());
    let spec = dir.path().join("openapi.yaml");
    let text = std::fs::read_to_string(&spec).unwrap();
    std::fs::write(
        &spec,
        text.replace("A participant group.", "One participant group."),
    )
    .unwrap();
    let out = check_in(dir.path());
    // Every generated file names the spec's hash in its header: all three are stale.
    assert_eq!(
        failures(&out),
        ["generated.rs", "mock.rs", "reference.md"].map(|file| line(
            "generated-up-to-date",
            &format!("{file}: out of date with openapi.yaml; run `{SCRATCH_FIX}`")
        ))
    );
    assert!(
        stdout(&out).contains("-    ///A participant group.\n+    ///One participant group.\n")
    );
}

#[test]
fn example_valid() {
    // A property's example of the wrong type: its schema says string.
    assert_eq!(
        failed_lines("          example: COMPLETED\n", "          example: 7\n"),
        [line(
            "example-valid",
            "components.schemas.FeederStudy.properties.status: (body): 7 is not of type \"string\""
        )]
    );
}

#[test]
fn example_roundtrip() {
    // The schema allows an unknown field; the request type, closed, refuses it by name (an
    // answer's type would drop it on the way back, which the rule also finds).
    let failed = failed_lines(
        "              name: Group 1\n              workspace_id:",
        "              name: Group 1\n              colour: red\n              workspace_id:",
    );
    assert_eq!(failed.len(), 1, "{failed:?}");
    assert!(
        failed[0].starts_with(&line(
            "example-roundtrip",
            &format!(
                "{OPERATION}.requestBody.content.\"application/json\".schema: \
                 does not decode as `CreateParticipantGroupRequest`: unknown field `colour`"
            )
        )),
        "{failed:?}"
    );
}

#[test]
fn json_format_reports_each_rule_for_machines() {
    let dir = edited(
        "      summary: Create a new participant group within a workspace\n",
        "",
    );
    assert!(generate_in(dir.path()).status.success());
    let out = xtask(
        &[&["check"][..], &SCRATCH, &["--format", "json"]].concat(),
        dir.path(),
    );
    assert_eq!(out.status.code(), Some(1));
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).expect("JSON");
    assert_eq!(report["ok"], false);
    assert_eq!(report["spec"], "openapi.yaml");
    assert_eq!(
        report["failed_rules"],
        serde_json::json!(["operation-summary"])
    );
    assert_eq!(
        report["skipped_rules"],
        serde_json::json!(["types-match-spec"])
    );
    let results = report["results"].as_array().unwrap();
    // One line per rule, and `generated-up-to-date` once per generated file.
    assert_eq!(results.len(), 18);
    let failed: Vec<_> = results.iter().filter(|r| r["status"] == "fail").collect();
    assert_eq!(failed.len(), 1);
    assert_eq!(failed[0]["place"], OPERATION);
    // `types-match-spec` runs on the SDK's own module only: skipped, with the reason.
    let skipped: Vec<_> = results.iter().filter(|r| r["status"] == "skip").collect();
    assert_eq!(
        skipped,
        [&serde_json::json!({
            "rule": "types-match-spec",
            "status": "skip",
            "place": "",
            "message": NOT_THE_SDK,
        })]
    );
}

#[test]
fn operation_idempotent() {
    assert_eq!(
        violated(
            "      x-idempotent: false\n      x-prose-rules:\n        name_not_blank:",
            "      x-prose-rules:\n        name_not_blank:"
        ),
        [line(
            "operation-idempotent",
            &format!(
                "{OPERATION}: no `x-idempotent: true|false`; say whether sending it twice leaves \
                 the same state (the SDK repeats it after a 5xx or a timeout only when true)"
            )
        )]
    );
}

#[test]
fn operation_deprecation() {
    let without_note = format!(
        "{OPERATION}: deprecated without `x-deprecation`; say what to use instead, or that \
         nothing replaces it (it becomes the method's `#[deprecated]` note)"
    );
    let without_deprecated = format!(
        "{OPERATION}: `x-deprecation` on an operation that is not `deprecated: true`; mark it \
         deprecated or remove the note"
    );
    for (edit, message) in [
        ("      deprecated: true\n", without_note),
        ("      x-deprecation: Use another.\n", without_deprecated),
    ] {
        let dir = edited(
            "      x-idempotent: false\n      x-prose-rules:\n        name_not_blank:",
            &format!(
                "{edit}      x-idempotent: false\n      x-prose-rules:\n        name_not_blank:"
            ),
        );
        let edited_spec = dir.path().join("openapi.yaml");
        let raw = xtask::spec::read(&edited_spec, "openapi.yaml").unwrap();
        let found: Vec<String> = xtask::check::rules::check(&raw.value)
            .into_iter()
            .filter(|outcome| outcome.rule == "operation-deprecation")
            .flat_map(|outcome| outcome.violations)
            .map(|(place, message)| format!("{place}: {message}"))
            .collect();
        assert_eq!(found, [message], "{edit}");
    }
}

#[test]
fn operation_prose_rules() {
    let message = format!(
        "{OPERATION}: `x-prose-rules` is not a map from each rule's snake_case name to its \
         sentence; name each rule the docs state in prose (`name_not_blank: The name is not \
         empty.`), or leave it out"
    );
    let rules = "      x-prose-rules:\n        name_not_blank: The group's `name` is not empty.\n        \
                 one_owner: Either `workspace_id` or `organisation_id` must be specified, not \
                 both.\n";
    for broken in [
        "      x-prose-rules: a name and one owner\n",
        "      x-prose-rules:\n        - The group's `name` is not empty.\n",
        "      x-prose-rules:\n        Name Not Blank: The group's `name` is not empty.\n",
    ] {
        // `generate` refuses such a spec (its rules would go unchecked); `check` names it.
        let dir = edited(rules, broken);
        assert!(!generate_in(dir.path()).status.success(), "{broken}");
        let out = check_in(dir.path());
        assert_eq!(out.status.code(), Some(1), "{}", stdout(&out));
        assert!(
            failures(&out).contains(&line("operation-prose-rules", &message)),
            "{broken}: {:?}",
            failures(&out)
        );
    }
}

/// The Rust names typify gives the real spec's types (the edits below rename none).
fn real_names() -> &'static xtask::generate::names::RustNames {
    static NAMES: std::sync::OnceLock<xtask::generate::names::RustNames> =
        std::sync::OnceLock::new();
    NAMES.get_or_init(|| {
        let spec = xtask::spec::load(&root().join("spec/openapi.yaml"), "spec/openapi.yaml")
            .expect("the spec loads");
        xtask::generate::run_final(&spec)
            .expect("the spec generates")
            .names
    })
}

/// What `types-match-spec` says of the SDK's types (as the tests crate's `type-schemas` prints
/// them) against the real spec edited by one replacement: `check` runs the rule only on the
/// SDK's own module, so the rule is run here through the library.
fn type_mismatches(from: &str, to: &str) -> Vec<String> {
    let text = std::fs::read_to_string(root().join("spec/openapi.yaml")).unwrap();
    assert_eq!(text.matches(from).count(), 1, "`{from}` must occur once");
    let edited: serde_yaml_ng::Value =
        serde_yaml_ng::from_str(&text.replacen(from, to, 1)).unwrap();
    let spec = xtask::spec::yaml_to_json(edited);
    let printed = std::process::Command::new(tests_binary("type-schemas"))
        .output()
        .expect("type-schemas runs");
    let types: Vec<RustType> = String::from_utf8_lossy(&printed.stdout)
        .lines()
        .filter_map(|line| serde_json::from_str(line).ok())
        .filter_map(|line| RustType::from_line(&line))
        .collect();
    assert!(
        types.len() > 10,
        "type-schemas printed {} types",
        types.len()
    );
    mismatches(&spec, &types, real_names())
        .into_iter()
        .map(|(place, message)| format!("{place}: {message}"))
        .collect()
}

#[test]
fn types_match_spec_holds_for_the_real_spec() {
    assert_eq!(
        type_mismatches("openapi: 3.0.3", "openapi: 3.0.3"),
        Vec::<String>::new()
    );
}

#[test]
fn types_match_spec_names_a_required_array_the_rust_type_defaults() {
    // typify makes a non-required array a `Vec` with `#[serde(default)]` that is left out when
    // empty: it cannot say "required" on the wire.
    let field = "CreateParticipantGroupRequest.participant_ids";
    assert_eq!(
        type_mismatches(
            "      required:\n        - name\n      properties:\n        name:\n          \
             type: string\n          description: The name of the participant group\n",
            "      required:\n        - name\n        - participant_ids\n      properties:\n        \
             name:\n          type: string\n          description: The name of the participant \
             group\n",
        ),
        [
            format!(
                "{field}: required in the spec, but the SDK leaves it out when it is empty or \
                 unset (`skip_serializing_if`)"
            ),
            format!(
                "{field}: required in the spec, but the Rust type reads a body without it \
                 (`#[serde(default)]`)"
            ),
        ]
    );
}

#[test]
fn types_match_spec_names_a_nullable_field_the_rust_type_cannot_hold() {
    assert_eq!(
        type_mismatches(
            "      required:\n        - name\n      properties:\n        name:\n          type: string\n",
            "      required:\n        - name\n      properties:\n        name:\n          type: string\n          nullable: true\n",
        ),
        [
            "CreateParticipantGroupRequest.name: nullable in the spec, but the Rust type cannot \
          hold null; make the spec's null explicit where typify reads it (`nullable: true` on \
          the property)"
        ]
    );
}

#[test]
fn types_match_spec_names_an_item_type_that_differs() {
    assert_eq!(
        type_mismatches(
            "          description: The ids of participants to be initially added to the group\n          items:\n            type: string\n",
            "          description: The ids of participants to be initially added to the group\n          items:\n            type: integer\n",
        ),
        [
            "CreateParticipantGroupRequest.participant_ids[]: the spec says integer, the Rust type \
          holds string"
        ]
    );
}

#[test]
fn types_match_spec_names_a_property_on_one_side_only() {
    assert_eq!(
        type_mismatches(
            "        organisation_id:\n          type: string\n          description: >-\n            The id of the organisation to create",
            "        organisation:\n          type: string\n          description: >-\n            The id of the organisation to create",
        ),
        [
            "CreateParticipantGroupRequest.organisation: in the spec, not in the Rust type",
            "CreateParticipantGroupRequest.organisation_id: in the Rust type, not in the spec",
        ]
    );
}

/// `check` in a scratch folder holding the real spec and what it generates, with `name` (one
/// of the tests crate's binaries) replaced by a shell script.
#[cfg(unix)]
fn check_with_stand_in(name: &str, script: &str) -> std::process::Output {
    let dir = scratch_with_spec();
    assert!(generate_in(dir.path()).status.success());
    let binaries = binaries_with_stand_in(name, script);
    xtask_running(
        &[&["check"][..], &SCRATCH].concat(),
        dir.path(),
        binaries.path(),
    )
}

/// Two passing findings, as `spec-examples` prints them.
#[cfg(unix)]
const TWO_FINDINGS: &str = r#"echo '{"rule":"example-valid","place":"/components/schemas/Group","problem":null}'
echo '{"rule":"example-roundtrip","place":"/components/schemas/Group","problem":null}'"#;

#[cfg(unix)]
#[test]
fn a_binary_that_panics_after_printing_fails_its_rules() {
    let out = check_with_stand_in(
        "spec-examples",
        &format!(
            "{TWO_FINDINGS}\necho \"thread 'main' panicked at tests/src/examples.rs:1:1:\" >&2\n\
             echo boom >&2\nexit 101"
        ),
    );
    assert_eq!(out.status.code(), Some(1), "{}", stdout(&out));
    let message = "openapi.yaml: `spec-examples` stopped (exit status: 101) after 2 lines: boom; \
                   run `cargo run -p prolific-sdk-tests --bin spec-examples -- openapi.yaml` \
                   to see why";
    assert_eq!(
        failures(&out),
        [
            line("example-valid", message),
            line("example-roundtrip", message)
        ]
    );
}

#[cfg(unix)]
#[test]
fn a_binary_that_prints_a_line_other_than_a_finding_fails_its_rules() {
    let out = check_with_stand_in(
        "spec-examples",
        &format!("echo 'checking examples...'\n{TWO_FINDINGS}"),
    );
    assert_eq!(out.status.code(), Some(1), "{}", stdout(&out));
    let message = "openapi.yaml: `spec-examples` printed a line that is not a finding (line 1: \
                   checking examples...); rebuild it from this checkout: `cargo build -p \
                   prolific-sdk-tests --bin spec-examples`";
    assert_eq!(
        failures(&out),
        [
            line("example-valid", message),
            line("example-roundtrip", message)
        ]
    );
}

#[cfg(unix)]
#[test]
fn findings_without_a_validated_example_fail_example_valid() {
    let out = check_with_stand_in(
        "spec-examples",
        r#"echo '{"rule":"example-roundtrip","place":"/components/schemas/Group","problem":null}'"#,
    );
    assert_eq!(out.status.code(), Some(1), "{}", stdout(&out));
    assert_eq!(
        failures(&out),
        [line(
            "example-valid",
            "openapi.yaml: `spec-examples` validated no example; rebuild it: `cargo build -p \
             prolific-sdk-tests --bin spec-examples`"
        )]
    );
}

#[cfg(unix)]
#[test]
fn a_binary_that_reports_no_type_fails_types_match_spec() {
    // `types-match-spec` runs on the SDK's own module: the workspace's files, only read.
    let binaries = binaries_with_stand_in("type-schemas", "exit 0");
    let out = xtask_running(&["check"], &root(), binaries.path());
    assert_eq!(out.status.code(), Some(1), "{}", stdout(&out));
    assert_eq!(
        failures(&out),
        [line(
            "types-match-spec",
            "spec/openapi.yaml: `type-schemas` reported no type, so nothing was held against \
             the spec; run `cargo run -p prolific-sdk-tests --bin type-schemas` to see why"
        )]
    );
}

#[test]
fn a_spec_without_any_example_fails_example_valid() {
    fn strip(value: &mut serde_json::Value) {
        match value {
            serde_json::Value::Object(map) => {
                map.remove("example");
                map.values_mut().for_each(strip);
            }
            serde_json::Value::Array(items) => items.iter_mut().for_each(strip),
            _ => {}
        }
    }
    let dir = scratch_with_spec();
    let spec = dir.path().join("openapi.yaml");
    let mut value = common::real_spec();
    strip(&mut value);
    std::fs::write(&spec, serde_json::to_string_pretty(&value).unwrap()).unwrap();
    assert!(generate_in(dir.path()).status.success());
    let out = check_in(dir.path());
    assert_eq!(out.status.code(), Some(1), "{}", stdout(&out));
    let nothing = "openapi.yaml: the spec has no example to check; add the documented `example` \
                   to each request and response body (or `examples`, each with a `value`)";
    let examples: Vec<String> = failures(&out)
        .into_iter()
        .filter(|l| l.contains(" example-"))
        .collect();
    assert_eq!(
        examples,
        [
            line("example-valid", nothing),
            line("example-roundtrip", nothing)
        ]
    );
}

/// The request body's documented example, moved under `examples:` as `documented`, with `name`
/// set to `name`: the `fail` lines of `check`.
fn request_examples(name: &str) -> Vec<String> {
    let example = "name: Group 1\nworkspace_id: 5e9b9c9b0f9c9a0001b1ca2f\ndescription: \
                   Participants with confirmed special dietary requirements.\nparticipant_ids:\n  \
                   - 5e9b9c9b0f9c9a0001b0b1f4\n  - 5e9b9c9b0f9c9a0001b0b1f5\n  - \
                   5e9b9c9b0f9c9a0001b0b1f6\n";
    let indent = |text: &str, by: usize| -> String {
        text.lines().map(|l| format!("{:by$}{l}\n", "")).collect()
    };
    let from = format!(
        "            # The documented example request, verbatim.\n            example:\n{}",
        indent(example, 14)
    );
    let to = format!(
        "            examples:\n              documented:\n                value:\n{}",
        indent(
            &example.replace("name: Group 1", &format!("name: {name}")),
            18
        )
    );
    failed_lines(&from, &to)
}

#[test]
fn an_example_under_examples_is_validated_by_name() {
    let failed = request_examples("7");
    let place = format!("{OPERATION}.requestBody.content.\"application/json\".examples.documented");
    assert_eq!(failed.len(), 2, "{failed:?}");
    assert_eq!(
        failed[0],
        line(
            "example-valid",
            &format!("{place}: /name: 7 is not of type \"string\"")
        )
    );
    assert!(
        failed[1].starts_with(&line(
            "example-roundtrip",
            &format!("{place}: does not decode as `CreateParticipantGroupRequest`: ")
        )),
        "{failed:?}"
    );
}

/// A spec with no operation gives the per-operation rules nothing to look at: each says `skip`
/// with the reason, and none passes.
#[test]
fn rules_with_nothing_to_check_say_skip_not_pass() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("openapi.yaml"),
        "openapi: 3.0.3\ninfo:\n  title: Empty\n  version: 1.0.0\npaths: {}\n",
    )
    .unwrap();
    let out = check_in(dir.path());
    let report = stdout(&out);
    for rule in [
        "operation-summary",
        "operation-tag",
        "operation-security",
        "operation-idempotent",
        "operation-prose-rules",
        "operation-deprecation",
        "operation-4xx",
    ] {
        assert!(
            report.contains(&format!("skip  {rule:<22}nothing to check: 0 operations\n")),
            "{rule}: {report}"
        );
        assert!(!report.contains(&format!("pass  {rule} ")), "{report}");
    }
    for (rule, scope) in [
        ("property-description", "0 properties"),
        ("body-example", "0 bodies"),
    ] {
        assert!(
            report.contains(&format!("skip  {rule:<22}nothing to check: {scope}\n")),
            "{rule}: {report}"
        );
    }
}
