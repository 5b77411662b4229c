//! A recording HTTP/1.1 server on 127.0.0.1, hand-written on tokio and httparse rather than
//! taken from a mocking crate: tests need the exact bytes on the wire, and to send broken or
//! late responses.

use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

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

    /// Whether the server closes the connection after this response (`connection: close`).
    fn closes(&self) -> bool {
        self.headers
            .iter()
            .any(|(n, v)| n.eq_ignore_ascii_case("connection") && v.eq_ignore_ascii_case("close"))
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
    addr: SocketAddr,
    /// Every request so far; `None` for a server that keeps nothing (benchmarks).
    recorded: Option<Arc<Mutex<Vec<Recorded>>>>,
    task: tokio::task::JoinHandle<()>,
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
        let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
        let addr = listener.local_addr().expect("local addr");
        let recorded = record.then(|| Arc::new(Mutex::new(Vec::new())));
        let handler: Arc<Handler> = Arc::new(handler);
        let task = {
            let recorded = recorded.clone();
            tokio::spawn(async move {
                while let Ok((stream, _)) = listener.accept().await {
                    let (recorded, handler) = (recorded.clone(), Arc::clone(&handler));
                    tokio::spawn(serve(stream, recorded, handler));
                }
            })
        };
        Self {
            addr,
            recorded,
            task,
        }
    }

    /// The base URL to give the client, e.g. `http://127.0.0.1:41234`.
    pub fn url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// Every request received so far, in order (none for a server made by `answering`).
    pub fn requests(&self) -> Vec<Recorded> {
        match &self.recorded {
            Some(all) => all.lock().expect("not poisoned").clone(),
            None => Vec::new(),
        }
    }
}

impl Drop for Loopback {
    fn drop(&mut self) {
        self.task.abort();
    }
}

/// Serves one connection, request after request (clients keep connections alive).
async fn serve(
    mut stream: TcpStream,
    recorded: Option<Arc<Mutex<Vec<Recorded>>>>,
    handler: Arc<Handler>,
) {
    let mut buffer = Vec::new();
    let mut unrecorded = 0;
    while let Some(request) = read_request(&mut stream, &mut buffer).await {
        let index = match &recorded {
            Some(recorded) => {
                let mut all = recorded.lock().expect("not poisoned");
                all.push(request.clone());
                all.len() - 1
            }
            None => {
                unrecorded += 1;
                unrecorded - 1
            }
        };
        let response = &handler(&request, index);
        tokio::time::sleep(response.delay).await;
        if stream.write_all(&encode(response)).await.is_err() || response.closes() {
            return;
        }
    }
}

/// Reads one request; `None` when the connection closes or the request is malformed.
async fn read_request(stream: &mut TcpStream, buffer: &mut Vec<u8>) -> Option<Recorded> {
    loop {
        let mut headers = [httparse::EMPTY_HEADER; 64];
        let mut request = httparse::Request::new(&mut headers);
        if let httparse::Status::Complete(head_len) = request.parse(buffer).ok()? {
            let headers: Vec<(String, String)> = request
                .headers
                .iter()
                .map(|h| {
                    (
                        h.name.to_ascii_lowercase(),
                        String::from_utf8_lossy(h.value).into_owned(),
                    )
                })
                .collect();
            let method = request.method?.to_string();
            let target = request.path?.to_string();
            let body_len: usize = headers
                .iter()
                .find(|(n, _)| n == "content-length")
                .and_then(|(_, v)| v.parse().ok())
                .unwrap_or(0);
            while buffer.len() < head_len + body_len {
                read_more(stream, buffer).await?;
            }
            let body = buffer[head_len..head_len + body_len].to_vec();
            buffer.drain(..head_len + body_len);
            return Some(Recorded {
                method,
                target,
                headers,
                body,
            });
        }
        read_more(stream, buffer).await?;
    }
}

async fn read_more(stream: &mut TcpStream, buffer: &mut Vec<u8>) -> Option<()> {
    let mut chunk = [0u8; 8192];
    match stream.read(&mut chunk).await {
        Ok(0) | Err(_) => None,
        Ok(n) => {
            buffer.extend_from_slice(&chunk[..n]);
            Some(())
        }
    }
}

fn encode(response: &Canned) -> Vec<u8> {
    let mut head = format!("HTTP/1.1 {} Canned\r\n", response.status);
    for (name, value) in &response.headers {
        head.push_str(&format!("{name}: {value}\r\n"));
    }
    head.push_str(&format!("content-length: {}\r\n\r\n", response.body.len()));
    let mut bytes = head.into_bytes();
    bytes.extend_from_slice(&response.body);
    bytes
}
