//! The reminder scheduler: the notification plugin shows, it cannot
//! schedule, so a thread here decides when. On each wake-up it asks the
//! core what to announce (the core decides quiet hours and digests), shows
//! it, and sleeps until the next moment something falls due — or until a
//! change to the store is announced on the change feed, so that a reminder
//! a write makes due is announced within moments. Sleep is capped so that a
//! laptop waking from suspend (when monotonic time stood still) catches up
//! within minutes.
//!
//! The scheduler reads and writes on a connection of its own: a wake-up
//! that rebuilds a new day's agenda, or a notification daemon slow to
//! answer, never holds up the window's commands.

use std::sync::mpsc::{Receiver, RecvTimeoutError};
use std::time::{Duration, Instant};

use kizuna_core::reminder::{DraftLanguage, Notice};
use kizuna_core::settings::{Language, Settings};
use kizuna_core::{ChangeEvent, Clock, Store};
use tauri::{AppHandle, Emitter, Manager};
use tauri_plugin_notification::NotificationExt;

use crate::state::AppState;

/// The longest sleep, so that a resume from suspend is noticed soon.
const MAX_SLEEP: Duration = Duration::from_secs(15 * 60);

/// Starts the scheduler on its own thread; it wakes on every change the
/// store announces.
pub fn start(app: AppHandle, changes: Receiver<ChangeEvent>) {
    let started = std::thread::Builder::new()
        .name("kizuna-reminders".to_owned())
        .spawn(move || run(&app, &changes));
    if let Err(e) = started {
        tracing::error!(error = %e, "the reminder scheduler did not start");
    }
}

/// The language notifications are written in: the setting, or the
/// operating system's for "system".
pub fn language(settings: &Settings) -> DraftLanguage {
    match settings.language {
        Language::Ja => DraftLanguage::Ja,
        Language::En => DraftLanguage::En,
        Language::System => match sys_locale::get_locale() {
            Some(locale) if !locale.starts_with("ja") => DraftLanguage::En,
            _ => DraftLanguage::Ja,
        },
    }
}

fn run(app: &AppHandle, changes: &Receiver<ChangeEvent>) {
    let mut store: Option<Store> = None;
    loop {
        let sleep = match tick(app, &mut store) {
            Ok(sleep) => sleep,
            Err(e) => {
                tracing::error!(error = %e, "the scheduler could not read the reminders");
                // Opened afresh on the next wake-up.
                store = None;
                MAX_SLEEP
            }
        };
        daily_backup(app);
        match changes.recv_timeout(sleep.min(MAX_SLEEP)) {
            Ok(first) => {
                // A burst of writes (an import) is one wake-up.
                let mut customers = first.customers.len();
                while let Ok(more) = changes.try_recv() {
                    customers += more.customers.len();
                }
                tracing::debug!(customers, "woken by a change");
                // The window refreshes what it shows from the store.
                let _ = app.emit(CHANGED_EVENT, ());
            }
            Err(RecvTimeoutError::Timeout) => {}
            Err(RecvTimeoutError::Disconnected) => return,
        }
    }
}

/// Announces what is due and returns how long to sleep.
fn tick(app: &AppHandle, connection: &mut Option<Store>) -> Result<Duration, String> {
    let state = app.state::<AppState>();
    if let Some(payload) = state.startup_error() {
        return Err(payload.message);
    }
    let store = match connection {
        Some(store) => store,
        None => connection.insert(state.connection().map_err(|e| e.to_string())?),
    };
    if let Ok(opener) = state.opener() {
        opener.rebuild_agenda_if_due(store);
    }
    let settings = store.settings().map_err(|e| e.to_string())?;
    let clock = Clock::system(settings.tz());
    let started = Instant::now();
    let tick = store
        .scheduler_tick(language(&settings), &clock)
        .map_err(|e| e.to_string())?;
    tracing::info!(
        notices = tick.notices.len(),
        due = tick.due_count,
        quiet = tick.quiet,
        next_in_s = tick.next_wake_at - clock.timestamp(),
        ms = started.elapsed().as_millis() as u64,
        "scheduler woke"
    );
    crate::tray::refresh(app, &settings, tick.due_count);
    // The sidebar's count follows too, also when a new day begins.
    let _ = app.emit(DUE_COUNT_EVENT, tick.due_count);
    // Recorded as announced first, all in one write: a notice is never
    // shown twice, even when the write or the daemon fails half-way.
    let announced: Vec<String> = tick
        .notices
        .iter()
        .flat_map(|notice| notice.keys.iter().cloned())
        .collect();
    if !announced.is_empty() {
        store
            .mark_announced(&announced, &clock)
            .map_err(|e| e.to_string())?;
    }
    for notice in &tick.notices {
        show(app, notice);
    }
    // Asleep, the scheduler needs none of the pages it read (a new day's
    // agenda reads every customer's): they are let go rather than held
    // beside the window's cache until the next wake-up.
    if let Err(e) = store.release_cache() {
        tracing::warn!(error = %e, "the scheduler's cache was not let go");
    }
    let seconds = (tick.next_wake_at - clock.timestamp()).max(1);
    Ok(Duration::from_secs(seconds.unsigned_abs()))
}

