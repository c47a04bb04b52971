/**
 * The Dockerfile, read as text: there is no Docker engine here, so the image is never built. Its
 * steps are replayed by test/system/production-build.test.ts; this checks the shape that replay
 * relies on, and that the image runs the Node version the project tests.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT } from './support.ts';

const dockerfile = readFileSync(join(ROOT, 'Dockerfile'), 'utf8');
const nodeVersion = readFileSync(join(ROOT, '.node-version'), 'utf8').trim();

/** The instructions of each stage, continuation lines joined. */
function stages(text: string): Map<string, string[]> {
  const out = new Map<string, string[]>();
  let current: string[] | null = null;
  for (const line of text.replace(/\\\n/g, ' ').split('\n')) {
    const l = line.trim();
    if (!l || l.startsWith('#')) continue;
    const from = /^FROM\s+(\S+)\s+AS\s+(\S+)/i.exec(l);
    if (from) {
      current = [`FROM ${from[1]}`];
      out.set(from[2]!, current);
    } else current?.push(l);
  }
  return out;
}

describe('the Dockerfile', () => {
  const s = stages(dockerfile);

  it('builds every stage on the Node version the project tests, on Debian bookworm slim', () => {
    expect(dockerfile).toContain(`ARG NODE_VERSION=${nodeVersion}`);
    expect([...s.keys()]).toEqual(['build', 'prod-deps', 'runtime', 'demo']);
    for (const name of ['build', 'prod-deps', 'runtime']) {
      expect(s.get(name)![0]).toBe('FROM node:${NODE_VERSION}-bookworm-slim');
    }
    expect(s.get('demo')![0]).toBe('FROM runtime');
  });

  it('compiles in the build stage and installs production dependencies only for the runtime', () => {
    expect(s.get('build')!.some((l) => /^RUN npm run build\b/.test(l))).toBe(true);
    expect(s.get('prod-deps')!.some((l) => /^RUN npm ci --omit=dev\b/.test(l))).toBe(true);
  });

  it('runs compiled code as the node user, with no TypeScript sources and no emulator', () => {
    const runtime = s.get('runtime')!;
    expect(runtime).toContain('USER node');
    expect(runtime).toContain('CMD ["node", "dist/main.js"]');
    expect(runtime).toContain('COPY --from=prod-deps /app/node_modules ./node_modules');
    expect(runtime).toContain('COPY --from=build /app/dist ./dist');
    expect(runtime.some((l) => /COPY\s+src\b|emulator/.test(l))).toBe(false);
    expect(s.get('build')!.some((l) => /mv dist\/emulator /.test(l))).toBe(true);
    expect(s.get('demo')).toContain('COPY --from=build /app/emulator-dist ./dist/emulator');
  });
});
