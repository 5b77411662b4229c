//! Text answers (a CSV export): the body is left unread when `send()` returns, so that the
//! user chooses between reading it whole under the client's cap ([`Text::text`],
//! [`Text::bytes`]) and streaming it to a writer whatever its size ([`Text::write_to`]).
//!
//! An operation whose success the spec declares as `text/*` returns [`Text`]; one that declares
//! it beside `application/json` returns [`TextOr`], told apart by the response's
//! `Content-Type` (xtask/src/generate/rewrite/send.rs writes both into the generated `send()`).

use std::fmt;

use bytes::Bytes;
use tokio::io::{AsyncWrite, AsyncWriteExt};

use crate::call::{self, TEXT_HINT};
use crate::error::{Attempts, DecodeError, Error, TransportError, WriteError, excerpt};

/// A successful answer that is text (for example CSV), not read yet.
///
/// Read it whole with [`text`](Self::text) or [`bytes`](Self::bytes), which stop at the
/// client's cap ([`ClientBuilder::max_response_bytes`](crate::ClientBuilder::max_response_bytes)),
/// or stream it to a file or any other writer with [`write_to`](Self::write_to), which holds
/// one chunk in memory at a time. The request is not sent again once this is returned: an
/// error while reading ends the read.
pub struct Text {
    response: reqwest::Response,
    cap: usize,
    attempts: Attempts,
}

impl Text {
    /// What `call::text` hands over: the response, the client's cap, the attempts.
    pub(crate) fn new(response: reqwest::Response, cap: usize, attempts: Attempts) -> Self {
        Self {
            response,
            cap,
            attempts,
        }
    }

    /// The response's `Content-Type`, as sent (for example `text/csv; charset=utf-8`).
    pub fn content_type(&self) -> Option<&str> {
        self.response
            .headers()
            .get(reqwest::header::CONTENT_TYPE)
            .and_then(|value| value.to_str().ok())
    }

    /// The body's length, when the server announced it.
    pub fn content_length(&self) -> Option<u64> {
        self.response.content_length()
    }

    /// The whole body, read under the client's cap: larger bodies end in [`Error::Decode`],
    /// which says to stream them with [`write_to`](Self::write_to) instead.
    pub async fn bytes(self) -> Result<Bytes, Error> {
        call::read_body(self.cap, TEXT_HINT, self.response, &self.attempts).await
    }

    /// The whole body as UTF-8 text, read under the client's cap as [`bytes`](Self::bytes) is.
    pub async fn text(self) -> Result<String, Error> {
        let status = self.response.status();
        let attempts = self.attempts.clone();
        let bytes = self.bytes().await?;
        String::from_utf8(bytes.to_vec()).map_err(|reason| {
            Error::Decode(DecodeError {
                status,
                reason: format!(
                    "the body is not UTF-8 text ({reason}); read it with Text::bytes instead"
                ),
                excerpt: Some(excerpt(&bytes)),
                attempts,
            })
        })
    }

    /// Streams the whole body to `writer`, chunk by chunk, whatever its size (the client's cap
    /// does not apply: only one chunk is in memory at a time), then flushes it. Returns the
    /// number of bytes written.
    ///
    /// A body that breaks off ends in [`Error::Transport`], a writer that fails in
    /// [`Error::Write`]; either way the writer may hold part of the body.
    pub async fn write_to<W>(mut self, writer: &mut W) -> Result<u64, Error>
    where
        W: AsyncWrite + Unpin + ?Sized,
    {
        let status = self.response.status();
        let attempts = &self.attempts;
        let write_failed = |source| {
            Error::Write(WriteError {
                source,
                status,
                attempts: attempts.clone(),
            })
        };
        let mut written = 0u64;
        loop {
            match self.response.chunk().await {
                Ok(Some(chunk)) => {
                    writer.write_all(&chunk).await.map_err(write_failed)?;
                    written += chunk.len() as u64;
                }
                Ok(None) => break,
                Err(source) => {
                    return Err(Error::Transport(TransportError {
                        source,
                        status: Some(status),
                        attempts: attempts.clone(),
                    }));
                }
            }
        }
        writer.flush().await.map_err(write_failed)?;
        Ok(written)
    }
}

impl fmt::Debug for Text {
    /// The status and content type; never the body (not read yet) nor the request's headers.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Text")
            .field("status", &self.response.status())
            .field("content_type", &self.content_type())
            .field("content_length", &self.content_length())
            .finish_non_exhaustive()
    }
}

/// The answer of an operation whose success is text or JSON, depending on its parameters (the
/// study export is CSV, or with `method=EMAIL` a JSON status): the response's `Content-Type`
/// says which.
#[derive(Debug)]
#[non_exhaustive]
pub enum TextOr<T> {
    /// A text answer, not read yet.
    Text(Text),
    /// A JSON answer, decoded (read under the client's cap, as every JSON answer is).
    Json(T),
}

impl<T> TextOr<T> {
    /// The text answer, if it is one.
    pub fn into_text(self) -> Option<Text> {
        match self {
            TextOr::Text(text) => Some(text),
            TextOr::Json(_) => None,
        }
    }

    /// The JSON answer, if it is one.
    pub fn into_json(self) -> Option<T> {
        match self {
            TextOr::Json(value) => Some(value),
            TextOr::Text(_) => None,
        }
    }
}
