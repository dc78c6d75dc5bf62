//! Imports and exports: thin adapters over `kizuna_core::interchange`, run
//! as jobs (see `jobs.rs`).

use std::path::Path;
use std::sync::{Arc, Mutex};

use kizuna_core::Error;
use kizuna_core::app::JobPhase;
use kizuna_core::customer::CustomerQuery;
use kizuna_core::interchange::import::{ImportPreview, ImportSummary};
use kizuna_core::interchange::table::{self, ColumnMapping, CsvPreset};
use kizuna_core::interchange::text::TextEncoding;
use kizuna_core::interchange::{self, ExportFormat, ImportFile, ImportOptions};
use kizuna_core::reminder::DraftLanguage;
use serde::{Deserialize, Serialize};
use tauri::{AppHandle, Manager, State};

use crate::error::CommandResult;
use crate::grants::{Grants, Purpose};
use crate::jobs::{self, Jobs, blocking};
use crate::state::AppState;

/// A file the user picked to restore from: any size, but a regular file
/// (the core refuses a folder, a device or a pipe before reading).
pub(super) fn read(path: &str) -> CommandResult<Vec<u8>> {
    Ok(interchange::file::read_regular(Path::new(path), u64::MAX)?)
}

/// The file being imported, read once when it is first inspected: a new
/// encoding, the column screen and the preview all use these bytes, so
/// what is previewed is what was inspected even if the file changes on
/// the disk meanwhile. Forgotten when the import is written or the dialog
/// closes.
#[derive(Default)]
pub struct ImportBytes(Mutex<Held>);

#[derive(Default)]
struct Held {
    file: Option<(String, Arc<Vec<u8>>)>,
    /// Moves on at every `forget`, so a read that was under way then is
    /// not kept.
    generation: u64,
}

impl ImportBytes {
    /// The bytes of `path`, read now unless they already were. The file is
    /// read without holding the lock: closing the dialog meanwhile does
    /// not wait for it.
    fn of(&self, path: &str) -> kizuna_core::Result<Arc<Vec<u8>>> {
        let generation = {
            let mut held = self.0.lock().unwrap_or_else(|p| p.into_inner());
            if let Some((held_path, bytes)) = held.file.as_ref()
                && held_path == path
            {
                return Ok(bytes.clone());
            }
            // The previous file's bytes go before the next one is read.
            held.file = None;
            held.generation
        };
        let bytes = Arc::new(interchange::file::read_import(Path::new(path))?);
        let mut held = self.0.lock().unwrap_or_else(|p| p.into_inner());
        if held.generation == generation {
            held.file = Some((path.to_owned(), bytes.clone()));
        }
        Ok(bytes)
    }

    fn forget(&self) {
        let mut held = self.0.lock().unwrap_or_else(|p| p.into_inner());
        held.file = None;
        held.generation += 1;
    }
}

/// What a file is and, for a CSV file, its columns (read in `encoding`,
/// or the one detected).
#[tauri::command]
pub async fn inspect_import(
    app: AppHandle,
    grants: State<'_, Grants>,
    path: String,
    encoding: TextEncoding,
    language: DraftLanguage,
) -> CommandResult<ImportFile> {
    grants.check(&path, Purpose::Import)?;
    blocking(move || {
        let bytes = app.state::<ImportBytes>().of(&path)?;
        Ok(interchange::inspect_file(
            &path, &bytes, encoding, language,
        )?)
    })
    .await
}

/// The import dialog closed or went back to choosing a file: the file's
/// bytes are let go, and the next step reads it afresh.
#[tauri::command]
pub async fn close_import(bytes: State<'_, ImportBytes>) -> CommandResult<()> {
    bytes.forget();
    Ok(())
}

/// Each column's meaning under one of the known layouts.
#[tauri::command]
pub async fn map_columns(
    preset: CsvPreset,
    headers: Vec<String>,
    language: DraftLanguage,
) -> CommandResult<Vec<ColumnMapping>> {
    Ok(table::mapping_for(preset, &headers, language))
}

