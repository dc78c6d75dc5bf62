// The interface language and message lookup. Svelte tracks `locale`, so
// everything that calls t() re-renders when the language changes.
import { en } from './en';
import { ja } from './ja';

export type MessageKey = keyof typeof ja;
export type Messages = Record<MessageKey, string>;
export type Lang = 'ja' | 'en';
export type Params = Record<string, string | number>;

const dictionaries: Record<Lang, Messages> = { ja, en };

/** The OS locale as the webview reports it; Japanese unless clearly not. */
export function systemLang(): Lang {
  const tags = typeof navigator === 'undefined' ? [] : [...(navigator.languages ?? []), navigator.language];
  const first = tags.find((tag) => typeof tag === 'string' && tag.length > 0);
  return first === undefined || first.toLowerCase().startsWith('ja') ? 'ja' : 'en';
}

export const locale = $state<{ lang: Lang; japaneseEra: boolean }>({
  lang: systemLang(),
  japaneseEra: false,
});

/** Whether a key names a message (for keys built from data). */
export function hasMessage(key: string): key is MessageKey {
  return key in ja;
}

/** BCP 47 tag for Intl formatting in the current language. */
export function intlTag(): string {
  return locale.lang === 'ja' ? 'ja-JP' : 'en-US';
}

/**
 * Looks a message up and fills its {placeholders}. A message written
 * `one|other` picks its plural form from `params.count`; numbers are
 * formatted for the language (1,234).
 */
export function t(key: MessageKey, params?: Params): string {
  let message: string = dictionaries[locale.lang][key] ?? ja[key];
  if (message.includes('|') && typeof params?.count === 'number') {
    const [one, other] = message.split('|');
    const form = new Intl.PluralRules(intlTag()).select(params.count);
    message = (form === 'one' ? one : other) ?? message;
  }
  if (params === undefined) return message;
  return message.replace(/\{(\w+)\}/g, (whole, name: string) => {
    const value = params[name];
    if (value === undefined) return whole;
    return typeof value === 'number' ? value.toLocaleString(intlTag()) : value;
  });
}
