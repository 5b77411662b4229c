//! The mocks answer text: each success the spec declares as `text/*` gets a reply setter of its
//! own on its operation's `Then`, e.g. `ok_csv(body)` for a `200` of `text/csv`, sending the
//! body with that content type.
//!
//! progenitor's httpmock generator replies with JSON only: beside JSON it offers only the JSON
//! reply (`ok(&T)`), and for text alone a reply that sends any `serde_json::Value` as
//! `application/json`, which the SDK would read as the wrong type. That second one is removed,
//! so a text answer is mocked only as the SDK reads it.

use heck::ToSnakeCase;
use syn::{ImplItem, Item};

use super::{flat, module_mut};
use crate::generate::builders::Builder;
use spec_model::{Index, is_text};

/// One reply setter to add: the `Then` it belongs to, the status and the media type.
#[derive(Debug, Clone, PartialEq)]
struct Reply {
    then: String,
    status: u16,
    media: String,
}

/// Adds a reply setter per text success of each operation (`Reply`); returns how many.
pub fn text_replies(
    file: &mut syn::File,
    index: &Index,
    builders: &[Builder],
) -> Result<usize, String> {
    let replies = replies(index, builders)?;
    let operations = module_mut(&mut file.items, "operations")?;
    let mut added = 0;
    for reply in &replies {
        let block = operations
            .iter_mut()
            .find_map(|item| match item {
                Item::Impl(block)
                    if block.trait_.is_none() && flat(&block.self_ty) == reply.then =>
                {
                    Some(block)
                }
                _ => None,
            })
            .ok_or_else(|| format!("progenitor's mocks have no `impl {}`", reply.then))?;
        // progenitor's reply for a body it does not know: any JSON value, sent as JSON.
        block.items.retain(|item| {
            !matches!(item, ImplItem::Fn(f) if flat(&f.sig.inputs).contains("value:::serde_json::Value"))
        });
        block.items.push(setter(reply)?);
        added += 1;
    }
    Ok(added)
}

/// How many reply setters the spec asks for: one per text media type of each numbered success.
pub fn expected(index: &Index) -> usize {
    index
        .operations()
        .iter()
        .flat_map(|op| text_successes(op, index))
        .count()
}

fn replies(index: &Index, builders: &[Builder]) -> Result<Vec<Reply>, String> {
    let mut replies = Vec::new();
    for operation in index.operations() {
        let successes = text_successes(&operation, index);
        if successes.is_empty() {
            continue;
        }
        let builder = &crate::generate::builders::of(builders, &operation)?.name;
        for (status, media) in successes {
            let status = status.parse().map_err(|_| {
                format!(
                    "{} answers text under `{status}`: the mocks reply text only under a \
                     numbered status; write the status (`200`)",
                    operation.label()
                )
            })?;
            replies.push(Reply {
                then: format!("{builder}Then"),
                status,
                media: media.to_string(),
            });
        }
    }
    Ok(replies)
}

/// The (status, media type) of each text media type of `operation`'s successes.
fn text_successes<'a>(
    operation: &spec_model::Operation<'a>,
    index: &Index<'a>,
) -> Vec<(&'a str, &'a str)> {
    operation
        .responses(index)
        .into_iter()
        .filter(|(status, _)| status.starts_with('2'))
        .flat_map(|(status, response)| {
            response
                .get("content")
                .and_then(serde_json::Value::as_object)
                .into_iter()
                .flatten()
                .map(move |(media, _)| (status, media.as_str()))
                .filter(|(_, media)| is_text(media))
        })
        .collect()
}

/// `ok_csv(self, body: &str)`: the status's name as progenitor names its replies, then the
/// media type's subtype.
fn setter(reply: &Reply) -> Result<ImplItem, String> {
    let reason = match reply.status {
        200 => "ok".to_string(),
        201 => "created".to_string(),
        202 => "accepted".to_string(),
        203 => "non_authoritative_information".to_string(),
        206 => "partial_content".to_string(),
        other => format!("status_{other}"),
    };
    let essence = reply.media.split(';').next().unwrap_or_default().trim();
    let subtype = essence.trim_start_matches("text/").to_snake_case();
    let name = syn::Ident::new(
        &format!("{reason}_{subtype}"),
        proc_macro2::Span::call_site(),
    );
    let (status, media) = (reply.status, &reply.media);
    let doc = format!(" Replies `{status}` with `body` as `{media}`.");
    syn::parse2(quote::quote! {
        #[doc = #doc]
        pub fn #name(self, body: &str) -> Self {
            Self(self.0.status(#status).header("content-type", #media).body(body))
        }
    })
    .map_err(|e| format!("the reply setter for `{media}` does not parse: {e}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_text_success_gets_a_reply_of_its_media_type_and_loses_the_json_value_one() {
        let spec = serde_json::json!({
            "openapi": "3.0.3",
            "paths": {"/things/{id}/export/": {"get": {
                "operationId": "ExportThing",
                "responses": {"200": {"content": {"text/csv": {"schema": {"type": "string"}}}}},
            }}},
        });
        let index = Index::new(&spec);
        let builders = vec![Builder {
            name: "ExportThing".into(),
            method: "export_thing".into(),
            http_method: "get".into(),
            path: "/things/{}/export/".into(),
            body: None,
            answer: "ByteStream".into(),
            path_setters: vec!["id".into()],
            query_setters: vec![],
            fields: vec![],
        }];
        let mut file: syn::File = syn::parse_quote! {
            pub mod operations {
                pub struct ExportThingThen(::httpmock::Then);
                impl ExportThingThen {
                    pub fn ok(self, value: ::serde_json::Value) -> Self { todo!() }
                }
            }
        };
        assert_eq!(expected(&index), 1);
        assert_eq!(text_replies(&mut file, &index, &builders), Ok(1));
        let code = flat(&file);
        assert!(!code.contains("serde_json"), "{code}");
        assert!(
            code.contains(
                "pubfnok_csv(self,body:&str)->Self{Self(self.0.status(200u16).header(\"content-type\",\"text/csv\").body(body))}"
            ),
            "{code}"
        );
    }
}
