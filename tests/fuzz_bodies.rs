//! Property tests over mutated GENUINE Zoho bodies (`shared/fixtures/zoho-v2/`) and token
//! responses: decoding never panics, never leaks a secret, and never turns an error-shaped body
//! into success. proptest generates the mutations; the case count is bounded for CI
//! (`PROPTEST_CASES` raises it for a longer local run).

mod hostile;

use proptest::prelude::*;
use std::path::PathBuf;
use std::sync::OnceLock;
use zohocrm::types::{Record, RecordActionDetails};
use zohocrm::{Error, RawResponse};

/// `shared/fixtures/zoho-v2`, found beside the repository or one of its parents (CI lays
/// `shared/` beside its clone). Its absence fails the test: nothing is skipped silently.
fn fixtures_dir() -> PathBuf {
    let here = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    here.ancestors()
        .map(|a| a.join("shared/fixtures/zoho-v2"))
        .find(|p| p.is_dir())
        .unwrap_or_else(|| {
            panic!(
                "no shared/fixtures/zoho-v2 beside {} or its parents: these tests need the genuine Zoho bodies",
                here.display()
            )
        })
}

/// Every genuine response body (JSON), read once.
fn genuine_bodies() -> &'static [Vec<u8>] {
    static BODIES: OnceLock<Vec<Vec<u8>>> = OnceLock::new();
    BODIES.get_or_init(|| {
        let mut out = Vec::new();
        let mut dirs = vec![fixtures_dir()];
        while let Some(dir) = dirs.pop() {
            for entry in std::fs::read_dir(&dir).unwrap().flatten() {
                let path = entry.path();
                if path.is_dir() {
                    dirs.push(path);
                } else if path.to_string_lossy().ends_with(".response.json") {
                    out.push(std::fs::read(&path).unwrap());
                }
            }
        }
        out.sort();
        assert!(out.len() >= 20, "only {} genuine bodies found", out.len());
        out
    })
}

