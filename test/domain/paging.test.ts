import { describe, expect, it } from 'vitest';
import {
  checkPageSize,
  collectConnection,
  decodeCursor,
  encodeCursor,
  InvalidCursorError,
  InvalidPageSizeError,
  type Page,
} from '../../src/domain/paging.ts';

/** Zoho-like paging over 0..n-1: 10 per page, the index being the page number as text. */
function zohoPages(n: number) {
  const reads: Array<string | null> = [];
  const fetchPage = async (index: string | null): Promise<Page<number>> => {
    reads.push(index);
    const p = index == null ? 0 : Number(index);
    const items = Array.from({ length: Math.max(0, Math.min(10, n - p * 10)) }, (_, i) => p * 10 + i);
    const more = (p + 1) * 10 < n;
    return { items, more, nextIndex: more ? String(p + 1) : null };
  };
  return { fetchPage, reads };
}

/**
 * A mailbox as Zoho pages it: newest first, 10 per page, the index naming the last item of the page
 * before (keyset), so that mail arriving on top pushes the first page down but no later page.
 */
function keysetMailbox(initial: number) {
  const items = Array.from({ length: initial }, (_, i) => `m${initial - 1 - i}`); // newest first
  let next = initial;
  const reads: Array<string | null> = [];
  return {
    reads,
    arrive(n: number) {
      for (let i = 0; i < n; i++) items.unshift(`m${next++}`);
    },
    fetchPage: async (index: string | null): Promise<Page<string>> => {
      reads.push(index);
      const from = index == null ? 0 : items.indexOf(index) + 1;
      const page = items.slice(from, from + 10);
      const more = from + 10 < items.length;
      return { items: page, more, nextIndex: more ? page[page.length - 1]! : null };
    },
    all: () => [...items],
  };
}

describe('resuming by key while mail arrives', () => {
  it('neither repeats nor skips when mail arrives between two reads inside the first page', async () => {
    const box = keysetMailbox(35);
    const before = box.all();
    const a = await collectConnection({ first: 4, fetchPage: box.fetchPage, keyOf: (m) => m });
    box.arrive(3);
    const b = await collectConnection({
      first: 8,
      after: a.pageInfo.endCursor,
      fetchPage: box.fetchPage,
      keyOf: (m) => m,
    });
    expect([...a.edges, ...b.edges].map((e) => e.node)).toEqual(before.slice(0, 12));
  });

  it('finds the last item on the next page when more mail arrived than the first page had left', async () => {
    const box = keysetMailbox(35);
    const before = box.all();
    const a = await collectConnection({ first: 7, fetchPage: box.fetchPage, keyOf: (m) => m });
    box.arrive(6); // item 7 of the old first page is now item 13: on page 2
    box.reads.length = 0;
    const b = await collectConnection({
      first: 5,
      after: a.pageInfo.endCursor,
      fetchPage: box.fetchPage,
      keyOf: (m) => m,
    });
    expect(b.edges.map((e) => e.node)).toEqual(before.slice(7, 12));
    expect(box.reads).toHaveLength(2);
  });

  it('resumes a later page exactly, however much mail arrives on top', async () => {
    const box = keysetMailbox(40);
    const before = box.all();
    const a = await collectConnection({ first: 15, fetchPage: box.fetchPage, keyOf: (m) => m });
    box.arrive(25);
    const b = await collectConnection({
      first: 15,
      after: a.pageInfo.endCursor,
      fetchPage: box.fetchPage,
      keyOf: (m) => m,
    });
    expect([...a.edges, ...b.edges].map((e) => e.node)).toEqual(before.slice(0, 30));
  });

  it('falls back to the skip when the last item left the list', async () => {
    const src = zohoPages(65);
    const a = await collectConnection({ first: 5, fetchPage: src.fetchPage, keyOf: (n) => `k${n}` });
    const cursor = decodeCursor(a.pageInfo.endCursor);
    expect(cursor).toEqual({ index: null, skip: 5, last: 'k4' });
    const gone = encodeCursor({ ...cursor, last: 'k-gone' });
    const b = await collectConnection({ first: 5, after: gone, fetchPage: src.fetchPage, keyOf: (n) => `k${n}` });
    expect(b.edges.map((e) => e.node)).toEqual([5, 6, 7, 8, 9]);
  });
});

