//! [`Report`]: what `main` returns so a failure prints as a message, not a `Debug` dump.

use crate::error::{DisplayErrorChain, Error, ErrorCode};
use std::fmt;

type BoxError = Box<dyn std::error::Error + Send + Sync + 'static>;

/// An error for `main` (or any top level) to return. Rust prints an error returned from `main`
/// with `Debug`; this type's `Debug` is the error's message, its causes and, for this crate's
/// errors, the likely fix, so users see
///
/// ```text
/// Error: configuration error in `client_id`: is missing; it is the Client ID from the Zoho API console
/// ```
///
/// instead of `Config(ConfigError { key: "client_id", .. })`. Any error converts with `?`.
///
/// ```
/// use zohocrm::{Client, Report};
///
/// fn main() -> Result<(), Report> {
///     let built = Client::builder().client_secret("s").build();
///     let report = Report::from(built.unwrap_err());
///     assert!(format!("{report:?}").starts_with("configuration error in `client_id`"));
///     Ok(())
/// }
/// ```
pub struct Report(BoxError);

impl Report {
    /// The error inside.
    pub fn error(&self) -> &(dyn std::error::Error + Send + Sync + 'static) {
        &*self.0
    }
}

impl<E: std::error::Error + Send + Sync + 'static> From<E> for Report {
    fn from(e: E) -> Self {
        Report(Box::new(e))
    }
}

impl fmt::Display for Report {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", DisplayErrorChain(&*self.0))
    }
}

impl fmt::Debug for Report {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", DisplayErrorChain(&*self.0))?;
        if let Some(hint) = self.0.downcast_ref::<Error>().and_then(Error::hint) {
            write!(f, "\nhint: {hint}")?;
        }
        Ok(())
    }
}

impl Error {
    /// What usually fixes this error, when the message itself does not already say it.
    pub fn hint(&self) -> Option<&'static str> {
        match self {
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
                    "Zoho rate limit or concurrency cap: lower ClientBuilder::max_concurrent_requests or raise the retry policy's attempts",
                ),
                _ => None,
            },
            Error::Transport(t) if t.is_timeout() => Some(
                "no answer in time: check the network, or raise ClientBuilder::connect_timeout / read_timeout / timeout",
            ),
            _ => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::ApiError;

    #[test]
    fn debug_is_display_plus_hint() {
        let e = Error::from(ApiError {
            http_status: 401,
            code: ErrorCode::OauthScopeMismatch,
            message: "invalid oauth scope to access this URL".into(),
            status: "error".into(),
            details: Default::default(),
            hint: None,
            retry_after: None,
        });
        let text = format!("{:?}", Report::from(e));
        assert!(
            text.starts_with("Zoho CRM error OAUTH_SCOPE_MISMATCH (HTTP 401)"),
            "{text}"
        );
        assert!(
            text.contains("\nhint: the token lacks the OAuth scope"),
            "{text}"
        );
        assert!(!text.contains("ApiError {"), "{text}");
    }
}
