//! What the SDK logs through `tracing`: the events of a call, and that no study token or claim
//! reaches a log line. Every test that installs a subscriber is here, in a test binary of its
//! own (the rest share `suite/`): tracing caches which callsites are enabled process-wide, and
//! tests that run beside these without a subscriber would make them miss events.

use std::sync::{Arc, Mutex};
use std::time::{Duration, SystemTime};

use prolific_sdk_tests::{Canned, Loopback};

mod common;

use common::study_tokens::{Key, KeyServer, claims, hs256, with, with_flipped_signature_byte};
use common::{TOKEN, client, create, created};
use serde_json::json;

/// A `tracing` writer that keeps everything written to it.
#[derive(Clone, Default)]
struct Captured(Arc<Mutex<Vec<u8>>>);

impl std::io::Write for Captured {
    fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(bytes);
        Ok(bytes.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// A subscriber for this thread, at `level`, writing to the returned capture; `close` also
/// writes a line when a span closes, with its fields.
fn capture(level: tracing::Level, close: bool) -> (Captured, tracing::subscriber::DefaultGuard) {
    use tracing_subscriber::fmt::format::FmtSpan;
    let logs = Captured::default();
    let subscriber = tracing_subscriber::fmt()
        .with_max_level(level)
        .with_ansi(false)
        .with_span_events(if close { FmtSpan::CLOSE } else { FmtSpan::NONE })
        .with_writer({
            let logs = logs.clone();
            move || logs.clone()
        })
        .finish();
    let guard = tracing::subscriber::set_default(subscriber);
    (logs, guard)
}

#[tokio::test]
async fn each_attempt_is_traced_without_token_or_body() {
    let (logs, _guard) = capture(tracing::Level::DEBUG, false);

    let server = Loopback::start(vec![
        Canned::json(429, &serde_json::json!({"message": "slow down"}))
            .with_header("retry-after", "0"),
        created(),
    ])
    .await;
    create(&client(&server)).await.unwrap();

    let text = String::from_utf8(logs.0.lock().unwrap().clone()).unwrap();
    let attempts: Vec<&str> = text
        .lines()
        .filter(|l| l.contains("prolific request"))
        .collect();
    assert_eq!(attempts.len(), 2, "{text}");
    for (line, (attempt, status)) in attempts.iter().zip([(1, 429), (2, 201)]) {
        assert!(
            line.contains("operation=\"create-participant-group\""),
            "{line}"
        );
        assert!(line.contains("method=POST"), "{line}");
        assert!(
            line.contains("path_template=\"/api/v1/participant-groups/\""),
            "{line}"
        );
        assert!(line.contains(&format!("attempt={attempt}")), "{line}");
        assert!(line.contains(&format!("status={status}")), "{line}");
        assert!(line.contains("elapsed_ms="), "{line}");
    }
    assert!(text.contains("retrying a transient failure"), "{text}");
    assert!(!text.contains(TOKEN), "{text}");
    assert!(
        !text.contains("Group 1"),
        "no request body in the logs: {text}"
    );
    assert!(
        !text.contains("slow down"),
        "no response body in the logs: {text}"
    );
}

#[tokio::test]
async fn each_call_is_one_span_with_its_operation_template_attempt_and_status() {
    let (logs, _guard) = capture(tracing::Level::DEBUG, true);

    let server = Loopback::start(vec![
        Canned::json(429, &serde_json::json!({"message": "slow down"}))
            .with_header("retry-after", "0"),
        Canned::json(200, &serde_json::json!({"id": "g 1/a", "name": "Group 1"})),
    ])
    .await;
    client(&server)
        .get_participant_group()
        .id("g 1/a")
        .send()
        .await
        .unwrap();

    let text = String::from_utf8(logs.0.lock().unwrap().clone()).unwrap();
    let closed: Vec<&str> = text.lines().filter(|l| l.contains("close")).collect();
    assert_eq!(closed.len(), 1, "one span per call: {text}");
    let span = closed[0];
    for field in [
        "prolific_call{",
        "operation=\"get-participant-group\"",
        "method=GET",
        "path_template=\"/api/v1/participant-groups/{id}/\"",
        "attempt=2",
        "status=200",
    ] {
        assert!(span.contains(field), "{field} in {span}");
    }
    // Each attempt's event is inside the span.
    let inside = text
        .lines()
        .filter(|l| l.contains("prolific_call{") && l.contains("prolific request"))
        .count();
    assert_eq!(inside, 2, "{text}");
    assert!(!text.contains(TOKEN), "{text}");
    // The template, never the path: an id stays out of the logs.
    assert!(!text.contains("g%201"), "{text}");
}

#[tokio::test]
async fn a_deprecated_operation_is_warned_about_once_and_its_headers_read() {
    use prolific_sdk::DeprecationNotice as _;

    let (logs, _guard) = capture(tracing::Level::WARN, false);

    let instructions = serde_json::json!({"results": []});
    let answer = || {
        Canned::json(200, &instructions)
            .with_header("deprecation", "@1767225600")
            .with_header("sunset", "Wed, 01 Jul 2026 00:00:00 GMT")
    };
    let server = Loopback::start(vec![answer(), answer()]).await;
    let client = client(&server);
    for _ in 0..2 {
        let read = client
            .get_task_builder_instructions()
            .batch_id("b1")
            .send()
            .await
            .unwrap();
        assert_eq!(read.deprecation(), Some("@1767225600"));
        assert_eq!(read.sunset(), Some("Wed, 01 Jul 2026 00:00:00 GMT"));
    }
    let text = String::from_utf8(logs.0.lock().unwrap().clone()).unwrap();
    let warnings: Vec<&str> = text
        .lines()
        .filter(|l| l.contains("marks this operation deprecated"))
        .collect();
    assert_eq!(warnings.len(), 1, "once per operation: {text}");
    assert!(
        warnings[0].contains("operation=\"get_task_builder_instructions\""),
        "{text}"
    );
    assert!(
        warnings[0].contains("sunset=\"Wed, 01 Jul 2026 00:00:00 GMT\""),
        "{text}"
    );
}

#[tokio::test]
async fn no_refusal_or_log_line_holds_the_token_or_a_claim() {
    let (captured, _guard) = capture(tracing::Level::TRACE, false);
    let key_a = Key::new("key-a");

    let keys = KeyServer::start(&[&key_a]).await;
    let verifier = keys.verifier();
    let now = SystemTime::now();
    let good = key_a.sign(&claims(now));
    let refused = [
        with_flipped_signature_byte(&good),
        key_a.sign(&with(
            claims(now),
            "/prolific/workspace_id",
            json!("another"),
        )),
        key_a.sign(&with(claims(now), "/aud", json!("https://pid-7.example"))),
        hs256(&key_a.kid, &claims(now), &key_a.public_der()),
        Key::new("key-c").sign(&claims(now)),
    ];
    let mut lines = Vec::new();
    for token in &refused {
        let error = verifier.verify_at(token, now).await.unwrap_err();
        lines.push(format!("{error} / {error:?}"));
    }
    // A fetch that fails after a day, logged as a warning.
    *keys.keys.lock().unwrap() = json!({"not": "a key set"});
    let day_later = now + Duration::from_secs(24 * 60 * 60 + 1);
    verifier
        .verify_at(&key_a.sign(&claims(day_later)), day_later)
        .await
        .unwrap();
    lines.push(format!("{verifier:?}"));
    let log = String::from_utf8(captured.0.lock().unwrap().clone()).unwrap();
    assert!(log.contains("WARN"), "{log}");
    lines.push(log);

    for line in &lines {
        for token in refused.iter().chain([&good]) {
            for part in token.split('.').filter(|part| part.len() > 8) {
                assert!(!line.contains(part), "{line}");
            }
        }
        for claim in ["pid-7", "session-9", "study-3", TOKEN] {
            assert!(!line.contains(claim), "{claim} in {line}");
        }
    }
}
