//! A server that answers with bytes the test writes itself: for what no conforming HTTP server
//! sends, and so no mocking library can: an interim 1xx as the final answer, a 204 or 304 with a
//! body, a body that breaks off before its `Content-Length`; and for a connection that ends
//! before any answer (closed, or reset). Each connection gets one answer and is then closed.

use std::net::SocketAddr;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpListener;

/// A server on 127.0.0.1 that answers every request with the bytes `answer` gives, then closes
/// the connection. It stops when dropped.
pub struct Raw {
    addr: SocketAddr,
    task: tokio::task::JoinHandle<()>,
    requests: Arc<AtomicUsize>,
}

/// What the server does once it has read a request.
pub enum Answer {
    /// Writes these bytes, then closes the connection.
    Bytes(Vec<u8>),
    /// Closes the connection without a byte: "connection closed before message completed".
    Close,
    /// Resets the connection (`SO_LINGER` 0): "connection reset by peer".
    Reset,
}

impl Raw {
    /// Starts the server on a free loopback port.
    pub async fn serve(answer: impl Fn() -> Vec<u8> + Send + Sync + 'static) -> Self {
        Self::answering(move |_| Answer::Bytes(answer())).await
    }

    /// Starts the server on a free loopback port; `answer` is given the request's number
    /// (0 for the first).
    pub async fn answering(answer: impl Fn(usize) -> Answer + Send + Sync + 'static) -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
        let addr = listener.local_addr().expect("local addr");
        let answer = Arc::new(answer);
        let requests = Arc::new(AtomicUsize::new(0));
        let counted = Arc::clone(&requests);
        let task = tokio::spawn(async move {
            while let Ok((mut stream, _)) = listener.accept().await {
                let answer = Arc::clone(&answer);
                let counted = Arc::clone(&counted);
                tokio::spawn(async move {
                    if !read_request(&mut stream).await {
                        return;
                    }
                    match answer(counted.fetch_add(1, Ordering::SeqCst)) {
                        Answer::Bytes(bytes) => {
                            let _ = stream.write_all(&bytes).await;
                            let _ = stream.shutdown().await;
                        }
                        Answer::Close => {
                            let _ = stream.shutdown().await;
                        }
                        Answer::Reset => {
                            let _ = stream.set_zero_linger();
                        }
                    }
                });
            }
        });
        Self {
            addr,
            task,
            requests,
        }
    }

    /// How many whole requests the server has read.
    pub fn requests(&self) -> usize {
        self.requests.load(Ordering::SeqCst)
    }

    /// The base URL to give the client, e.g. `http://127.0.0.1:41234`.
    pub fn url(&self) -> String {
        format!("http://{}", self.addr)
    }
}

impl Drop for Raw {
    fn drop(&mut self) {
        self.task.abort();
    }
}

/// A response's bytes: the status line, `content-type`, `connection: close`, the length given
/// (which need not be the body's), and the body.
pub fn response(status: u16, content_length: usize, body: &[u8]) -> Vec<u8> {
    let mut bytes = format!(
        "HTTP/1.1 {status} Raw\r\ncontent-type: application/json\r\nconnection: close\r\n\
         content-length: {content_length}\r\n\r\n"
    )
    .into_bytes();
    bytes.extend_from_slice(body);
    bytes
}

/// Reads the request's head and as much body as it announces; `false` if the connection ends
/// first or the head grows past 64 KiB.
async fn read_request(stream: &mut tokio::net::TcpStream) -> bool {
    let mut buffer = Vec::new();
    let mut chunk = [0u8; 8192];
    loop {
        if let Some(end) = buffer.windows(4).position(|w| w == b"\r\n\r\n") {
            let head = String::from_utf8_lossy(&buffer[..end]).to_ascii_lowercase();
            let length: usize = head
                .lines()
                .find_map(|line| line.strip_prefix("content-length:"))
                .and_then(|value| value.trim().parse().ok())
                .unwrap_or(0);
            while buffer.len() < end + 4 + length {
                match stream.read(&mut chunk).await {
                    Ok(0) | Err(_) => return false,
                    Ok(n) => buffer.extend_from_slice(&chunk[..n]),
                }
            }
            return true;
        }
        if buffer.len() > 64 * 1024 {
            return false;
        }
        match stream.read(&mut chunk).await {
            Ok(0) | Err(_) => return false,
            Ok(n) => buffer.extend_from_slice(&chunk[..n]),
        }
    }
}
