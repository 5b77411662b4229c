//! `cargo xtask drift UPSTREAM`: where the hand-maintained fragment differs from Prolific's
//! published OpenAPI document (a file, or its address: `fetch.rs`). Operations are matched by
//! method and path: one only upstream is a `missing-operation`, one only in the fragment a
//! `gone-operation` (allowed only when the fragment marks it deprecated, which is how an
//! operation leaves the SDK). Matched operations' request and response bodies and parameters
//! are compared field by field (missing, extra, type, required, nullable, read-only). Upstream's
//! `allOf` wrappers are flattened and `$ref`s resolved on both sides; an `Authorization` header
//! parameter is the fragment's security scheme, not a field.
//!
//! Other differences the fragment keeps on purpose are listed, each with its reason, in
//! `spec/drift-allow.yaml`; any other difference makes the command fail.

pub mod fetch;

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write;

use serde_json::Value;

use spec_model::{Field, Index, Operation, Parameter};

/// One difference between the fragment and upstream.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Difference {
    /// Where: `operationId request|response STATUS|parameters: field.path`.
    pub place: String,
    /// `missing-operation` (only upstream), `gone-operation` (only in the fragment),
    /// `missing` (a field only upstream), `extra` (only in the fragment), `type`, `required`,
    /// `nullable`, `read-only`, `response`, ...
    pub kind: String,
    /// The two sides, in words.
    pub detail: String,
    /// A `gone-operation` the fragment marks deprecated: allowed, whatever the allow-list says.
    pub deprecated: bool,
}

/// What `compare` found: every difference, and how the two documents' operations pair up.
#[derive(Debug, Default)]
pub struct Comparison {
    /// The differences, sorted.
    pub differences: Vec<Difference>,
    /// How many operations upstream has.
    pub upstream_operations: usize,
    /// How many of them the fragment declares (the same method and path).
    pub declared: usize,
    /// How many of the fragment's operations upstream does not have.
    pub gone: usize,
    /// How many of those the fragment marks deprecated.
    pub gone_deprecated: usize,
}

impl Comparison {
    /// `119 of 119 upstream operations declared, 0 missing, 12 gone (all deprecated)`.
    pub fn counts(&self) -> String {
        let gone = match (self.gone, self.gone - self.gone_deprecated) {
            (0, _) => String::new(),
            (_, 0) => " (all deprecated)".to_string(),
            (_, open) => format!(" ({open} not deprecated)"),
        };
        format!(
            "{} of {} upstream operations declared, {} missing, {} gone{gone}",
            self.declared,
            self.upstream_operations,
            self.upstream_operations - self.declared,
            self.gone
        )
    }
}

/// An accepted difference, with its reason.
pub struct Allowed {
    place: String,
    kind: String,
    reason: String,
}

