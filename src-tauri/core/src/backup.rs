//! Backups: whole copies of the store taken with SQLite's online backup
//! (consistent even while the app writes), daily and before anything that
//! rewrites much (a migration, an import, a restore), kept in the data
//! folder's `backups/` or a folder the user picks (a USB stick, a synced
//! folder), and rotated: the newest 7 daily and 4 weekly copies stay.
//!
//! Every copy is encrypted with the store's key, like the store.
//!
//! A restore trusts nothing in the file it is given: it copies it into a
//! private temporary file first (so it cannot change between the checks
//! and the copy), opens that with the store's key (an earlier release's
//! unencrypted backup is accepted and encrypted on the way), compares its
//! schema with the one this version expects at the file's version — no
//! extra table, view or trigger, no changed SQL — checks its integrity
//! under a time limit, then backs up the current store and copies the
//! checked file in, page by page, through the open connection.

use std::path::{Path, PathBuf};

use chrono::{Datelike, NaiveDateTime};
use rusqlite::OpenFlags;
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::domain::clock::Clock;
use crate::error::{Error, Result};
use crate::keys::StoreKey;
use crate::store::{SCHEMA_VERSION, Store, encryption, schema, undo_log};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum BackupKind {
    Daily,
    Weekly,
    /// "Back up now".
    Manual,
    BeforeImport,
    BeforeRestore,
    BeforeMigration,
    BeforeMerge,
}

impl BackupKind {
    const ALL: [BackupKind; 7] = [
        BackupKind::Daily,
        BackupKind::Weekly,
        BackupKind::Manual,
        BackupKind::BeforeImport,
        BackupKind::BeforeRestore,
        BackupKind::BeforeMigration,
        BackupKind::BeforeMerge,
    ];

    fn word(self) -> &'static str {
        match self {
            BackupKind::Daily => "daily",
            BackupKind::Weekly => "weekly",
            BackupKind::Manual => "manual",
            BackupKind::BeforeImport => "before-import",
            BackupKind::BeforeRestore => "before-restore",
            BackupKind::BeforeMigration => "before-migration",
            BackupKind::BeforeMerge => "before-merge",
        }
    }

    /// How many of this kind are kept; older ones are deleted.
    fn kept(self) -> usize {
        match self {
            BackupKind::Daily => 7,
            BackupKind::Weekly => 4,
            BackupKind::Manual => 10,
            BackupKind::BeforeImport
            | BackupKind::BeforeRestore
            | BackupKind::BeforeMigration
            | BackupKind::BeforeMerge => 5,
        }
    }
}

/// A backup file, as listed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct BackupInfo {
    pub path: String,
    pub file_name: String,
    pub kind: BackupKind,
    /// When it was taken (Unix seconds, from its name).
    pub taken_at: i64,
    #[ts(type = "number")]
    pub size: u64,
}

/// What a backup holds, checked before a restore.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct BackupContents {
    pub info: BackupInfo,
    pub schema_version: i64,
    pub customers: i64,
    pub touchpoints: i64,
    pub purchases: i64,
    /// The newest change in it (Unix seconds), if any.
    pub last_change_at: Option<i64>,
}

/// How long a copy taken before a merge serves the merges after it.
const MERGE_BACKUP_SERVES: i64 = 3600;

const PREFIX: &str = "kizuna-";
const SUFFIX: &str = ".sqlite3";
/// Local time with its offset, so the name reads as the list shows it
/// (`20261202T093000+0900`).
const STAMP: &str = "%Y%m%dT%H%M%S%z";
/// Names of earlier releases carry UTC (`20261202T003000Z`).
const UTC_STAMP: &str = "%Y%m%dT%H%M%SZ";

fn file_name(kind: BackupKind, clock: &Clock) -> String {
    format!(
        "{PREFIX}{}-{}{SUFFIX}",
        kind.word(),
        clock.now.with_timezone(&clock.tz).format(STAMP)
    )
}

/// Reads kind and time back from a backup's name; other files are not backups.
fn parse_name(name: &str) -> Option<(BackupKind, i64)> {
    let rest = name.strip_prefix(PREFIX)?.strip_suffix(SUFFIX)?;
    let kind = BackupKind::ALL
        .into_iter()
        .find(|k| rest.starts_with(k.word()))?;
    // The stamp is the name's last 20 characters, or 16 in UTC (a
    // migration's copy also names its versions before it).
    let local = rest
        .len()
        .checked_sub(20)
        .and_then(|start| rest.get(start..))
        .and_then(|stamp| chrono::DateTime::parse_from_str(stamp, STAMP).ok());
    if let Some(at) = local {
        return Some((kind, at.timestamp()));
    }
    let stamp = rest.get(rest.len().checked_sub(16)?..)?;
    let at = NaiveDateTime::parse_from_str(stamp, UTC_STAMP).ok()?;
    Some((kind, at.and_utc().timestamp()))
}

