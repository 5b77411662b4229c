//! Verified webhooks: a hook delivery from Prolific (its headers, the body's bytes as received,
//! and the workspace's hook secret) turned into an [`Event`], or refused with a
//! [`VerifyError`] that says why.
//!
//! Prolific signs each delivery: [`SIGNATURE_HEADER`] holds the base64 (standard alphabet,
//! padded) HMAC-SHA256 of the [`TIMESTAMP_HEADER`]'s text followed by the raw body, keyed with
//! the secret. A [`Verifier`]
//! - computes that HMAC over the exact bytes received (never a body parsed and written again:
//!   other whitespace or key order is another message) and compares it in constant time;
//! - refuses a delivery sent longer ago than its tolerance ([`DEFAULT_TOLERANCE`], 5 minutes),
//!   or stamped further ahead of this machine's clock than it, so that a recorded delivery
//!   cannot be replayed later;
//! - reads the body only once the signature holds, as the JSON every delivery carries
//!   (`event_type`, `resource_id`), keeping the whole payload: an event type or a field this
//!   SDK does not know is accepted as it is.
//!
//! ```
//! use prolific_sdk::reqwest::header::HeaderMap;
//! use prolific_sdk::webhooks::{Secret, Verifier, VerifyError};
//!
//! fn receive(headers: &HeaderMap, body: &[u8]) -> Result<(), VerifyError> {
//!     // In a server, build the verifier once (from the environment, say).
//!     let verifier = Verifier::new(Secret::new("the workspace's hook secret"));
//!     let event = verifier.verify(headers, body)?;
//!     println!("{} on {}", event.event_type, event.resource_id);
//!     Ok(())
//! }
//! # assert!(receive(&HeaderMap::new(), b"{}").is_err());
//! ```
//!
//! Neither the secret nor the body is ever logged or printed: [`Secret`] shows as
//! `<redacted>`, and no error line holds a header's value or any part of the body.

use std::fmt;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use base64::Engine as _;
use hmac::{KeyInit, Mac};
use reqwest::header::{HeaderMap, HeaderValue};

/// The header that carries the delivery's signature.
pub const SIGNATURE_HEADER: &str = "x-prolific-request-signature";

/// The header that carries when the delivery was sent, in seconds since the Unix epoch.
pub const TIMESTAMP_HEADER: &str = "x-prolific-request-timestamp";

/// The header that names the event a delivery carries: the same on every redelivery of it, so
/// the id to deduplicate on (delivery is at least once). Not covered by the signature.
pub const EVENT_ID_HEADER: &str = "x-event-id";

/// The header that says when the event a delivery carries was sent (deliveries may arrive out
/// of order). Not covered by the signature.
pub const EVENT_TIMESTAMP_HEADER: &str = "x-timestamp";

/// The longest event id or event timestamp read; a longer header is left unread (`None`).
const MAX_EVENT_HEADER_LEN: usize = 256;

/// How far a delivery's timestamp may be from this machine's clock, either way, unless the
/// [`Verifier`] is given another ([`Verifier::tolerance`]): 5 minutes.
pub const DEFAULT_TOLERANCE: Duration = Duration::from_secs(5 * 60);

/// Base64 of a 32-byte HMAC-SHA256 is 44 characters; a longer header is refused unread.
const MAX_SIGNATURE_LEN: usize = 44;

/// A workspace's hook secret, as created with `POST /api/v1/hooks/secrets/`. It prints as
/// `<redacted>` in `Debug` (as [`Token`](crate::Token) does); the only use of it is the key of
/// the HMAC.
#[derive(Clone, PartialEq, Eq)]
pub struct Secret(String);

impl Secret {
    /// Wraps the secret, exactly as Prolific gave it (its UTF-8 bytes are the HMAC key).
    pub fn new(secret: impl Into<String>) -> Self {
        Self(secret.into())
    }
}

crate::token::redacted_text!(Secret);

/// The hook secret as the API answers it (`SecretDetail::value`), ready to verify with.
impl From<crate::SecretString> for Secret {
    fn from(secret: crate::SecretString) -> Self {
        Self(secret.into_inner())
    }
}

/// Verifies deliveries signed with one secret. Build it once and share it: verifying borrows
/// it immutably.
#[derive(Clone, Debug)]
pub struct Verifier {
    secret: Secret,
    tolerance: Duration,
}

