//! Snapshots of what the SDK makes of the responses Prolific sends (or may send): the
//! documented 201, explicit nulls, absent optional fields, unknown fields and values, and an
//! empty body.

mod common;

use common::{client, create};
use prolific_sdk_tests::{Canned, Loopback, example};

const CREATED: &str =
    "/paths/~1api~1v1~1participant-groups~1/post/responses/201/content/application~1json";

/// What `create` returns when the server answers `status` with `body`, as a snapshot text.
async fn outcome(status: u16, body: &serde_json::Value) -> String {
    let server = Loopback::start(vec![Canned::json(status, body)]).await;
    match create(&client(&server)).await {
        Ok(group) => format!("{group:#?}"),
        Err(error) => format!("error: {error}"),
    }
}

#[tokio::test]
async fn the_documented_201_example() {
    insta::assert_snapshot!(outcome(201, &example(CREATED)).await);
}

#[tokio::test]
async fn explicit_nulls_in_every_nullable_field() {
    let body = serde_json::json!({
        "id": "g1", "name": "Group 1",
        "description": null, "organisation_id": null, "workspace_id": null, "project_id": null
    });
    insta::assert_snapshot!(outcome(201, &body).await);
}

#[tokio::test]
async fn only_the_required_fields() {
    insta::assert_snapshot!(
        outcome(201, &serde_json::json!({"id": "g1", "name": "Group 1"})).await
    );
}

#[tokio::test]
async fn unknown_fields_are_ignored() {
    let mut body = example(CREATED);
    body["created_at"] = serde_json::json!("2026-11-26T07:00:00Z");
    body["feeder_studies"][0]["new_study_field"] = serde_json::json!({"nested": [1, 2]});
    body["feeder_studies"][0]["feeder_completion_codes"][0]["priority"] = serde_json::json!(3);
    // The same value as the documented example: nothing new shows.
    assert_eq!(
        outcome(201, &body).await,
        outcome(201, &example(CREATED)).await
    );
}

#[tokio::test]
async fn values_of_status_code_type_and_action_the_docs_do_not_list() {
    let mut body = example(CREATED);
    let study = &mut body["feeder_studies"][0];
    study["status"] = serde_json::json!("SOME_FUTURE_STATUS");
    study["feeder_completion_codes"][0]["code_type"] = serde_json::json!("NEW_CODE_TYPE");
    study["feeder_completion_codes"][0]["action"] = serde_json::json!("MOVE_TO_ANOTHER_GROUP");
    insta::assert_snapshot!(outcome(201, &body).await);
}

#[tokio::test]
async fn an_empty_201_body_is_a_decode_error_that_keeps_the_status() {
    let server = Loopback::start(vec![Canned::raw(201, "application/json", "")]).await;
    let error = create(&client(&server)).await.unwrap_err();
    assert!(matches!(error, prolific_sdk::Error::Decode(_)), "{error:?}");
    assert_eq!(error.status().map(|s| s.as_u16()), Some(201));
    insta::assert_snapshot!(error.to_string());
}
