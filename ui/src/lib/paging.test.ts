import { describe, expect, it } from 'vitest';
import { PAGE_SIZE, pagesToLoad, withPage } from './paging';

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
    const next = withPage(slots, PAGE_SIZE, ['a', 'b']);
    expect(next[PAGE_SIZE]).toBe('a');
    expect(next[PAGE_SIZE + 1]).toBe('b');
    expect(next[0]).toBeUndefined();
    expect(slots[PAGE_SIZE]).toBeUndefined();
  });
});
