//! Imports and exports: thin adapters over `kizuna_core::interchange`, run
//! as jobs (see `jobs.rs`).

use std::path::Path;

use kizuna_core::Error;
use kizuna_core::app::JobPhase;
use kizuna_core::customer::CustomerQuery;
use kizuna_core::interchange::import::{ImportPreview, ImportSummary};
use kizuna_core::interchange::table::{self, ColumnMapping, CsvPreset};
use kizuna_core::interchange::text::TextEncoding;
use kizuna_core::interchange::{self, ExportFormat, ImportFile, ImportOptions};
use kizuna_core::reminder::DraftLanguage;
use serde::{Deserialize, Serialize};
use tauri::{AppHandle, State};

use crate::error::CommandResult;
use crate::grants::{Grants, Purpose};
use crate::jobs::{self, Jobs, blocking};
use crate::state::AppState;

/// A file the user picked to restore from: any size, but a regular file
/// (the core refuses a folder, a device or a pipe before reading).
pub(super) fn read(path: &str) -> CommandResult<Vec<u8>> {
    Ok(interchange::file::read_regular(Path::new(path), u64::MAX)?)
}

/// What a file is and, for a CSV file, its columns (read in `encoding`,
/// or the one detected).
#[tauri::command]
pub async fn inspect_import(
    grants: State<'_, Grants>,
    path: String,
    encoding: TextEncoding,
    language: DraftLanguage,
) -> CommandResult<ImportFile> {
    grants.check(&path, Purpose::Import)?;
    blocking(move || {
        let bytes = interchange::file::read_import(Path::new(&path))?;
        Ok(interchange::inspect_file(
            &path, &bytes, encoding, language,
        )?)
    })
    .await
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
    let plan = jobs::run(&app, &jobs, &state, job, move |job| {
        // Read again rather than kept from `inspect_import`: the window may
        // stay on the column screen for long, and holding up to the import
        // limit in memory all that time costs more than reading it twice.
        let bytes = interchange::file::read_import(Path::new(&path))?;
        let (file, encoding) =
            interchange::read_file(&bytes, &options, &mut job.progress(JobPhase::Reading))?;
        Ok(job.store.plan_import(
            file,
            encoding,
            &job.clock,
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
