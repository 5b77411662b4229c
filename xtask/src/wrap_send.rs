//! The one post-processing step on progenitor's output: every request builder's `send()`
//! returns the SDK's own `Error` instead of `progenitor_client::Error`.
//!
//! progenitor's `send()` is kept, renamed `send_generated()` and private to its builder; a new
//! `send()` with the same documentation wraps it in `crate::call::run`, which turns
//! progenitor's error into `crate::Error` with everything the response told (status, Prolific's
//! error body, a bounded excerpt of an unreadable body). Every operation added to the spec gets
//! this without hand-written code.

use quote::quote;
use syn::{GenericArgument, ImplItem, Item, PathArguments, ReturnType, Type};

/// The name progenitor's own `send()` gets.
const GENERATED_SEND: &str = "send_generated";

/// Rewrites every `send()` in progenitor's `builder` module. Fails, naming what it expected,
/// when progenitor's output no longer has the shape this step knows.
pub fn wrap_send(file: &mut syn::File) -> Result<usize, String> {
    let builder = file
        .items
        .iter_mut()
        .find_map(|item| match item {
            Item::Mod(m) if m.ident == "builder" => m.content.as_mut(),
            _ => None,
        })
        .ok_or("progenitor's output has no `mod builder`")?;

    let mut wrapped = 0;
    for item in &mut builder.1 {
        let Item::Impl(block) = item else { continue };
        let Some(index) = block.items.iter().position(is_send) else {
            continue;
        };
        let ImplItem::Fn(generated) = &mut block.items[index] else {
            unreachable!("is_send matched a fn")
        };
        let ok = success_type(&generated.sig.output).ok_or_else(|| {
            let sig = &generated.sig;
            format!(
                "a builder's `send()` no longer returns `Result<ResponseValue<_>, Error<_>>`: {}",
                quote!(#sig)
            )
        })?;
        // The docs move to the public wrapper; the generated original becomes private.
        let docs: Vec<syn::Attribute> = std::mem::take(&mut generated.attrs);
        generated.sig.ident = syn::Ident::new(GENERATED_SEND, generated.sig.ident.span());
        generated.vis = syn::Visibility::Inherited;
        let generated_send = &generated.sig.ident;
        let wrapper: ImplItem = syn::parse2(quote! {
            #(#docs)*
            ///
            /// Errors are the SDK's [`crate::Error`]: see its documentation for each case.
            pub async fn send(self) -> Result<#ok, crate::Error> {
                crate::call::run(self.#generated_send()).await
            }
        })
        .map_err(|e| format!("the `send()` wrapper does not parse: {e}"))?;
        block.items.insert(index, wrapper);
        wrapped += 1;
    }
    if wrapped == 0 {
        return Err("progenitor's `mod builder` has no `send()` method to wrap".to_string());
    }
    Ok(wrapped)
}

fn is_send(item: &ImplItem) -> bool {
    matches!(item, ImplItem::Fn(f) if f.sig.ident == "send")
}

/// `ResponseValue<T>` out of `-> Result<ResponseValue<T>, Error<E>>`.
fn success_type(output: &ReturnType) -> Option<Type> {
    let ReturnType::Type(_, ty) = output else {
        return None;
    };
    let Type::Path(path) = ty.as_ref() else {
        return None;
    };
    let last = path.path.segments.last()?;
    if last.ident != "Result" {
        return None;
    }
    let PathArguments::AngleBracketed(args) = &last.arguments else {
        return None;
    };
    match args.args.first()? {
        GenericArgument::Type(ok) => Some(ok.clone()),
        _ => None,
    }
}
