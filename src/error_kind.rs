//! Questions a caller asks of an [`Error`]: retry it later? was it not found? throttled? an
//! authentication problem? which timeout? and what usually fixes it. An [`Error::Bulk`] that
//! wraps the error of a call made after its job was created is judged by that call's error.

use crate::error::{Error, ErrorCode, TransportError};
use crate::retry::Failure;
use std::fmt;
use std::time::Duration;

/// Which timeout ended a call (see `ClientBuilder::connect_timeout`, `read_timeout`, `timeout`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum TimeoutKind {
    /// The connection did not open in time.
    Connect,
    /// The server went silent for longer than the read timeout (before the answer's headers, or
    /// between chunks of its body).
    Read,
    /// The whole operation (tries, retry waits, waits for a concurrency slot) ran out of time.
    Total,
}

/// The cause of a [`TimeoutKind::Total`] transport error.
#[derive(Debug)]
pub(crate) struct OperationTimeout(pub(crate) Duration);

impl fmt::Display for OperationTimeout {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "the whole operation took longer than its {:?} timeout",
            self.0
        )
    }
}

impl std::error::Error for OperationTimeout {}

impl TransportError {
    pub(crate) fn operation_timeout(context: String, limit: Duration) -> Self {
        TransportError::new(context, OperationTimeout(limit))
    }

    /// Which timeout ended the call, if one did.
    pub fn timeout_kind(&self) -> Option<TimeoutKind> {
        if self.source.downcast_ref::<OperationTimeout>().is_some() {
            return Some(TimeoutKind::Total);
        }
        let e = self.source.downcast_ref::<reqwest::Error>()?;
        match (e.is_timeout(), e.is_connect()) {
            (true, true) => Some(TimeoutKind::Connect),
            (true, false) => Some(TimeoutKind::Read),
            // reqwest reports a connect timeout as a connect error whose cause timed out.
            (false, true) if chain_has_timeout(e) => Some(TimeoutKind::Connect),
            _ => None,
        }
    }
}

