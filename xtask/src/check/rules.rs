//! The fragment's own rules, beyond what OpenAPI requires: what makes a spec good enough to
//! generate a documented SDK from. Each rule looks at the document as JSON and names the place
//! of every violation.

use serde_json::Value;

use spec_model::{Index, Operation, escape, place};

/// A rule's outcome: what it looked at, and each violation (place, what to do).
pub struct Outcome {
    /// The rule's name, as reported.
    pub rule: &'static str,
    /// What the rule covered, e.g. "1 operation" (shown when it passes).
    pub scope: String,
    /// How many things it looked at: with none, it checked nothing, and says `skip`.
    pub checked: usize,
    /// Each violation: the place in the spec, and the message.
    pub violations: Vec<(String, String)>,
}

/// Runs every rule on the document.
pub fn check(spec: &Value) -> Vec<Outcome> {
    let index = Index::new(spec);
    let operations = index.operations();
    let count =
        |n: usize, one: &str, many: &str| format!("{n} {}", if n == 1 { one } else { many });
    let per_operation =
        |rule: &'static str, broken: &dyn Fn(&Value) -> Option<&'static str>| Outcome {
            rule,
            scope: count(operations.len(), "operation", "operations"),
            checked: operations.len(),
            violations: operations
                .iter()
                .filter_map(|op| broken(op.value).map(|m| (place(&op.pointer), m.to_string())))
                .collect(),
        };
    // A missing or repeated operationId is `generatable`'s (preflight.rs): progenitor needs it.
    let mut outcomes = vec![
        per_operation("operation-summary", &|op| {
            non_empty_string(op.get("summary"))
                .is_none()
                .then_some("no summary; add one (it heads the method's documentation)")
        }),
        per_operation("operation-tag", &|op| {
            let tagged = op
                .get("tags")
                .and_then(Value::as_array)
                .is_some_and(|tags| !tags.is_empty());
            (!tagged).then_some("no tag; add the tag of its section in Prolific's docs")
        }),
    ];
    let global_security = has_security(spec.get("security"));
    outcomes.push(per_operation("operation-security", &|op| {
        let secured = match op.get("security") {
            Some(own) => has_security(Some(own)),
            None => global_security,
        };
        (!secured).then_some("no security requirement; add `security: [{token: []}]`")
    }));
    outcomes.push(per_operation("operation-idempotent", &|op| {
        (!op.get("x-idempotent").is_some_and(Value::is_boolean)).then_some(
            "no `x-idempotent: true|false`; say whether sending it twice leaves the same state \
             (the SDK repeats it after a 5xx or a timeout only when true)",
        )
    }));
    outcomes.push(per_operation("operation-prose-rules", &|op| {
        let well_formed = match op.get("x-prose-rules") {
            None => true,
            Some(Value::Object(rules)) => {
                !rules.is_empty()
                    && rules.iter().all(|(name, text)| {
                        is_rule_name(name) && non_empty_string(Some(text)).is_some()
                    })
            }
            Some(_) => false,
        };
        (!well_formed).then_some(
            "`x-prose-rules` is not a map from each rule's snake_case name to its sentence; name \
             each rule the docs state in prose (`name_not_blank: The name is not empty.`), or \
             leave it out",
        )
    }));
    outcomes.push(per_operation("operation-deprecation", &|op| {
        let deprecated = op.get("deprecated") == Some(&Value::Bool(true));
        match (deprecated, op.get("x-deprecation")) {
            (true, note) if non_empty_string(note).is_none() => Some(
                "deprecated without `x-deprecation`; say what to use instead, or that nothing \
                 replaces it (it becomes the method's `#[deprecated]` note)",
            ),
            (false, Some(_)) => Some(
                "`x-deprecation` on an operation that is not `deprecated: true`; mark it \
                 deprecated or remove the note",
            ),
            _ => None,
        }
    }));
    outcomes.push(per_operation("operation-4xx", &|op| {
        let has_4xx = op
            .get("responses")
            .and_then(Value::as_object)
            .is_some_and(|r| r.keys().any(|code| code.starts_with('4')));
        (!has_4xx).then_some("no 4XX response; add `4XX` with the ErrorResponse body")
    }));

    let bodies = bodies(&index, &operations);
    let mut properties = Vec::new();
    for (at, schema) in schemas(&index, &bodies) {
        collect_properties(schema, &at, &mut properties);
    }
    outcomes.push(Outcome {
        rule: "property-description",
        scope: count(properties.len(), "property", "properties"),
        checked: properties.len(),
        violations: properties
            .iter()
            .filter(|(_, property)| non_empty_string(property.get("description")).is_none())
            .map(|(at, property)| {
                let message = if property.get("$ref").is_some() {
                    "no description (a bare `$ref` cannot carry one: wrap it as `allOf: [{$ref: ...}]` \
                     beside a `description`)"
                } else {
                    "no description; add the field's description from Prolific's docs"
                };
                (place(at), message.to_string())
            })
            .collect(),
    });

    outcomes.push(Outcome {
        rule: "body-example",
        scope: count(bodies.len(), "body", "bodies"),
        checked: bodies.len(),
        violations: bodies
            .iter()
            .filter(|(_, media)| media.get("example").is_none() && media.get("examples").is_none())
            .map(|(at, _)| {
                (
                    place(at),
                    "no example; add the documented one as `example`".to_string(),
                )
            })
            .collect(),
    });
    outcomes
}

