//! The store: one SQLite file, opened with the pragmas that keep it safe
//! (WAL, `synchronous=FULL`, foreign keys, a busy timeout) and migrated by
//! numbered SQL files embedded in the binary. Its modules hold the SQL, one
//! per table or aggregate; they know the domain's types and nothing above
//! them. Writes happen in a [`Tx`], which records what they changed (see
//! `changes.rs`).

pub mod activity;
pub mod agenda;
pub mod changes;
pub mod contacts;
pub mod customer_months;
pub mod customers;
pub mod encryption;
pub mod greetings;
pub mod identities;
pub mod measures;
pub mod merging;
pub mod plans;
pub mod profiles;
pub mod promises;
pub mod purchases;
pub mod referrals;
pub mod reminder_facts;
pub mod reminder_states;
pub mod rows;
pub mod schema;
pub mod search;
mod search_memory;
pub mod settings;
mod sql;
pub mod stages;
pub mod sync_items;
pub mod tallies;
pub mod touchpoints;
pub mod undo_log;

use std::cell::RefCell;
use std::ops::Deref;
use std::path::{Path, PathBuf};

use rusqlite::{Connection, OpenFlags, Transaction, TransactionBehavior, backup::Backup};

use crate::domain::ladder::Stage;
use crate::error::{Error, Result};
use crate::keys::StoreKey;
use changes::{ChangeEvent, ChangeFeed, Changed};

/// The store's file name inside the data folder.
pub const DATABASE_FILE: &str = "kizuna.sqlite3";

/// Migrations in order; the position + 1 is the schema version they produce.
/// A landed migration is never edited: a change is a new file.
pub const MIGRATIONS: &[&str] = &[
    include_str!("../migrations/0001_init.sql"),
    include_str!("../migrations/0002_reminders.sql"),
    include_str!("../migrations/0003_agenda.sql"),
    concat!(
        include_str!("../migrations/0004_one_owner.sql"),
        include_str!("../migrations/0004_from_earlier_release.sql")
    ),
    include_str!("../migrations/0005_customer_words.sql"),
    include_str!("../migrations/0006_duplicates.sql"),
    include_str!("../migrations/0007_merge.sql"),
    include_str!("../migrations/0008_sync.sql"),
    include_str!("../migrations/0009_sync_more.sql"),
    include_str!("../migrations/0010_greetings.sql"),
    include_str!("../migrations/0011_search_order.sql"),
    include_str!("../migrations/0012_search_memory.sql"),
];

/// What rows of the previous release (schema 3) need to mean the same
/// under schema 4's rules; the end of migration 4, also run after an older
/// JSON export is restored.
pub(crate) const FROM_EARLIER_RELEASE: &str =
    include_str!("../migrations/0004_from_earlier_release.sql");

/// Each connection's page cache, in KiB (see `configure`). The window's
/// connection keeps it: what it frees the C allocator keeps from the
/// system, so this is what the app grows by as the list is scrolled. 16
/// MiB against 32 at 100,000 customers: the app 12–18 MB smaller after
/// scrolling the whole list; a list page 3.9 against 2.6 ms, a 3+
/// character search 3.2 against 1.3 ms (README "Benchmarks").
pub(crate) const CACHE_KIB: i64 = 16_384;
/// The cache of a connection that works in the background (a job, the
/// scheduler): larger than the window's, for the whole-book reads of a
/// new day's agenda, an export or a duplicate search (a new day's agenda:
/// 0.57 s with 96 MiB, 1.06 s with 32), and no larger, since what it held
/// stays with the process after it is freed.
pub const BACKGROUND_CACHE_KIB: i64 = 49_152;
/// The cache while an import writes: its new customers go into the list's
/// indexes in no order, and with 16 MiB their pages went to the WAL and
/// back again (100,000 cards: 2 s more). The plan, not the cache, is an
/// import's peak.
pub(crate) const WRITING_CACHE_KIB: i64 = 49_152;

/// The schema version this build writes.
pub const SCHEMA_VERSION: i64 = MIGRATIONS.len() as i64;

/// How long a writer waits for another connection's lock before giving up.
const BUSY_TIMEOUT_MS: u32 = 5_000;

