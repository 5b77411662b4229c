//! Shapes progenitor cannot take. progenitor panics (or fails with a message that names no
//! place) on these, so they are found first and reported with their place in the spec. An
//! operation without an operationId is one of them: progenitor names the SDK method after it.

use std::collections::{BTreeMap, BTreeSet};

use serde_json::Value;

use spec_model::place;
use spec_model::{Index, Operation, escape, is_form, is_json, is_json_lines};

/// The request media types progenitor 0.15 can send (progenitor-impl's `BodyContentType`).
/// Any other fails inside progenitor with no place; `multipart/form-data` progenitor cannot
/// send either, but the xtask sends it itself (`rewrite/form.rs`) when its parts are files or
/// scalars (`Operation::form_parts`), and JSON Lines (`rewrite/json_lines.rs`) when its schema
/// is a list.
const SENDABLE: [&str; 5] = [
    "application/json",
    "application/octet-stream",
    "application/x-www-form-urlencoded",
    "text/plain",
    "text/x-markdown",
];

/// Returns each problem found: its place in the spec, and what to do.
pub fn problems(spec: &Value) -> Vec<(String, String)> {
    let index = Index::new(spec);
    let mut found = Vec::new();
    let mut operation_ids = BTreeMap::new();

    for (path, item) in index.path_items() {
        if item.get("$ref").is_some() {
            found.push((
                place(&format!("/paths/{}", escape(path))),
                "a `$ref` path item is not supported by progenitor; write the path item inline"
                    .to_string(),
            ));
        }
    }

    for op in index.operations() {
        let at = place(&op.pointer);
        match op.id {
            None => found.push((
                at.clone(),
                "the operation has no operationId; add one (it names the SDK method)".to_string(),
            )),
            Some(id) => {
                if let Some(first) = operation_ids.insert(id, at.clone()) {
                    found.push((
                        at.clone(),
                        format!(
                            "operationId `{id}` is already used at {first}; operationIds must \
                             be unique"
                        ),
                    ));
                }
            }
        }

        if let Some(content) = op
            .request_body(&index)
            .and_then(|body| body.get("content"))
            .and_then(Value::as_object)
            && content.len() > 1
        {
            found.push((
                format!("{at}.requestBody.content"),
                format!(
                    "{} media types; progenitor takes one, so keep only `application/json`",
                    content.len()
                ),
            ));
        }
        if let Some(content) = op
            .request_body(&index)
            .and_then(|body| body.get("content"))
            .and_then(Value::as_object)
        {
            for media in content.keys() {
                let essence = media.split(';').next().unwrap_or_default().trim();
                if is_form(essence) {
                    if let Some(Err(problem)) = op.form_parts(&index) {
                        found.push((
                            place(&format!(
                                "{}/requestBody/content/{}/schema",
                                op.pointer,
                                escape(media)
                            )),
                            problem,
                        ));
                    }
                } else if is_json_lines(essence) {
                    let schema = content[media].get("schema").map(|s| index.resolve(s));
                    if schema.and_then(|s| s.get("type")) != Some(&Value::from("array")) {
                        found.push((
                            place(&format!(
                                "{}/requestBody/content/{}",
                                op.pointer,
                                escape(media)
                            )),
                            "a JSON Lines body whose schema is not a list; give `type: array` \
                             with the schema of one line as `items`"
                                .to_string(),
                        ));
                    }
                } else if !is_json(essence) && !SENDABLE.contains(&essence) {
                    found.push((
                        place(&format!(
                            "{}/requestBody/content/{}",
                            op.pointer,
                            escape(media)
                        )),
                        format!(
                            "progenitor cannot send a `{essence}` body; send JSON \
                             (`application/json`), or leave the operation out of the spec"
                        ),
                    ));
                }
            }
        }
        if let Some(Err(problem)) = op.paging(&index) {
            found.push((place(&format!("{}/parameters", op.pointer)), problem));
        }
        for (pointer, media, object) in op.media(&index) {
            if is_json(media) && object.get("schema").is_none() {
                found.push((
                    place(&pointer),
                    "a JSON body without a schema; add a `schema`".to_string(),
                ));
            }
        }

        let responses = op.responses(&index);
        let success = |status: &str| status.starts_with('2');
        // The SDK reads a success as JSON, or hands text over unread (`prolific_sdk::Text`);
        // progenitor would give any other body as a `ByteStream`, read without the cap.
        for (status, response) in responses.iter().filter(|(status, _)| success(status)) {
            for media in response
                .get("content")
                .and_then(Value::as_object)
                .into_iter()
                .flatten()
                .map(|(media, _)| media)
            {
                if !is_json(media) && !spec_model::is_text(media) {
                    found.push((
                        format!("{at}.responses.\"{status}\".content.\"{media}\""),
                        "a success body the SDK cannot read; the SDK reads `application/json` \
                         and text (`text/*`), so declare one of them"
                            .to_string(),
                    ));
                }
            }
        }
        if op.value.pointer("/responses/default").is_some()
            && responses.iter().any(|(status, _)| success(status))
        {
            found.push((
                format!("{at}.responses.default"),
                "a `default` response beside a 2XX response is not supported by progenitor; \
                 use `4XX` and `5XX` instead"
                    .to_string(),
            ));
        }
        let success_schemas: BTreeSet<String> = responses
            .iter()
            .filter(|(status, _)| success(status))
            .filter_map(|(_, response)| Operation::json_schema(response))
            .map(Value::to_string)
            .collect();
        if success_schemas.len() > 1 {
            found.push((
                format!("{at}.responses"),
                "2XX responses with different schemas; progenitor takes one success type, so \
                 give them the same schema"
                    .to_string(),
            ));
        }
    }
    found
}
