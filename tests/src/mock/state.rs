//! What the mock holds, and what each kind of operation (`routes::Act`) does to it.
//!
//! Objects are JSON values as their schemas give them, each with the links to its owner
//! (`study_id`, `workspace`); a value never depends on which operation made it. Reading one
//! in a schema other than the one it was made in (a submission listed, then read in full)
//! takes the fields that schema declares, a field `X` from `X_id` or the other way round, and
//! the documented example's value for a required field the object lacks.

use std::collections::BTreeSet;

use serde_json::{Map, Value, json};

use super::routes::{Act, Listing, MemberList, Model, Route, link_names};
use super::schema::{Shape, singular};
use super::{Call, error};
use crate::Canned;

/// An answer: the status and the body (`None` for none), or a refusal.
pub(super) type Answer = Result<(u16, Option<Value>), Canned>;

/// One object the mock holds.
struct Held {
    kind: String,
    value: Value,
}

/// Every object the mock holds, in the order they were made (lists keep it).
#[derive(Default)]
pub(super) struct State {
    held: Vec<Held>,
    /// How many ids have been handed out, so that ids are predictable.
    issued: u64,
    /// The objects (kind, id) whose arrivals (`Model::arrivals`) have come.
    arrived: BTreeSet<(String, String)>,
}

/// Sets `field` when `value` is an object (a hostile body may be anything else).
fn set(value: &mut Value, field: &str, to: Value) {
    if let Value::Object(map) = value {
        map.insert(field.to_string(), to);
    }
}

/// A value as a query string gives it: `"w"`, `true`, `3`.
fn as_query(value: &Value) -> String {
    value
        .as_str()
        .map_or_else(|| value.to_string(), str::to_string)
}

/// Whether `value` belongs to the object `(kind, id)`: it names it in `study_id` or `study`.
fn belongs(value: &Value, kind: &str, id: &str) -> bool {
    link_names(kind).iter().any(|name| value[name] == id)
}

fn is_deleted(value: &Value) -> bool {
    value["is_deleted"] == true
}

/// The field `name` of `value`, or its other spelling as a link (`participant` and
/// `participant_id`).
fn field(value: &Value, name: &str) -> Option<Value> {
    let other = match name.strip_suffix("_id") {
        Some(stem) => stem.to_string(),
        None => format!("{name}_id"),
    };
    value.get(name).or_else(|| value.get(&other)).cloned()
}

impl State {
    fn fresh_id(&mut self) -> String {
        self.issued += 1;
        format!("65f0c0de{:016x}", self.issued)
    }

