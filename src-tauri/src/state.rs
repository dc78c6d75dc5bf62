//! What the shell holds: the open store (or why it is not open: a key the
//! user must give, a newer version's file, a damaged file), the store key
//! other connections open it with, and the change feed every store it
//! opens announces its commits on.

use std::path::PathBuf;
use std::sync::{Mutex, MutexGuard, OnceLock};

use kizuna_core::keys::{Keychain, PassphraseLock, Protection, StoreKey};
use kizuna_core::unlock::{Found, Lock};
use kizuna_core::{ChangeEvent, ChangeFeed, Clock, ErrorPayload, Store};

use crate::error::{CommandError, CommandResult};

/// Why the store is not open.
#[derive(Debug, Clone)]
pub enum Closed {
    /// Waiting for the user: a passphrase or the recovery key.
    Locked(Lock),
    Failed(ErrorPayload),
}

/// The key and how it is kept, once known.
pub struct Unlocked {
    pub key: StoreKey,
    pub protection: Protection,
    /// The passphrase lock, kept to seal a changed key without asking.
    pub lock: Option<PassphraseLock>,
}

pub struct AppState {
    store: OnceLock<Mutex<Store>>,
    closed: Mutex<Option<Closed>>,
    unlocked: Mutex<Option<Unlocked>>,
    pub data_dir: PathBuf,
    /// Shared by the window's store and those of background jobs, so the
    /// scheduler and the window hear of every change.
    pub feed: ChangeFeed,
}

/// Opens the store for a background job or the scheduler, on its own
/// connection with the window's key.
#[derive(Clone)]
pub struct Opener {
    data_dir: PathBuf,
    key: StoreKey,
    feed: ChangeFeed,
}

impl Opener {
    pub fn open(&self) -> kizuna_core::Result<Store> {
        let (mut store, _) = Store::open_in_dir(&self.data_dir, &self.key)?;
        store.set_change_feed(self.feed.clone());
        // The pages a job or the scheduler read are freed when it is done,
        // but the C allocator keeps most of them from the system: a new
        // day's agenda derived here with a 96 MiB cache left the app 70–80
        // MB larger for good (it is derived in a process of its own now,
        // `apart`, and here only when that cannot start).
        store.set_cache_size(kizuna_core::store::BACKGROUND_CACHE_KIB)?;
        Ok(store)
    }

    /// Derives the agenda whole in a process of its own, when it must be;
    /// `store`'s own up-to-date check then finds nothing left to do.
    pub fn rebuild_agenda_if_due(&self, store: &Store) {
        crate::apart::rebuild_agenda_if_due(store, &self.data_dir, &self.key);
    }

    /// Takes the automatic backups that are due, in a process of its own
    /// (in the app only when that process cannot be started).
    pub fn back_up_if_due(&self) -> kizuna_core::Result<()> {
        match crate::apart::back_up_if_due(&self.data_dir, &self.key) {
            Ok(taken) => {
                for path in taken.lines() {
                    tracing::info!(path, "backup taken in a process of its own");
                }
                Ok(())
            }
            Err(crate::apart::Failed::NotStarted(why)) => {
                tracing::warn!(error = %why, "the backup is taken in the app instead");
                let store = self.open()?;
                let clock = kizuna_core::Clock::system(store.settings()?.tz());
                store.back_up_if_due(&clock).map(|_| ())
            }
            Err(crate::apart::Failed::Failed(why)) => Err(kizuna_core::Error::Internal(why)),
        }
    }
}

impl AppState {
    /// Finds the key (keychain) and opens the store, or notes what the
    /// window must ask for.
    pub fn open(data_dir: PathBuf) -> Self {
        let state = AppState {
            store: OnceLock::new(),
            closed: Mutex::new(None),
            unlocked: Mutex::new(None),
            data_dir,
            feed: ChangeFeed::default(),
        };
        match kizuna_core::unlock::find_key(&state.data_dir) {
            Ok(Found::Key {
                key,
                next,
                protection,
            }) => {
                let finished = match next {
                    Some(next) => {
                        finish_key_change(&state.data_dir, &key, &next).map(|store| (store, next))
                    }
                    None => Store::open_in_dir(&state.data_dir, &key).map(|(s, _)| (s, key)),
                };
                match finished {
                    Ok((store, key)) => state.install(
                        store,
                        Unlocked {
                            key,
                            protection,
                            lock: None,
                        },
                    ),
                    Err(e) => state.fail(&e),
                }
            }
            Ok(Found::Locked(lock)) => state.set_closed(Some(Closed::Locked(lock))),
            Err(e) => state.fail(&e),
        }
        state
    }

