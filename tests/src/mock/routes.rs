//! What each operation of the spec does, read from its path, method, schemas and examples
//! once when the mock starts. No operation is named here: an operation added to the spec is
//! routed by the same rules.
//!
//! A path names objects by kind: `.../K/{p}/` is one object of kind `K` (the literal before
//! the parameter, whatever the parameter's name), `.../L/` is the collection `L`, nested under
//! the object `K/{p}` when it follows one. The kinds the mock keeps are those some operation
//! creates (a `POST` to the collection answering `201` with an `id`) and those listed under a
//! kept object (a study's submissions, a group's participants).

use std::collections::{BTreeMap, BTreeSet};

use serde_json::Value;

use super::schema::{Shape, listed_items, singular};
use crate::Operation;

/// One operation of the spec, as the mock routes to it.
pub(super) struct Route {
    /// The path template's segments, e.g. `["api", "v1", "participant-groups", "{id}", ""]`.
    pub segments: Vec<String>,
    pub operation: Operation,
    /// The objects the path goes through, as `(kind, path parameter)`: each must exist
    /// when its kind is kept.
    pub owners: Vec<(String, String)>,
    pub act: Act,
}

/// What an operation does to what the mock holds.
pub(super) enum Act {
    /// `GET K/{p}/`: the object.
    Read { kind: String, param: String },
    /// `PATCH` or `PUT K/{p}/`: the fields sent, changed.
    Update { kind: String, param: String },
    /// `DELETE K/{p}/`: marked `is_deleted` when the object has that field, else removed.
    Delete { kind: String, param: String },
    /// `GET L/`, or `GET K/{p}/L/`: the objects of kind `L` (of that owner), filtered by the
    /// query.
    List(Listing),
    /// `POST L/` answering `201` with an `id` (or `K/{p}/L/`): a new object.
    Create {
        kind: String,
        owner: Option<(String, String)>,
    },
    /// `POST` or `DELETE K/{p}/L/` with a body of `X_ids`, answering the list: members,
    /// each named by its `X_id`, added or removed (those already in, or not in, ignored).
    Members {
        list: MemberList,
        /// The owner's path parameter.
        param: String,
        add: bool,
    },
    /// `POST K/{p}/A/` with a body property carrying `x-status-after`: the object's `status`
    /// moved.
    Transition {
        kind: String,
        param: String,
        /// The body property, and the status each of its values leads to.
        property: String,
        status_after: BTreeMap<String, String>,
    },
    /// `POST K/{p}/A/`, not idempotent, answering the object's own schema: a new object
    /// made from the settable fields of this one (a study duplicated, a filter set cloned).
    Copy { kind: String, param: String },
    /// `POST K/{p}/A/`, idempotent, answering the object's own schema: the object as held.
    Show { kind: String, param: String },
    /// Anything else: the documented success, the spec's example.
    Documented,
}

/// A list operation, with how its query filters.
pub(super) struct Listing {
    pub kind: String,
    /// The owner from the path, as `(kind, path parameter)`.
    pub owner: Option<(String, String)>,
    /// Each query parameter's property, and whether it keeps the opposite of the value
    /// (`x-filters-by`; left out, the parameter's own name).
    pub filters: BTreeMap<String, (String, bool)>,
    /// Whether deleted objects are listed: only when a parameter filters on `is_deleted`.
    pub shows_deleted: bool,
}

/// Objects held under an owner and named by one of their fields (a group's participants,
/// by `participant_id`), not by an id of their own.
#[derive(Clone)]
pub(super) struct MemberList {
    pub owner: String,
    pub kind: String,
    pub key: String,
}

