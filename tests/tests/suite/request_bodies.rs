//! Any body the SDK can build, for every operation whose body is JSON: bodies are generated
//! from the operation's schema (numbers at, inside and past their bounds, enums, lists, maps,
//! nulls and absent fields), read into the generated body type (a body the type cannot hold is
//! one the SDK cannot build, and is not tried), and sent through the operation's builder.
//!
//! What holds for each: the SDK sends only bodies the spec's schema accepts, and refuses a
//! number or a list's length outside the spec's bounds before sending, naming the bound
//! (`minimum`, `maximum`, `minItems`, `maxItems`). Before the SDK checked bounds, a
//! workspace's `naivety_distribution_rate` of 5 (the spec allows 0 to 1) went out, and so did
//! an empty list of dataset records (at least one).

use crate::common;

use std::collections::BTreeMap;

use prolific_sdk::{Client, Error};
use prolific_sdk_tests::{Loopback, Operation, operations, read_body, schema_errors, spec};
use proptest::prelude::*;
use proptest::strategy::{BoxedStrategy, Union};
use proptest::test_runner::{Config, TestRunner};
use serde_json::{Map, Value, json};
use spec_model::Index;

/// `call`: one operation sent with a body read from JSON, through its builder, from the
/// operation list the SDK's generator writes; `None` when the generated body type cannot hold
/// that JSON (the SDK cannot build such a body), or the operation takes no typed body.
macro_rules! body_calls {
    ($(
        $id:literal $method:ident
        path [$(($pwire:literal, $pset:ident, $pty:ty)),*]
        query [$(($qwire:literal, $qset:ident, $qty:ty)),*]
        optional [$(($owire:literal, $oset:ident, $oty:ty)),*]
        body [$($body:ty)?]
        answer [$answer:ident];
    )*) => {
        /// Sends `operation` with `body`; its path parameters are `g1`, its required query
        /// parameters the spec's examples. Returns the body as the SDK encodes it, and what
        /// `send()` returned.
        #[allow(deprecated, unused_variables)]
        async fn call(
            client: &Client,
            operation: &str,
            query: &BTreeMap<String, Value>,
            body: &Value,
        ) -> Option<(Value, Result<(), Error>)> {
            match operation {
                $($id => {
                    let request = client.$method();
                    $(let request = request.$pset("g1");)*
                    $(let request = request.$qset(
                        serde_json::from_value::<$qty>(query.get($qwire)?.clone()).ok()?,
                    );)*
                    $(
                        let typed: $body = serde_json::from_value(body.clone()).ok()?;
                        let encoded = serde_json::to_value(&typed).expect("a body encodes");
                        let sent = request.body(typed).send().await.map(|_| ());
                        return Some((encoded, sent));
                    )?
                    #[allow(unreachable_code)]
                    None
                })*
                _ => None,
            }
        }
    };
}
prolific_sdk::for_each_operation!(body_calls);

/// JSON values of `schema` that the generated types can hold: bounds are not kept (a number
/// is tried at, inside and past each bound), everything else of the schema is.
fn values(index: &Index, schema: &Value, depth: usize) -> BoxedStrategy<Value> {
    let flat = index.flatten(schema);
    let value = shaped(index, &flat, depth);
    match flat.get("nullable") == Some(&Value::Bool(true)) {
        true => prop_oneof![1 => Just(Value::Null), 4 => value].boxed(),
        false => value,
    }
}

