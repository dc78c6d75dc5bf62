// The notice that follows an undoable action, with its Undo button: the
// core puts back the very rows the action changed, or says why it cannot.
import type { Undo } from './api/bindings';
import { api } from './api/client';
import { errorText } from './errors';
import { notify } from './state/app.svelte';
import { t } from '../i18n/index.svelte';

/** Says what was done and offers to undo it; `after` runs once undone. */
export function offerUndo(message: string, undo: Undo, after: () => void | Promise<void>): void {
  notify(message, 'info', {
    label: t('action.undo'),
    run: async () => {
      try {
        await api.undo(undo);
        notify(t('today.undone'));
      } catch (error) {
        notify(errorText(error), 'error');
      }
      await after();
    },
  });
}
