//! What both benchmarks feed the SDK and the hand-written client: the spec's documented
//! request and response, a page of 1,000 groups and a page of 100 studies, the same bytes for
//! both sides.

#![allow(dead_code)] // each benchmark uses its own part

use handwritten_client::NewGroup;
use prolific_sdk::types::CreateParticipantGroupRequest;
use prolific_sdk_tests::example;

/// The SDK's default timeouts, which every benchmark's hand-written client gets too: a timer
/// per request is part of what both sides pay.
pub const CONNECT_TIMEOUT: std::time::Duration = std::time::Duration::from_secs(10);
/// The SDK's default total timeout of a request.
pub const TIMEOUT: std::time::Duration = std::time::Duration::from_secs(30);

/// The hand-written side's HTTP client, with the SDK's default timeouts.
pub fn handwritten_http() -> reqwest::Client {
    reqwest::Client::builder()
        .connect_timeout(CONNECT_TIMEOUT)
        .timeout(TIMEOUT)
        .build()
        .expect("the reqwest client builds")
}

/// The create operation's documented request body, in the spec.
pub const REQUEST: &str =
    "/paths/~1api~1v1~1participant-groups~1/post/requestBody/content/application~1json";
/// The create operation's documented 201 body, in the spec.
pub const CREATED: &str =
    "/paths/~1api~1v1~1participant-groups~1/post/responses/201/content/application~1json";

/// The documented request, as the SDK's type.
pub fn sdk_request() -> CreateParticipantGroupRequest {
    serde_json::from_value(example(REQUEST)).expect("a valid request")
}

/// The documented request, as the hand-written type; both encode to the same bytes.
pub fn handwritten_request() -> NewGroup {
    both_requests().1
}

/// The documented request as the SDK's type, made the way `handwritten_request` makes its
/// own: an encoding benchmark's setup then leaves the same memory behind on both sides
/// (Callgrind's cycle estimate counts cache misses).
pub fn sdk_request_as_built_for_both() -> CreateParticipantGroupRequest {
    both_requests().0
}

/// The documented request as both types, checked to encode to the same bytes.
fn both_requests() -> (CreateParticipantGroupRequest, NewGroup) {
    let sdk = sdk_request();
    let hand = NewGroup {
        description: sdk.description.clone(),
        name: sdk.name.clone(),
        organisation_id: sdk.organisation_id.clone(),
        participant_ids: sdk.participant_ids.clone(),
        workspace_id: sdk.workspace_id.clone(),
    };
    // Both sides must send the same bytes for the comparison to mean anything.
    assert_eq!(
        serde_json::to_vec(&sdk).unwrap(),
        serde_json::to_vec(&hand).unwrap()
    );
    (sdk, hand)
}

/// The documented 201 body's bytes.
pub fn created() -> Vec<u8> {
    serde_json::to_vec(&example(CREATED)).expect("JSON encodes")
}

/// A list page of 1,000 documented groups, each with its own id and name.
pub fn list_page() -> Vec<u8> {
    let page: Vec<serde_json::Value> = (0..1_000)
        .map(|i| {
            let mut group = example(CREATED);
            group["id"] = format!("{i:024x}").into();
            group["name"] = format!("Group {i}").into();
            group
        })
        .collect();
    serde_json::to_vec(&serde_json::json!({ "results": page })).expect("JSON encodes")
}

/// The study list's documented 200 body, in the spec.
pub const STUDIES: &str = "/paths/~1api~1v1~1studies~1/get/responses/200/content/application~1json";

/// A list page of 100 documented studies, each with its own id and name, in the statuses a
/// page shows (so that the status enum is decoded in each of its common values).
pub fn study_page() -> Vec<u8> {
    let documented = example(STUDIES)["results"][0].clone();
    let statuses = [
        "ACTIVE",
        "COMPLETED",
        "AWAITING REVIEW",
        "PAUSED",
        "UNPUBLISHED",
    ];
    let page: Vec<serde_json::Value> = (0..100)
        .map(|i| {
            let mut study = documented.clone();
            study["id"] = format!("{i:024x}").into();
            study["name"] = format!("Study {i}").into();
            study["status"] = statuses[i % statuses.len()].into();
            study
        })
        .collect();
    serde_json::to_vec(&serde_json::json!({ "results": page })).expect("JSON encodes")
}
