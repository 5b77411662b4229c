//! The example's mock of the create endpoint checks requests against the spec: what it
//! accepts, and what it refuses with Prolific's error body.

use prolific_sdk_tests::mock::{PATH, create_participant_group};

async fn post(body: &str, authorization: Option<&str>) -> (u16, serde_json::Value) {
    let mock = create_participant_group().await;
    let mut request = reqwest::Client::new()
        .post(format!("{}{PATH}", mock.url()))
        .header("content-type", "application/json")
        .body(body.to_string());
    if let Some(value) = authorization {
        request = request.header("authorization", value);
    }
    let response = request.send().await.expect("the mock answers");
    let status = response.status().as_u16();
    (
        status,
        response.json().await.expect("the mock answers JSON"),
    )
}

#[tokio::test]
async fn a_request_the_spec_allows_gets_the_documented_201() {
    let (status, body) = post(r#"{"name": "G", "workspace_id": "w"}"#, Some("Token t")).await;
    assert_eq!(status, 201);
    assert_eq!(body["id"], "5e9b9c9b0f9c9a0001b0b1f5");
}

#[tokio::test]
async fn a_body_against_the_schema_is_a_400_naming_the_field() {
    let (status, body) = post(r#"{"name": 7, "participant_ids": "p1"}"#, Some("Token t")).await;
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

    let (status, _) = post(r#"{"workspace_id": "w"}"#, Some("Token t")).await;
    assert_eq!(status, 400, "`name` is required");
    let (status, _) = post("{not json", Some("Token t")).await;
    assert_eq!(status, 400);
}

#[tokio::test]
async fn a_request_without_a_token_is_a_401() {
    let (status, _) = post(r#"{"name": "G", "workspace_id": "w"}"#, None).await;
    assert_eq!(status, 401);
    let (status, _) = post(r#"{"name": "G", "workspace_id": "w"}"#, Some("Bearer t")).await;
    assert_eq!(status, 401, "Prolific wants `Token`, not `Bearer`");
}
