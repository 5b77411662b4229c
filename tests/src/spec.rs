//! The spec as tests and mocks read it: its examples, and its schemas as JSON Schema.

use std::collections::BTreeMap;
use std::sync::OnceLock;

use serde_json::Value;
use spec_model::is_json_lines;

/// The spec's text, built in: the mock works wherever the example binary runs.
const SPEC: &str = include_str!("../../spec/openapi.yaml");

/// The spec, parsed into JSON values (once per process: property tests ask thousands of times).
pub fn spec() -> Value {
    static PARSED: OnceLock<Value> = OnceLock::new();
    PARSED
        .get_or_init(|| serde_yaml_ng::from_str(SPEC).expect("the spec is valid YAML"))
        .clone()
}

/// One operation of the spec, as tests and the mock read it.
#[derive(Debug, Clone)]
pub struct Operation {
    /// The spec's operationId, e.g. `get-participant-group`.
    pub id: String,
    /// The method, upper case, e.g. `GET`.
    pub method: String,
    /// The path template, e.g. `/api/v1/participant-groups/{id}/`.
    pub path: String,
    /// The JSON pointer of the operation object in the spec.
    pub pointer: String,
    /// Whether it may be sent again after a 5xx or a timeout: `x-idempotent`, else its
    /// method by RFC 9110 (`spec_model::Operation::may_repeat`, what the SDK is generated with).
    pub may_repeat: bool,
}

impl Operation {
    /// The declared success status, and its example body (`None` for a body-less success):
    /// the JSON example when there is one, else the first other one (a text example, such as
    /// a CSV export's, as a JSON string).
    pub fn success(&self) -> (u16, Option<Value>) {
        let (status, mut bodies) = self.successes();
        let json = bodies.iter().position(|body| body.is_json());
        let body = match json {
            Some(at) => Some(bodies.swap_remove(at)),
            None => bodies.into_iter().next(),
        };
        (status, body.map(|body| body.example))
    }

    /// The declared success status, and each of its documented bodies (a media type with an
    /// example), text first, then JSON: the order the SDK asks for them in (`Accept`), so that
    /// the first is what a server answers a request without parameters that choose.
    pub fn successes(&self) -> (u16, Vec<Documented>) {
        let spec = spec();
        let responses = spec
            .pointer(&format!("{}/responses", self.pointer))
            .and_then(Value::as_object)
            .cloned()
            .unwrap_or_default();
        let (status, content) = responses
            .iter()
            .find_map(|(status, response)| {
                let status: u16 = status.parse().ok().filter(|s| (200..300).contains(s))?;
                Some((status, response.get("content").cloned()))
            })
            .unwrap_or_else(|| panic!("{} declares no 2xx response", self.id));
        let mut bodies: Vec<Documented> = content
            .as_ref()
            .and_then(Value::as_object)
            .into_iter()
            .flatten()
            .filter_map(|(media, object)| {
                Some(Documented {
                    media: media.clone(),
                    example: object.get("example")?.clone(),
                })
            })
            .collect();
        bodies.sort_by_key(|body| !body.is_text());
        (status, bodies)
    }

    /// Its documented success, as a server sends it: its first documented body (text first,
    /// as the SDK asks for it), with its media type; an empty JSON answer without one.
    pub fn documented_success(&self) -> crate::Canned {
        let (status, bodies) = self.successes();
        match bodies.first() {
            Some(body) if body.is_json() => crate::Canned::json(status, &body.example),
            Some(body) => {
                let text = body.example.as_str().unwrap_or_else(|| {
                    panic!("{}: the `{}` example is not text", self.id, body.media)
                });
                crate::Canned::raw(status, &body.media, text)
            }
            None => crate::Canned::raw(status, "application/json", Vec::new()),
        }
    }

    /// Its parameters in `location` (`query`, `path`), as the spec writes them: the path
    /// item's and the operation's.
    pub fn parameters(&self, location: &str) -> Vec<Value> {
        let spec = spec();
        let item = self.pointer.rsplit_once('/').map_or("", |(item, _)| item);
        [item, self.pointer.as_str()]
            .into_iter()
            .filter_map(|at| {
                spec.pointer(&format!("{at}/parameters"))?
                    .as_array()
                    .cloned()
            })
            .flatten()
            .filter(|parameter| parameter["in"] == location)
            .collect()
    }

