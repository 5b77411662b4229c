//! The SDK conforms to the spec: every example in the spec validates against its schema and
//! decodes into the generated type; any request the SDK can build encodes to JSON the spec's
//! schema accepts; and any response, whatever its status and bytes, ends in a typed result.

mod common;

use std::sync::{Arc, Mutex};

use prolific_sdk::types::{CreateParticipantGroupRequest, ErrorResponse, ParticipantGroup};
use prolific_sdk::{Client, Error};
use prolific_sdk_tests::{Canned, Loopback, schema_errors, spec};
use proptest::prelude::*;
use proptest::test_runner::{Config, TestRunner};
use serde_json::Value;

/// Decodes `value` as the generated type of the spec's schema `name`.
fn decode_as(name: &str, value: &Value) -> Result<(), String> {
    fn decode<T: for<'de> serde::Deserialize<'de>>(value: &Value) -> Result<(), String> {
        serde_json::from_value::<T>(value.clone())
            .map(drop)
            .map_err(|e| e.to_string())
    }
    match name {
        "CreateParticipantGroupRequest" => decode::<CreateParticipantGroupRequest>(value),
        "ParticipantGroup" => decode::<ParticipantGroup>(value),
        "ErrorResponse" => decode::<ErrorResponse>(value),
        other => Err(format!(
            "no generated type is mapped for the schema `{other}`: add it to decode_as"
        )),
    }
}

/// JSON pointer escaping (RFC 6901).
fn escape(key: &str) -> String {
    key.replace('~', "~0").replace('/', "~1")
}

/// Every `example` in the spec: (pointer to its schema, the example).
fn examples() -> Vec<(String, Value)> {
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
                for (key, child) in map {
                    if key != "example" {
                        walk(child, &format!("{pointer}/{}", escape(key)), found);
                    }
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
    walk(&spec(), "", &mut found);
    found
}

#[test]
fn every_example_in_the_spec_validates_against_its_schema() {
    let examples = examples();
    assert!(examples.len() >= 6, "{examples:?}");
    for (schema, example) in &examples {
        let errors = schema_errors(schema, example);
        assert!(
            errors.is_empty(),
            "the example at {schema} breaks it: {errors:?}"
        );
    }
}

#[test]
fn every_body_example_decodes_into_its_generated_type() {
    let spec = spec();
    let mut decoded = 0;
    for (schema, example) in examples() {
        let Some(Value::String(reference)) = spec.pointer(&format!("{schema}/$ref")) else {
            continue; // a property's example, not a body's
        };
        let name = reference.trim_start_matches("#/components/schemas/");
        decode_as(name, &example).unwrap_or_else(|e| panic!("{schema} ({name}): {e}"));
        decoded += 1;
    }
    assert_eq!(decoded, 3, "the request, the 201 and the 4XX examples");
}

const REQUEST_SCHEMA: &str =
    "/paths/~1api~1v1~1participant-groups~1/post/requestBody/content/application~1json/schema";

fn any_request() -> impl Strategy<Value = CreateParticipantGroupRequest> {
    (
        any::<String>(),
        proptest::option::of(any::<String>()),
        proptest::option::of(any::<String>()),
        proptest::option::of(any::<String>()),
        proptest::collection::vec(any::<String>(), 0..4),
    )
        .prop_map(
            |(name, workspace_id, organisation_id, description, participant_ids)| {
                CreateParticipantGroupRequest {
                    name,
                    workspace_id,
                    organisation_id,
                    description,
                    participant_ids,
                }
            },
        )
}

#[test]
fn any_request_encodes_to_json_the_spec_accepts() {
    let mut runner = TestRunner::new(Config {
        cases: 1000,
        ..Config::default()
    });
    runner
        .run(&any_request(), |request| {
            let json = serde_json::to_value(&request).expect("a request encodes");
            let errors = schema_errors(REQUEST_SCHEMA, &json);
            prop_assert!(errors.is_empty(), "{json} breaks the schema: {errors:?}");
            // Unset optional fields are absent, never null.
            prop_assert!(json.as_object().unwrap().values().all(|v| !v.is_null()));
            Ok(())
        })
        .unwrap();
}

/// Response bodies worth trying: random bytes, random JSON, and near-misses of the real ones.
fn any_body() -> impl Strategy<Value = Vec<u8>> {
    let json = any::<i64>()
        .prop_map(Value::from)
        .boxed()
        .prop_recursive(3, 24, 4, |inner| {
            prop_oneof![
                proptest::collection::vec(inner.clone(), 0..4).prop_map(Value::Array),
                proptest::collection::btree_map(
                    prop_oneof![
                        Just("id".to_string()),
                        Just("name".to_string()),
                        Just("error".to_string()),
                        any::<String>()
                    ],
                    inner,
                    0..4
                )
                .prop_map(|m| Value::Object(m.into_iter().collect())),
            ]
        });
    prop_oneof![
        proptest::collection::vec(any::<u8>(), 0..300),
        json.prop_map(|v| serde_json::to_vec(&v).unwrap()),
        Just(br#"{"id": "g1", "name": "Group 1"}"#.to_vec()),
        Just(
            br#"{"error": {"status": 400, "error_code": 1, "title": "t", "detail": "d"}}"#.to_vec()
        ),
        Just(br#"{"message": "m", "detail": ["a", "b"]}"#.to_vec()),
    ]
}

#[test]
fn any_status_and_body_gives_a_typed_result_and_never_a_panic() {
    let runtime = tokio::runtime::Runtime::new().unwrap();
    let next = Arc::new(Mutex::new(Canned::raw(200, "text/plain", "")));
    let (server, client) = runtime.block_on(async {
        let answer = Arc::clone(&next);
        let server = Loopback::serve(move |_, _| answer.lock().unwrap().clone()).await;
        let client = Client::builder()
            .token(common::TOKEN)
            .base_url(server.url())
            .max_retries(0)
            .timeout(std::time::Duration::from_secs(5))
            .build()
            .unwrap();
        (server, client)
    });

    let mut runner = TestRunner::new(Config {
        cases: 2000,
        ..Config::default()
    });
    runner
        .run(&(100u16..=599, any_body()), |(status, body)| {
            // One connection per case: a 1xx, 204 or 304 leaves bytes a next request would read.
            *next.lock().unwrap() = Canned::raw(status, "application/json", body.clone())
                .with_header("connection", "close");
            let result = runtime.block_on(common::create(&client));
            match &result {
                Ok(_) => prop_assert_eq!(status, 201),
                Err(Error::Api(api)) => {
                    prop_assert!(status >= 400, "{status}: {api}");
                    prop_assert_eq!(api.status().as_u16(), status);
                }
                Err(Error::Decode(decode)) => {
                    prop_assert!(status < 400, "{status}: {decode}");
                    prop_assert_eq!(decode.status().as_u16(), status);
                }
                Err(Error::Transport(_)) => {
                    prop_assert!(status < 200, "only an interim status loses the response")
                }
                Err(other) => prop_assert!(false, "{status}: unexpected {other:?}"),
            }
            if let Err(error) = &result {
                let shown = error.to_string();
                prop_assert_eq!(shown.lines().count(), 1, "{}", shown);
                let debug = format!("{error:?}");
                prop_assert!(!debug.contains(common::TOKEN));
            }
            Ok(())
        })
        .unwrap();
    drop(server);
}