    /// Does what `route` does with `call`.
    pub fn perform(&mut self, model: &Model, route: &Route, call: &Call) -> Answer {
        for (kind, param) in &route.owners {
            if model.kept.contains(kind) {
                self.live(kind, call.path(param))?;
            }
        }
        let operation = &route.operation;
        let (status, example) = operation.success();
        let response = Shape::at(
            &model.spec,
            &format!("{}/schema", operation.media(&format!("responses/{status}"))),
        );
        let example = example.unwrap_or(Value::Null);
        let answer = |state: &State, value: &Value| {
            Ok((
                status,
                Some(state.render(model, value, &response, &example)),
            ))
        };
        match &route.act {
            Act::Documented => Ok(operation.success()),
            Act::Read { kind, param } | Act::Show { kind, param } => {
                let index = self.live(kind, call.path(param))?;
                answer(self, &self.held[index].value)
            }
            Act::Update { kind, param } => {
                let index = self.live(kind, call.path(param))?;
                let request = request_shape(model, route);
                let id = call.path(param).to_string();
                for (name, value) in call.body.as_object().into_iter().flatten() {
                    let settable = response
                        .properties
                        .get(name)
                        .is_some_and(|p| p["readOnly"] != true);
                    if name != "id" && request.properties.contains_key(name) && settable {
                        set(&mut self.held[index].value, name, value.clone());
                    }
                }
                self.set_members(model, kind, &id, &call.body);
                answer(self, &self.held[index].value)
            }
            Act::Delete { kind, param } => {
                let index = self.live(kind, call.path(param))?;
                // An object that says whether it is deleted is kept, marked, as Prolific
                // keeps it (a group listed with `active=false`).
                match self.held[index].value.get("is_deleted") {
                    Some(_) => set(&mut self.held[index].value, "is_deleted", json!(true)),
                    None => {
                        self.held.remove(index);
                    }
                }
                Ok(operation.success())
            }
            Act::List(listing) => {
                let results = self.list(model, listing, call, &response, &example);
                let results = one_page(results, &route.operation, call);
                let mut body = match example {
                    Value::Object(_) => example.clone(),
                    _ => json!({}),
                };
                set(&mut body, "results", Value::Array(results));
                Ok((status, Some(body)))
            }
            Act::Create { kind, owner } => {
                let owner = owner
                    .as_ref()
                    .map(|(kind, param)| (kind.as_str(), call.path(param)));
                let value = self.create(model, route, kind, owner, &call.body);
                answer(self, &value)
            }
            Act::Copy { kind, param } => {
                let index = self.live(kind, call.path(param))?;
                let Some(&creator) = model.creators.get(kind) else {
                    return Ok(operation.success());
                };
                let creator = &model.routes[creator];
                let settable = request_shape(model, creator);
                let original = &self.held[index].value;
                let body: Map<String, Value> = settable
                    .properties
                    .keys()
                    .filter_map(|name| Some((name.clone(), original.get(name)?.clone())))
                    .collect();
                let value = self.create(model, creator, kind, None, &Value::Object(body));
                answer(self, &value)
            }
            Act::Transition {
                kind,
                param,
                property,
                status_after,
            } => {
                let id = call.path(param).to_string();
                let index = self.live(kind, &id)?;
                if let Some(status) = call.body[property.as_str()]
                    .as_str()
                    .and_then(|action| status_after.get(action))
                {
                    set(&mut self.held[index].value, "status", json!(status));
                }
                self.arrive(model, kind, &id);
                answer(self, &self.held[index].value)
            }
            Act::Members { list, param, add } => {
                let owner = call.path(param).to_string();
                let names = call.body[format!("{}s", list.key).as_str()]
                    .as_array()
                    .cloned()
                    .unwrap_or_default();
                match add {
                    true => self.add_members(model, list, &owner, &names),
                    false => self.held.retain(|held| {
                        !(held.kind == list.kind
                            && belongs(&held.value, &list.owner, &owner)
                            && names.contains(&held.value[list.key.as_str()]))
                    }),
                }
                let results: Vec<Value> = self
                    .members(list, &owner)
                    .map(|value| {
                        self.render(
                            model,
                            value,
                            &item_shape_of(model, &response),
                            &example["results"][0],
                        )
                    })
                    .collect();
                let mut body = example.clone();
                set(&mut body, "results", Value::Array(results));
                Ok((status, Some(body)))
            }
        }
    }

    /// The index of the live (not deleted) object, or a 404 naming it.
    fn live(&self, kind: &str, id: &str) -> Result<usize, Canned> {
        self.held
            .iter()
            .position(|held| {
                held.kind == kind && held.value["id"] == id && !is_deleted(&held.value)
            })
            .ok_or_else(|| {
                let name = singular(kind).replace('_', " ");
                error(
                    404,
                    "Not found",
                    json!(format!("no {name} has the id `{id}`")),
                )
            })
    }

