/**
 * `npm run bench` (`-- --quick`): every workload × variant against two upstreams, the emulator and
 * the fast stub (bench/lib/stub-upstream.ts), each system under test in its own process so that
 * its CPU and peak RSS are its own; then the per-call client micro-benchmark (bench/client-cpu.ts).
 * The `gateway` variant is the compiled build started as production starts it. Writes
 * bench/results/latest.{json,md,svg} (quick: quick.{json,md}). docs/benchmarks.md explains it all.
 *
 * Never fails on a missed target: it exits non-zero only when the harness itself could not run
 * a workload (a setup or a process that would not start).
 *
 * For development: --only=<workload,…> --variants=<variant,…> --latencies=0,50
 * --upstreams=emulator,stub --reps=N --no-micro narrow the run (the results then overwrite
 * latest.* or quick.* with the subset, or with --merge replace only the workloads that ran).
 * The `fleet` workload (bench/lib/fleet.ts) and the `fairness` workload (bench/lib/fairness.ts)
 * run after the others, on the stub: --only=fleet, --only=fairness. The gateway's answers are read
 * for their `extensions.zohoCalls`, checked against the upstream's count (bench/lib/zoho-calls.ts).
 */
import { execFile, execFileSync } from 'node:child_process';
import os from 'node:os';
import path from 'node:path';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { pathToFileURL } from 'node:url';
import autocannon from 'autocannon';
import { DEMO_CREDENTIALS } from '../src/emulator/seed/demo.ts';
import { ROOT, cpuMs, freePort, peakRssMb, resetPeakRss, spawnChild, spawnServer, type Child } from './lib/proc.ts';
import { runLoop, summarize, type LoopResult, type OpOutcome } from './lib/loop.ts';
import {
  QUICK_WORKLOADS,
  RATIO_WORKLOADS,
  WORKLOADS,
  limitOf,
  runs,
  type UpstreamKind,
  type Variant,
  type Workload,
} from './lib/workloads.ts';
import { smallReadContact as contactOf, type Fixture } from './lib/fixtures.ts';
import { composePeer, installPeer, peerOp, peerSmallReadBody, startPeer } from './lib/peer.ts';
import { FLEET_CONNECTIONS, FLEET_EXPLANATION, FLEET_WORKLOAD, runFleet, type FleetUpstream } from './lib/fleet.ts';
import {
  aggregateReps,
  renderMarkdown,
  renderSvg,
  unmeasuredRow,
  type ClientCpu,
  type Results,
  type Row,
} from './lib/report.ts';
import { ZohoCallsWindow, checkOf } from './lib/zoho-calls.ts';
import {
  FAIRNESS_EXPLANATION,
  FAIRNESS_VARIANTS,
  FAIRNESS_WORKLOAD,
  runFairness,
  type FairnessUpstream,
} from './lib/fairness.ts';

const argv = process.argv.slice(2);
const quick = argv.includes('--quick');
const listArg = (name: string) =>
  argv
    .find((a) => a.startsWith(`--${name}=`))
    ?.slice(name.length + 3)
    .split(',')
    .filter(Boolean);
const only = listArg('only');
const onlyVariants = listArg('variants') as Variant[] | undefined;
const onlyLatencies = listArg('latencies')?.map(Number);
const onlyUpstreams = listArg('upstreams') as UpstreamKind[] | undefined;
const repsArg = listArg('reps')?.map(Number)[0];
const micro = !argv.includes('--no-micro');
const merge = argv.includes('--merge');

// An interrupted run still stops its children (bench/lib/proc.ts kills them on exit).
for (const signal of ['SIGINT', 'SIGTERM'] as const) process.once(signal, () => process.exit(130));

const t0 = Date.now();
const log = (s: string) => console.log(`[bench ${((Date.now() - t0) / 1000).toFixed(0).padStart(4)}s] ${s}`);

const UPSTREAMS: UpstreamKind[] = onlyUpstreams ?? ['emulator', 'stub'];
const LATENCIES: Record<UpstreamKind, number[]> = {
  emulator: onlyLatencies ?? (quick ? [0] : [0, 50]),
  // The stub runs at 0 ms; the workloads with their own latency (link throughput, the hot read) set it.
  stub: [0],
};
const VARIANTS: Record<UpstreamKind, Variant[]> = {
  emulator: quick
    ? ['gateway', 'direct-rest']
    : ['gateway', 'unbatched', 'direct-rest', 'bare-apollo', 'peer-hive-gateway', 'floor'],
  stub: quick
    ? ['gateway', 'bare-apollo', 'direct-rest', 'floor', 'gateway-dedup-off', 'gateway-read-cache']
    : [
        'gateway',
        'bare-apollo',
        'peer-hive-gateway',
        'direct-rest',
        'floor',
        'gateway-dedup-off',
        'gateway-read-cache',
      ],
};
/** Repetitions of the ratio workloads on the stub, interleaved across variants. */
const REPS = repsArg ?? (quick ? 1 : 3);
const SEQ: Record<UpstreamKind, { ops: number; ms: number }> = {
  emulator: quick ? { ops: 8, ms: 3_000 } : { ops: 20, ms: 6_000 },
  stub: quick ? { ops: 150, ms: 1_500 } : { ops: 400, ms: 3_000 },
};
const SEQ_SLOW = { ops: 8, ms: 8_000 };
const THROUGHPUT_S: Record<UpstreamKind, number> = { emulator: quick ? 3 : 8, stub: quick ? 3 : 6 };
const LIMITS_MS: Record<UpstreamKind, number> = { emulator: 20_000, stub: 15_000 };
const WARMUP_OPS = 2;
const STUB_WARM_MS = quick ? 500 : 1_000;

