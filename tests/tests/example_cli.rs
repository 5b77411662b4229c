//! `sdk/examples/create_participant_group.rs` as a user runs it: with a token against a
//! server, and without one against its built-in mock.
//!
//! `cargo test` builds every example of the workspace before running tests; the binary sits
//! in `target/<profile>/examples/`, beside this test's own folder.

use std::path::PathBuf;
use std::process::{Command, Output};

use prolific_sdk_tests::{Canned, Loopback};

fn example_binary() -> PathBuf {
    let test_binary = std::env::current_exe().expect("the test knows where it runs from");
    let profile = test_binary
        .parent()
        .and_then(|deps| deps.parent())
        .expect("tests run from target/<profile>/deps");
    let binary = profile.join("examples/create_participant_group");
    assert!(
        binary.exists(),
        "{} is missing: run `cargo test --workspace`, which builds the examples",
        binary.display()
    );
    binary
}

/// Runs the example with `args` and exactly the Prolific variables given.
fn run(args: &[&str], variables: &[(&str, &str)]) -> Output {
    let mut command = Command::new(example_binary());
    command
        .args(args)
        .env_remove("PROLIFIC_TOKEN")
        .env_remove("PROLIFIC_URL");
    for (name, value) in variables {
        command.env(name, value);
    }
    command.output().expect("the example runs")
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

const DOCUMENTED: &str =
    "/paths/~1api~1v1~1participant-groups~1/post/responses/201/content/application~1json";

#[test]
fn without_a_token_it_runs_against_the_local_mock_and_says_so() {
    let out = run(
        &[
            "--name",
            "Group 1",
            "--workspace-id",
            "5e9b9c9b0f9c9a0001b1ca2f",
            "--participant-id",
            "p1",
            "--participant-id",
            "p2",
        ],
        &[],
    );
    assert!(out.status.success(), "{}", text(&out.stderr));
    let printed: serde_json::Value = serde_json::from_slice(&out.stdout).expect("JSON on stdout");
    let mut documented = prolific_sdk_tests::example(DOCUMENTED);
    // Unset optional fields are left out when the SDK prints the group: `project_id: null`.
    documented.as_object_mut().unwrap().remove("project_id");
    assert_eq!(printed, documented);
    let stderr = text(&out.stderr);
    assert!(
        stderr.starts_with("PROLIFIC_TOKEN is not set: sending to a local mock"),
        "{stderr}"
    );
}

#[tokio::test]
async fn with_a_token_it_sends_the_request_and_prints_the_group() {
    let server = Loopback::start(vec![Canned::json(
        201,
        &serde_json::json!({"id": "g9", "name": "From the server", "organisation_id": "o1"}),
    )])
    .await;
    let url = server.url();
    let out = tokio::task::spawn_blocking(move || {
        run(
            &[
                "--name",
                "From the CLI",
                "--organisation-id",
                "o1",
                "--description",
                "a \"quoted\"\nline",
            ],
            &[("PROLIFIC_TOKEN", "cli-token"), ("PROLIFIC_URL", &url)],
        )
    })
    .await
    .unwrap();
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert_eq!(
        text(&out.stdout),
        "{\n  \"id\": \"g9\",\n  \"name\": \"From the server\",\n  \"organisation_id\": \"o1\"\n}\n"
    );
    assert_eq!(text(&out.stderr), "");

    let sent = &server.requests()[0];
    assert_eq!(sent.header("authorization"), Some("Token cli-token"));
    assert_eq!(
        sent.json(),
        serde_json::json!({
            "name": "From the CLI",
            "organisation_id": "o1",
            "description": "a \"quoted\"\nline"
        })
    );
}

#[tokio::test]
async fn a_failure_is_one_line_on_stderr_and_exit_code_1() {
    let server = Loopback::start(vec![Canned::json(
        403,
        &serde_json::json!({"message": "Forbidden", "detail": "No access to this workspace."}),
    )])
    .await;
    let url = server.url();
    let out = tokio::task::spawn_blocking(move || {
        run(
            &["--name", "G", "--workspace-id", "w1"],
            &[("PROLIFIC_TOKEN", "cli-token"), ("PROLIFIC_URL", &url)],
        )
    })
    .await
    .unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(text(&out.stdout), "");
    assert_eq!(
        text(&out.stderr),
        "error: 403 Forbidden: Forbidden: No access to this workspace.\n"
    );
}

#[test]
fn an_empty_token_is_an_error_naming_the_variable() {
    let out = run(
        &["--name", "G", "--workspace-id", "w1"],
        &[("PROLIFIC_TOKEN", "")],
    );
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(
        text(&out.stderr),
        "error: PROLIFIC_TOKEN is empty; create a token in Prolific's settings and use it\n"
    );
}

#[test]
fn a_group_without_owner_is_refused_before_sending_even_to_the_mock() {
    let out = run(&["--name", "G"], &[]);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        text(&out.stderr).contains(
            "error: invalid request, nothing was sent: neither `workspace_id` nor `organisation_id` is set"
        ),
        "{}",
        text(&out.stderr)
    );
}
