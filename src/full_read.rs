//! `.pages()` / `.stream()` of every paginated operation, and how record reads continue past
//! Zoho's 2,000-record cap on page numbers.
//!
//! Zoho v2 answers `page × per_page > 2000` with 400 `DISCRETE_PAGINATION_LIMIT_EXCEEDED`
//! (airbytehq/airbyte#30977) and has no `page_token` (zoho-api-v2.md §5: that arrived in v3).
//! Past the cap, `get_records` and `search_records_by_criteria` continue with keyset paging on
//! `id` through COQL (`select id from M where <criteria> and id > <last> order by id asc limit
//! 200`, documented for v2 with `>` on any field and 200 rows per call: zoho.com/crm/developer/
//! docs/api/v2/COQL-Limitations.html), then fetch those records in full with `GET /M?ids=` (100
//! per call) carrying the caller's own query parameters. Ids seen in the page phase are skipped,
//! so nothing is delivered twice. docs/reading-a-whole-module.md gives the reasons and the
//! guarantee under concurrent writes.

use crate::Client;
use crate::error::{Error, ErrorCode, Result};
use crate::id::Id;
use crate::request::{Method, Request};
use crate::response::{Info, Page, RawResponse};
use futures_util::stream::{self, BoxStream, StreamExt};
use serde::Deserialize;
use serde::de::DeserializeOwned;
use std::collections::HashSet;

/// Records reachable through `page` / `per_page` on Zoho v2.
pub const DISCRETE_LIMIT: i64 = 2000;
/// COQL rows per call on v2.
const COQL_ROWS: usize = 200;
/// Ids per `GET /M?ids=` (the spec's `ids` maximum).
const IDS_PER_GET: usize = 100;

/// Makes the request for page `n`.
pub type PageRequest<B> = fn(B, i64) -> Result<(Client, Request)>;

/// Pages from `start`, one request at a time, until `more_records` is false or a page is empty;
/// record listings continue past the 2,000-record cap as the module docs say.
pub fn paginate<B, T>(
    builder: B,
    start: i64,
    key: &'static str,
    request: PageRequest<B>,
) -> BoxStream<'static, Result<Page<T>>>
where
    B: Clone + Send + 'static,
    T: DeserializeOwned + Send + 'static,
{
    let state = State {
        builder,
        key,
        request,
        next: Next::Page(start),
        seen: HashSet::new(),
        client: None,
        _item: std::marker::PhantomData,
    };
    stream::unfold(state, |mut st| async move {
        let item = st.step().await?;
        Some((item, st))
    })
    .boxed()
}

enum Next {
    Page(i64),
    Keyset(Box<Continuation>, Option<String>),
    Done,
}

struct State<B, T> {
    builder: B,
    key: &'static str,
    request: PageRequest<B>,
    next: Next,
    /// Ids delivered by the page phase (at most 2,000), skipped by the keyset phase.
    seen: HashSet<String>,
    client: Option<Client>,
    _item: std::marker::PhantomData<fn() -> T>,
}

#[derive(Deserialize)]
struct IdOnly {
    #[serde(default)]
    id: Option<Id>,
}

impl<B: Clone, T: DeserializeOwned> State<B, T> {
    async fn step(&mut self) -> Option<Result<Page<T>>> {
        loop {
            match std::mem::replace(&mut self.next, Next::Done) {
                Next::Done => return None,
                Next::Page(n) => {
                    let (client, req) = match (self.request)(self.builder.clone(), n) {
                        Ok(x) => x,
                        Err(e) => return Some(Err(e)),
                    };
                    self.client = Some(client.clone());
                    let cont = Continuation::for_request(&req);
                    let per_page = query_i64(&req, "per_page").unwrap_or(200);
                    if let Some(c) = &cont
                        && n.saturating_mul(per_page) > DISCRETE_LIMIT
                    {
                        self.next = Next::Keyset(Box::new(c.clone()), None);
                        continue;
                    }
                    let raw = match client.execute(req).await {
                        Ok(raw) => raw,
                        // A server with a lower cap than ours: continue the same way.
                        Err(Error::Api(e))
                            if e.code == ErrorCode::DiscretePaginationLimitExceeded
                                && cont.is_some() =>
                        {
                            self.next = Next::Keyset(Box::new(cont?), None);
                            continue;
                        }
                        Err(e) => return Some(Err(e)),
                    };
                    let mut page: Page<T> = match raw.list(self.key) {
                        Ok(p) => p,
                        Err(e) => return Some(Err(e)),
                    };
                    if page.more_records() && !page.data.is_empty() {
                        self.next = Next::Page(n + 1);
                    }
                    if cont.is_some() {
                        // Records created meanwhile shift later ones onto the next page: a
                        // record read before is dropped, not delivered twice.
                        let ids = ids_in(&raw, self.key);
                        if ids.len() == page.data.len() {
                            let fresh: Vec<bool> =
                                ids.into_iter().map(|id| self.seen.insert(id)).collect();
                            let mut keep = fresh.into_iter();
                            page.data.retain(|_| keep.next().unwrap_or(true));
                        }
                    }
                    return Some(Ok(page));
                }
                Next::Keyset(cont, after) => {
                    let client = self.client.clone()?;
                    match self.keyset(&client, &cont, after.as_deref()).await {
                        Ok((page, last, more)) => {
                            if more {
                                self.next = Next::Keyset(cont, last);
                            }
                            match page {
                                Some(p) => return Some(Ok(p)),
                                None if more => continue,
                                None => return None,
                            }
                        }
                        Err(e) => return Some(Err(e)),
                    }
                }
            }
        }
    }

