import { describe, expect, it } from 'vitest';
import { addressLines, isJapanese, postalDigits, verticalText } from './postcard';

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

  it('tells a Japanese address from a foreign one and splits its lines', () => {
    expect(isJapanese(address)).toBe(true);
    expect(isJapanese({ ...address, country: 'USA' })).toBe(false);
    expect(addressLines(address)).toEqual(['東京都渋谷区神宮前1-2-3', 'みやびビル１０２']);
  });
});