fn non_empty_string(value: Option<&Value>) -> Option<&str> {
    value
        .and_then(Value::as_str)
        .filter(|s| !s.trim().is_empty())
}

fn has_security(value: Option<&Value>) -> bool {
    value
        .and_then(Value::as_array)
        .is_some_and(|requirements| !requirements.is_empty())
}

/// The media types of request and response bodies that have a schema: (pointer, media type).
fn bodies<'a>(index: &Index<'a>, operations: &[Operation<'a>]) -> Vec<(String, &'a Value)> {
    operations
        .iter()
        .flat_map(|op| op.media(index))
        .filter(|(_, _, media)| media.get("schema").is_some())
        .map(|(at, _, media)| (at, media))
        .collect()
}

/// The schemas to start from: the named ones, and those inline in `bodies`.
fn schemas<'a>(index: &Index<'a>, bodies: &[(String, &'a Value)]) -> Vec<(String, &'a Value)> {
    let named = index
        .schemas()
        .map(|(name, schema)| (format!("/components/schemas/{}", escape(name)), schema));
    let inline = bodies
        .iter()
        .filter_map(|(at, media)| media.get("schema").map(|s| (format!("{at}/schema"), s)));
    named.chain(inline).collect()
}

/// Every property of `schema` and of the schemas inside it: (pointer, property schema).
fn collect_properties<'a>(schema: &'a Value, at: &str, found: &mut Vec<(String, &'a Value)>) {
    if let Some(Value::Object(properties)) = schema.get("properties") {
        for (name, property) in properties {
            let property_at = format!("{at}/properties/{}", escape(name));
            found.push((property_at.clone(), property));
            collect_properties(property, &property_at, found);
        }
    }
    for key in ["items", "additionalProperties", "not"] {
        if let Some(inner @ Value::Object(_)) = schema.get(key) {
            collect_properties(inner, &format!("{at}/{key}"), found);
        }
    }
    for key in ["allOf", "oneOf", "anyOf"] {
        for (i, inner) in schema
            .get(key)
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .enumerate()
        {
            collect_properties(inner, &format!("{at}/{key}/{i}"), found);
        }
    }
}

/// A prose rule's name becomes a method of the generated `ProseRules`: a snake_case identifier.
fn is_rule_name(name: &str) -> bool {
    name.starts_with(|c: char| c.is_ascii_lowercase())
        && name
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
}
