//! Errors. [`Error`] is what every call returns; its variants are the cases a caller acts on
//! differently. Context is kept (status, code, body excerpt, path) and causes chain through
//! `source()`.

use serde::Deserialize;
use std::fmt;
use std::time::Duration;

/// Result with the crate's [`Error`].
pub type Result<T, E = Error> = std::result::Result<T, E>;

type BoxError = Box<dyn std::error::Error + Send + Sync + 'static>;

/// Everything that can go wrong in a call.
///
/// Match on the variant, or ask the helpers (`is_not_found`, `is_retryable` ...):
///
/// ```
/// use zohocrm::{Client, Error};
///
/// match Client::builder().client_id("1000.XXXX").build() {
///     Err(Error::Config(e)) => assert_eq!(e.key, "client_secret"),
///     other => panic!("expected a configuration error, got {other:?}"),
/// }
/// ```
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// Zoho CRM answered with an error body (`{"code":..,"message":..,"details":..}`).
    #[error(transparent)]
    Api(Box<ApiError>),
    /// The accounts server refused a token request (`{"error": "invalid_code"}` ...).
    #[error(transparent)]
    OAuth(OAuthError),
    /// Zoho throttled token refreshes for this refresh token; wait before trying again.
    #[error("Zoho throttled token refreshes (too many in 10 minutes); retry after {retry_after:?}")]
    RefreshThrottled {
        /// How long to wait before the next refresh.
        retry_after: Duration,
    },
    /// No stored token for this user: run the grant-token step for them first.
    #[error(
        "no stored OAuth token for user {user:?}: run the one-time grant step for this user (Client::generate_access_token) or load their refresh token"
    )]
    TokenNotFound {
        /// The user (email) that was looked up.
        user: String,
    },
    /// A limit was broken before anything was sent (100 records per write, 200 per page ...).
    #[error("{what}: at {} {limit} allowed, got {got}", if *minimum { "least" } else { "most" })]
    Limit {
        /// Which limit.
        what: &'static str,
        /// The bound.
        limit: usize,
        /// What was given.
        got: usize,
        /// True when `limit` is a minimum.
        minimum: bool,
    },
    /// The operation does not exist for this module (checked before sending).
    #[error("{op} is not supported for module {module}; it works only for {}", allowed.join(", "))]
    Unsupported {
        /// The operation.
        op: &'static str,
        /// The module asked for.
        module: String,
        /// The modules that support it.
        allowed: &'static [&'static str],
    },
    /// A value given to the client does not fit where it goes (`set_field_value("Owner", 1.5)`),
    /// caught before anything was sent.
    #[error("invalid value for `{field}` of {entity}: {message}")]
    InvalidArgument {
        /// The entity (`Lead`, `Record` ...).
        entity: &'static str,
        /// The JSON key.
        field: String,
        /// What is wrong.
        message: String,
    },
    /// The request never got an HTTP answer (connect, timeout, TLS ...).
    #[error(transparent)]
    Transport(TransportError),
    /// An answer arrived but could not be decoded into the expected type.
    #[error(transparent)]
    Decode(Box<DecodeError>),
    /// The client is configured wrongly.
    #[error(transparent)]
    Config(ConfigError),
    /// The token store failed.
    #[error(transparent)]
    Store(StoreError),
    /// A Bulk Read or Bulk Write job ended in FAILURE (FAILED), its result file (a zipped CSV,
    /// kept in a temporary file while it is read) could not be written or read, or a call made
    /// after the job was created (checking its status, downloading its result) failed: then
    /// `source` holds that call's error and `job_id` names the job, which Zoho runs whether or not
    /// the client keeps polling (bulk-read/get-job-details.html, bulk-write/job-details.html), so
    /// it can be checked later with `get_bulk_read_job_details` / `get_bulk_write_job_details`.
    ///
    /// The questions asked of an error (`is_retryable`, `is_outcome_unknown`, `timeout_kind`,
    /// `is_throttled`, `as_api`, `hint` ...) look through to `source`; a Bulk Write whose job
    /// was created also answers `is_outcome_unknown`: its rows are written (or will be) whatever
    /// happened to the client, so sending them again would write them twice.
    ///
    /// ```
    /// use zohocrm::Error;
    ///
    /// // The job to check later, when the connection was lost while its helper waited on it.
    /// fn lost_job(e: &Error) -> Option<&str> {
    ///     match e {
    ///         Error::Bulk { job_id, source: Some(cause), .. } => match &**cause {
    ///             Error::Transport(_) => Some(job_id),
    ///             _ => None,
    ///         },
    ///         _ => None,
    ///     }
    /// }
    /// # let _ = lost_job;
    /// ```
    #[error("bulk {operation} job {job_id}: {message}")]
    Bulk {
        /// The job id (empty before the job exists).
        job_id: String,
        /// `read`, or `insert`, `update` or `upsert` for Bulk Write.
        operation: &'static str,
        /// What went wrong, with the temporary file's path for I/O errors, and how to check the
        /// job when a call failed after it was created.
        message: String,
        /// The error of the call that failed after the job was created (an
        /// [`Error::Transport`], [`Error::Api`] ...: [`BulkCause`] derefs to it); `None` when
        /// the job itself failed or its result could not be read.
        source: Option<BulkCause>,
    },
    /// A response body was larger than the client accepts for it
    /// ([`ClientBuilder::max_body_bytes`](crate::ClientBuilder::max_body_bytes) for API answers,
    /// a fixed, much smaller cap for error and token bodies). Nothing of it was decoded.
    #[error(
        "the response to {context} (HTTP {status}) is larger than the {limit} bytes accepted for {what}; raise the limit (ClientBuilder::max_body_bytes) or use a streaming download"
    )]
    BodyTooLarge {
        /// What was being done (`GET /crm/v2/Leads` ...). Never has secrets.
        context: String,
        /// HTTP status of the response.
        status: u16,
        /// The cap, in bytes.
        limit: u64,
        /// Which cap (`an API answer`, `an error body`, `a token response`).
        what: &'static str,
    },
}

