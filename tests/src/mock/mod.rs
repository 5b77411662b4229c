//! A mock of the whole API on loopback, with state: what is created is then read, listed,
//! changed and deleted. `cargo run -p prolific-sdk-tests --bin mock-api` serves it for the SDK's
//! examples (and anyone trying the SDK without an account), and tests
//! run whole life cycles against it (a group and its members; a study drafted, published,
//! its submissions approved, stopped).
//!
//! Everything it knows of the API comes from the spec, and no operation has code of its own:
//! - `routes.rs` reads, once, what each operation does from its path, method, schemas and
//!   examples (the rules are there), with the spec's extensions `x-status-after` and
//!   `x-filters-by` where the schemas cannot say (spec/README.md, "Extensions");
//! - `state.rs` holds the objects and does it;
//! - `schema.rs` reads schemas through `$ref` and `allOf`;
//! - this file checks every request against the spec (token, path, query, body) and every
//!   answer too: an answer that breaks the spec is a 500 saying so. An operation on nothing
//!   the mock keeps answers its documented success, the spec's example.

mod routes;
mod schema;
mod state;

use std::collections::BTreeMap;
use std::sync::Mutex;

use serde_json::{Map, Value, json};

use crate::{Canned, Loopback, Recorded, operations, schema_errors, spec};
use routes::{Model, Route, percent_decode};
use state::State;

/// Starts the mock on a free loopback port, holding nothing.
pub async fn start() -> Loopback {
    let model = Model::of(spec(), operations());
    let state = Mutex::new(State::default());
    Loopback::serve(move |request, _| {
        let mut state = state
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        answer(&model, &mut state, request)
    })
    .await
}

/// A request's path parameters, query and body, checked against its operation.
struct Call {
    path: BTreeMap<String, String>,
    query: BTreeMap<String, String>,
    body: Value,
}

impl Call {
    /// The path parameter `name` (empty when the template has none of that name).
    fn path(&self, name: &str) -> &str {
        self.path.get(name).map_or("", String::as_str)
    }
}

fn answer(model: &Model, state: &mut State, request: &Recorded) -> Canned {
    let (path, query) = request
        .target
        .split_once('?')
        .unwrap_or((&request.target, ""));
    let (route, path) = match model.route(&request.method, path) {
        Ok(found) => found,
        Err(false) => return error(404, "Not found", json!(format!("no route for {path}"))),
        Err(true) => {
            return error(
                405,
                "Method not allowed",
                json!(format!("{} is not allowed on {path}", request.method)),
            );
        }
    };
    let token = request
        .header("authorization")
        .and_then(|v| v.strip_prefix("Token "));
    if token.is_none_or(|t| t.trim().is_empty()) {
        return error(
            401,
            "Unauthorized",
            json!("send `Authorization: Token <token>`"),
        );
    }
    let query = match checked_query(route, query) {
        Ok(query) => query,
        Err(refusal) => return refusal,
    };
    let body = match checked_body(route, request) {
        Ok(body) => body,
        Err(refusal) => return refusal,
    };
    let call = Call { path, query, body };
    match state.perform(model, route, &call) {
        Ok((status, body)) => match documented_text(route) {
            // A text answer (a CSV export) is the documented one: no state changes it.
            Some(text) => text,
            None => conforming(route, status, body),
        },
        Err(refusal) => refusal,
    }
}

/// The documented text answer of an operation whose success is text first (`text/csv`), as
/// the spec's example stands, with its media type.
fn documented_text(route: &Route) -> Option<Canned> {
    let (status, bodies) = route.operation.successes();
    let first = bodies.first().filter(|body| body.is_text())?;
    let text = first.example.as_str().unwrap_or_default().to_string();
    Some(Canned::raw(status, &first.media, text))
}

/// The query, refused when it names a parameter the operation does not declare or gives a
/// boolean parameter anything but `true` or `false`.
fn checked_query(route: &Route, query: &str) -> Result<BTreeMap<String, String>, Canned> {
    let spec = spec();
    let declared: Vec<&Value> = spec
        .pointer(&format!("{}/parameters", route.operation.pointer))
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter(|p| p["in"] == "query")
        .collect();
    let mut values = BTreeMap::new();
    let mut problems = Map::new();
    for pair in query.split('&').filter(|p| !p.is_empty()) {
        let (name, value) = pair.split_once('=').unwrap_or((pair, ""));
        let value = percent_decode(&value.replace('+', " ")).unwrap_or_default();
        match declared.iter().find(|p| p["name"] == name) {
            None => {
                problems.insert(name.into(), json!(["This query parameter is not known."]));
            }
            Some(p) if p["schema"]["type"] == "boolean" && value != "true" && value != "false" => {
                problems.insert(name.into(), json!(["Must be `true` or `false`."]));
            }
            Some(_) => {
                values.insert(name.to_string(), value);
            }
        }
    }
    match problems.is_empty() {
        true => Ok(values),
        false => Err(error(400, "Bad request", Value::Object(problems))),
    }
}

/// The JSON body, checked against the operation's request schema; `Null` for an operation
/// that takes none.
fn checked_body(route: &Route, request: &Recorded) -> Result<Value, Canned> {
    let media = route.operation.media("requestBody");
    if spec().pointer(&media).is_none() {
        return match request.body.is_empty() {
            true => Ok(Value::Null),
            false => Err(error(
                400,
                "Bad request",
                json!("this operation takes no body"),
            )),
        };
    }
    let declared = route
        .operation
        .request_media()
        .unwrap_or_else(|| "application/json".to_string());
    if request.header("content-type") != Some(declared.as_str()) {
        return Err(error(
            400,
            "Bad request",
            json!(format!("the body must be {declared}")),
        ));
    }
    let body = crate::read_body(&declared, &request.body)
        .map_err(|e| error(400, "Bad request", json!(e)))?;
    let problems = schema_errors(&format!("{media}/schema"), &body);
    match problems.is_empty() {
        true => Ok(body),
        false => Err(error(400, "Bad request", json!({ "body": problems }))),
    }
}

/// The answer, once checked against the spec's schema for its status: the mock must never
/// teach the SDK a shape Prolific does not send.
fn conforming(route: &Route, status: u16, body: Option<Value>) -> Canned {
    let Some(body) = body else {
        return Canned::raw(status, "application/json", Vec::new());
    };
    let schema = format!(
        "{}/schema",
        route.operation.media(&format!("responses/{status}"))
    );
    let problems = match spec().pointer(&schema) {
        Some(_) => schema_errors(&schema, &body),
        None => vec![format!("the spec declares no JSON body for {status}")],
    };
    match problems.is_empty() {
        true => Canned::json(status, &body),
        false => error(
            500,
            "The mock broke the spec",
            json!({ "answer": problems }),
        ),
    }
}

/// Prolific's documented error body.
fn error(status: u16, title: &str, detail: Value) -> Canned {
    Canned::json(
        status,
        &json!({"error": {
            "status": status,
            "error_code": 140100,
            "title": title,
            "detail": detail,
            "additional_information": "/api/v1/errors/140100",
            "interactive": false
        }}),
    )
}
