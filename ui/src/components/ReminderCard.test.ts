import { describe, expect, it, beforeEach, vi } from 'vitest';
import { cleanup, fireEvent, render } from '@testing-library/svelte';
import ReminderCard from './ReminderCard.svelte';
import type { Reminder, ReminderAction } from '../lib/api/bindings';
import { locale } from '../i18n/index.svelte';

const reminder: Reminder = {
  key: 'birthday:7:2026-11-23',
  kind: 'birthday',
  customer: {
    id: 7,
    display_name: '<b>山田</b> 太郎',
    stage: 'client',
    last_touch_at: null,
    phone: '',
    email: '',
  },
  due_on: '2026-11-23',
  due_at: 0,
  occasion_on: '2026-11-23',
  years: null,
  subject: '',
  follow_up: null,
  snoozed: false,
  draft: '山田 太郎 様\nお誕生日おめでとうございます。',
};

describe('reminder card', () => {
  beforeEach(() => {
    cleanup();
    locale.lang = 'ja';
  });

  it('shows the customer as text and offers no mail or call without an address or number', () => {
    const { getByTestId, queryByTestId } = render(ReminderCard, {
      props: { reminder, title: 'お誕生日', overdue: false, onact: () => undefined },
    });
    expect(getByTestId('reminder-name').textContent).toBe('<b>山田</b> 太郎');
    expect(getByTestId('reminder-name').querySelector('b')).toBeNull();
    expect((getByTestId('draft') as HTMLTextAreaElement).value).toBe(reminder.draft);
    expect(queryByTestId('mail-draft')).toBeNull();
    expect(queryByTestId('call')).toBeNull();
  });

  it('snoozes for a day, skips, and logs a give when done', async () => {
    const onact = vi.fn<(action: ReminderAction, message: string) => void>();
    const { getByTestId } = render(ReminderCard, {
      props: { reminder, title: 'お誕生日', overdue: true, onact },
    });
    const before = Math.floor(Date.now() / 1000);
    await fireEvent.click(getByTestId('snooze-day'));
    const snooze = onact.mock.calls[0]?.[0];
    expect(snooze?.action).toBe('snooze');
    if (snooze?.action === 'snooze') {
      expect(snooze.until - before).toBeGreaterThanOrEqual(86_400);
      expect(snooze.until - before).toBeLessThan(86_400 + 5);
    }
    await fireEvent.click(getByTestId('skip'));
    expect(onact.mock.calls[1]?.[0]).toEqual({ action: 'skip' });
    await fireEvent.click(getByTestId('done'));
    expect(onact.mock.calls[2]?.[0]).toEqual({ action: 'done', log: { kind: 'message', summary: 'お誕生日' } });
  });
});
