//! The numbers the spec bounds (`minimum`, `maximum`, with OpenAPI 3.0's boolean
//! `exclusiveMinimum`/`exclusiveMaximum`) and the lists whose length it bounds (`minItems`,
//! `maxItems`) in each operation's request: typify's types hold any `f64`, `u64` (an integer's
//! `minimum: 1` aside, a `NonZeroU64`) or `Vec`, so the operation table hands these to the SDK,
//! which refuses a request outside them before sending it (`sdk/src/bounds.rs`). A string's
//! length and pattern need nothing here: typify's string types keep them.
//!
//! A body's bound is found at a place in the JSON the SDK sends: `/naivety_distribution_rate`,
//! `/filters/*/weightings/*` (`*`: every item of a list, every value of a map). Bounds inside
//! `oneOf`/`anyOf` alternatives are left out: which alternative a value is cannot be told from
//! its place alone. A query parameter's bound is found by the parameter's name.

use std::collections::BTreeSet;

use proc_macro2::TokenStream;
use quote::quote;
use serde_json::Value;
use spec_model::{Index, Operation, escape};

/// One bounded number: where it is, and its bounds.
#[derive(Debug, Clone, PartialEq)]
pub struct Bound {
    /// The place in the body (`/a/*/b`), or the query parameter's name.
    pub at: String,
    /// `minimum`, if any.
    pub minimum: Option<f64>,
    /// `maximum`, if any.
    pub maximum: Option<f64>,
    /// `exclusiveMinimum: true`: the minimum itself is refused.
    pub exclusive_minimum: bool,
    /// `exclusiveMaximum: true`: the maximum itself is refused.
    pub exclusive_maximum: bool,
    /// The bounds are a list's length (`minItems`, `maxItems`), not a number's.
    pub items: bool,
}

impl Bound {
    /// The bound `schema` states, at `at`, if it states one: a number's, or a list's length.
    fn of(schema: &Value, at: String) -> Option<Bound> {
        let number = |key| schema.get(key).and_then(Value::as_f64);
        let flag = |key| schema.get(key).and_then(Value::as_bool) == Some(true);
        let (minimum, maximum, items) = match schema.get("type").and_then(Value::as_str) {
            Some("number" | "integer") => (number("minimum"), number("maximum"), false),
            Some("array") => (number("minItems"), number("maxItems"), true),
            _ => return None,
        };
        (minimum.is_some() || maximum.is_some()).then(|| Bound {
            at,
            minimum,
            maximum,
            exclusive_minimum: !items && flag("exclusiveMinimum"),
            exclusive_maximum: !items && flag("exclusiveMaximum"),
            items,
        })
    }

