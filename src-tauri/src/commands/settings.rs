use kizuna_core::settings::Settings;
use tauri::{Manager, State};

use crate::error::CommandResult;
use crate::state::AppState;

#[tauri::command]
pub async fn get_settings(state: State<'_, AppState>) -> CommandResult<Settings> {
    Ok(state.store()?.settings()?)
}

#[tauri::command]
pub async fn save_settings(
    app: tauri::AppHandle,
    state: State<'_, AppState>,
    settings: Settings,
) -> CommandResult<Settings> {
    let saved = state.store()?.save_settings(&settings)?;
    apply_start_at_login(&app, saved.start_at_login);
    Ok(saved)
}

/// Chooses the backup folder in a native dialog: the only way it changes
/// to a folder (the window can only clear it back to the default).
#[tauri::command]
pub async fn choose_backup_folder(app: tauri::AppHandle, title: String) -> CommandResult<Settings> {
    crate::jobs::blocking(move || {
        let state = app.state::<AppState>();
        let Some(folder) = crate::grants::choose_folder(&app, &title) else {
            return Ok(state.store()?.settings()?);
        };
        Ok(state.store()?.set_backup_folder(&folder)?)
    })
    .await
}

/// Registers or removes the login item. A desktop without one keeps the
/// setting and says so in the log; nothing else depends on it.
fn apply_start_at_login(app: &tauri::AppHandle, wanted: bool) {
    use tauri_plugin_autostart::ManagerExt;
    let autostart = app.autolaunch();
    let result = match (wanted, autostart.is_enabled()) {
        (true, Ok(false)) => autostart.enable(),
        (false, Ok(true)) => autostart.disable(),
        (_, Ok(_)) => Ok(()),
        (_, Err(e)) => Err(e),
    };
    if let Err(e) = result {
        tracing::warn!(error = %e, "start at login could not be changed");
    }
}
