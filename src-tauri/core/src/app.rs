//! Facts about the running app that the UI shows.

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::error::ErrorPayload;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct AppInfo {
    pub version: String,
    /// The folder holding the store and its backups.
    pub data_dir: String,
    /// The folder of the app's log files.
    pub log_dir: String,
    /// Why the store could not be opened, if it could not.
    pub startup_error: Option<ErrorPayload>,
    /// The window shows the demo book (its own folder), not the user's.
    pub demo: bool,
    /// What the store waits for before it opens (a passphrase, the
    /// recovery key), if it waits.
    pub lock: Option<crate::unlock::Lock>,
    /// How the store key is kept, once the store is open.
    pub protection: Option<crate::keys::Protection>,
    /// The user has confirmed writing down the current recovery key.
    pub recovery_key_confirmed: bool,
}

/// A newer release the update server offers, signed by the release key.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct AvailableUpdate {
    pub version: String,
    /// The version running now.
    pub current_version: String,
    /// What is new, as the release notes say it.
    pub notes: String,
    /// When it was published (Unix seconds), if the server says.
    pub published_at: Option<i64>,
}

/// How far the download of an update has come.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct UpdateProgress {
    pub downloaded: u64,
    /// The whole size, when the server says it.
    pub total: Option<u64>,
}

/// What a long job is doing.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum JobPhase {
    /// Reading a file.
    Reading,
    /// Comparing what was read with the book.
    Matching,
    /// Writing to the store.
    Writing,
    Exporting,
    Restoring,
}

/// How far a long job (an import, an export, a restore) has come; sent to
/// the window as it works, so a bar can move and the job can be cancelled.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct JobProgress {
    pub job: u32,
    pub phase: JobPhase,
    #[ts(type = "number")]
    pub done: u64,
    #[ts(type = "number")]
    pub total: u64,
}
