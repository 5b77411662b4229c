//! The spec's schemas as the mock reads them: an object's properties and required fields
//! (through `spec_model`, as the generator reads them), and the words it uses for kinds of
//! objects.

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
        spec.pointer(pointer)
            .map_or_else(Shape::default, |schema| Shape::of(spec, schema))
    }

    /// The shape of `schema`, which is part of `spec`, as the generator reads it
    /// (`spec_model::Index::fields`: `$ref` followed, `allOf` merged the one way).
    pub fn of(spec: &Value, schema: &Value) -> Shape {
        let fields = spec_model::Index::new(spec).fields(schema);
        Shape {
            required: fields
                .iter()
                .filter(|(_, field)| field.required)
                .map(|(name, _)| name.clone())
                .collect(),
            properties: fields
                .into_iter()
                .map(|(name, field)| (name, field.schema))
                .collect(),
        }
    }

    /// Whether the property may be `null` (OpenAPI 3.0's `nullable`).
    pub fn nullable(&self, name: &str) -> bool {
        self.properties
            .get(name)
            .is_some_and(|p| p["nullable"] == true)
    }
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
