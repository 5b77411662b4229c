//! What reaches the wire at the edges: ids that need encoding or would change the path, an
//! empty member list against an absent one, plain values for optional fields, the cap on
//! response bodies, and a timeout on an operation that may be repeated.

use crate::common;

use std::time::Duration;

use prolific_sdk::{Client, Error};
use prolific_sdk_tests::raw::{self, Raw};
use prolific_sdk_tests::{Canned, Loopback};
use serde_json::json;

fn group() -> Canned {
    Canned::json(200, &json!({"id": "g1", "name": "Group 1"}))
}

#[tokio::test]
async fn an_id_with_reserved_characters_stays_one_path_segment() {
    for (id, segment) in [
        ("a/b", "a%2Fb"),
        ("a?b", "a%3Fb"),
        ("a#b", "a%23b"),
        ("a b", "a%20b"),
        ("a%2Fb", "a%252Fb"),
        ("..a", "..a"),
    ] {
        let server = Loopback::start(vec![group()]).await;
        let client = common::client(&server);
        client.get_participant_group().id(id).send().await.unwrap();
        assert_eq!(
            server.requests()[0].target,
            format!("/api/v1/participant-groups/{segment}/"),
            "{id}"
        );
    }
}

/// A URL parser reads `\` as `/` in `http(s)` URLs: unencoded, `x\..\victim` would resolve
/// to the group `victim`. Every path parameter of every method stays one segment.
#[tokio::test]
async fn an_id_with_backslashes_dots_or_other_characters_stays_in_its_segment() {
    for (id, segment) in [
        (r"x\..\victim", "x%5C..%5Cvictim"),
        (r"..\victim", "..%5Cvictim"),
        ("g.1", "g.1"),
        ("g 1", "g%201"),
        ("a(b", "a%28b"),
        ("é", "%C3%A9"),
        ("a\tb", "a%09b"),
    ] {
        let server = Loopback::start(vec![Canned::raw(204, "application/json", "")]).await;
        let client = common::client(&server);
        client
            .delete_participant_group()
            .id(id)
            .send()
            .await
            .unwrap();
        let members = client.get_participant_group_participants().id(id);
        let _ = members.send().await;
        let targets: Vec<String> = server.requests().into_iter().map(|r| r.target).collect();
        assert_eq!(
            targets,
            [
                format!("/api/v1/participant-groups/{segment}/"),
                format!("/api/v1/participant-groups/{segment}/participants/"),
            ],
            "{id}"
        );
    }
}

/// Ids with backslashes, dots and percent signs weighted in: any id is sent as exactly one
/// segment that decodes to it, or refused before anything is sent.
#[test]
fn any_id_is_one_segment_that_decodes_to_it_or_is_refused() {
    use proptest::prelude::*;
    use proptest::test_runner::{Config, TestRunner};

    let piece = prop_oneof![
        3 => Just("\\".to_string()),
        3 => Just(".".to_string()),
        2 => Just("..".to_string()),
        2 => Just("%".to_string()),
        1 => Just("%2e".to_string()),
        1 => Just("/".to_string()),
        4 => any::<char>().prop_map(String::from),
    ];
    let ids = proptest::collection::vec(piece, 0..6).prop_map(|pieces| pieces.concat());
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let server = runtime.block_on(Loopback::start(vec![Canned::json(
        200,
        &json!({"results": []}),
    )]));
    let client = common::client(&server);
    // `/api/v1/participant-groups/{id}/participants/`: the id is the fifth of seven segments.
    let template: Vec<&str> = "/api/v1/participant-groups/{id}/participants/"
        .split('/')
        .collect();
    let mut runner = TestRunner::new(Config {
        cases: 400,
        ..Config::default()
    });
    runner
        .run(&ids, |id| {
            let sent_before = server.requests().len();
            let outcome =
                runtime.block_on(client.get_participant_group_participants().id(&id).send());
            let requests = server.requests();
            if let Err(Error::Validation(refusal)) = &outcome {
                let message = refusal.message();
                prop_assert_eq!(requests.len(), sent_before, "refused, yet sent");
                prop_assert!(message.contains("`id`"), "{}", message);
                return Ok(());
            }
            prop_assert!(outcome.is_ok(), "{:?}: {:?}", id, outcome);
            let target = &requests.last().unwrap().target;
            let segments: Vec<&str> = target.split('/').collect();
            prop_assert_eq!(
                segments.len(),
                template.len(),
                "{:?} sent as {}",
                id,
                target
            );
            let decoded = percent_encoding::percent_decode_str(segments[4]).decode_utf8();
            prop_assert_eq!(decoded.as_deref(), Ok(id.as_str()), "sent as {}", target);
            Ok(())
        })
        .unwrap();
}

