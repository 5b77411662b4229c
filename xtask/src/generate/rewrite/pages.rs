//! Every paged list's builder gets `.stream()`: every item of every page, fetched as the stream
//! is read (`crate::pages::stream` in the SDK).
//!
//! A list is paged when the spec gives its operation the query parameters of one of Prolific's
//! two styles, `page` and `page_size` or `offset` and `limit`, and its success is an object
//! whose `results` is the page's items ([`Operation::paging`](spec_model::Operation::paging)).
//! Nothing is written per operation: the parameters and their defaults come from the spec, the
//! item type from typify's `results` field of the answer type.
//!
//! The method keeps the builder as the user set it (filters, a page size, a start, the call's
//! settings) and changes only the position for each page; `send()` sends each page as any call.

use quote::{format_ident, quote};
use syn::{ImplItem, Item};

use super::{first_type_argument, module_mut};
use spec_model::Paging;

/// A paged list's builder, and how its pages are counted.
#[derive(Debug, Clone, PartialEq)]
pub struct PagedList {
    /// The builder's type, e.g. `GetSubmissions`.
    pub builder: String,
    /// The answer's type as the builder's `send()` returns it, e.g.
    /// `types::GetSubmissionsResponse`.
    pub answer: String,
    /// The paging parameters and their defaults.
    pub paging: Paging,
}

/// Adds `stream()` to each builder of `lists`; returns how many.
pub fn streams(file: &mut syn::File, lists: &[PagedList]) -> Result<usize, String> {
    let mut added = 0;
    for list in lists {
        let item = item_type(file, list)?;
        let method = stream_method(list, &item)?;
        let builder = module_mut(&mut file.items, "builder")?;
        let block = super::builder_fields::impl_of(builder, &list.builder)?;
        if block
            .items
            .iter()
            .any(|i| matches!(i, ImplItem::Fn(f) if f.sig.ident == "stream"))
        {
            return Err(format!(
                "`{}` has a parameter named `stream`, the name of the paged list's method; \
                 rename the parameter in the spec",
                list.builder
            ));
        }
        let send = block
            .items
            .iter()
            .position(|i| matches!(i, ImplItem::Fn(f) if f.sig.ident == "send"))
            .ok_or_else(|| format!("`impl {}` has no `send()`", list.builder))?;
        block.items.insert(send + 1, method);
        added += 1;
    }
    Ok(added)
}

/// `T` of the answer's `results: Vec<T>`, from typify's type in `mod types`.
fn item_type(file: &syn::File, list: &PagedList) -> Result<syn::Type, String> {
    let name = list.answer.rsplit("::").next().unwrap_or_default();
    let types = super::module(&file.items, "types")?;
    let fields = types
        .iter()
        .find_map(|item| match item {
            Item::Struct(s) if s.ident == name => Some(&s.fields),
            _ => None,
        })
        .ok_or_else(|| format!("no `struct {name}` in `mod types` ({})", list.builder))?;
    let results = fields
        .iter()
        .find(|f| f.ident.as_ref().is_some_and(|i| i == "results"))
        .ok_or_else(|| format!("`{name}` has no field `results`"))?;
    let syn::Type::Path(path) = &results.ty else {
        return Err(format!("`{name}::results` is not a `Vec<_>`"));
    };
    let item = path
        .path
        .segments
        .last()
        .filter(|last| last.ident == "Vec")
        .and_then(|last| first_type_argument(&last.arguments))
        .cloned()
        .ok_or_else(|| format!("`{name}::results` is not a `Vec<_>`"))?;
    // Inside `mod types` a generated type is named bare; the builders name it `types::T`.
    let generated = |ident: &syn::Ident| {
        types.iter().any(|item| match item {
            Item::Struct(s) => s.ident == *ident,
            Item::Enum(e) => e.ident == *ident,
            Item::Type(t) => t.ident == *ident,
            _ => false,
        })
    };
    match &item {
        syn::Type::Path(bare)
            if bare.qself.is_none()
                && bare.path.leading_colon.is_none()
                && bare.path.segments.len() == 1
                && generated(&bare.path.segments[0].ident) =>
        {
            Ok(syn::parse_quote!(types::#bare))
        }
        _ => Ok(item),
    }
}

/// The `stream()` of one list.
fn stream_method(list: &PagedList, item: &syn::Type) -> Result<ImplItem, String> {
    let paging = &list.paging;
    let position = format_ident!("{}", paging.position);
    let size = format_ident!("{}", paging.size);
    let (start, default_size) = (paging.start, paging.default_size);
    let style = match paging.by_page {
        true => quote!(crate::pages::Paging::Page),
        false => quote!(crate::pages::Paging::Offset),
    };
    let counted = match paging.by_page {
        true => format!("page by page from `{}` (1 unless set)", paging.position),
        false => format!("from `{}` ({start} unless set)", paging.position),
    };
    let doc = format!(
        " Every item of every page of this list, {counted}, `{}` items a page ({default_size} \
         unless set). A page is fetched only when the stream is read past the one before, \
         with this builder's parameters and settings; the stream ends after a short or empty \
         page, or with an error as its last item, after the items already read.",
        paging.size
    );
    let tokens = quote! {
        #[doc = #doc]
        pub fn stream(
            self,
        ) -> impl ::futures_util::Stream<Item = Result<#item, crate::Error>> + 'a {
            let start = match &self.#position {
                Ok(Some(at)) => u64::from(*at),
                _ => #start,
            };
            let size = match &self.#size {
                Ok(Some(size)) => u64::from(*size),
                _ => #default_size,
            };
            crate::pages::stream(self, #style, start, size, move |mut builder: Self, at| {
                builder.#position = crate::pages::parameter(at);
                builder.#size = crate::pages::parameter(size);
                async move { builder.send().await.map(|answer| answer.into_inner().results) }
            })
        }
    };
    syn::parse2(tokens).map_err(|e| format!("`{}::stream` does not parse: {e}", list.builder))
}
