//! `cargo xtask diff`: what a spec change does to SDK users. Generates both specs in memory
//! (`surface.rs`), compares what users' code meets (operations, their parameters and types,
//! the generated types, their fields' Rust types and builder requirements), and classifies
//! each change as breaking or compatible, with the semver bump the whole change implies.
//! Operations are matched by operationId first, then by method and path.
//!
//! Whether a field or variant added to a type breaks users depends on the type's
//! `#[non_exhaustive]`, read from the generated code. Beside the Rust, what the SDK does at run
//! time is compared too: retries (`x-idempotent`), success statuses, prose rules. Any other
//! change that keeps every Rust type and builder as it was is visible on the wire only.

pub mod surface;

use std::collections::BTreeSet;
use std::fmt::Write;
use std::path::Path;
use std::process::Command;

use serde_json::json;

use crate::spec::Spec;
use spec_model::Parameter;

use crate::diff::surface::{Direction, Field, Operation, Surface, Type};

/// The semver bump a change implies, in increasing order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Bump {
    /// Nothing users can see changed.
    None,
    /// Visible on the wire or in docs only: no code changes for users.
    Patch,
    /// Something was added, or a way a call could end was taken away; existing code keeps
    /// compiling, and its calls end only in ways they could before.
    Minor,
    /// Existing code stops compiling, or an existing call can end in a way it could not before.
    Major,
}

impl Bump {
    fn name(self) -> &'static str {
        match self {
            Bump::None => "none",
            Bump::Patch => "patch",
            Bump::Minor => "minor",
            Bump::Major => "major",
        }
    }

    fn severity(self) -> &'static str {
        if self == Bump::Major {
            "breaking"
        } else {
            "compatible"
        }
    }
}

/// One change, in SDK terms.
#[derive(Debug, Clone, PartialEq)]
pub struct Change {
    /// What it implies.
    pub bump: Bump,
    /// A stable name of the kind of change, e.g. `field-added`.
    pub kind: &'static str,
    /// The item changed, e.g. `ParticipantGroup.created_at`.
    pub item: String,
    /// What it means for users.
    pub detail: String,
}

/// Every change from `old` to `new`, or why one of them cannot be generated.
pub fn compare(old: &Spec, new: &Spec) -> Result<Vec<Change>, String> {
    let (before, after) = (Surface::of(old)?, Surface::of(new)?);
    let mut changes = Vec::new();
    let mut add = |bump, kind, item: String, detail: String| {
        changes.push(Change {
            bump,
            kind,
            item,
            detail,
        })
    };

    let (pairs, removed) = pair_operations(&before.operations, &after.operations);
    for (op, was) in after.operations.iter().zip(pairs) {
        let label = format!("{} {}", op.method, op.path);
        let Some(was) = was else {
            add(
                Bump::Minor,
                "operation-added",
                label,
                format!("new method `{}()`", op.rust_method),
            );
            continue;
        };
        // Users call the method progenitor names, not the operationId: `create-group` and
        // `CreateGroup` both give `create_group()`.
        if was.rust_method != op.rust_method {
            add(
                Bump::Major,
                "operation-renamed",
                label.clone(),
                format!(
                    "`{}()` is now `{}()`: callers of the old name break",
                    was.rust_method, op.rust_method
                ),
            );
        } else if was.id != op.id {
            add(
                Bump::Patch,
                "operation-id-changed",
                label.clone(),
                format!(
                    "the operationId `{}` is now `{}`; the SDK's method `{}()` stays",
                    was.id, op.id, op.rust_method
                ),
            );
        }
        if !same_route(was, op) {
            add(
                Bump::Patch,
                "operation-moved",
                label.clone(),
                format!(
                    "was `{} {}`: on the wire only: `{}` and its builder stay as they were",
                    was.method, was.path, op.rust_method
                ),
            );
        }
        if was.request != op.request {
            let show = |t: &Option<String>| t.clone().unwrap_or_else(|| "no body".into());
            add(
                Bump::Major,
                "request-type-changed",
                label.clone(),
                format!(
                    "`body` took `{}`, now `{}`",
                    show(&was.request),
                    show(&op.request)
                ),
            );
        }
        if was.returns != op.returns {
            add(
                Bump::Major,
                "response-type-changed",
                label.clone(),
                format!("`send()` returned `{}`, now `{}`", was.returns, op.returns),
            );
        }
        compare_parameters(&label, was, op, &mut add);
        compare_setters(&label, was, op, &mut add);
        compare_behaviour(&label, was, op, &mut add);
    }
    for op in removed {
        add(
            Bump::Major,
            "operation-removed",
            format!("{} {}", op.method, op.path),
            format!("method `{}()` removed", op.rust_method),
        );
    }

    for (name, ty) in &after.types {
        match before.types.get(name) {
            None => add(Bump::Minor, "type-added", name.clone(), "new type".into()),
            Some(old) => {
                let directions: BTreeSet<Direction> = [&before, &after]
                    .iter()
                    .flat_map(|s| s.directions.get(name).cloned().unwrap_or_default())
                    .collect();
                compare_type(name, old, ty, &directions, &mut add);
            }
        }
    }
    for name in before.types.keys() {
        if !after.types.contains_key(name) {
            add(
                Bump::Major,
                "type-removed",
                name.clone(),
                "type removed".into(),
            );
        }
    }

    if changes.is_empty() && old.raw.value != new.raw.value {
        changes.push(Change {
            bump: Bump::Patch,
            kind: "documentation",
            item: "(spec)".into(),
            detail: "descriptions, examples or other text changed; the generated API did not"
                .into(),
        });
    }
    Ok(changes)
}

