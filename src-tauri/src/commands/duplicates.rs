//! The Duplicates view: possible duplicates found in the background, and
//! pairs the user says are two people.

use kizuna_core::app::JobPhase;
use kizuna_core::duplicates::DuplicateList;
use kizuna_core::merge::{MergeOutcome, MergePreview, MergeRequest};
use tauri::{AppHandle, State};

use crate::error::CommandResult;
use crate::jobs::{self, Jobs};
use crate::state::{AppState, clock};

/// Looks through the whole book for possible duplicates, on a connection
/// of its own, reporting progress as job `job`.
#[tauri::command]
pub async fn find_duplicates(
    app: AppHandle,
    state: State<'_, AppState>,
    jobs: State<'_, Jobs>,
    job: u32,
) -> CommandResult<DuplicateList> {
    jobs::run(&app, &jobs, &state, job, move |job| {
        let mut progress = job.progress(JobPhase::Matching);
        Ok(job.store.duplicate_list(&mut progress)?)
    })
    .await
}

/// "Not the same person": the pair is never offered again.
#[tauri::command]
pub async fn dismiss_duplicate(
    state: State<'_, AppState>,
    first: i64,
    second: i64,
) -> CommandResult<()> {
    let mut store = state.store()?;
    let clock = clock(&store)?;
    Ok(store.dismiss_duplicate(first, second, &clock)?)
}

/// Two records side by side before merging, `kept` being the one that stays.
#[tauri::command]
pub async fn merge_preview(
    state: State<'_, AppState>,
    kept: i64,
    other: i64,
) -> CommandResult<MergePreview> {
    let store = state.store()?;
    Ok(store.merge_preview(kept, other)?)
}

/// Merges one record into the other as the user chose, after a backup;
/// undoable.
#[tauri::command]
pub async fn merge_customers(
    state: State<'_, AppState>,
    request: MergeRequest,
) -> CommandResult<MergeOutcome> {
    let mut store = state.store()?;
    let clock = clock(&store)?;
    Ok(store.merge_customers(&request, &clock)?)
}
