/**
 * The seeded fault schedule of `npm run chaos`: a list of timed actions on the emulator's admin
 * API (`POST /__emulator/faults`, `PUT /__emulator/config`, `DELETE /__emulator/faults`), made
 * from the seed alone, so that one seed always asks for the same faults at the same moments.
 *
 * Shape of the schedule:
 * - Faults are route-scoped (link, unlink, the single-email read, the deal read, the token
 *   endpoint) and bounded by `count`, often with a `rate` so that they spread over several calls;
 *   every few seconds they are cleared, so operations succeed often too.
 * - 4xx faults (429, 401, 403, 400) are injected before the write only: Zoho's 4xx say it
 *   refused. 5xx, timeouts and resets come both before and after the write.
 * - Mode and limit channels (relinkMode, batchMode, latency, concurrency) each alternate between
 *   their calm value and a disturbed one, independently.
 * - Token events are budgeted: the gateway may mint only so many access tokens per 10 minutes
 *   (Zoho's limit, mirrored locally), so a run provokes at most a handful of refreshes (401
 *   faults) and token-endpoint outages, and a correct gateway never runs out of tokens.
 */
import { Prng } from './prng.ts';

export const ROUTES = {
  link: 'POST /crm/v8/Contacts/{id}/Emails/actions/link_record',
  unlink: 'DELETE /crm/v8/Contacts/{id}/Emails/actions/link_record',
  getEmail: 'GET /crm/v8/Contacts/{id}/Emails/{message_id}',
  getDeals: 'GET /crm/v8/Deals',
  token: 'POST /oauth/v2/token',
} as const;
export type RouteName = keyof typeof ROUTES;

export const FAULT_CLASSES = [
  '5xx',
  '5xx-after',
  '429',
  '401',
  '403',
  '400',
  'timeout-before',
  'timeout-after',
  'reset-before',
  'reset-after',
  'token-outage',
  'latency',
  'concurrency',
  'atomic',
  'reject',
] as const;
export type FaultClass = (typeof FAULT_CLASSES)[number];

/** The body of `POST /__emulator/faults`. */
export interface FaultSpec {
  route: string;
  mode?: 'status' | 'timeout' | 'reset';
  status?: number;
  phase?: 'before' | 'after';
  count: number;
  rate?: number;
}

export interface EmulatorPatch {
  latencyMs?: number;
  jitterMs?: number;
  concurrencyLimit?: number | null;
  batchMode?: 'partial' | 'atomic';
  relinkMode?: 'replace' | 'reject';
}

export type Action =
  /**
   * Faults added together, in order (the emulator consults faults in the order they were added):
   * a token outage adds its trigger, a 401, after it; a sequence adds a fault after the write,
   * then refusals of the retries.
   */
  | { type: 'faults'; faults: Array<{ class: FaultClass; spec: FaultSpec }> }
  /** A channel turns disturbed (`class`) or calm again (`class: null`). */
  | { type: 'config'; class: FaultClass | null; channel: Channel; patch: EmulatorPatch }
  | { type: 'clear' };

export type Channel = 'latency' | 'concurrency' | 'batchMode' | 'relinkMode';

export interface ScheduledAction {
  atMs: number;
  action: Action;
}

/** The calm value of every channel: where a run starts and ends. */
export const CALM: Required<EmulatorPatch> = {
  latencyMs: 5,
  jitterMs: 20,
  concurrencyLimit: null,
  batchMode: 'partial',
  relinkMode: 'replace',
};

export interface ScheduleOptions {
  seed: number;
  seconds: number;
  /** The gateway's timeout per Zoho call; latency spikes go beyond it on purpose. */
  zohoTimeoutMs: number;
}

/** Tokens the schedule may cost per 10 minutes: 401 refreshes plus outages (each ends in one mint). */
const TOKEN_EVENTS_PER_10_MIN = { refreshes: 3, outages: 2 };

