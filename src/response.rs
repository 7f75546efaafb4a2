//! Response envelopes and the typed decode at the end of every call. This is the only generic
//! step of the execution path.

use crate::entity::Key;
use crate::error::{ApiError, DecodeError, Error, ErrorCode, ErrorDetails, Result};
use serde::de::{DeserializeOwned, DeserializeSeed, IgnoredAny, MapAccess, SeqAccess, Visitor};
use serde::{Deserialize, Deserializer, Serialize};
use serde_json::value::RawValue;
use std::fmt;
use std::marker::PhantomData;

/// An HTTP answer that passed status classification.
#[derive(Debug)]
pub struct RawResponse {
    pub(crate) status: u16,
    pub(crate) headers: reqwest::header::HeaderMap,
    pub(crate) body: bytes::Bytes,
    /// The whole operation, retries included.
    pub(crate) elapsed: std::time::Duration,
    pub(crate) attempts: u32,
    /// For writes: how many per-item results the answer must hold (one per item sent).
    pub(crate) expected_items: Option<usize>,
}

/// `info` of a list response: the paging keys typed, every other key Zoho sends (`default`,
/// `translation`, `range` ...) kept in [`Info::extra`]. Serializes back to the same object.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct Info {
    /// This page's number.
    #[serde(
        default,
        deserialize_with = "lenient_i64",
        skip_serializing_if = "Option::is_none"
    )]
    pub page: Option<i64>,
    /// Page size.
    #[serde(
        default,
        deserialize_with = "lenient_i64",
        skip_serializing_if = "Option::is_none"
    )]
    pub per_page: Option<i64>,
    /// Items on this page.
    #[serde(
        default,
        deserialize_with = "lenient_i64",
        skip_serializing_if = "Option::is_none"
    )]
    pub count: Option<i64>,
    /// More pages follow.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub more_records: Option<bool>,
    /// Sort field in effect.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sort_by: Option<String>,
    /// Sort order in effect.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sort_order: Option<String>,
    /// Every other key, as sent.
    #[serde(flatten)]
    pub extra: serde_json::Map<String, serde_json::Value>,
}

fn lenient_i64<'de, D: Deserializer<'de>>(d: D) -> Result<Option<i64>, D::Error> {
    Ok(crate::entity::Lenient::<i64>::deserialize(d)?.0)
}

/// One page of a list.
///
/// ```
/// use zohocrm::{Page, RawResponse, types::Record};
///
/// let body = r#"{"data":[{"id":"1","Last_Name":"Lovelace"}],
///                "info":{"page":1,"per_page":200,"count":1,"more_records":false}}"#;
/// let page: Page<Record> = RawResponse::new(200, body).list("data")?;
/// assert_eq!(page.data.len(), 1);
/// assert!(!page.more_records());
/// assert_eq!(page.info.and_then(|i| i.count), Some(1));
/// # Ok::<(), zohocrm::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct Page<T> {
    /// The items.
    pub data: Vec<T>,
    /// Paging info (`None` for lists Zoho does not page, and for empty answers).
    pub info: Option<Info>,
    /// HTTP status (204 and 304 give an empty page).
    pub http_status: u16,
}

impl<T> Page<T> {
    /// True when Zoho says another page follows.
    pub fn more_records(&self) -> bool {
        self.info
            .as_ref()
            .and_then(|i| i.more_records)
            .unwrap_or(false)
    }
}

impl<T> IntoIterator for Page<T> {
    type Item = T;
    type IntoIter = std::vec::IntoIter<T>;
    fn into_iter(self) -> Self::IntoIter {
        self.data.into_iter()
    }
}

/// The successful outcome of one item of a write.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct ActionSuccess<D> {
    /// `SUCCESS` normally.
    pub code: String,
    /// `record added`, `record updated` ...
    pub message: String,
    /// Typed details (the new id, timestamps ...).
    pub details: D,
    /// Upserts: `insert` or `update`.
    pub action: Option<String>,
    /// Upserts: the field that matched an existing record.
    pub duplicate_field: Option<String>,
}

