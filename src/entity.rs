//! How generated entities and enums decode: one visitor loop for every entity, so the generated
//! code is a `match` on keys and nothing else.

use crate::error::{DecodeError, Error, Result};
use crate::fields::Fields;
use crate::raw::RawText;
use serde::de::{DeserializeSeed, MapAccess, Visitor};
use serde::{Deserialize, Deserializer, Serialize};
use serde_json::value::RawValue;
use std::borrow::Cow;
use std::fmt;
use std::marker::PhantomData;

/// Implemented by every generated entity.
pub trait Entity: Default {
    /// The spec name.
    const NAME: &'static str;
    /// JSON keys with a typed field.
    const KEYS: &'static [&'static str];
    /// Decodes the raw JSON value of `key` into its typed field; `false` when `key` has none.
    fn decode_raw(&mut self, key: &str, raw: &str) -> Result<bool, serde_json::Error>;
    /// The untyped keys.
    fn extra_mut(&mut self) -> &mut Fields;
    /// True for references (lookups, users) that also decode from a bare id string.
    const BARE_ID: bool = false;
    /// Sets the id of a reference that arrived as a bare id string.
    fn set_bare_id(&mut self, id: crate::Id) {
        let _ = id;
    }
}

/// A map key, borrowed from the input when it has no escapes.
pub struct Key<'de>(pub(crate) Cow<'de, str>);

impl Key<'_> {
    pub(crate) fn as_str(&self) -> &str {
        &self.0
    }
}

impl<'de> Deserialize<'de> for Key<'de> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = Key<'de>;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a string key")
            }
            fn visit_borrowed_str<E>(self, v: &'de str) -> Result<Key<'de>, E> {
                Ok(Key(Cow::Borrowed(v)))
            }
            fn visit_str<E>(self, v: &str) -> Result<Key<'de>, E> {
                Ok(Key(Cow::Owned(v.to_owned())))
            }
            fn visit_string<E>(self, v: String) -> Result<Key<'de>, E> {
                Ok(Key(Cow::Owned(v)))
            }
        }
        d.deserialize_str(V)
    }
}

/// Decodes into an existing entity: typed keys to their fields, the rest to `extra`.
///
/// Not strict (responses): a value whose type does not match its typed field is kept in `extra`
/// under its key, so type drift on Zoho's side never fails a whole page. Strict
/// (`set_field_value`): the mismatch is the caller's error.
struct Into<'a, T> {
    target: &'a mut T,
    strict: bool,
}

impl<'de, T: Entity> DeserializeSeed<'de> for Into<'_, T> {
    type Value = ();
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        if T::BARE_ID {
            d.deserialize_any(self)
        } else {
            d.deserialize_map(self)
        }
    }
}

impl<'de, T: Entity> Visitor<'de> for Into<'_, T> {
    type Value = ();
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if T::BARE_ID {
            write!(f, "a {} object or a bare id", T::NAME)
        } else {
            write!(f, "a {} object", T::NAME)
        }
    }
    fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<(), E> {
        self.bare(crate::Id::from(v))
    }
    fn visit_u64<E: serde::de::Error>(self, v: u64) -> Result<(), E> {
        self.bare(crate::Id::from(v))
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        // Typed keys are parsed from the captured text; the rest stay spans of the body.
        while let Some(key) = map.next_key::<Key<'de>>()? {
            let raw: RawText<'de> = map.next_value()?;
            match self.target.decode_raw(key.as_str(), &raw.0) {
                Ok(true) => continue,
                Err(e) if self.strict => return Err(serde::de::Error::custom(e)),
                Ok(false) => {}
                Err(e) => {
                    tracing::debug!(entity = T::NAME, key = key.as_str(), error = %e, "value of an unexpected type kept in extra");
                }
            }
            self.target
                .extra_mut()
                .push_decoded(key.as_str(), &raw.0)
                .ok_or_else(|| serde::de::Error::custom("an entity's own text would pass 4 GiB"))?;
        }
        Ok(())
    }
}

