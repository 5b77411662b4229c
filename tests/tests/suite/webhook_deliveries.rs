//! What a delivery carries beside its signed body: the event id to deduplicate on
//! (`X-Event-ID`, the same on every redelivery) and the event's timestamp (`X-Timestamp`); the
//! typed event types; and the `Signer` users sign their own test deliveries with.
//!
//! The signer's vector was computed outside Rust, with Python's standard library:
//!
//! ```text
//! python3 -c 'import hmac, hashlib, base64
//! print(base64.b64encode(hmac.new(b"signer-vector-secret", b"1767225600" + BODY,
//!     hashlib.sha256).digest()).decode())'
//! ```

use std::collections::HashSet;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use prolific_sdk::reqwest::header::{HeaderMap, HeaderValue};
use prolific_sdk::webhooks::{
    EVENT_ID_HEADER, EVENT_TIMESTAMP_HEADER, EventType, SIGNATURE_HEADER, Secret, SignError,
    Signer, TIMESTAMP_HEADER, Verifier,
};

const SECRET: &str = "signer-vector-secret";
const BODY: &str =
    r#"{"event_type":"submission.status.change","resource_id":"sub-77","status":"APPROVED"}"#;
const SIGNATURE: &str = "BYSrwJ72L8xb/k2MKMk0d9/MxF+neRLd5MGinzY8Xok=";

fn at(seconds: u64) -> SystemTime {
    UNIX_EPOCH + Duration::from_secs(seconds)
}

fn signer() -> Signer {
    Signer::new(Secret::new(SECRET))
}

fn verifier() -> Verifier {
    Verifier::new(Secret::new(SECRET))
}

#[test]
fn the_signer_agrees_with_an_independent_vector_and_the_verifier() {
    let headers = signer()
        .sign(BODY.as_bytes(), at(1_767_225_600), "evt-0001")
        .unwrap();
    assert_eq!(headers[TIMESTAMP_HEADER], "1767225600");
    assert_eq!(headers[SIGNATURE_HEADER], SIGNATURE);
    assert_eq!(headers[EVENT_ID_HEADER], "evt-0001");

    let event = verifier()
        .verify_at(&headers, BODY.as_bytes(), at(1_767_225_600))
        .unwrap();
    assert_eq!(event.event_id.as_deref(), Some("evt-0001"));
    assert_eq!(event.kind(), EventType::SubmissionStatusChange);

    // Another secret's verifier refuses what this signer signed.
    assert!(
        Verifier::new(Secret::new("another"))
            .verify_at(&headers, BODY.as_bytes(), at(1_767_225_600))
            .is_err()
    );
}

#[test]
fn a_signer_refuses_what_no_header_can_say() {
    let before = UNIX_EPOCH - Duration::from_secs(1);
    assert_eq!(
        signer().sign(b"{}", before, "e").unwrap_err(),
        SignError::BeforeTheEpoch
    );
    let error = signer().sign(b"{}", at(1), "line\nbreak").unwrap_err();
    assert_eq!(error, SignError::EventIdNotAHeader);
    assert!(error.to_string().contains("visible ASCII"), "{error}");
}

#[test]
fn redeliveries_of_one_event_deduplicate_on_its_id() {
    // Prolific redelivers with the same event id, each delivery signed at its own time.
    let deliveries = [
        (at(1_767_225_600), "evt-a"),
        (at(1_767_225_660), "evt-a"),
        (at(1_767_225_700), "evt-b"),
    ];
    let mut seen = HashSet::new();
    let mut handled = Vec::new();
    for (sent_at, id) in deliveries {
        let mut headers = signer().sign(BODY.as_bytes(), sent_at, id).unwrap();
        headers.insert(
            EVENT_TIMESTAMP_HEADER,
            HeaderValue::from_static("2026-01-01T00:00:00Z"),
        );
        let event = verifier()
            .verify_at(&headers, BODY.as_bytes(), sent_at)
            .unwrap();
        assert_eq!(
            event.event_timestamp.as_deref(),
            Some("2026-01-01T00:00:00Z")
        );
        let id = event
            .event_id
            .clone()
            .expect("each delivery names its event");
        if seen.insert(id.clone()) {
            handled.push(id);
        }
    }
    assert_eq!(handled, ["evt-a", "evt-b"]);
}

#[test]
fn an_absent_doubled_or_unreadable_event_id_reads_as_none() {
    let event_id_of = |headers: &mut HeaderMap| {
        verifier()
            .verify_at(headers, BODY.as_bytes(), at(1_767_225_600))
            .unwrap()
            .event_id
    };
    let mut headers = signer()
        .sign(BODY.as_bytes(), at(1_767_225_600), "evt-1")
        .unwrap();
    headers.remove(EVENT_ID_HEADER);
    assert_eq!(event_id_of(&mut headers), None, "absent");
    headers.append(EVENT_ID_HEADER, HeaderValue::from_static("evt-1"));
    headers.append(EVENT_ID_HEADER, HeaderValue::from_static("evt-2"));
    assert_eq!(
        event_id_of(&mut headers),
        None,
        "sent twice: which one is unclear"
    );
    headers.remove(EVENT_ID_HEADER);
    headers.insert(EVENT_ID_HEADER, HeaderValue::from_bytes(&[0xe9]).unwrap());
    assert_eq!(event_id_of(&mut headers), None, "not visible ASCII");
    headers.insert(
        EVENT_ID_HEADER,
        HeaderValue::from_str(&"x".repeat(257)).unwrap(),
    );
    assert_eq!(event_id_of(&mut headers), None, "too long");
}

#[test]
fn documented_event_types_are_variants_and_others_are_kept_by_name() {
    for (name, kind) in [
        (
            "submission.status.change",
            EventType::SubmissionStatusChange,
        ),
        ("study.status.change", EventType::StudyStatusChange),
        ("study.progress.change", EventType::StudyProgressChange),
        (
            "study.has_high_return_rate",
            EventType::StudyHasHighReturnRate,
        ),
    ] {
        assert_eq!(EventType::parse(name), kind);
        assert_eq!(kind.as_str(), name);
        assert_eq!(kind.to_string(), name);
    }
    let new = EventType::parse("submission.flagged.for.review");
    assert!(
        matches!(&new, EventType::Other(other) if other.as_str() == "submission.flagged.for.review")
    );
    assert_eq!(new, EventType::parse("submission.flagged.for.review"));
    assert_ne!(new, EventType::SubmissionStatusChange);
}
