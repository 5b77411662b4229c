//! A typed mock matches a path parameter or a query value exactly as the SDK sends it: the
//! mock for an id answers the SDK's request for that id, and no request for another id, whatever
//! characters the id holds; setting any value never panics.
//!
//! Path parameters: the SDK encodes each with `prolific_sdk::__private::path_segment`. The
//! requests here go through the SDK's client for ids whose encoding does not depend on that
//! (`.`, a space, `/`, `%`, unicode); the ids it changes (`(`, `\`) are sent as raw requests on
//! the path `path_segment` gives.

mod common;
use common::client_of;
use prolific_sdk::types::{ParticipantGroup, ParticipantGroupList};
use prolific_sdk::{Client, reqwest};
use prolific_sdk_mock::MockServerExt;
use prolific_sdk_mock::httpmock::MockServer;

/// A group whose name is `name`: each mock answers with its own, so a test sees which answered.
fn group(name: &str) -> ParticipantGroup {
    ParticipantGroup::builder()
        .id("g")
        .name(name)
        .try_into()
        .unwrap()
}

/// The name of the group the SDK gets for `id`, or the status of its error.
async fn get(client: &Client, id: &str) -> Result<String, u16> {
    match client.get_participant_group().id(id).send().await {
        Ok(response) => Ok(response.into_inner().name),
        Err(error) => Err(error.status().map_or(0, |s| s.as_u16())),
    }
}

/// The status a raw `GET` of `path` on `server` gets: a request as the SDK sends it once every
/// path parameter goes through `path_segment`.
async fn raw_get(server: &MockServer, path: &str) -> u16 {
    reqwest::Client::new()
        .get(format!("{}{path}", server.base_url()))
        .send()
        .await
        .unwrap()
        .status()
        .as_u16()
}

/// The path of the group `id`, encoded as the SDK encodes it.
fn group_path(id: &str) -> String {
    let segment = prolific_sdk::__private::path_segment("id", id).unwrap();
    format!("/api/v1/participant-groups/{segment}/")
}

#[tokio::test]
async fn a_dot_in_an_id_matches_only_a_dot() {
    let server = MockServer::start_async().await;
    let mock = server.get_participant_group(|when, then| {
        when.id("g.1");
        then.ok(&group("g.1"));
    });
    let client = client_of(&server);

    assert_eq!(get(&client, "gx1").await, Err(404));
    assert_eq!(get(&client, "g.1").await, Ok("g.1".to_string()));
    mock.assert_async().await;
}

#[tokio::test]
async fn an_id_with_a_space_answers_the_request_the_sdk_sends_for_it() {
    let server = MockServer::start_async().await;
    let mock = server.get_participant_group(|when, then| {
        when.id("g 1");
        then.ok(&group("g 1"));
    });
    let client = client_of(&server);

    assert_eq!(get(&client, "g 1").await, Ok("g 1".to_string()));
    // `g%201` is another id (sent as `g%25201`), though it decodes to this one's path.
    assert_eq!(get(&client, "g%201").await, Err(404));
    mock.assert_async().await;
}

#[tokio::test]
async fn an_id_with_a_parenthesis_is_a_mock_not_a_panic() {
    let server = MockServer::start_async().await;
    let mock = server.get_participant_group(|when, then| {
        when.id("a(b");
        then.ok(&group("a(b"));
    });

    assert_eq!(raw_get(&server, &group_path("a(b")).await, 200);
    // The SDK never sends `(` as it is.
    assert_eq!(
        raw_get(&server, "/api/v1/participant-groups/a(b/").await,
        404
    );
    mock.assert_async().await;
}

#[tokio::test]
async fn each_id_is_answered_by_its_own_mock_and_no_other() {
    // Each id beside a near one it must not be taken for.
    let ids = [
        "g.1", "gx1", "g 1", "g_1", "g%201", "a/b", "a%2Fb", "50%", "50%25", "é-ü_1~", "e-u_1~",
        "日本", "g1",
    ];
    let server = MockServer::start_async().await;
    let mocks: Vec<_> = ids
        .iter()
        .map(|id| {
            server.get_participant_group(|when, then| {
                when.id(id);
                then.ok(&group(id));
            })
        })
        .collect();
    let client = client_of(&server);

    for id in ids {
        assert_eq!(get(&client, id).await, Ok(id.to_string()), "the id {id:?}");
    }
    for (id, mock) in ids.iter().zip(&mocks) {
        assert_eq!(mock.calls_async().await, 1, "the mock of {id:?}");
    }
}

