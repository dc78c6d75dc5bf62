// What the side-by-side of a merge shows for each field of two records:
// the labels, and a field's value as text (empty when the record has none,
// which the merge fills from the other record without asking).
import type { Address, Customer, CustomerProfile, MergeField } from './api/bindings';
import { t, type MessageKey } from '../i18n/index.svelte';
import { formatDay, formatPartialDate } from './format';

/** Every single-valued field, in the order of the customer form. */
export const MERGE_FIELDS: readonly MergeField[] = [
  'name',
  'reading',
  'company',
  'title',
  'birthday',
  'stage',
  'referred_by',
  'source',
  'met_how',
  'met_on',
  'likes',
  'notes',
  'topic',
  'preferred_channel',
  'message_language',
  'honorific',
  'cadence_days',
  'quiet_until',
];

export const FIELD_LABELS: Record<MergeField, MessageKey> = {
  name: 'merge.name',
  reading: 'merge.reading',
  company: 'form.company',
  title: 'form.title',
  birthday: 'form.birthday',
  stage: 'form.stage',
  referred_by: 'form.referredBy',
  source: 'form.source',
  met_how: 'form.metHow',
  met_on: 'form.metOn',
  likes: 'form.likes',
  notes: 'form.notes',
  topic: 'form.topic',
  preferred_channel: 'form.preferredChannel',
  message_language: 'form.messageLanguage',
  honorific: 'form.honorific',
  cadence_days: 'form.cadence',
  quiet_until: 'form.quietUntil',
};

const joined = (...parts: string[]) =>
  parts
    .map((p) => p.trim())
    .filter((p) => p !== '')
    .join(' ');

/** A field's value as the side-by-side shows it; '' when the record has none. */
export function fieldText(customer: Customer, field: MergeField): string {
  const p = customer.profile;
  switch (field) {
    case 'name':
      // As the record is shown elsewhere (Ken Takahashi, 高橋 健).
      return joined(p.family_name, p.given_name) === '' ? '' : customer.display_name;
    case 'reading':
      return joined(p.family_name_reading, p.given_name_reading);
    case 'company':
      return p.company.trim();
    case 'title':
      return p.title.trim();
    case 'birthday':
      return p.birthday === null ? '' : formatPartialDate(p.birthday);
    case 'stage':
      return t(`stage.${p.stage}`);
    case 'referred_by':
      return customer.referrer?.display_name ?? '';
    case 'source':
      return p.source === 'other' ? '' : t(`source.${p.source}`);
    case 'met_how':
      return p.met_how.trim();
    case 'met_on':
      return p.met_on === null ? '' : formatDay(p.met_on);
    case 'likes':
      return p.likes.trim();
    case 'notes':
      return p.notes.trim();
    case 'topic':
      return p.topic.trim();
    case 'preferred_channel':
      return p.preferred_channel === 'any' ? '' : t(`channel.${p.preferred_channel}`);
    case 'message_language':
      return p.message_language === null ? '' : t(`messageLanguage.${p.message_language}`);
    case 'honorific':
      return p.honorific.trim();
    case 'cadence_days':
      return p.cadence_days === null ? '' : t('merge.days', { count: p.cadence_days });
    case 'quiet_until':
      return p.quiet_until === null ? '' : formatDay(p.quiet_until);
  }
}

function addressText(a: Address): string {
  return joined(a.postal_code === '' ? '' : `〒${a.postal_code}`, `${a.region}${a.locality}${a.street}`, a.extended, a.country);
}

/** The lists a merge unites, as the side-by-side shows the result. */
export function unitedLists(p: CustomerProfile): { label: MessageKey; items: string[] }[] {
  const lists: { label: MessageKey; items: string[] }[] = [
    { label: 'form.phone', items: p.phones.map((x) => x.number) },
    { label: 'form.email', items: p.emails.map((x) => x.address) },
    { label: 'merge.addresses', items: p.addresses.map(addressText) },
    { label: 'merge.dates', items: p.important_dates.map((d) => joined(d.label, formatPartialDate(d.date))) },
    { label: 'merge.family', items: p.family_members.map((m) => joined(m.relation, m.name)) },
    { label: 'form.tags', items: [...p.tags] },
    { label: 'merge.extras', items: p.extras.map((e) => `${e.name}: ${e.value.slice(0, 80)}`) },
  ];
  return lists.filter((list) => list.items.length > 0);
}
