//! What happens to a response: every builder's `send()` (generated, see
//! xtask/src/generate/rewrite/send.rs) matches on the status and calls [`decode`] for a declared success
//! and [`failure`] for anything else. Both read the body through [`read_body`], under the
//! client's cap, and every error they return carries the response's real status.
//!
//! A declared success that is text (`text/*`, a CSV export) calls [`text`] instead, or
//! [`text_or_json`] when JSON is declared beside it: the text is handed over unread
//! ([`crate::Text`]), for the user to read under the cap or stream to a writer.

use std::convert::Infallible;

use bytes::Bytes;
use progenitor_client::{Error as GeneratedError, ResponseValue};
use serde::de::DeserializeOwned;

use crate::Client;
use crate::error::{
    ApiError, Attempts, DecodeError, Error, ErrorBody, TransportError, ValidationError, excerpt,
};
use crate::text::{Text, TextOr};

/// What sending a request gave (`hooks::send`): the last attempt's outcome, and the attempts.
pub(crate) struct Exchange {
    /// The response to the last attempt, or why it had none.
    pub outcome: reqwest::Result<reqwest::Response>,
    /// How many times the request was sent, and why it was sent again.
    pub attempts: Attempts,
}

/// A response, with the attempts it took: what a generated `send()` matches on (its
/// `status()`) and hands to [`decode`], [`failure`] or [`text`].
pub(crate) struct Answer {
    response: reqwest::Response,
    attempts: Attempts,
}

impl Answer {
    /// The response's status.
    pub(crate) fn status(&self) -> reqwest::StatusCode {
        self.response.status()
    }
}

/// The answer a generated `send()` matches on, or the SDK's error for a request that was
/// refused before sending or got no response. The attempts travel beside the response (not in
/// its extensions, which would cost a map per call) to the error `decode` or `failure` may make
/// of it.
pub(crate) fn response(
    exchange: Result<Exchange, GeneratedError<Infallible>>,
) -> Result<Answer, Error> {
    let Exchange { outcome, attempts } = exchange.map_err(before_response)?;
    match outcome {
        Ok(response) => Ok(Answer { response, attempts }),
        Err(source) => Err(Error::Transport(TransportError {
            source,
            status: None,
            attempts,
        })),
    }
}

/// A declared success without a body: its status and headers.
pub(crate) fn empty(answer: Answer) -> ResponseValue<()> {
    ResponseValue::empty(answer.response)
}

/// A declared success: the body decoded as the operation's type.
pub(crate) async fn decode<T: DeserializeOwned>(
    client: &Client,
    answer: Answer,
) -> Result<ResponseValue<T>, Error> {
    let Answer {
        mut response,
        attempts,
    } = answer;
    // The headers move into the `ResponseValue`: the body's length is known without them.
    let (status, headers) = (response.status(), std::mem::take(response.headers_mut()));
    let bytes = read_body(cap(client), JSON_HINT, response, &attempts).await?;
    match serde_json::from_slice(&bytes) {
        Ok(inner) => Ok(ResponseValue::new(inner, status, headers)),
        Err(reason) => Err(Error::Decode(DecodeError {
            status,
            reason: format!("the body does not match the spec ({reason})"),
            excerpt: Some(excerpt(&bytes)),
            attempts,
        })),
    }
}

/// A declared success that is text: handed over unread, with the client's cap and the attempts,
/// for [`Text`]'s bounded reads or its streaming.
// Called by the generated `send()` of an operation whose success is text; a spec without one
// leaves it unused.
#[allow(dead_code)]
pub(crate) async fn text(client: &Client, answer: Answer) -> Result<ResponseValue<Text>, Error> {
    let Answer { response, attempts } = answer;
    let (status, headers) = (response.status(), response.headers().clone());
    let text = Text::new(response, cap(client), attempts);
    Ok(ResponseValue::new(text, status, headers))
}

/// A declared success that is text or JSON: JSON (by its `Content-Type`) is decoded as
/// [`decode`] does; anything else is text, as [`text`] hands it over. A body without a
/// `Content-Type` is text: its bytes stay the user's to read.
// Called by the generated `send()` of an operation whose success is text; a spec without one
// leaves it unused.
#[allow(dead_code)]
pub(crate) async fn text_or_json<T: DeserializeOwned>(
    client: &Client,
    answer: Answer,
) -> Result<ResponseValue<TextOr<T>>, Error> {
    if is_json(&answer.response) {
        let value = decode::<T>(client, answer).await?;
        let (status, headers) = (value.status(), value.headers().clone());
        return Ok(ResponseValue::new(
            TextOr::Json(value.into_inner()),
            status,
            headers,
        ));
    }
    let value = text(client, answer).await?;
    let (status, headers) = (value.status(), value.headers().clone());
    Ok(ResponseValue::new(
        TextOr::Text(value.into_inner()),
        status,
        headers,
    ))
}

/// Whether the response says its body is JSON: `application/json` or a `+json` type, with any
/// parameters.
fn is_json(response: &reqwest::Response) -> bool {
    let Some(value) = response
        .headers()
        .get(reqwest::header::CONTENT_TYPE)
        .and_then(|value| value.to_str().ok())
    else {
        return false;
    };
    let essence = value.split(';').next().unwrap_or_default().trim();
    essence.eq_ignore_ascii_case("application/json")
        || essence.to_ascii_lowercase().ends_with("+json")
}

