//! The examples' mock checks requests against the spec, refuses what the spec does not allow
//! with Prolific's error body, and keeps its groups between requests.

use prolific_sdk_tests::mock;
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
    let body = body.map(|body| (body.as_bytes().to_vec(), "application/json"));
    send_as(mock, method, target, body, authorization).await
}

/// [`send`] with a body of any media type.
async fn send_as(
    mock: &Loopback,
    method: &str,
    target: &str,
    body: Option<(Vec<u8>, &str)>,
    authorization: Option<&str>,
) -> (u16, Value) {
    let method = reqwest::Method::from_bytes(method.as_bytes()).unwrap();
    let mut request = reqwest::Client::new().request(method, format!("{}{target}", mock.url()));
    if let Some((body, media)) = body {
        request = request.header("content-type", media).body(body);
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
    let mock = mock::start().await;
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

/// The path template with every parameter an id nothing has.
fn unknown_ids(template: &str) -> String {
    spec_model::fill(template, |_| "unknown".into())
}

#[tokio::test]
async fn the_mock_handles_every_operation_of_the_spec() {
    let mock = mock::start().await;
    for operation in operations() {
        let query: Vec<String> = operation
            .parameter_examples("query")
            .iter()
            .map(|(name, value)| {
                format!(
                    "{name}={}",
                    value.as_str().map_or(value.to_string(), str::to_string)
                )
            })
            .collect();
        let target = format!("{}?{}", unknown_ids(&operation.path), query.join("&"));
        let spec = prolific_sdk_tests::spec();
        let example = spec
            .pointer(&format!("{}/example", operation.media("requestBody")))
            .map(|example| operation.wire_body(example));
        let media = operation.request_media();
        let (status, body) = send_as(
            &mock,
            &operation.method,
            &target,
            example.zip(media.as_deref()),
            Some("Token t"),
        )
        .await;
        // An unknown id may be a 404; anything else is the documented success.
        let expected = [operation.success().0, 404];
        assert!(
            expected.contains(&status),
            "{}: {status} {body}",
            operation.id
        );
    }
}

#[tokio::test]
async fn an_operation_without_state_answers_its_documented_success() {
    let mock = mock::start().await;
    let user = operations()
        .into_iter()
        .find(|operation| operation.id == "get-user")
        .expect("the spec has get-user");
    let (status, body) = with_token(&mock, "GET", &user.path, None).await;
    assert_eq!((status, Some(body)), user.success());
}

#[tokio::test]
async fn a_body_against_the_schema_is_a_400_naming_the_field() {
    let mock = mock::start().await;
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
    let mock = mock::start().await;
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
    let mock = mock::start().await;
    let (status, _) = with_token(&mock, "GET", "/api/v1/no-such-resource/", None).await;
    assert_eq!(status, 404);
    let (status, _) = with_token(&mock, "PUT", GROUPS, Some("{}")).await;
    assert_eq!(status, 405);
}

#[tokio::test]
async fn a_request_without_a_token_is_a_401() {
    let mock = mock::start().await;
    let body = Some(r#"{"name": "G", "workspace_id": "w"}"#);
    let (status, _) = send(&mock, "POST", GROUPS, body, None).await;
    assert_eq!(status, 401);
    let (status, _) = send(&mock, "POST", GROUPS, body, Some("Bearer t")).await;
    assert_eq!(status, 401, "Prolific wants `Token`, not `Bearer`");
}

/// The request body an operation documents, as sent.
fn documented_body(operation_id: &str) -> String {
    let operation = operations()
        .into_iter()
        .find(|operation| operation.id == operation_id)
        .unwrap_or_else(|| panic!("the spec has {operation_id}"));
    prolific_sdk_tests::example(&operation.media("requestBody")).to_string()
}

/// A created object's id.
fn id_of(created: &Value) -> String {
    created["id"]
        .as_str()
        .unwrap_or_else(|| panic!("an id in {created}"))
        .to_string()
}

/// The ids of a listing's results.
fn ids_of(listed: &Value) -> Vec<String> {
    listed["results"]
        .as_array()
        .unwrap_or_else(|| panic!("results in {listed}"))
        .iter()
        .map(id_of)
        .collect()
}

/// Creates the spec's documented draft study, with `changes` applied.
async fn create_study(mock: &Loopback, changes: Value) -> Value {
    let mut body: Value = serde_json::from_str(&documented_body("create-study")).unwrap();
    for (field, value) in changes.as_object().unwrap() {
        body[field] = value.clone();
    }
    let (status, created) = with_token(mock, "POST", STUDIES, Some(&body.to_string())).await;
    assert_eq!(status, 201, "{created}");
    created
}

async fn transition(mock: &Loopback, study: &str, action: &str) -> (u16, Value) {
    let target = format!("{STUDIES}{study}/transition/");
    let body = json!({ "action": action }).to_string();
    with_token(mock, "POST", &target, Some(&body)).await
}

const STUDIES: &str = "/api/v1/studies/";

#[tokio::test]
async fn a_study_lives_through_create_get_list_publish_and_stop() {
    let mock = mock::start().await;
    let created = create_study(&mock, json!({"name": "Sleep", "reward": 220})).await;
    assert_eq!(
        (&created["name"], &created["reward"], &created["status"]),
        (&json!("Sleep"), &json!(220), &json!("UNPUBLISHED"))
    );
    let id = id_of(&created);
    let one = format!("{STUDIES}{id}/");
    let (status, read) = with_token(&mock, "GET", &one, None).await;
    assert_eq!((status, &read), (200, &created), "read back as created");

    let (_, listed) = with_token(&mock, "GET", STUDIES, None).await;
    assert_eq!(ids_of(&listed), [id.as_str()]);
    let (status, published) = transition(&mock, &id, "PUBLISH").await;
    assert_eq!((status, &published["status"]), (200, &json!("ACTIVE")));
    let (_, read) = with_token(&mock, "GET", &one, None).await;
    assert_eq!(read["status"], "ACTIVE");
    let (_, active) = with_token(&mock, "GET", &format!("{STUDIES}?state=ACTIVE"), None).await;
    assert_eq!(ids_of(&active), [id.as_str()]);
    let (_, paused) = with_token(&mock, "GET", &format!("{STUDIES}?state=PAUSED"), None).await;
    assert_eq!(ids_of(&paused), Vec::<String>::new());

    for (action, status) in [
        ("PAUSE", "PAUSED"),
        ("START", "ACTIVE"),
        ("STOP", "COMPLETED"),
    ] {
        let (_, moved) = transition(&mock, &id, action).await;
        assert_eq!(moved["status"], status, "{action}");
    }
    let (status, renamed) = with_token(
        &mock,
        "PATCH",
        &one,
        Some(r#"{"internal_name": "sleep-wave-2"}"#),
    )
    .await;
    assert_eq!(
        (status, &renamed["internal_name"]),
        (200, &json!("sleep-wave-2"))
    );
    assert_eq!(
        renamed["name"], "Sleep",
        "an update changes only the fields sent"
    );

    let draft = id_of(&create_study(&mock, json!({})).await);
    let (status, _) = with_token(&mock, "DELETE", &format!("{STUDIES}{draft}/"), None).await;
    assert_eq!(status, 204, "a deleted study answers 204, without a body");
    let (status, gone) = with_token(&mock, "GET", &format!("{STUDIES}{draft}/"), None).await;
    assert_eq!(
        (status, &gone["error"]["title"]),
        (404, &json!("Not found"))
    );
    let (status, _) = transition(&mock, "unknown", "PUBLISH").await;
    assert_eq!(status, 404);
}

#[tokio::test]
async fn a_published_study_gets_submissions_that_can_be_approved() {
    let mock = mock::start().await;
    let id = id_of(&create_study(&mock, json!({})).await);
    let of_study = format!("{STUDIES}{id}/submissions/");
    let (status, none) = with_token(&mock, "GET", &of_study, None).await;
    assert_eq!(
        (status, &none["results"]),
        (200, &json!([])),
        "a draft has none"
    );

    transition(&mock, &id, "PUBLISH").await;
    let (_, arrived) = with_token(&mock, "GET", &of_study, None).await;
    let submissions = ids_of(&arrived);
    assert!(!submissions.is_empty(), "{arrived}");
    assert_eq!(arrived["results"][0]["status"], "AWAITING REVIEW");
    let (_, by_query) = with_token(
        &mock,
        "GET",
        &format!("/api/v1/submissions/?study={id}"),
        None,
    )
    .await;
    assert_eq!(ids_of(&by_query), submissions);
    let (_, other) = with_token(&mock, "GET", "/api/v1/submissions/?study=other", None).await;
    assert_eq!(ids_of(&other), Vec::<String>::new());

    let submission = &submissions[0];
    let (status, approved) = with_token(
        &mock,
        "POST",
        &format!("/api/v1/submissions/{submission}/transition/"),
        Some(r#"{"action": "APPROVE"}"#),
    )
    .await;
    assert_eq!(status, 200, "{approved}");
    assert_eq!(
        (&approved["status"], &approved["study_id"]),
        (&json!("APPROVED"), &json!(id))
    );
    let (status, read) = with_token(
        &mock,
        "GET",
        &format!("/api/v1/submissions/{submission}/"),
        None,
    )
    .await;
    assert_eq!((status, &read["status"]), (200, &json!("APPROVED")));
    let (_, listed) = with_token(&mock, "GET", &of_study, None).await;
    assert_eq!(listed["results"][0]["status"], "APPROVED");
}

#[tokio::test]
async fn a_researcher_runs_a_study_for_a_group_without_a_token() {
    let mock = mock::start().await;
    let (_, group) = with_token(
        &mock,
        "POST",
        GROUPS,
        Some(r#"{"name": "Sleepers", "workspace_id": "w", "participant_ids": ["p1", "p2"]}"#),
    )
    .await;
    let group = id_of(&group);
    let study = create_study(
        &mock,
        json!({
            "filters": [{"filter_id": "participant_group_allowlist", "selected_values": [group]}],
            "completion_codes": [{"code": "C1", "code_type": "COMPLETED", "actions": [
                {"action": "ADD_TO_PARTICIPANT_GROUP", "participant_group": group}
            ]}],
        }),
    )
    .await;
    assert_eq!(study["filters"][0]["selected_values"], json!([group]));
    let id = id_of(&study);
    let (status, cost) = with_token(&mock, "GET", &format!("{STUDIES}{id}/cost/"), None).await;
    assert_eq!(status, 200, "{cost}");
    assert_eq!(transition(&mock, &id, "PUBLISH").await.0, 200);
    let (_, submissions) =
        with_token(&mock, "GET", &format!("{STUDIES}{id}/submissions/"), None).await;
    let approve = json!({ "submission_ids": ids_of(&submissions) }).to_string();
    let (status, _) = with_token(
        &mock,
        "POST",
        "/api/v1/submissions/bulk-approve/",
        Some(&approve),
    )
    .await;
    assert_eq!(status, 200);
    let bonus = json!({"study_id": id, "csv_bonuses": "p1,0.50"}).to_string();
    let (status, bonuses) = with_token(
        &mock,
        "POST",
        "/api/v1/submissions/bonus-payments/",
        Some(&bonus),
    )
    .await;
    assert_eq!((status, &bonuses["study"]), (201, &json!(id)), "{bonuses}");
    let pay = format!("/api/v1/bulk-bonus-payments/{}/pay/", id_of(&bonuses));
    assert_eq!(with_token(&mock, "POST", &pay, None).await.0, 202);
    let message = json!({"participant_group_id": group, "body": "Thanks!"}).to_string();
    let (status, _) = with_token(
        &mock,
        "POST",
        "/api/v1/messages/participant-group/",
        Some(&message),
    )
    .await;
    assert_eq!(status, 204);
    let (_, stopped) = transition(&mock, &id, "STOP").await;
    assert_eq!(stopped["status"], "COMPLETED");
}

#[tokio::test]
async fn a_created_filter_set_is_read_back_updated_and_deleted() {
    let mock = mock::start().await;
    let sets = "/api/v1/filter-sets/";
    let (status, created) = with_token(
        &mock,
        "POST",
        sets,
        Some(r#"{"workspace_id": "w", "name": "Left-handers", "filters": []}"#),
    )
    .await;
    assert_eq!(status, 201, "{created}");
    assert_eq!(
        (&created["name"], &created["filters"]),
        (&json!("Left-handers"), &json!([]))
    );
    let one = format!("{sets}{}/", id_of(&created));
    let (_, read) = with_token(&mock, "GET", &one, None).await;
    assert_eq!(read, created);
    let (_, listed) = with_token(&mock, "GET", &format!("{sets}?workspace_id=w"), None).await;
    assert_eq!(ids_of(&listed), [id_of(&created)]);
    let (_, elsewhere) = with_token(&mock, "GET", &format!("{sets}?workspace_id=x"), None).await;
    assert_eq!(ids_of(&elsewhere), Vec::<String>::new());

    let (_, renamed) = with_token(&mock, "PATCH", &one, Some(r#"{"name": "Lefties"}"#)).await;
    assert_eq!(renamed["name"], "Lefties");
    let (status, copy) = with_token(&mock, "POST", &format!("{one}clone/"), Some("{}")).await;
    assert_eq!(status, 201, "{copy}");
    assert_ne!(id_of(&copy), id_of(&created), "a copy is a new filter set");

    assert_eq!(with_token(&mock, "DELETE", &one, None).await.0, 204);
    assert_eq!(with_token(&mock, "GET", &one, None).await.0, 404);
    let (_, listed) = with_token(&mock, "GET", &format!("{sets}?workspace_id=w"), None).await;
    assert_eq!(
        ids_of(&listed),
        [id_of(&copy)],
        "a deleted filter set is not listed"
    );
}

#[tokio::test]
async fn a_project_is_made_in_its_workspace_and_lists_its_studies() {
    let mock = mock::start().await;
    let (status, workspace) = with_token(
        &mock,
        "POST",
        "/api/v1/workspaces/",
        Some(r#"{"title": "Sleep research"}"#),
    )
    .await;
    assert_eq!(status, 201, "{workspace}");
    let workspace = id_of(&workspace);
    let projects = format!("/api/v1/workspaces/{workspace}/projects/");
    let (status, project) =
        with_token(&mock, "POST", &projects, Some(r#"{"title": "Naps"}"#)).await;
    assert_eq!(status, 201, "{project}");
    assert_eq!(
        (&project["title"], &project["workspace"]),
        (&json!("Naps"), &json!(workspace))
    );
    let project = id_of(&project);
    let (status, read) =
        with_token(&mock, "GET", &format!("/api/v1/projects/{project}/"), None).await;
    assert_eq!((status, &read["title"]), (200, &json!("Naps")));
    let (_, listed) = with_token(&mock, "GET", &projects, None).await;
    assert_eq!(ids_of(&listed), [project.as_str()]);

    let study = id_of(&create_study(&mock, json!({ "project": project })).await);
    create_study(&mock, json!({})).await;
    let (status, studies) = with_token(
        &mock,
        "GET",
        &format!("/api/v1/projects/{project}/studies/"),
        None,
    )
    .await;
    assert_eq!((status, ids_of(&studies)), (200, vec![study]));
    let (status, _) = with_token(&mock, "GET", "/api/v1/workspaces/unknown/projects/", None).await;
    assert_eq!(status, 404, "the workspace must exist");
}

#[tokio::test]
async fn a_text_answer_is_its_documented_text_with_its_media_type() {
    let mock = mock::start().await;
    let create = operations()
        .into_iter()
        .find(|operation| operation.id == "create-study")
        .expect("the spec has create-study");
    let draft = prolific_sdk_tests::spec()
        .pointer(&format!("{}/example", create.media("requestBody")))
        .expect("create-study's documented body")
        .to_string();
    let (status, study) = with_token(&mock, "POST", "/api/v1/studies/", Some(&draft)).await;
    assert_eq!(status, 201, "{study}");
    let export = operations()
        .into_iter()
        .find(|operation| operation.id == "export-study")
        .expect("the spec has export-study");
    let (_, documented) = export.successes();
    let csv = documented.first().expect("a documented text answer");
    let response = reqwest::Client::new()
        .get(format!(
            "{}/api/v1/studies/{}/export/",
            mock.url(),
            study["id"].as_str().unwrap()
        ))
        .header("authorization", "Token t")
        .send()
        .await
        .expect("the mock answers");
    assert_eq!(response.status().as_u16(), 200);
    assert_eq!(response.headers()["content-type"], csv.media.as_str());
    assert_eq!(
        response.text().await.unwrap(),
        csv.example.as_str().unwrap()
    );
}
