//! Unlocking the store and looking after its key: the passphrase, the
//! recovery key shown once and confirmed, and changing it. The rules are
//! the core's (`keys`, `unlock`); this is wiring.

use kizuna_core::Error;
use kizuna_core::error::FieldErrorCode;
use kizuna_core::keys::{self, Keychain, PassphraseLock, Protection, StoreKey};
use tauri::{AppHandle, Manager};

use crate::error::{CommandError, CommandResult};
use crate::jobs::blocking;
use crate::state::{AppState, Unlocked};

/// Opens a store whose key is sealed by a passphrase.
#[tauri::command]
pub async fn unlock_with_passphrase(app: AppHandle, passphrase: String) -> CommandResult<()> {
    blocking(move || {
        let state = app.state::<AppState>();
        if state.is_open() {
            return Ok(());
        }
        let (lock, key, next) = PassphraseLock::unlock(&state.data_dir, &passphrase)?;
        state.open_with(
            Unlocked {
                key,
                protection: Protection::Passphrase,
                lock: Some(lock),
            },
            next,
        )?;
        Ok(())
    })
    .await
}

/// Where no keychain exists: seals a new key by the chosen passphrase and
/// opens (or creates, or encrypts) the store with it.
#[tauri::command]
pub async fn choose_passphrase(
    app: AppHandle,
    passphrase: String,
    repeated: String,
) -> CommandResult<()> {
    blocking(move || {
        let state = app.state::<AppState>();
        if state.is_open() {
            return Ok(());
        }
        if passphrase != repeated {
            return Err(Error::field("repeated", FieldErrorCode::Mismatch).into());
        }
        let key = StoreKey::generate()?;
        let lock = PassphraseLock::create(&state.data_dir, &passphrase, &key)?;
        state.open_with(
            Unlocked {
                key,
                protection: Protection::Passphrase,
                lock: Some(lock),
            },
            None,
        )?;
        Ok(())
    })
    .await
}

/// Opens the store with its recovery key and keeps the key again: in the
/// keychain, or sealed by `passphrase` where there is none. A key that does
/// not open the store changes nothing.
#[tauri::command]
pub async fn recover_with_key(
    app: AppHandle,
    recovery_key: String,
    passphrase: Option<String>,
) -> CommandResult<()> {
    blocking(move || {
        let state = app.state::<AppState>();
        if state.is_open() {
            return Ok(());
        }
        let key = StoreKey::from_recovery_key(&recovery_key)?;
        kizuna_core::unlock::check_key_opens_store(&state.data_dir, &key)?;
        let (protection, lock) =
            kizuna_core::unlock::keep_recovered_key(&state.data_dir, &key, passphrase.as_deref())?;
        // The user has just typed it in: it is written down.
        keys::confirm_recovery(&state.data_dir, &key)?;
        state.open_with(
            Unlocked {
                key,
                protection,
                lock,
            },
            None,
        )?;
        Ok(())
    })
    .await
}

/// The recovery key, while the user has not confirmed writing it down;
/// after that it is never shown again (only replaced).
#[tauri::command]
pub async fn pending_recovery_key(app: AppHandle) -> CommandResult<Option<String>> {
    let state = app.state::<AppState>();
    let unlocked = state.unlocked();
    let Some(unlocked) = unlocked.as_ref() else {
        return Ok(None);
    };
    if keys::recovery_confirmed(&state.data_dir, &unlocked.key) {
        return Ok(None);
    }
    Ok(Some(unlocked.key.recovery_key()))
}

/// The user types the recovery key back; it must be the one shown.
#[tauri::command]
pub async fn confirm_recovery_key(app: AppHandle, typed: String) -> CommandResult<()> {
    let state = app.state::<AppState>();
    let unlocked = state.unlocked();
    let unlocked = unlocked
        .as_ref()
        .ok_or_else(|| CommandError::from(Error::Keychain("the store is locked".to_owned())))?;
    let typed = StoreKey::from_recovery_key(&typed)
        .map_err(|_| Error::field("recovery_key", FieldErrorCode::Mismatch))?;
    if typed != unlocked.key {
        return Err(Error::field("recovery_key", FieldErrorCode::Mismatch).into());
    }
    keys::confirm_recovery(&state.data_dir, &unlocked.key)?;
    Ok(())
}

/// Replaces the store key (so the old recovery key stops working):
/// re-encrypts the store and its backups and returns the new recovery key,
/// to be written down and confirmed.
#[tauri::command]
pub async fn change_recovery_key(app: AppHandle) -> CommandResult<String> {
    blocking(move || {
        let state = app.state::<AppState>();
        let mut store = state.store()?;
        let mut unlocked = state.unlocked();
        let unlocked = unlocked
            .as_mut()
            .ok_or_else(|| CommandError::from(Error::Keychain("the store is locked".to_owned())))?;
        let new = StoreKey::generate()?;
        let keychain = Keychain::for_data_dir(&state.data_dir);
        // Parked first: a change cut short is finished at the next start.
        match unlocked.lock.as_mut() {
            Some(lock) => lock.put_next(&new)?,
            None => keychain.put_next(&new).map_err(Error::from)?,
        }
        store.change_key(&new)?;
        match unlocked.lock.as_mut() {
            Some(lock) => lock.promote(&new)?,
            None => keychain.promote(&new).map_err(Error::from)?,
        }
        unlocked.key = new.clone();
        Ok(new.recovery_key())
    })
    .await
}
