// The notice that follows an undoable action, with its Undo button: the
// core puts back the very rows the action changed, or says why it cannot.
// The latest such action can also be undone with Ctrl+Z once its notice
// has gone (the core keeps undo for a while, and refuses once too old).
import type { Undo } from './api/bindings';
import { api } from './api/client';
import { errorText } from './errors';
import { notify } from './state/app.svelte';
import { t } from '../i18n/index.svelte';

type Undoable = { undo: Undo; after: () => void | Promise<void> };

/** The latest action not undone yet. */
let latest: Undoable | null = null;

async function run({ undo, after }: Undoable): Promise<void> {
  if (latest?.undo.id === undo.id) latest = null;
  try {
    await api.undo(undo);
    notify(t('today.undone'));
  } catch (error) {
    notify(errorText(error), 'error');
  }
  await after();
}

/** Says what was done and offers to undo it; `after` runs once undone. */
export function offerUndo(message: string, undo: Undo, after: () => void | Promise<void>): void {
  const undoable = { undo, after };
  latest = undoable;
  notify(message, 'info', { label: t('action.undo'), run: () => run(undoable) });
}

/** Undoes the latest undoable action (Ctrl+Z); false when there is none. */
export async function undoLatest(): Promise<boolean> {
  if (latest === null) return false;
  await run(latest);
  return true;
}
