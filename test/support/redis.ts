/**
 * Test helper: a real redis-server on a free loopback port, started and stopped by the test
 * (Debian's package: `apt-get install -y redis-server`; it does not start by itself).
 *
 *   if (!hasRedis) console.warn(REDIS_MISSING);
 *   const redis = await startRedis({ appendonly: true }); // fsync at every write, unless appendfsync: 'everysec'
 *   redis.url            // redis://127.0.0.1:<port>
 *   await redis.stop();  // SIGTERM, as an orderly restart (AOF is fsynced)
 *   await redis.start(); // again, on the same port and data folder
 *   await redis.close(); // stops it and removes its folder
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const hasRedis = spawnSync('redis-server', ['--version'], { stdio: 'ignore' }).status === 0;
export const REDIS_MISSING =
  'Skipping the Redis tests: redis-server is not installed. Install it with `apt-get install -y redis-server` to run them.';

export interface TestRedis {
  url: string;
  port: number;
  /** Running now. */
  readonly up: boolean;
  start(): Promise<void>;
  stop(signal?: NodeJS.Signals): Promise<void>;
  close(): Promise<void>;
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
  });
}

export async function startRedis(
  opts: { appendonly?: boolean; appendfsync?: 'always' | 'everysec' } = {},
): Promise<TestRedis> {
  const port = await freePort();
  const dir = mkdtempSync(join(tmpdir(), 'test-redis-'));
  let child: ChildProcess | null = null;

  const start = async () => {
    const args = ['--port', String(port), '--bind', '127.0.0.1', '--dir', dir, '--save', ''];
    if (opts.appendonly) args.push('--appendonly', 'yes', '--appendfsync', opts.appendfsync ?? 'always');
    const proc = spawn('redis-server', args, { stdio: ['ignore', 'pipe', 'pipe'] });
    child = proc;
    await new Promise<void>((resolve, reject) => {
      let out = '';
      const timer = setTimeout(() => reject(new Error(`redis-server did not start:\n${out}`)), 10_000);
      proc.stdout!.on('data', (d: Buffer) => {
        out += d.toString();
        if (/Ready to accept connections/.test(out)) {
          clearTimeout(timer);
          resolve();
        }
      });
      proc.once('exit', (code) => {
        clearTimeout(timer);
        reject(new Error(`redis-server exited (${code}):\n${out}`));
      });
    });
  };
  const stop = async (signal: NodeJS.Signals = 'SIGTERM') => {
    const proc = child;
    child = null;
    if (!proc || proc.exitCode !== null) return;
    await new Promise<void>((resolve) => {
      proc.once('exit', () => resolve());
      proc.kill(signal);
    });
  };
  await start();
  return {
    url: `redis://127.0.0.1:${port}`,
    port,
    get up() {
      return child !== null && child.exitCode === null;
    },
    start,
    stop,
    close: async () => {
      await stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
