//! Many processes, one shared store, one expired token: exactly one refresh reaches the accounts
//! server. The parent starts the emulator and spawns 4 copies of this test binary (running the
//! ignored `worker` test), each with 25 concurrent tasks.

mod common;
mod support;

use common::Kind;
use std::sync::Arc;
use zohocrm::Client;
use zohocrm::store::TokenStore;
use zohocrm_emulator::Emulator;

const PROCESSES: usize = 4;
const TASKS: usize = 25;

fn kind_name(kind: Kind) -> &'static str {
    match kind {
        Kind::Memory => "memory",
        Kind::File => "file",
        #[cfg(feature = "sqlite")]
        Kind::Sqlite => "sqlite",
        #[cfg(feature = "mysql")]
        Kind::MySql => "mysql",
        #[cfg(feature = "postgres")]
        Kind::Postgres => "postgres",
        #[cfg(feature = "redis")]
        Kind::Redis => "redis",
    }
}

/// Opens the store a fixture named `name` uses, as another process would.
async fn open(kind: &str, name: &str) -> Arc<dyn TokenStore> {
    match kind {
        "file" => Arc::new(zohocrm::store::FileStore::new(
            common::temp_dir(name).join("tokens.json"),
        )),
        #[cfg(feature = "sqlite")]
        "sqlite" => {
            let url = format!(
                "sqlite://{}",
                common::temp_dir(name).join("tokens.db").display()
            );
            Arc::new(
                zohocrm::store::SqliteStore::connect_with_table(&url, name)
                    .await
                    .unwrap(),
            )
        }
        #[cfg(feature = "mysql")]
        "mysql" => {
            let url = common::url("ZOHOCRM_TEST_MYSQL_URL", common::MYSQL_URL);
            Arc::new(
                zohocrm::store::MySqlStore::connect_with_table(&url, name)
                    .await
                    .unwrap(),
            )
        }
        #[cfg(feature = "postgres")]
        "postgres" => {
            let url = common::url("ZOHOCRM_TEST_POSTGRES_URL", common::POSTGRES_URL);
            Arc::new(
                zohocrm::store::PostgresStore::connect_with_table(&url, name)
                    .await
                    .unwrap(),
            )
        }
        #[cfg(feature = "redis")]
        "redis" => {
            let url = common::url("ZOHOCRM_TEST_REDIS_URL", common::REDIS_URL);
            Arc::new(
                zohocrm::store::RedisStore::connect_with_prefix(&url, name)
                    .await
                    .unwrap(),
            )
        }
        other => panic!("no shared store kind {other}"),
    }
}

fn client(base: &str, store: Arc<dyn TokenStore>) -> Client {
    Client::builder()
        .client_id(zohocrm_emulator::DEFAULT_CLIENT_ID)
        .client_secret(zohocrm_emulator::DEFAULT_CLIENT_SECRET)
        .redirect_uri(zohocrm_emulator::DEFAULT_REDIRECT_URI)
        .accounts_url(base)
        .api_base_url(base)
        .token_store_arc(store)
        .current_user_email(support::ADMIN)
        .build()
        .unwrap()
}

/// The child side: 25 concurrent calls through the shared store.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
#[ignore = "run by one_refresh_across_processes in child processes"]
async fn worker() {
    let (Ok(kind), Ok(name), Ok(base)) = (
        std::env::var("ZOHOCRM_WORKER_KIND"),
        std::env::var("ZOHOCRM_WORKER_NAME"),
        std::env::var("ZOHOCRM_WORKER_URL"),
    ) else {
        panic!("the worker runs only as a child of one_refresh_across_processes");
    };
    let c = client(&base, open(&kind, &name).await);
    let tasks: Vec<_> = (0..TASKS)
        .map(|_| {
            let c = c.clone();
            tokio::spawn(async move { c.get_organization_details().send().await })
        })
        .collect();
    for t in tasks {
        t.await.unwrap().unwrap();
    }
}

