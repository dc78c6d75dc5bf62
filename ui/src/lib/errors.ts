// What to tell the user when a command fails: the translated text for the
// core's error code (the English `message` is for logs).
import { toApiError } from './api/client';
import type { ErrorPayload, FieldError } from './api/bindings';
import { intlTag, t, type Params } from '../i18n/index.svelte';
import { fileSize } from './format';
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
  return t(`error.${payload.code}`, limitParams(payload));
}

/** The limit a file went over, as the message says it (256 MB, 600). */
function limitParams(payload: ErrorPayload): Params | undefined {
  if (payload.limit === null) return undefined;
  return { limit: payload.code === 'file_too_large' ? fileSize(payload.limit, intlTag()) : payload.limit };
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