pub struct Store {
    pub(crate) conn: Connection,
    path: Option<PathBuf>,
    /// The key the file is encrypted with; `None` only in memory.
    pub(crate) key: Option<StoreKey>,
    /// Totals of the unfiltered list, by (archived, stage), with the content
    /// stamp they were counted at: scrolling asks for the same total again
    /// and again, and counting 100,000 rows each time would dominate.
    pub(crate) list_totals: RefCell<Vec<ListTotal>>,
    /// What searches need of every customer, read once per change.
    pub(crate) search_memory: RefCell<Option<search_memory::SearchMemory>>,
    /// Where commits are announced.
    feed: ChangeFeed,
}

/// A write transaction that records what it changed. Reads go through it
/// as through a connection.
pub struct Tx<'a> {
    inner: Transaction<'a>,
    pub changed: Changed,
}

impl Deref for Tx<'_> {
    type Target = Connection;

    fn deref(&self) -> &Connection {
        &self.inner
    }
}

impl Tx<'_> {
    /// Commits. Only the owner of derived data calls this, after bringing
    /// everything derived up to date (`crate::derived`).
    pub(crate) fn commit_settled(self) -> Result<Changed> {
        self.inner.commit()?;
        Ok(self.changed)
    }
}

pub(crate) struct ListTotal {
    pub key: (bool, Option<Stage>),
    pub stamp: ContentStamp,
    pub total: u32,
}

/// Changes whenever this connection or any other commits a change:
/// `PRAGMA data_version` moves on other connections' commits,
/// `total_changes` on this one's.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct ContentStamp(i64, u64);

/// What opening an existing file did, for the UI and logs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MigrationReport {
    pub from_version: i64,
    pub to_version: i64,
    /// The copy taken before migrating an existing store.
    pub backup: Option<PathBuf>,
    /// The file was an earlier release's unencrypted store and is now
    /// encrypted (its backups too).
    pub encrypted_now: bool,
}

impl Store {
    /// Opens (creating if needed) the store in `dir`, the app's data folder,
    /// encrypted with `key`.
    pub fn open_in_dir(dir: &Path, key: &StoreKey) -> Result<(Store, MigrationReport)> {
        crate::fs::private_dir(dir)?;
        Store::open(&dir.join(DATABASE_FILE), key)
    }

    /// Opens (creating if needed) the store at `path` and brings its schema up
    /// to date. A file written by a newer Kizuna is refused before anything is
    /// written to it; an existing file is copied aside before it is migrated;
    /// an earlier release's unencrypted file is encrypted first.
    pub fn open(path: &Path, key: &StoreKey) -> Result<(Store, MigrationReport)> {
        Store::open_with_migrations(path, key, MIGRATIONS)
    }

    /// [`Store::open`] with an explicit migration list: the product always
    /// uses the embedded one; tests use a longer list to exercise upgrades.
    pub fn open_with_migrations(
        path: &Path,
        key: &StoreKey,
        migrations: &[&str],
    ) -> Result<(Store, MigrationReport)> {
        let latest = migrations.len() as i64;
        // SQLite and SQLCipher only ever write whole pages, so anything else
        // was never a store. Answered before anything reads it: in one test
        // run the first read of such a file failed with another error.
        if std::fs::metadata(path).is_ok_and(|m| m.len() > 0) && !encryption::whole_pages(path) {
            return Err(Error::CorruptDatabase(
                "the file is not a whole number of database pages".to_owned(),
            ));
        }
        let encrypted_now = encryption::is_plain_sqlite(path)?;
        if encrypted_now {
            let found = {
                let (plain, found) = encryption::open_keyed(
                    path,
                    None,
                    OpenFlags::SQLITE_OPEN_READ_ONLY,
                    "the store",
                )?;
                if found == 0 && has_foreign_tables(&plain)? {
                    return Err(Error::CorruptDatabase(
                        "the file holds tables but no Kizuna schema version".to_owned(),
                    ));
                }
                found
            };
            if found > latest {
                return Err(Error::NewerDatabase {
                    found,
                    supported: latest,
                });
            }
            encryption::reencrypt_file(path, None, key)?;
            tracing::info!(path = %path.display(), "the unencrypted store was encrypted");
        }
        let conn = Connection::open_with_flags(
            path,
            OpenFlags::SQLITE_OPEN_READ_WRITE
                | OpenFlags::SQLITE_OPEN_CREATE
                | OpenFlags::SQLITE_OPEN_NO_MUTEX,
        )
        .map_err(classify_open_error)?;
        // Before the first page is written: the WAL and shared-memory files
        // SQLite creates take the store's permissions.
        crate::fs::private_file(path)?;
        encryption::apply_key(&conn, key)?;
        // Read the version before any pragma that writes (journal_mode=WAL
        // rewrites the header), so a newer file is left byte-for-byte intact.
        let found = read_user_version(&conn).map_err(|e| match e {
            Error::CorruptDatabase(_) if encryption::whole_pages(path) => {
                Error::WrongKey("this book".to_owned())
            }
            other => other,
        })?;
        if found > latest {
            return Err(Error::NewerDatabase {
                found,
                supported: latest,
            });
        }
        if found == 0 && has_foreign_tables(&conn)? {
            return Err(Error::CorruptDatabase(
                "the file holds tables but no Kizuna schema version".to_owned(),
            ));
        }
        configure(&conn, true)?;
        let mut store = Store {
            conn,
            path: Some(path.to_path_buf()),
            key: Some(key.clone()),
            list_totals: RefCell::default(),
            search_memory: RefCell::default(),
            feed: ChangeFeed::default(),
        };
        let backup = if found > 0 && found < latest {
            Some(store.copy_aside(found, latest)?)
        } else {
            None
        };
        store.migrate(migrations, found)?;
        if encrypted_now {
            store.encrypt_plain_backups()?;
        }
        Ok((
            store,
            MigrationReport {
                from_version: found,
                to_version: latest,
                backup,
                encrypted_now,
            },
        ))
    }