/// What the rules need to know of the whole spec, besides each route.
pub(super) struct Model {
    pub spec: Value,
    pub routes: Vec<Route>,
    /// The kinds the mock keeps.
    pub kept: BTreeSet<String>,
    /// Per kind, the route that creates it (what a copy is made with).
    pub creators: BTreeMap<String, usize>,
    pub member_lists: Vec<MemberList>,
    /// Kinds no operation makes, listed under a kept kind: made by others (participants'
    /// submissions). They arrive, as documented, when their owner first moves status.
    pub arrivals: Vec<(String, String)>,
    /// Per kind, an object as a list of it documents it: what members and arrivals start as.
    pub documented: BTreeMap<String, Value>,
}

/// Where a path points, from its last segments.
enum Target {
    Item {
        kind: String,
        param: String,
    },
    Collection {
        kind: String,
        owner: Option<(String, String)>,
    },
}

fn parameter(segment: &str) -> Option<&str> {
    segment.strip_prefix('{')?.strip_suffix('}')
}

fn target(segments: &[String]) -> Option<Target> {
    let named: Vec<&str> = segments
        .iter()
        .map(String::as_str)
        .filter(|s| !s.is_empty())
        .collect();
    let (last, before) = named.split_last()?;
    let literal = |s: &&str| parameter(s).is_none().then(|| s.to_string());
    match parameter(last) {
        Some(param) => Some(Target::Item {
            kind: before.last().and_then(literal)?,
            param: param.to_string(),
        }),
        None => {
            let owner = match before {
                [.., kind, param] => {
                    parameter(param).and_then(|param| Some((literal(kind)?, param.to_string())))
                }
                _ => None,
            };
            Some(Target::Collection {
                kind: last.to_string(),
                owner,
            })
        }
    }
}

fn owners(segments: &[String]) -> Vec<(String, String)> {
    segments
        .windows(2)
        .filter_map(|pair| {
            let param = parameter(&pair[1])?;
            parameter(&pair[0])
                .is_none()
                .then(|| (pair[0].clone(), param.to_string()))
        })
        .collect()
}

/// What the rules read of one operation in the spec.
struct Facts {
    method: String,
    status: u16,
    response: Option<Value>,
    request: Option<Value>,
}

impl Facts {
    fn of(spec: &Value, operation: &Operation) -> Facts {
        let status = operation.success().0;
        let schema = |holder: &str| spec.pointer(&format!("{}/schema", operation.media(holder)));
        Facts {
            method: operation.method.clone(),
            status,
            response: schema(&format!("responses/{status}")).cloned(),
            request: schema("requestBody").cloned(),
        }
    }

    fn lists(&self, spec: &Value) -> bool {
        self.response
            .as_ref()
            .is_some_and(|s| listed_items(spec, s).is_some())
    }

    fn creates(&self, spec: &Value) -> bool {
        self.method == "POST"
            && self.status == 201
            && self.response.as_ref().is_some_and(|s| {
                listed_items(spec, s).is_none() && Shape::of(spec, s).properties.contains_key("id")
            })
    }

    fn request_shape(&self, spec: &Value) -> Shape {
        self.request
            .as_ref()
            .map_or_else(Shape::default, |s| Shape::of(spec, s))
    }

    /// The body property naming members (`participant_ids`), when a list answers.
    fn member_ids(&self, spec: &Value) -> Option<String> {
        if !self.lists(spec) {
            return None;
        }
        let shape = self.request_shape(spec);
        let name = shape
            .properties
            .into_iter()
            .find(|(name, p)| name.ends_with("_ids") && p["type"] == "array")?
            .0;
        Some(name)
    }
}

