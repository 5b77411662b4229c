//! Appending records to a dataset sends them as JSON Lines, as Prolific documents the
//! operation: `Content-Type: application/x-ndjson`, one record of compact JSON a line. The
//! operation may be repeated (a record sent twice is kept once), so after a 503 the same lines
//! go again. A recording server sees the bytes.

use crate::common;

use prolific_sdk::types::DatasetRecord;
use prolific_sdk_tests::{Canned, Loopback};
use serde_json::json;

fn records() -> Vec<DatasetRecord> {
    [
        json!({"question": "Which answer is kinder?", "answer_a": "Let me help.\nGladly."}),
        json!({"question": "Which is clearer?", "rating": 4}),
    ]
    .into_iter()
    .map(|record| serde_json::from_value(record).unwrap())
    .collect()
}

#[tokio::test]
async fn records_go_one_line_each_and_again_the_same_after_a_503() {
    let answer = json!({
        "accepted_count": 1,
        "rejected_count": 1,
        "errors": [{"record_index": 1, "field": "answer_a", "reason": "missing"}],
    });
    let server = Loopback::start(vec![
        Canned::json(503, &json!({"error": {"title": "busy"}})).with_header("Retry-After", "0"),
        Canned::json(200, &answer),
    ])
    .await;
    let appended = common::client(&server)
        .append_dataset_datapoints()
        .dataset_id("d1")
        .body(records())
        .send()
        .await
        .unwrap()
        .into_inner();
    assert_eq!((appended.accepted_count, appended.rejected_count), (1, 1));
    assert_eq!(appended.errors[0].record_index, Some(1));

    let sent = server.requests();
    assert_eq!(
        sent.len(),
        2,
        "a 503 is retried for an operation that may repeat"
    );
    for request in &sent {
        assert_eq!(request.method, "POST");
        assert_eq!(
            request.target,
            "/api/v1/data-collection/datasets/d1/datapoints"
        );
        assert_eq!(request.header("content-type"), Some("application/x-ndjson"));
        assert_eq!(
            String::from_utf8_lossy(&request.body),
            "{\"answer_a\":\"Let me help.\\nGladly.\",\"question\":\"Which answer is kinder?\"}\n\
             {\"question\":\"Which is clearer?\",\"rating\":4}\n"
        );
    }
}
