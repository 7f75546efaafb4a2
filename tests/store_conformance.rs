//! One conformance suite run against every token store: Memory, File, SQLite, MariaDB/MySQL,
//! PostgreSQL and Redis (the last four behind their features). Each test gets its own table,
//! key prefix or file and removes it afterwards; an unreachable service fails the test.

mod common;

use common::{Fixture, Kind, chain, run};
use std::collections::HashSet;
use std::sync::Arc;
use std::time::{Duration, Instant};
use zohocrm::store::TokenStore;
use zohocrm::{Secret, Token};

const CLIENT: &str = "1000.CLIENTID";
const COM: &str = "https://www.zohoapis.com";
const EU: &str = "https://www.zohoapis.eu";

/// A token as the client saves it after a token exchange.
fn full(user: &str, domain: &str, access: &str) -> Token {
    let mut t = Token::for_user(CLIENT, user, domain);
    t.access_token = Some(Secret::new(access));
    t.refresh_token = Some(Secret::new(format!("rt-{user}")));
    t.grant_token = Some(Secret::new(format!("gt-{user}")));
    t.expiry_time = Some(1_718_000_000_123);
    t.redirect_url = Some("https://app.example.com/oauth/callback".to_owned());
    t
}

fn with_id(t: &Token, id: &str) -> Token {
    let mut t = t.clone();
    t.id = Some(id.to_owned());
    t
}

fn access(t: &Option<Token>) -> Option<&str> {
    t.as_ref()?.access_token.as_ref().map(|s| s.expose())
}

mod cases {
    use super::*;

    pub async fn find_by_each_key(fx: Arc<Fixture>) {
        let s = &fx.store;
        let t = full("alice@example.com", COM, "at-1");
        let id = s.save_token(&t).await.expect("save");
        assert!(!id.is_empty());
        let expected = Some(with_id(&t, &id));

        let by_user = Token::for_user(CLIENT, "alice@example.com", COM);
        assert_eq!(s.find_token(&by_user).await.unwrap(), expected, "by user");

        let mut by_access = Token::default();
        by_access.access_token = Some("at-1".into());
        assert_eq!(
            s.find_token(&by_access).await.unwrap(),
            expected,
            "by access token"
        );

        let mut by_grant = Token::default();
        by_grant.client_id = Some(CLIENT.into());
        by_grant.grant_token = Some("gt-alice@example.com".into());
        assert_eq!(
            s.find_token(&by_grant).await.unwrap(),
            expected,
            "by grant token"
        );

        let mut by_refresh = Token::default();
        by_refresh.client_id = Some(CLIENT.into());
        by_refresh.refresh_token = Some("rt-alice@example.com".into());
        assert_eq!(
            s.find_token(&by_refresh).await.unwrap(),
            expected,
            "by refresh token"
        );

        assert_eq!(s.find_token_by_id(&id).await.unwrap(), expected, "by id");

        // Misses.
        let other_client = Token::for_user("1000.OTHER", "alice@example.com", COM);
        assert_eq!(
            s.find_token(&other_client).await.unwrap(),
            None,
            "other client"
        );
        let other_domain = Token::for_user(CLIENT, "alice@example.com", EU);
        assert_eq!(
            s.find_token(&other_domain).await.unwrap(),
            None,
            "other domain"
        );
        let other_user = Token::for_user(CLIENT, "ALICE@example.com", COM);
        assert_eq!(
            s.find_token(&other_user).await.unwrap(),
            None,
            "case differs"
        );
        let padded = Token::for_user(CLIENT, "alice@example.com ", COM);
        assert_eq!(s.find_token(&padded).await.unwrap(), None, "trailing space");
        assert_eq!(
            s.find_token(&Token::default()).await.unwrap(),
            None,
            "empty query"
        );
        let mut wrong_refresh = by_refresh.clone();
        wrong_refresh.refresh_token = Some("rt-nobody".into());
        assert_eq!(
            s.find_token(&wrong_refresh).await.unwrap(),
            None,
            "wrong refresh"
        );
        assert_eq!(
            s.find_token_by_id("424242").await.unwrap(),
            None,
            "unknown id"
        );

        // The other instance sees the same data.
        assert_eq!(
            fx.second.find_token(&by_user).await.unwrap(),
            expected,
            "second instance"
        );
    }

    pub async fn upsert_keeps_one_row_and_id(fx: Arc<Fixture>) {
        let s = &fx.store;
        let first = full("alice@example.com", COM, "at-1");
        let id = s.save_token(&first).await.unwrap();
        let mut next = full("alice@example.com", COM, "at-2");
        next.expiry_time = Some(1_718_000_999_000);
        next.grant_token = None;
        let id2 = fx.second.save_token(&next).await.unwrap();
        assert_eq!(id, id2, "an update keeps the id");
        let all = s.get_tokens().await.unwrap();
        assert_eq!(all.len(), 1, "one row per user: {all:?}");
        assert_eq!(all[0], with_id(&next, &id), "the row holds the new values");
        // Saving again by access token (no user name) updates the same row too.
        let mut by_access = Token::default();
        by_access.access_token = Some("at-2".into());
        by_access.expiry_time = Some(1_718_001_000_000);
        by_access.user_name = None;
        let found = s
            .find_token(&by_access)
            .await
            .unwrap()
            .expect("found by access");
        assert_eq!(found.id.as_deref(), Some(id.as_str()));
        assert_eq!(s.get_tokens().await.unwrap().len(), 1);
    }

