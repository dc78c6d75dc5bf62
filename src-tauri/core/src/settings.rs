//! The user's settings (typed in `domain/settings.rs`).

use std::path::Path;

pub use crate::domain::settings::*;

use crate::domain::dav::SyncAccount;
use crate::error::{Error, FieldErrorCode, Result};
use crate::store::{Store, settings};

impl Store {
    pub fn settings(&self) -> Result<Settings> {
        settings::read(self.conn())
    }

    /// Saves the settings the window sends. The backup folder is the one
    /// exception: the window can only clear it back to the default; a
    /// folder is set through [`Store::set_backup_folder`], after a dialog.
    pub fn save_settings(&mut self, chosen: &Settings) -> Result<Settings> {
        let mut chosen = chosen.clone();
        let stored = self.settings()?;
        if !chosen.backup_folder.trim().is_empty() {
            chosen.backup_folder = stored.backup_folder;
        }
        // The sync account changes only through connecting and
        // disconnecting (a settings page saved with an older copy must not
        // bring back or drop an account).
        chosen.sync_account = stored.sync_account;
        self.write_settings(&chosen)
    }

    /// Connects (or, with `None`, disconnects) the salesperson's server.
    /// What the sync remembered of the previous account's server is
    /// forgotten, so nothing on a new server is taken for deleted.
    pub fn set_sync_account(&mut self, account: Option<SyncAccount>) -> Result<Settings> {
        let mut settings = self.settings()?;
        settings.sync_account = account;
        let mut tx = self.begin()?;
        settings::write(&mut tx, &settings)?;
        crate::store::sync_items::clear(&tx)?;
        self.commit(tx)?;
        self.settings()
    }

    /// Makes `folder` the backup folder, if it is a safe place for copies
    /// of the store (see [`check_backup_folder`]).
    pub fn set_backup_folder(&mut self, folder: &Path) -> Result<Settings> {
        check_backup_folder(folder)?;
        let mut settings = self.settings()?;
        settings.backup_folder = folder.display().to_string();
        self.write_settings(&settings)
    }

    fn write_settings(&mut self, chosen: &Settings) -> Result<Settings> {
        let mut tx = self.begin()?;
        settings::write(&mut tx, chosen)?;
        self.commit(tx)?;
        self.settings()
    }

    /// After a restore: settings that came with the file are held to the
    /// same rules as settings the user saves. A value that breaks them (a
    /// backup folder in /tmp, an unknown time zone) goes back to its
    /// default rather than being trusted.
    pub(crate) fn settle_restored_settings(&mut self) -> Result<()> {
        let restored = self.settings()?;
        let mut settled = restored.clone();
        if !settled.backup_folder.trim().is_empty()
            && check_backup_folder(Path::new(settled.backup_folder.trim())).is_err()
        {
            settled.backup_folder = String::new();
        }
        if let Err(Error::Validation(fields)) = settled.to_stored() {
            settled = settled.with_defaults_for(fields.iter().map(|f| f.field.as_str()))?;
        }
        if settled != restored {
            tracing::warn!("restored settings that break the rules were reset to their defaults");
            self.write_settings(&settled)?;
        }
        Ok(())
    }
}

/// A backup folder must be an existing folder that other accounts cannot
/// write to: not /tmp, not a shared drop folder where someone else could
/// plant or swap a file that Kizuna would later restore or rotate.
pub fn check_backup_folder(folder: &Path) -> Result<()> {
    let refuse = || Error::field("backup_folder", FieldErrorCode::NotAllowed);
    if !folder.is_absolute() {
        return Err(refuse());
    }
    let meta = std::fs::metadata(folder).map_err(|_| refuse())?;
    if !meta.is_dir() {
        return Err(refuse());
    }
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        if meta.permissions().mode() & 0o002 != 0 {
            return Err(refuse());
        }
    }
    Ok(())
}
