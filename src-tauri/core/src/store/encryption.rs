//! SQLCipher at the file level: keying a connection, telling a plain
//! SQLite file from an encrypted one, and writing a file out again under
//! another key (or for the first time under one) without ever leaving the
//! user with a half-converted store.

use std::path::Path;

use rusqlite::{Connection, OpenFlags};

use crate::error::{Error, Result};
use crate::keys::StoreKey;

/// The first 16 bytes of every unencrypted SQLite file.
const PLAIN_HEADER: &[u8; 16] = b"SQLite format 3\0";

/// Gives `conn` the store key. Must come before anything reads the file.
pub(crate) fn apply_key(conn: &Connection, key: &StoreKey) -> Result<()> {
    // SQLCipher reports a wrong key on stderr as well as by its result;
    // the result is enough.
    conn.execute_batch("PRAGMA cipher_log_level = NONE")?;
    // PRAGMA takes no bound parameters; the literal is hex made here.
    let sql = zeroize::Zeroizing::new(format!("PRAGMA key = \"{}\"", &*key.sqlcipher_key()));
    conn.execute_batch(&sql)?;
    Ok(())
}

/// Re-encrypts an open store under `key`, in one transaction: every page
/// is rewritten, the WAL included.
pub(crate) fn rekey(conn: &Connection, key: &StoreKey) -> Result<()> {
    let sql = zeroize::Zeroizing::new(format!("PRAGMA rekey = \"{}\"", &*key.sqlcipher_key()));
    conn.execute_batch(&sql)?;
    Ok(())
}

/// Whether `path` is an unencrypted SQLite file (an earlier release's
/// store or backup). A missing or empty file is neither.
pub fn is_plain_sqlite(path: &Path) -> Result<bool> {
    use std::io::Read;
    let mut header = [0u8; 16];
    match std::fs::File::open(path) {
        Ok(mut file) => match file.read_exact(&mut header) {
            Ok(()) => Ok(&header == PLAIN_HEADER),
            Err(e) if e.kind() == std::io::ErrorKind::UnexpectedEof => Ok(false),
            Err(e) => Err(e.into()),
        },
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(false),
        Err(e) => Err(e.into()),
    }
}

/// Opens a file with `key` (or unkeyed for `None`) and reads its schema
/// version, which is where a wrong key shows.
pub(crate) fn open_keyed(
    path: &Path,
    key: Option<&StoreKey>,
    flags: OpenFlags,
    what: &str,
) -> Result<(Connection, i64)> {
    let conn = Connection::open_with_flags(path, flags | OpenFlags::SQLITE_OPEN_NO_MUTEX)?;
    if let Some(key) = key {
        apply_key(&conn, key)?;
    }
    let version = conn
        .query_row("PRAGMA user_version", [], |r| r.get::<_, i64>(0))
        .map_err(|e| match e.sqlite_error_code() {
            // SQLCipher cannot tell a wrong key from a damaged page 1; a
            // file that is not whole pages was never a database at all.
            Some(rusqlite::ErrorCode::NotADatabase) if key.is_some() && whole_pages(path) => {
                Error::WrongKey(what.to_owned())
            }
            Some(rusqlite::ErrorCode::NotADatabase | rusqlite::ErrorCode::DatabaseCorrupt) => {
                Error::CorruptDatabase(e.to_string())
            }
            _ => Error::Storage(e),
        })?;
    Ok((conn, version))
}

pub(crate) fn whole_pages(path: &Path) -> bool {
    std::fs::metadata(path).is_ok_and(|m| m.len() >= 512 && m.len() % 512 == 0)
}