/// Pairs each operation of `after` with the one it was in `before`: by operationId first (a
/// renamed path parameter changes the path, not the method users call), then by method and
/// path, path parameters' names aside (a renamed operation). Also returns the operations of
/// `before` that have no pair: removed.
fn pair_operations<'a>(
    before: &'a [Operation],
    after: &[Operation],
) -> (Vec<Option<&'a Operation>>, Vec<&'a Operation>) {
    let mut taken = vec![false; before.len()];
    let mut pairs: Vec<Option<&Operation>> = vec![None; after.len()];
    for rule in [same_id, same_route] {
        for (op, pair) in after.iter().zip(pairs.iter_mut()) {
            if pair.is_some() {
                continue;
            }
            if let Some(at) = (0..before.len()).find(|&at| !taken[at] && rule(&before[at], op)) {
                taken[at] = true;
                *pair = Some(&before[at]);
            }
        }
    }
    let removed = before
        .iter()
        .zip(taken)
        .filter(|(_, taken)| !taken)
        .map(|(op, _)| op)
        .collect();
    (pairs, removed)
}

fn same_id(a: &Operation, b: &Operation) -> bool {
    !a.id.is_empty() && a.id == b.id
}

fn same_route(a: &Operation, b: &Operation) -> bool {
    a.method == b.method
        && spec_model::fill(&a.path, |_| "{}".into()) == spec_model::fill(&b.path, |_| "{}".into())
}

/// The parameters of `was` renamed in `now`, as (old, new): a path parameter at the same place
/// in the path under another name; in another location, the one parameter removed there when
/// exactly one was added there too. Users meet either as a renamed setter on the same method.
fn renamed<'a>(was: &'a Operation, now: &'a Operation) -> Vec<(&'a Parameter, &'a Parameter)> {
    let same = |a: &Parameter, b: &Parameter| a.name == b.name && a.location == b.location;
    let gone: Vec<&Parameter> = was
        .parameters
        .iter()
        .filter(|p| !now.parameters.iter().any(|n| same(p, n)))
        .collect();
    let new: Vec<&Parameter> = now
        .parameters
        .iter()
        .filter(|p| !was.parameters.iter().any(|o| same(o, p)))
        .collect();
    let mut pairs = Vec::new();
    let (old_path, new_path) = (
        spec_model::path_parameters(&was.path),
        spec_model::path_parameters(&now.path),
    );
    for old in gone.iter().filter(|p| p.location == "path") {
        let at = old_path.iter().position(|name| *name == old.name);
        let name = at.and_then(|at| new_path.get(at));
        if let Some(p) = new
            .iter()
            .find(|p| p.location == "path" && Some(&p.name.as_str()) == name)
        {
            pairs.push((*old, *p));
        }
    }
    let locations: BTreeSet<&str> = gone
        .iter()
        .map(|p| p.location.as_str())
        .filter(|l| *l != "path")
        .collect();
    for location in locations {
        let here = |list: &[&'a Parameter]| -> Vec<&'a Parameter> {
            list.iter()
                .copied()
                .filter(|p| p.location == location)
                .collect()
        };
        if let ([old], [p]) = (here(&gone).as_slice(), here(&new).as_slice()) {
            pairs.push((*old, *p));
        }
    }
    pairs
}

