//! The store key: a random 256-bit key that SQLCipher encrypts the store,
//! its WAL and every backup with.
//!
//! Where it is kept:
//! - in the OS keychain (Secret Service, Keychain, Credential Manager), one
//!   entry per data folder, so the window and the CLI open the same store;
//! - where no keychain exists, wrapped by a passphrase (Argon2id, then
//!   XChaCha20-Poly1305) in `kizuna.keylock` next to the store — a locked
//!   box, never the key itself;
//! - on paper: the recovery key *is* the store key, written in Crockford
//!   base32 with a checksum, so it opens the store and every backup on any
//!   computer even when the keychain and the lock file are both gone.
//!
//! Changing the recovery key therefore re-encrypts the store and the
//! backups ([`crate::store::Store::change_key`]); the new key is parked in
//! the keychain (or the lock file) as "next" first, so a change cut short
//! finishes on the next start instead of leaving files under a key nobody
//! holds.

use std::path::{Path, PathBuf};

use chacha20poly1305::aead::{Aead, KeyInit};
use chacha20poly1305::{XChaCha20Poly1305, XNonce};
use data_encoding::Encoding;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use ts_rs::TS;
use zeroize::Zeroizing;

use crate::error::{Error, Result};
use crate::paths::APP_IDENTIFIER;

/// The passphrase-wrapped key's file, next to the store.
pub const LOCK_FILE: &str = "kizuna.keylock";
/// Marks which recovery key the user has confirmed writing down (its
/// fingerprint, which reveals nothing of the key).
pub const CONFIRMED_FILE: &str = "recovery-key-confirmed";

const KEY_LEN: usize = 32;
const CHECK_LEN: usize = 3;
/// Shortest passphrase accepted; Argon2id makes each guess slow, length
/// makes the guesses many.
pub const MIN_PASSPHRASE_CHARS: usize = 10;

/// The store key. Zeroed when dropped; never logged.
#[derive(Clone)]
pub struct StoreKey(Zeroizing<[u8; KEY_LEN]>);

impl std::fmt::Debug for StoreKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "StoreKey({})", self.fingerprint())
    }
}

impl PartialEq for StoreKey {
    fn eq(&self, other: &Self) -> bool {
        self.0[..] == other.0[..]
    }
}

/// Crockford's base32: no I, L, O or U, and the letters a hand writes like
/// digits read as those digits.
fn recovery_encoding() -> Encoding {
    let mut spec = data_encoding::Specification::new();
    spec.symbols.push_str("0123456789ABCDEFGHJKMNPQRSTVWXYZ");
    spec.translate.from.push_str("abcdefghjkmnpqrstvwxyzoOiIlL");
    spec.translate.to.push_str("ABCDEFGHJKMNPQRSTVWXYZ001111");
    // Every 4 symbols is a group when written out; padding is never needed
    // for 35 bytes (280 bits, 56 symbols).
    spec.encoding()
        .unwrap_or_else(|_| data_encoding::BASE32_NOPAD.clone())
}

impl StoreKey {
    /// A new random key from the operating system's generator.
    pub fn generate() -> Result<StoreKey> {
        let mut bytes = Zeroizing::new([0u8; KEY_LEN]);
        getrandom::fill(&mut bytes[..])
            .map_err(|e| Error::Internal(format!("no random numbers: {e}")))?;
        Ok(StoreKey(bytes))
    }

    /// A key from its 32 bytes (tests, tools that hold a key already).
    pub fn from_bytes(bytes: [u8; KEY_LEN]) -> StoreKey {
        StoreKey(Zeroizing::new(bytes))
    }

    fn from_slice(bytes: &[u8]) -> Option<StoreKey> {
        let array: [u8; KEY_LEN] = bytes.try_into().ok()?;
        Some(StoreKey(Zeroizing::new(array)))
    }

    /// The key as the user writes it down: 56 symbols in groups of four,
    /// the last three bytes a checksum so a typo is told apart from a
    /// wrong key.
    pub fn recovery_key(&self) -> String {
        let mut bytes = Zeroizing::new(Vec::with_capacity(KEY_LEN + CHECK_LEN));
        bytes.extend_from_slice(&self.0[..]);
        bytes.extend_from_slice(&checksum(&self.0[..]));
        let text = Zeroizing::new(recovery_encoding().encode(&bytes));
        text.as_bytes()
            .chunks(4)
            .map(|group| String::from_utf8_lossy(group).into_owned())
            .collect::<Vec<_>>()
            .join("-")
    }

