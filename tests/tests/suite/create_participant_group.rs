//! `POST /api/v1/participant-groups/` through the SDK, against a loopback server: what goes on
//! the wire, and how the documented responses decode.

use prolific_sdk::types::{
    CreateParticipantGroupRequest, ErrorMessages, FeederCompletionCode, FeederStudy,
    ParticipantGroup,
};
use prolific_sdk::{Client, Error, ResponseValue};
use prolific_sdk_tests::{Canned, Loopback, example};

use crate::common;

use common::client;

const OPERATION: &str = "/paths/~1api~1v1~1participant-groups~1/post";

fn request_example() -> serde_json::Value {
    example(&format!(
        "{OPERATION}/requestBody/content/application~1json"
    ))
}

fn response_example(status: &str) -> serde_json::Value {
    example(&format!(
        "{OPERATION}/responses/{status}/content/application~1json"
    ))
}

/// Sends a create request with only a name: for tests about the response, not the request.
async fn send_name_only(client: &Client) -> Result<ResponseValue<ParticipantGroup>, Error> {
    client
        .create_participant_group()
        .body_map(|b| b.name("Group 1").workspace_id(Some("w1".to_string())))
        .send()
        .await
}

#[tokio::test]
async fn the_documented_request_goes_on_the_wire_as_documented() {
    let server = Loopback::start(vec![Canned::json(201, &response_example("201"))]).await;
    let body: CreateParticipantGroupRequest =
        serde_json::from_value(request_example()).expect("the example is a valid request");

    client(&server)
        .create_participant_group()
        .body(body)
        .send()
        .await
        .expect("201 decodes");

    let requests = server.requests();
    assert_eq!(requests.len(), 1);
    let sent = &requests[0];
    assert_eq!(sent.method, "POST");
    assert_eq!(sent.target, "/api/v1/participant-groups/");
    assert_eq!(sent.header("content-type"), Some("application/json"));
    assert_eq!(sent.header("accept"), Some("application/json"));
    // progenitor's `api-version` header is not part of Prolific's API
    // (xtask/src/generate/rewrite/api_version.rs).
    assert_eq!(sent.header("api-version"), None);
    assert_eq!(sent.json(), request_example());
}

#[tokio::test]
async fn unset_optional_fields_are_absent_from_the_body() {
    let server = Loopback::start(vec![Canned::json(201, &response_example("201"))]).await;
    let body = CreateParticipantGroupRequest::builder()
        .name("Group 1")
        .workspace_id(Some("5e9b9c9b0f9c9a0001b1ca2f".to_string()));

    client(&server)
        .create_participant_group()
        .body(body)
        .send()
        .await
        .expect("201 decodes");

    assert_eq!(
        server.requests()[0].json(),
        serde_json::json!({"name": "Group 1", "workspace_id": "5e9b9c9b0f9c9a0001b1ca2f"})
    );
}

#[tokio::test]
async fn the_documented_201_response_decodes_field_by_field() {
    let server = Loopback::start(vec![Canned::json(201, &response_example("201"))]).await;
    let response = send_name_only(&client(&server)).await.expect("201 decodes");

    assert_eq!(response.status().as_u16(), 201);
    assert_eq!(
        response.into_inner(),
        // The generated types are `#[non_exhaustive]`: the expected value is built as users
        // build one, through the builders.
        ParticipantGroup::builder()
            .description("My first participant group")
            .feeder_studies(vec![
                FeederStudy::builder()
                    .id("5e9b9c9b0f9c9a0001b0b1f4")
                    .name("Study 1")
                    .internal_name("My Study")
                    .status("COMPLETED")
                    .feeder_completion_codes(vec![
                        FeederCompletionCode::builder()
                            .code("AJVRH234")
                            .code_type("COMPLETION_CODE")
                            .action("ADD_TO_PARTICIPANT_GROUP")
                            .try_into()
                            .unwrap(),
                    ])
                    .try_into()
                    .unwrap(),
            ])
            .id("5e9b9c9b0f9c9a0001b0b1f5")
            .is_deleted(false)
            .name("Group 1")
            .organisation_id("5e9b9c9b0f9c9a0001b1ca2f")
            .participant_count(10)
            .workspace_id("5e9b9c9b0f9c9a0001b1ca2f")
            .try_into()
            .unwrap()
    );
}

#[tokio::test]
async fn the_documented_4xx_body_decodes_into_the_prolific_error() {
    let server = Loopback::start(vec![Canned::json(400, &response_example("4XX"))]).await;
    let error = send_name_only(&client(&server))
        .await
        .expect_err("400 is an error");

    assert_eq!(error.status().map(|s| s.as_u16()), Some(400));
    let error = error.prolific_error().expect("the documented error body");
    assert_eq!((error.status, error.error_code), (400, 140100));
    assert_eq!(error.title, "Bad request");
    let ErrorMessages::Object(fields) = &error.detail else {
        panic!("expected messages per field, got {:?}", error.detail);
    };
    assert_eq!(fields["name"], ["This field is required."]);
    assert_eq!(error.interactive, Some(false));
}

/// TLS is on by default: an `https://` URL gets as far as connecting. Without a TLS backend,
/// reqwest refuses the scheme before any connection. Port 1 on loopback is closed.
#[tokio::test]
async fn https_is_supported_by_the_default_features() {
    let client = Client::builder()
        .token("test-token")
        .base_url("https://127.0.0.1:1")
        .max_retries(0)
        .build()
        .unwrap();
    let error = send_name_only(&client)
        .await
        .expect_err("nothing listens on port 1");

    let Error::Transport(error) = error else {
        panic!("expected a connection error, got {error:?}");
    };
    assert!(error.is_connect(), "{error:?}");
}
