/**
 * The `fleet` workload: what Zoho's limit on calls in flight does to a fleet of replicas. The same
 * load (the small read of distinct contacts, `FLEET_CONNECTIONS` connections, each operation sent
 * to the next replica in turn) against the stub upstream with Zoho's limit of 10 calls in flight
 * and 50 ms per call, through three set-ups of the compiled gateway as production starts it:
 *
 * - `fleet-1-replica`: one process, ZOHO_CONCURRENCY=10, no Redis;
 * - `fleet-3-redis`: three processes sharing a redis-server (AOF on, as production requires) with
 *   REDIS_URL, ZOHO_CONCURRENCY=10 being the whole fleet's limit, GATEWAY_EXPECTED_REPLICAS=3;
 * - `fleet-3-no-redis`: three processes each with ZOHO_CONCURRENCY=10 and no Redis, each guarding
 *   its own 10: what the fleet's shared budget fixes.
 *
 * Zoho's limit is the bottleneck, so three replicas cannot be faster than one; on Redis they should
 * not be slower, nor fail, nor draw 429s. Each set-up is started once (its token grants counted
 * from its start), warmed at no latency (every contact's answers recorded by the stub), and then,
 * per repetition, run for a settling period under the limit (the adaptive limits find their level;
 * its 429s and failures are reported apart) before the measured period. Repetitions interleave the
 * set-ups, as the ratio workloads do.
 */
import { mkdirSync, rmSync } from 'node:fs';
import path from 'node:path';
import { spawnSync } from 'node:child_process';
import { Redis } from 'ioredis';
import { cpuMs, freePort, peakRssMb, resetPeakRss, spawnServer, type Child } from './proc.ts';
import { runLoop, summarize } from './loop.ts';
import { aggregateReps, median, unmeasuredRow, type Row } from './report.ts';
import type { StubStats } from './stub-upstream.ts';
import { SMALL_READ } from './workloads.ts';
import { ZohoCallsWindow, checkOf } from './zoho-calls.ts';

export const FLEET_WORKLOAD = 'fleet';
export const FLEET_CONNECTIONS = 30;
export const FLEET_LIMIT = 10;
export const FLEET_LATENCY_MS = 50;

export type FleetVariant = 'fleet-1-replica' | 'fleet-3-redis' | 'fleet-3-no-redis';

interface Setup {
  variant: FleetVariant;
  replicas: number;
  redis: boolean;
}

export const FLEET_SETUPS: readonly Setup[] = [
  { variant: 'fleet-1-replica', replicas: 1, redis: false },
  { variant: 'fleet-3-redis', replicas: 3, redis: true },
  { variant: 'fleet-3-no-redis', replicas: 3, redis: false },
];

export const FLEET_EXPLANATION =
  '1 email page per read, as in small-read-throughput. Every call, refused or not, counts: a 429 is a call Zoho answered. The limit of 10 calls in flight at 50 ms bounds any client, one process or many, at 10 ÷ 0.05 s = 200 calls/s: 200 reads/s at the minimum, 100 at 2 calls per read.';

export interface FleetUpstream {
  url: string;
  configure(c: Record<string, unknown>): Promise<void>;
  stats(): Promise<StubStats>;
  resetStats(): Promise<void>;
}

export interface FleetOptions {
  stub: FleetUpstream;
  contactIds: readonly string[];
  /** The production start's environment for one replica (its own state database under `name`). */
  env(name: string): Record<string, string>;
  tmp: string;
  quick: boolean;
  reps: number;
  /** Only these set-ups (all when empty). */
  variants?: readonly string[];
  log(s: string): void;
}

interface Replica {
  child: Child;
  url: string;
  base: string;
}

interface Running {
  setup: Setup;
  replicas: Replica[];
  tokenGrantsAtStart: number;
}

export const hasRedisServer = () => spawnSync('redis-server', ['--version'], { stdio: 'ignore' }).status === 0;

const sum = (xs: Record<string, number>) => Object.values(xs).reduce((a, b) => a + b, 0);

