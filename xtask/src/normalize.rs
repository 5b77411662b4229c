//! What the xtask does to a document before anything reads it for generation: shapes of
//! Prolific's published document that progenitor would misread, each rewritten into the shape
//! that means the same to the SDK. `spec::parse` applies it, so `generate`, `check` and `diff`
//! all see the same document; the fragment needs none of it (a test holds it to that), and
//! `generate` prints one line per kind of change it made to any other document.
//!
//! Parameters declared on a path item need nothing: progenitor 0.15 gives them to each
//! operation itself (the fixture `real-shapes/published.yaml` keeps one, and its test reads
//! the setter).
//!
//! - An `Authorization` header parameter is dropped: progenitor would make it a required
//!   setter on every call, but the token belongs to the client (the SDK's `pre` hook sends it).
//! - `additionalProperties: false` is dropped from every schema: typify closes such an object
//!   (`deny_unknown_fields`), and composed through `allOf` it makes a type that accepts no value
//!   at all (each part rejects the other parts' fields). A closed response type would also fail
//!   on the first field Prolific adds. Extra fields are ignored when reading, as everywhere else.
//! - `format: date-time`, `date` and `uuid` are dropped from strings: typify would make them
//!   chrono's and uuid's types, which the SDK does not depend on, and a value off the format (a
//!   date-time without its zone, an id that is not a UUID) would fail the whole response. They
//!   are text, as in the fragment (`ParticipantGroupMember.datetime_created`).
//! - `default` is dropped from a property an object does not require: typify would make the
//!   field a plain value filled with the default, so every request would carry it whether the
//!   user set it or not (`"is_custom_screening": false`, `"actor": "participant"`). Without it
//!   the field is an `Option`, left out when unset, and Prolific applies its default itself.
//!   The fragment states such defaults in the property's description instead.

use serde_json::Value;

use spec_model::Index;

/// Normalizes `doc` in place; returns one line per kind of change, with how many places.
pub fn document(doc: &mut Value) -> Vec<String> {
    let dropped = authorization_headers(doc);
    let opened = each_schema(doc, Within::Keywords, &mut open_object);
    let texts = each_schema(doc, Within::Keywords, &mut text_format);
    let defaults = each_schema(doc, Within::Keywords, &mut optional_defaults);
    [
        (
            dropped,
            "`Authorization` header parameter(s) dropped (the client sends the token)",
        ),
        (
            opened,
            "`additionalProperties: false` dropped (closed objects reject fields Prolific adds, \
             and composed with `allOf` reject every value)",
        ),
        (
            texts,
            "`format` dropped from `date-time`, `date` or `uuid` strings (read and sent as text)",
        ),
        (
            defaults,
            "`default` dropped from optional properties (the SDK sends only what the user set; \
             Prolific applies its defaults)",
        ),
    ]
    .into_iter()
    .filter(|(n, _)| *n > 0)
    .map(|(n, what)| format!("{n} {what}"))
    .collect()
}

/// Drops every `Authorization` header parameter of an operation or of its path item (written
/// out or through a `$ref`); returns how many.
fn authorization_headers(doc: &mut Value) -> usize {
    let snapshot = doc.clone();
    let index = Index::new(&snapshot);
    let is_authorization = |p: &Value| {
        let p = index.resolve(p);
        p.get("in").and_then(Value::as_str) == Some("header")
            && p.get("name")
                .and_then(Value::as_str)
                .is_some_and(|name| name.eq_ignore_ascii_case("authorization"))
    };
    let mut dropped = 0;
    // The operation's own parameters, and its path item's (shared by its operations).
    let mut holders: Vec<String> = Vec::new();
    for operation in index.operations() {
        let item = operation
            .pointer
            .rsplit_once('/')
            .map_or(String::new(), |(item, _)| item.to_string());
        for holder in [operation.pointer, item] {
            if !holders.contains(&holder) {
                holders.push(holder);
            }
        }
    }
    for holder in holders {
        let pointer = format!("{holder}/parameters");
        if let Some(parameters) = doc.pointer_mut(&pointer).and_then(Value::as_array_mut) {
            let before = parameters.len();
            parameters.retain(|p| !is_authorization(p));
            dropped += before - parameters.len();
        }
    }
    dropped
}

/// Where [`each_schema`] is in the document.
#[derive(Clone, Copy, PartialEq)]
enum Within {
    /// OpenAPI's or JSON Schema's objects: keys are keywords.
    Keywords,
    /// A map of names (`properties`, `schemas`, ...): a key `example` is a name, not a keyword.
    Names,
    /// Example data: left as it is.
    Example,
}

