//! What the SDK does to every request the generated client sends: authenticate, identify,
//! retry, trace (each request was checked before, by `operation::check`). Responses are read
//! by `call.rs`, not here.
//!
//! The generator is set to `HooksMode::Expected` (xtask/src/generate/mod.rs), so the `pre` hook's
//! implementation is required: without it the crate does not compile; it does nothing (see
//! the impl). Sending is [`send`], which each generated `send()` calls with its operation.

use std::time::{Duration, Instant};

use progenitor_client::{ClientHooks, ClientInfo, Error, OperationInfo};
use reqwest::header::{AUTHORIZATION, REFERER, USER_AGENT};
use tracing::Instrument as _;

use crate::call::Exchange;
use crate::client::Config;
use crate::error::Attempts;
use crate::generated::Client;
use crate::operation::Facts;
use crate::retry;

/// The generator requires the hooks (`HooksMode::Expected`), and the generated `send()` calls
/// `pre`; the trait is public, so anyone who depends on progenitor-client can call it too, on a
/// request of their own, to any host. So `pre` does nothing: the token goes on a request only
/// in [`send`], which only the SDK's own `send()` reaches (tests/suite/public_api.rs).
impl ClientHooks<Config> for Client {
    async fn pre<E>(
        &self,
        _request: &mut reqwest::Request,
        _info: &OperationInfo,
    ) -> Result<(), Error<E>> {
        Ok(())
    }
}

/// What every request carries from the client: the token, the SDK's names, the timeout.
fn stamp(config: &Config, request: &mut reqwest::Request) {
    let headers = request.headers_mut();
    headers.insert(AUTHORIZATION, config.auth.clone());
    headers.insert(USER_AGENT, config.user_agent.clone());
    headers.insert(REFERER, config.referer.clone());
    *request.timeout_mut() = Some(config.timeout);
}

/// The settings of one call, from its builder's `.attempt_timeout(..)` and `.max_retries(..)`
/// (xtask/src/generate/rewrite/call_settings.rs); each one set replaces the client's for that call.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct CallSettings {
    /// The most time each attempt may take.
    pub(crate) timeout: Option<Duration>,
    /// How many times the request may be sent again.
    pub(crate) max_retries: Option<u32>,
}

/// Builds an operation's request again from the values its builder was given, as the first
/// one was built: what a retry sends. Each generated `send_generated()` passes its own
/// (xtask/src/generate/rewrite/rebuild.rs), except a form's, whose parts were made into a body.
pub(crate) type Rebuild<'a> =
    dyn Fn() -> Result<reqwest::Request, Error<std::convert::Infallible>> + Sync + 'a;

/// Sends `request` for `operation`, and again while the retry policy says the failure was
/// transient for it; each generated `send()` calls this (xtask/src/generate/rewrite/send.rs) instead of
/// progenitor's `exec` hook, naming its operation at compile time, and with the call's own
/// settings (`call`).
///
/// No copy of the request is kept for a retry that most calls never make: reqwest takes the
/// request, and a retry sends one that `rebuild` makes when it is needed. Only a form, which
/// has no `rebuild`, is copied before it is sent (when its body can be: not a file's stream).
///
/// The call is one `tracing` span, `prolific_call`, with the operationId, the method and the
/// path template, and the last attempt's number and status as they come; never the token, an
/// id or a body. A `Deprecation` or `Sunset` header on the answer is noticed
/// (`deprecation::notice`).
pub(crate) async fn send(
    client: &Client,
    request: reqwest::Request,
    rebuild: Option<&Rebuild<'_>>,
    operation: &Facts,
    call: &CallSettings,
) -> Exchange {
    let span = tracing::info_span!(
        "prolific_call",
        operation = operation.operation_id,
        method = %request.method(),
        path_template = operation.path,
        attempt = tracing::field::Empty,
        status = tracing::field::Empty,
    );
    let exchange = attempts(client, request, rebuild, operation, call, &span)
        .instrument(span.clone())
        .await;
    if let Ok(response) = &exchange.outcome {
        crate::deprecation::notice(operation.id, response.headers());
    }
    exchange
}

/// The attempts of one call, recorded on its `span`.
async fn attempts(
    client: &Client,
    mut request: reqwest::Request,
    rebuild: Option<&Rebuild<'_>>,
    operation: &Facts,
    call: &CallSettings,
    span: &tracing::Span,
) -> Exchange {
    let config = client.inner();
    stamp(config, &mut request);
    let mut policy = config.retry;
    if let Some(retries) = call.max_retries {
        policy.max_retries = retries;
    }
    if let Some(timeout) = call.timeout {
        *request.timeout_mut() = Some(timeout);
    }
    let method = request.method().clone();
    let mut waited = Duration::ZERO;
    let mut attempts = Attempts::default();
    loop {
        attempts.sent += 1;
        let attempt = attempts.sent;
        span.record("attempt", attempt);
        // Without a closure (a form), the copy is the only way to send the request again: kept
        // while a retry is possible, and there only when the body is in memory (a file part is
        // a stream, which cannot be copied, and is never sent twice).
        let copy = match rebuild {
            None if attempt <= policy.max_retries => request.try_clone(),
            _ => None,
        };
        let started = Instant::now();
        let outcome = client.client().execute(request).await;
        let elapsed_ms = started.elapsed().as_millis() as u64;
        if let Ok(response) = &outcome {
            span.record("status", response.status().as_u16());
        }
        // The template, not the path: the path holds ids.
        let (operation_id, path_template) = (operation.operation_id, operation.path);
        match &outcome {
            Ok(response) => tracing::debug!(
                operation = operation_id, %method, path_template, attempt,
                status = response.status().as_u16(), elapsed_ms, "prolific request"
            ),
            Err(error) => tracing::debug!(
                operation = operation_id, %method, path_template, attempt,
                error = failure_kind(error), elapsed_ms, "prolific request failed"
            ),
        }
        let Some(delay) = policy.delay(operation.may_repeat, &outcome, attempt, waited) else {
            return Exchange { outcome, attempts };
        };
        // Built from the same values as the first, so it cannot fail where that one did not;
        // were it to, the last answer stands.
        let next = match rebuild {
            Some(build) => build().ok(),
            None => copy,
        };
        let Some(mut next) = next else {
            return Exchange { outcome, attempts };
        };
        stamp(config, &mut next);
        if let Some(timeout) = call.timeout {
            *next.timeout_mut() = Some(timeout);
        }
        tracing::info!(
            operation = operation_id, %method, path_template, attempt,
            delay_ms = delay.as_millis() as u64, "retrying a transient failure"
        );
        let (reason, may_have_taken_effect) = retry::ended_by(&outcome);
        attempts.retried_after.push(reason);
        attempts.may_have_taken_effect |= may_have_taken_effect;
        tokio::time::sleep(delay).await;
        waited += delay;
        request = next;
    }
}

/// A failure's kind for the logs: reqwest's own message holds the URL, which may hold ids.
fn failure_kind(error: &reqwest::Error) -> &'static str {
    if error.is_timeout() {
        "timeout"
    } else if error.is_connect() {
        "connect"
    } else if error.is_body() || error.is_decode() {
        "body"
    } else if error.is_request() {
        "dropped"
    } else {
        "request"
    }
}
