//! A value of an enum that this SDK does not know yet, as Prolific sent it.
//!
//! Every enum an answer can hold has a last variant, `Unrecognized(Unrecognized)` (rewrite step
//! `open_enums`), so that a value Prolific adds does not fail the whole answer. Only the SDK
//! makes one, when it reads a value none of the known variants names: a known value always
//! reads as its own variant, so two equal values always compare equal.

use std::fmt;
use std::str::FromStr;

/// A value this SDK does not know yet, as Prolific sent it. Read it with [`as_str`]; it cannot
/// be made outside the SDK, so a value the SDK knows never arrives as one.
///
/// [`as_str`]: Unrecognized::as_str
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Unrecognized(String);

impl Unrecognized {
    /// The value as Prolific sent it.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for Unrecognized {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// Written back as it came.
impl serde::Serialize for Unrecognized {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&self.0)
    }
}

/// Its schema is a string, as the spec's enum is (the `types-match-spec` check compares them).
#[cfg(feature = "schemars")]
impl schemars::JsonSchema for Unrecognized {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        "Unrecognized".into()
    }

    fn inline_schema() -> bool {
        true
    }

    fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
        schemars::json_schema!({"type": "string"})
    }
}

/// Reads an open enum `T` from a string: the variant its `FromStr` names (the enum's own
/// values, exactly), or `unknown` of the text. Each open enum's `Deserialize` calls it: one
/// pass over the text, where serde's `untagged` variant would buffer the value first.
pub(crate) fn deserialize<'de, D, T>(
    deserializer: D,
    unknown: fn(Unrecognized) -> T,
) -> Result<T, D::Error>
where
    D: serde::Deserializer<'de>,
    T: FromStr,
{
    struct Values<T>(fn(Unrecognized) -> T);

    impl<T: FromStr> serde::de::Visitor<'_> for Values<T> {
        type Value = T;

        fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.write_str("a string")
        }

        fn visit_str<E: serde::de::Error>(self, value: &str) -> Result<T, E> {
            Ok(value
                .parse()
                .unwrap_or_else(|_| (self.0)(Unrecognized(value.to_string()))))
        }
    }

    deserializer.deserialize_str(Values(unknown))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug, PartialEq)]
    enum Status {
        Active,
        Unrecognized(Unrecognized),
    }

    impl FromStr for Status {
        type Err = ();
        fn from_str(value: &str) -> Result<Self, ()> {
            match value {
                "ACTIVE" => Ok(Self::Active),
                _ => Err(()),
            }
        }
    }

    impl<'de> serde::Deserialize<'de> for Status {
        fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
            deserialize(deserializer, Self::Unrecognized)
        }
    }

    #[test]
    fn a_known_value_is_its_variant_and_any_other_text_is_kept() {
        let read: Vec<Status> =
            serde_json::from_str(r#"["ACTIVE", "ARCHIVED", "active"]"#).unwrap();
        assert_eq!(read[0], Status::Active);
        let Status::Unrecognized(archived) = &read[1] else {
            panic!("{read:?}")
        };
        assert_eq!(archived.as_str(), "ARCHIVED");
        assert_eq!(archived.to_string(), "ARCHIVED");
        assert_eq!(serde_json::to_string(archived).unwrap(), "\"ARCHIVED\"");
        // Values are exact: another case is another value.
        assert!(matches!(&read[2], Status::Unrecognized(v) if v.as_str() == "active"));
    }

    #[test]
    fn what_is_not_a_string_is_an_error() {
        for json in ["3", "null", "{}", "[]"] {
            assert!(serde_json::from_str::<Status>(json).is_err(), "{json}");
        }
    }
}
