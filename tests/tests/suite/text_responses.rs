//! An operation whose success is text (a CSV export), possibly beside JSON: what the SDK asks
//! for on the wire, the text read under the client's cap, the same text streamed whole to a
//! writer past the cap, and the JSON answer the same operation gives with other parameters.
//!
//! The study export (`export-study`) is the spec's operation of that shape; every operation of
//! it is also called by `operations.rs` with the spec's examples.

// The study export is deprecated (Prolific replaced it), and sent until it is removed: its
// shape, text beside JSON, is what is tested here.
#![allow(deprecated)]

use crate::common;

use prolific_sdk::types::ExportStudyMethod;
use prolific_sdk::{Client, Error, Text, TextOr};
use prolific_sdk_tests::{Canned, Loopback};

/// A small export, as Prolific sends one.
const CSV: &str = "Submission id,Participant id,Status\n\
                   5e9b9c9b0f9c9a0001b1ca80,5e9b9c9b0f9c9a0001b0b1f4,APPROVED\n";

fn capped(server: &Loopback, bytes: usize) -> Client {
    Client::builder()
        .token(common::TOKEN)
        .base_url(server.url())
        .max_response_bytes(bytes)
        .build()
        .expect("a loopback client builds")
}

/// An export of `rows` rows, each of them distinct.
fn large_csv(rows: usize) -> String {
    let mut csv = String::from("Submission id,Participant id,Status\n");
    for row in 0..rows {
        csv.push_str(&format!("s{row:08},p{row:08},APPROVED\n"));
    }
    csv
}

/// The export of study `s1` through `client`, which the tests' servers answer with CSV.
async fn csv_export(client: &Client) -> Text {
    let answer = client.export_study().id("s1").send().await.unwrap();
    answer
        .into_inner()
        .into_text()
        .expect("a CSV answer is text")
}

#[tokio::test]
async fn the_export_asks_for_csv_and_json_and_reads_the_csv_as_text() {
    let server = Loopback::start(vec![Canned::raw(200, "text/csv; charset=utf-8", CSV)]).await;
    let answer = common::client(&server)
        .export_study()
        .id("s 1")
        .send()
        .await
        .unwrap();
    assert_eq!(answer.status().as_u16(), 200);
    let TextOr::Text(text) = answer.into_inner() else {
        panic!("a CSV answer is text");
    };
    assert_eq!(text.content_type(), Some("text/csv; charset=utf-8"));
    assert_eq!(text.text().await.unwrap(), CSV);

    let sent = &server.requests()[0];
    assert_eq!(sent.target, "/api/v1/studies/s%201/export/");
    // Both types the SDK reads, so a server that honours `Accept` sends either.
    assert_eq!(sent.header("accept"), Some("text/csv, application/json"));
}

#[tokio::test]
async fn with_method_email_the_status_object_decodes() {
    let status = serde_json::json!({"status": "Your export should arrive shortly."});
    let server = Loopback::start(vec![Canned::json(200, &status)]).await;
    let answer = common::client(&server)
        .export_study()
        .id("s1")
        .method(ExportStudyMethod::Email)
        .send()
        .await
        .unwrap()
        .into_inner();
    let TextOr::Json(emailed) = answer else {
        panic!("a JSON answer is decoded");
    };
    assert_eq!(
        emailed.status.as_deref(),
        Some("Your export should arrive shortly.")
    );
    assert_eq!(
        server.requests()[0].target,
        "/api/v1/studies/s1/export/?method=EMAIL"
    );
}

#[tokio::test]
async fn an_export_over_the_cap_fails_the_bounded_read_with_what_to_do() {
    let csv = large_csv(2_000);
    let server = Loopback::start(vec![
        Canned::raw(200, "text/csv", csv.clone()),
        Canned::raw(200, "text/csv", csv),
    ])
    .await;
    let client = capped(&server, 1_024);
    for read in ["text", "bytes"] {
        let text = csv_export(&client).await;
        let error = match read {
            "text" => text.text().await.map(drop).unwrap_err(),
            _ => text.bytes().await.map(drop).unwrap_err(),
        };
        assert!(matches!(error, Error::Decode(_)), "{error:?}");
        assert_eq!(error.status().map(|s| s.as_u16()), Some(200));
        assert_eq!(
            error.to_string(),
            "200 OK: the body is larger than the client's cap of 1024 bytes; raise it with \
             ClientBuilder::max_response_bytes, or stream it with Text::write_to"
        );
    }
}

#[tokio::test]
async fn an_export_over_the_cap_streams_whole_to_a_writer() {
    let csv = large_csv(20_000);
    assert!(csv.len() > 400_000);
    let server = Loopback::start(vec![Canned::raw(200, "text/csv", csv.clone())]).await;
    let text = csv_export(&capped(&server, 1_024)).await;
    let mut written = Vec::new();
    let count = text.write_to(&mut written).await.unwrap();
    assert_eq!(count, csv.len() as u64);
    assert_eq!(written, csv.as_bytes());
}

#[tokio::test]
async fn a_writer_that_fails_ends_the_export_with_one_line_and_the_status() {
    /// A writer whose every write fails, as a full disk does.
    struct Full;
    impl tokio::io::AsyncWrite for Full {
        fn poll_write(
            self: std::pin::Pin<&mut Self>,
            _: &mut std::task::Context<'_>,
            _: &[u8],
        ) -> std::task::Poll<std::io::Result<usize>> {
            std::task::Poll::Ready(Err(std::io::Error::other("no space left on device")))
        }
        fn poll_flush(
            self: std::pin::Pin<&mut Self>,
            _: &mut std::task::Context<'_>,
        ) -> std::task::Poll<std::io::Result<()>> {
            std::task::Poll::Ready(Ok(()))
        }
        fn poll_shutdown(
            self: std::pin::Pin<&mut Self>,
            _: &mut std::task::Context<'_>,
        ) -> std::task::Poll<std::io::Result<()>> {
            std::task::Poll::Ready(Ok(()))
        }
    }
    let server = Loopback::start(vec![Canned::raw(200, "text/csv", CSV)]).await;
    let text = csv_export(&common::client(&server)).await;
    let error = text.write_to(&mut Full).await.unwrap_err();
    assert_eq!(error.status().map(|s| s.as_u16()), Some(200));
    assert_eq!(
        error.to_string(),
        "200 OK: the body could not be written to the writer given (no space left on device); \
         fix the writer (a full disk, a closed pipe), then send the request again"
    );
    assert!(!format!("{error:?}").contains(common::TOKEN));
}

#[tokio::test]
async fn an_error_status_of_the_export_reads_prolifics_error_body() {
    let body = serde_json::json!({"error": {"status": 404, "error_code": 140404,
        "title": "Not found", "detail": "No such study."}});
    let server = Loopback::start(vec![Canned::json(404, &body)]).await;
    let error = common::client(&server)
        .export_study()
        .id("s1")
        .send()
        .await
        .unwrap_err();
    assert_eq!(
        error.to_string(),
        "404 Not Found: No such study. (error_code 140404)"
    );
}