    /// A new object of `kind` from a request `body` to the creating `route`: what the body
    /// sets, `null` (or nothing) for what it could have set and did not, empty lists and
    /// zero counts for what it cannot set, and the documented example for the rest (a new
    /// study's `status`).
    fn create(
        &mut self,
        model: &Model,
        route: &Route,
        kind: &str,
        owner: Option<(&str, &str)>,
        body: &Value,
    ) -> Value {
        let (status, example) = route.operation.success();
        let schema = format!(
            "{}/schema",
            route.operation.media(&format!("responses/{status}"))
        );
        let response = Shape::at(&model.spec, &schema);
        let request = request_shape(model, route);
        let example = example.unwrap_or(Value::Null);
        let mut value = Map::new();
        for (name, property) in &response.properties {
            let made = if let Some(sent) = body.get(name) {
                Some(sent.clone())
            } else if request.properties.contains_key(name) {
                match (response.nullable(name), response.required.contains(name)) {
                    (true, _) => Some(Value::Null),
                    (false, true) => example.get(name).cloned(),
                    (false, false) => None,
                }
            } else if let Some(linked) = field(body, name) {
                Some(linked)
            } else {
                match example.get(name) {
                    Some(Value::Array(_)) => Some(json!([])),
                    Some(Value::Number(_)) if property["readOnly"] == true => Some(json!(0)),
                    documented => documented.cloned(),
                }
            };
            if let Some(made) = made {
                value.insert(name.clone(), made);
            }
        }
        // A field sent in one shape and answered in another (a page sent without the ids the
        // answer gives it) takes the documented answer's value instead.
        let sent_differently: BTreeSet<String> =
            crate::spec::schema_errors_in(&model.spec, &schema, &Value::Object(value.clone()))
                .iter()
                .filter_map(|error| error.strip_prefix('/')?.split(['/', ':']).next())
                .filter(|name| body.get(*name).is_some())
                .map(str::to_string)
                .collect();
        for name in sent_differently {
            match example.get(&name) {
                Some(documented) => value.insert(name, documented.clone()),
                None => value.remove(&name),
            };
        }
        let mut value = Value::Object(value);
        set(&mut value, "id", json!(self.fresh_id()));
        if let Some((owner_kind, owner_id)) = owner {
            let [with_id, bare] = link_names(owner_kind);
            let name = match response.properties.contains_key(&bare) {
                true => bare,
                false => with_id,
            };
            set(&mut value, &name, json!(owner_id));
        }
        self.held.push(Held {
            kind: kind.to_string(),
            value: value.clone(),
        });
        if let Some(id) = value["id"].as_str() {
            self.set_members(model, kind, id, body);
        }
        value
    }

    /// Replaces the members a body names by `X_ids` (a group's `participant_ids`), for each
    /// member list of the object whose members are named by `X_id`.
    fn set_members(&mut self, model: &Model, kind: &str, id: &str, body: &Value) {
        for list in model.member_lists.iter().filter(|l| l.owner == kind) {
            let Some(names) = body[format!("{}s", list.key).as_str()].as_array() else {
                continue;
            };
            self.held
                .retain(|held| !(held.kind == list.kind && belongs(&held.value, kind, id)));
            self.add_members(model, list, id, names);
        }
    }

    /// Adds members; those already in are ignored.
    fn add_members(&mut self, model: &Model, list: &MemberList, owner: &str, names: &[Value]) {
        for name in names {
            if self
                .members(list, owner)
                .any(|m| &m[list.key.as_str()] == name)
            {
                continue;
            }
            let mut member = model
                .documented
                .get(&list.kind)
                .cloned()
                .unwrap_or(json!({}));
            set(&mut member, &list.key, name.clone());
            set(&mut member, &link_names(&list.owner)[0], json!(owner));
            self.held.push(Held {
                kind: list.kind.clone(),
                value: member,
            });
        }
    }

