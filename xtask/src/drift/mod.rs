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

use spec_model::{Field, Index, Operation, Parameter};

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
    let sides = Sides {
        fragment: Index::new(fragment),
        upstream: Index::new(upstream),
    };
    let theirs_all = sides.upstream.operations();
    let mut found = Vec::new();
    let mut matched = 0;
    for ours in sides.fragment.operations() {
        let id = ours.id.unwrap_or(ours.path).to_string();
        let Some(theirs) = theirs_all
            .iter()
            .find(|t| t.path == ours.path && t.method == ours.method)
        else {
            found.push(Difference {
                place: id,
                kind: "operation".into(),
                detail: format!("{} is not in the upstream document", ours.label()),
            });
            continue;
        };
        matched += 1;
        let (our_body, their_body) = (
            ours.request_body(&sides.fragment),
            theirs.request_body(&sides.upstream),
        );
        // The body's own `required`: progenitor makes a required body a `body` the builder
        // demands, an optional one a `body` it may leave out.
        let body_required =
            |body: Option<&Value>| body.map(|b| b.get("required") == Some(&Value::Bool(true)));
        if let (Some(mine), Some(upstream)) = (body_required(our_body), body_required(their_body))
            && mine != upstream
        {
            found.push(Difference {
                place: format!("{id} request"),
                kind: "body-required".into(),
                detail: format!("fragment: {mine}; upstream: {upstream}"),
            });
        }
        sides.bodies(&format!("{id} request"), our_body, their_body, &mut found);
        let (a, b) = (
            ours.responses(&sides.fragment),
            theirs.responses(&sides.upstream),
        );
        let statuses: BTreeSet<&str> = a.iter().chain(&b).map(|(status, _)| *status).collect();
        for status in statuses {
            let place = format!("{id} response {status}");
            match (find(&a, status), find(&b, status)) {
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
                (x, y) => sides.bodies(&place, x, y, &mut found),
            }
        }
        parameters(
            &id,
            &ours.parameters(&sides.fragment),
            &theirs.parameters(&sides.upstream),
            &mut found,
        );
    }
    found.sort();
    (found, matched)
}

/// The response of `status` in `list`.
fn find<'v>(list: &[(&str, &'v Value)], status: &str) -> Option<&'v Value> {
    list.iter().find(|(s, _)| *s == status).map(|(_, r)| *r)
}

