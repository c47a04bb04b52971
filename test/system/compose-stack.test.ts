/**
 * deploy/compose/ with its demo override, run as plain processes (there is no Docker engine here):
 * Redis with the compose file's own arguments, one standalone emulator, 3 gateway replicas with the
 * compose file's settings, and Hive Gateway from npm with the committed router config in front.
 * Between the router and the replicas, a small TCP balancer stands in for what Docker's DNS or a
 * Kubernetes Service does: each new connection goes to the next replica whose /health/ready
 * answered 200 when last polled.
 *
 * What a user of the compose file sees: queries through the router reach all replicas, which
 * share one org; callers without a key are refused; and a replica stopped with SIGTERM drains
 * while the router keeps answering, with no failed query.
 *
 * Hive Gateway is large (about 500 MB installed), so it lives in its own package,
 * deploy/compose/router, installed here on first run (`npm ci --prefix deploy/compose/router`),
 * never by the root install; the test skips, saying why, when it cannot be installed, and when
 * redis-server is missing.
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createConnection, createServer, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { parse } from 'yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hasRedis, REDIS_MISSING } from '../support/redis.ts';
import { LINK_MUTATION } from '../support/operations.ts';
import { parseMetrics, ROOT, spawnGateway, type GatewayProcess } from '../ops/support.ts';
import { HIVE_BIN, installRouter, ROUTER_DIR } from '../support/hive-gateway.ts';

const COMPOSE = join(ROOT, 'deploy/compose');

const composeTags = ['!override', '!reset'].flatMap((tag) => [
  { tag, collection: 'seq' as const, resolve: (v: unknown) => v },
  { tag, collection: 'map' as const, resolve: (v: unknown) => v },
  { tag, resolve: (v: string) => v },
]);
const yaml = (file: string) => parse(readFileSync(join(COMPOSE, file), 'utf8'), { customTags: composeTags }) as any;
const base = yaml('docker-compose.yml');
const demo = yaml('docker-compose.demo.yml');
const envFile = (file: string): Record<string, string> =>
  Object.fromEntries(
    readFileSync(join(COMPOSE, file), 'utf8')
      .split('\n')
      .filter((l) => /^[A-Z][A-Z0-9_]*=/.test(l))
      .map((l) => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1)]),
  );
const DEMO_ENV = envFile('demo.env');
const API_KEY = DEMO_ENV.GATEWAY_API_KEYS!.split(',')[0]!;
const CONTACT = '5843104000005878180';
const QUERY = `{ contact(id: "${CONTACT}") { fullName } }`;

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
  });
}

/**
 * Round robin over the replicas that were ready at the last poll, per connection, as kube-proxy
 * does over a Service's ready endpoints. It counts what it did, for the assertions.
 */
async function startBalancer(backends: Array<{ base: string; port: number }>) {
  const ready = backends.map(() => true);
  const connections = backends.map(() => 0);
  const notReadySeen = backends.map(() => 0);
  const sockets = new Set<Socket>();
  let next = 0;
  let stopped = false;
  const poll = async () => {
    while (!stopped) {
      await Promise.all(
        backends.map(async (b, i) => {
          const status = await fetch(`${b.base}/health/ready`, { signal: AbortSignal.timeout(4_000) }).then(
            (r) => (void r.body?.cancel(), r.status),
            () => 0,
          );
          ready[i] = status === 200;
          if (status !== 200) notReadySeen[i]!++;
        }),
      );
      await new Promise((r) => setTimeout(r, 200));
    }
  };
  const polling = poll();
  const server: Server = createServer((client) => {
    const candidates = backends.map((_, i) => i).filter((i) => ready[i]);
    if (candidates.length === 0) return client.destroy();
    const i = candidates[next++ % candidates.length]!;
    connections[i]!++;
    const upstream = createConnection(backends[i]!.port, '127.0.0.1');
    for (const s of [client, upstream]) {
      sockets.add(s);
      s.on('close', () => sockets.delete(s));
      s.on('error', () => {
        client.destroy();
        upstream.destroy();
      });
    }
    client.pipe(upstream);
    upstream.pipe(client);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    url: `http://127.0.0.1:${(server.address() as { port: number }).port}`,
    connections,
    notReadySeen,
    close: async () => {
      stopped = true;
      await polling;
      for (const s of sockets) s.destroy();
      await new Promise<void>((r) => server.close(() => r()));
    },
  };
}

async function admin(method: string, path: string, body: unknown): Promise<void> {
  const res = await fetch(emulatorUrl + path, {
    method,
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  expect(res.ok).toBe(true);
}

async function gql(url: string, query: string, variables?: unknown, key: string | null = API_KEY): Promise<any> {
  const res = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(key ? { 'x-api-key': key } : {}) },
    body: JSON.stringify({ query, variables }),
  });
  return { status: res.status, ...((await res.json()) as object) };
}

