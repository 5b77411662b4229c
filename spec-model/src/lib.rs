//! The one reading of an OpenAPI document that the xtask, the tests and their mock share: its
//! operations (with their parameters and bodies), `$ref`s resolved, `allOf`s merged, the facts
//! of each field (type, format, required, nullable, read-only, enum values), whether an
//! operation may be repeated, what each media type is, path templates and JSON pointers. The
//! xtask's jobs (`rules`, `preflight`, the rewrite steps, `diff`, `drift`, `types-match-spec`),
//! the tests' operations and the mock's shapes all ask here, so a fact is read one way.
//!
//! It reads JSON values only (a YAML document is read into the value a JSON one gives): no
//! generator, so the tests depend on it cheaply. The Rust names of the spec's schemas are not
//! here: they are the generator's to give (`xtask/src/names.rs` reads them from typify).

use std::collections::{BTreeMap, BTreeSet};

use serde_json::{Map, Value};

/// The methods an OpenAPI path item can hold, in the order the generator visits them.
const METHODS: [&str; 8] = [
    "get", "put", "post", "delete", "options", "head", "patch", "trace",
];

/// A spec document, read through the index.
#[derive(Clone, Copy)]
pub struct Index<'a> {
    /// The whole document, for `$ref`s.
    pub doc: &'a Value,
}

/// One operation of the document.
#[derive(Clone)]
pub struct Operation<'a> {
    /// The path, e.g. `/api/v1/participant-groups/{id}/`.
    pub path: &'a str,
    /// The method in lower case, as the document writes it.
    pub method: &'static str,
    /// The operationId, when there is a non-empty one.
    pub id: Option<&'a str>,
    /// The JSON pointer of the operation object.
    pub pointer: String,
    /// The operation object.
    pub value: &'a Value,
    /// The path item that holds it (its `parameters` apply to every method).
    pub item: &'a Value,
}

/// One parameter of an operation.
#[derive(Debug, Clone, PartialEq)]
pub struct Parameter {
    /// Its name on the wire.
    pub name: String,
    /// `path`, `query`, `header` or `cookie`.
    pub location: String,
    /// Whether callers must give it (path parameters always).
    pub required: bool,
    /// Its type, as [`Index::type_name`] writes it.
    pub ty: String,
}

/// The facts of one property of an object schema.
#[derive(Debug, Clone, PartialEq)]
pub struct Field {
    /// Its type, as [`Index::type_name`] writes it: a schema name, `array<…>`, `type/format`.
    pub ty: String,
    /// Its shape, whatever the schemas are named: [`Index::kind`].
    pub kind: String,
    /// Its `format`, if any.
    pub format: Option<String>,
    /// Whether the object lists it in `required`.
    pub required: bool,
    /// `nullable: true`.
    pub nullable: bool,
    /// `readOnly: true`.
    pub read_only: bool,
    /// The property's schema, `$ref` resolved and `allOf` merged.
    pub schema: Value,
}

/// How a list is paged (`Operation::paging`): its position and size parameters, by name, and
/// their defaults.
#[derive(Debug, Clone, PartialEq)]
pub struct Paging {
    /// `page` and `page_size` (the position is a page number), else `offset` and `limit` (the
    /// position is how many items are skipped).
    pub by_page: bool,
    /// The position's parameter: `page` or `offset`.
    pub position: String,
    /// The size's parameter: `page_size` or `limit`.
    pub size: String,
    /// The first position: the parameter's default, else 1 for a page and 0 for an offset.
    pub start: u64,
    /// The page size Prolific uses when none is sent: the size parameter's default.
    pub default_size: u64,
}

/// One part of a `multipart/form-data` request body: a property of its schema.
#[derive(Debug, Clone, PartialEq)]
pub struct FormPart {
    /// The part's name on the wire, the property's name.
    pub name: String,
    /// A file (`type: string, format: binary`), streamed; otherwise text.
    pub file: bool,
    /// A list (`type: array`): one part per value, all under the same name.
    pub repeated: bool,
    /// In the schema's `required`: `send()` refuses a request without it.
    pub required: bool,
    /// The property's description, the setter's documentation.
    pub description: Option<String>,
}

impl<'a> Index<'a> {
    /// Reads `doc` through the index.
    pub fn new(doc: &'a Value) -> Self {
        Index { doc }
    }