    /// Reads a recovery key as typed: case, spaces, dashes and the usual
    /// look-alikes (O for 0, I and L for 1) do not matter.
    pub fn from_recovery_key(text: &str) -> Result<StoreKey> {
        use unicode_normalization::UnicodeNormalization;
        // Full-width letters and the ideographic space an IME may type.
        let typed: Zeroizing<String> = Zeroizing::new(
            text.nfkc()
                .filter(|c| !c.is_whitespace() && *c != '-')
                .collect(),
        );
        let bytes = Zeroizing::new(
            recovery_encoding()
                .decode(typed.as_bytes())
                .map_err(|_| Error::MistypedRecoveryKey)?,
        );
        if bytes.len() != KEY_LEN + CHECK_LEN {
            return Err(Error::MistypedRecoveryKey);
        }
        let (key, check) = bytes.split_at(KEY_LEN);
        if checksum(key) != check {
            return Err(Error::MistypedRecoveryKey);
        }
        StoreKey::from_slice(key).ok_or(Error::MistypedRecoveryKey)
    }

    /// `x'…'`, SQLCipher's raw-key form: the key is used as it is, without
    /// the key stretching a passphrase would get (it is random already).
    pub fn sqlcipher_key(&self) -> Zeroizing<String> {
        let mut text = Zeroizing::new(String::with_capacity(KEY_LEN * 2 + 3));
        text.push_str("x'");
        for byte in self.0.iter() {
            text.push_str(&format!("{byte:02x}"));
        }
        text.push('\'');
        text
    }

    fn hex(&self) -> Zeroizing<String> {
        let mut text = Zeroizing::new(String::with_capacity(KEY_LEN * 2));
        for byte in self.0.iter() {
            text.push_str(&format!("{byte:02x}"));
        }
        text
    }

    fn from_hex(text: &str) -> Option<StoreKey> {
        let text = text.trim();
        if text.len() != KEY_LEN * 2 {
            return None;
        }
        let mut bytes = Zeroizing::new([0u8; KEY_LEN]);
        for (i, byte) in bytes.iter_mut().enumerate() {
            *byte = u8::from_str_radix(text.get(i * 2..i * 2 + 2)?, 16).ok()?;
        }
        Some(StoreKey(bytes))
    }

    /// A short, one-way name for the key, to tell keys apart in files and
    /// logs without revealing them.
    pub fn fingerprint(&self) -> String {
        let digest = Sha256::new_with_prefix(b"kizuna fingerprint")
            .chain_update(&self.0[..])
            .finalize();
        digest[..8].iter().map(|b| format!("{b:02x}")).collect()
    }
}

fn checksum(key: &[u8]) -> [u8; CHECK_LEN] {
    let digest = Sha256::digest(key);
    [digest[0], digest[1], digest[2]]
}

/// How the store key is kept on this computer.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum Protection {
    Keychain,
    Passphrase,
}

/// The OS keychain's entries for one data folder.
pub struct Keychain {
    account: String,
}

/// Why the keychain could not be used.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum KeychainProblem {
    /// No keychain service on this computer (or none reachable).
    Missing(String),
    /// A keychain exists but is locked or refused access.
    Locked(String),
}

impl std::fmt::Display for KeychainProblem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            KeychainProblem::Missing(why) => write!(f, "no keychain: {why}"),
            KeychainProblem::Locked(why) => write!(f, "the keychain is locked: {why}"),
        }
    }
}

impl Keychain {
    /// The entries for the store in `data_dir`; each data folder (the
    /// user's book, the demo book, a test's folder) has its own key.
    pub fn for_data_dir(data_dir: &Path) -> Keychain {
        let dir = std::fs::canonicalize(data_dir).unwrap_or_else(|_| data_dir.to_path_buf());
        Keychain {
            account: format!("store-key:{}", dir.display()),
        }
    }

    fn entry(&self, next: bool) -> std::result::Result<keyring::Entry, KeychainProblem> {
        let account = if next {
            format!("{}:next", self.account)
        } else {
            self.account.clone()
        };
        keyring::Entry::new(APP_IDENTIFIER, &account).map_err(problem)
    }

    /// The key kept for this folder, if any.
    pub fn get(&self) -> std::result::Result<Option<StoreKey>, KeychainProblem> {
        self.read(false)
    }

    /// A key parked by a key change that has not finished.
    pub fn get_next(&self) -> std::result::Result<Option<StoreKey>, KeychainProblem> {
        self.read(true)
    }

    fn read(&self, next: bool) -> std::result::Result<Option<StoreKey>, KeychainProblem> {
        match self.entry(next)?.get_password() {
            Ok(text) => {
                let text = Zeroizing::new(text);
                Ok(StoreKey::from_hex(&text))
            }
            Err(keyring::Error::NoEntry) => Ok(None),
            Err(e) => Err(problem(e)),
        }
    }

