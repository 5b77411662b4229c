//! What the SDK knows of each operation at run time, and the checks it makes of every request
//! before sending it.
//!
//! The facts come from the spec, through the table `cargo xtask generate` writes beside the
//! client (`generated::operations`): nothing here names an operation.

use std::borrow::Cow;

/// One operation of the spec, as the generated table states it: each generated `send()` names
/// its own (`operations::NAME`), so no lookup can miss. `B` is the type of its body (`()`
/// without one), which its prose rules read as it is: no cast at run time.
#[derive(Debug)]
pub(crate) struct Operation<B: 'static = ()> {
    /// What every request of the operation shares.
    pub facts: Facts,
    /// Checks the request and its typed body against the spec's bounds on numbers
    /// (`crate::bounds`) and the operation's prose rules (`x-prose-rules`).
    pub rules: fn(&Sent<'_>, &B) -> Result<(), String>,
}

/// An operation's facts, whatever its body: what sending and tracing read.
#[derive(Debug)]
pub(crate) struct Facts {
    /// progenitor's name for it: the client's method and `OperationInfo::operation_id`.
    pub id: &'static str,
    /// The spec's `operationId`, e.g. `create-participant-group`: the span's `operation`.
    pub operation_id: &'static str,
    /// The path template, e.g. `/api/v1/participant-groups/{id}/`.
    pub path: &'static str,
    /// Whether sending it twice leaves the same state, so that it may be sent again after a
    /// 5xx, a timeout or a dropped connection (`x-idempotent` in the spec).
    pub may_repeat: bool,
}

/// So that `hooks::send` takes any operation's facts as they are (`&Operation<B>` where it
/// wants `&Facts`), and is compiled once, not once per body type.
impl<B> std::ops::Deref for Operation<B> {
    type Target = Facts;

    fn deref(&self) -> &Facts {
        &self.facts
    }
}

/// Between a prose rule's name and its message in a refusal: progenitor's error carries one
/// `String` from `check` to `call::before_response`, which splits it again into the
/// [`ValidationError`](crate::ValidationError) users match on. No rule's name holds it.
pub(crate) const RULE_SEPARATOR: char = '\u{1f}';

/// A prose rule's refusal, as `check` returns it: the rule's name, then its message.
pub(crate) fn refused_by(rule: &str, message: String) -> String {
    format!("{rule}{RULE_SEPARATOR}{message}")
}

/// Checks `request`, built for `operation` with `body` (its typed body, if it has one), before
/// anything is sent: its path is the operation's (no path parameter changed it), its numbers
/// are within the spec's bounds, and it keeps the rules the docs state in prose. Each generated `send()` calls it before the hooks.
pub(crate) fn check<B>(
    operation: &Operation<B>,
    request: &reqwest::Request,
    body: &B,
) -> Result<(), String> {
    same_path(operation.path, request.url().path())?;
    (operation.rules)(&Sent::new(request), body)
}

/// Whether `path` (after the base URL's own path, if any) is `template` with each `{param}`
/// replaced by one segment. Each path parameter went through `path::segment`, which encodes
/// every byte that could end or change a segment and refuses empty, `.` and `..`: this is the
/// second line of defence, should a request reach here another way.
fn same_path(template: &str, path: &str) -> Result<(), String> {
    // A template without parameters is the path's end as it is.
    if !template.contains('{') && path.ends_with(template) {
        return Ok(());
    }
    // Segment by segment from the end, so that a base URL's own path may come before; no
    // allocation on the way (this runs before every request).
    let mut actual = path.rsplit('/');
    let segments = template.strip_prefix('/').unwrap_or(template);
    let matches = segments.rsplit('/').all(|want| match actual.next() {
        None => false,
        Some(got) if want.starts_with('{') => !got.is_empty() && got != "." && got != "..",
        Some(got) => want == got,
    });
    if matches {
        return Ok(());
    }
    let parameters: Vec<String> = template
        .split('/')
        .filter_map(|s| s.strip_prefix('{').and_then(|s| s.strip_suffix('}')))
        .map(|p| format!("`{p}`"))
        .collect();
    Err(format!(
        "a path parameter ({}) is empty, `.` or `..`, which would send the request to another \
         path than {template}; pass the resource's id",
        parameters.join(", ")
    ))
}

/// A request about to be sent, as a prose rule reads it.
pub(crate) struct Sent<'a> {
    request: &'a reqwest::Request,
}

impl<'a> Sent<'a> {
    /// A view of `request`.
    pub fn new(request: &'a reqwest::Request) -> Self {
        Self { request }
    }

    /// The first value of the query parameter `name`, if the request has it.
    pub fn query(&self, name: &str) -> Option<Cow<'_, str>> {
        self.request
            .url()
            .query_pairs()
            .find(|(key, _)| key == name)
            .map(|(_, value)| value)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const TEMPLATE: &str = "/api/v1/participant-groups/{id}/participants/";

    #[test]
    fn a_path_matches_its_template_one_segment_per_parameter() {
        assert_eq!(
            same_path(TEMPLATE, "/api/v1/participant-groups/g1/participants/"),
            Ok(())
        );
        // Behind a base URL with a path of its own.
        assert_eq!(
            same_path(
                TEMPLATE,
                "/proxy/api/v1/participant-groups/a%2Fb/participants/"
            ),
            Ok(())
        );
    }

    #[test]
    fn empty_dot_and_dot_dot_parameters_are_refused() {
        for path in [
            "/api/v1/participant-groups//participants/",
            "/api/v1/participant-groups/./participants/",
            "/api/v1/participant-groups/../participants/",
            // What `..` becomes once the URL is parsed.
            "/api/v1/participants/",
            "/api/v1/participant-groups/g1/",
        ] {
            let refused = same_path(TEMPLATE, path).unwrap_err();
            assert!(
                refused.starts_with("a path parameter (`id`) is empty"),
                "{path}: {refused}"
            );
        }
    }
}
