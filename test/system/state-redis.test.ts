/**
 * The Redis state store against a real redis-server: the shared contract, the same behaviour as
 * the SQLite store under random sequences of calls, claims raced from two connections (as from two
 * replicas), a Redis restart with and without AOF, Redis down or stalled, and the persistence
 * check. Skips, saying why, when redis-server is not installed.
 */
import { randomUUID } from 'node:crypto';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectRedis, type RedisConnection } from '../../src/fleet/redis.ts';
import { RedisStateStore } from '../../src/state/redis.ts';
import { SqliteStateStore } from '../../src/state/sqlite.ts';
import type { OperationRecord, StateStore } from '../../src/state/types.ts';
import { hasRedis, REDIS_MISSING, startRedis, type TestRedis } from '../support/redis.ts';
import { describeStateStore, entry, op } from '../state/contract.ts';

if (!hasRedis) console.warn(REDIS_MISSING);

const NOW = 1_700_000_000_000;

async function until(ok: () => boolean | Promise<boolean>, what: string): Promise<void> {
  for (let i = 0; i < 500; i++) {
    if (await ok()) return;
    await new Promise((r) => setTimeout(r, 20));
  }
  throw new Error(`gave up waiting: ${what}`);
}

async function connect(url: string, prefix = 'zgw:'): Promise<RedisConnection> {
  const c = connectRedis({ url, keyPrefix: prefix });
  await until(() => c.up(), 'Redis connected');
  return c;
}

/** A store under a prefix of its own, on a shared connection: tests never see each other's keys. */
const storeOn = (c: RedisConnection, prefix = `test:${randomUUID()}:`) =>
  new RedisStateStore({ ...c, prefix, close: async () => undefined });

/** The keys a store left in Redis (SCAN is fine in a test; the store itself never scans). */
async function keysOf(c: RedisConnection, prefix: string): Promise<string[]> {
  const out: string[] = [];
  let cursor = '0';
  do {
    const [next, batch] = await c.client.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 1000);
    cursor = next;
    out.push(...batch);
  } while (cursor !== '0');
  return out.sort();
}

/** Settles to 'rejected' or 'hung' (not answered within 2 s, four times the command timeout). */
async function outcome(p: Promise<unknown>): Promise<'resolved' | 'rejected' | 'hung'> {
  let timer: NodeJS.Timeout | undefined;
  const hung = new Promise<'hung'>((r) => {
    timer = setTimeout(() => r('hung'), 2_000);
  });
  try {
    return await Promise.race([
      p.then(
        () => 'resolved' as const,
        () => 'rejected' as const,
      ),
      hung,
    ]);
  } finally {
    clearTimeout(timer);
  }
}

/** One call of every method, with arguments that would succeed on a healthy store. */
function everyMethod(s: RedisStateStore, o: OperationRecord): Record<string, () => Promise<unknown>> {
  return {
    claim: () => s.claim(op()),
    get: () => s.get(o.id),
    finish: () => s.finish(o.id, {}, NOW + 1_000, NOW),
    remove: () => s.remove(randomUUID()),
    renew: () => s.renew('proc-a', NOW + 30_000, NOW),
    takeOver: () => s.takeOver(o.id, 'proc-a', 'proc-b', NOW + 30_000, NOW),
    findRecoverable: () => s.findRecoverable(NOW),
    findRunningInScope: () => s.findRunningInScope(o.scope),
    journal: () => s.journal([entry(o.id, 5)]),
    entries: () => s.entries(o.id),
    settle: () => s.settle(o.id, 0, 'done', {}),
    purge: () => s.purge(NOW),
    stats: () => s.stats(),
    checkPersistence: () => s.checkPersistence(),
  };
}