// ------------------------------------------------------------------------------ the build

/** The newest modification time under a folder, in ms. */
function newest(dir: string): number {
  let t = 0;
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    t = Math.max(t, e.isDirectory() ? newest(p) : statSync(p).mtimeMs);
  }
  return t;
}

/** dist/ as `npm run build` makes it: reused when newer than src/ and the tsconfigs, else rebuilt. */
function ensureBuild(): void {
  const main = path.join(ROOT, 'dist/main.js');
  const sources = Math.max(
    newest(path.join(ROOT, 'src')),
    statSync(path.join(ROOT, 'tsconfig.json')).mtimeMs,
    statSync(path.join(ROOT, 'tsconfig.build.json')).mtimeMs,
  );
  if (existsSync(main) && statSync(main).mtimeMs >= sources) {
    log('dist/ is up to date with src/: reusing it');
    return;
  }
  log('building the gateway (npm run build)…');
  execFileSync('npm', ['run', 'build', '--silent'], { cwd: ROOT, stdio: 'inherit', timeout: 300_000 });
}

ensureBuild();

/** The read settings the compiled gateway knows (its config lists every variable it reads). */
const gatewayVars = new Set(
  ((await import(pathToFileURL(path.join(ROOT, 'dist/config.js')).href)) as { GATEWAY_ENV_VARS: string[] })
    .GATEWAY_ENV_VARS,
);
const FEATURES = {
  readDedup: gatewayVars.has('GATEWAY_READ_DEDUP'),
  readCache: gatewayVars.has('GATEWAY_READ_CACHE_MS'),
};
log(
  `gateway read settings: GATEWAY_READ_DEDUP ${FEATURES.readDedup ? 'supported' : 'not available'}, GATEWAY_READ_CACHE_MS ${FEATURES.readCache ? 'supported' : 'not available'}`,
);

const tmp = mkdtempSync(path.join(os.tmpdir(), 'zoho-bench-'));

// ------------------------------------------------------------------------------ upstreams

interface UpstreamStats {
  requests: Record<string, number>;
  rejected: Record<string, number>;
  maxInFlight: number;
  inFlight?: number;
  misses?: number;
}

interface Upstream {
  kind: UpstreamKind;
  url: string;
  child: Child;
  /** Latency, jitter, concurrency limit (both); relink and batch modes (the emulator). */
  configure(c: Record<string, unknown>): Promise<void>;
  stats(): Promise<UpstreamStats>;
  resetStats(): Promise<void>;
}

async function http(base: string, method: string, p: string, body?: unknown): Promise<any> {
  const res = await fetch(`${base}${p}`, {
    method,
    ...(body ? { headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) } : {}),
  });
  if (!res.ok) throw new Error(`${method} ${p}: ${res.status} ${await res.text()}`);
  return res.json();
}

const emu = spawnChild(path.join(ROOT, 'bench/lib/emulator-child.ts'));
const { url: emuUrl } = await emu.waitFor<{ url: string }>('ready');
const BASE_CONFIG = { latencyMs: 0, jitterMs: 0, concurrencyLimit: null, relinkMode: 'replace', batchMode: 'partial' };
const emulator: Upstream = {
  kind: 'emulator',
  url: emuUrl,
  child: emu,
  configure: (c) => http(emuUrl, 'PUT', '/__emulator/config', { ...BASE_CONFIG, ...c }),
  stats: () => http(emuUrl, 'GET', '/__emulator/stats'),
  resetStats: () => http(emuUrl, 'POST', '/__emulator/stats/reset'),
};
log(`emulator at ${emuUrl}`);

let stub: Upstream | null = null;
if (UPSTREAMS.includes('stub')) {
  const child = spawnChild(path.join(ROOT, 'bench/lib/stub-child.ts'), { env: { BENCH_STUB_SOURCE: emuUrl } });
  const { url } = await child.waitFor<{ url: string }>('ready');
  stub = {
    kind: 'stub',
    url,
    child,
    configure: (c) =>
      http(url, 'PUT', '/__stub/config', {
        latencyMs: 0,
        jitterMs: 0,
        concurrencyLimit: null,
        ...Object.fromEntries(
          Object.entries(c).filter(([k]) => ['latencyMs', 'jitterMs', 'concurrencyLimit'].includes(k)),
        ),
      }),
    stats: () => http(url, 'GET', '/__stub/stats'),
    resetStats: () => http(url, 'POST', '/__stub/stats/reset'),
  };
  log(`stub upstream at ${url}`);
}

// ------------------------------------------------------------------------ systems under test