    pub fn put(&self, key: &StoreKey) -> std::result::Result<(), KeychainProblem> {
        self.write(false, key)
    }

    pub fn put_next(&self, key: &StoreKey) -> std::result::Result<(), KeychainProblem> {
        self.write(true, key)
    }

    fn write(&self, next: bool, key: &StoreKey) -> std::result::Result<(), KeychainProblem> {
        self.entry(next)?
            .set_password(&key.hex())
            .map_err(problem)?;
        // A keychain that accepts but does not keep (a mock, a read-only
        // store) would lose the key at the next start: read it back.
        match self.read(next)? {
            Some(kept) if kept == *key => Ok(()),
            _ => Err(KeychainProblem::Missing(
                "the keychain did not keep the key".to_owned(),
            )),
        }
    }

    /// Makes the parked key of a finished key change the key.
    pub fn promote(&self, key: &StoreKey) -> std::result::Result<(), KeychainProblem> {
        self.put(key)?;
        self.forget_next()
    }

    pub fn forget_next(&self) -> std::result::Result<(), KeychainProblem> {
        match self.entry(true)?.delete_credential() {
            Ok(()) | Err(keyring::Error::NoEntry) => Ok(()),
            Err(e) => Err(problem(e)),
        }
    }
}

/// The password of a data folder's sync account, in the OS keychain: never
/// in the store, a settings file or a backup.
pub struct SyncSecret {
    account: String,
}

impl SyncSecret {
    pub fn new(data_dir: &Path, server: &str, user: &str) -> SyncSecret {
        let dir = std::fs::canonicalize(data_dir).unwrap_or_else(|_| data_dir.to_path_buf());
        SyncSecret {
            account: format!("sync:{}:{user}@{}", dir.display(), server.trim()),
        }
    }

    fn entry(&self) -> std::result::Result<keyring::Entry, KeychainProblem> {
        keyring::Entry::new(APP_IDENTIFIER, &self.account).map_err(problem)
    }

    pub fn get(&self) -> std::result::Result<Option<Zeroizing<String>>, KeychainProblem> {
        match self.entry()?.get_password() {
            Ok(password) => Ok(Some(Zeroizing::new(password))),
            Err(keyring::Error::NoEntry) => Ok(None),
            Err(e) => Err(problem(e)),
        }
    }

    /// Keeps the password, and reads it back before trusting the keychain.
    pub fn put(&self, password: &str) -> std::result::Result<(), KeychainProblem> {
        self.entry()?.set_password(password).map_err(problem)?;
        match self.get()? {
            Some(kept) if kept.as_str() == password => Ok(()),
            _ => Err(KeychainProblem::Missing(
                "the keychain did not keep the password".to_owned(),
            )),
        }
    }

    pub fn forget(&self) -> std::result::Result<(), KeychainProblem> {
        match self.entry()?.delete_credential() {
            Ok(()) | Err(keyring::Error::NoEntry) => Ok(()),
            Err(e) => Err(problem(e)),
        }
    }
}

impl From<KeychainProblem> for Error {
    fn from(problem: KeychainProblem) -> Self {
        Error::Keychain(problem.to_string())
    }
}

fn problem(e: keyring::Error) -> KeychainProblem {
    match e {
        keyring::Error::NoStorageAccess(inner) => KeychainProblem::Locked(inner.to_string()),
        other => KeychainProblem::Missing(other.to_string()),
    }
}

/// The store key wrapped by a passphrase, as kept in [`LOCK_FILE`].
#[derive(Debug, Clone, Serialize, Deserialize)]
struct LockFile {
    format: u32,
    /// Argon2id cost: memory in KiB, passes, lanes.
    memory_kib: u32,
    passes: u32,
    lanes: u32,
    salt: String,
    wrapped: Wrapped,
    /// A key change in progress (see the module's notes).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    next: Option<Wrapped>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
struct Wrapped {
    nonce: String,
    sealed: String,
}

/// OWASP's Argon2id floor is 19 MiB and 2 passes; 64 MiB and 3 passes
/// take about half a second here, once per start.
const ARGON_MEMORY_KIB: u32 = 64 * 1024;
const ARGON_PASSES: u32 = 3;
const ARGON_LANES: u32 = 1;

/// The key that opens the lock file, derived from the passphrase. Kept
/// while the app runs so a key change can be sealed again without asking.
#[derive(Clone)]
pub struct PassphraseLock {
    path: PathBuf,
    file: LockFile,
    sealing_key: Zeroizing<[u8; 32]>,
}

impl std::fmt::Debug for PassphraseLock {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "PassphraseLock({})", self.path.display())
    }
}

