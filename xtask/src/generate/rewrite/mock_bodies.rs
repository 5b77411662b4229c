//! Every request-body setter of the mocks' `When`s takes the body by reference.
//!
//! progenitor's httpmock generator passes a body type that typify makes `Copy` (an enum of
//! strings, such as a transition's `action`) by value, `fn body(self, value: types::Action)`,
//! and hands it to httpmock's `json_body_obj`, which takes a reference: the mocks do not
//! compile. Each such setter takes `&T`, as every other body setter does, so users write
//! `.body(&value)` whatever the body's type.
//!
//! Counted against the spec: one `body` setter per operation with a JSON request body.

use syn::{FnArg, ImplItem, Item, Pat, Type};

use super::module_mut;

/// Makes every `body` setter in `mod operations` take a reference; returns how many `body`
/// setters there are (each now by reference).
pub fn by_reference(file: &mut syn::File) -> Result<usize, String> {
    let operations = module_mut(&mut file.items, "operations")?;
    let mut setters = 0;
    for item in operations.iter_mut() {
        let Item::Impl(block) = item else { continue };
        for item in &mut block.items {
            let ImplItem::Fn(setter) = item else { continue };
            if setter.sig.ident != "body" {
                continue;
            }
            let Some(FnArg::Typed(value)) = setter.sig.inputs.iter_mut().nth(1) else {
                return Err("a `body` setter without its `value` argument".to_string());
            };
            if !matches!(&*value.pat, Pat::Ident(name) if name.ident == "value") {
                return Err("a `body` setter whose argument is not `value`".to_string());
            }
            if !matches!(*value.ty, Type::Reference(_)) {
                let owned = (*value.ty).clone();
                *value.ty = syn::parse_quote!(&#owned);
            }
            setters += 1;
        }
    }
    Ok(setters)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::generate::rewrite::flat;

    #[test]
    fn a_body_given_by_value_is_taken_by_reference() {
        let mut file: syn::File = syn::parse_quote! {
            pub mod operations {
                impl TransitionWhen {
                    pub fn body(self, value: types::Action) -> Self {
                        Self(self.0.json_body_obj(value))
                    }
                }
                impl CreateWhen {
                    pub fn body(self, value: &types::Create) -> Self {
                        Self(self.0.json_body_obj(value))
                    }
                }
            }
        };
        assert_eq!(by_reference(&mut file), Ok(2));
        let code = flat(&file);
        assert!(
            code.contains("pubfnbody(self,value:&types::Action)->Self"),
            "{code}"
        );
        assert!(
            code.contains("pubfnbody(self,value:&types::Create)->Self"),
            "{code}"
        );
    }
}
