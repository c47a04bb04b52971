/**
 * The fleet's parts on a real Redis, with clients in this process standing for replicas (each has
 * its own Redis connection, budget and token provider, as a replica would): the shared slots and
 * adaptive limit, leases that come back from a replica that went away, the mail sub-limit, the
 * local share while Redis is down, and one access token for every replica.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectRedis, type RedisConnection } from '../../src/fleet/redis.ts';
import { FleetBudget } from '../../src/fleet/budget.ts';
import { RedisTokenStore } from '../../src/fleet/token-store.ts';
import { credentialNamespace } from '../../src/fleet/keys.ts';
import type { Permit } from '../../src/zoho/index.ts';
import { hasRedis, REDIS_MISSING, startRedis, type TestRedis } from '../support/redis.ts';
import { DEMO_CREDENTIALS, serviceClient, startTestEmulator, type TestEmulator } from '../zoho/support.ts';

if (!hasRedis) console.warn(REDIS_MISSING);

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
let nsSeq = 0;
const freshNamespace = () => `zgw:{test:${process.pid}:${nsSeq++}}:`;

describe.skipIf(!hasRedis)('the fleet on Redis', () => {
  let redis: TestRedis;
  const conns: RedisConnection[] = [];
  const connect = async () => {
    const c = connectRedis({ url: redis.url });
    conns.push(c);
    for (let i = 0; i < 100 && !c.up(); i++) await sleep(20);
    expect(c.up()).toBe(true);
    return c;
  };

  beforeAll(async () => {
    redis = await startRedis();
  });
  afterAll(async () => {
    for (const c of conns) await c.close();
    await redis?.close();
  });

  const replica = async (ns: string, limit: number, extra: { heavyLimit?: number; leaseMs?: number } = {}) => {
    const b = new FleetBudget({
      limit,
      heavyLimit: extra.heavyLimit ?? limit,
      expectedReplicas: 3,
      leaseMs: extra.leaseMs ?? 5_000,
    });
    b.attach(await connect(), ns);
    return b;
  };

  it('three replicas never hold more than the fleet limit, and every call gets a slot', async () => {
    const ns = freshNamespace();
    const replicas = [await replica(ns, 4), await replica(ns, 4), await replica(ns, 4)];
    let held = 0;
    let most = 0;
    const call = async (b: FleetBudget) => {
      const p = await b.acquire();
      held++;
      most = Math.max(most, held);
      await sleep(5);
      held--;
      p.release('ok');
    };
    await Promise.all(Array.from({ length: 60 }, (_, i) => call(replicas[i % 3]!)));
    expect(most).toBe(4);
    expect(replicas.reduce((n, b) => n + b.snapshot().acquired, 0)).toBe(60);
    for (const b of replicas) b.close();
  });

  it("one replica's concurrency refusal lowers the limit for all of them, and successes raise it again", async () => {
    const ns = freshNamespace();
    const a = await replica(ns, 8);
    const b = await replica(ns, 8);
    const p = await a.acquire();
    p.release('concurrency_refused');
    await sleep(50);
    // B learns the shared limit with its next grant.
    (await b.acquire()).release('failed');
    await sleep(20);
    expect(b.effectiveLimit()).toBe(4);
    // A call that started before the decrease tells nothing new: the limit halves once per round.
    const older = await a.acquire();
    const newer = await b.acquire();
    newer.release('concurrency_refused');
    await sleep(20);
    older.release('concurrency_refused');
    await sleep(20);
    (await a.acquire()).release('failed');
    expect(a.effectiveLimit()).toBe(2);
    for (let i = 0; i < 200 && a.effectiveLimit() < 8; i++) (await a.acquire()).release('ok');
    expect(a.effectiveLimit()).toBe(8);
    a.close();
    b.close();
  });

  it("the slots of a replica that went away come back when their leases end; a live replica's calls keep theirs", async () => {
    const ns = freshNamespace();
    const live = await replica(ns, 2, { leaseMs: 600 });
    const other = await replica(ns, 2, { leaseMs: 600 });
    // The live replica holds one slot for three leases: it renews it.
    const long = await live.acquire();
    // The other replica takes the second slot and dies holding it (no release, no renewal).
    await other.acquire();
    other.close();
    const waiting = live.acquire({ deadline: Date.now() + 10_000 });
    // The dead replica's slot comes back after its lease; the long call's slot never does.
    const granted = await waiting;
    await sleep(1_500);
    const third = live.acquire({ deadline: Date.now() + 400 });
    await expect(third).rejects.toMatchObject({ code: 'DEADLINE_EXCEEDED' });
    long.release('ok');
    granted.release('ok');
    expect(live.counters().lostLeases).toBe(0);
    live.close();
  });

  it("mail calls get at most mail's limit of the fleet's slots, and other calls pass them", async () => {
    const ns = freshNamespace();
    const a = await replica(ns, 4, { heavyLimit: 1 });
    const b = await replica(ns, 4, { heavyLimit: 1 });
    const mail = await a.acquire({ heavy: true });
    let secondMail: Permit | null = null;
    const pending = b.acquire({ heavy: true }).then((p) => (secondMail = p));
    const plain = await b.acquire();
    await sleep(50);
    expect(secondMail).toBeNull();
    mail.release('ok');
    await pending;
    expect(secondMail).not.toBeNull();
    plain.release('ok');
    secondMail!.release('ok');
    a.close();
    b.close();
  });

  it("while Redis is down, calls take the replica's local share of the limit at once", async () => {
    const own = await startRedis();
    const c = connectRedis({ url: own.url });
    conns.push(c);
    for (let i = 0; i < 100 && !c.up(); i++) await sleep(20);
    const b = new FleetBudget({ limit: 9, heavyLimit: 9, expectedReplicas: 3, leaseMs: 5_000 });
    b.attach(c, freshNamespace());
    (await b.acquire()).release('ok');
    expect(b.shared()).toBe(true);
    await own.stop();
    for (let i = 0; i < 100 && c.up(); i++) await sleep(20);
    const permits = await Promise.all([b.acquire(), b.acquire(), b.acquire()]);
    expect(b.shared()).toBe(false);
    expect(b.effectiveLimit()).toBe(3);
    const fourth = b.acquire({ deadline: Date.now() + 200 });
    await expect(fourth).rejects.toMatchObject({ code: 'DEADLINE_EXCEEDED' });
    for (const p of permits) p.release('ok');
    await own.start();
    for (let i = 0; i < 200 && !c.up(); i++) await sleep(20);
    (await b.acquire()).release('ok');
    expect(b.shared()).toBe(true);
    b.close();
    await own.close();
  });

  describe('one access token', () => {
    let emu: TestEmulator;
    beforeAll(async () => {
      emu = await startTestEmulator();
    });
    afterAll(async () => emu?.close());

    const store = async (ns: string, over: { mintLimit?: number; secret?: string; now?: () => number } = {}) =>
      new RedisTokenStore(await connect(), {
        namespace: ns,
        secret: over.secret ?? DEMO_CREDENTIALS.clientSecret,
        mintLimit: over.mintLimit ?? 10,
        mintWindowMs: 600_000,
        liveTokenLimit: 15,
        refusalCooldownMs: 60_000,
        lockMs: 5_000,
        ...(over.now ? { now: over.now } : {}),
      });
    /** `now`: the clock of the replicas' clients and token stores (default real time). */
    const fleetOf = async (n: number, over: { mintLimit?: number; now?: () => number } = {}) => {
      const ns = `${credentialNamespace(emu.url, DEMO_CREDENTIALS.clientId, `${nsSeq++}`)}`;
      return Promise.all(
        Array.from({ length: n }, async () => {
          const tokenStore = await store(ns, over);
          const client = serviceClient(emu.url, {}, { tokenStore, ...(over.now ? { now: over.now } : {}) });
          return { client, tokenStore };
        }),
      );
    };

    it('three replicas starting at once mint one token between them, and keep it sealed in Redis', async () => {
      await emu.admin.resetStats();
      const replicas = await fleetOf(3);
      await Promise.all(replicas.flatMap(({ client }) => [client.getOrgId(), client.getUserId()]));
      expect((await emu.admin.stats()).tokenGrants).toBe(1);
      const raw = (await conns[0]!.client.keys('zgw:{cred:*}:token')).length;
      expect(raw).toBeGreaterThan(0);
      const token = (await replicas[0]!.tokenStore.read())!.value;
      for (const key of await conns[0]!.client.keys('zgw:{cred:*}:token')) {
        expect(await conns[0]!.client.get(key)).not.toContain(token);
      }
      for (const { client } of replicas) client.close();
    });

    it('a token Zoho rejects is replaced once for the fleet: the others adopt the replacement', async () => {
      const replicas = await fleetOf(3);
      await Promise.all(replicas.map(({ client }) => client.getOrgId()));
      const first = (await replicas[0]!.tokenStore.read())!.value;
      await emu.admin.resetStats();
      // Zoho forgets the token (revoked, or expired early): every replica meets a 401.
      await emu.admin.config({ liveTokenLimit: 1 });
      const grant = await fetch(`${emu.url}/oauth/v2/token`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({
          grant_type: 'refresh_token',
          client_id: DEMO_CREDENTIALS.clientId,
          client_secret: DEMO_CREDENTIALS.clientSecret,
          refresh_token: DEMO_CREDENTIALS.refreshToken,
        }),
      });
      expect(grant.status).toBe(200);
      await emu.admin.config({ liveTokenLimit: 15 });
      await Promise.all(
        replicas.map(({ client }) =>
          client.request({ method: 'GET', route: '/users', query: { type: 'CurrentUser' } }),
        ),
      );
      const stats = await emu.admin.stats();
      // The grant above (which revoked the fleet's token) and one grant for the whole fleet.
      expect(stats.tokenGrants).toBe(2);
      expect((await replicas[1]!.tokenStore.read())!.value).not.toBe(first);
      for (const { client } of replicas) client.close();
    });

    it('a token that runs out by the clock is renewed once for the fleet, ahead of Zoho refusing it', async () => {
      // The replicas read the emulator's clock, as replicas and Zoho share the time of day.
      const replicas = await fleetOf(3, { now: emu.emu.clock.now });
      await Promise.all(replicas.map(({ client }) => client.getOrgId()));
      const first = (await replicas[0]!.tokenStore.read())!.value;
      await emu.admin.resetStats();
      for (let expiry = 1; expiry <= 3; expiry++) {
        await emu.admin.advanceClock(3_600_000);
        await Promise.all(
          replicas.flatMap(({ client }) =>
            [1, 2].map(() => client.request({ method: 'GET', route: '/users', query: { type: 'CurrentUser' } })),
          ),
        );
      }
      const stats = await emu.admin.stats();
      // One grant per expiry for the whole fleet, and no call met a 401 (the token was renewed first).
      expect(stats.tokenGrants).toBe(3);
      expect(stats.rejected['401'] ?? 0).toBe(0);
      expect((await replicas[2]!.tokenStore.read())!.value).not.toBe(first);
      await emu.admin.resetClock();
      for (const { client } of replicas) client.close();
    });

    it("refuses a mint past the fleet's limit, whichever replica asks", async () => {
      const [a, b] = await fleetOf(2, { mintLimit: 1 });
      await a!.client.getOrgId();
      const stale = (await a!.tokenStore.read())!.value;
      await expect(
        b!.tokenStore.refresh(stale, () => Promise.reject(new Error('must not mint'))),
      ).rejects.toMatchObject({
        code: 'OAUTH_MINT_LIMIT',
        details: { refusedBy: 'fleet' },
      });
      a!.client.close();
      b!.client.close();
    });

    it('ignores a stored token that another key sealed (a replica with another GATEWAY_TOKEN_KEY)', async () => {
      const ns = credentialNamespace(emu.url, DEMO_CREDENTIALS.clientId, `other-key-${nsSeq++}`);
      const one = await store(ns);
      const other = await store(ns, { secret: 'a-different-key-of-at-least-32-characters' });
      await one.refresh(null, async () => ({
        value: 'tok',
        apiDomain: null,
        refreshAt: Date.now() + 60_000,
        expiresAt: Date.now() + 70_000,
      }));
      expect((await one.read())?.value).toBe('tok');
      expect(await other.read()).toBeNull();
    });
  });
});
