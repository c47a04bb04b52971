/**
 * Child processes of the bench, and what they cost. Each system under test runs in its own
 * process so that its CPU time and peak RSS are its own: read from /proc (utime + stime, VmHWM),
 * summed over the process and its descendants (Hive Gateway may fork workers), with the peak
 * reset through /proc/<pid>/clear_refs before each workload.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { closeSync, openSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import { fileURLToPath } from 'node:url';
import path from 'node:path';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const CLK_TCK = 100;

export type Message = { type: string; [k: string]: unknown };

// Servers with no IPC channel (the production gateway, Hive Gateway) would outlive a bench that
// died: whatever is still running when this process exits is killed. (The bench turns SIGINT
// and SIGTERM into an exit, so that this runs then too.)
const running = new Set<ChildProcess>();
process.once('exit', () => {
  for (const p of running) p.kill('SIGKILL');
});
const track = (proc: ChildProcess) => {
  running.add(proc);
  proc.once('exit', () => running.delete(proc));
};

export interface Child {
  proc: ChildProcess;
  pid: number;
  /** Sends a request over IPC and waits for the answer of the same id. */
  request<T = Message>(msg: Message, timeoutMs?: number): Promise<T>;
  /** Resolves with the first message of this type. */
  waitFor<T = Message>(type: string, timeoutMs?: number): Promise<T>;
  output(): string;
  stop(): Promise<void>;
}

/** Spawns `script` (TypeScript, under tsx) or a plain node script with an IPC channel. */
export function spawnChild(
  script: string,
  opts: { env?: Record<string, string>; args?: string[]; cwd?: string; ts?: boolean } = {},
): Child {
  // tsx as a loader in the same process (its CLI would add a wrapper process to the measurements).
  const argv = opts.ts === false ? [script, ...(opts.args ?? [])] : ['--import', 'tsx', script, ...(opts.args ?? [])];
  const proc = spawn(process.execPath, argv, {
    cwd: opts.cwd ?? ROOT,
    env: { ...process.env, LOG_LEVEL: 'warn', ...opts.env },
    stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
  });
  track(proc);
  let out = '';
  const keep = (d: Buffer) => {
    out = (out + d.toString()).slice(-20_000);
  };
  proc.stdout!.on('data', keep);
  proc.stderr!.on('data', keep);
  let seq = 0;
  const waiters = new Set<(m: Message) => boolean>();
  proc.on('message', (m: Message) => {
    for (const w of [...waiters]) if (w(m)) waiters.delete(w);
  });
  const exited = new Promise<void>((resolve) => proc.once('exit', () => resolve()));
  const wait = <T>(match: (m: Message) => boolean, what: string, timeoutMs: number): Promise<T> =>
    new Promise<T>((resolve, reject) => {
      const timer = setTimeout(() => {
        waiters.delete(w);
        reject(new Error(`${path.basename(script)}: no ${what} within ${timeoutMs} ms\n${out.slice(-3000)}`));
      }, timeoutMs);
      const w = (m: Message) => {
        if (!match(m)) return false;
        clearTimeout(timer);
        if (m.type === 'error') reject(new Error(`${path.basename(script)}: ${String(m.message)}`));
        else resolve(m as T);
        return true;
      };
      waiters.add(w);
      void exited.then(() => {
        if (!waiters.has(w)) return;
        waiters.delete(w);
        clearTimeout(timer);
        reject(
          new Error(
            `${path.basename(script)} exited (code ${proc.exitCode}) while waiting for ${what}\n${out.slice(-3000)}`,
          ),
        );
      });
    });
  return {
    proc,
    pid: proc.pid!,
    request<T>(msg: Message, timeoutMs = 120_000) {
      const id = ++seq;
      const p = wait<T>((m) => m.id === id, `answer to ${msg.type}`, timeoutMs);
      proc.send({ ...msg, id });
      return p;
    },
    waitFor<T>(type: string, timeoutMs = 60_000) {
      return wait<T>((m) => m.type === type || m.type === 'error', type, timeoutMs);
    },
    output: () => out,
    async stop() {
      if (proc.exitCode !== null || proc.signalCode !== null) return;
      proc.kill('SIGTERM');
      const timer = setTimeout(() => proc.kill('SIGKILL'), 5_000);
      await exited;
      clearTimeout(timer);
    },
  };
}

/**
 * Starts a server the way it runs in production: `node <args>` (or `command <args>`, redis-server
 * say) with exactly `env` (nothing inherited but PATH and HOME), its stdout and stderr going to
 * `logFile` as they would to a log collector, so that reading them costs the bench nothing. No
 * IPC: the bench talks HTTP (or RESP) to it.
 */
