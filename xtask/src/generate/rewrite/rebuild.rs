//! A retry sends a request built again, not a copy kept from the start: most calls are never
//! retried, and the copy (the URL, every header, the body) cost every one of them.
//!
//! In `send_generated()` the statements that build the request (from `let url = ..` up to
//! `let info = OperationInfo { .. }`: the URL, the header map, progenitor's request chain, a
//! text answer's `Accept`) become a closure, `build_request`, that borrows the builder's values
//! and builds the request from them. It runs once before the checks and the hooks, and
//! `crate::hooks::send` gets it, to run again only when a retry is sent. A form's parts are
//! made into a body before that (its files opened, asynchronously), and a file's stream cannot
//! be made twice: its builders (`streamed`) hand over `None` instead, and `hooks::send` keeps a
//! copy of the request where the body allows one (text parts only), as before.
//!
//! The step runs after every step that edits those statements (`send`, `json_lines`,
//! `call_settings`, `path_segments`, `optional_setters`, `api_version`), so that the closure
//! holds the request as it is finally built.

use syn::{ImplItem, Item, Stmt};

use super::{flat, module_mut};

/// Gives every `send_generated()` its `build_request` closure, or `None` for the builders in
/// `streamed`; returns how many it changed.
pub fn retries_rebuild(file: &mut syn::File, streamed: &[String]) -> Result<usize, String> {
    let builder = module_mut(&mut file.items, "builder")?;
    let mut changed = 0;
    let mut streamed_found = 0;
    for item in builder.iter_mut() {
        let Item::Impl(block) = item else {
            continue;
        };
        let name = flat(&block.self_ty);
        let name = name.split('<').next().unwrap_or_default().to_string();
        let is_streamed = streamed.contains(&name);
        for item in block.items.iter_mut() {
            let ImplItem::Fn(function) = item else {
                continue;
            };
            if function.sig.ident != "send_generated" {
                continue;
            }
            let stmts = &mut function.block.stmts;
            if is_streamed {
                streamed_found += 1;
            } else {
                wrap_building(stmts, &name)?;
            }
            hand_over(stmts, &name, !is_streamed)?;
            changed += 1;
        }
    }
    if streamed_found != streamed.len() {
        return Err(format!(
            "found {streamed_found} of the {} builders whose body is streamed ({})",
            streamed.len(),
            streamed.join(", ")
        ));
    }
    Ok(changed)
}

/// The name a `let` statement binds, if it binds one name.
fn binds(stmt: &Stmt) -> Option<String> {
    let Stmt::Local(local) = stmt else {
        return None;
    };
    match &local.pat {
        syn::Pat::Ident(ident) => Some(ident.ident.to_string()),
        _ => None,
    }
}

/// The statements from `let url` to `let info` made the closure `build_request`, followed by
/// `let mut request = build_request()?;`.
fn wrap_building(stmts: &mut Vec<Stmt>, name: &str) -> Result<(), String> {
    let position = |wanted: &str| {
        stmts
            .iter()
            .position(|s| binds(s).as_deref() == Some(wanted))
            .ok_or_else(|| format!("`{name}::send_generated()` has no `let {wanted} = ..`"))
    };
    let (url, info) = (position("url")?, position("info")?);
    let request = position("request")?;
    if !(url < request && request < info) {
        return Err(format!(
            "`{name}::send_generated()` no longer builds its request between `let url` and \
             `let info`"
        ));
    }
    let building: Vec<Stmt> = stmts.drain(url..info).collect();
    let closure: [Stmt; 2] = [
        syn::parse_quote! {
            let build_request = || -> Result<::reqwest::Request, Error<::std::convert::Infallible>> {
                #(#building)*
                Ok(request)
            };
        },
        syn::parse_quote! {
            #[allow(unused_mut)]
            let mut request = build_request()?;
        },
    ];
    stmts.splice(url..url, closure);
    Ok(())
}

