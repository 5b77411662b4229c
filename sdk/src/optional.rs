//! Values for optional fields: `.workspace_id("…")` as well as `.workspace_id(Some(id))`.
//!
//! The setters of optional fields in [`types::builder`](crate::types::builder) take any
//! [`IntoOptional`] value: a plain value of anything that converts to the field's type (`&str`
//! or `String` for a string field), or an `Option` of one (`None` leaves the field unset, as if
//! the setter had not been called).

use std::fmt::Display;

/// A value for an optional field of type `T`. `Marker` is [`Value`] or [`Maybe`]; the compiler
/// picks it from the argument, so callers never name it.
pub trait IntoOptional<T, Marker> {
    /// The field's value, or why the conversion failed.
    fn into_optional(self) -> Result<Option<T>, String>;
}

/// Marks a plain value (`"…"`, a `String`, a `Vec`) given for an optional field.
#[derive(Debug)]
pub enum Value {}

/// Marks an `Option` given for an optional field.
#[derive(Debug)]
pub enum Maybe {}

impl<T, V> IntoOptional<T, Value> for V
where
    V: TryInto<T>,
    V::Error: Display,
{
    fn into_optional(self) -> Result<Option<T>, String> {
        self.try_into().map(Some).map_err(|e| e.to_string())
    }
}

impl<T, V> IntoOptional<T, Maybe> for Option<V>
where
    V: TryInto<T>,
    V::Error: Display,
{
    fn into_optional(self) -> Result<Option<T>, String> {
        self.map(TryInto::try_into)
            .transpose()
            .map_err(|e| e.to_string())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn set<V: IntoOptional<String, M>, M>(value: V) -> Option<String> {
        value.into_optional().unwrap()
    }

    #[test]
    fn plain_values_and_options_both_set_the_field() {
        assert_eq!(set("a"), Some("a".to_string()));
        assert_eq!(set("b".to_string()), Some("b".to_string()));
        assert_eq!(set(Some("c")), Some("c".to_string()));
        assert_eq!(set(None::<&str>), None);
    }
}