fn info_of(path: &Path) -> Option<BackupInfo> {
    let name = path.file_name()?.to_str()?;
    let (kind, taken_at) = parse_name(name)?;
    let size = std::fs::metadata(path).ok()?.len();
    Some(BackupInfo {
        path: path.display().to_string(),
        file_name: name.to_owned(),
        kind,
        taken_at,
        size,
    })
}

/// Every backup in `folder`, newest first.
pub fn list(folder: &Path) -> Result<Vec<BackupInfo>> {
    let entries = match std::fs::read_dir(folder) {
        Ok(entries) => entries,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Vec::new()),
        Err(e) => return Err(e.into()),
    };
    let mut out: Vec<BackupInfo> = entries
        .filter_map(|e| e.ok())
        .filter_map(|e| info_of(&e.path()))
        .collect();
    out.sort_by(|a, b| {
        b.taken_at
            .cmp(&a.taken_at)
            .then(b.file_name.cmp(&a.file_name))
    });
    Ok(out)
}

/// The largest backup Kizuna reads (a 100,000-customer store with a
/// million touchpoints is about 400 MB).
pub const MAX_BACKUP_BYTES: u64 = 4 << 30;

/// How long the checks of one backup may take before they are given up.
const CHECK_TIME_LIMIT: std::time::Duration = std::time::Duration::from_secs(120);

/// A backup copied somewhere private and checked, ready to restore.
pub struct StagedBackup {
    pub contents: BackupContents,
    file: tempfile::NamedTempFile,
}

/// Checks a backup without touching the store: see [`stage`].
pub fn inspect(path: &Path, key: &StoreKey, scratch: &Path) -> Result<BackupContents> {
    Ok(stage(path, key, scratch)?.contents)
}

/// Copies the backup at `path` into a private temporary file in `scratch`
/// and checks the copy: a sound SQLite file this key opens (or an earlier
/// release's unencrypted one, encrypted on the way), holding exactly the
/// schema of a Kizuna store at its version, which this version can open.
pub fn stage(path: &Path, key: &StoreKey, scratch: &Path) -> Result<StagedBackup> {
    let size = crate::fs::regular_file_size(path, MAX_BACKUP_BYTES)?;
    let info = info_of(path).unwrap_or_else(|| BackupInfo {
        path: path.display().to_string(),
        file_name: path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default(),
        kind: BackupKind::Manual,
        taken_at: 0,
        size,
    });
    crate::fs::private_dir(scratch)?;
    let mut raw = crate::fs::temp_file_in(scratch)?;
    {
        use std::io::Read;
        let mut source = std::fs::File::open(path)?.take(MAX_BACKUP_BYTES + 1);
        std::io::copy(&mut source, &mut raw)?;
    }
    let plain = encryption::is_plain_sqlite(raw.path())?;
    let file = if plain {
        let (mut conn, version) = encryption::open_keyed(
            raw.path(),
            None,
            OpenFlags::SQLITE_OPEN_READ_WRITE,
            "the backup",
        )
        .map_err(not_a_store)?;
        check_copy(&mut conn, version)?;
        let encrypted = crate::fs::temp_file_in(scratch)?;
        encryption::export_encrypted(&conn, encrypted.path(), key)?;
        encrypted
    } else {
        raw
    };
    let (mut conn, schema_version) = encryption::open_keyed(
        file.path(),
        Some(key),
        OpenFlags::SQLITE_OPEN_READ_WRITE,
        "this backup",
    )
    .map_err(not_a_store_unless_keyed)?;
    check_copy(&mut conn, schema_version)?;
    let (customers, touchpoints, purchases, last_change_at) = conn
        .query_row(
            "SELECT (SELECT count(*) FROM customers), (SELECT count(*) FROM touchpoints),
                    (SELECT count(*) FROM purchases),
                    nullif(max(coalesce((SELECT max(updated_at) FROM customers), 0),
                               coalesce((SELECT max(updated_at) FROM touchpoints), 0),
                               coalesce((SELECT max(updated_at) FROM purchases), 0)), 0)",
            [],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)),
        )
        .map_err(|e| Error::NotKizunaFile(format!("not a Kizuna store: {e}")))?;
    Ok(StagedBackup {
        contents: BackupContents {
            info,
            schema_version,
            customers,
            touchpoints,
            purchases,
            last_change_at,
        },
        file,
    })
}