/** The small read of contact i, through a replica; throws with a stable code on any failure. */
async function smallRead(
  url: string,
  contactId: string,
  codes: Map<string, number>,
  zohoCalls?: ZohoCallsWindow,
): Promise<void> {
  let code: string | null = null;
  try {
    const res = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ query: SMALL_READ, variables: { id: contactId } }),
      signal: AbortSignal.timeout(30_000),
    });
    const text = await res.text();
    type Body = {
      data?: { contact?: unknown };
      errors?: Array<{ extensions?: { code?: string } }>;
      extensions?: unknown;
    };
    let body: Body | null;
    try {
      body = JSON.parse(text) as Body;
    } catch {
      // Not JSON: the status says it.
      body = null;
    }
    zohoCalls?.add(body?.extensions);
    if (body?.errors?.length) code = String(body.errors[0]!.extensions?.code ?? 'GRAPHQL_ERROR');
    else if (!res.ok) code = `HTTP_${res.status}`;
    else if (!body?.data?.contact) code = 'NO_CONTACT';
  } catch (e) {
    code = e instanceof Error && e.name === 'TimeoutError' ? 'CLIENT_TIMEOUT' : 'CONNECTION_ERROR';
  }
  if (code) {
    codes.set(code, (codes.get(code) ?? 0) + 1);
    throw new Error(code);
  }
}

/**
 * Redis's commands since its last CONFIG RESETSTAT, the bench's own left out: the scripts run
 * (EVAL, EVALSHA: one round trip each) and every command, those run inside the scripts included.
 */
async function redisCommands(admin: Redis): Promise<{ scripts: number; commands: number }> {
  const out = { scripts: 0, commands: 0 };
  for (const m of (await admin.info('commandstats')).matchAll(/^cmdstat_([a-z|]+):calls=(\d+)/gm)) {
    if (m[1] === 'info' || m[1]!.startsWith('config')) continue;
    out.commands += Number(m[2]);
    if (m[1] === 'eval' || m[1] === 'evalsha') out.scripts += Number(m[2]);
  }
  return out;
}

async function effectiveLimit(r: Replica): Promise<number | null> {
  try {
    const text = await (await fetch(`${r.base}/metrics`, { signal: AbortSignal.timeout(5_000) })).text();
    const m = /^gateway_zoho_budget_effective_limit(?:\{[^}]*\})? (\S+)$/m.exec(text);
    return m ? Number(m[1]) : null;
  } catch {
    return null;
  }
}

