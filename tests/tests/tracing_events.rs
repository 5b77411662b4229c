//! The `tracing` events of a call. Alone in its own test binary: tracing caches which
//! callsites are enabled process-wide, and tests that run beside it without a subscriber
//! would make it miss events.

use std::sync::{Arc, Mutex};

use prolific_sdk_tests::{Canned, Loopback};

mod common;

use common::{TOKEN, client, create, created};

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
