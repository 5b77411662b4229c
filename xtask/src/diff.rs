//! `cargo xtask diff`: what a spec change does to SDK users. Compares two specs in SDK terms
//! (operations, types, fields) and classifies each change as breaking or compatible, with the
//! semver bump the whole change implies.
//!
//! The classification follows the generated Rust: a field is an `Option` when it is not
//! required or is nullable, so a change of either that flips `Option` changes the field's type
//! and breaks users; a change that keeps it is visible on the wire only.

use std::collections::BTreeSet;
use std::fmt::Write;
use std::path::Path;
use std::process::Command;

use serde_json::{Value, json};

use crate::model::{Direction, Field, Model, Type};

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

/// Every change from `old` to `new`.
pub fn compare(old: &Value, new: &Value) -> Vec<Change> {
    let (before, after) = (Model::of(old), Model::of(new));
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
        match before
            .operations
            .iter()
            .find(|o| o.method == op.method && o.path == op.path)
        {
            None => add(
                Bump::Minor,
                "operation-added",
                label,
                format!("new method `{}`", op.id),
            ),
            Some(old) if old.id != op.id => add(
                Bump::Major,
                "operation-renamed",
                label,
                format!(
                    "`{}` is now `{}`: callers of the old name break",
                    old.id, op.id
                ),
            ),
            Some(_) => {}
        }
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
                    .flat_map(|m| m.directions.get(name).cloned().unwrap_or_default())
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

    if changes.is_empty() && old != new {
        changes.push(Change {
            bump: Bump::Patch,
            kind: "documentation",
            item: "(spec)".into(),
            detail: "descriptions, examples or other text changed; the generated API did not"
                .into(),
        });
    }
    changes
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
            let optional = if now.is_option() {
                "optional"
            } else {
                "required"
            };
            let (bump, detail) = if sent && !now.is_option() {
                (
                    Bump::Major,
                    format!("new required {usage} field: callers must set it"),
                )
            } else {
                (Bump::Minor, format!("new {optional} {usage} field"))
            };
            add(bump, "field-added", item, detail);
            continue;
        };
        compare_field(&item, was, now, read, add);
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
    compare_values(name, &old.values, &new.values, read, add);
}

fn compare_field(
    item: &str,
    was: &Field,
    now: &Field,
    read: bool,
    add: &mut impl FnMut(Bump, &'static str, String, String),
) {
    if was.ty != now.ty {
        add(
            Bump::Major,
            "type-changed",
            item.to_string(),
            format!("type `{}` is now `{}`", was.ty, now.ty),
        );
    }
    let option = |f: &Field| {
        if f.is_option() {
            "Option<_>"
        } else {
            "a plain value"
        }
    };
    if was.is_option() != now.is_option() {
        add(
            Bump::Major,
            if was.required != now.required {
                "required-changed"
            } else {
                "nullable-changed"
            },
            item.to_string(),
            format!(
                "{}; the Rust field changes from {} to {}",
                requirement_change(was, now),
                option(was),
                option(now)
            ),
        );
    } else {
        if was.required != now.required {
            add(
                Bump::Patch,
                "required-changed",
                item.to_string(),
                format!(
                    "{}; the Rust field stays {}",
                    requirement_change(was, now),
                    option(now)
                ),
            );
        }
        if was.nullable != now.nullable {
            add(
                Bump::Patch,
                "nullable-changed",
                item.to_string(),
                format!(
                    "{}; the Rust field stays {}",
                    requirement_change(was, now),
                    option(now)
                ),
            );
        }
    }
    if was.read_only != now.read_only {
        add(
            Bump::Patch,
            "read-only-changed",
            item.to_string(),
            format!("readOnly is now {}", now.read_only),
        );
    }
    compare_values(item, &was.values, &now.values, read, add);
}

fn requirement_change(was: &Field, now: &Field) -> String {
    let describe = |f: &Field| {
        format!(
            "{}{}",
            if f.required { "required" } else { "optional" },
            if f.nullable { ", nullable" } else { "" }
        )
    };
    format!("was {}, now {}", describe(was), describe(now))
}

/// Enum values: a generated enum is exhaustive, so a value added to what users read breaks
/// their `match`; a value added to what they send is a new option.
fn compare_values(
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
            "enum-value-added",
            item.to_string(),
            format!("`{value}` added: {why}"),
        );
    }
    for value in was.iter().filter(|v| !now.contains(v)) {
        add(
            Bump::Major,
            "enum-value-removed",
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
pub fn at_revision(spec_path: &Path, shown: &str, rev: &str) -> Result<Value, String> {
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
    serde_yaml_ng::from_slice::<serde_yaml_ng::Value>(&output.stdout)
        .map(crate::spec::yaml_to_json)
        .map_err(|e| format!("{shown} at {rev} is not valid YAML/JSON: {e}"))
}
