//! A JSON reader for response bodies: one pass over the text for the shapes a page is made of
//! (objects, arrays, strings, raw captures); numbers and escaped strings are handed to
//! `serde_json`.
//!
//! Why it exists (issue 11, "decode near the floor"): decoding a page of records is mostly
//! splitting each record into its members, and `serde_json::Deserializer`'s per-member work (key
//! parse, map access, its raw-value capture protocol) cost nearly as much again as scanning the
//! text. This reader checks every byte once and hands each member to the entity as a span of the
//! body, with little work beside the scan itself. No JSON crate in use here splits objects into
//! borrowed members through `serde` more cheaply; `serde_json` stays the parser of every scalar.
//!
//! It accepts exactly what `serde_json` accepts (RFC 8259 text: numbers, literals, escapes and
//! control characters are checked; nesting stops where `serde_json`'s does), and the
//! tests compare the two on every genuine fixture and on corrupted copies of them. Whenever it
//! fails, for any reason, the value is decoded again by `serde_json` ([`decode_seed`]), so an
//! error always carries `serde_json`'s message, line and column.

use serde::de::value::{BorrowedStrDeserializer, StringDeserializer};
use serde::de::{self, DeserializeSeed, MapAccess, SeqAccess, Visitor};
use serde_json::Error;

/// `serde_json`'s nesting limit: 127 levels are read, the 128th is refused.
const DEPTH_LIMIT: u32 = 128;

/// Decodes `text` as `T`: with this reader, or when it fails, with `serde_json`.
pub(crate) fn from_str<'de, T: de::Deserialize<'de>>(text: &'de str) -> Result<T, Error> {
    decode_seed(text, || std::marker::PhantomData::<T>)
}

/// Decodes `text` with the seed `make()` returns: with this reader, or when it fails, with a
/// second seed from `make` and `serde_json` (whose error is the one returned).
pub(crate) fn decode_seed<'de, S: DeserializeSeed<'de>>(
    text: &'de str,
    make: impl Fn() -> S,
) -> Result<S::Value, Error> {
    match read(text, make()) {
        Ok(v) => Ok(v),
        Err(_) => {
            let mut de = serde_json::Deserializer::from_str(text);
            let v = make().deserialize(&mut de)?;
            de.end()?;
            Ok(v)
        }
    }
}

/// This reader alone, the whole text.
fn read<'de, S: DeserializeSeed<'de>>(text: &'de str, seed: S) -> Result<S::Value, Error> {
    let mut reader = Reader {
        text,
        pos: 0,
        depth: 0,
    };
    let v = seed.deserialize(&mut reader)?;
    match reader.peek() {
        None => Ok(v),
        Some(_) => Err(fail("trailing characters")),
    }
}

/// The reasons never reach a caller (`serde_json` decodes again and reports its own).
fn fail(why: &'static str) -> Error {
    de::Error::custom(why)
}

struct Reader<'de> {
    text: &'de str,
    pos: usize,
    depth: u32,
}

const ONES: u64 = 0x0101_0101_0101_0101;
const HIGH: u64 = 0x8080_8080_8080_8080;

/// The bytes of `w` (read little-endian) that are `"`, `\\` or a control character (below 0x20),
/// the bytes that end a plain run of a string, as their high bits: the "has a zero byte" and "has
/// a byte below n" bit tricks. The lowest bit set is always a real one (a false hit can only sit
/// above a real one), so a plain run costs a few instructions per 8 bytes.
#[inline]
fn special(w: u64) -> u64 {
    let zero = |x: u64| x.wrapping_sub(ONES) & !x & HIGH;
    let quote = zero(w ^ (ONES * u64::from(b'"')));
    let backslash = zero(w ^ (ONES * u64::from(b'\\')));
    let control = w.wrapping_sub(ONES * 0x20) & !w & HIGH;
    quote | backslash | control
}

