/**
 * Reads shared between requests that use the same credentials (a client's own, or one
 * pass-through caller's: never across callers):
 *
 * - **in flight**: identical GETs sent while one is already on its way wait for its answer instead
 *   of making their own call (GATEWAY_READ_DEDUP, on by default). Fifty clients reading the same
 *   contact's first page at once cost one Zoho call, not fifty, and one slot of Zoho's limit;
 * - **cached**: an answer is kept for GATEWAY_READ_CACHE_MS (off by default), so that a hot read
 *   is served from memory for that long.
 *
 * The gateway's own writes invalidate what they touch (the contact's emails and their details,
 * and every deal's email list) at once, and a read that was in flight when a write went out is not
 * kept. Changes made outside the gateway (in Zoho's UI, by another integration) are seen once the
 * cache lifetime has passed: docs/cost.md. Reads whose result the truth of a reported outcome
 * depends on (read-backs: `fresh`) bypass both.
 */
import { LRUCache } from 'lru-cache';
import type { ZohoQuery, ZohoResponse } from './types.ts';

export interface ReadSharingSettings {
  dedup: boolean;
  /** How long an answer is kept; 0: not at all. */
  cacheMs: number;
  maxEntries?: number;
}

interface Entry {
  res: ZohoResponse<unknown>;
  tags: readonly string[];
}

/** The tag of every deal's email list: any email write may change which deal lists an email. */
const DEAL_EMAILS = 'Deals/*/Emails';

/** What a request reads or writes, as tags: `Contacts/<id>`, `Deals/<id>`, DEAL_EMAILS. */
export function tagsOf(req: { route: string; params?: Readonly<Record<string, string>>; query?: ZohoQuery }): string[] {
  const [module, second, third] = req.route.split('/').filter(Boolean);
  if (module !== 'Contacts' && module !== 'Deals') return [];
  const tags: string[] = [];
  if (second === '{id}' && req.params?.id) tags.push(`${module}/${req.params.id}`);
  else if (second === undefined && typeof req.query?.ids === 'string') {
    for (const id of req.query.ids.split(',')) tags.push(`${module}/${id}`);
  }
  if (third === 'Emails' || third === 'actions') tags.push(DEAL_EMAILS);
  return tags;
}

export class ReadSharing {
  readonly #s: ReadSharingSettings;
  readonly #inflight = new Map<string, { p: Promise<ZohoResponse<unknown>>; tags: readonly string[] }>();
  readonly #cache: LRUCache<string, Entry> | null;
  /** Bumped by every write: an answer to a read sent before it is not kept. */
  #generation = 0;
  #shared = 0;

  constructor(settings: ReadSharingSettings) {
    this.#s = settings;
    this.#cache =
      settings.cacheMs > 0
        ? new LRUCache<string, Entry>({ max: settings.maxEntries ?? 5_000, ttl: settings.cacheMs })
        : null;
  }

  /** Reads answered without a Zoho call of their own (joined or cached), since start. */
  get shared(): number {
    return this.#shared;
  }

  /**
   * The answer to the GET `key`: from the cache, from an identical call in flight, or from `load`.
   * `joined` says which; a joined answer is the same object as the first caller's.
   */
  async read<T>(
    key: string,
    tags: readonly string[],
    load: () => Promise<ZohoResponse<T>>,
  ): Promise<{ res: ZohoResponse<T>; joined: boolean }> {
    const hit = this.#cache?.get(key);
    if (hit) {
      this.#shared++;
      return { res: hit.res as ZohoResponse<T>, joined: true };
    }
    if (this.#s.dedup) {
      const flying = this.#inflight.get(key);
      if (flying) {
        this.#shared++;
        return { res: (await flying.p) as ZohoResponse<T>, joined: true };
      }
    }
    const generation = this.#generation;
    const p = load();
    if (this.#s.dedup) {
      this.#inflight.set(key, { p, tags });
      const done = () => {
        if (this.#inflight.get(key)?.p === p) this.#inflight.delete(key);
      };
      p.then(done, done);
    }
    const res = await p;
    if (this.#cache && generation === this.#generation) this.#cache.set(key, { res, tags });
    return { res, joined: false };
  }

  /** A write is going out (or went out): forget what it may change. */
  wrote(tags: readonly string[]): void {
    this.#generation++;
    if (tags.length === 0) return;
    const touched = (entryTags: readonly string[]) => entryTags.some((t) => tags.includes(t));
    for (const [key, f] of this.#inflight) if (touched(f.tags)) this.#inflight.delete(key);
    if (this.#cache) for (const [key, e] of this.#cache.entries()) if (touched(e.tags)) this.#cache.delete(key);
  }
}
