//! What a store's errors say (issue 14): a refused port says so at once and names the server, at
//! connect time and when the server goes away later (while a merely busy pool is still waited
//! on); a database's message appears once in a printed chain; a token that cannot be read names
//! the store, the table (key or file) and the row, never its secrets.
//!
//! Against real services on 127.0.0.1 (see `common`), never skipped; every table, key prefix and
//! file is unique to the test and removed at the end.

mod common;

use common::{Fixture, Kind, unique_name};
use std::time::{Duration, Instant};
use zohocrm::Report;
use zohocrm::Token;
use zohocrm::error::Error;
use zohocrm::store::TokenStore;

const CLIENT: &str = "1000.CLIENT";
const COM: &str = "https://www.zohoapis.com";

/// The chain as `main` would print it.
fn printed(e: zohocrm::error::StoreError) -> String {
    format!("{}", Report::from(Error::from(e)))
}

/// A port nothing listens on: bound by the OS, then released.
fn free_port() -> u16 {
    let l = std::net::TcpListener::bind("127.0.0.1:0").expect("bind a free port");
    l.local_addr().unwrap().port()
}

/// Runs `f` on a fresh fixture and cleans up even if it panics.
async fn with_fixture<F, Fut>(kind: Kind, f: F)
where
    F: FnOnce(std::sync::Arc<Fixture>) -> Fut,
    Fut: std::future::Future<Output = ()> + Send + 'static,
{
    let fx = std::sync::Arc::new(Fixture::new(kind).await);
    let result = tokio::spawn(f(std::sync::Arc::clone(&fx))).await;
    fx.cleanup().await;
    if let Err(p) = result {
        std::panic::resume_unwind(p.into_panic());
    }
}

/// sqlx's pool retries a refused connection for its whole acquire timeout (30 s) and then says
/// only "pool timed out".
#[cfg(all(feature = "mysql", feature = "postgres"))]
#[tokio::test]
async fn a_refused_port_fails_at_once_naming_the_server() {
    use zohocrm::store::{MySqlStore, PostgresStore};
    let port = free_port();
    let table = unique_name();
    let started = Instant::now();
    let mysql = MySqlStore::connect_with_table(
        &format!("mysql://root:hunter2-SECRET@127.0.0.1:{port}/test"),
        &table,
    )
    .await
    .expect_err("nothing listens there");
    let postgres = PostgresStore::connect_with_table(
        &format!("postgres://postgres:hunter2-SECRET@127.0.0.1:{port}/test"),
        &table,
    )
    .await
    .expect_err("nothing listens there");
    assert!(
        started.elapsed() < Duration::from_secs(5),
        "took {:?}",
        started.elapsed()
    );
    for (store, e) in [("mysql", printed(mysql)), ("postgres", printed(postgres))] {
        assert_eq!(
            e,
            format!(
                "{store} token store: connect failed: table `{table}`: 127.0.0.1:{port}: connection refused: nothing listens there; is the server running, and on this port?"
            )
        );
    }
}

/// A statement on a table dropped behind the store's back: the database's message, once.
#[cfg(all(feature = "mysql", feature = "postgres", feature = "sqlite"))]
#[tokio::test]
async fn a_database_error_appears_once_in_the_printed_chain() {
    for (kind, says) in [
        (Kind::MySql, "doesn't exist"),
        (Kind::Postgres, "does not exist"),
        (Kind::Sqlite, "no such table"),
    ] {
        with_fixture(kind, move |fx| async move {
            drop_table(&fx).await;
            let e = printed(fx.store.get_tokens().await.expect_err("no table"));
            assert_eq!(e.matches(says).count(), 1, "{e}");
            let table = format!("table `{}`: ", fx.name);
            assert_eq!(e.matches(&table).count(), 1, "{e}");
            assert!(e.contains("token store: list tokens failed: "), "{e}");
        })
        .await;
    }
}

#[cfg(all(feature = "mysql", feature = "postgres", feature = "sqlite"))]
async fn drop_table(fx: &Fixture) {
    let sql = format!("DROP TABLE \"{}\"", fx.name);
    match fx.kind {
        Kind::MySql => {
            let pool = mysql_pool().await;
            sqlx::query(&sql.replace('"', "`"))
                .execute(&pool)
                .await
                .unwrap();
        }
        Kind::Postgres => {
            let pool = postgres_pool().await;
            sqlx::query(&sql).execute(&pool).await.unwrap();
        }
        _ => {
            let pool = sqlite_pool(fx).await;
            sqlx::query(&sql).execute(&pool).await.unwrap();
        }
    }
}

