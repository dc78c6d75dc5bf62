// What to tell the user when a command fails: the translated text for the
// core's error code (the English `message` is for logs).
import { toApiError } from './api/client';
import type { FieldError } from './api/bindings';
import { t } from '../i18n/index.svelte';
import { notify } from './state/app.svelte';
import { fieldMessage } from './profile';

export function errorText(error: unknown): string {
  const payload = toApiError(error).payload;
  // Outside a form there are no highlighted fields: say what was refused.
  const field = payload.code === 'validation' ? payload.fields[0] : undefined;
  if (field !== undefined) {
    const message = fieldMessage(field);
    return t(message.key, message.params);
  }
  return t(`error.${payload.code}`);
}

/**
 * A failed save in a form: refused fields are returned to be shown beside
 * their inputs; anything else is told as a notice (and no field is marked).
 */
export function fieldErrorsOf(error: unknown): FieldError[] {
  const apiError = toApiError(error);
  if (apiError.payload.code === 'validation' && apiError.payload.fields.length > 0) {
    return apiError.payload.fields;
  }
  notify(errorText(apiError), 'error');
  return [];
}