impl<T: Entity> Into<'_, T> {
    /// `"Owner": "4150868000000225013"`: older payloads and request bodies send references as
    /// bare ids.
    fn bare<E: serde::de::Error>(self, id: crate::Id) -> Result<(), E> {
        if T::BARE_ID {
            self.target.set_bare_id(id);
            Ok(())
        } else {
            Err(E::invalid_type(
                serde::de::Unexpected::Str(id.as_str()),
                &self,
            ))
        }
    }
}

/// `Deserialize` for a generated entity.
pub fn decode_entity<'de, T: Entity, D: Deserializer<'de>>(d: D) -> Result<T, D::Error> {
    let mut out = T::default();
    Into {
        target: &mut out,
        strict: false,
    }
    .deserialize(d)?;
    Ok(out)
}

/// `set_field_value`: a typed key sets its field, any other key goes to `extra`.
///
/// The value is written to JSON text once and decoded from that text (never through
/// `serde_json::Value`, which would reorder nested keys and re-round floats).
pub fn set_field<T: Entity>(target: &mut T, key: &str, value: &dyn erased::Value) -> Result<()> {
    let invalid = |message: String| Error::InvalidArgument {
        entity: T::NAME,
        field: key.to_owned(),
        message,
    };
    // One reused buffer per thread: writing a field costs no allocation of its own.
    thread_local! {
        static SCRATCH: std::cell::RefCell<String> = const { std::cell::RefCell::new(String::new()) };
    }
    SCRATCH.with(|scratch| {
        let mut fresh = String::new();
        // A `Serialize` impl that sets a field itself would find the buffer taken.
        let mut guard = scratch.try_borrow_mut();
        let text = match &mut guard {
            Ok(s) => &mut **s,
            Err(_) => &mut fresh,
        };
        text.clear();
        value
            .write_json(text)
            .map_err(|e| invalid(format!("cannot be written as JSON: {e}")))?;
        match target.decode_raw(key, text) {
            Ok(true) => Ok(()),
            Ok(false) => target
                .extra_mut()
                .set_json(key, text)
                .ok_or_else(|| invalid("the record's own text would pass 4 GiB".into())),
            Err(e) => Err(invalid(format!("{e} (got `{}`)", excerpt(text)))),
        }
    })
}

fn excerpt(text: &str) -> &str {
    match text.char_indices().nth(80) {
        Some((i, _)) => &text[..i],
        None => text,
    }
}

/// Object-safe "serialize to JSON" so `set_field` is not generic over the value type.
pub mod erased {
    /// Anything serializable.
    pub trait Value {
        /// Appends the value's JSON text to `out` (left unchanged on error).
        fn write_json(&self, out: &mut String) -> Result<(), serde_json::Error>;
    }
    impl<T: serde::Serialize> Value for T {
        fn write_json(&self, out: &mut String) -> Result<(), serde_json::Error> {
            let mut bytes = std::mem::take(out).into_bytes();
            let len = bytes.len();
            let written = serde_json::to_writer(&mut bytes, self);
            if written.is_err() {
                bytes.truncate(len);
            }
            // serde_json writes UTF-8 only; the check cannot fail, and on any failure the
            // buffer is simply dropped.
            *out = String::from_utf8(bytes).unwrap_or_default();
            written
        }
    }
}

/// The content of a JSON string without escapes (the common case), without running a parser.
/// `raw` is JSON text, so a `"` inside it is always escaped: looking for `\\` is enough (and a
/// byte loop beats a `char` search or a `memchr` call on strings this short).
fn plain_string(raw: &str) -> Option<&str> {
    let s = raw.strip_prefix('"')?.strip_suffix('"')?;
    (!s.bytes().any(|c| c == b'\\')).then_some(s)
}

/// A `string` field from its raw JSON.
pub fn string_from_json(raw: &str) -> Result<String, serde_json::Error> {
    match plain_string(raw) {
        Some(s) => Ok(s.to_owned()),
        None => serde_json::from_str(raw),
    }
}