    pub async fn delete_token_removes_only_that_row(fx: Arc<Fixture>) {
        let s = &fx.store;
        let a = s
            .save_token(&full("alice@example.com", COM, "at-a"))
            .await
            .unwrap();
        let b = s
            .save_token(&full("bob@example.com", COM, "at-b"))
            .await
            .unwrap();
        assert_ne!(a, b);
        s.delete_token(&a).await.unwrap();
        assert_eq!(s.find_token_by_id(&a).await.unwrap(), None);
        let alice = Token::for_user(CLIENT, "alice@example.com", COM);
        assert_eq!(s.find_token(&alice).await.unwrap(), None);
        let bob = Token::for_user(CLIENT, "bob@example.com", COM);
        assert_eq!(access(&s.find_token(&bob).await.unwrap()), Some("at-b"));
        // Deleting something that does not exist is not an error.
        s.delete_token(&a).await.unwrap();
        s.delete_token("no-such-id").await.unwrap();
        assert_eq!(s.get_tokens().await.unwrap().len(), 1);
    }

    pub async fn get_and_delete_tokens(fx: Arc<Fixture>) {
        let s = &fx.store;
        assert!(s.get_tokens().await.unwrap().is_empty(), "starts empty");
        let users = ["a@x.com", "b@x.com", "c@x.com"];
        let mut ids = HashSet::new();
        for u in users {
            ids.insert(
                s.save_token(&full(u, COM, &format!("at-{u}")))
                    .await
                    .unwrap(),
            );
        }
        assert_eq!(ids.len(), 3, "distinct ids");
        let all = s.get_tokens().await.unwrap();
        assert_eq!(all.len(), 3);
        let got: HashSet<_> = all.iter().filter_map(|t| t.user_name.clone()).collect();
        assert_eq!(got, users.iter().map(|u| u.to_string()).collect());
        let got_ids: HashSet<_> = all.iter().filter_map(|t| t.id.clone()).collect();
        assert_eq!(got_ids, ids);
        s.delete_tokens().await.unwrap();
        assert!(
            s.get_tokens().await.unwrap().is_empty(),
            "empty after delete_tokens"
        );
        assert!(fx.second.get_tokens().await.unwrap().is_empty());
        // Still usable.
        let id = s.save_token(&full("d@x.com", COM, "at-d")).await.unwrap();
        assert!(s.find_token_by_id(&id).await.unwrap().is_some());
    }

    pub async fn users_and_domains_stay_separate(fx: Arc<Fixture>) {
        let s = &fx.store;
        let a_com = s
            .save_token(&full("alice@example.com", COM, "at-com"))
            .await
            .unwrap();
        let b_com = s
            .save_token(&full("bob@example.com", COM, "at-bob"))
            .await
            .unwrap();
        let a_eu = s
            .save_token(&full("alice@example.com", EU, "at-eu"))
            .await
            .unwrap();
        let mut other = full("alice@example.com", COM, "at-other-client");
        other.client_id = Some("1000.OTHER".into());
        let a_other = s.save_token(&other).await.unwrap();
        let ids: HashSet<_> = [&a_com, &b_com, &a_eu, &a_other].into_iter().collect();
        assert_eq!(ids.len(), 4, "four rows");
        assert_eq!(s.get_tokens().await.unwrap().len(), 4);
        let find = |c: &str, u: &str, d: &str| Token::for_user(c, u, d);
        assert_eq!(
            access(
                &s.find_token(&find(CLIENT, "alice@example.com", COM))
                    .await
                    .unwrap()
            ),
            Some("at-com")
        );
        assert_eq!(
            access(
                &s.find_token(&find(CLIENT, "alice@example.com", EU))
                    .await
                    .unwrap()
            ),
            Some("at-eu")
        );
        assert_eq!(
            access(
                &s.find_token(&find(CLIENT, "bob@example.com", COM))
                    .await
                    .unwrap()
            ),
            Some("at-bob")
        );
        assert_eq!(
            access(
                &s.find_token(&find("1000.OTHER", "alice@example.com", COM))
                    .await
                    .unwrap()
            ),
            Some("at-other-client")
        );
        assert_eq!(
            s.find_token(&find(CLIENT, "bob@example.com", EU))
                .await
                .unwrap(),
            None
        );
        // Updating one leaves the others alone.
        s.save_token(&full("alice@example.com", EU, "at-eu-2"))
            .await
            .unwrap();
        assert_eq!(
            access(
                &s.find_token(&find(CLIENT, "alice@example.com", COM))
                    .await
                    .unwrap()
            ),
            Some("at-com")
        );
        assert_eq!(s.get_tokens().await.unwrap().len(), 4);
    }

    /// Saves run by 20 tasks released together by a barrier (half through the second
    /// instance), over several rounds, each round a new user.
    async fn race<F>(fx: &Fixture, token_for: F) -> Vec<Vec<String>>
    where
        F: Fn(usize, usize) -> Token,
    {
        const TASKS: usize = 20;
        let mut rounds = Vec::new();
        for round in 0..5 {
            let barrier = Arc::new(tokio::sync::Barrier::new(TASKS));
            let mut tasks = Vec::new();
            for i in 0..TASKS {
                let store = if i % 2 == 0 {
                    Arc::clone(&fx.store)
                } else {
                    Arc::clone(&fx.second)
                };
                let barrier = Arc::clone(&barrier);
                let token = token_for(round, i);
                tasks.push(tokio::spawn(async move {
                    barrier.wait().await;
                    store.save_token(&token).await.map_err(|e| chain(&e))
                }));
            }
            let mut ids = Vec::new();
            for t in tasks {
                ids.push(t.await.expect("task").expect("save"));
            }
            rounds.push(ids);
        }
        rounds
    }

    pub async fn concurrent_saves_one_row(fx: Arc<Fixture>) {
        let rounds = race(&fx, |round, i| {
            full(
                &format!("alice{round}@example.com"),
                COM,
                &format!("at-{round}-{i}"),
            )
        })
        .await;
        for (round, ids) in rounds.iter().enumerate() {
            let distinct: HashSet<_> = ids.iter().collect();
            assert_eq!(
                distinct.len(),
                1,
                "round {round}: every save returned the same id: {distinct:?}"
            );
        }
        let all = fx.store.get_tokens().await.unwrap();
        assert_eq!(all.len(), 5, "exactly one row per user: {all:?}");
        for round in 0..5 {
            let q = Token::for_user(CLIENT, format!("alice{round}@example.com"), COM);
            let found = fx.store.find_token(&q).await.unwrap();
            let at = access(&found).unwrap_or_default().to_owned();
            assert!(
                (0..20).any(|i| at == format!("at-{round}-{i}")),
                "one of the saved values"
            );
        }
    }

