// How an address is written on a Japanese postcard (縦書き): numbers in
// kanji numerals, the hyphens of a 番地 as ー (which stands upright in a
// vertical line), the postal code's seven digits for the printed boxes.
import type { Address } from './api/bindings';

const KANJI_DIGITS = ['〇', '一', '二', '三', '四', '五', '六', '七', '八', '九'];

/** `1-2-3` → 一‐二‐三 (each digit as a kanji numeral, as addresses are
 * written vertically), full-width digits too. */
export function verticalText(text: string): string {
  return text.replace(/[0-9０-９]|[-‐－ー―]/g, (c) => {
    const code = c.charCodeAt(0);
    if (code >= 0x30 && code <= 0x39) return KANJI_DIGITS[code - 0x30] ?? c;
    if (code >= 0xff10 && code <= 0xff19) return KANJI_DIGITS[code - 0xff10] ?? c;
    return 'ー';
  });
}

/** The postal code's digits, for the seven boxes; `null` when not seven. */
export function postalDigits(code: string): string[] | null {
  const digits = [...code.normalize('NFKC')].filter((c) => c >= '0' && c <= '9');
  return digits.length === 7 ? digits : null;
}

/** Whether an address is Japanese (written vertically). */
export function isJapanese(address: Address): boolean {
  const country = address.country.trim().toLowerCase();
  return country === '' || ['日本', 'japan', 'jp', 'jpn', 'nippon'].includes(country);
}

/** The address's first line (都道府県・市区町村・番地) and its building. */
export function addressLines(address: Address): [string, string] {
  return [`${address.region}${address.locality}${address.street}`, address.extended];
}
