//! What a store's errors say (issue 14): a refused port says so at once and names the server; a
//! database's message appears once in a printed chain; a token that cannot be read names the
//! store, the table (key or file) and the row, never its secrets.
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
