//! Receives Prolific hook deliveries: each one verified (`prolific_sdk::webhooks`) and printed
//! as one line on stdout, `<event_type> resource_id=<id>`, or refused with a 4xx and one line
//! on stderr. Delivery is at least once: a redelivery of an event already handled (the same
//! `X-Event-ID`) is answered 200 and not handled again. Neither the secret nor a body is ever
//! printed.
//!
//! ```sh
//! PROLIFIC_HOOK_SECRET='…' cargo run -p prolific-sdk --features webhooks --example receive_webhooks -- 127.0.0.1:8080
//! ```
//!
//! The secret is the workspace's hook secret (`POST /api/v1/hooks/secrets/`); the address is
//! the first argument, `127.0.0.1:8080` by default (`:0` picks a free port). Prolific only
//! delivers to a public `https://` URL: put this behind a TLS-terminating proxy or tunnel.

use std::collections::{HashSet, VecDeque};
use std::convert::Infallible;
use std::net::SocketAddr;
use std::process::ExitCode;
use std::sync::{Arc, Mutex};

use http_body_util::{BodyExt, Full, Limited};
use hyper::body::{Bytes, Incoming};
use hyper::server::conn::http1;
use hyper::service::service_fn;
use hyper::{Method, Request, Response, StatusCode};
use hyper_util::rt::TokioIo;
use prolific_sdk::webhooks::{Secret, Verifier, VerifyError};
use tokio::net::TcpListener;

/// The variable that holds the workspace's hook secret.
const SECRET_VARIABLE: &str = "PROLIFIC_HOOK_SECRET";
/// Where to listen when no address is given: loopback only.
const DEFAULT_ADDRESS: &str = "127.0.0.1:8080";
/// Deliveries are a few hundred bytes; a larger body is refused unread.
const MAX_BODY_BYTES: usize = 64 * 1024;
/// How many event ids are remembered to deduplicate on: Prolific redelivers within 48 hours.
const REMEMBERED_EVENTS: usize = 100_000;

/// The ids of the events handled lately, oldest first out.
#[derive(Default)]
struct Seen {
    ids: HashSet<String>,
    order: VecDeque<String>,
}

impl Seen {
    /// Whether `id` is new (and from now on remembered).
    fn first_time(&mut self, id: &str) -> bool {
        if self.ids.contains(id) {
            return false;
        }
        if self.order.len() == REMEMBERED_EVENTS
            && let Some(oldest) = self.order.pop_front()
        {
            self.ids.remove(&oldest);
        }
        self.ids.insert(id.to_string());
        self.order.push_back(id.to_string());
        true
    }
}

#[tokio::main]
async fn main() -> ExitCode {
    match run().await {
        Ok(()) => ExitCode::SUCCESS,
        Err(line) => {
            eprintln!("error: {line}");
            ExitCode::FAILURE
        }
    }
}

async fn run() -> Result<(), String> {
    let secret = std::env::var(SECRET_VARIABLE)
        .ok()
        .filter(|secret| !secret.trim().is_empty())
        .ok_or_else(|| {
            format!(
                "{SECRET_VARIABLE} is not set: set it to the workspace's hook secret \
                 (POST /api/v1/hooks/secrets/)"
            )
        })?;
    let address = std::env::args()
        .nth(1)
        .unwrap_or_else(|| DEFAULT_ADDRESS.to_string());
    let address: SocketAddr = address.parse().map_err(|_| {
        format!("{address:?} is not an address to listen on: give one like {DEFAULT_ADDRESS}")
    })?;
    let listener = TcpListener::bind(address)
        .await
        .map_err(|error| format!("cannot listen on {address}: {error}"))?;
    let bound = listener
        .local_addr()
        .map_err(|error| format!("cannot read the address listened on: {error}"))?;
    eprintln!("listening on http://{bound}");

    let verifier = Arc::new(Verifier::new(Secret::new(secret)));
    let seen = Arc::new(Mutex::new(Seen::default()));
    loop {
        let stream = match listener.accept().await {
            Ok((stream, _)) => stream,
            // A connection that failed before it was accepted concerns no delivery.
            Err(_) => continue,
        };
        let verifier = Arc::clone(&verifier);
        let seen = Arc::clone(&seen);
        tokio::spawn(async move {
            let service = service_fn(move |request| {
                let verifier = Arc::clone(&verifier);
                let seen = Arc::clone(&seen);
                async move { Ok::<_, Infallible>(receive(&verifier, &seen, request).await) }
            });
            // A client that breaks the connection off has had its answer or gets none.
            let _ = http1::Builder::new()
                .serve_connection(TokioIo::new(stream), service)
                .await;
        });
    }
}

/// One delivery: read under the cap, verified, printed (once per event) or refused.
async fn receive(
    verifier: &Verifier,
    seen: &Mutex<Seen>,
    request: Request<Incoming>,
) -> Response<Full<Bytes>> {
    if request.method() != Method::POST {
        return refuse(
            StatusCode::METHOD_NOT_ALLOWED,
            "only POST is a hook delivery: send it with POST",
        );
    }
    let (parts, body) = request.into_parts();
    let body = match Limited::new(body, MAX_BODY_BYTES).collect().await {
        Ok(collected) => collected.to_bytes(),
        Err(_) => {
            return refuse(
                StatusCode::PAYLOAD_TOO_LARGE,
                "the body is over 64 KiB or broke off: refused unread",
            );
        }
    };
    match verifier.verify(&parts.headers, &body) {
        Ok(event) => {
            // Checked after the signature: an unsigned request cannot fill the memory.
            let first_time = match &event.event_id {
                Some(id) => seen.lock().map_or(true, |mut seen| seen.first_time(id)),
                None => true,
            };
            if !first_time {
                eprintln!("already handled: a redelivery, answered 200");
                return answer(StatusCode::OK);
            }
            println!(
                "{} resource_id={}",
                event.event_type.escape_debug(),
                event.resource_id.escape_debug()
            );
            answer(StatusCode::OK)
        }
        Err(error) => refuse(status_of(&error), &error.to_string()),
    }
}

/// 401 for a delivery that is not Prolific's now (forged, tampered, replayed), 400 for one
/// that is not a delivery at all.
fn status_of(error: &VerifyError) -> StatusCode {
    match error {
        VerifyError::BadSignature
        | VerifyError::Stale { .. }
        | VerifyError::FromTheFuture { .. } => StatusCode::UNAUTHORIZED,
        _ => StatusCode::BAD_REQUEST,
    }
}

fn refuse(status: StatusCode, line: &str) -> Response<Full<Bytes>> {
    eprintln!("refused ({}): {line}", status.as_u16());
    answer(status)
}

fn answer(status: StatusCode) -> Response<Full<Bytes>> {
    let mut response = Response::new(Full::new(Bytes::new()));
    *response.status_mut() = status;
    response
}
