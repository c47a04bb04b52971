/**
 * `npx tsx bench/client-cpu.ts [--quick] [--calls=N] [--rounds=R] [--json=FILE]`: CPU per upstream
 * call of HTTP clients in this process, against the stub upstream (bench/lib/stub-upstream.ts) in
 * another process, so that only the client's work is counted. Each client sends the small read's
 * call, `GET /crm/v8/Contacts/{id}/Emails`, one at a time, and parses the JSON answer:
 *
 * - this gateway's Zoho client (src/zoho) as main.ts wires it: telemetry hooks, the observed
 *   concurrency budget, the logger at its default level (lines to /dev/null);
 * - the same client bare (no hooks, no logger), and as shipped but on axios's own Node adapter;
 * - axios with the lean adapter (src/zoho/http-adapter.ts), with no client around it;
 * - bare axios (a keep-alive agent, its own JSON parsing), fetch, node:http (a keep-alive agent)
 *   and undici.request (the undici package).
 *
 * Rounds interleave the clients (each round starts with another), so that drift on a busy
 * machine hits them alike; the figure is the median round's CPU (user + system of this process,
 * GC included) divided by its calls. Standalone it starts its own emulator (to record from) and
 * stub; `npm run bench` passes its stub instead (--stub=URL --contact=ID).
 */
import http from 'node:http';
import path from 'node:path';
import { writeFileSync } from 'node:fs';
import axios from 'axios';
import { pino } from 'pino';
import { Agent as UndiciAgent, request as undiciRequest } from 'undici';
import { DEMO_CREDENTIALS } from '../src/emulator/seed/demo.ts';
import { createZohoClient, listEmails, resolveZohoConfig, type ZohoClient } from '../src/zoho/index.ts';
import { leanHttpAdapter } from '../src/zoho/http-adapter.ts';
import { createTelemetry, zohoClientOptions } from '../src/observability/telemetry.ts';
import { createLogger } from '../src/observability/logger.ts';
import { ROOT, spawnChild, type Child } from './lib/proc.ts';
import type { ClientCpu } from './lib/report.ts';

const argv = process.argv.slice(2);
const arg = (name: string) => argv.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3);
const quick = argv.includes('--quick');
const CALLS = Number(arg('calls') ?? (quick ? 300 : 2000));
const ROUNDS = Number(arg('rounds') ?? (quick ? 3 : 5));
const WARMUP = quick ? 150 : 400;

let stubUrl = arg('stub');
let contactId = arg('contact');
const owned: Child[] = [];
let closeEmulator: (() => Promise<void>) | null = null;
if (!stubUrl || !contactId) {
  const { startEmulator } = await import('../src/emulator/index.ts');
  const emu = await startEmulator({ port: 0, db: ':memory:', logger: false });
  closeEmulator = () => emu.close();
  // A contact with a handful of emails, as the small read has.
  const row = emu.store.db
    .prepare(
      `SELECT r.record_id AS id FROM email_records r WHERE r.module = 'Contacts' AND r.org_id = ?
        GROUP BY r.record_id HAVING COUNT(*) BETWEEN 5 AND 10 ORDER BY r.record_id LIMIT 1`,
    )
    .get(DEMO_CREDENTIALS.orgId) as { id: string } | undefined;
  if (!row) throw new Error('no contact with 5 to 10 emails in the demo org');
  contactId = row.id;
  const stub = spawnChild(path.join(ROOT, 'bench/lib/stub-child.ts'), { env: { BENCH_STUB_SOURCE: emu.url } });
  owned.push(stub);
  stubUrl = (await stub.waitFor<{ url: string }>('ready')).url;
}

const route = `/crm/v8/Contacts/${contactId}/Emails`;
const url = `${stubUrl}${route}`;
const token = (
  (await (await fetch(`${stubUrl}/oauth/v2/token`, { method: 'POST' })).json()) as { access_token: string }
).access_token;
const headers = { Authorization: `Zoho-oauthtoken ${token}`, Accept: 'application/json' };

