// What to tell the user when a command fails: the translated text for the
// core's error code (the English `message` is for logs).
import { toApiError } from './api/client';
import { t } from '../i18n/index.svelte';

export function errorText(error: unknown): string {
  return t(`error.${toApiError(error).payload.code}`);
}
