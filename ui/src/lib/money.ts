// Money is integer minor units in the core (yen have none, dollars have
// cents); here it is formatted and read back for the user's currency.
import { intlTag } from '../i18n/index.svelte';

/** How many minor-unit digits a currency has (JPY 0, USD 2). */
export function minorDigits(currency: string): number {
  try {
    return new Intl.NumberFormat('en', { style: 'currency', currency }).resolvedOptions().maximumFractionDigits ?? 0;
  } catch {
    return 0;
  }
}

/** ¥12,800 / $128.00 from minor units. */
export function formatMoney(minor: number, currency: string): string {
  const digits = minorDigits(currency);
  try {
    return new Intl.NumberFormat(intlTag(), { style: 'currency', currency, maximumFractionDigits: digits }).format(
      minor / 10 ** digits,
    );
  } catch {
    return `${minor / 10 ** digits} ${currency}`;
  }
}

/** A short form for chart axes: ¥1.2M / 120万円. */
export function formatMoneyCompact(minor: number, currency: string): string {
  const digits = minorDigits(currency);
  try {
    return new Intl.NumberFormat(intlTag(), { style: 'currency', currency, notation: 'compact' }).format(
      minor / 10 ** digits,
    );
  } catch {
    return String(minor);
  }
}

/**
 * Reads an amount as typed ("12,800", "¥12800", "-5000", "１２８．５０")
 * into minor units, or null if it is not a number.
 */
export function parseMoney(text: string, currency: string): number | null {
  const cleaned = text
    .normalize('NFKC')
    .replace(/[\s,¥$€£円]/g, '')
    .replace(/^−/, '-');
  if (!/^-?\d+(\.\d+)?$/.test(cleaned)) return null;
  const digits = minorDigits(currency);
  const [whole = '0', fraction = ''] = cleaned.replace('-', '').split('.');
  if (fraction.length > digits) return null;
  const minor = Number(whole) * 10 ** digits + Number(fraction.padEnd(digits, '0') || '0');
  return cleaned.startsWith('-') ? -minor : minor;
}

/** Minor units back into the text a user would type. */
export function moneyInput(minor: number, currency: string): string {
  const digits = minorDigits(currency);
  return (minor / 10 ** digits).toFixed(digits);
}
