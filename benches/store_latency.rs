//! Latency of `save_token` + `find_token` per store: 200 iterations each (after 20 warm-up
//! rounds), p50 and p95 in microseconds. Needs the local services of the conformance suite.
//!
//! `cargo bench -p zohocrm --features sqlite,mysql,postgres,redis --bench store_latency`

use std::sync::Arc;
use std::time::Instant;
use zohocrm::store::{
    FileStore, MemoryStore, MySqlStore, PostgresStore, RedisStore, SqliteStore, TokenStore,
};
use zohocrm::{Secret, Token};

const ITERATIONS: usize = 200;
const WARMUP: usize = 20;

fn env(var: &str, default: &str) -> String {
    std::env::var(var).unwrap_or_else(|_| default.to_owned())
}

fn percentile(sorted: &[u128], p: f64) -> u128 {
    let idx = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[idx.min(sorted.len() - 1)]
}

async fn measure(name: &str, store: Arc<dyn TokenStore>) {
    let mut samples = Vec::with_capacity(ITERATIONS);
    for i in 0..WARMUP + ITERATIONS {
        let mut t = Token::for_user(
            "1000.BENCH",
            "bench@example.com",
            "https://www.zohoapis.com",
        );
        t.access_token = Some(Secret::new(format!("1000.access.{i}")));
        t.refresh_token = Some(Secret::new("1000.refresh"));
        t.expiry_time = Some(1_718_000_000_000 + i as i64);
        let query = Token::for_user(
            "1000.BENCH",
            "bench@example.com",
            "https://www.zohoapis.com",
        );
        let start = Instant::now();
        store.save_token(&t).await.expect("save");
        let found = store.find_token(&query).await.expect("find");
        let elapsed = start.elapsed().as_nanos();
        assert!(found.is_some());
        if i >= WARMUP {
            samples.push(elapsed);
        }
    }
    samples.sort_unstable();
    println!(
        "{name:<10} save+find  p50 {:>9.1} µs   p95 {:>9.1} µs   (n = {ITERATIONS})",
        percentile(&samples, 0.50) as f64 / 1000.0,
        percentile(&samples, 0.95) as f64 / 1000.0
    );
}

fn unique() -> String {
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.subsec_nanos())
        .unwrap_or(0);
    format!("zbench_{}_{nanos}", std::process::id())
}

fn main() {
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("tokio runtime");
    rt.block_on(async {
        let name = unique();
        let dir = std::env::temp_dir().join(&name);
        std::fs::create_dir_all(&dir).expect("temp dir");

        measure("memory", Arc::new(MemoryStore::new())).await;
        measure("file", Arc::new(FileStore::new(dir.join("tokens.json")))).await;

        let sqlite_url = format!("sqlite://{}", dir.join("tokens.db").display());
        let sqlite = SqliteStore::connect_with_table(&sqlite_url, &name)
            .await
            .expect("sqlite");
        measure("sqlite", Arc::new(sqlite)).await;

        let mysql_url = env("ZOHOCRM_TEST_MYSQL_URL", "mysql://root@127.0.0.1:3306/test");
        let mysql = MySqlStore::connect_with_table(&mysql_url, &name)
            .await
            .unwrap_or_else(|e| panic!("MariaDB/MySQL at {mysql_url} is unreachable: {e}"));
        let mysql_pool = mysql.pool().clone();
        measure("mysql", Arc::new(mysql)).await;
        sqlx::query(&format!("DROP TABLE IF EXISTS `{name}`"))
            .execute(&mysql_pool)
            .await
            .expect("drop the bench table");

        let pg_url = env(
            "ZOHOCRM_TEST_POSTGRES_URL",
            "postgres://postgres@127.0.0.1:5432/test",
        );
        let pg = PostgresStore::connect_with_table(&pg_url, &name)
            .await
            .unwrap_or_else(|e| panic!("PostgreSQL at {pg_url} is unreachable: {e}"));
        let pg_pool = pg.pool().clone();
        measure("postgres", Arc::new(pg)).await;
        sqlx::query(&format!("DROP TABLE IF EXISTS \"{name}\""))
            .execute(&pg_pool)
            .await
            .expect("drop the bench table");

        let redis_url = env("ZOHOCRM_TEST_REDIS_URL", "redis://127.0.0.1:6379");
        let redis = RedisStore::connect_with_prefix(&redis_url, &format!("{name}:"))
            .await
            .unwrap_or_else(|e| panic!("Redis at {redis_url} is unreachable: {e}"));
        measure("redis", Arc::new(redis.clone())).await;
        redis.delete_tokens().await.expect("clean the bench keys");
        let client = redis::Client::open(redis_url).expect("redis url");
        let mut conn = client
            .get_multiplexed_async_connection()
            .await
            .expect("redis");
        let _: i64 = redis::cmd("DEL")
            .arg(format!("{name}:seq"))
            .query_async(&mut conn)
            .await
            .expect("delete the bench counter");

        let _ = std::fs::remove_dir_all(&dir);
    });
}