/// The error of the call that ended a Bulk Read or Bulk Write helper after its job was created,
/// inside [`Error::Bulk`]. It derefs to that [`Error`] (so `cause.timeout_kind()`, or
/// `match &**cause { .. }` on a `&BulkCause`), and that `Error` is what the `source()` chain
/// yields: `source().and_then(|s| s.downcast_ref::<Error>())` finds it.
// Not `Box<Error>`: a box is an error type of its own, so the chain would yield the box and a
// downcast to `Error` would miss it.
pub struct BulkCause(Box<Error>);

impl BulkCause {
    pub(crate) fn new(e: Error) -> Self {
        BulkCause(Box::new(e))
    }

    /// The error itself.
    pub fn into_inner(self) -> Error {
        *self.0
    }
}

impl std::ops::Deref for BulkCause {
    type Target = Error;

    fn deref(&self) -> &Error {
        &self.0
    }
}

impl fmt::Debug for BulkCause {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(&*self.0, f)
    }
}

impl Error {
    /// The API error, if this is one (also when it ended a bulk job's helper: see
    /// [`Error::Bulk`]).
    pub fn as_api(&self) -> Option<&ApiError> {
        match self.cause() {
            Error::Api(e) => Some(e),
            _ => None,
        }
    }

    /// The error the helpers judge: the call's own error under an [`Error::Bulk`] that wraps
    /// one, this error otherwise.
    pub(crate) fn cause(&self) -> &Error {
        match self {
            Error::Bulk {
                source: Some(inner),
                ..
            } => inner.cause(),
            other => other,
        }
    }

    /// The Zoho error code, for API errors.
    pub fn code(&self) -> Option<&ErrorCode> {
        self.as_api().map(|e| &e.code)
    }

    /// True when a non-idempotent write may or may not have happened: the request was sent
    /// (or may have been) but no conclusive answer came back (timeout, connection lost, a 5xx).
    /// Sending it again may create duplicates; see [`OUTCOME_UNKNOWN`] for how to check first.
    pub fn is_outcome_unknown(&self) -> bool {
        match self {
            // The job exists, so Zoho writes its rows whatever happened to the client.
            Error::Bulk {
                operation,
                source: Some(inner),
                ..
            } => *operation != "read" || inner.is_outcome_unknown(),
            Error::Transport(t) => t.outcome_unknown,
            Error::Api(a) => a.hint.as_deref() == Some(OUTCOME_UNKNOWN),
            _ => false,
        }
    }

