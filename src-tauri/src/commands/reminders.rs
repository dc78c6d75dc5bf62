use std::collections::BTreeMap;

use kizuna_core::reminder::{
    DraftLanguage, FollowUpPlan, ReminderAction, TemplatePreview, TodayView,
};
use kizuna_core::undo::Undo;
use kizuna_core::{Error, FieldError, FieldErrorCode};
use tauri::State;

use crate::error::{CommandError, CommandResult};
use crate::state::{AppState, clock};

#[tauri::command]
pub async fn today_view(
    state: State<'_, AppState>,
    language: DraftLanguage,
    at_once: bool,
    listed: u32,
) -> CommandResult<TodayView> {
    let listed = listed as usize;
    if at_once {
        let store = state.store()?;
        let clock = clock(&store)?;
        return Ok(store.today_view_at_once(language, &clock, listed)?);
    }
    // A new day's agenda is derived (or waited for, when the scheduler is
    // at it) on a connection of its own, so the window's stays free for
    // the list and the customer pages meanwhile.
    let opener = state.opener()?;
    crate::jobs::blocking(move || {
        let own = opener.open()?;
        opener.rebuild_agenda_if_due(&own);
        let clock = clock(&own)?;
        Ok(own.prepare_agenda(&clock)?)
    })
    .await?;
    let store = state.store()?;
    let clock = clock(&store)?;
    Ok(store.today_view_listing(language, &clock, listed)?)
}

/// Every template in `language` as `customer` would receive it, with the
/// templates being edited in place of the saved ones.
#[tauri::command]
pub async fn template_previews(
    state: State<'_, AppState>,
    customer: i64,
    language: DraftLanguage,
    templates: BTreeMap<String, String>,
) -> CommandResult<Vec<TemplatePreview>> {
    let store = state.store()?;
    let clock = clock(&store)?;
    Ok(store.template_previews(customer, language, templates, &clock)?)
}

/// Before the window's connection reads the agenda: when it must be derived
/// whole (a changed setting, the day turned while the window was open),
/// that is done apart first, so the window's connection neither holds
/// everything else up meanwhile nor keeps the memory after. Best effort:
/// whatever stops it leaves the derivation to the window's connection.
async fn agenda_derived_apart(state: &AppState) -> CommandResult<()> {
    let due = {
        let store = state.store()?;
        store.agenda_needs_rebuild(&clock(&store)?)?
    };
    if due {
        let opener = state.opener()?;
        let apart = crate::jobs::blocking(move || {
            let own = opener.open()?;
            opener.rebuild_agenda_if_due(&own);
            Ok(())
        })
        .await;
        if let Err(e) = apart {
            tracing::warn!(error = %e.0.message, "the agenda is derived on the window's connection");
        }
    }
    Ok(())
}

/// The sidebar's count: reminders overdue or due today.
#[tauri::command]
pub async fn due_count(state: State<'_, AppState>) -> CommandResult<u32> {
    agenda_derived_apart(&state).await?;
    let store = state.store()?;
    let clock = clock(&store)?;
    Ok(store.due_count(&clock)?)
}

/// Done, snooze or skip, in one transaction; the result undoes it.
#[tauri::command]
pub async fn act_on_reminder(
    state: State<'_, AppState>,
    key: String,
    action: ReminderAction,
) -> CommandResult<Undo> {
    agenda_derived_apart(&state).await?;
    let mut store = state.store()?;
    let clock = clock(&store)?;
    Ok(store.act_on_reminder(&key, &action, &clock)?)
}

#[tauri::command]
pub async fn follow_up_plans(state: State<'_, AppState>) -> CommandResult<Vec<FollowUpPlan>> {
    Ok(state.store()?.follow_up_plans()?)
}

#[tauri::command]
pub async fn save_follow_up_plan(
    state: State<'_, AppState>,
    plan: FollowUpPlan,
) -> CommandResult<FollowUpPlan> {
    let mut store = state.store()?;
    let clock = clock(&store)?;
    Ok(store.save_follow_up_plan(plan, &clock)?)
}

#[tauri::command]
pub async fn delete_follow_up_plan(state: State<'_, AppState>, id: i64) -> CommandResult<()> {
    Ok(state.store()?.delete_follow_up_plan(id)?)
}

/// Opens a draft in the mail program or a number in the phone app. Only
/// `mailto:` and `tel:` are accepted, so the interface cannot open anything else.
#[tauri::command]
pub async fn open_contact_link(app: tauri::AppHandle, url: String) -> CommandResult<()> {
    use tauri_plugin_opener::OpenerExt;
    if !(url.starts_with("mailto:") || url.starts_with("tel:")) || url.len() > 8_000 {
        return Err(CommandError::from(Error::Validation(vec![
            FieldError::new("url", FieldErrorCode::NotAllowed),
        ])));
    }
    app.opener()
        .open_url(url, None::<&str>)
        .map_err(|e| CommandError::internal(format!("the link could not be opened: {e}")))
}
