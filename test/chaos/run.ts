/**
 * `npm run chaos -- --seed N --seconds S`: the seeded fault schedule with item-by-item
 * reconciliation (docs/chaos.md). Starts the emulator in this process (so that the truth can be
 * read straight from its store) and the gateway as a child process pointed at it, plays the
 * schedule while concurrent clients link, unlink and move, judges every item, prints the table,
 * writes the same as JSON, and exits non-zero on any untrue result or contract violation.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { parseArgs } from 'node:util';
import { DEMO_CREDENTIALS, startEmulator, type RunningEmulator } from '../../src/emulator/index.ts';
import { hasStackTrace, leakedSecrets } from './judge.ts';
import { ChaosClient, partition, type OpRecord } from './clients.ts';
import {
  ROOT,
  chooseLaunch,
  mutations,
  schemaFeatures,
  startGatewayChild,
  type GatewayChild,
  type Launch,
} from './gateway.ts';
import { Injector } from './injector.ts';
import { passed, renderTable, summarise } from './report.ts';
import { CALM, FAULT_CLASSES, buildSchedule, withoutClasses, type FaultClass } from './schedule.ts';
import { Truth, readWorld } from './world.ts';

/** How long the gateway has, once the faults are cleared, to link one email again. */
const PROBE_MS = 15_000;

const USAGE = `usage: npm run chaos -- [--seed N] [--seconds S] [options]

  --seed N              seed of the fault schedule and of the clients' choices (default 1)
  --seconds S           how long faults are injected (default 45; 1 to 3600)
  --clients N           concurrent clients (default 4)
  --items N             most items per operation (default 40)
  --zoho-timeout-ms MS  the gateway's ZOHO_TIMEOUT_MS (default 1500)
  --gateway tsx|dist|auto
                        how the gateway runs: tsx runs src/ as checked out (default); dist runs
                        dist/main.js, refused when older than src/; auto picks dist when fresh
  --env KEY=VALUE       an extra variable for the gateway (repeatable), e.g. a retry setting
  --without C1,C2       leave these fault classes out of the schedule (e.g. token-outage)
  --out FILE            where the JSON goes (default data/chaos/seed-N-Ss.json)
  --examples N          untrue results kept in the JSON (default 200)`;

interface Options {
  seed: number;
  seconds: number;
  clients: number;
  items: number;
  zohoTimeoutMs: number;
  gateway: 'tsx' | 'dist' | 'auto';
  env: Record<string, string>;
  without: FaultClass[];
  out: string;
  examples: number;
}

function parseOptions(argv: string[]): Options {
  const { values } = parseArgs({
    args: argv,
    options: {
      seed: { type: 'string', default: '1' },
      seconds: { type: 'string', default: '45' },
      clients: { type: 'string', default: '4' },
      items: { type: 'string', default: '40' },
      'zoho-timeout-ms': { type: 'string', default: '1500' },
      gateway: { type: 'string', default: 'tsx' },
      env: { type: 'string', multiple: true, default: [] },
      without: { type: 'string', default: '' },
      out: { type: 'string' },
      examples: { type: 'string', default: '200' },
      help: { type: 'boolean', default: false },
    },
    strict: true,
  });
  if (values.help) {
    console.log(USAGE);
    process.exit(0);
  }
  const int = (name: string, raw: string, min: number, max: number) => {
    const n = Number(raw);
    if (!Number.isInteger(n) || n < min || n > max)
      throw new Error(`--${name} must be a whole number from ${min} to ${max}`);
    return n;
  };
  const gateway = values.gateway;
  if (gateway !== 'tsx' && gateway !== 'dist' && gateway !== 'auto')
    throw new Error('--gateway must be tsx, dist or auto');
  const env: Record<string, string> = {};
  for (const kv of values.env) {
    const m = /^([A-Z][A-Z0-9_]*)=(.*)$/.exec(kv);
    if (!m) throw new Error(`--env wants KEY=VALUE, got "${kv}"`);
    env[m[1]!] = m[2]!;
  }
  const without = values.without
    .split(',')
    .map((c) => c.trim())
    .filter(Boolean) as FaultClass[];
  for (const c of without) {
    if (!FAULT_CLASSES.includes(c)) throw new Error(`--without: "${c}" is not one of ${FAULT_CLASSES.join(', ')}`);
  }
  const seed = int('seed', values.seed, 0, 2 ** 31 - 1);
  const seconds = int('seconds', values.seconds, 1, 3600);
  return {
    seed,
    seconds,
    clients: int('clients', values.clients, 1, 32),
    items: int('items', values.items, 1, 500),
    zohoTimeoutMs: int('zoho-timeout-ms', values['zoho-timeout-ms'], 100, 60_000),
    gateway,
    env,
    without,
    out:
      values.out ??
      join(ROOT, 'data/chaos', `seed-${seed}-${seconds}s${without.length ? `-without-${without.join('-')}` : ''}.json`),
    examples: int('examples', values.examples, 0, 100_000),
  };
}