fn b64() -> Encoding {
    data_encoding::BASE64
}

fn derive(passphrase: &str, salt: &[u8], file: &LockFile) -> Result<Zeroizing<[u8; 32]>> {
    let params = argon2::Params::new(file.memory_kib, file.passes, file.lanes, Some(32))
        .map_err(|e| Error::Internal(format!("Argon2 parameters: {e}")))?;
    let argon = argon2::Argon2::new(argon2::Algorithm::Argon2id, argon2::Version::V0x13, params);
    let mut out = Zeroizing::new([0u8; 32]);
    argon
        .hash_password_into(passphrase.as_bytes(), salt, &mut out[..])
        .map_err(|e| Error::Internal(format!("Argon2: {e}")))?;
    Ok(out)
}

fn seal(sealing_key: &[u8; 32], key: &StoreKey) -> Result<Wrapped> {
    let cipher = XChaCha20Poly1305::new(sealing_key.into());
    let mut nonce = [0u8; 24];
    getrandom::fill(&mut nonce).map_err(|e| Error::Internal(format!("no random numbers: {e}")))?;
    let sealed = cipher
        .encrypt(XNonce::from_slice(&nonce), &key.0[..])
        .map_err(|_| Error::Internal("the key could not be sealed".to_owned()))?;
    Ok(Wrapped {
        nonce: b64().encode(&nonce),
        sealed: b64().encode(&sealed),
    })
}

fn open_sealed(sealing_key: &[u8; 32], wrapped: &Wrapped) -> Result<StoreKey> {
    let cipher = XChaCha20Poly1305::new(sealing_key.into());
    let nonce = b64()
        .decode(wrapped.nonce.as_bytes())
        .ok()
        .filter(|n| n.len() == 24)
        .ok_or_else(|| Error::CorruptDatabase("the key lock file is damaged".to_owned()))?;
    let sealed = b64()
        .decode(wrapped.sealed.as_bytes())
        .map_err(|_| Error::CorruptDatabase("the key lock file is damaged".to_owned()))?;
    let plain = Zeroizing::new(
        cipher
            .decrypt(XNonce::from_slice(&nonce), sealed.as_slice())
            .map_err(|_| Error::WrongPassphrase)?,
    );
    StoreKey::from_slice(&plain)
        .ok_or_else(|| Error::CorruptDatabase("the key lock file is damaged".to_owned()))
}

impl PassphraseLock {
    pub fn path_in(data_dir: &Path) -> PathBuf {
        data_dir.join(LOCK_FILE)
    }

    pub fn exists_in(data_dir: &Path) -> bool {
        Self::path_in(data_dir).is_file()
    }

    /// Seals `key` under a new passphrase and writes the lock file.
    pub fn create(data_dir: &Path, passphrase: &str, key: &StoreKey) -> Result<PassphraseLock> {
        if passphrase.chars().count() < MIN_PASSPHRASE_CHARS {
            return Err(Error::field(
                "passphrase",
                crate::error::FieldErrorCode::TooShort,
            ));
        }
        let mut salt = [0u8; 16];
        getrandom::fill(&mut salt)
            .map_err(|e| Error::Internal(format!("no random numbers: {e}")))?;
        let mut file = LockFile {
            format: 1,
            memory_kib: ARGON_MEMORY_KIB,
            passes: ARGON_PASSES,
            lanes: ARGON_LANES,
            salt: b64().encode(&salt),
            wrapped: Wrapped {
                nonce: String::new(),
                sealed: String::new(),
            },
            next: None,
        };
        let sealing_key = derive(passphrase, &salt, &file)?;
        file.wrapped = seal(&sealing_key, key)?;
        let lock = PassphraseLock {
            path: Self::path_in(data_dir),
            file,
            sealing_key,
        };
        lock.save()?;
        Ok(lock)
    }

    /// Opens the lock file with the passphrase: the store key, and a key
    /// change's next key if one was cut short.
    pub fn unlock(
        data_dir: &Path,
        passphrase: &str,
    ) -> Result<(PassphraseLock, StoreKey, Option<StoreKey>)> {
        let path = Self::path_in(data_dir);
        let text = crate::fs::read_regular(&path, 64 * 1024)?;
        let file: LockFile = serde_json::from_slice(&text)
            .map_err(|_| Error::CorruptDatabase("the key lock file is damaged".to_owned()))?;
        // A tampered file must not make the app spend gigabytes.
        if file.format != 1
            || file.memory_kib > 4 * 1024 * 1024
            || file.passes > 64
            || file.lanes > 16
        {
            return Err(Error::CorruptDatabase(
                "the key lock file is damaged".to_owned(),
            ));
        }
        let salt = b64()
            .decode(file.salt.as_bytes())
            .map_err(|_| Error::CorruptDatabase("the key lock file is damaged".to_owned()))?;
        let sealing_key = derive(passphrase, &salt, &file)?;
        let key = open_sealed(&sealing_key, &file.wrapped)?;
        let next = match &file.next {
            Some(wrapped) => Some(open_sealed(&sealing_key, wrapped)?),
            None => None,
        };
        Ok((
            PassphraseLock {
                path,
                file,
                sealing_key,
            },
            key,
            next,
        ))
    }

