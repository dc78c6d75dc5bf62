// The customer list holds one slot per matching customer and fills the slots
// page by page as they scroll into view. Only the rows near the screen are
// held: scrolling through 100,000 customers would otherwise keep every row
// it passed, tens of megabytes of the web view's memory.

export const PAGE_SIZE = 100;

/** How many pages either side of those on screen stay loaded. */
export const KEPT_PAGES = 5;

/** The offset of the page that holds row `index`. */
export function pageOf(index: number): number {
  return Math.floor(index / PAGE_SIZE) * PAGE_SIZE;
}

/** The rows [start, end) kept while rows [first, last] are on screen. */
export function keptRows(first: number, last: number, total: number): [number, number] {
  const start = Math.max(0, pageOf(first) - KEPT_PAGES * PAGE_SIZE);
  const end = Math.min(total, pageOf(Math.max(first, last)) + (1 + KEPT_PAGES) * PAGE_SIZE);
  return [start, Math.max(start, end)];
}

/** Page offsets covering rows [first, last], skipping pages already asked for. */
export function pagesToLoad(first: number, last: number, total: number, requested: ReadonlySet<number>): number[] {
  if (total === 0 || last < first) return [];
  const start = Math.max(0, pageOf(first));
  const end = Math.min(total - 1, last);
  const pages: number[] = [];
  for (let offset = start; offset <= end; offset += PAGE_SIZE) {
    if (!requested.has(offset)) pages.push(offset);
  }
  return pages;
}

/**
 * A copy of `slots` with `rows` written from `offset`, holding only the
 * rows in `kept` ([start, end)); the others are let go and load again when
 * they come near the screen.
 */
export function withPage<T>(
  slots: readonly (T | undefined)[],
  offset: number,
  rows: readonly T[],
  kept: readonly [number, number],
): (T | undefined)[] {
  const [start, end] = kept;
  const next = new Array<T | undefined>(slots.length);
  for (let i = start; i < Math.min(end, slots.length); i++) next[i] = slots[i];
  rows.forEach((row, i) => {
    const at = offset + i;
    if (at >= start && at < end && at < next.length) next[at] = row;
  });
  return next;
}

/** The pages asked for that lie within `kept`; the others may be asked again. */
export function keptRequests(requested: ReadonlySet<number>, kept: readonly [number, number]): Set<number> {
  return new Set([...requested].filter((offset) => offset >= kept[0] && offset < kept[1]));
}
