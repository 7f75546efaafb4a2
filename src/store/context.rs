//! `Context`: what a backend's error is about, in front of it, for the SQL and Redis stores.

/// The cause inside a [`StoreError::Backend`](crate::error::StoreError::Backend).
pub(crate) type BoxError = Box<dyn std::error::Error + Send + Sync + 'static>;

/// Context (`table `oauthtoken``, `key prefix "zohocrm:"`) in front of a backend's error.
///
/// Drivers put their cause's message into their own (sqlx's "error returned from database: X"
/// wraps a source whose message is X), so a printed chain would say X twice. This layer shows
/// the source's message once, inline, and its `source()` skips every deeper error whose message
/// was already shown: each layer of a printed chain adds something new.
#[derive(Debug)]
pub(crate) struct Context {
    context: String,
    source: BoxError,
}

impl Context {
    pub(crate) fn new(context: String, source: impl Into<BoxError>) -> Self {
        Context {
            context,
            source: source.into(),
        }
    }
}

impl std::fmt::Display for Context {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}: {}", self.context, self.source)
    }
}

impl std::error::Error for Context {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        let mut shown = self.source.to_string();
        let mut next = self.source.source();
        while let Some(e) = next {
            let text = e.to_string();
            if !shown.contains(&text) {
                return Some(e);
            }
            shown = text;
            next = e.source();
        }
        None
    }
}