impl Verifier {
    /// A verifier of deliveries signed with `secret`, with the [`DEFAULT_TOLERANCE`].
    pub fn new(secret: impl Into<Secret>) -> Self {
        Self {
            secret: secret.into(),
            tolerance: DEFAULT_TOLERANCE,
        }
    }

    /// How far a delivery's timestamp may be from the clock, either way (the boundary itself is
    /// accepted). Keep it short: it is how long a recorded delivery could be replayed.
    #[must_use]
    pub fn tolerance(mut self, tolerance: Duration) -> Self {
        self.tolerance = tolerance;
        self
    }

    /// Verifies a delivery against this machine's clock; see [`Verifier::verify_at`].
    ///
    /// # Errors
    /// A [`VerifyError`], one variant per reason to refuse the delivery.
    pub fn verify(&self, headers: &HeaderMap, body: &[u8]) -> Result<Event, VerifyError> {
        self.verify_at(headers, body, SystemTime::now())
    }

    /// Verifies a delivery as if the clock read `now`, and reads its event. `body` must be the
    /// request's body exactly as received, not parsed and serialised again.
    ///
    /// The checks, in order: both headers present and well formed; the signature (the body is
    /// not read unless it holds); the timestamp within the tolerance of `now`; the body.
    ///
    /// # Errors
    /// A [`VerifyError`], one variant per reason to refuse the delivery.
    pub fn verify_at(
        &self,
        headers: &HeaderMap,
        body: &[u8],
        now: SystemTime,
    ) -> Result<Event, VerifyError> {
        let signature = header(headers, SIGNATURE_HEADER)?;
        let timestamp = header(headers, TIMESTAMP_HEADER)?;
        let tag = decode_signature(signature).ok_or(VerifyError::MalformedSignature)?;
        let sent_at = parse_timestamp(timestamp).ok_or(VerifyError::MalformedTimestamp)?;

        // `verify_slice` compares in constant time (RustCrypto's `ctutils`), so the time taken
        // does not tell how much of a forged signature was right.
        mac_of(&self.secret, timestamp, body)
            .verify_slice(&tag)
            .map_err(|_| VerifyError::BadSignature)?;

        let tolerance = self.tolerance;
        match now.duration_since(sent_at) {
            Ok(age) if age > tolerance => return Err(VerifyError::Stale { age, tolerance }),
            Err(ahead) if ahead.duration() > tolerance => {
                return Err(VerifyError::FromTheFuture {
                    ahead: ahead.duration(),
                    tolerance,
                });
            }
            _ => {}
        }

        let (event_type, resource_id, payload) = read_body(body)?;
        Ok(Event {
            event_type,
            resource_id,
            sent_at,
            event_id: event_header(headers, EVENT_ID_HEADER),
            event_timestamp: event_header(headers, EVENT_TIMESTAMP_HEADER),
            payload,
        })
    }
}

/// A verified delivery: what every delivery carries, typed, and its whole JSON payload.
///
/// Prolific's documentation gives one shape for every event type, `{"resource_id": …,
/// "event_type": …}`, and none per event type; fields beyond those two are kept in
/// [`payload`](Event::payload) as they came.
#[derive(Clone, Debug, PartialEq)]
#[non_exhaustive]
pub struct Event {
    /// The event type, `noun.verb` as listed by `GET /api/v1/hooks/event-types/` (for example
    /// `study.status.change`). Any type is accepted, including one this SDK has never seen.
    pub event_type: String,
    /// The id of the resource the event is about (for `study.status.change`, the study).
    pub resource_id: String,
    /// When Prolific sent the delivery ([`TIMESTAMP_HEADER`], whole seconds).
    pub sent_at: SystemTime,
    /// The event's id ([`EVENT_ID_HEADER`]), the same on every redelivery of the event:
    /// deduplicate on it. `None` when the delivery has none, or one that is not visible ASCII
    /// of at most 256 bytes. The signature does not cover it.
    pub event_id: Option<String>,
    /// When the event was sent ([`EVENT_TIMESTAMP_HEADER`]), as the header gives it: Prolific
    /// does not document its format, so it is not parsed. `None` as for `event_id`. The
    /// signature does not cover it.
    pub event_timestamp: Option<String>,
    /// The whole body, parsed: a JSON object holding `event_type`, `resource_id` and any other
    /// field Prolific sends.
    pub payload: serde_json::Value,
}