/// Per-item results of a write, in input order: one success or one typed error per item.
///
/// ```
/// use zohocrm::{ActionResults, ErrorCode, RawResponse, types::RecordActionDetails};
///
/// // Zoho's answer when the second of two records failed (HTTP 207).
/// let body = r#"{"data":[
///   {"code":"SUCCESS","status":"success","message":"record added","details":{"id":"4150868000000001"}},
///   {"code":"MANDATORY_NOT_FOUND","status":"error","message":"required field not found",
///    "details":{"api_name":"Last_Name"}}]}"#;
/// let results: ActionResults<RecordActionDetails> = RawResponse::new(207, body).action("data")?;
/// assert!(!results.all_succeeded());
/// let created: Vec<_> = results.successes().filter_map(|s| s.details.id.clone()).collect();
/// assert_eq!(created.len(), 1);
/// let (index, err) = results.errors().next().unwrap();
/// assert_eq!((index, &err.code), (1, &ErrorCode::MandatoryNotFound));
/// # Ok::<(), zohocrm::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct ActionResults<D> {
    /// HTTP status (200, 201, 202, 207, or 400 when every item failed).
    pub http_status: u16,
    /// One entry per input item.
    pub items: Vec<Result<ActionSuccess<D>, ApiError>>,
}

impl<D> ActionResults<D> {
    /// True when every item succeeded.
    pub fn all_succeeded(&self) -> bool {
        self.items.iter().all(Result::is_ok)
    }

    /// The successes.
    pub fn successes(&self) -> impl Iterator<Item = &ActionSuccess<D>> {
        self.items.iter().filter_map(|r| r.as_ref().ok())
    }

    /// The failures, with their input index.
    pub fn errors(&self) -> impl Iterator<Item = (usize, &ApiError)> {
        self.items
            .iter()
            .enumerate()
            .filter_map(|(i, r)| r.as_ref().err().map(|e| (i, e)))
    }

    /// All successes, or the first failure as an error.
    pub fn into_result(self) -> Result<Vec<ActionSuccess<D>>> {
        self.items
            .into_iter()
            .map(|r| r.map_err(Error::from))
            .collect()
    }

    /// The id of the one item written, for single-item writes such as uploads: the new
    /// attachment's id from `upload_attachment`, the new note's from `add_note`. The item's
    /// error when it failed; a `Decode` error when the answer held no item or no id.
    ///
    /// ```no_run
    /// use zohocrm::{Client, UploadFile};
    ///
    /// async fn attach(client: &Client, lead_id: &str) -> zohocrm::Result<zohocrm::Id> {
    ///     let file = UploadFile::new("quote.pdf", b"%PDF-1.4".to_vec());
    ///     let results = client.record("Leads", lead_id).upload_attachment(file).send().await?;
    ///     results.created_id()
    /// }
    /// ```
    pub fn created_id(&self) -> Result<crate::Id>
    where
        D: crate::response::HasId,
    {
        match self.items.first() {
            Some(Ok(s)) => s.details.id().cloned().ok_or_else(|| {
                Error::from(DecodeError::new(
                    self.http_status,
                    "an `id` in the item's details",
                    b"",
                    None,
                ))
            }),
            Some(Err(e)) => Err(Error::from(e.clone())),
            None => Err(Error::from(DecodeError::new(
                self.http_status,
                "one item in the write's answer",
                b"",
                None,
            ))),
        }
    }

    pub(crate) fn extend(&mut self, other: ActionResults<D>) {
        if other.http_status != self.http_status {
            self.http_status = 207;
        }
        self.items.extend(other.items);
    }
}

/// Write details that carry the written item's id.
pub trait HasId {
    /// The id, when the answer gave one.
    fn id(&self) -> Option<&crate::Id>;
}

impl HasId for crate::types::RecordActionDetails {
    fn id(&self) -> Option<&crate::Id> {
        self.id.as_ref()
    }
}

