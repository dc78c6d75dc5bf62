//! Files as the store keeps them: private to the user (a folder only they
//! can enter, files only they can read), written whole or not at all, and
//! read only when they are ordinary files of a sensible size.

use std::io::{Read, Write};
use std::path::Path;

use crate::error::{Error, Result};

/// Creates `dir` (and its parents) and makes it private: 0700 on Unix, so
/// another account on a shared computer cannot list or read the store.
pub fn private_dir(dir: &Path) -> Result<()> {
    std::fs::create_dir_all(dir)?;
    restrict(dir, 0o700)
}

/// Makes an existing file readable by its owner only (0600 on Unix).
pub fn private_file(path: &Path) -> Result<()> {
    restrict(path, 0o600)
}

#[cfg(unix)]
fn restrict(path: &Path, mode: u32) -> Result<()> {
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(mode))?;
    Ok(())
}

#[cfg(not(unix))]
fn restrict(_path: &Path, _mode: u32) -> Result<()> {
    // Elsewhere the user's profile folder is private already.
    Ok(())
}

/// A new temporary file of Kizuna's own beside `near`: created exclusively
/// (never an existing file, never through a symlink), private, and removed
/// unless kept with [`tempfile::NamedTempFile::persist`].
pub fn temp_file_beside(near: &Path) -> Result<tempfile::NamedTempFile> {
    let dir = near
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or_else(|| Path::new("."));
    Ok(tempfile::Builder::new()
        .prefix(".kizuna-")
        .suffix(".partial")
        .tempfile_in(dir)?)
}

/// Writes `bytes` to `path` whole or not at all: a private temporary file,
/// flushed to disk, renamed over the target.
pub fn write_private_atomically(path: &Path, bytes: &[u8]) -> Result<()> {
    let mut temp = temp_file_beside(path)?;
    temp.write_all(bytes)?;
    temp.as_file().sync_all()?;
    temp.persist(path).map_err(|e| Error::Io(e.error))?;
    Ok(())
}

/// Refuses what is not an ordinary file (a folder, a device such as
/// /dev/zero, a FIFO that would block forever) and files over `limit`.
pub fn check_regular(path: &Path, limit: u64) -> Result<u64> {
    let meta = std::fs::metadata(path)?;
    if !meta.is_file() {
        return Err(Error::UnreadableFile(format!(
            "{} is not an ordinary file",
            path.display()
        )));
    }
    if meta.len() > limit {
        return Err(Error::FileTooLarge {
            size: meta.len(),
            limit,
        });
    }
    Ok(meta.len())
}

/// Reads a small file whole, after [`check_regular`]; never more than
/// `limit` bytes even if it grows meanwhile.
pub fn read_small(path: &Path, limit: u64) -> Result<Vec<u8>> {
    check_regular(path, limit)?;
    let mut bytes = Vec::new();
    std::fs::File::open(path)?
        .take(limit + 1)
        .read_to_end(&mut bytes)?;
    if bytes.len() as u64 > limit {
        return Err(Error::FileTooLarge {
            size: bytes.len() as u64,
            limit,
        });
    }
    Ok(bytes)
}
