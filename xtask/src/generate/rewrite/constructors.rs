//! progenitor's constructors become crate-private, so that the generated `Client` can be the
//! SDK's public client: users build it through `Client::new`, `Client::from_env` or
//! `ClientBuilder` (sdk/src/client.rs), which check the token and the base URL.
//!
//! progenitor's `new(baseurl, inner)` is removed: it would clash with the hand-written
//! `Client::new(token)`, and it panics when its HTTP client cannot be built.
//! `new_with_client(baseurl, client, inner)` stays, for `ClientBuilder::build`.

use syn::{ImplItem, Item, Type};

/// Removes `Client::new` and makes `Client::new_with_client` crate-private: two changes.
pub fn make_crate_private(file: &mut syn::File) -> Result<usize, String> {
    let block = file
        .items
        .iter_mut()
        .find_map(|item| match item {
            Item::Impl(block)
                if block.trait_.is_none()
                    && is_client(&block.self_ty)
                    && has_fn(&block.items, "new") =>
            {
                Some(block)
            }
            _ => None,
        })
        .ok_or("progenitor's output has no `impl Client { fn new(..) }`")?;
    block
        .items
        .retain(|item| !matches!(item, ImplItem::Fn(f) if f.sig.ident == "new"));
    let with_client = block
        .items
        .iter_mut()
        .find_map(|item| match item {
            ImplItem::Fn(f) if f.sig.ident == "new_with_client" => Some(f),
            _ => None,
        })
        .ok_or("progenitor's `impl Client` has no `fn new_with_client`")?;
    with_client.vis = syn::parse_quote!(pub(crate));
    Ok(2)
}

fn is_client(ty: &Type) -> bool {
    matches!(ty, Type::Path(path) if path.path.is_ident("Client"))
}

fn has_fn(items: &[ImplItem], name: &str) -> bool {
    items
        .iter()
        .any(|item| matches!(item, ImplItem::Fn(f) if f.sig.ident == name))
}