async fn one_refresh(kind: Kind) {
    common::run(kind, |fx| async move {
        let emu = Emulator::start().await.unwrap();
        let base = emu.base_url();
        let parent = client(&base, fx.store.clone());
        parent
            .generate_access_token(&emu.grant_code(support::ADMIN))
            .await
            .unwrap();
        // As if the access token had expired an hour ago.
        let mut t = fx.store.get_tokens().await.unwrap().remove(0);
        t.expiry_time = Some(0);
        fx.store.save_token(&t).await.unwrap();

        let exe = std::env::current_exe().unwrap();
        let children: Vec<_> = (0..PROCESSES)
            .map(|_| {
                std::process::Command::new(&exe)
                    .args([
                        "worker",
                        "--exact",
                        "--ignored",
                        "--nocapture",
                        "--test-threads=1",
                    ])
                    .env("ZOHOCRM_WORKER_KIND", kind_name(kind))
                    .env("ZOHOCRM_WORKER_NAME", &fx.name)
                    .env("ZOHOCRM_WORKER_URL", &base)
                    .stdout(std::process::Stdio::piped())
                    .stderr(std::process::Stdio::piped())
                    .spawn()
                    .unwrap()
            })
            .collect();
        let outputs = tokio::task::spawn_blocking(move || {
            children
                .into_iter()
                .map(|c| c.wait_with_output().unwrap())
                .collect::<Vec<_>>()
        })
        .await
        .unwrap();
        for out in &outputs {
            assert!(
                out.status.success(),
                "a worker failed:\n{}\n{}",
                String::from_utf8_lossy(&out.stdout),
                String::from_utf8_lossy(&out.stderr)
            );
        }
        assert_eq!(
            emu.refresh_count(),
            1,
            "{PROCESSES} processes x {TASKS} tasks on a {} store",
            kind_name(kind)
        );
        let after = fx.store.get_tokens().await.unwrap();
        assert_eq!(after.len(), 1, "still one row");
        assert!(
            after[0].expiry_time.unwrap() > 0,
            "the refreshed token was saved"
        );
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn one_refresh_across_processes_file() {
    one_refresh(Kind::File).await;
}

#[cfg(feature = "sqlite")]
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn one_refresh_across_processes_sqlite() {
    one_refresh(Kind::Sqlite).await;
}

#[cfg(feature = "mysql")]
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn one_refresh_across_processes_mysql() {
    one_refresh(Kind::MySql).await;
}

#[cfg(feature = "postgres")]
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn one_refresh_across_processes_postgres() {
    one_refresh(Kind::Postgres).await;
}

#[cfg(feature = "redis")]
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn one_refresh_across_processes_redis() {
    one_refresh(Kind::Redis).await;
}

/// The child side of the crash tests: takes the refresh lock for the admin's token, says so on
/// stdout, and holds it until it is killed.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "run by a_killed_lock_holder_* in child processes"]
async fn lock_holder() {
    let (Ok(kind), Ok(name), Ok(base)) = (
        std::env::var("ZOHOCRM_WORKER_KIND"),
        std::env::var("ZOHOCRM_WORKER_NAME"),
        std::env::var("ZOHOCRM_WORKER_URL"),
    ) else {
        panic!("the lock holder runs only as a child of a_killed_lock_holder_*");
    };
    let store = open(&kind, &name).await;
    let key = zohocrm::Token::for_user(zohocrm_emulator::DEFAULT_CLIENT_ID, support::ADMIN, &base);
    let _lock = store.lock_refresh(&key).await.unwrap();
    println!("LOCKED");
    use std::io::Write;
    std::io::stdout().flush().unwrap();
    tokio::time::sleep(std::time::Duration::from_secs(600)).await;
}

/// A process holding the refresh lock is killed with SIGKILL mid-refresh: the survivors, on
/// default settings, get the lock once it expires and every call succeeds, with one refresh.
async fn killed_lock_holder(kind: Kind) {
    common::run(kind, |fx| async move {
        let emu = Emulator::start().await.unwrap();
        let base = emu.base_url();
        let parent = client(&base, fx.store.clone());
        parent
            .generate_access_token(&emu.grant_code(support::ADMIN))
            .await
            .unwrap();
        let mut t = fx.store.get_tokens().await.unwrap().remove(0);
        t.expiry_time = Some(0);
        fx.store.save_token(&t).await.unwrap();

        let mut holder = std::process::Command::new(std::env::current_exe().unwrap())
            .args([
                "lock_holder",
                "--exact",
                "--ignored",
                "--nocapture",
                "--test-threads=1",
            ])
            .env("ZOHOCRM_WORKER_KIND", kind_name(kind))
            .env("ZOHOCRM_WORKER_NAME", &fx.name)
            .env("ZOHOCRM_WORKER_URL", &base)
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::null())
            .spawn()
            .unwrap();
        let stdout = holder.stdout.take().unwrap();
        let holder = tokio::task::spawn_blocking(move || {
            use std::io::BufRead;
            let locked = std::io::BufReader::new(stdout)
                .lines()
                .map_while(Result::ok)
                .any(|l| l.trim_end().ends_with("LOCKED"));
            assert!(locked, "the holder never took the lock");
            // SIGKILL: no destructor, no release, no renewal from now on.
            holder.kill().unwrap();
            holder.wait().unwrap();
        });
        holder.await.unwrap();

        let started = std::time::Instant::now();
        let survivor = client(&base, fx.store.clone());
        let calls: Vec<_> = (0..5)
            .map(|_| {
                let c = survivor.clone();
                tokio::spawn(async move { c.get_organization_details().send().await })
            })
            .collect();
        for call in calls {
            call.await
                .unwrap()
                .expect("no call fails after the holder died");
        }
        let waited = started.elapsed();
        assert_eq!(emu.refresh_count(), 1);
        // The lock's TTL (5 s) bounds the wait, far below the waiters' 30 s timeout.
        assert!(
            waited < zohocrm::store::DEFAULT_LOCK_TTL * 3,
            "{} store: recovered after {waited:?}",
            kind_name(kind)
        );
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_killed_lock_holder_blocks_a_file_store_only_while_it_lives() {
    killed_lock_holder(Kind::File).await;
}

#[cfg(feature = "sqlite")]
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_killed_lock_holder_blocks_a_sqlite_store_only_until_its_ttl() {
    killed_lock_holder(Kind::Sqlite).await;
}

#[cfg(feature = "redis")]
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_killed_lock_holder_blocks_a_redis_store_only_until_its_ttl() {
    killed_lock_holder(Kind::Redis).await;
}