    /// A private in-memory store, for tests and benchmarks of pure logic.
    pub fn open_in_memory() -> Result<Store> {
        let conn = Connection::open_in_memory()?;
        configure(&conn, false)?;
        let mut store = Store {
            conn,
            path: None,
            key: None,
            list_totals: RefCell::default(),
            search_memory: RefCell::default(),
            feed: ChangeFeed::default(),
        };
        store.migrate(MIGRATIONS, 0)?;
        Ok(store)
    }

    pub fn path(&self) -> Option<&Path> {
        self.path.as_deref()
    }

    /// The key the store is encrypted with; `None` in memory.
    pub(crate) fn key(&self) -> Option<&StoreKey> {
        self.key.as_ref()
    }

    /// Announces this store's commits on `feed` (shared by every store a
    /// process opens on the same file).
    pub fn set_change_feed(&mut self, feed: ChangeFeed) {
        self.feed = feed;
    }

    /// The most decrypted pages this connection keeps, in KiB.
    pub fn set_cache_size(&self, kib: i64) -> Result<()> {
        self.conn.pragma_update(None, "cache_size", -kib)?;
        Ok(())
    }

    /// The page cache's size in KiB, as [`Store::set_cache_size`] takes it.
    pub(crate) fn cache_size(&self) -> Result<i64> {
        let pragma: i64 = self
            .conn
            .pragma_query_value(None, "cache_size", |r| r.get(0))?;
        if pragma < 0 {
            return Ok(-pragma);
        }
        // A positive size counts pages.
        let page: i64 = self
            .conn
            .pragma_query_value(None, "page_size", |r| r.get(0))?;
        Ok(pragma * page / 1024)
    }

    /// Lets go of this connection's page cache: for one that works now and
    /// then in the background (the scheduler), which would otherwise hold
    /// up to the cache's size of decrypted pages between wake-ups, beside
    /// the window's own. What searches keep in memory goes too.
    pub fn release_cache(&self) -> Result<()> {
        self.search_memory.borrow_mut().take();
        self.conn.execute_batch("PRAGMA shrink_memory")?;
        Ok(())
    }

    pub fn change_feed(&self) -> &ChangeFeed {
        &self.feed
    }