/// A downloaded file.
#[derive(Clone)]
#[non_exhaustive]
pub struct FileDownload {
    /// From `Content-Disposition` (RFC 6266): `filename*=UTF-8''...` (RFC 8187) when present
    /// and decodable, else `filename=` (quoted names may hold `;` and `\"`; raw UTF-8 is read
    /// as UTF-8). Only the last path segment is kept and control characters are dropped.
    /// `None` when the header is missing or names no usable file: choose your own default.
    pub file_name: Option<String>,
    /// From `Content-Type`.
    pub content_type: Option<String>,
    /// The content.
    pub bytes: bytes::Bytes,
}

impl fmt::Debug for FileDownload {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("FileDownload")
            .field("file_name", &self.file_name)
            .field("content_type", &self.content_type)
            .field("len", &self.bytes.len())
            .finish()
    }
}

/// A download whose content streams from the socket as it arrives, so large files never sit in
/// memory whole. It is a `Stream` of byte chunks.
///
/// ```no_run
/// use tokio::io::AsyncWriteExt;
/// use zohocrm::Client;
/// use zohocrm::stream::TryStreamExt;
///
/// async fn save(client: &Client, lead_id: &str, attachment_id: &str) -> Result<(), zohocrm::Report> {
///     let mut file = client
///         .record("Leads", lead_id)
///         .download_attachment(attachment_id)
///         .send_stream()
///         .await?;
///     let name = file.file_name.clone().unwrap_or_else(|| "download.bin".into());
///     let mut out = tokio::fs::File::create(&name).await?;
///     while let Some(chunk) = file.try_next().await? {
///         out.write_all(&chunk).await?;
///     }
///     Ok(())
/// }
/// ```
#[non_exhaustive]
pub struct FileStream {
    /// From `Content-Disposition` (RFC 6266): `filename*=UTF-8''...` (RFC 8187) when present
    /// and decodable, else `filename=` (quoted names may hold `;` and `\"`; raw UTF-8 is read
    /// as UTF-8). Only the last path segment is kept and control characters are dropped.
    /// `None` when the header is missing or names no usable file: choose your own default.
    pub file_name: Option<String>,
    /// From `Content-Type`.
    pub content_type: Option<String>,
    /// From `Content-Length`, when the server sent it.
    pub content_length: Option<u64>,
    chunks: futures_util::stream::BoxStream<'static, Result<bytes::Bytes>>,
}

impl FileStream {
    /// Reads the rest into memory.
    pub async fn bytes(self) -> Result<bytes::Bytes> {
        use futures_util::TryStreamExt;
        let parts: Vec<bytes::Bytes> = self.chunks.try_collect().await?;
        Ok(parts.concat().into())
    }

    pub(crate) fn from_bytes(raw: &RawResponse) -> FileStream {
        let file = raw.file_meta();
        let body = raw.body.clone();
        FileStream {
            file_name: file.0,
            content_type: file.1,
            content_length: Some(body.len() as u64),
            chunks: futures_util::StreamExt::boxed(futures_util::stream::once(
                async move { Ok(body) },
            )),
        }
    }
}

impl futures_util::Stream for FileStream {
    type Item = Result<bytes::Bytes>;
    fn poll_next(
        mut self: std::pin::Pin<&mut Self>,
        cx: &mut std::task::Context<'_>,
    ) -> std::task::Poll<Option<Self::Item>> {
        self.chunks.as_mut().poll_next(cx)
    }
}

impl fmt::Debug for FileStream {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("FileStream")
            .field("file_name", &self.file_name)
            .field("content_type", &self.content_type)
            .field("content_length", &self.content_length)
            .finish_non_exhaustive()
    }
}

/// A successful response whose body has not been read yet, as a [`FileStream`].
pub(crate) fn file_stream(resp: reqwest::Response) -> Result<FileStream> {
    use futures_util::TryStreamExt;
    let (file_name, content_type) = file_meta(resp.headers());
    let content_length = resp.content_length();
    let context = format!("streaming {}", resp.url().path());
    let chunks = resp
        .bytes_stream()
        .map_err(move |e| Error::Transport(crate::error::TransportError::new(context.clone(), e)));
    Ok(FileStream {
        file_name,
        content_type,
        content_length,
        chunks: futures_util::StreamExt::boxed(chunks),
    })
}

