//! Zoho-shaped replies: the `{code, details, message, status}` error body and the headers Zoho
//! sends on every CRM answer (including the empty 204/304 ones).

use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use serde_json::{json, Map, Value};

/// Zoho's JSON content type; clients that sniff the charset expect it exactly.
pub const CONTENT_TYPE: &str = "application/json;charset=UTF-8";

/// A finished answer: status plus optional JSON body.
#[derive(Debug, Clone)]
pub struct Reply {
    /// HTTP status.
    pub status: StatusCode,
    /// JSON body; `None` answers with an empty body.
    pub body: Option<Value>,
    /// A file download instead of JSON (attachments, photos).
    pub file: Option<FileBody>,
}

/// The content of a download answer.
#[derive(Debug, Clone)]
pub struct FileBody {
    /// Sent as `Content-Type`.
    pub content_type: String,
    /// Sent in `Content-Disposition`.
    pub file_name: String,
    /// The exact stored bytes.
    pub bytes: axum::body::Bytes,
}

impl Reply {
    /// A JSON answer.
    pub fn json(status: StatusCode, body: Value) -> Self {
        Reply {
            status,
            body: Some(body),
            file: None,
        }
    }

    /// An empty answer (204, 304) that still carries Zoho's JSON content type.
    pub fn empty(status: StatusCode) -> Self {
        Reply {
            status,
            body: None,
            file: None,
        }
    }

    /// A 200 file download.
    pub fn file(file: FileBody) -> Self {
        Reply {
            status: StatusCode::OK,
            body: None,
            file: Some(file),
        }
    }

    /// A request-level error.
    pub fn error(status: StatusCode, code: &str, message: &str, details: Value) -> Self {
        Reply::json(status, error_body(code, message, details))
    }
}

/// An injected failure with the body Zoho sends for that status.
pub fn injected_fault(status: u16) -> Reply {
    let (code, message) = match status {
        429 => ("TOO_MANY_REQUESTS", "API limit exceeded"),
        500 => ("INTERNAL_ERROR", "Internal server error occurred."),
        _ => ("INTERNAL_ERROR", "the service is temporarily unavailable"),
    };
    let status = StatusCode::from_u16(status).unwrap_or(StatusCode::SERVICE_UNAVAILABLE);
    Reply::error(status, code, message, Value::Null)
}

/// `{"code","details","message","status":"error"}`, the shape of every Zoho CRM error.
pub fn error_body(code: &str, message: &str, details: Value) -> Value {
    let details = if details.is_null() {
        Value::Object(Map::new())
    } else {
        details
    };
    json!({"code": code, "details": details, "message": message, "status": "error"})
}

/// The per-item error inside a write call's `data` array (same shape as a request error).
pub fn item_error(code: &str, message: &str, details: Value) -> Value {
    error_body(code, message, details)
}

/// 401 for a missing, unknown, revoked or expired token.
pub fn invalid_token() -> Reply {
    Reply::error(
        StatusCode::UNAUTHORIZED,
        "INVALID_TOKEN",
        "invalid oauth token",
        json!({}),
    )
}

/// 401 AUTHENTICATION_FAILURE: what Zoho also answers for a stale or revoked access token
/// (zoho-api-v2.md §4 "Status codes": 401 INVALID_TOKEN, OAUTH_SCOPE_MISMATCH,
/// AUTHENTICATION_FAILURE).
pub fn authentication_failure() -> Reply {
    Reply::error(
        StatusCode::UNAUTHORIZED,
        "AUTHENTICATION_FAILURE",
        "Authentication failed",
        json!({}),
    )
}

/// 401 when the token's grant lacks the operation's scope.
pub fn scope_mismatch() -> Reply {
    Reply::error(
        StatusCode::UNAUTHORIZED,
        "OAUTH_SCOPE_MISMATCH",
        "invalid oauth scope to access this URL",
        json!({}),
    )
}

