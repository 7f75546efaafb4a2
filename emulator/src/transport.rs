//! What the CRM answers carry on the wire besides their bodies: gzip when the client asks,
//! `Retry-After` on 429 in the form a test picks, `X-Accesstoken-Reset`, and file bodies that
//! can be made to trickle so clients' read timeouts can be tested.

use axum::body::Body;
use axum::http::{header, HeaderName, HeaderValue, StatusCode};
use axum::response::Response;
use std::sync::Mutex;
use std::time::{Duration, SystemTime};
use tower_http::compression::predicate::{Predicate, SizeAbove};
use tower_http::compression::CompressionLayer;

/// How a 429 tells the client when to come back (RFC 9110 §10.2.3 allows both forms).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RetryAfter {
    /// `Retry-After: <seconds>` (the default, 1 s).
    Seconds(u64),
    /// `Retry-After: <HTTP-date>`, this many seconds from now.
    HttpDate(u64),
    /// No `Retry-After` header.
    Absent,
}

impl Default for RetryAfter {
    fn default() -> Self {
        RetryAfter::Seconds(1)
    }
}

/// How file downloads name the file in `Content-Disposition` (RFC 6266). Zoho's JSON answers
/// carry the token form `attachment; filename=response.json` (zoho-api-v2.md §1, response
/// headers); the official SDKs read a download's name after the last `'`, i.e. they expect the
/// RFC 8187 form `filename*=UTF-8''...` (zoho-python-sdk.md §4.5). The other forms are what other
/// servers and proxies send, so a client can be tested against each.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub enum Disposition {
    /// `attachment; filename="<ASCII fallback>"; filename*=UTF-8''<percent-encoded>` (default).
    #[default]
    Both,
    /// `attachment; filename*=UTF-8''<percent-encoded>` only.
    Extended,
    /// `attachment; filename="<name>"` only: the name as raw UTF-8, `"` and `\` backslash-escaped
    /// (an RFC 6266 quoted-string; non-ASCII bytes are obs-text).
    Quoted,
    /// `attachment; filename=<name>` unquoted, whatever the name holds.
    Bare,
    /// This exact header value (bytes), whatever the file: for malformed-header tests.
    Literal(Vec<u8>),
    /// No `Content-Disposition` at all.
    Absent,
}

/// The stored name of a file download, kept on the response so [`finish`] can write
/// `Content-Disposition` in the form a test picked.
#[derive(Debug, Clone)]
pub struct DownloadName(pub String);

impl Disposition {
    /// The header value naming `name` in this form; `None` sends no header.
    pub fn header(&self, name: &str) -> Option<HeaderValue> {
        let quoted = |s: &str| s.replace('\\', "\\\\").replace('"', "\\\"");
        let bytes = match self {
            Disposition::Both => {
                let ascii: String = name
                    .chars()
                    .map(|c| {
                        if c == ' ' || (c.is_ascii_graphic() && c != '"' && c != '\\') {
                            c
                        } else {
                            '_'
                        }
                    })
                    .collect();
                let encoded = crate::params::encode(name);
                format!("attachment; filename=\"{ascii}\"; filename*=UTF-8''{encoded}").into_bytes()
            }
            Disposition::Extended => format!(
                "attachment; filename*=UTF-8''{}",
                crate::params::encode(name)
            )
            .into_bytes(),
            Disposition::Quoted => {
                format!("attachment; filename=\"{}\"", quoted(name)).into_bytes()
            }
            Disposition::Bare => format!("attachment; filename={name}").into_bytes(),
            Disposition::Literal(v) => v.clone(),
            Disposition::Absent => return None,
        };
        HeaderValue::from_bytes(&bytes).ok()
    }
}

/// Wire settings a test can change while the emulator runs.
#[derive(Debug, Default)]
pub struct Wire {
    /// How downloads name their file in `Content-Disposition`.
    pub disposition: Mutex<Disposition>,
    /// The `Retry-After` form on 429 answers.
    pub retry_after: Mutex<RetryAfter>,
    /// Pause between 16 KiB chunks of a file download (default none).
    pub file_chunk_delay: Mutex<Duration>,
}

