//! [`RetryPolicy`]: when a failed call is sent again, and how long to wait first.
//!
//! The rules come from what each failure says about the request:
//! - **429** `TOO_MANY_REQUESTS` means Zoho did not process the request (credit or concurrency
//!   limit, zoho-api-v2.md §4), so it is retried for every request, writes included.
//! - **5xx**, a timeout or a connection lost mid-call leave a write's outcome unknown: Zoho may
//!   have applied it. Only idempotent requests (reads, `PUT`, `DELETE`) are retried then; a
//!   write fails with an error saying it may or may not have happened.
//! - A connection that could not be opened sent nothing, so it is retried for every request.

use crate::error::Error;
use std::time::{Duration, SystemTime};

/// How failed calls are retried. Set it on the client ([`ClientBuilder::retry_policy`]) and
/// override it for one call with [`Client::with_retry_policy`].
///
/// The wait before retry `n` (1-based) is `min(max_backoff, base_backoff × 2^(n-1))`, or the
/// server's `Retry-After` when it sent one (seconds or HTTP-date, capped at
/// [`RetryPolicy::max_retry_after`]); then up to `jitter × wait` is added at random, so clients
/// rejected together do not come back together.
///
/// ```
/// use std::time::Duration;
/// use zohocrm::RetryPolicy;
///
/// let policy = RetryPolicy::default()
///     .max_attempts(6)
///     .base_backoff(Duration::from_millis(100))
///     .max_backoff(Duration::from_secs(5))
///     .jitter(0.25)
///     .retry_server_errors(false); // only 429s and unopened connections are retried
/// assert_eq!(policy.get_max_attempts(), 6);
/// assert_eq!(RetryPolicy::never().get_max_attempts(), 1);
/// ```
///
/// [`ClientBuilder::retry_policy`]: crate::ClientBuilder::retry_policy
/// [`Client::with_retry_policy`]: crate::Client::with_retry_policy
#[derive(Debug, Clone, PartialEq)]
pub struct RetryPolicy {
    max_attempts: u32,
    base_backoff: Duration,
    max_backoff: Duration,
    max_retry_after: Duration,
    jitter: f64,
    throttled: bool,
    server_errors: bool,
    transport: bool,
}

impl Default for RetryPolicy {
    /// 5 attempts, 200 ms doubling to at most 10 s, `Retry-After` honoured up to 60 s, 50 %
    /// jitter, and every kind of failure counted (within the rules in the module docs).
    fn default() -> Self {
        RetryPolicy {
            max_attempts: 5,
            base_backoff: Duration::from_millis(200),
            max_backoff: Duration::from_secs(10),
            max_retry_after: Duration::from_secs(60),
            jitter: 0.5,
            throttled: true,
            server_errors: true,
            transport: true,
        }
    }
}

/// What kind of failure a call ended with, as far as retrying goes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Failure {
    /// 429: not processed.
    Throttled,
    /// 5xx (or an undecodable 502–504 from a proxy): maybe processed.
    Server,
    /// No connection was opened: nothing was sent.
    Connect,
    /// Timeout or connection lost after sending: maybe processed.
    Transport,
    /// Anything else: retrying would fail the same way.
    Final,
}

impl Failure {
    pub(crate) fn of(e: &Error) -> Failure {
        match e {
            Error::Api(a) if a.http_status == 429 => Failure::Throttled,
            Error::Api(a) if (500..600).contains(&a.http_status) => Failure::Server,
            Error::Decode(d) if (500..600).contains(&d.status) => Failure::Server,
            Error::Transport(t) if t.is_connect() => Failure::Connect,
            Error::Transport(_) => Failure::Transport,
            _ => Failure::Final,
        }
    }

    /// True when the request may have been applied even though no success came back.
    pub(crate) fn outcome_unknown(self) -> bool {
        matches!(self, Failure::Server | Failure::Transport)
    }
}

impl RetryPolicy {
    /// No retries: every call is tried once.
    pub fn never() -> Self {
        RetryPolicy {
            max_attempts: 1,
            ..RetryPolicy::default()
        }
    }

    /// Tries in all, the first included (at least 1; default 5).
    pub fn max_attempts(mut self, n: u32) -> Self {
        self.max_attempts = n.max(1);
        self
    }

    /// Wait before the first retry, doubled for each further one (default 200 ms).
    pub fn base_backoff(mut self, d: Duration) -> Self {
        self.base_backoff = d;
        self
    }

    /// Cap on the doubled wait, before jitter (default 10 s).
    pub fn max_backoff(mut self, d: Duration) -> Self {
        self.max_backoff = d;
        self
    }

    /// Cap on a server's `Retry-After`, so a bad header cannot park a call for hours (default
    /// 60 s).
    pub fn max_retry_after(mut self, d: Duration) -> Self {
        self.max_retry_after = d;
        self
    }

    /// Random extra wait, as a fraction of the wait (0.0 none, 1.0 up to double; default 0.5).
    /// Values outside 0..=1 are clamped.
    pub fn jitter(mut self, fraction: f64) -> Self {
        self.jitter = if fraction.is_nan() {
            0.0
        } else {
            fraction.clamp(0.0, 1.0)
        };
        self
    }

    /// Retry 429 `TOO_MANY_REQUESTS` (default true), writes included: Zoho did not process them.
    pub fn retry_throttled(mut self, yes: bool) -> Self {
        self.throttled = yes;
        self
    }

