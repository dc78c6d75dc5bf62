// How a reminder is sent: the mailto:/tel: links its draft opens. What a
// reminder says (its headline) comes from the core, the same for the Today
// card, the notification and the calendar.
import type { Reminder } from './api/bindings';

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

/** A belated greeting's last day, when the reminder is one and it is past its occasion. */
export function belatedUntil(r: Reminder, today: string): string | null {
  return r.expires_on !== null && r.occasion_on < today && r.due_on >= r.occasion_on ? r.expires_on : null;
}