impl<'de> Reader<'de> {
    /// The next byte that is not whitespace (left unread).
    #[inline]
    fn peek(&mut self) -> Option<u8> {
        let b = self.text.as_bytes();
        while let Some(&c) = b.get(self.pos) {
            if !matches!(c, b' ' | b'\n' | b'\r' | b'\t') {
                return Some(c);
            }
            self.pos += 1;
        }
        None
    }

    fn enter(&mut self) -> Result<(), Error> {
        self.depth += 1;
        if self.depth >= DEPTH_LIMIT {
            return Err(fail("recursion limit exceeded"));
        }
        Ok(())
    }

    /// The string at `pos` (its opening quote): its content, and whether it has escapes.
    #[inline(always)]
    fn string(&mut self) -> Result<(&'de str, bool), Error> {
        let b = self.text.as_bytes();
        let start = self.pos + 1;
        let mut i = start;
        let mut escaped = false;
        loop {
            // To the next byte that needs a look, 8 bytes at a time.
            while let Some(chunk) = b.get(i..i + 8) {
                let Ok(word) = <[u8; 8]>::try_from(chunk) else {
                    break;
                };
                let hits = special(u64::from_le_bytes(word));
                if hits != 0 {
                    i += (hits.trailing_zeros() / 8) as usize;
                    break;
                }
                i += 8;
            }
            match b.get(i) {
                Some(b'"') => {
                    self.pos = i + 1;
                    // Both ends are ASCII quotes, so the slice is on char boundaries.
                    let s = self.text.get(start..i).ok_or_else(|| fail("bad string"))?;
                    return Ok((s, escaped));
                }
                Some(b'\\') => {
                    escaped = true;
                    i = escape(b, i + 1)?;
                }
                Some(0..=0x1f) => return Err(fail("control character in a string")),
                // The last 7 bytes of the text, one at a time.
                Some(_) => i += 1,
                None => return Err(fail("EOF in a string")),
            }
        }
    }

    #[inline]
    fn literal(&mut self, word: &'static [u8]) -> Result<(), Error> {
        let end = self.pos + word.len();
        if self.text.as_bytes().get(self.pos..end) != Some(word) {
            return Err(fail("expected a literal"));
        }
        self.pos = end;
        Ok(())
    }

    /// `-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?`
    #[inline]
    fn number(&mut self) -> Result<(), Error> {
        let b = self.text.as_bytes();
        let digits = |mut i: usize| {
            while matches!(b.get(i), Some(b'0'..=b'9')) {
                i += 1;
            }
            i
        };
        let mut i = self.pos;
        if b.get(i) == Some(&b'-') {
            i += 1;
        }
        i = match b.get(i) {
            Some(b'0') => i + 1,
            Some(b'1'..=b'9') => digits(i + 1),
            _ => return Err(fail("bad number")),
        };
        if b.get(i) == Some(&b'.') {
            let end = digits(i + 1);
            if end == i + 1 {
                return Err(fail("bad fraction"));
            }
            i = end;
        }
        if matches!(b.get(i), Some(b'e' | b'E')) {
            i += 1;
            if matches!(b.get(i), Some(b'+' | b'-')) {
                i += 1;
            }
            let end = digits(i);
            if end == i {
                return Err(fail("bad exponent"));
            }
            i = end;
        }
        self.pos = i;
        Ok(())
    }

    /// Skips one value, checking it.
    #[inline]
    fn skip(&mut self) -> Result<(), Error> {
        match self.peek() {
            Some(b'"') => self.string().map(drop),
            Some(b'{' | b'[') => self.skip_container(),
            Some(b't') => self.literal(b"true"),
            Some(b'f') => self.literal(b"false"),
            Some(b'n') => self.literal(b"null"),
            Some(b'-' | b'0'..=b'9') => self.number(),
            _ => Err(fail("expected a value")),
        }
    }

