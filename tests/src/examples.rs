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

/// Checks every example of `spec`, under `example` or `examples`: each validates against its
/// schema, and each whose schema is a named one (`$ref`) decodes into its generated type and
/// encodes back to the same JSON (an explicit `null` counts as absent: the generated types
/// leave unset optional fields out). An example that cannot be read (a `$ref` that does not
/// resolve, an `externalValue`, no `value`) fails `example-valid` with what to do.
pub fn check_examples(spec: &Value) -> Vec<Finding> {
    let mut findings = Vec::new();
    for example in examples(spec) {
        // A shared example is named where it is used, with where it comes from.
        let from = |problem: String| match &example.reference {
            Some(reference) => format!("{reference}: {problem}"),
            None => problem,
        };
        let value = match example.value {
            Ok(value) => value,
            Err(problem) => {
                findings.push(Finding {
                    rule: "example-valid",
                    place: example.place,
                    problem: Some(problem),
                });
                continue;
            }
        };
        let errors = schema_errors_in(spec, &example.schema, &value);
        findings.push(Finding {
            rule: "example-valid",
            place: example.place.clone(),
            problem: (!errors.is_empty()).then(|| from(errors.join("; "))),
        });
        if let Some(Value::String(reference)) = spec.pointer(&format!("{}/$ref", example.schema)) {
            let name = reference.trim_start_matches("#/components/schemas/");
            findings.push(Finding {
                rule: "example-roundtrip",
                place: example.place,
                problem: roundtrip(name, &value).err().map(from),
            });
        }
    }
    findings
}

/// Decodes `example` as the generated type of the schema `name` and encodes it back. The
/// types are the ones the generator lists (`for_each_generated_type!`), by their names.
pub fn roundtrip(name: &str, example: &Value) -> Result<(), String> {
    // typify writes a name's capitals as PascalCase words (`AITaskBuilderBatch` is
    // `AiTaskBuilderBatch`): the type is found whatever the case of its letters.
    macro_rules! by_name {
        ($($ty:ident),*) => {{
            $(if stringify!($ty).eq_ignore_ascii_case(name) {
                return through::<prolific_sdk::types::$ty>(name, example);
            })*
            Err(format!(
                "the SDK has no type named after the schema `{name}`; give the schema a \
                 name that is already PascalCase"
            ))
        }};
    }
    prolific_sdk::for_each_generated_type!(by_name)
}

