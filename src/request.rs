//! The description of one HTTP call. Generated builders fill it in; `Client::execute` sends it.
//! Nothing here does I/O.

use crate::entity::to_raw;
use crate::error::{Error, Result};
use serde::Serialize;
use serde_json::value::RawValue;

/// HTTP methods the API uses.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[allow(clippy::upper_case_acronyms, missing_docs)]
pub enum Method {
    GET,
    POST,
    PUT,
    PATCH,
    DELETE,
}

impl Method {
    pub(crate) fn as_reqwest(self) -> reqwest::Method {
        match self {
            Method::GET => reqwest::Method::GET,
            Method::POST => reqwest::Method::POST,
            Method::PUT => reqwest::Method::PUT,
            Method::PATCH => reqwest::Method::PATCH,
            Method::DELETE => reqwest::Method::DELETE,
        }
    }
}

/// A file to upload as a multipart part.
#[derive(Clone)]
pub struct UploadFile {
    /// File name sent with the part.
    pub file_name: String,
    /// MIME type; `application/octet-stream` when `None`.
    pub content_type: Option<String>,
    /// The bytes.
    pub bytes: bytes::Bytes,
}

impl UploadFile {
    /// A file from memory.
    pub fn new(file_name: impl Into<String>, bytes: impl Into<bytes::Bytes>) -> Self {
        UploadFile {
            file_name: file_name.into(),
            content_type: None,
            bytes: bytes.into(),
        }
    }

    /// Sets the MIME type.
    pub fn content_type(mut self, mime: impl Into<String>) -> Self {
        self.content_type = Some(mime.into());
        self
    }
}

impl std::fmt::Debug for UploadFile {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("UploadFile")
            .field("file_name", &self.file_name)
            .field("content_type", &self.content_type)
            .field("len", &self.bytes.len())
            .finish()
    }
}

