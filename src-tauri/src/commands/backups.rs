//! Backups and restores: thin adapters over `kizuna_core::backup` and the
//! JSON snapshot.

use kizuna_core::app::JobPhase;
use kizuna_core::backup::{BackupContents, BackupInfo, BackupKind, RestoreReport};
use kizuna_core::interchange::snapshot::RestoredCounts;
use kizuna_core::{Clock, Store};
use tauri::{AppHandle, Manager, State};

use crate::error::CommandResult;
use crate::grants::{Grants, Purpose};
use crate::jobs::{self, Jobs, blocking};
use crate::state::AppState;

#[tauri::command]
pub async fn list_backups(state: State<'_, AppState>) -> CommandResult<Vec<BackupInfo>> {
    Ok(state.store()?.backups()?)
}

/// "Back up now", on a connection of its own so the window stays usable.
#[tauri::command]
pub async fn backup_now(state: State<'_, AppState>) -> CommandResult<BackupInfo> {
    let opener = state.opener()?;
    blocking(move || {
        let store = opener.open()?;
        let clock = Clock::system(store.settings()?.tz());
        Ok(store.back_up(BackupKind::Manual, &clock)?)
    })
    .await
}

/// What a backup holds, after checking it is sound.
#[tauri::command]
pub async fn inspect_backup(app: AppHandle, path: String) -> CommandResult<BackupContents> {
    blocking(move || {
        let state = app.state::<AppState>();
        let store = state.connection()?;
        let path = granted_backup(&app, &store, &path)?;
        Ok(store.inspect_backup(&path)?)
    })
    .await
}

/// Replaces the store with a backup (the store is backed up first).
#[tauri::command]
pub async fn restore_backup(app: AppHandle, path: String) -> CommandResult<RestoreReport> {
    let report = blocking(move || {
        let state = app.state::<AppState>();
        let mut store = state.store()?;
        let path = granted_backup(&app, &store, &path)?;
        let clock = Clock::system(store.settings()?.tz());
        Ok(store.restore_backup(&path, &clock)?)
    })
    .await?;
    Ok(report)
}

/// Replaces everything with a JSON export (the store is backed up first).
#[tauri::command]
pub async fn restore_snapshot(
    app: AppHandle,
    state: State<'_, AppState>,
    jobs: State<'_, Jobs>,
    grants: State<'_, Grants>,
    job: u32,
    path: String,
) -> CommandResult<RestoredCounts> {
    grants.check(&path, Purpose::Restore)?;
    jobs::run(&app, &jobs, &state, job, move |job| {
        let bytes = super::interchange::read(&path)?;
        let clock = job.clock;
        let mut progress = job.progress(JobPhase::Restoring);
        Ok(job.store.restore_snapshot(&bytes, &clock, &mut progress)?)
    })
    .await
}

/// A backup Kizuna listed in its backup folder, or a file the user chose
/// in the restore dialog.
fn granted_backup(app: &AppHandle, store: &Store, path: &str) -> CommandResult<std::path::PathBuf> {
    if store.backups()?.iter().any(|b| b.path == path) {
        return Ok(std::path::PathBuf::from(path));
    }
    app.state::<Grants>().check(path, Purpose::Restore)
}
