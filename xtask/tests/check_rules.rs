//! Each rule of `cargo xtask check`, broken on its own: a copy of the real spec with one edit,
//! and the exact `fail` lines the check must print for it.

mod common;

use common::{SCRATCH, check_in, failures, generate_in, scratch_with_spec, stdout, xtask};

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
    // Every rule once, and `generated-up-to-date` once more: the SDK's file and the mocks.
    assert_eq!(passed, 16);
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
fn operation_id() {
    // progenitor needs the operationId too: the spec cannot be generated without it.
    let dir = edited("      operationId: create-participant-group\n", "");
    let out = check_in(dir.path());
    assert_eq!(
        failures(&out),
        [
            line(
                "operation-id",
                &format!("{OPERATION}: no operationId; add one (it names the SDK method)")
            ),
            line(
                "generatable",
                &format!(
                    "{OPERATION}: the operation has no operationId; add one (it names the SDK method)"
                )
            ),
        ]
    );
}

#[test]
fn operation_summary() {
    assert_eq!(
        failed_lines(
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
        failed_lines(
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
        failed_lines(
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
        failed_lines(
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
        failed_lines(
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
    let failed = failed_lines(
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
    // Both files name the spec's hash in their header: both are stale.
    let fix =
        "run `cargo xtask generate --spec openapi.yaml --out generated.rs --mock-out mock.rs`";
    assert_eq!(
        failures(&out),
        [
            line(
                "generated-up-to-date",
                &format!("generated.rs: out of date with openapi.yaml; {fix}")
            ),
            line(
                "generated-up-to-date",
                &format!("mock.rs: out of date with openapi.yaml; {fix}")
            )
        ]
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
    // The schema allows an unknown field; the generated type drops it on the way back.
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
                 `CreateParticipantGroupRequest` encodes it back differently: "
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
    let results = report["results"].as_array().unwrap();
    // One line per rule, and `generated-up-to-date` once per generated file.
    assert_eq!(results.len(), 16);
    let failed: Vec<_> = results.iter().filter(|r| r["status"] == "fail").collect();
    assert_eq!(failed.len(), 1);
    assert_eq!(failed[0]["place"], OPERATION);
}

#[test]
fn operation_idempotent() {
    assert_eq!(
        failed_lines("      x-idempotent: false\n", ""),
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
fn operation_prose_rules() {
    assert_eq!(
        failed_lines(
            "      x-prose-rules:\n        - The group's `name` is not empty.\n        - Either \
             `workspace_id` or `organisation_id` must be specified, not both.\n",
            "      x-prose-rules: a name and one owner\n"
        ),
        [line(
            "operation-prose-rules",
            &format!(
                "{OPERATION}: `x-prose-rules` is not a list of sentences; list each rule the docs \
                 state in prose as a string, or leave it out"
            )
        )]
    );
}