    fn set_closed(&self, closed: Option<Closed>) {
        if let Ok(mut slot) = self.closed.lock() {
            *slot = closed;
        }
    }

    fn fail(&self, e: &kizuna_core::Error) {
        tracing::error!(error = %e, "the store could not be opened");
        self.set_closed(Some(Closed::Failed(ErrorPayload::from(e))));
    }

    /// Makes `store` the window's store. Once only: a second unlock finds
    /// it open already.
    pub fn install(&self, mut store: Store, unlocked: Unlocked) {
        store.set_change_feed(self.feed.clone());
        if let Ok(mut slot) = self.unlocked.lock() {
            *slot = Some(unlocked);
        }
        let _ = self.store.set(Mutex::new(store));
        self.set_closed(None);
        // The scheduler sleeps while the store is closed: wake it.
        self.feed.publish(&ChangeEvent {
            customers: Vec::new(),
            everything: true,
        });
    }

    pub fn is_open(&self) -> bool {
        self.store.get().is_some()
    }

    pub fn store(&self) -> CommandResult<MutexGuard<'_, Store>> {
        match self.store.get() {
            Some(store) => store
                .lock()
                .map_err(|_| CommandError::internal("the store lock was poisoned")),
            None => Err(CommandError(self.startup_error().unwrap_or_else(|| {
                ErrorPayload::from(&kizuna_core::Error::Keychain(
                    "the store is locked".to_owned(),
                ))
            }))),
        }
    }

    /// What opens the same store on another connection.
    pub fn opener(&self) -> kizuna_core::Result<Opener> {
        let key = self
            .unlocked
            .lock()
            .ok()
            .and_then(|u| u.as_ref().map(|u| u.key.clone()))
            .ok_or_else(|| kizuna_core::Error::Internal("the store is locked".to_owned()))?;
        Ok(Opener {
            data_dir: self.data_dir.clone(),
            key,
            feed: self.feed.clone(),
        })
    }

    /// A connection of its own to the same store (for work that should not
    /// hold the window's), announcing on the same feed.
    pub fn connection(&self) -> kizuna_core::Result<Store> {
        self.opener()?.open()
    }

    /// The key and how it is kept, while the store is open.
    pub fn unlocked(&self) -> MutexGuard<'_, Option<Unlocked>> {
        match self.unlocked.lock() {
            Ok(guard) => guard,
            Err(poisoned) => poisoned.into_inner(),
        }
    }

    pub fn lock(&self) -> Option<Lock> {
        match self.closed.lock().ok()?.as_ref()? {
            Closed::Locked(lock) => Some(*lock),
            Closed::Failed(_) => None,
        }
    }

    /// Why the store is not open, for the window's first screen. A store
    /// waiting for its key is reported by [`AppState::lock`] instead.
    pub fn startup_error(&self) -> Option<ErrorPayload> {
        match self.closed.lock().ok()?.as_ref()? {
            Closed::Failed(payload) => Some(payload.clone()),
            Closed::Locked(_) => None,
        }
    }

    /// Opens the store with a key the user unlocked, finishing a key
    /// change that was cut short.
    pub fn open_with(&self, unlocked: Unlocked, next: Option<StoreKey>) -> kizuna_core::Result<()> {
        let mut unlocked = unlocked;
        let store = match next {
            Some(next) => {
                let store = finish_key_change(&self.data_dir, &unlocked.key, &next)?;
                // The lock file is sealed again only when a change finished.
                if let Some(lock) = unlocked.lock.as_mut() {
                    lock.promote(&next)?;
                }
                unlocked.key = next;
                store
            }
            None => Store::open_in_dir(&self.data_dir, &unlocked.key)?.0,
        };
        self.install(store, unlocked);
        Ok(())
    }
}

/// Opens a store whose key change was cut short and finishes it.
fn finish_key_change(
    data_dir: &std::path::Path,
    key: &StoreKey,
    next: &StoreKey,
) -> kizuna_core::Result<Store> {
    let (store, _) = Store::open_finishing_change(data_dir, key, next)?;
    let keychain = Keychain::for_data_dir(data_dir);
    if keychain.get().ok().flatten().is_some() {
        keychain.promote(next)?;
    }
    tracing::info!("a key change cut short was finished");
    Ok(store)
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