/// Calls `change` on every object of `value` whose keys are keywords (every schema among
/// them), examples left as they are; returns how many it changed.
fn each_schema(
    value: &mut Value,
    within: Within,
    change: &mut impl FnMut(&mut serde_json::Map<String, Value>) -> bool,
) -> usize {
    match (value, within) {
        (_, Within::Example) => 0,
        (Value::Object(map), _) => {
            let mut changed = usize::from(within == Within::Keywords && change(map));
            for (key, child) in map.iter_mut() {
                let next = match (within, key.as_str()) {
                    (Within::Names, _) => Within::Keywords,
                    (_, "example" | "examples") => Within::Example,
                    (_, "properties" | "schemas" | "paths" | "responses" | "content") => {
                        Within::Names
                    }
                    _ => Within::Keywords,
                };
                changed += each_schema(child, next, change);
            }
            changed
        }
        (Value::Array(items), _) => items
            .iter_mut()
            .map(|item| each_schema(item, within, change))
            .sum(),
        _ => 0,
    }
}

/// Drops `additionalProperties: false`.
fn open_object(schema: &mut serde_json::Map<String, Value>) -> bool {
    let closed = schema.get("additionalProperties") == Some(&Value::Bool(false));
    if closed {
        schema.remove("additionalProperties");
    }
    closed
}

/// Drops the `format` of a string that typify would make another crate's type.
fn text_format(schema: &mut serde_json::Map<String, Value>) -> bool {
    let other_crate = schema.get("type").and_then(Value::as_str) == Some("string")
        && matches!(
            schema.get("format").and_then(Value::as_str),
            Some("date-time" | "date" | "uuid")
        );
    if other_crate {
        schema.remove("format");
    }
    other_crate
}

/// Drops the `default` of each property the object does not require; returns whether any.
fn optional_defaults(schema: &mut serde_json::Map<String, Value>) -> bool {
    let required: Vec<String> = schema
        .get("required")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(|name| name.as_str().map(str::to_string))
        .collect();
    let Some(properties) = schema.get_mut("properties").and_then(Value::as_object_mut) else {
        return false;
    };
    let mut dropped = false;
    for (name, property) in properties.iter_mut() {
        if let (false, Some(property)) = (required.contains(name), property.as_object_mut()) {
            dropped |= property.remove("default").is_some();
        }
    }
    dropped
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn the_fragment_needs_no_normalization() {
        let path = crate::workspace_root().join("spec/openapi.yaml");
        let mut raw = crate::spec::read(&path, "spec/openapi.yaml").unwrap();
        let before = raw.value.clone();
        assert_eq!(document(&mut raw.value), Vec::<String>::new());
        assert_eq!(raw.value, before);
    }

    #[test]
    fn closed_objects_open_but_examples_and_names_stay_as_written() {
        let mut doc = json!({
            "openapi": "3.0.3",
            "paths": {},
            "components": {"schemas": {"A": {
                "type": "object",
                "additionalProperties": false,
                "properties": {
                    "example": {"type": "object", "additionalProperties": false},
                    "additionalProperties": {"type": "boolean"}
                },
                "example": {"additionalProperties": false}
            }}}
        });
        assert_eq!(
            document(&mut doc),
            [
                "2 `additionalProperties: false` dropped (closed objects reject fields Prolific \
              adds, and composed with `allOf` reject every value)"
            ]
        );
        assert_eq!(
            doc["components"]["schemas"]["A"],
            json!({
                "type": "object",
                "properties": {
                    "example": {"type": "object"},
                    "additionalProperties": {"type": "boolean"}
                },
                "example": {"additionalProperties": false}
            })
        );
    }

    #[test]
    fn an_optional_property_loses_its_default_so_only_what_the_user_set_is_sent() {
        let mut doc = json!({
            "openapi": "3.0.3",
            "paths": {},
            "components": {"schemas": {"Study": {
                "type": "object",
                "required": ["places"],
                "properties": {
                    "is_custom_screening": {"type": "boolean", "default": false},
                    "places": {"type": "integer", "default": 1},
                    "default": {"type": "string", "default": "kept out"}
                },
                "example": {"default": 1}
            }}}
        });
        assert_eq!(
            document(&mut doc),
            [
                "1 `default` dropped from optional properties (the SDK sends only what the user \
              set; Prolific applies its defaults)"
            ]
        );
        assert_eq!(
            doc["components"]["schemas"]["Study"]["properties"],
            json!({
                "is_custom_screening": {"type": "boolean"},
                "places": {"type": "integer", "default": 1},
                "default": {"type": "string"}
            })
        );
    }

    #[test]
    fn only_the_authorization_header_is_dropped() {
        let mut doc = json!({
            "paths": {"/a": {
                "parameters": [{"name": "AUTHORIZATION", "in": "header"}],
                "get": {"parameters": [
                    {"name": "authorization", "in": "header"},
                    {"name": "Authorization", "in": "query"},
                    {"name": "X-Other", "in": "header"}
                ]}
            }}
        });
        assert_eq!(
            document(&mut doc),
            ["2 `Authorization` header parameter(s) dropped (the client sends the token)"]
        );
        assert_eq!(doc["paths"]["/a"]["parameters"], json!([]));
        assert_eq!(
            doc["paths"]["/a"]["get"]["parameters"],
            json!([
                {"name": "Authorization", "in": "query"},
                {"name": "X-Other", "in": "header"}
            ])
        );
    }
}
