//! The day's two big reads — deriving the agenda whole and taking the
//! automatic backups — each in a short-lived process of its own.
//!
//! Both read every page of the store: at 100,000 customers SQLite's page
//! cache and the work's own allocations reach 20–80 MB, which the
//! allocators free but keep from the system for as long as the app runs.
//! Run as `kizuna --prepare-agenda DIR` or `kizuna --back-up-if-due DIR`,
//! with the store's key on its standard input (never on its command line or
//! in its environment, which other programs may read), the same binary
//! opens the store, does the work, and exits — and the memory goes with it.
//! The store's write lock keeps two derivations from running at once, in
//! processes as in threads.
//!
//! Should the process fail to start, take longer than [`LONGEST`], or be
//! another version of Kizuna (an update installed while this one runs: the
//! process would open the store with other rules, or migrate it under the
//! running app), the caller does the work in the app as before: slower to
//! give its memory back, never a missing agenda or backup.

use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode, Stdio};
use std::sync::Mutex;
use std::time::{Duration, Instant};

use kizuna_core::keys::StoreKey;
use kizuna_core::{Clock, Store};

/// What a process apart does.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Work {
    /// Derives the day's agenda, when it is not up to date.
    PrepareAgenda,
    /// Takes the automatic backups that are due.
    BackUpIfDue,
}

impl Work {
    const ALL: [Work; 2] = [Work::PrepareAgenda, Work::BackUpIfDue];

    fn arg(self) -> &'static str {
        match self {
            Work::PrepareAgenda => "--prepare-agenda",
            Work::BackUpIfDue => "--back-up-if-due",
        }
    }

    fn run(self, store: &Store) -> kizuna_core::Result<()> {
        let clock = Clock::system(store.settings()?.tz());
        match self {
            Work::PrepareAgenda => store.prepare_agenda(&clock),
            Work::BackUpIfDue => {
                for backup in store.back_up_if_due(&clock)? {
                    println!("{}", backup.path);
                }
                Ok(())
            }
        }
    }
}

/// How long work apart may take before it is stopped and done in the app.
pub const LONGEST: Duration = Duration::from_secs(300);

/// The exit status of a process apart that is another version of Kizuna.
const OTHER_VERSION: u8 = 3;

/// In the child: when started with one of [`Work`]'s arguments, does that
/// work and returns how the process ends; otherwise `None`, and the app
/// starts as usual.
pub fn serve() -> Option<ExitCode> {
    let mut args = std::env::args_os().skip(1);
    let first = args.next()?;
    let work = Work::ALL.into_iter().find(|w| first == w.arg())?;
    let (Some(dir), Some(version)) = (args.next(), args.next()) else {
        eprintln!("{} needs the data folder and the version", work.arg());
        return Some(ExitCode::FAILURE);
    };
    if version != env!("CARGO_PKG_VERSION") {
        eprintln!(
            "this is Kizuna {}, not {}",
            env!("CARGO_PKG_VERSION"),
            version.to_string_lossy()
        );
        return Some(ExitCode::from(OTHER_VERSION));
    }
    Some(match run_here(work, Path::new(&dir)) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("{e}");
            ExitCode::FAILURE
        }
    })
}

fn run_here(work: Work, dir: &Path) -> kizuna_core::Result<()> {
    let mut key = zeroize::Zeroizing::new(String::new());
    std::io::stdin()
        .read_to_string(&mut key)
        .map_err(|e| kizuna_core::Error::Internal(format!("the key could not be read: {e}")))?;
    let key = StoreKey::from_recovery_key(key.trim())?;
    let (store, _) = Store::open_in_dir(dir, &key)?;
    store.set_cache_size(kizuna_core::store::BACKGROUND_CACHE_KIB)?;
    work.run(&store)
}

/// Why work apart was not done.
#[derive(Debug)]
pub enum Failed {
    /// The process could not be started or waited for: the caller does
    /// the work itself.
    NotStarted(String),
    /// The process ran and said why it failed: the same work in the app
    /// would fail the same way.
    Failed(String),
}

impl std::fmt::Display for Failed {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Failed::NotStarted(why) | Failed::Failed(why) => f.write_str(why),
        }
    }
}

