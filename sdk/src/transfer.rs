//! Files that travel through a pre-signed link rather than through Prolific's API: an operation
//! answers a URL signed for one file (`get_dataset_upload_url`'s `upload_url`, a batch report's
//! or an export's `url`), and the file goes to or comes from that URL directly.
//!
//! The link's host is not Prolific (a storage service), so what the client sends Prolific
//! stays home: no `Authorization`, no token, no `User-Agent` of the SDK, none of a custom HTTP
//! client's default headers. The URL is used exactly as given, since its query is the
//! signature. A file of any size is streamed, from a path or a reader, or to a writer, with no
//! total timeout: a transfer fails only when the connection stalls (no byte for the stall
//! timeout) or breaks. A link past its `expires_at` is refused before anything is sent, and no
//! error shows the link's query, which carries the signature.
//!
//! Which answers hold a link is read from the spec by `cargo xtask generate` (a schema with
//! `expires_at` beside `upload_url` or `url`): each such type implements [`UploadLink`] or
//! [`DownloadLink`], so a link is passed as the answer it came in, and nothing is written
//! per operation.

use std::fmt;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use reqwest::StatusCode;
use serde::Serialize;
use tokio::io::{AsyncWrite, AsyncWriteExt};

use crate::error::{Error, excerpt, write_chain};
use crate::{Client, FilePart};

/// How long a transfer may go without a byte moving before it is abandoned.
pub(crate) const STALL_TIMEOUT: Duration = Duration::from_secs(60);

/// An answer that holds a link to send one file to (`upload_url`, `http_method`,
/// `expires_at`). Implemented by the generated types of such answers only.
pub trait UploadLink: Serialize + sealed::Sealed {
    /// The answer's field that holds the link.
    #[doc(hidden)]
    const FIELD: &'static str;
}

/// An answer that holds a link to fetch one file from (`url`, `expires_at`, and maybe
/// `http_method`). Implemented by the generated types of such answers only.
pub trait DownloadLink: Serialize + sealed::Sealed {
    /// The answer's field that holds the link.
    #[doc(hidden)]
    const FIELD: &'static str;
}

pub(crate) mod sealed {
    /// Only the generated answer types hold links.
    pub trait Sealed {}
}

/// Which way a file travels.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Direction {
    /// To the link (an upload).
    Upload,
    /// From the link (a download).
    Download,
}

impl fmt::Display for Direction {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Direction::Upload => "upload to",
            Direction::Download => "download from",
        })
    }
}

/// A transfer through a pre-signed link failed. Its message names the link without its
/// query (the signature) and says what to do.
#[derive(Debug)]
pub struct TransferError {
    direction: Direction,
    /// The link's scheme, host and path: never its query.
    link: String,
    expires_at: Option<String>,
    cause: Cause,
}

#[derive(Debug)]
enum Cause {
    /// Refused before anything was sent.
    Refused(String),
    /// The link's host answered with an error status.
    Status(StatusCode, String),
    /// The connection failed, stalled or broke off.
    Transport(reqwest::Error),
    /// The file to send could not be read, or the writer could not be written.
    Io(String),
}

impl TransferError {
    /// Which way the file was to travel.
    pub fn direction(&self) -> Direction {
        self.direction
    }

    /// The status the link's host answered, when it answered one.
    pub fn status(&self) -> Option<StatusCode> {
        match &self.cause {
            Cause::Status(status, _) => Some(*status),
            Cause::Transport(e) => e.status(),
            _ => None,
        }
    }

    /// Whether the link had expired (refused before sending, or refused by its host after
    /// its `expires_at`).
    pub fn is_expired(&self) -> bool {
        self.expires_at
            .as_deref()
            .and_then(unix_seconds)
            .is_some_and(|expiry| expiry <= now())
            && !matches!(self.cause, Cause::Transport(_) | Cause::Io(_))
    }

    /// Whether anything was sent: `false` for a link refused before sending.
    pub fn was_sent(&self) -> bool {
        !matches!(self.cause, Cause::Refused(_))
    }
}

impl fmt::Display for TransferError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} {} failed: ", self.direction, self.link)?;
        match &self.cause {
            Cause::Refused(why) => write!(f, "{why}, nothing was sent")?,
            Cause::Status(status, body) if body.is_empty() => write!(f, "{status}")?,
            Cause::Status(status, body) => write!(f, "{status}: {body}")?,
            Cause::Transport(e) => {
                let what = if e.is_timeout() {
                    "no byte moved for the stall timeout"
                } else if e.is_connect() {
                    "could not connect"
                } else {
                    "the connection broke off"
                };
                write!(f, "{what}: ")?;
                write_chain(f, e)?;
            }
            Cause::Io(message) => f.write_str(message)?,
        }
        if self.is_expired() {
            let at = self.expires_at.as_deref().unwrap_or_default();
            write!(f, "; the link expired at {at}: ask Prolific for a new one")?;
        }
        Ok(())
    }
}

