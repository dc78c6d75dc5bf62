//! Backups on real files: taken daily and weekly and rotated, in the folder
//! the user chose, checked before a restore, and a restore that brings the
//! store back exactly after backing up what it replaces.

#[allow(dead_code)]
#[path = "support/fixtures.rs"]
mod fixtures;

use kizuna_core::backup::BackupKind;
use kizuna_core::customer::CustomerQuery;
use kizuna_core::settings::Settings;
use kizuna_core::store::DATABASE_FILE;
use kizuna_core::{Clock, Error, Store};

fn names(store: &Store) -> Vec<String> {
    let mut all: Vec<String> = store
        .export_profiles(None)
        .expect("profiles")
        .into_iter()
        .map(|c| c.profile.family_name)
        .collect();
    all.sort();
    all
}

fn day(n: u32) -> Clock {
    fixtures::clock_on(2026, 11, n)
}

#[test]
fn daily_and_weekly_backups_are_taken_once_and_rotated() {
    let dir = tempfile::tempdir().expect("dir");
    let (mut store, _) = Store::open_in_dir(dir.path(), &fixtures::key()).expect("store");
    store
        .create_customer(
            fixtures::person("山田", "太郎", "やまだ", "たろう"),
            &day(1),
        )
        .expect("customer");
    // 2026-11-02 is a Monday; eleven days cross two week boundaries.
    let taken = store.back_up_if_due(&day(2)).expect("backup");
    assert_eq!(
        taken.iter().map(|b| b.kind).collect::<Vec<_>>(),
        [BackupKind::Daily, BackupKind::Weekly]
    );
    assert!(
        store.back_up_if_due(&day(2)).expect("again").is_empty(),
        "once a day"
    );
    // The next day only the daily one is due: the week already has one.
    assert_eq!(
        store.backups_due(&day(3)).expect("due"),
        [BackupKind::Daily]
    );
    for n in 3..=12 {
        store.back_up_if_due(&day(n)).expect("backup");
    }
    let all = store.backups().expect("list");
    let daily: Vec<_> = all.iter().filter(|b| b.kind == BackupKind::Daily).collect();
    let weekly: Vec<_> = all
        .iter()
        .filter(|b| b.kind == BackupKind::Weekly)
        .collect();
    assert_eq!(daily.len(), 7, "the newest seven days are kept");
    assert_eq!(weekly.len(), 2, "one a week");
    assert_eq!(daily[0].taken_at, day(12).timestamp(), "newest first");
    assert!(
        dir.path()
            .join("backups")
            .join(&daily[0].file_name)
            .is_file()
    );
    // Nothing half-written is left behind.
    let stray = std::fs::read_dir(dir.path().join("backups"))
        .expect("folder")
        .filter_map(|e| e.ok())
        .filter(|e| e.file_name().to_string_lossy().ends_with(".partial"))
        .count();
    assert_eq!(stray, 0);

    // Turned off, none are taken; a chosen folder is used.
    let elsewhere = tempfile::tempdir().expect("usb stick");
    store
        .save_settings(&Settings {
            automatic_backups: false,
            backup_folder: elsewhere.path().display().to_string(),
            ..Settings::default()
        })
        .expect("settings");
    // The window cannot name a folder: only the shell's dialog can.
    assert_eq!(store.settings().expect("settings").backup_folder, "");
    // A folder others can write to (here /tmp itself) is refused.
    assert!(
        store
            .set_backup_folder(std::path::Path::new("/tmp"))
            .is_err()
    );
    store
        .set_backup_folder(elsewhere.path())
        .expect("a private folder is accepted");
    assert!(store.back_up_if_due(&day(20)).expect("off").is_empty());
    let manual = store
        .back_up(BackupKind::Manual, &day(20))
        .expect("back up now");
    assert!(
        manual
            .path
            .starts_with(&elsewhere.path().display().to_string())
    );
    assert_eq!(store.backups().expect("list").len(), 1);
}

