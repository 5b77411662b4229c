//! Request bodies sent as JSON Lines (`application/x-ndjson`): a dataset's appended records.
//!
//! The spec gives such a body as a list (`type: array`), and the generated builder takes the
//! list as any JSON body; its `send()` (xtask/src/generate/rewrite/json_lines.rs) sends each item as one
//! line of compact JSON, every line ended by `\n`, instead of the list as one JSON array. The
//! mocks match the same bytes ([`crate::__private`]).

use serde::Serialize;

/// The body of `items`: each one as compact JSON on a line of its own. JSON escapes a line
/// break inside a string, so no item spans two lines. An item that cannot be written as JSON
/// refuses the request, naming its place.
pub fn encode<T: Serialize>(items: &[T]) -> Result<String, String> {
    let mut body = String::new();
    for (at, item) in items.iter().enumerate() {
        let line = serde_json::to_string(item).map_err(|e| {
            format!(
                "item {at} of the JSON Lines body cannot be written as JSON ({e}); fix that item"
            )
        })?;
        body.push_str(&line);
        body.push('\n');
    }
    Ok(body)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;
    use std::collections::BTreeMap;

    #[test]
    fn each_item_is_one_line_of_compact_json_even_with_line_breaks_inside() {
        let items = [json!({"a": "one\ntwo", "b": 1}), json!({"a": "three"})];
        assert_eq!(
            encode(&items).unwrap(),
            "{\"a\":\"one\\ntwo\",\"b\":1}\n{\"a\":\"three\"}\n"
        );
        assert_eq!(encode::<serde_json::Value>(&[]).unwrap(), "");
    }

    #[test]
    fn an_item_json_cannot_hold_is_refused_by_its_place() {
        // A map with non-string keys has no JSON form.
        let bad: BTreeMap<Vec<u8>, u8> = [(vec![1], 1)].into();
        let error = encode(&[BTreeMap::new(), bad]).unwrap_err();
        assert!(
            error.starts_with("item 1 of the JSON Lines body cannot be written as JSON"),
            "{error}"
        );
    }
}
