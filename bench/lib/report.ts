/**
 * The bench's outputs for people: the targets (met, missed or not available, each with its figure
 * and reason), a Markdown table per upstream with the minimum-call explanations, the check of
 * `extensions.zohoCalls`, the fleet and the fairness workloads, the client micro-benchmark, and a
 * hand-built SVG chart (no browser needed).
 */
import { countIsRight, mergeChecks, type ZohoCallsCheck } from './zoho-calls.ts';

export interface Row {
  name: string;
  variant: string;
  upstream: 'emulator' | 'stub';
  latencyMs: number;
  /** 1-based repetition of a ratio workload, before aggregation; absent for single runs. */
  rep?: number;
  opsPerSec: number | null;
  p50Ms: number | null;
  p95Ms: number | null;
  p99Ms: number | null;
  cpuMsPerOp: number | null;
  rssMb: number | null;
  upstreamCallsPerOp: number | null;
  minimalUpstreamCallsPerOp: number | null;
  /** 'n/a': the variant cannot express the workload; 'not available': the product lacks it yet; 'error': the harness failed. */
  status: 'ok' | 'n/a' | 'not available' | 'error';
  note?: string;
  /** Per repetition, in order, once aggregated (the row's own figures are their medians). */
  reps?: RepFigures[];
  [extra: string]: unknown;
}