/// Writes the content of `source` to the new file `target` encrypted with
/// `key`, keeping the schema version (which `sqlcipher_export` leaves out).
pub(crate) fn export_encrypted(source: &Connection, target: &Path, key: &StoreKey) -> Result<()> {
    let version: i64 = source.query_row("PRAGMA user_version", [], |r| r.get(0))?;
    let attach = zeroize::Zeroizing::new(format!(
        "ATTACH DATABASE ?1 AS encrypted KEY \"{}\"",
        &*key.sqlcipher_key()
    ));
    let target_text = target
        .to_str()
        .ok_or_else(|| Error::Internal("a folder name that is not UTF-8".to_owned()))?;
    source.execute(&attach, [target_text])?;
    let exported = source
        .query_row("SELECT sqlcipher_export('encrypted')", [], |_| Ok(()))
        .and_then(|()| source.pragma_update(Some("encrypted"), "user_version", version));
    source.execute_batch("DETACH DATABASE encrypted")?;
    exported?;
    Ok(())
}

/// What a file holds, to compare a converted copy with its original.
fn tally(conn: &Connection) -> Result<(i64, i64, i64)> {
    let check: String = conn.query_row("PRAGMA integrity_check", [], |r| r.get(0))?;
    if check != "ok" {
        return Err(Error::CorruptDatabase(format!("integrity check: {check}")));
    }
    let version = conn.query_row("PRAGMA user_version", [], |r| r.get(0))?;
    let objects = conn.query_row("SELECT count(*) FROM sqlite_schema", [], |r| r.get(0))?;
    let has_customers: bool = conn.query_row(
        "SELECT count(*) > 0 FROM sqlite_schema WHERE type = 'table' AND name = 'customers'",
        [],
        |r| r.get(0),
    )?;
    let customers = if has_customers {
        conn.query_row("SELECT count(*) FROM customers", [], |r| r.get(0))?
    } else {
        0
    };
    Ok((version, objects, customers))
}

/// Rewrites the closed SQLite file at `path` under `to` — from plain
/// (`from` = `None`) or from another key — and swaps it in only after the
/// new copy opens with `to` and holds the same as the old one. The old
/// file's bytes are overwritten after the swap (best effort: a flash disk
/// may keep old blocks), so no readable copy stays behind.
pub(crate) fn reencrypt_file(path: &Path, from: Option<&StoreKey>, to: &StoreKey) -> Result<()> {
    let what = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let temp = crate::fs::temp_file_beside(path)?;
    {
        let (source, _) = open_keyed(path, from, OpenFlags::SQLITE_OPEN_READ_WRITE, &what)?;
        // Everything into the main file, so the WAL can go.
        source.query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |_| Ok(()))?;
        let before = tally(&source)?;
        export_encrypted(&source, temp.path(), to)?;
        let (copy, _) = open_keyed(
            temp.path(),
            Some(to),
            OpenFlags::SQLITE_OPEN_READ_ONLY,
            &what,
        )?;
        let after = tally(&copy)?;
        if before != after {
            return Err(Error::Internal(format!(
                "the encrypted copy of {what} differs from the original ({before:?} ≠ {after:?}); the original was kept"
            )));
        }
    }
    temp.as_file().sync_all()?;
    // The old file is held open so its bytes can be overwritten once the
    // new one has taken its name.
    let old = std::fs::OpenOptions::new().write(true).open(path)?;
    // A WAL left beside the old file would be replayed into the new one.
    for suffix in ["-wal", "-shm"] {
        let mut side = path.as_os_str().to_owned();
        side.push(suffix);
        match std::fs::remove_file(&side) {
            Ok(()) => {}
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
            Err(e) => return Err(e.into()),
        }
    }
    temp.persist(path).map_err(|e| Error::Io(e.error))?;
    crate::fs::private_file(path)?;
    scrub(old);
    Ok(())
}

/// Overwrites a replaced file's bytes with zeros.
fn scrub(file: std::fs::File) {
    use std::io::Write;
    let Ok(len) = file.metadata().map(|m| m.len()) else {
        return;
    };
    let mut writer = std::io::BufWriter::new(&file);
    let zeros = vec![0u8; 64 * 1024];
    let mut left = len;
    while left > 0 {
        let n = left.min(zeros.len() as u64) as usize;
        if writer.write_all(&zeros[..n]).is_err() {
            return;
        }
        left -= n as u64;
    }
    let _ = writer.flush();
    drop(writer);
    let _ = file.sync_all();
}