/// The two documents, each resolving its own `$ref`s.
struct Sides<'a> {
    fragment: Index<'a>,
    upstream: Index<'a>,
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
        let (a, b) = (
            ours.and_then(Operation::json_schema),
            theirs.and_then(Operation::json_schema),
        );
        match (a, b) {
            (Some(a), Some(b)) => self.fields(place, "", a, b, found),
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

    /// Compares the fields of two object schemas, recursing into objects and array items.
    fn fields(
        &self,
        place: &str,
        prefix: &str,
        ours: &Value,
        theirs: &Value,
        found: &mut Vec<Difference>,
    ) {
        // A recursive schema would recurse forever; real bodies are far shallower than this.
        if prefix.matches('.').count() > 12 {
            return;
        }
        let (a, b) = (self.fragment.fields(ours), self.upstream.fields(theirs));
        for (name, y) in &b {
            let at = format!("{place}: {prefix}{name}");
            let Some(x) = a.get(name) else {
                found.push(Difference {
                    place: at,
                    kind: "missing".into(),
                    detail: format!("only upstream ({})", y.kind),
                });
                continue;
            };
            let mut differ = |kind: &str, mine: String, upstream: String| {
                if mine != upstream {
                    found.push(Difference {
                        place: at.clone(),
                        kind: kind.into(),
                        detail: format!("fragment: {mine}; upstream: {upstream}"),
                    });
                }
            };
            differ("type", x.kind.clone(), y.kind.clone());
            let format = |f: &Field| f.format.clone().unwrap_or_else(|| "none".into());
            differ("format", format(x), format(y));
            differ("required", x.required.to_string(), y.required.to_string());
            differ("nullable", x.nullable.to_string(), y.nullable.to_string());
            differ(
                "read-only",
                x.read_only.to_string(),
                y.read_only.to_string(),
            );
            let values = |index: &Index, schema: &Value| -> Option<BTreeSet<String>> {
                let list = index.flatten(schema).get("enum")?.as_array()?.clone();
                Some(
                    list.iter()
                        .map(|v| v.as_str().map_or_else(|| v.to_string(), str::to_string))
                        .collect(),
                )
            };
            match (
                values(&self.fragment, &x.schema),
                values(&self.upstream, &y.schema),
            ) {
                (Some(mine), None) => found.push(Difference {
                    place: at.clone(),
                    kind: "enum".into(),
                    detail: format!(
                        "closed in the fragment only ({} values); upstream takes any value",
                        mine.len()
                    ),
                }),
                (None, Some(upstream)) => found.push(Difference {
                    place: at.clone(),
                    kind: "enum".into(),
                    detail: format!(
                        "open in the fragment; upstream lists {} values",
                        upstream.len()
                    ),
                }),
                (Some(mine), Some(upstream)) if mine != upstream => {
                    let only = |a: &BTreeSet<String>, b: &BTreeSet<String>| {
                        a.difference(b).cloned().collect::<Vec<_>>().join(", ")
                    };
                    found.push(Difference {
                        place: at.clone(),
                        kind: "enum".into(),
                        detail: format!(
                            "only in the fragment: [{}]; only upstream: [{}]",
                            only(&mine, &upstream),
                            only(&upstream, &mine)
                        ),
                    })
                }
                _ => {}
            }
            match (x.schema.get("items"), y.schema.get("items")) {
                (Some(xi), Some(yi)) => {
                    self.fields(place, &format!("{prefix}{name}[]."), xi, yi, found)
                }
                _ => self.fields(
                    place,
                    &format!("{prefix}{name}."),
                    &x.schema,
                    &y.schema,
                    found,
                ),
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
}

/// Compares parameters by name and location (presence, required, type); an `Authorization`
/// header is the security scheme's business.
fn parameters(id: &str, ours: &[Parameter], theirs: &[Parameter], found: &mut Vec<Difference>) {
    let keyed = |list: &[Parameter]| -> BTreeMap<String, Parameter> {
        list.iter()
            .filter(|p| !(p.location == "header" && p.name.eq_ignore_ascii_case("authorization")))
            .map(|p| (format!("{} ({})", p.name, p.location), p.clone()))
            .collect()
    };
    let (a, b) = (keyed(ours), keyed(theirs));
    let place = format!("{id} parameters");
    for (name, x) in &a {
        let Some(y) = b.get(name) else {
            found.push(Difference {
                place: format!("{place}: {name}"),
                kind: "extra".into(),
                detail: "in the fragment only".into(),
            });
            continue;
        };
        for (kind, mine, upstream) in [
            ("required", x.required.to_string(), y.required.to_string()),
            ("type", x.ty.clone(), y.ty.clone()),
        ] {
            if mine != upstream {
                found.push(Difference {
                    place: format!("{place}: {name}"),
                    kind: kind.into(),
                    detail: format!("fragment: {mine}; upstream: {upstream}"),
                });
            }
        }
    }
    for name in b.keys().filter(|k| !a.contains_key(*k)) {
        found.push(Difference {
            place: format!("{place}: {name}"),
            kind: "missing".into(),
            detail: "upstream only".into(),
        });
    }
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
    use serde_json::json;

    use super::{compare, glob};

    /// A document of one `POST /things/` whose body is `body` (the request body object).
    fn with_body(body: serde_json::Value) -> serde_json::Value {
        json!({"paths": {"/things/": {"post": {
            "operationId": "make-thing",
            "requestBody": body,
            "responses": {"204": {"description": "Made"}},
        }}}})
    }

    fn json_body(required: bool, kind: serde_json::Value) -> serde_json::Value {
        json!({"required": required, "content": {"application/json": {"schema": {
            "type": "object",
            "properties": {"kind": kind},
        }}}})
    }

    /// What `compare` finds, as `kind place: detail` lines.
    fn differences(ours: serde_json::Value, theirs: serde_json::Value) -> Vec<String> {
        let (found, matched) = compare(&ours, &theirs);
        assert_eq!(matched, 1);
        found
            .iter()
            .map(|d| format!("{} {}: {}", d.kind, d.place, d.detail))
            .collect()
    }

    #[test]
    fn a_body_the_fragment_alone_requires_is_a_difference() {
        let kind = json!({"type": "string"});
        assert_eq!(
            differences(
                with_body(json_body(true, kind.clone())),
                with_body(json_body(false, kind))
            ),
            ["body-required make-thing request: fragment: true; upstream: false"]
        );
    }

    #[test]
    fn an_enum_only_one_side_closes_or_whose_values_differ_is_a_difference() {
        let closed = json!({"type": "string", "enum": ["A", "B"]});
        let open = json!({"type": "string"});
        assert_eq!(
            differences(
                with_body(json_body(true, closed.clone())),
                with_body(json_body(true, open.clone()))
            ),
            [
                "enum make-thing request: kind: closed in the fragment only (2 values); upstream takes any value"
            ]
        );
        assert_eq!(
            differences(
                with_body(json_body(true, open)),
                with_body(json_body(true, closed.clone()))
            ),
            ["enum make-thing request: kind: open in the fragment; upstream lists 2 values"]
        );
        let other = json!({"type": "string", "enum": ["B", "C"]});
        assert_eq!(
            differences(
                with_body(json_body(true, closed)),
                with_body(json_body(true, other))
            ),
            ["enum make-thing request: kind: only in the fragment: [A]; only upstream: [C]"]
        );
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
