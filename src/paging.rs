//! Item streams over page streams (pages come from `full_read`) and chunked bulk writes, shared by every generated operation.

use crate::error::{ApiError, Error, ErrorCode, ErrorDetails, Result};
use crate::response::{ActionResults, Page};
use futures_util::stream::{self, BoxStream, StreamExt, TryStreamExt};
use std::future::Future;

/// The items of a page stream.
pub fn items<T: Send + 'static>(
    pages: BoxStream<'static, Result<Page<T>>>,
) -> BoxStream<'static, Result<T>> {
    pages
        .map_ok(|p| stream::iter(p.data.into_iter().map(Ok)))
        .try_flatten()
        .boxed()
}

/// Sends `items` in chunks of `max`, in order, and stitches the per-item results together.
pub async fn send_chunks<T, D, F, Fut>(
    items: Vec<T>,
    max: usize,
    mut send: F,
) -> Result<ActionResults<D>>
where
    F: FnMut(Vec<T>) -> Fut,
    Fut: Future<Output = Result<ActionResults<D>>>,
{
    let mut out: Option<ActionResults<D>> = None;
    let mut first_error: Option<Error> = None;
    let mut rest = items;
    while !rest.is_empty() {
        let tail = rest.split_off(rest.len().min(max.max(1)));
        let chunk = std::mem::replace(&mut rest, tail);
        let n = chunk.len();
        let result = match send(chunk).await {
            Ok(r) if r.items.len() == n => Ok(r),
            Ok(r) => Err(Error::from(crate::error::DecodeError::new(
                r.http_status,
                format!("{n} write results, got {}", r.items.len()),
                b"",
                None,
            ))),
            Err(e) => Err(e),
        };
        let r = match result {
            Ok(r) => r,
            Err(e) => {
                tracing::warn!(error = %e, items = n, "a chunk of a bulk write was not sent");
                let failed = not_sent(n, &e);
                first_error.get_or_insert(e);
                failed
            }
        };
        match &mut out {
            Some(acc) => acc.extend(r),
            None => out = Some(r),
        }
    }
    match (out, first_error) {
        (Some(r), Some(e))
            if r.items
                .iter()
                .all(|i| matches!(i, Err(a) if a.code == ErrorCode::NotSent)) =>
        {
            Err(e)
        }
        (Some(r), _) => Ok(r),
        (None, _) => Ok(ActionResults {
            http_status: 200,
            items: Vec::new(),
        }),
    }
}

// Per-item results hold `ApiError` by value so users match on them without unboxing; the
// size is fine for a list of at most a few thousand items.
#[allow(clippy::result_large_err)]
fn not_sent<D>(n: usize, cause: &Error) -> ActionResults<D> {
    let err = ApiError {
        http_status: 0,
        code: ErrorCode::NotSent,
        message: format!("not sent: the request for this chunk failed: {cause}"),
        status: "error".into(),
        details: ErrorDetails::default(),
        hint: None,
        retry_after: None,
    };
    ActionResults {
        http_status: 0,
        items: (0..n).map(|_| Err(err.clone())).collect(),
    }
}
