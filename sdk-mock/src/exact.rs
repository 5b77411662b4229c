//! What a typed mock's path parameter matches: the value exactly as the SDK sends it.
//!
//! progenitor's mocks pasted the value into a regular expression as it was, so `g.1` matched
//! `gx1`, `g 1` never matched the `g%201` the SDK sends, and `a(b` panicked. The xtask's
//! rewrite step `mock_paths` makes every path-parameter setter of the generated `When`s call
//! [`path`], which encodes the value with the SDK's own encoder (not a copy of it, so the two
//! cannot drift) and matches every character of the result as itself.
//!
//! Query values need nothing of the kind: httpmock compares each query value after
//! form-decoding the request's query, which gives back exactly the value the SDK form-encoded.

use prolific_sdk::__private::path_segment;
use regex::{Regex, RegexBuilder};

/// The longest encoded value a mock matches: 1 MiB. httpmock's server (hyper) reads a request
/// head of at most about 400 KB, so a longer value can never arrive.
const LONGEST: usize = 1 << 20;

/// What the expression of a value of [`LONGEST`] bytes needs when compiled (about 30 bytes a
/// byte); the regex crate's default, 10 MiB, would refuse a value of about 300 KB, which a
/// request can hold.
const SIZE_LIMIT: usize = 64 << 20;

/// What the setter of the path parameter `name` matches, in the `When` of the operation whose
/// path is `template` (`/api/v1/participant-groups/{id}/`): that path with `name` set to
/// `value` encoded as the SDK encodes it, and any other parameter of the template any one
/// segment (its own setter narrows it).
///
/// A value the SDK refuses to send (empty, `.`, `..`) can never arrive: it gives an expression
/// that no request matches and whose text, which httpmock's report of an unmatched mock shows,
/// says why.
pub(crate) fn path(template: &str, name: &str, value: &str) -> Regex {
    let segment = match path_segment(name, value) {
        Ok(segment) => segment,
        Err(refusal) => return never(&refusal),
    };
    if segment.len() > LONGEST {
        return never(&format!(
            "the path parameter `{name}` is {} bytes encoded, longer than any request a mock \
             server reads",
            segment.len()
        ));
    }
    let mut pattern = String::from("^");
    let mut rest = template;
    while let Some((before, parameter, after)) = next_parameter(rest) {
        pattern.push_str(&regex::escape(before));
        if parameter == name {
            pattern.push_str(&regex::escape(&segment));
        } else {
            pattern.push_str("[^/]*");
        }
        rest = after;
    }
    pattern.push_str(&regex::escape(rest));
    pattern.push('$');
    // An escaped literal always parses, and one of at most `LONGEST` bytes fits the limit: an
    // error here would be the regex crate's own, told rather than panicked.
    RegexBuilder::new(&pattern)
        .size_limit(SIZE_LIMIT)
        .build()
        .unwrap_or_else(|error| {
            never(&format!(
                "the path parameter `{name}` cannot be matched: {}",
                error.to_string().lines().last().unwrap_or_default()
            ))
        })
}

/// The text before the first `{parameter}` of `template`, the parameter's name, and the text
/// after it; `None` when there is no parameter left.
fn next_parameter(template: &str) -> Option<(&str, &str, &str)> {
    let (before, rest) = template.split_once('{')?;
    let (parameter, after) = rest.split_once('}')?;
    Some((before, parameter, after))
}

