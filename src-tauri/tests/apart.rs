//! The app's own binary doing the day's big reads in a process of its own,
//! the store's key on its standard input, as the window and the scheduler
//! have it do: `kizuna --prepare-agenda DIR` derives a new day's agenda,
//! `kizuna --back-up-if-due DIR` takes the automatic backups.

use std::io::Write;
use std::path::Path;
use std::process::{Command, Output, Stdio};

use kizuna_core::keys::StoreKey;
use kizuna_core::reminder::{DraftLanguage, TodayView};
use kizuna_core::{Clock, Store};

fn apart(work: &str, dir: &Path, key_text: &str) -> Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_kizuna"))
        .arg(work)
        .arg(dir)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("the binary starts");
    child
        .stdin
        .take()
        .expect("a pipe")
        .write_all(key_text.as_bytes())
        .expect("the key is written");
    child.wait_with_output().expect("the process ends")
}

/// A book of demo customers whose agenda waits to be derived for the day,
/// as after a new day or a changed setting.
fn prepare_agenda(dir: &Path, key_text: &str) -> Output {
    apart("--prepare-agenda", dir, key_text)
}

fn book_due_a_new_agenda(dir: &Path, key: &StoreKey) -> Clock {
    let (mut store, _) = Store::open_in_dir(dir, key).expect("store");
    let clock = Clock::system(store.settings().expect("settings").tz());
    kizuna_core::demo::populate(&mut store, 300, 11, &clock).expect("demo customers");
    let settings = store.settings().expect("settings");
    store.save_settings(&settings).expect("settings saved");
    assert!(store.agenda_needs_rebuild(&clock).expect("agenda state"));
    clock
}

fn copy_dir(from: &Path, to: &Path) {
    for entry in std::fs::read_dir(from).expect("folder") {
        let entry = entry.expect("entry");
        if entry.file_type().expect("type").is_file() {
            std::fs::copy(entry.path(), to.join(entry.file_name())).expect("copy");
        }
    }
}

fn view(store: &Store, clock: &Clock) -> TodayView {
    store
        .today_view(DraftLanguage::Ja, clock)
        .expect("today view")
}

#[test]
fn a_new_days_agenda_is_derived_by_a_process_of_its_own_as_the_app_would() {
    let book = tempfile::tempdir().expect("temp dir");
    let beside = tempfile::tempdir().expect("temp dir");
    let key = StoreKey::generate().expect("key");
    let clock = book_due_a_new_agenda(book.path(), &key);
    copy_dir(book.path(), beside.path());

    let out = prepare_agenda(book.path(), &key.recovery_key());
    assert!(
        out.status.success(),
        "the process failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );

    // The agenda is there before anything in this process derives it...
    let (store, _) = Store::open_in_dir(book.path(), &key).expect("store");
    assert!(!store.agenda_needs_rebuild(&clock).expect("agenda state"));
    // ...and it is the one the app would have derived itself.
    let (own, _) = Store::open_in_dir(beside.path(), &key).expect("copy");
    own.prepare_agenda(&clock).expect("derived here");
    let apart = view(&store, &clock);
    let here = view(&own, &clock);
    let shown = apart.overdue.total + apart.today_items.total + apart.upcoming.total;
    assert!(shown > 0, "the demo book has reminders on Today");
    assert_eq!(
        serde_json::to_value(&apart).expect("json"),
        serde_json::to_value(&here).expect("json")
    );
}

#[test]
fn a_wrong_key_derives_and_copies_nothing_and_says_why() {
    let book = tempfile::tempdir().expect("temp dir");
    let key = StoreKey::generate().expect("key");
    let clock = book_due_a_new_agenda(book.path(), &key);

    let wrong = StoreKey::generate().expect("key");
    let out = prepare_agenda(book.path(), &wrong.recovery_key());
    assert!(!out.status.success());
    assert!(
        !String::from_utf8_lossy(&out.stderr).trim().is_empty(),
        "the reason is written for the app's log"
    );
    let out = prepare_agenda(book.path(), "not a key");
    assert!(!out.status.success());
    let out = apart("--back-up-if-due", book.path(), &wrong.recovery_key());
    assert!(!out.status.success());

    let (store, _) = Store::open_in_dir(book.path(), &key).expect("store");
    assert!(store.agenda_needs_rebuild(&clock).expect("agenda state"));
    assert!(store.backups().expect("backups").is_empty());
}

#[test]
fn the_days_backups_are_taken_by_a_process_of_its_own_and_hold_the_book() {
    let book = tempfile::tempdir().expect("temp dir");
    let key = StoreKey::generate().expect("key");
    let clock = book_due_a_new_agenda(book.path(), &key);
    let (store, _) = Store::open_in_dir(book.path(), &key).expect("store");
    let customers = store.customer_count().expect("count");
    assert!(!store.backups_due(&clock).expect("due").is_empty());
    assert!(store.backups().expect("backups").is_empty());

    let out = apart("--back-up-if-due", book.path(), &key.recovery_key());
    assert!(
        out.status.success(),
        "the process failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let backups = store.backups().expect("backups");
    assert!(!backups.is_empty());
    assert!(store.backups_due(&clock).expect("due").is_empty());
    // It names what it took, for the app's log.
    let named: Vec<String> = String::from_utf8_lossy(&out.stdout)
        .lines()
        .map(str::to_owned)
        .collect();
    let mut taken: Vec<String> = backups.iter().map(|b| b.path.clone()).collect();
    taken.sort();
    let mut named_sorted = named.clone();
    named_sorted.sort();
    assert_eq!(named_sorted, taken);
    for backup in &backups {
        let contents = store
            .inspect_backup(Path::new(&backup.path))
            .expect("a backup that opens");
        assert_eq!(contents.customers, customers);
    }

    // Nothing more is due: a second run takes nothing.
    let again = apart("--back-up-if-due", book.path(), &key.recovery_key());
    assert!(again.status.success());
    assert!(again.stdout.is_empty());
    assert_eq!(store.backups().expect("backups").len(), backups.len());
}