/// 404 for a path the spec does not know.
pub fn invalid_url() -> Reply {
    Reply::error(
        StatusCode::NOT_FOUND,
        "INVALID_URL_PATTERN",
        "Please check if the URL trying to access is a correct one",
        json!({}),
    )
}

/// 405 for a known path with another method.
pub fn invalid_method() -> Reply {
    Reply::error(
        StatusCode::METHOD_NOT_ALLOWED,
        "INVALID_REQUEST_METHOD",
        "The http request method type is not a valid one",
        json!({}),
    )
}

/// 400 for a module that is not in the account.
pub fn invalid_module() -> Reply {
    Reply::error(
        StatusCode::BAD_REQUEST,
        "INVALID_MODULE",
        "the module name given seems to be invalid",
        json!({}),
    )
}

/// 400 INVALID_DATA about a request parameter.
pub fn invalid_param(param: &str) -> Reply {
    Reply::error(
        StatusCode::BAD_REQUEST,
        "INVALID_DATA",
        "invalid data",
        json!({"param_name": param}),
    )
}

/// 400 REQUIRED_PARAM_MISSING.
pub fn missing_param(param: &str) -> Reply {
    Reply::error(
        StatusCode::BAD_REQUEST,
        "REQUIRED_PARAM_MISSING",
        "One of the expected parameter is missing",
        json!({"param_name": param}),
    )
}

/// 400 LIMIT_EXCEEDED for a list longer than Zoho allows.
pub fn limit_exceeded(param: &str, limit: u64) -> Reply {
    Reply::error(
        StatusCode::BAD_REQUEST,
        "LIMIT_EXCEEDED",
        "the limit exceeded",
        json!({"limit": limit.to_string(), "param_name": param}),
    )
}

/// 501 for an operation the spec has but the emulator does not serve yet.
pub fn not_supported(operation: &str) -> Reply {
    Reply::error(
        StatusCode::NOT_IMPLEMENTED,
        "NOT_SUPPORTED",
        "the emulator does not implement this operation yet",
        json!({"operation": operation}),
    )
}

impl IntoResponse for Reply {
    fn into_response(self) -> Response {
        if let Some(f) = self.file {
            return file_response(self.status, f);
        }
        let mut resp = match self.body {
            Some(v) => {
                let text = serde_json::to_string(&v).unwrap_or_else(|_| "{}".into());
                (self.status, text).into_response()
            }
            None => self.status.into_response(),
        };
        let h = resp.headers_mut();
        h.insert(header::CONTENT_TYPE, HeaderValue::from_static(CONTENT_TYPE));
        h.insert(
            header::CONTENT_DISPOSITION,
            HeaderValue::from_static("attachment; filename=response.json"),
        );
        h.insert(header::SERVER, HeaderValue::from_static("ZGS"));
        // A throttled client should know when to come back.
        if self.status == StatusCode::TOO_MANY_REQUESTS {
            h.insert(header::RETRY_AFTER, HeaderValue::from_static("1"));
        }
        h.insert(
            header::CACHE_CONTROL,
            HeaderValue::from_static("no-store, no-cache, must-revalidate, private"),
        );
        resp
    }
}

// Downloads carry the file's own type; the name goes in `Content-Disposition` in the form the
// test picked (transport::Disposition, default both `filename=` and RFC 8187 `filename*`,
// because header values cannot hold raw UTF-8 portably and clients read either form).
fn file_response(status: StatusCode, f: FileBody) -> Response {
    let mut resp = (status, f.bytes).into_response();
    let h = resp.headers_mut();
    let ct = HeaderValue::from_str(&f.content_type)
        .unwrap_or_else(|_| HeaderValue::from_static("application/octet-stream"));
    h.insert(header::CONTENT_TYPE, ct);
    if let Some(v) = crate::transport::Disposition::Both.header(&f.file_name) {
        h.insert(header::CONTENT_DISPOSITION, v);
    }
    h.insert(header::SERVER, HeaderValue::from_static("ZGS"));
    resp.extensions_mut()
        .insert(crate::transport::DownloadName(f.file_name));
    resp
}
