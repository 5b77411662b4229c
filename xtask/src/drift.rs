//! `cargo xtask drift UPSTREAM`: where the hand-maintained fragment differs from Prolific's
//! published OpenAPI document. Operations are matched by method and path; their request and
//! response bodies and parameters are compared field by field (missing, extra, type, required,
//! nullable, read-only). Upstream's `allOf` wrappers are flattened and `$ref`s resolved on both
//! sides; an `Authorization` header parameter is the fragment's security scheme, not a field.
//!
//! Differences the fragment keeps on purpose are listed, each with its reason, in
//! `spec/drift-allow.yaml`; any other difference makes the command fail.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write;

use serde_json::Value;

/// One difference between the fragment and upstream.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Difference {
    /// Where: `operationId request|response STATUS|parameters: field.path`.
    pub place: String,
    /// `missing` (only upstream), `extra` (only in the fragment), `type`, `required`,
    /// `nullable`, `read-only`, `operation`, `response`.
    pub kind: String,
    /// The two sides, in words.
    pub detail: String,
}

/// An accepted difference, with its reason.
pub struct Allowed {
    place: String,
    kind: String,
    reason: String,
}

/// Reads the allow-list: a YAML list of `{place, kind, reason}`; every entry needs a reason.
pub fn allow_list(text: &str, shown: &str) -> Result<Vec<Allowed>, String> {
    let entries: Vec<BTreeMap<String, String>> = serde_yaml_ng::from_str(text)
        .map_err(|e| format!("{shown}: not a list of {{place, kind, reason}}: {e}"))?;
    entries
        .into_iter()
        .enumerate()
        .map(|(i, mut entry)| {
            let mut take = |key: &str| {
                entry
                    .remove(key)
                    .filter(|v| !v.trim().is_empty())
                    .ok_or_else(|| format!("{shown}: entry {} has no `{key}`; every entry needs place, kind and reason", i + 1))
            };
            Ok(Allowed {
                place: take("place")?,
                kind: take("kind")?,
                reason: take("reason")?,
            })
        })
        .collect()
}

/// Every difference between the fragment's operations and upstream's.
pub fn compare(fragment: &Value, upstream: &Value) -> (Vec<Difference>, usize) {
    let mut found = Vec::new();
    let mut matched = 0;
    for (path, method, ours) in crate::model::operations_of(fragment) {
        let id = ours
            .get("operationId")
            .and_then(Value::as_str)
            .unwrap_or(path)
            .to_string();
        let theirs = upstream
            .get("paths")
            .and_then(|p| p.get(path))
            .and_then(|i| i.get(method));
        let Some(theirs) = theirs else {
            found.push(Difference {
                place: id,
                kind: "operation".into(),
                detail: format!(
                    "{} {path} is not in the upstream document",
                    method.to_uppercase()
                ),
            });
            continue;
        };
        matched += 1;
        let sides = Sides { fragment, upstream };
        sides.bodies(
            &format!("{id} request"),
            ours.get("requestBody"),
            theirs.get("requestBody"),
            &mut found,
        );
        let statuses: BTreeSet<&String> = [ours, theirs]
            .iter()
            .filter_map(|op| op.get("responses").and_then(Value::as_object))
            .flat_map(|r| r.keys())
            .collect();
        for status in statuses {
            let (a, b) = (
                ours.pointer(&format!("/responses/{status}")),
                theirs.pointer(&format!("/responses/{status}")),
            );
            let place = format!("{id} response {status}");
            match (a, b) {
                (Some(_), None) => found.push(Difference {
                    place,
                    kind: "response".into(),
                    detail: "declared in the fragment only".into(),
                }),
                (None, Some(_)) => found.push(Difference {
                    place,
                    kind: "response".into(),
                    detail: "declared upstream only".into(),
                }),
                _ => sides.bodies(&place, a, b, &mut found),
            }
        }
        let path_item = |doc| path_item(doc, path);
        sides.parameters(
            &id,
            [path_item(fragment), Some(ours)],
            [path_item(upstream), Some(theirs)],
            &mut found,
        );
    }
    found.sort();
    (found, matched)
}