/// Reads the file and works out what importing it would do. The plan is
/// kept for [`apply_import`] under the job's number.
#[tauri::command]
pub async fn preview_import(
    app: AppHandle,
    state: State<'_, AppState>,
    jobs: State<'_, Jobs>,
    job: u32,
    grants: State<'_, Grants>,
    path: String,
    options: ImportOptions,
) -> CommandResult<ImportPreview> {
    grants.check(&path, Purpose::Import)?;
    let files = app.clone();
    let plan = jobs::run(&app, &jobs, &state, job, move |job| {
        let bytes = files.state::<ImportBytes>().of(&path)?;
        Ok(job.store.plan_import_file(
            &bytes,
            &options,
            &job.clock,
            &mut job.progress(JobPhase::Reading),
            &mut job.progress(JobPhase::Matching),
        )?)
    })
    .await?;
    let preview = plan.preview.clone();
    jobs.keep_plan(job, plan)?;
    Ok(preview)
}

/// Writes a previewed import, all at once, after a backup.
#[tauri::command]
pub async fn apply_import(
    app: AppHandle,
    state: State<'_, AppState>,
    jobs: State<'_, Jobs>,
    job: u32,
) -> CommandResult<ImportSummary> {
    let plan = jobs
        .take_plan(job)
        .ok_or_else(|| Error::not_found("import", i64::from(job)))?;
    // Written or not, the dialog starts again from the file; the plan holds
    // all the write needs, so the file's bytes go before it begins.
    app.state::<ImportBytes>().forget();
    jobs::run(&app, &jobs, &state, job, move |job| {
        let clock = job.clock;
        let mut progress = job.progress(JobPhase::Writing);
        Ok(job.store.apply_import(plan, &clock, &mut progress)?)
    })
    .await
}

/// Stops a job (the store is left as it was) or forgets a preview.
#[tauri::command]
pub async fn cancel_job(jobs: State<'_, Jobs>, job: u32) -> CommandResult<()> {
    jobs.cancel(job);
    Ok(())
}

#[derive(Serialize)]
pub struct Exported {
    path: String,
    bytes: u64,
}

/// What to export, and where.
#[derive(Deserialize)]
pub struct ExportRequest {
    path: String,
    format: ExportFormat,
    /// Only these customers…
    ids: Option<Vec<i64>>,
    /// …or those the list shows with this search and filter; all when
    /// neither is given.
    query: Option<CustomerQuery>,
    language: DraftLanguage,
}

/// Writes the customers (all, or the chosen ones) to a file.
#[tauri::command]
pub async fn export_customers(
    app: AppHandle,
    state: State<'_, AppState>,
    jobs: State<'_, Jobs>,
    grants: State<'_, Grants>,
    job: u32,
    request: ExportRequest,
) -> CommandResult<Exported> {
    grants.check(&request.path, Purpose::Export)?;
    jobs::run(&app, &jobs, &state, job, move |job| {
        let ExportRequest {
            path,
            format,
            ids,
            query,
            language,
        } = request;
        let store = &job.store;
        let ids = match (ids, query) {
            (Some(ids), _) => Some(ids),
            (None, Some(query)) => Some(store.matching_ids(&query)?),
            (None, None) => None,
        };
        let mut progress = job.progress(JobPhase::Exporting);
        let bytes = store.export_to_file(
            format,
            ids.as_deref(),
            language,
            &job.clock,
            Path::new(&path),
            &mut progress,
        )?;
        Ok(Exported { path, bytes })
    })
    .await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_file_is_read_once_until_it_is_let_go() {
        let dir = tempfile::tempdir().expect("dir");
        let path = dir.path().join("contacts.csv");
        std::fs::write(&path, "名前\n山田 太郎\n").expect("write");
        let path = path.display().to_string();
        let held = ImportBytes::default();
        let first = held.of(&path).expect("read");
        std::fs::write(&path, "名前\n別人\n").expect("rewrite");
        assert_eq!(held.of(&path).expect("held"), first, "the bytes inspected");
        held.forget();
        let again = held.of(&path).expect("read again");
        assert_eq!(again.as_slice(), "名前\n別人\n".as_bytes());
    }
}
