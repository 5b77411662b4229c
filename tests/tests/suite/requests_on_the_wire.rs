//! Snapshots of the exact requests the SDK sends, as a loopback server received them: method,
//! target (path and query), headers sorted by name (Prolific reads names and values, not their
//! order), and the body's bytes.
//!
//! Volatile values are replaced: the loopback port in `host`, the token, and the SDK's version
//! in `user-agent`. Everything else is what Prolific would receive.

use crate::common;

use common::{TOKEN, client};
use prolific_sdk::types::CreateParticipantGroupRequest;
use prolific_sdk_tests::{Canned, Loopback, Recorded, example};

const REQUEST: &str =
    "/paths/~1api~1v1~1participant-groups~1/post/requestBody/content/application~1json";

/// Sends `body` through the SDK and returns the request as the server received it, as text.
async fn sent(body: CreateParticipantGroupRequest) -> String {
    let server = Loopback::start(vec![Canned::json(
        201,
        &serde_json::json!({"id": "g1", "name": "Group 1"}),
    )])
    .await;
    client(&server)
        .create_participant_group()
        .body(body)
        .send()
        .await
        .expect("the server answers 201");
    let requests = server.requests();
    assert_eq!(requests.len(), 1);
    render(&requests[0], &server)
}

fn render(request: &Recorded, server: &Loopback) -> String {
    let host = server.url().trim_start_matches("http://").to_string();
    let agent = format!("prolific-sdk-rust/{}", prolific_sdk::VERSION);
    let mut text = format!("{} {}\n", request.method, request.target);
    let mut headers = request.headers.clone();
    headers.sort();
    for (name, value) in &headers {
        let value = value
            .replace(&host, "[loopback]")
            .replace(TOKEN, "[token]")
            .replace(&agent, "prolific-sdk-rust/[version]")
            .replace(
                prolific_sdk::DEFAULT_REFERER,
                "https://crates.io/crates/prolific-sdk/[version]",
            );
        text.push_str(&format!("{name}: {value}\n"));
    }
    text.push('\n');
    text.push_str(&String::from_utf8_lossy(&request.body));
    text
}

fn request(json: serde_json::Value) -> CreateParticipantGroupRequest {
    serde_json::from_value(json).expect("a valid request")
}

#[tokio::test]
async fn the_documented_example_request() {
    let body = request(example(REQUEST));
    insta::assert_snapshot!(sent(body).await);
}

#[tokio::test]
async fn a_minimal_request_sends_only_name_and_workspace_id() {
    let body = CreateParticipantGroupRequest::builder()
        .name("Group 1")
        .workspace_id(Some("5e9b9c9b0f9c9a0001b1ca2f".to_string()))
        .try_into()
        .unwrap();
    insta::assert_snapshot!(sent(body).await);
}

#[tokio::test]
async fn an_organisation_instead_of_a_workspace() {
    let body = request(serde_json::json!({
        "name": "Group 1",
        "organisation_id": "5e9b9c9b0f9c9a0001b1ca2f"
    }));
    insta::assert_snapshot!(sent(body).await);
}

#[tokio::test]
async fn unicode_quotes_and_newlines_in_name_and_description() {
    let body = request(serde_json::json!({
        "name": "Gruppe \"Ünïcødé\" 🧪 — 参加者",
        "workspace_id": "w1",
        "description": "Line one\nLine \"two\"\t\\ tab and backslash\r\nend"
    }));
    insta::assert_snapshot!(sent(body).await);
}

/// progenitor generates `participant_ids` as a `Vec` skipped when empty: an empty list and no
/// list send the same body. For creating a group both mean "no initial members".
#[tokio::test]
async fn empty_and_absent_participant_ids_send_the_same_body() {
    let absent = request(serde_json::json!({"name": "G", "workspace_id": "w1"}));
    let empty =
        request(serde_json::json!({"name": "G", "workspace_id": "w1", "participant_ids": []}));
    let (absent, empty) = (sent(absent).await, sent(empty).await);
    assert_eq!(absent, empty);
    insta::assert_snapshot!(empty);
}