    /// Skips the object or array at `pos`.
    #[inline(never)]
    fn skip_container(&mut self) -> Result<(), Error> {
        self.enter()?;
        let object = self.text.as_bytes().get(self.pos) == Some(&b'{');
        let close = if object { b'}' } else { b']' };
        self.pos += 1;
        if self.peek() == Some(close) {
            self.pos += 1;
            self.depth -= 1;
            return Ok(());
        }
        loop {
            if object {
                if self.peek() != Some(b'"') {
                    return Err(fail("expected a key"));
                }
                self.string()?;
                self.colon()?;
            }
            self.skip()?;
            match self.peek() {
                Some(b',') => self.pos += 1,
                Some(c) if c == close => {
                    self.pos += 1;
                    break;
                }
                _ => return Err(fail("expected `,` or the container's end")),
            }
        }
        self.depth -= 1;
        Ok(())
    }

    #[inline]
    fn colon(&mut self) -> Result<(), Error> {
        if self.peek() != Some(b':') {
            return Err(fail("expected `:`"));
        }
        self.pos += 1;
        Ok(())
    }

    /// The next value's text, checked (whitespace before it skipped).
    #[inline]
    fn span(&mut self) -> Result<&'de str, Error> {
        self.peek();
        let start = self.pos;
        self.skip()?;
        self.text
            .get(start..self.pos)
            .ok_or_else(|| fail("bad value"))
    }

    /// Hands the next value to `serde_json` (scalars this reader does not parse itself).
    fn forward<T>(
        &mut self,
        f: impl FnOnce(&mut serde_json::Deserializer<serde_json::de::StrRead<'de>>) -> Result<T, Error>,
    ) -> Result<T, Error> {
        let span = self.span()?;
        f(&mut serde_json::Deserializer::from_str(span))
    }

    /// The object or array at `pos`, its items handed to `visit`.
    fn nested<R>(
        &mut self,
        visit: impl FnOnce(&mut Items<'_, 'de>) -> Result<R, Error>,
    ) -> Result<R, Error> {
        self.enter()?;
        self.pos += 1;
        let mut items = Items {
            de: self,
            first: true,
            done: false,
        };
        let out = visit(&mut items)?;
        if !items.done {
            return Err(fail("an object or array not read to its end"));
        }
        self.depth -= 1;
        Ok(out)
    }

    /// A string: borrowed when it has no escapes, else unescaped by `serde_json`.
    fn str<V: Visitor<'de>>(&mut self, v: V) -> Result<V::Value, Error> {
        let start = self.pos;
        let (s, escaped) = self.string()?;
        if !escaped {
            return v.visit_borrowed_str(s);
        }
        let quoted = self
            .text
            .get(start..self.pos)
            .ok_or_else(|| fail("bad string"))?;
        de::Deserializer::deserialize_str(&mut serde_json::Deserializer::from_str(quoted), v)
    }
}

/// `\` seen at `i - 1`: checks the escape, returns where the string goes on.
fn escape(b: &[u8], i: usize) -> Result<usize, Error> {
    match b.get(i) {
        Some(b'"' | b'\\' | b'/' | b'b' | b'f' | b'n' | b'r' | b't') => Ok(i + 1),
        Some(b'u') => match b.get(i + 1..i + 5) {
            Some(hex) if hex.iter().all(u8::is_ascii_hexdigit) => Ok(i + 5),
            _ => Err(fail("bad \\u escape")),
        },
        _ => Err(fail("bad escape")),
    }
}

macro_rules! forward {
    ($($method:ident)*) => {
        $(fn $method<V: Visitor<'de>>(self, v: V) -> Result<V::Value, Error> {
            self.forward(|d| de::Deserializer::$method(d, v))
        })*
    };
}

