//! Loading the spec: read the file, parse YAML or JSON, and turn every failure into one line
//! that names the file and, where the parser knows it, the line and column.

use std::path::Path;

use openapiv3::OpenAPI;

/// A spec file read as a JSON value: syntax and version checked, shape not yet.
pub struct Raw {
    /// The path as shown in messages and in the generated file's header.
    pub shown: String,
    /// The file's bytes, hashed into the generated file's header.
    pub bytes: Vec<u8>,
    /// The document as JSON (YAML mappings with non-string keys get string keys).
    pub value: serde_json::Value,
    /// Whether the file is JSON rather than YAML.
    json: bool,
}

/// A parsed spec, with what the generated file's header needs to name it.
pub struct Spec {
    /// The file as read.
    pub raw: Raw,
    /// The parsed document.
    pub api: OpenAPI,
    /// The path as shown in messages (the same as `raw.shown`).
    pub shown: String,
    /// What normalization changed (`normalize::document`), one line per kind; empty for the
    /// fragment.
    pub normalized: Vec<String>,
}

/// Reads and parses the spec at `path`; `shown` is how messages name it.
pub fn load(path: &Path, shown: &str) -> Result<Spec, String> {
    parse(read(path, shown)?)
}

/// Reads the spec at `path`: syntax errors and an unsupported version end here, with their
/// line and column. The version is checked before the document's shape: an OpenAPI 3.1
/// document fails in confusing ways when read as 3.0.
pub fn read(path: &Path, shown: &str) -> Result<Raw, String> {
    let bytes = std::fs::read(path).map_err(|e| {
        format!("{shown}: cannot read the spec: {e}; pass an existing file with --spec")
    })?;
    let json = path.extension().is_some_and(|ext| ext == "json");
    let raw = from_bytes(bytes, shown, json)?;
    check_version(raw.value.get("openapi").and_then(|v| v.as_str()), shown)?;
    Ok(raw)
}

/// A document from its bytes, JSON when `json` is set and YAML otherwise, of any OpenAPI
/// version: what `drift` reads of Prolific's document, which is never generated from.
pub fn from_bytes(bytes: Vec<u8>, shown: &str, json: bool) -> Result<Raw, String> {
    let value = if json {
        serde_json::from_slice(&bytes).map_err(|e| json_error(shown, "invalid JSON", &e))?
    } else {
        let yaml: serde_yaml_ng::Value =
            serde_yaml_ng::from_slice(&bytes).map_err(|e| yaml_error(shown, "invalid YAML", &e))?;
        yaml_to_json(yaml)
    };
    Ok(Raw {
        shown: shown.to_string(),
        bytes,
        value,
        json,
    })
}

/// A spec made in memory (benchmarks synthesize them): `value` as if read from a JSON file.
pub fn from_json(value: &serde_json::Value, shown: &str) -> Result<Spec, String> {
    let bytes = serde_json::to_vec(value).map_err(|e| format!("{shown}: {e}"))?;
    parse(Raw {
        shown: shown.to_string(),
        bytes,
        value: value.clone(),
        json: true,
    })
}

/// Reads the document's shape as OpenAPI 3.0, from the bytes so that errors have positions.
///
/// A YAML document may hold what JSON cannot, such as an example map with integer keys
/// (`{0: Right-handed}`), which the OpenAPI types refuse when read from YAML. When the bytes do
/// not read, the document's JSON value (keys made strings, as a JSON document gives them) is
/// tried before the located error is reported.
///
/// The document is then normalized (`normalize.rs`): `raw.value` and `api` are what generation
/// reads; the bytes stay as read (the generated header hashes them).
pub fn parse(mut raw: Raw) -> Result<Spec, String> {
    let shown = raw.shown.clone();
    let api: OpenAPI = if raw.json {
        serde_json::from_slice(&raw.bytes)
            .map_err(|e| json_error(&shown, "not an OpenAPI 3.0 document", &e))?
    } else {
        match serde_yaml_ng::from_slice(&raw.bytes) {
            Ok(api) => api,
            Err(e) => serde_json::from_value(raw.value.clone())
                .map_err(|_| yaml_error(&shown, "not an OpenAPI 3.0 document", &e))?,
        }
    };
    let normalized = crate::normalize::document(&mut raw.value);
    let api = if normalized.is_empty() {
        api
    } else {
        serde_json::from_value(raw.value.clone()).map_err(|e| {
            format!(
                "{shown}: the normalized document is not OpenAPI 3.0 ({}); report it with the \
                 spec",
                one_line(&e.to_string())
            )
        })?
    };
    Ok(Spec {
        raw,
        api,
        shown,
        normalized,
    })
}

