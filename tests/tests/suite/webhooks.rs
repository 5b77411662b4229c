//! `prolific_sdk::webhooks`: a delivery (headers, the body's bytes, the secret) verified and
//! read, or refused with one error per reason, whatever the headers and body hold.
//!
//! The vectors below were computed once outside Rust, with Python's standard library:
//!
//! ```text
//! python3 -c 'import hmac, hashlib, base64
//! print(base64.b64encode(hmac.new(SECRET, TIMESTAMP + BODY, hashlib.sha256).digest()).decode())'
//! ```
//!
//! with `SECRET = b"test-hook-secret-0123456789"`, `TIMESTAMP = b"1700000000"` and each body
//! as written here; the first was checked again with
//! `printf '%s' "$TIMESTAMP$BODY" | openssl dgst -sha256 -hmac "$SECRET" -binary | base64`.

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use base64::Engine as _;
use common::sign_delivery as sign;
use prolific_sdk::reqwest::header::{HeaderMap, HeaderValue};
use prolific_sdk::webhooks::{
    DEFAULT_TOLERANCE, SIGNATURE_HEADER, Secret, TIMESTAMP_HEADER, Verifier, VerifyError,
};
use proptest::prelude::*;

use crate::common;

const SECRET: &str = "test-hook-secret-0123456789";
const TIMESTAMP: &str = "1700000000";
const BODY: &str =
    r#"{"event_type":"study.status.change","resource_id":"60f1a0c2b3d4e5f601234567"}"#;
/// Python's `hmac` (and `openssl dgst`) over `TIMESTAMP + BODY` with `SECRET`.
const SIGNATURE: &str = "RFEEqcq/kZGC1cNiADfz9xBx5QvscM5BHUs6ZwTliKQ=";

/// An event type this SDK has never heard of, with fields no delivery documented has.
const UNKNOWN_BODY: &str = r#"{"event_type":"submission.flagged.for.review","resource_id":"60f1a0c2b3d4e5f601234568","status":"AWAITING REVIEW","extra":{"n":[1,2]}}"#;
const UNKNOWN_SIGNATURE: &str = "0WWaF0fgkNdTxrS6WqNOF/E6074sxIO/5PGUsqxNgLY=";
/// Signed bodies that are not a hook event.
const NOT_JSON: (&str, &str) = ("not json", "KApZBFVHmTh8hRX0Z3fnCU4tO8CbUGReuKHpWk4Pnyw=");
const NO_RESOURCE: (&str, &str) = (
    r#"{"event_type":"study.status.change"}"#,
    "ykPeohanXovbshuGouh+9ZvGZQZh3ERBSl/nvXy3bw4=",
);
const AN_ARRAY: (&str, &str) = ("[1,2]", "CAL8vJC0HKsnF3iMQOrNk6Ck0rBlC/XKMubuU+g3nzQ=");

fn at(seconds: u64) -> SystemTime {
    UNIX_EPOCH + Duration::from_secs(seconds)
}

/// The moment the vectors were sent.
fn sent() -> SystemTime {
    at(1_700_000_000)
}

fn headers(signature: Option<&str>, timestamp: Option<&str>) -> HeaderMap {
    let mut headers = HeaderMap::new();
    if let Some(signature) = signature {
        headers.insert(SIGNATURE_HEADER, HeaderValue::from_str(signature).unwrap());
    }
    if let Some(timestamp) = timestamp {
        headers.insert(TIMESTAMP_HEADER, HeaderValue::from_str(timestamp).unwrap());
    }
    headers
}

fn signed(signature: &str) -> HeaderMap {
    headers(Some(signature), Some(TIMESTAMP))
}

fn verifier() -> Verifier {
    Verifier::new(Secret::new(SECRET))
}

fn one_line(error: &VerifyError) -> String {
    let line = error.to_string();
    assert!(!line.contains('\n'), "{line}");
    assert!(!line.contains(SECRET), "{line}");
    line
}

