//! The mocks' `MockServerExt` is sealed: implemented for httpmock's `MockServer` only.
//!
//! progenitor's trait has one method per operation, and users could implement it themselves:
//! then every operation added to the spec would break them, a major release each time (as
//! cargo-semver-checks reports it: `trait_method_added`). Sealed by the supertrait
//! `crate::sealed::Sealed` (sdk-mock/src/lib.rs), which no other crate can name, a new method
//! breaks no one, and adding an operation is the minor release `cargo xtask diff` says it is.

use syn::Item;

/// Adds the supertrait to `MockServerExt`; returns how many traits it sealed (one).
pub fn seal(file: &mut syn::File) -> Result<usize, String> {
    let mut sealed = 0;
    for item in &mut file.items {
        let Item::Trait(extension) = item else {
            continue;
        };
        if extension.ident != "MockServerExt" {
            continue;
        }
        if !extension.supertraits.is_empty() {
            return Err("`MockServerExt` already has a supertrait".to_string());
        }
        extension.colon_token = Some(Default::default());
        extension
            .supertraits
            .push(syn::parse_quote!(crate::sealed::Sealed));
        sealed += 1;
    }
    Ok(sealed)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::generate::rewrite::flat;

    #[test]
    fn the_extension_trait_gets_the_sealing_supertrait() {
        let mut file: syn::File = syn::parse_quote! {
            pub trait MockServerExt {
                fn get_thing<F>(&self, config_fn: F) -> ::httpmock::Mock<'_>;
            }
            impl MockServerExt for ::httpmock::MockServer {}
        };
        assert_eq!(seal(&mut file), Ok(1));
        assert!(flat(&file).starts_with("pubtraitMockServerExt:crate::sealed::Sealed{"));
        assert_eq!(
            seal(&mut file),
            Err("`MockServerExt` already has a supertrait".to_string())
        );
    }
}