#[test]
fn a_backup_is_checked_and_restored_after_the_current_store_is_backed_up() {
    let dir = tempfile::tempdir().expect("dir");
    let clock = fixtures::clock();
    let (mut store, _) = Store::open_in_dir(dir.path(), &fixtures::key()).expect("store");
    for (family, reading) in [("山田", "やまだ"), ("佐藤", "さとう"), ("林", "はやし")]
    {
        store
            .create_customer(fixtures::person(family, "一", reading, "はじめ"), &clock)
            .expect("customer");
    }
    let draft = store
        .create_customer(fixtures::person("仮", "", "かり", ""), &clock)
        .expect("customer")
        .id;
    let undo_before = store.delete_customer(draft, &clock).expect("delete");
    let saved = store.back_up(BackupKind::Manual, &clock).expect("backup");
    let contents = store
        .inspect_backup(std::path::Path::new(&saved.path))
        .expect("inspect");
    assert_eq!(contents.customers, 3);
    assert_eq!(contents.info.kind, BackupKind::Manual);
    assert_eq!(
        contents.last_change_at,
        Some(clock.timestamp()),
        "with no touchpoints yet"
    );

    // Later changes: one more customer, one gone.
    let later = Clock::new(clock.now + chrono::Duration::minutes(5), clock.tz);
    store
        .create_customer(fixtures::person("森", "二郎", "もり", "じろう"), &later)
        .expect("customer");
    let hayashi = store
        .export_profiles(None)
        .expect("profiles")
        .into_iter()
        .find(|c| c.profile.family_name == "林")
        .expect("林")
        .id;
    let undo_after = store.delete_customer(hayashi, &later).expect("delete");
    assert_eq!(names(&store), ["佐藤", "山田", "森"]);

    let report = store
        .restore_backup(std::path::Path::new(&saved.path), &later)
        .expect("restore");
    assert_eq!(names(&store), ["佐藤", "山田", "林"]);
    assert_eq!(report.restored.customers, 3);
    // What could be undone was done to the store replaced: nothing the
    // interface still offers to undo reaches into the restored one.
    for undo in [undo_before, undo_after] {
        assert!(
            matches!(store.undo(undo, &later), Err(Error::UndoExpired)),
            "{undo:?}"
        );
    }
    assert_eq!(names(&store), ["佐藤", "山田", "林"]);
    let previous = report.previous.expect("the replaced store was backed up");
    assert_eq!(previous.kind, BackupKind::BeforeRestore);
    assert_eq!(
        store
            .inspect_backup(std::path::Path::new(&previous.path))
            .expect("inspect")
            .customers,
        3,
        "the copy taken first holds what was replaced (山田, 佐藤, 森)"
    );
    // Search and the store's own checks agree with what came back.
    let found = store
        .list_customers(&CustomerQuery {
            text: "林".to_owned(),
            ..CustomerQuery::default()
        })
        .expect("search");
    assert_eq!(found.total, 1);
    assert!(store.integrity_problems().expect("check").is_empty());
    drop(store);
    let (reopened, _) = Store::open_in_dir(dir.path(), &fixtures::key()).expect("reopen");
    assert_eq!(names(&reopened), ["佐藤", "山田", "林"]);
}

