use kizuna_core::undo::Undo;
use tauri::State;

use crate::error::CommandResult;
use crate::state::{AppState, clock};

/// Undoes an action the core recorded (a deletion, a reminder acted on).
#[tauri::command]
pub async fn undo(state: State<'_, AppState>, undo: Undo) -> CommandResult<()> {
    let mut store = state.store()?;
    let clock = clock(&store)?;
    Ok(store.undo(undo, &clock)?)
}