    /// Marks the failure of a non-idempotent write `op` whose outcome cannot be known: a
    /// transport failure after the request may have reached Zoho (anything but a refused
    /// connection), or a 5xx answer. Other errors are returned unchanged. The transport's retry
    /// policy and the execution path both use this, so the wording lives in one place.
    pub(crate) fn outcome_unknown(self) -> Error {
        match self {
            Error::Transport(mut t) if !t.is_connect() => {
                t.outcome_unknown = true;
                Error::Transport(t)
            }
            Error::Api(mut a) if a.http_status >= 500 => {
                a.hint = Some(OUTCOME_UNKNOWN.to_owned());
                Error::Api(a)
            }
            other => other,
        }
    }

    pub(crate) fn config(key: &'static str, message: impl Into<String>) -> Self {
        Error::Config(ConfigError {
            key,
            message: message.into(),
        })
    }
}

/// A Zoho CRM error, as the API returns it (top level, or one item of a bulk write).
///
/// `Serialize`/`Deserialize` store it as the fields below, so results can be kept and replayed.
#[derive(Debug, Clone, PartialEq, serde::Serialize, Deserialize)]
#[non_exhaustive]
pub struct ApiError {
    /// HTTP status of the response that carried it.
    pub http_status: u16,
    /// Zoho's code (`INVALID_DATA`, `INVALID_TOKEN` ...).
    pub code: ErrorCode,
    /// Zoho's message.
    pub message: String,
    /// Zoho's `status` (normally `"error"`).
    pub status: String,
    /// Zoho's `details` (which field, which limit ...).
    pub details: ErrorDetails,
    /// Extra context added by the client (for example the api domain in use).
    pub hint: Option<String>,
    /// How long the server asked the client to wait (`Retry-After`), on 429 and 503 answers.
    pub retry_after: Option<std::time::Duration>,
}

impl fmt::Display for ApiError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "Zoho CRM error {} (HTTP {}): {}",
            self.code.as_str(),
            self.http_status,
            self.message
        )?;
        if let Some(name) = &self.details.api_name {
            write!(f, " [field {name}]")?;
        }
        if let Some(p) = &self.details.param_name {
            write!(f, " [param {p}]")?;
        }
        if let Some(hint) = &self.hint {
            write!(f, "; {hint}")?;
        }
        Ok(())
    }
}

impl std::error::Error for ApiError {}

/// Zoho's `details` object. The keys Zoho documents are typed; any other key stays in `extra`.
#[derive(Debug, Clone, Default, PartialEq, serde::Serialize, Deserialize)]
#[non_exhaustive]
pub struct ErrorDetails {
    /// The field at fault.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub api_name: Option<String>,
    /// The expected type of that field.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub expected_data_type: Option<String>,
    /// The limit that was exceeded.
    #[serde(
        default,
        deserialize_with = "crate::decode::lenient_string",
        skip_serializing_if = "Option::is_none"
    )]
    pub limit: Option<String>,
    /// The parameter at fault.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub param_name: Option<String>,
    /// The record id involved (for `DUPLICATE_DATA`, the existing record).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    /// JSON path of the field at fault.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub json_path: Option<String>,
    /// Every other key.
    #[serde(flatten)]
    pub extra: serde_json::Map<String, serde_json::Value>,
}

