//! `Fields` (the keys a spec entity does not model, kept as raw JSON) and `Id`.

use crate::error::{DecodeError, Error, Result};
use serde::de::{DeserializeOwned, MapAccess, Visitor};
use serde::ser::SerializeMap;
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use serde_json::value::RawValue;
use std::fmt;

/// JSON keys an entity does not type, in arrival order, each kept as raw JSON text.
///
/// Keeping values raw is what makes decoding a page of records cheap: nothing is parsed into a
/// tree until asked for. Read a value with [`Fields::get_as`]; write one with [`Fields::set`].
#[derive(Clone, Default)]
pub struct Fields(Vec<(Box<str>, Box<RawValue>)>);

impl Fields {
    /// No fields.
    pub fn new() -> Self {
        Self::default()
    }

    /// Number of fields.
    pub fn len(&self) -> usize {
        self.0.len()
    }

    /// True when there are none.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// The raw JSON of `key`.
    pub fn get(&self, key: &str) -> Option<&RawValue> {
        self.0.iter().find(|(k, _)| &**k == key).map(|(_, v)| &**v)
    }

    /// `key` decoded as `T`: `None` when absent, an error when it is not a `T`.
    pub fn get_as<T: DeserializeOwned>(&self, key: &str) -> Option<Result<T>> {
        self.get(key).map(|raw| {
            serde_json::from_str(raw.get()).map_err(|e| {
                Error::from(DecodeError::new(
                    0,
                    format!("field `{key}` as {}", std::any::type_name::<T>()),
                    raw.get().as_bytes(),
                    Some(e),
                ))
            })
        })
    }

    /// `key` as a string, when it is one.
    pub fn get_str(&self, key: &str) -> Option<String> {
        self.get_as::<Option<String>>(key)
            .and_then(|r| r.ok().flatten())
    }

    /// Sets `key` to `value` (replacing any previous value).
    pub fn set(&mut self, key: &str, value: impl Serialize) -> Result<&mut Self> {
        let raw = serde_json::value::to_raw_value(&value).map_err(|e| {
            Error::from(DecodeError::new(
                0,
                format!("a JSON value for `{key}`"),
                b"",
                Some(e),
            ))
        })?;
        self.set_raw(key.into(), raw);
        Ok(self)
    }

    pub(crate) fn set_raw(&mut self, key: Box<str>, raw: Box<RawValue>) {
        match self.0.iter_mut().find(|(k, _)| *k == key) {
            Some(slot) => slot.1 = raw,
            None => self.0.push((key, raw)),
        }
    }

    /// Removes `key`, returning its raw value.
    pub fn remove(&mut self, key: &str) -> Option<Box<RawValue>> {
        let i = self.0.iter().position(|(k, _)| &**k == key)?;
        Some(self.0.remove(i).1)
    }

    /// Iterates over `(key, raw JSON)`.
    pub fn iter(&self) -> impl Iterator<Item = (&str, &RawValue)> {
        self.0.iter().map(|(k, v)| (&**k, &**v))
    }

    /// All fields as a `serde_json` map (parses every value).
    pub fn to_map(&self) -> Result<serde_json::Map<String, serde_json::Value>> {
        self.iter()
            .map(|(k, v)| {
                serde_json::from_str(v.get())
                    .map(|v| (k.to_owned(), v))
                    .map_err(|e| {
                        Error::from(DecodeError::new(
                            0,
                            format!("field `{k}`"),
                            v.get().as_bytes(),
                            Some(e),
                        ))
                    })
            })
            .collect()
    }

    /// Writes every field whose key is not in `skip` (keys a typed field owns).
    #[doc(hidden)]
    pub fn serialize_except<M: SerializeMap>(
        &self,
        m: &mut M,
        skip: &[&str],
    ) -> Result<(), M::Error> {
        for (k, v) in &self.0 {
            if !skip.contains(&&**k) {
                m.serialize_entry(&**k, v)?;
            }
        }
        Ok(())
    }
}

impl PartialEq for Fields {
    fn eq(&self, other: &Self) -> bool {
        self.0.len() == other.0.len()
            && self
                .0
                .iter()
                .zip(&other.0)
                .all(|((ka, va), (kb, vb))| ka == kb && va.get() == vb.get())
    }
}

impl fmt::Debug for Fields {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_map()
            .entries(self.0.iter().map(|(k, v)| (k, v.get())))
            .finish()
    }
}

impl Serialize for Fields {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut m = s.serialize_map(Some(self.0.len()))?;
        self.serialize_except(&mut m, &[])?;
        m.end()
    }
}

impl<'de> Deserialize<'de> for Fields {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = Fields;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a JSON object")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Fields, A::Error> {
                let mut out = Fields::default();
                while let Some(k) = map.next_key::<crate::entity::Key<'de>>()? {
                    let v: Box<RawValue> = map.next_value()?;
                    out.0.push((k.as_str().into(), v));
                }
                Ok(out)
            }
            fn visit_unit<E>(self) -> Result<Fields, E> {
                Ok(Fields::default())
            }
        }
        d.deserialize_any(V)
    }
}

/// A Zoho id. Zoho sends ids as numeric strings (`"4150868000000224001"`); a bare number is
/// accepted too, so decoding never fails on either form.
#[derive(Clone, Default, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Id(String);

impl Id {
    /// Wraps an id.
    pub fn new(id: impl Into<String>) -> Self {
        Id(id.into())
    }

    /// The id text.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Id {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(&self.0, f)
    }
}

impl fmt::Display for Id {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl From<String> for Id {
    fn from(s: String) -> Self {
        Id(s)
    }
}

impl From<&str> for Id {
    fn from(s: &str) -> Self {
        Id(s.to_owned())
    }
}

impl From<&String> for Id {
    fn from(s: &String) -> Self {
        Id(s.clone())
    }
}

impl From<&Id> for Id {
    fn from(s: &Id) -> Self {
        s.clone()
    }
}

impl From<u64> for Id {
    fn from(n: u64) -> Self {
        Id(n.to_string())
    }
}

impl AsRef<str> for Id {
    fn as_ref(&self) -> &str {
        &self.0
    }
}

impl PartialEq<str> for Id {
    fn eq(&self, other: &str) -> bool {
        self.0 == other
    }
}

impl PartialEq<&str> for Id {
    fn eq(&self, other: &&str) -> bool {
        self.0 == *other
    }
}

impl Serialize for Id {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.0)
    }
}

impl<'de> Deserialize<'de> for Id {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl Visitor<'_> for V {
            type Value = Id;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("an id (string or number)")
            }
            fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<Id, E> {
                Ok(Id(v.to_owned()))
            }
            fn visit_string<E: serde::de::Error>(self, v: String) -> Result<Id, E> {
                Ok(Id(v))
            }
            fn visit_u64<E: serde::de::Error>(self, v: u64) -> Result<Id, E> {
                Ok(Id(v.to_string()))
            }
            fn visit_i64<E: serde::de::Error>(self, v: i64) -> Result<Id, E> {
                Ok(Id(v.to_string()))
            }
        }
        d.deserialize_any(V)
    }
}