#[cfg(feature = "mysql")]
async fn mysql_pool() -> sqlx::MySqlPool {
    let url = common::url("ZOHOCRM_TEST_MYSQL_URL", common::MYSQL_URL);
    sqlx::MySqlPool::connect(&url).await.expect("MariaDB")
}

#[cfg(feature = "postgres")]
async fn postgres_pool() -> sqlx::PgPool {
    let url = common::url("ZOHOCRM_TEST_POSTGRES_URL", common::POSTGRES_URL);
    sqlx::PgPool::connect(&url).await.expect("PostgreSQL")
}

/// The fixture's SQLite file (see `common::Fixture::new`).
#[cfg(feature = "sqlite")]
async fn sqlite_pool(fx: &Fixture) -> sqlx::SqlitePool {
    let path = common::temp_dir(&fx.name).join("tokens.db");
    sqlx::SqlitePool::connect(&format!("sqlite://{}", path.display()))
        .await
        .expect("the fixture's SQLite file")
}

/// Reads every way a caller can: each must fail with `expected` in its printed chain and no
/// secret.
async fn assert_unreadable(store: &dyn TokenStore, expected: &str) {
    let query = Token::for_user(CLIENT, "ada@x.com", COM);
    let errors = [
        store.get_tokens().await.map(|_| ()),
        store.find_token(&query).await.map(|_| ()),
    ];
    for res in errors {
        let e = printed(res.expect_err("the row is unreadable"));
        assert!(e.contains(expected), "expected {expected:?} in {e}");
        assert!(!e.contains("SECRET"), "a secret leaked: {e}");
    }
}

/// Inserts a row of the official table with the given expiry (as SQL text).
fn insert_sql(table: &str, id: &str, user: &str, expiry: &str) -> String {
    format!(
        "INSERT INTO {table} (id, user_name, client_id, access_token, refresh_token, expiry_time, api_domain) \
         VALUES ('{id}', '{user}', '{CLIENT}', 'SECRET-at', 'SECRET-rt', {expiry}, '{COM}')"
    )
}

/// A server store's unreadable rows: an expiry that is not a number, then an `expiry_time`
/// column altered to a date type (`alter` on the quoted table; `ty` as the driver names it).
#[cfg(all(feature = "mysql", feature = "postgres"))]
async fn unreadable_server_rows(kind: Kind, alter: &'static str, ty: &'static str) {
    with_fixture(kind, move |fx| async move {
        let (quoted, url) = match kind {
            Kind::MySql => (
                format!("`{}`", fx.name),
                common::url("ZOHOCRM_TEST_MYSQL_URL", common::MYSQL_URL),
            ),
            _ => (
                format!("\"{}\"", fx.name),
                common::url("ZOHOCRM_TEST_POSTGRES_URL", common::POSTGRES_URL),
            ),
        };
        let run = |sql: String| async move {
            match kind {
                Kind::MySql => drop(sqlx::query(&sql).execute(&mysql_pool().await).await.unwrap()),
                _ => drop(sqlx::query(&sql).execute(&postgres_pool().await).await.unwrap()),
            }
        };
        run(insert_sql(&quoted, "7", "ada@x.com", "'SECRET-soon'")).await;
        assert_unreadable(
            &*fx.store,
            "row id `7` (user `ada@x.com`) cannot be read as a token: column `expiry_time` is not epoch milliseconds (11 characters of other text); fix or delete it",
        )
        .await;
        let all = printed(fx.store.get_tokens().await.unwrap_err());
        let store = if kind == Kind::MySql { "mysql" } else { "postgres" };
        let head = format!("{store} token store: list tokens failed: table `{}`: ", fx.name);
        assert!(all.starts_with(&head), "{all}");
        run(format!("DELETE FROM {quoted}")).await;
        run(alter.replace("{t}", &quoted)).await;
        run(insert_sql(&quoted, "8", "ada@x.com", "'2026-01-02 03:04:05'")).await;
        // A new store: the fixture's pooled connections cached plans for the old column type.
        let reopened: Box<dyn TokenStore> = match kind {
            Kind::MySql => Box::new(
                zohocrm::store::MySqlStore::connect_with_table(&url, &fx.name)
                    .await
                    .unwrap(),
            ),
            _ => Box::new(
                zohocrm::store::PostgresStore::connect_with_table(&url, &fx.name)
                    .await
                    .unwrap(),
            ),
        };
        let says = format!(
            "row id `8` (user `ada@x.com`) cannot be read as a token: column `expiry_time` is of type {ty}, not text or an integer"
        );
        assert_unreadable(&*reopened, &says).await;
    })
    .await;
}

