//! The post-processing of progenitor's output, one step a module. Each step changes what
//! progenitor's settings cannot, and fails, naming the shape it expected, when progenitor's
//! output no longer has that shape (then the step is updated, never the generated file).
//!
//! - `send`: every builder's `send()` returns the SDK's `Error`, and the SDK reads and decodes
//!   every response itself (the status is kept in every error, every body is read under a cap);
//! - `constructors`: progenitor's constructors become crate-private, so the generated `Client`
//!   is the SDK's public client, built only through the hand-written `ClientBuilder`;
//! - `optional_setters`: the setters of optional fields accept a plain value (`"x"`) as well as
//!   an `Option` of one;
//! - `api_version`: progenitor's `api-version` header, which Prolific does not document, is not
//!   added to any request.
//!
//! The mocks' module has a step of its own, `mock_paths`: every path-parameter setter matches
//! the value exactly as the SDK sends it.

mod api_version;
mod constructors;
mod mock_paths;
mod optional_setters;
mod send;

/// Applies every step to `file`, in order.
pub fn apply(file: &mut syn::File) -> Result<(), String> {
    send::own_responses(file).map_err(|e| step("send.rs", e))?;
    constructors::make_crate_private(file).map_err(|e| step("constructors.rs", e))?;
    optional_setters::accept_plain_values(file).map_err(|e| step("optional_setters.rs", e))?;
    api_version::remove(file).map_err(|e| step("api_version.rs", e))?;
    Ok(())
}

/// Applies the mocks' step to `file`, the places read from the spec through `index`.
pub fn apply_mock(file: &mut syn::File, index: &crate::index::Index) -> Result<(), String> {
    mock_paths::exact(file, index).map_err(|e| step("mock_paths.rs", e))
}

fn step(module: &str, problem: String) -> String {
    format!("{problem}; progenitor's output changed shape, update xtask/src/rewrite/{module}")
}

/// Tokens as one comparable string: `quote!` spacing, whitespace removed.
fn flat(tokens: impl quote::ToTokens) -> String {
    tokens
        .to_token_stream()
        .to_string()
        .split_whitespace()
        .collect()
}

/// The inline module `name` among `items`.
fn module_mut<'a>(
    items: &'a mut [syn::Item],
    name: &str,
) -> Result<&'a mut Vec<syn::Item>, String> {
    items
        .iter_mut()
        .find_map(|item| match item {
            syn::Item::Mod(m) if m.ident == name => m.content.as_mut().map(|(_, items)| items),
            _ => None,
        })
        .ok_or_else(|| format!("progenitor's output has no `mod {name}`"))
}