/// An `id` field from its raw JSON (a string, or a number).
pub fn id_from_json(raw: &str) -> Result<crate::Id, serde_json::Error> {
    match plain_string(raw) {
        Some(s) => Ok(crate::Id::from(s)),
        None => serde_json::from_str(raw),
    }
}

/// A `decimal` field from its raw JSON (a number, or a string holding one).
pub fn decimal_from_json(raw: &str) -> Result<crate::Decimal, serde_json::Error> {
    crate::Decimal::from_json(raw).map_err(serde::de::Error::custom)
}

pub use crate::datetime::{date_from_json, datetime_from_json};

/// `Deserialize` for a generated enum: any string is accepted.
pub fn decode_enum<'de, T: for<'a> From<&'a str>, D: Deserializer<'de>>(
    d: D,
    name: &'static str,
) -> Result<T, D::Error> {
    struct V<T>(PhantomData<T>, &'static str);
    impl<T: for<'a> From<&'a str>> Visitor<'_> for V<T> {
        type Value = T;
        fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            write!(f, "a {} value (string)", self.1)
        }
        fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<T, E> {
            Ok(T::from(v))
        }
        fn visit_bool<E: serde::de::Error>(self, v: bool) -> Result<T, E> {
            Ok(T::from(if v { "true" } else { "false" }))
        }
    }
    d.deserialize_str(V(PhantomData, name))
}

/// An optional scalar that Zoho may send as a string (`"count": "3"`, `"paid": "true"`).
pub struct Lenient<T>(pub Option<T>);

macro_rules! lenient {
    ($t:ty, $parse:expr, $($visit:ident: $vt:ty => $conv:expr),*) => {
        impl<'de> Deserialize<'de> for Lenient<$t> {
            fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                struct V;
                impl Visitor<'_> for V {
                    type Value = Lenient<$t>;
                    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                        f.write_str(concat!("a ", stringify!($t), " (or one as a string)"))
                    }
                    fn visit_unit<E: serde::de::Error>(self) -> Result<Self::Value, E> {
                        Ok(Lenient(None))
                    }
                    fn visit_none<E: serde::de::Error>(self) -> Result<Self::Value, E> {
                        Ok(Lenient(None))
                    }
                    fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<Self::Value, E> {
                        let v = v.trim();
                        if v.is_empty() {
                            return Ok(Lenient(None));
                        }
                        let parse: fn(&str) -> Option<$t> = $parse;
                        parse(v).map(|x| Lenient(Some(x))).ok_or_else(|| E::custom(format_args!("`{v}` is not a {}", stringify!($t))))
                    }
                    $(fn $visit<E: serde::de::Error>(self, v: $vt) -> Result<Self::Value, E> {
                        let conv: fn($vt) -> Option<$t> = $conv;
                        conv(v).map(|x| Lenient(Some(x))).ok_or_else(|| E::custom(format_args!("{v} is not a {}", stringify!($t))))
                    })*
                }
                d.deserialize_any(V)
            }
        }
    };
}

// `3.7` or a number past `i64::MAX` is not an integer field's value: truncating it would change
// what is written back, so it is an error (and the value stays raw in `extra`).
lenient!(i64, |s| s.parse().ok(), visit_i64: i64 => Some, visit_u64: u64 => |v| i64::try_from(v).ok());
lenient!(bool, |s| match s { "true" | "TRUE" | "True" => Some(true), "false" | "FALSE" | "False" => Some(false), _ => None }, visit_bool: bool => Some);

/// Parses one typed field from its raw JSON.
pub fn from_raw<T: serde::de::DeserializeOwned>(raw: &str) -> Result<T, serde_json::Error> {
    crate::json::from_str(raw)
}

/// Serialize a value for a request body (used by generated code for body params).
pub(crate) fn to_raw(value: &impl Serialize, what: &str) -> Result<Box<RawValue>> {
    serde_json::value::to_raw_value(value).map_err(|e| {
        Error::from(DecodeError::new(
            0,
            format!("a JSON value for `{what}`"),
            b"",
            Some(e),
        ))
    })
}