#[cfg(all(feature = "mysql", feature = "postgres"))]
#[tokio::test]
async fn an_unreadable_mysql_row_names_itself() {
    unreadable_server_rows(
        Kind::MySql,
        "ALTER TABLE {t} MODIFY expiry_time DATETIME",
        "DATETIME",
    )
    .await;
}

#[cfg(all(feature = "mysql", feature = "postgres"))]
#[tokio::test]
async fn an_unreadable_postgres_row_names_itself() {
    unreadable_server_rows(
        Kind::Postgres,
        "ALTER TABLE {t} ALTER COLUMN expiry_time TYPE timestamptz USING NULL",
        "TIMESTAMPTZ",
    )
    .await;
}

#[cfg(feature = "sqlite")]
#[tokio::test]
async fn an_unreadable_sqlite_row_names_itself() {
    with_fixture(Kind::Sqlite, |fx| async move {
        let pool = sqlite_pool(&fx).await;
        let t = format!("\"{}\"", fx.name);
        let run = |sql: String| {
            let pool = pool.clone();
            async move { sqlx::query(&sql).execute(&pool).await.unwrap() }
        };
        run(insert_sql(&t, "7", "ada@x.com", "'SECRET-soon'")).await;
        assert_unreadable(
            &*fx.store,
            "row id `7` (user `ada@x.com`) cannot be read as a token: column `expiry_time` is not epoch milliseconds (11 characters of other text); fix or delete it",
        )
        .await;
        let all = printed(fx.store.get_tokens().await.unwrap_err());
        let table = format!("sqlite token store: list tokens failed: table `{}`: ", fx.name);
        assert!(all.starts_with(&table), "{all}");
        // SQLite keeps any value in any column: a blob that is not UTF-8 where text belongs.
        run(format!("DELETE FROM {t}")).await;
        run(format!(
            "INSERT INTO {t} (id, user_name, client_id, access_token) VALUES ('9', 'ada@x.com', '{CLIENT}', X'FF00FF')"
        ))
        .await;
        assert_unreadable(
            &*fx.store,
            "row id `9` (user `ada@x.com`) cannot be read as a token: column `access_token` holds bytes that are not UTF-8 text",
        )
        .await;
        pool.close().await;
    })
    .await;
}

#[cfg(feature = "redis")]
#[tokio::test]
async fn an_unreadable_redis_token_names_its_key() {
    with_fixture(Kind::Redis, |fx| async move {
        let url = common::url("ZOHOCRM_TEST_REDIS_URL", common::REDIS_URL);
        let client = redis::Client::open(url).unwrap();
        let mut conn = client.get_multiplexed_async_connection().await.unwrap();
        let prefix = fx.name.clone();
        let cases: [(&str, &[&str], String); 3] = [
            (
                "SET",
                &["{\"user_name\": \"ada@x.com\", \"access_token\": \"SECRET-trunc"],
                "cannot be read as a token: it is not a JSON object".to_owned(),
            ),
            (
                "SET",
                &["{\"user_name\": \"ada@x.com\", \"client_id\": \"1000.CLIENT\", \"access_token\": \"SECRET-at\", \"expiry_time\": \"SECRET-soon\"}"],
                "(user `ada@x.com`) cannot be read as a token: field `expiry_time` is a string, not the type a token has there; fix or delete it".to_owned(),
            ),
            (
                "HSET",
                &["access_token", "SECRET-at"],
                "cannot be read as a token: WRONGTYPE Operation against a key holding the wrong kind of value; fix or delete it".to_owned(),
            ),
        ];
        for (n, (cmd, args, says)) in cases.into_iter().enumerate() {
            let key = format!("{prefix}token:{n}");
            let _: () = redis::cmd(cmd)
                .arg(&key)
                .arg(args)
                .query_async(&mut conn)
                .await
                .unwrap();
            let _: () = redis::cmd("SADD")
                .arg(format!("{prefix}ids"))
                .arg(n)
                .query_async(&mut conn)
                .await
                .unwrap();
            assert_unreadable(&*fx.store, &format!("key `{key}`")).await;
            assert_unreadable(&*fx.store, &says).await;
            let by_id = printed(fx.store.find_token_by_id(&n.to_string()).await.unwrap_err());
            assert!(by_id.contains(&format!("key `{key}`")), "{by_id}");
            assert!(!by_id.contains("SECRET"), "{by_id}");
            let _: () = redis::cmd("DEL").arg(&key).query_async(&mut conn).await.unwrap();
        }
    })
    .await;
}

