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
//! Every operation added to the spec gets this without hand-written code.

use quote::quote;
use syn::{Arm, Expr, ImplItem, ImplItemFn, Stmt};

use super::{flat, module_mut, success_type};

/// The name progenitor's own `send()` gets.
const GENERATED_SEND: &str = "send_generated";

/// Splits every `send()` in progenitor's `builder` module; returns how many it split.
pub fn own_responses(file: &mut syn::File) -> Result<usize, String> {
    let builder = module_mut(&mut file.items, "builder")?;
    let mut split = 0;
    for item in builder.iter_mut() {
        let syn::Item::Impl(block) = item else {
            continue;
        };
        let Some(index) = block.items.iter().position(is_send) else {
            continue;
        };
        let ImplItem::Fn(generated) = &mut block.items[index] else {
            continue;
        };
        let wrapper = split_send(generated)?;
        block.items.insert(index, wrapper);
        split += 1;
    }
    Ok(split)
}

fn is_send(item: &ImplItem) -> bool {
    matches!(item, ImplItem::Fn(f) if f.sig.ident == "send")
}

/// Turns progenitor's `send()` into `send_generated()` and returns the new public `send()`.
fn split_send(generated: &mut ImplItemFn) -> Result<ImplItem, String> {
    let sig = &generated.sig;
    let ok = success_type(&sig.output).cloned().ok_or_else(|| {
        format!(
            "a builder's `send()` no longer returns `Result<ResponseValue<_>, Error<_>>`: {}",
            quote!(#sig)
        )
    })?;
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
        .map(rewrite_arm)
        .collect::<Result<Vec<Arm>, String>>()?;

    send_as_its_operation(generated)?;
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

/// Names the operation's constant, checks the request with it before progenitor's
/// `client.pre(..)`, giving it the typed body when the operation has one, and replaces
/// progenitor's `exec`, `post` and `result?` with `crate::hooks::send`.
fn send_as_its_operation(generated: &mut ImplItemFn) -> Result<(), String> {
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
        syn::parse_quote!(Some(&body as &dyn ::std::any::Any))
    } else {
        syn::parse_quote!(None)
    };
    let pre = stmts.len() - 1;
    stmts.splice(
        pre..pre,
        [
            syn::parse_quote!(let operation = &super::operations::#constant;),
            syn::parse_quote!(
                crate::operation::check(operation, &request, #body).map_err(Error::Custom)?;
            ),
        ],
    );
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
/// decoding. An arm of any other shape is an error: it would decode in a way the SDK does not
/// know.
fn rewrite_arm(arm: &Arm) -> Result<Arm, String> {
    let body = flat(unwrap_block(&arm.body));
    let new_body: Expr = match body.as_str() {
        // A declared success with a body.
        "ResponseValue::from_response(response).await" => {
            syn::parse_quote!(crate::call::decode(client, response).await)
        }
        // A declared success without a body.
        "Ok(ResponseValue::empty(response))" => {
            syn::parse_quote!(Ok(ResponseValue::empty(response)))
        }
        // A declared error, with or without a body, and any status the spec does not declare.
        "Err(Error::ErrorResponse(ResponseValue::from_response(response).await?))"
        | "Err(Error::ErrorResponse(ResponseValue::empty(response)))"
        | "Err(Error::UnexpectedResponse(response))" => {
            syn::parse_quote!(Err(crate::call::failure(client, response).await))
        }
        other => return Err(format!("a status arm of an unknown shape: `{other}`")),
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
        assert_eq!(own_responses(&mut file), Ok(1));
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
             crate::operation::check(operation,&request,None).map_err(Error::Custom)?;\
             client.pre(&mutrequest,&info).await?;\
             Ok(crate::hooks::send(client,request,operation).await)"
        ));
        assert!(!code.contains("client.exec"), "{code}");
    }

    #[test]
    fn an_arm_of_an_unknown_shape_is_refused_by_name() {
        let mut file = builder_with(quote!(_ => panic!("surprise"),));
        let error = own_responses(&mut file).unwrap_err();
        assert_eq!(
            error,
            "a status arm of an unknown shape: `panic!(\"surprise\")`"
        );
    }
}
