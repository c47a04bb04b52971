/**
 * The `fairness` workload: what a large request that the limits admit does to a small one beside
 * it. Against the stub with Zoho's limit of 10 calls in flight and 50 ms per call, one client
 * sends the small read (`contact(id:) { emails(first: 5) … }`, one at a time) first alone (idle),
 * then while an `_entities` request for 500 Email representations runs: 500 single-email reads,
 * all of them queued at once, as many as GATEWAY_MAX_ENTITIES admits. The figure is the small
 * read's p50 beside the big request against idle; the big request must meanwhile make its 500
 * calls and return its 500 emails.
 *
 * Two gateways, each `node dist/main.js` as production starts it (ZOHO_CONCURRENCY=10):
 * - `gateway`: as shipped, turns across operations and one operation held to
 *   GATEWAY_OPERATION_SHARE (0.8) of the slots;
 * - `gateway-operation-share-1`: GATEWAY_OPERATION_SHARE=1, the turns only.
 *
 * The stub tells the calls apart by route: the big request's are `GET …/Emails/{message_id}`,
 * which the small read never calls.
 */
import path from 'node:path';
import { encodeEmailId } from '../../src/domain/ids.ts';
import { median, unmeasuredRow, type Row } from './report.ts';
import { spawnServer, type Child } from './proc.ts';
import { summarize } from './loop.ts';
import type { StubStats } from './stub-upstream.ts';
import { SMALL_READ } from './workloads.ts';
import { ZohoCallsWindow, checkOf, mergeChecks, type ZohoCallsCheck, type ZohoCallsExtension } from './zoho-calls.ts';

export const FAIRNESS_WORKLOAD = 'fairness';
export const FAIRNESS_LIMIT = 10;
export const FAIRNESS_LATENCY_MS = 50;
export const FAIRNESS_ENTITIES = 500;
/** The big request's calls, as the stub counts them. */
export const SINGLE_EMAIL_ROUTE = 'GET /crm/v8/Contacts/{id}/Emails/{message_id}';

export const FAIRNESS_EXPLANATION = `The big request: 1 single-email read per Email representation (${FAIRNESS_ENTITIES}; Zoho has no batch read of emails by id). The small read: 1 email page, as in small-read-throughput. Zoho's limit of ${FAIRNESS_LIMIT} calls in flight at ${FAIRNESS_LATENCY_MS} ms lets any client make 200 calls/s, so the big request alone needs at least ${FAIRNESS_ENTITIES / 200} s.`;

const ENTITIES = `query Entities($r: [_Any!]!) { _entities(representations: $r) { ... on Email { messageId subject } } }`;

export type FairnessVariant = 'gateway' | 'gateway-operation-share-1';

const SETUPS: ReadonlyArray<{ variant: FairnessVariant; env: Record<string, string> }> = [
  { variant: 'gateway', env: {} },
  { variant: 'gateway-operation-share-1', env: { GATEWAY_OPERATION_SHARE: '1' } },
];

export const FAIRNESS_VARIANTS: readonly string[] = SETUPS.map((s) => s.variant);

export interface FairnessUpstream {
  configure(c: Record<string, unknown>): Promise<void>;
  stats(): Promise<StubStats>;
  resetStats(): Promise<void>;
}

export interface FairnessOptions {
  stub: FairnessUpstream;
  /** At least FAIRNESS_ENTITIES emails, of any contacts. */
  emails: ReadonlyArray<{ contactId: string; messageId: string }>;
  /** The small read's contact. */
  smallContactId: string;
  /** The production start's environment for one gateway (its own state database under `name`). */
  env(name: string): Record<string, string>;
  tmp: string;
  quick: boolean;
  reps: number;
  /** Only these variants (all when empty). */
  variants?: readonly string[];
  log(s: string): void;
}

interface Answer {
  ms: number;
  status: number;
  errors: Array<{ message: string; extensions?: { code?: string } }>;
  data: any;
  zohoCalls: ZohoCallsExtension | null;
  extensions: unknown;
}

async function post(url: string, query: string, variables: Record<string, unknown>): Promise<Answer> {
  const t = performance.now();
  const res = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ query, variables }),
    signal: AbortSignal.timeout(60_000),
  });
  const body = (await res.json()) as { data?: any; errors?: Answer['errors']; extensions?: any };
  return {
    ms: performance.now() - t,
    status: res.status,
    errors: body.errors ?? [],
    data: body.data,
    zohoCalls: body.extensions?.zohoCalls ?? null,
    extensions: body.extensions,
  };
}

const failure = (a: Answer) =>
  a.errors.length
    ? `${a.status} ${a.errors[0]!.extensions?.code ?? ''} ${a.errors[0]!.message}`.slice(0, 300)
    : a.status !== 200
      ? `HTTP ${a.status}`
      : null;