/// The two documents, each resolving its own `$ref`s.
struct Sides<'a> {
    fragment: &'a Value,
    upstream: &'a Value,
}

impl Sides<'_> {
    /// Compares the JSON bodies of a request body or response object.
    fn bodies(
        &self,
        place: &str,
        ours: Option<&Value>,
        theirs: Option<&Value>,
        found: &mut Vec<Difference>,
    ) {
        let schema = |doc: &Value, holder: Option<&Value>| {
            holder
                .map(|h| resolve(doc, h))
                .and_then(|h| h.pointer("/content/application~1json/schema"))
                .map(|s| flatten(doc, s))
        };
        match (schema(self.fragment, ours), schema(self.upstream, theirs)) {
            (Some(a), Some(b)) => fields(place, "", &a, &b, self, found),
            (Some(_), None) => found.push(Difference {
                place: place.to_string(),
                kind: "extra".into(),
                detail: "a JSON body in the fragment only".into(),
            }),
            (None, Some(_)) => found.push(Difference {
                place: place.to_string(),
                kind: "missing".into(),
                detail: "a JSON body upstream only".into(),
            }),
            (None, None) => {}
        }
    }

    /// Compares query and path parameters by name; `Authorization` headers are the security
    /// scheme's business. Each side gives its path item's parameters and its operation's
    /// (OpenAPI lets either hold them).
    fn parameters(
        &self,
        id: &str,
        ours: [Option<&Value>; 2],
        theirs: [Option<&Value>; 2],
        found: &mut Vec<Difference>,
    ) {
        let list = |doc: &Value, holders: [Option<&Value>; 2]| -> BTreeMap<String, Value> {
            holders
                .into_iter()
                .flatten()
                .filter_map(|holder| holder.get("parameters").and_then(Value::as_array))
                .flatten()
                .map(|p| resolve(doc, p).clone())
                .filter(|p| {
                    let name = p.get("name").and_then(Value::as_str).unwrap_or_default();
                    !(p.get("in").and_then(Value::as_str) == Some("header")
                        && name.eq_ignore_ascii_case("authorization"))
                })
                .map(|p| {
                    let key = format!(
                        "{} ({})",
                        p.get("name").and_then(Value::as_str).unwrap_or_default(),
                        p.get("in").and_then(Value::as_str).unwrap_or_default()
                    );
                    (key, p)
                })
                .collect()
        };
        let (a, b) = (list(self.fragment, ours), list(self.upstream, theirs));
        let place = format!("{id} parameters");
        for name in a.keys().filter(|k| !b.contains_key(*k)) {
            found.push(Difference {
                place: format!("{place}: {name}"),
                kind: "extra".into(),
                detail: "in the fragment only".into(),
            });
        }
        for name in b.keys().filter(|k| !a.contains_key(*k)) {
            found.push(Difference {
                place: format!("{place}: {name}"),
                kind: "missing".into(),
                detail: "upstream only".into(),
            });
        }
    }
}

