/**
 * Helpers for the operations tests: a stack whose client feeds the gateway's telemetry, the
 * gateway as a child process (`npx tsx src/main.ts`, as an operator starts it), a Prometheus text
 * reader, and a log capture.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { Writable } from 'node:stream';
import { resolve } from 'node:path';
import type { Logger } from 'pino';
import { startStack, type Stack } from '../support/gateway.ts';
import type { GatewayOptions } from '../../src/graphql/server.ts';
import type { EmulatorConfig } from '../../src/emulator/index.ts';
import type { ZohoConfigInput } from '../../src/zoho/index.ts';
import { createTelemetry, zohoClientOptions, type Telemetry } from '../../src/observability/telemetry.ts';
import { createLogger } from '../../src/observability/logger.ts';

export const ROOT = resolve(import.meta.dirname, '../..');

export interface OpsStack extends Stack {
  telemetry: Telemetry;
  /** `http://127.0.0.1:port` (the gateway, without /graphql). */
  base: string;
  get(
    path: string,
    headers?: Record<string, string>,
  ): Promise<{ status: number; text: string; json: any; headers: Headers }>;
  metrics(): Promise<Metrics>;
}

export async function startOpsStack(
  opts: {
    emulator?: Partial<EmulatorConfig>;
    zoho?: ZohoConfigInput;
    gateway?: Partial<GatewayOptions>;
    readyCacheMs?: number;
    logger?: Logger;
  } = {},
): Promise<OpsStack> {
  const concurrency = opts.zoho?.concurrency ?? 10;
  const telemetry = createTelemetry({ readyCacheMs: opts.readyCacheMs ?? 60_000, defaultMetrics: false });
  const stack = await startStack({
    ...(opts.emulator ? { emulator: opts.emulator } : {}),
    ...(opts.zoho ? { zoho: opts.zoho } : {}),
    client: zohoClientOptions(telemetry, { concurrency }, opts.logger),
    gateway: { telemetry, ...(opts.logger ? { logger: opts.logger } : {}), ...opts.gateway },
  });
  const base = stack.gateway.url.replace(/\/graphql$/, '');
  const get: OpsStack['get'] = async (path, headers = {}) => {
    const res = await fetch(base + path, { headers });
    const text = await res.text();
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      json = undefined;
    }
    return { status: res.status, text, json, headers: res.headers };
  };
  return { ...stack, telemetry, base, get, metrics: async () => parseMetrics((await get('/metrics')).text) };
}

/** Prometheus text, read back: `value(name, labels)` sums the samples whose labels include `labels`. */
export interface Metrics {
  text: string;
  names: Set<string>;
  value(name: string, labels?: Record<string, string>): number;
  samples(name: string): Array<{ labels: Record<string, string>; value: number }>;
}

export function parseMetrics(text: string): Metrics {
  const rows: Array<{ name: string; labels: Record<string, string>; value: number }> = [];
  for (const line of text.split('\n')) {
    if (!line || line.startsWith('#')) continue;
    const m = /^([a-zA-Z_:][\w:]*)(?:\{(.*)\})?\s+(\S+)$/.exec(line);
    if (!m) continue;
    const labels: Record<string, string> = {};
    for (const l of (m[2] ?? '').matchAll(/(\w+)="((?:[^"\\]|\\.)*)"/g)) labels[l[1]!] = l[2]!;
    rows.push({ name: m[1]!, labels, value: Number(m[3]) });
  }
  const matches = (have: Record<string, string>, want: Record<string, string>) =>
    Object.entries(want).every(([k, v]) => have[k] === v);
  return {
    text,
    names: new Set(rows.map((r) => r.name)),
    samples: (name) => rows.filter((r) => r.name === name),
    value: (name, labels = {}) =>
      rows.filter((r) => r.name === name && matches(r.labels, labels)).reduce((n, r) => n + r.value, 0),
  };
}