impl Model {
    /// Reads every operation of `spec`.
    pub fn of(spec: Value, operations: Vec<Operation>) -> Model {
        let facts: Vec<Facts> = operations.iter().map(|o| Facts::of(&spec, o)).collect();
        let segments: Vec<Vec<String>> = operations
            .iter()
            .map(|o| o.path.split('/').skip(1).map(str::to_string).collect())
            .collect();
        let targets: Vec<Option<Target>> = segments.iter().map(|s| target(s)).collect();

        // The schema each kind is read in, to tell an answer of the object itself.
        let read_schemas: BTreeMap<String, Value> = facts
            .iter()
            .zip(&targets)
            .filter_map(|(facts, target)| match target {
                Some(Target::Item { kind, .. }) if facts.method == "GET" => {
                    Some((kind.clone(), facts.response.clone()?))
                }
                _ => None,
            })
            .collect();
        let mut creators = BTreeMap::new();
        for (index, (facts, target)) in facts.iter().zip(&targets).enumerate() {
            // A `POST K/{p}/A/` answering a new `K` (a clone) makes a `K`, not an `A`.
            let copies_owner = |owner: &Option<(String, String)>| {
                owner.as_ref().is_some_and(|(owner, _)| {
                    read_schemas.contains_key(owner)
                        && read_schemas.get(owner) == facts.response.as_ref()
                })
            };
            if let Some(Target::Collection { kind, owner }) = target
                && facts.creates(&spec)
                && !copies_owner(owner)
            {
                creators.entry(kind.clone()).or_insert(index);
            }
        }
        let mut kept: BTreeSet<String> = creators.keys().cloned().collect();
        let mut documented = BTreeMap::new();
        let mut arrivals = Vec::new();
        let mut member_lists = Vec::new();
        for (index, (listing, target)) in facts.iter().zip(&targets).enumerate() {
            let Some(Target::Collection { kind, owner }) = target else {
                continue;
            };
            if !listing.lists(&spec) {
                continue;
            }
            if let Some(item) = operations[index].success().1.and_then(|e| {
                let first = e["results"].get(0)?.clone();
                Some(first)
            }) {
                documented.entry(kind.clone()).or_insert(item);
            }
            let Some((owner, _)) = owner else { continue };
            if !creators.contains_key(owner) {
                continue;
            }
            kept.insert(kind.clone());
            let added = facts.iter().zip(&targets).any(|(other, target)| {
                matches!(target, Some(Target::Collection { kind: k, .. }) if k == kind.as_str())
                    && other.method == "POST"
            });
            if !added {
                arrivals.push((owner.clone(), kind.clone()));
            }
        }
        for (facts, target) in facts.iter().zip(&targets) {
            if let Some(Target::Collection {
                kind,
                owner: Some((owner, _)),
            }) = target
                && let Some(ids) = facts.member_ids(&spec)
                && let Some(stem) = ids.strip_suffix("_ids")
            {
                let list = MemberList {
                    owner: owner.clone(),
                    kind: kind.clone(),
                    key: format!("{stem}_id"),
                };
                if !member_lists
                    .iter()
                    .any(|m: &MemberList| m.kind == list.kind && m.owner == list.owner)
                {
                    member_lists.push(list);
                }
            }
        }

        let mut model = Model {
            spec,
            routes: Vec::new(),
            kept,
            creators,
            member_lists,
            arrivals,
            documented,
        };
        for ((operation, facts), (segments, target)) in operations
            .into_iter()
            .zip(facts)
            .zip(segments.into_iter().zip(targets))
        {
            let act = model.act(&operation, &facts, target, &read_schemas);
            model.routes.push(Route {
                owners: owners(&segments),
                segments,
                operation,
                act,
            });
        }
        model
    }