    pub async fn concurrent_saves_lose_nothing(fx: Arc<Fixture>) {
        let rounds = race(&fx, |round, i| {
            full(
                &format!("user{round}-{i}@example.com"),
                COM,
                &format!("at-{round}-{i}"),
            )
        })
        .await;
        let ids: HashSet<_> = rounds.iter().flatten().collect();
        assert_eq!(ids.len(), 100, "distinct ids");
        let all = fx.store.get_tokens().await.unwrap();
        assert_eq!(all.len(), 100, "no save was lost");
        for round in 0..5 {
            for i in 0..20 {
                let q = Token::for_user(CLIENT, format!("user{round}-{i}@example.com"), COM);
                let at = format!("at-{round}-{i}");
                assert_eq!(
                    access(&fx.store.find_token(&q).await.unwrap()),
                    Some(at.as_str())
                );
            }
        }
    }

    pub async fn injection_round_trips(fx: Arc<Fixture>) {
        let s = &fx.store;
        let nasty = vec![
            format!("zoë'; DROP TABLE {}; --@例え.jp", fx.name),
            "o'brien@example.com".to_owned(),
            "a\"b@example.com".to_owned(),
            "semi;colon@example.com".to_owned(),
            "--".to_owned(),
            "back\\slash@example.com".to_owned(),
            "\\'".to_owned(),
            "%".to_owned(),
            "_".to_owned(),
            "a%b_c@example.com".to_owned(),
            "' OR '1'='1".to_owned(),
            "x'); DELETE FROM oauthtoken; --".to_owned(),
            "emoji 🦀 tab\tnewline\n@例え.jp".to_owned(),
        ];
        let mut ids = Vec::new();
        for (i, name) in nasty.iter().enumerate() {
            let mut t = Token::for_user(CLIENT, name.clone(), COM);
            t.access_token = Some(Secret::new(format!("at{i}-{name}")));
            t.refresh_token = Some(Secret::new(format!("rt{i}-'\";--\\%_{name}")));
            t.redirect_url = Some(format!("https://x/?q={name}"));
            ids.push(s.save_token(&t).await.expect("save a nasty token"));
        }
        assert_eq!(ids.iter().collect::<HashSet<_>>().len(), nasty.len());
        let all = s.get_tokens().await.expect("the table still exists");
        assert_eq!(all.len(), nasty.len(), "nothing added or lost");
        for (i, name) in nasty.iter().enumerate() {
            let q = Token::for_user(CLIENT, name.clone(), COM);
            let found = s
                .find_token(&q)
                .await
                .unwrap()
                .expect("found by nasty user name");
            assert_eq!(found.id.as_deref(), Some(ids[i].as_str()), "{name:?}");
            assert_eq!(found.user_name.as_deref(), Some(name.as_str()));
            assert_eq!(
                access(&Some(found.clone())),
                Some(format!("at{i}-{name}").as_str())
            );
            assert_eq!(
                found.refresh_token.as_ref().map(|s| s.expose().to_owned()),
                Some(format!("rt{i}-'\";--\\%_{name}"))
            );
            assert_eq!(found.redirect_url, Some(format!("https://x/?q={name}")));
            let mut by_access = Token::default();
            by_access.access_token = Some(Secret::new(format!("at{i}-{name}")));
            let found2 = s
                .find_token(&by_access)
                .await
                .unwrap()
                .expect("found by access");
            assert_eq!(found2.user_name.as_deref(), Some(name.as_str()));
            let by_id = s.find_token_by_id(&ids[i]).await.unwrap().expect("by id");
            assert_eq!(by_id.user_name.as_deref(), Some(name.as_str()));
        }
        // Wildcards are literal.
        let none = Token::for_user(CLIENT, "%@example.com", COM);
        assert_eq!(s.find_token(&none).await.unwrap(), None);
        // Updates by nasty names stay on their row.
        let mut t = Token::for_user(CLIENT, nasty[0].clone(), COM);
        t.access_token = Some("updated".into());
        assert_eq!(s.save_token(&t).await.unwrap(), ids[0]);
        assert_eq!(
            s.get_tokens().await.unwrap().len(),
            nasty.len(),
            "the table is intact"
        );
        // A nasty id is just an id.
        assert_eq!(s.find_token_by_id("1' OR '1'='1").await.unwrap(), None);
        s.delete_token("1' OR '1'='1").await.unwrap();
        assert_eq!(s.get_tokens().await.unwrap().len(), nasty.len());
    }

    pub async fn client_secret_only_when_given(fx: Arc<Fixture>) {
        let s = &fx.store;
        let t = full("alice@example.com", COM, "at-1");
        let id = s.save_token(&t).await.unwrap();
        let q = Token::for_user(CLIENT, "alice@example.com", COM);
        let found = s.find_token(&q).await.unwrap().unwrap();
        assert_eq!(found.client_secret, None, "not written unless given");
        let mut with_secret = t.clone();
        with_secret.client_secret = Some("cs-1".into());
        assert_eq!(s.save_token(&with_secret).await.unwrap(), id);
        let found = s.find_token(&q).await.unwrap().unwrap();
        assert_eq!(
            found.client_secret.as_ref().map(|s| s.expose()),
            Some("cs-1")
        );
        // A save without one leaves the stored secret alone (shared tables keep working).
        let mut later = t.clone();
        later.access_token = Some("at-2".into());
        assert_eq!(s.save_token(&later).await.unwrap(), id);
        let found = s.find_token(&q).await.unwrap().unwrap();
        assert_eq!(
            found.client_secret.as_ref().map(|s| s.expose()),
            Some("cs-1")
        );
        assert_eq!(access(&Some(found)), Some("at-2"));
    }

