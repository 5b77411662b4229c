//! The SDK's one error type, and the reading of Prolific's error bodies.
//!
//! Every call returns [`Error`]. Its `Display` is one readable line, for example
//! `400 Bad Request: name: This field is required. (error_code 140100)`, and nothing in it, nor in
//! its `Debug`, holds the API token or a whole response body.

use std::fmt;

use reqwest::StatusCode;

use crate::types::{ErrorDetail, ErrorMessages, ErrorResponse};

/// How much of an unreadable body an error keeps (bytes read) and shows (characters).
pub(crate) const EXCERPT_BYTES: usize = 2048;
const EXCERPT_CHARS: usize = 200;

/// What went wrong with a call to the Prolific API.
#[derive(Debug)]
#[non_exhaustive]
pub enum Error {
    /// Prolific answered with an error status (4xx or 5xx).
    Api(ApiError),
    /// No usable response: the connection failed, timed out or broke off.
    Transport(TransportError),
    /// A response arrived that the SDK cannot read: a body that does not match the spec, or a
    /// non-error status the spec does not declare for the operation.
    Decode(DecodeError),
    /// The SDK refused the request before sending anything, because it breaks a rule of the
    /// API (for example an empty `name`): [`ValidationError::rule`] names the rule, when one of
    /// the rules the docs state in prose refused it.
    Validation(ValidationError),
    /// The client cannot be built as configured (a missing token, an `http://` URL, ...).
    Config(String),
    /// A text body streamed to a writer ([`Text::write_to`](crate::Text::write_to)) could not
    /// be written to it: the writer failed, not the exchange with Prolific.
    Write(WriteError),
    /// A file sent to or fetched from a pre-signed link (`Client::upload_to`,
    /// `Client::download_from`) did not travel: the link was refused before sending, or its
    /// host answered an error, or the connection stalled or broke.
    Transfer(crate::transfer::TransferError),
}

impl Error {
    /// The response's status, when there was a response.
    pub fn status(&self) -> Option<StatusCode> {
        match self {
            Error::Api(e) => Some(e.status),
            Error::Decode(e) => Some(e.status),
            Error::Transport(e) => e.status(),
            Error::Write(e) => Some(e.status),
            Error::Transfer(e) => e.status(),
            Error::Validation(_) | Error::Config(_) => None,
        }
    }

    /// How many times the request was sent: more than 1 after retries, 0 when nothing was
    /// sent (a request refused before sending, a client that could not be built). A refused
    /// connection counts as an attempt.
    pub fn attempts(&self) -> u32 {
        match self {
            Error::Api(e) => e.attempts.sent,
            Error::Decode(e) => e.attempts.sent,
            Error::Transport(e) => e.attempts.sent,
            Error::Write(e) => e.attempts.sent,
            // A transfer is sent once: a streamed file cannot be sent again.
            Error::Transfer(e) => u32::from(e.was_sent()),
            Error::Validation(_) | Error::Config(_) => 0,
        }
    }

    /// Prolific's structured error (`error_code`, `title`, `detail`, ...), when the body held one.
    pub fn prolific_error(&self) -> Option<&ErrorDetail> {
        match self {
            Error::Api(e) => e.prolific_error(),
            _ => None,
        }
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::Api(e) => e.fmt(f),
            Error::Transport(e) => e.fmt(f),
            Error::Decode(e) => e.fmt(f),
            Error::Validation(refusal) => {
                write!(f, "invalid request, nothing was sent: {}", refusal.message)
            }
            Error::Config(message) => f.write_str(message),
            Error::Write(e) => e.fmt(f),
            Error::Transfer(e) => e.fmt(f),
        }
    }
}

impl std::error::Error for Error {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            Error::Transport(e) => Some(&e.source),
            Error::Write(e) => Some(&e.source),
            Error::Transfer(e) => std::error::Error::source(e),
            _ => None,
        }
    }
}

/// A request the SDK refused before sending anything.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ValidationError {
    pub(crate) rule: Option<String>,
    pub(crate) message: String,
}

