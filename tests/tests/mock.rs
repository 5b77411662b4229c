//! The examples' mock checks requests against the spec, refuses what the spec does not allow
//! with Prolific's error body, and keeps its groups between requests.

use prolific_sdk_tests::mock::participant_groups;
use prolific_sdk_tests::{Loopback, operations};
use serde_json::{Value, json};

const GROUPS: &str = "/api/v1/participant-groups/";

async fn send(
    mock: &Loopback,
    method: &str,
    target: &str,
    body: Option<&str>,
    authorization: Option<&str>,
) -> (u16, Value) {
    let method = reqwest::Method::from_bytes(method.as_bytes()).unwrap();
    let mut request = reqwest::Client::new().request(method, format!("{}{target}", mock.url()));
    if let Some(body) = body {
        request = request
            .header("content-type", "application/json")
            .body(body.to_string());
    }
    if let Some(value) = authorization {
        request = request.header("authorization", value);
    }
    let response = request.send().await.expect("the mock answers");
    let status = response.status().as_u16();
    let bytes = response.bytes().await.expect("the mock sends a body");
    let body = if bytes.is_empty() {
        Value::Null
    } else {
        serde_json::from_slice(&bytes).expect("the mock answers JSON")
    };
    (status, body)
}

async fn with_token(
    mock: &Loopback,
    method: &str,
    target: &str,
    body: Option<&str>,
) -> (u16, Value) {
    send(mock, method, target, body, Some("Token t")).await
}