    fn act(
        &self,
        operation: &Operation,
        facts: &Facts,
        target: Option<Target>,
        read_schemas: &BTreeMap<String, Value>,
    ) -> Act {
        let spec = &self.spec;
        match target {
            Some(Target::Item { kind, param }) if self.kept.contains(&kind) => {
                match facts.method.as_str() {
                    "GET" => Act::Read { kind, param },
                    "PATCH" | "PUT" => Act::Update { kind, param },
                    "DELETE" => Act::Delete { kind, param },
                    _ => Act::Documented,
                }
            }
            Some(Target::Collection { kind, owner }) if self.kept.contains(&kind) => {
                let member_list = owner.as_ref().and_then(|(owner, param)| {
                    let list = self
                        .member_lists
                        .iter()
                        .find(|m| m.kind == kind && m.owner == *owner)?;
                    Some((list.clone(), param.clone()))
                });
                match facts.method.as_str() {
                    "GET" if facts.lists(spec) => Act::List(self.listing(operation, kind, owner)),
                    "POST" if facts.creates(spec) => Act::Create { kind, owner },
                    "POST" | "DELETE" if facts.member_ids(spec).is_some() => match member_list {
                        Some((list, param)) => Act::Members {
                            list,
                            param,
                            add: facts.method == "POST",
                        },
                        None => Act::Documented,
                    },
                    _ => Act::Documented,
                }
            }
            Some(Target::Collection {
                owner: Some((kind, param)),
                ..
            }) if self.kept.contains(&kind) && facts.method == "POST" => {
                let request = facts.request_shape(spec);
                let transition = request.properties.iter().find_map(|(name, p)| {
                    let after = p.get("x-status-after")?.as_object()?;
                    let after = after
                        .iter()
                        .filter_map(|(v, s)| Some((v.clone(), s.as_str()?.to_string())))
                        .collect();
                    Some((name.clone(), after))
                });
                let answers_itself =
                    facts.response.is_some() && facts.response.as_ref() == read_schemas.get(&kind);
                match transition {
                    Some((property, status_after)) => Act::Transition {
                        kind,
                        param,
                        property,
                        status_after,
                    },
                    None if answers_itself && !operation.may_repeat => Act::Copy { kind, param },
                    None if answers_itself => Act::Show { kind, param },
                    None => Act::Documented,
                }
            }
            _ => Act::Documented,
        }
    }

    fn listing(
        &self,
        operation: &Operation,
        kind: String,
        owner: Option<(String, String)>,
    ) -> Listing {
        let declared = operation.parameters("query");
        let filters: BTreeMap<String, (String, bool)> = declared
            .iter()
            .filter_map(|p| {
                let name = p["name"].as_str()?.to_string();
                // These page the list (`state::one_page`); they filter nothing.
                if ["page", "page_size", "offset", "limit"].contains(&name.as_str()) {
                    return None;
                }
                let by = p["x-filters-by"].as_str().unwrap_or(&name).to_string();
                let filter = match by.strip_prefix('!') {
                    Some(property) => (property.to_string(), true),
                    None => (by, false),
                };
                Some((name, filter))
            })
            .collect();
        let shows_deleted = filters
            .values()
            .any(|(property, _)| property == "is_deleted");
        Listing {
            kind,
            owner,
            filters,
            shows_deleted,
        }
    }

    /// Which route a request is for: its path parameters, or why none is (404, 405).
    pub fn route(
        &self,
        method: &str,
        path: &str,
    ) -> Result<(&Route, BTreeMap<String, String>), bool> {
        let mut path_matches = false;
        for route in &self.routes {
            if let Some(parameters) = path_parameters(&route.segments, path) {
                path_matches = true;
                if route.operation.method == method {
                    return Ok((route, parameters));
                }
            }
        }
        Err(path_matches)
    }
}

/// How an object of `owner_kind` is named in its members' fields: `study` or `study_id`.
pub(super) fn link_names(owner_kind: &str) -> [String; 2] {
    let name = singular(owner_kind);
    [format!("{name}_id"), name]
}

/// The path parameters, when `path` fits the template's segments.
fn path_parameters(segments: &[String], path: &str) -> Option<BTreeMap<String, String>> {
    let actual: Vec<&str> = path.split('/').skip(1).collect();
    if actual.len() != segments.len() {
        return None;
    }
    let mut parameters = BTreeMap::new();
    for (want, got) in segments.iter().zip(actual) {
        match parameter(want) {
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

/// `segment` with its `%XX` escapes decoded; `None` when they are broken or not UTF-8.
pub(super) fn percent_decode(segment: &str) -> Option<String> {
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