impl ValidationError {
    /// A refusal that no prose rule made (a path parameter that is not one segment, a
    /// required field left unset, ...).
    pub(crate) fn new(message: impl Into<String>) -> Self {
        Self {
            rule: None,
            message: message.into(),
        }
    }

    /// The rule that refused the request, to match on: a rule the docs state in prose, by its
    /// name in the spec (`x-prose-rules`), e.g. `one_owner`; `minimum` or `maximum` for a
    /// number outside the spec's bounds; `None` for any other refusal.
    pub fn rule(&self) -> Option<&str> {
        self.rule.as_deref()
    }

    /// What is wrong and what to do, in one line.
    pub fn message(&self) -> &str {
        &self.message
    }
}

impl fmt::Display for ValidationError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

/// Prolific answered with an error status.
pub struct ApiError {
    pub(crate) status: StatusCode,
    // Boxed: every `Result<_, Error>` carries the size of its largest variant.
    pub(crate) headers: Box<reqwest::header::HeaderMap>,
    pub(crate) body: ErrorBody,
    pub(crate) attempts: Attempts,
}

/// The headers by name only: their values are the caller's to read, not every log's.
impl fmt::Debug for ApiError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let names: Vec<&str> = self.headers.keys().map(|name| name.as_str()).collect();
        f.debug_struct("ApiError")
            .field("status", &self.status)
            .field("headers", &names)
            .field("body", &self.body)
            .field("attempts", &self.attempts)
            .finish()
    }
}

impl ApiError {
    /// The response's status.
    pub fn status(&self) -> StatusCode {
        self.status
    }

    /// The response's headers: `Retry-After`, a request id to quote to Prolific's support, ...
    pub fn headers(&self) -> &reqwest::header::HeaderMap {
        &self.headers
    }

    /// The error body, in whichever shape Prolific sent it.
    pub fn body(&self) -> &ErrorBody {
        &self.body
    }

    /// Prolific's structured error, when the body held one.
    pub fn prolific_error(&self) -> Option<&ErrorDetail> {
        match &self.body {
            ErrorBody::Prolific(detail) => Some(detail),
            _ => None,
        }
    }
}

impl fmt::Display for ApiError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: ", self.status)?;
        self.body.fmt(f)?;
        self.attempts.fmt(f)
    }
}

impl fmt::Display for ErrorBody {
    /// The body as one bounded line: Prolific's detail (or title) and `error_code`, the simple
    /// shape's message and detail, or the excerpt.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ErrorBody::Prolific(error) => {
                let detail = messages(&error.detail);
                let text = if detail.is_empty() {
                    &error.title
                } else {
                    &detail
                };
                write!(
                    f,
                    "{} (error_code {})",
                    shorten(text, EXCERPT_CHARS),
                    error.error_code
                )
            }
            ErrorBody::Simple { message, detail } => {
                let parts: Vec<&str> = [message, detail]
                    .into_iter()
                    .flatten()
                    .map(String::as_str)
                    .collect();
                f.write_str(&shorten(&parts.join(": "), EXCERPT_CHARS))
            }
            ErrorBody::Raw(excerpt) if excerpt.is_empty() => f.write_str("(empty body)"),
            ErrorBody::Raw(excerpt) => f.write_str(excerpt),
        }
    }
}

/// The body of an error response, in the shapes Prolific uses.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub enum ErrorBody {
    /// Prolific's documented error: `{"error": {"status", "error_code", "title", "detail", ...}}`,
    /// or the same detail without the `error` wrapper.
    /// Boxed: it is by far the largest variant, and errors travel by value.
    Prolific(Box<ErrorDetail>),
    /// The simpler shape some endpoints send: `{"message": "...", "detail": "..."}`.
    Simple {
        /// The `message` field.
        message: Option<String>,
        /// The `detail` field, as text.
        detail: Option<String>,
    },
    /// Neither shape: a bounded, one-line excerpt of the body (empty when the body was).
    Raw(String),
}

