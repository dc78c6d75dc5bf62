//! What the shell holds: the open store (or why it could not be opened).

use std::path::PathBuf;
use std::sync::{Mutex, MutexGuard};

use kizuna_core::{Clock, ErrorPayload, Store};

use crate::error::{CommandError, CommandResult};

pub struct AppState {
    /// The store, or the reason it could not be opened (a newer version's
    /// file, a damaged file): the window still opens and explains.
    store: Result<Mutex<Store>, ErrorPayload>,
    pub data_dir: PathBuf,
}

impl AppState {
    pub fn open(data_dir: PathBuf) -> Self {
        let store = Store::open_in_dir(&data_dir)
            .map(|(store, _report)| Mutex::new(store))
            .map_err(|e| ErrorPayload::from(&e));
        AppState { store, data_dir }
    }

    pub fn store(&self) -> CommandResult<MutexGuard<'_, Store>> {
        match &self.store {
            Ok(store) => store
                .lock()
                .map_err(|_| CommandError::internal("the store lock was poisoned")),
            Err(payload) => Err(CommandError(payload.clone())),
        }
    }

    pub fn startup_error(&self) -> Option<ErrorPayload> {
        self.store.as_ref().err().cloned()
    }
}

/// What the desktop offers, found out at start.
pub struct Desktop {
    /// A tray icon exists, so closing the window can hide it.
    pub has_tray: bool,
}

/// The clock for one command: now, in the user's chosen zone.
pub fn clock(store: &Store) -> CommandResult<Clock> {
    Ok(Clock::system(store.settings()?.tz()))
}
