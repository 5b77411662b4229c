//! The entry page of a secure study (`is_external_study_url_secure: true`): each participant
//! Prolific sends arrives with `prolific_token` in the query, verified with
//! `prolific_sdk::study_tokens` before the study begins. An admitted participant is answered
//! 200 and printed as one line on stdout, `admitted participant=<PROLIFIC_PID>
//! session=<session>`; anyone else is answered 401 (or 400) with one line on stderr. The
//! token itself is never printed.
//!
//! ```sh
//! PROLIFIC_TOKEN='…' PROLIFIC_STUDY_SITE=https://study.example.org \
//!   PROLIFIC_WORKSPACE_ID='…' \
//!   cargo run -p prolific-sdk --features study-tokens --example admit_participants -- 127.0.0.1:8080
//! ```
//!
//! `PROLIFIC_STUDY_SITE` is the scheme and host of the study's external URL (the tokens'
//! audience); `PROLIFIC_WORKSPACE_ID` the workspace that runs the study. The key set is fetched
//! through the SDK's client (`PROLIFIC_TOKEN`, and `PROLIFIC_URL` as everywhere). The address is
//! the first argument, `127.0.0.1:8080` by default (`:0` picks a free port); put it behind the
//! site's TLS.

use std::convert::Infallible;
use std::net::SocketAddr;
use std::process::ExitCode;
use std::sync::Arc;

use http_body_util::Full;
use hyper::body::{Bytes, Incoming};
use hyper::server::conn::http1;
use hyper::service::service_fn;
use hyper::{Method, Request, Response, StatusCode};
use hyper_util::rt::TokioIo;
use prolific_sdk::Client;
use prolific_sdk::study_tokens::{QUERY_PARAMETER, StudyTokenError, StudyTokenVerifier};
use tokio::net::TcpListener;

/// The variable that holds the study's site, the tokens' audience.
const SITE_VARIABLE: &str = "PROLIFIC_STUDY_SITE";
/// The variable that holds the id of the workspace that runs the study.
const WORKSPACE_VARIABLE: &str = "PROLIFIC_WORKSPACE_ID";
/// Where to listen when no address is given: loopback only.
const DEFAULT_ADDRESS: &str = "127.0.0.1:8080";

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

fn variable(name: &str, what: &str) -> Result<String, String> {
    std::env::var(name)
        .ok()
        .filter(|value| !value.trim().is_empty())
        .ok_or_else(|| format!("{name} is not set: set it to {what}"))
}

async fn run() -> Result<(), String> {
    let site = variable(
        SITE_VARIABLE,
        "the scheme and host of the study's external URL, e.g. https://study.example.org",
    )?;
    let workspace = variable(
        WORKSPACE_VARIABLE,
        "the id of the workspace that runs the study",
    )?;
    let client = Client::from_env().map_err(|error| error.to_string())?;
    let verifier =
        StudyTokenVerifier::new(client, &site, workspace).map_err(|error| error.to_string())?;

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

    let verifier = Arc::new(verifier);
    loop {
        let stream = match listener.accept().await {
            Ok((stream, _)) => stream,
            // A connection that failed before it was accepted concerns no participant.
            Err(_) => continue,
        };
        let verifier = Arc::clone(&verifier);
        tokio::spawn(async move {
            let service = service_fn(move |request| {
                let verifier = Arc::clone(&verifier);
                async move { Ok::<_, Infallible>(admit(&verifier, request).await) }
            });
            // A client that breaks the connection off has had its answer or gets none.
            let _ = http1::Builder::new()
                .serve_connection(TokioIo::new(stream), service)
                .await;
        });
    }
}

/// One arrival: the token verified, and every parameter it signed equal to the query's.
async fn admit(verifier: &StudyTokenVerifier, request: Request<Incoming>) -> Response<Full<Bytes>> {
    if request.method() != Method::GET {
        return refuse(
            StatusCode::METHOD_NOT_ALLOWED,
            "a participant arrives with GET",
        );
    }
    let query: Vec<(String, String)> =
        url::form_urlencoded::parse(request.uri().query().unwrap_or("").as_bytes())
            .into_owned()
            .collect();
    let Some((_, token)) = query.iter().find(|(name, _)| name == QUERY_PARAMETER) else {
        return refuse(
            StatusCode::BAD_REQUEST,
            "no prolific_token in the query: open the study from Prolific",
        );
    };
    let token = match verifier.verify(token).await {
        Ok(token) => token,
        Err(error) => return refuse(status_of(&error), &error.to_string()),
    };
    // The query is the participant's to edit; only the signed values count, and an edited
    // one gives the visit away.
    for (name, value) in &query {
        if token.parameter(name).is_some_and(|signed| signed != value) {
            return refuse(
                StatusCode::UNAUTHORIZED,
                &format!(
                    "the query's {} differs from the signed one",
                    name.escape_debug()
                ),
            );
        }
    }
    println!(
        "admitted participant={} session={}",
        token.participant_id().unwrap_or("-").escape_debug(),
        token.session_id.escape_debug()
    );
    answer(StatusCode::OK, "Welcome to the study.\n")
}

/// 503 when Prolific's keys cannot be had (the participant may try again), 401 otherwise.
fn status_of(error: &StudyTokenError) -> StatusCode {
    match error {
        StudyTokenError::KeySet(_) | StudyTokenError::KeySetUnavailable => {
            StatusCode::SERVICE_UNAVAILABLE
        }
        _ => StatusCode::UNAUTHORIZED,
    }
}

fn refuse(status: StatusCode, line: &str) -> Response<Full<Bytes>> {
    eprintln!("refused ({}): {line}", status.as_u16());
    answer(
        status,
        "You cannot take part from this link; open the study from Prolific.\n",
    )
}

fn answer(status: StatusCode, text: &str) -> Response<Full<Bytes>> {
    let mut response = Response::new(Full::new(Bytes::from(text.to_string())));
    *response.status_mut() = status;
    response
}
