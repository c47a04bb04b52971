/**
 * `npm run bench` (`-- --quick`): the benchmark of issue 9. Every workload × variant against one
 * emulator (its own process), each system under test in its own process so that its CPU and
 * peak RSS are its own. Writes bench/results/latest.{json,md,svg} (quick: quick.{json,md}).
 *
 * Never fails on a missed target: it exits non-zero only when the harness itself could not run
 * a workload (a setup or a process that would not start).
 *
 * For development: --only=<workload,…> --variants=<variant,…> --latencies=0,50 narrow the run
 * (the results then overwrite latest.* with the subset).
 */
import os from 'node:os';
import path from 'node:path';
import { mkdirSync, writeFileSync } from 'node:fs';
import autocannon from 'autocannon';
import { ROOT, cpuMs, peakRssMb, resetPeakRss, spawnChild, type Child } from './lib/proc.ts';
import { runLoop, summarize, type LoopResult, type OpOutcome } from './lib/loop.ts';
import { QUICK_WORKLOADS, WORKLOADS, limitOf, type Variant, type Workload } from './lib/workloads.ts';
import type { Fixture } from './lib/fixtures.ts';
import { composePeer, installPeer, peerOp, peerSmallReadBody, startPeer } from './lib/peer.ts';
import { renderMarkdown, renderSvg, type Row } from './lib/report.ts';

const quick = process.argv.includes('--quick');
const only = process.argv
  .find((a) => a.startsWith('--only='))
  ?.slice(7)
  .split(',');
const onlyVariants = process.argv
  .find((a) => a.startsWith('--variants='))
  ?.slice(11)
  .split(',') as Variant[] | undefined;
const t0 = Date.now();
const log = (s: string) => console.log(`[bench ${((Date.now() - t0) / 1000).toFixed(0).padStart(4)}s] ${s}`);

const onlyLatencies = process.argv
  .find((a) => a.startsWith('--latencies='))
  ?.slice(12)
  .split(',')
  .map(Number);
const LATENCIES = onlyLatencies ?? (quick ? [0] : [0, 50]);
const VARIANTS: Variant[] =
  onlyVariants ??
  (quick
    ? ['gateway', 'unbatched', 'direct-rest']
    : ['gateway', 'unbatched', 'direct-rest', 'bare-apollo', 'peer-hive-gateway']);
const SEQ = quick ? { ops: 8, ms: 3_000 } : { ops: 20, ms: 6_000 };
const SEQ_SLOW = { ops: 8, ms: 8_000 };
const THROUGHPUT_S = quick ? 4 : 8;
const LIMITS_MS = 30_000;
const WARMUP_OPS = 2;

const workloads = WORKLOADS.filter((w) => (quick ? QUICK_WORKLOADS.has(w.name) : true)).filter(
  (w) => !only || only.includes(w.name),
);

// ------------------------------------------------------------------------------------ emulator

const emu = spawnChild(path.join(ROOT, 'bench/lib/emulator-child.ts'));
const { url: emuUrl } = await emu.waitFor<{ url: string }>('ready');
const admin = async (method: string, p: string, body?: unknown) => {
  const res = await fetch(`${emuUrl}${p}`, {
    method,
    ...(body ? { headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) } : {}),
  });
  if (!res.ok) throw new Error(`${method} ${p}: ${res.status} ${await res.text()}`);
  return res.json() as Promise<any>;
};
const BASE_CONFIG = { latencyMs: 0, jitterMs: 0, concurrencyLimit: null, relinkMode: 'replace', batchMode: 'partial' };
log(`emulator at ${emuUrl}`);

// ------------------------------------------------------------------------ systems under test

interface Sut {
  variant: Variant;
  child: Child;
  /** GraphQL endpoint; none for direct-rest. */
  url: string | null;
  /** Mutations the schema has (workload 4 needs moveEmailsToDeal). */
  mutations: Set<string>;
}

const zohoEnv = {
  ZOHO_API_BASE_URL: emuUrl,
  ZOHO_ACCOUNTS_URL: emuUrl,
  ZOHO_AUTH_MODE: 'service',
  // Workload 6: the gateway's budget matches the emulator's concurrency limit (10, also Zoho's
  // Standard edition and the default).
  ZOHO_CONCURRENCY: '10',
};

