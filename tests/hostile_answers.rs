//! Answers that are wrong, huge or missing never turn into success, never leak a secret and never
//! run memory away. A hostile server scripts each answer over real HTTP (see `hostile/mod.rs`).

mod hostile;

use hostile::{Answer, client, client_with, serve, shown};
use std::time::Duration;
use zohocrm::types::Record;
use zohocrm::{Error, ErrorCode};

fn one_record() -> Vec<Record> {
    let mut r = Record::default();
    r.set_field_value("Last_Name", "Hostile").unwrap();
    vec![r]
}

/// Bodies that are not a list of records, each served with a success status.
const NOT_A_LIST: &[&str] = &[
    "{}",
    r#"{"data":null}"#,
    r#"{"info":{"more_records":false}}"#,
    "",
    "   ",
    r#"{"code":"INVALID_TOKEN","details":{},"message":"invalid oauth token","status":"error"}"#,
];

#[tokio::test]
async fn a_list_body_without_its_key_is_an_error() {
    for body in NOT_A_LIST {
        let server = serve(move |_| Answer::json(200, body)).await;
        let c = client(&server).await;
        let err = c.module("Leads").get_records().send().await.unwrap_err();
        match &err {
            Error::Api(a) => assert_eq!(a.code, ErrorCode::InvalidToken, "{body}: {err}"),
            Error::Decode(d) => assert!(d.expected.contains("`data`"), "{body}: {err}"),
            other => panic!("{body}: {other:?}"),
        }
    }
    // Zoho documents 204 for "nothing matched": an empty page.
    let server = serve(|_| Answer::json(204, "")).await;
    let page = client(&server)
        .await
        .module("Leads")
        .get_records()
        .send()
        .await
        .unwrap();
    assert!(page.data.is_empty());
}

#[tokio::test]
async fn a_400_is_never_data_for_a_read() {
    for body in [
        r#"{"data":[{"id":"1"}]}"#,
        r#"{"data":[{"code":"INVALID_DATA","status":"error","message":"x","details":{}}]}"#,
    ] {
        let server = serve(move |_| Answer::json(400, body)).await;
        let err = client(&server)
            .await
            .module("Leads")
            .get_records()
            .send()
            .await
            .unwrap_err();
        assert!(matches!(err, Error::Decode(_)), "{body}: {err:?}");
        assert!(err.to_string().contains("HTTP 400"), "{err}");
    }
}

#[tokio::test]
async fn a_write_gets_one_result_per_item_or_an_error() {
    let mut wrong: Vec<&str> = NOT_A_LIST.to_vec();
    wrong.extend([
        r#"{"data":[]}"#,
        // Two results for the one record sent.
        r#"{"data":[{"code":"SUCCESS","status":"success","message":"ok","details":{"id":"1"}},{"code":"SUCCESS","status":"success","message":"ok","details":{"id":"2"}}]}"#,
    ]);
    for body in wrong {
        let server = serve(move |_| Answer::json(201, body)).await;
        let c = client(&server).await;
        let result = c.module("Leads").create_records(one_record()).send().await;
        let err = result.map(|r| r.all_succeeded()).unwrap_err();
        assert!(
            matches!(err, Error::Api(_) | Error::Decode(_)),
            "{body}: {err:?}"
        );
    }
}

#[tokio::test]
async fn a_400_is_a_write_result_only_when_every_item_failed() {
    let failed = r#"{"data":[{"code":"MANDATORY_NOT_FOUND","details":{"api_name":"Last_Name"},"message":"required field not found","status":"error"}]}"#;
    let server = serve(move |_| Answer::json(400, failed)).await;
    let res = client(&server)
        .await
        .module("Leads")
        .create_records(one_record())
        .send()
        .await
        .unwrap();
    assert_eq!(res.http_status, 400);
    assert_eq!(res.items.len(), 1);
    assert!(!res.all_succeeded());

    for body in [
        r#"{"data":[{"code":"SUCCESS","details":{"id":"1"},"message":"record added","status":"success"}]}"#,
        r#"{"data":[{"id":"1"}]}"#,
    ] {
        let server = serve(move |_| Answer::json(400, body)).await;
        let err = client(&server)
            .await
            .module("Leads")
            .create_records(one_record())
            .send()
            .await
            .unwrap_err();
        assert!(matches!(err, Error::Decode(_)), "{body}: {err:?}");
    }
}

