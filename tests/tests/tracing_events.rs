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

#[tokio::test]
async fn each_attempt_is_traced_without_token_or_body() {
    let logs = Captured::default();
    let subscriber = tracing_subscriber::fmt()
        .with_max_level(tracing::Level::DEBUG)
        .with_ansi(false)
        .with_writer({
            let logs = logs.clone();
            move || logs.clone()
        })
        .finish();
    let _guard = tracing::subscriber::set_default(subscriber);

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
            line.contains("operation=\"create_participant_group\""),
            "{line}"
        );
        assert!(line.contains("method=POST"), "{line}");
        assert!(line.contains("path=/api/v1/participant-groups/"), "{line}");
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
