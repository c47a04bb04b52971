/**
 * What every StateStore must do (src/state/types.ts), as one suite that each implementation runs:
 * test/state/sqlite.test.ts and test/state/redis.test.ts.
 */
import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { JournalEntry, OperationRecord, StateStore } from '../../src/state/types.ts';

const NOW = 1_700_000_000_000;

export function op(over: Partial<OperationRecord> = {}): OperationRecord {
  return {
    id: randomUUID(),
    scope: 'key:abc',
    mutation: 'moveEmailsToDeal',
    key: `k-${randomUUID()}`,
    fingerprint: 'f1',
    state: 'running',
    owner: 'proc-a',
    leaseUntil: NOW + 15_000,
    renewedAt: NOW,
    createdAt: NOW,
    expiresAt: NOW + 86_400_000,
    input: { dealId: '2', emails: [{ contactId: '1', messageId: 'm1' }] },
    result: null,
    ...over,
  };
}

export function entry(opId: string, seq: number, over: Partial<JournalEntry> = {}): JournalEntry {
  return {
    opId,
    seq,
    contactId: '1',
    messageId: `m${seq}`,
    ownerId: '9',
    ownerName: 'Owner',
    previousDealId: '3',
    previousDealName: 'Previous',
    targetDealId: '2',
    targetDealName: 'Target',
    moduleId: '7',
    state: 'pending',
    result: null,
    ...over,
  };
}