    pub async fn expiry_round_trips(fx: Arc<Fixture>) {
        let s = &fx.store;
        let mut t = Token::for_user(CLIENT, "e@x.com", COM);
        t.access_token = Some("at".into());
        t.expiry_time = Some(9_999_999_999_999);
        let id = s.save_token(&t).await.unwrap();
        assert_eq!(
            s.find_token_by_id(&id).await.unwrap().unwrap().expiry_time,
            t.expiry_time
        );
        t.expiry_time = None;
        s.save_token(&t).await.unwrap();
        assert_eq!(
            s.find_token_by_id(&id).await.unwrap().unwrap().expiry_time,
            None
        );
    }

    /// The token response's api_domain is stored with the token, and cleared when a save has
    /// none (a save replaces the row's values, as for every other field).
    pub async fn issued_api_domain_round_trips(fx: Arc<Fixture>) {
        let s = &fx.store;
        let mut t = full("dc@x.com", COM, "at-dc");
        t.issued_api_domain = Some(EU.to_owned());
        let id = s.save_token(&t).await.unwrap();
        let found = s
            .find_token(&Token::for_user(CLIENT, "dc@x.com", COM))
            .await
            .unwrap()
            .unwrap();
        assert_eq!(found.issued_api_domain.as_deref(), Some(EU));
        assert_eq!(
            found.api_domain.as_deref(),
            Some(COM),
            "the key is unchanged"
        );
        let by_id = fx.second.find_token_by_id(&id).await.unwrap().unwrap();
        assert_eq!(by_id.issued_api_domain.as_deref(), Some(EU));
        t.issued_api_domain = None;
        s.save_token(&t).await.unwrap();
        assert_eq!(
            s.find_token_by_id(&id)
                .await
                .unwrap()
                .unwrap()
                .issued_api_domain,
            None
        );
    }

    pub async fn refresh_lock_is_exclusive(fx: Arc<Fixture>) {
        let alice = Token::for_user(CLIENT, "alice@example.com", COM);
        let first = fx.store.lock_refresh(&alice).await.expect("first lock");
        let acquired_first = Instant::now();

        // Another holder of the same key waits...
        let second_store = Arc::clone(&fx.second);
        let key = alice.clone();
        let waiter = tokio::spawn(async move {
            let lock = second_store
                .lock_refresh(&key)
                .await
                .map_err(|e| chain(&e))?;
            let acquired = Instant::now();
            lock.release().await.map_err(|e| chain(&e))?;
            Ok::<_, String>(acquired)
        });

        // ...while other keys (another user, another domain) are independent.
        for key in [
            Token::for_user(CLIENT, "bob@example.com", COM),
            Token::for_user(CLIENT, "alice@example.com", EU),
        ] {
            let t0 = Instant::now();
            let other = tokio::time::timeout(Duration::from_secs(10), fx.second.lock_refresh(&key))
                .await
                .expect("another key's lock is not blocked")
                .expect("another key's lock");
            assert!(t0.elapsed() < Duration::from_secs(5));
            other.release().await.unwrap();
        }

        // Hold the lock a while, then release; the waiter must get it only afterwards.
        tokio::time::sleep(Duration::from_millis(300)).await;
        let released_first = Instant::now();
        first.release().await.expect("release");
        let acquired_second = tokio::time::timeout(Duration::from_secs(20), waiter)
            .await
            .expect("the waiter gets the lock after the release")
            .expect("task")
            .expect("second lock");
        assert!(
            acquired_second >= released_first,
            "second holder got the lock {:?} before the first released it",
            released_first - acquired_second
        );
        assert!(acquired_second > acquired_first);
        // And it can be taken again.
        fx.store
            .lock_refresh(&alice)
            .await
            .unwrap()
            .release()
            .await
            .unwrap();
    }
}

/// Generates one `#[tokio::test]` per case for a store.
macro_rules! suite {
    ($module:ident, $kind:expr, [$($case:ident),* $(,)?]) => {
        mod $module {
            use super::*;
            $(
                #[tokio::test(flavor = "multi_thread", worker_threads = 4)]
                async fn $case() {
                    run($kind, cases::$case).await;
                }
            )*
        }
    };
}

/// The cases every store passes.
macro_rules! full_suite {
    ($module:ident, $kind:expr) => {
        suite!(
            $module,
            $kind,
            [
                find_by_each_key,
                upsert_keeps_one_row_and_id,
                delete_token_removes_only_that_row,
                get_and_delete_tokens,
                users_and_domains_stay_separate,
                concurrent_saves_one_row,
                concurrent_saves_lose_nothing,
                injection_round_trips,
                expiry_round_trips,
                issued_api_domain_round_trips,
                client_secret_only_when_given,
                refresh_lock_is_exclusive,
            ]
        );
    };
}

full_suite!(memory, Kind::Memory);
full_suite!(file, Kind::File);
#[cfg(feature = "sqlite")]
full_suite!(sqlite, Kind::Sqlite);
#[cfg(feature = "mysql")]
full_suite!(mysql, Kind::MySql);
#[cfg(feature = "postgres")]
full_suite!(postgres, Kind::Postgres);
#[cfg(feature = "redis")]
full_suite!(redis, Kind::Redis);

/// File store specifics.
mod file_store {
    use super::*;
    use zohocrm::error::StoreError;
    use zohocrm::store::FileStore;

    fn setup() -> (std::path::PathBuf, std::path::PathBuf, FileStore) {
        let dir = common::temp_dir(&common::unique_name());
        let path = dir.join("tokens.json");
        let store = FileStore::new(&path);
        (dir, path, store)
    }

