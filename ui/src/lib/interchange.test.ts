import { describe, expect, it, beforeEach } from 'vitest';
import { exportFileName, problemText, withFormatExtension } from './interchange';
import { fraction } from './jobs';
import { fileSize } from './format';
import { locale } from '../i18n/index.svelte';
import type { ImportProblem } from './api/bindings';

const problem = (code: ImportProblem['code'], detail = ''): ImportProblem => ({
  record: 3,
  line: 12,
  excerpt: 'BEGIN:VCARD ⏎ FN:林',
  code,
  detail,
  limit: null,
});

describe('import problems', () => {
  beforeEach(() => {
    locale.lang = 'ja';
  });

  it('name the field a value was kept aside from, in the user language', () => {
    expect(problemText(problem('kept_aside', 'emails'))).toBe(
      'メールアドレスをそのままでは登録できないため、「その他の項目」に保存しました',
    );
    locale.lang = 'en';
    expect(problemText(problem('kept_aside', 'birthday'))).toBe(
      'The birthday could not be taken as it is and was kept under other details',
    );
  });

  it('say which list a contact had too many of, and how many it may have', () => {
    expect(problemText({ ...problem('too_many', 'phones'), limit: 50 })).toBe(
      '電話番号が50件を超えているため、この連絡先は取り込みませんでした',
    );
    locale.lang = 'en';
    expect(problemText({ ...problem('too_many', 'tags'), limit: 200 })).toBe(
      'More than 200 tags: this contact was not imported',
    );
  });

  it('show a property Kizuna has no word for as it came', () => {
    locale.lang = 'en';
    expect(problemText(problem('dropped', 'PHOTO'))).toBe('PHOTO is too large to keep and was left out');
  });
});

describe('exports and progress', () => {
  it('propose a dated file name with the format’s extension', () => {
    const day = new Date(2026, 10, 27, 9);
    expect(exportFileName('vcard3', day)).toBe('kizuna-customers-2026-11-27.vcf');
    expect(exportFileName('ics', day)).toBe('kizuna-calendar-2026-11-27.ics');
    expect(exportFileName('json', day)).toBe('kizuna-all-data-2026-11-27.json');
  });

  it('write sizes and fractions as a person reads them', () => {
    expect(fileSize(546, 'en-US')).toBe('546 B');
    expect(fileSize(52_428_800, 'en-US')).toBe('50 MB');
    expect(fileSize(1_258_291, 'ja-JP')).toBe('1.2 MB');
    expect(fraction(null)).toBe(0);
    expect(fraction({ job: 1, phase: 'reading', done: 50, total: 200 })).toBe(0.25);
    expect(fraction({ job: 1, phase: 'writing', done: 9, total: 0 })).toBe(0);
  });
});

describe('export path', () => {
  it('keeps a typed path when the format changes, with the new extension', () => {
    expect(withFormatExtension('/home/me/顧客.csv', 'vcard3')).toBe('/home/me/顧客.vcf');
    expect(withFormatExtension('/home/me/list', 'csv')).toBe('/home/me/list');
    expect(withFormatExtension('', 'json')).toBe('');
  });
});
