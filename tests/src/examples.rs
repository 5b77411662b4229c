//! The spec's examples against its schemas and against the SDK's generated types: what
//! `cargo xtask check` runs (through `src/bin/spec-examples.rs`) and the tests assert.

use serde::{Serialize, de::DeserializeOwned};
use serde_json::Value;

use crate::spec::schema_errors_in;

/// One check of one example.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Finding {
    /// `example-valid` (against its schema) or `example-roundtrip` (through the generated type).
    pub rule: &'static str,
    /// Where the example sits, as a JSON pointer into the spec.
    pub place: String,
    /// What is wrong, or `None` when the example passes.
    pub problem: Option<String>,
}

/// Checks every example of `spec`: each validates against its schema, and each body example
/// decodes into its generated type and encodes back to the same JSON (an explicit `null`
/// counts as absent: the generated types leave unset optional fields out).
pub fn check_examples(spec: &Value) -> Vec<Finding> {
    let mut findings = Vec::new();
    for (schema, example) in examples(spec) {
        let errors = schema_errors_in(spec, &schema, &example);
        findings.push(Finding {
            rule: "example-valid",
            place: schema.clone(),
            problem: (!errors.is_empty()).then(|| errors.join("; ")),
        });
        if let Some(Value::String(reference)) = spec.pointer(&format!("{schema}/$ref")) {
            let name = reference.trim_start_matches("#/components/schemas/");
            findings.push(Finding {
                rule: "example-roundtrip",
                place: schema.clone(),
                problem: roundtrip(name, &example).err(),
            });
        }
    }
    findings
}

/// Decodes `example` as the generated type of the schema `name` and encodes it back. The
/// types are the ones the generator lists (`for_each_generated_type!`), by their names.
pub fn roundtrip(name: &str, example: &Value) -> Result<(), String> {
    macro_rules! by_name {
        ($($ty:ident),*) => {
            match name {
                $(stringify!($ty) => through::<prolific_sdk::types::$ty>(name, example),)*
                other => Err(format!(
                    "the SDK has no type named after the schema `{other}`; give the schema a \
                     name that is already PascalCase"
                )),
            }
        };
    }
    prolific_sdk::for_each_generated_type!(by_name)
}

fn through<T: DeserializeOwned + Serialize>(name: &str, example: &Value) -> Result<(), String> {
    let value: T = serde_json::from_value(example.clone())
        .map_err(|e| format!("does not decode as `{name}`: {e}"))?;
    let again = serde_json::to_value(&value).map_err(|e| format!("does not encode: {e}"))?;
    let (expected, actual) = (without_nulls(example), without_nulls(&again));
    if expected == actual {
        Ok(())
    } else {
        Err(format!(
            "`{name}` encodes it back differently: {actual} instead of {expected}"
        ))
    }
}

/// `value` without its explicit `null`s, at any depth: what the SDK's types give back, since
/// they leave unset optional fields out.
pub fn without_nulls(value: &Value) -> Value {
    match value {
        Value::Object(map) => Value::Object(
            map.iter()
                .filter(|(_, v)| !v.is_null())
                .map(|(k, v)| (k.clone(), without_nulls(v)))
                .collect(),
        ),
        Value::Array(items) => Value::Array(items.iter().map(without_nulls).collect()),
        other => other.clone(),
    }
}

/// Every `example` in the spec, with the JSON pointer of the schema it illustrates.
pub fn examples(spec: &Value) -> Vec<(String, Value)> {
    fn walk(value: &Value, pointer: &str, found: &mut Vec<(String, Value)>) {
        match value {
            Value::Object(map) => {
                if let Some(example) = map.get("example") {
                    // A media type's example belongs to its `schema`; a schema's to itself.
                    let schema = if map.contains_key("schema") {
                        format!("{pointer}/schema")
                    } else {
                        pointer.to_string()
                    };
                    found.push((schema, example.clone()));
                }
                for (key, child) in map.iter().filter(|(k, _)| *k != "example") {
                    let key = key.replace('~', "~0").replace('/', "~1");
                    walk(child, &format!("{pointer}/{key}"), found);
                }
            }
            Value::Array(items) => {
                for (i, child) in items.iter().enumerate() {
                    walk(child, &format!("{pointer}/{i}"), found);
                }
            }
            _ => {}
        }
    }
    let mut found = Vec::new();
    walk(spec, "", &mut found);
    found
}