const zohoInput = {
  authMode: 'service' as const,
  apiBaseUrl: stubUrl,
  accountsUrl: stubUrl,
  clientId: DEMO_CREDENTIALS.clientId,
  clientSecret: DEMO_CREDENTIALS.clientSecret,
  refreshToken: DEMO_CREDENTIALS.refreshToken,
};
const shippedConfig = resolveZohoConfig(zohoInput);
const logger = createLogger({ destination: pino.destination({ dest: '/dev/null', sync: true }) });
const shipped: ZohoClient = createZohoClient(
  shippedConfig,
  zohoClientOptions(createTelemetry(), shippedConfig, logger),
);
const bareZoho: ZohoClient = createZohoClient(zohoInput);
// As shipped, but on axios's own Node adapter (what it uses when a proxy variable is set).
const ownAdapter: ZohoClient = createZohoClient(
  resolveZohoConfig({ ...zohoInput, proxyFromEnv: true }),
  zohoClientOptions(createTelemetry(), shippedConfig, logger),
);
const axiosClient = axios.create({ httpAgent: new http.Agent({ keepAlive: true }) });
const axiosLean = axios.create({ httpAgent: new http.Agent({ keepAlive: true }), adapter: leanHttpAdapter });
const nodeAgent = new http.Agent({ keepAlive: true });
const undiciAgent = new UndiciAgent();

function nodeGet(): Promise<unknown> {
  return new Promise((resolve, reject) => {
    http
      .get(url, { agent: nodeAgent, headers }, (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (d: string) => (text += d));
        res.on('end', () => resolve(JSON.parse(text)));
        res.on('error', reject);
      })
      .on('error', reject);
  });
}

const CLIENTS: Array<[string, () => Promise<unknown>]> = [
  [
    'zoho client (as shipped: hooks, budget, logger)',
    () => listEmails(shipped, { module: 'Contacts', recordId: contactId! }),
  ],
  ['zoho client (bare)', () => listEmails(bareZoho, { module: 'Contacts', recordId: contactId! })],
  [
    "zoho client (as shipped, on axios's own adapter)",
    () => listEmails(ownAdapter, { module: 'Contacts', recordId: contactId! }),
  ],
  ['axios', async () => (await axiosClient.get(url, { headers })).data],
  ['axios (lean adapter)', async () => (await axiosLean.get(url, { headers })).data],
  ['fetch', async () => (await fetch(url, { headers })).json()],
  ['node:http', nodeGet],
  ['undici.request', async () => (await undiciRequest(url, { headers, dispatcher: undiciAgent })).body.json()],
];

async function round(call: () => Promise<unknown>, n: number): Promise<{ cpuUs: number; wallUs: number }> {
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  for (let i = 0; i < n; i++) await call();
  const wall = performance.now() - t0;
  const c = process.cpuUsage(c0);
  return { cpuUs: (c.user + c.system) / n, wallUs: (wall * 1000) / n };
}

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
};

try {
  for (const [name, call] of CLIENTS) {
    const first = (await call()) as { emails?: unknown[]; Emails?: unknown[] };
    if (!(first.emails ?? first.Emails)?.length) throw new Error(`${name}: no emails in the answer`);
    await round(call, WARMUP);
  }
  const cpu = new Map<string, number[]>(CLIENTS.map(([n]) => [n, []]));
  const wall = new Map<string, number[]>(CLIENTS.map(([n]) => [n, []]));
  for (let r = 0; r < ROUNDS; r++) {
    for (let k = 0; k < CLIENTS.length; k++) {
      const [name, call] = CLIENTS[(k + r) % CLIENTS.length]!;
      const res = await round(call, CALLS);
      cpu.get(name)!.push(res.cpuUs);
      wall.get(name)!.push(res.wallUs);
    }
  }
  const result: ClientCpu = {
    route: `GET /crm/v8/Contacts/{id}/Emails`,
    callsPerRound: CALLS,
    rounds: ROUNDS,
    clients: CLIENTS.map(([name]) => ({
      client: name,
      cpuUsPerCall: median(cpu.get(name)!),
      cpuUsPerCallRounds: cpu.get(name)!,
      wallUsPerCall: median(wall.get(name)!),
    })),
  };
  const json = arg('json');
  if (json) writeFileSync(json, JSON.stringify(result, null, 2) + '\n');
  else {
    console.log(`CPU per call, ${route} against the stub, ${ROUNDS} rounds × ${CALLS} calls, median round:`);
    console.log('| client | CPU µs per call | rounds | wall µs per call |');
    console.log('|---|---:|---|---:|');
    for (const c of result.clients)
      console.log(
        `| ${c.client} | ${c.cpuUsPerCall.toFixed(0)} | ${c.cpuUsPerCallRounds.map((v) => v.toFixed(0)).join(' / ')} | ${c.wallUsPerCall.toFixed(0)} |`,
      );
  }
} finally {
  shipped.close();
  bareZoho.close();
  nodeAgent.destroy();
  await undiciAgent.close();
  for (const c of owned) await c.stop();
  await closeEmulator?.();
}
