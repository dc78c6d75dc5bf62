//! Updates: a newer release, signed with Kizuna's release key, offered and
//! installed on the user's word. The server is asked at most once a day
//! (a setting, on by default), silently — an offline laptop hears nothing —
//! and whenever the user asks. Only a packaged Kizuna checks by itself: a
//! build from source has no package to replace. A download is verified
//! against the public key in the configuration (and must name the version
//! it claims to be) before anything is installed; a package that does not
//! match is refused and the installed version keeps running.

use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use kizuna_core::app::{AvailableUpdate, UpdateProgress};
use kizuna_core::{ErrorCode, ErrorPayload};
use tauri::{AppHandle, Emitter, Manager};
use tauri_plugin_updater::{Error as UpdaterError, Update, Updater, UpdaterExt};

use crate::error::CommandError;
use crate::state::AppState;

/// Sent when the daily check finds a newer version.
pub const AVAILABLE_EVENT: &str = "kizuna://update-available";
/// Sent as an update downloads.
pub const PROGRESS_EVENT: &str = "kizuna://update-progress";

/// How often the server is asked, at most.
const CHECK_EVERY: Duration = Duration::from_secs(24 * 60 * 60);
/// How long after start the first check waits (the window comes first).
const FIRST_CHECK_AFTER: Duration = Duration::from_secs(3);
/// How often the background task looks whether a check is due.
const LOOK_EVERY: Duration = Duration::from_secs(60 * 60);
/// How often it looks while the book is still locked (the settings, which
/// may forbid checking, are in it).
const LOOK_WHILE_LOCKED: Duration = Duration::from_secs(60);
/// When the last check was made (Unix seconds), in the data folder.
const CHECKED_FILE: &str = "update-checked";

/// The update found by the last check, kept until it is installed.
#[derive(Default)]
pub struct Updates {
    found: Mutex<Option<Update>>,
    /// The version installed while this one runs: not offered again.
    installed: Mutex<Option<String>>,
    installing: AtomicBool,
}

impl Updates {
    fn keep(&self, update: Option<Update>) -> Option<AvailableUpdate> {
        let installed = self.installed.lock().unwrap_or_else(|p| p.into_inner());
        let update = update.filter(|u| installed.as_deref() != Some(u.version.as_str()));
        let offered = update.as_ref().map(offered);
        *self.found.lock().unwrap_or_else(|p| p.into_inner()) = update;
        offered
    }

    /// What the last check found, for a window that opened after it.
    pub fn found(&self) -> Option<AvailableUpdate> {
        self.found
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .as_ref()
            .map(offered)
    }

    /// The update to install; it stays offered until it is installed, so
    /// a refused download can be tried again.
    fn to_install(&self) -> Option<Update> {
        self.found.lock().unwrap_or_else(|p| p.into_inner()).clone()
    }

    fn installed(&self, version: &str) {
        *self.installed.lock().unwrap_or_else(|p| p.into_inner()) = Some(version.to_owned());
        *self.found.lock().unwrap_or_else(|p| p.into_inner()) = None;
    }
}

/// Clears the install flag however an install ends.
struct Installing<'a>(&'a AtomicBool);

impl Drop for Installing<'_> {
    fn drop(&mut self) {
        self.0.store(false, Ordering::SeqCst);
    }
}

/// Whether this copy was installed from a package (the bundler marks the
/// binary), which is what an update replaces.
fn packaged() -> bool {
    tauri::utils::platform::bundle_type().is_some()
}

fn offered(update: &Update) -> AvailableUpdate {
    AvailableUpdate {
        version: update.version.clone(),
        current_version: update.current_version.clone(),
        notes: update.body.clone().unwrap_or_default(),
        published_at: update.date.map(|d| d.unix_timestamp()),
    }
}

/// The updater as configured; a debug build (the package test's) may be
/// pointed at a loopback server and a test key instead.
fn updater(app: &AppHandle) -> Result<Updater, UpdaterError> {
    #[allow(unused_mut)]
    let mut builder = app.updater_builder().timeout(Duration::from_secs(60));
    #[cfg(debug_assertions)]
    {
        if let Some(endpoint) = std::env::var_os("KIZUNA_UPDATE_ENDPOINT") {
            let url = endpoint.to_string_lossy().parse()?;
            builder = builder.endpoints(vec![url])?;
        }
        if let Some(key) = std::env::var_os("KIZUNA_UPDATE_PUBKEY") {
            builder = builder.pubkey(key.to_string_lossy());
        }
    }
    builder.build()
}

/// Asks the server now. `None`: this is the newest version.
pub async fn check(app: &AppHandle) -> Result<Option<AvailableUpdate>, CommandError> {
    let found = updater(app)
        .map_err(|e| refused(e, Stage::Check))?
        .check()
        .await
        .map_err(|e| refused(e, Stage::Check))?;
    let state = app.state::<AppState>();
    remember_check(&state.data_dir);
    Ok(app.state::<Updates>().keep(found))
}