/// Splits answers into success (2xx, 304) and errors: a Zoho error object (top-level `code`),
/// or anything else, which is a decode error quoting the body. The one exception is a 400 to a
/// write whose body holds per-item results that all failed: Zoho's answer when no item of a
/// write succeeded. It passes on to [`RawResponse::action`], which checks it again item by item.
pub(crate) fn classify(raw: RawResponse, method: crate::Method) -> Result<RawResponse> {
    if (200..300).contains(&raw.status) || raw.status == 304 {
        return Ok(raw);
    }
    match serde_json::from_slice::<TopError>(&raw.body) {
        Ok(top) if top.code.is_some() => {
            let mut e = top.into_api_error(raw.status);
            e.retry_after = crate::client::retry_after(&raw.headers);
            Err(Error::from(e))
        }
        _ if raw.status == 400 && method != crate::Method::GET && all_items_failed(&raw.body) => {
            Ok(raw)
        }
        _ => Err(Error::from(DecodeError::new(
            raw.status,
            "a Zoho error object (code, message, details)",
            &raw.body,
            None,
        ))),
    }
}

/// `{"<key>": [{"status": "error", ...}, ...]}` (or one such object): every item of a write
/// failed.
fn all_items_failed(body: &[u8]) -> bool {
    let Ok(top) = serde_json::from_slice::<serde_json::Map<String, serde_json::Value>>(body) else {
        return false;
    };
    let failed = |it: &serde_json::Value| {
        it.get("status").and_then(serde_json::Value::as_str) == Some("error")
    };
    // An array of results, or the single result object a few writes answer with.
    top.values().any(|v| match v {
        serde_json::Value::Array(items) => !items.is_empty() && items.iter().all(failed),
        serde_json::Value::Object(_) => failed(v),
        _ => false,
    })
}

/// Visits `{ "<key>": ..., "info": {...}, ... }`, decoding the key's value with `seed`.
struct Envelope<'k, S> {
    key: &'k str,
    seed: Option<S>,
}

/// What an envelope held: the key's value (`None` when absent or `null`), `info`, and the
/// top-level error keys, so a body without its key can be told apart from an error.
struct Enveloped<V> {
    value: Option<V>,
    info: Option<Info>,
    error: TopError,
}

/// Top-level `code`/`message`/`status`/`details` of a body: Zoho's error object.
#[derive(Default, Deserialize)]
pub(crate) struct TopError {
    #[serde(default, deserialize_with = "lenient_string")]
    code: Option<String>,
    #[serde(default, deserialize_with = "lenient_string")]
    message: Option<String>,
    #[serde(default, deserialize_with = "lenient_string")]
    status: Option<String>,
    #[serde(default)]
    details: Option<serde_json::Value>,
}

fn lenient_string<'de, D: Deserializer<'de>>(d: D) -> Result<Option<String>, D::Error> {
    Ok(match serde_json::Value::deserialize(d)? {
        serde_json::Value::String(s) => Some(s),
        serde_json::Value::Null => None,
        other => Some(other.to_string()),
    })
}

impl TopError {
    /// A Zoho error object: a `code` with `status: "error"`, or any `code` on a non-2xx answer.
    fn is_error(&self, http_status: u16) -> bool {
        self.code.is_some()
            && (self.status.as_deref() == Some("error") || !(200..300).contains(&http_status))
    }

    pub(crate) fn into_api_error(self, http_status: u16) -> ApiError {
        ApiError {
            http_status,
            code: ErrorCode::from(self.code.as_deref().unwrap_or("UNKNOWN")),
            message: self.message.unwrap_or_default(),
            status: self.status.unwrap_or_else(|| "error".into()),
            details: self
                .details
                .and_then(|d| serde_json::from_value::<ErrorDetails>(d).ok())
                .unwrap_or_default(),
            hint: None,
            retry_after: None,
        }
    }
}