#[tokio::test]
async fn an_unreadable_file_entry_names_itself() {
    with_fixture(Kind::File, |fx| async move {
        let path = common::temp_dir(&fx.name).join("tokens.json");
        let json = r#"[{"id": "1", "user_name": "bob@x.com"},
            {"id": "2", "user_name": "ada@x.com", "access_token": "SECRET-at", "expiry_time": "SECRET-soon"}]"#;
        std::fs::write(&path, json).unwrap();
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o600)).unwrap();
        }
        assert_unreadable(
            &*fx.store,
            &format!(
                "token file {} is corrupt (entry 2 (id `2`) (user `ada@x.com`) cannot be read as a token: field `expiry_time` is a string, not the type a token has there); it was not modified: fix or remove it",
                path.display()
            ),
        )
        .await;
    })
    .await;
}

/// A TCP relay on 127.0.0.1 to a real server, which can go away as a server does: the shared
/// MariaDB and PostgreSQL cannot be stopped by a test, this can.
#[cfg(any(feature = "mysql", feature = "postgres"))]
struct Relay {
    addr: std::net::SocketAddr,
    stop: tokio::sync::watch::Sender<bool>,
    /// When set, new connections are accepted and then never answered (a frozen server).
    silent: std::sync::Arc<std::sync::atomic::AtomicBool>,
    task: tokio::task::JoinHandle<()>,
    /// Connections (accepted, ended by either side).
    counts: tokio::sync::watch::Receiver<(usize, usize)>,
}

#[cfg(any(feature = "mysql", feature = "postgres"))]
impl Relay {
    async fn start(upstream: String) -> Relay {
        use tokio::net::{TcpListener, TcpStream};
        let listener = TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind the relay");
        let addr = listener.local_addr().unwrap();
        let (stop, mut stopped) = tokio::sync::watch::channel(false);
        let (counted, counts) = tokio::sync::watch::channel((0, 0));
        let counted = std::sync::Arc::new(counted);
        let silent = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
        let frozen = std::sync::Arc::clone(&silent);
        let task = tokio::spawn(async move {
            let mut relayed = tokio::task::JoinSet::new();
            let mut held = Vec::new();
            loop {
                tokio::select! {
                    _ = stopped.wait_for(|s| *s) => break,
                    accepted = listener.accept() => {
                        let Ok((mut client, _)) = accepted else { continue };
                        if frozen.load(std::sync::atomic::Ordering::SeqCst) {
                            held.push(client);
                            continue;
                        }
                        counted.send_modify(|c| c.0 += 1);
                        let upstream = upstream.clone();
                        let counted = std::sync::Arc::clone(&counted);
                        relayed.spawn(async move {
                            if let Ok(mut server) = TcpStream::connect(&upstream).await {
                                let _ = tokio::io::copy_bidirectional(&mut client, &mut server).await;
                            }
                            counted.send_modify(|c| c.1 += 1);
                        });
                    }
                }
            }
            // The port refuses from here on, and every relayed connection is cut.
            drop(listener);
            relayed.shutdown().await;
        });
        Relay {
            addr,
            stop,
            silent,
            task,
            counts,
        }
    }

    /// From now on, accepts connections and never answers them.
    fn go_silent(&self) {
        self.silent.store(true, std::sync::atomic::Ordering::SeqCst);
    }