    /// Retry 5xx answers of idempotent requests (default true).
    pub fn retry_server_errors(mut self, yes: bool) -> Self {
        self.server_errors = yes;
        self
    }

    /// Retry connection failures (any request when the connection never opened; idempotent
    /// requests after a timeout or a lost connection) (default true).
    pub fn retry_transport_errors(mut self, yes: bool) -> Self {
        self.transport = yes;
        self
    }

    /// Tries in all.
    pub fn get_max_attempts(&self) -> u32 {
        self.max_attempts
    }

    /// Whether a call that failed with `failure` on try `attempt` (1-based) is tried again.
    pub(crate) fn should_retry(&self, failure: Failure, idempotent: bool, attempt: u32) -> bool {
        if attempt >= self.max_attempts {
            return false;
        }
        match failure {
            Failure::Throttled => self.throttled,
            Failure::Connect => self.transport,
            Failure::Server => self.server_errors && idempotent,
            Failure::Transport => self.transport && idempotent,
            Failure::Final => false,
        }
    }

    /// The wait before retry number `retry` (1-based), given the server's `Retry-After`.
    pub(crate) fn wait(&self, retry: u32, retry_after: Option<Duration>) -> Duration {
        let wait = match retry_after {
            Some(server) => server.min(self.max_retry_after),
            None => {
                let factor = 2u32.saturating_pow(retry.saturating_sub(1));
                self.base_backoff
                    .saturating_mul(factor)
                    .min(self.max_backoff)
            }
        };
        wait + wait.mul_f64(self.jitter * unit_random())
    }
}

/// `Retry-After` in either form RFC 9110 §10.2.3 allows: delay seconds, or an HTTP-date (a
/// date in the past means now).
pub(crate) fn parse_retry_after(value: &str, now: SystemTime) -> Option<Duration> {
    let value = value.trim();
    if let Ok(secs) = value.parse::<u64>() {
        return Some(Duration::from_secs(secs));
    }
    let at = httpdate::parse_http_date(value).ok()?;
    Some(at.duration_since(now).unwrap_or(Duration::ZERO))
}

/// A number in [0, 1), different on every call. Jitter only needs spread between callers, not
/// unpredictability: std's per-instance random hash keys give that without a dependency.
fn unit_random() -> f64 {
    use std::hash::{BuildHasher, Hasher};
    use std::sync::atomic::{AtomicU64, Ordering};
    static COUNTER: AtomicU64 = AtomicU64::new(0);
    let mut h = std::collections::hash_map::RandomState::new().build_hasher();
    h.write_u64(COUNTER.fetch_add(1, Ordering::Relaxed));
    (h.finish() >> 11) as f64 / (1u64 << 53) as f64
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn retry_after_seconds_and_http_date() {
        let now = SystemTime::UNIX_EPOCH + Duration::from_secs(1_445_412_480); // 2015-10-21 07:28:00 GMT
        assert_eq!(parse_retry_after(" 7 ", now), Some(Duration::from_secs(7)));
        assert_eq!(
            parse_retry_after("Wed, 21 Oct 2015 07:28:30 GMT", now),
            Some(Duration::from_secs(30))
        );
        assert_eq!(
            parse_retry_after("Wed, 21 Oct 2015 07:27:00 GMT", now),
            Some(Duration::ZERO),
            "a past date means now"
        );
        assert_eq!(parse_retry_after("soon", now), None);
        assert_eq!(parse_retry_after("-3", now), None);
    }

    #[test]
    fn backoff_doubles_up_to_the_cap_and_jitter_only_adds() {
        let p = RetryPolicy::default()
            .base_backoff(Duration::from_millis(100))
            .max_backoff(Duration::from_millis(300))
            .jitter(0.0);
        assert_eq!(p.wait(1, None), Duration::from_millis(100));
        assert_eq!(p.wait(2, None), Duration::from_millis(200));
        assert_eq!(p.wait(3, None), Duration::from_millis(300));
        assert_eq!(p.wait(30, None), Duration::from_millis(300));
        let capped = p.clone().max_retry_after(Duration::from_secs(2));
        assert_eq!(
            capped.wait(1, Some(Duration::from_secs(3600))),
            Duration::from_secs(2)
        );
        let jittered = p.jitter(1.0);
        let waits: Vec<Duration> = (0..50).map(|_| jittered.wait(1, None)).collect();
        assert!(
            waits
                .iter()
                .all(|w| *w >= Duration::from_millis(100) && *w < Duration::from_millis(200))
        );
        let distinct: std::collections::HashSet<_> = waits.iter().collect();
        assert!(distinct.len() > 40, "jitter spreads waits: {distinct:?}");
    }

    #[test]
    fn which_failures_are_retried() {
        let p = RetryPolicy::default();
        for idempotent in [true, false] {
            assert!(p.should_retry(Failure::Throttled, idempotent, 1));
            assert!(p.should_retry(Failure::Connect, idempotent, 1));
            assert!(!p.should_retry(Failure::Final, idempotent, 1));
        }
        assert!(p.should_retry(Failure::Server, true, 1));
        assert!(!p.should_retry(Failure::Server, false, 1));
        assert!(!p.should_retry(Failure::Transport, false, 1));
        assert!(
            !p.should_retry(Failure::Throttled, true, 5),
            "5 attempts in all"
        );
        assert!(!RetryPolicy::never().should_retry(Failure::Throttled, true, 1));
        let p = p.retry_throttled(false);
        assert!(!p.should_retry(Failure::Throttled, true, 1));
    }
}
