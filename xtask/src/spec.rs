//! Loading the spec: read the file, parse YAML or JSON, and turn every failure into one line
//! that names the file and, where the parser knows it, the line and column.

use std::path::Path;

use openapiv3::OpenAPI;

/// A parsed spec, with what the generated file's header needs to name it.
pub struct Spec {
    /// The path as shown in messages and in the generated file's header.
    pub shown: String,
    /// The file's bytes, hashed into the generated file's header.
    pub bytes: Vec<u8>,
    /// The parsed document.
    pub api: OpenAPI,
}

/// Reads and parses the spec at `path`; `shown` is how messages name it.
pub fn load(path: &Path, shown: &str) -> Result<Spec, String> {
    let bytes = std::fs::read(path).map_err(|e| {
        format!("{shown}: cannot read the spec: {e}; pass an existing file with --spec")
    })?;
    let api = if path.extension().is_some_and(|ext| ext == "json") {
        parse_json(&bytes, shown)?
    } else {
        parse_yaml(&bytes, shown)?
    };
    Ok(Spec {
        shown: shown.to_string(),
        bytes,
        api,
    })
}

/// Parses in two steps so that the version is checked before the document's shape: an
/// OpenAPI 3.1 document fails in confusing ways when read as 3.0.
fn parse_yaml(bytes: &[u8], shown: &str) -> Result<OpenAPI, String> {
    let value: serde_yaml_ng::Value =
        serde_yaml_ng::from_slice(bytes).map_err(|e| yaml_error(shown, "invalid YAML", &e))?;
    check_version(value.get("openapi").and_then(|v| v.as_str()), shown)?;
    serde_yaml_ng::from_slice(bytes)
        .map_err(|e| yaml_error(shown, "not an OpenAPI 3.0 document", &e))
}

fn parse_json(bytes: &[u8], shown: &str) -> Result<OpenAPI, String> {
    let value: serde_json::Value =
        serde_json::from_slice(bytes).map_err(|e| json_error(shown, "invalid JSON", &e))?;
    check_version(value.get("openapi").and_then(|v| v.as_str()), shown)?;
    serde_json::from_value(value).map_err(|e| {
        // `from_value` knows no positions; parse again from the bytes to get them.
        match serde_json::from_slice::<OpenAPI>(bytes) {
            Err(located) => json_error(shown, "not an OpenAPI 3.0 document", &located),
            Ok(_) => format!("{shown}: not an OpenAPI 3.0 document: {e}"),
        }
    })
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

/// Collapses a message to one line.
pub fn one_line(message: &str) -> String {
    message.split_whitespace().collect::<Vec<_>>().join(" ")
}
