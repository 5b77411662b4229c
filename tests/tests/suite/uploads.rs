//! A `multipart/form-data` upload on the wire (`uploadFilesToBatch`, the generator's shape in
//! xtask/src/generate/rewrite/form.rs): what the server receives is parsed by `multer`, a maintained
//! multipart parser, not by the tests: each part's name, file name, content type and bytes.
//! Files stream from a path or a reader; a large one goes whole, with its length, under a
//! response cap far smaller than it; an error status reads Prolific's error body; a file that
//! cannot be opened is refused before sending; a streamed body is never sent twice.

// The multipart upload is deprecated (Prolific now takes files at a pre-signed URL), and sent
// until it is removed: its shape, a form streamed part by part, is what is tested here.
#![allow(deprecated)]

use crate::common;

use prolific_sdk::{Client, Error, FilePart};
use prolific_sdk_tests::{Canned, Loopback, Recorded};
use tokio::io::AsyncWriteExt;

/// One part as `multer` read it.
#[derive(Debug, PartialEq)]
struct Part {
    name: String,
    file_name: Option<String>,
    content_type: Option<String>,
    bytes: Vec<u8>,
}

/// The parts of a recorded request, read by `multer` with the boundary of its `Content-Type`.
async fn parts(request: &Recorded) -> Vec<Part> {
    let content_type = request.header("content-type").expect("a content type");
    assert!(
        content_type.starts_with("multipart/form-data; boundary="),
        "{content_type}"
    );
    let boundary = multer::parse_boundary(content_type).expect("a boundary");
    let mut form = multer::Multipart::with_reader(&request.body[..], boundary);
    let mut found = Vec::new();
    while let Some(field) = form.next_field().await.expect("a well-formed part") {
        let name = field.name().expect("a named part").to_string();
        let file_name = field.file_name().map(str::to_string);
        let content_type = field.content_type().map(|m| m.to_string());
        let bytes = field.bytes().await.expect("the part's bytes").to_vec();
        found.push(Part {
            name,
            file_name,
            content_type,
            bytes,
        });
    }
    found
}

fn client(server: &Loopback) -> Client {
    common::client(server)
}

const DATASET: &str = "0192a3b4-c5d6";

#[tokio::test]
async fn each_file_is_a_part_named_files_with_its_file_name_type_and_bytes() {
    let dir = tempfile::tempdir().unwrap();
    let csv = dir.path().join("answers.csv");
    std::fs::write(&csv, "prompt,answer\nWhat is 2+2?,4\n").unwrap();
    let server = Loopback::start(vec![Canned::raw(200, "application/json", "")]).await;

    let sent = client(&server)
        .upload_files_to_batch()
        .dataset_id(DATASET)
        .files([
            FilePart::from_path(&csv).content_type("text/csv"),
            FilePart::from_reader(&b"free notes\n"[..], "notes.txt").content_type("text/plain"),
        ])
        .send()
        .await;
    assert!(sent.is_ok(), "{sent:?}");

    let requests = server.requests();
    assert_eq!(requests.len(), 1);
    let request = &requests[0];
    assert_eq!(request.method, "POST");
    assert_eq!(
        request.target,
        "/api/v1/data-collection/datasets/0192a3b4-c5d6/upload"
    );
    assert_eq!(
        request.header("authorization"),
        Some(&*format!("Token {}", common::TOKEN))
    );
    assert_eq!(
        parts(request).await,
        [
            Part {
                name: "files".into(),
                file_name: Some("answers.csv".into()),
                content_type: Some("text/csv".into()),
                bytes: b"prompt,answer\nWhat is 2+2?,4\n".to_vec(),
            },
            Part {
                name: "files".into(),
                file_name: Some("notes.txt".into()),
                content_type: Some("text/plain".into()),
                bytes: b"free notes\n".to_vec(),
            },
        ]
    );
}

