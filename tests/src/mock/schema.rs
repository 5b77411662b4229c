//! The spec's schemas as the mock reads them: an object's properties and required fields,
//! through `$ref` and `allOf`, and the words it uses for kinds of objects.

use std::collections::{BTreeMap, BTreeSet};

use serde_json::Value;

/// An object schema, flattened: every property (by name, its schema resolved) and which are
/// required. `oneOf` and `anyOf` are not merged: their objects have no one shape.
#[derive(Default)]
pub(super) struct Shape {
    pub properties: BTreeMap<String, Value>,
    pub required: BTreeSet<String>,
}

impl Shape {
    /// The shape of the schema at `pointer` in `spec` (empty when there is none).
    pub fn at(spec: &Value, pointer: &str) -> Shape {
        let mut shape = Shape::default();
        if let Some(schema) = spec.pointer(pointer) {
            shape.merge(spec, schema, 0);
        }
        shape
    }

    /// The shape of `schema`, which is part of `spec`.
    pub fn of(spec: &Value, schema: &Value) -> Shape {
        let mut shape = Shape::default();
        shape.merge(spec, schema, 0);
        shape
    }

    fn merge(&mut self, spec: &Value, schema: &Value, depth: usize) {
        // A `$ref` cycle in a broken spec ends here rather than overflowing the stack.
        if depth > 16 {
            return;
        }
        let schema = resolve(spec, schema);
        for part in schema["allOf"].as_array().into_iter().flatten() {
            self.merge(spec, part, depth + 1);
        }
        for (name, property) in schema["properties"].as_object().into_iter().flatten() {
            let property = resolve(spec, property);
            self.properties.insert(name.clone(), property.clone());
        }
        for name in schema["required"].as_array().into_iter().flatten() {
            if let Some(name) = name.as_str() {
                self.required.insert(name.to_string());
            }
        }
    }

    /// Whether the property may be `null` (OpenAPI 3.0's `nullable`).
    pub fn nullable(&self, name: &str) -> bool {
        self.properties
            .get(name)
            .is_some_and(|p| p["nullable"] == true)
    }
}

/// `schema` itself, or what its `$ref` points to (a property wrapped in `allOf` to carry its
/// own description stays as written: `Shape::merge` walks it).
pub(super) fn resolve<'a>(spec: &'a Value, schema: &'a Value) -> &'a Value {
    let mut schema = schema;
    for _ in 0..16 {
        match schema["$ref"].as_str().and_then(|r| r.strip_prefix('#')) {
            Some(pointer) => match spec.pointer(pointer) {
                Some(target) => schema = target,
                None => return schema,
            },
            None => return schema,
        }
    }
    schema
}

/// The schema of a list's items, when `schema` is a list as Prolific answers one (`results`).
pub(super) fn listed_items(spec: &Value, schema: &Value) -> Option<Value> {
    let results = Shape::of(spec, schema).properties.remove("results")?;
    (results["type"] == "array").then(|| results["items"].clone())
}

/// How an object names the kind of object it belongs to: `studies` → `study`,
/// `participant-groups` → `participant_group` (a submission's `study_id`, a project's
/// `workspace`).
pub(super) fn singular(kind: &str) -> String {
    let kind = kind.replace('-', "_");
    match kind.strip_suffix("ies") {
        Some(stem) => format!("{stem}y"),
        None => kind.strip_suffix('s').unwrap_or(&kind).to_string(),
    }
}