impl Event {
    /// The event type, typed: one of those Prolific documents, or [`EventType::Other`] for a
    /// type this SDK does not know yet.
    pub fn kind(&self) -> EventType {
        EventType::parse(&self.event_type)
    }
}

/// The type of a hook event. The documented ones are variants; any other is
/// [`EventType::Other`], so an event type Prolific adds is read, not refused. A documented
/// name always reads as its variant, never as `Other`, so two equal names compare equal.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum EventType {
    /// `submission.status.change`: a submission moved (its id is the event's resource id).
    SubmissionStatusChange,
    /// `study.status.change`: a study moved (published, paused, completed, ...).
    StudyStatusChange,
    /// `study.progress.change`: more of a study's places were taken.
    StudyProgressChange,
    /// `study.has_high_return_rate`: many participants return a study.
    StudyHasHighReturnRate,
    /// A type this SDK does not know yet.
    Other(OtherEventType),
}

/// The name of an event type this SDK does not know yet. Only [`EventType::parse`] makes one,
/// and never for a documented name.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct OtherEventType(String);

impl OtherEventType {
    /// The name, as Prolific sent it.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// The documented event types by name.
const KNOWN_EVENT_TYPES: [(&str, EventType); 4] = [
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
];

impl EventType {
    /// The type named `name`: its variant when documented, else [`EventType::Other`].
    pub fn parse(name: &str) -> Self {
        KNOWN_EVENT_TYPES
            .iter()
            .find(|(known, _)| *known == name)
            .map_or_else(
                || Self::Other(OtherEventType(name.to_string())),
                |(_, kind)| kind.clone(),
            )
    }

    /// The name, as Prolific writes it (`study.status.change`).
    pub fn as_str(&self) -> &str {
        match self {
            Self::Other(other) => other.as_str(),
            known => KNOWN_EVENT_TYPES
                .iter()
                .find(|(_, kind)| kind == known)
                .map_or("", |(name, _)| name),
        }
    }
}

impl fmt::Display for EventType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Signs deliveries as Prolific does, for the tests of a user's own webhook handler: with the
/// body, the headers it makes are what a [`Verifier`] of the same secret accepts.
///
/// ```
/// use std::time::SystemTime;
/// use prolific_sdk::webhooks::{Secret, Signer, Verifier};
///
/// let body = br#"{"event_type":"study.status.change","resource_id":"s1","status":"ACTIVE"}"#;
/// let headers = Signer::new(Secret::new("test-secret"))
///     .sign(body, SystemTime::now(), "evt-1")
///     .unwrap();
/// let event = Verifier::new(Secret::new("test-secret")).verify(&headers, body).unwrap();
/// assert_eq!(event.event_id.as_deref(), Some("evt-1"));
/// ```
#[derive(Clone, Debug)]
pub struct Signer {
    secret: Secret,
}

impl Signer {
    /// A signer with `secret`.
    pub fn new(secret: impl Into<Secret>) -> Self {
        Self {
            secret: secret.into(),
        }
    }

    /// The headers of a delivery of `body` sent at `sent_at` (whole seconds) for the event
    /// `event_id`: [`TIMESTAMP_HEADER`], [`SIGNATURE_HEADER`] and [`EVENT_ID_HEADER`].
    ///
    /// # Errors
    /// [`SignError`] when `sent_at` is before 1970 or `event_id` cannot be a header.
    pub fn sign(
        &self,
        body: &[u8],
        sent_at: SystemTime,
        event_id: &str,
    ) -> Result<HeaderMap, SignError> {
        let seconds = sent_at
            .duration_since(UNIX_EPOCH)
            .map_err(|_| SignError::BeforeTheEpoch)?
            .as_secs();
        let event_id = HeaderValue::from_str(event_id).map_err(|_| SignError::EventIdNotAHeader)?;
        let timestamp = HeaderValue::from(seconds);
        let tag = hmac_of(&self.secret, timestamp.as_bytes(), body);
        let signature = base64::engine::general_purpose::STANDARD.encode(tag);
        let mut headers = HeaderMap::new();
        headers.insert(TIMESTAMP_HEADER, timestamp);
        // Base64 is always a header's characters.
        if let Ok(signature) = HeaderValue::from_str(&signature) {
            headers.insert(SIGNATURE_HEADER, signature);
        }
        headers.insert(EVENT_ID_HEADER, event_id);
        Ok(headers)
    }
}

/// Why a [`Signer`] made no delivery.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum SignError {
    /// The time is before the Unix epoch, which a timestamp header cannot say.
    BeforeTheEpoch,
    /// The event id holds characters a header cannot carry.
    EventIdNotAHeader,
}

