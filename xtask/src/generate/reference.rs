//! The operations reference users read (`sdk/OPERATIONS.md`), written from the spec by
//! `cargo xtask generate`: one section per resource (`resources.rs`), one row per operation with
//! its request, the client method progenitor names for it (`builders.rs`), what a success
//! decodes to, whether the SDK sends it again (`Operation::may_repeat`, the retry policy's own
//! rule) and its summary. Nothing here is written per operation: a new operation in the spec is
//! a new row. The file's header is `generate/mod.rs`'s, like every generated file's.

use serde_json::Value;

use crate::generate::builders::{self, Builder};
use crate::generate::resources;
use spec_model::Index;

/// The reference's Markdown, without its header. `builders` are progenitor's, in the order of
/// its client (the document's order), which rows follow within a resource.
pub fn markdown(spec: &Value, builders: &[Builder]) -> Result<String, String> {
    let index = Index::new(spec);
    let resources = resources::of(&index);
    let mut text = String::from(
        "# Operations\n\n\
         Every operation of the spec, grouped by resource. Each is a method of \
         `prolific_sdk::Client` that returns a request builder; its `send()` returns \
         `Result<ResponseValue<T>, prolific_sdk::Error>`, where `T` is the answer below (a type \
         of `prolific_sdk::types`; a text answer, such as a CSV export, is `Text`, or `TextOr` \
         when JSON may come instead, read under the client's cap or streamed to a writer).\n\n\
         **Sent again** says whether the SDK sends the request again after a 5xx, a timeout or a \
         dropped connection: only when the operation is idempotent (the spec's `x-idempotent`), \
         so that nothing the server may have processed is done twice. A 429 and a refused \
         connection are retried for every operation: the server did not act on the request.\n\n",
    );
    for resource in &resources {
        text.push_str(&format!(
            "- [{}](#{})\n",
            resource.name(),
            anchor(resource.name())
        ));
    }
    for resource in &resources {
        text.push_str(&format!("\n## {}\n\n", resource.name()));
        if let Some(description) = resource.description {
            text.push_str(&format!("{}\n\n", one_line(description)));
        }
        text.push_str(
            "| request | method | answer | sent again | summary |\n\
             |---|---|---|---|---|\n",
        );
        let mut rows = Vec::new();
        for operation in &resource.operations {
            let builder = builders::of(builders, operation)?;
            let position = builders.iter().position(|b| std::ptr::eq(b, builder));
            // A text success is handed over unread (xtask/src/generate/rewrite/send.rs).
            let answer = match (builder.answer.as_str(), operation.text_success(&index)) {
                ("ByteStream", Some(_)) => "`prolific_sdk::Text`".to_string(),
                (answer, Some(_)) => format!("`prolific_sdk::TextOr<{answer}>`"),
                ("()", None) => "nothing".to_string(),
                (answer, None) => format!("`{answer}`"),
            };
            let again = if operation.may_repeat() {
                "yes: idempotent"
            } else {
                "no: not idempotent"
            };
            let summary = operation
                .value
                .get("summary")
                .and_then(Value::as_str)
                .unwrap_or_default();
            // A deprecated operation says so where users look it up, with what replaces it.
            let summary = match operation.deprecation_note() {
                Some(note) => format!("{summary}. **Deprecated**: {note}"),
                None => summary.to_string(),
            };
            let row = format!(
                "| `{}` | `{}()` | {answer} | {again} | {} |\n",
                operation.label(),
                builder.method,
                cell(&summary)
            );
            rows.push((position, row));
        }
        rows.sort_by_key(|(position, _)| *position);
        text.extend(rows.into_iter().map(|(_, row)| row));
    }
    Ok(text)
}

/// The anchor GitHub gives a heading: lower case, spaces as `-`, other punctuation dropped.
fn anchor(heading: &str) -> String {
    heading
        .chars()
        .filter_map(|c| match c {
            ' ' => Some('-'),
            c if c.is_alphanumeric() || c == '-' || c == '_' => Some(c.to_ascii_lowercase()),
            _ => None,
        })
        .collect()
}

/// Text on one line, every run of whitespace one space.
fn one_line(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Text for a table cell: on one line, its `|` escaped so that it does not end the cell.
fn cell(text: &str) -> String {
    one_line(text).replace('|', "\\|")
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    fn builder(method: &str, http_method: &str, path: &str, answer: &str) -> Builder {
        Builder {
            answer: answer.into(),
            ..Builder::sending(method, http_method, path)
        }
    }

    #[test]
    fn each_operation_is_a_row_under_its_resource_in_progenitors_order() {
        let spec = json!({
            "tags": [
                {"name": "Things", "description": "What there is."},
                {"name": "Other Parts"},
            ],
            "paths": {
                "/things/{id}/": {"delete": {
                    "tags": ["Things"], "summary": "Delete a\n  thing", "x-idempotent": true,
                }},
                "/parts/": {"get": {"tags": ["Other Parts"], "summary": "List | parts"}},
                "/things/": {"post": {
                    "tags": ["Things"], "summary": "Make a thing", "x-idempotent": false,
                }},
            },
        });
        // progenitor's order: `/things/` before `/things/{id}/`, as the document has them.
        let builders = [
            builder("make_thing", "post", "/things/", "types::Thing"),
            builder("delete_thing", "delete", "/things/{}/", "()"),
            builder(
                "list_parts",
                "get",
                "/parts/",
                "::std::vec::Vec<types::Part>",
            ),
        ];
        let text = markdown(&spec, &builders).unwrap();
        let (_, sections) = text.split_once("- [Things](#things)\n").unwrap();
        assert_eq!(
            sections,
            "- [Other Parts](#other-parts)\n\
             \n## Things\n\n\
             What there is.\n\n\
             | request | method | answer | sent again | summary |\n\
             |---|---|---|---|---|\n\
             | `POST /things/` | `make_thing()` | `types::Thing` | no: not idempotent | Make a thing |\n\
             | `DELETE /things/{id}/` | `delete_thing()` | nothing | yes: idempotent | Delete a thing |\n\
             \n## Other Parts\n\n\
             | request | method | answer | sent again | summary |\n\
             |---|---|---|---|---|\n\
             | `GET /parts/` | `list_parts()` | `::std::vec::Vec<types::Part>` | yes: idempotent | \
             List \\| parts |\n"
        );
    }

    #[test]
    fn an_operation_without_its_builder_is_named() {
        let spec = json!({"paths": {"/things/": {"get": {"tags": ["Things"]}}}});
        assert_eq!(
            markdown(&spec, &[]).unwrap_err(),
            "progenitor's output has no builder for GET /things/; update xtask/src/generate/builders.rs \
             to how progenitor writes builders now"
        );
    }
}
