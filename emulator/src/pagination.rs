//! Zoho's cap on page-number paging: no record past the 2,000th is reachable by `page`.
//!
//! Source: a genuine Zoho answer quoted in airbytehq/airbyte#30977 (HTTP 400,
//! `{"code":"DISCRETE_PAGINATION_LIMIT_EXCEEDED","details":{"limit":2000},"message":"You can only
//! get the first 2000 records without using page_token param","status":"error"}`), and
//! asciisd/zoho-v3#31 for search (users-and-peers.md §2.6).

use crate::context::Ctx;
use crate::errors::Reply;
use axum::http::StatusCode;
use serde_json::json;

/// Records reachable through `page` and `per_page`.
pub const DISCRETE_LIMIT: i64 = 2000;

/// The 400 answer when `page × per_page` goes past the cap; `None` when the page is allowed.
pub fn check(ctx: &Ctx) -> Option<Reply> {
    let page = ctx.q_int("page", 1).max(1);
    let per_page = ctx.q_int("per_page", 200).clamp(1, 200);
    (page.saturating_mul(per_page) > DISCRETE_LIMIT).then(|| {
        Reply::error(
            StatusCode::BAD_REQUEST,
            "DISCRETE_PAGINATION_LIMIT_EXCEEDED",
            "You can only get the first 2000 records without using page_token param",
            json!({"limit": DISCRETE_LIMIT}),
        )
    })
}