/**
 * The gateway's time in garbage collection so far, by kind (minor, major, incremental, weakcb), in
 * ms: prom-client's `nodejs_gc_duration_seconds` histogram on its /metrics, which a
 * PerformanceObserver fills. Null where the variant has no such metrics.
 */
async function gcMs(graphqlUrl: string | null): Promise<Record<string, number> | null> {
  if (!graphqlUrl) return null;
  try {
    const text = await (await fetch(new URL('/metrics', graphqlUrl))).text();
    const out: Record<string, number> = {};
    for (const m of text.matchAll(/^\w*nodejs_gc_duration_seconds_sum\{kind="(\w+)"\} ([\d.e+-]+)$/gm))
      out[m[1]!] = Number(m[2]) * 1000;
    return Object.keys(out).length ? out : null;
  } catch {
    return null;
  }
}

function gcFigures(before: Record<string, number>, after: Record<string, number>, cpuMsTotal: number, ops: number) {
  const byKind: Record<string, number> = {};
  for (const k of Object.keys(after)) byKind[k] = (after[k]! - (before[k] ?? 0)) / Math.max(ops, 1);
  const msPerOp = Object.values(byKind).reduce((a, b) => a + b, 0);
  return { msPerOp, shareOfCpu: cpuMsTotal > 0 ? (msPerOp * Math.max(ops, 1)) / cpuMsTotal : null, byKind };
}

interface Sut {
  variant: Variant;
  child: Child;
  /** GraphQL endpoint, or the floor's base URL; none for direct-rest. */
  url: string | null;
}

/**
 * The production start's environment: NODE_ENV=production, the default log level, metrics on (the
 * default), service mode with the emulator's demo credentials, Zoho's 10 calls in flight, a state
 * database of its own. GATEWAY_READ_DEDUP passes through from the bench's environment; the read
 * cache is on only in `gateway-read-cache` (GATEWAY_READ_CACHE_MS from the environment, else 1 s).
 */
function gatewayEnv(variant: Variant, up: Upstream): Record<string, string> {
  const env: Record<string, string> = {
    NODE_ENV: 'production',
    PORT: '0',
    HOST: '127.0.0.1',
    ZOHO_API_BASE_URL: up.url,
    ZOHO_ACCOUNTS_URL: up.url,
    ZOHO_AUTH_MODE: 'service',
    ZOHO_CLIENT_ID: DEMO_CREDENTIALS.clientId,
    ZOHO_CLIENT_SECRET: DEMO_CREDENTIALS.clientSecret,
    ZOHO_REFRESH_TOKEN: DEMO_CREDENTIALS.refreshToken,
    ZOHO_CONCURRENCY: '10',
    GATEWAY_STATE_DB: path.join(tmp, `${variant}-${up.kind}.sqlite`),
  };
  if (process.env.GATEWAY_READ_DEDUP) env.GATEWAY_READ_DEDUP = process.env.GATEWAY_READ_DEDUP;
  if (variant === 'gateway-dedup-off') env.GATEWAY_READ_DEDUP = 'false';
  if (variant === 'gateway-read-cache') env.GATEWAY_READ_CACHE_MS = process.env.GATEWAY_READ_CACHE_MS || '1000';
  return env;
}

const UNBATCHED_NOTE =
  'An in-process child (src/ under tsx, no telemetry, logs at warn): compare its calls, not its CPU.';

/** Why a variant cannot run with this build, or null. */
function unavailable(variant: Variant): string | null {
  if (variant === 'gateway-dedup-off' && !FEATURES.readDedup)
    return 'the gateway has no GATEWAY_READ_DEDUP setting yet (in-flight dedup of identical reads does not exist)';
  if (variant === 'gateway-read-cache' && !FEATURES.readCache)
    return 'the gateway has no GATEWAY_READ_CACHE_MS setting yet (no read cache)';
  return null;
}

let peerToken: string | null = null;

