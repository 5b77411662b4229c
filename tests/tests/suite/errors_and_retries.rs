//! Each error a call can end in, its one-line `Display`, the token's absence from all of them,
//! and the retry policy, against loopback servers.

use std::time::{Duration, Instant};

use prolific_sdk::{Client, Error, ErrorBody};
use prolific_sdk_tests::raw::{self, Answer, Raw};
use prolific_sdk_tests::{Canned, Loopback};

use crate::common;

use common::{TOKEN, client, create, created};

/// The error a server's single answer leads to, checked for the token in every rendering.
async fn error_for(answer: Canned) -> (Error, usize) {
    let server = Loopback::start(vec![answer]).await;
    let error = create(&client(&server)).await.unwrap_err();
    for shown in [
        format!("{error}"),
        format!("{error:?}"),
        format!("{error:#?}"),
    ] {
        assert!(!shown.contains(TOKEN), "{shown}");
    }
    assert_eq!(error.to_string().lines().count(), 1, "{error}");
    (error, server.requests().len())
}

fn prolific_body(detail: serde_json::Value) -> serde_json::Value {
    serde_json::json!({"error": {
        "status": 400, "error_code": 140100, "title": "Bad request", "detail": detail,
        "additional_information": "/api/v1/errors/140100", "traceback": null, "interactive": false
    }})
}

#[tokio::test]
async fn a_prolific_error_keeps_status_code_and_detail_in_each_form() {
    let cases = [
        (
            serde_json::json!({"name": ["This field is required."]}),
            "400 Bad Request: name: This field is required. (error_code 140100)",
        ),
        (
            serde_json::json!(["First problem.", "Second problem."]),
            "400 Bad Request: First problem. Second problem. (error_code 140100)",
        ),
        (
            serde_json::json!("Something is wrong."),
            "400 Bad Request: Something is wrong. (error_code 140100)",
        ),
    ];
    for (detail, shown) in cases {
        let (error, requests) = error_for(Canned::json(400, &prolific_body(detail))).await;
        assert_eq!(error.to_string(), shown);
        assert_eq!(requests, 1);
        let Error::Api(api) = &error else {
            panic!("{error:?}")
        };
        assert_eq!(api.status().as_u16(), 400);
        let prolific = error.prolific_error().expect("the structured error");
        assert_eq!(prolific.error_code, 140100);
        assert_eq!(prolific.title, "Bad request");
    }
}

#[tokio::test]
async fn the_simple_error_shape_is_read() {
    let (error, _) = error_for(Canned::json(
        401,
        &serde_json::json!({"message": "Unauthorized", "detail": "Invalid token."}),
    ))
    .await;
    assert_eq!(
        error.to_string(),
        "401 Unauthorized: Unauthorized: Invalid token."
    );
    let Error::Api(api) = &error else {
        panic!("{error:?}")
    };
    assert_eq!(
        api.body(),
        &ErrorBody::Simple {
            message: Some("Unauthorized".into()),
            detail: Some("Invalid token.".into())
        }
    );
}

#[tokio::test]
async fn an_html_error_page_keeps_its_status_and_an_excerpt() {
    let page = format!(
        "<html>\n<body><h1>Forbidden</h1>{}</body>\n</html>",
        "padding ".repeat(500)
    );
    let (error, _) = error_for(Canned::raw(403, "text/html", page)).await;
    assert_eq!(error.status().map(|s| s.as_u16()), Some(403));
    let shown = error.to_string();
    assert!(
        shown.starts_with("403 Forbidden: <html> <body><h1>Forbidden</h1>padding"),
        "{shown}"
    );
    assert!(shown.ends_with('…'), "bounded: {shown}");
    assert!(shown.len() < 400, "bounded: {shown}");
}