#[derive(Debug, Clone, Default)]
pub(crate) enum Body {
    #[default]
    None,
    /// Top-level keys of a JSON object, in order.
    Json(Vec<(&'static str, Box<RawValue>)>),
    Form(Vec<(&'static str, FormPart)>),
}

#[derive(Debug, Clone)]
pub(crate) enum FormPart {
    Text(String),
    File(UploadFile),
}

/// The URL root a request's path hangs under.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Base {
    /// `{api domain}/crm/v2`.
    #[default]
    Crm,
    /// `{api domain}/crm/bulk/v2` (bulk jobs).
    Bulk,
    /// `{file-upload host}/crm/v2`: `content.zohoapis.*` for a `www.zohoapis.*` api domain, the
    /// api domain itself otherwise (the emulator). Source: the official Python SDK's bulk-write
    /// upload URL (zoho-api-v2.md §1).
    Upload,
}

/// One API call, described.
#[derive(Debug, Clone)]
pub struct Request {
    pub(crate) op: &'static str,
    pub(crate) method: Method,
    pub(crate) idempotent: bool,
    pub(crate) base: Base,
    /// Path segments after `/crm/v2`, already percent-encoded.
    pub(crate) path: String,
    pub(crate) query: Vec<(&'static str, String)>,
    pub(crate) headers: Vec<(&'static str, String)>,
    pub(crate) body: Body,
    /// Items sent under the body's envelope key (set by [`Request::json_items`]).
    pub(crate) items_sent: Option<usize>,
}

impl Request {
    /// A request for operation `op`.
    pub fn new(op: &'static str, method: Method, idempotent: bool) -> Self {
        Request {
            op,
            method,
            idempotent,
            base: Base::Crm,
            path: String::new(),
            query: Vec::new(),
            headers: Vec::new(),
            body: Body::None,
            items_sent: None,
        }
    }

    /// How many per-item results a write's answer must hold: one per item sent in the body,
    /// else one per id of an `ids` query parameter (`delete_records`,
    /// `add_tags_to_multiple_records` ...), else one (a write on one path-addressed item).
    pub(crate) fn expected_results(&self) -> usize {
        if let Some(n) = self.items_sent {
            return n;
        }
        match self.query.iter().find(|(k, _)| *k == "ids") {
            Some((_, ids)) => ids.split(',').filter(|s| !s.trim().is_empty()).count(),
            None => 1,
        }
    }

    /// Puts the path under another URL root (bulk jobs, the upload host).
    pub fn set_base(&mut self, base: Base) {
        self.base = base;
    }

    /// Appends a literal path segment.
    pub fn path_literal(&mut self, seg: &str) {
        self.path.push('/');
        self.path.push_str(seg);
    }

    /// Appends a value as one path segment, percent-encoded (a `/` in a value stays in its
    /// segment).
    pub fn path_var(&mut self, value: &str) {
        self.path.push('/');
        encode_segment(value, &mut self.path);
    }

    /// Adds a query parameter.
    pub fn query(&mut self, key: &'static str, value: &str) {
        self.query.push((key, value.to_owned()));
    }

    /// Adds a header.
    pub fn header(&mut self, key: &'static str, value: &str) {
        self.headers.push((key, value.to_owned()));
    }

    fn json_parts(&mut self) -> &mut Vec<(&'static str, Box<RawValue>)> {
        if !matches!(self.body, Body::Json(_)) {
            self.body = Body::Json(Vec::new());
        }
        match &mut self.body {
            Body::Json(parts) => parts,
            _ => unreachable!("set just above"),
        }
    }

    /// Puts `items` under the envelope `key` of the JSON body.
    pub fn json_items<T: Serialize>(&mut self, key: &'static str, items: &[T]) -> Result<()> {
        let raw = to_raw(&items, key)?;
        self.json_parts().push((key, raw));
        self.items_sent = Some(items.len());
        Ok(())
    }

    /// Puts one top-level key into the JSON body.
    pub fn json_field<T: Serialize + ?Sized>(
        &mut self,
        key: &'static str,
        value: &T,
    ) -> Result<()> {
        let raw = to_raw(&value, key)?;
        self.json_parts().push((key, raw));
        Ok(())
    }

    fn form_parts(&mut self) -> &mut Vec<(&'static str, FormPart)> {
        if !matches!(self.body, Body::Form(_)) {
            self.body = Body::Form(Vec::new());
        }
        match &mut self.body {
            Body::Form(parts) => parts,
            _ => unreachable!("set just above"),
        }
    }

    /// Adds a multipart text field.
    pub fn form_text(&mut self, key: &'static str, value: &str) {
        self.form_parts()
            .push((key, FormPart::Text(value.to_owned())));
    }

    /// Adds a multipart file part.
    pub fn form_file(&mut self, key: &'static str, file: UploadFile) {
        self.form_parts().push((key, FormPart::File(file)));
    }

    /// The JSON body as bytes (`{"data":[...],"trigger":[...]}`).
    pub(crate) fn json_bytes(parts: &[(&'static str, Box<RawValue>)]) -> Vec<u8> {
        let cap = parts
            .iter()
            .map(|(k, v)| k.len() + v.get().len() + 4)
            .sum::<usize>()
            + 2;
        let mut out = Vec::with_capacity(cap);
        out.push(b'{');
        for (i, (k, v)) in parts.iter().enumerate() {
            if i > 0 {
                out.push(b',');
            }
            // Keys are spec identifiers: plain ASCII, nothing to escape.
            out.push(b'"');
            out.extend_from_slice(k.as_bytes());
            out.extend_from_slice(b"\":");
            out.extend_from_slice(v.get().as_bytes());
        }
        out.push(b'}');
        out
    }
}

/// Percent-encodes everything but RFC 3986 unreserved characters.
fn encode_segment(value: &str, out: &mut String) {
    for b in value.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~') {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
}

/// How a value becomes a query, header or path string. Lists join with commas, as Zoho expects.
pub trait ToParam {
    /// The wire text.
    fn to_param(&self) -> String;
}

impl ToParam for String {
    fn to_param(&self) -> String {
        self.clone()
    }
}

impl ToParam for str {
    fn to_param(&self) -> String {
        self.to_owned()
    }
}

impl ToParam for i64 {
    fn to_param(&self) -> String {
        self.to_string()
    }
}

impl ToParam for f64 {
    fn to_param(&self) -> String {
        self.to_string()
    }
}

impl ToParam for bool {
    fn to_param(&self) -> String {
        self.to_string()
    }
}

impl ToParam for crate::Id {
    fn to_param(&self) -> String {
        self.as_str().to_owned()
    }
}

impl<T: ToParam> ToParam for Vec<T> {
    fn to_param(&self) -> String {
        self.iter()
            .map(ToParam::to_param)
            .collect::<Vec<_>>()
            .join(",")
    }
}

/// Fails before sending when a list is too long.
pub fn check_count(what: &'static str, limit: usize, got: usize) -> Result<()> {
    bound(got > limit, what, limit, got, false)
}

/// Fails before sending when a list is too short.
pub fn check_min_count(what: &'static str, min: usize, got: usize) -> Result<()> {
    bound(got < min, what, min, got, true)
}

/// Fails before sending when a number is too large.
pub fn check_max(what: &'static str, limit: usize, got: i64) -> Result<()> {
    bound(got > limit as i64, what, limit, got.max(0) as usize, false)
}

/// Fails before sending when a number is too small.
pub fn check_min(what: &'static str, min: usize, got: i64) -> Result<()> {
    bound(got < min as i64, what, min, got.max(0) as usize, true)
}

/// Fails before sending when an operation does not support the module (photos exist only on
/// Leads, Contacts, Accounts, Products and Vendors). Zoho matches module names without case.
pub fn check_module(
    op: &'static str,
    module: &str,
    allowed: &'static [&'static str],
) -> Result<()> {
    if allowed.iter().any(|m| m.eq_ignore_ascii_case(module)) {
        return Ok(());
    }
    Err(Error::Unsupported {
        op,
        module: module.to_owned(),
        allowed,
    })
}

fn bound(broken: bool, what: &'static str, limit: usize, got: usize, minimum: bool) -> Result<()> {
    if broken {
        return Err(Error::Limit {
            what,
            limit,
            got,
            minimum,
        });
    }
    Ok(())
}
