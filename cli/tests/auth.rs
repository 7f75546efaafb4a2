//! `zohocrm auth …` end to end: the binary against the emulator over HTTP, with real stores.

#[path = "../../tests/common/mod.rs"]
mod common;
mod support;

use common::{Fixture, Kind};
use support::Env;
use zohocrm::Token;
use zohocrm_emulator::{ADMIN_EMAIL, EmulatorConfig};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn exchange_show_refresh_revoke() {
    let env = Env::without_tokens(EmulatorConfig::default()).await;
    let code = env.emu.grant_code(ADMIN_EMAIL);
    assert_eq!(env.ok(&["auth", "exchange", &code]).trim(), ADMIN_EMAIL);
    // A grant code works once: Zoho's invalid_code, exit 3, with the fix in the message.
    let again = env.fails(&["auth", "exchange", &code], 3);
    assert!(again.contains("invalid_code"), "{again}");

    let stored = zohocrm::store::FileStore::new(env.path("tokens.json"));
    let tokens = zohocrm::store::TokenStore::get_tokens(&stored)
        .await
        .unwrap();
    let refresh = tokens[0].refresh_token.clone().unwrap();
    let access = tokens[0].access_token.clone().unwrap();

    let table = env.ok(&["auth", "show"]);
    assert!(
        table.contains(ADMIN_EMAIL) && table.contains("valid 59 min"),
        "{table}"
    );
    let tail = &access.expose()[access.expose().len() - 4..];
    assert!(table.contains(&format!("****{tail}")), "{table}");
    let json = env.ok(&["auth", "show", "--json"]);
    for secret in [refresh.expose(), access.expose()] {
        assert!(
            !table.contains(secret) && !json.contains(secret),
            "a secret was printed"
        );
    }
    let row: serde_json::Value = serde_json::from_str(json.lines().next().unwrap()).unwrap();
    assert_eq!(row["user"], ADMIN_EMAIL);

    let before = env.emu.refresh_count();
    env.ok(&["auth", "refresh"]);
    assert_eq!(env.emu.refresh_count(), before + 1);
    let after = zohocrm::store::TokenStore::get_tokens(&stored)
        .await
        .unwrap();
    assert_ne!(
        after[0].access_token, tokens[0].access_token,
        "the new token was stored"
    );

    env.ok(&["auth", "revoke"]);
    assert!(
        zohocrm::store::TokenStore::get_tokens(&stored)
            .await
            .unwrap()
            .is_empty()
    );
    // The refresh token is dead at the accounts server too.
    let err = env.fails(&["fields", "Leads"], 3);
    assert!(err.contains("no stored token for ada@zylker.test"), "{err}");
    env.cleanup();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bad_configuration_is_named() {
    let env = Env::new(EmulatorConfig::default()).await;
    // A missing key: exit 2 naming the key; nothing written.
    let cfg = std::fs::read_to_string(&env.config).unwrap();
    let no_secret: String = cfg
        .lines()
        .filter(|l| !l.starts_with("client_secret"))
        .map(|l| format!("{l}\n"))
        .collect();
    let partial = env.path("partial.toml");
    std::fs::write(&partial, no_secret).unwrap();
    let err = env.fails(
        &["--config", partial.to_str().unwrap(), "export", "Leads"],
        2,
    );
    assert!(
        err.contains("`client_secret`") && err.contains("is missing"),
        "{err}"
    );

    // A wrong data centre: the token is for the emulator's domain, so EU has none; the message
    // says where the user's token is.
    let mut cmd = env.command(&["--data-center", "eu", "export", "Leads"]);
    let cfg_eu: String = cfg
        .lines()
        .filter(|l| !l.starts_with("accounts_url") && !l.starts_with("api_base_url"))
        .map(|l| format!("{l}\n"))
        .collect();
    let eu = env.path("eu.toml");
    std::fs::write(&eu, cfg_eu).unwrap();
    cmd.env("ZOHO_CONFIG", &eu);
    let out = cmd.output().unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(3), "{err}");
    assert!(
        err.contains("https://www.zohoapis.eu")
            && err.contains(&env.emu.base_url())
            && err.contains("wrong data centre"),
        "{err}"
    );
    let err = env.fails(&["--data-center", "mars", "fields", "Leads"], 2);
    assert!(err.contains("`mars` is not a data centre"), "{err}");
    env.cleanup();
}

