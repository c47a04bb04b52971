/**
 * The figures of a chaos run: what was sent, what was reported, what was true, per fault class,
 * as a table for people and as JSON for the docs.
 */
import { describePlace, isUnknown, type Verdict } from './judge.ts';
import type { ItemRecord, OpRecord } from './clients.ts';
import type { ClassFigures } from './injector.ts';
import { FAULT_CLASSES, type FaultClass } from './schedule.ts';

export interface RunFacts {
  command: string;
  seed: number;
  seconds: number;
  clients: number;
  itemsMax: number;
  zohoTimeoutMs: number;
  gateway: { command: string; why: string; env: Record<string, string> };
  schema: { unknownStatus: boolean; unknownCount: { link: boolean; move: boolean } };
  scheduledActions: number;
  startedAt: string;
  wallMs: number;
  runMs: number;
  /** Where the wall time went: start, faults, drain, probe, settle, stop. */
  phases: Record<string, number>;
  recoveryMs: number | null;
  /** Access tokens the emulator issued to the gateway during the run. */
  tokensIssued: number;
}

export interface UntrueExample {
  opId: number;
  op: string;
  client: number;
  what: string;
  reason: string;
  status: string;
  code: string | null;
  message: string | null;
  before: string;
  after: string;
  settled: string;
  previousDealId?: string | null;
  restored?: boolean | null;
  bad: string | null;
  faultClasses: string[];
  faults: string[];
  foundAt: 'settle' | 'end';
}

export interface ClassRow {
  class: FaultClass | 'none';
  injected: number;
  fired: number;
  ops: number;
  items: number;
  succeeded: number;
  failed: number;
  unknown: number;
  untrue: number;
  /** Item codes seen under this class (`FAILED RATE_LIMITED`, ...). */
  codes: Record<string, number>;
}

export interface Summary {
  run: RunFacts;
  operations: { total: number; link: number; unlink: number; move: number; probes: number; noAnswer: number };
  /** The longest time, while faults ran, in which no item SUCCEEDED (seconds from the start). */
  drought: { ms: number; fromS: number; toS: number };
  items: {
    total: number;
    succeeded: number;
    failed: number;
    unknown: number;
    noResult: number;
    /** FAILED moves whose result said the email was left on no deal (restored: false), and it was. */
    failedLeftOnNoDeal: number;
    /** Items that could not succeed (wrong owner, unrelated deal, no such email). */
    cannotSucceed: number;
  };
  untrue: { total: number; state: number; code: number; field: number; examples: UntrueExample[] };
  unknown: { total: number; changed: number; reachedAsked: number };
  codes: Record<string, number>;
  violations: { total: number; byKind: Record<string, number>; examples: string[] };
  logs: { lines: number; errorLines: number; errorExamples: string[] };
  perClass: ClassRow[];
  harnessErrors: string[];
}

function verdictOf(item: ItemRecord): { v: Verdict; at: 'settle' | 'end' } | null {
  if (item.atEnd?.kind === 'untrue') return { v: item.atEnd, at: 'end' };
  if (item.verdict) return { v: item.verdict, at: 'settle' };
  return null;
}

function violationKind(text: string): string {
  if (text.startsWith('no answer')) return 'no answer';
  if (text.startsWith('HTTP')) return 'HTTP 5xx';
  if (text.startsWith('GraphQL error')) return 'GraphQL error';
  if (text.includes('stack trace')) return 'stack trace';
  if (text.includes('secret')) return 'secret leaked';
  if (text.includes('moved after') || text.includes('was read for good')) return 'stray write';
  if (text.startsWith('recovery')) return 'no recovery';
  if (text.startsWith('the gateway')) return 'gateway process';
  return 'payload contract';
}

