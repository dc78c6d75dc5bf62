//! Crash safety: a writer process goes through the core's own write paths
//! (customers, touchpoints, purchases, imports) and is killed with SIGKILL
//! at a random moment, again and again. After each kill the store must open,
//! pass SQLite's `integrity_check` and the core's own checks (search index,
//! derived activity and tallies), and hold every write the writer reported
//! as committed.
//!
//! 200 cycles by default; `KIZUNA_CRASH_CYCLES=5000` for a longer run, and
//! `KIZUNA_CRASH_SEED` to repeat one.

use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};
use std::sync::mpsc;
use std::time::Duration;

use kizuna_core::Store;

fn env_number(name: &str, default: u64) -> u64 {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

/// What the writer said it committed.
#[derive(Default)]
struct Promised {
    customers: Vec<i64>,
    touchpoints: Vec<i64>,
    purchases: Vec<i64>,
    imported_uids: Vec<String>,
}

impl Promised {
    fn take(&mut self, line: &str) {
        let mut words = line.split_whitespace();
        let what = words.next().unwrap_or_default();
        let rest: Vec<&str> = words.collect();
        let id = || rest.first().and_then(|w| w.parse::<i64>().ok());
        match what {
            "customer" => self.customers.extend(id()),
            "touchpoint" => self.touchpoints.extend(id()),
            "purchase" => self.purchases.extend(id()),
            "import" => self
                .imported_uids
                .extend(rest.iter().map(|s| (*s).to_owned())),
            _ => panic!("the writer said something unexpected: {line}"),
        }
    }
}

fn exists(conn: &rusqlite::Connection, sql: &str, value: &dyn rusqlite::ToSql) -> bool {
    conn.query_row(sql, [value], |r| r.get::<_, bool>(0))
        .unwrap_or(false)
}

#[test]
fn every_committed_write_survives_a_kill_at_any_moment() {
    let cycles = env_number("KIZUNA_CRASH_CYCLES", 200);
    let seed = env_number("KIZUNA_CRASH_SEED", fastrand::u64(..));
    eprintln!("crash test: {cycles} cycles, seed {seed} (KIZUNA_CRASH_SEED={seed} repeats it)");
    let mut rng = fastrand::Rng::with_seed(seed);
    let dir = tempfile::tempdir().expect("temp dir");
    // Encrypted like the app's store; the key is given as a recovery key,
    // so no keychain is needed.
    let key = kizuna_core::keys::StoreKey::generate().expect("key");
    let mut promised = Promised::default();
    let mut kills_mid_write = 0;
    for cycle in 0..cycles {
        let mut child = Command::new(env!("CARGO_BIN_EXE_kizuna-cli"))
            .arg("--data-dir")
            .arg(dir.path())
            .arg("--recovery-key")
            .arg(key.recovery_key())
            .args([
                "crash-writer",
                "--seed",
                &(seed.wrapping_add(cycle)).to_string(),
            ])
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("writer starts");
        let stdout = child.stdout.take().expect("stdout");
        let (lines, received) = mpsc::channel::<String>();
        let reader = std::thread::spawn(move || {
            for line in BufReader::new(stdout).lines().map_while(Result::ok) {
                if lines.send(line).is_err() {
                    break;
                }
            }
        });
        // Let it start and write for a random while, then kill it without warning.
        std::thread::sleep(Duration::from_millis(rng.u64(5..150)));
        child.kill().expect("SIGKILL");
        let status = child.wait().expect("reaped");
        assert!(!status.success(), "the writer was killed, not finished");
        reader.join().expect("reader");
        let before = promised.customers.len() + promised.touchpoints.len();
        for line in received.try_iter() {
            promised.take(&line);
        }
        if promised.customers.len() + promised.touchpoints.len() > before {
            kills_mid_write += 1;
        }

        // The store opens (migrations, WAL recovery) and is sound.
        let (store, _) = Store::open_in_dir(dir.path(), &key)
            .unwrap_or_else(|e| panic!("cycle {cycle}: the store does not open: {e}"));
        let problems = store.integrity_problems().expect("checks run");
        assert!(problems.is_empty(), "cycle {cycle}: {problems:?}");
        drop(store);

        let conn = rusqlite::Connection::open(dir.path().join(kizuna_core::store::DATABASE_FILE))
            .expect("open");
        conn.execute_batch(&format!("PRAGMA key = \"{}\"", &*key.sqlcipher_key()))
            .expect("key");
        for id in &promised.customers {
            assert!(
                exists(
                    &conn,
                    "SELECT EXISTS (SELECT 1 FROM customers WHERE id = ?1)",
                    id
                ),
                "cycle {cycle}: customer {id} was reported committed and is gone"
            );
        }
        for id in &promised.touchpoints {
            assert!(
                exists(
                    &conn,
                    "SELECT EXISTS (SELECT 1 FROM touchpoints WHERE id = ?1)",
                    id
                ),
                "cycle {cycle}: touchpoint {id} was reported committed and is gone"
            );
        }
        for id in &promised.purchases {
            assert!(
                exists(
                    &conn,
                    "SELECT EXISTS (SELECT 1 FROM purchases WHERE id = ?1)",
                    id
                ),
                "cycle {cycle}: purchase {id} was reported committed and is gone"
            );
        }
        for uid in &promised.imported_uids {
            assert!(
                exists(
                    &conn,
                    "SELECT EXISTS (SELECT 1 FROM customers WHERE uid = ?1)",
                    uid
                ),
                "cycle {cycle}: imported {uid} was reported committed and is gone"
            );
        }
    }
    let total = promised.customers.len()
        + promised.touchpoints.len()
        + promised.purchases.len()
        + promised.imported_uids.len();
    eprintln!("{total} committed writes checked over {cycles} kills");
    // The test means something only if the writer got to write.
    assert!(
        kills_mid_write > cycles / 2,
        "most kills should land after some writes"
    );
    assert!(!promised.imported_uids.is_empty() && !promised.purchases.is_empty());
}