/// One edit of a body. proptest picks the kind, the place and the bytes.
#[derive(Clone, Debug)]
enum Mutation {
    /// Overwrite one byte.
    Set(prop::sample::Index, u8),
    /// Cut the body here.
    Truncate(prop::sample::Index),
    /// Insert text here (JSON punctuation, keys and values Zoho uses).
    Insert(prop::sample::Index, &'static str),
    /// Remove a span.
    Delete(prop::sample::Index, usize),
    /// Append text after the body.
    Append(&'static str),
}

const FRAGMENTS: &[&str] = &[
    "{",
    "}",
    "[",
    "]",
    ",",
    ":",
    "\"",
    "null",
    "0",
    "-1",
    "1e999",
    "\"data\"",
    "\"info\"",
    "\"code\":\"INVALID_TOKEN\"",
    "\"status\":\"error\"",
    "\"status\":\"success\"",
    "{\"code\":\"INTERNAL_ERROR\",\"message\":\"x\",\"status\":\"error\"}",
    "\\u0000",
    "\u{feff}",
    "\"more_records\":true",
    "9223372036854775808",
    "\"\\ud800\"",
];

fn mutation() -> impl Strategy<Value = Mutation> {
    prop_oneof![
        (any::<prop::sample::Index>(), any::<u8>()).prop_map(|(i, b)| Mutation::Set(i, b)),
        any::<prop::sample::Index>().prop_map(Mutation::Truncate),
        (
            any::<prop::sample::Index>(),
            prop::sample::select(FRAGMENTS)
        )
            .prop_map(|(i, s)| Mutation::Insert(i, s)),
        (any::<prop::sample::Index>(), 1usize..64).prop_map(|(i, n)| Mutation::Delete(i, n)),
        prop::sample::select(FRAGMENTS).prop_map(Mutation::Append),
    ]
}

fn apply(body: &[u8], edits: &[Mutation]) -> Vec<u8> {
    let mut b = body.to_vec();
    for m in edits {
        let at = |i: &prop::sample::Index, b: &Vec<u8>| i.index(b.len() + 1);
        match m {
            Mutation::Set(i, v) if !b.is_empty() => {
                let k = i.index(b.len());
                b[k] = *v;
            }
            Mutation::Set(..) => {}
            Mutation::Truncate(i) => b.truncate(at(i, &b)),
            Mutation::Insert(i, s) => {
                let k = at(i, &b);
                b.splice(k..k, s.bytes());
            }
            Mutation::Delete(i, n) => {
                let k = at(i, &b).min(b.len());
                let end = (k + n).min(b.len());
                b.drain(k..end);
            }
            Mutation::Append(s) => b.extend_from_slice(s.as_bytes()),
        }
    }
    b
}

/// A Zoho error object: top-level `code` with `status: "error"`, and no data beside it.
fn error_shaped(body: &[u8]) -> bool {
    let Ok(serde_json::Value::Object(m)) = serde_json::from_slice::<serde_json::Value>(body) else {
        return false;
    };
    m.get("code").is_some_and(|c| c.is_string())
        && m.get("status").and_then(|s| s.as_str()) == Some("error")
        && !m.contains_key("data")
}

const STATUSES: &[u16] = &[200, 201, 202, 204, 207, 304, 400, 401, 404, 500];

fn check_decoders(body: &[u8], status: u16, expected_items: usize) {
    let raw = || RawResponse::new(status, body.to_vec());
    let success = (200..300).contains(&status) || status == 304;
    let error_body = error_shaped(body);

    let list = raw().list::<Record>("data");
    let single = raw().single::<Record>("data");
    let object = raw().object::<zohocrm::types::StatusMessage>();
    if !success || error_body {
        assert!(
            list.is_err(),
            "list: HTTP {status} {:?}",
            String::from_utf8_lossy(body)
        );
        assert!(single.is_err(), "single: HTTP {status}");
        if !success || error_body {
            assert!(object.is_err(), "object: HTTP {status}");
        }
    }
    if matches!(status, 204 | 304) {
        assert!(list.is_ok_and(|p| p.data.is_empty()));
    }

    let action = raw()
        .expecting_items(expected_items)
        .action::<RecordActionDetails>("data");
    match action {
        Ok(results) => {
            assert!(!error_body, "an error object decoded as write results");
            assert!(
                success || status == 400,
                "HTTP {status} decoded as write results"
            );
            assert_eq!(
                results.items.len(),
                expected_items,
                "one result per item sent"
            );
            if status == 400 {
                assert!(
                    results.items.iter().all(Result::is_err),
                    "a 400 with a success"
                );
            }
        }
        Err(Error::Api(_) | Error::Decode(_)) => {}
        Err(other) => panic!("unexpected error kind: {other:?}"),
    }
}

fn cases() -> ProptestConfig {
    // Bounded for CI; PROPTEST_CASES overrides.
    ProptestConfig {
        cases: std::env::var("PROPTEST_CASES")
            .ok()
            .and_then(|v| v.parse().ok())
            .unwrap_or(256),
        failure_persistence: None,
        ..ProptestConfig::default()
    }
}

proptest! {
    #![proptest_config(cases())]

    #[test]
    fn mutated_genuine_bodies_never_decode_as_false_success(
        pick in any::<prop::sample::Index>(),
        edits in prop::collection::vec(mutation(), 0..6),
        status in prop::sample::select(STATUSES),
        items in 1usize..4,
    ) {
        let bodies = genuine_bodies();
        let body = apply(&bodies[pick.index(bodies.len())], &edits);
        check_decoders(&body, status, items);
    }
}

// Shaped like Zoho's tokens (`1000.` + 32 hex + `.` + 32 hex, random, so digit runs are short):
// any 12 characters of them hold a letter, which is what tells them from a record id.
const AT: &str = "1000.8f3a9c2e7b1d4f6a0c5e8b2d9f4a7c1e.3b8e1f6a9d2c5e0b7f4a1d8c3e6b9f2a";
const RT: &str = "1000.d4e9a2f7c1b8e3a6f0d5c2b9e4a7f1c8.a6c1f8e3b0d7a2c9f4e1b6d3a8c5f0e2";

/// Any 12 characters of a secret past its `1000.` prefix, found in `text`.
fn leaked(text: &str) -> Option<String> {
    [AT, RT].iter().find_map(|s| {
        s.as_bytes()[5..]
            .windows(12)
            .map(|w| String::from_utf8_lossy(w).into_owned())
            .find(|w| text.contains(w.as_str()))
    })
}

fn token_body() -> String {
    format!(
        r#"{{"access_token":"{AT}","refresh_token":"{RT}","scope":"ZohoCRM.modules.ALL","api_domain":"https://www.zohoapis.com","token_type":"Bearer","expires_in":3600}}"#
    )
}

proptest! {
    #![proptest_config(ProptestConfig { cases: cases().cases / 4, ..cases() })]

    /// Mutated token responses through the real token endpoint path (HTTP, cap, parse, checks):
    /// whatever fails says nothing secret, in Display, the source chain or Debug.
    #[test]
    fn mutated_token_responses_leak_nothing(
        edits in prop::collection::vec(mutation(), 1..6),
        status in prop::sample::select(&[200u16, 400, 500][..]),
    ) {
        let body = apply(token_body().as_bytes(), &edits);
        let rt = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
        rt.block_on(async move {
            let server = hostile::serve(move |_| hostile::Answer::Full { status, body: body.clone() }).await;
            let client = hostile::client(&server).await;
            let result = client
                .generate_access_token_from_refresh_token("1000.refresh", hostile::USER)
                .await;
            if let Err(e) = result {
                let text = hostile::shown(&e);
                assert_eq!(leaked(&text), None, "{text}");
            }
        });
    }
}

#[test]
fn the_mutator_reaches_the_fixtures() {
    // Guards the property tests against running on nothing.
    let bodies = genuine_bodies();
    let lists = bodies
        .iter()
        .filter(|b| {
            RawResponse::new(200, b.to_vec())
                .list::<Record>("data")
                .is_ok_and(|p| !p.data.is_empty())
        })
        .count();
    assert!(lists >= 5, "only {lists} genuine record lists decode");
}
