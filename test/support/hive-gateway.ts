/**
 * Test helper: Hive Gateway, the federation router of deploy/compose/, from npm. It is large
 * (about 500 MB installed), so it lives in its own package, deploy/compose/router, installed on
 * first use (`npm ci --prefix deploy/compose/router`), never by the root install.
 */
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT } from '../ops/support.ts';

export const ROUTER_DIR = join(ROOT, 'deploy/compose/router');
export const HIVE_BIN = join(ROUTER_DIR, 'node_modules/@graphql-hive/gateway/dist/bin.js');

/** Hive Gateway installed from the lock file, or why not. */
export function installRouter(): string | null {
  if (existsSync(HIVE_BIN)) return null;
  try {
    console.log('installing Hive Gateway into deploy/compose/router (first run only)…');
    execFileSync('npm', ['ci', '--prefix', ROUTER_DIR, '--no-audit', '--no-fund', '--loglevel=error'], {
      stdio: 'inherit',
      timeout: 600_000,
    });
  } catch (e) {
    return `npm ci --prefix deploy/compose/router failed: ${(e as Error).message}`;
  }
  return existsSync(HIVE_BIN) ? null : 'npm ci --prefix deploy/compose/router did not install @graphql-hive/gateway';
}