/// The setter of the parameter `name` of `op`, as progenitor wrote it (the name itself for a
/// parameter with none, a header's).
fn setter<'a>(op: &'a Operation, name: &'a str) -> &'a str {
    op.setters.get(name).map_or(name, String::as_str)
}

/// Parameters by name and location. A builder's `send()` fails without a required one, so a
/// new required parameter breaks callers; a renamed one is a renamed setter.
fn compare_parameters(
    label: &str,
    was_op: &Operation,
    op: &Operation,
    add: &mut impl FnMut(Bump, &'static str, String, String),
) {
    let (was, now) = (&was_op.parameters, &op.parameters);
    let renames = renamed(was_op, op);
    let same = |a: &Parameter, b: &Parameter| a.name == b.name && a.location == b.location;
    let need = |p: &Parameter| if p.required { "required" } else { "optional" };
    for p in now {
        let item = format!("{label} {} ({})", p.name, p.location);
        let old = was.iter().find(|o| same(o, p)).or_else(|| {
            renames
                .iter()
                .find(|(_, new)| same(new, p))
                .map(|(old, _)| *old)
        });
        let Some(old) = old else {
            let (bump, detail) = if p.required {
                (
                    Bump::Major,
                    "new required parameter: `send()` fails until callers set it",
                )
            } else {
                (Bump::Minor, "new optional parameter")
            };
            add(bump, "parameter-added", item, detail.into());
            continue;
        };
        if old.name != p.name {
            let method = &op.rust_method;
            add(
                Bump::Major,
                "parameter-renamed",
                format!("{label} {} ({})", old.name, old.location),
                format!(
                    "renamed setter: `{method}().{}(…)` is now `{method}().{}(…)`",
                    setter(was_op, &old.name),
                    setter(op, &p.name)
                ),
            );
        }
        if old.ty != p.ty {
            add(
                Bump::Major,
                "parameter-type-changed",
                item.clone(),
                format!("type `{}` is now `{}`", old.ty, p.ty),
            );
        }
        if old.required != p.required {
            let bump = if p.required { Bump::Major } else { Bump::Minor };
            add(
                bump,
                "parameter-required-changed",
                item,
                format!(
                    "was {}, now {}{}",
                    need(old),
                    need(p),
                    if p.required {
                        ": `send()` fails until callers set it"
                    } else {
                        ""
                    }
                ),
            );
        }
    }
    let gone = was.iter().filter(|o| {
        !now.iter().any(|p| same(o, p)) && !renames.iter().any(|(old, _)| same(old, o))
    });
    for p in gone {
        add(
            Bump::Major,
            "parameter-removed",
            format!("{label} {} ({})", p.name, p.location),
            format!(
                "{} parameter removed: its builder method no longer exists",
                need(p)
            ),
        );
    }
}

/// The setters only the final code has (a form's parts, `rewrite/form.rs`): one added is a
/// new way to build the request, one removed breaks the code that calls it.
fn compare_setters(
    label: &str,
    was: &Operation,
    op: &Operation,
    add: &mut impl FnMut(Bump, &'static str, String, String),
) {
    let method = &op.rust_method;
    for setter in op.rewritten_setters.difference(&was.rewritten_setters) {
        add(
            Bump::Minor,
            "setter-added",
            format!("{label} {setter}"),
            format!("new setter `{method}().{setter}(…)`"),
        );
    }
    for setter in was.rewritten_setters.difference(&op.rewritten_setters) {
        add(
            Bump::Major,
            "setter-removed",
            format!("{label} {setter}"),
            format!("`{method}().{setter}(…)` removed: code that calls it no longer compiles"),
        );
    }
}

/// What the SDK does at run time for an operation, where the Rust does not change: whether it
/// sends a request again, what counts as a success, what it refuses before sending. A change
/// is major when an existing call can now end in a way it could not before (a second delivery,
/// an error for a status that was a success, a refusal of a request that was sent), minor when
/// it only removes such an ending.
fn compare_behaviour(
    label: &str,
    was: &Operation,
    op: &Operation,
    add: &mut impl FnMut(Bump, &'static str, String, String),
) {
    let method = &op.rust_method;
    if was.may_repeat != op.may_repeat {
        let (bump, detail) = if op.may_repeat {
            (
                Bump::Major,
                format!(
                    "behaviour change: `{method}` is now sent again after a 5xx or a timeout \
                     (`x-idempotent: true`): a request the server may have processed can \
                     arrive twice"
                ),
            )
        } else {
            (
                Bump::Minor,
                format!(
                    "behaviour change: `{method}` is no longer sent again after a 5xx or a \
                     timeout (`x-idempotent: false`): callers get the error at once, as they \
                     did once retries ran out"
                ),
            )
        };
        add(bump, "retries-changed", label.to_string(), detail);
    }
    let lost: Vec<&str> = was
        .success
        .iter()
        .filter(|s| !op.success.contains(s))
        .map(String::as_str)
        .collect();
    let gained = op.success.iter().any(|s| !was.success.contains(s));
    if !lost.is_empty() || gained {
        let show = |list: &[String]| match list {
            [] => "no status".to_string(),
            _ => list.join(", "),
        };
        let (bump, consequence) = if lost.is_empty() {
            (Bump::Minor, String::new())
        } else {
            (
                Bump::Major,
                format!(
                    ": a {} is now an error, and the mock's `then` loses its method for it",
                    lost.join(" or ")
                ),
            )
        };
        add(
            bump,
            "status-changed",
            label.to_string(),
            format!(
                "behaviour change: `{method}().send()` succeeded on {}, now on {}{consequence}",
                show(&was.success),
                show(&op.success)
            ),
        );
    }
    match (&was.deprecated, &op.deprecated) {
        (None, Some(note)) => add(
            Bump::Minor,
            "operation-deprecated",
            label.to_string(),
            format!(
                "`{method}()` is deprecated, and callers get a warning: \"{note}\"; it goes in a \
                 later major release"
            ),
        ),
        (Some(_), None) => add(
            Bump::Patch,
            "operation-undeprecated",
            label.to_string(),
            format!("`{method}()` is no longer deprecated"),
        ),
        _ => {}
    }
    for (name, text) in &op.prose_rules {
        let item = format!("{label} {name}");
        match was.prose_rules.get(name) {
            None => add(
                Bump::Major,
                "prose-rule-added",
                item,
                format!(
                    "behaviour change: `{method}` now refuses before sending (`Error::Validation`) \
                     a request that breaks \"{text}\""
                ),
            ),
            Some(old) if old != text => add(
                Bump::Major,
                "prose-rule-changed",
                item,
                format!(
                    "behaviour change: was \"{old}\", now \"{text}\": `{method}` may refuse \
                     requests it sent before"
                ),
            ),
            Some(_) => {}
        }
    }
    for (name, text) in &was.prose_rules {
        if !op.prose_rules.contains_key(name) {
            add(
                Bump::Minor,
                "prose-rule-removed",
                format!("{label} {name}"),
                format!(
                    "behaviour change: \"{text}\" is no longer checked: `{method}` sends the \
                     requests it refused"
                ),
            );
        }
    }
}

/// Fields, a newtype's inner type, variants, and `#[non_exhaustive]`. Users can build an
/// exhaustive struct with a literal and match an exhaustive enum without a wildcard arm, so a
/// field or a variant added to one breaks them; on a `#[non_exhaustive]` type it breaks nobody.
fn compare_type(
    name: &str,
    old: &Type,
    new: &Type,
    directions: &BTreeSet<Direction>,
    add: &mut impl FnMut(Bump, &'static str, String, String),
) {
    let sent = directions.contains(&Direction::Request);
    let read = directions.contains(&Direction::Response);
    let usage = match (sent, read) {
        (true, true) => "request and response",
        (true, false) => "request",
        (false, true) => "response",
        (false, false) => "unused",
    };
    for (field, now) in &new.fields {
        let item = format!("{name}.{field}");
        let Some(was) = old.fields.get(field) else {
            // Users build the types they receive too, with the builder: a mock's reply in
            // their tests. A field the builder demands fails that code, whichever way it goes.
            let (bump, detail) = if now.builder_requires {
                (
                    Bump::Major,
                    format!(
                        "new {usage} field `{}`, required by the builder: {}",
                        now.rust,
                        if sent {
                            "callers must set it"
                        } else {
                            "code that builds it (a mock's reply in a test) must set it"
                        }
                    ),
                )
            } else if !old.non_exhaustive {
                (
                    Bump::Major,
                    format!(
                        "new {usage} field `{}`: `{name}` is not #[non_exhaustive], so struct \
                         literals of it no longer compile",
                        now.rust
                    ),
                )
            } else {
                (Bump::Minor, format!("new {usage} field `{}`", now.rust))
            };
            add(bump, "field-added", item, detail);
            continue;
        };
        compare_field(&item, was, now, add);
    }
    for field in old.fields.keys() {
        if !new.fields.contains_key(field) {
            add(
                Bump::Major,
                "field-removed",
                format!("{name}.{field}"),
                format!("{usage} field removed: code that uses it no longer compiles"),
            );
        }
    }
    if old.inner != new.inner {
        add(
            Bump::Major,
            "type-changed",
            name.to_string(),
            format!(
                "wraps `{}`, now `{}`",
                old.inner.as_deref().unwrap_or("nothing"),
                new.inner.as_deref().unwrap_or("nothing")
            ),
        );
    }
    if old.non_exhaustive != new.non_exhaustive {
        let (bump, detail) = if new.non_exhaustive {
            (
                Bump::Major,
                "now #[non_exhaustive]: struct literals of it, and matches on it without a \
                 wildcard arm, no longer compile",
            )
        } else {
            (
                Bump::Minor,
                "no longer #[non_exhaustive]: users may build it with a literal and match it \
                 exhaustively, so a field or variant added later breaks them",
            )
        };
        add(bump, "non-exhaustive", name.to_string(), detail.into());
    }
    compare_variants(name, old, &new.variants, read, add);
}

fn compare_field(
    item: &str,
    was: &Field,
    now: &Field,
    add: &mut impl FnMut(Bump, &'static str, String, String),
) {
    if was.rust != now.rust {
        add(
            Bump::Major,
            "type-changed",
            item.to_string(),
            format!(
                "{}the Rust field changes from `{}` to `{}`",
                facts_change(was, now),
                was.rust,
                now.rust
            ),
        );
    }
    if was.builder_requires != now.builder_requires {
        let (bump, detail) = if now.builder_requires {
            // A request's builder, or a mock's reply built in a test: both now fail.
            (Bump::Major, "the builder now fails unless it is set")
        } else {
            (Bump::Minor, "the builder no longer demands it")
        };
        add(
            bump,
            "builder-changed",
            item.to_string(),
            format!("{}{detail}", facts_change(was, now)),
        );
    }
    if was.rust == now.rust && was.builder_requires == now.builder_requires {
        for (kind, changed) in [
            ("required-changed", was.required != now.required),
            ("nullable-changed", was.nullable != now.nullable),
            ("read-only-changed", was.read_only != now.read_only),
        ] {
            if changed {
                add(
                    Bump::Patch,
                    kind,
                    item.to_string(),
                    format!(
                        "{}on the wire only: the Rust field stays `{}`",
                        facts_change(was, now),
                        now.rust
                    ),
                );
            }
        }
    }
}

/// `was optional, now required, nullable; `, or nothing when the spec's facts are the same.
fn facts_change(was: &Field, now: &Field) -> String {
    let describe = |f: &Field| {
        format!(
            "{}{}{}",
            if f.required { "required" } else { "optional" },
            if f.nullable { ", nullable" } else { "" },
            if f.read_only { ", read-only" } else { "" }
        )
    };
    let (before, after) = (describe(was), describe(now));
    if before == after {
        return String::new();
    }
    format!("was {before}, now {after}; ")
}

/// Enum variants: a variant added to an exhaustive enum breaks users' `match`es on it; added to
/// a `#[non_exhaustive]` one, it is a value they may now read (their matches have a wildcard arm)
/// or send.
fn compare_variants(
    item: &str,
    old: &Type,
    now: &[String],
    read: bool,
    add: &mut impl FnMut(Bump, &'static str, String, String),
) {
    let was = &old.variants;
    for value in now.iter().filter(|v| !was.contains(v)) {
        let (bump, why) = match (old.non_exhaustive, read) {
            (false, _) => (
                Bump::Major,
                format!(
                    "`{item}` is not #[non_exhaustive], so exhaustive matches on it no longer compile"
                ),
            ),
            (true, true) => (
                Bump::Minor,
                format!(
                    "a new value users may read; `{item}` is #[non_exhaustive], so their matches have a wildcard arm"
                ),
            ),
            (true, false) => (Bump::Minor, "a new value callers may send".to_string()),
        };
        add(
            bump,
            "variant-added",
            item.to_string(),
            format!("`{value}` added: {why}"),
        );
    }
    for value in was.iter().filter(|v| !now.contains(v)) {
        add(
            Bump::Major,
            "variant-removed",
            item.to_string(),
            format!("`{value}` removed: code that uses it no longer compiles"),
        );
    }
}

/// The bump the whole change implies.
pub fn verdict(changes: &[Change]) -> Bump {
    changes.iter().map(|c| c.bump).max().unwrap_or(Bump::None)
}

/// How to print a report.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Style {
    /// Lines for a terminal.
    Text,
    /// One JSON document.
    Json,
    /// A Markdown section for a changelog or a review comment.
    Markdown,
}

/// Renders the changes from `base` to `spec`.
pub fn render(changes: &[Change], spec: &str, base: &str, style: Style) -> String {
    let bump = verdict(changes);
    let verdict_text = match bump {
        Bump::None => "no change for SDK users".to_string(),
        other => format!("{}, {} version", other.severity(), other.name()),
    };
    let mut out = String::new();
    match style {
        Style::Text => {
            let _ = writeln!(out, "{spec}: changes for SDK users since {base}");
            for c in changes {
                let _ = writeln!(
                    out,
                    "  {:<10}  {:<5}  {:<19} {}: {}",
                    c.bump.severity(),
                    c.bump.name(),
                    c.kind,
                    c.item,
                    c.detail
                );
            }
            let _ = writeln!(out, "verdict: {verdict_text}");
        }
        Style::Markdown => {
            let _ = writeln!(out, "### SDK changes in `{spec}` since `{base}`\n");
            let _ = writeln!(out, "**Verdict: {verdict_text}.**\n");
            if !changes.is_empty() {
                let _ = writeln!(out, "| impact | bump | change | item | what it means |");
                let _ = writeln!(out, "|---|---|---|---|---|");
                for c in changes {
                    let _ = writeln!(
                        out,
                        "| {} | {} | {} | `{}` | {} |",
                        c.bump.severity(),
                        c.bump.name(),
                        c.kind,
                        c.item,
                        c.detail.replace('|', "\\|")
                    );
                }
            }
        }
        Style::Json => {
            let report = json!({
                "spec": spec,
                "base": base,
                "verdict": if bump == Bump::None { "none" } else { bump.severity() },
                "bump": bump.name(),
                "changes": changes.iter().map(|c| json!({
                    "severity": c.bump.severity(),
                    "bump": c.bump.name(),
                    "kind": c.kind,
                    "item": c.item,
                    "detail": c.detail,
                })).collect::<Vec<_>>(),
            });
            let _ = writeln!(
                out,
                "{}",
                serde_json::to_string_pretty(&report).unwrap_or_default()
            );
        }
    }
    out
}

/// The spec file as it was at git revision `rev`, read through `git show`.
pub fn at_revision(spec_path: &Path, shown: &str, rev: &str) -> Result<Spec, String> {
    let folder = spec_path
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let file = spec_path
        .file_name()
        .ok_or_else(|| format!("{shown}: not a file"))?
        .to_string_lossy();
    let output = Command::new("git")
        .arg("show")
        .arg(format!("{rev}:./{file}"))
        .current_dir(folder)
        .output()
        .map_err(|e| format!("cannot run git: {e}; install git or run inside a checkout"))?;
    if !output.status.success() {
        let reason = String::from_utf8_lossy(&output.stderr);
        return Err(format!(
            "{shown} at {rev}: {}; pass another --base (a commit, branch or tag)",
            crate::spec::one_line(&reason)
        ));
    }
    let value = serde_yaml_ng::from_slice::<serde_yaml_ng::Value>(&output.stdout)
        .map(crate::spec::yaml_to_json)
        .map_err(|e| format!("{shown} at {rev} is not valid YAML/JSON: {e}"))?;
    crate::spec::from_json(&value, &format!("{shown} at {rev}"))
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeSet;

    use super::{Bump, Change, compare_type};
    use crate::diff::surface::{Direction, Field, Type};

    /// What `compare_type` reports for `old` becoming `new`, read by users (a response type).
    fn changes(old: &Type, new: &Type) -> Vec<Change> {
        let mut found = Vec::new();
        let read = BTreeSet::from([Direction::Response]);
        compare_type("Group", old, new, &read, &mut |bump, kind, item, detail| {
            found.push(Change {
                bump,
                kind,
                item,
                detail,
            })
        });
        found
    }

    fn optional(rust: &str) -> Field {
        Field {
            rust: rust.into(),
            builder_requires: false,
            required: false,
            nullable: false,
            read_only: false,
        }
    }

    fn group(non_exhaustive: bool, fields: &[&str], variants: &[&str]) -> Type {
        Type {
            fields: fields
                .iter()
                .map(|f| (f.to_string(), optional("Option<String>")))
                .collect(),
            variants: variants.iter().map(|v| v.to_string()).collect(),
            inner: None,
            non_exhaustive,
        }
    }

    fn bumps(changes: &[Change]) -> Vec<(Bump, &str)> {
        changes.iter().map(|c| (c.bump, c.kind)).collect()
    }

    #[test]
    fn an_added_optional_field_is_major_on_an_exhaustive_struct_and_minor_on_a_non_exhaustive_one()
    {
        let exhaustive = changes(
            &group(false, &["id"], &[]),
            &group(false, &["id", "note"], &[]),
        );
        assert_eq!(bumps(&exhaustive), [(Bump::Major, "field-added")]);
        assert!(
            exhaustive[0]
                .detail
                .contains("struct literals of it no longer compile"),
            "{exhaustive:?}"
        );
        let open = changes(
            &group(true, &["id"], &[]),
            &group(true, &["id", "note"], &[]),
        );
        assert_eq!(bumps(&open), [(Bump::Minor, "field-added")]);
    }

    #[test]
    fn an_added_variant_is_major_on_an_exhaustive_enum_and_minor_on_a_non_exhaustive_one() {
        let exhaustive = changes(
            &group(false, &[], &["Open"]),
            &group(false, &[], &["Open", "Archived"]),
        );
        assert_eq!(bumps(&exhaustive), [(Bump::Major, "variant-added")]);
        let open = changes(
            &group(true, &[], &["Open"]),
            &group(true, &[], &["Open", "Archived"]),
        );
        assert_eq!(bumps(&open), [(Bump::Minor, "variant-added")]);
    }

    #[test]
    fn adding_non_exhaustive_is_major_and_removing_it_is_minor() {
        let added = changes(&group(false, &["id"], &[]), &group(true, &["id"], &[]));
        assert_eq!(bumps(&added), [(Bump::Major, "non-exhaustive")]);
        let removed = changes(&group(true, &["id"], &[]), &group(false, &["id"], &[]));
        assert_eq!(bumps(&removed), [(Bump::Minor, "non-exhaustive")]);
    }
}
