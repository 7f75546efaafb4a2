//! `Nullable<T>`: a writable field that is absent, `null`, or a value.

use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// A writable field of a record, with Zoho's three states.
///
/// On a write, Zoho leaves a field whose key is missing alone and clears a field sent as `null`
/// (Zoho's v2 Update Records API). `Option` cannot tell the two apart, so record fields
/// use this: a record decoded and sent back keeps every `null`, and
/// `lead.email.clear()` empties the field in the CRM.
///
/// ```
/// use zohocrm::Nullable;
/// let mut email: Nullable<String> = Nullable::Absent; // not sent
/// email.set("ada@example.com");                        // sent as a value
/// assert_eq!(email.as_deref(), Some("ada@example.com"));
/// email.clear();                                       // sent as null: clears it
/// assert!(email.is_null() && email.is_none());
/// ```
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash)]
pub enum Nullable<T> {
    /// The key is absent: not sent, left alone by Zoho.
    #[default]
    Absent,
    /// `null`: sent as `null`, which clears the field.
    Null,
    /// A value.
    Value(T),
}

impl<T> Nullable<T> {
    /// `Some(v)` as a value, `None` as absent (not sent).
    pub fn from_option(v: Option<T>) -> Self {
        v.map_or(Nullable::Absent, Nullable::Value)
    }

    /// The value, if there is one.
    pub fn as_ref(&self) -> Option<&T> {
        match self {
            Nullable::Value(v) => Some(v),
            _ => None,
        }
    }

    /// The value mutably, if there is one.
    pub fn as_mut(&mut self) -> Option<&mut T> {
        match self {
            Nullable::Value(v) => Some(v),
            _ => None,
        }
    }

    /// The value, dropping the absent/null distinction.
    pub fn into_option(self) -> Option<T> {
        match self {
            Nullable::Value(v) => Some(v),
            _ => None,
        }
    }

    /// Iterates over the value, if there is one.
    pub fn iter(&self) -> std::option::IntoIter<&T> {
        self.as_ref().into_iter()
    }

    /// The value; panics with `msg` when there is none (like `Option::expect`).
    #[track_caller]
    pub fn expect(self, msg: &str) -> T {
        self.into_option().expect(msg)
    }

    /// The value; panics when there is none (like `Option::unwrap`).
    #[track_caller]
    pub fn unwrap(self) -> T {
        self.into_option().unwrap()
    }

    /// The value, or `T::default()`.
    pub fn unwrap_or_default(self) -> T
    where
        T: Default,
    {
        self.into_option().unwrap_or_default()
    }

    /// Sets a value.
    pub fn set(&mut self, value: impl Into<T>) -> &mut Self {
        *self = Nullable::Value(value.into());
        self
    }

    /// Sets `null`: the field is cleared when sent.
    pub fn clear(&mut self) -> &mut Self {
        *self = Nullable::Null;
        self
    }

    /// Takes the value out, leaving `Absent`.
    pub fn take(&mut self) -> Nullable<T> {
        std::mem::take(self)
    }

    /// True when the key is absent.
    pub fn is_absent(&self) -> bool {
        matches!(self, Nullable::Absent)
    }

    /// True when it is `null`.
    pub fn is_null(&self) -> bool {
        matches!(self, Nullable::Null)
    }

    /// True when there is a value.
    pub fn is_some(&self) -> bool {
        matches!(self, Nullable::Value(_))
    }

    /// True when there is no value (absent or `null`).
    pub fn is_none(&self) -> bool {
        !self.is_some()
    }

    /// Maps the value.
    pub fn map<U>(self, f: impl FnOnce(T) -> U) -> Nullable<U> {
        match self {
            Nullable::Absent => Nullable::Absent,
            Nullable::Null => Nullable::Null,
            Nullable::Value(v) => Nullable::Value(f(v)),
        }
    }
}

impl<T: std::ops::Deref> Nullable<T> {
    /// The value dereferenced (`&str` for a `Nullable<String>`).
    pub fn as_deref(&self) -> Option<&T::Target> {
        self.as_ref().map(|v| &**v)
    }
}

impl<T> From<T> for Nullable<T> {
    fn from(v: T) -> Self {
        Nullable::Value(v)
    }
}

impl<T: PartialEq> PartialEq<Option<T>> for Nullable<T> {
    /// `Value(v) == Some(v)`; absent and `null` both equal `None`.
    fn eq(&self, other: &Option<T>) -> bool {
        self.as_ref() == other.as_ref()
    }
}

/// `Absent` writes nothing only inside an entity (which skips it); on its own it writes `null`.
impl<T: Serialize> Serialize for Nullable<T> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self {
            Nullable::Value(v) => v.serialize(s),
            _ => s.serialize_none(),
        }
    }
}

/// `null` decodes as `Null`; a missing key (with `#[serde(default)]`) stays `Absent`.
impl<'de, T: Deserialize<'de>> Deserialize<'de> for Nullable<T> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        Ok(match Option::<T>::deserialize(d)? {
            Some(v) => Nullable::Value(v),
            None => Nullable::Null,
        })
    }
}