impl<'de, X, S: DeserializeSeed<'de, Value = Option<X>>> DeserializeSeed<'de> for Envelope<'_, S> {
    type Value = Enveloped<X>;
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Enveloped<X>, D::Error> {
        d.deserialize_map(self)
    }
}

impl<'de, X, S: DeserializeSeed<'de, Value = Option<X>>> Visitor<'de> for Envelope<'_, S> {
    type Value = Enveloped<X>;
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "an object with `{}`", self.key)
    }
    fn visit_map<A: MapAccess<'de>>(mut self, mut map: A) -> Result<Self::Value, A::Error> {
        let (mut value, mut info, mut error) = (None, None, TopError::default());
        while let Some(k) = map.next_key::<Key<'de>>()? {
            match k.as_str() {
                key if key == self.key => {
                    if let Some(seed) = self.seed.take() {
                        value = map.next_value_seed(seed)?;
                        continue;
                    }
                }
                "info" => {
                    info = map.next_value::<Option<Info>>()?;
                    continue;
                }
                "code" => {
                    error.code = map.next_value_seed(LenientString)?;
                    continue;
                }
                "message" => {
                    error.message = map.next_value_seed(LenientString)?;
                    continue;
                }
                "status" => {
                    error.status = map.next_value_seed(LenientString)?;
                    continue;
                }
                "details" => {
                    error.details = map.next_value()?;
                    continue;
                }
                _ => {}
            }
            map.next_value::<IgnoredAny>()?;
        }
        Ok(Enveloped { value, info, error })
    }
}

struct LenientString;

impl<'de> DeserializeSeed<'de> for LenientString {
    type Value = Option<String>;
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Option<String>, D::Error> {
        lenient_string(d)
    }
}

/// The first element of an array, or an object itself.
struct OneOf<T>(PhantomData<T>);

impl<'de, T: Deserialize<'de>> DeserializeSeed<'de> for OneOf<T> {
    type Value = Option<T>;
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Option<T>, D::Error> {
        d.deserialize_any(self)
    }
}

impl<'de, T: Deserialize<'de>> Visitor<'de> for OneOf<T> {
    type Value = Option<T>;
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("an object or an array of one")
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Option<T>, A::Error> {
        let first = seq.next_element::<T>()?;
        while seq.next_element::<IgnoredAny>()?.is_some() {}
        Ok(first)
    }
    fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<Option<T>, A::Error> {
        T::deserialize(serde::de::value::MapAccessDeserializer::new(map)).map(Some)
    }
    fn visit_unit<E>(self) -> Result<Option<T>, E> {
        Ok(None)
    }
}

/// An array, or one object as a list of one: a few write calls answer with a single result
/// object under their key (`{"base_currency": {...}}` of the currency actions, `{"share":
/// {...}}` of revoking a share; zohocrmsdk2-0 6.0.0's BaseCurrencyActionWrapper and
/// DeleteActionWrapper).
/// A list, with a guess at its length (`serde_json` gives none) so a page of records does not
/// move every record already decoded each time the list grows.
struct ListOf<T>(PhantomData<T>, usize);

impl<T> ListOf<T> {
    /// Zoho records run 1 KiB of JSON or more and pages hold at most 200 (zoho-api-v2.md,
    /// `per_page`); smaller items just grow the list as usual.
    fn for_body(body: &[u8]) -> Self {
        ListOf(PhantomData, (body.len() / 1024).min(200))
    }
}

impl<'de, T: Deserialize<'de>> DeserializeSeed<'de> for ListOf<T> {
    /// `None` for `null`: the list is missing, which is not the same as empty.
    type Value = Option<Vec<T>>;
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Option<Vec<T>>, D::Error> {
        d.deserialize_any(self)
    }
}

