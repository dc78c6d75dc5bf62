use kizuna_core::app::AppInfo;
use tauri::State;

use crate::error::CommandResult;
use crate::state::AppState;

/// Where the data lives and whether the store opened, for the first screen
/// and the settings page.
#[tauri::command]
pub async fn app_info(state: State<'_, AppState>) -> CommandResult<AppInfo> {
    Ok(AppInfo {
        version: env!("CARGO_PKG_VERSION").to_owned(),
        data_dir: state.data_dir.display().to_string(),
        startup_error: state.startup_error(),
    })
}