/// A backup under another key (another computer's, or from before the
/// recovery key was changed) is told apart from a file that is no store.
fn not_a_store_unless_keyed(e: Error) -> Error {
    match e {
        Error::WrongKey(_) => Error::WrongKey("this backup".to_owned()),
        other => not_a_store(other),
    }
}

fn not_a_store(e: Error) -> Error {
    match e {
        Error::CorruptDatabase(why) | Error::WrongKey(why) => Error::NotKizunaFile(why),
        other => other,
    }
}

/// The checks on a staged copy, in an order that runs nothing the file
/// brought before its schema is known to be Kizuna's own.
fn check_copy(conn: &mut rusqlite::Connection, version: i64) -> Result<()> {
    if version > SCHEMA_VERSION {
        return Err(Error::NewerDatabase {
            found: version,
            supported: SCHEMA_VERSION,
        });
    }
    if version < 1 {
        return Err(Error::NotKizunaFile("no Kizuna schema version".to_owned()));
    }
    let found = schema::of(conn).map_err(|e| Error::NotKizunaFile(e.to_string()))?;
    let expected = schema::expected(version)?;
    if let Some(extra) = found.iter().find(|o| !expected.contains(o)) {
        return Err(Error::NotKizunaFile(format!(
            "the file holds a {} \"{}\" that a Kizuna store does not",
            extra.0, extra.1
        )));
    }
    if let Some(missing) = expected.iter().find(|o| !found.contains(o)) {
        return Err(Error::NotKizunaFile(format!(
            "the file lacks the {} \"{}\"",
            missing.0, missing.1
        )));
    }
    // A damaged file could still make the check run long: it is given up
    // after a while rather than holding the store.
    let started = std::time::Instant::now();
    conn.progress_handler(10_000, Some(move || started.elapsed() > CHECK_TIME_LIMIT))?;
    let check: std::result::Result<String, rusqlite::Error> =
        conn.query_row("PRAGMA integrity_check", [], |r| r.get(0));
    conn.progress_handler(0, None::<fn() -> bool>)?;
    let check = check.map_err(|e| Error::NotKizunaFile(e.to_string()))?;
    if check != "ok" {
        return Err(Error::NotKizunaFile(format!("integrity check: {check}")));
    }
    Ok(())
}

/// What a restore did.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct RestoreReport {
    pub restored: BackupContents,
    /// The copy of the store as it was just before.
    pub previous: Option<BackupInfo>,
}

impl Store {
    /// Where backups go: the folder in the settings, else `backups/` next
    /// to the store. An in-memory store has none.
    pub fn backup_folder(&self) -> Result<Option<PathBuf>> {
        let chosen = self.settings()?.backup_folder;
        if !chosen.trim().is_empty() {
            return Ok(Some(PathBuf::from(chosen.trim())));
        }
        Ok(self
            .path()
            .and_then(Path::parent)
            .map(|dir| dir.join("backups")))
    }

    /// The store's key and the private folder a backup is checked in.
    fn key_and_scratch(&self) -> Result<(StoreKey, PathBuf)> {
        let key = self
            .key()
            .cloned()
            .ok_or_else(|| Error::Internal("an in-memory store has no backups".to_owned()))?;
        let scratch = self
            .path()
            .and_then(Path::parent)
            .map(Path::to_path_buf)
            .ok_or_else(|| Error::Internal("an in-memory store has no folder".to_owned()))?;
        Ok((key, scratch))
    }

    /// Checks a backup as a restore would, without restoring it.
    pub fn inspect_backup(&self, path: &Path) -> Result<BackupContents> {
        let (key, scratch) = self.key_and_scratch()?;
        inspect(path, &key, &scratch)
    }

    /// Encrypts an earlier release's unencrypted backups in the backup
    /// folder, each swapped in only once its encrypted copy checks.
    pub(crate) fn encrypt_plain_backups(&self) -> Result<()> {
        let (key, _) = self.key_and_scratch()?;
        for backup in self.backups()? {
            let path = Path::new(&backup.path);
            if encryption::is_plain_sqlite(path)? {
                encryption::reencrypt_file(path, None, &key)?;
            }
        }
        Ok(())
    }