/// Compares the fields of two object schemas, recursing into objects and array items.
fn fields(
    place: &str,
    prefix: &str,
    ours: &Value,
    theirs: &Value,
    sides: &Sides,
    found: &mut Vec<Difference>,
) {
    // A recursive schema would recurse forever; real bodies are far shallower than this.
    if prefix.matches('.').count() > 12 {
        return;
    }
    let props = |schema: &Value| -> BTreeMap<String, Value> {
        schema
            .get("properties")
            .and_then(Value::as_object)
            .map(|m| m.iter().map(|(k, v)| (k.clone(), v.clone())).collect())
            .unwrap_or_default()
    };
    let required = |schema: &Value| -> BTreeSet<String> {
        schema
            .get("required")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .filter_map(|v| v.as_str().map(str::to_string))
            .collect()
    };
    let (a, b) = (props(ours), props(theirs));
    let (ra, rb) = (required(ours), required(theirs));
    for (name, theirs_field) in &b {
        let at = format!("{place}: {prefix}{name}");
        let Some(ours_field) = a.get(name) else {
            let theirs_field = flatten(sides.upstream, theirs_field);
            found.push(Difference {
                place: at,
                kind: "missing".into(),
                detail: format!("only upstream ({})", kind_of(&theirs_field)),
            });
            continue;
        };
        let x = flatten(sides.fragment, ours_field);
        let y = flatten(sides.upstream, theirs_field);
        let mut differ = |kind: &str, mine: String, upstream: String| {
            if mine != upstream {
                found.push(Difference {
                    place: at.clone(),
                    kind: kind.into(),
                    detail: format!("fragment: {mine}; upstream: {upstream}"),
                });
            }
        };
        differ("type", kind_of(&x), kind_of(&y));
        differ(
            "required",
            ra.contains(name).to_string(),
            rb.contains(name).to_string(),
        );
        differ("nullable", flag(&x, "nullable"), flag(&y, "nullable"));
        differ("read-only", flag(&x, "readOnly"), flag(&y, "readOnly"));
        match (x.get("items"), y.get("items")) {
            (Some(xi), Some(yi)) => fields(
                place,
                &format!("{prefix}{name}[]."),
                &flatten(sides.fragment, xi),
                &flatten(sides.upstream, yi),
                sides,
                found,
            ),
            _ => fields(place, &format!("{prefix}{name}."), &x, &y, sides, found),
        }
    }
    for name in a.keys().filter(|k| !b.contains_key(*k)) {
        found.push(Difference {
            place: format!("{place}: {prefix}{name}"),
            kind: "extra".into(),
            detail: "only in the fragment".into(),
        });
    }
}

fn flag(schema: &Value, key: &str) -> String {
    schema
        .get(key)
        .and_then(Value::as_bool)
        .unwrap_or(false)
        .to_string()
}

/// `string`, `integer`, `object`, `array`, ... (a schema without `type` but with properties
/// is an object).
fn kind_of(schema: &Value) -> String {
    match schema.get("type").and_then(Value::as_str) {
        Some(ty) => ty.to_string(),
        None if schema.get("properties").is_some() => "object".into(),
        None if schema.get("oneOf").is_some() => "oneOf".into(),
        None if schema.get("anyOf").is_some() => "anyOf".into(),
        None => "any".into(),
    }
}

/// Follows a local `$ref` (to any depth, stopping at cycles).
fn resolve<'a>(doc: &'a Value, value: &'a Value) -> &'a Value {
    let mut current = value;
    for _ in 0..32 {
        match current.get("$ref").and_then(Value::as_str) {
            Some(reference) => match reference.strip_prefix('#').and_then(|p| doc.pointer(p)) {
                Some(target) => current = target,
                None => return current,
            },
            None => return current,
        }
    }
    current
}

/// A schema with `$ref` resolved and `allOf` merged: properties and `required` united, the
/// other keywords taken from the first part that has them.
fn flatten(doc: &Value, schema: &Value) -> Value {
    flatten_at(doc, schema, 0)
}

fn flatten_at(doc: &Value, schema: &Value, depth: usize) -> Value {
    let schema = resolve(doc, schema);
    let Some(parts) = schema.get("allOf").and_then(Value::as_array) else {
        return schema.clone();
    };
    if depth > 16 {
        return schema.clone();
    }
    let mut merged = serde_json::Map::new();
    let mut properties = serde_json::Map::new();
    let mut required: Vec<Value> = Vec::new();
    let own = schema.as_object().cloned().unwrap_or_default();
    for part in parts
        .iter()
        .map(|p| flatten_at(doc, p, depth + 1))
        .chain([Value::Object(own)])
    {
        for (key, value) in part.as_object().into_iter().flatten() {
            match key.as_str() {
                "allOf" => {}
                "properties" => {
                    for (k, v) in value.as_object().into_iter().flatten() {
                        properties.entry(k.clone()).or_insert_with(|| v.clone());
                    }
                }
                "required" => {
                    for name in value.as_array().into_iter().flatten() {
                        if !required.contains(name) {
                            required.push(name.clone());
                        }
                    }
                }
                _ => {
                    merged.entry(key.clone()).or_insert_with(|| value.clone());
                }
            }
        }
    }
    if !properties.is_empty() {
        merged.insert("properties".into(), Value::Object(properties));
    }
    if !required.is_empty() {
        merged.insert("required".into(), Value::Array(required));
    }
    Value::Object(merged)
}