/// `crate::hooks::send(client, request, operation, &call)` given the closure, or `None`.
fn hand_over(stmts: &mut [Stmt], name: &str, rebuild: bool) -> Result<(), String> {
    let Some(Stmt::Expr(last, None)) = stmts.last_mut() else {
        return Err(format!(
            "`{name}::send_generated()` does not end with an expression"
        ));
    };
    if flat(&*last) != "Ok(crate::hooks::send(client,request,operation,&call).await)" {
        return Err(format!(
            "`{name}::send_generated()` does not end with \
             `Ok(crate::hooks::send(client, request, operation, &call).await)`"
        ));
    }
    *last = if rebuild {
        syn::parse_quote!(Ok(crate::hooks::send(
            client,
            request,
            Some(&build_request),
            operation,
            &call
        )
        .await))
    } else {
        syn::parse_quote!(Ok(crate::hooks::send(
            client, request, None, operation, &call
        )
        .await))
    };
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn builders() -> syn::File {
        syn::parse_quote! {
            pub mod builder {
                impl<'a> GetThing<'a> {
                    async fn send_generated(self) -> Result<crate::call::Exchange, Error<::std::convert::Infallible>> {
                        let Self { client, id, call } = self;
                        let id = id.map_err(Error::InvalidRequest)?;
                        let url = format!("{}/things/{}/", client.baseurl, id);
                        let mut header_map = ::reqwest::header::HeaderMap::new();
                        let mut request = client.client.get(url).headers(header_map).build()?;
                        let info = OperationInfo { operation_id: "get_thing" };
                        let operation = &super::operations::get_thing;
                        crate::operation::check(operation, &request, &()).map_err(Error::Custom)?;
                        client.pre(&mut request, &info).await?;
                        Ok(crate::hooks::send(client, request, operation, &call).await)
                    }
                }
                impl<'a> UploadThing<'a> {
                    async fn send_generated(self) -> Result<crate::call::Exchange, Error<::std::convert::Infallible>> {
                        let Self { client, form, call } = self;
                        let url = format!("{}/things/", client.baseurl);
                        let mut request = client.client.post(url).multipart(form).build()?;
                        let info = OperationInfo { operation_id: "upload_thing" };
                        let operation = &super::operations::upload_thing;
                        client.pre(&mut request, &info).await?;
                        Ok(crate::hooks::send(client, request, operation, &call).await)
                    }
                }
            }
        }
    }

    #[test]
    fn the_request_is_built_by_a_closure_handed_to_send_and_a_form_is_sent_once() {
        let mut file = builders();
        assert_eq!(
            retries_rebuild(&mut file, &["UploadThing".to_string()]),
            Ok(2)
        );
        let code = flat(&file);
        assert!(
            code.contains(
                "letbuild_request=||->Result<::reqwest::Request,Error<::std::convert::Infallible>>\
                 {leturl=format!(\"{}/things/{}/\",client.baseurl,id);\
                 letmutheader_map=::reqwest::header::HeaderMap::new();\
                 letmutrequest=client.client.get(url).headers(header_map).build()?;Ok(request)};\
                 #[allow(unused_mut)]letmutrequest=build_request()?;\
                 letinfo=OperationInfo"
            ),
            "{code}"
        );
        assert!(code.contains(
            "Ok(crate::hooks::send(client,request,Some(&build_request),operation,&call).await)"
        ));
        assert!(code.contains("Ok(crate::hooks::send(client,request,None,operation,&call).await)"));
        assert!(code.contains("letmutrequest=client.client.post(url).multipart(form).build()?;"));
    }

    #[test]
    fn a_streamed_builder_that_is_not_found_is_an_error() {
        let mut file = builders();
        let error = retries_rebuild(&mut file, &["Missing".to_string()]).unwrap_err();
        assert!(error.contains("found 0 of the 1 builders"), "{error}");
    }

    #[test]
    fn a_send_generated_without_a_url_is_an_error_naming_the_builder() {
        let mut file: syn::File = syn::parse_quote! {
            pub mod builder {
                impl<'a> GetThing<'a> {
                    async fn send_generated(self) -> Result<(), ()> {
                        let mut request = client.client.get("x").build()?;
                        let info = OperationInfo { operation_id: "get_thing" };
                        Ok(crate::hooks::send(client, request, operation, &call).await)
                    }
                }
            }
        };
        let error = retries_rebuild(&mut file, &[]).unwrap_err();
        assert!(
            error.contains("`GetThing::send_generated()` has no `let url"),
            "{error}"
        );
    }
}
