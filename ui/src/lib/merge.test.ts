import { beforeEach, describe, expect, it } from 'vitest';
import type { Customer } from './api/bindings';
import { blankProfile } from './profile';
import { fieldText, unitedLists } from './merge';
import { locale } from '../i18n/index.svelte';

function customer(changes: Partial<Customer['profile']>, referrer: string | null = null): Customer {
  return {
    id: 1,
    uid: 'u',
    display_name: changes.family_name === undefined ? '' : `${changes.family_name} ${changes.given_name ?? ''}`.trim(),
    display_reading: '',
    profile: { ...blankProfile(), ...changes },
    referrer: referrer === null ? null : { id: 9, display_name: referrer, archived: false },
    archived: false,
    archived_at: null,
    created_at: 0,
    updated_at: 0,
  };
}

describe('the side-by-side of a merge', () => {
  beforeEach(() => {
    locale.lang = 'ja';
    locale.japaneseEra = false;
  });

  it('shows each field as the user reads it, and nothing for a default', () => {
    const c = customer(
      {
        family_name: '高橋',
        given_name: '健',
        birthday: { year: null, month: 5, day: 3 },
        stage: 'client',
        cadence_days: 30,
        source: 'referral',
      },
      '森 花',
    );
    expect(fieldText(c, 'name')).toBe('高橋 健');
    expect(fieldText(c, 'birthday')).toBe('5月3日');
    expect(fieldText(c, 'stage')).toBe('得意客');
    expect(fieldText(c, 'cadence_days')).toBe('30日');
    expect(fieldText(c, 'source')).toBe('紹介');
    expect(fieldText(c, 'referred_by')).toBe('森 花');
    expect(fieldText(c, 'preferred_channel')).toBe('');
    expect(fieldText(c, 'met_on')).toBe('');
    locale.lang = 'en';
    expect(fieldText(c, 'cadence_days')).toBe('30 days');
  });

  it('lists only the lists that hold something, addresses on one line', () => {
    const lists = unitedLists({
      ...blankProfile(),
      tags: ['年賀状', 'VIP'],
      addresses: [
        { label: '', postal_code: '150-0001', region: '東京都', locality: '渋谷区', street: '神宮前3-1-5', extended: '', country: '' },
      ],
    });
    expect(lists.map((l) => l.label)).toEqual(['merge.addresses', 'form.tags']);
    expect(lists[0]?.items).toEqual(['〒150-0001 東京都渋谷区神宮前3-1-5']);
  });
});