    /// Stops accepting and drops every relayed connection; returns once both are done.
    async fn shut_down(self) {
        self.stop.send_replace(true);
        self.task.await.expect("the relay task");
    }
}

/// The test URL of `kind`'s server, and that server's `host:port` (for a relay to forward to).
#[cfg(any(feature = "mysql", feature = "postgres"))]
fn server_urls(kind: Kind) -> (String, String) {
    let (url, default_port) = match kind {
        #[cfg(feature = "mysql")]
        Kind::MySql => (
            common::url("ZOHOCRM_TEST_MYSQL_URL", common::MYSQL_URL),
            3306,
        ),
        #[cfg(feature = "postgres")]
        Kind::Postgres => (
            common::url("ZOHOCRM_TEST_POSTGRES_URL", common::POSTGRES_URL),
            5432,
        ),
        other => unreachable!("{other:?} is not a server store"),
    };
    let parsed = reqwest::Url::parse(&url).expect("the test URL");
    let upstream = format!(
        "{}:{}",
        parsed.host_str().expect("the test URL's host"),
        parsed.port().unwrap_or(default_port)
    );
    (url, upstream)
}

/// `url` with the relay's address in place of the server's.
#[cfg(any(feature = "mysql", feature = "postgres"))]
fn through(url: &str, relay: std::net::SocketAddr) -> String {
    let mut u = reqwest::Url::parse(url).expect("the test URL");
    u.set_host(Some(&relay.ip().to_string())).unwrap();
    u.set_port(Some(relay.port())).unwrap();
    u.to_string()
}

/// Runs `body` with a fresh table name on `kind`'s server and drops the table afterwards, even if
/// `body` panics.
#[cfg(any(feature = "mysql", feature = "postgres"))]
async fn with_table<F, Fut>(kind: Kind, body: F)
where
    F: FnOnce(String) -> Fut,
    Fut: std::future::Future<Output = ()> + Send + 'static,
{
    let table = unique_name();
    let result = tokio::spawn(body(table.clone())).await;
    match kind {
        #[cfg(feature = "mysql")]
        Kind::MySql => {
            sqlx::query(&format!("DROP TABLE IF EXISTS `{table}`"))
                .execute(&mysql_pool().await)
                .await
                .expect("drop the test table");
        }
        #[cfg(feature = "postgres")]
        Kind::Postgres => {
            sqlx::query(&format!("DROP TABLE IF EXISTS \"{table}\""))
                .execute(&postgres_pool().await)
                .await
                .expect("drop the test table");
        }
        other => unreachable!("{other:?} is not a server store"),
    }
    if let Err(p) = result {
        std::panic::resume_unwind(p.into_panic());
    }
}

/// A token for `ada@x.com` with an access token.
#[cfg(any(feature = "mysql", feature = "postgres"))]
fn ada() -> Token {
    let mut t = Token::for_user(CLIENT, "ada@x.com", COM);
    t.access_token = Some("1000.SECRET-at".into());
    t
}

/// The database goes away after the store connected. sqlx's pool takes a
/// refused connection for a server starting up and retries it until its acquire timeout (30 s),
/// then says "pool timed out", as it would for a pool that is merely busy; the store must say
/// "connection refused" and where, at once.
#[cfg(any(feature = "mysql", feature = "postgres"))]
async fn server_gone_after_connecting(kind: Kind, store_label: &'static str) {
    with_table(kind, move |table| async move {
        let (url, upstream) = server_urls(kind);
        let relay = Relay::start(upstream).await;
        let port = relay.addr.port();
        let relay_url = through(&url, relay.addr);
        // PostgreSQL's `trust` ignores a password: one in the URL must never reach an error.
        #[cfg(feature = "postgres")]
        let relay_url = match reqwest::Url::parse(&relay_url) {
            Ok(mut u) if kind == Kind::Postgres && u.password().is_none() => {
                u.set_password(Some("hunter2-SECRET")).unwrap();
                u.to_string()
            }
            _ => relay_url,
        };
        let store = connect_server_store(kind, &relay_url, &table).await;
        let id = store.save_token(&ada()).await.expect("save through the relay");
        let found = store.find_token(&ada()).await.expect("load through the relay");
        assert_eq!(found.and_then(|t| t.id), Some(id.clone()));

        relay.shut_down().await;

        let says = |action: &str| {
            format!(
                "{store_label} token store: {action} failed: table `{table}`: 127.0.0.1:{port}: connection refused: nothing listens there; is the server running, and on this port?"
            )
        };
        let calls = [
            ("find a token", store.find_token(&ada()).await.map(|_| ())),
            ("save a token", store.save_token(&ada()).await.map(|_| ())),
            ("list tokens", store.get_tokens().await.map(|_| ())),
            ("delete a token", store.delete_token(&id).await),
            ("take the refresh lock", store.lock_refresh(&ada()).await.map(|_| ())),
        ];
        for (action, res) in calls {
            let e = printed(res.expect_err("the server is gone"));
            assert_eq!(e, says(action));
            assert!(!e.contains("timed out"), "{e}");
            assert!(!e.contains("SECRET") && !e.contains(&relay_url), "{e}");
        }
    })
    .await;
}