fn chain_has_timeout(e: &(dyn std::error::Error + 'static)) -> bool {
    let mut cur = e.source();
    while let Some(c) = cur {
        if c.to_string().contains("timed out") {
            return true;
        }
        cur = c.source();
    }
    false
}

impl Error {
    /// True when the same request may succeed if sent again later: throttling (429, refresh
    /// throttling), 5xx answers, timeouts and connection failures. For a write whose outcome
    /// is unknown, check whether it happened before sending it again.
    pub fn is_retryable(&self) -> bool {
        let e = self.cause();
        matches!(e, Error::RefreshThrottled { .. }) || Failure::of(e) != Failure::Final
    }

    /// True for "no such thing": 404 answers, `NOT_FOUND`, `NO_CONTENT` (Zoho's 204 for a
    /// missing record or an empty result) and `NO_RECORDS_FOUND`.
    pub fn is_not_found(&self) -> bool {
        self.as_api().is_some_and(|a| {
            a.http_status == 404
                || a.http_status == 204
                || matches!(
                    a.code,
                    ErrorCode::NotFound | ErrorCode::NoContent | ErrorCode::NoRecordsFound
                )
        })
    }

    /// True when Zoho throttled the call (429 `TOO_MANY_REQUESTS`: credits or concurrency) or
    /// the token refresh (too many in 10 minutes).
    pub fn is_throttled(&self) -> bool {
        match self.cause() {
            Error::RefreshThrottled { .. } => true,
            Error::Api(a) => a.http_status == 429 || a.code == ErrorCode::TooManyRequests,
            _ => false,
        }
    }

    /// True for authentication and authorization failures: a rejected or missing token
    /// (`INVALID_TOKEN`, `AUTHENTICATION_FAILURE`, 401), a missing scope
    /// (`OAUTH_SCOPE_MISMATCH`), an OAuth error from the accounts server, or no stored token.
    pub fn is_auth(&self) -> bool {
        match self.cause() {
            Error::OAuth(_) | Error::TokenNotFound { .. } => true,
            Error::Api(a) => {
                a.http_status == 401
                    || matches!(
                        a.code,
                        ErrorCode::InvalidToken
                            | ErrorCode::AuthenticationFailure
                            | ErrorCode::OauthScopeMismatch
                    )
            }
            _ => false,
        }
    }

    /// Which timeout ended the call, if one did.
    pub fn timeout_kind(&self) -> Option<TimeoutKind> {
        match self.cause() {
            Error::Transport(t) => t.timeout_kind(),
            _ => None,
        }
    }

    /// What usually fixes this error, when the message itself does not already say it.
    pub fn hint(&self) -> Option<&'static str> {
        match self.cause() {
            Error::Api(api) if api.hint.is_none() => match api.code {
                ErrorCode::InvalidToken | ErrorCode::AuthenticationFailure => Some(
                    "the access token was rejected and one refresh did not help: the refresh token may be revoked; generate a new grant token",
                ),
                ErrorCode::OauthScopeMismatch => Some(
                    "the token lacks the OAuth scope this call needs (see the operation's docs): generate a grant token with that scope",
                ),
                ErrorCode::NoPermission | ErrorCode::AuthorizationFailed => Some(
                    "the user's profile lacks the permission: check the user's role and profile in Zoho CRM",
                ),
                ErrorCode::InvalidModule => {
                    Some("module names are API names (`Leads`, not `leads` or `Lead`)")
                }
                ErrorCode::TooManyRequests => Some(
                    "Zoho's credit limit or concurrency cap: lower ClientBuilder::max_concurrent_requests, or allow more tries in the RetryPolicy",
                ),
                _ => None,
            },
            Error::Transport(t) => match t.timeout_kind() {
                Some(TimeoutKind::Connect) => Some(
                    "the connection did not open in time: check the network and the API host, or raise ClientBuilder::connect_timeout",
                ),
                Some(TimeoutKind::Read) => {
                    Some("the server went silent: raise ClientBuilder::read_timeout")
                }
                Some(TimeoutKind::Total) => Some(
                    "the operation ran out of time: raise ClientBuilder::timeout or Client::with_timeout",
                ),
                None => None,
            },
            _ => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::error::{ApiError, BulkCause, Error, ErrorCode};

    fn bulk(operation: &'static str, cause: Error) -> Error {
        Error::Bulk {
            job_id: "4150868000000224014".into(),
            operation,
            message: "checking the job's status failed".into(),
            source: Some(BulkCause::new(cause)),
        }
    }

    // Zoho allows 10 result downloads a minute (bulk-read/download-result.html): a 429 there
    // must still read as throttled and retryable once it names the job.
    #[test]
    fn a_bulk_error_is_judged_by_the_call_error_it_wraps() {
        let throttled = Error::from(ApiError {
            http_status: 429,
            code: ErrorCode::TooManyRequests,
            message: "too many requests".into(),
            status: "error".into(),
            details: Default::default(),
            hint: None,
            retry_after: None,
        });
        let e = bulk("read", throttled);
        assert!(e.is_throttled() && e.is_retryable(), "{e}");
        assert_eq!(e.code(), Some(&ErrorCode::TooManyRequests));
        assert!(
            e.hint()
                .is_some_and(|h| h.contains("max_concurrent_requests"))
        );
        assert!(!e.is_outcome_unknown(), "a read changes nothing");
        let missing = Error::TokenNotFound {
            user: "ada@zylker.test".into(),
        };
        let e = bulk("upsert", missing);
        assert!(e.is_auth() && !e.is_retryable(), "{e}");
        assert!(e.is_outcome_unknown(), "the job exists and writes");
        // The job's own failure wraps nothing and is judged as it is.
        let failed = Error::Bulk {
            job_id: "1".into(),
            operation: "insert",
            message: "the job ended FAILED".into(),
            source: None,
        };
        assert!(!failed.is_retryable() && !failed.is_outcome_unknown());
    }
}
