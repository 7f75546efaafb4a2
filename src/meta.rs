//! [`ResponseMeta`]: what came with an answer besides its body, for `.send_with_meta()`.

use std::time::Duration;

/// The HTTP side of a successful call: status, headers, how long it took and how many tries.
///
/// ```no_run
/// use zohocrm::Client;
///
/// async fn show(client: &Client) -> zohocrm::Result<()> {
///     let answer = client.module("Leads").get_records().send_with_meta().await?;
///     println!(
///         "{} leads, HTTP {}, {:?} over {} tries, token resets at {:?}",
///         answer.value.data.len(),
///         answer.meta.status,
///         answer.meta.elapsed,
///         answer.meta.attempts,
///         answer.meta.access_token_reset(),
///     );
///     Ok(())
/// }
/// ```
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct ResponseMeta {
    /// HTTP status of the answer.
    pub status: u16,
    /// Every response header, as received.
    pub headers: reqwest::header::HeaderMap,
    /// From the first try's send to the answer, retry waits included.
    pub elapsed: Duration,
    /// Tries it took (1 when the first succeeded).
    pub attempts: u32,
}

impl ResponseMeta {
    /// A header's value, when present and valid text.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name)?.to_str().ok()
    }

    /// `X-Accesstoken-Reset`: when the access token used expires, as Zoho sends it (an ISO-8601
    /// time; zoho-api-v2.md §2, response headers).
    pub fn access_token_reset(&self) -> Option<&str> {
        self.header("x-accesstoken-reset")
    }

    /// Rate or credit headers the answer carried (names starting `x-ratelimit`), as
    /// `(name, value)` pairs. Zoho v2 does not document them; gateways in front of it often add
    /// them.
    pub fn rate_limit_headers(&self) -> impl Iterator<Item = (&str, &str)> {
        self.headers.iter().filter_map(|(k, v)| {
            let name = k.as_str();
            name.starts_with("x-ratelimit")
                .then_some(())
                .and_then(|_| Some((name, v.to_str().ok()?)))
        })
    }
}

/// A typed result together with its [`ResponseMeta`].
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct WithMeta<T> {
    /// What `.send()` would have returned.
    pub value: T,
    /// Status, headers, elapsed time and tries.
    pub meta: ResponseMeta,
    /// The envelope's `info` when Zoho sent one beside a single entity (`GET /users/{id}` does);
    /// `None` otherwise. A list's `info` is in its [`crate::Page::info`].
    pub info: Option<crate::Info>,
}

impl<T> WithMeta<T> {
    /// Pairs a value with metadata.
    pub fn new(value: T, meta: ResponseMeta) -> Self {
        WithMeta {
            value,
            meta,
            info: None,
        }
    }

    /// Sets [`WithMeta::info`].
    pub fn with_info(mut self, info: Option<crate::Info>) -> Self {
        self.info = info;
        self
    }

    /// The value, metadata dropped.
    pub fn into_value(self) -> T {
        self.value
    }
}
