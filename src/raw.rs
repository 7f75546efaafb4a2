//! Raw JSON text without a copy: a value captured as the exact bytes Zoho sent, and written back
//! verbatim.
//!
//! `serde_json` exposes raw text as `&RawValue` (borrowing deserializers only) or `Box<RawValue>`
//! (always a copy). Capturing through its raw-value protocol directly gives both in one type:
//! borrowed from `from_slice`/`from_str`, owned from `from_reader` or a `Value`. The protocol's
//! name is `serde_json`'s; the tests below fail loudly if it ever changes.

use serde::de::{self, DeserializeSeed, Deserializer, MapAccess, Visitor};
use serde::ser::{SerializeStruct, Serializer};
use std::borrow::Cow;
use std::fmt;

/// The name `serde_json` uses for raw values in both directions. A `static`, so the crate's own
/// reader (`crate::json`) can know `RawText` by the name's address before comparing its text.
pub(crate) static TOKEN: &str = "$serde_json::private::RawValue";

/// The raw JSON text of one value: borrowed from the input when it can be.
pub(crate) struct RawText<'de>(pub(crate) Cow<'de, str>);

impl<'de> de::Deserialize<'de> for RawText<'de> {
    #[inline]
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_newtype_struct(TOKEN, Outer)
    }
}

struct Outer;

impl<'de> Visitor<'de> for Outer {
    type Value = RawText<'de>;
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("any JSON value")
    }
    #[inline]
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
        if map.next_key::<de::IgnoredAny>()?.is_none() {
            return Err(de::Error::invalid_type(de::Unexpected::Map, &self));
        }
        map.next_value_seed(Inner)
    }
}

struct Inner;

impl<'de> DeserializeSeed<'de> for Inner {
    type Value = RawText<'de>;
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
        d.deserialize_str(self)
    }
}

impl<'de> Visitor<'de> for Inner {
    type Value = RawText<'de>;
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("raw JSON text")
    }
    fn visit_borrowed_str<E>(self, v: &'de str) -> Result<Self::Value, E> {
        Ok(RawText(Cow::Borrowed(v)))
    }
    fn visit_str<E>(self, v: &str) -> Result<Self::Value, E> {
        Ok(RawText(Cow::Owned(v.to_owned())))
    }
    fn visit_string<E>(self, v: String) -> Result<Self::Value, E> {
        Ok(RawText(Cow::Owned(v)))
    }
}

/// Writes `json` (valid JSON text) verbatim: `serde_json` copies it into the output unchanged.
pub(crate) fn serialize<S: Serializer>(json: &str, s: S) -> Result<S::Ok, S::Error> {
    let mut st = s.serialize_struct(TOKEN, 1)?;
    st.serialize_field(TOKEN, json)?;
    st.end()
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde::Deserialize;

    /// A `Serialize` wrapper for raw JSON text.
    struct Verbatim<'a>(&'a str);

    impl serde::Serialize for Verbatim<'_> {
        fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
            serialize(self.0, s)
        }
    }

    #[test]
    fn borrowed_from_slices_owned_from_readers_and_values() {
        let text = r#"{"a": [1, 2.50, "x"]}"#;
        let v: RawText = serde_json::from_str(text).unwrap();
        assert!(matches!(v.0, Cow::Borrowed(s) if s == text));
        let mut de = serde_json::Deserializer::from_reader(text.as_bytes());
        let v = RawText::deserialize(&mut de).unwrap();
        assert!(matches!(&v.0, Cow::Owned(s) if s == text));
        let value: serde_json::Value = serde_json::from_str("1000").unwrap();
        let v = RawText::deserialize(value).unwrap();
        assert_eq!(v.0, "1000");
    }

    #[test]
    fn written_verbatim() {
        let out = serde_json::to_string(&[Verbatim("1000"), Verbatim("-18.458750000000002")]);
        assert_eq!(out.unwrap(), "[1000,-18.458750000000002]");
    }
}