impl fmt::Display for SignError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::BeforeTheEpoch => "the delivery's time is before 1970; give a later one",
            Self::EventIdNotAHeader => {
                "the event id cannot go in a header; use visible ASCII, such as a UUID"
            }
        })
    }
}

impl std::error::Error for SignError {}

/// Why a delivery was refused. Each line says what to do; none holds the secret, a header's
/// value or the body.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum VerifyError {
    /// A header every delivery carries is absent.
    MissingHeader {
        /// The header's name ([`SIGNATURE_HEADER`] or [`TIMESTAMP_HEADER`]).
        header: &'static str,
    },
    /// [`SIGNATURE_HEADER`] is not the padded standard base64 of 32 bytes.
    MalformedSignature,
    /// [`TIMESTAMP_HEADER`] is not a Unix time in seconds.
    MalformedTimestamp,
    /// The signature is not the HMAC of this timestamp and body with this secret.
    BadSignature,
    /// The delivery was sent longer ago than the tolerance.
    Stale {
        /// How long ago it was sent.
        age: Duration,
        /// The verifier's tolerance.
        tolerance: Duration,
    },
    /// The delivery's timestamp is further ahead of the clock than the tolerance.
    FromTheFuture {
        /// How far ahead of the clock it is.
        ahead: Duration,
        /// The verifier's tolerance.
        tolerance: Duration,
    },
    /// The signature holds, but the body is not a hook event (a JSON object with string
    /// `event_type` and `resource_id`).
    UndecodableBody {
        /// What is wrong with it, without any of its contents (a position, a field's name).
        problem: String,
    },
}

impl fmt::Display for VerifyError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::MissingHeader { header } => write!(
                f,
                "the delivery has no {} header: refuse it (Prolific signs every hook delivery; \
                 check that no proxy strips it)",
                display_name(header)
            ),
            Self::MalformedSignature => write!(
                f,
                "the {} header is not a base64 HMAC-SHA256: refuse the delivery",
                display_name(SIGNATURE_HEADER)
            ),
            Self::MalformedTimestamp => write!(
                f,
                "the {} header is not a Unix time in seconds: refuse the delivery",
                display_name(TIMESTAMP_HEADER)
            ),
            Self::BadSignature => f.write_str(
                "the signature does not match the body: refuse the delivery; if every delivery \
                 fails, check that the secret is the workspace's current hook secret and that \
                 the body is verified byte for byte as received, not parsed and re-serialised",
            ),
            Self::Stale { age, tolerance } => write!(
                f,
                "the delivery was sent {} s ago, beyond the tolerance of {} s: refuse it (a \
                 replay, a delayed delivery, or this machine's clock is behind)",
                age.as_secs(),
                tolerance.as_secs()
            ),
            Self::FromTheFuture { ahead, tolerance } => write!(
                f,
                "the delivery is stamped {} s ahead of this machine's clock, beyond the \
                 tolerance of {} s: refuse it, and check the clock if this recurs",
                ahead.as_secs(),
                tolerance.as_secs()
            ),
            Self::UndecodableBody { problem } => write!(
                f,
                "the delivery is signed but its body is not a hook event ({problem}): refuse it \
                 and report it, with the event type, to the SDK's maintainers"
            ),
        }
    }
}

impl std::error::Error for VerifyError {}

/// The HMAC-SHA256 of the timestamp header's text followed by the body, keyed with the secret:
/// what Prolific signs.
fn mac_of(secret: &Secret, timestamp: &[u8], body: &[u8]) -> hmac::Hmac<sha2::Sha256> {
    // HMAC takes a key of any length, so this never fails.
    let mut mac = <hmac::Hmac<sha2::Sha256> as KeyInit>::new_from_slice(secret.0.as_bytes())
        .unwrap_or_else(|_| unreachable!("HMAC takes a key of any length"));
    mac.update(timestamp);
    mac.update(body);
    mac
}