    /// Every path item, by its path, in the document's order: the one walk of `paths`.
    pub fn path_items(&self) -> impl Iterator<Item = (&'a str, &'a Value)> {
        self.doc
            .get("paths")
            .and_then(Value::as_object)
            .into_iter()
            .flatten()
            .map(|(path, item)| (path.as_str(), item))
    }

    /// Every operation, path by path, in the document's order.
    pub fn operations(&self) -> Vec<Operation<'a>> {
        self.path_items()
            .flat_map(|(path, item)| {
                METHODS.iter().filter_map(move |method| {
                    let value = item.get(*method)?;
                    Some(Operation {
                        path,
                        method,
                        id: value
                            .get("operationId")
                            .and_then(Value::as_str)
                            .filter(|id| !id.trim().is_empty()),
                        pointer: format!("/paths/{}/{method}", escape(path)),
                        value,
                        item,
                    })
                })
            })
            .collect()
    }

    /// The named schemas: `components.schemas`, by name.
    pub fn schemas(&self) -> impl Iterator<Item = (&'a String, &'a Value)> {
        self.doc
            .pointer("/components/schemas")
            .and_then(Value::as_object)
            .into_iter()
            .flatten()
    }

    /// Follows a local `$ref` (to any depth, stopping at cycles and at references it cannot
    /// follow).
    pub fn resolve<'v>(&self, value: &'v Value) -> &'v Value
    where
        'a: 'v,
    {
        let mut current = value;
        for _ in 0..32 {
            let Some(reference) = current.get("$ref").and_then(Value::as_str) else {
                return current;
            };
            match pointer_of(reference).and_then(|p| self.doc.pointer(&p)) {
                Some(target) => current = target,
                None => return current,
            }
        }
        current
    }

    /// A schema with `$ref` resolved and `allOf` merged: properties and `required` united, the
    /// other keywords taken from the first part that has them (the schema's own first).
    pub fn flatten(&self, schema: &Value) -> Value {
        self.flatten_at(schema, 0)
    }

    fn flatten_at(&self, schema: &Value, depth: usize) -> Value {
        let schema = self.resolve(schema);
        let Some(parts) = schema.get("allOf").and_then(Value::as_array) else {
            return schema.clone();
        };
        if depth > 16 {
            return schema.clone();
        }
        let mut merged = Map::new();
        let mut properties = Map::new();
        let mut required: Vec<Value> = Vec::new();
        let own = schema.as_object().cloned().unwrap_or_default();
        let parts = std::iter::once(Value::Object(own))
            .chain(parts.iter().map(|p| self.flatten_at(p, depth + 1)));
        for part in parts {
            for (key, value) in part.as_object().into_iter().flatten() {
                match key.as_str() {
                    "allOf" => {}
                    "properties" => {
                        for (k, v) in value.as_object().into_iter().flatten() {
                            properties.entry(k.clone()).or_insert_with(|| v.clone());
                        }
                    }
                    "required" => {
                        for name in value.as_array().into_iter().flatten() {
                            if !required.contains(name) {
                                required.push(name.clone());
                            }
                        }
                    }
                    _ => {
                        merged.entry(key.clone()).or_insert_with(|| value.clone());
                    }
                }
            }
        }
        if !properties.is_empty() {
            merged.insert("properties".into(), Value::Object(properties));
        }
        if !required.is_empty() {
            merged.insert("required".into(), Value::Array(required));
        }
        Value::Object(merged)
    }

    /// The properties of an object schema (flattened first), by name, with their facts.
    pub fn fields(&self, schema: &Value) -> BTreeMap<String, Field> {
        let schema = self.flatten(schema);
        let required: BTreeSet<&str> = schema
            .get("required")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .filter_map(Value::as_str)
            .collect();
        let Some(properties) = schema.get("properties").and_then(Value::as_object) else {
            return BTreeMap::new();
        };
        properties
            .iter()
            .map(|(name, property)| {
                // Facts stated beside a `$ref` (in an `allOf` wrapper) win over the target's.
                let merged = self.flatten(property);
                let field = Field {
                    ty: self.type_name(property),
                    kind: self.kind(&merged),
                    format: merged
                        .get("format")
                        .and_then(Value::as_str)
                        .map(str::to_string),
                    required: required.contains(name.as_str()),
                    nullable: flag(&merged, "nullable"),
                    read_only: flag(&merged, "readOnly"),
                    schema: merged,
                };
                (name.clone(), field)
            })
            .collect()
    }

    /// A schema's shape, with references followed: `string`, `object`, `array<integer>`, or
    /// the combinator (`oneOf`, `anyOf`) of a schema without a type.
    pub fn kind(&self, schema: &Value) -> String {
        self.kind_at(schema, 0)
    }

    fn kind_at(&self, schema: &Value, depth: usize) -> String {
        let schema = self.flatten(schema);
        match schema.get("type").and_then(Value::as_str) {
            Some("array") if depth < 8 => format!(
                "array<{}>",
                schema
                    .get("items")
                    .map(|items| self.kind_at(items, depth + 1))
                    .unwrap_or_else(|| "any".into())
            ),
            Some(ty) => ty.to_string(),
            None if schema.get("properties").is_some() => "object".into(),
            None if schema.get("oneOf").is_some() => "oneOf".into(),
            None if schema.get("anyOf").is_some() => "anyOf".into(),
            None => "any".into(),
        }
    }

    /// A readable name for a schema's type: a referenced name, `array<…>`, `type/format`, or
    /// the combinator (`oneOf`, `anyOf`) of a schema without a type.
    pub fn type_name(&self, schema: &Value) -> String {
        if let Some(Value::String(reference)) = schema.get("$ref") {
            return reference
                .rsplit('/')
                .next()
                .unwrap_or(reference)
                .to_string();
        }
        // A single-element allOf is how a described `$ref` is written.
        if let Some([only]) = schema
            .get("allOf")
            .and_then(Value::as_array)
            .map(Vec::as_slice)
        {
            return self.type_name(only);
        }
        match schema.get("type").and_then(Value::as_str) {
            Some("array") => format!(
                "array<{}>",
                schema
                    .get("items")
                    .map(|items| self.type_name(items))
                    .unwrap_or_else(|| "any".into())
            ),
            Some(ty) => match schema.get("format").and_then(Value::as_str) {
                Some(format) => format!("{ty}/{format}"),
                None => ty.to_string(),
            },
            None if schema.get("properties").is_some() => "object".into(),
            None if schema.get("oneOf").is_some() => "oneOf".into(),
            None if schema.get("anyOf").is_some() => "anyOf".into(),
            None => "any".into(),
        }
    }
}

