//! One call's settings (`.attempt_timeout(..)`, `.max_retries(..)` on its builder) reach the wire for
//! that call only: the client's settings still apply to every other call.

use crate::common;

use std::time::Duration;

use prolific_sdk::{Client, Error};
use prolific_sdk_tests::{Canned, Loopback};
use serde_json::json;

fn group() -> Canned {
    Canned::json(200, &json!({"id": "g1", "name": "Group 1"}))
}

fn rate_limited() -> Canned {
    Canned::json(429, &json!({"error": {"title": "busy"}})).with_header("Retry-After", "0")
}

fn client_of(server: &Loopback, retries: u32) -> Client {
    Client::builder()
        .token(common::TOKEN)
        .base_url(server.url())
        .timeout(Duration::from_secs(30))
        .max_retries(retries)
        .build()
        .unwrap()
}

#[tokio::test]
async fn a_calls_timeout_fires_where_the_clients_would_not() {
    let server = Loopback::start(vec![
        group().after(Duration::from_millis(1500)),
        group().after(Duration::from_millis(1500)),
    ])
    .await;
    let client = client_of(&server, 2);

    let error = client
        .get_participant_group()
        .id("g1")
        .attempt_timeout(Duration::from_millis(200))
        .max_retries(0)
        .send()
        .await
        .unwrap_err();
    let Error::Transport(transport) = &error else {
        panic!("{error:?}")
    };
    assert!(transport.is_timeout(), "{error}");
    assert_eq!(error.attempts(), 1);

    // The same client, without the call's settings: its own 30 s apply, and the slow answer
    // arrives.
    let read = client
        .get_participant_group()
        .id("g1")
        .send()
        .await
        .unwrap();
    assert_eq!(read.into_inner().id, "g1");
    assert_eq!(server.requests().len(), 2);
}

#[tokio::test]
async fn a_call_turns_retries_off_or_on_for_itself_only() {
    // The client retries twice; this call not at all.
    let server = Loopback::start(vec![rate_limited(), rate_limited(), group()]).await;
    let client = client_of(&server, 2);
    let error = client
        .get_participant_group()
        .id("g1")
        .max_retries(0)
        .send()
        .await
        .unwrap_err();
    assert_eq!(error.status().map(|s| s.as_u16()), Some(429));
    assert_eq!(server.requests().len(), 1);
    // The next call has the client's two retries: 429, then the group.
    client
        .get_participant_group()
        .id("g1")
        .send()
        .await
        .unwrap();
    assert_eq!(server.requests().len(), 3);

    // The client never retries; this call may, once.
    let server = Loopback::start(vec![rate_limited(), group(), rate_limited()]).await;
    let client = client_of(&server, 0);
    client
        .get_participant_group()
        .id("g1")
        .max_retries(1)
        .send()
        .await
        .unwrap();
    assert_eq!(server.requests().len(), 2);
    let error = client
        .get_participant_group()
        .id("g1")
        .send()
        .await
        .unwrap_err();
    assert_eq!(error.status().map(|s| s.as_u16()), Some(429));
    assert_eq!(server.requests().len(), 3);
}
