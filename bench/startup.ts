/**
 * `npx tsx bench/startup.ts [runs]`: how long the gateway takes from its start to the first answer,
 * and its resident memory then, for each way of starting it. The gateway runs on the embedded
 * emulator (in-memory database) and answers the README's query. Needs `npm run build` first.
 *
 * Modes: `node dist/main.js` (the production start), `node --import tsx src/main.ts`, and `npm start`
 * (npm, then tsx's loader process, then the gateway: RSS is the whole process tree).
 */
import { spawn, execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';

const ROOT = path.resolve(import.meta.dirname, '..');
const runs = Number(process.argv[2] ?? 3);
const QUERY = '{ contact(id: "5843104000005878180") { fullName emails(first: 2) { nodes { subject } } } }';

const MODES: Record<string, [string, string[]]> = {
  'node dist/main.js': [process.execPath, ['dist/main.js']],
  'node --import tsx src/main.ts': [process.execPath, ['--import', 'tsx', 'src/main.ts']],
  'npm start': ['npm', ['start', '--silent']],
};

function treeRssMiB(pid: number): number {
  const pids = [pid];
  for (let i = 0; i < pids.length; i++) {
    try {
      const kids = execFileSync('pgrep', ['-P', String(pids[i])], { encoding: 'utf8' })
        .split('\n')
        .filter(Boolean);
      pids.push(...kids.map(Number));
    } catch {
      // no children
    }
  }
  let kb = 0;
  for (const p of pids) {
    try {
      kb += Number(/VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${p}/status`, 'utf8'))?.[1] ?? 0);
    } catch {
      // exited
    }
  }
  return kb / 1024;
}

async function once(cmd: string, args: string[]): Promise<{ ms: number; rssMiB: number }> {
  const started = performance.now();
  const child = spawn(cmd, args, {
    cwd: ROOT,
    env: {
      PATH: process.env.PATH ?? '',
      HOME: process.env.HOME ?? '',
      PORT: '0',
      EMULATOR_PORT: '0',
      EMULATOR_DB: ':memory:',
      LOG_LEVEL: 'warn',
    },
    stdio: ['ignore', 'pipe', 'inherit'],
    detached: true,
  });
  let out = '';
  const url = await new Promise<string>((resolve, reject) => {
    child.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      const m = /GraphQL gateway:\s+(\S+)/.exec(out);
      if (m) resolve(m[1]!);
    });
    child.on('exit', (code) => reject(new Error(`exited ${code}: ${out}`)));
  });
  const res = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ query: QUERY }),
  });
  if (!res.ok) throw new Error(`HTTP ${res.status}`);
  await res.json();
  const ms = performance.now() - started;
  const rssMiB = treeRssMiB(child.pid!);
  process.kill(-child.pid!, 'SIGTERM');
  await new Promise((r) => child.on('close', r));
  return { ms, rssMiB };
}

if (!existsSync(path.join(ROOT, 'dist/main.js'))) {
  console.error('Run `npm run build` first.');
  process.exit(1);
}
console.log(`| start mode | first answer after (median of ${runs}) | RSS then |`);
console.log('|---|---|---|');
for (const [name, [cmd, args]] of Object.entries(MODES)) {
  const results = [];
  for (let i = 0; i < runs; i++) results.push(await once(cmd, args));
  const med = (xs: number[]) => xs.sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
  console.log(
    `| \`${name}\` | ${med(results.map((r) => r.ms)).toFixed(0)} ms | ${med(results.map((r) => r.rssMiB)).toFixed(0)} MiB |`,
  );
}
