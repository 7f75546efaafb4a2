//! The body being decoded, shared by every value decoded from it.
//!
//! Decoding a page keeps each record's untyped fields as spans of the response body (one
//! reference-counted buffer, no copy) instead of one allocation per field: that is most of what
//! makes a typed page cost close to a bare scan. While [`decode`] runs, [`current`] is that body;
//! values decoded at other times (from a user's own `serde_json::from_str`, say) own their text.

use bytes::Bytes;
use std::cell::RefCell;

thread_local! {
    static SOURCE: RefCell<Option<Bytes>> = const { RefCell::new(None) };
}

/// Runs `f` on the body as text, with the body as the current source. `None` when the body is
/// not UTF-8 (JSON must be).
pub(crate) fn decode<R>(body: &Bytes, f: impl FnOnce(&str) -> R) -> Option<R> {
    let text = std::str::from_utf8(body).ok()?;
    let previous = SOURCE.with(|s| s.replace(Some(body.clone())));
    // Restores the previous source even if `f` unwinds.
    struct Restore(Option<Bytes>);
    impl Drop for Restore {
        fn drop(&mut self) {
            let prev = self.0.take();
            SOURCE.with(|s| *s.borrow_mut() = prev);
        }
    }
    let _restore = Restore(previous);
    Some(f(text))
}

/// The source being decoded on this thread, when `part` is a slice of it: the source and
/// `part`'s span in it.
pub(crate) fn locate(part: &str) -> Option<(Bytes, u32, u32)> {
    SOURCE.with(|s| {
        let s = s.borrow();
        let src = s.as_ref()?;
        let (a, b) = span(src, part)?;
        Some((src.clone(), a, b))
    })
}

/// Where `part` lies in `source`, when it is a slice of it.
pub(crate) fn span(source: &[u8], part: &str) -> Option<(u32, u32)> {
    let start = (part.as_ptr() as usize).checked_sub(source.as_ptr() as usize)?;
    let end = start.checked_add(part.len())?;
    if end > source.len() {
        return None;
    }
    Some((u32::try_from(start).ok()?, u32::try_from(end).ok()?))
}