fn shaped(index: &Index, schema: &Value, depth: usize) -> BoxedStrategy<Value> {
    if let Some(values) = schema.get("enum").and_then(Value::as_array) {
        return proptest::sample::select(values.clone()).boxed();
    }
    for alternatives in ["oneOf", "anyOf"] {
        if let Some(parts) = schema.get(alternatives).and_then(Value::as_array) {
            let parts: Vec<_> = parts.iter().map(|p| values(index, p, depth + 1)).collect();
            return Union::new(parts).boxed();
        }
    }
    match schema.get("type").and_then(Value::as_str) {
        Some("integer") => integers(schema),
        Some("number") => numbers(schema),
        Some("boolean") => any::<bool>().prop_map(Value::from).boxed(),
        Some("string") => strings(schema),
        Some("array") if depth < 4 => {
            let items = values(index, schema.get("items").unwrap_or(&json!({})), depth + 1);
            proptest::collection::vec(items, 0..3)
                .prop_map(Value::Array)
                .boxed()
        }
        Some("array") => Just(json!([])).boxed(),
        Some("object") | None
            if schema.get("properties").is_some()
                || schema.get("additionalProperties").is_some() =>
        {
            objects(index, schema, depth)
        }
        _ => prop_oneof![
            Just(json!("x")),
            Just(json!(1)),
            Just(json!(true)),
            Just(json!({}))
        ]
        .boxed(),
    }
}

/// The bounds of a number, and a little past each.
fn edges(schema: &Value, step: f64) -> Vec<f64> {
    ["minimum", "maximum"]
        .iter()
        .filter_map(|key| schema.get(*key).and_then(Value::as_f64))
        .flat_map(|bound| [bound - step, bound, bound + step])
        .collect()
}

fn integers(schema: &Value) -> BoxedStrategy<Value> {
    let edges: Vec<Value> = edges(schema, 1.0)
        .into_iter()
        .map(|e| Value::from(e as i64))
        .collect();
    let usual = (0i64..2000).prop_map(Value::from).boxed();
    match edges.is_empty() {
        true => usual,
        false => prop_oneof![usual, proptest::sample::select(edges)].boxed(),
    }
}

fn numbers(schema: &Value) -> BoxedStrategy<Value> {
    let edges: Vec<Value> = edges(schema, 0.5).into_iter().map(Value::from).collect();
    let usual = prop_oneof![(-2.0f64..2.0), (0.0f64..500.0)]
        .prop_map(Value::from)
        .boxed();
    match edges.is_empty() {
        true => usual,
        false => prop_oneof![usual, proptest::sample::select(edges)].boxed(),
    }
}

fn strings(schema: &Value) -> BoxedStrategy<Value> {
    // A pattern is kept by the generated type: its example is a string it holds.
    if schema.get("pattern").is_some() {
        let example = schema.get("example").cloned().unwrap_or(json!(""));
        return Just(example).boxed();
    }
    let length = |key: &str| schema.get(key).and_then(Value::as_u64);
    let least = length("minLength").unwrap_or(0);
    let most = length("maxLength").unwrap_or(least + 8).min(least + 8);
    proptest::string::string_regex(&format!("[a-zA-Z0-9 é]{{{least},{most}}}"))
        .expect("a character class with lengths")
        .prop_map(Value::from)
        .boxed()
}

/// Objects with every required property, each optional one present or absent, and a few
/// entries of a map (`additionalProperties`).
fn objects(index: &Index, schema: &Value, depth: usize) -> BoxedStrategy<Value> {
    let fields = index.fields(schema);
    let properties: Vec<BoxedStrategy<Option<(String, Value)>>> = fields
        .into_iter()
        .filter(|(_, field)| field.required || depth < 4)
        .map(|(name, field)| {
            let value = values(index, &field.schema, depth + 1);
            let named = value.prop_map(move |v| (name.clone(), v));
            match field.required {
                true => named.prop_map(Some).boxed(),
                false => proptest::option::of(named).boxed(),
            }
        })
        .collect();
    let map = match schema.get("additionalProperties").filter(|v| v.is_object()) {
        Some(values_schema) if depth < 4 => proptest::collection::btree_map(
            "[a-z]{1,4}",
            values(index, values_schema, depth + 1),
            0..3,
        )
        .boxed(),
        _ => Just(BTreeMap::new()).boxed(),
    };
    (properties, map)
        .prop_map(|(properties, map)| {
            let mut object: Map<String, Value> = map.into_iter().collect();
            object.extend(properties.into_iter().flatten());
            Value::Object(object)
        })
        .boxed()
}