impl ErrorBody {
    /// Reads an error body: Prolific's shape (wrapped in `{"error": ...}`, or the bare detail
    /// some 4XX responses are declared as and mock servers send), else the simple shape, else
    /// an excerpt.
    pub(crate) fn parse(bytes: &[u8]) -> Self {
        if let Ok(body) = serde_json::from_slice::<ErrorResponse>(bytes) {
            return ErrorBody::Prolific(Box::new(body.error));
        }
        if let Ok(detail) = serde_json::from_slice::<ErrorDetail>(bytes) {
            return ErrorBody::Prolific(Box::new(detail));
        }
        if let Ok(serde_json::Value::Object(fields)) = serde_json::from_slice(bytes) {
            let text = |name: &str| fields.get(name).map(json_text).filter(|t| !t.is_empty());
            let (message, detail) = (text("message"), text("detail"));
            if message.is_some() || detail.is_some() {
                return ErrorBody::Simple { message, detail };
            }
        }
        ErrorBody::Raw(excerpt(bytes))
    }
}

/// No usable response arrived: none at all, or one whose body broke off.
#[derive(Debug)]
pub struct TransportError {
    pub(crate) source: reqwest::Error,
    /// The status of the response whose body broke off, if one had arrived.
    pub(crate) status: Option<StatusCode>,
    pub(crate) attempts: Attempts,
}

impl TransportError {
    /// The status of the response whose body broke off or timed out, when a response had
    /// arrived before the failure.
    pub fn status(&self) -> Option<StatusCode> {
        self.status.or_else(|| self.source.status())
    }

    /// Whether the connection could not be made (nothing reached Prolific).
    pub fn is_connect(&self) -> bool {
        self.source.is_connect()
    }

    /// Whether a timeout (connect or total) ran out.
    pub fn is_timeout(&self) -> bool {
        self.source.is_timeout()
    }
}

impl fmt::Display for TransportError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let what = if self.is_timeout() {
            "the request timed out"
        } else if self.is_connect() {
            "could not connect to Prolific"
        } else {
            "the exchange with Prolific failed"
        };
        write!(f, "{what}: ")?;
        write_chain(f, &self.source)?;
        self.attempts.fmt(f)
    }
}

/// A text body could not be written to the writer it was streamed to
/// ([`Text::write_to`](crate::Text::write_to)). The response had arrived: its status is kept.
#[derive(Debug)]
pub struct WriteError {
    pub(crate) source: std::io::Error,
    pub(crate) status: StatusCode,
    pub(crate) attempts: Attempts,
}

impl WriteError {
    /// The status of the response being written.
    pub fn status(&self) -> StatusCode {
        self.status
    }

    /// The writer's own error.
    pub fn io_error(&self) -> &std::io::Error {
        &self.source
    }
}

impl fmt::Display for WriteError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // The writer's error is the user's own (a full disk, a closed pipe): it holds no token.
        write!(
            f,
            "{}: the body could not be written to the writer given ({}); fix the writer (a full \
             disk, a closed pipe), then send the request again",
            self.status, self.source
        )?;
        self.attempts.fmt(f)
    }
}

/// A response the SDK cannot read. Neither its `Display` nor its `Debug` shows the body, which
/// may hold a secret the answer carried (a hook secret, credential lines) or a participant's
/// data: [`DecodeError::excerpt`] gives its beginning to a caller who chooses to look.
pub struct DecodeError {
    pub(crate) status: StatusCode,
    pub(crate) reason: String,
    /// A bounded, one-line excerpt of the body; `None` when the body was not read (it was over
    /// the client's cap).
    pub(crate) excerpt: Option<String>,
    pub(crate) attempts: Attempts,
}

impl DecodeError {
    /// The response's status.
    pub fn status(&self) -> StatusCode {
        self.status
    }

    /// A bounded, one-line excerpt of the body (empty when the body was, or was not read). It
    /// may hold secrets or personal data: look at it, do not log it as it is.
    pub fn excerpt(&self) -> &str {
        self.excerpt.as_deref().unwrap_or_default()
    }
}