/// One derivation apart at a time: the window's first view and the
/// scheduler's first wake-up both ask at start-up, and the second finds the
/// agenda up to date rather than starting a process to wait on the write
/// lock. (Backups are taken by the scheduler's thread alone.)
static DERIVING: Mutex<()> = Mutex::new(());

/// In the app: derives the agenda in a process of its own when it must be
/// derived whole. Whatever goes wrong is logged and left to the caller's
/// own up-to-date check, which then derives it in the app.
pub fn rebuild_agenda_if_due(store: &Store, data_dir: &Path, key: &StoreKey) {
    let _one = DERIVING.lock().unwrap_or_else(|p| p.into_inner());
    let due = store
        .settings()
        .and_then(|settings| store.agenda_needs_rebuild(&Clock::system(settings.tz())));
    match due {
        Ok(true) => {}
        Ok(false) => return,
        Err(e) => {
            tracing::warn!(error = %e, "whether the agenda is up to date could not be read");
            return;
        }
    }
    let started = Instant::now();
    match run(Work::PrepareAgenda, data_dir, key) {
        Ok(_) => tracing::info!(
            ms = started.elapsed().as_millis() as u64,
            "agenda derived in a process of its own"
        ),
        Err(e) => tracing::warn!(error = %e, "the agenda is derived in the app instead"),
    }
}

/// In the app: takes the automatic backups that are due in a process of
/// its own, returning what it printed (the backups' paths).
pub fn back_up_if_due(data_dir: &Path, key: &StoreKey) -> Result<String, Failed> {
    run(Work::BackUpIfDue, data_dir, key)
}

/// This program, to be started again, by its own name (as a process list
/// shows it). After an upgrade that is the new version, which refuses, or
/// no file at all on Linux: the app then does the work itself.
fn this_program() -> Result<PathBuf, Failed> {
    std::env::current_exe().map_err(|e| Failed::NotStarted(format!("no path to this program: {e}")))
}

fn run(work: Work, data_dir: &Path, key: &StoreKey) -> Result<String, Failed> {
    run_program(&this_program()?, work, data_dir, key)
}

/// Runs `work` in `program` (this program, but for the tests) and returns
/// what it printed.
pub fn run_program(
    program: &Path,
    work: Work,
    data_dir: &Path,
    key: &StoreKey,
) -> Result<String, Failed> {
    let mut child = Command::new(program)
        .arg(work.arg())
        .arg(data_dir)
        .arg(env!("CARGO_PKG_VERSION"))
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .map_err(|e| Failed::NotStarted(format!("the process did not start: {e}")))?;
    // The pipe closes when `stdin` is dropped, and the child reads to its
    // end; the child is waited for even when the key could not be written.
    let passed = match child.stdin.take() {
        Some(mut stdin) => {
            let key = zeroize::Zeroizing::new(key.recovery_key());
            stdin.write_all(key.as_bytes())
        }
        None => Ok(()),
    };
    // What it prints is a few lines, well within the pipes' buffers, so
    // they are read once it has ended.
    let started = Instant::now();
    let status = loop {
        match child.try_wait() {
            Ok(Some(status)) => break status,
            Ok(None) if started.elapsed() < LONGEST => {
                std::thread::sleep(Duration::from_millis(10))
            }
            Ok(None) => {
                let _ = child.kill();
                let _ = child.wait();
                return Err(Failed::NotStarted(format!(
                    "stopped after {} s",
                    LONGEST.as_secs()
                )));
            }
            Err(e) => return Err(Failed::NotStarted(format!("the process was lost: {e}"))),
        }
    };
    let mut stdout = String::new();
    let mut stderr = String::new();
    if let Some(mut out) = child.stdout.take() {
        let _ = out.read_to_string(&mut stdout);
    }
    if let Some(mut err) = child.stderr.take() {
        let _ = err.read_to_string(&mut stderr);
    }
    passed.map_err(|e| Failed::NotStarted(format!("the key could not be passed on: {e}")))?;
    if status.success() {
        Ok(stdout)
    } else if status.code() == Some(i32::from(OTHER_VERSION)) {
        Err(Failed::NotStarted(stderr.trim().to_owned()))
    } else {
        Err(Failed::Failed(format!("{status}: {}", stderr.trim())))
    }
}
