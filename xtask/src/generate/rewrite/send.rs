//! Every request builder's `send()` returns the SDK's own `Error`, and the SDK reads every
//! response itself.
//!
//! progenitor's `send()` builds the request, runs the hooks, sends it, and then decodes the
//! response in a `match` on its status. Its decoding reads whole bodies without a cap, and its
//! error for a body that does not decode loses the status. So the `send()` is split where the
//! response arrives:
//! - progenitor's part becomes the private `send_generated()`, which ends with the response;
//! - a new public `send()`, with progenitor's documentation, calls it and runs progenitor's
//!   `match` on the status, each arm rewritten to call `crate::call` (bounded reading, decoding,
//!   the SDK's `Error` with the real status).
//!
//! progenitor's part also knows its operation at compile time: it names the operation's constant
//! in the generated table (`super::operations::NAME`, NAME being progenitor's own
//! `operation_id`), checks the request with it before the hooks run (`crate::operation::check`:
//! its path, and the operation's prose rules, which read the typed body itself, not the JSON it
//! was just encoded to), and sends it through `crate::hooks::send`, which retries as the
//! operation allows and counts the attempts. progenitor's `exec` and `post` hooks are not called.
//!
//! An operation whose success the spec declares as text (`text/*`, a CSV export), alone or
//! beside JSON, is read by the SDK in its own way (`TextAnswer`): progenitor decodes only JSON,
//! asks for JSON only (`Accept: application/json`) when JSON is beside the text, and otherwise
//! hands over a bare `ByteStream`, read without the cap. Its `send()` instead asks for every
//! type the spec declares, and returns `crate::Text` (text alone) or `crate::TextOr<T>` (text or
//! JSON, by the response's `Content-Type`), the text left unread for the user to read under the
//! cap or stream to a writer (`crate::call::text`, `crate::call::text_or_json`).
//!
//! Every operation added to the spec gets this without hand-written code.

use quote::quote;
use syn::{Arm, Expr, ImplItem, ImplItemFn, Stmt};

use super::{first_type_argument, flat, module_mut, success_type};

/// The name progenitor's own `send()` gets.
const GENERATED_SEND: &str = "send_generated";

/// A builder whose operation's success is text (`Index`'s `Operation::text_success`).
#[derive(Debug, Clone, PartialEq)]
pub struct TextAnswer {
    /// The builder's type, e.g. `ExportStudy`.
    pub builder: String,
    /// The media types of its successes, text first: what it sends as `Accept`.
    pub media: Vec<String>,
}

/// Splits every `send()` in progenitor's `builder` module; returns how many it split. The
/// builders in `text` answer text (`TextAnswer`); returns an error naming any of them that is
/// not found.
pub fn own_responses(file: &mut syn::File, text: &[TextAnswer]) -> Result<usize, String> {
    let builder = module_mut(&mut file.items, "builder")?;
    let mut split = 0;
    let mut text_found = 0;
    for item in builder.iter_mut() {
        let syn::Item::Impl(block) = item else {
            continue;
        };
        let Some(index) = block.items.iter().position(is_send) else {
            continue;
        };
        let name = flat(&block.self_ty);
        let answer = text
            .iter()
            .find(|t| name == t.builder || name.starts_with(&format!("{}<", t.builder)));
        text_found += usize::from(answer.is_some());
        let ImplItem::Fn(generated) = &mut block.items[index] else {
            continue;
        };
        let wrapper = split_send(generated, answer)?;
        block.items.insert(index, wrapper);
        split += 1;
    }
    if text_found != text.len() {
        let names: Vec<&str> = text.iter().map(|t| t.builder.as_str()).collect();
        return Err(format!(
            "found {text_found} of the builders whose success is text ({})",
            names.join(", ")
        ));
    }
    Ok(split)
}

fn is_send(item: &ImplItem) -> bool {
    matches!(item, ImplItem::Fn(f) if f.sig.ident == "send")
}

/// How a text operation's success is read, from progenitor's answer type.
#[derive(Clone, Copy, PartialEq)]
enum TextRead {
    /// Text alone: progenitor's `ByteStream`, now `crate::Text`.
    Alone,
    /// Text beside JSON: progenitor's JSON type `T`, now `crate::TextOr<T>`.
    BesideJson,
}

