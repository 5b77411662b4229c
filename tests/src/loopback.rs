//! A recording HTTP server on 127.0.0.1 for the tests, on wiremock's: it answers with canned
//! responses in turn, or with what a handler decides, and records every request (method,
//! target, headers, body bytes). Responses a conforming server would not send (an interim 1xx
//! as the answer, a body that breaks off) come from `raw.rs` instead.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

/// One request as the server received it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Recorded {
    /// The request method, e.g. `POST`.
    pub method: String,
    /// The request target: path and query.
    pub target: String,
    /// The headers in the order sent, names lower-cased.
    pub headers: Vec<(String, String)>,
    /// The body's bytes.
    pub body: Vec<u8>,
}

impl Recorded {
    /// The value of the header `name` (lower-case), if it was sent once or more.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
    }

    /// The body parsed as JSON.
    pub fn json(&self) -> serde_json::Value {
        serde_json::from_slice(&self.body).expect("the request body is JSON")
    }
}

/// A response the server sends.
#[derive(Debug, Clone)]
pub struct Canned {
    /// The status code.
    pub status: u16,
    /// Extra headers (`Content-Length` is always added).
    pub headers: Vec<(String, String)>,
    /// The body's bytes.
    pub body: Vec<u8>,
    /// How long the server waits before answering.
    pub delay: Duration,
}

impl Canned {
    /// A response with a JSON body.
    pub fn json(status: u16, body: &serde_json::Value) -> Self {
        Self::raw(
            status,
            "application/json",
            serde_json::to_vec(body).expect("JSON encodes"),
        )
    }

    /// A response with any body and content type.
    pub fn raw(status: u16, content_type: &str, body: impl Into<Vec<u8>>) -> Self {
        Self {
            status,
            headers: vec![("content-type".into(), content_type.into())],
            body: body.into(),
            delay: Duration::ZERO,
        }
    }

    /// Adds a header.
    pub fn with_header(mut self, name: &str, value: &str) -> Self {
        self.headers.push((name.into(), value.into()));
        self
    }

    /// Answers only after `delay` (the request has been read by then).
    pub fn after(mut self, delay: Duration) -> Self {
        self.delay = delay;
        self
    }
}

/// A server on 127.0.0.1 that answers the n-th request with the n-th canned response (the
/// last one again when they run out), and records every request. It stops when dropped.
pub struct Loopback {
    server: wiremock::MockServer,
    /// Every request so far; `None` for a server that keeps nothing (benchmarks).
    recorded: Option<Arc<Mutex<Vec<Recorded>>>>,
}

/// Decides the answer to a request, given the request and how many came before it.
type Handler = dyn Fn(&Recorded, usize) -> Canned + Send + Sync;

impl Loopback {
    /// Starts the server on a free loopback port, answering with `responses` in turn.
    pub async fn start(responses: Vec<Canned>) -> Self {
        assert!(!responses.is_empty(), "give the server something to answer");
        Self::serve(move |_, index| responses[index.min(responses.len() - 1)].clone()).await
    }

    /// Starts the server on a free loopback port, answering with what `handler` decides.
    pub async fn serve(
        handler: impl Fn(&Recorded, usize) -> Canned + Send + Sync + 'static,
    ) -> Self {
        Self::listen(handler, true).await
    }

    /// A server that answers every request with `answer` and keeps no record of them: for
    /// benchmarks, whose many requests must not fill memory.
    pub async fn answering(answer: Canned) -> Self {
        Self::listen(move |_, _| answer.clone(), false).await
    }

    async fn listen(
        handler: impl Fn(&Recorded, usize) -> Canned + Send + Sync + 'static,
        record: bool,
    ) -> Self {
        // A server of its own (not wiremock's shared pool): tests run in parallel.
        let server = wiremock::MockServer::builder().start().await;
        let recorded = record.then(|| Arc::new(Mutex::new(Vec::new())));
        let responder = Responder {
            handler: Arc::new(handler),
            recorded: recorded.clone(),
            answered: AtomicUsize::new(0),
        };
        wiremock::Mock::given(wiremock::matchers::any())
            .respond_with(responder)
            .mount(&server)
            .await;
        Self { server, recorded }
    }

    /// The base URL to give the client, e.g. `http://127.0.0.1:41234`.
    pub fn url(&self) -> String {
        self.server.uri()
    }

    /// Every request received so far, in order (none for a server made by `answering`).
    pub fn requests(&self) -> Vec<Recorded> {
        match &self.recorded {
            Some(all) => all.lock().expect("not poisoned").clone(),
            None => Vec::new(),
        }
    }
}

/// Records each request and answers it through the handler.
struct Responder {
    handler: Arc<Handler>,
    recorded: Option<Arc<Mutex<Vec<Recorded>>>>,
    answered: AtomicUsize,
}

impl wiremock::Respond for Responder {
    fn respond(&self, request: &wiremock::Request) -> wiremock::ResponseTemplate {
        let target = match request.url.query() {
            Some(query) => format!("{}?{query}", request.url.path()),
            None => request.url.path().to_string(),
        };
        let recorded = Recorded {
            method: request.method.to_string(),
            target,
            headers: request
                .headers
                .iter()
                .map(|(name, value)| {
                    let value = String::from_utf8_lossy(value.as_bytes()).into_owned();
                    (name.as_str().to_string(), value)
                })
                .collect(),
            body: request.body.clone(),
        };
        let index = self.answered.fetch_add(1, Ordering::SeqCst);
        let canned = (self.handler)(&recorded, index);
        if let Some(all) = &self.recorded {
            all.lock().expect("not poisoned").push(recorded);
        }
        let mut template = wiremock::ResponseTemplate::new(canned.status)
            .set_body_bytes(canned.body)
            .set_delay(canned.delay);
        for (name, value) in &canned.headers {
            template = template.insert_header(name.as_str(), value.as_str());
        }
        template
    }
}