#[tokio::test]
async fn an_empty_or_dot_id_is_refused_before_sending() {
    let server = Loopback::start(vec![group()]).await;
    let client = common::client(&server);
    for id in ["", ".", ".."] {
        let error = client
            .get_participant_group()
            .id(id)
            .send()
            .await
            .unwrap_err();
        let Error::Validation(refusal) = &error else {
            panic!("{id:?}: {error:?}");
        };
        let message = refusal.message();
        assert!(
            message.starts_with("the path parameter `id` is"),
            "{message}"
        );
        let members = client.add_to_participant_group().id(id);
        let error = members
            .body_map(|b| b.participant_ids(vec!["p1".to_string()]))
            .send()
            .await
            .unwrap_err();
        assert!(matches!(error, Error::Validation(_)), "{error:?}");
    }
    assert!(server.requests().is_empty(), "nothing was sent");
}

#[tokio::test]
async fn an_empty_member_list_is_sent_as_brackets_and_an_unset_one_not_at_all() {
    let server = Loopback::start(vec![group()]).await;
    let client = common::client(&server);
    let update = || client.update_participant_group().id("g1");
    update()
        .body_map(|b| b.participant_ids(Vec::<String>::new()))
        .send()
        .await
        .unwrap();
    update()
        .body_map(|b| b.name("Renamed"))
        .send()
        .await
        .unwrap();
    let bodies: Vec<String> = server
        .requests()
        .iter()
        .map(|r| String::from_utf8_lossy(&r.body).into_owned())
        .collect();
    assert_eq!(
        bodies,
        [r#"{"participant_ids":[]}"#, r#"{"name":"Renamed"}"#]
    );
}

#[tokio::test]
async fn optional_query_parameters_take_a_value_or_an_option() {
    let server = Loopback::start(vec![Canned::json(200, &json!({"results": []}))]).await;
    let client = common::client(&server);
    let id = String::from("w1");
    let list = || client.get_participant_groups();
    let _ = list().workspace_id("w1").send().await;
    let _ = list().workspace_id(id.clone()).send().await;
    let _ = list().workspace_id(&id).active(true).send().await;
    let _ = list()
        .workspace_id(Some("w1"))
        .active(Some(false))
        .send()
        .await;
    let _ = list()
        .workspace_id(Some(id.clone()))
        .project_id(None::<&str>)
        .active(None::<bool>)
        .send()
        .await;
    let targets: Vec<String> = server.requests().into_iter().map(|r| r.target).collect();
    let list = "/api/v1/participant-groups/?";
    assert_eq!(
        targets,
        [
            format!("{list}workspace_id=w1"),
            format!("{list}workspace_id=w1"),
            format!("{list}active=true&workspace_id=w1"),
            format!("{list}active=false&workspace_id=w1"),
            format!("{list}workspace_id=w1"),
        ]
    );
}

#[tokio::test]
async fn optional_fields_take_str_string_and_options_alike() {
    let server = Loopback::start(vec![Canned::json(201, &json!({"id": "g", "name": "G"}))]).await;
    let client = common::client(&server);
    let create = || client.create_participant_group();
    create()
        .body_map(|b| {
            b.name("G")
                .workspace_id("w1")
                .description(String::from("d"))
        })
        .send()
        .await
        .unwrap();
    create()
        .body_map(|b| {
            b.name("G")
                .workspace_id(Some("w1"))
                .description(None::<String>)
        })
        .send()
        .await
        .unwrap();
    let bodies: Vec<serde_json::Value> = server.requests().iter().map(|r| r.json()).collect();
    assert_eq!(
        bodies,
        [
            json!({"name": "G", "workspace_id": "w1", "description": "d"}),
            json!({"name": "G", "workspace_id": "w1"})
        ]
    );
}

/// A client of `url` that reads at most `bytes` of a response body.
fn capped(url: String, bytes: usize) -> Client {
    Client::builder()
        .token(common::TOKEN)
        .base_url(url)
        .max_response_bytes(bytes)
        .build()
        .unwrap()
}

#[tokio::test]
async fn a_body_over_the_cap_ends_in_an_error_that_names_it_and_keeps_the_status() {
    let long_name = "x".repeat(2_000);
    for status in [200, 400, 500] {
        let body = json!({"id": "g1", "name": long_name});
        let server = Loopback::start(vec![Canned::json(status, &body)]).await;
        let client = capped(server.url(), 1_024);
        let error = client
            .get_participant_group()
            .id("g1")
            .send()
            .await
            .unwrap_err();
        assert!(matches!(error, Error::Decode(_)), "{error:?}");
        assert_eq!(error.status().map(|s| s.as_u16()), Some(status));
        // A 500 on a read is sent again (twice, by default), and the error says so.
        let retried = match status {
            500 => {
                " (sent 3 times; an earlier attempt ended in 500 Internal Server Error and may \
                    have taken effect)"
            }
            _ => "",
        };
        assert_eq!(
            error.to_string(),
            format!(
                "{}: the body is larger than the client's cap of 1024 bytes; raise it with \
                 ClientBuilder::max_response_bytes{retried}",
                error.status().unwrap()
            )
        );
    }
}

#[tokio::test]
async fn a_body_at_the_cap_is_read_whole() {
    let body = serde_json::to_vec(&json!({"id": "g1", "name": "Group 1"})).unwrap();
    let server = Loopback::start(vec![Canned::raw(200, "application/json", body.clone())]).await;
    let group = capped(server.url(), body.len())
        .get_participant_group()
        .id("g1")
        .send()
        .await
        .unwrap();
    assert_eq!(group.name, "Group 1");
}

#[tokio::test]
async fn a_timed_out_read_is_sent_again_and_a_timed_out_create_is_not() {
    let slow = || group().after(Duration::from_millis(600));
    let client = |server: &Loopback| {
        Client::builder()
            .token(common::TOKEN)
            .base_url(server.url())
            .timeout(Duration::from_millis(200))
            .build()
            .unwrap()
    };
    let server = Loopback::start(vec![slow(), group()]).await;
    client(&server)
        .get_participant_group()
        .id("g1")
        .send()
        .await
        .unwrap();
    assert_eq!(server.requests().len(), 2);

    let server = Loopback::start(vec![slow(), group()]).await;
    let error = common::create(&client(&server)).await.unwrap_err();
    assert!(
        matches!(&error, Error::Transport(e) if e.is_timeout()),
        "{error:?}"
    );
    assert_eq!(server.requests().len(), 1);
}

/// A server that streams a chunked body of up to 256 MiB (no `Content-Length`: the client
/// learns the size only by reading) and reports how many bytes it managed to write. Written
/// here on a socket: the point is how far the client reads, which only the writer can count.
async fn endless_body() -> (String, tokio::task::JoinHandle<usize>) {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    let task = tokio::spawn(async move {
        let (mut stream, _) = listener.accept().await.unwrap();
        let mut request = [0u8; 4096];
        let _ = stream.read(&mut request).await;
        let head = "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\n\
                    transfer-encoding: chunked\r\n\r\n";
        let mut written = 0;
        if stream.write_all(head.as_bytes()).await.is_err() {
            return written;
        }
        let chunk = format!("{:x}\r\n{}\r\n", 64 * 1024, " ".repeat(64 * 1024));
        for _ in 0..4096 {
            if stream.write_all(chunk.as_bytes()).await.is_err() {
                break;
            }
            written += chunk.len();
        }
        written
    });
    (url, task)
}

#[tokio::test]
async fn a_body_without_a_length_is_read_only_up_to_the_cap() {
    let (url, server) = endless_body().await;
    let client = capped(url, 1024 * 1024);
    let error = client
        .get_participant_group()
        .id("g1")
        .send()
        .await
        .unwrap_err();
    assert!(
        error
            .to_string()
            .contains("larger than the client's cap of 1048576 bytes"),
        "{error}"
    );
    drop(client);
    let written = server.await.unwrap();
    // The client stopped reading near the cap: far less than the 256 MiB on offer went out
    // (the rest is what the sockets' buffers took in).
    assert!(
        written < 64 * 1024 * 1024,
        "the server wrote {written} bytes"
    );
}

#[tokio::test]
async fn a_body_that_breaks_off_is_a_transport_error_that_keeps_the_status() {
    // A thousand bytes announced, a few sent, then the connection closes.
    let server = Raw::serve(|| raw::response(200, 1000, br#"{"id": "g1""#)).await;
    let url = server.url();
    let client = Client::builder()
        .token(common::TOKEN)
        .base_url(url)
        .max_retries(0)
        .build()
        .unwrap();
    let error = client
        .get_participant_group()
        .id("g1")
        .send()
        .await
        .unwrap_err();
    let Error::Transport(transport) = &error else {
        panic!("{error:?}");
    };
    assert_eq!(transport.status().map(|s| s.as_u16()), Some(200));
    assert_eq!(error.status().map(|s| s.as_u16()), Some(200));
}
