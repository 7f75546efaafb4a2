//! The command's error: a message for people and an exit status for scripts.

use std::fmt;
use zohocrm::error::{DisplayErrorChain, Error as ZohoError, ErrorCode};

/// Exit statuses (documented in `zohocrm --help`).
pub mod exit {
    pub const FAILURE: u8 = 1;
    pub const USAGE: u8 = 2;
    pub const AUTH: u8 = 3;
    pub const NETWORK: u8 = 4;
    pub const THROTTLED: u8 = 5;
    pub const ROWS_FAILED: u8 = 6;
}

/// What failed, said so a person can act on it, and the exit status it maps to.
#[derive(Debug)]
pub struct CliError {
    pub message: String,
    pub status: u8,
}

pub type CliResult<T> = Result<T, CliError>;

impl CliError {
    pub fn new(status: u8, message: impl Into<String>) -> Self {
        CliError {
            message: message.into(),
            status,
        }
    }

    pub fn usage(message: impl Into<String>) -> Self {
        Self::new(exit::USAGE, message)
    }

    pub fn failure(message: impl Into<String>) -> Self {
        Self::new(exit::FAILURE, message)
    }

    /// Adds what the command was doing in front of the message.
    pub fn context(mut self, what: impl fmt::Display) -> Self {
        self.message = format!("{what}: {}", self.message);
        self
    }

    /// Adds advice after the message.
    pub fn hint(mut self, hint: impl fmt::Display) -> Self {
        self.message = format!("{}\n  hint: {hint}", self.message);
        self
    }
}

impl fmt::Display for CliError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

/// Whether an SDK error is Zoho's throttle (429 TOO_MANY_REQUESTS, or refresh throttling).
pub fn is_throttle(e: &ZohoError) -> bool {
    matches!(e, ZohoError::RefreshThrottled { .. })
        || e.as_api()
            .is_some_and(|a| a.http_status == 429 || a.code == ErrorCode::TooManyRequests)
}

impl From<ZohoError> for CliError {
    fn from(e: ZohoError) -> Self {
        let message = DisplayErrorChain(&e).to_string();
        let status = match &e {
            _ if is_throttle(&e) => exit::THROTTLED,
            ZohoError::Config(_) => exit::USAGE,
            ZohoError::OAuth(_) | ZohoError::TokenNotFound { .. } => exit::AUTH,
            ZohoError::Api(a) if a.http_status == 401 => exit::AUTH,
            ZohoError::Transport(_) => exit::NETWORK,
            _ => exit::FAILURE,
        };
        let mut err = CliError::new(status, message);
        if let Some(retry) = e.as_api().and_then(|a| a.retry_after) {
            err = err.hint(format!(
                "Zoho asked to wait {}s before the next call",
                retry.as_secs()
            ));
        } else if status == exit::THROTTLED {
            err = err
                .hint("Zoho limits API calls per day and calls in flight per user; wait and rerun");
        }
        err
    }
}

impl From<std::io::Error> for CliError {
    fn from(e: std::io::Error) -> Self {
        CliError::failure(e.to_string())
    }
}
