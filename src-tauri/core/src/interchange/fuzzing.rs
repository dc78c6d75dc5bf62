//! The readers as the fuzzers and their regression corpus drive them: any
//! bytes in; nothing here may panic, errors are fine.
//!
//! The fuzz targets take the paths that need no store, so that an input
//! costs microseconds rather than a store's worth of SQL: a vCard file read
//! and previewed as an import, a CSV file decoded, its layout and column
//! meanings guessed, then read and previewed with them, and a JSON snapshot
//! checked as a restore checks it before writing, a file checked as a
//! backup is before a restore. The `…_into_store` paths also match and
//! write an import to a store in memory; the regression corpus runs those
//! too.

use std::collections::HashMap;
use std::sync::OnceLock;

use super::import::plan_into_empty_book;
use super::table::{self, CsvOptions};
use super::text::TextEncoding;
use super::{ReadFile, snapshot, vcard};
use crate::Store;
use crate::reminder::DraftLanguage;
use crate::store::rows::{self, TABLES};

fn clock() -> crate::Clock {
    crate::Clock::new(
        chrono::DateTime::from_timestamp(1_795_770_000, 0).unwrap_or_default(),
        chrono_tz::Asia::Tokyo,
    )
}

fn read_vcard(bytes: &[u8]) -> Option<(ReadFile, TextEncoding)> {
    let mut go_on = |_: u64, _: u64| true;
    vcard::read(bytes, TextEncoding::Auto, DraftLanguage::Ja, &mut go_on).ok()
}

/// Reads a sheet as the import dialog first proposes it: the encoding,
/// header row and column meanings guessed.
fn read_csv(bytes: &[u8]) -> Option<(ReadFile, TextEncoding)> {
    let sheet = table::inspect(bytes, TextEncoding::Auto, DraftLanguage::Ja).ok()?;
    let options = CsvOptions {
        encoding: sheet.encoding,
        mapping: sheet.mapping,
    };
    let mut go_on = |_: u64, _: u64| true;
    table::read(bytes, &options, &mut go_on).ok()
}

/// A vCard file read and previewed as an import into an empty book.
pub fn vcard(bytes: &[u8]) {
    if let Some((file, encoding)) = read_vcard(bytes) {
        let _ = plan_into_empty_book(file, encoding, clock().today());
    }
}

/// A CSV file decoded and split into rows, its layout and column meanings
/// guessed, its rows read with them and previewed as an import into an
/// empty book. The file is split once: as [`table::inspect`] then
/// [`table::read`] would, without doing it twice.
pub fn csv(bytes: &[u8]) {
    let Ok(sheet) = table::rows_of(bytes, TextEncoding::Auto) else {
        return;
    };
    let Ok(layout) = table::layout(&sheet, DraftLanguage::Ja) else {
        return;
    };
    let mut go_on = |_: u64, _: u64| true;
    if let Ok(file) = table::contacts(&sheet, &layout.mapping, &mut go_on) {
        let _ = plan_into_empty_book(file, sheet.encoding, clock().today());
    }
}

/// A JSON snapshot read and checked as a restore checks it before it
/// writes anything.
pub fn snapshot(bytes: &[u8]) {
    let schema = schema();
    let _ = snapshot::read(bytes, |table| {
        Ok(schema.get(table).cloned().unwrap_or_default())
    });
}

/// The stored columns of every recorded table, read once from a store in
/// memory, for checking snapshots without one.
fn schema() -> &'static HashMap<&'static str, Vec<String>> {
    static SCHEMA: OnceLock<HashMap<&'static str, Vec<String>>> = OnceLock::new();
    SCHEMA.get_or_init(|| {
        // Without the schema every snapshot would be refused and the
        // fuzzer would test nothing: a harness that cannot start says so.
        let store = Store::open_in_memory().expect("a store in memory opens");
        TABLES
            .iter()
            .filter_map(|table| Some((*table, rows::columns(store.conn(), table).ok()?)))
            .collect()
    })
}

/// The key the backup target's store would have: an earlier release's
/// unencrypted backup is encrypted under it on the way, as in a restore.
pub fn backup_key() -> crate::keys::StoreKey {
    crate::keys::StoreKey::from_bytes([7; 32])
}

thread_local! {
    // One private folder for every input of a run: the file to check is
    // written there, and the checks stage their copies beside it.
    static SCRATCH: Option<tempfile::TempDir> = tempfile::tempdir().ok();
}

/// Any bytes as a backup file: copied somewhere private, opened as an
/// unencrypted or an encrypted store, its schema compared with Kizuna's at
/// its version, its integrity checked, its rows counted.
pub fn backup(bytes: &[u8]) -> Option<crate::Result<crate::backup::BackupContents>> {
    SCRATCH.with(|scratch| {
        let scratch = scratch.as_ref()?.path();
        let file = scratch.join("backup.sqlite3");
        std::fs::write(&file, bytes).ok()?;
        Some(crate::backup::inspect(&file, &backup_key(), scratch))
    })
}

thread_local! {
    // One store for every input of a run: opening one costs more than
    // most inputs, and what earlier inputs left gives later ones
    // customers to match.
    static STORE: std::cell::RefCell<Option<Store>> = const { std::cell::RefCell::new(None) };
}

fn import(file: ReadFile, encoding: TextEncoding) {
    STORE.with(|cell| {
        let mut slot = cell.borrow_mut();
        if slot.is_none() {
            *slot = Store::open_in_memory().ok();
        }
        let Some(store) = slot.as_mut() else { return };
        let clock = clock();
        let mut go_on = |_: u64, _: u64| true;
        if let Ok(plan) = store.plan_import(file, encoding, &clock, &mut go_on) {
            let _ = store.apply_import(plan, &clock, &mut go_on);
        }
    });
}

/// A vCard file read, planned and imported into a store in memory.
pub fn vcard_into_store(bytes: &[u8]) {
    if let Some((file, encoding)) = read_vcard(bytes) {
        import(file, encoding);
    }
}

/// A CSV file inspected, read, planned and imported into a store in memory.
pub fn csv_into_store(bytes: &[u8]) {
    if let Some((file, encoding)) = read_csv(bytes) {
        import(file, encoding);
    }
}
