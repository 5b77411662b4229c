//! An operation whose request body is JSON Lines (`application/x-ndjson`: the records appended
//! to a dataset) is sent one item a line, through the same builder, checks, hooks and retries as
//! every other operation.
//!
//! The spec gives such a body as a list (`type: array`); progenitor, which sends no JSON Lines,
//! is given it as `application/json` ([`for_progenitor`]), so the builder's `body` takes the
//! list as any JSON body's setter does. This step then changes the one thing that differs, how
//! the list goes on the wire: in the client's `send_generated()`, progenitor's `.json(&body)`
//! becomes the media type and `crate::json_lines::encode(&body)` (each item compact JSON on a
//! line of its own); in the mocks, the `When`'s `body` matches those same bytes instead of a
//! JSON array. The body is in memory, so a retry can send it again.
//!
//! The step runs after `send`, so the client's function it rewrites is `send_generated()`.

use openapiv3::{OpenAPI, ReferenceOr};
use syn::visit_mut::VisitMut;
use syn::{Expr, ImplItem};

use super::builder_fields::impl_of;
use super::module_mut;
use spec_model::{Index, is_json_lines};

/// A builder whose operation's body is JSON Lines, with the media type to send.
#[derive(Debug, Clone, PartialEq)]
pub struct LinesBody {
    /// The builder's type, e.g. `AppendDatasetDatapoints` (the mock's `When` is this name with
    /// `When` after it).
    pub builder: String,
    /// The media type as the spec writes it, e.g. `application/x-ndjson`.
    pub media: String,
}

/// `api` as progenitor is given it: every JSON Lines request body declared `application/json`
/// instead, its list schema unchanged (this step sends it as lines). A body shared through
/// `components.requestBodies` is changed there, once.
pub fn for_progenitor(mut api: OpenAPI, index: &Index) -> OpenAPI {
    let as_json = |body: &mut openapiv3::RequestBody| {
        let lines: Vec<String> = body
            .content
            .keys()
            .filter(|m| is_json_lines(m))
            .cloned()
            .collect();
        for media in lines {
            if let Some(object) = body.content.shift_remove(&media) {
                body.content.insert("application/json".to_string(), object);
            }
        }
    };
    for op in index.operations() {
        let shared = op
            .value
            .pointer("/requestBody/$ref")
            .and_then(serde_json::Value::as_str)
            .and_then(|r| r.strip_prefix("#/components/requestBodies/"));
        let body = match shared {
            Some(name) => api
                .components
                .as_mut()
                .and_then(|c| c.request_bodies.get_mut(name)),
            None => super::operation_mut(&mut api, &op).and_then(|o| o.request_body.as_mut()),
        };
        if let Some(ReferenceOr::Item(body)) = body {
            as_json(body);
        }
    }
    api
}

/// In each builder of `bodies`, the request's `.json(&body)` becomes the JSON Lines body.
/// Returns how many builders it changed, or an error naming the shape it did not find.
pub fn send_lines(file: &mut syn::File, bodies: &[LinesBody]) -> Result<usize, String> {
    let builder = module_mut(&mut file.items, "builder")?;
    let mut changed = 0;
    for body in bodies {
        let name = &body.builder;
        let media = &body.media;
        let function = impl_of(builder, name)
            .ok()
            .and_then(|block| {
                block.items.iter_mut().find_map(|item| match item {
                    ImplItem::Fn(f) if f.sig.ident == "send_generated" => Some(f),
                    _ => None,
                })
            })
            .ok_or_else(|| format!("no `{name}::send_generated()` in the builder module"))?;
        let mut replace = Replace {
            from: "json",
            to: Box::new(move |receiver| {
                syn::parse_quote!(#receiver
                    .header(
                        ::reqwest::header::CONTENT_TYPE,
                        ::reqwest::header::HeaderValue::from_static(#media)
                    )
                    .body(crate::json_lines::encode(&body).map_err(Error::InvalidRequest)?))
            }),
            found: 0,
        };
        replace.visit_block_mut(&mut function.block);
        if replace.found != 1 {
            return Err(format!(
                "`{name}::send_generated()` has {} `.json(&body)`, not one",
                replace.found
            ));
        }
        changed += 1;
    }
    Ok(changed)
}

/// In each mock `When` of `bodies`, `body` matches the JSON Lines bytes the SDK sends. Returns
/// how many setters it changed.
pub fn mock_lines(file: &mut syn::File, bodies: &[LinesBody]) -> Result<usize, String> {
    let operations = module_mut(&mut file.items, "operations")?;
    let mut changed = 0;
    for body in bodies {
        let when = format!("{}When", body.builder);
        let setter = impl_of(operations, &when)
            .ok()
            .and_then(|block| {
                block.items.iter_mut().find_map(|item| match item {
                    ImplItem::Fn(f) if f.sig.ident == "body" => Some(f),
                    _ => None,
                })
            })
            .ok_or_else(|| format!("no `{when}::body` in the mocks"))?;
        // An item the SDK could not write is refused before sending, so such a mock matches
        // nothing: an empty pattern never equals the body of a sent request.
        let mut replace = Replace {
            from: "json_body_obj",
            to: Box::new(|receiver| {
                syn::parse_quote!(#receiver.body(
                    ::prolific_sdk::__private::json_lines(value).unwrap_or_default()
                ))
            }),
            found: 0,
        };
        replace.visit_block_mut(&mut setter.block);
        if replace.found != 1 {
            return Err(format!(
                "`{when}::body` has {} `.json_body_obj(value)`, not one",
                replace.found
            ));
        }
        changed += 1;
    }
    Ok(changed)
}

