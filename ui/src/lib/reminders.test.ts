import { describe, expect, it } from 'vitest';
import type { Reminder } from './api/bindings';
import { belatedUntil, mailtoLink, telLink } from './reminders';

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
    due_on: '2026-11-30',
    due_at: 0,
    occasion_on: '2026-11-30',
    expires_on: '2026-12-03',
    offered_until: 1_796_310_000,
    years: 46,
    subject: '',
    follow_up: null,
    snoozed: false,
    headline: '今日は46歳のお誕生日',
    draft: '山田 太郎 様\nお誕生日おめでとうございます。',
    language: 'ja',
    ...overrides,
  };
}

describe('reminders', () => {
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

  it('tells a belated greeting by its past occasion, and not a lead card or a touch that stays', () => {
    expect(belatedUntil(reminder({}), '2026-11-30')).toBeNull();
    expect(belatedUntil(reminder({}), '2026-12-02')).toBe('2026-12-03');
    const lead = reminder({ key: 'birthday:1:2026-11-30:lead', due_on: '2026-11-23', expires_on: '2026-11-29' });
    expect(belatedUntil(lead, '2026-11-28')).toBeNull();
    expect(belatedUntil(reminder({ kind: 'keep_in_touch', expires_on: null, occasion_on: '2026-01-01' }), '2026-12-02')).toBeNull();
  });
});
