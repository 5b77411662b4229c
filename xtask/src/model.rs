//! A spec seen as an SDK user sees it: operations, named types, and each type's fields with
//! their Rust-relevant facts. `diff` compares two of these; `drift` compares bodies field by
//! field against another document.

use std::collections::{BTreeMap, BTreeSet};

use serde_json::Value;

/// An operation: method and path identify it; its id names the SDK method.
#[derive(Debug, Clone, PartialEq)]
pub struct Operation {
    /// `POST`, `GET`, ...
    pub method: String,
    /// The path, e.g. `/api/v1/participant-groups/`.
    pub path: String,
    /// The operationId.
    pub id: String,
}

/// A field of a named type.
#[derive(Debug, Clone, PartialEq)]
pub struct Field {
    /// The field's type, e.g. `string`, `integer/int64`, `array<string>`, `ParticipantGroup`.
    pub ty: String,
    /// Whether the object lists it in `required`.
    pub required: bool,
    /// `nullable: true`.
    pub nullable: bool,
    /// `readOnly: true`.
    pub read_only: bool,
    /// `enum` values, if any.
    pub values: Vec<String>,
}

impl Field {
    /// Whether the generated Rust field is an `Option` (typify: not required, or nullable).
    pub fn is_option(&self) -> bool {
        !self.required || self.nullable
    }
}

/// A named type: its fields (for objects) and enum values (for enums of strings).
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Type {
    /// The fields by name.
    pub fields: BTreeMap<String, Field>,
    /// The values, when the type is an enum.
    pub values: Vec<String>,
}

/// Which way a type travels.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Direction {
    /// Sent by users (in a request body).
    Request,
    /// Read by users (in a response body).
    Response,
}

/// The spec, as its SDK exposes it.
pub struct Model {
    /// Every operation.
    pub operations: Vec<Operation>,
    /// Every named schema.
    pub types: BTreeMap<String, Type>,
    /// Which way each named type travels (a type can go both ways).
    pub directions: BTreeMap<String, BTreeSet<Direction>>,
}

/// The methods an OpenAPI path item can hold.
const METHODS: [&str; 8] = [
    "get", "put", "post", "delete", "options", "head", "patch", "trace",
];

/// Every operation of a document: (path, method in lower case, the operation object).
pub fn operations_of(spec: &Value) -> Vec<(&str, &'static str, &Value)> {
    let paths = spec
        .get("paths")
        .and_then(Value::as_object)
        .into_iter()
        .flatten();
    paths
        .flat_map(|(path, item)| {
            METHODS
                .iter()
                .filter_map(move |method| item.get(*method).map(|op| (path.as_str(), *method, op)))
        })
        .collect()
}

impl Model {
    /// Reads the model out of a spec document.
    pub fn of(spec: &Value) -> Self {
        let mut operations = Vec::new();
        let mut roots: Vec<(String, Direction)> = Vec::new();
        for (path, item) in spec
            .get("paths")
            .and_then(Value::as_object)
            .into_iter()
            .flatten()
        {
            for method in METHODS {
                let Some(op) = item.get(method) else { continue };
                operations.push(Operation {
                    method: method.to_uppercase(),
                    path: path.clone(),
                    id: op
                        .get("operationId")
                        .and_then(Value::as_str)
                        .unwrap_or_default()
                        .to_string(),
                });
                for schema in media_schemas(op.get("requestBody")) {
                    roots.push((schema, Direction::Request));
                }
                for response in op
                    .get("responses")
                    .and_then(Value::as_object)
                    .into_iter()
                    .flatten()
                {
                    for schema in media_schemas(Some(response.1)) {
                        roots.push((schema, Direction::Response));
                    }
                }
            }
        }
        let schemas = spec
            .pointer("/components/schemas")
            .and_then(Value::as_object)
            .cloned()
            .unwrap_or_default();
        let types = schemas
            .iter()
            .map(|(name, schema)| (name.clone(), type_of(schema)))
            .collect();
        let mut directions: BTreeMap<String, BTreeSet<Direction>> = BTreeMap::new();
        for (root, direction) in roots {
            let mut stack = vec![root];
            while let Some(name) = stack.pop() {
                let first_visit = directions
                    .entry(name.clone())
                    .or_default()
                    .insert(direction);
                if first_visit && let Some(schema) = schemas.get(&name) {
                    stack.extend(references(schema));
                }
            }
        }
        Model {
            operations,
            types,
            directions,
        }
    }
}

/// The named schemas a request body or response uses directly.
fn media_schemas(holder: Option<&Value>) -> Vec<String> {
    holder
        .and_then(|h| h.get("content"))
        .and_then(Value::as_object)
        .into_iter()
        .flatten()
        .filter_map(|(_, media)| media.get("schema"))
        .flat_map(references)
        .collect()
}

/// Every `$ref` name inside a schema.
fn references(schema: &Value) -> Vec<String> {
    let mut found = Vec::new();
    fn walk(value: &Value, found: &mut Vec<String>) {
        match value {
            Value::Object(map) => {
                if let Some(Value::String(reference)) = map.get("$ref")
                    && let Some(name) = reference.strip_prefix("#/components/schemas/")
                {
                    found.push(name.to_string());
                }
                map.values().for_each(|v| walk(v, found));
            }
            Value::Array(items) => items.iter().for_each(|v| walk(v, found)),
            _ => {}
        }
    }
    walk(schema, &mut found);
    found
}

fn type_of(schema: &Value) -> Type {
    let required: BTreeSet<&str> = schema
        .get("required")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(Value::as_str)
        .collect();
    let fields = schema
        .get("properties")
        .and_then(Value::as_object)
        .into_iter()
        .flatten()
        .map(|(name, property)| {
            let field = Field {
                ty: type_name(property),
                required: required.contains(name.as_str()),
                nullable: flag(property, "nullable"),
                read_only: flag(property, "readOnly"),
                values: values(property),
            };
            (name.clone(), field)
        })
        .collect();
    Type {
        fields,
        values: values(schema),
    }
}

fn flag(schema: &Value, key: &str) -> bool {
    schema.get(key).and_then(Value::as_bool).unwrap_or(false)
}

fn values(schema: &Value) -> Vec<String> {
    schema
        .get("enum")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .map(|v| {
            v.as_str()
                .map(str::to_string)
                .unwrap_or_else(|| v.to_string())
        })
        .collect()
}

/// A readable name for a schema's type: a referenced name, `array<...>`, or `type/format`.
pub fn type_name(schema: &Value) -> String {
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
        return type_name(only);
    }
    match schema.get("type").and_then(Value::as_str) {
        Some("array") => format!(
            "array<{}>",
            schema
                .get("items")
                .map(type_name)
                .unwrap_or_else(|| "any".into())
        ),
        Some(ty) => match schema.get("format").and_then(Value::as_str) {
            Some(format) => format!("{ty}/{format}"),
            None => ty.to_string(),
        },
        None if schema.get("oneOf").is_some() => "oneOf".to_string(),
        None if schema.get("anyOf").is_some() => "anyOf".to_string(),
        None => "any".to_string(),
    }
}