/// Replaces each method call `.from(..)` with what `to` makes of its receiver.
struct Replace<'a> {
    from: &'static str,
    to: Box<dyn Fn(Expr) -> Expr + 'a>,
    found: usize,
}

impl VisitMut for Replace<'_> {
    fn visit_expr_mut(&mut self, expr: &mut Expr) {
        syn::visit_mut::visit_expr_mut(self, expr);
        let Expr::MethodCall(call) = expr else {
            return;
        };
        if call.method != self.from {
            return;
        }
        self.found += 1;
        *expr = (self.to)((*call.receiver).clone());
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::generate::rewrite::flat;

    fn bodies() -> Vec<LinesBody> {
        vec![LinesBody {
            builder: "AppendThings".into(),
            media: "application/x-ndjson".into(),
        }]
    }

    #[test]
    fn the_client_sends_the_list_as_lines_with_its_media_type() {
        let mut file: syn::File = syn::parse_quote! {
            pub mod builder {
                impl<'a> AppendThings<'a> {
                    async fn send_generated(self) -> Result<Exchange, Error<Infallible>> {
                        #[allow(unused_mut)]
                        let mut request = client.client.post(url).header(ACCEPT, json).json(&body).headers(header_map).build()?;
                    }
                }
            }
        };
        assert_eq!(send_lines(&mut file, &bodies()), Ok(1));
        let code = flat(&file);
        assert!(
            code.contains(
                "client.client.post(url).header(ACCEPT,json)\
                 .header(::reqwest::header::CONTENT_TYPE,::reqwest::header::HeaderValue::from_static(\"application/x-ndjson\"))\
                 .body(crate::json_lines::encode(&body).map_err(Error::InvalidRequest)?)\
                 .headers(header_map).build()?"
            ),
            "{code}"
        );
    }

    #[test]
    fn the_mock_matches_the_lines_and_a_changed_shape_is_named() {
        let mut file: syn::File = syn::parse_quote! {
            pub mod operations {
                impl AppendThingsWhen {
                    pub fn body(self, value: &Vec<types::Thing>) -> Self {
                        Self(self.0.json_body_obj(value))
                    }
                }
            }
        };
        assert_eq!(mock_lines(&mut file, &bodies()), Ok(1));
        assert!(flat(&file).contains(
            "Self(self.0.body(::prolific_sdk::__private::json_lines(value).unwrap_or_default()))"
        ));
        // Run again, nothing is left to replace: the count says so.
        assert_eq!(
            mock_lines(&mut file, &bodies()),
            Err("`AppendThingsWhen::body` has 0 `.json_body_obj(value)`, not one".into())
        );
        let mut empty: syn::File = syn::parse_quote!(
            pub mod builder {}
        );
        assert_eq!(
            send_lines(&mut empty, &bodies()),
            Err("no `AppendThings::send_generated()` in the builder module".into())
        );
    }
}
