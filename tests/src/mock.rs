//! A mock of the participant-groups API on loopback, with state: a group created is then
//! listed, read, renamed, its members added and removed, and deleted. The SDK's examples talk
//! to it when `PROLIFIC_TOKEN` is unset, and tests run whole life cycles against it.
//!
//! What it knows of the API comes from the spec: the routes (path templates and methods), the
//! query parameters each operation declares, and the schemas. It checks every request against
//! the spec (token, query, body) and every answer it gives too: an answer that breaks the spec
//! is a 500 saying so. Only what the participant-group operations do to the state is written
//! here; every other operation answers its documented success, the spec's example.

use std::collections::BTreeMap;
use std::sync::Mutex;

use serde_json::{Map, Value, json};

use crate::{Canned, Loopback, Operation, Recorded, operations, schema_errors, spec};

/// Starts the mock on a free loopback port, with no groups.
pub async fn participant_groups() -> Loopback {
    let routes = routes();
    let state = Mutex::new(State::default());
    Loopback::serve(move |request, _| {
        let mut state = state
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        answer(&routes, &mut state, request)
    })
    .await
}

/// One operation of the spec, as the mock routes to it.
struct Route {
    /// The path template's segments, e.g. `["api", "v1", "participant-groups", "{id}", ""]`.
    segments: Vec<String>,
    operation: Operation,
}

fn routes() -> Vec<Route> {
    operations()
        .into_iter()
        .map(|operation| Route {
            segments: operation
                .path
                .split('/')
                .skip(1)
                .map(str::to_string)
                .collect(),
            operation,
        })
        .collect()
}

/// What the mock holds: the groups (deleted ones too, marked) and their members.
#[derive(Default)]
struct State {
    groups: BTreeMap<String, Value>,
    members: BTreeMap<String, Vec<Value>>,
    /// How many ids and timestamps have been handed out, so that both are predictable.
    issued: u64,
}

impl State {
    fn next(&mut self) -> u64 {
        self.issued += 1;
        self.issued
    }

    /// A live (not deleted) group, or a 404.
    fn live(&mut self, id: &str) -> Result<&mut Value, Canned> {
        match self.groups.get_mut(id) {
            Some(group) if group["is_deleted"] != true => Ok(group),
            _ => Err(error(
                404,
                "Not found",
                json!(format!("no participant group has the id `{id}`")),
            )),
        }
    }

    /// The members of `id`, after refreshing the group's count.
    fn member_list(&mut self, id: &str) -> Value {
        let members = self.members.get(id).cloned().unwrap_or_default();
        if let Some(group) = self.groups.get_mut(id) {
            group["participant_count"] = json!(members.len());
        }
        json!({ "results": members })
    }

    /// Adds the participants not yet in the group; those already in it are ignored.
    fn add_members(&mut self, id: &str, participant_ids: &[Value]) {
        for participant in participant_ids {
            let present = self.members.get(id).into_iter().flatten();
            if !present.clone().any(|m| &m["participant_id"] == participant) {
                let at = self.next();
                let added = member(participant, at);
                self.members.entry(id.to_string()).or_default().push(added);
            }
        }
        self.member_list(id);
    }

    /// Replaces the whole membership.
    fn set_members(&mut self, id: &str, participant_ids: &[Value]) {
        self.members.remove(id);
        self.add_members(id, participant_ids);
    }
}

fn member(participant: &Value, at: u64) -> Value {
    json!({
        "participant_id": participant,
        "datetime_created": format!("2026-01-01T00:{:02}:{:02}.000000Z", at / 60 % 60, at % 60),
    })
}

/// A request's path parameters and query, as the handlers read them.
struct Call {
    path: BTreeMap<String, String>,
    query: BTreeMap<String, String>,
    body: Value,
}

impl Call {
    fn id(&self) -> &str {
        self.path.get("id").map_or("", String::as_str)
    }
}

