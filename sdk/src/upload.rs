//! Request bodies sent as `multipart/form-data` (a dataset's files): what the builder of such an
//! operation collects ([`Form`], generated setters, xtask/src/generate/rewrite/form.rs) and the
//! [`FilePart`]s users give it.
//!
//! A file part is streamed: from a path, opened only when the request is sent, or from any
//! [`AsyncRead`], a chunk at a time. Its bytes are never read whole into memory, and no
//! response cap applies to them (the cap is on what the SDK reads, not what it sends). A
//! streamed body cannot be sent twice, so such a request is never retried
//! (`hooks::send` keeps a copy only of a body in memory).

use std::fmt;
use std::path::{Path, PathBuf};
use std::pin::Pin;
use std::sync::{Arc, Mutex};

use reqwest::multipart::{Form as WireForm, Part};
use tokio::io::AsyncRead;
use tokio_util::io::ReaderStream;

/// The media type of a file part whose type was not given.
const OCTET_STREAM: &str = "application/octet-stream";

/// A reader shared by the clones of one builder: the first `send()` takes it.
type SharedReader = Arc<Mutex<Option<Pin<Box<dyn AsyncRead + Send>>>>>;

/// One file of a `multipart/form-data` upload, streamed when the request is sent.
///
/// ```no_run
/// # async fn run(client: prolific_sdk::Client) -> Result<(), prolific_sdk::Error> {
/// use prolific_sdk::FilePart;
///
/// let csv = FilePart::from_path("answers.csv").content_type("text/csv");
/// client.upload_files_to_batch().dataset_id("0192a3b4").files([csv]).send().await?;
/// # Ok(())
/// # }
/// ```
#[derive(Clone)]
pub struct FilePart {
    source: Source,
    file_name: Option<String>,
    content_type: Option<String>,
    length: Option<u64>,
}

#[derive(Clone)]
enum Source {
    Path(PathBuf),
    Reader(SharedReader),
}

impl FilePart {
    /// The file at `path`, opened when the request is sent and streamed from disk; its file
    /// name on the wire is the path's last component, and its length the file's, so the
    /// request states its `Content-Length`.
    pub fn from_path(path: impl AsRef<Path>) -> Self {
        let path = path.as_ref().to_path_buf();
        let file_name = path
            .file_name()
            .map(|name| name.to_string_lossy().into_owned());
        Self {
            source: Source::Path(path),
            file_name,
            content_type: None,
            length: None,
        }
    }

    /// The bytes `reader` gives, streamed a chunk at a time, under the file name `file_name`.
    /// A reader streams once: a second `send()` of a clone of the same builder fails before
    /// sending. Without [`FilePart::length`] the request is sent in chunks, without a
    /// `Content-Length`.
    pub fn from_reader(
        reader: impl AsyncRead + Send + 'static,
        file_name: impl Into<String>,
    ) -> Self {
        Self {
            source: Source::Reader(Arc::new(Mutex::new(Some(Box::pin(reader))))),
            file_name: Some(file_name.into()),
            content_type: None,
            length: None,
        }
    }

    /// The file name sent with the part, instead of the path's (or the one given with the
    /// reader).
    pub fn file_name(mut self, name: impl Into<String>) -> Self {
        self.file_name = Some(name.into());
        self
    }

    /// The part's media type (`text/csv`); left out, `application/octet-stream`. A value that is
    /// not a media type fails `send()` before anything is sent.
    pub fn content_type(mut self, media_type: impl Into<String>) -> Self {
        self.content_type = Some(media_type.into());
        self
    }

    /// The exact number of bytes a reader gives, so that the request states its
    /// `Content-Length`. It must be exact: the server reads that many bytes. A file's length is
    /// read from the file itself; a length given here is used instead.
    pub fn length(mut self, bytes: u64) -> Self {
        self.length = Some(bytes);
        self
    }

    /// The part as reqwest sends it: the file opened (or the reader taken) and wrapped as a
    /// stream. `name` is the form's part name, for the error.
    async fn into_part(self, name: &str) -> Result<Part, String> {
        let (file_name, content_type) = (self.file_name.clone(), self.content_type.clone());
        let Streamed { body, length, .. } = self.into_body(&format!("file part `{name}`")).await?;
        let part = match length {
            Some(length) => Part::stream_with_length(body, length),
            None => Part::stream(body),
        };
        let part = match file_name {
            Some(file_name) => part.file_name(file_name),
            None => part,
        };
        let media = content_type.as_deref().unwrap_or(OCTET_STREAM);
        part.mime_str(media).map_err(|_| {
            format!(
                "file part `{name}`: `{media}` is not a media type; pass one such as `text/csv`"
            )
        })
    }