/// A file many times the client's response cap streams whole: the cap is on what the SDK
/// reads, never on what it sends. Its length is read from the file, so the request states
/// it. (Memory is not measured here: the file is streamed by `FilePart`, see sdk/src/upload.rs.)
#[tokio::test]
async fn a_file_far_larger_than_the_cap_uploads_whole_with_its_length() {
    const SIZE: usize = 48 * 1024 * 1024;
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("large.bin");
    let pattern = |i: usize| (i % 251) as u8;
    {
        let mut file = tokio::fs::File::create(&path).await.unwrap();
        // A MiB at a time, each byte the pattern at its offset in the file.
        for start in (0..SIZE).step_by(1024 * 1024) {
            let chunk: Vec<u8> = (start..start + 1024 * 1024).map(pattern).collect();
            file.write_all(&chunk).await.unwrap();
        }
        file.flush().await.unwrap();
    }
    let server = Loopback::start(vec![Canned::raw(200, "application/json", "")]).await;
    let client = Client::builder()
        .token(common::TOKEN)
        .base_url(server.url())
        .max_response_bytes(1024)
        .build()
        .unwrap();

    let sent = client
        .upload_files_to_batch()
        .dataset_id(DATASET)
        .files([FilePart::from_path(&path)])
        .send()
        .await;
    assert!(sent.is_ok(), "{sent:?}");

    let request = &server.requests()[0];
    let stated: usize = request
        .header("content-length")
        .expect("the length of every part is known")
        .parse()
        .unwrap();
    assert_eq!(stated, request.body.len());
    assert!(request.body.len() > SIZE);
    let parts = parts(request).await;
    assert_eq!(parts.len(), 1);
    let part = &parts[0];
    assert_eq!(part.file_name.as_deref(), Some("large.bin"));
    assert_eq!(
        part.content_type.as_deref(),
        Some("application/octet-stream")
    );
    assert_eq!(part.bytes.len(), SIZE);
    assert!(part.bytes.iter().enumerate().all(|(i, b)| *b == pattern(i)));
}

#[tokio::test]
async fn an_error_status_reads_prolifics_error_body() {
    let body = serde_json::json!({"error": {
        "status": 400, "error_code": 140100, "title": "Bad request",
        "detail": "No files were provided."
    }});
    let server = Loopback::start(vec![Canned::json(400, &body)]).await;
    let error = client(&server)
        .upload_files_to_batch()
        .dataset_id(DATASET)
        .files([FilePart::from_reader(&b""[..], "empty.csv")])
        .send()
        .await
        .unwrap_err();
    assert_eq!(error.status().map(|s| s.as_u16()), Some(400));
    assert_eq!(error.prolific_error().map(|e| e.error_code), Some(140100));
    assert_eq!(
        error.to_string(),
        "400 Bad Request: No files were provided. (error_code 140100)"
    );
}

#[tokio::test]
async fn a_file_that_cannot_be_opened_is_refused_before_sending() {
    let server = Loopback::start(vec![Canned::raw(200, "application/json", "")]).await;
    let dir = tempfile::tempdir().unwrap();
    let missing = dir.path().join("missing.csv");
    let error = client(&server)
        .upload_files_to_batch()
        .dataset_id(DATASET)
        .files([FilePart::from_path(&missing)])
        .send()
        .await
        .unwrap_err();
    let Error::Validation(refusal) = &error else {
        panic!("not a validation error: {error:?}");
    };
    let message = refusal.message();
    assert!(
        message.starts_with(&format!(
            "file part `files`: cannot open {}: ",
            missing.display()
        )),
        "{message}"
    );
    assert!(!message.contains('\n') && !message.contains(common::TOKEN));
    assert!(server.requests().is_empty());
}

/// A streamed body cannot be replayed: the upload is sent once, even after a 429 that any
/// other operation sends again (tests/tests/suite/operations.rs).
#[tokio::test]
async fn an_upload_is_sent_once_even_when_rate_limited() {
    let limited = Canned::json(429, &serde_json::json!({"message": "slow down"}))
        .with_header("retry-after", "0");
    let server = Loopback::start(vec![limited, Canned::raw(200, "application/json", "")]).await;
    let error = client(&server)
        .upload_files_to_batch()
        .dataset_id(DATASET)
        .files([FilePart::from_reader(&b"a,b\n"[..], "a.csv")])
        .send()
        .await
        .unwrap_err();
    assert_eq!(error.status().map(|s| s.as_u16()), Some(429));
    assert_eq!(server.requests().len(), 1);
}