#[test]
fn the_known_vector_verifies_and_reads_as_its_event() {
    // The tests' own signer agrees with Python's, so the other deliveries are signed right.
    assert_eq!(sign(SECRET, TIMESTAMP, BODY.as_bytes()), SIGNATURE);
    let event = verifier()
        .verify_at(&signed(SIGNATURE), BODY.as_bytes(), sent())
        .expect("the vector verifies");
    assert_eq!(event.event_type, "study.status.change");
    assert_eq!(event.resource_id, "60f1a0c2b3d4e5f601234567");
    assert_eq!(event.sent_at, sent());
    assert_eq!(
        event.payload,
        serde_json::from_str::<serde_json::Value>(BODY).unwrap()
    );
}

#[test]
fn an_unknown_event_type_with_unknown_fields_is_accepted() {
    let event = verifier()
        .verify_at(&signed(UNKNOWN_SIGNATURE), UNKNOWN_BODY.as_bytes(), sent())
        .expect("a new event type is still an event");
    assert_eq!(event.event_type, "submission.flagged.for.review");
    assert_eq!(event.resource_id, "60f1a0c2b3d4e5f601234568");
    assert_eq!(event.payload["status"], "AWAITING REVIEW");
    assert_eq!(event.payload["extra"]["n"][1], 2);
}

#[test]
fn a_flipped_byte_in_the_body_is_a_bad_signature() {
    let mut body = BODY.as_bytes().to_vec();
    for index in [0, body.len() / 2, body.len() - 1] {
        body[index] ^= 0x01;
        let error = verifier()
            .verify_at(&signed(SIGNATURE), &body, sent())
            .unwrap_err();
        assert!(matches!(error, VerifyError::BadSignature), "{error:?}");
        body[index] ^= 0x01;
    }
}

#[test]
fn a_flipped_bit_in_the_signature_or_another_timestamp_is_a_bad_signature() {
    let mut tag = base64::engine::general_purpose::STANDARD
        .decode(SIGNATURE)
        .unwrap();
    tag[31] ^= 0x80;
    let flipped = base64::engine::general_purpose::STANDARD.encode(&tag);
    let error = verifier()
        .verify_at(&signed(&flipped), BODY.as_bytes(), sent())
        .unwrap_err();
    assert!(matches!(error, VerifyError::BadSignature), "{error:?}");

    // The timestamp is signed too: the same signature one second later does not hold.
    let error = verifier()
        .verify_at(
            &headers(Some(SIGNATURE), Some("1700000001")),
            BODY.as_bytes(),
            sent(),
        )
        .unwrap_err();
    assert!(matches!(error, VerifyError::BadSignature), "{error:?}");
}

#[test]
fn a_wrong_secret_is_a_bad_signature_that_says_what_to_check() {
    let error = Verifier::new(Secret::new("test-hook-secret-0123456780"))
        .verify_at(&signed(SIGNATURE), BODY.as_bytes(), sent())
        .unwrap_err();
    assert!(matches!(error, VerifyError::BadSignature), "{error:?}");
    let line = one_line(&error);
    assert!(line.contains("secret"), "{line}");
    assert!(line.contains("byte for byte"), "{line}");
}

#[test]
fn a_body_re_serialised_with_other_whitespace_fails() {
    let value: serde_json::Value = serde_json::from_str(BODY).unwrap();
    for body in [
        serde_json::to_string_pretty(&value).unwrap(),
        BODY.replace(':', ": ").replace(',', ", "),
        format!("{BODY}\n"),
    ] {
        assert_eq!(
            serde_json::from_str::<serde_json::Value>(&body).unwrap(),
            value
        );
        let error = verifier()
            .verify_at(&signed(SIGNATURE), body.as_bytes(), sent())
            .unwrap_err();
        assert!(matches!(error, VerifyError::BadSignature), "{error:?}");
    }
}

