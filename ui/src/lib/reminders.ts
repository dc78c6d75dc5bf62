// How a reminder is named and sent: its title in the user's language, and
// the mailto:/tel: links its draft opens.
import type { Reminder } from './api/bindings';
import { t } from '../i18n/index.svelte';

/** Days from one `YYYY-MM-DD` to another. */
export function daysBetween(from: string, to: string): number {
  return Math.round((Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / 86_400_000);
}

/** What the reminder is for, in a few words: 「お誕生日まであと7日」. */
export function reminderTitle(r: Reminder): string {
  const lead = daysBetween(r.due_on, r.occasion_on);
  const subject = r.subject;
  switch (r.kind) {
    case 'birthday':
    case 'family_birthday':
    case 'important_date': {
      const what =
        r.kind === 'birthday'
          ? r.years === null
            ? t('reminder.birthday')
            : t('reminder.birthdayYears', { years: r.years })
          : r.kind === 'family_birthday'
            ? t('reminder.familyBirthday', { subject })
            : subject === ''
              ? t('reminder.importantDate')
              : subject;
      return lead > 0 ? t('reminder.lead', { what, count: lead }) : what;
    }
    case 'purchase_anniversary':
      return t('reminder.purchaseAnniversary', { count: r.years ?? 1 });
    case 'follow_up': {
      const step = r.follow_up === null || r.follow_up === 'custom' ? subject : t(`followUp.${r.follow_up}`);
      const days = daysBetween(r.occasion_on, r.due_on);
      return r.follow_up === 'custom' ? step : t('reminder.followUp', { step, item: subject, count: days });
    }
    case 'keep_in_touch':
      return t('reminder.keepInTouch', { count: daysBetween(r.occasion_on, r.due_on) });
    case 'referral_introduced':
      return t('reminder.referralIntroduced', { subject });
    case 'referral_bought':
      return t('reminder.referralBought', { subject });
    case 'custom':
      return subject;
  }
}

/** A mailto: link carrying the draft; `null` without an address. */
export function mailtoLink(r: Reminder, title: string, body: string): string | null {
  const address = r.customer?.email ?? '';
  if (address === '') return null;
  return `mailto:${encodeURIComponent(address)}?subject=${encodeURIComponent(title)}&body=${encodeURIComponent(body)}`;
}

/** A tel: link to the customer's first number; `null` without one. */
export function telLink(r: Reminder): string | null {
  const digits = (r.customer?.phone ?? '').normalize('NFKC').replace(/[^\d+]/g, '');
  return digits === '' ? null : `tel:${digits}`;
}