#[tokio::test]
async fn a_backslash_and_a_parenthesis_match_only_their_encoding() {
    let server = MockServer::start_async().await;
    let ids = [r"x\..\victim", "a(b)", "a)b"];
    let mocks: Vec<_> = ids
        .iter()
        .map(|id| {
            server.get_participant_group(|when, then| {
                when.id(id);
                then.ok(&group(id));
            })
        })
        .collect();

    for (id, mock) in ids.iter().zip(&mocks) {
        assert_eq!(raw_get(&server, &group_path(id)).await, 200, "{id:?}");
        assert_eq!(mock.calls_async().await, 1, "the mock of {id:?}");
    }
}

#[tokio::test]
async fn an_id_the_sdk_refuses_to_send_matches_nothing() {
    let server = MockServer::start_async().await;
    let mocks: Vec<_> = ["", ".", ".."]
        .iter()
        .map(|id| {
            server.get_participant_group(|when, then| {
                when.id(id);
                then.ok(&group(id));
            })
        })
        .collect();

    for path in [
        "/api/v1/participant-groups//",
        "/api/v1/participant-groups/%2E/",
        "/api/v1/participant-groups/%2E%2E/",
        "/api/v1/",
    ] {
        assert_eq!(raw_get(&server, path).await, 404, "{path}");
    }
    for mock in &mocks {
        assert_eq!(mock.calls_async().await, 0);
    }
}

#[tokio::test]
async fn query_values_match_exactly_as_the_sdk_sends_them() {
    // serde_urlencoded sends a space as `+` and `+` as `%2B`; each value beside one it must not
    // be taken for.
    let values = [
        "w 1", "w+1", "w%201", "w%2B1", "a&b", "a", "a=b", "50%", "é", "%C3%A9", "w1",
    ];
    let server = MockServer::start_async().await;
    let mocks: Vec<_> = values
        .iter()
        .map(|value| {
            server.get_participant_groups(|when, then| {
                when.workspace_id(*value);
                let list = ParticipantGroupList::builder().results(vec![group(value)]);
                then.ok(&list.try_into().unwrap());
            })
        })
        .collect();
    let client = client_of(&server);

    for value in values {
        let list = client
            .get_participant_groups()
            .workspace_id(value)
            .send()
            .await
            .unwrap_or_else(|e| panic!("{value:?}: {e}"))
            .into_inner();
        let names: Vec<&str> = list.results.iter().map(|g| g.name.as_str()).collect();
        assert_eq!(names, [value], "the workspace {value:?}");
    }
    for (value, mock) in values.iter().zip(&mocks) {
        assert_eq!(mock.calls_async().await, 1, "the mock of {value:?}");
    }
}

#[test]
fn any_id_is_a_mock_that_answers_its_own_request_or_none() {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let server = MockServer::start();
    let config = proptest::test_runner::Config {
        cases: 64,
        // A failing id is printed in the failure; there is no source file to keep it beside.
        failure_persistence: None,
        ..Default::default()
    };
    let mut runner = proptest::test_runner::TestRunner::new(config);
    // Any characters: controls, line breaks, `%`, `\`, regex syntax, unicode.
    let ids = proptest::string::string_regex("(?s).{0,24}").unwrap();
    runner
        .run(&ids, |id| {
            server.reset();
            let mock = server.get_participant_group(|when, then| {
                when.id(&id);
                then.ok(&group(&id));
            });
            match prolific_sdk::__private::path_segment("id", &id) {
                Ok(_) => {
                    let status = runtime.block_on(raw_get(&server, &group_path(&id)));
                    proptest::prop_assert_eq!(status, 200, "the id {:?}", id);
                    proptest::prop_assert_eq!(mock.calls(), 1);
                }
                // An id the SDK never sends: a mock of it, answering nothing.
                Err(_) => proptest::prop_assert_eq!(mock.calls(), 0),
            }
            Ok(())
        })
        .unwrap();
}
