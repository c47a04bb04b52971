/**
 * A fleet of real gateway processes (the compiled build) sharing one Redis and one emulated Zoho
 * org, as docs/deployment.md runs them. Counted, not timed: the calls in flight at Zoho, Zoho's
 * 429s, the tokens it granted, and every query's and item's outcome.
 *
 * - 3 replicas, Zoho's limit 10 at 50 ms: at most 10 calls in flight, no failed read or item,
 *   429s at most 1 % of calls.
 * - Tokens that expire at Zoho (the emulator's clock moved on): one grant per expiry for the fleet.
 * - kill -9 one replica mid-burst: the others carry on, and its slots come back after their lease.
 * - One replica with ZOHO_CONCURRENCY=10 against a limit of 2: 40 queries of 40 succeed.
 * - Redis stopped and started under load: reads go on (local share), keyed calls and moves are
 *   refused with STATE_STORE_UNAVAILABLE before any Zoho call, readiness stays 200, and all of it
 *   comes back with Redis.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Redis } from 'ioredis';
import { DEMO_CREDENTIALS } from '../../src/emulator/index.ts';
import { startTestEmulator, type TestEmulator } from '../support/emulator.ts';
import { contactsWithEmails, type ContactFixture } from '../support/fixtures.ts';
import { hasRedis, REDIS_MISSING, startRedis, type TestRedis } from '../support/redis.ts';
import { parseMetrics, spawnGateway, type GatewayProcess } from '../ops/support.ts';

if (!hasRedis) console.warn(REDIS_MISSING);

const LEASE_MS = 2_000;
const LINK_ROUTE = 'POST /crm/v8/Contacts/{id}/Emails/actions/link_record';
const READ = /* GraphQL */ `
  query Read($id: ID!) {
    contact(id: $id) {
      id
      emails(first: 10) {
        nodes {
          messageId
          linkedDeal {
            id
            name
          }
        }
      }
    }
  }
`;
const LINK = /* GraphQL */ `
  mutation Link($input: LinkEmailsToDealInput!) {
    linkEmailsToDeal(input: $input) {
      succeededCount
      failedCount
      unknownCount
      results {
        messageId
        status
        error {
          code
        }
      }
    }
  }
`;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

let emulator: TestEmulator;
let redis: TestRedis;
let contacts: ContactFixture[];
const running: GatewayProcess[] = [];

interface Replica {
  p: GatewayProcess;
  url: string;
  base: string;
}

async function startReplica(env: Record<string, string> = {}, withRedis = true): Promise<Replica> {
  const p = spawnGateway(
    {
      PORT: '0',
      ZOHO_API_BASE_URL: emulator.url,
      ZOHO_ACCOUNTS_URL: emulator.url,
      ZOHO_CLIENT_ID: DEMO_CREDENTIALS.clientId,
      ZOHO_CLIENT_SECRET: DEMO_CREDENTIALS.clientSecret,
      ZOHO_REFRESH_TOKEN: DEMO_CREDENTIALS.refreshToken,
      ZOHO_CONCURRENCY: '10',
      GATEWAY_EXPECTED_REPLICAS: '3',
      GATEWAY_SLOT_LEASE_MS: String(LEASE_MS),
      LOG_LEVEL: 'info',
      ...(withRedis ? { REDIS_URL: redis.url } : {}),
      ...env,
    },
    'dist',
  );
  running.push(p);
  const url = (await p.waitFor(/GraphQL gateway:\s+(\S+)/))[1]!;
  if (withRedis) await p.waitFor(/joined the fleet/);
  return { p, url, base: url.replace(/\/graphql$/, '') };
}

async function gql(url: string, query: string, variables: Record<string, unknown>): Promise<any> {
  const res = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ query, variables }),
  });
  return res.json();
}

/** A read of one contact's emails and their deals: ok when it has data and no error. */
async function read(r: Replica, i: number): Promise<{ ok: boolean; codes: string[] }> {
  const body = await gql(r.url, READ, { id: contacts[i % contacts.length]!.contactId }).catch(() => null);
  const codes = (body?.errors ?? []).map((e: any) => String(e.extensions?.code));
  return { ok: body !== null && codes.length === 0 && body.data?.contact != null, codes };
}

function emulatorStats() {
  return emulator.stats.snapshot();
}

const crmCalls = () => Object.values(emulatorStats().requests).reduce((n, v) => n + v, 0);
const refused429 = () => emulatorStats().rejected['429'] ?? 0;

async function stopAll() {
  await Promise.all(running.splice(0).map((p) => p.stop()));
}

/** Each test starts from an empty Redis: no limit lowered, no token, no key of an earlier test. */
async function emptyRedis() {
  const admin = new Redis(redis.url);
  await admin.flushall();
  admin.disconnect();
}