/// Prolific's document as JSON: fetched when `upstream` is an address (`fetch.rs`), read when
/// it is a file. Any OpenAPI version is read (nothing is generated from it).
pub fn read_upstream(upstream: &str, limits: fetch::Limits) -> Result<Value, String> {
    let (bytes, json) = match fetch::is_url(upstream) {
        true => fetch::fetch(upstream, limits)?,
        false => {
            let bytes = std::fs::read(upstream).map_err(|e| {
                format!(
                    "{upstream}: cannot read the document: {e}; pass a file or an https:// address"
                )
            })?;
            (bytes, upstream.ends_with(".json"))
        }
    };
    let raw = crate::spec::from_bytes(bytes, upstream, json)
        .map_err(|e| format!("{e}; the document must be YAML or JSON"))?;
    if raw.value.get("paths").and_then(Value::as_object).is_none() {
        return Err(format!(
            "{upstream}: not an OpenAPI document (it has no `paths`); pass the address or file of \
             Prolific's OpenAPI document"
        ));
    }
    Ok(raw.value)
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
pub fn compare(fragment: &Value, upstream: &Value) -> Comparison {
    let sides = Sides {
        fragment: Index::new(fragment),
        upstream: Index::new(upstream),
    };
    let theirs_all = sides.upstream.operations();
    let ours_all = sides.fragment.operations();
    let same = |a: &Operation, b: &Operation| a.path == b.path && a.method == b.method;
    let mut found = Vec::new();
    let mut comparison = Comparison {
        upstream_operations: theirs_all.len(),
        ..Comparison::default()
    };
    for theirs in theirs_all
        .iter()
        .filter(|t| !ours_all.iter().any(|o| same(o, t)))
    {
        found.push(Difference {
            place: theirs.id.unwrap_or(theirs.path).to_string(),
            kind: "missing-operation".into(),
            detail: format!(
                "{} is upstream only; declare it in the fragment",
                theirs.label()
            ),
            deprecated: false,
        });
    }
    for ours in &ours_all {
        let id = ours.id.unwrap_or(ours.path).to_string();
        let Some(theirs) = theirs_all.iter().find(|t| same(ours, t)) else {
            let deprecated = ours.is_deprecated();
            comparison.gone += 1;
            comparison.gone_deprecated += usize::from(deprecated);
            found.push(Difference {
                place: id,
                kind: "gone-operation".into(),
                detail: match deprecated {
                    true => format!(
                        "{} is not upstream; deprecated in the fragment",
                        ours.label()
                    ),
                    false => format!(
                        "{} is not upstream; mark it `deprecated` (with `x-deprecation`) for a \
                         release, then remove it",
                        ours.label()
                    ),
                },
                deprecated,
            });
            continue;
        };
        comparison.declared += 1;
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
                deprecated: false,
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
                    deprecated: false,
                }),
                (None, Some(_)) => found.push(Difference {
                    place,
                    kind: "response".into(),
                    detail: "declared upstream only".into(),
                    deprecated: false,
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
    comparison.differences = found;
    comparison
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
                deprecated: false,
            }),
            (None, Some(_)) => found.push(Difference {
                place: place.to_string(),
                kind: "missing".into(),
                detail: "a JSON body upstream only".into(),
                deprecated: false,
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
                    deprecated: false,
                });
                continue;
            };
            let mut differ = |kind: &str, mine: String, upstream: String| {
                if mine != upstream {
                    found.push(Difference {
                        place: at.clone(),
                        kind: kind.into(),
                        detail: format!("fragment: {mine}; upstream: {upstream}"),
                        deprecated: false,
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
                    deprecated: false,
                }),
                (None, Some(upstream)) => found.push(Difference {
                    place: at.clone(),
                    kind: "enum".into(),
                    detail: format!(
                        "open in the fragment; upstream lists {} values",
                        upstream.len()
                    ),
                    deprecated: false,
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
                        deprecated: false,
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
                deprecated: false,
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
                deprecated: false,
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
                    deprecated: false,
                });
            }
        }
    }
    for name in b.keys().filter(|k| !a.contains_key(*k)) {
        found.push(Difference {
            place: format!("{place}: {name}"),
            kind: "missing".into(),
            detail: "upstream only".into(),
            deprecated: false,
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

/// How the report is printed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Style {
    /// Lines for a terminal.
    Text,
    /// A Markdown section: the body of the issue the scheduled drift workflow opens.
    Markdown,
}

/// One difference as the report shows it: open, or allowed with its reason.
struct Judged<'a> {
    difference: &'a Difference,
    reason: Option<&'a str>,
}

/// The report in `style`; `true` when every difference is allowed.
pub fn report(
    comparison: &Comparison,
    allowed: &[Allowed],
    spec: &str,
    upstream: &str,
    style: Style,
) -> (String, bool) {
    let judged: Vec<Judged> = comparison
        .differences
        .iter()
        .map(|d| Judged {
            difference: d,
            reason: match d.kind.as_str() {
                // How an operation leaves the SDK: deprecated first, whatever the allow-list says.
                "gone-operation" => d.deprecated.then_some("deprecated in the fragment"),
                _ => allowed
                    .iter()
                    .find(|a| glob(&a.place, &d.place) && a.kind == d.kind)
                    .map(|a| a.reason.as_str()),
            },
        })
        .collect();
    let stale: Vec<&Allowed> = allowed
        .iter()
        .filter(|a| {
            !comparison
                .differences
                .iter()
                .any(|d| glob(&a.place, &d.place) && d.kind == a.kind)
        })
        .collect();
    let open = judged.iter().filter(|j| j.reason.is_none()).count();
    let verdict = match open {
        0 => "no difference outside the allow-list".to_string(),
        1 => "1 difference to resolve: update the fragment, or allow it with a reason in \
              spec/drift-allow.yaml"
            .to_string(),
        n => format!(
            "{n} differences to resolve: update the fragment, or allow them with a reason in \
             spec/drift-allow.yaml"
        ),
    };
    let report = Report {
        comparison,
        judged: &judged,
        stale: &stale,
        spec,
        upstream,
        verdict: &verdict,
    };
    let text = match style {
        Style::Text => report.text(),
        Style::Markdown => report.markdown(),
    };
    (text, open == 0)
}

/// What a report says, before it is written in a style.
struct Report<'a> {
    comparison: &'a Comparison,
    judged: &'a [Judged<'a>],
    stale: &'a [&'a Allowed],
    spec: &'a str,
    upstream: &'a str,
    verdict: &'a str,
}

