// The customer list holds one slot per matching customer and fills the slots
// page by page as they scroll into view.

export const PAGE_SIZE = 100;

/** Page offsets covering rows [first, last], skipping pages already asked for. */
export function pagesToLoad(first: number, last: number, total: number, requested: ReadonlySet<number>): number[] {
  if (total === 0 || last < first) return [];
  const start = Math.max(0, Math.floor(first / PAGE_SIZE) * PAGE_SIZE);
  const end = Math.min(total - 1, last);
  const pages: number[] = [];
  for (let offset = start; offset <= end; offset += PAGE_SIZE) {
    if (!requested.has(offset)) pages.push(offset);
  }
  return pages;
}

/** A copy of `slots` with `rows` written from `offset`. */
export function withPage<T>(slots: readonly (T | undefined)[], offset: number, rows: readonly T[]): (T | undefined)[] {
  const next = slots.slice();
  rows.forEach((row, i) => {
    if (offset + i < next.length) next[offset + i] = row;
  });
  return next;
}