/** A row for a workload that gave no figures: not expressible, not available, or a harness error. */
export function unmeasuredRow(
  id: Pick<Row, 'name' | 'variant' | 'upstream' | 'latencyMs'>,
  status: Row['status'],
  note: string,
): Row {
  return {
    ...id,
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

export interface RepFigures {
  opsPerSec: number;
  cpuMsPerOp: number;
  p50Ms: number;
  p99Ms: number;
  rssMb: number;
  upstreamCallsPerOp: number;
}

/** The process under test's garbage collection over the measured period (gateway variants). */
export interface GcFigures {
  msPerOp: number;
  shareOfCpu: number | null;
  /** ms per operation, by prom-client's kind: minor, major, incremental, weakcb. */
  byKind: Record<string, number>;
}

/** Garbage collection per operation, for the rows that measured it. */
function gcTable(res: Results): string[] {
  const rows = res.workloads.filter((r) => r.status === 'ok' && r.gc);
  if (!rows.length) return [];
  const out = [
    '| upstream | workload | variant | latency ms | CPU ms/op | GC ms/op | GC share of CPU | minor | major | incremental |',
    '|---|---|---|---:|---:|---:|---:|---:|---:|---:|',
  ];
  for (const r of rows) {
    const gc = r.gc as GcFigures;
    const k = (name: string) => f(gc.byKind[name] ?? 0, 3);
    out.push(
      `| ${r.upstream} | ${r.name} | ${r.variant} | ${r.latencyMs} | ${f(r.cpuMsPerOp, 2)} | ${f(gc.msPerOp, 3)} | ${gc.shareOfCpu === null ? '–' : `${f(gc.shareOfCpu * 100, 1)} %`} | ${k('minor')} | ${k('major')} | ${k('incremental')} |`,
    );
  }
  return out;
}

export interface ClientCpu {
  route: string;
  callsPerRound: number;
  rounds: number;
  clients: Array<{ client: string; cpuUsPerCall: number; cpuUsPerCallRounds: number[]; wallUsPerCall: number }>;
}

export interface Results {
  machine: Record<string, unknown>;
  date: string;
  mode: string;
  durationS: number;
  upstreamLatency: string;
  /** BENCH_NOTE: what a reader must know about this run (a provisional run, say). */
  note?: string;
  gatewayFeatures: { readDedup: boolean; readCache: boolean };
  reps: number;
  workloads: Row[];
  explanations: Record<string, string>;
  clientCpu: ClientCpu | null;
  /** Later runs (`--merge`) whose workloads replaced these rows; the header describes the rest. */
  merged?: Array<{ date: string; durationS: number; loadAverage: number[]; workloads: string[]; note?: string }>;
}

const f = (v: number | null | undefined, d = 1) => (v === null || v === undefined ? '–' : v.toFixed(d));

export const median = (xs: readonly number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
};

const MEDIAN_FIELDS = [
  'opsPerSec',
  'p50Ms',
  'p95Ms',
  'p99Ms',
  'cpuMsPerOp',
  'upstreamCpuMsPerCall',
  'upstreamCallsPerOp',
  'emailsLinkedPerSec',
  'limitFraction',
] as const;
const SUM_FIELDS = ['ops', 'failures', 'failedItems', 'http429', 'stubMisses'] as const;

/** Folds the repetitions of a row into one: medians, the highest peak RSS, sums of counts, and each repetition's figures. */
export function aggregateReps(rows: readonly Row[]): Row[] {
  const out: Row[] = [];
  const groups = new Map<string, Row[]>();
  for (const r of rows) {
    if (!r.rep || r.status !== 'ok') {
      out.push(r);
      continue;
    }
    const key = `${r.upstream}|${r.name}|${r.variant}|${r.latencyMs}`;
    let g = groups.get(key);
    if (!g) {
      g = [];
      groups.set(key, g);
      // Placeholder keeps the first repetition's place in the order.
      out.push({ ...r, __group: key });
    }
    g.push(r);
  }
  return out.map((r) => {
    const key = r.__group as string | undefined;
    if (!key) return r;
    const g = groups.get(key)!.sort((a, b) => a.rep! - b.rep!);
    const agg: Row = { ...g[0]! };
    delete agg.__group;
    delete agg.rep;
    for (const k of MEDIAN_FIELDS) {
      const xs = g.map((x) => x[k]).filter((x): x is number => typeof x === 'number');
      if (xs.length) agg[k] = median(xs);
    }
    for (const k of SUM_FIELDS) {
      const xs = g.map((x) => x[k]).filter((x): x is number => typeof x === 'number');
      if (xs.length) agg[k] = xs.reduce((a, b) => a + b, 0);
    }
    agg.rssMb = Math.max(...g.map((x) => x.rssMb ?? 0));
    const checks = g.map((x) => x.zohoCalls as ZohoCallsCheck | undefined).filter((x) => x !== undefined);
    if (checks.length) agg.zohoCalls = mergeChecks(checks);
    const gcs = g.map((x) => x.gc as GcFigures | undefined).filter((x) => x !== undefined);
    if (gcs.length) agg.gc = gcs.sort((a, b) => a.msPerOp - b.msPerOp)[Math.floor(gcs.length / 2)];
    agg.reps = g.map((x) => ({
      opsPerSec: x.opsPerSec!,
      cpuMsPerOp: x.cpuMsPerOp!,
      p50Ms: x.p50Ms!,
      p99Ms: x.p99Ms!,
      rssMb: x.rssMb!,
      upstreamCallsPerOp: x.upstreamCallsPerOp!,
    }));
    return agg;
  });
}

function find(
  rows: readonly Row[],
  upstream: Row['upstream'],
  name: string,
  variant: string,
  latencyMs?: number,
): Row | undefined {
  return rows.find(
    (r) =>
      r.upstream === upstream &&
      r.name === name &&
      r.variant === variant &&
      (latencyMs === undefined || r.latencyMs === latencyMs) &&
      r.status === 'ok',
  );
}

function notOk(rows: readonly Row[], upstream: Row['upstream'], name: string, variant: string): Row | undefined {
  return rows.find((r) => r.upstream === upstream && r.name === name && r.variant === variant && r.status !== 'ok');
}

/**
 * The ratio a / b of a figure, as the median of the per-repetition ratios when both rows were
 * repeated (the repetitions interleave the variants, so repetition i of each ran side by side).
 */
export function ratioOf(a: Row, b: Row, key: 'cpuMsPerOp' | 'opsPerSec'): { ratio: number; perRep: number[] } {
  if (a.reps && b.reps && a.reps.length === b.reps.length) {
    const perRep = a.reps.map((x, i) => x[key] / b.reps![i]![key]);
    return { ratio: median(perRep), perRep };
  }
  return { ratio: (a[key] as number) / (b[key] as number), perRep: [] };
}

export interface Target {
  target: string;
  verdict: 'met' | 'missed' | 'not available';
  detail: string;
}

const reps = (xs: number[]) => (xs.length > 1 ? ` (repetitions: ${xs.map((x) => f(x, 2)).join(', ')})` : '');

function peerMissing(res: Results, name: string): string {
  const p = notOk(res.workloads, 'stub', name, 'peer-hive-gateway');
  if (p) return `the peer did not run (${p.status}: ${p.note ?? ''})`;
  return res.mode === 'quick' ? 'the peer is not run in --quick (see the full run)' : 'the peer did not run';
}

function cpuRatioTarget(res: Results, name: string, limit: number, label: string, extra: string): Target {
  const rows = res.workloads;
  const target = `${label} on the stub: gateway CPU ms/op ≤ ${limit} × the peer's`;
  const g = find(rows, 'stub', name, 'gateway');
  if (!g) return { target, verdict: 'not available', detail: `the gateway did not run ${name} on the stub.` };
  const context = ['bare-apollo', 'direct-rest', 'floor']
    .map((v) => [v, find(rows, 'stub', name, v)] as const)
    .filter(([, r]) => r)
    .map(([v, r]) => `${v} ${f(r!.cpuMsPerOp, 2)}`)
    .join(', ');
  const own = `gateway ${f(g.cpuMsPerOp, 2)} ms/op${reps(g.reps?.map((r) => r.cpuMsPerOp) ?? [])}`;
  const p = find(rows, 'stub', name, 'peer-hive-gateway');
  if (!p)
    return {
      target,
      verdict: 'not available',
      detail: `${peerMissing(res, name)}; ${own}${context ? `; for scale: ${context} ms/op` : ''}.`,
    };
  const { ratio, perRep } = ratioOf(g, p, 'cpuMsPerOp');
  const ops = ratioOf(g, p, 'opsPerSec');
  return {
    target,
    verdict: ratio <= limit ? 'met' : 'missed',
    detail:
      `${f(ratio, 2)}× the peer${reps(perRep)}: ${own} vs peer ${f(p.cpuMsPerOp, 2)} ms/op${extra}. ` +
      (ratio <= limit
        ? ''
        : `Short by ${f(g.cpuMsPerOp! - limit * p.cpuMsPerOp!, 2)} ms/op (the target is ${f(limit * p.cpuMsPerOp!, 2)}). `) +
      `ops/s ${f(ops.ratio, 2)}× the peer's${reps(ops.perRep)}.` +
      (context ? ` For scale: ${context} ms/op.` : ''),
  };
}

export function targets(res: Results): Target[] {
  const rows = res.workloads;
  const out: Target[] = [];

  // 1, 2. CPU per operation against the peer, on the stub.
  out.push(cpuRatioTarget(res, 'small-read-throughput', 0.5, 'small read', ''));
  out.push(
    cpuRatioTarget(
      res,
      'link-100-one-contact',
      0.4,
      'link of 100 emails',
      " (the peer's operation includes its separate deal-name read, which its client needs before it can link)",
    ),
  );

  // 3. Peak RSS at full load: the gateway's highest on the stub, where it is the bottleneck.
  const gStub = rows.filter((r) => r.upstream === 'stub' && r.variant === 'gateway' && r.status === 'ok');
  if (gStub.length) {
    const top = gStub.reduce((a, b) => (b.rssMb! > a.rssMb! ? b : a));
    const gEmu = rows.filter((r) => r.upstream === 'emulator' && r.variant === 'gateway' && r.status === 'ok');
    const emuTop = gEmu.length ? gEmu.reduce((a, b) => (b.rssMb! > a.rssMb! ? b : a)) : null;
    const peer = find(rows, 'stub', top.name, 'peer-hive-gateway');
    out.push({
      target: 'peak RSS ≤ 200 MiB at full load',
      verdict: top.rssMb! <= 200 ? 'met' : 'missed',
      detail:
        `gateway peak ${f(top.rssMb, 0)} MiB (${top.name} on the stub${top.reps ? ', highest of its repetitions' : ''})` +
        (peer ? `; the peer ${f(peer.rssMb, 0)} MiB there` : '') +
        (emuTop ? `; on the emulator at most ${f(emuTop.rssMb, 0)} MiB (${emuTop.name} @${emuTop.latencyMs} ms)` : '') +
        '.',
    });
  } else
    out.push({
      target: 'peak RSS ≤ 200 MiB at full load',
      verdict: 'not available',
      detail: 'no gateway row on the stub.',
    });

  // 4. The gateway's upstream calls equal the minimum on every workload (both upstreams).
  const gw = rows.filter((r) => r.variant === 'gateway' && r.status === 'ok');
  const over = gw.filter((r) => r.upstreamCallsPerOp! > r.minimalUpstreamCallsPerOp! + 0.05);
  out.push({
    target: 'calls per operation equal to the minimum on every workload',
    verdict: gw.length === 0 ? 'not available' : over.length === 0 ? 'met' : 'missed',
    detail:
      over.length === 0
        ? `${gw.length} gateway rows at the minimum.`
        : `above the minimum on ${over.length} of ${gw.length} gateway rows: ` +
          over
            .map(
              (r) =>
                `${r.name} (${r.upstream} @${r.latencyMs} ms) ${f(r.upstreamCallsPerOp, 2)} vs ${r.minimalUpstreamCallsPerOp} (${extraRoutes(r)})`,
            )
            .join('; ') +
          '.',
  });

  // 5. Link throughput under Zoho's limits: the stub with latency and a concurrency cap.
  const lt = 'link-throughput-under-zoho-limits';
  const t = find(rows, 'stub', lt, 'gateway');
  const tEmu = find(rows, 'emulator', lt, 'gateway');
  const ltTarget = 'link throughput ≥ 90 % of concurrency × 20 ÷ latency (stub: 100 ± 20 ms, 10 calls in flight)';
  if (t) {
    const frac = t.limitFraction as number;
    const failed = (t.failedItems as number) + (t.failures as number);
    const others = ['direct-rest', 'floor', 'peer-hive-gateway']
      .map((v) => [v, find(rows, 'stub', lt, v)] as const)
      .filter(([, r]) => r)
      .map(([v, r]) => `${v} ${f((r!.limitFraction as number) * 100, 1)} %`)
      .join(', ');
    out.push({
      target: ltTarget,
      verdict: frac >= 0.9 && failed === 0 ? 'met' : 'missed',
      detail:
        `${f(t.emailsLinkedPerSec as number, 0)} emails/s = ${f(frac * 100, 1)} % of ${t.limitEmailsPerSec} emails/s; ${t.http429} × 429; ${t.failedItems} failed items, ${t.failures} failed operations; at most ${t.upstreamMaxInFlight} calls in flight.` +
        (frac < 0.9
          ? ` Short by ${f((0.9 - frac) * 100, 1)} points; one call in ${t.minimalUpstreamCallsPerOp} is the deal read, which holds a slot without linking (ceiling ~${f((1 - 1 / (t.minimalUpstreamCallsPerOp as number)) * 100, 0)} %).`
          : '') +
        (others ? ` Same run: ${others}.` : '') +
        (tEmu ? ` On the emulator: ${f((tEmu.limitFraction as number) * 100, 1)} %.` : ''),
    });
  } else
    out.push({
      target: ltTarget,
      verdict: 'not available',
      detail: res.mode === 'quick' ? 'not run in --quick (see the full run).' : `${lt} did not run on the stub.`,
    });

  // 6. The hot read: in-flight dedup against none.
  const hot = 'small-read-hot-50ms';
  const h = find(rows, 'stub', hot, 'gateway');
  const hOff = find(rows, 'stub', hot, 'gateway-dedup-off');
  const hCache = find(rows, 'stub', hot, 'gateway-read-cache');
  const hotTarget = '50 connections of the same small read at 50 ms: ops/s with in-flight dedup ≥ 4 × without';
  const asIs = (r: Row) =>
    `${f(r.opsPerSec, 0)} ops/s, p50 ${f(r.p50Ms, 0)} ms, ${f(r.upstreamCallsPerOp, 2)} calls per operation`;
  if (!res.gatewayFeatures.readDedup) {
    out.push({
      target: hotTarget,
      verdict: 'not available',
      detail:
        'the gateway has no GATEWAY_READ_DEDUP setting yet (in-flight dedup does not exist)' +
        (h ? `; as it is: ${asIs(h)}` : '') +
        '.',
    });
  } else if (h && hOff) {
    const ratio = h.opsPerSec! / hOff.opsPerSec!;
    out.push({
      target: hotTarget,
      verdict: ratio >= 4 ? 'met' : 'missed',
      detail:
        `${f(ratio, 2)}×: dedup on ${asIs(h)}; off ${asIs(hOff)}` +
        (hCache ? `; with a ${hCache.readCacheMs ?? ''} ms read cache ${asIs(hCache)}` : '') +
        '.',
    });
  } else out.push({ target: hotTarget, verdict: 'not available', detail: `${hot} did not run with dedup on and off.` });

  // 7. The Zoho client's CPU per call (micro-benchmark).
  const zc = res.clientCpu?.clients.find((c) => c.client.startsWith('zoho client (as shipped'));
  const nodeHttp = res.clientCpu?.clients.find((c) => c.client === 'node:http');
  out.push({
    target: "this gateway's Zoho client ≤ 150 µs of CPU per call (micro-benchmark)",
    verdict: zc ? (zc.cpuUsPerCall <= 150 ? 'met' : 'missed') : 'not available',
    detail: zc
      ? `${f(zc.cpuUsPerCall, 0)} µs per call` +
        (nodeHttp ? ` (${f(zc.cpuUsPerCall / nodeHttp.cpuUsPerCall, 2)}× node:http's on this machine)` : '') +
        '; ' +
        res
          .clientCpu!.clients.filter((c) => c !== zc)
          .map((c) => `${c.client} ${f(c.cpuUsPerCall, 0)}`)
          .join(', ') +
        ' µs.'
      : 'the micro-benchmark did not run.',
  });

  out.push(fleetTarget(res));
  out.push(zohoCallsTarget(res));
  out.push(fairnessTarget(res));

  // Kept from the first benchmark: at 50 ms, a link of 100 emails takes about 2 round trips.
  const l50 = find(rows, 'emulator', 'link-100-one-contact', 'gateway', 50);
  const l0 = find(rows, 'emulator', 'link-100-one-contact', 'gateway', 0);
  const rtTarget = 'at 50 ms (emulator), link-100-one-contact takes about one round trip, not 100';
  if (l50 && l0) {
    const trips = (l50.p50Ms! - l0.p50Ms!) / 50;
    out.push({
      target: rtTarget,
      verdict: trips <= 3 ? 'met' : 'missed',
      detail: `p50 ${f(l50.p50Ms)} ms at 50 ms vs ${f(l0.p50Ms)} ms at 0 ms: the latency adds ${f(trips, 1)} round trips of 50 ms. The floor is 2: the deal's name is read before the 5 link calls, which go out together.`,
    });
  } else out.push({ target: rtTarget, verdict: 'not available', detail: 'needs the full run.' });
  return out;
}

const FLEET = 'fleet';
const FAIRNESS = 'fairness';
/** Workloads with a table of their own. */
const OWN_TABLE = new Set([FLEET, FAIRNESS]);

/**
 * The rows that read the gateway's `extensions.zohoCalls`, with a row's parts checked apart
 * (`zohoCallsParts`: the fairness workload's big request) as rows of their own.
 */
function checkedRows(res: Results): Array<Row & { zohoCalls: ZohoCallsCheck }> {
  const out: Array<Row & { zohoCalls: ZohoCallsCheck }> = [];
  for (const r of res.workloads) {
    if (r.status !== 'ok' || !r.zohoCalls) continue;
    const parts = (r.zohoCallsParts ?? []) as Array<{ part: string; check: ZohoCallsCheck | null }>;
    out.push({ ...r, zohoCalls: r.zohoCalls as ZohoCallsCheck, ...(parts.length ? { part: 'the small reads' } : {}) });
    for (const p of parts) if (p.check) out.push({ ...r, zohoCalls: p.check, part: p.part });
  }
  return out;
}

const perOp = (total: number, n: number) => (n ? total / n : 0);

/**
 * Why a row's actual count is above its estimate: `documented` when docs/cost.md says why and the
 * excess is within what it says.
 */
function excessOf(r: Row & { zohoCalls: ZohoCallsCheck }): { documented: boolean; why: string } | null {
  const c = r.zohoCalls;
  if (c.overEstimate === 0) return null;
  const known = r.estimateExcess as { reason: string; bound: number } | undefined;
  if (known)
    return c.maxOverEstimate <= known.bound
      ? { documented: true, why: `${known.reason} (+${known.bound} here)` }
      : {
          documented: false,
          why: `${known.reason}, +${known.bound} here: the excess is beyond that`,
        };
  // A metadata cache expired during the window: its calls go to the operation that refetched it.
  if (c.overEstimateTotal <= c.upstreamMetadata)
    return {
      documented: true,
      why: `${c.upstreamMetadata} metadata call(s) in the window: a cache that expired (docs/cost.md, Accuracy)`,
    };
  return { documented: false, why: 'not explained' };
}

const label = (r: Row) =>
  `${r.name}${r.part ? ` (${r.part})` : ''} (${r.upstream}${r.latencyMs ? ` @${r.latencyMs} ms` : ''}, ${r.variant})`;

/** `extensions.zohoCalls`: the gateway's own count against the upstream's, and against its estimate. */
function zohoCallsTarget(res: Results): Target {
  const target =
    'extensions.zohoCalls on every workload: actual = upstream-counted (the gateway counts right), and actual ≤ estimated except where docs/cost.md says why';
  const rows = checkedRows(res);
  if (rows.length === 0)
    return { target, verdict: 'not available', detail: 'no row read the answers’ extensions.zohoCalls.' };
  const wrong = rows.filter((r) => !countIsRight(r.zohoCalls));
  const over = rows.filter((r) => r.zohoCalls.overEstimate > 0);
  const undocumented = over.filter((r) => !excessOf(r)!.documented);
  const documented = over.filter((r) => excessOf(r)!.documented);
  const workloads = new Set(rows.map((r) => r.name)).size;
  const answers = rows.reduce((n, r) => n + r.zohoCalls.answers, 0);
  const parts = [
    `${rows.length} row${rows.length === 1 ? '' : 's'} (${workloads} workload${workloads === 1 ? '' : 's'}, ${answers} answers read)`,
    wrong.length === 0
      ? 'actual = upstream-counted on every row' +
        (rows.some((r) => r.zohoCalls.upstream429)
          ? ' (less the 429-refused attempts, which the gateway retries as the same call)'
          : '')
      : `actual ≠ upstream-counted on ${wrong.length}: ` +
        wrong
          .map(
            (r) =>
              `${label(r)} ${r.zohoCalls.actualTotal} vs ${r.zohoCalls.upstreamCalls - r.zohoCalls.upstream429}` +
              (r.zohoCalls.missing ? ` (${r.zohoCalls.missing} answers without zohoCalls)` : ''),
          )
          .join('; '),
    over.length === 0
      ? 'actual ≤ estimated on every answer'
      : `actual > estimated on ${over.length} row(s)` +
        (documented.length
          ? `, as docs/cost.md says: ${documented.map((r) => `${label(r)} up to +${r.zohoCalls.maxOverEstimate} on ${r.zohoCalls.overEstimate} answers`).join('; ')}`
          : '') +
        (undocumented.length
          ? `; not within what docs/cost.md says: ${undocumented.map((r) => `${label(r)} up to +${r.zohoCalls.maxOverEstimate} on ${r.zohoCalls.overEstimate} answers (${excessOf(r)!.why})`).join('; ')}`
          : ''),
  ];
  const far = rows.filter(
    (r) =>
      r.zohoCalls.estimated && r.zohoCalls.actual && r.zohoCalls.estimated.median > 1.5 * r.zohoCalls.actual.median,
  );
  if (far.length)
    parts.push(
      `the estimate is over 1.5× the actual count on: ${far.map((r) => `${label(r)} ${f(r.zohoCalls.estimated!.median, 0)} vs ${f(r.zohoCalls.actual!.median, 0)}`).join('; ')}`,
    );
  return {
    target,
    verdict: wrong.length === 0 && undocumented.length === 0 ? 'met' : 'missed',
    detail: parts.join('; ') + '.',
  };
}

const spreadText = (s: { min: number; median: number; max: number } | null, d = 0) =>
  !s ? '–' : s.min === s.max ? f(s.median, d) : `${f(s.median, d)} (${f(s.min, d)}–${f(s.max, d)})`;

function zohoCallsTable(res: Results): string[] {
  const rows = checkedRows(res);
  if (rows.length === 0) return [];
  const lines = [
    '| upstream | workload | variant | latency ms | answers read | estimated per op | actual per op | upstream-counted per op (429s included) | of which 429s | actual = upstream | actual ≤ estimated | over |',
    '|---|---|---|---:|---:|---:|---:|---:|---:|---|---|---|',
  ];
  for (const r of rows) {
    const c = r.zohoCalls;
    const right = countIsRight(c);
    const excess = excessOf(r);
    const est = !excess
      ? 'yes'
      : `**no** on ${c.overEstimate} of ${c.answers}, up to +${c.maxOverEstimate}: ${excess.documented ? 'as documented' : '**not as documented**'}: ${excess.why}`;
    lines.push(
      `| ${r.upstream} | ${r.name}${r.part ? `: ${r.part}` : ''} | ${r.variant} | ${r.latencyMs} | ${c.answers}${c.missing ? ` (${c.missing} without)` : ''} | ${spreadText(c.estimated)} | ${f(perOp(c.actualTotal, c.answers), 2)}${c.actual && c.actual.min !== c.actual.max ? ` (${c.actual.min}–${c.actual.max})` : ''} | ${f(perOp(c.upstreamCalls, c.ops), 2)} | ${c.upstream429} | ${right ? 'yes' : `**no**: ${c.actualTotal} vs ${c.upstreamCalls - c.upstream429}`} | ${est.replaceAll('|', '\\|')} | ${c.over} |`,
    );
  }
  return lines;
}

/** The fairness workload (bench/lib/fairness.ts): a small read beside a 500-call request. */
function fairnessTarget(res: Results): Target {
  const target =
    "fairness (stub, Zoho's limit 10 at 50 ms): a small read's p50 beside a 500-call _entities request ≤ 2 × its p50 idle, while the big request makes its 500 calls and returns its 500 emails";
  const g = find(res.workloads, 'stub', FAIRNESS, 'gateway');
  if (!g) {
    const missing = notOk(res.workloads, 'stub', FAIRNESS, 'gateway');
    return {
      target,
      verdict: 'not available',
      detail: missing ? `${missing.status}: ${missing.note ?? ''}.` : 'the fairness workload did not run.',
    };
  }
  const full =
    g.bigActual === g.entities &&
    g.bigUpstreamCalls === g.entities &&
    g.bigUpstreamCallsMax === g.entities &&
    g.bigEntities === g.entities &&
    (g.bigErrors as unknown[]).length === 0;
  const ratio = g.ratio as number;
  const perRep = ((g.fairReps ?? []) as Array<{ ratio: number }>).map((x) => x.ratio);
  const one = find(res.workloads, 'stub', FAIRNESS, 'gateway-operation-share-1');
  return {
    target,
    verdict: ratio <= 2 && full ? 'met' : 'missed',
    detail:
      `p50 ${f(g.duringP50Ms as number, 0)} ms beside it vs ${f(g.idleP50Ms as number, 0)} ms idle = ${f(ratio, 2)}×${reps(perRep)}; ` +
      `the big request: ${g.bigActual} calls by its own count, ${g.bigUpstreamCalls}${g.bigUpstreamCallsMax !== g.bigUpstreamCalls ? `–${g.bigUpstreamCallsMax}` : ''} by the stub's, estimated ${g.bigEstimated}, ${g.bigEntities} of ${g.entities} emails, in ${f((g.bigMs as number) / 1000, 2)} s` +
      ((g.bigErrors as unknown[]).length ? `, errors: ${(g.bigErrors as string[]).join('; ')}` : '') +
      `; ${g.http429} × 429.` +
      (full ? '' : ' The big request did not make its full number of calls or did not return every email.') +
      (one
        ? ` With GATEWAY_OPERATION_SHARE=1 (turns only): ${f(one.duringP50Ms as number, 0)} vs ${f(one.idleP50Ms as number, 0)} ms = ${f(one.ratio as number, 2)}×, the big request in ${f((one.bigMs as number) / 1000, 2)} s.`
        : ''),
  };
}

function fairnessTable(res: Results): string[] {
  const rows = res.workloads.filter((r) => r.name === FAIRNESS);
  if (rows.length === 0) return [];
  const lines = [
    '| variant | GATEWAY_OPERATION_SHARE | small read p50 idle ms | p50 beside the big request ms | ratio | p99 beside it ms | small reads (idle + beside) | big request s | its calls: own count / stub / estimated | emails returned | 429s | most in flight at Zoho | notes |',
    '|---|---:|---:|---:|---:|---:|---:|---:|---|---:|---:|---:|---|',
  ];
  for (const r of rows) {
    if (r.status !== 'ok') {
      lines.push(`| ${r.variant} | | | | | | | | | | | | **${r.status}**: ${(r.note ?? '').replaceAll('|', '\\|')} |`);
      continue;
    }
    const per = (r.fairReps ?? []) as Array<{ ratio: number; idleP50Ms: number; duringP50Ms: number; bigMs: number }>;
    const notes: string[] = [];
    if (per.length > 1)
      notes.push(
        `median of ${per.length}; p50 idle ${per.map((x) => f(x.idleP50Ms, 0)).join(' / ')}, beside ${per.map((x) => f(x.duringP50Ms, 0)).join(' / ')} ms; big ${per.map((x) => f(x.bigMs / 1000, 2)).join(' / ')} s`,
      );
    if (r.smallFailures) notes.push(`${r.smallFailures} small reads failed`);
    if ((r.bigErrors as unknown[]).length) notes.push(`big request errors: ${(r.bigErrors as string[]).join('; ')}`);
    const range = (a: unknown, b: unknown) => (a === b ? String(a) : `${a}–${b}`);
    lines.push(
      `| ${r.variant} | ${r.operationShare} | ${f(r.idleP50Ms as number, 0)} | ${f(r.duringP50Ms as number, 0)} | ${f(r.ratio as number, 2)}× | ${f(r.p99Ms, 0)} | ${r.idleOps} + ${r.duringOps} | ${f((r.bigMs as number) / 1000, 2)} | ${range(r.bigActual, r.bigActualMax)} / ${range(r.bigUpstreamCalls, r.bigUpstreamCallsMax)} / ${r.bigEstimated} | ${r.bigEntities} of ${r.entities} | ${r.http429} | ${r.upstreamMaxInFlight} | ${notes.join('; ').replaceAll('|', '\\|')} |`,
    );
  }
  return lines;
}

const pct = (n: number, of: number) => (of ? `${f((100 * n) / of, 2)} %` : '–');

const codesText = (codes: unknown) =>
  Object.entries((codes ?? {}) as Record<string, number>)
    .map(([k, v]) => `${v} ${k}`)
    .join(', ');

/** The fleet on Redis against one replica, under the same Zoho limit (bench/lib/fleet.ts). */
function fleetTarget(res: Results): Target {
  const target =
    "fleet (stub, Zoho's limit 10 at 50 ms): 3 replicas on Redis fail no operation, draw 429s on ≤ 1 % of calls, and serve ≥ 0.9 × the ops/s of 1 replica";
  const one = find(res.workloads, 'stub', FLEET, 'fleet-1-replica');
  const fleet = find(res.workloads, 'stub', FLEET, 'fleet-3-redis');
  const local = find(res.workloads, 'stub', FLEET, 'fleet-3-no-redis');
  if (!one || !fleet) {
    const missing = notOk(res.workloads, 'stub', FLEET, fleet ? 'fleet-1-replica' : 'fleet-3-redis');
    return {
      target,
      verdict: 'not available',
      detail: missing
        ? `${missing.variant}: ${missing.status}: ${missing.note ?? ''}.`
        : 'the fleet workload did not run.',
    };
  }
  const { ratio, perRep } = ratioOf(fleet, one, 'opsPerSec');
  const calls = fleet.upstreamCalls as number;
  const refused = fleet.http429 as number;
  const failed = fleet.failures as number;
  const ok = failed === 0 && refused <= 0.01 * calls && ratio >= 0.9;
  const gaps = [
    failed ? `${failed} failed operations (${codesText(fleet.failuresByCode)})` : null,
    refused > 0.01 * calls ? `429s on ${pct(refused, calls)} of calls` : null,
    ratio < 0.9 ? `ops/s ${f(ratio, 2)}× one replica's` : null,
  ].filter(Boolean);
  return {
    target,
    verdict: ok ? 'met' : 'missed',
    detail:
      `3 replicas on Redis ${f(fleet.opsPerSec, 1)} ops/s = ${f(ratio, 2)}× one replica's ${f(one.opsPerSec, 1)}${reps(perRep)}; ` +
      `p99 ${f(fleet.p99Ms, 0)} vs ${f(one.p99Ms, 0)} ms; ${refused} × 429 of ${calls} calls (${pct(refused, calls)}); ${failed} failed operations; ` +
      `at most ${fleet.upstreamMaxOffered} calls offered at once; ${fleet.tokenGrantsAtStart} token grant(s).` +
      (gaps.length ? ` Missed on: ${gaps.join('; ')}.` : '') +
      (local
        ? ` Without Redis, 3 replicas of 10 each: ${f(local.opsPerSec, 1)} ops/s (${f(ratioOf(local, one, 'opsPerSec').ratio, 2)}×), p99 ${f(local.p99Ms, 0)} ms, ${local.http429} × 429 (${pct(local.http429 as number, local.upstreamCalls as number)}), ${local.failures} failed operations, up to ${local.upstreamMaxOffered} calls offered at once, ${local.tokenGrantsAtStart} token grants.`
        : ''),
  };
}

function fleetTable(res: Results): string[] {
  const rows = res.workloads.filter((r) => r.name === FLEET);
  if (rows.length === 0) return [];
  const lines = [
    '| set-up | replicas | Redis | ops/s | p50 ms | p99 ms | Zoho 429s (% of calls) | failed ops | most in flight at Zoho | most offered at once | token grants | calls/op (min 1) | CPU ms/op, all replicas | Redis CPU ms/op | Redis scripts/op (commands) | peak RSS MiB (highest replica) | effective limit at the end | notes |',
    '|---|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|---|',
  ];
  for (const r of rows) {
    if (r.status !== 'ok') {
      lines.push(
        `| ${r.variant} | | | | | | | | | | | | | | | | | **${r.status}**: ${(r.note ?? '').replaceAll('|', '\\|')} |`,
      );
      continue;
    }
    const notes: string[] = [];
    if (r.reps)
      notes.push(
        `median of ${r.reps.length}; ops/s ${r.reps.map((x) => f(x.opsPerSec, 1)).join(' / ')}; p99 ${r.reps.map((x) => f(x.p99Ms, 0)).join(' / ')}`,
      );
    if (r.failures) notes.push(`failed: ${codesText(r.failuresByCode)}`);
    if (r.stubMisses) notes.push(`${r.stubMisses} stub misses`);
    const per = r.perReplica as Array<{ ops: number; p50Ms: number; p99Ms: number }> | undefined;
    if (per && per.length > 1)
      notes.push(
        `by replica${r.reps ? ' (last repetition)' : ''}: p50 ${per.map((x) => f(x.p50Ms, 0)).join(' / ')} ms, p99 ${per.map((x) => f(x.p99Ms, 0)).join(' / ')} ms`,
      );
    notes.push(
      `settling (${f((r.settleMs as number) / 1000, 1)} s${r.reps ? ' per repetition' : ''}, not counted): ${r.settleHttp429} × 429 of ${r.settleCalls} calls, ${r.settleFailures} failed ops, at most ${r.settleMaxOffered} offered at once` +
        (r.settleFailures ? ` (${codesText(r.settleFailuresByCode)})` : ''),
    );
    const grants = `${r.tokenGrantsAtStart}${r.tokenGrantsDuring ? ` + ${r.tokenGrantsDuring}` : ''}`;
    const limits = (r.effectiveLimits as Array<number | null>).map((x) => (x === null ? '–' : f(x, 1))).join(', ');
    lines.push(
      `| ${r.variant} | ${r.replicas} | ${r.redis ? 'yes' : 'no'} | ${f(r.opsPerSec)} | ${f(r.p50Ms, 0)} | ${f(r.p99Ms, 0)} | ${r.http429} (${pct(r.http429 as number, r.upstreamCalls as number)}) | ${r.failures} | ${r.upstreamMaxInFlight} | ${r.upstreamMaxOffered} | ${grants} | ${f(r.upstreamCallsPerOp, 2)} | ${f(r.cpuMsPerOp, 2)} | ${f(r.redisCpuMsPerOp as number | null, 3)} | ${r.redisScriptsPerOp === null || r.redisScriptsPerOp === undefined ? '–' : `${f(r.redisScriptsPerOp as number, 1)} (${f(r.redisCommandsPerOp as number, 0)})`} | ${f(r.rssMb, 0)} | ${limits} | ${notes.join('; ').replaceAll('|', '\\|')} |`,
    );
  }
  return lines;
}

function extraRoutes(r: Row): string {
  const routes = r.upstreamByRoute as Record<string, number> | undefined;
  if (!routes) return '';
  const ops = (r.upstreamCountedOverOps ?? r.ops) as number;
  return Object.entries(routes)
    .map(([k, v]) => `${k} ×${f(v / ops, 2)}`)
    .join(', ');
}

function table(res: Results, upstream: Row['upstream']): string[] {
  // The fleet's rows have their own table (fleetTable).
  const rows = res.workloads.filter((r) => r.upstream === upstream && !OWN_TABLE.has(r.name));
  if (rows.length === 0) return [];
  const lines = [
    '| workload | variant | latency ms | ops/s | p50 ms | p95 ms | p99 ms | CPU ms/op | CPU × peer | peak RSS MiB | calls/op | minimal | notes |',
    '|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|',
  ];
  for (const r of rows) {
    const notes: string[] = [];
    if (r.status !== 'ok') notes.push(`**${r.status}**: ${r.note ?? ''}`);
    else {
      if (r.reps) notes.push(`median of ${r.reps.length}; CPU ${r.reps.map((x) => f(x.cpuMsPerOp, 2)).join(' / ')}`);
      if (r.failures) notes.push(`${r.failures} failed ops`);
      if (r.failedItems) notes.push(`${r.failedItems} failed items`);
      if (r.http429) notes.push(`${r.http429} × 429`);
      if (r.stubMisses) notes.push(`${r.stubMisses} stub misses`);
      if (typeof r.emailsLinkedPerSec === 'number')
        notes.push(
          `${f(r.emailsLinkedPerSec, 0)} emails/s = ${f((r.limitFraction as number) * 100, 1)} % of ${r.limitEmailsPerSec}/s`,
        );
      if (r.note) notes.push(r.note);
    }
    const peer =
      r.status === 'ok' && r.variant !== 'peer-hive-gateway'
        ? find(res.workloads, upstream, r.name, 'peer-hive-gateway', r.latencyMs)
        : undefined;
    const vsPeer = peer ? `${f(ratioOf(r, peer, 'cpuMsPerOp').ratio, 2)}×` : '–';
    lines.push(
      `| ${r.name} | ${r.variant} | ${r.latencyMs} | ${f(r.opsPerSec)} | ${f(r.p50Ms)} | ${f(r.p95Ms)} | ${f(r.p99Ms)} | ${f(r.cpuMsPerOp, 2)} | ${vsPeer} | ${f(r.rssMb, 0)} | ${f(r.upstreamCallsPerOp, 2)} | ${r.minimalUpstreamCallsPerOp ?? '–'} | ${notes.join('; ').replaceAll('|', '\\|')} |`,
    );
  }
  return lines;
}

export function renderMarkdown(res: Results): string {
  const lines: string[] = [];
  const m = res.machine;
  lines.push(`# Benchmark results (${res.mode})`, '');
  if (res.note) lines.push(`> ${res.note}`, '');
  lines.push(`- Machine: ${m.name} — ${m.cpu}, ${m.cores} cores, ${m.memoryGb} GB, Node ${m.node}, ${m.platform}`);
  lines.push(
    `- Date: ${res.date}; run time ${res.durationS} s; load average at the end ${(m.loadAverage as number[] | undefined)?.join(', ') ?? '–'}`,
  );
  for (const mr of res.merged ?? [])
    lines.push(
      `- Merged in (\`--merge\`): ${mr.workloads.map((w) => `\`${w}\``).join(', ')} measured by a later run on ${mr.date}, ${mr.durationS} s, load average at its end ${mr.loadAverage.join(', ')}${mr.note ? ` (${mr.note})` : ''}; every other figure is from the run above.`,
    );
  lines.push(`- Upstream latency: ${res.upstreamLatency}`);
  lines.push(
    '- `gateway` is `node dist/main.js` with NODE_ENV=production, the default log level (info) and metrics on. CPU ms/op and peak RSS are those of the process under test only; the upstream and the load generator run in other processes on the same cores. Ratios against the peer are medians of per-repetition ratios; read them, not the absolute times, which depend on the machine.',
    `- Gateway read settings: GATEWAY_READ_DEDUP ${res.gatewayFeatures.readDedup ? 'supported' : 'not available'}, GATEWAY_READ_CACHE_MS ${res.gatewayFeatures.readCache ? 'supported' : 'not available'}.`,
    '',
  );
  lines.push('## Targets', '');
  for (const t of targets(res)) lines.push(`- **${t.verdict.toUpperCase()}** — ${t.target}: ${t.detail}`);
  const stub = table(res, 'stub');
  if (stub.length)
    lines.push(
      '',
      '## Stub upstream (canned Zoho answers, about 0.1 ms of CPU per call)',
      '',
      ...stub,
      '',
      `Stub CPU per call: ${f(median(res.workloads.filter((r) => r.upstream === 'stub' && typeof r.upstreamCpuMsPerCall === 'number').map((r) => r.upstreamCpuMsPerCall as number)) || null, 3)} ms (median over the rows).`,
    );
  const emu = table(res, 'emulator');
  if (emu.length) lines.push('', '## Emulator upstream', '', ...emu);
  const own = find(res.workloads, 'emulator', 'link-100-one-contact', 'gateway', 0);
  const noOwner = find(res.workloads, 'emulator', 'link-100-one-contact-no-owner', 'gateway', 0);
  if (own && noOwner) {
    lines.push(
      '',
      `**What the owner lookups cost** (link-100-one-contact without \`ownerId\`, gateway, emulator, 0 ms): ${f(noOwner.upstreamCallsPerOp! - own.upstreamCallsPerOp!, 1)} more Zoho calls per operation (${f(own.upstreamCallsPerOp, 1)} → ${f(noOwner.upstreamCallsPerOp, 1)}), ${f(noOwner.cpuMsPerOp! / own.cpuMsPerOp!, 1)}× the gateway CPU and ${f(noOwner.p50Ms! / own.p50Ms!, 1)}× the p50. Send \`ownerId\` when the emails were already read.`,
    );
  }
  const fleet = fleetTable(res);
  if (fleet.length)
    lines.push(
      '',
      '## Fleet: 1 replica against 3, under one Zoho limit (stub, 10 calls in flight, 50 ms)',
      '',
      `The small read of distinct contacts, ${(res.workloads.find((r) => r.name === FLEET && r.status === 'ok')?.connections as number | undefined) ?? ''} connections, each operation to the next replica in turn; every replica is \`node dist/main.js\` as production starts it with ZOHO_CONCURRENCY=10 (with Redis: the fleet's limit). "Most offered at once" counts the calls open at the stub when one arrived, refused ones included: what the replicas tried to run at once. Token grants: at start + during the runs. Redis scripts/op: the EVAL/EVALSHA round trips per read (a Zoho call needs at least a grant and a release), and in brackets every command, those inside the scripts included. Figures are from the measured period; the settling period before it is in the notes.`,
      '',
      ...fleet,
    );
  const fair = fairnessTable(res);
  if (fair.length)
    lines.push(
      '',
      "## Fairness: a small read beside a 500-call request (stub, Zoho's limit 10 at 50 ms)",
      '',
      "One client sends the small read (`contact(id:) { emails(first: 5) … }`) one at a time: first alone, then while an `_entities` request for 500 Email representations runs (500 single-email reads, queued at once). The p50s are medians of the repetitions; the ratio the median of their ratios. The big request's calls: its own `extensions.zohoCalls.actual`, the stub's count of single-email reads (a route the small read never calls), and the estimate.",
      '',
      ...fair,
    );
  const gc = gcTable(res);
  if (gc.length)
    lines.push(
      '',
      '## Garbage collection (gateway variants)',
      '',
      "The gateway's own account of its pauses over the measured period: prom-client's `nodejs_gc_duration_seconds` (a PerformanceObserver on V8's GC events) read from its `/metrics` before and after, per operation, and as a share of the process's CPU over the same period. For repeated workloads, the median repetition.",
      '',
      ...gc,
    );
  const costs = zohoCallsTable(res);
  if (costs.length)
    lines.push(
      '',
      '## extensions.zohoCalls: estimate vs actual vs upstream-counted',
      '',
      "Every answer of the gateway says `extensions.zohoCalls: { estimated, actual, limit }`. Per row: the answers read (the measured operations; for autocannon's runs, the operations of the exact count after them), the estimate and the actual count per operation as the answers give them (median, with the range when it varies), and the upstream's own count over the same operations. The gateway counts a call once however many attempts it takes, so the comparison takes the upstream's 429s (refused attempts, retried) off its count.",
      '',
      ...costs,
    );
  if (res.clientCpu) {
    const c = res.clientCpu;
    lines.push(
      '',
      '## Client CPU per upstream call (bench/client-cpu.ts)',
      '',
      `\`${c.route}\` against the stub, one call at a time; ${c.rounds} interleaved rounds of ${c.callsPerRound} calls per client; the median round.`,
      '',
      '| client | CPU µs per call | rounds | wall µs per call |',
      '|---|---:|---|---:|',
      ...c.clients.map(
        (x) =>
          `| ${x.client} | ${f(x.cpuUsPerCall, 0)} | ${x.cpuUsPerCallRounds.map((v) => f(v, 0)).join(' / ')} | ${f(x.wallUsPerCall, 0)} |`,
      ),
    );
  }
  lines.push('', '## How the minimum is worked out', '');
  for (const [name, text] of Object.entries(res.explanations)) lines.push(`- **${name}**: ${text}`);
  lines.push('');
  return lines.join('\n');
}

