/**
 * What rarely changes, cached per Zoho org for the whole process with a TTL: the Deals module id
 * (mandatory in link bodies), the Stage picklist's categories, and users' names. Keyed by the
 * org the credentials belong to, so pass-through callers of one org share it and callers of
 * different orgs never do. Concurrent misses share one call.
 *
 * A fleet shares it too (SharedCache, in Redis: src/fleet/cache.ts): a miss here asks the shared
 * cache before Zoho, and what Zoho answers is put there for the other replicas. The shared cache
 * is a help, never a need: when it fails the value comes from Zoho.
 *
 * Process-wide, unlike the per-request DataLoaders (src/loaders), whose caches end with their request.
 */
import type { ZohoRequester } from './types.ts';
import { getFields, getModules } from './api/metadata.ts';
import { getUser } from './api/users.ts';
import type { ZohoUser } from '../wire/index.ts';
import { stageCategories, type StageCategory } from '../domain/stage.ts';

type Entry<T> = { value: Promise<T>; expiresAt: number };

/** A cache of strings with lifetimes that other processes see too. */
export interface SharedCache {
  get(key: string): Promise<string | null>;
  set(key: string, value: string, ttlMs: number): Promise<void>;
}

/** How a cached value is written as a string, and read back. */
interface Codec<T> {
  write(v: T): string;
  read(s: string): T;
}

const JSON_CODEC: Codec<unknown> = { write: (v) => JSON.stringify(v), read: (s) => JSON.parse(s) as unknown };
const STAGES_CODEC: Codec<Map<string, StageCategory>> = {
  write: (m) => JSON.stringify([...m]),
  read: (s) => new Map(JSON.parse(s) as Array<[string, StageCategory]>),
};

export interface OrgCacheOptions {
  /** How long module ids and stage metadata are trusted. */
  metadataTtlMs?: number;
  /** How long a user's name is trusted. */
  userTtlMs?: number;
  /** Entries kept at most (users of all orgs together). */
  maxEntries?: number;
  now?: () => number;
  /** The fleet's cache, consulted on a miss before Zoho. */
  shared?: SharedCache | null;
}

export class OrgCache {
  private readonly entries = new Map<string, Entry<unknown>>();
  private readonly metadataTtlMs: number;
  private readonly userTtlMs: number;
  private readonly maxEntries: number;
  private readonly now: () => number;
  shared: SharedCache | null;

  constructor(opts: OrgCacheOptions = {}) {
    this.metadataTtlMs = opts.metadataTtlMs ?? 10 * 60_000;
    this.userTtlMs = opts.userTtlMs ?? 5 * 60_000;
    this.maxEntries = opts.maxEntries ?? 10_000;
    this.now = opts.now ?? Date.now;
    this.shared = opts.shared ?? null;
  }

  /** The id of the Deals module (`linked_record.module.id` in link bodies). */
  async dealsModuleId(zoho: ZohoRequester): Promise<string> {
    return this.get(
      zoho,
      'modules:Deals',
      this.metadataTtlMs,
      async () => {
        const deals = (await getModules(zoho)).find((m) => m.api_name === 'Deals');
        if (!deals?.id) throw new Error('Zoho lists no Deals module for this org');
        return deals.id;
      },
      JSON_CODEC as Codec<string>,
    );
  }

  /** Stage name → OPEN / CLOSED_WON / CLOSED_LOST, from the Stage picklist's forecast_type. */
  async stageCategories(zoho: ZohoRequester): Promise<Map<string, StageCategory>> {
    return this.get(
      zoho,
      'fields:Deals:Stage',
      this.metadataTtlMs,
      async () => {
        const stage = (await getFields(zoho, 'Deals')).find((f) => f.api_name === 'Stage');
        return stageCategories(stage?.pick_list_values ?? []);
      },
      STAGES_CODEC,
    );
  }

  /** A user by id, or null when Zoho has none. */
  async user(zoho: ZohoRequester, id: string): Promise<ZohoUser | null> {
    return this.get(zoho, `user:${id}`, this.userTtlMs, () => getUser(zoho, id), JSON_CODEC as Codec<ZohoUser | null>);
  }

  private async viaShared<T>(
    shared: SharedCache,
    key: string,
    ttlMs: number,
    load: () => Promise<T>,
    codec: Codec<T>,
  ): Promise<T> {
    const stored = await shared.get(key).catch(() => null);
    if (stored !== null) {
      try {
        return codec.read(stored);
      } catch {
        // Written by another version of the gateway: ask Zoho.
      }
    }
    const value = await load();
    await shared.set(key, codec.write(value), ttlMs).catch(() => undefined);
    return value;
  }

  clear(): void {
    this.entries.clear();
  }

  private async get<T>(
    zoho: ZohoRequester,
    key: string,
    ttlMs: number,
    load: () => Promise<T>,
    codec: Codec<T>,
  ): Promise<T> {
    const fullKey = `${await zoho.getOrgId()}:${key}`;
    const now = this.now();
    const hit = this.entries.get(fullKey);
    if (hit && hit.expiresAt > now) return hit.value as Promise<T>;
    const value = this.shared ? this.viaShared(this.shared, fullKey, ttlMs, load, codec) : load();
    this.entries.set(fullKey, { value, expiresAt: now + ttlMs });
    // A failure is not cached: the next caller asks again.
    value.catch(() => {
      if (this.entries.get(fullKey)?.value === value) this.entries.delete(fullKey);
    });
    if (this.entries.size > this.maxEntries) {
      const oldest = this.entries.keys().next().value;
      if (oldest !== undefined) this.entries.delete(oldest);
    }
    return value;
  }
}