    fn members<'a>(
        &'a self,
        list: &'a MemberList,
        owner: &'a str,
    ) -> impl Iterator<Item = &'a Value> + 'a {
        self.held
            .iter()
            .filter(move |held| held.kind == list.kind && belongs(&held.value, &list.owner, owner))
            .map(|held| &held.value)
    }

    /// The first move of an object's status brings what others make for it, as documented
    /// (a published study's submissions), each with an id of its own and linked to it.
    fn arrive(&mut self, model: &Model, kind: &str, id: &str) {
        if !self.arrived.insert((kind.to_string(), id.to_string())) {
            return;
        }
        for (owner, arriving) in model.arrivals.iter().filter(|(owner, _)| owner == kind) {
            let Some(documented) = model.documented.get(arriving) else {
                continue;
            };
            let mut value = documented.clone();
            if value.get("id").is_some() {
                set(&mut value, "id", json!(self.fresh_id()));
            }
            set(&mut value, &link_names(owner)[0], json!(id));
            self.held.push(Held {
                kind: arriving.clone(),
                value,
            });
        }
    }

    fn list(
        &self,
        model: &Model,
        listing: &Listing,
        call: &Call,
        response: &Shape,
        example: &Value,
    ) -> Vec<Value> {
        let owner = listing
            .owner
            .as_ref()
            .map(|(kind, param)| (kind, call.path(param)));
        let items = item_shape_of(model, response);
        self.held
            .iter()
            .filter(|held| held.kind == listing.kind)
            .map(|held| &held.value)
            .filter(|value| owner.is_none_or(|(kind, id)| belongs(value, kind, id)))
            .filter(|value| listing.shows_deleted || !is_deleted(value))
            .filter(|value| {
                call.query.iter().all(|(name, wanted)| {
                    let Some((property, negated)) = listing.filters.get(name) else {
                        return true;
                    };
                    let held = field(value, property).unwrap_or(Value::Null);
                    match negated {
                        // `active=true` keeps what is not deleted: a missing mark is `false`.
                        true => (held == true) != (wanted == "true"),
                        false => as_query(&held) == *wanted && !held.is_null(),
                    }
                })
            })
            .map(|value| self.render(model, value, &items, &example["results"][0]))
            .collect()
    }

    /// `value` in the schema `shape`: see the module's documentation. Counts (`X_count`) are
    /// those of the object's member list named by `X_id`.
    fn render(&self, model: &Model, value: &Value, shape: &Shape, example: &Value) -> Value {
        if shape.properties.is_empty() {
            return value.clone();
        }
        let mut out = Map::new();
        for name in shape.properties.keys() {
            if let Some(held) = field(value, name) {
                out.insert(name.clone(), held);
            }
        }
        for name in &shape.required {
            if !out.contains_key(name)
                && let Some(documented) = example.get(name)
            {
                out.insert(name.clone(), documented.clone());
            }
        }
        let id = value["id"].as_str().unwrap_or_default();
        for list in &model.member_lists {
            let count = format!("{}_count", list.key.trim_end_matches("_id"));
            let kind_held = self
                .held
                .iter()
                .any(|h| h.kind == list.owner && h.value["id"] == id);
            if kind_held && shape.properties.contains_key(&count) {
                out.insert(count, json!(self.members(list, id).count()));
            }
        }
        Value::Object(out)
    }
}

/// The page a paged list's query asks for, as Prolific pages: `page` (from 1) and `page_size`,
/// or `offset` and `limit`, each defaulting to the spec's default; any other list whole.
fn one_page(items: Vec<Value>, operation: &crate::Operation, call: &Call) -> Vec<Value> {
    let declared = operation.parameters("query");
    let number = |name: &str| -> Option<usize> {
        let parameter = declared.iter().find(|p| p["name"] == name)?;
        match call.query.get(name) {
            Some(value) => value.parse().ok(),
            None => parameter["schema"]["default"].as_u64().map(|n| n as usize),
        }
    };
    let (skip, take) = match (number("page"), number("page_size")) {
        (Some(page), Some(size)) => (page.saturating_sub(1).saturating_mul(size), size),
        _ => match (number("offset"), number("limit")) {
            (Some(offset), Some(limit)) => (offset, limit),
            _ => return items,
        },
    };
    items.into_iter().skip(skip).take(take).collect()
}

fn request_shape(model: &Model, route: &Route) -> Shape {
    Shape::at(
        &model.spec,
        &format!("{}/schema", route.operation.media("requestBody")),
    )
}

/// The shape of a list's items, from the list's shape.
fn item_shape_of(model: &Model, list: &Shape) -> Shape {
    list.properties
        .get("results")
        .map_or_else(Shape::default, |results| {
            Shape::of(&model.spec, &results["items"])
        })
}