    /// The file as a body streamed when the request is sent, with its length when known;
    /// `what` names it in the error (a form's part, a pre-signed upload's file).
    pub(crate) async fn into_body(self, what: &str) -> Result<Streamed, String> {
        let (body, length) = match self.source {
            Source::Path(path) => {
                let file = tokio::fs::File::open(&path).await.map_err(|e| {
                    format!(
                        "{what}: cannot open {}: {e}; pass a readable file",
                        path.display()
                    )
                })?;
                let length = match self.length {
                    Some(length) => Some(length),
                    None => file.metadata().await.ok().map(|meta| meta.len()),
                };
                (reqwest::Body::wrap_stream(ReaderStream::new(file)), length)
            }
            Source::Reader(shared) => {
                let reader = shared
                    .lock()
                    .ok()
                    .and_then(|mut slot| slot.take())
                    .ok_or_else(|| {
                        format!(
                            "{what}: its reader was sent already (a reader streams once); give \
                             the request a new FilePart"
                        )
                    })?;
                (
                    reqwest::Body::wrap_stream(ReaderStream::new(reader)),
                    self.length,
                )
            }
        };
        Ok(Streamed {
            body,
            length,
            content_type: self.content_type,
        })
    }
}

/// A file made into a streamed body ([`FilePart::into_body`]).
pub(crate) struct Streamed {
    /// The bytes, read as they are sent.
    pub body: reqwest::Body,
    /// How many bytes, when known (a path's file size, or a length given).
    pub length: Option<u64>,
    /// The media type given, if any.
    pub content_type: Option<String>,
}

impl fmt::Debug for FilePart {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let source = match &self.source {
            Source::Path(path) => format!("{}", path.display()),
            Source::Reader(_) => "(a reader)".to_string(),
        };
        f.debug_struct("FilePart")
            .field("source", &source)
            .field("file_name", &self.file_name)
            .field("content_type", &self.content_type)
            .field("length", &self.length)
            .finish()
    }
}

/// One value of a form, text or a file.
#[derive(Debug, Clone)]
enum Value {
    Text(String),
    File(FilePart),
}

/// The parts a `multipart/form-data` builder collected, in the order given; the generated
/// setters fill it and the generated `send()` turns it into the body ([`Form::into_wire`]).
#[derive(Debug, Clone, Default)]
pub(crate) struct Form {
    parts: Vec<(&'static str, Value)>,
}

// Called by the generated builders of a `multipart/form-data` operation; a spec without one
// leaves them unused.
#[allow(dead_code)]
impl Form {
    /// Sets the one text part `name`, replacing any.
    pub(crate) fn set_text(&mut self, name: &'static str, value: String) {
        self.parts.retain(|(n, _)| *n != name);
        self.parts.push((name, Value::Text(value)));
    }

    /// Adds a text part `name` (a property that is a list: one part per value).
    pub(crate) fn push_text(&mut self, name: &'static str, value: String) {
        self.parts.push((name, Value::Text(value)));
    }

    /// Sets the one file part `name`, replacing any.
    pub(crate) fn set_file(&mut self, name: &'static str, file: FilePart) {
        self.parts.retain(|(n, _)| *n != name);
        self.parts.push((name, Value::File(file)));
    }

    /// Adds a file part `name` (a property that is a list of files: one part per file).
    pub(crate) fn push_file(&mut self, name: &'static str, file: FilePart) {
        self.parts.push((name, Value::File(file)));
    }

    /// The body to send: every part in order, each file opened and streamed. Fails, before
    /// anything is sent, when a part of `required` was not given or a file cannot be opened.
    pub(crate) async fn into_wire(self, required: &[&str]) -> Result<WireForm, String> {
        if let Some(missing) = required
            .iter()
            .find(|name| !self.parts.iter().any(|(n, _)| n == *name))
        {
            return Err(format!("{missing} was not initialized"));
        }
        let mut form = WireForm::new();
        for (name, value) in self.parts {
            form = match value {
                Value::Text(text) => form.text(name, text),
                Value::File(file) => form.part(name, file.into_part(name).await?),
            };
        }
        Ok(form)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn a_missing_required_part_or_file_is_one_line_before_sending() {
        let missing = Form::default().into_wire(&["files"]).await.unwrap_err();
        assert_eq!(missing, "files was not initialized");

        let mut form = Form::default();
        form.push_file("files", FilePart::from_path("/nonexistent/answers.csv"));
        let error = form.into_wire(&[]).await.unwrap_err();
        assert!(
            error.starts_with("file part `files`: cannot open /nonexistent/answers.csv: "),
            "{error}"
        );
        assert!(error.ends_with("; pass a readable file") && !error.contains('\n'));
    }

    #[tokio::test]
    async fn a_reader_streams_once_and_a_bad_media_type_is_named() {
        let part = FilePart::from_reader(&b"a,b\n"[..], "a.csv");
        let mut form = Form::default();
        form.push_file("files", part.clone());
        assert!(form.clone().into_wire(&[]).await.is_ok());
        let again = form.into_wire(&[]).await.unwrap_err();
        assert!(again.contains("its reader was sent already"), "{again}");

        let mut form = Form::default();
        form.set_file(
            "file",
            FilePart::from_reader(&b""[..], "x").content_type("not a type"),
        );
        let error = form.into_wire(&[]).await.unwrap_err();
        assert_eq!(
            error,
            "file part `file`: `not a type` is not a media type; pass one such as `text/csv`"
        );
    }

    #[test]
    fn set_replaces_and_push_adds() {
        let mut form = Form::default();
        form.set_text("name", "a".into());
        form.set_text("name", "b".into());
        form.push_text("tag", "x".into());
        form.push_text("tag", "y".into());
        let names: Vec<&str> = form.parts.iter().map(|(n, _)| *n).collect();
        assert_eq!(names, ["name", "tag", "tag"]);
    }
}
