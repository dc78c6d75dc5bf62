//! The app's own binary doing the day's big reads in a process of its own,
//! the store's key on its standard input, as the window and the scheduler
//! have it do: `kizuna --prepare-agenda DIR VERSION` derives a new day's
//! agenda, `kizuna --back-up-if-due DIR VERSION` takes the automatic backups.

use std::io::Write;
use std::path::Path;
use std::process::{Command, Output, Stdio};

use kizuna::apart::{Failed, Work, run_program};
use kizuna_core::keys::StoreKey;
use kizuna_core::reminder::{DraftLanguage, TodayView};
use kizuna_core::{Clock, Store};

fn kizuna() -> &'static Path {
    Path::new(env!("CARGO_BIN_EXE_kizuna"))
}

/// The binary started by hand, with `stdin` as its standard input.
fn started_by_hand(args: &[&str], dir: &Path, stdin: &str) -> Output {
    let mut child = Command::new(kizuna())
        .args(&args[..1])
        .arg(dir)
        .args(&args[1..])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("the binary starts");
    child
        .stdin
        .take()
        .expect("a pipe")
        .write_all(stdin.as_bytes())
        .expect("written");
    child.wait_with_output().expect("the process ends")
}

/// A book of demo customers whose agenda was derived yesterday, as on the
/// first start of a new day.
fn book_on_a_new_day(dir: &Path, key: &StoreKey) -> Clock {
    let (mut store, _) = Store::open_in_dir(dir, key).expect("store");
    let clock = Clock::system(store.settings().expect("settings").tz());
    kizuna_core::demo::populate(&mut store, 300, 11, &clock).expect("demo customers");
    let yesterday = Clock::new(clock.now - chrono::Duration::days(1), clock.tz);
    store
        .prepare_agenda(&yesterday)
        .expect("yesterday's agenda");
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
    let clock = book_on_a_new_day(book.path(), &key);
    copy_dir(book.path(), beside.path());

    run_program(kizuna(), Work::PrepareAgenda, book.path(), &key).expect("derived apart");

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
fn the_days_backups_are_taken_by_a_process_of_its_own_and_hold_the_book() {
    let book = tempfile::tempdir().expect("temp dir");
    let key = StoreKey::generate().expect("key");
    let clock = book_on_a_new_day(book.path(), &key);
    let (store, _) = Store::open_in_dir(book.path(), &key).expect("store");
    let customers = store.customer_count().expect("count");
    assert!(!store.backups_due(&clock).expect("due").is_empty());
    assert!(store.backups().expect("backups").is_empty());

    let printed =
        run_program(kizuna(), Work::BackUpIfDue, book.path(), &key).expect("backed up apart");
    let backups = store.backups().expect("backups");
    assert!(!backups.is_empty());
    assert!(store.backups_due(&clock).expect("due").is_empty());
    // It names what it took, for the app's log.
    let mut named: Vec<&str> = printed.lines().collect();
    named.sort_unstable();
    let mut taken: Vec<&str> = backups.iter().map(|b| b.path.as_str()).collect();
    taken.sort_unstable();
    assert_eq!(named, taken);
    for backup in &backups {
        let contents = store
            .inspect_backup(Path::new(&backup.path))
            .expect("a backup that opens");
        assert_eq!(contents.customers, customers);
    }

    // Nothing more is due: a second run takes nothing.
    let again = run_program(kizuna(), Work::BackUpIfDue, book.path(), &key).expect("again");
    assert!(again.is_empty());
    assert_eq!(store.backups().expect("backups").len(), backups.len());
}

#[test]
fn a_wrong_key_derives_and_copies_nothing_and_says_why() {
    let book = tempfile::tempdir().expect("temp dir");
    let key = StoreKey::generate().expect("key");
    let clock = book_on_a_new_day(book.path(), &key);

    let wrong = StoreKey::generate().expect("key");
    for work in [Work::PrepareAgenda, Work::BackUpIfDue] {
        match run_program(kizuna(), work, book.path(), &wrong) {
            Err(Failed::Failed(why)) => assert!(!why.trim().is_empty(), "the reason, for the log"),
            other => panic!("{work:?} with a wrong key: {other:?}"),
        }
    }
    let version = env!("CARGO_PKG_VERSION");
    let out = started_by_hand(&["--prepare-agenda", version], book.path(), "not a key");
    assert!(!out.status.success());

    let (store, _) = Store::open_in_dir(book.path(), &key).expect("store");
    assert!(store.agenda_needs_rebuild(&clock).expect("agenda state"));
    assert!(store.backups().expect("backups").is_empty());
}

#[test]
fn another_version_or_no_program_leaves_the_work_to_the_app() {
    let book = tempfile::tempdir().expect("temp dir");
    let key = StoreKey::generate().expect("key");
    let clock = book_on_a_new_day(book.path(), &key);

    // An update installed while the app runs: the new program does nothing
    // to the store the running one has open, and says so.
    let out = started_by_hand(
        &["--prepare-agenda", "0.0.1"],
        book.path(),
        &key.recovery_key(),
    );
    assert_eq!(out.status.code(), Some(3));
    assert!(String::from_utf8_lossy(&out.stderr).contains("0.0.1"));
    // A program that cannot be started: the app does the work itself.
    let missing = book.path().join("no-such-program");
    assert!(matches!(
        run_program(&missing, Work::PrepareAgenda, book.path(), &key),
        Err(Failed::NotStarted(_))
    ));

    let (store, _) = Store::open_in_dir(book.path(), &key).expect("store");
    assert!(store.agenda_needs_rebuild(&clock).expect("agenda state"));
}
