import { describe, expect, it, beforeEach } from 'vitest';
import { daysUntil, formatDay, formatPartialDate, yearsSince } from './format';
import { locale } from '../i18n/index.svelte';

const on = (y: number, m: number, d: number) => new Date(y, m - 1, d, 12);

describe('dates', () => {
  beforeEach(() => {
    locale.lang = 'ja';
    locale.japaneseEra = false;
  });

  it('writes Japanese dates as 2026年11月23日, or in the era when asked', () => {
    expect(formatDay('2026-11-23')).toBe('2026年11月23日');
    locale.japaneseEra = true;
    expect(formatDay('2026-11-23')).toBe('令和8年11月23日');
  });

  it('writes yearless dates without a year', () => {
    expect(formatPartialDate({ year: null, month: 2, day: 29 })).toBe('2月29日');
    locale.lang = 'en';
    expect(formatPartialDate({ year: 1980, month: 3, day: 14 })).toBe('March 14, 1980');
  });

  it('counts days to the next occurrence, across the year end', () => {
    expect(daysUntil({ year: null, month: 1, day: 5 }, on(2026, 12, 30))).toBe(6);
    expect(daysUntil({ year: null, month: 11, day: 23 }, on(2026, 11, 23))).toBe(0);
  });

  it('puts 29 February on 28 February in common years', () => {
    expect(daysUntil({ year: null, month: 2, day: 29 }, on(2027, 2, 27))).toBe(1);
    expect(daysUntil({ year: null, month: 2, day: 29 }, on(2028, 2, 27))).toBe(2);
  });

  it('gives the age only when the year is known', () => {
    expect(yearsSince({ year: 1980, month: 3, day: 14 }, on(2026, 3, 13))).toBe(45);
    expect(yearsSince({ year: 1980, month: 3, day: 14 }, on(2026, 3, 14))).toBe(46);
    expect(yearsSince({ year: null, month: 3, day: 14 }, on(2026, 3, 14))).toBeNull();
  });
});
