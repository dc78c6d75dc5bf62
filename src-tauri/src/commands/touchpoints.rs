use chrono::NaiveDate;
use kizuna_core::promise::Promise;
use kizuna_core::touchpoint::{LoggedTouchpoint, Touchpoint, TouchpointInput};
use kizuna_core::undo::Undo;
use tauri::State;

use crate::error::CommandResult;
use crate::state::{AppState, clock};

#[tauri::command]
pub async fn log_touchpoint(
    state: State<'_, AppState>,
    input: TouchpointInput,
) -> CommandResult<LoggedTouchpoint> {
    let mut store = state.store()?;
    let clock = clock(&store)?;
    Ok(store.log_touchpoint(input, &clock)?)
}

#[tauri::command]
pub async fn update_touchpoint(
    state: State<'_, AppState>,
    id: i64,
    input: TouchpointInput,
) -> CommandResult<Touchpoint> {
    let mut store = state.store()?;
    let clock = clock(&store)?;
    Ok(store.update_touchpoint(id, input, &clock)?)
}

/// Deletes a touchpoint; the result undoes it.
#[tauri::command]
pub async fn delete_touchpoint(state: State<'_, AppState>, id: i64) -> CommandResult<Undo> {
    let mut store = state.store()?;
    let clock = clock(&store)?;
    Ok(store.delete_touchpoint(id, &clock)?)
}

#[tauri::command]
pub async fn add_promise(
    state: State<'_, AppState>,
    customer_id: i64,
    title: String,
    due_on: NaiveDate,
    due_time: String,
) -> CommandResult<Promise> {
    let mut store = state.store()?;
    let clock = clock(&store)?;
    Ok(store.add_promise(customer_id, &title, due_on, &due_time, &clock)?)
}

#[tauri::command]
pub async fn set_promise_done(
    state: State<'_, AppState>,
    id: i64,
    done: bool,
) -> CommandResult<Promise> {
    let mut store = state.store()?;
    let clock = clock(&store)?;
    Ok(store.set_promise_done(id, done, &clock)?)
}

/// Deletes a promise; the result undoes it.
#[tauri::command]
pub async fn delete_promise(state: State<'_, AppState>, id: i64) -> CommandResult<Undo> {
    let mut store = state.store()?;
    let clock = clock(&store)?;
    Ok(store.delete_promise(id, &clock)?)
}