impl<'de, T: Deserialize<'de>> Visitor<'de> for ListOf<T> {
    type Value = Option<Vec<T>>;
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("an array or an object")
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
        let mut out = Vec::with_capacity(seq.size_hint().unwrap_or(self.1).min(256));
        while let Some(item) = seq.next_element::<T>()? {
            out.push(item);
        }
        if out.capacity() > out.len() + out.len() / 4 {
            out.shrink_to_fit();
        }
        Ok(Some(out))
    }
    fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<Self::Value, A::Error> {
        T::deserialize(serde::de::value::MapAccessDeserializer::new(map)).map(|t| Some(vec![t]))
    }
    fn visit_unit<E>(self) -> Result<Self::Value, E> {
        Ok(None)
    }
}

/// One item of a write response, before its `details` are typed.
#[derive(Deserialize)]
struct RawItem {
    #[serde(default)]
    code: Option<String>,
    #[serde(default)]
    message: Option<String>,
    #[serde(default)]
    status: Option<String>,
    #[serde(default)]
    details: Option<Box<RawValue>>,
    #[serde(default)]
    action: Option<String>,
    #[serde(default)]
    duplicate_field: Option<String>,
}

impl RawResponse {
    /// A response from its parts (for decoding bodies fetched some other way, and benches).
    pub fn new(status: u16, body: impl Into<bytes::Bytes>) -> Self {
        RawResponse {
            status,
            headers: reqwest::header::HeaderMap::new(),
            body: body.into(),
            elapsed: std::time::Duration::ZERO,
            attempts: 1,
            expected_items: None,
        }
    }

    /// A write's answer that must hold exactly `n` per-item results (one per item sent).
    pub fn expecting_items(mut self, n: usize) -> Self {
        self.expected_items = Some(n);
        self
    }

    /// HTTP status.
    pub fn status(&self) -> u16 {
        self.status
    }

    /// Status, headers, elapsed time and tries, for `.send_with_meta()`.
    pub fn meta(&self) -> crate::ResponseMeta {
        crate::meta::ResponseMeta {
            status: self.status,
            headers: self.headers.clone(),
            elapsed: self.elapsed,
            attempts: self.attempts,
        }
    }

    /// The body.
    pub fn body(&self) -> &[u8] {
        &self.body
    }

    fn empty(&self) -> bool {
        matches!(self.status, 204 | 304) || self.body.iter().all(u8::is_ascii_whitespace)
    }

    fn decode_err(&self, expected: String, e: Option<serde_json::Error>) -> Error {
        Error::from(DecodeError::new(self.status, expected, &self.body, e))
    }

    fn envelope<X, S: for<'de> DeserializeSeed<'de, Value = Option<X>>>(
        &self,
        key: &str,
        seed: impl Fn() -> S,
        what: &str,
    ) -> Result<(X, Option<Info>)> {
        let out = crate::shared::decode(&self.body, |text| {
            crate::json::decode_seed(text, || Envelope {
                key,
                seed: Some(seed()),
            })
        })
        .ok_or_else(|| {
            self.decode_err(
                format!("{what} under `{key}` (the body is not UTF-8)"),
                None,
            )
        })?
        .map_err(|e| self.decode_err(format!("{what} under `{key}`"), Some(e)))?;
        match out.value {
            Some(v) => Ok((v, out.info)),
            None => Err(self.missing(key, what, out.error)),
        }
    }

    /// A body without its envelope key: Zoho's error object when it is one (even with a 2xx
    /// status), else a decode error naming the key.
    fn missing(&self, key: &str, what: &str, error: TopError) -> Error {
        if error.is_error(self.status) {
            return Error::from(error.into_api_error(self.status));
        }
        self.decode_err(
            format!("{what} under `{key}` (the key is missing, null or empty)"),
            None,
        )
    }