/// Today's automatic backup, once a day (and this week's). Whether one is
/// due is asked on the shared connection, which is cheap; the copy itself
/// is made in a process of its own (`apart`), so the window is not held up
/// while a large store is copied and the pages it read leave with it.
fn daily_backup(app: &AppHandle) {
    let state = app.state::<AppState>();
    let due = state.store().map_err(|e| e.0.message).and_then(|store| {
        let clock = Clock::system(store.settings().map_err(|e| e.to_string())?.tz());
        store.backups_due(&clock).map_err(|e| e.to_string())
    });
    let result = match due {
        Ok(due) if due.is_empty() => return,
        Ok(_) => state
            .opener()
            .and_then(|opener| opener.back_up_if_due())
            .map_err(|e| e.to_string()),
        Err(e) => Err(e),
    };
    if let Err(e) = result {
        tracing::error!(error = %e, "the daily backup failed");
    }
}

fn show(app: &AppHandle, notice: &Notice) {
    let mut builder = app
        .notification()
        .builder()
        .title(&notice.title)
        .body(escape_markup(&notice.body));
    if let Some(customer) = notice.customer_id {
        // A click on it opens this customer (see `open_from_notification`).
        builder = builder.extra(CUSTOMER_KEY, customer);
    }
    match builder.show() {
        Ok(()) => tracing::info!(
            customer = notice.customer_id,
            reminders = notice.keys.len(),
            "notification shown"
        ),
        Err(e) => tracing::error!(error = %e, "a notification could not be shown"),
    }
}

const CUSTOMER_KEY: &str = "customer_id";

/// Notification servers may render a body's markup (`<b>`, `<a href>`,
/// `<img>`); a customer's name or note must reach the screen as text.
fn escape_markup(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            _ => out.push(c),
        }
    }
    out
}

/// The event that tells the interface how many reminders are due.
pub const DUE_COUNT_EVENT: &str = "kizuna://due-count";

/// The event that tells the interface the store changed.
pub const CHANGED_EVENT: &str = "kizuna://changed";

/// The event that asks the interface to open a customer.
pub const OPEN_CUSTOMER_EVENT: &str = "kizuna://open-customer";

/// A click on a notification shows the window, on the customer it was
/// about (or the Today view, for a digest).
pub fn open_from_notification(app: &AppHandle) {
    let handle = app.clone();
    let registered = app.notification().on_action(move |action| {
        if action.action_id() != "tap" {
            return;
        }
        let customer = action
            .notification()
            .and_then(|n| n.extra().get(CUSTOMER_KEY))
            .and_then(serde_json::Value::as_i64);
        crate::tray::show_window(&handle);
        if let Err(e) = handle.emit(OPEN_CUSTOMER_EVENT, customer) {
            tracing::error!(error = %e, "could not open the customer");
        }
    });
    if let Err(e) = registered {
        tracing::warn!(error = %e, "notification clicks will not open customers");
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn markup_in_a_body_reaches_the_screen_as_text() {
        assert_eq!(
            super::escape_markup("<b>Tom & Jerry</b> 様"),
            "&lt;b&gt;Tom &amp; Jerry&lt;/b&gt; 様"
        );
    }
}
