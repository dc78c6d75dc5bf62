//! The fuzzers' regression corpus: every input that once found a problem,
//! and seeds for each format, run through the paths the fuzz targets drive
//! (`src-tauri/core/fuzz`) and through the whole import or restore into a
//! store in memory, or checked as a backup before a restore. None may
//! panic.

use std::path::{Path, PathBuf};

use kizuna_core::interchange::fuzzing;
use kizuna_core::{Clock, Store};

fn corpus(folder: &str) -> Vec<(PathBuf, Vec<u8>)> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/corpus")
        .join(folder);
    let mut files: Vec<(PathBuf, Vec<u8>)> = std::fs::read_dir(&dir)
        .expect("corpus folder")
        .map(|entry| {
            let path = entry.expect("entry").path();
            let bytes = std::fs::read(&path).expect("corpus file");
            (path, bytes)
        })
        .collect();
    files.sort();
    files
}

fn each(folder: &str, runs: &[fn(&[u8])]) -> usize {
    let files = corpus(folder);
    for (path, bytes) in &files {
        for run in runs {
            let outcome = std::panic::catch_unwind(|| run(bytes));
            assert!(outcome.is_ok(), "{} panicked", path.display());
        }
    }
    files.len()
}

#[test]
fn no_vcard_in_the_corpus_makes_the_import_panic() {
    let runs: [fn(&[u8]); 2] = [fuzzing::vcard, fuzzing::vcard_into_store];
    assert!(each("vcard", &runs) > 10);
}

#[test]
fn no_csv_in_the_corpus_makes_the_import_panic() {
    let runs: [fn(&[u8]); 2] = [fuzzing::csv, fuzzing::csv_into_store];
    assert!(each("csv", &runs) > 10);
}

/// Each snapshot is also restored into a fresh store: Kizuna's own exports
/// come back, and everything else is refused with an error.
#[test]
fn no_snapshot_in_the_corpus_makes_the_restore_panic() {
    assert!(each("snapshot", &[fuzzing::snapshot]) > 10);
    let clock = Clock::new(
        chrono::DateTime::from_timestamp(1_796_268_569, 0).expect("time"),
        chrono_tz::Asia::Tokyo,
    );
    let mut restored = 0;
    for (path, bytes) in corpus("snapshot") {
        let mut store = Store::open_in_memory().expect("store");
        let outcome = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
            store.restore_snapshot(&bytes, &clock, &mut |_, _| true)
        }));
        let name = path.file_name().expect("name").to_string_lossy();
        match outcome {
            Err(_) => panic!("{} panicked", path.display()),
            Ok(result) if name.starts_with("export-") => {
                result.expect("Kizuna's own export restores");
                restored += 1;
            }
            Ok(_) if name.starts_with("fuzz-") => {}
            Ok(result) => assert!(result.is_err(), "{name} was restored"),
        }
    }
    assert_eq!(restored, 3);
}

/// Only the sound store among the backups passes the checks: a crafted
/// view or trigger, a newer or missing version, a cut or damaged file are
/// each refused.
#[test]
fn only_a_sound_store_in_the_corpus_passes_as_a_backup() {
    let files = corpus("backup");
    assert!(
        files.len() >= 8,
        "the seeds are in the corpus: {}",
        files.len()
    );
    let mut sound = 0;
    for (path, bytes) in files {
        let name = path
            .file_name()
            .expect("name")
            .to_string_lossy()
            .into_owned();
        let outcome = std::panic::catch_unwind(|| fuzzing::backup(&bytes));
        let checked = outcome
            .unwrap_or_else(|_| panic!("{name} panicked"))
            .expect("the scratch folder");
        if name.starts_with("kizuna-") {
            let contents = checked.unwrap_or_else(|e| panic!("{name} refused: {e}"));
            assert_eq!(contents.customers, 1, "{name}");
            sound += 1;
        } else {
            assert!(checked.is_err(), "{name} passed as a backup");
        }
    }
    assert_eq!(sound, 1, "one sound store among the seeds");
}

/// A backup encrypted with the store's key passes; the same file with one
/// byte changed does not.
#[test]
fn an_encrypted_backup_passes_and_a_damaged_copy_does_not() {
    let dir = tempfile::tempdir().expect("dir");
    let (mut store, _) = Store::open_in_dir(dir.path(), &fuzzing::backup_key()).expect("store");
    let clock = Clock::new(
        chrono::DateTime::from_timestamp(1_796_268_569, 0).expect("time"),
        chrono_tz::Asia::Tokyo,
    );
    let person = kizuna_core::domain::customer::CustomerProfile {
        family_name: "Seedling".to_owned(),
        ..Default::default()
    };
    store.create_customer(person, &clock).expect("customer");
    let taken = store
        .back_up(kizuna_core::backup::BackupKind::Manual, &clock)
        .expect("backup");
    let mut bytes = std::fs::read(&taken.path).expect("backup bytes");
    let checked = fuzzing::backup(&bytes).expect("scratch");
    assert_eq!(checked.expect("the backup passes").customers, 1);
    let middle = bytes.len() / 2;
    bytes[middle] ^= 0x5a;
    assert!(fuzzing::backup(&bytes).expect("scratch").is_err());
}