/// The signature's 32 bytes (see [`mac_of`]).
fn hmac_of(secret: &Secret, timestamp: &[u8], body: &[u8]) -> [u8; 32] {
    mac_of(secret, timestamp, body)
        .finalize()
        .into_bytes()
        .into()
}

/// The header names as Prolific writes them, for error lines.
fn display_name(header: &str) -> &'static str {
    if header == SIGNATURE_HEADER {
        "X-Prolific-Request-Signature"
    } else {
        "X-Prolific-Request-Timestamp"
    }
}

/// The header's bytes; a header sent twice is malformed (which would be verified is unclear).
fn header<'a>(headers: &'a HeaderMap, name: &'static str) -> Result<&'a [u8], VerifyError> {
    let mut values = headers.get_all(name).iter();
    let value = values
        .next()
        .ok_or(VerifyError::MissingHeader { header: name })?;
    if values.next().is_some() {
        return Err(if name == SIGNATURE_HEADER {
            VerifyError::MalformedSignature
        } else {
            VerifyError::MalformedTimestamp
        });
    }
    Ok(value.as_bytes())
}

/// An event header's text, when it is visible ASCII and not too long; a header sent twice is
/// ambiguous, and read as absent.
fn event_header(headers: &HeaderMap, name: &'static str) -> Option<String> {
    let mut values = headers.get_all(name).iter();
    let value = values.next()?;
    if values.next().is_some() || value.len() > MAX_EVENT_HEADER_LEN {
        return None;
    }
    let text = value.to_str().ok()?.trim();
    (!text.is_empty()).then(|| text.to_string())
}

/// The 32 bytes of the signature, or `None` when it is not their padded standard base64.
fn decode_signature(signature: &[u8]) -> Option<[u8; 32]> {
    if signature.len() != MAX_SIGNATURE_LEN {
        return None;
    }
    let mut tag = [0u8; 32];
    let written = base64::engine::general_purpose::STANDARD
        .decode_slice(signature, &mut tag)
        .ok()?;
    (written == tag.len()).then_some(tag)
}

/// The moment a timestamp header names: ASCII digits, whole seconds since the Unix epoch (a
/// fraction after a `.` is allowed and ignored; the header's exact text is what is signed).
fn parse_timestamp(timestamp: &[u8]) -> Option<SystemTime> {
    let (seconds, fraction) = match timestamp.iter().position(|&b| b == b'.') {
        Some(dot) => (&timestamp[..dot], &timestamp[dot + 1..]),
        None => (timestamp, &b"0"[..]),
    };
    let digits =
        |part: &[u8]| !part.is_empty() && part.len() <= 19 && part.iter().all(u8::is_ascii_digit);
    if !digits(seconds) || !digits(fraction) {
        return None;
    }
    let seconds: u64 = std::str::from_utf8(seconds).ok()?.parse().ok()?;
    UNIX_EPOCH.checked_add(Duration::from_secs(seconds))
}

/// The event fields of a verified body, and the body parsed. Errors name positions and fields,
/// never values: serde_json's own messages may quote the body.
fn read_body(body: &[u8]) -> Result<(String, String, serde_json::Value), VerifyError> {
    let problem = |problem: String| VerifyError::UndecodableBody { problem };
    let payload: serde_json::Value = serde_json::from_slice(body).map_err(|error| {
        let what = match error.classify() {
            serde_json::error::Category::Eof => "not JSON: it ends early",
            _ => "not JSON",
        };
        problem(format!(
            "{what} (line {} column {})",
            error.line(),
            error.column()
        ))
    })?;
    let object = payload
        .as_object()
        .ok_or_else(|| problem("not a JSON object".to_string()))?;
    let field = |name: &str| match object.get(name) {
        Some(serde_json::Value::String(value)) => Ok(value.clone()),
        Some(_) => Err(problem(format!("`{name}` is not a string"))),
        None => Err(problem(format!("no `{name}`"))),
    };
    let event_type = field("event_type")?;
    let resource_id = field("resource_id")?;
    Ok((event_type, resource_id, payload))
}