/// The client's cap on a body read whole.
fn cap(client: &Client) -> usize {
    client.inner.max_response_bytes
}

/// What an error for a JSON body over the cap says to do.
const JSON_HINT: &str = "raise it with ClientBuilder::max_response_bytes";

/// What an error for a text body over the cap says to do: it can be streamed instead.
pub(crate) const TEXT_HINT: &str =
    "raise it with ClientBuilder::max_response_bytes, or stream it with Text::write_to";

/// An error status (declared or not), or a status the spec does not declare: an API error
/// whatever its body for a 4xx or 5xx, and a decode error for any other status.
pub(crate) async fn failure(client: &Client, answer: Answer) -> Error {
    let Answer {
        mut response,
        attempts,
    } = answer;
    let status = response.status();
    // The body's length is known without them (as in `decode`).
    let headers = Box::new(std::mem::take(response.headers_mut()));
    let bytes = match read_body(cap(client), JSON_HINT, response, &attempts).await {
        Ok(bytes) => bytes,
        Err(error) => return error,
    };
    if status.is_client_error() || status.is_server_error() {
        Error::Api(ApiError {
            status,
            headers,
            body: ErrorBody::parse(&bytes),
            attempts,
        })
    } else {
        Error::Decode(DecodeError {
            status,
            reason: "a status the spec does not declare for this operation".to_string(),
            excerpt: Some(excerpt(&bytes)),
            attempts,
        })
    }
}

/// progenitor's error from the part of `send()` before sending: a request that could not be
/// built, or a check's refusal. Nothing was sent.
fn before_response(error: GeneratedError<Infallible>) -> Error {
    match error {
        GeneratedError::InvalidRequest(message) => Error::Validation(ValidationError::new(message)),
        // `operation::check`'s refusal: a prose rule's carries its name (`refused_by`).
        GeneratedError::Custom(message) => {
            Error::Validation(match message.split_once(crate::operation::RULE_SEPARATOR) {
                Some((rule, message)) => ValidationError {
                    rule: Some(rule.to_string()),
                    message: message.to_string(),
                },
                None => ValidationError::new(message),
            })
        }
        GeneratedError::CommunicationError(source)
        | GeneratedError::ResponseBodyError(source)
        | GeneratedError::InvalidUpgrade(source) => Error::Transport(TransportError {
            source,
            status: None,
            attempts: Attempts::default(),
        }),
        // No error body is decoded before the response: its type is `Infallible`.
        #[allow(unreachable_code)]
        GeneratedError::ErrorResponse(value) => match value.into_inner() {},
        // That part reads no response, so progenitor decodes none; were that to change, the
        // error still says what happened, without inventing a status.
        other @ (GeneratedError::InvalidResponsePayload(..)
        | GeneratedError::UnexpectedResponse(_)) => {
            Error::Validation(ValidationError::new(format!(
                "the generated client read a response before the SDK did ({other}); this is a bug \
             in prolific-sdk, please report it"
            )))
        }
    }
}

/// The one reader of whole response bodies: the whole body, or an error once it grows past
/// `cap` (the client's `ClientBuilder::max_response_bytes`), saying what to do (`hint`).
/// Memory stays within the cap: a `Content-Length` above it is refused before reading, and
/// reading stops at the cap. (`Text::write_to` streams instead, never holding the body.)
pub(crate) async fn read_body(
    cap: usize,
    hint: &str,
    mut response: reqwest::Response,
    attempts: &Attempts,
) -> Result<Bytes, Error> {
    let status = response.status();
    let too_large = || {
        Error::Decode(DecodeError {
            status,
            reason: format!("the body is larger than the client's cap of {cap} bytes; {hint}"),
            excerpt: None,
            attempts: attempts.clone(),
        })
    };
    // The body broke off or timed out: the status that came before it is kept.
    let broken = |source| {
        Error::Transport(TransportError {
            source,
            status: Some(status),
            attempts: attempts.clone(),
        })
    };
    match response.content_length() {
        Some(announced) if announced > cap as u64 => return Err(too_large()),
        // hyper ends a body at its announced length, so reading it whole stays under the cap.
        Some(_) => return response.bytes().await.map_err(broken),
        None => {}
    }
    let mut bytes = Vec::new();
    loop {
        match response.chunk().await {
            Ok(Some(chunk)) if bytes.len() + chunk.len() > cap => return Err(too_large()),
            Ok(Some(chunk)) => bytes.extend_from_slice(&chunk),
            Ok(None) => return Ok(Bytes::from(bytes)),
            Err(source) => return Err(broken(source)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn refusals_before_a_response_are_validation_errors() {
        let refused = before_response(GeneratedError::Custom("no name".to_string()));
        assert!(matches!(&refused, Error::Validation(v) if v.message() == "no name"));
        let by_rule = before_response(GeneratedError::Custom(crate::operation::refused_by(
            "name_not_blank",
            "no name".to_string(),
        )));
        let Error::Validation(by_rule) = by_rule else {
            panic!("{by_rule:?}")
        };
        assert_eq!(
            (by_rule.rule(), by_rule.message()),
            (Some("name_not_blank"), "no name")
        );
        let invalid = before_response(GeneratedError::InvalidRequest("id was not set".into()));
        assert!(
            matches!(&invalid, Error::Validation(v) if v.message() == "id was not set" && v.rule().is_none())
        );
    }
}
