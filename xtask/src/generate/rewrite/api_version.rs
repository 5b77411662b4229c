//! progenitor adds `api-version: <info.version>` to every request it builds. Prolific documents
//! no such header, and the SDK sends only what Prolific's docs describe: the statement that
//! adds it is removed from every builder, rather than the header removed from every request.
//! The map progenitor sized for it (and for any header parameters) starts empty instead: an
//! empty `HeaderMap` allocates nothing.

use syn::{ImplItem, Item, Stmt};

use super::{flat, module_mut};

/// Whether `stmt` is progenitor's `header_map.append(HeaderName::from_static("api-version"), ..);`.
fn adds_it(stmt: &Stmt) -> bool {
    let text = flat(stmt);
    matches!(stmt, Stmt::Expr(..))
        && text.starts_with("header_map.append(")
        && text.contains("from_static(\"api-version\")")
}

/// Removes the `api-version` header from every builder's `send()`; returns from how many.
pub fn remove(file: &mut syn::File) -> Result<usize, String> {
    let builder = module_mut(&mut file.items, "builder")?;
    let mut removed = 0;
    for item in builder.iter_mut() {
        let Item::Impl(block) = item else { continue };
        for member in &mut block.items {
            let ImplItem::Fn(function) = member else {
                continue;
            };
            let before = function.block.stmts.len();
            function.block.stmts.retain(|stmt| !adds_it(stmt));
            if function.block.stmts.len() == before {
                continue;
            }
            removed += 1;
            for stmt in &mut function.block.stmts {
                if flat(&*stmt).starts_with("letmutheader_map=") {
                    *stmt = syn::parse_quote! {
                        #[allow(unused_mut)]
                        let mut header_map = ::reqwest::header::HeaderMap::new();
                    };
                }
            }
        }
    }
    Ok(removed)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_header_is_never_added_and_the_map_starts_empty() {
        let mut file: syn::File = syn::parse_quote! {
            pub mod builder {
                impl<'a> GetThing<'a> {
                    async fn send_generated(self) {
                        let mut header_map = ::reqwest::header::HeaderMap::with_capacity(2usize);
                        header_map.append(
                            ::reqwest::header::HeaderName::from_static("api-version"),
                            ::reqwest::header::HeaderValue::from_static(super::Client::api_version()),
                        );
                        header_map.append("x-trace", value);
                    }
                }
            }
        };
        assert_eq!(remove(&mut file), Ok(1));
        let code = flat(&file);
        assert!(!code.contains("api-version"), "{code}");
        assert!(code.contains("letmutheader_map=::reqwest::header::HeaderMap::new();"));
        // A header parameter of the operation stays.
        assert!(code.contains("header_map.append(\"x-trace\",value);"));
        assert_eq!(remove(&mut file), Ok(0));
    }
}