macro_rules! error_codes {
    ($($(#[$doc:meta])* $variant:ident = $s:literal,)*) => {
        /// A Zoho error code. Unknown codes are kept in [`ErrorCode::Unknown`], so a new code never
        /// breaks decoding.
        #[derive(Debug, Clone, PartialEq, Eq, Hash)]
        #[non_exhaustive]
        pub enum ErrorCode {
            $($(#[$doc])* $variant,)*
            /// A code this version does not know.
            Unknown(String),
        }

        impl ErrorCode {
            /// The code as Zoho spells it.
            pub fn as_str(&self) -> &str {
                match self {
                    $(ErrorCode::$variant => $s,)*
                    ErrorCode::Unknown(s) => s,
                }
            }
        }

        impl serde::Serialize for ErrorCode {
            fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                s.serialize_str(self.as_str())
            }
        }

        impl<'de> Deserialize<'de> for ErrorCode {
            fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                let s = std::borrow::Cow::<'de, str>::deserialize(d)?;
                Ok(ErrorCode::from(&*s))
            }
        }

        impl From<&str> for ErrorCode {
            fn from(s: &str) -> Self {
                match s {
                    $($s => ErrorCode::$variant,)*
                    other => ErrorCode::Unknown(other.to_owned()),
                }
            }
        }
    };
}

error_codes! {
    /// A value has the wrong type or is not allowed.
    InvalidData = "INVALID_DATA",
    /// A mandatory field is missing.
    MandatoryNotFound = "MANDATORY_NOT_FOUND",
    /// A unique field already has this value.
    DuplicateData = "DUPLICATE_DATA",
    /// The module name is not known.
    InvalidModule = "INVALID_MODULE",
    /// The access token is invalid or expired.
    InvalidToken = "INVALID_TOKEN",
    /// A documented limit was exceeded.
    LimitExceeded = "LIMIT_EXCEEDED",
    /// A required parameter is missing.
    RequiredParamMissing = "REQUIRED_PARAM_MISSING",
    /// The URL is not an API URL.
    InvalidUrlPattern = "INVALID_URL_PATTERN",
    /// The HTTP method is not allowed here.
    InvalidRequestMethod = "INVALID_REQUEST_METHOD",
    /// The token lacks the scope for this call.
    OauthScopeMismatch = "OAUTH_SCOPE_MISMATCH",
    /// Authentication failed.
    AuthenticationFailure = "AUTHENTICATION_FAILURE",
    /// The user lacks permission.
    NoPermission = "NO_PERMISSION",
    /// The search criteria or query is malformed.
    InvalidQuery = "INVALID_QUERY",
    /// A value does not match the field's pattern.
    PatternNotMatched = "PATTERN_NOT_MATCHED",
    /// The feature is not available for this org.
    FeatureNotSupported = "FEATURE_NOT_SUPPORTED",
    /// Not supported.
    NotSupported = "NOT_SUPPORTED",
    /// Not found.
    NotFound = "NOT_FOUND",
    /// No records matched.
    NoRecordsFound = "NO_RECORDS_FOUND",
    /// The server could not process the request.
    InternalError = "INTERNAL_ERROR",
    /// Too many calls (credits or concurrency).
    TooManyRequests = "TOO_MANY_REQUESTS",
    /// The record is already converted.
    IdAlreadyConverted = "ID_ALREADY_CONVERTED",
    /// The record is not in a blueprint process.
    RecordNotInProcess = "RECORD_NOT_IN_PROCESS",
    /// The action cannot be performed.
    CannotPerformAction = "CANNOT_PERFORM_ACTION",
    /// The record is locked.
    RecordLocked = "RECORD_LOCKED",
    /// The request succeeded with no content (HTTP 204): no such record, or nothing matched.
    NoContent = "NO_CONTENT",
    /// The record is converted and cannot change.
    ConvertedRecord = "CONVERTED_RECORD",
    /// The record awaits approval.
    NotApproved = "NOT_APPROVED",
    /// A job of this kind is already scheduled.
    AlreadyScheduled = "ALREADY_SCHEDULED",
    /// The server cannot process this request.
    CannotProcess = "CANNOT_PROCESS",
    /// A mapping does not match (lead conversion).
    MappingMismatch = "MAPPING_MISMATCH",
    /// An upload is too large.
    FileSizeMoreThanAllowedSize = "FILE_SIZE_MORE_THAN_ALLOWED_SIZE",
    /// The record is in a blueprint and the change must go through a transition.
    RecordInBlueprint = "RECORD_IN_BLUEPRINT",
    /// The record cannot be deleted.
    CannotDelete = "CANNOT_DELETE",
    /// Values contradict each other.
    DataMismatch = "DATA_MISMATCH",
    /// The user may not do this.
    AuthorizationFailed = "AUTHORIZATION_FAILED",
    /// The edition's licence limit was reached.
    LicenseLimitExceeded = "LICENSE_LIMIT_EXCEEDED",
    /// Client-side: this item of a chunked write was never sent because its chunk failed.
    NotSent = "NOT_SENT",
    /// Page-number paging reached Zoho's 2,000-record cap (`page × per_page > 2000`); `.stream()`
    /// continues past it by itself (docs/reading-a-whole-module.md). Source: airbytehq/airbyte#30977.
    DiscretePaginationLimitExceeded = "DISCRETE_PAGINATION_LIMIT_EXCEEDED",
    /// A COQL query does not parse; `details` names the clause and the token near the error.
    SyntaxError = "SYNTAX_ERROR",
}

/// The accounts server refused a token request. Each known code carries the likely fix.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct OAuthError {
    /// The `error` value (`invalid_code`, `invalid_client` ...).
    pub error: String,
    /// `error_description`, when given.
    pub description: Option<String>,
    /// The accounts URL the request went to.
    pub accounts_url: String,
}

impl OAuthError {
    fn fix(&self) -> &'static str {
        match self.error.as_str() {
            "invalid_code" => {
                "the grant token expired or was already used, or the refresh token was revoked: generate a new grant token and exchange it within its validity (about 2 minutes)"
            }
            "invalid_client" => {
                "the accounts server does not know this client id/secret: the grant token must come from the same data centre as the accounts URL in use, so check data_center / accounts_url"
            }
            "invalid_redirect_uri" => "redirect_uri must equal the one registered for the client",
            "invalid_client_secret" => "client_secret is wrong",
            "invalid_api_domain" => {
                "the access token was not sent there; check accounts_url points at Zoho's accounts server for your data centre (or at your emulator)"
            }
            "access_denied" | "Access Denied" => {
                "Zoho throttled token requests; wait before retrying"
            }
            _ => "see Zoho's OAuth documentation for this error",
        }
    }
}

