// Turning the customer form's inputs into the core's CustomerProfile and
// back. Only what cannot be expressed in the core's types (a date that does
// not parse) is checked here; every other rule is the core's.
import type { CustomerProfile, DraftLanguage, FieldError, PartialDate } from './api/bindings';
import { hasMessage, type MessageKey, type Params } from '../i18n/index.svelte';

export function blankProfile(): CustomerProfile {
  return {
    family_name: '',
    given_name: '',
    family_name_reading: '',
    given_name_reading: '',
    company: '',
    title: '',
    phones: [],
    emails: [],
    addresses: [],
    birthday: null,
    important_dates: [],
    family_members: [],
    likes: '',
    notes: '',
    met_how: '',
    met_on: null,
    source: 'other',
    referred_by: null,
    preferred_channel: 'any',
    do_not_contact: false,
    keep_off_phone: false,
    quiet_until: null,
    cadence_days: null,
    honorific: '',
    message_language: null,
    topic: '',
    tags: [],
    stage: 'prospect',
    extras: [],
  };
}

/** The three inputs of a recurring date: year (optional), month, day. */
export type DateInputs = { year: string; month: string; day: string };

export function dateInputs(date: PartialDate | null): DateInputs {
  return date === null
    ? { year: '', month: '', day: '' }
    : { year: date.year === null ? '' : String(date.year), month: String(date.month), day: String(date.day) };
}

/**
 * Empty inputs mean "no date". A partly filled date is passed on with the
 * missing part as 0, so the core reports it as invalid next to the field.
 */
export function partialDate(inputs: DateInputs): PartialDate | null {
  const year = inputs.year.trim();
  const month = inputs.month.trim();
  const day = inputs.day.trim();
  if (year === '' && month === '' && day === '') return null;
  const toNumber = (text: string) => (/^\d+$/.test(text) ? Number(text) : 0);
  const digits = year.normalize('NFKC');
  return {
    year: digits === '' ? null : /^\d{1,4}$/.test(digits) ? Number(digits) : 0,
    month: toNumber(month),
    day: toNumber(day),
  };
}

/** `YYYY-MM-DD` (full-width digits allowed), empty for none, or 'invalid'. */
export function isoDay(text: string): string | null | 'invalid' {
  const value = text.normalize('NFKC').trim().replace(/[/.]/g, '-');
  if (value === '') return null;
  const match = /^(\d{4})-(\d{1,2})-(\d{1,2})$/.exec(value);
  if (match === null) return 'invalid';
  const [, y, m, d] = match.map(Number) as [number, number, number, number];
  const date = new Date(Date.UTC(y, m - 1, d));
  if (date.getUTCFullYear() !== y || date.getUTCMonth() !== m - 1 || date.getUTCDate() !== d) return 'invalid';
  return `${String(y).padStart(4, '0')}-${String(m).padStart(2, '0')}-${String(d).padStart(2, '0')}`;
}

/** A whole number of days, empty for none, or 'invalid'. */
export function wholeNumber(text: string): number | null | 'invalid' {
  const value = text.normalize('NFKC').trim();
  if (value === '') return null;
  return /^\d{1,6}$/.test(value) ? Number(value) : 'invalid';
}

/** The message to show beside one field, translated. */
export function fieldMessage(error: FieldError): { key: MessageKey; params?: Params } {
  // "Required" on the family name means the customer has no name at all.
  if (error.field === 'family_name' && error.code === 'required') return { key: 'fieldError.nameOrCompany' };
  if ((error.code === 'out_of_range' && error.limit === null) || error.code === 'not_allowed') return { key: 'fieldError.notAllowed' };
  // A whole list refused says which list: it has no input of its own.
  const list = `tooMany.${error.field}`;
  if (error.code === 'too_many' && hasMessage(list)) return { key: list, params: { limit: error.limit ?? 0 } };
  const key = `fieldError.${error.code}` as MessageKey;
  return error.limit === null ? { key } : { key, params: { limit: error.limit } };
}

/** Field errors by field path, first error per field. */
export function errorsByField(errors: FieldError[]): Map<string, FieldError> {
  const map = new Map<string, FieldError>();
  for (const error of errors) if (!map.has(error.field)) map.set(error.field, error);
  return map;
}

/** Japanese script: kana and kanji. */
const JAPANESE = /[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uff66-\uff9f\u3005-\u3007]/u;

/**
 * The message language a name proposes, as the core does when none is
 * chosen: English for a name in Latin letters only, Japanese otherwise.
 */
export function proposedLanguage(family: string, given: string): DraftLanguage {
  const letters = [...`${family}${given}`].filter((c) => /\p{L}/u.test(c));
  if (letters.length === 0) return 'ja';
  return letters.every((c) => !JAPANESE.test(c) && c.codePointAt(0)! < 0x250) ? 'en' : 'ja';
}

/** 070, 080 and 090 numbers, also as +81 7/8/9: the core's rule. */
export function isMobile(number: string): boolean {
  const text = number.normalize('NFKC').trim();
  let digits = text.replace(/\D/g, '');
  if (text.startsWith('+')) {
    if (!digits.startsWith('81')) return false;
    digits = `0${digits.slice(2).replace(/^0+/, '')}`;
  }
  return digits.length === 11 && /^0[789]0/.test(digits);
}

/** The honorifics offered for each message language; '' is the language's default. */
export const HONORIFICS: Record<DraftLanguage, string[]> = {
  ja: ['', 'さん', '先生', '殿', '-'],
  en: ['', 'Mr', 'Ms', 'Mrs', 'Mx', 'Dr'],
};
