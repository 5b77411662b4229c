//! The numbers the spec bounds (`minimum`, `maximum`) and the lists whose length it bounds
//! (`minItems`, `maxItems`), checked before a request is sent. The generated types hold any
//! `f64`, `u64` or `Vec`, so a rate of 5 where the spec allows 0 to 1, or an empty list where
//! it asks for at least one item, would otherwise reach Prolific; the operation table (`generated::operations`, written by
//! xtask/src/generate/bounds.rs) lists each operation's bounds, and its check calls [`body`]
//! and [`query`]. An operation without bounds calls neither: its requests cost nothing more.
//!
//! A refusal is a [`ValidationError`](crate::ValidationError) whose `rule()` is `minimum`,
//! `maximum`, `minItems` or `maxItems`.

use crate::operation::{Sent, refused_by};

/// One bounded number of an operation's request, as the generated table states it.
#[derive(Debug)]
pub(crate) struct Bound {
    /// In a body: the place in the JSON sent, `/a/*/b` (`*`: every item of a list, every
    /// value of a map; segments escaped as in a JSON pointer). In a query: the parameter.
    pub at: &'static str,
    pub minimum: Option<f64>,
    pub maximum: Option<f64>,
    /// The minimum itself is refused (OpenAPI 3.0's `exclusiveMinimum: true`).
    pub exclusive_minimum: bool,
    /// The maximum itself is refused.
    pub exclusive_maximum: bool,
    /// The bounds are a list's length, not a number's.
    pub items: bool,
}

/// Checks every number `bounds` names in `body`, as it will be sent.
pub(crate) fn body<B: serde::Serialize>(body: &B, bounds: &[Bound]) -> Result<(), String> {
    // A body that does not encode fails where it is encoded, with that error.
    let Ok(value) = serde_json::to_value(body) else {
        return Ok(());
    };
    for bound in bounds {
        let segments: Vec<&str> = bound.at.split('/').skip(1).collect();
        within(&value, &segments, String::new(), bound)?;
    }
    Ok(())
}

/// Checks each query parameter `bounds` names, when the request has it.
pub(crate) fn query(request: &Sent<'_>, bounds: &[Bound]) -> Result<(), String> {
    for bound in bounds {
        if let Some(value) = request.query(bound.at)
            && let Ok(number) = value.parse::<f64>()
        {
            check(number, &format!("`{}`", bound.at), bound)?;
        }
    }
    Ok(())
}

/// Checks the numbers at `segments` under `value`; `shown` is the place reached so far, as a
/// refusal names it (`filters[2].weight`).
fn within(
    value: &serde_json::Value,
    segments: &[&str],
    shown: String,
    bound: &Bound,
) -> Result<(), String> {
    let Some((first, rest)) = segments.split_first() else {
        let shown = match shown.is_empty() {
            true => "the body".to_string(),
            false => format!("`{shown}`"),
        };
        return match (bound.items, value) {
            (true, serde_json::Value::Array(items)) => check(items.len() as f64, &shown, bound),
            (false, serde_json::Value::Number(number)) => match number.as_f64() {
                Some(number) => check(number, &shown, bound),
                None => Ok(()),
            },
            _ => Ok(()),
        };
    };
    match (*first, value) {
        ("*", serde_json::Value::Array(items)) => items
            .iter()
            .enumerate()
            .try_for_each(|(at, item)| within(item, rest, format!("{shown}[{at}]"), bound)),
        ("*", serde_json::Value::Object(map)) => map
            .iter()
            .try_for_each(|(key, item)| within(item, rest, format!("{shown}[{key:?}]"), bound)),
        (name, serde_json::Value::Object(map)) => {
            let name = name.replace("~1", "/").replace("~0", "~");
            let shown = match shown.is_empty() {
                true => name.clone(),
                false => format!("{shown}.{name}"),
            };
            match map.get(&name) {
                Some(item) => within(item, rest, shown, bound),
                None => Ok(()),
            }
        }
        // Not the shape the spec gives (null, another type): nothing to bound there.
        _ => Ok(()),
    }
}

