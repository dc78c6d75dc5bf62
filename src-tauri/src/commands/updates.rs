//! Checking for and installing a signed newer release (see `crate::updates`).

use kizuna_core::app::AvailableUpdate;
use tauri::{AppHandle, State};

use crate::error::CommandResult;
use crate::state::AppState;
use crate::updates::{self, Updates};

/// Asks the update server now; `None` when this is the newest version.
#[tauri::command]
pub async fn check_for_update(app: AppHandle) -> CommandResult<Option<AvailableUpdate>> {
    updates::check(&app).await
}

/// What the daily check found, if anything, for a window opened after it.
#[tauri::command]
pub fn found_update(updates: State<'_, Updates>) -> Option<AvailableUpdate> {
    updates.found()
}

/// Downloads the update found, verifies its signature and installs it; the
/// new version runs after a restart.
#[tauri::command]
pub async fn install_update(app: AppHandle) -> CommandResult<()> {
    updates::install(&app).await
}

/// Starts the installed version in place of this one on the same book,
/// with the window shown (not in the tray, even after a start at login).
#[tauri::command]
pub fn restart_app(app: AppHandle, state: State<'_, AppState>) {
    crate::commands::app::reopen(&app, Some(state.data_dir.clone()));
}
