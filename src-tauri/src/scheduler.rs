//! The reminder scheduler: the notification plugin shows, it cannot
//! schedule, so a thread here decides when. It announces what is due (at
//! launch, that includes whatever fell due while Kizuna was closed), then
//! sleeps until the next thing falls due. A wake-up is also sent when the
//! user changes something that may move a reminder. Sleep is capped so that
//! a laptop waking from suspend (when monotonic time stood still) catches up
//! within minutes; that is a handful of wake-ups an hour, not polling.

use std::sync::mpsc::{self, Receiver, RecvTimeoutError, Sender};
use std::time::Duration;

use kizuna_core::reminder::{DraftLanguage, Notice};
use kizuna_core::settings::{Language, Settings, minutes_of};
use kizuna_core::{Clock, Store};
use tauri::{AppHandle, Emitter, Manager};
use tauri_plugin_notification::NotificationExt;

use crate::state::AppState;

/// The longest sleep, so that a resume from suspend is noticed soon.
const MAX_SLEEP: Duration = Duration::from_secs(15 * 60);

/// Wakes the scheduler early (settings or reminders changed).
#[derive(Clone)]
pub struct Wake(Sender<()>);

impl Wake {
    pub fn now(&self) {
        // The scheduler may have stopped with the app; nothing to wake then.
        let _ = self.0.send(());
    }
}

pub fn start(app: AppHandle) -> Wake {
    let (sender, receiver) = mpsc::channel();
    std::thread::Builder::new()
        .name("kizuna-reminders".to_owned())
        .spawn(move || run(&app, &receiver))
        .map_err(|e| eprintln!("the reminder scheduler did not start: {e}"))
        .ok();
    Wake(sender)
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

/// Whether `minutes` (after local midnight) is inside the quiet hours, and
/// if so how many minutes remain of them.
fn quiet_minutes_left(settings: &Settings, minutes: u32) -> Option<u32> {
    let start = minutes_of(&settings.quiet_start)?;
    let end = minutes_of(&settings.quiet_end)?;
    let inside = match start.cmp(&end) {
        std::cmp::Ordering::Equal => false,
        std::cmp::Ordering::Less => (start..end).contains(&minutes),
        std::cmp::Ordering::Greater => minutes >= start || minutes < end,
    };
    inside.then(|| (end + 24 * 60 - minutes) % (24 * 60))
}

fn run(app: &AppHandle, wake: &Receiver<()>) {
    loop {
        let sleep = match tick(app) {
            Ok(sleep) => sleep,
            Err(e) => {
                eprintln!("reminders: {e}");
                MAX_SLEEP
            }
        };
        daily_backup(app);
        match wake.recv_timeout(sleep.min(MAX_SLEEP)) {
            Ok(()) | Err(RecvTimeoutError::Timeout) => {}
            Err(RecvTimeoutError::Disconnected) => return,
        }
    }
}

/// Announces what is due and returns how long to sleep.
fn tick(app: &AppHandle) -> Result<Duration, String> {
    let state = app.state::<AppState>();
    let mut store = state.store().map_err(|e| e.0.message)?;
    let settings = store.settings().map_err(|e| e.to_string())?;
    let clock = Clock::system(settings.tz());
    let local = clock.now.with_timezone(&clock.tz);
    let minutes = chrono::Timelike::hour(&local) * 60 + chrono::Timelike::minute(&local);
    if let Some(left) = quiet_minutes_left(&settings, minutes) {
        return Ok(Duration::from_secs(u64::from(left.max(1)) * 60));
    }
    let tick = store
        .scheduler_tick(language(&settings), &clock)
        .map_err(|e| e.to_string())?;
    crate::tray::refresh(app, &settings, tick.due_count);
    // The sidebar's count follows too, also when a new day begins.
    let _ = app.emit(DUE_COUNT_EVENT, tick.due_count);
    for notice in &tick.notices {
        show(app, notice);
        store
            .mark_announced(&notice.keys, &clock)
            .map_err(|e| e.to_string())?;
    }
    drop(store);
    let seconds = (tick.next_due_at - clock.timestamp()).max(1);
    Ok(Duration::from_secs(seconds.unsigned_abs()))
}

/// Today's automatic backup, once a day (and this week's). Whether one is
/// due is asked on the shared connection, which is cheap; the copy itself
/// is made on a connection of its own so the window is not held up while a
/// large store is copied.
fn daily_backup(app: &AppHandle) {
    let state = app.state::<AppState>();
    let due = state.store().map_err(|e| e.0.message).and_then(|store| {
        let clock = Clock::system(store.settings().map_err(|e| e.to_string())?.tz());
        store.backups_due(&clock).map_err(|e| e.to_string())
    });
    let result = match due {
        Ok(due) if due.is_empty() => return,
        Ok(_) => Store::open_in_dir(&state.data_dir)
            .and_then(|(store, _)| {
                let clock = Clock::system(store.settings()?.tz());
                store.back_up_if_due(&clock)
            })
            .map_err(|e| e.to_string()),
        Err(e) => Err(e),
    };
    if let Err(e) = result {
        eprintln!("the daily backup failed: {e}");
    }
}

fn show(app: &AppHandle, notice: &Notice) {
    let mut builder = app
        .notification()
        .builder()
        .title(&notice.title)
        .body(&notice.body);
    if let Some(customer) = notice.customer_id {
        // A click on it opens this customer (see `open_from_notification`).
        builder = builder.extra(CUSTOMER_KEY, customer);
    }
    if let Err(e) = builder.show() {
        eprintln!("a notification could not be shown: {e}");
    }
}

const CUSTOMER_KEY: &str = "customer_id";

/// The event that tells the interface how many reminders are due.
pub const DUE_COUNT_EVENT: &str = "kizuna://due-count";

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
            eprintln!("could not open the customer: {e}");
        }
    });
    if let Err(e) = registered {
        eprintln!("notification clicks will not open customers: {e}");
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quiet_hours_may_cross_midnight() {
        let settings = Settings {
            quiet_start: "21:00".to_owned(),
            quiet_end: "08:00".to_owned(),
            ..Settings::default()
        };
        assert_eq!(quiet_minutes_left(&settings, 22 * 60), Some(10 * 60));
        assert_eq!(quiet_minutes_left(&settings, 7 * 60 + 30), Some(30));
        assert_eq!(quiet_minutes_left(&settings, 8 * 60), None);
        assert_eq!(quiet_minutes_left(&settings, 12 * 60), None);
        let off = Settings {
            quiet_start: "00:00".to_owned(),
            quiet_end: "00:00".to_owned(),
            ..Settings::default()
        };
        assert_eq!(quiet_minutes_left(&off, 3 * 60), None);
    }
}
