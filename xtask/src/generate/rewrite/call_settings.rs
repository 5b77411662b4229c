//! Every request builder takes settings for its one call: `.attempt_timeout(duration)` and
//! `.max_retries(n)` (`0` turns retries off), each replacing the client's for that call only.
//! (Not `.timeout`: the submissions list has a `timeout` filter.)
//!
//! progenitor's builders hold the client and the operation's parameters. This step gives each
//! one a field `call: crate::hooks::CallSettings`, empty in `new()`, the two setters before
//! `send()`, and hands the field to `crate::hooks::send` in `send_generated()`, which applies
//! it. A parameter of the same name as a setter fails generation, naming it.
//!
//! The step runs after `send`, so the function it changes is `send_generated()`.

use quote::quote;
use syn::{ImplItem, Item, Stmt};

use super::builder_fields::{declare, empty_in_new, impl_of, take_from_self};
use super::{flat, module_mut};

/// The setters this step adds, by name.
const SETTERS: [&str; 2] = ["attempt_timeout", "max_retries"];

/// Gives every builder with a `send_generated()` its call settings; returns how many.
pub fn per_call(file: &mut syn::File) -> Result<usize, String> {
    let builder = module_mut(&mut file.items, "builder")?;
    let names: Vec<String> = builder
        .iter()
        .filter_map(|item| match item {
            Item::Impl(block)
                if block.trait_.is_none()
                    && block.items.iter().any(
                        |i| matches!(i, ImplItem::Fn(f) if f.sig.ident == "send_generated"),
                    ) =>
            {
                Some(type_name(&block.self_ty))
            }
            _ => None,
        })
        .collect();
    let call = syn::Ident::new("call", proc_macro2::Span::call_site());
    for name in &names {
        declare(
            builder,
            name,
            syn::parse_quote!(call: crate::hooks::CallSettings),
        )?;
        let block = impl_of(builder, name)?;
        for item in &block.items {
            if let ImplItem::Fn(f) = item
                && SETTERS.iter().any(|s| f.sig.ident == s)
            {
                return Err(format!(
                    "`{name}` has a parameter named `{}`, the name of a per-call setting; \
                     rename the parameter in the spec",
                    f.sig.ident
                ));
            }
        }
        for item in block.items.iter_mut() {
            let ImplItem::Fn(function) = item else {
                continue;
            };
            if function.sig.ident == "new" {
                empty_in_new(function, name, &call)?;
            } else if function.sig.ident == "send_generated" {
                take_from_self(function, name, &call)?;
                hand_over(function, name)?;
            }
        }
        let send = block
            .items
            .iter()
            .position(|item| matches!(item, ImplItem::Fn(f) if f.sig.ident == "send"))
            .ok_or_else(|| format!("`impl {name}` has no `send()`"))?;
        block.items.splice(send..send, setters()?);
    }
    Ok(names.len())
}

/// `Name` of `Name<'a>`.
fn type_name(ty: &syn::Type) -> String {
    let flat = flat(ty);
    flat.split('<').next().unwrap_or_default().to_string()
}

/// In `send_generated()`: `call` given to `crate::hooks::send`.
fn hand_over(send: &mut syn::ImplItemFn, name: &str) -> Result<(), String> {
    let stmts = &mut send.block.stmts;
    let Some(Stmt::Expr(last, None)) = stmts.last_mut() else {
        return Err(format!(
            "`{name}::send_generated()` does not end with an expression"
        ));
    };
    if flat(&*last) != "Ok(crate::hooks::send(client,request,operation).await)" {
        return Err(format!(
            "`{name}::send_generated()` does not end with `Ok(crate::hooks::send(..).await)`"
        ));
    }
    *last = syn::parse_quote!(Ok(
        crate::hooks::send(client, request, operation, &call).await
    ));
    Ok(())
}

/// The two setters, the same on every builder.
fn setters() -> Result<Vec<ImplItem>, String> {
    let tokens = [
        quote! {
            /// The most time each attempt of this call may take, instead of the client's
            /// ([`ClientBuilder::timeout`](crate::ClientBuilder::timeout)); other calls keep
            /// the client's.
            pub fn attempt_timeout(mut self, timeout: ::std::time::Duration) -> Self {
                self.call.timeout = Some(timeout);
                self
            }
        },
        quote! {
            /// How many times this call may be sent again, instead of the client's
            /// ([`ClientBuilder::max_retries`](crate::ClientBuilder::max_retries)); `0` sends
            /// it once. What may be retried is the same: see the crate's documentation.
            pub fn max_retries(mut self, retries: u32) -> Self {
                self.call.max_retries = Some(retries);
                self
            }
        },
    ];
    tokens
        .into_iter()
        .map(|t| syn::parse2(t).map_err(|e| format!("a per-call setter does not parse: {e}")))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn builder(parameter: &str) -> syn::File {
        let parameter = syn::Ident::new(parameter, proc_macro2::Span::call_site());
        syn::parse_quote! {
            pub mod builder {
                #[derive(Debug, Clone)]
                pub struct GetThing<'a> {
                    client: &'a super::Client,
                    #parameter: Result<String, String>,
                }
                impl<'a> GetThing<'a> {
                    pub fn new(client: &'a super::Client) -> Self {
                        Self { client: client, #parameter: Err("x".to_string()) }
                    }
                    pub fn #parameter<V>(mut self, value: V) -> Self { self }
                    pub async fn send(self) -> Result<ResponseValue<()>, crate::Error> {}
                    async fn send_generated(self) -> Result<Exchange, Error<Infallible>> {
                        let Self { client, #parameter } = self;
                        Ok(crate::hooks::send(client, request, operation).await)
                    }
                }
            }
        }
    }

    #[test]
    fn each_builder_gets_the_field_the_setters_and_hands_them_over() {
        let mut file = builder("id");
        assert_eq!(per_call(&mut file), Ok(1));
        let code = flat(&file);
        assert!(code.contains("call:crate::hooks::CallSettings}"), "{code}");
        assert!(
            code.contains("call:::std::default::Default::default()}"),
            "{code}"
        );
        assert!(
            code.contains(
                "pubfnattempt_timeout(mutself,timeout:::std::time::Duration)->Self{self.call.timeout=Some(timeout);self}"
            ),
            "{code}"
        );
        assert!(
            code.contains("pubfnmax_retries(mutself,retries:u32)->Self"),
            "{code}"
        );
        assert!(code.contains("letSelf{client,id,call}=self;"), "{code}");
        assert!(
            code.contains("Ok(crate::hooks::send(client,request,operation,&call).await)"),
            "{code}"
        );
    }

    #[test]
    fn a_parameter_named_like_a_setting_is_refused_by_name() {
        assert_eq!(
            per_call(&mut builder("attempt_timeout")),
            Err("`GetThing` has a parameter named `attempt_timeout`, the name of a per-call setting; \
                 rename the parameter in the spec"
                .into())
        );
    }
}