    /// Only 2xx and 304 answers carry data; a 400 reaches a decoder only when it may hold the
    /// per-item results of a write, which only [`RawResponse::action`] accepts.
    fn require_success(&self, what: &str) -> Result<()> {
        if (200..300).contains(&self.status) || self.status == 304 {
            return Ok(());
        }
        let top = serde_json::from_slice::<TopError>(&self.body).unwrap_or_default();
        if top.code.is_some() {
            return Err(Error::from(top.into_api_error(self.status)));
        }
        Err(self.decode_err(
            format!("{what} in a successful answer, or a Zoho error object"),
            None,
        ))
    }

    /// One entity under `key` (an array of one, or an object). 204 is a `NO_CONTENT` API error;
    /// an empty 200, a body without `key` (or with `null`) and an empty array are errors.
    pub fn single<T: DeserializeOwned>(&self, key: &str) -> Result<T> {
        self.single_with_info(key).map(|(v, _)| v)
    }

    /// As [`RawResponse::single`], with the envelope's `info` when Zoho sends one beside the
    /// entity (`GET /users/{id}` answers `{"users":[{...}],"info":{"per_page":200,"count":1,...}}`,
    /// zoho-api-v2.md §users; a single record's answer has none).
    ///
    /// ```
    /// use zohocrm::{RawResponse, types::User};
    ///
    /// let body = r#"{"users":[{"id":"1","full_name":"Ada"}],"info":{"count":1,"more_records":false}}"#;
    /// let (user, info): (User, _) = RawResponse::new(200, body).single_with_info("users")?;
    /// assert_eq!(user.id.map(|id| id.to_string()).as_deref(), Some("1"));
    /// assert_eq!(info.and_then(|i| i.count), Some(1));
    /// # Ok::<(), zohocrm::Error>(())
    /// ```
    pub fn single_with_info<T: DeserializeOwned>(&self, key: &str) -> Result<(T, Option<Info>)> {
        let what = format!("one {}", short_type::<T>());
        self.require_success(&what)?;
        if matches!(self.status, 204 | 304) {
            return Err(no_content(self.status));
        }
        if self.empty() {
            return Err(self.decode_err(format!("{what} under `{key}` (the body is empty)"), None));
        }
        self.envelope(key, || OneOf::<T>(PhantomData), &what)
    }

    /// A page of entities under `key`. 204 and 304 give an empty page, as Zoho documents for
    /// "nothing matched"; an empty 200 and a body without `key` (or with `null`) are errors.
    pub fn list<T: DeserializeOwned>(&self, key: &str) -> Result<Page<T>> {
        let what = format!("a list of {}", short_type::<T>());
        self.require_success(&what)?;
        if matches!(self.status, 204 | 304) {
            return Ok(Page {
                data: Vec::new(),
                info: None,
                http_status: self.status,
            });
        }
        if self.empty() {
            return Err(self.decode_err(format!("{what} under `{key}` (the body is empty)"), None));
        }
        let (data, info) = self.envelope(key, || ListOf::<T>::for_body(&self.body), &what)?;
        Ok(Page {
            data,
            info,
            http_status: self.status,
        })
    }

    /// The whole body as one entity. A Zoho error object (`code` with `status: "error"`) is an
    /// [`Error::Api`] even with a 2xx status.
    pub fn object<T: DeserializeOwned>(&self) -> Result<T> {
        let what = format!("a {} object", short_type::<T>());
        self.require_success(&what)?;
        if let Ok(top) = serde_json::from_slice::<TopError>(&self.body)
            && top.is_error(self.status)
        {
            return Err(Error::from(top.into_api_error(self.status)));
        }
        match crate::shared::decode(&self.body, |text| crate::json::from_str::<T>(text)) {
            Some(r) => r.map_err(|e| self.decode_err(what, Some(e))),
            None => serde_json::from_slice(&self.body).map_err(|e| self.decode_err(what, Some(e))),
        }
    }

