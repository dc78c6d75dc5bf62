import { describe, expect, it } from 'vitest';
import type { Reminder } from './api/bindings';
import { daysBetween, mailtoLink, reminderTitle, telLink } from './reminders';
import { locale } from '../i18n/index.svelte';

function reminder(overrides: Partial<Reminder>): Reminder {
  return {
    key: 'birthday:1:2026-11-30',
    kind: 'birthday',
    customer: {
      id: 1,
      display_name: '山田 太郎',
      stage: 'client',
      last_touch_at: null,
      phone: '０９０-1234-5678',
      email: 'taro@example.jp',
    },
    due_on: '2026-11-23',
    due_at: 0,
    occasion_on: '2026-11-30',
    years: 46,
    subject: '',
    follow_up: null,
    snoozed: false,
    draft: '山田 太郎 様\nお誕生日おめでとうございます。',
    ...overrides,
  };
}

describe('reminders', () => {
  it('counts days across a month end', () => {
    expect(daysBetween('2026-11-28', '2026-12-03')).toBe(5);
  });

  it('names a lead-time birthday reminder with the days left', () => {
    locale.lang = 'ja';
    expect(reminderTitle(reminder({}))).toBe('46歳のお誕生日まであと7日');
    locale.lang = 'en';
    expect(reminderTitle(reminder({}))).toBe('Birthday (46) in 7 days');
    expect(reminderTitle(reminder({ occasion_on: '2026-11-23', years: null }))).toBe('Birthday');
  });

  it('names a follow-up by its step and the days since the purchase', () => {
    locale.lang = 'ja';
    const r = reminder({ kind: 'follow_up', follow_up: 'satisfaction', subject: '中トロ', occasion_on: '2026-10-24' });
    expect(reminderTitle(r)).toBe('満足度の確認（中トロ・ご購入から30日）');
  });

  it('builds mailto and tel links with the draft encoded', () => {
    const r = reminder({});
    expect(mailtoLink(r, 'お誕生日', 'a&b')).toBe(
      'mailto:taro%40example.jp?subject=%E3%81%8A%E8%AA%95%E7%94%9F%E6%97%A5&body=a%26b',
    );
    expect(telLink(r)).toBe('tel:09012345678');
    const none = reminder({ customer: null });
    expect(mailtoLink(none, 'x', 'y')).toBeNull();
    expect(telLink(none)).toBeNull();
  });
});