/** Secrets that must appear in no answer and no log line. */
function secretsOf(truth: Truth): Map<string, string> {
  const m = new Map<string, string>([
    ['the client secret', DEMO_CREDENTIALS.clientSecret],
    ['the refresh token', DEMO_CREDENTIALS.refreshToken],
  ]);
  truth.accessTokens().forEach((t, i) => m.set(`access token ${i + 1}`, t));
  return m;
}

function scanLogs(text: string, secrets: ReadonlyMap<string, string>) {
  const lines = text.split('\n').filter((l) => l.trim() !== '');
  const violations: string[] = [];
  let errorLines = 0;
  const errorExamples: string[] = [];
  let stacks = 0;
  for (const line of lines) {
    let level: number;
    try {
      level = Number((JSON.parse(line) as { level?: unknown }).level) || 0;
    } catch {
      level = 0; // the start-up banner is plain text
    }
    if (level >= 50) {
      errorLines++;
      if (errorExamples.length < 5) errorExamples.push(line.slice(0, 300));
    }
    if (hasStackTrace(line)) {
      if (stacks++ < 3) violations.push(`a stack trace in the gateway's log: ${line.slice(0, 200)}`);
    }
  }
  const leaks = leakedSecrets(text, secrets);
  if (leaks.length) violations.push(`secrets in the gateway's log: ${leaks.join(', ')}`);
  if (stacks > 3) violations.push(`… and ${stacks - 3} more log lines with a stack trace`);
  return { lines: lines.length, errorLines, errorExamples, violations };
}

async function emulatorInFlight(emu: RunningEmulator): Promise<number> {
  const res = await fetch(`${emu.url}/__emulator/stats`, { signal: AbortSignal.timeout(5_000) });
  const stats = (await res.json()) as { inFlight?: number };
  return stats.inFlight ?? 0;
}

