/**
 * scripts/check-node.mjs, which every npm script runs first: on a Node outside `engines`, one line
 * naming scripts/use-node24.sh, never a native crash (better-sqlite3 13 needs Node-API 10, and a
 * Node 20 loading it dies with a segmentation fault).
 */
import { execFile, execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { ROOT } from './support.ts';

const run = promisify(execFile);
const SCRIPT = join(ROOT, 'scripts/check-node.mjs');
const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8'));

async function satisfies(version: string, range: string): Promise<boolean> {
  const { stdout } = await run(process.execPath, [
    '--input-type=module',
    '-e',
    `import { satisfies } from ${JSON.stringify(SCRIPT)}; console.log(satisfies(${JSON.stringify(version)}, ${JSON.stringify(range)}))`,
  ]);
  return stdout.trim() === 'true';
}

describe('the supported Node range', () => {
  it('is Node 24 (the version CI tests, in .node-version) and Node 22 from 22.15', async () => {
    const range = pkg.engines.node as string;
    const tested = readFileSync(join(ROOT, '.node-version'), 'utf8').trim();
    expect(await satisfies(tested, range)).toBe(true);
    expect(await satisfies('v22.15.0', range)).toBe(true);
    expect(await satisfies('v26.1.0', range)).toBe(true);
    expect(await satisfies('v22.14.9', range)).toBe(false);
    expect(await satisfies('v23.11.0', range)).toBe(false);
    expect(await satisfies('v20.20.2', range)).toBe(false);
  });

  it('lets the current Node through', async () => {
    await expect(run(process.execPath, [SCRIPT])).resolves.toBeDefined();
  });

  const old = '/usr/bin/node';
  const oldVersion = existsSync(old) ? execFileSync(old, ['-v'], { encoding: 'utf8' }).trim() : null;
  const isOld = oldVersion !== null && Number(oldVersion.slice(1).split('.')[0]) < 22;
  it.skipIf(!isOld)(`stops ${oldVersion ?? 'an older Node'} with one line that names the script`, async () => {
    const err = await run(old, [SCRIPT]).then(
      () => null,
      (e: { code: number; stderr: string }) => e,
    );
    expect(err?.code).toBe(1);
    const lines = err!.stderr.trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/needs Node \^22\.15\.0 \|\| >=24.*source scripts\/use-node24\.sh/);
  });
});
