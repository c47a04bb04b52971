/**
 * A router prices operations as the gateway does: Hive Gateway's demand control, reading the
 * supergraph's @cost and @listSize, against the gateway's own estimate (`extensions.zohoCalls`)
 * for the same operations. The router's price is never below the gateway's estimate, and equal
 * to it where the estimate is exact at the caps (pages of emails, email bodies); it is above it
 * where the gateway batches what a router cannot see (deals loaded 100 at a time, ids 100 per
 * call, mutations priced by their input).
 *
 * Real processes: the compiled gateway on an emulator, and Hive Gateway from npm with the compose
 * file's router config (deploy/compose/router), demand control on.
 */
import { existsSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_CREDENTIALS } from '../../src/emulator/index.ts';
import { startTestEmulator, type TestEmulator } from '../support/emulator.ts';
import { contactsWithEmails } from '../support/fixtures.ts';
import { ROOT, spawnGateway, type GatewayProcess } from '../ops/support.ts';
import { HIVE_BIN, installRouter, ROUTER_DIR } from '../support/hive-gateway.ts';

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

async function post(url: string, query: string, variables: Record<string, unknown> = {}): Promise<any> {
  const res = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ query, variables }),
  });
  return res.json();
}

let emulator: TestEmulator;
const running: GatewayProcess[] = [];
let gatewayUrl = '';
let routerUrl = '';
let missing: string | null = null;
let contactIds: string[] = [];

beforeAll(async () => {
  missing = installRouter();
  if (missing) {
    console.warn(`Skipping the demand control check: Hive Gateway is not available (${missing}).`);
    return;
  }
  if (!existsSync(join(ROOT, 'dist/main.js'))) execFileSync('npm', ['run', 'build'], { cwd: ROOT, stdio: 'inherit' });
  emulator = await startTestEmulator();
  contactIds = contactsWithEmails(emulator, { minEmails: 3, count: 5 }).map((c) => c.contactId);
  const gw = spawnGateway(
    {
      PORT: '0',
      ZOHO_API_BASE_URL: emulator.url,
      ZOHO_ACCOUNTS_URL: emulator.url,
      ZOHO_CLIENT_ID: DEMO_CREDENTIALS.clientId,
      ZOHO_CLIENT_SECRET: DEMO_CREDENTIALS.clientSecret,
      ZOHO_REFRESH_TOKEN: DEMO_CREDENTIALS.refreshToken,
      LOG_LEVEL: 'warn',
    },
    'dist',
  );
  running.push(gw);
  gatewayUrl = (await gw.waitFor(/GraphQL gateway:\s+(\S+)/))[1]!;
  const port = await freePort();
  const router = spawnGateway(
    { ZOHO_EMAIL_SUBGRAPH_URL: gatewayUrl, ROUTER_MAX_COST: '1000000', ROUTER_COST_IN_EXTENSIONS: 'true' },
    'dist',
    {
      script: HIVE_BIN,
      args: [
        'supergraph',
        join(ROOT, 'supergraph/supergraph.graphql'),
        '-c',
        join(ROUTER_DIR, 'gateway.config.mjs'),
        '--port',
        String(port),
        '--host',
        '127.0.0.1',
      ],
      cwd: ROUTER_DIR,
    },
  );
  running.push(router);
  await router.waitFor(/Listening on/);
  routerUrl = `http://127.0.0.1:${port}/graphql`;
}, 900_000);

afterAll(async () => {
  await Promise.all(running.map((p) => p.stop()));
  await emulator?.close();
});

/** The router's price and the gateway's estimate of one operation. */
async function prices(query: string, variables: Record<string, unknown> = {}) {
  const viaRouter = await post(routerUrl, query, variables);
  const direct = await post(gatewayUrl, query, variables);
  return {
    router: viaRouter.extensions?.cost?.estimated as number,
    gateway: direct.extensions?.zohoCalls?.estimated as number,
  };
}

describe("Hive Gateway's demand control and the gateway's estimate", () => {
  it('are equal at the caps of the email pages and bodies', async (ctx) => {
    if (missing) return ctx.skip();
    // With a field of the contact's record (fullName), so that both price its read: asked for only
    // with its emails, a contact is not read, which the gateway's estimate knows and a router's
    // static price cannot (it prices one call more; the next test allows router ≥ gateway).
    const full = `{ contact(id: "${contactIds[0]}") { fullName emails(first: 100) { nodes { content } } } }`;
    expect(await prices(full)).toEqual({ router: 111, gateway: 111 });
    const pages = `{ contact(id: "${contactIds[0]}") { fullName emails(first: 100) { edges { node { subject } } } } }`;
    expect(await prices(pages)).toEqual({ router: 11, gateway: 11 });
    const emailsOnly = `{ contact(id: "${contactIds[0]}") { emails(first: 100) { edges { node { subject } } } } }`;
    expect(await prices(emailsOnly)).toEqual({ router: 11, gateway: 10 });
  });

  it('the router never prices below the gateway, on a set of operations', async (ctx) => {
    if (missing) return ctx.skip();
    const cases: Array<[string, Record<string, unknown>]> = [
      [`{ contact(id: "${contactIds[0]}") { fullName emails { nodes { subject linkedDeal { name stage } } } } }`, {}],
      [`{ contact(id: "${contactIds[0]}") { emails(first: 30) { nodes { subject } } } }`, {}],
      [`query($ids: [ID!]!) { contacts(ids: $ids) { fullName deals { name } } }`, { ids: contactIds }],
      [`query($ids: [ID!]!) { contacts(ids: $ids) { emails(first: 5) { nodes { content } } } }`, { ids: contactIds }],
      [`{ contact(id: "${contactIds[0]}") { emails(filter: { linked: false }) { nodes { subject } } } }`, {}],
      [`{ contact(id: "${contactIds[0]}") { dealPrediction { deal { name } } } }`, {}],
    ];
    for (const [query, variables] of cases) {
      const p = await prices(query, variables);
      expect(p.gateway, query).toBeGreaterThan(0);
      expect(p.router, query).toBeGreaterThanOrEqual(p.gateway);
    }
  });
});
