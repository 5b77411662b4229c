//! What the SDK's hand-written layer needs to know about each operation, emitted next to the
//! generated client so that nothing hand-written keeps a copy of the spec:
//!
//! - `operations::ALL`: each operation's id (as progenitor passes it to the hooks), its path
//!   template, and whether it may be sent again after a 5xx or a timeout (`x-idempotent`;
//!   without it, whether its method is idempotent by RFC 9110);
//! - `operations::ProseRules`: one method per operation whose spec lists `x-prose-rules`, with
//!   those rules as its documentation, and `check_prose_rules`, which calls it. The SDK
//!   implements the trait (sdk/src/validate.rs): a rule that is missing, misspelt or left behind
//!   by a renamed operation does not compile;
//! - `for_each_generated_type!`: every named type, for the tests that reach a type by its
//!   schema's name.

use proc_macro2::TokenStream;
use quote::{format_ident, quote};
use serde_json::Value;
use syn::Type;

use crate::index::Index;
use crate::surface;

/// One operation, as the table states it.
struct Entry {
    /// progenitor's name for it: the builder method and `OperationInfo::operation_id`.
    id: String,
    path: String,
    may_repeat: bool,
    prose_rules: Vec<String>,
    /// The request body's generated type, e.g. `types::CreateParticipantGroupRequest`.
    body: Option<Type>,
}

/// The items to append to the generated file. `file` is progenitor's output (its builders give
/// each operation's body type); `type_names` are the named types of typify's type space.
pub fn items(spec: &Value, file: &syn::File, type_names: &[String]) -> Result<TokenStream, String> {
    let entries = entries(spec, file)?;
    let rows = entries.iter().map(|entry| {
        let (id, path, may_repeat) = (&entry.id, &entry.path, entry.may_repeat);
        quote!(Operation { id: #id, path: #path, may_repeat: #may_repeat })
    });
    let with_rules: Vec<&Entry> = entries
        .iter()
        .filter(|e| !e.prose_rules.is_empty())
        .collect();
    let methods = with_rules.iter().map(|entry| {
        let name = format_ident!("{}", entry.id);
        let docs = entry.prose_rules.iter().map(|rule| format!(" - {rule}"));
        let body = entry.body.iter().map(|ty| quote!(body: &#ty));
        quote! {
            #(#[doc = #docs])*
            fn #name(request: &Sent<'_>, #(#body)*) -> Result<(), String>;
        }
    });
    let arms = with_rules.iter().map(|entry| {
        let (id, name) = (&entry.id, format_ident!("{}", entry.id));
        match &entry.body {
            Some(ty) => quote!(#id => R::#name(
                request,
                body.and_then(|body| body.downcast_ref::<#ty>())
                    .ok_or(concat!("`", #id, "` was given no body of its type"))?,
            ),),
            None => quote!(#id => R::#name(request),),
        }
    });
    let types = type_names.iter().map(|name| format_ident!("{name}"));
    Ok(quote! {
        /// What the hand-written layer reads about each operation, written from the spec.
        pub(crate) mod operations {
            #[allow(unused_imports)]
            use super::types;
            #[allow(unused_imports)]
            use crate::operation::{Operation, Sent};

            /// Every operation of the spec, in the spec's order.
            pub(crate) const ALL: &[Operation] = &[#(#rows),*];

            /// The rules the docs state only in prose (`x-prose-rules` in the spec), one
            /// method per operation that has them, checked before anything is sent.
            pub(crate) trait ProseRules {
                #(#methods)*
            }

            /// Checks the prose rules of the operation `operation_id`, if it has any, on the
            /// request and its typed body (given as it was before encoding).
            #[allow(unused_variables)]
            pub(crate) fn check_prose_rules<R: ProseRules>(
                operation_id: &str,
                request: &Sent<'_>,
                body: Option<&dyn ::std::any::Any>,
            ) -> Result<(), String> {
                match operation_id {
                    #(#arms)*
                    _ => Ok(()),
                }
            }
        }

        /// Calls `$callback!` with the name of every type generated from the spec, so that
        /// tests reach each type by its schema's name. Not part of the SDK's API.
        #[doc(hidden)]
        #[macro_export]
        macro_rules! for_each_generated_type {
            ($callback:ident) => {
                $callback!(#(#types),*);
            };
        }
    })
}

fn entries(spec: &Value, file: &syn::File) -> Result<Vec<Entry>, String> {
    let builders = surface::builders(file);
    let mut entries = Vec::new();
    for operation in Index::new(spec).operations() {
        // preflight.rs has checked that every operation has an id.
        let (Some(operation_id), Some((builder_name, method))) =
            (operation.id, operation.rust_names())
        else {
            continue;
        };
        let may_repeat = match operation.value.get("x-idempotent") {
            Some(Value::Bool(stated)) => *stated,
            _ => matches!(
                operation.method,
                "get" | "head" | "options" | "put" | "delete" | "trace"
            ),
        };
        let prose_rules = match operation.value.get("x-prose-rules") {
            Some(Value::Array(rules)) => rules
                .iter()
                .filter_map(|rule| rule.as_str().map(str::to_string))
                .collect(),
            _ => Vec::new(),
        };
        let Some((body, _)) = builders.get(&builder_name) else {
            return Err(format!(
                "progenitor's output has no builder `{builder_name}` for `{operation_id}`"
            ));
        };
        let body = match (operation.value.get("requestBody"), body) {
            (None, _) => None,
            (Some(_), Some(name)) => Some(
                syn::parse_str::<Type>(&format!("types::{name}"))
                    .map_err(|e| format!("`{builder_name}::body` takes `{name}`: {e}"))?,
            ),
            (Some(_), None) => {
                return Err(format!(
                    "progenitor's builder `{builder_name}` for `{operation_id}` has no \
                     `body<V: TryInto<types::X>>` method"
                ));
            }
        };
        entries.push(Entry {
            id: method,
            path: operation.path.to_string(),
            may_repeat,
            prose_rules,
            body,
        });
    }
    Ok(entries)
}