#[cfg(any(feature = "mysql", feature = "postgres"))]
async fn connect_server_store(
    kind: Kind,
    url: &str,
    table: &str,
) -> std::sync::Arc<dyn TokenStore> {
    match kind {
        #[cfg(feature = "mysql")]
        Kind::MySql => std::sync::Arc::new(
            zohocrm::store::MySqlStore::connect_with_table(url, table)
                .await
                .expect("connect through the relay"),
        ),
        #[cfg(feature = "postgres")]
        Kind::Postgres => std::sync::Arc::new(
            zohocrm::store::PostgresStore::connect_with_table(url, table)
                .await
                .expect("connect through the relay"),
        ),
        other => unreachable!("{other:?} is not a server store"),
    }
}

/// A server that accepts connections but never answers (frozen, or behind a black-holing
/// firewall): the refresh lock's own connection gives up after the store's connect timeout and
/// names the server, instead of waiting without end.
#[cfg(any(feature = "mysql", feature = "postgres"))]
async fn silent_server_fails_the_refresh_lock(kind: Kind, store_label: &'static str) {
    with_table(kind, move |table| async move {
        let (url, upstream) = server_urls(kind);
        let relay = Relay::start(upstream).await;
        let port = relay.addr.port();
        let store = connect_server_store(kind, &through(&url, relay.addr), &table).await;
        store.save_token(&ada()).await.expect("save through the relay");
        relay.go_silent();
        let e = printed(
            store
                .lock_refresh(&ada())
                .await
                .map(|_| ())
                .expect_err("the server never answers"),
        );
        assert_eq!(
            e,
            format!(
                "{store_label} token store: take the refresh lock failed: table `{table}`: 127.0.0.1:{port}: no answer within 10s"
            )
        );
        relay.shut_down().await;
    })
    .await;
}

#[cfg(feature = "mysql")]
#[tokio::test]
async fn a_silent_mysql_server_fails_the_refresh_lock_naming_it() {
    silent_server_fails_the_refresh_lock(Kind::MySql, "mysql").await;
}

#[cfg(feature = "postgres")]
#[tokio::test]
async fn a_silent_postgres_server_fails_the_refresh_lock_naming_it() {
    silent_server_fails_the_refresh_lock(Kind::Postgres, "postgres").await;
}

#[cfg(feature = "mysql")]
#[tokio::test]
async fn a_mysql_server_gone_after_connecting_is_named_not_timed_out() {
    server_gone_after_connecting(Kind::MySql, "mysql").await;
}

#[cfg(feature = "postgres")]
#[tokio::test]
async fn a_postgres_server_gone_after_connecting_is_named_not_timed_out() {
    server_gone_after_connecting(Kind::Postgres, "postgres").await;
}

/// A store on a one-connection pool (through a relay, so the store's own check of the server can
/// be seen), and that pool, to hold its connection.
#[cfg(any(feature = "mysql", feature = "postgres"))]
struct OneConnection {
    store: std::sync::Arc<dyn TokenStore>,
    pool: ServerPool,
}

#[cfg(any(feature = "mysql", feature = "postgres"))]
enum ServerPool {
    #[cfg(feature = "mysql")]
    MySql(sqlx::MySqlPool),
    #[cfg(feature = "postgres")]
    Postgres(sqlx::PgPool),
}