#[test]
fn what_is_not_a_sound_kizuna_store_is_refused_before_anything_is_replaced() {
    let dir = tempfile::tempdir().expect("dir");
    let clock = fixtures::clock();
    let (mut store, _) =
        Store::open_in_dir(&dir.path().join("live"), &fixtures::key()).expect("store");
    store
        .create_customer(fixtures::person("山田", "太郎", "やまだ", "たろう"), &clock)
        .expect("customer");
    let saved = store.back_up(BackupKind::Manual, &clock).expect("backup");

    let text = dir.path().join("notes.sqlite3");
    std::fs::write(&text, "this is not a database").expect("write");
    assert!(matches!(
        store.restore_backup(&text, &clock),
        Err(Error::NotKizunaFile(_))
    ));

    // Cut short, as a failing USB stick might leave it.
    let bytes = std::fs::read(&saved.path).expect("read");
    let cut = dir.path().join("cut.sqlite3");
    std::fs::write(&cut, &bytes[..bytes.len() / 2]).expect("write");
    assert!(store.restore_backup(&cut, &clock).is_err());

    // Written by a newer Kizuna.
    let newer = dir.path().join("newer.sqlite3");
    std::fs::copy(&saved.path, &newer).expect("copy");
    fixtures::raw(&newer)
        .pragma_update(None, "user_version", 99)
        .expect("bump version");
    assert!(matches!(
        store.restore_backup(&newer, &clock),
        Err(Error::NewerDatabase { found: 99, .. })
    ));

    assert_eq!(names(&store), ["山田"]);
    let before_restores = store
        .backups()
        .expect("list")
        .iter()
        .filter(|b| b.kind == BackupKind::BeforeRestore)
        .count();
    assert_eq!(
        before_restores, 0,
        "nothing was replaced, so nothing was backed up"
    );
}

fn holds(path: &std::path::Path, needle: &[u8]) -> bool {
    std::fs::read(path).is_ok_and(|bytes| bytes.windows(needle.len()).any(|w| w == needle))
}

#[test]
fn a_customer_cannot_be_read_from_the_store_its_wal_or_a_backup_without_the_key() {
    let dir = tempfile::tempdir().expect("dir");
    let clock = fixtures::clock();
    let (mut store, _) = Store::open_in_dir(dir.path(), &fixtures::key()).expect("store");
    let mut person = fixtures::person("Zebedee", "Quixotic", "", "");
    person.notes = "allergic-to-penicillin-XYZZY".to_owned();
    store.create_customer(person, &clock).expect("customer");
    let backup = store.back_up(BackupKind::Manual, &clock).expect("backup");
    let wal = dir.path().join(format!("{DATABASE_FILE}-wal"));
    assert!(wal.exists(), "the WAL holds the latest write");
    for file in [
        dir.path().join(DATABASE_FILE),
        wal,
        backup.path.clone().into(),
    ] {
        for secret in [&b"XYZZY"[..], b"Zebedee", b"Quixotic"] {
            assert!(
                !holds(&file, secret),
                "{} holds {:?} readable",
                file.display(),
                secret
            );
        }
    }
    drop(store);

    // A wrong key is told as such, and the file is left as it was.
    let before = std::fs::read(dir.path().join(DATABASE_FILE)).expect("read");
    let wrong = kizuna_core::keys::StoreKey::from_bytes([9; 32]);
    assert!(matches!(
        Store::open_in_dir(dir.path(), &wrong),
        Err(Error::WrongKey(_))
    ));
    assert_eq!(
        std::fs::read(dir.path().join(DATABASE_FILE)).expect("read"),
        before
    );
    let (store, _) = Store::open_in_dir(dir.path(), &fixtures::key()).expect("reopen");
    assert_eq!(names(&store), ["Zebedee"]);
}

