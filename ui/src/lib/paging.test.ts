import { describe, expect, it } from 'vitest';
import { KEPT_PAGES, PAGE_SIZE, keptRequests, keptRows, pagesToLoad, withPage } from './paging';

describe('list paging', () => {
  it('asks for the pages that cover the visible rows', () => {
    expect(pagesToLoad(0, 30, 1000, new Set())).toEqual([0]);
    expect(pagesToLoad(180, 260, 1000, new Set())).toEqual([100, 200]);
  });

  it('does not ask twice or past the end', () => {
    expect(pagesToLoad(180, 260, 1000, new Set([100]))).toEqual([200]);
    expect(pagesToLoad(950, 1100, 1000, new Set())).toEqual([900]);
    expect(pagesToLoad(0, 10, 0, new Set())).toEqual([]);
  });

  it('writes a page into its slots without touching the others', () => {
    const slots = new Array<string | undefined>(PAGE_SIZE * 2);
    const next = withPage(slots, PAGE_SIZE, ['a', 'b'], [0, slots.length]);
    expect(next[PAGE_SIZE]).toBe('a');
    expect(next[PAGE_SIZE + 1]).toBe('b');
    expect(next[0]).toBeUndefined();
    expect(slots[PAGE_SIZE]).toBeUndefined();
  });

  it('keeps only the pages near the rows on screen', () => {
    const total = 100_000;
    expect(keptRows(0, 12, total)).toEqual([0, (1 + KEPT_PAGES) * PAGE_SIZE]);
    expect(keptRows(50_030, 50_042, total)).toEqual([
      50_000 - KEPT_PAGES * PAGE_SIZE,
      50_000 + (1 + KEPT_PAGES) * PAGE_SIZE,
    ]);
    expect(keptRows(99_990, 99_999, total)).toEqual([99_900 - KEPT_PAGES * PAGE_SIZE, total]);
  });

  it('lets rows scrolled far away go, and asks for them again when they come back', () => {
    const total = 100_000;
    let slots = new Array<number | undefined>(total);
    let requested = new Set<number>();
    // Scrolled from the top to the middle, loading each page on the way.
    for (let offset = 0; offset <= 50_000; offset += PAGE_SIZE) {
      requested.add(offset);
      const rows = Array.from({ length: PAGE_SIZE }, (_, i) => offset + i);
      const kept = keptRows(offset, offset + 12, total);
      slots = withPage(slots, offset, rows, kept);
      requested = keptRequests(requested, kept);
    }
    const held = slots.filter((row) => row !== undefined).length;
    expect(held).toBe((1 + KEPT_PAGES) * PAGE_SIZE);
    expect(slots[50_000]).toBe(50_000);
    expect(slots[49_500]).toBe(49_500);
    expect(slots[0]).toBeUndefined();
    // Back at the top, the first page is asked for again.
    expect(pagesToLoad(0, 12, total, requested)).toEqual([0]);
    expect(pagesToLoad(50_000, 50_012, total, requested)).toEqual([]);
  });

  it('drops a page that arrives after the list scrolled away from it', () => {
    const slots = new Array<string | undefined>(PAGE_SIZE * 20);
    const next = withPage(slots, 0, ['a'], keptRows(1_500, 1_512, slots.length));
    expect(next[0]).toBeUndefined();
  });
});
