//! A day's agenda derived whole in a short-lived process of its own.
//!
//! The whole derivation (a new day, a changed setting) reads every
//! customer's history: at 100,000 customers SQLite's page cache and the
//! derivation's own allocations reach 60–80 MB, which the allocators free
//! but keep from the system for as long as the app runs. Run as
//! `kizuna --prepare-agenda DIR`, with the store's key on its standard input
//! (never on its command line or in its environment, which other programs
//! may read), the same binary opens the store, derives and writes the
//! agenda, and exits — and the memory goes with it. The window and the
//! scheduler then find the agenda up to date. The store's write lock keeps
//! two derivations from running at once, in processes as in threads.
//!
//! Should the process fail to start or to finish, the caller's own
//! up-to-date check derives the agenda in the app as before: slower to give
//! its memory back, never a missing agenda.

use std::io::{Read, Write};
use std::path::Path;
use std::process::{Command, ExitCode, Stdio};
use std::sync::Mutex;
use std::time::Instant;

use kizuna_core::keys::StoreKey;
use kizuna_core::{Clock, Store};

/// The argument that makes the binary derive the agenda and exit.
const PREPARE_AGENDA_ARG: &str = "--prepare-agenda";

/// In the child: when started with [`PREPARE_AGENDA_ARG`], derives the
/// agenda and returns how the process ends; otherwise `None`, and the app
/// starts as usual.
pub fn serve() -> Option<ExitCode> {
    let mut args = std::env::args_os().skip(1);
    if args.next()? != PREPARE_AGENDA_ARG {
        return None;
    }
    let Some(dir) = args.next() else {
        eprintln!("{PREPARE_AGENDA_ARG} needs the data folder");
        return Some(ExitCode::FAILURE);
    };
    Some(match prepare_here(Path::new(&dir)) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("{e}");
            ExitCode::FAILURE
        }
    })
}

fn prepare_here(dir: &Path) -> kizuna_core::Result<()> {
    let mut key = zeroize::Zeroizing::new(String::new());
    std::io::stdin()
        .read_to_string(&mut key)
        .map_err(|e| kizuna_core::Error::Internal(format!("the key could not be read: {e}")))?;
    let key = StoreKey::from_recovery_key(key.trim())?;
    let (store, _) = Store::open_in_dir(dir, &key)?;
    store.set_cache_size(kizuna_core::store::BACKGROUND_CACHE_KIB)?;
    let clock = Clock::system(store.settings()?.tz());
    store.prepare_agenda(&clock)
}

/// One derivation at a time: the window's first view and the scheduler's
/// first wake-up both ask at start-up, and the second finds the agenda
/// up to date rather than starting a process to wait on the write lock.
static REBUILDING: Mutex<()> = Mutex::new(());

/// In the app: derives the agenda in a process of its own when it must be
/// derived whole. Whatever goes wrong is logged and left to the caller's
/// own derivation.
pub fn rebuild_if_due(store: &Store, data_dir: &Path, key: &StoreKey) {
    let _one_at_a_time = REBUILDING.lock().unwrap_or_else(|p| p.into_inner());
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
    match rebuild(data_dir, key) {
        Ok(()) => tracing::info!(
            ms = started.elapsed().as_millis() as u64,
            "agenda derived in a process of its own"
        ),
        Err(e) => tracing::warn!(error = %e, "the agenda is derived in the app instead"),
    }
}

fn rebuild(data_dir: &Path, key: &StoreKey) -> Result<(), String> {
    let binary = std::env::current_exe().map_err(|e| format!("no path to this program: {e}"))?;
    let mut child = Command::new(binary)
        .arg(PREPARE_AGENDA_ARG)
        .arg(data_dir)
        .stdin(Stdio::piped())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .map_err(|e| format!("the process did not start: {e}"))?;
    // The pipe closes when `stdin` is dropped, and the child reads to its
    // end; the child is waited for even when the key could not be written.
    let passed = match child.stdin.take() {
        Some(mut stdin) => {
            let key = zeroize::Zeroizing::new(key.recovery_key());
            stdin.write_all(key.as_bytes())
        }
        None => Ok(()),
    };
    let output = child
        .wait_with_output()
        .map_err(|e| format!("the process was lost: {e}"))?;
    passed.map_err(|e| format!("the key could not be passed on: {e}"))?;
    if output.status.success() {
        Ok(())
    } else {
        Err(format!(
            "{}: {}",
            output.status,
            String::from_utf8_lossy(&output.stderr).trim()
        ))
    }
}