#[test]
fn an_earlier_releases_plain_store_and_backups_are_encrypted_on_opening() {
    let dir = tempfile::tempdir().expect("dir");
    let path = dir.path().join(DATABASE_FILE);
    {
        // A plain store as the previous release wrote it: made here, then
        // written out unencrypted.
        let made = tempfile::tempdir().expect("dir");
        let (mut store, _) = Store::open_in_dir(made.path(), &fixtures::key()).expect("store");
        store
            .create_customer(
                fixtures::person("Plainfield", "Ann", "", ""),
                &fixtures::clock(),
            )
            .expect("customer");
        drop(store);
        let keyed = fixtures::raw(&made.path().join(DATABASE_FILE));
        keyed
            .execute(
                "ATTACH DATABASE ?1 AS plain KEY ''",
                [path.display().to_string()],
            )
            .expect("attach");
        keyed
            .query_row("SELECT sqlcipher_export('plain')", [], |_| Ok(()))
            .expect("export");
        keyed
            .pragma_update(
                Some("plain"),
                "user_version",
                kizuna_core::store::SCHEMA_VERSION,
            )
            .expect("version");
    }
    std::fs::create_dir_all(dir.path().join("backups")).expect("backups");
    let old_backup = dir
        .path()
        .join("backups/kizuna-daily-20261101T090000Z.sqlite3");
    std::fs::copy(&path, &old_backup).expect("plain backup");
    assert!(holds(&path, b"Plainfield"));

    let (store, report) = Store::open_in_dir(dir.path(), &fixtures::key()).expect("encrypts");
    assert!(report.encrypted_now);
    assert_eq!(store.customer_count().expect("count"), 1);
    assert!(!holds(&path, b"Plainfield"), "the store is encrypted");
    assert!(!holds(&old_backup, b"Plainfield"), "its backups too");
    assert_eq!(
        store
            .inspect_backup(&old_backup)
            .expect("the backup opens")
            .customers,
        1
    );
}

#[test]
fn a_backup_carrying_an_extra_trigger_is_refused() {
    let dir = tempfile::tempdir().expect("dir");
    let clock = fixtures::clock();
    let (mut store, _) =
        Store::open_in_dir(&dir.path().join("live"), &fixtures::key()).expect("store");
    let saved = store.back_up(BackupKind::Manual, &clock).expect("backup");
    let crafted = dir.path().join("crafted.sqlite3");
    std::fs::copy(&saved.path, &crafted).expect("copy");
    fixtures::raw(&crafted)
        .execute_batch("CREATE VIEW spin AS WITH RECURSIVE n(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM n) SELECT x FROM n;")
        .expect("plant a view");
    assert!(matches!(
        store.restore_backup(&crafted, &clock),
        Err(Error::NotKizunaFile(_))
    ));
}

#[test]
fn a_search_after_a_restore_finds_the_restored_book() {
    let dir = tempfile::tempdir().expect("dir");
    let clock = fixtures::clock();
    let (mut store, _) = Store::open_in_dir(dir.path(), &fixtures::key()).expect("store");
    let golfer = |family: &str, reading: &str| {
        let mut p = fixtures::person(family, "", reading, "");
        p.tags = vec!["ゴルフ".to_owned()];
        p
    };
    let add = |store: &mut Store, family: &str, reading: &str| {
        store
            .create_customer(golfer(family, reading), &clock)
            .expect("customer");
    };
    add(&mut store, "青木", "あおき");
    add(&mut store, "井上", "いのうえ");
    let saved = store.back_up(BackupKind::Manual, &clock).expect("backup");
    add(&mut store, "上田", "うえだ");
    add(&mut store, "江口", "えぐち");
    let golfers = |store: &Store| fixtures::found(store, "ゴルフ");
    assert_eq!(golfers(&store), ["青木", "井上", "上田", "江口"]);
    // Another connection (a job's, the scheduler's) has searched too.
    let (other, _) = Store::open_in_dir(dir.path(), &fixtures::key()).expect("other");
    assert_eq!(golfers(&other), ["青木", "井上", "上田", "江口"]);

    store
        .restore_backup(std::path::Path::new(&saved.path), &clock)
        .expect("restore");
    // As many changes again as the restore took back, before searching
    // again: the search sees the book as it is, not as it was before, on
    // this connection and on the other, which kept its memory of the book
    // under the count the changes reach again.
    add(&mut store, "小野", "おの");
    add(&mut store, "加藤", "かとう");
    assert_eq!(golfers(&store), ["青木", "井上", "小野", "加藤"]);
    assert_eq!(golfers(&other), ["青木", "井上", "小野", "加藤"]);
    // The new customers took the numbers the ones restored away had: a
    // memory of the names before would not find them by name.
    assert_eq!(fixtures::found(&other, "小野"), ["小野"]);
    assert_eq!(fixtures::found(&other, "うえだ"), Vec::<String>::new());
}
