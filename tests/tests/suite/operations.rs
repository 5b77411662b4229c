//! Every operation of the spec, on the wire: the request it sends (an insta snapshot per
//! operation), its documented response decoded, Prolific's error body decoded, and whether it is
//! sent again after a 503, as its `x-idempotent` says. An operation whose success is text (a
//! CSV export) is answered with its text example, and its text read back under the cap. An
//! upload's form is called here without files, so nothing in it is streamed (its boundary is
//! shown as `BOUNDARY`); tests/tests/suite/uploads.rs sends files, and checks them part by part.
//!
//! The operations come from the spec, and each call is made through the operation's typed
//! builder with the spec's examples, from the list the generator writes beside the client
//! (`for_each_operation!`): an operation added to the spec needs no code here.

use crate::common;

use std::collections::BTreeMap;
use std::time::Duration;

use prolific_sdk::{Client, Error, ResponseValue};
use prolific_sdk_tests::examples::canonical;
use prolific_sdk_tests::{Canned, Loopback, Operation, example, operations, schema_errors, spec};
use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::Value;

/// The id the calls pass: it needs percent-encoding, so every snapshot shows it done.
const GROUP: &str = "g 1/a";

/// What one call passes: each path parameter (by its name on the wire) is [`GROUP`], each
/// query parameter its example in the spec, and the body the request body's example.
struct Args {
    path: BTreeMap<String, Value>,
    query: BTreeMap<String, Value>,
    body: Option<Value>,
}

impl Args {
    fn of(operation: &Operation) -> Self {
        let path = spec_model::path_parameters(&operation.path)
            .into_iter()
            .map(|name| (name.to_string(), Value::from(GROUP)))
            .collect();
        let body = spec()
            .pointer(&format!("{}/example", operation.media("requestBody")))
            .cloned();
        Self {
            path,
            query: operation.parameter_examples("query"),
            body,
        }
    }
}

/// `value` as the type a setter takes; a missing or mistyped value names the operation.
fn value<T: DeserializeOwned>(operation: &str, name: &str, value: Option<&Value>) -> T {
    let value = value.unwrap_or_else(|| panic!("{operation}: the spec gives no `{name}`"));
    serde_json::from_value(value.clone()).unwrap_or_else(|e| panic!("{operation}: `{name}`: {e}"))
}

/// An answer as JSON, read as the generator says the operation's success is read
/// (`answer [..]` of `for_each_operation!`): a text answer (unread when `send()` returns) is
/// read whole, under the client's cap, as a JSON string.
macro_rules! answer {
    (json, $sent:expr) => {
        json($sent)
    };
    (text, $sent:expr) => {
        match $sent {
            Ok(value) => value.into_inner().text().await.map(Value::String),
            Err(error) => Err(error),
        }
    };
    (text_or_json, $sent:expr) => {
        match $sent.map(ResponseValue::into_inner) {
            Ok(prolific_sdk::TextOr::Text(text)) => text.text().await.map(Value::String),
            Ok(prolific_sdk::TextOr::Json(value)) => {
                Ok(serde_json::to_value(value).expect("a decoded value encodes"))
            }
            Ok(_) => panic!("an answer of a kind these tests do not read"),
            Err(error) => Err(error),
        }
    };
}

/// `call`: one typed call of any operation, through its builder, from the operation list the
/// SDK's generator writes (`for_each_operation!`): no call is written here by hand.
macro_rules! typed_calls {
    ($(
        $id:literal $method:ident
        path [$(($pwire:literal, $pset:ident, $pty:ty)),*]
        query [$(($qwire:literal, $qset:ident, $qty:ty)),*]
        optional [$(($owire:literal, $oset:ident, $oty:ty)),*]
        body [$($body:ty)?]
        answer [$answer:ident];
    )*) => {
        /// One typed call of `operation` with `args`, its answer as JSON (`null` for none).
        /// Deprecated operations are called too: they are sent until they are removed.
        #[allow(deprecated)]
        async fn call(client: &Client, operation: &str, args: &Args) -> Result<Value, Error> {
            match operation {
                $($id => {
                    // Named in the messages of the parameters and body, if it has any.
                    #[allow(unused_variables)]
                    let id = $id;
                    let request = client.$method();
                    $(let request = request.$pset(value::<$pty>(id, $pwire, args.path.get($pwire)));)*
                    $(let request = request.$qset(value::<$qty>(id, $qwire, args.query.get($qwire)));)*
                    $(let request = request.$oset(
                        args.query.get($owire).map(|v| value::<$oty>(id, $owire, Some(v))),
                    );)*
                    $(let request = request.body(value::<$body>(id, "body", args.body.as_ref()));)?
                    answer!($answer, request.send().await)
                })*
                other => panic!("`{other}` is in the spec but not in the generated client"),
            }
        }
    };
}
prolific_sdk::for_each_operation!(typed_calls);

fn json<T: Serialize>(result: Result<ResponseValue<T>, Error>) -> Result<Value, Error> {
    result.map(|value| serde_json::to_value(value.into_inner()).expect("a decoded value encodes"))
}

/// A client of `server` whose retries wait a millisecond at most: these tests retry every
/// operation, and the waits themselves are tested in errors_and_retries.rs.
fn client(server: &Loopback) -> Client {
    Client::builder()
        .token(common::TOKEN)
        .base_url(server.url())
        .retry_delays(Duration::from_millis(1), Duration::from_millis(1))
        .build()
        .expect("a loopback client builds")
}