impl std::error::Error for TransferError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match &self.cause {
            Cause::Transport(e) => Some(e),
            _ => None,
        }
    }
}

/// A link read from an answer.
struct Link {
    url: reqwest::Url,
    shown: String,
    method: reqwest::Method,
    expires_at: Option<String>,
    content_type: Option<String>,
}

impl Client {
    /// Sends `file` to the pre-signed link in `answer` (for example the answer of
    /// `get_dataset_upload_url`), streamed, with the link's method (`PUT`) and exactly its URL,
    /// and without the API token or any header of the client's. Returns the status the link's
    /// host answered.
    ///
    /// ```no_run
    /// # async fn run(client: prolific_sdk::Client) -> Result<(), prolific_sdk::Error> {
    /// use prolific_sdk::FilePart;
    ///
    /// let link = client
    ///     .get_dataset_upload_url()
    ///     .dataset_id("0192a3b4")
    ///     .filename("answers.csv")
    ///     .send()
    ///     .await?
    ///     .into_inner();
    /// client.upload_to(&link, FilePart::from_path("answers.csv")).await?;
    /// # Ok(())
    /// # }
    /// ```
    pub async fn upload_to<L: UploadLink>(
        &self,
        answer: &L,
        file: FilePart,
    ) -> Result<StatusCode, Error> {
        let link = self.link(answer, L::FIELD, Direction::Upload, reqwest::Method::PUT)?;
        let failed = |cause| transfer_error(&link, Direction::Upload, cause);
        let body = file
            .into_body("file")
            .await
            .map_err(|e| failed(Cause::Io(e)))?;
        let mut request = self
            .inner
            .transfer
            .request(link.method.clone(), link.url.clone());
        if let Some(length) = body.length {
            request = request.header(reqwest::header::CONTENT_LENGTH, length);
        }
        // The type the link was signed for wins: a storage service refuses any other.
        if let Some(media) = link
            .content_type
            .as_deref()
            .or(body.content_type.as_deref())
        {
            request = request.header(reqwest::header::CONTENT_TYPE, media);
        }
        let response = request
            .body(body.body)
            .send()
            .await
            .map_err(|e| failed(Cause::Transport(e.without_url())))?;
        let status = response.status();
        if status.is_success() {
            return Ok(status);
        }
        let body = response.bytes().await.unwrap_or_default();
        Err(failed(Cause::Status(status, excerpt(&body))))
    }

    /// Streams the file at the pre-signed link in `answer` (a batch report, a finished
    /// export) to `writer`, whatever its size, without the API token or any header of the
    /// client's; returns how many bytes were written.
    pub async fn download_from<L, W>(&self, answer: &L, writer: &mut W) -> Result<u64, Error>
    where
        L: DownloadLink,
        W: AsyncWrite + Unpin + ?Sized,
    {
        let link = self.link(answer, L::FIELD, Direction::Download, reqwest::Method::GET)?;
        let failed = |cause| transfer_error(&link, Direction::Download, cause);
        let mut response = self
            .inner
            .transfer
            .request(link.method.clone(), link.url.clone())
            .send()
            .await
            .map_err(|e| failed(Cause::Transport(e.without_url())))?;
        let status = response.status();
        if !status.is_success() {
            let body = response.bytes().await.unwrap_or_default();
            return Err(failed(Cause::Status(status, excerpt(&body))));
        }
        let mut written = 0u64;
        while let Some(chunk) = response
            .chunk()
            .await
            .map_err(|e| failed(Cause::Transport(e.without_url())))?
        {
            writer
                .write_all(&chunk)
                .await
                .map_err(|e| failed(Cause::Io(format!("the writer failed: {e}"))))?;
            written += chunk.len() as u64;
        }
        writer
            .flush()
            .await
            .map_err(|e| failed(Cause::Io(format!("the writer failed: {e}"))))?;
        Ok(written)
    }