async function startSut(variant: Variant, up: Upstream): Promise<Sut> {
  switch (variant) {
    case 'gateway':
    case 'gateway-dedup-off':
    case 'gateway-read-cache': {
      const child = spawnServer(['dist/main.js'], {
        env: gatewayEnv(variant, up),
        logFile: path.join(tmp, `${variant}-${up.kind}.log`),
      });
      const { match } = await child.waitFor<{ match: RegExpExecArray }>('GraphQL gateway:\\s+(\\S+)');
      return { variant, child, url: match[1]! };
    }
    case 'unbatched': {
      const child = spawnChild(path.join(ROOT, 'bench/lib/gateway-child.ts'), {
        env: {
          ZOHO_API_BASE_URL: up.url,
          ZOHO_ACCOUNTS_URL: up.url,
          ZOHO_AUTH_MODE: 'service',
          ZOHO_CONCURRENCY: '10',
          ZOHO_CLIENT_ID: DEMO_CREDENTIALS.clientId,
          ZOHO_CLIENT_SECRET: DEMO_CREDENTIALS.clientSecret,
          ZOHO_REFRESH_TOKEN: DEMO_CREDENTIALS.refreshToken,
          BENCH_BATCHING: '0',
        },
      });
      const { url } = await child.waitFor<{ url: string }>('ready');
      return { variant, child, url };
    }
    case 'direct-rest': {
      const child = spawnChild(path.join(ROOT, 'bench/lib/direct-rest-child.ts'), { env: { BENCH_ZOHO_URL: up.url } });
      await child.waitFor('ready');
      return { variant, child, url: null };
    }
    case 'floor': {
      const child = spawnChild(path.join(ROOT, 'bench/lib/floor-child.ts'), { env: { BENCH_ZOHO_URL: up.url } });
      const { url } = await child.waitFor<{ url: string }>('ready');
      return { variant, child, url };
    }
    case 'bare-apollo':
    case 'peer-hive-gateway': {
      // One token from the emulator's admin API for both (the stub accepts any).
      peerToken ??= ((await http(emuUrl, 'POST', '/__emulator/tokens')) as { access_token: string }).access_token;
      if (variant === 'bare-apollo') {
        const child = spawnChild(path.join(ROOT, 'bench/lib/bare-apollo-child.ts'), {
          env: { BENCH_ZOHO_URL: up.url, BENCH_ZOHO_TOKEN: peerToken },
        });
        const { url } = await child.waitFor<{ url: string }>('ready');
        return { variant, child, url };
      }
      installPeer(log);
      const supergraph = composePeer(up.url, peerToken, up.kind);
      const { child, url } = await startPeer(await freePort(), supergraph);
      return { variant, child, url };
    }
  }
}

/** While a gateway variant's operations are measured: the `extensions.zohoCalls` of its answers. */
let zohoCalls: ZohoCallsWindow | null = null;

async function gqlCall(url: string, query: string, variables: Record<string, unknown>): Promise<any> {
  const res = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ query, variables }),
  });
  const body = (await res.json()) as {
    data?: any;
    errors?: Array<{ message: string; extensions?: { code?: string } }>;
    extensions?: unknown;
  };
  zohoCalls?.add(body.extensions);
  if (body.errors?.length)
    throw new Error(`${res.status} ${body.errors[0]!.extensions?.code ?? ''} ${body.errors[0]!.message}`.slice(0, 300));
  if (!res.ok) throw new Error(`HTTP ${res.status}`);
  return body.data;
}

async function floorCall(base: string, w: Workload, fx: Fixture, i: number): Promise<OpOutcome> {
  const r = w.floor!(fx, i);
  const res = await fetch(`${base}${r.path}`, {
    method: r.method,
    ...(r.body ? { headers: { 'content-type': 'application/json' }, body: JSON.stringify(r.body) } : {}),
  });
  const body = (await res.json()) as { results?: Array<{ status: string }>; error?: string };
  if (!res.ok) throw new Error(`floor: HTTP ${res.status} ${body.error ?? ''}`);
  if (!body.results) return {};
  const failed = body.results.filter((x) => x.status !== 'SUCCEEDED').length;
  return { failedItems: failed, succeededItems: body.results.length - failed };
}

/** One operation of the workload through the variant. */
function opOf(sut: Sut, w: Workload, fx: Fixture): (i: number) => Promise<OpOutcome> {
  if (sut.variant === 'peer-hive-gateway') return (i) => peerOp(sut.url!, fx, i);
  if (sut.variant === 'floor') return (i) => floorCall(sut.url!, w, fx, i);
  return async (i) => {
    const { query, variables } = w.graphql(fx, i);
    return w.outcome(await gqlCall(sut.url!, query, variables));
  };
}

async function loop(
  sut: Sut,
  w: Workload,
  fx: Fixture,
  opts: { concurrency: number; maxOps: number; maxMs: number },
  offset: number,
): Promise<LoopResult> {
  if (sut.variant === 'direct-rest') {
    const { result } = await sut.child.request<{ result: LoopResult }>(
      { type: 'run', fixture: fx, ...opts, offset },
      opts.maxMs + 300_000,
    );
    return result;
  }
  const op = opOf(sut, w, fx);
  return runLoop((i) => op(offset + i), opts);
}

/** Throughput workloads through autocannon: every response time recorded. */
async function cannon(sut: Sut, w: Workload, fx: Fixture, seconds: number): Promise<LoopResult> {
  // Request i is operation i of the workload (for the small read: its i-th contact, in turn).
  const small = fx.kind === 'small-read' ? fx : null;
  const bodyOf = (i: number): string =>
    sut.variant === 'peer-hive-gateway'
      ? peerSmallReadBody(small ? contactOf(small, i) : '')
      : JSON.stringify(w.graphql(fx, i));
  let next = 0;
  const request: { url: string; method: 'GET' | 'POST'; setupRequest: (r: autocannon.Request) => autocannon.Request } =
    sut.variant === 'floor'
      ? {
          url: sut.url!,
          method: 'GET',
          setupRequest: (r) => ({ ...r, path: w.floor!(fx, next++).path }),
        }
      : { url: sut.url!, method: 'POST', setupRequest: (r) => ({ ...r, body: bodyOf(next++) }) };
  const latencies: number[] = [];
  let bad = 0;
  const result = await new Promise<autocannon.Result>((resolve, reject) => {
    const instance = autocannon(
      {
        url: request.url,
        requests: [{ method: request.method, setupRequest: request.setupRequest }],
        headers: { 'content-type': 'application/json' },
        connections: w.concurrency,
        duration: seconds,
      },
      (err, res) => (err ? reject(err instanceof Error ? err : new Error(String(err))) : resolve(res)),
    );
    instance.on('response', (_client, statusCode, _bytes, responseTime) => {
      if (statusCode === 200) latencies.push(responseTime);
      else bad++;
    });
  });
  return {
    ops: latencies.length,
    failures: bad + result.errors + result.timeouts,
    firstFailure: bad ? `${bad} non-200 answers` : null,
    failedItems: 0,
    succeededItems: 0,
    durationMs: result.duration * 1000,
    latencies,
  };
}