async function startSut(variant: Variant): Promise<Sut> {
  const tokens = (await admin('POST', '/__emulator/tokens')) as {
    access_token: string;
    client_id: string;
    client_secret: string;
    refresh_token: string;
  };
  switch (variant) {
    case 'gateway':
    case 'unbatched': {
      const child = spawnChild(path.join(ROOT, 'bench/lib/gateway-child.ts'), {
        env: {
          ...zohoEnv,
          ZOHO_CLIENT_ID: tokens.client_id,
          ZOHO_CLIENT_SECRET: tokens.client_secret,
          ZOHO_REFRESH_TOKEN: tokens.refresh_token,
          BENCH_BATCHING: variant === 'gateway' ? '1' : '0',
        },
      });
      const { url } = await child.waitFor<{ url: string }>('ready');
      const intro = await gqlCall(url, '{ __type(name: "Mutation") { fields { name } } }', {});
      return {
        variant,
        child,
        url,
        mutations: new Set((intro.__type?.fields ?? []).map((f: { name: string }) => f.name)),
      };
    }
    case 'direct-rest': {
      const child = spawnChild(path.join(ROOT, 'bench/lib/direct-rest-child.ts'), { env: { BENCH_ZOHO_URL: emuUrl } });
      await child.waitFor('ready');
      return { variant, child, url: null, mutations: new Set(['linkEmailsToDeal', 'moveEmailsToDeal']) };
    }
    case 'bare-apollo': {
      const child = spawnChild(path.join(ROOT, 'bench/lib/bare-apollo-child.ts'), {
        env: { BENCH_ZOHO_URL: emuUrl, BENCH_ZOHO_TOKEN: tokens.access_token },
      });
      const { url } = await child.waitFor<{ url: string }>('ready');
      return { variant, child, url, mutations: new Set() };
    }
    case 'peer-hive-gateway': {
      installPeer(log);
      composePeer(emuUrl, tokens.access_token);
      const port = 20_000 + Math.floor(Math.random() * 20_000);
      const { child, url } = await startPeer(port);
      return { variant, child, url, mutations: new Set(['linkEmailsToDeals']) };
    }
  }
}

async function gqlCall(url: string, query: string, variables: Record<string, unknown>): Promise<any> {
  const res = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ query, variables }),
  });
  const body = (await res.json()) as {
    data?: any;
    errors?: Array<{ message: string; extensions?: { code?: string } }>;
  };
  if (body.errors?.length)
    throw new Error(`${res.status} ${body.errors[0]!.extensions?.code ?? ''} ${body.errors[0]!.message}`.slice(0, 300));
  if (!res.ok) throw new Error(`HTTP ${res.status}`);
  return body.data;
}