describe.skipIf(!hasRedis)('a fleet on Redis', () => {
  beforeAll(async () => {
    emulator = await startTestEmulator();
    redis = await startRedis({ appendonly: true });
    contacts = contactsWithEmails(emulator, { minEmails: 3, count: 12 });
  }, 60_000);
  afterAll(async () => {
    await stopAll();
    await emulator?.close();
    await redis?.close();
  });

  it("three replicas under Zoho's limit of 10 at 50 ms: at most 10 in flight, nothing fails, 429s at most 1 %", async () => {
    await emptyRedis();
    const replicas = await Promise.all([startReplica(), startReplica(), startReplica()]);
    await emulator.admin('PUT', '/__emulator/config', { concurrencyLimit: 10, latencyMs: 50 });
    emulator.stats.reset();
    try {
      // Reads, and link batches that put each contact's emails back on a deal they are already on
      // or another of its deals: every item must come back SUCCEEDED.
      const reads = Array.from({ length: 240 }, (_, i) => read(replicas[i % 3]!, i));
      const links = contacts.slice(0, 9).map((c, i) =>
        gql(replicas[i % 3]!.url, LINK, {
          input: {
            dealId: c.relatedDealIds[0],
            emails: c.emails.slice(0, 3).map((e) => ({ contactId: c.contactId, messageId: e.messageId })),
          },
        }),
      );
      const readResults = await Promise.all(reads);
      const linkResults = await Promise.all(links);
      expect(readResults.filter((r) => !r.ok).map((r) => r.codes)).toEqual([]);
      for (const l of linkResults) {
        expect(l.errors).toBeUndefined();
        expect(l.data.linkEmailsToDeal.failedCount + l.data.linkEmailsToDeal.unknownCount).toBe(0);
      }
      const stats = emulatorStats();
      expect(stats.maxInFlight).toBeLessThanOrEqual(10);
      // The fleet used the limit: more than one replica's local share at once.
      expect(stats.maxInFlight).toBeGreaterThan(3);
      expect(refused429()).toBeLessThanOrEqual(Math.floor(crmCalls() * 0.01));
    } finally {
      await emulator.admin('PUT', '/__emulator/config', { concurrencyLimit: null, latencyMs: 0 });
      await stopAll();
    }
  });

  it('tokens that expire at Zoho: the whole fleet takes one grant per expiry, and no read fails', async () => {
    await emptyRedis();
    const replicas = await Promise.all([startReplica(), startReplica(), startReplica()]);
    try {
      // Every replica holds the fleet's token before the clock moves.
      const warm = await Promise.all(replicas.map((r, i) => read(r, i)));
      expect(warm.every((w) => w.ok)).toBe(true);
      emulator.stats.reset();
      let failed = 0;
      let done = 0;
      // The replicas keep their own clocks (separate processes); Zoho's hour passes three times
      // (the emulator's clock, through its admin route), so each replica meets the expiry as
      // Zoho's 401 and asks the fleet for the replacement.
      for (let expiry = 1; expiry <= 3; expiry++) {
        const moved = await emulator.admin('POST', '/__emulator/clock', { advanceMs: 3_600_000 });
        expect(moved.status).toBe(200);
        const batch = await Promise.all(replicas.flatMap((r, i) => [0, 1, 2].map((k) => read(r, done + i * 3 + k))));
        failed += batch.filter((b) => !b.ok).length;
        done += batch.length;
      }
      expect(failed).toBe(0);
      expect(emulatorStats().tokenGrants).toBe(3);
    } finally {
      await emulator.admin('DELETE', '/__emulator/clock');
      await stopAll();
    }
  });

  it('kill -9 one replica mid-burst: the others answer every query, and its slots come back after their lease', async () => {
    await emptyRedis();
    const replicas = await Promise.all([startReplica(), startReplica(), startReplica()]);
    const victim = replicas[2]!;
    const victimId = (await victim.p.waitFor(/"replica":"([0-9a-f]+)"/))[1]!;
    const admin = new Redis(redis.url);
    await emulator.admin('PUT', '/__emulator/config', { concurrencyLimit: 10, latencyMs: 200 });
    try {
      const survivors = Array.from({ length: 90 }, (_, i) => read(replicas[i % 2]!, i));
      const doomed = Array.from({ length: 30 }, (_, i) => read(victim, i));
      // Kill it once it holds slots in Redis.
      let held: string[] = [];
      for (let i = 0; i < 500 && held.length === 0; i++) {
        const keys = await admin.keys('zgw:{org:*}:budget:slots');
        held = keys.length ? (await admin.zrange(keys[0]!, '0', '-1')).filter((m) => m.startsWith(`${victimId}:`)) : [];
        if (held.length === 0) await sleep(5);
      }
      expect(held.length, 'the victim held slots when it was killed').toBeGreaterThan(0);
      process.kill(-victim.p.child.pid!, 'SIGKILL');
      await victim.p.exited;
      await Promise.all(doomed);
      const results = await Promise.all(survivors);
      expect(results.filter((r) => !r.ok).map((r) => r.codes)).toEqual([]);
      // Its slots: gone once their lease ended, and never renewed.
      const keys = await admin.keys('zgw:{org:*}:budget:slots');
      let left = held.length;
      for (let i = 0; i < 100 && left > 0; i++) {
        await sleep(LEASE_MS / 10);
        // The lease ends by Redis's clock; the next grant sweeps it (here: a read on a survivor).
        await read(replicas[0]!, i);
        const members = await admin.zrange(keys[0]!, '0', '-1');
        left = held.filter((m) => members.includes(m)).length;
      }
      expect(left).toBe(0);
      // And then the survivors have the whole limit again: a burst reaches 10 in flight.
      emulator.stats.reset();
      const burst = await Promise.all(Array.from({ length: 40 }, (_, i) => read(replicas[i % 2]!, i)));
      expect(burst.every((b) => b.ok)).toBe(true);
      expect(emulatorStats().maxInFlight).toBeGreaterThan(10 - held.length);
      expect(emulatorStats().maxInFlight).toBeLessThanOrEqual(10);
    } finally {
      admin.disconnect();
      await emulator.admin('PUT', '/__emulator/config', { concurrencyLimit: null, latencyMs: 0 });
      await stopAll();
    }
  });

  it("one replica set to 10 against Zoho's limit of 2: a burst of 40 succeeds 40 of 40, with Redis and without", async () => {
    await emptyRedis();
    await emulator.admin('PUT', '/__emulator/config', { concurrencyLimit: 2, latencyMs: 30 });
    try {
      for (const withRedis of [true, false]) {
        const r = await startReplica({ GATEWAY_EXPECTED_REPLICAS: '1' }, withRedis);
        emulator.stats.reset();
        const results = await Promise.all(Array.from({ length: 40 }, (_, i) => read(r, i)));
        expect(
          results.filter((x) => !x.ok).map((x) => x.codes),
          withRedis ? 'with Redis' : 'alone',
        ).toEqual([]);
        // The 429s that teach the gateway the limit: a few, not the 162 of a gateway that never adapts.
        expect(refused429(), withRedis ? 'with Redis' : 'alone').toBeLessThan(20);
        await stopAll();
      }
    } finally {
      await emulator.admin('PUT', '/__emulator/config', { concurrencyLimit: null, latencyMs: 0 });
    }
  });

  it('Redis stopped and started under load: reads go on, keyed calls wait for it, readiness stays', async () => {
    await emptyRedis();
    const replicas = await Promise.all([startReplica(), startReplica()]);
    await emulator.admin('PUT', '/__emulator/config', { concurrencyLimit: 10, latencyMs: 20 });
    const c = contacts[0]!;
    const keyed = (key: string, r: Replica) =>
      gql(r.url, LINK, {
        input: {
          dealId: c.relatedDealIds[0],
          emails: [{ contactId: c.contactId, messageId: c.emails[0]!.messageId }],
          idempotencyKey: key,
        },
      });
    let stop = false;
    let readsFailed = 0;
    let reads = 0;
    const load = (async () => {
      for (let i = 0; !stop; i++) {
        const batch = await Promise.all(replicas.map((r, j) => read(r, i * 2 + j)));
        reads += batch.length;
        readsFailed += batch.filter((b) => !b.ok).length;
      }
    })();
    try {
      expect((await keyed('before-outage', replicas[0]!)).data.linkEmailsToDeal.succeededCount).toBe(1);
      await redis.stop();
      for (const r of replicas) await r.p.waitFor(/Redis is unreachable/);
      const linksBefore = emulatorStats().requests[LINK_ROUTE] ?? 0;
      const refused = await keyed('during-outage', replicas[1]!);
      expect(refused.errors?.[0]?.extensions?.code).toBe('STATE_STORE_UNAVAILABLE');
      expect(refused.errors?.[0]?.extensions?.retryAfterMs).toBeGreaterThan(0);
      // Refused before any Zoho call.
      expect(emulatorStats().requests[LINK_ROUTE] ?? 0).toBe(linksBefore);
      for (const r of replicas) {
        expect((await fetch(`${r.base}/health/ready`)).status).toBe(200);
        const m = parseMetrics(await (await fetch(`${r.base}/metrics`)).text());
        expect(m.value('gateway_redis_up')).toBe(0);
      }
      const readsDuring = reads;
      await sleep(500);
      expect(reads).toBeGreaterThan(readsDuring);

      await redis.start();
      for (const r of replicas) await r.p.waitFor(/Redis is reachable/);
      let again: any = null;
      for (let i = 0; i < 50; i++) {
        again = await keyed('after-outage', replicas[1]!);
        if (!again.errors) break;
        await sleep(100);
      }
      expect(again.data.linkEmailsToDeal.succeededCount).toBe(1);
      // The key from before the outage survived Redis's restart (AOF): the repeat writes nothing.
      const linksNow = emulatorStats().requests[LINK_ROUTE] ?? 0;
      expect((await keyed('before-outage', replicas[1]!)).data.linkEmailsToDeal.succeededCount).toBe(1);
      expect(emulatorStats().requests[LINK_ROUTE] ?? 0).toBe(linksNow);
      for (const r of replicas) {
        const m = parseMetrics(await (await fetch(`${r.base}/metrics`)).text());
        expect(m.value('gateway_redis_up')).toBe(1);
      }
    } finally {
      stop = true;
      await load;
      await emulator.admin('PUT', '/__emulator/config', { concurrencyLimit: null, latencyMs: 0 });
      await stopAll();
    }
    expect(readsFailed, `of ${reads} reads`).toBe(0);
  });
});
