//! [`Report`]: what `main` returns so a failure prints as a message, not a `Debug` dump.

use crate::error::{DisplayErrorChain, Error};
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::{ApiError, ErrorCode};

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