    /// Re-encrypts the store and every backup in the backup folder under
    /// `new`. Safe to run again after being cut short: backups already
    /// under `new` are skipped, and the store's own rekey is one
    /// transaction. The caller parks `new` where it will find it first.
    pub fn change_key(&mut self, new: &StoreKey) -> Result<()> {
        let (old, _) = self.key_and_scratch()?;
        if old == *new {
            return Ok(());
        }
        for backup in self.backups()? {
            let path = Path::new(&backup.path);
            if encryption::is_plain_sqlite(path)? {
                encryption::reencrypt_file(path, None, new)?;
                continue;
            }
            match encryption::reencrypt_file(path, Some(&old), new) {
                Ok(()) => {}
                // Already under the new key (a change cut short), or a
                // stranger's file dropped in the folder: left as it is.
                Err(Error::WrongKey(_)) => {
                    tracing::warn!(path = %path.display(), "a backup not under the old key was left as it is");
                }
                Err(e) => return Err(e),
            }
        }
        encryption::rekey(&self.conn, new)?;
        self.key = Some(new.clone());
        tracing::info!(key = %new.fingerprint(), "the store key was changed");
        Ok(())
    }

    /// Opens the store whose key change was cut short: tries `key`, then
    /// `next`, and finishes the change when the store is already under
    /// `next`.
    pub fn open_finishing_change(
        dir: &Path,
        key: &StoreKey,
        next: &StoreKey,
    ) -> Result<(Store, crate::store::MigrationReport)> {
        let opened = match Store::open_in_dir(dir, key) {
            Ok(opened) => opened,
            Err(Error::WrongKey(_)) => Store::open_in_dir(dir, next)?,
            Err(e) => return Err(e),
        };
        let (mut store, report) = opened;
        store.change_key(next)?;
        Ok((store, report))
    }

    /// Takes a backup of this kind now and rotates that kind's copies.
    pub fn back_up(&self, kind: BackupKind, clock: &Clock) -> Result<BackupInfo> {
        let folder = self
            .backup_folder()?
            .ok_or_else(|| Error::Internal("an in-memory store has no backups".to_owned()))?;
        crate::fs::private_dir(&folder)?;
        let target = folder.join(file_name(kind, clock));
        remove_stale_partials(&folder);
        // Written to a file of Kizuna's own and renamed when complete, so a
        // crash never leaves a half copy that looks like a backup.
        let partial = crate::fs::temp_file_beside(&target)?;
        self.backup_to(partial.path())?;
        partial.as_file().sync_all()?;
        partial.persist(&target).map_err(|e| Error::Io(e.error))?;
        rotate(&folder, kind)?;
        tracing::info!(kind = kind.word(), path = %target.display(), "backup taken");
        info_of(&target).ok_or_else(|| Error::Internal("the backup was not written".to_owned()))
    }

    /// A copy before something that rewrites much; `None` for an in-memory store.
    pub(crate) fn backup_before(&self, what: &str, clock: &Clock) -> Result<Option<PathBuf>> {
        if self.path().is_none() {
            return Ok(None);
        }
        let kind = match what {
            "restore" => BackupKind::BeforeRestore,
            _ => BackupKind::BeforeImport,
        };
        Ok(Some(PathBuf::from(self.back_up(kind, clock)?.path)))
    }

    /// A copy before merging customers, unless one was taken before a
    /// merge in the last hour: tidying up a book is many merges in a row,
    /// each undoable on its own, and a copy of 100,000 customers takes
    /// seconds. `None` for an in-memory store or when the recent copy
    /// serves.
    pub(crate) fn backup_before_merge(&self, clock: &Clock) -> Result<Option<PathBuf>> {
        let Some(folder) = self.backup_folder()? else {
            return Ok(None);
        };
        let recent = list(&folder)?.into_iter().any(|b| {
            b.kind == BackupKind::BeforeMerge
                && (0..MERGE_BACKUP_SERVES).contains(&(clock.timestamp() - b.taken_at))
        });
        if recent {
            return Ok(None);
        }
        Ok(Some(PathBuf::from(
            self.back_up(BackupKind::BeforeMerge, clock)?.path,
        )))
    }