// ------------------------------------------------------------------------------------ one run

/** Waits (at most 10 s) until the upstream has no /crm call open and its count stops moving. */
async function settle(up: Upstream): Promise<void> {
  let last = -1;
  for (let i = 0; i < 40; i++) {
    const s = await up.stats();
    const total = Object.values(s.requests).reduce((a, b) => a + b, 0);
    if (total === last && !s.inFlight) return;
    last = total;
    await new Promise((r) => setTimeout(r, 250));
  }
}

function naRow(
  w: Workload,
  variant: Variant,
  upstream: UpstreamKind,
  latencyMs: number,
  status: Row['status'],
  note: string,
): Row {
  return unmeasuredRow({ name: w.name, variant, upstream, latencyMs }, status, note);
}

/** Resets the emulator's demo org and picks the workload's data from it. */
async function prepare(w: Workload): Promise<Fixture> {
  await http(emuUrl, 'POST', '/__emulator/reset');
  await emulator.configure({});
  return w.setup(emu);
}

function latencyOf(w: Workload, latency: number) {
  return (
    w.latency ?? {
      latencyMs: latency === 0 ? 0 : latency - 10,
      jitterMs: latency === 0 ? 0 : 20,
      label: latency,
    }
  );
}

async function runOne(sut: Sut, w: Workload, up: Upstream, fx: Fixture, latency: number, rep: number): Promise<Row> {
  const lat = latencyOf(w, latency);
  const minimal = w.minimal(fx);

  // Warm-up, at no latency: token, per-process metadata, JIT, and on the stub the first answers
  // it records. Writes alternate deals, so the org stays consistent.
  await up.configure({ ...w.emulator });
  const warmOps = w.mode === 'limits' ? (up.kind === 'stub' ? 4 : 1) : WARMUP_OPS;
  const warm = await loop(sut, w, fx, { concurrency: 1, maxOps: warmOps, maxMs: 60_000 }, 0);
  if (warm.failures > 0) throw new Error(`warm-up failed: ${warm.firstFailure}`);
  if (up.kind === 'stub' && w.mode !== 'limits') {
    // A fresh process runs its first thousand operations slower, until the JIT has compiled them;
    // the stub is fast enough to give every variant a second of them before the figures count.
    const more = await loop(
      sut,
      w,
      fx,
      { concurrency: w.mode === 'throughput' ? w.concurrency : 1, maxOps: 1_000_000, maxMs: STUB_WARM_MS },
      warmOps,
    );
    if (more.failures > 0) throw new Error(`warm-up failed: ${more.firstFailure}`);
  }
  await up.configure({ latencyMs: lat.latencyMs, jitterMs: lat.jitterMs, ...w.emulator });

  await up.resetStats();
  // The gateway variants' answers say what each operation cost; read them over the operations the
  // upstream counts (for autocannon's runs, the exact count below).
  const checked = sut.variant.startsWith('gateway');
  zohoCalls = checked && w.mode !== 'throughput' ? new ZohoCallsWindow() : null;
  let zohoCallsOver = 'every measured operation';
  resetPeakRss(sut.child.pid);
  const gc0 = checked ? await gcMs(sut.url) : null;
  const cpu0 = cpuMs(sut.child.pid);
  const upCpu0 = cpuMs(up.child.pid);
  let r: LoopResult;
  if (w.mode === 'throughput') {
    r =
      sut.variant === 'direct-rest'
        ? await loop(
            sut,
            w,
            fx,
            { concurrency: w.concurrency, maxOps: 10_000_000, maxMs: THROUGHPUT_S[up.kind] * 1000 },
            warmOps,
          )
        : await cannon(sut, w, fx, THROUGHPUT_S[up.kind]);
  } else if (w.mode === 'limits') {
    r = await loop(sut, w, fx, { concurrency: w.concurrency, maxOps: 100_000, maxMs: LIMITS_MS[up.kind] }, warmOps);
  } else {
    const seq = latency === 0 ? SEQ[up.kind] : SEQ_SLOW;
    r = await loop(sut, w, fx, { concurrency: 1, maxOps: seq.ops, maxMs: seq.ms }, warmOps);
  }
  const cpu = cpuMs(sut.child.pid) - cpu0;
  const upCpu = cpuMs(up.child.pid) - upCpu0;
  const gc1 = gc0 ? await gcMs(sut.url) : null;
  const rss = peakRssMb(sut.child.pid);
  let stats = await up.stats();
  const during = stats;
  const callsDuring = Object.values(during.requests).reduce((a, b) => a + b, 0);
  const { p50, p95, p99 } = summarize(r.latencies);
  let ops = Math.max(r.ops, 1);
  if (w.mode === 'throughput' && sut.variant !== 'direct-rest') {
    // autocannon stops with requests in flight, whose upstream calls are still counted: count
    // the calls of an exact number of requests at the same concurrency instead, once the cut
    // requests have drained.
    await settle(up);
    await up.resetStats();
    if (checked) zohoCalls = new ZohoCallsWindow();
    zohoCallsOver = `the ${4 * w.concurrency} operations of the exact count (autocannon's answers are not read)`;
    const exact = await loop(sut, w, fx, { concurrency: w.concurrency, maxOps: 4 * w.concurrency, maxMs: 60_000 }, 0);
    stats = await up.stats();
    ops = Math.max(exact.ops, 1);
  }
  const costCheck = zohoCalls
    ? checkOf(zohoCalls, { byRoute: stats.requests, rejected429: stats.rejected['429'] ?? 0 }, ops, zohoCallsOver)
    : null;
  zohoCalls = null;
  const calls = Object.values(stats.requests).reduce((a, b) => a + b, 0);
  const row: Row = {
    name: w.name,
    variant: sut.variant,
    upstream: up.kind,
    latencyMs: lat.label,
    rep,
    opsPerSec: r.ops / (r.durationMs / 1000),
    p50Ms: p50,
    p95Ms: p95,
    p99Ms: p99,
    cpuMsPerOp: cpu / Math.max(r.ops, 1),
    ...(gc0 && gc1 ? { gc: gcFigures(gc0, gc1, cpu, r.ops) } : {}),
    upstreamCpuMsPerCall: callsDuring ? upCpu / callsDuring : null,
    rssMb: rss,
    upstreamCallsPerOp: calls / ops,
    minimalUpstreamCallsPerOp: minimal.calls,
    status: 'ok',
    ops: r.ops,
    failures: r.failures,
    failedItems: r.failedItems,
    http429: during.rejected['429'] ?? 0,
    upstreamMaxInFlight: during.maxInFlight,
    upstreamByRoute: stats.requests,
    upstreamCountedOverOps: ops,
    ...(up.kind === 'stub' ? { stubMisses: during.misses ?? 0 } : {}),
    ...(sut.variant === 'gateway-read-cache' ? { readCacheMs: Number(process.env.GATEWAY_READ_CACHE_MS || 1000) } : {}),
    ...(costCheck ? { zohoCalls: costCheck } : {}),
    ...(costCheck && w.estimateExcess
      ? { estimateExcess: { reason: w.estimateExcess.reason, bound: w.estimateExcess.bound(fx) } }
      : {}),
    explanation: minimal.explanation,
  };
  const notes = [
    sut.variant === 'peer-hive-gateway' ? w.peerNote : null,
    sut.variant === 'unbatched' ? UNBATCHED_NOTE : null,
    r.firstFailure ? `first failure: ${r.firstFailure}` : null,
  ].filter(Boolean);
  if (notes.length) row.note = notes.join(' ');
  const limit = limitOf(w);
  if (limit !== null) {
    const perSec = r.succeededItems / (r.durationMs / 1000);
    row.emailsLinkedPerSec = perSec;
    row.limitEmailsPerSec = limit;
    row.limitFraction = perSec / limit;
  }
  return row;
}

