//! Files through pre-signed links (sdk/src/transfer.rs): what a recording server sees of an
//! upload and a download (the URL exactly as given, the file whole, and none of the client's
//! headers: no token), a large file over a slow link outliving the client's total timeout, and
//! the links refused before anything is sent (expired, not https).

use crate::common;

use std::time::Duration;

use prolific_sdk::types::{GetDatasetUploadUrlResponse, GetTaskBuilderBatchReportResponse};
use prolific_sdk::{Client, Error, FilePart};
use prolific_sdk_tests::{Canned, Loopback};
use serde_json::json;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpListener;

/// A storage path and signature whose bytes a normalizing client would rewrite.
const SIGNED: &str = "/bucket/data%20sets/answers.csv?X-Amz-Expires=900&X-Amz-Signature=ab%2Fcd%3D";

fn upload_link(url: &str, expires_at: &str) -> GetDatasetUploadUrlResponse {
    serde_json::from_value(json!({
        "dataset_id": "0192a3b4",
        "upload_url": url,
        "http_method": "PUT",
        "expires_at": expires_at,
        "content_type": "text/csv",
    }))
    .unwrap()
}

fn download_link(url: &str, expires_at: &str) -> GetTaskBuilderBatchReportResponse {
    serde_json::from_value(json!({"url": url, "http_method": "GET", "expires_at": expires_at}))
        .unwrap()
}

const LATER: &str = "2999-01-01T00:00:00Z";

/// A client whose every header would give it away: the token, and a custom HTTP client's
/// default header.
fn client() -> Client {
    let mut headers = reqwest::header::HeaderMap::new();
    headers.insert("x-team-secret", "team-7f2".parse().unwrap());
    Client::builder()
        .token(common::TOKEN)
        .http_client(
            reqwest::Client::builder()
                .default_headers(headers)
                .build()
                .unwrap(),
        )
        .build()
        .unwrap()
}

fn assert_carries_nothing_of_the_client(headers: &[(String, String)]) {
    for (name, value) in headers {
        assert_ne!(name, "authorization");
        assert_ne!(name, "x-team-secret");
        assert!(!value.contains(common::TOKEN), "{name}: {value}");
        assert!(!value.contains("prolific-sdk"), "{name}: {value}");
    }
}

#[tokio::test]
async fn an_upload_arrives_whole_at_the_url_as_given_without_the_token_or_any_client_header() {
    let server = Loopback::start(vec![Canned::raw(200, "text/plain", "")]).await;
    let file = tempfile::NamedTempFile::new().unwrap();
    let bytes: Vec<u8> = (0..3 * 1024 * 1024u32).map(|i| (i % 251) as u8).collect();
    std::fs::write(file.path(), &bytes).unwrap();

    let link = upload_link(&format!("{}{SIGNED}", server.url()), LATER);
    let status = client()
        .upload_to(&link, FilePart::from_path(file.path()))
        .await
        .unwrap();

    assert_eq!(status, 200);
    let sent = &server.requests()[0];
    assert_eq!(sent.method, "PUT");
    assert_eq!(sent.target, SIGNED, "the URL exactly as given");
    assert_eq!(sent.body, bytes, "the file whole");
    assert_eq!(sent.header("content-type"), Some("text/csv"));
    assert_eq!(
        sent.header("content-length"),
        Some(&*bytes.len().to_string())
    );
    assert_carries_nothing_of_the_client(&sent.headers);
}

#[tokio::test]
async fn a_download_streams_to_the_writer_without_the_token_or_any_client_header() {
    let csv = "batch,task,answer\nb1,t1,yes\n".repeat(10_000);
    let server = Loopback::start(vec![Canned::raw(200, "text/csv", csv.clone())]).await;
    let link = download_link(&format!("{}{SIGNED}", server.url()), LATER);
    let mut written = Vec::new();

    let count = client().download_from(&link, &mut written).await.unwrap();

    assert_eq!(count, csv.len() as u64);
    assert_eq!(written, csv.as_bytes());
    let sent = &server.requests()[0];
    assert_eq!(
        (sent.method.as_str(), sent.target.as_str()),
        ("GET", SIGNED)
    );
    assert_carries_nothing_of_the_client(&sent.headers);
}