    /// The link in `answer`'s `field`, checked: a URL that parses to itself, `https` (or
    /// `http` to a loopback host, or anywhere when the client allows insecure HTTP), a method,
    /// and not past its `expires_at`.
    fn link(
        &self,
        answer: &impl Serialize,
        field: &str,
        direction: Direction,
        default_method: reqwest::Method,
    ) -> Result<Link, Error> {
        let value = serde_json::to_value(answer).unwrap_or_default();
        let text = |key: &str| value.get(key).and_then(|v| v.as_str()).map(str::to_string);
        let given = text(field).unwrap_or_default();
        let shown = given
            .split(['?', '#'])
            .next()
            .unwrap_or_default()
            .to_string();
        let mut link = Link {
            url: reqwest::Url::parse("http://127.0.0.1/").expect("a literal URL"),
            shown,
            method: default_method,
            expires_at: text("expires_at"),
            content_type: text("content_type"),
        };
        let refuse =
            |link: &Link, why: String| transfer_error(link, direction, Cause::Refused(why));
        if given.is_empty() {
            return Err(refuse(&link, format!("the answer holds no `{field}`")));
        }
        link.url = match reqwest::Url::parse(&given) {
            Ok(url) if url.as_str() == given => url,
            Ok(_) => {
                return Err(refuse(
                    &link,
                    "the link would not be sent exactly as given (it is not written in its \
                     normal form); report it to Prolific"
                        .into(),
                ));
            }
            Err(e) => return Err(refuse(&link, format!("the link is not a URL ({e})"))),
        };
        let loopback = match link.url.host() {
            Some(url::Host::Ipv4(ip)) => ip.is_loopback(),
            Some(url::Host::Ipv6(ip)) => ip.is_loopback(),
            Some(url::Host::Domain(name)) => name == "localhost",
            None => false,
        };
        let secure = link.url.scheme() == "https"
            || (link.url.scheme() == "http" && (loopback || self.inner.allow_insecure_http));
        if !secure {
            return Err(refuse(
                &link,
                "the link is not https; allow insecure HTTP on the client to use it".into(),
            ));
        }
        if let Some(method) = text("http_method") {
            link.method = reqwest::Method::from_bytes(method.as_bytes())
                .map_err(|_| refuse(&link, format!("`{method}` is not an HTTP method")))?;
        }
        let expired = link
            .expires_at
            .as_deref()
            .and_then(unix_seconds)
            .is_some_and(|expiry| expiry <= now());
        if expired {
            return Err(refuse(&link, "the link has expired".into()));
        }
        Ok(link)
    }
}

fn transfer_error(link: &Link, direction: Direction, cause: Cause) -> Error {
    Error::Transfer(TransferError {
        direction,
        link: link.shown.clone(),
        expires_at: link.expires_at.clone(),
        cause,
    })
}

fn now() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_secs() as i64)
}

/// Seconds since 1970 of an RFC 3339 time (`2026-03-06T12:00:00Z`, fractions and an offset
/// allowed), or `None` for anything else: a link whose expiry cannot be read is sent, and its
/// host decides.
fn unix_seconds(text: &str) -> Option<i64> {
    let number = |range: std::ops::Range<usize>| -> Option<i64> {
        let part = text.get(range)?;
        part.bytes()
            .all(|b| b.is_ascii_digit())
            .then(|| part.parse().ok())?
    };
    let bytes = text.as_bytes();
    if bytes.len() < 20
        || bytes[4] != b'-'
        || bytes[7] != b'-'
        || !matches!(bytes[10], b'T' | b't' | b' ')
        || bytes[13] != b':'
        || bytes[16] != b':'
    {
        return None;
    }
    let (year, month, day) = (number(0..4)?, number(5..7)?, number(8..10)?);
    let (hour, minute, second) = (number(11..13)?, number(14..16)?, number(17..19)?);
    if !(1..=12).contains(&month) || !(1..=31).contains(&day) || hour > 23 || minute > 59 {
        return None;
    }
    // The offset follows the seconds and any fraction.
    let rest = text[19..].trim_start_matches(|c: char| c == '.' || c.is_ascii_digit());
    let offset = match rest {
        "Z" | "z" => 0,
        _ if rest.len() == 6 && matches!(&rest[3..4], ":") => {
            let sign = match &rest[..1] {
                "+" => 1,
                "-" => -1,
                _ => return None,
            };
            let hours: i64 = rest[1..3].parse().ok()?;
            let minutes: i64 = rest[4..6].parse().ok()?;
            sign * (hours * 3600 + minutes * 60)
        }
        _ => return None,
    };
    // Days from the civil date (Howard Hinnant's algorithm).
    let y = if month <= 2 { year - 1 } else { year };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let m = month;
    let doy = (153 * (if m > 2 { m - 3 } else { m + 9 }) + 2) / 5 + day - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    let days = era * 146_097 + doe - 719_468;
    Some(days * 86_400 + hour * 3600 + minute * 60 + second - offset)
}

#[cfg(test)]
mod tests {
    use super::unix_seconds;

    #[test]
    fn rfc_3339_times_read_as_seconds_since_1970() {
        assert_eq!(unix_seconds("1970-01-01T00:00:00Z"), Some(0));
        assert_eq!(unix_seconds("2026-03-06T12:00:00Z"), Some(1_772_798_400));
        assert_eq!(
            unix_seconds("2026-03-06T12:00:00.123456Z"),
            Some(1_772_798_400)
        );
        assert_eq!(
            unix_seconds("2026-03-06T13:00:00+01:00"),
            Some(1_772_798_400)
        );
        assert_eq!(unix_seconds("2000-02-29T00:00:00Z"), Some(951_782_400));
        for unreadable in [
            "",
            "2026-03-06",
            "2026-13-06T12:00:00Z",
            "tomorrow at noon",
            "2026-03-06T12:00:00",
        ] {
            assert_eq!(unix_seconds(unreadable), None, "{unreadable}");
        }
    }
}
