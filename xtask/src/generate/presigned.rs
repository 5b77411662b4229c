//! The answers that hold a pre-signed link (a schema with `expires_at` beside `upload_url` or
//! `url`): `generate` makes each one's type an `UploadLink` (`upload_url`) or a `DownloadLink`
//! (`url`), which `Client::upload_to` and `Client::download_from` (sdk/src/transfer.rs) take.
//! The shape is read from the spec, so a new operation that hands out a link needs no code.

use proc_macro2::TokenStream;
use quote::{format_ident, quote};
use serde_json::Value;

use spec_model::Index;

use crate::generate::names::RustNames;

/// One answer type that holds a link.
#[derive(Debug, Clone, PartialEq)]
pub struct Link {
    /// The generated type, e.g. `GetDatasetUploadUrlResponse`.
    pub type_name: String,
    /// The field that holds the link: `upload_url` (sent to) or `url` (fetched from).
    pub field: &'static str,
}

/// Every named schema of `spec` that holds a link, by the name typify gave its type (`names`).
pub fn links(spec: &Value, names: &RustNames) -> Result<Vec<Link>, String> {
    let index = Index::new(spec);
    let mut found = Vec::new();
    for (name, schema) in index.schemas() {
        let flat = index.flatten(schema);
        let Some(properties) = flat.get("properties").and_then(Value::as_object) else {
            continue;
        };
        if !properties.contains_key("expires_at") {
            continue;
        }
        let field = if properties.contains_key("upload_url") {
            "upload_url"
        } else if properties.contains_key("url") {
            "url"
        } else {
            continue;
        };
        let Some(type_name) = names.schema(name) else {
            return Err(format!(
                "components.schemas.{name} holds a pre-signed link, but progenitor generated no \
                 type for it"
            ));
        };
        found.push(Link {
            type_name: type_name.to_string(),
            field,
        });
    }
    Ok(found)
}

/// The impls that make each link's type an `UploadLink` or a `DownloadLink`.
pub fn items(links: &[Link]) -> TokenStream {
    links
        .iter()
        .map(|link| {
            let ty = format_ident!("{}", link.type_name);
            let field = link.field;
            let which = match field {
                "upload_url" => quote!(UploadLink),
                _ => quote!(DownloadLink),
            };
            quote! {
                impl crate::transfer::sealed::Sealed for types::#ty {}
                impl crate::transfer::#which for types::#ty {
                    const FIELD: &'static str = #field;
                }
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn a_schema_with_expires_at_beside_upload_url_or_url_holds_a_link() {
        let spec = json!({"components": {"schemas": {
            "UploadTicket": {"type": "object", "properties": {
                "upload_url": {"type": "string"}, "expires_at": {"type": "string"},
            }},
            "Report": {"allOf": [
                {"type": "object", "properties": {"url": {"type": "string"}}},
                {"type": "object", "properties": {"expires_at": {"type": "string"}}},
            ]},
            "Website": {"type": "object", "properties": {"url": {"type": "string"}}},
        }}});
        let names = RustNames::of_schemas([
            ("UploadTicket", "UploadTicket"),
            ("Report", "Report"),
            ("Website", "Website"),
        ]);
        let mut found = links(&spec, &names).unwrap();
        found.sort_by(|a, b| a.type_name.cmp(&b.type_name));
        assert_eq!(
            found,
            [
                Link {
                    type_name: "Report".into(),
                    field: "url"
                },
                Link {
                    type_name: "UploadTicket".into(),
                    field: "upload_url"
                },
            ]
        );
        let code = items(&found).to_string();
        assert!(code.contains("impl crate :: transfer :: DownloadLink for types :: Report"));
        assert!(code.contains("impl crate :: transfer :: UploadLink for types :: UploadTicket"));
    }

    #[test]
    fn a_link_without_its_generated_type_is_named() {
        let spec = json!({"components": {"schemas": {"Ticket": {"type": "object", "properties": {
            "url": {"type": "string"}, "expires_at": {"type": "string"},
        }}}}});
        assert_eq!(
            links(&spec, &RustNames::default()),
            Err(
                "components.schemas.Ticket holds a pre-signed link, but progenitor generated no \
                 type for it"
                    .to_string()
            )
        );
    }
}