/** One repetition's figures. */
interface Rep {
  idleP50Ms: number;
  duringP50Ms: number;
  duringP99Ms: number;
  ratio: number;
  idleOps: number;
  duringOps: number;
  smallFailures: number;
  bigMs: number;
  bigEstimated: number | null;
  bigActual: number | null;
  bigUpstreamCalls: number;
  bigEntities: number;
  bigError: string | null;
  http429: number;
  maxInFlight: number;
  check: ZohoCallsCheck;
  bigCheck: ZohoCallsCheck;
}

export async function runFairness(o: FairnessOptions): Promise<{ rows: Row[]; errors: number }> {
  const { stub, log } = o;
  const idleOps = o.quick ? 12 : 30;
  const setups = SETUPS.filter((s) => !o.variants?.length || o.variants.includes(s.variant));
  const reps = new Map<FairnessVariant, Rep[]>();
  const rows: Row[] = [];
  let errors = 0;
  if (o.emails.length < FAIRNESS_ENTITIES) throw new Error(`fairness: only ${o.emails.length} emails`);
  const representations = o.emails.slice(0, FAIRNESS_ENTITIES).map((e) => ({
    __typename: 'Email',
    id: encodeEmailId({ module: 'Contacts', recordId: e.contactId }, e.messageId),
  }));
  const small = (url: string) => post(url, SMALL_READ, { id: o.smallContactId });
  const big = (url: string) => post(url, ENTITIES, { r: representations });

  const spawned: Child[] = [];
  const running: Array<{ variant: FairnessVariant; url: string }> = [];
  try {
    for (const s of setups) {
      try {
        const child = spawnServer(['dist/main.js'], {
          env: { ...o.env(`fairness-${s.variant}`), ...s.env },
          logFile: path.join(o.tmp, `fairness-${s.variant}.log`),
        });
        spawned.push(child);
        const { match } = await child.waitFor<{ match: RegExpExecArray }>('GraphQL gateway:\\s+(\\S+)');
        const url = match[1]!;
        // Warm-up at no latency and no limit: the token, the metadata, and the stub's recording of
        // every answer the measured requests ask for.
        await stub.configure({});
        for (let i = 0; i < 5; i++) {
          const a = await small(url);
          if (failure(a)) throw new Error(`warm-up: ${failure(a)}`);
        }
        const a = await big(url);
        if (failure(a)) throw new Error(`warm-up: ${failure(a)}`);
        running.push({ variant: s.variant, url });
        reps.set(s.variant, []);
      } catch (e) {
        const msg = e instanceof Error ? e.message.split('\n')[0]! : String(e);
        log(`fairness: ${s.variant} could not start: ${msg}`);
        rows.push(naRow(s.variant, `could not start: ${msg}`));
        errors++;
      }
    }

    for (let rep = 1; rep <= o.reps; rep++) {
      const order = running.map((_, k) => running[(k + rep - 1) % running.length]!);
      for (const r of order) {
        try {
          const x = await measure(r.url);
          reps.get(r.variant)!.push(x);
          log(
            `fairness: ${r.variant.padEnd(26)}${o.reps > 1 ? ` #${rep}` : ''}  small read p50 idle ${x.idleP50Ms.toFixed(0)} ms, beside the big request ${x.duringP50Ms.toFixed(0)} ms (${x.ratio.toFixed(2)}×, ${x.duringOps} reads)` +
              `; big request ${x.bigMs.toFixed(0)} ms, ${x.bigActual} calls (estimated ${x.bigEstimated}, upstream ${x.bigUpstreamCalls}), ${x.bigEntities} emails${x.bigError ? `, error: ${x.bigError}` : ''}`,
          );
        } catch (e) {
          const msg = e instanceof Error ? e.message : String(e);
          log(`fairness: ${r.variant}: ${msg}`);
          errors++;
        }
      }
    }
  } finally {
    await stub.configure({});
    await Promise.all(spawned.map((c) => c.stop()));
  }
  for (const s of setups) {
    const g = reps.get(s.variant);
    if (!g) continue;
    if (g.length === 0) rows.push(naRow(s.variant, 'no repetition completed'));
    else rows.push(aggregate(s.variant, g));
  }
  return { rows, errors };

  async function measure(url: string): Promise<Rep> {
    await stub.configure({ latencyMs: FAIRNESS_LATENCY_MS, jitterMs: 0, concurrencyLimit: FAIRNESS_LIMIT });
    try {
      await stub.resetStats();
      const window = new ZohoCallsWindow();
      const bigWindow = new ZohoCallsWindow();
      let smallFailures = 0;
      const smallOne = async (into: number[]) => {
        const a = await small(url);
        window.add(a.extensions);
        if (failure(a)) smallFailures++;
        into.push(a.ms);
      };
      const idle: number[] = [];
      for (let i = 0; i < idleOps; i++) await smallOne(idle);

      // The big request first, and the small reads once its calls fill Zoho's slots and queue.
      let done = false;
      const bigAnswer = big(url).finally(() => {
        done = true;
      });
      const t0 = performance.now();
      while (!done && ((await stub.stats()).requests[SINGLE_EMAIL_ROUTE] ?? 0) < 2 * FAIRNESS_LIMIT) {
        if (performance.now() - t0 > 10_000) throw new Error('the big request made no calls within 10 s');
        await new Promise((res) => setTimeout(res, 5));
      }
      const during: number[] = [];
      while (!done) await smallOne(during);
      const b = await bigAnswer;
      // No small read beside it is no figure (a big request that failed at once, say), not a pass.
      if (during.length === 0)
        throw new Error(`no small read ran beside the big request (${failure(b) ?? 'it answered at once'})`);
      bigWindow.add(b.extensions);
      const stats = await stub.stats();
      const { [SINGLE_EMAIL_ROUTE]: bigCalls = 0, ...smallRoutes } = stats.requests;
      const rejected429 = stats.rejected['429'] ?? 0;
      const entities = Array.isArray(b.data?._entities)
        ? (b.data._entities as unknown[]).filter((e) => e !== null).length
        : 0;
      const q = summarize(during);
      const idleP50 = summarize(idle).p50;
      return {
        idleP50Ms: idleP50,
        duringP50Ms: q.p50,
        duringP99Ms: q.p99,
        ratio: q.p50 / idleP50,
        idleOps: idle.length,
        duringOps: during.length,
        smallFailures,
        bigMs: b.ms,
        bigEstimated: b.zohoCalls?.estimated ?? null,
        bigActual: b.zohoCalls?.actual ?? null,
        bigUpstreamCalls: bigCalls,
        bigEntities: entities,
        bigError: failure(b),
        http429: rejected429,
        maxInFlight: stats.maxInFlight,
        // The 429s, if any, cannot be told apart by route: both parts are charged them.
        check: checkOf(window, { byRoute: smallRoutes, rejected429 }, idle.length + during.length, 'every small read'),
        bigCheck: checkOf(
          bigWindow,
          { byRoute: { [SINGLE_EMAIL_ROUTE]: bigCalls }, rejected429 },
          1,
          'the big request (the stub: its single-email reads)',
        ),
      };
    } finally {
      await stub.configure({});
    }
  }
}