    fn write_private(path: &std::path::Path, bytes: &[u8]) {
        std::fs::write(path, bytes).unwrap();
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o600)).unwrap();
        }
    }

    /// A file written before `issued_api_domain` existed loads (the field reads `None`), and
    /// the next save writes it without losing the other rows.
    #[tokio::test]
    async fn a_file_without_issued_api_domain_loads_and_migrates() {
        let (dir, path, store) = setup();
        write_private(
            &path,
            br#"[{"id":"1","user_name":"old@x.com","client_id":"1000.CLIENTID","access_token":"at-old","api_domain":"https://www.zohoapis.com"},
                {"id":"2","user_name":"other@x.com","client_id":"1000.CLIENTID","api_domain":"https://www.zohoapis.com"}]"#,
        );
        let old = store
            .find_token(&Token::for_user(CLIENT, "old@x.com", COM))
            .await
            .unwrap()
            .expect("the old row loads");
        assert_eq!(old.issued_api_domain, None);
        let mut newer = old;
        newer.issued_api_domain = Some(EU.to_owned());
        assert_eq!(store.save_token(&newer).await.unwrap(), "1");
        let all = store.get_tokens().await.unwrap();
        assert_eq!(all.len(), 2, "no row lost");
        assert_eq!(all[0].issued_api_domain.as_deref(), Some(EU));
        std::fs::remove_dir_all(dir).unwrap();
    }

    #[tokio::test]
    async fn corrupt_file_is_reported_and_never_overwritten() {
        let (dir, path, store) = setup();
        let cases: [&[u8]; 5] = [
            b"[{\"user_name\": \"a@x.com\", \"access_token\": \"SECRET-truncated",
            b"",
            b"not json SECRET-garbage",
            b"{\"access_token\": \"SECRET-object\"}",
            b"[{\"user_name\": \"a@x.com\", \"expiry_time\": \"SECRET-wrong-type\"}]",
        ];
        for bytes in cases {
            write_private(&path, bytes);
            let save = store.save_token(&full("a@x.com", COM, "at-new")).await;
            let err = save.expect_err("save over a corrupt file must fail");
            match &err {
                StoreError::Corrupt { path: p, detail } => {
                    assert_eq!(p, &path);
                    assert!(!detail.contains("SECRET"), "{detail}");
                }
                other => panic!("expected Corrupt, got {other:?}"),
            }
            let shown = format!("{err} / {err:?} / {}", chain(&err));
            assert!(
                shown.contains(&path.display().to_string()),
                "names the path: {shown}"
            );
            assert!(
                !shown.contains("SECRET"),
                "never shows the content: {shown}"
            );
            assert_eq!(
                std::fs::read(&path).unwrap(),
                bytes,
                "file untouched after save"
            );
            for res in [
                store.delete_tokens().await.map(|_| ()),
                store.delete_token("1").await,
                store.get_tokens().await.map(|_| ()),
                store
                    .find_token(&Token::for_user(CLIENT, "a@x.com", COM))
                    .await
                    .map(|_| ()),
            ] {
                assert!(matches!(res, Err(StoreError::Corrupt { .. })), "{res:?}");
            }
            assert_eq!(
                std::fs::read(&path).unwrap(),
                bytes,
                "file untouched after all calls"
            );
        }
        std::fs::remove_dir_all(dir).unwrap();
    }

    #[tokio::test]
    async fn missing_file_is_empty_and_files_are_private() {
        let (dir, path, store) = setup();
        assert!(store.get_tokens().await.unwrap().is_empty());
        assert_eq!(
            store
                .find_token(&Token::for_user(CLIENT, "a", COM))
                .await
                .unwrap(),
            None
        );
        store
            .save_token(&full("a@x.com", COM, "SECRET-access"))
            .await
            .unwrap();
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            for p in [path.clone(), dir.join("tokens.json.lock")] {
                let mode = std::fs::metadata(&p).unwrap().permissions().mode() & 0o777;
                assert_eq!(mode, 0o600, "{} has mode {mode:o}", p.display());
            }
            // No temporary file is left behind.
            let names: Vec<_> = std::fs::read_dir(&dir)
                .unwrap()
                .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
                .collect();
            assert!(names.iter().all(|n| !n.contains(".tmp-")), "{names:?}");

            // A token file others can read is refused until fixed.
            std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o644)).unwrap();
            let err = store
                .get_tokens()
                .await
                .expect_err("world-readable file refused");
            let shown = chain(&err);
            assert!(shown.contains("chmod 600"), "{shown}");
            assert!(shown.contains(&path.display().to_string()), "{shown}");
            assert!(!shown.contains("SECRET"), "{shown}");
            std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o600)).unwrap();
        }
        assert_eq!(store.get_tokens().await.unwrap().len(), 1);
        // Debug output of the store and its tokens never shows a token.
        let shown = format!("{store:?} {:?}", store.get_tokens().await.unwrap());
        assert!(!shown.contains("SECRET"), "{shown}");
        std::fs::remove_dir_all(dir).unwrap();
    }

    #[tokio::test]
    async fn dropped_refresh_lock_is_freed() {
        let (dir, _path, store) = setup();
        let key = Token::for_user(CLIENT, "a@x.com", COM);
        let lock = store.lock_refresh(&key).await.unwrap();
        drop(lock);
        let again = tokio::time::timeout(Duration::from_secs(5), store.lock_refresh(&key))
            .await
            .expect("a dropped lock does not block")
            .unwrap();
        again.release().await.unwrap();
        std::fs::remove_dir_all(dir).unwrap();
    }

    #[tokio::test]
    async fn lock_timeout_is_reported() {
        let (dir, path, store) = setup();
        let key = Token::for_user(CLIENT, "a@x.com", COM);
        let held = store.lock_refresh(&key).await.unwrap();
        let impatient = FileStore::new(&path).with_lock_timeout(Duration::from_millis(100));
        let err = impatient.lock_refresh(&key).await.expect_err("times out");
        assert!(chain(&err).contains("timed out"), "{}", chain(&err));
        held.release().await.unwrap();
        std::fs::remove_dir_all(dir).unwrap();
    }

    #[tokio::test]
    async fn temporary_files_are_unique_and_stale_ones_are_cleaned() {
        let (dir, path, store) = setup();
        // What a process killed mid-save left behind, including a name a later process with
        // the same pid would have used under the old naming scheme.
        let stale = [
            format!("tokens.json.tmp-{}-0", std::process::id()),
            "tokens.json.tmp-4242-7".to_owned(),
            "tokens.json.tmp-Ab12Cd".to_owned(),
        ];
        for name in &stale {
            write_private(
                &dir.join(name),
                b"[{\"access_token\":\"SECRET-left-behind\"}]",
            );
        }
        for i in 0..3 {
            store
                .save_token(&full("a@x.com", COM, &format!("at-{i}")))
                .await
                .unwrap();
        }
        let names: Vec<_> = std::fs::read_dir(&dir)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        assert!(names.iter().all(|n| !n.contains(".tmp-")), "{names:?}");
        assert_eq!(store.get_tokens().await.unwrap().len(), 1);
        assert!(path.exists());
        std::fs::remove_dir_all(dir).unwrap();
    }

    #[tokio::test]
    async fn a_directory_is_named_as_one() {
        let (dir, _path, _) = setup();
        let store = FileStore::new(&dir);
        let err = store
            .get_tokens()
            .await
            .expect_err("a directory is not a token file");
        let shown = chain(&err);
        assert!(shown.contains("is a directory"), "{shown}");
        assert!(shown.contains(&dir.display().to_string()), "{shown}");
        assert!(!shown.contains("mode"), "{shown}");
        std::fs::remove_dir_all(dir).unwrap();
    }
}

