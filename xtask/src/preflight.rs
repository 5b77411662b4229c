//! Shapes progenitor cannot take. progenitor panics (or fails with a message that names no
//! place) on these, so they are found first and reported with their place in the spec.

use openapiv3::{OpenAPI, ReferenceOr, StatusCode};

/// Returns each problem found: its place in the spec, and what to do.
pub fn problems(api: &OpenAPI) -> Vec<(String, String)> {
    let mut found = Vec::new();
    let mut operation_ids = std::collections::BTreeMap::new();

    for (path, item) in &api.paths.paths {
        let item = match item {
            ReferenceOr::Item(item) => item,
            ReferenceOr::Reference { .. } => {
                found.push((
                    format!("paths.\"{path}\""),
                    "a `$ref` path item is not supported by progenitor; write the path item inline"
                        .to_string(),
                ));
                continue;
            }
        };
        for (method, operation) in item.iter() {
            let place = format!("paths.\"{path}\".{method}");
            match &operation.operation_id {
                None => found.push((
                    place.clone(),
                    "the operation has no operationId; add one (it names the SDK method)"
                        .to_string(),
                )),
                Some(id) => {
                    if let Some(first) = operation_ids.insert(id.clone(), place.clone()) {
                        found.push((
                            place.clone(),
                            format!(
                                "operationId `{id}` is already used at {first}; operationIds \
                                 must be unique"
                            ),
                        ));
                    }
                }
            }

            if let Some(ReferenceOr::Item(body)) = &operation.request_body {
                if body.content.len() > 1 {
                    found.push((
                        format!("{place}.requestBody.content"),
                        format!(
                            "{} media types; progenitor takes one, so keep only \
                             `application/json`",
                            body.content.len()
                        ),
                    ));
                }
                for (media, content) in &body.content {
                    if is_json(media) && content.schema.is_none() {
                        found.push((
                            format!("{place}.requestBody.content.\"{media}\""),
                            "a JSON body without a schema; add a `schema`".to_string(),
                        ));
                    }
                }
            }

            let responses = &operation.responses;
            let has_success = responses
                .responses
                .keys()
                .any(|status| matches!(status, StatusCode::Code(200..=299) | StatusCode::Range(2)));
            if responses.default.is_some() && has_success {
                found.push((
                    format!("{place}.responses.default"),
                    "a `default` response beside a 2XX response is not supported by \
                     progenitor; use `4XX` and `5XX` instead"
                        .to_string(),
                ));
            }
            let success_schemas: std::collections::BTreeSet<String> = responses
                .responses
                .iter()
                .filter(|(status, _)| {
                    matches!(status, StatusCode::Code(200..=299) | StatusCode::Range(2))
                })
                .filter_map(|(_, response)| response.as_item())
                .filter_map(|response| response.content.iter().find(|(media, _)| is_json(media)))
                .filter_map(|(_, content)| content.schema.as_ref())
                .map(|schema| format!("{schema:?}"))
                .collect();
            if success_schemas.len() > 1 {
                found.push((
                    format!("{place}.responses"),
                    "2XX responses with different schemas; progenitor takes one success \
                     type, so give them the same schema"
                        .to_string(),
                ));
            }
            for (status, response) in &responses.responses {
                let ReferenceOr::Item(response) = response else {
                    continue;
                };
                for (media, content) in &response.content {
                    if is_json(media) && content.schema.is_none() {
                        found.push((
                            format!("{place}.responses.\"{status}\".content.\"{media}\""),
                            "a JSON body without a schema; add a `schema`".to_string(),
                        ));
                    }
                }
            }
        }
    }
    found
}

fn is_json(media: &str) -> bool {
    media == "application/json" || media.starts_with("application/json;")
}