async function main(): Promise<number> {
  const wallStart = Date.now();
  const opts = parseOptions(process.argv.slice(2));
  const command = `npm run chaos -- --seed ${opts.seed} --seconds ${opts.seconds}${opts.clients !== 4 ? ` --clients ${opts.clients}` : ''}${opts.items !== 40 ? ` --items ${opts.items}` : ''}${opts.without.length ? ` --without ${opts.without.join(',')}` : ''}`;
  const { launch, why } = chooseLaunch(opts.gateway as 'auto' | Launch);
  mkdirSync(dirname(opts.out), { recursive: true });
  const logFile = opts.out.replace(/\.json$/, '') + '.gateway.log';

  const emu = await startEmulator({ port: 0, host: '127.0.0.1', db: ':memory:', seed: 'demo', config: { ...CALM } });
  let gateway: GatewayChild | null = null;
  const stopAll = async () => {
    await gateway?.stop();
    await emu.close();
  };
  process.once('SIGINT', () => {
    void stopAll().finally(() => process.exit(130));
  });
  try {
    const world = readWorld(emu);
    const truth = new Truth(emu, world.orgId);
    const injector = new Injector(emu.url);
    await injector.calm();
    gateway = await startGatewayChild({
      emulatorUrl: emu.url,
      launch,
      zohoTimeoutMs: opts.zohoTimeoutMs,
      extraEnv: opts.env,
      logFile,
    });
    const features = await schemaFeatures(gateway.url);
    const queries = mutations(features);
    const schedule = withoutClasses(
      buildSchedule({ seed: opts.seed, seconds: opts.seconds, zohoTimeoutMs: opts.zohoTimeoutMs }),
      opts.without,
    );

    const ops: OpRecord[] = [];
    const violations: string[] = [];
    let secrets = secretsOf(truth);
    let secretsAt = Date.now();
    const ctx = {
      url: gateway.url,
      queries,
      features,
      injector,
      truth,
      world,
      secrets: () => {
        if (Date.now() - secretsAt > 1000) {
          secrets = secretsOf(truth);
          secretsAt = Date.now();
        }
        return secrets;
      },
      settleMarginMs: 1500,
      // Longer than any honest answer: the gateway's retries stop within about 20 s per call.
      opTimeoutMs: 90_000,
      itemsMax: opts.items,
      record: (op: OpRecord) => ops.push(op),
      violation: (text: string) => violations.push(text),
    };
    const shares = partition(world.emails, opts.clients, opts.seed);
    const clients = shares.map((emails, i) => new ChaosClient(i, opts.seed, emails, ctx));

    console.log(
      `chaos: seed ${opts.seed}, ${opts.seconds} s, ${opts.clients} clients over ${world.emails.length} emails; ` +
        `gateway ${gateway.url} (${gateway.command}); emulator ${emu.url}`,
    );
    const t0 = Date.now();
    const phases: Record<string, number> = { startMs: t0 - wallStart };
    const endAt = t0 + opts.seconds * 1000;
    const over = () => Date.now() >= endAt;
    const progress = setInterval(() => {
      const items = ops.reduce((n, o) => n + o.items.length, 0);
      console.log(`  ${Math.round((Date.now() - t0) / 1000)} s: ${ops.length} operations, ${items} items settled`);
    }, 15_000);
    const running = clients.map((c) => c.run(over));
    await injector.play(schedule, t0, over);
    // Faults off at once, so that the operations still in flight finish in calm.
    await injector.calm();
    phases.faultsMs = Date.now() - t0;
    await Promise.all(running);
    const runMs = Date.now() - t0;
    phases.drainMs = runMs - phases.faultsMs;
    clearInterval(progress);

    const calmAt = Date.now();
    const probeMs = await clients[0]!.probe(PROBE_MS);
    const recoveryMs = probeMs === null ? null : Date.now() - calmAt;
    if (recoveryMs === null)
      violations.push(`recovery: no link SUCCEEDED within ${PROBE_MS / 1000} s of the faults being cleared`);
    phases.probeMs = Date.now() - calmAt;
    const settleFrom = Date.now();
    await Promise.all(clients.map((c) => c.settled()));

    // A write abandoned by the gateway lands once its delay is over: wait out the longest delay
    // ever set and the gateway's timeout, and until the emulator has no call open.
    await sleep(Math.max(opts.zohoTimeoutMs, injector.maxLatencyEver) + 1500);
    for (let i = 0; i < 40 && (await emulatorInFlight(emu)) > 0; i++) await sleep(250);
    for (const c of clients) c.reconcileAtEnd();
    phases.settleMs = Date.now() - settleFrom;

    const early = gateway.exitedEarly();
    if (early) violations.push(`the gateway ${early} during the run`);
    const stopFrom = Date.now();
    await gateway.stop();
    phases.stopMs = Date.now() - stopFrom;
    const logs = scanLogs(gateway.output(), secretsOf(truth));
    violations.push(...logs.violations);

    const summary = summarise({
      facts: {
        command,
        seed: opts.seed,
        seconds: opts.seconds,
        clients: opts.clients,
        itemsMax: opts.items,
        zohoTimeoutMs: opts.zohoTimeoutMs,
        gateway: { command: gateway.command, why, env: gateway.env },
        schema: features,
        scheduledActions: schedule.length,
        startedAt: new Date(wallStart).toISOString(),
        wallMs: Date.now() - wallStart,
        runMs,
        phases,
        recoveryMs,
        tokensIssued: truth.accessTokens().length,
      },
      ops,
      figures: injector.figures,
      violations,
      logs: { lines: logs.lines, errorLines: logs.errorLines, errorExamples: logs.errorExamples },
      harnessErrors: injector.errors,
      examples: opts.examples,
      window: { t0, faultsEnd: t0 + phases.faultsMs! },
    });
    console.log('');
    console.log(renderTable(summary));
    writeFileSync(opts.out, JSON.stringify({ ...summary, schedule }, null, 2) + '\n');
    console.log(`\nJSON: ${relative(process.cwd(), opts.out)}; gateway log: ${relative(process.cwd(), logFile)}`);
    // 2: the run itself is void (the harness could not drive the emulator), as for a crash.
    return summary.harnessErrors.length ? 2 : passed(summary) ? 0 : 1;
  } finally {
    await stopAll();
  }
}

main().then(
  (code) => process.exit(code),
  (e: unknown) => {
    console.error(`chaos: ${e instanceof Error ? e.message : String(e)}`);
    process.exit(2);
  },
);