/// Downloads the update found, verifies its signature, installs it.
pub async fn install(app: &AppHandle) -> Result<(), CommandError> {
    let updates = app.state::<Updates>();
    let Some(update) = updates.to_install() else {
        return Err(CommandError::internal("no update was found to install"));
    };
    if updates.installing.swap(true, Ordering::SeqCst) {
        return Err(CommandError::internal(
            "the update is already being installed",
        ));
    }
    let _installing = Installing(&updates.installing);
    let mut downloaded: u64 = 0;
    let progress = app.clone();
    let bytes = update
        .download(
            move |chunk, total| {
                downloaded += chunk as u64;
                let _ = progress.emit(PROGRESS_EVENT, UpdateProgress { downloaded, total });
            },
            || {},
        )
        .await
        .map_err(|e| refused(e, Stage::Download))?;
    update
        .install(bytes)
        .map_err(|e| refused(e, Stage::Install))?;
    tracing::info!(version = %update.version, "update installed");
    updates.installed(&update.version);
    Ok(())
}

#[derive(Clone, Copy, Debug)]
enum Stage {
    Check,
    Download,
    Install,
}

/// The user's words for what went wrong; the updater's own text goes to
/// the log and the message.
fn refused(e: UpdaterError, stage: Stage) -> CommandError {
    tracing::warn!(error = %e, ?stage, "update refused");
    let code = match (&e, stage) {
        (
            UpdaterError::Minisign(_)
            | UpdaterError::Base64(_)
            | UpdaterError::SignatureUtf8(_)
            | UpdaterError::SignedVersionMismatch { .. }
            | UpdaterError::MissingSignedVersion,
            _,
        ) => ErrorCode::UpdateSignature,
        (UpdaterError::Reqwest(r), Stage::Check) if r.is_decode() => ErrorCode::UpdateNotAnUpdate,
        (UpdaterError::Reqwest(_) | UpdaterError::Network(_), _) => ErrorCode::UpdateUnreachable,
        (_, Stage::Check) => ErrorCode::UpdateNotAnUpdate,
        (_, Stage::Download) => ErrorCode::UpdateUnreachable,
        (_, Stage::Install) => ErrorCode::UpdateInstallFailed,
    };
    CommandError(ErrorPayload {
        code,
        message: e.to_string(),
        fields: Vec::new(),
        limit: None,
    })
}

fn checked_file(data_dir: &Path) -> PathBuf {
    data_dir.join(CHECKED_FILE)
}

fn remember_check(data_dir: &Path) {
    let now = chrono::Utc::now().timestamp().to_string();
    if let Err(e) =
        kizuna_core::fs::write_private_atomically(&checked_file(data_dir), now.as_bytes())
    {
        tracing::warn!(error = %e, "could not note the time of the update check");
    }
}

/// Whether a day has passed since the last check (or there was none).
fn check_due(data_dir: &Path) -> bool {
    let last = std::fs::read_to_string(checked_file(data_dir))
        .ok()
        .and_then(|text| text.trim().parse::<i64>().ok());
    match last {
        Some(last) => chrono::Utc::now().timestamp() - last >= CHECK_EVERY.as_secs() as i64,
        None => true,
    }
}

/// Whether the user lets Kizuna ask; `None` while the book is locked.
fn allowed(app: &AppHandle) -> Option<bool> {
    let state = app.state::<AppState>();
    let store = state.store().ok()?;
    Some(store.settings().is_ok_and(|s| s.check_for_updates))
}

/// The daily check in the background of a packaged Kizuna: silent on any
/// failure.
pub fn start(app: AppHandle) {
    if !packaged() {
        tracing::info!("built from source: no daily update check");
        return;
    }
    let spawned = std::thread::Builder::new()
        .name("kizuna-updates".to_owned())
        .spawn(move || {
            std::thread::sleep(FIRST_CHECK_AFTER);
            loop {
                match allowed(&app) {
                    None => {
                        std::thread::sleep(LOOK_WHILE_LOCKED);
                        continue;
                    }
                    Some(true) if check_due(&app.state::<AppState>().data_dir) => {
                        match tauri::async_runtime::block_on(check(&app)) {
                            Ok(Some(update)) => {
                                tracing::info!(version = %update.version, "a newer version is available");
                                let _ = app.emit(AVAILABLE_EVENT, update);
                            }
                            Ok(None) => {}
                            Err(e) => tracing::info!(error = %e.0.message, "no update check today"),
                        }
                    }
                    Some(_) => {}
                }
                std::thread::sleep(LOOK_EVERY);
            }
        });
    if let Err(e) = spawned {
        tracing::warn!(error = %e, "no background update check");
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_check_is_due_without_a_record_and_a_day_after_the_last() {
        let dir = tempfile::tempdir().expect("dir");
        assert!(check_due(dir.path()));
        remember_check(dir.path());
        assert!(!check_due(dir.path()));
        let yesterday = chrono::Utc::now().timestamp() - CHECK_EVERY.as_secs() as i64 - 1;
        std::fs::write(checked_file(dir.path()), yesterday.to_string()).expect("write");
        assert!(check_due(dir.path()));
        std::fs::write(checked_file(dir.path()), "garbage").expect("write");
        assert!(check_due(dir.path()));
    }
}