export function spawnServer(
  args: string[],
  opts: { env: Record<string, string>; logFile: string; cwd?: string; command?: string },
): Child {
  const what = [opts.command ?? 'node', ...args].join(' ');
  const fd = openSync(opts.logFile, 'w');
  const proc = spawn(opts.command ?? process.execPath, args, {
    cwd: opts.cwd ?? ROOT,
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', ...opts.env },
    stdio: ['ignore', fd, fd],
  });
  track(proc);
  closeSync(fd);
  const exited = new Promise<void>((resolve) => proc.once('exit', () => resolve()));
  const output = () => {
    try {
      return readFileSync(opts.logFile, 'utf8').slice(-20_000);
    } catch {
      return '';
    }
  };
  return {
    proc,
    pid: proc.pid!,
    request() {
      return Promise.reject(new Error(`${what} has no IPC channel`));
    },
    async waitFor<T>(pattern: string, timeoutMs = 60_000) {
      const deadline = Date.now() + timeoutMs;
      const re = new RegExp(pattern);
      for (;;) {
        const m = re.exec(output());
        if (m) return { type: 'ready', match: m } as T;
        if (proc.exitCode !== null || proc.signalCode !== null)
          throw new Error(`${what} exited (code ${proc.exitCode}):\n${output().slice(-3000)}`);
        if (Date.now() > deadline) throw new Error(`${what}: no ${pattern} within ${timeoutMs} ms`);
        await new Promise((r) => setTimeout(r, 100));
      }
    },
    output,
    async stop() {
      if (proc.exitCode !== null || proc.signalCode !== null) return;
      proc.kill('SIGTERM');
      const timer = setTimeout(() => proc.kill('SIGKILL'), 10_000);
      await exited;
      clearTimeout(timer);
    },
  };
}

/** A port free on 127.0.0.1 now, for servers that need one on their command line. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as net.AddressInfo;
      s.close(() => resolve(port));
    });
  });
}

function readComm(pid: number): string {
  try {
    return readFileSync(`/proc/${pid}/comm`, 'utf8').trim();
  } catch {
    return '';
  }
}

/** The pid and its descendants, from /proc. */
function processTree(pid: number): number[] {
  const children = new Map<number, number[]>();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      const list = children.get(ppid) ?? [];
      list.push(Number(entry));
      children.set(ppid, list);
    } catch {
      // The process ended while we looked.
    }
  }
  const out: number[] = [];
  const walk = (p: number) => {
    // esbuild's service process (tsx's compiler) is not the code under test.
    if (readComm(p) === 'esbuild') return;
    out.push(p);
    for (const c of children.get(p) ?? []) walk(c);
  };
  walk(pid);
  return out;
}

/** CPU ms (user + system) of the process tree. */
export function cpuMs(pid: number): number {
  let ticks = 0;
  for (const p of processTree(pid)) {
    try {
      const stat = readFileSync(`/proc/${p}/stat`, 'utf8');
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      // Fields 14 and 15 of stat (utime, stime); index 0 here is field 3.
      ticks += Number(fields[11]) + Number(fields[12]);
    } catch {
      // gone
    }
  }
  return (ticks * 1000) / CLK_TCK;
}

/** Peak RSS (VmHWM) of the process tree since the last resetPeakRss, in MiB. */
export function peakRssMb(pid: number): number {
  let kb = 0;
  for (const p of processTree(pid)) {
    try {
      const m = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${p}/status`, 'utf8'));
      kb += Number(m?.[1] ?? 0);
    } catch {
      // gone
    }
  }
  return kb / 1024;
}

/** Resets the peak RSS of the process tree to the current RSS (Linux ≥ 4.0). */
export function resetPeakRss(pid: number): void {
  for (const p of processTree(pid)) {
    try {
      writeFileSync(`/proc/${p}/clear_refs`, '5');
    } catch {
      // Not permitted or gone: the peak then covers the process's whole life.
    }
  }
}

/** For scripts run as children: answer IPC requests with a handler. */
export function serveIpc(handler: (msg: Message) => Promise<Record<string, unknown>>): void {
  process.on('message', (msg: Message) => {
    handler(msg).then(
      (res) => process.send?.({ type: 'ok', ...res, id: msg.id }),
      (e: unknown) =>
        process.send?.({ type: 'error', message: e instanceof Error ? e.message : String(e), id: msg.id }),
    );
  });
  process.on('disconnect', () => process.exit(0));
}
