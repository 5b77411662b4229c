//! `cargo xtask drift`: a fragment against a realistic stand-in for Prolific's published
//! document (`fixtures/drift/prolific-upstream.yaml`, built from the reference facts), and
//! against edited copies of it. The fragment and its allow-list are fixtures too
//! (`fixtures/drift/fragment.yaml`, `allow.yaml`: the spec at 14 operations), so that adding an
//! operation to `spec/` costs no line here. The real spec is held against the real published
//! document by hand (`cargo xtask drift <copy>`), since tests do not reach the internet.

mod common;

use std::path::Path;

use common::{root, stderr, stdout, xtask};

fn upstream() -> String {
    std::fs::read_to_string(fixture("prolific-upstream.yaml")).unwrap()
}

/// How many operations the fixture fragment has.
const FRAGMENT_OPERATIONS: usize = 14;

fn fixture(name: &str) -> std::path::PathBuf {
    root().join("xtask/tests/fixtures/drift").join(name)
}

/// Runs drift in a scratch folder: the fixture fragment against `upstream_text`, with the
/// fixture allow-list unless `allow` is given.
fn drift(upstream_text: &str, allow: Option<&str>) -> std::process::Output {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("upstream.yaml"), upstream_text).unwrap();
    let spec = fixture("fragment.yaml");
    let allow_path = match allow {
        Some(text) => {
            std::fs::write(dir.path().join("allow.yaml"), text).unwrap();
            dir.path().join("allow.yaml")
        }
        None => fixture("allow.yaml"),
    };
    xtask(
        &[
            "drift",
            "upstream.yaml",
            "--spec",
            path(&spec),
            "--allow",
            path(&allow_path),
        ],
        dir.path(),
    )
}

fn path(p: &Path) -> &str {
    p.to_str().unwrap()
}

#[test]
fn the_fragment_matches_upstream_but_for_its_allowed_deviations() {
    let out = drift(&upstream(), None);
    assert!(out.status.success(), "{}", stdout(&out));
    let report = stdout(&out);
    assert!(
        report.contains(&format!(
            "({} operations matched by method and path)",
            FRAGMENT_OPERATIONS
        )),
        "{report}"
    );
    assert!(!report.contains("\n  differs  "), "{report}");
    assert!(
        report.contains(
            "\n  allowed  required  create-participant-group response 201: id: fragment: true; \
             upstream: false (allowed: "
        ),
        "{report}"
    );
    assert!(
        report.ends_with("drift: no difference outside the allow-list\n"),
        "{report}"
    );
}

#[test]
fn a_field_only_upstream_is_named() {
    let anchor = "        is_deleted:\n";
    let edited = upstream().replacen(
        anchor,
        &format!("        created_at:\n          type: string\n{anchor}"),
        1,
    );
    let out = drift(&edited, None);
    assert_eq!(out.status.code(), Some(1));
    let report = stdout(&out);
    // Named wherever the group is answered.
    for place in [
        "create-participant-group response 201: created_at",
        "get-participant-group response 200: created_at",
        "get-participant-groups response 200: results[].created_at",
        "update-participant-group response 200: created_at",
    ] {
        assert!(
            report.contains(&format!(
                "  differs  missing   {place}: only upstream (string)\n"
            )),
            "{place}: {report}"
        );
    }
    assert!(report.ends_with("drift: 4 differences to resolve: update the fragment, or allow them with a reason in spec/drift-allow.yaml\n"), "{report}");
}

#[test]
fn each_kind_of_difference_is_reported() {
    let edited = upstream()
        // type
        .replacen("        participant_count:\n          type: integer", "        participant_count:\n          type: string", 1)
        // nullable
        .replacen("        workspace_id:\n          type: string\n          nullable: true", "        workspace_id:\n          type: string", 1)
        // read-only
        .replacen("        is_deleted:\n          type: boolean\n          readOnly: true", "        is_deleted:\n          type: boolean", 1)
        // a request field only in the fragment
        .replacen("        description:\n          type: string\n        participant_ids:", "        participant_ids:", 1)
        // required, in the request
        .replacen("      required:\n        - name\n      properties:\n        name:\n          type: string\n        workspace_id:", "      required:\n        - name\n        - workspace_id\n      properties:\n        name:\n          type: string\n        workspace_id:", 1);
    let out = drift(&edited, None);
    assert_eq!(out.status.code(), Some(1));
    let differs: Vec<String> = stdout(&out)
        .lines()
        .filter(|l| l.starts_with("  differs") && l.contains(" create-participant-group "))
        .map(str::to_string)
        .collect();
    assert_eq!(
        differs,
        [
            "  differs  extra     create-participant-group request: description: only in the fragment",
            "  differs  required  create-participant-group request: workspace_id: fragment: false; upstream: true",
            "  differs  read-only create-participant-group response 201: is_deleted: fragment: true; upstream: false",
            "  differs  type      create-participant-group response 201: participant_count: fragment: integer; upstream: string",
            "  differs  nullable  create-participant-group response 201: workspace_id: fragment: true; upstream: false",
        ]
    );
}

#[test]
fn an_operation_missing_upstream_is_a_difference() {
    let edited = upstream().replacen(
        "    post:\n      operationId: create-participant-group",
        "    put:\n      operationId: create-participant-group",
        1,
    );
    let allow = "- place: \"create-participant-group response 201: id\"\n  kind: required\n  \
                 reason: the group's identity\n";
    let out = drift(&edited, Some(allow));
    assert_eq!(out.status.code(), Some(1));
    assert!(stdout(&out).contains("  differs  operation create-participant-group: POST /api/v1/participant-groups/ is not in the upstream document\n"), "{}", stdout(&out));
    // The allowed entry no longer matches anything: it is reported as stale.
    assert!(
        stdout(&out).contains("  stale    required  create-participant-group response 201: id")
    );
}

#[test]
fn an_allow_list_entry_without_a_reason_is_refused() {
    let out = drift(
        &upstream(),
        Some("- place: \"create-participant-group response 201: id\"\n  kind: required\n"),
    );
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stderr(&out).starts_with("error: ")
            && stderr(&out)
                .contains("entry 1 has no `reason`; every entry needs place, kind and reason"),
        "{}",
        stderr(&out)
    );
}