// ---------------------------------------------------------------------------------------- main

const rows: Row[] = [];
let harnessErrors = 0;
const explanations = new Map<string, string>();
let smallReadContact: string | null = null;

function describe(row: Row): string {
  return (
    `${row.upstream.padEnd(8)} ${row.name.padEnd(34)} ${row.variant.padEnd(18)} ${String(row.latencyMs).padStart(3)} ms` +
    `${row.rep ? ` #${row.rep}` : '   '}  ${row.opsPerSec!.toFixed(1).padStart(8)} ops/s  p50 ${row.p50Ms!.toFixed(1)} ms` +
    `  cpu ${row.cpuMsPerOp!.toFixed(2)} ms/op  rss ${row.rssMb!.toFixed(0)} MiB  calls ${row.upstreamCallsPerOp!.toFixed(2)} (min ${row.minimalUpstreamCallsPerOp})` +
    `${row.failures ? `  failures ${row.failures}` : ''}${row.failedItems ? `  failed items ${row.failedItems}` : ''}` +
    `${row.stubMisses ? `  stub misses ${row.stubMisses}` : ''}`
  );
}

for (const kind of UPSTREAMS) {
  const up = kind === 'emulator' ? emulator : stub!;
  const workloads = WORKLOADS.filter((w) => w.upstreams.includes(kind))
    .filter((w) => (quick ? QUICK_WORKLOADS[kind].has(w.name) : true))
    .filter((w) => !only || only.includes(w.name));
  const variants = VARIANTS[kind].filter((v) => !onlyVariants || onlyVariants.includes(v));
  const needed = variants.filter((v) => workloads.some((w) => runs(v, w)));
  if (workloads.length === 0 || needed.length === 0) continue;

  // Every system under test of this upstream at once: the repetitions interleave them.
  log(`${kind}: starting ${needed.join(', ')}`);
  const suts = new Map<Variant, Sut>();
  const failed = new Map<Variant, string>();
  await Promise.all(
    needed.map(async (v) => {
      const why = unavailable(v);
      if (why) return failed.set(v, why);
      try {
        suts.set(v, await startSut(v, up));
      } catch (e) {
        const msg = e instanceof Error ? e.message.split('\n')[0]! : String(e);
        log(`${kind}: ${v} could not start: ${msg}`);
        failed.set(v, `could not start: ${msg}`);
        harnessErrors++;
      }
    }),
  );
  try {
    for (const latency of LATENCIES[kind]) {
      for (const w of workloads) {
        // Workloads with a latency of their own run once, at the first latency setting.
        if (w.latency && latency !== LATENCIES[kind][0]) continue;
        const label = latencyOf(w, latency).label;
        const ws = needed.filter((v) => runs(v, w));
        const reps = kind === 'stub' && RATIO_WORKLOADS.has(w.name) ? REPS : 1;
        // On the stub nothing changes the emulator's data: one fixture serves every variant.
        let shared: Fixture | null = null;
        for (let rep = 1; rep <= reps; rep++) {
          // Each repetition starts with another variant, so that drift on the machine spreads.
          const order = ws.map((_, k) => ws[(k + rep - 1) % ws.length]!);
          for (const v of order) {
            const sut = suts.get(v);
            if (!sut) {
              if (rep === 1) {
                const why = failed.get(v) ?? 'not started';
                const status = unavailable(v) ? 'not available' : 'error';
                rows.push(naRow(w, v, kind, label, status, why));
              }
              continue;
            }
            if (v === 'peer-hive-gateway' && w.peerGap) {
              if (rep === 1) rows.push(naRow(w, v, kind, label, 'n/a', w.peerGap));
              continue;
            }
            try {
              const fx = kind === 'stub' ? (shared ??= await prepare(w)) : await prepare(w);
              if (fx.kind === 'small-read') smallReadContact ??= fx.contactId;
              const row = await runOne(sut, w, up, fx, latency, reps > 1 ? rep : 0);
              if (!row.rep) delete row.rep;
              explanations.set(w.name, String(row.explanation));
              rows.push(row);
              log(describe(row));
            } catch (e) {
              const msg = e instanceof Error ? e.message : String(e);
              log(`${kind} ${w.name} ${v}: ${msg}`);
              rows.push(naRow(w, v, kind, label, 'error', msg.slice(0, 300)));
              harnessErrors++;
            }
          }
        }
      }
    }
  } finally {
    await Promise.all([...suts.values()].map((s) => s.child.stop()));
  }
}

