//! `Fields`: the keys a spec entity does not model, kept as the raw JSON text that arrived.

use crate::entity::Key;
use crate::error::{DecodeError, Error, Result};
use crate::raw::RawText;
use bytes::Bytes;
use serde::de::{DeserializeOwned, MapAccess, Visitor};
use serde::ser::SerializeMap;
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use serde_json::value::RawValue;
use std::fmt;

/// JSON keys an entity does not type, in arrival order, each kept as raw JSON text.
///
/// Nothing is parsed into a tree until asked for, and nothing is copied on decode: a value
/// decoded from a response is a span of that response's body, which the record shares with
/// the rest of its page (so a record kept alone keeps its page's text alive; call
/// [`Fields::detach`] to give it its own copy). Text set by the caller (or unescaped) lives in
/// one buffer per `Fields`, so setting fields does not allocate per field. Read a value with
/// [`Fields::get_as`]; write one with [`Fields::set`].
#[derive(Clone, Default)]
pub struct Fields {
    /// The body the spans point into (UTF-8, checked when decoding began), when any entry is a
    /// span of it.
    source: Option<Bytes>,
    /// Text of its own: keys and values set by the caller, and decoded text that is not a span
    /// of `source`. A replaced value's old text stays until these fields are dropped.
    local: String,
    entries: Vec<(Text, Text)>,
}

/// A key or a raw value: a span of `source`, or of `local`.
#[derive(Clone, Copy)]
enum Text {
    Span(u32, u32),
    Local(u32, u32),
}

impl Fields {
    /// No fields.
    pub fn new() -> Self {
        Self::default()
    }

    /// Number of fields.
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    /// True when there are none.
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    fn text(&self, t: Text) -> &str {
        match t {
            Text::Local(a, b) => self.local.get(a as usize..b as usize).unwrap_or("null"),
            Text::Span(a, b) => self
                .source
                .as_ref()
                .and_then(|src| src.get(a as usize..b as usize))
                .and_then(|b| std::str::from_utf8(b).ok())
                // Spans only exist alongside their source.
                .unwrap_or("null"),
        }
    }

    fn position(&self, key: &str) -> Option<usize> {
        self.entries.iter().position(|(k, _)| self.text(*k) == key)
    }

    /// The raw JSON text of `key`.
    pub fn get_raw(&self, key: &str) -> Option<&str> {
        self.position(key).map(|i| self.text(self.entries[i].1))
    }

    /// The raw JSON of `key`.
    pub fn get(&self, key: &str) -> Option<&RawValue> {
        self.get_raw(key).and_then(as_raw_value)
    }