/** `make` gives a fresh, empty store for each test; `end` disposes of it. */
export function describeStateStore(name: string, make: () => Promise<StateStore>): void {
  describe(`the ${name} state store`, () => {
    const withStore = (fn: (s: StateStore) => Promise<void>) => async () => {
      const s = await make();
      try {
        await fn(s);
      } finally {
        await s.close();
      }
    };

    it(
      'claims a key once: a second claim of the same scope, mutation and key answers the first',
      withStore(async (s) => {
        const first = op();
        expect(await s.claim(first)).toEqual({ claimed: true });
        const again = await s.claim({ ...op(), key: first.key, fingerprint: 'other' });
        expect(again.claimed).toBe(false);
        expect(!again.claimed && again.existing).toMatchObject({ id: first.id, fingerprint: 'f1', state: 'running' });
        // Another scope, or another mutation, is another key.
        expect(await s.claim({ ...op(), key: first.key, scope: 'key:other' })).toEqual({ claimed: true });
        expect(await s.claim({ ...op(), key: first.key, mutation: 'linkEmailsToDeal' })).toEqual({ claimed: true });
      }),
    );

    it(
      'claims concurrently with one winner',
      withStore(async (s) => {
        const key = 'race';
        const results = await Promise.all(Array.from({ length: 20 }, () => s.claim(op({ key }))));
        expect(results.filter((r) => r.claimed)).toHaveLength(1);
      }),
    );

    it(
      'lets an expired key be claimed again, and always inserts operations without a key',
      withStore(async (s) => {
        const old = op({ key: 'k', expiresAt: NOW + 10 });
        await s.claim(old);
        expect(await s.claim(op({ key: 'k', createdAt: NOW + 9 }))).toMatchObject({ claimed: false });
        // A key expires at its expiresAt: from that instant on it is free.
        expect(await s.claim(op({ key: 'k', createdAt: NOW + 10 }))).toEqual({ claimed: true });
        expect(await s.claim(op({ key: null }))).toEqual({ claimed: true });
        expect(await s.claim(op({ key: null }))).toEqual({ claimed: true });
      }),
    );

    it(
      'keeps the input and the result as JSON, and finishing makes it done',
      withStore(async (s) => {
        const o = op();
        await s.claim(o);
        expect((await s.get(o.id))?.input).toEqual(o.input);
        await s.finish(o.id, { results: [{ status: 'SUCCEEDED' }] }, NOW + 1_000, NOW + 5);
        expect(await s.get(o.id)).toMatchObject({
          state: 'done',
          result: { results: [{ status: 'SUCCEEDED' }] },
          expiresAt: NOW + 1_000,
          renewedAt: NOW + 5,
        });
        expect(await s.get(randomUUID())).toBeNull();
      }),
    );

    it(
      "renews an owner's running operations only, and takes one over only from its owner",
      withStore(async (s) => {
        const a = op({ owner: 'proc-a' });
        const b = op({ owner: 'proc-b' });
        const done = op({ owner: 'proc-a' });
        for (const o of [a, b, done]) await s.claim(o);
        await s.finish(done.id, {}, NOW + 1_000, NOW);
        expect(await s.renew('proc-a', NOW + 30_000, NOW + 1)).toBe(1);
        expect((await s.get(a.id))?.leaseUntil).toBe(NOW + 30_000);
        expect((await s.get(b.id))?.leaseUntil).toBe(NOW + 15_000);
        expect(await s.takeOver(b.id, 'proc-a', 'proc-c', NOW + 40_000, NOW + 2)).toBe(false);
        expect(await s.takeOver(b.id, 'proc-b', 'proc-c', NOW + 40_000, NOW + 2)).toBe(true);
        expect(await s.get(b.id)).toMatchObject({ owner: 'proc-c', leaseUntil: NOW + 40_000, renewedAt: NOW + 2 });
      }),
    );

    it(
      'finds what may need repair: running operations past their lease, and done ones with pending entries',
      withStore(async (s) => {
        const live = op({ leaseUntil: NOW + 15_000 });
        const dead = op({ leaseUntil: NOW - 1 });
        const doneClean = op();
        const donePending = op();
        for (const o of [live, dead, doneClean, donePending]) await s.claim(o);
        await s.journal([entry(doneClean.id, 0, { state: 'done' }), entry(donePending.id, 0)]);
        await s.finish(doneClean.id, {}, NOW + 1_000, NOW);
        await s.finish(donePending.id, {}, NOW + 1_000, NOW);
        const ids = (await s.findRecoverable(NOW)).map((o) => o.id).sort();
        expect(ids).toEqual([dead.id, donePending.id].sort());
        expect((await s.findRunningInScope(live.scope)).map((o) => o.id).sort()).toEqual([live.id, dead.id].sort());
      }),
    );

    it(
      'journals entries in order, and settles them one by one',
      withStore(async (s) => {
        const o = op();
        await s.claim(o);
        await s.journal([entry(o.id, 1), entry(o.id, 0)]);
        await s.settle(o.id, 1, 'done', { status: 'SUCCEEDED' });
        const entries = await s.entries(o.id);
        expect(entries.map((e) => [e.seq, e.state, e.result])).toEqual([
          [0, 'pending', null],
          [1, 'done', { status: 'SUCCEEDED' }],
        ]);
        expect(entries[0]).toMatchObject({ previousDealId: '3', targetDealId: '2', ownerName: 'Owner', moduleId: '7' });
      }),
    );

    it(
      'purges the settled journals of finished operations, expired operations, and unkeyed moves all settled',
      withStore(async (s) => {
        const keyed = op();
        const unkeyed = op({ key: null });
        const expired = op({ expiresAt: NOW + 10 });
        const running = op();
        for (const o of [keyed, unkeyed, expired, running]) await s.claim(o);
        await s.journal([
          entry(keyed.id, 0, { state: 'done' }),
          entry(unkeyed.id, 0, { state: 'done' }),
          entry(running.id, 0),
        ]);
        await s.finish(keyed.id, {}, NOW + 1_000, NOW);
        await s.finish(unkeyed.id, {}, NOW + 1_000, NOW);
        await s.finish(expired.id, {}, NOW + 10, NOW);
        expect(await s.purge(NOW + 100)).toBeGreaterThan(0);
        expect(await s.get(keyed.id)).not.toBeNull();
        expect(await s.entries(keyed.id)).toEqual([]);
        expect(await s.get(unkeyed.id)).toBeNull();
        expect(await s.get(expired.id)).toBeNull();
        expect(await s.entries(running.id)).toHaveLength(1);
        const stats = await s.stats();
        expect(stats).toMatchObject({ operations: 2, runningOperations: 1, journalEntries: 1, pendingEntries: 1 });
      }),
    );
  });
}
