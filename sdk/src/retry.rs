//! When to send a request again, and how long to wait first.
//!
//! A retry must never duplicate work: creating a participant group is not idempotent, and
//! Prolific has no idempotency keys. So a request is sent again only when the server certainly
//! did not act on it (a 429, or a connection that was never made), and, for operations that
//! may be repeated only, also when it may have acted on it (500, 502, 503, 504, a timeout, a
//! connection reset or closed before any answer).
//!
//! Which operations may be repeated is stated once, in the spec: `x-idempotent` on each
//! operation, read through the generated table (`operation.rs`). The rule the spec follows:
//! an operation may be repeated when sending it twice leaves the same state as sending it once:
//! reads, deletes, an update (it sets the same values again), adding members (members already
//! present are ignored) and removing them (non-members are ignored); creating a group may not.

use std::time::{Duration, SystemTime};

use reqwest::{StatusCode, header::RETRY_AFTER};

/// The retry settings of a client.
#[derive(Debug, Clone, Copy)]
pub(crate) struct RetryPolicy {
    /// How many times a request may be sent again (0 disables retries).
    pub max_retries: u32,
    /// The first backoff step; each retry doubles it, up to `max_delay`.
    pub base_delay: Duration,
    /// The longest single wait. A `Retry-After` longer than this is not waited for at all.
    pub max_delay: Duration,
    /// The most a call waits in total across its retries.
    pub max_total_wait: Duration,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        Self {
            max_retries: 2,
            base_delay: Duration::from_millis(500),
            max_delay: Duration::from_secs(30),
            max_total_wait: Duration::from_secs(60),
        }
    }
}

impl RetryPolicy {
    /// How long to wait before retry number `retry` (1 for the first) after `outcome`, or
    /// `None` when the request must not be sent again. `may_repeat` says whether the operation
    /// may be sent twice; `waited` is the time already spent waiting on this call.
    pub fn delay(
        &self,
        may_repeat: bool,
        outcome: &reqwest::Result<reqwest::Response>,
        retry: u32,
        waited: Duration,
    ) -> Option<Duration> {
        if retry > self.max_retries || !is_transient(may_repeat, outcome) {
            return None;
        }
        let server_asked = outcome
            .as_ref()
            .ok()
            .and_then(|response| retry_after(response.headers(), SystemTime::now()));
        let delay = match server_asked {
            // Retrying before the server's time would only be refused again: give up now and
            // let the caller see the 429.
            Some(asked) if asked > self.max_delay => return None,
            Some(asked) => asked,
            None => self.backoff(retry),
        };
        (waited + delay <= self.max_total_wait).then_some(delay)
    }

    /// Exponential backoff with full jitter: a random wait up to `base * 2^(retry-1)`, capped.
    fn backoff(&self, retry: u32) -> Duration {
        let ceiling = self
            .base_delay
            .saturating_mul(1u32 << (retry - 1).min(16))
            .min(self.max_delay);
        ceiling.mul_f64(fastrand::f64())
    }
}

/// Whether the outcome is worth another attempt, for an operation that may or may not be
/// repeated.
fn is_transient(may_repeat: bool, outcome: &reqwest::Result<reqwest::Response>) -> bool {
    match outcome {
        // Rate limited: the request was refused, not processed.
        Ok(response) if response.status() == StatusCode::TOO_MANY_REQUESTS => true,
        // The server may have acted on it: only when repeating it is harmless.
        Ok(response) => {
            may_repeat
                && matches!(
                    response.status(),
                    StatusCode::INTERNAL_SERVER_ERROR
                        | StatusCode::BAD_GATEWAY
                        | StatusCode::SERVICE_UNAVAILABLE
                        | StatusCode::GATEWAY_TIMEOUT
                )
        }
        // No connection was made, so nothing was sent.
        Err(error) if error.is_connect() => true,
        // The request may have reached the server before the timeout, or before the connection
        // was reset or closed (hyper's "connection closed before message completed", an idle
        // keep-alive connection the server had closed): only when repeating it is harmless.
        // An error here always came before any response (a body's errors come later, in
        // `call::read_body`), and a redirect is never followed.
        Err(error) => may_repeat && (error.is_timeout() || error.is_request()),
    }
}