/// `number` (a list's length, for a list) of `shown` (a name in backticks, or `the body`)
/// against `bound`: the refusal says which
/// bound and what is allowed.
fn check(number: f64, shown: &str, bound: &Bound) -> Result<(), String> {
    let (rules, is) = match bound.items {
        true => (["minItems", "maxItems"], format!("has {number} item(s)")),
        false => (["minimum", "maximum"], format!("is {number}")),
    };
    let allowed = allowed(bound);
    if let Some(minimum) = bound.minimum
        && (number < minimum || (bound.exclusive_minimum && number == minimum))
    {
        return Err(refused_by(
            rules[0],
            format!("{shown} {is}, below its minimum; pass {allowed}"),
        ));
    }
    if let Some(maximum) = bound.maximum
        && (number > maximum || (bound.exclusive_maximum && number == maximum))
    {
        return Err(refused_by(
            rules[1],
            format!("{shown} {is}, above its maximum; pass {allowed}"),
        ));
    }
    Ok(())
}

/// What the spec allows, in words: `a number at least 0 and at most 1`, `a list of at least 1
/// item(s)`.
fn allowed(bound: &Bound) -> String {
    let low = bound.minimum.map(|m| match bound.exclusive_minimum {
        true => format!("above {m}"),
        false => format!("at least {m}"),
    });
    let high = bound.maximum.map(|m| match bound.exclusive_maximum {
        true => format!("below {m}"),
        false => format!("at most {m}"),
    });
    let range = match (low, high) {
        (Some(low), Some(high)) => format!("{low} and {high}"),
        (Some(one), None) | (None, Some(one)) => one,
        (None, None) => "any".to_string(),
    };
    match bound.items {
        true => format!("a list of {range} item(s)"),
        false => format!("a number {range}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const RATE: Bound = Bound {
        at: "/rate",
        minimum: Some(0.0),
        maximum: Some(1.0),
        exclusive_minimum: false,
        exclusive_maximum: false,
        items: false,
    };

    fn rule_and_message(refusal: String) -> (String, String) {
        let (rule, message) = refusal
            .split_once(crate::operation::RULE_SEPARATOR)
            .unwrap();
        (rule.to_string(), message.to_string())
    }

    #[test]
    fn a_number_outside_its_bounds_is_refused_naming_the_bound_and_what_is_allowed() {
        assert_eq!(body(&serde_json::json!({"rate": 1.0}), &[RATE]), Ok(()));
        assert_eq!(body(&serde_json::json!({"rate": null}), &[RATE]), Ok(()));
        assert_eq!(body(&serde_json::json!({}), &[RATE]), Ok(()));
        let (rule, message) =
            rule_and_message(body(&serde_json::json!({"rate": 5}), &[RATE]).unwrap_err());
        assert_eq!(rule, "maximum");
        assert_eq!(
            message,
            "`rate` is 5, above its maximum; pass a number at least 0 and at most 1"
        );
        let (rule, _) =
            rule_and_message(body(&serde_json::json!({"rate": -0.5}), &[RATE]).unwrap_err());
        assert_eq!(rule, "minimum");
    }

    #[test]
    fn lists_and_maps_are_checked_item_by_item_and_exclusive_bounds_refuse_the_bound() {
        let weights = [Bound {
            at: "/filters/*/weights/*",
            minimum: Some(0.0),
            exclusive_minimum: true,
            ..RATE
        }];
        let ok = serde_json::json!({"filters": [{"weights": {"a": 0.5}}, {"weights": {}}]});
        assert_eq!(body(&ok, &weights), Ok(()));
        let zero = serde_json::json!({"filters": [{}, {"weights": {"a": 0.5, "b": 0}}]});
        let (rule, message) = rule_and_message(body(&zero, &weights).unwrap_err());
        assert_eq!(rule, "minimum");
        assert_eq!(
            message,
            "`filters[1].weights[\"b\"]` is 0, below its minimum; pass a number above 0 and at most 1"
        );
    }

    #[test]
    fn a_list_outside_its_length_bounds_is_refused_the_whole_body_too() {
        let records = [Bound {
            at: "",
            minimum: Some(1.0),
            maximum: Some(2.0),
            items: true,
            ..RATE
        }];
        assert_eq!(body(&serde_json::json!([1]), &records), Ok(()));
        let (rule, message) = rule_and_message(body(&serde_json::json!([]), &records).unwrap_err());
        assert_eq!(rule, "minItems");
        assert_eq!(
            message,
            "the body has 0 item(s), below its minimum; pass a list of at least 1 and at most 2 item(s)"
        );
    }
}