#[tokio::test]
async fn a_group_lives_through_every_operation() {
    let mock = participant_groups().await;
    let (status, created) = with_token(
        &mock,
        "POST",
        GROUPS,
        Some(r#"{"name": "G", "workspace_id": "w", "participant_ids": ["p1"]}"#),
    )
    .await;
    assert_eq!(status, 201);
    assert_eq!(created["participant_count"], 1);
    let id = created["id"].as_str().unwrap();
    let one = format!("{GROUPS}{id}/");
    let members = format!("{one}participants/");

    let (status, listed) =
        with_token(&mock, "GET", &format!("{GROUPS}?workspace_id=w"), None).await;
    assert_eq!(status, 200);
    assert_eq!(listed["results"].as_array().unwrap().len(), 1);
    let (_, other) = with_token(&mock, "GET", &format!("{GROUPS}?workspace_id=x"), None).await;
    assert_eq!(other["results"], json!([]));

    let (status, added) = with_token(
        &mock,
        "POST",
        &members,
        Some(r#"{"participant_ids": ["p1", "p2"]}"#),
    )
    .await;
    assert_eq!(status, 200);
    let ids: Vec<&Value> = added["results"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| &m["participant_id"])
        .collect();
    assert_eq!(
        ids,
        [&json!("p1"), &json!("p2")],
        "p1 was already in: added once"
    );

    let (status, removed) = with_token(
        &mock,
        "DELETE",
        &members,
        Some(r#"{"participant_ids": ["p2", "p9"]}"#),
    )
    .await;
    assert_eq!(status, 200);
    assert_eq!(
        removed["results"].as_array().unwrap().len(),
        1,
        "p9 was not in: ignored"
    );

    let (status, renamed) = with_token(
        &mock,
        "PATCH",
        &one,
        Some(r#"{"name": "H", "participant_ids": []}"#),
    )
    .await;
    assert_eq!(status, 200);
    assert_eq!(
        (&renamed["name"], &renamed["participant_count"]),
        (&json!("H"), &json!(0))
    );
    let (_, listed) = with_token(&mock, "GET", &members, None).await;
    assert_eq!(listed["results"], json!([]));

    let (status, nothing) = with_token(&mock, "DELETE", &one, None).await;
    assert_eq!((status, nothing), (204, Value::Null));
    let (status, gone) = with_token(&mock, "GET", &one, None).await;
    assert_eq!(status, 404);
    assert_eq!(gone["error"]["title"], "Not found");
    let (_, deleted) = with_token(
        &mock,
        "GET",
        &format!("{GROUPS}?workspace_id=w&active=false"),
        None,
    )
    .await;
    assert_eq!(deleted["results"][0]["is_deleted"], true);
}

#[tokio::test]
async fn the_mock_handles_every_operation_of_the_spec() {
    let mock = participant_groups().await;
    for operation in operations() {
        let target = operation.path.replace("{id}", "unknown");
        let spec = prolific_sdk_tests::spec();
        let example = spec
            .pointer(&format!("{}/example", operation.media("requestBody")))
            .map(Value::to_string);
        let (status, body) =
            with_token(&mock, &operation.method, &target, example.as_deref()).await;
        assert_ne!(status, 501, "{}: {body}", operation.id);
        assert_ne!(status, 405, "{}: {body}", operation.id);
    }
}

#[tokio::test]
async fn an_operation_without_state_answers_its_documented_success() {
    let mock = participant_groups().await;
    let user = operations()
        .into_iter()
        .find(|operation| operation.id == "GetUser")
        .expect("the spec has GetUser");
    let (status, body) = with_token(&mock, "GET", &user.path, None).await;
    assert_eq!((status, Some(body)), user.success());
}

#[tokio::test]
async fn a_body_against_the_schema_is_a_400_naming_the_field() {
    let mock = participant_groups().await;
    let (status, body) = with_token(
        &mock,
        "POST",
        GROUPS,
        Some(r#"{"name": 7, "participant_ids": "p1"}"#),
    )
    .await;
    assert_eq!(status, 400);
    assert_eq!(body["error"]["title"], "Bad request");
    let problems: Vec<&str> = body["error"]["detail"]["body"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p.as_str().unwrap())
        .collect();
    assert_eq!(problems.len(), 2, "{problems:?}");
    assert!(
        problems.iter().any(|p| p.starts_with("/name: ")),
        "{problems:?}"
    );
    assert!(
        problems.iter().any(|p| p.starts_with("/participant_ids: ")),
        "{problems:?}"
    );

    let (status, _) = with_token(&mock, "POST", GROUPS, Some(r#"{"workspace_id": "w"}"#)).await;
    assert_eq!(status, 400, "`name` is required");
    let (status, _) = with_token(&mock, "POST", GROUPS, Some("{not json")).await;
    assert_eq!(status, 400);
}

#[tokio::test]
async fn a_query_the_operation_does_not_declare_is_a_400() {
    let mock = participant_groups().await;
    let (status, body) = with_token(
        &mock,
        "GET",
        &format!("{GROUPS}?workspace_id=w&colour=red"),
        None,
    )
    .await;
    assert_eq!(status, 400);
    assert_eq!(
        body["error"]["detail"]["colour"][0],
        "This query parameter is not known."
    );
    let (status, body) = with_token(
        &mock,
        "GET",
        &format!("{GROUPS}?workspace_id=w&active=yes"),
        None,
    )
    .await;
    assert_eq!(status, 400);
    assert_eq!(
        body["error"]["detail"]["active"][0],
        "Must be `true` or `false`."
    );
}

#[tokio::test]
async fn unknown_paths_and_methods_are_404_and_405() {
    let mock = participant_groups().await;
    let (status, _) = with_token(&mock, "GET", "/api/v1/no-such-resource/", None).await;
    assert_eq!(status, 404);
    let (status, _) = with_token(&mock, "PUT", GROUPS, Some("{}")).await;
    assert_eq!(status, 405);
}

#[tokio::test]
async fn a_request_without_a_token_is_a_401() {
    let mock = participant_groups().await;
    let body = Some(r#"{"name": "G", "workspace_id": "w"}"#);
    let (status, _) = send(&mock, "POST", GROUPS, body, None).await;
    assert_eq!(status, 401);
    let (status, _) = send(&mock, "POST", GROUPS, body, Some("Bearer t")).await;
    assert_eq!(status, 401, "Prolific wants `Token`, not `Bearer`");
}
