//! Snapshots of what the SDK makes of the responses Prolific sends (or may send): the
//! documented 201, explicit nulls, absent optional fields, unknown fields and values, and an
//! empty body.

use crate::common;

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

/// The enum policy (spec/README.md, "Enums"): a value Prolific adds to an enum a response
/// holds reads as `Unrecognized`, keeping its text, instead of failing the whole response.
#[tokio::test]
async fn a_status_prolific_adds_later_reads_as_unrecognized_with_its_text() {
    use prolific_sdk::types::{CompletionCodeAction, CompletionCodeCodeType, StudyStatus};
    let mut body =
        example("/paths/~1api~1v1~1studies~1{id}~1/get/responses/200/content/application~1json");
    body["status"] = serde_json::json!("ARCHIVED");
    body["completion_codes"][0]["code_type"] = serde_json::json!("CODE_TYPE_OF_2027");
    let new_action = serde_json::json!({"action": "SEND_MESSAGE", "text": "Thank you"});
    body["completion_codes"][0]["actions"][0] = new_action.clone();
    let server = Loopback::start(vec![Canned::json(200, &body)]).await;
    let study = client(&server)
        .get_study()
        .id("s1")
        .send()
        .await
        .expect("a response with values the SDK does not know still decodes")
        .into_inner();
    assert!(
        matches!(&study.status, StudyStatus::Unrecognized(v) if v.as_str() == "ARCHIVED"),
        "{:?}",
        study.status
    );
    assert_eq!(study.status.to_string(), "ARCHIVED");
    let code_type = &study.completion_codes[0].code_type;
    assert!(
        matches!(code_type, CompletionCodeCodeType::Unrecognized(v) if v.as_str() == "CODE_TYPE_OF_2027"),
        "{code_type:?}"
    );
    // Written back as it came.
    assert_eq!(
        serde_json::to_value(&study.status).unwrap(),
        serde_json::json!("ARCHIVED")
    );
    // A kind of action this SDK does not know keeps its whole shape; the known ones still read
    // as their variants (an action's one-value tag stays closed).
    let actions = &study.completion_codes[0].actions;
    assert_eq!(actions[0], CompletionCodeAction::Unrecognized(new_action));
    assert!(matches!(
        actions[1],
        CompletionCodeAction::AddToParticipantGroup(_)
    ));
    // Written back as it came, so that a study read and sent again keeps the value.
    let again = serde_json::to_value(&study).unwrap();
    assert_eq!(again["status"], "ARCHIVED");
    // A known value still reads as its variant.
    body["status"] = serde_json::json!("ACTIVE");
    let known: prolific_sdk::types::Study = serde_json::from_value(body).unwrap();
    assert_eq!(known.status, StudyStatus::Active);
}