export function summarise(input: {
  facts: RunFacts;
  ops: readonly OpRecord[];
  figures: ReadonlyMap<FaultClass, ClassFigures>;
  violations: readonly string[];
  logs: { lines: number; errorLines: number; errorExamples: string[] };
  harnessErrors: readonly string[];
  examples: number;
  /** When the faults started and stopped. */
  window: { t0: number; faultsEnd: number };
}): Summary {
  const ops = [...input.ops].sort((a, b) => a.started - b.started);
  const items = { total: 0, succeeded: 0, failed: 0, unknown: 0, noResult: 0, failedLeftOnNoDeal: 0, cannotSucceed: 0 };
  const untrue: Summary['untrue'] = { total: 0, state: 0, code: 0, field: 0, examples: [] };
  const unknown = { total: 0, changed: 0, reachedAsked: 0 };
  const codes: Record<string, number> = {};
  const violations: string[] = [...input.violations];
  const rows = new Map<ClassRow['class'], ClassRow>();
  const row = (cls: ClassRow['class']) => {
    let r = rows.get(cls);
    if (!r) {
      const f = cls === 'none' ? undefined : input.figures.get(cls);
      rows.set(
        cls,
        (r = {
          class: cls,
          injected: f?.injected ?? 0,
          fired: f?.fired ?? 0,
          ops: 0,
          items: 0,
          succeeded: 0,
          failed: 0,
          unknown: 0,
          untrue: 0,
          codes: {},
        }),
      );
    }
    return r;
  };
  for (const cls of FAULT_CLASSES) if (input.figures.has(cls)) row(cls);

  for (const op of ops) {
    for (const v of op.violations) violations.push(`op ${op.id} (${op.op}): ${v}`);
    const classRows = (op.classes.length ? op.classes : (['none'] as const)).map(row);
    for (const r of classRows) r.ops++;
    for (const item of op.items) {
      items.total++;
      if (item.bad) items.cannotSucceed++;
      for (const r of classRows) r.items++;
      const result = item.result;
      if (!result) {
        items.noResult++;
        continue;
      }
      if (result.code)
        codes[`${isUnknown(result) ? 'UNKNOWN' : result.status} ${result.code}`] =
          (codes[`${isUnknown(result) ? 'UNKNOWN' : result.status} ${result.code}`] ?? 0) + 1;
      const judged = verdictOf(item);
      if (isUnknown(result)) {
        items.unknown++;
        for (const r of classRows) r.unknown++;
      } else if (result.status === 'SUCCEEDED') {
        items.succeeded++;
        for (const r of classRows) r.succeeded++;
      } else {
        items.failed++;
        for (const r of classRows) r.failed++;
      }
      if (!judged) continue;
      const { v, at } = judged;
      if (v.kind === 'unknown') {
        unknown.total++;
        if (v.changed) unknown.changed++;
        if (v.reachedDesired) unknown.reachedAsked++;
      } else if (v.kind === 'true' && v.leftOnNoDeal) {
        items.failedLeftOnNoDeal++;
      } else if (v.kind === 'untrue') {
        untrue.total++;
        untrue[v.what]++;
        for (const r of classRows) r.untrue++;
        if (untrue.examples.length < input.examples) {
          untrue.examples.push({
            opId: op.id,
            op: op.op,
            client: op.client,
            what: v.what,
            reason: v.reason,
            status: result.status,
            code: result.code,
            message: result.message,
            before: describePlace(item.before),
            after: describePlace(item.after),
            settled: describePlace(item.settled ?? null),
            ...(op.op === 'move'
              ? { previousDealId: result.previousDealId ?? null, restored: result.restored ?? null }
              : {}),
            bad: item.bad,
            faultClasses: op.classes,
            faults: op.details,
            foundAt: at,
          });
        }
      }
    }
  }

  const { t0, faultsEnd } = input.window;
  const successes = ops
    .filter((o) => !o.probe && o.ended <= faultsEnd && o.items.some((i) => i.result?.status === 'SUCCEEDED'))
    .map((o) => o.ended)
    .sort((a, b) => a - b);
  let drought = { ms: 0, from: t0, to: t0 };
  let prev = t0;
  for (const t of [...successes, faultsEnd]) {
    if (t - prev > drought.ms) drought = { ms: t - prev, from: prev, to: t };
    prev = Math.max(prev, t);
  }

  const byKind: Record<string, number> = {};
  for (const v of violations) byKind[violationKind(v)] = (byKind[violationKind(v)] ?? 0) + 1;
  const order = [...FAULT_CLASSES, 'none'] as const;
  return {
    run: input.facts,
    operations: {
      total: ops.length,
      link: ops.filter((o) => o.op === 'link').length,
      unlink: ops.filter((o) => o.op === 'unlink').length,
      move: ops.filter((o) => o.op === 'move').length,
      probes: ops.filter((o) => o.probe).length,
      noAnswer: ops.filter((o) => o.httpStatus === 0).length,
    },
    drought: {
      ms: drought.ms,
      fromS: Math.round((drought.from - t0) / 100) / 10,
      toS: Math.round((drought.to - t0) / 100) / 10,
    },
    items,
    untrue,
    unknown,
    codes: Object.fromEntries(Object.entries(codes).sort((a, b) => b[1] - a[1])),
    violations: { total: violations.length, byKind, examples: violations.slice(0, 50) },
    logs: input.logs,
    perClass: order.filter((c) => rows.has(c)).map((c) => rows.get(c)!),
    harnessErrors: [...input.harnessErrors],
  };
}