#[tokio::test]
async fn buffered_bodies_are_capped() {
    // With a known length, refused before reading; without, refused while reading.
    let server = serve(|_| Answer::Full {
        status: 200,
        body: vec![b' '; 3 << 20],
    })
    .await;
    let c = client_with(&server, |b| b.max_body_bytes(1 << 20)).await;
    let err = c.module("Leads").get_records().send().await.unwrap_err();
    assert!(
        matches!(err, Error::BodyTooLarge { limit, .. } if limit == 1 << 20),
        "{err:?}"
    );
    assert!(err.to_string().contains("max_body_bytes"), "{err}");

    let server = serve(|_| Answer::Chunked {
        status: 200,
        chunk: vec![b' '; 64 << 10],
        count: 1 << 14, // 1 GiB if it were read whole
    })
    .await;
    let c = client_with(&server, |b| b.max_body_bytes(1 << 20)).await;
    let err = c.module("Leads").get_records().send().await.unwrap_err();
    assert!(matches!(err, Error::BodyTooLarge { .. }), "{err:?}");

    // Error bodies have a much smaller fixed cap, whatever the API cap.
    let server = serve(|_| Answer::Chunked {
        status: 500,
        chunk: vec![b' '; 64 << 10],
        count: 64,
    })
    .await;
    let err = client(&server)
        .await
        .module("Leads")
        .get_records()
        .send()
        .await
        .unwrap_err();
    assert!(
        matches!(err, Error::BodyTooLarge { limit, what, .. } if limit == zohocrm::SMALL_BODY_BYTES && what == "an error body"),
        "{err:?}"
    );
}

#[tokio::test]
async fn streamed_downloads_are_not_capped() {
    use zohocrm::stream::TryStreamExt;
    let server = serve(|_| Answer::Chunked {
        status: 200,
        chunk: vec![7u8; 64 << 10],
        count: 64, // 4 MiB, four times the cap below
    })
    .await;
    let c = client_with(&server, |b| b.max_body_bytes(1 << 20)).await;
    let mut stream = c
        .record("Leads", "1")
        .download_attachment("2")
        .send_stream()
        .await
        .unwrap();
    let mut total = 0usize;
    while let Some(chunk) = stream.try_next().await.unwrap() {
        total += chunk.len();
    }
    assert_eq!(total, 4 << 20);
}

#[tokio::test]
async fn token_responses_are_capped_small() {
    let server = serve(|_| Answer::Chunked {
        status: 200,
        chunk: vec![b' '; 64 << 10],
        count: 64,
    })
    .await;
    let err = client(&server)
        .await
        .generate_access_token_from_refresh_token("1000.refresh", hostile::USER)
        .await
        .unwrap_err();
    assert!(
        matches!(err, Error::BodyTooLarge { limit, .. } if limit == zohocrm::SMALL_BODY_BYTES),
        "{err:?}"
    );
}

#[tokio::test]
async fn a_write_without_an_answer_says_its_outcome_is_unknown() {
    let silent = serve(|_| Answer::Silent(Duration::from_secs(30))).await;
    let closing = serve(|_| Answer::Close).await;
    for server in [&silent, &closing] {
        let c = client_with(server, |b| b.timeout(Duration::from_millis(500))).await;
        let err = c
            .module("Leads")
            .create_records(one_record())
            .send()
            .await
            .unwrap_err();
        assert!(err.is_outcome_unknown(), "{err:?}");
        let text = shown(&err);
        for needle in [
            "may or may not have happened",
            "duplicate_check_fields",
            "search",
        ] {
            assert!(text.contains(needle), "{needle} missing: {text}");
        }
        // A read failing the same way is just a transport error.
        let err = c.module("Leads").get_records().send().await.unwrap_err();
        assert!(!err.is_outcome_unknown(), "{err:?}");
    }
    // Nothing was sent when the connection was refused, so the outcome is known.
    let refused = {
        let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let port = l.local_addr().unwrap().port();
        drop(l);
        hostile::Server {
            base: format!("http://127.0.0.1:{port}"),
            hits: Default::default(),
        }
    };
    let err = client(&refused)
        .await
        .module("Leads")
        .create_records(one_record())
        .send()
        .await
        .unwrap_err();
    assert!(!err.is_outcome_unknown(), "{err:?}");
}