/// Turns progenitor's `send()` into `send_generated()` and returns the new public `send()`.
/// `text` is given when the operation's success is text.
fn split_send(generated: &mut ImplItemFn, text: Option<&TextAnswer>) -> Result<ImplItem, String> {
    let sig = &generated.sig;
    let mut ok = success_type(&sig.output).cloned().ok_or_else(|| {
        format!(
            "a builder's `send()` no longer returns `Result<ResponseValue<_>, Error<_>>`: {}",
            quote!(#sig)
        )
    })?;
    let read = match text {
        None => None,
        Some(_) => {
            let (read, answer) = text_answer(&ok)?;
            ok = answer;
            Some(read)
        }
    };
    let Some(Stmt::Expr(Expr::Match(status_match), None)) = generated.block.stmts.pop() else {
        return Err("a builder's `send()` no longer ends with a `match` on the status".to_string());
    };
    if flat(&status_match.expr) != "response.status().as_u16()" {
        return Err(format!(
            "a builder's `send()` matches on `{}`, not on the status",
            flat(&status_match.expr)
        ));
    }
    let arms = status_match
        .arms
        .iter()
        .map(|arm| rewrite_arm(arm, read))
        .collect::<Result<Vec<Arm>, String>>()?;

    send_as_its_operation(generated, text)?;
    // progenitor's part ends where the response arrives. Its error type is `Infallible`: no
    // error body is decoded there, so none can be carried.
    generated.sig.output = syn::parse_quote!(
        -> Result<crate::call::Exchange, Error<::std::convert::Infallible>>
    );
    let docs = std::mem::take(&mut generated.attrs);
    generated.sig.ident = syn::Ident::new(GENERATED_SEND, generated.sig.ident.span());
    generated.vis = syn::Visibility::Inherited;
    let generated_send = &generated.sig.ident;

    syn::parse2(quote! {
        #(#docs)*
        ///
        /// Errors are the SDK's [`crate::Error`]: see its documentation for each case.
        pub async fn send(self) -> Result<#ok, crate::Error> {
            let client = self.client;
            let response = crate::call::response(self.#generated_send().await)?;
            match response.status().as_u16() {
                #(#arms)*
            }
        }
    })
    .map_err(|e| format!("the new `send()` does not parse: {e}"))
}

/// `ResponseValue<T>` made the text answer's: `ResponseValue<crate::Text>` for progenitor's
/// `ByteStream`, `ResponseValue<crate::TextOr<T>>` for a JSON type `T`.
fn text_answer(ok: &syn::Type) -> Result<(TextRead, syn::Type), String> {
    let inner = match ok {
        syn::Type::Path(path) => path
            .path
            .segments
            .last()
            .filter(|last| last.ident == "ResponseValue")
            .and_then(|last| first_type_argument(&last.arguments)),
        _ => None,
    }
    .ok_or_else(|| {
        format!(
            "a text answer's `send()` returns `{}`, not `ResponseValue<_>`",
            flat(ok)
        )
    })?;
    match flat(inner).as_str() {
        "ByteStream" => Ok((
            TextRead::Alone,
            syn::parse_quote!(ResponseValue<crate::Text>),
        )),
        "()" => Err("a text answer's `send()` returns no body".to_string()),
        _ => Ok((
            TextRead::BesideJson,
            syn::parse_quote!(ResponseValue<crate::TextOr<#inner>>),
        )),
    }
}

/// Names the operation's constant, checks the request with it before progenitor's
/// `client.pre(..)`, giving it the typed body when the operation has one, and replaces
/// progenitor's `exec`, `post` and `result?` with `crate::hooks::send`. A text answer's request
/// asks for every media type of its successes (`Accept`), whatever progenitor set.
fn send_as_its_operation(
    generated: &mut ImplItemFn,
    text: Option<&TextAnswer>,
) -> Result<(), String> {
    let stmts = &mut generated.block.stmts;
    let tail: Vec<String> = stmts.iter().rev().take(4).rev().map(flat).collect();
    if tail
        != [
            "client.pre(&mutrequest,&info).await?;",
            "letresult=client.exec(request,&info).await;",
            "client.post(&result,&info).await?;",
            "letresponse=result?;",
        ]
    {
        return Err(format!(
            "a builder's `send()` no longer ends with `client.pre(..)`, `client.exec(..)`, \
             `client.post(..)` and `result?` before its `match`: {}",
            tail.join(" ")
        ));
    }
    stmts.truncate(stmts.len() - 3);
    let operation_id = stmts
        .iter()
        .find_map(operation_id)
        .ok_or("a builder's `send()` has no `let info = OperationInfo { operation_id: \"..\" }`")?;
    let constant = syn::Ident::new(&operation_id, proc_macro2::Span::call_site());
    let has_body = stmts.iter().any(|s| flat(s).starts_with("letbody="));
    let body: Expr = if has_body {
        syn::parse_quote!(&body)
    } else {
        syn::parse_quote!(&())
    };
    let pre = stmts.len() - 1;
    let before_pre: [Stmt; 2] = [
        syn::parse_quote!(let operation = &super::operations::#constant;),
        syn::parse_quote!(
            crate::operation::check(operation, &request, #body).map_err(Error::Custom)?;
        ),
    ];
    stmts.splice(pre..pre, before_pre);
    // Part of building the request (before `let info`), so that a retry's request, built
    // again by the same statements (rewrite/rebuild.rs), asks for the same.
    if let Some(text) = text {
        let accept = text.media.join(", ");
        let info = stmts
            .iter()
            .position(|s| self::operation_id(s).is_some())
            .ok_or("a builder's `send()` has no `let info = OperationInfo { .. }`")?;
        stmts.insert(
            info,
            syn::parse_quote!(
                request.headers_mut().insert(
                    ::reqwest::header::ACCEPT,
                    ::reqwest::header::HeaderValue::from_static(#accept),
                );
            ),
        );
    }
    stmts.push(Stmt::Expr(
        syn::parse_quote!(Ok(crate::hooks::send(client, request, operation).await)),
        None,
    ));
    Ok(())
}

/// `"x"` out of `let info = OperationInfo { operation_id: "x" };`.
fn operation_id(stmt: &Stmt) -> Option<String> {
    let Stmt::Local(local) = stmt else {
        return None;
    };
    let Expr::Struct(info) = local.init.as_ref()?.expr.as_ref() else {
        return None;
    };
    if !info.path.is_ident("OperationInfo") {
        return None;
    }
    info.fields.iter().find_map(|field| match &field.expr {
        Expr::Lit(syn::ExprLit {
            lit: syn::Lit::Str(id),
            ..
        }) => Some(id.value()),
        _ => None,
    })
}

/// One arm of progenitor's status `match`, calling `crate::call` instead of progenitor's
/// decoding (`read`: how a text answer's success is read). An arm of any other shape is an
/// error: it would decode in a way the SDK does not know (progenitor's unbounded
/// `ResponseValue::stream` among them, outside a text answer).
fn rewrite_arm(arm: &Arm, read: Option<TextRead>) -> Result<Arm, String> {
    let body = flat(unwrap_block(&arm.body));
    let new_body: Expr = match (body.as_str(), read) {
        // A declared success that is text, beside JSON or alone.
        ("ResponseValue::from_response(response).await", Some(TextRead::BesideJson)) => {
            syn::parse_quote!(crate::call::text_or_json(client, response).await)
        }
        ("Ok(ResponseValue::stream(response))", Some(TextRead::Alone)) => {
            syn::parse_quote!(crate::call::text(client, response).await)
        }
        (
            success @ ("ResponseValue::from_response(response).await"
            | "Ok(ResponseValue::stream(response))"
            | "Ok(ResponseValue::empty(response))"),
            Some(_),
        ) => {
            return Err(format!(
                "a success arm of a text answer does not read as its other successes: \
                 `{success}`; declare every success of the operation with the same media types"
            ));
        }
        // A declared success with a body.
        ("ResponseValue::from_response(response).await", None) => {
            syn::parse_quote!(crate::call::decode(client, response).await)
        }
        // A declared success without a body.
        ("Ok(ResponseValue::empty(response))", None) => {
            syn::parse_quote!(Ok(crate::call::empty(response)))
        }
        // A declared error, with or without a body, and any status the spec does not declare.
        (
            "Err(Error::ErrorResponse(ResponseValue::from_response(response).await?))"
            | "Err(Error::ErrorResponse(ResponseValue::empty(response)))"
            | "Err(Error::UnexpectedResponse(response))",
            _,
        ) => syn::parse_quote!(Err(crate::call::failure(client, response).await)),
        (other, _) => return Err(format!("a status arm of an unknown shape: `{other}`")),
    };
    let mut arm = arm.clone();
    arm.body = Box::new(new_body);
    arm.comma = Some(Default::default());
    Ok(arm)
}

/// `{ expr }` as `expr`; anything else as it is.
fn unwrap_block(expr: &Expr) -> &Expr {
    match expr {
        Expr::Block(block) if block.block.stmts.len() == 1 => match &block.block.stmts[0] {
            Stmt::Expr(inner, None) => unwrap_block(inner),
            _ => expr,
        },
        _ => expr,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A builder module as progenitor writes it, with `arm` in its status `match`.
    fn builder_with(arm: proc_macro2::TokenStream) -> syn::File {
        syn::parse_quote! {
            pub mod builder {
                impl<'a> GetThing<'a> {
                    /// Sends a `GET` request to `/thing/`
                    pub async fn send(self) -> Result<ResponseValue<types::Thing>, Error<types::Oops>> {
                        let Self { client } = self;
                        let info = OperationInfo { operation_id: "get_thing" };
                        client.pre(&mut request, &info).await?;
                        let result = client.exec(request, &info).await;
                        client.post(&result, &info).await?;
                        let response = result?;
                        match response.status().as_u16() {
                            200u16 => ResponseValue::from_response(response).await,
                            #arm
                        }
                    }
                }
            }
        }
    }

    #[test]
    fn send_is_split_where_the_response_arrives_and_knows_its_operation() {
        let mut file = builder_with(quote!(_ => Err(Error::UnexpectedResponse(response)),));
        assert_eq!(own_responses(&mut file, &[]), Ok(1));
        let code = flat(&file);
        assert!(
            code.contains("pubasyncfnsend(self)->Result<ResponseValue<types::Thing>,crate::Error>")
        );
        assert!(code.contains("letresponse=crate::call::response(self.send_generated().await)?;"));
        assert!(code.contains("200u16=>crate::call::decode(client,response).await,"));
        assert!(code.contains("_=>Err(crate::call::failure(client,response).await),"));
        assert!(code.contains(
            "asyncfnsend_generated(self)->Result<crate::call::Exchange,Error<::std::convert::Infallible>>"
        ));
        assert!(code.contains(
            "letoperation=&super::operations::get_thing;\
             crate::operation::check(operation,&request,&()).map_err(Error::Custom)?;\
             client.pre(&mutrequest,&info).await?;\
             Ok(crate::hooks::send(client,request,operation).await)"
        ));
        assert!(!code.contains("client.exec"), "{code}");
    }

    #[test]
    fn an_arm_of_an_unknown_shape_is_refused_by_name() {
        let mut file = builder_with(quote!(_ => panic!("surprise"),));
        let error = own_responses(&mut file, &[]).unwrap_err();
        assert_eq!(
            error,
            "a status arm of an unknown shape: `panic!(\"surprise\")`"
        );
    }

    /// A builder whose `send()` returns `answer` and whose success arm is `success`.
    fn text_builder(
        answer: proc_macro2::TokenStream,
        success: proc_macro2::TokenStream,
    ) -> syn::File {
        syn::parse_quote! {
            pub mod builder {
                impl<'a> ExportThing<'a> {
                    pub async fn send(self) -> Result<ResponseValue<#answer>, Error<types::Oops>> {
                        let Self { client } = self;
                        let info = OperationInfo { operation_id: "export_thing" };
                        client.pre(&mut request, &info).await?;
                        let result = client.exec(request, &info).await;
                        client.post(&result, &info).await?;
                        let response = result?;
                        match response.status().as_u16() {
                            200u16 => #success,
                            _ => Err(Error::UnexpectedResponse(response)),
                        }
                    }
                }
            }
        }
    }

    fn export(media: &[&str]) -> Vec<TextAnswer> {
        vec![TextAnswer {
            builder: "ExportThing".into(),
            media: media.iter().map(|m| m.to_string()).collect(),
        }]
    }

    #[test]
    fn text_beside_json_is_text_or_json_and_asks_for_both() {
        let mut file = text_builder(
            quote!(types::ExportThingResponse),
            quote!(ResponseValue::from_response(response).await),
        );
        let text = export(&["text/csv", "application/json"]);
        assert_eq!(own_responses(&mut file, &text), Ok(1));
        let code = flat(&file);
        assert!(code.contains(
            "->Result<ResponseValue<crate::TextOr<types::ExportThingResponse>>,crate::Error>"
        ));
        assert!(code.contains("200u16=>crate::call::text_or_json(client,response).await,"));
        assert!(
            code.contains(
                "request.headers_mut().insert(::reqwest::header::ACCEPT,\
             ::reqwest::header::HeaderValue::from_static(\"text/csv,application/json\"),);\
             letinfo=OperationInfo"
            ),
            "{code}"
        );
    }

    #[test]
    fn text_alone_is_text_read_under_the_cap_or_streamed_by_the_user() {
        let mut file = text_builder(
            quote!(ByteStream),
            quote!(Ok(ResponseValue::stream(response))),
        );
        assert_eq!(own_responses(&mut file, &export(&["text/csv"])), Ok(1));
        let code = flat(&file);
        assert!(code.contains("->Result<ResponseValue<crate::Text>,crate::Error>"));
        assert!(code.contains("200u16=>crate::call::text(client,response).await,"));
    }

    #[test]
    fn a_byte_stream_outside_a_text_answer_is_refused() {
        let mut file = text_builder(
            quote!(ByteStream),
            quote!(Ok(ResponseValue::stream(response))),
        );
        assert_eq!(
            own_responses(&mut file, &[]),
            Err("a status arm of an unknown shape: `Ok(ResponseValue::stream(response))`".into())
        );
        let mut file = builder_with(quote!(_ => Err(Error::UnexpectedResponse(response)),));
        assert_eq!(
            own_responses(&mut file, &export(&["text/csv"])),
            Err("found 0 of the builders whose success is text (ExportThing)".into())
        );
    }
}
