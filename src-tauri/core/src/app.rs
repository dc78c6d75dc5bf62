//! Facts about the running app that the UI shows.

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::error::ErrorPayload;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct AppInfo {
    pub version: String,
    /// The folder holding the store and its backups.
    pub data_dir: String,
    /// Why the store could not be opened, if it could not.
    pub startup_error: Option<ErrorPayload>,
}