#[tokio::test]
async fn a_5xx_on_a_write_says_its_outcome_is_unknown() {
    let server = serve(|_| {
        Answer::json(
            500,
            r#"{"code":"INTERNAL_ERROR","details":{},"message":"Internal Server Error","status":"error"}"#,
        )
    })
    .await;
    let err = client(&server)
        .await
        .module("Leads")
        .create_records(one_record())
        .send()
        .await
        .unwrap_err();
    assert_eq!(err.code(), Some(&ErrorCode::InternalError));
    assert!(err.is_outcome_unknown(), "{err:?}");
    assert!(err.to_string().contains("may or may not"), "{err}");
}

const AT: &str = "1000.8f3a9c2e7b1d4f6a0c5e8b2d9f4a7c1e.3b8e1f6a9d2c5e0b7f4a1d8c3e6b9f2a";
const RT: &str = "1000.d4e9a2f7c1b8e3a6f0d5c2b9e4a7f1c8.a6c1f8e3b0d7a2c9f4e1b6d3a8c5f0e2";

fn leaks(text: &str) -> Option<&'static str> {
    [AT, RT].into_iter().find(|s| {
        s.as_bytes()[5..]
            .windows(12)
            .any(|w| text.contains(std::str::from_utf8(w).unwrap()))
    })
}

#[tokio::test]
async fn token_bodies_that_do_not_parse_leak_nothing() {
    let whole = format!(
        r#"{{"access_token":"{AT}","refresh_token":"{RT}","api_domain":"https://www.zohoapis.com","token_type":"Bearer","expires_in":3600}}"#
    );
    let broken = [
        whole[..whole.len() - 30].to_owned(),
        whole[..60].to_owned(),
        format!("{whole}trailing garbage"),
        format!("[{whole}]"),
        format!("access_token={AT}&refresh_token={RT}"),
        whole.replace("3600", "\"soon\""),
    ];
    for body in broken {
        let b = body.clone();
        let server = serve(move |_| Answer::json(200, &b)).await;
        let err = client(&server)
            .await
            .generate_access_token_from_refresh_token("1000.refresh", hostile::USER)
            .await
            .unwrap_err();
        let text = shown(&err);
        assert!(matches!(err, Error::Decode(_)), "{body}: {text}");
        assert_eq!(leaks(&text), None, "{body}: {text}");
    }
}

#[tokio::test]
async fn token_lifetimes_from_the_server_are_checked() {
    for (field, value) in [
        ("expires_in", i64::MAX.to_string()),
        ("expires_in_sec", i64::MAX.to_string()),
        ("expires_in", (i64::MAX / 1000 + 1).to_string()),
    ] {
        let body = format!(r#"{{"access_token":"{AT}","{field}":{value}}}"#);
        let server = serve(move |_| Answer::json(200, &body)).await;
        let c = client(&server).await;
        let t = c
            .generate_access_token_from_refresh_token("1000.refresh", hostile::USER)
            .await
            .unwrap();
        let now = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap()
            .as_millis() as i64;
        let left = t.remaining_ms(now).unwrap();
        assert!(
            left > 0 && left <= 24 * 3_600_000,
            "{field}={value}: clamped to a day at most, got {left} ms"
        );
    }
    for value in ["0", "-1", &i64::MIN.to_string()] {
        let body = format!(r#"{{"access_token":"{AT}","expires_in":{value}}}"#);
        let server = serve(move |_| Answer::json(200, &body)).await;
        let err = client(&server)
            .await
            .generate_access_token_from_refresh_token("1000.refresh", hostile::USER)
            .await
            .unwrap_err();
        let text = shown(&err);
        assert!(text.contains("lifetime must be positive"), "{text}");
        assert_eq!(leaks(&text), None, "{text}");
    }
}