// ---------------------------------------------------------------------------------- the fleet

const fleetVariants = onlyVariants?.filter((v) => v.startsWith('fleet-'));
if (stub && (!only || only.includes(FLEET_WORKLOAD)) && (!onlyVariants || fleetVariants!.length > 0)) {
  log('fleet: 1 replica against 3, with and without Redis, under one Zoho limit (bench/lib/fleet.ts)…');
  await http(emuUrl, 'POST', '/__emulator/reset');
  await emulator.configure({});
  const { contacts } = await emu.request<{ contacts: Array<{ contactId: string }> }>({
    type: 'contacts',
    minEmails: 1,
    count: 2 * FLEET_CONNECTIONS,
  });
  const fleet = await runFleet({
    stub: stub as unknown as FleetUpstream,
    contactIds: contacts.map((c) => c.contactId),
    env: (name) => ({ ...gatewayEnv('gateway', stub!), GATEWAY_STATE_DB: path.join(tmp, `${name}.sqlite`) }),
    tmp,
    quick,
    reps: repsArg ?? (quick ? 1 : 3),
    variants: fleetVariants,
    log,
  });
  rows.push(...fleet.rows);
  harnessErrors += fleet.errors;
  explanations.set(FLEET_WORKLOAD, FLEET_EXPLANATION);
}

// ------------------------------------------------------------------------------ the fairness

const fairnessVariants = onlyVariants?.filter((v) => FAIRNESS_VARIANTS.includes(v));
if (stub && (!only || only.includes(FAIRNESS_WORKLOAD)) && (!onlyVariants || fairnessVariants!.length > 0)) {
  log('fairness: a small read beside a 500-call _entities request (bench/lib/fairness.ts)…');
  await http(emuUrl, 'POST', '/__emulator/reset');
  await emulator.configure({});
  const { contacts } = await emu.request<{
    contacts: Array<{ contactId: string; emails: Array<{ messageId: string }> }>;
  }>({ type: 'contacts', minEmails: 5, count: 120 });
  const emails = contacts.flatMap((c) => c.emails.map((e) => ({ contactId: c.contactId, messageId: e.messageId })));
  const fx = await WORKLOADS.find((w) => w.name === 'small-read-throughput')!.setup(emu);
  try {
    const fair = await runFairness({
      stub: stub as unknown as FairnessUpstream,
      emails,
      smallContactId: (fx as Extract<Fixture, { kind: 'small-read' }>).contactId,
      env: (name) => ({ ...gatewayEnv('gateway', stub!), GATEWAY_STATE_DB: path.join(tmp, `${name}.sqlite`) }),
      tmp,
      quick,
      reps: repsArg ?? (quick ? 1 : 3),
      variants: fairnessVariants,
      log,
    });
    rows.push(...fair.rows);
    harnessErrors += fair.errors;
    explanations.set(FAIRNESS_WORKLOAD, FAIRNESS_EXPLANATION);
  } catch (e) {
    log(`fairness: ${e instanceof Error ? e.message : String(e)}`);
    harnessErrors++;
  }
}

