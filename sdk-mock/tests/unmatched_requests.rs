//! A request that matches no mock: what the code under test sees, and what the mock's own
//! assertion says about the difference.

use std::panic::{AssertUnwindSafe, catch_unwind};

use prolific_sdk::Client;
use prolific_sdk::types::{CreateParticipantGroupRequest, ParticipantGroup};
use prolific_sdk_mock::MockServerExt;
use prolific_sdk_mock::httpmock::MockServer;

#[test]
fn an_unmatched_request_is_a_404_and_the_assertion_names_what_differed() {
    let server = MockServer::start();
    let create = server.create_participant_group(|when, then| {
        when.body(
            &CreateParticipantGroupRequest::builder()
                .name("Diet study")
                .workspace_id("w1")
                .try_into()
                .unwrap(),
        );
        then.created(
            &ParticipantGroup::try_from(ParticipantGroup::builder().id("g1").name("Diet study"))
                .unwrap(),
        );
    });
    let (client, runtime) = client_of(&server);
    // The code under test sends another name than the test expects.
    let error = runtime
        .block_on(
            client
                .create_participant_group()
                .body_map(|b| b.name("Diet stdy").workspace_id("w1"))
                .send(),
        )
        .unwrap_err();
    assert_eq!(error.status().map(|s| s.as_u16()), Some(404), "{error}");

    let message = assertion_failure(|| create.assert());
    assert!(
        message.contains("0 of 1 expected requests matched"),
        "{message}"
    );
    assert!(message.contains("Body Mismatch"), "{message}");
    assert!(
        message
            .contains("Expected body equals:\n{\"name\":\"Diet study\",\"workspace_id\":\"w1\"}"),
        "{message}"
    );
    assert!(
        message.contains("Received:\n{\"name\":\"Diet stdy\",\"workspace_id\":\"w1\"}"),
        "{message}"
    );
}

#[test]
fn a_request_to_another_group_names_the_path() {
    let server = MockServer::start();
    let get = server.get_participant_group(|when, then| {
        when.id("g1");
        then.ok(
            &ParticipantGroup::try_from(ParticipantGroup::builder().id("g1").name("G")).unwrap(),
        );
    });
    let (client, runtime) = client_of(&server);
    let error = runtime
        .block_on(client.get_participant_group().id("g2").send())
        .unwrap_err();
    assert_eq!(error.status().map(|s| s.as_u16()), Some(404), "{error}");

    let message = assertion_failure(|| get.assert());
    assert!(message.contains("Path Mismatch"), "{message}");
    assert!(
        message.contains("/api/v1/participant-groups/g2/"),
        "{message}"
    );
}

#[test]
fn a_mock_of_an_id_the_sdk_refuses_to_send_says_why_it_matched_nothing() {
    let server = MockServer::start();
    let get = server.get_participant_group(|when, then| {
        when.id("");
        then.ok(&ParticipantGroup::try_from(ParticipantGroup::builder().id("").name("G")).unwrap());
    });
    let (_, runtime) = client_of(&server);
    let status = runtime.block_on(async {
        let url = format!("{}/api/v1/participant-groups//", server.base_url());
        prolific_sdk::reqwest::get(url).await.unwrap().status()
    });
    assert_eq!(status.as_u16(), 404);

    let message = assertion_failure(|| get.assert());
    assert!(message.contains("Path Mismatch"), "{message}");
    assert!(
        message.contains(
            "no request: the path parameter `id` is empty, which would send the request to \
             another path"
        ),
        "{message}"
    );
}

/// A client of the mock, and a runtime to drive it from a plain test (whose thread can then
/// run the mock's blocking `assert`).
fn client_of(server: &MockServer) -> (Client, tokio::runtime::Runtime) {
    let client = Client::builder()
        .token("test-token")
        .base_url(server.base_url())
        .build()
        .unwrap();
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    (client, runtime)
}

/// The message of the panic `assert` raises.
fn assertion_failure(assert: impl FnOnce()) -> String {
    let failure = catch_unwind(AssertUnwindSafe(assert)).expect_err("the assertion fails");
    failure
        .downcast_ref::<String>()
        .cloned()
        .or_else(|| failure.downcast_ref::<&str>().map(|s| s.to_string()))
        .unwrap_or_default()
}