export async function runFleet(o: FleetOptions): Promise<{ rows: Row[]; errors: number }> {
  const { stub, log } = o;
  const settleMs = o.quick ? 1_000 : 3_000;
  const measureMs = o.quick ? 2_500 : 10_000;
  const setups = FLEET_SETUPS.filter((s) => !o.variants?.length || o.variants.includes(s.variant));
  const rows: Row[] = [];
  let errors = 0;
  const contacts = o.contactIds;
  if (contacts.length < FLEET_CONNECTIONS)
    log(`fleet: only ${contacts.length} distinct contacts for ${FLEET_CONNECTIONS} connections`);

  // Every process started here, stopped at the end whatever failed (and killed by proc.ts if the
  // bench itself dies).
  const spawned: Child[] = [];
  let redis: { child: Child; url: string; admin: Redis } | null = null;
  let noRedis: { status: Row['status']; note: string } | null = null;
  const redisDir = path.join(o.tmp, 'fleet-redis');
  if (setups.some((s) => s.redis)) {
    if (!hasRedisServer()) noRedis = { status: 'not available', note: 'redis-server not installed' };
    else {
      try {
        mkdirSync(redisDir, { recursive: true });
        const port = await freePort();
        // AOF on (fsync every second, Redis's default): production requires persistence for the
        // journal, so the gateway needs no GATEWAY_REDIS_ALLOW_NO_PERSISTENCE here.
        const child = spawnServer(
          ['--port', String(port), '--bind', '127.0.0.1', '--dir', redisDir, '--save', '', '--appendonly', 'yes'],
          { command: 'redis-server', env: {}, logFile: path.join(o.tmp, 'fleet-redis.log') },
        );
        spawned.push(child);
        await child.waitFor('Ready to accept connections', 15_000);
        // The bench's own connection, for Redis's command count (INFO stats).
        const admin = new Redis(`redis://127.0.0.1:${port}`, { lazyConnect: true, maxRetriesPerRequest: 1 });
        await admin.connect();
        redis = { child, url: `redis://127.0.0.1:${port}`, admin };
        log(`fleet: redis-server (AOF on) at ${redis.url}`);
      } catch (e) {
        const msg = e instanceof Error ? e.message.split('\n')[0]! : String(e);
        log(`fleet: redis-server could not start: ${msg}`);
        noRedis = { status: 'error', note: `redis-server could not start: ${msg}`.slice(0, 300) };
        errors++;
      }
    }
  }

  const running: Running[] = [];
  try {
    // ---------------------------------------------------------------------------- start each
    for (const setup of setups) {
      if (setup.redis && !redis) {
        rows.push(naRow(setup.variant, noRedis!.status, noRedis!.note));
        continue;
      }
      try {
        await stub.configure({});
        await stub.resetStats();
        const replicas = await Promise.all(
          Array.from({ length: setup.replicas }, async (_, k): Promise<Replica> => {
            const name = `${setup.variant}-${k + 1}`;
            const env = {
              ...o.env(name),
              ...(setup.redis ? { REDIS_URL: redis!.url, GATEWAY_EXPECTED_REPLICAS: String(setup.replicas) } : {}),
            };
            const child = spawnServer(['dist/main.js'], { env, logFile: path.join(o.tmp, `${name}.log`) });
            spawned.push(child);
            const { match } = await child.waitFor<{ match: RegExpExecArray }>('GraphQL gateway:\\s+(\\S+)');
            // On Redis, a replica takes only its local share of the limit until it has joined.
            if (setup.redis) await child.waitFor('joined the fleet', 30_000);
            const url = match[1]!;
            return { child, url, base: url.replace(/\/graphql$/, '') };
          }),
        );
        const r: Running = { setup, replicas, tokenGrantsAtStart: 0 };
        // Warm-up at no latency: every contact once, through every replica in turn, so that the
        // stub has recorded every answer and each process has its token and metadata.
        const codes = new Map<string, number>();
        const warm = await runLoop(
          (i) => smallRead(replicas[i % replicas.length]!.url, contacts[i % contacts.length]!, codes),
          { concurrency: 4, maxOps: Math.max(contacts.length, 4 * replicas.length), maxMs: 60_000 },
        );
        if (warm.failures > 0) throw new Error(`warm-up failed: ${warm.firstFailure}`);
        r.tokenGrantsAtStart = (await stub.stats()).tokenGrants;
        running.push(r);
        log(
          `fleet: ${setup.variant} started (${replicas.length} process${replicas.length > 1 ? 'es' : ''}, ${r.tokenGrantsAtStart} token grant${r.tokenGrantsAtStart === 1 ? '' : 's'})`,
        );
      } catch (e) {
        const msg = e instanceof Error ? e.message.split('\n')[0]! : String(e);
        log(`fleet: ${setup.variant} could not start: ${msg}`);
        rows.push(naRow(setup.variant, 'error', `could not start: ${msg}`.slice(0, 300)));
        errors++;
      }
    }

    // ---------------------------------------------------------------------------- measure
    const repRows: Row[] = [];
    for (let rep = 1; rep <= o.reps; rep++) {
      const order = running.map((_, k) => running[(k + rep - 1) % running.length]!);
      for (const r of order) {
        try {
          repRows.push(await measure(r, rep));
          const row = repRows.at(-1)!;
          log(
            `fleet: ${r.setup.variant.padEnd(17)}${o.reps > 1 ? ` #${rep}` : ''}  ${row.opsPerSec!.toFixed(1).padStart(6)} ops/s` +
              `  p50 ${row.p50Ms!.toFixed(0)} ms  p99 ${row.p99Ms!.toFixed(0)} ms  ${row.http429} × 429 of ${row.upstreamCalls} calls` +
              `  failed ${row.failures}  in flight ≤ ${row.upstreamMaxInFlight}  offered ≤ ${row.upstreamMaxOffered}` +
              `  (settling: ${row.settleHttp429} × 429, ${row.settleFailures} failed)`,
          );
        } catch (e) {
          const msg = e instanceof Error ? e.message : String(e);
          log(`fleet: ${r.setup.variant}: ${msg}`);
          rows.push(naRow(r.setup.variant, 'error', msg.slice(0, 300)));
          errors++;
        }
      }
    }
    for (const row of aggregateFleet(repRows)) rows.push(row);
  } finally {
    await stub.configure({});
    redis?.admin.disconnect();
    // The replicas first, so that none loses its Redis while it closes.
    await Promise.all(spawned.filter((c) => c !== redis?.child).map((c) => c.stop()));
    await Promise.all(spawned.map((c) => c.stop()));
    rmSync(redisDir, { recursive: true, force: true });
  }
  // The set-ups in their own order, whatever failed where.
  const rank = (v: string) => FLEET_SETUPS.findIndex((s) => s.variant === v);
  rows.sort((a, b) => rank(a.variant) - rank(b.variant));
  return { rows, errors };

  async function measure(r: Running, rep: number): Promise<Row> {
    const { replicas, setup } = r;
    // Latencies by replica too: a fleet whose replicas are served unevenly shows it there.
    const load = (maxMs: number, codes: Map<string, number>, byReplica?: number[][], zohoCalls?: ZohoCallsWindow) =>
      runLoop(
        async (i) => {
          const k = i % replicas.length;
          const t = performance.now();
          try {
            await smallRead(replicas[k]!.url, contacts[i % contacts.length]!, codes, zohoCalls);
          } finally {
            byReplica?.[k]!.push(performance.now() - t);
          }
        },
        { concurrency: FLEET_CONNECTIONS, maxOps: 10_000_000, maxMs },
      );
    await stub.configure({ latencyMs: FLEET_LATENCY_MS, jitterMs: 0, concurrencyLimit: FLEET_LIMIT });
    try {
      // Settling: the adaptive limits (each process's, or the fleet's in Redis) find their level.
      await stub.resetStats();
      const settleCodes = new Map<string, number>();
      const settled = await load(settleMs, settleCodes);
      const s = await stub.stats();

      await stub.resetStats();
      const pids = replicas.map((x) => x.child.pid);
      for (const pid of pids) resetPeakRss(pid);
      const cpu0 = pids.map(cpuMs);
      const redisCpu0 = redis && setup.redis ? cpuMs(redis.child.pid) : 0;
      if (redis && setup.redis) await redis.admin.config('RESETSTAT');
      const codes = new Map<string, number>();
      const byReplica = replicas.map((): number[] => []);
      const window = new ZohoCallsWindow();
      const res = await load(measureMs, codes, byReplica, window);
      const cpu = pids.reduce((n, pid, k) => n + cpuMs(pid) - cpu0[k]!, 0);
      const redisCpu = redis && setup.redis ? cpuMs(redis.child.pid) - redisCpu0 : null;
      const commands = redis && setup.redis ? await redisCommands(redis.admin) : null;
      const stats = await stub.stats();
      const limits = await Promise.all(replicas.map(effectiveLimit));
      const calls = sum(stats.requests);
      const ops = Math.max(res.ops, 1);
      const { p50, p95, p99 } = summarize(res.latencies);
      const row: Row = {
        name: FLEET_WORKLOAD,
        variant: setup.variant,
        upstream: 'stub',
        latencyMs: FLEET_LATENCY_MS,
        ...(o.reps > 1 ? { rep } : {}),
        opsPerSec: res.ops / (res.durationMs / 1000),
        p50Ms: p50,
        p95Ms: p95,
        p99Ms: p99,
        cpuMsPerOp: cpu / ops,
        redisCpuMsPerOp: redisCpu === null ? null : redisCpu / ops,
        redisScriptsPerOp: commands === null ? null : commands.scripts / ops,
        redisCommandsPerOp: commands === null ? null : commands.commands / ops,
        rssMb: Math.max(...pids.map(peakRssMb)),
        upstreamCallsPerOp: calls / ops,
        minimalUpstreamCallsPerOp: 1,
        status: 'ok',
        replicas: setup.replicas,
        redis: setup.redis,
        zohoConcurrency: FLEET_LIMIT,
        connections: FLEET_CONNECTIONS,
        measuredMs: res.durationMs,
        ops: res.ops,
        failures: res.failures,
        failuresByCode: Object.fromEntries(codes),
        upstreamCalls: calls,
        http429: stats.rejected['429'] ?? 0,
        upstreamMaxInFlight: stats.maxInFlight,
        upstreamMaxOffered: stats.maxOffered,
        stubMisses: stats.misses,
        tokenGrantsAtStart: r.tokenGrantsAtStart,
        tokenGrantsDuring: s.tokenGrants + stats.tokenGrants,
        effectiveLimits: limits,
        perReplica: byReplica.map((l) => {
          const q = summarize(l);
          return { ops: l.length, p50Ms: q.p50, p99Ms: q.p99 };
        }),
        settleMs: settled.durationMs,
        settleOps: settled.ops,
        settleFailures: settled.failures,
        settleCalls: sum(s.requests),
        settleHttp429: s.rejected['429'] ?? 0,
        settleMaxOffered: s.maxOffered,
        settleFailuresByCode: Object.fromEntries(settleCodes),
        zohoCalls: checkOf(
          window,
          { byRoute: stats.requests, rejected429: stats.rejected['429'] ?? 0 },
          res.ops,
          'every measured operation, all replicas',
        ),
        explanation: FLEET_EXPLANATION,
      };
      return row;
    } finally {
      await stub.configure({});
    }
  }
}

