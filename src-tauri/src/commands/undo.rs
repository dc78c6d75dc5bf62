use kizuna_core::undo::Undo;
use tauri::State;

use crate::error::CommandResult;
use crate::state::AppState;

/// Undoes an action the core recorded (a deletion, a reminder acted on).
#[tauri::command]
pub async fn undo(state: State<'_, AppState>, undo: Undo) -> CommandResult<()> {
    Ok(state.store()?.undo(undo)?)
}
