//! A paged list's `stream()`: every item of every page, each page fetched only as the stream
//! is read, the user's filters kept, ended by a short page or by an error after the items
//! already read. Against a loopback server that counts requests, and the stateful mock.

use crate::common;

use futures_util::{StreamExt, TryStreamExt};
use prolific_sdk_tests::{Canned, Loopback, Operation, operations};
use serde_json::{Value, json};

/// The spec's example item of a list's page, with the id `id`.
fn item(operation_id: &str, id: &str) -> Value {
    let operation: Operation = operations()
        .into_iter()
        .find(|o| o.id == operation_id)
        .unwrap_or_else(|| panic!("the spec has {operation_id}"));
    let mut item = operation.success().1.expect("a body")["results"][0].clone();
    // A survey's id is `_id` on the wire.
    let key = if item.get("_id").is_some() {
        "_id"
    } else {
        "id"
    };
    item[key] = json!(id);
    item
}

fn page(operation_id: &str, ids: &[&str]) -> Canned {
    let results: Vec<Value> = ids.iter().map(|id| item(operation_id, id)).collect();
    Canned::json(200, &json!({ "results": results }))
}

#[tokio::test]
async fn three_pages_by_number_with_the_filters_kept() {
    let list = "get-submissions";
    let server = Loopback::start(vec![
        page(list, &["s1", "s2"]),
        page(list, &["s3", "s4"]),
        page(list, &["s5"]),
    ])
    .await;
    let client = common::client(&server);
    let ids: Vec<String> = client
        .get_submissions()
        .study("st1")
        .page_size(2u64)
        .stream()
        .map_ok(|submission| submission.id)
        .try_collect()
        .await
        .unwrap();
    assert_eq!(ids, ["s1", "s2", "s3", "s4", "s5"]);
    let targets: Vec<String> = server.requests().iter().map(|r| r.target.clone()).collect();
    assert_eq!(
        targets,
        [
            "/api/v1/submissions/?page=1&page_size=2&study=st1",
            "/api/v1/submissions/?page=2&page_size=2&study=st1",
            "/api/v1/submissions/?page=3&page_size=2&study=st1",
        ],
        "the third page is short: the last"
    );
}

#[tokio::test]
async fn a_page_is_fetched_only_when_the_stream_is_read_past_the_one_before() {
    let list = "get-submissions";
    let server = Loopback::start(vec![page(list, &["s1", "s2"]), page(list, &["s3", "s4"])]).await;
    let client = common::client(&server);
    let first: Vec<_> = client
        .get_submissions()
        .page_size(2u64)
        .stream()
        .take(2)
        .collect()
        .await;
    assert_eq!(first.len(), 2);
    assert_eq!(
        server.requests().len(),
        1,
        "two items read: one page fetched"
    );
}

#[tokio::test]
async fn an_error_on_page_three_is_the_last_item_after_the_four_before() {
    let list = "get-submissions";
    let server = Loopback::start(vec![
        page(list, &["s1", "s2"]),
        page(list, &["s3", "s4"]),
        Canned::json(
            403,
            &json!({"error": {"title": "Forbidden", "detail": "no access"}}),
        ),
        page(list, &["never"]),
    ])
    .await;
    let client = common::client(&server);
    let items: Vec<Result<String, String>> = client
        .get_submissions()
        .page_size(2u64)
        .stream()
        .map(|item| item.map(|s| s.id).map_err(|e| e.to_string()))
        .collect()
        .await;
    assert_eq!(items.len(), 5, "{items:?}");
    assert_eq!(
        items[..4],
        [
            Ok("s1".into()),
            Ok("s2".into()),
            Ok("s3".into()),
            Ok("s4".into())
        ]
    );
    assert!(
        items[4]
            .as_ref()
            .is_err_and(|e| e.starts_with("403 Forbidden")),
        "{items:?}"
    );
    assert_eq!(
        server.requests().len(),
        3,
        "nothing is fetched after the error"
    );
}

#[tokio::test]
async fn three_pages_by_offset_and_the_default_page_size_when_none_is_set() {
    let list = "get-surveys";
    let server = Loopback::start(vec![
        page(list, &["v1", "v2"]),
        page(list, &["v3", "v4"]),
        page(list, &[]),
    ])
    .await;
    let client = common::client(&server);
    let ids: Vec<String> = client
        .get_surveys()
        .researcher_id("r1")
        .limit(2u64)
        .stream()
        .map_ok(|survey| survey.id.unwrap_or_default())
        .try_collect()
        .await
        .unwrap();
    assert_eq!(ids, ["v1", "v2", "v3", "v4"]);
    let targets: Vec<String> = server.requests().iter().map(|r| r.target.clone()).collect();
    assert_eq!(
        targets,
        [
            "/api/v1/surveys/?limit=2&offset=0&researcher_id=r1",
            "/api/v1/surveys/?limit=2&offset=2&researcher_id=r1",
            "/api/v1/surveys/?limit=2&offset=4&researcher_id=r1",
        ],
        "full pages, then an empty one"
    );

    // No size given: the spec's default (100) is sent, so a short page is recognised.
    let server = Loopback::start(vec![page(list, &["v1"])]).await;
    let all: Vec<_> = common::client(&server)
        .get_surveys()
        .researcher_id("r1")
        .stream()
        .try_collect()
        .await
        .unwrap();
    assert_eq!(all.len(), 1);
    assert_eq!(
        server.requests()[0].target,
        "/api/v1/surveys/?limit=100&offset=0&researcher_id=r1"
    );
}

#[tokio::test]
async fn the_stateful_mock_pages_what_it_holds() {
    let mock = prolific_sdk_tests::mock::start().await;
    let client = common::client(&mock);
    let workspace = client
        .create_workspace()
        .body_map(|b| b.title("Sleep research"))
        .send()
        .await
        .unwrap()
        .into_inner();
    let workspace = workspace.id;
    let project = client
        .create_project()
        .workspace_id(&workspace)
        .body_map(|b| b.title("Naps"))
        .send()
        .await
        .unwrap()
        .into_inner();
    let project = project.id;
    let create = operations()
        .into_iter()
        .find(|o| o.id == "create-study")
        .expect("the spec has create-study");
    let mut draft = prolific_sdk_tests::example(&create.media("requestBody"));
    draft["project"] = json!(project);
    let draft: prolific_sdk::types::CreateStudy = serde_json::from_value(draft).unwrap();
    let mut created = Vec::new();
    for _ in 0..5 {
        let study = client
            .create_study()
            .body(draft.clone())
            .send()
            .await
            .unwrap()
            .into_inner();
        created.push(study.id);
    }
    let listed: Vec<String> = client
        .get_project_studies()
        .project_id(&project)
        .page_size(2u64)
        .stream()
        .map_ok(|study| study.id)
        .try_collect()
        .await
        .unwrap();
    assert_eq!(listed, created, "three pages of 2, 2 and 1, in order");
}
