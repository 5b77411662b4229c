//! One call, from a generated builder's `send()` to the SDK's result.
//!
//! Every builder's public `send()` is `run(self.send_generated())` (xtask/src/wrap_send.rs).
//! progenitor's error loses the status of a response whose body does not decode, so `run`
//! keeps the status of the last response in a task-local slot, which the `post` hook fills
//! (sdk/src/hooks.rs), and builds the SDK's [`Error`] from progenitor's error and that status.

use std::cell::Cell;
use std::future::Future;

use progenitor_client::{Error as GeneratedError, ResponseValue};
use reqwest::StatusCode;

use crate::error::{
    ApiError, DecodeError, EXCERPT_BYTES, Error, ErrorBody, TransportError, excerpt,
};
use crate::types::ErrorResponse;

tokio::task_local! {
    /// The status of the last response the current call received.
    static LAST_STATUS: Cell<Option<StatusCode>>;
}

/// Records a response's status for the call in progress (a no-op outside `run`).
pub(crate) fn record_status(status: StatusCode) {
    let _ = LAST_STATUS.try_with(|slot| slot.set(Some(status)));
}

/// Runs a generated `send_generated()` future and turns its result into the SDK's.
pub(crate) async fn run<T, E: GeneratedErrorBody>(
    send: impl Future<Output = Result<ResponseValue<T>, GeneratedError<E>>>,
) -> Result<ResponseValue<T>, Error> {
    let (result, status) = LAST_STATUS
        .scope(Cell::new(None), async {
            let result = send.await;
            (result, LAST_STATUS.with(Cell::get))
        })
        .await;
    match result {
        Ok(value) => Ok(value),
        Err(error) => Err(convert(error, status).await),
    }
}

async fn convert<E: GeneratedErrorBody>(
    error: GeneratedError<E>,
    last_status: Option<StatusCode>,
) -> Error {
    match error {
        GeneratedError::InvalidRequest(message) | GeneratedError::Custom(message) => {
            Error::Validation(message)
        }
        GeneratedError::CommunicationError(source)
        | GeneratedError::ResponseBodyError(source)
        | GeneratedError::InvalidUpgrade(source) => Error::Transport(TransportError { source }),
        GeneratedError::ErrorResponse(value) => Error::Api(ApiError {
            status: value.status(),
            body: value.into_inner().into_error_body(),
        }),
        GeneratedError::InvalidResponsePayload(bytes, reason) => {
            // The post hook records every response's status before progenitor decodes it, so
            // the status is always there; 502 (an unreadable answer) only keeps this total.
            let status = last_status.unwrap_or(StatusCode::BAD_GATEWAY);
            from_body(
                status,
                &bytes,
                &format!("the body does not match the spec ({reason})"),
            )
        }
        GeneratedError::UnexpectedResponse(response) => {
            let status = response.status();
            let bytes = read_bounded(response).await;
            from_body(
                status,
                &bytes,
                "a status the spec does not declare for this operation",
            )
        }
    }
}

/// An error status is an API error whatever its body; any other status is a decode error.
fn from_body(status: StatusCode, bytes: &[u8], reason: &str) -> Error {
    if status.is_client_error() || status.is_server_error() {
        Error::Api(ApiError {
            status,
            body: ErrorBody::parse(bytes),
        })
    } else {
        Error::Decode(DecodeError {
            status,
            reason: reason.to_string(),
            excerpt: excerpt(bytes),
        })
    }
}

/// Reads at most [`EXCERPT_BYTES`] of a body: a hostile server cannot make an error hold more.
async fn read_bounded(mut response: reqwest::Response) -> Vec<u8> {
    let mut bytes = Vec::new();
    while bytes.len() < EXCERPT_BYTES {
        match response.chunk().await {
            Ok(Some(chunk)) => bytes.extend_from_slice(&chunk),
            Ok(None) | Err(_) => break,
        }
    }
    bytes
}

/// The typed error bodies the spec declares, as the SDK's [`ErrorBody`].
pub(crate) trait GeneratedErrorBody {
    /// Converts the decoded body.
    fn into_error_body(self) -> ErrorBody;
}

impl GeneratedErrorBody for ErrorResponse {
    fn into_error_body(self) -> ErrorBody {
        ErrorBody::Prolific(Box::new(self.error))
    }
}

/// An error status declared without a body.
impl GeneratedErrorBody for () {
    fn into_error_body(self) -> ErrorBody {
        ErrorBody::Raw(String::new())
    }
}