    /// Starts a write. `IMMEDIATE` takes the write lock at once, so two
    /// connections never both read and then fail to upgrade.
    pub(crate) fn begin(&self) -> Result<Tx<'_>> {
        Ok(Tx {
            inner: Transaction::new_unchecked(&self.conn, TransactionBehavior::Immediate)?,
            changed: Changed::default(),
        })
    }

    /// Tells listeners about a committed change.
    pub(crate) fn publish(&self, changed: &Changed) {
        if !changed.is_empty() {
            self.list_totals.borrow_mut().clear();
            self.feed.publish(&ChangeEvent::from(changed));
        }
    }

    /// The connection, for reads.
    pub(crate) fn conn(&self) -> &Connection {
        &self.conn
    }

    pub(crate) fn content_stamp(&self) -> Result<ContentStamp> {
        let data_version: i64 = self
            .conn
            .prepare_cached("PRAGMA data_version")?
            .query_row([], |r| r.get(0))?;
        Ok(ContentStamp(data_version, self.conn.total_changes()))
    }

    pub fn schema_version(&self) -> Result<i64> {
        read_user_version(&self.conn)
    }

    /// `PRAGMA integrity_check`, the full-text index and
    /// `foreign_key_check`; an empty list means the file is sound.
    pub(crate) fn sqlite_problems(&self) -> Result<Vec<String>> {
        let mut problems = Vec::new();
        let mut stmt = self.conn.prepare("PRAGMA integrity_check")?;
        let rows = stmt.query_map([], |r| r.get::<_, String>(0))?;
        for row in rows {
            let line = row?;
            if line != "ok" {
                problems.push(line);
            }
        }
        // The full-text index must agree with the documents it was built from.
        if let Err(e) = self.conn.execute(
            "INSERT INTO customer_fts (customer_fts, rank) VALUES ('integrity-check', 1)",
            [],
        ) {
            problems.push(format!("search index: {e}"));
        }
        let mut stmt = self.conn.prepare("PRAGMA foreign_key_check")?;
        let rows = stmt.query_map([], |r| {
            Ok(format!(
                "foreign key violation in {} row {}",
                r.get::<_, String>(0)?,
                r.get::<_, Option<i64>>(1)?.unwrap_or_default()
            ))
        })?;
        for row in rows {
            problems.push(row?);
        }
        Ok(problems)
    }

    /// Copies the whole store to `target` with SQLite's online backup, which
    /// is consistent even while the app keeps writing. The copy is
    /// encrypted with the store's key, private, and a single file (no WAL).
    pub fn backup_to(&self, target: &Path) -> Result<()> {
        if let Some(parent) = target.parent() {
            crate::fs::private_dir(parent)?;
        }
        let mut dest = Connection::open(target)?;
        crate::fs::private_file(target)?;
        if let Some(key) = &self.key {
            encryption::apply_key(&dest, key)?;
        }
        {
            let backup = Backup::new(&self.conn, &mut dest)?;
            // Large steps: the copy is taken in one go, not interleaved.
            backup.run_to_completion(1 << 20, std::time::Duration::ZERO, None)?;
        }
        let _: String =
            dest.pragma_update_and_check(None, "journal_mode", "DELETE", |r| r.get(0))?;
        Ok(())
    }

    fn copy_aside(&self, from_version: i64, to_version: i64) -> Result<PathBuf> {
        let dir = self
            .path
            .as_deref()
            .and_then(Path::parent)
            .map(|p| p.join("backups"))
            .ok_or_else(|| Error::Internal("an in-memory store has no folder".to_owned()))?;
        let stamp = chrono::Utc::now().format("%Y%m%dT%H%M%SZ");
        let target = dir.join(format!(
            "kizuna-before-migration-v{from_version}-to-v{to_version}-{stamp}.sqlite3"
        ));
        self.backup_to(&target)?;
        Ok(target)
    }

    /// After the file's content was replaced (a restore): bring an older
    /// schema up to date and forget what was cached about the old content.
    /// Replaces the whole content with a copy's, through the open connection
    /// (so every other connection sees it at once), and brings it up to
    /// this version's schema.
    pub(crate) fn replace_with(&mut self, copy: &Path) -> Result<()> {
        let searched_at = search_memory::SearchMemory::generation(&self.conn)?;
        let (source, _) = encryption::open_keyed(
            copy,
            self.key.as_ref(),
            OpenFlags::SQLITE_OPEN_READ_ONLY,
            "the copy",
        )?;
        {
            let backup = Backup::new(&source, &mut self.conn)?;
            backup.run_to_completion(1 << 20, std::time::Duration::ZERO, None)?;
        }
        self.after_replace()?;
        // The copy brings back its own count, which a search's memory (this
        // connection's or another's) may have seen with other customers.
        self.conn.execute(
            "UPDATE search_generation SET n = max(n, ?1) + 1",
            [searched_at],
        )?;
        Ok(())
    }

    pub(crate) fn after_replace(&mut self) -> Result<()> {
        let found = read_user_version(&self.conn)?;
        if found > SCHEMA_VERSION {
            return Err(Error::NewerDatabase {
                found,
                supported: SCHEMA_VERSION,
            });
        }
        self.migrate(MIGRATIONS, found)?;
        self.list_totals.borrow_mut().clear();
        self.search_memory.borrow_mut().take();
        Ok(())
    }

    fn migrate(&mut self, migrations: &[&str], from: i64) -> Result<()> {
        let latest = migrations.len() as i64;
        if from >= latest {
            return Ok(());
        }
        // One transaction for every pending step: a crash or a failing step
        // leaves the file exactly at the version it had. The version is read
        // again under the write lock: another connection (the scheduler's,
        // right after a restore) may have migrated the file meanwhile.
        let tx = self
            .conn
            .transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
        let from = from.max(read_user_version(&tx)?);
        if from >= latest {
            return Ok(());
        }
        for (index, sql) in migrations.iter().enumerate() {
            let version = index as i64 + 1;
            if version > from {
                tx.execute_batch(sql)?;
            }
        }
        // Version 5 keeps readings in one form, which SQL cannot convert to.
        if from < 5 && latest >= 5 {
            customers::readings_in_hiragana(&tx)?;
        }
        tx.pragma_update(None, "user_version", latest)?;
        tx.commit()?;
        Ok(())
    }
}