#[tokio::test]
async fn each_operation_sends_its_method_path_and_a_body_its_schema_accepts() {
    for operation in operations() {
        let server = Loopback::start(vec![operation.documented_success()]).await;
        call(&client(&server), &operation.id, &Args::of(&operation))
            .await
            .unwrap_or_else(|e| panic!("{}: {e}", operation.id));
        let sent = &server.requests()[0];
        assert_eq!(sent.method, operation.method, "{}", operation.id);
        let path = sent.target.split('?').next().unwrap_or_default();
        // Every path parameter is `GROUP`, encoded as one segment.
        let expected = spec_model::fill(&operation.path, |_| "g%201%2Fa".into());
        assert_eq!(
            path, expected,
            "{}: one path segment for the id",
            operation.id
        );
        assert_eq!(
            sent.header("authorization"),
            Some(&*format!("Token {}", common::TOKEN))
        );
        // A text answer asks for every documented type it reads, text first.
        let (_, bodies) = operation.successes();
        if bodies.iter().any(|body| body.is_text()) {
            let media: Vec<&str> = bodies.iter().map(|body| body.media.as_str()).collect();
            assert_eq!(
                sent.header("accept"),
                Some(&*media.join(", ")),
                "{}",
                operation.id
            );
        }
        let content_type = sent.header("content-type").unwrap_or("(no body)");
        // A form (`multipart/form-data`) is parsed part by part in tests/tests/suite/uploads.rs;
        // here its boundary, random per request, is named as such.
        let boundary = multer::parse_boundary(content_type).ok();
        if sent.body.is_empty() {
            // A form without parts is an empty body, still of its type.
            assert!(
                sent.header("content-type").is_none() || boundary.is_some(),
                "{}",
                operation.id
            );
        } else if boundary.is_none() {
            let schema = format!("{}/schema", operation.media("requestBody"));
            let body = prolific_sdk_tests::read_body(content_type, &sent.body)
                .unwrap_or_else(|e| panic!("{}: {e}", operation.id));
            let errors = schema_errors(&schema, &body);
            assert!(errors.is_empty(), "{}: {errors:?}", operation.id);
        }
        // The request line, the body's type and the body's exact bytes.
        let mut body = String::from_utf8_lossy(&sent.body).into_owned();
        let mut content_type = content_type.to_string();
        if let Some(boundary) = &boundary {
            body = body.replace(boundary, "BOUNDARY");
            content_type = content_type.replace(boundary, "BOUNDARY");
        }
        insta::assert_snapshot!(
            format!("request_{}", operation.id),
            format!(
                "{} {}\ncontent-type: {content_type}\n\n{body}",
                sent.method, sent.target
            )
        );
    }
}

#[tokio::test]
async fn each_operation_decodes_its_documented_response() {
    for operation in operations() {
        let server = Loopback::start(vec![operation.documented_success()]).await;
        let decoded = call(&client(&server), &operation.id, &Args::of(&operation))
            .await
            .unwrap_or_else(|e| panic!("{}: {e}", operation.id));
        let documented = operation
            .successes()
            .1
            .first()
            .map_or(Value::Null, |body| canonical(&body.example));
        assert_eq!(canonical(&decoded), documented, "{}", operation.id);
    }
}

#[tokio::test]
async fn each_operation_reads_prolifics_error_body_with_its_status() {
    for operation in operations() {
        let body = example(&operation.media("responses/4XX"));
        let server = Loopback::start(vec![Canned::json(404, &body)]).await;
        let error = call(&client(&server), &operation.id, &Args::of(&operation))
            .await
            .unwrap_err();
        assert_eq!(
            error.status().map(|s| s.as_u16()),
            Some(404),
            "{}",
            operation.id
        );
        let detail = error
            .prolific_error()
            .unwrap_or_else(|| panic!("{}: {error}", operation.id));
        assert_eq!(
            detail.error_code, body["error"]["error_code"],
            "{}",
            operation.id
        );
        assert_eq!(
            error.to_string(),
            "404 Not Found: name: This field is required. (error_code 140100)"
        );
    }
}

#[tokio::test]
async fn each_operation_is_sent_again_after_a_503_only_when_it_may_be_repeated() {
    for operation in operations() {
        let unavailable = Canned::json(503, &serde_json::json!({"message": "try later"}));
        let server = Loopback::start(vec![unavailable, operation.documented_success()]).await;
        let result = call(&client(&server), &operation.id, &Args::of(&operation)).await;
        let sent = server.requests();
        if operation.may_repeat {
            assert!(result.is_ok(), "{}: {result:?}", operation.id);
            assert_eq!(sent.len(), 2, "{}", operation.id);
            assert_eq!(sent[0], sent[1], "{}: the same request again", operation.id);
        } else {
            let error = result.unwrap_err();
            assert_eq!(
                error.status().map(|s| s.as_u16()),
                Some(503),
                "{}",
                operation.id
            );
            assert_eq!(sent.len(), 1, "{}: never sent twice", operation.id);
        }
    }
}

#[tokio::test]
async fn a_rate_limited_request_is_sent_again_whatever_the_operation() {
    for operation in operations() {
        let limited = Canned::json(429, &serde_json::json!({"message": "slow down"}))
            .with_header("retry-after", "0");
        let server = Loopback::start(vec![limited, operation.documented_success()]).await;
        let result = call(&client(&server), &operation.id, &Args::of(&operation)).await;
        assert!(result.is_ok(), "{}: {result:?}", operation.id);
        assert_eq!(server.requests().len(), 2, "{}", operation.id);
    }
}