/** A pino logger whose JSON lines are kept in memory, to be searched. */
export function captureLogs(level = 'debug'): { logger: Logger; lines: string[]; text(): string } {
  const lines: string[] = [];
  const destination = new Writable({
    write(chunk, _enc, done) {
      lines.push(...String(chunk).split('\n').filter(Boolean));
      done();
    },
  });
  const logger = createLogger({ level, destination });
  return { logger, lines, text: () => lines.join('\n') };
}

export interface GatewayProcess {
  child: ChildProcess;
  output(): string;
  /** Resolves with the first match of `pattern` in stdout+stderr. */
  waitFor(pattern: RegExp, timeoutMs?: number): Promise<RegExpExecArray>;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  stop(): Promise<void>;
}

/**
 * The gateway as an operator starts it, with exactly `env` (plus PATH and HOME): no ZOHO_* or
 * GATEWAY_* leaks in from the test runner's environment. `npx tsx src/main.ts` by default; tests
 * that send signals use `node --import tsx`, one process, so the signal reaches the gateway itself
 * and the exit code is its own; `dist` runs the compiled build as production does
 * (`node dist/main.js`, in `cwd`). Each runs in its own process group, killed whole by stop().
 */
export function spawnGateway(
  env: Record<string, string>,
  via: 'npx' | 'node' | 'dist' = 'npx',
  opts: {
    cwd?: string;
    /**
     * Another entry point than the gateway's: src/emulator/main.ts, or with `dist` a compiled or
     * plain JavaScript file such as dist/emulator/main.js.
     */
    script?: string;
    /** Arguments after the script. */
    args?: string[];
  } = {},
): GatewayProcess {
  const script = opts.script ?? (via === 'dist' ? 'dist/main.js' : 'src/main.ts');
  const extra = opts.args ?? [];
  const [cmd, args] =
    via === 'npx'
      ? ['npx', ['tsx', script, ...extra]]
      : via === 'node'
        ? [process.execPath, ['--import', 'tsx', script, ...extra]]
        : [process.execPath, [script, ...extra]];
  const child = spawn(cmd, args as string[], {
    cwd: opts.cwd ?? ROOT,
    // The journal in memory unless a test names a file: a repo-wide data/gateway.sqlite would carry
    // one test's unfinished moves into another's gateway, against another emulator.
    env: {
      PATH: process.env.PATH ?? '',
      HOME: process.env.HOME ?? '',
      NODE_ENV: 'test',
      GATEWAY_STATE_DB: ':memory:',
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  });
  let out = '';
  const waiters: Array<() => void> = [];
  const onData = (d: Buffer) => {
    out += d.toString();
    waiters.splice(0).forEach((w) => w());
  };
  child.stdout!.on('data', onData);
  child.stderr!.on('data', onData);
  // 'close', not 'exit': it comes once stdout and stderr are drained, so output() is complete.
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((res) =>
    child.on('close', (code, signal) => {
      waiters.splice(0).forEach((w) => w());
      res({ code, signal });
    }),
  );
  const waitFor = (pattern: RegExp, timeoutMs = 60_000) =>
    new Promise<RegExpExecArray>((res, rej) => {
      const timer = setTimeout(
        () => rej(new Error(`timed out waiting for ${pattern}; output so far:\n${out}`)),
        timeoutMs,
      );
      const check = () => {
        const m = pattern.exec(out);
        if (m) {
          clearTimeout(timer);
          return res(m);
        }
        if (child.exitCode !== null || child.signalCode !== null) {
          clearTimeout(timer);
          return rej(
            new Error(`the gateway exited (${child.exitCode ?? child.signalCode}) before ${pattern}; output:\n${out}`),
          );
        }
        waiters.push(check);
      };
      check();
    });
  return {
    child,
    output: () => out,
    waitFor,
    exited,
    stop: async () => {
      if (child.exitCode === null && child.signalCode === null) {
        try {
          process.kill(-child.pid!, 'SIGKILL');
        } catch {
          child.kill('SIGKILL');
        }
        await exited;
      }
    },
  };
}