/// What the cases of one operation came to.
#[derive(Default, Debug)]
struct Outcomes {
    /// Bodies the generated type cannot hold: not tried.
    not_buildable: u32,
    /// Sent, and the spec's schema accepts what was sent.
    sent: u32,
    /// Refused before sending by a bound, which the body breaks.
    refused_by_bound: u32,
    /// Refused before sending by another rule (a prose rule, a required field).
    refused_otherwise: u32,
}

/// The operations with a JSON (or JSON Lines) body, with their body's schema pointer.
fn with_json_bodies() -> Vec<(Operation, String)> {
    operations()
        .into_iter()
        .filter_map(|operation| {
            operation.request_media()?;
            let schema = format!("{}/schema", operation.media("requestBody"));
            Some((operation, schema))
        })
        .collect()
}

#[test]
fn every_body_the_sdk_can_build_is_sent_as_the_spec_accepts_or_refused_by_a_bound_it_breaks() {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(1)
        .enable_all()
        .build()
        .expect("a runtime");
    let spec = spec();
    let index = Index::new(&spec);
    let bodies = with_json_bodies();
    assert!(
        bodies.len() > 20,
        "operations with a JSON body: {}",
        bodies.len()
    );
    let mut all: BTreeMap<String, Outcomes> = BTreeMap::new();
    for (operation, schema) in &bodies {
        let answer = operation.documented_success();
        let server = runtime.block_on(Loopback::serve(move |_, _| answer.clone()));
        let client = Client::builder()
            .token(common::TOKEN)
            .base_url(server.url())
            .max_retries(0)
            .build()
            .expect("a loopback client builds");
        let query = operation.parameter_examples("query");
        let generator = values(&index, spec.pointer(schema).expect("the body's schema"), 0);
        let outcomes = std::cell::RefCell::new(Outcomes::default());
        let mut runner = TestRunner::new(Config {
            cases: 16,
            failure_persistence: None,
            ..Config::default()
        });
        let result = runner.run(&generator, |body| {
            let before = server.requests().len();
            let Some((encoded, sent)) =
                runtime.block_on(call(&client, &operation.id, &query, &body))
            else {
                outcomes.borrow_mut().not_buildable += 1;
                return Ok(());
            };
            let requests = server.requests();
            match sent {
                Ok(()) => {
                    let request = requests.last().expect("a request was sent");
                    let content_type = request.header("content-type").unwrap_or_default();
                    let wire = read_body(content_type, &request.body).expect("the body reads");
                    let errors = schema_errors(schema, &wire);
                    prop_assert!(errors.is_empty(), "{wire} breaks the schema: {errors:?}");
                    outcomes.borrow_mut().sent += 1;
                }
                Err(Error::Validation(refusal)) => {
                    prop_assert_eq!(requests.len(), before, "a refused request was sent");
                    if matches!(
                        refusal.rule(),
                        Some("minimum" | "maximum" | "minItems" | "maxItems")
                    ) {
                        let errors = schema_errors(schema, &encoded);
                        prop_assert!(
                            !errors.is_empty(),
                            "{encoded} was refused ({refusal}) but the spec accepts it"
                        );
                        outcomes.borrow_mut().refused_by_bound += 1;
                    } else {
                        outcomes.borrow_mut().refused_otherwise += 1;
                    }
                }
                Err(other) => prop_assert!(false, "{}: {other}", operation.id),
            }
            Ok(())
        });
        if let Err(failure) = result {
            panic!("{}: {failure}", operation.id);
        }
        all.insert(operation.id.clone(), outcomes.into_inner());
    }
    // The cases reached what the test is about: bodies sent for most operations, and numbers
    // past a bound refused.
    let sent = all.values().filter(|o| o.sent > 0).count();
    assert!(
        sent * 4 >= all.len() * 3,
        "{sent} of {} operations had a body sent: {all:#?}",
        all.len()
    );
    let refused: u32 = all.values().map(|o| o.refused_by_bound).sum();
    assert!(refused > 0, "no body went past a bound: {all:#?}");
}