    /// `crate::bounds::Bound { .. }`, as the operation table writes it.
    pub fn tokens(&self) -> TokenStream {
        let at = &self.at;
        let option = |value: Option<f64>| match value {
            Some(v) => quote!(Some(#v)),
            None => quote!(None),
        };
        let (minimum, maximum) = (option(self.minimum), option(self.maximum));
        let (exclusive_minimum, exclusive_maximum, items) =
            (self.exclusive_minimum, self.exclusive_maximum, self.items);
        quote! {
            crate::bounds::Bound {
                at: #at,
                minimum: #minimum,
                maximum: #maximum,
                exclusive_minimum: #exclusive_minimum,
                exclusive_maximum: #exclusive_maximum,
                items: #items,
            }
        }
    }
}

/// The bounds of `operation`'s JSON request body (JSON Lines included: the list it sends).
pub fn body(operation: &Operation, index: &Index) -> Vec<Bound> {
    let mut found = Vec::new();
    let schema = operation
        .request_body(index)
        .and_then(|body| body.get("content"))
        .and_then(Value::as_object)
        .and_then(|content| {
            content
                .iter()
                .find(|(media, _)| spec_model::is_json(media) || spec_model::is_json_lines(media))
        })
        .and_then(|(_, media)| media.get("schema"));
    if let Some(schema) = schema {
        walk(
            index,
            schema,
            String::new(),
            &mut BTreeSet::new(),
            &mut found,
        );
    }
    found
}

/// The bounds of `operation`'s query parameters, by name.
pub fn query(operation: &Operation, index: &Index) -> Vec<Bound> {
    let lists = [operation.item, operation.value]
        .into_iter()
        .filter_map(|holder| holder.get("parameters").and_then(Value::as_array));
    let mut found: Vec<Bound> = Vec::new();
    for parameter in lists.flatten().map(|p| index.resolve(p)) {
        if parameter.get("in").and_then(Value::as_str) != Some("query") {
            continue;
        }
        let name = parameter
            .get("name")
            .and_then(Value::as_str)
            .unwrap_or_default();
        let schema = index.flatten(parameter.get("schema").unwrap_or(&Value::Null));
        // The operation's parameter replaces the path item's of the same name. A list's length
        // in a query is not bounded here (none of the spec's is).
        found.retain(|bound| bound.at != name);
        found.extend(Bound::of(&schema, name.to_string()).filter(|bound| !bound.items));
    }
    found
}

/// Every bound within `schema`, found at `at`; `seen` holds the references being walked, so
/// that a schema that holds itself ends.
fn walk(
    index: &Index,
    schema: &Value,
    at: String,
    seen: &mut BTreeSet<String>,
    found: &mut Vec<Bound>,
) {
    let reference = schema
        .get("$ref")
        .and_then(Value::as_str)
        .map(str::to_string);
    if let Some(reference) = &reference
        && !seen.insert(reference.clone())
    {
        return;
    }
    let flat = index.flatten(schema);
    found.extend(Bound::of(&flat, at.clone()));
    for (name, property) in flat
        .get("properties")
        .and_then(Value::as_object)
        .into_iter()
        .flatten()
    {
        if name != "*" {
            walk(
                index,
                property,
                format!("{at}/{}", escape(name)),
                seen,
                found,
            );
        }
    }
    if let Some(items) = flat.get("items") {
        walk(index, items, format!("{at}/*"), seen, found);
    }
    if let Some(values) = flat.get("additionalProperties").filter(|v| v.is_object()) {
        walk(index, values, format!("{at}/*"), seen, found);
    }
    if let Some(reference) = reference {
        seen.remove(&reference);
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn bounds_are_found_through_references_lists_maps_and_all_of_but_not_alternatives() {
        let doc = json!({
            "paths": {"/w/": {"post": {
                "parameters": [{"name": "limit", "in": "query",
                    "schema": {"type": "integer", "minimum": 1, "maximum": 1000}}],
                "requestBody": {"content": {"application/json": {"schema": {
                    "$ref": "#/components/schemas/W"}}}},
            }}},
            "components": {"schemas": {
                "Rate": {"type": "number", "minimum": 0, "maximum": 1},
                "W": {"type": "object", "properties": {
                    "rate": {"allOf": [{"$ref": "#/components/schemas/Rate"}], "nullable": true},
                    "places": {"type": "integer", "minimum": 0, "exclusiveMinimum": true},
                    "weights": {"type": "array", "minItems": 1, "items": {"type": "number", "maximum": 5}},
                    "shares": {"type": "object", "additionalProperties": {"$ref": "#/components/schemas/Rate"}},
                    "either": {"oneOf": [{"type": "integer", "minimum": 3}]},
                    "child": {"$ref": "#/components/schemas/W"},
                    "name": {"type": "string"},
                }},
            }},
        });
        let index = Index::new(&doc);
        let operation = &index.operations()[0];
        let bound = |at: &str, minimum, maximum, exclusive_minimum, items| Bound {
            at: at.to_string(),
            minimum,
            maximum,
            exclusive_minimum,
            exclusive_maximum: false,
            items,
        };
        assert_eq!(
            body(operation, &index),
            [
                bound("/places", Some(0.0), None, true, false),
                bound("/rate", Some(0.0), Some(1.0), false, false),
                bound("/shares/*", Some(0.0), Some(1.0), false, false),
                bound("/weights", Some(1.0), None, false, true),
                bound("/weights/*", None, Some(5.0), false, false),
            ]
        );
        let limit = query(operation, &index);
        assert_eq!(limit.len(), 1);
        assert_eq!(
            (limit[0].minimum, limit[0].maximum),
            (Some(1.0), Some(1000.0))
        );
    }
}