export function buildSchedule(opts: ScheduleOptions): ScheduledAction[] {
  const rnd = new Prng(opts.seed * 7919 + 17);
  const endMs = opts.seconds * 1000;
  const out: ScheduledAction[] = [];
  const at = (atMs: number, action: Action) => {
    if (atMs < endMs) out.push({ atMs: Math.round(atMs), action });
  };

  // ---- mode and limit channels: calm, disturbed, calm, ...
  const channel = (
    name: Channel,
    cls: FaultClass,
    calmMs: [number, number],
    busyMs: [number, number],
    disturbed: () => EmulatorPatch,
    calm: EmulatorPatch,
  ) => {
    let t = rnd.int(calmMs[0], calmMs[1]) / 2;
    while (t < endMs) {
      at(t, { type: 'config', class: cls, channel: name, patch: disturbed() });
      t += rnd.int(busyMs[0], busyMs[1]);
      at(t, { type: 'config', class: null, channel: name, patch: calm });
      t += rnd.int(calmMs[0], calmMs[1]);
    }
  };
  channel('relinkMode', 'reject', [3000, 12000], [3000, 10000], () => ({ relinkMode: 'reject' }), {
    relinkMode: 'replace',
  });
  channel('batchMode', 'atomic', [4000, 15000], [3000, 8000], () => ({ batchMode: 'atomic' }), {
    batchMode: 'partial',
  });
  channel(
    'latency',
    'latency',
    [5000, 14000],
    [800, 4000],
    () => {
      // Some spikes stay under the gateway's timeout (slow answers), most go beyond it
      // (abandoned calls, which the emulator may still apply when their delay is over).
      const latencyMs = rnd.chance(0.3)
        ? rnd.int(Math.round(opts.zohoTimeoutMs * 0.3), Math.round(opts.zohoTimeoutMs * 0.8))
        : rnd.int(opts.zohoTimeoutMs + 200, opts.zohoTimeoutMs * 2);
      return { latencyMs, jitterMs: rnd.int(0, 400) };
    },
    { latencyMs: CALM.latencyMs, jitterMs: CALM.jitterMs },
  );
  channel('concurrency', 'concurrency', [8000, 20000], [2000, 6000], () => ({ concurrencyLimit: rnd.int(2, 4) }), {
    concurrencyLimit: null,
  });

  // ---- clears: every 8-16 s all faults go, and a short calm follows
  const calmUntil: number[] = [];
  for (let t = rnd.int(8000, 16000); t < endMs; t += rnd.int(8000, 16000)) {
    at(t, { type: 'clear' });
    calmUntil.push(t);
  }
  const inCalm = (t: number) => calmUntil.some((c) => t >= c && t < c + 1500);

  // ---- token events, at seeded moments within their budget
  const windows = Math.max(1, opts.seconds / 600);
  const refreshes = Math.max(1, Math.floor(Math.min(opts.seconds / 30, TOKEN_EVENTS_PER_10_MIN.refreshes * windows)));
  const outages = Math.max(1, Math.floor(Math.min(opts.seconds / 100, TOKEN_EVENTS_PER_10_MIN.outages * windows)));
  const tokenAt = (n: number, i: number) => ((i + 0.2 + rnd.next() * 0.6) / n) * endMs;
  for (let i = 0; i < refreshes; i++) {
    const route = ROUTES[rnd.pick(['link', 'unlink', 'getEmail'] as const)];
    at(tokenAt(refreshes, i), { type: 'faults', faults: [{ class: '401', spec: { route, status: 401, count: 1 } }] });
  }
  for (let i = 0; i < outages; i++) {
    const outage: FaultSpec = rnd.chance(0.25)
      ? { route: ROUTES.token, mode: 'timeout', count: 1 }
      : { route: ROUTES.token, status: rnd.pick([500, 502, 503]), count: rnd.int(2, 9) };
    // The gateway asks for a token only when it needs one: a 401 makes it ask.
    const trigger: FaultSpec = { route: ROUTES[rnd.pick(['link', 'getEmail'] as const)], status: 401, count: 1 };
    at(tokenAt(outages, i), {
      type: 'faults',
      faults: [
        { class: 'token-outage', spec: outage },
        { class: 'token-outage', spec: trigger },
      ],
    });
  }

  // ---- the fault stream
  type Stream = Exclude<FaultClass, 'token-outage' | '401' | 'latency' | 'concurrency' | 'atomic' | 'reject'>;
  const weights: Array<[Stream | 'sequence', number]> = [
    ['sequence', 12],
    ['5xx', 20],
    ['5xx-after', 16],
    ['429', 12],
    ['403', 5],
    ['400', 5],
    ['timeout-before', 5],
    ['timeout-after', 6],
    ['reset-before', 6],
    ['reset-after', 8],
  ];
  const writeRoute = () =>
    ROUTES[
      rnd.weighted([
        ['link', 55],
        ['unlink', 45],
      ] as const)
    ];
  const anyRoute = () =>
    ROUTES[
      rnd.weighted([
        ['link', 35],
        ['unlink', 25],
        ['getEmail', 30],
        ['getDeals', 10],
      ] as const)
    ];
  const bounded = (max: number): Pick<FaultSpec, 'count' | 'rate'> =>
    rnd.chance(0.35) ? { count: rnd.int(2, max + 3), rate: rnd.pick([0.2, 0.3, 0.5]) } : { count: rnd.int(1, max) };
  /**
   * The shape of every untrue result measured so far: an attempt is applied but its answer is
   * lost (a 5xx, reset or timeout after the write), then the retries are refused (429, 403 or a
   * bare 400), on the same write route.
   */
  const sequence = (): Array<{ class: FaultClass; spec: FaultSpec }> => {
    const route = writeRoute();
    const lost = rnd.weighted([
      ['5xx-after', 3],
      ['reset-after', 2],
      ['timeout-after', 1],
    ] as const);
    const first: FaultSpec =
      lost === '5xx-after'
        ? { route, status: rnd.pick([500, 503]), phase: 'after', count: 1 }
        : { route, mode: lost === 'reset-after' ? 'reset' : 'timeout', phase: 'after', count: 1 };
    const refusal = rnd.weighted([
      ['429', 4],
      ['403', 1],
      ['400', 1],
    ] as const);
    const status = Number(refusal);
    return [
      { class: lost, spec: first },
      { class: refusal, spec: { route, status, count: refusal === '429' ? rnd.int(3, 6) : rnd.int(1, 3) } },
    ];
  };
  for (let t = rnd.int(300, 1200); t < endMs; t += rnd.int(400, 1800)) {
    if (inCalm(t)) continue;
    const cls = rnd.weighted(weights);
    if (cls === 'sequence') {
      at(t, { type: 'faults', faults: sequence() });
      continue;
    }
    let spec: FaultSpec;
    switch (cls) {
      case '5xx':
        spec = { route: anyRoute(), status: rnd.pick([500, 502, 503, 504]), phase: 'before', ...bounded(3) };
        break;
      case '5xx-after':
        spec = { route: writeRoute(), status: rnd.pick([500, 502, 503, 504]), phase: 'after', ...bounded(2) };
        break;
      case '429':
        spec = { route: anyRoute(), status: 429, ...bounded(5) };
        break;
      case '403':
        spec = { route: rnd.chance(0.5) ? writeRoute() : ROUTES.getEmail, status: 403, ...bounded(2) };
        break;
      case '400':
        spec = { route: rnd.chance(0.5) ? writeRoute() : ROUTES.getEmail, status: 400, ...bounded(2) };
        break;
      case 'timeout-before':
        spec = { route: anyRoute(), mode: 'timeout', phase: 'before', count: rnd.int(1, 2) };
        break;
      case 'timeout-after':
        spec = { route: writeRoute(), mode: 'timeout', phase: 'after', count: rnd.int(1, 2) };
        break;
      case 'reset-before':
        spec = { route: anyRoute(), mode: 'reset', phase: 'before', ...bounded(2) };
        break;
      case 'reset-after':
        spec = { route: writeRoute(), mode: 'reset', phase: 'after', ...bounded(2) };
        break;
    }
    at(t, { type: 'faults', faults: [{ class: cls, spec }] });
  }

  return out.sort((a, b) => a.atMs - b.atMs);
}

/** The channel each mode or limit class disturbs. */
const CHANNEL_OF: Partial<Record<FaultClass, Channel>> = {
  latency: 'latency',
  concurrency: 'concurrency',
  atomic: 'batchMode',
  reject: 'relinkMode',
};

/** The schedule without some fault classes (`--without`), to look at the others alone. */
export function withoutClasses(
  schedule: readonly ScheduledAction[],
  classes: readonly FaultClass[],
): ScheduledAction[] {
  const skip = new Set(classes);
  const quiet = new Set(classes.map((c) => CHANNEL_OF[c]).filter((c): c is Channel => c !== undefined));
  const out: ScheduledAction[] = [];
  for (const item of schedule) {
    const a = item.action;
    if (a.type === 'config' && quiet.has(a.channel)) continue;
    if (a.type === 'faults') {
      const faults = a.faults.filter((f) => !skip.has(f.class));
      if (faults.length === 0) continue;
      // A sequence whose first fault is gone is just its refusals: keep them, they are a class too.
      out.push({ atMs: item.atMs, action: { type: 'faults', faults } });
      continue;
    }
    out.push(item);
  }
  return out;
}