/** One operation of the workload through the variant. */
function opOf(sut: Sut, w: Workload, fx: Fixture): (i: number) => Promise<OpOutcome> {
  if (sut.variant === 'peer-hive-gateway') return (i) => peerOp(sut.url!, fx, i);
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

/** Workload 5 through autocannon: every response time recorded, for p95. */
async function cannon(sut: Sut, w: Workload, fx: Fixture, seconds: number): Promise<LoopResult> {
  const body =
    sut.variant === 'peer-hive-gateway'
      ? peerSmallReadBody((fx as Extract<Fixture, { kind: 'small-read' }>).contactId)
      : JSON.stringify(w.graphql(fx, 0));
  const latencies: number[] = [];
  let bad = 0;
  const result = await new Promise<autocannon.Result>((resolve, reject) => {
    const instance = autocannon(
      {
        url: sut.url!,
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body,
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

/** Waits (at most 10 s) until the emulator has no /crm call open and its count stops moving. */
async function settle(): Promise<void> {
  let last = -1;
  for (let i = 0; i < 40; i++) {
    const s = (await admin('GET', '/__emulator/stats')) as { requests: Record<string, number>; inFlight?: number };
    const total = Object.values(s.requests).reduce((a, b) => a + b, 0);
    if (total === last && !s.inFlight) return;
    last = total;
    await new Promise((r) => setTimeout(r, 250));
  }
}

function naRow(w: Workload, variant: Variant, latencyMs: number, status: Row['status'], note: string): Row {
  return {
    name: w.name,
    variant,
    latencyMs,
    opsPerSec: null,
    p50Ms: null,
    p95Ms: null,
    p99Ms: null,
    cpuMsPerOp: null,
    rssMb: null,
    upstreamCallsPerOp: null,
    minimalUpstreamCallsPerOp: null,
    status,
    note,
  };
}

async function runOne(sut: Sut, w: Workload, latency: number): Promise<Row> {
  const lat = w.latency ?? {
    latencyMs: latency === 0 ? 0 : latency - 10,
    jitterMs: latency === 0 ? 0 : 20,
    label: latency,
  };
  await admin('POST', '/__emulator/reset');
  await admin('PUT', '/__emulator/config', BASE_CONFIG);
  const fx = await w.setup(emu);
  await admin('PUT', '/__emulator/config', {
    ...BASE_CONFIG,
    latencyMs: lat.latencyMs,
    jitterMs: lat.jitterMs,
    ...w.emulator,
  });
  const minimal = w.minimal(fx);

  // Warm-up: token, per-process metadata, JIT. Writes alternate deals, so the org stays consistent.
  const warm = await loop(
    sut,
    w,
    fx,
    { concurrency: 1, maxOps: w.mode === 'limits' ? 1 : WARMUP_OPS, maxMs: 60_000 },
    0,
  );
  if (warm.failures > 0) throw new Error(`warm-up failed: ${warm.firstFailure}`);

  await admin('POST', '/__emulator/stats/reset');
  resetPeakRss(sut.child.pid);
  const cpu0 = cpuMs(sut.child.pid);
  const emuCpu0 = cpuMs(emu.pid);
  let r: LoopResult;
  if (w.mode === 'throughput') {
    r =
      sut.variant === 'direct-rest'
        ? await loop(
            sut,
            w,
            fx,
            { concurrency: w.concurrency, maxOps: 10_000_000, maxMs: THROUGHPUT_S * 1000 },
            WARMUP_OPS,
          )
        : await cannon(sut, w, fx, THROUGHPUT_S);
  } else if (w.mode === 'limits') {
    r = await loop(sut, w, fx, { concurrency: w.concurrency, maxOps: 100_000, maxMs: LIMITS_MS }, WARMUP_OPS);
  } else {
    r = await loop(
      sut,
      w,
      fx,
      latency === 0
        ? { concurrency: 1, maxOps: SEQ.ops, maxMs: SEQ.ms }
        : { concurrency: 1, maxOps: SEQ_SLOW.ops, maxMs: SEQ_SLOW.ms },
      WARMUP_OPS,
    );
  }
  const cpu = cpuMs(sut.child.pid) - cpu0;
  const emuCpu = cpuMs(emu.pid) - emuCpu0;
  const rss = peakRssMb(sut.child.pid);
  let stats = (await admin('GET', '/__emulator/stats')) as {
    requests: Record<string, number>;
    rejected: Record<string, number>;
    maxInFlight: number;
  };
  const maxInFlight = stats.maxInFlight;
  const { p50, p95, p99 } = summarize(r.latencies);
  const http429 = stats.rejected['429'] ?? 0;
  let ops = Math.max(r.ops, 1);
  if (w.mode === 'throughput' && sut.variant !== 'direct-rest') {
    // autocannon stops with requests in flight, whose upstream calls the emulator still counts:
    // count the calls of an exact number of requests at the same concurrency instead, once the
    // cut requests have drained.
    await settle();
    await admin('POST', '/__emulator/stats/reset');
    const exact = await loop(sut, w, fx, { concurrency: w.concurrency, maxOps: 4 * w.concurrency, maxMs: 60_000 }, 0);
    stats = (await admin('GET', '/__emulator/stats')) as typeof stats;
    ops = Math.max(exact.ops, 1);
  }
  const calls = Object.values(stats.requests).reduce((a, b) => a + b, 0);
  const row: Row = {
    name: w.name,
    variant: sut.variant,
    latencyMs: lat.label,
    opsPerSec: r.ops / (r.durationMs / 1000),
    p50Ms: p50,
    p95Ms: p95,
    p99Ms: p99,
    cpuMsPerOp: cpu / Math.max(r.ops, 1),
    emulatorCpuMsPerOp: emuCpu / Math.max(r.ops, 1),
    rssMb: rss,
    upstreamCallsPerOp: calls / ops,
    minimalUpstreamCallsPerOp: minimal.calls,
    status: 'ok',
    ops: r.ops,
    failures: r.failures,
    failedItems: r.failedItems,
    http429,
    upstreamMaxInFlight: maxInFlight,
    upstreamByRoute: stats.requests,
    upstreamCountedOverOps: ops,
    explanation: minimal.explanation,
    ...(r.firstFailure || (sut.variant === 'peer-hive-gateway' && w.peerNote)
      ? {
          note: [
            sut.variant === 'peer-hive-gateway' ? w.peerNote : null,
            r.firstFailure ? `first failure: ${r.firstFailure}` : null,
          ]
            .filter(Boolean)
            .join(' '),
        }
      : {}),
  };
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

for (const variant of VARIANTS) {
  const applicable = workloads.filter((w) => (variant === 'bare-apollo' ? w.bareApollo : true));
  if (applicable.length === 0) continue;
  let sut: Sut;
  try {
    log(`starting ${variant}`);
    sut = await startSut(variant);
  } catch (e) {
    const msg = e instanceof Error ? e.message.split('\n')[0]! : String(e);
    log(`${variant} could not start: ${msg}`);
    for (const latency of LATENCIES)
      for (const w of applicable)
        if (!w.latency || latency === 0)
          rows.push(naRow(w, variant, w.latency?.label ?? latency, 'error', `could not start: ${msg}`));
    harnessErrors++;
    continue;
  }
  try {
    for (const latency of LATENCIES) {
      for (const w of applicable) {
        if (w.latency && latency !== LATENCIES[0]) continue; // workload 6 has its own latency: once
        const label = w.latency?.label ?? latency;
        if (variant === 'peer-hive-gateway' && w.peerGap) {
          rows.push(naRow(w, variant, label, 'n/a', w.peerGap));
          continue;
        }
        if (w.name.startsWith('move-20') && !sut.mutations.has('moveEmailsToDeal')) {
          rows.push(naRow(w, variant, label, 'not available', 'moveEmailsToDeal is not in the schema yet'));
          continue;
        }
        try {
          const row = await runOne(sut, w, latency);
          explanations.set(w.name, String(row.explanation));
          rows.push(row);
          log(
            `${w.name.padEnd(34)} ${variant.padEnd(18)} ${String(label).padStart(3)} ms  ${row.opsPerSec!.toFixed(1).padStart(8)} ops/s  p50 ${row.p50Ms!.toFixed(1)} ms  cpu ${row.cpuMsPerOp!.toFixed(2)} ms/op  calls ${row.upstreamCallsPerOp!.toFixed(2)} (min ${row.minimalUpstreamCallsPerOp})${row.failures ? `  failures ${row.failures}` : ''}${row.failedItems ? `  failed items ${row.failedItems}` : ''}`,
          );
        } catch (e) {
          const msg = e instanceof Error ? e.message : String(e);
          log(`${w.name} ${variant}: ${msg}`);
          rows.push(naRow(w, variant, label, 'error', msg.slice(0, 300)));
          harnessErrors++;
        }
      }
    }
  } finally {
    await sut.child.stop();
  }
}

await emu.stop();

const machine = {
  name: process.env.BENCH_MACHINE ?? os.hostname(),
  cpu: os.cpus()[0]?.model ?? 'unknown',
  cores: os.cpus().length,
  memoryGb: Math.round(os.totalmem() / 1024 ** 3),
  node: process.version,
  platform: `${os.platform()} ${os.release()}`,
};
const out = {
  machine,
  date: new Date().toISOString(),
  mode: quick ? 'quick' : 'full',
  durationS: Math.round((Date.now() - t0) / 1000),
  upstreamLatency:
    'latencyMs 50 means 50 ms ± 10 ms (emulator latencyMs 40 + uniform jitter 0-20 ms); workload 6: 100 ms ± 20 ms (80 + 0-40)',
  workloads: rows,
  explanations: Object.fromEntries(explanations),
};
const dir = path.join(ROOT, 'bench/results');
mkdirSync(dir, { recursive: true });
const base = quick ? 'quick' : 'latest';
writeFileSync(path.join(dir, `${base}.json`), JSON.stringify(out, null, 2) + '\n');
writeFileSync(path.join(dir, `${base}.md`), renderMarkdown(out));
if (!quick) writeFileSync(path.join(dir, `${base}.svg`), renderSvg(out));
log(`wrote bench/results/${base}.json and ${base}.md${quick ? '' : ` and ${base}.svg`} in ${out.durationS} s`);
process.exit(harnessErrors > 0 ? 1 : 0);