#[test]
fn a_stale_delivery_is_refused_beyond_the_tolerance_and_accepted_within() {
    let five_minutes = Duration::from_secs(300);
    assert_eq!(DEFAULT_TOLERANCE, five_minutes);
    // Exactly the tolerance old: still accepted.
    verifier()
        .verify_at(&signed(SIGNATURE), BODY.as_bytes(), sent() + five_minutes)
        .expect("at the edge of the tolerance");
    let error = verifier()
        .verify_at(
            &signed(SIGNATURE),
            BODY.as_bytes(),
            sent() + five_minutes + Duration::from_secs(1),
        )
        .unwrap_err();
    let VerifyError::Stale { age, tolerance } = &error else {
        panic!("{error:?}")
    };
    assert_eq!((*age, *tolerance), (Duration::from_secs(301), five_minutes));
    let line = one_line(&error);
    assert!(line.contains("301 s") && line.contains("300 s"), "{line}");

    // A caller's tolerance replaces the default.
    let strict = verifier().tolerance(Duration::from_secs(10));
    let error = strict
        .verify_at(&signed(SIGNATURE), BODY.as_bytes(), at(1_700_000_011))
        .unwrap_err();
    assert!(matches!(error, VerifyError::Stale { .. }), "{error:?}");
    strict
        .verify_at(&signed(SIGNATURE), BODY.as_bytes(), at(1_700_000_010))
        .expect("within the caller's tolerance");
}

#[test]
fn a_delivery_from_the_future_is_refused_beyond_the_tolerance() {
    let error = verifier()
        .verify_at(&signed(SIGNATURE), BODY.as_bytes(), at(1_699_999_699))
        .unwrap_err();
    let VerifyError::FromTheFuture { ahead, tolerance } = &error else {
        panic!("{error:?}")
    };
    assert_eq!(
        (*ahead, *tolerance),
        (Duration::from_secs(301), DEFAULT_TOLERANCE)
    );
    assert!(one_line(&error).contains("clock"));
    verifier()
        .verify_at(&signed(SIGNATURE), BODY.as_bytes(), at(1_699_999_700))
        .expect("a clock 300 s behind is within the tolerance");
}

#[test]
fn a_missing_header_is_named() {
    for (headers, missing) in [
        (headers(None, Some(TIMESTAMP)), SIGNATURE_HEADER),
        (headers(Some(SIGNATURE), None), TIMESTAMP_HEADER),
        (headers(None, None), SIGNATURE_HEADER),
    ] {
        let error = verifier()
            .verify_at(&headers, BODY.as_bytes(), sent())
            .unwrap_err();
        let VerifyError::MissingHeader { header } = &error else {
            panic!("{error:?}")
        };
        assert_eq!(*header, missing);
        assert!(one_line(&error).to_lowercase().contains(missing));
    }
}

#[test]
fn malformed_headers_are_refused_without_echoing_them() {
    for signature in [
        "",
        "not base64!",
        "RFEEqcq/kZGC1cNiADfz9xBx5QvscM5BHUs6ZwTliKQ", // unpadded
        "RFEEqcq_kZGC1cNiADfz9xBx5QvscM5BHUs6ZwTliKQ=", // URL-safe alphabet
        "RFEEqcq/kZGC1cNiADfz9xBx5QvscM5BHUs6ZwTl",    // 30 bytes
        "sha256=RFEEqcq/kZGC1cNiADfz9xBx5QvscM5BHUs6ZwTliKQ=",
    ] {
        let error = verifier()
            .verify_at(&signed(signature), BODY.as_bytes(), sent())
            .unwrap_err();
        assert!(
            matches!(error, VerifyError::MalformedSignature),
            "{signature}: {error:?}"
        );
        assert!(one_line(&error).to_lowercase().contains(SIGNATURE_HEADER));
    }
    for timestamp in [
        "",
        "soon",
        "-1700000000",
        "1700000000.5x",
        "17e8",
        "99999999999999999999999",
    ] {
        let error = verifier()
            .verify_at(
                &headers(Some(SIGNATURE), Some(timestamp)),
                BODY.as_bytes(),
                sent(),
            )
            .unwrap_err();
        assert!(
            matches!(error, VerifyError::MalformedTimestamp),
            "{timestamp}: {error:?}"
        );
        let line = one_line(&error);
        assert!(line.to_lowercase().contains(TIMESTAMP_HEADER), "{line}");
        assert!(timestamp.is_empty() || !line.contains(timestamp), "{line}");
    }
    // Bytes that are not text at all.
    let mut bytes = HeaderMap::new();
    bytes.insert(
        SIGNATURE_HEADER,
        HeaderValue::from_bytes(b"\xff\xfe").unwrap(),
    );
    bytes.insert(TIMESTAMP_HEADER, HeaderValue::from_static(TIMESTAMP));
    let error = verifier()
        .verify_at(&bytes, BODY.as_bytes(), sent())
        .unwrap_err();
    assert!(
        matches!(error, VerifyError::MalformedSignature),
        "{error:?}"
    );
}