#[cfg(any(feature = "mysql", feature = "postgres"))]
impl OneConnection {
    /// Takes the pool's only connection; it is given back when the result is dropped.
    async fn hold(&self) -> Box<dyn Send> {
        let why = "take the pool's one connection";
        match &self.pool {
            #[cfg(feature = "mysql")]
            ServerPool::MySql(p) => Box::new(p.acquire().await.expect(why)),
            #[cfg(feature = "postgres")]
            ServerPool::Postgres(p) => Box::new(p.acquire().await.expect(why)),
        }
    }
}

/// `acquire` is the pool's acquire timeout: the total a call may wait for a connection.
#[cfg(any(feature = "mysql", feature = "postgres"))]
async fn one_connection(kind: Kind, url: &str, table: &str, acquire: Duration) -> OneConnection {
    macro_rules! build {
        ($Options:ty, $Store:ty, $Variant:ident) => {{
            let pool = <$Options>::new()
                .max_connections(1)
                .acquire_timeout(acquire)
                .connect(url)
                .await
                .expect("a one-connection pool through the relay");
            let store = <$Store>::from_pool(pool.clone(), table)
                .await
                .expect("the store on it");
            OneConnection {
                store: std::sync::Arc::new(store),
                pool: ServerPool::$Variant(pool),
            }
        }};
    }
    match kind {
        #[cfg(feature = "mysql")]
        Kind::MySql => build!(
            sqlx::mysql::MySqlPoolOptions,
            zohocrm::store::MySqlStore,
            MySql
        ),
        #[cfg(feature = "postgres")]
        Kind::Postgres => build!(
            sqlx::postgres::PgPoolOptions,
            zohocrm::store::PostgresStore,
            Postgres
        ),
        other => unreachable!("{other:?} is not a server store"),
    }
}

/// A pool whose connections are all in use while the server is up: the store's check of the
/// server finds it answering, so the call waits for a connection instead of failing, and gets
/// one when it is given back; held for the whole acquire timeout, the call fails with the
/// pool's timeout, not a refusal.
#[cfg(any(feature = "mysql", feature = "postgres"))]
async fn busy_pool_waits(kind: Kind) {
    with_table(kind, move |table| async move {
        let (url, upstream) = server_urls(kind);
        let relay = Relay::start(upstream).await;
        let relay_url = through(&url, relay.addr);
        let mut counts = relay.counts.clone();

        // The default acquire timeout (30 s), far above the store's wait before it checks.
        let one = one_connection(kind, &relay_url, &table, Duration::from_secs(30)).await;
        one.store
            .save_token(&ada())
            .await
            .expect("save through the relay");
        let held = one.hold().await;
        let (accepted, ended) = *counts.borrow_and_update();
        let store = std::sync::Arc::clone(&one.store);
        let mut call = tokio::spawn(async move { store.find_token(&ada()).await });
        // The store's check is one connection that comes and goes while the call waits.
        tokio::select! {
            seen = counts.wait_for(|&(a, e)| a > accepted && e > ended) => {
                seen.expect("the relay's counts");
            }
            done = &mut call => panic!(
                "the call ended while the pool's only connection was held: {:?}",
                done.map(|r| r.map_err(printed))
            ),
        }
        assert!(
            !call.is_finished(),
            "the call ended after the check found the server up: {:?}",
            call.await.map(|r| r.map_err(printed))
        );
        drop(held);
        let found = call
            .await
            .unwrap()
            .map_err(printed)
            .expect("the call gets the connection once it is given back");
        assert!(found.is_some());

        // The configured total still bounds the wait, and its error is the pool's, not a refusal.
        let short = one_connection(kind, &relay_url, &table, Duration::from_secs(2)).await;
        let held = short.hold().await;
        let e = printed(
            short
                .store
                .get_tokens()
                .await
                .expect_err("the only connection is held throughout"),
        );
        drop(held);
        assert!(e.contains("pool timed out"), "{e}");
        assert!(!e.contains("refused"), "{e}");
        relay.shut_down().await;
    })
    .await;
}

#[cfg(feature = "mysql")]
#[tokio::test]
async fn a_busy_mysql_pool_is_waited_on_not_failed() {
    busy_pool_waits(Kind::MySql).await;
}

#[cfg(feature = "postgres")]
#[tokio::test]
async fn a_busy_postgres_pool_is_waited_on_not_failed() {
    busy_pool_waits(Kind::Postgres).await;
}
