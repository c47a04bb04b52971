/**
 * `npx tsx bench/state-store.ts [keys] [--redis [--fsync always|everysec]]`: how big the state
 * store of idempotency keys and the move journal grows, and how fast it is, with `keys` finished
 * 20-email moves under keys (default 10,000), then after their keys expire and the purge runs.
 *
 * By default a SQLite file in a temporary folder. With `--redis`, a redis-server it starts on a
 * free loopback port with AOF on (`appendfsync everysec` unless `--fsync always`), as a fleet
 * would run it; its size is the MEMORY USAGE of the store's keys, summed.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import { connectRedis, type RedisConnection } from '../src/fleet/redis.ts';
import { RedisStateStore } from '../src/state/redis.ts';
import { SqliteStateStore } from '../src/state/sqlite.ts';
import type { StateStore } from '../src/state/types.ts';
import { startRedis, type TestRedis } from '../test/support/redis.ts';

const args = process.argv.slice(2);
const keys = Number(args.find((a) => /^\d+$/.test(a)) ?? 10_000);
const onRedis = args.includes('--redis');
const fsync = args[args.indexOf('--fsync') + 1] === 'always' ? 'always' : 'everysec';
const emails = 20;
const now = Date.now();
const mib = (b: number | null) => `${((b ?? 0) / 1024 / 1024).toFixed(1)} MiB`;

let store: StateStore;
let redis: TestRedis | null = null;
let connection: RedisConnection | null = null;
let dir: string | null = null;
if (onRedis) {
  redis = await startRedis({ appendonly: true, appendfsync: fsync });
  connection = connectRedis({ url: redis.url });
  await new Promise<void>((resolve) => connection!.onChange((up) => up && resolve()));
  store = new RedisStateStore(connection);
} else {
  dir = mkdtempSync(join(tmpdir(), 'state-bench-'));
  store = new SqliteStateStore(join(dir, 'state.sqlite'));
}

/** The store's size: the SQLite file, or the store's keys in Redis' memory (and how long summing them took). */
async function size(): Promise<string> {
  if (!(store instanceof RedisStateStore)) return mib((await store.stats()).bytes);
  const t = performance.now();
  const bytes = await store.memoryUsage();
  const info = await connection!.client.info('persistence');
  const aof = Number(/^aof_current_size:(\d+)/m.exec(info)?.[1] ?? 0);
  return `${mib(bytes)} in memory (summed in ${(performance.now() - t).toFixed(0)} ms), AOF file ${mib(aof)}`;
}

const t0 = performance.now();
for (let k = 0; k < keys; k++) {
  const id = randomUUID();
  const input = {
    dealId: '5843104000004382122',
    emails: Array.from({ length: emails }, (_, i) => ({
      contactId: '5843104000005878180',
      messageId: `${k}x${i}`.padEnd(64, 'a'),
    })),
  };
  await store.claim({
    id,
    scope: 'key:0123456789abcdef',
    mutation: 'moveEmailsToDeal',
    key: `key-${k}`,
    fingerprint: 'f'.repeat(64),
    state: 'running',
    owner: 'bench',
    leaseUntil: now + 15_000,
    renewedAt: now,
    createdAt: now,
    expiresAt: now + 1_000,
    input,
    result: null,
  });
  await store.journal(
    input.emails.map((e, seq) => ({
      opId: id,
      seq,
      contactId: e.contactId,
      messageId: e.messageId,
      ownerId: '5843104000000424672',
      ownerName: 'Patricia Boyle',
      previousDealId: '5843104000004382111',
      previousDealName: 'Previous',
      targetDealId: input.dealId,
      targetDealName: 'Target',
      moduleId: '5843104000000003735',
      state: 'pending' as const,
      result: null,
    })),
  );
  const results = input.emails.map((e) => ({
    contactId: e.contactId,
    messageId: e.messageId,
    status: 'SUCCEEDED',
    error: null,
  }));
  for (let seq = 0; seq < emails; seq++) await store.settle(id, seq, 'done', results[seq]);
  await store.finish(id, { results }, now + 1_000, now);
}
const wrote = performance.now() - t0;
const full = await store.stats();
const fullSize = await size();
const p0 = performance.now();
const purgedFirst = await store.purge(now); // settled journals go; the keys stay until they expire
const firstPurge = performance.now() - p0;
const afterJournal = await store.stats();
const afterJournalSize = await size();
const p1 = performance.now();
const purgedKeys = await store.purge(now + 2_000);
const secondPurge = performance.now() - p1;
const empty = await store.stats();
const emptySize = await size();
const where = onRedis ? `Redis (AOF, appendfsync ${fsync})` : 'SQLite (WAL)';
console.log(
  `${where}: ${keys} keyed moves of ${emails} emails: ${(wrote / keys).toFixed(2)} ms each (claim, journal, ${emails} settles, finish)`,
);
console.log(
  `  while their journals are kept: ${full.operations} operations, ${full.journalEntries} entries, ${fullSize}`,
);
console.log(
  `  journals purged (${purgedFirst} rows, ${firstPurge.toFixed(0)} ms): ${afterJournal.operations} keys with their results, ${afterJournalSize}`,
);
console.log(
  `  keys expired and purged (${purgedKeys} rows, ${secondPurge.toFixed(0)} ms): ${empty.operations} rows, ${emptySize}${onRedis ? '' : ' (SQLite keeps freed pages for reuse)'}`,
);
await store.close();
await connection?.close();
await redis?.close();
if (dir) rmSync(dir, { recursive: true, force: true });
