/**
 * Per-request DataLoaders over the Zoho client. Built in the GraphQL context for each request, so
 * their caches live exactly as long as the request.
 *
 * Every batch function keeps DataLoader's contract: one value or Error per key, in key order,
 * looked up through a Map. Writes (link, unlink) go through loaders too: all items a request
 * sends in the same tick are coalesced, grouped by contact (and owner, for unlink) and chunked to
 * Zoho's per-call limits; calls for different contacts run concurrently within the client's
 * concurrency budget.
 */
import DataLoader from 'dataloader';
import {
  chunkIds,
  chunkLinkItems,
  chunkUnlinkIds,
  getContactDeals,
  getEmail,
  getRecords,
  linkEmails,
  listEmails,
  unlinkEmails,
  type EmailPage,
  type EmailParentModule,
  ZohoError,
  type LinkItemOutcome,
  type ZohoRequester,
} from '../zoho/index.ts';
import type { ZohoContact, ZohoDeal, ZohoEmailDetail, ZohoEmailListType, ZohoLinkItem } from '../wire/index.ts';
import { groupBy } from '../domain/link-plan.ts';
import { CONTACT_FIELDS, DEAL_FIELDS } from './fields.ts';

export type EmailPageKey = {
  module: EmailParentModule;
  recordId: string;
  type?: ZohoEmailListType;
  index: string | null;
};
export type EmailDetailKey = { module: EmailParentModule; recordId: string; messageId: string };
export type LinkWrite = {
  contactId: string;
  item: ZohoLinkItem & { message_id: string };
  /** A restore: sent whatever the request's deadline and call limit (ZohoRequest.essential). */
  essential?: boolean;
};
export type UnlinkWrite = { contactId: string; ownerId: string; messageId: string };

export interface Loaders {
  contacts: DataLoader<string, ZohoContact | null>;
  deals: DataLoader<string, ZohoDeal | null>;
  contactDeals: DataLoader<string, ZohoDeal[]>;
  emailPages: DataLoader<EmailPageKey, EmailPage, string>;
  emailDetails: DataLoader<EmailDetailKey, ZohoEmailDetail | null, string>;
  links: DataLoader<LinkWrite, LinkItemOutcome, string>;
  unlinks: DataLoader<UnlinkWrite, LinkItemOutcome, string>;
}

export interface LoaderOptions {
  /**
   * Batching and write coalescing. On in production; the benchmark's `unbatched` variant turns it
   * off to measure the naive one-call-per-field resolver that most teams write first.
   */
  batch: boolean;
  /** Observability: called with each batch's size (the gateway's metrics). */
  onBatch?: (loader: keyof Loaders, size: number) => void;
}

const toError = (e: unknown): Error => (e instanceof Error ? e : new Error(String(e)));

/** Runs `load` once per key concurrently; a failure fails its own key only. */
function eachKey<K, V>(load: (key: K) => Promise<V>) {
  return (keys: readonly K[]): Promise<Array<V | Error>> => Promise.all(keys.map((k) => load(k).catch(toError)));
}

export function createLoaders(zoho: ZohoRequester, options: LoaderOptions = { batch: true }): Loaders {
  const batch = options.batch;
  const onBatch = options.onBatch;
  const seen = <K, V>(loader: keyof Loaders, fn: DataLoader.BatchLoadFn<K, V>): DataLoader.BatchLoadFn<K, V> =>
    onBatch ? (keys) => (onBatch(loader, keys.length), fn(keys)) : fn;
  const readOpts = <K, V, C = K>(max: number, cacheKeyFn?: (k: K) => C): DataLoader.Options<K, V, C> => ({
    maxBatchSize: batch ? max : 1,
    cache: batch,
    ...(cacheKeyFn ? { cacheKeyFn } : {}),
  });

  const records =
    <R extends { id: string }>(module: 'Contacts' | 'Deals', fields: readonly string[]) =>
    async (ids: readonly string[]): Promise<Array<R | null | Error>> => {
      const byId = new Map<string, R | Error>();
      await Promise.all(
        chunkIds([...new Set(ids)]).map(async (chunk) => {
          try {
            for (const r of await getRecords<R & Record<string, unknown>>(zoho, module, chunk, fields))
              byId.set(r.id, r);
          } catch (e) {
            for (const id of chunk) byId.set(id, toError(e));
          }
        }),
      );
      return ids.map((id) => byId.get(id) ?? null);
    };

  return {
    contacts: new DataLoader(seen('contacts', records<ZohoContact>('Contacts', CONTACT_FIELDS)), readOpts(100)),
    deals: new DataLoader(seen('deals', records<ZohoDeal>('Deals', DEAL_FIELDS)), readOpts(100)),
    contactDeals: new DataLoader(
      seen(
        'contactDeals',
        eachKey((contactId: string) => getContactDeals<ZohoDeal>(zoho, contactId, DEAL_FIELDS)),
      ),
      readOpts(50),
    ),
    emailPages: new DataLoader(
      seen(
        'emailPages',
        eachKey((k: EmailPageKey) =>
          listEmails(zoho, {
            module: k.module,
            recordId: k.recordId,
            ...(k.type ? { type: k.type } : {}),
            ...(k.index ? { index: k.index } : {}),
          }),
        ),
      ),
      readOpts(50, (k) => `${k.module}/${k.recordId}/${k.type ?? ''}/${k.index ?? ''}`),
    ),
    emailDetails: new DataLoader(
      seen(
        'emailDetails',
        eachKey((k: EmailDetailKey) => getEmail(zoho, k)),
      ),
      readOpts(50, (k) => `${k.module}/${k.recordId}/${k.messageId}`),
    ),
    links: new DataLoader(seen('links', linkBatch(zoho)), {
      cache: false,
      maxBatchSize: batch ? Infinity : 1,
    }),
    unlinks: new DataLoader(seen('unlinks', unlinkBatch(zoho)), {
      cache: false,
      maxBatchSize: batch ? Infinity : 1,
    }),
  };
}