let emulatorUrl = '';

const skipReason = !hasRedis ? REDIS_MISSING : null;
if (skipReason) console.warn(skipReason);

describe.skipIf(skipReason !== null)('the compose stack, as processes', () => {
  const running: GatewayProcess[] = [];
  let redis: ChildProcess | null = null;
  let redisDir: string;
  let redisUrl: string;
  let replicas: Array<{ p: GatewayProcess; url: string; base: string; port: number }>;
  let balancer: Awaited<ReturnType<typeof startBalancer>>;
  let routerUrl: string;
  let routerMissing: string | null = null;

  beforeAll(async () => {
    routerMissing = installRouter();
    if (routerMissing) {
      console.warn(`Skipping the compose stack test: Hive Gateway is not available (${routerMissing}).`);
      return;
    }
    if (!existsSync(join(ROOT, 'dist/main.js'))) execFileSync('npm', ['run', 'build'], { cwd: ROOT, stdio: 'inherit' });

    // Redis, with the compose file's command plus what a shared machine needs: a free loopback port
    // and a folder of its own.
    const [redisBin, ...redisArgs] = base.services.redis.command as string[];
    redisDir = mkdtempSync(join(tmpdir(), 'compose-redis-'));
    const redisPort = await freePort();
    redis = spawn(redisBin!, [...redisArgs, '--port', String(redisPort), '--bind', '127.0.0.1', '--dir', redisDir], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    await new Promise<void>((resolve, reject) => {
      let out = '';
      redis!.stdout!.on('data', (d: Buffer) => {
        out += d.toString();
        if (/Ready to accept connections/.test(out)) resolve();
      });
      redis!.once('exit', (code) => reject(new Error(`redis-server exited (${code}):\n${out}`)));
    });
    redisUrl = `redis://127.0.0.1:${redisPort}${new URL(base.services.gateway.environment.REDIS_URL).pathname}`;

    // The emulator as the demo override runs it: dist/emulator/main.js, on loopback here.
    const emulatorEnv = demo.services.emulator.environment;
    const emulator = spawnGateway(
      { ...emulatorEnv, EMULATOR_HOST: '127.0.0.1', EMULATOR_PORT: '0', EMULATOR_DB: ':memory:' },
      'dist',
      {
        script: demo.services.emulator.command[1],
      },
    );
    running.push(emulator);
    emulatorUrl = (await emulator.waitFor(/emulator listening on (\S+)/))[1]!;

    // The replicas: the compose file's environment and demo.env, with this machine's addresses.
    const gatewayEnv: Record<string, string> = {
      ...DEMO_ENV,
      ...base.services.gateway.environment,
      HOST: '127.0.0.1',
      PORT: '0',
      ZOHO_API_BASE_URL: emulatorUrl,
      ZOHO_ACCOUNTS_URL: emulatorUrl,
      REDIS_URL: redisUrl,
    };
    replicas = await Promise.all(
      Array.from({ length: base.services.gateway.deploy.replicas as number }, async () => {
        const p = spawnGateway(gatewayEnv, 'dist');
        running.push(p);
        const url = (await p.waitFor(/GraphQL gateway:\s+(\S+)/))[1]!;
        return { p, url, base: url.replace(/\/graphql$/, ''), port: Number(new URL(url).port) };
      }),
    );
    balancer = await startBalancer(replicas);

    // The router: the compose file's command and environment, the supergraph at its real path.
    const routerPort = await freePort();
    const command = (base.services.router.command as string[]).map((a) =>
      a === '/gateway/supergraph.graphql'
        ? join(ROOT, 'supergraph/supergraph.graphql')
        : a === '/gateway/gateway.config.mjs'
          ? join(ROUTER_DIR, 'gateway.config.mjs')
          : a,
    );
    command[command.indexOf('--port') + 1] = String(routerPort);
    const router = spawnGateway(
      {
        ...base.services.router.environment,
        ZOHO_EMAIL_SUBGRAPH_URL: `${balancer.url}/graphql`,
      },
      'dist',
      { script: HIVE_BIN, args: [...command, '--host', '127.0.0.1'], cwd: ROUTER_DIR },
    );
    running.push(router);
    await router.waitFor(/Listening on/);
    routerUrl = `http://127.0.0.1:${routerPort}/graphql`;
  }, 900_000);

  afterAll(async () => {
    await balancer?.close();
    await Promise.all(running.map((p) => p.stop()));
    if (redis && redis.exitCode === null) {
      const proc = redis;
      await new Promise<void>((r) => {
        proc.once('exit', () => r());
        proc.kill('SIGTERM');
      });
    }
    if (redisDir) rmSync(redisDir, { recursive: true, force: true });
  });

  it('runs Redis with an append-only file, as the compose file asks', async (ctx) => {
    if (routerMissing) return ctx.skip();
    const client = new Redis(redisUrl, { lazyConnect: true, maxRetriesPerRequest: 1 });
    try {
      await client.connect();
      expect(await client.config('GET', 'appendonly')).toEqual(['appendonly', 'yes']);
      expect(await client.config('GET', 'appendfsync')).toEqual(['appendfsync', 'everysec']);
      expect(await client.config('GET', 'maxmemory-policy')).toEqual(['maxmemory-policy', 'noeviction']);
    } finally {
      client.disconnect();
    }
  });

  it('answers queries through the router from every replica, which share one org', async (ctx) => {
    if (routerMissing) return ctx.skip();
    // Zoho a little slow, so that concurrent queries overlap and the router opens several
    // connections, as under real load; each query distinct, or the router would send one for all.
    await admin('PUT', '/__emulator/config', { latencyMs: 150 });
    let ok = 0;
    try {
      for (let round = 0; round < 3; round++) {
        const answers = await Promise.all(
          Array.from({ length: 10 }, (_, i) =>
            gql(routerUrl, `{ contact(id: "${CONTACT}") { fullName emails(first: ${i + 1}) { nodes { id } } } }`),
          ),
        );
        answers.forEach((a, i) => {
          if (a.status === 200 && a.data?.contact?.emails.nodes.length === i + 1) ok++;
        });
      }
    } finally {
      await admin('PUT', '/__emulator/config', { latencyMs: 0 });
    }
    expect(ok).toBe(30);
    for (const [i, r] of replicas.entries()) {
      expect(balancer.connections[i], `connections to replica ${i}`).toBeGreaterThan(0);
      const served = parseMetrics(await (await fetch(`${r.base}/metrics`)).text()).value(
        'gateway_graphql_operations_total',
        { outcome: 'success' },
      );
      expect(served, `operations served by replica ${i}`).toBeGreaterThan(0);
    }

    // A link made through the router is seen by each replica: one emulator is their Zoho.
    const { data: before } = await gql(
      replicas[0]!.url,
      `{ contact(id: "${CONTACT}") { emails(first: 2) { nodes { messageId owner { id } linkedDeal { id } } } deals { id } } }`,
    );
    const emails = before.contact.emails.nodes as Array<{
      messageId: string;
      owner: { id: string };
      linkedDeal: { id: string } | null;
    }>;
    const dealId = (before.contact.deals as Array<{ id: string }>).find((d) =>
      emails.some((e) => e.linkedDeal?.id !== d.id),
    )!.id;
    const linked = await gql(routerUrl, LINK_MUTATION, {
      input: {
        dealId,
        emails: emails.map((e) => ({ contactId: CONTACT, messageId: e.messageId, ownerId: e.owner.id })),
      },
    });
    expect(linked.data.linkEmailsToDeal.succeededCount).toBe(emails.length);
    for (const r of replicas) {
      const { data } = await gql(
        r.url,
        `{ contact(id: "${CONTACT}") { emails(first: 2) { nodes { linkedDeal { id } } } } }`,
      );
      expect(data.contact.emails.nodes.map((e: any) => e.linkedDeal.id)).toEqual(emails.map(() => dealId));
    }

    // One access token for the whole fleet, through Redis.
    const stats = (await (await fetch(`${emulatorUrl}/__emulator/stats`)).json()) as { tokenGrants: number };
    expect(stats.tokenGrants).toBe(1);
  });

  it('refuses a caller without a key, through the router as directly', async (ctx) => {
    if (routerMissing) return ctx.skip();
    const res = await gql(routerUrl, QUERY, undefined, null);
    expect(res.data?.contact ?? null).toBeNull();
    expect(res.errors[0].extensions.code).toBe('UNAUTHENTICATED');
  });

  it('keeps answering through the router while a replica drains and stops on SIGTERM', async (ctx) => {
    if (routerMissing) return ctx.skip();
    const servedBy = async (r: (typeof replicas)[number]) =>
      parseMetrics(await (await fetch(`${r.base}/metrics`)).text()).value('gateway_graphql_operations_total');
    const total = async (rs: typeof replicas) => (await Promise.all(rs.map(servedBy))).reduce((a, b) => a + b, 0);
    const before = await Promise.all(replicas.map(servedBy));
    const tally = { ok: 0, failed: [] as string[] };
    let done = false;
    // Bounded: 4 callers, each its own query (the router would merge identical ones), until the
    // replica has exited and 40 more answers came; 3000 at most.
    let after = -1;
    const caller = async (n: number) => {
      const query = `{ contact(id: "${CONTACT}") { fullName emails(first: ${n + 1}) { nodes { id } } } }`;
      while (!done && tally.ok + tally.failed.length < 3_000) {
        const a = await gql(routerUrl, query).catch((e: Error) => ({ status: 0, errors: [{ message: e.message }] }));
        if (a.status === 200 && a.data?.contact?.emails?.nodes?.length === n + 1) tally.ok++;
        else tally.failed.push(JSON.stringify(a).slice(0, 300));
        if (after >= 0 && tally.ok - after >= 40) done = true;
      }
    };
    // Zoho a little slow again, so that the 4 callers' queries overlap on several connections.
    await admin('PUT', '/__emulator/config', { latencyMs: 100 });
    const load = Promise.all(Array.from({ length: 4 }, (_, n) => caller(n)));
    while (tally.ok + tally.failed.length < 40) await new Promise((r) => setTimeout(r, 25));
    // The one to stop: a replica the router is sending work to right now.
    const during = await Promise.all(replicas.map(servedBy));
    const gain = during.map((n, i) => n - before[i]!);
    const index = gain.indexOf(Math.max(...gain));
    expect(gain[index]).toBeGreaterThan(0);
    const leaving = replicas[index]!;
    const staying = replicas.filter((r) => r !== leaving);
    const stayingBefore = await total(staying);

    leaving.p.child.kill('SIGTERM');
    const exit = await leaving.p.exited;
    after = tally.ok;
    await load;
    await admin('PUT', '/__emulator/config', { latencyMs: 0 });

    expect(exit).toEqual({ code: 0, signal: null });
    const out = leaving.p.output();
    for (const phase of ['shutting down: readiness answers 503', 'closing the listener', '"stopped"']) {
      expect(out).toContain(phase);
    }
    expect(balancer.notReadySeen[index]).toBeGreaterThan(0);
    expect(tally.failed).toEqual([]);
    expect(tally.ok).toBeGreaterThanOrEqual(60);
    // The others carried the load on.
    expect(await total(staying)).toBeGreaterThan(stayingBefore);
  });
});