impl<'de> de::Deserializer<'de> for &mut Reader<'de> {
    type Error = Error;

    fn deserialize_any<V: Visitor<'de>>(self, v: V) -> Result<V::Value, Error> {
        match self.peek() {
            Some(b'{') => self.nested(|m| v.visit_map(m)),
            Some(b'[') => self.nested(|m| v.visit_seq(m)),
            Some(b'"') => self.str(v),
            Some(b'n') => {
                self.literal(b"null")?;
                v.visit_unit()
            }
            Some(b't') => {
                self.literal(b"true")?;
                v.visit_bool(true)
            }
            Some(b'f') => {
                self.literal(b"false")?;
                v.visit_bool(false)
            }
            _ => self.forward(|d| de::Deserializer::deserialize_any(d, v)),
        }
    }

    fn deserialize_map<V: Visitor<'de>>(self, v: V) -> Result<V::Value, Error> {
        match self.peek() {
            Some(b'{') => self.nested(|m| v.visit_map(m)),
            _ => self.forward(|d| de::Deserializer::deserialize_map(d, v)),
        }
    }

    fn deserialize_struct<V: Visitor<'de>>(
        self,
        name: &'static str,
        fields: &'static [&'static str],
        v: V,
    ) -> Result<V::Value, Error> {
        match self.peek() {
            Some(b'{') => self.nested(|m| v.visit_map(m)),
            Some(b'[') => self.nested(|m| v.visit_seq(m)),
            _ => self.forward(|d| de::Deserializer::deserialize_struct(d, name, fields, v)),
        }
    }

    fn deserialize_seq<V: Visitor<'de>>(self, v: V) -> Result<V::Value, Error> {
        match self.peek() {
            Some(b'[') => self.nested(|m| v.visit_seq(m)),
            _ => self.forward(|d| de::Deserializer::deserialize_seq(d, v)),
        }
    }

    // A refusal's message does not matter here (`serde_json` reads the body again and reports
    // its own), so tuples are read as sequences.
    fn deserialize_tuple<V: Visitor<'de>>(self, _len: usize, v: V) -> Result<V::Value, Error> {
        self.deserialize_seq(v)
    }

    fn deserialize_tuple_struct<V: Visitor<'de>>(
        self,
        _name: &'static str,
        _len: usize,
        v: V,
    ) -> Result<V::Value, Error> {
        self.deserialize_seq(v)
    }

    fn deserialize_str<V: Visitor<'de>>(self, v: V) -> Result<V::Value, Error> {
        match self.peek() {
            Some(b'"') => self.str(v),
            _ => self.forward(|d| de::Deserializer::deserialize_str(d, v)),
        }
    }

    fn deserialize_string<V: Visitor<'de>>(self, v: V) -> Result<V::Value, Error> {
        self.deserialize_str(v)
    }

    fn deserialize_identifier<V: Visitor<'de>>(self, v: V) -> Result<V::Value, Error> {
        self.deserialize_str(v)
    }

    fn deserialize_option<V: Visitor<'de>>(self, v: V) -> Result<V::Value, Error> {
        if self.peek() == Some(b'n') {
            self.literal(b"null")?;
            return v.visit_none();
        }
        v.visit_some(self)
    }

    #[inline]
    fn deserialize_newtype_struct<V: Visitor<'de>>(
        self,
        name: &'static str,
        v: V,
    ) -> Result<V::Value, Error> {
        let token = crate::raw::TOKEN;
        if std::ptr::eq(name, token) || (name.len() == token.len() && name == token) {
            // `serde_json`'s raw-value protocol, which `RawValue` and `raw::RawText` speak: a
            // map of one entry whose value is the text.
            let raw = self.span()?;
            return v.visit_map(RawOne(Some(raw)));
        }
        v.visit_newtype_struct(self)
    }

    fn deserialize_ignored_any<V: Visitor<'de>>(self, v: V) -> Result<V::Value, Error> {
        self.skip()?;
        v.visit_unit()
    }

    fn deserialize_enum<V: Visitor<'de>>(
        self,
        name: &'static str,
        variants: &'static [&'static str],
        v: V,
    ) -> Result<V::Value, Error> {
        self.forward(|d| de::Deserializer::deserialize_enum(d, name, variants, v))
    }

    fn deserialize_unit_struct<V: Visitor<'de>>(
        self,
        name: &'static str,
        v: V,
    ) -> Result<V::Value, Error> {
        self.forward(|d| de::Deserializer::deserialize_unit_struct(d, name, v))
    }

    forward! {
        deserialize_bool deserialize_i8 deserialize_i16 deserialize_i32 deserialize_i64
        deserialize_i128 deserialize_u8 deserialize_u16 deserialize_u32 deserialize_u64
        deserialize_u128 deserialize_f32 deserialize_f64 deserialize_char deserialize_bytes
        deserialize_byte_buf deserialize_unit
    }
}