impl fmt::Display for DecodeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.status, self.reason)?;
        match self.excerpt.as_deref() {
            None => {}
            Some("") => f.write_str(" (empty body)")?,
            Some(excerpt) => write!(
                f,
                "; DecodeError::excerpt() has the body's first {} characters",
                excerpt.chars().count()
            )?,
        }
        self.attempts.fmt(f)
    }
}

impl fmt::Debug for DecodeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("DecodeError")
            .field("status", &self.status)
            .field("reason", &self.reason)
            .field(
                "excerpt",
                &self
                    .excerpt
                    .as_ref()
                    .map(|e| format!("<{} characters>", e.chars().count())),
            )
            .field("attempts", &self.attempts)
            .finish()
    }
}

/// How many times a request was sent, and what ended each attempt that was followed by
/// another: an error after retries says so, for a request the server may have carried out
/// before the answer it reports (a DELETE retried after a 503 may end in a 404).
#[derive(Debug, Clone, Default, PartialEq)]
pub(crate) struct Attempts {
    /// How many times the request was sent (a refused connection counts).
    pub sent: u32,
    /// What ended each attempt that was retried, in order: `503 Service Unavailable`, `a
    /// dropped connection`, ...
    pub retried_after: Vec<String>,
    /// Whether one of those attempts may have been carried out (a 5xx, a timeout, a dropped
    /// connection; not a 429 or a refused connection).
    pub may_have_taken_effect: bool,
}

#[cfg(test)]
impl Attempts {
    /// One attempt, not retried.
    pub fn once() -> Self {
        Self {
            sent: 1,
            ..Self::default()
        }
    }
}

impl fmt::Display for Attempts {
    /// Nothing for a request sent once; otherwise ` (sent N times; ...)`, saying what ended
    /// the earlier attempts and whether they may have taken effect.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let Some(last) = self.retried_after.last().filter(|_| self.sent > 1) else {
            return Ok(());
        };
        write!(f, " (sent {} times; ", self.sent)?;
        if self.may_have_taken_effect {
            return write!(
                f,
                "an earlier attempt ended in {last} and may have taken effect)"
            );
        }
        let mut distinct: Vec<&str> = Vec::new();
        for reason in &self.retried_after {
            if !distinct.contains(&reason.as_str()) {
                distinct.push(reason);
            }
        }
        match distinct.as_slice() {
            [one] => write!(f, "each earlier attempt ended in {one})"),
            many => write!(f, "earlier attempts ended in {})", many.join(", ")),
        }
    }
}

/// The messages of a `detail`, as one line: fields sorted by name.
fn messages(detail: &ErrorMessages) -> String {
    match detail {
        ErrorMessages::String(message) => message.clone(),
        ErrorMessages::Array(list) => list.join(" "),
        ErrorMessages::Object(fields) => {
            let mut fields: Vec<_> = fields.iter().collect();
            fields.sort();
            fields
                .into_iter()
                .map(|(field, list)| format!("{field}: {}", list.join(" ")))
                .collect::<Vec<_>>()
                .join("; ")
        }
    }
}

/// A JSON value as text: strings as they are, anything else as compact JSON.
fn json_text(value: &serde_json::Value) -> String {
    match value {
        serde_json::Value::String(s) => s.clone(),
        serde_json::Value::Null => String::new(),
        other => other.to_string(),
    }
}