/// SQL store specifics.
#[cfg(any(feature = "sqlite", feature = "mysql", feature = "postgres"))]
mod sql_stores {
    // Which tests exist depends on the features.
    #[allow(unused_imports)]
    use super::*;

    #[cfg(feature = "sqlite")]
    #[tokio::test]
    async fn invalid_table_names_are_refused() {
        use zohocrm::store::SqliteStore;
        for bad in [
            "x; DROP TABLE y",
            "a-b",
            "1abc",
            "",
            "toolong_".repeat(9).as_str(),
            "t`",
            "t\"",
        ] {
            let err = SqliteStore::connect_with_table("sqlite::memory:", bad)
                .await
                .expect_err("refused");
            assert!(
                chain(&err).contains("invalid table name"),
                "{}",
                chain(&err)
            );
        }
        #[cfg(feature = "mysql")]
        {
            let err = zohocrm::store::MySqlStore::connect_with_table(common::MYSQL_URL, "a;b")
                .await
                .expect_err("refused");
            assert!(chain(&err).contains("invalid table name"));
        }
        #[cfg(feature = "postgres")]
        {
            let err =
                zohocrm::store::PostgresStore::connect_with_table(common::POSTGRES_URL, "a b")
                    .await
                    .expect_err("refused");
            assert!(chain(&err).contains("invalid table name"));
        }
    }

    /// `sqlite::memory:` works too, concurrent saves included (one shared in-memory database).
    #[cfg(feature = "sqlite")]
    #[tokio::test(flavor = "multi_thread", worker_threads = 4)]
    async fn sqlite_in_memory_database() {
        use zohocrm::store::SqliteStore;
        let store = Arc::new(SqliteStore::connect("sqlite::memory:").await.unwrap());
        let mut tasks = Vec::new();
        for i in 0..20 {
            let store = Arc::clone(&store);
            tasks.push(tokio::spawn(async move {
                store
                    .save_token(&full(&format!("u{}@x.com", i % 4), COM, &format!("at-{i}")))
                    .await
                    .map_err(|e| chain(&e))
            }));
        }
        for t in tasks {
            t.await.unwrap().expect("save");
        }
        assert_eq!(store.get_tokens().await.unwrap().len(), 4);
        let key = Token::for_user(CLIENT, "u1@x.com", COM);
        store
            .lock_refresh(&key)
            .await
            .unwrap()
            .release()
            .await
            .unwrap();
    }

    #[cfg(feature = "sqlite")]
    #[tokio::test]
    async fn sqlite_reads_rows_of_the_official_custom_store() {
        use zohocrm::store::SqliteStore;
        let name = common::unique_name();
        let dir = common::temp_dir(&name);
        let url = format!("sqlite://{}", dir.join("zohooauth.db").display());
        let store = SqliteStore::connect_with_table(&url, "oauthtoken")
            .await
            .unwrap();
        // As seed 003's CustomStoreSQLite inserts (expiry as text), plus one numeric expiry.
        sqlx::query(
            "insert into oauthtoken (id,user_name,client_id,client_secret,refresh_token,\
             access_token,grant_token,expiry_time,redirect_url,api_domain) values (?,?,?,?,?,?,?,?,?,?)",
        )
        .bind("1")
        .bind("py@example.com")
        .bind(CLIENT)
        .bind("cs")
        .bind("rt-py")
        .bind("at-py")
        .bind(Option::<String>::None)
        .bind("1718000000000")
        .bind("https://cb")
        .bind(COM)
        .execute(store.pool())
        .await
        .unwrap();
        sqlx::query("insert into oauthtoken (id, user_name, client_id, expiry_time) values (2, 'n@x.com', ?, 1718000000001)")
            .bind(CLIENT)
            .execute(store.pool())
            .await
            .unwrap();
        let t = store
            .find_token(&Token::for_user(CLIENT, "py@example.com", COM))
            .await
            .unwrap()
            .expect("row written by the official store");
        assert_eq!(t.id.as_deref(), Some("1"));
        assert_eq!(t.expiry_time, Some(1_718_000_000_000));
        assert_eq!(access(&Some(t)), Some("at-py"));
        let n = store
            .find_token_by_id("2")
            .await
            .unwrap()
            .expect("numeric id and expiry");
        assert_eq!(n.expiry_time, Some(1_718_000_000_001));
        // Our next id follows the official scheme.
        let id = store
            .save_token(&full("new@x.com", COM, "at-new"))
            .await
            .unwrap();
        assert_eq!(id, "3");
        drop(store);
        std::fs::remove_dir_all(dir).unwrap();
    }

