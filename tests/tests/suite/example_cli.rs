//! The SDK's examples as a user runs them: `create_participant_group`, `participant_groups`
//! and `researcher_workflow`, against a recording server and against the workspace's mock of
//! the API (which a user starts with `cargo run -p prolific-sdk-tests --bin mock-api`);
//! `receive_webhooks`, sent deliveries signed by the test; `admit_participants`,
//! visited with study tokens signed by the test.
//!
//! `cargo test` builds every example of the workspace before running tests; the binary sits
//! in `target/<profile>/examples/`, beside this test's own folder.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::path::PathBuf;
use std::process::{Command, Output, Stdio};
use std::time::{SystemTime, UNIX_EPOCH};

use prolific_sdk_tests::{Canned, Loopback};

use crate::common;

fn example_binary(name: &str) -> PathBuf {
    let test_binary = std::env::current_exe().expect("the test knows where it runs from");
    let profile = test_binary
        .parent()
        .and_then(|deps| deps.parent())
        .expect("tests run from target/<profile>/deps");
    let binary = profile.join("examples").join(name);
    assert!(
        binary.exists(),
        "{} is missing: run `cargo test --workspace`, which builds the examples",
        binary.display()
    );
    binary
}

/// Runs the create example with `args` and exactly the Prolific variables given.
fn run(args: &[&str], variables: &[(&str, &str)]) -> Output {
    run_example("create_participant_group", args, variables)
}