/** The repetitions' medians; counts summed; each repetition's figures kept. */
function aggregate(variant: FairnessVariant, g: Rep[]): Row {
  const med = (k: keyof Rep) => median(g.map((x) => x[k] as number));
  const add = (k: keyof Rep) => g.reduce((n, x) => n + (x[k] as number), 0);
  const bigCalls = g.map((x) => x.bigActual).filter((x): x is number => x !== null);
  return {
    name: FAIRNESS_WORKLOAD,
    variant,
    upstream: 'stub',
    latencyMs: FAIRNESS_LATENCY_MS,
    opsPerSec: null,
    p50Ms: med('duringP50Ms'),
    p95Ms: null,
    p99Ms: med('duringP99Ms'),
    cpuMsPerOp: null,
    rssMb: null,
    upstreamCallsPerOp: null,
    minimalUpstreamCallsPerOp: null,
    status: 'ok',
    operationShare: variant === 'gateway' ? 0.8 : 1,
    zohoConcurrency: FAIRNESS_LIMIT,
    entities: FAIRNESS_ENTITIES,
    idleP50Ms: med('idleP50Ms'),
    duringP50Ms: med('duringP50Ms'),
    ratio: med('ratio'),
    idleOps: add('idleOps'),
    duringOps: add('duringOps'),
    smallFailures: add('smallFailures'),
    bigMs: med('bigMs'),
    bigEstimated: g[0]!.bigEstimated,
    bigActual: bigCalls.length ? Math.min(...bigCalls) : null,
    bigActualMax: bigCalls.length ? Math.max(...bigCalls) : null,
    bigUpstreamCalls: Math.min(...g.map((x) => x.bigUpstreamCalls)),
    bigUpstreamCallsMax: Math.max(...g.map((x) => x.bigUpstreamCalls)),
    bigEntities: Math.min(...g.map((x) => x.bigEntities)),
    bigErrors: g.filter((x) => x.bigError).map((x) => x.bigError),
    http429: add('http429'),
    upstreamMaxInFlight: Math.max(...g.map((x) => x.maxInFlight)),
    zohoCalls: mergeChecks(g.map((x) => x.check)),
    zohoCallsParts: [{ part: 'the big request', check: mergeChecks(g.map((x) => x.bigCheck)) }],
    fairReps: g.map(({ check: _check, bigCheck: _bigCheck, ...x }) => x),
    explanation: FAIRNESS_EXPLANATION,
  };
}

function naRow(variant: FairnessVariant, note: string): Row {
  return unmeasuredRow(
    { name: FAIRNESS_WORKLOAD, variant, upstream: 'stub', latencyMs: FAIRNESS_LATENCY_MS },
    'error',
    note,
  );
}