#[test]
fn a_signed_body_that_is_not_an_event_is_undecodable_and_not_echoed() {
    for (body, signature) in [NOT_JSON, NO_RESOURCE, AN_ARRAY] {
        let error = verifier()
            .verify_at(&signed(signature), body.as_bytes(), sent())
            .unwrap_err();
        assert!(
            matches!(error, VerifyError::UndecodableBody { .. }),
            "{body}: {error:?}"
        );
        let line = one_line(&error);
        assert!(!line.contains(body), "{line}");
    }
    let error = verifier()
        .verify_at(&signed(NO_RESOURCE.1), NO_RESOURCE.0.as_bytes(), sent())
        .unwrap_err();
    assert!(error.to_string().contains("resource_id"), "{error}");
}

#[test]
fn an_unsigned_body_is_never_read() {
    // Not JSON and not signed: the signature is what fails, the body is not looked at.
    let error = verifier()
        .verify_at(&signed(SIGNATURE), b"not json", sent())
        .unwrap_err();
    assert!(matches!(error, VerifyError::BadSignature), "{error:?}");
}

#[test]
fn the_secret_never_shows_in_debug_or_display() {
    let secret = Secret::new(SECRET);
    let verifier = Verifier::new(secret.clone()).tolerance(Duration::from_secs(60));
    for shown in [
        format!("{secret:?}"),
        format!("{secret:#?}"),
        format!("{verifier:?}"),
        format!("{verifier:#?}"),
    ] {
        assert!(!shown.contains(SECRET), "{shown}");
        assert!(!shown.contains("0123456789"), "{shown}");
    }
    assert_eq!(format!("{secret:?}"), "Secret(<redacted>)");
    assert!(format!("{verifier:?}").contains("60s"));
}

proptest! {
    /// Hostile headers and bodies give an error, never a panic, and the error's line never
    /// holds the secret.
    #[test]
    fn any_delivery_is_an_event_or_an_error(
        signature in proptest::option::of("[ -~]{0,64}"),
        timestamp in proptest::option::of("[ -~]{0,24}"),
        body in proptest::collection::vec(any::<u8>(), 0..256),
        now in 0u64..4_000_000_000,
    ) {
        let headers = headers(signature.as_deref(), timestamp.as_deref());
        if let Err(error) = verifier().verify_at(&headers, &body, at(now)) {
            one_line(&error);
        }
    }

    /// Any body signed with the secret at a time within the tolerance verifies, or is
    /// refused only for what the body holds.
    #[test]
    fn any_signed_body_passes_the_signature(
        body in proptest::collection::vec(any::<u8>(), 0..256),
        skew in 0u64..=300,
    ) {
        let signature = sign(SECRET, TIMESTAMP, &body);
        let result = verifier().verify_at(&signed(&signature), &body, at(1_700_000_000 + skew));
        prop_assert!(
            matches!(result, Ok(_) | Err(VerifyError::UndecodableBody { .. })),
            "{result:?}"
        );
    }
}