/// The members of an object or the elements of an array, read one by one.
struct Items<'a, 'de> {
    de: &'a mut Reader<'de>,
    first: bool,
    done: bool,
}

impl Items<'_, '_> {
    /// Moves past the `,` before the next item, or past `close` after the last: true when an
    /// item follows.
    #[inline]
    fn next(&mut self, close: u8) -> Result<bool, Error> {
        if self.done {
            return Ok(false);
        }
        let de = &mut *self.de;
        let c = de.peek();
        if c == Some(close) {
            de.pos += 1;
            self.done = true;
            return Ok(false);
        }
        if self.first {
            self.first = false;
            return Ok(true);
        }
        if c != Some(b',') {
            return Err(fail("expected `,` or the end"));
        }
        de.pos += 1;
        if de.peek() == Some(close) {
            return Err(fail("trailing comma"));
        }
        Ok(true)
    }
}

impl<'de> MapAccess<'de> for Items<'_, 'de> {
    type Error = Error;

    #[inline]
    fn next_key_seed<K: DeserializeSeed<'de>>(
        &mut self,
        seed: K,
    ) -> Result<Option<K::Value>, Error> {
        if !self.next(b'}')? {
            return Ok(None);
        }
        let de = &mut *self.de;
        if de.peek() != Some(b'"') {
            return Err(fail("expected a key"));
        }
        let start = de.pos;
        let (key, escaped) = de.string()?;
        let end = de.pos;
        de.colon()?;
        if !escaped {
            return seed
                .deserialize(BorrowedStrDeserializer::new(key))
                .map(Some);
        }
        let quoted = de.text.get(start..end).ok_or_else(|| fail("bad key"))?;
        let key: String = serde_json::from_str(quoted)?;
        seed.deserialize(StringDeserializer::new(key)).map(Some)
    }

    #[inline]
    fn next_value_seed<V: DeserializeSeed<'de>>(&mut self, seed: V) -> Result<V::Value, Error> {
        seed.deserialize(&mut *self.de)
    }
}

impl<'de> SeqAccess<'de> for Items<'_, 'de> {
    type Error = Error;

    fn next_element_seed<T: DeserializeSeed<'de>>(
        &mut self,
        seed: T,
    ) -> Result<Option<T::Value>, Error> {
        if !self.next(b']')? {
            return Ok(None);
        }
        seed.deserialize(&mut *self.de).map(Some)
    }
}

/// One raw value, as `serde_json`'s raw-value protocol hands it over.
struct RawOne<'de>(Option<&'de str>);

impl<'de> MapAccess<'de> for RawOne<'de> {
    type Error = Error;

    #[inline]
    fn next_key_seed<K: DeserializeSeed<'de>>(
        &mut self,
        seed: K,
    ) -> Result<Option<K::Value>, Error> {
        if self.0.is_none() {
            return Ok(None);
        }
        seed.deserialize(BorrowedStrDeserializer::new(crate::raw::TOKEN))
            .map(Some)
    }

    #[inline]
    fn next_value_seed<V: DeserializeSeed<'de>>(&mut self, seed: V) -> Result<V::Value, Error> {
        let raw = self.0.take().ok_or_else(|| fail("raw value read twice"))?;
        seed.deserialize(BorrowedStrDeserializer::new(raw))
    }
}

#[cfg(test)]
mod tests;
