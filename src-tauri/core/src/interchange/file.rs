//! The files an import reads and an export writes, for the app and the
//! command line alike.
//!
//! A file to import must be a regular file (not a folder, a device such as
//! `/dev/zero`, or a pipe, which never end or never start) of at most
//! [`MAX_IMPORT_BYTES`]; both are checked before anything is read, and
//! reading stops at the limit should the file grow meanwhile.
//!
//! An export is written to a temporary file of Kizuna's own, made beside
//! the target and renamed over it once complete. The temporary file is
//! created exclusively under a random name, so it can neither be an
//! existing file nor a symbolic link someone placed there; the rename
//! replaces the target's directory entry, so a link at the target is
//! replaced too, never written through. A failed or cancelled export
//! removes only that temporary file and leaves the target as it was.

use std::path::Path;

use crate::error::Result;
pub use crate::fs::{read_regular, write_atomically};

/// The largest file an import reads: a phone's or Google's export of tens
/// of thousands of contacts is a few tens of megabytes, and reading,
/// decoding and parsing take several times a file's size in memory.
pub const MAX_IMPORT_BYTES: u64 = 256 * 1024 * 1024;

/// The bytes of a file to import.
pub fn read_import(path: &Path) -> Result<Vec<u8>> {
    read_regular(path, MAX_IMPORT_BYTES)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::Error;

    fn names(folder: &Path) -> Vec<String> {
        let mut names: Vec<String> = std::fs::read_dir(folder)
            .expect("folder")
            .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
            .collect();
        names.sort();
        names
    }

    #[test]
    fn a_finished_export_replaces_the_target_and_a_failed_one_leaves_it() {
        let folder = tempfile::tempdir().expect("folder");
        let target = folder.path().join("customers.csv");
        std::fs::write(&target, "before").expect("target");
        // A file that only shares the name an older Kizuna used for its
        // partial file is not Kizuna's to touch.
        let bystander = folder.path().join("customers.partial");
        std::fs::write(&bystander, "someone else's").expect("bystander");

        let failed = write_atomically(&target, |out| {
            out.write_all(b"half")?;
            Err(Error::Cancelled)
        });
        assert!(matches!(failed, Err(Error::Cancelled)));
        assert_eq!(std::fs::read_to_string(&target).expect("read"), "before");
        assert_eq!(names(folder.path()), ["customers.csv", "customers.partial"]);

        let size = write_atomically(&target, |out| Ok(out.write_all(b"after")?)).expect("write");
        assert_eq!(size, 5);
        assert_eq!(std::fs::read_to_string(&target).expect("read"), "after");
        assert_eq!(
            std::fs::read_to_string(&bystander).expect("read"),
            "someone else's"
        );
        assert_eq!(names(folder.path()), ["customers.csv", "customers.partial"]);
    }

    #[cfg(unix)]
    #[test]
    fn a_symbolic_link_at_the_target_is_replaced_not_written_through() {
        let folder = tempfile::tempdir().expect("folder");
        let elsewhere = folder.path().join("elsewhere.txt");
        std::fs::write(&elsewhere, "keep me").expect("elsewhere");
        let target = folder.path().join("customers.vcf");
        std::os::unix::fs::symlink(&elsewhere, &target).expect("link");

        write_atomically(&target, |out| Ok(out.write_all(b"BEGIN:VCARD")?)).expect("write");
        assert_eq!(
            std::fs::read_to_string(&elsewhere).expect("read"),
            "keep me"
        );
        assert!(
            !std::fs::symlink_metadata(&target)
                .expect("target")
                .file_type()
                .is_symlink()
        );
        assert_eq!(
            std::fs::read_to_string(&target).expect("read"),
            "BEGIN:VCARD"
        );
    }
}