describe.skipIf(!hasRedis)('the Redis state store', () => {
  let redis: TestRedis;
  let conn: RedisConnection;

  beforeAll(async () => {
    redis = await startRedis();
    conn = await connect(redis.url);
  });
  afterAll(async () => {
    await conn?.close();
    await redis?.close();
  });

  describeStateStore('Redis', async () => storeOn(conn));

  it('gives one winner when two replicas, each on its own connection, claim the same key at once', async () => {
    const other = await connect(redis.url);
    try {
      const prefix = `test:${randomUUID()}:`;
      const [a, b] = [storeOn(conn, prefix), storeOn(other, prefix)];
      for (let round = 0; round < 10; round++) {
        const key = `race-${round}`;
        const claims = Array.from({ length: 20 }, (_, i) =>
          (i % 2 === 0 ? a : b).claim(op({ key, owner: i % 2 === 0 ? 'replica-a' : 'replica-b' })),
        );
        const results = await Promise.all(claims);
        const winners = results.filter((r) => r.claimed);
        expect(winners).toHaveLength(1);
        const heldBy = new Set(results.flatMap((r) => (r.claimed ? [] : [r.existing.id])));
        expect(heldBy.size).toBe(1);
      }
      expect((await a.stats()).operations).toBe(10);
    } finally {
      await other.close();
    }
  });

  it('keeps every index in step with the records: nothing is left once everything is purged', async () => {
    const prefix = `test:${randomUUID()}:`;
    const s = storeOn(conn, prefix);
    const keyed = op({ scope: 'scope:with:colons', key: 'k:1' });
    const unkeyed = op({ key: null, owner: 'proc-b' });
    const dead = op({ leaseUntil: NOW - 1 });
    for (const o of [keyed, unkeyed, dead]) await s.claim(o);
    await s.journal([entry(keyed.id, 0), entry(keyed.id, 1), entry(unkeyed.id, 0), entry(dead.id, 0)]);
    await s.settle(keyed.id, 0, 'done', { status: 'SUCCEEDED' });
    await s.finish(keyed.id, { results: [] }, NOW + 1_000, NOW);
    await s.takeOver(dead.id, 'proc-a', 'proc-c', NOW + 15_000, NOW);
    await s.settle(dead.id, 0, 'done', { status: 'FAILED' });
    await s.finish(dead.id, { results: [] }, NOW + 2_000, NOW);
    expect((await s.findRecoverable(NOW)).map((o) => o.id)).toEqual([keyed.id]);
    await s.settle(keyed.id, 1, 'done', { status: 'SUCCEEDED' });
    await s.settle(unkeyed.id, 0, 'done', { status: 'SUCCEEDED' });
    await s.finish(unkeyed.id, { results: [] }, NOW + 3_000, NOW);
    expect(await s.findRecoverable(NOW)).toEqual([]);
    await s.purge(NOW + 10_000);
    expect(await s.stats()).toMatchObject({
      operations: 0,
      runningOperations: 0,
      journalEntries: 0,
      pendingEntries: 0,
    });
    // The counters stay, at zero; every record and every index went with its operation.
    expect(await keysOf(conn, prefix)).toEqual([`${prefix}state:counts`]);
    expect(await conn.client.hgetall(`${prefix}state:counts`)).toEqual({ entries: '0', pending: '0' });
  });

  it('lets Redis expire a finished key by itself an hour after its expiry, and never a running one', async () => {
    const prefix = `test:${randomUUID()}:`;
    const s = storeOn(conn, prefix);
    const now = Date.now();
    const running = op({ createdAt: now, expiresAt: now + 60_000 });
    const done = op({ createdAt: now, expiresAt: now + 60_000 });
    await s.claim(running);
    await s.claim(done);
    await s.finish(done.id, {}, now + 60_000, now);
    const ttl = (k: string) => conn.client.pttl(`${prefix}state:${k}`);
    expect(await ttl(`op:${running.id}`)).toBe(-1);
    const left = await ttl(`op:${done.id}`);
    expect(left).toBeGreaterThan(3_600_000);
    expect(left).toBeLessThanOrEqual(3_660_000);
    // The key expires with its record (the two are read a moment apart, to the millisecond).
    const keyLeft = await ttl(`key:moveEmailsToDeal:${done.scope.length}:${done.scope}:${done.key}`);
    expect(Math.abs(keyLeft - left)).toBeLessThan(1_000);
  });

  it('answers the same as the SQLite store, call after call, under random sequences', async () => {
    const scopes = ['key:a', 'zoho:org:user'];
    const owners = ['proc-a', 'proc-b'];
    // Times on a coarse grid, so that leases, expiries and purges often fall on the same instant.
    const tick = (max: number) => fc.integer({ min: 0, max }).map((n) => n * 10);
    const claim = fc.record({
      c: fc.constant('claim' as const),
      scope: fc.constantFrom(...scopes),
      mutation: fc.constantFrom('moveEmailsToDeal' as const, 'moveEmailsToDeal' as const, 'linkEmailsToDeal' as const),
      key: fc.option(fc.constantFrom('k1', 'k:2'), { nil: null, freq: 3 }),
      owner: fc.constantFrom(...owners),
      at: tick(10),
      lease: tick(6).map((n) => n - 20),
      ttl: tick(8).map((n) => n + 10),
    });
    const command = fc.oneof(
      { arbitrary: claim, weight: 3 },
      fc.record({ c: fc.constant('finish' as const), i: fc.nat(), ttl: tick(8) }),
      fc.record({ c: fc.constant('remove' as const), i: fc.nat() }),
      fc.record({ c: fc.constant('renew' as const), owner: fc.constantFrom(...owners), at: tick(10) }),
      fc.record({
        c: fc.constant('takeOver' as const),
        i: fc.nat(),
        from: fc.constantFrom(...owners),
        to: fc.constantFrom('proc-a', 'proc-c'),
      }),
      {
        arbitrary: fc.record({
          c: fc.constant('journal' as const),
          i: fc.nat(),
          seqs: fc.uniqueArray(fc.nat(3), { minLength: 1, maxLength: 3 }),
        }),
        weight: 2,
      },
      {
        arbitrary: fc.record({
          c: fc.constant('settle' as const),
          i: fc.nat(),
          seq: fc.nat(3),
          state: fc.constantFrom('pending' as const, 'done' as const),
        }),
        weight: 3,
      },
      { arbitrary: fc.record({ c: fc.constant('purge' as const), at: tick(15) }), weight: 2 },
    );
    await fc.assert(
      fc.asyncProperty(fc.array(command, { minLength: 4, maxLength: 40, size: 'max' }), async (commands) => {
        const prefix = `test:${randomUUID()}:`;
        const redisStore = storeOn(conn, prefix);
        const sqlite = new SqliteStateStore(':memory:');
        const known: string[] = [];
        const pick = (i: number) => known[i % Math.max(1, known.length)] ?? randomUUID();
        // Everything a caller can read, read at once (ioredis pipelines the calls).
        const snapshot = async (s: StateStore) => {
          const ids = (list: OperationRecord[]) => list.map((o) => o.id).sort();
          return {
            ops: await Promise.all(known.map((id) => s.get(id))),
            entries: await Promise.all(known.map((id) => s.entries(id))),
            recoverable: await Promise.all([0, 50, 100, 150].map(async (at) => ids(await s.findRecoverable(NOW + at)))),
            inScope: await Promise.all(scopes.map(async (scope) => ids(await s.findRunningInScope(scope)))),
            stats: { ...(await s.stats()), bytes: null },
          };
        };
        const both = async <R>(f: (s: StateStore) => Promise<R>) => {
          const settle = (p: Promise<R>) =>
            p.then(
              (v) => ({ v }),
              () => ({ threw: true }),
            );
          const [a, b] = await Promise.all([settle(f(sqlite)), settle(f(redisStore))]);
          expect(b).toEqual(a);
          return a;
        };
        try {
          for (const cmd of commands) {
            switch (cmd.c) {
              case 'claim': {
                const o = op({
                  scope: cmd.scope,
                  mutation: cmd.mutation,
                  key: cmd.key,
                  owner: cmd.owner,
                  createdAt: NOW + cmd.at,
                  renewedAt: NOW + cmd.at,
                  leaseUntil: NOW + cmd.at + cmd.lease,
                  expiresAt: NOW + cmd.at + cmd.ttl,
                });
                known.push(o.id);
                await both(async (s) => {
                  const r = await s.claim(o);
                  return r.claimed ? 'claimed' : r.existing.id;
                });
                break;
              }
              case 'finish':
                await both((s) => s.finish(pick(cmd.i), { n: cmd.ttl }, NOW + cmd.ttl, NOW + 1));
                break;
              case 'remove':
                await both((s) => s.remove(pick(cmd.i)));
                break;
              case 'renew':
                await both((s) => s.renew(cmd.owner, NOW + cmd.at + 20, NOW + cmd.at));
                break;
              case 'takeOver':
                await both((s) => s.takeOver(pick(cmd.i), cmd.from, cmd.to, NOW + 50, NOW + 2));
                break;
              case 'journal': {
                const id = pick(cmd.i);
                await both((s) => s.journal(cmd.seqs.map((seq) => entry(id, seq))));
                break;
              }
              case 'settle':
                await both((s) => s.settle(pick(cmd.i), cmd.seq, cmd.state, { status: cmd.state }));
                break;
              case 'purge':
                // How many rows went is counted differently (SQLite leaves out cascaded entries); what is left must agree.
                await both(async (s) => (await s.purge(NOW + cmd.at)) > 0);
                break;
            }
            await both(snapshot);
          }
          // Nothing is left behind once every operation is gone.
          for (const id of known) await redisStore.remove(id);
          expect((await keysOf(conn, prefix)).filter((k) => !k.endsWith('state:counts'))).toEqual([]);
          expect(await redisStore.stats()).toMatchObject({ operations: 0, journalEntries: 0, pendingEntries: 0 });
        } finally {
          await sqlite.close();
          await redisStore.close();
        }
      }),
      { numRuns: 100 },
    );
  });

  it('rejects every call at once while Redis is down, and works again once it is back', async () => {
    const own = await startRedis();
    const c = await connect(own.url);
    try {
      const s = storeOn(c);
      const o = op();
      await s.claim(o);
      await own.stop();
      await until(() => !c.up(), 'the connection saw Redis go');
      for (const [name, call] of Object.entries(everyMethod(s, o))) {
        expect([name, await outcome(call())]).toEqual([name, 'rejected']);
      }
      await own.start();
      await until(() => c.up(), 'reconnected');
      // No persistence here: the restarted Redis is empty, and the store works on it.
      expect(await s.get(o.id)).toBeNull();
      expect(await s.claim(op({ key: o.key }))).toEqual({ claimed: true });
    } finally {
      await c.close();
      await own.close();
    }
  });

  it('rejects every call with a timeout while Redis is stalled, rather than wait for it', async () => {
    const s = storeOn(conn);
    const o = op();
    await s.claim(o);
    const pauser = await connect(redis.url);
    try {
      await pauser.client.call('CLIENT', 'PAUSE', '1500', 'ALL');
      const calls = Object.entries(everyMethod(s, o));
      const outcomes = await Promise.all(calls.map(async ([name, call]) => [name, await outcome(call())]));
      expect(outcomes).toEqual(calls.map(([name]) => [name, 'rejected']));
    } finally {
      await until(async () => (await outcome(s.get(o.id))) === 'resolved', 'Redis answering again');
      await pauser.close();
    }
  });

  it('frees a key whose claim timed out but was applied after all, at the next renewal', async () => {
    const s = storeOn(conn);
    await s.claim(op({ owner: 'proc-z' })); // the script is loaded: a stalled EVALSHA runs as soon as Redis wakes
    const pauser = await connect(redis.url);
    try {
      const lost = op({ key: 'lost', owner: 'proc-a' });
      await pauser.client.call('CLIENT', 'PAUSE', '700', 'ALL');
      await expect(s.claim(lost)).rejects.toThrow(/timed out/);
      // The caller was told the store failed, yet Redis ran the claim once it woke.
      await until(async () => (await s.get(lost.id).catch(() => null)) !== null, 'the late claim landed');
      expect(await s.claim(op({ key: 'lost' }))).toMatchObject({ claimed: false });
      // proc-a runs nothing: the renewal drops the claim it never started, rather than renew it.
      expect(await s.renew('proc-a', NOW + 30_000, NOW)).toBe(0);
      expect(await s.get(lost.id)).toBeNull();
      expect(await s.claim(op({ key: 'lost' }))).toEqual({ claimed: true });
    } finally {
      await pauser.close();
    }
  });

  it('records a finish that failed while Redis was down at the next renewal', async () => {
    const own = await startRedis({ appendonly: true });
    const c = await connect(own.url);
    try {
      const s = storeOn(c);
      const o = op({ owner: 'proc-a' });
      await s.claim(o);
      await own.stop();
      await until(() => !c.up(), 'the connection saw Redis go');
      await expect(s.finish(o.id, { results: ['kept'] }, NOW + 5_000, NOW + 1)).rejects.toThrow();
      await own.start();
      await until(() => c.up(), 'reconnected');
      expect((await s.get(o.id))?.state).toBe('running');
      // The renewal puts the result down instead of renewing an operation that is over.
      expect(await s.renew('proc-a', NOW + 30_000, NOW + 2)).toBe(0);
      expect(await s.get(o.id)).toMatchObject({ state: 'done', result: { results: ['kept'] }, renewedAt: NOW + 1 });
    } finally {
      await c.close();
      await own.close();
    }
  });

  it('keeps the journal and the keys across a kill -9 of Redis with AOF at its usual fsync, once a second', async () => {
    // Redis writes each command to the AOF before it answers; only the OS's crash could lose the last second.
    const own = await startRedis({ appendonly: true, appendfsync: 'everysec' });
    const c = await connect(own.url);
    try {
      const prefix = `test:${randomUUID()}:`;
      const s = storeOn(c, prefix);
      const move = op({ leaseUntil: NOW + 10 });
      const link = op({ mutation: 'linkEmailsToDeal' });
      await s.claim(move);
      await s.claim(link);
      await s.journal([entry(move.id, 0), entry(move.id, 1)]);
      await s.settle(move.id, 0, 'done', { status: 'SUCCEEDED' });
      await s.finish(link.id, { results: ['linked'] }, NOW + 86_400_000, NOW);
      const before = { keys: await keysOf(c, prefix), stats: await s.stats(), entries: await s.entries(move.id) };

      await own.stop('SIGKILL');
      await until(() => !c.up(), 'the connection saw Redis die');
      await own.start();
      await until(() => c.up(), 'reconnected');

      expect(await keysOf(c, prefix)).toEqual(before.keys);
      expect(await s.stats()).toEqual(before.stats);
      expect(await s.entries(move.id)).toEqual(before.entries);
      expect((await s.findRecoverable(NOW + 20)).map((o) => o.id)).toEqual([move.id]);
      expect(await s.claim(op({ mutation: 'linkEmailsToDeal', key: link.key }))).toMatchObject({
        claimed: false,
        existing: { id: link.id, state: 'done', result: { results: ['linked'] } },
      });
      expect(await s.checkPersistence()).toEqual({
        aof: true,
        appendfsync: 'everysec',
        maxmemoryPolicy: 'noeviction',
        source: 'config',
      });
    } finally {
      await c.close();
      await own.close();
    }
  });

  it('says whether AOF is on, by CONFIG, by INFO where CONFIG is refused, or that it cannot tell', async () => {
    expect(await storeOn(conn).checkPersistence()).toMatchObject({ aof: false, source: 'config' });
    // A managed Redis that refuses CONFIG, as an ACL user without it.
    const user = `u${randomUUID().slice(0, 8)}`;
    await conn.client.call('ACL', 'SETUSER', user, 'on', '>pw', '~*', '+@all', '-config');
    const noConfig = await connect(redis.url.replace('redis://', `redis://${user}:pw@`));
    await conn.client.call('ACL', 'SETUSER', `${user}-blind`, 'on', '>pw', '~*', '+@all', '-config', '-info');
    const blind = await connect(redis.url.replace('redis://', `redis://${user}-blind:pw@`));
    try {
      expect(await storeOn(noConfig).checkPersistence()).toEqual({
        aof: false,
        appendfsync: null,
        maxmemoryPolicy: 'noeviction',
        source: 'info',
      });
      expect(await storeOn(blind).checkPersistence()).toEqual({
        aof: null,
        appendfsync: null,
        maxmemoryPolicy: null,
        source: null,
      });
    } finally {
      await noConfig.close();
      await blind.close();
    }
  });

  it('measures its exact size in memory on request, and leaves bytes out of the stats', async () => {
    const s = storeOn(conn);
    const o = op();
    await s.claim(o);
    const one = await s.memoryUsage();
    await s.journal(Array.from({ length: 20 }, (_, i) => entry(o.id, i)));
    expect(await s.memoryUsage()).toBeGreaterThan(one);
    expect((await s.stats()).bytes).toBeNull();
  });
});