impl Report<'_> {
    fn text(&self) -> String {
        let Report {
            comparison,
            judged,
            stale,
            spec,
            upstream,
            verdict,
        } = self;
        let mut out = String::new();
        let _ = writeln!(out, "drift: {spec} against {upstream}");
        for j in judged.iter() {
            let d = j.difference;
            let _ = match j.reason {
                Some(reason) => writeln!(
                    out,
                    "  allowed  {:<9} {}: {} (allowed: {reason})",
                    d.kind, d.place, d.detail
                ),
                None => writeln!(out, "  differs  {:<9} {}: {}", d.kind, d.place, d.detail),
            };
        }
        for a in stale.iter() {
            let _ = writeln!(
                out,
                "  stale    {:<9} {}: allowed, but no longer differs; remove it from the allow-list",
                a.kind, a.place
            );
        }
        let _ = writeln!(out, "drift: {}", comparison.counts());
        let _ = writeln!(out, "drift: {verdict}");
        out
    }

    fn markdown(&self) -> String {
        let Report {
            comparison,
            judged,
            stale,
            spec,
            upstream,
            verdict,
        } = self;
        let cell = |text: &str| text.replace('|', "\\|").replace('\n', " ");
        let mut out = String::new();
        let _ = writeln!(out, "## Drift: `{spec}` against `{upstream}`\n");
        let _ = writeln!(out, "**{}.** {verdict}.\n", comparison.counts());
        let open: Vec<&Judged> = judged.iter().filter(|j| j.reason.is_none()).collect();
        if !open.is_empty() {
            let _ = writeln!(out, "| Kind | Place | Difference |\n|---|---|---|");
            for j in open.iter().take(MARKDOWN_ROWS) {
                let d = j.difference;
                let _ = writeln!(
                    out,
                    "| `{}` | `{}` | {} |",
                    d.kind,
                    cell(&d.place),
                    cell(&d.detail)
                );
            }
            if open.len() > MARKDOWN_ROWS {
                let _ = writeln!(
                    out,
                    "\n{} more: run `cargo xtask drift {upstream}` for all of them.",
                    open.len() - MARKDOWN_ROWS
                );
            }
            let _ = writeln!(out);
        }
        if !stale.is_empty() {
            let _ = writeln!(
                out,
                "Allowed, but no longer different (remove them from `spec/drift-allow.yaml`):\n"
            );
            for a in stale.iter() {
                let _ = writeln!(out, "- `{}` `{}`", a.kind, cell(&a.place));
            }
            let _ = writeln!(out);
        }
        // The allowed differences by kind and reason, counted: hundreds of rows would bury the
        // ones to resolve (and an issue's body has a size limit).
        let mut allowed: BTreeMap<(&str, &str), usize> = BTreeMap::new();
        for j in judged.iter() {
            if let Some(reason) = j.reason {
                *allowed.entry((&j.difference.kind, reason)).or_default() += 1;
            }
        }
        if !allowed.is_empty() {
            let total: usize = allowed.values().sum();
            let _ = writeln!(
                out,
                "<details><summary>{total} allowed difference(s), by reason</summary>\n\n| Kind | How many | Why |\n|---|---|---|"
            );
            for ((kind, reason), count) in &allowed {
                let _ = writeln!(out, "| `{kind}` | {count} | {} |", cell(reason));
            }
            let _ = writeln!(out, "\n</details>");
        }
        out
    }
}

/// The most differences to resolve the Markdown report lists (an issue's body holds 65,536
/// characters); the text report lists every one.
const MARKDOWN_ROWS: usize = 150;

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
        let comparison = compare(&ours, &theirs);
        assert_eq!(
            (comparison.declared, comparison.upstream_operations),
            (1, 1)
        );
        comparison
            .differences
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
