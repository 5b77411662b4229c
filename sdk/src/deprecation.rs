//! Prolific's notice that an operation is going away: the `Deprecation` header (RFC 9745) and
//! the `Sunset` header (RFC 8594) on an answer. Prolific's own CLI has seen them on the batch
//! instructions operations. The SDK warns through `tracing`, once per operation and process,
//! and every answer gives them to the caller ([`DeprecationNotice`]).

use std::collections::BTreeSet;
use std::sync::Mutex;

use reqwest::header::{HeaderMap, HeaderName};

use crate::ResponseValue;

/// The two headers, named once: a name given as text is parsed again on every lookup, and
/// every answer is looked at.
const DEPRECATION: HeaderName = HeaderName::from_static("deprecation");
const SUNSET: HeaderName = HeaderName::from_static("sunset");

/// The operations already warned about in this process.
static WARNED: Mutex<BTreeSet<&'static str>> = Mutex::new(BTreeSet::new());

/// Warns once for `operation` when `headers` carry `Deprecation` or `Sunset`.
pub(crate) fn notice(operation: &'static str, headers: &HeaderMap) {
    let (deprecation, sunset) = (text(headers, &DEPRECATION), text(headers, &SUNSET));
    if deprecation.is_none() && sunset.is_none() {
        return;
    }
    // A poisoned lock still holds the set: a warning twice is better than none.
    let first = match WARNED.lock() {
        Ok(mut warned) => warned.insert(operation),
        Err(poisoned) => poisoned.into_inner().insert(operation),
    };
    if first {
        tracing::warn!(
            operation,
            deprecation = deprecation.unwrap_or("-"),
            sunset = sunset.unwrap_or("-"),
            "Prolific marks this operation deprecated; see the SDK's CHANGELOG for what replaces it"
        );
    }
}

/// A header's text, when it is visible ASCII.
fn text<'h>(headers: &'h HeaderMap, name: &HeaderName) -> Option<&'h str> {
    headers.get(name).and_then(|value| value.to_str().ok())
}

/// What an answer says of its operation's future: Prolific's `Deprecation` and `Sunset`
/// headers, as sent (`@1767225600`, an HTTP date), or `None`.
///
/// ```
/// use prolific_sdk::DeprecationNotice as _;
/// # async fn run(client: prolific_sdk::Client) -> Result<(), prolific_sdk::Error> {
/// let batches = client.get_task_builder_batches().workspace_id("w1").send().await?;
/// if let Some(sunset) = batches.sunset() {
///     eprintln!("get_task_builder_batches goes away on {sunset}");
/// }
/// # Ok(()) }
/// ```
pub trait DeprecationNotice {
    /// The `Deprecation` header: when the operation was, or will be, deprecated.
    fn deprecation(&self) -> Option<&str>;
    /// The `Sunset` header: when the operation will stop answering.
    fn sunset(&self) -> Option<&str>;
}

impl<T> DeprecationNotice for ResponseValue<T> {
    fn deprecation(&self) -> Option<&str> {
        text(self.headers(), &DEPRECATION)
    }

    fn sunset(&self) -> Option<&str> {
        text(self.headers(), &SUNSET)
    }
}