/** Medians of the repetitions (report.ts), with the fleet's own counters folded: sums, maxima, the last limits. */
function aggregateFleet(repRows: Row[]): Row[] {
  const byVariant = new Map<string, Row[]>();
  for (const r of repRows) byVariant.set(r.variant, [...(byVariant.get(r.variant) ?? []), r]);
  return aggregateReps(repRows).map((agg) => {
    const g = byVariant.get(agg.variant) ?? [];
    if (g.length <= 1) return agg;
    const merge = (k: string) => {
      const out: Record<string, number> = {};
      for (const r of g)
        for (const [c, v] of Object.entries(r[k] as Record<string, number>)) out[c] = (out[c] ?? 0) + v;
      return out;
    };
    const med = (k: string) => {
      const xs = g.map((r) => r[k]).filter((x): x is number => typeof x === 'number');
      return xs.length ? median(xs) : null;
    };
    const add = (k: string) => g.reduce((n, r) => n + (r[k] as number), 0);
    const last = g.reduce((a, b) => ((b.rep ?? 0) > (a.rep ?? 0) ? b : a));
    return {
      ...agg,
      failuresByCode: merge('failuresByCode'),
      settleFailuresByCode: merge('settleFailuresByCode'),
      redisCpuMsPerOp: med('redisCpuMsPerOp'),
      redisScriptsPerOp: med('redisScriptsPerOp'),
      redisCommandsPerOp: med('redisCommandsPerOp'),
      upstreamCalls: add('upstreamCalls'),
      tokenGrantsDuring: add('tokenGrantsDuring'),
      settleFailures: add('settleFailures'),
      settleCalls: add('settleCalls'),
      settleHttp429: add('settleHttp429'),
      settleOps: add('settleOps'),
      measuredMs: add('measuredMs'),
      upstreamMaxInFlight: Math.max(...g.map((r) => r.upstreamMaxInFlight as number)),
      upstreamMaxOffered: Math.max(...g.map((r) => r.upstreamMaxOffered as number)),
      settleMaxOffered: Math.max(...g.map((r) => r.settleMaxOffered as number)),
      effectiveLimits: last.effectiveLimits,
      perReplica: last.perReplica,
      perReplicaByRep: g.map((r) => r.perReplica),
    };
  });
}

function naRow(variant: FleetVariant, status: Row['status'], note: string): Row {
  return unmeasuredRow({ name: FLEET_WORKLOAD, variant, upstream: 'stub', latencyMs: FLEET_LATENCY_MS }, status, note);
}
