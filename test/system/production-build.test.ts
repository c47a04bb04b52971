/**
 * The production start: the compiled build (`npm run build`, then `node dist/main.js`), first in
 * the checkout on the embedded emulator, then as the Dockerfile's runtime stage lays it out, with
 * production dependencies only (`npm ci --omit=dev`) and no emulator. There is no Docker engine
 * here, so these are the image's steps replayed in a temporary folder, not the image itself.
 *
 * Each start reports how long the first answer took and the server's RSS; docs/deployment.md
 * quotes them (the figures are printed, never asserted: a test does not time anything).
 */
import { execFile } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_CREDENTIALS } from '../../src/emulator/index.ts';
import { startTestEmulator, type TestEmulator } from '../support/emulator.ts';
import { ROOT, spawnGateway, type GatewayProcess } from '../ops/support.ts';

const run = promisify(execFile);
const README_QUERY =
  '{ contact(id: "5843104000005878180") { fullName emails(first: 2) { nodes { subject linkedDeal { name } } } } }';

const running: GatewayProcess[] = [];
let emulator: TestEmulator;
let prodDir: string;

beforeAll(async () => {
  if (!existsSync(join(ROOT, 'dist/main.js'))) await run('npm', ['run', 'build'], { cwd: ROOT });
  emulator = await startTestEmulator();
}, 120_000);
afterAll(async () => {
  await Promise.all(running.map((p) => p.stop()));
  await emulator?.close();
  if (prodDir) rmSync(prodDir, { recursive: true, force: true });
});

/** Starts the gateway and sends it the README query, timing from the spawn to the answer. */
async function firstAnswer(
  ...args: Parameters<typeof spawnGateway>
): Promise<{ p: GatewayProcess; body: any; ms: number; rssMiB: number }> {
  const started = performance.now();
  const p = spawnGateway(...args);
  running.push(p);
  const [, url] = await p.waitFor(/GraphQL gateway:\s+(\S+)/);
  const res = await fetch(url!, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ query: README_QUERY }),
  });
  const ms = performance.now() - started;
  const status = readFileSync(`/proc/${p.child.pid}/status`, 'utf8');
  const rssMiB = Number(/VmRSS:\s+(\d+) kB/.exec(status)?.[1] ?? 0) / 1024;
  return { p, body: await res.json(), ms, rssMiB };
}

function expectReadmeAnswer(body: any): void {
  expect(body.errors).toBeUndefined();
  expect(body.data.contact.fullName).toBe('Rebecca Lindqvist');
  expect(body.data.contact.emails.nodes).toHaveLength(2);
}

describe('the compiled gateway (node dist/main.js)', () => {
  it('starts on the embedded emulator with the demo org, answers the README query, and stops on SIGTERM', async () => {
    const { p, body, ms, rssMiB } = await firstAnswer(
      { PORT: '0', EMULATOR_PORT: '0', EMULATOR_DB: ':memory:' },
      'dist',
    );
    expectReadmeAnswer(body);
    console.log(
      `compiled start, embedded emulator: first answer after ${ms.toFixed(0)} ms, RSS ${rssMiB.toFixed(0)} MiB`,
    );
    p.child.kill('SIGTERM');
    expect((await p.exited).code).toBe(0);
  });
});

describe("the Dockerfile's runtime stage, replayed without Docker", () => {
  it('installs production dependencies only, with no TypeScript, tsx or test tooling', async () => {
    prodDir = mkdtempSync(join(tmpdir(), 'gateway-prod-'));
    for (const f of ['package.json', 'package-lock.json', '.npmrc']) cpSync(join(ROOT, f), join(prodDir, f));
    // The prod-deps stage: `npm ci --omit=dev`.
    await run('npm', ['ci', '--omit=dev', '--no-audit', '--no-fund'], { cwd: prodDir, env: process.env });
    // The runtime stage: schema/, and dist/ without the emulator (the build stage moves it out).
    cpSync(join(ROOT, 'schema'), join(prodDir, 'schema'), { recursive: true });
    cpSync(join(ROOT, 'dist'), join(prodDir, 'dist'), { recursive: true });
    rmSync(join(prodDir, 'dist/emulator'), { recursive: true, force: true });
    for (const dev of ['typescript', 'tsx', 'vitest', 'eslint', '@apollo/gateway', 'playwright-core']) {
      expect(existsSync(join(prodDir, 'node_modules', dev)), dev).toBe(false);
    }
  }, 300_000);

  it('answers the README query against Zoho (here the emulator, standing in for it)', async () => {
    const { p, body, ms, rssMiB } = await firstAnswer(
      {
        NODE_ENV: 'production',
        PORT: '0',
        ZOHO_API_BASE_URL: emulator.url,
        ZOHO_ACCOUNTS_URL: emulator.url,
        ZOHO_CLIENT_ID: DEMO_CREDENTIALS.clientId,
        ZOHO_CLIENT_SECRET: DEMO_CREDENTIALS.clientSecret,
        ZOHO_REFRESH_TOKEN: DEMO_CREDENTIALS.refreshToken,
      },
      'dist',
      { cwd: prodDir },
    );
    expectReadmeAnswer(body);
    console.log(
      `compiled start, production dependencies: first answer after ${ms.toFixed(0)} ms, RSS ${rssMiB.toFixed(0)} MiB`,
    );
    p.child.kill('SIGTERM');
    expect((await p.exited).code).toBe(0);
  });

  it('refuses to start with no Zoho settings, since the image carries no emulator: exit 1, saying what to set', async () => {
    const p = spawnGateway({ NODE_ENV: 'production', PORT: '0' }, 'dist', { cwd: prodDir });
    running.push(p);
    expect((await p.exited).code).toBe(1);
    expect(p.output()).toMatch(/this build has no embedded emulator/);
    expect(p.output()).toMatch(/ZOHO_REFRESH_TOKEN/);
    expect(p.output()).not.toMatch(/\n\s+at /);
  });
});
