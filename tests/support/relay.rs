//! A TCP relay that counts what crosses the wire; used by tests and the wire-bytes bench.
#![allow(dead_code)]

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

/// A TCP relay in front of the emulator that counts connections and the bytes the server sent:
/// what actually crossed the wire, after any compression.
pub struct Relay {
    /// `http://127.0.0.1:PORT`, to use as the API base URL.
    pub addr: String,
    /// Connections accepted so far.
    pub connections: Arc<AtomicU64>,
    bytes_down: Arc<AtomicU64>,
}

impl Relay {
    /// Listens on a free loopback port and relays each connection to `target`.
    pub async fn start(target: std::net::SocketAddr) -> Relay {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = format!("http://{}", listener.local_addr().unwrap());
        let connections = Arc::new(AtomicU64::new(0));
        let bytes_down = Arc::new(AtomicU64::new(0));
        let (conns, down) = (connections.clone(), bytes_down.clone());
        tokio::spawn(async move {
            while let Ok((mut client, _)) = listener.accept().await {
                conns.fetch_add(1, Ordering::SeqCst);
                let down = down.clone();
                tokio::spawn(async move {
                    let Ok(mut server) = tokio::net::TcpStream::connect(target).await else {
                        return;
                    };
                    let (mut cr, mut cw) = client.split();
                    let (mut sr, mut sw) = server.split();
                    let up = tokio::io::copy(&mut cr, &mut sw);
                    let back = async {
                        let mut buf = [0u8; 16 * 1024];
                        loop {
                            use tokio::io::{AsyncReadExt, AsyncWriteExt};
                            let n = match sr.read(&mut buf).await {
                                Ok(0) | Err(_) => break,
                                Ok(n) => n,
                            };
                            down.fetch_add(n as u64, Ordering::SeqCst);
                            if cw.write_all(&buf[..n]).await.is_err() {
                                break;
                            }
                        }
                        let _ = tokio::io::AsyncWriteExt::shutdown(&mut cw).await;
                    };
                    let _ = tokio::join!(up, back);
                });
            }
        });
        Relay {
            addr,
            connections,
            bytes_down,
        }
    }

    /// Bytes the server sent so far.
    pub fn bytes_down(&self) -> u64 {
        self.bytes_down.load(Ordering::SeqCst)
    }
}
