use kizuna_core::app::AppInfo;
use kizuna_core::unlock::Found;
use kizuna_core::{Clock, Store};
use tauri::Manager;
use tauri::State;

use crate::error::{CommandError, CommandResult};
use crate::logging::Log;
use crate::state::AppState;

/// Where the data and the log live and whether the store opened, for the
/// first screen and the settings page.
#[tauri::command]
pub async fn app_info(state: State<'_, AppState>, log: State<'_, Log>) -> CommandResult<AppInfo> {
    let (protection, recovery_key_confirmed) = match state.unlocked().as_ref() {
        Some(u) => (
            Some(u.protection),
            kizuna_core::keys::recovery_confirmed(&state.data_dir, &u.key),
        ),
        None => (None, false),
    };
    Ok(AppInfo {
        version: env!("CARGO_PKG_VERSION").to_owned(),
        data_dir: state.data_dir.display().to_string(),
        log_dir: log.dir.display().to_string(),
        startup_error: state.startup_error(),
        demo: state.data_dir == kizuna_core::paths::demo_data_dir(),
        lock: state.lock(),
        protection,
        recovery_key_confirmed,
    })
}

/// How many customers the demo book starts with.
const DEMO_CUSTOMERS: usize = 200;

/// Fills the demo book's own folder (once) and reopens Kizuna on it; the
/// user's own book is not touched.
#[tauri::command]
pub async fn open_demo_book(app: tauri::AppHandle) -> CommandResult<()> {
    let dir = kizuna_core::paths::demo_data_dir();
    // Without a keychain the demo book asks for a passphrase of its own
    // when it opens, and starts empty.
    if let Found::Key { key, .. } = kizuna_core::unlock::find_key(&dir)? {
        let (mut store, _) = Store::open_in_dir(&dir, &key)?;
        if store.customer_count()? == 0 {
            let clock = Clock::system(store.settings()?.tz());
            let seed = u64::try_from(clock.timestamp()).unwrap_or_default();
            let written = kizuna_core::demo::populate(&mut store, DEMO_CUSTOMERS, seed, &clock)?;
            tracing::info!(customers = written, dir = %dir.display(), "demo book filled");
        }
    }
    reopen(&app, Some(dir));
    Ok(())
}

/// Leaves the demo book for the user's own.
#[tauri::command]
pub async fn open_own_book(app: tauri::AppHandle) -> CommandResult<()> {
    reopen(&app, None);
    Ok(())
}

/// Starts Kizuna again on `dir` (or the usual folder) and ends this one.
pub(crate) fn reopen(app: &tauri::AppHandle, dir: Option<std::path::PathBuf>) {
    let mut env = app.env();
    env.args_os.truncate(1);
    if let Some(dir) = dir {
        env.args_os.push(crate::DATA_DIR_ARG.into());
        env.args_os.push(dir.into_os_string());
    }
    let handle = app.clone();
    // Exiting must happen on the main thread, after the single-instance
    // lock and the tray are released, so the new process can take over.
    let reopened = app.run_on_main_thread(move || {
        handle.cleanup_before_exit();
        tauri::process::restart(&env);
    });
    if let Err(e) = reopened {
        tracing::error!(error = %e, "Kizuna could not be reopened");
    }
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

/// Opens a native file dialog for the window and grants the file chosen
/// (see `grants.rs`); `None` when the user cancels.
#[tauri::command]
pub async fn choose_file(
    app: tauri::AppHandle,
    request: crate::grants::FileRequest,
) -> CommandResult<Option<String>> {
    crate::jobs::blocking(move || {
        let grants = app.state::<crate::grants::Grants>();
        Ok(crate::grants::choose(&app, &grants, request))
    })
    .await
}
