//! Which files the window may name. The web view could send any path
//! string; commands that read or write a file accept only a path that a
//! file dialog opened here, on the Rust side, returned for that purpose
//! (or a backup Kizuna listed itself). Nothing the page types is trusted.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::Mutex;

use kizuna_core::Error;
use serde::Deserialize;
use tauri::AppHandle;
use tauri_plugin_dialog::DialogExt;

use crate::error::CommandResult;

/// What a chosen file is for; a file chosen to import cannot be written.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Purpose {
    /// A vCard or CSV file to read.
    Import,
    /// A backup or JSON export to restore from.
    Restore,
    /// Where an export is written.
    Export,
}

#[derive(Default)]
pub struct Grants(Mutex<HashMap<PathBuf, Purpose>>);

impl Grants {
    fn grant(&self, path: &Path, purpose: Purpose) {
        if let Ok(mut granted) = self.0.lock() {
            granted.insert(path.to_path_buf(), purpose);
        }
    }

    /// The path, if a dialog returned it for `purpose`.
    pub fn check(&self, path: &str, purpose: Purpose) -> CommandResult<PathBuf> {
        let path = PathBuf::from(path);
        let granted = self
            .0
            .lock()
            .map(|g| g.get(&path) == Some(&purpose))
            .unwrap_or(false);
        if granted {
            Ok(path)
        } else {
            tracing::warn!(path = %path.display(), ?purpose, "a path no dialog returned was refused");
            Err(Error::PathNotGranted.into())
        }
    }
}

/// What the window asks a dialog for; the wording is the window's, in the
/// user's language.
#[derive(Debug, Deserialize)]
pub struct FileRequest {
    purpose: Purpose,
    title: String,
    /// The filter's label and its extensions (without dots).
    filter_name: String,
    extensions: Vec<String>,
    /// For an export: the file name proposed.
    suggested_name: Option<String>,
}

fn to_path(chosen: Option<tauri_plugin_dialog::FilePath>) -> Option<PathBuf> {
    chosen.and_then(|p| p.into_path().ok())
}

/// Opens the native dialog and grants what it returns for the purpose.
pub fn choose(app: &AppHandle, grants: &Grants, request: FileRequest) -> Option<String> {
    let extensions: Vec<&str> = request
        .extensions
        .iter()
        .map(String::as_str)
        .filter(|e| !e.is_empty() && e.chars().all(|c| c.is_ascii_alphanumeric()))
        .collect();
    let mut dialog = app.dialog().file().set_title(&request.title);
    if !extensions.is_empty() {
        dialog = dialog.add_filter(&request.filter_name, &extensions);
    }
    let chosen = match request.purpose {
        Purpose::Import | Purpose::Restore => to_path(dialog.blocking_pick_file()),
        Purpose::Export => {
            if let Some(name) = request.suggested_name.as_deref() {
                dialog = dialog.set_file_name(name);
            }
            to_path(dialog.blocking_save_file())
        }
    }?;
    grants.grant(&chosen, request.purpose);
    Some(chosen.display().to_string())
}

/// Opens the native folder dialog (for the backup folder).
pub fn choose_folder(app: &AppHandle, title: &str) -> Option<PathBuf> {
    to_path(app.dialog().file().set_title(title).blocking_pick_folder())
}
