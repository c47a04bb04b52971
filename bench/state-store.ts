/**
 * `npx tsx bench/state-store.ts [keys]`: how big the state store of idempotency keys and the move
 * journal grows, and how fast it is, with `keys` finished 20-email moves under keys (default
 * 10,000), then after their keys expire and the purge runs. A SQLite file in a temporary folder.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import { SqliteStateStore } from '../src/state/sqlite.ts';

const keys = Number(process.argv[2] ?? 10_000);
const dir = mkdtempSync(join(tmpdir(), 'state-bench-'));
const store = new SqliteStateStore(join(dir, 'state.sqlite'));
const emails = 20;
const now = Date.now();
const mib = (b: number | null) => `${((b ?? 0) / 1024 / 1024).toFixed(1)} MiB`;

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
const p0 = performance.now();
const purgedFirst = await store.purge(now); // settled journals go; the keys stay until they expire
const afterJournal = await store.stats();
const purgedKeys = await store.purge(now + 2_000);
const purged = performance.now() - p0;
const empty = await store.stats();
console.log(
  `${keys} keyed moves of ${emails} emails: ${(wrote / keys).toFixed(2)} ms each (claim, journal, ${emails} settles, finish)`,
);
console.log(
  `  while their journals are kept: ${full.operations} operations, ${full.journalEntries} entries, ${mib(full.bytes)}`,
);
console.log(
  `  journals purged (${purgedFirst} rows): ${afterJournal.operations} keys with their results, ${mib(afterJournal.bytes)}`,
);
console.log(
  `  keys expired and purged (${purgedKeys} rows, ${purged.toFixed(0)} ms for both purges): ${empty.operations} rows, ${mib(empty.bytes)} (SQLite keeps freed pages for reuse)`,
);
await store.close();
rmSync(dir, { recursive: true, force: true });