    /// Which automatic backups are missing: today's daily one and this
    /// week's weekly one, when automatic backups are on. Reads only the
    /// settings and the folder's listing, so it is cheap to ask often.
    pub fn backups_due(&self, clock: &Clock) -> Result<Vec<BackupKind>> {
        let Some(folder) = self.backup_folder()? else {
            return Ok(Vec::new());
        };
        if !self.settings()?.automatic_backups {
            return Ok(Vec::new());
        }
        let existing = list(&folder)?;
        let today = clock.today();
        let local = |at: i64| clock.local_day(at);
        let mut due = Vec::new();
        if !existing
            .iter()
            .any(|b| b.kind == BackupKind::Daily && local(b.taken_at) == today)
        {
            due.push(BackupKind::Daily);
        }
        let week = today.iso_week();
        if !existing
            .iter()
            .any(|b| b.kind == BackupKind::Weekly && local(b.taken_at).iso_week() == week)
        {
            due.push(BackupKind::Weekly);
        }
        Ok(due)
    }

    /// Takes the automatic backups [`Store::backups_due`] finds missing.
    pub fn back_up_if_due(&self, clock: &Clock) -> Result<Vec<BackupInfo>> {
        self.backups_due(clock)?
            .into_iter()
            .map(|kind| self.back_up(kind, clock))
            .collect()
    }

    /// Every backup in the backup folder, newest first.
    pub fn backups(&self) -> Result<Vec<BackupInfo>> {
        match self.backup_folder()? {
            Some(folder) => list(&folder),
            None => Ok(Vec::new()),
        }
    }

    /// Replaces the store with a backup, after checking the backup and
    /// backing up the store as it is.
    pub fn restore_backup(&mut self, path: &Path, clock: &Clock) -> Result<RestoreReport> {
        let (key, scratch) = self.key_and_scratch()?;
        let staged = stage(path, &key, &scratch)?;
        let contents = staged.contents.clone();
        let previous = Some(self.back_up(BackupKind::BeforeRestore, clock)?);
        self.replace_with(staged.file.path())?;
        // Everything derived is worked out again from what came back (a
        // backup from an older version may predate its owner), and
        // everything listening is told.
        // What could be undone was done to the store replaced.
        self.settle_restored_settings()?;
        let mut tx = self.begin()?;
        undo_log::clear(&tx)?;
        tx.changed.everything();
        self.commit(tx)?;
        tracing::info!(path = %path.display(), "store restored from a backup");
        Ok(RestoreReport {
            restored: contents,
            previous,
        })
    }
}

/// A copy cut short by a crash leaves one of Kizuna's own `.partial` files;
/// one older than an hour is not being written by anyone any more. Nothing
/// else in the folder (which may be the user's Downloads) is touched.
fn remove_stale_partials(folder: &Path) {
    let Ok(entries) = std::fs::read_dir(folder) else {
        return;
    };
    for entry in entries.filter_map(|e| e.ok()) {
        let name = entry.file_name();
        let stale = entry
            .metadata()
            .and_then(|m| m.modified())
            .ok()
            .and_then(|t| t.elapsed().ok())
            .is_some_and(|age| age > std::time::Duration::from_secs(3600));
        let name = name.to_string_lossy();
        let own = crate::fs::is_partial_name(&name);
        if own && stale && entry.file_type().is_ok_and(|t| t.is_file()) {
            let _ = std::fs::remove_file(entry.path());
        }
    }
}

/// Deletes the oldest copies of `kind` beyond what is kept.
fn rotate(folder: &Path, kind: BackupKind) -> Result<()> {
    let of_kind: Vec<BackupInfo> = list(folder)?
        .into_iter()
        .filter(|b| b.kind == kind)
        .collect();
    for old in of_kind.iter().skip(kind.kept()) {
        std::fs::remove_file(&old.path)?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backup_names_give_back_their_kind_and_time() {
        assert_eq!(
            parse_name("kizuna-daily-20261127T090000Z.sqlite3"),
            Some((BackupKind::Daily, 1_795_770_000))
        );
        assert_eq!(
            parse_name("kizuna-before-migration-v1-to-v2-20261127T090000Z.sqlite3").map(|(k, _)| k),
            Some(BackupKind::BeforeMigration)
        );
        assert_eq!(parse_name("kizuna.sqlite3"), None);
        assert_eq!(parse_name("notes.txt"), None);
    }

    #[test]
    fn new_backups_are_named_in_local_time() {
        let clock = Clock::at_local(
            chrono_tz::Asia::Tokyo,
            chrono::NaiveDate::from_ymd_opt(2026, 11, 27).expect("day"),
            18,
            0,
        )
        .expect("clock");
        let name = file_name(BackupKind::Daily, &clock);
        assert_eq!(name, "kizuna-daily-20261127T180000+0900.sqlite3");
        // The same moment as the UTC name of an earlier release.
        assert_eq!(parse_name(&name), Some((BackupKind::Daily, 1_795_770_000)));
    }
}