/// A server that reads an upload slowly (a pause every 64 KiB), counting its bytes, then
/// answers 200 with how many it read.
async fn slow_reader() -> (String, tokio::task::JoinHandle<u64>) {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    let handle = tokio::spawn(async move {
        let (mut socket, _) = listener.accept().await.unwrap();
        let mut head = Vec::new();
        let mut byte = [0u8; 1];
        while !head.ends_with(b"\r\n\r\n") {
            socket.read_exact(&mut byte).await.unwrap();
            head.push(byte[0]);
        }
        let head = String::from_utf8_lossy(&head).to_ascii_lowercase();
        let length: u64 = head
            .lines()
            .find_map(|line| line.strip_prefix("content-length: "))
            .and_then(|value| value.trim().parse().ok())
            .expect("the upload states its length");
        let mut read = 0u64;
        let mut chunk = vec![0u8; 64 * 1024];
        while read < length {
            let n = socket.read(&mut chunk).await.unwrap();
            if n == 0 {
                break;
            }
            read += n as u64;
            tokio::time::sleep(Duration::from_millis(1)).await;
        }
        socket
            .write_all(b"HTTP/1.1 200 OK\r\ncontent-length: 0\r\nconnection: close\r\n\r\n")
            .await
            .unwrap();
        read
    });
    (url, handle)
}

#[tokio::test]
async fn a_file_of_hundreds_of_mib_over_a_slow_link_outlives_the_clients_total_timeout() {
    const SIZE: u64 = 256 * 1024 * 1024;
    let (url, server) = slow_reader().await;
    // One second for a whole API call: the transfer takes several, and only a stall may end it.
    let client = Client::builder()
        .token(common::TOKEN)
        .timeout(Duration::from_secs(1))
        .build()
        .unwrap();
    let file = FilePart::from_reader(tokio::io::repeat(0xAB).take(SIZE), "big.bin").length(SIZE);
    let started = std::time::Instant::now();

    let status = client
        .upload_to(&upload_link(&format!("{url}/big.bin?sig=1"), LATER), file)
        .await
        .unwrap();

    assert_eq!(status, 200);
    assert_eq!(server.await.unwrap(), SIZE, "every byte arrived");
    assert!(
        started.elapsed() > Duration::from_secs(1),
        "the link was slow enough to outlive the total timeout: {:?}",
        started.elapsed()
    );
}

#[tokio::test]
async fn an_expired_link_is_named_and_nothing_is_sent() {
    let server = Loopback::start(vec![Canned::raw(200, "text/plain", "")]).await;
    let link = upload_link(&format!("{}{SIGNED}", server.url()), "2020-01-01T00:00:00Z");

    let error = client()
        .upload_to(&link, FilePart::from_reader(&b"a,b\n"[..], "a.csv"))
        .await
        .unwrap_err();

    let Error::Transfer(transfer) = &error else {
        panic!("{error:?}")
    };
    assert!(transfer.is_expired() && !transfer.was_sent());
    assert_eq!(
        error.to_string(),
        format!(
            "upload to {}/bucket/data%20sets/answers.csv failed: the link has expired, nothing \
             was sent; the link expired at 2020-01-01T00:00:00Z: ask Prolific for a new one",
            server.url()
        )
    );
    assert!(server.requests().is_empty());
}

#[tokio::test]
async fn a_refusal_by_the_links_host_keeps_its_status_and_never_shows_the_signature() {
    let server = Loopback::start(vec![Canned::raw(
        403,
        "application/xml",
        "<Error><Code>AccessDenied</Code></Error>",
    )])
    .await;
    let link = download_link(&format!("{}{SIGNED}", server.url()), LATER);

    let error = client()
        .download_from(&link, &mut Vec::new())
        .await
        .unwrap_err();

    assert_eq!(error.status(), Some(reqwest::StatusCode::FORBIDDEN));
    let line = error.to_string();
    assert!(line.contains("403 Forbidden"), "{line}");
    assert!(line.contains("AccessDenied"), "{line}");
    assert!(!line.contains("Signature") && !line.contains('?'), "{line}");
    assert!(!format!("{error:?}").contains("ab%2Fcd"), "{error:?}");
}

#[tokio::test]
async fn a_plain_http_link_to_another_host_is_refused_before_sending() {
    let link = upload_link("http://storage.example.com/x.csv?sig=1", LATER);
    let error = client()
        .upload_to(&link, FilePart::from_reader(&b"a\n"[..], "x.csv"))
        .await
        .unwrap_err();
    assert_eq!(
        error.to_string(),
        "upload to http://storage.example.com/x.csv failed: the link is not https; allow \
         insecure HTTP on the client to use it, nothing was sent"
    );
}
