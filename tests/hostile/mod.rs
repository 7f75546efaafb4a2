//! A hostile HTTP server for tests: it answers whatever a test scripts (error-shaped bodies with
//! success statuses, huge or endless bodies, silence, a dropped connection), over real TCP, so
//! the client's whole path (transport, caps, classification, decoding) is exercised. It stands in
//! for a broken or malicious server, not for Zoho: Zoho's behaviour is the emulator's job.
#![allow(dead_code)]

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpListener;
use zohocrm::store::{MemoryStore, TokenStore};
use zohocrm::{Client, Token};

pub const CLIENT_ID: &str = "1000.HOSTILECLIENT";
pub const USER: &str = "ada@zylker.test";

/// What the server does with one request.
#[derive(Clone)]
pub enum Answer {
    /// A whole response with `Content-Length`.
    Full { status: u16, body: Vec<u8> },
    /// `count` chunks of `chunk` with chunked encoding (no length known up front).
    Chunked {
        status: u16,
        chunk: Vec<u8>,
        count: usize,
    },
    /// Read the request, then say nothing for this long.
    Silent(Duration),
    /// Read the request, then close the connection without answering.
    Close,
}

impl Answer {
    pub fn json(status: u16, body: &str) -> Answer {
        Answer::Full {
            status,
            body: body.as_bytes().to_vec(),
        }
    }
}

/// What a request looked like.
#[derive(Clone, Debug)]
pub struct Seen {
    pub method: String,
    pub path: String,
    pub body: String,
}

pub struct Server {
    pub base: String,
    pub hits: Arc<AtomicUsize>,
}

/// Serves `answer(request)` for every request until the test ends.
pub async fn serve<F>(answer: F) -> Server
where
    F: Fn(&Seen) -> Answer + Send + Sync + 'static,
{
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    let hits = Arc::new(AtomicUsize::new(0));
    let answer = Arc::new(answer);
    let counter = hits.clone();
    tokio::spawn(async move {
        loop {
            let Ok((mut sock, _)) = listener.accept().await else {
                return;
            };
            let answer = answer.clone();
            let counter = counter.clone();
            tokio::spawn(async move {
                let Some(seen) = read_request(&mut sock).await else {
                    return;
                };
                counter.fetch_add(1, Ordering::SeqCst);
                match answer(&seen) {
                    Answer::Full { status, body } => {
                        let head = format!(
                            "HTTP/1.1 {status} X\r\ncontent-type: application/json\r\ncontent-length: {}\r\nconnection: close\r\n\r\n",
                            body.len()
                        );
                        let _ = sock.write_all(head.as_bytes()).await;
                        let _ = sock.write_all(&body).await;
                    }
                    Answer::Chunked {
                        status,
                        chunk,
                        count,
                    } => {
                        let head = format!(
                            "HTTP/1.1 {status} X\r\ncontent-type: application/json\r\ntransfer-encoding: chunked\r\nconnection: close\r\n\r\n"
                        );
                        if sock.write_all(head.as_bytes()).await.is_err() {
                            return;
                        }
                        let frame = [
                            format!("{:x}\r\n", chunk.len()).into_bytes(),
                            chunk,
                            b"\r\n".to_vec(),
                        ]
                        .concat();
                        for _ in 0..count {
                            // The client hanging up early is the point of some tests.
                            if sock.write_all(&frame).await.is_err() {
                                return;
                            }
                        }
                        let _ = sock.write_all(b"0\r\n\r\n").await;
                    }
                    Answer::Silent(d) => tokio::time::sleep(d).await,
                    Answer::Close => {}
                }
                let _ = sock.shutdown().await;
            });
        }
    });
    Server { base, hits }
}

async fn read_request(sock: &mut tokio::net::TcpStream) -> Option<Seen> {
    let mut buf = Vec::new();
    let mut tmp = [0u8; 8192];
    let head_end = loop {
        let n = sock.read(&mut tmp).await.ok()?;
        if n == 0 {
            return None;
        }
        buf.extend_from_slice(&tmp[..n]);
        if let Some(i) = buf.windows(4).position(|w| w == b"\r\n\r\n") {
            break i + 4;
        }
    };
    let head = String::from_utf8_lossy(&buf[..head_end]).into_owned();
    let mut lines = head.lines();
    let mut first = lines.next()?.split(' ');
    let method = first.next()?.to_owned();
    let path = first.next()?.to_owned();
    let len = lines
        .filter_map(|l| l.split_once(':'))
        .find(|(k, _)| k.eq_ignore_ascii_case("content-length"))
        .and_then(|(_, v)| v.trim().parse::<usize>().ok())
        .unwrap_or(0);
    while buf.len() < head_end + len {
        let n = sock.read(&mut tmp).await.ok()?;
        if n == 0 {
            break;
        }
        buf.extend_from_slice(&tmp[..n]);
    }
    let body = String::from_utf8_lossy(&buf[head_end..]).into_owned();
    Some(Seen { method, path, body })
}

/// A client for `server` (API and accounts) whose user already has a fresh access token, so
/// API calls go straight to the server.
pub async fn client(server: &Server) -> Client {
    client_with(server, |b| b).await
}

/// As [`client`], with more builder settings.
pub async fn client_with(
    server: &Server,
    f: impl FnOnce(zohocrm::ClientBuilder) -> zohocrm::ClientBuilder,
) -> Client {
    let store = Arc::new(MemoryStore::new());
    let mut token = Token::for_user(CLIENT_ID, USER, server.base.as_str());
    token.access_token = Some("1000.access".into());
    token.refresh_token = Some("1000.refresh".into());
    token.expiry_time = Some(i64::MAX / 2);
    store.save_token(&token).await.unwrap();
    let b = Client::builder()
        .client_id(CLIENT_ID)
        .client_secret("hostile-secret")
        .redirect_uri("http://localhost/cb")
        .accounts_url(&server.base)
        .api_base_url(&server.base)
        .token_store_arc(store)
        .current_user_email(USER)
        .max_retries(0);
    f(b).build().unwrap()
}

/// The error's message with its whole source chain, and its `Debug`.
pub fn shown(e: &zohocrm::Error) -> String {
    format!("{} || {e:?}", zohocrm::error::DisplayErrorChain(e))
}
