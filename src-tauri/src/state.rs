//! What the shell holds: the open store (or why it could not be opened),
//! and the change feed every store it opens announces its commits on.

use std::path::PathBuf;
use std::sync::{Mutex, MutexGuard};

use kizuna_core::{ChangeFeed, Clock, ErrorPayload, Store};

use crate::error::{CommandError, CommandResult};

pub struct AppState {
    /// The store, or the reason it could not be opened (a newer version's
    /// file, a damaged file): the window still opens and explains.
    store: Result<Mutex<Store>, ErrorPayload>,
    pub data_dir: PathBuf,
    /// Shared by the window's store and those of background jobs, so the
    /// scheduler and the window hear of every change.
    pub feed: ChangeFeed,
}

impl AppState {
    pub fn open(data_dir: PathBuf) -> Self {
        let feed = ChangeFeed::default();
        let store = Store::open_in_dir(&data_dir)
            .map(|(mut store, report)| {
                if report.from_version != report.to_version && report.from_version > 0 {
                    tracing::info!(
                        from = report.from_version,
                        to = report.to_version,
                        "store migrated"
                    );
                }
                store.set_change_feed(feed.clone());
                Mutex::new(store)
            })
            .map_err(|e| {
                tracing::error!(error = %e, "the store could not be opened");
                ErrorPayload::from(&e)
            });
        AppState {
            store,
            data_dir,
            feed,
        }
    }

    pub fn store(&self) -> CommandResult<MutexGuard<'_, Store>> {
        match &self.store {
            Ok(store) => store
                .lock()
                .map_err(|_| CommandError::internal("the store lock was poisoned")),
            Err(payload) => Err(CommandError(payload.clone())),
        }
    }

    /// A connection of its own to the same store (for work that should not
    /// hold the window's), announcing on the same feed.
    pub fn connection(&self) -> kizuna_core::Result<Store> {
        let (mut store, _) = Store::open_in_dir(&self.data_dir)?;
        store.set_change_feed(self.feed.clone());
        Ok(store)
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
