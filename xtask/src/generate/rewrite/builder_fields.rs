//! A field added to a progenitor request builder, the way the steps `form` and `call_settings`
//! add theirs: declared in the struct, empty in `new()`, and taken out of `self` where the
//! request is sent. Each function fails naming the shape it did not find.

use syn::{Expr, ImplItemFn, Item, ItemImpl, Stmt};

use super::flat;

/// The builder's inherent `impl Name<'a>` block.
pub fn impl_of<'a>(builder: &'a mut [Item], name: &str) -> Result<&'a mut ItemImpl, String> {
    builder
        .iter_mut()
        .find_map(|item| match item {
            Item::Impl(block)
                if block.trait_.is_none()
                    && flat(&block.self_ty).split('<').next() == Some(name) =>
            {
                Some(block)
            }
            _ => None,
        })
        .ok_or_else(|| format!("no `impl {name}` in the builder module"))
}

/// `field: ty` added to `struct Name`.
pub fn declare(builder: &mut [Item], name: &str, field: syn::Field) -> Result<(), String> {
    let structure = builder
        .iter_mut()
        .find_map(|item| match item {
            Item::Struct(s) if s.ident == name => Some(s),
            _ => None,
        })
        .ok_or_else(|| format!("no `struct {name}` in the builder module"))?;
    let syn::Fields::Named(fields) = &mut structure.fields else {
        return Err(format!("`struct {name}` has no named fields"));
    };
    fields.named.push(field);
    Ok(())
}

/// `field: Default::default()` added to the `Self { .. }` that `new()` returns.
pub fn empty_in_new(new: &mut ImplItemFn, name: &str, field: &syn::Ident) -> Result<(), String> {
    let Some(Stmt::Expr(Expr::Struct(value), None)) = new.block.stmts.last_mut() else {
        return Err(format!("`{name}::new()` does not end with `Self {{ .. }}`"));
    };
    value
        .fields
        .push(syn::parse_quote!(#field: ::std::default::Default::default()));
    Ok(())
}

/// `field` added to the `let Self { .. } = self;` of `function`.
pub fn take_from_self(
    function: &mut ImplItemFn,
    name: &str,
    field: &syn::Ident,
) -> Result<(), String> {
    let sent = function.sig.ident.to_string();
    let destructure = function
        .block
        .stmts
        .iter_mut()
        .find_map(|stmt| match stmt {
            Stmt::Local(local) if flat(&local.init.as_ref()?.expr) == "self" => {
                match &mut local.pat {
                    syn::Pat::Struct(pattern) => Some(pattern),
                    _ => None,
                }
            }
            _ => None,
        })
        .ok_or_else(|| format!("`{name}::{sent}()` has no `let Self {{ .. }} = self;`"))?;
    let syn::Pat::Struct(with_field) = syn::parse_quote!(Self { #field }) else {
        return Err(format!("`Self {{ {field} }}` does not parse as a pattern"));
    };
    destructure.fields.extend(with_field.fields);
    Ok(())
}