    /// A table made before `issued_api_domain` existed (the official SDK's ten columns) gains
    /// the column on open; its rows stay and read with `None`.
    #[cfg(feature = "sqlite")]
    #[tokio::test]
    async fn sqlite_adds_the_issued_api_domain_column_keeping_rows() {
        use zohocrm::store::SqliteStore;
        let name = common::unique_name();
        let dir = common::temp_dir(&name);
        let url = format!("sqlite://{}?mode=rwc", dir.join("old.db").display());
        let pool = sqlx::sqlite::SqlitePoolOptions::new()
            .connect(&url)
            .await
            .unwrap();
        sqlx::query(
            "CREATE TABLE oauthtoken (id varchar(10) NOT NULL, user_name varchar(255), \
             client_id varchar(255), client_secret varchar(255), refresh_token varchar(255), \
             access_token varchar(255), grant_token varchar(255), expiry_time varchar(20), \
             redirect_url varchar(255), api_domain varchar(255), primary key (id))",
        )
        .execute(&pool)
        .await
        .unwrap();
        sqlx::query("insert into oauthtoken (id, user_name, client_id, access_token, api_domain) values ('1', 'old@x.com', ?, 'at-old', ?)")
            .bind(CLIENT)
            .bind(COM)
            .execute(&pool)
            .await
            .unwrap();
        let store = SqliteStore::from_pool(pool.clone(), "oauthtoken")
            .await
            .unwrap();
        let old = store
            .find_token(&Token::for_user(CLIENT, "old@x.com", COM))
            .await
            .unwrap()
            .expect("the old row survives");
        assert_eq!(access(&Some(old.clone())), Some("at-old"));
        assert_eq!(old.issued_api_domain, None);
        let mut newer = old.clone();
        newer.issued_api_domain = Some(EU.to_owned());
        assert_eq!(store.save_token(&newer).await.unwrap(), "1");
        // Opening again (another process) finds the column and changes nothing.
        let again = SqliteStore::from_pool(pool, "oauthtoken").await.unwrap();
        let got = again.find_token_by_id("1").await.unwrap().unwrap();
        assert_eq!(got.issued_api_domain.as_deref(), Some(EU));
        assert_eq!(again.get_tokens().await.unwrap().len(), 1);
        drop((store, again));
        std::fs::remove_dir_all(dir).unwrap();
    }

    /// As for SQLite: an old PostgreSQL table gains the column on open, rows kept.
    #[cfg(feature = "postgres")]
    #[tokio::test]
    async fn postgres_adds_the_issued_api_domain_column_keeping_rows() {
        use zohocrm::store::PostgresStore;
        let url = common::url("ZOHOCRM_TEST_POSTGRES_URL", common::POSTGRES_URL);
        let pool = sqlx::postgres::PgPoolOptions::new()
            .max_connections(2)
            .connect(&url)
            .await
            .unwrap_or_else(|e| {
                common::unreachable("PostgreSQL", &url, e, "see .ci/run for how it is started")
            });
        let table = common::unique_name();
        sqlx::query(&format!(
            "CREATE TABLE \"{table}\" (id varchar(64) NOT NULL PRIMARY KEY, user_name text, \
             client_id text, client_secret text, refresh_token text, access_token text, \
             grant_token text, expiry_time varchar(20), redirect_url text, api_domain text)"
        ))
        .execute(&pool)
        .await
        .unwrap();
        let result = futures_util::FutureExt::catch_unwind(std::panic::AssertUnwindSafe(async {
            sqlx::query(&format!("insert into \"{table}\" (id, user_name, client_id, access_token, api_domain) values ('1', 'old@x.com', $1, 'at-old', $2)"))
                .bind(CLIENT)
                .bind(COM)
                .execute(&pool)
                .await
                .unwrap();
            let store = PostgresStore::from_pool(pool.clone(), &table).await.unwrap();
            let old = store.find_token_by_id("1").await.unwrap().expect("the old row survives");
            assert_eq!(access(&Some(old.clone())), Some("at-old"));
            assert_eq!(old.issued_api_domain, None);
            let mut newer = old;
            newer.issued_api_domain = Some(EU.to_owned());
            store.save_token(&newer).await.unwrap();
            let again = PostgresStore::from_pool(pool.clone(), &table).await.unwrap();
            let got = again.find_token_by_id("1").await.unwrap().unwrap();
            assert_eq!(got.issued_api_domain.as_deref(), Some(EU));
        }))
        .await;
        sqlx::query(&format!("DROP TABLE IF EXISTS \"{table}\""))
            .execute(&pool)
            .await
            .unwrap();
        if let Err(p) = result {
            std::panic::resume_unwind(p);
        }
    }

