//! Secrets that bodies carry (`format: password` in the spec: a hook secret, the value that
//! confirms a subscription, a credential pool's `username,password` lines) go on the wire as
//! they are, and never show in `Debug` or in an error message.

use crate::common;

use prolific_sdk_tests::{Canned, Loopback};
use serde_json::json;

const HOOK_SECRET: &str = "whsec-8f3b2a91c0d4";
const LINES: &str = "participant-a,pa55-w0rd-a\nparticipant-b,pa55-w0rd-b";

fn leaks(shown: &str) -> bool {
    shown.contains(HOOK_SECRET) || shown.contains("pa55-w0rd")
}

#[tokio::test]
async fn a_hook_secret_read_from_an_answer_never_prints() {
    let server = Loopback::start(vec![Canned::json(
        201,
        &json!({"id": "s1", "value": HOOK_SECRET, "workspace_id": "w1"}),
    )])
    .await;
    let created = common::client(&server)
        .create_secret()
        .body_map(|b| b.workspace_id("w1"))
        .send()
        .await
        .unwrap();
    let shown = format!("{created:?} {:#?}", created.as_ref());
    assert!(!leaks(&shown), "{shown}");
    let secret = created
        .into_inner()
        .value
        .expect("the answer has the value");
    assert_eq!(secret.expose(), HOOK_SECRET);
    // It is what a webhook verifier takes.
    let _verifier = prolific_sdk::webhooks::Verifier::new(secret);
}

#[tokio::test]
async fn credential_lines_go_on_the_wire_and_nowhere_else() {
    let server = Loopback::start(vec![Canned::json(
        400,
        &json!({"error": {"title": "Bad request", "detail": "duplicate username"}}),
    )])
    .await;
    let client = common::client(&server);
    let builder = client
        .create_credential_pool()
        .body_map(|b| b.workspace_id("w1").credentials(LINES));
    let shown = format!("{builder:?}");
    assert!(!leaks(&shown), "{shown}");

    let error = builder.send().await.unwrap_err();
    let shown = format!("{error} {error:?}");
    assert!(!leaks(&shown), "{shown}");

    let sent = server.requests();
    assert_eq!(sent[0].json()["credentials"], LINES, "the wire has them");
}

#[tokio::test]
async fn an_answer_that_fails_to_decode_does_not_quote_its_secret() {
    // `id` is a number where the spec says text: the answer fails to decode, and the error
    // names the place, not the secret beside it.
    let server = Loopback::start(vec![Canned::json(
        201,
        &json!({"id": 5, "value": HOOK_SECRET, "workspace_id": "w1"}),
    )])
    .await;
    let error = common::client(&server)
        .create_secret()
        .body_map(|b| b.workspace_id("w1"))
        .send()
        .await
        .unwrap_err();
    let shown = format!("{error} {error:?}");
    assert!(!leaks(&shown), "{shown}");
}
