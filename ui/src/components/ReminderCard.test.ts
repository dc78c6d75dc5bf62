import { describe, expect, it, beforeEach, vi } from 'vitest';
import { cleanup, fireEvent, render } from '@testing-library/svelte';
import ReminderCard from './ReminderCard.svelte';
import type { Reminder, ReminderAction } from '../lib/api/bindings';
import { locale } from '../i18n/index.svelte';
import { dayInput } from '../lib/format';
import { app } from '../lib/state/app.svelte';

/** The local day `days` from now, `YYYY-MM-DD`. */
const fromNow = (days: number) => dayInput(new Date(Date.now() + days * 86_400_000));

/** A card offered until the end of the local day `days` from now. */
function lastDayIn(days: number): Pick<Reminder, 'expires_on' | 'offered_until'> {
  const day = new Date(Date.now() + days * 86_400_000);
  const end = new Date(day.getFullYear(), day.getMonth(), day.getDate() + 1);
  return { expires_on: fromNow(days), offered_until: end.getTime() / 1000 };
}

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
  expires_on: '2026-11-26',
  offered_until: 1_795_705_200,
  years: null,
  subject: '',
  follow_up: null,
  snoozed: false,
  headline: '今日はお誕生日',
  draft: '山田 太郎 様\nお誕生日おめでとうございます。',
  language: 'ja',
};

describe('reminder card', () => {
  beforeEach(() => {
    cleanup();
    locale.lang = 'ja';
  });

  it('shows the customer as text and offers no mail or call without an address or number', () => {
    const { getByTestId, queryByTestId } = render(ReminderCard, {
      props: { reminder, today: '2026-11-23', overdue: false, onact: () => Promise.resolve() },
    });
    expect(getByTestId('reminder-name').textContent).toBe('<b>山田</b> 太郎');
    expect(getByTestId('reminder-name').querySelector('b')).toBeNull();
    expect((getByTestId('draft') as HTMLTextAreaElement).value).toBe(reminder.draft);
    expect(queryByTestId('mail-draft')).toBeNull();
    expect(queryByTestId('call')).toBeNull();
  });

  it("shows the season's preparation as a note that opens the greetings page, and logs no touch when done", async () => {
    const season: Reminder = {
      ...reminder,
      key: 'season:new_year:2027',
      kind: 'season',
      customer: null,
      due_on: '2026-12-01',
      headline: '2027年の年賀状の準備',
      draft: '宛先を選び、喪中はがきを確かめて、12月25日までに投函しましょう。',
    };
    const acted: ReminderAction[] = [];
    const { getByTestId, queryByTestId } = render(ReminderCard, {
      props: {
        reminder: season,
        today: '2026-12-03',
        overdue: false,
        onact: (action: ReminderAction) => {
          acted.push(action);
          return Promise.resolve();
        },
      },
    });
    expect(getByTestId('season-note').textContent).toBe(season.draft);
    expect(queryByTestId('draft')).toBeNull();
    expect(queryByTestId('copy-draft')).toBeNull();
    expect(queryByTestId('reminder-name')).toBeNull();
    await fireEvent.click(getByTestId('open-greetings'));
    expect(app.view).toBe('greetings');
    app.view = 'today';
    await fireEvent.click(getByTestId('done'));
    expect(acted).toEqual([{ action: 'done', log: null }]);
  });

  it('snoozes for a day, skips, and logs a give when done', async () => {
    const onact = vi.fn<(action: ReminderAction, message: string) => Promise<void>>(() => Promise.resolve());
    const { getByTestId } = render(ReminderCard, {
      props: { reminder: { ...reminder, ...lastDayIn(3) }, today: '2026-11-23', overdue: true, onact },
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
    expect(onact.mock.calls[2]?.[0]).toEqual({ action: 'done', log: { kind: 'message', summary: '今日はお誕生日' } });
  });

  it('shows the headline the core wrote and, for a belated greeting, until when', () => {
    const late = { ...reminder, headline: 'お誕生日は2日前でした' };
    const { getByTestId } = render(ReminderCard, {
      props: { reminder: late, today: '2026-11-25', overdue: true, onact: () => Promise.resolve() },
    });
    expect(getByTestId('reminder-title').textContent).toBe('お誕生日は2日前でした');
    expect(getByTestId('belated-until').textContent).toContain('11月26日');
  });

  it('takes one click on Done while the first is on its way', async () => {
    let finish: () => void = () => undefined;
    const onact = vi.fn<(action: ReminderAction, message: string) => Promise<void>>(
      () => new Promise<void>((resolve) => (finish = resolve)),
    );
    const { getByTestId } = render(ReminderCard, {
      props: { reminder, today: '2026-11-23', overdue: false, onact },
    });
    await fireEvent.click(getByTestId('done'));
    await fireEvent.click(getByTestId('done'));
    expect(onact).toHaveBeenCalledTimes(1);
    expect((getByTestId('done') as HTMLButtonElement).disabled).toBe(true);
    finish();
  });

  it('offers no snooze past the last day a dated card is shown', async () => {
    const onact = vi.fn<(action: ReminderAction, message: string) => Promise<void>>(() => Promise.resolve());
    const lastToday = render(ReminderCard, {
      props: { reminder: { ...reminder, ...lastDayIn(0) }, today: fromNow(0), overdue: false, onact },
    });
    for (const id of ['snooze-day', 'snooze-week', 'snooze-date']) {
      const button = lastToday.getByTestId(id) as HTMLButtonElement;
      expect(button.disabled).toBe(true);
      expect(button.title).toContain('までの表示のため');
    }
    cleanup();

    const lastInTwoDays = render(ReminderCard, {
      props: { reminder: { ...reminder, ...lastDayIn(2) }, today: fromNow(0), overdue: false, onact },
    });
    expect((lastInTwoDays.getByTestId('snooze-day') as HTMLButtonElement).disabled).toBe(false);
    expect((lastInTwoDays.getByTestId('snooze-week') as HTMLButtonElement).disabled).toBe(true);
    await fireEvent.click(lastInTwoDays.getByTestId('snooze-date'));
    const picker = lastInTwoDays.getByTestId('snooze-until') as HTMLInputElement;
    expect(picker.max).toBe(fromNow(2));
    expect(picker.value).toBe(fromNow(2));
    await fireEvent.click(lastInTwoDays.getByTestId('snooze-week'));
    expect(onact).not.toHaveBeenCalled();
  });
});