    /// The example of each of its parameters in `location` (`query`, `path`) that has one, by
    /// the parameter's name: the path item's parameters and the operation's.
    pub fn parameter_examples(&self, location: &str) -> BTreeMap<String, Value> {
        self.parameters(location)
            .into_iter()
            .filter_map(|parameter| {
                let name = parameter["name"].as_str()?.to_string();
                Some((name, parameter.get("example")?.clone()))
            })
            .collect()
    }

    /// The JSON pointer of a media type of this operation, e.g. `requestBody` or
    /// `responses/4XX`.
    /// The JSON media type of a request body is `application/json`, or JSON Lines (a list sent
    /// one item a line, [`is_json_lines`]).
    pub fn media(&self, holder: &str) -> String {
        let media = self
            .request_media()
            .filter(|_| holder == "requestBody")
            .unwrap_or_else(|| "application/json".to_string());
        format!(
            "{}/{holder}/content/{}",
            self.pointer,
            spec_model::escape(&media)
        )
    }

    /// The media type of its request body, if it takes one as JSON or JSON Lines.
    pub fn request_media(&self) -> Option<String> {
        spec()
            .pointer(&format!("{}/requestBody/content", self.pointer))?
            .as_object()?
            .keys()
            .find(|media| spec_model::is_json(media) || is_json_lines(media))
            .cloned()
    }

    /// `body` as the SDK sends it for this operation: JSON, or for a JSON Lines body each item
    /// of the list on a line of its own.
    pub fn wire_body(&self, body: &Value) -> Vec<u8> {
        match self.request_media() {
            Some(media) if is_json_lines(&media) => body
                .as_array()
                .into_iter()
                .flatten()
                .flat_map(|item| format!("{item}\n").into_bytes())
                .collect(),
            _ => body.to_string().into_bytes(),
        }
    }
}

/// A request body read back into JSON as its `content_type` says: a JSON Lines body (blank
/// lines skipped) is the list of its lines. `Err` says what is wrong.
pub fn read_body(content_type: &str, bytes: &[u8]) -> Result<Value, String> {
    if !is_json_lines(content_type) {
        return serde_json::from_slice(bytes).map_err(|e| format!("the body is not JSON: {e}"));
    }
    let text = std::str::from_utf8(bytes).map_err(|e| format!("the body is not UTF-8: {e}"))?;
    text.lines()
        .enumerate()
        .filter(|(_, line)| !line.trim().is_empty())
        .map(|(at, line)| {
            serde_json::from_str(line).map_err(|e| format!("line {} is not JSON: {e}", at + 1))
        })
        .collect::<Result<Vec<Value>, String>>()
        .map(Value::Array)
}

/// A documented body: its media type, and its example (a text example is a JSON string).
#[derive(Debug, Clone, PartialEq)]
pub struct Documented {
    /// The media type, e.g. `application/json` or `text/csv`.
    pub media: String,
    /// The example.
    pub example: Value,
}

impl Documented {
    /// Whether the body is JSON (`application/json` or a `+json` type).
    pub fn is_json(&self) -> bool {
        spec_model::is_json(&self.media)
    }

    /// Whether the body is text (`text/*`), which the SDK hands over unread.
    pub fn is_text(&self) -> bool {
        spec_model::is_text(&self.media)
    }
}

/// Every operation of the spec, in the spec's order, as the generator reads them
/// (`spec_model`): the same operations, pointers and repeat rule.
pub fn operations() -> Vec<Operation> {
    let spec = spec();
    spec_model::Index::new(&spec)
        .operations()
        .into_iter()
        .map(|operation| Operation {
            id: operation.id.unwrap_or_default().to_string(),
            method: operation.method.to_uppercase(),
            path: operation.path.to_string(),
            may_repeat: operation.may_repeat(),
            pointer: operation.pointer,
        })
        .collect()
}

/// The example of a body in the spec: `pointer` is a JSON pointer to a media type object,
/// e.g. `/paths/~1api~1v1~1participant-groups~1/post/requestBody/content/application~1json`.
pub fn example(pointer: &str) -> Value {
    spec()
        .pointer(&format!("{pointer}/example"))
        .unwrap_or_else(|| panic!("no example at {pointer}"))
        .clone()
}

