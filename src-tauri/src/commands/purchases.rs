use kizuna_core::purchase::{Purchase, PurchaseInput, RecordedPurchase};
use kizuna_core::undo::Undo;
use tauri::State;

use crate::error::CommandResult;
use crate::state::{AppState, clock};

#[tauri::command]
pub async fn record_purchase(
    state: State<'_, AppState>,
    input: PurchaseInput,
) -> CommandResult<RecordedPurchase> {
    let mut store = state.store()?;
    let clock = clock(&store)?;
    Ok(store.record_purchase(input, &clock)?)
}

#[tauri::command]
pub async fn update_purchase(
    state: State<'_, AppState>,
    id: i64,
    input: PurchaseInput,
) -> CommandResult<Purchase> {
    let mut store = state.store()?;
    let clock = clock(&store)?;
    Ok(store.update_purchase(id, input, &clock)?)
}

/// Deletes a purchase; the result undoes it (its follow-ups come back as
/// they were).
#[tauri::command]
pub async fn delete_purchase(state: State<'_, AppState>, id: i64) -> CommandResult<Undo> {
    let mut store = state.store()?;
    let clock = clock(&store)?;
    Ok(store.delete_purchase(id, &clock)?)
}
