// What the import and export dialogs offer, and how problems read.
import type { ColumnTarget, CsvPreset, ExportFormat, ImportProblem, TextEncoding } from './api/bindings';
import { hasMessage, t } from '../i18n/index.svelte';
import { dayInput } from './format';

export const PRESETS: CsvPreset[] = ['google', 'google_legacy', 'outlook', 'linkedin', 'japanese', 'custom'];

export const ENCODINGS: TextEncoding[] = ['auto', 'utf8', 'shift_jis', 'windows1252', 'utf16_le', 'utf16_be'];

/** Every column meaning, in the order the mapping screen lists them. */
export const COLUMN_TARGETS: ColumnTarget[] = [
  'keep',
  'skip',
  'family_name',
  'given_name',
  'middle_name',
  'full_name',
  'family_name_reading',
  'given_name_reading',
  'full_name_reading',
  'company',
  'department',
  'title',
  'phone',
  'phone_label',
  'email',
  'email_label',
  'postal_code',
  'region',
  'locality',
  'street',
  'extended',
  'country',
  'full_address',
  'address_label',
  'birthday',
  'anniversary',
  'notes',
  'tags',
  'uid',
];

export const EXPORT_FORMATS: ExportFormat[] = ['vcard4', 'vcard3', 'csv', 'ics', 'json'];

/**
 * A typed path kept when the format changes: only its extension follows
 * the format (…/顧客.csv → …/顧客.vcf); a path without one is left alone.
 */
export function withFormatExtension(path: string, format: ExportFormat): string {
  const extension = { vcard4: 'vcf', vcard3: 'vcf', csv: 'csv', ics: 'ics', json: 'json' }[format];
  return path.replace(/\.(vcf|csv|ics|json)$/i, `.${extension}`);
}

/** The file name an export proposes: kizuna-2026-11-27.vcf. */
export function exportFileName(format: ExportFormat, today: Date = new Date()): string {
  const extension = { vcard4: 'vcf', vcard3: 'vcf', csv: 'csv', ics: 'ics', json: 'json' }[format];
  const name = format === 'ics' ? 'kizuna-calendar' : format === 'json' ? 'kizuna-all-data' : 'kizuna-customers';
  return `${name}-${dayInput(today)}.${extension}`;
}

/** A problem in words: what was wrong and, where there is one, with which field. */
export function problemText(problem: ImportProblem): string {
  // "Too many" names a whole list (phone numbers), the others one value.
  const key = problem.code === 'too_many' ? `list.${problem.detail}` : `importField.${problem.detail}`;
  const field = hasMessage(key) ? t(key) : problem.detail;
  return t(`problem.${problem.code}`, problem.limit === null ? { field } : { field, limit: problem.limit });
}
