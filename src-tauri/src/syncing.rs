//! The phone's address book, synced in the background: shortly after the
//! start and every quarter of an hour while Kizuna runs, retrying sooner
//! and then less and less often (up to an hour) while the server cannot be
//! reached. One sync at a time, whether started here or by 今すぐ同期.

use std::time::Duration;

use kizuna_core::domain::sync::{DavProblem, SyncEvent, SyncProgress, SyncReport};
use kizuna_core::keys::SyncSecret;
use kizuna_core::{Clock, ErrorCode, Store};
use kizuna_sync::{Book, Connection, sync_contacts};
use tauri::{AppHandle, Emitter, Manager};

use crate::error::CommandResult;
use crate::state::AppState;

/// Told to the window after every sync that ran, so lists and the sync log
/// show what it brought.
pub const SYNCED_EVENT: &str = "kizuna://synced";

const FIRST_AFTER: Duration = Duration::from_secs(20);
const EVERY: Duration = Duration::from_secs(15 * 60);
const FIRST_RETRY: Duration = Duration::from_secs(60);
const LONGEST_WAIT: Duration = Duration::from_secs(60 * 60);

/// Only one sync runs at a time.
#[derive(Default)]
pub struct Syncing {
    running: tokio::sync::Mutex<()>,
}

/// Told to the window while a sync runs: a [`SyncProgress`].
pub const PROGRESS_EVENT: &str = "kizuna://sync-progress";

/// The window's book, lent to the sync one step at a time: the store is
/// not held while the server is asked.
struct WindowBook<'a> {
    state: &'a AppState,
    app: &'a AppHandle,
}

impl Book for WindowBook<'_> {
    fn with<R>(
        &self,
        step: impl FnOnce(&mut Store, &Clock) -> kizuna_core::Result<R>,
    ) -> kizuna_core::Result<R> {
        let mut store = self
            .state
            .store()
            .map_err(|e| kizuna_core::Error::Internal(e.0.message))?;
        let clock = Clock::system(store.settings()?.tz());
        step(&mut store, &clock)
    }

    fn progress(&self, now: SyncProgress) {
        let _ = self.app.emit(PROGRESS_EVENT, now);
    }
}

/// Syncs the address book both ways now; `None` when no account is set.
pub async fn sync_once(app: &AppHandle) -> CommandResult<Option<SyncReport>> {
    let syncing = app.state::<Syncing>();
    let _one_at_a_time = syncing.running.lock().await;
    let state = app.state::<AppState>();
    // A book still locked (or not opened) has no account to sync yet.
    let account = match state.store() {
        Ok(store) => store.settings()?.sync_account,
        Err(_) => None,
    };
    let Some(account) = account else {
        return Ok(None);
    };
    let password = SyncSecret::new(&state.data_dir, &account.server, &account.user)
        .get()
        .map_err(kizuna_core::Error::from)?
        .ok_or_else(|| kizuna_core::Error::Dav {
            problem: DavProblem::WrongPassword,
            detail: "no password in the keychain".to_owned(),
        })?;
    let connection = Connection::new(&account.server, &account.user, &password)?;
    let book = WindowBook { state: &state, app };
    let synced = sync_contacts(&connection, &account, &book).await;
    match synced {
        Ok(summary) => {
            tracing::info!(?summary, "synced with the phone's server");
            let _ = app.emit(SYNCED_EVENT, ());
            Ok(Some(summary))
        }
        Err(e) => {
            tracing::warn!(error = %e, "the phone's server could not be used");
            // The log keeps the error's code, which the window words in
            // the user's language.
            let code = serde_json::to_value(e.code())
                .ok()
                .and_then(|v| v.as_str().map(str::to_owned))
                .unwrap_or_else(|| e.to_string());
            let logged =
                book.with(|store, clock| store.log_sync(SyncEvent::ServerProblem, &code, clock));
            // Told after the log has the problem, so that the window shows it.
            let _ = app.emit(SYNCED_EVENT, ());
            logged?;
            Err(e.into())
        }
    }
}

/// Whether a failed sync is worth trying again soon (the network), rather
/// than at the usual time (a refused password waits for the user).
fn offline(code: ErrorCode) -> bool {
    matches!(code, ErrorCode::DavUnreachable | ErrorCode::DavNoSuchServer)
}

/// How long to wait after the server was out of reach `times` times in a
/// row: a minute, then twice as long each time, up to an hour.
fn retry_after(times: u32) -> Duration {
    let doubled = FIRST_RETRY.saturating_mul(1u32 << times.saturating_sub(1).min(16));
    doubled.min(LONGEST_WAIT)
}

/// Syncs in the background while Kizuna runs.
pub fn start(app: AppHandle) {
    tauri::async_runtime::spawn(async move {
        tokio::time::sleep(FIRST_AFTER).await;
        let mut out_of_reach = 0u32;
        loop {
            let wait = match sync_once(&app).await {
                Ok(_) => {
                    out_of_reach = 0;
                    EVERY
                }
                Err(e) if offline(e.0.code) => {
                    out_of_reach += 1;
                    let next = retry_after(out_of_reach);
                    tracing::info!(error = %e.0.message, retry_in = ?next, "the phone's server is out of reach");
                    next
                }
                Err(e) => {
                    out_of_reach = 0;
                    tracing::warn!(error = %e.0.message, "sync failed");
                    EVERY
                }
            };
            tokio::time::sleep(wait).await;
        }
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn retries_wait_longer_each_time_up_to_an_hour() {
        let waits: Vec<u64> = (1..=8).map(|n| retry_after(n).as_secs()).collect();
        assert_eq!(waits, [60, 120, 240, 480, 960, 1920, 3600, 3600]);
        assert_eq!(retry_after(1000), LONGEST_WAIT);
    }

    #[test]
    fn only_the_network_is_retried_soon() {
        assert!(offline(ErrorCode::DavUnreachable));
        assert!(offline(ErrorCode::DavNoSuchServer));
        assert!(!offline(ErrorCode::DavWrongPassword));
        assert!(!offline(ErrorCode::DavCertificate));
    }
}
