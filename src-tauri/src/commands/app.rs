use kizuna_core::app::AppInfo;
use tauri::State;

use crate::error::{CommandError, CommandResult};
use crate::logging::Log;
use crate::state::AppState;

/// Where the data and the log live and whether the store opened, for the
/// first screen and the settings page.
#[tauri::command]
pub async fn app_info(state: State<'_, AppState>, log: State<'_, Log>) -> CommandResult<AppInfo> {
    Ok(AppInfo {
        version: env!("CARGO_PKG_VERSION").to_owned(),
        data_dir: state.data_dir.display().to_string(),
        log_dir: log.dir.display().to_string(),
        startup_error: state.startup_error(),
    })
}

/// Opens the log's folder in the file manager (for sending it along with a
/// problem report). Only that folder: the interface names no path.
#[tauri::command]
pub async fn open_log_folder(app: tauri::AppHandle, log: State<'_, Log>) -> CommandResult<()> {
    use tauri_plugin_opener::OpenerExt;
    std::fs::create_dir_all(&log.dir)
        .map_err(|e| CommandError::internal(format!("the log folder could not be made: {e}")))?;
    app.opener()
        .open_path(log.dir.display().to_string(), None::<&str>)
        .map_err(|e| CommandError::internal(format!("the log folder could not be opened: {e}")))
}