    /// Per-item write results under `key`: exactly one per item sent (when known, else at least
    /// one), in order. A 400 is accepted only when every item in it failed (Zoho's answer when
    /// no item of a write succeeded); an empty body, a missing key and a count mismatch are
    /// errors, so a write never looks successful without an answer for each item.
    pub fn action<D: DeserializeOwned>(&self, key: &str) -> Result<ActionResults<D>> {
        let what = "write results";
        if self.status != 400 {
            self.require_success(what)?;
        }
        if self.empty() {
            return Err(self.decode_err(format!("{what} under `{key}` (the body is empty)"), None));
        }
        let (items, _) = self.envelope(key, || ListOf::<RawItem>::for_body(&self.body), what)?;
        let count_ok = match self.expected_items {
            Some(n) => items.len() == n,
            None => !items.is_empty(),
        };
        if !count_ok {
            let expected = self
                .expected_items
                .map_or_else(|| "at least one".to_owned(), |n| n.to_string());
            return Err(self.decode_err(
                format!(
                    "{expected} {what} under `{key}` (one per item sent), got {}",
                    items.len()
                ),
                None,
            ));
        }
        if self.status == 400 && items.iter().any(|it| it.status.as_deref() != Some("error")) {
            return Err(self.decode_err(
                format!("a Zoho error object, or {what} that all failed (HTTP 400)"),
                None,
            ));
        }
        let items = items
            .into_iter()
            .map(|it| self.action_item::<D>(it))
            .collect::<Result<Vec<_>>>()?;
        Ok(ActionResults {
            http_status: self.status,
            items,
        })
    }

    fn action_item<D: DeserializeOwned>(
        &self,
        it: RawItem,
    ) -> Result<Result<ActionSuccess<D>, ApiError>> {
        let details_text = it.details.as_ref().map(|d| d.get()).unwrap_or("null");
        if it.status.as_deref() == Some("success") {
            let details = match serde_json::from_str::<D>(details_text) {
                Ok(d) => d,
                // Some writes answer `"details": {}` or nothing; fall back to an empty object.
                Err(e) => serde_json::from_str::<D>("{}").map_err(|_| {
                    self.decode_err(format!("details of type {}", short_type::<D>()), Some(e))
                })?,
            };
            Ok(Ok(ActionSuccess {
                code: it.code.unwrap_or_default(),
                message: it.message.unwrap_or_default(),
                details,
                action: it.action,
                duplicate_field: it.duplicate_field,
            }))
        } else {
            let details = serde_json::from_str::<Option<ErrorDetails>>(details_text)
                .ok()
                .flatten()
                .unwrap_or_default();
            Ok(Err(ApiError {
                http_status: self.status,
                code: ErrorCode::from(it.code.as_deref().unwrap_or("UNKNOWN")),
                message: it.message.unwrap_or_default(),
                status: it.status.unwrap_or_else(|| "error".into()),
                details,
                hint: None,
                retry_after: None,
            }))
        }
    }

    /// The body as a downloaded file.
    pub fn file(&self) -> Result<FileDownload> {
        if self.status == 204 {
            return Err(no_content(self.status));
        }
        let (file_name, content_type) = self.file_meta();
        Ok(FileDownload {
            file_name,
            content_type,
            bytes: self.body.clone(),
        })
    }

    fn file_meta(&self) -> (Option<String>, Option<String>) {
        file_meta(&self.headers)
    }
}

/// File name (from `Content-Disposition`) and content type of a download.
fn file_meta(headers: &reqwest::header::HeaderMap) -> (Option<String>, Option<String>) {
    let header = |name: reqwest::header::HeaderName| {
        headers
            .get(name)
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned)
    };
    (
        headers
            .get(reqwest::header::CONTENT_DISPOSITION)
            .and_then(|v| crate::disposition::file_name(v.as_bytes())),
        header(reqwest::header::CONTENT_TYPE),
    )
}

fn no_content(status: u16) -> Error {
    Error::from(ApiError {
        http_status: status,
        code: ErrorCode::NoContent,
        message: "no content: the id given seems to be invalid, or nothing matched".into(),
        status: "error".into(),
        details: ErrorDetails::default(),
        hint: None,
        retry_after: None,
    })
}

fn short_type<T>() -> &'static str {
    let full = std::any::type_name::<T>();
    full.rsplit("::").next().unwrap_or(full)
}