/// What ended an attempt that is about to be retried, as an error after the retries names it,
/// and whether the server may have carried the request out.
pub(crate) fn ended_by(outcome: &reqwest::Result<reqwest::Response>) -> (String, bool) {
    match outcome {
        Ok(response) => (
            response.status().to_string(),
            response.status() != StatusCode::TOO_MANY_REQUESTS,
        ),
        Err(error) if error.is_connect() => ("no connection".to_string(), false),
        Err(error) if error.is_timeout() => ("a timeout".to_string(), true),
        Err(_) => ("a dropped connection".to_string(), true),
    }
}

/// `Retry-After` as seconds or as an HTTP date, relative to `now`.
pub(crate) fn retry_after(
    headers: &reqwest::header::HeaderMap,
    now: SystemTime,
) -> Option<Duration> {
    let value = headers.get(RETRY_AFTER)?.to_str().ok()?.trim();
    if let Ok(seconds) = value.parse::<u64>() {
        return Some(Duration::from_secs(seconds));
    }
    let date = httpdate::parse_http_date(value).ok()?;
    Some(date.duration_since(now).unwrap_or(Duration::ZERO))
}

#[cfg(test)]
mod tests {
    use super::*;
    use reqwest::header::{HeaderMap, HeaderValue};

    fn headers(retry_after: &str) -> HeaderMap {
        HeaderMap::from_iter([(RETRY_AFTER, HeaderValue::from_str(retry_after).unwrap())])
    }

    #[test]
    fn retry_after_reads_seconds_and_http_dates() {
        let now = httpdate::parse_http_date("Wed, 21 Oct 2026 07:28:00 GMT").unwrap();
        assert_eq!(
            retry_after(&headers("3"), now),
            Some(Duration::from_secs(3))
        );
        assert_eq!(
            retry_after(&headers("Wed, 21 Oct 2026 07:28:10 GMT"), now),
            Some(Duration::from_secs(10))
        );
        // A date in the past means "now".
        assert_eq!(
            retry_after(&headers("Wed, 21 Oct 2026 07:27:00 GMT"), now),
            Some(Duration::ZERO)
        );
        assert_eq!(retry_after(&headers("soon"), now), None);
        assert_eq!(retry_after(&headers("-1"), now), None);
        assert_eq!(retry_after(&HeaderMap::new(), now), None);
    }

    #[test]
    fn backoff_grows_exponentially_within_its_cap() {
        let policy = RetryPolicy {
            base_delay: Duration::from_millis(100),
            max_delay: Duration::from_millis(300),
            ..RetryPolicy::default()
        };
        // Full jitter: each wait is drawn from [0, ceiling]. Over 2,000 draws the waits must
        // reach into the top tenth of the range (a wait stuck at 0, or at a fraction of the
        // ceiling, fails), and never pass the ceiling.
        for (retry, ceiling) in [(1, 100), (2, 200), (3, 300), (40, 300)] {
            let ceiling = Duration::from_millis(ceiling);
            let waits: Vec<Duration> = (0..2000).map(|_| policy.backoff(retry)).collect();
            let longest = waits.iter().max().copied().unwrap_or_default();
            let shortest = waits.iter().min().copied().unwrap_or_default();
            assert!(
                longest <= ceiling,
                "retry {retry}: {longest:?} > {ceiling:?}"
            );
            assert!(
                longest >= ceiling.mul_f64(0.9),
                "retry {retry}: at most {longest:?}"
            );
            assert!(
                shortest <= ceiling.mul_f64(0.1),
                "retry {retry}: at least {shortest:?}"
            );
        }
    }
}