fn configure(conn: &Connection, on_disk: bool) -> Result<()> {
    conn.busy_timeout(std::time::Duration::from_millis(u64::from(BUSY_TIMEOUT_MS)))?;
    if on_disk {
        let mode: String =
            conn.pragma_update_and_check(None, "journal_mode", "WAL", |r| r.get(0))?;
        if !mode.eq_ignore_ascii_case("wal") {
            return Err(Error::Internal(format!(
                "the store could not switch to WAL (journal mode is {mode})"
            )));
        }
    }
    conn.pragma_update(None, "synchronous", "FULL")?;
    conn.pragma_update(None, "foreign_keys", "ON")?;
    conn.pragma_update(None, "trusted_schema", "OFF")?;
    // Deleted customers are overwritten, not left in free pages and the WAL.
    conn.pragma_update(None, "secure_delete", "ON")?;
    // Statement journals (each write inside a transaction keeps the pages it
    // changes until it succeeds) in memory rather than in a temporary file:
    // writing them to disk was a fifth of an import's time.
    conn.pragma_update(None, "temp_store", "MEMORY")?;
    // Up to 32 MiB of page cache (the default is 2 MiB; it fills only as far
    // as a book is read, so a small one uses little). The store is
    // encrypted: every page read from disk — even from the OS's cache — is
    // decrypted and its HMAC checked, so what the lists and search read
    // again and again is kept here decrypted. Search once needed 96 MiB of
    // the trigram index kept so; since it keeps the book's names and order
    // in memory of its own, 32 MiB searches as fast and scrolling the whole
    // list leaves the window 64 MB smaller (README, Benchmarks).
    conn.pragma_update(None, "cache_size", -CACHE_KIB)?;
    conn.set_prepared_statement_cache_capacity(64);
    // `rarray(?)` lets a list of ids be bound as one parameter.
    rusqlite::vtab::array::load_module(conn)?;
    search::register_contains(conn)?;
    Ok(())
}

fn read_user_version(conn: &Connection) -> Result<i64> {
    conn.query_row("PRAGMA user_version", [], |r| r.get(0))
        .map_err(classify_open_error)
}

fn has_foreign_tables(conn: &Connection) -> Result<bool> {
    let count: i64 = conn
        .query_row(
            "SELECT count(*) FROM sqlite_schema WHERE name NOT LIKE 'sqlite_%'",
            [],
            |r| r.get(0),
        )
        .map_err(classify_open_error)?;
    Ok(count > 0)
}

/// A file that is not SQLite at all is reported as damaged, not as a generic
/// storage failure, so the user is told what is wrong with it.
fn classify_open_error(e: rusqlite::Error) -> Error {
    match e.sqlite_error_code() {
        Some(rusqlite::ErrorCode::NotADatabase) | Some(rusqlite::ErrorCode::DatabaseCorrupt) => {
            Error::CorruptDatabase(e.to_string())
        }
        _ => Error::Storage(e),
    }
}

impl Store {
    /// How many touchpoints and purchases are stored.
    pub fn record_counts(&self) -> Result<(i64, i64)> {
        record_counts(&self.conn)
    }
}

/// How many touchpoints and purchases are stored.
pub(crate) fn record_counts(conn: &Connection) -> Result<(i64, i64)> {
    Ok(conn.query_row(
        "SELECT (SELECT count(*) FROM touchpoints), (SELECT count(*) FROM purchases)",
        [],
        |r| Ok((r.get(0)?, r.get(1)?)),
    )?)
}
