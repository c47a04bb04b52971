/**
 * The example app (examples/web, its own package): installed on first use, built with Vite, and
 * served from its dist/ folder by a small static server on an ephemeral port.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { extname, join, normalize, resolve } from 'node:path';

export const EXAMPLE_DIR = resolve(import.meta.dirname, '../../../examples/web');

function npm(args: string[]): string {
  return execFileSync('npm', args, { cwd: EXAMPLE_DIR, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
}

/** `npm ci` in examples/web when it has not been installed yet (.ci/run installs it first). */
export function installExample(log: (s: string) => void = console.log): void {
  if (existsSync(join(EXAMPLE_DIR, 'node_modules', '.package-lock.json'))) return;
  log('installing examples/web (npm ci)…');
  npm(['ci', '--no-audit', '--no-fund', '--loglevel=error']);
}

export function typecheckExample(): string {
  return npm(['run', '--silent', 'typecheck']);
}

export function buildExample(): string {
  return npm(['run', '--silent', 'build']);
}

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript',
  '.css': 'text/css',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
};

export async function serveExample(): Promise<{ url: string; close(): Promise<void> }> {
  const root = join(EXAMPLE_DIR, 'dist');
  const server = createServer((req, res) => {
    const path = normalize(decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname));
    let file = join(root, path);
    if (!file.startsWith(root) || !existsSync(file) || path === '/') file = join(root, 'index.html');
    res.writeHead(200, { 'content-type': TYPES[extname(file)] ?? 'application/octet-stream' });
    res.end(readFileSync(file));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () => new Promise<void>((r) => server.close(() => r())),
  };
}
