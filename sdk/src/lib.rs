//! A typed async client for the [Prolific API](https://docs.prolific.com), generated from the
//! OpenAPI spec in this repository (`spec/openapi.yaml`).
//!
//! ```no_run
//! use prolific_sdk::{Client, types::CreateParticipantGroupRequest};
//!
//! # async fn run() -> Result<(), prolific_sdk::Error> {
//! // PROLIFIC_TOKEN (required) and PROLIFIC_URL (optional), like Prolific's own CLI.
//! let client = Client::from_env()?;
//! let group = client
//!     .create_participant_group()
//!     .body(
//!         CreateParticipantGroupRequest::builder()
//!             .name("Group 1")
//!             .workspace_id("5e9b9c9b0f9c9a0001b1ca2f"),
//!     )
//!     .send()
//!     .await?
//!     .into_inner();
//! println!("created group {}", group.id);
//! # Ok(())
//! # }
//! ```
//!
//! # The operations
//! [`Client`] has one method per operation of the spec, each returning a request builder from
//! [`builder`] whose `send()` returns [`ResponseValue`] of a type from [`types`]: every
//! operation Prolific documents today (participant groups, workspaces and projects, studies and
//! their submissions, bonuses, messages, filters and filter sets, surveys, hooks, credential
//! pools, the AI Task Builder, ...), grouped by resource in these docs and listed in
//! `sdk/OPERATIONS.md`, and those it dropped lately, `#[deprecated]` for a release. A cheap
//! check that a token works: `get_user`. Optional fields take a plain value or an `Option`
//! ([`IntoOptional`]).
//!
//! [`ResponseValue`] is progenitor-client's, part of this API on purpose (its status, headers
//! and `into_inner()`): the SDK pins that crate exactly, so it changes only in a release of
//! this one.
//!
//! # What every call does
//! - Sends `Authorization: Token <token>` (marked sensitive) and
//!   `User-Agent: prolific-sdk-rust/<version>`, plus the application name if one is set.
//! - Puts each path parameter into exactly one path segment (every byte outside RFC 3986's
//!   unreserved characters percent-encoded, `\` included), refuses an id that is empty, `.` or
//!   `..`, and checks the rules the docs state in prose (for example: a participant group needs
//!   a name, and a workspace or an organisation, not both), before sending anything.
//! - Retries a 429 and a connection that could not be made, with exponential backoff and full
//!   jitter, honouring `Retry-After`. A request the server may have processed (a 5xx, a
//!   timeout, a connection reset or closed before the answer) is sent again only for an
//!   operation that may be repeated: creating a group twice would make two groups, while adding
//!   the same members twice adds them once. An error after retries says how many times the
//!   request was sent ([`Error::attempts`]).
//! - Reads every response body under a cap ([`ClientBuilder::max_response_bytes`], 32 MiB by
//!   default), and returns [`Error`], whose variants tell apart an API error (with Prolific's
//!   `error_code`, `title` and `detail`), a transport failure, an unreadable response, and a
//!   request refused before sending. Every error that follows a response carries its status.
//! - Hands a text answer (a CSV export) over unread, as [`Text`] (or [`TextOr`], when JSON may
//!   come instead): read it whole under the same cap, or stream it to a writer whatever its
//!   size ([`Text::write_to`]).
//! - Sends a `multipart/form-data` body (a dataset's files) from the builder's setters, each
//!   file a [`FilePart`] streamed from a path or a reader, never read whole into memory and
//!   counted against no cap. A streamed body cannot be sent twice: such a request is never
//!   retried, not even after a 429.
//! - Sends a JSON Lines body (`application/x-ndjson`, the records appended to a dataset) from
//!   the list the builder's `body` takes, one item a line.
//! - Emits `tracing` events per attempt (operation, method, path, status, attempt, elapsed),
//!   never the token or a body.
//!
//! The token never appears in `Debug`, `Display`, errors or logs: see [`Token`]. Nor does a
//! secret a body carries (a hook secret, credential lines): see [`SecretString`].
//!
//! # Receiving hooks
//! `webhooks` (the `webhooks` feature) verifies a hook delivery (its signature over the exact body received, in
//! constant time, and its age) and reads its event; every refusal is a typed error.
//!
//! # Admitting participants
//! `study_tokens` (the `study-tokens` feature) verifies the JWT that a secure study's
//! participants arrive with: RS256 only, the key by `kid` from Prolific's key set (cached,
//! fetched again daily or for a new key), `exp`, `iss`, `aud` and the workspace.
//!
//! # How the crate is made
//! `cargo xtask generate` writes the client, the request builders and the types from the spec
//! into a generated module; this crate re-exports them, and adds the hand-written layer above.
#![forbid(unsafe_code)]

// Written by `cargo xtask generate` only; formatted by prettyplease, not rustfmt, and
// documented as far as the spec's descriptions go (progenitor's builder methods have none).
#[rustfmt::skip]
#[allow(missing_docs, unused_imports)]
mod generated;

mod bounds;
mod call;
mod client;
mod deprecation;
mod error;
mod hooks;
mod json_lines;
mod operation;
pub mod optional;
mod pages;
mod path;
mod retry;
mod secret;
#[cfg(feature = "study-tokens")]
pub mod study_tokens;
mod text;
mod token;
pub mod transfer;
mod unrecognized;
mod upload;
mod validate;
#[cfg(feature = "webhooks")]
pub mod webhooks;

/// What the generated mocks of `prolific-sdk-mock` share with the SDK, so that a mock matches
/// a request exactly as the SDK sends it. Not part of the SDK's API: it may change in any
/// release.
#[doc(hidden)]
pub mod __private {
    pub use crate::json_lines::encode as json_lines;
    pub use crate::path::segment as path_segment;
}

/// This crate's version, as sent in the `User-Agent` header: `prolific-sdk-rust/<VERSION>`.
pub const VERSION: &str = env!("CARGO_PKG_VERSION");

pub use client::{
    ClientBuilder, DEFAULT_BASE_URL, DEFAULT_MAX_RESPONSE_BYTES, DEFAULT_REFERER, TOKEN_VARIABLE,
    URL_VARIABLE,
};
pub use deprecation::DeprecationNotice;
pub use error::{
    ApiError, DecodeError, Error, ErrorBody, TransportError, ValidationError, WriteError,
};
pub use generated::{Client, ResponseValue, builder, types};
pub use optional::IntoOptional;
pub use secret::SecretString;
pub use text::{Text, TextOr};
pub use token::Token;
pub use transfer::{DownloadLink, TransferError, UploadLink};
pub use unrecognized::Unrecognized;
pub use upload::FilePart;

/// The HTTP client the SDK sends through, re-exported so that a custom client
/// ([`ClientBuilder::http_client`]) and the types in the SDK's API ([`StatusCode`],
/// [`header::HeaderMap`](reqwest::header::HeaderMap) in [`ResponseValue`]) come from the same
/// version of `reqwest` as the SDK's.
pub use reqwest;
pub use reqwest::StatusCode;
