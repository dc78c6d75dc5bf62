// How an address is written on a Japanese postcard (縦書き): numbers in
// kanji numerals, the hyphens of a 番地 as ー (which stands upright in a
// vertical line), the postal code's seven digits for the printed boxes;
// and the paper each print layout goes on.
import type { Address, PrintLayout } from './api/bindings';

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

/** `1500001` → `150-0001`, as written across; as given when not seven digits. */
export function postalCodeText(code: string): string {
  const digits = postalDigits(code);
  return digits === null ? code : `${digits.slice(0, 3).join('')}-${digits.slice(3).join('')}`;
}

/** The address's first line (都道府県・市区町村・番地) and its building. */
export function addressLines(address: Address): [string, string] {
  return [`${address.region}${address.locality}${address.street}`, address.extended];
}

/** Labels on one A4 sheet: 2 across, 6 down. */
export const LABELS_PER_SHEET = 12;

/** The rows in sheets of `per`. */
export function sheetsOf<T>(rows: T[], per = LABELS_PER_SHEET): T[][] {
  const sheets: T[][] = [];
  for (let i = 0; i < rows.length; i += per) sheets.push(rows.slice(i, i + per));
  return sheets;
}

/** The pages a layout prints for this many cards. */
export function pageCount(layout: PrintLayout, cards: number): number {
  return layout === 'postcard' ? cards : Math.ceil(cards / LABELS_PER_SHEET);
}

/** The CSS paper size of each layout (the PDF's is the core's `paper_mm`). */
const PAPER: Record<PrintLayout, string> = { postcard: '100mm 148mm', labels: '210mm 297mm' };

let paper: CSSStyleSheet | null = null;

/** Prints on the layout's paper: the page's `@page` rule, kept in a sheet
 * of its own (a constructed one: the CSP allows no inline style). */
export function usePaper(layout: PrintLayout): void {
  if (typeof CSSStyleSheet === 'undefined' || !('adoptedStyleSheets' in document)) return;
  paper ??= new CSSStyleSheet();
  paper.replaceSync(`@page { size: ${PAPER[layout]}; margin: 0; }`);
  if (!document.adoptedStyleSheets.includes(paper)) {
    document.adoptedStyleSheets = [...document.adoptedStyleSheets, paper];
  }
}
