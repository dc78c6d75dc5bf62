//! The ladder, referrals, and the views that read a whole relationship.

use kizuna_core::brief::VisitBrief;
use kizuna_core::ladder::{PromotionRule, PromotionSuggestion, Stage, StageChange};
use kizuna_core::measures::{Dashboard, DashboardQuery};
use kizuna_core::referral::{ReferralStatus, ReferralSummary};
use kizuna_core::timeline::{Timeline, TimelineKind};
use tauri::State;

use crate::error::CommandResult;
use crate::state::{AppState, clock};

#[tauri::command]
pub async fn timeline(
    state: State<'_, AppState>,
    customer_id: i64,
    kinds: Vec<TimelineKind>,
) -> CommandResult<Timeline> {
    let store = state.store()?;
    let clock = clock(&store)?;
    Ok(store.timeline(customer_id, &kinds, &clock)?)
}

#[tauri::command]
pub async fn visit_brief(
    state: State<'_, AppState>,
    customer_id: i64,
) -> CommandResult<VisitBrief> {
    let store = state.store()?;
    let clock = clock(&store)?;
    Ok(store.visit_brief(customer_id, &clock)?)
}

#[tauri::command]
pub async fn dashboard(
    state: State<'_, AppState>,
    query: DashboardQuery,
) -> CommandResult<Dashboard> {
    let store = state.store()?;
    let clock = clock(&store)?;
    Ok(store.dashboard(&query, &clock)?)
}

#[tauri::command]
pub async fn stage_history(
    state: State<'_, AppState>,
    customer_id: i64,
) -> CommandResult<Vec<StageChange>> {
    Ok(state.store()?.stage_history(customer_id)?)
}

#[tauri::command]
pub async fn promotion_suggestion(
    state: State<'_, AppState>,
    customer_id: i64,
) -> CommandResult<Option<PromotionSuggestion>> {
    let store = state.store()?;
    let clock = clock(&store)?;
    Ok(store.promotion_suggestion(customer_id, &clock)?)
}

#[tauri::command]
pub async fn promotion_suggestions(
    state: State<'_, AppState>,
) -> CommandResult<Vec<PromotionSuggestion>> {
    let store = state.store()?;
    let clock = clock(&store)?;
    Ok(store.promotion_suggestions(&clock, 50)?)
}

#[tauri::command]
pub async fn accept_promotion(
    state: State<'_, AppState>,
    customer_id: i64,
    rule: PromotionRule,
) -> CommandResult<StageChange> {
    let mut store = state.store()?;
    let clock = clock(&store)?;
    Ok(store.accept_promotion(customer_id, rule, &clock)?)
}

#[tauri::command]
pub async fn dismiss_promotion(
    state: State<'_, AppState>,
    customer_id: i64,
    rule: PromotionRule,
) -> CommandResult<()> {
    let mut store = state.store()?;
    let clock = clock(&store)?;
    Ok(store.dismiss_promotion(customer_id, rule, &clock)?)
}

#[tauri::command]
pub async fn change_stage(
    state: State<'_, AppState>,
    customer_id: i64,
    stage: Stage,
    reason: String,
) -> CommandResult<StageChange> {
    let mut store = state.store()?;
    let clock = clock(&store)?;
    Ok(store.change_stage(customer_id, stage, &reason, &clock)?)
}

#[tauri::command]
pub async fn referrals(
    state: State<'_, AppState>,
    customer_id: i64,
) -> CommandResult<ReferralSummary> {
    Ok(state.store()?.referrals(customer_id)?)
}

#[tauri::command]
pub async fn set_referral_status(
    state: State<'_, AppState>,
    referred_id: i64,
    status: ReferralStatus,
) -> CommandResult<()> {
    Ok(state.store()?.set_referral_status(referred_id, status)?)
}

#[tauri::command]
pub async fn set_referral_thanked(
    state: State<'_, AppState>,
    referred_id: i64,
    thanked: bool,
) -> CommandResult<()> {
    let mut store = state.store()?;
    let clock = clock(&store)?;
    Ok(store.set_referral_thanked(referred_id, thanked, &clock)?)
}