impl fmt::Display for OAuthError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "OAuth error {} from {}", self.error, self.accounts_url)?;
        if let Some(d) = &self.description {
            write!(f, " ({d})")?;
        }
        write!(f, ": {}", self.fix())
    }
}

impl std::error::Error for OAuthError {}

/// What a failed non-idempotent write says: it may have happened, and how to find out before
/// sending it again. [`Error::is_outcome_unknown`] is true for errors carrying it.
pub const OUTCOME_UNKNOWN: &str = "the write may or may not have happened (records may have been created or changed): \
do not simply send it again; check first, by searching for the records (search_records by a unique field), \
or resend it as an upsert (upsert_records with duplicate_check_fields) so a repeat cannot create duplicates";

/// The request failed before an HTTP answer came back.
#[derive(Debug)]
pub struct TransportError {
    /// What was being done (`POST https://accounts.zoho.com/oauth/v2/token` ...). Never has secrets.
    pub(crate) context: String,
    pub(crate) source: BoxError,
    /// A non-idempotent write that may have reached Zoho.
    pub(crate) outcome_unknown: bool,
}

impl TransportError {
    pub(crate) fn new(context: impl Into<String>, source: impl Into<BoxError>) -> Self {
        TransportError {
            context: context.into(),
            source: source.into(),
            outcome_unknown: false,
        }
    }

    /// True when the connection could not be made, so nothing was sent.
    pub fn is_connect(&self) -> bool {
        self.source
            .downcast_ref::<reqwest::Error>()
            .is_some_and(|e| e.is_connect())
    }

    /// True when the failure was a timeout (of any kind: see [`TransportError::timeout_kind`]).
    pub fn is_timeout(&self) -> bool {
        self.timeout_kind().is_some()
    }
}

impl fmt::Display for TransportError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "transport error during {}", self.context)?;
        if let Some(kind) = self.timeout_kind() {
            write!(f, " ({kind:?} timeout)")?;
        }
        if self.outcome_unknown {
            write!(f, "; {OUTCOME_UNKNOWN}")?;
        }
        Ok(())
    }
}

impl std::error::Error for TransportError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        Some(&*self.source)
    }
}

/// A response could not be decoded.
#[derive(Debug)]
pub struct DecodeError {
    /// HTTP status of the response.
    pub status: u16,
    /// What was expected (`list of Record under "data"` ...).
    pub expected: String,
    /// The first bytes of the body (at most 512), lossily decoded, secrets scrubbed.
    pub body_excerpt: String,
    pub(crate) source: Option<JsonError>,
}

impl DecodeError {
    pub(crate) fn new(
        status: u16,
        expected: impl Into<String>,
        body: &[u8],
        source: Option<serde_json::Error>,
    ) -> Self {
        DecodeError {
            status,
            expected: expected.into(),
            body_excerpt: excerpt(body),
            source: source.map(|e| JsonError::from(&e)),
        }
    }
}