const COLORS: Record<string, string> = {
  gateway: '#2b6cb0',
  'gateway-dedup-off': '#63b3ed',
  'gateway-read-cache': '#2c5282',
  unbatched: '#dd6b20',
  'direct-rest': '#38a169',
  'bare-apollo': '#805ad5',
  'peer-hive-gateway': '#e53e3e',
  floor: '#718096',
};

const esc = (s: string) => s.replaceAll('&', '&amp;').replaceAll('<', '&lt;');

/**
 * Three panels of horizontal bars per upstream and workload (first latency setting): ops/s, CPU
 * ms per operation of the process under test, and upstream calls per operation with the minimum.
 */
export function renderSvg(res: Results): string {
  const rows = res.workloads.filter((r) => r.status === 'ok' && !OWN_TABLE.has(r.name));
  const groups: Array<{ title: string; rows: Row[] }> = [];
  for (const upstream of ['stub', 'emulator'] as const) {
    const mine = rows.filter((r) => r.upstream === upstream);
    if (mine.length === 0) continue;
    const lat = Math.min(...mine.map((r) => r.latencyMs));
    const chosen = mine.filter(
      (r) => r.latencyMs === lat || r.name.startsWith('link-throughput') || r.name.endsWith('-hot-50ms'),
    );
    for (const name of [...new Set(chosen.map((r) => r.name))]) {
      const group = Object.keys(COLORS)
        .map((v) => chosen.find((r) => r.name === name && r.variant === v))
        .filter((r): r is Row => !!r);
      groups.push({ title: `${upstream}: ${name}`, rows: group });
    }
  }
  const barH = 12;
  const groupH = (n: number) => n * (barH + 2) + 22;
  const labelW = 150;
  const panelW = 260;
  const width = labelW + 3 * panelW + 40;
  let y = 70;
  const parts: string[] = [];
  for (const { title, rows: group } of groups) {
    const max = (k: (r: Row) => number) => Math.max(...group.map(k), 1e-9);
    const panels: Array<{ value: (r: Row) => number; digits: (v: number) => number; max: number }> = [
      { value: (r) => r.opsPerSec ?? 0, digits: (v) => (v < 10 ? 2 : 0), max: max((r) => r.opsPerSec ?? 0) },
      { value: (r) => r.cpuMsPerOp ?? 0, digits: () => 2, max: max((r) => r.cpuMsPerOp ?? 0) },
      {
        value: (r) => r.upstreamCallsPerOp ?? 0,
        digits: () => 1,
        max: max((r) => Math.max(r.upstreamCallsPerOp ?? 0, r.minimalUpstreamCallsPerOp ?? 0)),
      },
    ];
    parts.push(`<text x="8" y="${y + 12}" font-weight="bold">${esc(title)}</text>`);
    group.forEach((r, k) => {
      const by = y + 18 + k * (barH + 2);
      const c = COLORS[r.variant]!;
      parts.push(`<text x="${labelW - 6}" y="${by + 10}" text-anchor="end" font-size="10">${esc(r.variant)}</text>`);
      panels.forEach((p, j) => {
        const x = labelW + j * panelW;
        const v = p.value(r);
        const w = (v / p.max) * (panelW - 60);
        parts.push(`<rect x="${x}" y="${by}" width="${w.toFixed(1)}" height="${barH}" fill="${c}"/>`);
        parts.push(`<text x="${x + w + 4}" y="${by + 10}" font-size="10">${f(v, p.digits(v))}</text>`);
      });
    });
    const minimal = group[0]?.minimalUpstreamCallsPerOp;
    if (minimal !== null && minimal !== undefined) {
      const mx = labelW + 2 * panelW + (minimal / panels[2]!.max) * (panelW - 60);
      parts.push(
        `<line x1="${mx.toFixed(1)}" x2="${mx.toFixed(1)}" y1="${y + 14}" y2="${y + groupH(group.length) - 4}" stroke="#000" stroke-dasharray="3,2"/>`,
      );
    }
    y += groupH(group.length) + 6;
  }
  const variants = Object.keys(COLORS).filter((v) => rows.some((r) => r.variant === v));
  const legend = variants
    .map(
      (v, k) =>
        `<rect x="${labelW + k * 105}" y="40" width="10" height="10" fill="${COLORS[v]}"/><text x="${labelW + k * 105 + 14}" y="49" font-size="10">${esc(v)}</text>`,
    )
    .join('');
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${y + 20}" font-family="sans-serif" font-size="12">`,
    `<rect width="100%" height="100%" fill="#fff"/>`,
    `<text x="8" y="20" font-size="14" font-weight="bold">npm run bench — ${esc(String(res.machine.name))}, ${esc(res.date.slice(0, 10))} (stub and emulator upstreams, lowest latency)</text>`,
    `<text x="${labelW}" y="34" font-size="11">ops/s (longer is better)</text>`,
    `<text x="${labelW + panelW}" y="34" font-size="11">CPU ms/op of the process under test</text>`,
    `<text x="${labelW + 2 * panelW}" y="34" font-size="11">upstream calls/op (dashed: minimum)</text>`,
    legend,
    ...parts,
    '</svg>',
    '',
  ].join('\n');
}