    /// Parks the next key of a key change.
    pub fn put_next(&mut self, key: &StoreKey) -> Result<()> {
        self.file.next = Some(seal(&self.sealing_key, key)?);
        self.save()
    }

    /// Makes the parked key the key.
    pub fn promote(&mut self, key: &StoreKey) -> Result<()> {
        self.file.wrapped = seal(&self.sealing_key, key)?;
        self.file.next = None;
        self.save()
    }

    fn save(&self) -> Result<()> {
        let text = serde_json::to_vec_pretty(&self.file)?;
        crate::fs::write_private_atomically(&self.path, &text)
    }
}

/// Whether the user confirmed writing down the recovery key of `key`.
pub fn recovery_confirmed(data_dir: &Path, key: &StoreKey) -> bool {
    std::fs::read_to_string(data_dir.join(CONFIRMED_FILE))
        .map(|text| text.trim() == key.fingerprint())
        .unwrap_or(false)
}

/// Records that the user wrote down the recovery key of `key`.
pub fn confirm_recovery(data_dir: &Path, key: &StoreKey) -> Result<()> {
    crate::fs::write_private_atomically(
        &data_dir.join(CONFIRMED_FILE),
        key.fingerprint().as_bytes(),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_recovery_key_reads_back_however_it_is_typed() {
        let key = StoreKey::generate().expect("key");
        let written = key.recovery_key();
        assert_eq!(written.len(), 56 + 13, "14 groups of four: {written}");
        assert_eq!(StoreKey::from_recovery_key(&written).expect("read"), key);
        let sloppy = written.to_lowercase().replace('-', " ").replace('0', "o");
        assert_eq!(StoreKey::from_recovery_key(&sloppy).expect("read"), key);
    }

    #[test]
    fn a_typo_is_told_apart_from_a_wrong_key() {
        let key = StoreKey::generate().expect("key");
        let mut written: Vec<char> = key.recovery_key().chars().collect();
        written[5] = if written[5] == 'A' { 'B' } else { 'A' };
        let typo: String = written.into_iter().collect();
        assert!(matches!(
            StoreKey::from_recovery_key(&typo),
            Err(Error::MistypedRecoveryKey)
        ));
        assert!(matches!(
            StoreKey::from_recovery_key("ABCD-EFGH"),
            Err(Error::MistypedRecoveryKey)
        ));
        let other = StoreKey::generate().expect("key");
        assert_ne!(
            StoreKey::from_recovery_key(&other.recovery_key()).expect("read"),
            key
        );
    }

    #[test]
    fn a_passphrase_lock_opens_only_with_its_passphrase() {
        let dir = tempfile::tempdir().expect("dir");
        let key = StoreKey::generate().expect("key");
        let mut lock =
            PassphraseLock::create(dir.path(), "correct horse battery", &key).expect("lock");
        let text = std::fs::read_to_string(PassphraseLock::path_in(dir.path())).expect("file");
        assert!(
            !text.contains(&*key.hex()),
            "the key itself is never written"
        );
        let (_, opened, next) =
            PassphraseLock::unlock(dir.path(), "correct horse battery").expect("unlock");
        assert_eq!(opened, key);
        assert!(next.is_none());
        assert!(matches!(
            PassphraseLock::unlock(dir.path(), "wrong horse battery"),
            Err(Error::WrongPassphrase)
        ));
        let new = StoreKey::generate().expect("key");
        lock.put_next(&new).expect("park");
        let (_, _, next) =
            PassphraseLock::unlock(dir.path(), "correct horse battery").expect("unlock");
        assert_eq!(next, Some(new.clone()));
        lock.promote(&new).expect("promote");
        let (_, opened, next) =
            PassphraseLock::unlock(dir.path(), "correct horse battery").expect("unlock");
        assert_eq!((opened, next), (new, None));
        assert!(matches!(
            PassphraseLock::create(dir.path(), "short", &key),
            Err(Error::Validation(_))
        ));
    }
}