    /// The official SDK's table and rows, read and written by `MySqlStore`.
    #[cfg(feature = "mysql")]
    #[tokio::test]
    async fn mysql_interoperates_with_the_official_sdk_table() {
        use futures_util::FutureExt;
        use sqlx::Row;
        use zohocrm::store::MySqlStore;
        let url = common::url("ZOHOCRM_TEST_MYSQL_URL", common::MYSQL_URL);
        let pool = sqlx::mysql::MySqlPoolOptions::new()
            .max_connections(2)
            .connect(&url)
            .await
            .unwrap_or_else(|e| {
                common::unreachable(
                    "MariaDB/MySQL",
                    &url,
                    e,
                    "start-stop-daemon --start --oknodo --background --exec /usr/sbin/mariadbd",
                )
            });
        let table = common::unique_name();
        // Exactly the official SDK's DDL (seed 003).
        sqlx::query(&format!(
            "CREATE TABLE  {table} (id varchar(10) NOT NULL,user_name varchar(255), client_id \
             varchar(255), client_secret varchar(255), refresh_token varchar(255), access_token \
             varchar(255), grant_token varchar(255), expiry_time varchar(20), redirect_url varchar(\
             255), api_domain varchar(255), primary key (id))"
        ))
        .execute(&pool)
        .await
        .unwrap();
        let result = std::panic::AssertUnwindSafe(async {
            // The official DBStore's INSERT (values as it binds them: expiry as a string).
            sqlx::query(&format!(
                "insert into {table} (id,user_name,client_id,client_secret,refresh_token,access_token,\
                 grant_token,expiry_time,redirect_url,api_domain) values (?,?,?,?,?,?,?,?,?,?);"
            ))
            .bind("1")
            .bind("official@example.com")
            .bind(CLIENT)
            .bind("official-secret")
            .bind("1000.rt.official")
            .bind("1000.at.official")
            .bind(Option::<String>::None)
            .bind("1718000000000")
            .bind("https://app/cb")
            .bind(COM)
            .execute(&pool)
            .await
            .unwrap();

            let store = MySqlStore::from_pool(pool.clone(), &table).await.unwrap();
            let t = store
                .find_token(&Token::for_user(CLIENT, "official@example.com", COM))
                .await
                .unwrap()
                .expect("row written by the official SDK");
            assert_eq!(t.id.as_deref(), Some("1"));
            assert_eq!(t.client_secret.as_ref().map(|s| s.expose()), Some("official-secret"));
            assert_eq!(t.refresh_token.as_ref().map(|s| s.expose()), Some("1000.rt.official"));
            assert_eq!(access(&Some(t.clone())), Some("1000.at.official"));
            assert_eq!(t.grant_token, None);
            assert_eq!(t.expiry_time, Some(1_718_000_000_000));
            assert_eq!(t.redirect_url.as_deref(), Some("https://app/cb"));
            assert_eq!(t.api_domain.as_deref(), Some(COM));
            assert_eq!(t.issued_api_domain, None, "the official table had no such column");

            // Refreshing it through our store updates the same row and keeps the secret.
            let mut refreshed = t.clone();
            refreshed.client_secret = None;
            refreshed.access_token = Some("1000.at.refreshed".into());
            refreshed.expiry_time = Some(1_718_003_600_000);
            assert_eq!(store.save_token(&refreshed).await.unwrap(), "1");

            // A new user saved by us, read back with the official SDK's `select *`.
            let mut ours = full("ours@example.com", EU, "1000.at.ours");
            ours.grant_token = None;
            ours.issued_api_domain = Some(EU.to_owned());
            let id = store.save_token(&ours).await.unwrap();
            assert_eq!(id, "2", "the official id scheme: max(id) + 1");
            let rows = sqlx::query(&format!("select * from {table} order by id"))
                .fetch_all(&pool)
                .await
                .unwrap();
            assert_eq!(rows.len(), 2);
            let cols: Vec<String> = (0..10).map(|i| rows[1].try_get::<Option<String>, _>(i).unwrap().unwrap_or_default()).collect();
            assert_eq!(
                cols,
                [
                    "2",
                    "ours@example.com",
                    CLIENT,
                    "",
                    "rt-ours@example.com",
                    "1000.at.ours",
                    "",
                    "1718000000123",
                    "https://app.example.com/oauth/callback",
                    EU
                ]
            );
            assert_eq!(rows[1].try_get::<Option<String>, _>(3).unwrap(), None, "no client_secret");
            let first: Vec<Option<String>> =
                (0..10).map(|i| rows[0].try_get::<Option<String>, _>(i).unwrap()).collect();
            assert_eq!(first[3].as_deref(), Some("official-secret"), "secret kept");
            assert_eq!(first[5].as_deref(), Some("1000.at.refreshed"));
            assert_eq!(first[7].as_deref(), Some("1718003600000"), "expiry as a string of millis");
            // The official generate_id (`select max(id)`, then int() + 1) still works.
            let max: Option<String> = sqlx::query_scalar(&format!("select  max(id) as id from {table};"))
                .fetch_one(&pool)
                .await
                .unwrap();
            assert_eq!(max.as_deref().map(|m| m.parse::<u64>().unwrap() + 1), Some(3));
            // The added column comes after the official ten, and the official INSERT (with its
            // column list) still works on the migrated table.
            assert_eq!(rows[1].try_get::<Option<String>, _>(10).unwrap().as_deref(), Some(EU));
            sqlx::query(&format!(
                "insert into {table} (id,user_name,client_id,client_secret,refresh_token,access_token,\
                 grant_token,expiry_time,redirect_url,api_domain) values (?,?,?,?,?,?,?,?,?,?);"
            ))
            .bind("3").bind("late@example.com").bind(CLIENT).bind("s").bind("rt").bind("at")
            .bind(Option::<String>::None).bind("1").bind("https://cb").bind(COM)
            .execute(&pool)
            .await
            .unwrap();
            let late = store.find_token_by_id("3").await.unwrap().unwrap();
            assert_eq!(late.issued_api_domain, None);
            // A second open of the migrated table is a no-op.
            MySqlStore::from_pool(pool.clone(), &table).await.unwrap();
        })
        .catch_unwind()
        .await;
        sqlx::query(&format!("DROP TABLE IF EXISTS {table}"))
            .execute(&pool)
            .await
            .unwrap();
        if let Err(p) = result {
            std::panic::resume_unwind(p);
        }
    }

    /// A refresh lock dropped without release is freed when its connection closes.
    #[cfg(all(feature = "mysql", feature = "postgres"))]
    #[tokio::test]
    async fn dropped_refresh_lock_is_freed_by_the_server() {
        for kind in [Kind::MySql, Kind::Postgres] {
            run(kind, |fx: Arc<Fixture>| async move {
                let key = Token::for_user(CLIENT, "a@x.com", COM);
                drop(fx.store.lock_refresh(&key).await.unwrap());
                let again =
                    tokio::time::timeout(Duration::from_secs(10), fx.second.lock_refresh(&key))
                        .await
                        .expect("a dropped lock does not block for long")
                        .unwrap();
                again.release().await.unwrap();
            })
            .await;
        }
    }
}
