import { describe, expect, it } from 'vitest';
import { dateInputs, errorsByField, fieldMessage, isMobile, isoDay, partialDate, proposedLanguage, wholeNumber } from './profile';

describe('form inputs', () => {
  it('reads an empty date as none and a yearless one without a year', () => {
    expect(partialDate({ year: '', month: '', day: '' })).toBeNull();
    expect(partialDate({ year: '', month: '2', day: '29' })).toEqual({ year: null, month: 2, day: 29 });
    expect(partialDate({ year: '１９８０', month: '3', day: '14' })).toEqual({ year: 1980, month: 3, day: 14 });
  });

  it('passes a half-filled date on as invalid for the core to refuse', () => {
    expect(partialDate({ year: '1980', month: '3', day: '' })).toEqual({ year: 1980, month: 3, day: 0 });
  });

  it('round-trips a stored date through the inputs', () => {
    const stored = { year: 1975, month: 12, day: 1 };
    expect(partialDate(dateInputs(stored))).toEqual(stored);
  });

  it('accepts ISO days, also with slashes and full-width digits', () => {
    expect(isoDay('2026-11-23')).toBe('2026-11-23');
    expect(isoDay('２０２６/１/５')).toBe('2026-01-05');
    expect(isoDay('')).toBeNull();
    expect(isoDay('2026-02-30')).toBe('invalid');
    expect(isoDay('next tuesday')).toBe('invalid');
  });

  it('reads whole numbers of days', () => {
    expect(wholeNumber('30')).toBe(30);
    expect(wholeNumber(' ')).toBeNull();
    expect(wholeNumber('1.5')).toBe('invalid');
  });
});

describe('field errors', () => {
  it('explains a missing name as needing a name or a company', () => {
    expect(fieldMessage({ field: 'family_name', code: 'required', limit: null }).key).toBe('fieldError.nameOrCompany');
    expect(fieldMessage({ field: 'phones.0.number', code: 'required', limit: null }).key).toBe('fieldError.required');
  });

  it('carries the limit into the message', () => {
    expect(fieldMessage({ field: 'notes', code: 'too_long', limit: 20000 })).toEqual({
      key: 'fieldError.too_long',
      params: { limit: 20000 },
    });
  });

  it('names the list a customer has too many of', () => {
    expect(fieldMessage({ field: 'phones', code: 'too_many', limit: 50 })).toEqual({
      key: 'tooMany.phones',
      params: { limit: 50 },
    });
    expect(fieldMessage({ field: 'family_members', code: 'too_many', limit: 50 }).key).toBe('tooMany.family_members');
  });

  it('keeps the first error of each field', () => {
    const map = errorsByField([
      { field: 'birthday', code: 'invalid_date', limit: null },
      { field: 'birthday', code: 'date_in_future', limit: null },
    ]);
    expect(map.get('birthday')?.code).toBe('invalid_date');
  });
});

describe('message language and mobile numbers', () => {
  it('proposes English for a name in Latin letters only', () => {
    expect(proposedLanguage('White', 'Michael')).toBe('en');
    expect(proposedLanguage('Müller', 'Claire')).toBe('en');
    expect(proposedLanguage('阿部', '陽子')).toBe('ja');
    expect(proposedLanguage('Smith', '太郎')).toBe('ja');
    expect(proposedLanguage('', '')).toBe('ja');
  });

  it('knows a mobile number however it is written', () => {
    expect(isMobile('090-1234-5678')).toBe(true);
    expect(isMobile('０８０１２３４５６７８')).toBe(true);
    expect(isMobile('+81 70 1234 5678')).toBe(true);
    expect(isMobile('03-1234-5678')).toBe(false);
    expect(isMobile('+1 090 1234 5678')).toBe(false);
  });
});