/**
 * The outcome of a write whose call failed in a way the client does not describe (a bug in the
 * gateway, not an answer from Zoho): the write may have gone out, so it is unclear, never refused.
 */
function internalOutcome(messageId: string, e: unknown): LinkItemOutcome {
  const error = new ZohoError({
    kind: 'unknown_result',
    code: 'INTERNAL',
    message: `the gateway failed while writing this item (${e instanceof Error ? e.name : 'error'})`,
    phase: 'no_answer',
  });
  return { kind: 'unclear', messageId, error, unansweredAt: null };
}

/** Link writes: grouped by contact, 20 items per call, every call concurrently. Never rejects. */
function linkBatch(zoho: ZohoRequester) {
  return async (writes: readonly LinkWrite[]): Promise<LinkItemOutcome[]> => {
    const results = new Map<LinkWrite, LinkItemOutcome>();
    const calls: Array<Promise<void>> = [];
    // Restores go in calls of their own, which nothing may hold back.
    for (const group of groupBy(writes, (w) => `${w.contactId}/${w.essential ? 'essential' : ''}`).values()) {
      const { contactId, essential } = group[0]!;
      for (const chunk of chunkLinkItems(group.map((w) => ({ ...w.item, write: w })))) {
        calls.push(
          linkEmails(
            zoho,
            contactId,
            chunk.map(({ write: _w, ...item }) => item),
            essential ? { essential: true } : {},
          ).then(
            (outcomes) => chunk.forEach((c, i) => results.set(c.write, outcomes[i]!)),
            (e: unknown) => chunk.forEach((c) => results.set(c.write, internalOutcome(c.write.item.message_id, e))),
          ),
        );
      }
    }
    await Promise.all(calls);
    return writes.map((w) => results.get(w) ?? internalOutcome(w.item.message_id, null));
  };
}

/** Unlink writes: grouped by contact and owner, 20 ids and 2000 characters per call. Never rejects. */
function unlinkBatch(zoho: ZohoRequester) {
  return async (writes: readonly UnlinkWrite[]): Promise<LinkItemOutcome[]> => {
    const results = new Map<string, LinkItemOutcome>();
    const key = (contactId: string, ownerId: string, messageId: string) => `${contactId}/${ownerId}/${messageId}`;
    const calls: Array<Promise<void>> = [];
    for (const group of groupBy(writes, (w) => `${w.contactId}/${w.ownerId}`).values()) {
      const { contactId, ownerId } = group[0]!;
      const ids = [...new Set(group.map((w) => w.messageId))];
      for (const chunk of chunkUnlinkIds(ids)) {
        calls.push(
          unlinkEmails(zoho, contactId, ownerId, chunk).then(
            (outcomes) => chunk.forEach((id, i) => results.set(key(contactId, ownerId, id), outcomes[i]!)),
            (e: unknown) => chunk.forEach((id) => results.set(key(contactId, ownerId, id), internalOutcome(id, e))),
          ),
        );
      }
    }
    await Promise.all(calls);
    return writes.map(
      (w) => results.get(key(w.contactId, w.ownerId, w.messageId)) ?? internalOutcome(w.messageId, null),
    );
  };
}
