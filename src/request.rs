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
    /// An absolute URL Zoho handed out, set by [`Request::absolute_url`] (a Bulk Write result's
    /// `download_url`, on `download-accl.zoho.com`). Sent with the access token only when it is
    /// https on a Zoho domain ([`ZOHO_DOMAINS`]), or on the client's own API host (the
    /// emulator); any other URL fails with [`Error::InvalidArgument`] before anything is sent.
    Url,
}

/// The registrable domains a [`Base::Url`] request may go to over https, with any subdomain:
/// Zoho's accounts, API and file hosts in every data centre (zoho-api-v2.md §1: US, EU, IN, CN,
/// AU, JP, CA, SA, and UK for accounts).
pub const ZOHO_DOMAINS: &[&str] = &[
    "zoho.com",
    "zoho.eu",
    "zoho.in",
    "zoho.com.cn",
    "zoho.com.au",
    "zoho.jp",
    "zoho.ca",
    "zohocloud.ca",
    "zoho.sa",
    "zoho.uk",
    "zohoapis.com",
    "zohoapis.eu",
    "zohoapis.in",
    "zohoapis.com.cn",
    "zohoapis.com.au",
    "zohoapis.jp",
    "zohoapis.ca",
    "zohoapis.sa",
    "zohoapis.uk",
];

/// Checks that `url` may receive the access token: https on a host under one of
/// [`ZOHO_DOMAINS`], or the same scheme, host and port as `api_base` (the configured API domain,
/// which the user chose: the emulator, a proxy). No credentials in the URL either way.
pub(crate) fn check_absolute_url(op: &'static str, url: &str, api_base: &str) -> Result<()> {
    let refuse = |why: String| Error::InvalidArgument {
        entity: op,
        field: "download_url".to_owned(),
        message: why,
    };
    let parsed = reqwest::Url::parse(url).map_err(|e| {
        refuse(format!(
            "not an absolute URL ({e}); pass the job's result.download_url as Zoho gave it"
        ))
    })?;
    if !parsed.username().is_empty() || parsed.password().is_some() {
        return Err(refuse("a URL with credentials in it is refused".to_owned()));
    }
    let host = parsed.host_str().unwrap_or_default().to_ascii_lowercase();
    let zoho = parsed.scheme() == "https"
        && parsed.port().is_none()
        && ZOHO_DOMAINS
            .iter()
            .any(|d| host == *d || host.ends_with(&format!(".{d}")));
    let own = reqwest::Url::parse(api_base)
        .is_ok_and(|b| b.origin() == parsed.origin() && b.scheme() == parsed.scheme());
    if zoho || own {
        return Ok(());
    }
    // The port is named: it may be the only difference from the configured API host.
    let port = parsed.port().map(|p| format!(":{p}")).unwrap_or_default();
    Err(refuse(format!(
        "{}://{host}{port} is neither https on a Zoho host nor the configured API host; the access token is sent only there",
        parsed.scheme()
    )))
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

    /// Makes the request go to `url` itself, an absolute URL Zoho handed out (see [`Base::Url`]
    /// for where it may point).
    pub fn absolute_url(&mut self, url: &str) {
        self.base = Base::Url;
        self.path = url.to_owned();
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

#[cfg(test)]
mod tests {
    use super::check_absolute_url;

    // The official SDK's sample download_url is on download-accl.zoho.com (bulk_write.py);
    // zoho-api-v2.md §1 lists the data centres' domains.
    #[test]
    fn only_https_zoho_hosts_or_the_api_host_get_the_token() {
        let api = "http://127.0.0.1:8787";
        let ok = [
            "https://download-accl.zoho.com/v2/crm/6735/bulk-write/1/1.zip",
            "https://download-accl.zoho.eu/v2/crm/6735/bulk-write/1/1.zip",
            "https://files.zoho.sa/x.zip",
            "https://content.zohoapis.com.au/crm/v2/x",
            "http://127.0.0.1:8787/v2/crm/1/bulk-write/1/1.zip",
        ];
        for url in ok {
            assert!(check_absolute_url("op", url, api).is_ok(), "{url}");
        }
        let refused = [
            "http://download-accl.zoho.com/x.zip",
            "https://download-accl.zoho.com:8443/x.zip",
            "https://download-accl.zoho.com.evil.example/x.zip",
            "https://evilzoho.com/x.zip",
            "https://user:pw@download-accl.zoho.com/x.zip",
            "http://127.0.0.1:8788/x.zip",
            "https://127.0.0.1:8787/x.zip",
            "ftp://download-accl.zoho.com/x.zip",
            "/v2/crm/1/bulk-write/1/1.zip",
        ];
        for url in refused {
            let e = check_absolute_url("op", url, api).expect_err(url);
            assert!(e.to_string().contains("download_url"), "{e}");
        }
        // Only the port differs from the API host: the message shows it.
        let e = check_absolute_url("op", "http://127.0.0.1:8788/x.zip", api).unwrap_err();
        assert!(
            e.to_string().contains("http://127.0.0.1:8788 is neither"),
            "{e}"
        );
    }
}