    /// One COQL call of ids after `after`, then the unseen ones in full. Returns the page (none
    /// when every id was already delivered), the last id and whether more ids follow.
    async fn keyset(
        &mut self,
        client: &Client,
        cont: &Continuation,
        after: Option<&str>,
    ) -> Result<(Option<Page<T>>, Option<String>, bool)> {
        let mut req = Request::new("coql", Method::POST, true);
        req.path_literal("coql");
        req.json_field("select_query", &cont.query(after))?;
        let raw = client.execute(req).await?;
        let ids: Page<IdOnly> = raw.list("data")?;
        let more = ids.more_records() && ids.data.len() >= COQL_ROWS;
        let ids: Vec<String> = ids
            .data
            .into_iter()
            .filter_map(|r| r.id.map(|i| i.to_string()))
            .collect();
        let last = ids.last().cloned();
        // Ids only grow from here, so a seen id can be forgotten once passed.
        let fresh: Vec<String> = ids.into_iter().filter(|i| !self.seen.remove(i)).collect();
        if fresh.is_empty() {
            return Ok((None, last, more));
        }
        let mut data = Vec::with_capacity(fresh.len());
        for chunk in fresh.chunks(IDS_PER_GET) {
            let page: Page<T> = client.execute(cont.by_ids(chunk)).await?.list(self.key)?;
            data.extend(page.data);
        }
        let info = Info {
            count: Some(data.len() as i64),
            more_records: Some(more),
            sort_by: Some("id".into()),
            sort_order: Some("asc".into()),
            ..Info::default()
        };
        Ok((
            Some(Page {
                data,
                info: Some(info),
                http_status: 200,
            }),
            last,
            more,
        ))
    }
}

fn ids_in(raw: &RawResponse, key: &str) -> Vec<String> {
    raw.list::<IdOnly>(key)
        .map(|p| {
            p.data
                .into_iter()
                .filter_map(|r| r.id.map(|i| i.to_string()))
                .collect()
        })
        .unwrap_or_default()
}

fn query_i64(req: &Request, key: &str) -> Option<i64> {
    req.query
        .iter()
        .rev()
        .find(|(k, _)| *k == key)
        .and_then(|(_, v)| v.parse().ok())
}

/// How one listing continues past the cap.
#[derive(Clone, Debug)]
struct Continuation {
    module: String,
    /// COQL condition equivalent to the listing's filter, if any.
    filter: Option<String>,
    /// `GET /M` with the caller's parameters, minus paging and sorting.
    by_ids: Request,
}

impl Continuation {
    /// `None` for listings that cannot continue (related lists, word/email/phone search, an
    /// explicit `ids` list): their cap error reaches the caller.
    fn for_request(req: &Request) -> Option<Continuation> {
        let mut segs = req.path.trim_start_matches('/').split('/');
        let module = segs.next()?.to_owned();
        let rest: Vec<&str> = segs.collect();
        let has = |k: &str| req.query.iter().any(|(q, _)| *q == k);
        let mut by_ids = Request::new("get_records", Method::GET, true);
        by_ids.path_literal(&module);
        by_ids.headers = req.headers.clone();
        match (req.op, rest.as_slice()) {
            ("get_records", []) if !has("ids") => {
                by_ids.query = req
                    .query
                    .iter()
                    .filter(|(k, _)| !matches!(*k, "page" | "per_page" | "sort_by" | "sort_order"))
                    .cloned()
                    .collect();
                Some(Continuation {
                    module,
                    filter: None,
                    by_ids,
                })
            }
            ("search_records_by_criteria", ["search"]) => {
                let criteria = req.query.iter().find(|(k, _)| *k == "criteria")?;
                let filter = match criteria_to_coql(&criteria.1) {
                    Some(f) => f,
                    None => {
                        tracing::warn!(
                            criteria = %criteria.1,
                            "search criteria have no COQL equivalent; the search stops at Zoho's 2,000-record cap"
                        );
                        return None;
                    }
                };
                Some(Continuation {
                    module,
                    filter: Some(filter),
                    by_ids,
                })
            }
            _ => None,
        }
    }