fn through<T: DeserializeOwned + Serialize>(name: &str, example: &Value) -> Result<(), String> {
    let value: T = serde_json::from_value(example.clone())
        .map_err(|e| format!("does not decode as `{name}`: {e}"))?;
    let again = serde_json::to_value(&value).map_err(|e| format!("does not encode: {e}"))?;
    let (expected, actual) = (canonical(example), canonical(&again));
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

/// `value` as the SDK's types give it back, to compare with what they read: without explicit
/// `null`s, and with every number as an `f64`.
pub fn canonical(value: &Value) -> Value {
    numbers_as_f64(&without_nulls(value))
}

/// `value` with every number as an `f64`, at any depth: a `type: number` field is an `f64`, so
/// `150` comes back as `150.0`, the same number on the wire.
fn numbers_as_f64(value: &Value) -> Value {
    match value {
        Value::Object(map) => Value::Object(
            map.iter()
                .map(|(k, v)| (k.clone(), numbers_as_f64(v)))
                .collect(),
        ),
        Value::Array(items) => Value::Array(items.iter().map(numbers_as_f64).collect()),
        Value::Number(n) => n.as_f64().map_or_else(|| value.clone(), Value::from),
        other => other.clone(),
    }
}

/// One example of the spec.
#[derive(Debug, Clone, PartialEq)]
pub struct Example {
    /// Where it is named, as a JSON pointer: the schema it illustrates for an `example`, the
    /// entry (`.../examples/NAME`) for one of `examples`.
    pub place: String,
    /// The JSON pointer of the schema it illustrates.
    pub schema: String,
    /// For an entry that is a `$ref`, the reference (`#/components/examples/NAME`).
    pub reference: Option<String>,
    /// Its value, or why it has none that can be checked.
    pub value: Result<Value, String>,
}

/// Every example in the spec: each `example` (of a media type, a parameter, a header or a
/// schema), and each entry of an `examples` map (of a media type, a parameter or a header: an
/// Example Object with `value`, or a `$ref` to one). `components/examples` are read where they
/// are used, since only there do they have a schema; an example's value is data, never searched.
pub fn examples(spec: &Value) -> Vec<Example> {
    let mut found = Vec::new();
    walk(spec, spec, "", &mut found);
    found
}

fn walk(spec: &Value, value: &Value, pointer: &str, found: &mut Vec<Example>) {
    match value {
        Value::Object(map) => {
            // A media type's, parameter's or header's examples belong to its `schema`; a
            // schema's to itself.
            let schema = if map.contains_key("schema") {
                format!("{pointer}/schema")
            } else {
                pointer.to_string()
            };
            if let Some(example) = map.get("example") {
                found.push(Example {
                    place: schema.clone(),
                    schema: schema.clone(),
                    reference: None,
                    value: Ok(example.clone()),
                });
            }
            let named = map
                .contains_key("schema")
                .then(|| map.get("examples"))
                .flatten();
            for (name, entry) in named.and_then(Value::as_object).into_iter().flatten() {
                let reference = entry.get("$ref").and_then(Value::as_str);
                found.push(Example {
                    place: format!("{pointer}/examples/{}", escape(name)),
                    schema: schema.clone(),
                    reference: reference.map(str::to_string),
                    value: example_value(spec, entry),
                });
            }
            for (key, child) in map {
                let is_data = key == "example" || (key == "examples" && named.is_some());
                let child_pointer = format!("{pointer}/{}", escape(key));
                if is_data || child_pointer == "/components/examples" {
                    continue;
                }
                if key == "properties" {
                    // Its keys are property names: a property may be called `example`.
                    for (name, property) in child.as_object().into_iter().flatten() {
                        walk(
                            spec,
                            property,
                            &format!("{child_pointer}/{}", escape(name)),
                            found,
                        );
                    }
                } else {
                    walk(spec, child, &child_pointer, found);
                }
            }
        }
        Value::Array(items) => {
            for (i, child) in items.iter().enumerate() {
                walk(spec, child, &format!("{pointer}/{i}"), found);
            }
        }
        _ => {}
    }
}

/// The value of one entry of an `examples` map: an Example Object's `value`, through `$ref`s.
fn example_value(spec: &Value, entry: &Value) -> Result<Value, String> {
    let mut entry = entry;
    // A bound, not a depth anyone writes: a cycle of references must end.
    for _ in 0..16 {
        let Some(reference) = entry.get("$ref") else {
            break;
        };
        let reference = reference.as_str().unwrap_or_default();
        entry = reference
            .strip_prefix('#')
            .and_then(|pointer| spec.pointer(pointer))
            .ok_or_else(|| {
                format!(
                    "`$ref: {reference}` does not resolve; define the example there or point \
                     at one that exists"
                )
            })?;
    }
    if let Some(value) = entry.get("value") {
        return Ok(value.clone());
    }
    if let Some(external) = entry.get("externalValue") {
        let external = external.as_str().unwrap_or_default();
        return Err(format!(
            "the example is only an `externalValue` ({external}), which is not fetched; give it \
             as `value`"
        ));
    }
    if entry.get("$ref").is_some() {
        return Err(
            "the `$ref`s of this example go round in a cycle; point at an Example \
                    Object"
                .to_string(),
        );
    }
    Err("the Example Object has no `value`; give the example as `value`".to_string())
}

/// One key as a JSON pointer's segment.
fn escape(key: &str) -> String {
    key.replace('~', "~0").replace('/', "~1")
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    /// What `check_examples` says, as (rule, place, problem) each.
    fn findings(spec: &Value) -> Vec<(&'static str, String, Option<String>)> {
        check_examples(spec)
            .into_iter()
            .map(|f| (f.rule, f.place, f.problem))
            .collect()
    }

    #[test]
    fn a_whole_number_in_a_number_field_round_trips() {
        // `type: number` is an `f64`: 150 encodes back as 150.0, which is the same number.
        let cost = json!({"reward": 150, "total_available_places": 50});
        assert_eq!(roundtrip("StudyCostRequest", &cost), Ok(()));
        // What the type cannot carry still fails.
        assert!(roundtrip("StudyCostRequest", &json!({"reward": 150.5, "extra": 1})).is_err());
    }

    #[test]
    fn each_example_under_examples_is_checked_and_named() {
        let spec = json!({
            "paths": {"/x/": {"post": {"requestBody": {"content": {"application/json": {
                "schema": {"type": "object", "properties": {"name": {"type": "string"}}},
                "examples": {
                    "good": {"summary": "A name", "value": {"name": "a"}},
                    "referenced": {"$ref": "#/components/examples/NumberName"},
                    "dangling": {"$ref": "#/components/examples/Nowhere"},
                    "external": {"externalValue": "https://example.com/x.json"},
                    "empty": {"summary": "nothing"},
                    "cycle": {"$ref": "#/components/examples/Loop"},
                },
            }}}}}},
            "components": {"examples": {
                "NumberName": {"value": {"name": 7}},
                "Loop": {"$ref": "#/components/examples/Loop"},
            }},
        });
        let media = "/paths/~1x~1/post/requestBody/content/application~1json";
        let at = |name: &str| format!("{media}/examples/{name}");
        let valid = |name: &str, problem: Option<&str>| {
            ("example-valid", at(name), problem.map(str::to_string))
        };
        // In the order of the keys (serde_json's maps are sorted).
        assert_eq!(
            findings(&spec),
            [
                valid(
                    "cycle",
                    Some(
                        "the `$ref`s of this example go round in a cycle; point at an Example \
                         Object"
                    )
                ),
                valid(
                    "dangling",
                    Some(
                        "`$ref: #/components/examples/Nowhere` does not resolve; define the \
                         example there or point at one that exists"
                    )
                ),
                valid(
                    "empty",
                    Some("the Example Object has no `value`; give the example as `value`")
                ),
                valid(
                    "external",
                    Some(
                        "the example is only an `externalValue` (https://example.com/x.json), \
                         which is not fetched; give it as `value`"
                    )
                ),
                valid("good", None),
                valid(
                    "referenced",
                    Some("#/components/examples/NumberName: /name: 7 is not of type \"string\"")
                ),
            ]
        );
    }

    #[test]
    fn a_parameter_s_examples_are_checked_against_its_schema() {
        let spec = json!({"paths": {"/x/": {"get": {"parameters": [{
            "name": "limit", "in": "query", "schema": {"type": "integer"},
            "examples": {"ten": {"value": 10}, "words": {"value": "ten"}},
        }]}}}});
        let at = |name: &str| format!("/paths/~1x~1/get/parameters/0/examples/{name}");
        assert_eq!(
            findings(&spec),
            [
                ("example-valid", at("ten"), None),
                (
                    "example-valid",
                    at("words"),
                    Some("(body): \"ten\" is not of type \"integer\"".to_string())
                ),
            ]
        );
    }

    #[test]
    fn a_property_named_example_is_a_property_and_example_values_are_data() {
        let spec = json!({
            "components": {
                "schemas": {"Note": {"type": "object", "properties": {
                    "example": {"type": "string", "example": "an example"},
                }}},
                "examples": {"Unused": {"value": {"example": 5}}},
            },
        });
        assert_eq!(
            findings(&spec),
            [(
                "example-valid",
                "/components/schemas/Note/properties/example".to_string(),
                None
            )]
        );
    }
}
