import { describe, expect, it } from 'vitest';
import { addressLines, pageCount, postalCodeText, postalDigits, sheetsOf, verticalText } from './postcard';

const address = {
  label: '',
  postal_code: '150-0001',
  region: '東京都',
  locality: '渋谷区',
  street: '神宮前1-2-3',
  extended: 'みやびビル１０２',
  country: '',
};

describe('postcard', () => {
  it('writes numbers as kanji numerals for vertical lines', () => {
    expect(verticalText('神宮前1-2-3')).toBe('神宮前一ー二ー三');
    expect(verticalText('みやびビル１０２')).toBe('みやびビル一〇二');
  });

  it('gives the seven digits of a postal code, or nothing', () => {
    expect(postalDigits('150-0001')).toEqual(['1', '5', '0', '0', '0', '0', '1']);
    expect(postalDigits('１５０-０００１')).toHaveLength(7);
    expect(postalDigits('150')).toBeNull();
  });

  it('splits an address into its lines and writes a postal code across', () => {
    expect(addressLines(address)).toEqual(['東京都渋谷区神宮前1-2-3', 'みやびビル１０２']);
    expect(postalCodeText('1500001')).toBe('150-0001');
    expect(postalCodeText('１５０ー０００１')).toBe('150-0001');
    expect(postalCodeText('SW1A 1AA')).toBe('SW1A 1AA');
  });

  it('puts twelve labels on a sheet and counts the pages of each layout', () => {
    const rows = Array.from({ length: 25 }, (_, i) => i);
    expect(sheetsOf(rows).map((s) => s.length)).toEqual([12, 12, 1]);
    expect(sheetsOf([])).toEqual([]);
    expect(pageCount('labels', 25)).toBe(3);
    expect(pageCount('labels', 12)).toBe(1);
    expect(pageCount('postcard', 25)).toBe(25);
  });
});
