//! A JSON Lines body (the records appended to a dataset) is mocked as the SDK sends it: the
//! mock's `body(&records)` matches the same lines, one record each, and no other records.

mod common;
use common::client_of;
use prolific_sdk::types::{AppendDatasetDatapointsResponse, DatasetRecord};
use prolific_sdk_mock::MockServerExt;
use prolific_sdk_mock::httpmock::MockServer;
use serde_json::json;

fn records(questions: &[&str]) -> Vec<DatasetRecord> {
    questions
        .iter()
        .map(|q| serde_json::from_value(json!({"question": q, "answer_a": "yes"})).unwrap())
        .collect()
}

#[tokio::test]
async fn the_mock_matches_the_records_sent_as_lines_and_no_others() {
    let server = MockServer::start_async().await;
    let answer: AppendDatasetDatapointsResponse =
        serde_json::from_value(json!({"accepted_count": 2, "rejected_count": 0})).unwrap();
    let mock = server.append_dataset_datapoints(|when, then| {
        when.dataset_id("d1")
            .body(&records(&["Kinder?", "Clearer?"]));
        then.ok(&answer);
    });
    let client = client_of(&server);

    let sent = client
        .append_dataset_datapoints()
        .dataset_id("d1")
        .body(records(&["Kinder?", "Clearer?"]))
        .send()
        .await
        .unwrap()
        .into_inner();
    assert_eq!(sent, answer);
    mock.assert_async().await;

    // Other records are another body: the mock does not answer them.
    let other = client
        .append_dataset_datapoints()
        .dataset_id("d1")
        .body(records(&["Kinder?"]))
        .send()
        .await;
    assert_eq!(
        other.unwrap_err().status().map(|s| s.as_u16()),
        Some(404),
        "httpmock answers 404 to a request no mock matches"
    );
    mock.assert_calls_async(1).await;
}