/// Validates `instance` against the schema at `pointer` in the spec (e.g. a media type's
/// `.../schema`). Returns one line per violation, `path: message`; none when it is valid.
///
/// OpenAPI 3.0 schemas are not quite JSON Schema: `nullable: true` is rewritten as a
/// `null` alternative first. Every `$ref` resolves within the spec.
pub fn schema_errors(pointer: &str, instance: &Value) -> Vec<String> {
    schema_errors_in(&spec(), pointer, instance)
}

/// [`schema_errors`] against another spec. A schema that does not compile is one error line.
pub fn schema_errors_in(spec: &Value, pointer: &str, instance: &Value) -> Vec<String> {
    let mut document = spec.clone();
    make_json_schema(&mut document);
    let Value::Object(root) = &mut document else {
        return vec!["(spec): not a mapping".to_string()];
    };
    root.insert(
        "$ref".into(),
        Value::String(format!("#{}", uri_fragment(pointer))),
    );
    let validator = match jsonschema::validator_for(&document) {
        Ok(validator) => validator,
        Err(e) => return vec![format!("(schema): does not compile as JSON Schema: {e}")],
    };
    validator
        .iter_errors(instance)
        .map(|e| {
            let path = e.instance_path().as_str();
            format!("{}: {e}", if path.is_empty() { "(body)" } else { path })
        })
        .collect()
}

/// A JSON pointer as a URI fragment: `{id}` in a templated path becomes `%7Bid%7D`.
fn uri_fragment(pointer: &str) -> String {
    let mut fragment = String::with_capacity(pointer.len());
    for byte in pointer.bytes() {
        // RFC 3986's fragment characters: unreserved, sub-delims, ':', '@', '/' and '?'.
        if byte.is_ascii_alphanumeric() || b"-._~!$&'()*+,;=:@/?".contains(&byte) {
            fragment.push(byte as char);
        } else {
            fragment.push_str(&format!("%{byte:02X}"));
        }
    }
    fragment
}

/// Rewrites OpenAPI 3.0's `nullable: true` into JSON Schema, everywhere in `value`.
fn make_json_schema(value: &mut Value) {
    match value {
        Value::Object(map) => {
            map.values_mut().for_each(make_json_schema);
            if map.get("nullable") == Some(&Value::Bool(true)) {
                map.remove("nullable");
                match map.get("type").cloned() {
                    Some(Value::String(ty)) => {
                        map.insert("type".into(), serde_json::json!([ty, "null"]));
                    }
                    _ => {
                        let inner = Value::Object(std::mem::take(map));
                        map.insert("anyOf".into(), serde_json::json!([inner, {"type": "null"}]));
                    }
                }
            }
        }
        Value::Array(items) => items.iter_mut().for_each(make_json_schema),
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const RESPONSE: &str = "/paths/~1api~1v1~1participant-groups~1/post/responses/201/content/application~1json/schema";

    #[test]
    fn templated_paths_are_escaped_in_the_fragment() {
        assert_eq!(
            uri_fragment("/paths/~1api~1v1~1participant-groups~1{id}~1/get"),
            "/paths/~1api~1v1~1participant-groups~1%7Bid%7D~1/get"
        );
        let get = "/paths/~1api~1v1~1participant-groups~1{id}~1/get/responses/200/content/application~1json/schema";
        assert!(schema_errors(get, &serde_json::json!({"id": "g", "name": "n"})).is_empty());
        assert_eq!(schema_errors(get, &serde_json::json!({"id": "g"})).len(), 1);
    }

    #[test]
    fn nullable_means_null_is_allowed_and_nothing_else_changes() {
        let mut group = serde_json::json!({"id": "g", "name": "n", "project_id": null});
        assert!(schema_errors(RESPONSE, &group).is_empty());
        group["project_id"] = serde_json::json!(3);
        assert_eq!(schema_errors(RESPONSE, &group).len(), 1);
        group["project_id"] = Value::Null;
        group["name"] = Value::Null;
        let errors = schema_errors(RESPONSE, &group);
        assert_eq!(errors.len(), 1, "{errors:?}");
        assert!(errors[0].starts_with("/name: "), "{errors:?}");
    }
}