    /// `key` decoded as `T`: `None` when absent, an error when it is not a `T`.
    pub fn get_as<T: DeserializeOwned>(&self, key: &str) -> Option<Result<T>> {
        self.get_raw(key).map(|raw| {
            serde_json::from_str(raw).map_err(|e| {
                Error::from(DecodeError::new(
                    0,
                    format!("field `{key}` as {}", std::any::type_name::<T>()),
                    raw.as_bytes(),
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
        let invalid = |message: String| Error::InvalidArgument {
            entity: "Fields",
            field: key.to_owned(),
            message,
        };
        let text = serde_json::to_string(&value)
            .map_err(|e| invalid(format!("cannot be written as JSON: {e}")))?;
        self.set_json(key, &text)
            .ok_or_else(|| invalid(TOO_LARGE.into()))?;
        Ok(self)
    }

    /// Appends `s` to the local buffer.
    fn local_text(&mut self, s: &str) -> Option<Text> {
        let start = u32::try_from(self.local.len()).ok()?;
        let end = u32::try_from(self.local.len().checked_add(s.len())?).ok()?;
        self.local.push_str(s);
        Some(Text::Local(start, end))
    }

    /// Sets `key` to JSON text the caller knows is valid. `None` when the fields' own text
    /// would pass 4 GiB.
    pub(crate) fn set_json(&mut self, key: &str, json: &str) -> Option<()> {
        if self.local.is_empty() {
            // A few small fields without growing again.
            self.local.reserve(256);
        }
        let value = self.local_text(json)?;
        match self.position(key) {
            Some(i) => self.entries[i].1 = value,
            None => {
                let k = self.local_text(key)?;
                if self.entries.is_empty() {
                    self.entries.reserve(8);
                }
                self.entries.push((k, value));
            }
        }
        Some(())
    }

    /// Adds a decoded entry (keys arrive once per object). `None` when it would need more than
    /// 4 GiB of local text.
    pub(crate) fn push_decoded(&mut self, key: &str, raw: &str) -> Option<()> {
        if self.entries.is_empty() {
            // About the untyped fields of a typical record, so the list need not grow.
            self.entries.reserve(32);
        }
        let k = self.text_of(key)?;
        let v = self.text_of(raw)?;
        self.entries.push((k, v));
        Some(())
    }

    /// A span of the body being decoded when `s` is one (and these fields share that body),
    /// else a copy in the local buffer.
    fn text_of(&mut self, s: &str) -> Option<Text> {
        if let Some(src) = &self.source {
            if let Some((start, end)) = crate::shared::span(src, s) {
                return Some(Text::Span(start, end));
            }
        } else if let Some((src, start, end)) = crate::shared::locate(s) {
            self.source = Some(src);
            return Some(Text::Span(start, end));
        }
        self.local_text(s)
    }

    /// Removes `key`, returning its raw value.
    pub fn remove(&mut self, key: &str) -> Option<Box<RawValue>> {
        let i = self.position(key)?;
        let raw = self.text(self.entries[i].1).to_owned();
        self.entries.remove(i);
        RawValue::from_string(raw).ok()
    }

    /// Iterates over `(key, raw JSON text)`.
    pub fn iter_raw(&self) -> impl Iterator<Item = (&str, &str)> {
        self.entries
            .iter()
            .map(|(k, v)| (self.text(*k), self.text(*v)))
    }

    /// Iterates over `(key, raw JSON)`.
    pub fn iter(&self) -> impl Iterator<Item = (&str, &RawValue)> {
        self.iter_raw()
            .filter_map(|(k, v)| as_raw_value(v).map(|v| (k, v)))
    }

    /// Gives these fields their own copy of their text, so they no longer keep the response
    /// body they were decoded from alive.
    pub fn detach(&mut self) {
        if self.source.is_none() {
            return;
        }
        let mut own = Fields::default();
        for (k, v) in self.iter_raw() {
            // Both texts are already in memory, so the copy is never larger than 4 GiB.
            let _ = own.set_json_unchecked(k, v);
        }
        *self = own;
    }

    /// Appends an entry without looking for an existing one.
    fn set_json_unchecked(&mut self, key: &str, json: &str) -> Option<()> {
        let k = self.local_text(key)?;
        let v = self.local_text(json)?;
        self.entries.push((k, v));
        Some(())
    }

    /// All fields as a `serde_json` map (parses every value).
    pub fn to_map(&self) -> Result<serde_json::Map<String, serde_json::Value>> {
        self.iter_raw()
            .map(|(k, v)| {
                serde_json::from_str(v)
                    .map(|v| (k.to_owned(), v))
                    .map_err(|e| {
                        Error::from(DecodeError::new(
                            0,
                            format!("field `{k}`"),
                            v.as_bytes(),
                            Some(e),
                        ))
                    })
            })
            .collect()
    }

    /// Writes every field whose key is not in `skip` (keys a typed field owns), verbatim.
    #[doc(hidden)]
    pub fn serialize_except<M: SerializeMap>(
        &self,
        m: &mut M,
        skip: &[&str],
    ) -> Result<(), M::Error> {
        for (k, v) in self.iter_raw() {
            if !skip.contains(&k) {
                m.serialize_entry(k, &Verbatim(v))?;
            }
        }
        Ok(())
    }
}

const TOO_LARGE: &str = "the fields' own text would pass 4 GiB";

/// Raw JSON text written as it is.
struct Verbatim<'a>(&'a str);

impl Serialize for Verbatim<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        crate::raw::serialize(self.0, s)
    }
}

/// Text known to be one JSON value, as a `RawValue` (borrowed; a scan, no copy).
fn as_raw_value(text: &str) -> Option<&RawValue> {
    serde_json::from_str(text).ok()
}

impl PartialEq for Fields {
    fn eq(&self, other: &Self) -> bool {
        self.len() == other.len() && self.iter_raw().eq(other.iter_raw())
    }
}

impl fmt::Debug for Fields {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_map().entries(self.iter_raw()).finish()
    }
}

impl Serialize for Fields {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut m = s.serialize_map(Some(self.len()))?;
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
                while let Some(k) = map.next_key::<Key<'de>>()? {
                    let v: RawText<'de> = map.next_value()?;
                    out.push_decoded(k.as_str(), &v.0)
                        .ok_or_else(|| serde::de::Error::custom(TOO_LARGE))?;
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

#[cfg(test)]
mod tests {
    use super::*;

    fn spans(f: &Fields) -> usize {
        f.entries
            .iter()
            .filter(|(k, v)| matches!(k, Text::Span(..)) && matches!(v, Text::Span(..)))
            .count()
    }

    #[test]
    fn decoded_bodies_share_spans_and_others_own_their_text() {
        let body = bytes::Bytes::from_static(
            br#"{"data":[{"A":1000,"B":{"x":[1,"y"]},"C":null,"D\u0041":"esc"}]}"#,
        );
        let page: crate::Page<Fields> = crate::RawResponse::new(200, body.clone())
            .list("data")
            .unwrap();
        let f = &page.data[0];
        assert_eq!(spans(f), 3, "the escaped key is owned, the rest are spans");
        assert_eq!(f.get_raw("DA"), Some("\"esc\""));
        assert_eq!(
            serde_json::to_string(f).unwrap(),
            r#"{"A":1000,"B":{"x":[1,"y"]},"C":null,"DA":"esc"}"#
        );
        let own: Fields =
            serde_json::from_str(r#"{"A":1000,"B":{"x":[1,"y"]},"C":null,"DA":"esc"}"#).unwrap();
        assert_eq!(spans(&own), 0);
        assert_eq!(&own, f);
        let mut detached = f.clone();
        detached.detach();
        assert_eq!(spans(&detached), 0);
        assert!(detached.source.is_none());
        assert_eq!(&detached, f);
    }
}