/// Why JSON did not parse, and where. serde's messages quote the offending value (`invalid
/// type: string "1000.…"`), which may be a token, so the message is scrubbed like an excerpt.
#[derive(Debug)]
pub struct JsonError {
    message: String,
    line: usize,
    column: usize,
}

impl JsonError {
    fn from(e: &serde_json::Error) -> Self {
        JsonError {
            message: String::from_utf8_lossy(&crate::redact::scrub(e.to_string().as_bytes()))
                .into_owned(),
            line: e.line(),
            column: e.column(),
        }
    }

    /// 1-based line of the error in the body.
    pub fn line(&self) -> usize {
        self.line
    }

    /// 1-based column of the error in the body.
    pub fn column(&self) -> usize {
        self.column
    }
}

impl fmt::Display for JsonError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for JsonError {}

/// At most 512 bytes of a body, for error messages, with anything secret-shaped removed
/// (see [`crate::redact`]). Redaction never depends on the body parsing: truncated JSON, trailing
/// garbage or form-encoded text are scrubbed the same way.
pub(crate) fn excerpt(body: &[u8]) -> String {
    const MAX: usize = 512;
    // Scrub past the cut, so a token straddling it is recognised whole.
    let window = &body[..body.len().min(MAX + crate::redact::LOOKAHEAD)];
    let scrubbed = crate::redact::scrub(window);
    let cut = &scrubbed[..scrubbed.len().min(MAX)];
    let mut s = String::from_utf8_lossy(cut).into_owned();
    if body.len() > MAX {
        s.push('…');
    }
    s
}

impl fmt::Display for DecodeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "unexpected response (HTTP {}): expected {}",
            self.status, self.expected
        )?;
        if let Some(e) = &self.source {
            write!(f, " (at line {} column {})", e.line(), e.column())?;
        }
        write!(f, "; body: {}", self.body_excerpt)
    }
}

impl std::error::Error for DecodeError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        self.source
            .as_ref()
            .map(|e| e as &(dyn std::error::Error + 'static))
    }
}

/// Wrong or missing configuration.
#[derive(Debug, Clone, PartialEq)]
pub struct ConfigError {
    /// The config key at fault (`client_id`, `api_base_url` ...).
    pub key: &'static str,
    /// What is wrong and how to fix it.
    pub message: String,
}

impl fmt::Display for ConfigError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "configuration error in `{}`: {}", self.key, self.message)
    }
}

impl std::error::Error for ConfigError {}

/// A token store failed.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum StoreError {
    /// Reading or writing a file failed.
    #[error("token file {path}: {action} failed")]
    Io {
        /// The file.
        path: std::path::PathBuf,
        /// What was being done.
        action: &'static str,
        /// The cause.
        #[source]
        source: std::io::Error,
    },
    /// The stored data is not valid; it was left untouched.
    #[error("token file {path} is corrupt ({detail}); it was not modified: fix or remove it")]
    Corrupt {
        /// The file.
        path: std::path::PathBuf,
        /// What is wrong.
        detail: String,
    },
    /// A database or cache backend failed.
    #[error("{store} token store: {action} failed")]
    Backend {
        /// Which store (`mysql`, `redis` ...).
        store: &'static str,
        /// What was being done.
        action: &'static str,
        /// The cause.
        #[source]
        source: BoxError,
    },
}

impl From<StoreError> for Error {
    fn from(e: StoreError) -> Self {
        Error::Store(e)
    }
}

impl From<ApiError> for Error {
    fn from(e: ApiError) -> Self {
        Error::Api(Box::new(e))
    }
}

impl From<DecodeError> for Error {
    fn from(e: DecodeError) -> Self {
        Error::Decode(Box::new(e))
    }
}

/// Prints an error with its whole `source()` chain, for logs: `a: b: c`.
pub struct DisplayErrorChain<'a>(pub &'a (dyn std::error::Error + 'static));

impl fmt::Display for DisplayErrorChain<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.0)?;
        let mut cur = self.0.source();
        while let Some(e) = cur {
            write!(f, ": {e}")?;
            cur = e.source();
        }
        Ok(())
    }
}
