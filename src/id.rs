//! `Id`: a Zoho id.

use compact_str::{CompactString, ToCompactString};
use serde::de::Visitor;
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use std::fmt;

/// A Zoho id. Zoho sends ids as numeric strings (`"4150868000000224001"`); a bare number is
/// accepted too, so decoding never fails on either form.
///
/// Held inline (no allocation) up to 24 bytes, which every Zoho id fits (19 digits at most,
/// zoho-api-v2.md); a longer text is kept on the heap. Compares, hashes and orders as its text.
#[derive(Clone, Default, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Id(CompactString);

impl Id {
    /// Wraps an id.
    pub fn new(id: impl Into<String>) -> Self {
        Id(CompactString::from(id.into()))
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
        Id(CompactString::from(s))
    }
}

impl From<&str> for Id {
    fn from(s: &str) -> Self {
        Id(CompactString::new(s))
    }
}

impl From<&String> for Id {
    fn from(s: &String) -> Self {
        Id(CompactString::new(s))
    }
}

impl From<&Id> for Id {
    fn from(s: &Id) -> Self {
        s.clone()
    }
}

impl From<u64> for Id {
    fn from(n: u64) -> Self {
        Id(n.to_compact_string())
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
                Ok(Id(CompactString::new(v)))
            }
            fn visit_string<E: serde::de::Error>(self, v: String) -> Result<Id, E> {
                Ok(Id(CompactString::from(v)))
            }
            fn visit_u64<E: serde::de::Error>(self, v: u64) -> Result<Id, E> {
                Ok(Id(v.to_compact_string()))
            }
            fn visit_i64<E: serde::de::Error>(self, v: i64) -> Result<Id, E> {
                Ok(Id(v.to_compact_string()))
            }
        }
        d.deserialize_any(V)
    }
}
