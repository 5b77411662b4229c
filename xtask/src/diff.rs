//! `cargo xtask diff`: what a spec change does to SDK users. Generates both specs in memory
//! (`surface.rs`), compares what users' code meets (operations, their parameters and types,
//! the generated types, their fields' Rust types and builder requirements), and classifies
//! each change as breaking or compatible, with the semver bump the whole change implies.
//!
//! A change that keeps every Rust type and builder as it was is visible on the wire only.

use std::collections::BTreeSet;
use std::fmt::Write;
use std::path::Path;
use std::process::Command;

use serde_json::json;

use crate::index::Parameter;
use crate::spec::Spec;
use crate::surface::{Direction, Field, Surface, Type};

/// The semver bump a change implies, in increasing order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Bump {
    /// Nothing users can see changed.
    None,
    /// Visible on the wire or in docs only: no code changes for users.
    Patch,
    /// Something was added; existing code keeps compiling and working.
    Minor,
    /// Existing code stops compiling or behaves differently.
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

    for op in &after.operations {
        let label = format!("{} {}", op.method, op.path);
        let Some(was) = before
            .operations
            .iter()
            .find(|o| o.method == op.method && o.path == op.path)
        else {
            add(
                Bump::Minor,
                "operation-added",
                label,
                format!("new method `{}`", op.id),
            );
            continue;
        };
        if was.id != op.id {
            add(
                Bump::Major,
                "operation-renamed",
                label.clone(),
                format!(
                    "`{}` is now `{}`: callers of the old name break",
                    was.id, op.id
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
        compare_parameters(&label, &was.parameters, &op.parameters, &mut add);
    }
    for op in &before.operations {
        if !after
            .operations
            .iter()
            .any(|o| o.method == op.method && o.path == op.path)
        {
            add(
                Bump::Major,
                "operation-removed",
                format!("{} {}", op.method, op.path),
                format!("method `{}` removed", op.id),
            );
        }
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

/// Parameters by name and location. A builder's `send()` fails without a required one, so a
/// new required parameter breaks callers; a renamed one is a removal and an addition.
fn compare_parameters(
    label: &str,
    was: &[Parameter],
    now: &[Parameter],
    add: &mut impl FnMut(Bump, &'static str, String, String),
) {
    let same = |a: &Parameter, b: &Parameter| a.name == b.name && a.location == b.location;
    let need = |p: &Parameter| if p.required { "required" } else { "optional" };
    for p in now {
        let item = format!("{label} {} ({})", p.name, p.location);
        let Some(old) = was.iter().find(|o| same(o, p)) else {
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
    for p in was.iter().filter(|o| !now.iter().any(|p| same(o, p))) {
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
            let (bump, detail) = if sent && now.builder_requires {
                (
                    Bump::Major,
                    format!(
                        "new {usage} field `{}`, required by the builder: callers must set it",
                        now.rust
                    ),
                )
            } else {
                (Bump::Minor, format!("new {usage} field `{}`", now.rust))
            };
            add(bump, "field-added", item, detail);
            continue;
        };
        compare_field(&item, was, now, sent, add);
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
    compare_variants(name, &old.variants, &new.variants, read, add);
}

fn compare_field(
    item: &str,
    was: &Field,
    now: &Field,
    sent: bool,
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
            (
                if sent { Bump::Major } else { Bump::Minor },
                "the builder now fails unless it is set",
            )
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

/// Enum variants: a generated enum is exhaustive, so a variant added to what users read breaks
/// their `match`; a variant added to what they send is a new option.
fn compare_variants(
    item: &str,
    was: &[String],
    now: &[String],
    read: bool,
    add: &mut impl FnMut(Bump, &'static str, String, String),
) {
    for value in now.iter().filter(|v| !was.contains(v)) {
        let (bump, why) = if read {
            (Bump::Major, "exhaustive matches on it no longer compile")
        } else {
            (Bump::Minor, "a new value callers may send")
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
