//! Paging of COQL queries (`client.coql(..)`): by offset, 200 rows per call at most.

use crate::error::Result;
use crate::handles::rest_client::Coql;
use crate::request::{Method, Request};
use crate::response::Page;
use crate::types::Record;
use futures_util::stream::{self, BoxStream, StreamExt};
use serde::de::DeserializeOwned;

/// Rows per COQL call on v2 (zoho.com/crm/developer/docs/api/v2/COQL-Limitations.html).
pub const COQL_MAX_ROWS: u64 = 200;

impl Coql {
    /// Every page of the query, fetched lazily by offset. The query's own `limit` gives the
    /// first offset and the page size (`limit 400, 100`: rows from 400 in pages of 100; 200 rows
    /// per page when it has none); paging ends after a page with `more_records: false` or no
    /// rows. Errors are Zoho's (`SYNTAX_ERROR`, `INVALID_QUERY`, `LIMIT_EXCEEDED` ...).
    pub fn pages(self) -> BoxStream<'static, Result<Page<Record>>> {
        self.pages_as()
    }

    /// Every row of every page (see [`Self::pages`]).
    pub fn stream(self) -> BoxStream<'static, Result<Record>> {
        crate::paging::items(self.pages())
    }

    /// As [`Self::stream`], decoding each row as `T` (an org entity, or any `Deserialize` type).
    pub fn stream_as<T: DeserializeOwned + Send + 'static>(self) -> BoxStream<'static, Result<T>> {
        crate::paging::items(self.pages_as())
    }

    fn pages_as<T: DeserializeOwned + Send + 'static>(self) -> BoxStream<'static, Result<Page<T>>> {
        let (base, paged) = match split_limit(&self.select_query) {
            Some((base, offset, count)) => (base, Some((offset, count))),
            None => (self.select_query.clone(), None),
        };
        let (offset, count) = paged.unwrap_or((0, COQL_MAX_ROWS));
        let client = self.client;
        stream::unfold(Some(offset), move |next| {
            let client = client.clone();
            let base = base.clone();
            async move {
                let offset = next?;
                let mut req = Request::new("coql", Method::POST, true);
                req.path_literal("coql");
                let query = match paged {
                    Some(_) => format!("{base} limit {offset}, {count}"),
                    None => base,
                };
                if let Err(e) = req.json_field("select_query", &query) {
                    return Some((Err(e), None));
                }
                let page = match client.execute(req).await {
                    Ok(raw) => raw.list::<T>("data"),
                    Err(e) => Err(e),
                };
                match page {
                    Ok(p) => {
                        let more = paged.is_some() && p.more_records() && !p.data.is_empty();
                        let next = more.then(|| offset + p.data.len() as u64);
                        Some((Ok(p), next))
                    }
                    Err(e) => Some((Err(e), None)),
                }
            }
        })
        .boxed()
    }
}

/// The query without a trailing `limit` clause, and that clause's offset and count; `None` for a
/// limit clause this cannot read (the query is then sent once, as written, for Zoho to judge).
fn split_limit(q: &str) -> Option<(String, u64, u64)> {
    let lower = q.to_ascii_lowercase();
    // The last `limit` word outside quotes.
    let mut quote: Option<char> = None;
    let mut at = None;
    for (i, c) in lower.char_indices() {
        match (quote, c) {
            (Some(open), c) if c == open => quote = None,
            (Some(_), _) => {}
            (None, '\'' | '"') => quote = Some(c),
            (None, 'l')
                if lower[i..].starts_with("limit")
                    && (i == 0 || !is_word(lower.as_bytes()[i - 1]))
                    && !lower.as_bytes().get(i + 5).is_some_and(|b| is_word(*b)) =>
            {
                at = Some(i)
            }
            _ => {}
        }
    }
    let Some(at) = at else {
        return Some((q.trim().to_owned(), 0, COQL_MAX_ROWS));
    };
    let tail = lower[at + 5..].trim();
    let nums: Vec<&str> = tail
        .split(|c: char| c == ',' || c.is_whitespace())
        .filter(|s| !s.is_empty())
        .collect();
    let n = |s: &str| s.parse::<u64>().ok();
    let (offset, count) = match nums.as_slice() {
        [c] => (Some(0), n(c)),
        [o, c] => (n(o), n(c)),
        [c, kw, o] if *kw == "offset" => (n(o), n(c)),
        _ => (None, None),
    };
    match (offset, count) {
        (Some(o), Some(c)) if c > 0 => Some((q[..at].trim().to_owned(), o, c)),
        _ => None,
    }
}

fn is_word(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'_'
}

#[cfg(test)]
mod tests {
    use super::split_limit;

    #[test]
    fn limit_clause_forms() {
        let q = "select id from Leads where Last_Name = 'limit 5'";
        let some = |o, c| Some((q.to_owned(), o, c));
        assert_eq!(split_limit(&format!("{q} limit 10, 20")), some(10, 20));
        assert_eq!(
            split_limit(&format!("{q} LIMIT 20 offset 10")),
            some(10, 20)
        );
        assert_eq!(split_limit(&format!("{q} limit 50")), some(0, 50));
        assert_eq!(split_limit(q), some(0, 200));
        let odd = "select Limit_Field from Leads";
        assert_eq!(split_limit(odd), Some((odd.to_owned(), 0, 200)));
        assert_eq!(split_limit(&format!("{q} limit x")), None);
    }
}
