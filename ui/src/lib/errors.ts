// What to tell the user when a command fails: the translated text for the
// core's error code (the English `message` is for logs).
import { toApiError } from './api/client';
import type { FieldError } from './api/bindings';
import { t } from '../i18n/index.svelte';
import { notify } from './state/app.svelte';

export function errorText(error: unknown): string {
  return t(`error.${toApiError(error).payload.code}`);
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