/// An expression that no request's path matches, and whose text is `reason`: a path starts
/// with `/` and never holds a space (HTTP forbids one in a request's target).
fn never(reason: &str) -> Regex {
    let pattern = format!("^{}$", regex::escape(&format!("no request: {reason}")));
    // `reason` never holds the value itself (only its length, or `.` and `..`): the expression
    // is a short escaped literal, which compiles.
    Regex::new(&pattern).expect("a short escaped literal compiles")
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;

    const GROUP: &str = "/api/v1/participant-groups/{id}/";

    /// The path the SDK sends for the group `id`.
    fn sent(id: &str) -> String {
        format!(
            "/api/v1/participant-groups/{}/",
            path_segment("id", id).unwrap()
        )
    }

    #[test]
    fn a_value_matches_its_own_encoding_and_nothing_near_it() {
        for (id, near) in [
            ("g.1", "/api/v1/participant-groups/gx1/"),
            ("g 1", "/api/v1/participant-groups/g 1/"),
            ("a(b", "/api/v1/participant-groups/a(b/"),
            (r"x\..\victim", r"/api/v1/participant-groups/x\..\victim/"),
            (r"x\..\victim", "/api/v1/participant-groups/x/../victim/"),
            ("50%", "/api/v1/participant-groups/50%/"),
            ("50%", "/api/v1/participant-groups/50%2525/"),
            ("a/b", "/api/v1/participant-groups/a/b/"),
            ("é", "/api/v1/participant-groups/%c3%a9/"),
            ("g1", "/api/v1/participant-groups/g1/participants/"),
            ("g1", "/api/v1/participant-groups/g1"),
            ("g1", "/api/v1/participant-groups/xg1/"),
        ] {
            let matcher = path(GROUP, "id", id);
            assert!(matcher.is_match(&sent(id)), "{id:?}: {matcher}");
            assert!(!matcher.is_match(near), "{id:?} matches {near}: {matcher}");
        }
        assert_eq!(
            path(GROUP, "id", r"x\..\victim").as_str(),
            r"^/api/v1/participant\-groups/x%5C\.\.%5Cvictim/$"
        );
    }

    #[test]
    fn the_other_parameters_of_the_path_are_any_one_segment() {
        let matcher = path("/a/{group}/b/{member}/", "member", "m.1");
        assert!(matcher.is_match("/a/g1/b/m.1/"));
        assert!(matcher.is_match("/a/g%2F1/b/m.1/"));
        assert!(!matcher.is_match("/a/g/1/b/m.1/"));
        assert!(!matcher.is_match("/a/g1/b/mx1/"));
    }

    #[test]
    fn a_value_the_sdk_refuses_matches_nothing_and_says_why() {
        for id in ["", ".", ".."] {
            let matcher = path(GROUP, "id", id);
            for request in [
                "/api/v1/participant-groups//",
                "/api/v1/participant-groups/./",
                "/",
            ] {
                assert!(!matcher.is_match(request), "{id:?} matches {request}");
            }
            assert!(
                matcher
                    .as_str()
                    .starts_with("^no request: the path parameter `id` is "),
                "{matcher}"
            );
        }
    }

    #[test]
    fn a_value_as_long_as_a_request_can_hold_is_matched() {
        // Longer than the regex crate's default size limit lets through.
        let id = "g".repeat(400 << 10);
        assert!(path(GROUP, "id", &id).is_match(&sent(&id)));
        let longest = "é".repeat(LONGEST / 6);
        assert!(path(GROUP, "id", &longest).is_match(&sent(&longest)));
    }

    #[test]
    fn a_value_longer_than_any_request_matches_nothing_and_says_why() {
        let matcher = path(GROUP, "id", &"g".repeat(LONGEST + 1));
        assert_eq!(
            matcher.as_str(),
            "^no request: the path parameter `id` is 1048577 bytes encoded, longer than any \
             request a mock server reads$"
        );
    }

    proptest! {
        #[test]
        fn any_value_matches_exactly_its_own_request(
            id in "(?s).{0,16}",
            other in "(?s).{0,16}",
        ) {
            let matcher = path(GROUP, "id", &id);
            if path_segment("id", &id).is_ok() {
                prop_assert!(matcher.is_match(&sent(&id)), "{:?}: {}", id, matcher);
            }
            if other != id && path_segment("id", &other).is_ok() {
                prop_assert!(!matcher.is_match(&sent(&other)), "{:?} matches {:?}", id, other);
            }
        }
    }
}
