//! The client's methods are grouped by resource in rustdoc: progenitor writes every operation's
//! method into one `impl Client`, which this step splits into one `impl Client` per resource
//! (`crate::generate::resources`: the operation's first tag, in the order of the spec's top-level
//! `tags`), each documented with the resource's name and description. The methods stay
//! inherent methods of `Client`, so users' code is the same: progenitor's `TagStyle::Separate`
//! would have put them in one trait per tag, which every caller would have to import.

use syn::{ImplItem, Item};

use crate::generate::builders::{self, Builder};
use crate::generate::resources;
use spec_model::Index;

/// Moves each operation's method (named by its builder in `builders`) into the `impl Client`
/// of its resource; returns how many methods it moved: one per operation.
pub fn by_resource(
    file: &mut syn::File,
    index: &Index,
    builders: &[Builder],
) -> Result<usize, String> {
    let is_method = |item: &ImplItem| matches!(item, ImplItem::Fn(f) if builders.iter().any(|b| f.sig.ident == b.method));
    let position = file
        .items
        .iter()
        .position(|item| match item {
            Item::Impl(block) => {
                block.trait_.is_none()
                    && matches!(block.self_ty.as_ref(), syn::Type::Path(p) if p.path.is_ident("Client"))
                    && block.items.iter().any(is_method)
            }
            _ => false,
        })
        .ok_or("progenitor's output has no `impl Client` holding the operations' methods")?;
    let Item::Impl(merged) = file.items.remove(position) else {
        unreachable!("the item at `position` is an impl block");
    };
    let mut left = merged.items.clone();
    let mut blocks = Vec::new();
    let mut moved = 0;
    for resource in resources::of(index) {
        let methods = resource
            .operations
            .iter()
            .map(|op| builders::of(builders, op).map(|b| b.method.as_str()))
            .collect::<Result<Vec<_>, _>>()?;
        let (mine, rest): (Vec<ImplItem>, Vec<ImplItem>) = left.into_iter().partition(
            |item| matches!(item, ImplItem::Fn(f) if methods.iter().any(|m| f.sig.ident == m)),
        );
        left = rest;
        if mine.is_empty() {
            continue;
        }
        moved += mine.len();
        let mut block = merged.clone();
        let doc = format!(" {}", resource.heading());
        block.attrs.insert(0, syn::parse_quote!(#[doc = #doc]));
        block.items = mine;
        blocks.push(Item::Impl(block));
    }
    if let Some(item) = left.first() {
        let name = match item {
            ImplItem::Fn(f) => format!("`{}`", f.sig.ident),
            _ => "an item that is not a method".to_string(),
        };
        return Err(format!(
            "the operations' `impl Client` also holds {name}, which belongs to no operation of \
             the spec"
        ));
    }
    file.items.splice(position..position, blocks);
    Ok(moved)
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    fn spec() -> serde_json::Value {
        json!({
            "tags": [
                {"name": "Users", "description": "Who is calling."},
                {"name": "Things", "description": "What there is."},
            ],
            "paths": {
                "/things/": {"get": {"tags": ["Things"]}, "post": {"tags": ["Things"]}},
                "/me/": {"get": {"tags": ["Users"]}},
            },
        })
    }

    fn builders() -> Vec<Builder> {
        vec![
            Builder::sending("list_things", "get", "/things/"),
            Builder::sending("make_thing", "post", "/things/"),
            Builder::sending("get_me", "get", "/me/"),
        ]
    }

    #[test]
    fn each_resource_gets_its_own_documented_impl_in_the_order_of_the_spec_tags() {
        let mut file: syn::File = syn::parse_quote! {
            impl Client {
                pub(crate) fn new_with_client() -> Self { todo!() }
            }
            impl ClientInfo for Client {}
            impl Client {
                /// Lists things.
                pub fn list_things(&self) -> builder::ListThings<'_> { todo!() }
                pub fn make_thing(&self) -> builder::MakeThing<'_> { todo!() }
                pub fn get_me(&self) -> builder::GetMe<'_> { todo!() }
            }
            pub mod builder {}
        };
        let spec = spec();
        assert_eq!(
            by_resource(&mut file, &Index::new(&spec), &builders()),
            Ok(3)
        );
        let expected: syn::File = syn::parse_quote! {
            impl Client {
                pub(crate) fn new_with_client() -> Self { todo!() }
            }
            impl ClientInfo for Client {}
            /// Users: Who is calling.
            impl Client {
                pub fn get_me(&self) -> builder::GetMe<'_> { todo!() }
            }
            /// Things: What there is.
            impl Client {
                /// Lists things.
                pub fn list_things(&self) -> builder::ListThings<'_> { todo!() }
                pub fn make_thing(&self) -> builder::MakeThing<'_> { todo!() }
            }
            pub mod builder {}
        };
        // As written: a doc attribute and a `///` comment print the same.
        assert_eq!(
            prettyplease::unparse(&file),
            prettyplease::unparse(&expected)
        );
    }

    #[test]
    fn a_method_of_no_operation_is_named() {
        let mut file: syn::File = syn::parse_quote! {
            impl Client {
                pub fn list_things(&self) -> builder::ListThings<'_> { todo!() }
                pub fn extra(&self) {}
            }
        };
        let spec = spec();
        assert_eq!(
            by_resource(&mut file, &Index::new(&spec), &builders()),
            Err(
                "the operations' `impl Client` also holds `extra`, which belongs to no \
                 operation of the spec"
                    .to_string()
            )
        );
    }
}
