//! The season's greetings: campaigns, their lists, cards received, sending
//! (undoable) and mourning.

use chrono::NaiveDate;
use kizuna_core::greeting::{AddressListSummary, CampaignSummary, CampaignView, NewCampaign};
use kizuna_core::undo::Undo;
use tauri::State;

use crate::error::CommandResult;
use crate::grants::{Grants, Purpose};
use crate::state::{AppState, clock};

#[tauri::command]
pub async fn campaigns(state: State<'_, AppState>) -> CommandResult<Vec<CampaignSummary>> {
    Ok(state.store()?.campaigns()?)
}

/// Opens the campaign of a kind and year, making it with the customers its
/// rule chooses if there is none yet.
#[tauri::command]
pub async fn open_campaign(
    state: State<'_, AppState>,
    campaign: NewCampaign,
) -> CommandResult<CampaignView> {
    let mut store = state.store()?;
    let clock = clock(&store)?;
    Ok(store.open_campaign(&campaign, &clock)?)
}

#[tauri::command]
pub async fn campaign(state: State<'_, AppState>, id: i64) -> CommandResult<CampaignView> {
    Ok(state.store()?.campaign(id)?)
}

#[tauri::command]
pub async fn add_to_campaign(
    state: State<'_, AppState>,
    id: i64,
    customer_id: i64,
) -> CommandResult<CampaignView> {
    Ok(state.store()?.add_to_campaign(id, customer_id)?)
}

#[tauri::command]
pub async fn remove_from_campaign(
    state: State<'_, AppState>,
    id: i64,
    customer_id: i64,
) -> CommandResult<CampaignView> {
    Ok(state.store()?.remove_from_campaign(id, customer_id)?)
}

/// Ticks off (or, with no day, unticks) a card received from a customer.
#[tauri::command]
pub async fn mark_card_received(
    state: State<'_, AppState>,
    id: i64,
    customer_id: i64,
    on: Option<NaiveDate>,
) -> CommandResult<CampaignView> {
    Ok(state.store()?.mark_card_received(id, customer_id, on)?)
}

/// Marks the campaign's unsent cards sent, logging a touch for each; the
/// result undoes it (`None`: nothing was left to send).
#[tauri::command]
pub async fn mark_campaign_sent(
    state: State<'_, AppState>,
    id: i64,
) -> CommandResult<Option<Undo>> {
    let mut store = state.store()?;
    let clock = clock(&store)?;
    Ok(store.mark_campaign_sent(id, &clock)?)
}

#[tauri::command]
pub async fn note_mourning(
    state: State<'_, AppState>,
    customer_id: i64,
    year: i32,
    noted_on: NaiveDate,
    who: String,
) -> CommandResult<()> {
    Ok(state
        .store()?
        .note_mourning(customer_id, year, noted_on, &who)?)
}

#[tauri::command]
pub async fn clear_mourning(
    state: State<'_, AppState>,
    customer_id: i64,
    year: i32,
) -> CommandResult<()> {
    Ok(state.store()?.clear_mourning(customer_id, year)?)
}

/// Opens the year's 寒中見舞い for those left out of the New Year cards.
#[tauri::command]
pub async fn propose_kanchu_mimai(
    state: State<'_, AppState>,
    id: i64,
) -> CommandResult<CampaignView> {
    let mut store = state.store()?;
    let clock = clock(&store)?;
    Ok(store.propose_kanchu_mimai(id, &clock)?)
}

/// Writes the campaign's list for an address-printing program (CSV in
/// CP932) to a file the user chose.
#[tauri::command]
pub async fn export_campaign(
    state: State<'_, AppState>,
    grants: State<'_, Grants>,
    id: i64,
    path: String,
) -> CommandResult<AddressListSummary> {
    let path = grants.check(&path, Purpose::Export)?;
    Ok(state.store()?.export_campaign(id, &path)?)
}