/** Whether the run shows the promise held: the exit code is 0 only then. */
export function passed(s: Summary): boolean {
  return s.untrue.total === 0 && s.violations.total === 0 && s.harnessErrors.length === 0;
}

/** One example per operation, wrong states first, then wrong fields, then wrong codes. */
function tableExamples(examples: readonly UntrueExample[], n: number): UntrueExample[] {
  const rank = { state: 0, field: 1, code: 2 } as Record<string, number>;
  const seen = new Set<number>();
  return [...examples]
    .sort((a, b) => (rank[a.what] ?? 3) - (rank[b.what] ?? 3) || a.opId - b.opId)
    .filter((e) => !seen.has(e.opId) && seen.add(e.opId))
    .slice(0, n);
}

const pad = (v: unknown, n: number) => String(v).padStart(n);
const padEnd = (v: unknown, n: number) => String(v).padEnd(n);

export function renderTable(s: Summary, shownExamples = 6): string {
  const r = s.run;
  const L: string[] = [];
  L.push(`chaos: ${r.command}`);
  L.push(
    `  gateway: ${r.gateway.command} (${r.gateway.why}); ZOHO_TIMEOUT_MS=${r.zohoTimeoutMs}; ` +
      `schema: UNKNOWN ${r.schema.unknownStatus ? 'yes' : 'no'}, unknownCount ${r.schema.unknownCount.link ? 'yes' : 'no'}`,
  );
  L.push(
    `  ${r.seconds} s of faults (${r.scheduledActions} scheduled actions), ${r.clients} clients, up to ${r.itemsMax} items per operation; ` +
      `wall time ${(r.wallMs / 1000).toFixed(1)} s`,
  );
  L.push(
    `  (${Object.entries(r.phases)
      .map(([k, ms]) => `${k.replace(/Ms$/, '')} ${(ms / 1000).toFixed(1)} s`)
      .join(', ')})`,
  );
  L.push('');
  const o = s.operations;
  L.push(
    `operations          ${pad(o.total, 7)}   link ${o.link}, unlink ${o.unlink}, move ${o.move}; no answer ${o.noAnswer}`,
  );
  const i = s.items;
  L.push(
    `items               ${pad(i.total, 7)}   (${i.cannotSucceed} sent that cannot succeed: wrong owner, unrelated deal, no such email)`,
  );
  L.push(`  SUCCEEDED         ${pad(i.succeeded, 7)}`);
  L.push(
    `  FAILED            ${pad(i.failed, 7)}   of which moves left on no deal and saying so (restored: false): ${i.failedLeftOnNoDeal}`,
  );
  L.push(
    `  UNKNOWN           ${pad(i.unknown, 7)}   changed: ${s.unknown.changed}; ended as asked: ${s.unknown.reachedAsked}`,
  );
  if (i.noResult) L.push(`  no result         ${pad(i.noResult, 7)}`);
  L.push(
    `untrue results      ${pad(s.untrue.total, 7)}   must be 0   (state ${s.untrue.state}, code ${s.untrue.code}, field ${s.untrue.field})`,
  );
  const kinds = Object.entries(s.violations.byKind)
    .map(([k, n]) => `${k} ${n}`)
    .join(', ');
  L.push(`contract violations ${pad(s.violations.total, 7)}   must be 0${kinds ? `   (${kinds})` : ''}`);
  L.push(
    `recovery            ${pad(r.recoveryMs === null ? 'none' : `${(r.recoveryMs / 1000).toFixed(1)} s`, 7)}   from faults cleared to the first SUCCEEDED link`,
  );
  L.push(
    `longest no-success ${pad(`${(s.drought.ms / 1000).toFixed(1)} s`, 7)}   no item SUCCEEDED from ${s.drought.fromS} s to ${s.drought.toS} s of the faults`,
  );
  L.push(`tokens issued       ${pad(r.tokensIssued, 7)}   access tokens the emulator minted for the gateway`);
  L.push(`gateway log         ${pad(s.logs.lines, 7)} lines, ${s.logs.errorLines} at error level`);
  if (s.harnessErrors.length)
    L.push(`HARNESS ERRORS      ${pad(s.harnessErrors.length, 7)}   the run is void: ${s.harnessErrors[0]}`);

  if (s.untrue.examples.length) {
    const shown = tableExamples(s.untrue.examples, shownExamples);
    L.push('');
    L.push(
      `untrue results: ${shown.length} of ${s.untrue.total} (one per operation, wrong states first; all in the JSON)`,
    );
    for (const e of shown) {
      L.push(`  op ${e.opId} ${e.op}: ${e.status}${e.code ? ` ${e.code}` : ''}${e.bad ? ` [item: ${e.bad}]` : ''}`);
      L.push(`    ${e.reason}${e.foundAt === 'end' ? ' (found at the end)' : ''}`);
      if (e.message) L.push(`    message: "${e.message.slice(0, 220)}"`);
      L.push(`    before ${e.before}; right after ${e.after}; settled ${e.settled}`);
      if (e.faults.length)
        L.push(`    faults active: ${e.faults.slice(0, 6).join('; ')}${e.faults.length > 6 ? '; …' : ''}`);
    }
  }
  if (s.violations.examples.length) {
    L.push('');
    L.push(`contract violations, first ${Math.min(8, s.violations.total)} of ${s.violations.total}:`);
    for (const v of s.violations.examples.slice(0, 8)) L.push(`  ${v.slice(0, 240)}`);
  }

  L.push('');
  L.push('per fault class (an operation counts under every class active while it ran)');
  L.push(
    `  ${padEnd('class', 15)}${pad('injected', 9)}${pad('fired', 7)}${pad('ops', 7)}${pad('items', 8)}${pad('SUCCEEDED', 11)}${pad('FAILED', 8)}${pad('UNKNOWN', 9)}${pad('untrue', 8)}`,
  );
  for (const c of s.perClass) {
    L.push(
      `  ${padEnd(c.class, 15)}${pad(c.class === 'none' ? '' : c.injected, 9)}${pad(c.class === 'none' ? '' : c.fired, 7)}${pad(c.ops, 7)}${pad(c.items, 8)}${pad(c.succeeded, 11)}${pad(c.failed, 8)}${pad(c.unknown, 9)}${pad(c.untrue, 8)}`,
    );
  }
  const codes = Object.entries(s.codes).slice(0, 12);
  if (codes.length) {
    L.push('');
    L.push(`item codes: ${codes.map(([k, n]) => `${k} ${n}`).join(', ')}`);
  }
  L.push('');
  L.push(passed(s) ? 'PASS: every reported result was true' : 'FAIL: see above');
  return L.join('\n');
}
