// Dates and numbers through Intl, in the current language (and era).
import type { PartialDate } from './api/bindings';
import { intlTag, locale } from '../i18n/index.svelte';

function formatter(options: Intl.DateTimeFormatOptions): Intl.DateTimeFormat {
  const tag = locale.japaneseEra && locale.lang === 'ja' ? 'ja-JP-u-ca-japanese' : intlTag();
  return new Intl.DateTimeFormat(tag, locale.japaneseEra && locale.lang === 'ja' ? { era: 'long', ...options } : options);
}

/** A calendar day given as `YYYY-MM-DD`: 2026年11月23日 / November 23, 2026. */
export function formatDay(iso: string): string {
  const [y, m, d] = iso.split('-').map(Number);
  if (y === undefined || m === undefined || d === undefined) return iso;
  return formatter({ year: 'numeric', month: 'long', day: 'numeric', timeZone: 'UTC' }).format(
    new Date(Date.UTC(y, m - 1, d)),
  );
}

/** An instant given as Unix seconds, as a day in the user's zone. */
export function formatInstantDay(seconds: number): string {
  return formatter({ year: 'numeric', month: 'long', day: 'numeric' }).format(new Date(seconds * 1000));
}

/** A recurring date with an optional year: 3月14日, or 1980年3月14日. */
export function formatPartialDate(date: PartialDate): string {
  const year = date.year ?? 2000; // a leap year, so 29 February formats
  const value = new Date(Date.UTC(year, date.month - 1, date.day));
  const options: Intl.DateTimeFormatOptions =
    date.year === null
      ? { month: 'long', day: 'numeric', timeZone: 'UTC' }
      : { year: 'numeric', month: 'long', day: 'numeric', timeZone: 'UTC' };
  return (date.year === null ? new Intl.DateTimeFormat(intlTag(), options) : formatter(options)).format(value);
}

/** Today as a local calendar day. */
export function today(now: Date = new Date()): { year: number; month: number; day: number } {
  return { year: now.getFullYear(), month: now.getMonth() + 1, day: now.getDate() };
}

function isLeap(year: number): boolean {
  return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
}

/** Where a recurring date falls in `year`; 29 February on 28 February in common years. */
function inYear(date: PartialDate, year: number): number {
  const day = date.month === 2 && date.day === 29 && !isLeap(year) ? 28 : date.day;
  return Date.UTC(year, date.month - 1, day);
}

/** Days from today until the next occurrence (0 on the day itself). */
export function daysUntil(date: PartialDate, now: Date = new Date()): number {
  const t = today(now);
  const start = Date.UTC(t.year, t.month - 1, t.day);
  let next = inYear(date, t.year);
  if (next < start) next = inYear(date, t.year + 1);
  return Math.round((next - start) / 86_400_000);
}

/** Completed years since the date, when its year is known. */
export function yearsSince(date: PartialDate, now: Date = new Date()): number | null {
  if (date.year === null) return null;
  const t = today(now);
  const start = Date.UTC(t.year, t.month - 1, t.day);
  const years = t.year - date.year - (start < inYear(date, t.year) ? 1 : 0);
  return years >= 0 ? years : null;
}

function pad(n: number): string {
  return String(n).padStart(2, '0');
}

/** `YYYY-MM-DD` of a moment, in the computer's zone (for date inputs). */
export function dayInput(date: Date = new Date()): string {
  return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}`;
}

/** `HH:MM` of a moment, in the computer's zone (for time inputs). */
export function timeInput(date: Date = new Date()): string {
  return `${pad(date.getHours())}:${pad(date.getMinutes())}`;
}

/** Unix seconds from a `YYYY-MM-DD` day and an `HH:MM` time, or null. */
export function instantOf(day: string, time: string): number | null {
  const d = /^(\d{4})-(\d{1,2})-(\d{1,2})$/.exec(day.normalize('NFKC').trim().replace(/[/.]/g, '-'));
  const t = /^(\d{1,2}):(\d{2})$/.exec((time.trim() || '12:00').normalize('NFKC'));
  if (d === null || t === null) return null;
  const [y, m, dd] = [Number(d[1]), Number(d[2]), Number(d[3])];
  const [h, min] = [Number(t[1]), Number(t[2])];
  const value = new Date(y, m - 1, dd, h, min);
  if (value.getMonth() !== m - 1 || value.getDate() !== dd || h > 23 || min > 59) return null;
  return Math.floor(value.getTime() / 1000);
}

/** A moment with its time: 2026年11月23日 14:30. */
export function formatInstant(seconds: number): string {
  const date = new Date(seconds * 1000);
  return `${formatInstantDay(seconds)} ${pad(date.getHours())}:${pad(date.getMinutes())}`;
}

/** File sizes as people read them: 1.2 MB, 340 KB. */
export function fileSize(bytes: number, locale: string): string {
  const units = ['B', 'KB', 'MB', 'GB'];
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit += 1;
  }
  const digits = unit === 0 || value >= 100 ? 0 : 1;
  return `${value.toLocaleString(locale, { maximumFractionDigits: digits })} ${units[unit]}`;
}
