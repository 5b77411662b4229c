//! `cargo xtask diff`: each classification has a fixture pair, `fixtures/diff/CASE/old.yaml`
//! and `new.yaml`, beside `expected.txt`, the exact report. Each runs in a scratch git
//! repository where `old.yaml` is committed and `new.yaml` is the working tree.

mod common;

use std::path::Path;
use std::process::Command;

use common::{generate_report, root, stdout, xtask};

/// A scratch repository whose HEAD holds `old` as `openapi.yaml`, and whose working tree holds
/// `new`.
fn repository(old: &str, new: &str) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let git = |args: &[&str]| {
        let status = Command::new("git")
            .args(["-c", "user.name=test", "-c", "user.email=test@example.com"])
            .args(args)
            .current_dir(dir.path())
            .output()
            .expect("git runs");
        assert!(status.status.success(), "git {args:?}");
    };
    std::fs::write(dir.path().join("openapi.yaml"), old).unwrap();
    git(&["init", "-q"]);
    git(&["add", "openapi.yaml"]);
    git(&["commit", "-q", "-m", "base"]);
    std::fs::write(dir.path().join("openapi.yaml"), new).unwrap();
    dir
}

fn read(path: &Path) -> String {
    std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

#[test]
fn each_classification_matches_its_expected_report() {
    let fixtures = root().join("xtask/tests/fixtures/diff");
    let mut cases = 0;
    let mut wrong = Vec::new();
    for entry in std::fs::read_dir(&fixtures).unwrap() {
        let case = entry.unwrap().path();
        let repo = repository(&read(&case.join("old.yaml")), &read(&case.join("new.yaml")));
        let out = xtask(&["diff", "--spec", "openapi.yaml"], repo.path());
        assert!(out.status.success(), "{}", case.display());
        let (got, expected) = (stdout(&out), read(&case.join("expected.txt")));
        if got != expected {
            let name = case.file_name().unwrap_or_default().to_string_lossy();
            wrong.push(format!("{name}: expected\n{expected}got\n{got}"));
        }
        cases += 1;
    }
    // Every case that differs, not only the first: one spec change can move several verdicts.
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
    assert!(cases >= 30, "only {cases} cases");
}

#[test]
fn an_added_optional_response_field_is_minor_and_a_removed_request_field_is_major() {
    let fixtures = root().join("xtask/tests/fixtures/diff");
    let report = |case: &str| read(&fixtures.join(case).join("expected.txt"));
    let added = report("optional-response-field-added");
    assert!(added.contains("Group.created_at"), "{added}");
    assert!(
        added.ends_with("verdict: compatible, minor version\n"),
        "{added}"
    );
    let removed = report("request-field-removed");
    assert!(removed.contains("NewGroup.note"), "{removed}");
    assert!(
        removed.ends_with("verdict: breaking, major version\n"),
        "{removed}"
    );
}

#[test]
fn json_and_markdown_carry_the_same_verdict() {
    let fixtures = root().join("xtask/tests/fixtures/diff/request-field-removed");
    let repo = repository(
        &read(&fixtures.join("old.yaml")),
        &read(&fixtures.join("new.yaml")),
    );
    let json = xtask(
        &["diff", "--spec", "openapi.yaml", "--format", "json"],
        repo.path(),
    );
    let report: serde_json::Value = serde_json::from_slice(&json.stdout).unwrap();
    assert_eq!(report["verdict"], "breaking");
    assert_eq!(report["bump"], "major");
    assert_eq!(report["base"], "HEAD");
    assert_eq!(report["changes"][0]["kind"], "field-removed");
    assert_eq!(report["changes"][0]["item"], "NewGroup.note");

    let markdown = stdout(&xtask(
        &["diff", "--spec", "openapi.yaml", "--format", "markdown"],
        repo.path(),
    ));
    assert!(markdown.starts_with("### SDK changes in `openapi.yaml` since `HEAD`\n\n**Verdict: breaking, major version.**\n"), "{markdown}");
    assert!(
        markdown.contains("| breaking | major | field-removed | `NewGroup.note` |"),
        "{markdown}"
    );
}

#[test]
fn generate_prints_the_summary_when_its_output_changed() {
    let spec = read(&root().join("spec/openapi.yaml"));
    let repo = repository(&spec, &spec);
    let generate = || common::generate_in(repo.path());
    assert!(generate().status.success());
    let anchor = "        project_id:\n";
    std::fs::write(
        repo.path().join("openapi.yaml"),
        spec.replacen(
            anchor,
            &format!(
                "        created_at:\n          type: string\n          description: When\n{anchor}"
            ),
            1,
        ),
    )
    .unwrap();
    let out = stdout(&generate());
    assert_eq!(
        out,
        format!(
            "{}openapi.yaml: changes for SDK users since HEAD\n  \
             compatible  minor  field-added         ParticipantGroup.created_at: new response \
             field `Option<String>`\n\
             verdict: compatible, minor version\n",
            generate_report("updated", "updated", "updated")
        )
    );
    // Unchanged output: no summary.
    assert_eq!(
        stdout(&generate()),
        generate_report("up to date", "up to date", "up to date")
    );
}

#[test]
fn an_unknown_base_says_what_to_pass() {
    let spec = read(&root().join("spec/openapi.yaml"));
    let repo = repository(&spec, &spec);
    let out = xtask(
        &["diff", "--spec", "openapi.yaml", "--base", "no-such-rev"],
        repo.path(),
    );
    assert_eq!(out.status.code(), Some(1));
    let err = common::stderr(&out);
    assert!(
        err.starts_with("error: openapi.yaml at no-such-rev: "),
        "{err}"
    );
    assert!(
        err.trim_end()
            .ends_with("pass another --base (a commit, branch or tag)"),
        "{err}"
    );
}