/// YAML allows any key; JSON (and so the JSON Schema validator) takes strings only.
pub fn yaml_to_json(value: serde_yaml_ng::Value) -> serde_json::Value {
    use serde_yaml_ng::Value as Y;
    match value {
        Y::Null => serde_json::Value::Null,
        Y::Bool(b) => b.into(),
        Y::Number(n) => serde_json::to_value(&n).unwrap_or(serde_json::Value::Null),
        Y::String(s) => s.into(),
        Y::Sequence(items) => items.into_iter().map(yaml_to_json).collect(),
        Y::Mapping(map) => map
            .into_iter()
            .map(|(k, v)| (key_text(k), yaml_to_json(v)))
            .collect::<serde_json::Map<_, _>>()
            .into(),
        Y::Tagged(tagged) => yaml_to_json(tagged.value),
    }
}

fn key_text(key: serde_yaml_ng::Value) -> String {
    match key {
        serde_yaml_ng::Value::String(s) => s,
        other => serde_yaml_ng::to_string(&other)
            .map(|s| s.trim().to_string())
            .unwrap_or_default(),
    }
}

/// progenitor reads OpenAPI 3.0.x only.
fn check_version(version: Option<&str>, shown: &str) -> Result<(), String> {
    match version {
        Some(v) if v.trim().starts_with("3.0.") => Ok(()),
        Some(v) => Err(format!(
            "{shown}: openapi: unsupported version `{v}`; progenitor reads OpenAPI 3.0.x only, \
             so write the spec as `openapi: 3.0.3`"
        )),
        None => Err(format!(
            "{shown}: openapi: missing or not a string; start the spec with `openapi: 3.0.3`"
        )),
    }
}

fn yaml_error(shown: &str, what: &str, e: &serde_yaml_ng::Error) -> String {
    let message = without_first_position(&e.to_string());
    match e.location() {
        Some(at) => format!("{shown}:{}:{}: {what}: {message}", at.line(), at.column()),
        None => format!("{shown}: {what}: {message}"),
    }
}

fn json_error(shown: &str, what: &str, e: &serde_json::Error) -> String {
    let message = without_first_position(&e.to_string());
    // serde_json counts columns from 0 at the start of a line; editors count from 1.
    let column = e.column().max(1);
    format!("{shown}:{}:{column}: {what}: {message}", e.line())
}

/// Parsers append " at line N column M" to the problem; the location goes in front of the
/// line instead. A later position (libyaml's "while scanning ... at line N column M") stays.
fn without_first_position(message: &str) -> String {
    let message = one_line(message);
    let Some(start) = message.find(" at line ") else {
        return message;
    };
    let rest = &message[start + " at line ".len()..];
    let end = rest
        .find(" column ")
        .map(|c| c + " column ".len())
        .map(|c| {
            c + rest[c..]
                .find(|ch: char| !ch.is_ascii_digit())
                .unwrap_or(rest.len() - c)
        })
        .unwrap_or(0);
    format!("{}{}", &message[..start], &rest[end..])
}

/// Keeps at most `max` characters of `text`, marking a cut with "...".
pub fn shorten(text: &str, max: usize) -> String {
    match text.char_indices().nth(max) {
        Some((cut, _)) => format!("{}...", &text[..cut]),
        None => text.to_string(),
    }
}

/// Collapses a message to one line.
pub fn one_line(message: &str) -> String {
    message.split_whitespace().collect::<Vec<_>>().join(" ")
}
