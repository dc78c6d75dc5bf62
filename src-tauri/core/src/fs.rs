//! Files as the store keeps them: private to the user (a folder only they
//! can enter, files only they can read), written whole or not at all, and
//! read only when they are ordinary files of a sensible size.

use std::io::{BufWriter, Read, Write};
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
    temp_file_in(folder_of(near))
}

/// A new temporary file of Kizuna's own in `dir`, as [`temp_file_beside`].
pub fn temp_file_in(dir: &Path) -> Result<tempfile::NamedTempFile> {
    Ok(partial_named().tempfile_in(dir)?)
}

/// Whether a file name is one of Kizuna's own unfinished files.
pub fn is_partial_name(name: &str) -> bool {
    name.starts_with(PARTIAL_PREFIX) && name.ends_with(PARTIAL_SUFFIX)
}

const PARTIAL_PREFIX: &str = ".kizuna-";
const PARTIAL_SUFFIX: &str = ".partial";

/// The folder `near` is in (`.` for a bare file name).
fn folder_of(near: &Path) -> &Path {
    near.parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or_else(|| Path::new("."))
}

/// How Kizuna's own unfinished files and folders are named.
fn partial_named() -> tempfile::Builder<'static, 'static> {
    let mut builder = tempfile::Builder::new();
    builder.prefix(PARTIAL_PREFIX).suffix(PARTIAL_SUFFIX);
    builder
}

/// A new private folder of Kizuna's own beside `near` (0700), removed with
/// everything in it when dropped: for a file another program writes, which
/// must never be left readable beside the target if it finishes late.
pub fn temp_dir_beside(near: &Path) -> Result<tempfile::TempDir> {
    let made = partial_named().tempdir_in(folder_of(near))?;
    private_dir(made.path())?;
    Ok(made)
}

/// Writes `bytes` to `path` whole or not at all: a private temporary file,
/// flushed to disk, renamed over the target.
pub fn write_private_atomically(path: &Path, bytes: &[u8]) -> Result<()> {
    write_atomically(path, |out| Ok(out.write_all(bytes)?)).map(|_| ())
}

/// The size of the regular file at `path`, if it holds at most `limit`:
/// a folder, a device such as /dev/zero or a FIFO (which would block
/// forever) is refused before it is opened.
pub fn regular_file_size(path: &Path, limit: u64) -> Result<u64> {
    let metadata = std::fs::metadata(path)
        .map_err(|e| Error::UnreadableFile(format!("{}: {e}", path.display())))?;
    regular_size(path, &metadata, limit)
}

/// The bytes of the regular file at `path`, if it holds at most `limit`.
pub fn read_regular(path: &Path, limit: u64) -> Result<Vec<u8>> {
    let unreadable = |e: std::io::Error| Error::UnreadableFile(format!("{}: {e}", path.display()));
    // Asked before opening: opening a pipe waits for a writer, maybe forever.
    let size = regular_size(path, &std::fs::metadata(path).map_err(unreadable)?, limit)?;
    let file = std::fs::File::open(path).map_err(unreadable)?;
    // And of what was opened, in case the name was given to another file since.
    regular_size(path, &file.metadata().map_err(unreadable)?, limit)?;
    let mut bytes = Vec::with_capacity(usize::try_from(size).unwrap_or(0));
    file.take(limit.saturating_add(1))
        .read_to_end(&mut bytes)
        .map_err(unreadable)?;
    let read = bytes.len() as u64;
    if read > limit {
        return Err(Error::FileTooLarge { size: read, limit });
    }
    Ok(bytes)
}

fn regular_size(path: &Path, metadata: &std::fs::Metadata, limit: u64) -> Result<u64> {
    if !metadata.is_file() {
        return Err(Error::NotAFile(path.display().to_string()));
    }
    if metadata.len() > limit {
        return Err(Error::FileTooLarge {
            size: metadata.len(),
            limit,
        });
    }
    Ok(metadata.len())
}

/// Writes a file through `write`, all or nothing, and returns its size.
pub fn write_atomically(
    target: &Path,
    write: impl FnOnce(&mut dyn Write) -> Result<()>,
) -> Result<u64> {
    // Readable by the user only: it holds customer data.
    let mut partial = temp_file_beside(target)?;
    {
        let mut out = BufWriter::new(partial.as_file_mut());
        write(&mut out)?;
        out.flush()?;
    }
    // On disk before it takes the target's name, so a crash leaves either
    // the old file or the whole new one (a USB stick pulled out, say).
    partial.as_file().sync_all()?;
    let size = partial.as_file().metadata()?.len();
    partial
        .persist(target)
        .map_err(|failed| Error::Io(failed.error))?;
    Ok(size)
}