/// An error's message, then each cause's: one line with the reason at its end (reqwest's own
/// message rarely says why).
pub(crate) fn write_chain(
    f: &mut fmt::Formatter<'_>,
    error: &(dyn std::error::Error + 'static),
) -> fmt::Result {
    write!(f, "{error}")?;
    let mut cause = error.source();
    while let Some(e) = cause {
        write!(f, ": {e}")?;
        cause = e.source();
    }
    Ok(())
}

/// A bounded, one-line excerpt of a body, whatever its bytes.
pub(crate) fn excerpt(bytes: &[u8]) -> String {
    let bounded = &bytes[..bytes.len().min(EXCERPT_BYTES)];
    let text = String::from_utf8_lossy(bounded);
    let cut = shorten(&text, EXCERPT_CHARS);
    if bytes.len() > bounded.len() && !cut.ends_with('…') {
        format!("{cut}…")
    } else {
        cut
    }
}

/// Collapses whitespace (so the text is one line) and keeps at most `max` characters.
fn shorten(text: &str, max: usize) -> String {
    let line = text.split_whitespace().collect::<Vec<_>>().join(" ");
    match line.char_indices().nth(max) {
        Some((cut, _)) => format!("{}…", &line[..cut]),
        None => line,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn api(status: u16, body: &[u8]) -> String {
        ApiError {
            status: StatusCode::from_u16(status).unwrap(),
            headers: Default::default(),
            body: ErrorBody::parse(body),
            attempts: Attempts::once(),
        }
        .to_string()
    }

    #[test]
    fn prolific_errors_show_their_detail_in_each_form() {
        let body = |detail: &str| {
            format!(
                r#"{{"error": {{"status": 400, "error_code": 140100, "title": "Bad request", "detail": {detail}}}}}"#
            )
        };
        assert_eq!(
            api(
                400,
                body(r#"{"name": ["This field is required."]}"#).as_bytes()
            ),
            "400 Bad Request: name: This field is required. (error_code 140100)"
        );
        assert_eq!(
            api(
                400,
                body(r#"{"workspace_id": ["Unknown."], "name": ["Too long.", "Bad."]}"#).as_bytes()
            ),
            "400 Bad Request: name: Too long. Bad.; workspace_id: Unknown. (error_code 140100)"
        );
        assert_eq!(
            api(403, body(r#"["No access.", "Ask the owner."]"#).as_bytes()),
            "403 Forbidden: No access. Ask the owner. (error_code 140100)"
        );
        assert_eq!(
            api(404, body(r#""Not found.""#).as_bytes()),
            "404 Not Found: Not found. (error_code 140100)"
        );
        assert_eq!(
            api(404, body(r#""""#).as_bytes()),
            "404 Not Found: Bad request (error_code 140100)"
        );
    }

    #[test]
    fn a_bare_error_detail_without_the_wrapper_keeps_its_error_code() {
        // Some 4XX responses of the published document declare the detail itself, and mock
        // servers answer with it: `{"status", "error_code", "title", "detail"}`, no `error`.
        let bare = br#"{"status": 404, "error_code": 140404, "title": "Not found", "detail": "No such study."}"#;
        assert_eq!(
            api(404, bare),
            "404 Not Found: No such study. (error_code 140404)"
        );
        assert!(matches!(
            ErrorBody::parse(bare),
            ErrorBody::Prolific(detail) if detail.error_code == 140404
        ));
    }

    #[test]
    fn the_simple_shape_and_raw_bodies_are_read_too() {
        assert_eq!(
            api(
                401,
                br#"{"message": "Unauthorized", "detail": "Invalid token."}"#
            ),
            "401 Unauthorized: Unauthorized: Invalid token."
        );
        assert_eq!(
            api(502, b"<html>\n<body>Bad gateway</body>\n</html>"),
            "502 Bad Gateway: <html> <body>Bad gateway</body> </html>"
        );
        assert_eq!(api(500, b""), "500 Internal Server Error: (empty body)");
    }

    #[test]
    fn excerpts_are_bounded_and_one_line() {
        let long = "x".repeat(10_000);
        let shown = excerpt(long.as_bytes());
        assert_eq!(shown.chars().count(), EXCERPT_CHARS + 1);
        assert!(shown.ends_with('…'));
        assert_eq!(excerpt(b"a\r\nb\tc"), "a b c");
        assert_eq!(excerpt(&[0xff, 0xfe, b'a']), "\u{fffd}\u{fffd}a");
    }
}