// ------------------------------------------------------------------ the client micro-benchmark

let clientCpu: ClientCpu | null = null;
if (micro && stub && smallReadContact) {
  log('client micro-benchmark (bench/client-cpu.ts)…');
  await stub.configure({});
  const out = path.join(tmp, 'client-cpu.json');
  try {
    await new Promise<void>((resolve, reject) =>
      execFile(
        process.execPath,
        [
          '--import',
          'tsx',
          path.join(ROOT, 'bench/client-cpu.ts'),
          `--json=${out}`,
          `--stub=${stub!.url}`,
          `--contact=${smallReadContact}`,
          ...(quick ? ['--quick'] : []),
        ],
        { cwd: ROOT, timeout: 300_000 },
        (err, stdout, stderr) => (err ? reject(new Error(`${err.message}\n${stderr}`)) : resolve()),
      ),
    );
    clientCpu = JSON.parse(readFileSync(out, 'utf8')) as ClientCpu;
    for (const c of clientCpu.clients)
      log(`  ${c.client.padEnd(34)} ${c.cpuUsPerCall.toFixed(0).padStart(5)} µs CPU per call`);
  } catch (e) {
    log(`client micro-benchmark failed: ${e instanceof Error ? e.message : String(e)}`);
    harnessErrors++;
  }
}

await stub?.child.stop();
await emu.stop();
rmSync(tmp, { recursive: true, force: true });

const machine = {
  name: process.env.BENCH_MACHINE ?? os.hostname(),
  cpu: os.cpus()[0]?.model ?? 'unknown',
  cores: os.cpus().length,
  memoryGb: Math.round(os.totalmem() / 1024 ** 3),
  node: process.version,
  platform: `${os.platform()} ${os.release()}`,
  loadAverage: os.loadavg().map((l) => Number(l.toFixed(2))),
};
const out: Results = {
  machine,
  date: new Date().toISOString(),
  mode: quick ? 'quick' : 'full',
  durationS: Math.round((Date.now() - t0) / 1000),
  upstreamLatency:
    'latencyMs 50 means 50 ms ± 10 ms (latencyMs 40 + uniform jitter 0-20 ms); link-throughput-under-zoho-limits: 100 ms ± 20 ms (80 + 0-40) and 10 calls in flight; small-read-hot-50ms, fleet and fairness: 50 ms flat and 10 calls in flight',
  ...(process.env.BENCH_NOTE ? { note: process.env.BENCH_NOTE } : {}),
  gatewayFeatures: FEATURES,
  reps: REPS,
  workloads: aggregateReps(rows),
  explanations: Object.fromEntries(explanations),
  clientCpu,
};
/**
 * --merge: this run's workloads replace theirs in the results already there, whose other rows
 * stay as the run in their header measured them; the merged run is listed under that header.
 */
function mergeInto(prev: Results, now: Results): Results {
  const key = (r: Row) => `${r.upstream}|${r.name}`;
  const ran = new Set(now.workloads.map(key));
  return {
    ...prev,
    workloads: [...prev.workloads.filter((r) => !ran.has(key(r))), ...now.workloads],
    explanations: { ...prev.explanations, ...now.explanations },
    clientCpu: now.clientCpu ?? prev.clientCpu,
    merged: [
      ...(prev.merged ?? []).filter((m) => m.workloads.some((w) => !now.workloads.some((r) => r.name === w))),
      {
        date: now.date,
        durationS: now.durationS,
        loadAverage: now.machine.loadAverage as number[],
        workloads: [...new Set(now.workloads.map((r) => r.name))],
        ...(now.note ? { note: now.note } : {}),
      },
    ],
  };
}

const dir = path.join(ROOT, 'bench/results');
mkdirSync(dir, { recursive: true });
const base = quick ? 'quick' : 'latest';
const file = path.join(dir, `${base}.json`);
const written = merge && existsSync(file) ? mergeInto(JSON.parse(readFileSync(file, 'utf8')) as Results, out) : out;
writeFileSync(file, JSON.stringify(written, null, 2) + '\n');
writeFileSync(path.join(dir, `${base}.md`), renderMarkdown(written));
if (!quick) writeFileSync(path.join(dir, `${base}.svg`), renderSvg(written));
log(`wrote bench/results/${base}.json and ${base}.md${quick ? '' : ` and ${base}.svg`} in ${out.durationS} s`);
process.exit(harnessErrors > 0 ? 1 : 0);
