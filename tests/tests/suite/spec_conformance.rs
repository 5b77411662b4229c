//! The SDK conforms to the spec: every example in the spec validates against its schema and
//! decodes into the generated type; and any response, whatever its status and bytes, ends in
//! a typed result. (Any request body the SDK can build: request_bodies.rs.)

use crate::common;

use std::sync::{Arc, Mutex};

use prolific_sdk::{Client, Error};
use prolific_sdk_tests::examples::{check_examples, roundtrip};
use prolific_sdk_tests::raw::{self, Raw};
use prolific_sdk_tests::spec;
use proptest::prelude::*;
use proptest::test_runner::{Config, TestRunner};
use serde_json::Value;

#[test]
fn every_example_in_the_spec_validates_and_body_examples_roundtrip() {
    let findings = check_examples(&spec());
    let failed: Vec<_> = findings.iter().filter(|f| f.problem.is_some()).collect();
    assert!(failed.is_empty(), "{failed:#?}");
    let count = |rule| findings.iter().filter(|f| f.rule == rule).count();
    // Every example the spec holds was validated: the count comes from the spec, not from a
    // number written here.
    let spec = spec();
    let all = prolific_sdk_tests::examples::examples(&spec);
    assert!(!all.is_empty(), "the spec holds examples");
    assert_eq!(count("example-valid"), all.len(), "{findings:#?}");
    // Every body example (requests, successes, errors) of a named schema goes through its
    // generated type. A body of an inline plain type (a sentence, `type: string`) has no named
    // type; operations.rs decodes it through its operation.
    // A parameter's example of a named schema (an enum) goes through its type too.
    let named: Vec<_> = all
        .into_iter()
        .filter(|example| spec.pointer(&format!("{}/$ref", example.schema)).is_some())
        .collect();
    let bodies = named
        .iter()
        .filter(|example| example.schema.contains("/content/"))
        .count();
    let operations = prolific_sdk_tests::operations().len();
    assert!(
        bodies >= 2 * operations,
        "at least a success and an error per operation ({operations}): {bodies}"
    );
    assert_eq!(count("example-roundtrip"), named.len(), "{findings:#?}");
}

#[test]
fn an_example_that_drops_a_field_on_the_way_back_fails_the_roundtrip() {
    // An answer's type reads a field it does not know, and drops it on the way back.
    let mut answer = prolific_sdk_tests::example(
        "/paths/~1api~1v1~1participant-groups~1/post/responses/201/content/application~1json",
    );
    answer["colour"] = serde_json::json!("red");
    let problem = roundtrip("ParticipantGroup", &answer).unwrap_err();
    assert!(
        problem.starts_with("`ParticipantGroup` encodes it back differently"),
        "{problem}"
    );
    // A request's type refuses it, naming it.
    let mut request = prolific_sdk_tests::example(
        "/paths/~1api~1v1~1participant-groups~1/post/requestBody/content/application~1json",
    );
    request["colour"] = serde_json::json!("red");
    let problem = roundtrip("CreateParticipantGroupRequest", &request).unwrap_err();
    assert!(problem.contains("unknown field `colour`"), "{problem}");
    assert!(
        roundtrip("NoSuchSchema", &request)
            .unwrap_err()
            .contains("has no type named after the schema `NoSuchSchema`")
    );
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
    // Raw bytes: a conforming server (and so a mocking library) sends neither a 1xx as the
    // answer nor a body with a 204 or 304.
    let next = Arc::new(Mutex::new(Vec::new()));
    let (server, client) = runtime.block_on(async {
        let answer = Arc::clone(&next);
        let server = Raw::serve(move || answer.lock().unwrap().clone()).await;
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
            *next.lock().unwrap() = raw::response(status, body.len(), &body);
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
