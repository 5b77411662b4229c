//! What Prolific drops stays for a release, deprecated: the method of each operation the spec
//! marks `deprecated: true` gets `#[deprecated(note = ...)]` with its `x-deprecation` sentence
//! (what to use instead), on the client and on the mocks, so that users' code warns at the
//! call before the method goes. progenitor writes no such attribute.

use syn::{ImplItem, Item, TraitItem};

/// One deprecated operation: its method (progenitor's name, the same on the client and on the
/// mocks) and the note users read.
#[derive(Debug, Clone, PartialEq)]
pub struct Deprecated {
    /// The method's name, e.g. `test_study_set_up`.
    pub method: String,
    /// What to use instead, or that nothing replaces it.
    pub note: String,
}

/// Marks each deprecated operation's method of `impl Client`; returns how many it marked.
pub fn client_methods(file: &mut syn::File, deprecated: &[Deprecated]) -> usize {
    let mut marked = 0;
    for item in &mut file.items {
        let Item::Impl(block) = item else { continue };
        let is_client = block.trait_.is_none()
            && matches!(block.self_ty.as_ref(), syn::Type::Path(p) if p.path.is_ident("Client"));
        if !is_client {
            continue;
        }
        for item in &mut block.items {
            let ImplItem::Fn(method) = item else { continue };
            if let Some(d) = deprecated.iter().find(|d| method.sig.ident == d.method) {
                method.attrs.push(attribute(&d.note));
                marked += 1;
            }
        }
    }
    marked
}

/// Marks each deprecated operation's method of the mocks' `trait MockServerExt`; returns how
/// many it marked.
pub fn mock_methods(file: &mut syn::File, deprecated: &[Deprecated]) -> usize {
    let mut marked = 0;
    for item in &mut file.items {
        let Item::Trait(block) = item else { continue };
        if block.ident != "MockServerExt" {
            continue;
        }
        for item in &mut block.items {
            let TraitItem::Fn(method) = item else {
                continue;
            };
            if let Some(d) = deprecated.iter().find(|d| method.sig.ident == d.method) {
                method.attrs.push(attribute(&d.note));
                marked += 1;
            }
        }
    }
    marked
}

fn attribute(note: &str) -> syn::Attribute {
    syn::parse_quote!(#[deprecated(note = #note)])
}

#[cfg(test)]
mod tests {
    use super::*;

    fn old() -> Vec<Deprecated> {
        vec![Deprecated {
            method: "old_thing".into(),
            note: "Use `new_thing`.".into(),
        }]
    }

    #[test]
    fn the_client_method_of_a_deprecated_operation_carries_its_note() {
        let mut file: syn::File = syn::parse_quote! {
            impl Client {
                pub fn old_thing(&self) -> builder::OldThing<'_> { todo!() }
                pub fn new_thing(&self) -> builder::NewThing<'_> { todo!() }
            }
            impl ClientInfo for Client {
                fn old_thing(&self) {}
            }
        };
        assert_eq!(client_methods(&mut file, &old()), 1);
        let expected: syn::File = syn::parse_quote! {
            impl Client {
                #[deprecated(note = "Use `new_thing`.")]
                pub fn old_thing(&self) -> builder::OldThing<'_> { todo!() }
                pub fn new_thing(&self) -> builder::NewThing<'_> { todo!() }
            }
            impl ClientInfo for Client {
                fn old_thing(&self) {}
            }
        };
        assert_eq!(
            prettyplease::unparse(&file),
            prettyplease::unparse(&expected)
        );
    }

    #[test]
    fn the_mock_of_a_deprecated_operation_carries_its_note_where_users_call_it() {
        let mut file: syn::File = syn::parse_quote! {
            pub trait MockServerExt {
                fn old_thing<F>(&self, config_fn: F) -> Mock<'_>;
                fn new_thing<F>(&self, config_fn: F) -> Mock<'_>;
            }
            impl MockServerExt for MockServer {
                fn old_thing<F>(&self, config_fn: F) -> Mock<'_> { todo!() }
                fn new_thing<F>(&self, config_fn: F) -> Mock<'_> { todo!() }
            }
        };
        assert_eq!(mock_methods(&mut file, &old()), 1);
        let text = prettyplease::unparse(&file);
        assert_eq!(
            text.matches("#[deprecated(note = \"Use `new_thing`.\")]")
                .count(),
            1
        );
        assert!(
            text.contains("#[deprecated(note = \"Use `new_thing`.\")]\n    fn old_thing<F>(&self, config_fn: F) -> Mock<'_>;"),
            "{text}"
        );
    }
}