fn answer(routes: &[Route], state: &mut State, request: &Recorded) -> Canned {
    let (path, query) = request
        .target
        .split_once('?')
        .unwrap_or((&request.target, ""));
    let matching: Vec<(&Route, BTreeMap<String, String>)> = routes
        .iter()
        .filter_map(|route| path_parameters(&route.segments, path).map(|p| (route, p)))
        .collect();
    let Some((route, path)) = matching
        .iter()
        .find(|(route, _)| route.operation.method == request.method)
    else {
        return match matching.is_empty() {
            true => error(404, "Not found", json!(format!("no route for {path}"))),
            false => error(
                405,
                "Method not allowed",
                json!(format!("{} is not allowed on {path}", request.method)),
            ),
        };
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
    let call = Call {
        path: path.clone(),
        query,
        body,
    };
    match handle(&route.operation, &call, state) {
        Ok((status, body)) => conforming(route, status, body),
        Err(refusal) => refusal,
    }
}

/// The path parameters, when `path` fits the template's segments.
fn path_parameters(segments: &[String], path: &str) -> Option<BTreeMap<String, String>> {
    let actual: Vec<&str> = path.split('/').skip(1).collect();
    if actual.len() != segments.len() {
        return None;
    }
    let mut parameters = BTreeMap::new();
    for (want, got) in segments.iter().zip(actual) {
        match want.strip_prefix('{').and_then(|w| w.strip_suffix('}')) {
            Some(name) if !got.is_empty() => {
                let value = percent_decode(got)?;
                parameters.insert(name.to_string(), value);
            }
            Some(_) => return None,
            None if want == got => {}
            None => return None,
        }
    }
    Some(parameters)
}

fn percent_decode(segment: &str) -> Option<String> {
    let bytes = segment.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' {
            let hex = std::str::from_utf8(bytes.get(i + 1..i + 3)?).ok()?;
            out.push(u8::from_str_radix(hex, 16).ok()?);
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8(out).ok()
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
    if request.header("content-type") != Some("application/json") {
        return Err(error(
            400,
            "Bad request",
            json!("the body must be application/json"),
        ));
    }
    let body: Value = serde_json::from_slice(&request.body).map_err(|e| {
        error(
            400,
            "Bad request",
            json!(format!("the body is not JSON: {e}")),
        )
    })?;
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

/// What each operation does to the state: `(status, body)`, or a refusal. An operation
/// without state here answers its documented success (the spec's example), so that every
/// operation of the spec is served without code of its own.
fn handle(
    operation: &Operation,
    call: &Call,
    state: &mut State,
) -> Result<(u16, Option<Value>), Canned> {
    let text = |value: &Value, name: &str| value.get(name).filter(|v| !v.is_null()).cloned();
    match operation.id.as_str() {
        "get-participant-groups" => {
            let (field, owner) =
                match (call.query.get("workspace_id"), call.query.get("project_id")) {
                    (Some(workspace), _) => ("workspace_id", workspace),
                    (None, Some(project)) => ("project_id", project),
                    (None, None) => {
                        return Err(error(
                            400,
                            "Bad request",
                            json!({"workspace_id": ["This field is required."]}),
                        ));
                    }
                };
            let active = call.query.get("active").map(|a| a == "true");
            let results: Vec<Value> = state
                .groups
                .values()
                .filter(|g| g[field] == owner.as_str())
                .filter(|g| active.is_none_or(|active| (g["is_deleted"] != true) == active))
                .cloned()
                .collect();
            Ok((200, Some(json!({ "results": results }))))
        }
        "create-participant-group" => {
            let id = format!("65f0c0de{:016x}", state.next());
            let group = json!({
                "id": id,
                "name": call.body["name"],
                "description": text(&call.body, "description"),
                "workspace_id": text(&call.body, "workspace_id"),
                "organisation_id": text(&call.body, "organisation_id"),
                "project_id": null,
                "is_deleted": false,
                "participant_count": 0,
                "feeder_studies": [],
            });
            state.groups.insert(id.clone(), group);
            let initial = call.body["participant_ids"]
                .as_array()
                .cloned()
                .unwrap_or_default();
            state.set_members(&id, &initial);
            Ok((201, Some(state.groups[&id].clone())))
        }
        "get-participant-group" => Ok((200, Some(state.live(call.id())?.clone()))),
        "update-participant-group" => {
            let group = state.live(call.id())?;
            if let Some(name) = text(&call.body, "name") {
                group["name"] = name;
            }
            if let Some(Value::Array(ids)) = text(&call.body, "participant_ids") {
                state.set_members(call.id(), &ids);
            }
            Ok((200, Some(state.groups[call.id()].clone())))
        }
        "delete-participant-group" => {
            state.live(call.id())?["is_deleted"] = json!(true);
            Ok((204, None))
        }
        "get-participant-group-participants" => {
            state.live(call.id())?;
            Ok((200, Some(state.member_list(call.id()))))
        }
        "add-to-participant-group" => {
            state.live(call.id())?;
            let ids = call.body["participant_ids"]
                .as_array()
                .cloned()
                .unwrap_or_default();
            state.add_members(call.id(), &ids);
            Ok((200, Some(state.member_list(call.id()))))
        }
        "remove-from-participant-group" => {
            state.live(call.id())?;
            let ids = call.body["participant_ids"]
                .as_array()
                .cloned()
                .unwrap_or_default();
            // Participants not in the group are ignored.
            if let Some(members) = state.members.get_mut(call.id()) {
                members.retain(|m| !ids.contains(&m["participant_id"]));
            }
            Ok((200, Some(state.member_list(call.id()))))
        }
        _ => Ok(operation.success()),
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