#[tokio::test]
async fn a_truncated_success_body_is_a_decode_error_with_status_and_excerpt() {
    let (error, _) = error_for(Canned::raw(
        201,
        "application/json",
        r#"{"id": "g1", "name": "Gro"#,
    ))
    .await;
    let Error::Decode(decode) = &error else {
        panic!("{error:?}")
    };
    assert_eq!(decode.status().as_u16(), 201);
    assert_eq!(decode.excerpt(), r#"{"id": "g1", "name": "Gro"#);
    let shown = error.to_string();
    assert!(
        shown.starts_with("201 Created: the body does not match the spec (EOF while parsing"),
        "{shown}"
    );
    // The body may hold secrets: the message says where it is, not what it says.
    assert!(
        shown.ends_with("; DecodeError::excerpt() has the body's first 25 characters"),
        "{shown}"
    );
    assert!(!format!("{error:?}").contains("Gro"), "{error:?}");
}

#[tokio::test]
async fn an_empty_success_body_is_a_decode_error() {
    let (error, _) = error_for(Canned::raw(201, "application/json", "")).await;
    assert!(matches!(error, Error::Decode(_)), "{error:?}");
    assert!(error.to_string().ends_with("(empty body)"), "{error}");
}

#[tokio::test]
async fn a_truncated_error_body_is_still_an_api_error_with_its_status() {
    let (error, _) = error_for(Canned::raw(400, "application/json", r#"{"error": {"sta"#)).await;
    assert_eq!(error.to_string(), r#"400 Bad Request: {"error": {"sta"#);
}

#[tokio::test]
async fn undeclared_statuses_are_reported_with_what_they_said() {
    let (error, requests) = error_for(Canned::raw(500, "text/plain", "upstream exploded")).await;
    assert_eq!(
        error.to_string(),
        "500 Internal Server Error: upstream exploded"
    );
    assert_eq!(requests, 1, "a 500 on a create is never retried");

    let (error, _) = error_for(Canned::json(200, &serde_json::json!({"id": "g1"}))).await;
    assert_eq!(
        error.to_string(),
        "200 OK: a status the spec does not declare for this operation; DecodeError::excerpt() \
         has the body's first 11 characters"
    );
}

#[tokio::test]
async fn a_timeout_after_sending_is_a_transport_error_and_is_not_retried() {
    let server = Loopback::start(vec![created().after(Duration::from_secs(30))]).await;
    let client = Client::builder()
        .token(TOKEN)
        .base_url(server.url())
        .timeout(Duration::from_millis(300))
        .build()
        .unwrap();
    let error = create(&client).await.unwrap_err();
    let Error::Transport(transport) = &error else {
        panic!("{error:?}")
    };
    assert!(transport.is_timeout());
    assert!(
        error.to_string().starts_with("the request timed out: "),
        "{error}"
    );
    assert!(!format!("{error:?}").contains(TOKEN));
    assert_eq!(server.requests().len(), 1);
}

#[tokio::test]
async fn a_refused_connection_is_a_transport_error_after_the_retries() {
    // Bind, then drop: the port is free and nothing listens on it.
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let client = Client::builder()
        .token(TOKEN)
        .base_url(format!("http://127.0.0.1:{port}"))
        .max_retries(1)
        .build()
        .unwrap();
    let error = create(&client).await.unwrap_err();
    let Error::Transport(transport) = &error else {
        panic!("{error:?}")
    };
    assert!(transport.is_connect());
    assert_eq!(error.attempts(), 2, "the first try and 1 retry");
    assert!(
        error
            .to_string()
            .starts_with("could not connect to Prolific: "),
        "{error}"
    );
    assert!(!error.to_string().contains(TOKEN));
}

fn too_many(retry_after: &str) -> Canned {
    Canned::json(429, &serde_json::json!({"message": "Too many requests"}))
        .with_header("retry-after", retry_after)
}

#[tokio::test]
async fn a_429_then_a_201_makes_two_requests_and_succeeds() {
    let server = Loopback::start(vec![too_many("0"), created()]).await;
    let group = create(&client(&server)).await.unwrap();
    assert_eq!(group.id, "g1");
    let requests = server.requests();
    assert_eq!(requests.len(), 2);
    assert_eq!(requests[0], requests[1], "the retry sends the same request");
}

#[tokio::test]
async fn retry_after_one_second_waits_about_a_second() {
    let server = Loopback::start(vec![too_many("1"), created()]).await;
    let started = Instant::now();
    create(&client(&server)).await.unwrap();
    let waited = started.elapsed();
    assert!(waited >= Duration::from_millis(950), "{waited:?}");
    assert!(waited < Duration::from_secs(10), "{waited:?}");
    assert_eq!(server.requests().len(), 2);
}

#[tokio::test]
async fn retries_stop_at_the_limit_and_zero_disables_them() {
    let server = Loopback::start(vec![too_many("0")]).await;
    let error = create(&client(&server)).await.unwrap_err();
    assert_eq!(error.status().map(|s| s.as_u16()), Some(429));
    assert_eq!(server.requests().len(), 3, "the first try and 2 retries");

    let server = Loopback::start(vec![too_many("0")]).await;
    let no_retries = Client::builder()
        .token(TOKEN)
        .base_url(server.url())
        .max_retries(0)
        .build()
        .unwrap();
    create(&no_retries).await.unwrap_err();
    assert_eq!(server.requests().len(), 1);
}

#[tokio::test]
async fn a_retry_after_beyond_the_total_wait_is_not_waited_for() {
    let server = Loopback::start(vec![too_many("3600")]).await;
    let started = Instant::now();
    let error = create(&client(&server)).await.unwrap_err();
    assert_eq!(error.status().map(|s| s.as_u16()), Some(429));
    assert!(started.elapsed() < Duration::from_secs(45));
    // Retrying before the hour is up would be refused again: the 429 is returned at once.
    assert_eq!(server.requests().len(), 1);
}

#[tokio::test]
async fn an_api_error_gives_the_answers_headers() {
    let server = Loopback::start(vec![
        Canned::json(403, &serde_json::json!({"message": "Forbidden"}))
            .with_header("x-request-id", "req-42")
            .with_header("retry-after", "7"),
    ])
    .await;
    let error = create(&client(&server)).await.unwrap_err();
    let prolific_sdk::Error::Api(api) = &error else {
        panic!("{error:?}")
    };
    let header = |name: &str| api.headers().get(name).and_then(|v| v.to_str().ok());
    assert_eq!(header("x-request-id"), Some("req-42"));
    assert_eq!(header("retry-after"), Some("7"));
    // The error's line is as before: no header in it.
    assert!(!error.to_string().contains("req-42"), "{error}");
}

#[tokio::test]
async fn the_longest_retry_delay_is_the_users_to_set() {
    // A Retry-After of 2 s is waited for by default (up to 30 s)...
    let server = Loopback::start(vec![too_many("2"), created()]).await;
    create(&client(&server)).await.unwrap();
    assert_eq!(server.requests().len(), 2);
    // ...and not with a longest delay of 1 s: the 429 is the answer.
    let server = Loopback::start(vec![too_many("2"), created()]).await;
    let impatient = Client::builder()
        .token(TOKEN)
        .base_url(server.url())
        .retry_delays(Duration::from_millis(10), Duration::from_secs(1))
        .build()
        .unwrap();
    let error = create(&impatient).await.unwrap_err();
    assert_eq!(error.status().map(|s| s.as_u16()), Some(429));
    assert_eq!(server.requests().len(), 1);
}

#[test]
fn a_first_retry_delay_longer_than_the_longest_is_refused_when_built() {
    let error = Client::builder()
        .token(TOKEN)
        .retry_delays(Duration::from_secs(5), Duration::from_secs(1))
        .build()
        .unwrap_err();
    assert!(matches!(error, prolific_sdk::Error::Config(_)), "{error:?}");
    let line = error.to_string();
    assert_eq!(line.lines().count(), 1, "{line}");
    assert!(line.contains("retry_delays"), "{line}");
}

/// Sends a create request whose body `fill` builds; it must be refused before sending. Its line,
/// and the prose rule that refused it, if one did.
async fn refused_by(
    client: &Client,
    fill: impl FnOnce(NewGroup) -> NewGroup,
) -> (String, Option<String>) {
    let error = client
        .create_participant_group()
        .body_map(fill)
        .send()
        .await
        .unwrap_err();
    let Error::Validation(refusal) = &error else {
        panic!("{error:?}")
    };
    (error.to_string(), refusal.rule().map(str::to_string))
}

/// The line of a create request refused before sending.
async fn refused(client: &Client, fill: impl FnOnce(NewGroup) -> NewGroup) -> String {
    refused_by(client, fill).await.0
}

#[tokio::test]
async fn a_refusal_names_the_prose_rule_that_refused_it_as_a_value() {
    let server = Loopback::start(vec![created()]).await;
    let client = client(&server);
    type Fill = fn(NewGroup) -> NewGroup;
    let cases: [(Fill, Option<&str>); 3] = [
        (
            |b| b.name("  ").workspace_id(Some("w1".to_string())),
            Some("name_not_blank"),
        ),
        (|b| b.name("G"), Some("one_owner")),
        // A field the spec requires is the generated builder's refusal, not a prose rule's.
        (|b| b.workspace_id(Some("w1".to_string())), None),
    ];
    for (fill, rule) in cases {
        let (line, refused_by_rule) = refused_by(&client, fill).await;
        assert_eq!(refused_by_rule.as_deref(), rule, "{line}");
        // The rule's name is a value to match on, not part of the line.
        if let Some(rule) = rule {
            assert!(!line.contains(rule), "{line}");
        }
    }
    assert_eq!(server.requests().len(), 0);
}

type NewGroup = prolific_sdk::types::builder::CreateParticipantGroupRequest;

#[tokio::test]
async fn invalid_requests_are_refused_before_any_request() {
    let server = Loopback::start(vec![created()]).await;
    let client = client(&server);
    let owner = || Some("w1".to_string());

    assert_eq!(
        refused(&client, |b| b.name("  ").workspace_id(owner())).await,
        "invalid request, nothing was sent: `name` is empty; give the participant group a name"
    );
    assert_eq!(
        refused(&client, |b| b.name("G")).await,
        "invalid request, nothing was sent: neither `workspace_id` nor `organisation_id` is \
         set; a participant group belongs to a workspace or an organisation, so set one of them"
    );
    assert_eq!(
        refused(&client, |b| {
            b.name("G")
                .workspace_id(owner())
                .organisation_id(Some("o1".to_string()))
        })
        .await,
        "invalid request, nothing was sent: both `workspace_id` and `organisation_id` are set; \
         a participant group belongs to a workspace or an organisation, so set only one"
    );
    // `name` is required by the spec: the generated builder refuses to build without it.
    assert_eq!(
        refused(&client, |b| b.workspace_id(owner())).await,
        "invalid request, nothing was sent: no value supplied for name"
    );
    assert_eq!(server.requests().len(), 0);
}

/// A server whose first connection ends without an answer (`drop`), and which then answers
/// `answer`.
async fn dropping_first(drop: fn() -> Answer, status: u16, body: &'static str) -> Raw {
    Raw::answering(move |request| match request {
        0 => drop(),
        _ => Answer::Bytes(raw::response(status, body.len(), body.as_bytes())),
    })
    .await
}

#[tokio::test]
async fn a_connection_dropped_before_the_answer_is_retried_for_a_read_not_for_a_create() {
    let closed: fn() -> Answer = || Answer::Close;
    let reset: fn() -> Answer = || Answer::Reset;
    for (name, drop) in [("closed", closed), ("reset", reset)] {
        let group = r#"{"id": "g1", "name": "Group 1"}"#;
        let server = dropping_first(drop, 200, group).await;
        let client = Client::builder()
            .token(TOKEN)
            .base_url(server.url())
            .build()
            .unwrap();
        let read = client.get_participant_group().id("g1").send().await;
        assert_eq!(
            read.map(|g| g.into_inner().id).ok(),
            Some("g1".into()),
            "{name}"
        );
        assert_eq!(server.requests(), 2, "{name}: the read is sent again");

        // The server may have created the group before the connection dropped.
        let server = dropping_first(drop, 201, group).await;
        let client = Client::builder()
            .token(TOKEN)
            .base_url(server.url())
            .build()
            .unwrap();
        let error = create(&client).await.unwrap_err();
        assert!(matches!(error, Error::Transport(_)), "{name}: {error:?}");
        assert_eq!(server.requests(), 1, "{name}: the create is sent once");
        assert_eq!(error.attempts(), 1, "{name}");
    }
}

#[tokio::test]
async fn an_error_after_retries_says_how_many_times_the_request_was_sent() {
    // A DELETE that Prolific may have carried out before its 503: the 404 that follows is
    // what the error says it is.
    let server = Loopback::start(vec![
        Canned::json(503, &serde_json::json!({"message": "Unavailable"})),
        Canned::json(404, &serde_json::json!({"message": "Not found"})),
    ])
    .await;
    let error = client(&server)
        .delete_participant_group()
        .id("g1")
        .send()
        .await
        .unwrap_err();
    assert_eq!(server.requests().len(), 2);
    assert_eq!(error.status().map(|s| s.as_u16()), Some(404));
    assert_eq!(error.attempts(), 2);
    assert_eq!(
        error.to_string(),
        "404 Not Found: Not found (sent 2 times; an earlier attempt ended in 503 Service \
         Unavailable and may have taken effect)"
    );

    // Retries after a 429 only: nothing was carried out before.
    let server = Loopback::start(vec![too_many("0")]).await;
    let error = create(&client(&server)).await.unwrap_err();
    assert_eq!(server.requests().len(), 3);
    assert_eq!(error.attempts(), 3);
    assert_eq!(
        error.to_string(),
        "429 Too Many Requests: Too many requests (sent 3 times; each earlier attempt ended in \
         429 Too Many Requests)"
    );

    // A request sent once says nothing more.
    let (error, _) = error_for(Canned::json(404, &serde_json::json!({"message": "Gone"}))).await;
    assert_eq!(error.attempts(), 1);
    assert_eq!(error.to_string(), "404 Not Found: Gone");
}