/// Runs the example `name` with `args` and exactly the Prolific variables given.
fn run_example(name: &str, args: &[&str], variables: &[(&str, &str)]) -> Output {
    let mut command = Command::new(example_binary(name));
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

/// Runs the example `name` with `args` against `mock` with a token, off the async runtime.
async fn against(mock: &Loopback, name: &'static str, args: &[&str]) -> Output {
    let url = mock.url();
    let args: Vec<String> = args.iter().map(|a| a.to_string()).collect();
    tokio::task::spawn_blocking(move || {
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        run_example(
            name,
            &args,
            &[("PROLIFIC_TOKEN", "mock-token"), ("PROLIFIC_URL", &url)],
        )
    })
    .await
    .unwrap()
}

#[tokio::test]
async fn against_the_mock_it_creates_the_group_the_request_describes() {
    let mock = prolific_sdk_tests::mock::start().await;
    let out = against(
        &mock,
        "create_participant_group",
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
    )
    .await;
    assert!(out.status.success(), "{}", text(&out.stderr));
    let printed: serde_json::Value = serde_json::from_slice(&out.stdout).expect("JSON on stdout");
    // The mock made the group the request describes, in the shape the spec gives.
    assert_eq!(printed["name"], "Group 1");
    assert_eq!(printed["workspace_id"], "5e9b9c9b0f9c9a0001b1ca2f");
    assert_eq!(printed["participant_count"], 2);
    assert!(printed["id"].as_str().is_some_and(|id| !id.is_empty()));
    let errors = prolific_sdk_tests::schema_errors(&format!("{DOCUMENTED}/schema"), &printed);
    assert!(errors.is_empty(), "{errors:?}");
    assert_eq!(text(&out.stderr), "");
}

#[test]
fn without_a_token_it_says_which_variable_to_set_and_sends_nothing() {
    let out = run(&["--name", "G", "--workspace-id", "w1"], &[]);
    assert_eq!(out.status.code(), Some(1));
    assert!(out.stdout.is_empty());
    assert_eq!(
        text(&out.stderr),
        "error: PROLIFIC_TOKEN is not set; create a token in Prolific's settings and set \
         PROLIFIC_TOKEN\n"
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
fn a_group_without_owner_is_refused_before_sending() {
    // Port 9 (discard) on loopback: nothing listens there, and nothing is sent.
    let out = run(
        &["--name", "G"],
        &[
            ("PROLIFIC_TOKEN", "t"),
            ("PROLIFIC_URL", "http://127.0.0.1:9"),
        ],
    );
    assert_eq!(out.status.code(), Some(1));
    assert!(
        text(&out.stderr).contains(
            "error: invalid request, nothing was sent: neither `workspace_id` nor `organisation_id` is set"
        ),
        "{}",
        text(&out.stderr)
    );
}

fn json_out(out: &Output) -> serde_json::Value {
    assert!(out.status.success(), "{}", text(&out.stderr));
    serde_json::from_slice(&out.stdout).expect("JSON on stdout")
}

#[tokio::test]
async fn the_groups_example_takes_a_group_through_its_whole_life_cycle() {
    let mock = prolific_sdk_tests::mock::start().await;
    let created = json_out(
        &against(
            &mock,
            "participant_groups",
            &["create", "--name", "G", "--workspace-id", "w1"],
        )
        .await,
    );
    let id = created["id"].as_str().unwrap().to_string();

    let added = json_out(
        &against(
            &mock,
            "participant_groups",
            &[
                "add",
                &id,
                "--participant-id",
                "p1",
                "--participant-id",
                "p2",
            ],
        )
        .await,
    );
    assert_eq!(added["results"].as_array().unwrap().len(), 2);
    let members = json_out(&against(&mock, "participant_groups", &["members", &id]).await);
    assert_eq!(members, added);
    let listed = json_out(
        &against(
            &mock,
            "participant_groups",
            &["list", "--workspace-id", "w1"],
        )
        .await,
    );
    assert_eq!(listed["results"][0]["participant_count"], 2);
    let removed = json_out(
        &against(
            &mock,
            "participant_groups",
            &["remove", &id, "--participant-id", "p1"],
        )
        .await,
    );
    assert_eq!(removed["results"][0]["participant_id"], "p2");
    assert_eq!(removed["results"].as_array().unwrap().len(), 1);

    let updated = json_out(
        &against(
            &mock,
            "participant_groups",
            &["update", &id, "--name", "H", "--no-participants"],
        )
        .await,
    );
    assert_eq!(
        (&updated["name"], &updated["participant_count"]),
        (&serde_json::json!("H"), &serde_json::json!(0))
    );
    let read = json_out(&against(&mock, "participant_groups", &["get", &id]).await);
    assert_eq!(read, updated);

    let deleted = against(&mock, "participant_groups", &["delete", &id]).await;
    assert_eq!(json_out(&deleted), serde_json::Value::Null);
    let gone = against(&mock, "participant_groups", &["get", &id]).await;
    assert_eq!(gone.status.code(), Some(1));
    assert_eq!(text(&gone.stdout), "");
    assert_eq!(
        text(&gone.stderr),
        format!(
            "error: 404 Not Found: no participant group has the id `{id}` (error_code 140100)\n"
        )
    );
}

#[tokio::test]
async fn the_groups_example_runs_the_life_cycle_in_one_run_against_the_mock() {
    let mock = prolific_sdk_tests::mock::start().await;
    let out = against(
        &mock,
        "participant_groups",
        &["life-cycle", "--workspace-id", "w1"],
    )
    .await;
    assert!(out.status.success(), "{}", text(&out.stderr));
    // One JSON document per step: create, add, list, members, remove, update, get, delete.
    let steps: Vec<serde_json::Value> = serde_json::Deserializer::from_slice(&out.stdout)
        .into_iter()
        .collect::<Result<_, _>>()
        .expect("JSON documents on stdout");
    assert_eq!(steps.len(), 8, "{}", text(&out.stdout));
    assert_eq!(steps[0]["name"], "Life cycle");
    assert_eq!(steps[1]["results"].as_array().unwrap().len(), 2);
    assert_eq!(steps[4]["results"].as_array().unwrap().len(), 1);
    assert_eq!(steps[5]["name"], "Life cycle, renamed");
    assert_eq!(steps[7], serde_json::Value::Null);
    let stderr = text(&out.stderr);
    assert!(
        stderr.contains("after the delete, reading the group again answers: 404 Not Found"),
        "{stderr}"
    );
}

#[tokio::test]
async fn against_the_mock_the_researcher_workflow_runs_every_step_without_the_funds_flag() {
    let mock = prolific_sdk_tests::mock::start().await;
    let out = against(&mock, "researcher_workflow", &[]).await;
    assert!(out.status.success(), "{}", text(&out.stderr));
    let stdout = text(&out.stdout);
    let lines: Vec<&str> = stdout.lines().collect();
    // One line per step, in order.
    let numbers: Vec<&str> = lines.iter().filter_map(|l| l.split('.').next()).collect();
    assert_eq!(
        numbers,
        ["1", "2", "3", "4", "5", "6", "7", "8", "9"],
        "{stdout}"
    );
    assert!(
        lines[0].ends_with("created with 2 participants"),
        "{stdout}"
    );
    assert!(lines[1].ends_with("created (UNPUBLISHED)"), "{stdout}");
    assert!(lines[3].ends_with("published (ACTIVE)"), "{stdout}");
    assert!(lines[4].contains("listed and approved"), "{stdout}");
    assert!(
        lines[7].starts_with("8. results exported as CSV: "),
        "{stdout}"
    );
    assert!(lines[8].ends_with("stopped (COMPLETED)"), "{stdout}");
}

#[test]
fn against_prolific_the_researcher_workflow_asks_before_spending_real_funds() {
    // No `PROLIFIC_URL`: Prolific's own API, which the refusal keeps the run from reaching.
    let out = run_example(
        "researcher_workflow",
        &[],
        &[("PROLIFIC_TOKEN", "tok-3f9a-must-not-leak")],
    );
    assert_eq!(out.status.code(), Some(1));
    assert!(out.stdout.is_empty());
    let stderr = text(&out.stderr);
    assert!(
        stderr.contains("add --spend-the-workspace-funds to go ahead"),
        "{stderr}"
    );
    assert!(!stderr.contains("tok-3f9a"), "{stderr}");
}

const HOOK_SECRET: &str = "hook-secret-must-not-leak";
const HOOK_BODY: &str =
    r#"{"event_type":"study.status.change","resource_id":"60f1a0c2b3d4e5f601234567"}"#;

/// Sends `request` (head and body) to the server at `address` over a plain HTTP/1.1
/// connection; the answer's status code.
fn exchange(address: &str, request: &[u8]) -> u16 {
    let mut stream = TcpStream::connect(address).expect("the server accepts connections");
    stream.write_all(request).unwrap();
    let mut answer = String::new();
    stream.read_to_string(&mut answer).unwrap();
    answer
        .strip_prefix("HTTP/1.1 ")
        .and_then(|rest| rest.get(..3))
        .and_then(|code| code.parse().ok())
        .unwrap_or_else(|| panic!("not an HTTP answer: {answer:?}"))
}

/// Sends `GET target` to the server at `address`; the answer's status code.
fn visit(address: &str, target: &str) -> u16 {
    let request = format!("GET {target} HTTP/1.1\r\nHost: {address}\r\nConnection: close\r\n\r\n");
    exchange(address, request.as_bytes())
}

/// Posts `body` to the receiver at `address` with the given webhook headers; the answer's
/// status code.
fn deliver(address: &str, headers: &[(&str, &str)], body: &[u8]) -> u16 {
    let mut request = format!(
        "POST /hooks HTTP/1.1\r\nHost: {address}\r\nContent-Type: application/json\r\n\
         Content-Length: {}\r\nConnection: close\r\n",
        body.len()
    );
    for (name, value) in headers {
        request.push_str(&format!("{name}: {value}\r\n"));
    }
    request.push_str("\r\n");
    let mut request = request.into_bytes();
    request.extend_from_slice(body);
    exchange(address, &request)
}

/// The receiver's process, ended when the test ends, whether or not it passed.
struct Running(std::process::Child);

impl Drop for Running {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

#[test]
fn the_webhook_receiver_prints_a_verified_event_and_refuses_a_tampered_one() {
    let (mut child, mut stderr, address) =
        start_server("receive_webhooks", &[("PROLIFIC_HOOK_SECRET", HOOK_SECRET)]);

    let now = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .as_secs()
        .to_string();
    let signature = common::sign_delivery(HOOK_SECRET, &now, HOOK_BODY.as_bytes());
    let signed = [
        ("X-Prolific-Request-Timestamp", now.as_str()),
        ("X-Prolific-Request-Signature", signature.as_str()),
        ("X-Event-ID", "evt-1"),
    ];
    let tampered = HOOK_BODY.replace("4567", "4568");
    let statuses = [
        deliver(&address, &signed, HOOK_BODY.as_bytes()),
        // The same event again, as Prolific redelivers it: answered, not handled twice.
        deliver(&address, &signed, HOOK_BODY.as_bytes()),
        deliver(&address, &signed, tampered.as_bytes()),
        deliver(&address, &[signed[0]], HOOK_BODY.as_bytes()),
    ];

    let mut stdout_pipe = child.0.stdout.take().unwrap();
    drop(child); // the receiver runs until it is killed
    let mut stdout = String::new();
    stdout_pipe.read_to_string(&mut stdout).unwrap();
    let mut refusals = String::new();
    stderr.read_to_string(&mut refusals).unwrap();

    assert_eq!(statuses, [200, 200, 401, 400], "{refusals}");
    assert_eq!(
        stdout,
        "study.status.change resource_id=60f1a0c2b3d4e5f601234567\n"
    );
    let lines: Vec<&str> = refusals.lines().collect();
    assert_eq!(lines.len(), 3, "{refusals}");
    assert_eq!(lines[0], "already handled: a redelivery, answered 200");
    assert!(lines[1].starts_with("refused (401): "), "{refusals}");
    assert!(lines[2].starts_with("refused (400): "), "{refusals}");
    assert!(
        lines[2].contains("X-Prolific-Request-Signature"),
        "{refusals}"
    );
    for output in [&stdout, &refusals] {
        assert!(!output.contains(HOOK_SECRET), "{output}");
        assert!(!output.contains("4568"), "{output}");
    }
}

#[test]
fn the_webhook_receiver_without_a_secret_says_which_variable_to_set() {
    let out = Command::new(example_binary("receive_webhooks"))
        .arg("127.0.0.1:0")
        .env_remove("PROLIFIC_HOOK_SECRET")
        .output()
        .expect("the example runs");
    assert_eq!(out.status.code(), Some(1));
    assert!(out.stdout.is_empty());
    let stderr = text(&out.stderr);
    assert_eq!(stderr.lines().count(), 1, "{stderr}");
    assert!(stderr.contains("PROLIFIC_HOOK_SECRET"), "{stderr}");
}

/// Starts `name` with `variables`, listening on a free loopback port; its process and the
/// address it listens on.
fn start_server(
    name: &str,
    variables: &[(&str, &str)],
) -> (Running, BufReader<std::process::ChildStderr>, String) {
    let mut command = Command::new(example_binary(name));
    command
        .arg("127.0.0.1:0")
        .env_remove("PROLIFIC_TOKEN")
        .env_remove("PROLIFIC_URL")
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    for (name, value) in variables {
        command.env(name, value);
    }
    let mut child = Running(command.spawn().expect("the example starts"));
    let mut stderr = BufReader::new(child.0.stderr.take().unwrap());
    let mut listening = String::new();
    stderr.read_line(&mut listening).unwrap();
    let address = listening
        .trim_end()
        .strip_prefix("listening on http://")
        .unwrap_or_else(|| panic!("{listening:?}"))
        .to_string();
    (child, stderr, address)
}

#[tokio::test(flavor = "multi_thread")]
async fn the_study_entry_admits_a_participant_with_a_valid_token_and_no_one_else() {
    use common::study_tokens::{
        Key, SITE, WORKSPACE, claims, key_set, with_flipped_signature_byte,
    };

    let key = Key::new("key-1");
    let keys = Loopback::start(vec![Canned::json(200, &key_set(&[&key]))]).await;
    let url = keys.url();
    let now = SystemTime::now();
    let token = key.sign(&claims(now));
    let expired = key.sign(&claims(now - std::time::Duration::from_secs(600)));
    let tampered = with_flipped_signature_byte(&token);
    let sent = token.clone();

    let (statuses, stdout, refusals) = tokio::task::spawn_blocking(move || {
        let (mut child, mut stderr, address) = start_server(
            "admit_participants",
            &[
                ("PROLIFIC_TOKEN", "example-token"),
                ("PROLIFIC_URL", &url),
                ("PROLIFIC_STUDY_SITE", SITE),
                ("PROLIFIC_WORKSPACE_ID", WORKSPACE),
            ],
        );
        let start = |query: &str| visit(&address, &format!("/start?{query}"));
        let statuses = [
            start(&format!(
                "PROLIFIC_PID=pid-7&STUDY_ID=study-3&prolific_token={token}"
            )),
            start(&format!(
                "PROLIFIC_PID=pid-8&STUDY_ID=study-3&prolific_token={token}"
            )),
            start(&format!("PROLIFIC_PID=pid-7&prolific_token={expired}")),
            start(&format!("PROLIFIC_PID=pid-7&prolific_token={tampered}")),
            start("PROLIFIC_PID=pid-7"),
        ];
        let mut stdout_pipe = child.0.stdout.take().unwrap();
        drop(child); // the server runs until it is killed
        let mut stdout = String::new();
        stdout_pipe.read_to_string(&mut stdout).unwrap();
        let mut refusals = String::new();
        stderr.read_to_string(&mut refusals).unwrap();
        (statuses, stdout, refusals)
    })
    .await
    .unwrap();

    assert_eq!(statuses, [200, 401, 401, 401, 400], "{refusals}");
    assert_eq!(stdout, "admitted participant=pid-7 session=session-9\n");
    let lines: Vec<&str> = refusals.lines().collect();
    assert_eq!(lines.len(), 4, "{refusals}");
    assert!(lines[0].contains("PROLIFIC_PID differs"), "{refusals}");
    assert!(lines[1].contains("expired"), "{refusals}");
    assert!(lines[2].contains("signature"), "{refusals}");
    assert!(lines[3].contains("prolific_token"), "{refusals}");
    for part in sent.split('.') {
        assert!(
            !refusals.contains(part) && !stdout.contains(part),
            "{refusals}"
        );
    }
    // One fetch of the key set, through the SDK's client.
    let fetches = keys.requests();
    assert_eq!(fetches.len(), 1);
    assert_eq!(fetches[0].target, "/.well-known/study/jwks.json");
    assert_eq!(
        fetches[0].header("authorization"),
        Some("Token example-token")
    );
}

#[test]
fn the_study_entry_without_its_site_says_which_variable_to_set() {
    let out = run_example(
        "admit_participants",
        &["127.0.0.1:0"],
        &[("PROLIFIC_TOKEN", "t")],
    );
    assert_eq!(out.status.code(), Some(1));
    assert!(out.stdout.is_empty());
    let stderr = text(&out.stderr);
    assert_eq!(stderr.lines().count(), 1, "{stderr}");
    assert!(stderr.contains("PROLIFIC_STUDY_SITE"), "{stderr}");
}

#[test]
fn the_mock_api_binary_prints_the_variables_an_example_runs_with_and_stops_with_its_input() {
    let mut mock = Command::new(env!("CARGO_BIN_EXE_mock-api"))
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .expect("mock-api starts");
    let mut printed = BufReader::new(mock.stdout.take().expect("its stdout"));
    let mut variables = Vec::new();
    for _ in 0..2 {
        let mut line = String::new();
        printed.read_line(&mut line).expect("a line of mock-api");
        let (name, value) = line.trim_end().split_once('=').expect("NAME=value");
        variables.push((name.to_string(), value.to_string()));
    }
    assert_eq!(variables[0].0, "PROLIFIC_URL");
    assert!(
        variables[0].1.starts_with("http://127.0.0.1:"),
        "{variables:?}"
    );
    assert_eq!(variables[1], ("PROLIFIC_TOKEN".into(), "mock-token".into()));

    let pairs: Vec<(&str, &str)> = variables
        .iter()
        .map(|(name, value)| (name.as_str(), value.as_str()))
        .collect();
    let created = run(&["--name", "G", "--workspace-id", "w1"], &pairs);
    assert_eq!(json_out(&created)["name"], "G");

    drop(mock.stdin.take());
    let status = mock.wait().expect("mock-api stops");
    assert!(status.success(), "{status}");
}
