import { describe, expect, it, beforeEach } from 'vitest';
import { ja } from './ja';
import { en } from './en';
import { locale, t } from './index.svelte';

describe('messages', () => {
  beforeEach(() => {
    locale.lang = 'ja';
  });

  it('has every message in both languages, none empty', () => {
    expect(Object.keys(en).sort()).toEqual(Object.keys(ja).sort());
    for (const [key, value] of [...Object.entries(ja), ...Object.entries(en)]) {
      expect(value.trim(), key).not.toBe('');
    }
  });

  it('fills placeholders and formats numbers for the language', () => {
    expect(t('list.count', { count: 12345 })).toBe('12,345人');
    locale.lang = 'en';
    expect(t('list.count', { count: 12345 })).toBe('12,345 customers');
    expect(t('toast.created', { name: '山田 太郎' })).toBe('Added 山田 太郎');
  });

  it('picks the English plural form from the count', () => {
    locale.lang = 'en';
    expect(t('list.count', { count: 1 })).toBe('1 customer');
    expect(t('list.count', { count: 0 })).toBe('0 customers');
  });

  it('translates every field error code the core can send', () => {
    const codes = [
      'required', 'too_long', 'not_kana', 'invalid_email', 'invalid_phone', 'invalid_postal_code',
      'invalid_date', 'date_in_future', 'out_of_range', 'invalid_number', 'unknown_customer', 'self_referral',
      'referral_cycle', 'duplicate', 'after_last_day',
    ] as const;
    for (const code of codes) expect(t(`fieldError.${code}`)).not.toContain('fieldError');
  });
});
