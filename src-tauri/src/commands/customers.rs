use kizuna_core::customer::{
    Customer, CustomerPage, CustomerProfile, CustomerQuery, SimilarCustomer, SimilarQuery, TagCount,
};
use kizuna_core::undo::Undo;
use tauri::State;

use crate::error::CommandResult;
use crate::state::{AppState, clock};

#[tauri::command]
pub async fn list_customers(
    state: State<'_, AppState>,
    query: CustomerQuery,
) -> CommandResult<CustomerPage> {
    Ok(state.store()?.list_customers(&query)?)
}

/// Where a customer stands in the list as filtered, to scroll to them.
#[tauri::command]
pub async fn customer_position(
    state: State<'_, AppState>,
    query: CustomerQuery,
    id: i64,
) -> CommandResult<Option<u32>> {
    Ok(state.store()?.customer_position(&query, id)?)
}

#[tauri::command]
pub async fn get_customer(state: State<'_, AppState>, id: i64) -> CommandResult<Customer> {
    Ok(state.store()?.customer(id)?)
}

/// Customers who may be the one being entered (the form's live warning).
#[tauri::command]
pub async fn similar_customers(
    state: State<'_, AppState>,
    query: SimilarQuery,
) -> CommandResult<Vec<SimilarCustomer>> {
    Ok(state.store()?.similar_customers(&query)?)
}

#[tauri::command]
pub async fn create_customer(
    state: State<'_, AppState>,
    profile: CustomerProfile,
) -> CommandResult<Customer> {
    let mut store = state.store()?;
    let clock = clock(&store)?;
    Ok(store.create_customer(profile, &clock)?)
}

#[tauri::command]
pub async fn update_customer(
    state: State<'_, AppState>,
    id: i64,
    profile: CustomerProfile,
) -> CommandResult<Customer> {
    let mut store = state.store()?;
    let clock = clock(&store)?;
    Ok(store.update_customer(id, profile, &clock)?)
}

#[tauri::command]
pub async fn archive_customer(state: State<'_, AppState>, id: i64) -> CommandResult<Customer> {
    let mut store = state.store()?;
    let clock = clock(&store)?;
    Ok(store.archive_customer(id, &clock)?)
}

#[tauri::command]
pub async fn restore_customer(state: State<'_, AppState>, id: i64) -> CommandResult<Customer> {
    let mut store = state.store()?;
    let clock = clock(&store)?;
    Ok(store.restore_customer(id, &clock)?)
}

/// Deletes a customer and everything about them, and with
/// `delete_phone_card` their card on the phone's server at the next sync;
/// the result undoes it.
#[tauri::command]
pub async fn delete_customer(
    state: State<'_, AppState>,
    id: i64,
    delete_phone_card: bool,
) -> CommandResult<Undo> {
    let mut store = state.store()?;
    let clock = clock(&store)?;
    Ok(store.delete_customer_and_card(id, delete_phone_card, &clock)?)
}

/// Whether the customer has a card on the phone's server (deleting them
/// then asks about it).
#[tauri::command]
pub async fn has_phone_card(state: State<'_, AppState>, id: i64) -> CommandResult<bool> {
    Ok(state.store()?.has_phone_card(id)?)
}

#[tauri::command]
pub async fn list_tags(state: State<'_, AppState>) -> CommandResult<Vec<TagCount>> {
    Ok(state.store()?.tags()?)
}
