//! `cargo xtask drift https://…`: Prolific's document as its authors publish it, fetched by the
//! xtask (the SDK never fetches a document). The fetch is bounded in time and size, and every
//! way it can fail is one line that says what to do: no answer, an answer other than 200, a
//! body cut short, a body too large, a body that is not YAML or JSON.

use std::io::Read;
use std::time::Duration;

/// How long a fetch may take, and how large a document may be.
#[derive(Debug, Clone, Copy)]
pub struct Limits {
    /// The whole exchange, connection to last byte.
    pub timeout: Duration,
    /// The body's size; a larger one is refused rather than read.
    pub max_bytes: u64,
}

impl Default for Limits {
    /// 60 s and 32 MiB: Prolific's document is about 1 MiB and arrives in a second or two.
    fn default() -> Self {
        Limits {
            timeout: Duration::from_secs(60),
            max_bytes: 32 * 1024 * 1024,
        }
    }
}

/// Whether `upstream` names a document on the web rather than a file.
pub fn is_url(upstream: &str) -> bool {
    upstream.starts_with("https://") || upstream.starts_with("http://")
}

/// The document at `url`: its bytes, and whether the server says it is JSON (else it is read
/// as YAML, which also reads JSON).
pub fn fetch(url: &str, limits: Limits) -> Result<(Vec<u8>, bool), String> {
    let client = reqwest::blocking::Client::builder()
        .timeout(limits.timeout)
        .user_agent(concat!("prolific-sdk-xtask/", env!("CARGO_PKG_VERSION")))
        .build()
        .map_err(|e| format!("{url}: cannot set up the HTTP client: {e}"))?;
    let seconds = limits.timeout.as_secs_f64();
    let failed = |e: reqwest::Error| {
        if e.is_timeout() {
            format!(
                "{url}: no whole answer within {seconds} s; try again later, or download the \
                 document and pass its file"
            )
        } else {
            format!(
                "{url}: cannot fetch the document ({}); check the address and the network",
                crate::spec::one_line(&error_chain(&e))
            )
        }
    };
    let response = client.get(url).send().map_err(failed)?;
    let status = response.status();
    if status != reqwest::StatusCode::OK {
        return Err(format!(
            "{url}: the server answered {status}, not 200 OK; pass the address of the OpenAPI \
             document itself"
        ));
    }
    let too_large = || {
        format!(
            "{url}: the document is larger than {} bytes; pass the address of the OpenAPI \
             document itself, or a file",
            limits.max_bytes
        )
    };
    if response
        .content_length()
        .is_some_and(|n| n > limits.max_bytes)
    {
        return Err(too_large());
    }
    let json = response
        .headers()
        .get(reqwest::header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(spec_model::is_json);
    let mut bytes = Vec::new();
    response
        .take(limits.max_bytes + 1)
        .read_to_end(&mut bytes)
        .map_err(|e| {
            if e.kind() == std::io::ErrorKind::TimedOut || e.to_string().contains("timed out") {
                format!(
                    "{url}: no whole answer within {seconds} s; try again later, or download \
                     the document and pass its file"
                )
            } else {
                format!(
                    "{url}: the document ended before the server said it would ({}); try again",
                    crate::spec::one_line(&e.to_string())
                )
            }
        })?;
    if bytes.len() as u64 > limits.max_bytes {
        return Err(too_large());
    }
    Ok((bytes, json))
}

/// An error with its causes, `outer: inner: innermost`: reqwest's own line names only the
/// request, its causes say why.
fn error_chain(error: &dyn std::error::Error) -> String {
    let mut text = error.to_string();
    let mut source = error.source();
    while let Some(cause) = source {
        text.push_str(": ");
        text.push_str(&cause.to_string());
        source = cause.source();
    }
    text
}