/// The path item of `path` in `doc`.
fn path_item<'v>(doc: &'v Value, path: &str) -> Option<&'v Value> {
    doc.get("paths").and_then(|p| p.get(path))
}

/// Whether `place` matches `pattern`, in which `*` stands for any run of characters: one
/// allow-list entry covers a field wherever the same schema appears (`* response *: id`).
fn glob(pattern: &str, place: &str) -> bool {
    let mut parts = pattern.split('*');
    let first = parts.next().unwrap_or_default();
    let Some(mut rest) = place.strip_prefix(first) else {
        return false;
    };
    let parts: Vec<&str> = parts.collect();
    let Some((last, middle)) = parts.split_last() else {
        return rest.is_empty();
    };
    for part in middle {
        match rest.find(part) {
            Some(at) => rest = &rest[at + part.len()..],
            None => return false,
        }
    }
    rest.len() >= last.len() && rest.ends_with(last)
}

/// The report; `true` when every difference is allowed.
pub fn report(
    differences: &[Difference],
    allowed: &[Allowed],
    matched: usize,
    spec: &str,
    upstream: &str,
) -> (String, bool) {
    let mut out = String::new();
    let _ = writeln!(
        out,
        "drift: {spec} against {upstream} ({matched} operation{} matched by method and path)",
        if matched == 1 { "" } else { "s" }
    );
    let mut open = 0;
    for d in differences {
        match allowed
            .iter()
            .find(|a| glob(&a.place, &d.place) && a.kind == d.kind)
        {
            Some(a) => {
                let _ = writeln!(
                    out,
                    "  allowed  {:<9} {}: {} (allowed: {})",
                    d.kind, d.place, d.detail, a.reason
                );
            }
            None => {
                open += 1;
                let _ = writeln!(out, "  differs  {:<9} {}: {}", d.kind, d.place, d.detail);
            }
        }
    }
    for a in allowed {
        if !differences
            .iter()
            .any(|d| glob(&a.place, &d.place) && d.kind == a.kind)
        {
            let _ = writeln!(
                out,
                "  stale    {:<9} {}: allowed, but no longer differs; remove it from the allow-list",
                a.kind, a.place
            );
        }
    }
    if open == 0 {
        let _ = writeln!(out, "drift: no difference outside the allow-list");
    } else {
        let _ = writeln!(
            out,
            "drift: {open} difference{} to resolve: update the fragment, or allow {} with a reason in spec/drift-allow.yaml",
            if open == 1 { "" } else { "s" },
            if open == 1 { "it" } else { "them" }
        );
    }
    (out, open == 0)
}

#[cfg(test)]
mod tests {
    use super::{glob, kind_of};

    #[test]
    fn a_schema_without_a_type_is_named_by_its_combinator() {
        use serde_json::json;
        assert_eq!(kind_of(&json!({"anyOf": [{"type": "string"}]})), "anyOf");
        assert_eq!(kind_of(&json!({"oneOf": [{"type": "string"}]})), "oneOf");
        assert_eq!(kind_of(&json!({"properties": {}})), "object");
        assert_eq!(kind_of(&json!({})), "any");
    }

    #[test]
    fn allow_list_places_match_with_stars() {
        assert!(glob("a response 201: id", "a response 201: id"));
        assert!(!glob("a response 201: id", "a response 201: ids"));
        assert!(glob("* response *: id", "get-x response 200: id"));
        assert!(!glob(
            "* response *: id",
            "get-x response 200: results[].id"
        ));
        assert!(glob(
            "* response *feeder_studies[].id",
            "l response 200: results[].feeder_studies[].id"
        ));
        assert!(!glob("* response *: id", "get-x request: id"));
        assert!(glob("* response 4XX", "get-x response 4XX"));
        assert!(!glob("*x*x", "x"));
    }
}