describe('email connections over Zoho cursor pages', () => {
  it('chains three Zoho pages for first: 30', async () => {
    const src = zohoPages(65);
    const c = await collectConnection({ first: 30, fetchPage: src.fetchPage });
    expect(c.edges.map((e) => e.node)).toEqual(Array.from({ length: 30 }, (_, i) => i));
    expect(src.reads).toEqual([null, '1', '2']);
    expect(c.pageInfo.hasNextPage).toBe(true);
  });

  it('resumes mid-page from endCursor without losing or repeating an item', async () => {
    const src = zohoPages(65);
    const a = await collectConnection({ first: 15, fetchPage: src.fetchPage });
    const b = await collectConnection({ first: 15, after: a.pageInfo.endCursor, fetchPage: src.fetchPage });
    expect([...a.edges, ...b.edges].map((e) => e.node)).toEqual(Array.from({ length: 30 }, (_, i) => i));
    // The second call starts on page 1 (where item 15 is), not on page 0 again.
    expect(src.reads).toEqual([null, '1', '1', '2']);
  });

  it('an edge at the end of a page resumes at the next page, without re-reading', async () => {
    const src = zohoPages(65);
    const a = await collectConnection({ first: 10, fetchPage: src.fetchPage });
    expect(decodeCursor(a.pageInfo.endCursor)).toEqual({ index: '1', skip: 0, last: null });
  });

  it('says there is no next page at the end, and gives an empty page for an empty list', async () => {
    const all = await collectConnection({ first: 100, fetchPage: zohoPages(23).fetchPage });
    expect(all.edges).toHaveLength(23);
    expect(all.pageInfo.hasNextPage).toBe(false);
    const none = await collectConnection({ first: 10, fetchPage: zohoPages(0).fetchPage });
    expect(none.edges).toEqual([]);
    expect(none.pageInfo).toEqual({ hasNextPage: false, endCursor: null, hasPreviousPage: false, startCursor: null });
  });

  it("says where a page starts, and whether items come before it (Relay's hasPreviousPage)", async () => {
    const src = zohoPages(30);
    const first = await collectConnection({ first: 4, fetchPage: src.fetchPage });
    expect(first.pageInfo).toMatchObject({ hasPreviousPage: false, startCursor: first.edges[0]!.cursor });
    const next = await collectConnection({ first: 4, after: first.pageInfo.endCursor, fetchPage: src.fetchPage });
    expect(next.edges[0]!.node).toBe(4);
    expect(next.pageInfo).toMatchObject({ hasPreviousPage: true, startCursor: next.edges[0]!.cursor });
    // Past a page boundary too: the cursor then points at the start of the next Zoho page.
    const third = await collectConnection({ first: 2, after: first.edges[3]!.cursor, fetchPage: src.fetchPage });
    expect(third.pageInfo.hasPreviousPage).toBe(true);
    const page2 = await collectConnection({ first: 12, fetchPage: src.fetchPage });
    const fromPage2 = await collectConnection({ first: 2, after: page2.edges[9]!.cursor, fetchPage: src.fetchPage });
    expect(fromPage2.edges[0]!.node).toBe(10);
    expect(fromPage2.pageInfo.hasPreviousPage).toBe(true);
  });

  it('filters by scanning on until it has first matches, and stops at maxPages', async () => {
    const src = zohoPages(100);
    const odd7 = await collectConnection({ first: 3, fetchPage: src.fetchPage, accept: (n) => n % 7 === 0 });
    expect(odd7.edges.map((e) => e.node)).toEqual([0, 7, 14]);
    const capped = await collectConnection({
      first: 5,
      fetchPage: zohoPages(100).fetchPage,
      accept: (n) => n >= 95,
      maxPages: 3,
    });
    expect(capped.edges).toEqual([]);
    expect(capped.stoppedEarly).toBe(true);
    expect(capped.pageInfo.hasNextPage).toBe(true);
    // Resuming scans on from page 3 rather than starting over.
    expect(decodeCursor(capped.pageInfo.endCursor)).toEqual({ index: '3', skip: 0, last: null });
  });

  it('rejects cursors it did not issue and page sizes outside 1..100', () => {
    expect(() => decodeCursor('bm9wZQ')).toThrow(InvalidCursorError);
    const forged = (text: string) => Buffer.from(text, 'utf8').toString('base64url');
    expect(() => decodeCursor(forged('c2:[null,"x",3]'))).toThrow(InvalidCursorError);
    expect(() => decodeCursor(forged('c2:["x",2]'))).toThrow(InvalidCursorError);
    expect(() => decodeCursor(forged('c2:["x",2,7]'))).toThrow(InvalidCursorError);
    expect(() => decodeCursor(forged('c2:["x",-1,null]'))).toThrow(InvalidCursorError);
    // A cursor in the format without a key still reads, resumed by its skip.
    expect(decodeCursor(forged('c1:["x",2]'))).toEqual({ index: 'x', skip: 2, last: null });
    expect(decodeCursor(encodeCursor({ index: 'x', skip: 2, last: 'k' }))).toEqual({ index: 'x', skip: 2, last: 'k' });
    expect(checkPageSize(undefined)).toBe(10);
    expect(checkPageSize(100)).toBe(100);
    expect(() => checkPageSize(101)).toThrow(InvalidPageSizeError);
    expect(() => checkPageSize(0)).toThrow(InvalidPageSizeError);
  });
});