const KINDS: [Kind; 5] = [
    Kind::File,
    Kind::Sqlite,
    Kind::MySql,
    Kind::Postgres,
    Kind::Redis,
];

/// The store URL the CLI takes for a fixture's storage.
fn url_of(fx: &Fixture) -> String {
    match fx.kind {
        Kind::File => {
            let dir = std::env::temp_dir().join(format!("zohocrm-store-{}", fx.name));
            format!("file:{}", dir.join("tokens.json").display())
        }
        Kind::Sqlite => {
            let dir = std::env::temp_dir().join(format!("zohocrm-store-{}", fx.name));
            format!(
                "sqlite://{}?table={}",
                dir.join("tokens.db").display(),
                fx.name
            )
        }
        Kind::MySql => format!(
            "{}?table={}",
            common::url("ZOHOCRM_TEST_MYSQL_URL", common::MYSQL_URL),
            fx.name
        ),
        Kind::Postgres => format!(
            "{}?table={}",
            common::url("ZOHOCRM_TEST_POSTGRES_URL", common::POSTGRES_URL),
            fx.name
        ),
        Kind::Redis => format!(
            "{}?prefix={}",
            common::url("ZOHOCRM_TEST_REDIS_URL", common::REDIS_URL),
            fx.name
        ),
        Kind::Memory => unreachable!("memory stores live in one process"),
    }
}

fn sorted(mut tokens: Vec<Token>) -> Vec<Token> {
    for t in &mut tokens {
        t.id = None;
    }
    tokens.sort_by(|a, b| a.user_name.cmp(&b.user_name));
    tokens
}

/// Every ordered pair of the five store kinds: tokens made by `auth exchange` in the source
/// arrive field for field; a rerun changes nothing; a half-done destination is completed.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn migrate_between_every_pair_of_stores() {
    let env = Env::without_tokens(EmulatorConfig::default()).await;
    let users = [ADMIN_EMAIL, "grace@zylker.test", "alan@zylker.test"];
    let mut sources = Vec::new();
    for kind in KINDS {
        let fx = Fixture::new(kind).await;
        let url = url_of(&fx);
        for user in users {
            let code = env.emu.grant_code(user);
            env.ok(&["--store", &url, "auth", "exchange", &code]);
        }
        let tokens = sorted(fx.store.get_tokens().await.unwrap());
        assert_eq!(tokens.len(), users.len(), "{kind:?} source");
        sources.push((fx, url, tokens));
    }
    for (src, src_url, want) in &sources {
        for kind in KINDS.into_iter().filter(|k| *k != src.kind) {
            let dst = Fixture::new(kind).await;
            let dst_url = url_of(&dst);
            if kind == Kind::Redis {
                // As an interrupted run leaves it: one token already copied.
                let mut first = want[0].clone();
                first.id = None;
                dst.store.save_token(&first).await.unwrap();
            }
            let out = env.ok(&["auth", "migrate", "--from", src_url, "--to", &dst_url]);
            assert!(
                out.contains("all 3 verified"),
                "{:?} -> {kind:?}: {out}",
                src.kind
            );
            assert_eq!(
                &sorted(dst.store.get_tokens().await.unwrap()),
                want,
                "{:?} -> {kind:?}",
                src.kind
            );
            let again = env.ok(&["auth", "migrate", "--from", src_url, "--to", &dst_url]);
            assert!(again.contains("0 copied, 3 already present"), "{again}");
            assert_eq!(&sorted(dst.store.get_tokens().await.unwrap()), want);
            assert_eq!(
                &sorted(src.store.get_tokens().await.unwrap()),
                want,
                "source untouched"
            );
            dst.cleanup().await;
        }
    }
    // Tokens moved to another store still work: the CLI reads Zoho with them.
    let (_, pg_url, _) = &sources[3];
    let fields = env.ok(&["--store", pg_url, "fields", "Leads"]);
    assert!(fields.contains("Last_Name"), "{fields}");
    // A store URL that is wrong is named without echoing a password.
    let err = env.fails(
        &[
            "auth",
            "migrate",
            "--from",
            "mongodb://u:hunter2@h/db",
            "--to",
            "file:x",
        ],
        2,
    );
    assert!(
        err.contains("unknown scheme `mongodb:`") && !err.contains("hunter2"),
        "{err}"
    );
    for (fx, _, _) in &sources {
        fx.cleanup().await;
    }
    env.cleanup();
}
