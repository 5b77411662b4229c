//! A type only requests hold refuses a key it does not know, naming it: a body built from JSON
//! (`serde_json::from_value`, a file, a published example) cannot lose a field on the way to
//! the wire. Types a response can hold still read new fields, so no answer fails because
//! Prolific added one.
//!
//! typify derives `Deserialize` without `deny_unknown_fields` for every object (the normalizer
//! drops `additionalProperties: false`, spec/README.md). This step adds
//! `#[serde(deny_unknown_fields)]` to each struct of `mod types` that no answer type reaches
//! ([`super::open_enums::response_types`], from typify's type space), so the split follows the
//! spec as the generator reads it, not a list.

use syn::Item;

/// Closes each struct of `names` in `mod types`; returns how many. A struct that flattens a
/// field (which serde cannot close) is refused by name.
pub fn close(file: &mut syn::File, names: &[String]) -> Result<usize, String> {
    let types = super::module_mut(&mut file.items, "types")?;
    let mut closed = 0;
    for name in names {
        let structure = types
            .iter_mut()
            .find_map(|item| match item {
                Item::Struct(s) if s.ident == name => Some(s),
                _ => None,
            })
            .ok_or_else(|| format!("no `struct {name}` in `mod types`"))?;
        let flattens = structure.fields.iter().any(|field| {
            field
                .attrs
                .iter()
                .any(|a| a.path().is_ident("serde") && super::flat(&a.meta).contains("flatten"))
        });
        if flattens {
            return Err(format!(
                "`{name}` flattens a field, so it cannot refuse unknown keys; give its schema \
                 the properties themselves"
            ));
        }
        structure
            .attrs
            .push(syn::parse_quote!(#[serde(deny_unknown_fields)]));
        closed += 1;
    }
    Ok(closed)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_request_only_struct_refuses_unknown_keys_and_others_are_left_open() {
        let mut file: syn::File = syn::parse_quote! {
            pub mod types {
                #[derive(Deserialize)]
                pub struct Sent { pub a: String }
                #[derive(Deserialize)]
                pub struct Answered { pub b: String }
            }
        };
        assert_eq!(close(&mut file, &["Sent".to_string()]), Ok(1));
        let code = super::super::flat(&file);
        assert!(
            code.contains("#[derive(Deserialize)]#[serde(deny_unknown_fields)]pubstructSent"),
            "{code}"
        );
        assert!(
            code.contains("#[derive(Deserialize)]pubstructAnswered"),
            "{code}"
        );
        assert_eq!(
            close(&mut file, &["Missing".to_string()]),
            Err("no `struct Missing` in `mod types`".into())
        );
    }
}
