//! A success the spec declares as text (the study export's CSV) is mocked as text, with a
//! reply setter of its own (`ok_csv`), beside the JSON reply of the same operation.
// The study export is deprecated (Prolific replaced it), and sent until it is removed: its
// shape, text beside JSON, is what is tested here.
#![allow(deprecated)]

mod common;
use common::client_of;
use prolific_sdk::TextOr;
use prolific_sdk::types::{ExportStudyMethod, ExportStudyResponse};
use prolific_sdk_mock::MockServerExt;
use prolific_sdk_mock::httpmock::MockServer;

const CSV: &str = "Submission id,Participant id\ns1,p1\n";

#[tokio::test]
async fn the_csv_export_is_mocked_as_text_and_the_emailed_one_as_json() {
    let server = MockServer::start_async().await;
    let csv = server.export_study(|when, then| {
        when.id("s1");
        then.ok_csv(CSV);
    });
    let answer = client_of(&server)
        .export_study()
        .id("s1")
        .send()
        .await
        .unwrap();
    let text = answer
        .into_inner()
        .into_text()
        .expect("a CSV answer is text");
    assert_eq!(text.content_type(), Some("text/csv"));
    assert_eq!(text.text().await.unwrap(), CSV);
    csv.assert_async().await;

    let server = MockServer::start_async().await;
    let status: ExportStudyResponse =
        serde_json::from_value(serde_json::json!({"status": "on its way"})).unwrap();
    server.export_study(|when, then| {
        when.id("s1").method(ExportStudyMethod::Email);
        then.ok(&status);
    });
    let answer = client_of(&server)
        .export_study()
        .id("s1")
        .method(ExportStudyMethod::Email)
        .send()
        .await
        .unwrap()
        .into_inner();
    assert!(
        matches!(answer, TextOr::Json(ref s) if *s == status),
        "{answer:?}"
    );
}
