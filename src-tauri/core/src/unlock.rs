//! Finding the store key when Kizuna starts, and keeping a key the user
//! gave back (a recovery key): the steps between the keychain, the
//! passphrase lock and the store file, shared by the window and the CLI.

use std::path::Path;

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::error::Result;
use crate::keys::{Keychain, PassphraseLock, Protection, StoreKey};

/// Why the store cannot be opened without the user: what the window asks for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum Lock {
    /// No keychain here and no book yet (or an earlier release's
    /// unencrypted one): a passphrase must be chosen.
    ChoosePassphrase,
    /// The key is sealed by a passphrase.
    Passphrase,
    /// The book is encrypted and the keychain holds no key for it (another
    /// computer, a reset keychain): the recovery key opens it.
    RecoveryKey,
    /// The book is encrypted and the keychain is locked or missing.
    KeychainUnavailable,
}

/// The key for a data folder, as far as it can be found without asking.
#[derive(Debug)]
pub enum Found {
    Key {
        key: StoreKey,
        /// A key change cut short: the key it was changing to.
        next: Option<StoreKey>,
        protection: Protection,
    },
    Locked(Lock),
}

/// Whether the folder holds an encrypted store (one that needs its key).
pub fn holds_encrypted_store(data_dir: &Path) -> Result<bool> {
    let path = data_dir.join(crate::store::DATABASE_FILE);
    let has_content = std::fs::metadata(&path).is_ok_and(|m| m.len() > 0);
    Ok(has_content && !crate::store::encryption::is_plain_sqlite(&path)?)
}

/// Finds the store key of `data_dir`: from the keychain, or a new one for
/// a new book (kept in the keychain at once). A folder with a passphrase
/// lock always asks for the passphrase.
pub fn find_key(data_dir: &Path) -> Result<Found> {
    if PassphraseLock::exists_in(data_dir) {
        return Ok(Found::Locked(Lock::Passphrase));
    }
    let encrypted = holds_encrypted_store(data_dir)?;
    let keychain = Keychain::for_data_dir(data_dir);
    match keychain.get() {
        Ok(Some(key)) => Ok(Found::Key {
            key,
            next: keychain.get_next().ok().flatten(),
            protection: Protection::Keychain,
        }),
        Ok(None) if encrypted => Ok(Found::Locked(Lock::RecoveryKey)),
        Ok(None) => {
            crate::fs::private_dir(data_dir)?;
            let key = StoreKey::generate()?;
            match keychain.put(&key) {
                Ok(()) => Ok(Found::Key {
                    key,
                    next: None,
                    protection: Protection::Keychain,
                }),
                Err(problem) => {
                    tracing::warn!(%problem, "the keychain did not take the new key");
                    Ok(Found::Locked(Lock::ChoosePassphrase))
                }
            }
        }
        Err(problem) => {
            tracing::warn!(%problem, "the keychain could not be read");
            Ok(Found::Locked(if encrypted {
                Lock::KeychainUnavailable
            } else {
                Lock::ChoosePassphrase
            }))
        }
    }
}

/// A key the user gave (a recovery key), checked against the store before
/// anything is kept: a key that does not open it changes nothing.
pub fn check_key_opens_store(data_dir: &Path, key: &StoreKey) -> Result<()> {
    let path = data_dir.join(crate::store::DATABASE_FILE);
    if !holds_encrypted_store(data_dir)? {
        return Ok(());
    }
    crate::store::encryption::open_keyed(
        &path,
        Some(key),
        rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY,
        "this book",
    )
    .map(|_| ())
}

/// Keeps a recovered key: in the keychain when it takes it, else sealed by
/// `passphrase` (which is then required). Returns how it is kept.
pub fn keep_recovered_key(
    data_dir: &Path,
    key: &StoreKey,
    passphrase: Option<&str>,
) -> Result<(Protection, Option<PassphraseLock>)> {
    if let Some(passphrase) = passphrase.filter(|p| !p.is_empty()) {
        let lock = PassphraseLock::create(data_dir, passphrase, key)?;
        return Ok((Protection::Passphrase, Some(lock)));
    }
    match Keychain::for_data_dir(data_dir).put(key) {
        Ok(()) => Ok((Protection::Keychain, None)),
        Err(problem) => Err(problem.into()),
    }
}
