/**
 * The README and the guides as a new user reads them: the README fits on a few screens and links
 * to the rest, every link leads somewhere, the curl line answers what the README shows, every
 * setting is documented, and the standalone-emulator commands work as written.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { GATEWAY_ENV_VARS } from '../../src/config.ts';
import { startStack, type Stack } from '../support/gateway.ts';
import { spawnGateway, type GatewayProcess } from '../ops/support.ts';

const ROOT = resolve(import.meta.dirname, '../..');
const read = (file: string) => readFileSync(join(ROOT, file), 'utf8');
const README = read('README.md');
const GUIDES = [
  'README.md',
  ...readdirSync(join(ROOT, 'docs'))
    .filter((f) => f.endsWith('.md'))
    .map((f) => `docs/${f}`),
  'client/README.md',
  'examples/web/README.md',
];

/** GitHub's anchor for a heading. */
const slug = (heading: string) =>
  heading
    .trim()
    .toLowerCase()
    .replace(/[^\p{L}\p{N} _-]/gu, '')
    .replace(/ /g, '-');

describe('the README', () => {
  it('is a short quick start that links to the rest', () => {
    expect(README.split('\n').length).toBeLessThanOrEqual(130);
    for (const section of ['## Quick start', '### A query with curl', '### A query in the explorer'])
      expect(README).toContain(section);
    expect(README).toContain('npm install && npm start');
    expect(README).toContain('npm test');
    expect(README).toContain('Prerequisites: Node 24');
    expect(README).toContain('scripts/use-node24.sh');
    for (const guide of ['docs/deployment.md', 'docs/operations.md', 'docs/federation.md', 'docs/configuration.md'])
      expect(README).toContain(`(${guide})`);
    expect(README).toContain('docs/benchmarks.md');
    expect(README).toContain('docs/emulator.md');
    expect(README).toContain('docs/design.md');
    expect(README).toContain('![GraphiQL');
    expect(README).toContain('(docs/example-web.png)');
  });

  it.each(GUIDES)('%s: every relative link and image leads to a file (and heading) that exists', (file) => {
    const text = read(file);
    const links = [...text.matchAll(/\]\(([^)\s]+)\)/g)].map((m) => m[1]!).filter((l) => !/^[a-z]+:/.test(l));
    for (const link of links) {
      const [path, anchor] = link.split('#');
      const target = path ? resolve(ROOT, dirname(file), path) : join(ROOT, file);
      expect(existsSync(target), `${file} links to ${link}`).toBe(true);
      if (anchor && target.endsWith('.md')) {
        const body = readFileSync(target, 'utf8');
        // A heading's slug, or an explicit `<a id="…">` (stable anchors that survive a retitle).
        const anchors = [
          ...[...body.matchAll(/^#+ (.+)$/gm)].map((m) => slug(m[1]!)),
          ...[...body.matchAll(/<a id="([^"]+)"/g)].map((m) => m[1]!),
        ];
        expect(anchors, `${file} links to ${link}`).toContain(anchor);
      }
    }
  });
});

describe("the README's curl line", () => {
  let stack: Stack;
  beforeAll(async () => {
    stack = await startStack();
  });
  afterAll(() => stack.close());

  it('answers exactly what the README shows', async () => {
    const curl = /```sh\n(curl -s http:\/\/127\.0\.0\.1:4000\/graphql[\s\S]*?)```/.exec(README)?.[1];
    expect(curl).toBeDefined();
    const body = /-d '(.*)'/.exec(curl!)?.[1];
    expect(curl).toContain("-H 'content-type: application/json'");
    const shown = README.slice(README.indexOf(curl!)).match(/```json\n([\s\S]*?)```/)?.[1];
    const res = await fetch(stack.gateway.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: body!,
    });
    expect(await res.json()).toEqual(JSON.parse(shown!));
  });
});

describe('docs/configuration.md', () => {
  it('names every variable the gateway reads', () => {
    const doc = read('docs/configuration.md');
    const missing = GATEWAY_ENV_VARS.filter((v) => !doc.includes(`\`${v}\``));
    expect(missing).toEqual([]);
  });
});

describe("docs/emulator.md's standalone example", () => {
  const running: GatewayProcess[] = [];
  afterEach(async () => {
    await Promise.all(running.splice(0).map((p) => p.stop()));
  });

  it('runs as written: the emulator on EMULATOR_PORT, and the gateway pointed at it like at Zoho', async () => {
    const doc = read('docs/emulator.md');
    const block = /```sh\n(# terminal 2[\s\S]*?npm start)\n```/.exec(doc)?.[1];
    expect(block).toBeDefined();
    const env = Object.fromEntries(
      [...block!.matchAll(/\b([A-Z_]+)=(\S+)/g)].map((m) => [m[1]!, m[2]!] as [string, string]),
    );
    expect(Object.keys(env).sort()).toEqual([
      'ZOHO_ACCOUNTS_URL',
      'ZOHO_API_BASE_URL',
      'ZOHO_CLIENT_ID',
      'ZOHO_CLIENT_SECRET',
      'ZOHO_REFRESH_TOKEN',
    ]);
    expect(doc).toContain('EMULATOR_PORT=4011 npm run emulator');

    // `npm run emulator`, with EMULATOR_PORT on a free port instead of 4011.
    const emulator = spawnGateway({ EMULATOR_PORT: '0', EMULATOR_DB: ':memory:' }, 'node', {
      script: 'src/emulator/main.ts',
    });
    running.push(emulator);
    const [, emulatorUrl] = await emulator.waitFor(/emulator listening on (http:\/\/\S+)/);
    expect(emulatorUrl).not.toMatch(/:4010$/);

    const documented = 'http://127.0.0.1:4010';
    const gateway = spawnGateway(
      {
        ...Object.fromEntries(Object.entries(env).map(([k, v]) => [k, v.replace(documented, emulatorUrl!)])),
        PORT: '0',
      },
      'node',
    );
    running.push(gateway);
    const [, url] = await gateway.waitFor(/GraphQL gateway:\s+(\S+)/);
    await gateway.waitFor(/Zoho:\s+\{/);
    expect(gateway.output()).not.toMatch(/Zoho emulator:/);
    const res = await fetch(url!, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ query: '{ contact(id: "5843104000005878180") { fullName } }' }),
    });
    expect(((await res.json()) as any).data.contact.fullName).toBe('Rebecca Lindqvist');
    // The emulator, not an embedded one, answered.
    const stats = (await (await fetch(`${emulatorUrl}/__emulator/stats`)).json()) as any;
    expect(stats.requests['GET /crm/v8/Contacts']).toBeGreaterThan(0);
  }, 60_000);
});
