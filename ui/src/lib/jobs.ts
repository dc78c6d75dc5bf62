// Long jobs (imports, exports, restores) report progress as events named by
// a job number the window chooses, so it can show a bar and cancel.
import { listen } from '@tauri-apps/api/event';
import type { JobProgress } from './api/bindings';

let nextJob = Math.floor(Math.random() * 1_000_000);

/** A new job number, unique in this window. */
export function newJob(): number {
  nextJob += 1;
  return nextJob;
}

/** Calls `onProgress` with this job's progress until `stop()` is called. */
export async function watchJob(job: number, onProgress: (progress: JobProgress) => void): Promise<() => void> {
  return listen<JobProgress>('kizuna://progress', (event) => {
    if (event.payload.job === job) onProgress(event.payload);
  });
}

/** A fraction 0–1 for a progress bar. */
export function fraction(progress: JobProgress | null): number {
  if (progress === null || progress.total === 0) return 0;
  return Math.min(1, progress.done / progress.total);
}
