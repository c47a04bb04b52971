/**
 * Relay connections over Zoho's email paging: 10 emails per call behind an opaque `index` cursor
 * (`info.next_index`), with no page size to choose. A GraphQL cursor is a position: the Zoho page
 * that holds the next email, how many of that page's emails to skip, and the key (message id) of
 * the last email returned.
 *
 * Zoho's index is keyset-like: a page that follows an index holds the same emails however much
 * mail arrives later. The first page has no index, and new mail pushes its emails down, so a
 * position inside it is found again by the key: resuming continues right after the last email
 * returned, wherever it now is on that page or the next, and only falls back to the skip when the
 * email is on neither (it left the list). So mail that arrives between two reads is neither
 * repeated nor skipped over.
 */

/** The largest `first` a client may ask for; documented on the connection fields. */
export const MAX_PAGE_SIZE = 100;
export const DEFAULT_PAGE_SIZE = 10;

export type Position = { index: string | null; skip: number; last?: string | null };

const CURSOR_PREFIX = 'c2:';
/** The cursor format without the key, which clients may still hold: accepted, resumed by the skip alone. */
const OLD_CURSOR_PREFIX = 'c1:';

export function encodeCursor(p: Position): string {
  return Buffer.from(CURSOR_PREFIX + JSON.stringify([p.index, p.skip, p.last ?? null]), 'utf8').toString('base64url');
}

export class InvalidCursorError extends Error {
  constructor() {
    super('The cursor is not one this API issued. Pass an endCursor or an edge cursor unchanged.');
  }
}

export function decodeCursor(cursor: string | null | undefined): Position {
  if (cursor == null || cursor === '') return { index: null, skip: 0, last: null };
  const text = Buffer.from(cursor, 'base64url').toString('utf8');
  const old = text.startsWith(OLD_CURSOR_PREFIX);
  if (!old && !text.startsWith(CURSOR_PREFIX)) throw new InvalidCursorError();
  let parsed: unknown;
  try {
    parsed = JSON.parse(text.slice(CURSOR_PREFIX.length));
  } catch {
    throw new InvalidCursorError();
  }
  if (
    !Array.isArray(parsed) ||
    parsed.length !== (old ? 2 : 3) ||
    !(parsed[0] === null || typeof parsed[0] === 'string') ||
    !Number.isInteger(parsed[1]) ||
    (parsed[1] as number) < 0 ||
    !(old || parsed[2] === null || typeof parsed[2] === 'string')
  ) {
    throw new InvalidCursorError();
  }
  return {
    index: parsed[0] as string | null,
    skip: parsed[1] as number,
    last: old ? null : (parsed[2] as string | null),
  };
}

export class InvalidPageSizeError extends Error {
  constructor(first: number) {
    super(`first must be between 1 and ${MAX_PAGE_SIZE}; got ${first}.`);
  }
}

export function checkPageSize(first: number | null | undefined): number {
  const n = first ?? DEFAULT_PAGE_SIZE;
  if (!Number.isInteger(n) || n < 1 || n > MAX_PAGE_SIZE) throw new InvalidPageSizeError(n);
  return n;
}

/**
 * Relay's PageInfo. These connections page forward only; `hasPreviousPage` says whether the page
 * starts past the beginning of the list, which a forward cursor knows for free.
 */
export type PageInfo = {
  hasNextPage: boolean;
  endCursor: string | null;
  hasPreviousPage: boolean;
  startCursor: string | null;
};

/** One Zoho page, as the page source returns it. */
export type Page<T> = { items: T[]; nextIndex: string | null; more: boolean };

export type Connection<T> = {
  edges: Array<{ cursor: string; node: T }>;
  pageInfo: PageInfo;
  /** Zoho pages read to build this connection. */
  pagesRead: number;
  /** True when the scan stopped at `maxPages` before it found `first` matches. */
  stoppedEarly: boolean;
};

/**
 * Reads Zoho pages from `after` on until it has `first` items that pass `accept`, or Zoho has no
 * more, or `maxPages` pages were read. Each edge's cursor points just past its item; at the end of
 * a page it points at the start of the next page, so resuming never re-reads a finished page.
 * With `keyOf`, a cursor also carries its item's key, and resuming finds the item again by it.
 */
export async function collectConnection<T>(opts: {
  first: number;
  after?: string | null;
  fetchPage: (index: string | null) => Promise<Page<T>>;
  accept?: (item: T) => boolean;
  maxPages?: number;
  keyOf?: (item: T) => string;
}): Promise<Connection<T>> {
  const { first, fetchPage, accept = () => true, maxPages = Infinity, keyOf } = opts;
  const start = decodeCursor(opts.after);
  let { index } = start;
  // A cursor past the very start of the list has emails before it.
  const hasPreviousPage = start.index !== null || start.skip > 0 || start.last != null;
  const edges: Connection<T>['edges'] = [];
  let pagesRead = 0;
  let hasNextPage: boolean;
  let stoppedEarly = false;
  let endCursor: string | null;
  const read = async (at: string | null) => {
    pagesRead += 1;
    return fetchPage(at);
  };

  // Where the first page to read starts: after the last item returned, found again by its key.
  let page: Page<T> | null = null;
  let skip = start.skip;
  if (start.last != null && keyOf && pagesRead < maxPages) {
    page = await read(index);
    const at = page.items.findIndex((item) => keyOf(item) === start.last);
    if (at >= 0) skip = at + 1;
    else if (page.more && page.nextIndex != null && pagesRead < maxPages) {
      // New mail pushed it onto the next page: everything before it was returned already, or arrived later.
      const next = await read(page.nextIndex);
      const there = next.items.findIndex((item) => keyOf(item) === start.last);
      if (there >= 0) {
        index = page.nextIndex;
        page = next;
        skip = there + 1;
      }
    }
  }

  for (;;) {
    if (!page) {
      if (pagesRead >= maxPages) {
        stoppedEarly = true;
        hasNextPage = true;
        endCursor = encodeCursor({ index, skip });
        break;
      }
      page = await read(index);
    }
    let k = skip;
    for (; k < page.items.length && edges.length < first; k++) {
      const item = page.items[k] as T;
      if (!accept(item)) continue;
      edges.push({ cursor: cursorAfter(page, index, k, keyOf), node: item });
    }
    // Skip past rejected items at the end of a page too, so the next call does not re-read them.
    const pageDone = k >= page.items.length;
    if (edges.length >= first) {
      const restOfPageMatches = page.items.slice(k).some(accept);
      hasNextPage = pageDone ? page.more : restOfPageMatches || page.more;
      endCursor = edges[edges.length - 1]?.cursor ?? null;
      break;
    }
    if (!page.more || page.nextIndex == null) {
      hasNextPage = false;
      endCursor = edges[edges.length - 1]?.cursor ?? null;
      break;
    }
    index = page.nextIndex;
    page = null;
    skip = 0;
  }
  const startCursor = edges[0]?.cursor ?? null;
  return { edges, pageInfo: { hasNextPage, endCursor, hasPreviousPage, startCursor }, pagesRead, stoppedEarly };
}

function cursorAfter<T>(page: Page<T>, index: string | null, k: number, keyOf?: (item: T) => string): string {
  if (k + 1 >= page.items.length && page.more && page.nextIndex != null) {
    return encodeCursor({ index: page.nextIndex, skip: 0 });
  }
  return encodeCursor({ index, skip: k + 1, last: keyOf ? keyOf(page.items[k] as T) : null });
}