/// Compresses JSON answers with gzip when the request says `Accept-Encoding: gzip`. Zoho's
/// answers vary by `accept-encoding` (response headers in zoho-api-v2.md §2); downloads keep
/// their own bytes and `Content-Length`.
pub fn compression() -> CompressionLayer<impl Predicate> {
    CompressionLayer::new()
        .gzip(true)
        .no_br()
        .no_deflate()
        .no_zstd()
        .compress_when(SizeAbove::new(256).and(is_json))
}

fn is_json(
    _: StatusCode,
    _: axum::http::Version,
    headers: &axum::http::HeaderMap,
    _: &axum::http::Extensions,
) -> bool {
    headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|ct| ct.starts_with("application/json"))
}

/// Sets the headers of a finished CRM answer: `Retry-After` on 429 in the configured form,
/// `X-Accesstoken-Reset` (when the token used expires, `token_expires` seconds from now), and
/// a trickling body for downloads when a chunk delay is set.
pub fn finish(wire: &Wire, token_expires: Option<Duration>, mut resp: Response) -> Response {
    let h = resp.headers_mut();
    if let Some(left) = token_expires {
        // Source: zoho-api-v2.md §2, "X-Accesstoken-Reset: <ISO time> (when the token expires)".
        let at = crate::time::now_secs() + left.as_secs() as i64;
        if let Ok(v) = HeaderValue::from_str(&crate::time::format_iso(at)) {
            h.insert(HeaderName::from_static("x-accesstoken-reset"), v);
        }
    }
    if resp.status() == StatusCode::TOO_MANY_REQUESTS {
        let form = *wire.retry_after.lock().unwrap_or_else(|e| e.into_inner());
        let h = resp.headers_mut();
        match form {
            RetryAfter::Seconds(s) => {
                h.insert(header::RETRY_AFTER, HeaderValue::from(s));
            }
            RetryAfter::HttpDate(s) => {
                let at = SystemTime::now() + Duration::from_secs(s);
                if let Ok(v) = HeaderValue::from_str(&httpdate::fmt_http_date(at)) {
                    h.insert(header::RETRY_AFTER, v);
                }
            }
            RetryAfter::Absent => {
                h.remove(header::RETRY_AFTER);
            }
        }
    }
    if let Some(DownloadName(name)) = resp.extensions().get::<DownloadName>().cloned() {
        let form = wire
            .disposition
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .clone();
        let h = resp.headers_mut();
        h.remove(header::CONTENT_DISPOSITION);
        if let Some(v) = form.header(&name) {
            h.insert(header::CONTENT_DISPOSITION, v);
        }
    }
    let delay = *wire
        .file_chunk_delay
        .lock()
        .unwrap_or_else(|e| e.into_inner());
    let is_file = resp.status() == StatusCode::OK
        && resp
            .headers()
            .get(header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|ct| !ct.starts_with("application/json"));
    if delay.is_zero() || !is_file {
        return resp;
    }
    let (parts, body) = resp.into_parts();
    Response::from_parts(parts, trickle(body, delay))
}

/// The same bytes, 16 KiB at a time with `delay` before each chunk.
fn trickle(body: Body, delay: Duration) -> Body {
    const CHUNK: usize = 16 * 1024;
    let stream = futures_util::stream::unfold(
        (Some(body), bytes_queue()),
        move |(body, mut queue)| async move {
            let mut body = body;
            if let Some(b) = body.take() {
                let all = axum::body::to_bytes(b, usize::MAX).await.ok()?;
                queue = all;
            }
            if queue.is_empty() {
                return None;
            }
            tokio::time::sleep(delay).await;
            let chunk = queue.split_to(queue.len().min(CHUNK));
            Some((Ok::<_, std::io::Error>(chunk), (None, queue)))
        },
    );
    Body::from_stream(stream)
}

fn bytes_queue() -> axum::body::Bytes {
    axum::body::Bytes::new()
}
