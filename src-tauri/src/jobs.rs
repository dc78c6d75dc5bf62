//! Long jobs — imports, exports, restores — run off the window's thread on
//! a connection of their own, so the window stays responsive and the main
//! store is not locked while a 50 MB file is read. They report progress as
//! events and stop when the user cancels.

use std::collections::HashMap;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};

use kizuna_core::app::{JobPhase, JobProgress};
use kizuna_core::interchange::import::ImportPlan;
use kizuna_core::{Clock, Store};
use tauri::{AppHandle, Emitter};

use crate::error::{CommandError, CommandResult};
use crate::state::AppState;

/// The event progress travels on.
pub const PROGRESS_EVENT: &str = "kizuna://progress";

/// Progress events are sent at most this often per job.
const EVERY: std::time::Duration = std::time::Duration::from_millis(100);

#[derive(Default)]
pub struct Jobs {
    cancelled: Mutex<HashMap<u32, Arc<AtomicBool>>>,
    /// Previewed imports, waiting for the user to confirm.
    plans: Mutex<HashMap<u32, ImportPlan>>,
}

impl Jobs {
    /// Registers a job the window named; its cancel flag starts unset.
    pub fn start(&self, job: u32) -> CommandResult<Arc<AtomicBool>> {
        let flag = Arc::new(AtomicBool::new(false));
        self.cancelled
            .lock()
            .map_err(|_| CommandError::internal("the job list was poisoned"))?
            .insert(job, flag.clone());
        Ok(flag)
    }

    pub fn finish(&self, job: u32) {
        if let Ok(mut jobs) = self.cancelled.lock() {
            jobs.remove(&job);
        }
    }

    pub fn cancel(&self, job: u32) {
        if let Some(flag) = self
            .cancelled
            .lock()
            .ok()
            .and_then(|jobs| jobs.get(&job).cloned())
        {
            flag.store(true, Ordering::Relaxed);
        }
        if let Ok(mut plans) = self.plans.lock() {
            plans.remove(&job);
        }
    }

    pub fn keep_plan(&self, job: u32, plan: ImportPlan) -> CommandResult<()> {
        self.plans
            .lock()
            .map_err(|_| CommandError::internal("the job list was poisoned"))?
            .insert(job, plan);
        Ok(())
    }

    pub fn take_plan(&self, job: u32) -> Option<ImportPlan> {
        self.plans
            .lock()
            .ok()
            .and_then(|mut plans| plans.remove(&job))
    }
}

/// What a job's work is given: a store connection of its own, the clock,
/// and progress callbacks (which also say whether to go on).
pub struct Job {
    pub store: Store,
    pub clock: Clock,
    app: AppHandle,
    number: u32,
    cancelled: Arc<AtomicBool>,
}

impl Job {
    /// A progress callback for the core, for this phase of the job: it
    /// sends events (not too often) and answers "stop" once the job is
    /// cancelled.
    pub fn progress(&self, phase: JobPhase) -> impl FnMut(u64, u64) -> bool + use<> {
        let app = self.app.clone();
        let cancelled = self.cancelled.clone();
        let job = self.number;
        let mut last = std::time::Instant::now() - EVERY;
        move |done, total| {
            if last.elapsed() >= EVERY || done == total {
                last = std::time::Instant::now();
                let _ = app.emit(
                    PROGRESS_EVENT,
                    JobProgress {
                        job,
                        phase,
                        done,
                        total,
                    },
                );
            }
            !cancelled.load(Ordering::Relaxed)
        }
    }
}

/// Runs a job the window numbered: registered so it can be cancelled, on a
/// blocking thread with a connection of its own to the store in
/// `data_dir`, and unregistered however it ends.
pub async fn run<T: Send + 'static>(
    app: &AppHandle,
    jobs: &Jobs,
    state: &AppState,
    number: u32,
    work: impl FnOnce(&mut Job) -> CommandResult<T> + Send + 'static,
) -> CommandResult<T> {
    // Its writes are announced like the window's.
    let opener = state.opener()?;
    let cancelled = jobs.start(number)?;
    let app = app.clone();
    let result = blocking(move || {
        let store = opener.open()?;
        let clock = Clock::system(store.settings()?.tz());
        work(&mut Job {
            store,
            clock,
            app,
            number,
            cancelled,
        })
    })
    .await;
    jobs.finish(number);
    result
}

/// Runs blocking work on a thread for it and waits without blocking the
/// command runtime.
pub async fn blocking<T: Send + 'static>(
    work: impl FnOnce() -> CommandResult<T> + Send + 'static,
) -> CommandResult<T> {
    tauri::async_runtime::spawn_blocking(work)
        .await
        .map_err(|e| CommandError::internal(format!("a background job failed: {e}")))?
}