impl<'a> Operation<'a> {
    /// Whether the SDK may send it again after a 5xx, a timeout or a dropped connection:
    /// `x-idempotent`, or without it whether its method is idempotent by RFC 9110. The
    /// operation table gives it to the SDK's retry policy; diff compares it.
    pub fn may_repeat(&self) -> bool {
        match self.value.get("x-idempotent") {
            Some(Value::Bool(stated)) => *stated,
            _ => matches!(
                self.method,
                "get" | "head" | "options" | "put" | "delete" | "trace"
            ),
        }
    }

    /// Whether the operation is `deprecated`.
    pub fn is_deprecated(&self) -> bool {
        self.value.get("deprecated") == Some(&Value::Bool(true))
    }

    /// What a deprecated operation's users are told to do instead: its `x-deprecation`
    /// sentence, which names the replacement or says that nothing replaces it.
    pub fn deprecation(&self) -> Option<&'a str> {
        self.value.get("x-deprecation").and_then(Value::as_str)
    }

    /// The note of a deprecated operation's `#[deprecated]`: its `x-deprecation`, or, in a
    /// document that states none (a published one, or the fragment before the rule
    /// `operation-deprecation`), a sentence saying only that it is deprecated.
    pub fn deprecation_note(&self) -> Option<String> {
        self.is_deprecated().then(|| {
            self.deprecation()
                .unwrap_or("Prolific marks this operation deprecated.")
                .to_string()
        })
    }

    /// The names of its path parameters, in the path's order.
    pub fn path_parameters(&self) -> Vec<&'a str> {
        path_parameters(self.path)
    }

    /// `POST /api/v1/participant-groups/`.
    pub fn label(&self) -> String {
        format!("{} {}", self.method.to_uppercase(), self.path)
    }

    /// The parameters, the path item's and the operation's (the operation's win by name and
    /// location), each `$ref` resolved.
    pub fn parameters(&self, index: &Index<'a>) -> Vec<Parameter> {
        let mut found: Vec<Parameter> = Vec::new();
        let lists = [self.item, self.value]
            .into_iter()
            .filter_map(|holder| holder.get("parameters").and_then(Value::as_array));
        for parameter in lists.flatten().map(|p| index.resolve(p)) {
            let text = |key| {
                parameter
                    .get(key)
                    .and_then(Value::as_str)
                    .unwrap_or_default()
                    .to_string()
            };
            let (name, location) = (text("name"), text("in"));
            let parameter = Parameter {
                required: location == "path"
                    || parameter.get("required").and_then(Value::as_bool) == Some(true),
                ty: parameter
                    .get("schema")
                    .map(|s| index.type_name(s))
                    .unwrap_or_else(|| "any".into()),
                name,
                location,
            };
            found.retain(|p| !(p.name == parameter.name && p.location == parameter.location));
            found.push(parameter);
        }
        found
    }

    /// The request body object, if any, `$ref` resolved.
    pub fn request_body(&self, index: &Index<'a>) -> Option<&'a Value> {
        self.value.get("requestBody").map(|b| index.resolve(b))
    }

    /// The responses by status, each `$ref` resolved.
    pub fn responses(&self, index: &Index<'a>) -> Vec<(&'a str, &'a Value)> {
        self.value
            .get("responses")
            .and_then(Value::as_object)
            .into_iter()
            .flatten()
            .map(|(status, response)| (status.as_str(), index.resolve(response)))
            .collect()
    }

    /// Every media type of the request body and the responses: (pointer, media type name,
    /// media type object). The pointer is that of the media type object.
    pub fn media(&self, index: &Index<'a>) -> Vec<(String, &'a str, &'a Value)> {
        let request = self
            .request_body(index)
            .map(|body| (format!("{}/requestBody", self.pointer), body));
        let responses = self.responses(index).into_iter().map(|(status, response)| {
            (
                format!("{}/responses/{}", self.pointer, escape(status)),
                response,
            )
        });
        request
            .into_iter()
            .chain(responses)
            .flat_map(|(at, holder)| {
                holder
                    .get("content")
                    .and_then(Value::as_object)
                    .into_iter()
                    .flatten()
                    .map(move |(media, object)| {
                        (
                            format!("{at}/content/{}", escape(media)),
                            media.as_str(),
                            object,
                        )
                    })
            })
            .collect()
    }

    /// The media types of its success (2XX) responses when one of them is text (`text/*`, a CSV
    /// export), text first and then the rest (JSON), each once; `None` for an operation whose
    /// successes are JSON or have no body. The generated `send()` of such an operation hands
    /// the text over unread and asks for exactly these types (`rewrite/send.rs`).
    pub fn text_success(&self, index: &Index<'a>) -> Option<Vec<&'a str>> {
        let mut media: Vec<&'a str> = Vec::new();
        for (status, response) in self.responses(index) {
            if !status.starts_with('2') {
                continue;
            }
            for name in response
                .get("content")
                .and_then(Value::as_object)
                .into_iter()
                .flatten()
                .map(|(name, _)| name.as_str())
            {
                if !media.contains(&name) {
                    media.push(name);
                }
            }
        }
        media.sort_by_key(|name| !is_text(name));
        media.iter().any(|name| is_text(name)).then_some(media)
    }

    /// How the list this operation reads is paged, when its query parameters are one of
    /// Prolific's two styles (`page` and `page_size`, or `offset` and `limit`); `None` for any
    /// other operation. An error names what the spec lacks for the generated `stream()`
    /// (`rewrite/pages.rs`): a default page size, or a success whose `results` is a list.
    pub fn paging(&self, index: &Index<'a>) -> Option<Result<Paging, String>> {
        let query: Vec<&Value> = [self.item, self.value]
            .into_iter()
            .filter_map(|holder| holder.get("parameters").and_then(Value::as_array))
            .flatten()
            .map(|p| index.resolve(p))
            .filter(|p| p.get("in").and_then(Value::as_str) == Some("query"))
            .collect();
        let named = |name: &str| {
            query
                .iter()
                .rev()
                .find(|p| p.get("name").and_then(Value::as_str) == Some(name))
        };
        let default = |parameter: &Value| {
            parameter
                .get("schema")
                .map(|s| index.resolve(s))
                .and_then(|s| s.get("default"))
                .and_then(Value::as_u64)
        };
        let (by_page, position, size) = match (named("page"), named("page_size")) {
            (Some(position), Some(size)) => (true, position, size),
            _ => match (named("offset"), named("limit")) {
                (Some(position), Some(size)) => (false, position, size),
                _ => return None,
            },
        };
        let text = |p: &Value| {
            p.get("name")
                .and_then(Value::as_str)
                .unwrap_or_default()
                .to_string()
        };
        let label = self.label();
        let Some(default_size) = default(size).filter(|size| *size > 0) else {
            return Some(Err(format!(
                "{label} is a paged list whose `{}` has no `default` (a positive integer); give \
                 the size Prolific uses when it is left out",
                text(size)
            )));
        };
        let results = self
            .responses(index)
            .into_iter()
            .filter(|(status, _)| status.starts_with('2'))
            .filter_map(|(_, response)| Self::json_schema(response))
            .map(|schema| index.resolve(schema))
            .any(|schema| {
                schema
                    .pointer("/properties/results")
                    .map(|r| index.resolve(r))
                    .and_then(|r| r.get("type"))
                    == Some(&Value::from("array"))
            });
        if !results {
            return Some(Err(format!(
                "{label} is a paged list whose success has no `results` list; declare the page's \
                 items as `results: {{type: array}}`"
            )));
        }
        Some(Ok(Paging {
            by_page,
            position: text(position),
            size: text(size),
            start: default(position).unwrap_or(u64::from(by_page)),
            default_size,
        }))
    }

    /// The parts of a `multipart/form-data` request body (a dataset's files), one per property
    /// of its object schema, in the schema's order; `None` for any other body. A part the SDK
    /// cannot send (an object, a list of lists) is an error naming it: `preflight.rs` reports
    /// it, and the rewrite `form.rs` gives every other part a setter.
    pub fn form_parts(&self, index: &Index<'a>) -> Option<Result<Vec<FormPart>, String>> {
        let (_, media) = self
            .request_body(index)?
            .get("content")
            .and_then(Value::as_object)?
            .iter()
            .find(|(media, _)| is_form(media))?;
        let schema = index.flatten(media.get("schema").unwrap_or(&Value::Null));
        let Some(properties) = schema.get("properties").and_then(Value::as_object) else {
            return Some(Err(
                "a `multipart/form-data` body without an object schema of properties; give \
                 each part a property"
                    .to_string(),
            ));
        };
        let fields = index.fields(&schema);
        let mut parts = Vec::new();
        for (name, property) in properties {
            let property = index.flatten(property);
            let repeated = property.get("type").and_then(Value::as_str) == Some("array");
            let item = match repeated {
                true => index.flatten(property.get("items").unwrap_or(&Value::Null)),
                false => property.clone(),
            };
            let file = match item.get("type").and_then(Value::as_str) {
                Some("string") => item.get("format").and_then(Value::as_str) == Some("binary"),
                Some("integer" | "number" | "boolean") => false,
                other => {
                    return Some(Err(format!(
                        "the form part `{name}` is {}; a part is a file (`type: string, format: \
                         binary`), a string, a number or a boolean, or a list of one of them",
                        other.map_or("of no type".to_string(), |t| format!("of type `{t}`"))
                    )));
                }
            };
            parts.push(FormPart {
                name: name.clone(),
                file,
                repeated,
                required: fields.get(name).is_some_and(|field| field.required),
                description: property
                    .get("description")
                    .and_then(Value::as_str)
                    .map(str::to_string),
            });
        }
        Some(Ok(parts))
    }

    /// The JSON body schema of a request body or response object, if it has one.
    pub fn json_schema(holder: &'a Value) -> Option<&'a Value> {
        holder
            .get("content")
            .and_then(Value::as_object)?
            .iter()
            .find(|(media, _)| is_json(media))
            .and_then(|(_, object)| object.get("schema"))
    }
}

/// Whether a media type is JSON: `application/json` or a structured `+json` type
/// (`application/problem+json`), with or without parameters, in any case: what the SDK decodes
/// as JSON at run time (`sdk/src/call.rs`).
pub fn is_json(media: &str) -> bool {
    let essence = media
        .split(';')
        .next()
        .unwrap_or_default()
        .trim()
        .to_ascii_lowercase();
    essence == "application/json"
        || (essence.starts_with("application/") && essence.ends_with("+json"))
}

/// Whether a media type is JSON Lines (`application/x-ndjson`, `application/jsonl`, with or
/// without parameters): a list sent one item a line (rewrite/json_lines.rs).
pub fn is_json_lines(media: &str) -> bool {
    matches!(
        media.split(';').next().unwrap_or_default().trim(),
        "application/x-ndjson" | "application/jsonl"
    )
}

/// Whether a media type is `multipart/form-data` (with or without parameters): a body the SDK
/// sends as a form of parts, files streamed (`Operation::form_parts`).
pub fn is_form(media: &str) -> bool {
    media.split(';').next().unwrap_or_default().trim() == "multipart/form-data"
}

/// Whether a media type is text (`text/csv`, `text/plain`, with or without parameters): a body
/// the SDK hands over unread, as `prolific_sdk::Text`.
pub fn is_text(media: &str) -> bool {
    media.starts_with("text/")
}

/// The JSON pointer a local `$ref` names: `#/components/schemas/A` → `/components/schemas/A`.
fn pointer_of(reference: &str) -> Option<String> {
    reference.strip_prefix('#').map(str::to_string)
}

fn flag(schema: &Value, key: &str) -> bool {
    schema.get(key).and_then(Value::as_bool).unwrap_or(false)
}

/// RFC 6901 escaping of one pointer segment.
pub fn escape(segment: &str) -> String {
    segment.replace('~', "~0").replace('/', "~1")
}

/// A JSON pointer as a place a reader finds in the YAML: `paths."/api/v1/x/".post.summary`.
pub fn place(pointer: &str) -> String {
    if pointer.is_empty() {
        return "(document)".to_string();
    }
    pointer
        .trim_start_matches('/')
        .split('/')
        .map(|segment| segment.replace("~1", "/").replace("~0", "~"))
        .map(|segment| {
            if segment.contains(['/', '.', ' ']) || segment.chars().all(|c| c.is_ascii_digit()) {
                format!("\"{segment}\"")
            } else {
                segment
            }
        })
        .collect::<Vec<_>>()
        .join(".")
}

/// The names of a path template's parameters, in order: `/groups/{id}/x/{n}/` gives `id`, `n`.
pub fn path_parameters(template: &str) -> Vec<&str> {
    template
        .split('{')
        .skip(1)
        .filter_map(|part| part.split_once('}').map(|(name, _)| name))
        .collect()
}

/// `template` with each parameter replaced by `value(name)`: `/groups/{id}/` with `|_| "{}"`
/// is the format string progenitor writes (`/groups/{}/`).
pub fn fill(template: &str, value: impl Fn(&str) -> String) -> String {
    let mut out = String::with_capacity(template.len());
    let mut rest = template;
    while let Some((before, after)) = rest.split_once('{') {
        let Some((name, after)) = after.split_once('}') else {
            break;
        };
        out.push_str(before);
        out.push_str(&value(name));
        rest = after;
    }
    out.push_str(rest);
    out
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn a_schemas_own_property_wins_over_its_parts_and_the_first_part_over_later_ones() {
        // The xtask let the first statement win, the tests' mock the last: the mock now reads
        // shapes here, and this is the one answer (the schema's own words, then its parts in
        // order), `required` united.
        let doc = json!({"components": {"schemas": {
            "Base": {"type": "object", "required": ["id"], "properties": {
                "id": {"type": "string"}, "kind": {"type": "string", "enum": ["base"]},
            }},
            "Extra": {"type": "object", "required": ["kind"], "properties": {
                "kind": {"type": "string", "enum": ["extra"]}, "note": {"type": "integer"},
            }},
            "Own": {"allOf": [
                {"$ref": "#/components/schemas/Base"},
                {"$ref": "#/components/schemas/Extra"},
            ], "properties": {"note": {"type": "string"}}},
        }}});
        let index = Index::new(&doc);
        let fields = index.fields(&json!({"$ref": "#/components/schemas/Own"}));
        assert_eq!(fields["note"].kind, "string");
        assert_eq!(fields["kind"].schema["enum"], json!(["base"]));
        let required: Vec<&str> = fields
            .iter()
            .filter(|(_, f)| f.required)
            .map(|(n, _)| n.as_str())
            .collect();
        assert_eq!(required, ["id", "kind"]);
    }

    #[test]
    fn an_operation_may_repeat_as_it_states_else_as_its_method_does_by_rfc_9110() {
        // The tests read `x-idempotent` alone, the generator fell back to the method: the
        // tests now take the generator's reading, which the SDK's retries follow.
        let doc = json!({"paths": {"/a/": {
            "get": {"operationId": "read"},
            "post": {"operationId": "make"},
            "put": {"operationId": "put-stated", "x-idempotent": false},
            "patch": {"operationId": "patch-stated", "x-idempotent": true},
        }}});
        let repeats: Vec<(Option<&str>, bool)> = Index::new(&doc)
            .operations()
            .iter()
            .map(|op| (op.id, op.may_repeat()))
            .collect();
        assert_eq!(
            repeats,
            [
                (Some("read"), true),
                (Some("put-stated"), false),
                (Some("make"), false),
                (Some("patch-stated"), true),
            ]
        );
    }

    #[test]
    fn json_is_application_json_or_a_structured_json_type_as_the_sdk_decodes_it() {
        for json in [
            "application/json",
            "application/json; charset=utf-8",
            "Application/JSON",
            "application/problem+json",
        ] {
            assert!(is_json(json), "{json}");
        }
        for other in [
            "application/x-ndjson",
            "text/json",
            "application/jsonl",
            "application/json-seq",
            "text/csv",
        ] {
            assert!(!is_json(other), "{other}");
        }
        assert!(is_json_lines("application/x-ndjson; charset=utf-8"));
        assert!(is_form("multipart/form-data; boundary=x"));
        assert!(is_text("text/csv"));
    }

    #[test]
    fn paths_name_their_parameters_and_fill_them_and_pointers_escape_segments() {
        let template = "/api/v1/groups/{id}/members/{participant_id}/";
        assert_eq!(path_parameters(template), ["id", "participant_id"]);
        assert_eq!(
            fill(template, |_| "{}".into()),
            "/api/v1/groups/{}/members/{}/"
        );
        assert_eq!(
            fill(template, |name| name.to_uppercase()),
            "/api/v1/groups/ID/members/PARTICIPANT_ID/"
        );
        assert_eq!(path_parameters("/api/v1/studies/"), Vec::<&str>::new());
        assert_eq!(escape("/a~b/"), "~1a~0b~1");
        let doc = json!({"paths": {template: {"get": {"operationId": "x"}}}});
        let operation = &Index::new(&doc).operations()[0];
        assert_eq!(
            operation.pointer,
            "/paths/~1api~1v1~1groups~1{id}~1members~1{participant_id}~1/get"
        );
        assert_eq!(operation.path_parameters(), ["id", "participant_id"]);
    }

    #[test]
    fn a_schema_without_a_type_is_named_by_its_combinator() {
        let doc = json!({});
        let index = Index::new(&doc);
        assert_eq!(index.kind(&json!({"anyOf": [{"type": "string"}]})), "anyOf");
        assert_eq!(index.kind(&json!({"oneOf": [{"type": "string"}]})), "oneOf");
        assert_eq!(index.kind(&json!({"properties": {}})), "object");
        assert_eq!(index.kind(&json!({})), "any");
        assert_eq!(index.type_name(&json!({"anyOf": []})), "anyOf");
    }

    #[test]
    fn facts_beside_a_reference_win_and_shapes_follow_references() {
        let doc = json!({"components": {"schemas": {
            "Id": {"type": "string", "format": "uuid", "description": "target"},
            "Group": {"type": "object", "required": ["id"], "properties": {
                "id": {"allOf": [{"$ref": "#/components/schemas/Id"}], "nullable": true},
                "ids": {"type": "array", "items": {"$ref": "#/components/schemas/Id"}},
            }},
        }}});
        let index = Index::new(&doc);
        let fields = index.fields(&json!({"$ref": "#/components/schemas/Group"}));
        let id = &fields["id"];
        assert_eq!((id.ty.as_str(), id.kind.as_str()), ("Id", "string"));
        assert_eq!(id.format.as_deref(), Some("uuid"));
        assert!(id.required && id.nullable && !id.read_only);
        let ids = &fields["ids"];
        assert_eq!(
            (ids.ty.as_str(), ids.kind.as_str()),
            ("array<Id>", "array<string>")
        );
        assert!(!ids.required);
    }

    #[test]
    fn places_read_like_the_yaml() {
        assert_eq!(
            place("/paths/~1api~1v1~1participant-groups~1/post/responses/201"),
            "paths.\"/api/v1/participant-groups/\".post.responses.\"201\""
        );
        assert_eq!(place("/components/schemas/A~0B"), "components.schemas.A~B");
        assert_eq!(place(""), "(document)");
    }
}