    fn query(&self, after: Option<&str>) -> String {
        let key = match after {
            Some(a) => format!("id > {a}"),
            None => "id is not null".to_owned(),
        };
        let cond = match &self.filter {
            Some(f) => format!("({f}) and ({key})"),
            None => key,
        };
        format!(
            "select id from {} where {cond} order by id asc limit {COQL_ROWS}",
            self.module
        )
    }

    fn by_ids(&self, ids: &[String]) -> Request {
        let mut req = self.by_ids.clone();
        req.query.push(("ids", ids.join(",")));
        req
    }
}

/// Search criteria (`((Last_Name:equals:Burns\,B)and(Company:starts_with:Zy))`) as a COQL
/// condition; `None` for operators COQL lacks. Source of the criteria grammar: zoho.com/crm/
/// developer/docs/api/v2/search-records.html.
pub(crate) fn criteria_to_coql(c: &str) -> Option<String> {
    let chars: Vec<char> = c.chars().collect();
    let mut out = String::new();
    let mut i = 0;
    while i < chars.len() {
        let ch = chars[i];
        if ch.is_whitespace() {
            i += 1;
        } else if ch == '(' {
            let mut j = i + 1;
            while chars.get(j).is_some_and(|c| c.is_whitespace()) {
                j += 1;
            }
            if chars.get(j) == Some(&'(') {
                out.push('(');
                i += 1;
                continue;
            }
            let mut cond = String::new();
            let mut k = i + 1;
            loop {
                match chars.get(k) {
                    None => return None,
                    Some('\\') => {
                        cond.push('\\');
                        cond.push(*chars.get(k + 1)?);
                        k += 2;
                    }
                    Some(')') => break,
                    Some(&o) => {
                        cond.push(o);
                        k += 1;
                    }
                }
            }
            out.push_str(&condition(&cond)?);
            i = k + 1;
        } else if ch == ')' {
            out.push(')');
            i += 1;
        } else {
            let start = i;
            while chars.get(i).is_some_and(|c| c.is_ascii_alphabetic()) {
                i += 1;
            }
            let word: String = chars[start..i].iter().collect::<String>().to_lowercase();
            match word.as_str() {
                "and" | "or" => {
                    out.push(' ');
                    out.push_str(&word);
                    out.push(' ');
                }
                _ => return None,
            }
        }
    }
    Some(out)
}

// `Field:operator:value`, the value with `\` escapes.
fn condition(c: &str) -> Option<String> {
    let (field, rest) = c.split_once(':')?;
    let (op, value) = rest.split_once(':')?;
    let mut v = String::new();
    let mut it = value.chars();
    while let Some(ch) = it.next() {
        match ch {
            '\\' => v.push(it.next()?),
            '\'' => v.push_str("''"),
            o => v.push(o),
        }
    }
    let field = field.trim();
    if field.is_empty()
        || !field
            .chars()
            .all(|c| c.is_alphanumeric() || c == '_' || c == '.')
    {
        return None;
    }
    let rhs = match op.trim() {
        "equals" => format!("= '{v}'"),
        "not_equal" => format!("!= '{v}'"),
        "starts_with" => format!("like '{v}%'"),
        "greater_than" => format!("> '{v}'"),
        "greater_equal" => format!(">= '{v}'"),
        "less_than" => format!("< '{v}'"),
        "less_equal" => format!("<= '{v}'"),
        _ => return None,
    };
    Some(format!("({field} {rhs})"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn criteria_translate_to_coql() {
        assert_eq!(
            criteria_to_coql("((Last_Name:equals:Burns\\,B)and(Company:starts_with:Zy))")
                .as_deref(),
            Some("((Last_Name = 'Burns,B') and (Company like 'Zy%'))")
        );
        assert_eq!(
            criteria_to_coql("(Annual_Revenue:greater_than:100)or(Rating:not_equal:O'Hot)")
                .as_deref(),
            Some("(Annual_Revenue > '100') or (Rating != 'O''Hot')")
        );
        assert_eq!(criteria_to_coql("(Tag:in:a,b)"), None);
        assert_eq!(criteria_to_coql("(A:equals:x"), None);
        assert_eq!(criteria_to_coql("(A:equals:x)xor(B:equals:y)"), None);
    }
}
