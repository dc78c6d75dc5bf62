//! Backups: whole copies of the store taken with SQLite's online backup
//! (consistent even while the app writes), daily and before anything that
//! rewrites much (a migration, an import, a restore), kept in the data
//! folder's `backups/` or a folder the user picks (a USB stick, a synced
//! folder), and rotated: the newest 7 daily and 4 weekly copies stay.
//!
//! A restore first checks the copy (`integrity_check`, that it is a Kizuna
//! store this version can open), then backs up the current store, then
//! copies the backup in, page by page, through the open connection.

use std::path::{Path, PathBuf};

use chrono::{Datelike, NaiveDateTime};
use rusqlite::{Connection, OpenFlags};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::domain::clock::Clock;
use crate::error::{Error, Result};
use crate::store::{SCHEMA_VERSION, Store, undo_log};

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
}

impl BackupKind {
    const ALL: [BackupKind; 6] = [
        BackupKind::Daily,
        BackupKind::Weekly,
        BackupKind::Manual,
        BackupKind::BeforeImport,
        BackupKind::BeforeRestore,
        BackupKind::BeforeMigration,
    ];

    fn word(self) -> &'static str {
        match self {
            BackupKind::Daily => "daily",
            BackupKind::Weekly => "weekly",
            BackupKind::Manual => "manual",
            BackupKind::BeforeImport => "before-import",
            BackupKind::BeforeRestore => "before-restore",
            BackupKind::BeforeMigration => "before-migration",
        }
    }

    /// How many of this kind are kept; older ones are deleted.
    fn kept(self) -> usize {
        match self {
            BackupKind::Daily => 7,
            BackupKind::Weekly => 4,
            BackupKind::Manual => 10,
            BackupKind::BeforeImport | BackupKind::BeforeRestore | BackupKind::BeforeMigration => 5,
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

/// Opens a backup read-only and checks it: a sound SQLite file
/// (`integrity_check`), holding a Kizuna store this version can open.
pub fn inspect(path: &Path) -> Result<BackupContents> {
    let info = info_of(path).unwrap_or_else(|| BackupInfo {
        path: path.display().to_string(),
        file_name: path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default(),
        kind: BackupKind::Manual,
        taken_at: 0,
        size: std::fs::metadata(path).map(|m| m.len()).unwrap_or(0),
    });
    if !path.is_file() {
        return Err(Error::NotKizunaFile(format!(
            "{} is not a file",
            path.display()
        )));
    }
    let not_kizuna = |e: rusqlite::Error| Error::NotKizunaFile(e.to_string());
    let conn = Connection::open_with_flags(
        path,
        OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX,
    )
    .map_err(not_kizuna)?;
    let schema_version: i64 = conn
        .query_row("PRAGMA user_version", [], |r| r.get(0))
        .map_err(not_kizuna)?;
    if schema_version > SCHEMA_VERSION {
        return Err(Error::NewerDatabase {
            found: schema_version,
            supported: SCHEMA_VERSION,
        });
    }
    let check: String = conn
        .query_row("PRAGMA integrity_check", [], |r| r.get(0))
        .map_err(not_kizuna)?;
    if check != "ok" {
        return Err(Error::NotKizunaFile(format!("integrity check: {check}")));
    }
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
    if schema_version < 1 {
        return Err(Error::NotKizunaFile("no Kizuna schema version".to_owned()));
    }
    Ok(BackupContents {
        info,
        schema_version,
        customers,
        touchpoints,
        purchases,
        last_change_at,
    })
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

    /// Takes a backup of this kind now and rotates that kind's copies.
    pub fn back_up(&self, kind: BackupKind, clock: &Clock) -> Result<BackupInfo> {
        let folder = self
            .backup_folder()?
            .ok_or_else(|| Error::Internal("an in-memory store has no backups".to_owned()))?;
        std::fs::create_dir_all(&folder)?;
        let target = folder.join(file_name(kind, clock));
        // Written under another name and renamed when complete, so a crash
        // never leaves a half copy that looks like a backup.
        let partial = folder.join(format!(".{}.partial", file_name(kind, clock)));
        remove_stale_partials(&folder);
        {
            let mut dest = Connection::open(&partial)?;
            let backup = rusqlite::backup::Backup::new(self.conn(), &mut dest)?;
            // Large steps: the copy is taken in one go, not interleaved.
            backup.run_to_completion(1 << 20, std::time::Duration::ZERO, None)?;
        }
        std::fs::rename(&partial, &target)?;
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
        let contents = inspect(path)?;
        let previous = match self.path() {
            Some(_) => Some(self.back_up(BackupKind::BeforeRestore, clock)?),
            None => None,
        };
        self.replace_with(path)?;
        // Everything derived is worked out again from what came back (a
        // backup from an older version may predate its owner), and
        // everything listening is told.
        // What could be undone was done to the store replaced.
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

/// A copy cut short by a crash leaves a `.partial` file; one older than an
/// hour is not being written by anyone any more.
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
        if name.to_string_lossy().ends_with(".partial") && stale {
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
